/* venue_register.c -- recording a partner venue, suspending and resuming it. */
#include <stdio.h>
#include <string.h>

#include "field_text.h"
#include "venue_register.h"

/* An identifier through its parser: ERR_NONE, or refused with its message. */
static enum err_code
id_check(const char *field, const char *what, enum pn_id_status st,
    struct op_refusal *why)
{
	char msg[200];

	if (st == PN_ID_OK)
		return ERR_NONE;
	return op_refuse(why, ERR_INVALID_FIELD, field, "%s",
	    pn_id_status_message(st, what, msg, sizeof(msg)));
}

/* text (checked to fit) into out. */
static void
copy(char *out, size_t len, const char *text)
{
	(void)snprintf(out, len, "%s", text);
}

enum err_code
venue_add_check(const struct venue_add_in *in, struct store_venue *v,
    struct op_refusal *why)
{
	enum err_code code;

	memset(v, 0, sizeof(*v));
	if ((code = field_text_check("name", in->name, VENUE_NAME_MAX,
	    why)) != ERR_NONE ||
	    (code = field_text_check("address", in->address,
	    VENUE_ADDRESS_MAX, why)) != ERR_NONE ||
	    (code = field_text_check("commune", in->commune,
	    VENUE_COMMUNE_MAX, why)) != ERR_NONE ||
	    (code = field_text_check("contact", in->contact,
	    VENUE_CONTACT_MAX, why)) != ERR_NONE)
		return code;
	if (in->siret == NULL || in->iban == NULL || in->bic == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, in->siret == NULL ?
		    "siret" : in->iban == NULL ? "iban" : "bic", "SIRET, IBAN "
		    "and BIC are required");
	if ((code = id_check("siret", "SIRET", pn_siret_parse(in->siret,
	    v->siret), why)) != ERR_NONE ||
	    (code = id_check("iban", "IBAN", pn_iban_parse(in->iban, v->iban),
	    why)) != ERR_NONE ||
	    (code = id_check("bic", "BIC", pn_bic_parse(in->bic, v->bic),
	    why)) != ERR_NONE)
		return code;
	/* 0 is "no end date": an end before 1970 is no date at all. */
	if (in->accredited_until < 0 || (in->accredited_until != 0 &&
	    in->accredited_until <= in->accredited_from))
		return op_refuse(why, ERR_INVALID_FIELD, "accredited_until",
		    "accredited_until must come after accredited_from");
	copy(v->name, sizeof(v->name), in->name);
	copy(v->address, sizeof(v->address), in->address);
	copy(v->commune, sizeof(v->commune), in->commune);
	copy(v->contact, sizeof(v->contact), in->contact);
	v->accredited_from = in->accredited_from;
	v->accredited_until = in->accredited_until;
	copy(v->status, sizeof(v->status), "active");
	return ERR_NONE;
}

struct add {
	const struct op_ctx *cx;
	struct store_venue *v;
};

static enum err_code
add_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct add *a = arg;
	struct pn_error err;

	if (store_venue_add(tx, a->v, a->cx->now, op_actor(a->cx), &a->v->id,
	    &err) == 0)
		return ERR_NONE;
	if (err.code == PN_E_EXISTS)
		return op_refuse(why, ERR_ALREADY_RECORDED, "siret", "%s",
		    err.message);
	return op_failed(why, ERR_INTERNAL, &err);
}

enum err_code
venue_add(const struct op_ctx *cx, const struct venue_add_in *in,
    struct store_venue *out, struct op_refusal *why)
{
	struct add a = { cx, out };
	enum err_code code;

	if ((code = venue_add_check(in, out, why)) != ERR_NONE)
		return code;
	return op_run(cx, add_step, &a, ERR_INTERNAL, why);
}

enum err_code
venue_status_check(const struct venue_status_in *in,
    char siret[PN_SIRET_LEN + 1], struct op_refusal *why)
{
	enum err_code code;

	siret[0] = '\0';
	if (in->siret == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, "siret", "SIRET: "
		    "required");
	if ((code = id_check("siret", "SIRET", pn_siret_parse(in->siret,
	    siret), why)) != ERR_NONE)
		return code;
	if (in->suspend)
		return field_text_check("reason", in->reason, VENUE_REASON_MAX,
		    why);
	return ERR_NONE;
}

struct status {
	const struct op_ctx *cx;
	const struct venue_status_in *in;
	char siret[PN_SIRET_LEN + 1];
};

static enum err_code
status_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct status *st = arg;
	bool suspend = st->in->suspend;
	struct pn_error err;
	int res;

	res = store_venue_set_status(tx, st->siret, suspend, suspend ?
	    st->in->reason : NULL, st->cx->now, op_actor(st->cx), &err);
	if (res < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (res == 1)
		return op_refuse(why, ERR_VENUE_NOT_FOUND, "siret", "no venue "
		    "with SIRET %s", st->siret);
	if (res == 2)
		return op_refuse(why, ERR_VENUE_STATUS_UNCHANGED, NULL, "venue "
		    "%s is already %s", st->siret, suspend ? "suspended" :
		    "active");
	return ERR_NONE;
}

enum err_code
venue_set_status(const struct op_ctx *cx, const struct venue_status_in *in,
    struct op_refusal *why)
{
	struct status st = { cx, in, "" };
	enum err_code code;

	if ((code = venue_status_check(in, st.siret, why)) != ERR_NONE)
		return code;
	return op_run(cx, status_step, &st, ERR_INTERNAL, why);
}
