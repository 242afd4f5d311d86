/* terminal.h -- the subcommands of passnum-terminal, the venue's client. */
#ifndef PN_TERMINAL_H
#define PN_TERMINAL_H

/*
 * Exit codes. A verdict exits with its class (enum pn_reason_class: 0 for
 * a valid voucher, 10..15 for each class of refusal); these are the others.
 */
#define TERM_EXIT_SETUP	1	/* the bundle or a deny list cannot be used */
#define TERM_EXIT_USAGE	2	/* wrong arguments */

/* Each takes the arguments after its own name (argv[0] is the name). */
int term_verify(int argc, char **argv);

#endif
