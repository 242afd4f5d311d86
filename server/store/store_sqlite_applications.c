/* store_sqlite_applications.c -- venue applications, the nightly jobs' runs, and reading the audit log. */
#include <stdio.h>
#include <string.h>

#include "store_sqlite.h"

SQ_QUERY(q_application_count,
    "SELECT count(*) FROM venue_application"
    " WHERE from_address = ?1 AND received_at >= ?2");

int
store_application_count(struct store *s, const char *address, int64_t since,
    unsigned *n, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_application_count);
	int rc;

	*n = 0;
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = (unsigned)sqlite3_column_int64(st, 0);
	else
		sq_error(s, rc, "counting applications", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

SQ_QUERY(q_application_insert,
    "INSERT INTO venue_application (received_at, from_address, name, siret,"
    " address, commune, contact_name, contact_email, contact_phone, iban,"
    " bic, themes, message)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");

int
store_application_add(struct store *s, const struct store_application *a,
    const char *actor, int64_t *id, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_application_insert);
	char what[800];

	sqlite3_bind_int64(st, 1, a->received_at);
	sqlite3_bind_text(st, 2, a->from_address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->siret, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->contact_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->contact_email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, a->contact_phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, a->iban, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, a->bic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, a->themes, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, a->message, -1, SQLITE_STATIC);
	(void)snprintf(what, sizeof(what), "application of '%s', SIRET %s, "
	    "IBAN %s, from %s", a->name, a->siret, a->iban, a->from_address);
	return sq_insert_audited(s, st, what, a->received_at, actor,
	    "application.receive", "application", id, err);
}

#define APPLICATION_COLUMNS						\
    "SELECT id, received_at, from_address, name, siret, address, commune,"\
    " contact_name, contact_email, contact_phone, iban, bic, themes,"	\
    " message, status, coalesce(decided_at, 0), coalesce(decided_by, ''),"\
    " coalesce(reason, ''), coalesce(venue_id, 0),"			\
    " coalesce(user_login, '') FROM venue_application"

static void
application_row(sqlite3_stmt *st, struct store_application *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->received_at = sqlite3_column_int64(st, 1);
	sq_copy_text(a->from_address, sizeof(a->from_address), st, 2);
	sq_copy_text(a->name, sizeof(a->name), st, 3);
	sq_copy_text(a->siret, sizeof(a->siret), st, 4);
	sq_copy_text(a->address, sizeof(a->address), st, 5);
	sq_copy_text(a->commune, sizeof(a->commune), st, 6);
	sq_copy_text(a->contact_name, sizeof(a->contact_name), st, 7);
	sq_copy_text(a->contact_email, sizeof(a->contact_email), st, 8);
	sq_copy_text(a->contact_phone, sizeof(a->contact_phone), st, 9);
	sq_copy_text(a->iban, sizeof(a->iban), st, 10);
	sq_copy_text(a->bic, sizeof(a->bic), st, 11);
	sq_copy_text(a->themes, sizeof(a->themes), st, 12);
	sq_copy_text(a->message, sizeof(a->message), st, 13);
	sq_copy_text(a->status, sizeof(a->status), st, 14);
	a->decided_at = sqlite3_column_int64(st, 15);
	sq_copy_text(a->decided_by, sizeof(a->decided_by), st, 16);
	sq_copy_text(a->reason, sizeof(a->reason), st, 17);
	a->venue_id = sqlite3_column_int64(st, 18);
	sq_copy_text(a->user_login, sizeof(a->user_login), st, 19);
}

SQ_QUERY(q_application_get, APPLICATION_COLUMNS " WHERE id = ?1");

int
store_application_get(struct store *s, int64_t id,
    struct store_application *out, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_application_get);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		application_row(st, out);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading an application", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

struct application_visit {
	int (*fn)(void *ctx, const struct store_application *a);
	void *ctx;
};

static int
application_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct application_visit *v = arg;
	struct store_application a;

	(void)err;
	application_row(st, &a);
	return v->fn(v->ctx, &a) != 0;
}

SQ_QUERY(q_application_all, APPLICATION_COLUMNS
    " ORDER BY status <> 'pending',"
    " CASE WHEN status = 'pending' THEN id ELSE -id END LIMIT ?1");

int
store_application_each(struct store *s, unsigned limit,
    int (*fn)(void *ctx, const struct store_application *a), void *ctx,
    struct pn_error *err)
{
	struct application_visit v = { fn, ctx };
	sqlite3_stmt *st = sq_stmt(s, &q_application_all);

	sqlite3_bind_int64(st, 1, limit);
	return sq_each_row(s, st, "listing applications", application_visit,
	    &v, err);
}

SQ_QUERY(q_application_status,
    "SELECT status FROM venue_application WHERE id = ?1");
SQ_QUERY(q_application_decide,
    "UPDATE venue_application SET status = ?2, decided_at = ?3,"
    " decided_by = ?4, reason = ?5, venue_id = ?6, user_login = ?7"
    " WHERE id = ?1 AND status = 'pending'");

