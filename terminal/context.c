/* context.c -- opening an enrolled terminal's data dir, and keeping its keys current. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "context.h"
#include "devkey.h"
#include "passnum/keys.h"
#include "server_codes.h"
#include "terminal.h"

/* Past this many stored increments, the next refresh fetches a full list. */
#define DENY_CHAIN_MAX 64
/*
 * Entries of vouchers expired for this long are dropped from memory: an
 * expired voucher is refused anyway, and the margin covers clock skew.
 */
#define DENY_PRUNE_MARGIN (7 * 86400)

/* Past this many seconds of ticks, a changed reference is written at once. */
#define CLOCK_SAVE_EVERY 300

/*
 * The sample of an answer: its Date, or for a 4005 refusal without one
 * the server_time of its body. False when it gives no server time.
 */
static bool
answer_sample(const struct term *t, const struct http_reply *r,
    struct skew_sample *s)
{
	json_t *v = json_object_get(r->json, "server_time");

	memset(s, 0, sizeof(*s));
	s->wall = r->received_wall;
	s->ticks = r->received_ticks;
	s->boot = t->boot;
	s->server = r->server_date;
	if (s->server == 0 && json_is_integer(v) && json_integer_value(v) > 0)
		s->server = (int64_t)json_integer_value(v);
	return s->server != 0 && s->wall != 0;
}

static bool
is_clock_refusal(const struct http_reply *r)
{
	return r->status == 401 && http_reply_code(r) == SERVER_CODE_STALE;
}

/* http_client_observe(): every answer of the server, for its clock. */
static void
clock_seen(void *arg, const struct http_reply *r)
{
	struct term *t = arg;
	struct skew_sample s;
	struct pn_error err;

	if (!answer_sample(t, r, &s))
		return;
	t->clock_last = s;
	/*
	 * A reference only from answers where both clocks agree; never from
	 * a refusal of the time, even one that looks within the window here
	 * (the server's check and this one differ by the request's transit).
	 */
	if (!skew_agrees(&s) || is_clock_refusal(r))
		return;
	t->clock_ref = s;
	t->clock_ref_dirty = true;
	/* A long scan keeps it current for the other commands. */
	if (s.ticks - t->clock_ref_saved >= CLOCK_SAVE_EVERY &&
	    term_save_clock(t, &err) != 0)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
}

int
term_save_clock(struct term *t, struct pn_error *err)
{
	static const char *const keys[] = {
		META_CLOCK_WALL, META_CLOCK_TICKS, META_CLOCK_BOOT,
		META_CLOCK_SERVER
	};
	int64_t values[4];

	if (!t->clock_ref_dirty || t->journal == NULL)
		return 0;
	values[0] = t->clock_ref.wall;
	values[1] = t->clock_ref.ticks;
	values[2] = (int64_t)t->clock_ref.boot;
	values[3] = t->clock_ref.server;
	if (journal_meta_set_many(t->journal, keys, values, 4, err) != 0)
		return -1;
	t->clock_ref_dirty = false;
	t->clock_ref_saved = t->clock_ref.ticks;
	return 0;
}

/*
 * The reference kept by an earlier command. Without this boot's id there
 * is no telling whether its ticks count from this boot: none is taken.
 */
static int
load_clock(struct term *t, struct pn_error *err)
{
	int64_t wall, ticks, boot, server;

	t->boot = skew_boot_id();
	/* Written at close; during a run, only once it is this old. */
	t->clock_ref_saved = skew_ticks();
	if (journal_meta_get(t->journal, META_CLOCK_WALL, &wall, err) != 0 ||
	    journal_meta_get(t->journal, META_CLOCK_TICKS, &ticks, err) != 0 ||
	    journal_meta_get(t->journal, META_CLOCK_BOOT, &boot, err) != 0 ||
	    journal_meta_get(t->journal, META_CLOCK_SERVER, &server, err) != 0)
		return -1;
	if (t->boot == 0 || wall <= 0 || server <= 0 || ticks < 0 || boot <= 0)
		return 0;
	t->clock_ref.wall = wall;
	t->clock_ref.ticks = ticks;
	t->clock_ref.boot = (uint64_t)boot;
	t->clock_ref.server = server;
	return 0;
}

