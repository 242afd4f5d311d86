/* store_sqlite_sessions.c -- logins, failed logins and browser sessions on SQLite.
 *
 * A session is stored under the BLAKE2b hash of its cookie, like API
 * tokens: a copy of the database opens no session. Failed logins are rows
 * counted over a sliding window, per (login, address) and per address;
 * old rows are forgotten as new ones come. An attempt is recorded as a
 * failure before its password is checked (and forgotten when right), in
 * the transaction that counts: parallel attempts cannot overtake the count.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_sqlite.h"

/* Declared in store_sqlite.h: q_token_lookup's row too. */
void
sq_principal_row(sqlite3_stmt *st, int first, struct store_principal *who)
{
	who->user_id = sqlite3_column_int64(st, first);
	who->role = store_role_parse((const char *)sqlite3_column_text(st,
	    first + 1));
	who->agency_id = sqlite3_column_int64(st, first + 2);
	who->venue_id = sqlite3_column_int64(st, first + 3);
	sq_copy_text(who->login, sizeof(who->login), st, first + 4);
	sq_copy_text(who->name, sizeof(who->name), st, first + 5);
}

SQ_QUERY(q_user_credentials,
    "SELECT id, role, coalesce(agency_id, 0), coalesce(venue_id, 0),"
    " login, display_name, password_hash, disabled"
    " FROM user WHERE login = ?1");

int
store_user_credentials(struct store *s, const char *login,
    struct store_credentials *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_credentials);
	int rc;

	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		sq_principal_row(st, 0, &out->who);
		sq_copy_text(out->password_hash, sizeof(out->password_hash),
		    st, 6);
		out->disabled = sqlite3_column_int64(st, 7) != 0;
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a user", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Binds ?1 to login (NULL for a login that names no user), ?2 to address. */
static void
bind_login_address(sqlite3_stmt *st, const char *login, const char *address)
{
	if (login != NULL)
		sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
}

/* ?1 is NULL for an unknown login: "IS" matches it. */
SQ_QUERY(q_failures_count,
    "SELECT (SELECT count(*) FROM login_failure"
    "         WHERE login IS ?1 AND address = ?2 AND at > ?3),"
    "       (SELECT coalesce(max(at), 0) FROM login_failure"
    "         WHERE login IS ?1 AND address = ?2 AND at > ?3),"
    "       (SELECT count(*) FROM login_failure"
    "         WHERE address = ?2 AND at > ?3),"
    "       (SELECT coalesce(min(at), 0) FROM login_failure"
    "         WHERE address = ?2 AND at > ?3)");

