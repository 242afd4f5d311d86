/* svg_chart.c -- bars, stacked bars and a trend line as SVG, with their data table.
 *
 * Geometry is in viewBox units, 400 across: the figure is drawn as wide as
 * its container, and at 375 px a unit is about a pixel, so the 12-unit
 * text stays readable on a phone. Long category lists are horizontal bars
 * with the name above each bar, using the whole width for the name; the
 * drawing grows downwards with the list.
 *
 * Numbers in the SVG's attributes are written by num() in tenths with a
 * point, never through printf's %f, so that a locale with a decimal comma
 * could not break the markup; values shown to people go through
 * chart_value_format(). Nothing here needs libm: the daemon does not link
 * it, and isfinite() is a macro.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svg_chart.h"

#define VIEW_W		400.0	/* the viewBox's width */
#define FONT		13.0	/* text in the drawing */
#define FONT_SMALL	12.0	/* ticks and value labels */
#define CHAR_W		0.56	/* a character's average width, in ems */
#define INK		"#1a1a1a"	/* text: 17:1 on white */
#define GRID		"#c8c8c8"	/* grid lines: decoration only */
#define AXIS		"#595959"	/* the axis line: 7:1 on white */
#define VERTICAL_MAX	8	/* more categories: horizontal bars */
#define LINE_LABELS_MAX	13	/* more points: values in the table only */
#define NAME_MAX_CP	50	/* a horizontal bar's name, in characters */

/*
 * Each series' colour, all at least 5:1 against white (WCAG 1.4.11 asks
 * 3:1), and its pattern, so that the series differ once printed in grey.
 */
static const char *const series_colour[CHART_SERIES_MAX] = {
	"#1f4e79", "#a1410d", "#2d6a2e", "#6b2e7f", "#7a5c00", "#333333"
};
/* A line's dash per series, and its marker (see marker()). */
static const char *const series_dash[CHART_SERIES_MAX] = {
	NULL, "7 4", "2 3", "9 3 2 3", "4 4", "12 4"
};

/* The writer: the stream, and whether a write has failed. */
struct out {
	FILE *f;
	const struct chart *c;
	const char *suppressed;
	double left;		/* the plot's left edge, after the ticks */
	bool failed;
};

static void
put(struct out *o, const char *s)
{
	if (fputs(s, o->f) == EOF)
		o->failed = true;
}

/* x as a number for an attribute, to a tenth, with a point. */
static void
num(struct out *o, double x)
{
	long long t;

	if (!isfinite(x))
		x = 0;
	if (x > 1e9)
		x = 1e9;
	if (x < -1e9)
		x = -1e9;
	t = (long long)(x * 10 + (x < 0 ? -0.5 : 0.5));
	if (fprintf(o->f, "%s%lld", t < 0 ? "-" : "", llabs(t) / 10) < 0)
		o->failed = true;
	if (llabs(t) % 10 != 0 && fprintf(o->f, ".%lld", llabs(t) % 10) < 0)
		o->failed = true;
}

/* The length of the UTF-8 sequence led by byte b, 0 when b cannot lead. */
static size_t
utf8_len(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;
}

/*
 * The length of the well-formed UTF-8 character at s (at most n bytes),
 * its code point in *cp; 0 when it is not one.
 */
