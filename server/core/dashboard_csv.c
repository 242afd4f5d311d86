/* dashboard_csv.c -- the dashboard's tables as CSV, with the conventions of the funder's report (report_csv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "report_csv.h"

#define BOM	"\xef\xbb\xbf"

static const char *const columns[] = {
	"Programme", "Période", "Tableau", "Libellé", "Personnes",
	"Chèques émis", "Montant émis", "Chèques utilisés", "Montant utilisé",
	"Taux d’utilisation (%)",
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

/* The CSV being built; failed once memory ran out. */
struct csv {
	char *buf;
	size_t len, cap;
	bool failed;
};

/* Text of the program's own (no quoting), raw. */
static void
raw(struct csv *c, const char *s)
{
	size_t n = strlen(s), want;
	char *p;

	if (c->failed)
		return;
	if (c->len + n > c->cap) {
		for (want = c->cap > 0 ? c->cap : 4096; want < c->len + n;
		    want *= 2)
			;
		if ((p = realloc(c->buf, want)) == NULL) {
			c->failed = true;
			return;
		}
		c->buf = p;
		c->cap = want;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

/* One field, guarded and quoted, a separator before it unless first. */
static void
field(struct csv *c, const char *s, bool first)
{
	if (!first)
		raw(c, ";");
	if (!c->failed && report_csv_field(&c->buf, &c->len, &c->cap, s) != 0)
		c->failed = true;
}

static void
end_row(struct csv *c)
{
	raw(c, "\r\n");
}

/* Cents as "1234,50": no thousands separator, no currency sign. */
static const char *
euros(int64_t cents, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s%lld,%02lld", cents < 0 ? "-" : "",
	    (long long)((cents < 0 ? -cents : cents) / 100),
	    (long long)((cents < 0 ? -cents : cents) % 100));
	return buf;
}

/* A percentage as a number for a spreadsheet: "42,3"; "" without base. */
static const char *
rate(int64_t part, int64_t whole, char *buf, size_t len)
{
	int64_t q;

	if (whole <= 0) {
		buf[0] = '\0';
		return buf;
	}
	q = (part * 2000 / whole + 1) / 2;
	(void)snprintf(buf, len, "%lld,%lld", (long long)(q / 10),
	    (long long)(q % 10));
	return buf;
}

static void
line(struct csv *c, const struct dashboard *d, const struct dash_table *t,
    const struct dash_line *l)
{
	char n[32], mark[SMALL_COUNTS_MARK_MAX];
	const char *m;
	unsigned i;

	field(c, d->programme_name, true);
	field(c, d->period.label, false);
	field(c, t->title, false);
	field(c, l->label, false);
	if (l->state != SC_SHOWN) {
		m = small_counts_mark(l->state, d->min_people, mark);
		for (i = 4; i < N_COLUMNS; i++)
			field(c, (i == 5 || i == 6 || i == 9) && !t->by_issue ?
			    "" : m, false);
		end_row(c);
		return;
	}
	(void)snprintf(n, sizeof(n), "%lld", (long long)l->people);
	field(c, n, false);
	if (t->by_issue) {
		(void)snprintf(n, sizeof(n), "%lld", (long long)l->issued);
		field(c, n, false);
		field(c, euros(l->issued_cents, n, sizeof(n)), false);
	} else {
		field(c, "", false);
		field(c, "", false);
	}
	(void)snprintf(n, sizeof(n), "%lld", (long long)l->used);
	field(c, n, false);
	field(c, euros(l->used_cents, n, sizeof(n)), false);
	field(c, t->by_issue ? rate(l->used, l->issued, n, sizeof(n)) : "",
	    false);
	end_row(c);
}

int
dashboard_csv_write(const struct dashboard *d, enum dash_table_id which,
    char **out, size_t *len, struct pn_error *err)
{
	struct csv c = { NULL, 0, 0, false };
	unsigned t, i;
	size_t k;

	raw(&c, BOM);
	for (i = 0; i < N_COLUMNS; i++)
		field(&c, columns[i], i == 0);
	end_row(&c);
	for (t = 0; t < DASH_TABLES; t++) {
		if (which != DASH_TABLES && which != t)
			continue;
		for (k = 0; k < d->tables[t].n; k++)
			line(&c, d, &d->tables[t], &d->tables[t].lines[k]);
		line(&c, d, &d->tables[t], &d->tables[t].total);
	}
	if (c.failed) {
		free(c.buf);
		return pn_error_set(err, PN_E_NOMEM, "dashboard CSV: out of "
		    "memory");
	}
	*out = c.buf;
	*len = c.len;
	return 0;
}
