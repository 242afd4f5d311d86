/* fuzz_checkpoint.c -- libFuzzer target: the checkpoint reader.
 *
 * The input is read as one line of a checkpoint history (checkpoints.log,
 * a copy given to passnum-admin audit, the answer of GET
 * /api/v1/checkpoint). No input crashes; a line that parses writes out
 * as the same text (the format has one spelling), and never verifies
 * under a key that did not sign it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/checkpoint.h"
#include "passnum/passnum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *
zero_key(const void *ctx, uint16_t kid)
{
	static const uint8_t pk[32];

	(void)ctx;
	(void)kid;
	return pk;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[PN_CHECKPOINT_TEXT_MAX];
	struct pn_checkpoint c;
	size_t body = size;

	pn_init();
	if (pn_checkpoint_parse((const char *)data, size, &c, NULL) != 0)
		return 0;
	pn_checkpoint_to_text(&c, text);
	/* The same text, less the line end the reader allows. */
	if (body > 0 && data[body - 1] == '\n')
		body--;
	if (body > 0 && data[body - 1] == '\r')
		body--;
	if (strlen(text) != body || memcmp(text, data, body) != 0)
		abort();
	if (pn_checkpoint_check((const char *)data, size, zero_key, NULL, &c,
	    NULL) == 0)
		abort();
	return 0;
}