static size_t
utf8_char(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t k = utf8_len(s[0]), i;
	unsigned v;

	if (k == 0 || k > n)
		return 0;
	if (k == 1) {
		*cp = s[0];
		return 1;
	}
	v = s[0] & (0x7f >> k);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((k == 3 && v < 0x800) || (k == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return k;
}

/* The number of characters of s, a malformed byte counting as one. */
static size_t
text_chars(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, chars = 0, k;
	unsigned cp;

	while (i < n) {
		k = utf8_char(u + i, n - i, &cp);
		i += k == 0 ? 1 : k;
		chars++;
	}
	return chars;
}

/*
 * Text s escaped for XML and HTML, element content or quoted attribute,
 * at most max characters (0: all), the last of a text cut being "…". A
 * malformed byte becomes U+FFFD, a control character or a non-character
 * XML forbids a space.
 */
static void
text(struct out *o, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i = 0, chars = 0, k, run = 0;
	const char *rep;
	unsigned cp;

	if (s == NULL)
		return;
	n = strlen(s);
	if (max > 0 && text_chars(s) <= max)
		max = 0;
	/* Characters kept as they are go out in runs, the rest one by one. */
	while (i < n) {
		if (max > 0 && chars + 1 >= max)
			break;
		k = utf8_char(u + i, n - i, &cp);
		rep = NULL;
		if (k == 0) {
			rep = "\xef\xbf\xbd";
			k = 1;
		} else if (cp == '&')
			rep = "&amp;";
		else if (cp == '<')
			rep = "&lt;";
		else if (cp == '>')
			rep = "&gt;";
		else if (cp == '"')
			rep = "&quot;";
		else if (cp == '\'')
			rep = "&#39;";
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    cp == 0xfffe || cp == 0xffff)
			rep = " ";
		if (rep != NULL) {
			if (run > 0 && fwrite(u + i - run, 1, run, o->f) != run)
				o->failed = true;
			run = 0;
			put(o, rep);
		} else
			run += k;
		i += k;
		chars++;
	}
	if (run > 0 && fwrite(u + i - run, 1, run, o->f) != run)
		o->failed = true;
	if (i < n)
		put(o, "…");
}

/* The value text of v, as the table and the labels show it. */
static void
value_text(const struct out *o, double v, char *buf, size_t cap)
{
	chart_value_format(v, o->c->decimals, NULL, o->suppressed, buf, cap);
}

/* The estimated width of n characters at size. */
static double
text_width(size_t n, double size)
{
	return (double)n * size * CHAR_W;
}

bool
chart_value_shown(double v)
{
	return isfinite(v);
}

void
chart_value_format(double v, unsigned decimals, const char *unit,
    const char *suppressed, char *buf, size_t cap)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000 };
	char digits[32], grouped[64];
	uint64_t scaled, ip;
	size_t n, i, g = 0;
	bool neg;

	if (cap == 0)
		return;
	if (decimals > 3)
		decimals = 3;
	if (!chart_value_shown(v)) {
		(void)snprintf(buf, cap, "%s", suppressed != NULL ?
		    suppressed : "< 5");
		return;
	}
	neg = v < 0;
	if (neg)
		v = -v;
	/* Beyond 10^15 a count or an amount is nonsense; keep it short. */
	if (v >= 1e15)
		v = 1e15;
	scaled = (uint64_t)(v * (double)pow10[decimals] + 0.5);
	if (scaled == 0)
		neg = false;
	ip = scaled / pow10[decimals];
	n = (size_t)snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)ip);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(grouped + g, "\xe2\x80\xaf", 3);
			g += 3;
		}
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	if (decimals > 0)
		(void)snprintf(digits, sizeof(digits), ",%0*llu", (int)decimals,
		    (unsigned long long)(scaled % pow10[decimals]));
	else
		digits[0] = '\0';
	(void)snprintf(buf, cap, "%s%s%s%s%s", neg ? "-" : "", grouped, digits,
	    unit != NULL && unit[0] != '\0' ? "\xc2\xa0" : "",
	    unit != NULL ? unit : "");
}

double
chart_axis(double max, unsigned decimals, double *step, unsigned *ticks)
{
	static const double mult[] = { 1, 2, 5 };
	double least = 1, p, s;
	unsigned i;

	if (decimals > 3)
		decimals = 3;
	for (i = 0; i < decimals; i++)
		least /= 10;
	if (!isfinite(max) || max <= 0) {
		*step = least;
		*ticks = 1;
		return least;
	}
	if (max > 1e15)
		max = 1e15;
	/* The least round step giving at most 5 steps (6 for 1, 2, 5 ×). */
	for (p = least; ; p *= 10)
		for (i = 0; i < 3; i++) {
			s = mult[i] * p;
			if (max / s <= 5) {
				*step = s;
				*ticks = (unsigned)(max / s);
				if ((double)*ticks * s < max)
					(*ticks)++;
				if (*ticks < 1)
					*ticks = 1;
				return s * *ticks;
			}
		}
}

