/* api_receipts.c -- POST /api/v1/terminal/receipts: a terminal's receipts checked against the database, the lost redemptions put back.
 *
 * A terminal sends back, with the record it signed and the session it
 * belongs to, the receipt the server signed for each redemption it
 * accepted, until a checkpoint anchors it (docs/api.md). Each item is
 * verified here, without the database: the record names the terminal
 * that signs the request and its signature verifies under that
 * terminal's key; the receipt verifies under a key of the server's trust
 * bundle that is not revoked, and is an accepted receipt of this record,
 * of its voucher's serial and of the terminal's venue. A receipt that
 * does not is an attack, or a journal that was tampered with: refused
 * and logged at level warn. The store then says of each whether the
 * database holds it, and puts back what it lost (store_sqlite_restore.c),
 * in one transaction; each restore, conflict or loss that cannot be
 * repaired is an integrity alarm, in French, and an error line in the log.
 *
 * No new money can come of it: only a receipt the server signed puts a
 * redemption back, only at the venue it names, for the voucher it names,
 * at its value, and once (the voucher is then redeemed: the second time
 * the receipt is known).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/controlkey.h"
#include "passnum/receipt.h"
#include "passnum/redemption.h"
#include "passnum/request.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "passnum/voucher.h"
#include "api.h"
#include "keyring.h"
#include "log.h"
#include "worker.h"

/* Receipts in one request, at most: the terminal sends them in chunks. */
#define RECEIPTS_MAX 200
#define DURATION_MAX 600

/* One item of the request, as read and judged before the store. */
struct item {
	struct pn_redemption rec;
	struct pn_receipt receipt;
	char receipt_text[PN_RECEIPT_TEXT_MAX];
	struct pn_voucher v;		/* scanned: decoded from the record */
	char key[PN_CONTROL_KEY_SIZE];	/* typed: its control key */
	bool typed;
	uint64_t serial;
	bool has_session;
	struct store_training session;
	char *answer;			/* stored if it is put back */
	char id_hex[2 * PN_REDEMPTION_ID_SIZE + 1];
	enum err_code refusal;		/* 0: passed to the store */
	char detail[PN_ERROR_MESSAGE_MAX];
};

static void
refuse(struct item *it, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
refuse(struct item *it, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	it->refusal = code;
	va_start(ap, fmt);
	(void)vsnprintf(it->detail, sizeof(it->detail), fmt, ap);
	va_end(ap);
}

/* The item's session: {"id", "theme", "starts_at", "duration_minutes"}. */
static int
read_session(const json_t *o, struct store_training *t)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *theme = json_string_value(json_object_get(o, "theme"));
	const json_t *start = json_object_get(o, "starts_at");
	const json_t *minutes = json_object_get(o, "duration_minutes");
	size_t len;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(o) || json_object_size(o) != 4 || id == NULL ||
	    !pn_hex_decode(id, t->uid, sizeof(t->uid)) || theme == NULL ||
	    !json_is_integer(start) || json_integer_value(start) <= 0 ||
	    !json_is_integer(minutes) || json_integer_value(minutes) < 1 ||
	    json_integer_value(minutes) > DURATION_MAX)
		return -1;
	/* Fewer bytes than the schema's 128 characters: it fits the table. */
	len = json_string_length(json_object_get(o, "theme"));
	if (len == 0 || len >= sizeof(t->theme) ||
	    memchr(theme, '\0', len) != NULL)
		return -1;
	memcpy(t->theme, theme, len + 1);
	t->starts_at = (int64_t)json_integer_value(start);
	t->duration_minutes = (unsigned)json_integer_value(minutes);
	return 0;
}

/* The record's voucher: its serial, and its decoded form or its key. */
static int
read_voucher(struct item *it)
{
	const char *text = it->rec.voucher;
	size_t len = strlen(text);

	if (pn_typed_voucher_is(text, len)) {
		it->typed = true;
		return pn_typed_voucher_parse(text, len, &it->serial,
		    it->key);
	}
	if (pn_voucher_from_text(text, len, &it->v) != PN_R_OK)
		return -1;
	it->serial = it->v.serial;
	return 0;
}

/*
 * Log, at level warn, a receipt that does not hold: it cannot come from
 * an honest terminal's journal.
 */
