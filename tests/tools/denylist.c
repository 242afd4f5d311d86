/* denylist.c -- pn-denylist: sign a deny-list document, for tests and the demo.
 *
 *   pn-denylist --key FILE --from N --to N --at TIME --out FILE
 *               [--cancelled SERIAL:EXPIRES]... [--redeemed SERIAL:EXPIRES]...
 *
 * EXPIRES is Unix seconds. The issuing server publishes deny lists in
 * production; this tool lets tests make them before it exists.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/denylist.h"
#include "passnum/keys.h"
#include "passnum/parse.h"
#include "passnum/passnum.h"
#include "passnum/timefmt.h"

static int
add_entry(struct pn_denylist *d, char *arg, enum pn_deny_reason reason)
{
	char *colon = strchr(arg, ':');
	uint64_t serial, expires;

	if (colon == NULL)
		return -1;
	*colon = '\0';
	if (pn_parse_u64(arg, UINT64_MAX, &serial) != 0 ||
	    pn_parse_u64(colon + 1, UINT32_MAX, &expires) != 0)
		return -1;
	return pn_denylist_add(d, serial, (uint32_t)expires, reason, NULL);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "at", required_argument, NULL, 'a' },
		{ "out", required_argument, NULL, 'o' },
		{ "cancelled", required_argument, NULL, 'c' },
		{ "redeemed", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_path = NULL, *out = NULL;
	struct pn_denylist *d;
	struct pn_signing_key *key;
	struct pn_error err;
	uint64_t from = 0, to = 0;
	int64_t at = -1;
	int c, bad = 0, rc = 1;

	if (pn_init() != 0 || (d = pn_denylist_new()) == NULL)
		return 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key_path = optarg; break;
		case 'f': bad |= pn_parse_u64(optarg, UINT64_MAX, &from); break;
		case 't': bad |= pn_parse_u64(optarg, UINT64_MAX, &to); break;
		case 'a': bad |= pn_time_parse(optarg, &at); break;
		case 'o': out = optarg; break;
		case 'c': bad |= add_entry(d, optarg, PN_DENY_CANCELLED); break;
		case 'r': bad |= add_entry(d, optarg, PN_DENY_REDEEMED); break;
		default: bad = 1;
		}
	}
	if (bad || key_path == NULL || out == NULL || at < 0 ||
	    optind != argc) {
		fprintf(stderr, "usage: pn-denylist --key FILE --from N --to N "
		    "--at TIME --out FILE [--cancelled SERIAL:EXPIRES]... "
		    "[--redeemed SERIAL:EXPIRES]...\n");
		pn_denylist_free(d);
		return 2;
	}
	if ((key = pn_signing_key_load(key_path, &err)) != NULL &&
	    pn_denylist_sign(d, key, from, to, at, &err) == 0 &&
	    pn_denylist_save(d, out, &err) == 0)
		rc = 0;
	else
		fprintf(stderr, "pn-denylist: %s\n", err.message);
	pn_signing_key_free(key);
	pn_denylist_free(d);
	return rc;
}
