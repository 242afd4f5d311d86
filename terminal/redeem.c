/* redeem.c -- one voucher taken: scanned, offline first; typed, online only (DESIGN.md, "Redemption"). */
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
#include "server_codes.h"
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
		pn_time_format_paris_date(rec->r.terminal_time, date);
		verdict_set(out, VERDICT_REFUSED, PN_RC_DENIED, "REFUSÉ — "
		    "chèque déjà utilisé le %s à %s (à ce terminal, en attente "
		    "de synchronisation) — chèque %s", date, t->cfg.venue_name,
		    serial);
		break;
	case JOURNAL_ACCEPTED:
	case JOURNAL_CONFLICT:
		pn_time_format_paris_date(rec->winner_at, date);
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
	out->cents = rec->has_value ? rec->value_cents : 0;
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

/*
 * The server refused the request's time (4005): it judged nothing. A
 * scanned voucher checked here is kept as when the server is away,
 * pending, to be sent once the clocks agree; the verdict says which
 * clock seems off (t->clock_refused).
 */
static int
take_offline_clock(struct term *t, struct journal_record *rec,
    struct verdict *out)
{
	char amount[PN_MONEY_TEXT_MAX], serial[PN_SERIAL_TEXT_MAX];
	struct pn_error err;

	rec->offline = true;
	if (journal_record_update(t->journal, rec, &err) != 0) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "journal : %s", err.message);
		return out->exit_code;
	}
	pn_money_format(rec->value_cents, amount);
	pn_serial_format(rec->serial, serial);
	verdict_set(out, VERDICT_OFFLINE, TERM_EXIT_OFFLINE, "ACCEPTÉ HORS LIGNE "
	    "— %s — chèque %s — gardé sur le poste, il sera envoyé quand les "
	    "horloges s'accorderont : %s", amount, serial, t->clock_refused);
	out->cents = rec->has_value ? rec->value_cents : 0;
	return out->exit_code;
}

/* A typed voucher when the clocks disagree: nothing is kept. */
static int
typed_clock(const struct term *t, const struct typed_entry *te,
    struct verdict *out)
{
	char serial[PN_SERIAL_TEXT_MAX];

	pn_serial_format(te->serial, serial);
	verdict_set(out, VERDICT_REFUSED, TERM_EXIT_CLOCK, "REFUSÉ — %s. Un "
	    "chèque tapé à la main ne se vérifie qu'en ligne : rien n'a été "
	    "gardé ; scannez son QR code — chèque %s", t->clock_refused,
	    serial);
	return out->exit_code;
}

/*
 * Declare the record's session first when the server does not have it:
 * 0 declared (or refused: said, and its records get their refusal),
 * 1 the server is away, 2 the terminal is suspended, 3 the server
 * refused the request's time (the session stays to declare).
 */
static int
declare_first(struct term *t, struct journal_session *session)
{
	struct pn_error err;
	int rc;

	if (session->declared)
		return 0;
	rc = sync_declare_session(t, session, &err);
	if (rc == 1)
		t->offline_until = (int64_t)time(NULL) + TERM_OFFLINE_HOLD;
	if (rc < 0)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
	else if (rc == 0)
		session->declared = true;
	return rc < 0 ? 0 : rc;
}

/*
 * The record written but never judged by the server, which must never be
 * sent: refused in the journal with why (withdrawn while still pending).
 * Returns 0, or the exit code of a journal error (out set).
 */
static int
withdraw(struct term *t, struct journal_record *rec, int http_status,
    int code, const char *why, struct verdict *out)
{
	struct pn_error err;

	rec->http_status = http_status;
	rec->code = code;
	(void)snprintf(rec->message, sizeof(rec->message), "%s", why);
	if (journal_record_withdraw(t->journal, rec, &err) < 0) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "journal : %s", err.message);
		return out->exit_code;
	}
	return 0;
}