bool
term_note_clock(struct term *t, const struct http_reply *r)
{
	struct skew_judgement j;
	struct skew_sample s;

	if (!is_clock_refusal(r))
		return false;
	if (!answer_sample(t, r, &s)) {
		/* No time of the server's at all: its message, as it is. */
		http_reply_message(r, t->clock_refused,
		    sizeof(t->clock_refused));
		return true;
	}
	skew_judge(&t->clock_ref, &s, &j);
	skew_describe(&s, &j, t->clock_refused, sizeof(t->clock_refused));
	return true;
}

bool
term_clock_disagrees(const struct term *t, char *buf, size_t len)
{
	struct skew_judgement j;

	if (t->clock_last.wall == 0 || skew_agrees(&t->clock_last))
		return false;
	skew_judge(&t->clock_ref, &t->clock_last, &j);
	skew_describe(&t->clock_last, &j, buf, len);
	return true;
}

int
term_open(struct term *t, const char *data_opt, struct pn_error *err)
{
	char path[TERM_PATH_MAX], ca[TERM_PATH_MAX];
	struct stat sb;

	memset(t, 0, sizeof(*t));
	if (term_data_dir(data_opt, t->dir, sizeof(t->dir), err) != 0 ||
	    term_path(path, sizeof(path), t->dir, TERM_CONFIG_FILE, err) != 0)
		return TERM_EXIT_SETUP;
	if (stat(path, &sb) != 0 && errno == ENOENT) {
		pn_error_set(err, PN_E_IO, "aucun poste inscrit dans %s. "
		    "Inscrivez-le d'abord avec passnum-terminal enrol", t->dir);
		return TERM_EXIT_NOT_ENROLLED;
	}
	/*
	 * The journal is made at enrolment only. Enrolled, a missing or
	 * empty one means records may be lost: made again silently, sync
	 * would report nothing to send and the loss would go unseen.
	 */
	if (term_path(path, sizeof(path), t->dir, TERM_JOURNAL_FILE, err) != 0)
		return TERM_EXIT_SETUP;
	switch (journal_lost(path, err)) {
	case 0:
		break;
	case 1:
		term_journal_lost_error(path, err);
		return TERM_EXIT_JOURNAL_LOST;
	default:
		return TERM_EXIT_SETUP;
	}
	if ((t->journal = journal_open(path, false, err)) == NULL ||
	    term_path(path, sizeof(path), t->dir, TERM_CONFIG_FILE, err) != 0 ||
	    term_config_load(path, &t->cfg, err) != 0 ||
	    term_path(path, sizeof(path), t->dir, TERM_KEY_FILE, err) != 0 ||
	    (t->sk = term_devkey_load(path, t->pk, err)) == NULL)
		goto fail;
	ca[0] = '\0';
	if (t->cfg.ca_file[0] != '\0' &&
	    term_path(ca, sizeof(ca), t->dir, t->cfg.ca_file, err) != 0)
		goto fail;
	if ((t->http = http_client_new(t->cfg.server, ca,
	    t->cfg.connect_timeout, t->cfg.request_timeout, err)) == NULL)
		goto fail;
	http_client_identity(t->http, t->cfg.terminal, t->sk);
	if (load_clock(t, err) != 0)
		goto fail;
	http_client_observe(t->http, clock_seen, t);
	if (term_load_trust(t, err) != 0 || term_load_deny(t, err) != 0 ||
	    journal_meta_get(t->journal, META_SUSPENDED_AT, &t->suspended_at,
	    err) != 0)
		goto fail;
	return 0;
fail:
	term_close(t);
	return TERM_EXIT_SETUP;
}

void
term_close(struct term *t)
{
	struct pn_error err;

	if (term_save_clock(t, &err) != 0)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
	http_client_free(t->http);
	pn_trust_free(t->trust);
	pn_denylist_free(t->deny);
	journal_close(t->journal);
	if (t->sk != NULL)
		pn_secret_free(t->sk);
	t->http = NULL;
	t->trust = NULL;
	t->deny = NULL;
	t->journal = NULL;
	t->sk = NULL;
}

int
term_save_config(struct term *t, struct pn_error *err)
{
	char path[TERM_PATH_MAX];

	if (term_path(path, sizeof(path), t->dir, TERM_CONFIG_FILE, err) != 0)
		return -1;
	return term_config_save(path, &t->cfg, err);
}

