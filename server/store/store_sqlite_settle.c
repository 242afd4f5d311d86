/* store_sqlite_settle.c -- settlement batches: draft, read, pay, reject.
 *
 * A draft gathers the payable redemptions into a temporary pool, then
 * writes one line per venue and one item per redemption with a few
 * INSERT ... SELECT, so that a million redemptions never pass through C.
 * The unique partial index settlement_item_once is what makes a
 * redemption settled at most once; the code only keeps from tripping it.
 * Settlement runs a few times a month: its statements are prepared on
 * each call rather than kept on every connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errors.h"
#include "store_sqlite.h"

/* The columns of a batch, as store_batch_row() reads them. */
#define BATCH_COLUMNS \
	"SELECT b.id, b.reference, b.period, b.period_start, b.period_end," \
	" b.status, b.drafted_by, ud.login, b.drafted_at, b.n_lines," \
	" b.n_vouchers, b.total_cents, coalesce(b.approved_by, 0)," \
	" coalesce(ua.login, ''), coalesce(b.approved_at, 0)," \
	" coalesce(b.msg_id, ''), coalesce(b.execution_date, '')," \
	" coalesce(b.sepa_version, 0), coalesce(b.paid_reference, '')," \
	" coalesce(b.paid_on, ''), coalesce(b.paid_at, 0)," \
	" coalesce(b.reject_reason, ''), coalesce(ur.login, '')," \
	" coalesce(b.rejected_at, 0)," \
	" (SELECT count(*) FROM settlement_line c" \
	"  WHERE c.batch_id = b.id AND c.carried_over = 1)," \
	" (SELECT count(*) FROM settlement_line c" \
	"  WHERE c.batch_id = b.id AND c.held_at IS NOT NULL)," \
	" coalesce(b.alerts_acknowledged, 0)" \
	" FROM settlement_batch b JOIN user ud ON ud.id = b.drafted_by" \
	" LEFT JOIN user ua ON ua.id = b.approved_by" \
	" LEFT JOIN user ur ON ur.id = b.rejected_by "

static void
batch_row(sqlite3_stmt *st, struct store_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->id = sqlite3_column_int64(st, 0);
	sq_copy_text(b->reference, sizeof(b->reference), st, 1);
	sq_copy_text(b->period, sizeof(b->period), st, 2);
	b->period_start = sqlite3_column_int64(st, 3);
	b->period_end = sqlite3_column_int64(st, 4);
	sq_copy_text(b->status, sizeof(b->status), st, 5);
	b->drafted_by = sqlite3_column_int64(st, 6);
	sq_copy_text(b->drafted_by_login, sizeof(b->drafted_by_login), st, 7);
	b->drafted_at = sqlite3_column_int64(st, 8);
	b->n_lines = sqlite3_column_int64(st, 9);
	b->n_vouchers = sqlite3_column_int64(st, 10);
	b->total_cents = sqlite3_column_int64(st, 11);
	b->approved_by = sqlite3_column_int64(st, 12);
	sq_copy_text(b->approved_by_login, sizeof(b->approved_by_login), st,
	    13);
	b->approved_at = sqlite3_column_int64(st, 14);
	sq_copy_text(b->msg_id, sizeof(b->msg_id), st, 15);
	sq_copy_text(b->execution_date, sizeof(b->execution_date), st, 16);
	b->sepa_version = (unsigned)sqlite3_column_int(st, 17);
	sq_copy_text(b->paid_reference, sizeof(b->paid_reference), st, 18);
	sq_copy_text(b->paid_on, sizeof(b->paid_on), st, 19);
	b->paid_at = sqlite3_column_int64(st, 20);
	sq_copy_text(b->reject_reason, sizeof(b->reject_reason), st, 21);
	sq_copy_text(b->rejected_by_login, sizeof(b->rejected_by_login), st,
	    22);
	b->rejected_at = sqlite3_column_int64(st, 23);
	b->n_carried = sqlite3_column_int64(st, 24);
	b->n_held = sqlite3_column_int64(st, 25);
	b->alerts_acknowledged = sqlite3_column_int64(st, 26);
}

/*
 * The one batch that sql (BATCH_COLUMNS and a WHERE with one text or
 * integer parameter) finds: 0, 1 when none, -1.
 */
