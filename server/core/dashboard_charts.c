/* dashboard_charts.c -- the dashboard's charts and its printed bilan, drawn from its tables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/money.h"
#include "passnum/timefmt.h"
#include "bilan_pdf.h"
#include "dashboard_charts.h"

/* What a table's chart shows. */
enum measure {
	USE_RATE,		/* used / issued, in % */
	USED,			/* vouchers used */
	ISSUED_AND_USED		/* both, month by month */
};

static enum measure
measure_of(enum dash_table_id t)
{
	switch (t) {
	case DASH_VENUE:
	case DASH_THEME:
		return USED;
	case DASH_MONTH:
		return ISSUED_AND_USED;
	default:
		return USE_RATE;
	}
}

/* line's value for the measure, NaN when withheld or meaningless. */
static double
value_of(const struct dash_line *l, enum measure m, unsigned series)
{
	if (l->state != SC_SHOWN)
		return NAN;
	switch (m) {
	case USE_RATE:
		return l->issued > 0 ? 100.0 * (double)l->used /
		    (double)l->issued : NAN;
	case USED:
		return (double)l->used;
	default:
		return series == 0 ? (double)l->issued : (double)l->used;
	}
}

/* "42,3 %" or "123": a value as the summary says it. */
static void
say(double v, enum measure m, char *buf, size_t len)
{
	chart_value_format(v, m == USE_RATE ? 1 : 0, m == USE_RATE ? "%" :
	    NULL, "", buf, len);
}

/* The summary: the highest and the lowest lines shown, and those withheld. */
static void
summarise(struct dash_chart *ch, const struct dash_table *t, enum measure m)
{
	size_t i, hi = 0, lo = 0, shown = 0, withheld = 0;
	unsigned s = m == ISSUED_AND_USED ? 1 : 0;
	char a[CHART_VALUE_TEXT_MAX], b[CHART_VALUE_TEXT_MAX];
	int n;

	for (i = 0; i < t->n; i++) {
		double v = ch->values[s][i];

		if (isnan(v)) {
			withheld += t->lines[i].state != SC_SHOWN;
			continue;
		}
		if (shown == 0 || v > ch->values[s][hi])
			hi = i;
		if (shown == 0 || v < ch->values[s][lo])
			lo = i;
		shown++;
	}
	if (shown == 0) {
		n = snprintf(ch->summary, sizeof(ch->summary), "Aucune ligne "
		    "à montrer pour cette période.");
	} else {
		say(ch->values[s][hi], m, a, sizeof(a));
		say(ch->values[s][lo], m, b, sizeof(b));
		n = snprintf(ch->summary, sizeof(ch->summary), "%s : %s (%s)"
		    " ; %s : %s (%s).", m == USE_RATE ? "Taux le plus élevé" :
		    m == USED ? "Le plus de chèques utilisés" :
		    "Mois où le plus de chèques ont été utilisés",
		    t->lines[hi].label, a, m == USE_RATE ? "le plus bas" :
		    m == USED ? "le moins" : "le moins",
		    t->lines[lo].label, b);
	}
	if (withheld > 0 && n > 0 && (size_t)n < sizeof(ch->summary))
		(void)snprintf(ch->summary + n, sizeof(ch->summary) - (size_t)n,
		    " %zu %s (secret statistique).", withheld, withheld == 1 ?
		    "ligne masquée" : "lignes masquées");
}

int
dash_chart_of(const struct dashboard *d, enum dash_table_id id,
    struct dash_chart *ch)
{
	const struct dash_table *t = &d->tables[id];
	enum measure m = measure_of(id);
	unsigned k, n_series = m == ISSUED_AND_USED ? 2 : 1;
	size_t i, n = t->n > 0 ? t->n : 1;

	memset(ch, 0, sizeof(*ch));
	if ((ch->categories = calloc(n, sizeof(*ch->categories))) == NULL)
		return -1;
	for (k = 0; k < n_series; k++)
		if ((ch->values[k] = calloc(n, sizeof(double))) == NULL) {
			dash_chart_free(ch);
			return -1;
		}
	for (i = 0; i < t->n; i++) {
		ch->categories[i] = t->lines[i].label;
		for (k = 0; k < n_series; k++)
			ch->values[k][i] = value_of(&t->lines[i], m, k);
	}
	(void)snprintf(ch->id, sizeof(ch->id), "graphique-%s", t->slug);
	(void)snprintf(ch->title, sizeof(ch->title), "%s : %s", t->title,
	    m == USE_RATE ? "taux d’utilisation des chèques émis" :
	    m == USED ? "chèques utilisés" : "chèques émis et utilisés");
	/*
	 * One word for a line withheld either way (« < 5 » or « secret » in
	 * the table): a bar's label has no room for the difference.
	 */
	(void)snprintf(ch->mark, sizeof(ch->mark), "masqué");
	ch->series[0].name = m == USE_RATE ? "Taux d’utilisation" :
	    m == USED ? "Chèques utilisés" : "Chèques émis";
	ch->series[0].values = ch->values[0];
	ch->series[1].name = "Chèques utilisés";
	ch->series[1].values = ch->values[1];
	ch->c.kind = m == ISSUED_AND_USED ? CHART_LINE : CHART_BARS;
	ch->c.id = ch->id;
	ch->c.title = ch->title;
	ch->c.summary = ch->summary;
	ch->c.unit = m == USE_RATE ? "%" : NULL;
	ch->c.decimals = m == USE_RATE ? 1 : 0;
	ch->c.suppressed_label = ch->mark;
	ch->c.category_label = t->column;
	ch->c.categories = ch->categories;
	ch->c.n_categories = t->n;
	ch->c.series = ch->series;
	ch->c.n_series = n_series;
	ch->c.horizontal = id == DASH_AGENCY || id == DASH_COMMUNE ||
	    id == DASH_VENUE || id == DASH_THEME;
	summarise(ch, t, m);
	return 0;
}