static void
warn_receipt(struct http_request *req, const struct store_terminal *t,
    const struct item *it)
{
	char q[PN_ERROR_MESSAGE_MAX + 8];

	log_line(LOG_WARN, "msg=\"receipt refused: not a receipt of this "
	    "server for this record and venue\" request_id=%s terminal=%lld "
	    "venue=%lld redemption=%s code=%d detail=%s", http_request_id(req),
	    (long long)t->id, (long long)t->venue_id, it->id_hex,
	    (int)it->refusal, log_quote(it->detail, q, sizeof(q)));
}

/*
 * The answer stored with a redemption put back: the one the server sent
 * when it accepted it (api_redeem.c renders the same fields), carrying
 * the receipt it signed then, which the audit verifies again.
 */
static char *
answer_of(const struct item *it)
{
	const struct pn_receipt *r = &it->receipt;
	char winner[2 * PN_REDEMPTION_ID_SIZE + 1], printed[PN_SERIAL_TEXT_MAX];
	json_t *doc;
	char *out;

	pn_hex_encode(r->winner_id, sizeof(r->winner_id), winner);
	pn_serial_format(r->serial, printed);
	doc = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:{s:s, s:I, s:s, s:I},"
	    " s:s}", "redemption_id", it->id_hex, "outcome", "accepted",
	    "serial", (json_int_t)r->serial, "printed", printed,
	    "value_cents", (json_int_t)r->value_cents,
	    "decided_at", (json_int_t)r->decided_at,
	    "winner", "redemption_id", winner,
	    "venue", (json_int_t)r->winner_venue,
	    "venue_name", r->winner_venue_name,
	    "accepted_at", (json_int_t)r->winner_at,
	    "receipt", it->receipt_text);
	out = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return out;
}

/*
 * Read and verify one item. Refusals are set on it (it->refusal); -1 only
 * when out of memory.
 */
static int
judge(struct http_request *req, const struct store_terminal *t,
    const struct pn_trust *trust, const json_t *o, struct item *it)
{
	const json_t *record = json_object_get(o, "record");
	const json_t *receipt = json_object_get(o, "receipt");
	const json_t *session = json_object_get(o, "session");
	struct pn_error err;

	if (!json_is_object(o) || !json_is_object(record) ||
	    !json_is_string(receipt) || json_object_size(o) !=
	    (session != NULL ? 3u : 2u)) {
		refuse(it, ERR_RECEIPT_ITEM_INVALID, "each item is {\"record\": "
		    "{...}, \"receipt\": \"Base64\", \"session\": {...}}");
		return 0;
	}
	if (pn_redemption_from_json(record, &it->rec, &err) != 0) {
		refuse(it, ERR_RECEIPT_ITEM_INVALID, "record: %s", err.message);
		return 0;
	}
	pn_hex_encode(it->rec.id, sizeof(it->rec.id), it->id_hex);
	if (it->rec.terminal != (uint64_t)t->id) {
		refuse(it, ERR_WRONG_TERMINAL, "the record's terminal is not "
		    "the one that signs the request");
		return 0;
	}
	if (!pn_redemption_verify(&it->rec, t->public_key)) {
		refuse(it, ERR_BAD_RECORD_SIGNATURE, "the record's signature "
		    "does not verify under the terminal's key");
		return 0;
	}
	if (read_voucher(it) != 0) {
		refuse(it, ERR_RECEIPT_ITEM_INVALID, "record: its voucher text "
		    "does not read");
		return 0;
	}
	if (json_string_length(receipt) >= sizeof(it->receipt_text) ||
	    pn_receipt_from_text(json_string_value(receipt), trust,
	    &it->receipt, &err) != 0) {
		refuse(it, ERR_RECEIPT_FORGED, "%s",
		    json_string_length(receipt) >= sizeof(it->receipt_text) ?
		    "receipt: longer than any receipt" : err.message);
		warn_receipt(req, t, it);
		return 0;
	}
	memcpy(it->receipt_text, json_string_value(receipt),
	    json_string_length(receipt) + 1);
	if (sodium_memcmp(it->receipt.redemption_id, it->rec.id,
	    sizeof(it->rec.id)) != 0 || it->receipt.serial != it->serial) {
		refuse(it, ERR_RECEIPT_MISMATCH, "the receipt names another "
		    "redemption_id, or serial %llu where the record's voucher "
		    "is %llu",
		    (unsigned long long)it->receipt.serial,
		    (unsigned long long)it->serial);
		warn_receipt(req, t, it);
		return 0;
	}
	if (it->receipt.outcome != PN_RECEIPT_ACCEPTED ||
	    sodium_memcmp(it->receipt.winner_id, it->rec.id,
	    sizeof(it->rec.id)) != 0) {
		refuse(it, ERR_RECEIPT_NOT_ACCEPTED, "the receipt says this "
		    "record lost its voucher to another");
		return 0;
	}
	if (it->receipt.venue != (uint64_t)t->venue_id) {
		refuse(it, ERR_RECEIPT_OTHER_VENUE, "the receipt is of venue "
		    "%llu, the terminal's is %lld",
		    (unsigned long long)it->receipt.venue,
		    (long long)t->venue_id);
		warn_receipt(req, t, it);
		return 0;
	}
	if (session != NULL) {
		if (read_session(session, &it->session) != 0 ||
		    memcmp(it->session.uid, it->rec.session,
		    sizeof(it->rec.session)) != 0) {
			refuse(it, ERR_RECEIPT_SESSION, "session: {\"id\": the "
			    "record's session, \"theme\": 1 to 128 "
			    "characters, \"starts_at\": Unix seconds, "
			    "\"duration_minutes\": 1 to %d}", DURATION_MAX);
			return 0;
		}
		it->has_session = true;
	}
	if ((it->answer = answer_of(it)) == NULL)
		return -1;
	return 0;
}

