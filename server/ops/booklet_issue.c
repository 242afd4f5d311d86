/* booklet_issue.c -- checking a booklet request and issuing it with the server's keys. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beneficiary_ref.h"
#include "booklet_issue.h"

const struct booklet_choice booklet_pathways[] = {
	{ "rsa", "RSA" },
	{ "revenu-jeunes", "Revenu jeunes" },
	{ "other", "Autre parcours" },
};
const struct booklet_choice booklet_age_bands[] = {
	{ "16-25", "16 à 25 ans" },
	{ "26-44", "26 à 44 ans" },
	{ "45-64", "45 à 64 ans" },
	{ "65+", "65 ans et plus" },
};
const size_t booklet_pathways_count =
    sizeof(booklet_pathways) / sizeof(booklet_pathways[0]);
const size_t booklet_age_bands_count =
    sizeof(booklet_age_bands) / sizeof(booklet_age_bands[0]);

static int
sign_voucher(void *ctx, struct pn_voucher *v)
{
	return pn_voucher_sign(v, ctx);
}

void
booklet_signer(struct store_signer *sg, const struct pn_signing_key *key,
    const struct pn_cert *cert)
{
	sg->sign = sign_voucher;
	sg->ctx = (void *)key;
	sg->valid_from = cert->valid_from;
	sg->sign_until = cert->sign_until;
	sg->verify_until = cert->verify_until;
}

static bool
one_of(const char *s, const struct booklet_choice *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, set[i].value) == 0)
			return true;
	return false;
}

/* Blank references would all hash alike, as if one person. */
bool
booklet_plain_text(const char *s, size_t max)
{
	size_t n = strlen(s), i;
	bool blank = true;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++) {
		if (iscntrl((unsigned char)s[i]))
			return false;
		if (s[i] != ' ')
			blank = false;
	}
	return !blank;
}

