/* store.h -- the server's storage: every SQL statement of passnumd lives behind this header.
 *
 * The SQLite implementation is in the store_sqlite*.c files, the only
 * server files that include <sqlite3.h>; another engine can be added
 * beside them without touching the operations. One struct store is one
 * connection: each worker thread opens its own.
 *
 * One convention for every function's int result:
 *   0    done;
 *   -1   the database failed: err says how, and nothing was written;
 *   > 0  an outcome that is not a failure, which the function names:
 *        STORE_NOT_FOUND when what it names does not exist (or lies
 *        outside the caller's scope), STORE_UNCHANGED when it already is
 *        in the state asked for (nothing written), or the function's own
 *        enum (enum store_issue, enum store_redeem_result), or, for
 *        settlement, the refusal's code of errors.def (ERR_BATCH_...).
 * The store checks, reads and writes; it does not sign (the caller gives
 * a store_signer), print, render or speak HTTP: the operations
 * (server/ops/) turn its outcomes into refusals, the adapters into words.
 */
#ifndef PN_STORE_H
#define PN_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "passnum/controlkey.h"
#include "passnum/error.h"
#include "passnum/voucher.h"
#include "settlement.h"

#define STORE_HASH_SIZE 32
#define STORE_BOOKLET_MAX 50	/* vouchers in one booklet, at most */

/* The named outcomes of the convention above. */
enum {
	STORE_NOT_FOUND = 1,
	STORE_UNCHANGED = 2,
	STORE_BELOW_COMMITTED = 3	/* a budget under what is issued */
};

struct store;
struct pn_cert;

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

/*
 * At shutdown, once no request runs: close the group-commit connections
 * (store_sqlite_group.c), then copy every page of the WAL into the
 * database and truncate the WAL to zero bytes, on a connection of its own
 * that it closes, so that the database file alone holds every committed
 * transaction. Returns 0, or -1 with err (the data stays safe in the WAL,
 * which SQLite replays at the next open).
 */
int store_shutdown(const char *path, unsigned busy_timeout_ms,
    struct pn_error *err);

/*
 * Whether the database can be written, cheaply (store_sqlite_health.c):
 * -1 at once, with err quoting it, when a storage failure (disk full, I/O
 * error, read-only...) came within the last fresh_s seconds and no write
 * committed since; 0 at once when a transaction wrote and committed
 * within the last fresh_s seconds with no such failure after it;
 * otherwise one 64 KiB write on s (the row 'health_probe' of meta) in a
 * transaction of its own: 0 when it commits, else -1 with err.
 */
int store_write_health(struct store *s, unsigned fresh_s,
    struct pn_error *err);

/* The schema version (PRAGMA user_version) of the open database; -1 on error. */
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

/*
 * Copy the database to path with SQLite's online backup API, safe while
 * the server writes: the copy is one consistent snapshot. It is written
 * to a temporary file, checked (integrity_check), synced, then renamed to
 * path, which must not exist yet.
 */
int store_backup(struct store *s, const char *path, struct pn_error *err);

/*
 * Restore, in two steps, with the instance lock held (no passnumd on db).
 * store_restore_copy() copies the database file backup (opened read-only)
 * into the new file path, as store_backup() does: one step, checked,
 * synced, renamed. The caller then checks that copy (store_open(),
 * integrity, audit chain) and closes it. store_restore_swap() moves db and
 * its -wal and -shm files to aside (which must not exist), then restored
 * (and its -wal, -shm if any) to db. 0, or -1 with err.
 */
int store_restore_copy(const char *backup, const char *path,
    struct pn_error *err);
int store_restore_swap(const char *db, const char *restored,
    const char *aside, struct pn_error *err);

/* PRAGMA integrity_check says "ok". */
int store_integrity_check(struct store *s, struct pn_error *err);

/*
 * Append a row to the audit log: who (actor, e.g. "user:12" or "admin-cli"),
 * did what (action, e.g. "booklet.issue"), to what (object, e.g.
 * "booklet:7"), with details (a JSON text or ""), at Unix time at. The row
 * carries the BLAKE2b-256 hash of the previous row's hash and its own
 * content (docs/store.md gives the exact encoding). Runs inside the
 * transaction a store function has open (store_sqlite*.c), else in its
 * own, taken through the process's write lock.
 */
int store_audit_append(struct store *s, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    struct pn_error *err);

/*
 * From now on, every audit row appended through s also says where its
 * action came from: "via": via joins a detail that is a JSON object, and
 * an empty detail becomes {"via": via}; other details are kept as they
 * are. passnum-admin sets "cli" once it has authenticated the person --as
 * names, so that the log tells the command line from the web pages, which
 * never set it. via is kept, not copied (a string constant); NULL stops.
 */
void store_audit_via(struct store *s, const char *via);

/*
 * Recompute the audit chain from the first row. Returns 0 when it holds
 * (*rows = number of rows), 1 when it is broken (*bad_id = the first row
 * whose hash or link does not match, err says which, *rows = the rows
 * that held before it), -1 on error. The chain cannot show rows deleted
 * from its end: docs/store.md says how to guard against that.
 */
int store_audit_verify(struct store *s, uint64_t *rows, int64_t *bad_id,
    struct pn_error *err);

/*
 * The one runner of state changes (server/ops/op.h): run fn(tx, arg) as
 * one job of the committer (store_sqlite_group.c), in a savepoint of the
 * next group's transaction, on the committer's connection tx, whose audit
 * rows carry s's store_audit_via(). Every store function that writes can
 * be called on tx: inside a job, its own transaction becomes a savepoint
 * of the group's, so that several make one change. fn returns 0 to keep
 * what it wrote, a positive value to undo it (a refusal), or -1 with err.
 * store_tx() returns that value once the group's commit is durable, or -1
 * with err when the commit failed (nothing of fn's is then written). The
 * calling thread waits; busy databases are retried by the committer.
 */
typedef int (*store_tx_fn)(struct store *tx, void *arg, struct pn_error *err);
int store_tx(struct store *s, store_tx_fn fn, void *arg, struct pn_error *err);

/* --- Agencies, programmes, users, tokens, keys (passnum-admin) ---------- */

/* Roles, as bits so that a route can allow several. */
enum store_role {
	ROLE_CASEWORKER = 1,
	ROLE_VENUE = 2,
	ROLE_ACCOUNTANT = 4,
	ROLE_ADMIN = 8,
	/*
	 * The funder's staff and elected officials: the dashboard
	 * (/pilotage) only, read-only, no voucher, booklet nor venue.
	 */
	ROLE_FUNDER = 16
};

/* "caseworker" -> ROLE_CASEWORKER; 0 for an unknown name. */
unsigned store_role_parse(const char *name);
const char *store_role_name(unsigned role);

/*
 * Each add returns 0 with *id set, or -1 with err (PN_E_EXISTS for a name
 * already taken, PN_E_ARG for a value the schema refuses), and writes an
 * audit row by actor in the same transaction.
 */
int store_agency_add(struct store *s, const char *name, const char *kind,
    const char *commune, int64_t now, const char *actor, int64_t *id,
    struct pn_error *err);

/* An agency, with what depends on it. */
struct store_agency {
	int64_t id;
	char name[128];
	char kind[16];			/* "eds" or "partner" */
	char commune[128];		/* "" when none */
	unsigned users;			/* its caseworkers not disabled */
	unsigned booklets;		/* issued by its caseworkers */
};

/* 0 and *a, STORE_NOT_FOUND, or -1. */
int store_agency_get(struct store *s, int64_t id, struct store_agency *a,
    struct pn_error *err);

/* Calls fn for each agency by name; stops when fn returns non-zero. */
int store_agency_each(struct store *s,
    int (*fn)(void *ctx, const struct store_agency *a), void *ctx,
    struct pn_error *err);

/*
 * Give agency a->id the name, kind and commune of a, with an audit row
 * "agency.edit" whose detail names each field changed, before and after.
 * 0; STORE_NOT_FOUND; STORE_UNCHANGED when a changes nothing (no row);
 * -1 with err, PN_E_EXISTS for a name another agency has.
 */
int store_agency_edit(struct store *s, const struct store_agency *a,
    int64_t now, const char *actor, struct pn_error *err);

struct store_programme {
	int64_t id;
	char name[128];
	int64_t face_value;		/* cents, > 0 */
	unsigned per_booklet;		/* 1..STORE_BOOKLET_MAX */
	char validity[32];		/* validity.h text form */
	char territory[128];
	int64_t budget;			/* cents */
	int64_t committed;		/* cents already issued */
	unsigned max_booklets;		/* per person, without a reason */
	char instructions[1024];	/* printed on the booklet's cover */
	char venues[2048];		/* partner venues, one per line */
	unsigned commission_bp;		/* kept on settlement, 1/10000 of face value */
	char budget_line[SETTLE_BUDGET_MAX];	/* on the mandate list; "" */
	unsigned max_per_session;	/* vouchers of one booklet in one session */
};

int store_programme_add(struct store *s, const struct store_programme *p,
    int64_t now, const char *actor, int64_t *id, struct pn_error *err);

/* Returns 0 and fills *p, 1 when there is no such programme, -1 on error. */
int store_programme_get(struct store *s, int64_t id,
    struct store_programme *p, struct pn_error *err);

/* Calls fn for each programme in id order; stops when fn returns non-zero. */
int store_programme_each(struct store *s,
    int (*fn)(void *ctx, const struct store_programme *p), void *ctx,
    struct pn_error *err);

/*
 * A user of role venue belongs to a venue (venue_id > 0), and only such a
 * user: any other combination is refused (PN_E_ARG), as is a venue_id that
 * names no venue.
 */
int store_user_add(struct store *s, const char *login,
    const char *display_name, unsigned role, int64_t agency_id,
    int64_t venue_id, const char *password_hash, int64_t now,
    const char *actor, int64_t *id, struct pn_error *err);

/* Who a request acts for, once authenticated. */
struct store_principal {
	int64_t user_id;
	unsigned role;
	int64_t agency_id;		/* 0: none */
	int64_t venue_id;		/* a venue user's venue; 0: none */
	char login[64];
	char name[128];			/* display name, for pages */
};

/*
 * Record an API token by its hash (the token itself is never stored),
 * refused from Unix time expires_at on, with an audit row "token.create".
 */
int store_token_add(struct store *s, const char *login,
    const uint8_t hash[STORE_HASH_SIZE], const char *label, int64_t now,
    int64_t expires_at, const char *actor, int64_t *id,
    struct pn_error *err);

/*
 * 0 and *who for a token of an enabled user, neither revoked nor expired
 * at Unix time now; 1 when none, -1 on error.
 */
int store_token_lookup(struct store *s, const uint8_t hash[STORE_HASH_SIZE],
    int64_t now, struct store_principal *who, struct pn_error *err);

/*
 * Revoke token id, with an audit row "token.revoke", in one transaction.
 * 0, 1 when there is no such token, 2 when it already is revoked, -1.
 */
int store_token_revoke(struct store *s, int64_t id, int64_t now,
    const char *actor, struct pn_error *err);

/* An API token, as passnum-admin token list shows it (never its value). */
struct store_token {
	int64_t id;
	char login[64];
	char label[128];
	int64_t created_at;
	int64_t expires_at;		/* 0: never (none are made so now) */
	bool revoked;
	int64_t revoked_at;		/* 0: unknown or not revoked */
};

/* Calls fn for each token (of login, or all when NULL) in id order. */
int store_token_each(struct store *s, const char *login,
    int (*fn)(void *ctx, const struct store_token *t), void *ctx,
    struct pn_error *err);

/* A user account, as passnum-admin user list shows it. */
struct store_user {
	int64_t id;
	char login[64];
	char display_name[128];
	unsigned role;
	int64_t agency_id;		/* 0: none */
	char agency_name[128];		/* "" when none */
	int64_t venue_id;		/* 0: none */
	char venue_siret[16];		/* "" when none */
	char venue_name[256];		/* "" when none */
	bool disabled;
	bool must_change;		/* holds a one-time password */
	int64_t last_login_at;		/* 0: not known */
};

/* Calls fn for each user in login order; stops when fn returns non-zero. */
int store_user_each(struct store *s,
    int (*fn)(void *ctx, const struct store_user *u), void *ctx,
    struct pn_error *err);

