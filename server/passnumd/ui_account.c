/* ui_account.c -- « Mon compte »: changing one's password, seeing and ending one's sessions.
 *
 *   GET  /compte				the form and the sessions
 *   POST /compte/mot-de-passe		a new password (the current one too)
 *   POST /compte/sessions/{id}/terminer	end one of one's sessions
 *
 * Every logged-in role reaches it, and a session whose user holds a
 * one-time password reaches nothing else (http.c's authenticate()). The
 * current password is checked by the login's own check
 * (session_password_check()): a wrong one is a failed login of this
 * account from this address, throttled as one, so a session left open
 * on a shared computer is no way to guess it. A change ends every
 * session of the account and revokes its tokens (account.h); the page
 * then opens a new session with the new password, so that its author
 * stays logged in while a thief's session dies.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/timefmt.h"
#include "account.h"
#include "auth.h"
#include "op_request.h"
#include "session.h"
#include "ui.h"
#include "worker.h"

/* The form's fields, and what was wrong with them. */
struct change_form {
	struct ui_field_error errors[3];
	size_t n;
	unsigned status;
};

static void
form_error(struct change_form *f, const char *id, const char *message,
    unsigned status)
{
	if (f->n < sizeof(f->errors) / sizeof(f->errors[0])) {
		f->errors[f->n].field = id;
		f->errors[f->n].id = id;
		f->errors[f->n].message = message;
		f->n++;
	}
	if (f->status == 200)
		f->status = status;
}

struct session_rows {
	struct html html;
	struct http_request *req;
	int64_t current;
	unsigned n;
};

static int
session_row(void *ctx, const struct store_session_row *r)
{
	struct session_rows *sr = ctx;
	struct html *h = &sr->html;
	char created[PN_TIME_TEXT_MAX], seen[PN_TIME_TEXT_MAX];

	pn_time_format_paris(r->created_at, created);
	pn_time_format_paris(r->last_seen, seen);
	html_put(h, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", created,
	    seen, r->address);
	html_put(h, "<form method=\"post\" "
	    "action=\"/compte/sessions/%L/terminer\">", r->id);
	ui_csrf_field(h, sr->req);
	if (r->id == sr->current)
		html_put(h, "<button type=\"submit\" class=\"secondary\">"
		    "Terminer cette connexion (vous serez déconnecté)</button>");
	else
		html_put(h, "<button type=\"submit\" class=\"secondary\">"
		    "Terminer<span class=\"vh\"> la connexion ouverte le %s"
		    "</span></button>", created);
	html_put(h, "</form>%R</td></tr>", r->id == sr->current ?
	    "<p>C’est la connexion de ce navigateur.</p>" : "");
	sr->n++;
	return 0;
}

