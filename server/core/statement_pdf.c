/* statement_pdf.c -- a venue's statement (relevé de règlement) as an A4 PDF in French, drawn with libharu.
 *
 * One page or many: every page opens with the same running header (title,
 * venue, reference, period) and the table's column headings, and ends
 * with "page N / M"; page 1 also carries who pays whom (the Département,
 * the venue's SIRET, address and IBAN) and the batch's state and date.
 * The table lists each session (start in Paris time, theme, duration),
 * then its vouchers (printed serial, face value, amount paid) and its
 * subtotal; a session cut by a page break starts again on the next page
 * under its heading marked "(suite)". The totals close the document.
 *
 * The document is a pure function of the statement: the date printed and
 * the date in the PDF's information dictionary are st->generated_at,
 * never the clock, and libharu writes no other date or random identifier,
 * so that the same statement always gives the same bytes. Nothing is read
 * from disk.
 *
 * Fonts: Helvetica and Helvetica-Bold, two of the 14 standard fonts that
 * every PDF reader provides, in WinAnsiEncoding (Windows-1252), which
 * holds every letter of French, the typographic apostrophe, guillemets,
 * the euro sign and the no-break space. The booklets embed DejaVu Sans in
 * UTF-8 instead, which costs libharu about 30 ms and 180 kB per document
 * (it builds and compresses a glyph map of 65,536 entries and the font's
 * tables every time; embedding it in WinAnsi still takes 15 ms), while a
 * statement in the standard fonts takes well under a millisecond and a
 * few kB: approval renders the statement of every venue of a settlement,
 * inside its transaction. Text is converted from UTF-8 with libharu's own
 * WinAnsi table; a character outside it prints as "?", a control
 * character as a space.
 *
 * libharu reports errors through a callback and carries on (pdf_text.h):
 * the first one is kept, and checked after each session.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <hpdf.h>

#include "passnum/bankid.h"
#include "passnum/money.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "pdf_text.h"
#include "settlement.h"

/* A4 portrait, in points from the bottom left corner. */
#define PAGE_W		595.276
#define PAGE_H		841.89
#define LEFT		42.0
#define RIGHT		(PAGE_W - 42.0)
#define WIDTH		(RIGHT - LEFT)
#define TOP		(PAGE_H - 36.0)
#define FOOTER_Y	24.0	/* baseline of "page N / M" */
#define BOTTOM		46.0	/* nothing but the footer goes lower */

/* The table: serial indented under its session, two amount columns. */
#define COL_SERIAL	(LEFT + 18.0)
#define COL_VALUE_R	(RIGHT - 118.0)	/* right edge of "Valeur faciale" */
#define COL_PAID_R	(RIGHT - 6.0)	/* right edge of "Montant réglé" */
#define HEAD_H		17.0	/* the column headings */
#define SESSION_H	19.0	/* a session's heading */
#define ROW_H		13.5	/* a voucher */
#define SUBTOTAL_H	20.0
#define TOTALS_H	96.0	/* the closing block */

/* The document being drawn and where its drawing stands. */
struct doc {
	struct pdf_text pt;	/* the document, its page and text */
	HPDF_Font regular;
	HPDF_Font bold;
	unsigned pages;
	double y;		/* top of the free space on the page */
	const struct statement *st;
	const struct statement_session *open;	/* session being listed */
};

/* A band of grey (0 black, 1 white) from y down by h, across the table. */
static void
band(struct doc *d, double y, double h, double grey)
{
	pdf_text_fill(&d->pt, LEFT, y - h, WIDTH, h, grey);
}

/* A horizontal rule at y from x0 to x1, in grey. */
static void
rule(struct doc *d, double y, double x0, double x1, double width, double grey)
{
	pdf_text_line(&d->pt, x0, y, x1, y, width, grey);
}

/* "123 456 789 00012" for a SIRET of 14 digits; anything else as it is. */
static void
siret_format(const char *siret, char *out, size_t cap)
{
	if (strlen(siret) == PN_SIRET_LEN)
		(void)snprintf(out, cap, "%.3s %.3s %.3s %.5s", siret,
		    siret + 3, siret + 6, siret + 9);
	else
		(void)snprintf(out, cap, "%s", siret);
}

