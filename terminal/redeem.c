/* redeem.c -- one voucher taken, offline first (DESIGN.md, "Redemption"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/codeinput.h"
#include "passnum/money.h"
#include "passnum/request.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "passnum/voucher.h"
#include "redeem.h"
#include "sync.h"
#include "terminal.h"

void
redeem_verdict_for_record(const struct term *t,
    const struct journal_record *rec, struct verdict *out)
{
	char date[PN_TIME_TEXT_MAX], serial[PN_SERIAL_TEXT_MAX];

	pn_serial_format(rec->serial, serial);
	switch (rec->state) {
	case JOURNAL_PENDING:
		pn_time_format_fr_date(rec->r.terminal_time, date);
		verdict_set(out, VERDICT_REFUSED, PN_RC_DENIED, "REFUSÉ — "
		    "chèque déjà utilisé le %s à %s (à ce terminal, en attente "
		    "de synchronisation) — chèque %s", date, t->cfg.venue_name,
		    serial);
		break;
	case JOURNAL_ACCEPTED:
	case JOURNAL_CONFLICT:
		pn_time_format_fr_date(rec->winner_at, date);
		verdict_set(out, VERDICT_REFUSED, PN_RC_DENIED, "REFUSÉ — "
		    "chèque déjà utilisé le %s à %s — chèque %s", date,
		    rec->winner_venue, serial);
		break;
	case JOURNAL_REFUSED:
		verdict_set(out, VERDICT_REFUSED, TERM_EXIT_SERVER, "REFUSÉ — "
		    "%s — chèque %s", rec->message, serial);
		break;
	}
}

static bool
looks_typed(const char *s, size_t len)
{
	bool digit = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digit = true;
		else if (s[i] != ' ' && s[i] != '-' && s[i] != '\t')
			return false;
	}
	return digit;
}

/* A typed serial, looked up online: 0 with the code in buf, or an exit code. */
static int
lookup_serial(struct term *t, const char *typed, char *buf, size_t cap,
    size_t *len, struct verdict *out)
{
	enum pn_serial_status ss;
	struct http_reply rep;
	const char *code;
	char route[64], msg[400];
	uint64_t serial;

	if ((ss = pn_serial_parse(typed, &serial)) != PN_SERIAL_OK) {
		verdict_set(out, VERDICT_REFUSED, PN_RC_UNREADABLE, "REFUSÉ — "
		    "numéro mal tapé : %s", pn_serial_status_message(ss));
		return out->exit_code;
	}
	(void)snprintf(route, sizeof(route), "/api/v1/terminal/vouchers/%llu",
	    (unsigned long long)serial);
	if (http_request(t->http, "GET", route, NULL, 0, true, 1u << 16,
	    &rep) != 0 || http_reply_unreachable(&rep)) {
		http_reply_free(&rep);
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_NETWORK, "ERREUR — "
		    "un numéro tapé ne peut être vérifié qu'en ligne, et le "
		    "serveur ne répond pas : scannez le QR code");
		return out->exit_code;
	}
	code = json_string_value(json_object_get(rep.json, "voucher"));
	if (rep.status != 200 || code == NULL || strlen(code) >= cap) {
		if (rep.status == 404)
			verdict_set(out, VERDICT_REFUSED, TERM_EXIT_SERVER,
			    "REFUSÉ — aucun chèque ne porte ce numéro");
		else {
			http_reply_message(&rep, msg, sizeof(msg));
			verdict_set(out, VERDICT_ERROR, TERM_EXIT_SERVER,
			    "ERREUR — recherche du numéro : %s", msg);
		}
		http_reply_free(&rep);
		return out->exit_code;
	}
	*len = strlen(code);
	memcpy(buf, code, *len + 1);
	http_reply_free(&rep);
	return 0;
}

/* The local check; 0 when the voucher may be taken, else the exit code. */
static int
check_locally(struct term *t, const char *code, size_t len,
    struct pn_voucher *v, struct journal_record *held, struct verdict *out)
{
	struct pn_error err;
	enum pn_reason r;
	int found;

	r = pn_voucher_check_text(code, len, t->trust, t->deny,
	    (int64_t)time(NULL), v);
	/* Known here: say where and when, better than the deny list can. */
	if (r == PN_R_OK || r == PN_R_REDEEMED) {
		found = journal_record_by_serial(t->journal, v->serial, held,
		    &err);
		if (found < 0) {
			verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP,
			    "ERREUR — journal illisible : %s", err.message);
			return out->exit_code;
		}
		if (found == 1) {
			redeem_verdict_for_record(t, held, out);
			return out->exit_code;
		}
	}
	if (r != PN_R_OK) {
		verdict_from_reason(out, r, r == PN_R_OK || r >=
		    PN_R_UNKNOWN_KID ? v : NULL);
		return out->exit_code;
	}
	return 0;
}

static void
accepted_text(struct verdict *out, enum verdict_kind kind, int code,
    const struct journal_record *rec)
{
	char amount[PN_MONEY_TEXT_MAX], serial[PN_SERIAL_TEXT_MAX];

	pn_money_format(rec->value_cents, amount);
	pn_serial_format(rec->serial, serial);
	if (kind == VERDICT_ACCEPTED)
		verdict_set(out, kind, code, "ACCEPTÉ — %s — chèque %s", amount,
		    serial);
	else
		verdict_set(out, kind, code, "ACCEPTÉ HORS LIGNE — %s — chèque "
		    "%s — sera confirmé à la synchronisation", amount, serial);
}

