/* cmd_verify.c -- passnum-terminal verify: the offline verdict on one voucher.
 *
 *   verify CODE --bundle FILE [--master PUB] [--denylist FILE]... [--at TIME]
 *   verify CODE [--data DIR] [--at TIME]
 *
 * Prints one line in French and exits with the class of the verdict, so
 * that a script can tell "forged" from "expired" without parsing text.
 * Without --bundle, the enrolled terminal's bundle and deny list are used.
 * Nothing is written and nothing is sent.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "passnum/codeinput.h"
#include "passnum/timefmt.h"
#include "passnum/verifier.h"
#include "passnum/voucher.h"
#include "context.h"
#include "terminal.h"

#define MAX_DENYLISTS 64

static int
usage_error(const char *what)
{
	fprintf(stderr, "passnum-terminal verify : %s\n"
	    "Utilisation : passnum-terminal verify CODE --bundle FILE "
	    "[--master PUB] [--denylist FILE]... [--at TIME]\n"
	    "              passnum-terminal verify CODE [--data DIR] "
	    "[--at TIME]\n", what);
	return TERM_EXIT_USAGE;
}

/* The verdict against the enrolled terminal's own keys and deny list. */
static int
verify_enrolled(const char *code, size_t len, const char *data, int64_t at)
{
	char line[PN_VERDICT_MAX];
	struct pn_voucher v;
	struct pn_error err;
	struct term t;
	enum pn_reason r;
	int rc;

	if ((rc = term_open(&t, data, &err)) != 0) {
		if (rc == TERM_EXIT_NOT_ENROLLED)
			return usage_error("aucun poste inscrit ici : donnez "
			    "les clés du Département avec --bundle FILE.");
		fprintf(stderr, "passnum-terminal verify : %s\n", err.message);
		if (rc == TERM_EXIT_JOURNAL_LOST)
			return rc;
		printf("ERREUR — clés du terminal inutilisables : vérification "
		    "impossible\n");
		return TERM_EXIT_SETUP;
	}
	if (t.trust == NULL) {
		term_close(&t);
		fprintf(stderr, "passnum-terminal verify : clés du "
		    "Département pas encore reçues. Lancez passnum-terminal "
		    "sync.\n");
		printf("ERREUR — clés du terminal inutilisables : vérification "
		    "impossible\n");
		return TERM_EXIT_SETUP;
	}
	r = pn_voucher_check_text(code, len, t.trust, t.deny, at, &v);
	pn_verdict_format(r, &v, line);
	printf("%s\n", line);
	term_close(&t);
	return (int)pn_reason_class(r);
}

int
term_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "master", required_argument, NULL, 'm' },
		{ "denylist", required_argument, NULL, 'd' },
		{ "at", required_argument, NULL, 'a' },
		{ "data", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = NULL, *master = NULL, *deny[MAX_DENYLISTS];
	const char *data = NULL;
	char code[PN_CODE_INPUT_MAX], line[PN_VERDICT_MAX];
	struct pn_verifier ver;
	struct pn_voucher v;
	struct pn_error err;
	enum pn_reason r;
	int64_t at = (int64_t)time(NULL);
	size_t n_deny = 0, len;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case 'm':
			master = optarg;
			break;
		case 'd':
			if (n_deny == MAX_DENYLISTS)
				return usage_error("trop de fichiers "
				    "--denylist.");
			deny[n_deny++] = optarg;
			break;
		case 'a':
			if (pn_time_parse(optarg, &at) != 0)
				return usage_error("--at attend une date "
				    "(AAAA-MM-JJ, AAAA-MM-JJTHH:MM:SSZ ou "
				    "@SECONDES).");
			break;
		case 'D':
			data = optarg;
			break;
		default:
			term_bad_option("verify", argc, argv);
			return TERM_EXIT_USAGE;
		}
	}
	if (bundle == NULL && (master != NULL || n_deny > 0))
		return usage_error("--master et --denylist vont avec "
		    "--bundle.");
	if (optind != argc - 1)
		return usage_error("donnez un seul CODE, entre guillemets.");
	if (pn_code_input(argv[optind], code, sizeof(code), &len) != 0)
		return usage_error(code);
	if (bundle == NULL)
		return verify_enrolled(code, len, data, at);
	if (pn_verifier_open(&ver, bundle, master, deny, n_deny, &err) != 0) {
		fprintf(stderr, "passnum-terminal verify : %s\n", err.message);
		printf("ERREUR — clés du terminal inutilisables : vérification "
		    "impossible\n");
		return TERM_EXIT_SETUP;
	}
	r = pn_voucher_check_text(code, len, ver.trust, ver.deny, at, &v);
	pn_verdict_format(r, &v, line);
	printf("%s\n", line);
	pn_verifier_close(&ver);
	return (int)pn_reason_class(r);
}
