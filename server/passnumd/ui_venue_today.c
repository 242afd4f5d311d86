/* ui_venue_today.c -- GET and POST /lieu/seance: « Séance en cours », today's sessions and opening one from the browser.
 *
 * A venue user opens a session as a terminal does: theme, start, duration,
 * declared by the operation session_declare() under the user's browser
 * terminal (web_terminal.h). The start is now, or a time of today typed
 * in Paris time; a browser is online, so it may not be earlier than
 * [redemption] session_tolerance before now. An admin looking at a venue
 * sees the list, not the form: opening a session is the venue's act.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "honest_time.h"
#include "form.h"
#include "op_request.h"
#include "session_declare.h"
#include "ui.h"
#include "web_terminal.h"
#include "worker.h"

/* The durations offered, in minutes: what workshops last. */
static const unsigned durations[] = { 30, 45, 60, 90, 120, 150, 180, 240 };

static int
today_row(void *ctx, const struct store_venue_session *t)
{
	struct ui_today *d = ctx;

	if (d->n == UI_TODAY_MAX)
		return 0;	/* the first ones; a venue has a few a day */
	d->t[d->n++] = *t;
	return 0;
}

int
ui_venue_today(struct store *s, int64_t venue_id, int64_t now,
    struct ui_today *out, struct pn_error *err)
{
	int64_t midnight;

	out->n = 0;
	if (pn_paris_time_parse("00:00", now, &midnight) != 0)
		midnight = now - now % 86400;
	/* A session begun last evening may still run this morning. */
	return store_venue_sessions(s, venue_id,
	    midnight - (int64_t)SESSION_DURATION_MAX * 60, midnight + 26 * 3600,
	    today_row, out, err);
}

bool
ui_session_running(const struct store_venue_session *t, int64_t now)
{
	return honest_in_session_hours(now, t->starts_at, t->duration_minutes);
}

/* What the person sent, and what was wrong with it. */
struct sent {
	const char *theme, *start, *time, *duration;
	enum err_code code;
	const char *bad;		/* the field at fault, or NULL */
	const char *message;		/* French, beside it */
	char detail[PN_ERROR_MESSAGE_MAX];
};

/* Today's sessions, one block each (read on a phone), with the way to redeem. */
static void
put_today(struct html *h, const struct ui_venue *uv, const struct ui_today *d,
    int64_t now, bool can_act)
{
	char start[PN_TIME_TEXT_MAX], duration[32], path[48], query[32];
	char session_href[96], redeem_href[96];
	const struct store_venue_session *t;
	const char *state;
	size_t i;

	if (d->n == 0) {
		html_put(h, "<p>Aucune séance aujourd’hui pour l’instant.</p>");
		return;
	}
	html_put(h, "<ul class=\"sessions\">");
	for (i = 0; i < d->n; i++) {
		t = &d->t[i];
		pn_time_format_paris(t->starts_at, start);
		pn_duration_format(t->duration_minutes, duration,
		    sizeof(duration));
		(void)snprintf(path, sizeof(path), "/lieu/sessions/%lld",
		    (long long)t->id);
		ui_venue_href(uv, path, NULL, session_href,
		    sizeof(session_href));
		(void)snprintf(query, sizeof(query), "seance=%lld",
		    (long long)t->id);
		ui_venue_href(uv, "/lieu/encaisser", query, redeem_href,
		    sizeof(redeem_href));
		state = now < t->starts_at ? "À venir" : now <= t->starts_at +
		    (int64_t)t->duration_minutes * 60 ? "En cours" : "Terminée";
		/* "07/12/2026 14:30": the time is what a venue reads today. */
		html_put(h, "<li class=\"panel\"><p><strong>%s</strong> — %s, "
		    "%s</p><p>%s ; %u %s.</p><p>", start + 11, t->theme,
		    duration, state, t->accepted, t->accepted == 1 ?
		    "chèque accepté" : "chèques acceptés");
		if (ui_session_running(t, now) && can_act)
			html_put(h, "<a href=\"%s\">Encaisser un chèque dans "
			    "cette séance</a> · ", redeem_href);
		html_put(h, "<a href=\"%s\">Voir la séance</a></p></li>",
		    session_href);
	}
	html_put(h, "</ul>");
}

/*
 * The form to open a session, with x's values and error when refused.
 * 0, or -1 with err when the themes cannot be read.
 */
