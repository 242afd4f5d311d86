/* auth.h -- who a request acts for: an API token or a browser session. */
#ifndef PN_AUTH_H
#define PN_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth_token.h"
#include "http.h"
#include "store.h"

enum auth_outcome {
	AUTH_OK = 0,
	AUTH_NONE,		/* no credentials, or unknown / expired ones */
	AUTH_FORBIDDEN,		/* the role may not use the route */
	AUTH_BAD_CSRF,		/* a session's state change without its token */
	AUTH_STORE_FAILED	/* the database did not answer */
};

/*
 * Authenticate req for a route open to the roles in the bitmask allowed:
 * an "Authorization: Bearer" token when the request has one, else the
 * session cookie. A request made with the cookie that may change state
 * (any method but GET and HEAD) must carry the session's CSRF token, in an
 * "X-CSRF-Token" header or a "csrf" form field: a cookie is sent by the
 * browser on its own, the token only by our pages. Fills *who, and *sess
 * with *has_session for a session; detail says why on a refusal.
 */
enum auth_outcome auth_check(struct http_request *req, unsigned allowed,
    struct store_principal *who, struct store_session *sess,
    bool *has_session, char *detail, size_t detail_len);

/*
 * The same, before the body has arrived, for a route that takes a large
 * one (HTTP_UPLOAD): the credentials and the role, not yet the CSRF token
 * (in the body), so that only a user who may use the route can make the
 * server read megabytes. auth_check() runs again once the body is in.
 */
enum auth_outcome auth_check_before_body(struct http_request *req,
    unsigned allowed, char *detail, size_t detail_len);

/*
 * Add the Set-Cookie header that stores the session cookie (max_age from
 * the configuration, Secure under TLS), or deletes it when cookie is NULL.
 * Returns 0, or -1 when the reply has no room for the header.
 */
int auth_set_session_cookie(struct http_request *req, const char *cookie);

#endif
