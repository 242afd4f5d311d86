/* bilan_pdf.c -- the « Bilan du Pass numérique », one A4 page drawn with libharu.
 *
 * From the top: the title, the programme, the period and the date of the
 * data, a rule; the key figures in boxes, four a row at most; the charts,
 * sharing what height is left equally; the footer text at the bottom.
 * Bars are drawn horizontally, the category's name in a column on the
 * left, so that commune names keep their room; a chart's rows are at
 * least MIN_ROW points apart, and the categories that would not fit are
 * folded into one « Autres (N) » bar after the largest ones. Series are
 * told apart by grey level and a black outline, lines by dash and marker,
 * and every bar and point carries its value: the page reads printed on a
 * black-and-white office printer.
 *
 * Drawn as the statement is, with pdf_text.h: Helvetica in WinAnsi, no
 * date but the caller's, libharu's first error kept and checked at the end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>

#include "bilan_pdf.h"
#include "pdf_text.h"

#define PAGE_W		595.276
#define PAGE_H		841.89
#define LEFT		42.0
#define RIGHT		(PAGE_W - 42.0)
#define WIDTH		(RIGHT - LEFT)
#define TOP		(PAGE_H - 40.0)
#define FOOT_TOP	62.0	/* the footer's block starts here, down */
#define FIG_H		44.0	/* a key figure's box */
#define FIG_GAP		6.0
#define MIN_ROW		8.5	/* a bar chart's row, at the least */
#define MAX_ROW		18.0
#define NAME_COL	0.34	/* the names' column, of the chart's width */

/* A series' grey, darkest first, each apart from the next by contrast. */
static const double series_grey[CHART_SERIES_MAX] = {
	0.2, 0.75, 0.5, 0.95, 0.35, 0.62
};
/* A line's dash per series (on, off), none for the first. */
static const HPDF_UINT16 series_dash[CHART_SERIES_MAX][2] = {
	{ 0, 0 }, { 5, 3 }, { 1, 2 }, { 7, 2 }, { 3, 3 }, { 9, 3 }
};

struct doc {
	struct pdf_text pt;
	HPDF_Font regular;
	HPDF_Font bold;
	const char *suppressed;
};

/*
 * The UTF-8 text s in WinAnsi into out, cut with "…" to width in font at
 * size.
 */
static void
fit(struct doc *d, HPDF_Font font, double size, const char *s, double width,
    char *out, size_t cap)
{
	size_t n;

	pdf_text_winansi(&d->pt, s != NULL ? s : "", out, cap);
	n = strlen(out);
	if (pdf_text_width(font, size, out, n) <= width)
		return;
	while (n > 0 && pdf_text_width(font, size, out, n) +
	    pdf_text_width(font, size, "\x85", 1) > width)
		n--;
	while (n > 0 && out[n - 1] == ' ')
		n--;
	if (n + 2 > cap)
		n = cap - 2;
	out[n] = '\x85';	/* "…" in WinAnsi */
	out[n + 1] = '\0';
}

/* The UTF-8 text s at (x, y), cut to width. */
static void
fit_at(struct doc *d, HPDF_Font font, double size, double x, double y,
    double width, const char *s)
{
	char buf[PDF_TEXT_MAX];

	fit(d, font, size, s, width, buf, sizeof(buf));
	pdf_text_at(&d->pt, font, size, x, y, buf);
}

/* A rectangle filled with grey and outlined in black. */
static void
box(struct doc *d, double x, double y, double w, double h, double grey)
{
	HPDF_Page p = d->pt.page;

	pdf_text_end(&d->pt);
	HPDF_Page_SetGrayFill(p, (HPDF_REAL)grey);
	HPDF_Page_SetGrayStroke(p, 0);
	HPDF_Page_SetLineWidth(p, 0.4f);
	HPDF_Page_Rectangle(p, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w,
	    (HPDF_REAL)h);
	HPDF_Page_FillStroke(p);
	HPDF_Page_SetGrayFill(p, 0);
}

