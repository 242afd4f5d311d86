/* cmd_status.c -- passnum-terminal status: is the server there, and how current is this terminal? */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "passnum/timefmt.h"
#include "terminal.h"
#include "verdict.h"

/* "il y a 3 h 05 min" for a number of seconds. */
static void
age_text(int64_t s, char *buf, size_t len)
{
	if (s == INT64_MAX)
		(void)snprintf(buf, len, "jamais");
	else if (s < 3600)
		(void)snprintf(buf, len, "il y a %lld min",
		    (long long)(s / 60));
	else
		(void)snprintf(buf, len, "il y a %lld h %02lld min",
		    (long long)(s / 3600), (long long)(s % 3600 / 60));
}

/*
 * "10:45:12" in Paris, as the pages show time, whatever this machine's
 * zone: Paris is a whole number of hours from UTC, so the seconds are
 * UTC's.
 */
static void
paris_hms(int64_t t, char *buf, size_t len)
{
	char when[PN_TIME_TEXT_MAX];
	size_t n;

	pn_time_format_paris(t, when);
	n = strlen(when);
	(void)snprintf(buf, len, "%s:%02lld", n >= 5 ? when + n - 5 : when,
	    (long long)(((t % 60) + 60) % 60));
}

/*
 * The clocks as the latest answer showed them: "horloge : ce poste
 * 10:45:12, serveur 10:45:11 (1 s d'écart)", or why they disagree and
 * which one seems off. False when they disagree.
 */
static bool
clock_line(const struct term *t)
{
	char why[SKEW_TEXT_MAX], mine[PN_TIME_TEXT_MAX + 4];
	char theirs[PN_TIME_TEXT_MAX + 4], apart[32];

	if (t->clock_refused[0] != '\0') {
		printf("HORLOGES EN DÉSACCORD — %s\n", t->clock_refused);
		return false;
	}
	if (term_clock_disagrees(t, why, sizeof(why))) {
		printf("HORLOGES EN DÉSACCORD — %s\n", why);
		return false;
	}
	if (t->clock_last.wall == 0)
		return true;
	paris_hms(t->clock_last.wall, mine, sizeof(mine));
	paris_hms(t->clock_last.server, theirs, sizeof(theirs));
	skew_duration_text(t->clock_last.server - t->clock_last.wall, apart,
	    sizeof(apart));
	printf("horloge : ce poste %s, serveur %s (%s d'écart, 5 min au "
	    "plus)\n", mine, theirs, apart);
	return true;
}

/*
 * The receipts this terminal holds, and the server's latest checkpoint:
 * "reçus : 20 encaissements acceptés, 15 à faire confirmer par le
 * serveur ; son dernier point de contrôle : n° 12 du 07/12/2026 10:04".
 */
static void
receipts_line(const struct term *t)
{
	struct journal_checkpoint c;
	struct pn_error err;
	int64_t accepted, unanchored;
	char when[PN_TIME_TEXT_MAX];
	int rc;

	if (journal_anchor_counts(t->journal, &accepted, &unanchored,
	    &err) != 0 ||
	    (rc = journal_checkpoint_latest(t->journal, &c, &err)) < 0) {
		printf("reçus : illisibles (%s)\n", err.message);
		return;
	}
	printf("reçus : %lld %s, %lld à faire confirmer par le serveur",
	    (long long)accepted, term_pl(accepted, "encaissement accepté",
	    "encaissements acceptés"), (long long)unanchored);
	if (rc == 1) {
		pn_time_format_paris(c.at, when);
		printf(" ; son dernier point de contrôle : n° %llu du %s\n",
		    (unsigned long long)c.seq, when);
	} else
		printf(" ; aucun point de contrôle du serveur reçu\n");
}

