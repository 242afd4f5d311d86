/* store_sqlite_terminals.c -- venue terminals: enrolment codes, enrolment, revocation, nonces. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "passnum/request.h"
#include "honest_time.h"
#include "store_sqlite.h"

SQ_QUERY(q_enrol_code_insert,
    "INSERT INTO enrol_code (venue_id, code_hash, created_at, expires_at)"
    " VALUES (?1, ?2, ?3, ?4)");

int
store_enrol_code_add(struct store *s, const char *siret,
    const uint8_t hash[STORE_HASH_SIZE], int64_t now, int64_t expires_at,
    const char *actor, char venue_name[256], struct pn_error *err)
{
	sqlite3_stmt *ins = sq_stmt(s, &q_enrol_code_insert);
	struct store_venue v;
	char object[64];
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if ((rc = store_venue_by_siret(s, siret, &v, err)) != 0) {
		sq_rollback(s);
		return rc;
	}
	(void)snprintf(venue_name, 256, "%s", v.name);
	sqlite3_bind_int64(ins, 1, v.id);
	sqlite3_bind_blob(ins, 2, hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, now);
	sqlite3_bind_int64(ins, 4, expires_at);
	(void)snprintf(object, sizeof(object), "venue:%lld", (long long)v.id);
	/* The code itself is never written anywhere, the audit log included. */
	if (sq_step_done(s, ins, "recording the enrolment code", err) != 0 ||
	    store_audit_append(s, now, actor, "terminal.code", object, "",
	    err) != 0 || sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

static void
terminal_row(sqlite3_stmt *st, struct store_terminal *t)
{
	const void *pk = sqlite3_column_blob(st, 7);

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	t->venue_id = sqlite3_column_int64(st, 1);
	sq_copy_text(t->venue_name, sizeof(t->venue_name), st, 2);
	sq_copy_text(t->venue_siret, sizeof(t->venue_siret), st, 3);
	sq_copy_text(t->venue_status, sizeof(t->venue_status), st, 4);
	t->accredited_from = sqlite3_column_int64(st, 5);
	t->accredited_until = sqlite3_column_int64(st, 6);
	if (pk != NULL && sqlite3_column_bytes(st, 7) == 32)
		memcpy(t->public_key, pk, 32);
	sq_copy_text(t->label, sizeof(t->label), st, 8);
	t->enrolled_at = sqlite3_column_int64(st, 9);
	t->revoked_at = sqlite3_column_int64(st, 10);
	sq_copy_text(t->revoke_reason, sizeof(t->revoke_reason), st, 11);
	t->suspended_at = sqlite3_column_int64(st, 12);
	sq_copy_text(t->suspend_reason, sizeof(t->suspend_reason), st, 13);
	t->seen_at = sqlite3_column_int64(st, 14);
	t->contact_since = sqlite3_column_int64(st, 15);
	t->seen_before = sqlite3_column_int64(st, 16);
	t->web_user_id = sqlite3_column_int64(st, 17);
}

#define TERMINAL_SELECT \
	"SELECT t.id, t.venue_id, v.name, v.siret, v.status," \
	" v.accredited_from, coalesce(v.accredited_until, 0), t.public_key," \
	" t.label, t.enrolled_at, coalesce(t.revoked_at, 0)," \
	" coalesce(t.revoke_reason, ''), coalesce(t.suspended_at, 0)," \
	" coalesce(t.suspend_reason, ''), coalesce(t.seen_at, 0)," \
	" coalesce(t.contact_since, 0), coalesce(t.seen_before, 0)," \
	" coalesce(t.web_user_id, 0)" \
	" FROM terminal t" \
	" JOIN venue v ON v.id = t.venue_id"

SQ_QUERY(q_terminal_get, TERMINAL_SELECT " WHERE t.id = ?1");

int
store_terminal_get(struct store *s, int64_t id, struct store_terminal *out,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_terminal_get);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		terminal_row(st, out);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a terminal", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

SQ_QUERY(q_enrol_code_find,
    "SELECT id, venue_id FROM enrol_code WHERE code_hash = ?1"
    " AND used_at IS NULL AND expires_at > ?2");

SQ_QUERY(q_enrol_code_use,
    "UPDATE enrol_code SET used_at = ?2, terminal_id = ?3"
    " WHERE id = ?1 AND used_at IS NULL");

SQ_QUERY(q_terminal_insert,
    "INSERT INTO terminal (venue_id, public_key, label, enrolled_at)"
    " VALUES (?1, ?2, ?3, ?4)");

int
store_terminal_enrol(struct store *s, const uint8_t code_hash[STORE_HASH_SIZE],
    const uint8_t public_key[32], const char *label, int64_t now,
    struct store_terminal *out, struct pn_error *err)
{
	sqlite3_stmt *find = sq_stmt(s, &q_enrol_code_find);
	sqlite3_stmt *use = sq_stmt(s, &q_enrol_code_use);
	sqlite3_stmt *ins = sq_stmt(s, &q_terminal_insert);
	char object[64], detail[160];
	int64_t code, venue, id;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_blob(find, 1, code_hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(find, 2, now);
	rc = sqlite3_step(find);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			sq_error(s, rc, "finding the enrolment code", err);
		sq_done(find);
		sq_rollback(s);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	code = sqlite3_column_int64(find, 0);
	venue = sqlite3_column_int64(find, 1);
	sq_done(find);
	sqlite3_bind_int64(ins, 1, venue);
	sqlite3_bind_blob(ins, 2, public_key, 32, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, now);
	rc = sqlite3_step(ins);
	sq_done(ins);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_UNIQUE)
			pn_error_set(err, PN_E_EXISTS, "this public key is "
			    "already enrolled");
		else
			sq_error(s, rc, "recording the terminal", err);
		sq_rollback(s);
		return -1;
	}
	id = sqlite3_last_insert_rowid(s->db);
	sqlite3_bind_int64(use, 1, code);
	sqlite3_bind_int64(use, 2, now);
	sqlite3_bind_int64(use, 3, id);
	(void)snprintf(object, sizeof(object), "terminal:%lld", (long long)id);
	(void)snprintf(detail, sizeof(detail), "{\"venue\":%lld}",
	    (long long)venue);
	if (sq_step_done(s, use, "using the enrolment code", err) != 0 ||
	    store_audit_append(s, now, object, "terminal.enrol", object,
	    detail, err) != 0 ||
	    store_terminal_get(s, id, out, err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_web_terminal_find,
    "SELECT id FROM terminal WHERE web_user_id = ?1");

SQ_QUERY(q_web_terminal_insert,
    "INSERT INTO terminal (venue_id, public_key, label, enrolled_at,"
    " web_user_id) VALUES (?1, ?2, ?3, ?4, ?5)");

int
store_web_terminal(struct store *s, const struct store_principal *user,
    const uint8_t public_key[32], const char *label, int64_t now,
    struct store_terminal *out, struct pn_error *err)
{
	sqlite3_stmt *find = sq_stmt(s, &q_web_terminal_find);
	sqlite3_stmt *ins = sq_stmt(s, &q_web_terminal_insert);
	char object[64], detail[160];
	int64_t id = 0;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(find, 1, user->user_id);
	rc = sqlite3_step(find);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(find, 0);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding the browser's terminal", err);
	sq_done(find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	if (id == 0) {
		sqlite3_bind_int64(ins, 1, user->venue_id);
		sqlite3_bind_blob(ins, 2, public_key, 32, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, label, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, now);
		sqlite3_bind_int64(ins, 5, user->user_id);
		if (sq_step_done(s, ins, "recording the browser's terminal",
		    err) != 0)
			goto fail;
		id = sqlite3_last_insert_rowid(s->db);
		(void)snprintf(object, sizeof(object), "terminal:%lld",
		    (long long)id);
		(void)snprintf(detail, sizeof(detail), "{\"venue\":%lld,"
		    "\"user\":%lld}", (long long)user->venue_id,
		    (long long)user->user_id);
		if (store_audit_append(s, now, user->login, "terminal.web",
		    object, detail, err) != 0)
			goto fail;
	}
	if (store_terminal_get(s, id, out, err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

struct terminal_visit {
	int (*fn)(void *ctx, const struct store_terminal *t);
	void *ctx;
};

static int
terminal_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct terminal_visit *visit = arg;
	struct store_terminal t;

	(void)err;
	terminal_row(st, &t);
	return visit->fn(visit->ctx, &t) != 0;
}

SQ_QUERY(q_terminal_all, TERMINAL_SELECT " ORDER BY t.id");

int
store_terminal_each(struct store *s,
    int (*fn)(void *ctx, const struct store_terminal *t), void *ctx,
    struct pn_error *err)
{
	struct terminal_visit visit = { fn, ctx };

	return sq_each_row(s, sq_stmt(s, &q_terminal_all), "listing terminals",
	    terminal_visit, &visit, err);
}

/* store_venue_terminals(): a venue's « Postes » page. */
SQ_QUERY(q_venue_terminals, TERMINAL_SELECT
    " WHERE t.venue_id = ?1 ORDER BY t.id");

int
store_venue_terminals(struct store *s, int64_t venue_id,
    int (*fn)(void *ctx, const struct store_terminal *t), void *ctx,
    struct pn_error *err)
{
	struct terminal_visit visit = { fn, ctx };
	sqlite3_stmt *st = sq_stmt(s, &q_venue_terminals);

	sqlite3_bind_int64(st, 1, venue_id);
	return sq_each_row(s, st, "listing the venue's terminals",
	    terminal_visit, &visit, err);
}

SQ_QUERY(q_terminal_revoke,
    "UPDATE terminal SET revoked_at = ?2, revoke_reason = ?3"
    " WHERE id = ?1 AND revoked_at IS NULL");

int
store_terminal_revoke(struct store *s, int64_t id, const char *reason,
    int64_t now, const char *actor, struct pn_error *err)
{
	struct store_terminal t;
	char object[64];
	int rc;
	sqlite3_stmt *terminal_revoke = sq_stmt(s, &q_terminal_revoke);

	if (sq_begin(s, err) != 0)
		return -1;
	rc = store_terminal_get(s, id, &t, err);
	if (rc == 0 && t.revoked_at != 0)
		rc = 2;
	if (rc != 0) {
		sq_rollback(s);
		return rc;
	}
	sqlite3_bind_int64(terminal_revoke, 1, id);
	sqlite3_bind_int64(terminal_revoke, 2, now);
	sqlite3_bind_text(terminal_revoke, 3, reason, -1, SQLITE_STATIC);
	(void)snprintf(object, sizeof(object), "terminal:%lld", (long long)id);
	if (sq_step_done(s, terminal_revoke, "revoking the terminal",
	    err) != 0 || store_audit_append(s, now, actor, "terminal.revoke",
	    object, reason, err) != 0 || sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

int
store_terminal_resume(struct store *s, int64_t id, const char *note,
    int64_t now, const char *actor, struct pn_error *err)
{
	struct store_terminal t;
	char object[64];
	sqlite3_stmt *st;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	rc = store_terminal_get(s, id, &t, err);
	if (rc == 0 && t.suspended_at == 0)
		rc = 2;
	if (rc != 0) {
		sq_rollback(s);
		return rc;
	}
	if (sq_prepare(s, "UPDATE terminal SET suspended_at = NULL,"
	    " suspend_reason = NULL WHERE id = ?1", &st, "preparing the "
	    "resumption", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "resuming the terminal", err);
		goto fail;
	}
	(void)snprintf(object, sizeof(object), "terminal:%lld", (long long)id);
	if (sq_audit_json(s, now, actor, "terminal.resume", object, json_pack(
	    "{s:I, s:s, s:s}", "venue", (json_int_t)t.venue_id,
	    "suspended_for", t.suspend_reason, "note", note), err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

/* Forget nonces once a minute at most: older ones are refused by their time anyway. */
#define NONCE_FORGET_EVERY 60

/* A signed state change's nonce. */
SQ_QUERY(q_nonce_insert,
    "INSERT INTO terminal_nonce (at, terminal_id, nonce)"
    " VALUES (?1, ?2, ?3)");

/* ... once out of the window. */
SQ_QUERY(q_nonce_forget, "DELETE FROM terminal_nonce WHERE at < ?1");

/*
 * A run of contact: a request more than ?3 s after the previous one,
 * or ?4 s after the run began, starts a new one, and the latest
 * exchange before it is kept (honest_time.h says the same in C).
 */
SQ_QUERY(q_terminal_seen,
    "UPDATE terminal SET"
    " seen_before = CASE WHEN seen_at IS NULL OR ?2 - seen_at > ?3"
    "  OR ?2 - contact_since > ?4 THEN seen_at ELSE seen_before END,"
    " contact_since = CASE WHEN seen_at IS NULL OR ?2 - seen_at > ?3"
    "  OR ?2 - contact_since > ?4 THEN ?2 ELSE contact_since END,"
    " seen_at = max(coalesce(seen_at, 0), ?2)"
    " WHERE id = ?1");

int
sq_nonce_use(struct store *s, int64_t terminal,
    const struct store_nonce *nonce, int64_t now, struct pn_error *err)
{
	/* Only writers touch it, and they are serialised by the write lock. */
	static int64_t last_forget;
	sqlite3_stmt *st = sq_stmt(s, &q_nonce_insert);
	sqlite3_stmt *forget = sq_stmt(s, &q_nonce_forget);
	int rc;

	if (now - last_forget >= NONCE_FORGET_EVERY) {
		sqlite3_bind_int64(forget, 1,
		    now - 2 * PN_REQUEST_WINDOW);
		if (sq_step_done(s, forget, "forgetting old nonces",
		    err) != 0)
			return -1;
		last_forget = now;
	}
	sqlite3_bind_int64(st, 1, nonce->at);
	sqlite3_bind_int64(st, 2, terminal);
	sqlite3_bind_blob(st, 3, nonce->bytes, 16, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sq_done(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return 1;
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "recording the nonce", err);
	/* Every signed request passes here once: the terminal was seen. */
	st = sq_stmt(s, &q_terminal_seen);
	sqlite3_bind_int64(st, 1, terminal);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, HONEST_CONTACT_GAP);
	sqlite3_bind_int64(st, 4, HONEST_CONTACT_MAX);
	return sq_step_done(s, st, "recording the terminal's contact", err);
}

struct nonce_job {
	int64_t terminal;
	const struct store_nonce *nonce;
	int64_t now;
};

static int
nonce_job_run(struct store *s, void *arg, bool *kept, struct pn_error *err)
{
	struct nonce_job *j = arg;
	int rc = sq_nonce_use(s, j->terminal, j->nonce, j->now, err);

	*kept = rc == 0;
	return rc;
}

int
store_nonce_use(struct store *s, int64_t terminal,
    const struct store_nonce *nonce, int64_t now, struct pn_error *err)
{
	struct nonce_job job = { terminal, nonce, now };

	return sq_group_run(s, nonce_job_run, &job, err);
}
