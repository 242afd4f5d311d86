/* store_sqlite.c -- the store on SQLite: hardened connections, migrations, transactions.
 *
 * With store_sqlite_*.c, the only server files that include <sqlite3.h>.
 * docs/store.md explains the choices made here. The audit chain is in
 * store_sqlite_audit.c. store_open() prepares every query that the store
 * files of the program declare with SQ_QUERY (store_sqlite.h).
 *
 * Schema versions (PRAGMA user_version); store_migrations[i] goes from i to i+1:
 *
 *   0  empty database (a new file)
 *   1  audit_log (the hash-chained, append-only log), meta (key -> value)
 *   2  agency, programme, user, api_token, signing_key, beneficiary,
 *      booklet, voucher, serial_counter
 *   3  voucher.cancelled_at and cancel_reason; deny_event (the deny list)
 *   4  programme.instructions and venues (the booklet's cover);
 *      web_session (browser sessions), login_failure (throttling)
 *
 * The scripts are in store_sqlite_schema.c; a new feature adds its tables
 * with a new entry at the end of store_migrations[];
 * an entry that has shipped is never edited.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_sqlite.h"

/* Milliseconds between two attempts to switch a new file to WAL. */
#define JOURNAL_RETRY_MS 5

/* Rows of PRAGMA integrity_check quoted in the error message. */
#define INTEGRITY_ROWS_SHOWN 5

#define SCHEMA_LATEST store_migrations_count


/*
 * Every query of the program (SQ_QUERY in store_sqlite.h), gathered by the
 * linker, which names the bounds of a section whose name is an identifier.
 */
extern const struct sq_query __start_pn_sq_queries[];
extern const struct sq_query __stop_pn_sq_queries[];

_Static_assert(sizeof(struct sq_query) == _Alignof(struct sq_query),
    "a query's alignment would pad the section pn_sq_queries");

static size_t
query_count(void)
{
	return (size_t)(__stop_pn_sq_queries - __start_pn_sq_queries);
}

sqlite3_stmt *
sq_stmt(struct store *s, const struct sq_query *q)
{
	assert(s != NULL && s->stmts != NULL);
	assert(q >= __start_pn_sq_queries && q < __stop_pn_sq_queries);
	return s->stmts[q - __start_pn_sq_queries];
}

/* The pn_errcode for a failed SQLite call. */
static enum pn_errcode
code_of(int rc)
{
	return (rc & 0xff) == SQLITE_NOMEM ? PN_E_NOMEM : PN_E_IO;
}

/*
 * Record "PATH: WHAT: sqlite's message" for a call on db that returned rc.
 * Call it before any other call on db, which would replace the message.
 * Returns -1.
 */
static int
db_error(sqlite3 *db, const char *path, int rc, const char *what,
    struct pn_error *err)
{
	char why[PN_ERROR_MESSAGE_MAX];

	(void)snprintf(why, sizeof(why), "%s: %s: %s", path, what,
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sq_health_failed(rc, why);
	return pn_error_set(err, code_of(rc), "%s", why);
}

/* Make st ready for its next use: on every path, after every use. */
static void
stmt_done(sqlite3_stmt *st)
{
	/* reset() repeats the error of the last step(), already reported. */
	(void)sqlite3_reset(st);
	(void)sqlite3_clear_bindings(st);
}

/* Run a statement that returns no row (BEGIN, COMMIT, ROLLBACK). */
static int
stmt_run(struct store *s, sqlite3_stmt *st, const char *what,
    struct pn_error *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		db_error(s->db, s->path, rc, what, err);
		stmt_done(st);
		return -1;
	}
	stmt_done(st);
	return 0;
}

SQ_QUERY(q_rollback, "ROLLBACK");

/* Roll back a transaction that may already have been rolled back by SQLite. */
static void
rollback_if_open(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)stmt_run(s, sq_stmt(s, &q_rollback), "ROLLBACK", NULL);
}

int
sq_error(struct store *s, int rc, const char *what, struct pn_error *err)
{
	return db_error(s->db, s->path, rc, what, err);
}

int
sq_step_done(struct store *s, sqlite3_stmt *st, const char *what,
    struct pn_error *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		sq_error(s, rc, what, err);
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
sq_copy_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	(void)snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

void
sq_done(sqlite3_stmt *st)
{
	stmt_done(st);
}

int
sq_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    const char *what, struct pn_error *err)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return sq_error(s, rc, what, err);
	}
	return 0;
}

