/* ui_venue_session.c -- GET /lieu/sessions/{id}: one training session of the venue and the vouchers taken at it.
 *
 * A session of another venue is "not found" (404), the same answer as a
 * session that does not exist: the store looks it up with the venue.
 * Each dispute of the session shows its reason, when it was opened, the
 * date by which to answer, the answers sent, and the form to answer
 * (ui_venue_dispute.c takes it), which a refused answer brings back here
 * with its message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
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

/* What the disputes' part of the page needs beside the money. */
struct dispute_view {
	struct http_request *req;
	struct store *s;
	const struct ui_venue *uv;
	int64_t session_id;
	const struct ui_answer_sent *x;	/* a refused answer, or NULL */
	int64_t answered;		/* the dispute just answered, or 0 */
	int64_t now;
};

/* The form answering the open dispute m, with x's refusal when its. */
static void
put_answer_form(struct html *h, const struct dispute_view *dv,
    const struct store_venue_money *m)
{
	const struct config *cfg = http_request_config(dv->req);
	const struct ui_answer_sent *x = dv->x != NULL &&
	    dv->x->dispute == m->dispute_id ? dv->x : NULL;
	bool bad_text = x != NULL && x->bad != NULL &&
	    strcmp(x->bad, "reponse") == 0;
	bool bad_file = x != NULL && x->bad != NULL &&
	    strcmp(x->bad, "piece") == 0;
	char text_id[40], file_id[40], text_hint[48], file_hint[48];
	char limit[32], action[96], path[64];

	(void)snprintf(text_id, sizeof(text_id), "reponse-%lld",
	    (long long)m->dispute_id);
	(void)snprintf(file_id, sizeof(file_id), "piece-%lld",
	    (long long)m->dispute_id);
	(void)snprintf(text_hint, sizeof(text_hint), "%s-hint", text_id);
	(void)snprintf(file_hint, sizeof(file_hint), "%s-hint", file_id);
	ui_file_size((int64_t)cfg->settlement.dispute_attachment_max, limit,
	    sizeof(limit));
	(void)snprintf(path, sizeof(path), "/lieu/contestations/%lld/repondre",
	    (long long)m->dispute_id);
	ui_venue_href(dv->uv, path, NULL, action, sizeof(action));
	html_put(h, "<form method=\"post\" action=\"%s\" "
	    "enctype=\"multipart/form-data\">", action);
	ui_csrf_field(h, dv->req);
	html_put(h, "<input type=\"hidden\" name=\"seance\" value=\"%L\">"
	    "<label for=\"%s\">Votre réponse<span class=\"hint\" id=\"%s\">"
	    "Expliquez, en 2000 caractères au plus, pourquoi ce chèque doit "
	    "être payé.</span></label>", dv->session_id, text_id, text_hint);
	ui_compta_field_error(h, text_id, bad_text, "Écrivez votre réponse "
	    "(1 à 2000 caractères), puis envoyez-la de nouveau.");
	html_put(h, "<textarea id=\"%s\" name=\"reponse\" rows=\"6\" required "
	    "maxlength=\"2000\"", text_id);
	ui_compta_field_attrs(h, text_id, text_hint, bad_text);
	html_put(h, ">%s</textarea><label for=\"%s\">Pièce jointe "
	    "(facultative)<span class=\"hint\" id=\"%s\">Un PDF, ou une photo "
	    "JPEG ou PNG, de %s au plus : par exemple la feuille "
	    "d’émargement signée.</span></label>", x != NULL &&
	    x->text != NULL ? x->text : "", file_id, file_hint, limit);
	if (bad_file && x->code == ERR_ATTACHMENT_TOO_LARGE) {
		char msg[256];

		(void)snprintf(msg, sizeof(msg), "La pièce jointe dépasse %s : "
		    "réduisez-la (scan en noir et blanc, photo moins grande) "
		    "ou envoyez-en un extrait.", limit);
		ui_compta_field_error(h, file_id, true, msg);
	} else
		ui_compta_field_error(h, file_id, bad_file, "Ce fichier n’est "
		    "ni un PDF, ni une image JPEG ou PNG : choisissez un autre "
		    "fichier.");
	html_put(h, "<input type=\"file\" id=\"%s\" name=\"piece\" "
	    "accept=\"application/pdf,image/jpeg,image/png\"", file_id);
	ui_compta_field_attrs(h, file_id, file_hint, bad_file);
	html_put(h, "><button type=\"submit\">Envoyer la réponse</button>"
	    "</form>");
}

