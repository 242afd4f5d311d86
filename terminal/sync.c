/* sync.c -- sessions and pending records to the server, and its signed answers back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/request.h"
#include "server_codes.h"
#include "sync.h"

/* Answers to a batch of SYNC_CHUNK_MAX records stay well below this. */
#define REPLY_MAX (8u << 20)

/*
 * The server's French message; its "detail" is English, for operators
 * (its logs keep it), and the venue reads this one.
 */
static void
set_message(struct journal_record *rec, const json_t *answer, long status)
{
	const char *e = json_string_value(json_object_get(answer, "error"));

	if (e != NULL)
		(void)snprintf(rec->message, sizeof(rec->message), "%s", e);
	else
		(void)snprintf(rec->message, sizeof(rec->message), "refusé par "
		    "le serveur (HTTP %ld)", status);
}

static int
answer_code(const json_t *answer)
{
	json_t *v = json_object_get(answer, "code");

	return json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) < 100000 ? (int)json_integer_value(v) : 0;
}

/* Verify the receipt; a key the bundle does not know yet: fetch it once. */
static int
receipt_check(struct term *t, const char *text, struct pn_receipt *r,
    struct pn_error *err)
{
	struct pn_error ignored;

	if (t->trust == NULL && term_refresh_trust(t, &ignored) != 0)
		return pn_error_set(err, PN_E_UNTRUSTED, "clés du Département "
		    "absentes : reçu invérifiable");
	if (pn_receipt_from_text(text, t->trust, r, err) == 0)
		return 0;
	if (err->code != PN_E_UNTRUSTED || term_refresh_trust(t, &ignored) != 0)
		return -1;
	return pn_receipt_from_text(text, t->trust, r, err);
}

int
sync_apply_answer(struct term *t, struct journal_record *rec, long status,
    const json_t *answer, struct pn_error *err)
{
	struct pn_receipt r;
	const char *text;
	int code = answer_code(answer);

	if (term_note_suspended(t, status, answer))
		return 2;
	/* Not a judgement of the voucher: the clocks disagree. */
	if (status == 401 && code == SERVER_CODE_STALE)
		return 3;
	if (status == 200 || (status == 409 && code == SERVER_CODE_CONFLICT)) {
		text = json_string_value(json_object_get(answer, "receipt"));
		if (text == NULL || strlen(text) >= sizeof(rec->receipt)) {
			pn_error_set(err, PN_E_FORMAT, "réponse du serveur "
			    "sans reçu");
			return 1;
		}
		if (receipt_check(t, text, &r, err) != 0) {
			pn_error_prefix(err, "receipt");
			return 1;
		}
		/* The proof must be about this record and this voucher. */
		if (memcmp(r.redemption_id, rec->r.id, sizeof(r.redemption_id))
		    != 0 || r.serial != rec->serial ||
		    r.venue != t->cfg.venue_id ||
		    r.outcome != (status == 200 ? PN_RECEIPT_ACCEPTED :
		    PN_RECEIPT_CONFLICT)) {
			pn_error_set(err, PN_E_FORMAT, "reçu du serveur d'un "
			    "autre enregistrement, chèque, lieu ou verdict");
			return 1;
		}
		/* A typed voucher's value is known from the receipt only. */
		if (!rec->has_value) {
			rec->value_cents = r.value_cents;
			rec->has_value = true;
		}
		rec->state = status == 200 ? JOURNAL_ACCEPTED : JOURNAL_CONFLICT;
		rec->http_status = (int)status;
		rec->code = status == 200 ? 0 : code;
		rec->message[0] = '\0';
		memcpy(rec->receipt, text, strlen(text) + 1);
		rec->decided_at = r.decided_at;
		if (r.winner_venue_name[0] != '\0')
			(void)snprintf(rec->winner_venue,
			    sizeof(rec->winner_venue), "%s",
			    r.winner_venue_name);
		else
			(void)snprintf(rec->winner_venue,
			    sizeof(rec->winner_venue), "%.140s",
			    t->cfg.venue_name);
		rec->winner_at = r.winner_at != 0 ? r.winner_at : r.decided_at;
		return journal_record_update(t->journal, rec, err);
	}
	if (status >= 400 && status < 500) {
		rec->state = JOURNAL_REFUSED;
		rec->http_status = (int)status;
		rec->code = code;
		set_message(rec, answer, status);
		return journal_record_update(t->journal, rec, err);
	}
	pn_error_set(err, PN_E_FORMAT, "réponse inattendue du serveur "
	    "(HTTP %ld)", status);
	return 1;
}

