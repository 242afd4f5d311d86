/* store_sqlite_venues.c -- partner venues: recording, listing, finding, suspending. */
#include <stdio.h>
#include <string.h>

#include "store_sqlite.h"

SQ_QUERY(q_venue_insert,
    "INSERT INTO venue (name, siret, address, commune, iban, bic,"
    " contact, accredited_from, accredited_until, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");

int
store_venue_add(struct store *s, const struct store_venue *v, int64_t now,
    const char *actor, int64_t *id, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_insert);
	char what[400];

	sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->siret, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->iban, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, v->bic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, v->contact, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, v->accredited_from);
	if (v->accredited_until != 0)
		sqlite3_bind_int64(st, 9, v->accredited_until);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_int64(st, 10, now);
	/* The audit row keeps who gets paid where: SIRET and IBAN. */
	(void)snprintf(what, sizeof(what), "venue '%s', SIRET %s, IBAN %s, "
	    "BIC %s", v->name, v->siret, v->iban, v->bic);
	return sq_insert_audited(s, st, what, now, actor, "venue.add", "venue",
	    id, err);
}

/* The caller's function and context of store_venue_each(). */
struct venue_visit {
	int (*fn)(void *ctx, const struct store_venue *v);
	void *ctx;
};

/* Declared in store_sqlite.h. */
void
sq_venue_row(sqlite3_stmt *st, struct store_venue *v)
{
	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, 0);
	sq_copy_text(v->name, sizeof(v->name), st, 1);
	sq_copy_text(v->siret, sizeof(v->siret), st, 2);
	sq_copy_text(v->address, sizeof(v->address), st, 3);
	sq_copy_text(v->commune, sizeof(v->commune), st, 4);
	sq_copy_text(v->iban, sizeof(v->iban), st, 5);
	sq_copy_text(v->bic, sizeof(v->bic), st, 6);
	sq_copy_text(v->contact, sizeof(v->contact), st, 7);
	v->accredited_from = sqlite3_column_int64(st, 8);
	v->accredited_until = sqlite3_column_int64(st, 9);
	sq_copy_text(v->status, sizeof(v->status), st, 10);
	sq_copy_text(v->status_reason, sizeof(v->status_reason), st, 11);
}

static int
venue_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct venue_visit *visit = arg;
	struct store_venue v;

	(void)err;
	sq_venue_row(st, &v);
	return visit->fn(visit->ctx, &v) != 0;
}

SQ_QUERY(q_venue_all,
    "SELECT id, name, siret, address, commune, iban, bic, contact,"
    " accredited_from, coalesce(accredited_until, 0), status,"
    " coalesce(status_reason, '') FROM venue ORDER BY id");

int
store_venue_each(struct store *s,
    int (*fn)(void *ctx, const struct store_venue *v), void *ctx,
    struct pn_error *err)
{
	struct venue_visit visit = { fn, ctx };

	return sq_each_row(s, sq_stmt(s, &q_venue_all), "listing venues",
	    venue_visit, &visit, err);
}

SQ_QUERY(q_venue_find, "SELECT id, status FROM venue WHERE siret = ?1");

SQ_QUERY(q_venue_set_status,
    "UPDATE venue SET status = ?2, status_reason = ?3 WHERE id = ?1");

