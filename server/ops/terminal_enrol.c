/* terminal_enrol.c -- enrolment codes, the enrolment of a terminal, and its revocation. */
#include <stdbool.h>
#include <string.h>

#include "booklet_issue.h"
#include "scope.h"
#include "terminal_enrol.h"

/*
 * Whether cx may act on venue_id's terminals: passnum-admin without --as
 * (no principal: whoever holds the database file), else scope's rule.
 */
static bool
venue_acts(const struct op_ctx *cx, int64_t venue_id)
{
	return cx->who == NULL || scope_venue_acts(cx->who, venue_id);
}

/* Caseworkers and accountants never act on terminals: their role, said. */
static bool
role_acts(const struct op_ctx *cx)
{
	return cx->who == NULL || cx->who->role == ROLE_ADMIN ||
	    cx->who->role == ROLE_VENUE;
}

struct code_issue {
	const struct op_ctx *cx;
	const char *siret;
	uint8_t hash[STORE_HASH_SIZE];
	struct terminal_code_out *out;
};

static enum err_code
code_issue_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct code_issue *c = arg;
	struct store_venue v;
	struct pn_error err;
	int res;

	if ((res = store_venue_by_siret(tx, c->siret, &v, &err)) < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	/* Another venue's SIRET is answered as an unknown one. */
	if (res == STORE_NOT_FOUND || !venue_acts(c->cx, v.id))
		return op_refuse(why, ERR_VENUE_NOT_FOUND, "siret", "no venue "
		    "with SIRET %s", c->siret);
	/* Its terminals are refused anyway: a new one would only wait. */
	if (strcmp(v.status, "active") != 0)
		return op_refuse(why, ERR_VENUE_SUSPENDED_NO_ENROL, "siret",
		    "venue %s is suspended: no enrolment code", c->siret);
	res = store_enrol_code_add(tx, c->siret, c->hash, c->cx->now,
	    c->out->expires_at, op_actor(c->cx), c->out->venue_name, &err);
	if (res < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (res == STORE_NOT_FOUND)
		return op_refuse(why, ERR_VENUE_NOT_FOUND, "siret", "no venue "
		    "with SIRET %s", c->siret);
	return ERR_NONE;
}

enum err_code
terminal_code_issue(const struct op_ctx *cx, const char *siret,
    struct terminal_code_out *out, struct op_refusal *why)
{
	struct code_issue c = { cx, siret, { 0 }, out };

	memset(out, 0, sizeof(*out));
	if (!role_acts(cx))
		return op_refuse(why, ERR_FORBIDDEN, NULL, "role %s gives no "
		    "enrolment code", store_role_name(cx->who->role));
	if (enrol_code_new(out->code, c.hash) != 0)
		return op_refuse(why, ERR_INTERNAL, NULL, "no randomness for "
		    "an enrolment code");
	out->expires_at = cx->now + STORE_ENROL_CODE_TTL;
	return op_run(cx, code_issue_step, &c, ERR_INTERNAL, why);
}

/* A label for the venue's list: 1 to 64 bytes of printable text. */
static bool
label_ok(const char *label)
{
	size_t n = label != NULL ? strlen(label) : 0;
	size_t i;

	if (n == 0 || n > TERMINAL_LABEL_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			return false;
	return true;
}

struct enrol {
	const struct op_ctx *cx;
	const struct terminal_enrol_in *in;
	uint8_t hash[STORE_HASH_SIZE];
	struct store_terminal *out;
};

static enum err_code
enrol_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct enrol *e = arg;
	struct pn_error err;
	int res;

	res = store_terminal_enrol(tx, e->hash, e->in->public_key,
	    e->in->label, e->cx->now, e->out, &err);
	if (res < 0 && err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_INVALID_FIELD, "public_key",
		    "public_key: %s", err.message);
	if (res < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	if (res == STORE_NOT_FOUND)
		return op_refuse(why, ERR_ENROL_CODE, "code", "the code is not "
		    "one that can be used");
	return ERR_NONE;
}

enum err_code
terminal_enrol(const struct op_ctx *cx, const struct terminal_enrol_in *in,
    struct store_terminal *out, struct op_refusal *why)
{
	struct enrol e = { cx, in, { 0 }, out };

	if (in->code == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "code", "code: "
		    "missing");
	if (!label_ok(in->label))
		return op_refuse(why, ERR_INVALID_FIELD, "label", "label: 1 to "
		    "%d bytes without control characters", TERMINAL_LABEL_MAX);
	/* The same answer as for a wrong code: no hint either way. */
	if (enrol_code_hash(in->code, e.hash) != 0)
		return op_refuse(why, ERR_ENROL_CODE, "code", "the code is not "
		    "one that can be used");
	return op_run(cx, enrol_step, &e, ERR_STORE_UNAVAILABLE, why);
}

struct revoke {
	const struct op_ctx *cx;
	int64_t id;
	const char *reason;
};

static enum err_code
revoke_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct revoke *r = arg;
	struct store_terminal t;
	struct pn_error err;
	int res;

	if ((res = store_terminal_get(tx, r->id, &t, &err)) < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	/* Another venue's terminal is answered as one that does not exist. */
	if (res == STORE_NOT_FOUND || !venue_acts(r->cx, t.venue_id))
		return op_refuse(why, ERR_TERMINAL_NOT_FOUND, NULL, "no "
		    "terminal %lld", (long long)r->id);
	/*
	 * A browser's terminal (web_terminal.h) is its user's account acting:
	 * its access ends with the account (passnum-admin user disable),
	 * which ends the sessions too, rather than by a revocation that
	 * would leave the account logged in.
	 */
	if (t.web_user_id != 0)
		return op_refuse(why, ERR_BROWSER_TERMINAL, NULL, "terminal "
		    "%lld is user %lld's browser: disable the account instead",
		    (long long)r->id, (long long)t.web_user_id);
	res = store_terminal_revoke(tx, r->id, r->reason, r->cx->now,
	    op_actor(r->cx), &err);
	if (res < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	if (res == STORE_NOT_FOUND)
		return op_refuse(why, ERR_TERMINAL_NOT_FOUND, NULL, "no "
		    "terminal %lld", (long long)r->id);
	if (res == STORE_UNCHANGED)
		return op_refuse(why, ERR_TERMINAL_ALREADY_REVOKED, NULL,
		    "terminal %lld is already revoked", (long long)r->id);
	return ERR_NONE;
}

enum err_code
terminal_revoke(const struct op_ctx *cx, int64_t id, const char *reason,
    struct op_refusal *why)
{
	struct revoke r = { cx, id, reason };

	if (!role_acts(cx))
		return op_refuse(why, ERR_FORBIDDEN, NULL, "role %s revokes no "
		    "terminal", store_role_name(cx->who->role));
	if (reason == NULL || !booklet_plain_text(reason,
	    TERMINAL_REASON_MAX))
		return op_refuse(why, ERR_INVALID_FIELD, "reason", "reason: "
		    "why it is revoked, 1 to %d bytes without control "
		    "characters", TERMINAL_REASON_MAX);
	if (id <= 0)
		return op_refuse(why, ERR_TERMINAL_NOT_FOUND, NULL, "no "
		    "terminal %lld", (long long)id);
	return op_run(cx, revoke_step, &r, ERR_STORE_UNAVAILABLE, why);
}
