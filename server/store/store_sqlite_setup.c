/* store_sqlite_setup.c -- the agencies listed and edited, a programme edited, and the history of their changes, on SQLite. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_sqlite.h"

/* --- The history's notes ------------------------------------------------- */

/* The actions that set up or change an agency or a programme. */
static const char *const setup_actions[] = {
	"programme.add", "programme.edit", "programme.rules", "agency.add",
	"agency.edit",
};

SQ_QUERY(q_setup_note,
    "INSERT INTO setup_change (object, audit_id)"
    " VALUES (?1, (SELECT max(id) FROM audit_log))");

/* Declared in store_sqlite.h. */
int
sq_setup_noted(struct store *s, const char *action, const char *object,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < sizeof(setup_actions) / sizeof(setup_actions[0]); i++)
		if (strcmp(action, setup_actions[i]) == 0)
			break;
	if (i == sizeof(setup_actions) / sizeof(setup_actions[0]))
		return 0;
	st = sq_stmt(s, &q_setup_note);
	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	return sq_step_done(s, st, "noting a change of setup", err);
}

/* --- Agencies ------------------------------------------------------------ */

/* The booklets counted once for all agencies, not once per agency. */
#define AGENCY_COLUMNS							\
    "SELECT a.id, a.name, a.kind, a.commune,"				\
    " (SELECT count(*) FROM user u WHERE u.agency_id = a.id"		\
    "  AND u.disabled = 0), coalesce(b.n, 0) FROM agency a"		\
    " LEFT JOIN (SELECT agency_id, count(*) AS n FROM booklet"		\
    "  GROUP BY agency_id) b ON b.agency_id = a.id"

SQ_QUERY(q_agency_get, AGENCY_COLUMNS " WHERE a.id = ?1");
SQ_QUERY(q_agency_all, AGENCY_COLUMNS " ORDER BY a.name, a.id");

static void
agency_row(sqlite3_stmt *st, struct store_agency *a)
{
	a->id = sqlite3_column_int64(st, 0);
	sq_copy_text(a->name, sizeof(a->name), st, 1);
	sq_copy_text(a->kind, sizeof(a->kind), st, 2);
	sq_copy_text(a->commune, sizeof(a->commune), st, 3);
	a->users = (unsigned)sqlite3_column_int64(st, 4);
	a->booklets = (unsigned)sqlite3_column_int64(st, 5);
}

int
store_agency_get(struct store *s, int64_t id, struct store_agency *a,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_agency_get);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		agency_row(st, a);
	else if (rc != SQLITE_DONE)
		sq_error(s, rc, "reading an agency", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

struct agency_visit {
	int (*fn)(void *ctx, const struct store_agency *a);
	void *ctx;
};

static int
agency_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct agency_visit *v = arg;
	struct store_agency a;

	(void)err;
	agency_row(st, &a);
	return v->fn(v->ctx, &a) != 0;
}

int
store_agency_each(struct store *s,
    int (*fn)(void *ctx, const struct store_agency *a), void *ctx,
    struct pn_error *err)
{
	struct agency_visit v = { fn, ctx };

	return sq_each_row(s, sq_stmt(s, &q_agency_all), "listing agencies",
	    agency_visit, &v, err);
}

/* [before, after] of a field that changed, into changes. */
static void
changed_text(json_t *changes, const char *key, const char *before,
    const char *after)
{
	if (strcmp(before, after) != 0)
		json_object_set_new(changes, key, json_pack("[s, s]", before,
		    after));
}

static void
changed_int(json_t *changes, const char *key, int64_t before, int64_t after)
{
	if (before != after)
		json_object_set_new(changes, key, json_pack("[I, I]",
		    (json_int_t)before, (json_int_t)after));
}

/*
 * Step the UPDATE st of one row (its parameters bound) and append the
 * audit row of changes, which is stolen. 0, or -1 with err: a name
 * already taken is PN_E_EXISTS.
 */
static int
update_audited(struct store *s, sqlite3_stmt *st, const char *what,
    int64_t now, const char *actor, const char *action, const char *object,
    json_t *changes, struct pn_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		json_decref(changes);
		pn_error_set(err, PN_E_EXISTS, "%s: the name is taken", what);
		return -1;
	}
	if (rc != SQLITE_DONE) {
		json_decref(changes);
		return sq_error(s, rc, what, err);
	}
	if (sq_audit_json(s, now, actor, action, object, json_pack("{s:o}",
	    "changed", changes), err) != 0)
		return -1;
	return sq_setup_noted(s, action, object, err);
}

