/* fuzz_redemption.c -- libFuzzer target: the redemption-record parser and the receipt reader.
 *
 * The input is read as the JSON body of POST /api/v1/redemptions (and as
 * the first record of a batch) and, separately, as a receipt's text. No
 * input crashes; a record that parses writes out as JSON and parses back
 * to the same record; a receipt never verifies unless its signature does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/passnum.h"
#include "passnum/receipt.h"
#include "passnum/redemption.h"
#include "passnum/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
record(const json_t *j)
{
	struct pn_redemption r, back;
	json_t *out;

	if (pn_redemption_from_json(j, &r, NULL) != 0)
		return;
	if ((out = pn_redemption_to_json(&r)) == NULL)
		abort();
	if (pn_redemption_from_json(out, &back, NULL) != 0 ||
	    memcmp(&r, &back, sizeof(r)) != 0)
		abort();
	json_decref(out);
	(void)pn_redemption_verify(&r, r.session[0] & 1 ? r.id : r.session);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pn_trust *empty;
	struct pn_receipt rc;
	json_t *doc, *list;
	char *text;

	pn_init();
	if (empty == NULL && (empty = pn_trust_new((const uint8_t[32]){ 0 }, 1,
	    0)) == NULL)
		abort();
	if ((doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL)) != NULL) {
		record(doc);
		list = json_object_get(doc, "records");
		if (json_is_array(list))
			record(json_array_get(list, 0));
		json_decref(doc);
	}
	/* A receipt's text: signed by no key of an empty bundle, never valid. */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (pn_receipt_from_text(text, empty, &rc, NULL) == 0)
		abort();
	free(text);
	return 0;
}