int
store_venue_set_status(struct store *s, const char *siret, bool suspended,
    const char *reason, int64_t now, const char *actor, struct pn_error *err)
{
	const char *status = suspended ? "suspended" : "active";
	sqlite3_stmt *find = sq_stmt(s, &q_venue_find);
	sqlite3_stmt *set = sq_stmt(s, &q_venue_set_status);
	char object[64], detail[700];
	int64_t id = 0;
	bool same = false;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_text(find, 1, siret, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(find)) == SQLITE_ROW) {
		id = sqlite3_column_int64(find, 0);
		same = strcmp((const char *)sqlite3_column_text(find, 1),
		    status) == 0;
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding a venue", err);
	sq_done(find);
	if (rc != SQLITE_ROW || same) {
		sq_rollback(s);
		return rc == SQLITE_ROW ? 2 : rc == SQLITE_DONE ? 1 : -1;
	}
	sqlite3_bind_int64(set, 1, id);
	sqlite3_bind_text(set, 2, status, -1, SQLITE_STATIC);
	if (reason != NULL)
		sqlite3_bind_text(set, 3, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(set, 3);
	rc = sqlite3_step(set);
	sq_done(set);
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "changing a venue's status", err);
		sq_rollback(s);
		return -1;
	}
	(void)snprintf(object, sizeof(object), "venue:%lld", (long long)id);
	(void)snprintf(detail, sizeof(detail), "SIRET %s%s%s", siret,
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	if (store_audit_append(s, now, actor, suspended ? "venue.suspend" :
	    "venue.resume", object, detail, err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

/* One venue through st, its key already bound: 0, 1 when none, -1. */
static int
venue_one(struct store *s, sqlite3_stmt *st, struct store_venue *out,
    struct pn_error *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		sq_venue_row(st, out);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a venue", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

SQ_QUERY(q_venue_get,
    "SELECT id, name, siret, address, commune, iban, bic, contact,"
    " accredited_from, coalesce(accredited_until, 0), status,"
    " coalesce(status_reason, '') FROM venue WHERE id = ?1");

int
store_venue_get(struct store *s, int64_t id, struct store_venue *out,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_get);

	sqlite3_bind_int64(st, 1, id);
	return venue_one(s, st, out, err);
}

SQ_QUERY(q_venue_by_siret,
    "SELECT id, name, siret, address, commune, iban, bic, contact,"
    " accredited_from, coalesce(accredited_until, 0), status,"
    " coalesce(status_reason, '') FROM venue WHERE siret = ?1");

int
store_venue_by_siret(struct store *s, const char *siret,
    struct store_venue *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_by_siret);

	sqlite3_bind_text(st, 1, siret, -1, SQLITE_STATIC);
	return venue_one(s, st, out, err);
}

SQ_QUERY(q_venue_edit,
    "UPDATE venue SET name = ?2, address = ?3, commune = ?4, contact = ?5,"
    " accredited_from = ?6, accredited_until = ?7 WHERE id = ?1");

int
store_venue_edit(struct store *s, const struct store_venue *v, int64_t now,
    const char *actor, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_edit);
	char object[64], detail[1200];
	int changed;

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, v->id);
	sqlite3_bind_text(st, 2, v->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->contact, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, v->accredited_from);
	if (v->accredited_until != 0)
		sqlite3_bind_int64(st, 7, v->accredited_until);
	else
		sqlite3_bind_null(st, 7);
	if (sq_step_done(s, st, "editing a venue", err) != 0) {
		sq_rollback(s);
		return -1;
	}
	if ((changed = sqlite3_changes(s->db)) == 0) {
		sq_rollback(s);
		return STORE_NOT_FOUND;
	}
	(void)snprintf(object, sizeof(object), "venue:%lld", (long long)v->id);
	(void)snprintf(detail, sizeof(detail), "name '%s', address '%s', "
	    "commune '%s', contact '%s', accredited %lld..%lld", v->name,
	    v->address, v->commune, v->contact, (long long)v->accredited_from,
	    (long long)v->accredited_until);
	if (store_audit_append(s, now, actor, "venue.edit", object, detail,
	    err) != 0 || sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_bank_pending,
    "SELECT c.id, c.venue_id, c.old_iban, c.old_bic, c.iban, c.bic,"
    " c.requested_by, u.login, c.requested_at"
    " FROM venue_bank_change c JOIN user u ON u.id = c.requested_by"
    " WHERE c.venue_id = ?1 AND c.approved_by IS NULL");

int
store_venue_bank_pending(struct store *s, int64_t venue_id,
    struct store_bank_change *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_bank_pending);
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_int64(st, 1, venue_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->venue_id = sqlite3_column_int64(st, 1);
		sq_copy_text(out->old_iban, sizeof(out->old_iban), st, 2);
		sq_copy_text(out->old_bic, sizeof(out->old_bic), st, 3);
		sq_copy_text(out->iban, sizeof(out->iban), st, 4);
		sq_copy_text(out->bic, sizeof(out->bic), st, 5);
		out->requested_by = sqlite3_column_int64(st, 6);
		sq_copy_text(out->requested_login,
		    sizeof(out->requested_login), st, 7);
		out->requested_at = sqlite3_column_int64(st, 8);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a pending change of bank details", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

SQ_QUERY(q_bank_insert,
    "INSERT INTO venue_bank_change (venue_id, old_iban, old_bic, iban, bic,"
    " requested_by, requested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

int
store_venue_bank_request(struct store *s, int64_t venue_id, const char *iban,
    const char *bic, int64_t user_id, int64_t now, const char *actor,
    struct pn_error *err)
{
	struct store_bank_change pending;
	struct store_venue v;
	sqlite3_stmt *st;
	char object[64], detail[300];
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if ((rc = store_venue_get(s, venue_id, &v, err)) != 0)
		goto out;
	if ((rc = store_venue_bank_pending(s, venue_id, &pending, err)) == 0) {
		rc = STORE_BANK_PENDING;
		goto out;
	}
	if (rc != STORE_NOT_FOUND)
		goto out;
	if (strcmp(v.iban, iban) == 0 && strcmp(v.bic, bic) == 0) {
		rc = STORE_UNCHANGED;
		goto out;
	}
	st = sq_stmt(s, &q_bank_insert);
	sqlite3_bind_int64(st, 1, venue_id);
	sqlite3_bind_text(st, 2, v.iban, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v.bic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, iban, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, bic, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, user_id);
	sqlite3_bind_int64(st, 7, now);
	if ((rc = sq_step_done(s, st, "asking for a change of bank details",
	    err)) != 0)
		goto out;
	(void)snprintf(object, sizeof(object), "venue:%lld",
	    (long long)venue_id);
	/* Both accounts, so that the log alone says who moved what where. */
	(void)snprintf(detail, sizeof(detail), "SIRET %s: IBAN %s BIC %s -> "
	    "IBAN %s BIC %s, pending a second admin", v.siret, v.iban, v.bic,
	    iban, bic);
	if ((rc = store_audit_append(s, now, actor, "venue.bank.request",
	    object, detail, err)) != 0 || (rc = sq_commit(s, err)) != 0)
		goto out;
	return 0;
out:
	sq_rollback(s);
	return rc;
}

SQ_QUERY(q_bank_approve,
    "UPDATE venue_bank_change SET approved_by = ?2, approved_at = ?3"
    " WHERE id = ?1 AND approved_by IS NULL AND requested_by <> ?2");

SQ_QUERY(q_venue_set_bank,
    "UPDATE venue SET iban = ?2, bic = ?3 WHERE id = ?1");

int
store_venue_bank_approve(struct store *s, int64_t venue_id, int64_t change_id,
    int64_t user_id, int64_t now, const char *actor, struct pn_error *err)
{
	struct store_bank_change c;
	struct store_venue v;
	sqlite3_stmt *st;
	char object[64], detail[300];
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	if ((rc = store_venue_get(s, venue_id, &v, err)) != 0)
		goto out;
	/* The change the approver read: not one put in its place since. */
	if ((rc = store_venue_bank_pending(s, venue_id, &c, err)) != 0)
		goto out;
	if (c.id != change_id) {
		rc = STORE_NOT_FOUND;
		goto out;
	}
	if (c.requested_by == user_id) {
		rc = STORE_BANK_OWN;
		goto out;
	}
	st = sq_stmt(s, &q_bank_approve);
	sqlite3_bind_int64(st, 1, c.id);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = sq_step_done(s, st, "approving a change of bank details",
	    err)) != 0)
		goto out;
	if (sqlite3_changes(s->db) != 1) {
		rc = STORE_NOT_FOUND;
		goto out;
	}
	st = sq_stmt(s, &q_venue_set_bank);
	sqlite3_bind_int64(st, 1, venue_id);
	sqlite3_bind_text(st, 2, c.iban, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c.bic, -1, SQLITE_STATIC);
	if ((rc = sq_step_done(s, st, "changing a venue's bank details",
	    err)) != 0)
		goto out;
	(void)snprintf(object, sizeof(object), "venue:%lld",
	    (long long)venue_id);
	(void)snprintf(detail, sizeof(detail), "SIRET %s: IBAN %s BIC %s -> "
	    "IBAN %s BIC %s, asked by %s", v.siret, c.old_iban, c.old_bic,
	    c.iban, c.bic, c.requested_login);
	if ((rc = store_audit_append(s, now, actor, "venue.bank.approve",
	    object, detail, err)) != 0 || (rc = sq_commit(s, err)) != 0)
		goto out;
	return 0;
out:
	sq_rollback(s);
	return rc;
}

SQ_QUERY(q_venue_last_paid_iban,
    "SELECT l.iban FROM settlement_line l"
    " JOIN settlement_batch b ON b.id = l.batch_id"
    " WHERE l.venue_id = ?1 AND l.batch_id < ?2 AND b.status = 'paid'"
    " AND l.carried_over = 0 AND l.held_at IS NULL"
    " ORDER BY l.batch_id DESC LIMIT 1");

int
store_venue_last_paid_iban(struct store *s, int64_t venue_id,
    int64_t before_batch, char iban[40], struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_venue_last_paid_iban);
	int rc;

	iban[0] = '\0';
	sqlite3_bind_int64(st, 1, venue_id);
	sqlite3_bind_int64(st, 2, before_batch);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_copy_text(iban, 40, st, 0);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a venue's last payment", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}
