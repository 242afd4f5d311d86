/* op.c -- the runner of operations (op.h) over the store's committer. */
#include <stdarg.h>
#include <stdio.h>

#include "op.h"

const char *
op_actor(const struct op_ctx *cx)
{
	return cx->who != NULL ? cx->who->login : cx->actor;
}

enum err_code
op_refuse(struct op_refusal *why, enum err_code code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	why->code = code;
	why->field = field;
	va_start(ap, fmt);
	(void)vsnprintf(why->detail, sizeof(why->detail), fmt, ap);
	va_end(ap);
	return code;
}

enum err_code
op_failed(struct op_refusal *why, enum err_code code,
    const struct pn_error *err)
{
	return op_refuse(why, code, NULL, "%s", err->message);
}

enum err_code
op_answer(struct op_refusal *why, int rc, const struct pn_error *err)
{
	if (rc == 0)
		return ERR_NONE;
	return op_failed(why, rc < 0 ? ERR_INTERNAL : (enum err_code)rc, err);
}

/* op_run()'s argument to store_tx(): the step and what it answered. */
struct op_job {
	op_step step;
	void *arg;
	struct op_refusal *why;
	enum err_code outcome;
};

static int
op_job_run(struct store *tx, void *arg, struct pn_error *err)
{
	struct op_job *j = arg;

	(void)err;
	j->outcome = j->step(tx, j->arg, j->why);
	/* A refusal undoes the step's writes; ERR_INTERNAL too. */
	return j->outcome == ERR_NONE ? 0 : 1;
}

enum err_code
op_run(const struct op_ctx *cx, op_step step, void *arg,
    enum err_code failed, struct op_refusal *why)
{
	struct op_job j = { step, arg, why, ERR_NONE };
	struct pn_error err;

	if (store_tx(cx->s, op_job_run, &j, &err) < 0)
		return op_failed(why, failed, &err);
	return j.outcome;
}