/* The failures of (login, address) and of address since since, into *out. */
static int
count_failures(struct store *s, const char *login, const char *address,
    int64_t since, struct store_login_counts *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_failures_count);
	int rc;

	bind_login_address(st, login, address);
	sqlite3_bind_int64(st, 3, since);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->pair = (unsigned)sqlite3_column_int64(st, 0);
		out->pair_latest = sqlite3_column_int64(st, 1);
		out->address = (unsigned)sqlite3_column_int64(st, 2);
		out->address_oldest = sqlite3_column_int64(st, 3);
	} else
		sq_error(s, rc, "counting failed logins", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_login_failures(struct store *s, const char *login, const char *address,
    int64_t since, struct store_login_counts *out, struct pn_error *err)
{
	return count_failures(s, login, address, since, out, err);
}

SQ_QUERY(q_failure_insert,
    "INSERT INTO login_failure (login, address, at) VALUES (?1, ?2, ?3)");

SQ_QUERY(q_failures_forget, "DELETE FROM login_failure WHERE at <= ?1");

int
store_login_attempt(struct store *s, const char *login, const char *address,
    int64_t now, int64_t since,
    bool (*refuse)(void *ctx, const struct store_login_counts *c),
    void *ctx, struct store_login_counts *out, struct pn_error *err)
{
	sqlite3_stmt *ins = sq_stmt(s, &q_failure_insert);
	sqlite3_stmt *failures_forget = sq_stmt(s, &q_failures_forget);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(failures_forget, 1, since);
	if (sq_step_done(s, failures_forget, "forgetting old failures",
	    err) != 0 || count_failures(s, login, address, since, out,
	    err) != 0)
		goto fail;
	if (refuse(ctx, out)) {
		sq_rollback(s);		/* nothing worth a write */
		return 1;
	}
	bind_login_address(ins, login, address);
	sqlite3_bind_int64(ins, 3, now);
	if (sq_step_done(s, ins, "recording a login attempt", err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

int
store_login_failed(struct store *s, const char *login, const char *address,
    int64_t now, struct pn_error *err)
{
	char detail[256];

	(void)snprintf(detail, sizeof(detail), "from %s", address);
	/* store_audit_append() runs its own transaction outside of one. */
	return store_audit_append(s, now, "anonymous", "login.fail",
	    login != NULL ? login : "unknown", detail, err);
}

SQ_QUERY(q_failures_clear,
    "DELETE FROM login_failure WHERE login = ?1 AND address = ?2");

int
store_login_failures_clear(struct store *s, const char *login,
    const char *address, struct pn_error *err)
{
	sqlite3_stmt *failures_clear = sq_stmt(s, &q_failures_clear);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_text(failures_clear, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(failures_clear, 2, address, -1, SQLITE_STATIC);
	if (sq_step_done(s, failures_clear, "clearing failed logins",
	    err) != 0 || sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_sessions_forget, "DELETE FROM web_session WHERE last_seen <= ?1");

SQ_QUERY(q_user_logged_in, "UPDATE user SET last_login_at = ?2 WHERE id = ?1");

SQ_QUERY(q_session_insert,
    "INSERT INTO web_session (token_hash, csrf_token, user_id,"
    " created_at, last_seen, address) VALUES (?1, ?2, ?3, ?4, ?4, ?5)");

int
store_session_create(struct store *s, const uint8_t hash[STORE_HASH_SIZE],
    const char *csrf, const struct store_principal *who, const char *address,
    int64_t now, int64_t forget_before, struct pn_error *err)
{
	char actor[32], object[32], detail[128];
	sqlite3_stmt *failures_clear = sq_stmt(s, &q_failures_clear);
	sqlite3_stmt *session_insert = sq_stmt(s, &q_session_insert);
	sqlite3_stmt *sessions_forget = sq_stmt(s, &q_sessions_forget);
	sqlite3_stmt *user_logged_in = sq_stmt(s, &q_user_logged_in);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(sessions_forget, 1, forget_before);
	if (sq_step_done(s, sessions_forget, "forgetting idle sessions",
	    err) != 0)
		goto fail;
	sqlite3_bind_text(failures_clear, 1, who->login, -1, SQLITE_STATIC);
	sqlite3_bind_text(failures_clear, 2, address, -1, SQLITE_STATIC);
	if (sq_step_done(s, failures_clear, "clearing failed logins",
	    err) != 0)
		goto fail;
	sqlite3_bind_blob(session_insert, 1, hash, STORE_HASH_SIZE,
	    SQLITE_STATIC);
	sqlite3_bind_text(session_insert, 2, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(session_insert, 3, who->user_id);
	sqlite3_bind_int64(session_insert, 4, now);
	sqlite3_bind_text(session_insert, 5, address, -1, SQLITE_STATIC);
	if (sq_step_done(s, session_insert, "opening a session", err) != 0)
		goto fail;
	(void)snprintf(object, sizeof(object), "session:%lld",
	    (long long)sqlite3_last_insert_rowid(s->db));
	sqlite3_bind_int64(user_logged_in, 1, who->user_id);
	sqlite3_bind_int64(user_logged_in, 2, now);
	if (sq_step_done(s, user_logged_in, "recording the login", err) != 0)
		goto fail;
	(void)snprintf(actor, sizeof(actor), "user:%lld",
	    (long long)who->user_id);
	(void)snprintf(detail, sizeof(detail), "from %s", address);
	if (store_audit_append(s, now, actor, "login", object, detail,
	    err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

SQ_QUERY(q_session_lookup,
    "SELECT s.id, s.csrf_token, s.created_at, s.last_seen, u.id, u.role,"
    " coalesce(u.agency_id, 0), coalesce(u.venue_id, 0), u.login,"
    " u.display_name, u.must_change_password"
    " FROM web_session s JOIN user u ON u.id = s.user_id"
    " WHERE s.token_hash = ?1 AND u.disabled = 0");

int
store_session_lookup(struct store *s, const uint8_t hash[STORE_HASH_SIZE],
    struct store_session *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_session_lookup);
	int rc;

	sqlite3_bind_blob(st, 1, hash, STORE_HASH_SIZE, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(st, 0);
		sq_copy_text(out->csrf, sizeof(out->csrf), st, 1);
		out->created_at = sqlite3_column_int64(st, 2);
		out->last_seen = sqlite3_column_int64(st, 3);
		sq_principal_row(st, 4, &out->who);
		out->must_change = sqlite3_column_int64(st, 10) != 0;
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a session", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

SQ_QUERY(q_session_touch,
    "UPDATE web_session SET last_seen = ?2 WHERE id = ?1");

int
store_session_touch(struct store *s, int64_t id, int64_t now,
    struct pn_error *err)
{
	sqlite3_stmt *session_touch = sq_stmt(s, &q_session_touch);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(session_touch, 1, id);
	sqlite3_bind_int64(session_touch, 2, now);
	if (sq_step_done(s, session_touch, "updating a session", err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_session_delete, "DELETE FROM web_session WHERE id = ?1");

int
store_session_end(const struct store_session *sess, struct store *s,
    const char *action, int64_t now, struct pn_error *err)
{
	char actor[32], object[32];
	sqlite3_stmt *session_delete = sq_stmt(s, &q_session_delete);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(session_delete, 1, sess->id);
	if (sq_step_done(s, session_delete, "ending a session", err) != 0)
		goto fail;
	if (action != NULL) {
		(void)snprintf(actor, sizeof(actor), "user:%lld",
		    (long long)sess->who.user_id);
		(void)snprintf(object, sizeof(object), "session:%lld",
		    (long long)sess->id);
		if (store_audit_append(s, now, actor, action, object, "",
		    err) != 0)
			goto fail;
	}
	if (sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

SQ_QUERY(q_user_session_rows,
    "SELECT id, created_at, last_seen, address FROM web_session"
    " WHERE user_id = ?1 ORDER BY created_at DESC, id DESC");

int
store_user_sessions(struct store *s, int64_t user_id,
    int (*fn)(void *ctx, const struct store_session_row *r), void *ctx,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_session_rows);
	struct store_session_row r;
	int rc;

	sqlite3_bind_int64(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.created_at = sqlite3_column_int64(st, 1);
		r.last_seen = sqlite3_column_int64(st, 2);
		sq_copy_text(r.address, sizeof(r.address), st, 3);
		if (fn(ctx, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing a user's sessions", err);
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ?2 = 0: all of the user's sessions. */
SQ_QUERY(q_user_sessions_delete,
    "DELETE FROM web_session WHERE user_id = ?1 AND (?2 = 0 OR id = ?2)");

int
store_user_sessions_end(struct store *s, int64_t user_id, int64_t session_id,
    int64_t now, const char *actor, const char *action, unsigned *ended,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_user_sessions_delete);
	char object[32], detail[96];
	int n;

	*ended = 0;
	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, session_id);
	if (sq_step_done(s, st, "ending a user's sessions", err) != 0)
		goto fail;
	if ((n = sqlite3_changes(s->db)) == 0) {
		sq_rollback(s);		/* nothing to record */
		return 0;
	}
	(void)snprintf(object, sizeof(object), "user:%lld",
	    (long long)user_id);
	if (session_id != 0)
		(void)snprintf(detail, sizeof(detail), "session:%lld ended",
		    (long long)session_id);
	else
		(void)snprintf(detail, sizeof(detail), "%d browser "
		    "session(s) ended", n);
	if (store_audit_append(s, now, actor, action, object, detail,
	    err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	*ended = (unsigned)n;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}