static int
suspended(struct term *t, struct journal_record *rec, struct verdict *out)
{
	if (withdraw(t, rec, 403, SERVER_CODE_SUSPENDED, "non envoyé : poste "
	    "suspendu (trop de clés de contrôle erronées)", out) != 0)
		return out->exit_code;
	verdict_suspended(out);
	return out->exit_code;
}

/* The verdict of a stored answer. */
static int
answered(const struct term *t, const struct journal_record *rec,
    struct verdict *out)
{
	if (rec->state == JOURNAL_ACCEPTED) {
		accepted_text(out, VERDICT_ACCEPTED, TERM_EXIT_OK, rec);
		return out->exit_code;
	}
	redeem_verdict_for_record(t, rec, out);
	out->exit_code = TERM_EXIT_SERVER;
	return out->exit_code;
}

static int
unusable(const struct pn_error *err, struct verdict *out)
{
	verdict_set(out, VERDICT_ERROR, TERM_EXIT_SERVER, "ERREUR — réponse du "
	    "serveur inutilisable (%s) : le chèque reste en attente, à "
	    "confirmer par la synchronisation", err->message);
	return out->exit_code;
}

static int
journal_failed(const struct pn_error *err, struct verdict *out)
{
	verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — journal : "
	    "%s", err->message);
	return out->exit_code;
}

/*
 * After the journal was asked about the serial (rc: -1 error, 0 free, 1
 * held by a record of this terminal, which rec is): the verdict when the
 * voucher goes no further. True then.
 */
static bool
stopped_by_journal(const struct term *t, int rc,
    const struct journal_record *rec, const struct pn_error *err,
    struct verdict *out)
{
	if (rc < 0)
		journal_failed(err, out);
	else if (rc == 1)
		redeem_verdict_for_record(t, rec, out);
	return rc != 0;
}

/* A new record of this terminal at session, now; its voucher text to fill. */
static void
record_start(const struct term *t, const struct journal_session *session,
    struct journal_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	randombytes_buf(rec->r.id, sizeof(rec->r.id));
	rec->r.terminal = t->cfg.terminal;
	memcpy(rec->r.session, session->id, sizeof(rec->r.session));
	rec->r.terminal_time = (int64_t)time(NULL);
}

static int
send_scanned(struct term *t, struct journal_record *rec,
    struct journal_session *session, struct verdict *out)
{
	struct pn_error err;

	if ((int64_t)time(NULL) < t->offline_until)
		return take_offline(t, rec, out);
	switch (declare_first(t, session)) {
	case 1:
		return take_offline(t, rec, out);
	case 2:
		return suspended(t, rec, out);
	case 3:
		return take_offline_clock(t, rec, out);
	}
	switch (sync_post_record(t, rec, &err)) {
	case SYNC_POST_ANSWERED:
		return answered(t, rec, out);
	case SYNC_POST_NOT_SENT:
	case SYNC_POST_NO_ANSWER:
		/* Said: a server that is not the one trusted is not "away". */
		if (err.code == PN_E_UNTRUSTED)
			fprintf(stderr, "passnum-terminal : %s\n", err.message);
		t->offline_until = (int64_t)time(NULL) + TERM_OFFLINE_HOLD;
		return take_offline(t, rec, out);
	case SYNC_POST_UNUSABLE:
		return unusable(&err, out);
	case SYNC_POST_SUSPENDED:
		return suspended(t, rec, out);
	case SYNC_POST_CLOCK:
		return take_offline_clock(t, rec, out);
	case SYNC_POST_ERROR:
		break;
	}
	return journal_failed(&err, out);
}

