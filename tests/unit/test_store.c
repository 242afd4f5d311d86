/* test_store.c -- the SQLite store: settings, migrations, instance lock, audit chain, accounts, keys.
 *
 * Each test gets a fresh temporary directory. The store's own connection is
 * out of reach, so a second, raw SQLite connection inspects and tampers
 * with the file, as an intruder with the file would.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "passnum/passnum.h"
#include "fixtures.h"
#include "store.h"
#include "store_sqlite.h"		/* store_migrations[], for version 16 */

#define BUSY_MS 10000

struct fixture {
	char dir[256];
	char db[300];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	assert_int_equal(pn_init(), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/pn-store-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/passnum.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* A raw connection to the store's file, without the store's settings. */
static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, BUSY_MS), SQLITE_OK);
	return db;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The first column of the first row of sql, as text ("" for no row). */
static void
raw_text(const char *path, const char *sql, char *out, size_t outlen)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	int rc;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, outlen, "%s",
		    (const char *)sqlite3_column_text(st, 0));
	else
		assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static long long
raw_int(const char *path, const char *sql)
{
	char buf[64];

	raw_text(path, sql, buf, sizeof(buf));
	return atoll(buf);
}

/* The 32-byte BLOB of column 0 of sql's first row. */
static void
raw_hash(const char *path, const char *sql, uint8_t out[32])
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), 32);
	memcpy(out, sqlite3_column_blob(st, 0), 32);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
raw_set_hash(const char *path, int64_t id, const char *column,
    const uint8_t hash[32])
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE audit_log SET %s = ?1 WHERE id = ?2",
	    column);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC),
	    SQLITE_OK);
	assert_int_equal(sqlite3_bind_int64(st, 2, id), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/*
 * The audit hash as docs/store.md describes it, written from the document
 * and not from the store's code: one buffer, one BLAKE2b-256 call.
 */
static void
doc_hash(uint8_t out[32], const uint8_t prev[32], int64_t id, int64_t at,
    const char *actor, const char *action, const char *object,
    const char *detail)
{
	const char *f[4] = { actor, action, object, detail };
	uint8_t buf[2048];
	size_t off = 0, n;
	int i;

	memcpy(buf, prev, 32);
	off = 32;
	put_be(buf + off, (uint64_t)id, 8);
	off += 8;
	put_be(buf + off, (uint64_t)at, 8);
	off += 8;
	for (i = 0; i < 4; i++) {
		n = strlen(f[i]);
		assert_true(off + 4 + n <= sizeof(buf));
		put_be(buf + off, n, 4);
		off += 4;
		memcpy(buf + off, f[i], n);
		off += n;
	}
	assert_int_equal(crypto_generichash(out, 32, buf, off, NULL, 0), 0);
}

static void
hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static struct store *
open_ok(const char *path)
{
	struct pn_error err;
	struct store *s = store_open(path, BUSY_MS, &err);

	if (s == NULL)
		fail_msg("store_open: %s", err.message);
	return s;
}

/* Append rows 1..n with contents that differ from row to row. */
static void
append_rows(struct store *s, int n)
{
	struct pn_error err;
	char object[32], detail[64];
	int i;

	for (i = 1; i <= n; i++) {
		snprintf(object, sizeof(object), "booklet:%d", i);
		snprintf(detail, sizeof(detail), "{\"vouchers\":%d}", i % 10);
		if (store_audit_append(s, 1767225600 + i, "user:12",
		    "booklet.issue", object, detail, &err) != 0)
			fail_msg("append %d: %s", i, err.message);
	}
}

/*
 * Verify and expect a break at row bad, after rows_before good rows, with a
 * message containing want.
 */
static void
assert_broken_at(struct store *s, int64_t bad, uint64_t rows_before,
    const char *want)
{
	struct pn_error err;
	uint64_t rows = 12345;
	int64_t bad_id = -7;

	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 1);
	assert_int_equal(bad_id, bad);
	if (strstr(err.message, want) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", want, err.message);
	assert_int_equal(err.code, PN_E_FORMAT);
	assert_int_equal(rows, rows_before);
}

/* A store with rows 1..100 appended and verified. */
static struct store *
store_with_100(const char *path)
{
	struct store *s = open_ok(path);
	struct pn_error err;
	uint64_t rows = 0;
	int64_t bad_id = -1;

	append_rows(s, 100);
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 100);
	assert_int_equal(bad_id, 0);
	return s;
}

static void
test_open_creates_wal_and_latest(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct stat st;
	char buf[64];
	uint64_t rows = 0;
	int64_t bad_id = -1;
	struct pn_error err;

	assert_int_equal(stat(f->db, &st), -1);
	s = open_ok(f->db);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(store_schema_latest(), 22);
	assert_int_equal(store_schema_version(s), store_schema_latest());

	/* Seen from another connection: WAL, the version, strict tables. */
	raw_text(f->db, "PRAGMA journal_mode", buf, sizeof(buf));
	assert_string_equal(buf, "wal");
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"),
	    store_schema_latest());
	/* Every table of the schema is STRICT, audit_log and meta among them. */
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM pragma_table_list"
	    " WHERE schema = 'main' AND type = 'table' AND strict = 1"
	    " AND name IN ('audit_log', 'meta')"), 2);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM pragma_table_list"
	    " WHERE schema = 'main' AND type = 'table' AND strict = 0"
	    " AND name NOT LIKE 'sqlite_%'"), 0);

	/* An empty log holds. */
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 0);
	append_rows(s, 3);
	store_close(s);

	/* Reopening changes nothing and keeps the rows. */
	s = open_ok(f->db);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 3);
	store_close(s);
	s = open_ok(f->db);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"), 3);
	store_close(NULL);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	char want[128];

	raw_exec(f->db, "PRAGMA user_version = 99");
	assert_null(store_open(f->db, BUSY_MS, &err));
	snprintf(want, sizeof(want), "database schema version 99 is newer "
	    "than this program's %d: upgrade passnum", store_schema_latest());
	assert_non_null(strstr(err.message, want));
	assert_non_null(strstr(err.message, f->db));
	/* Nothing was created in it. */
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 99);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_schema"),
	    0);
}

