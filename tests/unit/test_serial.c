/* test_serial.c -- printed serials, and the typing errors Damm catches. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "passnum/serial.h"

#define SAMPLE	3000

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

/* Number of decimal digits of v, counted without the library. */
static size_t
decimal_width(uint64_t v)
{
	size_t w = 1;

	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

/* Data digits of the printed form: at least 12. */
static size_t
printed_width(uint64_t v)
{
	size_t w = decimal_width(v);

	return w < PN_SERIAL_MIN_DIGITS ? PN_SERIAL_MIN_DIGITS : w;
}

/*
 * The n-th sample serial: fixed edge cases first, then random 64-bit values
 * shifted right by a random amount so that every width from 1 to 20 digits
 * comes up, those above 12 digits included.
 */
static uint64_t
sample_serial(size_t n, uint64_t *seed)
{
	static const uint64_t edges[] = {
		0, 1, 9, 10, 42, 123456, 999999999999ULL, 1000000000000ULL,
		1000000000001ULL, 9999999999999ULL, 10000000000000000000ULL,
		UINT64_MAX - 1, UINT64_MAX,
	};
	uint64_t r;

	if (n < sizeof(edges) / sizeof(edges[0]))
		return edges[n];
	r = xorshift64(seed);
	return r >> (xorshift64(seed) % 64);
}

/* Copy the digits of text into out (NUL-terminated); return their count. */
static size_t
digits_of(const char *text, char *out, size_t cap)
{
	size_t n = 0;

	for (; *text != '\0'; text++) {
		if (*text >= '0' && *text <= '9') {
			assert_true(n + 1 < cap);
			out[n++] = *text;
		}
	}
	out[n] = '\0';
	return n;
}

static void
expect_parse(const char *text, enum pn_serial_status want)
{
	uint64_t v = 0;

	assert_int_equal(pn_serial_parse(text, &v), want);
}

static void
expect_serial(const char *text, uint64_t want)
{
	uint64_t v = 0;

	assert_int_equal(pn_serial_parse(text, &v), PN_SERIAL_OK);
	assert_true(v == want);
}

static void
test_damm_known(void **state)
{
	(void)state;
	/* The classic worked example: 5, 7, 2 -> interim 9, 7, 4. */
	assert_int_equal(pn_damm_check("572", 3), '4');
	/* A string followed by its check digit checks to 0. */
	assert_int_equal(pn_damm_check("5724", 4), '0');
	assert_int_equal(pn_damm_check("", 0), '0');
	assert_int_equal(pn_damm_check("000000000000", 12), '0');
	/* Worked out by hand from the table (H. M. Damm, 2004). */
	assert_int_equal(pn_damm_check("000000123456", 12), '6');
	assert_int_equal(pn_damm_check("123456789012", 12), '3');
	/* Only the first n digits count. */
	assert_int_equal(pn_damm_check("5729", 3), '4');
}

static void
test_format_layout(void **state)
{
	char buf[PN_SERIAL_TEXT_MAX], want[PN_SERIAL_TEXT_MAX];

	(void)state;
	pn_serial_format(0, buf);
	assert_int_equal(pn_damm_check("000000000000", 12), '0');
	assert_string_equal(buf, "0000 0000 0000 0");

	/* The example of serial.h, with its real check digit. */
	pn_serial_format(123456, buf);
	assert_string_equal(buf, "0000 0012 3456 6");

	pn_serial_format(123456789012ULL, buf);
	snprintf(want, sizeof(want), "1234 5678 9012 %c",
	    pn_damm_check("123456789012", 12));
	assert_string_equal(buf, want);

	/* Past 12 digits: all digits, groups of four from the left. */
	pn_serial_format(1234567890123ULL, buf);
	snprintf(want, sizeof(want), "1234 5678 9012 3 %c",
	    pn_damm_check("1234567890123", 13));
	assert_string_equal(buf, want);

	pn_serial_format(12345678901234ULL, buf);
	snprintf(want, sizeof(want), "1234 5678 9012 34 %c",
	    pn_damm_check("12345678901234", 14));
	assert_string_equal(buf, want);

	pn_serial_format(1234567890123456ULL, buf);
	snprintf(want, sizeof(want), "1234 5678 9012 3456 %c",
	    pn_damm_check("1234567890123456", 16));
	assert_string_equal(buf, want);

	/* The largest serial: 20 digits, the longest text. */
	pn_serial_format(UINT64_MAX, buf);
	snprintf(want, sizeof(want), "1844 6744 0737 0955 1615 %c",
	    pn_damm_check("18446744073709551615", 20));
	assert_string_equal(buf, want);
	assert_true(strlen(buf) < PN_SERIAL_TEXT_MAX);
	expect_serial(buf, UINT64_MAX);
}

static void
test_round_trip(void **state)
{
	char buf[PN_SERIAL_TEXT_MAX], digits[PN_SERIAL_TEXT_MAX];
	uint64_t seed = 0x243f6a8885a308d3ULL, s;
	size_t i, n, widths[21];

	(void)state;
	memset(widths, 0, sizeof(widths));
	for (i = 0; i < SAMPLE; i++) {
		s = sample_serial(i, &seed);
		memset(buf, 'x', sizeof(buf));
		pn_serial_format(s, buf);
		assert_true(memchr(buf, '\0', sizeof(buf)) != NULL);
		n = digits_of(buf, digits, sizeof(digits));
		assert_int_equal(n, printed_width(s) + 1);
		/* One space between groups of four, one before the check. */
		assert_int_equal(strlen(buf), n + (n - 2) / 4 + 1);
		assert_int_equal(pn_damm_check(digits, n - 1), digits[n - 1]);
		expect_serial(buf, s);
		expect_serial(digits, s);
		widths[decimal_width(s)]++;
	}
	/* The sample reaches every width, short and long. */
	for (i = 1; i <= 20; i++)
		assert_true(widths[i] > 0);
}

static void
test_parse_forms(void **state)
{
	char buf[PN_SERIAL_TEXT_MAX], text[64];
	char c = pn_damm_check("123456789012", 12);
	uint64_t want = 123456789012ULL;

	(void)state;
	pn_serial_format(want, buf);
	expect_serial(buf, want);
	snprintf(text, sizeof(text), "1234-5678-9012-%c", c);
	expect_serial(text, want);
	snprintf(text, sizeof(text), "123456789012%c", c);
	expect_serial(text, want);
	snprintf(text, sizeof(text), "1234\t5678\t9012\t%c", c);
	expect_serial(text, want);
	snprintf(text, sizeof(text), "   1234 5678 9012 %c  ", c);
	expect_serial(text, want);
	snprintf(text, sizeof(text), "\t-1234 - 5678--90 12%c-\t ", c);
	expect_serial(text, want);
	/* A short serial typed with its leading zeros. */
	expect_serial("0000-0000-0000-0", 0);
	expect_serial("0000 0012 3456 6", 123456);
}

/*
 * Status of a mistyped form: CHECK, or LENGTH where the mistake put a 0 in
 * front of a serial of more than 12 digits (non-canonical padding). Never OK.
 */
static void
expect_caught(const char *text, int leading_zero_of_long)
{
	uint64_t v = 0;
	enum pn_serial_status st = pn_serial_parse(text, &v);

	if (st == PN_SERIAL_CHECK)
		return;
	if (leading_zero_of_long && st == PN_SERIAL_LENGTH)
		return;
	fail_msg("\"%s\": status %d, leading zero %d", text, (int)st,
	    leading_zero_of_long);
}

static void
test_single_substitutions(void **state)
{
	char buf[PN_SERIAL_TEXT_MAX], mut[PN_SERIAL_TEXT_MAX];
	uint64_t seed = 0x13198a2e03707344ULL, s;
	size_t i, k, pos[24], npos, checked = 0, expected = 0;
	char d;

	(void)state;
	for (i = 0; i < SAMPLE; i++) {
		s = sample_serial(i, &seed);
		pn_serial_format(s, buf);
		npos = 0;
		for (k = 0; buf[k] != '\0'; k++)
			if (buf[k] >= '0' && buf[k] <= '9')
				pos[npos++] = k;
		assert_int_equal(npos, printed_width(s) + 1);
		expected += 9 * (printed_width(s) + 1);
		for (k = 0; k < npos; k++) {
			for (d = '0'; d <= '9'; d++) {
				if (d == buf[pos[k]])
					continue;
				memcpy(mut, buf, sizeof(mut));
				mut[pos[k]] = d;
				expect_caught(mut, k == 0 && d == '0' &&
				    printed_width(s) > PN_SERIAL_MIN_DIGITS);
				checked++;
			}
		}
	}
	assert_int_equal(checked, expected);
	assert_true(checked >= (size_t)SAMPLE * 9 * 13);
}

static void
test_adjacent_transpositions(void **state)
{
	char buf[PN_SERIAL_TEXT_MAX], mut[PN_SERIAL_TEXT_MAX];
	uint64_t seed = 0xa4093822299f31d0ULL, s;
	size_t i, k, pos[24], npos, checked = 0, equal = 0, pairs = 0;
	size_t with_check = 0;

	(void)state;
	for (i = 0; i < SAMPLE; i++) {
		s = sample_serial(i, &seed);
		pn_serial_format(s, buf);
		npos = 0;
		for (k = 0; buf[k] != '\0'; k++)
			if (buf[k] >= '0' && buf[k] <= '9')
				pos[npos++] = k;
		assert_int_equal(npos, printed_width(s) + 1);
		/* Pairs (k, k + 1), the last data digit and check included. */
		pairs += npos - 1;
		for (k = 0; k + 1 < npos; k++) {
			if (buf[pos[k]] == buf[pos[k + 1]]) {
				equal++;
				continue;
			}
			memcpy(mut, buf, sizeof(mut));
			mut[pos[k]] = buf[pos[k + 1]];
			mut[pos[k + 1]] = buf[pos[k]];
			expect_caught(mut, k == 0 && mut[pos[0]] == '0' &&
			    printed_width(s) > PN_SERIAL_MIN_DIGITS);
			checked++;
			if (k + 2 == npos)
				with_check++;
		}
	}
	assert_int_equal(checked + equal, pairs);
	assert_true(pairs >= (size_t)SAMPLE * 12);
	/* Equal neighbours are rare: most pairs were really tried. */
	assert_true(checked > pairs / 2);
	assert_true(with_check > SAMPLE / 2);
}

static void
test_errors(void **state)
{
	char text[64], digits[32];
	char c;

	(void)state;
	expect_parse("", PN_SERIAL_EMPTY);
	expect_parse("  - ", PN_SERIAL_EMPTY);
	expect_parse("\t-\t", PN_SERIAL_EMPTY);
	expect_parse("1234 5678 901a 3", PN_SERIAL_BAD_CHAR);
	expect_parse("1234.5678.9012.3", PN_SERIAL_BAD_CHAR);
	expect_parse("1234 5678 9012 3\n", PN_SERIAL_BAD_CHAR);
	expect_parse("\xc3\xa9", PN_SERIAL_BAD_CHAR);

	/* A dropped digit: 11 data digits, whatever the check says. */
	c = pn_damm_check("123456789012", 12);
	snprintf(text, sizeof(text), "1234 5678 902 %c", c);
	expect_parse(text, PN_SERIAL_LENGTH);
	snprintf(text, sizeof(text), "12345678901%c",
	    pn_damm_check("12345678901", 11));
	expect_parse(text, PN_SERIAL_LENGTH);
	expect_parse("5724", PN_SERIAL_LENGTH);
	expect_parse("0", PN_SERIAL_LENGTH);

	/* 21 data digits and 22 digits in all are too many. */
	snprintf(digits, sizeof(digits), "%s", "123456789012345678901");
	snprintf(text, sizeof(text), "%s%c", digits,
	    pn_damm_check(digits, 21));
	assert_int_equal(strlen(text), 22);
	expect_parse(text, PN_SERIAL_LENGTH);
	expect_parse("12345678901234567890123456789", PN_SERIAL_LENGTH);

	/* 20 data digits passing the check, above UINT64_MAX. */
	snprintf(digits, sizeof(digits), "%s", "99999999999999999999");
	snprintf(text, sizeof(text), "%s%c", digits,
	    pn_damm_check(digits, 20));
	expect_parse(text, PN_SERIAL_RANGE);
	snprintf(digits, sizeof(digits), "%s", "18446744073709551616");
	snprintf(text, sizeof(text), "%s%c", digits,
	    pn_damm_check(digits, 20));
	expect_parse(text, PN_SERIAL_RANGE);
	snprintf(digits, sizeof(digits), "%s", "18446744073709551615");
	snprintf(text, sizeof(text), "%s%c", digits,
	    pn_damm_check(digits, 20));
	expect_serial(text, UINT64_MAX);

	/* 13 data digits with a leading 0: padding beyond 12, refused. */
	snprintf(digits, sizeof(digits), "%s", "0123456789012");
	snprintf(text, sizeof(text), "%s%c", digits,
	    pn_damm_check(digits, 13));
	assert_int_equal(pn_damm_check(text, 14), '0');
	expect_parse(text, PN_SERIAL_LENGTH);
	/* The same serial in its canonical 12 digits is fine. */
	snprintf(text, sizeof(text), "123456789012%c",
	    pn_damm_check("123456789012", 12));
	expect_serial(text, 123456789012ULL);
}

static void
test_status_messages(void **state)
{
	static const enum pn_serial_status all[] = {
		PN_SERIAL_OK, PN_SERIAL_EMPTY, PN_SERIAL_BAD_CHAR,
		PN_SERIAL_LENGTH, PN_SERIAL_CHECK, PN_SERIAL_RANGE,
	};
	const char *m[sizeof(all) / sizeof(all[0])];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		m[i] = pn_serial_status_message(all[i]);
		assert_non_null(m[i]);
		assert_true(strlen(m[i]) > 0);
		/* French: every message speaks of "chiffre" or "numéro". */
		assert_true(strstr(m[i], "chiffre") != NULL ||
		    strstr(m[i], "num\xc3\xa9ro") != NULL);
		for (j = 0; j < i; j++)
			assert_string_not_equal(m[i], m[j]);
	}
	/* A status out of the enumeration still gets a message. */
	assert_non_null(pn_serial_status_message((enum pn_serial_status)99));
	assert_true(strlen(pn_serial_status_message(
	    (enum pn_serial_status)99)) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_damm_known),
		cmocka_unit_test(test_format_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_single_substitutions),
		cmocka_unit_test(test_adjacent_transpositions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_status_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
