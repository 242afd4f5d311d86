/* op.h -- the one shape of a state change: typed input and principal in, one transaction, typed outcome out.
 *
 * Every change of state is one module of server/ops/, and each of its
 * operations has this form:
 *
 *	enum err_code NAME(const struct op_ctx *cx, const struct NAME_in *in,
 *	    struct NAME_out *out, struct op_refusal *why);
 *
 * It checks its input and who acts (cx->who), then makes its change in
 * one transaction run by the one runner, op_run() (the store's committer:
 * a savepoint of a group commit, busy databases retried), and returns
 * ERR_NONE with *out filled, or the refusal's code with *why. A refusal
 * writes nothing. Simple inputs are passed as arguments instead of a
 * struct, and an operation without an outcome has no out.
 *
 * The adapters -- the JSON API and the pages of passnumd, the commands
 * of passnum-admin -- parse their input, call the operation, and render
 * the outcome in their own words; none of them writes to the store.
 * Operations never read the clock (the adapter does, once: cx->now),
 * never print and never speak HTTP; err_code's HTTP status is the API
 * adapter's business (errors.def).
 */
#ifndef PN_OP_H
#define PN_OP_H

#include <stdint.h>

#include "passnum/error.h"
#include "config.h"
#include "errors.h"
#include "keyring.h"
#include "store.h"

/* Where and by whom an operation acts. */
struct op_ctx {
	struct store *s;			/* the adapter's connection */
	const struct config *cfg;		/* the rules ([settlement]...) */
	const struct keyring *keys;		/* NULL when it signs nothing */
	const struct store_principal *who;	/* who acts; NULL: see actor */
	int64_t now;				/* when, read once by the adapter */
	const char *actor;	/* the audit's actor when who is NULL
				   (passnum-admin without --as) */
};

/* Why an operation did not do what it was asked: code is what it returned. */
struct op_refusal {
	enum err_code code;
	const char *field;	/* the input at fault (ERR_INVALID_FIELD); NULL */
	char detail[PN_ERROR_MESSAGE_MAX];	/* English, for logs and admins */
};

/* The audit log's actor of cx: who's login, else cx->actor. */
const char *op_actor(const struct op_ctx *cx);

/* Fill *why and return code. */
enum err_code op_refuse(struct op_refusal *why, enum err_code code,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The store failed with err: code (ERR_INTERNAL, ERR_STORE_UNAVAILABLE). */
enum err_code op_failed(struct op_refusal *why, enum err_code code,
    const struct pn_error *err);

/*
 * The answer rc of a store function (0 done, a refusal's err_code, -1
 * failed) or of a rule of core/ (ERR_NONE or a refusal) as an
 * operation's: ERR_NONE; the refusal itself, or ERR_INTERNAL for -1,
 * with err's message in *why.
 */
enum err_code op_answer(struct op_refusal *why, int rc,
    const struct pn_error *err);

/*
 * A step of an operation, inside its transaction on connection tx: it
 * calls the store's functions on tx and returns ERR_NONE to keep what it
 * wrote, or a refusal's code with *why, which undoes it.
 */
typedef enum err_code (*op_step)(struct store *tx, void *arg,
    struct op_refusal *why);

/*
 * Run step(tx, arg) in one transaction of cx->s's committer
 * (store_tx()): its outcome once the commit that holds it is durable, or
 * failed (nothing written) when the store or the commit failed, with
 * the store's message in *why.
 */
enum err_code op_run(const struct op_ctx *cx, op_step step, void *arg,
    enum err_code failed, struct op_refusal *why);

#endif
