/* journal.h -- the terminal's SQLite journal: sessions, redemption records, deny-list documents.
 *
 * The journal is the terminal's memory across crashes and network cuts. A
 * record is written (and synced to disk) before it is sent, so that a retry
 * after a lost answer reuses the same redemption_id; it stays "pending"
 * until the server's signed answer is verified and stored. A serial can be
 * held by at most one record that is not "refused" (a unique index), so
 * the same voucher cannot be taken twice at this terminal.
 *
 * A voucher typed by hand (serial and control key) is a record like any
 * other, whose voucher text is "PNK1:<serial>:<KEY>"; its value is
 * unknown until the server's receipt gives it, its expiry for good. It is
 * never taken offline (the terminal cannot check a key): redeem.c says
 * when such a record is kept pending and when it is withdrawn.
 */
#ifndef PN_TERM_JOURNAL_H
#define PN_TERM_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/checkpoint.h"
#include "passnum/error.h"
#include "passnum/receipt.h"
#include "passnum/redemption.h"

#define JOURNAL_SCHEMA_VERSION	3
#define JOURNAL_THEME_MAX	200
#define JOURNAL_MESSAGE_MAX	300

enum journal_state {
	JOURNAL_PENDING = 0,	/* written, no verified answer yet */
	JOURNAL_ACCEPTED = 1,	/* the server took it: receipt stored */
	JOURNAL_CONFLICT = 2,	/* another record took the voucher first */
	JOURNAL_REFUSED = 3	/* refused (server code, or never sent) */
};

struct journal_record {
	struct pn_redemption r;		/* as signed; r.counter numbers it */
	uint64_t serial;
	bool typed;			/* r.voucher is "PNK1:..." (read only) */
	bool has_value;			/* value_cents is known */
	uint32_t value_cents;
	int64_t expires_at;		/* 0 when unknown (typed) */
	enum journal_state state;
	bool offline;			/* taken while the server was away */
	int http_status;		/* 0 while never answered */
	int code;			/* server's code, 0 when none */
	char message[JOURNAL_MESSAGE_MAX + 1];
	char receipt[PN_RECEIPT_TEXT_MAX];	/* Base64, "" until answered */
	int64_t decided_at;
	char winner_venue[PN_RECEIPT_NAME_MAX + 1];
	int64_t winner_at;
	int64_t updated_at;
};

struct journal_session {
	uint8_t id[PN_SESSION_ID_SIZE];
	char theme[JOURNAL_THEME_MAX + 1];
	int64_t starts_at;
	int duration_minutes;
	bool declared;			/* the server has it */
	bool here;			/* opened at this terminal */
	int refused_code;		/* refused for good by the server: its code; 0 */
};

struct journal;

/*
 * Open the journal at path. With create, make it (and its schema) when
 * missing; without, a missing file is an error. The schema version must
 * be JOURNAL_SCHEMA_VERSION. NULL with err on failure.
 */
struct journal *journal_open(const char *path, bool create,
    struct pn_error *err);

/*
 * Whether the journal at path is lost: 1 when the file is missing, or
 * holds no schema at all (a zero-length file, or one SQLite sees as
 * empty); 0 when it holds a schema (of any version: journal_open() judges
 * that); -1 with err when it cannot be read. Nothing is created or
 * written: an enrolled terminal's journal is made at enrolment only, and
 * one that vanished must be restored, not silently made again.
 */
int journal_lost(const char *path, struct pn_error *err);

/* Close; NULL is accepted. */
void journal_close(struct journal *j);

/*
 * Write a new pending record: the counter (one more than any before) is
 * chosen, rec->r signed with sk and stored in one transaction, durably.
 * Returns 0; 1 when a record that is not refused already holds the serial
 * (then *rec is replaced by that record); -1 with err.
 */
int journal_record_add(struct journal *j, struct journal_record *rec,
    const uint8_t *sk, struct pn_error *err);

/*
 * Store an answer (state, answer fields, and the value once known) of the
 * record rec->r.counter.
 */
int journal_record_update(struct journal *j, const struct journal_record *rec,
    struct pn_error *err);

/*
 * Store rec's refusal (http_status, code, message) on the record
 * rec->r.counter only while it is still pending, for a record that the
 * server never judged and that must never be sent: one that never left
 * this machine, or that the server turned away with the terminal
 * suspended. Returns 0 when withdrawn, 1 when the record was no longer
 * pending (another process stored an answer first), -1 with err.
 */
int journal_record_withdraw(struct journal *j, struct journal_record *rec,
    struct pn_error *err);

/* The record that is not refused holding serial: 1 found, 0 none, -1. */
int journal_record_by_serial(struct journal *j, uint64_t serial,
    struct journal_record *out, struct pn_error *err);

typedef int (*journal_record_cb)(const struct journal_record *rec, void *arg);

/* Which pending records a walk takes. */
enum journal_kind {
	JOURNAL_ANY,		/* every one */
	JOURNAL_SCANNED,	/* scanned codes: sent in batches */
	JOURNAL_TYPED		/* typed serials and keys: sent one by one */
};

/*
 * Call cb for each pending record of kind in counter order, at most limit
 * of them (0: all), or for the limit latest records of any state, newest
 * first. A callback's non-zero result stops the walk and is returned.
 */
int journal_pending_each(struct journal *j, enum journal_kind kind,
    size_t limit, journal_record_cb cb, void *arg, struct pn_error *err);
int journal_history_each(struct journal *j, size_t limit, journal_record_cb cb,
    void *arg, struct pn_error *err);

