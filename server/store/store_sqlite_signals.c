/* store_sqlite_signals.c -- what a batch's approver should look at: the facts behind its alerts, and suspended terminals.
 *
 * The reads of anomalies.c, which decides what is an alert and says it in
 * French. A batch may hold a million items: its items are read once, by
 * their primary key (line, redemption), each redemption and voucher found
 * by its rowid, and grouped by session and booklet before anything else
 * is joined, so that a booklet, its beneficiary and a session are read
 * once per group rather than once per voucher. A venue's history is read
 * in one pass over the settlement lines, which grow by a line per venue
 * and month, not by voucher. Like the rest of settlement, these run a
 * few times a month and are prepared on each call.
 */
#include <string.h>

#include "store_sqlite.h"

/*
 * ?1 the batch, ?2 .. ?3 the time control key failures are counted over,
 * ?4 how many previous lines make a venue's history.
 *
 * paid: the batch's lines that pay (neither carried over nor held).
 * groups: their active items by line, session and booklet, with the
 *   redemption flags counted (bit 1: outside the session's hours, bit 2:
 *   synced late).
 * sessions: the groups by line and session: whether a booklet went over
 *   its programme's max_per_session, and the vouchers whose beneficiary
 *   lives in another commune than the venue's (names compared as typed,
 *   ignoring ASCII case and outer spaces).
 * per_line: the sessions by line, each session's declaration read once.
 * history: each venue's previous paid lines of approved or paid batches
 *   older than this one, newest first, numbered.
 * Every grouping is materialized, and each joins the next by its line:
 * never a scan of one per row of another.
 */
static const char signals_sql[] =
	"WITH paid AS MATERIALIZED ("
	"  SELECT l.id AS line_id, l.venue_id, l.name, l.siret, l.vouchers,"
	"   trim(v.commune) AS commune"
	"  FROM settlement_line l JOIN venue v ON v.id = l.venue_id"
	"  WHERE l.batch_id = ?1 AND l.carried_over = 0 AND l.held_at IS NULL),"
	" groups AS MATERIALIZED ("
	"  SELECT i.line_id, i.session_id, vo.booklet_id, count(*) AS n,"
	"   sum((r.flags & 1) <> 0) AS outside, sum((r.flags & 2) <> 0) AS late"
	/* CROSS JOIN: from the lines to their items, by primary key. */
	"  FROM paid p CROSS JOIN settlement_item i ON i.line_id = p.line_id"
	"  JOIN redemption r ON r.id = i.redemption_id"
	"  JOIN voucher vo ON vo.serial = i.serial"
	"  WHERE i.active = 1"
	"  GROUP BY i.line_id, i.session_id, vo.booklet_id),"
	" sessions AS MATERIALIZED ("
	"  SELECT g.line_id, g.session_id, sum(g.outside) AS outside,"
	"   sum(g.late) AS late, max(g.n > pr.max_per_session) AS over,"
	"   max(CASE WHEN g.n > pr.max_per_session THEN g.n END) AS most,"
	"   min(CASE WHEN g.n > pr.max_per_session THEN pr.max_per_session END)"
	"    AS allowed,"
	"   sum(CASE WHEN trim(be.commune) = p.commune COLLATE NOCASE THEN 0"
	"    ELSE g.n END) AS other"
	"  FROM groups g JOIN paid p ON p.line_id = g.line_id"
	"  JOIN booklet b ON b.id = g.booklet_id"
	"  JOIN programme pr ON pr.id = b.programme_id"
	"  JOIN beneficiary be ON be.id = b.beneficiary_id"
	"  GROUP BY g.line_id, g.session_id),"
	" per_line AS MATERIALIZED ("
	"  SELECT s.line_id, sum(s.outside) AS outside, sum(s.late) AS late,"
	"   sum(t.declared_at > t.starts_at + t.duration_minutes * 60)"
	"    AS declared_late,"
	"   sum(s.over) AS over, max(s.most) AS most, min(s.allowed) AS allowed,"
	"   sum(s.other) AS other"
	"  FROM sessions s JOIN training_session t ON t.id = s.session_id"
	"  GROUP BY s.line_id),"
	" history AS ("
	"  SELECT h.venue_id, h.vouchers, row_number() OVER (PARTITION BY"
	"   h.venue_id ORDER BY h.batch_id DESC) AS k"
	"  FROM settlement_line h JOIN settlement_batch hb ON hb.id = h.batch_id"
	"  WHERE hb.status IN ('approved', 'paid') AND hb.id < ?1"
	"   AND h.carried_over = 0 AND h.held_at IS NULL"
	"   AND h.venue_id IN (SELECT venue_id FROM paid)),"
	" past AS MATERIALIZED ("
	"  SELECT venue_id, count(*) AS n, sum(vouchers) AS v FROM history"
	"  WHERE k <= ?4 GROUP BY venue_id)"
	" SELECT p.line_id, p.venue_id, p.name, p.siret, p.commune, p.vouchers,"
	"  (SELECT count(*) FROM control_key_failure k"
	"   WHERE k.venue_id = p.venue_id AND k.at >= ?2 AND k.at <= ?3),"
	"  coalesce(a.outside, 0), coalesce(a.late, 0),"
	"  coalesce(a.declared_late, 0), coalesce(a.over, 0),"
	"  coalesce(a.most, 0), coalesce(a.allowed, 0), coalesce(a.other, 0),"
	"  coalesce(h.n, 0), coalesce(h.v, 0)"
	" FROM paid p LEFT JOIN per_line a ON a.line_id = p.line_id"
	" LEFT JOIN past h ON h.venue_id = p.venue_id"
	" ORDER BY p.name, p.line_id";

