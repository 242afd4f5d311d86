/* store_sqlite_restore.c -- receipts resent by terminals: the redemptions the database still holds, and those it lost, put back.
 *
 * A terminal keeps the server's signed receipt of every redemption the
 * server accepted, and sends them back until a checkpoint anchors them
 * (docs/terminal.md). Most are found where they were: one look-up by
 * redemption_id (q_redemption_by_id, prepared once). One that
 * is not there was lost with part of the database; what can be put back is
 * put back in the same transaction as the request's nonce, with an
 * integrity alarm, a row of redemption_restored and an audit row, and what
 * cannot (the voucher is gone, or taken again since) raises an alarm and
 * writes nothing else. That path is rare: its statements are prepared
 * when used.
 *
 * Exactly-once holds here as everywhere: the voucher moves from "issued"
 * by a conditional UPDATE, and the unique index redemption_once refuses a
 * second accepted redemption of a serial.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "passnum/controlkey.h"
#include "store_sqlite.h"

struct restore_job {
	const struct store_terminal *t;
	const struct store_nonce *nonce;
	struct store_receipt *items;
	size_t n;
	int64_t now;
	store_receipt_words_fn words;
	void *words_ctx;
};

/*
 * The redemption stored under r's id. 0 when none (lost); 1 with
 * r->status set when there is one of r's serial and terminal, accepted
 * (known), or one of another serial or terminal (its id reused); 2 when
 * it is r's, stored as a conflict: the record was sent again after the
 * loss and lost to a redemption made since. -1 on error.
 */
static int
stored(struct store *s, const struct store_terminal *t,
    struct store_receipt *r, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_redemption_by_id);
	const unsigned char *outcome;
	int rc;

	sqlite3_bind_blob(st, 1, r->redemption_id, 16, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sq_done(st);
		return rc == SQLITE_DONE ? 0 : sq_error(s, rc, "receipts: "
		    "finding the redemption", err);
	}
	outcome = sqlite3_column_text(st, 2);
	if ((uint64_t)sqlite3_column_int64(st, 0) != r->serial ||
	    sqlite3_column_int64(st, 1) != t->id)
		r->status = STORE_RECEIPT_ID_REUSED;
	else if (outcome != NULL &&
	    strcmp((const char *)outcome, "accepted") == 0)
		r->status = STORE_RECEIPT_KNOWN;
	else
		rc = 2;
	sq_done(st);
	return rc == 2 ? 2 : 1;
}

/*
 * The voucher issued under serial into *v and its status: 0, 1 when there
 * is none, -1.
 */
static int
issued_voucher(struct store *s, uint64_t serial, struct pn_voucher *v,
    char status[16], struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT status, kid, programme_id, value, issued_at,"
	    " expires_at, signature FROM voucher WHERE serial = ?1", &st,
	    "receipts: reading the voucher", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)serial);
	rc = sqlite3_step(st);
	memset(v, 0, sizeof(*v));
	if (rc == SQLITE_ROW) {
		sq_copy_text(status, 16, st, 0);
		v->format = PN_VOUCHER_FORMAT;
		v->kid = (uint16_t)sqlite3_column_int64(st, 1);
		v->programme = (uint32_t)sqlite3_column_int64(st, 2);
		v->serial = serial;
		v->value_cents = (uint32_t)sqlite3_column_int64(st, 3);
		v->issued_at = (uint32_t)sqlite3_column_int64(st, 4);
		v->expires_at = (uint32_t)sqlite3_column_int64(st, 5);
		if (sqlite3_column_bytes(st, 6) == PN_SIGNATURE_SIZE)
			memcpy(v->signature, sqlite3_column_blob(st, 6),
			    PN_SIGNATURE_SIZE);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_error(s, rc, "receipts: reading the voucher", err);
	return rc == SQLITE_ROW ? 0 : 1;
}

/*
 * The voucher issued is the one the record names, and of the receipt's
 * value: every signed field and the signature of a scanned one, the
 * control key of a typed one.
 */
