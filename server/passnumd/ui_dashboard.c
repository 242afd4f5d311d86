/* ui_dashboard.c -- GET /pilotage and /pilotage.csv: the Département's dashboard of a programme over a period.
 *
 * For the funder's staff and elected officials (role funder), the
 * accountants and the admins: the budget, what became of the vouchers
 * issued in the period, the people they reached, and seven breakdowns,
 * each a table whose small numbers are withheld (small_counts.h). The
 * figures are dashboard.h's; docs/report.md defines them. A query the
 * page cannot read shows the form again, the error at its field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/money.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "dashboard.h"
#include "dashboard_charts.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

/* What the query asked, and what was wrong with it. */
struct query {
	const char *programme, *periode, *du, *au;
	int64_t programme_id;		/* 0: the latest */
	struct dash_period period;
	const char *bad;		/* the field at fault, or NULL */
	char message[160];		/* French, for bad */
};

/* Read the query into q; q->bad names a field at fault. */
static void
read_query(struct http_request *req, struct query *q)
{
	uint64_t id;

	memset(q, 0, sizeof(*q));
	q->programme = http_request_query(req, "programme");
	q->periode = http_request_query(req, "periode");
	q->du = http_request_query(req, "du");
	q->au = http_request_query(req, "au");
	if (q->programme != NULL && q->programme[0] != '\0') {
		if (pn_parse_u64(q->programme, INT64_MAX, &id) != 0 ||
		    id == 0) {
			q->bad = "programme";
			(void)snprintf(q->message, sizeof(q->message),
			    "Choisissez un programme de la liste.");
			return;
		}
		q->programme_id = (int64_t)id;
	}
	(void)dash_period_parse(q->periode, q->du, q->au, (int64_t)time(NULL),
	    &q->period, &q->bad, q->message, sizeof(q->message));
}

/* The query string of the period shown, for the CSV links. */
static void
period_query(const struct dash_period *p, char *buf, size_t len)
{
	if (p->kind == DASH_P_DAYS)
		(void)snprintf(buf, len, "du=%s&au=%s", p->du, p->au);
	else
		(void)snprintf(buf, len, "periode=%s", p->periode);
}

/* The form: programme, period, or days; the error at its field. */
static void
put_form(struct html *h, const struct query *q, const char *options,
    unsigned n_programmes)
{
	bool bad_p = q->bad != NULL && strcmp(q->bad, "periode") == 0;
	bool bad_du = q->bad != NULL && strcmp(q->bad, "du") == 0;
	bool bad_au = q->bad != NULL && strcmp(q->bad, "au") == 0;
	bool bad_prog = q->bad != NULL && strcmp(q->bad, "programme") == 0;

	if (q->bad != NULL)
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Le tableau de "
		    "bord ne peut pas être affiché : <a href=\"#%s\">%s</a>"
		    "</p></div>", q->bad, q->message);
	html_put(h, "<form class=\"panel\" method=\"get\" action=\"/pilotage\">");
	if (n_programmes > 1 || bad_prog) {
		html_put(h, "<label for=\"programme\">Programme</label>");
		ui_compta_field_error(h, "programme", bad_prog, q->message);
		html_put(h, "<select id=\"programme\" name=\"programme\"");
		ui_compta_field_attrs(h, "programme", NULL, bad_prog);
		html_put(h, ">%R</select>", options);
	}
	html_put(h, "<label for=\"periode\">Période</label>");
	ui_compta_field_error(h, "periode", bad_p, q->message);
	html_put(h, "<input id=\"periode\" name=\"periode\" type=\"text\" "
	    "maxlength=\"10\" autocomplete=\"off\" spellcheck=\"false\"");
	ui_compta_field_attrs(h, "periode", "periode-hint", bad_p);
	html_put(h, " value=\"%s\"><span class=\"hint\" id=\"periode-hint\">"
	    "Une année (2026), un trimestre (2026-T4) ou un mois (2026-11) ; "
	    "vide : l’année en cours.</span>",
	    q->periode != NULL ? q->periode : "");
	html_put(h, "<fieldset><legend>Ou des dates, incluses</legend>"
	    "<label for=\"du\">Du</label>");
	ui_compta_field_error(h, "du", bad_du, q->message);
	html_put(h, "<input id=\"du\" name=\"du\" type=\"date\"");
	ui_compta_field_attrs(h, "du", NULL, bad_du);
	html_put(h, " value=\"%s\"><label for=\"au\">Au</label>",
	    q->du != NULL ? q->du : "");
	ui_compta_field_error(h, "au", bad_au, q->message);
	html_put(h, "<input id=\"au\" name=\"au\" type=\"date\"");
	ui_compta_field_attrs(h, "au", NULL, bad_au);
	html_put(h, " value=\"%s\"></fieldset><button type=\"submit\">"
	    "Afficher</button></form>", q->au != NULL ? q->au : "");
}

