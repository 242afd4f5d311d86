/* theme_setup.c -- the themes a training session may have: added, retired and offered again, each in one transaction. */
#include <string.h>

#include "field_text.h"
#include "theme_setup.h"

/*
 * After a theme is offered: refused (the step's writes undone) when more
 * than THEMES_OFFERED_MAX are. Counted in the step's transaction, which
 * the committer runs one at a time, so two admins cannot both add the
 * seventeenth.
 */
static enum err_code
within_limit(struct store *tx, struct op_refusal *why)
{
	struct pn_error err;
	unsigned n;

	if (store_theme_offered(tx, &n, &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (n > THEMES_OFFERED_MAX)
		return op_refuse(why, ERR_THEMES_FULL, NULL, "%u themes are "
		    "offered, at most %d", n, THEMES_OFFERED_MAX);
	return ERR_NONE;
}

struct adding {
	const struct op_ctx *cx;
	const char *name;
	int64_t *id;
};

static enum err_code
add_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct adding *a = arg;
	struct pn_error err;

	if (store_theme_add(tx, a->name, a->cx->now, op_actor(a->cx), a->id,
	    &err) == 0)
		return within_limit(tx, why);
	if (err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_ALREADY_RECORDED, "name", "%s",
		    err.message);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
theme_add(const struct op_ctx *cx, const char *name, int64_t *id,
    struct op_refusal *why)
{
	struct adding a = { cx, name, id };
	enum err_code code;

	*id = 0;
	if ((code = field_text_check("name", name, THEME_NAME_MAX, why)) !=
	    ERR_NONE)
		return code;
	/* The rule of the configuration's theme lines, for the same names. */
	if (strchr(name, ';') != NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "name", "name: no "
		    "';'");
	return op_run(cx, add_step, &a, ERR_INTERNAL, why);
}

struct retiring {
	const struct op_ctx *cx;
	int64_t id;
	bool retired;
	bool *changed;
};

static enum err_code
retire_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct retiring *r = arg;
	struct pn_error err;
	int res;

	res = store_theme_set_retired(tx, r->id, r->retired, r->cx->now,
	    op_actor(r->cx), &err);
	*r->changed = res == 0;
	/* Offered again: one more is offered. */
	if (res == 0 && !r->retired)
		return within_limit(tx, why);
	if (res == 0 || res == STORE_UNCHANGED)
		return ERR_NONE;
	if (res == STORE_NOT_FOUND)
		return op_refuse(why, ERR_THEME_NOT_FOUND, "id", "no theme "
		    "%lld", (long long)r->id);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
theme_set_retired(const struct op_ctx *cx, int64_t id, bool retired,
    bool *changed, struct op_refusal *why)
{
	struct retiring r = { cx, id, retired, changed };

	*changed = false;
	return op_run(cx, retire_step, &r, ERR_INTERNAL, why);
}
