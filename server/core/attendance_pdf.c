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
 * Drawn as statement_pdf.c draws (its comment says why): Helvetica and
 * Helvetica-Bold, standard fonts in WinAnsiEncoding, text converted from
 * UTF-8 with libharu's WinAnsi table ("?" for a character outside it),
 * no date but a->printed_at, so that the same sheet gives the same bytes;
 * libharu's first error kept by its callback and checked after each row.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>

#include "passnum/money.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "attendance_pdf.h"
#include "epc_text.h"

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

#define TEXT_MAX	600	/* the longest text drawn, in WinAnsi bytes */
#define ELLIPSIS	"\x85"	/* U+2026 in WinAnsi */

/* The document being drawn and where its drawing stands. */
struct doc {
	HPDF_Doc pdf;
	HPDF_Font regular;
	HPDF_Font bold;
	HPDF_Page page;
	HPDF_Font font;		/* the page's current font and size */
	double size;
	bool in_text;		/* a text object (BT) is open on the page */
	unsigned pages;
	double y;		/* top of the free space on the page */
	HPDF_UNICODE winansi[256];	/* the character of each byte */
	const struct attendance_sheet *a;
	HPDF_STATUS error;	/* libharu's first error; 0: none */
	HPDF_STATUS detail;
};

/* libharu's error callback: keep the first error for the caller. */
static void
on_hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *ctx)
{
	struct doc *d = ctx;

	/* Reading the finished document back ends on "end of stream". */
	if (error == HPDF_STREAM_EOF)
		return;
	if (d->error == 0) {
		d->error = error;
		d->detail = detail;
	}
}

static bool
failed(const struct doc *d)
{
	return d->error != 0;
}

/* The WinAnsi byte of code point cp; '?' when it has none. */
static char
winansi_byte(const struct doc *d, unsigned cp)
{
	unsigned b;

	if (cp < 0x20 || cp == 0x7f)
		return ' ';
	if (cp < 0x80)
		return (char)cp;
	/* Narrow and figure no-break spaces (French amounts): no-break. */
	if (cp == 0x202f || cp == 0x2007)
		return '\xa0';
	if (cp >= 0x2000 && cp <= 0x200a)
		return ' ';
	for (b = 0x80; b < 0x100; b++)
		if (d->winansi[b] == cp)
			return (char)b;
	return '?';
}

/*
 * Convert the UTF-8 text s into WinAnsi bytes in out (cap bytes, cut
 * short when full); a byte that is not well-formed UTF-8 becomes "?".
 */
static void
to_winansi(const struct doc *d, const char *s, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, n = strlen(s), k;
	unsigned cp;

	while (i < n && o + 1 < cap) {
		k = u[i] < 0x80 ? 1 : u[i] >= 0xf0 ? 4 : u[i] >= 0xe0 ? 3 : 2;
		if (k > n - i || !epc_utf8_valid(s + i, k, NULL)) {
			out[o++] = '?';
			i++;
			continue;
		}
		cp = k == 1 ? u[i] : k == 2 ? u[i] & 0x1fu : k == 3 ?
		    u[i] & 0x0fu : u[i] & 0x07u;
		for (i++; --k > 0; i++)
			cp = (cp << 6) | (u[i] & 0x3fu);
		out[o++] = winansi_byte(d, cp);
	}
	out[o] = '\0';
}

/* Width of the n bytes of s in font at size, in points. */
static double
text_width(HPDF_Font font, double size, const char *s, size_t n)
{
	HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)s,
	    (HPDF_UINT)n);

	return (double)tw.width * size / 1000.0;
}

/* Close the open text object, if any: before a path, or a new page. */
static void
text_end(struct doc *d)
{
	if (d->in_text) {
		HPDF_Page_EndText(d->page);
		d->in_text = false;
	}
}

/* Draw s (WinAnsi) with its baseline starting at (x, y). */
static void
text_at(struct doc *d, HPDF_Font font, double size, double x, double y,
    const char *s)
{
	if (!d->in_text) {
		HPDF_Page_BeginText(d->page);
		d->in_text = true;
	}
	if (font != d->font || size != d->size) {
		HPDF_Page_SetFontAndSize(d->page, font, (HPDF_REAL)size);
		d->font = font;
		d->size = size;
	}
	HPDF_Page_TextOut(d->page, (HPDF_REAL)x, (HPDF_REAL)y, s);
}

/* Draw the UTF-8 text s at (x, y). */
static void
utf8_at(struct doc *d, HPDF_Font font, double size, double x, double y,
    const char *s)
{
	char text[TEXT_MAX];

	to_winansi(d, s, text, sizeof(text));
	text_at(d, font, size, x, y, text);
}