/*
 * A table's scrolling region: on a phone a table is wider than the
 * screen and scrolls inside it, so the region takes the keyboard focus
 * (arrows scroll it) and is named by its heading, id heading.
 */
static void
scroll_open(struct html *h, const char *heading)
{
	html_put(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
	    "aria-labelledby=\"%s\">", heading);
}

/* One money row: label, amount, share of the budget. */
static void
money_row(struct html *h, const char *label, int64_t cents, int64_t budget)
{
	char money[PN_MONEY_TEXT_MAX], pc[DASH_RATE_MAX];

	pn_money_format(cents, money);
	html_put(h, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td>"
	    "</tr>", label, money, dash_percent(cents, budget, pc));
}

/* One voucher row: label, number, amount, share of those issued. */
static void
voucher_row(struct html *h, const char *label, int64_t n, int64_t cents,
    int64_t issued)
{
	char money[PN_MONEY_TEXT_MAX], pc[DASH_RATE_MAX];

	pn_money_format(cents, money);
	html_put(h, "<tr><th scope=\"row\">%s</th><td>%L</td><td>%s</td>"
	    "<td>%s</td></tr>", label, n, money, dash_percent(n, issued, pc));
}

static void
put_money(struct html *h, const struct dashboard *d)
{
	const struct dash_vouchers *v = &d->v;
	int64_t left = d->budget_cents - d->committed_to_date_cents;

	html_put(h, "<h2 id=\"budget\">Budget</h2>");
	scroll_open(h, "budget");
	html_put(h, "<table><caption>"
	    "Budget du programme et chèques émis dans la période</caption>"
	    "<thead><tr><th scope=\"col\">Poste</th><th scope=\"col\">"
	    "Montant</th><th scope=\"col\">Part du budget</th></tr></thead>"
	    "<tbody>");
	money_row(h, "Budget voté", d->budget_cents, d->budget_cents);
	money_row(h, "Engagé (chèques émis dans la période)", v->issued_cents,
	    d->budget_cents);
	money_row(h, "Dépensé (payé aux lieux)", v->settled_cents,
	    d->budget_cents);
	money_row(h, "Reste à payer (utilisés, pas encore payés)",
	    v->used_cents - v->settled_cents, d->budget_cents);
	money_row(h, "Disponible à ce jour (budget moins tout l’engagé)",
	    left, d->budget_cents);
	html_put(h, "</tbody></table></div>");
}

static void
put_vouchers(struct html *h, const struct dashboard *d)
{
	const struct dash_vouchers *v = &d->v;
	char pc[DASH_RATE_MAX];

	html_put(h, "<h2 id=\"cheques\">Chèques</h2><p class=\"panel\">Taux "
	    "d’utilisation : <strong>%s</strong> des chèques émis dans la "
	    "période ont été utilisés.</p>", dash_percent(v->used, v->issued,
	    pc));
	scroll_open(h, "cheques");
	html_put(h, "<table><caption>Ce que sont "
	    "devenus les chèques émis dans la période</caption><thead><tr>"
	    "<th scope=\"col\">État</th><th scope=\"col\">Chèques</th>"
	    "<th scope=\"col\">Montant</th><th scope=\"col\">Part des émis"
	    "</th></tr></thead><tbody>");
	voucher_row(h, "Émis", v->issued, v->issued_cents, v->issued);
	voucher_row(h, "Utilisés", v->used, v->used_cents, v->issued);
	voucher_row(h, "dont payés aux lieux", v->settled, v->settled_cents,
	    v->issued);
	voucher_row(h, "En circulation", v->outstanding, v->outstanding_cents,
	    v->issued);
	voucher_row(h, "Expirés", v->expired, v->expired_cents, v->issued);
	voucher_row(h, "Annulés", v->cancelled, v->cancelled_cents,
	    v->issued);
	html_put(h, "</tbody></table></div>");
	if (dash_vouchers_balanced(v))
		html_put(h, "<p class=\"alert ok\">Contrôle : émis = utilisés + "
		    "en circulation + expirés + annulés, en nombre et en "
		    "montant ; payés ≤ utilisés. Vérifié.</p>");
	else
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Contrôle "
		    "en échec : les chèques émis ne sont pas la somme des "
		    "utilisés, en circulation, expirés et annulés. Prévenez "
		    "l’administrateur (passnum-admin audit).</p></div>");
}

