/* store_sqlite_checkpoint.c -- checkpoints of the store's state, and integrity alarms.
 *
 * A checkpoint's state is read and its row written in one write
 * transaction, so that it describes exactly what the database held when
 * it was signed. Its running hash is folded on from the previous
 * checkpoint's, over the redemptions accepted since: making one costs what
 * happened since the last. Comparing the database with checkpoints kept
 * elsewhere walks every accepted redemption once, whatever their number.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "passnum/checkpoint.h"
#include "store_sqlite.h"

#define REDEEMED_SQL \
	"SELECT id, redemption_id, serial, terminal_id, value, received_at," \
	"  record_signature FROM redemption" \
	" WHERE outcome = 'accepted' AND id > ?1 ORDER BY id"

/* Column 0.. of REDEEMED_SQL as the running hash reads them. 0, or -1. */
static int
redeemed_row(sqlite3_stmt *st, int64_t *id,
    struct pn_checkpoint_redemption *r)
{
	const void *rid = sqlite3_column_blob(st, 1);
	const void *sig = sqlite3_column_blob(st, 6);

	if (rid == NULL || sqlite3_column_bytes(st, 1) != 16 ||
	    sig == NULL || sqlite3_column_bytes(st, 6) != 64)
		return -1;
	*id = sqlite3_column_int64(st, 0);
	memcpy(r->redemption_id, rid, sizeof(r->redemption_id));
	r->serial = (uint64_t)sqlite3_column_int64(st, 2);
	r->terminal_id = sqlite3_column_int64(st, 3);
	r->value_cents = sqlite3_column_int64(st, 4);
	r->received_at = sqlite3_column_int64(st, 5);
	memcpy(r->record_signature, sig, sizeof(r->record_signature));
	return 0;
}

/* The audit log's last row and its hash (0 and zeros: empty). 0, or -1. */
static int
audit_head(struct store *s, int64_t *last, uint8_t head[32],
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_audit_last);
	int rc = sqlite3_step(st);

	*last = 0;
	memset(head, 0, 32);
	if (rc == SQLITE_ROW) {
		*last = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(head, sqlite3_column_blob(st, 1), 32);
	} else if (rc != SQLITE_DONE) {
		sq_error(s, rc, "checkpoint: audit head", err);
		sq_done(st);
		return -1;
	}
	sq_done(st);
	return 0;
}