/* A database at schema version 16, as it was before the funder's role. */
/* The count a booklet's problem expected, into *ctx. */
static void
count_problem(void *ctx, const struct store_booklet_problem *p)
{
	*(int64_t *)ctx = p->expected_n;
}

static void
make_version_16(const char *path)
{
	int i;

	for (i = 0; i < 16; i++)
		raw_exec(path, store_migrations[i]);
	raw_exec(path, "PRAGMA user_version = 16;"
	    "INSERT INTO agency (id, name, kind, commune) VALUES"
	    " (1, 'EDS', 'eds', 'Nantes');"
	    "INSERT INTO programme (id, name, face_value, per_booklet,"
	    " validity, territory, budget, created_at) VALUES"
	    " (1, 'P', 1000, 2, 'days:30', 'T', 100000, 0);"
	    "INSERT INTO user (id, login, display_name, role, agency_id,"
	    " password_hash, created_at) VALUES"
	    " (1, 'cw', 'Camille', 'caseworker', 1, 'h', 0),"
	    " (2, 'acc', 'Alice', 'accountant', NULL, 'h', 0);"
	    "INSERT INTO beneficiary (id, ref_hash, pathway, age_band,"
	    " commune, created_at) VALUES (1, zeroblob(32), 'rsa', '26-44',"
	    " 'Nantes', 0);"
	    "INSERT INTO booklet (id, programme_id, beneficiary_id,"
	    " agency_id, issued_by, issued_at) VALUES (1, 1, 1, 1, 1, 0);"
	    "INSERT INTO web_session (token_hash, csrf_token, user_id,"
	    " created_at, last_seen, address) VALUES (zeroblob(32), 'c', 2, 0,"
	    " 0, '::1');");
}

/*
 * Migration 17 makes the user table again (its role CHECK gains
 * 'funder'): the users, their ids and what points at them stay, the new
 * role is accepted and an unknown one still refused, and foreign keys
 * are on again for the connection.
 */
static void
test_migration_17_user_table(void **state)
{
	struct fixture *f = *state;
	struct store *s;

	make_version_16(f->db);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 16);
	s = open_ok(f->db);
	/* And on through the latest, which the accounts come through unchanged. */
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM user"), 2);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM user"
	    " WHERE must_change_password = 0 AND last_login_at IS NULL"), 2);
	assert_int_equal(raw_int(f->db, "SELECT agency_id FROM user"
	    " WHERE login = 'cw'"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM booklet b"
	    " JOIN user u ON u.id = b.issued_by WHERE u.login = 'cw'"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'user_new'"), 0);
	raw_exec(f->db, "INSERT INTO user (login, display_name, role,"
	    " password_hash, created_at) VALUES ('fin', 'Élue', 'funder', 'h',"
	    " 0)");
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE sql LIKE '%''funder''%' AND name = 'user'"), 1);
	/* The store's connections enforce foreign keys after it. */
	s = open_ok(f->db);
	{
		struct pn_error err;
		int64_t id;

		assert_int_equal(store_user_add(s, "x", "X", ROLE_FUNDER, 0, 0,
		    "h", 0, "test", &id, &err), 0);
		assert_int_equal(store_user_add(s, "y", "Y", ROLE_CASEWORKER,
		    77, 0, "h", 0, "test", &id, &err), -1);
	}
	store_close(s);
}

/*
 * Migration 21 gives each booklet the count it was issued with, its
 * programme's at the time: a change of the programme's count later does
 * not make the booklets issued before look short to the audit.
 */
static void
test_migration_21_booklet_count(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	struct store *s;
	int64_t problems, expected = 0;

	make_version_16(f->db);
	s = open_ok(f->db);
	store_close(s);
	assert_int_equal(raw_int(f->db, "SELECT per_booklet FROM booklet"
	    " WHERE id = 1"), 2);
	/* The programme's count changed since: the booklet keeps its own. */
	raw_exec(f->db, "UPDATE programme SET per_booklet = 5");
	s = open_ok(f->db);
	assert_int_equal(store_check_booklets(s, count_problem, &expected,
	    &problems, &err), 0);
	/* The fixture's booklet has no voucher: short of its own 2. */
	assert_int_equal(problems, 1);
	assert_int_equal(expected, 2);
	store_close(s);
}

/*
 * A database whose rows already point at nothing: the check before the
 * commit refuses the migration, and the database stays at version 16.
 */
static void
test_migration_17_broken_keys_refused(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;

	make_version_16(f->db);
	raw_exec(f->db, "INSERT INTO booklet (programme_id, beneficiary_id,"
	    " agency_id, issued_by, issued_at) VALUES (1, 1, 1, 99, 0)");
	assert_null(store_open(f->db, BUSY_MS, &err));
	assert_non_null(strstr(err.message, "foreign_key_check"));
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 16);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'voucher_dashboard'"), 0);
}