static bool
same_voucher(const struct pn_voucher *v, const struct store_receipt *r)
{
	char key[PN_CONTROL_KEY_SIZE];

	if ((int64_t)v->value_cents != r->value)
		return false;
	if (r->voucher == NULL) {
		pn_control_key(v->signature, key);
		return r->key != NULL && pn_control_key_equal(key, r->key);
	}
	return r->voucher->kid == v->kid &&
	    r->voucher->programme == v->programme &&
	    r->voucher->value_cents == v->value_cents &&
	    r->voucher->issued_at == v->issued_at &&
	    r->voucher->expires_at == v->expires_at &&
	    memcmp(r->voucher->signature, v->signature,
	    PN_SIGNATURE_SIZE) == 0;
}

/*
 * The accepted redemption of serial into e (its id, venue, terminal,
 * time): 0, 1 when there is none, -1.
 */
static int
winner(struct store *s, uint64_t serial, struct store_receipt_event *e,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT r.redemption_id, r.venue_id, v.name,"
	    " r.terminal_id, r.received_at FROM redemption r"
	    " JOIN venue v ON v.id = r.venue_id"
	    " WHERE r.serial = ?1 AND r.outcome = 'accepted'", &st,
	    "receipts: finding the winner", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == 16)
			memcpy(e->winner_id, sqlite3_column_blob(st, 0), 16);
		e->winner_venue_id = sqlite3_column_int64(st, 1);
		sq_copy_text(e->winner_venue_name,
		    sizeof(e->winner_venue_name), st, 2);
		e->winner_terminal_id = sqlite3_column_int64(st, 3);
		e->winner_at = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_error(s, rc, "receipts: finding the winner", err);
	return rc == SQLITE_ROW ? 0 : 1;
}

/*
 * The alarm of kind for e, in the caller's words. With once, an alarm of
 * the same kind and words raised before is not raised again; when an
 * administrator has acknowledged it, the receipt is STORE_RECEIPT_CLOSED
 * (alarm_id that alarm): the Département dealt with it, and the terminal
 * stops sending it. 0 or -1.
 */
static int
raise_alarm(struct store *s, struct restore_job *j,
    const struct store_receipt_event *e, struct store_receipt *r,
    const char *kind, bool once, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	r->alarm[0] = '\0';
	j->words(j->words_ctx, e, r->alarm, sizeof(r->alarm));
	if (once) {
		if (sq_prepare(s, "SELECT id, acknowledged_at IS NOT NULL"
		    " FROM integrity_alarm WHERE kind = ?1 AND detail = ?2"
		    " ORDER BY id DESC LIMIT 1", &st,
		    "receipts: finding the alarm", err) != 0)
			return -1;
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->alarm, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			r->alarm_id = sqlite3_column_int64(st, 0);
			if (sqlite3_column_int(st, 1) != 0)
				r->status = STORE_RECEIPT_CLOSED;
		}
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			return 0;
		if (rc != SQLITE_DONE)
			return sq_error(s, rc, "receipts: finding the alarm",
			    err);
	}
	return store_alarm_add(s, j->now, kind, r->alarm, &r->alarm_id, err);
}

/* Make r's lost session again, for t, into *out. 0 or -1. */
static int
session_make(struct store *s, struct restore_job *j, struct store_receipt *r,
    struct store_training *out, struct pn_error *err)
{
	const struct store_training *in = r->session;
	sqlite3_stmt *ins = sq_stmt(s, &q_training_insert);
	char object[48], actor[32];
	int64_t declared = r->decided_at < j->now ? r->decided_at : j->now;
	int rc;

	/* It was declared, at the latest, when its record was accepted. */
	sqlite3_bind_blob(ins, 1, r->session_uid, 16, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, j->t->venue_id);
	sqlite3_bind_int64(ins, 3, j->t->id);
	sqlite3_bind_text(ins, 4, in->theme, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 5, in->starts_at);
	sqlite3_bind_int64(ins, 6, in->duration_minutes);
	sqlite3_bind_int64(ins, 7, declared);
	if (sq_step_done(s, ins, "receipts: making the session again",
	    err) != 0)
		return -1;
	(void)snprintf(object, sizeof(object), "session:%lld",
	    (long long)sqlite3_last_insert_rowid(s->db));
	(void)snprintf(actor, sizeof(actor), "terminal:%lld",
	    (long long)j->t->id);
	if (sq_audit_json(s, j->now, actor, "session.restore", object,
	    json_pack("{s:I, s:I, s:I, s:i, s:I}", "venue",
	    (json_int_t)j->t->venue_id, "terminal", (json_int_t)j->t->id,
	    "starts_at", (json_int_t)in->starts_at, "minutes",
	    (int)in->duration_minutes, "declared_at", (json_int_t)declared),
	    err) != 0)
		return -1;
	if ((rc = sq_training_by_uid(s, r->session_uid, out, err)) != 0)
		return rc < 0 ? -1 : pn_error_set(err, PN_E_IO, "receipts: "
		    "the session made again cannot be read back");
	r->session_made = true;
	return 0;
}

