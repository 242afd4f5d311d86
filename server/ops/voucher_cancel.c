/* voucher_cancel.c -- cancelling vouchers: the reason checked, the caseworker's scope, one transaction. */
#include <stdbool.h>

#include "booklet_issue.h"
#include "scope.h"
#include "voucher_cancel.h"

/* What is cancelled, by whom, and the store's answer. */
struct cancel {
	bool booklet;
	uint64_t id;
	const char *reason;
	const struct op_ctx *cx;
	unsigned cancelled;
};

static enum err_code
cancel_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct cancel *c = arg;
	const struct op_ctx *cx = c->cx;
	const char *noun = c->booklet ? "booklet" : "voucher";
	struct pn_error err;
	int res;

	if (c->booklet)
		res = store_booklet_cancel(tx, (int64_t)c->id,
		    scope_agency(cx->who), c->reason, cx->who, cx->now,
		    &c->cancelled, &err);
	else {
		res = store_voucher_cancel(tx, c->id, scope_agency(cx->who),
		    c->reason, cx->who, cx->now, &err);
		c->cancelled = res == 0;
	}
	if (res < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	if (res == STORE_NOT_FOUND)
		return op_refuse(why, c->booklet ? ERR_BOOKLET_NOT_FOUND :
		    ERR_VOUCHER_NOT_FOUND, NULL, "%s %llu", noun,
		    (unsigned long long)c->id);
	if (res == STORE_UNCHANGED)
		return op_refuse(why, ERR_NOT_CANCELLABLE, NULL, "%s %llu: "
		    "nothing left to cancel", noun, (unsigned long long)c->id);
	return ERR_NONE;
}

static enum err_code
cancel(const struct op_ctx *cx, bool booklet, uint64_t id,
    const char *reason, unsigned *cancelled, struct op_refusal *why)
{
	struct cancel c = { booklet, id, reason, cx, 0 };
	enum err_code code;

	*cancelled = 0;
	if (reason == NULL || !booklet_plain_text(reason, BOOKLET_REASON_MAX))
		return op_refuse(why, ERR_INVALID_FIELD, "reason", "reason: "
		    "why it is cancelled, 1 to %d characters without control "
		    "characters", BOOKLET_REASON_MAX);
	if (id > INT64_MAX)
		return op_refuse(why, booklet ? ERR_BOOKLET_NOT_FOUND :
		    ERR_VOUCHER_NOT_FOUND, NULL, "%s %llu", booklet ?
		    "booklet" : "voucher", (unsigned long long)id);
	code = op_run(cx, cancel_step, &c, ERR_STORE_UNAVAILABLE, why);
	if (code == ERR_NONE)
		*cancelled = c.cancelled;
	return code;
}

enum err_code
voucher_cancel(const struct op_ctx *cx, uint64_t serial, const char *reason,
    struct op_refusal *why)
{
	unsigned n;

	return cancel(cx, false, serial, reason, &n, why);
}

enum err_code
booklet_cancel(const struct op_ctx *cx, uint64_t id, const char *reason,
    unsigned *cancelled, struct op_refusal *why)
{
	return cancel(cx, true, id, reason, cancelled, why);
}
