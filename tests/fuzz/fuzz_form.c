/* fuzz_form.c -- libFuzzer target: the decoder of HTML form bodies.
 *
 * form_parse() must accept or refuse any bytes without a crash. A refusal
 * leaves a message; an acceptance leaves at most FORM_FIELDS_MAX fields,
 * each name non-empty, unique and valid UTF-8, each value valid UTF-8 and
 * no longer than the body. Re-encoding the fields and decoding again gives
 * the same fields (the decoder loses nothing).
 *
 * The fuzz rule compiles only $(LIB_SRC), so the module is included here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/passnumd/form.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Append s percent-encoded to out at *o. */
static void
encode(const char *s, char *out, size_t *o)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		out[(*o)++] = '%';
		out[(*o)++] = hex[c >> 4];
		out[(*o)++] = hex[c & 15];
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f, g;
	char err[256], *again;
	size_t i, j, o = 0;

	err[0] = '\0';
	if (form_parse((const char *)data, size, &f, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (f.n > FORM_FIELDS_MAX)
		abort();
	if ((again = malloc(3 * size + 2 * f.n + 1)) == NULL)
		abort();
	for (i = 0; i < f.n; i++) {
		const char *n = f.fields[i].name, *v = f.fields[i].value;

		if (n[0] == '\0' || !form_utf8_valid(n, strlen(n)) ||
		    !form_utf8_valid(v, strlen(v)) || strlen(v) > size)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(f.fields[j].name, n) == 0)
				abort();
		if (i > 0)
			again[o++] = '&';
		encode(n, again, &o);
		again[o++] = '=';
		encode(v, again, &o);
	}
	if (form_parse(again, o, &g, err, sizeof(err)) != 0 || g.n != f.n)
		abort();
	for (i = 0; i < f.n; i++)
		if (strcmp(g.fields[i].name, f.fields[i].name) != 0 ||
		    strcmp(g.fields[i].value, f.fields[i].value) != 0)
			abort();
	form_free(&g);
	form_free(&f);
	free(again);
	return 0;
}