static void
put_people(struct html *h, const struct dashboard *d)
{
	char avg[DASH_RATE_MAX], pc[DASH_RATE_MAX];

	html_put(h, "<h2>Personnes</h2><dl class=\"panel\">"
	    "<dt>Personnes ayant reçu un carnet</dt><dd>%L</dd>"
	    "<dt>Personnes ayant utilisé au moins un chèque</dt>"
	    "<dd>%L (%s)</dd>", d->people, d->people_using,
	    dash_percent(d->people_using, d->people, pc));
	html_put(h, "<dt>Chèques utilisés par personne qui en a utilisé</dt>"
	    "<dd>%s en moyenne</dd>", dash_ratio(d->v.used, d->people_using,
	    avg));
	if (d->median_days < 0)
		html_put(h, "<dt>Délai entre la remise et le premier atelier"
		    "</dt><dd>aucun chèque utilisé</dd>");
	else
		html_put(h, "<dt>Délai entre la remise et le premier atelier"
		    "</dt><dd>%L jour%R (médiane)</dd>", d->median_days,
		    d->median_days > 1 ? "s" : "");
	html_put(h, "</dl>");
}

/*
 * A table's chart, above it (dashboard_charts.h): drawn from the same
 * lines, withheld ones marked as in the table. Its own data table is for
 * screen readers; the fuller table below shows the same numbers.
 */
static void
put_chart(struct html *h, const struct dashboard *d, enum dash_table_id id)
{
	struct dash_chart ch;
	char *svg = NULL;

	if (d->tables[id].n == 0)
		return;
	if (dash_chart_of(d, id, &ch) == 0)
		svg = svg_chart_html(&ch.c, NULL);
	if (svg != NULL)
		html_put(h, "%R", svg);
	else
		h->failed = true;	/* out of memory: the page fails whole */
	free(svg);
	dash_chart_free(&ch);
}

/* A cell of figure n, or the line's mark when it is withheld. */
static void
cell_n(struct html *h, const struct dashboard *d, const struct dash_line *l,
    int64_t n)
{
	char mark[SMALL_COUNTS_MARK_MAX];

	if (l->state != SC_SHOWN)
		html_put(h, "<td>%s</td>", small_counts_mark(l->state,
		    d->min_people, mark));
	else
		html_put(h, "<td>%L</td>", n);
}

static void
cell_text(struct html *h, const struct dashboard *d,
    const struct dash_line *l, const char *text)
{
	char mark[SMALL_COUNTS_MARK_MAX];

	html_put(h, "<td>%s</td>", l->state != SC_SHOWN ?
	    small_counts_mark(l->state, d->min_people, mark) : text);
}

static void
put_line(struct html *h, const struct dashboard *d, const struct dash_table *t,
    const struct dash_line *l)
{
	char money[PN_MONEY_TEXT_MAX], pc[DASH_RATE_MAX];

	html_put(h, "<tr><th scope=\"row\">%s</th>", l->label);
	cell_n(h, d, l, l->people);
	if (t->by_issue)
		cell_n(h, d, l, l->issued);
	cell_n(h, d, l, l->used);
	if (t->by_issue)
		cell_text(h, d, l, dash_percent(l->used, l->issued, pc));
	pn_money_format(l->used_cents, money);
	cell_text(h, d, l, money);
	html_put(h, "</tr>");
}

