/* mandate_csv.c -- the mandate list of a settlement batch, for the finance software.
 *
 * The Département pays through its public accountant: its finance
 * software takes the list of mandates to issue, one per venue and budget
 * line. The file is made for French spreadsheets and finance packages:
 *   - UTF-8 with a byte order mark: without it Excel reads the file as
 *     Windows-1252 and "Médiathèque" comes out as "MÃ©diathÃ¨que";
 *   - ';' between fields, since ',' is the French decimal separator;
 *   - amounts with a decimal comma and no thousands separator, "1234,50";
 *   - CRLF at the end of every row, as RFC 4180 and Windows tools expect;
 *   - a field holding ';', '"', CR or LF is quoted, its '"' doubled;
 *   - a field starting with '=', '+', '-', '@', a tab or a CR gets a
 *     leading apostrophe ("'=1+1"), so that a spreadsheet shows it as
 *     text and never runs it as a formula (names come from the venues).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epc_text.h"
#include "settlement.h"

#define CSV_BOM		"\xef\xbb\xbf"
#define CSV_HEADER	"SIRET;Nom;IBAN;BIC;Montant;Période;" \
			"Référence du lot;Ligne budgétaire\r\n"
#define CSV_AMOUNT_MAX	24

/* The file being written; failed once an allocation has failed. */
struct csv {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;
};

