/* terminal_enrol.c -- enrolment codes and the enrolment of a terminal. */
#include <stdbool.h>
#include <string.h>

#include "terminal_enrol.h"

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
	struct pn_error err;
	int res;

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
