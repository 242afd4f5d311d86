/* test_timefmt.c -- typed and printed dates, and strict numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"

#define SENTINEL	((int64_t)0x5a5a5a5a5a5a5a5aLL)
#define U_SENTINEL	((uint64_t)0xa5a5a5a5a5a5a5a5ULL)
/* 9999-12-31T23:59:59Z: the last second with a four-digit year. */
#define T_LAST		INT64_C(253402300799)

/* xorshift64: a fixed-seed generator, so that a failure reproduces. */
static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void
expect_time(const char *s, int64_t want)
{
	int64_t t = SENTINEL;

	if (pn_time_parse(s, &t) != 0)
		fail_msg("\"%s\" refused", s);
	assert_int_equal(t, want);
}

static void
expect_refused(const char *s)
{
	int64_t t = SENTINEL;

	if (pn_time_parse(s, &t) != -1)
		fail_msg("\"%s\" accepted as %lld", s != NULL ? s : "(null)",
		    (long long)t);
	assert_int_equal(t, SENTINEL);
}

static void
test_time_parse(void **state)
{
	(void)state;
	expect_time("1970-01-01", 0);
	expect_time("1970-01-01T00:00:00Z", 0);
	expect_time("2026-01-01", 1767225600);
	expect_time("2026-01-01T00:00:01Z", 1767225601);
	expect_time("2026-12-31T23:59:59Z", 1798761599);
	expect_time("2027-01-01", 1798761600);
	expect_time("@0", 0);
	expect_time("@1798761599", 1798761599);
	expect_time("@9223372036854775807", INT64_MAX);
	/* Leap days: 2028 and 2000 have one; 2026 and 2100 do not. */
	expect_time("2028-02-29", 1835395200);
	expect_time("2028-02-29T12:00:00Z", 1835395200 + 43200);
	expect_time("2000-02-29", 951782400);
	expect_time("9999-12-31T23:59:59Z", T_LAST);
}

static void
test_time_refused(void **state)
{
	(void)state;
	expect_refused("2026-02-30");
	expect_refused("2026-02-29");
	expect_refused("2100-02-29");
	expect_refused("2026-04-31");
	expect_refused("2026-13-01");
	expect_refused("2026-00-01");
	expect_refused("2026-01-00");
	expect_refused("2026-01-32");
	expect_refused("2026-1-01");
	expect_refused("2026-01-1");
	expect_refused("26-01-01");
	expect_refused("2026/01/01");
	expect_refused("2026-01-01T24:00:00Z");
	expect_refused("2026-01-01T23:60:00Z");
	expect_refused("2026-01-01T23:59:60Z");
	expect_refused("2026-01-01 00:00:00");
	expect_refused("2026-01-01 00:00:00Z");
	expect_refused("2026-01-01T00:00:00");
	expect_refused("2026-01-01T00:00:00z");
	expect_refused("2026-01-01T00:00:00+01:00");
	expect_refused("2026-01-01T0:00:00Z");
	expect_refused(" 2026-01-01");
	expect_refused("2026-01-01 ");
	expect_refused("2026-01-01T");
	expect_refused("1969-12-31");
	expect_refused("1969-12-31T23:59:59Z");
	expect_refused("@-1");
	expect_refused("@+1");
	expect_refused("@");
	expect_refused("@12a");
	expect_refused("@ 12");
	expect_refused("@9223372036854775808");
	expect_refused("1798761599");
	expect_refused("");
	expect_refused(NULL);
}

static void
check_round_trip(int64_t t)
{
	char buf[PN_TIME_TEXT_MAX], at[PN_TIME_TEXT_MAX];

	memset(buf, 'x', sizeof(buf));
	pn_time_format(t, buf);
	assert_int_equal(strlen(buf), 20);
	assert_int_equal(buf[10], 'T');
	assert_int_equal(buf[19], 'Z');
	expect_time(buf, t);
	snprintf(at, sizeof(at), "@%lld", (long long)t);
	expect_time(at, t);
}

