/* pdf_text.c -- text in the standard fonts for the documents drawn with libharu (pdf_text.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>

#include "epc_text.h"
#include "pdf_text.h"

#define ELLIPSIS	"\x85"	/* U+2026 in WinAnsi */

void
pdf_text_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *ctx)
{
	struct pdf_text *t = ctx;

	/* Reading the finished document back ends on "end of stream". */
	if (error == HPDF_STREAM_EOF)
		return;
	if (t->error == 0) {
		t->error = error;
		t->detail = detail;
	}
}

bool
pdf_text_failed(const struct pdf_text *t)
{
	return t->error != 0;
}

int
pdf_text_new(struct pdf_text *t, struct pn_error *err)
{
	if ((t->pdf = HPDF_New(pdf_text_on_error, t)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory for a PDF");
	return HPDF_SetCompressionMode(t->pdf, HPDF_COMP_ALL) == HPDF_OK ?
	    0 : -1;
}

void
pdf_text_error(const struct pdf_text *t, const char *what,
    struct pn_error *err)
{
	if (t->error == HPDF_FAILD_TO_ALLOC_MEM)
		pn_error_set(err, PN_E_NOMEM, "out of memory drawing %s", what);
	else
		pn_error_set(err, PN_E_IO, "libharu error 0x%04lX (detail %lu) "
		    "drawing %s", (unsigned long)t->error,
		    (unsigned long)t->detail, what);
}

int
pdf_text_fonts(struct pdf_text *t, HPDF_Font *regular, HPDF_Font *bold)
{
	HPDF_Encoder enc;
	unsigned b;

	*regular = HPDF_GetFont(t->pdf, "Helvetica", "WinAnsiEncoding");
	*bold = HPDF_GetFont(t->pdf, "Helvetica-Bold", "WinAnsiEncoding");
	enc = HPDF_GetEncoder(t->pdf, "WinAnsiEncoding");
	if (*regular == NULL || *bold == NULL || enc == NULL)
		return -1;
	for (b = 0; b < 256; b++)
		t->winansi[b] = HPDF_Encoder_GetUnicode(enc, (HPDF_UINT16)b);
	return pdf_text_failed(t) ? -1 : 0;
}

/* The WinAnsi byte of code point cp; '?' when it has none. */
static char
winansi_byte(const struct pdf_text *t, unsigned cp)
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
		if (t->winansi[b] == cp)
			return (char)b;
	return '?';
}

void
pdf_text_winansi(const struct pdf_text *t, const char *s, char *out,
    size_t cap)
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
		out[o++] = winansi_byte(t, cp);
	}
	out[o] = '\0';
}

double
pdf_text_width(HPDF_Font font, double size, const char *s, size_t n)
{
	HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)s,
	    (HPDF_UINT)n);

	return (double)tw.width * size / 1000.0;
}

