/* journal.c -- the terminal's SQLite journal (journal.h).
 *
 * A terminal runs a few statements per scanned voucher, so statements are
 * prepared when used rather than cached: simpler, and the cost is nothing
 * next to a human scanning. Every row read back is checked (types, sizes,
 * ranges) before it is used, because the file is outside input: a disk
 * fault or a person with a text editor can put anything there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "journal.h"
#include "passnum/controlkey.h"
#include "passnum/request.h"

struct journal {
	sqlite3 *db;
	char path[512];
};

/*
 * The schema, as forward migrations: migrations[i] takes a journal from
 * version i to i + 1 (PRAGMA user_version), inside one BEGIN IMMEDIATE
 * transaction, so that a journal is at one version or the next, never in
 * between. A new journal runs them all. An entry that has shipped is never
 * edited: a change of schema is a new entry at the end, and
 * JOURNAL_SCHEMA_VERSION (journal.h) is their number.
 */
static const char *const migrations[] = {
	/* 0 -> 1: sessions, records, deny-list documents, named integers. */
	"CREATE TABLE session ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  theme TEXT NOT NULL CHECK (length(theme) BETWEEN 1 AND 200),"
	"  starts_at INTEGER NOT NULL,"
	"  duration_minutes INTEGER NOT NULL"
	"    CHECK (duration_minutes BETWEEN 1 AND 600),"
	"  declared INTEGER NOT NULL CHECK (declared IN (0, 1)),"
	"  here INTEGER NOT NULL CHECK (here IN (0, 1)),"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE record ("
	"  counter INTEGER PRIMARY KEY CHECK (counter >= 1),"
	"  redemption_id BLOB NOT NULL UNIQUE CHECK (length(redemption_id) = 16),"
	"  session BLOB NOT NULL REFERENCES session (id),"
	"  terminal INTEGER NOT NULL CHECK (terminal >= 1),"
	"  terminal_time INTEGER NOT NULL,"
	"  voucher TEXT NOT NULL CHECK (length(voucher) BETWEEN 1 AND 512),"
	"  signature BLOB NOT NULL CHECK (length(signature) = 64),"
	"  serial INTEGER NOT NULL CHECK (serial >= 0),"
	"  value_cents INTEGER NOT NULL CHECK (value_cents >= 0),"
	"  expires_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL"
	"    CHECK (state IN ('pending', 'accepted', 'conflict', 'refused')),"
	"  offline INTEGER NOT NULL CHECK (offline IN (0, 1)),"
	"  http_status INTEGER NOT NULL DEFAULT 0,"
	"  code INTEGER NOT NULL DEFAULT 0,"
	"  message TEXT NOT NULL DEFAULT '',"
	"  receipt TEXT NOT NULL DEFAULT '',"
	"  decided_at INTEGER NOT NULL DEFAULT 0,"
	"  winner_venue TEXT NOT NULL DEFAULT '',"
	"  winner_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"
	/* The guard against taking one voucher twice at this terminal. */
	"CREATE UNIQUE INDEX record_one_per_serial ON record (serial)"
	"  WHERE state <> 'refused';"
	"CREATE INDEX record_pending ON record (counter) WHERE state = 'pending';"
	"CREATE TABLE deny_doc ("
	"  n INTEGER PRIMARY KEY,"
	"  doc BLOB NOT NULL"
	") STRICT;"
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL"
	") STRICT;",

	/*
	 * 1 -> 2: vouchers typed by hand (serial and control key, the text
	 * "PNK1:<serial>:<KEY>"). Their value is known only from the server's
	 * receipt, and their expiry not at all: value_cents and expires_at
	 * may be NULL. SQLite cannot drop a NOT NULL, so the table is made
	 * again and its rows copied, as its documentation describes ("Making
	 * Other Kinds Of Table Schema Changes"); foreign keys are off during
	 * the copy (migrate()). The guard on serials is made again with it.
	 */
	"CREATE TABLE record_v2 ("
	"  counter INTEGER PRIMARY KEY CHECK (counter >= 1),"
	"  redemption_id BLOB NOT NULL UNIQUE CHECK (length(redemption_id) = 16),"
	"  session BLOB NOT NULL REFERENCES session (id),"
	"  terminal INTEGER NOT NULL CHECK (terminal >= 1),"
	"  terminal_time INTEGER NOT NULL,"
	"  voucher TEXT NOT NULL CHECK (length(voucher) BETWEEN 1 AND 512),"
	"  signature BLOB NOT NULL CHECK (length(signature) = 64),"
	"  serial INTEGER NOT NULL CHECK (serial >= 0),"
	"  value_cents INTEGER CHECK (value_cents >= 0),"
	"  expires_at INTEGER,"
	"  state TEXT NOT NULL"
	"    CHECK (state IN ('pending', 'accepted', 'conflict', 'refused')),"
	"  offline INTEGER NOT NULL CHECK (offline IN (0, 1)),"
	"  http_status INTEGER NOT NULL DEFAULT 0,"
	"  code INTEGER NOT NULL DEFAULT 0,"
	"  message TEXT NOT NULL DEFAULT '',"
	"  receipt TEXT NOT NULL DEFAULT '',"
	"  decided_at INTEGER NOT NULL DEFAULT 0,"
	"  winner_venue TEXT NOT NULL DEFAULT '',"
	"  winner_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"
	"INSERT INTO record_v2 SELECT counter, redemption_id, session, "
	"  terminal, terminal_time, voucher, signature, serial, value_cents, "
	"  expires_at, state, offline, http_status, code, message, receipt, "
	"  decided_at, winner_venue, winner_at, updated_at FROM record;"
	"DROP TABLE record;"
	"ALTER TABLE record_v2 RENAME TO record;"
	"CREATE UNIQUE INDEX record_one_per_serial ON record (serial)"
	"  WHERE state <> 'refused';"
	"CREATE INDEX record_pending ON record (counter) WHERE state = 'pending';",

	/*
	 * 2 -> 3: receipts anchored to the server's checkpoints (anchor.h).
	 * confirmed_at is the server's time when it last confirmed that it
	 * holds an accepted record (0: never); anchored, that a checkpoint
	 * this terminal holds is dated after it, so that the record is in
	 * it and need not be sent again. checkpoint holds the server's
	 * signed checkpoints as received (the latest last), a few of them.
	 * The records of a journal made before are neither: their receipts
	 * are sent at the next sync.
	 */
	"ALTER TABLE record ADD COLUMN confirmed_at INTEGER NOT NULL DEFAULT 0"
	"  CHECK (confirmed_at >= 0);"
	"ALTER TABLE record ADD COLUMN anchored INTEGER NOT NULL DEFAULT 0"
	"  CHECK (anchored IN (0, 1));"
	"CREATE INDEX record_unanchored ON record (counter)"
	"  WHERE state = 'accepted' AND anchored = 0;"
	"CREATE TABLE checkpoint ("
	"  n INTEGER PRIMARY KEY,"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  at INTEGER NOT NULL CHECK (at >= 0),"
	"  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 511),"
	"  received_at INTEGER NOT NULL"
	") STRICT;",
};

#define RECORD_COLUMNS "counter, redemption_id, session, terminal, " \
	"terminal_time, voucher, signature, serial, value_cents, expires_at, " \
	"state, offline, http_status, code, message, receipt, decided_at, " \
	"winner_venue, winner_at, updated_at"

#define SESSION_COLUMNS "id, theme, starts_at, duration_minutes, declared, here"

/*
 * A session the server refused for good is marked by a meta row named
 * SESSION_REFUSED_KEY and its id in lower-case hex, holding the server's
 * code: no column of the session table, so that the schema stays as it
 * is. Read back as a seventh column after SESSION_COLUMNS.
 */
#define SESSION_REFUSED_KEY "session_refused:"
#define SESSION_SELECT SESSION_COLUMNS ", (SELECT value FROM meta " \
	"WHERE key = '" SESSION_REFUSED_KEY "' || lower(hex(session.id)))"

static const char *const state_names[] = {
	"pending", "accepted", "conflict", "refused"
};

const char *
journal_state_name(enum journal_state s)
{
	if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[s];
}

static int
db_error(struct journal *j, struct pn_error *err, const char *what)
{
	return pn_error_set(err, PN_E_IO, "%s: %s: %s", j->path, what,
	    sqlite3_errmsg(j->db));
}

static int
exec(struct journal *j, const char *sql, struct pn_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(j->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pn_error_set(err, PN_E_IO, "%s: %s", j->path,
		    msg != NULL ? msg : sqlite3_errmsg(j->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
prepare(struct journal *j, const char *sql, sqlite3_stmt **st,
    struct pn_error *err)
{
	if (sqlite3_prepare_v2(j->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(j, err, "prepare");
	return 0;
}

static int
user_version(struct journal *j, int *v, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "PRAGMA user_version", &st, err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_error(j, err, "user_version");
}

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
    JOURNAL_SCHEMA_VERSION, "one migration per schema version");

/*
 * Bring the journal to JOURNAL_SCHEMA_VERSION. Foreign keys are off while
 * a table is made again (the pragma cannot change inside a transaction),
 * as SQLite's documentation asks; the copied rows are those the table
 * held, checked again by the loader when read.
 */
static int
migrate(struct journal *j, struct pn_error *err)
{
	struct pn_error e;
	char sql[64];
	int v, rc = -1;

	if (exec(j, "PRAGMA foreign_keys = OFF", err) != 0)
		return -1;
	if (exec(j, "BEGIN IMMEDIATE", err) != 0)
		goto out;
	/* Another process may have done it while we waited for the lock. */
	if (user_version(j, &v, err) != 0)
		goto fail;
	if (v >= 0 && v < JOURNAL_SCHEMA_VERSION) {
		for (; v < JOURNAL_SCHEMA_VERSION; v++)
			if (exec(j, migrations[v], err) != 0) {
				(void)snprintf(sql, sizeof(sql), "journal "
				    "migration %d -> %d", v, v + 1);
				pn_error_prefix(err, sql);
				goto fail;
			}
		(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    JOURNAL_SCHEMA_VERSION);
		if (exec(j, sql, err) != 0)
			goto fail;
	}
	if (exec(j, "COMMIT", err) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
out:
	if (exec(j, "PRAGMA foreign_keys = ON", &e) != 0 && rc == 0) {
		*err = e;
		rc = -1;
	}
	return rc;
}

struct journal *
journal_open(const char *path, bool create, struct pn_error *err)
{
	struct journal *j;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int v;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		return NULL;
	}
	(void)snprintf(j->path, sizeof(j->path), "%s", path);
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &j->db, flags, NULL) != SQLITE_OK) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, j->db != NULL ?
		    sqlite3_errmsg(j->db) : "ouverture impossible");
		goto fail;
	}
	/*
	 * Hardened as the house style asks: a damaged or hostile file cannot
	 * run its own triggers or views against us, nor corrupt itself
	 * further through writable_schema.
	 */
	(void)sqlite3_db_config(j->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	(void)sqlite3_db_config(j->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	(void)sqlite3_db_config(j->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	(void)sqlite3_db_config(j->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_limit(j->db, SQLITE_LIMIT_ATTACHED, 0);
	(void)sqlite3_busy_timeout(j->db, 5000);
	/*
	 * WAL with synchronous=FULL: a committed record survives a power
	 * cut. A small page cache keeps the terminal's memory small.
	 */
	if (exec(j, "PRAGMA journal_mode = WAL", err) != 0 ||
	    exec(j, "PRAGMA synchronous = FULL", err) != 0 ||
	    exec(j, "PRAGMA foreign_keys = ON", err) != 0 ||
	    exec(j, "PRAGMA cache_size = -256", err) != 0 ||
	    user_version(j, &v, err) != 0)
		goto fail;
	/* A new journal (when asked for), or an older one: made current. */
	if ((v == 0 && create) || (v > 0 && v < JOURNAL_SCHEMA_VERSION)) {
		if (migrate(j, err) != 0 || user_version(j, &v, err) != 0)
			goto fail;
	}
	if (v != JOURNAL_SCHEMA_VERSION) {
		pn_error_set(err, PN_E_FORMAT, "%s : journal de version %d, ce "
		    "programme connaît la %d. Mettez passnum-terminal à "
		    "jour", path, v, JOURNAL_SCHEMA_VERSION);
		goto fail;
	}
	return j;
fail:
	journal_close(j);
	return NULL;
}

int
journal_lost(const char *path, struct pn_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int rc = -1;

	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 1;
		return pn_error_set(err, PN_E_IO, "%s: %s", path,
		    strerror(errno));
	}
	/* A WAL journal's data may sit in journal.sqlite-wal: SQLite asked. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : "ouverture impossible");
		goto out;
	}
	(void)sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	(void)sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	(void)sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1,
	    &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	rc = sqlite3_column_int64(st, 0) == 0 ? 1 : 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	sqlite3_close(j->db);
	free(j);
}

/* --- reading rows back, checking each column ----------------------------- */

static int
col_int(sqlite3_stmt *st, int i, int64_t min, int64_t max, int64_t *out,
    struct pn_error *err)
{
	sqlite3_int64 v;

	if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
		return pn_error_set(err, PN_E_FORMAT, "%s: an integer expected",
		    sqlite3_column_name(st, i));
	v = sqlite3_column_int64(st, i);
	if (v < min || v > max)
		return pn_error_set(err, PN_E_FORMAT, "%s: %lld out of range",
		    sqlite3_column_name(st, i), (long long)v);
	*out = (int64_t)v;
	return 0;
}

/* An integer as col_int(), or NULL: *present says which. */
static int
col_int_or_null(sqlite3_stmt *st, int i, int64_t min, int64_t max,
    int64_t *out, bool *present, struct pn_error *err)
{
	*present = sqlite3_column_type(st, i) != SQLITE_NULL;
	*out = 0;
	return *present ? col_int(st, i, min, max, out, err) : 0;
}

static int
col_blob(sqlite3_stmt *st, int i, uint8_t *out, size_t n,
    struct pn_error *err)
{
	const void *p;

	if (sqlite3_column_type(st, i) != SQLITE_BLOB ||
	    (p = sqlite3_column_blob(st, i)) == NULL ||
	    (size_t)sqlite3_column_bytes(st, i) != n)
		return pn_error_set(err, PN_E_FORMAT, "%s: %zu bytes expected",
		    sqlite3_column_name(st, i), n);
	memcpy(out, p, n);
	return 0;
}

/* Text of 0..cap-1 bytes without NUL; min 1 when required. */
static int
col_text(sqlite3_stmt *st, int i, char *out, size_t cap, size_t min,
    struct pn_error *err)
{
	const unsigned char *p;
	int n;

	if (sqlite3_column_type(st, i) != SQLITE_TEXT ||
	    (p = sqlite3_column_text(st, i)) == NULL)
		return pn_error_set(err, PN_E_FORMAT, "%s: a text expected",
		    sqlite3_column_name(st, i));
	n = sqlite3_column_bytes(st, i);
	if (n < 0 || (size_t)n >= cap || (size_t)n < min ||
	    memchr(p, '\0', (size_t)n) != NULL)
		return pn_error_set(err, PN_E_FORMAT, "%s: %zu to %zu bytes "
		    "without NUL expected", sqlite3_column_name(st, i), min,
		    cap - 1);
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	return 0;
}

/*
 * The loader's check of one record row (columns in RECORD_COLUMNS order).
 * On error the row's counter is named when it could be read.
 */
static int
record_from_row(sqlite3_stmt *st, struct journal_record *rec,
    struct pn_error *err)
{
	char state[16], key[PN_CONTROL_KEY_SIZE];
	int64_t counter, terminal, at, serial, value, expires, offline;
	int64_t status, code, decided, winner_at, updated;
	uint64_t typed_serial;
	bool has_expiry;
	size_t i;

	memset(rec, 0, sizeof(*rec));
	if (col_int(st, 0, 1, INT64_MAX, &counter, err) != 0 ||
	    col_blob(st, 1, rec->r.id, sizeof(rec->r.id), err) != 0 ||
	    col_blob(st, 2, rec->r.session, sizeof(rec->r.session), err) != 0 ||
	    col_int(st, 3, 1, INT64_MAX, &terminal, err) != 0 ||
	    col_int(st, 4, 0, INT64_MAX, &at, err) != 0 ||
	    col_text(st, 5, rec->r.voucher, sizeof(rec->r.voucher), 1,
	    err) != 0 ||
	    col_blob(st, 6, rec->r.signature, sizeof(rec->r.signature),
	    err) != 0 ||
	    col_int(st, 7, 0, INT64_MAX, &serial, err) != 0 ||
	    col_int_or_null(st, 8, 0, UINT32_MAX, &value, &rec->has_value,
	    err) != 0 ||
	    col_int_or_null(st, 9, 0, UINT32_MAX, &expires, &has_expiry,
	    err) != 0 ||
	    col_text(st, 10, state, sizeof(state), 1, err) != 0 ||
	    col_int(st, 11, 0, 1, &offline, err) != 0 ||
	    col_int(st, 12, 0, 599, &status, err) != 0 ||
	    col_int(st, 13, 0, 99999, &code, err) != 0 ||
	    col_text(st, 14, rec->message, sizeof(rec->message), 0, err) != 0 ||
	    col_text(st, 15, rec->receipt, sizeof(rec->receipt), 0, err) != 0 ||
	    col_int(st, 16, 0, INT64_MAX, &decided, err) != 0 ||
	    col_text(st, 17, rec->winner_venue, sizeof(rec->winner_venue), 0,
	    err) != 0 ||
	    col_int(st, 18, 0, INT64_MAX, &winner_at, err) != 0 ||
	    col_int(st, 19, 0, INT64_MAX, &updated, err) != 0)
		goto fail;
	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(state, state_names[i]) == 0)
			break;
	if (i == sizeof(state_names) / sizeof(state_names[0])) {
		pn_error_set(err, PN_E_FORMAT, "state: unknown");
		goto fail;
	}
	/* An answered record carries its proof; a pending one has none. */
	if ((i == JOURNAL_ACCEPTED || i == JOURNAL_CONFLICT) &&
	    rec->receipt[0] == '\0') {
		pn_error_set(err, PN_E_FORMAT, "receipt: missing for a %s "
		    "record", state);
		goto fail;
	}
	/*
	 * A typed text must read, and name the serial the guard holds. Only
	 * a typed record may lack its expiry, and its value until answered;
	 * it is never taken offline.
	 */
	rec->typed = pn_typed_voucher_is(rec->r.voucher,
	    strlen(rec->r.voucher));
	if (rec->typed && (pn_typed_voucher_parse(rec->r.voucher,
	    strlen(rec->r.voucher), &typed_serial, key) != 0 ||
	    typed_serial != (uint64_t)serial)) {
		pn_error_set(err, PN_E_FORMAT, "voucher: a typed text that "
		    "does not read or names another serial");
		goto fail;
	}
	if (!rec->typed && (!rec->has_value || !has_expiry)) {
		pn_error_set(err, PN_E_FORMAT, "value_cents, expires_at: "
		    "missing for a scanned voucher");
		goto fail;
	}
	if (rec->typed && (offline != 0 || (!rec->has_value &&
	    (i == JOURNAL_ACCEPTED || i == JOURNAL_CONFLICT)))) {
		pn_error_set(err, PN_E_FORMAT, "a typed record taken offline, "
		    "or answered without its value");
		goto fail;
	}
	rec->state = (enum journal_state)i;
	rec->r.counter = (uint64_t)counter;
	rec->r.terminal = (uint64_t)terminal;
	rec->r.terminal_time = at;
	rec->serial = (uint64_t)serial;
	rec->value_cents = (uint32_t)value;
	rec->expires_at = expires;
	rec->offline = offline != 0;
	rec->http_status = (int)status;
	rec->code = (int)code;
	rec->decided_at = decided;
	rec->winner_at = winner_at;
	rec->updated_at = updated;
	return 0;
fail:
	if (sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
		char what[48];

		(void)snprintf(what, sizeof(what), "journal record %lld",
		    (long long)sqlite3_column_int64(st, 0));
		pn_error_prefix(err, what);
	}
	return -1;
}

static int
session_from_row(sqlite3_stmt *st, struct journal_session *s,
    struct pn_error *err)
{
	int64_t starts, duration, declared, here, refused;
	bool is_refused;

	memset(s, 0, sizeof(*s));
	if (col_blob(st, 0, s->id, sizeof(s->id), err) != 0 ||
	    col_text(st, 1, s->theme, sizeof(s->theme), 1, err) != 0 ||
	    col_int(st, 2, 0, INT64_MAX, &starts, err) != 0 ||
	    col_int(st, 3, 1, 600, &duration, err) != 0 ||
	    col_int(st, 4, 0, 1, &declared, err) != 0 ||
	    col_int(st, 5, 0, 1, &here, err) != 0 ||
	    col_int_or_null(st, 6, 1, 99999, &refused, &is_refused,
	    err) != 0) {
		pn_error_prefix(err, "journal session");
		return -1;
	}
	s->starts_at = starts;
	s->duration_minutes = (int)duration;
	s->declared = declared != 0;
	s->here = here != 0;
	s->refused_code = is_refused ? (int)refused : 0;
	return 0;
}

/* Step st to the end, calling cb on each checked record row. */
static int
walk_records(struct journal *j, sqlite3_stmt *st, journal_record_cb cb,
    void *arg, struct pn_error *err)
{
	struct journal_record *rec;
	int rc = 0, s;

	/* Some 2 KiB: on the heap, so that callers' stacks stay small. */
	if ((rec = malloc(sizeof(*rec))) == NULL) {
		sqlite3_finalize(st);
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (record_from_row(st, rec, err) != 0) {
			rc = -1;
			break;
		}
		if (cb != NULL && (rc = cb(rec, arg)) != 0)
			break;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = db_error(j, err, "read records");
	free(rec);
	sqlite3_finalize(st);
	return rc;
}

/* --- records -------------------------------------------------------------- */

static int
find_by_serial(struct journal *j, uint64_t serial, struct journal_record *out,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "SELECT " RECORD_COLUMNS " FROM record "
	    "WHERE serial = ? AND state <> 'refused'", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = record_from_row(st, out, err) == 0 ? 1 : -1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_error(j, err, "find record");
	sqlite3_finalize(st);
	return rc;
}

int
journal_record_by_serial(struct journal *j, uint64_t serial,
    struct journal_record *out, struct pn_error *err)
{
	return find_by_serial(j, serial, out, err);
}

int
journal_record_add(struct journal *j, struct journal_record *rec,
    const uint8_t *sk, struct pn_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t next = 1;
	int rc;

	rec->typed = pn_typed_voucher_is(rec->r.voucher,
	    strlen(rec->r.voucher));
	if (!rec->typed && !rec->has_value)
		return pn_error_set(err, PN_E_ARG, "a scanned record without "
		    "its value");
	if (exec(j, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	/* Inside the write lock: no other process can take the serial now. */
	if ((rc = find_by_serial(j, rec->serial, rec, err)) != 0)
		goto out;
	if (prepare(j, "SELECT coalesce(max(counter), 0) + 1 FROM record",
	    &st, err) != 0)
		goto fail;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_error(j, err, "counter");
		goto fail;
	}
	next = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	rec->r.counter = (uint64_t)next;
	if (pn_redemption_sign(&rec->r, sk) != 0) {
		pn_error_set(err, PN_E_CRYPTO, "signature de l'enregistrement "
		    "impossible");
		goto fail;
	}
	rec->state = JOURNAL_PENDING;
	rec->updated_at = (int64_t)time(NULL);
	if (prepare(j, "INSERT INTO record (counter, redemption_id, session, "
	    "terminal, terminal_time, voucher, signature, serial, value_cents, "
	    "expires_at, state, offline, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)", &st,
	    err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, next);
	sqlite3_bind_blob(st, 2, rec->r.id, sizeof(rec->r.id), SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, rec->r.session, sizeof(rec->r.session),
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)rec->r.terminal);
	sqlite3_bind_int64(st, 5, rec->r.terminal_time);
	sqlite3_bind_text(st, 6, rec->r.voucher, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, rec->r.signature, sizeof(rec->r.signature),
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)rec->serial);
	if (rec->has_value)
		sqlite3_bind_int64(st, 9, rec->value_cents);
	else
		sqlite3_bind_null(st, 9);
	if (!rec->typed)
		sqlite3_bind_int64(st, 10, rec->expires_at);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_int64(st, 11, rec->updated_at);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(j, err, "write record");
		goto fail;
	}
	sqlite3_finalize(st);
	return exec(j, "COMMIT", err);
out:
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
fail:
	sqlite3_finalize(st);
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
journal_record_update(struct journal *j, const struct journal_record *rec,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "UPDATE record SET state = ?, offline = ?, "
	    "http_status = ?, code = ?, message = ?, receipt = ?, "
	    "decided_at = ?, winner_venue = ?, winner_at = ?, updated_at = ?, "
	    "value_cents = ? WHERE counter = ?", &st, err) != 0)
		return -1;
	sqlite3_bind_text(st, 1, journal_state_name(rec->state), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 2, rec->offline ? 1 : 0);
	sqlite3_bind_int(st, 3, rec->http_status);
	sqlite3_bind_int(st, 4, rec->code);
	sqlite3_bind_text(st, 5, rec->message, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, rec->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, rec->decided_at);
	sqlite3_bind_text(st, 8, rec->winner_venue, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, rec->winner_at);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)time(NULL));
	if (rec->has_value)
		sqlite3_bind_int64(st, 11, rec->value_cents);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)rec->r.counter);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(j, err, "update record");
	if (sqlite3_changes(j->db) != 1)
		return pn_error_set(err, PN_E_IO, "%s: record %llu is gone",
		    j->path, (unsigned long long)rec->r.counter);
	return 0;
}

