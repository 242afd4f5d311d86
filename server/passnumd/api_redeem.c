/* api_redeem.c -- POST /api/v1/redemptions and /redemptions/batch: terminal records judged once.
 *
 * A record is judged here as far as it can be without the database: its
 * form, that the signing terminal made it, its signature, and the
 * voucher's text, key and dates. What passes goes to the store, which
 * checks that the voucher is byte for byte the one issued under its serial
 * (signature included: the server holds every voucher it signed, so an
 * exact comparison replaces an Ed25519 verification), decides between
 * accepted and conflict in one transaction (store_sqlite_redeem.c) and
 * keeps the signed answer rendered here. The answer a record gets if it
 * is accepted is rendered and signed beforehand, with the records'
 * signatures, on two threads: most of the work of a batch.
 *
 * A voucher typed by hand comes as "PNK1:<serial>:<control key>": the
 * store reads the voucher issued under that serial and compares keys
 * (store_sqlite_redeem.c); its answer is rendered there, once its value
 * is known. An offline record cannot be dated before the terminal's
 * previous exchange (honest_time.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/controlkey.h"
#include "passnum/receipt.h"
#include "passnum/redemption.h"
#include "passnum/request.h"
#include "passnum/serial.h"
#include "passnum/voucher.h"
#include "api.h"
#include "honest_time.h"
#include "keyring.h"
#include "worker.h"

/* A record and what was decided of it before the store. */
struct judged {
	struct pn_redemption rec;
	struct pn_voucher v;		/* typed: its serial, until the store */
	bool typed;			/* serial and control key */
	char key[PN_CONTROL_KEY_SIZE];
	int64_t at;			/* judged at this time */
	bool backdated;			/* before the terminal's previous exchange */
	int flags;			/* STORE_FLAG_* known before the store */
	char *accepted;			/* its answer if accepted, rendered */
	enum err_code refusal;		/* 0: passed to the store */
	int reason;			/* the verifier's, or -1 */
	char detail[PN_ERROR_MESSAGE_MAX];
};

/* What every record of one request is judged with. */
struct judging {
	const struct store_terminal *t;
	const struct pn_trust *trust;
	const struct pn_signing_key *key;
	int64_t now;
	bool offline;			/* a batch: records made earlier */
	unsigned grace;			/* [redemption] offline_grace */
	int64_t earliest;		/* offline: no record dated before */
	unsigned late_sync;		/* [redemption] late_sync */
	struct judged *recs;
	size_t from, to;		/* the share of one thread */
};

static void
refuse(struct judged *j, enum err_code code, int reason, const char *detail)
{
	j->refusal = code;
	j->reason = reason;
	(void)snprintf(j->detail, sizeof(j->detail), "%s", detail);
}

static enum err_code
reason_code(enum pn_reason r)
{
	switch (pn_reason_class(r)) {
	case PN_RC_UNREADABLE:
		return ERR_VOUCHER_UNREADABLE;
	case PN_RC_UNKNOWN_KEY:
		return ERR_VOUCHER_UNKNOWN_KEY;
	case PN_RC_DATES:
		return ERR_VOUCHER_EXPIRED;
	case PN_RC_PROGRAMME:
		return ERR_VOUCHER_PROGRAMME;
	case PN_RC_DENIED:
		return r == PN_R_CANCELLED ? ERR_VOUCHER_CANCELLED :
		    ERR_ALREADY_REDEEMED;
	default:
		/* A bad signature, or a signed voucher whose fields cannot be. */
		return ERR_VOUCHER_FORGED;
	}
}

static char *render_answer(void *ctx, const struct store_decision *d,
    struct pn_error *err);

/* The answer j gets if the store accepts it, rendered now. */
static void
render_accepted(const struct judging *g, struct judged *j)
{
	struct store_decision d;
	struct pn_error err;

	memset(&d, 0, sizeof(d));
	d.outcome = STORE_REDEEM_ACCEPTED;
	memcpy(d.redemption_id, j->rec.id, 16);
	d.serial = j->v.serial;
	d.value = j->v.value_cents;
	d.decided_at = g->now;
	d.venue_id = g->t->venue_id;
	memcpy(d.winner_id, j->rec.id, 16);
	d.winner_venue_id = g->t->venue_id;
	(void)snprintf(d.winner_venue_name, sizeof(d.winner_venue_name), "%s",
	    g->t->venue_name);
	d.winner_at = g->now;
	/* NULL when out of memory: the store then renders it itself. */
	j->accepted = render_answer((void *)g->key, &d, &err);
}