/*
 * Put r back: the voucher redeemed (from "issued"; status says what it
 * was), the redemption, its serial on the deny list, the alarm, the row of
 * redemption_restored and the audit row. 0 or -1.
 */
static int
put_back(struct store *s, struct restore_job *j, struct store_receipt *r,
    struct store_receipt_event *e, const struct store_training *session,
    struct pn_error *err)
{
	sqlite3_stmt *st, *ins = sq_stmt(s, &q_redemption_insert);
	char object[48], actor[32];
	int rc;
	sqlite3_stmt *deny_redeemed = sq_stmt(s, &q_deny_redeemed);

	if (strcmp(e->voucher_status, "issued") == 0) {
		if (sq_prepare(s, "UPDATE voucher SET status = 'redeemed'"
		    " WHERE serial = ?1 AND status = 'issued'", &st,
		    "receipts: redeeming the voucher", err) != 0)
			return -1;
		sqlite3_bind_int64(st, 1, (int64_t)r->serial);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return sq_error(s, rc, "receipts: redeeming the "
			    "voucher", err);
		if (sqlite3_changes(s->db) != 1)
			return pn_error_set(err, PN_E_IO, "receipts: voucher "
			    "%llu changed under the transaction",
			    (unsigned long long)r->serial);
	}
	sqlite3_bind_blob(ins, 1, r->redemption_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, (int64_t)r->serial);
	sqlite3_bind_int64(ins, 3, session->id);
	sqlite3_bind_int64(ins, 4, j->t->id);
	sqlite3_bind_int64(ins, 5, j->t->venue_id);
	sqlite3_bind_int64(ins, 6, r->terminal_time);
	sqlite3_bind_int64(ins, 7, (int64_t)r->counter);
	sqlite3_bind_blob(ins, 8, r->record_signature, 64, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, "accepted", -1, SQLITE_STATIC);
	sqlite3_bind_null(ins, 10);
	sqlite3_bind_int64(ins, 11, r->value);
	sqlite3_bind_int64(ins, 12, r->decided_at);
	sqlite3_bind_text(ins, 13, r->answer, -1, SQLITE_STATIC);
	/* The audit rebuilds a typed record's text from this flag. */
	sqlite3_bind_int64(ins, 14, r->voucher == NULL ? STORE_FLAG_TYPED : 0);
	if (sq_step_done(s, ins, "receipts: writing the redemption back",
	    err) != 0)
		return -1;
	r->row_id = sqlite3_last_insert_rowid(s->db);
	sqlite3_bind_int64(deny_redeemed, 1, (int64_t)r->serial);
	sqlite3_bind_int64(deny_redeemed, 2, j->now);
	if (sq_step_done(s, deny_redeemed, "receipts: adding to the deny "
	    "list", err) != 0)
		return -1;
	r->status = STORE_RECEIPT_RESTORED;
	if (raise_alarm(s, j, e, r, "receipt_restored", false, err) != 0)
		return -1;
	if (sq_prepare(s, "INSERT INTO redemption_restored (redemption_id,"
	    " alarm_id, terminal_id, restored_at) VALUES (?1, ?2, ?3, ?4)",
	    &st, "receipts: recording the restore", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, r->row_id);
	sqlite3_bind_int64(st, 2, r->alarm_id);
	sqlite3_bind_int64(st, 3, j->t->id);
	sqlite3_bind_int64(st, 4, j->now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "receipts: recording the restore", err);
	(void)snprintf(object, sizeof(object), "voucher:%llu",
	    (unsigned long long)r->serial);
	(void)snprintf(actor, sizeof(actor), "terminal:%lld",
	    (long long)j->t->id);
	return sq_audit_json(s, j->now, actor, "redeem.restore", object,
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:b}",
	    "redemption", (json_int_t)r->row_id,
	    "venue", (json_int_t)j->t->venue_id,
	    "terminal", (json_int_t)j->t->id,
	    "session", (json_int_t)session->id,
	    "alarm", (json_int_t)r->alarm_id,
	    "value", (json_int_t)r->value,
	    "decided_at", (json_int_t)r->decided_at,
	    "voucher_was", e->voucher_status,
	    "session_made", r->session_made), err);
}

