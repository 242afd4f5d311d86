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

/* Only an admin acts on a venue's record from the pages. */
static enum err_code
admin_only(const struct op_ctx *cx, struct op_refusal *why)
{
	if (cx->who == NULL || cx->who->role != ROLE_ADMIN)
		return op_refuse(why, ERR_FORBIDDEN, NULL, "admins only");
	return ERR_NONE;
}

enum err_code
venue_edit_check(const struct venue_edit_in *in, struct store_venue *v,
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
	if (in->accredited_until < 0 || (in->accredited_until != 0 &&
	    in->accredited_until <= in->accredited_from))
		return op_refuse(why, ERR_INVALID_FIELD, "accredited_until",
		    "accredited_until must come after accredited_from");
	v->id = in->id;
	copy(v->name, sizeof(v->name), in->name);
	copy(v->address, sizeof(v->address), in->address);
	copy(v->commune, sizeof(v->commune), in->commune);
	copy(v->contact, sizeof(v->contact), in->contact);
	v->accredited_from = in->accredited_from;
	v->accredited_until = in->accredited_until;
	return ERR_NONE;
}

struct edit {
	const struct op_ctx *cx;
	struct store_venue v;
};

static enum err_code
edit_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct edit *e = arg;
	struct pn_error err;
	int rc;

	rc = store_venue_edit(tx, &e->v, e->cx->now, op_actor(e->cx), &err);
	if (rc == STORE_NOT_FOUND)
		return op_refuse(why, ERR_VENUE_NOT_FOUND, NULL, "no venue %lld",
		    (long long)e->v.id);
	return op_answer(why, rc, &err);
}

enum err_code
venue_edit(const struct op_ctx *cx, const struct venue_edit_in *in,
    struct op_refusal *why)
{
	struct edit e = { cx, { 0 } };
	enum err_code code;

	if ((code = admin_only(cx, why)) != ERR_NONE ||
	    (code = venue_edit_check(in, &e.v, why)) != ERR_NONE)
		return code;
	return op_run(cx, edit_step, &e, ERR_INTERNAL, why);
}

struct bank {
	const struct op_ctx *cx;
	int64_t venue_id;
	int64_t change_id;
	char iban[PN_IBAN_MAX + 1];
	char bic[PN_BIC_MAX + 1];
};

static enum err_code
bank_request_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct bank *b = arg;
	struct pn_error err;
	int rc;

	rc = store_venue_bank_request(tx, b->venue_id, b->iban, b->bic,
	    b->cx->who->user_id, b->cx->now, op_actor(b->cx), &err);
	if (rc == STORE_NOT_FOUND)
		return op_refuse(why, ERR_VENUE_NOT_FOUND, NULL, "no venue %lld",
		    (long long)b->venue_id);
	if (rc == STORE_UNCHANGED)
		return op_refuse(why, ERR_BANK_CHANGE_SAME, "iban", "venue "
		    "%lld already has IBAN %s BIC %s", (long long)b->venue_id,
		    b->iban, b->bic);
	if (rc == STORE_BANK_PENDING)
		return op_refuse(why, ERR_BANK_CHANGE_PENDING, NULL, "venue "
		    "%lld has a change pending", (long long)b->venue_id);
	return op_answer(why, rc, &err);
}

enum err_code
venue_bank_request(const struct op_ctx *cx, int64_t venue_id,
    const char *iban, const char *bic, struct op_refusal *why)
{
	struct bank b = { cx, venue_id, 0, "", "" };
	enum err_code code;

	if ((code = admin_only(cx, why)) != ERR_NONE)
		return code;
	if (iban == NULL || bic == NULL)
		return op_refuse(why, ERR_INVALID_FIELD, iban == NULL ? "iban" :
		    "bic", "IBAN and BIC are required");
	if ((code = id_check("iban", "IBAN", pn_iban_parse(iban, b.iban),
	    why)) != ERR_NONE ||
	    (code = id_check("bic", "BIC", pn_bic_parse(bic, b.bic),
	    why)) != ERR_NONE)
		return code;
	return op_run(cx, bank_request_step, &b, ERR_INTERNAL, why);
}

static enum err_code
bank_approve_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct bank *b = arg;
	struct pn_error err;
	int rc;

	rc = store_venue_bank_approve(tx, b->venue_id, b->change_id,
	    b->cx->who->user_id, b->cx->now, op_actor(b->cx), &err);
	if (rc == STORE_NOT_FOUND)
		return op_refuse(why, ERR_BANK_CHANGE_NOT_FOUND, NULL, "no "
		    "pending change %lld of venue %lld", (long long)b->change_id,
		    (long long)b->venue_id);
	if (rc == STORE_BANK_OWN)
		return op_refuse(why, ERR_BANK_CHANGE_OWN, NULL, "%s asked for "
		    "change %lld", b->cx->who->login, (long long)b->change_id);
	return op_answer(why, rc, &err);
}

enum err_code
venue_bank_approve(const struct op_ctx *cx, int64_t venue_id,
    int64_t change_id, struct op_refusal *why)
{
	struct bank b = { cx, venue_id, change_id, "", "" };
	enum err_code code;

	if ((code = admin_only(cx, why)) != ERR_NONE)
		return code;
	return op_run(cx, bank_approve_step, &b, ERR_INTERNAL, why);
}
