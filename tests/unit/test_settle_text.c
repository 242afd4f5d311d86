/* test_settle_text.c -- text for SEPA fields (epc_text) and the TARGET2 calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "business_day.h"
#include "epc_text.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* in transliterated, as a string. */
static const char *
tr(const char *in, char *out, size_t size)
{
	struct pn_error err;

	pn_error_clear(&err);
	if (epc_transliterate(in, strlen(in), out, size, &err) < 0)
		fail_msg("\"%s\": %s", in, err.message);
	return out;
}

static void
test_transliterate_french(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Médiathèque de l'Île", "Mediatheque de l'Ile" },
		{ "Médiathèque de l’Île", "Mediatheque de l'Ile" },
		{ "ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ àâäçéèêëîïôöùûüÿ",
		    "AAACEEEEIIOOUUUY aaaceeeeiioouuuy" },
		{ "Œuvre cœur Æther ætat", "OEuvre coeur AEther aetat" },
		{ "Straße", "Strasse" },
		{ "Café & Co", "Cafe + Co" },
		{ "Association « Lire et Écrire »",
		    "Association ' Lire et Ecrire '" },
		{ "“Le Lab” — Saint‑Étienne – 2026",
		    "'Le Lab' - Saint-Etienne - 2026" },
		{ "Salle n° 3", "Salle no 3" },
		{ "10 € … fin", "10 EUR ... fin" },
		{ "ﬁnance ﬂeur", "finance fleur" },
		/* Decomposed: e and a combining acute accent. */
		{ "Me\xcc\x81" "diathe\xcc\x80" "que", "Mediatheque" },
		/* No-break space, narrow no-break space, tab, newline. */
		{ "1\xc2\xa0" "234\xe2\x80\xaf" "5\t6\n7", "1 234 5 6 7" },
		{ "  espaces   en   trop  ", "espaces en trop" },
		{ "soft\xc2\xadhyphen zero\xe2\x80\x8bwidth", "softhyphen zerowidth" },
		{ "\xef\xbb\xbf" "BOM", "BOM" },
		{ "[a] {b} <c> a\\b c|d e;f g!h i_j", "(a) (b) (c) a/b c/d e,f g.h i-j" },
		{ "\"cité\" `x`", "'cite' 'x'" },
		{ "#1 @home 50% *x* a=b ~y^", "1 home 50 x a b y" },
		{ "Łódź Dvořák Ştefan Ţara Șerban Țepeș", "Lodz Dvorak Stefan Tara Serban Tepes" },
		{ "Nguyễn Thị Ánh", "Nguyen Thi Anh" },
		{ "ØÐÞ øðþ Ĳ ĳ ŉ ı", "ODTH odth IJ ij 'n i" },
		{ "Ｆｕｌｌ－ｗｉｄｔｈ", "Full-width" },
		{ "ok/-?:().,'+", "ok/-?:().,'+" },
		{ "日本語", "" },
		{ "Lieu 😀 numérique", "Lieu numerique" },
		{ "", "" },
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		tr(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].out) != 0)
			fail_msg("\"%s\" gave \"%s\", not \"%s\"", cases[i].in,
			    out, cases[i].out);
	}
}

