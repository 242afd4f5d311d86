/* ui_venue_session.c -- GET /lieu/sessions/{id}: one training session of the venue and the vouchers taken at it.
 *
 * A session of another venue is "not found" (404), the same answer as a
 * session that does not exist: the store looks it up with the venue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "settle_rules.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

/* Where each accepted voucher of the session stands, and the sums. */
struct session_money {
	struct ui_money sum;
	struct store_venue_money *m;
	size_t n, cap;
	bool failed;
};

struct rows {
	struct html html;
	const struct ui_venue *uv;
	const struct session_money *sm;
	unsigned n;
};

static int
money_row(void *ctx, const struct store_venue_money *m)
{
	struct session_money *sm = ctx;
	struct store_venue_money *t;

	if (sm->n == sm->cap) {
		size_t cap = sm->cap == 0 ? 16 : sm->cap * 2;

		if ((t = reallocarray(sm->m, cap, sizeof(*t))) == NULL) {
			sm->failed = true;
			return 1;
		}
		sm->m = t;
		sm->cap = cap;
	}
	sm->m[sm->n++] = *m;
	if (ui_money_add(&sm->sum, m) != 0) {
		sm->failed = true;
		return 1;
	}
	return 0;
}

static void
session_money_free(struct session_money *sm)
{
	ui_money_free(&sm->sum);
	free(sm->m);
}

/*
 * The session's disputes, open or upheld: what the Département
 * reproaches, since when, and whom to answer. The model records no
 * deadline for the venue's answer: the page says none.
 */
static void
put_disputes(struct html *h, const struct session_money *sm)
{
	char printed[PN_SERIAL_TEXT_MAX], opened[PN_TIME_TEXT_MAX];
	char resolved[PN_TIME_TEXT_MAX];
	unsigned open = 0, upheld = 0;
	size_t i;

	for (i = 0; i < sm->n; i++) {
		open += sm->m[i].state == STORE_MONEY_DISPUTED;
		upheld += sm->m[i].state == STORE_MONEY_REFUSED;
	}
	if (open + upheld == 0)
		return;
	html_put(h, "<h2>Contestations</h2>");
	if (open > 0)
		html_put(h, "<div class=\"alert\" role=\"alert\"><p><strong>"
		    "Le Département conteste %u chèque(s) de cette séance."
		    "</strong> Tant que la contestation est ouverte, aucun "
		    "chèque de la séance n’est réglé.</p><p>Pour y répondre "
		    "(par exemple avec la feuille d’émargement de la séance), "
		    "contactez le Département : le service qui suit les lieux "
		    "partenaires, en donnant le numéro du chèque. Aucune date "
		    "limite de réponse n’est fixée ; répondez au plus tôt, la "
		    "séance restant en attente jusqu’à la décision.</p></div>",
		    open);
	html_put(h, "<ul>");
	for (i = 0; i < sm->n; i++) {
		const struct store_venue_money *m = &sm->m[i];

		if (m->state != STORE_MONEY_DISPUTED &&
		    m->state != STORE_MONEY_REFUSED)
			continue;
		pn_serial_format(m->serial, printed);
		pn_time_format_paris(m->dispute_opened_at, opened);
		html_put(h, "<li>Chèque <span class=\"serial\">%s</span> : "
		    "contesté le %s — motif : %s.", printed, opened,
		    m->dispute_reason);
		if (m->state == STORE_MONEY_DISPUTED)
			html_put(h, " Contestation ouverte, en attente de votre "
			    "réponse et de la décision du Département.</li>");
		else {
			pn_time_format_paris_date(m->dispute_resolved_at,
			    resolved);
			html_put(h, " Contestation retenue le %s : ce chèque ne "
			    "sera pas réglé", resolved);
			if (m->dispute_note[0] != '\0')
				html_put(h, " (décision : %s)", m->dispute_note);
			html_put(h, ".</li>");
		}
	}
	html_put(h, "</ul>");
}

static int
redemption_row(void *ctx, const struct store_venue_redemption *r)
{
	struct rows *rows = ctx;
	char printed[PN_SERIAL_TEXT_MAX], value[PN_MONEY_TEXT_MAX];
	char taken[PN_TIME_TEXT_MAX], received[PN_TIME_TEXT_MAX], href[96];

	pn_serial_format(r->serial, printed);
	pn_money_format(r->value, value);
	pn_time_format_paris(r->terminal_time, taken);
	pn_time_format_paris(r->received_at, received);
	html_put(&rows->html, "<tr><td class=\"serial\">%s</td><td>%s</td>",
	    printed, value);
	if (r->accepted) {
		const struct store_venue_money *m = NULL;
		size_t i;

		for (i = 0; i < rows->sm->n; i++)
			if (rows->sm->m[i].redemption_id == r->id)
				m = &rows->sm->m[i];
		html_put(&rows->html, "<td>Accepté");
		if (m != NULL) {
			html_put(&rows->html, " — ");
			ui_money_label(&rows->html, rows->uv, m);
		}
		html_put(&rows->html, "</td>");
	} else {
		ui_venue_href(rows->uv, "/lieu/conflits", NULL, href,
		    sizeof(href));
		html_put(&rows->html, "<td class=\"status-cancelled\">Conflit :"
		    " déjà utilisé (<a href=\"%s\">voir la preuve</a>)</td>",
		    href);
	}
	html_put(&rows->html, "<td>%s</td><td>%s</td></tr>", taken, received);
	rows->n++;
	return 0;
}