double
chart_category_total(const struct chart *c, size_t i, size_t *suppressed)
{
	double total = 0, v;
	size_t s, n = 0;

	for (s = 0; s < c->n_series; s++) {
		v = c->series[s].values[i];
		if (chart_value_shown(v))
			total += v;
		else
			n++;
	}
	if (suppressed != NULL)
		*suppressed = n;
	return total;
}

/* Whether id is [A-Za-z][A-Za-z0-9_-]{0,63}. */
static bool
id_valid(const char *id)
{
	size_t i;

	if (id == NULL || !((id[0] >= 'a' && id[0] <= 'z') ||
	    (id[0] >= 'A' && id[0] <= 'Z')))
		return false;
	for (i = 0; id[i] != '\0'; i++) {
		if (i >= 64)
			return false;
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '_' ||
		    id[i] == '-'))
			return false;
	}
	return true;
}

bool
chart_valid(const struct chart *c)
{
	size_t s;

	if (c == NULL || !id_valid(c->id) || c->title == NULL ||
	    (c->kind != CHART_BARS && c->kind != CHART_STACKED_BARS &&
	    c->kind != CHART_LINE) || c->n_series == 0 ||
	    c->n_series > CHART_SERIES_MAX || c->series == NULL ||
	    c->n_categories > CHART_CATEGORIES_MAX ||
	    (c->n_categories > 0 && c->categories == NULL))
		return false;
	for (s = 0; s < c->n_series; s++)
		if (c->n_categories > 0 && c->series[s].values == NULL)
			return false;
	return true;
}

/* The largest value the axis must reach: a bar, a stack or a point. */
static double
data_max(const struct chart *c)
{
	double max = 0, v;
	size_t i, s;

	for (i = 0; i < c->n_categories; i++) {
		if (c->kind == CHART_STACKED_BARS) {
			v = chart_category_total(c, i, NULL);
			if (v > max)
				max = v;
			continue;
		}
		for (s = 0; s < c->n_series; s++) {
			v = c->series[s].values[i];
			if (chart_value_shown(v) && v > max)
				max = v;
		}
	}
	return max;
}

/* The fill of series s: its colour, or its pattern. */
static void
fill_attr(struct out *o, size_t s)
{
	put(o, " fill=\"");
	if (s == 0)
		put(o, series_colour[0]);
	else {
		put(o, "url(#");
		put(o, o->c->id);
		(void)fprintf(o->f, "-p%zu)", s);
	}
	put(o, "\" stroke=\"");
	put(o, series_colour[s]);
	put(o, "\" stroke-width=\"1\"");
}

/*
 * The patterns of series 1 and up, on white so that they read printed:
 * hatched, dotted, lined across, cross-hatched, lined down.
 */
static void
put_patterns(struct out *o)
{
	static const char *const shape[CHART_SERIES_MAX] = {
		NULL,
		"<path d=\"M-1 1L1 -1M0 8L8 0M7 9L9 7\" stroke-width=\"2\"/>",
		"<circle cx=\"2\" cy=\"2\" r=\"1.6\"/>"
		    "<circle cx=\"6\" cy=\"6\" r=\"1.6\"/>",
		"<path d=\"M0 2H8M0 6H8\" stroke-width=\"1.6\"/>",
		"<path d=\"M0 0L8 8M8 0L0 8\" stroke-width=\"1.4\"/>",
		"<path d=\"M2 0V8M6 0V8\" stroke-width=\"1.6\"/>"
	};
	size_t s;

	if (o->c->n_series < 2 || o->c->kind == CHART_LINE)
		return;
	put(o, "<defs>");
	for (s = 1; s < o->c->n_series; s++) {
		put(o, "<pattern id=\"");
		put(o, o->c->id);
		(void)fprintf(o->f, "-p%zu\" width=\"8\" height=\"8\" "
		    "patternUnits=\"userSpaceOnUse\"><rect width=\"8\" "
		    "height=\"8\" fill=\"#ffffff\"/><g fill=\"%s\" "
		    "stroke=\"%s\">%s</g></pattern>", s, series_colour[s],
		    series_colour[s], shape[s]);
	}
	put(o, "</defs>");
}