/* Draw the UTF-8 text s with its baseline ending at (right, y). */
static void
utf8_right(struct doc *d, HPDF_Font font, double size, double right,
    double y, const char *s)
{
	char text[TEXT_MAX];

	to_winansi(d, s, text, sizeof(text));
	text_at(d, font, size, right - text_width(font, size, text,
	    strlen(text)), y, text);
}

/*
 * How many bytes of s (WinAnsi, n bytes) fit in width: up to the last
 * space where a whole word fits, else what fits of a word too long for
 * any line, one byte at least. *next: where the next line starts.
 */
static size_t
fit_line(HPDF_Font font, double size, double width, const char *s, size_t n,
    size_t *next)
{
	size_t i, best = 0;

	if (text_width(font, size, s, n) <= width) {
		*next = n;
		return n;
	}
	for (i = 1; i < n; i++) {
		if (s[i] != ' ')
			continue;
		if (text_width(font, size, s, i) > width)
			break;
		best = i;
	}
	if (best == 0) {
		for (best = n - 1; best > 1 &&
		    text_width(font, size, s, best) > width; best--)
			;
		if (best == 0)
			best = 1;
	}
	for (*next = best; *next < n && s[*next] == ' '; (*next)++)
		;
	return best;
}

/*
 * Draw the UTF-8 text s at x from baseline y down, in at most max_lines
 * lines of width, leading apart; the last line of a text too long ends
 * with "…". Returns the baseline below the last line drawn.
 */
static double
lines_at(struct doc *d, HPDF_Font font, double size, double leading,
    double x, double y, double width, unsigned max_lines, const char *s)
{
	char text[TEXT_MAX], line[TEXT_MAX + 1];
	const char *p = text;
	size_t n, len, next;
	unsigned k;

	to_winansi(d, s, text, sizeof(text));
	for (n = strlen(text); n > 0 && *p == ' '; p++, n--)
		;
	for (k = 0; k < max_lines && n > 0; k++) {
		len = fit_line(font, size, width, p, n, &next);
		if (k + 1 == max_lines && next < n) {
			len = fit_line(font, size, width - text_width(font,
			    size, ELLIPSIS, 1), p, n, &next);
			while (len > 0 && p[len - 1] == ' ')
				len--;
			memcpy(line, p, len);
			memcpy(line + len, ELLIPSIS, sizeof(ELLIPSIS));
		} else {
			memcpy(line, p, len);
			line[len] = '\0';
		}
		text_at(d, font, size, x, y, line);
		y -= leading;
		p += next;
		n -= next;
	}
	return y;
}

/* A line from (x0, y0) to (x1, y1), in grey. */
static void
line(struct doc *d, double x0, double y0, double x1, double y1, double width,
    double grey)
{
	text_end(d);
	HPDF_Page_SetGrayStroke(d->page, (HPDF_REAL)grey);
	HPDF_Page_SetLineWidth(d->page, (HPDF_REAL)width);
	HPDF_Page_MoveTo(d->page, (HPDF_REAL)x0, (HPDF_REAL)y0);
	HPDF_Page_LineTo(d->page, (HPDF_REAL)x1, (HPDF_REAL)y1);
	HPDF_Page_Stroke(d->page);
	HPDF_Page_SetGrayStroke(d->page, 0);
}

/* A duration as the venue pages write it: "45 min", "2 h", "1 h 30". */
static void
duration_format(unsigned minutes, char *out, size_t cap)
{
	if (minutes < 60)
		(void)snprintf(out, cap, "%u min", minutes);
	else if (minutes % 60 == 0)
		(void)snprintf(out, cap, "%u h", minutes / 60);
	else
		(void)snprintf(out, cap, "%u h %02u", minutes / 60,
		    minutes % 60);
}

/* The running header of every page: title, session, venue, start, a rule. */
static void
draw_running_header(struct doc *d)
{
	const struct attendance_sheet *a = d->a;
	char text[64], when[PN_TIME_TEXT_MAX];
	double y = TOP - 14;

	utf8_at(d, d->bold, 14, LEFT, y, "Feuille d’émargement — Pass "
	    "numérique");
	(void)snprintf(text, sizeof(text), "Séance n° %lld",
	    (long long)a->session_id);
	utf8_right(d, d->regular, 9, RIGHT, y, text);
	y -= 16;
	pn_time_format_paris(a->starts_at, when);
	(void)snprintf(text, sizeof(text), "Le %s", when);
	utf8_right(d, d->regular, 9, RIGHT, y, text);
	(void)lines_at(d, d->bold, 10, 0, LEFT, y, WIDTH - 120, 1,
	    a->venue_name);
	y -= 8;
	line(d, LEFT, y, RIGHT, y, 0.8, 0.3);
	d->y = y - 10;
}