/* A migration that fails half-way leaves the database as it found it. */
static void
test_failed_migration_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	struct store *s;

	/* Migration 1 creates audit_log, then fails on the existing meta. */
	raw_exec(f->db, "CREATE TABLE meta (x INTEGER)");
	assert_null(store_open(f->db, BUSY_MS, &err));
	assert_non_null(strstr(err.message, f->db));
	assert_non_null(strstr(err.message, "schema version 0 to 1"));
	assert_non_null(strstr(err.message, "meta"));
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'audit_log'"), 0);

	/* Once the obstacle is gone, the migration runs. */
	raw_exec(f->db, "DROP TABLE meta");
	s = open_ok(f->db);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
}

static void
test_open_error_names_path(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	char path[400];

	snprintf(path, sizeof(path), "%s/no/such/dir/passnum.db", f->dir);
	assert_null(store_open(path, BUSY_MS, &err));
	assert_int_equal(err.code, PN_E_IO);
	assert_non_null(strstr(err.message, path));

	/* A file that is not a database. */
	{
		FILE *fp = fopen(f->db, "w");

		assert_non_null(fp);
		fputs("this is not an SQLite database, not even close to one,"
		    " and it is long enough to have a header\n", fp);
		fclose(fp);
	}
	assert_null(store_open(f->db, BUSY_MS, &err));
	assert_non_null(strstr(err.message, f->db));
	assert_non_null(strstr(err.message, "not a database"));

	/* A database without write-ahead logging is refused. */
	assert_null(store_open(":memory:", BUSY_MS, &err));
	assert_non_null(strstr(err.message, "journal mode stays \"memory\""));
}

static void
test_instance_lock(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	char lock[400], want[800];
	struct stat st;
	int fd, fd2;

	fd = store_lock_instance(f->db, &err);
	assert_true(fd >= 0);
	snprintf(lock, sizeof(lock), "%s.lock", f->db);
	assert_int_equal(stat(lock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* Another open file description of the same file: refused. */
	assert_int_equal(store_lock_instance(f->db, &err), -1);
	snprintf(want, sizeof(want), "%s: the database is in use by another "
	    "passnumd (lock held on %s)", f->db, lock);
	assert_string_equal(err.message, want);

	store_unlock_instance(fd);
	fd2 = store_lock_instance(f->db, &err);
	assert_true(fd2 >= 0);
	store_unlock_instance(fd2);
	store_unlock_instance(-1);

	/* A directory that does not exist: the lock file is named. */
	snprintf(lock, sizeof(lock), "%s/none/passnum.db", f->dir);
	assert_int_equal(store_lock_instance(lock, &err), -1);
	assert_non_null(strstr(err.message, "none/passnum.db.lock"));
}

static void
test_integrity_check(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->db);
	struct pn_error err;

	assert_int_equal(store_integrity_check(s, &err), 0);
	append_rows(s, 10);
	assert_int_equal(store_integrity_check(s, &err), 0);
	store_close(s);

	/* An index that no longer matches its table: every row is reported. */
	raw_exec(f->db, "INSERT INTO meta VALUES ('a', '1'), ('b', '2'),"
	    " ('c', '3'), ('d', '4'), ('e', '5'), ('f', '6'), ('g', '7');"
	    " CREATE INDEX meta_value ON meta (value);"
	    " PRAGMA writable_schema = ON;"
	    " UPDATE sqlite_schema SET sql = 'CREATE INDEX meta_value ON"
	    " meta (key)' WHERE name = 'meta_value';");
	s = open_ok(f->db);
	assert_int_equal(store_integrity_check(s, &err), -1);
	assert_int_equal(err.code, PN_E_FORMAT);
	assert_non_null(strstr(err.message, f->db));
	assert_non_null(strstr(err.message, "integrity check failed"));
	assert_non_null(strstr(err.message, "row 1 missing from index "
	    "meta_value"));
	/* The first rows, not all of them. */
	assert_null(strstr(err.message, "row 7 missing"));
	assert_non_null(strstr(err.message, "; ..."));
	store_close(s);
}

static void
test_audit_100_rows_verify(void **state)
{
	struct fixture *f = *state;
	struct store *s = store_with_100(f->db);
	uint8_t first_prev[32], zero[32] = { 0 };

	raw_hash(f->db, "SELECT prev_hash FROM audit_log WHERE id = 1",
	    first_prev);
	assert_memory_equal(first_prev, zero, 32);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log a"
	    " JOIN audit_log b ON b.id = a.id + 1 WHERE b.prev_hash = a.hash"),
	    99);
	store_close(s);
}

static void
test_audit_tampered_detail(void **state)
{
	struct fixture *f = *state;
	struct store *s = store_with_100(f->db);

	raw_exec(f->db, "UPDATE audit_log SET detail = '{\"vouchers\":0}'"
	    " WHERE id = 42");
	assert_broken_at(s, 42, 41, "audit row 42: hash does not match its "
	    "content");
	store_close(s);
}

