/* account.c -- people's accounts and their API tokens: passwords hashed here, one transaction each. */
#include <string.h>

#include <sodium.h>

#include "passnum/bankid.h"
#include "account.h"
#include "field_text.h"

/* Characters of UTF-8 text: the bytes that do not continue a sequence. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

enum err_code
account_password_check(const char *password, struct op_refusal *why)
{
	if (password == NULL || utf8_chars(password) < ACCOUNT_PASSWORD_MIN)
		return op_refuse(why, ERR_INVALID_FIELD, "password", "password: "
		    "at least %d characters", ACCOUNT_PASSWORD_MIN);
	if (strlen(password) > ACCOUNT_PASSWORD_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "password", "password: "
		    "at most %d bytes", ACCOUNT_PASSWORD_MAX);
	return ERR_NONE;
}

/*
 * Argon2id, with libsodium's interactive limits: a login must stay
 * quick. ERR_NONE, or ERR_INTERNAL (out of memory).
 */
static enum err_code
password_hash(const char *password, char hash[crypto_pwhash_STRBYTES],
    struct op_refusal *why)
{
	if (crypto_pwhash_str(hash, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return op_refuse(why, ERR_INTERNAL, NULL, "password hashing ran "
		    "out of memory");
	return ERR_NONE;
}

enum err_code
user_add_check(const struct user_add_in *in, struct op_refusal *why)
{
	char siret[PN_SIRET_LEN + 1], msg[200];
	enum pn_id_status st;
	enum err_code code;

	if (in->role != ROLE_CASEWORKER && in->role != ROLE_VENUE &&
	    in->role != ROLE_ACCOUNTANT && in->role != ROLE_ADMIN &&
	    in->role != ROLE_FUNDER)
		return op_refuse(why, ERR_INVALID_FIELD, "role", "role: "
		    "caseworker, venue, accountant, admin or funder");
	if (in->agency_id < 0)
		return op_refuse(why, ERR_INVALID_FIELD, "agency_id",
		    "agency_id: an agency number");
	/* A caseworker sees and issues the booklets of their agency. */
	if (in->role == ROLE_CASEWORKER && in->agency_id == 0)
		return op_refuse(why, ERR_INVALID_FIELD, "agency_id", "a "
		    "caseworker belongs to an agency");
	/* The funder reads the whole programme's figures, no agency's. */
	if (in->role == ROLE_FUNDER && in->agency_id != 0)
		return op_refuse(why, ERR_INVALID_FIELD, "agency_id", "a "
		    "funder belongs to no agency");
	/* The venue pages show a venue user their own venue, and only that. */
	if (in->role == ROLE_VENUE && in->venue_siret == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "venue_siret", "a venue "
		    "user belongs to a venue");
	if (in->role != ROLE_VENUE && in->venue_siret != NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "venue_siret",
		    "venue_siret: only for role venue");
	if (in->venue_siret != NULL &&
	    (st = pn_siret_parse(in->venue_siret, siret)) != PN_ID_OK)
		return op_refuse(why, ERR_INVALID_FIELD, "venue_siret",
		    "venue_siret: %s", pn_id_status_message(st, "SIRET", msg,
		    sizeof(msg)));
	if ((code = field_text_check("login", in->login, ACCOUNT_LOGIN_MAX,
	    why)) != ERR_NONE)
		return code;
	return field_text_check("name", in->name, ACCOUNT_NAME_MAX, why);
}

struct add {
	const struct op_ctx *cx;
	const struct user_add_in *in;
	char siret[PN_SIRET_LEN + 1];
	const char *hash;
	bool temporary;		/* to be changed at the first login */
	struct user_add_out *out;
};

static enum err_code
add_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct add *a = arg;
	const struct user_add_in *in = a->in;
	struct store_venue venue;
	struct pn_error err;
	int res;

	if (in->venue_siret != NULL) {
		res = store_venue_by_siret(tx, a->siret, &venue, &err);
		if (res < 0)
			return op_failed(why, ERR_INTERNAL, &err);
		if (res == 1)
			return op_refuse(why, ERR_VENUE_NOT_FOUND, "venue_siret",
			    "no venue with SIRET %s", a->siret);
		a->out->venue_id = venue.id;
		(void)snprintf(a->out->venue_name, sizeof(a->out->venue_name),
		    "%s", venue.name);
	}
	if (store_user_add(tx, in->login, in->name, in->role, in->agency_id,
	    a->out->venue_id, a->hash, a->cx->now, op_actor(a->cx),
	    &a->out->id, &err) == 0) {
		if (a->temporary && store_user_set_must_change(tx, a->out->id,
		    true, &err) != 0)
			return op_failed(why, ERR_INTERNAL, &err);
		return ERR_NONE;
	}
	if (err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_ALREADY_RECORDED, "login", "%s",
		    err.message);
	/* The venue was found above: what the schema refuses is the agency. */
	if (err.code == PN_E_ARG && in->agency_id > 0)
		return op_refuse(why, ERR_INVALID_FIELD, "agency_id", "%s",
		    err.message);
	return op_failed(why, ERR_INTERNAL, &err);
}

/* user_add(), the password to be changed at the first login or not. */
static enum err_code
add(const struct op_ctx *cx, const struct user_add_in *in, bool temporary,
    struct user_add_out *out, struct op_refusal *why)
{
	char hash[crypto_pwhash_STRBYTES];
	struct add a = { cx, in, "", hash, temporary, out };
	enum err_code code;

