/* ui_report_csv.c -- GET /compta/bilan.csv: the funder's report as a CSV file to download.
 *
 * ?programme=ID for one programme, every programme without it; the file
 * is report_csv.c's, the same as passnum-admin report funder writes.
 */
#include <stdio.h>

#include "passnum/parse.h"
#include "report.h"
#include "report_csv.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

enum MHD_Result
ui_report_csv(struct http_request *req)
{
	const char *typed = http_request_query(req, "programme");
	struct report *r;
	struct pn_error err;
	struct store *s;
	char disposition[96], *csv;
	uint64_t id = 0;
	size_t len;
	int rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (typed != NULL && typed[0] != '\0' &&
	    (pn_parse_u64(typed, INT64_MAX, &id) != 0 || id == 0))
		return ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "programme");
	if ((rc = report_load(s, (int64_t)id, &r, &err)) < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (rc == 1)
		return ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "programme");
	rc = report_csv_write(r, &csv, &len, &err);
	report_free(r);
	if (rc != 0)
		return ui_error_page(req, ERR_INTERNAL, err.message);
	if (id != 0)
		(void)snprintf(disposition, sizeof(disposition), "attachment; "
		    "filename=\"bilan-programme-%llu.csv\"",
		    (unsigned long long)id);
	else
		(void)snprintf(disposition, sizeof(disposition), "attachment; "
		    "filename=\"bilan-programmes.csv\"");
	return http_reply_document(req, 200, "text/csv; charset=utf-8",
	    disposition, csv, len);
}
