/* store_sqlite_redeem.c -- exactly-once redemption of vouchers.
 *
 * A voucher is redeemed at most once by construction, not by a check in
 * this code: the voucher moves from "issued" to "redeemed" by a
 * conditional UPDATE (which changes no row once it has moved), and the
 * accepted redemption of a serial is unique (the partial unique index
 * redemption_once). Whatever the order in which records arrive, the first
 * committed wins; every later record of that serial is kept as a conflict
 * that points at the winner. Records share group commits with the other
 * writers (store_sqlite_group.c): no answer leaves before its commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/controlkey.h"
#include "passnum/request.h"
#include "honest_time.h"
#include "store_sqlite.h"

struct redeem_job {
	const struct store_terminal *t;
	const struct store_nonce *nonce;
	struct store_redeem_record *recs;
	size_t n;
	const struct store_redeem_rules *rules;
	bool suspended;			/* the terminal, during this job */
};

/* A record sent again. */
SQ_QUERY_SHARED(q_redemption_by_id,
    "SELECT serial, terminal_id, outcome, answer FROM redemption"
    " WHERE redemption_id = ?1");

/*
 * A record whose id is stored already: the same voucher from the same
 * terminal gets the stored answer again (a retry after a lost answer);
 * anything else is a reuse of the id. Returns 1 when found, 0 when not,
 * -1 on error.
 */
static int
stored_answer(struct store *s, const struct store_terminal *t,
    struct store_redeem_record *r, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_redemption_by_id);
	const char *text;
	int rc;

	sqlite3_bind_blob(st, 1, r->redemption_id, 16, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sq_done(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sq_done(st);
		return sq_error(s, rc, "finding the redemption", err);
	}
	if ((uint64_t)sqlite3_column_int64(st, 0) != r->voucher->serial ||
	    sqlite3_column_int64(st, 1) != t->id) {
		r->result = STORE_REDEEM_ID_REUSED;
	} else {
		text = (const char *)sqlite3_column_text(st, 3);
		free(r->answer);	/* the one rendered beforehand */
		r->answer = text != NULL ? strdup(text) : NULL;
		if (r->answer == NULL) {
			sq_done(st);
			return pn_error_set(err, PN_E_NOMEM, "out of memory");
		}
		r->result = strcmp((const char *)sqlite3_column_text(st, 2),
		    "accepted") == 0 ? STORE_REDEEM_ACCEPTED :
		    STORE_REDEEM_CONFLICT;
		r->replay = true;
	}
	sq_done(st);
	return 1;
}

/* Bind the serial and the signed fields of v to st's ?1 to ?7. */
static void
bind_voucher(sqlite3_stmt *st, const struct pn_voucher *v)
{
	sqlite3_bind_int64(st, 1, (int64_t)v->serial);
	sqlite3_bind_int64(st, 2, v->kid);
	sqlite3_bind_int64(st, 3, v->programme);
	sqlite3_bind_int64(st, 4, v->value_cents);
	sqlite3_bind_int64(st, 5, v->issued_at);
	sqlite3_bind_int64(st, 6, v->expires_at);
	sqlite3_bind_blob(st, 7, v->signature, PN_SIGNATURE_SIZE,
	    SQLITE_STATIC);
}

/* Why it was not taken. */
SQ_QUERY(q_voucher_state,
    "SELECT status, value, kid = ?2 AND programme_id = ?3 AND value = ?4"
    " AND issued_at = ?5 AND expires_at = ?6 AND signature = ?7"
    " FROM voucher WHERE serial = ?1");

/* The accepted record of a serial. */
SQ_QUERY(q_redemption_winner,
    "SELECT r.id, r.redemption_id, r.venue_id, v.name, r.received_at"
    " FROM redemption r JOIN venue v ON v.id = r.venue_id"
    " WHERE r.serial = ?1 AND r.outcome = 'accepted'");

/*
 * Why the voucher was not taken: r->result says; for a conflict d names
 * the winner and *winner_row is its row. 0 or -1.
 */