/* 1 to BOOKLET_IDEM_KEY_MAX printable ASCII characters. */
static bool
idem_key_valid(const char *key)
{
	size_t n = strlen(key), i;

	if (n == 0 || n > BOOKLET_IDEM_KEY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
			return false;
	return true;
}

/*
 * The keyed hash of everything in asks for, one field a line (no field
 * holds a control character): what an idempotency key is bound to.
 * 0, or -1 when it does not fit (it always does after booklet_issue_check()).
 */
static int
request_hash(const struct keyring *k, const struct booklet_issue_in *in,
    uint8_t out[STORE_HASH_SIZE])
{
	char text[BOOKLET_REF_MAX + BOOKLET_COMMUNE_MAX + BOOKLET_REASON_MAX + 128];
	int n;

	n = snprintf(text, sizeof(text), "issue\n%lld\n%s\n%s\n%s\n%s\n%s",
	    (long long)in->programme, in->ref, in->pathway, in->age_band,
	    in->commune, in->reason != NULL ? in->reason : "");
	if (n < 0 || (size_t)n >= sizeof(text))
		return -1;
	keyring_ref_hash(k, text, out);
	return 0;
}

/*
 * Each check of booklet_issue_check() in turn (0 .. BOOKLET_CHECKS - 1):
 * ERR_NONE, or its refusal with *why.
 */
#define BOOKLET_CHECKS 7
static enum err_code
check_one(const struct booklet_issue_in *in, int i, struct op_refusal *why)
{
	switch (i) {
	case 0:
		if (in->programme <= 0)
			return op_refuse(why, ERR_INVALID_FIELD, "programme",
			    "programme: a positive integer is expected");
		break;
	case 1:
		if (in->ref == NULL ||
		    !booklet_plain_text(in->ref, BOOKLET_REF_MAX))
			return op_refuse(why, ERR_INVALID_FIELD, "ref",
			    "beneficiary.ref: the caseworker's file "
			    "reference, 1 to %d characters", BOOKLET_REF_MAX);
		break;
	case 2:
		if (in->pathway == NULL || !one_of(in->pathway,
		    booklet_pathways, booklet_pathways_count))
			return op_refuse(why, ERR_INVALID_FIELD, "pathway",
			    "beneficiary.pathway: one of rsa, revenu-jeunes, "
			    "other");
		break;
	case 3:
		if (in->age_band == NULL || !one_of(in->age_band,
		    booklet_age_bands, booklet_age_bands_count))
			return op_refuse(why, ERR_INVALID_FIELD, "age_band",
			    "beneficiary.age_band: one of 16-25, 26-44, "
			    "45-64, 65+");
		break;
	case 4:
		if (in->commune == NULL ||
		    !booklet_plain_text(in->commune, BOOKLET_COMMUNE_MAX))
			return op_refuse(why, ERR_INVALID_FIELD, "commune",
			    "beneficiary.commune: 1 to %d characters",
			    BOOKLET_COMMUNE_MAX);
		break;
	case 5:
		if (in->reason != NULL && in->reason[0] != '\0' &&
		    !booklet_plain_text(in->reason, BOOKLET_REASON_MAX))
			return op_refuse(why, ERR_INVALID_FIELD, "reason",
			    "reason: 1 to %d characters", BOOKLET_REASON_MAX);
		break;
	default:
		if (in->idem_key != NULL && !idem_key_valid(in->idem_key))
			return op_refuse(why, ERR_INVALID_FIELD,
			    "idempotency_key", "Idempotency-Key: 1 to %d "
			    "printable ASCII characters", BOOKLET_IDEM_KEY_MAX);
		break;
	}
	return ERR_NONE;
}

enum err_code
booklet_issue_check(const struct booklet_issue_in *in, struct op_refusal *why)
{
	enum err_code code;
	int i;

	for (i = 0; i < BOOKLET_CHECKS; i++)
		if ((code = check_one(in, i, why)) != ERR_NONE)
			return code;
	return ERR_NONE;
}

/* Whether ref has a normal form: a letter or a digit, and not too long. */
static bool
ref_has_normal_form(const char *ref)
{
	char form[BOOKLET_REF_MAX * 4 + 1];

	return strlen(ref) <= BOOKLET_REF_MAX &&
	    beneficiary_ref_normalise(ref, form, sizeof(form)) == 0;
}

int
booklet_ref_hashes(const struct keyring *k, const char *ref,
    uint8_t normal[STORE_HASH_SIZE], uint8_t typed[STORE_HASH_SIZE])
{
	char form[BOOKLET_REF_MAX * 4 + 1];

	if (strlen(ref) > BOOKLET_REF_MAX ||
	    beneficiary_ref_normalise(ref, form, sizeof(form)) != 0)
		return -1;
	keyring_ref_hash(k, form, normal);
	keyring_ref_hash(k, ref, typed);
	return 0;
}

/*
 * What the issue's transaction would refuse for the programme and the
 * person, read now: the programme unknown or without the budget of one
 * booklet, the person at the programme's limit without a reason. n
 * refusals added to why[] (at most max - *n). 0, or -1 when the store
 * failed (then why[*n - 1] says so).
 */
static int
verify_store(const struct op_ctx *cx, const struct booklet_issue_in *in,
    bool ref_ok, struct op_refusal *why, size_t max, size_t *n)
{
	struct store_programme p;
	uint8_t normal[STORE_HASH_SIZE], typed[STORE_HASH_SIZE];
	struct pn_error err;
	int64_t held;
	int res;

	if (*n >= max || in->programme <= 0)
		return 0;
	if ((res = store_programme_get(cx->s, in->programme, &p, &err)) < 0) {
		(void)op_failed(&why[(*n)++], ERR_STORE_UNAVAILABLE, &err);
		return -1;
	}
	if (res != 0) {
		(void)op_refuse(&why[(*n)++], ERR_UNKNOWN_PROGRAMME,
		    "programme", "programme %lld", (long long)in->programme);
		return 0;
	}
	if (p.committed + p.face_value * (int64_t)p.per_booklet > p.budget)
		(void)op_refuse(&why[(*n)++], ERR_BUDGET_EXHAUSTED,
		    "programme", "programme %lld", (long long)p.id);
	if (*n >= max || !ref_ok || (in->reason != NULL &&
	    in->reason[0] != '\0') || cx->keys == NULL ||
	    cx->keys->ref_secret == NULL ||
	    booklet_ref_hashes(cx->keys, in->ref, normal, typed) != 0)
		return 0;
	if (store_beneficiary_booklets(cx->s, normal, typed, p.id, &held,
	    &err) != 0) {
		(void)op_failed(&why[(*n)++], ERR_STORE_UNAVAILABLE, &err);
		return -1;
	}
	if (held >= (int64_t)p.max_booklets)
		(void)op_refuse(&why[(*n)++], ERR_ALREADY_HAS_BOOKLET, "reason",
		    "give \"reason\" to issue another booklet");
	return 0;
}

size_t
booklet_issue_verify(const struct op_ctx *cx,
    const struct booklet_issue_in *in, struct op_refusal *why, size_t max)
{
	size_t n = 0;
	bool ref_ok = true;
	int i;

	for (i = 0; i < BOOKLET_CHECKS && n < max; i++)
		if (check_one(in, i, &why[n]) != ERR_NONE) {
			ref_ok &= i != 1;
			n++;
		}
	/* A reference of blanks and dashes only: the field's own error. */
	if (ref_ok && n < max && in->ref != NULL && !ref_has_normal_form(
	    in->ref)) {
		(void)op_refuse(&why[n++], ERR_INVALID_FIELD, "ref",
		    "beneficiary.ref: the caseworker's file reference needs a "
		    "letter or a digit");
		ref_ok = false;
	}
	(void)verify_store(cx, in, ref_ok, why, max, &n);
	return n;
}

/*
 * Everything before the store: check in, hash the reference, move a
 * beneficiary hashed as typed. Fills c; ERR_NONE, or the refusal.
 */
static enum err_code
issue_prepare(struct booklet_issue_call *c, const struct op_ctx *cx,
    const struct booklet_issue_in *in, struct op_refusal *why)
{
	const struct keyring *k = cx->keys;
	uint8_t typed[STORE_HASH_SIZE];
	struct store_booklet_request *r = &c->r;
	struct pn_error err;
	enum err_code code;

	if (k == NULL || k->signing == NULL || k->ref_secret == NULL)
		return op_refuse(why, ERR_NO_SIGNING_KEY, NULL, "[keys] "
		    "signing_key and ref_secret must be configured");
	if ((code = booklet_issue_check(in, why)) != ERR_NONE)
		return code;
	memset(r, 0, sizeof(*r));
	if (booklet_ref_hashes(k, in->ref, r->ref_hash, typed) != 0)
		return op_refuse(why, ERR_INVALID_FIELD, "ref", "beneficiary."
		    "ref: the caseworker's file reference needs a letter or "
		    "a digit");
	c->programme = in->programme;
	c->idem_key = in->idem_key;
	booklet_signer(&c->signer, k->signing, &k->cert);
	c->now = cx->now;
	r->programme_id = in->programme;
	r->pathway = in->pathway;
	r->age_band = in->age_band;
	r->commune = in->commune;
	r->reason = in->reason != NULL && in->reason[0] != '\0' ? in->reason :
	    NULL;
	r->by = cx->who;
	r->idem_key = in->idem_key;
	if (r->idem_key != NULL && request_hash(k, in, r->request_hash) != 0)
		return op_refuse(why, ERR_INVALID_FIELD, NULL, "the request is "
		    "too long");
	/*
	 * A reference issued before schema 11 was hashed as typed (the two
	 * hashes differ only when the typed form is not the normal one).
	 */
	if (memcmp(r->ref_hash, typed, STORE_HASH_SIZE) != 0 &&
	    store_beneficiary_rekey(cx->s, r->ref_hash, typed, &err) != 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	return ERR_NONE;
}

/* What the store answered (res, err) for c: ERR_NONE (issued), or the refusal. */
static enum err_code
issue_outcome(const struct booklet_issue_call *c, int res,
    const struct pn_error *err, struct booklet_issue_out *out,
    struct op_refusal *why)
{
	out->replayed = res == STORE_REPLAYED;
	if (res < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, err);
	switch (res) {
	case STORE_ISSUED:
	case STORE_REPLAYED:
		return ERR_NONE;
	case STORE_KEY_REUSED:
		return op_refuse(why, ERR_IDEMPOTENCY_KEY_REUSED, NULL,
		    "Idempotency-Key '%s' was used with another request",
		    c->idem_key);
	case STORE_NO_PROGRAMME:
		return op_refuse(why, ERR_UNKNOWN_PROGRAMME, "programme",
		    "programme %lld", (long long)c->programme);
	case STORE_OVER_BUDGET:
		return op_refuse(why, ERR_BUDGET_EXHAUSTED, "programme",
		    "programme %lld", (long long)c->programme);
	case STORE_HAS_BOOKLET:
		return op_refuse(why, ERR_ALREADY_HAS_BOOKLET, "reason", "give "
		    "\"reason\" to issue another booklet");
	default:
		return op_refuse(why, ERR_NO_SIGNING_KEY, NULL, "the signing "
		    "key's window does not include now");
	}
}

enum err_code
booklet_issue(const struct op_ctx *cx, const struct booklet_issue_in *in,
    struct booklet_issue_out *out, struct op_refusal *why)
{
	struct booklet_issue_call c;
	struct pn_error err;
	enum err_code code;
	int res;

	if ((code = issue_prepare(&c, cx, in, why)) != ERR_NONE)
		return code;
	res = store_booklet_issue(cx->s, &c.r, &c.signer, c.now,
	    &out->booklet, &err);
	return issue_outcome(&c, res, &err, out, why);
}

enum err_code
booklet_issue_queue(struct booklet_issue_call *c, const struct op_ctx *cx,
    const struct booklet_issue_in *in, struct booklet_issue_out *out,
    store_write_done done, void *ctx, struct op_refusal *why)
{
	struct pn_error err;
	enum err_code code;

	c->w = NULL;
	if ((code = issue_prepare(c, cx, in, why)) != ERR_NONE)
		return code;
	c->w = store_booklet_issue_submit(cx->s, &c->r, &c->signer, c->now,
	    &out->booklet, done, ctx, &err);
	if (c->w == NULL)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	return ERR_NONE;
}

enum err_code
booklet_issue_end(struct booklet_issue_call *c, struct booklet_issue_out *out,
    struct op_refusal *why)
{
	struct pn_error err;
	int res = store_write_end(c->w, &err);

	c->w = NULL;
	return issue_outcome(c, res, &err, out, why);
}