static void
put_table(struct html *h, const struct dashboard *d,
    const struct dash_table *t, const char *pq)
{
	bool withheld = t->total.state != SC_SHOWN;
	size_t i;

	html_put(h, "<h2 id=\"%s\">%s</h2>", t->slug, t->title);
	put_chart(h, d, (enum dash_table_id)(t - d->tables));
	if (t->n == 0) {
		html_put(h, "<p>Aucun chèque %s dans la période.</p>",
		    t->by_issue ? "émis" : "utilisé");
		return;
	}
	scroll_open(h, t->slug);
	html_put(h, "<table><caption>%s (%L "
	    "ligne%R)</caption><thead><tr><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">Personnes</th>", t->caption, (int64_t)t->n,
	    t->n > 1 ? "s" : "", t->column);
	if (t->by_issue)
		html_put(h, "<th scope=\"col\">Chèques émis</th>");
	html_put(h, "<th scope=\"col\">Chèques utilisés</th>");
	if (t->by_issue)
		html_put(h, "<th scope=\"col\">Taux d’utilisation</th>");
	html_put(h, "<th scope=\"col\">Montant utilisé</th></tr></thead>"
	    "<tbody>");
	for (i = 0; i < t->n; i++) {
		put_line(h, d, t, &t->lines[i]);
		withheld |= t->lines[i].state != SC_SHOWN;
	}
	html_put(h, "</tbody><tfoot>");
	put_line(h, d, t, &t->total);
	html_put(h, "</tfoot></table></div>");
	if (withheld)
		html_put(h, "<p class=\"hint\">« &lt; %u » : moins de %u "
		    "personnes derrière ces chiffres ; « secret » : chiffres "
		    "masqués pour qu’ils ne se déduisent pas du total (secret "
		    "statistique).</p>", d->min_people, d->min_people);
	if (!t->by_issue)
		html_put(h, "<p class=\"hint\">Une personne peut avoir utilisé "
		    "ses chèques en plusieurs lignes : les personnes ne "
		    "s’additionnent pas.</p>");
	html_put(h, "<p><a href=\"/pilotage.csv?tableau=%s&amp;programme=%L"
	    "&amp;%s\">Télécharger ce tableau en CSV</a></p>", t->slug,
	    d->programme_id, pq);
}

/* Declared in ui.h. */
void
ui_dashboard_body(struct html *h, const struct dashboard *d)
{
	char at[PN_TIME_TEXT_MAX], pq[64];
	unsigned i;

	pn_time_format_paris(d->read_at, at);
	period_query(&d->period, pq, sizeof(pq));
	html_put(h, "<h2>%s — %s</h2><p>Chiffres au %s, des chèques émis "
	    "dans la période.</p>", d->programme_name, d->period.label, at);
	put_money(h, d);
	if (d->people_state != SC_SHOWN) {
		html_put(h, "<p class=\"alert\">Moins de %u personnes ont reçu "
		    "un carnet dans la période : leurs chiffres ne sont pas "
		    "montrés (secret statistique). Choisissez une période plus "
		    "longue.</p>", d->min_people);
		return;
	}
	put_vouchers(h, d);
	put_people(h, d);
	html_put(h, "<nav aria-label=\"Tableaux\"><ul>");
	for (i = 0; i < DASH_TABLES; i++)
		html_put(h, "<li><a href=\"#%s\">%s</a></li>",
		    d->tables[i].slug, d->tables[i].title);
	html_put(h, "</ul></nav>");
	for (i = 0; i < DASH_TABLES; i++)
		put_table(h, d, &d->tables[i], pq);
	html_put(h, "<p><a class=\"button\" href=\"/pilotage/bilan.pdf?"
	    "programme=%L&amp;%s\">Bilan à imprimer (PDF, une page)</a>"
	    "<a class=\"button secondary\" href=\"/pilotage.csv?"
	    "programme=%L&amp;%s\">Télécharger tous les tableaux en CSV</a>"
	    "</p><p class=\"hint\">Un chèque compte dans la période où son "
	    "carnet a été remis ; « utilisé », « en circulation », "
	    "« expiré » et « annulé » disent ce qu’il est devenu depuis, "
	    "jusqu’au %s.</p>", d->programme_id, pq, d->programme_id, pq, at);
}