static int
not_taken(struct store *s, struct store_redeem_record *r,
    struct store_decision *d, int64_t *winner_row, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_voucher_state);
	sqlite3_stmt *w = sq_stmt(s, &q_redemption_winner);
	char status[16];
	bool same;
	int rc;

	bind_voucher(st, r->voucher);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sq_done(st);
		if (rc != SQLITE_DONE)
			return sq_error(s, rc, "reading the voucher", err);
		r->result = STORE_REDEEM_UNKNOWN;
		return 0;
	}
	sq_copy_text(status, sizeof(status), st, 0);
	d->value = sqlite3_column_int64(st, 1);
	same = sqlite3_column_int(st, 2) == 1;
	sq_done(st);
	if (!same) {
		r->result = STORE_REDEEM_MISMATCH;
		return 0;
	}
	if (strcmp(status, "cancelled") == 0) {
		r->result = STORE_REDEEM_CANCELLED;
		return 0;
	}
	if (strcmp(status, "expired") == 0) {
		r->result = STORE_REDEEM_EXPIRED;
		return 0;
	}
	/* "redeemed" or "settled": the winner must exist. */
	sqlite3_bind_int64(w, 1, (int64_t)r->voucher->serial);
	rc = sqlite3_step(w);
	if (rc != SQLITE_ROW) {
		sq_done(w);
		if (rc != SQLITE_DONE)
			return sq_error(s, rc, "finding the winner", err);
		return pn_error_set(err, PN_E_FORMAT, "voucher %llu is %s "
		    "but has no accepted redemption",
		    (unsigned long long)r->voucher->serial, status);
	}
	d->outcome = STORE_REDEEM_CONFLICT;
	*winner_row = sqlite3_column_int64(w, 0);
	if (sqlite3_column_bytes(w, 1) == 16)
		memcpy(d->winner_id, sqlite3_column_blob(w, 1), 16);
	d->winner_venue_id = sqlite3_column_int64(w, 2);
	sq_copy_text(d->winner_venue_name, sizeof(d->winner_venue_name), w, 3);
	d->winner_at = sqlite3_column_int64(w, 4);
	sq_done(w);
	r->result = STORE_REDEEM_CONFLICT;
	return 0;
}

/* ... of a terminal, of its venue. */
SQ_QUERY(q_key_failure_count,
    "SELECT (SELECT count(*) FROM control_key_failure"
    "  WHERE terminal_id = ?1 AND at > ?3),"
    " (SELECT count(*) FROM control_key_failure"
    "  WHERE venue_id = ?2 AND at > ?3)");

/* A wrong control key. */
SQ_QUERY(q_key_failure_insert,
    "INSERT INTO control_key_failure (at, terminal_id, venue_id, serial,"
    " redemption_id) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (redemption_id) DO NOTHING");

/* ... too many of them. */
SQ_QUERY(q_terminal_suspend,
    "UPDATE terminal SET suspended_at = ?2, suspend_reason = ?3"
    " WHERE id = ?1 AND suspended_at IS NULL");

/*
 * A wrong control key: recorded and counted, and past the limits the
 * terminal is suspended pending review. 0 (r->result set) or -1.
 */
static int
key_failure(struct store *s, struct redeem_job *j,
    struct store_redeem_record *r, struct pn_error *err)
{
	const struct store_redeem_rules *rules = j->rules;
	const struct store_terminal *t = j->t;
	sqlite3_stmt *st = sq_stmt(s, &q_key_failure_count);
	char actor[32], detail[160], reason[256];
	int64_t by_terminal, by_venue;
	int rc;
	sqlite3_stmt *key_failure_insert = sq_stmt(s, &q_key_failure_insert);

