/* admin_data.c -- passnum-admin agency|programme|token: the reference data.
 *
 *   agency add --config FILE --name NAME [--kind eds|partner] [--commune C]
 *   programme add --config FILE --name NAME --face-value CENTS --per-booklet N
 *       --validity RULE --territory T --budget CENTS [--max-booklets N]
 *   programme list --config FILE
 *   token create --config FILE --login L [--label TEXT] [--days N]
 *   token list --config FILE [--login L]
 *   token revoke --config FILE --id N
 *
 * The users are in admin_users.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/money.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "auth_token.h"
#include "config.h"
#include "store.h"
#include "validity.h"

struct store *
admin_open_config(const char *cmd, const char *config_path,
    struct config *cfg)
{
	struct pn_error err;
	struct store *s;
	char msg[1024];

	if (config_path == NULL) {
		admin_usage_error(cmd, "--config FILE is required");
		return NULL;
	}
	if (config_load(config_path, cfg, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, msg);
		return NULL;
	}
	if ((s = store_open(cfg->store.path, cfg->store.busy_timeout_ms,
	    &err)) == NULL)
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
	return s;
}

struct store *
admin_open_store(const char *cmd, const char *config_path)
{
	static struct config cfg;

	return admin_open_config(cmd, config_path, &cfg);
}

int
admin_store_fail(const char *cmd, const struct pn_error *err, struct store *s)
{
	fprintf(stderr, "passnum-admin %s: %s\n", cmd, err->message);
	store_close(s);
	return ADMIN_EXIT_FAIL;
}

static int
agency_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "commune", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *name = NULL, *kind = "eds", *commune = "";
	struct pn_error err;
	struct store *s;
	int64_t id;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'm': commune = optarg; break;
		default: return ADMIN_EXIT_USAGE;
		}
	}
	if (name == NULL || optind != argc)
		return admin_usage_error("agency add", "usage: agency add "
		    "--config FILE --name NAME [--kind eds|partner] "
		    "[--commune C]");
	if (strcmp(kind, "eds") != 0 && strcmp(kind, "partner") != 0)
		return admin_usage_error("agency add", "--kind: 'eds' (a "
		    "departmental solidarity office) or 'partner'");
	if ((s = admin_open_store("agency add", config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_agency_add(s, name, kind, commune, (int64_t)time(NULL),
	    ADMIN_ACTOR, &id, &err) != 0)
		return admin_store_fail("agency add", &err, s);
	printf("agency %lld: %s\n", (long long)id, name);
	store_close(s);
	return ADMIN_EXIT_OK;
}

static int
programme_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "face-value", required_argument, NULL, 'f' },
		{ "per-booklet", required_argument, NULL, 'p' },
		{ "validity", required_argument, NULL, 'v' },
		{ "territory", required_argument, NULL, 't' },
		{ "budget", required_argument, NULL, 'b' },
		{ "max-booklets", required_argument, NULL, 'm' },
		{ "instructions", required_argument, NULL, 'i' },
		{ "venue", required_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "programme add", *config = NULL;
	struct store_programme p;
	struct validity_rule rule;
	struct pn_error err;
	struct store *s;
	uint64_t v;
	int64_t id;
	int c, have = 0;

	memset(&p, 0, sizeof(p));
	p.max_booklets = 1;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			/* Refused rather than cut, which could split a letter. */
			if (optarg[0] == '\0' || strlen(optarg) >= sizeof(p.name))
				return admin_usage_error(cmd, "--name: 1 to %zu "
				    "bytes", sizeof(p.name) - 1);
			(void)snprintf(p.name, sizeof(p.name), "%s", optarg);
			have |= 1;
			break;
		case 'f':
			if (pn_parse_u64(optarg, 100000000, &v) || v == 0)
				return admin_usage_error(cmd, "--face-value: "
				    "cents, 1 to 100000000");
			p.face_value = (int64_t)v;
			have |= 2;
			break;
		case 'p':
			if (pn_parse_u64(optarg, STORE_BOOKLET_MAX, &v) || v == 0)
				return admin_usage_error(cmd, "--per-booklet: "
				    "1 to %d", STORE_BOOKLET_MAX);
			p.per_booklet = (unsigned)v;
			have |= 4;
			break;
		case 'v':
			if (validity_parse(optarg, &rule) != 0)
				return admin_usage_error(cmd, "--validity: "
				    "'year-end+DAYS' or 'days:N', got '%s'",
				    optarg);
			validity_format(&rule, p.validity, sizeof(p.validity));
			have |= 8;
			break;
		case 't':
			if (optarg[0] == '\0' ||
			    strlen(optarg) >= sizeof(p.territory))
				return admin_usage_error(cmd, "--territory: 1 "
				    "to %zu bytes", sizeof(p.territory) - 1);
			(void)snprintf(p.territory, sizeof(p.territory), "%s",
			    optarg);
			have |= 16;
			break;
		case 'b':
			if (pn_parse_u64(optarg, INT64_MAX / 2, &v))
				return admin_usage_error(cmd, "--budget: cents");
			p.budget = (int64_t)v;
			have |= 32;
			break;
		case 'm':
			if (pn_parse_u64(optarg, 100, &v) || v == 0)
				return admin_usage_error(cmd, "--max-booklets: "
				    "1 to 100");
			p.max_booklets = (unsigned)v;
			break;
		case 'i':
			if (strlen(optarg) >= sizeof(p.instructions))
				return admin_usage_error(cmd, "--instructions: "
				    "at most %zu bytes",
				    sizeof(p.instructions) - 1);
			(void)snprintf(p.instructions, sizeof(p.instructions),
			    "%s", optarg);
			break;
		case 'V':
			/* Repeated: one partner venue per option, one per line. */
			if (strchr(optarg, '\n') != NULL || optarg[0] == '\0' ||
			    strlen(p.venues) + strlen(optarg) + 2 >
			    sizeof(p.venues))
				return admin_usage_error(cmd, "--venue: one "
				    "non-empty line; all venues together at "
				    "most %zu bytes", sizeof(p.venues) - 1);
			if (p.venues[0] != '\0')
				strcat(p.venues, "\n");
			strcat(p.venues, optarg);
			break;
		default:
			return ADMIN_EXIT_USAGE;
		}
	}
	if (have != 63 || optind != argc)
		return admin_usage_error(cmd, "usage: programme add --config "
		    "FILE --name NAME --face-value CENTS --per-booklet N "
		    "--validity RULE --territory T --budget CENTS "
		    "[--max-booklets N] [--instructions TEXT] "
		    "[--venue 'NAME, ADDRESS']...");
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_programme_add(s, &p, (int64_t)time(NULL), ADMIN_ACTOR, &id,
	    &err) != 0)
		return admin_store_fail(cmd, &err, s);
	printf("programme %lld: %s\n", (long long)id, p.name);
	store_close(s);
	return ADMIN_EXIT_OK;
}

