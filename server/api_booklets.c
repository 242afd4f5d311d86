/* api_booklets.c -- POST /api/v1/booklets (issue) and GET /api/v1/booklets/{id}.
 *
 * Parse and validate the body, call the store, render the booklet with the
 * text form and printed serial of each voucher.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "api.h"
#include "booklet.h"
#include "keyring.h"
#include "metrics.h"
#include "store.h"
#include "worker.h"

#define REF_MAX 64
#define COMMUNE_MAX 64
#define REASON_MAX 500

static const char *const pathways[] = { "rsa", "revenu-jeunes", "other" };
static const char *const age_bands[] = { "16-25", "26-44", "45-64", "65+" };

static bool
one_of(const char *s, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/* A non-empty string of at most max bytes without control characters. */
static bool
plain_text(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (iscntrl((unsigned char)s[i]))
			return false;
	return true;
}

static json_t *
voucher_json(const struct store_booklet *b, const struct store_voucher *sv)
{
	struct booklet_codes c;
	char expires[PN_TIME_TEXT_MAX];

	booklet_codes(b, sv, &c);
	pn_time_format(sv->expires_at, expires);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}",
	    "serial", (json_int_t)sv->serial, "printed", c.printed, "code",
	    c.text, "value_cents", (json_int_t)sv->value, "expires_at",
	    expires, "status", sv->status);
}

static json_t *
booklet_json(const struct store_booklet *b)
{
	char issued[PN_TIME_TEXT_MAX];
	json_t *vouchers = json_array(), *doc;
	unsigned i;

	pn_time_format(b->issued_at, issued);
	for (i = 0; i < b->n; i++)
		json_array_append_new(vouchers, voucher_json(b, &b->vouchers[i]));
	doc = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}",
	    "id", (json_int_t)b->id, "programme", (json_int_t)b->programme_id,
	    "programme_name", b->programme_name, "issued_at", issued,
	    "status", b->status, "vouchers", vouchers);
	return doc;
}

/* Read the request body as a JSON object, or answer 400. */
static json_t *
body_object(struct http_request *req, enum MHD_Result *rc)
{
	json_error_t jerr;
	size_t len;
	const char *body = http_request_body(req, &len);
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);

	if (doc == NULL) {
		*rc = http_reply_error(req, ERR_MALFORMED_JSON, "line %d, "
		    "column %d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		*rc = http_reply_error(req, ERR_MALFORMED_JSON, "the body must "
		    "be a JSON object");
		return NULL;
	}
	return doc;
}