enum MHD_Result
ui_dashboard(struct http_request *req)
{
	const struct config *cfg = http_request_config(req);
	struct ui_programmes c = { .selected = 0, .latest = 0, .n = 0 };
	struct dashboard *d = NULL;
	struct pn_error err;
	struct query q;
	struct store *s;
	struct html h;
	unsigned status = 200;
	int rc = 0;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	read_query(req, &q);
	if (ui_programmes_count(s, &c, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	c.selected = q.programme_id != 0 ? q.programme_id : c.latest;
	if (q.bad == NULL && c.selected != 0) {
		rc = dashboard_load(s, c.selected, &q.period,
		    cfg->report.min_people, (int64_t)time(NULL), &d, &err);
		if (rc < 0)
			return ui_error_page(req, ERR_STORE_UNAVAILABLE,
			    err.message);
		if (rc == 1) {
			q.bad = "programme";
			(void)snprintf(q.message, sizeof(q.message),
			    "Ce programme n’existe pas : choisissez-en un de "
			    "la liste.");
			c.selected = c.latest;
		}
	}
	if (q.bad != NULL)
		status = 400;
	html_init(&h);
	ui_begin(&h, req, "Pilotage du Pass numérique");
	if (c.n == 0) {
		html_put(&h, "<p>Aucun programme n’est enregistré "
		    "(passnum-admin programme add).</p>");
		return ui_end(&h, req, 200);
	}
	if (ui_programmes_options(s, &c, &err) != 0) {
		html_free(&h);
		dashboard_free(d);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	put_form(&h, &q, c.html.failed ? "" : c.html.buf, c.n);
	h.failed |= c.html.failed;
	html_free(&c.html);
	if (d != NULL)
		ui_dashboard_body(&h, d);
	dashboard_free(d);
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_dashboard_csv(struct http_request *req)
{
	const struct config *cfg = http_request_config(req);
	const char *table = http_request_query(req, "tableau");
	struct ui_programmes c = { .selected = 0, .latest = 0, .n = 0 };
	enum dash_table_id which = DASH_TABLES;
	struct dashboard *d;
	struct pn_error err;
	struct query q;
	struct store *s;
	char disposition[128], *csv;
	size_t len;
	int rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	read_query(req, &q);
	if (q.bad != NULL)
		return ui_error_page(req, ERR_INVALID_FIELD, q.bad);
	if (table != NULL && table[0] != '\0' &&
	    (which = dash_table_find(table)) == DASH_TABLES)
		return ui_error_page(req, ERR_INVALID_FIELD, "tableau");
	if (ui_programmes_count(s, &c, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	c.selected = q.programme_id != 0 ? q.programme_id : c.latest;
	if (c.selected == 0)
		return ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "programme");
	rc = dashboard_load(s, c.selected, &q.period, cfg->report.min_people,
	    (int64_t)time(NULL), &d, &err);
	if (rc < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (rc == 1)
		return ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "programme");
	rc = dashboard_csv_write(d, which, &csv, &len, &err);
	(void)snprintf(disposition, sizeof(disposition), "attachment; "
	    "filename=\"pilotage-%lld-%s-%s.csv\"", (long long)d->programme_id,
	    d->period.kind == DASH_P_DAYS ? d->period.du : d->period.periode,
	    which == DASH_TABLES ? "tout" : d->tables[which].slug);
	dashboard_free(d);
	if (rc != 0)
		return ui_error_page(req, ERR_INTERNAL, err.message);
	return http_reply_document(req, 200, "text/csv; charset=utf-8",
	    disposition, csv, len);
}

/*
 * GET /pilotage/bilan.pdf: the one-page bilan for elected officials, of
 * the same programme and period as the page, small numbers withheld the
 * same way (dashboard_charts.h).
 */
enum MHD_Result
ui_dashboard_pdf(struct http_request *req)
{
	const struct config *cfg = http_request_config(req);
	struct ui_programmes c = { .selected = 0, .latest = 0, .n = 0 };
	struct dashboard *d;
	struct pn_error err;
	struct query q;
	struct store *s;
	char disposition[128];
	uint8_t *pdf;
	size_t len;
	int res;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	read_query(req, &q);
	if (q.bad != NULL)
		return ui_error_page(req, ERR_INVALID_FIELD, q.bad);
	if (ui_programmes_count(s, &c, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	c.selected = q.programme_id != 0 ? q.programme_id : c.latest;
	if (c.selected == 0)
		return ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "programme");
	res = dashboard_load(s, c.selected, &q.period, cfg->report.min_people,
	    (int64_t)time(NULL), &d, &err);
	if (res < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (res == 1)
		return ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "programme");
	res = dash_bilan_pdf(d, &pdf, &len, &err);
	(void)snprintf(disposition, sizeof(disposition), "attachment; "
	    "filename=\"bilan-pass-numerique-%lld-%s.pdf\"",
	    (long long)d->programme_id, d->period.kind == DASH_P_DAYS ?
	    d->period.du : d->period.periode);
	dashboard_free(d);
	if (res != 0)
		return ui_error_page(req, ERR_INTERNAL, err.message);
	/* The reply takes the document over. */
	return http_reply_document(req, 200, "application/pdf", disposition,
	    pdf, len);
}