/*
 * Disable login's account, or enable it again, with an audit row
 * ("user.disable", "user.enable") in the same transaction. Disabling also
 * deletes the user's browser sessions, so that a stolen session dies with
 * the account, and revokes its API tokens (enabling it again does not
 * bring them back). *sessions and *tokens, when not NULL, count the
 * sessions deleted and the tokens revoked.
 * Returns 0, 1 when there is no such user, 2 when the account already is
 * in that state (nothing written), -1 on error.
 */
int store_user_set_disabled(struct store *s, const char *login,
    bool disabled, int64_t now, const char *actor, unsigned *sessions,
    unsigned *tokens, struct pn_error *err);

/*
 * Replace login's password hash, delete the user's browser sessions and
 * revoke its API tokens, with an audit row ("user.passwd"), in one
 * transaction. *sessions and *tokens as above. Returns 0, 1 when there is
 * no such user, -1 on error.
 */
int store_user_set_password(struct store *s, const char *login,
    const char *password_hash, int64_t now, const char *actor,
    unsigned *sessions, unsigned *tokens, struct pn_error *err);

/* 0 and *out for user id, 1 when none, -1 on error. */
int store_user_get(struct store *s, int64_t id, struct store_user *out,
    struct pn_error *err);

/*
 * Mark user id's password as one-time (must_change) or as chosen by its
 * holder, inside the caller's transaction (an operation's). 0, 1 when
 * there is no such user, -1 on error.
 */
int store_user_set_must_change(struct store *s, int64_t id, bool must_change,
    struct pn_error *err);

/* The enabled accounts of role admin, into *n. 0, or -1. */
int store_admins_enabled(struct store *s, unsigned *n, struct pn_error *err);

/* A browser session, as its owner and the admins see it (never its hash). */
struct store_session_row {
	int64_t id;
	int64_t created_at, last_seen;
	char address[64];
};

/* Calls fn for each session of user_id, newest first. 0, or -1. */
int store_user_sessions(struct store *s, int64_t user_id,
    int (*fn)(void *ctx, const struct store_session_row *r), void *ctx,
    struct pn_error *err);

/*
 * End the browser sessions of user_id (only session_id when it is not
 * 0), with the audit row action (object "user:ID", detail the count) in
 * one transaction; nothing written when there was none. *ended counts
 * them. 0, or -1.
 */
int store_user_sessions_end(struct store *s, int64_t user_id,
    int64_t session_id, int64_t now, const char *actor, const char *action,
    unsigned *ended, struct pn_error *err);

/*
 * Revoke every live API token of user_id, with the audit row
 * "user.tokens_revoke" in one transaction (none written when there was
 * none). *revoked counts them. 0, or -1.
 */
int store_user_tokens_revoke(struct store *s, int64_t user_id, int64_t now,
    const char *actor, unsigned *revoked, struct pn_error *err);

/* --- Partner venues (store_sqlite_venues.c) ----------------------------- */

struct store_venue {
	int64_t id;
	char name[256];
	char siret[16];			/* 14 digits */
	char address[256];
	char commune[128];
	char iban[40];			/* canonical: capitals, no space */
	char bic[16];
	char contact[256];		/* who to call, phone or e-mail */
	int64_t accredited_from;
	int64_t accredited_until;	/* 0: no end date */
	char status[16];		/* "active", "suspended" */
	char status_reason[512];	/* why suspended; "" otherwise */
};

/*
 * Record a venue (identifiers already checked and canonical), with an
 * audit row "venue.add". 0 and *id, or -1 with err (PN_E_EXISTS when its
 * SIRET is already recorded).
 */
int store_venue_add(struct store *s, const struct store_venue *v, int64_t now,
    const char *actor, int64_t *id, struct pn_error *err);

/* Calls fn for each venue in id order; stops when fn returns non-zero. */
int store_venue_each(struct store *s,
    int (*fn)(void *ctx, const struct store_venue *v), void *ctx,
    struct pn_error *err);

/*
 * Suspend the venue of that SIRET with a reason, or make it active again
 * (reason NULL), with an audit row ("venue.suspend", "venue.resume") in
 * the same transaction. Returns 0, 1 when there is no such venue, 2 when
 * it already is in that state (nothing written), -1 on error.
 */
int store_venue_set_status(struct store *s, const char *siret,
    bool suspended, const char *reason, int64_t now, const char *actor,
    struct pn_error *err);

/* 0 and *out for the venue of that id, 1 when none, -1 on error. */
int store_venue_get(struct store *s, int64_t id, struct store_venue *out,
    struct pn_error *err);

/* 0 and *out for the venue of that SIRET (canonical), 1 when none, -1. */
int store_venue_by_siret(struct store *s, const char *siret,
    struct store_venue *out, struct pn_error *err);

/*
 * Change v->id's name, address, commune, contact and accreditation dates
 * to v's (checked by the caller), with an audit row "venue.edit". 0,
 * STORE_NOT_FOUND, or -1 with err. Its SIRET, IBAN and BIC stay: the bank
 * details change only through the four-eyes functions below.
 */
int store_venue_edit(struct store *s, const struct store_venue *v,
    int64_t now, const char *actor, struct pn_error *err);

/* A change of a venue's IBAN and BIC, asked by one admin. */
struct store_bank_change {
	int64_t id;
	int64_t venue_id;
	char old_iban[40], old_bic[16];	/* the account paid until approval */
	char iban[40], bic[16];		/* the account asked for */
	int64_t requested_by;		/* user id */
	char requested_login[64];
	int64_t requested_at;
};

/* The outcomes of the functions below, beyond the convention's. */
enum store_bank_result {
	STORE_BANK_PENDING = 3,		/* a change already waits */
	STORE_BANK_OWN			/* the approver asked for it */
};

/* 0 and *out for venue_id's pending change, STORE_NOT_FOUND, or -1. */
int store_venue_bank_pending(struct store *s, int64_t venue_id,
    struct store_bank_change *out, struct pn_error *err);

/*
 * Ask for venue_id's account to become iban and bic (canonical, checked)
 * on behalf of user_id, with an audit row "venue.bank.request" naming both
 * accounts. venue.iban is not touched: settlement goes on paying the old
 * one. 0; STORE_NOT_FOUND (no venue), STORE_UNCHANGED (the same account),
 * STORE_BANK_PENDING (a change already waits); -1 with err.
 */
int store_venue_bank_request(struct store *s, int64_t venue_id,
    const char *iban, const char *bic, int64_t user_id, int64_t now,
    const char *actor, struct pn_error *err);

/*
 * Approve venue_id's pending change change_id as user_id, and make its
 * account the venue's, with an audit row "venue.bank.approve", in one
 * transaction. 0; STORE_NOT_FOUND (no venue, or no such pending change),
 * STORE_BANK_OWN (user_id asked for it: nothing written); -1 with err.
 */
int store_venue_bank_approve(struct store *s, int64_t venue_id,
    int64_t change_id, int64_t user_id, int64_t now, const char *actor,
    struct pn_error *err);

/*
 * The IBAN venue_id was last paid on, in a paid batch before batch
 * before_batch (its line neither carried over nor held), into iban: 0,
 * STORE_NOT_FOUND (never paid before), or -1 with err.
 */
int store_venue_last_paid_iban(struct store *s, int64_t venue_id,
    int64_t before_batch, char iban[40], struct pn_error *err);

/* --- What a venue sees of its sessions (store_sqlite_venue_pages.c) ----- */

struct store_batch;

/*
 * Every function here takes the venue it answers for and finds nothing of
 * another venue: a session of venue 2 asked for as venue 1 is "none". A
 * month is the interval [from, to) of Unix times in which a session
 * starts (pn_paris_month_bounds()); money is in cents.
 */

/* The totals of one month of a venue. */
struct store_venue_month {
	unsigned sessions;		/* training sessions starting in it */
	unsigned accepted;		/* vouchers accepted in those sessions */
	int64_t amount;			/* their value: what the venue is owed */
	unsigned conflicts;		/* records of those sessions that lost */
};

int store_venue_month(struct store *s, int64_t venue_id, int64_t from,
    int64_t to, struct store_venue_month *out, struct pn_error *err);

/* A training session, with the totals of its redemptions. */
struct store_venue_session {
	int64_t id;
	char theme[520];		/* up to 128 characters of UTF-8 */
	int64_t starts_at;
	unsigned duration_minutes;
	int64_t declared_at;
	int64_t terminal_id;
	char terminal_label[260];	/* up to 64 characters */
	unsigned accepted;		/* vouchers accepted */
	int64_t amount;			/* their value */
	unsigned conflicts;		/* records that lost */
	uint8_t uid[16];		/* the id its records name */
};

/*
 * The sessions of venue_id starting in [from, to), in order of start,
 * through fn (non-zero to stop). 0 or -1.
 */
int store_venue_sessions(struct store *s, int64_t venue_id, int64_t from,
    int64_t to, int (*fn)(void *ctx, const struct store_venue_session *t),
    void *ctx, struct pn_error *err);

/* 0 and *out for session id of venue_id, 1 when none, -1 on error. */
int store_venue_session_get(struct store *s, int64_t venue_id, int64_t id,
    struct store_venue_session *out, struct pn_error *err);

/* A redemption record as the venue's pages show it. */
struct store_venue_redemption {
	int64_t id;
	uint64_t serial;
	int64_t value;			/* cents */
	bool accepted;			/* else a conflict: another record won */
	int64_t terminal_time;		/* the terminal's clock */
	int64_t received_at;		/* the server's */
	char terminal_label[260];	/* up to 64 characters */
};

/*
 * The redemptions of session id of venue_id, in the order the terminal
 * took them, through fn (non-zero to stop); none when the session is
 * another venue's. 0 or -1.
 */
int store_venue_session_redemptions(struct store *s, int64_t venue_id,
    int64_t id, int (*fn)(void *ctx, const struct store_venue_redemption *r),
    void *ctx, struct pn_error *err);

/*
 * Where an accepted redemption stands on its way to being paid, as the
 * venue's pages say it. The rules are the settlement's: a redemption in
 * a live settlement item is in that batch (paid once the batch is);
 * otherwise a dispute upheld refuses it for good, an open one holds it,
 * and holds the rest of its session too (store_sqlite_settle.c's pool);
 * otherwise it is payable once its contest window has passed.
 */
enum store_money_state {
	STORE_MONEY_WINDOW = 1,		/* in its contest window */
	STORE_MONEY_PAYABLE,		/* validated: payable, or in a batch not paid */
	STORE_MONEY_PAID,
	STORE_MONEY_DISPUTED,		/* an open dispute on it */
	STORE_MONEY_HELD,		/* another record of its session is disputed */
	STORE_MONEY_REFUSED		/* a dispute of it was upheld */
};

struct store_venue_money {
	int64_t redemption_id;
	int64_t session_id;
	uint64_t serial;
	int64_t value;			/* cents */
	enum store_money_state state;
	int64_t window_end;		/* when its contest window ends */
	char batch_reference[SETTLE_REF_MAX];	/* "" when in no batch */
	char batch_status[16];		/* draft, approved, paid */
	bool statement;			/* the venue's statement of that batch is out */
	char paid_on[SETTLE_DATE_MAX];	/* "2026-12-10" when paid */
	char paid_reference[36];	/* the bank's reference */
	int64_t dispute_id;		/* the open or upheld dispute, 0: none */
	int64_t dispute_opened_at;
	int64_t dispute_resolved_at;	/* upheld: when */
	char dispute_reason[501];
	char dispute_note[501];		/* upheld: the decision's note */
};

/*
 * The accepted redemptions of venue_id, in the order of their sessions'
 * start and then of the terminal, with where each stands at now given a
 * contest window of contest_seconds: those of session_id when it is not
 * 0, else those of the sessions starting in [from, to). Through fn
 * (non-zero to stop). 0 or -1.
 */
int store_venue_money(struct store *s, int64_t venue_id, int64_t from,
    int64_t to, int64_t session_id, int64_t contest_seconds, int64_t now,
    int (*fn)(void *ctx, const struct store_venue_money *m), void *ctx,
    struct pn_error *err);

/*
 * The settlement line of venue_id in the batch reference, approved or
 * paid, and that batch: 0 with *line_id and *b, 1 when there is none
 * (another venue's, a draft's), -1.
 */
int store_venue_statement_line(struct store *s, int64_t venue_id,
    const char *reference, int64_t *line_id, struct store_batch *b,
    struct pn_error *err);

/* A record of the venue that lost, and the one that won (the proof). */
struct store_venue_conflict {
	struct store_venue_redemption lost;
	int64_t session_id;
	char session_theme[520];
	int64_t session_starts_at;
	int64_t winner_venue_id;
	char winner_venue_name[256];
	int64_t winner_terminal_time;
	int64_t winner_received_at;
};

