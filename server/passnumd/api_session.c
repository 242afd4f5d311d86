/* api_session.c -- POST /api/v1/login and POST /api/v1/logout: browser sessions over JSON.
 *
 * Programs use API tokens; these routes serve a browser front end that
 * holds the session cookie and sends the returned CSRF token back in an
 * X-CSRF-Token header with every request that changes state.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "session.h"
#include "worker.h"

/*
 * The request says its body is JSON. Another site's page can make a
 * browser post a form here (enctype="text/plain" carries a JSON body) and
 * the answer's cookie would log the victim into an account of the
 * attacker's choosing (login CSRF; the /connexion form has its own token
 * against it). A page cannot send application/json to another site
 * without that site's CORS consent, which passnumd never gives.
 */
static bool
json_content_type(struct http_request *req)
{
	static const char json[] = "application/json";
	const char *ct = http_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = sizeof(json) - 1;

	return ct != NULL && strncasecmp(ct, json, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

enum MHD_Result
api_login(struct http_request *req)
{
	struct store_session sess;
	struct pn_error err;
	struct store *s;
	char cookie[SESSION_TOKEN_MAX], retry[16];
	const char *login, *password;
	json_error_t jerr;
	json_t *doc;
	size_t len;
	const char *body = http_request_body(req, &len);
	enum MHD_Result rc;
	unsigned wait = 0;
	int res;

	if (!json_content_type(req))
		return http_reply_error(req, ERR_MALFORMED_JSON, "send the "
		    "body with 'Content-Type: application/json'");
	if ((doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return http_reply_error(req, ERR_MALFORMED_JSON, "line %d, "
		    "column %d: %s", jerr.line, jerr.column, jerr.text);
	login = json_string_value(json_object_get(doc, "login"));
	password = json_string_value(json_object_get(doc, "password"));
	if (login == NULL || login[0] == '\0' || strlen(login) > 64) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "login: 1 to 64 "
		    "characters");
		goto done;
	}
	if (password == NULL || password[0] == '\0' ||
	    strlen(password) > 1024) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "password: 1 to "
		    "1024 characters");
		goto done;
	}
	if ((s = worker_store(&err)) == NULL ||
	    (res = session_login(s, &http_request_config(req)->session, login,
	    password, http_request_address(req), (int64_t)time(NULL), cookie,
	    &sess, &wait, &err)) < 0) {
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		goto done;
	}
	switch (res) {
	case SESSION_LOGGED_IN:
		/* A login from a browser that had a session replaces it. */
		if (session_forget(s, http_request_cookie(req, SESSION_COOKIE),
		    (int64_t)time(NULL), &err) != 0) {
			rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
			    err.message);
			break;
		}
		if (auth_set_session_cookie(req, cookie) != 0) {
			rc = http_reply_error(req, ERR_INTERNAL, "cookie");
			break;
		}
		rc = http_reply_json(req, 200, json_pack("{s:s, s:s, s:s, s:s}",
		    "login", sess.who.login, "name", sess.who.name, "role",
		    store_role_name(sess.who.role), "csrf_token", sess.csrf));
		break;
	case SESSION_THROTTLED:
		(void)snprintf(retry, sizeof(retry), "%u", wait);
		(void)http_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, retry);
		rc = http_reply_error(req, ERR_LOGIN_THROTTLED, "too many failed "
		    "logins for this account or address; retry in %u s", wait);
		break;
	default:
		rc = http_reply_error(req, ERR_LOGIN_FAILED, "wrong login or "
		    "password, or the account is disabled");
		break;
	}
done:
	json_decref(doc);
	return rc;
}

enum MHD_Result
api_logout(struct http_request *req)
{
	const struct store_session *sess = http_request_session(req);
	struct pn_error err;
	struct store *s;

	if (sess == NULL)
		return http_reply_error(req, ERR_INVALID_FIELD, "this request "
		    "used an API token, which a logout does not end: revoke "
		    "the token instead");
	if ((s = worker_store(&err)) == NULL ||
	    session_logout(s, sess, (int64_t)time(NULL), &err) != 0)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	(void)auth_set_session_cookie(req, NULL);
	return http_reply_json(req, 200, json_pack("{s:s}", "status",
	    "logged out"));
}
