/* store.h -- the server's storage: every SQL statement of passnumd lives behind this header.
 *
 * The SQLite implementation is store_sqlite.c, the only server file that
 * includes <sqlite3.h>; another engine can be added beside it without
 * touching the handlers. One struct store is one connection: each worker
 * thread opens its own. Functions return 0 on success and -1 with err set
 * on failure, unless they say otherwise; on failure nothing is written.
 */
#ifndef PN_STORE_H
#define PN_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "passnum/error.h"

#define STORE_HASH_SIZE 32

struct store;

/*
 * Open (creating if needed) the database at path: WAL, synchronous=FULL,
 * foreign_keys=ON, defensive mode, trusted_schema off, the busy timeout,
 * then the forward migrations up to the current schema version (in one
 * BEGIN IMMEDIATE transaction, so concurrent openers migrate once), then
 * every statement prepared once.
 */
struct store *store_open(const char *path, unsigned busy_timeout_ms,
    struct pn_error *err);

/* Finalize the statements and close. NULL is accepted. */
void store_close(struct store *s);

/* The schema version (PRAGMA user_version) of the open database. */
int store_schema_version(struct store *s);

/* The schema version this build migrates to. */
int store_schema_latest(void);

/*
 * Take the instance lock of the database at path: an exclusive advisory
 * lock on "path.lock", held until store_unlock_instance(). A second server
 * on the same database is refused. Returns a descriptor, or -1 with err.
 */
int store_lock_instance(const char *path, struct pn_error *err);
void store_unlock_instance(int fd);

/* PRAGMA integrity_check says "ok". */
int store_integrity_check(struct store *s, struct pn_error *err);

/*
 * Append a row to the audit log: who (actor, e.g. "user:12" or "admin-cli"),
 * did what (action, e.g. "booklet.issue"), to what (object, e.g.
 * "booklet:7"), with details (a JSON text or ""), at Unix time at. The row
 * carries the BLAKE2b-256 hash of the previous row's hash and its own
 * content (docs/store.md gives the exact encoding). Runs inside the
 * caller's transaction when one is open, else in its own.
 */
int store_audit_append(struct store *s, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    struct pn_error *err);

/*
 * Recompute the audit chain from the first row. Returns 0 when it holds
 * (*rows = number of rows), 1 when it is broken (*bad_id = the first row
 * whose hash or link does not match, err says which), -1 on error.
 */
int store_audit_verify(struct store *s, uint64_t *rows, int64_t *bad_id,
    struct pn_error *err);

#endif