static int
put_form(struct html *h, struct http_request *req, const struct sent *x,
    struct pn_error *err)
{
	const struct config *cfg = http_request_config(req);
	bool at_time = x->start != NULL && strcmp(x->start, "heure") == 0;
	uint64_t minutes = 0;
	unsigned i, tolerance;
	char label[32];

	if (x->duration != NULL)
		(void)pn_parse_u64(x->duration, SESSION_DURATION_MAX, &minutes);
	tolerance = (cfg->redemption.session_tolerance + 59) / 60;
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/lieu/seance\" novalidate><h2>Ouvrir une séance</h2>");
	ui_csrf_field(h, req);
	html_put(h, "<label for=\"theme\">Thème de l’atelier</label>");
	ui_compta_field_error(h, "theme", x->bad != NULL &&
	    strcmp(x->bad, "theme") == 0, x->message);
	html_put(h, "<select id=\"theme\" name=\"theme\" required");
	ui_compta_field_attrs(h, "theme", NULL, x->bad != NULL &&
	    strcmp(x->bad, "theme") == 0);
	html_put(h, "><option value=\"\">Choisissez un thème</option>");
	if (ui_theme_options(h, x->theme, err) != 0)
		return -1;
	html_put(h, "</select>");

	html_put(h, "<fieldset><legend>Début</legend>"
	    "<div class=\"choice\"><input type=\"radio\" id=\"debut-maintenant\" "
	    "name=\"debut\" value=\"maintenant\"%R><label "
	    "for=\"debut-maintenant\">Maintenant</label></div>"
	    "<div class=\"choice\"><input type=\"radio\" id=\"debut-heure\" "
	    "name=\"debut\" value=\"heure\"%R><label for=\"debut-heure\">À "
	    "l’heure indiquée ci-dessous</label></div></fieldset>",
	    at_time ? "" : " checked", at_time ? " checked" : "");
	html_put(h, "<label for=\"heure\">Heure de début, aujourd’hui<span "
	    "class=\"hint\" id=\"heure-hint\">Heure de Paris, par exemple "
	    "14:30. Une séance peut commencer au plus tôt %u minutes avant "
	    "maintenant.</span></label>", tolerance);
	ui_compta_field_error(h, "heure", x->bad != NULL &&
	    strcmp(x->bad, "heure") == 0, x->message);
	html_put(h, "<input id=\"heure\" name=\"heure\" type=\"time\"");
	ui_compta_field_attrs(h, "heure", "heure-hint", x->bad != NULL &&
	    strcmp(x->bad, "heure") == 0);
	html_put(h, " value=\"%s\">", x->time != NULL ? x->time : "");

	html_put(h, "<label for=\"duree\">Durée</label>");
	ui_compta_field_error(h, "duree", x->bad != NULL &&
	    strcmp(x->bad, "duree") == 0, x->message);
	html_put(h, "<select id=\"duree\" name=\"duree\"");
	ui_compta_field_attrs(h, "duree", NULL, x->bad != NULL &&
	    strcmp(x->bad, "duree") == 0);
	html_put(h, ">");
	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		pn_duration_format(durations[i], label, sizeof(label));
		html_put(h, "<option value=\"%u\"%R>%s</option>", durations[i],
		    (minutes == 0 ? durations[i] == 120 :
		    durations[i] == minutes) ? " selected" : "", label);
	}
	html_put(h, "</select><button type=\"submit\">Ouvrir la séance"
	    "</button></form>");
	return 0;
}

