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
 * The users are in admin_users.c. The changes are the operations of
 * programme_setup.h and account.h; their refusals of what was typed are
 * usage errors, said before the store is opened.
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
#include "account.h"
#include "admin.h"
#include "config.h"
#include "programme_setup.h"
#include "store.h"

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
agency_add_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "commune", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *name = NULL, *kind = "eds", *commune = "";
	struct agency_add_in in;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
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
	in.name = name;
	in.kind = kind;
	in.commune = commune;
	if (agency_add_check(&in, &why) != ERR_NONE)
		return admin_refused_usage("agency add", &why);
	if ((cx.s = admin_open_store("agency add", config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = agency_add(&cx, &in, &id, &why);
	store_close(cx.s);
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin agency add: %s\n", why.detail);
		return ADMIN_EXIT_FAIL;
	}
	printf("agency %lld: %s\n", (long long)id, name);
	return ADMIN_EXIT_OK;
}

static int
programme_add_cmd(int argc, char **argv)
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
	struct programme_add_in in = { .max_booklets = 1 };
	char venues[PROGRAMME_VENUES_MAX + 1] = "";
	struct store_programme p;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	uint64_t v;
	int64_t id;
	size_t n;
	int c, have = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			in.name = optarg;
			have |= 1;
			break;
		case 'f':
			if (pn_parse_u64(optarg, PROGRAMME_FACE_MAX, &v) || v == 0)
				return admin_usage_error(cmd, "--face-value: "
				    "cents, 1 to %d", PROGRAMME_FACE_MAX);
			in.face_value = (int64_t)v;
			have |= 2;
			break;
		case 'p':
			if (pn_parse_u64(optarg, STORE_BOOKLET_MAX, &v) || v == 0)
				return admin_usage_error(cmd, "--per-booklet: "
				    "1 to %d", STORE_BOOKLET_MAX);
			in.per_booklet = (unsigned)v;
			have |= 4;
			break;
		case 'v':
			in.validity = optarg;
			have |= 8;
			break;
		case 't':
			in.territory = optarg;
			have |= 16;
			break;
		case 'b':
			if (pn_parse_u64(optarg, INT64_MAX / 2, &v))
				return admin_usage_error(cmd, "--budget: cents");
			in.budget = (int64_t)v;
			have |= 32;
			break;
		case 'm':
			if (pn_parse_u64(optarg, PROGRAMME_MAX_BOOKLETS, &v) ||
			    v == 0)
				return admin_usage_error(cmd, "--max-booklets: "
				    "1 to %d", PROGRAMME_MAX_BOOKLETS);
			in.max_booklets = (unsigned)v;
			break;
		case 'i':
			in.instructions = optarg;
			break;
		case 'V':
			/* Repeated: one partner venue per option, one per line. */
			if (strchr(optarg, '\n') != NULL || optarg[0] == '\0' ||
			    strlen(venues) + strlen(optarg) + 2 >
			    sizeof(venues))
				return admin_usage_error(cmd, "--venue: one "
				    "non-empty line; all venues together at "
				    "most %zu bytes", sizeof(venues) - 1);
			n = strlen(venues);
			(void)snprintf(venues + n, sizeof(venues) - n, "%s%s",
			    n > 0 ? "\n" : "", optarg);
			in.venues = venues;
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
	if (programme_add_check(&in, &p, &why) != ERR_NONE)
		return admin_refused_usage(cmd, &why);
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = programme_add(&cx, &in, &id, &why);
	store_close(cx.s);
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	printf("programme %lld: %s\n", (long long)id, p.name);
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
	struct programme_rules_in in = { 0, -1, NULL, 0 };
	struct store_programme p;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	uint64_t pid, bp = 0, max = 0;
	int rc;

	if ((rc = admin_getopt(cmd, usage, argc, argv, opts)) != 0)
		return rc;
	if (pn_parse_u64(id, INT64_MAX, &pid) != 0)
		return admin_usage_error(cmd, "--id: a programme's number");
	if (commission != NULL && pn_parse_u64(commission,
	    PROGRAMME_COMMISSION_MAX, &bp) != 0)
		return admin_usage_error(cmd, "--commission-bp: 0 to %d "
		    "(hundredths of a percent: 250 is 2.5 %%)",
		    PROGRAMME_COMMISSION_MAX);
	if (per_session != NULL && (pn_parse_u64(per_session,
	    PROGRAMME_PER_SESSION_MAX, &max) != 0 || max == 0))
		return admin_usage_error(cmd, "--max-per-session: 1 to %d "
		    "vouchers of one booklet in one session",
		    PROGRAMME_PER_SESSION_MAX);
	in.id = (int64_t)pid;
	in.commission_bp = commission != NULL ? (int)bp : -1;
	in.budget_line = line;
	in.max_per_session = (unsigned)max;
	if (programme_rules_check(&in, &why) != ERR_NONE) {
		if (why.field == NULL)
			return admin_usage_error(cmd, "give --commission-bp, "
			    "--budget-line or --max-per-session");
		return admin_refused_usage(cmd, &why);
	}
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = programme_set_rules(&cx, &in, &p, &why);
	store_close(cx.s);
	if (code == ERR_UNKNOWN_PROGRAMME) {
		fprintf(stderr, "passnum-admin %s: no programme %s\n", cmd, id);
		return ADMIN_EXIT_FAIL;
	}
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	printf("programme %s: commission %u.%02u %%, budget line '%s', at most "
	    "%u voucher(s) of one booklet per session\n", id,
	    p.commission_bp / 100, p.commission_bp % 100, p.budget_line,
	    p.max_per_session);
	return ADMIN_EXIT_OK;
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
	char until[PN_TIME_TEXT_MAX];
	uint64_t days = ADMIN_TOKEN_DAYS;
	struct token_add_in in;
	struct token_add_out out;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
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
	if (days_text != NULL && (pn_parse_u64(days_text,
	    ACCOUNT_TOKEN_DAYS_MAX, &days) != 0 || days == 0))
		return admin_usage_error(cmd, "--days: a number of days from 1 "
		    "to %d", ACCOUNT_TOKEN_DAYS_MAX);
	in.login = login;
	in.label = label;
	in.days = (unsigned)days;
	if (token_add_check(&in, &why) != ERR_NONE)
		return admin_refused_usage(cmd, &why);
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = token_add(&cx, &in, &out, &why);
	store_close(cx.s);
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	/* The token is shown once: the store keeps only its hash. */
	printf("%s\n", out.token);
	sodium_memzero(out.token, sizeof(out.token));
	/* On stderr: scripts take the token alone from stdout. */
	pn_time_format(out.expires_at, until);
	fprintf(stderr, "passnum-admin %s: the token expires %s (in %u "
	    "day(s)); passnum-admin token list shows it\n", cmd, until,
	    (unsigned)days);
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
token_revoke_cmd(int argc, char **argv)
{
	const char *cmd = "token revoke", *config = NULL, *id_text = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "id", &id_text, true },
		{ NULL, NULL, false },
	};
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	bool revoked;
	uint64_t id;
	int rc;

	if ((rc = admin_getopt(cmd, "token revoke --config FILE --id N",
	    argc, argv, opts)) != 0)
		return rc;
	if (pn_parse_u64(id_text, INT64_MAX, &id) != 0)
		return admin_usage_error(cmd, "--id: a token's number, as "
		    "token list shows it");
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = token_revoke(&cx, (int64_t)id, &revoked, &why);
	store_close(cx.s);
	if (code == ERR_TOKEN_NOT_FOUND) {
		fprintf(stderr, "passnum-admin %s: no token %llu (passnum-admin "
		    "token list shows them)\n", cmd, (unsigned long long)id);
		return ADMIN_EXIT_FAIL;
	}
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	printf(revoked ? "token %llu revoked\n" :
	    "token %llu is already revoked\n", (unsigned long long)id);
	return ADMIN_EXIT_OK;
}

int
admin_data(int argc, char **argv)
{
	const char *what = argv[0];

	if (argc >= 2 && strcmp(what, "agency") == 0 &&
	    strcmp(argv[1], "add") == 0)
		return agency_add_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(what, "programme") == 0 &&
	    strcmp(argv[1], "add") == 0)
		return programme_add_cmd(argc - 1, argv + 1);
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
		return token_revoke_cmd(argc - 1, argv + 1);
	return admin_usage_error(what, "unknown subcommand");
}
