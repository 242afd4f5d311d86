/* api_booklets.c -- POST /api/v1/booklets (issue) and GET /api/v1/booklets/{id}.
 *
 * Parse and validate the body, call the store, render the booklet with the
 * text form, printed serial and control key of each voucher.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "api.h"
#include "booklet.h"
#include "booklet_issue.h"
#include "metrics.h"
#include "op_request.h"
#include "scope.h"
#include "store.h"
#include "worker.h"

static json_t *
voucher_json(const struct store_booklet *b, const struct store_voucher *sv)
{
	struct booklet_codes c;
	char expires[PN_TIME_TEXT_MAX];

	booklet_codes(b, sv, &c);
	pn_time_format(sv->expires_at, expires);
	/*
	 * The key after the code, not between it and the serial: scripts
	 * read "serial", "printed" and "code" as consecutive members.
	 */
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}",
	    "serial", (json_int_t)sv->serial, "printed", c.printed, "code",
	    c.text, "control_key", c.control_key, "value_cents",
	    (json_int_t)sv->value, "expires_at", expires, "status",
	    sv->status);
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

/*
 * A booklet asked for through the API, from its request to its answer:
 * the request is suspended while the booklet waits for its commit, so
 * that its thread serves other requests meanwhile.
 */
struct booklet_call {
	json_t *doc;			/* in's strings point into it */
	struct booklet_issue_in in;
	struct booklet_issue_call call;
	struct booklet_issue_out out;
	bool queued;			/* else refused before the store: why */
	struct op_refusal why;
};

static void
booklet_call_free(void *arg)
{
	struct booklet_call *c = arg;

	if (c->queued && c->call.w != NULL)
		(void)store_write_end(c->call.w, NULL);
	json_decref(c->doc);
	free(c);
}

/* The answer to a booklet, once its commit is made. */
static enum MHD_Result
api_booklet_issued(struct http_request *req)
{
	struct booklet_call *c = http_request_kept(req);

	if (!c->queued || booklet_issue_end(&c->call, &c->out, &c->why) !=
	    ERR_NONE)
		return http_reply_error(req, c->why.code, "%s", c->why.detail);
	if (!c->out.replayed)
		metrics_vouchers_issued(c->out.booklet.n);
	return http_reply_json(req, 201, booklet_json(&c->out.booklet));
}

enum MHD_Result
api_booklet_issue(struct http_request *req)
{
	struct booklet_issue_in *in;
	struct booklet_call *c;
	json_t *ben, *prog, *reason;
	struct op_ctx cx;
	struct pn_error err;
	enum MHD_Result rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	http_request_keep(req, c, booklet_call_free);
	if ((c->doc = api_body_object(req, &rc)) == NULL)
		return rc;
	in = &c->in;
	prog = json_object_get(c->doc, "programme");
	ben = json_object_get(c->doc, "beneficiary");
	reason = json_object_get(c->doc, "reason");
	in->programme = json_is_integer(prog) ? json_integer_value(prog) : 0;
	if (!json_is_object(ben))
		return http_reply_error(req, ERR_INVALID_FIELD, "beneficiary: "
		    "an object {ref, pathway, age_band, commune} is expected");
	if (reason != NULL && !json_is_null(reason) && (!json_is_string(reason)
	    || json_string_value(reason)[0] == '\0'))
		return http_reply_error(req, ERR_INVALID_FIELD, "reason: 1 to "
		    "%d characters", BOOKLET_REASON_MAX);
	in->ref = json_string_value(json_object_get(ben, "ref"));
	in->pathway = json_string_value(json_object_get(ben, "pathway"));
	in->age_band = json_string_value(json_object_get(ben, "age_band"));
	in->commune = json_string_value(json_object_get(ben, "commune"));
	in->reason = json_string_value(reason);
	in->idem_key = http_request_header(req, "Idempotency-Key");
	if (op_request_ctx(req, &cx, &err) != 0)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	/* Suspended first: the committer may resume it before we return. */
	rc = http_suspend(req, api_booklet_issued);
	if (booklet_issue_queue(&c->call, &cx, in, &c->out, http_resume_cb,
	    req, &c->why) != ERR_NONE)
		http_resume(req);	/* refused: answered on resume */
	else
		c->queued = true;
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
	if (res == 1 || !scope_sees(who, b->agency_id)) {
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
