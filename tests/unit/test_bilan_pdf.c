/* test_bilan_pdf.c -- the « Bilan du Pass numérique »: one page whatever the data, its texts read back through pdfinfo and pdftotext. */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bilan_pdf.h"


struct fixture {
	char dir[4096];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	(void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_bilan.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int kept;	/* PDFs kept so far (BILAN_KEEP) */

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char path[4200];

	(void)snprintf(path, sizeof(path), "%s/bilan.pdf", fx->dir);
	/* BILAN_KEEP=/tmp/b keeps each test's last PDF as /tmp/b-N.pdf. */
	if (getenv("BILAN_KEEP") != NULL) {
		char keep[4200];

		(void)snprintf(keep, sizeof(keep), "%s-%d.pdf",
		    getenv("BILAN_KEEP"), ++kept);
		(void)rename(path, keep);
	}
	(void)unlink(path);
	(void)rmdir(fx->dir);
	free(fx);
	return 0;
}

/* What "tool PDF after" prints, malloc'd, no-break spaces plain. */
static char *
run_on(struct fixture *fx, const char *tool, const char *after,
    const uint8_t *pdf, size_t len)
{
	char path[4200], cmd[8500];
	size_t cap = 1 << 16, n = 0, got, i, o;
	char *text = malloc(cap);
	FILE *f;
	int status;

	assert_non_null(text);
	(void)snprintf(path, sizeof(path), "%s/bilan.pdf", fx->dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	(void)snprintf(cmd, sizeof(cmd), "%s '%s' %s", tool, path, after);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((got = fread(text + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			text = realloc(text, cap);
			assert_non_null(text);
		}
	}
	status = pclose(f);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (i = 0, o = 0; i < n; i++) {
		if ((unsigned char)text[i] == 0xc2 && i + 1 < n &&
		    (unsigned char)text[i + 1] == 0xa0) {
			text[o++] = ' ';
			i++;
		} else
			text[o++] = text[i];
	}
	text[o] = '\0';
	return text;
}

/* Whether pdfinfo says the PDF has one page. */
static void
assert_one_page(struct fixture *fx, const uint8_t *pdf, size_t len)
{
	char *info = run_on(fx, "pdfinfo", "", pdf, len);
	char *p = strstr(info, "Pages:"), *end;
	long pages;

	assert_non_null(p);
	p += strlen("Pages:");
	while (*p == ' ')
		p++;
	errno = 0;
	pages = strtol(p, &end, 10);
	/* A number, ended by its line: not the start of another word. */
	assert_true(errno == 0 && end != p && (*end == '\n' || *end == '\0'));
	assert_int_equal(pages, 1);
	assert_non_null(strstr(info, "Bilan du Pass num"));
	free(info);
}

static const struct bilan_figure figures[] = {
	{ "Budget voté", "250 000,00 €" },
	{ "Engagé (chèques émis)", "182 340,00 €" },
	{ "Payé aux lieux", "96 120,00 €" },
	{ "Taux d’utilisation", "52,7 %" },
	{ "Personnes touchées", "3 412" },
	{ "Personnes ayant utilisé au moins un chèque", "2 051" },
	{ "Chèques utilisés par personne (moyenne)", "2,4" },
	{ "Délai médian avant la première utilisation", "12 jours" },
};

static const char *const months[] = { "janv.", "févr.", "mars", "avr.",
    "mai", "juin", "juil.", "août", "sept.", "oct.", "nov." };
static const double used[] = { 120, 340, 410, 380, NAN, 520, 310, 150,
    610, 700, 655 };
static const char *const paths[] = { "RSA", "Revenu jeunes", "Autre" };
static const double by_path_issued[] = { 1800, 950, 662 };
static const double by_path_used[] = { 900, 3, 410 };

/* A bilan with three charts: months, pathways, and communes. */
static void
bilan(struct bilan_pdf_in *in, struct chart *c, struct chart_series *s,
    const char *const *communes, const double *per_commune, size_t n)
{
	memset(in, 0, sizeof(*in));
	in->programme = "Pass numérique 2026 — Département de Loire-Atlantique";
	in->period = "du 01/01/2026 au 30/11/2026";
	in->data_date = "06/12/2026 à 14:30";
	in->footer = "Source : passnum, base des chèques et des "
	    "remboursements. Secret statistique : tout effectif inférieur à 5 "
	    "personnes est affiché « < 5 ».";
	in->data_time = 1796563800;
	in->figures = figures;
	in->n_figures = sizeof(figures) / sizeof(figures[0]);
	memset(c, 0, 3 * sizeof(*c));
	c[0].kind = CHART_LINE;
	c[0].id = "mois";
	c[0].title = "Chèques utilisés par mois";
	c[0].unit = "chèques";
	c[0].categories = months;
	c[0].n_categories = 11;
	s[0].name = "Utilisés";
	s[0].values = used;
	c[0].series = &s[0];
	c[0].n_series = 1;
	c[1].kind = CHART_BARS;
	c[1].id = "parcours";
	c[1].title = "Chèques par parcours";
	c[1].unit = "chèques";
	c[1].categories = paths;
	c[1].n_categories = 3;
	s[1].name = "Émis";
	s[1].values = by_path_issued;
	s[2].name = "Utilisés";
	s[2].values = by_path_used;
	c[1].series = &s[1];
	c[1].n_series = 2;
	c[2].kind = CHART_STACKED_BARS;
	c[2].id = "communes";
	c[2].title = "Chèques utilisés par commune du bénéficiaire";
	c[2].unit = "chèques";
	c[2].categories = communes;
	c[2].n_categories = n;
	s[3].name = "Utilisés";
	s[3].values = per_commune;
	s[4].name = "En circulation";
	s[4].values = per_commune;
	c[2].series = &s[3];
	c[2].n_series = 2;
	in->charts = c;
	in->n_charts = 3;
}

static void
test_reads_back(void **state)
{
	const char *communes[3] = { "Nantes", "Rezé", "Vertou" };
	const double v[3] = { 1200, 4, 330 };
	struct bilan_pdf_in in;
	struct chart c[3];
	struct chart_series s[5];
	struct pn_error err;
	uint8_t *pdf;
	size_t len, i;
	char *text;

	bilan(&in, c, s, communes, v, 3);
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), 0);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_one_page(*state, pdf, len);
	text = run_on(*state, "pdftotext -q -enc UTF-8", "-", pdf, len);
	assert_non_null(strstr(text, "Bilan du Pass numérique"));
	assert_non_null(strstr(text, "du 01/01/2026 au 30/11/2026"));
	assert_non_null(strstr(text, "Données au 06/12/2026 à 14:30"));
	assert_non_null(strstr(text, "Pass numérique 2026"));
	for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		assert_non_null(strstr(text, figures[i].value));
		/* A long label may break over two lines: its first word. */
		assert_non_null(strstr(text, "Budget voté"));
	}
	assert_non_null(strstr(text, "Taux d’utilisation"));
	assert_non_null(strstr(text, "Chèques utilisés par mois"));
	assert_non_null(strstr(text, "Chèques par parcours"));
	assert_non_null(strstr(text, "Rezé"));
	assert_non_null(strstr(text, "< 5"));
	assert_non_null(strstr(text, "Secret statistique"));
	free(text);
	free(pdf);
}