static void
test_audit_tampered_at(void **state)
{
	struct fixture *f = *state;
	struct store *s = store_with_100(f->db);

	raw_exec(f->db, "UPDATE audit_log SET at = at - 86400 WHERE id = 7");
	assert_broken_at(s, 7, 6, "audit row 7: hash does not match its content");
	store_close(s);
}

static void
test_audit_deleted_rows(void **state)
{
	struct fixture *f = *state;
	struct store *s = store_with_100(f->db);

	raw_exec(f->db, "DELETE FROM audit_log WHERE id = 50");
	assert_broken_at(s, 51, 49, "audit row 51 follows row 49: row 50 is "
	    "missing");
	raw_exec(f->db, "DELETE FROM audit_log WHERE id IN (20, 21, 22)");
	assert_broken_at(s, 23, 19, "audit row 23 follows row 19: rows 20 to 22 "
	    "are missing");
	raw_exec(f->db, "DELETE FROM audit_log WHERE id = 1");
	assert_broken_at(s, 2, 0, "audit row 2 is the first row: row 1 is "
	    "missing");
	store_close(s);
}

static void
test_audit_tampered_prev_hash(void **state)
{
	struct fixture *f = *state;
	struct store *s = store_with_100(f->db);
	uint8_t h[32];

	memset(h, 0xa5, sizeof(h));
	raw_set_hash(f->db, 30, "prev_hash", h);
	assert_broken_at(s, 30, 29, "audit row 30: previous hash does not match "
	    "row 29");
	raw_set_hash(f->db, 1, "prev_hash", h);
	assert_broken_at(s, 1, 0, "audit row 1: previous hash is not 32 zero "
	    "bytes");
	store_close(s);
}

/* Rehashing a forged row keeps that row valid but breaks the next link. */
static void
test_audit_rehashed_row(void **state)
{
	struct fixture *f = *state;
	struct store *s = store_with_100(f->db);
	uint8_t prev[32], h[32];
	struct pn_error err;

	raw_exec(f->db, "UPDATE audit_log SET detail = 'forged' WHERE id = 60");
	raw_hash(f->db, "SELECT prev_hash FROM audit_log WHERE id = 60", prev);
	doc_hash(h, prev, 60, 1767225600 + 60, "user:12", "booklet.issue",
	    "booklet:60", "forged");
	raw_set_hash(f->db, 60, "hash", h);
	assert_broken_at(s, 61, 60, "audit row 61: previous hash does not match "
	    "row 60");

	/* Appending goes on after a break; verify still stops at it. */
	assert_int_equal(store_audit_append(s, 1, "admin-cli", "x", "y", "",
	    &err), 0);
	assert_broken_at(s, 61, 60, "audit row 61");
	store_close(s);
}

/*
 * store_audit_via(): once set, a JSON object detail gains "via" (members
 * sorted), an empty one becomes {"via": ...}, other text stays as it is;
 * NULL stops it. The rows chain and verify as any others.
 */
static void
test_audit_via(void **state)
{
	static const char *const in[] = {
		"{\"b\":1,\"a\":2}", "{\"vouchers\":3}", "", "from cli",
		"{\"z\":\"é\",\"a\":[1]}", "{\"x\":1}",
	};
	static const char *const want[] = {
		"{\"b\":1,\"a\":2}", "{\"via\":\"cli\",\"vouchers\":3}",
		"{\"via\":\"cli\"}", "from cli",
		"{\"a\":[1],\"via\":\"cli\",\"z\":\"é\"}", "{\"x\":1}",
	};
	struct fixture *f = *state;
	struct store *s = open_ok(f->db);
	struct pn_error err;
	char sql[64], got[128];
	uint64_t rows = 0;
	int64_t bad_id = -1;
	unsigned i;

	for (i = 0; i < 6; i++) {
		if (i == 1)
			store_audit_via(s, "cli");
		else if (i == 5)
			store_audit_via(s, NULL);
		assert_int_equal(store_audit_append(s, 1767225600 + i, "bob",
		    "settle.approve", "batch:1", in[i], &err), 0);
		snprintf(sql, sizeof(sql), "SELECT detail FROM audit_log "
		    "WHERE id = %u", i + 1);
		raw_text(f->db, sql, got, sizeof(got));
		assert_string_equal(got, want[i]);
	}
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 6);
	store_close(s);
}

static void
test_audit_null_refused(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->db);
	struct pn_error err;
	uint64_t rows = 1;
	int64_t bad_id = 1;

	assert_int_equal(store_audit_append(s, 1, NULL, "a", "o", "", &err),
	    -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_non_null(strstr(err.message, "actor"));
	assert_int_equal(store_audit_append(s, 1, "u", NULL, "o", "", &err),
	    -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(store_audit_append(s, 1, "u", "a", NULL, "", &err),
	    -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(store_audit_append(s, 1, "u", "a", "o", NULL, &err),
	    -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_non_null(strstr(err.message, "detail"));
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"), 0);

	/* And the store is still usable: no transaction was left open. */
	append_rows(s, 2);
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 2);
	store_close(s);
}

/* A failed append rolls back its own transaction and keeps no lock. */
static void
test_audit_failed_append_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct store *s = store_with_100(f->db);
	struct pn_error err;
	uint64_t rows = 0;
	int64_t bad_id = -1;

	/* No id can follow the largest one: the append fails after BEGIN. */
	raw_exec(f->db, "INSERT INTO audit_log VALUES (9223372036854775807,"
	    " 0, 'x', 'x', 'x', '', zeroblob(32), zeroblob(32))");
	assert_int_equal(store_audit_append(s, 1, "u", "a", "o", "", &err),
	    -1);
	assert_non_null(strstr(err.message, "no id can follow it"));
	/* Another connection can write at once: no transaction was left. */
	raw_exec(f->db, "DELETE FROM audit_log WHERE id > 100");
	assert_int_equal(store_audit_append(s, 1, "u", "a", "o", "", &err), 0);
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 101);
	store_close(s);
}

