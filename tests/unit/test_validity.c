/* test_validity.c -- programme validity rules and voucher expiry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "validity.h"

static void
test_parse_and_format(void **state)
{
	struct validity_rule r;
	char buf[32];

	(void)state;
	assert_int_equal(validity_parse("year-end+31", &r), 0);
	assert_int_equal(r.kind, VALIDITY_YEAR_END);
	assert_int_equal(r.days, 31);
	validity_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, "year-end+31");
	assert_int_equal(validity_parse("days:90", &r), 0);
	assert_int_equal(r.kind, VALIDITY_DAYS);
	validity_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, "days:90");
	assert_int_equal(validity_parse("year-end+0", &r), 0);
	assert_int_equal(validity_parse("days:0", &r), -1);
	assert_int_equal(validity_parse("days:3661", &r), -1);
	assert_int_equal(validity_parse("year-end+367", &r), -1);
	assert_int_equal(validity_parse("year-end", &r), -1);
	assert_int_equal(validity_parse("days:-3", &r), -1);
	assert_int_equal(validity_parse("31 days", &r), -1);
	assert_int_equal(validity_parse("", &r), -1);
}

static void
test_expiry(void **state)
{
	struct validity_rule r = { VALIDITY_YEAR_END, 31 };

	(void)state;
	/* Issued 2026-03-01T09:00Z: until 2027-01-31 23:59:59 Paris. */
	assert_int_equal(validity_expiry(&r, 1772355600), 1801436399);
	/* 2026-12-31T23:30Z is already 2027 in Paris: the next year's end. */
	assert_int_equal(validity_expiry(&r, 1798759800),
	    1801436399 + 365 * 86400);
	/* 2026-12-31T22:30Z is still 2026 in Paris. */
	assert_int_equal(validity_expiry(&r, 1798756200), 1801436399);
	r.days = 0;
	assert_int_equal(validity_expiry(&r, 1772355600), 1798757999);
	r.kind = VALIDITY_DAYS;
	r.days = 90;
	assert_int_equal(validity_expiry(&r, 1772355600),
	    1772355600 + 90 * 86400 - 1);
	/* Beyond 2106 a voucher's 32-bit time cannot hold the expiry. */
	assert_int_equal(validity_expiry(&r, 4294967295LL - 86400), -1);
	assert_int_equal(validity_expiry(&r, -5), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_expiry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
