/* admin.h -- the subcommands of passnum-admin, the operator's command line. */
#ifndef PN_ADMIN_H
#define PN_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes shared by the subcommands (verdicts use enum pn_reason_class). */
#define ADMIN_EXIT_OK		0
#define ADMIN_EXIT_FAIL		1	/* the operation failed; see stderr */
#define ADMIN_EXIT_USAGE	2	/* wrong arguments */

/* Who the audit log says acted, for changes made with passnum-admin. */
#define ADMIN_ACTOR		"admin-cli"

/* Each takes the arguments after its own name (argv[0] is the name). */
int admin_keygen(int argc, char **argv);
int admin_bundle(int argc, char **argv);
int admin_inspect(int argc, char **argv);
int admin_venue(int argc, char **argv);		/* admin_venues.c */
int admin_terminal(int argc, char **argv);	/* admin_terminals.c */
int admin_expire(int argc, char **argv);	/* admin_expire.c */
int admin_data(int argc, char **argv);		/* agency, programme, token */
int admin_user(int argc, char **argv);
int admin_keys(int argc, char **argv);		/* keys: admin_keys*.c */
int admin_init(int argc, char **argv);
int admin_audit(int argc, char **argv);
int admin_backup(int argc, char **argv);
int admin_restore(int argc, char **argv);	/* admin_restore.c */
int admin_settle(int argc, char **argv);	/* admin_settle.c */
int admin_dispute(int argc, char **argv);	/* admin_dispute.c */
int admin_report(int argc, char **argv);	/* admin_report.c */
int admin_checkpoint(int argc, char **argv);	/* admin_checkpoint.c */
int admin_alarm(int argc, char **argv);		/* admin_checkpoint.c */

struct store;
struct config;
struct pn_error;
struct store_principal;
struct op_refusal;

/* Open the store of the configuration file at config_path, or say why not. */
struct store *admin_open_store(const char *cmd, const char *config_path);

/* The same, keeping the configuration read in *cfg. */
struct store *admin_open_config(const char *cmd, const char *config_path,
    struct config *cfg);

/* Print err's message for cmd, close s (may be NULL); ADMIN_EXIT_FAIL. */
int admin_store_fail(const char *cmd, const struct pn_error *err,
    struct store *s);

/* A random password of len - 1 unambiguous characters. */
void admin_password_new(char *buf, size_t len);

/* Days an API token lives unless token create --days says otherwise. */
#define ADMIN_TOKEN_DAYS 365

/*
 * The person --as names for settle and dispute, authenticated
 * (admin_person.c): their password is read from the controlling terminal
 * without echo when standard input is one ("Mot de passe de LOGIN : " on
 * stderr), else as one line of standard input, and checked as the login
 * page checks it, throttle and all, failures recorded from the address
 * "cli". Then every audit row written through s says "via": "cli". 0 and
 * *who, or an exit status (ADMIN_EXIT_FAIL: wrong or missing password,
 * unknown or disabled person, too many failures), said on stderr. Whether
 * the person may act is the operation's to check.
 */
int admin_person(const char *cmd, struct store *s, const struct config *cfg,
    const char *login, struct store_principal *who);

/* Print a settlement refusal (enum err_code code, its detail); the exit status. */
int admin_settle_refused(const char *cmd, int code, const char *detail);

/* A long option of a subcommand; each takes a value. */
struct admin_opt {
	const char *name;		/* without the leading "--" */
	const char **value;		/* where its value goes; left alone if absent */
	bool required;
};

/*
 * Parse argv (argv[0] is the subcommand's name) against opts, which ends
 * with a NULL name. An unknown option, a missing required one or an
 * argument left over prints "passnum-admin CMD: usage: USAGE" and returns
 * ADMIN_EXIT_USAGE; otherwise 0.
 */
int admin_getopt(const char *cmd, const char *usage, int argc, char **argv,
    const struct admin_opt *opts);

/*
 * Take the option "--name", which has no value, out of argv (argv[0] is
 * the subcommand's name) before admin_getopt() reads the others: true
 * when it was there, *argc and argv then without it. The value after any
 * other option is left alone, even one that reads "--name".
 */
bool admin_take_flag(int *argc, char **argv, const char *name);

/* Print "passnum-admin CMD: message" on stderr; returns ADMIN_EXIT_USAGE. */
int admin_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A refusal of an operation's check on the input it was given, as a
 * usage error: "passnum-admin CMD: DETAIL", where a detail that begins
 * with its field ("face_value: ...") names the option instead
 * ("--face-value: ..."). Returns ADMIN_EXIT_USAGE.
 */
int admin_refused_usage(const char *cmd, const struct op_refusal *why);

/*
 * Copy a text option's value into out: 1 to max bytes (and less than
 * outlen), no control character. 0, or a usage error naming opt.
 */
int admin_text_option(const char *cmd, const char *opt, const char *value,
    size_t max, char *out, size_t outlen);

/* Parse a date option, printing a clear error. Returns 0 or -1. */
int admin_parse_time(const char *cmd, const char *opt, const char *value,
    int64_t *out);

#endif
