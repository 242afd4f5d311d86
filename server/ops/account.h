/* account.h -- the operations on people's accounts and their API tokens (op.h).
 *
 * A password is hashed here (Argon2id), so that no adapter ever hands the
 * store a password, and every adapter applies the same rule to it.
 * Disabling an account or changing its password ends its browser
 * sessions and revokes its API tokens in the same transaction: a stolen
 * session or token dies with the old state (enabling the account again
 * brings no token back). A token is shown once, when made, and kept only
 * as its hash.
 */
#ifndef PN_ACCOUNT_H
#define PN_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth_token.h"
#include "op.h"

/* A password: at least this many characters (not bytes)... */
#define ACCOUNT_PASSWORD_MIN	12
/* ...and at most this many bytes. */
#define ACCOUNT_PASSWORD_MAX	127

#define ACCOUNT_LOGIN_MAX	63	/* bytes, as store_principal holds it */
#define ACCOUNT_NAME_MAX	127
#define ACCOUNT_TOKEN_LABEL_MAX	127
#define ACCOUNT_TOKEN_DAYS_MAX	3650

/*
 * ERR_NONE when password follows the rule above; else ERR_INVALID_FIELD
 * (password). Touches nothing, and never repeats the password.
 */
enum err_code account_password_check(const char *password,
    struct op_refusal *why);

/* A new account. */
struct user_add_in {
	const char *login;
	const char *name;		/* shown on the pages */
	unsigned role;			/* one enum store_role */
	int64_t agency_id;		/* a caseworker's, required; 0: none */
	const char *venue_siret;	/* a venue user's, required, and only
					   theirs; spaces allowed; NULL: none */
	const char *password;		/* in clear; hashed here */
};

struct user_add_out {
	int64_t id;
	int64_t venue_id;		/* 0: none */
	char venue_name[256];		/* "" when none */
};

/*
 * Check in but its password, as user_add() does: ERR_NONE, or
 * ERR_INVALID_FIELD naming the field (login, name, role, agency_id,
 * venue_siret). Touches nothing.
 */
enum err_code user_add_check(const struct user_add_in *in,
    struct op_refusal *why);

/*
 * Add in's account, with an audit row "user.add". ERR_NONE with *out;
 * ERR_INVALID_FIELD (also an agency_id that names no agency),
 * ERR_VENUE_NOT_FOUND (venue_siret), ERR_ALREADY_RECORDED (login),
 * ERR_INTERNAL (the hashing, the store).
 */
enum err_code user_add(const struct op_ctx *cx, const struct user_add_in *in,
    struct user_add_out *out, struct op_refusal *why);

/* What a change of an account did. */
struct account_change_out {
	bool changed;		/* false: it already was so, nothing written */
	unsigned sessions;	/* browser sessions ended */
	unsigned tokens;	/* API tokens revoked */
};

/*
 * Disable login's account, or enable it again, with an audit row
 * ("user.disable", "user.enable"). ERR_NONE with *out (changed false when
 * it already was so); ERR_SELF_DISABLE (cx->who is that account),
 * ERR_LAST_ADMIN (no other enabled admin would be left: nobody could
 * then run the pages), ERR_USER_NOT_FOUND, ERR_INTERNAL.
 */
enum err_code user_set_disabled(const struct op_ctx *cx, const char *login,
    bool disabled, struct account_change_out *out, struct op_refusal *why);

/*
 * Give login's account the password password (hashed here), with an audit
 * row "user.passwd". ERR_NONE with *out; ERR_INVALID_FIELD (password),
 * ERR_USER_NOT_FOUND, ERR_INTERNAL.
 */
enum err_code user_set_password(const struct op_ctx *cx, const char *login,
    const char *password, struct account_change_out *out,
    struct op_refusal *why);

/*
 * A one-time password the server makes (libsodium's randomness): 16
 * characters of an alphabet without look-alikes (no 0/O, 1/l/I), about
 * 90 bits, shown once to the admin who hands it over; its holder must
 * choose their own at the next login (user.must_change_password).
 */
