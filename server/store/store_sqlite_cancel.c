/* store_sqlite_cancel.c -- cancelling vouchers and booklets, and the deny list they feed. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_sqlite.h"

/*
 * Find a row of voucher_find or booklet_find: its status and agency.
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

int
store_voucher_cancel(struct store *s, uint64_t serial, int64_t agency,
    const char *reason, const struct store_principal *by, int64_t now,
    struct pn_error *err)
{
	char status[16];
	int64_t owner;
	int rc;

	if (serial > INT64_MAX)
		return 1;
	if (sq_begin(s, err) != 0)
		return -1;
	rc = find(s, s->voucher_find, (int64_t)serial, status, sizeof(status),
	    &owner, err);
	if (rc == 0 && agency != 0 && owner != agency)
		rc = 1;		/* another agency's voucher: not found */
	if (rc == 0 && strcmp(status, "issued") != 0)
		rc = 2;
	if (rc != 0) {
		sq_rollback(s);
		return rc;
	}
	sqlite3_bind_int64(s->voucher_cancel, 1, (int64_t)serial);
	sqlite3_bind_int64(s->voucher_cancel, 2, now);
	sqlite3_bind_text(s->voucher_cancel, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->deny_insert, 1, (int64_t)serial);
	sqlite3_bind_int64(s->deny_insert, 2, now);
	if (sq_step_done(s, s->voucher_cancel, "cancelling the voucher", err) ||
	    sq_step_done(s, s->deny_insert, "adding to the deny list", err) ||
	    audit(s, now, by, "voucher.cancel", "voucher", (int64_t)serial,
	    reason, 1, err) != 0 || sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

int
store_booklet_cancel(struct store *s, int64_t id, int64_t agency,
    const char *reason, const struct store_principal *by, int64_t now,
    unsigned *cancelled, struct pn_error *err)
{
	char status[16];
	int64_t owner;
	int rc;

	*cancelled = 0;
	if (sq_begin(s, err) != 0)
		return -1;
	rc = find(s, s->booklet_find, id, status, sizeof(status), &owner, err);
	if (rc == 0 && agency != 0 && owner != agency)
		rc = 1;
	if (rc == 0 && strcmp(status, "issued") != 0)
		rc = 2;
	if (rc != 0) {
		sq_rollback(s);
		return rc;
	}
	/* Deny first: the INSERT ... SELECT reads the vouchers still issued. */
	sqlite3_bind_int64(s->booklet_deny_all, 1, id);
	sqlite3_bind_int64(s->booklet_deny_all, 2, now);
	sqlite3_bind_int64(s->booklet_cancel_vouchers, 1, id);
	sqlite3_bind_int64(s->booklet_cancel_vouchers, 2, now);
	sqlite3_bind_text(s->booklet_cancel_vouchers, 3, reason, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s->booklet_cancel, 1, id);
	sqlite3_bind_text(s->booklet_cancel, 2, reason, -1, SQLITE_STATIC);
	if (sq_step_done(s, s->booklet_deny_all, "adding to the deny list", err))
		goto fail;
	if (sq_step_done(s, s->booklet_cancel_vouchers, "cancelling vouchers",
	    err))
		goto fail;
	*cancelled = (unsigned)sqlite3_changes(s->db);
	if (sq_step_done(s, s->booklet_cancel, "cancelling the booklet", err) ||
	    audit(s, now, by, "booklet.cancel", "booklet", id, reason,
	    *cancelled, err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	*cancelled = 0;
	return -1;
}

int
store_voucher_get(struct store *s, uint64_t serial, int64_t agency,
    struct store_voucher_info *out, struct pn_error *err)
{
	sqlite3_stmt *st = s->voucher_info;
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

int
store_denylist_since(struct store *s, uint64_t since,
    int (*fn)(void *ctx, uint64_t serial, int64_t expires, unsigned reason),
    void *ctx, uint64_t *to_seq, struct pn_error *err)
{
	int rc;

	if (since > INT64_MAX)
		return pn_error_set(err, PN_E_ARG, "sequence number too large");
	/* One read transaction: the entries and the number from one snapshot. */
	if ((rc = sqlite3_step(s->read_begin)) != SQLITE_DONE) {
		sq_done(s->read_begin);
		return sq_error(s, rc, "BEGIN", err);
	}
	sq_done(s->read_begin);
	sqlite3_bind_int64(s->deny_last, 1, (int64_t)since);
	if ((rc = sqlite3_step(s->deny_last)) != SQLITE_ROW) {
		sq_error(s, rc, "reading the deny list's number", err);
		goto fail;
	}
	*to_seq = (uint64_t)sqlite3_column_int64(s->deny_last, 0);
	sq_done(s->deny_last);
	sqlite3_bind_int64(s->deny_since, 1, (int64_t)since);
	while ((rc = sqlite3_step(s->deny_since)) == SQLITE_ROW)
		if (fn(ctx, (uint64_t)sqlite3_column_int64(s->deny_since, 0),
		    sqlite3_column_int64(s->deny_since, 1),
		    (unsigned)sqlite3_column_int64(s->deny_since, 2)) != 0) {
			pn_error_set(err, PN_E_NOMEM, "deny list: out of "
			    "memory");
			goto fail;
		}
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "reading the deny list", err);
		goto fail;
	}
	sq_done(s->deny_since);
	sq_rollback(s);		/* a read transaction: nothing to keep */
	return 0;
fail:
	sq_done(s->deny_last);
	sq_done(s->deny_since);
	sq_rollback(s);
	return -1;
}