enum MHD_Result
api_booklet_issue(struct http_request *req)
{
	const struct keyring *k = keyring_current();
	struct store_booklet_request r;
	struct store_booklet *b = NULL;
	struct pn_error err;
	struct store *s;
	json_t *doc, *ben, *prog, *reason;
	const char *ref, *pathway, *age_band, *commune;
	enum MHD_Result rc;
	int res;

	if (k == NULL || k->signing == NULL || k->ref_secret == NULL)
		return http_reply_error(req, ERR_NO_SIGNING_KEY, "[keys] "
		    "signing_key and ref_secret must be configured");
	if ((doc = body_object(req, &rc)) == NULL)
		return rc;
	memset(&r, 0, sizeof(r));
	prog = json_object_get(doc, "programme");
	ben = json_object_get(doc, "beneficiary");
	reason = json_object_get(doc, "reason");
	if (!json_is_integer(prog) || json_integer_value(prog) <= 0) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "programme: a "
		    "positive integer is expected");
		goto done;
	}
	if (!json_is_object(ben)) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "beneficiary: an "
		    "object {ref, pathway, age_band, commune} is expected");
		goto done;
	}
	ref = json_string_value(json_object_get(ben, "ref"));
	pathway = json_string_value(json_object_get(ben, "pathway"));
	age_band = json_string_value(json_object_get(ben, "age_band"));
	commune = json_string_value(json_object_get(ben, "commune"));
	if (ref == NULL || !plain_text(ref, REF_MAX)) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "beneficiary.ref:"
		    " the caseworker's file reference, 1 to %d characters",
		    REF_MAX);
		goto done;
	}
	if (pathway == NULL || !one_of(pathway, pathways, 3)) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "beneficiary."
		    "pathway: one of rsa, revenu-jeunes, other");
		goto done;
	}
	if (age_band == NULL || !one_of(age_band, age_bands, 4)) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "beneficiary."
		    "age_band: one of 16-25, 26-44, 45-64, 65+");
		goto done;
	}
	if (commune == NULL || !plain_text(commune, COMMUNE_MAX)) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "beneficiary."
		    "commune: 1 to %d characters", COMMUNE_MAX);
		goto done;
	}
	if (reason != NULL && !json_is_null(reason) &&
	    (!json_is_string(reason) ||
	    !plain_text(json_string_value(reason), REASON_MAX))) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "reason: 1 to %d "
		    "characters", REASON_MAX);
		goto done;
	}
	r.programme_id = json_integer_value(prog);
	keyring_ref_hash(k, ref, r.ref_hash);
	r.pathway = pathway;
	r.age_band = age_band;
	r.commune = commune;
	r.reason = json_is_string(reason) ? json_string_value(reason) : NULL;
	r.by = http_request_principal(req);
	if ((b = malloc(sizeof(*b))) == NULL) {
		rc = http_reply_error(req, ERR_INTERNAL, "out of memory");
		goto done;
	}
	if ((s = worker_store(&err)) == NULL ||
	    (res = store_booklet_issue(s, &r, k->signing, &k->cert,
	    (int64_t)time(NULL), b, &err)) < 0) {
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		goto done;
	}
	switch (res) {
	case STORE_ISSUED:
		metrics_vouchers_issued(b->n);
		rc = http_reply_json(req, 201, booklet_json(b));
		break;
	case STORE_NO_PROGRAMME:
		rc = http_reply_error(req, ERR_UNKNOWN_PROGRAMME, "programme "
		    "%lld", (long long)r.programme_id);
		break;
	case STORE_OVER_BUDGET:
		rc = http_reply_error(req, ERR_BUDGET_EXHAUSTED, "programme "
		    "%lld", (long long)r.programme_id);
		break;
	case STORE_HAS_BOOKLET:
		rc = http_reply_error(req, ERR_ALREADY_HAS_BOOKLET, "give "
		    "\"reason\" to issue another booklet");
		break;
	default:
		rc = http_reply_error(req, ERR_NO_SIGNING_KEY, "the signing "
		    "key's window does not include now");
		break;
	}
done:
	free(b);
	json_decref(doc);
	return rc;
}

int
api_booklet_load(struct http_request *req, struct store_booklet *b,
    struct store **s, enum MHD_Result *rc)
{
	const struct store_principal *who = http_request_principal(req);
	struct pn_error err;
	uint64_t id;
	int res;

	if (pn_parse_u64(http_request_param(req, 0), INT64_MAX, &id) != 0) {
		*rc = http_reply_error(req, ERR_BOOKLET_NOT_FOUND, "'%s' is "
		    "not a booklet number", http_request_param(req, 0));
		return -1;
	}
	if ((*s = worker_store(&err)) == NULL ||
	    (res = store_booklet_get(*s, (int64_t)id, b, &err)) < 0) {
		*rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		return -1;
	}
	if (res == 1 || (who->role == ROLE_CASEWORKER &&
	    b->agency_id != who->agency_id)) {
		/* Another agency's booklet is "not found", not "forbidden". */
		*rc = http_reply_error(req, ERR_BOOKLET_NOT_FOUND, "booklet "
		    "%llu", (unsigned long long)id);
		return -1;
	}
	return 0;
}

enum MHD_Result
api_booklet_get(struct http_request *req)
{
	struct store_booklet *b;
	struct store *s;
	enum MHD_Result rc;

	if ((b = malloc(sizeof(*b))) == NULL)
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	if (api_booklet_load(req, b, &s, &rc) == 0)
		rc = http_reply_json(req, 200, booklet_json(b));
	free(b);
	return rc;
}
