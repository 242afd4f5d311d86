/* anchor.c -- the server's checkpoints kept, and this terminal's receipts sent back until a checkpoint anchors them (anchor.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/request.h"
#include "anchor.h"
#include "context.h"
#include "journal.h"
#include "server_codes.h"

/* A checkpoint's answer is one line of JSON. */
#define CHECKPOINT_REPLY_MAX	4096
/* The answer to ANCHOR_CHUNK receipts: a result of some 2 KiB each, at most. */
#define RECEIPTS_REPLY_MAX	(2u << 20)

/* Verify text; a key the bundle does not know yet: fetch it once. */
static int
checkpoint_verify(struct term *t, const char *text, struct pn_checkpoint *c,
    struct pn_error *err)
{
	struct pn_error ignored;

	if (t->trust == NULL && term_refresh_trust(t, &ignored) != 0)
		return pn_error_set(err, PN_E_UNTRUSTED, "clés du Département "
		    "absentes : point de contrôle du serveur invérifiable");
	if (pn_checkpoint_from_text(text, strlen(text), t->trust, c, err) == 0)
		return 0;
	if (err->code != PN_E_UNTRUSTED || term_refresh_trust(t, &ignored) != 0)
		return -1;
	return pn_checkpoint_from_text(text, strlen(text), t->trust, c, err);
}

/*
 * The server's latest checkpoint, verified, into text and *c: 0; 1 the
 * server cannot be reached; 2 this terminal is suspended; 3 the server
 * has none (none made yet, or a server without checkpoints); -1 with err.
 */
static int
checkpoint_fetch(struct term *t, char text[PN_CHECKPOINT_TEXT_MAX],
    struct pn_checkpoint *c, struct pn_error *err)
{
	struct http_reply rep;
	const char *s;
	char msg[400];
	size_t len;

	if (http_request(t->http, "GET", "/api/v1/checkpoint", NULL, 0, false,
	    CHECKPOINT_REPLY_MAX, &rep) != 0 ||
	    (http_reply_unreachable(&rep) &&
	    http_reply_code(&rep) != SERVER_CODE_NO_CHECKPOINT)) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "point de contrôle du serveur : %s",
		    msg);
		http_reply_free(&rep);
		return 1;
	}
	if (term_note_suspended(t, rep.status, rep.json)) {
		http_reply_free(&rep);
		return 2;
	}
	if (rep.status == 404 || http_reply_code(&rep) ==
	    SERVER_CODE_NO_CHECKPOINT) {
		http_reply_free(&rep);
		return 3;
	}
	s = json_string_value(json_object_get(rep.json, "checkpoint"));
	if (rep.status != 200 || s == NULL ||
	    (len = strlen(s)) >= PN_CHECKPOINT_TEXT_MAX) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_FORMAT, "point de contrôle du serveur : "
		    "%s", rep.status == 200 ? "absent de la réponse" : msg);
		http_reply_free(&rep);
		return -1;
	}
	memcpy(text, s, len + 1);
	http_reply_free(&rep);
	if (checkpoint_verify(t, text, c, err) != 0) {
		pn_error_prefix(err, "point de contrôle du serveur");
		return -1;
	}
	return 0;
}

/* Step 1: the server's checkpoint, compared with the one held, kept. */
static int
checkpoint_step(struct term *t, struct anchor_stats *st, struct pn_error *err)
{
	struct journal_checkpoint held, got;
	struct pn_checkpoint now, h;
	int rc, cmp = 0;

	memset(&got, 0, sizeof(got));
	if ((rc = checkpoint_fetch(t, got.text, &now, err)) != 0)
		return rc == 3 ? 0 : rc;
	st->checkpoint = true;
	st->seq = now.seq;
	if ((rc = journal_checkpoint_latest(t->journal, &held, err)) < 0)
		return -1;
	if (rc == 1) {
		/* Verified when it was received; the journal's own checks. */
		if (pn_checkpoint_parse(held.text, strlen(held.text), &h,
		    err) != 0) {
			pn_error_prefix(err, "journal checkpoint");
			return -1;
		}
		cmp = anchor_compare(&h, held.text, &now, got.text, st->lost,
		    sizeof(st->lost));
		if (cmp == 1)
			return 0;	/* nothing new */
		st->server_lost = cmp == 2;
	}
	got.seq = now.seq;
	got.at = now.at;
	return journal_checkpoint_add(t->journal, &got, cmp == 2, err);
}

