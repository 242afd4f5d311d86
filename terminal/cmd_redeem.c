/* cmd_redeem.c -- passnum-terminal redeem: take one voucher, for scripts and tills.
 *
 *   redeem CODE [--session ID] [--data DIR]
 *
 * Without --session, the one session in progress is used (there must be
 * exactly one). Exits with the verdict's code (terminal.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "passnum/codeinput.h"
#include "redeem.h"
#include "sessions.h"
#include "terminal.h"

#define REDEEM_USAGE "usage: passnum-terminal redeem CODE [--session ID] " \
	"[--data DIR]\n"

int
term_redeem(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *session = NULL, *data = NULL;
	char code[PN_CODE_INPUT_MAX];
	struct journal_session s;
	struct verdict v;
	struct pn_error err;
	struct term t;
	size_t len;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			session = optarg;
			break;
		case 'd':
			data = optarg;
			break;
		default:
			return TERM_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "passnum-terminal redeem: exactly one CODE "
		    "expected\n" REDEEM_USAGE);
		return TERM_EXIT_USAGE;
	}
	if (pn_code_input(argv[optind], code, sizeof(code), &len) != 0) {
		fprintf(stderr, "passnum-terminal redeem: %s\n", code);
		return TERM_EXIT_USAGE;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal: %s\n", err.message);
		return rc;
	}
	if ((rc = sessions_pick(&t, session, &s)) == 0) {
		rc = redeem_take(&t, code, len, &s, &v);
		verdict_print(stdout, &v, verdict_colour_wanted(stdout));
	}
	term_close(&t);
	return rc;
}
