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
 * lower case allowed) and stored in their canonical form, by the
 * operations of venue_register.h; their refusals of what was typed are
 * usage errors, said before the store is opened.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/bankid.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "store.h"
#include "venue_register.h"

/*
 * A refusal of venue_add_check() in the words of the options: the
 * identifiers' messages name them, the others their option.
 */
static int
venue_refused(const char *cmd, const struct op_refusal *why)
{
	if (why->field != NULL && strcmp(why->field, "accredited_until") == 0)
		return admin_usage_error(cmd, "--accredited-until must come "
		    "after --accredited-from");
	return admin_refused_usage(cmd, why);
}

static int
venue_add_cmd(int argc, char **argv)
{
	const char *cmd = "venue add", *config = NULL, *from = NULL;
	const char *until = NULL;
	struct venue_add_in in = { NULL };
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "name", &in.name, true },
		{ "siret", &in.siret, true },
		{ "address", &in.address, true },
		{ "commune", &in.commune, true },
		{ "iban", &in.iban, true },
		{ "bic", &in.bic, true },
		{ "contact", &in.contact, true },
		{ "accredited-from", &from, true },
		{ "accredited-until", &until, false },
		{ NULL, NULL, false },
	};
	char iban_text[PN_IBAN_TEXT_MAX];
	struct store_venue v;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	int rc;

	if ((rc = admin_getopt(cmd, "venue add --config FILE --name NAME "
	    "--siret SIRET --address TEXT --commune C --iban IBAN --bic BIC "
	    "--contact TEXT --accredited-from DATE [--accredited-until DATE]",
	    argc, argv, opts)) != 0)
		return rc;
	if (admin_parse_time(cmd, "--accredited-from", from,
	    &in.accredited_from) != 0 || (until != NULL &&
	    admin_parse_time(cmd, "--accredited-until", until,
	    &in.accredited_until) != 0))
		return ADMIN_EXIT_USAGE;
	/* 0 is "no end date" to the operation: an end typed as 0 is refused. */
	if (until != NULL && in.accredited_until == 0)
		in.accredited_until = -1;
	/* Before the store is opened: a typing mistake touches nothing. */
	if (venue_add_check(&in, &v, &why) != ERR_NONE)
		return venue_refused(cmd, &why);
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = venue_add(&cx, &in, &v, &why);
	store_close(cx.s);
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	pn_iban_format(v.iban, iban_text);
	printf("venue %lld: %s, SIRET %s, IBAN %s, BIC %s\n", (long long)v.id,
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
venue_set_status_cmd(int argc, char **argv, bool suspend)
{
	const char *cmd = suspend ? "venue suspend" : "venue resume";
	const char *config = NULL;
	struct venue_status_in in = { NULL, suspend, NULL };
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "siret", &in.siret, true },
		{ "reason", &in.reason, suspend },
		{ NULL, NULL, false },
	};
	char canonical[PN_SIRET_LEN + 1];
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	int rc;

	if ((rc = admin_getopt(cmd, suspend ? "venue suspend --config FILE "
	    "--siret SIRET --reason TEXT" : "venue resume --config FILE "
	    "--siret SIRET", argc, argv, opts)) != 0)
		return rc;
	if (venue_status_check(&in, canonical, &why) != ERR_NONE)
		return admin_refused_usage(cmd, &why);
	if ((cx.s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = venue_set_status(&cx, &in, &why);
	store_close(cx.s);
	switch (code) {
	case ERR_NONE:
		printf("venue %s %s\n", canonical, suspend ? "suspended: it "
		    "cannot redeem vouchers until venue resume" : "active "
		    "again");
		return ADMIN_EXIT_OK;
	case ERR_VENUE_NOT_FOUND:
		fprintf(stderr, "passnum-admin %s: no venue with SIRET %s "
		    "(passnum-admin venue list shows them)\n", cmd, canonical);
		return ADMIN_EXIT_FAIL;
	default:
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
}

int
admin_venue(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (strcmp(sub, "add") == 0)
		return venue_add_cmd(argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return venue_list(argc - 1, argv + 1);
	if (strcmp(sub, "suspend") == 0)
		return venue_set_status_cmd(argc - 1, argv + 1, true);
	if (strcmp(sub, "resume") == 0)
		return venue_set_status_cmd(argc - 1, argv + 1, false);
	return admin_usage_error("venue", "expected add, list, suspend or "
	    "resume");
}