int
sq_exec(struct store *s, const char *sql, const char *what,
    struct pn_error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_error(s, rc, what, err);
}

/*
 * Write transactions of this process's connections queue on this mutex
 * before BEGIN IMMEDIATE. SQLite's own busy handler makes a waiting writer
 * sleep and poll (1, 2, 5 ... 100 ms), which under a burst of requests
 * turns into seconds of latency; a mutex hands the lock over at once.
 * Other processes (passnum-admin) still wait through the busy timeout.
 */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

SQ_QUERY(q_begin, "BEGIN IMMEDIATE");
/* sq_begin() inside a committer's job: a savepoint of the group's. */
SQ_QUERY(q_nested, "SAVEPOINT nested");
SQ_QUERY(q_nested_release, "RELEASE nested");
SQ_QUERY(q_nested_undo, "ROLLBACK TO nested");

/*
 * A read snapshot, which takes no lock: store_denylist_since(), the money
 * audit, a settlement's approval.
 */
SQ_QUERY_SHARED(q_read_begin, "BEGIN DEFERRED");

int
sq_begin(struct store *s, struct pn_error *err)
{
	if (s->in_job) {
		if (stmt_run(s, sq_stmt(s, &q_nested), "SAVEPOINT", err) != 0)
			return -1;
		s->nested++;
		return 0;
	}
	pthread_mutex_lock(&write_lock);
	if (stmt_run(s, sq_stmt(s, &q_begin), "BEGIN IMMEDIATE", err) != 0) {
		pthread_mutex_unlock(&write_lock);
		return -1;
	}
	s->holds_write_lock = true;
	s->changes_at_begin = sqlite3_total_changes64(s->db);
	return 0;
}

SQ_QUERY_SHARED(q_commit, "COMMIT");

int
sq_commit(struct store *s, struct pn_error *err)
{
	if (s->nested > 0) {
		/* On failure the savepoint stays for the caller's sq_rollback(). */
		if (stmt_run(s, sq_stmt(s, &q_nested_release), "RELEASE",
		    err) != 0)
			return -1;
		s->nested--;
		return 0;
	}
	/* On failure the lock stays held for the caller's sq_rollback(). */
	if (stmt_run(s, sq_stmt(s, &q_commit), "COMMIT", err) != 0)
		return -1;
	/* Only a transaction that wrote vouches for the disk. */
	if (sqlite3_total_changes64(s->db) != s->changes_at_begin)
		sq_health_committed();
	s->holds_write_lock = false;
	pthread_mutex_unlock(&write_lock);
	return 0;
}

void
sq_rollback(struct store *s)
{
	if (s->nested > 0) {
		(void)stmt_run(s, sq_stmt(s, &q_nested_undo), "ROLLBACK TO",
		    NULL);
		(void)stmt_run(s, sq_stmt(s, &q_nested_release), "RELEASE",
		    NULL);
		s->nested--;
		return;
	}
	if (s->in_job)
		return;		/* the job's savepoint decides */
	rollback_if_open(s);
	if (s->holds_write_lock) {
		s->holds_write_lock = false;
		pthread_mutex_unlock(&write_lock);
	}
}


/*
 * Run one PRAGMA on a connection without prepared statements yet and copy
 * its first column of the first row into out (empty when there is no row).
 * Returns SQLITE_OK, or SQLite's code with err set.
 */
static int
pragma_text(sqlite3 *db, const char *path, const char *sql, char *out,
    size_t outlen, struct pn_error *err)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;
	int rc;

	assert(outlen > 0);
	out[0] = '\0';
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, path, rc, sql, err);
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		/* A short answer (a mode name, a number) fits; cut otherwise. */
		if (t != NULL)
			(void)snprintf(out, outlen, "%s", (const char *)t);
	} else if (rc != SQLITE_DONE) {
		db_error(db, path, rc, sql, err);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return SQLITE_OK;
}

/* PRAGMA user_version on a connection without prepared statements yet. */
static int
read_user_version(sqlite3 *db, const char *path, int *version,
    struct pn_error *err)
{
	char buf[32], *end;
	long v;

	if (pragma_text(db, path, "PRAGMA user_version", buf, sizeof(buf),
	    err) != SQLITE_OK)
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0' || v < INT_MIN ||
	    v > INT_MAX)
		return pn_error_set(err, PN_E_FORMAT, "%s: PRAGMA user_version "
		    "answered '%s'", path, buf);
	*version = (int)v;
	return 0;
}