	memset(out, 0, sizeof(*out));
	if ((code = user_add_check(in, why)) != ERR_NONE ||
	    (code = account_password_check(in->password, why)) != ERR_NONE)
		return code;
	if (in->venue_siret != NULL)
		(void)pn_siret_parse(in->venue_siret, a.siret);
	if ((code = password_hash(in->password, hash, why)) != ERR_NONE)
		return code;
	code = op_run(cx, add_step, &a, ERR_INTERNAL, why);
	sodium_memzero(hash, sizeof(hash));
	return code;
}

enum err_code
user_add(const struct op_ctx *cx, const struct user_add_in *in,
    struct user_add_out *out, struct op_refusal *why)
{
	return add(cx, in, false, out, why);
}

/* A one-time password into pw: uniform over the alphabet (no modulo bias). */
static void
temp_password(char pw[ACCOUNT_TEMP_PASSWORD_LEN + 1])
{
	static const char alphabet[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t i;

	for (i = 0; i < ACCOUNT_TEMP_PASSWORD_LEN; i++)
		pw[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	pw[ACCOUNT_TEMP_PASSWORD_LEN] = '\0';
}

enum err_code
user_add_temporary(const struct op_ctx *cx, const struct user_add_in *in,
    struct user_add_out *out, char password[ACCOUNT_TEMP_PASSWORD_LEN + 1],
    struct op_refusal *why)
{
	struct user_add_in copy = *in;
	enum err_code code;

	temp_password(password);
	copy.password = password;
	if ((code = add(cx, &copy, true, out, why)) != ERR_NONE)
		sodium_memzero(password, ACCOUNT_TEMP_PASSWORD_LEN + 1);
	return code;
}

/* A change of login's account: disable, enable, or a new password hash. */
struct change {
	const struct op_ctx *cx;
	const char *login;
	bool password;		/* set hash, else set disabled */
	bool disabled;
	const char *hash;
	bool temporary;		/* the new password is one-time */
	struct account_change_out *out;
};

/*
 * Whether disabling the account of creds may go on: never one's own (a
 * slip of the mouse would lock the admin out), never the last enabled
 * admin (nobody could run the administration any more).
 */
static enum err_code
disable_allowed(struct store *tx, const struct op_ctx *cx,
    const struct store_credentials *creds, struct op_refusal *why)
{
	struct pn_error err;
	unsigned admins;

	if (cx->who != NULL && cx->who->user_id == creds->who.user_id)
		return op_refuse(why, ERR_SELF_DISABLE, "login", "user '%s' "
		    "acts: an admin cannot disable themself", creds->who.login);
	if (creds->who.role != ROLE_ADMIN || creds->disabled)
		return ERR_NONE;
	if (store_admins_enabled(tx, &admins, &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (admins <= 1)
		return op_refuse(why, ERR_LAST_ADMIN, "login", "user '%s' is "
		    "the last enabled admin", creds->who.login);
	return ERR_NONE;
}

static enum err_code
change_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct change *c = arg;
	const struct op_ctx *cx = c->cx;
	struct store_credentials creds;
	struct pn_error err;
	enum err_code code;
	int res;

	if ((res = store_user_credentials(tx, c->login, &creds, &err)) < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	sodium_memzero(creds.password_hash, sizeof(creds.password_hash));
	if (res == 1)
		return op_refuse(why, ERR_USER_NOT_FOUND, "login", "no user "
		    "'%s'", c->login);
	if (!c->password && c->disabled &&
	    (code = disable_allowed(tx, cx, &creds, why)) != ERR_NONE)
		return code;
	if (c->password) {
		res = store_user_set_password(tx, c->login, c->hash, cx->now,
		    op_actor(cx), &c->out->sessions, &c->out->tokens, &err);
		if (res == 0 && store_user_set_must_change(tx,
		    creds.who.user_id, c->temporary, &err) < 0)
			return op_failed(why, ERR_INTERNAL, &err);
	} else
		res = store_user_set_disabled(tx, c->login, c->disabled,
		    cx->now, op_actor(cx), &c->out->sessions, &c->out->tokens,
		    &err);
	if (res < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (res == 1)
		return op_refuse(why, ERR_USER_NOT_FOUND, "login", "no user "
		    "'%s'", c->login);
	c->out->changed = res == 0;
	return ERR_NONE;
}

enum err_code
user_set_disabled(const struct op_ctx *cx, const char *login, bool disabled,
    struct account_change_out *out, struct op_refusal *why)
{
	struct change c = { cx, login, false, disabled, NULL, false, out };

	memset(out, 0, sizeof(*out));
	if (login == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "login", "login: "
		    "required");
	return op_run(cx, change_step, &c, ERR_INTERNAL, why);
}

/* user_set_password(), the password one-time (temporary) or not. */
static enum err_code
set_password(const struct op_ctx *cx, const char *login, const char *password,
    bool temporary, struct account_change_out *out, struct op_refusal *why)
{
	char hash[crypto_pwhash_STRBYTES];
	struct change c = { cx, login, true, false, hash, temporary, out };
	enum err_code code;

	memset(out, 0, sizeof(*out));
	if (login == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "login", "login: "
		    "required");
	if ((code = account_password_check(password, why)) != ERR_NONE ||
	    (code = password_hash(password, hash, why)) != ERR_NONE)
		return code;
	code = op_run(cx, change_step, &c, ERR_INTERNAL, why);
	sodium_memzero(hash, sizeof(hash));
	return code;
}

enum err_code
user_set_password(const struct op_ctx *cx, const char *login,
    const char *password, struct account_change_out *out,
    struct op_refusal *why)
{
	return set_password(cx, login, password, false, out, why);
}

enum err_code
user_password_reset(const struct op_ctx *cx, const char *login,
    char password[ACCOUNT_TEMP_PASSWORD_LEN + 1],
    struct account_change_out *out, struct op_refusal *why)
{
	enum err_code code;

	temp_password(password);
	if ((code = set_password(cx, login, password, true, out, why)) !=
	    ERR_NONE)
		sodium_memzero(password, ACCOUNT_TEMP_PASSWORD_LEN + 1);
	return code;
}

enum err_code
account_password_change(const struct op_ctx *cx, const char *password,
    struct account_change_out *out, struct op_refusal *why)
{
	if (cx->who == NULL) {
		memset(out, 0, sizeof(*out));
		return op_refuse(why, ERR_FORBIDDEN, NULL, "no user acts");
	}
	return set_password(cx, cx->who->login, password, false, out, why);
}

/* Sessions ended or tokens revoked, of user id. */
struct sweep {
	const struct op_ctx *cx;
	int64_t id;
	int64_t session_id;	/* sessions: only this one; 0: all */
	bool tokens;		/* revoke the tokens, else end sessions */
	unsigned n;
};

static enum err_code
sweep_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct sweep *w = arg;
	const struct op_ctx *cx = w->cx;
	struct store_user u;
	struct pn_error err;
	int res;

	if ((res = store_user_get(tx, w->id, &u, &err)) < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (res == 1)
		return op_refuse(why, ERR_USER_NOT_FOUND, "id", "no user %lld",
		    (long long)w->id);
	if (w->tokens)
		res = store_user_tokens_revoke(tx, w->id, cx->now, op_actor(cx),
		    &w->n, &err);
	else
		res = store_user_sessions_end(tx, w->id, w->session_id, cx->now,
		    op_actor(cx), w->session_id != 0 ? "session.end" :
		    "user.sessions_end", &w->n, &err);
	if (res != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (w->session_id != 0 && w->n == 0)
		return op_refuse(why, ERR_SESSION_NOT_FOUND, "session", "no "
		    "session %lld of user %lld", (long long)w->session_id,
		    (long long)w->id);
	return ERR_NONE;
}

enum err_code
user_sessions_end(const struct op_ctx *cx, int64_t id, unsigned *ended,
    struct op_refusal *why)
{
	struct sweep w = { cx, id, 0, false, 0 };
	enum err_code code;

	*ended = 0;
	if ((code = op_run(cx, sweep_step, &w, ERR_INTERNAL, why)) == ERR_NONE)
		*ended = w.n;
	return code;
}

enum err_code
account_session_end(const struct op_ctx *cx, int64_t session_id,
    struct op_refusal *why)
{
	struct sweep w = { cx, 0, session_id, false, 0 };

	if (cx->who == NULL)
		return op_refuse(why, ERR_FORBIDDEN, NULL, "no user acts");
	if (session_id <= 0)
		return op_refuse(why, ERR_SESSION_NOT_FOUND, "session", "no "
		    "session %lld", (long long)session_id);
	/* The acting user's own: another's session id finds nothing. */
	w.id = cx->who->user_id;
	return op_run(cx, sweep_step, &w, ERR_INTERNAL, why);
}

enum err_code
user_tokens_revoke(const struct op_ctx *cx, int64_t id, unsigned *revoked,
    struct op_refusal *why)
{
	struct sweep w = { cx, id, 0, true, 0 };
	enum err_code code;

	*revoked = 0;
	if ((code = op_run(cx, sweep_step, &w, ERR_INTERNAL, why)) == ERR_NONE)
		*revoked = w.n;
	return code;
}

enum err_code
token_add_check(const struct token_add_in *in, struct op_refusal *why)
{
	enum err_code code;

	if ((code = field_text_check("login", in->login, ACCOUNT_LOGIN_MAX,
	    why)) != ERR_NONE ||
	    (code = field_text_check("label", in->label,
	    ACCOUNT_TOKEN_LABEL_MAX, why)) != ERR_NONE)
		return code;
	/* A token lives a set time: one stolen does not work for ever. */
	if (in->days == 0 || in->days > ACCOUNT_TOKEN_DAYS_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "days", "days: a "
		    "number of days from 1 to %d", ACCOUNT_TOKEN_DAYS_MAX);
	return ERR_NONE;
}

struct token {
	const struct op_ctx *cx;
	const struct token_add_in *in;
	uint8_t hash[STORE_HASH_SIZE];
	struct token_add_out *out;
};

static enum err_code
token_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct token *t = arg;
	struct pn_error err;

	if (store_token_add(tx, t->in->login, t->hash, t->in->label,
	    t->cx->now, t->out->expires_at, op_actor(t->cx), &t->out->id,
	    &err) == 0)
		return ERR_NONE;
	/* The token's row is made from the user's: none, no row. */
	if (err.code == PN_E_ARG)
		return op_refuse(why, ERR_USER_NOT_FOUND, "login", "%s",
		    err.message);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
token_add(const struct op_ctx *cx, const struct token_add_in *in,
    struct token_add_out *out, struct op_refusal *why)
{
	struct token t = { cx, in, { 0 }, out };
	enum err_code code;

	memset(out, 0, sizeof(*out));
	if ((code = token_add_check(in, why)) != ERR_NONE)
		return code;
	if (auth_token_new(out->token, t.hash) != 0)
		return op_refuse(why, ERR_INTERNAL, NULL, "cannot make a token");
	out->expires_at = cx->now + (int64_t)in->days * 86400;
	code = op_run(cx, token_step, &t, ERR_INTERNAL, why);
	if (code != ERR_NONE)
		sodium_memzero(out->token, sizeof(out->token));
	return code;
}

struct revoke {
	const struct op_ctx *cx;
	int64_t id;
	bool revoked;
};

static enum err_code
revoke_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct revoke *r = arg;
	struct pn_error err;
	int res;

	res = store_token_revoke(tx, r->id, r->cx->now, op_actor(r->cx), &err);
	if (res < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (res == 1)
		return op_refuse(why, ERR_TOKEN_NOT_FOUND, "id", "no token %lld",
		    (long long)r->id);
	r->revoked = res == 0;
	return ERR_NONE;
}

enum err_code
token_revoke(const struct op_ctx *cx, int64_t id, bool *revoked,
    struct op_refusal *why)
{
	struct revoke r = { cx, id, false };
	enum err_code code;

	*revoked = false;
	if (id <= 0)
		return op_refuse(why, ERR_TOKEN_NOT_FOUND, "id", "no token %lld",
		    (long long)id);
	if ((code = op_run(cx, revoke_step, &r, ERR_INTERNAL, why)) ==
	    ERR_NONE)
		*revoked = r.revoked;
	return code;
}
