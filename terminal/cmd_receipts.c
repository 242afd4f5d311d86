/* cmd_receipts.c -- passnum-terminal receipts: the server's signed receipt of every voucher this terminal had accepted, for an auditor.
 *
 *   receipts [--data DIR]
 *
 * One line per accepted record, in the order they were taken: the
 * receipt's Base64 text, as the server signed it (include/passnum/receipt.h).
 * An auditor compares them with the server's database (passnum-admin
 * audit --receipts FILE): each names its redemption, voucher, value,
 * venue and the server's time, and verifies under the trust bundle.
 */
#include <getopt.h>
#include <stdio.h>

#include "context.h"
#include "terminal.h"

static int
print_receipt(const struct journal_record *rec, void *arg)
{
	(void)arg;
	return printf("%s\n", rec->receipt) < 0 ? 1 : 0;
}

int
term_receipts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL;
	struct pn_error err;
	struct term t;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd') {
			term_bad_option("receipts", argc, argv);
			return TERM_EXIT_USAGE;
		}
		data = optarg;
	}
	if (optind != argc) {
		fprintf(stderr, "passnum-terminal receipts : argument en "
		    "trop.\nUtilisation : passnum-terminal receipts "
		    "[--data DIR]\n");
		return TERM_EXIT_USAGE;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	rc = journal_accepted_each(t.journal, false, 0, 0, print_receipt, NULL,
	    &err);
	if (rc < 0)
		fprintf(stderr, "passnum-terminal receipts : %s\n",
		    err.message);
	else if (rc > 0 || fflush(stdout) != 0) {
		fprintf(stderr, "passnum-terminal receipts : écriture des "
		    "reçus impossible (disque plein ?).\n");
		rc = 1;
	}
	term_close(&t);
	return rc != 0 ? TERM_EXIT_SETUP : TERM_EXIT_OK;
}
