/* store_sqlite_expire.c -- outstanding vouchers past their last day become "expired". */
#include <stdio.h>

#include "store_sqlite.h"

SQ_QUERY(q_expire_count,
    "SELECT count(*), coalesce(sum(value), 0) FROM voucher"
    " WHERE status = 'issued' AND expires_at < ?1");

SQ_QUERY(q_expire_mark,
    "UPDATE voucher SET status = 'expired'"
    " WHERE status = 'issued' AND expires_at < ?1");

int
store_expire(struct store *s, int64_t before, int64_t now, const char *actor,
    uint64_t *count, int64_t *cents, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_expire_count);
	char detail[128];
	int rc;
	sqlite3_stmt *expire_mark = sq_stmt(s, &q_expire_mark);

	*count = 0;
	*cents = 0;
	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = (uint64_t)sqlite3_column_int64(st, 0);
		*cents = sqlite3_column_int64(st, 1);
	}
	sq_done(st);
	if (rc != SQLITE_ROW) {
		sq_error(s, rc, "counting the vouchers to expire", err);
		sq_rollback(s);
		return -1;
	}
	if (*count == 0) {
		sq_rollback(s);	/* nothing to do: nothing written */
		return 0;
	}
	sqlite3_bind_int64(expire_mark, 1, before);
	(void)snprintf(detail, sizeof(detail), "{\"vouchers\":%llu,"
	    "\"cents\":%lld,\"expired_before\":%lld}",
	    (unsigned long long)*count, (long long)*cents, (long long)before);
	if (sq_step_done(s, expire_mark, "expiring vouchers", err) != 0 ||
	    store_audit_append(s, now, actor, "voucher.expire", "vouchers",
	    detail, err) != 0 || sq_commit(s, err) != 0) {
		sq_rollback(s);
		*count = 0;
		*cents = 0;
		return -1;
	}
	return 0;
}