/* The refusal of a schema this build does not know. */
static int
check_version_known(const char *path, int version, struct pn_error *err)
{
	if (version > SCHEMA_LATEST)
		return pn_error_set(err, PN_E_FORMAT,
		    "%s: database schema version %d is newer than this "
		    "program's %d: upgrade passnum", path, version,
		    SCHEMA_LATEST);
	if (version < 0)
		return pn_error_set(err, PN_E_FORMAT,
		    "%s: database schema version %d was not written by "
		    "passnum", path, version);
	return 0;
}

/* Count a row of PRAGMA foreign_key_check. */
static int
count_row(void *arg, int n, char **values, char **names)
{
	(void)n;
	(void)values;
	(void)names;
	(*(unsigned *)arg)++;
	return 0;
}

/* 0 when no row breaks a foreign key, or -1 with err. */
static int
foreign_keys_hold(sqlite3 *db, const char *path, struct pn_error *err)
{
	unsigned broken = 0;
	int rc;

	rc = sqlite3_exec(db, "PRAGMA foreign_key_check", count_row, &broken,
	    NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "PRAGMA foreign_key_check", err);
	if (broken != 0)
		return pn_error_set(err, PN_E_FORMAT, "%s: the migration "
		    "would leave %u rows pointing at no row (PRAGMA "
		    "foreign_key_check): nothing changed", path, broken);
	return 0;
}

/*
 * Bring the schema up to SCHEMA_LATEST in one BEGIN IMMEDIATE transaction.
 * The version is read again inside it, so that of several processes opening
 * a new database at once, the first migrates and the others find it done.
 * On any error everything is rolled back.
 */
static int
migrate(sqlite3 *db, const char *path, struct pn_error *err)
{
	char sql[64], *msg = NULL;
	int version, i, rc;

	/* Most opens find the schema current: no write lock for them. */
	if (read_user_version(db, path, &version, err) != 0)
		return -1;
	if (check_version_known(path, version, err) != 0)
		return -1;
	if (version == SCHEMA_LATEST)
		return 0;

	/*
	 * A migration that makes a table again (17: user) drops the old one
	 * while other tables still point at it: foreign keys are off for
	 * the transaction (a no-op inside one, so before BEGIN), checked
	 * whole by PRAGMA foreign_key_check before COMMIT, and on again
	 * after, as SQLite's documentation of ALTER TABLE prescribes.
	 */
	rc = sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "PRAGMA foreign_keys", err);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, path, rc, "cannot start the migration", err);
		goto fail;
	}
	if (read_user_version(db, path, &version, err) != 0)
		goto fail;
	if (check_version_known(path, version, err) != 0)
		goto fail;
	for (i = version; i < SCHEMA_LATEST; i++) {
		rc = sqlite3_exec(db, store_migrations[i], NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			pn_error_set(err, code_of(rc), "%s: migration from "
			    "schema version %d to %d failed: %s", path, i,
			    i + 1, msg != NULL ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			goto fail;
		}
	}
	/*
	 * A PRAGMA takes no bound parameter; the number is this file's own
	 * constant, not input.
	 */
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    SCHEMA_LATEST);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, path, rc, "cannot set the schema version", err);
		goto fail;
	}
	if (foreign_keys_hold(db, path, err) != 0)
		goto fail;
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, path, rc, "cannot commit the migration", err);
		goto fail;
	}
	rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "PRAGMA foreign_keys", err);
	return 0;

fail:	/* Inside the migration transaction or before it, err set. */
	if (!sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	(void)sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return -1;
}

/* The connection settings of docs/store.md, before any table is touched. */
static int
harden(sqlite3 *db, const char *path, unsigned busy_timeout_ms,
    struct pn_error *err)
{
	static const struct {
		int op;
		const char *name;
		int value;
	} config[] = {
		/* No writable_schema, no corrupting a file through SQL. */
		{ SQLITE_DBCONFIG_DEFENSIVE, "defensive mode", 1 },
		/* Functions in views and triggers: only the harmless ones. */
		{ SQLITE_DBCONFIG_TRUSTED_SCHEMA, "trusted_schema", 0 },
		/* "text" is an identifier, never a string literal. */
		{ SQLITE_DBCONFIG_DQS_DML, "double-quoted strings", 0 },
		{ SQLITE_DBCONFIG_DQS_DDL, "double-quoted strings", 0 },
	};
	char mode[32];
	unsigned waited;
	size_t i;
	int rc, got;

