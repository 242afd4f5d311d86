/* test_mandate_csv.c -- the mandate list for the finance software. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settlement.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define BOM	"\xef\xbb\xbf"
#define HEADER	"SIRET;Nom;IBAN;BIC;Montant;Période;Référence du lot;" \
		"Ligne budgétaire\r\n"

/* Three venues: one with two budget lines, two with none. */
struct fixture {
	struct settle_export x;
	struct settle_line lines[3];
	struct settle_budget_part parts[2];
};

static void
fixture_init(struct fixture *f)
{
	struct settle_line *l = f->lines;

	memset(f, 0, sizeof(*f));
	(void)snprintf(f->x.reference, sizeof(f->x.reference), "PN-2026-11-01");
	(void)snprintf(f->x.period, sizeof(f->x.period), "2026-11");
	(void)snprintf(f->x.period_label, sizeof(f->x.period_label),
	    "novembre 2026");
	(void)snprintf(f->x.msg_id, sizeof(f->x.msg_id), "PN-2026-11-01-1");
	f->x.created_at = 1796115600;
	(void)snprintf(f->x.execution_date, sizeof(f->x.execution_date),
	    "2026-12-07");

	l[0].venue_id = 123;
	(void)snprintf(l[0].siret, sizeof(l[0].siret), "73282932000074");
	(void)snprintf(l[0].name, sizeof(l[0].name), "Médiathèque de l'Île");
	(void)snprintf(l[0].iban, sizeof(l[0].iban),
	    "FR1420041010050500013M02606");
	(void)snprintf(l[0].bic, sizeof(l[0].bic), "PSSTFRPPPAR");
	l[0].amount_cents = 123450;
	(void)snprintf(f->parts[0].budget_line,
	    sizeof(f->parts[0].budget_line), "6574-01 Inclusion numérique");
	f->parts[0].amount_cents = 100000;
	(void)snprintf(f->parts[1].budget_line,
	    sizeof(f->parts[1].budget_line), "6574-02");
	f->parts[1].amount_cents = 23450;
	l[0].parts = f->parts;
	l[0].n_parts = 2;

	l[1].venue_id = 7;
	(void)snprintf(l[1].siret, sizeof(l[1].siret), "44306184100047");
	(void)snprintf(l[1].name, sizeof(l[1].name),
	    "Association \"Lire; Écrire\"");
	(void)snprintf(l[1].iban, sizeof(l[1].iban),
	    "FR7630006000011234567890189");
	(void)snprintf(l[1].bic, sizeof(l[1].bic), "AGRIFRPP");
	l[1].amount_cents = 5000;

	l[2].venue_id = 42;
	(void)snprintf(l[2].siret, sizeof(l[2].siret), "54205118000066");
	(void)snprintf(l[2].name, sizeof(l[2].name),
	    "=HYPERLINK(\"http://x\")");
	(void)snprintf(l[2].iban, sizeof(l[2].iban), "DE89370400440532013000");
	(void)snprintf(l[2].bic, sizeof(l[2].bic), "COBADEFFXXX");
	l[2].amount_cents = 7;

	f->x.lines = l;
	f->x.n_lines = 3;
	f->x.total_cents = 123450 + 5000 + 7;
}

static char *
make(const struct settle_export *x, size_t *len)
{
	struct pn_error err;
	char *out = NULL;

	pn_error_clear(&err);
	if (mandate_csv_write(x, &out, len, &err) != 0)
		fail_msg("mandate_csv_write: %s", err.message);
	assert_non_null(out);
	assert_int_equal(strlen(out), *len);
	return out;
}