/* Run sql, which yields one integer, into *out (none: 0). 0, or -1. */
static int
one_integer(struct store *s, const char *sql, const char *what, int64_t *out,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if (sq_prepare(s, sql, &st, what, err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    sq_error(s, rc, what, err);
}

int
store_checkpoint_last(struct store *s, char *text, size_t len,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT text FROM checkpoint ORDER BY seq DESC "
	    "LIMIT 1", &st, "checkpoint: last", err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sq_copy_text(text, len, st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 1;
	return rc == SQLITE_ROW ? 0 : sq_error(s, rc, "checkpoint: last", err);
}

int
store_checkpoint_begin(struct store *s, struct pn_checkpoint *c,
    bool *changed, struct pn_error *err)
{
	struct pn_checkpoint base;
	struct pn_checkpoint_redemption r;
	char text[PN_CHECKPOINT_TEXT_MAX];
	sqlite3_stmt *st = NULL;
	int64_t serial, id;
	int rc;

	memset(c, 0, sizeof(*c));
	memset(&base, 0, sizeof(base));
	if (sq_begin(s, err) != 0)
		return -1;
	rc = store_checkpoint_last(s, text, sizeof(text), err);
	if (rc < 0)
		goto fail;
	if (rc == 0 && pn_checkpoint_parse(text, strlen(text), &base,
	    err) != 0) {
		pn_error_set(err, PN_E_FORMAT, "%s: the last checkpoint "
		    "stored cannot be read: %s", s->path, err->message);
		goto fail;
	}
	if (audit_head(s, &c->audit_last, c->audit_head, err) != 0 ||
	    one_integer(s, "SELECT next FROM serial_counter WHERE id = 1",
	    "checkpoint: serial counter", &serial, err) != 0)
		goto fail;
	c->next_serial = (uint64_t)serial;
	c->redeemed = base.redeemed;
	c->redeemed_last = base.redeemed_last;
	memcpy(c->redeemed_hash, base.redeemed_hash, PN_CHECKPOINT_HASH);
	if (sq_prepare(s, REDEEMED_SQL, &st, "checkpoint: redemptions",
	    err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, base.redeemed_last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (redeemed_row(st, &id, &r) != 0) {
			pn_error_set(err, PN_E_FORMAT, "%s: redemption row %lld "
			    "is malformed", s->path,
			    (long long)sqlite3_column_int64(st, 0));
			goto fail;
		}
		pn_checkpoint_fold(c->redeemed_hash, &r);
		c->redeemed++;
		c->redeemed_last = id;
	}
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "checkpoint: redemptions", err);
		goto fail;
	}
	sqlite3_finalize(st);
	*changed = base.seq == 0 || c->audit_last != base.audit_last ||
	    memcmp(c->audit_head, base.audit_head, PN_CHECKPOINT_HASH) != 0 ||
	    c->next_serial != base.next_serial ||
	    c->redeemed != base.redeemed ||
	    c->redeemed_last != base.redeemed_last;
	return 0;

fail:
	sqlite3_finalize(st);
	sq_rollback(s);
	return -1;
}

int
store_checkpoint_commit(struct store *s, const struct pn_checkpoint *c,
    const char *text, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "INSERT INTO checkpoint (seq, at, text) "
	    "VALUES (?1, ?2, ?3)", &st, "checkpoint: insert", err) != 0) {
		sq_rollback(s);
		return -1;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->seq);
	sqlite3_bind_int64(st, 2, c->at);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "checkpoint: insert", err);
		sq_rollback(s);
		return -1;
	}
	if (sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

void
store_checkpoint_abort(struct store *s)
{
	sq_rollback(s);
}

int
store_checkpoint_each(struct store *s,
    int (*fn)(void *ctx, const char *text), void *ctx, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT text FROM checkpoint ORDER BY seq", &st,
	    "checkpoint: each", err) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0)) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_error(s, rc, "checkpoint: each", err);
}

int
store_redemption_find(struct store *s, const uint8_t redemption_id[16],
    uint64_t *serial, bool *accepted, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT serial, outcome = 'accepted' FROM redemption"
	    " WHERE redemption_id = ?1", &st, "redemption: find", err) != 0)
		return -1;
	sqlite3_bind_blob(st, 1, redemption_id, 16, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*serial = (uint64_t)sqlite3_column_int64(st, 0);
		*accepted = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : sq_error(s, rc, "redemption: find",
	    err);
}

int
store_serial_advance(struct store *s, uint64_t next, int64_t now,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int64_t was;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if (one_integer(s, "SELECT next FROM serial_counter WHERE id = 1",
	    "serial counter", &was, err) != 0)
		goto fail;
	if ((uint64_t)was >= next)
		return sq_commit(s, err) == 0 ? 0 : (sq_rollback(s), -1);
	if (sq_prepare(s, "UPDATE serial_counter SET next = ?1 WHERE id = 1",
	    &st, "serial counter: advance", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)next);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "serial counter: advance", err);
		goto fail;
	}
	if (sq_audit_json(s, now, "passnumd", "store.serial_advance",
	    "serial_counter", json_pack("{s:I, s:I}", "from", (json_int_t)was,
	    "to", (json_int_t)next), err) != 0 || sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}

/* Order of the checks by redeemed_last, for the one pass. */
static int
by_redeemed_last(const void *a, const void *b)
{
	const struct store_checkpoint_check *x =
	    *(const struct store_checkpoint_check *const *)a;
	const struct store_checkpoint_check *y =
	    *(const struct store_checkpoint_check *const *)b;

	return (x->c->redeemed_last > y->c->redeemed_last) -
	    (x->c->redeemed_last < y->c->redeemed_last);
}

/* What one checkpoint says of the audit log and its own row. 0, or -1. */
static int
check_rows(struct store *s, sqlite3_stmt *audit_row, sqlite3_stmt *cp_row,
    struct store_checkpoint_check *v, struct pn_error *err)
{
	int rc;

