/* admin_venues.c -- passnum-admin venue: the partner venues that redeem vouchers.
 *
 *   venue add --config FILE --name NAME --siret SIRET --address TEXT
 *       --commune C --iban IBAN --bic BIC --contact TEXT
 *       --accredited-from DATE [--accredited-until DATE]
 *   venue list --config FILE
 *   venue suspend --config FILE --siret SIRET --reason TEXT
 *   venue resume --config FILE --siret SIRET
 *
 * SIRET, IBAN and BIC are checked as the operator types them (spaces and
 * lower case allowed) and stored in their canonical form: a typing mistake
 * in an IBAN would send public money to the wrong account, or nowhere.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/bankid.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "store.h"

/* An identifier option through its parser; 0 or usage error. */
static int
id_option(const char *cmd, const char *what, enum pn_id_status st)
{
	char msg[200];

	if (st == PN_ID_OK)
		return 0;
	return admin_usage_error(cmd, "%s", pn_id_status_message(st, what, msg,
	    sizeof(msg)));
}

static int
venue_add(int argc, char **argv)
{
	const char *cmd = "venue add", *config = NULL, *name = NULL;
	const char *siret = NULL, *address = NULL, *commune = NULL;
	const char *iban = NULL, *bic = NULL, *contact = NULL;
	const char *from = NULL, *until = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "name", &name, true },
		{ "siret", &siret, true },
		{ "address", &address, true },
		{ "commune", &commune, true },
		{ "iban", &iban, true },
		{ "bic", &bic, true },
		{ "contact", &contact, true },
		{ "accredited-from", &from, true },
		{ "accredited-until", &until, false },
		{ NULL, NULL, false },
	};
	char iban_text[PN_IBAN_TEXT_MAX];
	struct store_venue v;
	struct pn_error err;
	struct store *s;
	int64_t id;
	int rc;

	if ((rc = admin_getopt(cmd, "venue add --config FILE --name NAME "
	    "--siret SIRET --address TEXT --commune C --iban IBAN --bic BIC "
	    "--contact TEXT --accredited-from DATE [--accredited-until DATE]",
	    argc, argv, opts)) != 0)
		return rc;
	memset(&v, 0, sizeof(v));
	if ((rc = admin_text_option(cmd, "--name", name, 140, v.name,
	    sizeof(v.name))) != 0 ||
	    (rc = admin_text_option(cmd, "--address", address, 200, v.address,
	    sizeof(v.address))) != 0 ||
	    (rc = admin_text_option(cmd, "--commune", commune, 64, v.commune,
	    sizeof(v.commune))) != 0 ||
	    (rc = admin_text_option(cmd, "--contact", contact, 200, v.contact,
	    sizeof(v.contact))) != 0 ||
	    (rc = id_option(cmd, "SIRET", pn_siret_parse(siret, v.siret))) != 0 ||
	    (rc = id_option(cmd, "IBAN", pn_iban_parse(iban, v.iban))) != 0 ||
	    (rc = id_option(cmd, "BIC", pn_bic_parse(bic, v.bic))) != 0)
		return rc;
	if (admin_parse_time(cmd, "--accredited-from", from,
	    &v.accredited_from) != 0 || (until != NULL &&
	    admin_parse_time(cmd, "--accredited-until", until,
	    &v.accredited_until) != 0))
		return ADMIN_EXIT_USAGE;
	if (until != NULL && v.accredited_until <= v.accredited_from)
		return admin_usage_error(cmd, "--accredited-until must come "
		    "after --accredited-from");
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_venue_add(s, &v, (int64_t)time(NULL), ADMIN_ACTOR, &id,
	    &err) != 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	pn_iban_format(v.iban, iban_text);
	printf("venue %lld: %s, SIRET %s, IBAN %s, BIC %s\n", (long long)id,
	    v.name, v.siret, iban_text, v.bic);
	return ADMIN_EXIT_OK;
}

static int
print_venue(void *ctx, const struct store_venue *v)
{
	char iban[PN_IBAN_TEXT_MAX], from[PN_TIME_TEXT_MAX],
	    until[PN_TIME_TEXT_MAX];

	(void)ctx;
	pn_iban_format(v->iban, iban);
	pn_time_format_paris_date(v->accredited_from, from);
	if (v->accredited_until != 0)
		pn_time_format_paris_date(v->accredited_until, until);
	else
		(void)snprintf(until, sizeof(until), "-");
	printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s..%s\t%s%s%s\n",
	    (long long)v->id, v->siret, v->name, v->commune, iban, v->bic,
	    from, until, v->status, v->status_reason[0] != '\0' ? ": " : "",
	    v->status_reason);
	return 0;
}

static int
venue_list(int argc, char **argv)
{
	const char *cmd = "venue list", *config = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ NULL, NULL, false },
	};
	struct pn_error err;
	struct store *s;
	int rc;

	if ((rc = admin_getopt(cmd, "venue list --config FILE", argc, argv,
	    opts)) != 0)
		return rc;
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_venue_each(s, print_venue, NULL, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

static int
venue_set_status(int argc, char **argv, bool suspend)
{
	const char *cmd = suspend ? "venue suspend" : "venue resume";
	const char *config = NULL, *siret = NULL, *reason = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "siret", &siret, true },
		{ "reason", &reason, suspend },
		{ NULL, NULL, false },
	};
	char canonical[PN_SIRET_LEN + 1], why[512];
	struct pn_error err;
	struct store *s;
	int rc;

	if ((rc = admin_getopt(cmd, suspend ? "venue suspend --config FILE "
	    "--siret SIRET --reason TEXT" : "venue resume --config FILE "
	    "--siret SIRET", argc, argv, opts)) != 0)
		return rc;
	if ((rc = id_option(cmd, "SIRET", pn_siret_parse(siret,
	    canonical))) != 0 || (suspend && (rc = admin_text_option(cmd, "--reason",
	    reason, 500, why, sizeof(why))) != 0))
		return rc;
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	rc = store_venue_set_status(s, canonical, suspend, suspend ? why : NULL,
	    (int64_t)time(NULL), ADMIN_ACTOR, &err);
	store_close(s);
	switch (rc) {
	case 0:
		printf("venue %s %s\n", canonical, suspend ? "suspended: it "
		    "cannot redeem vouchers until venue resume" : "active "
		    "again");
		return ADMIN_EXIT_OK;
	case 1:
		fprintf(stderr, "passnum-admin %s: no venue with SIRET %s "
		    "(passnum-admin venue list shows them)\n", cmd, canonical);
		return ADMIN_EXIT_FAIL;
	case 2:
		fprintf(stderr, "passnum-admin %s: venue %s is already %s\n",
		    cmd, canonical, suspend ? "suspended" : "active");
		return ADMIN_EXIT_FAIL;
	default:
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
}

int
admin_venue(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (strcmp(sub, "add") == 0)
		return venue_add(argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return venue_list(argc - 1, argv + 1);
	if (strcmp(sub, "suspend") == 0)
		return venue_set_status(argc - 1, argv + 1, true);
	if (strcmp(sub, "resume") == 0)
		return venue_set_status(argc - 1, argv + 1, false);
	return admin_usage_error("venue", "expected add, list, suspend or "
	    "resume");
}
