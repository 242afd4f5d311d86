/* test_svg_chart.c -- the SVG charts: well-formed XML whatever the names, bars and table telling the same numbers, suppressed values drawn as none, a round axis above the data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "svg_chart.h"

#define NNBSP	"\xe2\x80\xaf"

static const char *const hostile[] = {
	"<script>alert(1)</script>",
	"Saint-Jean-de-Luz & \"Ciboure\" 'Urrugne'",
	"]]><!-- --><![CDATA[ x",
	"Communauté de communes du Pays de Saint-Gilles-Croix-de-Vie et des "
	    "Marais de Monts, Noirmoutier-en-l’Île, Barbâtre, La Guérinière, "
	    "L’Épine, Saint-Jean-de-Monts, Notre-Dame-de-Monts, La Barre-de-"
	    "Monts",
	"tab\there\x01\x7f and bad \xff\xc3 UTF-8 \xed\xa0\x80",
	"",
};
#define N_HOSTILE	(sizeof(hostile) / sizeof(hostile[0]))

/* The figure parsed as XML: NULL when it is not well-formed. */
static xmlDocPtr
parse(const char *s, size_t n)
{
	return xmlReadMemory(s, (int)n, "chart.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Render c, check it parses, return the document; *text the markup. */
static xmlDocPtr
render(const struct chart *c, char **text)
{
	size_t n;
	char *s = svg_chart_html(c, &n);
	xmlDocPtr doc;

	assert_non_null(s);
	assert_int_equal(strlen(s), n);
	doc = parse(s, n);
	if (doc == NULL)
		fprintf(stderr, "# not well-formed:\n%s\n", s);
	assert_non_null(doc);
	/* No script, no outside reference, no CSS. */
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "style="));
	assert_null(strstr(s, "<style"));
	assert_null(strstr(s, "href"));
	if (text != NULL)
		*text = s;
	else
		free(s);
	return doc;
}

/* The nodes matching xpath in doc (the caller frees the object). */
static xmlXPathObjectPtr
nodes(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;

	assert_non_null(ctx);
	r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	assert_non_null(r);
	xmlXPathFreeContext(ctx);
	return r;
}

static int
count(xmlDocPtr doc, const char *xpath)
{
	xmlXPathObjectPtr r = nodes(doc, xpath);
	int n = r->nodesetval != NULL ? r->nodesetval->nodeNr : 0;

	xmlXPathFreeObject(r);
	return n;
}

/* The text of each node matching xpath, into out (n each malloc'd). */
static int
texts(xmlDocPtr doc, const char *xpath, char **out, int max)
{
	xmlXPathObjectPtr r = nodes(doc, xpath);
	int n = r->nodesetval != NULL ? r->nodesetval->nodeNr : 0, i;

	assert_true(n <= max);
	for (i = 0; i < n; i++)
		out[i] = (char *)xmlNodeGetContent(r->nodesetval->nodeTab[i]);
	xmlXPathFreeObject(r);
	return n;
}

/* The numeric attribute name of each node matching xpath. */
static int
attrs(xmlDocPtr doc, const char *xpath, const char *name, double *out,
    int max)
{
	xmlXPathObjectPtr r = nodes(doc, xpath);
	int n = r->nodesetval != NULL ? r->nodesetval->nodeNr : 0, i;
	xmlChar *v;

	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		v = xmlGetProp(r->nodesetval->nodeTab[i], (const xmlChar *)name);
		assert_non_null(v);
		out[i] = strtod((const char *)v, NULL);
		xmlFree(v);
	}
	xmlXPathFreeObject(r);
	return n;
}

/* A French number back: narrow no-break spaces out, comma to point. */
static double
french(const char *s)
{
	char buf[64];
	size_t i, o = 0;

	for (i = 0; s[i] != '\0' && o + 1 < sizeof(buf); i++) {
		if (strncmp(s + i, NNBSP, 3) == 0) {
			i += 2;
			continue;
		}
		buf[o++] = s[i] == ',' ? '.' : s[i];
	}
	buf[o] = '\0';
	return strtod(buf, NULL);
}

#define SVG	"//*[local-name()='svg']"
#define BARS	SVG "//*[local-name()='rect'][@class='bar']"
#define VALUES	SVG "//*[local-name()='text'][@class='value']"
#define TICKS	SVG "//*[local-name()='text'][@class='tick']"
#define CELLS	"//table/tbody/tr/td"

