/* test_form.c -- application/x-www-form-urlencoded bodies (server/passnumd/form.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

/* Parse body (a C string) into *f; fail the test when it is refused. */
static void
parse_ok(const char *body, struct form *f)
{
	char err[160] = "";

	if (form_parse(body, strlen(body), f, err, sizeof(err)) != 0)
		fail_msg("\"%s\" refused: %s", body, err);
}

/*
 * Parse body (len bytes), which must be refused with a message that holds
 * want; the form is left empty.
 */
static void
refused_len(const char *body, size_t len, const char *want)
{
	struct form f;
	char err[160] = "";

	if (form_parse(body, len, &f, err, sizeof(err)) != -1)
		fail_msg("\"%.*s\" accepted", (int)len, body);
	if (strstr(err, want) == NULL)
		fail_msg("\"%.*s\": the message \"%s\" does not say \"%s\"",
		    (int)len, body, err, want);
	assert_null(f.buf);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, "a"));
	form_free(&f);
}

static void
refused(const char *body, const char *want)
{
	refused_len(body, strlen(body), want);
}

static void
test_fields(void **state)
{
	struct form f;

	(void)state;
	parse_ok("login=marie&password=s3cret&csrf=abc", &f);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.fields[0].name, "login");
	assert_string_equal(f.fields[0].value, "marie");
	assert_string_equal(f.fields[1].name, "password");
	assert_string_equal(f.fields[2].name, "csrf");
	assert_string_equal(form_get(&f, "login"), "marie");
	assert_string_equal(form_get(&f, "password"), "s3cret");
	assert_string_equal(form_get(&f, "csrf"), "abc");
	assert_null(form_get(&f, "absent"));
	assert_null(form_get(&f, "Login"));	/* names are case-sensitive */
	assert_null(form_get(&f, "log"));
	assert_null(form_get(&f, ""));
	form_free(&f);
	assert_null(f.buf);
	assert_int_equal(f.n, 0);
	form_free(&f);				/* twice is harmless */
}

static void
test_decoding(void **state)
{
	struct form f;

	(void)state;
	parse_ok("a=hello+world&b=%41%42%43&c=%c3%a9t%C3%A9&d=%2B%26%3D%25"
	    "&e=1+%2B+1&f=a=b=c&g=%7e~", &f);
	assert_string_equal(form_get(&f, "a"), "hello world");
	assert_string_equal(form_get(&f, "b"), "ABC");
	assert_string_equal(form_get(&f, "c"), "été");
	assert_string_equal(form_get(&f, "d"), "+&=%");
	assert_string_equal(form_get(&f, "e"), "1 + 1");
	assert_string_equal(form_get(&f, "f"), "a=b=c");
	assert_string_equal(form_get(&f, "g"), "~~");
	form_free(&f);

	/* Names are decoded as values are. */
	parse_ok("first+name=x&%72ef=y&caf%C3%A9=z", &f);
	assert_string_equal(form_get(&f, "first name"), "x");
	assert_string_equal(form_get(&f, "ref"), "y");
	assert_string_equal(form_get(&f, "café"), "z");
	form_free(&f);

	/* Markup and line breaks come through as they were typed. */
	parse_ok("t=%3Cscript%3Ealert(1)%3C%2Fscript%3E&n=a%0D%0Ab", &f);
	assert_string_equal(form_get(&f, "t"), "<script>alert(1)</script>");
	assert_string_equal(form_get(&f, "n"), "a\r\nb");
	form_free(&f);
}

static void
test_empty_values(void **state)
{
	struct form f;

	(void)state;
	parse_ok("a=&b&c=3&d", &f);
	assert_int_equal(f.n, 4);
	assert_string_equal(form_get(&f, "a"), "");
	assert_string_equal(form_get(&f, "b"), "");	/* no '=' at all */
	assert_string_equal(form_get(&f, "c"), "3");
	assert_string_equal(form_get(&f, "d"), "");
	form_free(&f);

	parse_ok("", &f);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, "a"));
	form_free(&f);

	/* Empty pieces between, before or after '&' are skipped. */
	parse_ok("&a=1&&b=2&", &f);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "2");
	form_free(&f);
	parse_ok("&&&", &f);
	assert_int_equal(f.n, 0);
	form_free(&f);

	/* A zeroed form holds nothing. */
	memset(&f, 0, sizeof(f));
	assert_null(form_get(&f, "a"));
	form_free(&f);
}