/*
 * Row 1 and row 2 with fixed inputs: the store, the encoding written from
 * docs/store.md, and the hex printed in docs/store.md all agree.
 */
static void
test_audit_hash_known_answer(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->db);
	static const char detail1[] = "{\"vouchers\":10,\"lieu\":\"M\xc3\xa9"
	    "diath\xc3\xa8que\"}";
	uint8_t zero[32] = { 0 }, want1[32], want2[32], got[32];
	char hx[65];
	struct pn_error err;

	assert_int_equal(store_audit_append(s, 1767225600, "user:12",
	    "booklet.issue", "booklet:7", detail1, &err), 0);
	assert_int_equal(store_audit_append(s, -1, "admin-cli", "audit.test",
	    "", "", &err), 0);

	doc_hash(want1, zero, 1, 1767225600, "user:12", "booklet.issue",
	    "booklet:7", detail1);
	raw_hash(f->db, "SELECT hash FROM audit_log WHERE id = 1", got);
	assert_memory_equal(got, want1, 32);
	hex(hx, got, 32);
	assert_string_equal(hx, "94224c4ce10559c1182a94a0fab0e9a0"
	    "c040ae86dd752974a61ed1a8af5387f6");

	doc_hash(want2, want1, 2, -1, "admin-cli", "audit.test", "", "");
	raw_hash(f->db, "SELECT hash FROM audit_log WHERE id = 2", got);
	assert_memory_equal(got, want2, 32);
	raw_hash(f->db, "SELECT prev_hash FROM audit_log WHERE id = 2", got);
	assert_memory_equal(got, want1, 32);
	raw_hash(f->db, "SELECT hash FROM audit_log WHERE id = 2", got);
	hex(hx, got, 32);
	assert_string_equal(hx, "7d90ffb62a02ac2c809b21e7570ba414"
	    "b88f0ed2b4a76b658e1184045579d3d1");
	store_close(s);
}

struct appender {
	const char *path;
	struct store *s;
	int n;
	int failed;
	char message[512];
};

static void *
append_thread(void *arg)
{
	struct appender *a = arg;
	struct pn_error err;
	char object[32];
	int i;

	for (i = 0; i < a->n; i++) {
		snprintf(object, sizeof(object), "thread:%p:%d", arg, i);
		if (store_audit_append(a->s, i, "test", "concurrent", object,
		    "", &err) != 0) {
			a->failed = 1;
			snprintf(a->message, sizeof(a->message), "%s",
			    err.message);
			break;
		}
	}
	return NULL;
}

/* Two connections appending at once keep one valid chain. */
static void
test_audit_concurrent_appends(void **state)
{
	struct fixture *f = *state;
	struct appender a[2];
	pthread_t t[2];
	struct pn_error err;
	struct store *s;
	uint64_t rows = 0;
	int64_t bad_id = -1;
	int i;

	for (i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].path = f->db;
		a[i].s = open_ok(f->db);
		a[i].n = 500;
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, append_thread,
		    &a[i]), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		if (a[i].failed)
			fail_msg("thread %d: %s", i, a[i].message);
	}
	for (i = 0; i < 2; i++)
		store_close(a[i].s);

	s = open_ok(f->db);
	assert_int_equal(store_audit_verify(s, &rows, &bad_id, &err), 0);
	assert_int_equal(rows, 1000);
	assert_int_equal(store_integrity_check(s, &err), 0);
	store_close(s);
}

struct opener {
	const char *path;
	int failed;
	char message[512];
};

static void *
open_thread(void *arg)
{
	struct opener *o = arg;
	struct pn_error err;
	struct store *s = store_open(o->path, BUSY_MS, &err);

	if (s == NULL) {
		o->failed = 1;
		snprintf(o->message, sizeof(o->message), "%s", err.message);
	} else {
		if (store_schema_version(s) != store_schema_latest()) {
			o->failed = 1;
			snprintf(o->message, sizeof(o->message), "version %d",
			    store_schema_version(s));
		}
		store_close(s);
	}
	return NULL;
}

/*
 * Eight openers of a new file at once, on forty new files: on each, one
 * migrates and all succeed.
 */