/*
 * A typed record, "PNK1:<serial>:<key>": only its serial and key are
 * known here; the store compares the key with the voucher's own.
 */
static void
judge_typed(struct judged *j)
{
	const char *text = j->rec.voucher;

	if (pn_typed_voucher_parse(text, strlen(text), &j->v.serial,
	    j->key) != 0) {
		refuse(j, ERR_VOUCHER_UNREADABLE, -1, "a typed voucher is "
		    "PNK1:<serial>:<the 8 characters of its control key>");
		return;
	}
	j->typed = true;
	j->flags |= STORE_FLAG_TYPED;
}

static void
judge(const struct judging *g, struct judged *j)
{
	const struct pn_redemption *r = &j->rec;
	int64_t at = g->now;
	enum pn_reason why;

	if (j->refusal != 0)
		return;
	if (r->terminal != (uint64_t)g->t->id) {
		refuse(j, ERR_WRONG_TERMINAL, -1, "the record's terminal is "
		    "not the one that signs the request");
		return;
	}
	if (!pn_redemption_verify(r, g->t->public_key)) {
		refuse(j, ERR_BAD_RECORD_SIGNATURE, -1, "the record's "
		    "signature does not verify under the terminal's key");
		return;
	}
	/*
	 * A record made offline cannot be dated before the terminal's
	 * previous exchange with the server (honest_time.h); it is judged
	 * at its own time when that is recent enough: a voucher taken on
	 * its last day is still paid.
	 */
	j->backdated = g->offline && r->terminal_time < g->earliest;
	if (g->offline && r->terminal_time < g->now &&
	    r->terminal_time >= g->now - (int64_t)g->grace)
		at = r->terminal_time;
	if (g->offline && g->now - r->terminal_time > (int64_t)g->late_sync)
		j->flags |= STORE_FLAG_LATE_SYNC;
	j->at = at;
	if (pn_typed_voucher_is(r->voucher, strlen(r->voucher))) {
		/*
		 * Online only: the terminal cannot check a key, and a batch
		 * would be judged at the terminal's time.
		 */
		if (g->offline)
			refuse(j, ERR_TYPED_ONLINE_ONLY, -1, "a typed voucher "
			    "is sent alone to POST /api/v1/redemptions");
		else
			judge_typed(j);
		return;	/* no answer rendered: its value is not known yet */
	}
	why = pn_voucher_from_text(r->voucher, strlen(r->voucher), &j->v);
	if (why == PN_R_OK)
		why = pn_voucher_verify_issued(&j->v, g->trust, at);
	if (why != PN_R_OK)
		refuse(j, reason_code(why), (int)why,
		    pn_reason_message(why, PN_LANG_EN));
	else
		render_accepted(g, j);
}

static void *
judge_share(void *arg)
{
	const struct judging *g = arg;
	size_t i;

	for (i = g->from; i < g->to; i++)
		judge(g, &g->recs[i]);
	return NULL;
}

/* Below this many records, a second thread costs more than it saves. */
#define PARALLEL_FROM 64

/*
 * A large batch goes to the store in parts of this many records, each in
 * its own group commit, so that the next part is judged (on two threads)
 * while the store writes this one.
 */
#define PART_RECORDS 1000

/* The judging of records [from, to) on up to two threads. */
struct part_judging {
	struct judging share[2];
	pthread_t th[2];
	bool running[2];
};

/* Start judging records [from, to) on two threads, in the background. */
static void
judge_start(struct part_judging *pj, const struct judging *g, size_t from,
    size_t to)
{
	size_t mid = from + (to - from) / 2;
	int i;

	pj->share[0] = *g;
	pj->share[0].from = from;
	pj->share[0].to = mid;
	pj->share[1] = *g;
	pj->share[1].from = mid;
	pj->share[1].to = to;
	for (i = 0; i < 2; i++) {
		pj->running[i] = pthread_create(&pj->th[i], NULL, judge_share,
		    &pj->share[i]) == 0;
		if (!pj->running[i])
			judge_share(&pj->share[i]);	/* no thread: here */
	}
}