/* The same input gives the same bytes. */
static void
test_deterministic(void **state)
{
	const char *communes[2] = { "Nantes", "Rezé" };
	const double v[2] = { 1200, 330 };
	struct bilan_pdf_in in;
	struct chart c[3];
	struct chart_series s[5];
	struct pn_error err;
	uint8_t *a, *b;
	size_t la, lb;

	(void)state;
	bilan(&in, c, s, communes, v, 2);
	assert_int_equal(bilan_pdf_render(&in, &a, &la, &err), 0);
	assert_int_equal(bilan_pdf_render(&in, &b, &lb, &err), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

/* Sixty communes of long names: one page, the largest, then « Autres ». */
static void
test_sixty_communes(void **state)
{
	static char names[60][160];
	const char *np[60];
	double v[60], w[60];
	struct bilan_pdf_in in;
	struct chart c[3];
	struct chart_series s[5];
	struct pn_error err;
	struct timespec t0, t1;
	uint8_t *pdf;
	size_t len, i;
	char *text;

	for (i = 0; i < 60; i++) {
		(void)snprintf(names[i], sizeof(names[i]), "Saint-Sébastien-"
		    "sur-Loire-et-les-Marais-de-Goulaine-du-Vignoble %zu", i);
		np[i] = names[i];
		v[i] = i == 17 ? 9999 : i % 9 == 4 ? NAN : (double)(i * 31 % 97);
		w[i] = i == 17 ? 1 : (double)(i % 13);
	}
	bilan(&in, c, s, np, v, 60);
	s[4].values = w;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# bilan_pdf: 3 charts, 60 communes in %.2f ms, %zu bytes\n",
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, len);
	assert_one_page(*state, pdf, len);
	text = run_on(*state, "pdftotext -q -enc UTF-8", "-", pdf, len);
	assert_non_null(strstr(text, "Autres ("));
	/* The largest commune is kept: its stack's total is there. */
	assert_non_null(strstr(text, "10 000"));
	free(text);
	free(pdf);
}

/* No figure, charts without categories: one page still, said empty. */
static void
test_empty(void **state)
{
	struct bilan_pdf_in in;
	struct chart c[3];
	struct chart_series s[5];
	struct pn_error err;
	uint8_t *pdf;
	size_t len;
	char *text;

	bilan(&in, c, s, NULL, NULL, 0);
	c[0].n_categories = 0;
	c[1].n_categories = 0;
	in.n_figures = 0;
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), 0);
	assert_one_page(*state, pdf, len);
	text = run_on(*state, "pdftotext -q -enc UTF-8", "-", pdf, len);
	assert_non_null(strstr(text, "Aucune donnée pour cette période."));
	free(text);
	free(pdf);
	in.n_charts = 0;
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), 0);
	assert_one_page(*state, pdf, len);
	free(pdf);
}

