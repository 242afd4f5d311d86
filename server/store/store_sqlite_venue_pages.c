/* store_sqlite_venue_pages.c -- what a venue's pages read: its months, sessions, redemptions, conflicts.
 *
 * Read-only. Every statement names the venue it answers for in its WHERE
 * clause, so that a page asking with the wrong venue finds nothing rather
 * than another venue's records: the scoping is in the SQL, not left to
 * the handlers.
 */
#include <string.h>

#include "errors.h"
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
	if (sqlite3_column_bytes(st, 10) == (int)sizeof(t->uid))
		memcpy(t->uid, sqlite3_column_blob(st, 10), sizeof(t->uid));
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
		int (*money)(void *ctx, const struct store_venue_money *m);
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
    " count(CASE WHEN r.outcome = 'conflict' THEN 1 END), t.uid"
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
    " count(CASE WHEN r.outcome = 'conflict' THEN 1 END), t.uid"
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

/*
 * Where each accepted redemption stands. The order of the CASE is the
 * settlement's: an active item puts the redemption in its batch whatever
 * else (a dispute cannot be opened on it then); otherwise an upheld
 * dispute, an open one, an open one on another record of its session
 * (the pool holds the session whole), and the contest window, which runs
 * from the session's end or the record's arrival, whichever is later, as
 * in the pool. The session is the venue's (t.venue_id = ?1), and so is
 * the line of the statement looked for.
 */
SQ_QUERY(q_venue_money,
    "SELECT r.id, r.session_id, r.serial, r.value,"
    " max(t.starts_at + t.duration_minutes * 60, r.received_at) + ?5,"
    " CASE WHEN b.id IS NOT NULL THEN"
    "   CASE WHEN b.status = 'paid' THEN 3 ELSE 2 END"
    "  WHEN du.id IS NOT NULL THEN 6"
    "  WHEN dop.id IS NOT NULL THEN 4"
    "  WHEN EXISTS (SELECT 1 FROM redemption r2"
    "   JOIN dispute d2 ON d2.redemption_id = r2.id"
    "   WHERE r2.session_id = r.session_id AND d2.resolution IS NULL) THEN 5"
    "  WHEN max(t.starts_at + t.duration_minutes * 60, r.received_at)"
    "   + ?5 <= ?6 THEN 2"
    "  ELSE 1 END,"
    " coalesce(b.reference, ''), coalesce(b.status, ''),"
    " b.status IN ('approved', 'paid') AND EXISTS (SELECT 1"
    "  FROM settlement_file f WHERE f.batch_id = b.id"
    "  AND f.venue_id = ?1 AND f.kind = 'statement'),"
    " coalesce(b.paid_on, ''), coalesce(b.paid_reference, ''),"
    " coalesce(du.id, dop.id, 0), coalesce(du.opened_at, dop.opened_at, 0),"
    " coalesce(du.resolved_at, 0), coalesce(du.reason, dop.reason, ''),"
    " coalesce(du.resolution_note, '')"
    " FROM training_session t"
    " JOIN redemption r ON r.session_id = t.id AND r.outcome = 'accepted'"
    " LEFT JOIN settlement_item i ON i.redemption_id = r.id AND i.active = 1"
    " LEFT JOIN settlement_line l ON l.id = i.line_id AND l.venue_id = ?1"
    " LEFT JOIN settlement_batch b ON b.id = l.batch_id"
    " LEFT JOIN dispute du ON du.redemption_id = r.id"
    "  AND du.resolution = 'upheld'"
    " LEFT JOIN dispute dop ON dop.redemption_id = r.id"
    "  AND dop.resolution IS NULL"
    " WHERE t.venue_id = ?1 AND (CASE WHEN ?4 <> 0 THEN t.id = ?4"
    "  ELSE t.starts_at >= ?2 AND t.starts_at < ?3 END)"
    " ORDER BY t.starts_at, t.id, r.terminal_time, r.id");

static int
money_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	struct store_venue_money m;

	(void)err;
	memset(&m, 0, sizeof(m));
	m.redemption_id = sqlite3_column_int64(st, 0);
	m.session_id = sqlite3_column_int64(st, 1);
	m.serial = (uint64_t)sqlite3_column_int64(st, 2);
	m.value = sqlite3_column_int64(st, 3);
	m.window_end = sqlite3_column_int64(st, 4);
	m.state = (enum store_money_state)sqlite3_column_int(st, 5);
	sq_copy_text(m.batch_reference, sizeof(m.batch_reference), st, 6);
	sq_copy_text(m.batch_status, sizeof(m.batch_status), st, 7);
	m.statement = sqlite3_column_int(st, 8) != 0;
	sq_copy_text(m.paid_on, sizeof(m.paid_on), st, 9);
	sq_copy_text(m.paid_reference, sizeof(m.paid_reference), st, 10);
	m.dispute_id = sqlite3_column_int64(st, 11);
	m.dispute_opened_at = sqlite3_column_int64(st, 12);
	m.dispute_resolved_at = sqlite3_column_int64(st, 13);
	sq_copy_text(m.dispute_reason, sizeof(m.dispute_reason), st, 14);
	sq_copy_text(m.dispute_note, sizeof(m.dispute_note), st, 15);
	return v->fn.money(v->ctx, &m) != 0;
}

int
store_venue_money(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int64_t session_id, int64_t contest_seconds, int64_t now,
    int (*fn)(void *ctx, const struct store_venue_money *m), void *ctx,
    struct pn_error *err)
{
	struct visit v = { .fn.money = fn, .ctx = ctx };
	sqlite3_stmt *venue_money = sq_stmt(s, &q_venue_money);

	sqlite3_bind_int64(venue_money, 1, venue_id);
	sqlite3_bind_int64(venue_money, 2, from);
	sqlite3_bind_int64(venue_money, 3, to);
	sqlite3_bind_int64(venue_money, 4, session_id);
	sqlite3_bind_int64(venue_money, 5, contest_seconds);
	sqlite3_bind_int64(venue_money, 6, now);
	return sq_each_row(s, venue_money, "reading where a venue's money "
	    "stands", money_visit, &v, err);
}

/* The venue's line in a published batch: another venue's is no row. */
SQ_QUERY(q_venue_statement_line,
    "SELECT l.id FROM settlement_line l"
    " JOIN settlement_batch b ON b.id = l.batch_id"
    " WHERE l.venue_id = ?1 AND b.reference = ?2"
    " AND b.status IN ('approved', 'paid')");

int
store_venue_statement_line(struct store *s, int64_t venue_id,
    const char *reference, int64_t *line_id, struct store_batch *b,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_statement_line);
	int rc;

	sqlite3_bind_int64(st, 1, venue_id);
	sqlite3_bind_text(st, 2, reference, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*line_id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding a venue's statement line", err);
	sq_done(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return -1;
	rc = store_batch_get(s, reference, b, err);
	return rc == 0 ? 0 : rc == ERR_BATCH_NOT_FOUND ? 1 : -1;
}
