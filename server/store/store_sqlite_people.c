/* store_sqlite_people.c -- agencies, programmes, users, API tokens and signing keys on SQLite. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "passnum/cert.h"
#include "store_sqlite.h"

static const char *const role_names[] = {
	"caseworker", "venue", "accountant", "admin", "funder",
};
#define N_ROLES (sizeof(role_names) / sizeof(role_names[0]))

unsigned
store_role_parse(const char *name)
{
	unsigned i;

	for (i = 0; i < N_ROLES; i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *
store_role_name(unsigned role)
{
	unsigned i;

	for (i = 0; i < N_ROLES; i++)
		if (role == 1u << i)
			return role_names[i];
	return "unknown";
}

/* Declared in store_sqlite.h, for the other "add" functions too. */
int
sq_insert_audited(struct store *s, sqlite3_stmt *st, const char *what,
    int64_t now, const char *actor, const char *action, const char *object,
    int64_t *id, struct pn_error *err)
{
	char obj[128];
	int rc;

	if (sq_begin(s, err) != 0) {
		sq_done(st);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			pn_error_set(err, PN_E_EXISTS, "%s already exists",
			    what);
		else if ((rc & 0xff) == SQLITE_CONSTRAINT)
			pn_error_set(err, PN_E_ARG, "%s: %s", what,
			    sqlite3_errmsg(s->db));
		else
			sq_error(s, rc, what, err);
		sq_done(st);
		sq_rollback(s);
		return -1;
	}
	sq_done(st);
	if (sqlite3_changes(s->db) == 0) {
		/* An INSERT ... SELECT whose SELECT found nothing. */
		pn_error_set(err, PN_E_ARG, "%s: what it refers to does not "
		    "exist", what);
		sq_rollback(s);
		return -1;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	(void)snprintf(obj, sizeof(obj), "%s:%lld", object,
	    (long long)sqlite3_last_insert_rowid(s->db));
	if (store_audit_append(s, now, actor, action, obj, what, err) != 0 ||
	    sq_setup_noted(s, action, obj, err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_agency_insert,
    "INSERT INTO agency (name, kind, commune) VALUES (?1, ?2, ?3)");

int
store_agency_add(struct store *s, const char *name, const char *kind,
    const char *commune, int64_t now, const char *actor, int64_t *id,
    struct pn_error *err)
{
	char what[200];
	sqlite3_stmt *agency_insert = sq_stmt(s, &q_agency_insert);

	sqlite3_bind_text(agency_insert, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(agency_insert, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(agency_insert, 3, commune, -1, SQLITE_STATIC);
	(void)snprintf(what, sizeof(what), "agency '%s'", name);
	return sq_insert_audited(s, agency_insert, what, now, actor,
	    "agency.add", "agency", id, err);
}

SQ_QUERY(q_programme_insert,
    "INSERT INTO programme (name, face_value, per_booklet, validity,"
    " territory, budget, max_booklets, created_at, instructions, venues)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");

int
store_programme_add(struct store *s, const struct store_programme *p,
    int64_t now, const char *actor, int64_t *id, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_programme_insert);
	char what[200];

	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->face_value);
	sqlite3_bind_int64(st, 3, p->per_booklet);
	sqlite3_bind_text(st, 4, p->validity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->territory, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, p->budget);
	sqlite3_bind_int64(st, 7, p->max_booklets);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_text(st, 9, p->instructions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, p->venues, -1, SQLITE_STATIC);
	(void)snprintf(what, sizeof(what), "programme '%s'", p->name);
	return sq_insert_audited(s, st, what, now, actor, "programme.add",
	    "programme", id, err);
}

/* Fill p from a row of q_programme_get or q_programme_all. */
static void
programme_row(sqlite3_stmt *st, struct store_programme *p)
{
	p->id = sqlite3_column_int64(st, 0);
	sq_copy_text(p->name, sizeof(p->name), st, 1);
	p->face_value = sqlite3_column_int64(st, 2);
	p->per_booklet = (unsigned)sqlite3_column_int64(st, 3);
	sq_copy_text(p->validity, sizeof(p->validity), st, 4);
	sq_copy_text(p->territory, sizeof(p->territory), st, 5);
	p->budget = sqlite3_column_int64(st, 6);
	p->committed = sqlite3_column_int64(st, 7);
	p->max_booklets = (unsigned)sqlite3_column_int64(st, 8);
	sq_copy_text(p->instructions, sizeof(p->instructions), st, 9);
	sq_copy_text(p->venues, sizeof(p->venues), st, 10);
	p->commission_bp = (unsigned)sqlite3_column_int64(st, 11);
	p->max_per_session = (unsigned)sqlite3_column_int64(st, 13);
	sq_copy_text(p->budget_line, sizeof(p->budget_line), st, 12);
}

SQ_QUERY(q_programme_get,
    "SELECT id, name, face_value, per_booklet, validity, territory,"
    " budget, committed, max_booklets, instructions, venues,"
    " commission_bp, budget_line, max_per_session FROM programme"
    " WHERE id = ?1");

int
store_programme_get(struct store *s, int64_t id, struct store_programme *p,
    struct pn_error *err)
{
	int rc;
	sqlite3_stmt *programme_get = sq_stmt(s, &q_programme_get);

	sqlite3_bind_int64(programme_get, 1, id);
	rc = sqlite3_step(programme_get);
	if (rc == SQLITE_ROW)
		programme_row(programme_get, p);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a programme", err);
	sq_done(programme_get);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Declared in store_sqlite.h. */
int
sq_each_row(struct store *s, sqlite3_stmt *st, const char *what,
    int (*row)(sqlite3_stmt *st, void *arg, struct pn_error *err), void *arg,
    struct pn_error *err)
{
	int rc, stop = 0;

	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = row(st, arg, err);
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sq_error(s, rc, what, err);
	sq_done(st);
	return stop < 0 ? -1 : 0;
}

/* The caller's function and context of a store_*_each(). */
struct visit {
	union {
		int (*programme)(void *ctx, const struct store_programme *p);
		int (*user)(void *ctx, const struct store_user *u);
		int (*cert)(void *ctx, const struct pn_cert *c);
	} fn;
	void *ctx;
};

static int
programme_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	struct store_programme p;

	(void)err;
	programme_row(st, &p);
	return v->fn.programme(v->ctx, &p) != 0;
}

SQ_QUERY(q_programme_all,
    "SELECT id, name, face_value, per_booklet, validity, territory,"
    " budget, committed, max_booklets, instructions, venues,"
    " commission_bp, budget_line, max_per_session FROM programme"
    " ORDER BY id");

int
store_programme_each(struct store *s,
    int (*fn)(void *ctx, const struct store_programme *p), void *ctx,
    struct pn_error *err)
{
	struct visit v = { .fn.programme = fn, .ctx = ctx };

	return sq_each_row(s, sq_stmt(s, &q_programme_all),
	    "listing programmes", programme_visit, &v, err);
}

/* A venue_id that names no venue fails the foreign key. */
SQ_QUERY(q_user_insert,
    "INSERT INTO user (login, display_name, role, agency_id,"
    " password_hash, created_at, venue_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

int
store_user_add(struct store *s, const char *login, const char *display_name,
    unsigned role, int64_t agency_id, int64_t venue_id,
    const char *password_hash, int64_t now, const char *actor, int64_t *id,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_insert);
	char what[200];

	/*
	 * The venue pages show a venue user their venue's money, and nothing
	 * else: a venue account without its venue, or another role with one,
	 * would be a mistake that widens or blurs what an account sees.
	 */
	if ((role == ROLE_VENUE) != (venue_id > 0))
		return pn_error_set(err, PN_E_ARG, "user '%s': a venue user, "
		    "and only a venue user, belongs to a venue", login);
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, store_role_name(role), -1, SQLITE_STATIC);
	if (agency_id > 0)
		sqlite3_bind_int64(st, 4, agency_id);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	if (venue_id > 0)
		sqlite3_bind_int64(st, 7, venue_id);
	else
		sqlite3_bind_null(st, 7);
	(void)snprintf(what, sizeof(what), "user '%s'", login);
	return sq_insert_audited(s, st, what, now, actor, "user.add", "user", id,
	    err);
}

/* Fill u from a row of q_user_all. */
static void
user_row(sqlite3_stmt *st, struct store_user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	sq_copy_text(u->login, sizeof(u->login), st, 1);
	sq_copy_text(u->display_name, sizeof(u->display_name), st, 2);
	u->role = store_role_parse((const char *)sqlite3_column_text(st, 3));
	u->agency_id = sqlite3_column_int64(st, 4);
	sq_copy_text(u->agency_name, sizeof(u->agency_name), st, 5);
	u->disabled = sqlite3_column_int64(st, 6) != 0;
	u->venue_id = sqlite3_column_int64(st, 7);
	sq_copy_text(u->venue_siret, sizeof(u->venue_siret), st, 8);
	sq_copy_text(u->venue_name, sizeof(u->venue_name), st, 9);
	u->must_change = sqlite3_column_int64(st, 10) != 0;
	u->last_login_at = sqlite3_column_int64(st, 11);
}

static int
user_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	struct store_user u;

	(void)err;
	user_row(st, &u);
	return v->fn.user(v->ctx, &u) != 0;
}

SQ_QUERY(q_user_all,
    "SELECT u.id, u.login, u.display_name, u.role,"
    " coalesce(u.agency_id, 0), coalesce(a.name, ''), u.disabled,"
    " coalesce(u.venue_id, 0), coalesce(v.siret, ''),"
    " coalesce(v.name, ''), u.must_change_password,"
    " coalesce(u.last_login_at, 0)"
    " FROM user u LEFT JOIN agency a ON a.id = u.agency_id"
    " LEFT JOIN venue v ON v.id = u.venue_id"
    " ORDER BY u.login");

SQ_QUERY(q_user_get,
    "SELECT u.id, u.login, u.display_name, u.role,"
    " coalesce(u.agency_id, 0), coalesce(a.name, ''), u.disabled,"
    " coalesce(u.venue_id, 0), coalesce(v.siret, ''),"
    " coalesce(v.name, ''), u.must_change_password,"
    " coalesce(u.last_login_at, 0)"
    " FROM user u LEFT JOIN agency a ON a.id = u.agency_id"
    " LEFT JOIN venue v ON v.id = u.venue_id WHERE u.id = ?1");

int
store_user_get(struct store *s, int64_t id, struct store_user *out,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_get);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		user_row(st, out);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a user", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

SQ_QUERY(q_user_must_change,
    "UPDATE user SET must_change_password = ?2 WHERE id = ?1");

int
store_user_set_must_change(struct store *s, int64_t id, bool must_change,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_must_change);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, must_change ? 1 : 0);
	if (sq_step_done(s, st, "marking a password", err) != 0)
		goto fail;
	if (sqlite3_changes(s->db) == 0) {
		sq_rollback(s);
		return 1;
	}
	if (sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

SQ_QUERY(q_admins_enabled,
    "SELECT count(*) FROM user WHERE role = 'admin' AND disabled = 0");

int
store_admins_enabled(struct store *s, unsigned *n, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_admins_enabled);
	int rc;

	*n = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (unsigned)sqlite3_column_int64(st, 0);
	else
		sq_error(s, rc, "counting admins", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_user_each(struct store *s,
    int (*fn)(void *ctx, const struct store_user *u), void *ctx,
    struct pn_error *err)
{
	struct visit v = { .fn.user = fn, .ctx = ctx };

	return sq_each_row(s, sq_stmt(s, &q_user_all), "listing users",
	    user_visit, &v, err);
}

SQ_QUERY(q_user_find, "SELECT id, disabled FROM user WHERE login = ?1");

SQ_QUERY(q_session_end_user, "DELETE FROM web_session WHERE user_id = ?1");

SQ_QUERY(q_tokens_revoke_user,
    "UPDATE api_token SET revoked = 1, revoked_at = ?2"
    " WHERE user_id = ?1 AND revoked = 0");

/*
 * One change to login's account, in one transaction: find the user, apply
 * update (its ?2 bound by the caller; ?1 is the user's id, bound here)
 * unless the account's disabled flag already equals unless_disabled (-1:
 * always apply), delete the user's browser sessions, append the audit row
 * action. Returns 0, 1 when there is no such user, 2 when nothing was to
 * be done, -1 with err.
 */
static int
user_change(struct store *s, const char *login, sqlite3_stmt *update,
    int unless_disabled, bool revoke_tokens, const char *action, int64_t now,
    const char *actor, unsigned *sessions, unsigned *tokens,
    struct pn_error *err)
{
	char object[64], detail[256];
	int64_t id = 0;
	int rc, disabled = 0, ended, revoked = 0;
	sqlite3_stmt *tokens_revoke_user = sq_stmt(s, &q_tokens_revoke_user);
	sqlite3_stmt *user_find = sq_stmt(s, &q_user_find);
	sqlite3_stmt *session_end_user = sq_stmt(s, &q_session_end_user);

	if (sessions != NULL)
		*sessions = 0;
	if (tokens != NULL)
		*tokens = 0;
	if (sq_begin(s, err) != 0) {
		sq_done(update);
		return -1;
	}
	sqlite3_bind_text(user_find, 1, login, -1, SQLITE_STATIC);
	rc = sqlite3_step(user_find);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(user_find, 0);
		disabled = sqlite3_column_int64(user_find, 1) != 0;
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding a user", err);
	sq_done(user_find);
	if (rc != SQLITE_ROW || disabled == unless_disabled) {
		sq_done(update);
		sq_rollback(s);
		return rc == SQLITE_ROW ? 2 : rc == SQLITE_DONE ? 1 : -1;
	}
	sqlite3_bind_int64(update, 1, id);
	if (sq_step_done(s, update, "updating a user", err) != 0)
		goto fail;
	/* Whoever holds a session of the old state loses it now. */
	sqlite3_bind_int64(session_end_user, 1, id);
	if (sq_step_done(s, session_end_user, "ending the user's sessions",
	    err) != 0)
		goto fail;
	ended = sqlite3_changes(s->db);
	/* And whoever holds a token made under the old password. */
	if (revoke_tokens) {
		sqlite3_bind_int64(tokens_revoke_user, 1, id);
		sqlite3_bind_int64(tokens_revoke_user, 2, now);
		if (sq_step_done(s, tokens_revoke_user, "revoking the "
		    "user's tokens", err) != 0)
			goto fail;
		revoked = sqlite3_changes(s->db);
	}
	(void)snprintf(object, sizeof(object), "user:%lld", (long long)id);
	/* A very long login is cut in the detail; the object names the row. */
	(void)snprintf(detail, sizeof(detail), "user '%s', %d browser "
	    "session(s) ended, %d API token(s) revoked", login, ended, revoked);
	if (store_audit_append(s, now, actor, action, object, detail, err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	if (sessions != NULL)
		*sessions = (unsigned)ended;
	if (tokens != NULL)
		*tokens = (unsigned)revoked;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

SQ_QUERY(q_user_set_disabled, "UPDATE user SET disabled = ?2 WHERE id = ?1");

int
store_user_set_disabled(struct store *s, const char *login, bool disabled,
    int64_t now, const char *actor, unsigned *sessions, unsigned *tokens,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_set_disabled);

	sqlite3_bind_int64(st, 2, disabled ? 1 : 0);
	return user_change(s, login, st, disabled ? 1 : 0,
	    disabled, disabled ? "user.disable" : "user.enable", now, actor,
	    sessions, tokens, err);
}

SQ_QUERY(q_user_set_password,
    "UPDATE user SET password_hash = ?2 WHERE id = ?1");

int
store_user_set_password(struct store *s, const char *login,
    const char *password_hash, int64_t now, const char *actor,
    unsigned *sessions, unsigned *tokens, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_set_password);

	sqlite3_bind_text(st, 2, password_hash, -1, SQLITE_STATIC);
	/* -1: the flag never equals it, so there is always a change. */
	return user_change(s, login, st, -1, true,
	    "user.passwd", now, actor, sessions, tokens, err);
}

SQ_QUERY(q_token_insert,
    "INSERT INTO api_token (user_id, token_hash, label, created_at,"
    " expires_at) SELECT id, ?1, ?2, ?3, ?5 FROM user WHERE login = ?4");

int
store_token_add(struct store *s, const char *login,
    const uint8_t hash[STORE_HASH_SIZE], const char *label, int64_t now,
    int64_t expires_at, const char *actor, int64_t *id, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_token_insert);
	char what[200];

	sqlite3_bind_blob(st, 1, hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, login, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, expires_at);
	(void)snprintf(what, sizeof(what), "token '%s' of user '%s'", label,
	    login);
	return sq_insert_audited(s, st, what, now, actor, "token.create", "token",
	    id, err);
}

SQ_QUERY(q_token_lookup,
    "SELECT u.id, u.role, coalesce(u.agency_id, 0),"
    " coalesce(u.venue_id, 0), u.login, u.display_name"
    " FROM api_token t JOIN user u ON u.id = t.user_id"
    " WHERE t.token_hash = ?1 AND t.revoked = 0 AND u.disabled = 0"
    " AND (t.expires_at IS NULL OR t.expires_at > ?2)");

int
store_token_lookup(struct store *s, const uint8_t hash[STORE_HASH_SIZE],
    int64_t now, struct store_principal *who, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_token_lookup);
	int rc;

	sqlite3_bind_blob(st, 1, hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sq_principal_row(st, 0, who);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "checking a token", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

SQ_QUERY(q_token_exists,
    "SELECT t.id, u.login, t.label FROM api_token t"
    " JOIN user u ON u.id = t.user_id WHERE t.id = ?1");

SQ_QUERY(q_token_revoke,
    "UPDATE api_token SET revoked = 1, revoked_at = ?2"
    " WHERE id = ?1 AND revoked = 0");

int
store_token_revoke(struct store *s, int64_t id, int64_t now,
    const char *actor, struct pn_error *err)
{
	char object[32], detail[256], login[64], label[128];
	int rc;
	sqlite3_stmt *token_revoke = sq_stmt(s, &q_token_revoke);
	sqlite3_stmt *token_exists = sq_stmt(s, &q_token_exists);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(token_exists, 1, id);
	rc = sqlite3_step(token_exists);
	if (rc == SQLITE_ROW) {
		sq_copy_text(login, sizeof(login), token_exists, 1);
		sq_copy_text(label, sizeof(label), token_exists, 2);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding a token", err);
	sq_done(token_exists);
	if (rc != SQLITE_ROW) {
		sq_rollback(s);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	sqlite3_bind_int64(token_revoke, 1, id);
	sqlite3_bind_int64(token_revoke, 2, now);
	if (sq_step_done(s, token_revoke, "revoking a token", err) != 0)
		goto fail;
	if (sqlite3_changes(s->db) == 0) {
		sq_rollback(s);
		return 2;
	}
	(void)snprintf(object, sizeof(object), "token:%lld", (long long)id);
	(void)snprintf(detail, sizeof(detail), "token '%s' of user '%s'",
	    label, login);
	if (store_audit_append(s, now, actor, "token.revoke", object, detail,
	    err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

SQ_QUERY(q_user_tokens_revoke,
    "UPDATE api_token SET revoked = 1, revoked_at = ?2"
    " WHERE user_id = ?1 AND revoked = 0");

int
store_user_tokens_revoke(struct store *s, int64_t user_id, int64_t now,
    const char *actor, unsigned *revoked, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_tokens_revoke);
	char object[32], detail[64];
	int n;

	*revoked = 0;
	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	if (sq_step_done(s, st, "revoking a user's tokens", err) != 0)
		goto fail;
	if ((n = sqlite3_changes(s->db)) == 0) {
		sq_rollback(s);		/* nothing to record */
		return 0;
	}
	(void)snprintf(object, sizeof(object), "user:%lld",
	    (long long)user_id);
	(void)snprintf(detail, sizeof(detail), "%d API token(s) revoked", n);
	if (store_audit_append(s, now, actor, "user.tokens_revoke", object,
	    detail, err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	*revoked = (unsigned)n;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

SQ_QUERY(q_token_all,
    "SELECT t.id, u.login, t.label, t.created_at,"
    " coalesce(t.expires_at, 0), t.revoked, coalesce(t.revoked_at, 0)"
    " FROM api_token t JOIN user u ON u.id = t.user_id"
    " WHERE ?1 IS NULL OR u.login = ?1 ORDER BY t.id");

int
store_token_each(struct store *s, const char *login,
    int (*fn)(void *ctx, const struct store_token *t), void *ctx,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_token_all);
	struct store_token t;
	int rc;

	if (login != NULL)
		sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&t, 0, sizeof(t));
		t.id = sqlite3_column_int64(st, 0);
		sq_copy_text(t.login, sizeof(t.login), st, 1);
		sq_copy_text(t.label, sizeof(t.label), st, 2);
		t.created_at = sqlite3_column_int64(st, 3);
		t.expires_at = sqlite3_column_int64(st, 4);
		t.revoked = sqlite3_column_int64(st, 5) != 0;
		t.revoked_at = sqlite3_column_int64(st, 6);
		if (fn(ctx, &t) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing tokens", err);
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

SQ_QUERY(q_key_insert,
    "INSERT INTO signing_key (kid, public_key, valid_from, sign_until,"
    " verify_until, cert, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

int
store_signing_key_add(struct store *s, const struct pn_cert *cert,
    int64_t now, const char *actor, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_key_insert);
	uint8_t enc[PN_CERT_MAX_SIZE];
	size_t n = pn_cert_encode(cert, enc, sizeof(enc));
	char what[64];

	if (n == 0)
		return pn_error_set(err, PN_E_ARG, "certificate too large");
	sqlite3_bind_int64(st, 1, cert->kid);
	sqlite3_bind_blob(st, 2, cert->pk, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, cert->valid_from);
	sqlite3_bind_int64(st, 4, cert->sign_until);
	sqlite3_bind_int64(st, 5, cert->verify_until);
	sqlite3_bind_blob(st, 6, enc, (int)n, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	(void)snprintf(what, sizeof(what), "signing key %u", cert->kid);
	return sq_insert_audited(s, st, what, now, actor, "key.add", "key", NULL,
	    err);
}

SQ_QUERY(q_key_get, "SELECT public_key FROM signing_key WHERE kid = ?1");

int
store_signing_key_register(struct store *s, const struct pn_cert *cert,
    int64_t now, const char *actor, bool *added, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_key_get);
	bool same = false;
	int rc;

	*added = false;
	sqlite3_bind_int64(st, 1, cert->kid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		same = sqlite3_column_bytes(st, 0) == 32 &&
		    memcmp(sqlite3_column_blob(st, 0), cert->pk, 32) == 0;
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a signing key", err);
	sq_done(st);
	if (rc == SQLITE_ROW && !same)
		return pn_error_set(err, PN_E_EXISTS, "%s: signing key %u is "
		    "recorded with another public key: two keys with one kid "
		    "would make vouchers ambiguous", s->path, cert->kid);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? 0 : -1;
	if (store_signing_key_add(s, cert, now, actor, err) != 0)
		return -1;
	*added = true;
	return 0;
}

static int
cert_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	size_t len = (size_t)sqlite3_column_bytes(st, 1), used;
	struct pn_cert c;

	if (pn_cert_decode(sqlite3_column_blob(st, 1), len, &used, &c,
	    err) != 0 || used != len || c.kid != sqlite3_column_int64(st, 0))
		return pn_error_set(err, PN_E_FORMAT, "the certificate recorded "
		    "for signing key %lld does not decode",
		    (long long)sqlite3_column_int64(st, 0));
	return v->fn.cert(v->ctx, &c) != 0;
}

SQ_QUERY(q_key_all, "SELECT kid, cert FROM signing_key ORDER BY kid");

int
store_signing_key_each(struct store *s,
    int (*fn)(void *ctx, const struct pn_cert *c), void *ctx,
    struct pn_error *err)
{
	struct visit v = { .fn.cert = fn, .ctx = ctx };

	return sq_each_row(s, sq_stmt(s, &q_key_all), "listing signing keys",
	    cert_visit, &v, err);
}
