/* redeem.h -- the operation "redeem vouchers" (op.h): records judged without the database, then decided by the store.
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
#include "op.h"
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
 * One online redemption (POST /api/v1/redemptions), from its judging to
 * its outcome: its write is queued to the committer, and the caller told
 * through done(ctx) once the commit that holds it is made.
 */
struct redeem_one {
	struct redeem_record j;
	struct store_redeem_record out;
	struct redeem_judging g;
	struct store_redeem_rules rules;
	struct store_write *w;		/* queued; NULL once ended */
	struct pn_error err;
};

/*
 * Judge rec, made by terminal t (the principal of the signed request,
 * whose nonce is recorded with it) at cx->now, and queue its write.
 * ERR_NONE: done(ctx) will be called once, then redeem_one_end(); else
 * the refusal with *why, nothing queued (ERR_NO_SIGNING_KEY,
 * ERR_TRUST_UNAVAILABLE, ERR_STORE_UNAVAILABLE). A record refused by the
 * judging is queued all the same: its nonce is recorded, as the
 * terminal's contact (honest_time.h). c must live until redeem_one_end()
 * and be freed with redeem_one_free().
 */
enum err_code redeem_one_queue(struct redeem_one *c, const struct op_ctx *cx,
    const struct store_terminal *t, const struct store_nonce *nonce,
    const struct pn_redemption *rec, store_write_done done, void *ctx,
    struct op_refusal *why);

/*
 * The outcome of c, once done was called: ERR_NONE when the store decided
 * (c->out: accepted or conflict, with the signed answer c->out.answer,
 * or the record's refusal: redeem_outcome()); else the refusal of the
 * request with *why (ERR_REPLAYED_NONCE, ERR_STORE_UNAVAILABLE).
 */
enum err_code redeem_one_end(struct redeem_one *c, struct op_refusal *why);

/* Free what c holds (not c), ended or not. */
void redeem_one_free(struct redeem_one *c);

/*
 * Redeem the n records of a batch of records made offline by terminal t
 * (its nonce recorded with the first part), part by part: the next part
 * is judged while the store writes this one; the calling thread waits.
 * ERR_NONE with out[i] decided for every record (or recs[i].refusal set),
 * or the refusal of the whole request with *why. The caller frees each
 * out[i].answer and recs[i].accepted.
 */
enum err_code redeem_batch(const struct op_ctx *cx,
    const struct store_terminal *t, const struct store_nonce *nonce,
    struct redeem_record *recs, size_t n, struct store_redeem_record *out,
    struct op_refusal *why);

/*
 * What one record came to, whatever decided it: ERR_NONE with the signed
 * answer (*answer, and *accepted or not); or the refusal's code, with
 * the verifier's reason (-1: none) and a detail.
 */
enum err_code redeem_outcome(const struct redeem_record *j,
    const struct store_redeem_record *out, const char **answer,
    bool *accepted, int *reason, const char **detail);

/*
 * The signed answer of a decision (store_answer_fn): a receipt signed by
 * ctx, the server's signing key, and its fields in JSON.
 */
char *redeem_render_answer(void *ctx, const struct store_decision *d,
    struct pn_error *err);

#endif