/* Title, programme, period and date of the data; the y below. */
static double
draw_head(struct doc *d, const struct bilan_pdf_in *in)
{
	char line[PDF_TEXT_MAX];
	double y = TOP - 18;

	pdf_text_utf8_at(&d->pt, d->bold, 20, LEFT, y,
	    "Bilan du Pass numérique");
	y -= 20;
	fit_at(d, d->bold, 13, LEFT, y, WIDTH, in->programme);
	y -= 15;
	(void)snprintf(line, sizeof(line), "Période : %s", in->period);
	y = pdf_text_lines(&d->pt, d->regular, 10, 12, LEFT, y, WIDTH, 2,
	    line);
	(void)snprintf(line, sizeof(line), "Données au %s", in->data_date);
	fit_at(d, d->regular, 10, LEFT, y, WIDTH, line);
	y -= 8;
	pdf_text_line(&d->pt, LEFT, y, RIGHT, y, 0.8, 0.3);
	return y - 8;
}

/* The key figures, in boxes; the y below them. */
static double
draw_figures(struct doc *d, const struct bilan_pdf_in *in, double top)
{
	char buf[PDF_TEXT_MAX];
	size_t cols, i;
	double w, x, y, size;

	if (in->n_figures == 0)
		return top;
	cols = in->n_figures <= 4 ? in->n_figures :
	    in->n_figures <= 6 ? 3 : 4;
	w = (WIDTH - FIG_GAP * (double)(cols - 1)) / (double)cols;
	for (i = 0; i < in->n_figures; i++) {
		x = LEFT + (double)(i % cols) * (w + FIG_GAP);
		y = top - (double)(i / cols + 1) * FIG_H -
		    (double)(i / cols) * FIG_GAP;
		pdf_text_fill(&d->pt, x, y, w, FIG_H, 0.92);
		/* The value as large as fits, from 16 down to 9 points. */
		pdf_text_winansi(&d->pt, in->figures[i].value != NULL ?
		    in->figures[i].value : "", buf, sizeof(buf));
		for (size = 16; size > 9; size -= 1)
			if (pdf_text_width(d->bold, size, buf, strlen(buf)) <=
			    w - 10)
				break;
		fit_at(d, d->bold, size, x + 5, y + FIG_H - 19, w - 10,
		    in->figures[i].value);
		(void)pdf_text_lines(&d->pt, d->regular, 7.5, 8.5, x + 5,
		    y + FIG_H - 30, w - 10, 2, in->figures[i].label != NULL ?
		    in->figures[i].label : "");
	}
	return top - (double)((in->n_figures + cols - 1) / cols) *
	    (FIG_H + FIG_GAP);
}

/* A value as the chart shows it. */
static void
value_text(const struct doc *d, const struct chart *c, double v, char *buf,
    size_t cap)
{
	chart_value_format(v, c->decimals, NULL, d->suppressed, buf, cap);
}

/* The rows a bar chart draws: categories kept, or « Autres ». */
struct row {
	const char *name;	/* UTF-8 */
	char other[48];		/* « Autres (N) », when name is NULL */
	double v[CHART_SERIES_MAX];
	size_t hidden[CHART_SERIES_MAX];	/* suppressed values folded in */
};

/* The sort key of category i: its total, a suppressed one last. */
static double
row_key(const struct chart *c, size_t i)
{
	size_t hidden;
	double t = chart_category_total(c, i, &hidden);

	return hidden == c->n_series ? -1 : t;
}

/*
 * The rows of c in at most max: all of them in the caller's order when
 * they fit, else the max - 1 largest and « Autres ». Returns the count,
 * rows in *out (malloc'd), or -1.
 */
