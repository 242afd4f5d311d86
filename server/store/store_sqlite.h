/* store_sqlite.h -- internal to the SQLite store: the connection and its queries.
 *
 * Included only by the store_sqlite*.c files, which alone see <sqlite3.h>.
 * store_sqlite.c opens, migrates and prepares; the other files hold the
 * SQL of one area each, each query declared with SQ_QUERY() right above
 * the function that runs it.
 */
#ifndef PN_STORE_SQLITE_H
#define PN_STORE_SQLITE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	bool holds_write_lock;		/* sq_begin() took the process's lock */
	bool in_job;			/* the committer runs a job on it */
	unsigned nested;		/* sq_begin()s inside a job, open */
	sqlite3_int64 changes_at_begin;	/* sqlite3_total_changes64() then */
	char *path;			/* for error messages */
	unsigned busy_timeout_ms;	/* as opened, for the group connection */
	const char *audit_via;		/* store_audit_via(); NULL: none */
	int64_t staging;		/* store_batch_files_stage()'s token */

	/* The statement of each query, at its index in pn_sq_queries. */
	sqlite3_stmt **stmts;
};

/*
 * A query of the store, prepared once for each connection by store_open()
 * (with SQLITE_PREPARE_PERSISTENT) and finalized by store_close().
 * SQ_QUERY(q_name, "SQL") declares one beside the function that runs it,
 * which gets its statement with sq_stmt(s, &q_name): adding a query
 * touches that one file. The linker gathers every query of the program in
 * the section pn_sq_queries and marks its bounds with __start_ and
 * __stop_ symbols; a query's statement is the one at its index there. The
 * section holds nothing but these structs, at their natural alignment, so
 * that it is an array of them; store_open() checks it.
 *
 * "used" keeps every query in the section, even one whose uses the
 * compiler removed, and AddressSanitizer (GCC's and clang's) adds no
 * red zone to an object of a section whose name is an identifier. A query
 * run by several files is declared with SQ_QUERY_SHARED in its main user
 * and extern below: keep that rare.
 */
struct sq_query {
	const char *sql;
};

#define SQ_QUERY_SECTION "pn_sq_queries"
#define SQ_QUERY_SHARED(name, text)					\
	const struct sq_query name					\
	__attribute__((used, section(SQ_QUERY_SECTION))) = { text }
#define SQ_QUERY(name, text) static SQ_QUERY_SHARED(name, text)

/* The statement of q on s's connection. */
sqlite3_stmt *sq_stmt(struct store *s, const struct sq_query *q);

/* Queries run by more than one file. */
extern const struct sq_query q_commit;		/* store_sqlite.c */
extern const struct sq_query q_read_begin;	/* store_sqlite.c */
extern const struct sq_query q_audit_last;	/* store_sqlite_audit.c */
extern const struct sq_query q_training_insert;	/* store_sqlite_training.c */
extern const struct sq_query q_redemption_by_id;	/* store_sqlite_redeem.c */
extern const struct sq_query q_redemption_insert;	/* ... */
extern const struct sq_query q_deny_redeemed;	/* ... */

/* The schema's forward migrations (store_sqlite_schema.c). */
extern const char *const store_migrations[];
extern const int store_migrations_count;

/*
 * Create path as an empty file of mode 0600 unless it exists (an empty file
 * is an empty SQLite database). 0, or -1 with err set.
 */
int sq_create_private(const char *path, struct pn_error *err);

/* Record "PATH: WHAT: sqlite's message" for a call that returned rc; -1. */
int sq_error(struct store *s, int rc, const char *what, struct pn_error *err);

/* Copy column col of st's row into dst (cut to len - 1 bytes; NULL: ""). */
void sq_copy_text(char *dst, size_t len, sqlite3_stmt *st, int col);

/*
 * Step an INSERT of an "add" function (its parameters bound), then append
 * the audit row (action, on object:ROWID, with what as its detail), then
 * commit. A UNIQUE failure is PN_E_EXISTS and a CHECK failure PN_E_ARG,
 * both named with what; anything else is the database's. *id, when not
 * NULL, gets the new row's id. 0 or -1 (rolled back).
 */
int sq_insert_audited(struct store *s, sqlite3_stmt *st, const char *what,
    int64_t now, const char *actor, const char *action, const char *object,
    int64_t *id, struct pn_error *err);

/*
 * After the audit row of action on object, in its transaction: when the
 * action sets up or changes an agency or a programme, note that row for
 * the object's history (setup_change, store_setup_history()). 0, or -1.
 */
int sq_setup_noted(struct store *s, const char *action, const char *object,
    struct pn_error *err);

/*
 * Step st through its rows, handing each to row with arg; row returns 0 to
 * go on, 1 to stop, -1 to stop with err set. Returns 0 or -1 with err.
 */
int sq_each_row(struct store *s, sqlite3_stmt *st, const char *what,
    int (*row)(sqlite3_stmt *st, void *arg, struct pn_error *err), void *arg,
    struct pn_error *err);

/*
 * Step st (its parameters bound), which returns no row, and make it ready
 * again. 0, or -1 with err naming what.
 */
int sq_step_done(struct store *s, sqlite3_stmt *st, const char *what,
    struct pn_error *err);

/*
 * Fill who from columns first.. of st: user id, role, agency id (0),
 * venue id (0), login, display name.
 */
void sq_principal_row(sqlite3_stmt *st, int first,
    struct store_principal *who);

/* Fill v from columns 0..11 of st, in the order of q_venue_all. */
void sq_venue_row(sqlite3_stmt *st, struct store_venue *v);

/* Make st ready for its next use: on every path, after every use. */
void sq_done(sqlite3_stmt *st);