void
dash_chart_free(struct dash_chart *ch)
{
	free(ch->categories);
	free(ch->values[0]);
	free(ch->values[1]);
	memset(ch, 0, sizeof(*ch));
}

/* The key figures of the bilan, their texts in buf. */
#define BILAN_TEXT 64
struct bilan_texts {
	char money[5][PN_MONEY_TEXT_MAX];
	char numbers[6][BILAN_TEXT];
};

int
dash_bilan_pdf(const struct dashboard *d, uint8_t **pdf, size_t *len,
    struct pn_error *err)
{
	static const enum dash_table_id shown[] = {
		DASH_AGENCY, DASH_MONTH, DASH_PATHWAY
	};
	struct bilan_figure f[BILAN_FIGURES_MAX];
	struct dash_chart ch[3];
	struct chart charts[3];
	struct bilan_pdf_in in;
	struct bilan_texts x;
	char at[PN_TIME_TEXT_MAX], when[32];
	char footer[256], rate[DASH_RATE_MAX], share[DASH_RATE_MAX];
	const struct dash_vouchers *v = &d->v;
	size_t nf = 0, nc = 0, i;
	bool few = d->people_state != SC_SHOWN;
	int rc;

	/* "07/12/2026 14:30" said "07/12/2026 à 14:30". */
	pn_time_format_paris(d->read_at, at);
	at[10] = '\0';
	(void)snprintf(when, sizeof(when), "%.10s à %.5s", at, at + 11);
	pn_money_format(d->budget_cents, x.money[0]);
	f[nf++] = (struct bilan_figure){ "Budget voté", x.money[0] };
	pn_money_format(d->budget_cents - d->committed_to_date_cents,
	    x.money[1]);
	f[nf++] = (struct bilan_figure){ "Disponible à ce jour", x.money[1] };
	if (!few) {
		pn_money_format(v->issued_cents, x.money[2]);
		f[nf++] = (struct bilan_figure){ "Engagé (chèques émis)",
		    x.money[2] };
		pn_money_format(v->settled_cents, x.money[3]);
		f[nf++] = (struct bilan_figure){ "Payé aux lieux",
		    x.money[3] };
		(void)snprintf(x.numbers[0], BILAN_TEXT, "%lld",
		    (long long)v->issued);
		f[nf++] = (struct bilan_figure){ "Chèques émis",
		    x.numbers[0] };
		(void)snprintf(x.numbers[1], BILAN_TEXT, "%lld",
		    (long long)v->used);
		f[nf++] = (struct bilan_figure){ "Chèques utilisés",
		    x.numbers[1] };
		f[nf++] = (struct bilan_figure){ "Taux d’utilisation",
		    dash_percent(v->used, v->issued, rate) };
		(void)snprintf(x.numbers[2], BILAN_TEXT, "%lld",
		    (long long)d->people);
		f[nf++] = (struct bilan_figure){ "Personnes touchées",
		    x.numbers[2] };
		(void)snprintf(x.numbers[3], BILAN_TEXT, "%lld (%s)",
		    (long long)d->people_using, dash_percent(d->people_using,
		    d->people, share));
		f[nf++] = (struct bilan_figure){ "Personnes venues à un "
		    "atelier", x.numbers[3] };
		if (d->median_days >= 0) {
			(void)snprintf(x.numbers[4], BILAN_TEXT, "%lld jour%s",
			    (long long)d->median_days, d->median_days > 1 ?
			    "s" : "");
			f[nf++] = (struct bilan_figure){ "Délai médian avant "
			    "le premier atelier", x.numbers[4] };
		}
		for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
			if (dash_chart_of(d, shown[i], &ch[nc]) != 0)
				break;
			charts[nc] = ch[nc].c;
			nc++;
		}
	}
	(void)snprintf(footer, sizeof(footer), "Source : passnum, chèques "
	    "émis dans la période et ce qu’ils sont devenus. Secret "
	    "statistique : moins de %u personnes, « < %u ».", d->min_people,
	    d->min_people);
	memset(&in, 0, sizeof(in));
	in.programme = d->programme_name;
	in.period = d->period.label;
	in.data_date = when;
	in.footer = footer;
	in.data_time = d->read_at;
	in.figures = f;
	in.n_figures = nf;
	in.charts = charts;
	in.n_charts = nc;
	if (!few && nc < sizeof(shown) / sizeof(shown[0]))
		rc = pn_error_set(err, PN_E_NOMEM, "out of memory drawing the "
		    "bilan's charts");
	else
		rc = bilan_pdf_render(&in, pdf, len, err);
	for (i = 0; i < nc; i++)
		dash_chart_free(&ch[i]);
	return rc;
}