/* A one-series chart of n values named by names (cycled). */
static void
one_series(struct chart *c, struct chart_series *s, enum chart_kind kind,
    const char *const *names, size_t n, const double *v)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->id = "ch-1";
	c->title = "Chèques utilisés par commune";
	c->summary = "Le plus : Nantes ; le moins : Vertou.";
	c->unit = "chèques";
	c->category_label = "Commune";
	c->categories = names;
	c->n_categories = n;
	s->name = "Utilisés";
	s->values = v;
	c->series = s;
	c->n_series = 1;
}

static void
test_value_format(void **state)
{
	char buf[CHART_VALUE_TEXT_MAX];

	(void)state;
	chart_value_format(1234567, 0, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "1" NNBSP "234" NNBSP "567");
	chart_value_format(1234.5, 2, "€", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "1" NNBSP "234,50\xc2\xa0€");
	chart_value_format(62.45, 1, "%", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "62,5\xc2\xa0%");
	chart_value_format(0, 0, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	chart_value_format(-12, 0, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "-12");
	chart_value_format(NAN, 0, "chèques", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "< 5");
	chart_value_format(INFINITY, 0, NULL, "< 10", buf, sizeof(buf));
	assert_string_equal(buf, "< 10");
	chart_value_format(1e300, 3, "€", NULL, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	chart_value_format(999, 0, NULL, NULL, buf, 3);
	assert_string_equal(buf, "99");
}

static void
test_axis(void **state)
{
	double step, top, max, p, m;
	unsigned ticks, i, dec;

	(void)state;
	top = chart_axis(0, 0, &step, &ticks);
	assert_true(top == 1 && step == 1 && ticks == 1);
	top = chart_axis(NAN, 2, &step, &ticks);
	assert_true(top > 0);
	top = chart_axis(1234, 0, &step, &ticks);
	assert_true(step == 500 && ticks == 3 && top == 1500);
	top = chart_axis(3, 0, &step, &ticks);
	assert_true(step == 1 && top == 3);
	srand(7);
	for (i = 0; i < 20000; i++) {
		dec = (unsigned)rand() % 3;
		max = (double)rand() / RAND_MAX * pow(10, rand() % 12 - 3);
		top = chart_axis(max, dec, &step, &ticks);
		assert_true(top >= max);
		assert_true(ticks >= 1 && ticks <= 5);
		assert_true(fabs(top - step * ticks) <= 1e-9 * top);
		assert_true(step >= pow(10, -(double)dec) * 0.999);
		/* 1, 2 or 5 times a power of ten. */
		p = pow(10, floor(log10(step) + 1e-9));
		m = step / p;
		assert_true(fabs(m - 1) < 1e-6 || fabs(m - 2) < 1e-6 ||
		    fabs(m - 5) < 1e-6);
	}
}

/* Every kind, with hostile names, 0, 1, 6 and 60 categories: well-formed. */
static void
test_well_formed(void **state)
{
	static const size_t sizes[] = { 0, 1, 6, 60 };
	const char *names[60];
	double a[60], b[60], cc[60];
	struct chart_series s[3];
	struct chart c;
	xmlDocPtr doc;
	size_t i, z, k, h;

	(void)state;
	for (i = 0; i < 60; i++) {
		names[i] = hostile[i % N_HOSTILE];
		a[i] = (double)(i * 37 % 101);
		b[i] = i % 7 == 3 ? NAN : (double)(i * 13 % 41);
		cc[i] = (double)i * 1000.5;
	}
	for (k = 0; k < 3; k++)
		for (z = 0; z < 4; z++)
			for (h = 0; h < 2; h++) {
				one_series(&c, &s[0], (enum chart_kind)k,
				    names, sizes[z], a);
				c.horizontal = h;
				c.title = hostile[z];
				c.summary = hostile[(z + 1) % N_HOSTILE];
				c.unit = hostile[2];
				c.category_label = hostile[0];
				s[0].name = hostile[3];
				s[1].name = hostile[4];
				s[1].values = b;
				s[2].name = hostile[0];
				s[2].values = cc;
				c.n_series = 1 + (z % 3);
				doc = render(&c, NULL);
				/* One row per category, a cell per value. */
				assert_int_equal(count(doc, "//table/tbody/tr"),
				    (int)sizes[z]);
				assert_int_equal(count(doc, CELLS),
				    (int)(sizes[z] * c.n_series));
				assert_int_equal(count(doc,
				    "//figcaption/span"), 2);
				assert_int_equal(count(doc, SVG
				    "[@role='img'][@aria-labelledby="
				    "'ch-1-title ch-1-summary']"), 1);
				assert_int_equal(count(doc,
				    "//th[@scope='col']"),
				    (int)c.n_series + 1);
				xmlFreeDoc(doc);
			}
}

/* The escaped names come back as given (valid UTF-8 ones). */
static void
test_names_round_trip(void **state)
{
	const char *names[4] = { hostile[0], hostile[1], hostile[2],
	    hostile[3] };
	const double v[4] = { 1, 2, 3, 4 };
	struct chart_series s;
	struct chart c;
	char *got[8];
	xmlDocPtr doc;
	int n, i;

	(void)state;
	one_series(&c, &s, CHART_BARS, names, 4, v);
	c.horizontal = true;
	doc = render(&c, NULL);
	n = texts(doc, "//tbody/tr/th", got, 8);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		assert_string_equal(got[i], names[i]);
		xmlFree(got[i]);
	}
	/* In the drawing the long name is cut with "…". */
	n = texts(doc, SVG "//*[@class='category']", got, 8);
	assert_int_equal(n, 4);
	assert_string_equal(got[0], names[0]);
	assert_true(strlen(got[3]) < strlen(names[3]));
	assert_non_null(strstr(got[3], "…"));
	for (i = 0; i < n; i++)
		xmlFree(got[i]);
	xmlFreeDoc(doc);
}

/*
 * The labels on the bars are the table's cells, in order; each bar's
 * length is its value times one scale; a NaN has "< 5" and no bar.
 */
static void
check_bars(enum chart_kind kind, bool horizontal, size_t n)
{
	const char *names[60];
	double v[60], len[60], scale = 0, axis_top = 0, t[20];
	char *labels[60], *cells[60];
	struct chart_series s;
	struct chart c;
	xmlDocPtr doc;
	int nl, nc, nb, nt, i, j, nan = 0;

	for (i = 0; i < (int)n; i++) {
		names[i] = "Saint-Herblain";
		v[i] = i % 5 == 2 ? NAN : (double)((i * 7919) % 4000 + 1);
		nan += isnan(v[i]);
	}
	one_series(&c, &s, kind, names, n, v);
	c.horizontal = horizontal;
	doc = render(&c, NULL);
	nl = texts(doc, VALUES, labels, 60);
	nc = texts(doc, CELLS, cells, 60);
	assert_int_equal(nl, (int)n);
	assert_int_equal(nc, (int)n);
	for (i = 0; i < nl; i++) {
		assert_string_equal(labels[i], cells[i]);
		if (isnan(v[i]))
			assert_string_equal(cells[i], "< 5");
		else
			assert_true(french(cells[i]) == v[i]);
		xmlFree(labels[i]);
		xmlFree(cells[i]);
	}
	nb = attrs(doc, BARS, horizontal || n > 8 ? "width" : "height", len,
	    60);
	assert_int_equal(nb, (int)n - nan);
	/* The scale of the longest bar, the least blurred by rounding. */
	for (i = 0, j = 0; i < (int)n; i++) {
		if (isnan(v[i]))
			continue;
		if (len[j] / v[i] > 0 && (scale == 0 || v[i] > axis_top)) {
			scale = len[j] / v[i];
			axis_top = v[i];
		}
		j++;
	}
	axis_top = 0;
	for (i = 0, j = 0; i < (int)n; i++) {
		if (isnan(v[i]))
			continue;
		/* Lengths are written to a tenth of a unit. */
		assert_true(fabs(len[j] - v[i] * scale) <= 0.101);
		j++;
	}
	nt = attrs(doc, TICKS, "x", t, 20);
	assert_true(nt >= 2);
	{
		char *tk[20];

		nt = texts(doc, TICKS, tk, 20);
		for (i = 0; i < nt; i++) {
			if (french(tk[i]) > axis_top)
				axis_top = french(tk[i]);
			xmlFree(tk[i]);
		}
	}
	for (i = 0; i < (int)n; i++)
		if (!isnan(v[i]))
			assert_true(axis_top >= v[i]);
	xmlFreeDoc(doc);
}

static void
test_bars_match_table(void **state)
{
	(void)state;
	check_bars(CHART_BARS, true, 60);
	check_bars(CHART_BARS, false, 6);
	check_bars(CHART_BARS, false, 1);
	check_bars(CHART_BARS, false, 20);	/* too many: horizontal */
}

/* A line's point labels are the table's; a NaN breaks the line. */
static void
test_line(void **state)
{
	static const char *const months[] = { "janv. 2026", "févr. 2026",
	    "mars 2026", "avr. 2026", "mai 2026", "juin 2026" };
	const double v[6] = { 120, 340, NAN, 410, 0, 95.5 };
	struct chart_series s;
	struct chart c;
	char *labels[8], *cells[8];
	xmlDocPtr doc;
	char *svg;
	int nl, nc, i;

	(void)state;
	one_series(&c, &s, CHART_LINE, months, 6, v);
	c.decimals = 1;
	doc = render(&c, &svg);
	nl = texts(doc, VALUES, labels, 8);
	nc = texts(doc, CELLS, cells, 8);
	assert_int_equal(nl, 6);
	assert_int_equal(nc, 6);
	for (i = 0; i < 6; i++) {
		assert_string_equal(labels[i], cells[i]);
		xmlFree(labels[i]);
		xmlFree(cells[i]);
	}
	assert_int_equal(count(doc, SVG "//*[@class='point']"), 5);
	/* Two pieces: before and after the suppressed month. */
	assert_int_equal(count(doc, SVG "//*[@class='line']"), 1);
	{
		char *d[1];

		assert_int_equal(texts(doc, SVG "//*[@class='line']/@d", d,
		    1), 1);
		assert_int_equal(strchr(d[0], 'M') != strrchr(d[0], 'M'), 1);
		xmlFree(d[0]);
	}
	free(svg);
	xmlFreeDoc(doc);
}

/* Stacked bars: a stack's parts add up, a hidden part is said so. */
static void
test_stacked(void **state)
{
	static const char *const paths[] = { "RSA", "Revenu jeunes",
	    "Autre parcours" };
	const double rsa[3] = { 120, 30, 12 };
	const double young[3] = { 80, NAN, 7 };
	const char *names[3] = { "Nantes", "Rezé", "Vertou" };
	struct chart_series s[2];
	struct chart c;
	double w[8];
	char *tot[3];
	xmlDocPtr doc;
	int n;

	(void)state;
	(void)paths;
	one_series(&c, &s[0], CHART_STACKED_BARS, names, 3, rsa);
	s[0].name = "RSA";
	s[1].name = "Revenu jeunes";
	s[1].values = young;
	c.n_series = 2;
	c.horizontal = true;
	doc = render(&c, NULL);
	n = attrs(doc, BARS, "width", w, 8);
	assert_int_equal(n, 5);
	/* Nantes 120 + 80: one scale for all the parts. */
	assert_true(fabs(w[0] / 120 - w[1] / 80) < 0.01);
	assert_true(fabs(w[2] / 30 - w[0] / 120) < 0.01);
	n = texts(doc, SVG "//*[@class='total']", tot, 3);
	assert_int_equal(n, 3);
	assert_string_equal(tot[0], "200");
	assert_string_equal(tot[1], "30 + < 5");
	assert_string_equal(tot[2], "19");
	xmlFree(tot[0]);
	xmlFree(tot[1]);
	xmlFree(tot[2]);
	/* A legend swatch per series, patterned after the first. */
	assert_int_equal(count(doc, SVG "//*[@class='swatch']"), 2);
	assert_int_equal(count(doc, SVG "//*[local-name()='pattern']"), 1);
	xmlFreeDoc(doc);
}

static void
test_refused(void **state)
{
	const double v[1] = { 1 };
	const char *names[1] = { "x" };
	struct chart_series s;
	struct chart c;

	(void)state;
	one_series(&c, &s, CHART_BARS, names, 1, v);
	c.id = "1abc";
	errno = 0;
	assert_null(svg_chart_html(&c, NULL));
	assert_int_equal(errno, EINVAL);
	c.id = "a\"b";
	assert_null(svg_chart_html(&c, NULL));
	c.id = "ok";
	c.title = NULL;
	assert_null(svg_chart_html(&c, NULL));
	c.title = "t";
	c.n_series = 0;
	assert_null(svg_chart_html(&c, NULL));
	c.n_series = CHART_SERIES_MAX + 1;
	assert_null(svg_chart_html(&c, NULL));
	c.n_series = 1;
	s.values = NULL;
	assert_null(svg_chart_html(&c, NULL));
	s.values = v;
	c.kind = (enum chart_kind)7;
	assert_null(svg_chart_html(&c, NULL));
	assert_null(svg_chart_html(NULL, NULL));
	c.kind = CHART_BARS;
	assert_non_null(c.id);
	assert_int_equal(svg_chart_render(&c, NULL), -1);
}

/* A random UTF-8-ish or plain random string into buf. */
static void
random_text(char *buf, size_t cap)
{
	static const char *const bits[] = { "é", "’", "<", "&", "\"", "a",
	    "Saint-", " ", "€", "\xff", "\xc3", "\x01", "🙂", "'" };
	size_t n = (size_t)rand() % 40, o = 0, k;
	const char *b;

	for (k = 0; k < n; k++) {
		b = bits[rand() % (int)(sizeof(bits) / sizeof(bits[0]))];
		if (o + strlen(b) + 1 >= cap)
			break;
		memcpy(buf + o, b, strlen(b));
		o += strlen(b);
	}
	buf[o] = '\0';
}

/* 1000 random charts: each renders and parses. */
static void
test_random(void **state)
{
	static char names[80][200];
	static double v[CHART_SERIES_MAX][80];
	const char *np[80];
	struct chart_series s[CHART_SERIES_MAX];
	struct chart c;
	char title[200], unit[200], sname[CHART_SERIES_MAX][200];
	xmlDocPtr doc;
	size_t i, k, j;
	double r;

	(void)state;
	srand(20261206);
	for (k = 0; k < 1000; k++) {
		memset(&c, 0, sizeof(c));
		c.kind = (enum chart_kind)(rand() % 3);
		c.id = "r";
		random_text(title, sizeof(title));
		random_text(unit, sizeof(unit));
		c.title = title;
		c.summary = rand() % 4 == 0 ? NULL : title;
		c.unit = rand() % 3 == 0 ? NULL : unit;
		c.decimals = (unsigned)rand() % 5;
		c.suppressed_label = rand() % 2 ? NULL : unit;
		c.n_categories = (size_t)rand() % 81;
		c.n_series = 1 + (size_t)rand() % CHART_SERIES_MAX;
		c.horizontal = rand() % 2;
		for (i = 0; i < c.n_categories; i++) {
			random_text(names[i], sizeof(names[i]));
			np[i] = rand() % 20 == 0 ? NULL : names[i];
		}
		c.categories = np;
		for (j = 0; j < c.n_series; j++) {
			random_text(sname[j], sizeof(sname[j]));
			s[j].name = rand() % 5 == 0 ? NULL : sname[j];
			s[j].values = v[j];
			for (i = 0; i < c.n_categories; i++) {
				r = rand() % 10;
				v[j][i] = r == 0 ? NAN : r == 1 ? -5 :
				    r == 2 ? INFINITY : r == 3 ? 1e18 :
				    r == 4 ? 0 : (double)rand() / 1000;
			}
		}
		c.series = s;
		doc = render(&c, NULL);
		xmlFreeDoc(doc);
	}
}

/* How long a 60-commune chart takes; printed, and bounded loosely. */
static void
test_speed(void **state)
{
	const char *names[60];
	double v[60], us;
	struct chart_series s;
	struct chart c;
	struct timespec t0, t1;
	char *out;
	int i, rounds = 2000;

	(void)state;
	for (i = 0; i < 60; i++) {
		names[i] = hostile[3];
		v[i] = i * 113 % 997;
	}
	one_series(&c, &s, CHART_BARS, names, 60, v);
	c.horizontal = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++) {
		out = svg_chart_html(&c, NULL);
		assert_non_null(out);
		free(out);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / rounds;
	printf("# svg_chart: 60 categories of long names in %.1f µs\n", us);
	/* Loose, for the sanitizers' build: a millisecond is the aim. */
	assert_true(us < 20000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_format),
		cmocka_unit_test(test_axis),
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_bars_match_table),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_stacked),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