/* The caller's function and context, for sq_each_row(). */
struct visit {
	union {
		int (*line)(void *ctx, const struct store_line_signals *l);
		int (*terminal)(void *ctx,
		    const struct store_suspended_terminal *t);
	} fn;
	void *ctx;
};

static int
signals_row(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	struct visit *v = arg;
	struct store_line_signals l;

	(void)err;
	memset(&l, 0, sizeof(l));
	l.line_id = sqlite3_column_int64(st, 0);
	l.venue_id = sqlite3_column_int64(st, 1);
	sq_copy_text(l.name, sizeof(l.name), st, 2);
	sq_copy_text(l.siret, sizeof(l.siret), st, 3);
	sq_copy_text(l.commune, sizeof(l.commune), st, 4);
	l.vouchers = sqlite3_column_int64(st, 5);
	l.key_failures = sqlite3_column_int64(st, 6);
	l.outside_hours = sqlite3_column_int64(st, 7);
	l.late_sync = sqlite3_column_int64(st, 8);
	l.declared_late = sqlite3_column_int64(st, 9);
	l.over_limit = sqlite3_column_int64(st, 10);
	l.over_most = sqlite3_column_int64(st, 11);
	l.over_allowed = sqlite3_column_int64(st, 12);
	l.other_commune = sqlite3_column_int64(st, 13);
	l.history_lines = sqlite3_column_int64(st, 14);
	l.history_vouchers = sqlite3_column_int64(st, 15);
	return v->fn.line(v->ctx, &l) != 0;
}

int
store_batch_signals(struct store *s, int64_t batch_id, int64_t since,
    int64_t now, unsigned history,
    int (*fn)(void *ctx, const struct store_line_signals *l), void *ctx,
    struct pn_error *err)
{
	struct visit v = { .fn.line = fn, .ctx = ctx };
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, signals_sql, &st, "preparing the batch's signals",
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, history);
	rc = sq_each_row(s, st, "reading the batch's signals", signals_row, &v,
	    err);
	sqlite3_finalize(st);
	return rc;
}

/*
 * A reason is free text of any length, cut to fit: drop the end of a
 * UTF-8 character the cut left behind, so that pages stay valid UTF-8.
 */
static void
utf8_whole(char *text)
{
	size_t n = strlen(text), i = n, need;
	unsigned char c;

	while (i > 0 && ((unsigned char)text[i - 1] & 0xc0) == 0x80 &&
	    n - i < 3)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)text[i - 1];
	if (c < 0xc0)
		return;		/* ASCII, or no lead byte found: as it is */
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (n - (i - 1) < need)
		text[i - 1] = '\0';
}

static int
suspended_row(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	struct visit *v = arg;
	struct store_suspended_terminal t;

	(void)err;
	memset(&t, 0, sizeof(t));
	t.id = sqlite3_column_int64(st, 0);
	t.venue_id = sqlite3_column_int64(st, 1);
	sq_copy_text(t.venue_name, sizeof(t.venue_name), st, 2);
	sq_copy_text(t.siret, sizeof(t.siret), st, 3);
	sq_copy_text(t.label, sizeof(t.label), st, 4);
	t.suspended_at = sqlite3_column_int64(st, 5);
	sq_copy_text(t.reason, sizeof(t.reason), st, 6);
	utf8_whole(t.reason);
	return v->fn.terminal(v->ctx, &t) != 0;
}

int
store_terminals_suspended(struct store *s, int64_t venue_id,
    int64_t batch_id,
    int (*fn)(void *ctx, const struct store_suspended_terminal *t), void *ctx,
    struct pn_error *err)
{
	struct visit v = { .fn.terminal = fn, .ctx = ctx };
	sqlite3_stmt *st;
	int rc;

	/* Few terminals, fewer suspended: the table is read whole. */
	if (sq_prepare(s, "SELECT t.id, t.venue_id, v.name, v.siret, t.label,"
	    " t.suspended_at, coalesce(t.suspend_reason, '')"
	    " FROM terminal t JOIN venue v ON v.id = t.venue_id"
	    " WHERE t.suspended_at IS NOT NULL AND t.revoked_at IS NULL"
	    " AND (?1 = 0 OR t.venue_id = ?1)"
	    " AND (?2 = 0 OR t.venue_id IN (SELECT l.venue_id FROM"
	    "  settlement_line l WHERE l.batch_id = ?2 AND l.carried_over = 0"
	    "  AND l.held_at IS NULL))"
	    " ORDER BY v.name, v.id, t.suspended_at, t.id", &st,
	    "preparing the suspended terminals", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, venue_id);
	sqlite3_bind_int64(st, 2, batch_id);
	rc = sq_each_row(s, st, "listing the suspended terminals",
	    suspended_row, &v, err);
	sqlite3_finalize(st);
	return rc;
}