static void
test_time_format(void **state)
{
	char buf[PN_TIME_TEXT_MAX];
	uint64_t seed = 0x082efa98ec4e6c89ULL;
	int i;

	(void)state;
	pn_time_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	pn_time_format(1798761599, buf);
	assert_string_equal(buf, "2026-12-31T23:59:59Z");
	pn_time_format(1835395200, buf);
	assert_string_equal(buf, "2028-02-29T00:00:00Z");
	pn_time_format(T_LAST, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");

	check_round_trip(0);
	check_round_trip(1);
	check_round_trip(86399);
	check_round_trip(86400);
	check_round_trip(951782400);
	check_round_trip(1767225600);
	check_round_trip(1798761599);
	check_round_trip(T_LAST);
	for (i = 0; i < 2000; i++)
		check_round_trip((int64_t)(xorshift64(&seed) %
		    (uint64_t)(T_LAST + 1)));
}

/* Set TZ for this process and make the C library read it again. */
static void
set_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static void
test_fr_date(void **state)
{
	char buf[PN_TIME_TEXT_MAX];

	(void)state;
	set_tz("Europe/Paris");
	/* 2026-12-31T23:59:59Z is already 2027 in Paris (UTC+1). */
	pn_time_format_fr_date(1798761599, buf);
	assert_string_equal(buf, "01/01/2027");
	/* 2026-12-31T22:59:59Z is the last second of 2026 there. */
	pn_time_format_fr_date(1798761599 - 3600, buf);
	assert_string_equal(buf, "31/12/2026");
	/* Summer time: 2026-07-14T22:00:00Z is midnight, UTC+2. */
	pn_time_format_fr_date(1784066400, buf);
	assert_string_equal(buf, "15/07/2026");
	pn_time_format_fr_date(1784066400 - 1, buf);
	assert_string_equal(buf, "14/07/2026");

	set_tz("UTC");
	pn_time_format_fr_date(1798761599, buf);
	assert_string_equal(buf, "31/12/2026");
	pn_time_format_fr_date(0, buf);
	assert_string_equal(buf, "01/01/1970");
}

/* pn_time_format_paris_date(t) is want, whatever the machine's zone. */
static void
expect_paris(int64_t t, const char *want)
{
	char buf[PN_TIME_TEXT_MAX];

	pn_time_format_paris_date(t, buf);
	if (strcmp(buf, want) != 0)
		fail_msg("@%lld: %s in Paris, expected %s", (long long)t, buf,
		    want);
}

/*
 * Paris dates without the zone database: the year's end, both changes of
 * summer time in 2026 (29 March and 25 October, 01:00 UTC), and agreement
 * with the zone database over ten thousand times from 2000 to 2037.
 */
static void
test_paris_date(void **state)
{
	char want[PN_TIME_TEXT_MAX], got[PN_TIME_TEXT_MAX];
	uint64_t seed = 2026;
	int64_t t;
	int i;

	(void)state;
	set_tz("UTC");
	expect_paris(1798761599 - 3600, "31/12/2026");
	expect_paris(1798761599 - 3599, "01/01/2027");
	/* 2026-03-29T01:00:00Z: 02:00 becomes 03:00. */
	expect_paris(1774746000 - 7200 - 1, "28/03/2026");	/* 23:59:59 */
	expect_paris(1774746000 - 7200, "29/03/2026");
	expect_paris(1774746000 + 21 * 3600 - 1, "29/03/2026");
	expect_paris(1774746000 + 21 * 3600, "30/03/2026");	/* UTC+2 */
	/* 2026-10-25T01:00:00Z: 03:00 becomes 02:00. */
	expect_paris(1792890000 - 3 * 3600 + 1800, "25/10/2026");
	expect_paris(1792890000 + 21 * 3600 + 1800, "25/10/2026");
	expect_paris(1792890000 + 22 * 3600 - 1, "25/10/2026");
	expect_paris(1792890000 + 22 * 3600, "26/10/2026");	/* UTC+1 */
	expect_paris(1784066400, "15/07/2026");
	expect_paris(1784066400 - 1, "14/07/2026");
	expect_paris(0, "01/01/1970");

	set_tz("Europe/Paris");
	for (i = 0; i < 10000; i++) {
		t = 946684800 + (int64_t)(xorshift64(&seed) % 1200000000);
		pn_time_format_fr_date(t, want);
		pn_time_format_paris_date(t, got);
		if (strcmp(want, got) != 0)
			fail_msg("@%lld: %s, the zone database says %s",
			    (long long)t, got, want);
	}
	set_tz("UTC");
}

/*
 * Date and time in Paris; months as typed ("2026-11") and their bounds in
 * Paris: midnight of the first day, summer time or not, also when summer
 * time starts on the last day of the month before (31 March 2024).
 */
static void
test_paris_months(void **state)
{
	char buf[PN_TIME_TEXT_MAX], want[PN_TIME_TEXT_MAX];
	int64_t from, to, t;
	uint64_t seed = 11;
	int y, m, i;

	(void)state;
	set_tz("UTC");
	pn_time_format_paris(1793487600, buf);		/* 2026-10-31T23:00Z */
	assert_string_equal(buf, "01/11/2026 00:00");
	pn_time_format_paris(1784066400 + 3600 + 59, buf);
	assert_string_equal(buf, "15/07/2026 01:00");

	assert_int_equal(pn_month_parse("2026-11", &y, &m), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(pn_month_parse("2026-13", &y, &m), -1);
	assert_int_equal(pn_month_parse("2026-00", &y, &m), -1);
	assert_int_equal(pn_month_parse("2026-1", &y, &m), -1);
	assert_int_equal(pn_month_parse("2026-011", &y, &m), -1);
	assert_int_equal(pn_month_parse("1969-12", &y, &m), -1);
	assert_int_equal(pn_month_parse("2026/11", &y, &m), -1);
	assert_int_equal(pn_month_parse("", &y, &m), -1);
	assert_int_equal(pn_month_parse(NULL, &y, &m), -1);

	assert_int_equal(pn_paris_month_bounds(2026, 11, &from, &to), 0);
	assert_int_equal(from, 1793487600);		/* UTC+1 */
	assert_int_equal(to, 1796079600);
	assert_int_equal(pn_paris_month_bounds(2026, 10, &from, &to), 0);
	assert_int_equal(from, 1790805600);		/* UTC+2 */
	assert_int_equal(to, 1793487600);		/* UTC+1 again */
	assert_int_equal(pn_paris_month_bounds(2024, 4, &from, &to), 0);
	assert_int_equal(from, 1711922400);		/* changed that day */
	assert_int_equal(pn_paris_month_bounds(2024, 3, &from, &to), 0);
	assert_int_equal(from, 1709247600);
	assert_int_equal(to, 1711922400);
	assert_int_equal(pn_paris_month_bounds(2026, 12, &from, &to), 0);
	assert_int_equal(to, 1798758000);		/* 1 January 2027 */
	assert_int_equal(pn_paris_month_bounds(2026, 13, &from, &to), -1);
	assert_int_equal(pn_paris_month_bounds(1969, 12, &from, &to), -1);

	pn_paris_month_of(1793487600 - 1, &y, &m);
	assert_int_equal(m, 10);
	pn_paris_month_of(1793487600, &y, &m);
	assert_int_equal(y * 100 + m, 202611);
	pn_paris_month_of(1798758000, &y, &m);
	assert_int_equal(y * 100 + m, 202701);

	/* Each time falls in the bounds of its own month, as Paris dates it. */
	for (i = 0; i < 2000; i++) {
		t = 946684800 + (int64_t)(xorshift64(&seed) % 1200000000);
		pn_paris_month_of(t, &y, &m);
		assert_int_equal(pn_paris_month_bounds(y, m, &from, &to), 0);
		if (t < from || t >= to)
			fail_msg("@%lld outside its month %d-%02d", (long long)t,
			    y, m);
		pn_time_format_paris_date(from, buf);
		(void)snprintf(want, sizeof(want), "01/%02d/%d", m, y);
		assert_string_equal(buf, want);
		pn_time_format_paris_date(from - 1, buf);
		assert_string_not_equal(buf, want);
	}
}

static void
expect_u64(const char *s, uint64_t max, uint64_t want)
{
	uint64_t v = U_SENTINEL;

	if (pn_parse_u64(s, max, &v) != 0)
		fail_msg("\"%s\" refused (max %llu)", s,
		    (unsigned long long)max);
	assert_true(v == want);
}

static void
expect_u64_refused(const char *s, uint64_t max)
{
	uint64_t v = U_SENTINEL;

	if (pn_parse_u64(s, max, &v) != -1)
		fail_msg("\"%s\" accepted (max %llu)", s != NULL ? s : "(null)",
		    (unsigned long long)max);
	/* *out is left alone on refusal. */
	assert_true(v == U_SENTINEL);
}

static void
test_parse_u64(void **state)
{
	(void)state;
	expect_u64("0", UINT64_MAX, 0);
	expect_u64("0", 0, 0);
	expect_u64("7", UINT64_MAX, 7);
	expect_u64("007", 7, 7);
	expect_u64("18446744073709551615", UINT64_MAX, UINT64_MAX);
	expect_u64("18446744073709551614", UINT64_MAX - 1, UINT64_MAX - 1);
	expect_u64("100", 100, 100);
	expect_u64("9223372036854775807", INT64_MAX, INT64_MAX);

	expect_u64_refused("18446744073709551616", UINT64_MAX);
	expect_u64_refused("18446744073709551620", UINT64_MAX);
	expect_u64_refused("99999999999999999999", UINT64_MAX);
	expect_u64_refused("184467440737095516150", UINT64_MAX);
	expect_u64_refused("18446744073709551615", UINT64_MAX - 1);
	expect_u64_refused("9223372036854775808", INT64_MAX);
	expect_u64_refused("101", 100);
	expect_u64_refused("110", 100);
	expect_u64_refused("8", 7);
	expect_u64_refused("1", 0);
	expect_u64_refused("", UINT64_MAX);
	expect_u64_refused(NULL, UINT64_MAX);
	expect_u64_refused("-1", UINT64_MAX);
	expect_u64_refused("-0", UINT64_MAX);
	expect_u64_refused("+1", UINT64_MAX);
	expect_u64_refused(" 1", UINT64_MAX);
	expect_u64_refused("1 ", UINT64_MAX);
	expect_u64_refused("1\n", UINT64_MAX);
	expect_u64_refused("0x10", UINT64_MAX);
	expect_u64_refused("1e3", UINT64_MAX);
	expect_u64_refused("1.0", UINT64_MAX);
}

/* Durations as the pages, the statements and the sheets write them. */
static void
test_duration_format(void **state)
{
	char buf[16];

	(void)state;
	pn_duration_format(45, buf, sizeof(buf));
	assert_string_equal(buf, "45 min");
	pn_duration_format(120, buf, sizeof(buf));
	assert_string_equal(buf, "2 h");
	pn_duration_format(90, buf, sizeof(buf));
	assert_string_equal(buf, "1 h 30");
	pn_duration_format(65, buf, sizeof(buf));
	assert_string_equal(buf, "1 h 05");
}

/* A time typed in Paris, whatever the machine's zone. */
static void
test_paris_time_parse(void **state)
{
	int64_t t = 0;

	(void)state;
	assert_int_equal(pn_paris_time_parse("2026-12-06 14:30", 0, &t), 0);
	assert_int_equal(t, 1796563800);	/* 13:30 UTC: winter */
	assert_int_equal(pn_paris_time_parse("2026-07-14T09:00", 0, &t), 0);
	assert_int_equal(t, 1784012400);	/* 07:00 UTC: summer */
	/* A time alone is on the day it is in Paris. */
	assert_int_equal(pn_paris_time_parse("14:30", 1796587200, &t), 0);
	assert_int_equal(t, 1796563800);
	/* 23:30 UTC on the 6th is 00:30 on the 7th in Paris. */
	assert_int_equal(pn_paris_time_parse("14:30", 1796599800, &t), 0);
	assert_int_equal(t, 1796650200);
	/* Twice on 25 October 2026: the first, still in summer time. */
	assert_int_equal(pn_paris_time_parse("2026-10-25 02:30", 0, &t), 0);
	assert_int_equal(t, 1792888200);
	/* Never on 29 March 2026: the clocks go from 02:00 to 03:00. */
	assert_int_equal(pn_paris_time_parse("2026-03-29 02:30", 0, &t), -1);
	assert_int_equal(pn_paris_time_parse("2026-02-30 10:00", 0, &t), -1);
	assert_int_equal(pn_paris_time_parse("25:00", 0, &t), -1);
	assert_int_equal(pn_paris_time_parse("14h30", 0, &t), -1);
	assert_int_equal(pn_paris_time_parse("2026-12-06Z14:30", 0, &t), -1);
	assert_int_equal(pn_paris_time_parse(NULL, 0, &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_time_refused),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_fr_date),
		cmocka_unit_test(test_paris_date),
		cmocka_unit_test(test_paris_time_parse),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_paris_months),
		cmocka_unit_test(test_parse_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
