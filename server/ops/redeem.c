/* redeem.c -- terminal records judged without the database (redeem.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "passnum/receipt.h"
#include "passnum/request.h"
#include "passnum/serial.h"
#include "honest_time.h"
#include "redeem.h"

/* Below this many records, a second thread costs more than it saves. */
#define PARALLEL_FROM 64

void
redeem_refuse(struct redeem_record *j, enum err_code code, int reason,
    const char *detail)
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

/* The answer j gets if the store accepts it, rendered now. */
static void
render_accepted(const struct redeem_judging *g, struct redeem_record *j)
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
	j->accepted = redeem_render_answer((void *)g->key, &d, &err);
}

/*
 * A typed record, "PNK1:<serial>:<key>": only its serial and key are
 * known here; the store compares the key with the voucher's own.
 */
static void
judge_typed(struct redeem_record *j)
{
	const char *text = j->rec.voucher;

	if (pn_typed_voucher_parse(text, strlen(text), &j->v.serial,
	    j->key) != 0) {
		redeem_refuse(j, ERR_VOUCHER_UNREADABLE, -1, "a typed voucher "
		    "is "
		    "PNK1:<serial>:<the 8 characters of its control key>");
		return;
	}
	j->typed = true;
	j->flags |= STORE_FLAG_TYPED;
}