/*
 * The records of venue_id that lost (outcome conflict), newest first, at
 * most limit, through fn (non-zero to stop). 0 or -1.
 */
int store_venue_conflicts(struct store *s, int64_t venue_id, unsigned limit,
    int (*fn)(void *ctx, const struct store_venue_conflict *c), void *ctx,
    struct pn_error *err);

/* --- Logins and browser sessions (store_sqlite_sessions.c) ------------- */

struct store_credentials {
	struct store_principal who;
	char password_hash[128];	/* crypto_pwhash_str() text */
	bool disabled;
};

/* 0 and *out for the user of that login, 1 when none, -1 on error. */
int store_user_credentials(struct store *s, const char *login,
    struct store_credentials *out, struct pn_error *err);

/*
 * Failed logins are counted per (login, address) and per address. login is
 * NULL for a login that names no user: what was typed is never stored.
 */
struct store_login_counts {
	unsigned pair;			/* failures of (login, address) */
	int64_t pair_latest;		/* the latest of them, 0 when none */
	unsigned address;		/* failures from address, any login */
	int64_t address_oldest;		/* the oldest of them, 0 when none */
};

/* The failed logins since Unix time since, into *out. 0, or -1. */
int store_login_failures(struct store *s, const char *login,
    const char *address, int64_t since, struct store_login_counts *out,
    struct pn_error *err);

/*
 * One attempt to log in, in one write transaction: forgets the failures
 * at or before since, counts the others into *out, asks refuse(ctx, out)
 * and, unless it returns true, records a failure for the attempt about to
 * be made; store_login_failures_clear() removes it when the password turns
 * out right. Parallel attempts thus never get past a limit: each one is
 * counted before the next is checked. Returns 0 when recorded, 1 when
 * refused (nothing written), -1 on error.
 */
int store_login_attempt(struct store *s, const char *login,
    const char *address, int64_t now, int64_t since,
    bool (*refuse)(void *ctx, const struct store_login_counts *c),
    void *ctx, struct store_login_counts *out, struct pn_error *err);

/*
 * The audit row "login.fail" of an attempt that store_login_attempt()
 * recorded and whose password was wrong: its object is the login, or
 * "unknown" when login is NULL. 0, or -1.
 */
int store_login_failed(struct store *s, const char *login,
    const char *address, int64_t now, struct pn_error *err);

/*
 * Forget the failed logins of login from address, which has just given
 * its password there (and so the attempt store_login_attempt() recorded).
 * Failures from other addresses stay. 0, or -1.
 */
int store_login_failures_clear(struct store *s, const char *login,
    const char *address, struct pn_error *err);

struct store_session {
	int64_t id;
	struct store_principal who;
	char csrf[64];			/* the session's form token */
	int64_t created_at, last_seen;
	bool must_change;		/* its user holds a one-time password */
};

/*
 * Open a session for who, stored under hash (of its cookie) with its form
 * token csrf: clears the failures of (login, address) and writes the audit row
 * "login", in one transaction. Sessions idle since before forget_before
 * are deleted on the way.
 */
int store_session_create(struct store *s, const uint8_t hash[STORE_HASH_SIZE],
    const char *csrf, const struct store_principal *who, const char *address,
    int64_t now, int64_t forget_before, struct pn_error *err);

/* 0 and *out for the session of an enabled user, 1 when none, -1 error. */
int store_session_lookup(struct store *s, const uint8_t hash[STORE_HASH_SIZE],
    struct store_session *out, struct pn_error *err);

/* The session was used at now. */
int store_session_touch(struct store *s, int64_t id, int64_t now,
    struct pn_error *err);

/*
 * End a session. With action (e.g. "logout") an audit row records it;
 * NULL ends it silently (an expired session found on a request).
 */
int store_session_end(const struct store_session *sess, struct store *s,
    const char *action, int64_t now, struct pn_error *err);

/* Record a signing key in use, from its certificate. */
int store_signing_key_add(struct store *s, const struct pn_cert *cert,
    int64_t now, const char *actor, struct pn_error *err);

/*
 * Make sure the signing key of cert is recorded (vouchers refer to its
 * kid): add it when its kid is missing (*added true), accept it when the
 * same public key is recorded under that kid. Another public key under the
 * kid is refused (PN_E_EXISTS): two keys with one kid would make vouchers
 * ambiguous.
 */
int store_signing_key_register(struct store *s, const struct pn_cert *cert,
    int64_t now, const char *actor, bool *added, struct pn_error *err);

/*
 * Calls fn with the certificate of each recorded signing key, in kid
 * order; stops when fn returns non-zero. A stored certificate that does not
 * decode is an error (its signature is not checked here).
 */
int store_signing_key_each(struct store *s,
    int (*fn)(void *ctx, const struct pn_cert *c), void *ctx,
    struct pn_error *err);

/* --- Booklets ---------------------------------------------------------- */

struct store_booklet_request {
	int64_t programme_id;
	uint8_t ref_hash[STORE_HASH_SIZE];	/* keyed hash of the normal form */
	const char *pathway;		/* "rsa", "revenu-jeunes", "other" */
	const char *age_band;		/* "16-25", "26-44", "45-64", "65+" */
	const char *commune;
	const char *reason;		/* why another booklet; NULL: none */
	const struct store_principal *by;
	/*
	 * The client's Idempotency-Key (NULL: none) and the hash of what
	 * was asked for: a key seen before from the same user answers its
	 * booklet again (STORE_REPLAYED) or, with another hash,
	 * STORE_KEY_REUSED, without writing anything.
	 */
	const char *idem_key;
	uint8_t request_hash[STORE_HASH_SIZE];
};


/*
 * A beneficiary recorded under typed (the keyed hash of a reference as
 * typed, as before schema 11) is moved to normal (the hash of its normal
 * form), unless one is already there; in its own transaction, so that
 * the move stays even when the booklet is then refused. 0, or -1.
 */
int store_beneficiary_rekey(struct store *s,
    const uint8_t normal[STORE_HASH_SIZE], const uint8_t typed[STORE_HASH_SIZE],
    struct pn_error *err);

struct store_voucher {
	uint64_t serial;
	uint16_t kid;
	int64_t value;
	int64_t issued_at;
	int64_t expires_at;
	uint8_t signature[64];
	char status[16];
};

struct store_booklet {
	int64_t id;
	int64_t programme_id;
	char programme_name[128];
	int64_t issued_at;
	int64_t issued_by;		/* user id */
	int64_t agency_id;		/* the issuer's agency; 0: none */
	char status[16];
	unsigned n;
	struct store_voucher vouchers[STORE_BOOKLET_MAX];
};

enum store_issue {
	STORE_ISSUED = 0,
	STORE_NO_PROGRAMME,		/* no such programme */
	STORE_OVER_BUDGET,		/* would exceed the programme's budget */
	STORE_HAS_BOOKLET,		/* limit per person reached, no reason */
	STORE_KEY_OUT_OF_WINDOW,	/* now is outside the key's window */
	STORE_REPLAYED,			/* idem_key's booklet, read back */
	STORE_KEY_REUSED		/* idem_key was used for another request */
};

/*
 * What signs a booklet's vouchers, given by the caller: the store holds
 * no key. sign(ctx, v) sets v->kid and v->signature (0, or -1). A voucher
 * is signed inside its booklet's transaction, once the serials are taken,
 * so that the serials of the booklets issued stay one unbroken sequence;
 * the window is that of the key's certificate.
 */
struct store_signer {
	int (*sign)(void *ctx, struct pn_voucher *v);
	void *ctx;
	int64_t valid_from;		/* signs from */
	int64_t sign_until;		/* ... until */
	int64_t verify_until;		/* no voucher may expire later */
};

/*
 * Issue a booklet in one transaction: check the programme's budget and the
 * per-person limit, take the next serials, have each voucher signed by
 * signer (STORE_KEY_OUT_OF_WINDOW when now, or the vouchers' expiry, is
 * outside its window), insert booklet and vouchers, add to the
 * programme's committed amount, append an audit row. Returns an enum
 * store_issue (out filled for STORE_ISSUED and STORE_REPLAYED), or -1
 * with err when the database fails (nothing written).
 */
int store_booklet_issue(struct store *s, const struct store_booklet_request *r,
    const struct store_signer *signer, int64_t now, struct store_booklet *out,
    struct pn_error *err);

/*
 * A write queued without waiting for its commit: done(ctx) is called
 * once, on the committer's thread, when its outcome is known (never
 * before the commit that holds it); then store_write_end() gives that
 * outcome. The caller's thread is free meanwhile: an HTTP request is
 * suspended rather than holding its thread.
 */
struct store_write;
typedef void (*store_write_done)(void *ctx);

/*
 * store_booklet_issue(), queued (store_write_end() below): r and what it
 * points to, signer and out must live until store_write_end(). NULL
 * with err when it cannot be queued (done is then never called).
 */
struct store_write *store_booklet_issue_submit(struct store *s,
    const struct store_booklet_request *r, const struct store_signer *signer,
    int64_t now, struct store_booklet *out, store_write_done done, void *ctx,
    struct pn_error *err);

/* A booklet or a programme whose counts do not add up. */
struct store_booklet_problem {
	const char *what;		/* "booklet", "programme" */
	int64_t id;
	const char *expected;		/* "vouchers expected", "cents committed" */
	int64_t expected_n;
	const char *found;		/* "found", "vouchers worth" */
	int64_t found_n;
};

/*
 * Check that every booklet holds as many vouchers as its programme's
 * per_booklet, and that each programme's committed amount equals the face
 * value of its vouchers. fn(ctx, p) is called for each problem; *problems
 * counts them. Returns 0, or -1 when the database fails.
 */
int store_check_booklets(struct store *s,
    void (*fn)(void *ctx, const struct store_booklet_problem *p), void *ctx,
    int64_t *problems, struct pn_error *err);

/*
 * Cancel one outstanding voucher (status "issued"), or every outstanding
 * voucher of a booklet, with a reason; each goes on the deny list and an
 * audit row is written, in one transaction. When agency is not 0, only
 * vouchers of booklets issued by that agency are found (a caseworker's
 * scope). Returns 0, 1 when not found, 2 when nothing is left to cancel,
 * -1 on error. *cancelled counts the vouchers cancelled.
 */
int store_voucher_cancel(struct store *s, uint64_t serial, int64_t agency,
    const char *reason, const struct store_principal *by, int64_t now,
    struct pn_error *err);
int store_booklet_cancel(struct store *s, int64_t id, int64_t agency,
    const char *reason, const struct store_principal *by, int64_t now,
    unsigned *cancelled, struct pn_error *err);

struct store_voucher_info {
	struct store_voucher v;
	int64_t booklet_id;
	int64_t programme_id;
	int64_t agency_id;		/* of the booklet's issuer; 0: none */
	int64_t cancelled_at;		/* 0: not cancelled */
	char cancel_reason[512];
};

/*
 * One voucher and where it stands. When agency is not 0, a voucher of
 * another agency's booklet is "not found". 0, 1 when not found, -1 error.
 */
int store_voucher_get(struct store *s, uint64_t serial, int64_t agency,
    struct store_voucher_info *out, struct pn_error *err);

/*
 * The deny-list entries added after sequence number since, in serial
 * order, through fn (serial, voucher expiry, reason 1 cancelled / 2
 * redeemed); *to_seq is the latest sequence number (since when none).
 * Returns 0 or -1.
 */
int store_denylist_since(struct store *s, uint64_t since,
    int (*fn)(void *ctx, uint64_t serial, int64_t expires, unsigned reason),
    void *ctx, uint64_t *to_seq, struct pn_error *err);

/* A booklet as a list (store_booklet_list()) shows it. */
struct store_booklet_summary {
	int64_t id;
	char programme_name[128];
	char commune[128];		/* the beneficiary's, for reporting */
	int64_t issued_at;
	char status[16];		/* "issued", "cancelled" */
	unsigned vouchers;
	unsigned outstanding;		/* vouchers still "issued" */
	int64_t value;			/* cents, all vouchers */
	/*
	 * Where the booklet stands for a caseworker (store_booklet_list()
	 * only): "cancelled" (the booklet was), "issued" (a voucher is still
	 * valid), "used" (every voucher was used: "Épuisé"), "expired" (none
	 * left, some expired), or "ended" (none left, some cancelled one by
	 * one, none expired).
	 */
	char state[16];
	unsigned expiring;		/* outstanding, expiring by the filter's date */
	int64_t first_expiry;		/* of the outstanding vouchers; 0: none */
};