/* One "label  value" line of the session block; the next baseline. */
static double
field(struct doc *d, double y, const char *label, const char *value,
    unsigned max_lines)
{
	const double x = LEFT + 90;

	HPDF_Page_SetGrayFill(d->page, 0.3f);
	utf8_at(d, d->regular, 8.5, LEFT, y, label);
	HPDF_Page_SetGrayFill(d->page, 0);
	return lines_at(d, d->regular, 10, 13, x, y, RIGHT - x, max_lines,
	    value);
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
	duration_format(a->duration_minutes, dur, sizeof(dur));
	y = field(d, y, "Durée", dur, 1);
	y = field(d, y, "Terminal", a->terminal_label, 1);
	pn_time_format_paris(a->printed_at, when);
	y = field(d, y, "Édité le", when, 1);
	HPDF_Page_SetGrayFill(d->page, 0.3f);
	utf8_at(d, d->regular, 8.5, LEFT, y - 2, "Heures de Paris. Les "
	    "chèques sont désignés par leur seul numéro imprimé.");
	HPDF_Page_SetGrayFill(d->page, 0);
	d->y = y - 14;
}

/* The column headings of the table, from the cursor down. */
static void
draw_column_heads(struct doc *d)
{
	double base = d->y - HEAD_H + 5;

	text_end(d);
	HPDF_Page_SetGrayFill(d->page, 0.85f);
	HPDF_Page_Rectangle(d->page, (HPDF_REAL)LEFT, (HPDF_REAL)(d->y -
	    HEAD_H), (HPDF_REAL)WIDTH, (HPDF_REAL)HEAD_H);
	HPDF_Page_Fill(d->page);
	HPDF_Page_SetGrayFill(d->page, 0);
	utf8_right(d, d->bold, 8.5, COL_NUM_R, base, "N°");
	utf8_at(d, d->bold, 8.5, COL_SERIAL, base, "N° du chèque");
	utf8_right(d, d->bold, 8.5, COL_VALUE_R, base, "Valeur");
	utf8_at(d, d->bold, 8.5, COL_TAKEN, base, "Pris le");
	utf8_at(d, d->bold, 8.5, COL_SIGN + 6, base, "Signature du "
	    "participant");
	d->y -= HEAD_H;
}

/* Start a page: running header, session block on page 1, headings. */
static int
new_page(struct doc *d)
{
	if (d->page != NULL)
		text_end(d);
	if ((d->page = HPDF_AddPage(d->pdf)) == NULL)
		return -1;
	HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	d->font = NULL;
	d->pages++;
	draw_running_header(d);
	if (d->pages == 1)
		draw_session(d);
	draw_column_heads(d);
	return failed(d) ? -1 : 0;
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
	text_at(d, d->regular, 9.5, COL_NUM_R - text_width(d->regular, 9.5,
	    num, strlen(num)), base, num);
	pn_serial_format(v->serial, serial);
	text_at(d, d->regular, 9.5, COL_SERIAL, base, serial);
	pn_money_format(v->value_cents, money);
	utf8_right(d, d->regular, 9.5, COL_VALUE_R, base, money);
	pn_time_format_paris(v->taken_at, when);
	text_at(d, d->regular, 9.5, COL_TAKEN, base, when);
	line(d, COL_SIGN, d->y, COL_SIGN, d->y - ROW_H, 0.5, 0.6);
	line(d, LEFT, d->y - ROW_H, RIGHT, d->y - ROW_H, 0.5, 0.6);
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
		utf8_at(d, d->regular, 9.5, LEFT + 6, d->y - 16,
		    "Aucun chèque n’a été pris à cette séance.");
		d->y -= 22;
	}
	y = d->y - 20;
	utf8_at(d, d->bold, 11, LEFT, y, "Totaux de la séance");
	utf8_at(d, d->regular, 9.5, x, y, "Nombre de chèques");
	(void)snprintf(text, sizeof(text), "%zu", count);
	utf8_right(d, d->regular, 9.5, RIGHT - 6, y, text);
	y -= 8;
	line(d, x, y, RIGHT, y, 0.8, 0);
	y -= 16;
	utf8_at(d, d->bold, 11, x, y, "Montant total");
	pn_money_format(cents, money);
	utf8_right(d, d->bold, 11, RIGHT - 6, y, money);
	y -= 30;
	utf8_at(d, d->regular, 9.5, LEFT, y, "Le responsable de la séance "
	    "(nom et signature) :");
	d->y = y - 40;
	return failed(d) ? -1 : 0;
}