static void
judge(const struct redeem_judging *g, struct redeem_record *j)
{
	const struct pn_redemption *r = &j->rec;
	int64_t at = g->now;
	enum pn_reason why;

	if (j->refusal != 0)
		return;
	if (r->terminal != (uint64_t)g->t->id) {
		redeem_refuse(j, ERR_WRONG_TERMINAL, -1, "the record's "
		    "terminal is "
		    "not the one that signs the request");
		return;
	}
	if (!pn_redemption_verify(r, g->t->public_key)) {
		redeem_refuse(j, ERR_BAD_RECORD_SIGNATURE, -1, "the record's "
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
			redeem_refuse(j, ERR_TYPED_ONLINE_ONLY, -1, "a typed "
			    "voucher "
			    "is sent alone to POST /api/v1/redemptions");
		else
			judge_typed(j);
		return;	/* no answer rendered: its value is not known yet */
	}
	why = pn_voucher_from_text(r->voucher, strlen(r->voucher), &j->v);
	if (why == PN_R_OK)
		why = pn_voucher_verify_issued(&j->v, g->trust, at);
	if (why != PN_R_OK)
		redeem_refuse(j, reason_code(why), (int)why,
		    pn_reason_message(why, PN_LANG_EN));
	else
		render_accepted(g, j);
}

static void *
judge_share(void *arg)
{
	const struct redeem_judging *g = arg;
	size_t i;

	for (i = g->from; i < g->to; i++)
		judge(g, &g->recs[i]);
	return NULL;
}

/* Start judging records [from, to) on two threads, in the background. */
void
redeem_judge_start(struct redeem_part *pj, const struct redeem_judging *g,
    size_t from, size_t to)
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

void
redeem_judge_wait(struct redeem_part *pj)
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
void
redeem_judge(const struct redeem_judging *g, size_t from, size_t to)
{
	struct redeem_judging here = *g, other = *g;
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
char *
redeem_render_answer(void *ctx, const struct store_decision *d,
    struct pn_error *err)
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
enum err_code
redeem_refusal_of(const struct store_redeem_record *out, int *reason,
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

/* Give the store what was judged of records [from, to). */
void
redeem_hand_over(struct redeem_record *recs, struct store_redeem_record *out,
    size_t from, size_t to)
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

enum err_code
redeem_begin(struct redeem_judging *g, struct store_redeem_rules *rules,
    const struct store_terminal *t, const struct keyring *k,
    const struct config_redemption *cfg, bool offline,
    struct redeem_record *recs, int64_t now)
{
	if (k == NULL || k->signing == NULL)
		return ERR_NO_SIGNING_KEY;
	if (k->trust == NULL)
		return ERR_TRUST_UNAVAILABLE;
	memset(g, 0, sizeof(*g));
	g->t = t;
	g->trust = k->trust;
	g->now = now;
	g->key = k->signing;
	g->offline = offline;
	g->grace = cfg->offline_grace;
	g->earliest = honest_earliest_record(t, now, cfg);
	g->late_sync = cfg->late_sync;
	g->recs = recs;
	memset(rules, 0, sizeof(*rules));
	rules->now = now;
	rules->offline = offline;
	rules->key_window = cfg->key_failure_window;
	rules->key_limit_terminal = cfg->key_failures_terminal;
	rules->key_limit_venue = cfg->key_failures_venue;
	rules->answer = redeem_render_answer;
	rules->answer_ctx = (void *)k->signing;
	rules->check = typed_check;
	rules->check_ctx = (void *)k->trust;
	return 0;
}

void
redeem_unissued(const struct redeem_judging *g,
    struct store_redeem_record *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!out[i].refused && !out[i].typed &&
		    out[i].result == STORE_REDEEM_UNKNOWN &&
		    pn_voucher_verify(&g->recs[i].v, g->trust, NULL, g->now) ==
		    PN_R_SIGNATURE)
			out[i].result = STORE_REDEEM_MISMATCH;
}

/*
 * Make ready to judge recs with cx's keys and configuration.
 * ERR_NONE, or the refusal with *why.
 */
static enum err_code
setup(const struct op_ctx *cx, const struct store_terminal *t,
    struct redeem_record *recs, bool offline, struct redeem_judging *g,
    struct store_redeem_rules *rules, struct op_refusal *why)
{
	enum err_code code;

	code = redeem_begin(g, rules, t, cx->keys, &cx->cfg->redemption,
	    offline, recs, cx->now);
	if (code != ERR_NONE)
		return op_refuse(why, code, NULL, "[keys] signing_key and "
		    "trust_bundle must be configured to judge and sign "
		    "redemptions");
	return ERR_NONE;
}

/*
 * What the store said of n records (stored: what store_redeem returned):
 * ERR_NONE with out[i] final for every record, or the refusal of the
 * request (the store failed, or the request was a replay).
 */
static enum err_code
stored_outcome(const struct redeem_judging *g, int stored,
    const struct pn_error *err, struct store_redeem_record *out, size_t n,
    struct op_refusal *why)
{
	if (stored < 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, err);
	if (stored == 1)
		return op_refuse(why, ERR_REPLAYED_NONCE, NULL, "this nonce "
		    "was used before; nothing was done");
	redeem_unissued(g, out, n);
	return ERR_NONE;
}

enum err_code
redeem_one_queue(struct redeem_one *c, const struct op_ctx *cx,
    const struct store_terminal *t, const struct store_nonce *nonce,
    const struct pn_redemption *rec, store_write_done done, void *ctx,
    struct op_refusal *why)
{
	enum err_code code;

	c->j.rec = *rec;
	c->w = NULL;
	if ((code = setup(cx, t, &c->j, false, &c->g, &c->rules, why)) !=
	    ERR_NONE)
		return code;
	redeem_judge(&c->g, 0, 1);
	redeem_hand_over(&c->j, &c->out, 0, 1);
	c->w = store_redeem_submit(cx->s, t, nonce, &c->out, 1, &c->rules,
	    done, ctx, &c->err);
	if (c->w == NULL)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &c->err);
	return ERR_NONE;
}

enum err_code
redeem_one_end(struct redeem_one *c, struct op_refusal *why)
{
	int stored = store_write_end(c->w, &c->err);

	c->w = NULL;
	return stored_outcome(&c->g, stored, &c->err, &c->out, 1, why);
}

void
redeem_one_free(struct redeem_one *c)
{
	if (c->w != NULL)
		(void)store_write_end(c->w, NULL);
	c->w = NULL;
	free(c->j.accepted);
	free(c->out.answer);
}

enum err_code
redeem_batch(const struct op_ctx *cx, const struct store_terminal *t,
    const struct store_nonce *nonce, struct redeem_record *recs, size_t n,
    struct store_redeem_record *out, struct op_refusal *why)
{
	struct store_redeem_rules rules;
	struct redeem_part pj;
	struct redeem_judging g;
	struct pn_error err;
	size_t from, to, next;
	enum err_code code;
	int stored;

	if ((code = setup(cx, t, recs, true, &g, &rules, why)) != ERR_NONE)
		return code;
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
		stored = store_redeem(cx->s, t, from == 0 ? nonce : NULL,
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
	return stored_outcome(&g, stored, &err, out, n, why);
}

enum err_code
redeem_outcome(const struct redeem_record *j,
    const struct store_redeem_record *out, const char **answer,
    bool *accepted, int *reason, const char **detail)
{
	*answer = out->answer;
	*accepted = out->answer != NULL &&
	    out->result == STORE_REDEEM_ACCEPTED;
	*reason = -1;
	*detail = "";
	if (out->answer != NULL)
		return ERR_NONE;
	if (j->refusal != 0) {
		*reason = j->reason;
		*detail = j->detail;
		return j->refusal;
	}
	return redeem_refusal_of(out, reason, detail);
}
