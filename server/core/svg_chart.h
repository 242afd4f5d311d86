/* svg_chart.h -- charts drawn on the server as SVG with their data table: bars, stacked bars, a trend line.
 *
 * A chart is described by its data alone (struct chart); svg_chart_render()
 * writes one <figure> to a stdio stream: a <figcaption> with the title and
 * a sentence saying what the chart shows, the <svg role="img"> labelled by
 * both (aria-labelledby), then the same numbers as a <table> with a
 * caption and th scope, for screen readers, for copying, and for whoever
 * cannot tell two hatchings apart. The output is well-formed XML as well
 * as HTML, so that the tests can parse it back.
 *
 * Conventions (docs/charts.md):
 * - No script, no external resource, no style attribute nor <style>: the
 *   pages' Content-Security-Policy allows style sheets from 'self' only,
 *   so colours are SVG presentation attributes (fill=, stroke=), which
 *   are not CSS and which the policy does not govern.
 * - Greyscale print: each series has its own fill pattern (solid, hatched,
 *   dotted...) and, on a line, its own dash and marker; a legend shows
 *   them. Every colour is dark enough against white for WCAG 1.4.11
 *   (3:1 for graphics), and every bar carries its value as text.
 * - A value that is NaN (or infinite) is suppressed, for statistical
 *   confidentiality or because it is unknown: no bar is drawn, and its
 *   label and table cell read c->suppressed_label ("< 5").
 * - Responsive: a viewBox and width="100%"; text sized to stay readable
 *   when the figure is 375 px wide. Many or long categories (communes)
 *   are drawn as horizontal bars, each name on its own line above its
 *   bar, cut with "…" in the drawing and given whole in the table.
 * - Values are counts, euros or percentages, expected not negative: a
 *   negative value draws no bar but is labelled and listed as it is.
 *
 * The page embeds a chart as markup it made itself:
 *
 *	char *fig = svg_chart_html(&chart, NULL);
 *	if (fig == NULL)
 *		... 500 ...
 *	html_put(h, "%R", fig);
 *	free(fig);
 *
 * Nothing here reads the clock or draws at random: the same chart gives
 * the same bytes. Every text is escaped; a byte that is not well-formed
 * UTF-8 and a control character are replaced, so that the output stays
 * valid XML whatever the caller's strings hold.
 */
#ifndef PN_SVG_CHART_H
#define PN_SVG_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum chart_kind {
	CHART_BARS,		/* one bar per category and series, side by side */
	CHART_STACKED_BARS,	/* the series of a category stacked in one bar */
	CHART_LINE		/* one line per series across the categories */
};

/* The most series a chart draws; more are refused (legend, patterns). */
#define CHART_SERIES_MAX	6
/* The most categories a chart draws; more are refused. */
#define CHART_CATEGORIES_MAX	500
/* Room for a value formatted by chart_value_format(). */
#define CHART_VALUE_TEXT_MAX	64

/* One series: a value per category of the chart. */
struct chart_series {
	const char *name;	/* French, for the legend and the table */
	const double *values;	/* n_categories; NaN: suppressed or unknown */
};

struct chart {
	enum chart_kind kind;
	const char *id;		/* unique in the page: [A-Za-z][A-Za-z0-9_-]*,
				   at most 64 bytes; prefixes the ids inside */
	const char *title;	/* French, required */
	const char *summary;	/* French sentence: what the chart shows
				   (the highest, the lowest, the trend) */
	const char *unit;	/* "chèques", "€", "%"; NULL: none */
	unsigned decimals;	/* digits after the comma, at most 3 */
	const char *suppressed_label;	/* a NaN's text; NULL: "< 5" */
	const char *category_label;	/* the table's first column
					   ("Commune", "Mois"); NULL:
					   "Catégorie" */
	const char *const *categories;	/* n_categories names, UTF-8 */
	size_t n_categories;
	const struct chart_series *series;
	size_t n_series;	/* 1 to CHART_SERIES_MAX */
	bool horizontal;	/* bars: across the page, a category a line.
				   More than 8 categories are always drawn so */
};

/*
 * Whether c can be drawn: a title, an id as above, 1 to CHART_SERIES_MAX
 * series each with its values, at most CHART_CATEGORIES_MAX categories.
 */
bool chart_valid(const struct chart *c);

/*
 * Write chart c to out as a <figure> (figcaption, svg, table), in French.
 * Returns 0, or -1 with errno EINVAL when c is malformed (no title, an id
 * not as above, no series, too many series or categories, a series
 * without values), nothing written then; or -1 with errno set when out
 * fails (part of the figure may have been written).
 */
int svg_chart_render(const struct chart *c, FILE *out);

/*
 * Chart c as a NUL-terminated string (malloc'd: the caller frees it),
 * its length in *len when len is not NULL; NULL with errno on failure
 * as above. What a page puts with html_put(h, "%R", ...).
 */
char *svg_chart_html(const struct chart *c, size_t *len);

/*
 * Value v in French into buf (cap bytes): thousands apart by a narrow
 * no-break space (U+202F) as pn_money_format() does, a decimal comma,
 * decimals digits, then unit after a no-break space when unit is not NULL
 * nor empty ("1 234 chèques", "12,5 %"). NaN or infinite: suppressed (or
 * "< 5" when NULL).
 */
void chart_value_format(double v, unsigned decimals, const char *unit,
    const char *suppressed, char *buf, size_t cap);

/*
 * The top of an axis for values up to max (not negative): a round step
 * (1, 2 or 5 times a power of ten, at least 10^-decimals) and the least
 * multiple of it at or above max, with 2 to 6 steps. *step gets the step,
 * *ticks the number of steps; returns the top. max 0 (or NaN) gives 1
 * step of the least step.
 */
double chart_axis(double max, unsigned decimals, double *step,
    unsigned *ticks);

/* The decimals a tick label of step needs: none for a step of 1 and up. */
unsigned chart_tick_decimals(double step);

/*
 * The total of category i over the series of c, suppressed values left
 * out; *suppressed counts those left out when it is not NULL.
 */
double chart_category_total(const struct chart *c, size_t i,
    size_t *suppressed);

/* Whether v is drawn (finite): the test that says "suppressed" everywhere. */
bool chart_value_shown(double v);

#endif
