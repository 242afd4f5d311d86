/* test_attendance.c -- a session's attendance sheet: its CSV holds the records given and their totals, quoted and defused; its PDF reads back through pdftotext. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "passnum/serial.h"
#include "attendance_pdf.h"

#define T0	1793797200	/* 2026-11-04 13:00 UTC: 14:00 in Paris */

/* Shared by the tests: a scratch directory. */
struct fixture {
	char dir[4096];
};

static const struct attendance_voucher three[] = {
	{ 1000000000000001ULL, 2000, T0 + 5 * 60 },
	{ 1000000000000002ULL, 4000, T0 + 7 * 60 },
	{ 1000000000000003ULL, 6000, T0 + 62 * 60 },
};

/* A sheet of the vouchers v (n of them) with plain texts. */
static void
sheet(struct attendance_sheet *a, const struct attendance_voucher *v,
    size_t n)
{
	memset(a, 0, sizeof(*a));
	(void)snprintf(a->venue_name, sizeof(a->venue_name), "Médiathèque "
	    "des Trois Rivières");
	a->session_id = 42;
	(void)snprintf(a->theme, sizeof(a->theme), "Premiers pas sur "
	    "internet");
	a->starts_at = T0;
	a->duration_minutes = 90;
	(void)snprintf(a->terminal_label, sizeof(a->terminal_label),
	    "Accueil");
	a->printed_at = T0 + 3 * 3600;
	a->vouchers = v;
	a->n_vouchers = n;
}

/* The CSV of a, NUL-terminated (malloc'd); fails the test on error. */
static char *
csv_of(const struct attendance_sheet *a)
{
	struct pn_error err;
	char *csv = NULL, *text;
	size_t len = 0;

	if (attendance_csv_write(a, &csv, &len, &err) != 0)
		fail_msg("attendance_csv_write: %s", err.message);
	text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, csv, len);
	text[len] = '\0';
	free(csv);
	assert_int_equal(strlen(text), len);
	return text;
}

/* How many times needle occurs in s. */
static unsigned
count(const char *s, const char *needle)
{
	unsigned n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* text holds needle, or the test fails saying which. */
static void
expect(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" is not in:\n%s", needle, text);
}

#define SESSION_FIELDS	";Médiathèque des Trois Rivières;42;Premiers pas " \
			"sur internet;04/11/2026 14:00;90;Accueil\r\n"

static void
test_csv_rows_and_totals(void **state)
{
	struct attendance_sheet a;
	char *csv;

	(void)state;
	sheet(&a, three, 3);
	csv = csv_of(&a);
	/* BOM, header, then a row per voucher, in the order given. */
	assert_memory_equal(csv, "\xef\xbb\xbf" "N°;N° du chèque;Valeur;"
	    "Pris le (heure de Paris);Lieu;N° de séance;Thème;"
	    "Début (heure de Paris);Durée (min);Terminal\r\n",
	    strlen("\xef\xbb\xbf" "N°;N° du chèque;Valeur;"
	    "Pris le (heure de Paris);Lieu;N° de séance;Thème;"
	    "Début (heure de Paris);Durée (min);Terminal\r\n"));
	expect(csv, "Terminal\r\n1;1000 0000 0000 0001 2;20,00;"
	    "04/11/2026 14:05" SESSION_FIELDS);
	expect(csv, SESSION_FIELDS "2;1000 0000 0000 0002 0;40,00;"
	    "04/11/2026 14:07" SESSION_FIELDS);
	expect(csv, SESSION_FIELDS "3;1000 0000 0000 0003 6;60,00;"
	    "04/11/2026 15:02" SESSION_FIELDS "Total;3 chèques;120,00;"
	    SESSION_FIELDS);
	/* The total row ends the file: header, 3 rows, total. */
	assert_int_equal(count(csv, "\r\n"), 5);
	assert_true(strlen(csv) > strlen("Total;3 chèques;120,00;"
	    SESSION_FIELDS));
	assert_string_equal(csv + strlen(csv) - strlen("Total;3 chèques;"
	    "120,00;" SESSION_FIELDS), "Total;3 chèques;120,00;"
	    SESSION_FIELDS);
	free(csv);
}