struct chunk {
	struct journal_record *recs;
	size_t n, cap;
};

static int
collect(const struct journal_record *rec, void *arg)
{
	struct chunk *c = arg;

	if (c->n == c->cap)
		return 1;
	c->recs[c->n++] = *rec;
	return 0;
}

/* One item of the request: the record, its receipt and its session. */
static json_t *
item_json(struct term *t, const struct journal_record *rec,
    struct pn_error *err)
{
	char id[2 * PN_SESSION_ID_SIZE + 1];
	struct journal_session s;
	json_t *o, *session;
	int rc;

	o = json_pack("{s:o, s:s}", "record", pn_redemption_to_json(&rec->r),
	    "receipt", rec->receipt);
	if (o == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		return NULL;
	}
	pn_hex_encode(rec->r.session, sizeof(rec->r.session), id);
	if ((rc = journal_session_find(t->journal, id, &s, err)) < 0) {
		json_decref(o);
		return NULL;
	}
	/* Sent so that the server can make it again if it lost it too. */
	if (rc == 1) {
		session = json_pack("{s:s, s:s, s:I, s:i}", "id", id, "theme",
		    s.theme, "starts_at", (json_int_t)s.starts_at,
		    "duration_minutes", s.duration_minutes);
		if (session == NULL ||
		    json_object_set_new(o, "session", session) != 0) {
			json_decref(o);
			pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
			return NULL;
		}
	}
	return o;
}

/* Say what the server found of one receipt that was not known. */
static void
say(const struct journal_record *rec, const char *what, const json_t *res)
{
	const char *m = json_string_value(json_object_get(res, "message"));
	const char *d = json_string_value(json_object_get(res, "detail"));
	char id[2 * PN_REDEMPTION_ID_SIZE + 1];

	pn_hex_encode(rec->r.id, sizeof(rec->r.id), id);
	printf("  %s — chèque n° %" PRIu64 " (enregistrement %.8s…) : "
	    "%s%s%s%s\n",
	    what, rec->serial, id, m != NULL ? m : "sans message du serveur",
	    d != NULL ? " (" : "", d != NULL ? d : "", d != NULL ? ")" : "");
}

/*
 * Send c's receipts and take the answer: 0 answered, 1 the server cannot
 * be reached, 2 this terminal is suspended, 3 a server without this
 * route, 4 the server refused the request's time (4005: nothing judged,
 * t->clock_refused says which clock seems off), -1 with err.
 */
static int
send_chunk(struct term *t, struct chunk *c, struct anchor_stats *st,
    struct pn_error *err)
{
	struct http_reply rep;
	json_t *arr, *root, *results, *res, *item;
	const char *id, *status;
	char hex[2 * PN_REDEMPTION_ID_SIZE + 1], msg[400], *body;
	uint64_t *known = NULL, *restored = NULL, *closed = NULL;
	json_int_t at;
	size_t i, nk = 0, nr = 0, nc = 0, anchored = 0;
	int rc = -1;

