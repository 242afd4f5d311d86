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
#include "admin.h"
#include "store.h"

/* The shortest password accepted, in characters (not bytes). */
#define PASSWORD_MIN 12

/* Generated passwords: 16 characters of 31, about 79 bits. */
#define PASSWORD_NEW_LEN 17

/* Argon2id, with libsodium's interactive limits: a login must stay quick. */
static int
password_hash(const char *password, char hash[crypto_pwhash_STRBYTES],
    struct pn_error *err)
{
	if (crypto_pwhash_str(hash, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return pn_error_set(err, PN_E_NOMEM, "password hashing ran "
		    "out of memory");
	return 0;
}

int
admin_user_create(struct store *s, const char *login, const char *name,
    unsigned role, int64_t agency, int64_t venue, const char *password,
    struct pn_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int64_t id;

	if (password_hash(password, hash, err) != 0)
		return -1;
	return store_user_add(s, login, name, role, agency, venue, hash,
	    (int64_t)time(NULL), ADMIN_ACTOR, &id, err);
}

void
admin_password_new(char *buf, size_t len)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	size_t i;

	for (i = 0; i + 1 < len; i++)
		buf[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	buf[len - 1] = '\0';
}

/* Characters of UTF-8 text: the bytes that do not continue a sequence. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
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
		if (utf8_chars(line) < PASSWORD_MIN)
			rc = admin_usage_error(cmd, "the password on standard "
			    "input must have at least %d characters",
			    PASSWORD_MIN);
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

static int
user_add(int argc, char **argv)
{
	const char *cmd = "user add", *config = NULL, *login = NULL;
	const char *name = NULL, *role_name = NULL, *agency_text = NULL;
	const char *venue_text = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "login", &login, true },
		{ "name", &name, true },
		{ "role", &role_name, true },
		{ "agency", &agency_text, false },
		{ "venue", &venue_text, false },
		{ NULL, NULL, false },
	};
	char password[128], siret[PN_SIRET_LEN + 1], msg[200];
	struct store_venue venue = { .id = 0 };
	enum pn_id_status id_st;
	struct pn_error err;
	struct store *s;
	unsigned role;
	uint64_t agency = 0;
	int rc;

	if ((rc = admin_getopt(cmd, "user add --config FILE --login L --name "
	    "NAME --role ROLE [--agency ID] [--venue SIRET] (password on "
	    "standard input, or generated)", argc, argv, opts)) != 0)
		return rc;
	if ((role = store_role_parse(role_name)) == 0)
		return admin_usage_error(cmd, "--role: caseworker, venue, "
		    "accountant or admin");
	if (agency_text != NULL &&
	    pn_parse_u64(agency_text, INT64_MAX, &agency) != 0)
		return admin_usage_error(cmd, "--agency: an agency number");
	if (role == ROLE_CASEWORKER && agency == 0)
		return admin_usage_error(cmd, "a caseworker belongs to an "
		    "agency: give --agency ID");
	/* The venue pages show a venue user their own venue, and only that. */
	if (role == ROLE_VENUE && venue_text == NULL)
		return admin_usage_error(cmd, "a venue user belongs to a venue: "
		    "give --venue SIRET");
	if (role != ROLE_VENUE && venue_text != NULL)
		return admin_usage_error(cmd, "--venue is only for role venue");
	if (venue_text != NULL &&
	    (id_st = pn_siret_parse(venue_text, siret)) != PN_ID_OK)
		return admin_usage_error(cmd, "--venue: %s",
		    pn_id_status_message(id_st, "SIRET", msg, sizeof(msg)));
	if ((rc = password_obtain(cmd, login, password, sizeof(password))) != 0)
		return rc;
	if ((s = admin_open_store(cmd, config)) == NULL) {
		sodium_memzero(password, sizeof(password));
		return ADMIN_EXIT_FAIL;
	}
	if (venue_text != NULL &&
	    (rc = store_venue_by_siret(s, siret, &venue, &err)) != 0) {
		sodium_memzero(password, sizeof(password));
		if (rc < 0)
			return admin_store_fail(cmd, &err, s);
		fprintf(stderr, "passnum-admin %s: no venue with SIRET %s "
		    "(passnum-admin venue list shows them)\n", cmd, siret);
		store_close(s);
		return ADMIN_EXIT_FAIL;
	}
	rc = admin_user_create(s, login, name, role, (int64_t)agency, venue.id,
	    password, &err);
	sodium_memzero(password, sizeof(password));
	if (rc != 0)
		return admin_store_fail(cmd, &err, s);
	if (venue.id != 0)
		printf("user %s (%s of venue %lld, %s) added\n", login,
		    store_role_name(role), (long long)venue.id, venue.name);
	else
		printf("user %s (%s) added\n", login, store_role_name(role));
	store_close(s);
	return ADMIN_EXIT_OK;
}

/* After a change to login's account: say what happened, or why not. */
static int
user_report(const char *cmd, const char *login, int rc, const char *done,
    unsigned sessions, unsigned tokens, const struct pn_error *err)
{
	if (rc < 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err->message);
		return ADMIN_EXIT_FAIL;
	}
	if (rc == 1) {
		fprintf(stderr, "passnum-admin %s: no user '%s' (passnum-admin "
		    "user list shows them)\n", cmd, login);
		return ADMIN_EXIT_FAIL;
	}
	if (rc == 2) {
		printf("user %s is already %s\n", login, done);
		return ADMIN_EXIT_OK;
	}
	printf("user %s %s; %u browser session(s) ended, %u API token(s) "
	    "revoked\n", login, done, sessions, tokens);
	return ADMIN_EXIT_OK;
}

