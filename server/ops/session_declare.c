/* session_declare.c -- a training session's rules, then its declaration with the request's nonce. */
#include <stdio.h>
#include <string.h>

#include "passnum/request.h"
#include "honest_time.h"
#include "session_declare.h"

/* The step's arguments and answer. */
struct declare {
	const struct op_ctx *cx;
	const struct session_declare_in *in;
	struct store_training session;
	int64_t earliest;
	struct session_declare_out *out;
	bool otherwise;		/* its uid was declared with another content */
};

static enum err_code
declare_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct declare *d = arg;
	const struct session_declare_in *in = d->in;
	const struct config_redemption *rules = &d->cx->cfg->redemption;
	struct pn_error err;
	int res;

	res = store_training_declare(tx, in->terminal, &d->session, in->nonce,
	    d->cx->now, d->earliest, &d->out->session, &err);
	if (res < 0 && err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_REPLAYED_NONCE, NULL, "this nonce "
		    "was used before; nothing was done");
	if (res < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	/*
	 * Refused, but the request's nonce is kept, as the terminal's
	 * contact (honest_time.h): the step keeps its writes, and the
	 * refusal is given once they are committed.
	 */
	if (res == STORE_DECLARED_OTHERWISE) {
		d->otherwise = true;
		return ERR_NONE;
	}
	if (res == STORE_BACKDATED)
		return op_refuse(why, ERR_SESSION_BACKDATED, NULL, "starts_at "
		    "%lld is before %lld: within %u s of the declaration, or, "
		    "opened offline, after the terminal's previous exchange "
		    "(%lld) less %u s and within %u s",
		    (long long)in->starts_at, (long long)d->earliest,
		    rules->session_tolerance,
		    (long long)honest_previous_exchange(in->terminal,
		    d->cx->now), rules->clock_tolerance, rules->offline_grace);
	d->out->created = res == STORE_DECLARED;
	return ERR_NONE;
}

enum err_code
session_declare(const struct op_ctx *cx, const struct session_declare_in *in,
    struct session_declare_out *out, struct op_refusal *why)
{
	struct declare d = { cx, in, { 0 }, 0, out, false };
	char uid[2 * 16 + 1];
	struct pn_error err;
	enum err_code code;
	int res;

	if (in->theme == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "theme", "theme: "
		    "missing");
	/* The admins' list (schema 22): retired after it starts is fine. */
	if ((res = store_theme_usable(cx->s, in->theme, in->starts_at,
	    &err)) < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	if (res == 0)
		return op_refuse(why, ERR_UNKNOWN_THEME, "theme", "'%.128s' is "
		    "not a theme; GET /api/v1/themes lists them", in->theme);
	if (in->starts_at <= 0)
		return op_refuse(why, ERR_INVALID_FIELD, "starts_at",
		    "starts_at: Unix seconds expected");
	if (in->duration_minutes < 1 ||
	    in->duration_minutes > SESSION_DURATION_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "duration_minutes",
		    "duration_minutes: 1 to %d expected",
		    SESSION_DURATION_MAX);
	memcpy(d.session.uid, in->uid, sizeof(d.session.uid));
	(void)snprintf(d.session.theme, sizeof(d.session.theme), "%s",
	    in->theme);
	d.session.starts_at = in->starts_at;
	d.session.duration_minutes = (unsigned)in->duration_minutes;
	d.earliest = in->browser ? cx->now -
	    (int64_t)cx->cfg->redemption.session_tolerance :
	    honest_earliest_session(in->terminal, cx->now,
	    &cx->cfg->redemption);
	memset(out, 0, sizeof(*out));
	code = op_run(cx, declare_step, &d, ERR_STORE_UNAVAILABLE, why);
	if (code == ERR_NONE && d.otherwise) {
		pn_hex_encode(in->uid, sizeof(in->uid), uid);
		return op_refuse(why, ERR_SESSION_MISMATCH, NULL, "session %s "
		    "was declared with another theme, start or duration", uid);
	}
	return code;
}