	r->result = STORE_REDEEM_BAD_KEY;
	sqlite3_bind_int64(key_failure_insert, 1, rules->now);
	sqlite3_bind_int64(key_failure_insert, 2, t->id);
	sqlite3_bind_int64(key_failure_insert, 3, t->venue_id);
	sqlite3_bind_int64(key_failure_insert, 4,
	    (int64_t)r->voucher->serial);
	sqlite3_bind_blob(key_failure_insert, 5, r->redemption_id, 16,
	    SQLITE_STATIC);
	if (sq_step_done(s, key_failure_insert, "recording a wrong "
	    "control key", err) != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 0;	/* the same record again: counted once */
	(void)snprintf(actor, sizeof(actor), "terminal:%lld",
	    (long long)t->id);
	(void)snprintf(detail, sizeof(detail), "{\"serial\":%llu,"
	    "\"venue\":%lld}", (unsigned long long)r->voucher->serial,
	    (long long)t->venue_id);
	if (store_audit_append(s, rules->now, actor, "redeem.bad_key", actor,
	    detail, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, t->id);
	sqlite3_bind_int64(st, 2, t->venue_id);
	sqlite3_bind_int64(st, 3, rules->now - rules->key_window);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sq_done(st);
		return sq_error(s, rc, "counting wrong control keys", err);
	}
	by_terminal = sqlite3_column_int64(st, 0);
	by_venue = sqlite3_column_int64(st, 1);
	sq_done(st);
	if (by_terminal < (int64_t)rules->key_limit_terminal &&
	    by_venue < (int64_t)rules->key_limit_venue)
		return 0;
	/* Shown on the pages as it is: French, a real plural. */
	(void)snprintf(reason, sizeof(reason), "%lld %s à ce poste et %lld "
	    "pour le lieu en %lld heures", (long long)by_terminal,
	    by_terminal > 1 ? "clés de contrôle erronées" :
	    "clé de contrôle erronée", (long long)by_venue,
	    (long long)(rules->key_window / 3600));
	st = sq_stmt(s, &q_terminal_suspend);
	sqlite3_bind_int64(st, 1, t->id);
	sqlite3_bind_int64(st, 2, rules->now);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
	if (sq_step_done(s, st, "suspending the terminal", err) != 0)
		return -1;
	j->suspended = true;
	if (sqlite3_changes(s->db) == 0)
		return 0;	/* suspended already, by an earlier job */
	(void)snprintf(detail, sizeof(detail), "{\"venue\":%lld,"
	    "\"failures_terminal\":%lld,\"failures_venue\":%lld}",
	    (long long)t->venue_id, (long long)by_terminal,
	    (long long)by_venue);
	return store_audit_append(s, rules->now, actor, "terminal.suspend",
	    actor, detail, err);
}

/* A typed voucher. */
SQ_QUERY(q_voucher_by_serial,
    "SELECT kid, programme_id, value, issued_at, expires_at, signature"
    " FROM voucher WHERE serial = ?1");

/*
 * A typed record: the voucher issued under its serial, when the key is
 * its key, fills r->voucher and must pass the checks a scanned voucher
 * passes. 0 when it did (go on), 1 when r->result says why not, -1.
 */
static int
typed_voucher(struct store *s, struct redeem_job *j,
    struct store_redeem_record *r, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_voucher_by_serial);
	struct pn_voucher *v = r->voucher;
	char key[PN_CONTROL_KEY_SIZE];
	bool match = false;
	int rc;

	sqlite3_bind_int64(st, 1, (int64_t)v->serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 5) == 64) {
		v->format = PN_VOUCHER_FORMAT;
		v->kid = (uint16_t)sqlite3_column_int64(st, 0);
		v->programme = (uint32_t)sqlite3_column_int64(st, 1);
		v->value_cents = (uint32_t)sqlite3_column_int64(st, 2);
		v->issued_at = sqlite3_column_int64(st, 3);
		v->expires_at = sqlite3_column_int64(st, 4);
		memcpy(v->signature, sqlite3_column_blob(st, 5), 64);
		pn_control_key(v->signature, key);
		match = pn_control_key_equal(key, r->key);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_done(st);
		return sq_error(s, rc, "reading a typed voucher", err);
	}
	sq_done(st);
	/* No such serial and a wrong key look the same to the one typing. */
	if (!match)
		return key_failure(s, j, r, err) != 0 ? -1 : 1;
	if ((r->reason = j->rules->check(j->rules->check_ctx, v, r->at)) != 0) {
		r->result = STORE_REDEEM_REFUSED;
		return 1;
	}
	return 0;
}

/*
 * Through the booklet's few vouchers (voucher_booklet) and the
 * accepted redemption of each (redemption_once), not through the
 * session's redemptions, which may be thousands; and not at all when
 * the rule allows a whole booklet in a session.
 */
SQ_QUERY(q_booklet_in_session,
    "SELECT p.max_per_session, CASE WHEN p.max_per_session"
    "  < p.per_booklet THEN (SELECT count(*) FROM voucher o"
    "  JOIN redemption r ON r.serial = o.serial AND r.outcome = 'accepted'"
    "  WHERE o.booklet_id = v.booklet_id AND o.serial <> v.serial"
    "  AND r.session_id = ?2) ELSE 0 END"
    " FROM voucher v JOIN programme p ON p.id = v.programme_id"
    " WHERE v.serial = ?1");

/*
 * The programme's max_per_session vouchers of one booklet in one session.
 * 0 when this one may join them, 1 when not (r->result set), -1.
 */
static int
booklet_share(struct store *s, struct store_redeem_record *r,
    int64_t session_id, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_booklet_in_session);
	int rc, over = 0;

	sqlite3_bind_int64(st, 1, (int64_t)r->voucher->serial);
	sqlite3_bind_int64(st, 2, session_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		over = sqlite3_column_int64(st, 1) >=
		    sqlite3_column_int64(st, 0);
	sq_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_error(s, rc, "counting the booklet's vouchers", err);
	if (over)
		r->result = STORE_REDEEM_BOOKLET_LIMIT;
	return over;	/* no such voucher: the take below says so */
}