/* "07/12/2026 à 10:04", in Paris. */
static void
paris_when(int64_t t, char *out, size_t len)
{
	char text[PN_TIME_TEXT_MAX], *sp;

	pn_time_format_paris(t, text);
	if ((sp = strchr(text, ' ')) != NULL) {
		*sp = '\0';
		(void)snprintf(out, len, "%s à %s", text, sp + 1);
	} else
		(void)snprintf(out, len, "%s", text);
}

/* What the item is in words: « du chèque n° 12 au lieu X (reçu du ...) ». */
static void
item_words(const struct store_receipt_event *e, char *out, size_t len)
{
	char when[PN_TIME_TEXT_MAX + 8];

	paris_when(e->r->decided_at, when, sizeof(when));
	(void)snprintf(out, len, "Encaissement du chèque n° %llu au lieu %s "
	    "(reçu du %s, %lld,%02lld €)", (unsigned long long)e->r->serial,
	    e->t->venue_name, when, (long long)(e->r->value / 100),
	    (long long)(e->r->value % 100));
}

/* The words of an alarm (store_receipt_words_fn): French, for the Département. */
static void
alarm_words(void *ctx, const struct store_receipt_event *e, char *out,
    size_t len)
{
	char what[STORE_ALARM_DETAIL_MAX / 2], when[PN_TIME_TEXT_MAX + 8];
	char id[2 * PN_REDEMPTION_ID_SIZE + 1], won[2 * PN_REDEMPTION_ID_SIZE + 1];
	const char *why;

	(void)ctx;
	item_words(e, what, sizeof(what));
	pn_hex_encode(e->r->redemption_id, PN_REDEMPTION_ID_SIZE, id);
	switch (e->r->status) {
	case STORE_RECEIPT_RESTORED:
		(void)snprintf(out, len, "%s absent de la base : renvoyé par le "
		    "poste %lld avec le reçu signé du serveur, rétabli%s "
		    "(enregistrement %s).", what, (long long)e->t->id,
		    e->r->session_made ? ", avec sa séance, perdue elle aussi" :
		    "", id);
		return;
	case STORE_RECEIPT_CONFLICT:
		if (e->winner_at == 0) {
			(void)snprintf(out, len, "%s absent de la base : renvoyé "
			    "par le poste %lld avec le reçu signé du serveur, "
			    "mais enregistré depuis comme perdant ; non rétabli, "
			    "à examiner (enregistrement %s).", what,
			    (long long)e->t->id, id);
			return;
		}
		pn_hex_encode(e->winner_id, sizeof(e->winner_id), won);
		paris_when(e->winner_at, when, sizeof(when));
		(void)snprintf(out, len, "%s absent de la base : renvoyé par le "
		    "poste %lld avec le reçu signé du serveur, mais le chèque a "
		    "été encaissé de nouveau depuis la perte, le %s au lieu %s "
		    "par le poste %lld (enregistrement %s). Chèque payé deux "
		    "fois : non rétabli, à régler par le Département "
		    "(enregistrement perdu %s).", what, (long long)e->t->id,
		    when, e->winner_venue_name, (long long)e->winner_terminal_id,
		    won, id);
		return;
	default:
		break;
	}
	switch (e->r->why) {
	case STORE_UNRESTORABLE_NO_VOUCHER:
		why = "aucun chèque de ce numéro dans la base : son émission a "
		    "été perdue elle aussi";
		break;
	case STORE_UNRESTORABLE_OTHER_VOUCHER:
		why = "le chèque de ce numéro dans la base n'est pas celui du "
		    "reçu (numéro réémis depuis la perte ?)";
		break;
	case STORE_UNRESTORABLE_CANCELLED:
		why = "le chèque a été annulé depuis la perte";
		break;
	default:
		why = "le chèque a été marqué expiré depuis la perte";
		break;
	}
	(void)snprintf(out, len, "%s absent de la base : renvoyé par le poste "
	    "%lld avec le reçu signé du serveur, mais %s ; non rétabli, à "
	    "régler par le Département (enregistrement %s).", what,
	    (long long)e->t->id, why, id);
}

