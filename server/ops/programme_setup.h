/* programme_setup.h -- the operations that set up what booklets are issued under: agencies, programmes and their rules (op.h). */
#ifndef PN_PROGRAMME_SETUP_H
#define PN_PROGRAMME_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "op.h"

#define AGENCY_NAME_MAX		127	/* bytes */
#define AGENCY_COMMUNE_MAX	127
#define PROGRAMME_NAME_MAX	127
#define PROGRAMME_TERRITORY_MAX	127
#define PROGRAMME_INSTRUCTIONS_MAX 1023
#define PROGRAMME_VENUES_MAX	2047	/* all the lines together */
#define PROGRAMME_FACE_MAX	100000000	/* cents: 1 000 000 EUR */
#define PROGRAMME_MAX_BOOKLETS	100
#define PROGRAMME_COMMISSION_MAX 10000	/* basis points: all of it */
#define PROGRAMME_BUDGET_LINE_MAX 64
#define PROGRAMME_PER_SESSION_MAX 100

/* An agency: a departmental solidarity office ("eds") or a partner. */
struct agency_add_in {
	const char *name;
	const char *kind;		/* "eds" or "partner" */
	const char *commune;		/* "" when none */
};

/* Check in only, as agency_add() does: ERR_NONE or ERR_INVALID_FIELD. */
enum err_code agency_add_check(const struct agency_add_in *in,
    struct op_refusal *why);

/*
 * Record in's agency, with an audit row "agency.add". ERR_NONE and *id;
 * ERR_INVALID_FIELD, ERR_ALREADY_RECORDED (its name), ERR_INTERNAL.
 */
enum err_code agency_add(const struct op_ctx *cx,
    const struct agency_add_in *in, int64_t *id, struct op_refusal *why);

/* A programme, as it is set up. */
struct programme_add_in {
	const char *name;
	int64_t face_value;		/* cents, 1 to PROGRAMME_FACE_MAX */
	unsigned per_booklet;		/* 1 to STORE_BOOKLET_MAX */
	const char *validity;		/* "year-end+DAYS" or "days:N" */
	const char *territory;
	int64_t budget;			/* cents, 0 to INT64_MAX / 2 */
	unsigned max_booklets;		/* per person, without a reason */
	const char *instructions;	/* on the booklet's cover; NULL: none */
	const char *venues;		/* one partner per line; NULL: none */
};

/*
 * Check in only, as programme_add() does, and fill *p with the programme
 * it would record (the validity rule in its canonical text): ERR_NONE,
 * or ERR_INVALID_FIELD naming the field. Touches nothing.
 */
enum err_code programme_add_check(const struct programme_add_in *in,
    struct store_programme *p, struct op_refusal *why);

/*
 * Record in's programme, with an audit row "programme.add". ERR_NONE and
 * *id; ERR_INVALID_FIELD, ERR_ALREADY_RECORDED, ERR_INTERNAL.
 */
enum err_code programme_add(const struct op_ctx *cx,
    const struct programme_add_in *in, int64_t *id, struct op_refusal *why);

/* A change of a programme's rules: each is changed when given. */
struct programme_rules_in {
	int64_t id;
	int commission_bp;		/* 0 to 10000; -1: unchanged */
	const char *budget_line;	/* 0 to 64 bytes; NULL: unchanged */
	unsigned max_per_session;	/* 1 to 100; 0: unchanged */
};

/*
 * Check in only, as programme_set_rules() does: ERR_NONE, or
 * ERR_INVALID_FIELD naming the field (NULL when none is given).
 */
enum err_code programme_rules_check(const struct programme_rules_in *in,
    struct op_refusal *why);

/*
 * Change the rules in gives, with an audit row "programme.rules".
 * ERR_NONE and *out, the programme as it then is; ERR_INVALID_FIELD,
 * ERR_UNKNOWN_PROGRAMME, ERR_INTERNAL.
 */
enum err_code programme_set_rules(const struct op_ctx *cx,
    const struct programme_rules_in *in, struct store_programme *out,
    struct op_refusal *why);

/* An agency's new name, kind and commune (agency_add_check()'s rules). */
struct agency_edit_in {
	int64_t id;
	struct agency_add_in set;
};

/*
 * Change agency in->id, with an audit row "agency.edit" naming what
 * changed; *changed is false when nothing did (no row). The agency's
 * booklets and caseworkers stay its own. ERR_NONE; ERR_INVALID_FIELD,
 * ERR_AGENCY_NOT_FOUND, ERR_ALREADY_RECORDED (the name), ERR_INTERNAL.
 */
enum err_code agency_edit(const struct op_ctx *cx,
    const struct agency_edit_in *in, bool *changed, struct op_refusal *why);

/* Every setting of a programme, as its page gives them. */
struct programme_edit_in {
	int64_t id;
	struct programme_add_in set;	/* NULL texts are empty */
	int commission_bp;		/* 0 to PROGRAMME_COMMISSION_MAX */
	const char *budget_line;
	unsigned max_per_session;	/* 1 to PROGRAMME_PER_SESSION_MAX */
};

/*
 * Check in only, as programme_edit() does, and fill *p with what it
 * would record: ERR_NONE, or ERR_INVALID_FIELD naming the field.
 */
enum err_code programme_edit_check(const struct programme_edit_in *in,
    struct store_programme *p, struct op_refusal *why);

/*
 * Give programme in->id every setting of in, with an audit row
 * "programme.edit" naming what changed; *changed is false when nothing
 * did. A change applies forward: the booklets issued keep the amount
 * and expiry of their vouchers, the next draft takes the commission.
 * ERR_NONE; ERR_INVALID_FIELD, ERR_UNKNOWN_PROGRAMME,
 * ERR_BUDGET_BELOW_COMMITTED (field "budget"), ERR_ALREADY_RECORDED (the
 * name), ERR_INTERNAL.
 */
enum err_code programme_edit(const struct op_ctx *cx,
    const struct programme_edit_in *in, bool *changed,
    struct op_refusal *why);

#endif
