/* ui_report.c -- GET /compta/bilan: the funder's report of a programme, by agency and by commune.
 *
 * For the accountants and admins: what became of the programme's vouchers
 * (issued, handed out, used, paid, outstanding, expired, cancelled, in
 * number and in euros), one table by issuing agency and one by the
 * beneficiaries' commune, each with its total, the money invariant
 * checked, and the same figures as CSV (ui_report_csv.c). The programme
 * is ?programme=ID, the latest one by default. docs/report.md defines
 * each figure.
 */
#include <stdio.h>

#include "passnum/money.h"
#include "passnum/parse.h"
#include "report.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

/* The column groups of both tables, after the line's label. */
static const char *const groups[] = {
	"Émis", "Remis", "Utilisés", "dont réglés", "En circulation",
	"Expirés", "Annulés",
};
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

/* Count and amount cells of f, in the order of groups[]. */
static void
put_cells(struct html *h, const struct report_figures *f)
{
	const int64_t n[N_GROUPS] = { f->issued, f->handed_out, f->redeemed,
	    f->settled, f->outstanding, f->expired, f->cancelled };
	const int64_t c[N_GROUPS] = { f->issued_cents, f->handed_out_cents,
	    f->redeemed_cents, f->settled_cents, f->outstanding_cents,
	    f->expired_cents, f->cancelled_cents };
	char money[PN_MONEY_TEXT_MAX];
	size_t i;

	for (i = 0; i < N_GROUPS; i++) {
		pn_money_format(c[i], money);
		html_put(h, "<td>%L</td><td>%s</td>", n[i], money);
	}
}

/*
 * A breakdown as an accessible table: a caption, the label column and a
 * group of two columns (number, amount) per figure, headers scoped, one
 * row per line and the total in the foot.
 */
static void
put_table(struct html *h, const char *caption, const char *label,
    const struct report_line *lines, size_t n,
    const struct report_figures *total)
{
	size_t i;

	html_put(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
	    "aria-label=\"%s\"><table><caption>%s</caption>"
	    "<colgroup><col></colgroup>", caption, caption);
	for (i = 0; i < N_GROUPS; i++)
		html_put(h, "<colgroup span=\"2\"></colgroup>");
	html_put(h, "<thead><tr><th scope=\"col\" rowspan=\"2\">%s</th>",
	    label);
	for (i = 0; i < N_GROUPS; i++)
		html_put(h, "<th scope=\"colgroup\" colspan=\"2\">%s</th>",
		    groups[i]);
	html_put(h, "</tr><tr>");
	for (i = 0; i < N_GROUPS; i++)
		html_put(h, "<th scope=\"col\">Nombre</th>"
		    "<th scope=\"col\">Montant</th>");
	html_put(h, "</tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		html_put(h, "<tr><th scope=\"row\">%s</th>", lines[i].name);
		put_cells(h, &lines[i].f);
		html_put(h, "</tr>");
	}
	html_put(h, "</tbody><tfoot><tr><th scope=\"row\">Total</th>");
	put_cells(h, total);
	html_put(h, "</tr></tfoot></table></div>");
}

/* One "term: N chèques, amount" of the summary. */
static void
put_term(struct html *h, const char *term, int64_t n, int64_t cents)
{
	char money[PN_MONEY_TEXT_MAX];

	pn_money_format(cents, money);
	html_put(h, "<dt>%s</dt><dd>%L chèque%s, %s</dd>", term, n,
	    n > 1 ? "s" : "", money);
}

