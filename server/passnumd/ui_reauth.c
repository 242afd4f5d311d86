/* ui_reauth.c -- the logged-in person's password typed again before a sensitive act, checked as a login is.
 *
 * A stolen session must not be enough to add a terminal, accept a venue,
 * approve a change of bank details or reset an account: the page asks for
 * the password again, and checks it with the login's own check
 * (session_password_check()), so that a wrong one is a failed login of
 * this account from this address, counted and throttled like one.
 */
#include <stdio.h>
#include <string.h>

#include "op.h"
#include "session.h"
#include "ui.h"

enum ui_reauth
ui_reauth(struct http_request *req, struct store *s, const struct op_ctx *cx,
    const char *password, unsigned *wait, struct pn_error *err)
{
	const struct store_principal *who = cx->who;
	struct store_principal checked;
	char retry[16];
	int res;

	*wait = 0;
	if (password == NULL || password[0] == '\0' || strlen(password) > 1024)
		return UI_REAUTH_MISSING;
	res = session_password_check(s, &cx->cfg->session, who->login,
	    password, http_request_address(req), cx->now, &checked, wait, err);
	if (res < 0)
		return UI_REAUTH_FAILED;
	if (res == SESSION_THROTTLED) {
		(void)snprintf(retry, sizeof(retry), "%u", *wait);
		(void)http_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, retry);
		return UI_REAUTH_THROTTLED;
	}
	if (res != SESSION_LOGGED_IN || checked.user_id != who->user_id)
		return UI_REAUTH_WRONG;
	if (store_login_failures_clear(s, who->login,
	    http_request_address(req), err) != 0)
		return UI_REAUTH_FAILED;
	return UI_REAUTH_OK;
}

unsigned
ui_reauth_message(enum ui_reauth r, unsigned wait, char *buf, size_t len)
{
	switch (r) {
	case UI_REAUTH_MISSING:
		(void)snprintf(buf, len, "Votre mot de passe manque : retapez "
		    "celui de votre compte pour confirmer.");
		return 400;
	case UI_REAUTH_WRONG:
		(void)snprintf(buf, len, "Mot de passe incorrect : retapez "
		    "celui avec lequel vous vous êtes connecté.");
		return 401;
	case UI_REAUTH_THROTTLED:
		(void)snprintf(buf, len, "Trop d’essais manqués pour ce compte "
		    "ou depuis ce poste : réessayez dans %u min.",
		    (wait + 59) / 60);
		return 429;
	default:
		buf[0] = '\0';
		return 200;
	}
}

void
ui_reauth_field(struct html *h, const char *id, const char *hint,
    const char *error)
{
	bool bad = error != NULL && error[0] != '\0';
	char hint_id[48];

	(void)snprintf(hint_id, sizeof(hint_id), "%s-hint", id);
	html_put(h, "<label for=\"%s\">Votre mot de passe<span class=\"hint\" "
	    "id=\"%s\">%s</span></label>", id, hint_id, hint);
	ui_compta_field_error(h, id, bad, bad ? error : "");
	html_put(h, "<input id=\"%s\" name=\"motdepasse\" type=\"password\" "
	    "maxlength=\"1024\" autocomplete=\"current-password\"", id);
	ui_compta_field_attrs(h, id, hint_id, bad);
	html_put(h, ">");
}