static int
redeem_scanned(struct term *t, const char *code, size_t len,
    struct journal_session *session, struct verdict *out)
{
	struct journal_record *rec, held;
	struct pn_voucher v;
	struct pn_error err;
	bool refreshed = false;
	int rc;

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
	record_start(t, session, rec);
	memcpy(rec->r.voucher, code, len + 1);
	rec->serial = v.serial;
	rec->has_value = true;
	rec->value_cents = v.value_cents;
	rec->expires_at = v.expires_at;
	/* Held: another scan at this terminal won the race. */
	rc = journal_record_add(t->journal, rec, t->sk, &err);
	if (!stopped_by_journal(t, rc, rec, &err, out))
		send_scanned(t, rec, session, out);
	free(rec);
	return out->exit_code;
}

/* A typed voucher when the server cannot be reached: nothing is kept. */
static int
typed_unreachable(const struct typed_entry *te, struct verdict *out)
{
	char serial[PN_SERIAL_TEXT_MAX];

	pn_serial_format(te->serial, serial);
	verdict_set(out, VERDICT_REFUSED, TERM_EXIT_NETWORK, "REFUSÉ — serveur "
	    "injoignable : un chèque tapé à la main ne peut être vérifié "
	    "qu'en ligne. Scannez son QR code, ou retapez-le quand le poste "
	    "sera connecté — chèque %s", serial);
	return out->exit_code;
}

/*
 * A typed serial and key, online only: the terminal cannot check a key,
 * the server can (it compares it with the one derived from the signature
 * of the voucher it issued under that serial).
 *
 * The record is written to the journal before it is sent, as a scanned
 * one is, rather than after the answer: a crash or a power cut after the
 * server committed it must not lose the record (nor its counter, nor the
 * guard on its serial). What follows depends on whether the request can
 * have reached the server:
 *
 *  - an answer: stored as for a scanned record; a receipt gives the value;
 *  - not one byte of it left this machine (no connection: http_reply's
 *    "sent"): the server cannot have it, so the record is withdrawn at
 *    once (refused, "non envoyé"), never to be sent, and the venue is
 *    told to scan the QR code or try again once connected;
 *  - it may have arrived and no answer came (cut mid-way, a timeout, a
 *    5xx): the server may have accepted it, so it stays pending, and sync
 *    sends it again with the same redemption_id (alone, to the online
 *    route), which the server answers with the answer it stored.
 *
 * Nothing is written when the server is found away before (the session
 * could not be declared). A crash between the journal and the network
 * leaves the record pending: sync then sends it, which is safe, since it
 * is as the venue typed it and the server judges the key.
 */
static int
redeem_typed(struct term *t, const struct typed_entry *te,
    struct journal_session *session, struct verdict *out)
{
	char serial[PN_SERIAL_TEXT_MAX];
	struct journal_record *rec;
	struct pn_error err;
	int rc;

	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_SETUP, "ERREUR — "
		    "mémoire insuffisante");
		return out->exit_code;
	}
	/* Held here already: say so, as for a scanned voucher. */
	rc = journal_record_by_serial(t->journal, te->serial, rec, &err);
	if (stopped_by_journal(t, rc, rec, &err, out))
		goto out;
	switch (declare_first(t, session)) {
	case 1:
		typed_unreachable(te, out);
		goto out;
	case 2:
		verdict_suspended(out);
		goto out;
	case 3:
		typed_clock(t, te, out);
		goto out;
	}
	record_start(t, session, rec);
	pn_typed_voucher_format(te->serial, te->key, rec->r.voucher);
	rec->serial = te->serial;
	rc = journal_record_add(t->journal, rec, t->sk, &err);
	if (stopped_by_journal(t, rc, rec, &err, out))
		goto out;
	switch (sync_post_record(t, rec, &err)) {
	case SYNC_POST_ANSWERED:
		answered(t, rec, out);
		break;
	case SYNC_POST_NOT_SENT:
		t->offline_until = (int64_t)time(NULL) + TERM_OFFLINE_HOLD;
		if (withdraw(t, rec, 0, 0, "non envoyé : serveur injoignable "
		    "(un chèque tapé ne se vérifie qu'en ligne)", out) == 0)
			typed_unreachable(te, out);
		break;
	case SYNC_POST_NO_ANSWER:
		t->offline_until = (int64_t)time(NULL) + TERM_OFFLINE_HOLD;
		pn_serial_format(te->serial, serial);
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_NETWORK, "ERREUR — le "
		    "serveur n'a pas répondu : le chèque tapé reste en attente "
		    "et sera accepté ou refusé à la synchronisation (voir "
		    "passnum-terminal history) — chèque %s", serial);
		break;
	case SYNC_POST_UNUSABLE:
		unusable(&err, out);
		break;
	case SYNC_POST_SUSPENDED:
		suspended(t, rec, out);
		break;
	case SYNC_POST_CLOCK:
		/* Refused before anything was judged: the server has nothing. */
		if (withdraw(t, rec, 401, SERVER_CODE_STALE, "non envoyé : "
		    "l'heure du poste et celle du serveur diffèrent de plus "
		    "de 5 minutes (un chèque tapé ne se vérifie qu'en ligne)",
		    out) == 0)
			typed_clock(t, te, out);
		break;
	case SYNC_POST_ERROR:
		journal_failed(&err, out);
		break;
	}