SQ_QUERY_SHARED(q_redemption_insert,
    "INSERT INTO redemption (redemption_id, serial, session_id,"
    " terminal_id, venue_id, terminal_time, counter, record_signature,"
    " outcome, winner_id, value, received_at, answer, flags)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
    " ?14)");

/* Only the very voucher issued: every signed field and the signature. */
SQ_QUERY(q_voucher_take,
    "UPDATE voucher SET status = 'redeemed'"
    " WHERE serial = ?1 AND status = 'issued' AND kid = ?2"
    " AND programme_id = ?3 AND value = ?4 AND issued_at = ?5"
    " AND expires_at = ?6 AND signature = ?7");

SQ_QUERY_SHARED(q_deny_redeemed,
    "INSERT OR IGNORE INTO deny_event (serial, reason, at)"
    " VALUES (?1, 2, ?2)");

/* Judge and write one record. 0 (r->result set) or -1. */
static int
redeem_one(struct store *s, struct redeem_job *j,
    struct store_redeem_record *r, struct pn_error *err)
{
	const struct store_redeem_rules *rules = j->rules;
	sqlite3_stmt *ins = sq_stmt(s, &q_redemption_insert);
	struct store_decision d;
	struct store_training session;
	int64_t winner_row = 0, now = rules->now;
	char object[64], detail[160], actor[32];
	int rc;
	sqlite3_stmt *voucher_take = sq_stmt(s, &q_voucher_take);
	sqlite3_stmt *deny_redeemed = sq_stmt(s, &q_deny_redeemed);