int
pdf_text_page(struct pdf_text *t)
{
	if (t->page != NULL)
		pdf_text_end(t);
	if ((t->page = HPDF_AddPage(t->pdf)) == NULL)
		return -1;
	HPDF_Page_SetSize(t->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	t->font = NULL;
	return 0;
}

void
pdf_text_end(struct pdf_text *t)
{
	if (t->in_text) {
		HPDF_Page_EndText(t->page);
		t->in_text = false;
	}
}

/*
 * Consecutive texts share one text object: a statement is mostly rows of
 * text, and a text object per cell made its pages a third longer to write
 * and to compress.
 */
void
pdf_text_at(struct pdf_text *t, HPDF_Font font, double size, double x,
    double y, const char *s)
{
	if (!t->in_text) {
		HPDF_Page_BeginText(t->page);
		t->in_text = true;
	}
	/* The font stays set across text objects: set it when it changes. */
	if (font != t->font || size != t->size) {
		HPDF_Page_SetFontAndSize(t->page, font, (HPDF_REAL)size);
		t->font = font;
		t->size = size;
	}
	HPDF_Page_TextOut(t->page, (HPDF_REAL)x, (HPDF_REAL)y, s);
}

void
pdf_text_right(struct pdf_text *t, HPDF_Font font, double size, double right,
    double y, const char *s)
{
	pdf_text_at(t, font, size, right - pdf_text_width(font, size, s,
	    strlen(s)), y, s);
}

void
pdf_text_utf8_at(struct pdf_text *t, HPDF_Font font, double size, double x,
    double y, const char *s)
{
	char text[PDF_TEXT_MAX];

	pdf_text_winansi(t, s, text, sizeof(text));
	pdf_text_at(t, font, size, x, y, text);
}

void
pdf_text_utf8_right(struct pdf_text *t, HPDF_Font font, double size,
    double right, double y, const char *s)
{
	char text[PDF_TEXT_MAX];

	pdf_text_winansi(t, s, text, sizeof(text));
	pdf_text_right(t, font, size, right, y, text);
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

	if (pdf_text_width(font, size, s, n) <= width) {
		*next = n;
		return n;
	}
	for (i = 1; i < n; i++) {
		if (s[i] != ' ')
			continue;
		if (pdf_text_width(font, size, s, i) > width)
			break;
		best = i;
	}
	if (best == 0) {
		for (best = n - 1; best > 1 &&
		    pdf_text_width(font, size, s, best) > width; best--)
			;
		if (best == 0)
			best = 1;
	}
	for (*next = best; *next < n && s[*next] == ' '; (*next)++)
		;
	return best;
}

double
pdf_text_lines(struct pdf_text *t, HPDF_Font font, double size,
    double leading, double x, double y, double width, unsigned max_lines,
    const char *s)
{
	char text[PDF_TEXT_MAX], line[PDF_TEXT_MAX + 1];
	const char *p = text;
	size_t n, len, next;
	unsigned k;

	pdf_text_winansi(t, s, text, sizeof(text));
	for (n = strlen(text); n > 0 && *p == ' '; p++, n--)
		;
	for (k = 0; k < max_lines && n > 0; k++) {
		len = fit_line(font, size, width, p, n, &next);
		if (k + 1 == max_lines && next < n) {
			len = fit_line(font, size, width - pdf_text_width(font,
			    size, ELLIPSIS, 1), p, n, &next);
			while (len > 0 && p[len - 1] == ' ')
				len--;
			memcpy(line, p, len);
			memcpy(line + len, ELLIPSIS, sizeof(ELLIPSIS));
		} else {
			memcpy(line, p, len);
			line[len] = '\0';
		}
		pdf_text_at(t, font, size, x, y, line);
		y -= leading;
		p += next;
		n -= next;
	}
	return y;
}

void
pdf_text_line(struct pdf_text *t, double x0, double y0, double x1,
    double y1, double width, double grey)
{
	pdf_text_end(t);
	HPDF_Page_SetGrayStroke(t->page, (HPDF_REAL)grey);
	HPDF_Page_SetLineWidth(t->page, (HPDF_REAL)width);
	HPDF_Page_MoveTo(t->page, (HPDF_REAL)x0, (HPDF_REAL)y0);
	HPDF_Page_LineTo(t->page, (HPDF_REAL)x1, (HPDF_REAL)y1);
	HPDF_Page_Stroke(t->page);
	HPDF_Page_SetGrayStroke(t->page, 0);
}

void
pdf_text_fill(struct pdf_text *t, double x, double y, double w, double h,
    double grey)
{
	pdf_text_end(t);
	HPDF_Page_SetGrayFill(t->page, (HPDF_REAL)grey);
	HPDF_Page_Rectangle(t->page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w,
	    (HPDF_REAL)h);
	HPDF_Page_Fill(t->page);
	HPDF_Page_SetGrayFill(t->page, 0);
}

void
pdf_text_info(struct pdf_text *t, const char *title, int64_t when)
{
	char text[PDF_TEXT_MAX];
	time_t tt = (time_t)when;
	HPDF_Date date;
	struct tm tm;

	/* PDFDocEncoding agrees with WinAnsi on the letters of French. */
	pdf_text_winansi(t, title, text, sizeof(text));
	(void)HPDF_SetInfoAttr(t->pdf, HPDF_INFO_TITLE, text);
	(void)HPDF_SetInfoAttr(t->pdf, HPDF_INFO_CREATOR, "passnum");
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 1970 ||
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
	(void)HPDF_SetInfoDateAttr(t->pdf, HPDF_INFO_CREATION_DATE, date);
}

int
pdf_text_save(struct pdf_text *t, unsigned char **out, size_t *len)
{
	HPDF_UINT32 size, got, n;
	HPDF_STATUS rc;
	unsigned char *buf;

	if (HPDF_SaveToStream(t->pdf) != HPDF_OK || pdf_text_failed(t))
		return -1;
	size = HPDF_GetStreamSize(t->pdf);
	if (size == 0 || (buf = malloc(size)) == NULL)
		return -1;
	(void)HPDF_ResetStream(t->pdf);
	for (got = 0; got < size; got += n) {
		n = size - got;
		rc = HPDF_ReadFromStream(t->pdf, buf + got, &n);
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