/* A line's marker for series s, centred on (x, y). */
static void
marker(struct out *o, size_t s, double x, double y)
{
	const char *c = series_colour[s];

	switch (s % 4) {
	case 0:
		put(o, "<circle class=\"point\" cx=\"");
		num(o, x);
		put(o, "\" cy=\"");
		num(o, y);
		(void)fprintf(o->f, "\" r=\"3.5\" fill=\"%s\"/>", s < 4 ? c :
		    "#ffffff");
		break;
	case 1:
		put(o, "<rect class=\"point\" x=\"");
		num(o, x - 3.5);
		put(o, "\" y=\"");
		num(o, y - 3.5);
		(void)fprintf(o->f, "\" width=\"7\" height=\"7\" fill=\"%s\"/>",
		    s < 4 ? c : "#ffffff");
		break;
	default:
		put(o, "<path class=\"point\" d=\"M");
		num(o, x);
		put(o, " ");
		num(o, y - 4.5);
		if (s % 4 == 2)
			put(o, "l4.5 8h-9z\"");
		else
			put(o, "l4.5 4.5l-4.5 4.5l-4.5 -4.5z\"");
		(void)fprintf(o->f, " fill=\"%s\"/>", s < 4 ? c : "#ffffff");
		break;
	}
}

/* <text> at (x, y) with anchor ("start", "middle", "end") and size. */
static void
text_open(struct out *o, const char *cls, double x, double y,
    const char *anchor, double size)
{
	put(o, "<text");
	if (cls != NULL) {
		put(o, " class=\"");
		put(o, cls);
		put(o, "\"");
	}
	put(o, " x=\"");
	num(o, x);
	put(o, "\" y=\"");
	num(o, y);
	put(o, "\"");
	if (anchor != NULL && strcmp(anchor, "start") != 0) {
		put(o, " text-anchor=\"");
		put(o, anchor);
		put(o, "\"");
	}
	if (size != FONT) {
		put(o, " font-size=\"");
		num(o, size);
		put(o, "\"");
	}
	put(o, ">");
}

/* A value's label: the value, or the suppressed text. */
static void
value_label(struct out *o, const char *cls, double x, double y,
    const char *anchor, double v)
{
	char buf[CHART_VALUE_TEXT_MAX];

	value_text(o, v, buf, sizeof(buf));
	text_open(o, cls, x, y, anchor, FONT_SMALL);
	text(o, buf, 0);
	put(o, "</text>");
}

/* A rectangle of class cls, filled as series s. */
static void
bar_rect(struct out *o, const char *cls, size_t s, double x, double y,
    double w, double h)
{
	put(o, "<rect class=\"");
	put(o, cls);
	put(o, "\" x=\"");
	num(o, x);
	put(o, "\" y=\"");
	num(o, y);
	put(o, "\" width=\"");
	num(o, w);
	put(o, "\" height=\"");
	num(o, h);
	put(o, "\"");
	fill_attr(o, s);
	put(o, "/>");
}

/* A line from (x0, y0) to (x1, y1) in colour. */
static void
rule(struct out *o, double x0, double y0, double x1, double y1,
    const char *colour)
{
	put(o, "<line x1=\"");
	num(o, x0);
	put(o, "\" y1=\"");
	num(o, y0);
	put(o, "\" x2=\"");
	num(o, x1);
	put(o, "\" y2=\"");
	num(o, y1);
	put(o, "\" stroke=\"");
	put(o, colour);
	put(o, "\" stroke-width=\"1\"/>");
}

/* A legend item's width: swatch, name (at most 40 characters), space. */
static double
legend_item_width(const struct chart *c, size_t s)
{
	size_t chars = c->series[s].name != NULL ?
	    text_chars(c->series[s].name) : 5;

	if (chars > 40)
		chars = 40;
	return 22 + text_width(chars, FONT) + 14;
}

