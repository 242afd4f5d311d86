/* voucher_expire.c -- expiring the outstanding vouchers past their last day and the offline grace. */
#include "voucher_expire.h"

struct expire {
	const struct op_ctx *cx;
	struct vouchers_expire_out *out;
};

static enum err_code
expire_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct expire *e = arg;
	struct pn_error err;

	if (store_expire(tx, e->out->before, e->cx->now, op_actor(e->cx),
	    &e->out->count, &e->out->cents, &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	return ERR_NONE;
}

enum err_code
vouchers_expire(const struct op_ctx *cx, struct vouchers_expire_out *out,
    struct op_refusal *why)
{
	struct expire e = { cx, out };

	out->before = cx->now - (int64_t)cx->cfg->redemption.offline_grace;
	out->count = 0;
	out->cents = 0;
	return op_run(cx, expire_step, &e, ERR_INTERNAL, why);
}
