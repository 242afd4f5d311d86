/* store_sqlite_themes.c -- the themes a training session may have: listed, added, retired and brought back, on SQLite. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_sqlite.h"

SQ_QUERY(q_theme_all,
    "SELECT id, name, created_at, coalesce(retired_at, 0) FROM theme"
    " WHERE ?1 OR retired_at IS NULL ORDER BY id");

struct theme_visit {
	int (*fn)(void *ctx, const struct store_theme *t);
	void *ctx;
};

static int
theme_visit(sqlite3_stmt *st, void *arg, struct pn_error *err)
{
	const struct theme_visit *v = arg;
	struct store_theme t;

	(void)err;
	t.id = sqlite3_column_int64(st, 0);
	sq_copy_text(t.name, sizeof(t.name), st, 1);
	t.created_at = sqlite3_column_int64(st, 2);
	t.retired_at = sqlite3_column_int64(st, 3);
	return v->fn(v->ctx, &t) != 0;
}

int
store_theme_each(struct store *s, bool with_retired,
    int (*fn)(void *ctx, const struct store_theme *t), void *ctx,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_theme_all);
	struct theme_visit v = { fn, ctx };

	sqlite3_bind_int(st, 1, with_retired);
	return sq_each_row(s, st, "listing themes", theme_visit, &v, err);
}

SQ_QUERY(q_theme_insert,
    "INSERT INTO theme (name, created_at) VALUES (?1, ?2)");

int
store_theme_add(struct store *s, const char *name, int64_t now,
    const char *actor, int64_t *id, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_theme_insert);
	char what[200];

	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	(void)snprintf(what, sizeof(what), "theme '%.150s'", name);
	return sq_insert_audited(s, st, what, now, actor, "theme.add",
	    "theme", id, err);
}

SQ_QUERY(q_theme_exists, "SELECT count(*) FROM theme WHERE id = ?1");

/* 1 when theme id exists, 0 when not, -1 with err. */
static int
theme_exists(struct store *s, int64_t id, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_theme_exists);
	int rc, n = 0;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	else
		sq_error(s, rc, "reading a theme", err);
	sq_done(st);
	return rc == SQLITE_ROW ? n > 0 : -1;
}

int
store_theme_set_retired(struct store *s, int64_t id, bool retired,
    int64_t now, const char *actor, struct pn_error *err)
{
	char object[40];
	int n;

	if (sq_begin(s, err) != 0)
		return -1;
	n = sq_update_row(s, retired ?
	    "UPDATE theme SET retired_at = ?5 WHERE id = ?1"
	    " AND retired_at IS NULL" :
	    "UPDATE theme SET retired_at = NULL WHERE id = ?1"
	    " AND retired_at IS NOT NULL", id, NULL, NULL, 0, now,
	    "retiring a theme", err);
	if (n < 0) {
		sq_rollback(s);
		return -1;
	}
	if (n == 0) {
		int exists = theme_exists(s, id, err);

		sq_rollback(s);
		return exists < 0 ? -1 : exists ? STORE_UNCHANGED :
		    STORE_NOT_FOUND;
	}
	(void)snprintf(object, sizeof(object), "theme:%lld", (long long)id);
	if (store_audit_append(s, now, actor, retired ? "theme.retire" :
	    "theme.restore", object, "", err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

SQ_QUERY(q_theme_offered,
    "SELECT count(*) FROM theme WHERE retired_at IS NULL");

int
store_theme_offered(struct store *s, unsigned *n, struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_theme_offered);
	int rc;

	*n = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = (unsigned)sqlite3_column_int(st, 0);
	else
		sq_error(s, rc, "counting the themes offered", err);
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

SQ_QUERY(q_theme_usable,
    "SELECT count(*) FROM theme WHERE name = ?1"
    " AND (retired_at IS NULL OR ?2 < retired_at)");

int
store_theme_usable(struct store *s, const char *name, int64_t starts_at,
    struct pn_error *err)
{
	sqlite3_stmt *st = sq_stmt(s, &q_theme_usable);
	int rc, n = 0;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, starts_at);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	else
		sq_error(s, rc, "checking a theme", err);
	sq_done(st);
	return rc == SQLITE_ROW ? n > 0 : -1;
}

SQ_QUERY(q_theme_named,
    "SELECT count(*) FROM theme WHERE name = ?1");

int
store_themes_seed(struct store *s, const char (*names)[128], unsigned n,
    unsigned max, int64_t now, const char *actor, unsigned *added,
    unsigned *skipped, struct pn_error *err)
{
	sqlite3_stmt *st;
	unsigned i, offered;
	int64_t id;
	int rc;

	*added = *skipped = 0;
	if (store_theme_offered(s, &offered, err) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		st = sq_stmt(s, &q_theme_named);
		sqlite3_bind_text(st, 1, names[i], -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			sq_error(s, rc, "reading the themes", err);
			sq_done(st);
			return -1;
		}
		rc = sqlite3_column_int(st, 0);
		sq_done(st);
		/* Present, even retired from the pages: left as it is. */
		if (rc > 0)
			continue;
		if (offered >= max) {
			(*skipped)++;
			continue;
		}
		if (store_theme_add(s, names[i], now, actor, &id, err) != 0)
			return -1;
		(*added)++;
		offered++;
	}
	return 0;
}
