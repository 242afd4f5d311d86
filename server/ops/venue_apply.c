/* venue_apply.c -- a venue's application, and the admin's acceptance or refusal of it. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "passnum/bankid.h"
#include "account.h"
#include "field_text.h"
#include "venue_apply.h"
#include "venue_register.h"

/* Add a refusal to why[*n] when there is room. */
static void
keep(struct op_refusal *why, size_t max, size_t *n,
    const struct op_refusal *r)
{
	if (*n < max)
		why[*n] = *r;
	(*n)++;
}

static void
text(const char *field, const char *value, size_t limit, char *out,
    size_t len, struct op_refusal *why, size_t max, size_t *n)
{
	struct op_refusal r;

	if (field_text_check(field, value, limit, &r) != ERR_NONE)
		keep(why, max, n, &r);
	else
		(void)snprintf(out, len, "%s", value);
}

/* An optional text (themes, message): "" allowed, lines allowed. */
static void
optional(const char *field, const char *value, size_t limit, char *out,
    size_t len, struct op_refusal *why, size_t max, size_t *n)
{
	struct op_refusal r;
	const unsigned char *p;

	if (value == NULL)
		value = "";
	if (strlen(value) > limit) {
		(void)op_refuse(&r, ERR_INVALID_FIELD, field, "%s: at most %zu "
		    "bytes", field, limit);
		keep(why, max, n, &r);
		return;
	}
	/* Lines, but no other control character: no forged listing line. */
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r') || *p == 0x7f) {
			(void)op_refuse(&r, ERR_INVALID_FIELD, field, "%s: no "
			    "control characters", field);
			keep(why, max, n, &r);
			return;
		}
	(void)snprintf(out, len, "%s", value);
}

static void
ident(const char *field, const char *what, enum pn_id_status st,
    struct op_refusal *why, size_t max, size_t *n)
{
	struct op_refusal r;
	char msg[200];

	if (st == PN_ID_OK)
		return;
	(void)op_refuse(&r, ERR_INVALID_FIELD, field, "%s",
	    pn_id_status_message(st, what, msg, sizeof(msg)));
	keep(why, max, n, &r);
}

size_t
venue_apply_check(const struct venue_apply_in *in,
    struct store_application *a, struct op_refusal *why, size_t max)
{
	struct op_refusal r;
	size_t n = 0;

	memset(a, 0, sizeof(*a));
	text("name", in->name, VENUE_NAME_MAX, a->name, sizeof(a->name), why,
	    max, &n);
	ident("siret", "SIRET", in->siret == NULL ? PN_ID_EMPTY :
	    pn_siret_parse(in->siret, a->siret), why, max, &n);
	text("address", in->address, VENUE_ADDRESS_MAX, a->address,
	    sizeof(a->address), why, max, &n);
	text("commune", in->commune, VENUE_COMMUNE_MAX, a->commune,
	    sizeof(a->commune), why, max, &n);
	text("contact_name", in->contact_name, APPLY_CONTACT_MAX,
	    a->contact_name, sizeof(a->contact_name), why, max, &n);
	text("contact_email", in->contact_email, APPLY_CONTACT_MAX,
	    a->contact_email, sizeof(a->contact_email), why, max, &n);
	if (a->contact_email[0] != '\0' && (strchr(a->contact_email, '@') ==
	    NULL || strchr(a->contact_email, ' ') != NULL)) {
		(void)op_refuse(&r, ERR_INVALID_FIELD, "contact_email",
		    "contact_email: not an e-mail address");
		keep(why, max, &n, &r);
	}
	text("contact_phone", in->contact_phone, APPLY_PHONE_MAX,
	    a->contact_phone, sizeof(a->contact_phone), why, max, &n);
	ident("iban", "IBAN", in->iban == NULL ? PN_ID_EMPTY :
	    pn_iban_parse(in->iban, a->iban), why, max, &n);
	ident("bic", "BIC", in->bic == NULL ? PN_ID_EMPTY :
	    pn_bic_parse(in->bic, a->bic), why, max, &n);
	optional("themes", in->themes, APPLY_THEMES_MAX, a->themes,
	    sizeof(a->themes), why, max, &n);
	optional("message", in->message, APPLY_MESSAGE_MAX, a->message,
	    sizeof(a->message), why, max, &n);
	(void)snprintf(a->from_address, sizeof(a->from_address), "%s",
	    in->from_address != NULL ? in->from_address : "");
	return n;
}

struct apply {
	const struct op_ctx *cx;
	struct store_application *a;
	int64_t *id;
};

