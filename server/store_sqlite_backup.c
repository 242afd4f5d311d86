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

int
store_backup(struct store *s, const char *path, struct pn_error *err)
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
	if ((b = sqlite3_backup_init(dst, "main", s->db, "main")) == NULL) {
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
