/* store_sqlite_settle_files.c -- approving a batch: what its files are made of, and the files.
 *
 * Approval reads in one transaction and writes in another: begin checks
 * the state and four-eyes on a snapshot (a read transaction, no write
 * lock) and stamps the batch, the reads below gather the frozen lines and
 * statements from that snapshot while settle_approve.c makes the files; write
 * then takes the write lock, checks the state, four-eyes and stamp again,
 * each file is put with its BLAKE2b-256 hash and an audit row, and commit
 * freezes the batch. Abort leaves nothing behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "store_sqlite.h"

/* Grow *arr (of *cap elements of size) to hold n + 1. 0 or -1. */
static int
grow(void **arr, size_t *cap, size_t n, size_t size, struct pn_error *err)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 16 : *cap * 2;
	if ((p = realloc(*arr, ncap * size)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	*arr = p;
	*cap = ncap;
	return 0;
}

void
store_settle_export_free(struct settle_export *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n_lines; i++)
		free(x->lines[i].parts);
	free(x->lines);
	x->lines = NULL;
	x->n_lines = 0;
}

/* The budget parts of the lines (ids line_ids, in that order). */
static int
export_parts(struct store *s, int64_t batch_id, const int64_t *line_ids,
    struct settle_export *x, struct pn_error *err)
{
	size_t li = 0, cap = 0;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT i.line_id, p.budget_line,"
	    " sum(i.value - i.commission) FROM settlement_item i"
	    " JOIN settlement_line l ON l.id = i.line_id"
	    " JOIN programme p ON p.id = i.programme_id"
	    " WHERE l.batch_id = ? AND l.carried_over = 0 AND l.held_at IS NULL"
	    " AND i.active = 1"
	    " GROUP BY i.line_id, p.budget_line ORDER BY i.line_id, p.budget_line",
	    &st, "preparing the budget parts", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t line_id = sqlite3_column_int64(st, 0);
		struct settle_line *l;
		struct settle_budget_part *part;

		while (li < x->n_lines && line_ids[li] != line_id) {
			li++;
			cap = 0;
		}
		if (li == x->n_lines)
			break;
		l = &x->lines[li];
		if (grow((void **)&l->parts, &cap, l->n_parts, sizeof(*l->parts),
		    err) != 0) {
			sqlite3_finalize(st);
			return -1;
		}
		part = &l->parts[l->n_parts++];
		sq_copy_text(part->budget_line, sizeof(part->budget_line), st, 1);
		part->amount_cents = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_error(s, rc, "reading the budget parts", err);
	return 0;
}

int
store_batch_export(struct store *s, int64_t batch_id, struct settle_export *x,
    struct pn_error *err)
{
	size_t cap = 0, idcap = 0;
	int64_t *line_ids = NULL;
	sqlite3_stmt *st;
	int rc;

	memset(x, 0, sizeof(*x));
	if (sq_prepare(s, "SELECT b.reference, b.period, l.id, l.siret, l.name,"
	    " l.iban, l.bic, l.sessions, l.vouchers, l.gross_cents,"
	    " l.commission_cents, l.amount_cents, l.venue_id"
	    " FROM settlement_batch b"
	    " LEFT JOIN settlement_line l ON l.batch_id = b.id"
	    "  AND l.carried_over = 0 AND l.held_at IS NULL"
	    " WHERE b.id = ? ORDER BY l.id", &st, "preparing the export",
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct settle_line *l;

		sq_copy_text(x->reference, sizeof(x->reference), st, 0);
		sq_copy_text(x->period, sizeof(x->period), st, 1);
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		if (grow((void **)&x->lines, &cap, x->n_lines,
		    sizeof(*x->lines), err) != 0 ||
		    grow((void **)&line_ids, &idcap, x->n_lines,
		    sizeof(*line_ids), err) != 0)
			goto fail;
		line_ids[x->n_lines] = sqlite3_column_int64(st, 2);
		l = &x->lines[x->n_lines++];
		memset(l, 0, sizeof(*l));
		sq_copy_text(l->siret, sizeof(l->siret), st, 3);
		sq_copy_text(l->name, sizeof(l->name), st, 4);
		sq_copy_text(l->iban, sizeof(l->iban), st, 5);
		sq_copy_text(l->bic, sizeof(l->bic), st, 6);
		l->sessions = sqlite3_column_int64(st, 7);
		l->vouchers = sqlite3_column_int64(st, 8);
		l->gross_cents = sqlite3_column_int64(st, 9);
		l->commission_cents = sqlite3_column_int64(st, 10);
		l->amount_cents = sqlite3_column_int64(st, 11);
		l->venue_id = sqlite3_column_int64(st, 12);
		x->total_cents += l->amount_cents;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "reading the lines to export", err);
		goto fail;
	}
	if (export_parts(s, batch_id, line_ids, x, err) != 0)
		goto fail;
	free(line_ids);
	return 0;
fail:
	free(line_ids);
	store_settle_export_free(x);
	return -1;
}