/* The page, with f's errors (NULL: none) and notice (NULL: none). */
static enum MHD_Result
show(struct http_request *req, struct store *s, const struct change_form *f,
    const char *notice)
{
	const struct store_session *sess = http_request_session(req);
	const struct store_principal *who = http_request_principal(req);
	const struct ui_field_error *e;
	struct session_rows rows = { .n = 0 };
	struct pn_error err;
	struct html h;

	rows.req = req;
	rows.current = sess != NULL ? sess->id : 0;
	html_init(&rows.html);
	if (store_user_sessions(s, who->user_id, session_row, &rows,
	    &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Mon compte");
	if (notice != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>%s</p>"
		    "</div>", notice);
	if (f != NULL)
		ui_error_summary(&h, f->errors, f->n);
	if (sess != NULL && sess->must_change)
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>Votre mot "
		    "de passe est provisoire : choisissez le vôtre pour "
		    "continuer. Les autres pages s’ouvriront ensuite.</p>"
		    "</div>");
	html_put(&h, "<p>Identifiant : <strong>%s</strong></p>", who->login);
	html_put(&h, "<h2>Changer mon mot de passe</h2><form class=\"panel\" "
	    "method=\"post\" action=\"/compte/mot-de-passe\">");
	ui_csrf_field(&h, req);
	/* The login, for password managers: they file the new one under it. */
	html_put(&h, "<input type=\"hidden\" name=\"username\" "
	    "autocomplete=\"username\" value=\"%s\">", who->login);
	e = f != NULL ? ui_field_error_of(f->errors, f->n, "actuel") : NULL;
	html_put(&h, "<label for=\"actuel\">Mot de passe actuel</label>");
	ui_compta_field_error(&h, "actuel", e != NULL, e != NULL ?
	    e->message : "");
	html_put(&h, "<input id=\"actuel\" name=\"actuel\" type=\"password\" "
	    "required maxlength=\"1024\" autocomplete=\"current-password\"");
	ui_compta_field_attrs(&h, "actuel", NULL, e != NULL);
	html_put(&h, ">");
	e = f != NULL ? ui_field_error_of(f->errors, f->n, "nouveau") : NULL;
	html_put(&h, "<label for=\"nouveau\">Nouveau mot de passe<span "
	    "class=\"hint\" id=\"nouveau-hint\">Au moins %d caractères. Une "
	    "phrase de quelques mots se retient mieux qu’un mot compliqué."
	    "</span></label>", ACCOUNT_PASSWORD_MIN);
	ui_compta_field_error(&h, "nouveau", e != NULL, e != NULL ?
	    e->message : "");
	html_put(&h, "<input id=\"nouveau\" name=\"nouveau\" "
	    "type=\"password\" required minlength=\"%d\" maxlength=\"%d\" "
	    "autocomplete=\"new-password\"", ACCOUNT_PASSWORD_MIN,
	    ACCOUNT_PASSWORD_MAX);
	ui_compta_field_attrs(&h, "nouveau", "nouveau-hint", e != NULL);
	html_put(&h, ">");
	e = f != NULL ? ui_field_error_of(f->errors, f->n, "confirmation") :
	    NULL;
	html_put(&h, "<label for=\"confirmation\">Nouveau mot de passe, une "
	    "seconde fois</label>");
	ui_compta_field_error(&h, "confirmation", e != NULL, e != NULL ?
	    e->message : "");
	html_put(&h, "<input id=\"confirmation\" name=\"confirmation\" "
	    "type=\"password\" required maxlength=\"%d\" "
	    "autocomplete=\"new-password\"", ACCOUNT_PASSWORD_MAX);
	ui_compta_field_attrs(&h, "confirmation", NULL, e != NULL);
	html_put(&h, "><p>Vos autres connexions seront fermées et vos jetons "
	    "d’accès révoqués.</p><button type=\"submit\">Changer mon mot de "
	    "passe</button></form>");
	html_put(&h, "<h2 id=\"sessions\">Mes connexions ouvertes</h2>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucune connexion ouverte.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"sessions-caption\">"
		    "<table><caption id=\"sessions-caption\">Les navigateurs "
		    "connectés à votre compte</caption><thead><tr>"
		    "<th scope=\"col\">Ouverte le</th>"
		    "<th scope=\"col\">Dernière activité</th>"
		    "<th scope=\"col\">Adresse</th>"
		    "<th scope=\"col\">Action</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>",
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, f != NULL ? f->status : 200);
}

enum MHD_Result
ui_account(struct http_request *req)
{
	const char *done = http_request_query(req, "fait");
	const char *notice = NULL;
	struct pn_error err;
	struct store *s;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	/* A fixed sentence per value: the page repeats no text of a link. */
	if (done != NULL && strcmp(done, "mot-de-passe") == 0)
		notice = "Votre mot de passe est changé. Vos autres connexions "
		    "sont terminées.";
	else if (done != NULL && strcmp(done, "session") == 0)
		notice = "La connexion est terminée.";
	return show(req, s, NULL, notice);
}

enum MHD_Result
ui_account_password(struct http_request *req)
{
	const struct store_principal *who = http_request_principal(req);
	const char *current = ui_field(req, "actuel");
	const char *fresh = ui_field(req, "nouveau");
	const char *again = ui_field(req, "confirmation");
	struct change_form f = { .n = 0, .status = 200 };
	struct account_change_out out;
	struct store_principal me;
	struct store_session sess;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	char cookie[SESSION_TOKEN_MAX], throttled[160];
	enum err_code code;
	unsigned wait = 0;
	int res;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	me = *who;
	if (current == NULL || current[0] == '\0' || strlen(current) > 1024)
		form_error(&f, "actuel", "Le mot de passe actuel manque : "
		    "tapez celui avec lequel vous vous êtes connecté.", 400);
	if (fresh == NULL || account_password_check(fresh, &why) != ERR_NONE)
		form_error(&f, "nouveau", "Ce mot de passe ne convient pas : "
		    "choisissez-en un d’au moins 12 caractères (127 octets au "
		    "plus).", 400);
	else if (current != NULL && strcmp(fresh, current) == 0)
		form_error(&f, "nouveau", "Le nouveau mot de passe est "
		    "l’ancien : choisissez-en un autre.", 400);
	if (again == NULL || fresh == NULL || strcmp(again, fresh) != 0)
		form_error(&f, "confirmation", "Les deux saisies diffèrent : "
		    "tapez le même nouveau mot de passe deux fois.", 400);
	if (f.n != 0)
		return show(req, s, &f, NULL);
	op_request_ctx_on(req, s, &cx);
	switch (ui_reauth(req, s, &cx, current, &wait, &err)) {
	case UI_REAUTH_OK:
		break;
	case UI_REAUTH_FAILED:
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	case UI_REAUTH_THROTTLED:
		(void)snprintf(throttled, sizeof(throttled), "Trop d’essais "
		    "manqués pour ce compte ou depuis ce poste : réessayez dans "
		    "%u min.", (wait + 59) / 60);
		form_error(&f, "actuel", throttled, 429);
		return show(req, s, &f, NULL);
	default:
		form_error(&f, "actuel", "Mot de passe actuel incorrect : "
		    "retapez celui avec lequel vous vous êtes connecté.", 401);
		return show(req, s, &f, NULL);
	}
	code = account_password_change(&cx, fresh, &out, &why);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	/* Every session ended, this one too: its author gets a new one. */
	res = session_login(s, &cx.cfg->session, me.login, fresh,
	    http_request_address(req), cx.now, cookie, &sess, &wait, &err);
	if (res < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (res != SESSION_LOGGED_IN) {
		(void)auth_set_session_cookie(req, NULL);
		return http_redirect(req, "/connexion");
	}
	res = auth_set_session_cookie(req, cookie);
	sodium_memzero(cookie, sizeof(cookie));
	if (res != 0)
		return ui_error_page(req, ERR_INTERNAL, "session cookie");
	return http_redirect(req, "/compte?fait=mot-de-passe");
}

enum MHD_Result
ui_account_session_end(struct http_request *req)
{
	const struct store_session *sess = http_request_session(req);
	uint64_t id = ui_param_id(req);
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	enum err_code code;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	code = account_session_end(&cx, (int64_t)id, &why);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	/* The browser's own session: it is logged out, and told so. */
	if (sess != NULL && (int64_t)id == sess->id) {
		(void)auth_set_session_cookie(req, NULL);
		return http_redirect(req, "/connexion?deconnecte=1");
	}
	return http_redirect(req, "/compte?fait=session");
}
