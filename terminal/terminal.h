/* terminal.h -- the subcommands of passnum-terminal, the venue's client, and their exit codes. */
#ifndef PN_TERMINAL_H
#define PN_TERMINAL_H

/*
 * Exit codes. A local verdict exits with its class (enum pn_reason_class:
 * 0 for a valid voucher, 10..15 for each class of refusal); these are the
 * others. They are listed in "passnum-terminal --help" and docs/terminal.md.
 */
#define TERM_EXIT_OK		0
#define TERM_EXIT_SETUP		1	/* data dir, key, bundle or deny list unusable */
#define TERM_EXIT_USAGE		2	/* wrong arguments */
#define TERM_EXIT_OFFLINE	3	/* accepted offline, or records left pending */
#define TERM_EXIT_SERVER	4	/* the server refused (conflict, refusal code) */
#define TERM_EXIT_NETWORK	5	/* the server is needed and cannot be reached */
#define TERM_EXIT_NOT_ENROLLED	6	/* no enrolled terminal in the data dir */
#define TERM_EXIT_STALE		7	/* offline, and the deny list is too old */
#define TERM_EXIT_SUSPENDED	8	/* the server suspended this terminal (4009) */
#define TERM_EXIT_JOURNAL_LOST	9	/* enrolled, but the journal is missing or empty */
/* 10..15: the local verdict's classes (enum pn_reason_class). */
#define TERM_EXIT_CLOCK		16	/* this clock and the server's disagree (4005):
					   records or sessions kept for later */
#define TERM_EXIT_SESSION_REFUSED 17	/* sync: the server refused a session declaration */
#define TERM_EXIT_RECEIPTS	18	/* sync: redemptions the server lost cannot be
					   put back (in conflict, or unrestorable) */

/*
 * After getopt_long() returned '?' (main() sets opterr to 0): says in
 * French which option of cmd is unknown or lacks its value.
 */
void term_bad_option(const char *cmd, int argc, char **argv);

/* French plural: 0 and 1 take the singular. */
static inline const char *
term_pl(long long n, const char *one, const char *many)
{
	return n > 1 ? many : one;
}

/* Each takes the arguments after its own name (argv[0] is the name). */
int term_verify(int argc, char **argv);
int term_enrol(int argc, char **argv);
int term_scan(int argc, char **argv);
int term_redeem(int argc, char **argv);
int term_sync(int argc, char **argv);
int term_status(int argc, char **argv);
int term_history(int argc, char **argv);
int term_session(int argc, char **argv);
int term_receipts(int argc, char **argv);

#endif
