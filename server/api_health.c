/* api_health.c -- GET /healthz and GET /metrics, for the operator's monitoring. */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "metrics.h"
#include "worker.h"

/* Healthy when this worker's database connection answers. */
enum MHD_Result
api_healthz(struct http_request *req)
{
	struct pn_error err;
	struct store *s = worker_store(&err);

	if (s == NULL)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	return http_reply_json(req, 200, json_pack("{s:s, s:i}", "status",
	    "ok", "schema", store_schema_version(s)));
}

enum MHD_Result
api_metrics(struct http_request *req)
{
	const char *const *names;
	enum MHD_Result rc;
	char *text = NULL;
	size_t len = 0, n;
	FILE *out = open_memstream(&text, &len);

	if (out == NULL)
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	names = http_route_names(req, &n);
	metrics_write(out, names, n);
	if (fclose(out) != 0) {
		free(text);
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	}
	rc = http_reply_text(req, 200, "text/plain; version=0.0.4", text, len);
	free(text);
	return rc;
}