static long
bar_rows(const struct chart *c, size_t max, struct row **out)
{
	size_t n = c->n_categories, keep, i, k, s;
	size_t *order = NULL;
	struct row *rows;
	double v;

	*out = NULL;
	if (max < 2)
		max = 2;
	keep = n <= max ? n : max - 1;
	if ((rows = calloc(keep + 1, sizeof(*rows))) == NULL)
		return -1;
	if ((order = calloc(n + 1, sizeof(*order))) == NULL) {
		free(rows);
		return -1;
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	/*
	 * Largest first, ties in the caller's order: an insertion sort, the
	 * lists being short (CHART_CATEGORIES_MAX) and qsort() having no
	 * context argument but through a global the threads would share.
	 */
	if (n > keep)
		for (k = 1; k < n; k++) {
			i = order[k];
			v = row_key(c, i);
			for (s = k; s > 0 && row_key(c, order[s - 1]) < v; s--)
				order[s] = order[s - 1];
			order[s] = i;
		}
	for (k = 0; k < n; k++) {
		i = order[k];
		if (k < keep)
			rows[k].name = c->categories[i] != NULL ?
			    c->categories[i] : "";
		for (s = 0; s < c->n_series; s++) {
			v = c->series[s].values[i];
			if (k < keep) {
				rows[k].v[s] = v;
				continue;
			}
			if (chart_value_shown(v))
				rows[keep].v[s] += v;
			else
				rows[keep].hidden[s]++;
		}
	}
	if (n > keep) {
		(void)snprintf(rows[keep].other, sizeof(rows[keep].other),
		    "Autres (%zu)", n - keep);
		keep++;
	}
	free(order);
	*out = rows;
	return (long)keep;
}

/* The label of row r's series s (or of its stack when s is n_series). */
static void
row_label(const struct doc *d, const struct chart *c, const struct row *r,
    size_t s, char *buf, size_t cap)
{
	char v[CHART_VALUE_TEXT_MAX];
	size_t hidden = 0, k, all = 0;
	double total = 0;

	if (s < c->n_series) {
		if (r->hidden[s] > 0 && r->v[s] == 0) {
			(void)snprintf(buf, cap, "%s", d->suppressed);
			return;
		}
		value_text(d, c, r->v[s], v, sizeof(v));
		(void)snprintf(buf, cap, "%s%s%s", v, r->hidden[s] > 0 ?
		    " + " : "", r->hidden[s] > 0 ? d->suppressed : "");
		return;
	}
	for (k = 0; k < c->n_series; k++) {
		if (chart_value_shown(r->v[k])) {
			total += r->v[k];
			all++;
		}
		if (!chart_value_shown(r->v[k]) || r->hidden[k] > 0)
			hidden++;
	}
	if (all == 0) {
		(void)snprintf(buf, cap, "%s", d->suppressed);
		return;
	}
	value_text(d, c, total, v, sizeof(v));
	(void)snprintf(buf, cap, "%s%s%s", v, hidden > 0 ? " + " : "",
	    hidden > 0 ? d->suppressed : "");
}

/* The series' legend at the top right of a chart, at baseline y. */
static void
draw_legend(struct doc *d, const struct chart *c, double y)
{
	char buf[PDF_TEXT_MAX];
	double x = RIGHT, w;
	size_t s;

	if (c->n_series < 2)
		return;
	for (s = c->n_series; s-- > 0; ) {
		fit(d, d->regular, 7, c->series[s].name, 90, buf, sizeof(buf));
		w = pdf_text_width(d->regular, 7, buf, strlen(buf));
		x -= w;
		pdf_text_at(&d->pt, d->regular, 7, x, y, buf);
		x -= 11;
		if (c->kind == CHART_LINE) {
			pdf_text_end(&d->pt);
			HPDF_Page_SetLineWidth(d->pt.page, 1.4f);
			HPDF_Page_SetGrayStroke(d->pt.page, 0);
			if (s > 0)
				HPDF_Page_SetDash(d->pt.page, series_dash[s],
				    2, 0);
			HPDF_Page_MoveTo(d->pt.page, (HPDF_REAL)x,
			    (HPDF_REAL)(y + 2.5));
			HPDF_Page_LineTo(d->pt.page, (HPDF_REAL)(x + 9),
			    (HPDF_REAL)(y + 2.5));
			HPDF_Page_Stroke(d->pt.page);
			HPDF_Page_SetDash(d->pt.page, NULL, 0, 0);
		} else
			box(d, x, y - 1, 8, 7, series_grey[s]);
		x -= 10;
	}
}

/* The value axis along the bottom of a horizontal bar chart. */
static void
bar_axis(struct doc *d, const struct chart *c, double x0, double x1,
    double y, double top, double step, unsigned ticks, double scale)
{
	char buf[CHART_VALUE_TEXT_MAX];
	double x;
	unsigned t;

	for (t = 0; t <= ticks; t++) {
		x = x0 + (double)t * step * scale;
		pdf_text_line(&d->pt, x, y, x, top, t == 0 ? 0.6 : 0.3,
		    t == 0 ? 0.3 : 0.82);
		chart_value_format((double)t * step,
		    chart_tick_decimals(step), NULL, NULL, buf, sizeof(buf));
		pdf_text_utf8_right(&d->pt, d->regular, 6.5,
		    x + pdf_text_width(d->regular, 6.5, "0", 1) / 2 +
		    (t == 0 ? 3 : 0), y - 8, buf);
	}
	if (c->unit != NULL && c->unit[0] != '\0') {
		(void)snprintf(buf, sizeof(buf), "en %s", c->unit);
		pdf_text_utf8_right(&d->pt, d->regular, 6.5, x1 + 40, y - 8,
		    buf);
	}
}

/* A bar chart (grouped or stacked) in the box from top down by h. */
static int
draw_bars(struct doc *d, const struct chart *c, double top, double h)
{
	char buf[PDF_TEXT_MAX];
	struct row *rows;
	double avail = h - 14, rh, x0, x1, scale, step, max = 0, y, x, w,
	    thick, size, v;
	unsigned ticks;
	long n, r;
	size_t s, fit_n;

	fit_n = (size_t)(avail / MIN_ROW);
	if ((n = bar_rows(c, fit_n, &rows)) < 0)
		return -1;
	for (r = 0; r < n; r++) {
		v = 0;
		for (s = 0; s < c->n_series; s++) {
			if (!chart_value_shown(rows[r].v[s]))
				continue;
			if (c->kind == CHART_STACKED_BARS)
				v += rows[r].v[s];
			else if (rows[r].v[s] > v)
				v = rows[r].v[s];
		}
		if (v > max)
			max = v;
	}
	rh = n > 0 ? avail / (double)n : MAX_ROW;
	if (rh > MAX_ROW)
		rh = MAX_ROW;
	size = rh * 0.8 < 8.5 ? rh * 0.8 : 8.5;
	if (size < 6)
		size = 6;
	x0 = LEFT + WIDTH * NAME_COL;
	x1 = RIGHT - 52;
	scale = (x1 - x0) / chart_axis(max, c->decimals, &step, &ticks);
	bar_axis(d, c, x0, x1, top - (double)n * rh - 2, top, step, ticks,
	    scale);
	thick = c->kind == CHART_STACKED_BARS ? rh * 0.7 :
	    rh * 0.75 / (double)c->n_series;
	for (r = 0; r < n; r++) {
		y = top - (double)(r + 1) * rh;
		fit_at(d, d->regular, size, LEFT, y + rh / 2 - size * 0.35,
		    x0 - LEFT - 6, rows[r].name != NULL ? rows[r].name :
		    rows[r].other);
		x = x0;
		for (s = 0; s < c->n_series; s++) {
			v = rows[r].v[s];
			w = chart_value_shown(v) && v > 0 ? v * scale : 0;
			if (c->kind == CHART_STACKED_BARS) {
				if (w > 0)
					box(d, x, y + rh * 0.15, w, thick,
					    series_grey[s]);
				x += w;
				continue;
			}
			if (w > 0)
				box(d, x0, y + rh * 0.875 - (double)(s + 1) *
				    thick, w, thick, series_grey[s]);
			row_label(d, c, &rows[r], s, buf, sizeof(buf));
			pdf_text_utf8_at(&d->pt, d->regular, thick > 7 ? 7 :
			    thick < 5 ? 5 : thick, x0 + w + 3,
			    y + rh * 0.875 - (double)(s + 1) * thick +
			    thick * 0.2, buf);
		}
		if (c->kind == CHART_STACKED_BARS) {
			row_label(d, c, &rows[r], c->n_series, buf,
			    sizeof(buf));
			pdf_text_utf8_at(&d->pt, d->regular, size > 7 ? 7 :
			    size, x + 3, y + rh / 2 - size * 0.3, buf);
		}
	}
	free(rows);
	return 0;
}

/* A line chart in the box from top down by h. */
static void
draw_lines(struct doc *d, const struct chart *c, double top, double h)
{
	char buf[CHART_VALUE_TEXT_MAX];
	double x0 = LEFT + 34, x1 = RIGHT - 6, base = top - h + 16, ph,
	    step, scale, slot, x, y, v, max = 0;
	unsigned ticks, t;
	size_t i, s, every;
	bool pen, labels;

	for (s = 0; s < c->n_series; s++)
		for (i = 0; i < c->n_categories; i++)
			if (chart_value_shown(c->series[s].values[i]) &&
			    c->series[s].values[i] > max)
				max = c->series[s].values[i];
	ph = h - 28;
	scale = ph / chart_axis(max, c->decimals, &step, &ticks);
	for (t = 0; t <= ticks; t++) {
		y = base + (double)t * step * scale;
		pdf_text_line(&d->pt, x0, y, x1, y, t == 0 ? 0.6 : 0.3,
		    t == 0 ? 0.3 : 0.82);
		chart_value_format((double)t * step,
		    chart_tick_decimals(step), NULL, NULL, buf, sizeof(buf));
		pdf_text_utf8_right(&d->pt, d->regular, 6.5, x0 - 3, y - 2,
		    buf);
	}
	if (c->unit != NULL && c->unit[0] != '\0') {
		(void)snprintf(buf, sizeof(buf), "en %s", c->unit);
		pdf_text_utf8_at(&d->pt, d->regular, 6.5, LEFT, top - 6, buf);
	}
	slot = (x1 - x0) / (double)c->n_categories;
	every = (size_t)(48 / slot) + 1;
	for (i = 0; i < c->n_categories; i += every)
		fit_at(d, d->regular, 6.5, x0 + slot * (double)i + 1, base - 9,
		    slot * (double)every - 2, c->categories[i]);
	labels = c->n_series == 1 && c->n_categories <= 13;
	for (s = 0; s < c->n_series; s++) {
		pdf_text_end(&d->pt);
		HPDF_Page_SetLineWidth(d->pt.page, 1.4f);
		HPDF_Page_SetGrayStroke(d->pt.page, s % 2 == 0 ? 0 : 0.35f);
		if (s > 0)
			HPDF_Page_SetDash(d->pt.page, series_dash[s], 2, 0);
		pen = false;
		for (i = 0; i < c->n_categories; i++) {
			v = c->series[s].values[i];
			if (!chart_value_shown(v)) {
				pen = false;
				continue;
			}
			x = x0 + slot * ((double)i + 0.5);
			y = base + (v > 0 ? v * scale : 0);
			if (pen)
				HPDF_Page_LineTo(d->pt.page, (HPDF_REAL)x,
				    (HPDF_REAL)y);
			else
				HPDF_Page_MoveTo(d->pt.page, (HPDF_REAL)x,
				    (HPDF_REAL)y);
			pen = true;
		}
		HPDF_Page_Stroke(d->pt.page);
		HPDF_Page_SetDash(d->pt.page, NULL, 0, 0);
		for (i = 0; i < c->n_categories; i++) {
			v = c->series[s].values[i];
			x = x0 + slot * ((double)i + 0.5);
			y = base;
			if (chart_value_shown(v)) {
				y += v > 0 ? v * scale : 0;
				box(d, x - 1.8, y - 1.8, 3.6, 3.6,
				    series_grey[s]);
			}
			if (labels) {
				value_text(d, c, v, buf, sizeof(buf));
				pdf_text_utf8_right(&d->pt, d->regular, 6.5,
				    x + pdf_text_width(d->regular, 6.5, "00",
				    2), y + 4, buf);
			}
		}
	}
}

/* Chart c in the box from top down by h: title, legend, drawing. */
static int
draw_chart(struct doc *d, const struct chart *c, double top, double h)
{
	double y = top - 11;

	fit_at(d, d->bold, 10.5, LEFT, y, c->n_series > 1 ? WIDTH * 0.55 :
	    WIDTH, c->title);
	draw_legend(d, c, y);
	y -= 6;
	h -= 17;
	if (c->n_categories == 0) {
		pdf_text_utf8_at(&d->pt, d->regular, 8.5, LEFT, y - 12,
		    "Aucune donnée pour cette période.");
		return 0;
	}
	if (c->kind == CHART_LINE) {
		draw_lines(d, c, y, h);
		return 0;
	}
	return draw_bars(d, c, y, h);
}

/* Whether in can be drawn; err says why not. */
static int
check(const struct bilan_pdf_in *in, struct pn_error *err)
{
	size_t i;

	if (in->programme == NULL || in->period == NULL ||
	    in->data_date == NULL || in->footer == NULL)
		return pn_error_set(err, PN_E_ARG, "bilan: programme, period, "
		    "data date and footer are required");
	if (in->n_figures > BILAN_FIGURES_MAX ||
	    (in->n_figures > 0 && in->figures == NULL))
		return pn_error_set(err, PN_E_ARG, "bilan: %zu key figures "
		    "(at most %d, and given)", in->n_figures,
		    BILAN_FIGURES_MAX);
	if (in->n_charts > BILAN_CHARTS_MAX ||
	    (in->n_charts > 0 && in->charts == NULL))
		return pn_error_set(err, PN_E_ARG, "bilan: %zu charts (at "
		    "most %d, and given)", in->n_charts, BILAN_CHARTS_MAX);
	for (i = 0; i < in->n_charts; i++)
		if (!chart_valid(&in->charts[i]))
			return pn_error_set(err, PN_E_ARG, "bilan: chart %zu "
			    "is malformed", i);
	return 0;
}

int
bilan_pdf_render(const struct bilan_pdf_in *in, uint8_t **pdf, size_t *len,
    struct pn_error *err)
{
	struct doc d;
	double y, each;
	size_t i;
	int rc = -1;

	pn_error_clear(err);
	if (in == NULL || pdf == NULL || len == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no bilan or no place "
		    "for the PDF", __func__);
	*pdf = NULL;
	*len = 0;
	if (check(in, err) != 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.suppressed = "< 5";
	if (pdf_text_new(&d.pt, err) != 0) {
		if (d.pt.pdf == NULL)
			return -1;
		goto fail;
	}
	if (pdf_text_fonts(&d.pt, &d.regular, &d.bold) != 0)
		goto fail;
	pdf_text_info(&d.pt, "Bilan du Pass numérique", in->data_time);
	if (pdf_text_page(&d.pt) != 0)
		goto fail;
	y = draw_head(&d, in);
	y = draw_figures(&d, in, y) - 4;
	if (in->n_charts > 0) {
		each = (y - FOOT_TOP - 6) / (double)in->n_charts;
		for (i = 0; i < in->n_charts; i++) {
			d.suppressed = in->charts[i].suppressed_label != NULL ?
			    in->charts[i].suppressed_label : "< 5";
			if (draw_chart(&d, &in->charts[i], y, each - 8) != 0) {
				(void)pn_error_set(err, PN_E_NOMEM, "bilan: "
				    "out of memory");
				goto done;
			}
			y -= each;
		}
	}
	pdf_text_line(&d.pt, LEFT, FOOT_TOP, RIGHT, FOOT_TOP, 0.5, 0.5);
	HPDF_Page_SetGrayFill(d.pt.page, 0.3f);
	(void)pdf_text_lines(&d.pt, d.regular, 7.5, 9, LEFT, FOOT_TOP - 11,
	    WIDTH, 4, in->footer);
	HPDF_Page_SetGrayFill(d.pt.page, 0);
	pdf_text_end(&d.pt);
	if (pdf_text_failed(&d.pt))
		goto fail;
	if (pdf_text_save(&d.pt, pdf, len) != 0)
		goto fail;
	rc = 0;
	goto done;

	/* Reached on any failure of libharu, whose error err then names. */
fail:
	pdf_text_error(&d.pt, "the bilan", err);
done:
	HPDF_Free(d.pt.pdf);
	return rc;
}