enum sync_post
sync_post_record(struct term *t, struct journal_record *rec,
    struct pn_error *err)
{
	struct http_reply rep;
	char *body, msg[400];
	json_t *j;
	int rc;

	j = pn_redemption_to_json(&rec->r);
	body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (body == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		return SYNC_POST_ERROR;
	}
	rc = http_request(t->http, "POST", "/api/v1/redemptions", body,
	    strlen(body), true, 1u << 20, &rep);
	free(body);
	if (rc != 0 || http_reply_unreachable(&rep)) {
		http_reply_message(&rep, msg, sizeof(msg));
		/* PN_E_UNTRUSTED: not the server this terminal trusts. */
		pn_error_set(err, rep.cert_refused ? PN_E_UNTRUSTED : PN_E_IO,
		    "%s", msg);
		rc = rep.sent ? SYNC_POST_NO_ANSWER : SYNC_POST_NOT_SENT;
		http_reply_free(&rep);
		return (enum sync_post)rc;
	}
	if (rep.status == 200)
		term_note_active(t);
	if (term_note_clock(t, &rep)) {
		pn_error_set(err, PN_E_IO, "%s", t->clock_refused);
		http_reply_free(&rep);
		return SYNC_POST_CLOCK;
	}
	rc = sync_apply_answer(t, rec, rep.status, rep.json, err);
	http_reply_free(&rep);
	switch (rc) {
	case 0:
		return SYNC_POST_ANSWERED;
	case 1:
		return SYNC_POST_UNUSABLE;
	case 2:
		return SYNC_POST_SUSPENDED;
	case 3:
		pn_error_set(err, PN_E_IO, "%s", t->clock_refused);
		return SYNC_POST_CLOCK;
	default:
		return SYNC_POST_ERROR;
	}
}

/* The refusals of a session itself, which declaring it again cannot change. */
static bool
session_refused_for_good(int code)
{
	return code == SERVER_CODE_INVALID_FIELD ||
	    code == SERVER_CODE_UNKNOWN_THEME ||
	    code == SERVER_CODE_SESSION_MISMATCH ||
	    code == SERVER_CODE_SESSION_BACKDATED;
}

int
sync_declare_session(struct term *t, const struct journal_session *s,
    struct pn_error *err)
{
	char id[2 * PN_SESSION_ID_SIZE + 1], msg[400], *body;
	struct http_reply rep;
	json_t *j;
	int rc, code;

	pn_hex_encode(s->id, sizeof(s->id), id);
	j = json_pack("{s:s, s:s, s:I, s:i}", "session", id, "theme", s->theme,
	    "starts_at", (json_int_t)s->starts_at, "duration_minutes",
	    s->duration_minutes);
	body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (body == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	rc = http_request(t->http, "POST", "/api/v1/sessions", body,
	    strlen(body), true, 1u << 20, &rep);
	free(body);
	if (rc != 0 || http_reply_unreachable(&rep)) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "%s", msg);
		http_reply_free(&rep);
		return 1;
	}
	if (rep.status == 200 || rep.status == 201) {
		http_reply_free(&rep);
		term_note_active(t);
		return journal_session_declared(t->journal, s->id, err);
	}
	if (term_note_suspended(t, rep.status, rep.json)) {
		http_reply_free(&rep);
		return 2;
	}
	if (term_note_clock(t, &rep)) {
		pn_error_set(err, PN_E_IO, "%s", t->clock_refused);
		http_reply_free(&rep);
		return 3;
	}
	http_reply_message(&rep, msg, sizeof(msg));
	code = http_reply_code(&rep);
	http_reply_free(&rep);
	if (session_refused_for_good(code) &&
	    journal_session_refuse(t->journal, s->id, code, err) != 0)
		return -1;
	pn_error_set(err, PN_E_IO, "séance %.8s… refusée par le serveur : %s",
	    id, msg);
	return -1;
}

struct declare_walk {
	struct term *t;
	struct sync_stats *st;
	struct pn_error *err;
	bool unreachable;
	bool suspended;
	bool clock;
};

static int
declare_one(const struct journal_session *s, void *arg)
{
	struct declare_walk *w = arg;
	struct pn_error e;
	int rc = sync_declare_session(w->t, s, &e);

	if (rc == 1) {
		w->unreachable = true;
		*w->err = e;
		return 1;
	}
	if (rc == 2) {
		w->suspended = true;
		return 1;
	}
	if (rc == 3) {
		w->clock = true;
		*w->err = e;
		return 1;
	}
	if (rc == 0) {
		w->st->sessions++;
		return 0;
	}
	/* Said, and the walk goes on: its records get their 4012. */
	fprintf(stderr, "passnum-terminal : %s\n", e.message);
	if (w->st->sessions_refused++ == 0)
		(void)snprintf(w->st->session_refusal,
		    sizeof(w->st->session_refusal), "%s", e.message);
	return 0;
}