out:
	free(rec);
	return out->exit_code;
}

bool
redeem_typed_refused(const struct typed_entry *te, struct verdict *out)
{
	char serial[PN_SERIAL_TEXT_MAX], bad[16] = "";
	bool missing = te->kind == TYPED_NO_KEY;

	/* A key asked for and left empty is missing, not mistyped. */
	if (te->kind == TYPED_BAD_KEY &&
	    te->key_status == PN_CONTROL_KEY_EMPTY)
		missing = true;
	switch (te->kind) {
	case TYPED_NOT:
	case TYPED_FULL:
		return false;
	case TYPED_BAD_SERIAL:
		verdict_set(out, VERDICT_REFUSED, PN_RC_UNREADABLE, "REFUSÉ — "
		    "numéro mal tapé : %s",
		    pn_serial_status_message(te->serial_status));
		return true;
	case TYPED_NO_KEY:
	case TYPED_BAD_KEY:
		break;
	}
	pn_serial_format(te->serial, serial);
	if (missing) {
		verdict_set(out, VERDICT_REFUSED, PN_RC_UNREADABLE, "REFUSÉ — "
		    "%s — chèque %s",
		    pn_control_key_status_message(PN_CONTROL_KEY_EMPTY),
		    serial);
		return true;
	}
	if (te->key_status == PN_CONTROL_KEY_BAD_CHAR &&
	    te->bad > ' ' && te->bad < 0x7f)
		(void)snprintf(bad, sizeof(bad), " « %c »", te->bad);
	verdict_set(out, VERDICT_REFUSED, PN_RC_UNREADABLE, "REFUSÉ — clé de "
	    "contrôle mal tapée%s : %s — chèque %s", bad,
	    pn_control_key_status_message(te->key_status), serial);
	return true;
}

int
redeem_take(struct term *t, const char *input, size_t len, const char *key,
    struct journal_session *session, struct verdict *out)
{
	char code[PN_CODE_INPUT_MAX];
	struct typed_entry te;

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
	typed_entry_parse(code, len, key, &te);
	if (te.kind == TYPED_NOT && key != NULL) {
		verdict_set(out, VERDICT_ERROR, TERM_EXIT_USAGE, "ERREUR — une "
		    "clé de contrôle accompagne un numéro tapé, pas un code "
		    "scanné");
		return out->exit_code;
	}
	if (redeem_typed_refused(&te, out))
		return out->exit_code;
	/* Suspended, as far as this terminal knows: the server must lift it. */
	if (term_confirm_active(t) != 0) {
		verdict_suspended(out);
		return out->exit_code;
	}
	if (te.kind == TYPED_FULL)
		return redeem_typed(t, &te, session, out);
	return redeem_scanned(t, code, len, session, out);
}