static void
test_csv_empty(void **state)
{
	struct attendance_sheet a;
	char *csv;

	(void)state;
	sheet(&a, NULL, 0);
	csv = csv_of(&a);
	expect(csv, "Terminal\r\nTotal;0 chèque;0,00;" SESSION_FIELDS);
	assert_int_equal(count(csv, "\r\n"), 2);
	free(csv);
}

/*
 * The texts come from the venue and its terminal: a separator or a quote
 * is quoted, a formula defused, a comma (not the separator) left alone.
 */
static void
test_csv_hostile_texts(void **state)
{
	struct attendance_sheet a;
	char *csv;

	(void)state;
	sheet(&a, three, 1);
	(void)snprintf(a.theme, sizeof(a.theme), "=HYPERLINK(\"http://x\";"
	    "\"clic\"), atelier");
	(void)snprintf(a.terminal_label, sizeof(a.terminal_label),
	    "+33 6 12; \"salle\"");
	(void)snprintf(a.venue_name, sizeof(a.venue_name), "Café, "
	    "numérique @ Lyon");
	csv = csv_of(&a);
	expect(csv, ";Café, numérique @ Lyon;42;\"'=HYPERLINK(\"\"http://x"
	    "\"\";\"\"clic\"\"), atelier\";04/11/2026 14:00;90;"
	    "\"'+33 6 12; \"\"salle\"\"\"\r\n");
	/* Both rows carry the session: no field starts a formula. */
	assert_int_equal(count(csv, ";=") + count(csv, ";\"="), 0);
	assert_int_equal(count(csv, ";+") + count(csv, ";\"+"), 0);
	assert_int_equal(count(csv, "\"'=HYPERLINK"), 2);
	free(csv);

	/* A leading "@" or "-" too. */
	(void)snprintf(a.theme, sizeof(a.theme), "@SUM(A1)");
	(void)snprintf(a.venue_name, sizeof(a.venue_name), "-1+1");
	csv = csv_of(&a);
	expect(csv, ";'-1+1;42;'@SUM(A1);");
	free(csv);
}

