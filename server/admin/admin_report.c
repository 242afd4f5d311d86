/* admin_report.c -- passnum-admin report: the funder's report as CSV, the dashboard as text or CSV.
 *
 *   report funder --config FILE [--programme ID] [--out FILE]
 *   report dashboard --config FILE [--programme ID]
 *       [--periode P | --du DAY --au DAY] [--csv]
 *
 * Every programme, or the one given, by issuing agency and by the
 * beneficiaries' commune, with totals: the file GET /compta/bilan.csv
 * serves (report_csv.h, docs/report.md). Written to standard output, or
 * to a new file (an existing one is left alone). Read-only: safe while
 * passnumd runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "admin.h"
#include "passnum/fileio.h"
#include "config.h"
#include "dashboard.h"
#include "report.h"
#include "report_csv.h"
#include "store.h"

#define USAGE "report funder --config FILE [--programme ID] [--out FILE]\n" \
	"       report dashboard --config FILE [--programme ID] " \
	"[--periode P | --du DAY --au DAY] [--csv]"
#define USAGE_DASHBOARD "report dashboard --config FILE [--programme ID] " \
	"[--periode P | --du DAY --au DAY] [--csv]"

static int
report_funder(int argc, char **argv)
{
	const char *cmd = "report funder", *config = NULL, *programme = NULL;
	const char *out = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "programme", &programme, false },
		{ "out", &out, false },
		{ NULL, NULL, false },
	};
	struct report *r = NULL;
	struct pn_error err;
	struct store *s;
	uint64_t id = 0;
	size_t len;
	char *csv;
	int rc;

	if ((rc = admin_getopt(cmd, USAGE, argc, argv, opts)) != 0)
		return rc;
	if (programme != NULL &&
	    (pn_parse_u64(programme, INT64_MAX, &id) != 0 || id == 0))
		return admin_usage_error(cmd, "--programme: '%s' is not a "
		    "programme number", programme);
	if (out != NULL && out[0] == '\0')
		return admin_usage_error(cmd, "--out: an empty file name");
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	rc = report_load(s, (int64_t)id, &r, &err);
	store_close(s);
	if (rc < 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
	if (rc == 1) {
		fprintf(stderr, "passnum-admin %s: no programme %llu\n", cmd,
		    (unsigned long long)id);
		return ADMIN_EXIT_FAIL;
	}
	rc = report_csv_write(r, &csv, &len, &err);
	report_free(r);
	if (rc != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
	if (out != NULL)
		rc = pn_file_write(out, csv, len, 0640, false, &err);
	else if (fwrite(csv, 1, len, stdout) != len || fflush(stdout) != 0)
		rc = pn_error_set(&err, PN_E_IO, "standard output: write "
		    "failed");
	free(csv);
	if (rc != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
	return ADMIN_EXIT_OK;
}

/* The latest programme, for a dashboard without --programme. */
static int
latest(void *ctx, const struct store_programme *p)
{
	*(int64_t *)ctx = p->id;
	return 0;
}

/* A figure of line l, or its mark when withheld. */
static const char *
figure(const struct dashboard *d, const struct dash_line *l, int64_t n,
    char *buf, size_t len)
{
	char mark[SMALL_COUNTS_MARK_MAX];

	if (l->state != SC_SHOWN)
		(void)snprintf(buf, len, "%s", small_counts_mark(l->state,
		    d->min_people, mark));
	else
		(void)snprintf(buf, len, "%lld", (long long)n);
	return buf;
}

static void
print_line(const struct dashboard *d, const struct dash_table *t,
    const struct dash_line *l)
{
	char p[32], i[32], u[32], c[32], r[DASH_RATE_MAX];

	printf("  %-40s %10s", l->label, figure(d, l, l->people, p,
	    sizeof(p)));
	if (t->by_issue)
		printf(" %10s", figure(d, l, l->issued, i, sizeof(i)));
	printf(" %10s", figure(d, l, l->used, u, sizeof(u)));
	if (l->state != SC_SHOWN)
		(void)snprintf(c, sizeof(c), "%s", u);
	else
		(void)snprintf(c, sizeof(c), "%lld.%02lld",
		    (long long)(l->used_cents / 100),
		    (long long)(l->used_cents % 100));
	printf(" %12s", c);
	if (t->by_issue)
		printf(" %8s", l->state != SC_SHOWN ? u :
		    dash_percent(l->used, l->issued, r));
	printf("\n");
}

