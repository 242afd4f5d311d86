/* cmd_redeem.c -- passnum-terminal redeem: take one voucher, for scripts and tills.
 *
 *   redeem CODE [--key KEY] [--session ID] [--data DIR]
 *
 * CODE is a scanned code, or a serial typed by hand followed by its
 * control key ("0000 0000 0001 3 K7QM-4XRT"), or a serial alone with the
 * key in --key. A typed serial without its key, or mistyped, is refused
 * before anything is opened or sent. Without --session, the one session
 * in progress is used (there must be exactly one). Exits with the
 * verdict's code (terminal.h).
 */
#include <getopt.h>
#include <stdio.h>

#include "passnum/codeinput.h"
#include "redeem.h"
#include "sessions.h"
#include "terminal.h"

#define REDEEM_USAGE "Utilisation : passnum-terminal redeem CODE " \
	"[--key KEY] [--session ID] [--data DIR]\n"

int
term_redeem(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "session", required_argument, NULL, 's' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *session = NULL, *data = NULL, *key = NULL;
	char code[PN_CODE_INPUT_MAX];
	struct typed_entry te;
	struct journal_session s;
	struct verdict v;
	struct pn_error err;
	struct term t;
	size_t len;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 's':
			session = optarg;
			break;
		case 'd':
			data = optarg;
			break;
		default:
			term_bad_option("redeem", argc, argv);
			return TERM_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "passnum-terminal redeem : donnez un seul "
		    "CODE, entre guillemets.\n" REDEEM_USAGE);
		return TERM_EXIT_USAGE;
	}
	if (pn_code_input(argv[optind], code, sizeof(code), &len) != 0) {
		fprintf(stderr, "passnum-terminal redeem : %s\n", code);
		return TERM_EXIT_USAGE;
	}
	typed_entry_parse(code, len, key, &te);
	if (key != NULL && te.kind == TYPED_NOT) {
		fprintf(stderr, "passnum-terminal redeem : --key ne va "
		    "qu'avec un numéro tapé à la main, pas un code "
		    "scanné.\n" REDEEM_USAGE);
		return TERM_EXIT_USAGE;
	}
	/* A typed entry that cannot be sent: said before anything is opened. */
	if (redeem_typed_refused(&te, &v)) {
		verdict_print(stdout, &v, verdict_colour_wanted(stdout));
		if (te.kind == TYPED_NO_KEY)
			fprintf(stderr, "passnum-terminal redeem : un numéro "
			    "tapé va avec sa clé de contrôle : redeem NUMÉRO "
			    "--key CLÉ, ou \"NUMÉRO CLÉ\".\n");
		return v.exit_code;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	if ((rc = sessions_pick(&t, session, &s)) == 0) {
		rc = redeem_take(&t, code, len, key, &s, &v);
		verdict_print(stdout, &v, verdict_colour_wanted(stdout));
	}
	term_close(&t);
	return rc;
}
