/* ui_compta_disputes.c -- GET /compta/contestations: disputed redemptions, opening one, deciding one.
 *
 * A dispute names an accepted redemption by its voucher's serial, within
 * the contest window after its session; while it is open the whole
 * session waits out of settlement. Deciding it either upholds it (that
 * voucher is never paid) or dismisses it (it is payable again). The
 * rules are those of dispute_open() and dispute_resolve() (dispute.h,
 * settle_rules.h); this page shows the open disputes, each with the
 * venue's answers beside it (ui_dispute_answers(), with their files'
 * links) and its decision form, the latest closed ones, and the form to
 * open one. A
 * refusal comes back to this page with its French message at the form
 * sent; nothing is written then.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/parse.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "dispute.h"
#include "form.h"
#include "store.h"
#include "op_request.h"
#include "ui.h"
#include "worker.h"

#define OPEN_SHOWN 500		/* open disputes: all of them, in practice */
#define CLOSED_SHOWN 50		/* the latest closed ones */
#define TEXT_MAX 500		/* a reason or a note, in characters */

/* A refused form, to show again with its message. */
struct sent {
	enum err_code code;
	const char *detail;
	int64_t dispute;		/* its decision form; 0: opening one */
	const char *bad;		/* the field in error, or NULL */
	const char *serial, *reason;	/* the opening form */
	const char *decision, *note;	/* the decision form */
};

struct rows {
	struct html html;
	struct http_request *req;
	struct store *s;
	struct pn_error err;
	bool failed;			/* the store failed: see err */
	const struct sent *x;
	unsigned n;
	bool shown;			/* x's alert shown at its dispute */
};

/* The voucher, its value, venue and session, as both lists show them. */
static void
put_what(struct html *h, const struct store_dispute *d)
{
	char printed[PN_SERIAL_TEXT_MAX], value[PN_MONEY_TEXT_MAX];
	char session[PN_TIME_TEXT_MAX], opened[PN_TIME_TEXT_MAX];

	pn_serial_format(d->serial, printed);
	pn_money_format(d->value, value);
	pn_time_format_paris(d->session_starts_at, session);
	pn_time_format_paris(d->opened_at, opened);
	html_put(h, "<dt>Chèque</dt><dd class=\"serial\">%s</dd>"
	    "<dt>Valeur</dt><dd>%s</dd><dt>Lieu</dt><dd>%s</dd>"
	    "<dt>Séance</dt><dd>%s — %s</dd><dt>Motif</dt><dd>%s</dd>"
	    "<dt>Ouverte</dt><dd>par %s, le %s</dd>", printed, value,
	    d->venue_name, session, d->theme, d->reason, d->opened_by_login,
	    opened);
}

/*
 * The venue's answers to d, or that there is none yet and until when it
 * may answer ([settlement] dispute_answer_days after the opening).
 */
static void
put_answers(struct rows *r, const struct store_dispute *d)
{
	const struct config *cfg = http_request_config(r->req);
	int64_t due = d->opened_at +
	    (int64_t)cfg->settlement.dispute_answer_days * 86400;
	char deadline[PN_TIME_TEXT_MAX];
	int n;

	pn_time_format_paris(due, deadline);
	if (d->resolution[0] == '\0')
		html_put(&r->html, "<dt>Délai de réponse</dt><dd>à répondre "
		    "avant le %s</dd>", deadline);
	html_put(&r->html, "<dt>Réponses du lieu</dt><dd>");
	if ((n = ui_dispute_answers(&r->html, r->s, d->id, 0, "/compta", NULL,
	    &r->err)) < 0)
		r->failed = true;
	else if (n == 0)
		html_put(&r->html, "Aucune réponse du lieu.");
	html_put(&r->html, "</dd>");
}