static int
batch_find(struct store *s, const char *where, const char *text, int64_t id,
    struct store_batch *out, struct pn_error *err)
{
	char sql[2048];
	sqlite3_stmt *st;
	int rc;

	(void)snprintf(sql, sizeof(sql), "%s%s", BATCH_COLUMNS, where);
	if (sq_prepare(s, sql, &st, "preparing a batch query", err) != 0)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		batch_row(st, out);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a batch", err);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
store_batch_get(struct store *s, const char *reference,
    struct store_batch *out, struct pn_error *err)
{
	int rc = batch_find(s, "WHERE b.reference = ?", reference, 0, out, err);

	if (rc == 1)
		return pn_error_set(err, PN_E_ARG, "no settlement batch '%s'",
		    reference), ERR_BATCH_NOT_FOUND;
	return rc;
}

int
sq_audit_json(struct store *s, int64_t now, const char *actor,
    const char *action, const char *object, json_t *o, struct pn_error *err)
{
	char *detail;
	int rc;

	if (o == NULL || (detail = json_dumps(o, JSON_COMPACT |
	    JSON_SORT_KEYS)) == NULL) {
		json_decref(o);
		return pn_error_set(err, PN_E_NOMEM, "writing an audit detail");
	}
	json_decref(o);
	rc = store_audit_append(s, now, actor, action, object, detail, err);
	free(detail);
	return rc;
}

/* An audit row on batch batch_id (sq_audit_json). */
static int
audit_json(struct store *s, int64_t now, const char *actor,
    const char *action, int64_t batch_id, json_t *o, struct pn_error *err)
{
	char object[40];

	(void)snprintf(object, sizeof(object), "batch:%lld", (long long)batch_id);
	return sq_audit_json(s, now, actor, action, object, o, err);
}

/*
 * The pool: the redemptions a draft of [.., end) may pay at now. Sessions
 * with an open dispute are held whole; an upheld dispute keeps its
 * redemption out for good. Commission per voucher, rounded half up.
 */
static const char pool_sql[] =
	"INSERT INTO temp.settle_pool (venue_id, session_id, redemption_id,"
	"  serial, programme_id, value, commission, commission_bp)"
	" SELECT r.venue_id, r.session_id, r.id, r.serial, v.programme_id,"
	"  r.value, (r.value * p.commission_bp + 5000) / 10000, p.commission_bp"
	" FROM redemption r"
	" JOIN training_session t ON t.id = r.session_id"
	" JOIN voucher v ON v.serial = r.serial"
	" JOIN programme p ON p.id = v.programme_id"
	" WHERE r.outcome = 'accepted' AND t.starts_at < ?1"
	/*
	 * The contest window runs from the session's end or the record's
	 * arrival, whichever is later: a record synced late is disputable
	 * for the whole window.
	 */
	"  AND max(t.starts_at + t.duration_minutes * 60, r.received_at)"
	"   + ?2 <= ?3"
	/*
	 * Paid vouchers are settled: starting from the redeemed ones
	 * (index voucher_redeemed), a draft reads what is not yet paid,
	 * not every redemption ever accepted.
	 */
	"  AND v.status = 'redeemed'"
	"  AND r.session_id NOT IN (SELECT session_id FROM temp.settle_held)"
	"  AND NOT EXISTS (SELECT 1 FROM settlement_item i"
	"   WHERE i.redemption_id = r.id AND i.active = 1)"
	"  AND NOT EXISTS (SELECT 1 FROM dispute d"
	"   WHERE d.redemption_id = r.id AND d.resolution = 'upheld')"
	/* Sorted once rather than inserted out of order. */
	" ORDER BY r.venue_id, r.session_id, r.id";

/*
 * A draft or an approval reads a month of redemptions at once: a larger
 * page cache and temporary tables in memory for the time of the call
 * (about 64 MB for a million redemptions), the defaults again after.
 * SQLite refuses to change temp_store inside a transaction, where a job
 * of the committer runs (a draft made through op_run()): the committer's
 * connection keeps its temporary tables in memory from its opening
 * (store_sqlite_group.c), and only its page cache changes here.
 */
int
sq_settle_memory(struct store *s, bool on, struct pn_error *err)
{
	if (s->in_job)
		return sq_exec(s, on ? "PRAGMA cache_size = -65536;" :
		    "PRAGMA cache_size = -2000;", "sizing the page cache", err);
	return sq_exec(s, on ? "PRAGMA cache_size = -65536;"
	    "PRAGMA temp_store = MEMORY;" : "PRAGMA cache_size = -2000;"
	    "PRAGMA temp_store = DEFAULT;", "sizing the page cache", err);
}

static int
pool_fill(struct store *s, int64_t end, const struct store_settle_rules *r,
    int64_t now, int64_t *count, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	/* By venue and session: lines are counted and items written in order. */
	if (sq_exec(s, "CREATE TEMP TABLE IF NOT EXISTS settle_pool ("
	    " venue_id INTEGER NOT NULL, session_id INTEGER NOT NULL,"
	    " redemption_id INTEGER NOT NULL, serial INTEGER NOT NULL,"
	    " programme_id INTEGER NOT NULL, value INTEGER NOT NULL,"
	    " commission INTEGER NOT NULL, commission_bp INTEGER NOT NULL,"
	    " PRIMARY KEY (venue_id, session_id, redemption_id)) WITHOUT ROWID;"
	    "CREATE TEMP TABLE IF NOT EXISTS settle_held ("
	    " session_id INTEGER PRIMARY KEY);"
	    "DELETE FROM temp.settle_pool; DELETE FROM temp.settle_held;"
	    "INSERT OR IGNORE INTO temp.settle_held"
	    " SELECT r.session_id FROM dispute d"
	    " JOIN redemption r ON r.id = d.redemption_id"
	    " WHERE d.resolution IS NULL;", "gathering held sessions",
	    err) != 0)
		return -1;
	if (sq_prepare(s, pool_sql, &st, "preparing the pool", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, end);
	sqlite3_bind_int64(st, 2, r->contest_seconds);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "gathering the payable redemptions", err);
	*count = sqlite3_changes64(s->db);
	return 0;
}

/* Run sql with parameters ?1 = a, ?2 = b (integers); no rows. */
static int
run2(struct store *s, const char *sql, int64_t a, int64_t b,
    const char *what, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, sql, &st, what, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_error(s, rc, what, err);
}

int
sq_update_row(struct store *s, const char *sql, int64_t id, const char *t1,
    const char *t2, int64_t user_id, int64_t now, const char *what,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc, n;

	if (sq_prepare(s, sql, &st, what, err) != 0)
		return -1;
	n = sqlite3_bind_parameter_count(st);
	sqlite3_bind_int64(st, 1, id);
	if (n >= 2)
		sqlite3_bind_text(st, 2, t1, -1, SQLITE_TRANSIENT);
	if (n >= 3 && t2 != NULL)
		sqlite3_bind_text(st, 3, t2, -1, SQLITE_TRANSIENT);
	if (n >= 4)
		sqlite3_bind_int64(st, 4, user_id);
	if (n >= 5)
		sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, what, err);
	return (int)sqlite3_changes64(s->db);
}

