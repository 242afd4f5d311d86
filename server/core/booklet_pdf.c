/* booklet_pdf.c -- the printed booklet, drawn with libharu: cover, cards, cut lines, QR codes.
 *
 * Coordinates are PDF points (1/72 inch) from the bottom left corner of
 * the page. The text is UTF-8 throughout: libharu's UTF-8 encoder with
 * embedded TrueType fonts prints accents, typographic apostrophes, the
 * euro sign and the no-break spaces of amounts as they are, and writes a
 * ToUnicode map so that the text can be searched and copied.
 *
 * libharu reports errors through a callback and carries on; the callback
 * keeps the first one, the drawing code checks for it once per card and
 * page, and nothing is returned once one has happened.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>

#include "passnum/money.h"
#include "passnum/qr.h"
#include "passnum/timefmt.h"
#include "booklet_pdf.h"
#include "pdf_text.h"

#define PT_PER_MM	(72.0 / 25.4)

/* A4 portrait, as libharu sizes it. */
#define PAGE_W		595.276
#define PAGE_H		841.89
#define MARGIN_TOP	30.0
#define FOOTER_Y	26.0	/* baseline of "page X / Y" */
#define BOTTOM		44.0	/* nothing but the footer goes lower */

/*
 * The cards: 2 columns of 95 x 67 mm, so that a page without the cover
 * holds 4 rows, 8 vouchers. The cover is as wide as the grid.
 */
#define COLS		2
#define CARD_W		270.0
#define CARD_H		190.0
#define GRID_X		((PAGE_W - COLS * CARD_W) / 2)
#define COVER_W		(COLS * CARD_W)

/*
 * Inside a card: the QR code in the top right corner (its quiet zone is
 * the white space that scanners need, so it may come close to the cut
 * line), the words in the column on its left, the serial along the
 * bottom and the control key under it: what a venue types when the code
 * does not scan. Baselines are from the card's bottom edge.
 */
#define CARD_PAD	10.0
#define QR_SIDE		(BOOKLET_PDF_QR_MM * PT_PER_MM)
#define QR_INSET	6.0
#define COLUMN_W	(CARD_W - CARD_PAD - QR_SIDE - QR_INSET - 6.0)
#define SERIAL_SIZE	16.0
#define SERIAL_Y	(CARD_PAD + 24.0)
#define KEY_SIZE	14.0	/* as legible as the serial, in 9 characters */
#define KEY_Y		(CARD_PAD + 6.0)

#define KEY_LABEL	"Clé de contrôle : "
#define LINE_BYTES	2048	/* the longest line drawn, in bytes */
#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026, ends a line cut short */

/* The document being drawn and where its drawing stands. */
struct doc {
	struct pdf_text pt;	/* the document, its page, its first error */
	HPDF_Font regular;
	HPDF_Font bold;
	unsigned pages;
	double y;		/* top of the free space on the page */
};

/* Start a page and put the cursor at its top. 0, or -1 on error. */
static int
new_page(struct doc *d)
{
	if (pdf_text_page(&d->pt) != 0)
		return -1;
	d->pages++;
	d->y = PAGE_H - MARGIN_TOP;
	return pdf_text_failed(&d->pt) ? -1 : 0;
}

/* Draw s with its baseline starting at (x, y). */
static void
text_at(HPDF_Page page, HPDF_Font font, double size, double x, double y,
    const char *s)
{
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, font, (HPDF_REAL)size);
	HPDF_Page_TextOut(page, (HPDF_REAL)x, (HPDF_REAL)y, s);
	HPDF_Page_EndText(page);
}

/* Byte i of s (n bytes) moved to the start of the next UTF-8 character. */
static size_t
next_char(const char *s, size_t n, size_t i)
{
	for (i++; i < n && ((unsigned char)s[i] & 0xc0) == 0x80; i++)
		;
	return i;
}

/*
 * How many bytes of s (n bytes, no line break in them) fit in width on
 * one line: up to the last space where a whole word fits, else cut inside
 * a word too long for any line, between two characters. At least one
 * character, at most LINE_BYTES - 4 bytes (room for "…" and the NUL).
 * *next is where the next line starts, spaces skipped.
 */
