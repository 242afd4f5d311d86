/* admin.h -- the subcommands of passnum-admin, the operator's command line. */
#ifndef PN_ADMIN_H
#define PN_ADMIN_H

#include <stdint.h>

/* Exit codes shared by the subcommands (verdicts use enum pn_reason_class). */
#define ADMIN_EXIT_OK		0
#define ADMIN_EXIT_FAIL		1	/* the operation failed; see stderr */
#define ADMIN_EXIT_USAGE	2	/* wrong arguments */

/* Each takes the arguments after its own name (argv[0] is the name). */
int admin_keygen(int argc, char **argv);
int admin_bundle(int argc, char **argv);
int admin_inspect(int argc, char **argv);

/* Print "passnum-admin CMD: message" on stderr; returns ADMIN_EXIT_USAGE. */
int admin_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parse a date option, printing a clear error. Returns 0 or -1. */
int admin_parse_time(const char *cmd, const char *opt, const char *value,
    int64_t *out);

#endif
