/* session.h -- logging in with a password, and the browser sessions that follow.
 *
 * No HTTP here: the JSON login route and the login page both call
 * session_login(), and auth.c calls session_check() for a cookie. A
 * session cookie is "s_" and 32 random bytes in Base64url; the store keeps
 * its BLAKE2b hash. Each session has its own CSRF token, which every form
 * and every state-changing API call made with the cookie must send back.
 */
#ifndef PN_SESSION_H
#define PN_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define SESSION_COOKIE "pn_session"
#define SESSION_TOKEN_MAX 64		/* cookie value or CSRF token, with NUL */
#define SESSION_ADDRESS_MAX 64		/* client address as text, with NUL */

enum session_login {
	SESSION_LOGGED_IN = 0,
	SESSION_BAD_CREDENTIALS,	/* unknown login, wrong password, disabled */
	SESSION_THROTTLED		/* too many failures: *retry_after seconds */
};

/*
 * Seconds the next attempt of a (login, address) with counts *c must
 * wait, 0 when it may go on (a pure function: the rule of session.c's
 * header comment).
 */
unsigned session_throttle_wait(const struct config_session *cfg,
    const struct store_login_counts *c, int64_t now);

/*
 * Whether login from address, or address, has too many failures in the
 * window: 0 when not, SESSION_THROTTLED with *retry_after seconds, or -1
 * with err. Writes nothing.
 */
int session_throttled(struct store *s, const struct config_session *cfg,
    const char *login, const char *address, int64_t now,
    unsigned *retry_after, struct pn_error *err);

/*
 * Check login and password for a request from address: refused while the
 * (login, address) or the address has too many recent failures (even with
 * the right password), else verified with Argon2id (an unknown login costs
 * the same time as a known one); a disabled user is refused. The attempt
 * is counted as a failure before the password is verified, in the
 * transaction that checks the throttle; on success the caller forgets the
 * failures of (login, address) (store_session_create() does, or
 * store_login_failures_clear()). An unknown login is stored as NULL.
 * Returns SESSION_LOGGED_IN with *who, another enum session_login, or -1
 * with err when the store fails. Opens no session: passnum-admin checks
 * the person --as names with it (address "cli").
 */
int session_password_check(struct store *s, const struct config_session *cfg,
    const char *login, const char *password, const char *address,
    int64_t now, struct store_principal *who, unsigned *retry_after,
    struct pn_error *err);

/*
 * session_password_check(), and on success a session: its cookie value
 * goes to cookie, the rest to *out. Returns an enum session_login, or -1
 * with err when the store fails.
 */
int session_login(struct store *s, const struct config_session *cfg,
    const char *login, const char *password, const char *address,
    int64_t now, char cookie[SESSION_TOKEN_MAX], struct store_session *out,
    unsigned *retry_after, struct pn_error *err);

/*
 * The live session of a cookie value: 0 and *out, 1 when there is none or
 * it has expired (idle or too old; it is then deleted), -1 on error. The
 * session's last use is recorded at most once a minute, so that a page
 * view is a read, not a write.
 */
int session_check(struct store *s, const struct config_session *cfg,
    const char *cookie, int64_t now, struct store_session *out,
    struct pn_error *err);

/*
 * End the session of cookie (the one a browser sent along with a new
 * login), silently: the new session replaces it. 0, or -1 on error.
 */
int session_forget(struct store *s, const char *cookie, int64_t now,
    struct pn_error *err);

/* Log out: end the session, with an audit row. */
int session_logout(struct store *s, const struct store_session *sess,
    int64_t now, struct pn_error *err);

/* given equals the session's CSRF token (compared in constant time). */
bool session_csrf_ok(const struct store_session *sess, const char *given);

/*
 * The Set-Cookie value that stores cookie for max_age seconds (HttpOnly,
 * SameSite=Strict, Path=/, and Secure when secure); with cookie NULL, the
 * one that deletes it. Returns 0, or -1 when buf is too small.
 */
int session_cookie_header(char *buf, size_t len, const char *name,
    const char *cookie, unsigned max_age, bool secure);

/* A fresh random token ("s_" + 43 Base64url characters), for any purpose. */
void session_token_new(char token[SESSION_TOKEN_MAX]);

#endif