static size_t
fit_line(HPDF_Font font, double size, double width, const char *s, size_t n,
    size_t *next)
{
	size_t i, best = 0, limit = n;

	if (limit > LINE_BYTES - 4) {
		limit = LINE_BYTES - 4;
		while (limit > 0 && ((unsigned char)s[limit] & 0xc0) == 0x80)
			limit--;
	}
	for (i = 1; i <= limit; i++) {
		if (i < limit && s[i] != ' ')
			continue;
		if (pdf_text_width(font, size, s, i) > width)
			break;
		best = i;
	}
	if (best == 0) {
		/* A word wider than the line: what fits, one character at least. */
		best = next_char(s, limit, 0);
		for (i = next_char(s, limit, best); i <= limit &&
		    pdf_text_width(font, size, s, i) <= width;
		    i = next_char(s, limit, i))
			best = i;
	}
	for (*next = best; *next < n && s[*next] == ' '; (*next)++)
		;
	return best;
}

/*
 * Draw s at x in at most max_lines lines of width, leading apart, the
 * first line's top at top; a text that does not fit ends its last line
 * with "…". Returns the top of the space below the lines drawn.
 */
static double
card_lines(struct doc *d, HPDF_Font font, double size, double leading,
    double x, double top, double width, unsigned max_lines, const char *s)
{
	char line[LINE_BYTES];
	size_t n = strlen(s), len, next;
	unsigned k;

	for (k = 0; k < max_lines && n > 0; k++) {
		len = fit_line(font, size, width, s, n, &next);
		if (k + 1 == max_lines && next < n) {
			len = fit_line(font, size, width - pdf_text_width(font,
			    size, ELLIPSIS, strlen(ELLIPSIS)), s, n, &next);
			memcpy(line, s, len);
			memcpy(line + len, ELLIPSIS, sizeof(ELLIPSIS));
		} else {
			memcpy(line, s, len);
			line[len] = '\0';
		}
		text_at(d->pt.page, font, size, x, top - size, line);
		top -= leading;
		s += next;
		n -= next;
	}
	return top;
}

/*
 * Draw the n bytes of s as a paragraph of the cover, from the cursor
 * down, continuing on a new page at the bottom of one. With a bullet, the
 * bullet stands at the margin and the lines are indented. Control
 * characters print as spaces. 0, or -1 on error.
 */
