/* pdf_text.h -- text in the standard fonts for the documents drawn with libharu.
 *
 * The statement (statement_pdf.c) and the attendance sheet
 * (attendance_pdf.c) draw in Helvetica and Helvetica-Bold, two of the 14
 * standard fonts that every PDF reader provides, in WinAnsiEncoding
 * (Windows-1252): it holds every letter of French, the typographic
 * apostrophe, guillemets, the euro sign and the no-break space, and costs
 * well under a millisecond and a few kB a document, where an embedded
 * font costs tens of milliseconds and a hundred kB (statement_pdf.c says
 * why that matters). Text is converted from UTF-8 with libharu's own
 * WinAnsi table: a character outside it prints as "?", a control
 * character as a space.
 *
 * Each document embeds a struct pdf_text, which keeps where the drawing
 * stands on the page (the open text object, the current font and size)
 * and libharu's first error: libharu reports errors through a callback
 * and carries on, so the drawing code checks pdf_text_failed() now and
 * then and returns nothing once one has happened. The booklet
 * (booklet_pdf.c), in an embedded UTF-8 font, uses only the error keeping,
 * pdf_text_page(), pdf_text_width() and the saving.
 *
 * Nothing here reads the clock or draws at random: the same calls give
 * the same bytes, which the statements' hash in the audit log relies on.
 */
#ifndef PN_PDF_TEXT_H
#define PN_PDF_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>

#include "passnum/error.h"

#define PDF_TEXT_MAX	600	/* the longest text drawn, in WinAnsi bytes */

/* A document being drawn, and where its text stands. */
struct pdf_text {
	HPDF_Doc pdf;
	HPDF_Page page;		/* the page being drawn */
	HPDF_Font font;		/* the page's current font and size */
	double size;
	bool in_text;		/* a text object (BT) is open on the page */
	HPDF_UNICODE winansi[256];	/* the character of each byte */
	HPDF_STATUS error;	/* libharu's first error; 0: none */
	HPDF_STATUS detail;
};

/*
 * libharu's error callback, ctx the struct pdf_text: keeps the first
 * error. Give it to HPDF_New().
 */
void pdf_text_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *ctx);

/* Whether libharu has reported an error. */
bool pdf_text_failed(const struct pdf_text *t);

/*
 * Start t's document, compressed, its errors kept in t. 0; -1 with err
 * when out of memory, or -1 with the error in t (pdf_text_error()).
 */
int pdf_text_new(struct pdf_text *t, struct pn_error *err);

/*
 * Put into err what libharu reported while drawing what ("statement
 * PN-2026-11-01"): out of memory, or its error and detail numbers.
 */
void pdf_text_error(const struct pdf_text *t, const char *what,
    struct pn_error *err);

/*
 * Helvetica and Helvetica-Bold in WinAnsiEncoding into *regular and
 * *bold, and the character of each WinAnsi byte for pdf_text_winansi().
 * 0, or -1 on error.
 */
int pdf_text_fonts(struct pdf_text *t, HPDF_Font *regular, HPDF_Font *bold);

/*
 * Convert the UTF-8 text s into WinAnsi bytes in out (cap bytes, cut
 * short when full): each character that Windows-1252 holds as itself, a
 * control character as a space, anything else (a byte that is not
 * well-formed UTF-8 included) as "?". Needs pdf_text_fonts().
 */
void pdf_text_winansi(const struct pdf_text *t, const char *s, char *out,
    size_t cap);

/* Width of the n bytes of s in font at size, in points. */
double pdf_text_width(HPDF_Font font, double size, const char *s, size_t n);

/* Add an A4 portrait page and draw on it. 0, or -1 on error. */
int pdf_text_page(struct pdf_text *t);

/*
 * Close the open text object, if any: before drawing a path, which PDF
 * does not allow inside one, and before leaving the page.
 */
void pdf_text_end(struct pdf_text *t);

/* Draw s (WinAnsi) with its baseline starting at (x, y). */
void pdf_text_at(struct pdf_text *t, HPDF_Font font, double size, double x,
    double y, const char *s);

/* Draw s (WinAnsi) with its baseline ending at (right, y). */
void pdf_text_right(struct pdf_text *t, HPDF_Font font, double size,
    double right, double y, const char *s);

/* Draw the UTF-8 text s at (x, y). */
void pdf_text_utf8_at(struct pdf_text *t, HPDF_Font font, double size,
    double x, double y, const char *s);

/* Draw the UTF-8 text s with its baseline ending at (right, y). */
void pdf_text_utf8_right(struct pdf_text *t, HPDF_Font font, double size,
    double right, double y, const char *s);

/*
 * Draw the UTF-8 text s at x from baseline y down, in at most max_lines
 * lines of width, leading apart, cut between words (inside a word too
 * long for any line); the last line of a text too long ends with "…".
 * Returns the baseline below the last line drawn.
 */
double pdf_text_lines(struct pdf_text *t, HPDF_Font font, double size,
    double leading, double x, double y, double width, unsigned max_lines,
    const char *s);

/* A line from (x0, y0) to (x1, y1), width points wide, in grey (0 black). */
void pdf_text_line(struct pdf_text *t, double x0, double y0, double x1,
    double y1, double width, double grey);

/* A rectangle of grey filled from (x, y) up by h and across by w. */
void pdf_text_fill(struct pdf_text *t, double x, double y, double w,
    double h, double grey);

/*
 * The document's title (UTF-8), creator ("passnum") and creation date,
 * when (Unix seconds): the document's own, never the clock's.
 */
void pdf_text_info(struct pdf_text *t, const char *title, int64_t when);

/* Save the document into *out (malloc'd) and *len. 0, or -1. */
int pdf_text_save(struct pdf_text *t, unsigned char **out, size_t *len);

#endif