struct batch {
	struct journal_record *recs;
	size_t n;
	size_t cap;
};

static int
collect(const struct journal_record *rec, void *arg)
{
	struct batch *b = arg;

	if (b->n == b->cap)
		return 1;
	b->recs[b->n++] = *rec;
	return 0;
}

/* One answered record in the tally. */
static void
count(struct sync_stats *st, const struct journal_record *rec)
{
	if (rec->state == JOURNAL_ACCEPTED)
		st->accepted++;
	else if (rec->state == JOURNAL_CONFLICT)
		st->conflicts++;
	else
		st->refused++;
}

/*
 * Send b's records; 0 all answered, 1 unreachable, 2 too large, 3 the
 * terminal is suspended (the results that came are applied), 4 the
 * server refused the request's time (all stay pending), -1 error.
 */
static int
send_batch(struct term *t, struct batch *b, struct sync_stats *st,
    struct pn_error *err)
{
	struct http_reply rep;
	json_t *root, *arr, *results, *res;
	char *body, msg[400];
	size_t i;
	int rc = -1, a;

	if ((arr = json_array()) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	for (i = 0; i < b->n; i++)
		if (json_array_append_new(arr,
		    pn_redemption_to_json(&b->recs[i].r)) != 0) {
			json_decref(arr);
			return pn_error_set(err, PN_E_NOMEM, "mémoire "
			    "insuffisante");
		}
	root = json_pack("{s:o}", "records", arr);
	body = root != NULL ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (body == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	a = http_request(t->http, "POST", "/api/v1/redemptions/batch", body,
	    strlen(body), true, REPLY_MAX, &rep);
	free(body);
	if (a != 0 || http_reply_unreachable(&rep)) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "%s", msg);
		http_reply_free(&rep);
		return 1;
	}
	if (rep.status == 413) {
		http_reply_free(&rep);
		return 2;
	}
	if (term_note_suspended(t, rep.status, rep.json)) {
		http_reply_free(&rep);
		return 3;
	}
	if (term_note_clock(t, &rep)) {
		pn_error_set(err, PN_E_IO, "%s", t->clock_refused);
		http_reply_free(&rep);
		return 4;
	}
	results = json_object_get(rep.json, "results");
	if (rep.status != 200 || !json_is_array(results) ||
	    json_array_size(results) != b->n) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "envoi groupé : %s", rep.status ==
		    200 ? "la réponse ne compte pas un résultat par "
		    "enregistrement" : msg);
		goto out;
	}
	term_note_active(t);
	st->sent += b->n;
	rc = 0;
	json_array_foreach(results, i, res) {
		json_t *s = json_object_get(res, "status");
		struct pn_error e;

		if (json_is_integer(s))
			a = sync_apply_answer(t, &b->recs[i],
			    (long)json_integer_value(s), res, &e);
		else {
			pn_error_set(&e, PN_E_FORMAT, "résultat du "
			    "serveur sans verdict");
			a = 1;
		}
		if (a < 0) {
			*err = e;
			rc = -1;
			goto out;
		}
		if (a == 2) {
			/* Taken offline, and not judged: it waits, pending. */
			rc = 3;
			continue;
		}
		if (a == 3) {
			/* Not judged either: it waits for the clocks. */
			if (rc == 0)
				rc = 4;
			continue;
		}
		if (a == 1) {
			fprintf(stderr, "passnum-terminal : "
			    "l'enregistrement n° %llu reste en attente : %s\n",
			    (unsigned long long)b->recs[i].r.counter, e.message);
			if (rc != 3)
				rc = -1;
			*err = e;
			continue;
		}
		count(st, &b->recs[i]);
	}
out:
	http_reply_free(&rep);
	return rc;
}

/*
 * The typed records left pending (their answer was lost, or a crash came
 * between the journal and the network), one by one through the route that
 * judges online: the same redemption_id, which the server answers with
 * the answer it stored if it had the record. b is scratch space.
 */
static enum sync_outcome
send_typed(struct term *t, struct batch *b, struct sync_stats *st,
    struct pn_error *err)
{
	size_t i;

