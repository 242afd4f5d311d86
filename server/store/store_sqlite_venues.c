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