static void
test_concurrent_open(void **state)
{
	struct fixture *f = *state;
	struct opener o[8];
	pthread_t t[8];
	char path[40][400];
	int i, round;

	/*
	 * A new file is in rollback-journal mode until one of them switches it
	 * to WAL, and SQLite answers the others SQLITE_BUSY without waiting:
	 * this caught the missing retry in store_open().
	 */
	for (round = 0; round < 40; round++) {
		snprintf(path[round], sizeof(path[round]), "%s/open-%d.db",
		    f->dir, round);
		for (i = 0; i < 8; i++) {
			memset(&o[i], 0, sizeof(o[i]));
			o[i].path = path[round];
			assert_int_equal(pthread_create(&t[i], NULL,
			    open_thread, &o[i]), 0);
		}
		for (i = 0; i < 8; i++) {
			assert_int_equal(pthread_join(t[i], NULL), 0);
			if (o[i].failed)
				fail_msg("round %d, opener %d: %s", round, i,
				    o[i].message);
		}
		assert_int_equal(raw_int(path[round], "PRAGMA user_version"),
		    store_schema_latest());
	}
}

/* Agency 1, users "alice" (caseworker) and "bob" (admin), a token each. */
static struct store *
store_with_users(const char *path, uint8_t alice_token[32],
    uint8_t bob_token[32])
{
	struct store *s = open_ok(path);
	struct pn_error err;
	int64_t id;

	memset(alice_token, 0xa1, 32);
	memset(bob_token, 0xb0, 32);
	if (store_agency_add(s, "EDS Nord", "eds", "Nantes", 100, "test", &id,
	    &err) != 0 ||
	    store_user_add(s, "alice", "Alice A", ROLE_CASEWORKER, id, 0,
	    "hash-a", 100, "test", &id, &err) != 0 ||
	    store_user_add(s, "bob", "Bob B", ROLE_ADMIN, 0, 0, "hash-b", 100,
	    "test", &id, &err) != 0 ||
	    store_token_add(s, "alice", alice_token, "api", 100, 1000, "test",
	    &id, &err) != 0 ||
	    store_token_add(s, "bob", bob_token, "api", 100, 1000, "test", &id,
	    &err) != 0)
		fail_msg("setting up users: %s", err.message);
	/* Two browser sessions of alice (user 1), one of bob (user 2). */
	raw_exec(path, "INSERT INTO web_session (token_hash, csrf_token,"
	    " user_id, created_at, last_seen, address) VALUES"
	    " (randomblob(32), 'c1', 1, 100, 100, '127.0.0.1'),"
	    " (randomblob(32), 'c2', 1, 100, 100, '127.0.0.1'),"
	    " (randomblob(32), 'c3', 2, 100, 100, '127.0.0.1')");
	return s;
}

static void
assert_chain_holds(struct store *s)
{
	struct pn_error err;
	uint64_t rows = 0;
	int64_t bad_id = -1;

	if (store_audit_verify(s, &rows, &bad_id, &err) != 0)
		fail_msg("audit chain: %s", err.message);
}

/*
 * Disabling ends the user's browser sessions and revokes its API tokens,
 * and only theirs; enabling gives no token back; each change is audited
 * once.
 */
static void
test_user_disable_enable(void **state)
{
	struct fixture *f = *state;
	uint8_t alice[32], bob[32];
	struct store_principal who;
	struct pn_error err;
	struct store *s = store_with_users(f->db, alice, bob);
	unsigned ended = 99, revoked = 99;

	assert_int_equal(store_token_lookup(s, alice, 150, &who, &err), 0);
	assert_string_equal(who.login, "alice");
	assert_int_equal(store_user_set_disabled(s, "alice", true, 200,
	    "admin-cli", &ended, &revoked, &err), 0);
	assert_int_equal(ended, 2);
	assert_int_equal(revoked, 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM web_session"
	    " WHERE user_id = 1"), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM web_session"
	    " WHERE user_id = 2"), 1);
	assert_int_equal(store_token_lookup(s, alice, 200, &who, &err), 1);
	assert_int_equal(store_token_lookup(s, bob, 200, &who, &err), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'user.disable' AND object = 'user:1'"
	    " AND actor = 'admin-cli' AND at = 200"), 1);

	/* Already disabled: nothing to do, nothing written. */
	assert_int_equal(store_user_set_disabled(s, "alice", true, 201,
	    "admin-cli", &ended, NULL, &err), 2);
	assert_int_equal(ended, 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'user.disable'"), 1);

	assert_int_equal(store_user_set_disabled(s, "alice", false, 202,
	    "admin-cli", NULL, NULL, &err), 0);
	assert_int_equal(store_token_lookup(s, alice, 202, &who, &err), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'user.enable'"), 1);
	assert_int_equal(store_user_set_disabled(s, "alice", false, 203,
	    "admin-cli", NULL, NULL, &err), 2);

	assert_int_equal(store_user_set_disabled(s, "nobody", true, 204,
	    "admin-cli", &ended, NULL, &err), 1);

	/* bob's token: live until its expiry (1000), then refused. */
	assert_int_equal(store_token_lookup(s, bob, 999, &who, &err), 0);
	assert_int_equal(store_token_lookup(s, bob, 1000, &who, &err), 1);
	/* Revoked: refused at once, audited; a second revoke does nothing. */
	assert_int_equal(store_token_revoke(s, 2, 300, "admin-cli", &err), 0);
	assert_int_equal(store_token_lookup(s, bob, 300, &who, &err), 1);
	assert_int_equal(store_token_revoke(s, 2, 301, "admin-cli", &err), 2);
	assert_int_equal(store_token_revoke(s, 9, 301, "admin-cli", &err), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'token.revoke' AND object = 'token:2'"), 1);
	assert_chain_holds(s);
	store_close(s);
}

/* A new password replaces the hash and ends every session of the user. */
static void
test_user_set_password(void **state)
{
	struct fixture *f = *state;
	uint8_t alice[32], bob[32];
	struct store_principal who;
	struct pn_error err;
	struct store *s = store_with_users(f->db, alice, bob);
	char hash[64];
	unsigned ended = 0, revoked = 0;

	assert_int_equal(store_user_set_password(s, "bob", "hash-b2", 300,
	    "admin-cli", &ended, &revoked, &err), 0);
	assert_int_equal(revoked, 1);
	assert_int_equal(ended, 1);
	raw_text(f->db, "SELECT password_hash FROM user WHERE login = 'bob'",
	    hash, sizeof(hash));
	assert_string_equal(hash, "hash-b2");
	raw_text(f->db, "SELECT password_hash FROM user WHERE login = 'alice'",
	    hash, sizeof(hash));
	assert_string_equal(hash, "hash-a");
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM web_session"
	    " WHERE user_id = 2"), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM web_session"
	    " WHERE user_id = 1"), 2);
	/* The tokens made under the old password die with it. */
	assert_int_equal(store_token_lookup(s, bob, 300, &who, &err), 1);
	assert_int_equal(store_token_lookup(s, alice, 300, &who, &err), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'user.passwd' AND object = 'user:2'"), 1);
	assert_int_equal(store_user_set_password(s, "carol", "x", 301,
	    "admin-cli", &ended, NULL, &err), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'user.passwd'"), 1);
	assert_chain_holds(s);
	store_close(s);
}

static int
collect_user(void *ctx, const struct store_user *u)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%s|%s|%s|%lld|%s|%lld|%s|%s|%d;", u->login,
	    u->display_name, store_role_name(u->role), (long long)u->agency_id,
	    u->agency_name, (long long)u->venue_id, u->venue_siret,
	    u->venue_name, u->disabled);
	return 0;
}

