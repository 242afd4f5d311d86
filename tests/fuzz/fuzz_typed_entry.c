/* fuzz_typed_entry.c -- libFuzzer target: a serial and control key as a venue types them (terminal/typed.c).
 *
 * The input is the typed line; a 0x01 byte, when there is one, ends it and
 * what follows is a key typed apart. Whatever is read must be well formed:
 * a complete entry has a canonical key and a serial whose printed form
 * reads back the same, alone and followed by the key; a serial without a
 * key is a serial as pn_serial_parse() reads it. The Makefile compiles
 * the module under test in, as for fuzz_journal.
 */
#include <stdlib.h>
#include <string.h>

#include "../../terminal/typed.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What complete entries must read back as. */
static void
check_full(const struct typed_entry *te)
{
	char printed[PN_SERIAL_TEXT_MAX], line[TYPED_ENTRY_MAX];
	char key[PN_CONTROL_KEY_TEXT_MAX];
	struct typed_entry again;
	uint64_t serial;
	size_t i;

	if (strlen(te->key) != PN_CONTROL_KEY_LEN)
		abort();
	for (i = 0; i < PN_CONTROL_KEY_LEN; i++)
		if (strchr(PN_CONTROL_KEY_ALPHABET, te->key[i]) == NULL)
			abort();
	pn_serial_format(te->serial, printed);
	if (pn_serial_parse(printed, &serial) != PN_SERIAL_OK ||
	    serial != te->serial)
		abort();
	pn_control_key_format(te->key, key);
	memcpy(line, printed, strlen(printed));
	line[strlen(printed)] = ' ';
	memcpy(line + strlen(printed) + 1, key, strlen(key) + 1);
	typed_entry_parse(line, strlen(line), NULL, &again);
	if (again.kind != TYPED_FULL || again.serial != te->serial ||
	    strcmp(again.key, te->key) != 0)
		abort();
	typed_entry_parse(printed, strlen(printed), key, &again);
	if (again.kind != TYPED_FULL || again.serial != te->serial ||
	    strcmp(again.key, te->key) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct typed_entry te;
	const uint8_t *cut = memchr(data, 0x01, size);
	size_t n = cut != NULL ? (size_t)(cut - data) : size;
	char *text, *key = NULL;
	uint64_t serial;

	if ((text = malloc(n + 1)) == NULL)
		return 0;
	memcpy(text, data, n);
	text[n] = '\0';
	if (cut != NULL) {
		if ((key = malloc(size - n)) == NULL) {
			free(text);
			return 0;
		}
		memcpy(key, cut + 1, size - n - 1);
		key[size - n - 1] = '\0';
	}
	typed_entry_parse(text, n, key, &te);
	switch (te.kind) {
	case TYPED_FULL:
		check_full(&te);
		break;
	case TYPED_NO_KEY:
		if (key != NULL || memchr(text, '\0', n) != NULL ||
		    pn_serial_parse(text, &serial) != PN_SERIAL_OK ||
		    serial != te.serial)
			abort();
		break;
	case TYPED_BAD_KEY:
		if (te.key_status == PN_CONTROL_KEY_OK || te.key[0] != '\0')
			abort();
		break;
	case TYPED_BAD_SERIAL:
		if (te.serial_status == PN_SERIAL_OK)
			abort();
		break;
	case TYPED_NOT:
		if (n > 0 && memchr(text, '\0', n) == NULL &&
		    typed_looks_typed(text))
			abort();
		break;
	}
	free(text);
	free(key);
	return 0;
}
