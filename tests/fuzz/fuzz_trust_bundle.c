/* fuzz_trust_bundle.c -- libFuzzer target: the trust bundle loader.
 *
 * pn_trust_parse() must accept or refuse any bytes without a crash, and a
 * bundle it accepts must encode back to the same bytes. pn_trust_decode()
 * (with the key the bundle names) must never accept what parse refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/passnum.h"
#include "passnum/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pn_trust *t, *d;
	uint8_t *buf;
	size_t len, i;

	pn_init();
	t = pn_trust_parse(data, size, NULL);
	d = pn_trust_decode(data, size, NULL, 0, NULL);
	if (t == NULL && d != NULL)
		abort();
	if (t != NULL) {
		if (pn_trust_encode(t, &buf, &len, NULL) != 0)
			abort();
		if (len != size || memcmp(buf, data, size) != 0)
			abort();
		free(buf);
		for (i = 0; i < t->n_certs; i++)
			(void)pn_trust_find(t, t->certs[i].kid);
	}
	pn_trust_free(t);
	pn_trust_free(d);
	return 0;
}