static const char *
status_name(int status)
{
	switch (status) {
	case STORE_RECEIPT_KNOWN:
		return "known";
	case STORE_RECEIPT_RESTORED:
		return "restored";
	case STORE_RECEIPT_CONFLICT:
		return "conflict";
	case STORE_RECEIPT_UNRESTORABLE:
		return "unrestorable";
	case STORE_RECEIPT_CLOSED:
		return "closed";
	default:
		return "refused";
	}
}

/* The store's refusals, as error codes and details. */
static void
store_refusal(struct item *it, int status)
{
	switch (status) {
	case STORE_RECEIPT_ID_REUSED:
		refuse(it, ERR_REDEMPTION_ID_REUSED, "this redemption_id is "
		    "stored with another voucher or terminal");
		break;
	case STORE_RECEIPT_OTHER_SESSION:
		refuse(it, ERR_UNKNOWN_SESSION, "the record's session is "
		    "another venue's");
		break;
	default:
		refuse(it, ERR_RECEIPT_SESSION, "the record's session is lost "
		    "too: send it with the receipt to make it again");
		break;
	}
}

/* One result: its redemption_id, status and French message. */
static json_t *
result_json(const struct item *it, const struct store_receipt *r)
{
	const struct err_info *e;
	json_t *o;

	if (it->refusal != 0) {
		e = err_lookup(it->refusal);
		return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}",
		    "redemption_id", it->id_hex, "status", "refused",
		    "code", (int)e->code, "error", e->fr, "detail", it->detail,
		    "message", e->fr);
	}
	o = json_pack("{s:s, s:s}", "redemption_id", it->id_hex, "status",
	    status_name(r->status));
	if (o == NULL)
		return NULL;
	if (r->status == STORE_RECEIPT_CLOSED) {
		char closed[STORE_ALARM_DETAIL_MAX + 160];

		(void)snprintf(closed, sizeof(closed), "traité par le "
		    "Département (alerte n° %lld close) : ce poste ne renverra "
		    "plus ce reçu. %s", (long long)r->alarm_id, r->alarm);
		json_object_set_new(o, "message", json_string(closed));
		return o;
	}
	json_object_set_new(o, "message", json_string(
	    r->status == STORE_RECEIPT_KNOWN ? "encaissement connu du serveur" :
	    r->alarm));
	return o;
}

/* An error line for each redemption put back, in conflict, or lost for good. */
static void
log_outcome(struct http_request *req, const struct store_terminal *t,
    const struct item *it, const struct store_receipt *r)
{
	char q[2 * STORE_ALARM_DETAIL_MAX];

	if (r->status != STORE_RECEIPT_RESTORED &&
	    r->status != STORE_RECEIPT_CONFLICT &&
	    r->status != STORE_RECEIPT_UNRESTORABLE)
		return;
	log_line(LOG_ERROR, "msg=\"%s\" request_id=%s terminal=%lld "
	    "venue=%lld serial=%llu redemption=%s alarm=%lld detail=%s",
	    r->status == STORE_RECEIPT_RESTORED ? "redemption lost by the "
	    "database, restored from the terminal's receipt" :
	    r->status == STORE_RECEIPT_CONFLICT ? "redemption lost by the "
	    "database and its voucher redeemed again: not restored" :
	    "redemption lost by the database: cannot be restored",
	    http_request_id(req), (long long)t->id, (long long)t->venue_id,
	    (unsigned long long)it->serial, it->id_hex, (long long)r->alarm_id,
	    log_quote(r->alarm, q, sizeof(q)));
}

