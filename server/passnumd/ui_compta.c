/* ui_compta.c -- GET /compta and POST /compta/lots: what waits to be settled, drafting a batch, the batches.
 *
 * The accounting service's start page. It shows what the previous period
 * would settle if drafted now (vouchers payable, those whose sessions are
 * still in the contest window, those held by an open dispute), a form to
 * draft the batch of a period (the previous one by default), and the
 * latest batches. Drafting goes through settle_draft(), which decides
 * everything; a refusal comes back to this page with its French message,
 * at the period field, and nothing is written. The clock is the server's.
 *
 * Terminals suspended pending review are listed above everything else
 * (ui_suspended_terminals(), which an admin's home page shows too).
 *
 * This file also holds what the accounting pages share (ui.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/timefmt.h"
#include "form.h"
#include "settle_draft.h"
#include "settle_rules.h"
#include "store.h"
#include "op_request.h"
#include "ui.h"
#include "worker.h"

/* The latest batches listed: some four years of monthly periods. */
#define BATCHES_SHOWN 50

void
ui_compta_alert(struct html *h, struct http_request *req, enum err_code code,
    const char *detail)
{
	const struct store_principal *who = http_request_principal(req);

	html_put(h, "<div class=\"alert\" role=\"alert\"><p>%F</p>",
	    err_lookup(code)->fr);
	/* The detail comes from the settlement's checks, in English. */
	if (detail != NULL && detail[0] != '\0' && who != NULL &&
	    who->role == ROLE_ADMIN)
		html_put(h, "<details><summary>Détails techniques</summary>"
		    "<p lang=\"en\">%s</p></details>", detail);
	html_put(h, "</div>");
}

void
ui_compta_field_attrs(struct html *h, const char *id, const char *hint,
    bool invalid)
{
	if (invalid)
		html_put(h, " aria-invalid=\"true\"");
	if (hint != NULL && invalid)
		html_put(h, " aria-describedby=\"%s %s-error\"", hint, id);
	else if (hint != NULL)
		html_put(h, " aria-describedby=\"%s\"", hint);
	else if (invalid)
		html_put(h, " aria-describedby=\"%s-error\"", id);
}

void
ui_compta_field_error(struct html *h, const char *id, bool invalid,
    const char *message)
{
	if (invalid)
		html_put(h, "<span id=\"%s-error\" class=\"error\">%F</span>",
		    id, message);
}

void
ui_compta_period_label(struct http_request *req, const char *text, char *buf,
    size_t len)
{
	const struct config *cfg = http_request_config(req);
	struct settle_period p;
	struct pn_error err;

	if (settle_period_parse(text, cfg->settlement.period, &p, &err) ==
	    ERR_NONE)
		(void)snprintf(buf, len, "%s", p.label);
	else
		(void)snprintf(buf, len, "%s", text);
}

struct suspended_rows {
	struct html html;
	unsigned n;
};

static int
suspended_row(void *ctx, const struct store_suspended_terminal *t)
{
	struct suspended_rows *r = ctx;
	char when[PN_TIME_TEXT_MAX];

	pn_time_format_paris(t->suspended_at, when);
	html_put(&r->html, "<tr><th scope=\"row\">%s <span class=\"hint\">"
	    "SIRET %s</span></th><td>%s</td><td>%s</td><td>%s</td></tr>",
	    t->venue_name, t->siret, t->label, when,
	    t->reason[0] != '\0' ? t->reason : "non précisé");
	r->n++;
	return 0;
}

int
ui_suspended_terminals(struct html *h, struct store *s,
    struct pn_error *err)
{
	struct suspended_rows r = { .n = 0 };
	int rc;

