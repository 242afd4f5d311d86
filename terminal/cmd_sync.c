/* cmd_sync.c -- passnum-terminal sync: keys fetched, sessions declared, pending records sent.
 *
 *   sync [--retries N] [--data DIR]
 *
 * When the server cannot be reached, tries again up to N times (default
 * 3) after 1, 2, 4... seconds. When it says this terminal is suspended,
 * stops there and says so (TERM_EXIT_SUSPENDED): the records stay pending.
 * So they do when the clocks disagree (TERM_EXIT_CLOCK), saying which
 * one seems off. A refused session declaration or record is named in a
 * line of its own and makes the exit code non-zero (sync_exit_code()).
 * Then the receipts the server has not confirmed go back to it
 * (anchor.h): what it had lost and what it could not take back is said
 * loudly, and a receipt in conflict or that cannot be put back makes the
 * exit code TERM_EXIT_RECEIPTS.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sync.h"
#include "terminal.h"
#include "verdict.h"

/* What the receipts step found, in French (sync_exit_code() judges it). */
static void
say_receipts(const struct anchor_stats *r)
{
	if (r->server_lost)
		printf("ATTENTION — %s : tous les reçus de ce poste lui sont "
		    "renvoyés\n", r->lost);
	if (r->sent > 0)
		printf("Reçus renvoyés au serveur : %zu, dont %zu %s.\n",
		    r->sent, r->confirmed, term_pl((long long)r->confirmed,
		    "confirmé", "confirmés"));
	if (r->restored > 0)
		printf("ATTENTION — %zu %s par le serveur %s à partir des "
		    "reçus de ce poste : le Département est prévenu.\n",
		    r->restored, term_pl((long long)r->restored,
		    "encaissement perdu", "encaissements perdus"),
		    term_pl((long long)r->restored, "a été rétabli",
		    "ont été rétablis"));
	if (r->conflicts > 0)
		printf("ATTENTION — %zu %s par le serveur %s : le chèque a été "
		    "encaissé de nouveau depuis ; le Département est "
		    "prévenu.\n", r->conflicts, term_pl((long long)r->conflicts,
		    "encaissement perdu", "encaissements perdus"),
		    term_pl((long long)r->conflicts, "n'a pas été rétabli",
		    "n'ont pas été rétablis"));
	if (r->unrestorable > 0)
		printf("ATTENTION — %zu %s par le serveur %s (le chèque lui "
		    "est inconnu, ou a changé depuis) : le Département est "
		    "prévenu.\n", r->unrestorable,
		    term_pl((long long)r->unrestorable, "encaissement perdu",
		    "encaissements perdus"), term_pl((long long)r->unrestorable,
		    "ne peut pas être rétabli", "ne peuvent pas être "
		    "rétablis"));
	if (r->closed > 0)
		printf("%zu %s d'encaissements perdus, déjà %s par le "
		    "Département : ce poste ne les renverra plus.\n",
		    r->closed, term_pl((long long)r->closed, "reçu", "reçus"),
		    term_pl((long long)r->closed, "traité", "traités"));
	if (r->refused > 0)
		printf("REÇUS REFUSÉS — %zu %s par le serveur (détail "
		    "ci-dessus) : prévenez le Département.\n", r->refused,
		    term_pl((long long)r->refused, "reçu refusé",
		    "reçus refusés"));
}

/*
 * The exit code of a sync, the first that applies: suspended (8); the
 * clocks disagree, records kept (16); the server away (5); an answer
 * that could not be used (4); a session declaration refused (17); a
 * receipt the server lost that cannot be put back (18); a record or a
 * receipt refused, or a record conflicting (4); else 0.
 */
static int
sync_exit_code(const struct term *t, enum sync_outcome out,
    const struct sync_stats *st)
{
	if (out == SYNC_SUSPENDED || (out == SYNC_UNREACHABLE &&
	    t->suspended_at != 0))
		return TERM_EXIT_SUSPENDED;
	if (out == SYNC_CLOCK)
		return TERM_EXIT_CLOCK;
	if (out == SYNC_UNREACHABLE)
		return TERM_EXIT_NETWORK;
	if (out == SYNC_FAILED)
		return TERM_EXIT_SERVER;
	if (st->sessions_refused > 0)
		return TERM_EXIT_SESSION_REFUSED;
	if (st->receipts.conflicts > 0 || st->receipts.unrestorable > 0)
		return TERM_EXIT_RECEIPTS;
	return st->conflicts > 0 || st->refused > 0 ||
	    st->receipts.refused > 0 ? TERM_EXIT_SERVER : TERM_EXIT_OK;
}