/* The programme's summary, its invariant, the CSV link and both tables. */
static void
put_report(struct html *h, const struct report_programme *p)
{
	const struct report_figures *t = &p->total;
	char caption[256];

	html_put(h, "<h2>%s</h2><dl class=\"panel\">", p->name);
	put_term(h, "Émis et remis", t->issued, t->issued_cents);
	put_term(h, "Utilisés", t->redeemed, t->redeemed_cents);
	put_term(h, "dont réglés aux lieux", t->settled, t->settled_cents);
	put_term(h, "En circulation", t->outstanding, t->outstanding_cents);
	put_term(h, "Expirés", t->expired, t->expired_cents);
	put_term(h, "Annulés", t->cancelled, t->cancelled_cents);
	html_put(h, "</dl>");
	if (report_balanced(t))
		html_put(h, "<p class=\"alert ok\">Contrôle : émis = utilisés + "
		    "en circulation + expirés + annulés, en nombre et en "
		    "montant ; réglés ≤ utilisés. Vérifié.</p>");
	else
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Contrôle "
		    "en échec : les chèques émis ne sont pas la somme des "
		    "utilisés, en circulation, expirés et annulés. Prévenez "
		    "l’administrateur (passnum-admin audit).</p></div>");
	html_put(h, "<p class=\"hint\">Un carnet est émis au moment où il est "
	    "remis à la personne : les chèques remis sont les chèques émis. "
	    "« Utilisés » compte les chèques encaissés par un lieu, réglés "
	    "ou non ; « en circulation », ceux qui peuvent encore "
	    "l’être.</p><p><a class=\"button secondary\" "
	    "href=\"/compta/bilan.csv?programme=%L\">Télécharger en CSV</a>"
	    "</p>", p->id);
	if (t->issued == 0) {
		html_put(h, "<p>Aucun chèque n’a encore été émis dans ce "
		    "programme.</p>");
		return;
	}
	html_put(h, "<h3>Par agence</h3>");
	(void)snprintf(caption, sizeof(caption), "Chèques par agence "
	    "émettrice (%zu)", p->n_agencies);
	put_table(h, caption, "Agence", p->agencies, p->n_agencies, t);
	html_put(h, "<h3>Par commune</h3>");
	(void)snprintf(caption, sizeof(caption), "Chèques par commune des "
	    "bénéficiaires (%zu)", p->n_communes);
	put_table(h, caption, "Commune", p->communes, p->n_communes, t);
}

enum MHD_Result
ui_report(struct http_request *req)
{
	const char *typed = http_request_query(req, "programme");
	struct ui_programmes c = { .selected = 0, .latest = 0, .n = 0 };
	struct report *r = NULL;
	struct pn_error err;
	struct store *s;
	struct html h;
	uint64_t id;
	bool bad = false;
	int rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (typed != NULL && typed[0] != '\0') {
		if (pn_parse_u64(typed, INT64_MAX, &id) != 0 || id == 0)
			bad = true;
		else
			c.selected = (int64_t)id;
	}
	if (ui_programmes_count(s, &c, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (c.selected == 0)
		c.selected = c.latest;
	if (c.selected != 0) {
		rc = report_load(s, c.selected, &r, &err);
		/* A programme that does not exist: the form, its error. */
		if (rc == 1) {
			bad = true;
			c.selected = c.latest;
			rc = report_load(s, c.selected, &r, &err);
		}
		if (rc != 0)
			return ui_error_page(req, ERR_STORE_UNAVAILABLE,
			    err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Bilan des chèques");
	if (c.n == 0) {
		html_put(&h, "<p>Aucun programme n’est enregistré : un "
		    "administrateur l’ajoute dans Administration, "
		    "« Programmes ».</p>");
		return ui_end(&h, req, 200);
	}
	if (c.n > 1 || bad) {
		if (ui_programmes_options(s, &c, &err) != 0) {
			html_free(&h);
			report_free(r);
			return ui_error_page(req, ERR_STORE_UNAVAILABLE,
			    err.message);
		}
		html_put(&h, "<form class=\"panel\" method=\"get\" "
		    "action=\"/compta/bilan\"><label for=\"programme\">"
		    "Programme</label>");
		ui_compta_field_error(&h, "programme", bad, "Ce programme "
		    "n’existe pas : choisissez-en un dans la liste.");
		html_put(&h, "<select id=\"programme\" name=\"programme\"");
		ui_compta_field_attrs(&h, "programme", NULL, bad);
		html_put(&h, ">%R</select><button type=\"submit\">Afficher"
		    "</button></form>", c.html.failed ? "" : c.html.buf);
		h.failed |= c.html.failed;
		html_free(&c.html);
	}
	put_report(&h, &r->programmes[0]);
	if (c.n > 1)
		html_put(&h, "<p><a href=\"/compta/bilan.csv\">Télécharger "
		    "tous les programmes en CSV</a></p>");
	report_free(r);
	return ui_end(&h, req, bad ? 400 : 200);
}
