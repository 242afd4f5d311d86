/* auth.c -- API tokens and session cookies, checked on every request by hash look-up.
 *
 * A token (auth_token.c) is found by its hash; a session cookie by
 * session_check().
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "form.h"
#include "session.h"
#include "worker.h"

/* The CSRF token a request made with a session cookie sent, or NULL. */
static const char *
csrf_sent(struct http_request *req)
{
	const char *h = http_request_header(req, "X-CSRF-Token");
	const struct form *f;

	if (h != NULL)
		return h;
	if ((f = http_request_form(req, NULL)) != NULL)
		return form_get(f, "csrf");
	return NULL;
}

static bool
safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* auth_check(), with the CSRF token checked or not (before the body). */
static enum auth_outcome
identify(struct http_request *req, unsigned allowed,
    struct store_principal *who, struct store_session *sess,
    bool *has_session, bool check_csrf, char *detail, size_t detail_len)
{
	const char *h = http_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie;
	uint8_t hash[STORE_HASH_SIZE];
	struct pn_error err;
	struct store *s;
	int rc;

	*has_session = false;
	if ((s = worker_store(&err)) == NULL)
		goto store_failed;
	if (h != NULL) {
		if (strncmp(h, "Bearer ", 7) != 0 ||
		    strncmp(h + 7, AUTH_TOKEN_PREFIX, 3) != 0 ||
		    strlen(h + 7) >= AUTH_TOKEN_TEXT_MAX) {
			(void)snprintf(detail, detail_len, "send "
			    "'Authorization: Bearer pn_...' with a token from "
			    "passnum-admin token create");
			return AUTH_NONE;
		}
		auth_token_hash(h + 7, hash);
		if ((rc = store_token_lookup(s, hash, (int64_t)time(NULL), who,
		    &err)) < 0)
			goto store_failed;
		if (rc == 1) {
			(void)snprintf(detail, detail_len, "unknown, revoked "
			    "or expired token");
			return AUTH_NONE;
		}
	} else {
		if ((cookie = http_request_cookie(req, SESSION_COOKIE)) ==
		    NULL) {
			(void)snprintf(detail, detail_len, "log in (POST "
			    "/api/v1/login) or send 'Authorization: Bearer "
			    "pn_...'");
			return AUTH_NONE;
		}
		if ((rc = session_check(s, &http_request_config(req)->session,
		    cookie, (int64_t)time(NULL), sess, &err)) < 0)
			goto store_failed;
		if (rc == 1) {
			(void)snprintf(detail, detail_len, "the session has "
			    "ended (logged out, idle or too old): log in again");
			return AUTH_NONE;
		}
		*has_session = true;
		*who = sess->who;
		if (check_csrf && !safe_method(http_request_method(req)) &&
		    !session_csrf_ok(sess, csrf_sent(req))) {
			(void)snprintf(detail, detail_len, "a request made "
			    "with the session cookie must carry the session's "
			    "CSRF token (header X-CSRF-Token or form field "
			    "csrf)");
			return AUTH_BAD_CSRF;
		}
	}
	if ((who->role & allowed) == 0) {
		(void)snprintf(detail, detail_len, "role %s may not use this "
		    "route", store_role_name(who->role));
		return AUTH_FORBIDDEN;
	}
	return AUTH_OK;
store_failed:
	(void)snprintf(detail, detail_len, "%s", err.message);
	return AUTH_STORE_FAILED;
}

enum auth_outcome
auth_check(struct http_request *req, unsigned allowed,
    struct store_principal *who, struct store_session *sess,
    bool *has_session, char *detail, size_t detail_len)
{
	return identify(req, allowed, who, sess, has_session, true, detail,
	    detail_len);
}

enum auth_outcome
auth_check_before_body(struct http_request *req, unsigned allowed,
    char *detail, size_t detail_len)
{
	struct store_principal who;
	struct store_session sess;
	bool has_session;

	return identify(req, allowed, &who, &sess, &has_session, false,
	    detail, detail_len);
}

int
auth_set_session_cookie(struct http_request *req, const char *cookie)
{
	char value[256];

	if (session_cookie_header(value, sizeof(value), SESSION_COOKIE, cookie,
	    http_request_config(req)->session.max_age,
	    http_request_tls(req)) != 0)
		return -1;
	return http_add_header(req, MHD_HTTP_HEADER_SET_COOKIE, value);
}