	if (v->c->audit_last > 0) {
		sqlite3_bind_int64(audit_row, 1, v->c->audit_last);
		rc = sqlite3_step(audit_row);
		if (rc == SQLITE_DONE)
			v->findings |= CPF_AUDIT_CUT;
		else if (rc == SQLITE_ROW) {
			if (sqlite3_column_bytes(audit_row, 0) != 32 ||
			    memcmp(sqlite3_column_blob(audit_row, 0),
			    v->c->audit_head, 32) != 0)
				v->findings |= CPF_AUDIT_CHANGED;
		} else {
			sq_done(audit_row);
			return sq_error(s, rc, "checkpoint: audit row", err);
		}
		sq_done(audit_row);
	}
	sqlite3_bind_int64(cp_row, 1, (sqlite3_int64)v->c->seq);
	rc = sqlite3_step(cp_row);
	if (rc == SQLITE_DONE)
		v->findings |= CPF_NOT_IN_DB;
	else if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(cp_row, 0);

		if (t == NULL || strcmp(t, v->text) != 0)
			v->findings |= CPF_DIFFERS_IN_DB;
	} else {
		sq_done(cp_row);
		return sq_error(s, rc, "checkpoint: its row", err);
	}
	sq_done(cp_row);
	return 0;
}

/* Compare the running state reached with what v says. */
static void
check_redeemed(struct store_checkpoint_check *v, uint64_t count,
    const uint8_t hash[PN_CHECKPOINT_HASH])
{
	v->db_redeemed = count;
	if (count < v->c->redeemed)
		v->findings |= CPF_REDEEMED_FEWER;
	else if (count != v->c->redeemed ||
	    memcmp(hash, v->c->redeemed_hash, PN_CHECKPOINT_HASH) != 0)
		v->findings |= CPF_REDEEMED_CHANGED;
}

int
store_checkpoint_verify(struct store *s, struct store_checkpoint_check *v,
    size_t n, struct pn_error *err)
{
	struct store_checkpoint_check **order = NULL;
	struct pn_checkpoint_redemption r;
	sqlite3_stmt *audit_row = NULL, *cp_row = NULL, *walk = NULL;
	uint8_t hash[PN_CHECKPOINT_HASH], head[32];
	int64_t audit_last, serial, id;
	uint64_t count = 0;
	size_t i, next = 0;
	int rc = SQLITE_DONE, ret = -1;

	if (n == 0)
		return 0;
	if ((order = calloc(n, sizeof(*order))) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "checkpoint: out of "
		    "memory");
	if (sq_exec(s, "BEGIN", "checkpoint: begin", err) != 0) {
		free(order);
		return -1;
	}
	if (audit_head(s, &audit_last, head, err) != 0 ||
	    one_integer(s, "SELECT next FROM serial_counter WHERE id = 1",
	    "checkpoint: serial counter", &serial, err) != 0 ||
	    sq_prepare(s, "SELECT hash FROM audit_log WHERE id = ?1",
	    &audit_row, "checkpoint: audit row", err) != 0 ||
	    sq_prepare(s, "SELECT text FROM checkpoint WHERE seq = ?1",
	    &cp_row, "checkpoint: its row", err) != 0 ||
	    sq_prepare(s, REDEEMED_SQL, &walk, "checkpoint: redemptions",
	    err) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		v[i].findings = 0;
		v[i].db_audit_last = audit_last;
		v[i].db_next_serial = (uint64_t)serial;
		if ((uint64_t)serial < v[i].c->next_serial)
			v[i].findings |= CPF_SERIAL_BEHIND;
		if (check_rows(s, audit_row, cp_row, &v[i], err) != 0)
			goto out;
		order[i] = &v[i];
	}
	qsort(order, n, sizeof(*order), by_redeemed_last);
	memset(hash, 0, sizeof(hash));
	sqlite3_bind_int64(walk, 1, 0);
	while (next < n && (rc = sqlite3_step(walk)) == SQLITE_ROW) {
		if (redeemed_row(walk, &id, &r) != 0) {
			pn_error_set(err, PN_E_FORMAT, "%s: redemption row %"
			    PRId64 " is malformed", s->path,
			    (int64_t)sqlite3_column_int64(walk, 0));
			goto out;
		}
		while (next < n && order[next]->c->redeemed_last < id)
			check_redeemed(order[next++], count, hash);
		pn_checkpoint_fold(hash, &r);
		count++;
	}
	if (next < n && rc != SQLITE_DONE) {
		sq_error(s, rc, "checkpoint: redemptions", err);
		goto out;
	}
	while (next < n)
		check_redeemed(order[next++], count, hash);
	ret = 0;
out:
	sqlite3_finalize(audit_row);
	sqlite3_finalize(cp_row);
	sqlite3_finalize(walk);
	(void)sq_exec(s, "COMMIT", "checkpoint: end", NULL);
	free(order);
	return ret;
}