static void
test_user_each(void **state)
{
	struct fixture *f = *state;
	uint8_t alice[32], bob[32];
	struct pn_error err;
	struct store *s = store_with_users(f->db, alice, bob);
	struct store_venue v;
	char out[512] = "";
	int64_t id;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "Médiathèque");
	snprintf(v.siret, sizeof(v.siret), "21440143200015");
	snprintf(v.commune, sizeof(v.commune), "Rezé");
	snprintf(v.iban, sizeof(v.iban), "FR7630006000011234567890189");
	snprintf(v.bic, sizeof(v.bic), "AGRIFRPP");
	assert_int_equal(store_venue_add(s, &v, 100, "test", &id, &err), 0);
	/* A venue user belongs to a venue that exists; no one else does. */
	assert_int_equal(store_user_add(s, "aaron", "Aaron", ROLE_VENUE, 0, 0,
	    "h", 100, "test", &id, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(store_user_add(s, "aaron", "Aaron", ROLE_CASEWORKER,
	    1, 1, "h", 100, "test", &id, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(store_user_add(s, "aaron", "Aaron", ROLE_VENUE, 0, 99,
	    "h", 100, "test", &id, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM user"
	    " WHERE login = 'aaron'"), 0);
	assert_int_equal(store_user_add(s, "aaron", "Aaron", ROLE_VENUE, 0, 1,
	    "h", 100, "test", &id, &err), 0);
	assert_int_equal(store_user_set_disabled(s, "bob", true, 200, "test",
	    NULL, NULL, &err), 0);
	assert_int_equal(store_user_each(s, collect_user, out, &err), 0);
	assert_string_equal(out, "aaron|Aaron|venue|0||1|21440143200015|"
	    "Médiathèque|0;"
	    "alice|Alice A|caseworker|1|EDS Nord|0|||0;"
	    "bob|Bob B|admin|0||0|||1;");
	store_close(s);
}

static int
collect_kid(void *ctx, const struct pn_cert *c)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 64 - n, "%u:%02x;", c->kid, c->pk[0]);
	return 0;
}

/*
 * passnumd's start-up registration: a missing key is added (and audited),
 * the same key again is accepted, another key under a recorded kid is
 * refused; the recorded certificates come back whole.
 */
static void
test_signing_key_register_and_each(void **state)
{
	struct fixture *f = *state;
	struct pn_master_key *m = fx_master_with(FX_MASTER_SEED);
	struct pn_signing_key *k1 = fx_signing(1), *k2 = fx_signing(2);
	struct pn_cert c1, c2, forged;
	struct pn_error err;
	struct store *s = open_ok(f->db);
	char out[64] = "", want[64];
	bool added = false;

	assert_non_null(m);
	assert_int_equal(fx_cert(&c1, m, k1, 0, NULL, &err), 0);
	assert_int_equal(fx_cert(&c2, m, k2, 0, NULL, &err), 0);
	assert_int_equal(store_signing_key_add(s, &c2, 100, "admin-cli", &err),
	    0);
	assert_int_equal(store_signing_key_register(s, &c1, 101, "passnumd",
	    &added, &err), 0);
	assert_true(added);
	assert_int_equal(store_signing_key_register(s, &c1, 102, "passnumd",
	    &added, &err), 0);
	assert_false(added);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'key.add' AND actor = 'passnumd'"), 1);
	/* kid 1 with key 2's public key. */
	forged = c2;
	forged.kid = 1;
	assert_int_equal(store_signing_key_register(s, &forged, 103,
	    "passnumd", &added, &err), -1);
	assert_int_equal(err.code, PN_E_EXISTS);
	assert_non_null(strstr(err.message, "another public key"));

	assert_int_equal(store_signing_key_each(s, collect_kid, out, &err), 0);
	snprintf(want, sizeof(want), "1:%02x;2:%02x;", k1->pk[0], k2->pk[0]);
	assert_string_equal(out, want);
	raw_exec(f->db, "UPDATE signing_key SET cert = x'00' WHERE kid = 2");
	assert_int_equal(store_signing_key_each(s, collect_kid, out, &err), -1);
	assert_non_null(strstr(err.message, "signing key 2 does not decode"));
	store_close(s);
	pn_signing_key_free(k1);
	pn_signing_key_free(k2);
	pn_master_key_free(m);
}

static int
collect_venue(void *ctx, const struct store_venue *v)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 256 - n, "%s|%s|%s|%lld|%s|%s;", v->siret, v->name,
	    v->iban, (long long)v->accredited_until, v->status,
	    v->status_reason);
	return 0;
}