static void
judge_wait(struct part_judging *pj)
{
	int i;

	for (i = 0; i < 2; i++)
		if (pj->running[i])
			(void)pthread_join(pj->th[i], NULL);
}

/*
 * Judge records [from, to) before going on: a few here (a thread costs
 * more than it saves, and most requests hold one record), more on this
 * thread and one other.
 */
static void
judge_now(const struct judging *g, size_t from, size_t to)
{
	struct judging here = *g, other = *g;
	pthread_t th;

	here.from = from;
	here.to = to;
	if (to - from < PARALLEL_FROM) {
		judge_share(&here);
		return;
	}
	other.from = here.to = from + (to - from) / 2;
	other.to = to;
	if (pthread_create(&th, NULL, judge_share, &other) != 0) {
		judge_share(&other);	/* no thread: both here */
		judge_share(&here);
		return;
	}
	judge_share(&here);
	(void)pthread_join(th, NULL);
}

/* Cut name to at most max bytes without splitting a UTF-8 character. */
static void
utf8_cut(char *dst, size_t max, const char *name)
{
	size_t n = strlen(name);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, name, n);
	dst[n] = '\0';
}

/*
 * The signed answer of a decision, rendered inside the store's
 * transaction (store_answer_fn): a receipt signed by the server's
 * signing key, and its fields in JSON for people and scripts.
 */
static char *
render_answer(void *ctx, const struct store_decision *d, struct pn_error *err)
{
	const struct pn_signing_key *key = ctx;
	char id[33], winner[33], printed[PN_SERIAL_TEXT_MAX];
	char text[PN_RECEIPT_TEXT_MAX];
	struct pn_receipt r;
	bool conflict = d->outcome == STORE_REDEEM_CONFLICT;
	json_t *doc;
	char *out;

	memset(&r, 0, sizeof(r));
	memcpy(r.redemption_id, d->redemption_id, 16);
	r.serial = d->serial;
	r.outcome = conflict ? PN_RECEIPT_CONFLICT : PN_RECEIPT_ACCEPTED;
	r.value_cents = (uint32_t)d->value;
	r.decided_at = d->decided_at;
	r.venue = (uint64_t)d->venue_id;
	memcpy(r.winner_id, d->winner_id, 16);
	r.winner_venue = (uint64_t)d->winner_venue_id;
	r.winner_at = d->winner_at;
	utf8_cut(r.winner_venue_name, PN_RECEIPT_NAME_MAX,
	    d->winner_venue_name);
	if (pn_receipt_sign(&r, key, err) != 0)
		return NULL;
	pn_receipt_to_text(&r, text);
	pn_hex_encode(d->redemption_id, 16, id);
	pn_hex_encode(d->winner_id, 16, winner);
	pn_serial_format(d->serial, printed);
	doc = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:{s:s, s:I, s:s, s:I},"
	    " s:s}", "redemption_id", id,
	    "outcome", conflict ? "conflict" : "accepted",
	    "serial", (json_int_t)d->serial, "printed", printed,
	    "value_cents", (json_int_t)d->value,
	    "decided_at", (json_int_t)d->decided_at,
	    "winner", "redemption_id", winner,
	    "venue", (json_int_t)d->winner_venue_id,
	    "venue_name", r.winner_venue_name,
	    "accepted_at", (json_int_t)d->winner_at,
	    "receipt", text);
	if (doc != NULL && conflict) {
		/* A conflict is also an error, in the shape of all errors. */
		const struct err_info *e = err_lookup(ERR_ALREADY_REDEEMED);

		json_object_set_new(doc, "code", json_integer(e->code));
		json_object_set_new(doc, "error", json_string(e->fr));
	}
	out = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (out == NULL)
		pn_error_set(err, PN_E_NOMEM, "out of memory");
	return out;
}