/* Why the answer x was refused, and that nothing was kept. */
static void
put_refusal(struct html *h, const struct ui_answer_sent *x)
{
	char limit[32];

	html_put(h, "<div class=\"alert\" role=\"alert\"><p>");
	if (x->code == ERR_ATTACHMENT_TOO_LARGE) {
		ui_file_size((int64_t)x->limit, limit, sizeof(limit));
		html_put(h, "La pièce jointe dépasse %s : réduisez-la (scan en "
		    "noir et blanc, photo moins grande) ou envoyez-en un "
		    "extrait.", limit);
	} else {
		/* The messages of errors.def start lower case. */
		html_put(h, "%F", err_lookup(x->code)->fr);
	}
	html_put(h, "</p><p>Rien n’a été enregistré.</p></div>");
}

/*
 * The session's disputes, open or upheld: what the Département
 * reproaches, since when, until when the venue may answer
 * ([settlement] dispute_answer_days after the opening), its answers, and
 * the form to answer while it may.
 */
static int
put_disputes(struct html *h, const struct session_money *sm,
    const struct dispute_view *dv, struct pn_error *err)
{
	const struct config *cfg = http_request_config(dv->req);
	const struct store_principal *who = http_request_principal(dv->req);
	int64_t answer_seconds =
	    (int64_t)cfg->settlement.dispute_answer_days * 86400;
	char printed[PN_SERIAL_TEXT_MAX], opened[PN_TIME_TEXT_MAX];
	char resolved[PN_TIME_TEXT_MAX], deadline[PN_TIME_TEXT_MAX];
	char query[40];
	unsigned open = 0, upheld = 0;
	bool shown = false;
	size_t i;
	int n;

	for (i = 0; i < sm->n; i++) {
		open += sm->m[i].state == STORE_MONEY_DISPUTED;
		upheld += sm->m[i].state == STORE_MONEY_REFUSED;
		if (dv->x != NULL && sm->m[i].dispute_id == dv->x->dispute &&
		    (sm->m[i].state == STORE_MONEY_DISPUTED ||
		    sm->m[i].state == STORE_MONEY_REFUSED))
			shown = true;
	}
	if (open + upheld == 0 && dv->x == NULL)
		return 0;
	html_put(h, "<h2>Contestations</h2>");
	/* A refusal for a dispute this page no longer lists (dismissed). */
	if (dv->x != NULL && !shown)
		put_refusal(h, dv->x);
	if (dv->answered != 0)
		html_put(h, "<div class=\"alert ok\" role=\"status\"><p>Votre "
		    "réponse est envoyée au Département, qui décidera de la "
		    "contestation.</p></div>");
	if (open > 0)
		html_put(h, "<div class=\"alert\" role=\"alert\"><p><strong>"
		    "Le Département conteste %u %s de cette séance."
		    "</strong> Tant que la contestation est ouverte, aucun "
		    "chèque de la séance n’est réglé.</p><p>Répondez ci-dessous, "
		    "avant la date indiquée, avec une pièce jointe si vous en "
		    "avez une (par exemple la feuille d’émargement signée).</p>"
		    "</div>", open, html_plural(open, "chèque", "chèques"));
	(void)snprintf(query, sizeof(query), "%s", dv->uv->param);
	for (i = 0; i < sm->n; i++) {
		const struct store_venue_money *m = &sm->m[i];
		int64_t due = m->dispute_opened_at + answer_seconds;

		if (m->state != STORE_MONEY_DISPUTED &&
		    m->state != STORE_MONEY_REFUSED)
			continue;
		pn_serial_format(m->serial, printed);
		pn_time_format_paris(m->dispute_opened_at, opened);
		pn_time_format_paris(due, deadline);
		html_put(h, "<section class=\"panel\" id=\"contestation-%L\" "
		    "aria-labelledby=\"contestation-%L-titre\"><h3 "
		    "id=\"contestation-%L-titre\">Chèque <span class=\"serial\">"
		    "%s</span></h3><dl><dt>Motif</dt><dd>%s</dd>"
		    "<dt>Contesté le</dt><dd>%s</dd>", m->dispute_id,
		    m->dispute_id, m->dispute_id, printed, m->dispute_reason,
		    opened);
		if (m->state == STORE_MONEY_DISPUTED)
			html_put(h, "<dt>Délai de réponse</dt><dd>à répondre avant le "
			    "%s</dd><dt>État</dt><dd>Contestation ouverte, en "
			    "attente de la décision du Département.</dd></dl>",
			    deadline);
		else {
			pn_time_format_paris_date(m->dispute_resolved_at,
			    resolved);
			html_put(h, "<dt>État</dt><dd>Contestation retenue le %s "
			    ": ce chèque ne sera pas réglé", resolved);
			if (m->dispute_note[0] != '\0')
				html_put(h, " (décision : %s)", m->dispute_note);
			html_put(h, ".</dd></dl>");
		}
		if ((n = ui_dispute_answers(h, dv->s, m->dispute_id,
		    dv->uv->v.id, "/lieu", query, err)) < 0)
			return -1;
		if (dv->x != NULL && dv->x->dispute == m->dispute_id)
			put_refusal(h, dv->x);
		if (m->state != STORE_MONEY_DISPUTED)
			;
		else if (dv->now >= due)
			html_put(h, "<p>Le délai de réponse est passé depuis le "
			    "%s : le Département décidera avec ce qu’il a "
			    "reçu.</p>", deadline);
		else if (n >= STORE_ANSWERS_MAX)
			html_put(h, "<p>Vous avez envoyé le nombre maximal de "
			    "réponses (%d) : pour ajouter quelque chose, "
			    "contactez le Département.</p>", STORE_ANSWERS_MAX);
		else if (who != NULL && who->role == ROLE_VENUE) {
			if (n > 0)
				html_put(h, "<p>Vous pouvez compléter votre "
				    "réponse : la nouvelle s’ajoute aux "
				    "précédentes, qui restent visibles.</p>");
			put_answer_form(h, dv, m);
		}
		html_put(h, "</section>");
	}
	return 0;
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
	return ui_venue_session_show(req, ui_param_id(req), NULL);
}