	for (i = 0; i < sizeof(config) / sizeof(config[0]); i++) {
		got = -1;
		rc = sqlite3_db_config(db, config[i].op, config[i].value, &got);
		if (rc != SQLITE_OK || got != config[i].value)
			return pn_error_set(err, PN_E_IO, "%s: cannot set %s: "
			    "%s", path, config[i].name, sqlite3_errmsg(db));
	}
	rc = sqlite3_busy_timeout(db,
	    busy_timeout_ms > INT_MAX ? INT_MAX : (int)busy_timeout_ms);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "cannot set the busy timeout",
		    err);
	/*
	 * Switching a new file to WAL needs an exclusive lock while this
	 * connection already reads it, so SQLite answers SQLITE_BUSY at once
	 * instead of calling the busy handler (which could deadlock). When
	 * several processes open a new database together, one of them
	 * switches it and the others retry here, within the busy timeout.
	 */
	for (waited = 0;; waited += JOURNAL_RETRY_MS) {
		rc = pragma_text(db, path, "PRAGMA journal_mode = WAL", mode,
		    sizeof(mode), err);
		if (rc == SQLITE_OK)
			break;
		if (((rc & 0xff) != SQLITE_BUSY &&
		    (rc & 0xff) != SQLITE_LOCKED) || waited >= busy_timeout_ms)
			return -1;
		(void)sqlite3_sleep(JOURNAL_RETRY_MS);
	}
	if (strcasecmp(mode, "wal") != 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot use write-ahead "
		    "logging: journal mode stays \"%s\"", path, mode);
	rc = sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "PRAGMA synchronous", err);
	rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "PRAGMA foreign_keys", err);
	return 0;
}

/*
 * SQLite counts the memory it allocates under one process-wide mutex,
 * which every connection of every worker thread would then queue for:
 * passnumd does not read those counts, so they are turned off, before
 * SQLite is first used (later, sqlite3_config() refuses, harmlessly).
 */
int
sq_create_private(const char *path, struct pn_error *err)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 && errno != EEXIST)
		return pn_error_set(err, PN_E_IO, "%s: cannot create: %s", path,
		    strerror(errno));
	if (fd >= 0 && close(fd) != 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot create: %s", path,
		    strerror(errno));
	return 0;
}

static void
sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_initialize();
}