/* "Séance n° ID — page N / M" at the foot of every page. */
static void
draw_footers(struct doc *d)
{
	char text[96];
	unsigned i;

	for (i = 0; i < d->pages; i++) {
		if ((d->page = HPDF_GetPageByIndex(d->pdf, i)) == NULL)
			return;
		d->font = NULL;
		(void)snprintf(text, sizeof(text), "Feuille d’émargement, "
		    "séance n° %lld — page %u / %u",
		    (long long)d->a->session_id, i + 1, d->pages);
		HPDF_Page_SetGrayFill(d->page, 0.35f);
		utf8_right(d, d->regular, 8, RIGHT, FOOTER_Y, text);
		HPDF_Page_SetGrayFill(d->page, 0);
		text_end(d);
	}
}

/* The fonts, and the character of each WinAnsi byte. 0, or -1. */
static int
load_fonts(struct doc *d)
{
	HPDF_Encoder enc;
	unsigned b;

	d->regular = HPDF_GetFont(d->pdf, "Helvetica", "WinAnsiEncoding");
	d->bold = HPDF_GetFont(d->pdf, "Helvetica-Bold", "WinAnsiEncoding");
	enc = HPDF_GetEncoder(d->pdf, "WinAnsiEncoding");
	if (d->regular == NULL || d->bold == NULL || enc == NULL)
		return -1;
	for (b = 0; b < 256; b++)
		d->winansi[b] = HPDF_Encoder_GetUnicode(enc, (HPDF_UINT16)b);
	return failed(d) ? -1 : 0;
}

/* Title, creator and creation date: the sheet's, never the clock's. */
static void
set_info(struct doc *d)
{
	char title[96], text[TEXT_MAX];
	time_t t = (time_t)d->a->printed_at;
	HPDF_Date date;
	struct tm tm;

	(void)snprintf(title, sizeof(title), "Feuille d’émargement, séance "
	    "n° %lld", (long long)d->a->session_id);
	to_winansi(d, title, text, sizeof(text));
	(void)HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, text);
	(void)HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "passnum");
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1970 ||
	    tm.tm_year + 1900 > 9999)
		return;
	memset(&date, 0, sizeof(date));
	date.year = tm.tm_year + 1900;
	date.month = tm.tm_mon + 1;
	date.day = tm.tm_mday;
	date.hour = tm.tm_hour;
	date.minutes = tm.tm_min;
	date.seconds = tm.tm_sec;
	date.ind = 'Z';
	(void)HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, date);
}

/* Save the document into a malloc'd buffer. 0, or -1. */
static int
save(struct doc *d, unsigned char **out, size_t *len)
{
	HPDF_UINT32 size, got, n;
	HPDF_STATUS rc;
	unsigned char *buf;

	if (HPDF_SaveToStream(d->pdf) != HPDF_OK || failed(d))
		return -1;
	size = HPDF_GetStreamSize(d->pdf);
	if (size == 0 || (buf = malloc(size)) == NULL)
		return -1;
	(void)HPDF_ResetStream(d->pdf);
	for (got = 0; got < size; got += n) {
		n = size - got;
		rc = HPDF_ReadFromStream(d->pdf, buf + got, &n);
		if ((rc != HPDF_OK && rc != HPDF_STREAM_EOF) || n == 0)
			break;
	}
	if (got != size) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = size;
	return 0;
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
	if ((d.pdf = HPDF_New(on_hpdf_error, &d)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory for a PDF");
	if (HPDF_SetCompressionMode(d.pdf, HPDF_COMP_ALL) != HPDF_OK ||
	    load_fonts(&d) != 0)
		goto fail;
	set_info(&d);
	if (new_page(&d) != 0)
		goto fail;
	for (i = 0; i < a->n_vouchers; i++) {
		if (need(&d, ROW_H) != 0)
			goto fail;
		draw_voucher(&d, i);
		if (failed(&d))
			goto fail;
	}
	if (draw_totals(&d, count, cents) != 0)
		goto fail;
	text_end(&d);
	draw_footers(&d);
	if (save(&d, out, len) != 0)
		goto fail;
	rc = 0;
	goto done;

	/* Reached on any failure of libharu, whose error err then names. */
fail:
	if (d.error == HPDF_FAILD_TO_ALLOC_MEM)
		pn_error_set(err, PN_E_NOMEM, "out of memory drawing the "
		    "attendance sheet");
	else
		pn_error_set(err, PN_E_IO, "libharu error 0x%04lX (detail %lu) "
		    "drawing the attendance sheet of session %lld",
		    (unsigned long)d.error, (unsigned long)d.detail,
		    (long long)a->session_id);
done:
	HPDF_Free(d.pdf);
	return rc;
}
