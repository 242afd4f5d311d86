/* admin_expire.c -- passnum-admin expire: outstanding vouchers past their last day.
 *
 *   expire --config FILE
 *
 * A voucher's expiry already holds its programme's tolerance (validity
 * "year-end+31": the 31 days after 31 December). A voucher is marked
 * expired only once it is also older than [redemption] offline_grace: a
 * terminal may still sync a record it took offline on the voucher's last
 * day, and that record must find the voucher outstanding. Safe to run
 * daily from cron, and while passnumd runs: a second run on the same day
 * changes nothing and writes nothing.
 */
#include <stdio.h>
#include <time.h>

#include "passnum/money.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "config.h"
#include "store.h"

int
admin_expire(int argc, char **argv)
{
	const char *cmd = "expire", *config = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ NULL, NULL, false },
	};
	char when[PN_TIME_TEXT_MAX], money[PN_MONEY_TEXT_MAX];
	int64_t now = (int64_t)time(NULL), before, cents;
	struct config cfg;
	struct pn_error err;
	struct store *s;
	uint64_t count;
	int rc;

	if ((rc = admin_getopt(cmd, "expire --config FILE", argc, argv,
	    opts)) != 0)
		return rc;
	if ((s = admin_open_config(cmd, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	before = now - (int64_t)cfg.redemption.offline_grace;
	rc = store_expire(s, before, now, ADMIN_ACTOR, &count, &cents, &err);
	store_close(s);
	if (rc != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
	pn_time_format(before, when);
	pn_money_format(cents, money);
	printf("%llu voucher(s) expired (%s), outstanding and past their "
	    "last day before %s\n", (unsigned long long)count, money, when);
	return ADMIN_EXIT_OK;
}
