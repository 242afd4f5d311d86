/* store_sqlite_report.c -- the funder's report: vouchers tallied by programme, agency, commune and status.
 *
 * Read-only, one statement (report_funder in store_sqlite.c): SQLite
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

int
store_report_funder(struct store *s, int64_t programme_id,
    int (*fn)(void *ctx, const struct store_report_row *r), void *ctx,
    struct pn_error *err)
{
	struct visit v = { fn, ctx };

	sqlite3_bind_int64(s->report_funder, 1, programme_id);
	return sq_each_row(s, s->report_funder, "tallying the vouchers for "
	    "the funder's report", report_visit, &v, err);
}