/* The column headings of the table, from the cursor down. */
static void
draw_column_heads(struct doc *d)
{
	double base = d->y - HEAD_H + 5;

	band(d, d->y, HEAD_H, 0.85);
	pdf_text_utf8_at(&d->pt, d->bold, 8.5, LEFT + 6, base,
	    "Séance · N° de chèque");
	pdf_text_utf8_right(&d->pt, d->bold, 8.5, COL_VALUE_R, base,
	    "Valeur faciale");
	pdf_text_utf8_right(&d->pt, d->bold, 8.5, COL_PAID_R, base,
	    "Montant réglé");
	d->y -= HEAD_H;
}

/*
 * A session's heading: start, duration and theme on the left, its number
 * of vouchers on the right; "(suite)" when it goes on from a page before.
 */
static void
draw_session_head(struct doc *d, const struct statement_session *t,
    bool again)
{
	char when[PN_TIME_TEXT_MAX], dur[32], utf8[PN_TIME_TEXT_MAX + 40];
	char line[sizeof(utf8)], count[48];
	double base = d->y - SESSION_H + 6, x, right;

	pn_time_format_paris(t->starts_at, when);
	pn_duration_format(t->duration_minutes, dur, sizeof(dur));
	(void)snprintf(utf8, sizeof(utf8), "%s · %s", when, dur);
	pdf_text_winansi(&d->pt, utf8, line, sizeof(line));
	(void)snprintf(utf8, sizeof(utf8), "%zu chèque%s%s", t->n_vouchers,
	    t->n_vouchers > 1 ? "s" : "", again ? " (suite)" : "");
	pdf_text_winansi(&d->pt, utf8, count, sizeof(count));
	band(d, d->y, SESSION_H, 0.94);
	pdf_text_at(&d->pt, d->bold, 9.5, LEFT + 6, base, line);
	x = LEFT + 6 + pdf_text_width(d->bold, 9.5, line, strlen(line)) + 12;
	pdf_text_right(&d->pt, d->regular, 8.5, COL_PAID_R, base, count);
	right = COL_PAID_R - pdf_text_width(d->regular, 8.5, count,
	    strlen(count)) - 12;
	(void)pdf_text_lines(&d->pt, d->regular, 9.5, 0, x, base, right - x, 1,
	    t->theme);
	d->y -= SESSION_H;
}

/*
 * The running header of every page: title and reference, venue and
 * period, a rule.
 */
static void
draw_running_header(struct doc *d)
{
	const struct statement *st = d->st;
	char ref[SETTLE_REF_MAX + 16], period[SETTLE_LABEL_MAX + 16];
	char text[PDF_TEXT_MAX];
	double y = TOP - 14, w;

	pdf_text_utf8_at(&d->pt, d->bold, 14, LEFT, y,
	    "Relevé de règlement — Pass numérique");
	(void)snprintf(ref, sizeof(ref), "Réf. %s", st->reference);
	pdf_text_utf8_right(&d->pt, d->regular, 9, RIGHT, y, ref);
	y -= 16;
	(void)snprintf(period, sizeof(period), "Période : %s",
	    st->period_label);
	pdf_text_winansi(&d->pt, period, text, sizeof(text));
	w = pdf_text_width(d->regular, 9, text, strlen(text));
	pdf_text_right(&d->pt, d->regular, 9, RIGHT, y, text);
	(void)pdf_text_lines(&d->pt, d->bold, 10, 0, LEFT, y, WIDTH - w - 16, 1,
	    st->venue_name);
	y -= 8;
	rule(d, y, LEFT, RIGHT, 0.8, 0.3);
	d->y = y - 10;
}

/* One "label  value" line of the identity block; the next baseline. */
static double
field(struct doc *d, double x, double y, double width, const char *label,
    const char *value, unsigned max_lines)
{
	char text[64];
	double w;

	pdf_text_winansi(&d->pt, label, text, sizeof(text));
	w = pdf_text_width(d->regular, 8, text, strlen(text)) + 6;
	HPDF_Page_SetGrayFill(d->pt.page, 0.3f);
	pdf_text_at(&d->pt, d->regular, 8, x, y, text);
	HPDF_Page_SetGrayFill(d->pt.page, 0);
	return pdf_text_lines(&d->pt, d->regular, 9.5, 12.5, x + w, y, width
	    - w,
	    max_lines, value);
}

/*
 * Page 1's block under the running header: the payee on the left
 * (name, SIRET, address, commune, IBAN), the payer and the batch on the
 * right (Département, period, reference, state, the bank's reference
 * once paid, date of issue).
 */