	if ((arr = json_array()) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	for (i = 0; i < c->n; i++) {
		if ((item = item_json(t, &c->recs[i], err)) == NULL ||
		    json_array_append_new(arr, item) != 0) {
			json_decref(arr);
			return item == NULL ? -1 : pn_error_set(err,
			    PN_E_NOMEM, "mémoire insuffisante");
		}
	}
	root = json_pack("{s:o}", "receipts", arr);
	body = root != NULL ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (body == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	rc = http_request(t->http, "POST", "/api/v1/terminal/receipts", body,
	    strlen(body), true, RECEIPTS_REPLY_MAX, &rep);
	free(body);
	if (rc != 0 || http_reply_unreachable(&rep)) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "reçus : %s", msg);
		http_reply_free(&rep);
		return 1;
	}
	rc = -1;
	if (term_note_suspended(t, rep.status, rep.json)) {
		rc = 2;
		goto out;
	}
	if (term_note_clock(t, &rep)) {
		pn_error_set(err, PN_E_IO, "%s", t->clock_refused);
		rc = 4;
		goto out;
	}
	if (rep.status == 404) {
		rc = 3;
		goto out;
	}
	results = json_object_get(rep.json, "results");
	at = json_integer_value(json_object_get(rep.json, "server_time"));
	if (rep.status != 200 || !json_is_array(results) ||
	    json_array_size(results) != c->n || at <= 0) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "reçus : %s", rep.status == 200 ?
		    "la réponse ne compte pas un résultat par reçu et l'heure "
		    "du serveur" : msg);
		goto out;
	}
	term_note_active(t);
	if ((known = calloc(c->n, sizeof(*known))) == NULL ||
	    (restored = calloc(c->n, sizeof(*restored))) == NULL ||
	    (closed = calloc(c->n, sizeof(*closed))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		goto out;
	}
	st->sent += c->n;
	json_array_foreach(results, i, res) {
		const struct journal_record *rec = &c->recs[i];

		id = json_string_value(json_object_get(res, "redemption_id"));
		status = json_string_value(json_object_get(res, "status"));
		pn_hex_encode(rec->r.id, sizeof(rec->r.id), hex);
		if (id == NULL || status == NULL || strcmp(id, hex) != 0) {
			pn_error_set(err, PN_E_FORMAT, "reçus : le résultat "
			    "n° %zu n'est pas celui du reçu envoyé à sa "
			    "place", i);
			goto out;
		}
		if (strcmp(status, "known") == 0) {
			known[nk++] = rec->r.counter;
			st->confirmed++;
		} else if (strcmp(status, "restored") == 0) {
			restored[nr++] = rec->r.counter;
			st->confirmed++;
			st->restored++;
			say(rec, "RÉTABLI", res);
		} else if (strcmp(status, "conflict") == 0) {
			st->conflicts++;
			say(rec, "CONFLIT", res);
		} else if (strcmp(status, "unrestorable") == 0) {
			st->unrestorable++;
			say(rec, "NON RÉTABLI", res);
		} else if (strcmp(status, "closed") == 0) {
			closed[nc++] = rec->r.counter;
			st->closed++;
			say(rec, "TRAITÉ", res);
		} else if (strcmp(status, "refused") == 0) {
			st->refused++;
			say(rec, "REFUSÉ", res);
		} else {
			pn_error_set(err, PN_E_FORMAT, "reçus : résultat "
			    "n° %zu au verdict inconnu", i);
			goto out;
		}
	}
	if (journal_records_confirm(t->journal, known, nk, (int64_t)at, false,
	    &anchored, err) != 0 || journal_records_confirm(t->journal,
	    restored, nr, (int64_t)at, true, NULL, err) != 0 ||
	    journal_records_close(t->journal, closed, nc, err) != 0)
		goto out;
	st->anchored += anchored;
	rc = 0;
out:
	free(known);
	free(restored);
	free(closed);
	http_reply_free(&rep);
	return rc;
}

int
anchor_run(struct term *t, struct anchor_stats *st, struct pn_error *err)
{
	struct chunk c = { 0 };
	uint64_t after = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = checkpoint_step(t, st, err)) != 0)
		return rc;
	if ((c.recs = calloc(ANCHOR_CHUNK, sizeof(*c.recs))) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	c.cap = ANCHOR_CHUNK;
	for (;;) {
		c.n = 0;
		if (journal_accepted_each(t->journal, true, after, c.cap,
		    collect, &c, err) < 0) {
			rc = -1;
			break;
		}
		if (c.n == 0)
			break;
		if ((rc = send_chunk(t, &c, st, err)) != 0) {
			if (rc == 3) {
				/* A server from before receipts were sent back. */
				st->unsupported = true;
				rc = 0;
			} else if (rc == 4)
				rc = 3;
			break;
		}
		after = c.recs[c.n - 1].r.counter;
	}
	free(c.recs);
	return rc;
}