	if ((rc = stored_answer(s, j->t, r, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (j->suspended) {
		r->result = STORE_REDEEM_SUSPENDED;
		return 0;
	}
	/* After the stored answer: a retry of a record taken is answered. */
	if (r->backdated) {
		r->result = STORE_REDEEM_BACKDATED;
		return 0;
	}
	rc = sq_training_by_uid(s, r->session_uid, &session, err);
	if (rc < 0)
		return -1;
	if (rc == 1 || session.venue_id != j->t->venue_id) {
		r->result = STORE_REDEEM_NO_SESSION;
		return 0;
	}
	if (r->typed && (rc = typed_voucher(s, j, r, err)) != 0)
		return rc < 0 ? -1 : 0;
	/*
	 * Taken at the session: online it must be now, within its hours;
	 * offline the terminal's word is all there is, and what falls
	 * outside is flagged for the approver.
	 */
	if (!honest_in_session_hours(rules->offline ? r->terminal_time : now,
	    session.starts_at, session.duration_minutes)) {
		if (!rules->offline) {
			r->result = STORE_REDEEM_OUTSIDE_HOURS;
			return 0;
		}
		r->flags |= STORE_FLAG_OUTSIDE_HOURS;
	}
	if ((rc = booklet_share(s, r, session.id, err)) != 0)
		return rc < 0 ? -1 : 0;
	memset(&d, 0, sizeof(d));
	memcpy(d.redemption_id, r->redemption_id, 16);
	d.serial = r->voucher->serial;
	d.decided_at = now;
	d.venue_id = j->t->venue_id;
	bind_voucher(voucher_take, r->voucher);
	if (sq_step_done(s, voucher_take, "taking the voucher", err) != 0)
		return -1;
	if (sqlite3_changes(s->db) == 1) {
		/* The very voucher issued: its value is the stored one. */
		d.value = r->voucher->value_cents;
		d.outcome = STORE_REDEEM_ACCEPTED;
		memcpy(d.winner_id, r->redemption_id, 16);
		d.winner_venue_id = j->t->venue_id;
		(void)snprintf(d.winner_venue_name, sizeof(d.winner_venue_name),
		    "%s", j->t->venue_name);
		d.winner_at = now;
		r->result = STORE_REDEEM_ACCEPTED;
	} else {
		if (not_taken(s, r, &d, &winner_row, err) != 0)
			return -1;
		if (r->result != STORE_REDEEM_CONFLICT)
			return 0;
	}
	if (d.outcome != STORE_REDEEM_ACCEPTED || r->answer == NULL) {
		/* Not the answer rendered beforehand: render it now. */
		free(r->answer);
		if ((r->answer = rules->answer(rules->answer_ctx, &d, err)) ==
		    NULL)
			return -1;
	}
	sqlite3_bind_blob(ins, 1, r->redemption_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, (int64_t)r->voucher->serial);
	sqlite3_bind_int64(ins, 3, session.id);
	sqlite3_bind_int64(ins, 4, j->t->id);
	sqlite3_bind_int64(ins, 5, j->t->venue_id);
	sqlite3_bind_int64(ins, 6, r->terminal_time);
	sqlite3_bind_int64(ins, 7, (int64_t)r->counter);
	sqlite3_bind_blob(ins, 8, r->record_signature, 64, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, d.outcome == STORE_REDEEM_ACCEPTED ?
	    "accepted" : "conflict", -1, SQLITE_STATIC);
	if (winner_row != 0)
		sqlite3_bind_int64(ins, 10, winner_row);
	else
		sqlite3_bind_null(ins, 10);
	sqlite3_bind_int64(ins, 11, d.value);
	sqlite3_bind_int64(ins, 12, now);
	sqlite3_bind_text(ins, 13, r->answer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 14, r->flags);
	if (sq_step_done(s, ins, "recording the redemption", err) != 0)
		return -1;
	(void)snprintf(object, sizeof(object), "voucher:%llu",
	    (unsigned long long)r->voucher->serial);
	(void)snprintf(detail, sizeof(detail), "{\"redemption\":%lld,"
	    "\"venue\":%lld,\"terminal\":%lld,\"session\":%lld%s}",
	    (long long)sqlite3_last_insert_rowid(s->db),
	    (long long)j->t->venue_id, (long long)j->t->id,
	    (long long)session.id, winner_row != 0 ? ",\"lost\":true" : "");
	if (d.outcome == STORE_REDEEM_ACCEPTED) {
		sqlite3_bind_int64(deny_redeemed, 1,
		    (int64_t)r->voucher->serial);
		sqlite3_bind_int64(deny_redeemed, 2, now);
		if (sq_step_done(s, deny_redeemed, "adding to the deny list",
		    err) != 0)
			return -1;
	}
	(void)snprintf(actor, sizeof(actor), "terminal:%lld",
	    (long long)j->t->id);
	return store_audit_append(s, now, actor, d.outcome ==
	    STORE_REDEEM_ACCEPTED ? "redeem" : "redeem.conflict", object,
	    detail, err);
}

static void
forget_answers(struct store_redeem_record *recs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(recs[i].answer);
		recs[i].answer = NULL;
	}
}

static int
redeem_job_run(struct store *s, void *arg, bool *kept, struct pn_error *err)
{
	struct redeem_job *j = arg;
	struct store_redeem_record *r;
	size_t i;
	int rc;

	*kept = false;
	if (j->nonce != NULL &&
	    (rc = sq_nonce_use(s, j->t->id, j->nonce, j->rules->now,
	    err)) != 0) {
		forget_answers(j->recs, j->n);
		return rc;	/* 1: a replay, nothing to keep */
	}
	for (i = 0; i < j->n; i++) {
		r = &j->recs[i];
		if (r->refused)
			continue;	/* refused before the store */
		if (redeem_one(s, j, r, err) != 0) {
			forget_answers(j->recs, j->n);
			return -1;
		}
		if (r->result != STORE_REDEEM_ACCEPTED &&
		    r->result != STORE_REDEEM_CONFLICT) {
			free(r->answer);	/* the one rendered beforehand */
			r->answer = NULL;
		}
	}
	*kept = true;
	return 0;
}

static void
redeem_end(void *arg, int result)
{
	struct redeem_job *j = arg;

	if (result < 0)
		forget_answers(j->recs, j->n);
}

struct store_write *
store_redeem_submit(struct store *s, const struct store_terminal *t,
    const struct store_nonce *nonce, struct store_redeem_record *recs,
    size_t n, const struct store_redeem_rules *rules, store_write_done done,
    void *ctx, struct pn_error *err)
{
	struct store_write *w = sq_write_new(sizeof(struct redeem_job),
	    redeem_job_run, redeem_end, done, ctx, err);
	struct redeem_job *j;

	if (w == NULL) {
		forget_answers(recs, n);
		return NULL;
	}
	j = (struct redeem_job *)w->arg;
	*j = (struct redeem_job){ t, nonce, recs, n, rules,
	    t->suspended_at != 0 };
	if (sq_write_submit(s, w, err) != 0) {
		forget_answers(recs, n);
		return NULL;
	}
	return w;
}

int
store_redeem(struct store *s, const struct store_terminal *t,
    const struct store_nonce *nonce, struct store_redeem_record *recs,
    size_t n, const struct store_redeem_rules *rules, struct pn_error *err)
{
	struct redeem_job job = { t, nonce, recs, n, rules,
	    t->suspended_at != 0 };
	int rc = sq_group_run(s, redeem_job_run, &job, err);

	if (rc < 0)
		forget_answers(recs, n);
	return rc;
}