enum MHD_Result
ui_venue_session_show(struct http_request *req, uint64_t id,
    const struct ui_answer_sent *x)
{
	struct dispute_view dv;
	uint64_t answered;
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
	memset(&dv, 0, sizeof(dv));
	dv.req = req;
	dv.s = s;
	dv.uv = &uv;
	dv.session_id = t.id;
	dv.x = x;
	dv.now = (int64_t)time(NULL);
	if (x == NULL && pn_parse_u64(http_request_query(req, "repondu"),
	    INT64_MAX, &answered) == 0)
		dv.answered = (int64_t)answered;
	if (put_disputes(&h, &sm, &dv, &err) != 0) {
		html_free(&h);
		html_free(&rows.html);
		session_money_free(&sm);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_put(&h, "<h2>Où en est le paiement</h2>");
	ui_money_table(&h, &uv, &sm.sum, "paiement", "Les chèques acceptés "
	    "à cette séance, selon où en est leur paiement");
	html_put(&h, "<h2>Chèques présentés</h2>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun chèque n’a été présenté à cette séance."
		    "</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"cheques-liste\"><table>"
		    "<caption id=\"cheques-liste\">Chèques "
		    "présentés (%u), dans l’ordre où le terminal les a pris"
		    "</caption><thead><tr><th scope=\"col\">Numéro du chèque"
		    "</th><th scope=\"col\">Valeur</th><th scope=\"col\">"
		    "Résultat</th><th scope=\"col\">Pris par le terminal le</th>"
		    "<th scope=\"col\">Reçu par le serveur le</th></tr></thead>"
		    "<tbody>%R</tbody><tfoot><tr><th scope=\"row\">Total "
		    "accepté</th><td>%s</td><td colspan=\"3\">%u %s, %u en "
		    "conflit</td></tr></tfoot></table></div>",
		    rows.n, rows.html.failed ? "" : rows.html.buf, amount,
		    t.accepted, html_plural(t.accepted, "chèque accepté",
		    "chèques acceptés"), t.conflicts);
	html_put(&h, "<p><a href=\"%s\">Retour aux séances du mois</a></p>",
	    href);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	session_money_free(&sm);
	return ui_end(&h, req, x == NULL ? 200 : err_lookup(x->code)->status);
}