	for (;;) {
		b->n = 0;
		if (journal_pending_each(t->journal, JOURNAL_TYPED, b->cap,
		    collect, b, err) < 0)
			return SYNC_FAILED;
		if (b->n == 0)
			return SYNC_DONE;
		for (i = 0; i < b->n; i++) {
			switch (sync_post_record(t, &b->recs[i], err)) {
			case SYNC_POST_ANSWERED:
				st->sent++;
				count(st, &b->recs[i]);
				break;
			case SYNC_POST_NOT_SENT:
			case SYNC_POST_NO_ANSWER:
				return SYNC_UNREACHABLE;
			case SYNC_POST_SUSPENDED:
				return SYNC_SUSPENDED;
			case SYNC_POST_CLOCK:
				return SYNC_CLOCK;
			case SYNC_POST_UNUSABLE:
				pn_error_prefix(err, "chèque tapé");
				return SYNC_FAILED;
			case SYNC_POST_ERROR:
				return SYNC_FAILED;
			}
		}
	}
}

enum sync_outcome
sync_run(struct term *t, struct sync_stats *st, struct pn_error *err)
{
	char why[SKEW_TEXT_MAX];
	struct sync_stats local;
	struct pn_error counted;
	struct declare_walk w;
	struct batch b = { 0 };
	size_t chunk;
	int64_t pending;
	int rc;
	enum sync_outcome out = SYNC_FAILED;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	/* Remembered suspended: nothing is sent until the server lifts it. */
	if ((rc = term_confirm_active(t)) != 0) {
		if (rc == 1)
			pn_error_set(err, PN_E_IO, "serveur injoignable");
		out = rc == 1 ? SYNC_UNREACHABLE : SYNC_SUSPENDED;
		goto done;
	}
	if ((rc = term_refresh_trust(t, err)) == 0)
		rc = term_refresh_deny(t, err);
	if (rc != 0) {
		out = rc == 1 ? SYNC_UNREACHABLE : SYNC_FAILED;
		goto done;
	}
	w = (struct declare_walk){ .t = t, .st = st, .err = err };
	if (journal_session_each(t->journal, 0, true, declare_one, &w,
	    err) < 0)
		goto done;
	if (w.unreachable || w.suspended || w.clock) {
		out = w.unreachable ? SYNC_UNREACHABLE : w.suspended ?
		    SYNC_SUSPENDED : SYNC_CLOCK;
		goto done;
	}
	chunk = t->cfg.max_batch < SYNC_CHUNK_MAX ? t->cfg.max_batch :
	    SYNC_CHUNK_MAX;
	if ((b.recs = calloc(chunk, sizeof(*b.recs))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		goto done;
	}
	b.cap = chunk;
	if ((out = send_typed(t, &b, st, err)) != SYNC_DONE)
		goto done;
	out = SYNC_FAILED;
	for (;;) {
		b.n = 0;
		if (journal_pending_each(t->journal, JOURNAL_SCANNED, b.cap,
		    collect, &b, err) < 0)
			goto done;
		if (b.n == 0)
			break;
		rc = send_batch(t, &b, st, err);
		if (rc == 1 || rc == 3 || rc == 4) {
			out = rc == 1 ? SYNC_UNREACHABLE : rc == 3 ?
			    SYNC_SUSPENDED : SYNC_CLOCK;
			goto done;
		}
		if (rc == 2) {
			/* The server takes fewer: halve, down to one. */
			if (b.cap == 1) {
				pn_error_set(err, PN_E_IO, "envoi groupé : le "
				    "serveur refuse même un seul "
				    "enregistrement, trop gros. Prévenez le "
				    "Département");
				goto done;
			}
			b.cap /= 2;
			continue;
		}
		if (rc != 0)
			goto done;
	}
	/*
	 * Nothing was refused for its time, yet the server's answers show
	 * its clock more than the window away (nothing needed signing, or
	 * the server judged at the window's very edge): said all the same,
	 * as the next signed request would be refused.
	 */
	if (term_clock_disagrees(t, why, sizeof(why))) {
		pn_error_set(err, PN_E_IO, "%s", why);
		out = SYNC_CLOCK;
		goto done;
	}
	/*
	 * Nothing pending: the receipts the server has not confirmed. The
	 * records' buffer is not needed there: freed first, not to add to
	 * the receipts' own.
	 */
	free(b.recs);
	b.recs = NULL;
	if ((rc = anchor_run(t, &st->receipts, err)) != 0) {
		out = rc == 1 ? SYNC_UNREACHABLE : rc == 2 ? SYNC_SUSPENDED :
		    rc == 3 ? SYNC_CLOCK : SYNC_FAILED;
		goto done;
	}
	out = SYNC_DONE;
	(void)journal_meta_set(t->journal, META_LAST_SYNC_AT,
	    (int64_t)time(NULL), err);
done:
	free(b.recs);
	/* Counted apart, so that err keeps the reason of a failure. */
	pending = journal_pending_count(t->journal, &counted);
	st->pending = pending > 0 ? (size_t)pending : 0;
	return out;
}
