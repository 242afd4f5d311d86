/* api_redeem.c -- POST /api/v1/redemptions and /redemptions/batch: the HTTP side of redemption.
 *
 * The records are judged by redeem.c (the rules that need no database)
 * and decided by the store (store_sqlite_redeem.c); here, the request is
 * read, an online redemption suspended while its write waits for the
 * committer, and the answers written as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/redemption.h"
#include "api.h"
#include "keyring.h"
#include "redeem.h"
#include "worker.h"

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
 * Make ready to judge the records of req (redeem_begin()) with the running
 * server's keys and configuration, at this time. Returns 0, or -1 once
 * answered (*rc).
 */
static int
redeem_setup(struct http_request *req, struct redeem_record *recs,
    bool offline, struct redeem_judging *g, struct store_redeem_rules *rules,
    enum MHD_Result *rc)
{
	enum err_code code;

	code = redeem_begin(g, rules, http_request_terminal(req, NULL),
	    keyring_current(), &http_request_config(req)->redemption, offline,
	    recs, (int64_t)time(NULL));
	if (code == 0)
		return 0;
	*rc = http_reply_error(req, code, "[keys] signing_key and trust_bundle "
	    "must be configured to judge and sign redemptions");
	return -1;
}

/*
 * What the store said of n records (stored: what store_redeem returned).
 * Returns 0 with out[i] final for every record, or -1 once answered (*rc):
 * the store failed, or the request was a replay.
 */
static int
redeem_stored(struct http_request *req, const struct redeem_judging *g,
    int stored, const struct pn_error *err, struct store_redeem_record *out,
    size_t n, enum MHD_Result *rc)
{
	if (stored < 0) {
		*rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err->message);
		return -1;
	}
	if (stored == 1) {
		*rc = http_reply_error(req, ERR_REPLAYED_NONCE, "this nonce was "
		    "used before; nothing was done");
		return -1;
	}
	redeem_unissued(g, out, n);
	return 0;
}

/*
 * Judge the n records of a batch and pass those that can be redeemed to
 * the store, part by part; the calling thread waits for each part's
 * commit. Returns 0 with out[i] filled for every record, or -1 once
 * answered (*rc).
 */
static int
redeem_records(struct http_request *req, struct redeem_record *recs, size_t n,
    struct store_redeem_record *out, enum MHD_Result *rc)
{
	const struct store_nonce *nonce;
	const struct store_terminal *t = http_request_terminal(req, &nonce);
	struct store_redeem_rules rules;
	struct redeem_part pj;
	struct redeem_judging g;
	struct pn_error err;
	struct store *s;
	size_t from, to, next;
	int stored;

	if (redeem_setup(req, recs, true, &g, &rules, rc) != 0)
		return -1;
	if ((s = worker_store(&err)) == NULL) {
		*rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		return -1;
	}
	/*
	 * Part by part: the next part is judged while the store writes this
	 * one. The request's nonce goes with the first part, so that a
	 * replayed request is refused before anything is judged or written.
	 */
	to = n < REDEEM_PART_RECORDS ? n : REDEEM_PART_RECORDS;
	redeem_judge(&g, 0, to);
	redeem_hand_over(recs, out, 0, to);
	from = 0;
	do {
		next = n - to < REDEEM_PART_RECORDS ? n :
		    to + REDEEM_PART_RECORDS;
		if (to < n)
			redeem_judge_start(&pj, &g, to, next);
		stored = store_redeem(s, t, from == 0 ? nonce : NULL,
		    out + from, to - from, &rules, &err);
		if (to < n) {
			redeem_judge_wait(&pj);
			redeem_hand_over(recs, out, to, next);
		}
		if (stored != 0)
			break;
		from = to;
		to = next;
	} while (from < n);
	return redeem_stored(req, &g, stored, &err, out, n, rc);
}

/*
 * One online redemption, from its judging to its answer. Its write is
 * queued to the committer and the request suspended meanwhile: its
 * thread serves other requests, and a commit holds as many redemptions as
 * arrived while the previous one was being made durable.
 */