int
store_alarm_add(struct store *s, int64_t now, const char *kind,
    const char *detail, int64_t *id, struct pn_error *err)
{
	char object[40];
	sqlite3_stmt *st;
	bool own = sqlite3_get_autocommit(s->db) != 0;
	int64_t rowid;
	int rc;

	if (own && sq_begin(s, err) != 0)
		return -1;
	if (sq_prepare(s, "INSERT INTO integrity_alarm (at, kind, detail) "
	    "VALUES (?1, ?2, ?3)", &st, "alarm: insert", err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "alarm: insert", err);
		goto fail;
	}
	rowid = sqlite3_last_insert_rowid(s->db);
	snprintf(object, sizeof(object), "alarm:%" PRId64, rowid);
	if (sq_audit_json(s, now, "passnumd", "integrity.alarm", object,
	    json_pack("{s:s, s:s}", "kind", kind, "detail", detail), err) != 0)
		goto fail;
	if (own && sq_commit(s, err) != 0)
		goto fail;
	if (id != NULL)
		*id = rowid;
	return 0;
fail:
	if (own)
		sq_rollback(s);
	return -1;
}

int
store_alarm_each(struct store *s, bool open_only, unsigned limit,
    int (*fn)(void *ctx, const struct store_alarm *a), void *ctx,
    struct pn_error *err)
{
	struct store_alarm a;
	sqlite3_stmt *st;
	int rc;

	if (sq_prepare(s, "SELECT id, at, kind, detail, acknowledged_at,"
	    "  acknowledged_by, note FROM integrity_alarm"
	    " WHERE ?1 = 0 OR acknowledged_at IS NULL"
	    " ORDER BY id DESC LIMIT ?2", &st, "alarm: list", err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, open_only ? 1 : 0);
	sqlite3_bind_int64(st, 2, limit == 0 ? -1 : (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = sqlite3_column_int64(st, 0);
		a.at = sqlite3_column_int64(st, 1);
		sq_copy_text(a.kind, sizeof(a.kind), st, 2);
		sq_copy_text(a.detail, sizeof(a.detail), st, 3);
		a.acknowledged_at = sqlite3_column_int64(st, 4);
		sq_copy_text(a.acknowledged_by, sizeof(a.acknowledged_by), st,
		    5);
		sq_copy_text(a.note, sizeof(a.note), st, 6);
		if (fn(ctx, &a) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_error(s, rc, "alarm: list", err);
}

int
store_alarm_ack(struct store *s, int64_t id, const char *note,
    const char *actor, const char *login, int64_t now, struct pn_error *err)
{
	char object[40];
	sqlite3_stmt *st;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if (sq_prepare(s, "UPDATE integrity_alarm SET acknowledged_at = ?2,"
	    "  acknowledged_by = ?3, note = ?4"
	    " WHERE id = ?1 AND acknowledged_at IS NULL", &st, "alarm: ack",
	    err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, note, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "alarm: ack", err);
		goto fail;
	}
	if (sqlite3_changes(s->db) == 0) {
		sq_rollback(s);
		return 1;
	}
	snprintf(object, sizeof(object), "alarm:%" PRId64, id);
	if (sq_audit_json(s, now, actor, "integrity.ack", object,
	    json_pack("{s:s}", "note", note), err) != 0 ||
	    sq_commit(s, err) != 0)
		goto fail;
	return 0;
fail:
	sq_rollback(s);
	return -1;
}