/* user disable and user enable. */
static int
user_set_disabled(int argc, char **argv, bool disabled)
{
	const char *cmd = disabled ? "user disable" : "user enable";
	const char *config = NULL, *login = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "login", &login, true },
		{ NULL, NULL, false },
	};
	char usage[64];
	struct pn_error err;
	struct store *s;
	unsigned sessions = 0, tokens = 0;
	int rc;

	(void)snprintf(usage, sizeof(usage), "%s --config FILE --login L",
	    cmd);
	if ((rc = admin_getopt(cmd, usage, argc, argv, opts)) != 0)
		return rc;
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	rc = store_user_set_disabled(s, login, disabled, (int64_t)time(NULL),
	    ADMIN_ACTOR, &sessions, &tokens, &err);
	store_close(s);
	return user_report(cmd, login, rc, disabled ? "disabled" : "enabled",
	    sessions, tokens, &err);
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
	char password[128], hash[crypto_pwhash_STRBYTES];
	struct pn_error err;
	struct store *s;
	unsigned sessions = 0, tokens = 0;
	int rc;

	if ((rc = admin_getopt(cmd, "user passwd --config FILE --login L "
	    "(password on standard input, or generated)", argc, argv,
	    opts)) != 0)
		return rc;
	/* Open first: an unknown configuration should not cost a password. */
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if ((rc = password_obtain(cmd, login, password, sizeof(password))) != 0) {
		store_close(s);
		return rc;
	}
	rc = password_hash(password, hash, &err);
	sodium_memzero(password, sizeof(password));
	if (rc != 0)
		return admin_store_fail(cmd, &err, s);
	rc = store_user_set_password(s, login, hash, (int64_t)time(NULL),
	    ADMIN_ACTOR, &sessions, &tokens, &err);
	store_close(s);
	return user_report(cmd, login, rc, "has a new password", sessions,
	    tokens, &err);
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
		return user_add(argc - 1, argv + 1);
	if (strcmp(sub, "passwd") == 0)
		return user_passwd(argc - 1, argv + 1);
	if (strcmp(sub, "disable") == 0)
		return user_set_disabled(argc - 1, argv + 1, true);
	if (strcmp(sub, "enable") == 0)
		return user_set_disabled(argc - 1, argv + 1, false);
	if (strcmp(sub, "list") == 0)
		return user_list(argc - 1, argv + 1);
	return admin_usage_error("user", "expected add, passwd, disable, "
	    "enable or list");
}
