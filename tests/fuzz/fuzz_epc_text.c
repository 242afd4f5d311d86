/* fuzz_epc_text.c -- libFuzzer target: text for SEPA fields and their dates.
 *
 * epc_transliterate() must accept any UTF-8 and refuse anything else,
 * naming the offset epc_utf8_valid() finds. What it accepts gives text of
 * the EPC set, no longer than the input, with no space at either end or
 * twice in a row, which transliterates to itself. epc_truncate() keeps a
 * prefix within its limit; epc_field() agrees with the two in a row.
 * epc_ref_check() agrees with the rules written out again here, and
 * business_day_parse() accepts only dates that business_day_after() also
 * takes.
 *
 * The fuzz rule compiles only $(LIB_SRC), so the modules are included here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/core/business_day.c"
#include "../../server/core/epc_text.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rules of a reference, written out again: 1-35 characters of the set,
 * no space, no '/' at either end, no "//". */
static bool
ref_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 35 || s[0] == '/' || s[n - 1] == '/')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || !epc_char_valid((unsigned char)s[i]))
			return false;
		if (i > 0 && s[i] == '/' && s[i - 1] == '/')
			return false;
	}
	return true;
}

static void
check_text(const char *t, size_t n)
{
	size_t i;

	if (strlen(t) != n || !epc_text_valid(t))
		abort();
	if (n > 0 && (t[0] == ' ' || t[n - 1] == ' '))
		abort();
	for (i = 1; i < n; i++)
		if (t[i] == ' ' && t[i - 1] == ' ')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[] = { 0, 1, 7, 35, 70, 140 };
	struct pn_error err;
	char *out, *again, *cut, *s, field[141], expect[64];
	size_t bad = 0, i, n, c;
	long r;
	int y, m, d, y2, m2, d2;

	if ((out = malloc(size + 1)) == NULL || (again = malloc(size + 1)) ==
	    NULL || (cut = malloc(size + 1)) == NULL || (s = malloc(size + 1))
	    == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	r = epc_transliterate((const char *)data, size, out, size + 1, &err);
	if (r < 0) {
		if (epc_utf8_valid((const char *)data, size, &bad))
			abort();
		(void)snprintf(expect, sizeof(expect),
		    "invalid UTF-8 at byte %zu", bad);
		if (err.code != PN_E_FORMAT || strcmp(err.message, expect) != 0)
			abort();
	} else {
		if (!epc_utf8_valid((const char *)data, size, NULL))
			abort();
		n = (size_t)r;
		if (n > size)
			abort();
		check_text(out, n);
		/* The result is a fixed point. */
		if (epc_transliterate(out, n, again, n + 1, &err) != r ||
		    strcmp(again, out) != 0)
			abort();
		for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
			memcpy(cut, out, n + 1);
			c = epc_truncate(cut, limits[i]);
			if (n > limits[i] && c > limits[i])
				abort();
			if (n <= limits[i] && (c != n || strcmp(cut, out) != 0))
				abort();
			if (strlen(cut) != c || strncmp(cut, out, c) != 0)
				abort();
			check_text(cut, c);
		}
		/* epc_field() reads up to the first NUL. */
		r = epc_field(s, 140, field, sizeof(field), &err);
		if (memchr(data, '\0', size) == NULL) {
			memcpy(cut, out, n + 1);
			if (r != (long)epc_truncate(cut, 140) ||
			    strcmp(field, cut) != 0)
				abort();
		} else if (r < 0 || r > 140)
			abort();
	}

	if ((epc_ref_check(s) == NULL) != ref_ok(s) ||
	    epc_ref_valid(s) != ref_ok(s))
		abort();

	if (business_day_parse(s, &y, &m, &d) == 0) {
		if (strlen(s) != 10 || y < 1583 || y > 9999 || m < 1 || m > 12 ||
		    d < 1 || d > 31)
			abort();
		business_day_after(y, m, d, (unsigned)size * 3, &y2, &m2, &d2);
		if (!business_day_is(y2, m2, d2) || y2 < y)
			abort();
	}

	free(s);
	free(cut);
	free(again);
	free(out);
	return 0;
}
