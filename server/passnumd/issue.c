/* issue.c -- checking a booklet request and issuing it with the server's keys. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beneficiary_ref.h"
#include "issue.h"
#include "keyring.h"
#include "metrics.h"
#include "scope.h"
#include "worker.h"

const struct issue_choice issue_pathways[] = {
	{ "rsa", "RSA" },
	{ "revenu-jeunes", "Revenu jeunes" },
	{ "other", "Autre parcours" },
};
const struct issue_choice issue_age_bands[] = {
	{ "16-25", "16 à 25 ans" },
	{ "26-44", "26 à 44 ans" },
	{ "45-64", "45 à 64 ans" },
	{ "65+", "65 ans et plus" },
};
const size_t issue_pathways_count =
    sizeof(issue_pathways) / sizeof(issue_pathways[0]);
const size_t issue_age_bands_count =
    sizeof(issue_age_bands) / sizeof(issue_age_bands[0]);

static bool
one_of(const char *s, const struct issue_choice *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, set[i].value) == 0)
			return true;
	return false;
}

/*
 * A string of 1 to max bytes without control characters, and not only
 * spaces: a reference, commune or reason of blanks says nothing (and
 * blank references would all hash alike, as if one person).
 */
static bool
plain_text(const char *s, size_t max)
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

static int
refuse(struct issue_refusal *why, enum err_code code, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
refuse(struct issue_refusal *why, enum err_code code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	why->code = code;
	why->field = field;
	va_start(ap, fmt);
	(void)vsnprintf(why->detail, sizeof(why->detail), fmt, ap);
	va_end(ap);
	return -1;
}

/* 1 to ISSUE_IDEM_KEY_MAX printable ASCII characters. */
static bool
idem_key_valid(const char *key)
{
	size_t n = strlen(key), i;

	if (n == 0 || n > ISSUE_IDEM_KEY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
			return false;
	return true;
}

/*
 * The keyed hash of everything in asks for, one field a line (no field
 * holds a control character): what an idempotency key is bound to.
 * 0, or -1 when it does not fit (it always does after issue_check()).
 */
static int
request_hash(const struct keyring *k, const struct issue_input *in,
    uint8_t out[STORE_HASH_SIZE])
{
	char text[ISSUE_REF_MAX + ISSUE_COMMUNE_MAX + ISSUE_REASON_MAX + 128];
	int n;

	n = snprintf(text, sizeof(text), "issue\n%lld\n%s\n%s\n%s\n%s\n%s",
	    (long long)in->programme, in->ref, in->pathway, in->age_band,
	    in->commune, in->reason != NULL ? in->reason : "");
	if (n < 0 || (size_t)n >= sizeof(text))
		return -1;
	keyring_ref_hash(k, text, out);
	return 0;
}

int
issue_check(const struct issue_input *in, struct issue_refusal *why)
{
	if (in->programme <= 0)
		return refuse(why, ERR_INVALID_FIELD, "programme", "programme: "
		    "a positive integer is expected");
	if (in->ref == NULL || !plain_text(in->ref, ISSUE_REF_MAX))
		return refuse(why, ERR_INVALID_FIELD, "ref", "beneficiary.ref:"
		    " the caseworker's file reference, 1 to %d characters",
		    ISSUE_REF_MAX);
	if (in->pathway == NULL || !one_of(in->pathway, issue_pathways,
	    issue_pathways_count))
		return refuse(why, ERR_INVALID_FIELD, "pathway", "beneficiary."
		    "pathway: one of rsa, revenu-jeunes, other");
	if (in->age_band == NULL || !one_of(in->age_band, issue_age_bands,
	    issue_age_bands_count))
		return refuse(why, ERR_INVALID_FIELD, "age_band", "beneficiary."
		    "age_band: one of 16-25, 26-44, 45-64, 65+");
	if (in->commune == NULL || !plain_text(in->commune, ISSUE_COMMUNE_MAX))
		return refuse(why, ERR_INVALID_FIELD, "commune", "beneficiary."
		    "commune: 1 to %d characters", ISSUE_COMMUNE_MAX);
	if (in->reason != NULL && in->reason[0] != '\0' &&
	    !plain_text(in->reason, ISSUE_REASON_MAX))
		return refuse(why, ERR_INVALID_FIELD, "reason", "reason: 1 to "
		    "%d characters", ISSUE_REASON_MAX);
	if (in->idem_key != NULL && !idem_key_valid(in->idem_key))
		return refuse(why, ERR_INVALID_FIELD, "idempotency_key",
		    "Idempotency-Key: 1 to %d printable ASCII characters",
		    ISSUE_IDEM_KEY_MAX);
	return 0;
}

/*
 * Everything before the store: check in, hash the reference, move a
 * beneficiary hashed as typed. Fills c and *s; 0, or -1 with *why.
 */
static int
issue_prepare(struct issue_call *c, const struct issue_input *in,
    const struct store_principal *who, struct store **s,
    struct issue_refusal *why)
{
	const struct keyring *k = keyring_current();
	char ref[ISSUE_REF_MAX * 4 + 1];
	uint8_t typed[STORE_HASH_SIZE];
	struct store_booklet_request *r = &c->r;
	struct pn_error err;

	if (k == NULL || k->signing == NULL || k->ref_secret == NULL)
		return refuse(why, ERR_NO_SIGNING_KEY, NULL, "[keys] "
		    "signing_key and ref_secret must be configured");
	if (issue_check(in, why) != 0)
		return -1;
	if (beneficiary_ref_normalise(in->ref, ref, sizeof(ref)) != 0)
		return refuse(why, ERR_INVALID_FIELD, "ref", "beneficiary.ref:"
		    " the caseworker's file reference needs a letter or a "
		    "digit");
	memset(r, 0, sizeof(*r));
	c->programme = in->programme;
	c->idem_key = in->idem_key;
	c->key = k->signing;
	c->cert = &k->cert;
	r->programme_id = in->programme;
	keyring_ref_hash(k, ref, r->ref_hash);
	r->pathway = in->pathway;
	r->age_band = in->age_band;
	r->commune = in->commune;
	r->reason = in->reason != NULL && in->reason[0] != '\0' ? in->reason :
	    NULL;
	r->by = who;
	r->idem_key = in->idem_key;
	if (r->idem_key != NULL && request_hash(k, in, r->request_hash) != 0)
		return refuse(why, ERR_INVALID_FIELD, NULL, "the request is "
		    "too long");
	if ((*s = worker_store(&err)) == NULL)
		return refuse(why, ERR_STORE_UNAVAILABLE, NULL, "%s",
		    err.message);
	/* A reference issued before schema 11 was hashed as typed. */
	if (strcmp(ref, in->ref) != 0) {
		keyring_ref_hash(k, in->ref, typed);
		if (store_beneficiary_rekey(*s, r->ref_hash, typed, &err) != 0)
			return refuse(why, ERR_STORE_UNAVAILABLE, NULL, "%s",
			    err.message);
	}
	c->now = (int64_t)time(NULL);
	return 0;
}

/* What the store answered (res, err) for c: 0 (issued), or -1 with *why. */
static int
issue_outcome(const struct issue_call *c, int res, const struct pn_error *err,
    const struct store_booklet *b, struct issue_refusal *why)
{
	if (res < 0)
		return refuse(why, ERR_STORE_UNAVAILABLE, NULL, "%s",
		    err->message);
	switch (res) {
	case STORE_ISSUED:
		metrics_vouchers_issued(b->n);
		return 0;
	case STORE_REPLAYED:
		return 0;
	case STORE_KEY_REUSED:
		return refuse(why, ERR_IDEMPOTENCY_KEY_REUSED, NULL,
		    "Idempotency-Key '%s' was used with another request",
		    c->idem_key);
	case STORE_NO_PROGRAMME:
		return refuse(why, ERR_UNKNOWN_PROGRAMME, "programme",
		    "programme %lld", (long long)c->programme);
	case STORE_OVER_BUDGET:
		return refuse(why, ERR_BUDGET_EXHAUSTED, "programme",
		    "programme %lld", (long long)c->programme);
	case STORE_HAS_BOOKLET:
		return refuse(why, ERR_ALREADY_HAS_BOOKLET, "reason", "give "
		    "\"reason\" to issue another booklet");
	default:
		return refuse(why, ERR_NO_SIGNING_KEY, NULL, "the signing "
		    "key's window does not include now");
	}
}

int
issue_booklet(const struct issue_input *in, const struct store_principal *who,
    struct store_booklet *b, struct issue_refusal *why)
{
	struct issue_call c;
	struct pn_error err;
	struct store *s;
	int res;

	if (issue_prepare(&c, in, who, &s, why) != 0)
		return -1;
	res = store_booklet_issue(s, &c.r, c.key, c.cert, c.now, b, &err);
	return issue_outcome(&c, res, &err, b, why);
}

int
issue_booklet_queue(struct issue_call *c, const struct issue_input *in,
    const struct store_principal *who, struct store_booklet *b,
    store_write_done done, void *ctx, struct issue_refusal *why)
{
	struct pn_error err;
	struct store *s;

	c->w = NULL;
	if (issue_prepare(c, in, who, &s, why) != 0)
		return -1;
	c->w = store_booklet_issue_submit(s, &c->r, c->key, c->cert, c->now,
	    b, done, ctx, &err);
	if (c->w == NULL)
		return refuse(why, ERR_STORE_UNAVAILABLE, NULL, "%s",
		    err.message);
	return 0;
}

int
issue_booklet_end(struct issue_call *c, const struct store_booklet *b,
    struct issue_refusal *why)
{
	struct pn_error err;
	int res = store_write_end(c->w, &err);

	c->w = NULL;
	return issue_outcome(c, res, &err, b, why);
}

int
issue_cancel(bool booklet, uint64_t id, const char *reason,
    const struct store_principal *who, unsigned *n,
    struct issue_refusal *why)
{
	const char *noun = booklet ? "booklet" : "voucher";
	enum err_code not_found = booklet ? ERR_BOOKLET_NOT_FOUND :
	    ERR_VOUCHER_NOT_FOUND;
	struct pn_error err;
	struct store *s;
	int res;

	*n = 0;
	if (reason == NULL || !plain_text(reason, ISSUE_REASON_MAX))
		return refuse(why, ERR_INVALID_FIELD, "reason", "reason: why "
		    "it is cancelled, 1 to %d characters without control "
		    "characters", ISSUE_REASON_MAX);
	if (id > INT64_MAX)
		return refuse(why, not_found, NULL, "%s %llu", noun,
		    (unsigned long long)id);
	if ((s = worker_store(&err)) == NULL)
		res = -1;
	else if (booklet)
		res = store_booklet_cancel(s, (int64_t)id, scope_agency(who),
		    reason, who, (int64_t)time(NULL), n, &err);
	else {
		res = store_voucher_cancel(s, id, scope_agency(who), reason, who,
		    (int64_t)time(NULL), &err);
		*n = res == 0;
	}
	if (res < 0)
		return refuse(why, ERR_STORE_UNAVAILABLE, NULL, "%s",
		    err.message);
	if (res == 1)
		return refuse(why, not_found, NULL, "%s %llu", noun,
		    (unsigned long long)id);
	if (res == 2)
		return refuse(why, ERR_NOT_CANCELLABLE, NULL, "%s %llu: nothing "
		    "left to cancel", noun, (unsigned long long)id);
	return 0;
}