enum MHD_Result
ui_venue_session(struct http_request *req)
{
	uint64_t id = ui_param_id(req);
	struct store_venue_session t;
	struct store_settle_rules rules;
	struct session_money sm;
	struct rows rows = { .n = 0 };
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	struct html h;
	enum MHD_Result rc;
	char title[64], when[PN_TIME_TEXT_MAX], declared[PN_TIME_TEXT_MAX];
	char duration[32], amount[PN_MONEY_TEXT_MAX], month[40], href[96];
	char path[64], pdf[96], csv[96];
	int res, year, mon;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, false, &uv, &rc) != 0)
		return rc;
	if (id == 0)
		return ui_error_page(req, ERR_TRAINING_SESSION_NOT_FOUND,
		    "not a session number");
	if ((res = store_venue_session_get(s, uv.v.id, (int64_t)id, &t,
	    &err)) < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (res == 1)
		return ui_error_page(req, ERR_TRAINING_SESSION_NOT_FOUND,
		    "no such session at this venue");
	settle_rules_of(http_request_config(req), &rules);
	memset(&sm, 0, sizeof(sm));
	rows.uv = &uv;
	rows.sm = &sm;
	html_init(&rows.html);
	if (store_venue_money(s, uv.v.id, 0, 0, t.id, rules.contest_seconds,
	    (int64_t)time(NULL), money_row, &sm, &err) != 0 || sm.failed ||
	    store_venue_session_redemptions(s, uv.v.id, t.id, redemption_row,
	    &rows, &err) != 0) {
		html_free(&rows.html);
		session_money_free(&sm);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, sm.failed ?
		    "out of memory reading the session" : err.message);
	}
	pn_time_format_paris(t.starts_at, when);
	pn_time_format_paris(t.declared_at, declared);
	pn_money_format(t.amount, amount);
	pn_duration_format(t.duration_minutes, duration, sizeof(duration));
	pn_paris_month_of(t.starts_at, &year, &mon);
	(void)snprintf(month, sizeof(month), "mois=%04d-%02d", year, mon);
	ui_venue_href(&uv, "/lieu", month, href, sizeof(href));
	(void)snprintf(path, sizeof(path), "/lieu/sessions/%lld/emargement.pdf",
	    (long long)t.id);
	ui_venue_href(&uv, path, NULL, pdf, sizeof(pdf));
	(void)snprintf(path, sizeof(path), "/lieu/sessions/%lld/emargement.csv",
	    (long long)t.id);
	ui_venue_href(&uv, path, NULL, csv, sizeof(csv));
	(void)snprintf(title, sizeof(title), "Séance du %s", when);
	html_init(&h);
	ui_begin(&h, req, title);
	ui_venue_banner(&h, &uv);
	html_put(&h, "<h2>La séance</h2><dl class=\"panel\">"
	    "<dt>Thème</dt><dd>%s</dd><dt>Début</dt><dd>%s</dd>"
	    "<dt>Durée</dt><dd>%s</dd><dt>Terminal</dt><dd>%s</dd>"
	    "<dt>Déclarée le</dt><dd>%s</dd></dl>", t.theme, when, duration,
	    t.terminal_label, declared);
	html_put(&h, "<p>Feuille d’émargement de la séance, les chèques "
	    "acceptés par leur numéro : <a href=\"%s\">à imprimer (PDF)</a>"
	    " · <a href=\"%s\">pour un tableur (CSV)</a></p>", pdf, csv);
	put_disputes(&h, &sm);
	html_put(&h, "<h2>Où en est le paiement</h2>");
	ui_money_table(&h, &uv, &sm.sum, "paiement", "Les chèques acceptés "
	    "à cette séance, selon où en est leur paiement");
	html_put(&h, "<h2>Chèques présentés</h2>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun chèque n’a été présenté à cette séance."
		    "</p>");
	else
		html_put(&h, "<div class=\"scroll\"><table><caption>Chèques "
		    "présentés (%u), dans l’ordre où le terminal les a pris"
		    "</caption><thead><tr><th scope=\"col\">Numéro du chèque"
		    "</th><th scope=\"col\">Valeur</th><th scope=\"col\">"
		    "Résultat</th><th scope=\"col\">Pris par le terminal le</th>"
		    "<th scope=\"col\">Reçu par le serveur le</th></tr></thead>"
		    "<tbody>%R</tbody><tfoot><tr><th scope=\"row\">Total "
		    "accepté</th><td>%s</td><td colspan=\"3\">%u chèque(s) "
		    "accepté(s), %u en conflit</td></tr></tfoot></table></div>",
		    rows.n, rows.html.failed ? "" : rows.html.buf, amount,
		    t.accepted, t.conflicts);
	html_put(&h, "<p><a href=\"%s\">Retour aux séances du mois</a></p>",
	    href);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	session_money_free(&sm);
	return ui_end(&h, req, 200);
}