/*
 * Venues: recorded with an audit row, a SIRET only once, the database's
 * checks behind the CLI's; suspended and resumed, each change audited and
 * a change to the same state refused with nothing written.
 */
static void
test_venues(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->db);
	struct store_venue v;
	struct pn_error err;
	char out[256] = "";
	int64_t id;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "Médiathèque de Rezé");
	snprintf(v.siret, sizeof(v.siret), "21440143200015");
	snprintf(v.address, sizeof(v.address), "1 place de la Mairie");
	snprintf(v.commune, sizeof(v.commune), "Rezé");
	snprintf(v.iban, sizeof(v.iban), "FR7630006000011234567890189");
	snprintf(v.bic, sizeof(v.bic), "AGRIFRPP");
	snprintf(v.contact, sizeof(v.contact), "02 40 00 00 00");
	v.accredited_from = 1000;
	assert_int_equal(store_venue_add(s, &v, 100, "admin-cli", &id, &err),
	    0);
	assert_int_equal(id, 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'venue.add' AND object = 'venue:1'"
	    " AND detail LIKE '%SIRET 21440143200015, IBAN FR76%'"), 1);
	/* The same SIRET again. */
	assert_int_equal(store_venue_add(s, &v, 101, "admin-cli", &id, &err),
	    -1);
	assert_int_equal(err.code, PN_E_EXISTS);
	/* The database's own checks: a SIRET that is not 14 digits. */
	snprintf(v.siret, sizeof(v.siret), "2144014320001X");
	assert_int_equal(store_venue_add(s, &v, 102, "admin-cli", &id, &err),
	    -1);
	assert_int_equal(err.code, PN_E_ARG);
	snprintf(v.siret, sizeof(v.siret), "35600000000001");
	v.accredited_until = 900;	/* before it starts */
	assert_int_equal(store_venue_add(s, &v, 103, "admin-cli", &id, &err),
	    -1);
	assert_int_equal(err.code, PN_E_ARG);
	v.accredited_until = 5000;
	snprintf(v.name, sizeof(v.name), "Bureau de poste");
	assert_int_equal(store_venue_add(s, &v, 104, "admin-cli", &id, &err),
	    0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM venue"), 2);

	assert_int_equal(store_venue_set_status(s, "21440143200015", true,
	    "dossier incomplet", 200, "admin-cli", &err), 0);
	assert_int_equal(store_venue_set_status(s, "21440143200015", true,
	    "encore", 201, "admin-cli", &err), 2);
	assert_int_equal(store_venue_set_status(s, "00000000000000", true,
	    "x", 202, "admin-cli", &err), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'venue.suspend'"
	    " AND detail = 'SIRET 21440143200015: dossier incomplet'"), 1);
	assert_int_equal(store_venue_each(s, collect_venue, out, &err), 0);
	assert_string_equal(out, "21440143200015|Médiathèque de Rezé|"
	    "FR7630006000011234567890189|0|suspended|dossier incomplet;"
	    "35600000000001|Bureau de poste|FR7630006000011234567890189|5000|"
	    "active|;");
	assert_int_equal(store_venue_set_status(s, "21440143200015", false,
	    NULL, 203, "admin-cli", &err), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM venue"
	    " WHERE status = 'active' AND status_reason IS NULL"), 2);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'venue.resume'"), 1);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_open_creates_wal_and_latest),
		T(test_newer_schema_refused),
		T(test_failed_migration_rolls_back),
		T(test_migration_17_user_table),
		T(test_migration_21_booklet_count),
		T(test_migration_17_broken_keys_refused),
		T(test_open_error_names_path),
		T(test_instance_lock),
		T(test_integrity_check),
		T(test_audit_100_rows_verify),
		T(test_audit_tampered_detail),
		T(test_audit_tampered_at),
		T(test_audit_deleted_rows),
		T(test_audit_tampered_prev_hash),
		T(test_audit_rehashed_row),
		T(test_audit_via),
		T(test_audit_null_refused),
		T(test_audit_failed_append_rolls_back),
		T(test_audit_hash_known_answer),
		T(test_audit_concurrent_appends),
		T(test_concurrent_open),
		T(test_user_disable_enable),
		T(test_user_set_password),
		T(test_user_each),
		T(test_signing_key_register_and_each),
		T(test_venues),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
