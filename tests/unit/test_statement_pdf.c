/* test_statement_pdf.c -- a venue's statement: a real PDF whose text, as pdftotext reads it, says what the statement holds. */
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
#include <time.h>

#include "passnum/serial.h"
#include "fixtures_statement.h"
#include "settlement.h"

/* Shared by the tests: a scratch directory. */
struct fixture {
	char dir[4096];
};

/* Render st; fails the test on error. */
static unsigned char *
render(const struct statement *st, size_t *len)
{
	struct pn_error err;
	unsigned char *pdf = NULL;

	if (statement_pdf_render(st, &pdf, len, &err) != 0)
		fail_msg("statement_pdf_render: %s", err.message);
	assert_non_null(pdf);
	assert_true(*len > 5);
	assert_memory_equal(pdf, "%PDF-", 5);
	return pdf;
}

/*
 * Write pdf to the scratch directory and return what "pdftotext -layout"
 * reads in it (malloc'd), no-break spaces turned into plain ones so that
 * amounts can be searched for as "4 750,00 €".
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
	(void)snprintf(path, sizeof(path), "%s/statement.pdf", fx->dir);
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

/* Every voucher of st appears once in text, by its printed serial. */
static void
expect_serials_once(const struct statement *st, const char *text)
{
	char serial[PN_SERIAL_TEXT_MAX];
	size_t i, j;

	for (i = 0; i < st->n_sessions; i++)
		for (j = 0; j < st->sessions[i].n_vouchers; j++) {
			pn_serial_format(st->sessions[i].vouchers[j].serial,
			    serial);
			if (count(text, serial) != 1)
				fail_msg("serial %s appears %u times", serial,
				    count(text, serial));
		}
}

/* text holds needle, or the test fails saying which. */
static void
expect(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" is not in the statement", needle);
}

/*
 * Two sessions, five vouchers: one page with everything the venue must
 * read, accents included, and the same bytes on every render.
 */