static void
test_length_respected(void **state)
{
	const char body[] = "a=1&b=2";
	char unterminated[3] = { 'x', '=', '9' };
	struct form f;
	char err[160];

	(void)state;
	/* Only len bytes are read: the body needs no NUL. */
	assert_int_equal(form_parse(body, 3, &f, err, sizeof(err)), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_null(form_get(&f, "b"));
	form_free(&f);
	assert_int_equal(form_parse(unterminated, sizeof(unterminated), &f,
	    err, sizeof(err)), 0);
	assert_string_equal(form_get(&f, "x"), "9");
	form_free(&f);
	/* An escape cut by the length is a truncated escape. */
	refused_len("a=%41", 4, "'a'");
}

static void
test_bad_escapes(void **state)
{
	(void)state;
	refused("a=%G1", "'a'");
	refused("a=%1G", "'a'");
	refused("a=%4", "'a'");
	refused("a=%", "'a'");
	refused("ok=1&ref=abc%", "'ref'");
	refused("ok=1&ref=%%41", "'ref'");
	refused("ok=1&ref=%+1", "'ref'");
	refused("a=%-1", "'a'");
	refused("a=% 1", "'a'");
	/* In a name: the field is named by its place. */
	refused("%G1=1", "field 1");
	refused("a=1&b%4=2", "field 2");
	refused("a=1&b=2&%=3", "field 3");
}

static void
test_nul_refused(void **state)
{
	const char raw_nul[] = "a=x\0y";

	(void)state;
	refused("commune=Rez%00", "'commune'");
	refused("a=%00", "'a'");
	refused("%00=1", "field 1");
	refused("a%00b=1", "field 1");
	/* A NUL byte in the body itself. */
	refused_len(raw_nul, sizeof(raw_nul) - 1, "'a'");
	refused_len("a\0=1", 4, "field 1");
}

static void
test_utf8(void **state)
{
	struct form f;

	(void)state;
	/* Every length of sequence, and the edges of the valid range. */
	parse_ok("a=%7F&b=%C2%80&c=%DF%BF&d=%E0%A0%80&e=%ED%9F%BF&g=%EE%80%80"
	    "&h=%EF%BF%BF&i=%F0%90%80%80&j=%F0%9F%98%80&k=%F4%8F%BF%BF"
	    "&l=%E2%82%AC", &f);
	assert_string_equal(form_get(&f, "b"), "\xc2\x80");
	assert_string_equal(form_get(&f, "e"), "\xed\x9f\xbf");	/* U+D7FF */
	assert_string_equal(form_get(&f, "g"), "\xee\x80\x80");	/* U+E000 */
	assert_string_equal(form_get(&f, "j"), "\xf0\x9f\x98\x80");
	assert_string_equal(form_get(&f, "k"), "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	assert_string_equal(form_get(&f, "l"), "€");
	form_free(&f);

	/* Overlong forms. */
	refused("a=%C0%AF", "'a'");
	refused("a=%C1%BF", "'a'");
	refused("a=%C0%80", "'a'");
	refused("a=%E0%80%AF", "'a'");
	refused("a=%E0%9F%BF", "'a'");
	refused("a=%F0%80%80%AF", "'a'");
	refused("a=%F0%8F%BF%BF", "'a'");
	/* Surrogates, alone or paired (CESU-8). */
	refused("a=%ED%A0%80", "'a'");
	refused("a=%ED%BF%BF", "'a'");
	refused("a=%ED%A0%BD%ED%B8%80", "'a'");
	/* Beyond U+10FFFF, and bytes that never appear. */
	refused("a=%F4%90%80%80", "'a'");
	refused("a=%F5%80%80%80", "'a'");
	refused("a=%F8%88%80%80%80", "'a'");
	refused("a=%FE", "'a'");
	refused("a=%FF", "'a'");
	/* Lone continuation bytes, cut sequences, a bad continuation. */
	refused("a=%80", "'a'");
	refused("a=x%BFy", "'a'");
	refused("a=%C3", "'a'");
	refused("a=%E2%82", "'a'");
	refused("a=%F0%9F%98", "'a'");
	refused("a=%C3%28", "'a'");
	refused("a=%E2%28%A1", "'a'");
	/* Raw (unescaped) bytes are checked too. */
	refused("a=\xc3", "'a'");
	refused("ref=ok&commune=Rez\xe9", "'commune'");
	/* In a name. */
	refused("%C3=1", "field 1");
	refused("a=1&\xff=2", "field 2");
	parse_ok("r\xc3\xa9" "f=1", &f);
	assert_string_equal(form_get(&f, "réf"), "1");
	form_free(&f);
}

static void
test_utf8_valid(void **state)
{
	(void)state;
	assert_true(form_utf8_valid("", 0));
	assert_true(form_utf8_valid("abc", 3));
	assert_true(form_utf8_valid("\xc3\xa9", 2));
	assert_false(form_utf8_valid("\xc3\xa9", 1));	/* cut by len */
	assert_true(form_utf8_valid("a\0b", 3));	/* NUL is ASCII here */
	assert_false(form_utf8_valid("\xed\xa0\x80", 3));
	assert_false(form_utf8_valid("\xe0\x80\x80", 3));
	assert_true(form_utf8_valid("\xf4\x8f\xbf\xbf", 4));
	assert_false(form_utf8_valid("\xf4\x90\x80\x80", 4));
}

static void
test_bad_names(void **state)
{
	(void)state;
	refused("=1", "field 1");
	refused("=", "field 1");
	refused("a=1&=2", "field 2");
	refused("a=1&b=2&=", "field 3");
}

static void
test_repeated(void **state)
{
	(void)state;
	refused("a=1&a=2", "'a' is repeated");
	refused("reason=x&ref=1&reason=y", "'reason' is repeated");
	refused("a=1&a=1", "'a' is repeated");
	refused("a&a", "'a' is repeated");
	/* Equal once decoded. */
	refused("ref=1&r%65f=2", "'ref' is repeated");
	refused("a+b=1&a%20b=2", "'a b' is repeated");
}

/* A body of n distinct fields "f0=0&f1=1&...". */
static char *
fields_body(unsigned n)
{
	size_t cap = 32 * (size_t)n + 1, len = 0;
	char *body = malloc(cap);
	unsigned i;
	int w;

	assert_non_null(body);
	body[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(body + len, cap - len, "%sf%u=%u", i > 0 ? "&" :
		    "", i, i);
		assert_true(w > 0 && (size_t)w < cap - len);
		len += (size_t)w;
	}
	return body;
}

static void
test_too_many(void **state)
{
	char *body = fields_body(FORM_FIELDS_MAX);
	char name[16], value[16];
	struct form f;
	unsigned i;

	(void)state;
	parse_ok(body, &f);
	assert_int_equal(f.n, FORM_FIELDS_MAX);
	for (i = 0; i < FORM_FIELDS_MAX; i++) {
		(void)snprintf(name, sizeof(name), "f%u", i);
		(void)snprintf(value, sizeof(value), "%u", i);
		assert_string_equal(form_get(&f, name), value);
	}
	form_free(&f);
	free(body);

	body = fields_body(FORM_FIELDS_MAX + 1);
	refused(body, "more than 32 fields");
	free(body);
	body = fields_body(1000);
	refused(body, "more than 32 fields");
	free(body);
}

static void
test_large(void **state)
{
	size_t n = 200000, i;
	char *body = malloc(3 * n + 8), *want = malloc(n + 1);
	struct form f;

	(void)state;
	assert_non_null(body);
	assert_non_null(want);
	/* A long value, all escapes: decoding shrinks it to a third. */
	memcpy(body, "big=", 4);
	for (i = 0; i < n; i++) {
		memcpy(body + 4 + 3 * i, "%41", 3);
		want[i] = 'A';
	}
	body[4 + 3 * n] = '\0';
	want[n] = '\0';
	parse_ok(body, &f);
	assert_int_equal(strlen(form_get(&f, "big")), n);
	assert_string_equal(form_get(&f, "big"), want);
	form_free(&f);
	free(body);
	free(want);
}

static void
test_small_err_buffer(void **state)
{
	struct form f;
	char err[8];

	(void)state;
	/* The message is cut to the buffer, never written past it. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(form_parse("a_long_name=%", 13, &f, err, sizeof(err)),
	    -1);
	assert_non_null(memchr(err, '\0', sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_length_respected),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_nul_refused),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_repeated),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_small_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