static void
draw_identity(struct doc *d)
{
	const struct statement *st = d->st;
	char siret[32], iban[PN_IBAN_TEXT_MAX], when[PN_TIME_TEXT_MAX];
	const double col = (WIDTH - 20) / 2, rx = LEFT + col + 20;
	double ly = d->y - 10, ry = d->y - 10;

	HPDF_Page_SetGrayFill(d->pt.page, 0.3f);
	pdf_text_utf8_at(&d->pt, d->bold, 8, LEFT, ly,
	    "LIEU PARTENAIRE, BÉNÉFICIAIRE DU "
	    "PAIEMENT");
	pdf_text_utf8_at(&d->pt, d->bold, 8, rx, ry,
	    "PAYEUR ET LOT DE RÈGLEMENT");
	HPDF_Page_SetGrayFill(d->pt.page, 0);
	ly = pdf_text_lines(&d->pt, d->bold, 11, 13.5, LEFT, ly - 15, col, 2,
	    st->venue_name);
	siret_format(st->venue_siret, siret, sizeof(siret));
	ly = field(d, LEFT, ly, col, "SIRET", siret, 1);
	ly = field(d, LEFT, ly, col, "Adresse", st->venue_address, 2);
	ly = field(d, LEFT, ly, col, "Commune", st->venue_commune, 1);
	pn_iban_format(st->venue_iban, iban);
	ly = field(d, LEFT, ly, col, "IBAN", iban, 1);
	/* Said where the venue reads its account: a change it did not ask
	 * for is caught at the first payment it makes (docs/settlement.md). */
	if (st->iban_changed)
		ly = field(d, LEFT, ly, col, "Attention",
		    "IBAN changé depuis le dernier paiement", 2);

	ry = pdf_text_lines(&d->pt, d->bold, 11, 13.5, rx, ry - 15, col, 2,
	    st->debtor_name);
	ry = field(d, rx, ry, col, "Période", st->period_label, 1);
	ry = field(d, rx, ry, col, "Référence du lot", st->reference, 1);
	ry = field(d, rx, ry, col, "État", st->status_label, 1);
	/* Only once paid: the approved statement's bytes stay as stored. */
	if (st->bank_reference[0] != '\0')
		ry = field(d, rx, ry, col, "Référence bancaire",
		    st->bank_reference, 1);
	pn_time_format_paris(st->generated_at, when);
	ry = field(d, rx, ry, col, "Édité le", when, 1);
	d->y = (ly < ry ? ly : ry) - 4;
}

/*
 * Start a page: running header (and on page 1 the identity block), the
 * column headings, and the heading of a session that goes on from the
 * page before. 0, or -1 on error.
 */