int
term_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL, *state;
	struct http_reply rep;
	struct pn_error err;
	struct term t;
	int64_t pending, last_sync, now = (int64_t)time(NULL);
	char age[64], msg[400];
	int c, rc, reachable;
	bool clock = true;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd') {
			term_bad_option("status", argc, argv);
			return TERM_EXIT_USAGE;
		}
		data = optarg;
	}
	if (optind != argc) {
		fprintf(stderr, "passnum-terminal status : argument en trop.\n"
		    "Utilisation : passnum-terminal status [--data DIR]\n");
		return TERM_EXIT_USAGE;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	printf("poste n° %llu « %s » — %s (SIRET %s, lieu n° %llu)\n",
	    (unsigned long long)t.cfg.terminal, t.cfg.label, t.cfg.venue_name,
	    t.cfg.venue_siret, (unsigned long long)t.cfg.venue_id);
	printf("données : %s\n", t.dir);
	reachable = http_request(t.http, "GET", "/api/v1/terminal", NULL, 0,
	    true, 1u << 16, &rep) == 0 && !http_reply_unreachable(&rep);
	if (!reachable) {
		http_reply_message(&rep, msg, sizeof(msg));
		printf("serveur : %s — injoignable (%s)\n", t.cfg.server, msg);
	} else if (term_note_suspended(&t, rep.status, rep.json)) {
		printf("serveur : %s — joignable, mais ce poste est "
		    "SUSPENDU\n", t.cfg.server);
	} else if (term_note_clock(&t, &rep)) {
		printf("serveur : %s — joignable, mais il refuse l'heure de ce "
		    "poste\n", t.cfg.server);
	} else if (rep.status == 200) {
		term_note_active(&t);
		state = json_string_value(json_object_get(rep.json, "status"));
		printf("serveur : %s — joignable, poste %s\n", t.cfg.server,
		    state == NULL ? "?" : strcmp(state, "active") == 0 ?
		    "actif" : strcmp(state, "suspended") == 0 ? "suspendu" :
		    strcmp(state, "revoked") == 0 ? "révoqué" : state);
	} else {
		http_reply_message(&rep, msg, sizeof(msg));
		printf("serveur : %s — joignable, mais il refuse ce poste : "
		    "%s\n", t.cfg.server, msg);
	}
	http_reply_free(&rep);
	clock = clock_line(&t);
	pending = journal_pending_count(t.journal, &err);
	printf("enregistrements en attente : %lld\n", (long long)pending);
	receipts_line(&t);
	if (t.trust != NULL) {
		age_text(now - t.trust->issued_at, age, sizeof(age));
		printf("clés du Département : n° %llu, signées %s\n",
		    (unsigned long long)t.trust->seq, age);
	} else
		printf("clés du Département : aucune — lancez "
		    "passnum-terminal sync\n");
	age_text(term_deny_age(&t), age, sizeof(age));
	printf("liste des chèques annulés ou utilisés : n° %llu, %zu "
	    "%s, à jour %s (limite %u h)%s\n",
	    (unsigned long long)t.deny->to_seq, t.deny->n,
	    term_pl((long long)t.deny->n, "chèque", "chèques"), age,
	    t.cfg.max_denylist_age_hours,
	    term_deny_stale(&t) ? " — TROP ANCIENNE : pas d'acceptation hors "
	    "ligne" : "");
	if (journal_meta_get(t.journal, META_LAST_SYNC_AT, &last_sync,
	    &err) == 0) {
		age_text(last_sync > 0 ? now - last_sync : INT64_MAX, age,
		    sizeof(age));
		printf("dernière synchronisation complète : %s\n", age);
	}
	/* Said by the server now, or remembered from its last word. */
	if (t.suspended_at != 0) {
		pn_time_format_paris_date(t.suspended_at, age);
		printf("POSTE SUSPENDU (constaté le %s) — %s\n", age,
		    verdict_suspended_text);
		rc = TERM_EXIT_SUSPENDED;
	} else if (!reachable)
		rc = TERM_EXIT_NETWORK;
	else
		rc = clock ? TERM_EXIT_OK : TERM_EXIT_CLOCK;
	term_close(&t);
	return rc;
}