int
journal_record_withdraw(struct journal *j, struct journal_record *rec,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "UPDATE record SET state = 'refused', http_status = ?, "
	    "code = ?, message = ?, updated_at = ? "
	    "WHERE counter = ? AND state = 'pending'", &st, err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, rec->http_status);
	sqlite3_bind_int(st, 2, rec->code);
	sqlite3_bind_text(st, 3, rec->message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(st, 5, (sqlite3_int64)rec->r.counter);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(j, err, "withdraw record");
	if (sqlite3_changes(j->db) != 1)
		return 1;
	rec->state = JOURNAL_REFUSED;
	return 0;
}

int
journal_pending_each(struct journal *j, enum journal_kind kind, size_t limit,
    journal_record_cb cb, void *arg, struct pn_error *err)
{
	/* A typed record's text starts with PN_TYPED_PREFIX (?2). */
	static const char *const sql[] = {
		[JOURNAL_ANY] = "SELECT " RECORD_COLUMNS " FROM record "
		    "WHERE state = 'pending' ORDER BY counter LIMIT ?1",
		[JOURNAL_SCANNED] = "SELECT " RECORD_COLUMNS " FROM record "
		    "WHERE state = 'pending' AND "
		    "substr(voucher, 1, length(?2)) <> ?2 "
		    "ORDER BY counter LIMIT ?1",
		[JOURNAL_TYPED] = "SELECT " RECORD_COLUMNS " FROM record "
		    "WHERE state = 'pending' AND "
		    "substr(voucher, 1, length(?2)) = ?2 "
		    "ORDER BY counter LIMIT ?1",
	};
	sqlite3_stmt *st;

	if ((unsigned)kind >= sizeof(sql) / sizeof(sql[0]))
		return pn_error_set(err, PN_E_ARG, "pending records: bad kind");
	if (prepare(j, sql[kind], &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, limit == 0 ? -1 : (sqlite3_int64)limit);
	if (kind != JOURNAL_ANY)
		sqlite3_bind_text(st, 2, PN_TYPED_PREFIX, -1, SQLITE_STATIC);
	return walk_records(j, st, cb, arg, err);
}

int
journal_history_each(struct journal *j, size_t limit, journal_record_cb cb,
    void *arg, struct pn_error *err)
{
	sqlite3_stmt *st;

	if (prepare(j, "SELECT " RECORD_COLUMNS " FROM record "
	    "ORDER BY counter DESC LIMIT ?", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, limit == 0 ? -1 : (sqlite3_int64)limit);
	return walk_records(j, st, cb, arg, err);
}

int64_t
journal_pending_count(struct journal *j, struct pn_error *err)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (prepare(j, "SELECT count(*) FROM record WHERE state = 'pending'",
	    &st, err) != 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		db_error(j, err, "count");
	sqlite3_finalize(st);
	return n;
}

/* --- sessions ------------------------------------------------------------- */

int
journal_session_put(struct journal *j, const struct journal_session *s,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	/* A session seen again from the server only learns it is declared. */
	if (prepare(j, "INSERT INTO session (" SESSION_COLUMNS ", created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
	    "declared = max(declared, excluded.declared)", &st, err) != 0)
		return -1;
	sqlite3_bind_blob(st, 1, s->id, sizeof(s->id), SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->theme, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, s->starts_at);
	sqlite3_bind_int(st, 4, s->duration_minutes);
	sqlite3_bind_int(st, 5, s->declared ? 1 : 0);
	sqlite3_bind_int(st, 6, s->here ? 1 : 0);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(j, err, "write session");
}

int
journal_session_declared(struct journal *j,
    const uint8_t id[PN_SESSION_ID_SIZE], struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "UPDATE session SET declared = 1 WHERE id = ?", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_blob(st, 1, id, PN_SESSION_ID_SIZE, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(j, err, "update session");
}

int
journal_session_refuse(struct journal *j,
    const uint8_t id[PN_SESSION_ID_SIZE], int code, struct pn_error *err)
{
	char key[sizeof(SESSION_REFUSED_KEY) + 2 * PN_SESSION_ID_SIZE];

	if (code <= 0 || code > 99999)
		return pn_error_set(err, PN_E_ARG, "session refusal: bad code");
	memcpy(key, SESSION_REFUSED_KEY, sizeof(SESSION_REFUSED_KEY) - 1);
	pn_hex_encode(id, PN_SESSION_ID_SIZE,
	    key + sizeof(SESSION_REFUSED_KEY) - 1);
	return journal_meta_set(j, key, code, err);
}

int
journal_session_find(struct journal *j, const char *prefix,
    struct journal_session *out, struct pn_error *err)
{
	sqlite3_stmt *st;
	size_t i, n = strlen(prefix);
	int rc, found = 0;

	if (n < 4 || n > 2 * PN_SESSION_ID_SIZE)
		return 0;
	for (i = 0; i < n; i++)
		if (!((prefix[i] >= '0' && prefix[i] <= '9') ||
		    (prefix[i] >= 'a' && prefix[i] <= 'f')))
			return 0;
	/* hex(id) is upper case in SQLite; the prefix is bound, not spliced. */
	if (prepare(j, "SELECT " SESSION_SELECT " FROM session "
	    "WHERE substr(lower(hex(id)), 1, ?) = ? LIMIT 2", &st, err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, (int)n);
	sqlite3_bind_text(st, 2, prefix, (int)n, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (found++ == 0 && session_from_row(st, out, err) != 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(j, err, "find session");
	return found > 1 ? 2 : found;
}

int
journal_session_each(struct journal *j, size_t limit, bool undeclared,
    journal_session_cb cb, void *arg, struct pn_error *err)
{
	struct journal_session s;
	sqlite3_stmt *st;
	int rc = 0, step;

	/* Undeclared: still to declare, so not refused for good. */
	if (prepare(j, undeclared ?
	    "SELECT " SESSION_SELECT " FROM session WHERE declared = 0 "
	    "AND NOT EXISTS (SELECT 1 FROM meta WHERE key = '"
	    SESSION_REFUSED_KEY "' || lower(hex(session.id))) "
	    "ORDER BY starts_at DESC, created_at DESC LIMIT ?" :
	    "SELECT " SESSION_SELECT " FROM session "
	    "ORDER BY starts_at DESC, created_at DESC LIMIT ?", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, limit == 0 ? -1 : (sqlite3_int64)limit);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (session_from_row(st, &s, err) != 0) {
			rc = -1;
			break;
		}
		if ((rc = cb(&s, arg)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(j, err, "read sessions");
	sqlite3_finalize(st);
	return rc;
}

/* --- deny-list documents and meta ------------------------------------------ */

int
journal_deny_add(struct journal *j, const uint8_t *doc, size_t len,
    bool replace, struct pn_error *err)
{
	sqlite3_stmt *st = NULL;

	if (len == 0 || len > INT32_MAX)
		return pn_error_set(err, PN_E_ARG, "deny list: bad size");
	if (exec(j, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (replace && exec(j, "DELETE FROM deny_doc", err) != 0)
		goto fail;
	if (prepare(j, "INSERT INTO deny_doc (doc) VALUES (?)", &st, err) != 0)
		goto fail;
	sqlite3_bind_blob(st, 1, doc, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(j, err, "write deny list");
		goto fail;
	}
	sqlite3_finalize(st);
	return exec(j, "COMMIT", err);
fail:
	sqlite3_finalize(st);
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
journal_deny_each(struct journal *j, journal_deny_cb cb, void *arg, size_t *n,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	const void *p;
	size_t count = 0;
	int rc = 0, step;

	if (prepare(j, "SELECT doc FROM deny_doc ORDER BY n", &st, err) != 0)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_BLOB ||
		    (p = sqlite3_column_blob(st, 0)) == NULL) {
			rc = pn_error_set(err, PN_E_FORMAT, "%s: deny list "
			    "document %zu: not a blob", j->path, count + 1);
			break;
		}
		count++;
		if (cb != NULL && (rc = cb(p, (size_t)sqlite3_column_bytes(st,
		    0), arg)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(j, err, "read deny list");
	sqlite3_finalize(st);
	if (n != NULL)
		*n = count;
	return rc;
}

int
journal_meta_get(struct journal *j, const char *key, int64_t *value,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*value = 0;
	if (prepare(j, "SELECT value FROM meta WHERE key = ?", &st, err) != 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_INTEGER) {
			sqlite3_finalize(st);
			return pn_error_set(err, PN_E_FORMAT, "%s: meta %s: "
			    "an integer expected", j->path, key);
		}
		*value = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    db_error(j, err, "read meta");
}

int
journal_meta_set(struct journal *j, const char *key, int64_t value,
    struct pn_error *err)
{
	return journal_meta_set_many(j, &key, &value, 1, err);
}

int
journal_meta_set_many(struct journal *j, const char *const *keys,
    const int64_t *values, size_t n, struct pn_error *err)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE;

	if (prepare(j, "INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", &st,
	    err) != 0)
		return -1;
	/* One value: its own statement is its transaction. */
	if (n > 1 && exec(j, "BEGIN IMMEDIATE", err) != 0) {
		sqlite3_finalize(st);
		return -1;
	}
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, values[i]);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_error(j, err, "write meta");
		if (n > 1)
			(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (n > 1 && exec(j, "COMMIT", err) != 0) {
		(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* --- receipts and the server's checkpoints (schema 3, anchor.h) ----------- */

/*
 * Kept apart from the functions above: the record columns they read are
 * RECORD_COLUMNS, which these do not change; confirmed_at and anchored are
 * read and written here only.
 */

static int
checkpoint_from_row(sqlite3_stmt *st, struct journal_checkpoint *c,
    struct pn_error *err)
{
	int64_t seq;

	memset(c, 0, sizeof(*c));
	if (col_int(st, 0, 1, INT64_MAX, &c->n, err) != 0 ||
	    col_int(st, 1, 1, INT64_MAX, &seq, err) != 0 ||
	    col_int(st, 2, 0, INT64_MAX, &c->at, err) != 0 ||
	    col_text(st, 3, c->text, sizeof(c->text), 1, err) != 0 ||
	    col_int(st, 4, 0, INT64_MAX, &c->received_at, err) != 0) {
		pn_error_prefix(err, "journal checkpoint");
		return -1;
	}
	c->seq = (uint64_t)seq;
	return 0;
}

int
journal_checkpoint_latest(struct journal *j, struct journal_checkpoint *out,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "SELECT n, seq, at, text, received_at FROM checkpoint "
	    "ORDER BY n DESC LIMIT 1", &st, err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = checkpoint_from_row(st, out, err) == 0 ? 1 : -1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_error(j, err, "read checkpoint");
	sqlite3_finalize(st);
	return rc;
}

/* Run sql with one integer parameter; *changes (NULL: not asked) the rows changed. */
static int
exec_int(struct journal *j, const char *sql, int64_t a, int *changes,
    struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, sql, &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(j, err, "write checkpoint");
	if (changes != NULL)
		*changes = sqlite3_changes(j->db);
	return 0;
}

int
journal_checkpoint_add(struct journal *j, const struct journal_checkpoint *c,
    bool lost, struct pn_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (c->seq < 1 || c->seq > INT64_MAX || c->at < 0 ||
	    c->text[0] == '\0' || strlen(c->text) >= sizeof(c->text))
		return pn_error_set(err, PN_E_ARG, "checkpoint: bad fields");
	if (exec(j, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (prepare(j, "INSERT INTO checkpoint (seq, at, text, received_at) "
	    "VALUES (?, ?, ?, ?)", &st, err) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->seq);
	sqlite3_bind_int64(st, 2, c->at);
	sqlite3_bind_text(st, 3, c->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_error(j, err, "write checkpoint");
		goto fail;
	}
	/* The latest JOURNAL_CHECKPOINTS_KEPT only. */
	if (exec_int(j, "DELETE FROM checkpoint WHERE n <= "
	    "(SELECT max(n) FROM checkpoint) - ?", JOURNAL_CHECKPOINTS_KEPT,
	    NULL, err) != 0)
		goto fail;
	/*
	 * The server lost data: what it confirmed, and the checkpoints that
	 * anchored it, may be gone with it. The checkpoints held stay, as
	 * evidence; a record is anchored again only by one dated after its
	 * next confirmation.
	 */
	if (lost && exec(j, "UPDATE record SET confirmed_at = 0, anchored = 0 "
	    "WHERE confirmed_at <> 0 OR anchored <> 0", err) != 0)
		goto fail;
	if (exec(j, "COMMIT", err) != 0)
		goto fail;
	return 0;
fail:
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
journal_accepted_each(struct journal *j, bool unanchored, uint64_t after,
    size_t limit, journal_record_cb cb, void *arg, struct pn_error *err)
{
	sqlite3_stmt *st;

	if (prepare(j, unanchored ?
	    "SELECT " RECORD_COLUMNS " FROM record WHERE state = 'accepted' "
	    "AND anchored = 0 AND counter > ? ORDER BY counter LIMIT ?" :
	    "SELECT " RECORD_COLUMNS " FROM record WHERE state = 'accepted' "
	    "AND counter > ? ORDER BY counter LIMIT ?", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, after > INT64_MAX ? INT64_MAX :
	    (sqlite3_int64)after);
	sqlite3_bind_int64(st, 2, limit == 0 ? -1 : (sqlite3_int64)limit);
	return walk_records(j, st, cb, arg, err);
}

/* How many records are anchored, inside the caller's transaction. */
static int
anchored_count(struct journal *j, int64_t *n, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "SELECT count(*) FROM record WHERE anchored = 1", &st,
	    err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_error(j, err, "count records");
}

int
journal_records_confirm(struct journal *j, const uint64_t *counters,
    size_t n, int64_t at, bool restored, size_t *anchored,
    struct pn_error *err)
{
	/*
	 * Known: anchored when a checkpoint held falls between the previous
	 * confirmation and this one (the values on the right are the row's
	 * before the update). Restored: it was absent until now, so its
	 * anchoring starts over from this confirmation.
	 */
	static const char *const sql[] = {
		"UPDATE record SET anchored = CASE WHEN anchored = 1 OR "
		"(confirmed_at > 0 AND EXISTS (SELECT 1 FROM checkpoint c "
		"WHERE c.at > record.confirmed_at AND c.at < ?1)) THEN 1 "
		"ELSE 0 END, confirmed_at = max(confirmed_at, ?1) "
		"WHERE counter = ?2 AND state = 'accepted'",
		"UPDATE record SET anchored = 0, confirmed_at = ?1 "
		"WHERE counter = ?2 AND state = 'accepted'",
	};
	sqlite3_stmt *st = NULL;
	int64_t before = 0, after = 0;
	size_t i;
	int rc = SQLITE_DONE;

	if (n == 0) {
		if (anchored != NULL)
			*anchored = 0;
		return 0;
	}
	if (at <= 0)
		return pn_error_set(err, PN_E_ARG, "confirmation: bad time");
	if (exec(j, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (anchored_count(j, &before, err) != 0 ||
	    prepare(j, sql[restored ? 1 : 0], &st, err) != 0)
		goto fail;
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, at);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)counters[i]);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_error(j, err, "confirm records");
		goto fail;
	}
	if (anchored_count(j, &after, err) != 0 || exec(j, "COMMIT", err) != 0)
		goto fail;
	if (anchored != NULL)
		*anchored = after > before ? (size_t)(after - before) : 0;
	return 0;
fail:
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
journal_records_close(struct journal *j, const uint64_t *counters,
    size_t n, struct pn_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = SQLITE_DONE;

	if (n == 0)
		return 0;
	if (exec(j, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (prepare(j, "UPDATE record SET anchored = 1 WHERE counter = ?1 "
	    "AND state = 'accepted'", &st, err) != 0)
		goto fail;
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)counters[i]);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_error(j, err, "close records");
		goto fail;
	}
	if (exec(j, "COMMIT", err) != 0)
		goto fail;
	return 0;
fail:
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
journal_record_anchor(struct journal *j, uint64_t counter,
    int64_t *confirmed_at, bool *anchored, struct pn_error *err)
{
	sqlite3_stmt *st;
	int64_t a = 0;
	int rc;

	if (prepare(j, "SELECT confirmed_at, anchored FROM record "
	    "WHERE counter = ?", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)counter);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = col_int(st, 0, 0, INT64_MAX, confirmed_at, err) == 0 &&
		    col_int(st, 1, 0, 1, &a, err) == 0 ? 0 : -1;
	else if (rc == SQLITE_DONE)
		rc = 1;
	else
		rc = db_error(j, err, "read record");
	sqlite3_finalize(st);
	*anchored = a != 0;
	return rc;
}

int
journal_anchor_counts(struct journal *j, int64_t *accepted,
    int64_t *unanchored, struct pn_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(j, "SELECT count(*), coalesce(sum(anchored = 0), 0) "
	    "FROM record WHERE state = 'accepted'", &st, err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*accepted = sqlite3_column_int64(st, 0);
		*unanchored = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_error(j, err, "count records");
}
