/* report_csv.c -- the funder's report as CSV: UTF-8 with BOM, ';', decimal comma, CRLF, RFC 4180 quoting, formulas defused. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_csv.h"

#define BOM	"\xef\xbb\xbf"

/* The columns after the programme and the line's label, in order. */
static const char *const figure_columns[] = {
	"Chèques émis", "Montant émis",
	"Chèques remis", "Montant remis",
	"Chèques utilisés", "Montant utilisé",
	"dont réglés", "Montant réglé",
	"Chèques en circulation", "Montant en circulation",
	"Chèques expirés", "Montant expiré",
	"Chèques annulés", "Montant annulé",
};

/* The CSV being built; failed once memory ran out. */
struct csv {
	char *buf;
	size_t len, cap;
	bool failed;
};

/* Append n bytes of s to *buf (*len of *cap). 0, or -1 out of memory. */
static int
append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	size_t want;
	char *p;

	if (n > (size_t)-1 / 2 - *len)
		return -1;
	if (*len + n > *cap) {
		for (want = *cap > 0 ? *cap : 4096; want < *len + n; want *= 2)
			;
		if ((p = realloc(*buf, want)) == NULL)
			return -1;
		*buf = p;
		*cap = want;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	return 0;
}

int
report_csv_field(char **buf, size_t *len, size_t *cap, const char *field)
{
	bool quote = strpbrk(field, ";\"\r\n") != NULL;
	const char *p;

	if (quote && append(buf, len, cap, "\"", 1) != 0)
		return -1;
	/* A spreadsheet would take the field for a formula. */
	if (field[0] != '\0' && strchr("=+-@\t\r", field[0]) != NULL &&
	    append(buf, len, cap, "'", 1) != 0)
		return -1;
	for (p = field; *p != '\0'; p++) {
		if (*p == '"' && append(buf, len, cap, "\"", 1) != 0)
			return -1;
		if (append(buf, len, cap, p, 1) != 0)
			return -1;
	}
	if (quote && append(buf, len, cap, "\"", 1) != 0)
		return -1;
	return 0;
}

/* Text, raw (the program's own, needing no quoting). */
static void
put(struct csv *c, const char *s)
{
	if (!c->failed && append(&c->buf, &c->len, &c->cap, s, strlen(s)) != 0)
		c->failed = true;
}

/* A text field, guarded and quoted as needed, after a ';' unless first. */
static void
field(struct csv *c, const char *s, bool first)
{
	if (!first)
		put(c, ";");
	if (!c->failed && report_csv_field(&c->buf, &c->len, &c->cap, s) != 0)
		c->failed = true;
}

/* ";N" for a count, ";E,CC" for cents. */
static void
number(struct csv *c, int64_t n)
{
	char text[32];

	(void)snprintf(text, sizeof(text), ";%lld", (long long)n);
	put(c, text);
}

static void
money(struct csv *c, int64_t cents)
{
	char text[40];

	/* Never negative: the figures are counts of vouchers' values. */
	(void)snprintf(text, sizeof(text), ";%lld,%02lld",
	    (long long)(cents / 100), (long long)(cents % 100));
	put(c, text);
}

/* One row: programme, what the line is, its label, then the figures. */
static void
row(struct csv *c, const char *programme_id, const char *programme,
    const char *kind, const char *label, const struct report_figures *f)
{
	field(c, programme_id, true);
	field(c, programme, false);
	field(c, kind, false);
	field(c, label, false);
	number(c, f->issued);
	money(c, f->issued_cents);
	number(c, f->handed_out);
	money(c, f->handed_out_cents);
	number(c, f->redeemed);
	money(c, f->redeemed_cents);
	number(c, f->settled);
	money(c, f->settled_cents);
	number(c, f->outstanding);
	money(c, f->outstanding_cents);
	number(c, f->expired);
	money(c, f->expired_cents);
	number(c, f->cancelled);
	money(c, f->cancelled_cents);
	put(c, "\r\n");
}

int
report_csv_write(const struct report *r, char **out, size_t *len,
    struct pn_error *err)
{
	struct csv c = { NULL, 0, 0, false };
	const struct report_programme *p;
	char id[32];
	size_t i, j;

	*out = NULL;
	*len = 0;
	put(&c, BOM);
	field(&c, "N° programme", true);
	field(&c, "Programme", false);
	field(&c, "Ventilation", false);
	field(&c, "Libellé", false);
	for (i = 0; i < sizeof(figure_columns) / sizeof(figure_columns[0]); i++)
		field(&c, figure_columns[i], false);
	put(&c, "\r\n");
	for (i = 0; i < r->n_programmes; i++) {
		p = &r->programmes[i];
		(void)snprintf(id, sizeof(id), "%lld", (long long)p->id);
		for (j = 0; j < p->n_agencies; j++)
			row(&c, id, p->name, "Agence", p->agencies[j].name,
			    &p->agencies[j].f);
		for (j = 0; j < p->n_communes; j++)
			row(&c, id, p->name, "Commune", p->communes[j].name,
			    &p->communes[j].f);
		row(&c, id, p->name, "Total", "Total du programme", &p->total);
	}
	if (r->n_programmes > 1)
		row(&c, "", "Tous les programmes", "Total", "Total général",
		    &r->total);
	if (c.failed) {
		free(c.buf);
		return pn_error_set(err, PN_E_NOMEM, "out of memory writing "
		    "the report's CSV");
	}
	*out = c.buf;
	*len = c.len;
	return 0;
}
