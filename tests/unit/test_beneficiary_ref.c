/* test_beneficiary_ref.c -- the normal form of a file reference (beneficiary_ref.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "beneficiary_ref.h"

static void
same(const char *in, const char *want)
{
	char out[257];

	if (beneficiary_ref_normalise(in, out, sizeof(out)) != 0)
		fail_msg("'%s' was refused", in);
	if (strcmp(out, want) != 0)
		fail_msg("'%s' gave '%s', wanted '%s'", in, out, want);
}

/* The four spellings the bug report named are one. */
static void
test_trim_case_dashes(void **state)
{
	(void)state;
	same("SAME-x", "samex");
	same("same-x", "samex");
	same(" SAME-x", "samex");
	same("SAME-x ", "samex");
	same("SA ME\t-X", "samex");
	same("dossier 2024/17", "dossier2024/17");
}

static void
test_look_alikes(void **state)
{
	(void)state;
	same("\xef\xbc\xb3\xef\xbc\xa1\xef\xbc\xad\xef\xbc\xa5-x", "samex");	/* fullwidth */
	same("SAME\xe2\x80\x93x", "samex");	/* en dash */
	same("SAME\xe2\x88\x92x", "samex");	/* minus sign */
	same("SAME\xc2\xa0x", "samex");		/* no-break space */
	same("SAME\xe2\x80\x8bx", "samex");	/* zero-width space */
	same("S\xd0\x90ME-\xd1\x85", "samex");	/* Cyrillic A, small ha */
	same("S\xce\x91M\xce\x95-X", "samex");	/* Greek Alpha, Epsilon */
	same("\xc3\x89L\xc3\x88VE", "\xc3\xa9l\xc3\xa8ve");	/* accents kept */
	same("\xc3\x97", "\xc3\x97");		/* the multiplication sign */
}

static void
test_refused(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(beneficiary_ref_normalise(" - ", out, sizeof(out)),
	    -1);
	assert_int_equal(beneficiary_ref_normalise("", out, sizeof(out)), -1);
	assert_int_equal(beneficiary_ref_normalise("12345678", out,
	    sizeof(out)), -1);		/* out too small */
	/* A byte that starts no UTF-8 sequence is kept as it is. */
	assert_int_equal(beneficiary_ref_normalise("A\xff", out, sizeof(out)),
	    0);
	assert_string_equal(out, "a\xff");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim_case_dashes),
		cmocka_unit_test(test_look_alikes),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