/* 0 and *out, 1 when there is no such booklet, -1 on error. */
int store_booklet_get(struct store *s, int64_t id, struct store_booklet *out,
    struct pn_error *err);

/*
 * Which booklets store_booklet_list() gives: every criterion is optional
 * (0 or NULL: any), and they add up.
 */
struct store_booklet_filter {
	int64_t agency;			/* scope_agency(): 0 every agency */
	int64_t issued_by;		/* a user's own booklets */
	int64_t programme;
	int64_t from, to;		/* issued in [from, to); 0: no bound */
	const char *commune;		/* the beneficiary's, case aside */
	/* The person's: the keyed hash of the reference's normal form, and
	   of the reference as typed (beneficiaries from before schema 11). */
	const uint8_t *ref_hash, *ref_hash_typed;
	const char *state;		/* store_booklet_summary.state */
	/* Only booklets with an outstanding voucher expiring in (now, until]. */
	int64_t expiring_until, now;
};

/*
 * The booklets f lets through, newest first (by id: issue order, one
 * booklet one place, so that pages never repeat or skip one), from the
 * offset-th, at most limit, through fn (non-zero stops); *total counts
 * every booklet f lets through (0 when offset passes the last). 0 or -1.
 */
int store_booklet_list(struct store *s, const struct store_booklet_filter *f,
    unsigned offset, unsigned limit,
    int (*fn)(void *ctx, const struct store_booklet_summary *b), void *ctx,
    int64_t *total, struct pn_error *err);

/* Booklet id's state, as store_booklet_summary.state. 0, 1, or -1. */
int store_booklet_state(struct store *s, int64_t id, char state[16],
    struct pn_error *err);

/* Where and when a voucher was used: its accepted redemption. */
struct store_voucher_use {
	int64_t starts_at;		/* the session's start */
	int64_t received_at;		/* when the server recorded it */
	char venue[144];
	char theme[132];
};

/*
 * The accepted redemption of serial: 0 and *out, 1 when it has none (not
 * used, or restored without its session), -1 on error.
 */
int store_voucher_use(struct store *s, uint64_t serial,
    struct store_voucher_use *out, struct pn_error *err);

/*
 * How many booklets of programme still "issued" the beneficiary hashed
 * ref_hash (or, before schema 11, typed) holds: the per-person limit's
 * count, read outside the issue's transaction so that a form can say
 * so before its confirmation. 0 and *n, or -1.
 */
int store_beneficiary_booklets(struct store *s,
    const uint8_t ref_hash[STORE_HASH_SIZE],
    const uint8_t typed[STORE_HASH_SIZE], int64_t programme, int64_t *n,
    struct pn_error *err);

/* --- Terminals and enrolment (store_sqlite_terminals.c) ----------------- */

#define STORE_ENROL_CODE_TTL (24 * 3600)	/* an enrolment code lives a day */

/*
 * Record a one-time enrolment code, by its hash, for the venue of that
 * SIRET, valid until expires_at, with an audit row "terminal.code". 0 (and
 * the venue's name in venue_name, 256 bytes), 1 when there is no such
 * venue, -1 on error.
 */
int store_enrol_code_add(struct store *s, const char *siret,
    const uint8_t hash[STORE_HASH_SIZE], int64_t now, int64_t expires_at,
    const char *actor, char venue_name[256], struct pn_error *err);

struct store_terminal {
	int64_t id;
	int64_t venue_id;
	char venue_name[256];
	char venue_siret[16];
	char venue_status[16];		/* "active", "suspended" */
	int64_t accredited_from;
	int64_t accredited_until;	/* 0: no end date */
	uint8_t public_key[32];
	char label[65];
	int64_t enrolled_at;
	int64_t revoked_at;		/* 0: not revoked */
	char revoke_reason[512];
	int64_t suspended_at;		/* 0: not suspended pending review */
	char suspend_reason[512];
	/*
	 * The server's own view of when the terminal talks to it, as read
	 * before the request at hand: its latest signed exchange, when the
	 * run of exchanges it belongs to began, and the latest exchange
	 * before that run (0: none). honest_time.h reads them.
	 */
	int64_t seen_at;
	int64_t contact_since;
	int64_t seen_before;
	int64_t web_user_id;		/* a venue user's browser's; 0: a device */
};

/*
 * Enrol a terminal with a code: in one transaction the code must be
 * known, unused and not expired; it is marked used, the terminal is
 * recorded with its public key and label, and an audit row
 * "terminal.enrol" written. 0 with *out, 1 when the code is not usable
 * (nothing written), -1 with err (PN_E_EXISTS: that public key is
 * already enrolled).
 */
int store_terminal_enrol(struct store *s, const uint8_t code_hash[STORE_HASH_SIZE],
    const uint8_t public_key[32], const char *label, int64_t now,
    struct store_terminal *out, struct pn_error *err);

/*
 * The terminal of venue user user's browser (web_terminal.h): found, or
 * recorded for the user's venue with public_key and label, with an audit
 * row "terminal.web", in one transaction. 0 with *out (its public key may
 * differ from public_key if it was recorded under another secret: the
 * caller compares), -1 with err.
 */
int store_web_terminal(struct store *s, const struct store_principal *user,
    const uint8_t public_key[32], const char *label, int64_t now,
    struct store_terminal *out, struct pn_error *err);

/* 0 and *out, 1 when there is no such terminal, -1 on error. */
int store_terminal_get(struct store *s, int64_t id, struct store_terminal *out,
    struct pn_error *err);

/* Calls fn for each terminal in id order; stops when fn returns non-zero. */
int store_terminal_each(struct store *s,
    int (*fn)(void *ctx, const struct store_terminal *t), void *ctx,
    struct pn_error *err);

/*
 * Calls fn for each terminal of venue venue_id, revoked ones included, in
 * id order; stops when fn returns non-zero. 0, or -1 on error.
 */
int store_venue_terminals(struct store *s, int64_t venue_id,
    int (*fn)(void *ctx, const struct store_terminal *t), void *ctx,
    struct pn_error *err);

/*
 * Lift the suspension of terminal id (pending review after wrong control
 * keys), with an audit row "terminal.resume" naming why it was suspended
 * and note. Its failures stay counted: one more wrong key within the
 * window suspends it again. 0, 1 no such terminal, 2 not suspended, -1.
 */
int store_terminal_resume(struct store *s, int64_t id, const char *note,
    int64_t now, const char *actor, struct pn_error *err);

/*
 * Revoke a terminal with a reason and an audit row "terminal.revoke".
 * 0, 1 when there is no such terminal, 2 when already revoked, -1 error.
 */
int store_terminal_revoke(struct store *s, int64_t id, const char *reason,
    int64_t now, const char *actor, struct pn_error *err);

/* A signed request's nonce, with the time the request carries (signed too). */
struct store_nonce {
	int64_t at;
	uint8_t bytes[16];
};

/*
 * Record the nonce of a terminal's request that changes nothing else
 * (a GET), sharing a group commit. 0, 1 when it was used already (a
 * replay), -1 with err.
 */
int store_nonce_use(struct store *s, int64_t terminal,
    const struct store_nonce *nonce, int64_t now, struct pn_error *err);

/* --- Training sessions (store_sqlite_training.c) ------------------------ */

struct store_training {
	int64_t id;
	uint8_t uid[16];		/* chosen by the terminal */
	int64_t venue_id;
	int64_t terminal_id;
	char theme[128];
	int64_t starts_at;
	unsigned duration_minutes;
	int64_t declared_at;
};

/* The outcomes of store_training_declare(). */
enum store_declare {
	STORE_DECLARED = 0,		/* new: *out as stored */
	STORE_DECLARED_BEFORE = 1,	/* its uid, the same content: *out */
	STORE_DECLARED_OTHERWISE = 2,	/* its uid, other content: *out */
	STORE_BACKDATED = 3		/* starts before earliest */
};

/*
 * Declare a session of the terminal t (its venue), in one transaction
 * with the request's nonce (PN_E_EXISTS in err when the nonce was used:
 * a replay) and an audit row "session.declare". Returns an enum
 * store_declare: a session declared before keeps the request's nonce and
 * changes nothing else; a backdated one writes nothing, not even the
 * nonce. -1 with err.
 */
int store_training_declare(struct store *s, const struct store_terminal *t,
    const struct store_training *in, const struct store_nonce *nonce,
    int64_t now, int64_t earliest,
    struct store_training *out, struct pn_error *err);

/* The venue's latest sessions, newest first, at most limit, through fn. */
int store_training_recent(struct store *s, int64_t venue_id, unsigned limit,
    int (*fn)(void *ctx, const struct store_training *t), void *ctx,
    struct pn_error *err);

/* --- Expiry (store_sqlite_expire.c) ------------------------------------ */

/*
 * Mark "expired" every voucher still "issued" whose expiry is before
 * before, in one transaction with one audit row "voucher.expire" giving
 * how many and their face value. Safe to run again: a voucher expires
 * once, and a run that finds none writes nothing. *count and *cents tell
 * what this run expired.
 */
int store_expire(struct store *s, int64_t before, int64_t now,
    const char *actor, uint64_t *count, int64_t *cents, struct pn_error *err);

/* --- Redemption (store_sqlite_redeem.c) --------------------------------- */

/* What the server decided on a record, to sign and answer. */
struct store_decision {
	int outcome;			/* STORE_REDEEM_ACCEPTED or _CONFLICT */
	uint8_t redemption_id[16];	/* of this record */
	uint64_t serial;
	int64_t value;			/* cents */
	int64_t decided_at;
	int64_t venue_id;		/* of this record */
	uint8_t winner_id[16];		/* the accepted record */
	int64_t winner_venue_id;
	char winner_venue_name[256];
	int64_t winner_at;		/* when the winner was accepted */
};

enum store_redeem_result {
	STORE_REDEEM_ACCEPTED = 0,	/* the voucher is this record's */
	STORE_REDEEM_CONFLICT,		/* another record had it: stored */
	STORE_REDEEM_ID_REUSED,		/* its id names another voucher */
	STORE_REDEEM_NO_SESSION,	/* not a session of this venue */
	STORE_REDEEM_UNKNOWN,		/* no such voucher */
	STORE_REDEEM_MISMATCH,		/* not the voucher issued under its serial */
	STORE_REDEEM_CANCELLED,		/* the voucher was cancelled */
	STORE_REDEEM_EXPIRED,		/* the voucher is marked expired */
	STORE_REDEEM_BAD_KEY,		/* typed: no such serial, or not its key */
	STORE_REDEEM_SUSPENDED,		/* the terminal was suspended meanwhile */
	STORE_REDEEM_BOOKLET_LIMIT,	/* its booklet's share of the session is taken */
	STORE_REDEEM_OUTSIDE_HOURS,	/* online, outside its session's hours */
	STORE_REDEEM_REFUSED,		/* typed: refused by the rules' check (reason) */
	STORE_REDEEM_BACKDATED		/* offline, dated before the previous exchange */
};

/* Bits of redemption.flags: what an approver should look at. */
#define STORE_FLAG_OUTSIDE_HOURS	1	/* offline, outside its session's hours */
#define STORE_FLAG_LATE_SYNC		2	/* arrived long after it was taken */
#define STORE_FLAG_TYPED		4	/* typed: serial and control key */

/*
 * Renders the answer of a decision (the signed JSON text the terminal
 * gets) into a malloc'd string, inside the transaction, so that the
 * answer stored is the one sent. Returns it, or NULL with err.
 */
typedef char *(*store_answer_fn)(void *ctx, const struct store_decision *d,
    struct pn_error *err);

/* What records are judged by in the store, besides the data. */
struct store_redeem_rules {
	int64_t now;
	bool offline;			/* a batch: records made earlier */
	/*
	 * Wrong control keys counted over key_window seconds: at
	 * key_limit_terminal for the terminal, or key_limit_venue for all
	 * its venue's, the terminal is suspended pending review.
	 */
	int64_t key_window;
	unsigned key_limit_terminal, key_limit_venue;
	/* The answer of a decision, rendered in the transaction. */
	store_answer_fn answer;
	void *answer_ctx;
	/*
	 * The checks a typed voucher, once read from the store, must pass at
	 * time at, as a scanned one passes them before: a pn_reason (0, OK).
	 */
	int (*check)(void *ctx, const struct pn_voucher *v, int64_t at);
	void *check_ctx;
};