/* The store's refusals, as error codes. */
static enum err_code
store_refusal(int result, const char **detail)
{
	switch (result) {
	case STORE_REDEEM_ID_REUSED:
		*detail = "this redemption_id was sent before with another "
		    "voucher or from another terminal";
		return ERR_REDEMPTION_ID_REUSED;
	case STORE_REDEEM_NO_SESSION:
		*detail = "declare the session (POST /api/v1/sessions) before "
		    "its records";
		return ERR_UNKNOWN_SESSION;
	case STORE_REDEEM_UNKNOWN:
		*detail = "no voucher of this serial was issued here";
		return ERR_VOUCHER_NOT_ISSUED;
	case STORE_REDEEM_MISMATCH:
		*detail = "not the voucher issued under this serial";
		return ERR_VOUCHER_FORGED;
	case STORE_REDEEM_CANCELLED:
		*detail = "the voucher was cancelled";
		return ERR_VOUCHER_CANCELLED;
	case STORE_REDEEM_EXPIRED:
		*detail = "the voucher is past its expiry and tolerance";
		return ERR_VOUCHER_EXPIRED;
	case STORE_REDEEM_BAD_KEY:
		*detail = "no voucher of this serial has this control key";
		return ERR_BAD_CONTROL_KEY;
	case STORE_REDEEM_SUSPENDED:
		*detail = "the terminal was suspended by an earlier record of "
		    "this request";
		return ERR_TERMINAL_SUSPENDED;
	case STORE_REDEEM_BOOKLET_LIMIT:
		*detail = "as many vouchers of this booklet as the programme's "
		    "max_per_session are accepted in this session already";
		return ERR_BOOKLET_SESSION_LIMIT;
	case STORE_REDEEM_BACKDATED:
		*detail = "terminal_time is before the terminal's previous "
		    "exchange with the server, less the clock tolerance";
		return ERR_RECORD_BACKDATED;
	case STORE_REDEEM_OUTSIDE_HOURS:
		*detail = "now is outside the session's hours, from one hour "
		    "before its start to one hour after its end";
		return ERR_OUTSIDE_SESSION_HOURS;
	default:
		*detail = "the store gave no decision";
		return ERR_INTERNAL;
	}
}

/* What a record refused by the store says: its code, reason and detail. */
static enum err_code
store_refusal_of(const struct store_redeem_record *out, int *reason,
    const char **detail)
{
	*reason = -1;
	if (out->result == STORE_REDEEM_REFUSED) {
		*reason = out->reason;
		*detail = pn_reason_message((enum pn_reason)out->reason,
		    PN_LANG_EN);
		return reason_code((enum pn_reason)out->reason);
	}
	return store_refusal(out->result, detail);
}

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

/* Give the store what was judged of records [from, to). */
static void
hand_over(struct judged *recs, struct store_redeem_record *out, size_t from,
    size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].refused = recs[i].refusal != 0;
		out[i].redemption_id = recs[i].rec.id;
		out[i].session_uid = recs[i].rec.session;
		out[i].record_signature = recs[i].rec.signature;
		out[i].voucher = &recs[i].v;
		out[i].typed = recs[i].typed;
		memcpy(out[i].key, recs[i].key, sizeof(out[i].key));
		out[i].at = recs[i].at;
		out[i].flags = recs[i].flags;
		out[i].backdated = recs[i].backdated;
		out[i].answer = recs[i].accepted;
		recs[i].accepted = NULL;	/* the store's now */
		out[i].terminal_time = recs[i].rec.terminal_time;
		out[i].counter = recs[i].rec.counter;
	}
}

/* The checks of a typed voucher read from the store (store_redeem_rules). */
static int
typed_check(void *ctx, const struct pn_voucher *v, int64_t at)
{
	return (int)pn_voucher_verify_issued(v, ctx, at);
}

/*
 * Make ready to judge the records of req: g and rules from the running
 * server's keys and configuration, at this time. Returns 0, or -1 once
 * answered (*rc).
 */
static int
redeem_setup(struct http_request *req, struct judged *recs, bool offline,
    struct judging *g, struct store_redeem_rules *rules, enum MHD_Result *rc)
{
	const struct store_terminal *t = http_request_terminal(req, NULL);
	const struct keyring *k = keyring_current();
	const struct config_redemption *cfg =
	    &http_request_config(req)->redemption;

