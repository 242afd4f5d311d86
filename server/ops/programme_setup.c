/* programme_setup.c -- agencies, programmes and their rules: checked here, each written in one transaction. */
#include <stdio.h>
#include <string.h>

#include "field_text.h"
#include "programme_setup.h"
#include "validity.h"

enum err_code
agency_add_check(const struct agency_add_in *in, struct op_refusal *why)
{
	enum err_code code;

	if ((code = field_text_check("name", in->name, AGENCY_NAME_MAX,
	    why)) != ERR_NONE)
		return code;
	if (in->kind == NULL || (strcmp(in->kind, "eds") != 0 &&
	    strcmp(in->kind, "partner") != 0))
		return op_refuse(why, ERR_INVALID_FIELD, "kind", "kind: 'eds' "
		    "(a departmental solidarity office) or 'partner'");
	/* The commune may be left out. */
	if (in->commune == NULL || in->commune[0] == '\0')
		return ERR_NONE;
	return field_text_check("commune", in->commune, AGENCY_COMMUNE_MAX,
	    why);
}

struct agency {
	const struct op_ctx *cx;
	const struct agency_add_in *in;
	int64_t *id;
};

static enum err_code
agency_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct agency *a = arg;
	struct pn_error err;

	if (store_agency_add(tx, a->in->name, a->in->kind, a->in->commune !=
	    NULL ? a->in->commune : "", a->cx->now, op_actor(a->cx), a->id,
	    &err) == 0)
		return ERR_NONE;
	if (err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_ALREADY_RECORDED, "name", "%s",
		    err.message);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
agency_add(const struct op_ctx *cx, const struct agency_add_in *in,
    int64_t *id, struct op_refusal *why)
{
	struct agency a = { cx, in, id };
	enum err_code code;

	*id = 0;
	if ((code = agency_add_check(in, why)) != ERR_NONE)
		return code;
	return op_run(cx, agency_step, &a, ERR_INTERNAL, why);
}

/* The partner venues printed on a booklet: lines, none of them empty. */
static bool
venues_ok(const char *venues)
{
	const char *c;

	if (strlen(venues) > PROGRAMME_VENUES_MAX)
		return false;
	if (venues[0] == '\0')
		return true;
	for (c = venues; *c != '\0'; c++)
		if (*c == '\n' && (c == venues || c[1] == '\0' || c[1] == '\n'))
			return false;
	return true;
}

enum err_code
programme_add_check(const struct programme_add_in *in,
    struct store_programme *p, struct op_refusal *why)
{
	struct validity_rule rule;
	enum err_code code;

	memset(p, 0, sizeof(*p));
	/* Refused rather than cut, which could split a letter. */
	if ((code = field_text_check("name", in->name, PROGRAMME_NAME_MAX,
	    why)) != ERR_NONE)
		return code;
	if (in->face_value < 1 || in->face_value > PROGRAMME_FACE_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "face_value",
		    "face_value: cents, 1 to %d", PROGRAMME_FACE_MAX);
	if (in->per_booklet < 1 || in->per_booklet > STORE_BOOKLET_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "per_booklet",
		    "per_booklet: 1 to %d", STORE_BOOKLET_MAX);
	if (in->validity == NULL || validity_parse(in->validity, &rule) != 0)
		return op_refuse(why, ERR_INVALID_FIELD, "validity", "validity: "
		    "'year-end+DAYS' or 'days:N', got '%s'", in->validity !=
		    NULL ? in->validity : "");
	if ((code = field_text_check("territory", in->territory,
	    PROGRAMME_TERRITORY_MAX, why)) != ERR_NONE)
		return code;
	if (in->budget < 0 || in->budget > INT64_MAX / 2)
		return op_refuse(why, ERR_INVALID_FIELD, "budget", "budget: "
		    "cents");
	if (in->max_booklets < 1 || in->max_booklets > PROGRAMME_MAX_BOOKLETS)
		return op_refuse(why, ERR_INVALID_FIELD, "max_booklets",
		    "max_booklets: 1 to %d", PROGRAMME_MAX_BOOKLETS);
	if (in->instructions != NULL &&
	    strlen(in->instructions) > PROGRAMME_INSTRUCTIONS_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "instructions",
		    "instructions: at most %d bytes",
		    PROGRAMME_INSTRUCTIONS_MAX);
	if (in->venues != NULL && !venues_ok(in->venues))
		return op_refuse(why, ERR_INVALID_FIELD, "venues", "venues: one "
		    "non-empty line each; all venues together at most %d bytes",
		    PROGRAMME_VENUES_MAX);
	(void)snprintf(p->name, sizeof(p->name), "%s", in->name);
	p->face_value = in->face_value;
	p->per_booklet = in->per_booklet;
	validity_format(&rule, p->validity, sizeof(p->validity));
	(void)snprintf(p->territory, sizeof(p->territory), "%s",
	    in->territory);
	p->budget = in->budget;
	p->max_booklets = in->max_booklets;
	if (in->instructions != NULL)
		(void)snprintf(p->instructions, sizeof(p->instructions), "%s",
		    in->instructions);
	if (in->venues != NULL)
		(void)snprintf(p->venues, sizeof(p->venues), "%s", in->venues);
	return ERR_NONE;
}

