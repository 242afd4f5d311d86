/* api_redeem.c -- POST /api/v1/redemptions and /redemptions/batch: the HTTP side of redemption.
 *
 * The records are judged and decided by the operation (ops/redeem.c);
 * here, the request is read, an online redemption suspended while its
 * write waits for the committer, and the answers written as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/redemption.h"
#include "api.h"
#include "op_request.h"
#include "redeem.h"

/*
 * A refusal as the JSON object of an error; in a batch's results it also
 * carries the status the record would have had alone.
 */
static json_t *
refusal_json(enum err_code code, int reason, const char *detail,
    bool with_status)
{
	const struct err_info *e = err_lookup(code);
	json_t *doc = json_pack("{s:i, s:s, s:s}", "code", (int)e->code,
	    "error", e->fr, "detail", detail);

	if (doc != NULL && reason >= 0)
		json_object_set_new(doc, "reason", json_integer(reason));
	if (doc != NULL && with_status)
		json_object_set_new(doc, "status", json_integer(e->status));
	return doc;
}

/*
 * One online redemption, from its request to its answer. Its write is
 * queued to the committer and the request suspended meanwhile: its
 * thread serves other requests, and a commit holds as many redemptions as
 * arrived while the previous one was being made durable.
 */
struct redeem_call {
	json_t *doc;
	struct redeem_one one;
	bool queued;			/* else refused before the store: why */
	struct op_refusal why;
};

static void
redeem_call_free(void *arg)
{
	struct redeem_call *c = arg;

	redeem_one_free(&c->one);
	json_decref(c->doc);
	free(c);
}

/* The answer to one record: its signed answer as stored, or its refusal. */
static enum MHD_Result
record_answer(struct http_request *req, const struct redeem_record *j,
    const struct store_redeem_record *out)
{
	const char *answer, *detail;
	enum err_code code;
	bool accepted;
	int reason;

	code = redeem_outcome(j, out, &answer, &accepted, &reason, &detail);
	if (code != ERR_NONE)
		return http_reply_json(req, err_lookup(code)->status,
		    refusal_json(code, reason, detail, false));
	return http_reply_text(req, accepted ? 200 : 409, "application/json",
	    answer, strlen(answer));
}

/* The answer to one redemption, once its commit is made. */
static enum MHD_Result
api_redeem_answer(struct http_request *req)
{
	struct redeem_call *c = http_request_kept(req);

	if (!c->queued || redeem_one_end(&c->one, &c->why) != ERR_NONE)
		return http_reply_error(req, c->why.code, "%s", c->why.detail);
	return record_answer(req, &c->one.j, &c->one.out);
}

enum MHD_Result
api_redeem(struct http_request *req)
{
	const struct store_nonce *nonce;
	const struct store_terminal *t = http_request_terminal(req, &nonce);
	struct pn_redemption rec;
	struct redeem_call *c;
	struct pn_error err;
	struct op_ctx cx;
	enum MHD_Result rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	http_request_keep(req, c, redeem_call_free);
	if ((c->doc = api_body_object(req, &rc)) == NULL)
		return rc;
	if (pn_redemption_from_json(c->doc, &rec, &err) != 0)
		return http_reply_error(req, ERR_INVALID_FIELD, "%s",
		    err.message);
	if (op_request_ctx(req, &cx, &err) != 0)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	/* Suspended first: the committer may resume it before we return. */
	rc = http_suspend(req, api_redeem_answer);
	if (redeem_one_queue(&c->one, &cx, t, nonce, &rec, http_resume_cb,
	    req, &c->why) != ERR_NONE)
		http_resume(req);	/* refused: answered on resume */
	else
		c->queued = true;
	return rc;
}

/*
 * Write the batch's answer: {"results": [...]}, one result per record.
 * A stored answer is sent as stored, with its status put in front (it is
 * a JSON object, so its text starts with '{').
 */
static int
write_results(FILE *f, const struct redeem_record *recs,
    const struct store_redeem_record *out, size_t n)
{
	const char *answer, *detail;
	enum err_code code;
	bool accepted;
	json_t *doc;
	size_t i;
	int rc = 0, reason;

	fputs("{\"results\":[", f);
	for (i = 0; i < n && rc == 0; i++) {
		if (i > 0)
			fputc(',', f);
		code = redeem_outcome(&recs[i], &out[i], &answer, &accepted,
		    &reason, &detail);
		if (code == ERR_NONE) {
			fprintf(f, "{\"status\":%d,%s", accepted ? 200 : 409,
			    answer + 1);
			continue;
		}
		doc = refusal_json(code, reason, detail, true);
		rc = doc != NULL ? json_dumpf(doc, f, JSON_COMPACT) : -1;
		json_decref(doc);
	}
	fputs("]}", f);
	return rc;
}

enum MHD_Result
api_redeem_batch(struct http_request *req)
{
	const struct config *cfg = http_request_config(req);
	const struct store_terminal *t;
	const struct store_nonce *nonce;
	struct store_redeem_record *out = NULL;
	struct redeem_record *recs = NULL;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	enum MHD_Result rc;
	json_t *doc, *list;
	char *text = NULL;
	size_t i, n = 0, len = 0;
	int written;
	FILE *f;

	if ((doc = api_body_object(req, &rc)) == NULL)
		return rc;
	list = json_object_get(doc, "records");
	if (!json_is_array(list) || json_object_size(doc) != 1) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "records: the "
		    "body must be {\"records\": [...]}");
		goto done;
	}
	if ((n = json_array_size(list)) > cfg->redemption.max_batch) {
		rc = http_reply_error(req, ERR_BATCH_TOO_LARGE, "%zu records; "
		    "at most %u in one batch", n, cfg->redemption.max_batch);
		goto done;
	}
	if ((recs = calloc(n + 1, sizeof(*recs))) == NULL ||
	    (out = calloc(n + 1, sizeof(*out))) == NULL) {
		rc = http_reply_error(req, ERR_INTERNAL, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (pn_redemption_from_json(json_array_get(list, i),
		    &recs[i].rec, &err) != 0)
			redeem_refuse(&recs[i], ERR_INVALID_FIELD, -1,
			    err.message);
	if (op_request_ctx(req, &cx, &err) != 0) {
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		goto done;
	}
	t = http_request_terminal(req, &nonce);
	if (redeem_batch(&cx, t, nonce, recs, n, out, &why) != ERR_NONE) {
		rc = http_reply_error(req, why.code, "%s", why.detail);
		goto done;
	}
	if ((f = open_memstream(&text, &len)) == NULL) {
		rc = http_reply_error(req, ERR_INTERNAL, "out of memory");
		goto done;
	}
	written = write_results(f, recs, out, n);
	if (fclose(f) != 0 || written != 0) {
		rc = http_reply_error(req, ERR_INTERNAL, "out of memory");
		goto done;
	}
	rc = http_reply_text(req, 200, "application/json", text, len);
done:
	for (i = 0; out != NULL && i < n; i++)
		free(out[i].answer);
	for (i = 0; recs != NULL && i < n; i++)
		free(recs[i].accepted);	/* judged, never handed over */
	free(text);
	free(out);
	free(recs);
	json_decref(doc);
	return rc;
}