int
term_load_trust(struct term *t, struct pn_error *err)
{
	char path[TERM_PATH_MAX];
	struct pn_trust *tr;
	struct stat sb;

	if (term_path(path, sizeof(path), t->dir, TERM_TRUST_FILE, err) != 0)
		return -1;
	/* Enrolled but no bundle yet (the first fetch failed): none held. */
	if (stat(path, &sb) != 0 && errno == ENOENT)
		return 0;
	/* Once a key is pinned, a bundle signed by another is never taken. */
	tr = pn_trust_load(path, t->cfg.has_master ? t->cfg.master_pk : NULL,
	    0, err);
	if (tr == NULL)
		return -1;
	pn_trust_free(t->trust);
	t->trust = tr;
	return 0;
}

bool
term_note_suspended(struct term *t, long status, const json_t *answer)
{
	struct pn_error err;
	json_t *code = json_object_get(answer, "code");

	if (status != 403 || !json_is_integer(code) ||
	    json_integer_value(code) != SERVER_CODE_SUSPENDED)
		return false;
	t->suspended_at = (int64_t)time(NULL);
	if (journal_meta_set(t->journal, META_SUSPENDED_AT, t->suspended_at,
	    &err) != 0)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
	return true;
}

void
term_note_active(struct term *t)
{
	struct pn_error err;

	if (t->suspended_at == 0)
		return;
	t->suspended_at = 0;
	if (journal_meta_set(t->journal, META_SUSPENDED_AT, 0, &err) != 0)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
}

int
term_confirm_active(struct term *t)
{
	struct http_reply rep;
	int rc;

	if (t->suspended_at == 0)
		return 0;
	if (http_request(t->http, "GET", "/api/v1/terminal", NULL, 0, true,
	    1u << 16, &rep) != 0 || http_reply_unreachable(&rep))
		rc = 1;
	else if (term_note_suspended(t, rep.status, rep.json))
		rc = 2;
	else {
		/*
		 * Only a success lifts it; any other answer (a wrong clock,
		 * a revoked terminal) leaves the suspension remembered.
		 */
		if (rep.status == 200)
			term_note_active(t);
		rc = t->suspended_at == 0 ? 0 : 2;
	}
	http_reply_free(&rep);
	return rc;
}

struct deny_load {
	struct term *t;
	struct pn_denylist *held;
	struct pn_error *err;
	int64_t prune;
};

static int
deny_load_one(const uint8_t *doc, size_t len, void *arg)
{
	struct deny_load *dl = arg;
	struct pn_denylist *d;
	int rc;

	if (dl->t->trust == NULL)
		return pn_error_set(dl->err, PN_E_UNTRUSTED, "liste des "
		    "annulés présente mais clés du Département absentes : "
		    "lancez passnum-terminal sync");
	if ((d = pn_denylist_decode(doc, len, dl->t->trust, dl->err)) == NULL)
		return -1;
	rc = pn_denylist_merge(dl->held, d, dl->prune, dl->err);
	pn_denylist_free(d);
	return rc;
}

int
term_load_deny(struct term *t, struct pn_error *err)
{
	struct deny_load dl = { .t = t, .err = err };

	dl.prune = (int64_t)time(NULL) - DENY_PRUNE_MARGIN;
	if ((dl.held = pn_denylist_new()) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	if (journal_deny_each(t->journal, deny_load_one, &dl, &t->deny_docs,
	    err) != 0 ||
	    journal_meta_get(t->journal, META_DENY_FRESH_AT, &t->deny_fresh_at,
	    err) != 0) {
		pn_error_prefix(err, "liste des annulés du journal");
		pn_denylist_free(dl.held);
		return -1;
	}
	pn_denylist_free(t->deny);
	t->deny = dl.held;
	return 0;
}

int64_t
term_deny_age(const struct term *t)
{
	int64_t now = (int64_t)time(NULL);

	if (t->deny_fresh_at <= 0 || t->deny_docs == 0)
		return INT64_MAX;
	return now > t->deny_fresh_at ? now - t->deny_fresh_at : 0;
}

bool
term_deny_stale(const struct term *t)
{
	return term_deny_age(t) >
	    (int64_t)t->cfg.max_denylist_age_hours * 3600;
}

int
term_refresh_trust(struct term *t, struct pn_error *err)
{
	char path[TERM_PATH_MAX];
	struct http_reply rep;
	struct pn_trust *tr;
	int rc = -1;

	if (http_request(t->http, "GET", "/api/v1/trust", NULL, 0, false,
	    PN_TRUST_MAX_FILE, &rep) != 0 || http_reply_unreachable(&rep)) {
		char msg[400];

		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "clés du Département : %s", msg);
		http_reply_free(&rep);
		return 1;
	}
	if (rep.status != 200) {
		pn_error_set(err, PN_E_IO, "clés du Département : réponse "
		    "HTTP %ld du serveur", rep.status);
		goto out;
	}
	tr = pn_trust_decode(rep.body, rep.len,
	    t->cfg.has_master ? t->cfg.master_pk : NULL,
	    t->trust != NULL ? t->trust->seq : 0, err);
	if (tr == NULL) {
		pn_error_prefix(err, "clés du Département reçues du serveur "
		    "inutilisables");
		goto out;
	}
	if (term_path(path, sizeof(path), t->dir, TERM_TRUST_FILE, err) != 0 ||
	    pn_trust_save(tr, path, err) != 0) {
		pn_trust_free(tr);
		goto out;
	}
	if (!t->cfg.has_master) {
		/* First bundle: pin the key that signed it. */
		memcpy(t->cfg.master_pk, tr->master_pk, sizeof(tr->master_pk));
		t->cfg.has_master = true;
		if (term_save_config(t, err) != 0) {
			pn_trust_free(tr);
			goto out;
		}
	}
	pn_trust_free(t->trust);
	t->trust = tr;
	rc = journal_meta_set(t->journal, META_TRUST_CHECKED_AT,
	    (int64_t)time(NULL), err);
out:
	http_reply_free(&rep);
	return rc;
}

