/* admin_report.c -- passnum-admin report: the funder's report as CSV.
 *
 *   report funder --config FILE [--programme ID] [--out FILE]
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

#include "passnum/parse.h"
#include "admin.h"
#include "passnum/fileio.h"
#include "report.h"
#include "report_csv.h"
#include "store.h"

#define USAGE "report funder --config FILE [--programme ID] [--out FILE]"

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

int
admin_report(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (strcmp(sub, "funder") == 0)
		return report_funder(argc - 1, argv + 1);
	return admin_usage_error("report", "expected funder; usage: %s",
	    USAGE);
}