int
store_application_decide(struct store *s, int64_t id, bool accept,
    const char *reason, int64_t venue_id, const char *user_login,
    int64_t now, const char *actor, struct pn_error *err)
{
	sqlite3_stmt *find = sq_stmt(s, &q_application_status);
	sqlite3_stmt *set = sq_stmt(s, &q_application_decide);
	char object[64], detail[700];
	bool pending = false;
	int rc;

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_int64(find, 1, id);
	if ((rc = sqlite3_step(find)) == SQLITE_ROW)
		pending = strcmp((const char *)sqlite3_column_text(find, 0),
		    "pending") == 0;
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "finding an application", err);
	sq_done(find);
	if (rc != SQLITE_ROW || !pending) {
		sq_rollback(s);
		return rc == SQLITE_ROW ? STORE_UNCHANGED : rc == SQLITE_DONE ?
		    STORE_NOT_FOUND : -1;
	}
	sqlite3_bind_int64(set, 1, id);
	sqlite3_bind_text(set, 2, accept ? "accepted" : "refused", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(set, 3, now);
	sqlite3_bind_text(set, 4, actor, -1, SQLITE_STATIC);
	if (reason != NULL)
		sqlite3_bind_text(set, 5, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(set, 5);
	if (venue_id != 0)
		sqlite3_bind_int64(set, 6, venue_id);
	else
		sqlite3_bind_null(set, 6);
	if (user_login != NULL)
		sqlite3_bind_text(set, 7, user_login, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(set, 7);
	if (sq_step_done(s, set, "deciding an application", err) != 0) {
		sq_rollback(s);
		return -1;
	}
	(void)snprintf(object, sizeof(object), "application:%lld",
	    (long long)id);
	if (accept)
		(void)snprintf(detail, sizeof(detail), "venue:%lld, user %s",
		    (long long)venue_id, user_login != NULL ? user_login : "");
	else
		(void)snprintf(detail, sizeof(detail), "%s",
		    reason != NULL ? reason : "");
	if (store_audit_append(s, now, actor, accept ? "application.accept" :
	    "application.refuse", object, detail, err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_job_run_insert,
    "INSERT INTO job_run (job, at, ok, summary, via)"
    " VALUES (?1, ?2, ?3, ?4, ?5)");

int
store_job_run_add(struct store *s, const struct store_job_run *r,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_job_run_insert);

	if (sq_begin(s, err) != 0)
		return -1;
	sqlite3_bind_text(st, 1, r->job, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->at);
	sqlite3_bind_int(st, 3, r->ok ? 1 : 0);
	sqlite3_bind_text(st, 4, r->summary, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->via, -1, SQLITE_STATIC);
	if (sq_step_done(s, st, "recording a job's run", err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_job_run_last,
    "SELECT job, at, ok, summary, via FROM job_run WHERE job = ?1"
    " ORDER BY at DESC, id DESC LIMIT 1");

int
store_job_run_last(struct store *s, const char *job, struct store_job_run *out,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_job_run_last);
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sq_copy_text(out->job, sizeof(out->job), st, 0);
		out->at = sqlite3_column_int64(st, 1);
		out->ok = sqlite3_column_int(st, 2) != 0;
		sq_copy_text(out->summary, sizeof(out->summary), st, 3);
		sq_copy_text(out->via, sizeof(out->via), st, 4);
	} else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading a job's run", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

struct audit_visit {
	int (*fn)(void *ctx, const struct store_audit_entry *e);
	void *ctx;
};

static int
audit_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct audit_visit *v = arg;
	struct store_audit_entry e;

	(void)err;
	memset(&e, 0, sizeof(e));
	e.id = sqlite3_column_int64(st, 0);
	e.at = sqlite3_column_int64(st, 1);
	sq_copy_text(e.actor, sizeof(e.actor), st, 2);
	sq_copy_text(e.action, sizeof(e.action), st, 3);
	sq_copy_text(e.object, sizeof(e.object), st, 4);
	sq_copy_text(e.detail, sizeof(e.detail), st, 5);
	return v->fn(v->ctx, &e) != 0;
}

/*
 * instr() rather than LIKE: what an admin types is matched as it is, '%'
 * and '_' included. The object is matched whole: "venue:3" is not
 * "venue:30". Newest first by id, which is the chain's order.
 */
SQ_QUERY(q_audit_filter,
    "SELECT id, at, actor, action, object, detail FROM audit_log"
    " WHERE (?1 = 0 OR at >= ?1) AND (?2 = 0 OR at < ?2)"
    " AND instr(actor, ?3) > 0 AND instr(action, ?4) > 0"
    " AND (?5 = '' OR object = ?5) AND (?6 = 0 OR id < ?6)"
    " ORDER BY id DESC LIMIT ?7");

int
store_audit_each(struct store *s, const struct store_audit_filter *f,
    int (*fn)(void *ctx, const struct store_audit_entry *e), void *ctx,
    struct pn_error *err)
{
	struct audit_visit v = { fn, ctx };
	sqlite3_stmt *st = sq_stmt(s, &q_audit_filter);

	sqlite3_bind_int64(st, 1, f->from);
	sqlite3_bind_int64(st, 2, f->until);
	sqlite3_bind_text(st, 3, f->actor != NULL ? f->actor : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->action != NULL ? f->action : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->object != NULL ? f->object : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, f->before_id);
	sqlite3_bind_int64(st, 7, f->limit);
	return sq_each_row(s, st, "reading the audit log", audit_visit, &v,
	    err);
}
