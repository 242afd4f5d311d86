/* ui_login.c -- the login page, logging in from it, and logging out.
 *
 * A login form cannot carry a session's CSRF token, since there is no
 * session yet. It carries its own instead: GET /connexion sets a random
 * value in a short-lived cookie and in a hidden field, and POST /connexion
 * goes on only when both came back equal. Another site can make a browser
 * post the form, but cannot read or set the cookie, so it cannot log a
 * victim into an account of its choosing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth.h"
#include "form.h"
#include "session.h"
#include "ui.h"
#include "worker.h"

#define LOGIN_COOKIE "pn_login"
#define LOGIN_COOKIE_AGE 3600		/* seconds to fill in the form */

/* Why the form is shown again. */
enum login_notice {
	NOTICE_NONE,
	NOTICE_LOGGED_OUT,
	NOTICE_BAD_CREDENTIALS,
	NOTICE_THROTTLED,
	NOTICE_STALE_FORM,
	NOTICE_MISSING
};

static void
put_notice(struct html *h, enum login_notice n, unsigned retry_after)
{
	switch (n) {
	case NOTICE_LOGGED_OUT:
		html_put(h, "<div class=\"alert ok\" role=\"status\"><p>Vous "
		    "êtes déconnecté.</p></div>");
		break;
	case NOTICE_BAD_CREDENTIALS:
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Identifiant"
		    " ou mot de passe incorrect, ou compte désactivé.</p>"
		    "</div>");
		break;
	case NOTICE_THROTTLED:
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Trop "
		    "d’essais manqués pour ce compte ou depuis ce poste. "
		    "Réessayez dans %u %s.</p></div>",
		    (retry_after + 59) / 60, html_plural((retry_after + 59) /
		    60, "minute", "minutes"));
		break;
	case NOTICE_STALE_FORM:
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Le "
		    "formulaire a expiré. Saisissez à nouveau vos identifiants."
		    "</p></div>");
		break;
	case NOTICE_MISSING:
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Saisissez "
		    "votre identifiant et votre mot de passe.</p></div>");
		break;
	case NOTICE_NONE:
		break;
	}
}

/* The form, with a fresh form token in its field and in a cookie. */
static enum MHD_Result
show_form(struct http_request *req, unsigned status, enum login_notice n,
    const char *login, unsigned retry_after)
{
	char token[SESSION_TOKEN_MAX], cookie[256];
	struct html h;

	session_token_new(token);
	if (session_cookie_header(cookie, sizeof(cookie), LOGIN_COOKIE, token,
	    LOGIN_COOKIE_AGE, http_request_tls(req)) != 0 ||
	    http_add_header(req, MHD_HTTP_HEADER_SET_COOKIE, cookie) != 0)
		return ui_error_page(req, ERR_INTERNAL, "login cookie");
	if (n == NOTICE_THROTTLED) {
		char retry[16];

		(void)snprintf(retry, sizeof(retry), "%u", retry_after);
		(void)http_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, retry);
	}
	html_init(&h);
	ui_begin(&h, req, "Connexion");
	put_notice(&h, n, retry_after);
	html_put(&h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/connexion\">"
	    "<input type=\"hidden\" name=\"login_csrf\" value=\"%s\">"
	    "<label for=\"login\">Identifiant</label>"
	    "<input id=\"login\" name=\"login\" type=\"text\" required "
	    "maxlength=\"64\" autocomplete=\"username\" autocapitalize=\"none\" "
	    "spellcheck=\"false\" value=\"%s\">"
	    "<label for=\"password\">Mot de passe</label>"
	    "<input id=\"password\" name=\"password\" type=\"password\" "
	    "required maxlength=\"1024\" autocomplete=\"current-password\">"
	    "<button type=\"submit\">Se connecter</button></form>",
	    token, login != NULL ? login : "");
	sodium_memzero(token, sizeof(token));
	return ui_end(&h, req, status);
}