/* Judge and, when it was lost, put back one item. 0 (r->status set) or -1. */
static int
restore_one(struct store *s, struct restore_job *j, struct store_receipt *r,
    struct pn_error *err)
{
	struct store_receipt_event e;
	struct store_training session;
	struct pn_voucher v;
	bool have_session;
	int rc, found;

	memset(&e, 0, sizeof(e));
	e.t = j->t;
	e.r = r;
	if ((found = stored(s, j->t, r, err)) < 0)
		return -1;
	if (found == 1)
		return 0;	/* known, or its id reused */
	if ((rc = sq_training_by_uid(s, r->session_uid, &session, err)) < 0)
		return -1;
	have_session = rc == 0;
	if (have_session && session.venue_id != j->t->venue_id) {
		r->status = STORE_RECEIPT_OTHER_SESSION;
		return 0;
	}
	if ((rc = issued_voucher(s, r->serial, &v, e.voucher_status,
	    err)) < 0)
		return -1;
	r->status = STORE_RECEIPT_UNRESTORABLE;
	if (rc == 1)
		r->why = STORE_UNRESTORABLE_NO_VOUCHER;
	else if (!same_voucher(&v, r))
		r->why = STORE_UNRESTORABLE_OTHER_VOUCHER;
	else if (strcmp(e.voucher_status, "cancelled") == 0)
		r->why = STORE_UNRESTORABLE_CANCELLED;
	else if (strcmp(e.voucher_status, "expired") == 0)
		r->why = STORE_UNRESTORABLE_EXPIRED;
	if (r->why != 0)
		return raise_alarm(s, j, &e, r, "receipt_unrestorable", true,
		    err);
	/* Taken again since the loss: by this record's conflict, or another. */
	if ((rc = winner(s, r->serial, &e, err)) < 0)
		return -1;
	if (rc == 0 || found == 2) {
		r->status = STORE_RECEIPT_CONFLICT;
		return raise_alarm(s, j, &e, r, "receipt_conflict", true, err);
	}
	if (!have_session) {
		if (r->session == NULL ||
		    memcmp(r->session->uid, r->session_uid, 16) != 0) {
			r->status = STORE_RECEIPT_NO_SESSION;
			return 0;
		}
		if (session_make(s, j, r, &session, err) != 0)
			return -1;
	}
	return put_back(s, j, r, &e, &session, err);
}

static int
restore_job_run(struct store *s, void *arg, bool *kept, struct pn_error *err)
{
	struct restore_job *j = arg;
	struct store_receipt *r;
	size_t i;
	int rc;

	*kept = false;
	if (j->nonce != NULL &&
	    (rc = sq_nonce_use(s, j->t->id, j->nonce, j->now, err)) != 0)
		return rc;	/* 1: a replay, nothing to keep */
	for (i = 0; i < j->n; i++) {
		r = &j->items[i];
		if (r->refused)
			continue;
		r->status = STORE_RECEIPT_KNOWN;
		r->why = 0;
		r->row_id = 0;
		r->alarm_id = 0;
		r->session_made = false;
		r->alarm[0] = '\0';
		if (restore_one(s, j, r, err) != 0)
			return -1;
	}
	*kept = true;
	return 0;
}

int
store_receipts_check(struct store *s, const struct store_terminal *t,
    const struct store_nonce *nonce, struct store_receipt *items, size_t n,
    int64_t now, store_receipt_words_fn words, void *words_ctx,
    struct pn_error *err)
{
	struct restore_job job = { t, nonce, items, n, now, words, words_ctx };

	return sq_group_run(s, restore_job_run, &job, err);
}
