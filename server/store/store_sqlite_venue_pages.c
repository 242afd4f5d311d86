/* store_sqlite_venue_pages.c -- what a venue's pages read: its months, sessions, redemptions, conflicts.
 *
 * Read-only. Every statement names the venue it answers for in its WHERE
 * clause, so that a page asking with the wrong venue finds nothing rather
 * than another venue's records: the scoping is in the SQL, not left to
 * the handlers.
 */
#include <string.h>

#include "store_sqlite.h"

/*
 * The venue pages. A session belongs to the venue of its row; a
 * month is the sessions that start in [?2, ?3) (index
 * training_session_venue), and their redemptions (redemption_session).
 */
SQ_QUERY(q_venue_month,
    "SELECT count(DISTINCT t.id),"
    " count(CASE WHEN r.outcome = 'accepted' THEN 1 END),"
    " coalesce(sum(CASE WHEN r.outcome = 'accepted' THEN r.value END), 0),"
    " count(CASE WHEN r.outcome = 'conflict' THEN 1 END)"
    " FROM training_session t"
    " LEFT JOIN redemption r ON r.session_id = t.id"
    " WHERE t.venue_id = ?1 AND t.starts_at >= ?2 AND t.starts_at < ?3");

int
store_venue_month(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    struct store_venue_month *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_month);
	int rc;

	sqlite3_bind_int64(st, 1, venue_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->sessions = (unsigned)sqlite3_column_int64(st, 0);
		out->accepted = (unsigned)sqlite3_column_int64(st, 1);
		out->amount = sqlite3_column_int64(st, 2);
		out->conflicts = (unsigned)sqlite3_column_int64(st, 3);
	} else
		sq_error(s, rc, "summing a venue's month", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Fill t from a row of q_venue_sessions or q_venue_session_get. */
static void
session_row(sqlite3_stmt *st, struct store_venue_session *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	sq_copy_text(t->theme, sizeof(t->theme), st, 1);
	t->starts_at = sqlite3_column_int64(st, 2);
	t->duration_minutes = (unsigned)sqlite3_column_int64(st, 3);
	t->declared_at = sqlite3_column_int64(st, 4);
	t->terminal_id = sqlite3_column_int64(st, 5);
	sq_copy_text(t->terminal_label, sizeof(t->terminal_label), st, 6);
	t->accepted = (unsigned)sqlite3_column_int64(st, 7);
	t->amount = sqlite3_column_int64(st, 8);
	t->conflicts = (unsigned)sqlite3_column_int64(st, 9);
}

/*
 * Fill r from columns 0..6 of q_venue_session_redemptions or
 * q_venue_conflicts.
 */
static void
redemption_row(sqlite3_stmt *st, struct store_venue_redemption *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->serial = (uint64_t)sqlite3_column_int64(st, 1);
	r->value = sqlite3_column_int64(st, 2);
	r->accepted = sqlite3_column_int64(st, 3) != 0;
	r->terminal_time = sqlite3_column_int64(st, 4);
	r->received_at = sqlite3_column_int64(st, 5);
	sq_copy_text(r->terminal_label, sizeof(r->terminal_label), st, 6);
}

/* The caller's function and context of the listing functions. */
struct visit {
	union {
		int (*session)(void *ctx, const struct store_venue_session *t);
		int (*redemption)(void *ctx,
		    const struct store_venue_redemption *r);
		int (*conflict)(void *ctx, const struct store_venue_conflict *c);
	} fn;
	void *ctx;
};

static int
session_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	struct store_venue_session t;

	(void)err;
	session_row(st, &t);
	return v->fn.session(v->ctx, &t) != 0;
}

SQ_QUERY(q_venue_sessions,
    "SELECT t.id, t.theme, t.starts_at, t.duration_minutes,"
    " t.declared_at, t.terminal_id, te.label,"
    " count(CASE WHEN r.outcome = 'accepted' THEN 1 END),"
    " coalesce(sum(CASE WHEN r.outcome = 'accepted' THEN r.value END), 0),"
    " count(CASE WHEN r.outcome = 'conflict' THEN 1 END)"
    " FROM training_session t JOIN terminal te ON te.id = t.terminal_id"
    " LEFT JOIN redemption r ON r.session_id = t.id"
    " WHERE t.venue_id = ?1 AND t.starts_at >= ?2 AND t.starts_at < ?3"
    " GROUP BY t.id ORDER BY t.starts_at, t.id");