static enum err_code
apply_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct apply *ap = arg;
	struct pn_error err;
	unsigned n;

	/* Counted in the transaction that adds: two at once make two. */
	if (store_application_count(tx, ap->a->from_address,
	    ap->cx->now - 86400, &n, &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (n >= APPLY_PER_DAY)
		return op_refuse(why, ERR_APPLICATION_RATE_LIMITED, NULL,
		    "%u applications from %s within a day", n,
		    ap->a->from_address);
	if (store_application_add(tx, ap->a, op_actor(ap->cx), ap->id,
	    &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	return ERR_NONE;
}

enum err_code
venue_apply(const struct op_ctx *cx, const struct venue_apply_in *in,
    int64_t *id, struct op_refusal *why)
{
	struct store_application a;
	struct apply ap = { cx, &a, id };

	*id = 0;
	if (venue_apply_check(in, &a, why, 1) != 0)
		return why->code;
	a.received_at = cx->now;
	return op_run(cx, apply_step, &ap, ERR_INTERNAL, why);
}

/* A one-time password: no 0/O, 1/l/I, that people copy from paper. */
static void
password_draw(char out[APPLY_PASSWORD_LEN + 1])
{
	static const char set[] = "abcdefghijkmnopqrstuvwxyz"
	    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t i;

	for (i = 0; i < APPLY_PASSWORD_LEN; i++)
		out[i] = set[randombytes_uniform(sizeof(set) - 1)];
	out[APPLY_PASSWORD_LEN] = '\0';
}

struct accept {
	const struct op_ctx *cx;
	int64_t id;
	const char *hash;
	struct application_accept_out *out;
};

static enum err_code
decided(struct op_refusal *why, int res, int64_t id, const struct pn_error *err)
{
	if (res == STORE_NOT_FOUND)
		return op_refuse(why, ERR_APPLICATION_NOT_FOUND, NULL,
		    "no application %lld", (long long)id);
	if (res == STORE_UNCHANGED)
		return op_refuse(why, ERR_APPLICATION_DECIDED, NULL,
		    "application %lld is no longer pending", (long long)id);
	return op_failed(why, ERR_INTERNAL, err);
}

static enum err_code
accept_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct accept *ac = arg;
	const struct op_ctx *cx = ac->cx;
	struct application_accept_out *out = ac->out;
	struct store_application a;
	struct venue_add_in vin;
	struct pn_error err;
	char contact[512];	/* venue_add_check() holds it to its limit */
	enum err_code code;
	int64_t user_id;
	int res;

	if ((res = store_application_get(tx, ac->id, &a, &err)) != 0)
		return decided(why, res, ac->id, &err);
	if (strcmp(a.status, "pending") != 0)
		return decided(why, STORE_UNCHANGED, ac->id, &err);
	(void)snprintf(contact, sizeof(contact), "%s, %s, %s", a.contact_name,
	    a.contact_email, a.contact_phone);
	vin = (struct venue_add_in){ a.name, a.siret, a.address, a.commune,
	    a.iban, a.bic, contact, cx->now, 0 };
	/* The rule of venue_add(), on what the application holds now. */
	if ((code = venue_add_check(&vin, &out->venue, why)) != ERR_NONE)
		return code;
	if (store_venue_add(tx, &out->venue, cx->now, op_actor(cx),
	    &out->venue.id, &err) != 0) {
		if (err.code == PN_E_EXISTS)
			return op_refuse(why, ERR_ALREADY_RECORDED, "siret",
			    "%s", err.message);
		return op_failed(why, ERR_INTERNAL, &err);
	}
	(void)snprintf(out->login, sizeof(out->login), "lieu-%s", a.siret);
	if (store_user_add(tx, out->login, a.contact_name, ROLE_VENUE, 0,
	    out->venue.id, ac->hash, cx->now, op_actor(cx), &user_id,
	    &err) != 0) {
		if (err.code == PN_E_EXISTS)
			return op_refuse(why, ERR_ALREADY_RECORDED, "login",
			    "%s", err.message);
		return op_failed(why, ERR_INTERNAL, &err);
	}
	/* A one-time password: its holder chooses their own first. */
	if (store_user_set_must_change(tx, user_id, true, &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if ((res = store_application_decide(tx, ac->id, true, NULL,
	    out->venue.id, out->login, cx->now, op_actor(cx), &err)) != 0)
		return decided(why, res, ac->id, &err);
	return ERR_NONE;
}

enum err_code
application_accept(const struct op_ctx *cx, int64_t id,
    struct application_accept_out *out, struct op_refusal *why)
{
	char hash[crypto_pwhash_STRBYTES];
	struct accept ac = { cx, id, hash, out };
	enum err_code code;

	memset(out, 0, sizeof(*out));
	password_draw(out->password);
	if (crypto_pwhash_str(hash, out->password, strlen(out->password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		sodium_memzero(out->password, sizeof(out->password));
		return op_refuse(why, ERR_INTERNAL, NULL, "password hashing "
		    "ran out of memory");
	}
	code = op_run(cx, accept_step, &ac, ERR_INTERNAL, why);
	sodium_memzero(hash, sizeof(hash));
	if (code != ERR_NONE)
		sodium_memzero(out->password, sizeof(out->password));
	return code;
}

struct refuse {
	const struct op_ctx *cx;
	int64_t id;
	const char *reason;
};

static enum err_code
refuse_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct refuse *rf = arg;
	struct pn_error err;
	int res;

	if ((res = store_application_decide(tx, rf->id, false, rf->reason, 0,
	    NULL, rf->cx->now, op_actor(rf->cx), &err)) != 0)
		return decided(why, res, rf->id, &err);
	return ERR_NONE;
}

enum err_code
application_refuse(const struct op_ctx *cx, int64_t id, const char *reason,
    struct op_refusal *why)
{
	struct refuse rf = { cx, id, reason };
	enum err_code code;

	if ((code = field_text_check("reason", reason, APPLY_REASON_MAX,
	    why)) != ERR_NONE)
		return code;
	return op_run(cx, refuse_step, &rf, ERR_INTERNAL, why);
}
