/* session.c -- password logins with throttling, and browser sessions.
 *
 * Throttling cannot be turned against a user: failures are counted per
 * (login, address) and per address, never per login alone, so that an
 * outsider's wrong passwords hold back the outsider's address and not the
 * user's own. Past max_failures_per_login failures of one (login,
 * address), that pair waits 60 s after its latest failure, then 120, 240...
 * (doubling with each new failure) up to failure_window; past max_failures_per_address failures from one
 * address (any logins), that address waits until the oldest leaves the
 * window.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "session.h"

/*
 * A session's last request is recorded at most every touch_every() seconds,
 * so that most requests only read. The idle check counts from the last
 * recorded request, which may be up to that long before the real one: a
 * fixed 60 s would end, with idle_timeout = 60, the session of a user who
 * makes a request every 40 s. So the step is also kept to a thirtieth of
 * idle_timeout (at least 1 s): a session ends at most that much early.
 */
#define TOUCH_EVERY 60

static int64_t
touch_every(const struct config_session *cfg)
{
	int64_t step = (int64_t)cfg->idle_timeout / 30;

	return step < 1 ? 1 : step > TOUCH_EVERY ? TOUCH_EVERY : step;
}

/*
 * A hash of a random password, verified when the login is unknown so that
 * an unknown login takes as long as a wrong password: timing does not tell
 * which logins exist. Made once, with the parameters of real hashes.
 */
static char decoy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;

