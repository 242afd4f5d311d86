/* main.c -- passnum-terminal: dispatch to the venue client's subcommands. */
#include <stdio.h>
#include <string.h>

#include "passnum/passnum.h"
#include "terminal.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "enrol", term_enrol,
	  "enrol --server URL --code CODE [--ca FILE] [--label TEXT] "
	  "[--master PUB]" },
	{ "scan", term_scan,
	  "scan [--session ID] [--image FILE | --camera /dev/videoN]" },
	{ "redeem", term_redeem, "redeem CODE [--key KEY] [--session ID]" },
	{ "verify", term_verify,
	  "verify CODE [--bundle FILE [--master PUB] [--denylist FILE]...] "
	  "[--at TIME]" },
	{ "sync", term_sync, "sync [--retries N]" },
	{ "status", term_status, "status" },
	{ "history", term_history, "history [--limit N]" },
	{ "receipts", term_receipts, "receipts" },
	{ "session", term_session,
	  "session open --theme T [--start TIME] [--duration MIN]\n"
	  "  session list" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: passnum-terminal COMMAND [OPTIONS] [--data DIR]\n\n"
	    "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].summary);
	fprintf(out, "\nCODE is the scanned text (quote it: it may hold "
	    "spaces and $ %% *), a printed\nserial typed by hand with the "
	    "control key printed beside it\n(\"0000 0012 3456 7 K7QM-4XRT\", "
	    "or the serial and --key K7QM-4XRT; judged by the\nserver, online "
	    "only), or - to read one line from standard input. --data DIR\n"
	    "names the data directory (default "
	    "$XDG_DATA_HOME/passnum-terminal, else\n"
	    "~/.local/share/passnum-terminal).\n\n"
	    "Exit codes:\n"
	    "  0  accepted by the server (verify: valid; other commands: "
	    "done)\n"
	    "  1  data dir, key, trust bundle, deny list or journal unusable\n"
	    "  2  wrong arguments\n"
	    "  3  accepted offline, to be confirmed at sync (session open: "
	    "not declared yet)\n"
	    "  4  refused by the server: already used elsewhere, or a refusal "
	    "code\n"
	    "  5  the server is needed and cannot be reached (a typed "
	    "voucher: not kept,\n"
	    "     or kept pending when its answer was lost)\n"
	    "  6  no enrolled terminal in the data dir\n"
	    "  7  offline, and the deny list is too old to accept offline\n"
	    "  8  this terminal is suspended (too many wrong control keys, "
	    "code 4009):\n"
	    "     nothing is taken or synced until the Département "
	    "reactivates it\n"
	    "  9  enrolled, but the journal is missing or empty: offline "
	    "records may be\n"
	    "     lost; restore journal.sqlite from a backup or call the "
	    "Département,\n"
	    "     never enrol again\n"
	    "  10 unreadable code, or a typed serial or key missing or "
	    "mistyped,\n"
	    "  11 unknown or revoked key, 12 forged,\n"
	    "  13 expired or not yet valid, 14 wrong programme,\n"
	    "  15 cancelled or already used (deny list, or this terminal's "
	    "journal)\n"
	    "  16 this clock and the server's are more than 5 minutes apart "
	    "(code 4005):\n"
	    "     records and sessions kept pending; the terminal says which "
	    "clock seems off\n"
	    "  17 sync: the server refused a session declaration\n"
	    "  18 sync: redemptions the server lost, sent back from this "
	    "terminal's receipts,\n"
	    "     cannot be put back (taken again since, or unknown to it): "
	    "the Département\n"
	    "     is warned by an alarm; see docs/terminal.md\n"
	    "See docs/terminal.md.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return TERM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("passnum-terminal %s\n", PN_VERSION);
		return 0;
	}
	if (pn_init() != 0) {
		fprintf(stderr, "passnum-terminal: cannot initialise "
		    "libsodium\n");
		return TERM_EXIT_SETUP;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "passnum-terminal: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return TERM_EXIT_USAGE;
}
