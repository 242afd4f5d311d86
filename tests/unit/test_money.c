/* test_money.c -- euro amounts printed the French way, and read back as people type them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "passnum/money.h"

static void
test_format(void **state)
{
	char buf[PN_MONEY_TEXT_MAX];

	(void)state;
	pn_money_format(0, buf);
	assert_string_equal(buf, "0,00\xc2\xa0€");
	pn_money_format(123456789, buf);
	assert_string_equal(buf, "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567,89"
	    "\xc2\xa0€");
	pn_money_format(-1050, buf);
	assert_string_equal(buf, "-10,50\xc2\xa0€");
}

static void
test_parse_typed(void **state)
{
	static const struct {
		const char *text;
		int64_t cents;
	} ok[] = {
		{ "12", 1200 }, { "12,5", 1250 }, { "12,50", 1250 },
		{ "12.05", 1205 }, { "0,01", 1 }, { " 1 234,50 € ", 123450 },
		{ "1234.50€", 123450 }, { "1\xc2\xa0" "000", 100000 },
		{ "1\xe2\x80\xaf" "000,00\xc2\xa0€", 100000 },
		{ "150 000", 15000000 }, { "007", 700 },
	};
	static const char *const bad[] = {
		"", " ", "€", "-12", "+12", "12,", "12,345", ",5", "1 2 ,5",
		"12 ,50", "12, 50", "1  000", "12€ 5", "douze", "12e3", "1_000",
		"12,5 0", "0x10", "12 000 000 000 000 000 000",
	};
	int64_t c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(pn_money_parse(ok[i].text, INT64_MAX / 2, &c),
		    0);
		assert_int_equal(c, ok[i].cents);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pn_money_parse(bad[i], INT64_MAX / 2, &c) != -1)
			fail_msg("'%s' was read as %lld cents", bad[i],
			    (long long)c);
}

static void
test_parse_max(void **state)
{
	int64_t c;

	(void)state;
	assert_int_equal(pn_money_parse("100", 10000, &c), 0);
	assert_int_equal(pn_money_parse("100,01", 10000, &c), -1);
	/* Cents alone over a small maximum: no rounding lets it through. */
	assert_int_equal(pn_money_parse("0,60", 50, &c), -1);
	assert_int_equal(pn_money_parse("0,50", 50, &c), 0);
	assert_int_equal(c, 50);
	assert_int_equal(pn_money_parse("92233720368547758", INT64_MAX, &c), 0);
	assert_int_equal(pn_money_parse("92233720368547759", INT64_MAX, &c),
	    -1);
	/* The largest amount, to the cent, and one cent more. */
	assert_int_equal(pn_money_parse("92233720368547758,07", INT64_MAX,
	    &c), 0);
	assert_int_equal(c, INT64_MAX);
	assert_int_equal(pn_money_parse("92233720368547758,08", INT64_MAX,
	    &c), -1);
}

/* Whatever is printed reads back as itself. */
static void
test_round_trip(void **state)
{
	char buf[PN_MONEY_TEXT_MAX];
	int64_t c, back;
	unsigned i;

	(void)state;
	srand(7);
	for (i = 0; i < 100000; i++) {
		c = ((int64_t)rand() << 20 ^ rand()) % 100000000000LL;
		pn_money_format(c, buf);
		assert_int_equal(pn_money_parse(buf, INT64_MAX, &back), 0);
		assert_int_equal(back, c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse_typed),
		cmocka_unit_test(test_parse_max),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