void
store_statement_free(struct statement *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n_sessions; i++)
		free(st->sessions[i].vouchers);
	free(st->sessions);
	st->sessions = NULL;
	st->n_sessions = 0;
}

/* The venue of line_id into st, and its totals. 0 or -1. */
static int
statement_head(struct store *s, int64_t line_id, struct statement *out,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int64_t venue_id = 0, batch_id = 0;
	char last[40];
	int rc;

	if (sq_prepare(s, "SELECT l.name, l.siret, v.address, v.commune,"
	    " l.iban, l.gross_cents, l.commission_cents, l.amount_cents,"
	    " b.reference, l.venue_id, l.batch_id FROM settlement_line l"
	    " JOIN venue v ON v.id = l.venue_id"
	    " JOIN settlement_batch b ON b.id = l.batch_id WHERE l.id = ?",
	    &st, "preparing a statement", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, line_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sq_copy_text(out->venue_name, sizeof(out->venue_name), st, 0);
		sq_copy_text(out->venue_siret, sizeof(out->venue_siret), st, 1);
		sq_copy_text(out->venue_address, sizeof(out->venue_address), st,
		    2);
		sq_copy_text(out->venue_commune, sizeof(out->venue_commune), st,
		    3);
		sq_copy_text(out->venue_iban, sizeof(out->venue_iban), st, 4);
		out->gross_cents = sqlite3_column_int64(st, 5);
		out->commission_cents = sqlite3_column_int64(st, 6);
		out->total_cents = sqlite3_column_int64(st, 7);
		sq_copy_text(out->reference, sizeof(out->reference), st, 8);
		venue_id = sqlite3_column_int64(st, 9);
		batch_id = sqlite3_column_int64(st, 10);
	} else if (rc == SQLITE_DONE)
		pn_error_set(err, PN_E_ARG, "no settlement line %lld",
		    (long long)line_id);
	else
		sq_error(s, rc, "reading a statement", err);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return -1;
	/* A change of bank details approved since the last payment. */
	rc = store_venue_last_paid_iban(s, venue_id, batch_id, last, err);
	if (rc < 0)
		return -1;
	out->iban_changed = rc == 0 && strcmp(last, out->venue_iban) != 0;
	return 0;
}

int
store_batch_statement(struct store *s, int64_t line_id, struct statement *out,
    struct pn_error *err)
{
	size_t scap = 0, vcap = 0;
	int64_t session = 0;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (statement_head(s, line_id, out, err) != 0)
		return -1;
	if (sq_prepare(s, "SELECT t.id, t.starts_at, t.theme,"
	    " t.duration_minutes, i.serial, i.value, i.value - i.commission"
	    " FROM settlement_item i"
	    " JOIN training_session t ON t.id = i.session_id"
	    " WHERE i.line_id = ? ORDER BY t.starts_at, t.id, i.serial",
	    &st, "preparing a statement's vouchers", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, line_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct statement_session *ss;
		struct statement_voucher *v;

		if (out->n_sessions == 0 ||
		    sqlite3_column_int64(st, 0) != session) {
			if (grow((void **)&out->sessions, &scap,
			    out->n_sessions, sizeof(*out->sessions), err) != 0)
				goto fail;
			ss = &out->sessions[out->n_sessions++];
			memset(ss, 0, sizeof(*ss));
			session = sqlite3_column_int64(st, 0);
			ss->starts_at = sqlite3_column_int64(st, 1);
			sq_copy_text(ss->theme, sizeof(ss->theme), st, 2);
			ss->duration_minutes = (unsigned)sqlite3_column_int(st, 3);
			vcap = 0;
		}
		ss = &out->sessions[out->n_sessions - 1];
		if (grow((void **)&ss->vouchers, &vcap, ss->n_vouchers,
		    sizeof(*ss->vouchers), err) != 0)
			goto fail;
		v = &ss->vouchers[ss->n_vouchers++];
		v->serial = (uint64_t)sqlite3_column_int64(st, 4);
		v->value_cents = sqlite3_column_int64(st, 5);
		v->amount_cents = sqlite3_column_int64(st, 6);
	}
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "reading a statement's vouchers", err);
		goto fail;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	store_statement_free(out);
	return -1;
}

/*
 * An open dispute on a session batch_id pays (on a line not held): one
 * opened since the draft on a record of that session that the draft did
 * not take (synced late), since an open dispute holds its whole session
 * out of payment. Found from the few open disputes, through the indexes
 * on a session's redemptions and on active items. 0 when none,
 * ERR_BATCH_SESSION_DISPUTED naming it, or -1.
 */
static int
disputed_session(struct store *s, int64_t batch_id, const char *reference,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int64_t dispute = 0, session = 0;
	char siret[32] = "";
	int rc;

	/*
	 * CROSS JOIN keeps this order: the planner would otherwise start
	 * from the batch's lines and walk every item of the month (a second
	 * of write lock for a million) to find the few open disputes.
	 */
	if (sq_prepare(s, "SELECT d.id, r.session_id, l.siret FROM dispute d"
	    " CROSS JOIN redemption r ON r.id = d.redemption_id"
	    " CROSS JOIN redemption o ON o.session_id = r.session_id"
	    " CROSS JOIN settlement_item i ON i.redemption_id = o.id"
	    " AND i.active = 1"
	    " CROSS JOIN settlement_line l ON l.id = i.line_id"
	    " WHERE d.resolution IS NULL AND l.batch_id = ?"
	    " AND l.held_at IS NULL LIMIT 1", &st, "preparing the disputes' "
	    "check", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispute = sqlite3_column_int64(st, 0);
		session = sqlite3_column_int64(st, 1);
		sq_copy_text(siret, sizeof(siret), st, 2);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_error(s, rc, "checking the disputes", err);
	return pn_error_set(err, PN_E_ARG, "batch %s pays session %lld of "
	    "venue %s, on which dispute %lld is open (opened since the "
	    "draft): hold that venue's line (settle hold) or resolve the "
	    "dispute, then approve", reference, (long long)session, siret,
	    (long long)dispute), ERR_BATCH_SESSION_DISPUTED;
}

/*
 * In the transaction open on s, whether batch_id may be approved by
 * approved_by: 0 with its reference, ERR_BATCH_NOT_FOUND,
 * ERR_BATCH_WRONG_STATE, ERR_SAME_APPROVER, or -1. Leaves the
 * transaction open.
 */
static int
approve_check(struct store *s, int64_t batch_id, int64_t approved_by,
    char reference[SETTLE_REF_MAX], struct pn_error *err)
{
	char status[STORE_STATUS_MAX];
	int64_t drafted_by = 0;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT status, drafted_by, reference FROM"
	    " settlement_batch WHERE id = ?", &st, "preparing the approval",
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_copy_text(status, sizeof(status), st, 0);
		drafted_by = sqlite3_column_int64(st, 1);
		sq_copy_text(reference, SETTLE_REF_MAX, st, 2);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading the batch", err);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return pn_error_set(err, PN_E_ARG, "no settlement batch %lld",
		    (long long)batch_id), ERR_BATCH_NOT_FOUND;
	if (rc != SQLITE_ROW)
		return -1;
	if (strcmp(status, "draft") != 0)
		return pn_error_set(err, PN_E_ARG, "batch %s is %s; this needs "
		    "a draft", reference, status), ERR_BATCH_WRONG_STATE;
	if (drafted_by == approved_by)
		return pn_error_set(err, PN_E_ARG, "batch %s was drafted by the "
		    "same user: another accountant must approve it", reference),
		    ERR_SAME_APPROVER;
	return disputed_session(s, batch_id, reference, err);
}

/*
 * The stamp of batch_id as the transaction open on s sees it: its totals
 * and a hash of its lines, in order of id, each as its id, venue, carried
 * over, held_at (0 when not held), vouchers and amount. A hold changes
 * held_at and the totals; a rejection or an approval, the status, which
 * approve_check() reads. At most a line per venue: cheap. 0 or -1.
 */
static int
batch_stamp(struct store *s, int64_t batch_id, struct store_batch_stamp *out,
    struct pn_error *err)
{
	crypto_generichash_state h;
	sqlite3_stmt *st;
	int64_t row[6];
	int rc, i;

	memset(out, 0, sizeof(*out));
	if (sq_prepare(s, "SELECT n_lines, n_vouchers, total_cents FROM"
	    " settlement_batch WHERE id = ?", &st, "preparing the batch's "
	    "stamp", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->n_lines = sqlite3_column_int64(st, 0);
		out->n_vouchers = sqlite3_column_int64(st, 1);
		out->total_cents = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return pn_error_set(err, PN_E_ARG, "no settlement batch %lld",
		    (long long)batch_id);
	if (rc != SQLITE_ROW)
		return sq_error(s, rc, "reading the batch's stamp", err);
	if (sq_prepare(s, "SELECT id, venue_id, carried_over,"
	    " coalesce(held_at, 0), vouchers, amount_cents FROM settlement_line"
	    " WHERE batch_id = ? ORDER BY id", &st, "preparing the batch's "
	    "stamp", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	crypto_generichash_init(&h, NULL, 0, sizeof(out->lines));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 6; i++)
			row[i] = sqlite3_column_int64(st, i);
		crypto_generichash_update(&h, (const unsigned char *)row,
		    sizeof(row));
	}
	sqlite3_finalize(st);
	crypto_generichash_final(&h, out->lines, sizeof(out->lines));
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "reading the batch's lines", err);
	return 0;
}

int
store_batch_approve_begin(struct store *s, int64_t batch_id,
    int64_t approved_by, struct store_batch_stamp *stamp,
    struct pn_error *err)
{
	char reference[SETTLE_REF_MAX];
	int rc;

	if (sq_settle_memory(s, true, err) != 0)
		return -1;
	/* Deferred: the snapshot is taken by the first read, held to write. */
	if (sq_step_done(s, sq_stmt(s, &q_read_begin),
	    "BEGIN (approval's snapshot)", err) != 0) {
		(void)sq_settle_memory(s, false, NULL);
		return -1;
	}
	if ((rc = approve_check(s, batch_id, approved_by, reference,
	    err)) == 0 && batch_stamp(s, batch_id, stamp, err) != 0)
		rc = -1;
	if (rc != 0)
		store_batch_approve_abort(s);
	return rc;
}

int
store_batch_approve_write(struct store *s, int64_t batch_id,
    int64_t approved_by, const struct store_batch_stamp *stamp,
    struct pn_error *err)
{
	struct store_batch_stamp now;
	char reference[SETTLE_REF_MAX];
	int rc;

	/* The snapshot cannot become a writer once others wrote: end it. */
	sq_rollback(s);
	if (sq_begin(s, err) != 0) {
		(void)sq_settle_memory(s, false, NULL);
		return -1;
	}
	if ((rc = approve_check(s, batch_id, approved_by, reference,
	    err)) == 0) {
		if (batch_stamp(s, batch_id, &now, err) != 0)
			rc = -1;
		else if (now.n_lines != stamp->n_lines ||
		    now.n_vouchers != stamp->n_vouchers ||
		    now.total_cents != stamp->total_cents ||
		    sodium_memcmp(now.lines, stamp->lines,
		    sizeof(now.lines)) != 0) {
			pn_error_set(err, PN_E_ARG, "batch %s changed while "
			    "its files were made (a line held meanwhile): "
			    "nothing is approved; read it again, then approve it",
			    reference);
			rc = ERR_BATCH_WRONG_STATE;
		}
	}
	if (rc != 0)
		store_batch_approve_abort(s);
	return rc;
}

/*
 * Remove the files staged for batch_id, inside the caller's transaction:
 * those of a draft, or of a batch rejected before it was ever approved.
 * A batch approved and then rejected keeps the files its approval
 * published, for the record, as its settle.file audit rows name them.
 */
static int
unstage(struct store *s, int64_t batch_id, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "DELETE FROM settlement_file WHERE batch_id = ?1"
	    " AND EXISTS (SELECT 1 FROM settlement_batch WHERE id = ?1"
	    " AND status IN ('draft', 'rejected') AND approved_at IS NULL)",
	    &st, "preparing to remove staged files", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 :
	    sq_error(s, rc, "removing staged files", err);
}

/*
 * Mark batch_id as staged by the approval on s: a random token, kept on
 * s, which publish finds again unless another approval of the batch
 * staged since (and removed these files first).
 */
static int
mark_staging(struct store *s, int64_t batch_id, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	randombytes_buf(&s->staging, sizeof(s->staging));
	s->staging &= INT64_MAX;
	if (sq_prepare(s, "UPDATE settlement_batch SET staging = ? WHERE"
	    " id = ?", &st, "preparing to mark the staging", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, s->staging);
	sqlite3_bind_int64(st, 2, batch_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 :
	    sq_error(s, rc, "marking the staging", err);
}

/* One integer the query gives for batch_id into *v; 0, or -1. */
static int
batch_integer(struct store *s, const char *sql, int64_t batch_id,
    int64_t *v, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, sql, &st, "preparing to check the staged files",
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 :
	    sq_error(s, rc, "checking the staged files", err);
}

/* Bytes of files staged in one transaction, at most (one file at least). */
#define STAGE_BYTES (256 * 1024)

int
store_batch_files_stage(struct store *s, int64_t batch_id,
    int64_t approved_by, struct store_file_in *files, size_t n, int64_t now,
    struct pn_error *err)
{
	char reference[SETTLE_REF_MAX];
	sqlite3_stmt *st = NULL;
	size_t i = 0, bytes;
	int rc;

	/* The snapshot cannot become a writer once others wrote: end it. */
	sq_rollback(s);
	if (sq_prepare(s, "INSERT INTO settlement_file (batch_id, kind,"
	    " venue_id, name, media_type, content, hash, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, "preparing a file",
	    err) != 0)
		return -1;
	if (sq_begin(s, err) != 0)
		goto fail;
	/* Refused as write would be: approved meanwhile, four-eyes... */
	if ((rc = approve_check(s, batch_id, approved_by, reference,
	    err)) != 0) {
		sq_rollback(s);
		sqlite3_finalize(st);
		return rc;
	}
	if (unstage(s, batch_id, err) != 0 ||
	    mark_staging(s, batch_id, err) != 0)
		goto fail;
	while (i < n) {
		if (i > 0 && sq_begin(s, err) != 0)
			goto fail;
		for (bytes = 0; i < n && (bytes == 0 ||
		    bytes + files[i].len <= STAGE_BYTES); i++) {
			struct store_file_in *f = &files[i];

			crypto_generichash(f->hash, sizeof(f->hash), f->data,
			    f->len, NULL, 0);
			sqlite3_bind_int64(st, 1, batch_id);
			sqlite3_bind_text(st, 2, f->kind, -1, SQLITE_STATIC);
			if (f->venue_id > 0)
				sqlite3_bind_int64(st, 3, f->venue_id);
			else
				sqlite3_bind_null(st, 3);
			sqlite3_bind_text(st, 4, f->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, f->media_type, -1,
			    SQLITE_STATIC);
			sqlite3_bind_blob64(st, 6, f->data, f->len,
			    SQLITE_STATIC);
			sqlite3_bind_blob(st, 7, f->hash, sizeof(f->hash),
			    SQLITE_STATIC);
			sqlite3_bind_int64(st, 8, now);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			if (rc != SQLITE_DONE) {
				sq_error(s, rc, "staging a file", err);
				goto fail;
			}
			bytes += f->len;
		}
		if (sq_commit(s, err) != 0)
			goto fail;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sq_rollback(s);
	sqlite3_finalize(st);
	return -1;
}

int
store_batch_files_publish(struct store *s, int64_t batch_id,
    const struct store_file_in *files, size_t n, int64_t now,
    const char *actor, struct pn_error *err)
{
	char hex[2 * STORE_HASH_SIZE + 1], object[40], detail[384];
	int64_t token = 0, staged = 0;
	size_t i;

	/*
	 * The staged files must be this approval's: another attempt at the
	 * same batch removes them and marks its own token before it stages
	 * (and a file name is staged once: a mix would have failed there).
	 * Neither check reads a file: their hashes sit behind their content.
	 */
	if (batch_integer(s, "SELECT staging FROM settlement_batch WHERE"
	    " id = ?", batch_id, &token, err) != 0 ||
	    batch_integer(s, "SELECT count(*) FROM settlement_file WHERE"
	    " batch_id = ?", batch_id, &staged, err) != 0)
		return -1;
	if (token != s->staging || staged != (int64_t)n)
		return pn_error_set(err, PN_E_ARG, "batch %lld: the files "
		    "staged are not the %zu this approval made (another "
		    "approval of it ran meanwhile)", (long long)batch_id, n);
	(void)snprintf(object, sizeof(object), "batch:%lld",
	    (long long)batch_id);
	for (i = 0; i < n; i++) {
		sodium_bin2hex(hex, sizeof(hex), files[i].hash,
		    sizeof(files[i].hash));
		/* settle_approve.c names them from references and SIRETs. */
		(void)snprintf(detail, sizeof(detail), "{\"blake2b\":\"%s\","
		    "\"bytes\":%zu,\"kind\":\"%s\",\"name\":\"%s\"}", hex,
		    files[i].len, files[i].kind, files[i].name);
		if (store_audit_append(s, now, actor, "settle.file", object,
		    detail, err) != 0)
			return -1;
	}
	return 0;
}

int
store_batch_approve_commit(struct store *s, int64_t batch_id,
    int64_t approved_by, const char *msg_id, const char *execution_date,
    unsigned sepa_version, int64_t alerts, int64_t now, const char *actor,
    struct pn_error *err)
{
	char object[40], detail[288];
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "UPDATE settlement_batch SET status = 'approved',"
	    " approved_by = ?2, approved_at = ?3, msg_id = ?4,"
	    " execution_date = ?5, sepa_version = ?6, alerts_acknowledged = ?7"
	    " WHERE id = ?1 AND status = 'draft'", &st,
	    "preparing the approval", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, batch_id);
	sqlite3_bind_int64(st, 2, approved_by);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, msg_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, execution_date, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (int)sepa_version);
	if (alerts > 0)		/* NULL when there was none to acknowledge */
		sqlite3_bind_int64(st, 7, alerts);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "approving the batch", err);
		goto fail;
	}
	if (sqlite3_changes64(s->db) != 1) {
		pn_error_set(err, PN_E_ARG, "batch %lld is no longer a draft",
		    (long long)batch_id);
		goto fail;
	}
	(void)snprintf(object, sizeof(object), "batch:%lld",
	    (long long)batch_id);
	(void)snprintf(detail, sizeof(detail), "{\"alerts\":%lld,"
	    "\"execution_date\":\"%s\",\"msg_id\":\"%s\","
	    "\"sepa\":\"pain.001.001.%02u\"}", (long long)alerts,
	    execution_date, msg_id, sepa_version);
	if (store_audit_append(s, now, actor, "settle.approve", object, detail,
	    err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	(void)sq_settle_memory(s, false, NULL);
	return 0;
fail:
	sq_rollback(s);
	(void)sq_settle_memory(s, false, NULL);
	return -1;
}

void
store_batch_approve_abort(struct store *s)
{
	sq_rollback(s);
	(void)sq_settle_memory(s, false, NULL);
}

void
store_batch_files_unstage(struct store *s, int64_t batch_id)
{
	struct pn_error err;

	sq_rollback(s);
	if (sq_begin(s, &err) != 0)
		return;
	if (unstage(s, batch_id, &err) != 0 || sq_commit(s, &err) != 0)
		sq_rollback(s);
}

static void
file_row(sqlite3_stmt *st, struct store_batch_file *f)
{
	const void *h;

	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(st, 0);
	sq_copy_text(f->kind, sizeof(f->kind), st, 1);
	f->venue_id = sqlite3_column_int64(st, 2);
	sq_copy_text(f->name, sizeof(f->name), st, 3);
	sq_copy_text(f->media_type, sizeof(f->media_type), st, 4);
	f->size = sqlite3_column_int64(st, 5);
	h = sqlite3_column_blob(st, 6);
	if (h != NULL && sqlite3_column_bytes(st, 6) == (int)sizeof(f->hash))
		memcpy(f->hash, h, sizeof(f->hash));
}

/*
 * The files of an approved (or paid) batch. Those of a draft are staged
 * by an approval under way, or left by one that failed: no one's yet.
 */
#define FILES_PUBLISHED "b.status IN ('approved', 'paid')"

#define FILE_COLUMNS "SELECT f.id, f.kind, coalesce(f.venue_id, 0), f.name," \
	" f.media_type, length(f.content), f.hash, f.content" \
	" FROM settlement_file f "

int
store_batch_files(struct store *s, int64_t batch_id,
    int (*fn)(void *ctx, const struct store_batch_file *f), void *ctx,
    struct pn_error *err)
{
	struct store_batch_file f;
	sqlite3_stmt *st;
	int rc;

	/* length() of a blob reads no content. */
	if (sq_prepare(s, "SELECT f.id, f.kind, coalesce(f.venue_id, 0),"
	    " f.name, f.media_type, length(f.content), f.hash"
	    " FROM settlement_file f JOIN settlement_batch b ON b.id ="
	    " f.batch_id WHERE f.batch_id = ? AND " FILES_PUBLISHED
	    " ORDER BY f.kind = 'statement', f.name", &st,
	    "preparing the files", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		file_row(st, &f);
		if (fn(ctx, &f) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing the files", err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Whether data is still the file approval stored: a payment file edited
 * in the database must not reach the bank, nor a statement a venue.
 */
static bool
file_intact(const struct store_batch_file *info, const void *data,
    size_t len)
{
	uint8_t h[sizeof(info->hash)];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	return sodium_memcmp(h, info->hash, sizeof(h)) == 0;
}

/* One file found by where (two parameters: ?1 integer, ?2 text). */
static int
file_fetch(struct store *s, const char *where, int64_t a, const char *b,
    struct store_batch_file *info, void **data, size_t *len,
    struct pn_error *err)
{
	char sql[512];
	sqlite3_stmt *st;
	int rc;

	*data = NULL;
	*len = 0;
	(void)snprintf(sql, sizeof(sql), "%s%s", FILE_COLUMNS, where);
	if (sq_prepare(s, sql, &st, "preparing a file", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_bytes(st, 7);

		file_row(st, info);
		if ((*data = malloc(n > 0 ? (size_t)n : 1)) == NULL) {
			sqlite3_finalize(st);
			return pn_error_set(err, PN_E_NOMEM, "out of memory");
		}
		if (n > 0)
			memcpy(*data, sqlite3_column_blob(st, 7), (size_t)n);
		*len = (size_t)n;
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a file", err);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW && !file_intact(info, *data, *len)) {
		free(*data);
		*data = NULL;
		*len = 0;
		return pn_error_set(err, PN_E_IO, "file %s: its content no "
		    "longer has the BLAKE2b hash stored at approval; it is not "
		    "handed out (passnum-admin audit names what changed)",
		    info->name), ERR_FILE_ALTERED;
	}
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
store_batch_file_get(struct store *s, int64_t batch_id, const char *name,
    struct store_batch_file *info, void **data, size_t *len,
    struct pn_error *err)
{
	return file_fetch(s, "JOIN settlement_batch b ON b.id = f.batch_id"
	    " WHERE f.batch_id = ?1 AND f.name = ?2 AND " FILES_PUBLISHED,
	    batch_id,
	    name, info, data, len, err);
}

int
store_venue_statement_get(struct store *s, int64_t venue_id,
    const char *reference, struct store_batch_file *info, void **data,
    size_t *len, struct pn_error *err)
{
	return file_fetch(s, "JOIN settlement_batch b ON b.id = f.batch_id"
	    " WHERE f.venue_id = ?1 AND b.reference = ?2"
	    " AND f.kind = 'statement' AND " FILES_PUBLISHED,
	    venue_id, reference, info, data, len, err);
}
