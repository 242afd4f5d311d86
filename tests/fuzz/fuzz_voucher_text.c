/* fuzz_voucher_text.c -- libFuzzer target: the voucher text decoder and verifier.
 *
 * Any input must give a defined reason without a crash; a text that decodes
 * must encode back to the same text (one encoding per voucher).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/passnum.h"
#include "passnum/keys.h"
#include "passnum/reason.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"
#include "fixtures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pn_trust *trust;

static void
setup(void)
{
	struct pn_master_key *m;
	struct pn_signing_key *k;
	struct pn_cert c;

	pn_init();
	m = fx_master_with(FX_MASTER_SEED);
	k = fx_signing(1);
	if (m == NULL || k == NULL || fx_cert(&c, m, k, 0, NULL, NULL) != 0 ||
	    (trust = pn_trust_new(m->pk, 1, T_2026)) == NULL ||
	    pn_trust_add_cert(trust, &c, NULL) != 0)
		abort();
	pn_signing_key_free(k);
	pn_master_key_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pn_voucher v;
	char text[PN_VOUCHER_TEXT_LEN + 1];
	enum pn_reason r;

	if (trust == NULL)
		setup();
	r = pn_voucher_check_text((const char *)data, size, trust, NULL,
	    1780000000, &v);
	if (pn_reason_message(r, PN_LANG_FR) == NULL)
		abort();
	if (pn_voucher_from_text((const char *)data, size, &v) == PN_R_OK) {
		pn_voucher_to_text(&v, text);
		if (size != PN_VOUCHER_TEXT_LEN || memcmp(text, data, size))
			abort();
	}
	return 0;
}
