/* admin_dispute.c -- passnum-admin dispute: hold a redemption out of settlement, or let it go.
 *
 *   dispute open    --config FILE --serial N --as LOGIN --reason TEXT
 *   dispute resolve --config FILE --id N --as LOGIN (--uphold|--dismiss) TEXT
 *   dispute list    --config FILE [--open]
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/money.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "dispute.h"

static int
print_dispute(void *ctx, const struct store_dispute *d)
{
	char money[PN_MONEY_TEXT_MAX], when[PN_TIME_TEXT_MAX];

	(void)ctx;
	pn_money_format(d->value, money);
	pn_time_format_paris(d->session_starts_at, when);
	printf("%lld\tvoucher %llu\t%s\t%s\tsession %s\t%s\topened by %s: %s",
	    (long long)d->id, (unsigned long long)d->serial, money,
	    d->venue_name, when, d->resolution[0] != '\0' ? d->resolution :
	    "open", d->opened_by_login, d->reason);
	if (d->resolution[0] != '\0')
		printf("\t%s by %s: %s", d->resolution, d->resolved_by_login,
		    d->resolution_note);
	putchar('\n');
	return 0;
}

int
admin_dispute(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	const char *config = NULL, *serial = NULL, *id = NULL, *as = NULL,
	    *reason = NULL, *uphold = NULL, *dismiss = NULL, *open_only = NULL;
	struct admin_opt opts[6] = { { "config", &config, true } };
	char cmd[32], usage[160];
	struct store_principal who;
	struct config cfg;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	uint64_t n;
	int64_t dispute_id = 0;
	enum err_code rc;
	int r;

	(void)snprintf(cmd, sizeof(cmd), "dispute %s", sub);
	if (strcmp(sub, "open") == 0) {
		opts[1] = (struct admin_opt){ "serial", &serial, true };
		opts[2] = (struct admin_opt){ "as", &as, true };
		opts[3] = (struct admin_opt){ "reason", &reason, true };
		(void)snprintf(usage, sizeof(usage), "dispute open --config "
		    "FILE --serial N --as LOGIN --reason TEXT");
	} else if (strcmp(sub, "resolve") == 0) {
		opts[1] = (struct admin_opt){ "id", &id, true };
		opts[2] = (struct admin_opt){ "as", &as, true };
		opts[3] = (struct admin_opt){ "uphold", &uphold, false };
		opts[4] = (struct admin_opt){ "dismiss", &dismiss, false };
		(void)snprintf(usage, sizeof(usage), "dispute resolve --config "
		    "FILE --id N --as LOGIN (--uphold NOTE | --dismiss NOTE)");
	} else if (strcmp(sub, "list") == 0) {
		opts[1] = (struct admin_opt){ "open", &open_only, false };
		(void)snprintf(usage, sizeof(usage), "dispute list --config "
		    "FILE [--open yes]");
	} else
		return admin_usage_error("dispute", "expected open, resolve or "
		    "list");
	if ((r = admin_getopt(cmd, usage, argc - 1, argv + 1, opts)) != 0)
		return r;
	if (strcmp(sub, "resolve") == 0 && (uphold == NULL) == (dismiss == NULL))
		return admin_usage_error(cmd, "usage: %s", usage);
	if (serial != NULL && pn_parse_u64(serial, INT64_MAX, &n) != 0)
		return admin_usage_error(cmd, "--serial: a voucher's serial "
		    "number");
	if (id != NULL && pn_parse_u64(id, INT64_MAX, &n) != 0)
		return admin_usage_error(cmd, "--id: a dispute's number");
	if ((s = admin_open_config(cmd, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (strcmp(sub, "list") == 0) {
		if (store_dispute_each(s, open_only != NULL, 1000,
		    print_dispute, NULL, &err) != 0)
			return admin_store_fail(cmd, &err, s);
		store_close(s);
		return ADMIN_EXIT_OK;
	}
	if ((r = admin_person(cmd, s, &cfg, as, &who)) != 0) {
		store_close(s);
		return r;
	}
	cx = (struct op_ctx){ s, &cfg, NULL, &who, (int64_t)time(NULL), NULL };
	if (strcmp(sub, "open") == 0)
		rc = dispute_open(&cx, n, reason, &dispute_id, &why);
	else {
		dispute_id = (int64_t)n;
		rc = dispute_resolve(&cx, dispute_id, uphold != NULL,
		    uphold != NULL ? uphold : dismiss, &why);
	}
	store_close(s);
	if (rc != ERR_NONE)
		return admin_settle_refused(cmd, rc, why.detail);
	if (strcmp(sub, "open") == 0)
		printf("dispute %lld opened on voucher %s: its session is held "
		    "out of settlement until resolved\n", (long long)dispute_id,
		    serial);
	else
		printf("dispute %lld %s\n", (long long)dispute_id,
		    uphold != NULL ? "upheld: the redemption will not be paid" :
		    "dismissed: the redemption is payable again");
	return ADMIN_EXIT_OK;
}