static int
print_programme(void *ctx, const struct store_programme *p)
{
	char face[PN_MONEY_TEXT_MAX], budget[PN_MONEY_TEXT_MAX];
	char used[PN_MONEY_TEXT_MAX];

	(void)ctx;
	pn_money_format(p->face_value, face);
	pn_money_format(p->budget, budget);
	pn_money_format(p->committed, used);
	printf("%lld\t%s\t%u x %s\t%s\tbudget %s, issued %s\t%s\t"
	    "commission %u.%02u %%\tbudget line '%s'\t%u per session\n",
	    (long long)p->id, p->name, p->per_booklet, face, p->validity,
	    budget, used, p->territory, p->commission_bp / 100,
	    p->commission_bp % 100, p->budget_line, p->max_per_session);
	return 0;
}

static int
programme_list(int argc, char **argv)
{
	struct pn_error err;
	struct store *s;

	if (argc != 3 || strcmp(argv[1], "--config") != 0)
		return admin_usage_error("programme list", "usage: programme "
		    "list --config FILE");
	if ((s = admin_open_store("programme list", argv[2])) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_programme_each(s, print_programme, NULL, &err) != 0)
		return admin_store_fail("programme list", &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

/*
 * A programme's rules: the commission and budget line of its payments,
 * and the vouchers of one booklet a session may take. Each is changed
 * when given; at least one must be.
 */
static int
programme_rules(int argc, char **argv)
{
	const char *cmd = "programme rules", *config = NULL, *id = NULL,
	    *commission = NULL, *line = NULL, *per_session = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true }, { "id", &id, true },
		{ "commission-bp", &commission, false },
		{ "budget-line", &line, false },
		{ "max-per-session", &per_session, false },
		{ NULL, NULL, false },
	};
	const char *usage = "programme rules --config FILE --id N "
	    "[--commission-bp N] [--budget-line TEXT] [--max-per-session N]";
	struct store_programme p;
	struct pn_error err;
	struct store *s;
	uint64_t pid, bp = 0, max = 0;
	const char *c;
	int rc;

	if ((rc = admin_getopt(cmd, usage, argc, argv, opts)) != 0)
		return rc;
	if (pn_parse_u64(id, INT64_MAX, &pid) != 0)
		return admin_usage_error(cmd, "--id: a programme's number");
	if (commission == NULL && line == NULL && per_session == NULL)
		return admin_usage_error(cmd, "give --commission-bp, "
		    "--budget-line or --max-per-session");
	if (commission != NULL && pn_parse_u64(commission, 10000, &bp) != 0)
		return admin_usage_error(cmd, "--commission-bp: 0 to 10000 "
		    "(hundredths of a percent: 250 is 2.5 %%)");
	if (per_session != NULL && (pn_parse_u64(per_session, 100, &max) != 0
	    || max == 0))
		return admin_usage_error(cmd, "--max-per-session: 1 to 100 "
		    "vouchers of one booklet in one session");
	if (line != NULL && strlen(line) > 64)
		return admin_usage_error(cmd, "--budget-line: at most 64 bytes");
	for (c = line; c != NULL && *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == ';')
			return admin_usage_error(cmd, "--budget-line: no "
			    "control characters or ';'");
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	rc = store_programme_set_rules(s, (int64_t)pid,
	    commission != NULL ? (int)bp : -1, line, (unsigned)max,
	    (int64_t)time(NULL), ADMIN_ACTOR, &p, &err);
	if (rc < 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	if (rc == 1) {
		fprintf(stderr, "passnum-admin %s: no programme %s\n", cmd, id);
		return ADMIN_EXIT_FAIL;
	}
	printf("programme %s: commission %u.%02u %%, budget line '%s', at most "
	    "%u voucher(s) of one booklet per session\n", id,
	    p.commission_bp / 100, p.commission_bp % 100, p.budget_line,
	    p.max_per_session);
	return ADMIN_EXIT_OK;
}

int
admin_token_issue(struct store *s, const char *login, const char *label,
    unsigned days, char *token, int64_t *expires_at, struct pn_error *err)
{
	uint8_t hash[STORE_HASH_SIZE];
	int64_t id, now = (int64_t)time(NULL);

	if (auth_token_new(token, hash) != 0)
		return pn_error_set(err, PN_E_CRYPTO, "cannot make a token");
	*expires_at = now + (int64_t)days * 86400;
	return store_token_add(s, login, hash, label, now, *expires_at,
	    ADMIN_ACTOR, &id, err);
}

static int
token_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "login", required_argument, NULL, 'l' },
		{ "label", required_argument, NULL, 'b' },
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "token create", *config = NULL, *login = NULL;
	const char *label = "api", *days_text = NULL;
	char token[AUTH_TOKEN_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	uint64_t days = ADMIN_TOKEN_DAYS;
	struct pn_error err;
	struct store *s;
	int64_t expires_at;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'l': login = optarg; break;
		case 'b': label = optarg; break;
		case 'd': days_text = optarg; break;
		default: return ADMIN_EXIT_USAGE;
		}
	}
	if (login == NULL || optind != argc)
		return admin_usage_error(cmd, "usage: token create --config "
		    "FILE --login L [--label TEXT] [--days N]");
	if (days_text != NULL && (pn_parse_u64(days_text, 3650, &days) != 0 ||
	    days == 0))
		return admin_usage_error(cmd, "--days: a number of days from 1 "
		    "to 3650");
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (admin_token_issue(s, login, label, (unsigned)days, token,
	    &expires_at, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	/* The token is shown once: the store keeps only its hash. */
	printf("%s\n", token);
	sodium_memzero(token, sizeof(token));
	/* On stderr: scripts take the token alone from stdout. */
	pn_time_format(expires_at, until);
	fprintf(stderr, "passnum-admin %s: the token expires %s (in %u "
	    "day(s)); passnum-admin token list shows it\n", cmd, until,
	    (unsigned)days);
	store_close(s);
	return ADMIN_EXIT_OK;
}

/* One line a token: id, login, label, created, expires, state. */
static int
print_token(void *ctx, const struct store_token *t)
{
	char created[PN_TIME_TEXT_MAX], expires[PN_TIME_TEXT_MAX];
	char revoked[PN_TIME_TEXT_MAX];
	const int64_t *now = ctx;

	pn_time_format(t->created_at, created);
	if (t->expires_at != 0)
		pn_time_format(t->expires_at, expires);
	else
		(void)snprintf(expires, sizeof(expires), "never");
	printf("%lld\t%s\t%s\t%s\t%s\t", (long long)t->id, t->login,
	    t->label, created, expires);
	if (t->revoked) {
		if (t->revoked_at != 0) {
			pn_time_format(t->revoked_at, revoked);
			printf("revoked %s\n", revoked);
		} else
			printf("revoked\n");
	} else if (t->expires_at != 0 && t->expires_at <= *now)
		printf("expired\n");
	else
		printf("live\n");
	return 0;
}

static int
token_list(int argc, char **argv)
{
	const char *cmd = "token list", *config = NULL, *login = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "login", &login, false },
		{ NULL, NULL, false },
	};
	struct pn_error err;
	struct store *s;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if ((rc = admin_getopt(cmd, "token list --config FILE [--login L]",
	    argc, argv, opts)) != 0)
		return rc;
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	printf("id\tlogin\tlabel\tcreated\texpires\tstate\n");
	if (store_token_each(s, login, print_token, &now, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

static int
token_revoke(int argc, char **argv)
{
	const char *cmd = "token revoke", *config = NULL, *id_text = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "id", &id_text, true },
		{ NULL, NULL, false },
	};
	struct pn_error err;
	struct store *s;
	uint64_t id;
	int rc;

	if ((rc = admin_getopt(cmd, "token revoke --config FILE --id N",
	    argc, argv, opts)) != 0)
		return rc;
	if (pn_parse_u64(id_text, INT64_MAX, &id) != 0)
		return admin_usage_error(cmd, "--id: a token's number, as "
		    "token list shows it");
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	rc = store_token_revoke(s, (int64_t)id, (int64_t)time(NULL),
	    ADMIN_ACTOR, &err);
	if (rc < 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	if (rc == 1) {
		fprintf(stderr, "passnum-admin %s: no token %llu (passnum-admin "
		    "token list shows them)\n", cmd, (unsigned long long)id);
		return ADMIN_EXIT_FAIL;
	}
	printf(rc == 2 ? "token %llu is already revoked\n" :
	    "token %llu revoked\n", (unsigned long long)id);
	return ADMIN_EXIT_OK;
}

int
admin_data(int argc, char **argv)
{
	const char *what = argv[0];

	if (argc >= 2 && strcmp(what, "agency") == 0 &&
	    strcmp(argv[1], "add") == 0)
		return agency_add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(what, "programme") == 0 &&
	    strcmp(argv[1], "add") == 0)
		return programme_add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(what, "programme") == 0 &&
	    strcmp(argv[1], "rules") == 0)
		return programme_rules(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(what, "programme") == 0 &&
	    strcmp(argv[1], "list") == 0)
		return programme_list(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(what, "token") == 0 &&
	    strcmp(argv[1], "create") == 0)
		return token_create(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(what, "token") == 0 &&
	    strcmp(argv[1], "list") == 0)
		return token_list(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(what, "token") == 0 &&
	    strcmp(argv[1], "revoke") == 0)
		return token_revoke(argc - 1, argv + 1);
	return admin_usage_error(what, "unknown subcommand");
}
