/* store_sqlite_booklets.c -- issuing and reading booklets on SQLite.
 *
 * A booklet exists whole or not at all: budget, serials, booklet, vouchers
 * and audit row are written inside one savepoint of one BEGIN IMMEDIATE
 * transaction, which booklets asked for at the same moment share. The budget
 * cannot be overspent by construction: the programme's committed amount
 * grows by a conditional UPDATE (committed + amount <= budget) under a
 * CHECK constraint, and writers are serialised by SQLite's write lock.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "passnum/voucher.h"
#include "store_sqlite.h"
#include "validity.h"

SQ_QUERY(q_beneficiary_upsert,
    "INSERT INTO beneficiary (ref_hash, pathway, age_band, commune,"
    " created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (ref_hash) DO UPDATE SET pathway = excluded.pathway,"
    " age_band = excluded.age_band, commune = excluded.commune"
    " RETURNING id");

/* Find or create the beneficiary of r; their id, or -1 with err. */
static int64_t
beneficiary_id(struct store *s, const struct store_booklet_request *r,
    int64_t now, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_beneficiary_upsert);
	int64_t id = -1;
	int rc;

	sqlite3_bind_blob(st, 1, r->ref_hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->pathway, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->age_band, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->commune, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		sq_error(s, rc, "recording the beneficiary", err);
	sq_done(st);
	return id;
}

/* A beneficiary hashed as typed (before schema 11), once. */
SQ_QUERY(q_beneficiary_rekey,
    "UPDATE beneficiary SET ref_hash = ?1 WHERE ref_hash = ?2"
    " AND NOT EXISTS (SELECT 1 FROM beneficiary WHERE ref_hash = ?1)");

int
store_beneficiary_rekey(struct store *s, const uint8_t normal[STORE_HASH_SIZE],
    const uint8_t typed[STORE_HASH_SIZE], struct pn_error *err)
{
	sqlite3_stmt *beneficiary_rekey = sq_stmt(s, &q_beneficiary_rekey);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_blob(beneficiary_rekey, 1, normal, STORE_HASH_SIZE,
	    SQLITE_STATIC);
	sqlite3_bind_blob(beneficiary_rekey, 2, typed, STORE_HASH_SIZE,
	    SQLITE_STATIC);
	if (sq_step_done(s, beneficiary_rekey, "moving a beneficiary to "
	    "the normal form of its reference", err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_booklet_count,
    "SELECT count(*) FROM booklet WHERE beneficiary_id = ?1"
    " AND programme_id = ?2 AND status = 'issued'");

static int64_t
count_booklets(struct store *s, int64_t beneficiary, int64_t programme,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_booklet_count);
	int64_t n = -1;
	int rc;

	sqlite3_bind_int64(st, 1, beneficiary);
	sqlite3_bind_int64(st, 2, programme);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		sq_error(s, rc, "counting booklets", err);
	sq_done(st);
	return n;
}

SQ_QUERY(q_serial_next, "SELECT next FROM serial_counter WHERE id = 1");

SQ_QUERY(q_serial_advance,
    "UPDATE serial_counter SET next = next + ?1 WHERE id = 1");

/* Reserve n serials; the first, or 0 with err. */
static uint64_t
take_serials(struct store *s, unsigned n, struct pn_error *err)
{
	uint64_t first = 0;
	int rc;
	sqlite3_stmt *serial_next = sq_stmt(s, &q_serial_next);
	sqlite3_stmt *serial_advance = sq_stmt(s, &q_serial_advance);

	if ((rc = sqlite3_step(serial_next)) == SQLITE_ROW)
		first = (uint64_t)sqlite3_column_int64(serial_next, 0);
	else
		sq_error(s, rc, "reading the serial counter", err);
	sq_done(serial_next);
	if (first == 0)
		return 0;
	sqlite3_bind_int64(serial_advance, 1, n);
	if (sq_step_done(s, serial_advance, "advancing the serial counter",
	    err) != 0)
		return 0;
	return first;
}

SQ_QUERY(q_idem_find,
    "SELECT booklet_id, request_hash FROM booklet_idempotency"
    " WHERE user_id = ?1 AND key = ?2");

/*
 * The booklet of r's idempotency key, if the same user sent it before:
 * STORE_REPLAYED with out read back, STORE_KEY_REUSED when the request
 * differed, STORE_ISSUED when the key is new (go on), or -1 with err.
 * Runs inside the issuing transaction, after the requests of the same
 * group that came first, so that five copies sent at once issue one.
 */
static int
idem_lookup(struct store *s, const struct store_booklet_request *r,
    struct store_booklet *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_idem_find);
	int64_t booklet = 0;
	bool same = false;
	const void *h;
	int rc;

	sqlite3_bind_int64(st, 1, r->by->user_id);
	sqlite3_bind_text(st, 2, r->idem_key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		booklet = sqlite3_column_int64(st, 0);
		h = sqlite3_column_blob(st, 1);
		same = h != NULL && sqlite3_column_bytes(st, 1) ==
		    STORE_HASH_SIZE && memcmp(h, r->request_hash,
		    STORE_HASH_SIZE) == 0;
	} else if (rc != SQLITE_DONE) {
		sq_error(s, rc, "reading an idempotency key", err);
		sq_done(st);
		return -1;
	}
	sq_done(st);
	if (booklet == 0)
		return STORE_ISSUED;
	if (!same)
		return STORE_KEY_REUSED;
	if ((rc = store_booklet_get(s, booklet, out, err)) != 0)
		return rc < 0 ? -1 : pn_error_set(err, PN_E_FORMAT, "booklet "
		    "%lld of an idempotency key is missing", (long long)booklet);
	return STORE_REPLAYED;
}