struct programme {
	const struct op_ctx *cx;
	const struct store_programme *p;
	int64_t *id;
};

static enum err_code
programme_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct programme *a = arg;
	struct pn_error err;

	if (store_programme_add(tx, a->p, a->cx->now, op_actor(a->cx), a->id,
	    &err) == 0)
		return ERR_NONE;
	if (err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_ALREADY_RECORDED, "name", "%s",
		    err.message);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
programme_add(const struct op_ctx *cx, const struct programme_add_in *in,
    int64_t *id, struct op_refusal *why)
{
	struct store_programme p;
	struct programme a = { cx, &p, id };
	enum err_code code;

	*id = 0;
	if ((code = programme_add_check(in, &p, why)) != ERR_NONE)
		return code;
	return op_run(cx, programme_step, &a, ERR_INTERNAL, why);
}

enum err_code
programme_rules_check(const struct programme_rules_in *in,
    struct op_refusal *why)
{
	const char *c;

	if (in->commission_bp < 0 && in->budget_line == NULL &&
	    in->max_per_session == 0)
		return op_refuse(why, ERR_INVALID_FIELD, NULL, "give "
		    "commission_bp, budget_line or max_per_session");
	if (in->commission_bp > PROGRAMME_COMMISSION_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "commission_bp",
		    "commission_bp: 0 to %d (hundredths of a percent: 250 is "
		    "2.5 %%)", PROGRAMME_COMMISSION_MAX);
	if (in->max_per_session > PROGRAMME_PER_SESSION_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "max_per_session",
		    "max_per_session: 1 to %d vouchers of one booklet in one "
		    "session", PROGRAMME_PER_SESSION_MAX);
	if (in->budget_line == NULL)
		return ERR_NONE;
	if (strlen(in->budget_line) > PROGRAMME_BUDGET_LINE_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "budget_line",
		    "budget_line: at most %d bytes", PROGRAMME_BUDGET_LINE_MAX);
	/* The mandate list is a CSV of ';': the line is one of its fields. */
	for (c = in->budget_line; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == ';')
			return op_refuse(why, ERR_INVALID_FIELD, "budget_line",
			    "budget_line: no control characters or ';'");
	return ERR_NONE;
}

struct rules {
	const struct op_ctx *cx;
	const struct programme_rules_in *in;
	struct store_programme *out;
};

static enum err_code
rules_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct rules *r = arg;
	const struct programme_rules_in *in = r->in;
	struct pn_error err;
	int res;

	res = store_programme_set_rules(tx, in->id, in->commission_bp,
	    in->budget_line, in->max_per_session, r->cx->now, op_actor(r->cx),
	    r->out, &err);
	if (res < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (res == 1)
		return op_refuse(why, ERR_UNKNOWN_PROGRAMME, "id", "no programme "
		    "%lld", (long long)in->id);
	return ERR_NONE;
}

enum err_code
programme_set_rules(const struct op_ctx *cx,
    const struct programme_rules_in *in, struct store_programme *out,
    struct op_refusal *why)
{
	struct rules r = { cx, in, out };
	enum err_code code;

	if ((code = programme_rules_check(in, why)) != ERR_NONE)
		return code;
	return op_run(cx, rules_step, &r, ERR_INTERNAL, why);
}

