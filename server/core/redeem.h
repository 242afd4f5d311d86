/* redeem.h -- terminal records judged without the database: the rules of redemption before the store.
 *
 * A record is judged here: its form, that the signing terminal made it,
 * its signature, and the voucher's text, key and dates. What passes goes
 * to the store, which checks that the voucher is byte for byte the one
 * issued under its serial (signature included: the server holds every
 * voucher it signed, so an exact comparison replaces an Ed25519
 * verification) and decides between accepted and conflict in one
 * transaction (store_sqlite_redeem.c), keeping the signed answer rendered
 * here. The answer a record gets if it is accepted is rendered and signed
 * beforehand, with the records' signatures, on up to two threads: most of
 * the work of a batch.
 *
 * A voucher typed by hand comes as "PNK1:<serial>:<control key>": the
 * store reads the voucher issued under that serial and compares keys; its
 * answer is rendered there (redeem_render_answer()), once its value is
 * known. An offline record cannot be dated before the terminal's previous
 * exchange (honest_time.h).
 */
#ifndef PN_REDEEM_H
#define PN_REDEEM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/controlkey.h"
#include "passnum/redemption.h"
#include "passnum/voucher.h"
#include "config.h"
#include "errors.h"
#include "keyring.h"
#include "store.h"

/* A record and what was decided of it before the store. */
struct redeem_record {
	struct pn_redemption rec;
	struct pn_voucher v;		/* typed: its serial, until the store */
	bool typed;			/* serial and control key */
	char key[PN_CONTROL_KEY_SIZE];
	int64_t at;			/* judged at this time */
	bool backdated;			/* before the terminal's previous exchange */
	int flags;			/* STORE_FLAG_* known before the store */
	char *accepted;			/* its answer if accepted, rendered */
	enum err_code refusal;		/* 0: passed to the store */
	int reason;			/* the verifier's, or -1 */
	char detail[PN_ERROR_MESSAGE_MAX];
};

/* What every record of one request is judged with. */
struct redeem_judging {
	const struct store_terminal *t;
	const struct pn_trust *trust;
	const struct pn_signing_key *key;
	int64_t now;
	bool offline;			/* a batch: records made earlier */
	unsigned grace;			/* [redemption] offline_grace */
	int64_t earliest;		/* offline: no record dated before */
	unsigned late_sync;		/* [redemption] late_sync */
	struct redeem_record *recs;
	size_t from, to;		/* the share of one thread */
};

/*
 * A large batch goes to the store in parts of this many records, each in
 * its own group commit, so that the next part is judged (on two threads)
 * while the store writes this one.
 */
#define REDEEM_PART_RECORDS 1000

/* The judging of records [from, to) on up to two threads. */
struct redeem_part {
	struct redeem_judging share[2];
	pthread_t th[2];
	bool running[2];
};

/*
 * Make g and rules ready to judge recs, records of terminal t, at now,
 * with the server's keys k and its [redemption] settings cfg; offline: a
 * batch of records made earlier. 0, or ERR_NO_SIGNING_KEY or
 * ERR_TRUST_UNAVAILABLE when k lacks what judging needs.
 */
enum err_code redeem_begin(struct redeem_judging *g,
    struct store_redeem_rules *rules, const struct store_terminal *t,
    const struct keyring *k, const struct config_redemption *cfg,
    bool offline, struct redeem_record *recs, int64_t now);

/* Refuse record j before the store, with the verifier's reason or -1. */
void redeem_refuse(struct redeem_record *j, enum err_code code, int reason,
    const char *detail);

/*
 * Judge records [from, to) of g before going on: a few on this thread,
 * more on this thread and one other.
 */
void redeem_judge(const struct redeem_judging *g, size_t from, size_t to);

/* Start judging records [from, to) on two threads; wait for them. */
void redeem_judge_start(struct redeem_part *pj, const struct redeem_judging *g,
    size_t from, size_t to);
void redeem_judge_wait(struct redeem_part *pj);

/* Give the store what was judged of records [from, to), into out. */
void redeem_hand_over(struct redeem_record *recs,
    struct store_redeem_record *out, size_t from, size_t to);

/*
 * After the store: a serial the server never issued is a forgery, unless
 * the voucher is well signed (another server's, or a lost database): the
 * signature tells which, and this rare case can afford it.
 */
void redeem_unissued(const struct redeem_judging *g,
    struct store_redeem_record *out, size_t n);

/* What a record refused by the store says: its code, reason and detail. */
enum err_code redeem_refusal_of(const struct store_redeem_record *out,
    int *reason, const char **detail);

/*
 * The signed answer of a decision (store_answer_fn): a receipt signed by
 * ctx, the server's signing key, and its fields in JSON.
 */
char *redeem_render_answer(void *ctx, const struct store_decision *d,
    struct pn_error *err);

#endif
