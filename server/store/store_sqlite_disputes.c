/* store_sqlite_disputes.c -- holding a redemption out of settlement, and letting it go.
 *
 * An open dispute holds its redemption's whole session out of drafts (the
 * pool in store_sqlite_settle.c); one upheld keeps that redemption out
 * for good; one dismissed lets it be paid. The unique partial index
 * dispute_open allows one open dispute per redemption.
 */
#include <stdio.h>
#include <stdlib.h>
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

/*
 * A venue's answers. The dispute is looked up with the venue, so that
 * another venue's dispute is "not found", the answer to a dispute that
 * does not exist: a venue learns nothing of the others' disputes.
 */
int
store_dispute_answer(struct store *s, const struct store_answer_in *in,
    int64_t user_id, int64_t now, const char *actor, int64_t *id,
    struct pn_error *err)
{
	static const char hex[] = "0123456789abcdef";
	char sha[STORE_HASH_SIZE * 2 + 1];
	sqlite3_stmt *st;
	int64_t opened_at, answers;
	bool open;
	json_t *o;
	size_t i;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if (sq_prepare(s, "SELECT d.opened_at, d.resolution IS NULL,"
	    " (SELECT count(*) FROM dispute_answer a WHERE a.dispute_id = d.id)"
	    " FROM dispute d JOIN redemption r ON r.id = d.redemption_id"
	    " WHERE d.id = ?1 AND r.venue_id = ?2", &st,
	    "preparing the answer", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, in->dispute_id);
	sqlite3_bind_int64(st, 2, in->venue_id);
	rc = sqlite3_step(st);
	opened_at = sqlite3_column_int64(st, 0);
	open = sqlite3_column_int(st, 1) != 0;
	answers = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		sq_rollback(s);
		pn_error_set(err, PN_E_ARG, "no dispute %lld at venue %lld",
		    (long long)in->dispute_id, (long long)in->venue_id);
		return ERR_DISPUTE_NOT_FOUND;
	}
	if (rc != SQLITE_ROW) {
		sq_error(s, rc, "finding the dispute", err);
		goto fail;
	}
	rc = 0;
	if (!open) {
		pn_error_set(err, PN_E_ARG, "dispute %lld is closed",
		    (long long)in->dispute_id);
		rc = ERR_DISPUTE_CLOSED;
	} else if (now >= opened_at + in->answer_seconds) {
		pn_error_set(err, PN_E_ARG, "dispute %lld: the time to answer "
		    "ended %lld second(s) ago", (long long)in->dispute_id,
		    (long long)(now - opened_at - in->answer_seconds));
		rc = ERR_ANSWER_TOO_LATE;
	} else if (answers >= STORE_ANSWERS_MAX) {
		pn_error_set(err, PN_E_ARG, "dispute %lld has %d answers "
		    "already", (long long)in->dispute_id, STORE_ANSWERS_MAX);
		rc = ERR_ANSWERS_FULL;
	}
	if (rc != 0) {
		sq_rollback(s);
		return rc;
	}
	if (sq_prepare(s, "INSERT INTO dispute_answer (dispute_id, text,"
	    " file, file_name, file_type, file_sha256, answered_by,"
	    " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st,
	    "preparing the answer", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, in->dispute_id);
	sqlite3_bind_text(st, 2, in->text, -1, SQLITE_TRANSIENT);
	if (in->data != NULL) {
		sqlite3_bind_blob64(st, 3, in->data, in->len, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, in->file_name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, in->file_type, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 6, in->sha256, STORE_HASH_SIZE,
		    SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 7, user_id);
	sqlite3_bind_int64(st, 8, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "recording the answer", err);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(s->db);
	o = json_pack("{s:I, s:s}", "answer", (json_int_t)*id, "text",
	    in->text);
	if (o != NULL && in->data != NULL) {
		for (i = 0; i < STORE_HASH_SIZE; i++) {
			sha[2 * i] = hex[in->sha256[i] >> 4];
			sha[2 * i + 1] = hex[in->sha256[i] & 15];
		}
		sha[2 * STORE_HASH_SIZE] = '\0';
		if (json_object_set_new(o, "attachment", json_pack(
		    "{s:s, s:I, s:s, s:s}", "sha256", sha, "size",
		    (json_int_t)in->len, "type", in->file_type, "name",
		    in->file_name)) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	if (dispute_audit(s, now, actor, "dispute.answer", in->dispute_id, o,
	    err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

#define ANSWER_COLUMNS \
	"a.id, a.dispute_id, r.venue_id, a.text, a.file IS NOT NULL," \
	" coalesce(a.file_name, ''), coalesce(a.file_type, '')," \
	" coalesce(length(a.file), 0), a.file_sha256, u.login, u.display_name," \
	" a.answered_at"
#define ANSWER_FROM \
	" FROM dispute_answer a JOIN dispute d ON d.id = a.dispute_id" \
	" JOIN redemption r ON r.id = d.redemption_id" \
	" JOIN user u ON u.id = a.answered_by"

/* Fill a from the columns of ANSWER_COLUMNS. */
static void
answer_row(sqlite3_stmt *st, struct store_answer *a)
{
	const void *sha;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->dispute_id = sqlite3_column_int64(st, 1);
	a->venue_id = sqlite3_column_int64(st, 2);
	sq_copy_text(a->text, sizeof(a->text), st, 3);
	a->has_file = sqlite3_column_int(st, 4) != 0;
	sq_copy_text(a->file_name, sizeof(a->file_name), st, 5);
	sq_copy_text(a->file_type, sizeof(a->file_type), st, 6);
	a->file_size = sqlite3_column_int64(st, 7);
	if ((sha = sqlite3_column_blob(st, 8)) != NULL &&
	    sqlite3_column_bytes(st, 8) == STORE_HASH_SIZE)
		memcpy(a->sha256, sha, STORE_HASH_SIZE);
	sq_copy_text(a->answered_by_login, sizeof(a->answered_by_login), st,
	    9);
	sq_copy_text(a->answered_by_name, sizeof(a->answered_by_name), st,
	    10);
	a->answered_at = sqlite3_column_int64(st, 11);
}

int
store_dispute_answer_each(struct store *s, int64_t dispute_id,
    int64_t venue_id,
    int (*fn)(void *ctx, const struct store_answer *a), void *ctx,
    struct pn_error *err)
{
	struct store_answer a;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT " ANSWER_COLUMNS ANSWER_FROM
	    " WHERE a.dispute_id = ?1 AND (?2 = 0 OR r.venue_id = ?2)"
	    " ORDER BY a.id", &st, "preparing the answers", err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, dispute_id);
	sqlite3_bind_int64(st, 2, venue_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		answer_row(st, &a);
		if (fn(ctx, &a) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		sq_error(s, rc, "listing the answers", err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_dispute_answer_file(struct store *s, int64_t id, int64_t venue_id,
    struct store_answer *a, unsigned char **data, struct pn_error *err)
{
	sqlite3_stmt *st;
	const void *blob;
	int rc;

	*data = NULL;
	if (sq_prepare(s, "SELECT " ANSWER_COLUMNS ", a.file" ANSWER_FROM
	    " WHERE a.id = ?1 AND (?2 = 0 OR r.venue_id = ?2)"
	    " AND a.file IS NOT NULL", &st, "preparing the attachment",
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, venue_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		answer_row(st, a);
		blob = sqlite3_column_blob(st, 12);
		a->file_size = sqlite3_column_bytes(st, 12);
		if (blob == NULL || a->file_size <= 0 ||
		    (*data = malloc((size_t)a->file_size)) == NULL) {
			sqlite3_finalize(st);
			pn_error_set(err, PN_E_IO, "out of memory reading "
			    "the attachment");
			return -1;
		}
		memcpy(*data, blob, (size_t)a->file_size);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading the attachment", err);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}