/* Number of pending records, or -1. */
int64_t journal_pending_count(struct journal *j, struct pn_error *err);

/*
 * Add a session. From the server (here false, declared true), a session
 * already known is marked declared. Returns 0, or -1.
 */
int journal_session_put(struct journal *j, const struct journal_session *s,
    struct pn_error *err);
int journal_session_declared(struct journal *j,
    const uint8_t id[PN_SESSION_ID_SIZE], struct pn_error *err);

/*
 * Mark a session refused for good by the server, with its code (a meta
 * row: journal.c): journal_session_each() with undeclared leaves it out
 * from then on, so that sync stops declaring it. 0, or -1.
 */
int journal_session_refuse(struct journal *j,
    const uint8_t id[PN_SESSION_ID_SIZE], int code, struct pn_error *err);

/*
 * The session whose id starts with the hex digits of prefix (4 to 32).
 * Returns 1 found, 0 none, 2 more than one, -1 error.
 */
int journal_session_find(struct journal *j, const char *prefix,
    struct journal_session *out, struct pn_error *err);

typedef int (*journal_session_cb)(const struct journal_session *s, void *arg);

/*
 * Sessions newest first (limit 0: all); only those still to declare
 * (undeclared, and not refused for good) if asked.
 */
int journal_session_each(struct journal *j, size_t limit, bool undeclared,
    journal_session_cb cb, void *arg, struct pn_error *err);

/*
 * Deny-list documents as received (signed; verified again at each load).
 * With replace, the document starts a new chain (a full list): the older
 * ones are deleted in the same transaction.
 */
int journal_deny_add(struct journal *j, const uint8_t *doc, size_t len,
    bool replace, struct pn_error *err);

typedef int (*journal_deny_cb)(const uint8_t *doc, size_t len, void *arg);

/* Each stored document in the order received; the count in *n if not NULL. */
int journal_deny_each(struct journal *j, journal_deny_cb cb, void *arg,
    size_t *n, struct pn_error *err);

/* Named integers: when the deny list was last proved current, and so on. */
int journal_meta_get(struct journal *j, const char *key, int64_t *value,
    struct pn_error *err);
int journal_meta_set(struct journal *j, const char *key, int64_t value,
    struct pn_error *err);
/* Set n named integers in one transaction: all of them, or none. */
int journal_meta_set_many(struct journal *j, const char *const *keys,
    const int64_t *values, size_t n, struct pn_error *err);

/* "pending", "accepted", "conflict", "refused". */
const char *journal_state_name(enum journal_state s);

/* --- Receipts and the server's checkpoints (schema 3, anchor.h) ---------- */

/* Checkpoints kept, the latest ones: the others are of no more use. */
#define JOURNAL_CHECKPOINTS_KEPT	100

/* A signed checkpoint of the server, as this terminal received it. */
struct journal_checkpoint {
	int64_t n;			/* the order received: the latest is largest */
	uint64_t seq;
	int64_t at;			/* the server's clock when it was made */
	char text[PN_CHECKPOINT_TEXT_MAX];
	int64_t received_at;		/* this terminal's clock */
};

/* The checkpoint received last: 1 found, 0 none held, -1 with err. */
int journal_checkpoint_latest(struct journal *j, struct journal_checkpoint *out,
    struct pn_error *err);

/*
 * Keep c (verified by the caller) as the latest checkpoint, in one
 * transaction: only the latest JOURNAL_CHECKPOINTS_KEPT stay; with lost
 * (the server no longer holds what the previous one said), every
 * record's confirmation and anchoring is forgotten, so that all receipts
 * are sent again. 0 or -1.
 */
int journal_checkpoint_add(struct journal *j, const struct journal_checkpoint *c,
    bool lost, struct pn_error *err);

/*
 * Call cb for each accepted record (only those not anchored, with
 * unanchored) whose counter is above after, in counter order, at most
 * limit of them (0: all). A callback's non-zero result stops the walk and
 * is returned.
 */
int journal_accepted_each(struct journal *j, bool unanchored, uint64_t after,
    size_t limit, journal_record_cb cb, void *arg, struct pn_error *err);

/*
 * The server confirmed, at its time at, that it holds the accepted
 * records of these n counters, in one transaction: each is anchored when
 * it was known (not restored) and a checkpoint held is dated after its
 * previous confirmation and before this one (the record was in the
 * server's database throughout, so that checkpoint includes it); then its
 * confirmed_at becomes at (never moved back for a known one). A restored
 * record was absent until at: its anchoring starts over. *anchored (NULL:
 * not asked) counts the records anchored now. 0 or -1.
 */
int journal_records_confirm(struct journal *j, const uint64_t *counters,
    size_t n, int64_t at, bool restored, size_t *anchored,
    struct pn_error *err);

/*
 * The server says the Département dealt with these accepted records'
 * receipts (a conflict or a loss it acknowledged): anchored, so that
 * they are not sent again. 0 or -1.
 */
int journal_records_close(struct journal *j, const uint64_t *counters,
    size_t n, struct pn_error *err);

/* A record's confirmation and anchoring: 0, 1 no such record, -1. */
int journal_record_anchor(struct journal *j, uint64_t counter,
    int64_t *confirmed_at, bool *anchored, struct pn_error *err);

/* How many records are accepted, and how many of them not anchored. 0 or -1. */
int journal_anchor_counts(struct journal *j, int64_t *accepted,
    int64_t *unanchored, struct pn_error *err);

#endif
