/* store_sqlite_disputes.c -- holding a redemption out of settlement, and letting it go.
 *
 * An open dispute holds its redemption's whole session out of drafts (the
 * pool in store_sqlite_settle.c); one upheld keeps that redemption out
 * for good; one dismissed lets it be paid. The unique partial index
 * dispute_open allows one open dispute per redemption.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "errors.h"
#include "store_sqlite.h"

/* An audit row on dispute id (sq_audit_json). */
static int
dispute_audit(struct store *s, int64_t now, const char *actor,
    const char *action, int64_t id, json_t *o, struct pn_error *err)
{
	char object[40];

	(void)snprintf(object, sizeof(object), "dispute:%lld", (long long)id);
	return sq_audit_json(s, now, actor, action, object, o, err);
}

/* What a dispute of serial must know first. */
struct target {
	int64_t redemption_id;
	bool accepted;
	int64_t window_from;	/* the session's end, or the arrival if later */
	bool in_batch;
	bool disputed;
	bool upheld;		/* a dispute of it was upheld */
};

/* 0 and *t, 1 when serial has no redemption, -1. */
static int
target_find(struct store *s, uint64_t serial, struct target *t,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT r.id, r.outcome = 'accepted',"
	    " max(t.starts_at + t.duration_minutes * 60, r.received_at),"
	    " EXISTS (SELECT 1 FROM settlement_item i"
	    "  WHERE i.redemption_id = r.id AND i.active = 1),"
	    " EXISTS (SELECT 1 FROM dispute d"
	    "  WHERE d.redemption_id = r.id AND d.resolution IS NULL),"
	    " EXISTS (SELECT 1 FROM dispute d"
	    "  WHERE d.redemption_id = r.id AND d.resolution = 'upheld')"
	    " FROM redemption r JOIN training_session t ON t.id = r.session_id"
	    " WHERE r.serial = ? ORDER BY r.outcome = 'accepted' DESC LIMIT 1",
	    &st, "preparing a dispute", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->redemption_id = sqlite3_column_int64(st, 0);
		t->accepted = sqlite3_column_int(st, 1) != 0;
		t->window_from = sqlite3_column_int64(st, 2);
		t->in_batch = sqlite3_column_int(st, 3) != 0;
		t->disputed = sqlite3_column_int(st, 4) != 0;
		t->upheld = sqlite3_column_int(st, 5) != 0;
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding the redemption", err);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Why target t cannot be disputed at now: an err_code, or 0 when it can. */
static int
target_refusal(const struct target *t, uint64_t serial,
    int64_t contest_seconds, int64_t now, struct pn_error *err)
{
	if (!t->accepted) {
		pn_error_set(err, PN_E_ARG, "voucher %llu: its only "
		    "redemptions are conflicts, never paid",
		    (unsigned long long)serial);
		return ERR_DISPUTE_NOT_ACCEPTED;
	}
	if (t->in_batch) {
		pn_error_set(err, PN_E_ARG, "voucher %llu: its redemption is in "
		    "a settlement batch", (unsigned long long)serial);
		return ERR_REDEMPTION_IN_BATCH;
	}
	if (t->disputed) {
		pn_error_set(err, PN_E_ARG, "voucher %llu: a dispute is "
		    "already open", (unsigned long long)serial);
		return ERR_DISPUTE_ALREADY_OPEN;
	}
	/*
	 * Upheld, the redemption is never paid; another dispute would only
	 * hold the rest of its session out again, as often as it is opened.
	 */
	if (t->upheld) {
		pn_error_set(err, PN_E_ARG, "voucher %llu: a dispute of its "
		    "redemption was upheld already", (unsigned long long)serial);
		return ERR_DISPUTE_UPHELD;
	}
	if (t->window_from + contest_seconds <= now) {
		pn_error_set(err, PN_E_ARG, "voucher %llu: the contest window "
		    "closed %lld second(s) ago", (unsigned long long)serial,
		    (long long)(now - t->window_from - contest_seconds));
		return ERR_CONTEST_WINDOW_PASSED;
	}
	return 0;
}

int
store_dispute_open(struct store *s, uint64_t serial, const char *reason,
    int64_t contest_seconds, int64_t user_id, int64_t now, const char *actor,
    int64_t *id, struct pn_error *err)
{
	struct target t;
	sqlite3_stmt *st;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if ((rc = target_find(s, serial, &t, err)) != 0) {
		sq_rollback(s);
		if (rc < 0)
			return -1;
		pn_error_set(err, PN_E_ARG, "voucher %llu has no redemption",
		    (unsigned long long)serial);
		return ERR_REDEMPTION_NOT_FOUND;
	}
	if ((rc = target_refusal(&t, serial, contest_seconds, now, err)) != 0) {
		sq_rollback(s);
		return rc;
	}
	if (sq_prepare(s, "INSERT INTO dispute (redemption_id, reason,"
	    " opened_by, opened_at) VALUES (?, ?, ?, ?)", &st,
	    "preparing the dispute", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, t.redemption_id);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "opening the dispute", err);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(s->db);
	if (dispute_audit(s, now, actor, "dispute.open", *id, json_pack(
	    "{s:I, s:I, s:s}", "serial", (json_int_t)serial, "redemption",
	    (json_int_t)t.redemption_id, "reason", reason), err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

int
store_dispute_resolve(struct store *s, int64_t id, bool uphold,
    const char *note, int64_t user_id, int64_t now, const char *actor,
    struct pn_error *err)
{
	const char *resolution = uphold ? "upheld" : "dismissed";
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	rc = sq_update_row(s, "UPDATE dispute SET resolution = ?2,"
	    " resolution_note = ?3, resolved_by = ?4, resolved_at = ?5"
	    " WHERE id = ?1 AND resolution IS NULL", id, resolution, note,
	    user_id, now, "closing the dispute", err);
	if (rc < 0)
		goto fail;
	if (rc != 1) {
		sq_rollback(s);
		pn_error_set(err, PN_E_ARG, "no open dispute %lld",
		    (long long)id);
		return ERR_DISPUTE_NOT_FOUND;
	}
	if (dispute_audit(s, now, actor, "dispute.resolve", id, json_pack(
	    "{s:s, s:s}", "resolution", resolution, "note", note), err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

int
store_dispute_each(struct store *s, bool open_only, unsigned limit,
    int (*fn)(void *ctx, const struct store_dispute *d), void *ctx,
    struct pn_error *err)
{
	struct store_dispute d;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT d.id, r.serial, r.id, r.value, v.name,"
	    " t.starts_at, t.theme, d.reason, uo.login, d.opened_at,"
	    " coalesce(d.resolution, ''), coalesce(d.resolution_note, ''),"
	    " coalesce(ur.login, ''), coalesce(d.resolved_at, 0)"
	    " FROM dispute d JOIN redemption r ON r.id = d.redemption_id"
	    " JOIN venue v ON v.id = r.venue_id"
	    " JOIN training_session t ON t.id = r.session_id"
	    " JOIN user uo ON uo.id = d.opened_by"
	    " LEFT JOIN user ur ON ur.id = d.resolved_by"
	    " WHERE ?1 = 0 OR d.resolution IS NULL"
	    " ORDER BY d.resolution IS NULL DESC, d.id DESC LIMIT ?2", &st,
	    "preparing the disputes", err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, open_only ? 1 : 0);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&d, 0, sizeof(d));
		d.id = sqlite3_column_int64(st, 0);
		d.serial = (uint64_t)sqlite3_column_int64(st, 1);
		d.redemption_id = sqlite3_column_int64(st, 2);
		d.value = sqlite3_column_int64(st, 3);
		sq_copy_text(d.venue_name, sizeof(d.venue_name), st, 4);
		d.session_starts_at = sqlite3_column_int64(st, 5);
		sq_copy_text(d.theme, sizeof(d.theme), st, 6);
		sq_copy_text(d.reason, sizeof(d.reason), st, 7);
		sq_copy_text(d.opened_by_login, sizeof(d.opened_by_login), st,
		    8);
		d.opened_at = sqlite3_column_int64(st, 9);
		sq_copy_text(d.resolution, sizeof(d.resolution), st, 10);
		sq_copy_text(d.resolution_note, sizeof(d.resolution_note), st,
		    11);
		sq_copy_text(d.resolved_by_login, sizeof(d.resolved_by_login),
		    st, 12);
		d.resolved_at = sqlite3_column_int64(st, 13);
		if (fn(ctx, &d) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing the disputes", err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