struct agency_change {
	const struct op_ctx *cx;
	struct store_agency a;
	bool *changed;
};

static enum err_code
agency_edit_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct agency_change *c = arg;
	struct pn_error err;
	int res;

	res = store_agency_edit(tx, &c->a, c->cx->now, op_actor(c->cx), &err);
	*c->changed = res == 0;
	if (res == 0 || res == STORE_UNCHANGED)
		return ERR_NONE;
	if (res == STORE_NOT_FOUND)
		return op_refuse(why, ERR_AGENCY_NOT_FOUND, "id", "no agency "
		    "%lld", (long long)c->a.id);
	if (err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_ALREADY_RECORDED, "name", "another "
		    "agency is named '%s'", c->a.name);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
agency_edit(const struct op_ctx *cx, const struct agency_edit_in *in,
    bool *changed, struct op_refusal *why)
{
	struct agency_change c = { .cx = cx, .changed = changed };
	enum err_code code;

	*changed = false;
	if ((code = agency_add_check(&in->set, why)) != ERR_NONE)
		return code;
	c.a.id = in->id;
	(void)snprintf(c.a.name, sizeof(c.a.name), "%s", in->set.name);
	(void)snprintf(c.a.kind, sizeof(c.a.kind), "%s", in->set.kind);
	(void)snprintf(c.a.commune, sizeof(c.a.commune), "%s",
	    in->set.commune != NULL ? in->set.commune : "");
	return op_run(cx, agency_edit_step, &c, ERR_INTERNAL, why);
}

enum err_code
programme_edit_check(const struct programme_edit_in *in,
    struct store_programme *p, struct op_refusal *why)
{
	struct programme_rules_in rules = { in->id, in->commission_bp,
	    in->budget_line != NULL ? in->budget_line : "",
	    in->max_per_session };
	enum err_code code;

	if ((code = programme_add_check(&in->set, p, why)) != ERR_NONE)
		return code;
	/* Every rule given: none of them may be left "unchanged" here. */
	if (in->commission_bp < 0)
		return op_refuse(why, ERR_INVALID_FIELD, "commission_bp",
		    "commission_bp: 0 to %d", PROGRAMME_COMMISSION_MAX);
	if (in->max_per_session < 1)
		return op_refuse(why, ERR_INVALID_FIELD, "max_per_session",
		    "max_per_session: 1 to %d", PROGRAMME_PER_SESSION_MAX);
	if ((code = programme_rules_check(&rules, why)) != ERR_NONE)
		return code;
	p->id = in->id;
	p->commission_bp = (unsigned)in->commission_bp;
	(void)snprintf(p->budget_line, sizeof(p->budget_line), "%s",
	    rules.budget_line);
	p->max_per_session = in->max_per_session;
	return ERR_NONE;
}

struct programme_change {
	const struct op_ctx *cx;
	struct store_programme p;
	bool *changed;
};

static enum err_code
programme_edit_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct programme_change *c = arg;
	struct store_programme before;
	struct pn_error err;
	int res;

	res = store_programme_edit(tx, &c->p, c->cx->now, op_actor(c->cx),
	    &before, &err);
	*c->changed = res == 0;
	switch (res) {
	case 0:
	case STORE_UNCHANGED:
		return ERR_NONE;
	case STORE_NOT_FOUND:
		return op_refuse(why, ERR_UNKNOWN_PROGRAMME, "id", "no "
		    "programme %lld", (long long)c->p.id);
	case STORE_BELOW_COMMITTED:
		return op_refuse(why, ERR_BUDGET_BELOW_COMMITTED, "budget",
		    "budget: at least the %lld cents already committed",
		    (long long)before.committed);
	default:
		break;
	}
	if (err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_ALREADY_RECORDED, "name", "another "
		    "programme is named '%s'", c->p.name);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
programme_edit(const struct op_ctx *cx, const struct programme_edit_in *in,
    bool *changed, struct op_refusal *why)
{
	struct programme_change c = { .cx = cx, .changed = changed };
	enum err_code code;

	*changed = false;
	if ((code = programme_edit_check(in, &c.p, why)) != ERR_NONE)
		return code;
	return op_run(cx, programme_edit_step, &c, ERR_INTERNAL, why);
}