struct store_redeem_record {
	const uint8_t *redemption_id;	/* 16 bytes */
	const uint8_t *session_uid;	/* 16 bytes */
	const uint8_t *record_signature;	/* 64 bytes */
	/*
	 * Decoded, fields checked; for a typed record only its serial, and
	 * the store fills the rest from the voucher issued under that serial
	 * once the control key matches.
	 */
	struct pn_voucher *voucher;
	bool typed;			/* serial and control key, typed by hand */
	char key[PN_CONTROL_KEY_SIZE];	/* typed: the key, canonical */
	int64_t terminal_time;
	int64_t at;			/* the time the record is judged at */
	uint64_t counter;
	int flags;			/* STORE_FLAG_*, the store may add some */
	int reason;			/* out, for STORE_REDEEM_REFUSED: the check's */
	/*
	 * Dated before the terminal's previous exchange: refused, unless it
	 * is a record stored already (its answer is sent again).
	 */
	bool backdated;
	bool refused;			/* refused before the store: skipped */
	/*
	 * In: the answer to send if the record is accepted, rendered
	 * beforehand (NULL: render it in the transaction). Out: for ACCEPTED
	 * and CONFLICT, the answer to send; NULL otherwise. The caller frees
	 * it.
	 */
	char *answer;
	int result;			/* enum store_redeem_result */
	bool replay;			/* the stored answer of the same record */
};

/*
 * Judge n records of terminal t, sent in one request whose nonce is
 * recorded first (NULL: a later part of a request whose nonce is recorded
 * already), in one group commit. A record whose id is stored
 * already gets its stored answer and outcome (replay true). Else the
 * voucher must be the one issued under its serial, byte for byte,
 * signature included (STORE_REDEEM_MISMATCH otherwise): the store holds
 * the signed original, so this comparison is its signature check. It
 * moves from "issued" to "redeemed" by a conditional UPDATE and the
 * accepted redemption is written (the unique index allows one per
 * serial), its serial added to the deny list, with an audit row
 * "redeem"; a voucher already redeemed gets this record stored as a
 * conflict naming the winner, with an audit row "redeem.conflict". answer
 * renders what is stored and sent.
 * A typed record's key is compared in constant time with the key of the
 * voucher issued under its serial; a serial never issued or a wrong key
 * is STORE_REDEEM_BAD_KEY, a control_key_failure row and an audit row
 * "redeem.bad_key", and past the rules' limits the terminal is suspended
 * (audit row "terminal.suspend"; the batch's later records get
 * STORE_REDEEM_SUSPENDED). A record online outside its session's hours
 * is refused, offline it is flagged. A voucher whose booklet has already
 * paid for its programme's max_per_session vouchers of the session is
 * STORE_REDEEM_BOOKLET_LIMIT. Returns 0 once the transaction is
 * durable (each record's result set); 1 when the nonce was used before (a
 * replayed request: nothing judged, nothing written); -1 with err when it
 * failed.
 */
int store_redeem(struct store *s, const struct store_terminal *t,
    const struct store_nonce *nonce, struct store_redeem_record *recs, size_t n,
    const struct store_redeem_rules *rules, struct pn_error *err);

/*
 * store_redeem(), queued: what t, nonce, recs and rules point to must
 * live until store_write_end(), which returns what store_redeem() would
 * have. NULL with err when it cannot be queued (done is then never
 * called, and the answers of recs are freed).
 */
struct store_write *store_redeem_submit(struct store *s,
    const struct store_terminal *t, const struct store_nonce *nonce,
    struct store_redeem_record *recs, size_t n,
    const struct store_redeem_rules *rules, store_write_done done, void *ctx,
    struct pn_error *err);

/* The outcome of w, as its synchronous form returns it; w is freed. */
int store_write_end(struct store_write *w, struct pn_error *err);

/*
 * How many group commits the committers ran since the process started,
 * and how many writes they held (for /metrics: writes per commit).
 */
void store_commit_counts(uint64_t *groups, uint64_t *jobs);

/* --- Settlement (store_sqlite_settle.c) -------------------------------- */

/*
 * Settlement refusals come back as the err_code of errors.h (a positive
 * number: ERR_BATCH_WRONG_STATE...) with the detail in err; -1 is a
 * failure of the database; 0 is done. settle_rules.c holds the rules
 * that need no SQL, and the operations of server/ops/ (settle_draft.h,
 * settle_approve.h, settle_batch.h, dispute.h) call these.
 */

#define STORE_STATUS_MAX 16

struct store_batch {
	int64_t id;
	char reference[SETTLE_REF_MAX];
	char period[SETTLE_PERIOD_MAX];
	int64_t period_start, period_end;
	char status[STORE_STATUS_MAX];	/* draft, approved, paid, rejected */
	int64_t drafted_by;
	char drafted_by_login[64];
	int64_t drafted_at;
	int64_t n_lines;		/* paid lines, not those carried over */
	int64_t n_carried;		/* lines carried over (under the minimum) */
	int64_t n_vouchers;
	int64_t total_cents;
	int64_t approved_by;		/* 0 until approved */
	char approved_by_login[64];
	int64_t approved_at;
	char msg_id[SETTLE_MSGID_MAX];
	char execution_date[SETTLE_DATE_MAX];
	unsigned sepa_version;		/* 0 until approved */
	char paid_reference[36];
	char paid_on[SETTLE_DATE_MAX];
	int64_t paid_at;
	char reject_reason[501];
	char rejected_by_login[64];
	int64_t rejected_at;
	int64_t n_held;			/* lines held out of the batch */
	int64_t alerts_acknowledged;	/* at approval; 0: none recorded */
};

struct store_batch_line {
	int64_t id;
	int64_t venue_id;
	char name[SETTLE_NAME_MAX];
	char siret[PN_SIRET_LEN + 1];
	char iban[PN_IBAN_MAX + 1];
	char bic[PN_BIC_MAX + 1];
	int64_t sessions, vouchers;
	int64_t gross_cents, commission_cents, amount_cents;
	bool carried_over;
	bool held;			/* held out of the batch: not paid */
	int64_t held_at;		/* when held, 0 otherwise */
	char held_by_login[64];
	char hold_reason[501];
};

/*
 * A programme's rules: the commission kept on settlement (basis points
 * of the face value, 0-10000), the budget line of its payments (0-64
 * bytes) and the vouchers of one booklet a session may take (1-100).
 * Each is changed when given (commission_bp >= 0, budget_line not NULL,
 * max_per_session > 0), with an audit row "programme.rules"; *out is the
 * programme as it then is. 0, 1 when there is no such programme, -1.
 */
int store_programme_set_rules(struct store *s, int64_t id,
    int commission_bp, const char *budget_line, unsigned max_per_session,
    int64_t now, const char *actor, struct store_programme *out,
    struct pn_error *err);

/*
 * Give programme p->id every setting of p (all but committed), with an
 * audit row "programme.edit" whose detail names each field changed,
 * before and after (the cover text and the partner list: only that they
 * changed). What was issued keeps what it was issued with: a voucher
 * holds its amount and expiry. *before is the programme as it was.
 * 0; STORE_NOT_FOUND; STORE_UNCHANGED (no row); STORE_BELOW_COMMITTED
 * when p's budget is under what its booklets already commit, read in
 * the same transaction; -1 with err, PN_E_EXISTS for a name taken.
 */
int store_programme_edit(struct store *s, const struct store_programme *p,
    int64_t now, const char *actor, struct store_programme *before,
    struct pn_error *err);

/*
 * The audit rows of object ("programme:3", "agency:2") that set it up
 * or changed it (as setup_change notes them), newest first, at most 200: when, who (the actor: a
 * login, or "admin-cli"), the action and the detail (JSON but for the
 * "add" rows). fn
 * returns non-zero to stop. 0, or -1.
 */
int store_setup_history(struct store *s, const char *object,
    int (*fn)(void *ctx, int64_t at, const char *who, const char *action,
    const char *detail), void *ctx, struct pn_error *err);

/*
 * The themes a training session may have (schema 22): a venue chooses
 * one for each session. A retired theme is no longer offered, but a
 * session that starts before its retirement may still carry it (a
 * terminal offline since then declares it later).
 */
struct store_theme {
	int64_t id;
	char name[128];
	int64_t created_at;
	int64_t retired_at;		/* 0: offered */
};

/* Each theme in id order (the order they were added), the retired ones
 * too when with_retired; fn returns non-zero to stop. 0, or -1. */
int store_theme_each(struct store *s, bool with_retired,
    int (*fn)(void *ctx, const struct store_theme *t), void *ctx,
    struct pn_error *err);

/* Add a theme (1 to 127 bytes, checked by the caller), with an audit row
 * "theme.add". 0 and *id, or -1 with err (PN_E_EXISTS for its name). */
int store_theme_add(struct store *s, const char *name, int64_t now,
    const char *actor, int64_t *id, struct pn_error *err);

/*
 * Retire theme id from now (retired true), or offer it again, with an
 * audit row "theme.retire" or "theme.restore". 0; STORE_UNCHANGED when
 * it already is so; STORE_NOT_FOUND; -1.
 */
int store_theme_set_retired(struct store *s, int64_t id, bool retired,
    int64_t now, const char *actor, struct pn_error *err);

/* How many themes are offered (not retired) into *n. 0, or -1. */
int store_theme_offered(struct store *s, unsigned *n, struct pn_error *err);

/* 1 when a session starting at starts_at may have theme name (it exists,
 * and was not retired by then), 0 when not, -1 with err. */
int store_theme_usable(struct store *s, const char *name, int64_t starts_at,
    struct pn_error *err);

/*
 * Add each of the n names that no theme has, retired or not, as actor
 * (the configuration's first list, at each start), while fewer than
 * max are offered: a theme retired from the pages stays retired. *added
 * counts those added, *skipped those left out for want of room. 0, -1.
 */
int store_themes_seed(struct store *s, const char (*names)[128], unsigned n,
    unsigned max, int64_t now, const char *actor, unsigned *added,
    unsigned *skipped, struct pn_error *err);

/* What a draft is made with. */
struct store_settle_rules {
	int64_t contest_seconds;	/* after a session's end */
	int64_t minimum_cents;		/* a venue owed less is carried over */
};

/*
 * Draft the batch of period [start, end) named period, by user_id, in one
 * transaction: the accepted redemptions whose session started before end
 * and ended at least contest_seconds before now, not in an active
 * settlement item, not kept out by an upheld dispute, in no session with
 * an open dispute; one line per venue (carried over when under the
 * minimum: no items), the items behind each paid line, an audit row
 * "settle.draft". A period with a batch not rejected gets that batch
 * back, unchanged, and *existing true. 0, ERR_NOTHING_TO_SETTLE, or -1.
 */
int store_settle_draft(struct store *s, const char *period, int64_t start,
    int64_t end, const struct store_settle_rules *rules, int64_t user_id,
    const char *actor, int64_t now, struct store_batch *out, bool *existing,
    struct pn_error *err);

/* The batch of that reference: 0, ERR_BATCH_NOT_FOUND, or -1. */
int store_batch_get(struct store *s, const char *reference,
    struct store_batch *out, struct pn_error *err);

/* The latest batches, newest first, at most limit, through fn (non-zero stops). */
int store_batch_each(struct store *s, unsigned limit,
    int (*fn)(void *ctx, const struct store_batch *b), void *ctx,
    struct pn_error *err);

/*
 * The lines of a batch by venue name (paid, then held, then carried
 * over), through fn.
 */
int store_batch_lines(struct store *s, int64_t batch_id,
    int (*fn)(void *ctx, const struct store_batch_line *l), void *ctx,
    struct pn_error *err);

/*
 * The paid lines of a batch (neither carried over nor held), with their
 * budget parts, for the exports:
 * fills x but for msg_id, created_at, execution_date and debtor. Free
 * with store_settle_export_free(). 0 or -1.
 */
int store_batch_export(struct store *s, int64_t batch_id,
    struct settle_export *x, struct pn_error *err);
void store_settle_export_free(struct settle_export *x);

/*
 * The statement of one paid line (its sessions and vouchers), without the
 * batch's and debtor's names, which the caller adds. Free with
 * store_statement_free(). 0 or -1.
 */
int store_batch_statement(struct store *s, int64_t line_id,
    struct statement *st, struct pn_error *err);
void store_statement_free(struct statement *st);