int
store_venue_sessions(struct store *s, int64_t venue_id, int64_t from,
    int64_t to, int (*fn)(void *ctx, const struct store_venue_session *t),
    void *ctx, struct pn_error *err)
{
	struct visit v = { .fn.session = fn, .ctx = ctx };
	sqlite3_stmt *venue_sessions = sq_stmt(s, &q_venue_sessions);

	sqlite3_bind_int64(venue_sessions, 1, venue_id);
	sqlite3_bind_int64(venue_sessions, 2, from);
	sqlite3_bind_int64(venue_sessions, 3, to);
	return sq_each_row(s, venue_sessions, "listing a venue's sessions",
	    session_visit, &v, err);
}

SQ_QUERY(q_venue_session_get,
    "SELECT t.id, t.theme, t.starts_at, t.duration_minutes,"
    " t.declared_at, t.terminal_id, te.label,"
    " count(CASE WHEN r.outcome = 'accepted' THEN 1 END),"
    " coalesce(sum(CASE WHEN r.outcome = 'accepted' THEN r.value END), 0),"
    " count(CASE WHEN r.outcome = 'conflict' THEN 1 END)"
    " FROM training_session t JOIN terminal te ON te.id = t.terminal_id"
    " LEFT JOIN redemption r ON r.session_id = t.id"
    " WHERE t.id = ?2 AND t.venue_id = ?1 GROUP BY t.id");

int
store_venue_session_get(struct store *s, int64_t venue_id, int64_t id,
    struct store_venue_session *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_session_get);
	int rc;

	sqlite3_bind_int64(st, 1, venue_id);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		session_row(st, out);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a training session", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static int
redemption_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	struct store_venue_redemption r;

	(void)err;
	redemption_row(st, &r);
	return v->fn.redemption(v->ctx, &r) != 0;
}

/* The session is looked up with its venue: another's gives no row. */
SQ_QUERY(q_venue_session_redemptions,
    "SELECT r.id, r.serial, r.value, r.outcome = 'accepted',"
    " r.terminal_time, r.received_at, te.label"
    " FROM redemption r JOIN terminal te ON te.id = r.terminal_id"
    " WHERE r.session_id = (SELECT id FROM training_session"
    "  WHERE id = ?2 AND venue_id = ?1)"
    " ORDER BY r.terminal_time, r.id");

int
store_venue_session_redemptions(struct store *s, int64_t venue_id,
    int64_t id, int (*fn)(void *ctx, const struct store_venue_redemption *r),
    void *ctx, struct pn_error *err)
{
	struct visit v = { .fn.redemption = fn, .ctx = ctx };
	sqlite3_stmt *redemptions = sq_stmt(s, &q_venue_session_redemptions);

	sqlite3_bind_int64(redemptions, 1, venue_id);
	sqlite3_bind_int64(redemptions, 2, id);
	return sq_each_row(s, redemptions,
	    "listing a session's redemptions", redemption_visit, &v, err);
}

static int
conflict_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	struct store_venue_conflict c;

	(void)err;
	memset(&c, 0, sizeof(c));
	redemption_row(st, &c.lost);
	c.session_id = sqlite3_column_int64(st, 7);
	sq_copy_text(c.session_theme, sizeof(c.session_theme), st, 8);
	c.session_starts_at = sqlite3_column_int64(st, 9);
	c.winner_venue_id = sqlite3_column_int64(st, 10);
	sq_copy_text(c.winner_venue_name, sizeof(c.winner_venue_name), st, 11);
	c.winner_terminal_time = sqlite3_column_int64(st, 12);
	c.winner_received_at = sqlite3_column_int64(st, 13);
	return v->fn.conflict(v->ctx, &c) != 0;
}

/* The proof of a conflict: the record that won, and its venue. */
SQ_QUERY(q_venue_conflicts,
    "SELECT r.id, r.serial, r.value, 0, r.terminal_time, r.received_at,"
    " te.label, t.id, t.theme, t.starts_at, wv.id, wv.name,"
    " w.terminal_time, w.received_at"
    " FROM redemption r JOIN terminal te ON te.id = r.terminal_id"
    " JOIN training_session t ON t.id = r.session_id"
    " JOIN redemption w ON w.id = r.winner_id"
    " JOIN venue wv ON wv.id = w.venue_id"
    " WHERE r.venue_id = ?1 AND r.outcome = 'conflict'"
    " ORDER BY r.received_at DESC, r.id DESC LIMIT ?2");

int
store_venue_conflicts(struct store *s, int64_t venue_id, unsigned limit,
    int (*fn)(void *ctx, const struct store_venue_conflict *c), void *ctx,
    struct pn_error *err)
{
	struct visit v = { .fn.conflict = fn, .ctx = ctx };
	sqlite3_stmt *venue_conflicts = sq_stmt(s, &q_venue_conflicts);

	sqlite3_bind_int64(venue_conflicts, 1, venue_id);
	sqlite3_bind_int64(venue_conflicts, 2, limit);
	return sq_each_row(s, venue_conflicts, "listing a venue's conflicts",
	    conflict_visit, &v, err);
}