struct store *
store_open(const char *path, unsigned busy_timeout_ms, struct pn_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	struct store *s;
	const char *sql;
	int flags, rc;
	size_t i, n;

	assert(path != NULL);
	(void)pthread_once(&once, sqlite_setup);
	s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->busy_timeout_ms = busy_timeout_ms;
	if (s == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		pn_error_set(err, PN_E_NOMEM, "%s: out of memory", path);
		return NULL;
	}
	/* One connection per thread: SQLite's own mutexes are not needed. */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_EXRESCODE
	flags |= SQLITE_OPEN_EXRESCODE;
#endif
	/*
	 * A new database is created here, 0600 whatever the umask: SQLite
	 * would make it 0644 less the umask, and gives its WAL and shared
	 * memory files the database's mode.
	 */
	if (strcmp(path, ":memory:") != 0 && sq_create_private(path, err) != 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		db_error(s->db, path, rc, "cannot open the database", err);
		goto fail;
	}
	(void)sqlite3_extended_result_codes(s->db, 1);
	if (harden(s->db, path, busy_timeout_ms, err) != 0)
		goto fail;
	if (migrate(s->db, path, err) != 0)
		goto fail;
	n = query_count();
	if ((s->stmts = calloc(n, sizeof(*s->stmts))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		sql = __start_pn_sq_queries[i].sql;
		/* A hole in the section would be a query without SQL. */
		if (sql == NULL) {
			pn_error_set(err, PN_E_FORMAT, "%s: query %zu of "
			    "%zu has no SQL", path, i, n);
			goto fail;
		}
		rc = sqlite3_prepare_v3(s->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmts[i], NULL);
		if (rc != SQLITE_OK) {
			pn_error_set(err, code_of(rc), "%s: cannot prepare "
			    "\"%s\": %s", path, sql, sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	return s;

fail:	/* err set; s holds whatever was opened and prepared. */
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	/*
	 * A write left open (a caller that failed half-way) is undone, and
	 * the process's write mutex given back: every later writer of the
	 * process would otherwise wait for it for ever.
	 */
	if (s->holds_write_lock)
		sq_rollback(s);
	for (i = 0; s->stmts != NULL && i < query_count(); i++)
		sqlite3_finalize(s->stmts[i]);
	free(s->stmts);
	/* Every statement is finalized, so close cannot be busy. */
	(void)sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int
store_shutdown(const char *path, unsigned busy_timeout_ms,
    struct pn_error *err)
{
	struct store *s;
	int rc, wal_frames = 0, copied = 0;

	sq_group_close_all();
	if ((s = store_open(path, busy_timeout_ms, err)) == NULL)
		return -1;
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    &wal_frames, &copied);
	if (rc != SQLITE_OK) {
		pn_error_set(err, PN_E_IO, "%s: checkpoint of the WAL at "
		    "shutdown: %s (%d of %d frames copied)", path,
		    sqlite3_errmsg(s->db), copied, wal_frames);
		store_close(s);
		return -1;
	}
	/* The last connection closed: SQLite deletes the empty WAL. */
	store_close(s);
	return 0;
}

SQ_QUERY(q_user_version, "PRAGMA user_version");

int
store_schema_version(struct store *s)
{
	int rc, version = -1;
	sqlite3_stmt *user_version = sq_stmt(s, &q_user_version);

	assert(s != NULL);
	rc = sqlite3_step(user_version);
	if (rc == SQLITE_ROW)
		version = sqlite3_column_int(user_version, 0);
	stmt_done(user_version);
	return version;
}

int
store_schema_latest(void)
{
	return SCHEMA_LATEST;
}

int
store_lock_instance(const char *path, struct pn_error *err)
{
	char *lock;
	size_t n;
	int fd;

	assert(path != NULL);
	n = strlen(path) + sizeof(".lock");
	if ((lock = malloc(n)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "%s: out of memory", path);
	/* n is exactly the length needed: no truncation. */
	(void)snprintf(lock, n, "%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		pn_error_set(err, PN_E_IO, "%s: cannot open the lock file: %s",
		    lock, strerror(errno));
		free(lock);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			pn_error_set(err, PN_E_IO, "%s: the database is in use "
			    "by another passnumd (lock held on %s)", path,
			    lock);
		else
			pn_error_set(err, PN_E_IO, "%s: cannot lock: %s", lock,
			    strerror(errno));
		close(fd);
		free(lock);
		return -1;
	}
	free(lock);
	return fd;
}

void
store_unlock_instance(int fd)
{
	/* Closing the only descriptor of the open file releases the lock. */
	if (fd >= 0)
		(void)close(fd);
}

SQ_QUERY(q_integrity, "PRAGMA integrity_check");

int
store_integrity_check(struct store *s, struct pn_error *err)
{
	char found[sizeof(err->message)];
	const unsigned char *t;
	size_t used = 0;
	int rc, rows = 0, w;
	bool ok = false;
	sqlite3_stmt *integrity = sq_stmt(s, &q_integrity);

	assert(s != NULL);
	found[0] = '\0';
	while ((rc = sqlite3_step(integrity)) == SQLITE_ROW) {
		t = sqlite3_column_text(integrity, 0);
		if (t == NULL)
			t = (const unsigned char *)"";
		rows++;
		ok = rows == 1 && strcmp((const char *)t, "ok") == 0;
		if (rows > INTEGRITY_ROWS_SHOWN || used >= sizeof(found) - 1)
			continue;
		/* Truncation of a long list is accepted: the start is shown. */
		w = snprintf(found + used, sizeof(found) - used, "%s%s",
		    rows > 1 ? "; " : "", (const char *)t);
		if (w > 0)
			used += (size_t)w < sizeof(found) - used ?
			    (size_t)w : sizeof(found) - used - 1;
	}
	if (rc != SQLITE_DONE) {
		db_error(s->db, s->path, rc, "PRAGMA integrity_check", err);
		stmt_done(integrity);
		return -1;
	}
	stmt_done(integrity);
	if (ok && rows == 1)
		return 0;
	return pn_error_set(err, PN_E_FORMAT, "%s: integrity check failed "
	    "(%d %s): %s%s", s->path, rows, rows == 1 ? "problem" : "problems",
	    found, rows > INTEGRITY_ROWS_SHOWN ? "; ..." : "");
}