/*
 * What an approval made its files from, checked again before they are
 * stored: the batch's totals and its lines (ids, held or not, amounts).
 */
struct store_batch_stamp {
	int64_t n_lines, n_vouchers, total_cents;
	uint8_t lines[STORE_HASH_SIZE];	/* BLAKE2b-256 of the lines */
};

/*
 * Approval, in two transactions, so that the files are made with no
 * write lock held (redemptions go on meanwhile):
 * - begin opens a read transaction, one snapshot of the database: the
 *   batch must be a draft (ERR_BATCH_WRONG_STATE), approved_by not its
 *   drafter (ERR_SAME_APPROVER); *stamp gets what it is made of. The
 *   export, statement and signal reads work on that snapshot after it.
 * - write ends the snapshot and opens the write transaction: the batch
 *   must still be a draft, not drafted by approved_by, and still have
 *   *stamp (a line held meanwhile, a rejection or another approval:
 *   ERR_BATCH_WRONG_STATE, and nothing is written).
 * - then publish the files staged before write (below): they become the
 *   batch's, each with an audit row "settle.file" naming it, its size and
 *   its hash; then commit (the batch becomes approved with the number of
 *   alerts its approver acknowledged, 0 for none, and an audit row
 *   "settle.approve" that carries it).
 * After a refusal or error of begin or write nothing is left open; after
 * begin or write succeeded, abort instead of commit ends it with nothing
 * written (and removes what was staged).
 */
int store_batch_approve_begin(struct store *s, int64_t batch_id,
    int64_t approved_by, struct store_batch_stamp *stamp,
    struct pn_error *err);
int store_batch_approve_write(struct store *s, int64_t batch_id,
    int64_t approved_by, const struct store_batch_stamp *stamp,
    struct pn_error *err);

/* A file an approval made, to store. */
struct store_file_in {
	const char *kind;		/* sepa, mandates, statement */
	int64_t venue_id;		/* 0 but for a statement */
	char name[128];
	const char *media_type;
	unsigned char *data;
	size_t len;
	uint8_t hash[STORE_HASH_SIZE];	/* BLAKE2b-256, set when staged */
};

/*
 * Between begin and write: end begin's snapshot and store the n files,
 * staged, in write transactions of about 256 KiB each, so that the writes
 * of others (redemptions) take the lock in between rather than wait for
 * tens of megabytes of statements. Files of a batch that is not approved
 * (or paid) are no one's for any reader: they become the batch's with its
 * approval, not with a write of their rows. Files staged by an earlier
 * attempt at this batch are removed first. Refused as write would be when the batch is no longer a draft
 * or approved_by drafted it (ERR_BATCH_WRONG_STATE, ERR_SAME_APPROVER:
 * nothing staged). Sets each file's hash. 0, or -1 with err (what was
 * staged is removed by store_batch_files_unstage() or the next attempt).
 */
int store_batch_files_stage(struct store *s, int64_t batch_id,
    int64_t approved_by, struct store_file_in *files, size_t n, int64_t now,
    struct pn_error *err);

/*
 * In write's transaction: check that the batch's staged files are these
 * n, byte for byte, and write each one's audit row; the approval's commit
 * makes them the batch's. -1 with err when they are not (another attempt
 * at the batch staged meanwhile): abort then.
 */
int store_batch_files_publish(struct store *s, int64_t batch_id,
    const struct store_file_in *files, size_t n, int64_t now,
    const char *actor, struct pn_error *err);
int store_batch_approve_commit(struct store *s, int64_t batch_id,
    int64_t approved_by, const char *msg_id, const char *execution_date,
    unsigned sepa_version, int64_t alerts, int64_t now, const char *actor,
    struct pn_error *err);
void store_batch_approve_abort(struct store *s);

/*
 * After an approval that staged its files and then failed or was refused:
 * remove them if the batch is still a draft (or was rejected before any
 * approval: one approved meanwhile by someone else, then rejected, keeps
 * the files that approval published), in a transaction of its own (best
 * effort: the next attempt removes them too, and no reader sees them).
 */
void store_batch_files_unstage(struct store *s, int64_t batch_id);

/* A stored file of a batch: name, kind, venue (0), size, hash. */
struct store_batch_file {
	int64_t id;
	char kind[16];			/* sepa, mandates, statement */
	int64_t venue_id;
	char name[128];
	char media_type[64];
	int64_t size;
	uint8_t hash[32];
};

/* The files of a batch (statements last, by name), through fn. */
int store_batch_files(struct store *s, int64_t batch_id,
    int (*fn)(void *ctx, const struct store_batch_file *f), void *ctx,
    struct pn_error *err);

/*
 * The content of file name of batch_id: 0 with *data (malloc'd) and
 * *len and *info; 1 when there is none; ERR_FILE_ALTERED (err says
 * which) when its content no longer has the hash stored at approval;
 * -1.
 */
int store_batch_file_get(struct store *s, int64_t batch_id, const char *name,
    struct store_batch_file *info, void **data, size_t *len,
    struct pn_error *err);

/*
 * The statement file of venue_id in the batch reference, for the venue's
 * pages: as store_batch_file_get.
 */
int store_venue_statement_get(struct store *s, int64_t venue_id,
    const char *reference, struct store_batch_file *info, void **data,
    size_t *len, struct pn_error *err);

/* Approved or paid batches with a statement for venue_id, newest first. */
int store_venue_statements(struct store *s, int64_t venue_id,
    int (*fn)(void *ctx, const struct store_batch *b), void *ctx,
    struct pn_error *err);

/*
 * Approved -> paid: the bank's reference and date, the vouchers of its
 * items become "settled", audit row "settle.paid". 0,
 * ERR_BATCH_WRONG_STATE or -1.
 */
int store_batch_paid(struct store *s, int64_t batch_id, int64_t user_id,
    const char *bank_reference, const char *paid_on, int64_t now,
    const char *actor, struct pn_error *err);

/*
 * Draft or approved -> rejected, with its reason: its items become
 * inactive (their redemptions return to the pool), audit row
 * "settle.reject". 0, ERR_BATCH_WRONG_STATE or -1.
 */
int store_batch_reject(struct store *s, int64_t batch_id, int64_t user_id,
    const char *reason, int64_t now, const char *actor, struct pn_error *err);

/*
 * Hold the line of the venue whose SIRET is siret out of draft batch_id,
 * by user_id for reason, in one transaction: the line keeps what it was
 * drafted with and records who held it, when and why; its items become
 * inactive, so that its redemptions wait for the next draft; the batch's
 * lines, vouchers and total are added up again without it; audit row
 * "settle.hold". 0 with *line_id; ERR_BATCH_WRONG_STATE (not a draft),
 * ERR_LINE_NOT_FOUND (no line of that venue, or one carried over or held
 * already), ERR_LAST_LINE_HELD (the only line left to pay: reject the
 * batch instead); or -1. Nothing is written on a refusal.
 */
int store_batch_hold(struct store *s, int64_t batch_id, const char *siret,
    int64_t user_id, const char *reason, int64_t now, const char *actor,
    int64_t *line_id, struct pn_error *err);

/* What is waiting to be settled up to end, as of now. */
struct store_settle_pending {
	int64_t validated, validated_cents;	/* payable now */
	int64_t in_window;			/* contest window still open */
	int64_t held;				/* in a session with an open dispute */
};
int store_settle_pending(struct store *s, int64_t end,
    const struct store_settle_rules *rules, int64_t now,
    struct store_settle_pending *out, struct pn_error *err);

/* --- Signals before approval (store_sqlite_signals.c) ------------------- */

/*
 * The facts anomalies.c turns into a batch's alerts, for one paid line
 * (neither carried over nor held) and its active items. Counts only: the
 * thresholds and the words are anomalies.c's.
 */
struct store_line_signals {
	int64_t line_id, venue_id;
	char name[SETTLE_NAME_MAX];	/* as frozen on the line */
	char siret[PN_SIRET_LEN + 1];
	char commune[128];		/* the venue's, as recorded now */
	int64_t vouchers;		/* the line's */
	int64_t key_failures;		/* wrong control keys at the venue, since .. now */
	int64_t outside_hours;		/* items whose redemption has flag 1 */
	int64_t late_sync;		/* ... flag 2 */
	int64_t declared_late;		/* sessions declared after their end */
	int64_t over_limit;		/* sessions where a booklet exceeds max_per_session */
	int64_t over_most;		/* most vouchers of one booklet in such a session */
	int64_t over_allowed;		/* the lowest max_per_session so exceeded */
	int64_t other_commune;		/* items of beneficiaries of another commune */
	int64_t history_lines;		/* the venue's previous paid lines, up to history */
	int64_t history_vouchers;	/* their vouchers */
};

/*
 * The signals of each paid line of batch_id, by venue name, through fn
 * (non-zero stops): control key failures counted from since to now; the
 * venue's history taken from its latest (at most history) lines neither
 * carried over nor held of approved or paid batches older than this one.
 * One statement, so one snapshot. 0 or -1.
 */
int store_batch_signals(struct store *s, int64_t batch_id, int64_t since,
    int64_t now, unsigned history,
    int (*fn)(void *ctx, const struct store_line_signals *l), void *ctx,
    struct pn_error *err);

/* A terminal suspended pending review (and not revoked). */
struct store_suspended_terminal {
	int64_t id, venue_id;
	char venue_name[SETTLE_NAME_MAX];
	char siret[PN_SIRET_LEN + 1];
	char label[65];
	int64_t suspended_at;
	char reason[501];		/* "" when none was recorded */
};

/*
 * The suspended terminals, by venue name then date, through fn (non-zero
 * stops): of venue_id when not 0, and of the venues paid by batch_id (a
 * line neither carried over nor held) when not 0; else all. 0 or -1.
 */
int store_terminals_suspended(struct store *s, int64_t venue_id,
    int64_t batch_id,
    int (*fn)(void *ctx, const struct store_suspended_terminal *t), void *ctx,
    struct pn_error *err);

/* --- Disputes (store_sqlite_settle.c) ----------------------------------- */

struct store_dispute {
	int64_t id;
	uint64_t serial;
	int64_t redemption_id;
	int64_t value;
	char venue_name[SETTLE_NAME_MAX];
	int64_t session_starts_at;
	char theme[SETTLE_THEME_MAX];
	char reason[501];
	char opened_by_login[64];
	int64_t opened_at;
	char resolution[16];		/* "", dismissed, upheld */
	char resolution_note[501];
	char resolved_by_login[64];
	int64_t resolved_at;
};

/*
 * Dispute the accepted redemption of serial: its session must have ended
 * less than contest_seconds before now (ERR_CONTEST_WINDOW_PASSED), it
 * must be in no active settlement item (ERR_REDEMPTION_IN_BATCH) and have
 * no open dispute (ERR_DISPUTE_ALREADY_OPEN); ERR_REDEMPTION_NOT_FOUND
 * when the serial has no redemption, ERR_DISPUTE_NOT_ACCEPTED when only
 * conflicts. Audit row "dispute.open". 0 with *id, a refusal, or -1.
 */
int store_dispute_open(struct store *s, uint64_t serial, const char *reason,
    int64_t contest_seconds, int64_t user_id, int64_t now, const char *actor,
    int64_t *id, struct pn_error *err);

/* Close an open dispute: 0, ERR_DISPUTE_NOT_FOUND, or -1. */
int store_dispute_resolve(struct store *s, int64_t id, bool uphold,
    const char *note, int64_t user_id, int64_t now, const char *actor,
    struct pn_error *err);

/* Disputes, open ones first then the latest closed, at most limit. */
int store_dispute_each(struct store *s, bool open_only, unsigned limit,
    int (*fn)(void *ctx, const struct store_dispute *d), void *ctx,
    struct pn_error *err);

/* --- A venue's answers to a dispute (store_sqlite_disputes.c) ---------- */

#define STORE_ANSWER_TEXT_MAX 2000	/* characters */
#define STORE_ANSWER_FILE_NAME_MAX 255	/* bytes */
#define STORE_ANSWERS_MAX 5		/* per dispute */

/* An answer to write: text, and an attachment when data is not NULL. */
struct store_answer_in {
	int64_t dispute_id;
	int64_t venue_id;		/* the answering user's venue */
	const char *text;
	const char *file_name;		/* sanitized, 1-255 bytes */
	const char *file_type;		/* found from its bytes */
	const unsigned char *data;	/* NULL: no attachment */
	size_t len;
	uint8_t sha256[STORE_HASH_SIZE];
	int64_t answer_seconds;		/* after the opening, to answer */
};