/* Insert the batch row of a new draft into *id. */
static int
batch_insert(struct store *s, const char *period, int64_t start, int64_t end,
    int64_t user_id, int64_t now, int64_t *id, char *reference, size_t reflen,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int64_t seq = 0;
	int rc;

	/* References go on across rejected batches: PN-2026-11-01, -02... */
	if (sq_prepare(s, "SELECT count(*) FROM settlement_batch WHERE period = ?",
	    &st, "counting batches", err) != 0)
		return -1;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sq_error(s, rc, "counting batches", err);
	(void)snprintf(reference, reflen, "PN-%s-%02lld", period,
	    (long long)(seq + 1));
	if (sq_prepare(s, "INSERT INTO settlement_batch (reference, period,"
	    " period_start, period_end, drafted_by, drafted_at, n_lines,"
	    " n_vouchers, total_cents) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)",
	    &st, "preparing the batch", err) != 0)
		return -1;
	sqlite3_bind_text(st, 1, reference, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, start);
	sqlite3_bind_int64(st, 4, end);
	sqlite3_bind_int64(st, 5, user_id);
	sqlite3_bind_int64(st, 6, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "writing the batch", err);
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/*
 * A batch's lines, vouchers and total: those of its lines paid, neither
 * carried over nor held (?1: the batch). After a draft and after a hold.
 */
static const char add_up_sql[] =
	"UPDATE settlement_batch SET"
	" n_lines = (SELECT count(*) FROM settlement_line"
	"  WHERE batch_id = ?1 AND carried_over = 0 AND held_at IS NULL),"
	" n_vouchers = (SELECT coalesce(sum(vouchers), 0) FROM settlement_line"
	"  WHERE batch_id = ?1 AND carried_over = 0 AND held_at IS NULL),"
	" total_cents = (SELECT coalesce(sum(amount_cents), 0) FROM"
	"  settlement_line"
	"  WHERE batch_id = ?1 AND carried_over = 0 AND held_at IS NULL)"
	" WHERE id = ?1";

/* Lines from the pool (venue data frozen as it is now), then items. */
static int
lines_and_items(struct store *s, int64_t batch_id, int64_t minimum,
    struct pn_error *err)
{
	return run2(s, "INSERT INTO settlement_line (batch_id, venue_id, name,"
	    " siret, iban, bic, sessions, vouchers, gross_cents,"
	    " commission_cents, amount_cents, carried_over)"
	    " SELECT ?1, p.venue_id, v.name, v.siret, v.iban, v.bic,"
	    "  count(DISTINCT p.session_id), count(*), sum(p.value),"
	    "  sum(p.commission), sum(p.value) - sum(p.commission),"
	    "  sum(p.value) - sum(p.commission) < ?2"
	    " FROM temp.settle_pool p JOIN venue v ON v.id = p.venue_id"
	    " GROUP BY p.venue_id ORDER BY p.venue_id", batch_id, minimum,
	    "writing the lines", err) != 0 ||
	    run2(s, "INSERT INTO settlement_item (line_id, redemption_id,"
	    " serial, session_id, programme_id, value, commission,"
	    " commission_bp)"
	    " SELECT l.id, p.redemption_id, p.serial, p.session_id,"
	    "  p.programme_id, p.value, p.commission, p.commission_bp"
	    " FROM temp.settle_pool p JOIN settlement_line l"
	    "  ON l.batch_id = ?1 AND l.venue_id = p.venue_id"
	    " WHERE l.carried_over = 0", batch_id, 0,
	    "writing the items", err) != 0 ||
	    run2(s, add_up_sql, batch_id, 0, "adding up the batch", err) != 0 ?
	    -1 : 0;
}

static int
draft_in(struct store *s, const char *period, int64_t start, int64_t end,
    const struct store_settle_rules *rules, int64_t user_id,
    const char *actor, int64_t now, struct store_batch *out, bool *existing,
    struct pn_error *err)
{
	char reference[SETTLE_REF_MAX];
	int64_t pooled = 0, id = 0;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	rc = batch_find(s, "WHERE b.period = ? AND b.status <> 'rejected'",
	    period, 0, out, err);
	if (rc <= 0) {
		/* Drafted already, by someone else maybe: the same batch. */
		sq_rollback(s);
		*existing = rc == 0;
		return rc;
	}
	if (pool_fill(s, end, rules, now, &pooled, err) != 0)
		goto fail;
	if (pooled == 0) {
		sq_rollback(s);
		return pn_error_set(err, PN_E_ARG, "period %s: no accepted "
		    "redemption past its contest window and not yet settled",
		    period), ERR_NOTHING_TO_SETTLE;
	}
	if (batch_insert(s, period, start, end, user_id, now, &id, reference,
	    sizeof(reference), err) != 0 ||
	    lines_and_items(s, id, rules->minimum_cents, err) != 0 ||
	    batch_find(s, "WHERE b.id = ?", NULL, id, out, err) != 0)
		goto fail;
	if (out->n_lines == 0) {
		sq_rollback(s);
		return pn_error_set(err, PN_E_ARG, "period %s: all %lld "
		    "venue(s) owed something are under the minimum and wait for "
		    "a later period", period, (long long)out->n_carried),
		    ERR_NOTHING_TO_SETTLE;
	}
	if (audit_json(s, now, actor, "settle.draft", id, json_pack(
	    "{s:s, s:s, s:I, s:I, s:I, s:I}", "reference", out->reference,
	    "period", period, "lines", (json_int_t)out->n_lines,
	    "carried_over", (json_int_t)out->n_carried,
	    "vouchers", (json_int_t)out->n_vouchers,
	    "cents", (json_int_t)out->total_cents), err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

int
store_settle_draft(struct store *s, const char *period, int64_t start,
    int64_t end, const struct store_settle_rules *rules, int64_t user_id,
    const char *actor, int64_t now, struct store_batch *out, bool *existing,
    struct pn_error *err)
{
	int rc;

	*existing = false;
	if (sq_settle_memory(s, true, err) != 0)
		return -1;
	rc = draft_in(s, period, start, end, rules, user_id, actor, now, out,
	    existing, err);
	/* The pool goes with the memory it took. */
	(void)sq_exec(s, "DROP TABLE IF EXISTS temp.settle_pool;", "", NULL);
	(void)sq_settle_memory(s, false, NULL);
	return rc;
}

int
store_batch_each(struct store *s, unsigned limit,
    int (*fn)(void *ctx, const struct store_batch *b), void *ctx,
    struct pn_error *err)
{
	struct store_batch b;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, BATCH_COLUMNS "ORDER BY b.id DESC LIMIT ?", &st,
	    "preparing the batch list", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		batch_row(st, &b);
		if (fn(ctx, &b) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing batches", err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_batch_lines(struct store *s, int64_t batch_id,
    int (*fn)(void *ctx, const struct store_batch_line *l), void *ctx,
    struct pn_error *err)
{
	struct store_batch_line l;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT l.id, l.venue_id, l.name, l.siret, l.iban,"
	    " l.bic, l.sessions, l.vouchers, l.gross_cents, l.commission_cents,"
	    " l.amount_cents, l.carried_over, coalesce(l.held_at, 0),"
	    " coalesce(u.login, ''), coalesce(l.hold_reason, '')"
	    " FROM settlement_line l LEFT JOIN user u ON u.id = l.held_by"
	    " WHERE l.batch_id = ?"
	    " ORDER BY l.carried_over, l.held_at IS NOT NULL, l.name, l.id",
	    &st, "preparing the lines", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&l, 0, sizeof(l));
		l.id = sqlite3_column_int64(st, 0);
		l.venue_id = sqlite3_column_int64(st, 1);
		sq_copy_text(l.name, sizeof(l.name), st, 2);
		sq_copy_text(l.siret, sizeof(l.siret), st, 3);
		sq_copy_text(l.iban, sizeof(l.iban), st, 4);
		sq_copy_text(l.bic, sizeof(l.bic), st, 5);
		l.sessions = sqlite3_column_int64(st, 6);
		l.vouchers = sqlite3_column_int64(st, 7);
		l.gross_cents = sqlite3_column_int64(st, 8);
		l.commission_cents = sqlite3_column_int64(st, 9);
		l.amount_cents = sqlite3_column_int64(st, 10);
		l.carried_over = sqlite3_column_int(st, 11) != 0;
		l.held_at = sqlite3_column_int64(st, 12);
		l.held = l.held_at != 0;
		sq_copy_text(l.held_by_login, sizeof(l.held_by_login), st, 13);
		sq_copy_text(l.hold_reason, sizeof(l.hold_reason), st, 14);
		if (fn(ctx, &l) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing the lines", err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The batch's state is not the one the action needs: say which it is. */
static int
wrong_state(struct store *s, int64_t batch_id, const char *needs,
    struct pn_error *err)
{
	struct store_batch b;
	struct pn_error e2;

	if (batch_find(s, "WHERE b.id = ?", NULL, batch_id, &b, &e2) != 0)
		return pn_error_set(err, PN_E_ARG, "no settlement batch %lld",
		    (long long)batch_id), ERR_BATCH_NOT_FOUND;
	return pn_error_set(err, PN_E_ARG, "batch %s is %s; this needs %s",
	    b.reference, b.status, needs), ERR_BATCH_WRONG_STATE;
}

int
store_batch_paid(struct store *s, int64_t batch_id, int64_t user_id,
    const char *bank_reference, const char *paid_on, int64_t now,
    const char *actor, struct pn_error *err)
{
	struct store_batch b;
	int64_t settled;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	rc = sq_update_row(s, "UPDATE settlement_batch SET status = 'paid',"
	    " paid_reference = ?2, paid_on = ?3, paid_by = ?4, paid_at = ?5"
	    " WHERE id = ?1 AND status = 'approved'", batch_id, bank_reference,
	    paid_on, user_id, now, "recording the payment", err);
	if (rc < 0)
		goto fail;
	if (rc != 1) {
		rc = wrong_state(s, batch_id, "an approved batch", err);
		sq_rollback(s);
		return rc;
	}
	if (run2(s, "UPDATE voucher SET status = 'settled' WHERE status ="
	    " 'redeemed' AND serial IN (SELECT i.serial FROM settlement_item i"
	    " JOIN settlement_line l ON l.id = i.line_id"
	    " WHERE l.batch_id = ?1 AND i.active = 1)", batch_id, 0,
	    "marking the vouchers settled", err) != 0)
		goto fail;
	settled = sqlite3_changes64(s->db);
	if (batch_find(s, "WHERE b.id = ?", NULL, batch_id, &b, err) != 0)
		goto fail;
	if (settled != b.n_vouchers) {
		pn_error_set(err, PN_E_ARG, "batch %s: %lld voucher(s) "
		    "behind its lines but %lld still redeemed; run "
		    "passnum-admin audit", b.reference,
		    (long long)b.n_vouchers, (long long)settled);
		goto fail;
	}
	if (audit_json(s, now, actor, "settle.paid", batch_id, json_pack(
	    "{s:s, s:s, s:s, s:I, s:I}", "reference", b.reference,
	    "bank_reference", bank_reference, "paid_on", paid_on,
	    "vouchers", (json_int_t)settled, "cents",
	    (json_int_t)b.total_cents), err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

int
store_batch_reject(struct store *s, int64_t batch_id, int64_t user_id,
    const char *reason, int64_t now, const char *actor, struct pn_error *err)
{
	struct store_batch b;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	rc = sq_update_row(s, "UPDATE settlement_batch SET status = 'rejected',"
	    " reject_reason = ?2, rejected_by = ?4, rejected_at = ?5"
	    " WHERE id = ?1 AND status IN ('draft', 'approved')", batch_id,
	    reason, NULL, user_id, now, "rejecting the batch", err);
	if (rc < 0)
		goto fail;
	if (rc != 1) {
		rc = wrong_state(s, batch_id, "a draft or an approved batch",
		    err);
		sq_rollback(s);
		return rc;
	}
	/* Kept for the record, inactive: the redemptions are free again. */
	if (run2(s, "UPDATE settlement_item SET active = 0 WHERE line_id IN"
	    " (SELECT id FROM settlement_line WHERE batch_id = ?1)", batch_id,
	    0, "returning the redemptions to the pool", err) != 0 ||
	    batch_find(s, "WHERE b.id = ?", NULL, batch_id, &b, err) != 0 ||
	    audit_json(s, now, actor, "settle.reject", batch_id, json_pack(
	    "{s:s, s:s, s:I}", "reference", b.reference, "reason", reason,
	    "vouchers", (json_int_t)b.n_vouchers), err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

/* The line of siret in batch_id, as a hold needs it. */
struct hold_line {
	int64_t id, venue_id, vouchers, cents;
	bool carried_over, held;
	int64_t left;			/* lines of the batch still to pay */
};

/* Find it: 0, 1 when the batch has no line of that SIRET, -1. */
static int
hold_line_find(struct store *s, int64_t batch_id, const char *siret,
    struct hold_line *out, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sq_prepare(s, "SELECT id, venue_id, vouchers, amount_cents,"
	    " carried_over, held_at IS NOT NULL,"
	    " (SELECT count(*) FROM settlement_line o WHERE o.batch_id = ?1"
	    "  AND o.carried_over = 0 AND o.held_at IS NULL)"
	    " FROM settlement_line WHERE batch_id = ?1 AND siret = ?2",
	    &st, "preparing the line to hold", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	sqlite3_bind_text(st, 2, siret, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->venue_id = sqlite3_column_int64(st, 1);
		out->vouchers = sqlite3_column_int64(st, 2);
		out->cents = sqlite3_column_int64(st, 3);
		out->carried_over = sqlite3_column_int(st, 4) != 0;
		out->held = sqlite3_column_int(st, 5) != 0;
		out->left = sqlite3_column_int64(st, 6);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding the line to hold", err);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Why the line l of siret in b cannot be held, or ERR_NONE when it can. */
static int
hold_refusal(const struct store_batch *b, const char *siret, int found,
    const struct hold_line *l, struct pn_error *err)
{
	if (strcmp(b->status, "draft") != 0)
		return pn_error_set(err, PN_E_ARG, "batch %s is %s; a line is "
		    "held out of a draft only", b->reference, b->status),
		    ERR_BATCH_WRONG_STATE;
	if (found == 1)
		return pn_error_set(err, PN_E_ARG, "batch %s has no line of "
		    "SIRET %s", b->reference, siret), ERR_LINE_NOT_FOUND;
	if (l->carried_over)
		return pn_error_set(err, PN_E_ARG, "the line of SIRET %s is "
		    "carried over (under the minimum): batch %s pays it nothing",
		    siret, b->reference), ERR_LINE_NOT_FOUND;
	if (l->held)
		return pn_error_set(err, PN_E_ARG, "the line of SIRET %s is "
		    "held out of batch %s already", siret, b->reference),
		    ERR_LINE_NOT_FOUND;
	if (l->left <= 1)
		return pn_error_set(err, PN_E_ARG, "the line of SIRET %s is "
		    "the only one batch %s still pays: reject the batch "
		    "instead", siret, b->reference), ERR_LAST_LINE_HELD;
	return ERR_NONE;
}

int
store_batch_hold(struct store *s, int64_t batch_id, const char *siret,
    int64_t user_id, const char *reason, int64_t now, const char *actor,
    int64_t *line_id, struct pn_error *err)
{
	struct hold_line l;
	struct store_batch b;
	int rc, found;

	if (sq_begin(s, err) != 0)
		return -1;
	if ((rc = batch_find(s, "WHERE b.id = ?", NULL, batch_id, &b,
	    err)) != 0) {
		sq_rollback(s);
		if (rc == 1)
			return pn_error_set(err, PN_E_ARG, "no settlement batch "
			    "%lld", (long long)batch_id), ERR_BATCH_NOT_FOUND;
		return -1;
	}
	if ((found = hold_line_find(s, batch_id, siret, &l, err)) < 0)
		goto fail;
	if ((rc = hold_refusal(&b, siret, found, &l, err)) != ERR_NONE) {
		sq_rollback(s);
		return rc;
	}
	/* The line keeps what it was drafted with: the record of the hold. */
	if ((rc = sq_update_row(s, "UPDATE settlement_line SET held_at = ?5,"
	    " held_by = ?4, hold_reason = ?2 WHERE id = ?1 AND held_at IS NULL",
	    l.id, reason, NULL, user_id, now, "holding the line", err)) < 0)
		goto fail;
	if (rc != 1) {
		pn_error_set(err, PN_E_ARG, "line %lld changed meanwhile",
		    (long long)l.id);
		goto fail;
	}
	/* Inactive, kept for the record: the redemptions are free again. */
	if (run2(s, "UPDATE settlement_item SET active = 0 WHERE line_id = ?1"
	    " AND active = 1", l.id, 0, "returning the line's redemptions to "
	    "the pool", err) != 0)
		goto fail;
	if (sqlite3_changes64(s->db) != l.vouchers) {
		pn_error_set(err, PN_E_ARG, "line %lld: %lld voucher(s) but "
		    "%lld active item(s); run passnum-admin audit",
		    (long long)l.id, (long long)l.vouchers,
		    (long long)sqlite3_changes64(s->db));
		goto fail;
	}
	if (run2(s, add_up_sql, batch_id, 0, "adding up the batch", err) != 0 ||
	    audit_json(s, now, actor, "settle.hold", batch_id, json_pack(
	    "{s:s, s:s, s:I, s:I, s:I, s:I, s:s}", "reference", b.reference,
	    "siret", siret, "venue", (json_int_t)l.venue_id,
	    "line", (json_int_t)l.id, "vouchers", (json_int_t)l.vouchers,
	    "cents", (json_int_t)l.cents, "reason", reason), err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	if (line_id != NULL)
		*line_id = l.id;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

int
store_settle_pending(struct store *s, int64_t end,
    const struct store_settle_rules *rules, int64_t now,
    struct store_settle_pending *out, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sq_prepare(s, "SELECT"
	    " coalesce(sum(ok), 0), coalesce(sum(ok * value), 0),"
	    " coalesce(sum(waiting), 0), coalesce(sum(held), 0) FROM ("
	    " SELECT r.value,"
	    "  (h.session_id IS NULL AND max(t.starts_at"
	    "   + t.duration_minutes * 60, r.received_at) + ?2 <= ?3) AS ok,"
	    "  (h.session_id IS NULL AND max(t.starts_at"
	    "   + t.duration_minutes * 60, r.received_at) + ?2 > ?3)"
	    "   AS waiting,"
	    "  (h.session_id IS NOT NULL) AS held"
	    /* Not yet paid: from the vouchers redeemed (voucher_redeemed). */
	    " FROM voucher v JOIN redemption r ON r.serial = v.serial"
	    " JOIN training_session t ON t.id = r.session_id"
	    " LEFT JOIN (SELECT DISTINCT r2.session_id FROM dispute d"
	    "  JOIN redemption r2 ON r2.id = d.redemption_id"
	    "  WHERE d.resolution IS NULL) h ON h.session_id = r.session_id"
	    " WHERE v.status = 'redeemed' AND r.outcome = 'accepted'"
	    "  AND t.starts_at < ?1"
	    "  AND NOT EXISTS (SELECT 1 FROM settlement_item i"
	    "   WHERE i.redemption_id = r.id AND i.active = 1)"
	    "  AND NOT EXISTS (SELECT 1 FROM dispute d"
	    "   WHERE d.redemption_id = r.id AND d.resolution = 'upheld'))",
	    &st, "preparing the pending count", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, end);
	sqlite3_bind_int64(st, 2, rules->contest_seconds);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->validated = sqlite3_column_int64(st, 0);
		out->validated_cents = sqlite3_column_int64(st, 1);
		out->in_window = sqlite3_column_int64(st, 2);
		out->held = sqlite3_column_int64(st, 3);
	} else
		sq_error(s, rc, "counting what waits for settlement", err);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_venue_statements(struct store *s, int64_t venue_id,
    int (*fn)(void *ctx, const struct store_batch *b), void *ctx,
    struct pn_error *err)
{
	struct store_batch b;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, BATCH_COLUMNS "WHERE b.status IN ('approved', 'paid')"
	    " AND EXISTS (SELECT 1 FROM settlement_file f WHERE f.batch_id ="
	    " b.id AND f.kind = 'statement' AND f.venue_id = ?)"
	    " ORDER BY b.id DESC", &st, "preparing the statements", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, venue_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		batch_row(st, &b);
		if (fn(ctx, &b) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing the statements", err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_programme_set_rules(struct store *s, int64_t id, int commission_bp,
    const char *budget_line, unsigned max_per_session, int64_t now,
    const char *actor, struct store_programme *out, struct pn_error *err)
{
	char object[40];
	sqlite3_stmt *st;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if (sq_prepare(s, "UPDATE programme SET"
	    " commission_bp = coalesce(?2, commission_bp),"
	    " budget_line = coalesce(?3, budget_line),"
	    " max_per_session = coalesce(?4, max_per_session) WHERE id = ?1",
	    &st, "preparing the rules", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (commission_bp >= 0)
		sqlite3_bind_int64(st, 2, commission_bp);
	if (budget_line != NULL)
		sqlite3_bind_text(st, 3, budget_line, -1, SQLITE_TRANSIENT);
	if (max_per_session > 0)
		sqlite3_bind_int64(st, 4, max_per_session);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "setting the programme's rules", err);
		goto fail;
	}
	if (sqlite3_changes64(s->db) != 1) {
		sq_rollback(s);
		return 1;
	}
	if (store_programme_get(s, id, out, err) != 0)
		goto fail;
	(void)snprintf(object, sizeof(object), "programme:%lld", (long long)id);
	if (sq_audit_json(s, now, actor, "programme.rules", object, json_pack(
	    "{s:i, s:s, s:i}", "commission_bp", (int)out->commission_bp,
	    "budget_line", out->budget_line, "max_per_session",
	    (int)out->max_per_session), err) != 0 ||
	    sq_setup_noted(s, "programme.rules", object, err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}
