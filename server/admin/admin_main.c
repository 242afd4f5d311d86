/* admin_main.c -- passnum-admin: dispatch to the operator's subcommands. */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "passnum/passnum.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "op.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "keygen", admin_keygen,
	  "keygen master --out DIR | keygen signing --master DIR --kid N ..." },
	{ "bundle", admin_bundle,
	  "bundle --master DIR --certs DIR --seq N --out FILE [--revoke LIST]" },
	{ "inspect", admin_inspect,
	  "inspect CODE [--bundle FILE] [--denylist FILE]... [--at TIME]" },
	{ "init", admin_init,
	  "init --data DIR [--demo] [--port N]" },
	{ "agency", admin_data,
	  "agency add --config FILE --name NAME [--kind eds|partner] [--commune C]" },
	{ "programme", admin_data,
	  "programme add --config FILE --name NAME --face-value CENTS "
	  "--per-booklet N --validity RULE --territory T --budget CENTS "
	  "[--max-booklets N] | programme list --config FILE"
	  " | programme rules --config FILE --id N [--commission-bp N]"
	  " [--budget-line TEXT] [--max-per-session N]" },
	{ "user", admin_user,
	  "user add --config FILE --login L --name NAME --role ROLE [--agency ID]"
	  " | user disable|enable|passwd --config FILE --login L"
	  " | user list --config FILE" },
	{ "venue", admin_venue,
	  "venue add --config FILE --name NAME --siret SIRET --address TEXT "
	  "--commune C --iban IBAN --bic BIC --contact TEXT --accredited-from "
	  "DATE [--accredited-until DATE] | venue list --config FILE"
	  " | venue suspend --config FILE --siret SIRET --reason TEXT"
	  " | venue resume --config FILE --siret SIRET" },
	{ "terminal", admin_terminal,
	  "terminal code --config FILE --siret SIRET"
	  " | terminal list --config FILE"
	  " | terminal revoke --config FILE --id N --reason TEXT"
	  " | terminal resume --config FILE --id N --note TEXT" },
	{ "expire", admin_expire,
	  "expire --config FILE" },
	{ "settle", admin_settle,
	  "settle draft --config FILE --period P --as LOGIN"
	  " | settle list|show --config FILE [--batch REF]"
	  " | settle approve --config FILE --batch REF --as LOGIN [--sepa 09|03]"
	  " [--acknowledge-alerts]"
	  " | settle hold --config FILE --batch REF --venue SIRET --reason TEXT"
	  " --as LOGIN"
	  " | settle export --config FILE --batch REF --out DIR"
	  " | settle paid --config FILE --batch REF --as LOGIN --bank-ref R"
	  " --date YYYY-MM-DD"
	  " | settle reject --config FILE --batch REF --as LOGIN --reason TEXT" },
	{ "dispute", admin_dispute,
	  "dispute open --config FILE --serial N --as LOGIN --reason TEXT"
	  " | dispute resolve --config FILE --id N --as LOGIN"
	  " (--uphold NOTE | --dismiss NOTE) | dispute list --config FILE" },
	{ "token", admin_data,
	  "token create --config FILE --login L [--label TEXT] [--days N]"
	  " | token list --config FILE [--login L]"
	  " | token revoke --config FILE --id N" },
	{ "keys", admin_keys,
	  "keys prepare --config FILE [--sign-days N] [--verify-days N] "
	  "--out REQ | keys prepare-revoke --config FILE --kid N --out REQ"
	  " | keys certify --master DIR --request REQ --out CERTDIR"
	  " | keys install --config FILE --from CERTDIR"
	  " | keys rotate --config FILE --master DIR [--sign-days N] "
	  "[--verify-days N]" },
	{ "audit", admin_audit,
	  "audit --config FILE [--master PUB] [--checkpoints FILE] "
	  "[--receipts FILE]" },
	{ "checkpoint", admin_checkpoint,
	  "checkpoint --config FILE" },
	{ "alarm", admin_alarm,
	  "alarm list --config FILE [--all]"
	  " | alarm ack --config FILE --id N --as LOGIN --note TEXT" },
	{ "backup", admin_backup,
	  "backup --config FILE --out FILE" },
	{ "restore", admin_restore,
	  "restore --config FILE --from BACKUP (passnumd stopped)" },
	{ "report", admin_report,
	  "report funder --config FILE [--programme ID] [--out FILE]"
	  " | report dashboard --config FILE [--programme ID]"
	  " [--periode P | --du DAY --au DAY] [--csv]" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: passnum-admin COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].summary);
	fprintf(out, "\nDates: YYYY-MM-DD (00:00 UTC), YYYY-MM-DDTHH:MM:SSZ or "
	    "@UNIXSECONDS.\nSee docs/keys.md and docs/voucher-format.md.\n");
}