static void
test_bad_input(void **state)
{
	struct attendance_voucher bad[] = {
		{ 1, 2000, T0 }, { 2, -500, T0 },
	};
	struct attendance_voucher huge[] = {
		{ 1, INT64_MAX, T0 }, { 2, 1, T0 },
	};
	struct attendance_sheet a;
	struct pn_error err;
	unsigned char *pdf = (unsigned char *)"x";
	char *csv = (char *)"x";
	size_t len = 1;

	(void)state;
	sheet(&a, bad, 2);
	assert_int_equal(attendance_csv_write(&a, &csv, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_null(csv);
	assert_int_equal(attendance_pdf_render(&a, &pdf, &len, &err), -1);
	assert_null(pdf);
	assert_int_equal(len, 0);
	sheet(&a, huge, 2);
	assert_int_equal(attendance_csv_write(&a, &csv, &len, &err), -1);
	assert_int_equal(attendance_pdf_render(&a, &pdf, &len, &err), -1);
	sheet(&a, NULL, 3);
	assert_int_equal(attendance_csv_write(&a, &csv, &len, &err), -1);
	sheet(&a, three, 3);
	memset(a.theme, 'x', sizeof(a.theme));
	assert_int_equal(attendance_pdf_render(&a, &pdf, &len, &err), -1);
}

/* Render a; fails the test on error. */
static unsigned char *
render(const struct attendance_sheet *a, size_t *len)
{
	struct pn_error err;
	unsigned char *pdf = NULL;

	if (attendance_pdf_render(a, &pdf, len, &err) != 0)
		fail_msg("attendance_pdf_render: %s", err.message);
	assert_non_null(pdf);
	assert_true(*len > 5);
	assert_memory_equal(pdf, "%PDF-", 5);
	return pdf;
}

/*
 * What "pdftotext -layout" reads in pdf (malloc'd), no-break spaces
 * turned into plain ones so that amounts read "120,00 €".
 */
static char *
text_of(struct fixture *fx, const unsigned char *pdf, size_t len)
{
	char path[4200], cmd[8500];
	size_t cap = 1 << 16, n = 0, got, i, o;
	char *text = malloc(cap);
	FILE *f;
	int status;

	assert_non_null(text);
	(void)snprintf(path, sizeof(path), "%s/sheet.pdf", fx->dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	(void)snprintf(cmd, sizeof(cmd), "pdftotext -q -layout -enc UTF-8 "
	    "'%s' -", path);
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

static void
test_pdf_reads_back(void **state)
{
	struct fixture *fx = *state;
	struct attendance_sheet a;
	unsigned char *pdf, *again;
	char *text, serial[PN_SERIAL_TEXT_MAX];
	size_t len, len2, i;

	sheet(&a, three, 3);
	pdf = render(&a, &len);
	text = text_of(fx, pdf, len);
	expect(text, "Feuille d’émargement — Pass numérique");
	expect(text, "Séance n° 42");
	expect(text, "Médiathèque des Trois Rivières");
	expect(text, "Premiers pas sur internet");
	expect(text, "04/11/2026 14:00");
	expect(text, "1 h 30");
	expect(text, "Accueil");
	expect(text, "Signature du participant");
	for (i = 0; i < 3; i++) {
		pn_serial_format(three[i].serial, serial);
		if (count(text, serial) != 1)
			fail_msg("serial %s appears %u times", serial,
			    count(text, serial));
	}
	expect(text, "04/11/2026 14:05");
	expect(text, "04/11/2026 15:02");
	expect(text, "20,00 €");
	expect(text, "60,00 €");
	expect(text, "Nombre de chèques");
	expect(text, "120,00 €");
	expect(text, "page 1 / 1");
	/* The same sheet gives the same bytes: no clock, no random id. */
	again = render(&a, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(pdf, again, len);
	free(again);
	free(text);
	free(pdf);
}

static void
test_pdf_many_pages(void **state)
{
	struct fixture *fx = *state;
	struct attendance_voucher v[70];
	struct attendance_sheet a;
	char *text, serial[PN_SERIAL_TEXT_MAX];
	unsigned char *pdf;
	size_t len, i;

	for (i = 0; i < 70; i++) {
		v[i].serial = 2000000000000000ULL + i;
		v[i].value_cents = 1000;
		v[i].taken_at = T0 + (int64_t)i * 30;
	}
	sheet(&a, v, 70);
	/* A theme longer than its lines, in characters outside WinAnsi. */
	memset(a.theme, 0, sizeof(a.theme));
	for (i = 0; i + 5 < 500; i += 5)
		memcpy(a.theme + i, "Ab\xe2\x86\x92", 5);	/* "Ab→" */
	pdf = render(&a, &len);
	text = text_of(fx, pdf, len);
	for (i = 0; i < 70; i++) {
		pn_serial_format(v[i].serial, serial);
		if (count(text, serial) != 1)
			fail_msg("serial %s appears %u times", serial,
			    count(text, serial));
	}
	/* 20 rows on page 1, under the session; 24 on the others. */
	expect(text, "page 1 / 4");
	expect(text, "page 4 / 4");
	expect(text, "700,00 €");
	expect(text, "Ab?Ab?");
	if (getenv("ATTENDANCE_KEEP") != NULL) {
		FILE *f = fopen(getenv("ATTENDANCE_KEEP"), "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(pdf, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
	}
	free(text);
	free(pdf);
}

static void
test_pdf_empty(void **state)
{
	struct fixture *fx = *state;
	struct attendance_sheet a;
	unsigned char *pdf;
	char *text;
	size_t len;

	sheet(&a, NULL, 0);
	pdf = render(&a, &len);
	text = text_of(fx, pdf, len);
	expect(text, "Aucun chèque n’a été pris à cette séance.");
	expect(text, "0,00 €");
	free(text);
	free(pdf);
}

static int
group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	if (fx == NULL)
		return -1;
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	(void)snprintf(fx->dir, sizeof(fx->dir), "%s/test_attendance.XXXXXX",
	    tmp);
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[4200];

	if (fx == NULL)
		return 0;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fx->dir);
	free(fx);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_rows_and_totals),
		cmocka_unit_test(test_csv_empty),
		cmocka_unit_test(test_csv_hostile_texts),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_pdf_reads_back),
		cmocka_unit_test(test_pdf_many_pages),
		cmocka_unit_test(test_pdf_empty),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