static void
csv_put(struct csv *c, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (c->failed)
		return;
	if (n > c->cap - c->len) {
		cap = c->cap == 0 ? 4096 : c->cap;
		while (n > cap - c->len) {
			if (cap > SIZE_MAX / 2) {
				c->failed = true;
				return;
			}
			cap *= 2;
		}
		if ((p = realloc(c->buf, cap)) == NULL) {
			c->failed = true;
			return;
		}
		c->buf = p;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

/* The field s, after a ';' unless it is the first of its row. */
static void
csv_field(struct csv *c, const char *s, bool first)
{
	bool quote = strpbrk(s, ";\"\r\n") != NULL;
	const char *q;

	if (!first)
		csv_put(c, ";", 1);
	if (quote)
		csv_put(c, "\"", 1);
	/* Formula injection: what a spreadsheet would evaluate. */
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		csv_put(c, "'", 1);
	while (quote && (q = strchr(s, '"')) != NULL) {
		csv_put(c, s, (size_t)(q - s) + 1);
		csv_put(c, "\"", 1);
		s = q + 1;
	}
	csv_put(c, s, strlen(s));
	if (quote)
		csv_put(c, "\"", 1);
}

/* cents (positive) as "1234,50". */
static void
amount_text(int64_t cents, char buf[CSV_AMOUNT_MAX])
{
	(void)snprintf(buf, CSV_AMOUNT_MAX, "%" PRId64 ",%02d", cents / 100,
	    (int)(cents % 100));
}

/* The text field s of size bytes is NUL-terminated UTF-8; what names it. */
static int
check_text(const char *s, size_t size, const char *what, size_t line,
    struct pn_error *err)
{
	size_t bad;

	if (memchr(s, '\0', size) == NULL)
		return pn_error_set(err, PN_E_ARG, "line %zu: %s has no end",
		    line, what);
	if (!epc_utf8_valid(s, strlen(s), &bad)) {
		if (line == 0)
			return pn_error_set(err, PN_E_FORMAT, "the batch's %s: "
			    "invalid UTF-8 at byte %zu", what, bad);
		return pn_error_set(err, PN_E_FORMAT, "line %zu: %s: invalid "
		    "UTF-8 at byte %zu", line, what, bad);
	}
	return 0;
}

/* Line l (number i, 1-based): its text, its amount and its parts. */
static int
check_line(const struct settle_line *l, size_t i, struct pn_error *err)
{
	int64_t sum = 0;
	size_t k;

	if (check_text(l->siret, sizeof(l->siret), "the SIRET", i, err) != 0 ||
	    check_text(l->name, sizeof(l->name), "the name", i, err) != 0 ||
	    check_text(l->iban, sizeof(l->iban), "the IBAN", i, err) != 0 ||
	    check_text(l->bic, sizeof(l->bic), "the BIC", i, err) != 0)
		return -1;
	if (l->amount_cents <= 0)
		return pn_error_set(err, PN_E_FORMAT, "line %zu (venue %" PRId64
		    ", %s): the amount, %" PRId64 " cents, is not positive", i,
		    l->venue_id, l->name, l->amount_cents);
	if (l->n_parts > 0 && l->parts == NULL)
		return pn_error_set(err, PN_E_ARG, "line %zu (venue %" PRId64
		    "): its budget parts are missing", i, l->venue_id);
	for (k = 0; k < l->n_parts; k++) {
		const struct settle_budget_part *p = &l->parts[k];

		if (check_text(p->budget_line, sizeof(p->budget_line),
		    "a budget line", i, err) != 0)
			return -1;
		if (p->amount_cents <= 0)
			return pn_error_set(err, PN_E_FORMAT, "line %zu (venue %"
			    PRId64 ", %s): budget line \"%s\": the amount, %"
			    PRId64 " cents, is not positive", i, l->venue_id,
			    l->name, p->budget_line, p->amount_cents);
		if (p->amount_cents > INT64_MAX - sum)
			return pn_error_set(err, PN_E_FORMAT, "line %zu (venue %"
			    PRId64 "): the budget parts overflow", i,
			    l->venue_id);
		sum += p->amount_cents;
	}
	if (l->n_parts > 0 && sum != l->amount_cents)
		return pn_error_set(err, PN_E_FORMAT, "line %zu (venue %" PRId64
		    ", %s): the budget parts add up to %" PRId64 " cents, the "
		    "line to %" PRId64, i, l->venue_id, l->name, sum,
		    l->amount_cents);
	return 0;
}

/* Everything the file will hold, and the total. */
static int
check(const struct settle_export *x, struct pn_error *err)
{
	int64_t sum = 0;
	size_t i;

	if (check_text(x->reference, sizeof(x->reference), "reference", 0,
	    err) != 0 ||
	    check_text(x->period, sizeof(x->period), "period", 0, err) != 0)
		return -1;
	if (x->n_lines == 0)
		return pn_error_set(err, PN_E_FORMAT, "the batch has no lines: "
		    "there is nothing to pay");
	if (x->lines == NULL)
		return pn_error_set(err, PN_E_ARG, "the batch's lines are "
		    "missing");
	for (i = 0; i < x->n_lines; i++) {
		if (check_line(&x->lines[i], i + 1, err) != 0)
			return -1;
		if (x->lines[i].amount_cents > INT64_MAX - sum)
			return pn_error_set(err, PN_E_FORMAT, "line %zu: the "
			    "batch's sum overflows", i + 1);
		sum += x->lines[i].amount_cents;
	}
	if (sum != x->total_cents)
		return pn_error_set(err, PN_E_FORMAT, "the lines add up to %"
		    PRId64 " cents but the batch's total is %" PRId64, sum,
		    x->total_cents);
	return 0;
}

/* One row: the venue's fields, then amount and budget line. */
static void
csv_row(struct csv *c, const struct settle_export *x,
    const struct settle_line *l, int64_t cents, const char *budget_line)
{
	char amount[CSV_AMOUNT_MAX];

	amount_text(cents, amount);
	csv_field(c, l->siret, true);
	csv_field(c, l->name, false);
	csv_field(c, l->iban, false);
	csv_field(c, l->bic, false);
	csv_field(c, amount, false);
	csv_field(c, x->period, false);
	csv_field(c, x->reference, false);
	csv_field(c, budget_line, false);
	csv_put(c, "\r\n", 2);
}

int
mandate_csv_write(const struct settle_export *x, char **out, size_t *len,
    struct pn_error *err)
{
	struct csv c = { NULL, 0, 0, false };
	size_t i, k;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (x == NULL || out == NULL || len == NULL)
		return pn_error_set(err, PN_E_ARG, "mandate_csv_write: no "
		    "batch or no place for the file");
	if (check(x, err) != 0)
		return -1;
	csv_put(&c, CSV_BOM CSV_HEADER, strlen(CSV_BOM CSV_HEADER));
	for (i = 0; i < x->n_lines; i++) {
		const struct settle_line *l = &x->lines[i];

		if (l->n_parts == 0)
			csv_row(&c, x, l, l->amount_cents, "");
		for (k = 0; k < l->n_parts; k++)
			csv_row(&c, x, l, l->parts[k].amount_cents,
			    l->parts[k].budget_line);
	}
	csv_put(&c, "", 1);	/* a NUL after the file, for callers' ease */
	if (c.failed) {
		free(c.buf);
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	}
	*out = c.buf;
	*len = c.len - 1;
	return 0;
}