static void
test_refused(void **state)
{
	const char *communes[1] = { "Nantes" };
	const double v[1] = { 1 };
	struct bilan_pdf_in in;
	struct chart c[3];
	struct chart_series s[5];
	struct pn_error err;
	uint8_t *pdf = (uint8_t *)"x";
	size_t len = 1;

	(void)state;
	bilan(&in, c, s, communes, v, 1);
	in.period = NULL;
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_null(pdf);
	assert_int_equal(len, 0);
	in.period = "p";
	in.n_figures = BILAN_FIGURES_MAX + 1;
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), -1);
	in.n_figures = 1;
	in.n_charts = 4;
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), -1);
	in.n_charts = 3;
	c[1].id = "bad id";
	assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), -1);
	assert_int_equal(bilan_pdf_render(NULL, &pdf, &len, &err), -1);
}

/* Random charts and texts, under the sanitizers: a PDF each, no crash. */
static void
test_random(void **state)
{
	static char names[80][120];
	static double v[CHART_SERIES_MAX][80];
	static const char *const bits[] = { "é", "’", "<", "&", "a", "Saint-",
	    " ", "€", "\xff", "\xc3", "\x01", "🙂", "Loire-Atlantique " };
	const char *np[80];
	struct chart_series s[BILAN_CHARTS_MAX][CHART_SERIES_MAX];
	struct bilan_figure fig[BILAN_FIGURES_MAX];
	struct bilan_pdf_in in;
	struct chart c[BILAN_CHARTS_MAX];
	struct pn_error err;
	uint8_t *pdf;
	size_t len, k, i, j, q, m, o;
	double r;

	(void)state;
	srand(6122026);
	for (i = 0; i < 80; i++) {
		m = (size_t)rand() % 12;
		for (o = 0, q = 0; q < m; q++) {
			const char *b = bits[rand() % 13];

			if (o + strlen(b) + 1 >= sizeof(names[i]))
				break;
			memcpy(names[i] + o, b, strlen(b));
			o += strlen(b);
		}
		names[i][o] = '\0';
		np[i] = names[i];
	}
	for (k = 0; k < 150; k++) {
		memset(&in, 0, sizeof(in));
		in.programme = np[rand() % 80];
		in.period = np[rand() % 80];
		in.data_date = np[rand() % 80];
		in.footer = np[rand() % 80];
		in.n_figures = (size_t)rand() % (BILAN_FIGURES_MAX + 1);
		for (i = 0; i < in.n_figures; i++) {
			fig[i].label = rand() % 9 == 0 ? NULL : np[rand() % 80];
			fig[i].value = np[rand() % 80];
		}
		in.figures = fig;
		in.n_charts = (size_t)rand() % (BILAN_CHARTS_MAX + 1);
		for (j = 0; j < in.n_charts; j++) {
			memset(&c[j], 0, sizeof(c[j]));
			c[j].kind = (enum chart_kind)(rand() % 3);
			c[j].id = "c";
			c[j].title = np[rand() % 80];
			c[j].unit = rand() % 2 ? NULL : np[rand() % 80];
			c[j].decimals = (unsigned)rand() % 4;
			c[j].n_categories = (size_t)rand() % 81;
			c[j].categories = np;
			c[j].n_series = 1 + (size_t)rand() % CHART_SERIES_MAX;
			for (q = 0; q < c[j].n_series; q++) {
				s[j][q].name = rand() % 5 ? np[rand() % 80] :
				    NULL;
				s[j][q].values = v[q];
			}
			c[j].series = s[j];
		}
		for (q = 0; q < CHART_SERIES_MAX; q++)
			for (i = 0; i < 80; i++) {
				r = rand() % 9;
				v[q][i] = r == 0 ? NAN : r == 1 ? -3 :
				    r == 2 ? 1e17 : r == 3 ? 0 :
				    (double)rand() / 100;
			}
		in.charts = c;
		assert_int_equal(bilan_pdf_render(&in, &pdf, &len, &err), 0);
		assert_memory_equal(pdf, "%PDF-", 5);
		if (k % 25 == 0)
			assert_one_page(*state, pdf, len);
		free(pdf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_back, setup,
		    teardown),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test_setup_teardown(test_sixty_communes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test(test_refused),
		cmocka_unit_test_setup_teardown(test_random, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