int
term_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "retries", required_argument, NULL, 'r' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL;
	struct sync_stats st;
	struct pn_error err;
	struct term t;
	enum sync_outcome out;
	long retries = 3, i;
	unsigned delay = 1;
	char *end;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			retries = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || retries < 0 ||
			    retries > 20) {
				fprintf(stderr, "passnum-terminal sync : "
				    "--retries attend un nombre de 0 à 20.\n");
				return TERM_EXIT_USAGE;
			}
			break;
		case 'd':
			data = optarg;
			break;
		default:
			term_bad_option("sync", argc, argv);
			return TERM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "passnum-terminal sync : argument en trop.\n"
		    "Utilisation : passnum-terminal sync [--retries N] "
		    "[--data DIR]\n");
		return TERM_EXIT_USAGE;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	for (i = 0;; i++) {
		out = sync_run(&t, &st, &err);
		if (out != SYNC_UNREACHABLE || i >= retries)
			break;
		sleep(delay);
		delay *= 2;
	}
	if (st.sessions > 0)
		printf("%zu %s.\n", st.sessions, term_pl((long long)st.sessions,
		    "séance déclarée", "séances déclarées"));
	printf("%zu %s : %zu %s, %zu déjà %s ailleurs, %zu %s ; %zu en "
	    "attente.\n", st.sent, term_pl((long long)st.sent, "envoyé",
	    "envoyés"), st.accepted, term_pl((long long)st.accepted, "accepté",
	    "acceptés"), st.conflicts, term_pl((long long)st.conflicts,
	    "utilisé", "utilisés"), st.refused, term_pl((long long)st.refused,
	    "refusé", "refusés"), st.pending);
	say_receipts(&st.receipts);
	/* What was refused, one line each, before the reason to stop. */
	if (st.sessions_refused > 0)
		printf("SÉANCE REFUSÉE — %zu %s par le serveur, %s : %s\n",
		    st.sessions_refused, term_pl((long long)st.sessions_refused,
		    "séance refusée", "séances refusées"),
		    term_pl((long long)st.sessions_refused, "qui ne sera plus "
		    "déclarée", "qui ne seront plus déclarées"),
		    st.session_refusal);
	if (st.refused > 0 || st.conflicts > 0)
		printf("REFUSÉ — %zu %s et %zu déjà %s ailleurs : le détail "
		    "est dans passnum-terminal history.\n", st.refused,
		    term_pl((long long)st.refused, "chèque refusé",
		    "chèques refusés"), st.conflicts,
		    term_pl((long long)st.conflicts, "utilisé", "utilisés"));
	rc = sync_exit_code(&t, out, &st);
	if (rc == TERM_EXIT_SUSPENDED)
		printf("POSTE SUSPENDU — %s\n", verdict_suspended_text);
	else if (out == SYNC_CLOCK && st.pending > 0)
		printf("HORLOGES EN DÉSACCORD — %s. %zu %s en attente : rien "
		    "n'a été refusé, tout sera envoyé quand les horloges "
		    "s'accorderont.\n", err.message, st.pending,
		    term_pl((long long)st.pending, "enregistrement gardé",
		    "enregistrements gardés"));
	else if (out == SYNC_CLOCK)
		printf("HORLOGES EN DÉSACCORD — %s. Rien n'est en attente ; "
		    "tant que les horloges ne s'accordent pas, le serveur ne "
		    "prendra rien de ce poste.\n", err.message);
	else if (out == SYNC_UNREACHABLE)
		fprintf(stderr, "passnum-terminal sync : serveur injoignable "
		    "(%s). Rien n'est perdu : relancez la synchronisation "
		    "quand le réseau revient.\n", err.message);
	else if (out == SYNC_FAILED)
		fprintf(stderr, "passnum-terminal sync : %s\n", err.message);
	term_close(&t);
	return rc;
}
