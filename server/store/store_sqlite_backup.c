/* store_sqlite_backup.c -- a consistent copy of a live database (SQLite's online backup API). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_sqlite.h"

/* fsync a file by name. */
static int
sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Copy the database src into a new file path, in one step, through
 * path.partial: checked (integrity_check), synced, then renamed.
 */
static int
copy_database(sqlite3 *src, const char *path, struct pn_error *err)
{
	char tmp[4096];
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	sqlite3_stmt *st;
	int rc;

	if (access(path, F_OK) == 0)
		return pn_error_set(err, PN_E_EXISTS, "%s: already exists; "
		    "refusing to overwrite it", path);
	if (snprintf(tmp, sizeof(tmp), "%s.partial", path) >= (int)sizeof(tmp))
		return pn_error_set(err, PN_E_ARG, "%s: path too long", path);
	(void)unlink(tmp);
	/* The copy is as private as the database (0600), whatever the umask. */
	if (sq_create_private(tmp, err) != 0)
		return -1;
	if ((rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL)) != SQLITE_OK) {
		pn_error_set(err, PN_E_IO, "%s: %s", tmp, sqlite3_errstr(rc));
		goto fail;
	}
	/* All pages in one step: one snapshot, however busy the server. */
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		pn_error_set(err, PN_E_IO, "%s: %s", tmp, sqlite3_errmsg(dst));
		goto fail;
	}
	rc = sqlite3_backup_step(b, -1);
	(void)sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		pn_error_set(err, PN_E_IO, "%s: backup: %s", tmp,
		    sqlite3_errstr(rc));
		goto fail;
	}
	rc = sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		pn_error_set(err, PN_E_FORMAT, "%s: the copy fails its "
		    "integrity check", tmp);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_close(dst) != SQLITE_OK) {
		dst = NULL;
		pn_error_set(err, PN_E_IO, "%s: cannot close the copy", tmp);
		goto fail;
	}
	dst = NULL;
	if (sync_file(tmp) != 0 || rename(tmp, path) != 0) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (dst != NULL)
		sqlite3_close(dst);
	(void)unlink(tmp);
	return -1;
}

int
store_backup(struct store *s, const char *path, struct pn_error *err)
{
	return copy_database(s->db, path, err);
}

int
store_restore_copy(const char *backup, const char *path,
    struct pn_error *err)
{
	sqlite3 *src = NULL;
	int rc;

	/* Read-only and immutable: the backup file is never changed. */
	if (access(backup, R_OK) != 0)
		return pn_error_set(err, PN_E_IO, "%s: %s", backup,
		    strerror(errno));
	if ((rc = sqlite3_open_v2(backup, &src, SQLITE_OPEN_READONLY,
	    NULL)) != SQLITE_OK) {
		pn_error_set(err, PN_E_IO, "%s: %s", backup,
		    sqlite3_errstr(rc));
		sqlite3_close(src);
		return -1;
	}
	rc = copy_database(src, path, err);
	if (rc != 0)
		pn_error_prefix(err, backup);
	sqlite3_close(src);
	return rc;
}

/* Rename from + suffix to to + suffix when it exists. */
static int
move_file(const char *from, const char *to, const char *suffix,
    struct pn_error *err)
{
	char a[4096], b[4096];

	if (snprintf(a, sizeof(a), "%s%s", from, suffix) >= (int)sizeof(a) ||
	    snprintf(b, sizeof(b), "%s%s", to, suffix) >= (int)sizeof(b))
		return pn_error_set(err, PN_E_ARG, "%s: path too long", from);
	if (rename(a, b) != 0 && errno != ENOENT)
		return pn_error_set(err, PN_E_IO, "%s -> %s: %s", a, b,
		    strerror(errno));
	return 0;
}

int
store_restore_swap(const char *db, const char *restored, const char *aside,
    struct pn_error *err)
{
	static const char *const parts[] = { "", "-wal", "-shm" };
	size_t i;

	if (access(aside, F_OK) == 0)
		return pn_error_set(err, PN_E_EXISTS, "%s: already exists; "
		    "refusing to overwrite it", aside);
	/* The old database and its WAL together: they are one state. */
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (move_file(db, aside, parts[i], err) != 0)
			return -1;
	if (move_file(restored, db, "-wal", err) != 0 ||
	    move_file(restored, db, "-shm", err) != 0 ||
	    move_file(restored, db, "", err) != 0)
		return -1;
	return 0;
}
