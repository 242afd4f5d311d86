/* settle_draft.c -- drafting a period's batch: who may, which period, then the store's draft in one step. */
#include "passnum/timefmt.h"
#include "settle_draft.h"
#include "settle_rules.h"

/* The draft's step: what it drafts, and where its outcome goes. */
struct draft {
	const struct settle_period *p;
	const struct store_settle_rules *rules;
	const struct store_principal *who;
	int64_t now;
	struct store_batch *out;
	bool *existing;
};

static enum err_code
draft_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct draft *d = arg;
	struct pn_error err;

	return op_answer(why, store_settle_draft(tx, d->p->text, d->p->start,
	    d->p->end, d->rules, d->who->user_id, d->who->login, d->now,
	    d->out, d->existing, &err), &err);
}

enum err_code
settle_draft(const struct op_ctx *cx, const char *period_text,
    struct store_batch *out, bool *existing, struct op_refusal *why)
{
	struct store_settle_rules rules;
	struct settle_period p;
	struct draft d = { &p, &rules, cx->who, cx->now, out, existing };
	char end[PN_TIME_TEXT_MAX];
	struct pn_error err;
	enum err_code rc;

	*existing = false;
	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_period_parse(period_text, cx->cfg->settlement.period,
	    &p, &err)) != ERR_NONE)
		return op_refuse(why, rc, "period", "%s", err.message);
	/* A period still running would miss its last days' redemptions. */
	if (p.end > cx->now) {
		pn_time_format_paris(p.end, end);
		return op_refuse(why, ERR_PERIOD_NOT_ENDED, "period", "period "
		    "%s ends on %s (Paris); draft it after that", p.text, end);
	}
	settle_rules_of(cx->cfg, &rules);
	return op_run(cx, draft_step, &d, ERR_INTERNAL, why);
}
