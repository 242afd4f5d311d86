/* cmd_sync.c -- passnum-terminal sync: keys fetched, sessions declared, pending records sent.
 *
 *   sync [--retries N] [--data DIR]
 *
 * When the server cannot be reached, tries again up to N times (default
 * 3) after 1, 2, 4... seconds. When it says this terminal is suspended,
 * stops there and says so (TERM_EXIT_SUSPENDED): the records stay pending.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sync.h"
#include "terminal.h"
#include "verdict.h"

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
				fprintf(stderr, "passnum-terminal sync: "
				    "--retries: 0 to 20\n");
				return TERM_EXIT_USAGE;
			}
			break;
		case 'd':
			data = optarg;
			break;
		default:
			return TERM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: passnum-terminal sync [--retries N] "
		    "[--data DIR]\n");
		return TERM_EXIT_USAGE;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal: %s\n", err.message);
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
		printf("%zu séance(s) déclarée(s)\n", st.sessions);
	printf("%zu envoyé(s) : %zu accepté(s), %zu déjà utilisé(s) "
	    "ailleurs, %zu refusé(s) ; %zu en attente\n", st.sent, st.accepted,
	    st.conflicts, st.refused, st.pending);
	if (out == SYNC_SUSPENDED || (out == SYNC_UNREACHABLE &&
	    t.suspended_at != 0)) {
		printf("POSTE SUSPENDU — %s\n", verdict_suspended_text);
		rc = TERM_EXIT_SUSPENDED;
	} else if (out == SYNC_UNREACHABLE) {
		fprintf(stderr, "passnum-terminal sync: server unreachable: "
		    "%s\n", err.message);
		rc = TERM_EXIT_NETWORK;
	} else if (out == SYNC_FAILED) {
		fprintf(stderr, "passnum-terminal sync: %s\n", err.message);
		rc = TERM_EXIT_SERVER;
	} else
		rc = st.conflicts > 0 || st.refused > 0 ? TERM_EXIT_SERVER :
		    TERM_EXIT_OK;
	term_close(&t);
	return rc;
}