int
term_refresh_deny(struct term *t, struct pn_error *err)
{
	struct http_reply rep;
	struct pn_denylist *doc = NULL;
	char route[64], msg[400];
	bool full;
	uint64_t since;
	int rc = -1;

	if (t->trust == NULL)
		return pn_error_set(err, PN_E_UNTRUSTED, "liste des annulés : "
		    "clés du Département pas encore reçues");
	full = t->deny_docs == 0 || t->deny_docs >= DENY_CHAIN_MAX;
	since = full ? 0 : t->deny->to_seq;
again:
	(void)snprintf(route, sizeof(route), "/api/v1/denylist?since=%llu",
	    (unsigned long long)since);
	if (http_request(t->http, "GET", route, NULL, 0, false,
	    PN_DENYLIST_MAX_FILE, &rep) != 0 || http_reply_unreachable(&rep)) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "liste des annulés : %s", msg);
		http_reply_free(&rep);
		return 1;
	}
	/* The server lost numbers we hold (restored backup): start over. */
	if (rep.status == 400 && http_reply_code(&rep) ==
	    SERVER_CODE_DENYLIST_SINCE && !full) {
		http_reply_free(&rep);
		full = true;
		since = 0;
		goto again;
	}
	if (rep.status != 200) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "liste des annulés : %s", msg);
		goto out;
	}
	if ((doc = pn_denylist_decode(rep.body, rep.len, t->trust,
	    err)) == NULL) {
		pn_error_prefix(err, "liste des annulés reçue du serveur "
		    "inutilisable");
		goto out;
	}
	if (full) {
		struct pn_denylist *held = pn_denylist_new();

		if (held == NULL) {
			pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
			goto out;
		}
		if (pn_denylist_merge(held, doc, (int64_t)time(NULL) -
		    DENY_PRUNE_MARGIN, err) != 0) {
			pn_denylist_free(held);
			goto out;
		}
		pn_denylist_free(t->deny);
		t->deny = held;
	} else if (pn_denylist_merge(t->deny, doc, (int64_t)time(NULL) -
	    DENY_PRUNE_MARGIN, err) != 0)
		goto out;
	/*
	 * A document with nothing new proves freshness but need not be kept;
	 * anything else is stored, so that the list can be rebuilt.
	 */
	if (full || doc->n > 0 || doc->from_seq != doc->to_seq) {
		if (journal_deny_add(t->journal, rep.body, rep.len, full,
		    err) != 0)
			goto out;
		t->deny_docs = full ? 1 : t->deny_docs + 1;
	}
	if (doc->issued_at > t->deny_fresh_at) {
		t->deny_fresh_at = doc->issued_at;
		if (journal_meta_set(t->journal, META_DENY_FRESH_AT,
		    doc->issued_at, err) != 0)
			goto out;
	}
	rc = 0;
out:
	pn_denylist_free(doc);
	http_reply_free(&rep);
	return rc;
}
