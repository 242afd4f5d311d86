/* store_sqlite_dashboard.c -- the dashboard's rows: a programme's booklets, vouchers and redemptions of a period.
 *
 * Read-only, in one read transaction, so that the figures of a dashboard
 * come from one snapshot and add up whatever is issued, redeemed or
 * expired meanwhile. The vouchers and the redemptions are read from the
 * covering indexes of migration 17 (voucher_dashboard,
 * redemption_dashboard): a million of each without touching a table row
 * but the voucher of each redemption. server/core/dashboard.c does the
 * arithmetic; docs/report.md defines the figures.
 */
#include <string.h>

#include "store_sqlite.h"

SQ_QUERY(q_dash_agencies, "SELECT id, name FROM agency ORDER BY id");
SQ_QUERY(q_dash_venues, "SELECT id, name FROM venue ORDER BY id");

/*
 * The programme's booklets issued in [?2, ?3), with their person. The
 * table is read whole in rowid order, which is id order: a tenth of the
 * vouchers' rows, and no sort (an index on programme and date made
 * SQLite sort the rows by id, and cost more than the scan).
 */
SQ_QUERY(q_dash_booklets,
    "SELECT b.id, b.beneficiary_id, coalesce(b.agency_id, 0), b.issued_at,"
    " be.pathway, be.age_band, be.commune"
    " FROM booklet b NOT INDEXED"
    " JOIN beneficiary be ON be.id = b.beneficiary_id"
    " WHERE b.programme_id = ?1 AND b.issued_at >= ?2 AND b.issued_at < ?3"
    " ORDER BY b.id");

/* Their vouchers by booklet and status: index voucher_dashboard alone. */
SQ_QUERY(q_dash_tally,
    "SELECT booklet_id, status, count(*), sum(value), min(serial),"
    " max(serial) FROM voucher"
    " INDEXED BY voucher_dashboard"
    " WHERE programme_id = ?1 AND issued_at >= ?2 AND issued_at < ?3"
    " GROUP BY booklet_id, status");

/*
 * Their vouchers used: the accepted redemptions of a range of serials
 * (index redemption_dashboard, in serial order), each with its session
 * (by rowid). Looking up each redemption's voucher instead took three
 * times as long (a descent of the voucher table's tree each):
 * dashboard.c finds the booklet from the serial.
 */
SQ_QUERY(q_dash_uses_by_serial,
    "SELECT 0, r.serial, r.venue_id, ts.starts_at, ts.theme, r.value"
    " FROM redemption r INDEXED BY redemption_dashboard"
    " JOIN training_session ts ON ts.id = r.session_id"
    " WHERE r.outcome = 'accepted' AND r.serial BETWEEN ?1 AND ?2");

/* The same with each voucher, when serials do not tell the booklet. */
SQ_QUERY(q_dash_uses,
    "SELECT v.booklet_id, r.serial, r.venue_id, ts.starts_at, ts.theme,"
    " r.value"
    " FROM redemption r INDEXED BY redemption_dashboard"
    " JOIN voucher v ON v.serial = r.serial"
    " JOIN training_session ts ON ts.id = r.session_id"
    " WHERE r.outcome = 'accepted' AND v.programme_id = ?1"
    " AND v.issued_at >= ?2 AND v.issued_at < ?3");

static int
named_row(sqlite3_stmt *st, const struct store_dash_visit *v,
    int (*fn)(void *, int64_t, const char *, struct pn_error *),
    struct pn_error *err)
{
	const char *name = (const char *)sqlite3_column_text(st, 1);

	return fn(v->ctx, sqlite3_column_int64(st, 0), name != NULL ? name :
	    "", err) != 0 ? -1 : 0;
}

static int
agency_row(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct store_dash_visit *v = arg;

	return named_row(st, v, v->agency, err);
}

static int
venue_row(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct store_dash_visit *v = arg;

	return named_row(st, v, v->venue, err);
}

/* A text column, "" for NULL. */
static const char *
text(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	return t != NULL ? t : "";
}

static int
booklet_row(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct store_dash_visit *v = arg;
	struct store_dash_booklet b;

	b.id = sqlite3_column_int64(st, 0);
	b.beneficiary_id = sqlite3_column_int64(st, 1);
	b.agency_id = sqlite3_column_int64(st, 2);
	b.issued_at = sqlite3_column_int64(st, 3);
	b.pathway = text(st, 4);
	b.age_band = text(st, 5);
	b.commune = text(st, 6);
	return v->booklet(v->ctx, &b, err) != 0 ? -1 : 0;
}

static int
tally_row(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct store_dash_visit *v = arg;
	struct store_dash_tally t;

	t.booklet_id = sqlite3_column_int64(st, 0);
	t.status = text(st, 1);
	t.n = sqlite3_column_int64(st, 2);
	t.cents = sqlite3_column_int64(st, 3);
	t.first_serial = sqlite3_column_int64(st, 4);
	t.last_serial = sqlite3_column_int64(st, 5);
	return v->tally(v->ctx, &t, err) != 0 ? -1 : 0;
}

static int
use_row(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct store_dash_visit *v = arg;
	struct store_dash_use u;

	u.booklet_id = sqlite3_column_int64(st, 0);
	u.serial = sqlite3_column_int64(st, 1);
	u.venue_id = sqlite3_column_int64(st, 2);
	u.starts_at = sqlite3_column_int64(st, 3);
	u.theme = text(st, 4);
	u.cents = sqlite3_column_int64(st, 5);
	return v->use(v->ctx, &u, err) != 0 ? -1 : 0;
}

/* Bind programme, from and to to st. */
static sqlite3_stmt *
bound(sqlite3_stmt *st, int64_t programme_id, int64_t from, int64_t to)
{
	sqlite3_bind_int64(st, 1, programme_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	return st;
}

int
store_dashboard_read(struct store *s, int64_t programme_id, int64_t from,
    int64_t to, struct store_programme *p, const struct store_dash_visit *v,
    struct pn_error *err)
{
	sqlite3_stmt *uses;
	int64_t first = 0, last = 0;
	int rc;

	if (sq_step_done(s, sq_stmt(s, &q_read_begin), "BEGIN (dashboard)",
	    err) != 0)
		return -1;
	if ((rc = store_programme_get(s, programme_id, p, err)) != 0)
		goto done;
	rc = -1;
	if (sq_each_row(s, sq_stmt(s, &q_dash_agencies), "reading the "
	    "agencies", agency_row, (void *)v, err) != 0 ||
	    sq_each_row(s, sq_stmt(s, &q_dash_venues), "reading the venues",
	    venue_row, (void *)v, err) != 0 ||
	    sq_each_row(s, bound(sq_stmt(s, &q_dash_booklets), programme_id,
	    from, to), "reading the booklets of the period", booklet_row,
	    (void *)v, err) != 0 ||
	    sq_each_row(s, bound(sq_stmt(s, &q_dash_tally), programme_id,
	    from, to), "tallying the vouchers of the period", tally_row,
	    (void *)v, err) != 0)
		goto done;
	if (v->serials(v->ctx, &first, &last) == 1) {
		uses = sq_stmt(s, &q_dash_uses_by_serial);
		sqlite3_bind_int64(uses, 1, first);
		sqlite3_bind_int64(uses, 2, last);
	} else
		uses = bound(sq_stmt(s, &q_dash_uses), programme_id, from, to);
	if (sq_each_row(s, uses, "reading the vouchers used", use_row,
	    (void *)v, err) != 0)
		goto done;
	rc = 0;
done:
	sq_rollback(s);		/* a read: nothing to keep */
	return rc;
}