static int
open_row(void *ctx, const struct store_dispute *d)
{
	struct rows *r = ctx;
	struct html *h = &r->html;
	const struct sent *x = r->x;
	bool mine = x != NULL && x->dispute == d->id;
	bool bad_decision = mine && x->bad != NULL &&
	    strcmp(x->bad, "decision") == 0;
	bool bad_note = mine && x->bad != NULL && strcmp(x->bad, "note") == 0;
	const char *decision = mine && x->decision != NULL ? x->decision : "";
	char id[32], note_id[40];

	(void)snprintf(id, sizeof(id), "decision-%lld", (long long)d->id);
	(void)snprintf(note_id, sizeof(note_id), "note-%lld",
	    (long long)d->id);
	html_put(h, "<section class=\"panel\" "
	    "aria-labelledby=\"contestation-%L\"><h3 id=\"contestation-%L\">"
	    "Contestation n° %L</h3><dl>", d->id, d->id, d->id);
	put_what(h, d);
	put_answers(r, d);
	html_put(h, "</dl>");
	if (mine) {
		ui_compta_alert(h, r->req, x->code, x->detail);
		r->shown = true;
	}
	html_put(h, "<form method=\"post\" "
	    "action=\"/compta/contestations/%L\">", d->id);
	ui_csrf_field(h, r->req);
	html_put(h, "<fieldset");
	ui_compta_field_attrs(h, id, NULL, bad_decision);
	html_put(h, "><legend>Décision</legend>");
	ui_compta_field_error(h, id, bad_decision, "Choisissez une décision.");
	html_put(h, "<div class=\"choice\"><input type=\"radio\" "
	    "id=\"%s-maintenir\" name=\"decision\" value=\"maintenir\" "
	    "required%R><label for=\"%s-maintenir\">Confirmer la "
	    "contestation (non payé)</label>"
	    "</div><div class=\"choice\"><input type=\"radio\" "
	    "id=\"%s-lever\" name=\"decision\" value=\"lever\" required%R>"
	    "<label for=\"%s-lever\">Lever la contestation (payable)</label>"
	    "</div></fieldset><label for=\"%s\">Note</label>", id,
	    strcmp(decision, "maintenir") == 0 ? " checked" : "", id, id,
	    strcmp(decision, "lever") == 0 ? " checked" : "", id, note_id);
	ui_compta_field_error(h, note_id, bad_note, "Indiquez une note (1 à "
	    "500 caractères).");
	html_put(h, "<input id=\"%s\" name=\"note\" type=\"text\" required "
	    "maxlength=\"%d\" autocomplete=\"off\"", note_id, TEXT_MAX);
	ui_compta_field_attrs(h, note_id, NULL, bad_note);
	html_put(h, " value=\"%s\"><button type=\"submit\">Enregistrer la "
	    "décision</button></form></section>", mine && x->note != NULL ?
	    x->note : "");
	r->n++;
	return 0;
}

static int
closed_row(void *ctx, const struct store_dispute *d)
{
	struct rows *r = ctx;
	char printed[PN_SERIAL_TEXT_MAX], value[PN_MONEY_TEXT_MAX];
	char resolved[PN_TIME_TEXT_MAX];

	if (d->resolution[0] == '\0')
		return 0;		/* an open one: listed above */
	pn_serial_format(d->serial, printed);
	pn_money_format(d->value, value);
	pn_time_format_paris(d->resolved_at, resolved);
	html_put(&r->html, "<tr><th scope=\"row\">%L</th><td class=\"serial\">"
	    "%s</td><td>%s</td><td>%s</td><td>%s</td><td><dl>", d->id,
	    printed, value, d->venue_name, d->reason);
	put_answers(r, d);
	html_put(&r->html, "</dl></td><td>%s</td><td>%s</td>"
	    "<td>%s, le %s</td></tr>", strcmp(d->resolution, "upheld") == 0 ?
	    "Confirmée : non payé" : "Levée : payable", d->resolution_note,
	    d->resolved_by_login, resolved);
	r->n++;
	return 0;
}

