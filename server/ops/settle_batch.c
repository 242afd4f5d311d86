/* settle_batch.c -- holding a line of a draft, recording a batch's payment, rejecting a batch. */
#include "passnum/bankid.h"
#include "settle_batch.h"
#include "settle_rules.h"

/* The change of a batch: which one, by whom, and its own inputs. */
struct batch_change {
	const struct op_ctx *cx;
	const char *reference;
	const char *siret;		/* hold: canonical */
	const char *text;		/* hold and reject: the reason */
	const char *bank_reference;	/* paid */
	const char *paid_on;		/* paid */
};

/*
 * The batch of c's reference, found in the step's transaction so that
 * the change applies to the batch as it is then. ERR_NONE with *b, or
 * ERR_BATCH_NOT_FOUND, ERR_INTERNAL.
 */
static enum err_code
batch_of(struct store *tx, const struct batch_change *c, struct store_batch *b,
    struct op_refusal *why)
{
	struct pn_error err;

	return op_answer(why, store_batch_get(tx, c->reference, b, &err),
	    &err);
}

static enum err_code
hold_step(struct store *tx, void *arg, struct op_refusal *why)
{
	const struct batch_change *c = arg;
	const struct store_principal *who = c->cx->who;
	struct store_batch b;
	struct pn_error err;
	enum err_code rc;

	if ((rc = batch_of(tx, c, &b, why)) != ERR_NONE)
		return rc;
	return op_answer(why, store_batch_hold(tx, b.id, c->siret,
	    who->user_id, c->text, c->cx->now, who->login, NULL, &err), &err);
}

enum err_code
settle_hold(const struct op_ctx *cx, const char *reference, const char *siret,
    const char *reason, struct op_refusal *why)
{
	char canonical[PN_SIRET_LEN + 1];
	struct batch_change c = { cx, reference, canonical, reason, NULL,
	    NULL };
	struct pn_error err;
	enum err_code rc;

	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_text_check(reason, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "reason", &err)) != ERR_NONE)
		return op_refuse(why, rc, "reason", "%s", err.message);
	if (siret == NULL || pn_siret_parse(siret, canonical) != PN_ID_OK)
		return op_refuse(why, ERR_LINE_NOT_FOUND, "siret", "SIRET "
		    "'%.40s': expected the 14 digits of a venue's SIRET",
		    siret != NULL ? siret : "");
	return op_run(cx, hold_step, &c, ERR_INTERNAL, why);
}

static enum err_code
paid_step(struct store *tx, void *arg, struct op_refusal *why)
{
	const struct batch_change *c = arg;
	const struct store_principal *who = c->cx->who;
	struct store_batch b;
	struct pn_error err;
	enum err_code rc;

	if ((rc = batch_of(tx, c, &b, why)) != ERR_NONE)
		return rc;
	return op_answer(why, store_batch_paid(tx, b.id, who->user_id,
	    c->bank_reference, c->paid_on, c->cx->now, who->login, &err), &err);
}

enum err_code
settle_mark_paid(const struct op_ctx *cx, const char *reference,
    const char *bank_reference, const char *paid_on, struct op_refusal *why)
{
	struct batch_change c = { cx, reference, NULL, NULL, bank_reference,
	    paid_on };
	struct pn_error err;
	enum err_code rc;

	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_bank_reference_check(bank_reference, &err)) !=
	    ERR_NONE)
		return op_refuse(why, rc, "bank_reference", "%s", err.message);
	if ((rc = settle_paid_on_check(paid_on, cx->now, &err)) != ERR_NONE)
		return op_refuse(why, rc, "paid_on", "%s", err.message);
	return op_run(cx, paid_step, &c, ERR_INTERNAL, why);
}

static enum err_code
reject_step(struct store *tx, void *arg, struct op_refusal *why)
{
	const struct batch_change *c = arg;
	const struct store_principal *who = c->cx->who;
	struct store_batch b;
	struct pn_error err;
	enum err_code rc;

	if ((rc = batch_of(tx, c, &b, why)) != ERR_NONE)
		return rc;
	return op_answer(why, store_batch_reject(tx, b.id, who->user_id,
	    c->text, c->cx->now, who->login, &err), &err);
}

enum err_code
settle_reject(const struct op_ctx *cx, const char *reference,
    const char *reason, struct op_refusal *why)
{
	struct batch_change c = { cx, reference, NULL, reason, NULL, NULL };
	struct pn_error err;
	enum err_code rc;

	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_text_check(reason, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "reason", &err)) != ERR_NONE)
		return op_refuse(why, rc, "reason", "%s", err.message);
	return op_run(cx, reject_step, &c, ERR_INTERNAL, why);
}