static void
make_decoy(void)
{
	char pw[SESSION_TOKEN_MAX];

	session_token_new(pw);
	if (crypto_pwhash_str(decoy_hash, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		decoy_hash[0] = '\0';	/* out of memory: verify fails fast */
	sodium_memzero(pw, sizeof(pw));
}

void
session_token_new(char token[SESSION_TOKEN_MAX])
{
	uint8_t raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(token, "s_", 2);
	(void)sodium_bin2base64(token + 2, SESSION_TOKEN_MAX - 2, raw,
	    sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static void
token_hash(const char *token, uint8_t hash[STORE_HASH_SIZE])
{
	crypto_generichash(hash, STORE_HASH_SIZE, (const uint8_t *)token,
	    strlen(token), NULL, 0);
}

/* Seconds until the oldest failure in the window leaves it (at least 1). */
static unsigned
wait_for(int64_t oldest, int64_t now, unsigned window)
{
	int64_t left = oldest + (int64_t)window - now;

	return left < 1 ? 1 : (unsigned)left;
}

unsigned
session_throttle_wait(const struct config_session *cfg,
    const struct store_login_counts *c, int64_t now)
{
	unsigned over, delay;
	int64_t until;

	if (c->address >= cfg->max_failures_per_address)
		return wait_for(c->address_oldest, now, cfg->failure_window);
	if (c->pair < cfg->max_failures_per_login)
		return 0;
	/* 60 s at the limit, doubling with each failure past it, capped. */
	over = c->pair - cfg->max_failures_per_login;
	delay = over >= 20 ? cfg->failure_window : 60u << over;
	if (delay > cfg->failure_window)
		delay = cfg->failure_window;
	until = c->pair_latest + (int64_t)delay;
	return until > now ? (unsigned)(until - now) : 0;
}

struct refusal {
	const struct config_session *cfg;
	int64_t now;
	unsigned wait;
};

/* store_login_attempt()'s question: refuse this attempt? */
static bool
refuse_attempt(void *ctx, const struct store_login_counts *c)
{
	struct refusal *r = ctx;

	r->wait = session_throttle_wait(r->cfg, c, r->now);
	return r->wait > 0;
}

/*
 * The login as the throttle stores it: itself when it names a user, NULL
 * when not, so that a password typed in the login field is never stored.
 * *cred is read on the way. 0, or -1 with err.
 */
static int
stored_login(struct store *s, const char *login, struct store_credentials *cred,
    const char **key, bool *found, struct pn_error *err)
{
	int rc;

	if ((rc = store_user_credentials(s, login, cred, err)) < 0)
		return -1;
	*found = rc == 0;
	*key = *found ? login : NULL;
	return 0;
}

int
session_throttled(struct store *s, const struct config_session *cfg,
    const char *login, const char *address, int64_t now,
    unsigned *retry_after, struct pn_error *err)
{
	struct store_credentials cred;
	struct store_login_counts c;
	const char *key;
	bool found;

	if (stored_login(s, login, &cred, &key, &found, err) != 0)
		return -1;
	sodium_memzero(cred.password_hash, sizeof(cred.password_hash));
	if (store_login_failures(s, key, address,
	    now - (int64_t)cfg->failure_window, &c, err) != 0)
		return -1;
	if ((*retry_after = session_throttle_wait(cfg, &c, now)) > 0)
		return SESSION_THROTTLED;
	return 0;
}

int
session_password_check(struct store *s, const struct config_session *cfg,
    const char *login, const char *password, const char *address,
    int64_t now, struct store_principal *who, unsigned *retry_after,
    struct pn_error *err)
{
	struct store_credentials cred;
	struct store_login_counts c;
	struct refusal r = { cfg, now, 0 };
	const char *key;
	bool found, ok;
	int rc;

	if (stored_login(s, login, &cred, &key, &found, err) != 0)
		return -1;
	/* A read first: an attempt held back costs no write. */
	if (store_login_failures(s, key, address,
	    now - (int64_t)cfg->failure_window, &c, err) != 0)
		goto fail;
	if ((*retry_after = session_throttle_wait(cfg, &c, now)) > 0) {
		sodium_memzero(cred.password_hash, sizeof(cred.password_hash));
		return SESSION_THROTTLED;
	}
	/* Counted as a failure now, forgotten by the caller if right. */
	if ((rc = store_login_attempt(s, key, address, now,
	    now - (int64_t)cfg->failure_window, refuse_attempt, &r, &c,
	    err)) != 0) {
		sodium_memzero(cred.password_hash, sizeof(cred.password_hash));
		if (rc < 0)
			return -1;
		*retry_after = r.wait;
		return SESSION_THROTTLED;
	}
	if (found)
		ok = crypto_pwhash_str_verify(cred.password_hash, password,
		    strlen(password)) == 0 && !cred.disabled;
	else {
		(void)pthread_once(&decoy_once, make_decoy);
		/* The result does not matter, only the time it takes. */
		if (crypto_pwhash_str_verify(decoy_hash, password,
		    strlen(password)) == 0)
			ok = false;
		ok = false;
	}
	sodium_memzero(cred.password_hash, sizeof(cred.password_hash));
	if (!ok) {
		if (store_login_failed(s, key, address, now, err) != 0)
			return -1;
		return SESSION_BAD_CREDENTIALS;
	}
	*who = cred.who;
	return SESSION_LOGGED_IN;
fail:
	sodium_memzero(cred.password_hash, sizeof(cred.password_hash));
	return -1;
}

int
session_login(struct store *s, const struct config_session *cfg,
    const char *login, const char *password, const char *address,
    int64_t now, char cookie[SESSION_TOKEN_MAX], struct store_session *out,
    unsigned *retry_after, struct pn_error *err)
{
	uint8_t hash[STORE_HASH_SIZE];
	struct store_principal who;
	int rc;

	if ((rc = session_password_check(s, cfg, login, password, address,
	    now, &who, retry_after, err)) != SESSION_LOGGED_IN)
		return rc;
	memset(out, 0, sizeof(*out));
	out->who = who;
	out->created_at = out->last_seen = now;
	session_token_new(cookie);
	session_token_new(out->csrf);
	token_hash(cookie, hash);
	if (store_session_create(s, hash, out->csrf, &out->who, address, now,
	    now - (int64_t)cfg->idle_timeout, err) != 0)
		return -1;
	return SESSION_LOGGED_IN;
}

int
session_check(struct store *s, const struct config_session *cfg,
    const char *cookie, int64_t now, struct store_session *out,
    struct pn_error *err)
{
	uint8_t hash[STORE_HASH_SIZE];
	int rc;

	if (strncmp(cookie, "s_", 2) != 0 ||
	    strlen(cookie) >= SESSION_TOKEN_MAX)
		return 1;
	token_hash(cookie, hash);
	if ((rc = store_session_lookup(s, hash, out, err)) != 0)
		return rc;
	if (now - out->last_seen > (int64_t)cfg->idle_timeout ||
	    now - out->created_at > (int64_t)cfg->max_age) {
		if (store_session_end(out, s, NULL, now, err) != 0)
			return -1;
		return 1;
	}
	if (now - out->last_seen >= touch_every(cfg)) {
		if (store_session_touch(s, out->id, now, err) != 0)
			return -1;
		out->last_seen = now;
	}
	return 0;
}

int
session_forget(struct store *s, const char *cookie, int64_t now,
    struct pn_error *err)
{
	struct store_session old;
	uint8_t hash[STORE_HASH_SIZE];
	int rc;

	if (cookie == NULL || strncmp(cookie, "s_", 2) != 0 ||
	    strlen(cookie) >= SESSION_TOKEN_MAX)
		return 0;
	token_hash(cookie, hash);
	if ((rc = store_session_lookup(s, hash, &old, err)) != 0)
		return rc < 0 ? -1 : 0;
	return store_session_end(&old, s, NULL, now, err);
}

int
session_logout(struct store *s, const struct store_session *sess,
    int64_t now, struct pn_error *err)
{
	return store_session_end(sess, s, "logout", now, err);
}

bool
session_csrf_ok(const struct store_session *sess, const char *given)
{
	size_t n = strlen(sess->csrf);

	return given != NULL && n > 0 && strlen(given) == n &&
	    sodium_memcmp(sess->csrf, given, n) == 0;
}

int
session_cookie_header(char *buf, size_t len, const char *name,
    const char *cookie, unsigned max_age, bool secure)
{
	int n = snprintf(buf, len, "%s=%s; Path=/; Max-Age=%u; HttpOnly; "
	    "SameSite=Strict%s", name, cookie != NULL ? cookie : "",
	    cookie != NULL ? max_age : 0, secure ? "; Secure" : "");

	return n < 0 || (size_t)n >= len ? -1 : 0;
}
