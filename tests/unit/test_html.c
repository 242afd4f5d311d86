/* test_html.c -- the HTML buffer whose format escapes by default (server/passnumd/html.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

/* The buffer's text, checked to be whole and NUL-terminated at len. */
static const char *
text_of(const struct html *h)
{
	assert_false(h->failed);
	assert_non_null(h->buf);
	assert_true(h->len < h->cap);
	assert_int_equal(strlen(h->buf), h->len);
	return h->buf;
}

static void
test_escapes_each(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "&", "&amp;" },
		{ "<", "&lt;" },
		{ ">", "&gt;" },
		{ "\"", "&quot;" },
		{ "'", "&#39;" },
		{ "&amp;", "&amp;amp;" },	/* escaped again: text is text */
		{ "a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f" },
		{ "<<>>", "&lt;&lt;&gt;&gt;" },
		{ "plain text", "plain text" },
		{ "", "" },
		{ "été € ’", "été € ’" },	/* UTF-8 goes through */
		{ "%s %R %%", "%s %R %%" },	/* a value is no format */
		{ "<script>alert(1)</script>",
		  "&lt;script&gt;alert(1)&lt;/script&gt;" },
	};
	struct html h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		html_init(&h);
		html_put(&h, "[%s]", cases[i].in);
		if (strncmp(text_of(&h) + 1, cases[i].out,
		    strlen(cases[i].out)) != 0 ||
		    strlen(h.buf) != strlen(cases[i].out) + 2)
			fail_msg("\"%s\" gave \"%s\", not \"[%s]\"",
			    cases[i].in, h.buf, cases[i].out);
		html_free(&h);
	}
}

static void
test_attribute(void **state)
{
	struct html h;

	(void)state;
	html_init(&h);
	html_put(&h, "<input value=\"%s\"><input value='%s'>",
	    "\" onfocus=\"alert(1)", "' onfocus='alert(1)");
	assert_string_equal(text_of(&h), "<input value=\"&quot; onfocus="
	    "&quot;alert(1)\"><input value='&#39; onfocus=&#39;alert(1)'>");
	html_free(&h);
}

static void
test_raw(void **state)
{
	struct html h;

	(void)state;
	html_init(&h);
	html_put(&h, "<div>%R</div>%R", "<svg a=\"1\">&amp;</svg>", "");
	assert_string_equal(text_of(&h), "<div><svg a=\"1\">&amp;</svg></div>");
	html_free(&h);

	/* The format itself is markup: it is not escaped. */
	html_init(&h);
	html_put(&h, "<a href=\"/x?a=1&amp;b=2\">'\"</a>");
	assert_string_equal(text_of(&h), "<a href=\"/x?a=1&amp;b=2\">'\"</a>");
	html_free(&h);
}

static void
test_numbers(void **state)
{
	struct html h;
	char want[256];

	(void)state;
	html_init(&h);
	html_put(&h, "%d|%d|%d|%d", 0, -1, INT_MAX, INT_MIN);
	(void)snprintf(want, sizeof(want), "0|-1|%d|%d", INT_MAX, INT_MIN);
	assert_string_equal(text_of(&h), want);
	html_free(&h);

	html_init(&h);
	html_put(&h, "%u|%u|%u", 0u, 42u, UINT_MAX);
	(void)snprintf(want, sizeof(want), "0|42|%u", UINT_MAX);
	assert_string_equal(text_of(&h), want);
	html_free(&h);

	html_init(&h);
	html_put(&h, "%L|%L|%L|%L", (int64_t)0, (int64_t)-7, INT64_MAX,
	    INT64_MIN);
	assert_string_equal(text_of(&h), "0|-7|9223372036854775807|"
	    "-9223372036854775808");
	html_free(&h);

	html_init(&h);
	html_put(&h, "100%% %d%%%%", 5);
	assert_string_equal(text_of(&h), "100% 5%%");
	html_free(&h);
}

/* The error table's lower-case messages printed as sentences. */
static void
test_sentence(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "adresse inconnue", "Adresse inconnue." },
		{ "échéance dépassée ; réessayez", "Échéance dépassée ; "
		    "réessayez." },
		{ "à refaire", "À refaire." },
		{ "Déjà une phrase.", "Déjà une phrase." },
		{ "vraiment ?", "Vraiment ?" },
		{ "et la suite…", "Et la suite…" },
		{ "fin  ", "Fin." },
		{ "<b> & co", "&lt;b&gt; &amp; co." },
		{ "", "" },
		{ "7 jours", "7 jours." },
	};
	struct html h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		html_init(&h);
		html_put(&h, "%F", cases[i].in);
		assert_string_equal(text_of(&h), cases[i].want);
		html_free(&h);
	}
}