/* The budget check and its update are one statement. */
SQ_QUERY(q_programme_commit,
    "UPDATE programme SET committed = committed + ?1"
    " WHERE id = ?2 AND committed + ?1 <= budget");

SQ_QUERY(q_booklet_insert,
    "INSERT INTO booklet (programme_id, beneficiary_id, agency_id,"
    " issued_by, issued_at, override_reason, per_booklet)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

SQ_QUERY(q_idem_insert,
    "INSERT INTO booklet_idempotency (user_id, key, request_hash,"
    " booklet_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");

SQ_QUERY(q_voucher_insert,
    "INSERT INTO voucher (serial, booklet_id, programme_id, kid, value,"
    " issued_at, expires_at, signature)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

/*
 * Everything between BEGIN and COMMIT. Returns an enum store_issue, or -1
 * with err; the caller rolls back unless STORE_ISSUED.
 */
static int
issue_in_tx(struct store *s, const struct store_booklet_request *r,
    const struct store_signer *signer, int64_t now, struct store_booklet *out,
    struct pn_error *err)
{
	struct store_programme p;
	struct validity_rule rule;
	struct pn_voucher v;
	int64_t ben, expires, amount, n;
	uint64_t first;
	char detail[512], object[64];
	unsigned i;
	int rc;
	sqlite3_stmt *programme_commit = sq_stmt(s, &q_programme_commit);
	sqlite3_stmt *booklet_insert = sq_stmt(s, &q_booklet_insert);
	sqlite3_stmt *voucher_insert = sq_stmt(s, &q_voucher_insert);
	sqlite3_stmt *idem_insert = sq_stmt(s, &q_idem_insert);

	if (r->idem_key != NULL &&
	    (rc = idem_lookup(s, r, out, err)) != STORE_ISSUED)
		return rc;
	if ((rc = store_programme_get(s, r->programme_id, &p, err)) != 0)
		return rc < 0 ? -1 : STORE_NO_PROGRAMME;
	if (validity_parse(p.validity, &rule) != 0)
		return pn_error_set(err, PN_E_FORMAT, "programme %lld: bad "
		    "validity rule '%s'", (long long)p.id, p.validity);
	expires = validity_expiry(&rule, now);
	if (now < signer->valid_from || now > signer->sign_until ||
	    expires < 0 || expires > signer->verify_until)
		return STORE_KEY_OUT_OF_WINDOW;
	if ((ben = beneficiary_id(s, r, now, err)) < 0 ||
	    (n = count_booklets(s, ben, p.id, err)) < 0)
		return -1;
	if (n >= (int64_t)p.max_booklets && r->reason == NULL)
		return STORE_HAS_BOOKLET;
	if (p.per_booklet == 0 || p.per_booklet > STORE_BOOKLET_MAX)
		return pn_error_set(err, PN_E_FORMAT, "programme %lld: %u "
		    "vouchers per booklet", (long long)p.id, p.per_booklet);
	amount = p.face_value * (int64_t)p.per_booklet;
	sqlite3_bind_int64(programme_commit, 1, amount);
	sqlite3_bind_int64(programme_commit, 2, p.id);
	if (sq_step_done(s, programme_commit, "committing the budget", err))
		return -1;
	if (sqlite3_changes(s->db) != 1)
		return STORE_OVER_BUDGET;
	if ((first = take_serials(s, p.per_booklet, err)) == 0)
		return -1;

	sqlite3_bind_int64(booklet_insert, 1, p.id);
	sqlite3_bind_int64(booklet_insert, 2, ben);
	if (r->by->agency_id > 0)
		sqlite3_bind_int64(booklet_insert, 3, r->by->agency_id);
	else
		sqlite3_bind_null(booklet_insert, 3);
	sqlite3_bind_int64(booklet_insert, 4, r->by->user_id);
	sqlite3_bind_int64(booklet_insert, 5, now);
	if (r->reason != NULL)
		sqlite3_bind_text(booklet_insert, 6, r->reason, -1,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(booklet_insert, 6);
	sqlite3_bind_int64(booklet_insert, 7, p.per_booklet);
	if (sq_step_done(s, booklet_insert, "inserting the booklet", err))
		return -1;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_last_insert_rowid(s->db);
	out->programme_id = p.id;
	(void)snprintf(out->programme_name, sizeof(out->programme_name), "%s",
	    p.name);
	out->issued_at = now;
	out->issued_by = r->by->user_id;
	out->agency_id = r->by->agency_id;
	(void)snprintf(out->status, sizeof(out->status), "issued");
	if (r->idem_key != NULL) {
		sqlite3_bind_int64(idem_insert, 1, r->by->user_id);
		sqlite3_bind_text(idem_insert, 2, r->idem_key, -1,
		    SQLITE_STATIC);
		sqlite3_bind_blob(idem_insert, 3, r->request_hash,
		    STORE_HASH_SIZE, SQLITE_STATIC);
		sqlite3_bind_int64(idem_insert, 4, out->id);
		sqlite3_bind_int64(idem_insert, 5, now);
		if (sq_step_done(s, idem_insert, "recording the "
		    "idempotency key", err))
			return -1;
	}
	for (i = 0; i < p.per_booklet; i++) {
		struct store_voucher *sv = &out->vouchers[i];

		memset(&v, 0, sizeof(v));
		v.programme = (uint32_t)p.id;
		v.serial = first + i;
		v.value_cents = (uint32_t)p.face_value;
		v.issued_at = (uint32_t)now;
		v.expires_at = (uint32_t)expires;
		if (signer->sign(signer->ctx, &v) != 0)
			return pn_error_set(err, PN_E_CRYPTO, "signing failed");
		sv->serial = v.serial;
		sv->kid = v.kid;
		sv->value = p.face_value;
		sv->issued_at = now;
		sv->expires_at = expires;
		memcpy(sv->signature, v.signature, 64);
		(void)snprintf(sv->status, sizeof(sv->status), "issued");
		sqlite3_bind_int64(voucher_insert, 1, (int64_t)v.serial);
		sqlite3_bind_int64(voucher_insert, 2, out->id);
		sqlite3_bind_int64(voucher_insert, 3, p.id);
		sqlite3_bind_int64(voucher_insert, 4, v.kid);
		sqlite3_bind_int64(voucher_insert, 5, p.face_value);
		sqlite3_bind_int64(voucher_insert, 6, now);
		sqlite3_bind_int64(voucher_insert, 7, expires);
		sqlite3_bind_blob(voucher_insert, 8, v.signature, 64,
		    SQLITE_STATIC);
		if (sq_step_done(s, voucher_insert, "inserting a voucher", err))
			return -1;
		out->n++;
	}
	(void)snprintf(object, sizeof(object), "booklet:%lld",
	    (long long)out->id);
	(void)snprintf(detail, sizeof(detail), "{\"programme\":%lld,"
	    "\"vouchers\":%u,\"first_serial\":%llu,\"amount\":%lld,"
	    "\"override\":%s}", (long long)p.id, p.per_booklet,
	    (unsigned long long)first, (long long)amount,
	    r->reason != NULL ? "true" : "false");
	if (store_audit_append(s, now, r->by->login, "booklet.issue", object,
	    detail, err) != 0)
		return -1;
	return STORE_ISSUED;
}

/* A booklet to issue, as a job of the group commit. */
struct issue_job {
	const struct store_booklet_request *r;
	const struct store_signer *signer;
	int64_t now;
	struct store_booklet *out;
};

static int
issue_job_run(struct store *s, void *arg, bool *kept, struct pn_error *err)
{
	struct issue_job *j = arg;
	int rc = issue_in_tx(s, j->r, j->signer, j->now, j->out, err);

	*kept = rc == STORE_ISSUED;
	return rc;
}

/* Booklets asked for at the same moment share one commit (store_sqlite_group.c). */
int
store_booklet_issue(struct store *s, const struct store_booklet_request *r,
    const struct store_signer *signer, int64_t now, struct store_booklet *out,
    struct pn_error *err)
{
	struct issue_job job = { r, signer, now, out };

	return sq_group_run(s, issue_job_run, &job, err);
}

SQ_QUERY(q_booklet_get,
    "SELECT b.id, b.programme_id, p.name, b.issued_at, b.issued_by,"
    " coalesce(b.agency_id, 0), b.status"
    " FROM booklet b JOIN programme p ON p.id = b.programme_id"
    " WHERE b.id = ?1");

SQ_QUERY(q_booklet_vouchers,
    "SELECT serial, kid, value, issued_at, expires_at, signature, status"
    " FROM voucher WHERE booklet_id = ?1 ORDER BY serial");

int
store_booklet_get(struct store *s, int64_t id, struct store_booklet *out,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_booklet_get);
	sqlite3_stmt *vs = sq_stmt(s, &q_booklet_vouchers);
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			sq_error(s, rc, "reading a booklet", err);
		sq_done(st);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	out->id = sqlite3_column_int64(st, 0);
	out->programme_id = sqlite3_column_int64(st, 1);
	(void)snprintf(out->programme_name, sizeof(out->programme_name), "%s",
	    (const char *)sqlite3_column_text(st, 2));
	out->issued_at = sqlite3_column_int64(st, 3);
	out->issued_by = sqlite3_column_int64(st, 4);
	out->agency_id = sqlite3_column_int64(st, 5);
	(void)snprintf(out->status, sizeof(out->status), "%s",
	    (const char *)sqlite3_column_text(st, 6));
	sq_done(st);

	sqlite3_bind_int64(vs, 1, id);
	while (out->n < STORE_BOOKLET_MAX &&
	    (rc = sqlite3_step(vs)) == SQLITE_ROW) {
		struct store_voucher *sv = &out->vouchers[out->n++];
		const void *sig = sqlite3_column_blob(vs, 5);

		sv->serial = (uint64_t)sqlite3_column_int64(vs, 0);
		sv->kid = (uint16_t)sqlite3_column_int64(vs, 1);
		sv->value = sqlite3_column_int64(vs, 2);
		sv->issued_at = sqlite3_column_int64(vs, 3);
		sv->expires_at = sqlite3_column_int64(vs, 4);
		if (sig != NULL && sqlite3_column_bytes(vs, 5) == 64)
			memcpy(sv->signature, sig, 64);
		(void)snprintf(sv->status, sizeof(sv->status), "%s",
		    (const char *)sqlite3_column_text(vs, 6));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_error(s, rc, "reading vouchers", err);
		sq_done(vs);
		return -1;
	}
	sq_done(vs);
	return 0;
}

/*
 * Audit queries run rarely: prepared here on each call rather than kept
 * on every connection.
 */
static int
report_rows(struct store *s, const char *sql, struct store_booklet_problem *p,
    void (*fn)(void *ctx, const struct store_booklet_problem *p), void *ctx,
    int64_t *problems, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return sq_error(s, rc, "preparing an audit query", err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		p->expected_n = sqlite3_column_int64(st, 1);
		p->found_n = sqlite3_column_int64(st, 2);
		fn(ctx, p);
		(*problems)++;
	}
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "running an audit query", err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
store_check_booklets(struct store *s,
    void (*fn)(void *ctx, const struct store_booklet_problem *p), void *ctx,
    int64_t *problems, struct pn_error *err)
{
	struct store_booklet_problem booklet = { "booklet", 0,
	    "vouchers expected", 0, "found", 0 };
	struct store_booklet_problem programme = { "programme", 0,
	    "cents committed", 0, "vouchers worth", 0 };

	*problems = 0;
	/* Each booklet against the count it was issued with (schema 21). */
	if (report_rows(s, "SELECT b.id, b.per_booklet,"
	    " (SELECT count(*) FROM voucher v WHERE v.booklet_id = b.id) AS n"
	    " FROM booklet b WHERE n != b.per_booklet ORDER BY b.id",
	    &booklet, fn, ctx, problems, err) != 0)
		return -1;
	return report_rows(s, "SELECT p.id, p.committed,"
	    " (SELECT coalesce(sum(v.value), 0) FROM voucher v"
	    "  WHERE v.programme_id = p.id) AS total"
	    " FROM programme p WHERE total != p.committed ORDER BY p.id",
	    &programme, fn, ctx, problems, err);
}

struct store_write *
store_booklet_issue_submit(struct store *s,
    const struct store_booklet_request *r, const struct store_signer *signer,
    int64_t now, struct store_booklet *out, store_write_done done, void *ctx,
    struct pn_error *err)
{
	struct store_write *w = sq_write_new(sizeof(struct issue_job),
	    issue_job_run, NULL, done, ctx, err);

	struct issue_job *j;

	if (w == NULL)
		return NULL;
	j = (struct issue_job *)w->arg;
	*j = (struct issue_job){ r, signer, now, out };
	return sq_write_submit(s, w, err) == 0 ? w : NULL;
}

/*
 * A booklet's state for a caseworker (store_booklet_summary.state), from
 * the columns bstatus (the booklet's own), n (its vouchers), outstanding
 * ("issued"), used ("redeemed" or "settled") and expired: the one rule,
 * shared by the list's filter and the booklet's page.
 */
#define BOOKLET_STATE_SQL						\
    "CASE WHEN bstatus = 'cancelled' THEN 'cancelled'"			\
    " WHEN outstanding > 0 THEN 'issued'"				\
    " WHEN used = n THEN 'used'"					\
    " WHEN expired > 0 THEN 'expired' ELSE 'ended' END"

/* The counts BOOKLET_STATE_SQL reads, over vouchers v. */
#define BOOKLET_COUNTS_SQL						\
    " count(*) AS n, sum(v.status = 'issued') AS outstanding,"		\
    " sum(v.status IN ('redeemed', 'settled')) AS used,"		\
    " sum(v.status = 'expired') AS expired"

SQ_QUERY(q_booklet_state,
    "SELECT " BOOKLET_STATE_SQL " FROM (SELECT b.status AS bstatus,"
    BOOKLET_COUNTS_SQL
    " FROM booklet b JOIN voucher v ON v.booklet_id = b.id"
    " WHERE b.id = ?1 GROUP BY b.id)");

int
store_booklet_state(struct store *s, int64_t id, char state[16],
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_booklet_state);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_copy_text(state, 16, st, 0);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a booklet's state", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/*
 * Every criterion is bound, NULL or 0 when absent, so that one statement
 * serves every combination. The window count is taken before LIMIT.
 */
SQ_QUERY(q_booklet_list,
    "SELECT id, name, commune, issued_at, bstatus, n, outstanding, value,"
    " state, expiring, first_expiry, count(*) OVER ()"
    " FROM (SELECT *, " BOOKLET_STATE_SQL " AS state FROM"
    " (SELECT b.id, p.name, be.commune, b.issued_at, b.status AS bstatus,"
    BOOKLET_COUNTS_SQL ", sum(v.value) AS value,"
    "  sum(v.status = 'issued' AND v.expires_at > ?9"
    "   AND v.expires_at <= ?10) AS expiring,"
    "  min(CASE WHEN v.status = 'issued' THEN v.expires_at END)"
    "   AS first_expiry"
    "  FROM booklet b JOIN programme p ON p.id = b.programme_id"
    "  JOIN beneficiary be ON be.id = b.beneficiary_id"
    "  JOIN voucher v ON v.booklet_id = b.id"
    "  WHERE (?1 = 0 OR b.agency_id = ?1)"
    "  AND (?2 = 0 OR b.programme_id = ?2)"
    "  AND (?3 = 0 OR b.issued_at >= ?3) AND (?4 = 0 OR b.issued_at < ?4)"
    "  AND (?5 IS NULL OR be.commune = ?5 COLLATE NOCASE)"
    "  AND (?6 IS NULL OR be.ref_hash IN (?6, ?7))"
    "  AND (?13 = 0 OR b.issued_by = ?13)"
    "  GROUP BY b.id))"
    " WHERE (?8 IS NULL OR state = ?8) AND (?10 = 0 OR expiring > 0)"
    " ORDER BY id DESC LIMIT ?11 OFFSET ?12");

int
store_booklet_list(struct store *s, const struct store_booklet_filter *f,
    unsigned offset, unsigned limit,
    int (*fn)(void *ctx, const struct store_booklet_summary *b), void *ctx,
    int64_t *total, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_booklet_list);
	struct store_booklet_summary b;
	int rc, stop = 0;

	*total = 0;
	sqlite3_bind_int64(st, 1, f->agency);
	sqlite3_bind_int64(st, 2, f->programme);
	sqlite3_bind_int64(st, 3, f->from);
	sqlite3_bind_int64(st, 4, f->to);
	if (f->commune != NULL)
		sqlite3_bind_text(st, 5, f->commune, -1, SQLITE_STATIC);
	if (f->ref_hash != NULL) {
		sqlite3_bind_blob(st, 6, f->ref_hash, STORE_HASH_SIZE,
		    SQLITE_STATIC);
		sqlite3_bind_blob(st, 7, f->ref_hash_typed != NULL ?
		    f->ref_hash_typed : f->ref_hash, STORE_HASH_SIZE,
		    SQLITE_STATIC);
	}
	if (f->state != NULL)
		sqlite3_bind_text(st, 8, f->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, f->now);
	sqlite3_bind_int64(st, 10, f->expiring_until);
	sqlite3_bind_int64(st, 11, limit);
	sqlite3_bind_int64(st, 12, offset);
	sqlite3_bind_int64(st, 13, f->issued_by);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&b, 0, sizeof(b));
		b.id = sqlite3_column_int64(st, 0);
		sq_copy_text(b.programme_name, sizeof(b.programme_name), st, 1);
		sq_copy_text(b.commune, sizeof(b.commune), st, 2);
		b.issued_at = sqlite3_column_int64(st, 3);
		sq_copy_text(b.status, sizeof(b.status), st, 4);
		b.vouchers = (unsigned)sqlite3_column_int64(st, 5);
		b.outstanding = (unsigned)sqlite3_column_int64(st, 6);
		b.value = sqlite3_column_int64(st, 7);
		sq_copy_text(b.state, sizeof(b.state), st, 8);
		b.expiring = (unsigned)sqlite3_column_int64(st, 9);
		b.first_expiry = sqlite3_column_int64(st, 10);
		*total = sqlite3_column_int64(st, 11);
		stop = fn(ctx, &b);
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		sq_error(s, rc, "listing booklets", err);
		sq_done(st);
		return -1;
	}
	sq_done(st);
	return 0;
}

