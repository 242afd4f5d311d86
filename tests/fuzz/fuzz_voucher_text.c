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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pn_trust *trust;

static void
setup(void)
{
	uint8_t seed[32];
	struct pn_master_key *m;
	struct pn_signing_key *k;
	struct pn_cert c;

	pn_init();
	memset(seed, 0x4d, sizeof(seed));
	m = pn_master_key_from_seed(seed, NULL);
	memset(seed, 1, sizeof(seed));
	k = pn_signing_key_from_seed(1, seed, NULL);
	memset(&c, 0, sizeof(c));
	c.kid = 1;
	memcpy(c.pk, k->pk, 32);
	c.valid_from = 1767225600;
	c.sign_until = 1798761600;
	c.verify_until = 1814486400;
	c.all_programmes = true;
	pn_cert_sign(&c, m, NULL);
	trust = pn_trust_new(m->pk, 1, 1767225600);
	pn_trust_add_cert(trust, &c, NULL);
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
