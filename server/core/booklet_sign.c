/* booklet_sign.c -- a booklet's vouchers signed before its transaction.
 *
 * Signing ten vouchers costs more than writing them: done here, on the
 * request's thread, booklets asked for at the same moment are signed on
 * every CPU at once, and their transaction, which every writer waits
 * for, only writes them. The programme read here may change before the
 * transaction; the store then signs again there (store_sqlite_booklets.c).
 */
#include <string.h>

#include "booklet_sign.h"
#include "validity.h"

int
booklet_sign(struct store *s, const struct pn_signing_key *key,
    const struct pn_cert *cert, int64_t programme, int64_t now,
    struct pn_voucher out[STORE_BOOKLET_MAX], unsigned *n)
{
	struct store_programme p;
	struct validity_rule rule;
	struct pn_error err;
	int64_t expires;
	uint64_t first;
	unsigned i;

	if (store_programme_get(s, programme, &p, &err) != 0 ||
	    p.per_booklet == 0 || p.per_booklet > STORE_BOOKLET_MAX ||
	    validity_parse(p.validity, &rule) != 0)
		return -1;
	expires = validity_expiry(&rule, now);
	if (now < cert->valid_from || now > cert->sign_until ||
	    expires < 0 || expires > cert->verify_until)
		return -1;
	if (store_serials_reserve(s, p.per_booklet, &first, &err) != 0)
		return -1;
	for (i = 0; i < p.per_booklet; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].programme = (uint32_t)p.id;
		out[i].serial = first + i;
		out[i].value_cents = (uint32_t)p.face_value;
		out[i].issued_at = (uint32_t)now;
		out[i].expires_at = (uint32_t)expires;
		if (pn_voucher_sign(&out[i], key) != 0) {
			store_serials_release(s, first, p.per_booklet);
			return -1;
		}
	}
	*n = p.per_booklet;
	return 0;
}