static void
test_plural(void **state)
{
	(void)state;
	assert_string_equal(html_plural(0, "chèque", "chèques"), "chèque");
	assert_string_equal(html_plural(1, "chèque", "chèques"), "chèque");
	assert_string_equal(html_plural(2, "chèque", "chèques"), "chèques");
	assert_string_equal(html_plural(12000, "lieu", "lieux"), "lieux");
	assert_string_equal(html_plural(-3, "jour", "jours"), "jours");
}

static void
test_mixed(void **state)
{
	struct html h;

	(void)state;
	html_init(&h);
	html_put(&h, "<tr><td>%L</td><td>%s</td><td>%u sur %u</td>%R"
	    "<td>%d%%</td></tr>", (int64_t)12, "Rezé & <Nantes>", 9u, 10u,
	    "<td>ok</td>", -3);
	assert_string_equal(text_of(&h), "<tr><td>12</td><td>Rezé &amp; "
	    "&lt;Nantes&gt;</td><td>9 sur 10</td><td>ok</td><td>-3%</td></tr>");
	/* Appending goes on after what is there. */
	html_put(&h, "%s", "'");
	html_put(&h, "");
	html_put(&h, "end");
	assert_string_equal(text_of(&h), "<tr><td>12</td><td>Rezé &amp; "
	    "&lt;Nantes&gt;</td><td>9 sur 10</td><td>ok</td><td>-3%</td></tr>"
	    "&#39;end");
	html_free(&h);
}

static void
test_bad_directive(void **state)
{
	struct html h;

	(void)state;
	/* A programming error shows as "%?" and reads no argument. */
	html_init(&h);
	html_put(&h, "a%xb%s", "<");
	assert_string_equal(text_of(&h), "a%?b&lt;");
	html_free(&h);
	/* A format that ends with '%' stops there. */
	html_init(&h);
	html_put(&h, "abc%");
	assert_string_equal(text_of(&h), "abc%?");
	html_free(&h);
}

static void
test_growth(void **state)
{
	struct html h;
	size_t i, n = 100000;
	char *want;

	(void)state;
	html_init(&h);
	assert_null(h.buf);
	assert_int_equal(h.len, 0);
	/* 500,000 bytes out of 100,000 escapes: the buffer grows many times. */
	for (i = 0; i < n; i++)
		html_put(&h, "%s", "&");
	text_of(&h);
	assert_int_equal(h.len, 5 * n);
	for (i = 0; i < n; i++)
		if (memcmp(h.buf + 5 * i, "&amp;", 5) != 0)
			fail_msg("bad text at %zu", 5 * i);
	html_free(&h);
	assert_null(h.buf);
	assert_int_equal(h.len, 0);
	assert_int_equal(h.cap, 0);

	/* One value larger than the first allocation. */
	want = malloc(3 * 10000 + 1);
	assert_non_null(want);
	memset(want, 'x', 3 * 10000);
	want[3 * 10000] = '\0';
	html_init(&h);
	html_put(&h, "<p>%s</p>", want);
	assert_int_equal(h.len, 3 * 10000 + 7);
	assert_memory_equal(text_of(&h) + 3, want, 3 * 10000);
	assert_string_equal(h.buf + h.len - 4, "</p>");
	html_free(&h);
	/* And raw text of the same size. */
	html_init(&h);
	html_put(&h, "%R", want);
	assert_string_equal(text_of(&h), want);
	html_free(&h);
	free(want);
}

static void
test_html_text(void **state)
{
	struct html h;

	(void)state;
	html_init(&h);
	html_text(&h, "a<b>c", 5);
	assert_string_equal(text_of(&h), "a&lt;b&gt;c");
	/* Only len bytes are taken. */
	html_text(&h, "&&&&", 2);
	assert_string_equal(text_of(&h), "a&lt;b&gt;c&amp;&amp;");
	html_text(&h, "zzz", 0);
	assert_string_equal(text_of(&h), "a&lt;b&gt;c&amp;&amp;");
	html_text(&h, "'\"", 2);
	assert_string_equal(text_of(&h), "a&lt;b&gt;c&amp;&amp;&#39;&quot;");
	html_free(&h);

	/* The last character escaped, and the first. */
	html_init(&h);
	html_text(&h, ">x<", 3);
	assert_string_equal(text_of(&h), "&gt;x&lt;");
	html_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_each),
		cmocka_unit_test(test_attribute),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_sentence),
		cmocka_unit_test(test_plural),
		cmocka_unit_test(test_bad_directive),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_html_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