static int
cover_paragraph(struct doc *d, HPDF_Font font, double size, double leading,
    const char *bullet, const char *s, size_t n)
{
	char line[LINE_BYTES];
	double indent = bullet != NULL ? 12.0 : 0.0;
	size_t len, next, i;
	bool first = true;

	while (n > 0 && (*s == ' ' || (unsigned char)*s < 0x20)) {
		s++;
		n--;
	}
	while (n > 0) {
		if (d->y - leading < BOTTOM && new_page(d) != 0)
			return -1;
		len = fit_line(font, size, COVER_W - indent, s, n, &next);
		for (i = 0; i < len; i++)
			line[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
			    ' ' : s[i];
		line[len] = '\0';
		if (first && bullet != NULL)
			text_at(d->pt.page, font, size, GRID_X, d->y - size,
			    bullet);
		text_at(d->pt.page, font, size, GRID_X + indent, d->y - size,
		    line);
		d->y -= leading;
		first = false;
		s += next;
		n -= next;
	}
	return pdf_text_failed(&d->pt) ? -1 : 0;
}

/*
 * Draw each line of text (lines end with "\n"; a "\r" before it is
 * dropped) as a paragraph of the cover. 0, or -1 on error.
 */
static int
cover_lines(struct doc *d, HPDF_Font font, double size, double leading,
    const char *bullet, const char *text)
{
	size_t n;

	while (*text != '\0') {
		n = strcspn(text, "\n");
		if (cover_paragraph(d, font, size, leading, bullet, text,
		    n > 0 && text[n - 1] == '\r' ? n - 1 : n) != 0)
			return -1;
		text += n;
		if (*text == '\n')
			text++;
	}
	return 0;
}

/* Whether text holds something else than white space. */
static bool
has_words(const char *text)
{
	for (; *text != '\0'; text++)
		if (*text != ' ' && *text != '\n' && *text != '\r' &&
		    *text != '\t')
			return true;
	return false;
}

/*
 * What a venue types when a code does not scan, on every cover: the
 * programme's instructions are the Département's words and may not say
 * it. The serial alone proves nothing (serials are consecutive); with the
 * key, that the paper was in hand.
 */
#define COVER_TYPED	"Si le code QR ne se lit pas, le lieu de formation saisit " \
	"le numéro du chèque (N°) et sa clé de contrôle (8 caractères), " \
	"imprimés en bas du chèque. Ne les communiquez qu’au lieu de " \
	"formation : ils valent le chèque."

/*
 * The cover, at the top of page 1: programme, booklet number and date of
 * issue, how the vouchers are used, what to type when a code does not
 * scan, where. 0, or -1 on error.
 */
static int
draw_cover(struct doc *d, const struct store_booklet *b,
    const struct store_programme *p)
{
	char line[512], date[PN_TIME_TEXT_MAX], value[PN_MONEY_TEXT_MAX];

	pn_time_format_paris_date(b->issued_at, date);
	pn_money_format(b->n > 0 ? b->vouchers[0].value : p->face_value,
	    value);
	(void)snprintf(line, sizeof(line), "Carnet n° %lld — délivré le %s "
	    "— %u chèque%s de %s", (long long)b->id, date, b->n,
	    b->n > 1 ? "s" : "", value);
	if (cover_lines(d, d->bold, 18, 23, NULL, p->name) != 0 ||
	    cover_lines(d, d->regular, 11, 15, NULL, line) != 0)
		return -1;
	d->y -= 8;
	if (has_words(p->instructions) &&
	    cover_lines(d, d->regular, 10, 13.5, NULL, p->instructions) != 0)
		return -1;
	d->y -= 4;
	if (cover_lines(d, d->regular, 10, 13.5, NULL, COVER_TYPED) != 0)
		return -1;
	if (has_words(p->venues)) {
		d->y -= 8;
		if (cover_lines(d, d->bold, 11, 16, NULL,
		    "Lieux partenaires") != 0 ||
		    cover_lines(d, d->regular, 9.5, 12.5, "•", p->venues) != 0)
			return -1;
	}
	d->y -= 10;
	/* On the page the line will be on: a new page starts in black. */
	if (d->y - 14 < BOTTOM && new_page(d) != 0)
		return -1;
	HPDF_Page_SetGrayFill(d->pt.page, 0.35);
	if (cover_lines(d, d->regular, 9, 14, NULL, "✂ Découpez les chèques "
	    "le long des pointillés. Chacun ne sert qu’une fois.") != 0)
		return -1;
	HPDF_Page_SetGrayFill(d->pt.page, 0);
	d->y -= 6;
	return pdf_text_failed(&d->pt) ? -1 : 0;
}

/*
 * The QR code of text as filled squares, one rectangle per run of dark
 * modules, all in one path filled once (so that anti-aliasing leaves no
 * seam between rows), in the square of side points whose bottom left
 * corner is (x, y). 0, or -1 with err.
 */
static int
draw_qr(struct doc *d, const char *text, double x, double y, double side,
    struct pn_error *err)
{
	uint8_t *m;
	double mod;
	int n, row, col, run;

	if (pn_qr_modules(text, &m, &n, err) != 0)
		return -1;
	mod = side / n;
	HPDF_Page_SetGrayFill(d->pt.page, 0);
	for (row = 0; row < n; row++) {
		for (col = 0; col < n; col += run) {
			for (run = 0; col + run < n && m[row * n + col + run];
			    run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			HPDF_Page_Rectangle(d->pt.page,
			    (HPDF_REAL)(x + col * mod),
			    (HPDF_REAL)(y + side - (row + 1) * mod),
			    (HPDF_REAL)(run * mod), (HPDF_REAL)mod);
		}
	}
	HPDF_Page_Fill(d->pt.page);
	free(m);
	return 0;
}

/*
 * A stamp "ANNULÉ" across the card whose bottom left corner is (x, y),
 * between its words and its serial, and in place of the QR code what to
 * do with the voucher. The stamp is upright, as text extractors and
 * screen readers read it; its box starts just above the serial's capitals.
 */
static void
draw_cancelled(struct doc *d, double x, double y)
{
	static const char mark[] = "ANNULÉ";
	const double size = 30, pad = 7;
	double w = pdf_text_width(d->bold, size, mark, strlen(mark));
	double sx = x + (CARD_W - w) / 2;
	double sy = y + SERIAL_Y + SERIAL_SIZE + pad + 0.2 * size;
	double qx = x + CARD_W - QR_INSET - QR_SIDE;

	HPDF_Page_SetRGBFill(d->pt.page, 0.75f, 0.1f, 0.1f);
	HPDF_Page_SetRGBStroke(d->pt.page, 0.75f, 0.1f, 0.1f);
	HPDF_Page_SetLineWidth(d->pt.page, 2.5f);
	HPDF_Page_Rectangle(d->pt.page, (HPDF_REAL)(sx - pad),
	    (HPDF_REAL)(sy - pad - 0.2 * size), (HPDF_REAL)(w + 2 * pad),
	    (HPDF_REAL)(size + 2 * pad));
	HPDF_Page_Stroke(d->pt.page);
	text_at(d->pt.page, d->bold, size, sx, sy, mark);
	text_at(d->pt.page, d->regular, 9, qx, y + CARD_H - 30,
	    "Chèque annulé :");
	text_at(d->pt.page, d->regular, 9, qx, y + CARD_H - 42,
	    "ne pas l’utiliser.");
	HPDF_Page_SetRGBFill(d->pt.page, 0, 0, 0);
	HPDF_Page_SetRGBStroke(d->pt.page, 0, 0, 0);
}

/*
 * The dashed cut lines around the card whose bottom left corner is
 * (x, y). Each edge is drawn from its left or bottom end, so that an edge
 * two cards share is drawn twice dash on dash.
 */
static void
draw_cut_lines(struct doc *d, double x, double y)
{
	static const HPDF_UINT16 dash[] = { 4, 3 };
	HPDF_Page page = d->pt.page;

	HPDF_Page_SetLineWidth(page, 0.6f);
	HPDF_Page_SetGrayStroke(page, 0.45f);
	HPDF_Page_SetDash(page, dash, 2, 0);
	HPDF_Page_MoveTo(page, (HPDF_REAL)x, (HPDF_REAL)y);
	HPDF_Page_LineTo(page, (HPDF_REAL)(x + CARD_W), (HPDF_REAL)y);
	HPDF_Page_MoveTo(page, (HPDF_REAL)x, (HPDF_REAL)(y + CARD_H));
	HPDF_Page_LineTo(page, (HPDF_REAL)(x + CARD_W), (HPDF_REAL)(y + CARD_H));
	HPDF_Page_MoveTo(page, (HPDF_REAL)x, (HPDF_REAL)y);
	HPDF_Page_LineTo(page, (HPDF_REAL)x, (HPDF_REAL)(y + CARD_H));
	HPDF_Page_MoveTo(page, (HPDF_REAL)(x + CARD_W), (HPDF_REAL)y);
	HPDF_Page_LineTo(page, (HPDF_REAL)(x + CARD_W), (HPDF_REAL)(y + CARD_H));
	HPDF_Page_Stroke(page);
	HPDF_Page_SetDash(page, NULL, 0, 0);
}

/*
 * One voucher's card, bottom left corner at (x, y): programme, what the
 * voucher is, its value and last day, its printed serial, its QR code and
 * control key or, when it is no longer outstanding, "ANNULÉ" and neither:
 * the key proves the paper was in hand as the code does, and a reprint
 * must not put a dead voucher back in someone's hands. 0, or -1 with err.
 */
static int
draw_card(struct doc *d, const struct store_booklet *b,
    const struct store_programme *p, const struct store_voucher *sv,
    const struct booklet_codes *codes, double x, double y,
    struct pn_error *err)
{
	char line[128], value[PN_MONEY_TEXT_MAX], date[PN_TIME_TEXT_MAX];
	double left = x + CARD_PAD, top = y + CARD_H - CARD_PAD, w;

	draw_cut_lines(d, x, y);
	top = card_lines(d, d->bold, 10, 12.5, left, top, COLUMN_W, 2,
	    p->name);
	top = card_lines(d, d->regular, 8, 10, left, top, COLUMN_W, 2,
	    "Chèque de formation numérique");
	pn_money_format(sv->value, value);
	top = card_lines(d, d->bold, 22, 28, left, top - 10, COLUMN_W, 1,
	    value);
	pn_time_format_paris_date(sv->expires_at, date);
	(void)snprintf(line, sizeof(line), "Valable jusqu’au %s", date);
	(void)card_lines(d, d->regular, 8, 10, left, top, COLUMN_W, 2, line);

	text_at(d->pt.page, d->regular, 8, left, y + SERIAL_Y, "N°");
	w = pdf_text_width(d->regular, 8, "N° ", strlen("N° "));
	text_at(d->pt.page, d->bold, SERIAL_SIZE, left + w, y + SERIAL_Y,
	    codes->printed);
	(void)snprintf(line, sizeof(line), "Carnet n° %lld", (long long)b->id);
	w = pdf_text_width(d->regular, 7, line, strlen(line));
	text_at(d->pt.page, d->regular, 7, x + CARD_W - CARD_PAD - w, y + KEY_Y,
	    line);

	if (strcmp(sv->status, "issued") == 0) {
		text_at(d->pt.page, d->regular, 8, left, y + KEY_Y, KEY_LABEL);
		w = pdf_text_width(d->regular, 8, KEY_LABEL, strlen(KEY_LABEL));
		text_at(d->pt.page, d->bold, KEY_SIZE, left + w, y + KEY_Y,
		    codes->control_key);
		if (draw_qr(d, codes->text, x + CARD_W - QR_INSET - QR_SIDE,
		    y + CARD_H - QR_INSET - QR_SIDE, QR_SIDE, err) != 0)
			return -1;
	} else
		draw_cancelled(d, x, y);
	return 0;
}

/* "Carnet n° N — page X / Y" at the foot of every page. */
static void
draw_footers(struct doc *d, const struct store_booklet *b)
{
	char line[128];
	HPDF_Page page;
	unsigned i;
	double w;

	for (i = 0; i < d->pages; i++) {
		if ((page = HPDF_GetPageByIndex(d->pt.pdf, i)) == NULL)
			return;
		(void)snprintf(line, sizeof(line), "Carnet n° %lld — page "
		    "%u / %u", (long long)b->id, i + 1, d->pages);
		w = pdf_text_width(d->regular, 8, line, strlen(line));
		HPDF_Page_SetGrayFill(page, 0.35f);
		text_at(page, d->regular, 8, (PAGE_W - w) / 2, FOOTER_Y, line);
		HPDF_Page_SetGrayFill(page, 0);
	}
}

/* Load a TrueType file for UTF-8 text; NULL with err when it cannot. */
static HPDF_Font
load_font(struct doc *d, const char *path, struct pn_error *err)
{
	const char *name;
	FILE *f;

	/* libharu says only "file open error": name the file ourselves. */
	if ((f = fopen(path, "rb")) == NULL) {
		pn_error_set(err, PN_E_IO, "%s: cannot read the font: %s",
		    path, strerror(errno));
		return NULL;
	}
	fclose(f);
	name = HPDF_LoadTTFontFromFile(d->pt.pdf, path, HPDF_TRUE);
	if (name == NULL) {
		pn_error_set(err, PN_E_IO, "%s: not a TrueType font libharu "
		    "can embed (error 0x%04lX)", path,
		    (unsigned long)d->pt.error);
		return NULL;
	}
	return HPDF_GetFont(d->pt.pdf, name, "UTF-8");
}

int
booklet_pdf(const struct store_booklet *b, const struct store_programme *p,
    const struct booklet_codes *codes, const struct booklet_pdf_fonts *fonts,
    uint8_t **out, size_t *len, struct pn_error *err)
{
	static const struct booklet_pdf_fonts dejavu = {
		BOOKLET_PDF_FONT, BOOKLET_PDF_FONT_BOLD
	};
	char title[64];
	struct doc d;
	unsigned i, col = 0;
	double row_y = 0;
	int rc = -1;

	if (out == NULL || len == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no place for the PDF",
		    __func__);
	*out = NULL;
	*len = 0;
	if (fonts == NULL)
		fonts = &dejavu;
	pn_error_clear(err);
	memset(&d, 0, sizeof(d));
	if (pdf_text_new(&d.pt, err) != 0) {
		if (d.pt.pdf == NULL)
			return -1;
		goto fail;
	}
	if (HPDF_UseUTFEncodings(d.pt.pdf) != HPDF_OK)
		goto fail;
	(void)snprintf(title, sizeof(title), "Carnet %lld", (long long)b->id);
	(void)HPDF_SetInfoAttr(d.pt.pdf, HPDF_INFO_TITLE, title);
	(void)HPDF_SetInfoAttr(d.pt.pdf, HPDF_INFO_CREATOR, "passnum");
	if ((d.regular = load_font(&d, fonts->regular, err)) == NULL ||
	    (d.bold = load_font(&d, fonts->bold, err)) == NULL)
		goto fail;
	if (new_page(&d) != 0 || draw_cover(&d, b, p) != 0)
		goto fail;

	/* Rows of cards below the cover, then on pages of their own. */
	for (i = 0; i < b->n; i++) {
		if (col == 0) {
			if (d.y - CARD_H < BOTTOM && new_page(&d) != 0)
				goto fail;
			row_y = d.y - CARD_H;
			d.y = row_y;
		}
		if (draw_card(&d, b, p, &b->vouchers[i], &codes[i],
		    GRID_X + col * CARD_W, row_y, err) != 0 ||
		    pdf_text_failed(&d.pt))
			goto fail;
		col = (col + 1) % COLS;
	}
	draw_footers(&d, b);
	if (pdf_text_save(&d.pt, out, len) != 0)
		goto fail;
	rc = 0;
	goto done;

	/* Reached on any failure: err says why, unless libharu does. */
fail:
	if (err != NULL && err->code == PN_E_OK) {
		(void)snprintf(title, sizeof(title), "booklet %lld",
		    (long long)b->id);
		pdf_text_error(&d.pt, title, err);
	}
done:
	HPDF_Free(d.pt.pdf);
	return rc;
}
