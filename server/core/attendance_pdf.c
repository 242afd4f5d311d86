/* attendance_pdf.c -- a session's attendance sheet (feuille d'émargement) as an A4 PDF in French, drawn with libharu.
 *
 * Every page opens with the same running header (title, session number,
 * venue, start) and the table's column headings, and ends with "page N /
 * M"; page 1 also carries the session (theme, start, duration, terminal)
 * and the date the sheet was printed. The table gives each voucher a row
 * tall enough to sign in: its number on the sheet, printed serial, face
 * value, the time the terminal took it, and a blank "Signature" cell. The
 * totals and a place for the venue's signature close the document.
 *
 * Drawn as statement_pdf.c draws, with pdf_text.h: Helvetica and
 * Helvetica-Bold, standard fonts in WinAnsiEncoding, text converted from
 * UTF-8 with libharu's WinAnsi table ("?" for a character outside it),
 * no date but a->printed_at, so that the same sheet gives the same bytes;
 * libharu's first error kept by its callback and checked after each row.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <hpdf.h>

#include "passnum/money.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "attendance_pdf.h"
#include "pdf_text.h"

/* A4 portrait, in points from the bottom left corner. */
#define PAGE_W		595.276
#define PAGE_H		841.89
#define LEFT		42.0
#define RIGHT		(PAGE_W - 42.0)
#define WIDTH		(RIGHT - LEFT)
#define TOP		(PAGE_H - 36.0)
#define FOOTER_Y	24.0	/* baseline of "page N / M" */
#define BOTTOM		46.0	/* nothing but the footer goes lower */

/* The table's columns. */
#define COL_NUM_R	(LEFT + 24.0)	/* right edge of the row's number */
#define COL_SERIAL	(LEFT + 34.0)
#define COL_VALUE_R	(LEFT + 232.0)	/* right edge of the value */
#define COL_TAKEN	(LEFT + 246.0)
#define COL_SIGN	(LEFT + 340.0)	/* the signature cell, to RIGHT */
#define HEAD_H		17.0	/* the column headings */
#define ROW_H		28.0	/* a voucher: room for a signature */
#define TOTALS_H	110.0	/* the closing block */

/* The document being drawn and where its drawing stands. */
struct doc {
	struct pdf_text pt;	/* the document, its page and text */
	HPDF_Font regular;
	HPDF_Font bold;
	unsigned pages;
	double y;		/* top of the free space on the page */
	const struct attendance_sheet *a;
};

/* The running header of every page: title, session, venue, start, a rule. */
static void
draw_running_header(struct doc *d)
{
	const struct attendance_sheet *a = d->a;
	char text[64], when[PN_TIME_TEXT_MAX];
	double y = TOP - 14;

	pdf_text_utf8_at(&d->pt, d->bold, 14, LEFT, y,
	    "Feuille d’émargement — Pass numérique");
	(void)snprintf(text, sizeof(text), "Séance n° %lld",
	    (long long)a->session_id);
	pdf_text_utf8_right(&d->pt, d->regular, 9, RIGHT, y, text);
	y -= 16;
	pn_time_format_paris(a->starts_at, when);
	(void)snprintf(text, sizeof(text), "Le %s", when);
	pdf_text_utf8_right(&d->pt, d->regular, 9, RIGHT, y, text);
	(void)pdf_text_lines(&d->pt, d->bold, 10, 0, LEFT, y, WIDTH - 120, 1,
	    a->venue_name);
	y -= 8;
	pdf_text_line(&d->pt, LEFT, y, RIGHT, y, 0.8, 0.3);
	d->y = y - 10;
}

/* One "label  value" line of the session block; the next baseline. */
static double
field(struct doc *d, double y, const char *label, const char *value,
    unsigned max_lines)
{
	const double x = LEFT + 90;

	HPDF_Page_SetGrayFill(d->pt.page, 0.3f);
	pdf_text_utf8_at(&d->pt, d->regular, 8.5, LEFT, y, label);
	HPDF_Page_SetGrayFill(d->pt.page, 0);
	return pdf_text_lines(&d->pt, d->regular, 10, 13, x, y, RIGHT - x,
	    max_lines, value);
}