int
store_agency_edit(struct store *s, const struct store_agency *a, int64_t now,
    const char *actor, struct pn_error *err)
{
	struct store_agency before;
	sqlite3_stmt *st;
	json_t *changes;
	char object[40];
	int res;

	if (sq_begin(s, err) != 0)
		return -1;
	if ((res = store_agency_get(s, a->id, &before, err)) != 0) {
		sq_rollback(s);
		return res;
	}
	if ((changes = json_object()) == NULL) {
		sq_rollback(s);
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	}
	changed_text(changes, "name", before.name, a->name);
	changed_text(changes, "kind", before.kind, a->kind);
	changed_text(changes, "commune", before.commune, a->commune);
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		sq_rollback(s);
		return STORE_UNCHANGED;
	}
	if (sq_prepare(s, "UPDATE agency SET name = ?2, kind = ?3,"
	    " commune = ?4 WHERE id = ?1", &st, "preparing the agency's edit",
	    err) != 0) {
		json_decref(changes);
		sq_rollback(s);
		return -1;
	}
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->commune, -1, SQLITE_STATIC);
	(void)snprintf(object, sizeof(object), "agency:%lld",
	    (long long)a->id);
	if (update_audited(s, st, "editing the agency", now, actor,
	    "agency.edit", object, changes, err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

/* --- Programmes ---------------------------------------------------------- */

int
store_programme_edit(struct store *s, const struct store_programme *p,
    int64_t now, const char *actor, struct store_programme *before,
    struct pn_error *err)
{
	const struct store_programme *b = before;
	sqlite3_stmt *st;
	json_t *changes;
	char object[40];
	int res;

	if (sq_begin(s, err) != 0)
		return -1;
	if ((res = store_programme_get(s, p->id, before, err)) != 0) {
		sq_rollback(s);
		return res == 1 ? STORE_NOT_FOUND : -1;
	}
	/* Read in the transaction that writes: no booklet comes between. */
	if (p->budget < b->committed) {
		sq_rollback(s);
		return STORE_BELOW_COMMITTED;
	}
	if ((changes = json_object()) == NULL) {
		sq_rollback(s);
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	}
	changed_text(changes, "name", b->name, p->name);
	changed_int(changes, "face_value", b->face_value, p->face_value);
	changed_int(changes, "per_booklet", b->per_booklet, p->per_booklet);
	changed_text(changes, "validity", b->validity, p->validity);
	changed_text(changes, "territory", b->territory, p->territory);
	changed_int(changes, "budget", b->budget, p->budget);
	changed_int(changes, "max_booklets", b->max_booklets,
	    p->max_booklets);
	changed_int(changes, "commission_bp", b->commission_bp,
	    p->commission_bp);
	changed_text(changes, "budget_line", b->budget_line, p->budget_line);
	changed_int(changes, "max_per_session", b->max_per_session,
	    p->max_per_session);
	/* The long texts: that they changed, not their whole text twice. */
	if (strcmp(b->instructions, p->instructions) != 0)
		json_object_set_new(changes, "instructions", json_true());
	if (strcmp(b->venues, p->venues) != 0)
		json_object_set_new(changes, "venues", json_true());
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		sq_rollback(s);
		return STORE_UNCHANGED;
	}
	if (sq_prepare(s, "UPDATE programme SET name = ?2, face_value = ?3,"
	    " per_booklet = ?4, validity = ?5, territory = ?6, budget = ?7,"
	    " max_booklets = ?8, instructions = ?9, venues = ?10,"
	    " commission_bp = ?11, budget_line = ?12, max_per_session = ?13"
	    " WHERE id = ?1", &st, "preparing the programme's edit", err) != 0) {
		json_decref(changes);
		sq_rollback(s);
		return -1;
	}
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, p->face_value);
	sqlite3_bind_int64(st, 4, p->per_booklet);
	sqlite3_bind_text(st, 5, p->validity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->territory, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, p->budget);
	sqlite3_bind_int64(st, 8, p->max_booklets);
	sqlite3_bind_text(st, 9, p->instructions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, p->venues, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, p->commission_bp);
	sqlite3_bind_text(st, 12, p->budget_line, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, p->max_per_session);
	(void)snprintf(object, sizeof(object), "programme:%lld",
	    (long long)p->id);
	if (update_audited(s, st, "editing the programme", now, actor,
	    "programme.edit", object, changes, err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_setup_history,
    "SELECT a.at, a.actor, a.action, a.detail FROM setup_change c"
    " JOIN audit_log a ON a.id = c.audit_id WHERE c.object = ?1"
    " ORDER BY c.audit_id DESC LIMIT 200");

struct history_visit {
	int (*fn)(void *ctx, int64_t at, const char *who, const char *action,
	    const char *detail);
	void *ctx;
};

static int
history_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct history_visit *v = arg;
	const unsigned char *who = sqlite3_column_text(st, 1);
	const unsigned char *action = sqlite3_column_text(st, 2);
	const unsigned char *detail = sqlite3_column_text(st, 3);

	(void)err;
	return v->fn(v->ctx, sqlite3_column_int64(st, 0), who != NULL ?
	    (const char *)who : "", action != NULL ? (const char *)action : "",
	    detail != NULL ? (const char *)detail : "") != 0;
}

int
store_setup_history(struct store *s, const char *object,
    int (*fn)(void *ctx, int64_t at, const char *who, const char *action,
    const char *detail), void *ctx, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_setup_history);
	struct history_visit v = { fn, ctx };

	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	return sq_each_row(s, st, "reading the history of changes",
	    history_visit, &v, err);
}