static void
test_two_sessions(void **state)
{
	struct fixture *fx = *state;
	struct statement *st = fx_statement(5, 3);
	unsigned char *pdf, *again;
	size_t len, len2;
	char *text;

	assert_non_null(st);
	assert_int_equal(st->n_sessions, 2);
	pdf = render(st, &len);
	again = render(st, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(pdf, again, len);
	free(again);
	text = text_of(fx, pdf, len);
	expect_serials_once(st, text);
	expect(text, "Relevé de règlement — Pass numérique");
	expect(text, "Médiathèque Jacques Demy");
	expect(text, "Département de Loire-Atlantique");
	expect(text, "356 000 000 00048");
	expect(text, "24 quai de la Fosse");
	expect(text, "Nantes");
	expect(text, "FR76 3000 6000 0112 3456 7890 189");
	expect(text, "novembre 2026");
	expect(text, "PN-2026-11-01");
	expect(text, "approuvé");
	/* Paris time: 09:15 UTC is 10:15 in December. */
	expect(text, "07/12/2026 10:15");
	expect(text, "02/11/2026 10:30 · 1 h 30");
	expect(text, "03/11/2026 10:30 · 1 h 30");
	expect(text, "Découvrir l’ordinateur et Internet");
	expect(text, "Démarches en ligne : impôts, CAF, Ameli");
	expect(text, "3 chèques");
	expect(text, "2 chèques");
	expect(text, "10,00 €");
	expect(text, "9,50 €");
	expect(text, "Sous-total de la séance");
	expect(text, "50,00 €");		/* gross */
	expect(text, "2,50 €");		/* commission */
	expect(text, "47,50 €");		/* to be paid */
	expect(text, "Total à payer");
	expect(text, "page 1 / 1");
	assert_int_equal(count(text, "page "), 1);
	free(text);
	free(pdf);
	fx_statement_free(st);
}

/*
 * A venue with 500 vouchers: several pages, each numbered out of the
 * same total and each with the header; every voucher once; the totals.
 */
static void
test_500_vouchers(void **state)
{
	struct fixture *fx = *state;
	struct statement *st = fx_statement(500, 40);
	unsigned char *pdf, *again;
	size_t len, len2;
	unsigned pages, i;
	char *text, want[64];

	assert_non_null(st);
	pdf = render(st, &len);
	again = render(st, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(pdf, again, len);
	free(again);
	text = text_of(fx, pdf, len);
	expect_serials_once(st, text);
	pages = count(text, "Relevé PN-2026-11-01 — page ");
	if (pages < 9 || pages > 14)
		fail_msg("500 vouchers on %u pages", pages);
	for (i = 1; i <= pages; i++) {
		(void)snprintf(want, sizeof(want), "page %u / %u", i, pages);
		expect(text, want);
	}
	/* The header on every page, and a session cut by a page goes on. */
	assert_int_equal(count(text, "Relevé de règlement — Pass numérique"),
	    pages);
	assert_int_equal(count(text, "Valeur faciale"), pages);
	assert_true(count(text, "(suite)") >= 1);
	assert_int_equal(count(text, "Sous-total de la séance"),
	    st->n_sessions);
	expect(text, "5 000,00 €");
	expect(text, "250,00 €");
	expect(text, "4 750,00 €");
	assert_non_null(strstr(text, "Nombre de chèques"));
	assert_non_null(strstr(strstr(text, "Nombre de chèques"), "500"));
	free(text);
	free(pdf);
	fx_statement_free(st);
}

/* The machine's time zone does not change a byte. */
static void
test_time_zone(void **state)
{
	struct statement *st = fx_statement(5, 3);
	const char *tz = getenv("TZ");
	char *saved = tz != NULL ? strdup(tz) : NULL;
	unsigned char *paris, *tokyo;
	size_t len, len2;

	(void)state;
	assert_non_null(st);
	assert_int_equal(setenv("TZ", "Europe/Paris", 1), 0);
	tzset();
	paris = render(st, &len);
	assert_int_equal(setenv("TZ", "Asia/Tokyo", 1), 0);
	tzset();
	tokyo = render(st, &len2);
	if (saved != NULL)
		assert_int_equal(setenv("TZ", saved, 1), 0);
	else
		assert_int_equal(unsetenv("TZ"), 0);
	tzset();
	assert_int_equal(len, len2);
	assert_memory_equal(paris, tokyo, len);
	free(saved);
	free(paris);
	free(tokyo);
	fx_statement_free(st);
}

/*
 * Texts at their limits: a long theme and address are cut with "…",
 * control characters print as spaces, bytes that are not UTF-8 and
 * characters that WinAnsi lacks as "?"; the PDF is still made.
 */
static void
test_long_texts(void **state)
{
	struct fixture *fx = *state;
	static const char theme[] = "Thème très long ";
	static const char street[] = "rue de l’Église ";
	struct statement *st = fx_statement(3, 3);
	unsigned char *pdf;
	size_t len, i;
	char *text;

	assert_non_null(st);
	/* Repeated to the end, the last character maybe cut in two. */
	for (i = 0; i + 1 < sizeof(st->sessions[0].theme); i++)
		st->sessions[0].theme[i] = theme[i % (sizeof(theme) - 1)];
	st->sessions[0].theme[i] = '\0';
	for (i = 0; i + 1 < sizeof(st->venue_address); i++)
		st->venue_address[i] = street[i % (sizeof(street) - 1)];
	st->venue_address[i] = '\0';
	(void)snprintf(st->venue_name, sizeof(st->venue_name),
	    "Ordi\tSolidaire \xff Łódź");
	pdf = render(st, &len);
	text = text_of(fx, pdf, len);
	expect_serials_once(st, text);
	expect(text, "…");
	expect(text, "Ordi Solidaire ? ?ód?");
	expect(text, "Thème très long");
	free(text);
	free(pdf);
	fx_statement_free(st);
}

/* No session at all: a statement that says so, totals at zero. */
static void
test_empty(void **state)
{
	struct fixture *fx = *state;
	struct statement *st = fx_statement(0, 1);
	unsigned char *pdf;
	size_t len;
	char *text;

	assert_non_null(st);
	assert_int_equal(st->n_sessions, 0);
	pdf = render(st, &len);
	text = text_of(fx, pdf, len);
	expect(text, "Aucune séance sur ce relevé.");
	expect(text, "0,00 €");
	expect(text, "page 1 / 1");
	free(text);
	free(pdf);
	fx_statement_free(st);
}

/* Render st expecting a refusal whose message holds what; nothing out. */
static void
expect_refused(const struct statement *st, const char *what)
{
	struct pn_error err;
	unsigned char byte, *pdf = &byte;
	size_t len = 1;

	assert_int_equal(statement_pdf_render(st, &pdf, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	if (strstr(err.message, what) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.message, what);
	assert_null(pdf);
	assert_int_equal(len, 0);
}

/* Bad input: refused with PN_E_ARG and a message that says what. */
static void
test_bad_input(void **state)
{
	struct statement *st = fx_statement(5, 3);
	struct statement_session *sessions;
	struct statement_voucher *vouchers;
	struct pn_error err;
	unsigned char *pdf;
	size_t len;

	(void)state;
	assert_non_null(st);
	expect_refused(NULL, "no statement");
	assert_int_equal(statement_pdf_render(st, NULL, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(statement_pdf_render(st, &pdf, NULL, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);

	sessions = st->sessions;
	st->sessions = NULL;
	expect_refused(st, "2 sessions announced but no session array");
	st->sessions = sessions;

	vouchers = st->sessions[1].vouchers;
	st->sessions[1].vouchers = NULL;
	expect_refused(st, "session 2 announces 2 vouchers but has no "
	    "voucher array");
	st->sessions[1].vouchers = vouchers;

	st->total_cents++;
	expect_refused(st, "totals do not add up");
	st->total_cents--;
	st->commission_cents++;
	expect_refused(st, "totals do not add up");
	st->commission_cents--;

	st->sessions[0].vouchers[1].amount_cents = 1001;
	expect_refused(st, "1001 cents paid for a face value of 1000");
	st->sessions[0].vouchers[1].amount_cents = -1;
	expect_refused(st, "-1 cents paid");
	st->sessions[0].vouchers[1].amount_cents = 950;

	memset(st->venue_name, 'A', sizeof(st->venue_name));
	expect_refused(st, "not NUL-terminated");
	st->venue_name[0] = '\0';
	memset(st->sessions[1].theme, 'A', sizeof(st->sessions[1].theme));
	expect_refused(st, "session 2: theme not NUL-terminated");
	st->sessions[1].theme[0] = '\0';

	/* Repaired, it renders. */
	assert_int_equal(statement_pdf_render(st, &pdf, &len, &err), 0);
	free(pdf);
	fx_statement_free(st);
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
	(void)snprintf(fx->dir, sizeof(fx->dir),
	    "%s/test_statement_pdf.XXXXXX", tmp);
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
		cmocka_unit_test(test_two_sessions),
		cmocka_unit_test(test_500_vouchers),
		cmocka_unit_test(test_time_zone),
		cmocka_unit_test(test_long_texts),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
