/* attendance_csv.c -- a session's attendance sheet as CSV: the finance files' conventions, report_csv.c's quoting. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "attendance_pdf.h"
#include "report_csv.h"

#define BOM	"\xef\xbb\xbf"

/* The columns, in order; docs/server.md describes them. */
static const char *const columns[] = {
	"N°", "N° du chèque", "Valeur", "Pris le (heure de Paris)",
	"Lieu", "N° de séance", "Thème", "Début (heure de Paris)",
	"Durée (min)", "Terminal",
};

/* The CSV being built; failed once memory ran out. */
struct csv {
	char *buf;
	size_t len, cap;
	bool failed;
};

/* Text, raw (the program's own: separators, numbers, line ends). */
static void
put(struct csv *c, const char *s)
{
	size_t n = strlen(s), cap;
	char *p;

	if (c->failed)
		return;
	if (n > c->cap - c->len) {
		for (cap = c->cap > 0 ? c->cap : 4096; n > cap - c->len;
		    cap *= 2)
			if (cap > SIZE_MAX / 2) {
				c->failed = true;
				return;
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

/* A text field, guarded and quoted by report_csv_field(), after ';' unless first. */
static void
field(struct csv *c, const char *s, bool first)
{
	if (!first)
		put(c, ";");
	if (!c->failed && report_csv_field(&c->buf, &c->len, &c->cap, s) != 0)
		c->failed = true;
}

/* ";E,CC" for cents, never negative (attendance_totals() checked). */
static void
money(struct csv *c, int64_t cents)
{
	char text[40];

	(void)snprintf(text, sizeof(text), ";%lld,%02lld",
	    (long long)(cents / 100), (long long)(cents % 100));
	put(c, text);
}

/* The session's fields that end every row. */
static void
session_fields(struct csv *c, const struct attendance_sheet *a)
{
	char text[PN_TIME_TEXT_MAX];

	field(c, a->venue_name, false);
	(void)snprintf(text, sizeof(text), ";%lld", (long long)a->session_id);
	put(c, text);
	field(c, a->theme, false);
	pn_time_format_paris(a->starts_at, text);
	field(c, text, false);
	(void)snprintf(text, sizeof(text), ";%u", a->duration_minutes);
	put(c, text);
	field(c, a->terminal_label, false);
	put(c, "\r\n");
}

int
attendance_csv_write(const struct attendance_sheet *a, char **out,
    size_t *len, struct pn_error *err)
{
	struct csv c = { NULL, 0, 0, false };
	char text[PN_SERIAL_TEXT_MAX + PN_TIME_TEXT_MAX];
	int64_t cents;
	size_t i, count;

	pn_error_clear(err);
	if (out == NULL || len == NULL || a == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no sheet or no place "
		    "for the CSV", __func__);
	*out = NULL;
	*len = 0;
	if (attendance_totals(a, &count, &cents, err) != 0)
		return -1;
	put(&c, BOM);
	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		field(&c, columns[i], i == 0);
	put(&c, "\r\n");
	for (i = 0; i < a->n_vouchers; i++) {
		(void)snprintf(text, sizeof(text), "%zu", i + 1);
		put(&c, text);
		pn_serial_format(a->vouchers[i].serial, text);
		field(&c, text, false);
		money(&c, a->vouchers[i].value_cents);
		pn_time_format_paris(a->vouchers[i].taken_at, text);
		field(&c, text, false);
		session_fields(&c, a);
	}
	(void)snprintf(text, sizeof(text), "%zu chèque%s", count,
	    count > 1 ? "s" : "");
	field(&c, "Total", true);
	field(&c, text, false);
	money(&c, cents);
	field(&c, "", false);
	session_fields(&c, a);
	if (c.failed) {
		free(c.buf);
		return pn_error_set(err, PN_E_NOMEM, "out of memory writing "
		    "the attendance sheet's CSV");
	}
	*out = c.buf;
	*len = c.len;
	return 0;
}
