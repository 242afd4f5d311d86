/* store_sqlite_report.c -- the funder's report: vouchers tallied by programme, agency, commune and status.
 *
 * Read-only, one statement (q_report_funder, below): SQLite
 * reads it from one snapshot, so the figures of a report always add up,
 * whatever is being issued, redeemed or expired meanwhile.
 */
#include <string.h>

#include "store_sqlite.h"

/* The caller's function and context. */
struct visit {
	int (*fn)(void *ctx, const struct store_report_row *r);
	void *ctx;
};

static int
report_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct visit *v = arg;
	struct store_report_row r;

	(void)err;
	memset(&r, 0, sizeof(r));
	r.programme_id = sqlite3_column_int64(st, 0);
	sq_copy_text(r.programme_name, sizeof(r.programme_name), st, 1);
	r.agency_id = sqlite3_column_int64(st, 2);
	sq_copy_text(r.agency_name, sizeof(r.agency_name), st, 3);
	sq_copy_text(r.commune, sizeof(r.commune), st, 4);
	/* A NULL sum (no voucher of that status) reads as 0. */
	r.t.outstanding = sqlite3_column_int64(st, 5);
	r.t.outstanding_cents = sqlite3_column_int64(st, 6);
	r.t.redeemed = sqlite3_column_int64(st, 7);
	r.t.redeemed_cents = sqlite3_column_int64(st, 8);
	r.t.settled = sqlite3_column_int64(st, 9);
	r.t.settled_cents = sqlite3_column_int64(st, 10);
	r.t.expired = sqlite3_column_int64(st, 11);
	r.t.expired_cents = sqlite3_column_int64(st, 12);
	r.t.cancelled = sqlite3_column_int64(st, 13);
	r.t.cancelled_cents = sqlite3_column_int64(st, 14);
	return v->fn(v->ctx, &r) != 0 ? 1 : 0;
}

/*
 * The funder's report, in one pass over the vouchers: tallied first
 * by booklet (in the order of index voucher_booklet, so no sort),
 * then the booklets by programme, agency and commune. A sum over
 * no row is NULL: read as 0.
 */
SQ_QUERY(q_report_funder,
    "SELECT b.programme_id, p.name, coalesce(b.agency_id, 0),"
    " coalesce(a.name, ''), be.commune,"
    " sum(x.o), sum(x.oc), sum(x.r), sum(x.rc), sum(x.s), sum(x.sc),"
    " sum(x.e), sum(x.ec), sum(x.c), sum(x.cc)"
    " FROM (SELECT booklet_id,"
    "  count(*) FILTER (WHERE status = 'issued') AS o,"
    "  sum(value) FILTER (WHERE status = 'issued') AS oc,"
    "  count(*) FILTER (WHERE status = 'redeemed') AS r,"
    "  sum(value) FILTER (WHERE status = 'redeemed') AS rc,"
    "  count(*) FILTER (WHERE status = 'settled') AS s,"
    "  sum(value) FILTER (WHERE status = 'settled') AS sc,"
    "  count(*) FILTER (WHERE status = 'expired') AS e,"
    "  sum(value) FILTER (WHERE status = 'expired') AS ec,"
    "  count(*) FILTER (WHERE status = 'cancelled') AS c,"
    "  sum(value) FILTER (WHERE status = 'cancelled') AS cc"
    "  FROM voucher WHERE ?1 = 0 OR programme_id = ?1"
    "  GROUP BY booklet_id) x"
    " JOIN booklet b ON b.id = x.booklet_id"
    " JOIN beneficiary be ON be.id = b.beneficiary_id"
    " JOIN programme p ON p.id = b.programme_id"
    " LEFT JOIN agency a ON a.id = b.agency_id"
    " GROUP BY b.programme_id, b.agency_id, be.commune"
    " ORDER BY b.programme_id, b.agency_id, be.commune");

int
store_report_funder(struct store *s, int64_t programme_id,
    int (*fn)(void *ctx, const struct store_report_row *r), void *ctx,
    struct pn_error *err)
{
	struct visit v = { fn, ctx };
	sqlite3_stmt *report_funder = sq_stmt(s, &q_report_funder);

	sqlite3_bind_int64(report_funder, 1, programme_id);
	return sq_each_row(s, report_funder, "tallying the vouchers for "
	    "the funder's report", report_visit, &v, err);
}