/* Encode cp as UTF-8 into buf; returns its length. */
static size_t
utf8_encode(uint32_t cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | cp >> 18);
	buf[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	buf[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Every code point, alone and between two letters, gives text of the set
 * and no longer than its UTF-8; every letter of Latin-1 Supplement and
 * Latin Extended-A gives at least one letter.
 */
static void
test_transliterate_every_code_point(void **state)
{
	char in[8], out[8];
	struct pn_error err;
	uint32_t cp;
	size_t n, i;
	long r;

	(void)state;
	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		in[0] = 'a';
		n = 1 + utf8_encode(cp, in + 1);
		in[n++] = 'b';
		r = epc_transliterate(in, n, out, n + 1, &err);
		if (r < 0 || (size_t)r > n || !epc_text_valid(out) ||
		    out[0] != 'a' || out[r - 1] != 'b')
			fail_msg("U+%04X gave \"%s\"", (unsigned)cp,
			    r < 0 ? err.message : out);
		if (cp >= 0xc0 && cp <= 0x17f && cp != 0xd7 && cp != 0xf7) {
			for (i = 1; i + 1 < (size_t)r; i++)
				if (!((out[i] >= 'a' && out[i] <= 'z') ||
				    (out[i] >= 'A' && out[i] <= 'Z') ||
				    out[i] == '\''))
					break;
			if (r < 3 || i + 1 != (size_t)r)
				fail_msg("letter U+%04X gave \"%s\"",
				    (unsigned)cp, out);
		}
	}
}

static void
test_transliterate_refusals(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *message;
	} bad[] = {
		{ "abc\xff", 4, "invalid UTF-8 at byte 3" },
		{ "\x80", 1, "invalid UTF-8 at byte 0" },
		{ "ab\xc0\xaf", 4, "invalid UTF-8 at byte 2" },	/* overlong '/' */
		{ "\xe0\x80\xaf", 3, "invalid UTF-8 at byte 0" },	/* overlong */
		{ "a\xed\xa0\x80", 4, "invalid UTF-8 at byte 1" },	/* surrogate */
		{ "é\xc3", 3, "invalid UTF-8 at byte 2" },		/* cut short */
		{ "\xf4\x90\x80\x80", 4, "invalid UTF-8 at byte 0" },	/* > U+10FFFF */
		{ "\xe2\x82", 2, "invalid UTF-8 at byte 0" },
		{ "ok \xc3\x28", 5, "invalid UTF-8 at byte 3" },
	};
	struct pn_error err;
	char out[16];
	size_t i, at;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		pn_error_clear(&err);
		assert_int_equal(epc_transliterate(bad[i].in, bad[i].len, out,
		    sizeof(out), &err), -1);
		assert_int_equal(err.code, PN_E_FORMAT);
		assert_string_equal(err.message, bad[i].message);
		assert_string_equal(out, "");
		assert_false(epc_utf8_valid(bad[i].in, bad[i].len, &at));
	}
	assert_true(epc_utf8_valid("Île", strlen("Île"), NULL));
	/* A NUL byte inside the text is a control character: a space. */
	assert_int_equal(epc_transliterate("a\0b", 3, out, sizeof(out), &err),
	    3);
	assert_string_equal(out, "a b");
	/* Too small an output. */
	assert_int_equal(epc_transliterate("abcdef", 6, out, 4, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(epc_transliterate("abcdef", 6, out, 0, &err), -1);
	/* len + 1 is enough for anything. */
	assert_int_equal(epc_transliterate("€…ﬃ", strlen("€…ﬃ"), out,
	    strlen("€…ﬃ") + 1, &err), 9);
	assert_string_equal(out, "EUR...ffi");
}

static void
test_truncate(void **state)
{
	static const struct {
		const char *in;
		size_t max;
		const char *out;
	} cases[] = {
		{ "Association des amis", 20, "Association des amis" },
		{ "Association des amis de la mediatheque", 20,
		    "Association des amis" },
		{ "Association des amis de la mediatheque", 18,
		    "Association des" },
		{ "Association des amis de la mediatheque", 11, "Association" },
		{ "Association des amis de la mediatheque", 10, "Associatio" },
		{ "Abcdefghij", 4, "Abcd" },
		{ "Lire - Ecrire", 8, "Lire" },
		{ "Lire, (Ecrire) et compter", 16, "Lire, (Ecrire)" },
		{ "Centre (Nord) Sud", 14, "Centre (Nord)" },
		{ "a - - - - b", 8, "a" },
		{ "- - - - - - b", 6, "- - -" },
		{ "court", 70, "court" },
		{ "", 10, "" },
	};
	char buf[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		(void)snprintf(buf, sizeof(buf), "%s", cases[i].in);
		n = epc_truncate(buf, cases[i].max);
		if (strcmp(buf, cases[i].out) != 0 || n != strlen(buf) ||
		    n > cases[i].max)
			fail_msg("\"%s\" cut to %zu gave \"%s\", not \"%s\"",
			    cases[i].in, cases[i].max, buf, cases[i].out);
	}
}

static void
test_field(void **state)
{
	char name[EPC_NAME_MAX + 1], rmt[EPC_REMITTANCE_MAX + 1], small[8];
	char in[400];
	struct pn_error err;
	long n;

	(void)state;
	/* 13 words of 5 letters and a space, accents in every word. */
	in[0] = '\0';
	while (strlen(in) < 300)
		(void)snprintf(in + strlen(in), sizeof(in) - strlen(in),
		    "%sÉcole", in[0] != '\0' ? " " : "");
	n = epc_field(in, EPC_NAME_MAX, name, sizeof(name), &err);
	/* 11 words: 11 * 5 + 10 = 65 characters; 12 would be 71. */
	assert_int_equal(n, 65);
	assert_int_equal(strlen(name), 65);
	assert_memory_equal(name, "Ecole Ecole ", 12);
	assert_int_equal(name[64], 'e');
	n = epc_field(in, EPC_REMITTANCE_MAX, rmt, sizeof(rmt), &err);
	/* 23 words: 23 * 6 - 1 = 137. */
	assert_int_equal(n, 137);
	assert_true(epc_text_valid(rmt));
	/* out must hold max characters. */
	assert_int_equal(epc_field("abc", 8, small, sizeof(small), &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(epc_field("a\xff", 7, small, sizeof(small), &err),
	    -1);
	assert_string_equal(err.message, "invalid UTF-8 at byte 1");
	assert_int_equal(epc_field("日本", 7, small, sizeof(small), &err), 0);
	assert_string_equal(small, "");
}

static void
test_references(void **state)
{
	static const char *const good[] = {
		"PN-2026-11-01-V000123", "PN-2026-11-01", "a", "A/B",
		"x?:().,'+-9", "12345678901234567890123456789012345",
	};
	static const struct {
		const char *ref, *rule;
	} bad[] = {
		{ "", "is empty" },
		{ "123456789012345678901234567890123456",
		    "is longer than 35 characters" },
		{ "/PN-2026", "starts with '/'" },
		{ "PN-2026/", "ends with '/'" },
		{ "PN//2026", "contains \"//\"" },
		{ "PN 2026", NULL },
		{ "PN_2026", NULL },
		{ "PN-Île", NULL },
		{ "PN&2026", NULL },
	};
	const char *rule;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		if ((rule = epc_ref_check(good[i])) != NULL)
			fail_msg("\"%s\" %s", good[i], rule);
		assert_true(epc_ref_valid(good[i]));
	}
	for (i = 0; i < NELEM(bad); i++) {
		rule = epc_ref_check(bad[i].ref);
		assert_non_null(rule);
		assert_false(epc_ref_valid(bad[i].ref));
		if (bad[i].rule != NULL)
			assert_string_equal(rule, bad[i].rule);
		else
			assert_string_equal(rule, "holds a character other "
			    "than a-z A-Z 0-9 / - ? : ( ) . , ' +");
	}
}

static void
test_char_set(void **state)
{
	int c, n = 0;

	(void)state;
	for (c = 0; c < 256; c++)
		if (epc_char_valid(c))
			n++;
	/* 26 + 26 + 10 letters and digits, / - ? : ( ) . , ' + and space. */
	assert_int_equal(n, 73);
	assert_false(epc_char_valid('\0'));
	assert_false(epc_char_valid('&'));
	assert_false(epc_char_valid(0xe9));
	assert_false(epc_char_valid(0x12f));	/* not '/' */
	assert_false(epc_char_valid(-1));
	assert_true(epc_text_valid("Mediatheque de l'Ile (Nord) +33"));
	assert_false(epc_text_valid("Médiathèque"));
}

/*
 * The day delta days from m-d of March or April, into *m2, *d2 (Easter
 * and the days around it stay in March and April).
 */
static void
spring(int m, int d, int delta, int *m2, int *d2)
{
	int n = (m == 3 ? d : 31 + d) + delta;

	*m2 = n > 31 ? 4 : 3;
	*d2 = n > 31 ? n - 31 : n;
}

/* Good Friday and Easter Monday: Easter Sunday minus 2 days, plus 1. */
static void
test_easter(void **state)
{
	/* Easter Sundays from published tables. */
	static const int easter[][3] = {
		{ 1818, 3, 22 }, { 1943, 4, 25 }, { 2000, 4, 23 },
		{ 2011, 4, 24 }, { 2019, 4, 21 }, { 2024, 3, 31 },
		{ 2025, 4, 20 }, { 2026, 4, 5 }, { 2027, 3, 28 },
		{ 2038, 4, 25 }, { 2285, 3, 22 },
	};
	int y, m, d, ey, m2, d2;
	size_t i;

	(void)state;
	/* 2026: Easter on 5 April. */
	assert_false(business_day_is(2026, 4, 3));	/* Good Friday */
	assert_false(business_day_is(2026, 4, 6));	/* Easter Monday */
	assert_true(business_day_is(2026, 4, 2));
	assert_true(business_day_is(2026, 4, 7));
	business_day_after(2026, 4, 2, 1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20260407);
	for (i = 0; i < NELEM(easter); i++) {
		ey = easter[i][0];
		spring(easter[i][1], easter[i][2], -3, &m2, &d2);
		if (!business_day_is(ey, m2, d2))
			fail_msg("%d-%02d-%02d, Maundy Thursday, closed", ey,
			    m2, d2);
		spring(easter[i][1], easter[i][2], -2, &m2, &d2);
		if (business_day_is(ey, m2, d2))
			fail_msg("%d-%02d-%02d, Good Friday, open", ey, m2, d2);
		/* Friday to Monday closed: Tuesday is the next open day. */
		business_day_after(ey, m2, d2, 0, &y, &m, &d);
		spring(easter[i][1], easter[i][2], 2, &m2, &d2);
		if (y != ey || m != m2 || d != d2)
			fail_msg("after Good Friday %d: %d-%02d-%02d, not "
			    "Easter Tuesday", ey, y, m, d);
		spring(easter[i][1], easter[i][2], 1, &m2, &d2);
		assert_false(business_day_is(ey, m2, d2));
	}
}

static void
test_closing_days(void **state)
{
	int y, m, d;

	(void)state;
	assert_false(business_day_is(2026, 1, 1));	/* Thursday */
	assert_true(business_day_is(2026, 1, 2));
	assert_false(business_day_is(2026, 5, 1));	/* Friday */
	assert_false(business_day_is(2026, 12, 25));	/* Friday */
	assert_false(business_day_is(2027, 12, 26));	/* Sunday anyway */
	assert_false(business_day_is(2029, 12, 26));	/* Wednesday */
	assert_true(business_day_is(2029, 12, 24));
	assert_true(business_day_is(2029, 12, 31));
	assert_false(business_day_is(2026, 11, 28));	/* Saturday */
	assert_false(business_day_is(2026, 11, 29));	/* Sunday */
	/* French public holidays are not TARGET2 closing days. */
	assert_true(business_day_is(2026, 7, 14));
	assert_true(business_day_is(2026, 11, 11));
	assert_true(business_day_is(2026, 5, 8));
	assert_true(business_day_is(2026, 5, 14));	/* Ascension */
	assert_true(business_day_is(2026, 5, 25));	/* Whit Monday */
	/* Dates that do not exist. */
	assert_false(business_day_is(2026, 2, 30));
	assert_false(business_day_is(2026, 13, 1));
	assert_false(business_day_is(2026, 0, 1));
	assert_false(business_day_is(1582, 12, 31));
	assert_true(business_day_is(2028, 2, 29));

	/* 2026-12-25 is a Friday: the next business day is Monday 28. */
	business_day_after(2026, 12, 25, 0, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20261228);
	business_day_after(2026, 12, 24, 1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20261228);
	business_day_after(2026, 12, 23, 1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20261224);
	business_day_after(2026, 12, 31, 1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20270104);
	business_day_after(2026, 4, 30, 1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20260504);
	business_day_after(2026, 2, 28, 1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20260302);
	business_day_after(2028, 2, 28, 1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20280229);
	business_day_after(2026, 12, 7, 0, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20261207);
	business_day_after(2026, 1, 1, 365, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20270101 + 3);
	business_day_after(9999, 12, 31, 4294967295u, &y, &m, &d);
	assert_true(y > 9999 && business_day_is(y, m, d));
	business_day_after(2026, 2, 30, 1, &y, &m, &d);
	assert_int_equal(y + m + d, 0);
}

/* A year's count of business days, against a count by hand. */
static void
test_year_count(void **state)
{
	int y, m, d, n = 0;

	(void)state;
	for (m = 1; m <= 12; m++)
		for (d = 1; d <= 31; d++)
			if (business_day_is(2026, m, d))
				n++;
	/* 261 weekdays less 1 Jan, Good Friday, Easter Monday, 1 May, 25 Dec. */
	assert_int_equal(n, 256);
	/* Day after day, business_day_after(..., 0) lands on the same open days. */
	n = 0;
	y = 2026;
	m = 1;
	d = 1;
	for (;;) {
		business_day_after(y, m, d, 0, &y, &m, &d);
		if (y != 2026)
			break;
		n++;
		business_day_after(y, m, d, 1, &y, &m, &d);
	}
	assert_int_equal(n, 256);
}

static void
test_parse(void **state)
{
	static const char *const bad[] = {
		"2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10",
		"2026-12-32", "2026-12-00", "2026-1-07", "2026/12/07",
		"2026-12-07 ", " 2026-12-07", "2026-12-7", "", "1582-12-31",
		"20261207", "2026-12-0x", "+026-12-07", "2026-12-07T00:00",
	};
	int y, m, d;
	size_t i;

	(void)state;
	assert_int_equal(business_day_parse("2026-12-07", &y, &m, &d), 0);
	assert_int_equal(y * 10000 + m * 100 + d, 20261207);
	assert_int_equal(business_day_parse("2028-02-29", &y, &m, &d), 0);
	assert_int_equal(business_day_parse("2000-02-29", &y, &m, &d), 0);
	assert_int_equal(business_day_parse("9999-12-31", &y, &m, &d), 0);
	assert_int_equal(business_day_parse("1583-01-01", &y, &m, &d), 0);
	for (i = 0; i < NELEM(bad); i++)
		if (business_day_parse(bad[i], &y, &m, &d) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transliterate_french),
		cmocka_unit_test(test_transliterate_every_code_point),
		cmocka_unit_test(test_transliterate_refusals),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_field),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_char_set),
		cmocka_unit_test(test_easter),
		cmocka_unit_test(test_closing_days),
		cmocka_unit_test(test_year_count),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