	html_init(&r.html);
	if ((rc = store_terminals_suspended(s, 0, 0, suspended_row, &r,
	    err)) == 0 && r.n > 0) {
		html_put(h, "<section class=\"alert\" "
		    "aria-labelledby=\"suspendus\"><h2 id=\"suspendus\">"
		    "Terminaux suspendus (%u)</h2><p>Trop de clés de contrôle "
		    "erronées, ou une décision d’un administrateur : ces "
		    "terminaux ne peuvent plus accepter de chèques jusqu’à ce "
		    "qu’un administrateur les examine et les réactive. Les lots "
		    "qui paient ces lieux le signalent dans leurs alertes."
		    "</p><div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"suspendus-liste\">"
		    "<table><caption id=\"suspendus-liste\">Les terminaux "
		    "suspendus, par lieu</caption><thead><tr>"
		    "<th scope=\"col\">Lieu</th><th scope=\"col\">Terminal</th>"
		    "<th scope=\"col\">Suspendu le</th>"
		    "<th scope=\"col\">Motif</th></tr></thead>"
		    "<tbody>%R</tbody></table></div></section>", r.n,
		    r.html.failed ? "" : r.html.buf);
		h->failed |= r.html.failed;
	}
	html_free(&r.html);
	return rc;
}

struct rows {
	struct html html;
	struct http_request *req;
	unsigned n;
};

static int
batch_row(void *ctx, const struct store_batch *b)
{
	struct rows *r = ctx;
	char label[SETTLE_LABEL_MAX], total[PN_MONEY_TEXT_MAX];
	char drafted[PN_TIME_TEXT_MAX], approved[PN_TIME_TEXT_MAX];

	ui_compta_period_label(r->req, b->period, label, sizeof(label));
	pn_money_format(b->total_cents, total);
	pn_time_format_paris_date(b->drafted_at, drafted);
	html_put(&r->html, "<tr><th scope=\"row\"><a href=\"/compta/lots/%s\">"
	    "%s</a></th><td>%s</td><td>%s</td><td>%L", b->reference,
	    b->reference, label, settle_status_label(b->status), b->n_lines);
	if (b->n_carried > 0)
		html_put(&r->html, " (+ %L reporté%s)", b->n_carried,
		    b->n_carried > 1 ? "s" : "");
	html_put(&r->html, "</td><td>%L</td><td>%s</td><td>%s, le %s</td>",
	    b->n_vouchers, total, b->drafted_by_login, drafted);
	if (b->approved_by != 0) {
		pn_time_format_paris_date(b->approved_at, approved);
		html_put(&r->html, "<td>%s, le %s</td></tr>",
		    b->approved_by_login, approved);
	} else
		html_put(&r->html, "<td>—</td></tr>");
	r->n++;
	return 0;
}

/*
 * The page; typed is the period in the form (NULL: the previous period),
 * and code a refusal of the draft to show at it (ERR_NONE: none).
 */
