/* booklet.c -- a stored booklet's vouchers as text, printed serials and control keys. */
#include <string.h>

#include "booklet.h"

void
booklet_codes(const struct store_booklet *b, const struct store_voucher *sv,
    struct booklet_codes *out)
{
	voucher_codes(b->programme_id, sv, out);
}

void
voucher_codes(int64_t programme_id, const struct store_voucher *sv,
    struct booklet_codes *out)
{
	struct pn_voucher v;
	char key[PN_CONTROL_KEY_SIZE];

	memset(&v, 0, sizeof(v));
	v.format = PN_VOUCHER_FORMAT;
	v.kid = sv->kid;
	v.programme = (uint32_t)programme_id;
	v.serial = sv->serial;
	v.value_cents = (uint32_t)sv->value;
	v.issued_at = (uint32_t)sv->issued_at;
	v.expires_at = (uint32_t)sv->expires_at;
	memcpy(v.signature, sv->signature, sizeof(v.signature));
	pn_voucher_to_text(&v, out->text);
	pn_serial_format(sv->serial, out->printed);
	pn_control_key(sv->signature, key);
	pn_control_key_format(key, out->control_key);
}