int
admin_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "passnum-admin %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return ADMIN_EXIT_USAGE;
}

int
admin_getopt(const char *cmd, const char *usage, int argc, char **argv,
    const struct admin_opt *opts)
{
	struct option longopts[16];
	size_t i, n;
	int c;

	for (n = 0; opts[n].name != NULL; n++) {
		/* A programming error, not the operator's. */
		if (n + 1 >= sizeof(longopts) / sizeof(longopts[0]))
			return admin_usage_error(cmd, "too many options");
		longopts[n].name = opts[n].name;
		longopts[n].has_arg = required_argument;
		longopts[n].flag = NULL;
		longopts[n].val = (int)n + 1;
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c < 1 || (size_t)c > n)
			return admin_usage_error(cmd, "usage: %s", usage);
		*opts[c - 1].value = optarg;
	}
	for (i = 0; i < n; i++)
		if (opts[i].required && *opts[i].value == NULL)
			return admin_usage_error(cmd, "usage: %s", usage);
	if (optind != argc)
		return admin_usage_error(cmd, "usage: %s", usage);
	return 0;
}

/* Declared in admin.h. */
bool
admin_take_flag(int *argc, char **argv, const char *name)
{
	bool found = false;
	int i, j;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) != 0 || strcmp(a + 2, name) != 0) {
			/* "--opt value": the value is not an option. */
			if (strncmp(a, "--", 2) == 0 && strchr(a, '=') == NULL &&
			    a[2] != '\0')
				i++;
			continue;
		}
		for (j = i; j + 1 < *argc; j++)
			argv[j] = argv[j + 1];
		argv[--*argc] = NULL;
		found = true;
		i--;
	}
	return found;
}

/* Declared in admin.h. */
int
admin_refused_usage(const char *cmd, const struct op_refusal *why)
{
	char opt[64];
	size_t n, i;

	n = why->field != NULL ? strlen(why->field) : 0;
	if (n == 0 || n >= sizeof(opt) ||
	    strncmp(why->detail, why->field, n) != 0 || why->detail[n] != ':')
		return admin_usage_error(cmd, "%s", why->detail);
	for (i = 0; i < n; i++)
		opt[i] = why->field[i] == '_' ? '-' : why->field[i];
	opt[n] = '\0';
	return admin_usage_error(cmd, "--%s%s", opt, why->detail + n);
}

/* Declared in admin.h. */
int
admin_text_option(const char *cmd, const char *opt, const char *value,
    size_t max, char *out, size_t outlen)
{
	size_t n = strlen(value), i;

	if (n == 0 || n > max || n >= outlen)
		return admin_usage_error(cmd, "%s: 1 to %zu bytes", opt, max);
	for (i = 0; i < n; i++)
		if (iscntrl((unsigned char)value[i]))
			return admin_usage_error(cmd, "%s: no control "
			    "characters", opt);
	memcpy(out, value, n + 1);
	return 0;
}

int
admin_parse_time(const char *cmd, const char *opt, const char *value,
    int64_t *out)
{
	if (pn_time_parse(value, out) == 0)
		return 0;
	admin_usage_error(cmd, "%s: '%s' is not a date (expected YYYY-MM-DD, "
	    "YYYY-MM-DDTHH:MM:SSZ or @UNIXSECONDS)", opt, value);
	return -1;
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return ADMIN_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return ADMIN_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("passnum-admin %s\n", PN_VERSION);
		return ADMIN_EXIT_OK;
	}
	/*
	 * Databases, backups and settlement exports are the operator's
	 * alone, whatever the caller's umask; public files (certificates,
	 * bundles) are given their mode explicitly.
	 */
	umask(077);
	if (pn_init() != 0) {
		fprintf(stderr, "passnum-admin: cannot initialise libsodium\n");
		return ADMIN_EXIT_FAIL;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "passnum-admin: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return ADMIN_EXIT_USAGE;
}