static void
test_file(void **state)
{
	static const char want[] = BOM HEADER
	    "73282932000074;Médiathèque de l'Île;FR1420041010050500013M02606;"
	    "PSSTFRPPPAR;1000,00;2026-11;PN-2026-11-01;"
	    "6574-01 Inclusion numérique\r\n"
	    "73282932000074;Médiathèque de l'Île;FR1420041010050500013M02606;"
	    "PSSTFRPPPAR;234,50;2026-11;PN-2026-11-01;6574-02\r\n"
	    "44306184100047;\"Association \"\"Lire; Écrire\"\"\";"
	    "FR7630006000011234567890189;AGRIFRPP;50,00;2026-11;"
	    "PN-2026-11-01;\r\n"
	    "54205118000066;\"'=HYPERLINK(\"\"http://x\"\")\";"
	    "DE89370400440532013000;COBADEFFXXX;0,07;2026-11;"
	    "PN-2026-11-01;\r\n";
	struct fixture f;
	size_t len;
	char *out;

	(void)state;
	fixture_init(&f);
	out = make(&f.x, &len);
	assert_int_equal(len, sizeof(want) - 1);
	assert_string_equal(out, want);
	free(out);
}

/* Formula guard and quoting, field by field. */
static void
test_fields(void **state)
{
	static const struct {
		const char *name, *field;
	} cases[] = {
		{ "=1+1", "'=1+1" },
		{ "+33 1 23", "'+33 1 23" },
		{ "-2", "'-2" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tTab", "'\tTab" },
		{ "\rCR", "\"'\rCR\"" },
		{ "Ligne\nsuivante", "\"Ligne\nsuivante\"" },
		{ "A;B", "\"A;B\"" },
		{ "Dit \"oui\"", "\"Dit \"\"oui\"\"\"" },
		{ "=A;\"B\"", "\"'=A;\"\"B\"\"\"" },
		{ "Fin =1", "Fin =1" },
		{ "Café, Lire & Écrire", "Café, Lire & Écrire" },
		{ "", "" },
	};
	char want[256];
	struct fixture f;
	size_t i, len;
	char *out;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		fixture_init(&f);
		f.x.n_lines = 1;
		f.lines[0].n_parts = 0;
		f.x.total_cents = f.lines[0].amount_cents;
		(void)snprintf(f.lines[0].name, sizeof(f.lines[0].name), "%s",
		    cases[i].name);
		out = make(&f.x, &len);
		(void)snprintf(want, sizeof(want), BOM HEADER
		    "73282932000074;%s;FR1420041010050500013M02606;"
		    "PSSTFRPPPAR;1234,50;2026-11;PN-2026-11-01;\r\n",
		    cases[i].field);
		if (strcmp(out, want) != 0)
			fail_msg("name \"%s\" gave\n%s", cases[i].name, out);
		free(out);
	}
}

static void
test_amounts(void **state)
{
	struct fixture f;
	size_t len;
	char *out;

	(void)state;
	fixture_init(&f);
	f.x.n_lines = 1;
	f.lines[0].n_parts = 0;
	f.lines[0].amount_cents = INT64_C(123456789012);
	f.x.total_cents = f.lines[0].amount_cents;
	out = make(&f.x, &len);
	/* No thousands separator, decimal comma. */
	assert_non_null(strstr(out, ";1234567890,12;"));
	free(out);
	f.lines[0].amount_cents = 1;
	f.x.total_cents = 1;
	out = make(&f.x, &len);
	assert_non_null(strstr(out, ";0,01;"));
	free(out);
}