/* The accepted redemption, by the partial unique index redemption_once. */
SQ_QUERY(q_voucher_use,
    "SELECT t.starts_at, r.received_at, ve.name, t.theme"
    " FROM redemption r JOIN training_session t ON t.id = r.session_id"
    " JOIN venue ve ON ve.id = r.venue_id"
    " WHERE r.serial = ?1 AND r.outcome = 'accepted'");

int
store_voucher_use(struct store *s, uint64_t serial,
    struct store_voucher_use *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_voucher_use);
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_int64(st, 1, (int64_t)serial);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->starts_at = sqlite3_column_int64(st, 0);
		out->received_at = sqlite3_column_int64(st, 1);
		sq_copy_text(out->venue, sizeof(out->venue), st, 2);
		sq_copy_text(out->theme, sizeof(out->theme), st, 3);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a voucher's use", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/*
 * The normal form's beneficiary, else the one hashed as typed: the one
 * the issue would count after store_beneficiary_rekey().
 */
SQ_QUERY(q_beneficiary_booklets,
    "SELECT count(*) FROM booklet WHERE beneficiary_id ="
    " (SELECT id FROM beneficiary WHERE ref_hash IN (?1, ?2)"
    "  ORDER BY ref_hash = ?1 DESC LIMIT 1)"
    " AND programme_id = ?3 AND status = 'issued'");

int
store_beneficiary_booklets(struct store *s,
    const uint8_t ref_hash[STORE_HASH_SIZE],
    const uint8_t typed[STORE_HASH_SIZE], int64_t programme, int64_t *n,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_beneficiary_booklets);
	int rc;

	sqlite3_bind_blob(st, 1, ref_hash, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, typed, STORE_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, programme);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		sq_error(s, rc, "counting a person's booklets", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
