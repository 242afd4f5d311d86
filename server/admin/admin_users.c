/* admin_users.c -- passnum-admin user: the accounts of caseworkers, venues, accountants and admins.
 *
 *   user add --config FILE --login L --name NAME --role ROLE [--agency ID]
 *       [--venue SIRET]  (required for role venue, refused for the others)
 *   user passwd --config FILE --login L
 *       (the password is one line of standard input, or generated and
 *       printed when standard input is a terminal or empty)
 *   user disable --config FILE --login L
 *   user enable --config FILE --login L
 *   user list --config FILE
 *
 * Disabling an account or changing its password ends its browser
 * sessions and revokes its API tokens at once, in the same transaction
 * (enabling it again brings no token back: make new ones).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/bankid.h"
#include "passnum/parse.h"
#include "account.h"
#include "admin.h"
#include "store.h"

/* Generated passwords: 16 characters of 31, about 79 bits. */
#define PASSWORD_NEW_LEN 17

void
admin_password_new(char *buf, size_t len)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	size_t i;

	for (i = 0; i + 1 < len; i++)
		buf[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	buf[len - 1] = '\0';
}

/*
 * The new password of login, into buf (len bytes): the first line of
 * standard input when it is not a terminal and holds one, else a random
 * one, printed so that the operator can hand it over. Returns 0, or
 * ADMIN_EXIT_USAGE after saying why the line was refused.
 */
static int
password_obtain(const char *cmd, const char *login, char *buf, size_t len)
{
	struct op_refusal why;
	char *line = NULL;
	size_t cap = 0, n;
	ssize_t got = -1;
	int rc = 0;

	if (!isatty(STDIN_FILENO))
		got = getline(&line, &cap, stdin);
	if (got < 0) {
		admin_password_new(buf, PASSWORD_NEW_LEN < len ?
		    PASSWORD_NEW_LEN : len);
		printf("password for %s: %s\n", login, buf);
	} else {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		/* The rule's detail ends as these messages always did. */
		if (account_password_check(line, &why) != ERR_NONE)
			rc = admin_usage_error(cmd, "the password on standard "
			    "input must have %s", why.detail +
			    strlen("password: "));
		else if (n >= len)
			rc = admin_usage_error(cmd, "the password on standard "
			    "input must have at most %zu bytes", len - 1);
		else
			memcpy(buf, line, n + 1);
	}
	if (line != NULL) {
		sodium_memzero(line, cap);
		free(line);
	}
	return rc;
}

/* A refusal of user_add_check() in the words of the options. */
static int
user_add_refused(const char *cmd, const struct user_add_in *in,
    const struct op_refusal *why)
{
	const char *field = why->field != NULL ? why->field : "";

	if (strcmp(field, "agency_id") == 0 && in->role == ROLE_FUNDER)
		return admin_usage_error(cmd, "a funder belongs to no agency: "
		    "leave out --agency");
	if (strcmp(field, "agency_id") == 0)
		return admin_usage_error(cmd, "a caseworker belongs to an "
		    "agency: give --agency ID");
	if (strcmp(field, "venue_siret") != 0)
		return admin_refused_usage(cmd, why);
	if (in->role == ROLE_VENUE && in->venue_siret == NULL)
		return admin_usage_error(cmd, "a venue user belongs to a venue: "
		    "give --venue SIRET");
	if (in->role != ROLE_VENUE)
		return admin_usage_error(cmd, "--venue is only for role venue");
	/* "venue_siret: " and the SIRET's own message. */
	return admin_usage_error(cmd, "--venue: %s", why->detail +
	    strlen("venue_siret: "));
}

