/* bilan_pdf.h -- the one-page « Bilan du Pass numérique » for elected officials, as an A4 PDF.
 *
 * One page whatever the data: a title, the programme, the period and the
 * date of the data; a block of key figures (label and value, formatted by
 * the caller); two or three charts described as for the pages
 * (svg_chart.h) and drawn natively; a footer line (the source, the rule of
 * statistical confidentiality). Long category lists are cut to the top
 * ones and an « Autres » bar; texts too long are cut with "…"; fonts
 * shrink within limits. docs/charts.md shows the layout.
 *
 * The figures are the caller's: a value is printed as given, so a
 * suppressed one is already "< 5" there; in the charts a NaN value is
 * suppressed as svg_chart.h says.
 */
#ifndef PN_BILAN_PDF_H
#define PN_BILAN_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "svg_chart.h"

/* The most key figures and charts drawn; more are refused. */
#define BILAN_FIGURES_MAX	12
#define BILAN_CHARTS_MAX	3

/* A key figure: "Taux d'utilisation", "62,4 %". */
struct bilan_figure {
	const char *label;
	const char *value;
};

struct bilan_pdf_in {
	const char *programme;	/* "Pass numérique 2026" */
	const char *period;	/* "du 01/01/2026 au 30/11/2026" */
	const char *data_date;	/* "06/12/2026 à 14:30": « Données au … » */
	const char *footer;	/* source and confidentiality rule */
	int64_t data_time;	/* the PDF's creation date, Unix seconds;
				   0: none (never the clock's, so that the
				   same input gives the same bytes) */
	const struct bilan_figure *figures;
	size_t n_figures;	/* at most BILAN_FIGURES_MAX */
	const struct chart *charts;
	size_t n_charts;	/* at most BILAN_CHARTS_MAX */
};

/*
 * The bilan in as a one-page A4 PDF in French. Returns 0 with *pdf
 * (malloc'd: the caller frees it) and *len, or -1 with err: PN_E_ARG
 * when in is malformed (a text missing, too many figures or charts, a
 * chart that chart_valid() refuses), else libharu's failure.
 */
int bilan_pdf_render(const struct bilan_pdf_in *in, uint8_t **pdf,
    size_t *len, struct pn_error *err);

#endif