/*
 * The home page of a visitor who already has a live session for the pages
 * (a GET: no CSRF token needed), or NULL. Other roles see the form: the
 * pages would refuse them.
 */
static const char *
logged_in(struct http_request *req)
{
	struct store_principal who;
	struct store_session sess;
	bool has;
	char detail[64];

	if (http_request_cookie(req, SESSION_COOKIE) == NULL ||
	    auth_check(req, ROLE_CASEWORKER | ROLE_VENUE | ROLE_ADMIN, &who,
	    &sess, &has, detail, sizeof(detail)) != AUTH_OK)
		return NULL;
	return ui_home_path(&who);
}

enum MHD_Result
ui_login_form(struct http_request *req)
{
	const char *bye = http_request_query(req, "deconnecte");
	const char *home = logged_in(req);

	if (home != NULL)
		return http_redirect(req, home);
	return show_form(req, 200, bye != NULL ? NOTICE_LOGGED_OUT :
	    NOTICE_NONE, NULL, 0);
}

/* The form token came back in both the field and the cookie, equal. */
static bool
form_token_ok(struct http_request *req, const struct form *f)
{
	const char *field = form_get(f, "login_csrf");
	const char *cookie = http_request_cookie(req, LOGIN_COOKIE);
	size_t n;

	if (field == NULL || cookie == NULL || (n = strlen(field)) == 0 ||
	    n != strlen(cookie))
		return false;
	return sodium_memcmp(field, cookie, n) == 0;
}

enum MHD_Result
ui_login(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const char *login, *password;
	char cookie[SESSION_TOKEN_MAX], gone[256];
	struct store_session sess;
	struct pn_error err;
	struct store *s;
	unsigned wait = 0;
	int res;

	if (f == NULL || !form_token_ok(req, f))
		return show_form(req, 403, NOTICE_STALE_FORM, NULL, 0);
	login = form_get(f, "login");
	password = form_get(f, "password");
	if (login == NULL || login[0] == '\0' || strlen(login) > 64 ||
	    password == NULL || password[0] == '\0' || strlen(password) > 1024)
		return show_form(req, 400, NOTICE_MISSING, login, 0);
	if ((s = worker_store(&err)) == NULL ||
	    (res = session_login(s, &http_request_config(req)->session, login,
	    password, http_request_address(req), (int64_t)time(NULL), cookie,
	    &sess, &wait, &err)) < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (res == SESSION_THROTTLED)
		return show_form(req, 429, NOTICE_THROTTLED, login, wait);
	if (res != SESSION_LOGGED_IN)
		return show_form(req, 401, NOTICE_BAD_CREDENTIALS, login, 0);
	/* A login from a browser that had a session replaces it. */
	if (session_forget(s, http_request_cookie(req, SESSION_COOKIE),
	    (int64_t)time(NULL), &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	res = auth_set_session_cookie(req, cookie);
	sodium_memzero(cookie, sizeof(cookie));
	if (res != 0 || session_cookie_header(gone, sizeof(gone), LOGIN_COOKIE,
	    NULL, 0, http_request_tls(req)) != 0 ||
	    http_add_header(req, MHD_HTTP_HEADER_SET_COOKIE, gone) != 0)
		return ui_error_page(req, ERR_INTERNAL, "session cookie");
	return http_redirect(req, ui_home_path(&sess.who));
}

enum MHD_Result
ui_logout(struct http_request *req)
{
	const struct store_session *sess = http_request_session(req);
	struct pn_error err;
	struct store *s;

	/* A token is not a browser session: there is nothing to end. */
	if (sess == NULL)
		return http_redirect(req, "/connexion");
	if ((s = worker_store(&err)) == NULL ||
	    session_logout(s, sess, (int64_t)time(NULL), &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	(void)auth_set_session_cookie(req, NULL);
	return http_redirect(req, "/connexion?deconnecte=1");
}