enum MHD_Result
api_terminal_receipts(struct http_request *req)
{
	const struct store_nonce *nonce;
	const struct store_terminal *t = http_request_terminal(req, &nonce);
	const struct keyring *k = keyring_current();
	struct store_receipt *out = NULL;
	struct item *items = NULL;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	json_t *doc, *list, *results = NULL, *res;
	size_t i, n = 0;
	int stored;

	if ((doc = api_body_object(req, &rc)) == NULL)
		return rc;
	list = json_object_get(doc, "receipts");
	if (!json_is_array(list) || json_object_size(doc) != 1) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "receipts: the "
		    "body must be {\"receipts\": [...]}");
		goto done;
	}
	if ((n = json_array_size(list)) > RECEIPTS_MAX) {
		rc = http_reply_error(req, ERR_RECEIPTS_TOO_MANY, "%zu receipts; "
		    "at most %d in one request", n, RECEIPTS_MAX);
		goto done;
	}
	if (k == NULL || k->trust == NULL) {
		rc = http_reply_error(req, ERR_TRUST_UNAVAILABLE, "[keys] "
		    "trust_bundle must be configured to verify receipts");
		goto done;
	}
	if ((items = calloc(n + 1, sizeof(*items))) == NULL ||
	    (out = calloc(n + 1, sizeof(*out))) == NULL ||
	    (results = json_array()) == NULL) {
		rc = http_reply_error(req, ERR_INTERNAL, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (judge(req, t, k->trust, json_array_get(list, i),
		    &items[i]) != 0) {
			rc = http_reply_error(req, ERR_INTERNAL, "out of "
			    "memory");
			goto done;
		}
		out[i].refused = items[i].refusal != 0;
		out[i].redemption_id = items[i].rec.id;
		out[i].session_uid = items[i].rec.session;
		out[i].record_signature = items[i].rec.signature;
		out[i].terminal_time = items[i].rec.terminal_time;
		out[i].counter = items[i].rec.counter;
		out[i].serial = items[i].serial;
		out[i].voucher = items[i].typed ? NULL : &items[i].v;
		out[i].key = items[i].typed ? items[i].key : NULL;
		out[i].value = items[i].receipt.value_cents;
		out[i].decided_at = items[i].receipt.decided_at;
		out[i].session = items[i].has_session ? &items[i].session :
		    NULL;
		out[i].answer = items[i].answer;
	}
	if ((s = worker_store(&err)) == NULL ||
	    (stored = store_receipts_check(s, t, nonce, out, n,
	    (int64_t)time(NULL), alarm_words, NULL, &err)) < 0) {
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		goto done;
	}
	if (stored == 1) {
		rc = http_reply_error(req, ERR_REPLAYED_NONCE, "this nonce was "
		    "used before; nothing was done");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (items[i].refusal == 0 &&
		    out[i].status >= STORE_RECEIPT_ID_REUSED)
			store_refusal(&items[i], out[i].status);
		if (items[i].refusal == 0)
			log_outcome(req, t, &items[i], &out[i]);
		if ((res = result_json(&items[i], &out[i])) == NULL ||
		    json_array_append_new(results, res) != 0) {
			rc = http_reply_error(req, ERR_INTERNAL, "out of "
			    "memory");
			goto done;
		}
	}
	/*
	 * Read after the commit: a checkpoint dated later was begun after it,
	 * and so holds every redemption confirmed here (docs/terminal.md).
	 */
	rc = http_reply_json(req, 200, json_pack("{s:I, s:O}", "server_time",
	    (json_int_t)time(NULL), "results", results));
done:
	for (i = 0; items != NULL && i < n; i++)
		free(items[i].answer);
	json_decref(results);
	free(out);
	free(items);
	json_decref(doc);
	return rc;
}
