/* cmd_history.c -- passnum-terminal history: the journal's records and what became of each. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "context.h"
#include "passnum/money.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "terminal.h"

static int
print_record(const struct journal_record *rec, void *arg)
{
	const struct term *t = arg;
	char when[PN_TIME_TEXT_MAX], serial[PN_SERIAL_TEXT_MAX];
	char amount[PN_MONEY_TEXT_MAX];
	char date[PN_TIME_TEXT_MAX];

	pn_time_format_paris(rec->r.terminal_time, when);
	pn_serial_format(rec->serial, serial);
	/* A typed voucher's value is known once the server answered. */
	if (rec->has_value)
		pn_money_format(rec->value_cents, amount);
	else
		(void)snprintf(amount, sizeof(amount), "? €");
	printf("%6llu  %s  %s%s  %s  ", (unsigned long long)rec->r.counter,
	    when, serial, rec->typed ? " (tapé)" : "", amount);
	switch (rec->state) {
	case JOURNAL_PENDING:
		printf("EN ATTENTE%s\n", rec->offline ? " (pris hors ligne)" :
		    "");
		break;
	case JOURNAL_ACCEPTED:
		printf("ACCEPTÉ%s\n", rec->offline ? " (pris hors ligne, "
		    "confirmé)" : "");
		break;
	case JOURNAL_CONFLICT:
		pn_time_format_paris_date(rec->winner_at, date);
		printf("REFUSÉ — déjà utilisé le %s à %s (code %d)\n", date,
		    rec->winner_venue, rec->code);
		break;
	case JOURNAL_REFUSED:
		printf("REFUSÉ — %s (code %d)\n", rec->message, rec->code);
		break;
	}
	(void)t;
	return 0;
}

int
term_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL;
	struct pn_error err;
	struct term t;
	long limit = 20;
	char *end;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			limit = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || limit < 0) {
				fprintf(stderr, "passnum-terminal history : "
				    "--limit attend un nombre (0 : tout).\n");
				return TERM_EXIT_USAGE;
			}
			break;
		case 'd':
			data = optarg;
			break;
		default:
			term_bad_option("history", argc, argv);
			return TERM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "passnum-terminal history : argument en "
		    "trop.\nUtilisation : passnum-terminal history [--limit N] "
		    "[--data DIR]\n");
		return TERM_EXIT_USAGE;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	if (journal_history_each(t.journal, (size_t)limit, print_record, &t,
	    &err) != 0) {
		fprintf(stderr, "passnum-terminal history : %s\n", err.message);
		rc = TERM_EXIT_SETUP;
	}
	term_close(&t);
	return rc;
}
