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