static int
user_add_cmd(int argc, char **argv)
{
	const char *cmd = "user add", *config = NULL, *role_name = NULL;
	const char *agency_text = NULL;
	struct user_add_in in = { NULL };
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "login", &in.login, true },
		{ "name", &in.name, true },
		{ "role", &role_name, true },
		{ "agency", &agency_text, false },
		{ "venue", &in.venue_siret, false },
		{ NULL, NULL, false },
	};
	char password[128];
	struct user_add_out out;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	uint64_t agency = 0;
	int rc;

	if ((rc = admin_getopt(cmd, "user add --config FILE --login L --name "
	    "NAME --role ROLE [--agency ID] [--venue SIRET] (password on "
	    "standard input, or generated)", argc, argv, opts)) != 0)
		return rc;
	if ((in.role = store_role_parse(role_name)) == 0)
		return admin_usage_error(cmd, "--role: caseworker, venue, "
		    "accountant, admin or funder");
	if (agency_text != NULL &&
	    pn_parse_u64(agency_text, INT64_MAX, &agency) != 0)
		return admin_usage_error(cmd, "--agency: an agency number");
	in.agency_id = (int64_t)agency;
	/* Before a password is read or made for an account refused. */
	if (user_add_check(&in, &why) != ERR_NONE)
		return user_add_refused(cmd, &in, &why);
	if ((rc = password_obtain(cmd, in.login, password,
	    sizeof(password))) != 0)
		return rc;
	if ((cx.s = admin_open_store(cmd, config)) == NULL) {
		sodium_memzero(password, sizeof(password));
		return ADMIN_EXIT_FAIL;
	}
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	in.password = password;
	code = user_add(&cx, &in, &out, &why);
	sodium_memzero(password, sizeof(password));
	store_close(cx.s);
	if (code == ERR_VENUE_NOT_FOUND) {
		fprintf(stderr, "passnum-admin %s: %s (passnum-admin venue list "
		    "shows them)\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	if (out.venue_id != 0)
		printf("user %s (%s of venue %lld, %s) added\n", in.login,
		    store_role_name(in.role), (long long)out.venue_id,
		    out.venue_name);
	else
		printf("user %s (%s) added\n", in.login,
		    store_role_name(in.role));
	return ADMIN_EXIT_OK;
}

/* After a change to login's account: say what happened, or why not. */
static int
user_report(const char *cmd, const char *login, enum err_code code,
    const char *done, const struct account_change_out *out,
    const struct op_refusal *why)
{
	if (code == ERR_USER_NOT_FOUND) {
		fprintf(stderr, "passnum-admin %s: no user '%s' (passnum-admin "
		    "user list shows them)\n", cmd, login);
		return ADMIN_EXIT_FAIL;
	}
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why->detail);
		return ADMIN_EXIT_FAIL;
	}
	if (!out->changed) {
		printf("user %s is already %s\n", login, done);
		return ADMIN_EXIT_OK;
	}
	printf("user %s %s; %u browser session(s) ended, %u API token(s) "
	    "revoked\n", login, done, out->sessions, out->tokens);
	return ADMIN_EXIT_OK;
}

/* user disable and user enable. */
static int
user_set_disabled_cmd(int argc, char **argv, bool disabled)
{
	const char *cmd = disabled ? "user disable" : "user enable";
	const char *config = NULL, *login = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "login", &login, true },
		{ NULL, NULL, false },
	};
	char usage[64];
	struct account_change_out out;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	int rc;

	(void)snprintf(usage, sizeof(usage), "%s --config FILE --login L",
	    cmd);
	if ((rc = admin_getopt(cmd, usage, argc, argv, opts)) != 0)
		return rc;
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = user_set_disabled(&cx, login, disabled, &out, &why);
	store_close(cx.s);
	return user_report(cmd, login, code, disabled ? "disabled" :
	    "enabled", &out, &why);
}

static int
user_passwd(int argc, char **argv)
{
	const char *cmd = "user passwd", *config = NULL, *login = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "login", &login, true },
		{ NULL, NULL, false },
	};
	char password[128];
	struct account_change_out out;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	int rc;

	if ((rc = admin_getopt(cmd, "user passwd --config FILE --login L "
	    "(password on standard input, or generated)", argc, argv,
	    opts)) != 0)
		return rc;
	/* Open first: an unknown configuration should not cost a password. */
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if ((rc = password_obtain(cmd, login, password, sizeof(password))) != 0) {
		store_close(cx.s);
		return rc;
	}
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = user_set_password(&cx, login, password, &out, &why);
	sodium_memzero(password, sizeof(password));
	store_close(cx.s);
	return user_report(cmd, login, code, "has a new password", &out, &why);
}

/* One line a user: login, name, role, agency or venue ("-": none), state. */
static int
print_user(void *ctx, const struct store_user *u)
{
	(void)ctx;
	printf("%s\t%s\t%s\t", u->login, u->display_name,
	    store_role_name(u->role));
	if (u->agency_id > 0)
		printf("agency %lld %s", (long long)u->agency_id,
		    u->agency_name);
	else if (u->venue_id > 0)
		printf("venue %s %s", u->venue_siret, u->venue_name);
	else
		printf("-");
	printf("\t%s\n", u->disabled ? "disabled" : "enabled");
	return 0;
}

static int
user_list(int argc, char **argv)
{
	const char *cmd = "user list", *config = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ NULL, NULL, false },
	};
	struct pn_error err;
	struct store *s;
	int rc;

	if ((rc = admin_getopt(cmd, "user list --config FILE", argc, argv,
	    opts)) != 0)
		return rc;
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_user_each(s, print_user, NULL, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

int
admin_user(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (strcmp(sub, "add") == 0)
		return user_add_cmd(argc - 1, argv + 1);
	if (strcmp(sub, "passwd") == 0)
		return user_passwd(argc - 1, argv + 1);
	if (strcmp(sub, "disable") == 0)
		return user_set_disabled_cmd(argc - 1, argv + 1, true);
	if (strcmp(sub, "enable") == 0)
		return user_set_disabled_cmd(argc - 1, argv + 1, false);
	if (strcmp(sub, "list") == 0)
		return user_list(argc - 1, argv + 1);
	return admin_usage_error("user", "expected add, passwd, disable, "
	    "enable or list");
}