static void
test_deterministic(void **state)
{
	struct fixture f;
	size_t la, lb;
	char *a, *b;

	(void)state;
	fixture_init(&f);
	a = make(&f.x, &la);
	b = make(&f.x, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

/* Many lines: the buffer grows. */
static void
test_many(void **state)
{
	struct settle_line *lines;
	struct fixture f;
	size_t i, len, rows = 0;
	char *out, *p;

	(void)state;
	fixture_init(&f);
	lines = calloc(2000, sizeof(*lines));
	assert_non_null(lines);
	for (i = 0; i < 2000; i++) {
		lines[i] = f.lines[1];
		lines[i].venue_id = (int64_t)i + 1;
	}
	f.x.lines = lines;
	f.x.n_lines = 2000;
	f.x.total_cents = 2000 * 5000;
	out = make(&f.x, &len);
	for (p = out; (p = strstr(p, "\r\n")) != NULL; p += 2)
		rows++;
	assert_int_equal(rows, 2001);
	free(out);
	free(lines);
}

struct refusal {
	const char *what;
	void (*breaks)(struct fixture *);
	enum pn_errcode code;
	const char *message;
};

static void
bad_total(struct fixture *f)
{
	f->x.total_cents--;
}

static void
bad_parts_sum(struct fixture *f)
{
	f->parts[1].amount_cents++;
}

static void
bad_part_zero(struct fixture *f)
{
	f->parts[0].amount_cents += f->parts[1].amount_cents;
	f->parts[1].amount_cents = 0;
}

static void
bad_amount_zero(struct fixture *f)
{
	f->x.total_cents -= f->lines[2].amount_cents;
	f->lines[2].amount_cents = 0;
}

static void
bad_name_utf8(struct fixture *f)
{
	(void)snprintf(f->lines[1].name, sizeof(f->lines[1].name), "Caf\xe9");
}

static void
bad_budget_utf8(struct fixture *f)
{
	(void)snprintf(f->parts[0].budget_line,
	    sizeof(f->parts[0].budget_line), "6574\xc3");
}

static void
bad_no_lines(struct fixture *f)
{
	f->x.n_lines = 0;
	f->x.total_cents = 0;
}

static void
bad_parts_missing(struct fixture *f)
{
	f->lines[0].parts = NULL;
}

static const struct refusal refusals[] = {
	{ "total", bad_total, PN_E_FORMAT, "the lines add up to 128457 cents "
	    "but the batch's total is 128456" },
	{ "parts' sum", bad_parts_sum, PN_E_FORMAT, "line 1 (venue 123, "
	    "Médiathèque de l'Île): the budget parts add up to 123451 cents, "
	    "the line to 123450" },
	{ "part zero", bad_part_zero, PN_E_FORMAT, "line 1 (venue 123, "
	    "Médiathèque de l'Île): budget line \"6574-02\": the amount, 0 "
	    "cents, is not positive" },
	{ "amount zero", bad_amount_zero, PN_E_FORMAT, "line 3 (venue 42, "
	    "=HYPERLINK(\"http://x\")): the amount, 0 cents, is not positive" },
	{ "name UTF-8", bad_name_utf8, PN_E_FORMAT, "line 2: the name: invalid "
	    "UTF-8 at byte 3" },
	{ "budget line UTF-8", bad_budget_utf8, PN_E_FORMAT, "line 1: a budget "
	    "line: invalid UTF-8 at byte 4" },
	{ "no lines", bad_no_lines, PN_E_FORMAT, "the batch has no lines: "
	    "there is nothing to pay" },
	{ "parts missing", bad_parts_missing, PN_E_ARG, "line 1 (venue 123): "
	    "its budget parts are missing" },
};

static void
test_refusals(void **state)
{
	struct pn_error err;
	struct fixture f;
	char *out;
	size_t i, len;

	(void)state;
	for (i = 0; i < NELEM(refusals); i++) {
		const struct refusal *r = &refusals[i];

		fixture_init(&f);
		r->breaks(&f);
		pn_error_clear(&err);
		out = (char *)&f;
		len = 99;
		if (mandate_csv_write(&f.x, &out, &len, &err) != -1)
			fail_msg("%s: accepted", r->what);
		if (out != NULL || len != 0)
			fail_msg("%s: left a file", r->what);
		if (err.code != r->code || strcmp(err.message, r->message) != 0)
			fail_msg("%s: code %d, \"%s\"; wanted \"%s\"", r->what,
			    (int)err.code, err.message, r->message);
	}
	assert_int_equal(mandate_csv_write(NULL, &out, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	fixture_init(&f);
	assert_int_equal(mandate_csv_write(&f.x, NULL, &len, &err), -1);
	assert_int_equal(mandate_csv_write(&f.x, &out, NULL, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
