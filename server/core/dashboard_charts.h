/* dashboard_charts.h -- the charts of the dashboard, drawn from its tables, for the page and the printed bilan.
 *
 * One chart per breakdown (dashboard.h), chosen for what a funder reads
 * in it: the use rate by pathway, age band, agency and commune (bars,
 * horizontal when there are many lines), the vouchers used by venue and
 * by theme, and the vouchers issued and used month by month (a trend
 * line). A withheld line (small_counts.h) is a NaN: no bar, « masqué »
 * instead (the table says « < 5 » or « secret »). Each chart carries a
 * French summary naming the highest and lowest lines shown, so that the
 * figure says something without being looked at.
 */
#ifndef PN_DASHBOARD_CHARTS_H
#define PN_DASHBOARD_CHARTS_H

#include <stddef.h>

#include "dashboard.h"
#include "svg_chart.h"

/* A chart and the memory its fields point into. */
struct dash_chart {
	struct chart c;
	struct chart_series series[2];
	char id[32];
	char title[160];
	char summary[512];
	char mark[SMALL_COUNTS_MARK_MAX];
	const char **categories;	/* into the dashboard's lines */
	double *values[2];
};

/*
 * The chart of table t of d into *out, to be freed with
 * dash_chart_free(). 0, or -1 out of memory. A table without lines gives
 * a chart without categories (the renderers say there is no data).
 */
int dash_chart_of(const struct dashboard *d, enum dash_table_id t,
    struct dash_chart *out);

void dash_chart_free(struct dash_chart *ch);

/*
 * The printed bilan (bilan_pdf.h) of d, read at d->read_at: its key
 * figures, three charts (use rate by agency, the months, by pathway) and
 * the rule of small numbers. 0 with *pdf (malloc'd) and *len, or -1 with
 * err.
 */
int dash_bilan_pdf(const struct dashboard *d, uint8_t **pdf, size_t *len,
    struct pn_error *err);

#endif