	if (k == NULL || k->trust == NULL || k->signing == NULL) {
		*rc = http_reply_error(req, k == NULL || k->signing == NULL ?
		    ERR_NO_SIGNING_KEY : ERR_TRUST_UNAVAILABLE, "[keys] "
		    "signing_key and trust_bundle must be configured to judge "
		    "and sign redemptions");
		return -1;
	}
	memset(g, 0, sizeof(*g));
	g->t = t;
	g->trust = k->trust;
	g->now = (int64_t)time(NULL);
	g->key = k->signing;
	g->offline = offline;
	g->grace = cfg->offline_grace;
	g->earliest = honest_earliest_record(t, g->now, cfg);
	g->late_sync = cfg->late_sync;
	g->recs = recs;
	memset(rules, 0, sizeof(*rules));
	rules->now = g->now;
	rules->offline = offline;
	rules->key_window = cfg->key_failure_window;
	rules->key_limit_terminal = cfg->key_failures_terminal;
	rules->key_limit_venue = cfg->key_failures_venue;
	rules->answer = render_answer;
	rules->answer_ctx = (void *)k->signing;
	rules->check = typed_check;
	rules->check_ctx = (void *)k->trust;
	return 0;
}

/*
 * What the store said of n records (stored: what store_redeem returned).
 * Returns 0 with out[i] final for every record, or -1 once answered (*rc):
 * the store failed, or the request was a replay.
 */
static int
redeem_stored(struct http_request *req, const struct judging *g, int stored,
    const struct pn_error *err, struct store_redeem_record *out, size_t n,
    enum MHD_Result *rc)
{
	size_t i;

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
	/*
	 * A serial the server never issued: a forgery, unless the voucher is
	 * well signed (another server's, or a lost database): the signature
	 * tells which, and this rare case can afford it.
	 */
	for (i = 0; i < n; i++)
		if (!out[i].refused && !out[i].typed &&
		    out[i].result == STORE_REDEEM_UNKNOWN &&
		    pn_voucher_verify(&g->recs[i].v, g->trust, NULL, g->now) ==
		    PN_R_SIGNATURE)
			out[i].result = STORE_REDEEM_MISMATCH;
	return 0;
}

/*
 * Judge the n records of a batch and pass those that can be redeemed to
 * the store, part by part; the calling thread waits for each part's
 * commit. Returns 0 with out[i] filled for every record, or -1 once
 * answered (*rc).
 */
static int
redeem_records(struct http_request *req, struct judged *recs, size_t n,
    struct store_redeem_record *out, enum MHD_Result *rc)
{
	const struct store_nonce *nonce;
	const struct store_terminal *t = http_request_terminal(req, &nonce);
	struct store_redeem_rules rules;
	struct part_judging pj;
	struct judging g;
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
	to = n < PART_RECORDS ? n : PART_RECORDS;
	judge_now(&g, 0, to);
	hand_over(recs, out, 0, to);
	from = 0;
	do {
		next = n - to < PART_RECORDS ? n : to + PART_RECORDS;
		if (to < n)
			judge_start(&pj, &g, to, next);
		stored = store_redeem(s, t, from == 0 ? nonce : NULL,
		    out + from, to - from, &rules, &err);
		if (to < n) {
			judge_wait(&pj);
			hand_over(recs, out, to, next);
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
	struct judged j;
	struct store_redeem_record out;
	struct judging g;
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

static void
resume_request(void *req)
{
	http_resume(req);
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
		code = store_refusal_of(out, &reason, &detail);
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
	judge_now(&c->g, 0, 1);
	if ((s = worker_store(&c->err)) == NULL)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    c->err.message);
	hand_over(&c->j, &c->out, 0, 1);
	rc = http_suspend(req, api_redeem_answer);
	c->w = store_redeem_submit(s, t, nonce, &c->out, 1, &c->rules,
	    resume_request, req, &c->err);
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
write_results(FILE *f, const struct judged *recs,
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
			code = store_refusal_of(&out[i], &reason, &detail);
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
	struct judged *recs = NULL;
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
			refuse(&recs[i], ERR_INVALID_FIELD, -1, err.message);
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
