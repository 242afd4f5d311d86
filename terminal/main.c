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
	{ "verify", term_verify,
	  "verify CODE --bundle FILE [--master PUB] [--denylist FILE]... "
	  "[--at TIME]" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: passnum-terminal COMMAND [OPTIONS]\n\n"
	    "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].summary);
	fprintf(out, "\nCODE is the scanned text (quote it: it may hold "
	    "spaces and $ %% *), or - to read one line from standard input.\n"
	    "Exit codes: 0 valid, 10 unreadable, 11 unknown or revoked key, "
	    "12 forged,\n13 expired or not yet valid, 14 wrong programme, "
	    "15 cancelled or used,\n1 bundle or deny list unusable, 2 wrong "
	    "arguments.\n");
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