static void
put_open_form(struct html *h, struct http_request *req, const struct sent *x)
{
	bool mine = x != NULL && x->dispute == 0;
	bool bad_serial = mine && x->bad != NULL &&
	    strcmp(x->bad, "cheque") == 0;
	bool bad_reason = mine && x->bad != NULL &&
	    strcmp(x->bad, "motif") == 0;

	html_put(h, "<h2>Ouvrir une contestation</h2>");
	if (mine)
		ui_compta_alert(h, req, x->code, x->detail);
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/compta/contestations\">");
	ui_csrf_field(h, req);
	html_put(h, "<p>Une contestation retient la séance entière hors des "
	    "règlements tant qu’elle est ouverte. Elle s’ouvre dans le délai "
	    "de contestation qui suit la séance, et avant que le chèque soit "
	    "dans un lot.</p><label for=\"cheque\">Numéro du chèque"
	    "<span class=\"hint\" id=\"cheque-hint\">Le numéro imprimé, par "
	    "exemple 0000 0012 3456 6.</span></label>");
	ui_compta_field_error(h, "cheque", bad_serial, "Saisissez le numéro "
	    "imprimé sur le chèque, avec son chiffre de contrôle.");
	html_put(h, "<input id=\"cheque\" name=\"cheque\" type=\"text\" "
	    "required maxlength=\"%d\" inputmode=\"numeric\" "
	    "autocomplete=\"off\"", PN_SERIAL_TEXT_MAX);
	ui_compta_field_attrs(h, "cheque", "cheque-hint", bad_serial);
	html_put(h, " value=\"%s\"><label for=\"motif\">Motif</label>",
	    mine && x->serial != NULL ? x->serial : "");
	ui_compta_field_error(h, "motif", bad_reason, "Indiquez le motif "
	    "(1 à 500 caractères).");
	html_put(h, "<input id=\"motif\" name=\"motif\" type=\"text\" "
	    "required maxlength=\"%d\" autocomplete=\"off\"", TEXT_MAX);
	ui_compta_field_attrs(h, "motif", NULL, bad_reason);
	html_put(h, " value=\"%s\"><button type=\"submit\">Ouvrir la "
	    "contestation</button></form>", mine && x->reason != NULL ?
	    x->reason : "");
}

/*
 * The notice a redirect asked for, into buf, or NULL. It names a dispute
 * by its number, and nothing else of the query is echoed.
 */
static const char *
notice_of(struct http_request *req, char *buf, size_t len)
{
	uint64_t id;

	if (pn_parse_u64(http_request_query(req, "ouverte"), INT64_MAX,
	    &id) == 0) {
		(void)snprintf(buf, len, "La contestation n° %llu est "
		    "ouverte : sa séance attend la décision pour être réglée.",
		    (unsigned long long)id);
		return buf;
	}
	if (pn_parse_u64(http_request_query(req, "decidee"), INT64_MAX,
	    &id) == 0) {
		(void)snprintf(buf, len, "La décision sur la contestation "
		    "n° %llu est enregistrée.", (unsigned long long)id);
		return buf;
	}
	return NULL;
}