struct redeem_call {
	json_t *doc;
	struct redeem_record j;
	struct store_redeem_record out;
	struct redeem_judging g;
	struct store_redeem_rules rules;
	struct store_write *w;		/* queued; NULL once ended */
	struct pn_error err;
};

static void
redeem_call_free(void *arg)
{
	struct redeem_call *c = arg;

	if (c->w != NULL)
		(void)store_write_end(c->w, NULL);
	free(c->j.accepted);
	free(c->out.answer);
	json_decref(c->doc);
	free(c);
}

/* The answer to one redemption, once its commit is made. */
static enum MHD_Result
api_redeem_answer(struct http_request *req)
{
	struct redeem_call *c = http_request_kept(req);
	struct store_redeem_record *out = &c->out;
	enum MHD_Result rc;
	const char *detail;
	enum err_code code;
	int reason, stored;

	stored = c->w != NULL ? store_write_end(c->w, &c->err) : -1;
	c->w = NULL;
	if (redeem_stored(req, &c->g, stored, &c->err, out, 1, &rc) != 0)
		return rc;
	if (c->j.refusal != 0)
		return http_reply_json(req, err_lookup(c->j.refusal)->status,
		    refusal_json(c->j.refusal, c->j.reason, c->j.detail,
		    false));
	if (out->answer == NULL) {
		code = redeem_refusal_of(out, &reason, &detail);
		return http_reply_json(req, err_lookup(code)->status,
		    refusal_json(code, reason, detail, false));
	}
	return http_reply_text(req, out->result == STORE_REDEEM_ACCEPTED ?
	    200 : 409, "application/json", out->answer, strlen(out->answer));
}

enum MHD_Result
api_redeem(struct http_request *req)
{
	const struct store_nonce *nonce;
	const struct store_terminal *t = http_request_terminal(req, &nonce);
	struct redeem_call *c;
	enum MHD_Result rc;
	struct store *s;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	http_request_keep(req, c, redeem_call_free);
	if ((c->doc = api_body_object(req, &rc)) == NULL)
		return rc;
	if (pn_redemption_from_json(c->doc, &c->j.rec, &c->err) != 0)
		return http_reply_error(req, ERR_INVALID_FIELD, "%s",
		    c->err.message);
	if (redeem_setup(req, &c->j, false, &c->g, &c->rules, &rc) != 0)
		return rc;
	/*
	 * A record refused here goes to the store all the same: its nonce is
	 * recorded, as the terminal's contact (honest_time.h).
	 */
	redeem_judge(&c->g, 0, 1);
	if ((s = worker_store(&c->err)) == NULL)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    c->err.message);
	redeem_hand_over(&c->j, &c->out, 0, 1);
	rc = http_suspend(req, api_redeem_answer);
	c->w = store_redeem_submit(s, t, nonce, &c->out, 1, &c->rules,
	    http_resume_cb, req, &c->err);
	if (c->w == NULL)
		http_resume(req);	/* answered with c->err */
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
	const char *detail;
	enum err_code code;
	json_t *doc;
	size_t i;
	int rc = 0, reason;

	fputs("{\"results\":[", f);
	for (i = 0; i < n && rc == 0; i++) {
		if (i > 0)
			fputc(',', f);
		if (out[i].answer != NULL) {
			fprintf(f, "{\"status\":%d,%s",
			    out[i].result == STORE_REDEEM_ACCEPTED ? 200 : 409,
			    out[i].answer + 1);
			continue;
		}
		if (recs[i].refusal != 0)
			doc = refusal_json(recs[i].refusal, recs[i].reason,
			    recs[i].detail, true);
		else {
			code = redeem_refusal_of(&out[i], &reason, &detail);
			doc = refusal_json(code, reason, detail, true);
		}
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
	struct store_redeem_record *out = NULL;
	struct redeem_record *recs = NULL;
	struct pn_error err;
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
	if (redeem_records(req, recs, n, out, &rc) != 0)
		goto done;
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