/* The page, with x's form; status: 200, or the refusal's. */
static enum MHD_Result
render(struct http_request *req, struct store *s, const struct sent *x,
    unsigned status)
{
	const struct store_principal *who = http_request_principal(req);
	int64_t now = (int64_t)time(NULL);
	struct ui_today *d;
	struct pn_error err;
	struct ui_venue uv;
	enum MHD_Result rc;
	struct html h;

	if (ui_venue_resolve(req, s, true, &uv, &rc) != 0)
		return rc;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return ui_error_page(req, ERR_INTERNAL, "out of memory");
	if (ui_venue_today(s, uv.v.id, now, d, &err) != 0) {
		free(d);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Séance en cours");
	ui_venue_banner_short(&h, &uv);
	if (x != NULL && x->code != ERR_NONE)
		ui_compta_alert(&h, req, x->code, x->detail);
	html_put(&h, "<h2>Aujourd’hui</h2>");
	put_today(&h, &uv, d, now, who->role == ROLE_VENUE);
	free(d);
	if (who->role == ROLE_VENUE) {
		if (put_form(&h, req, x, &err) != 0) {
			html_free(&h);
			return ui_error_page(req, ERR_STORE_UNAVAILABLE,
			    err.message);
		}
	} else
		html_put(&h, "<p class=\"hint\">Seul un compte du lieu peut "
		    "ouvrir une séance ou encaisser un chèque ; un "
		    "administrateur consulte ces pages sans agir à sa place."
		    "</p>");
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_venue_today_page(struct http_request *req)
{
	static const struct sent none = { .code = ERR_NONE };
	struct pn_error err;
	struct store *s;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	return render(req, s, &none, 200);
}

/* The form again, with the field at fault and a French message. */
static enum MHD_Result
refused(struct http_request *req, struct store *s, struct sent *x,
    enum err_code code, const char *bad, const char *message)
{
	x->code = code;
	x->bad = bad;
	x->message = message;
	return render(req, s, x, err_lookup(code)->status);
}

/* The start x asks for at now, into *at. NULL, or the French message. */
static const char *
start_of(const struct sent *x, int64_t now, int64_t *at)
{
	if (x->start == NULL || strcmp(x->start, "maintenant") == 0) {
		*at = now;
		return NULL;
	}
	if (strcmp(x->start, "heure") != 0)
		return "Choisissez « Maintenant » ou une heure de début.";
	if (x->time == NULL || x->time[0] == '\0')
		return "Indiquez l’heure de début, par exemple 14:30, ou "
		    "choisissez « Maintenant ».";
	if (pn_paris_time_parse(x->time, now, at) != 0)
		return "Cette heure n’existe pas : écrivez les heures puis "
		    "les minutes, par exemple 14:30.";
	return NULL;
}

enum MHD_Result
ui_venue_today_open(struct http_request *req)
{
	struct session_declare_in in;
	struct session_declare_out out;
	struct web_terminal wt;
	struct store_nonce nonce;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	struct sent x;
	const char *msg;
	uint64_t minutes;
	char where[64];

	memset(&x, 0, sizeof(x));
	x.theme = ui_field(req, "theme");
	x.start = ui_field(req, "debut");
	x.time = ui_field(req, "heure");
	x.duration = ui_field(req, "duree");
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	memset(&in, 0, sizeof(in));
	if (x.theme == NULL || x.theme[0] == '\0')
		return refused(req, s, &x, ERR_INVALID_FIELD, "theme",
		    "Choisissez le thème de l’atelier dans la liste.");
	if ((msg = start_of(&x, cx.now, &in.starts_at)) != NULL)
		return refused(req, s, &x, ERR_INVALID_FIELD, "heure", msg);
	if (x.duration == NULL || pn_parse_u64(x.duration,
	    SESSION_DURATION_MAX, &minutes) != 0 || minutes == 0)
		return refused(req, s, &x, ERR_INVALID_FIELD, "duree",
		    "Choisissez la durée de la séance dans la liste.");
	if (web_terminal_of(&cx, &wt, &why) != ERR_NONE) {
		(void)snprintf(x.detail, sizeof(x.detail), "%s", why.detail);
		return refused(req, s, &x, why.code, NULL, NULL);
	}
	web_terminal_nonce(&cx, &nonce);
	randombytes_buf(in.uid, sizeof(in.uid));
	in.terminal = &wt.t;
	in.nonce = &nonce;
	in.theme = x.theme;
	in.duration_minutes = (int64_t)minutes;
	in.browser = true;
	if (session_declare(&cx, &in, &out, &why) != ERR_NONE) {
		web_terminal_forget(&wt);
		(void)snprintf(x.detail, sizeof(x.detail), "%s", why.detail);
		if (why.code == ERR_UNKNOWN_THEME)
			return refused(req, s, &x, why.code, "theme",
			    "Ce thème n’est pas dans la liste : choisissez-en "
			    "un.");
		if (why.code == ERR_SESSION_BACKDATED)
			return refused(req, s, &x, why.code, "heure",
			    "Cette heure est trop ancienne : indiquez une "
			    "heure plus proche de maintenant, ou choisissez "
			    "« Maintenant ».");
		return refused(req, s, &x, why.code, NULL, NULL);
	}
	web_terminal_forget(&wt);
	(void)snprintf(where, sizeof(where), "/lieu/encaisser?seance=%lld",
	    (long long)out.session.id);
	return http_redirect(req, where);
}