/* An answer as read back (its attachment's bytes apart). */
struct store_answer {
	int64_t id;
	int64_t dispute_id;
	int64_t venue_id;		/* the dispute's venue */
	char text[STORE_ANSWER_TEXT_MAX * 4 + 1];
	bool has_file;
	char file_name[STORE_ANSWER_FILE_NAME_MAX + 1];
	char file_type[32];
	int64_t file_size;
	uint8_t sha256[STORE_HASH_SIZE];
	char answered_by_login[64];
	char answered_by_name[128];
	int64_t answered_at;
};

/*
 * Record a venue's answer to dispute in->dispute_id at now, with an audit
 * row "dispute.answer" (the text, and the attachment's SHA-256, size and
 * type, not its bytes). ERR_DISPUTE_NOT_FOUND when there is no such
 * dispute or it is of another venue than in->venue_id;
 * ERR_DISPUTE_CLOSED once resolved; ERR_ANSWER_TOO_LATE from opened_at +
 * in->answer_seconds on; ERR_ANSWERS_FULL past STORE_ANSWERS_MAX. 0 with
 * *id, such a refusal (nothing written), or -1.
 */
int store_dispute_answer(struct store *s, const struct store_answer_in *in,
    int64_t user_id, int64_t now, const char *actor, int64_t *id,
    struct pn_error *err);

/*
 * The answers to dispute_id, oldest first, through fn (non-zero stops);
 * of venue_id's disputes only when venue_id is not 0. 0 or -1.
 */
int store_dispute_answer_each(struct store *s, int64_t dispute_id,
    int64_t venue_id,
    int (*fn)(void *ctx, const struct store_answer *a), void *ctx,
    struct pn_error *err);

/*
 * Answer id with its attachment: *a, and its bytes in *data (malloc'd, to
 * free) of a->file_size bytes. STORE_NOT_FOUND when there is no such
 * answer with an attachment, or it answers a dispute of another venue
 * than venue_id (when not 0). 0, STORE_NOT_FOUND or -1.
 */
int store_dispute_answer_file(struct store *s, int64_t id, int64_t venue_id,
    struct store_answer *a, unsigned char **data, struct pn_error *err);

/* --- Funder's report (store_sqlite_report.c) ---------------------------- */

/*
 * Vouchers by status: how many, and their face value in cents. Every
 * voucher has exactly one of these five statuses (the schema's CHECK).
 */
struct store_voucher_tally {
	int64_t outstanding, outstanding_cents;	/* status "issued" */
	int64_t redeemed, redeemed_cents;	/* "redeemed", not yet paid */
	int64_t settled, settled_cents;		/* "settled": paid to a venue */
	int64_t expired, expired_cents;
	int64_t cancelled, cancelled_cents;
};

/* The vouchers of one programme, issuing agency and beneficiary's commune. */
struct store_report_row {
	int64_t programme_id;
	char programme_name[128];
	int64_t agency_id;		/* the booklet's; 0: issued by no agency */
	char agency_name[128];		/* "" when none */
	char commune[128];		/* the beneficiary's, as recorded */
	struct store_voucher_tally t;
};

/*
 * The vouchers of programme_id (0: every programme) tallied by status,
 * one row per programme, agency and commune that has vouchers, in order
 * of programme, agency id (none first) and commune, through fn (non-zero
 * stops). One statement, so one snapshot of the database. 0 or -1.
 */
int store_report_funder(struct store *s, int64_t programme_id,
    int (*fn)(void *ctx, const struct store_report_row *r), void *ctx,
    struct pn_error *err);

/* --- The dashboard (store_sqlite_dashboard.c) -------------------------- */

/*
 * A booklet of a programme issued in the dashboard's period, with what
 * the dashboard breaks it down by. The texts are valid during the call.
 */
struct store_dash_booklet {
	int64_t id;
	int64_t beneficiary_id;		/* the pseudonymous person */
	int64_t agency_id;		/* 0: issued by no agency */
	int64_t issued_at;
	const char *pathway;		/* "rsa", "revenu-jeunes", "other" */
	const char *age_band;
	const char *commune;
};

/* The vouchers of one booklet in one status. */
struct store_dash_tally {
	int64_t booklet_id;
	const char *status;		/* voucher.status */
	int64_t n, cents;
	int64_t first_serial, last_serial;	/* the smallest and largest */
};

/* A voucher used: its accepted redemption. */
struct store_dash_use {
	int64_t booklet_id;		/* 0: the serial's booklet, to find */
	int64_t serial;
	int64_t venue_id;
	int64_t starts_at;		/* its session's start */
	const char *theme;		/* its session's theme */
	int64_t cents;
};

/*
 * What store_dashboard_read() hands over, each through its function
 * (non-zero stops, with err set): the agencies and venues (id, name), the
 * booklets of the period in id order, their vouchers tallied by status in
 * booklet order, then their vouchers used, in serial order: every
 * accepted redemption of a serial in the range serials() gives (the
 * caller keeps those of its booklets), or those of the period's vouchers
 * with their booklet.
 */
struct store_dash_visit {
	int (*agency)(void *ctx, int64_t id, const char *name,
	    struct pn_error *err);
	int (*venue)(void *ctx, int64_t id, const char *name,
	    struct pn_error *err);
	int (*booklet)(void *ctx, const struct store_dash_booklet *b,
	    struct pn_error *err);
	int (*tally)(void *ctx, const struct store_dash_tally *t,
	    struct pn_error *err);
	/*
	 * After the tally: 1 with the serials [*first, *last] when each
	 * booklet's vouchers have consecutive serials (they are minted as
	 * one block), so that the uses can be read without their voucher,
	 * by serial, and the caller find the booklet of each; 0 when not.
	 */
	int (*serials)(void *ctx, int64_t *first, int64_t *last);
	int (*use)(void *ctx, const struct store_dash_use *u,
	    struct pn_error *err);
	void *ctx;
};

/*
 * The dashboard's rows of programme_id for the vouchers issued in
 * [from, to), in one read transaction (one snapshot). The programme
 * itself in *p. 0, 1 when there is no such programme, -1 with err.
 */
int store_dashboard_read(struct store *s, int64_t programme_id, int64_t from,
    int64_t to, struct store_programme *p, const struct store_dash_visit *v,
    struct pn_error *err);

/* --- Money audit (store_sqlite_money.c) -------------------------------- */

/*
 * The reads of passnum-admin audit's money checks (docs/server.md, "The
 * audit"). They change nothing: between store_money_begin() and
 * store_money_end() they all read one snapshot of the database, so that
 * a redemption committed meanwhile by passnumd cannot make two checks
 * disagree.
 */
int store_money_begin(struct store *s, struct pn_error *err);
void store_money_end(struct store *s);

/* Vouchers by status, as store_money_programmes() counts them. */
enum store_money_status {
	STORE_MONEY_ISSUED,		/* outstanding */
	STORE_MONEY_REDEEMED,
	STORE_MONEY_SETTLED,
	STORE_MONEY_CANCELLED,
	STORE_MONEY_EXPIRED,
	STORE_MONEY_STATUSES
};

/* A programme's vouchers, all of them and by status, in count and cents. */
struct store_money_programme {
	int64_t id;
	char name[128];
	int64_t committed;		/* cents, the programme's own ledger */
	int64_t count, cents;		/* every voucher of the programme */
	int64_t n[STORE_MONEY_STATUSES], c[STORE_MONEY_STATUSES];
};

/* Each programme in id order, through fn (non-zero stops). 0 or -1. */
int store_money_programmes(struct store *s,
    int (*fn)(void *ctx, const struct store_money_programme *p), void *ctx,
    struct pn_error *err);

/*
 * The money checks, numbered 0 .. store_money_checks() - 1. Each has a
 * sentence saying what holds when it passes ("each accepted redemption
 * has its voucher's value"), and finds the rows where it does not, each
 * described in plain words ("redemption 7 of voucher 123: value 12,00 €,
 * the voucher's 10,00 €"). store_money_check() hands every such row to fn
 * (non-zero stops) and counts them in *problems. 0 or -1.
 */
int store_money_checks(void);
const char *store_money_check_name(int check);
int store_money_check(struct store *s, int check,
    int (*fn)(void *ctx, const char *problem), void *ctx, int64_t *problems,
    struct pn_error *err);

/* A voucher as its 92-byte record carries it, read back from its row. */
struct store_voucher_record {
	struct pn_voucher v;
	bool fits;			/* false: a column does not fit its field */
};

/*
 * Every voucher in serial order, in one pass of one statement, through fn
 * (non-zero stops). 0 or -1.
 */
int store_money_vouchers(struct store *s,
    int (*fn)(void *ctx, const struct store_voucher_record *r), void *ctx,
    struct pn_error *err);

/*
 * A redemption as the audit re-verifies it: the fields of the record the
 * terminal signed, the terminal's enrolled key, the voucher it names (to
 * rebuild the text the terminal sent) and the server's stored answer.
 */
struct store_redemption_record {
	int64_t id;			/* redemption.id */
	uint8_t redemption_id[16];
	int64_t terminal;
	uint8_t terminal_pk[32];
	uint8_t session_uid[16];
	int64_t terminal_time;
	int64_t counter;
	uint8_t record_signature[64];
	int64_t flags;			/* & 4: the voucher was typed */
	struct store_voucher_record voucher;
	const char *answer;		/* JSON, valid during the call */
	bool fits;			/* false: a column out of its range */
};

/*
 * Every redemption in id order, joined to its terminal, session and
 * voucher, through fn (non-zero stops). 0 or -1.
 */
int store_money_redemptions(struct store *s,
    int (*fn)(void *ctx, const struct store_redemption_record *r), void *ctx,
    struct pn_error *err);

/* A signing key as recorded: its public key and certificate, undecoded. */
struct store_key_record {
	int64_t kid;
	const uint8_t *public_key;	/* pk_len bytes, valid during the call */
	size_t pk_len;
	const uint8_t *cert;		/* cert_len bytes, valid during the call */
	size_t cert_len;
};

/* Each recorded signing key in kid order, through fn (non-zero stops). */
int store_money_keys(struct store *s,
    int (*fn)(void *ctx, const struct store_key_record *k), void *ctx,
    struct pn_error *err);

/* --- Checkpoints and integrity alarms (store_sqlite_checkpoint.c) ------ */

struct pn_checkpoint;

/*
 * The text of the last checkpoint the database holds, NUL-terminated:
 * 0, 1 when it holds none, -1 with err.
 */
int store_checkpoint_last(struct store *s, char *text, size_t len,
    struct pn_error *err);

/*
 * Begin a write transaction and fill c's state: the audit log's last row
 * and its hash, the serial counter, and the accepted redemptions with
 * their running hash, folded on from the database's last checkpoint.
 * *changed is false when that state is the last checkpoint's. The caller
 * sets seq, at and prev, signs, then calls store_checkpoint_commit() or
 * store_checkpoint_abort(). 0, or -1 with err (nothing open).
 */
int store_checkpoint_begin(struct store *s, struct pn_checkpoint *c,
    bool *changed, struct pn_error *err);
/* Insert the signed checkpoint (its text) and commit. 0, or -1 (rolled back). */
int store_checkpoint_commit(struct store *s, const struct pn_checkpoint *c,
    const char *text, struct pn_error *err);
void store_checkpoint_abort(struct store *s);

/* Each checkpoint the database holds, in seq order, through fn (non-zero stops). */
int store_checkpoint_each(struct store *s,
    int (*fn)(void *ctx, const char *text), void *ctx, struct pn_error *err);

/*
 * The redemption recorded under redemption_id: 0 with *serial and
 * *accepted (its outcome), 1 when there is none, -1 with err.
 */
int store_redemption_find(struct store *s, const uint8_t redemption_id[16],
    uint64_t *serial, bool *accepted, struct pn_error *err);

/*
 * Move the serial counter forward to next when it is below (a database
 * that went back would issue again serials already printed), with the
 * audit row "store.serial_advance". 0, or -1 with err.
 */
int store_serial_advance(struct store *s, uint64_t next, int64_t now,
    struct pn_error *err);