/* The page, with a refused form x (NULL: none). */
static enum MHD_Result
show(struct http_request *req, const struct sent *x)
{
	struct rows open = { .req = req, .x = x, .n = 0 };
	struct rows closed = { .req = req, .x = x, .n = 0 };
	struct pn_error err;
	struct store *s;
	struct html h;
	const char *notice;
	char text[160];

	html_init(&open.html);
	html_init(&closed.html);
	if ((s = worker_store(&err)) != NULL) {
		open.s = s;
		closed.s = s;
	}
	if (s == NULL ||
	    store_dispute_each(s, true, OPEN_SHOWN, open_row, &open,
	    &err) != 0 || open.failed ||
	    store_dispute_each(s, false, open.n + CLOSED_SHOWN, closed_row,
	    &closed, &err) != 0 || closed.failed) {
		if (open.failed || closed.failed)
			err = open.failed ? open.err : closed.err;
		html_free(&open.html);
		html_free(&closed.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Contestations");
	html_put(&h, "<p><a href=\"/compta\">Retour aux règlements</a></p>");
	if (x == NULL && (notice = notice_of(req, text, sizeof(text))) != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>%s</p>"
		    "</div>", notice);
	if (x != NULL && x->dispute != 0 && !open.shown)
		ui_compta_alert(&h, req, x->code, x->detail);
	html_put(&h, "<h2>Contestations ouvertes</h2>");
	if (open.n == 0)
		html_put(&h, "<p>Aucune contestation n’est ouverte.</p>");
	else
		html_put(&h, "<p>En attente d’une décision : %u. Confirmer "
		    "la contestation exclut ce chèque du paiement pour de "
		    "bon ; la lever le rend payable au prochain lot.</p>%R",
		    open.n,
		    open.html.failed ? "" : open.html.buf);
	put_open_form(&h, req, x);
	html_put(&h, "<h2>Contestations closes</h2>");
	if (closed.n == 0)
		html_put(&h, "<p>Aucune contestation n’a encore été close."
		    "</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"closes\"><table>"
		    "<caption id=\"closes\">Les contestations closes, de la "
		    "plus récente à la plus "
		    "ancienne (%u)</caption><thead><tr>"
		    "<th scope=\"col\">N°</th><th scope=\"col\">Chèque</th>"
		    "<th scope=\"col\">Valeur</th><th scope=\"col\">Lieu</th>"
		    "<th scope=\"col\">Motif</th><th scope=\"col\">Réponse "
		    "du lieu</th><th scope=\"col\">Décision"
		    "</th><th scope=\"col\">Note</th><th scope=\"col\">Close"
		    "</th></tr></thead><tbody>%R</tbody></table></div>",
		    closed.n, closed.html.failed ? "" : closed.html.buf);
	h.failed |= open.html.failed || closed.html.failed;
	html_free(&open.html);
	html_free(&closed.html);
	return ui_end(&h, req, x == NULL ? 200 : err_lookup(x->code)->status);
}

enum MHD_Result
ui_compta_disputes(struct http_request *req)
{
	return show(req, NULL);
}

/* A refusal: the error page for the store's failures, else this page. */
static enum MHD_Result
refused(struct http_request *req, struct sent *x, const char *detail)
{
	if (x->code == ERR_INTERNAL || x->code == ERR_STORE_UNAVAILABLE ||
	    x->code == ERR_NOT_ACCOUNTANT)
		return ui_error_page(req, x->code, detail);
	x->detail = detail;
	return show(req, x);
}

enum MHD_Result
ui_compta_dispute_open(struct http_request *req)
{
	struct sent x = { .dispute = 0 };
	enum pn_serial_status st;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	int64_t id = 0;
	uint64_t serial;
	char where[64];

	x.serial = ui_field(req, "cheque");
	x.reason = ui_field(req, "motif");
	st = pn_serial_parse(x.serial != NULL ? x.serial : "", &serial);
	if (st != PN_SERIAL_OK) {
		x.code = ERR_INVALID_FIELD;
		x.bad = "cheque";
		return refused(req, &x, pn_serial_status_message(st));
	}
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	x.code = dispute_open(&cx, serial, x.reason != NULL ? x.reason : "",
	    &id, &why);
	if (x.code == ERR_NONE) {
		(void)snprintf(where, sizeof(where),
		    "/compta/contestations?ouverte=%lld", (long long)id);
		return http_redirect(req, where);
	}
	if (x.code == ERR_REASON_REQUIRED)
		x.bad = "motif";
	else if (x.code == ERR_REDEMPTION_NOT_FOUND ||
	    x.code == ERR_DISPUTE_NOT_ACCEPTED)
		x.bad = "cheque";
	return refused(req, &x, why.detail);
}

enum MHD_Result
ui_compta_dispute_resolve(struct http_request *req)
{
	struct sent x;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	uint64_t id = ui_param_id(req);
	char where[64];
	bool uphold;

	memset(&x, 0, sizeof(x));
	x.dispute = (int64_t)id;
	x.decision = ui_field(req, "decision");
	x.note = ui_field(req, "note");
	if (id == 0)
		return ui_error_page(req, ERR_DISPUTE_NOT_FOUND,
		    "not a number");
	if (x.decision == NULL || (strcmp(x.decision, "maintenir") != 0 &&
	    strcmp(x.decision, "lever") != 0)) {
		x.code = ERR_INVALID_FIELD;
		x.bad = "decision";
		return refused(req, &x, "decision: maintenir or lever");
	}
	uphold = strcmp(x.decision, "maintenir") == 0;
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	x.code = dispute_resolve(&cx, (int64_t)id, uphold,
	    x.note != NULL ? x.note : "", &why);
	if (x.code == ERR_NONE) {
		(void)snprintf(where, sizeof(where),
		    "/compta/contestations?decidee=%llu",
		    (unsigned long long)id);
		return http_redirect(req, where);
	}
	if (x.code == ERR_REASON_REQUIRED)
		x.bad = "note";
	return refused(req, &x, why.detail);
}
