/* admin_inspect.c -- passnum-admin inspect: every field of a voucher, and its verdict.
 *
 *   inspect CODE [--bundle FILE [--master PUB]] [--denylist FILE]... [--at TIME]
 *
 * For support staff on the phone with a venue: the code is decoded and each
 * field printed; with a bundle, the voucher is verified and the reason given
 * in French and English. CODE "-" reads one line from standard input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/controlkey.h"
#include "passnum/codeinput.h"
#include "passnum/money.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "passnum/verifier.h"
#include "passnum/voucher.h"
#include "admin.h"

#define CMD "inspect"
#define MAX_DENYLISTS 64

static void
print_fields(const struct pn_voucher *v)
{
	char serial[PN_SERIAL_TEXT_MAX], amount[PN_MONEY_TEXT_MAX];
	char issued[PN_TIME_TEXT_MAX], expires[PN_TIME_TEXT_MAX];
	char sig[2 * PN_SIGNATURE_SIZE + 1];
	char key[PN_CONTROL_KEY_SIZE], printed[PN_CONTROL_KEY_TEXT_MAX];

	pn_control_key(v->signature, key);
	pn_control_key_format(key, printed);
	pn_serial_format(v->serial, serial);
	pn_money_format(v->value_cents, amount);
	pn_time_format(v->issued_at, issued);
	pn_time_format(v->expires_at, expires);
	sodium_bin2hex(sig, sizeof(sig), v->signature, PN_SIGNATURE_SIZE);
	printf("format            %u\n", v->format);
	printf("kid               %u\n", v->kid);
	printf("programme         %u\n", v->programme);
	printf("serial            %llu (printed: %s)\n",
	    (unsigned long long)v->serial, serial);
	printf("value             %u cents (%s)\n", v->value_cents, amount);
	printf("issued at         %s (%u)\n", issued, v->issued_at);
	printf("expires at        %s (%u)\n", expires, v->expires_at);
	printf("signature         %s\n", sig);
	printf("control key       %s\n", printed);
}

int
admin_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "master", required_argument, NULL, 'm' },
		{ "denylist", required_argument, NULL, 'd' },
		{ "at", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = NULL, *master = NULL, *deny[MAX_DENYLISTS];
	struct pn_verifier ver;
	struct pn_voucher v;
	struct pn_error err;
	enum pn_reason r;
	char code[PN_CODE_INPUT_MAX], line[PN_VERDICT_MAX];
	size_t n_deny = 0, len;
	int64_t at = (int64_t)time(NULL);
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
				return admin_usage_error(CMD, "at most %d "
				    "--denylist files", MAX_DENYLISTS);
			deny[n_deny++] = optarg;
			break;
		case 'a':
			if (admin_parse_time(CMD, "--at", optarg, &at) != 0)
				return ADMIN_EXIT_USAGE;
			break;
		default:
			return ADMIN_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || (bundle == NULL && (master != NULL ||
	    n_deny > 0)))
		return admin_usage_error(CMD, "usage: inspect CODE [--bundle "
		    "FILE [--master PUB] [--denylist FILE]...] [--at TIME]");
	if (pn_code_input(argv[optind], code, sizeof(code), &len) != 0)
		return admin_usage_error(CMD, "cannot read the code: %s",
		    code);
	r = pn_voucher_from_text(code, len, &v);
	if (r != PN_R_OK) {
		printf("unreadable: %s / %s (reason %d %s)\n",
		    pn_reason_message(r, PN_LANG_FR),
		    pn_reason_message(r, PN_LANG_EN), (int)r,
		    pn_reason_name(r));
		return (int)pn_reason_class(r);
	}
	print_fields(&v);
	if (bundle == NULL) {
		printf("verdict           not checked: give --bundle FILE to "
		    "verify the signature\n");
		return 0;
	}
	if (pn_verifier_open(&ver, bundle, master, deny, n_deny, &err) != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", CMD, err.message);
		return ADMIN_EXIT_FAIL;
	}
	r = pn_voucher_verify(&v, ver.trust, ver.deny, at);
	pn_verdict_format(r, &v, line);
	printf("verdict           %s (reason %d %s: %s)\n",
	    r == PN_R_OK ? "VALID" : "REFUSED", (int)r, pn_reason_name(r),
	    pn_reason_message(r, PN_LANG_EN));
	printf("verdict (fr)      %s\n", line);
	pn_verifier_close(&ver);
	return (int)pn_reason_class(r);
}