/* The server is away: the record stays pending, taken offline. */
static int
take_offline(struct term *t, struct journal_record *rec, struct verdict *out)
{
	struct pn_error err;

	rec->offline = true;
	if (journal_record_update(t->journal, rec, &err) != 0) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "journal : %s", err.message);
		return out->exit_code;
	}
	accepted_text(out, VERDICT_OFFLINE, TERM_EXIT_OFFLINE, rec);
	return out->exit_code;
}

static int
send_record(struct term *t, struct journal_record *rec,
    struct journal_session *session, struct verdict *out)
{
	struct http_reply rep;
	struct pn_error err;
	char *body;
	json_t *j;
	int rc;

	if ((int64_t)time(NULL) < t->offline_until)
		return take_offline(t, rec, out);
	if (!session->declared) {
		rc = sync_declare_session(t, session, &err);
		if (rc == 1) {
			t->offline_until = (int64_t)time(NULL) +
			    TERM_OFFLINE_HOLD;
			return take_offline(t, rec, out);
		}
		if (rc < 0)
			fprintf(stderr, "passnum-terminal: %s\n", err.message);
		else
			session->declared = true;
	}
	j = pn_redemption_to_json(&rec->r);
	body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (body == NULL) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "mémoire insuffisante");
		return out->exit_code;
	}
	rc = http_request(t->http, "POST", "/api/v1/redemptions", body,
	    strlen(body), true, 1u << 20, &rep);
	free(body);
	if (rc != 0 || http_reply_unreachable(&rep)) {
		http_reply_free(&rep);
		t->offline_until = (int64_t)time(NULL) + TERM_OFFLINE_HOLD;
		return take_offline(t, rec, out);
	}
	rc = sync_apply_answer(t, rec, rep.status, rep.json, &err);
	http_reply_free(&rep);
	if (rc < 0) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "journal : %s", err.message);
		return out->exit_code;
	}
	if (rc == 1) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SERVER, "ERREUR — "
		    "réponse du serveur inutilisable (%s) : le chèque reste en "
		    "attente, à confirmer par la synchronisation", err.message);
		return out->exit_code;
	}
	if (rec->state == JOURNAL_ACCEPTED) {
		accepted_text(out, VERDICT_ACCEPTED, TERM_EXIT_OK, rec);
		return out->exit_code;
	}
	redeem_verdict_for_record(t, rec, out);
	out->exit_code = TERM_EXIT_SERVER;
	return out->exit_code;
}

int
redeem_take(struct term *t, const char *input, size_t len,
    struct journal_session *session, struct verdict *out)
{
	char code[PN_CODE_INPUT_MAX], typed[PN_CODE_INPUT_MAX];
	struct journal_record *rec, held;
	struct pn_voucher v;
	struct pn_error err;
	bool refreshed = false;
	int rc;

	if (len >= sizeof(code)) {
		verdict_from_reason(out, PN_R_TOO_LONG, NULL);
		return out->exit_code;
	}
	memcpy(code, input, len);
	code[len] = '\0';
	pn_code_chomp(code, &len);
	if (t->trust == NULL) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — le "
		    "terminal n'a pas encore les clés : lancez "
		    "passnum-terminal sync");
		return out->exit_code;
	}
	if (looks_typed(code, len)) {
		memcpy(typed, code, len + 1);
		if ((rc = lookup_serial(t, typed, code, sizeof(code), &len,
		    out)) != 0)
			return rc;
	}
again:
	if ((rc = check_locally(t, code, len, &v, &held, out)) != 0)
		return rc;
	/*
	 * Offline acceptance needs a recent deny list. Refresh a stale one
	 * before anything is written; when that fails the server is away
	 * and the list too old: refuse now, with nothing to undo.
	 */
	if (term_deny_stale(t)) {
		if (!refreshed && term_refresh_deny(t, &err) == 0) {
			refreshed = true;
			goto again;	/* the new list may deny this one */
		}
		if (term_deny_stale(t)) {
			verdict_set(out, VERDICT_REFUSED, TERM_EXIT_STALE,
			    "REFUSÉ — serveur injoignable et liste des chèques "
			    "annulés trop ancienne (plus de %u h) : reconnectez "
			    "le terminal avant d'accepter des chèques",
			    t->cfg.max_denylist_age_hours);
			return out->exit_code;
		}
	}
	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "mémoire insuffisante");
		return out->exit_code;
	}
	randombytes_buf(rec->r.id, sizeof(rec->r.id));
	rec->r.terminal = t->cfg.terminal;
	memcpy(rec->r.session, session->id, sizeof(rec->r.session));
	rec->r.terminal_time = (int64_t)time(NULL);
	memcpy(rec->r.voucher, code, len + 1);
	rec->serial = v.serial;
	rec->value_cents = v.value_cents;
	rec->expires_at = v.expires_at;
	rc = journal_record_add(t->journal, rec, t->sk, &err);
	if (rc < 0)
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "journal : %s", err.message);
	else if (rc == 1)
		/* Another scan at this terminal won the race. */
		redeem_verdict_for_record(t, rec, out);
	else
		send_record(t, rec, session, out);
	free(rec);
	return out->exit_code;
}