/* The legend's height: none for one series, else 20 a row and 8. */
static double
legend_height(const struct chart *c)
{
	double x = 4, w;
	size_t s, rows = 1;

	if (c->n_series < 2)
		return 0;
	for (s = 0; s < c->n_series; s++) {
		w = legend_item_width(c, s);
		if (x > 4 && x + w > VIEW_W) {
			x = 4;
			rows++;
		}
		x += w;
	}
	return 8 + 20.0 * (double)rows;
}

/*
 * The legend from y down when there are several series: a swatch (the
 * bar's fill, or the line's dash and marker) and the name of each, as
 * many a row as fit. Returns the y below it.
 */
static double
legend(struct out *o, double y)
{
	const struct chart *c = o->c;
	double x = 4, w;
	size_t s;

	if (c->n_series < 2)
		return y;
	y += 4;
	for (s = 0; s < c->n_series; s++) {
		w = legend_item_width(c, s);
		if (x > 4 && x + w > VIEW_W) {
			x = 4;
			y += 20;
		}
		if (c->kind == CHART_LINE) {
			put(o, "<path d=\"M");
			num(o, x);
			put(o, " ");
			num(o, y + 7);
			(void)fprintf(o->f, "h18\" fill=\"none\" stroke=\"%s\" "
			    "stroke-width=\"2.5\"", series_colour[s]);
			if (series_dash[s] != NULL)
				(void)fprintf(o->f, " stroke-dasharray=\"%s\"",
				    series_dash[s]);
			put(o, "/>");
			marker(o, s, x + 9, y + 7);
		} else
			bar_rect(o, "swatch", s, x + 2, y, 14, 14);
		text_open(o, NULL, x + 22, y + 11, NULL, FONT);
		text(o, c->series[s].name != NULL ? c->series[s].name :
		    "Série", 40);
		put(o, "</text>");
		x += w;
	}
	return y + 24;
}

/* The axis's unit line ("en chèques") at (x, y), anchored. */
static void
unit_caption(struct out *o, double x, double y, const char *anchor)
{
	if (o->c->unit == NULL || o->c->unit[0] == '\0')
		return;
	text_open(o, NULL, x, y, anchor, FONT_SMALL);
	put(o, "en ");
	text(o, o->c->unit, 24);
	put(o, "</text>");
}

unsigned
chart_tick_decimals(double step)
{
	unsigned d = 0;

	while (step < 0.999 && d < 3) {
		step *= 10;
		d++;
	}
	return d;
}

/* A tick's label: the value without unit, as precise as the step. */
static void
tick_label(struct out *o, double x, double y, const char *anchor, double v,
    double step)
{
	char buf[CHART_VALUE_TEXT_MAX];

	chart_value_format(v, chart_tick_decimals(step), NULL, NULL, buf,
	    sizeof(buf));
	text_open(o, "tick", x, y, anchor, FONT_SMALL);
	text(o, buf, 0);
	put(o, "</text>");
}

/* "Aucune donnée" where a chart has no category. */
static double
no_data(struct out *o, double y)
{
	text_open(o, NULL, VIEW_W / 2, y + 30, "middle", FONT);
	put(o, "Aucune donnée pour cette période.");
	put(o, "</text>");
	return y + 50;
}

