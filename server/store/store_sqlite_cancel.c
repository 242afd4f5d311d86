/* store_sqlite_cancel.c -- cancelling vouchers and booklets, and the deny list they feed. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_sqlite.h"

/*
 * Find a row of q_voucher_find or q_booklet_find: its status and agency.
 * Returns 0, 1 when absent, -1 on error.
 */
static int
find(struct store *s, sqlite3_stmt *st, int64_t key, char *status,
    size_t len, int64_t *agency, struct pn_error *err)
{
	int rc;

	sqlite3_bind_int64(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		(void)snprintf(status, len, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		*agency = sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding what to cancel", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static int
audit(struct store *s, int64_t now, const struct store_principal *by,
    const char *action, const char *kind, int64_t id, const char *reason,
    unsigned n, struct pn_error *err)
{
	char object[64], detail[700];
	size_t i, o = 0;

	(void)snprintf(object, sizeof(object), "%s:%lld", kind, (long long)id);
	/* The reason is the caseworker's text: escape it for JSON. */
	o = (size_t)snprintf(detail, sizeof(detail), "{\"vouchers\":%u,"
	    "\"reason\":\"", n);
	for (i = 0; reason[i] != '\0' && o + 8 < sizeof(detail); i++) {
		unsigned char c = (unsigned char)reason[i];

		if (c == '"' || c == '\\') {
			detail[o++] = '\\';
			detail[o++] = (char)c;
		} else if (c < 0x20)
			o += (size_t)snprintf(detail + o, sizeof(detail) - o,
			    "\\u%04x", c);
		else
			detail[o++] = (char)c;
	}
	(void)snprintf(detail + o, sizeof(detail) - o, "\"}");
	return store_audit_append(s, now, by->login, action, object, detail,
	    err);
}

SQ_QUERY(q_voucher_find,
    "SELECT v.status, coalesce(b.agency_id, 0), v.booklet_id"
    " FROM voucher v JOIN booklet b ON b.id = v.booklet_id"
    " WHERE v.serial = ?1");

SQ_QUERY(q_voucher_cancel,
    "UPDATE voucher SET status = 'cancelled', cancelled_at = ?2,"
    " cancel_reason = ?3 WHERE serial = ?1 AND status = 'issued'");

SQ_QUERY(q_deny_insert,
    "INSERT INTO deny_event (serial, reason, at) VALUES (?1, 1, ?2)");

int
store_voucher_cancel(struct store *s, uint64_t serial, int64_t agency,
    const char *reason, const struct store_principal *by, int64_t now,
    struct pn_error *err)
{
	char status[16];
	int64_t owner;
	int rc;
	sqlite3_stmt *voucher_cancel = sq_stmt(s, &q_voucher_cancel);
	sqlite3_stmt *deny_insert = sq_stmt(s, &q_deny_insert);

	if (serial > INT64_MAX)
		return 1;
	if (sq_begin(s, err) != 0)
		return -1;
	rc = find(s, sq_stmt(s, &q_voucher_find), (int64_t)serial, status,
	    sizeof(status), &owner, err);
	if (rc == 0 && agency != 0 && owner != agency)
		rc = 1;		/* another agency's voucher: not found */
	if (rc == 0 && strcmp(status, "issued") != 0)
		rc = 2;
	if (rc != 0) {
		sq_rollback(s);
		return rc;
	}
	sqlite3_bind_int64(voucher_cancel, 1, (int64_t)serial);
	sqlite3_bind_int64(voucher_cancel, 2, now);
	sqlite3_bind_text(voucher_cancel, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(deny_insert, 1, (int64_t)serial);
	sqlite3_bind_int64(deny_insert, 2, now);
	if (sq_step_done(s, voucher_cancel, "cancelling the voucher", err) ||
	    sq_step_done(s, deny_insert, "adding to the deny list", err) ||
	    audit(s, now, by, "voucher.cancel", "voucher", (int64_t)serial,
	    reason, 1, err) != 0 || sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_booklet_find,
    "SELECT status, coalesce(agency_id, 0) FROM booklet WHERE id = ?1");

SQ_QUERY(q_booklet_deny_all,
    "INSERT INTO deny_event (serial, reason, at) SELECT serial, 1, ?2"
    " FROM voucher WHERE booklet_id = ?1 AND status = 'issued'");

SQ_QUERY(q_booklet_cancel_vouchers,
    "UPDATE voucher SET status = 'cancelled', cancelled_at = ?2,"
    " cancel_reason = ?3 WHERE booklet_id = ?1 AND status = 'issued'");

SQ_QUERY(q_booklet_cancel,
    "UPDATE booklet SET status = 'cancelled', cancel_reason = ?2"
    " WHERE id = ?1 AND status = 'issued'");

int
store_booklet_cancel(struct store *s, int64_t id, int64_t agency,
    const char *reason, const struct store_principal *by, int64_t now,
    unsigned *cancelled, struct pn_error *err)
{
	char status[16];
	int64_t owner;
	int rc;
	sqlite3_stmt *booklet_deny_all = sq_stmt(s, &q_booklet_deny_all);
	sqlite3_stmt *cancel_vouchers = sq_stmt(s, &q_booklet_cancel_vouchers);
	sqlite3_stmt *booklet_cancel = sq_stmt(s, &q_booklet_cancel);

	*cancelled = 0;
	if (sq_begin(s, err) != 0)
		return -1;
	rc = find(s, sq_stmt(s, &q_booklet_find), id, status, sizeof(status),
	    &owner, err);
	if (rc == 0 && agency != 0 && owner != agency)
		rc = 1;
	if (rc == 0 && strcmp(status, "issued") != 0)
		rc = 2;
	if (rc != 0) {
		sq_rollback(s);
		return rc;
	}
	/* Deny first: the INSERT ... SELECT reads the vouchers still issued. */
	sqlite3_bind_int64(booklet_deny_all, 1, id);
	sqlite3_bind_int64(booklet_deny_all, 2, now);
	sqlite3_bind_int64(cancel_vouchers, 1, id);
	sqlite3_bind_int64(cancel_vouchers, 2, now);
	sqlite3_bind_text(cancel_vouchers, 3, reason, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(booklet_cancel, 1, id);
	sqlite3_bind_text(booklet_cancel, 2, reason, -1, SQLITE_STATIC);
	if (sq_step_done(s, booklet_deny_all, "adding to the deny list", err))
		goto fail;
	if (sq_step_done(s, cancel_vouchers, "cancelling vouchers",
	    err))
		goto fail;
	*cancelled = (unsigned)sqlite3_changes(s->db);
	if (sq_step_done(s, booklet_cancel, "cancelling the booklet", err) ||
	    audit(s, now, by, "booklet.cancel", "booklet", id, reason,
	    *cancelled, err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	*cancelled = 0;
	return -1;
}

SQ_QUERY(q_voucher_info,
    "SELECT v.serial, v.kid, v.value, v.issued_at, v.expires_at,"
    " v.signature, v.status, v.booklet_id, v.programme_id,"
    " coalesce(b.agency_id, 0), coalesce(v.cancelled_at, 0),"
    " coalesce(v.cancel_reason, '')"
    " FROM voucher v JOIN booklet b ON b.id = v.booklet_id"
    " WHERE v.serial = ?1");

int
store_voucher_get(struct store *s, uint64_t serial, int64_t agency,
    struct store_voucher_info *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_voucher_info);
	const void *sig;
	int rc;

	memset(out, 0, sizeof(*out));
	if (serial > INT64_MAX)
		return 1;
	sqlite3_bind_int64(st, 1, (int64_t)serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->v.serial = (uint64_t)sqlite3_column_int64(st, 0);
		out->v.kid = (uint16_t)sqlite3_column_int64(st, 1);
		out->v.value = sqlite3_column_int64(st, 2);
		out->v.issued_at = sqlite3_column_int64(st, 3);
		out->v.expires_at = sqlite3_column_int64(st, 4);
		if ((sig = sqlite3_column_blob(st, 5)) != NULL &&
		    sqlite3_column_bytes(st, 5) == 64)
			memcpy(out->v.signature, sig, 64);
		(void)snprintf(out->v.status, sizeof(out->v.status), "%s",
		    (const char *)sqlite3_column_text(st, 6));
		out->booklet_id = sqlite3_column_int64(st, 7);
		out->programme_id = sqlite3_column_int64(st, 8);
		out->agency_id = sqlite3_column_int64(st, 9);
		out->cancelled_at = sqlite3_column_int64(st, 10);
		(void)snprintf(out->cancel_reason, sizeof(out->cancel_reason),
		    "%s", (const char *)sqlite3_column_text(st, 11));
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a voucher", err);
	sq_done(st);
	if (rc == SQLITE_ROW && agency != 0 && out->agency_id != agency)
		return 1;
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

SQ_QUERY(q_deny_last, "SELECT coalesce(max(seq), ?1) FROM deny_event");

SQ_QUERY(q_deny_since,
    "SELECT d.serial, v.expires_at, d.reason FROM deny_event d"
    " JOIN voucher v ON v.serial = d.serial WHERE d.seq > ?1"
    " ORDER BY d.serial");

int
store_denylist_since(struct store *s, uint64_t since,
    int (*fn)(void *ctx, uint64_t serial, int64_t expires, unsigned reason),
    void *ctx, uint64_t *to_seq, struct pn_error *err)
{
	int rc;
	sqlite3_stmt *read_begin = sq_stmt(s, &q_read_begin);
	sqlite3_stmt *deny_since = sq_stmt(s, &q_deny_since);
	sqlite3_stmt *deny_last = sq_stmt(s, &q_deny_last);

	if (since > INT64_MAX)
		return pn_error_set(err, PN_E_ARG, "sequence number too large");
	/* One read transaction: the entries and the number from one snapshot. */
	if ((rc = sqlite3_step(read_begin)) != SQLITE_DONE) {
		sq_done(read_begin);
		return sq_error(s, rc, "BEGIN", err);
	}
	sq_done(read_begin);
	sqlite3_bind_int64(deny_last, 1, (int64_t)since);
	if ((rc = sqlite3_step(deny_last)) != SQLITE_ROW) {
		sq_error(s, rc, "reading the deny list's number", err);
		goto fail;
	}
	*to_seq = (uint64_t)sqlite3_column_int64(deny_last, 0);
	sq_done(deny_last);
	sqlite3_bind_int64(deny_since, 1, (int64_t)since);
	while ((rc = sqlite3_step(deny_since)) == SQLITE_ROW)
		if (fn(ctx, (uint64_t)sqlite3_column_int64(deny_since, 0),
		    sqlite3_column_int64(deny_since, 1),
		    (unsigned)sqlite3_column_int64(deny_since, 2)) != 0) {
			pn_error_set(err, PN_E_NOMEM, "deny list: out of "
			    "memory");
			goto fail;
		}
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "reading the deny list", err);
		goto fail;
	}
	sq_done(deny_since);
	sq_rollback(s);		/* a read transaction: nothing to keep */
	return 0;
fail:
	sq_done(deny_last);
	sq_done(deny_since);
	sq_rollback(s);
	return -1;
}
