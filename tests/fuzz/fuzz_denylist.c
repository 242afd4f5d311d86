/* fuzz_denylist.c -- libFuzzer target: the deny-list loader and merge.
 *
 * Any bytes are parsed without a crash; a parsed list encodes back to the
 * same bytes, and merging it into an empty holder keeps serials sorted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/passnum.h"
#include "passnum/denylist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pn_denylist *d, *held;
	uint8_t *buf;
	size_t len, i;

	pn_init();
	if ((d = pn_denylist_parse(data, size, NULL)) == NULL)
		return 0;
	if (pn_denylist_encode(d, &buf, &len, NULL) != 0)
		abort();
	if (len != size || memcmp(buf, data, size) != 0)
		abort();
	free(buf);
	held = pn_denylist_new();
	if (pn_denylist_merge(held, d, 0, NULL) == 0) {
		for (i = 1; i < held->n; i++)
			if (held->entries[i - 1].serial >=
			    held->entries[i].serial)
				abort();
		for (i = 0; i < d->n; i++)
			if (d->entries[i].expires_at > 0 &&
			    pn_denylist_find(held, d->entries[i].serial) == NULL)
				abort();
	}
	pn_denylist_free(held);
	pn_denylist_free(d);
	return 0;
}
