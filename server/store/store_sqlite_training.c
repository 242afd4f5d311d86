/* store_sqlite_training.c -- training sessions declared by venue terminals. */
#include <stdio.h>
#include <string.h>

#include "store_sqlite.h"

static void
training_row(sqlite3_stmt *st, struct store_training *t)
{
	const void *uid = sqlite3_column_blob(st, 1);

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	if (uid != NULL && sqlite3_column_bytes(st, 1) == 16)
		memcpy(t->uid, uid, 16);
	t->venue_id = sqlite3_column_int64(st, 2);
	t->terminal_id = sqlite3_column_int64(st, 3);
	sq_copy_text(t->theme, sizeof(t->theme), st, 4);
	t->starts_at = sqlite3_column_int64(st, 5);
	t->duration_minutes = (unsigned)sqlite3_column_int64(st, 6);
	t->declared_at = sqlite3_column_int64(st, 7);
}

#define TRAINING_SELECT \
	"SELECT id, uid, venue_id, terminal_id, theme, starts_at," \
	" duration_minutes, declared_at FROM training_session"

SQ_QUERY(q_training_by_uid, TRAINING_SELECT " WHERE uid = ?1");

/* The session of uid, inside the caller's transaction: 0, 1 none, -1. */
int
sq_training_by_uid(struct store *s, const uint8_t uid[16],
    struct store_training *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_training_by_uid);
	int rc;

	sqlite3_bind_blob(st, 1, uid, 16, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		training_row(st, out);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding the session", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static bool
same_session(const struct store_training *a, const struct store_training *b)
{
	return a->venue_id == b->venue_id && strcmp(a->theme, b->theme) == 0 &&
	    a->starts_at == b->starts_at &&
	    a->duration_minutes == b->duration_minutes;
}

SQ_QUERY_SHARED(q_training_insert,
    "INSERT INTO training_session (uid, venue_id, terminal_id, theme,"
    " starts_at, duration_minutes, declared_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

int
store_training_declare(struct store *s, const struct store_terminal *t,
    const struct store_training *in, const struct store_nonce *nonce,
    int64_t now, int64_t earliest,
    struct store_training *out, struct pn_error *err)
{
	sqlite3_stmt *ins = sq_stmt(s, &q_training_insert);
	struct store_training want = *in;
	char object[64], detail[256], actor[32];
	int rc;

	want.venue_id = t->venue_id;
	if (sq_begin(s, err) != 0)
		return -1;
	if ((rc = sq_nonce_use(s, t->id, nonce, now, err)) != 0) {
		if (rc == 1)
			pn_error_set(err, PN_E_EXISTS, "nonce already used");
		sq_rollback(s);
		return -1;
	}
	rc = sq_training_by_uid(s, in->uid, out, err);
	if (rc == 0) {
		/* Declared before: the nonce is kept, nothing else changes. */
		rc = same_session(&want, out) ? STORE_DECLARED_BEFORE :
		    STORE_DECLARED_OTHERWISE;
		if (sq_commit(s, err) != 0) {
			sq_rollback(s);
			return -1;
		}
		return rc;
	}
	if (rc < 0 || in->starts_at < earliest) {
		/* Backdated: not even the nonce is kept. */
		sq_rollback(s);
		return rc < 0 ? -1 : STORE_BACKDATED;
	}
	sqlite3_bind_blob(ins, 1, in->uid, 16, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, t->venue_id);
	sqlite3_bind_int64(ins, 3, t->id);
	sqlite3_bind_text(ins, 4, in->theme, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 5, in->starts_at);
	sqlite3_bind_int64(ins, 6, in->duration_minutes);
	sqlite3_bind_int64(ins, 7, now);
	if (sq_step_done(s, ins, "recording the session", err) != 0) {
		sq_rollback(s);
		return -1;
	}
	(void)snprintf(object, sizeof(object), "session:%lld",
	    (long long)sqlite3_last_insert_rowid(s->db));
	(void)snprintf(detail, sizeof(detail), "{\"venue\":%lld,"
	    "\"terminal\":%lld,\"starts_at\":%lld,\"minutes\":%u}",
	    (long long)t->venue_id, (long long)t->id, (long long)in->starts_at,
	    in->duration_minutes);
	(void)snprintf(actor, sizeof(actor), "terminal:%lld", (long long)t->id);
	if (store_audit_append(s, now, actor, "session.declare", object,
	    detail, err) != 0 || sq_training_by_uid(s, in->uid, out, err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return STORE_DECLARED;
}

struct training_visit {
	int (*fn)(void *ctx, const struct store_training *t);
	void *ctx;
};

static int
training_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct training_visit *visit = arg;
	struct store_training t;

	(void)err;
	training_row(st, &t);
	return visit->fn(visit->ctx, &t) != 0;
}

SQ_QUERY(q_training_recent, TRAINING_SELECT
    " WHERE venue_id = ?1 ORDER BY starts_at DESC, id DESC LIMIT ?2");

int
store_training_recent(struct store *s, int64_t venue_id, unsigned limit,
    int (*fn)(void *ctx, const struct store_training *t), void *ctx,
    struct pn_error *err)
{
	struct training_visit visit = { fn, ctx };
	sqlite3_stmt *training_recent = sq_stmt(s, &q_training_recent);

	sqlite3_bind_int64(training_recent, 1, venue_id);
	sqlite3_bind_int64(training_recent, 2, limit);
	return sq_each_row(s, training_recent, "listing sessions",
	    training_visit, &visit, err);
}