/* Page 1's block under the running header: the session. */
static void
draw_session(struct doc *d)
{
	const struct attendance_sheet *a = d->a;
	char when[PN_TIME_TEXT_MAX], dur[32];
	double y = d->y - 12;

	y = field(d, y, "Lieu", a->venue_name, 2);
	y = field(d, y, "Thème", a->theme, 3);
	pn_time_format_paris(a->starts_at, when);
	y = field(d, y, "Début", when, 1);
	pn_duration_format(a->duration_minutes, dur, sizeof(dur));
	y = field(d, y, "Durée", dur, 1);
	y = field(d, y, "Terminal", a->terminal_label, 1);
	pn_time_format_paris(a->printed_at, when);
	y = field(d, y, "Édité le", when, 1);
	HPDF_Page_SetGrayFill(d->pt.page, 0.3f);
	pdf_text_utf8_at(&d->pt, d->regular, 8.5, LEFT, y - 2,
	    "Heures de Paris. Les chèques sont désignés par leur seul numéro "
	    "imprimé.");
	HPDF_Page_SetGrayFill(d->pt.page, 0);
	d->y = y - 14;
}

/* The column headings of the table, from the cursor down. */
static void
draw_column_heads(struct doc *d)
{
	double base = d->y - HEAD_H + 5;

	pdf_text_fill(&d->pt, LEFT, d->y - HEAD_H, WIDTH, HEAD_H, 0.85);
	pdf_text_utf8_right(&d->pt, d->bold, 8.5, COL_NUM_R, base, "N°");
	pdf_text_utf8_at(&d->pt, d->bold, 8.5, COL_SERIAL, base,
	    "N° du chèque");
	pdf_text_utf8_right(&d->pt, d->bold, 8.5, COL_VALUE_R, base, "Valeur");
	pdf_text_utf8_at(&d->pt, d->bold, 8.5, COL_TAKEN, base, "Pris le");
	pdf_text_utf8_at(&d->pt, d->bold, 8.5, COL_SIGN + 6, base,
	    "Signature du participant");
	d->y -= HEAD_H;
}

/* Start a page: running header, session block on page 1, headings. */
static int
new_page(struct doc *d)
{
	if (pdf_text_page(&d->pt) != 0)
		return -1;
	d->pages++;
	draw_running_header(d);
	if (d->pages == 1)
		draw_session(d);
	draw_column_heads(d);
	return pdf_text_failed(&d->pt) ? -1 : 0;
}

/* Make room for h points below the cursor, on a new page if need be. */
static int
need(struct doc *d, double h)
{
	if (d->y - h >= BOTTOM)
		return 0;
	return new_page(d);
}

/* Voucher i's row: number, serial, value, time taken, a cell to sign. */
static void
draw_voucher(struct doc *d, size_t i)
{
	const struct attendance_voucher *v = &d->a->vouchers[i];
	char serial[PN_SERIAL_TEXT_MAX], money[PN_MONEY_TEXT_MAX];
	char when[PN_TIME_TEXT_MAX], num[24];
	double base = d->y - ROW_H / 2 - 3.5;

	(void)snprintf(num, sizeof(num), "%zu", i + 1);
	pdf_text_right(&d->pt, d->regular, 9.5, COL_NUM_R, base, num);
	pn_serial_format(v->serial, serial);
	pdf_text_at(&d->pt, d->regular, 9.5, COL_SERIAL, base, serial);
	pn_money_format(v->value_cents, money);
	pdf_text_utf8_right(&d->pt, d->regular, 9.5, COL_VALUE_R, base, money);
	pn_time_format_paris(v->taken_at, when);
	pdf_text_at(&d->pt, d->regular, 9.5, COL_TAKEN, base, when);
	pdf_text_line(&d->pt, COL_SIGN, d->y, COL_SIGN, d->y - ROW_H, 0.5, 0.6);
	pdf_text_line(&d->pt, LEFT, d->y - ROW_H, RIGHT, d->y - ROW_H, 0.5,
	    0.6);
	d->y -= ROW_H;
}

/* The closing block: count, amount, the venue's signature. */
static int
draw_totals(struct doc *d, size_t count, int64_t cents)
{
	char text[64], money[PN_MONEY_TEXT_MAX];
	const double x = LEFT + WIDTH / 2;
	double y;

	if (need(d, TOTALS_H) != 0)
		return -1;
	if (count == 0) {
		pdf_text_utf8_at(&d->pt, d->regular, 9.5, LEFT + 6, d->y - 16,
		    "Aucun chèque n’a été pris à cette séance.");
		d->y -= 22;
	}
	y = d->y - 20;
	pdf_text_utf8_at(&d->pt, d->bold, 11, LEFT, y, "Totaux de la séance");
	pdf_text_utf8_at(&d->pt, d->regular, 9.5, x, y, "Nombre de chèques");
	(void)snprintf(text, sizeof(text), "%zu", count);
	pdf_text_utf8_right(&d->pt, d->regular, 9.5, RIGHT - 6, y, text);
	y -= 8;
	pdf_text_line(&d->pt, x, y, RIGHT, y, 0.8, 0);
	y -= 16;
	pdf_text_utf8_at(&d->pt, d->bold, 11, x, y, "Montant total");
	pn_money_format(cents, money);
	pdf_text_utf8_right(&d->pt, d->bold, 11, RIGHT - 6, y, money);
	y -= 30;
	pdf_text_utf8_at(&d->pt, d->regular, 9.5, LEFT, y,
	    "Le responsable de la séance (nom et signature) :");
	d->y = y - 40;
	return pdf_text_failed(&d->pt) ? -1 : 0;
}