/* The dashboard as text: the figures, then each table. */
static void
print_dashboard(const struct dashboard *d)
{
	const struct dash_vouchers *v = &d->v;
	char r[DASH_RATE_MAX], a[DASH_RATE_MAX];
	unsigned t;
	size_t k;

	printf("programme %lld, %s\nperiod: %s\n", (long long)d->programme_id,
	    d->programme_name, d->period.label);
	printf("budget: %lld cents, committed to date %lld, left %lld\n",
	    (long long)d->budget_cents, (long long)d->committed_to_date_cents,
	    (long long)(d->budget_cents - d->committed_to_date_cents));
	if (d->people_state != SC_SHOWN) {
		printf("fewer than %u people: figures withheld\n",
		    d->min_people);
		return;
	}
	printf("vouchers issued in the period: %lld (%lld cents)\n"
	    "  used %lld (%lld cents), of which paid %lld (%lld cents)\n"
	    "  outstanding %lld, expired %lld, cancelled %lld\n"
	    "  use rate %s, balanced: %s\n",
	    (long long)v->issued, (long long)v->issued_cents,
	    (long long)v->used, (long long)v->used_cents,
	    (long long)v->settled, (long long)v->settled_cents,
	    (long long)v->outstanding, (long long)v->expired,
	    (long long)v->cancelled, dash_percent(v->used, v->issued, r),
	    dash_vouchers_balanced(v) ? "yes" : "NO");
	printf("people reached %lld, who used a voucher %lld, vouchers used "
	    "per such person %s, median days to first use %lld\n",
	    (long long)d->people, (long long)d->people_using,
	    dash_ratio(v->used, d->people_using, a),
	    (long long)d->median_days);
	for (t = 0; t < DASH_TABLES; t++) {
		const struct dash_table *dt = &d->tables[t];

		printf("\n%s (people, %sused, amount used%s)\n", dt->title,
		    dt->by_issue ? "issued, " : "",
		    dt->by_issue ? ", use rate" : "");
		for (k = 0; k < dt->n; k++)
			print_line(d, dt, &dt->lines[k]);
		print_line(d, dt, &dt->total);
	}
}

static int
report_dashboard(int argc, char **argv)
{
	const char *cmd = "report dashboard", *config = NULL;
	const char *programme = NULL, *periode = NULL, *du = NULL, *au = NULL;
	const char *field;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "programme", &programme, false },
		{ "periode", &periode, false },
		{ "du", &du, false },
		{ "au", &au, false },
		{ NULL, NULL, false },
	};
	static struct config cfg;
	struct dash_period p;
	struct dashboard *d;
	struct pn_error err;
	struct store *s;
	int64_t id = 0;
	uint64_t given = 0;
	char msg[160], *csv;
	size_t len;
	int rc;

	bool as_csv = admin_take_flag(&argc, argv, "csv");

	if ((rc = admin_getopt(cmd, USAGE_DASHBOARD, argc, argv, opts)) != 0)
		return rc;
	if (programme != NULL &&
	    (pn_parse_u64(programme, INT64_MAX, &given) != 0 || given == 0))
		return admin_usage_error(cmd, "--programme: '%s' is not a "
		    "programme number", programme);
	if (dash_period_parse(periode, du, au, (int64_t)time(NULL), &p, &field,
	    msg, sizeof(msg)) != 0)
		return admin_usage_error(cmd, "--%s: %s", field, msg);
	if ((s = admin_open_config(cmd, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	id = (int64_t)given;
	if (id == 0 && store_programme_each(s, latest, &id, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	if (id == 0) {
		store_close(s);
		fprintf(stderr, "passnum-admin %s: no programme yet\n", cmd);
		return ADMIN_EXIT_FAIL;
	}
	rc = dashboard_load(s, id, &p, cfg.report.min_people,
	    (int64_t)time(NULL), &d, &err);
	if (rc < 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	if (rc == 1) {
		fprintf(stderr, "passnum-admin %s: no programme %lld\n", cmd,
		    (long long)id);
		return ADMIN_EXIT_FAIL;
	}
	if (!as_csv) {
		print_dashboard(d);
		dashboard_free(d);
		return fflush(stdout) == 0 ? ADMIN_EXIT_OK : ADMIN_EXIT_FAIL;
	}
	rc = dashboard_csv_write(d, DASH_TABLES, &csv, &len, &err);
	dashboard_free(d);
	if (rc != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
	rc = fwrite(csv, 1, len, stdout) == len && fflush(stdout) == 0;
	free(csv);
	return rc ? ADMIN_EXIT_OK : ADMIN_EXIT_FAIL;
}

int
admin_report(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (strcmp(sub, "funder") == 0)
		return report_funder(argc - 1, argv + 1);
	if (strcmp(sub, "dashboard") == 0)
		return report_dashboard(argc - 1, argv + 1);
	return admin_usage_error("report", "expected funder or dashboard; "
	    "usage: %s", USAGE);
}