/* The opening of the svg element, its height known. */
static void
svg_open(struct out *o, double height)
{
	put(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
	num(o, VIEW_W);
	put(o, " ");
	num(o, height);
	put(o, "\" width=\"100%\" role=\"img\" aria-labelledby=\"");
	put(o, o->c->id);
	put(o, "-title ");
	put(o, o->c->id);
	(void)fprintf(o->f, "-summary\" font-family=\"sans-serif\" "
	    "font-size=\"%d\" fill=\"%s\">", (int)FONT, INK);
	put_patterns(o);
}

/* Geometry of horizontal bars: a row per category, the name above. */
#define H_BAR		14.0	/* a bar's thickness */
#define H_STACK		16.0	/* a stacked bar's thickness */
#define H_NAME		17.0	/* the name's line above the bars */
#define H_GAP		10.0	/* between categories */
#define H_X0		4.0	/* bars start */
#define H_X1		(VIEW_W - 76.0)	/* the axis's top value; labels after */

static double
row_height(const struct chart *c)
{
	if (c->kind == CHART_STACKED_BARS)
		return H_NAME + H_STACK + H_GAP;
	return H_NAME + (double)c->n_series * (H_BAR + 2) + H_GAP;
}

/* Height of the horizontal drawing: legend, rows, axis. */
static double
horizontal_height(const struct chart *c)
{
	double legend_h = legend_height(c);

	if (c->n_categories == 0)
		return legend_h + 60;
	return legend_h + 8 + (double)c->n_categories * row_height(c) + 40;
}

/* The stacked total's label: the total, or "total + < 5" when parts are hidden. */
static void
stack_label(struct out *o, double x, double y, const char *anchor, size_t i)
{
	char buf[CHART_VALUE_TEXT_MAX];
	size_t hidden;
	double total = chart_category_total(o->c, i, &hidden);

	value_text(o, total, buf, sizeof(buf));
	text_open(o, "total", x, y, anchor, FONT_SMALL);
	if (hidden == o->c->n_series)
		text(o, o->suppressed, 0);
	else {
		text(o, buf, 0);
		if (hidden > 0) {
			put(o, " + ");
			text(o, o->suppressed, 0);
		}
	}
	put(o, "</text>");
}

static void
draw_horizontal(struct out *o)
{
	const struct chart *c = o->c;
	double top, step, axis_max, y, x, w, v, scale, bottom;
	unsigned ticks, t;
	size_t i, s;

	svg_open(o, horizontal_height(c));
	top = legend(o, 0);
	if (c->n_categories == 0) {
		(void)no_data(o, top);
		put(o, "</svg>");
		return;
	}
	axis_max = chart_axis(data_max(c), c->decimals, &step, &ticks);
	scale = (H_X1 - H_X0) / axis_max;
	top += 8;
	bottom = top + (double)c->n_categories * row_height(c);
	for (t = 0; t <= ticks; t++) {
		x = H_X0 + (double)t * step * scale;
		rule(o, x, top, x, bottom, t == 0 ? AXIS : GRID);
		tick_label(o, x, bottom + 15, t == 0 ? "start" :
		    t == ticks ? "end" : "middle", (double)t * step, step);
	}
	unit_caption(o, H_X1, bottom + 31, "end");
	y = top;
	for (i = 0; i < c->n_categories; i++) {
		text_open(o, "category", H_X0, y + 12, NULL, FONT);
		text(o, c->categories[i] != NULL ? c->categories[i] : "",
		    NAME_MAX_CP);
		put(o, "</text>");
		y += H_NAME;
		if (c->kind == CHART_STACKED_BARS) {
			x = H_X0;
			for (s = 0; s < c->n_series; s++) {
				v = c->series[s].values[i];
				if (!chart_value_shown(v) || v <= 0)
					continue;
				w = v * scale;
				bar_rect(o, "bar", s, x, y, w, H_STACK);
				x += w;
			}
			stack_label(o, x + 4, y + H_STACK - 4, NULL, i);
			y += H_STACK + H_GAP;
			continue;
		}
		for (s = 0; s < c->n_series; s++) {
			v = c->series[s].values[i];
			w = 0;
			if (chart_value_shown(v) && v > 0) {
				w = v * scale;
				bar_rect(o, "bar", s, H_X0, y, w, H_BAR);
			}
			value_label(o, "value", H_X0 + w + 4, y + H_BAR - 3,
			    NULL, v);
			y += H_BAR + 2;
		}
		y += H_GAP;
	}
	put(o, "</svg>");
}

/* Geometry of vertical bars and of the line: a plot with a value axis. */
#define V_RIGHT		(VIEW_W - 8.0)
#define V_PLOT_H	200.0

/* The value axis at the left: grid, ticks, unit. Returns the scale. */
static double
value_axis(struct out *o, double top, double *axis_max)
{
	char buf[CHART_VALUE_TEXT_MAX];
	double step, y, scale;
	unsigned ticks, t;

	*axis_max = chart_axis(data_max(o->c), o->c->decimals, &step, &ticks);
	scale = V_PLOT_H / *axis_max;
	/* Room on the left for the widest tick label, the top one. */
	chart_value_format(*axis_max, chart_tick_decimals(step), NULL, NULL, buf,
	    sizeof(buf));
	o->left = 10 + text_width(text_chars(buf), FONT_SMALL);
	if (o->left < 36)
		o->left = 36;
	if (o->left > 160)
		o->left = 160;
	for (t = 0; t <= ticks; t++) {
		y = top + V_PLOT_H - (double)t * step * scale;
		rule(o, o->left, y, V_RIGHT, y, t == 0 ? AXIS : GRID);
		tick_label(o, o->left - 4, y + 4, "end", (double)t * step,
		    step);
	}
	unit_caption(o, 4, top - 8, NULL);
	return scale;
}

/* Category i's name under the plot, cut to width, centred on x. */
static void
category_below(struct out *o, size_t i, double x, double y, double width)
{
	size_t max = (size_t)(width / (FONT_SMALL * CHAR_W));

	if (max < 2)
		max = 2;
	text_open(o, "category", x, y, "middle", FONT_SMALL);
	text(o, o->c->categories[i] != NULL ? o->c->categories[i] : "", max);
	put(o, "</text>");
}

static void
draw_vertical(struct out *o)
{
	const struct chart *c = o->c;
	double top, axis_max, scale, slot, bw, x, y, v, h, base;
	size_t i, s;

	svg_open(o, legend_height(c) + 24 + V_PLOT_H + 40);
	top = legend(o, 0) + 24;
	scale = value_axis(o, top, &axis_max);
	base = top + V_PLOT_H;
	slot = (V_RIGHT - o->left) / (double)c->n_categories;
	if (c->kind == CHART_STACKED_BARS)
		bw = slot * 0.6 < 56 ? slot * 0.6 : 56;
	else {
		bw = slot * 0.8 / (double)c->n_series;
		if (bw > 40)
			bw = 40;
	}
	for (i = 0; i < c->n_categories; i++) {
		x = o->left + slot * (double)i + slot / 2;
		category_below(o, i, x, base + 16, slot - 4);
		if (c->kind == CHART_STACKED_BARS) {
			y = base;
			for (s = 0; s < c->n_series; s++) {
				v = c->series[s].values[i];
				if (!chart_value_shown(v) || v <= 0)
					continue;
				h = v * scale;
				y -= h;
				bar_rect(o, "bar", s, x - bw / 2, y, bw, h);
			}
			stack_label(o, x, y - 4, "middle", i);
			continue;
		}
		x -= bw * (double)c->n_series / 2;
		for (s = 0; s < c->n_series; s++, x += bw) {
			v = c->series[s].values[i];
			h = 0;
			if (chart_value_shown(v) && v > 0) {
				h = v * scale;
				bar_rect(o, "bar", s, x, base - h, bw, h);
			}
			value_label(o, "value", x + bw / 2, base - h - 4,
			    "middle", v);
		}
	}
	put(o, "</svg>");
}

static void
draw_line(struct out *o)
{
	const struct chart *c = o->c;
	double top, axis_max, scale, slot, x, y, v, base, label_w;
	size_t i, s, every;
	bool pen, labels;

	svg_open(o, legend_height(c) + (c->n_categories == 0 ? 60 :
	    24 + V_PLOT_H + 40));
	top = legend(o, 0);
	if (c->n_categories == 0) {
		(void)no_data(o, top);
		put(o, "</svg>");
		return;
	}
	top += 24;
	scale = value_axis(o, top, &axis_max);
	base = top + V_PLOT_H;
	slot = (V_RIGHT - o->left) / (double)c->n_categories;
	/* Name every category that fits, at least 60 units apart. */
	label_w = 60;
	every = (size_t)(label_w / slot) + 1;
	for (i = 0; i < c->n_categories; i += every)
		category_below(o, i, o->left + slot * ((double)i + 0.5),
		    base + 16, slot * (double)every - 4);
	labels = c->n_series == 1 && c->n_categories <= LINE_LABELS_MAX;
	for (s = 0; s < c->n_series; s++) {
		put(o, "<path class=\"line\" d=\"");
		pen = false;
		for (i = 0; i < c->n_categories; i++) {
			v = c->series[s].values[i];
			if (!chart_value_shown(v)) {
				pen = false;
				continue;
			}
			x = o->left + slot * ((double)i + 0.5);
			y = base - (v > 0 ? v * scale : 0);
			put(o, pen ? "L" : "M");
			num(o, x);
			put(o, " ");
			num(o, y);
			pen = true;
		}
		(void)fprintf(o->f, "\" fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2.5\"", series_colour[s]);
		if (series_dash[s] != NULL)
			(void)fprintf(o->f, " stroke-dasharray=\"%s\"",
			    series_dash[s]);
		put(o, "/>");
		for (i = 0; i < c->n_categories; i++) {
			v = c->series[s].values[i];
			x = o->left + slot * ((double)i + 0.5);
			if (chart_value_shown(v)) {
				y = base - (v > 0 ? v * scale : 0);
				marker(o, s, x, y);
			} else
				y = base;
			if (labels)
				value_label(o, "value", x, y - 8, "middle", v);
		}
	}
	put(o, "</svg>");
}

/* The data table: a row per category, a column per series. */
static void
data_table(struct out *o)
{
	const struct chart *c = o->c;
	char buf[CHART_VALUE_TEXT_MAX];
	size_t i, s;

	put(o, "<table class=\"chart-data\"><caption>");
	text(o, c->title, 0);
	put(o, " : données</caption><thead><tr><th scope=\"col\">");
	text(o, c->category_label != NULL ? c->category_label : "Catégorie",
	    0);
	put(o, "</th>");
	for (s = 0; s < c->n_series; s++) {
		put(o, "<th scope=\"col\">");
		text(o, c->series[s].name != NULL ? c->series[s].name :
		    "Valeur", 0);
		if (c->unit != NULL && c->unit[0] != '\0') {
			put(o, " (");
			text(o, c->unit, 0);
			put(o, ")");
		}
		put(o, "</th>");
	}
	put(o, "</tr></thead><tbody>");
	for (i = 0; i < c->n_categories; i++) {
		put(o, "<tr><th scope=\"row\">");
		text(o, c->categories[i] != NULL ? c->categories[i] : "", 0);
		put(o, "</th>");
		for (s = 0; s < c->n_series; s++) {
			value_text(o, c->series[s].values[i], buf, sizeof(buf));
			put(o, "<td>");
			text(o, buf, 0);
			put(o, "</td>");
		}
		put(o, "</tr>");
	}
	put(o, "</tbody></table>");
}

int
svg_chart_render(const struct chart *c, FILE *out)
{
	struct out o;

	if (out == NULL || !chart_valid(c)) {
		errno = EINVAL;
		return -1;
	}
	o.f = out;
	o.c = c;
	o.suppressed = c->suppressed_label != NULL ? c->suppressed_label :
	    "< 5";
	o.left = 0;
	o.failed = false;
	put(&o, "<figure class=\"chart\" id=\"");
	put(&o, c->id);
	put(&o, "\"><figcaption><span class=\"chart-title\" id=\"");
	put(&o, c->id);
	put(&o, "-title\">");
	text(&o, c->title, 0);
	put(&o, "</span> <span class=\"chart-summary\" id=\"");
	put(&o, c->id);
	put(&o, "-summary\">");
	text(&o, c->summary != NULL ? c->summary : "", 0);
	put(&o, "</span></figcaption>");
	if (c->kind == CHART_LINE)
		draw_line(&o);
	else if (c->n_categories == 0 || c->horizontal ||
	    c->n_categories > VERTICAL_MAX)
		draw_horizontal(&o);
	else
		draw_vertical(&o);
	data_table(&o);
	put(&o, "</figure>\n");
	if (o.failed || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

char *
svg_chart_html(const struct chart *c, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f;
	int rc, saved;

	if (len != NULL)
		*len = 0;
	if ((f = open_memstream(&buf, &n)) == NULL)
		return NULL;
	rc = svg_chart_render(c, f);
	saved = errno;
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		free(buf);
		errno = saved;
		return NULL;
	}
	if (len != NULL)
		*len = n;
	return buf;
}