/* "Séance n° ID — page N / M" at the foot of every page. */
static void
draw_footers(struct doc *d)
{
	char text[96];
	unsigned i;

	for (i = 0; i < d->pages; i++) {
		if ((d->pt.page = HPDF_GetPageByIndex(d->pt.pdf, i)) == NULL)
			return;
		d->pt.font = NULL;
		(void)snprintf(text, sizeof(text), "Feuille d’émargement, "
		    "séance n° %lld — page %u / %u",
		    (long long)d->a->session_id, i + 1, d->pages);
		HPDF_Page_SetGrayFill(d->pt.page, 0.35f);
		pdf_text_utf8_right(&d->pt, d->regular, 8, RIGHT, FOOTER_Y,
		    text);
		HPDF_Page_SetGrayFill(d->pt.page, 0);
		pdf_text_end(&d->pt);
	}
}

/* Title, creator and creation date: the sheet's, never the clock's. */
static void
set_info(struct doc *d)
{
	char title[96];

	(void)snprintf(title, sizeof(title), "Feuille d’émargement, séance "
	    "n° %lld", (long long)d->a->session_id);
	pdf_text_info(&d->pt, title, d->a->printed_at);
}

/* Whether the char array a holds a NUL: a string its writer ended. */
#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)

int
attendance_totals(const struct attendance_sheet *a, size_t *count,
    int64_t *cents, struct pn_error *err)
{
	int64_t v;
	size_t i;

	*count = 0;
	*cents = 0;
	if (a->n_vouchers > 0 && a->vouchers == NULL)
		return pn_error_set(err, PN_E_ARG, "attendance sheet: %zu "
		    "vouchers announced but no voucher array", a->n_vouchers);
	if (!TERMINATED(a->venue_name) || !TERMINATED(a->theme) ||
	    !TERMINATED(a->terminal_label))
		return pn_error_set(err, PN_E_ARG, "attendance sheet: a text "
		    "field is not NUL-terminated");
	for (i = 0; i < a->n_vouchers; i++) {
		v = a->vouchers[i].value_cents;
		if (v < 0 || *cents > INT64_MAX - v)
			return pn_error_set(err, PN_E_ARG, "attendance sheet: "
			    "voucher %llu: value %lld cents negative or "
			    "overflowing the total",
			    (unsigned long long)a->vouchers[i].serial,
			    (long long)v);
		*cents += v;
	}
	*count = a->n_vouchers;
	return 0;
}

int
attendance_pdf_render(const struct attendance_sheet *a, unsigned char **out,
    size_t *len, struct pn_error *err)
{
	char what[128];
	struct doc d;
	size_t i, count;
	int64_t cents;
	int rc = -1;

	pn_error_clear(err);
	if (out == NULL || len == NULL || a == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no sheet or no place "
		    "for the PDF", __func__);
	*out = NULL;
	*len = 0;
	if (attendance_totals(a, &count, &cents, err) != 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.a = a;
	if (pdf_text_new(&d.pt, err) != 0) {
		if (d.pt.pdf == NULL)
			return -1;
		goto fail;
	}
	if (pdf_text_fonts(&d.pt, &d.regular, &d.bold) != 0)
		goto fail;
	set_info(&d);
	if (new_page(&d) != 0)
		goto fail;
	for (i = 0; i < a->n_vouchers; i++) {
		if (need(&d, ROW_H) != 0)
			goto fail;
		draw_voucher(&d, i);
		if (pdf_text_failed(&d.pt))
			goto fail;
	}
	if (draw_totals(&d, count, cents) != 0)
		goto fail;
	pdf_text_end(&d.pt);
	draw_footers(&d);
	if (pdf_text_save(&d.pt, out, len) != 0)
		goto fail;
	rc = 0;
	goto done;

	/* Reached on any failure of libharu, whose error err then names. */
fail:
	(void)snprintf(what, sizeof(what), "the attendance sheet of session "
	    "%lld", (long long)a->session_id);
	pdf_text_error(&d.pt, what, err);
done:
	HPDF_Free(d.pt.pdf);
	return rc;
}