/*
 * Prepare sql for a call that runs rarely (settlement, reports): the
 * caller finalizes *st. 0, or -1 with err naming what.
 */
int sq_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    const char *what, struct pn_error *err);

/*
 * Append an audit row on object whose detail is the JSON object o
 * (jansson's; stolen, also on failure: NULL is an allocation failure).
 */
struct json_t;
int sq_audit_json(struct store *s, int64_t now, const char *actor,
    const char *action, const char *object, struct json_t *o,
    struct pn_error *err);

/*
 * A settlement's draft or approval: a page cache of 64 MB and temporary
 * tables in memory when on, the defaults when off (store_sqlite_settle.c).
 */
int sq_settle_memory(struct store *s, bool on, struct pn_error *err);

/*
 * Run an UPDATE of one row whose parameters are ?1 id, ?2 t1, ?3 t2 (left
 * NULL when t2 is), ?4 user_id and ?5 now, as many as sql names (a state
 * change: who and when). The number of rows changed, or -1 with err.
 */
int sq_update_row(struct store *s, const char *sql, int64_t id,
    const char *t1, const char *t2, int64_t user_id, int64_t now,
    const char *what, struct pn_error *err);

/* Run sql (no parameters, no rows; several statements allowed). 0 or -1. */
int sq_exec(struct store *s, const char *sql, const char *what,
    struct pn_error *err);

/*
 * BEGIN IMMEDIATE (after the process's write lock), COMMIT (releasing it);
 * ROLLBACK when a transaction is open, releasing the lock when held. After
 * a failed sq_commit(), call sq_rollback().
 */
int sq_begin(struct store *s, struct pn_error *err);
int sq_commit(struct store *s, struct pn_error *err);
void sq_rollback(struct store *s);
/*
 * Inside a job of the committer (store_tx(), sq_group_run()), the group's
 * transaction is already open: sq_begin() opens a savepoint, sq_commit()
 * releases it and sq_rollback() undoes it, so that every store function
 * that writes in a transaction of its own can be one step of a larger
 * one. A sq_rollback() without its sq_begin() (the end of a read) does
 * nothing there: the job's own savepoint decides.
 */

/*
 * A job of a group commit: runs inside the group's transaction, in its own
 * savepoint, on the leader's connection s. It returns its result (>= 0)
 * with *kept true to keep its writes, false to undo them (a refusal); or
 * -1 with err, which undoes them.
 */
typedef int (*sq_group_fn)(struct store *s, void *arg, bool *kept,
    struct pn_error *err);

/*
 * A write queued to the committer (store_sqlite_group.c). Its result is
 * what fn returned, or -1 with *err when fn, or the commit that held it,
 * failed; it is known once done(ctx) is called, on the committer's
 * thread, after the commit.
 */
struct sq_job {
	sq_group_fn fn;
	void *arg;
	struct pn_error *err;
	int result;
	bool kept;			/* its writes are in the transaction */
	void (*done)(void *ctx);	/* NULL: a thread waits (sq_group_run) */
	void *ctx;
	bool finished;			/* ... and is woken on wake */
	pthread_cond_t *wake;
	struct sq_job *next;
};

void sq_job_init(struct sq_job *j, sq_group_fn fn, void *arg,
    struct pn_error *err, void (*done)(void *ctx), void *ctx);

/*
 * Queue j for the next group commit, without waiting. Returns 0: done(ctx)
 * will be called once, and j must live until then; or -1 with *j->err
 * (done is never called).
 */
int sq_group_submit(struct store *s, struct sq_job *j);

/*
 * A write queued by a store_*_submit() function: the job, its error, and
 * the job's own argument, allocated with it (arg_size bytes at arg).
 * end, when not NULL, is called by store_write_end() with the result,
 * for what the kind does once its outcome is read.
 */
struct store_write {
	struct sq_job job;
	struct pn_error err;
	void (*end)(void *arg, int result);
	max_align_t arg[];
};

/*
 * A store_write for fn with arg_size bytes of argument (zeroed, at
 * w->arg), to be told through done(ctx); NULL with err when out of memory.
 */
struct store_write *sq_write_new(size_t arg_size, sq_group_fn fn,
    void (*end)(void *arg, int result), store_write_done done, void *ctx,
    struct pn_error *err);

/*
 * Queue w. Returns 0 (w is the caller's again once told), or -1 with err
 * and w freed.
 */
int sq_write_submit(struct store *s, struct store_write *w,
    struct pn_error *err);

/*
 * Run fn(arg) in the next group commit and return its result once the
 * group's transaction is durable; -1 with err when it failed or the
 * commit did. The calling thread waits.
 */
int sq_group_run(struct store *s, sq_group_fn fn, void *arg,
    struct pn_error *err);

/*
 * Remember the outcome of a write for store_write_health()
 * (store_sqlite_health.c): a transaction committed (ok), or a call that
 * failed with rc; only failures that say the database cannot be written
 * or read (disk full, I/O error, read-only, corrupt...) count.
 */
void sq_health_committed(void);
void sq_health_failed(int rc, const char *why);

/*
 * Let every committer finish its queue, end its thread and close its
 * connection. Nothing may be queued after.
 */
void sq_group_close_all(void);

/* The training session of uid, inside the caller's transaction: 0, 1 none, -1. */
int sq_training_by_uid(struct store *s, const uint8_t uid[16],
    struct store_training *out, struct pn_error *err);

/*
 * Record the nonce of a terminal's signed request inside the caller's
 * transaction, forgetting those older than the request window now and
 * then. 0, 1 when it was used already (a replay), -1 with err.
 */
int sq_nonce_use(struct store *s, int64_t terminal,
    const struct store_nonce *nonce, int64_t now, struct pn_error *err);

#endif