static enum MHD_Result
show(struct http_request *req, const char *typed, enum err_code code,
    const char *detail)
{
	const struct config *cfg = http_request_config(req);
	int64_t now = (int64_t)time(NULL);
	struct store_settle_rules rules;
	struct store_settle_pending pend;
	struct rows rows = { .req = req, .n = 0 };
	struct settle_period prev;
	struct pn_error err;
	struct store *s;
	struct html h;
	char amount[PN_MONEY_TEXT_MAX];
	bool bad = code != ERR_NONE;

	settle_period_before(now, cfg->settlement.period, &prev);
	settle_rules_of(cfg, &rules);
	html_init(&rows.html);
	if ((s = worker_store(&err)) == NULL ||
	    store_settle_pending(s, prev.end, &rules, now, &pend, &err) != 0 ||
	    store_batch_each(s, BATCHES_SHOWN, batch_row, &rows, &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	pn_money_format(pend.validated_cents, amount);
	html_init(&h);
	ui_begin(&h, req, "Règlements");
	if (bad)
		ui_compta_alert(&h, req, code, detail);
	if (ui_integrity_alarms(&h, s, &err) != 0 ||
	    ui_suspended_terminals(&h, s, &err) != 0) {
		html_free(&h);
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_put(&h, "<p><a href=\"/compta/contestations\">Contestations"
	    "</a></p><h2>En attente de règlement</h2><p>Les chèques pas "
	    "encore réglés des séances commencées avant la fin de la période "
	    "précédente, %s :</p><dl class=\"panel\"><dt>Chèques payables"
	    "</dt><dd>%L, soit %s</dd><dt>Dans le délai de contestation"
	    "</dt><dd>%L</dd><dt>Retenus par une contestation ouverte</dt>"
	    "<dd>%L</dd></dl>"
	    "<p class=\"hint\">Un chèque est payable quand sa séance est "
	    "terminée depuis plus de %u %s (le délai de contestation) et "
	    "qu’aucune contestation n’est ouverte sur cette séance. Les "
	    "chèques restés d’une période antérieure sont comptés aussi.</p>",
	    prev.label, pend.validated, amount, pend.in_window, pend.held,
	    cfg->settlement.contest_days,
	    html_plural(cfg->settlement.contest_days, "jour", "jours"));

	html_put(&h, "<h2>Préparer le lot</h2><form class=\"panel\" "
	    "method=\"post\" action=\"/compta/lots\">");
	ui_csrf_field(&h, req);
	html_put(&h, "<label for=\"periode\">Période<span class=\"hint\" "
	    "id=\"periode-hint\">%s Par défaut, la période précédente : %s."
	    "</span></label>", cfg->settlement.period == CONFIG_PERIOD_QUARTER ?
	    "Un trimestre sous la forme AAAA-TN, par exemple 2026-T4." :
	    "Un mois sous la forme AAAA-MM, par exemple 2026-11.", prev.label);
	ui_compta_field_error(&h, "periode", bad, err_lookup(code)->fr);
	html_put(&h, "<input id=\"periode\" name=\"periode\" type=\"text\" "
	    "required maxlength=\"%d\" autocomplete=\"off\" "
	    "spellcheck=\"false\"", SETTLE_PERIOD_MAX - 1);
	ui_compta_field_attrs(&h, "periode", "periode-hint", bad);
	html_put(&h, " value=\"%s\"><p class=\"hint\">Le lot réunit, pour "
	    "chaque lieu, les chèques payables des séances commencées avant "
	    "la fin de la période. Il n’est pas encore payé : un autre "
	    "comptable doit l’approuver.</p><button type=\"submit\">"
	    "Préparer le lot"
	    "</button></form>", typed != NULL ? typed : prev.text);

	html_put(&h, "<h2>Les lots</h2>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun lot n’a encore été préparé.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"lots\"><table>"
		    "<caption id=\"lots\">Les lots, du plus récent au plus "
		    "ancien (%u)</caption>"
		    "<thead><tr><th scope=\"col\">Référence</th>"
		    "<th scope=\"col\">Période</th><th scope=\"col\">État</th>"
		    "<th scope=\"col\">Lieux payés</th>"
		    "<th scope=\"col\">Chèques</th><th scope=\"col\">Total</th>"
		    "<th scope=\"col\">Préparé par</th>"
		    "<th scope=\"col\">Approuvé par</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", rows.n,
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, bad ? err_lookup(code)->status : 200);
}

enum MHD_Result
ui_compta(struct http_request *req)
{
	return show(req, NULL, ERR_NONE, NULL);
}

enum MHD_Result
ui_compta_draft(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const char *period = f != NULL ? form_get(f, "periode") : NULL;
	struct store_batch b;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	enum err_code code;
	struct store *s;
	char where[64 + SETTLE_REF_MAX];
	bool existing = false;

	if (period == NULL)
		period = "";
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	code = settle_draft(&cx, period, &b, &existing, &why);
	if (code == ERR_NONE) {
		(void)snprintf(where, sizeof(where), "/compta/lots/%s?%s",
		    b.reference, existing ? "existant=1" : "prepare=1");
		return http_redirect(req, where);
	}
	if (code == ERR_INTERNAL || code == ERR_STORE_UNAVAILABLE)
		return ui_error_page(req, code, why.detail);
	return show(req, period, code, why.detail);
}