static int
new_page(struct doc *d)
{
	if (pdf_text_page(&d->pt) != 0)
		return -1;
	d->pages++;
	draw_running_header(d);
	if (d->pages == 1)
		draw_identity(d);
	draw_column_heads(d);
	if (d->open != NULL)
		draw_session_head(d, d->open, true);
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

/* One voucher's row: printed serial, face value, amount paid. */
static void
draw_voucher(struct doc *d, const struct statement_voucher *v)
{
	char serial[PN_SERIAL_TEXT_MAX], money[PN_MONEY_TEXT_MAX];
	double base = d->y - ROW_H + 4;

	pn_serial_format(v->serial, serial);
	pdf_text_at(&d->pt, d->regular, 9.5, COL_SERIAL, base, serial);
	pn_money_format(v->value_cents, money);
	pdf_text_utf8_right(&d->pt, d->regular, 9.5, COL_VALUE_R, base, money);
	pn_money_format(v->amount_cents, money);
	pdf_text_utf8_right(&d->pt, d->regular, 9.5, COL_PAID_R, base, money);
	d->y -= ROW_H;
}

/* A session's subtotal, under a thin rule. */
static void
draw_subtotal(struct doc *d, int64_t value, int64_t paid)
{
	char money[PN_MONEY_TEXT_MAX];
	double base = d->y - SUBTOTAL_H + 8;

	rule(d, d->y - 1, COL_SERIAL, RIGHT, 0.5, 0.6);
	pdf_text_utf8_at(&d->pt, d->bold, 9, COL_SERIAL, base,
	    "Sous-total de la séance");
	pn_money_format(value, money);
	pdf_text_utf8_right(&d->pt, d->bold, 9, COL_VALUE_R, base, money);
	pn_money_format(paid, money);
	pdf_text_utf8_right(&d->pt, d->bold, 9, COL_PAID_R, base, money);
	d->y -= SUBTOTAL_H;
}

/* One session: its heading, its vouchers, its subtotal. 0 or -1. */
static int
draw_session(struct doc *d, const struct statement_session *t)
{
	int64_t value = 0, paid = 0;
	size_t i;

	/* A heading is never left alone at the foot of a page. */
	if (need(d, SESSION_H + ROW_H) != 0)
		return -1;
	draw_session_head(d, t, false);
	d->open = t;
	for (i = 0; i < t->n_vouchers; i++) {
		if (need(d, ROW_H) != 0)
			return -1;
		draw_voucher(d, &t->vouchers[i]);
		/* check() made sure that these sums hold. */
		value += t->vouchers[i].value_cents;
		paid += t->vouchers[i].amount_cents;
	}
	if (need(d, SUBTOTAL_H) != 0)
		return -1;
	draw_subtotal(d, value, paid);
	d->open = NULL;
	return pdf_text_failed(&d->pt) ? -1 : 0;
}

/* The closing block: vouchers, gross, commission, total to be paid. */
static int
draw_totals(struct doc *d, size_t vouchers)
{
	const struct statement *st = d->st;
	char text[64], money[PN_MONEY_TEXT_MAX];
	const double x = LEFT + WIDTH / 2;
	double y;

	if (need(d, TOTALS_H) != 0)
		return -1;
	if (st->n_sessions == 0) {
		pdf_text_utf8_at(&d->pt, d->regular, 9.5, LEFT + 6, d->y - 14,
		    "Aucune séance sur ce relevé.");
		d->y -= 20;
	}
	y = d->y - 18;
	pdf_text_utf8_at(&d->pt, d->bold, 11, LEFT, y, "Totaux du relevé");
	pdf_text_utf8_at(&d->pt, d->regular, 9.5, x, y, "Nombre de chèques");
	(void)snprintf(text, sizeof(text), "%zu", vouchers);
	pdf_text_right(&d->pt, d->regular, 9.5, COL_PAID_R, y, text);
	y -= 15;
	pdf_text_utf8_at(&d->pt, d->regular, 9.5, x, y,
	    "Montant brut (valeur faciale)");
	pn_money_format(st->gross_cents, money);
	pdf_text_utf8_right(&d->pt, d->regular, 9.5, COL_PAID_R, y, money);
	y -= 15;
	pdf_text_at(&d->pt, d->regular, 9.5, x, y, "Commission");
	pn_money_format(st->commission_cents, money);
	pdf_text_utf8_right(&d->pt, d->regular, 9.5, COL_PAID_R, y, money);
	y -= 8;
	rule(d, y, x, RIGHT, 0.8, 0);
	y -= 16;
	pdf_text_utf8_at(&d->pt, d->bold, 11, x, y, "Total à payer");
	pn_money_format(st->total_cents, money);
	pdf_text_utf8_right(&d->pt, d->bold, 11, COL_PAID_R, y, money);
	d->y = y - 10;
	return pdf_text_failed(&d->pt) ? -1 : 0;
}

/* "Relevé REF — page N / M" at the foot of every page. */
static void
draw_footers(struct doc *d)
{
	char line[SETTLE_REF_MAX + 64];
	unsigned i;

	for (i = 0; i < d->pages; i++) {
		if ((d->pt.page = HPDF_GetPageByIndex(d->pt.pdf, i)) == NULL)
			return;
		d->pt.font = NULL;
		(void)snprintf(line, sizeof(line), "Relevé %s — page %u / %u",
		    d->st->reference, i + 1, d->pages);
		HPDF_Page_SetGrayFill(d->pt.page, 0.35f);
		pdf_text_utf8_right(&d->pt, d->regular, 8, RIGHT, FOOTER_Y,
		    line);
		HPDF_Page_SetGrayFill(d->pt.page, 0);
		pdf_text_end(&d->pt);
	}
}

/* Title, creator and creation date: the statement's, never the clock's. */
static void
set_info(struct doc *d)
{
	char title[SETTLE_REF_MAX + 32];

	(void)snprintf(title, sizeof(title), "Relevé de règlement %s",
	    d->st->reference);
	pdf_text_info(&d->pt, title, d->st->generated_at);
}

/* Whether the char array a holds a NUL: a string its writer ended. */
#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)

/* *sum += v, or false when v is negative or the sum would overflow. */
static bool
add_cents(int64_t *sum, int64_t v)
{
	if (v < 0 || *sum > INT64_MAX - v)
		return false;
	*sum += v;
	return true;
}

/*
 * Refuse what cannot be printed truthfully: arrays announced but missing,
 * strings not ended, negative amounts, a voucher paid more than its face
 * value, totals that are not the sums of the vouchers. *vouchers counts
 * them. 0, or -1 with err (PN_E_ARG).
 */
static int
check(const struct statement *st, size_t *vouchers, struct pn_error *err)
{
	const struct statement_session *t;
	const struct statement_voucher *v;
	int64_t gross = 0, paid = 0;
	size_t i, j;

	*vouchers = 0;
	if (st->n_sessions > 0 && st->sessions == NULL)
		return pn_error_set(err, PN_E_ARG, "statement: %zu sessions "
		    "announced but no session array", st->n_sessions);
	if (!TERMINATED(st->reference) || !TERMINATED(st->period_label) ||
	    !TERMINATED(st->status_label) || !TERMINATED(st->debtor_name) ||
	    !TERMINATED(st->venue_name) || !TERMINATED(st->venue_siret) ||
	    !TERMINATED(st->venue_address) || !TERMINATED(st->venue_commune) ||
	    !TERMINATED(st->venue_iban) || !TERMINATED(st->bank_reference))
		return pn_error_set(err, PN_E_ARG, "statement: a text field is "
		    "not NUL-terminated");
	for (i = 0; i < st->n_sessions; i++) {
		t = &st->sessions[i];
		if (t->n_vouchers > 0 && t->vouchers == NULL)
			return pn_error_set(err, PN_E_ARG, "statement: session "
			    "%zu announces %zu vouchers but has no voucher "
			    "array", i + 1, t->n_vouchers);
		if (!TERMINATED(t->theme))
			return pn_error_set(err, PN_E_ARG, "statement: session "
			    "%zu: theme not NUL-terminated", i + 1);
		for (j = 0; j < t->n_vouchers; j++) {
			v = &t->vouchers[j];
			if (v->value_cents < 0 || v->amount_cents < 0 ||
			    v->amount_cents > v->value_cents)
				return pn_error_set(err, PN_E_ARG, "statement: "
				    "session %zu, voucher %llu: %lld cents paid "
				    "for a face value of %lld", i + 1,
				    (unsigned long long)v->serial,
				    (long long)v->amount_cents,
				    (long long)v->value_cents);
			if (!add_cents(&gross, v->value_cents) ||
			    !add_cents(&paid, v->amount_cents))
				return pn_error_set(err, PN_E_ARG, "statement: "
				    "the amounts overflow");
		}
		*vouchers += t->n_vouchers;
	}
	if (gross != st->gross_cents || paid != st->total_cents ||
	    st->commission_cents != gross - paid)
		return pn_error_set(err, PN_E_ARG, "statement: the totals do "
		    "not add up: the vouchers' face values make %lld cents and "
		    "their amounts paid %lld, the statement says gross %lld, "
		    "commission %lld, total %lld", (long long)gross,
		    (long long)paid, (long long)st->gross_cents,
		    (long long)st->commission_cents, (long long)st->total_cents);
	return 0;
}

int
statement_pdf_render(const struct statement *st, unsigned char **out,
    size_t *len, struct pn_error *err)
{
	char what[128];
	struct doc d;
	size_t i, vouchers;
	int rc = -1;

	pn_error_clear(err);
	if (out == NULL || len == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no place for the PDF",
		    __func__);
	*out = NULL;
	*len = 0;
	if (st == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no statement",
		    __func__);
	if (check(st, &vouchers, err) != 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.st = st;
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
	for (i = 0; i < st->n_sessions; i++)
		if (draw_session(&d, &st->sessions[i]) != 0)
			goto fail;
	if (draw_totals(&d, vouchers) != 0)
		goto fail;
	pdf_text_end(&d.pt);
	draw_footers(&d);
	if (pdf_text_save(&d.pt, out, len) != 0)
		goto fail;
	rc = 0;
	goto done;

	/* Reached on any failure of libharu, whose error err then names. */
fail:
	(void)snprintf(what, sizeof(what), "statement %s", st->reference);
	pdf_text_error(&d.pt, what, err);
done:
	HPDF_Free(d.pt.pdf);
	return rc;
}