/* What the database lacks, compared with one checkpoint (bits). */
enum store_checkpoint_finding {
	CPF_AUDIT_CUT = 1,		/* no audit row at audit_last */
	CPF_AUDIT_CHANGED = 2,		/* that row's hash differs */
	CPF_SERIAL_BEHIND = 4,		/* the serial counter went back */
	CPF_REDEEMED_FEWER = 8,		/* fewer accepted redemptions */
	CPF_REDEEMED_CHANGED = 16,	/* as many, but not the same */
	CPF_NOT_IN_DB = 32,		/* the database never had it: younger */
	CPF_DIFFERS_IN_DB = 64		/* the database has another of that seq */
};

/* One checkpoint to compare with the database, and what was found. */
struct store_checkpoint_check {
	const struct pn_checkpoint *c;	/* given */
	const char *text;		/* given: its text */
	unsigned findings;		/* enum store_checkpoint_finding bits */
	int64_t db_audit_last;		/* the database's last audit row */
	uint64_t db_next_serial;
	uint64_t db_redeemed;		/* accepted, up to c->redeemed_last */
};

/*
 * Compare the database with n checkpoints in one pass over its accepted
 * redemptions, in a read transaction; v may be in any order. 0 (findings
 * set, 0 when the database holds everything each one says), or -1.
 */
int store_checkpoint_verify(struct store *s, struct store_checkpoint_check *v,
    size_t n, struct pn_error *err);

#define STORE_ALARM_KIND_MAX	40
#define STORE_ALARM_DETAIL_MAX	1024
#define STORE_ALARM_NOTE_MAX	500

/* Something the server noticed its database lost, or got back. */
struct store_alarm {
	int64_t id;
	int64_t at;
	char kind[STORE_ALARM_KIND_MAX + 1];	/* e.g. "checkpoint_gap" */
	char detail[STORE_ALARM_DETAIL_MAX + 1];	/* in words */
	int64_t acknowledged_at;		/* 0: open */
	char acknowledged_by[64];			/* the actor */
	char note[STORE_ALARM_NOTE_MAX + 1];
};

/*
 * Record an alarm, with its audit row "integrity.alarm", inside the
 * transaction a store function has open, else in its own. *id (NULL
 * allowed) gets its id. 0, or -1 with err.
 */
int store_alarm_add(struct store *s, int64_t now, const char *kind,
    const char *detail, int64_t *id, struct pn_error *err);

/* Alarms, newest first (only the open ones with open_only), through fn. */
int store_alarm_each(struct store *s, bool open_only, unsigned limit,
    int (*fn)(void *ctx, const struct store_alarm *a), void *ctx,
    struct pn_error *err);

/*
 * Acknowledge an open alarm with a note, by login (audit row
 * "integrity.ack" by actor). 0, 1 when there is no such open alarm, -1.
 */
int store_alarm_ack(struct store *s, int64_t id, const char *note,
    const char *actor, const char *login, int64_t now, struct pn_error *err);

/* --- Receipts resent by terminals (store_sqlite_restore.c) ------------- */

/*
 * A terminal resends, with each redemption the server accepted, the
 * server's receipt for it, so that the server can say whether its
 * database still holds it, and put it back when it does not (a damaged
 * WAL, a restore from an older backup). The caller has verified each
 * item before the store sees it: the record's signature under the
 * terminal's enrolled key, naming that terminal; the receipt's under a
 * key of the server, an accepted receipt naming the record's
 * redemption_id, its voucher's serial and the terminal's venue. Only
 * such a receipt can put a redemption back, for the terminal's own
 * venue, and once: the second time it is known.
 */
enum store_receipt_status {
	STORE_RECEIPT_KNOWN = 0,	/* the redemption is there, accepted */
	STORE_RECEIPT_RESTORED,		/* it was lost, and is written back */
	STORE_RECEIPT_CONFLICT,		/* lost, and another accepted
					   redemption holds the voucher now */
	STORE_RECEIPT_UNRESTORABLE,	/* lost, and the voucher cannot take
					   it back (why) */
	STORE_RECEIPT_CLOSED,		/* a conflict or an unrestorable one
					   whose alarm (alarm_id) an
					   administrator acknowledged: dealt
					   with, not to be sent again */
	STORE_RECEIPT_ID_REUSED,	/* refused: its id is stored with
					   another voucher or terminal */
	STORE_RECEIPT_OTHER_SESSION,	/* refused: its session is another
					   venue's */
	STORE_RECEIPT_NO_SESSION	/* refused: its session is lost too,
					   and the item gave none to make it
					   again */
};

/* Why a lost redemption cannot be put back (STORE_RECEIPT_UNRESTORABLE). */
enum store_unrestorable {
	STORE_UNRESTORABLE_NO_VOUCHER = 1,	/* no voucher of its serial:
						   issued in the lost part */
	STORE_UNRESTORABLE_OTHER_VOUCHER,	/* another voucher (or value)
						   under its serial */
	STORE_UNRESTORABLE_CANCELLED,		/* cancelled since */
	STORE_UNRESTORABLE_EXPIRED		/* marked expired since */
};

struct store_receipt {
	/* In: the record, as signed by the terminal. */
	const uint8_t *redemption_id;	/* 16 bytes */
	const uint8_t *session_uid;	/* 16 bytes */
	const uint8_t *record_signature;	/* 64 bytes */
	int64_t terminal_time;
	uint64_t counter;
	uint64_t serial;
	/*
	 * The voucher the record names: a scanned one decoded (compared
	 * byte for byte with the one issued under serial), or, typed by
	 * hand, its control key (compared with that voucher's): one of the
	 * two, the other NULL.
	 */
	const struct pn_voucher *voucher;
	const char *key;		/* canonical, PN_CONTROL_KEY_SIZE */
	/* In: the receipt. */
	int64_t value;			/* cents */
	int64_t decided_at;		/* when the server accepted it */
	/* The record's session, to make again if it is lost; NULL: none. */
	const struct store_training *session;
	/* The answer stored with a redemption put back (JSON, its receipt). */
	const char *answer;
	bool refused;			/* refused before the store: skipped */
	/* Out. */
	int status;			/* enum store_receipt_status */
	int why;			/* enum store_unrestorable, or 0 */
	int64_t row_id;			/* the redemption row: known, restored */
	int64_t alarm_id;		/* the alarm raised now, 0 when none */
	bool session_made;		/* its session was made again */
	char alarm[STORE_ALARM_DETAIL_MAX + 1];	/* the alarm's words, "" */
};

/* What an item found, for the words of its alarm. */
struct store_receipt_event {
	const struct store_terminal *t;	/* the terminal resending it */
	const struct store_receipt *r;	/* status and why set */
	char voucher_status[16];	/* the voucher's, before; "" none */
	/* For a conflict: the accepted redemption holding the voucher. */
	uint8_t winner_id[16];
	int64_t winner_venue_id;
	char winner_venue_name[256];
	int64_t winner_terminal_id;
	int64_t winner_at;		/* when it was accepted */
};

/*
 * The words of an alarm (in French: it is read by the Département), into
 * out: rendered inside the transaction, as an answer is, since only the
 * store knows what it found. Same event, same words: the store raises a
 * conflict or an unrestorable alarm once, however often the terminal
 * resends the receipt.
 */
typedef void (*store_receipt_words_fn)(void *ctx,
    const struct store_receipt_event *e, char *out, size_t len);

/*
 * Check n items resent by terminal t in one request, whose nonce is
 * recorded first, in one transaction (a group commit). For each item not
 * refused: a redemption stored under its id, accepted, of its serial and
 * terminal, is STORE_RECEIPT_KNOWN. Otherwise it was lost, and:
 * - no voucher of its serial, another voucher under it (the one issued
 *   differs from the record's, or its value from the receipt's), or one
 *   cancelled or marked expired since: STORE_RECEIPT_UNRESTORABLE and an
 *   alarm "receipt_unrestorable";
 * - another accepted redemption holds the voucher (redeemed again after
 *   the loss): STORE_RECEIPT_CONFLICT and an alarm "receipt_conflict"
 *   naming both; nothing is written, so that the voucher stays redeemed
 *   once;
 * - else it is put back: its session made again from the item when it
 *   is lost too (audit row "session.restore"), the voucher moved from
 *   "issued" to "redeemed" (one already "redeemed" or "settled" with no
 *   accepted redemption stays as it is), the redemption written as
 *   accepted with the receipt's value and decided_at as its received_at
 *   and the item's answer, its serial on the deny list, an alarm
 *   "receipt_restored", a row of redemption_restored and an audit row
 *   "redeem.restore": STORE_RECEIPT_RESTORED.
 * An alarm of the same kind and words raised before is not raised again
 * (alarm_id 0, alarm still set). Returns 0 once durable, each item's
 * status set; 1 when the nonce was used before (nothing done); -1 with
 * err (nothing written).
 */
int store_receipts_check(struct store *s, const struct store_terminal *t,
    const struct store_nonce *nonce, struct store_receipt *items, size_t n,
    int64_t now, store_receipt_words_fn words, void *words_ctx,
    struct pn_error *err);

/* --- Venue applications (« Devenir lieu partenaire ») ------------------- */

/* An application as the public page received it. */
struct store_application {
	int64_t id;
	int64_t received_at;
	char from_address[64];		/* the sender's, for the limit */
	char name[256];
	char siret[16];			/* canonical */
	char address[256];
	char commune[128];
	char contact_name[128];
	char contact_email[128];
	char contact_phone[32];
	char iban[40];			/* canonical */
	char bic[16];
	char themes[512];		/* the themes ticked, one a line */
	char message[2048];
	char status[16];		/* "pending", "accepted", "refused" */
	int64_t decided_at;		/* 0: pending */
	char decided_by[80];
	char reason[512];		/* why refused; "" otherwise */
	int64_t venue_id;		/* accepted: the venue made; else 0 */
	char user_login[64];		/* accepted: its first user's login */
};

/*
 * The applications from address received since since: *n. 0, or -1.
 */
int store_application_count(struct store *s, const char *address,
    int64_t since, unsigned *n, struct pn_error *err);

/*
 * Record application a (checked, identifiers canonical) as pending, with
 * an audit row "application.receive" by actor: *id. 0, or -1.
 */
int store_application_add(struct store *s, const struct store_application *a,
    const char *actor, int64_t *id, struct pn_error *err);

/* Application id: 0 and *out, STORE_NOT_FOUND, or -1. */
int store_application_get(struct store *s, int64_t id,
    struct store_application *out, struct pn_error *err);

/*
 * Each application, the pending ones first (oldest first), then the
 * decided ones (newest first), at most limit: fn returns 0 to go on.
 * 0, or -1.
 */
int store_application_each(struct store *s, unsigned limit,
    int (*fn)(void *ctx, const struct store_application *a), void *ctx,
    struct pn_error *err);

/*
 * Decide pending application id: accepted (with venue_id and user_login)
 * or refused (with reason), with an audit row "application.accept" or
 * "application.refuse". 0; STORE_NOT_FOUND; STORE_UNCHANGED when it is
 * no longer pending (nothing written); -1.
 */
int store_application_decide(struct store *s, int64_t id, bool accept,
    const char *reason, int64_t venue_id, const char *user_login,
    int64_t now, const char *actor, struct pn_error *err);

/* --- The nightly jobs' runs ---------------------------------------------- */

struct store_job_run {
	char job[16];			/* "expire", "audit" */
	int64_t at;
	bool ok;
	char summary[512];
	char via[32];			/* "cli", "web" */
};

/* Record a run of job (no audit row: it is a note, not a change). 0, -1. */
int store_job_run_add(struct store *s, const struct store_job_run *r,
    struct pn_error *err);

/* The last run of job: 0 and *out, STORE_NOT_FOUND when none, or -1. */
int store_job_run_last(struct store *s, const char *job,
    struct store_job_run *out, struct pn_error *err);

/* --- Reading the audit log ------------------------------------------------ */

struct store_audit_entry {
	int64_t id;
	int64_t at;
	char actor[128];
	char action[64];
	char object[128];
	char detail[1024];		/* cut when longer */
};

/*
 * What to read of the audit log: actor and action a substring of the
 * row's, object the row's whole ("venue:3"); "" for any.
 */
struct store_audit_filter {
	int64_t from, until;		/* [from, until); 0: no bound */
	const char *actor, *action, *object;
	int64_t before_id;		/* rows below this id; 0: from the end */
	unsigned limit;
};

/*
 * The rows of f, newest first: fn returns 0 to go on. 0, or -1.
 */
int store_audit_each(struct store *s, const struct store_audit_filter *f,
    int (*fn)(void *ctx, const struct store_audit_entry *e), void *ctx,
    struct pn_error *err);

#endif
