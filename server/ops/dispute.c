/* dispute.c -- opening a dispute on a redemption, resolving it. */
#include "dispute.h"
#include "settle_rules.h"

/* The opening's step: what is disputed, and where its number goes. */
struct opening {
	const struct op_ctx *cx;
	uint64_t serial;
	const char *reason;
	int64_t *id;
};

static enum err_code
open_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct opening *o = arg;
	const struct op_ctx *cx = o->cx;
	struct pn_error err;

	return op_answer(why, store_dispute_open(tx, o->serial, o->reason,
	    (int64_t)cx->cfg->settlement.contest_days * 86400,
	    cx->who->user_id, cx->now, cx->who->login, o->id, &err), &err);
}

enum err_code
dispute_open(const struct op_ctx *cx, uint64_t serial, const char *reason,
    int64_t *dispute_id, struct op_refusal *why)
{
	struct opening o = { cx, serial, reason, dispute_id };
	struct pn_error err;
	enum err_code rc;

	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_text_check(reason, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "reason", &err)) != ERR_NONE)
		return op_refuse(why, rc, "reason", "%s", err.message);
	return op_run(cx, open_step, &o, ERR_INTERNAL, why);
}

/* The resolution's step. */
struct resolution {
	const struct op_ctx *cx;
	int64_t id;
	bool uphold;
	const char *note;
};

static enum err_code
resolve_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct resolution *r = arg;
	const struct op_ctx *cx = r->cx;
	struct pn_error err;

	return op_answer(why, store_dispute_resolve(tx, r->id, r->uphold,
	    r->note, cx->who->user_id, cx->now, cx->who->login, &err), &err);
}

enum err_code
dispute_resolve(const struct op_ctx *cx, int64_t id, bool uphold,
    const char *note, struct op_refusal *why)
{
	struct resolution r = { cx, id, uphold, note };
	struct pn_error err;
	enum err_code rc;

	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_text_check(note, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "note", &err)) != ERR_NONE)
		return op_refuse(why, rc, "note", "%s", err.message);
	return op_run(cx, resolve_step, &r, ERR_INTERNAL, why);
}