#define ACCOUNT_TEMP_PASSWORD_LEN	16

/*
 * user_add() with a one-time password made here into password (wipe it
 * after showing it) instead of in->password, which must be NULL; the
 * account must change it at its first login. Errors as user_add().
 */
enum err_code user_add_temporary(const struct op_ctx *cx,
    const struct user_add_in *in, struct user_add_out *out,
    char password[ACCOUNT_TEMP_PASSWORD_LEN + 1], struct op_refusal *why);

/*
 * Give login's account a new one-time password, made here into password,
 * with an audit row "user.passwd", ending its sessions and revoking its
 * tokens (user_set_password()), then marked to be changed at the next
 * login. Errors as user_set_password().
 */
enum err_code user_password_reset(const struct op_ctx *cx, const char *login,
    char password[ACCOUNT_TEMP_PASSWORD_LEN + 1],
    struct account_change_out *out, struct op_refusal *why);

/*
 * The acting user (cx->who) chooses their own password, with an audit
 * row "user.passwd": their sessions end, their tokens are revoked, and a
 * one-time password is one no longer. The adapter has checked the
 * current password (session_password_check(), throttled as a login).
 * ERR_NONE; ERR_INVALID_FIELD (password), ERR_FORBIDDEN (no user acts),
 * ERR_INTERNAL.
 */
enum err_code account_password_change(const struct op_ctx *cx,
    const char *password, struct account_change_out *out,
    struct op_refusal *why);

/*
 * End the browser sessions of user id, with an audit row
 * "user.sessions_end". *ended counts them. ERR_NONE, ERR_USER_NOT_FOUND,
 * ERR_INTERNAL.
 */
enum err_code user_sessions_end(const struct op_ctx *cx, int64_t id,
    unsigned *ended, struct op_refusal *why);

/*
 * End session_id of the acting user (cx->who), and only theirs, with an
 * audit row "session.end". ERR_NONE, ERR_SESSION_NOT_FOUND (none of
 * theirs), ERR_FORBIDDEN (no user acts), ERR_INTERNAL.
 */
enum err_code account_session_end(const struct op_ctx *cx, int64_t session_id,
    struct op_refusal *why);

/*
 * Revoke every live API token of user id, with an audit row
 * "user.tokens_revoke". *revoked counts them. ERR_NONE,
 * ERR_USER_NOT_FOUND, ERR_INTERNAL.
 */
enum err_code user_tokens_revoke(const struct op_ctx *cx, int64_t id,
    unsigned *revoked, struct op_refusal *why);

/* A new API token. */
struct token_add_in {
	const char *login;
	const char *label;		/* what it is for */
	unsigned days;			/* 1 to ACCOUNT_TOKEN_DAYS_MAX */
};

struct token_add_out {
	int64_t id;
	char token[AUTH_TOKEN_TEXT_MAX];	/* shown once; wipe it after */
	int64_t expires_at;			/* cx->now + days */
};

/*
 * Check in only, as token_add() does: ERR_NONE, or ERR_INVALID_FIELD
 * (login, label, days). Touches nothing.
 */
enum err_code token_add_check(const struct token_add_in *in,
    struct op_refusal *why);

/*
 * Make an API token for in's login, with an audit row "token.create".
 * ERR_NONE with *out; ERR_INVALID_FIELD, ERR_USER_NOT_FOUND, ERR_INTERNAL
 * (no randomness, the store).
 */
enum err_code token_add(const struct op_ctx *cx, const struct token_add_in *in,
    struct token_add_out *out, struct op_refusal *why);

/*
 * Revoke API token id, with an audit row "token.revoke". ERR_NONE with
 * *revoked (false: it already was, nothing written); ERR_TOKEN_NOT_FOUND,
 * ERR_INTERNAL.
 */
enum err_code token_revoke(const struct op_ctx *cx, int64_t id, bool *revoked,
    struct op_refusal *why);

#endif
