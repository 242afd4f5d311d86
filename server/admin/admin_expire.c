/* admin_expire.c -- passnum-admin expire: outstanding vouchers past their last day.
 *
 *   expire --config FILE
 *
 * The rule (the programme's tolerance, then [redemption] offline_grace)
 * is the operation's, vouchers_expire() (voucher_expire.h). Safe to run
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
#include "voucher_expire.h"

int
admin_expire(int argc, char **argv)
{
	const char *cmd = "expire", *config = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ NULL, NULL, false },
	};
	char when[PN_TIME_TEXT_MAX], money[PN_MONEY_TEXT_MAX];
	struct vouchers_expire_out out;
	struct op_refusal why;
	struct store_job_run run;
	struct pn_error err;
	struct op_ctx cx = { 0 };
	struct config cfg;
	enum err_code code;
	int rc;

	if ((rc = admin_getopt(cmd, "expire --config FILE", argc, argv,
	    opts)) != 0)
		return rc;
	if ((cx.s = admin_open_config(cmd, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.cfg = &cfg;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = vouchers_expire(&cx, &out, &why);
	/* The run, for /admin/taches: a note, whatever its result. */
	run = (struct store_job_run){ "expire", cx.now, code == ERR_NONE, "",
	    "cli" };
	if (code == ERR_NONE) {
		pn_money_format(out.cents, money);
		(void)snprintf(run.summary, sizeof(run.summary), "%llu %s",
		    (unsigned long long)out.count, money);
	} else
		(void)snprintf(run.summary, sizeof(run.summary), "%s",
		    why.detail);
	if (store_job_run_add(cx.s, &run, &err) != 0)
		fprintf(stderr, "passnum-admin %s: recording the run: %s\n",
		    cmd, err.message);
	store_close(cx.s);
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	pn_time_format(out.before, when);
	printf("%llu voucher(s) expired (%s), outstanding and past their "
	    "last day before %s\n", (unsigned long long)out.count, money, when);
	return ADMIN_EXIT_OK;
}
