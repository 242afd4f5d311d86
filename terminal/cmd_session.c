/* cmd_session.c -- passnum-terminal session open|list: the venue's training sessions.
 *
 *   session open [--theme N] [--start TIME] [--duration MIN] [--data DIR]
 *   session list [--data DIR]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "passnum/timefmt.h"
#include "sessions.h"
#include "terminal.h"
#include "verdict.h"

#define SESSION_USAGE "Utilisation : passnum-terminal session open " \
	"[--theme N] [--start TIME] [--duration MIN] [--data DIR]\n" \
	"              passnum-terminal session list [--data DIR]\n"

static int
usage_error(const char *what)
{
	fprintf(stderr, "passnum-terminal session : %s\n" SESSION_USAGE, what);
	return TERM_EXIT_USAGE;
}

static void
list_themes(FILE *out, const struct term *t)
{
	size_t i;

	fprintf(out, "Thèmes du programme :\n");
	for (i = 0; i < t->cfg.n_themes; i++)
		fprintf(out, "  %zu. %s\n", i + 1, t->cfg.themes[i]);
}

/*
 * No --theme: at a keyboard, the themes and a question until a number
 * fits. A wrong --theme, or no keyboard: the themes and how to give one
 * (a script that gave a wrong theme is never left waiting).
 */
static const char *
choose_theme(const struct term *t, const char *given)
{
	char line[256];
	const char *theme;
	size_t n;

	if (given != NULL)
		fprintf(stderr, "passnum-terminal session : thème inconnu : "
		    "%s.\n", given);
	if (t->cfg.n_themes == 0) {
		fprintf(stderr, "passnum-terminal session : ce poste ne "
		    "connaît aucun thème. Lancez passnum-terminal sync, puis "
		    "recommencez.\n");
		return NULL;
	}
	if (given != NULL || isatty(STDIN_FILENO) != 1) {
		list_themes(stderr, t);
		fprintf(stderr, "Donnez le numéro du thème avec --theme N, par "
		    "exemple --theme 1.\n");
		return NULL;
	}
	for (;;) {
		list_themes(stdout, t);
		printf("Thème (numéro) : ");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL) {
			printf("\n");
			return NULL;
		}
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n > 0 && (theme = sessions_theme(t, line)) != NULL)
			return theme;
		printf("Thème inconnu : tapez un numéro de 1 à %zu.\n",
		    t->cfg.n_themes);
	}
}

static int
session_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "theme", required_argument, NULL, 't' },
		{ "start", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'm' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *theme_arg = NULL, *theme, *data = NULL;
	struct journal_session s;
	struct pn_error err;
	struct term t;
	int64_t start = (int64_t)time(NULL);
	long minutes = SESSION_DEFAULT_MINUTES;
	char *end;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			theme_arg = optarg;
			break;
		case 's':
			/* Paris time, as typed; UTC forms for scripts. */
			if (pn_paris_time_parse(optarg, start, &start) != 0 &&
			    pn_time_parse(optarg, &start) != 0)
				return usage_error("--start attend une heure de "
				    "Paris : HH:MM ou AAAA-MM-JJ HH:MM.");
			break;
		case 'm':
			minutes = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || minutes < 1 ||
			    minutes > 600)
				return usage_error("--duration attend de 1 à "
				    "600 minutes.");
			break;
		case 'd':
			data = optarg;
			break;
		default:
			term_bad_option("session open", argc, argv);
			return TERM_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return usage_error("argument en trop.");
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	if ((theme_arg == NULL || (theme = sessions_theme(&t, theme_arg)) ==
	    NULL) && (theme = choose_theme(&t, theme_arg)) == NULL) {
		term_close(&t);
		return TERM_EXIT_USAGE;
	}
	rc = sessions_open(&t, theme, start, (int)minutes, &s, &err);
	if (rc == 3) {
		printf("Séance gardée sur le poste, non déclarée : ");
		sessions_print(stdout, &s, 0);
		printf("POSTE SUSPENDU — %s\n", verdict_suspended_text);
		rc = TERM_EXIT_SUSPENDED;
	} else if (rc == 4) {
		printf("Séance gardée sur le poste, non déclarée : ");
		sessions_print(stdout, &s, 0);
		printf("HORLOGES EN DÉSACCORD — %s. La séance sera déclarée à "
		    "la synchronisation, quand les horloges s'accorderont\n",
		    t.clock_refused);
		rc = TERM_EXIT_CLOCK;
	} else if (rc < 0 || rc == 2) {
		fprintf(stderr, "passnum-terminal session : %s\n", err.message);
		rc = rc < 0 ? TERM_EXIT_SETUP : TERM_EXIT_SERVER;
	} else {
		printf("Séance ouverte : ");
		sessions_print(stdout, &s, 0);
		if (rc == 1)
			printf("Serveur injoignable : la séance sera déclarée "
			    "à la prochaine synchronisation.\n");
		rc = rc == 1 ? TERM_EXIT_OFFLINE : TERM_EXIT_OK;
	}
	term_close(&t);
	return rc;
}

struct list_walk {
	int n;
};

static int
print_one(const struct journal_session *s, void *arg)
{
	struct list_walk *w = arg;

	sessions_print(stdout, s, ++w->n);
	return 0;
}

static int
session_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_walk w = { 0 };
	const char *data = NULL;
	struct pn_error err;
	struct term t;
	int c, rc, online;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd') {
			term_bad_option("session list", argc, argv);
			return TERM_EXIT_USAGE;
		}
		data = optarg;
	}
	if (optind != argc)
		return usage_error("argument en trop.");
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	if ((online = sessions_fetch(&t, &err)) != 0)
		fprintf(stderr, "passnum-terminal : %s : seules les séances "
		    "de ce poste sont affichées.\n", online == 1 ?
		    "serveur injoignable" : err.message);
	rc = journal_session_each(t.journal, 50, false, print_one, &w, &err);
	if (rc != 0)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
	else if (w.n == 0)
		printf("Aucune séance.\n");
	rc = rc != 0 ? TERM_EXIT_SETUP : TERM_EXIT_OK;
	if (rc == 0 && t.suspended_at != 0) {
		printf("POSTE SUSPENDU — %s\n", verdict_suspended_text);
		rc = TERM_EXIT_SUSPENDED;
	}
	term_close(&t);
	return rc;
}

int
term_session(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("open ou list ?");
	if (strcmp(argv[1], "open") == 0)
		return session_open(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return session_list(argc - 1, argv + 1);
	return usage_error("open ou list ?");
}
