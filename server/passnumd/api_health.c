/* api_health.c -- GET /healthz and GET /metrics, for the operator's monitoring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "keyring.h"
#include "metrics.h"
#include "worker.h"

/*
 * A write that committed this recently vouches for the database; after
 * that, /healthz makes a small write of its own (docs/server.md,
 * "Monitoring").
 */
#define HEALTH_WRITE_FRESH_S	30

/*
 * Healthy when this worker's database connection answers and the
 * database can be written: a full disk or a read-only database is not ok.
 */
enum MHD_Result
api_healthz(struct http_request *req)
{
	struct pn_error err;
	struct store *s = worker_store(&err);

	if (s == NULL)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	if (store_write_health(s, HEALTH_WRITE_FRESH_S, &err) != 0)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "the "
		    "database cannot be written: %s", err.message);
	return http_reply_json(req, 200, json_pack("{s:s, s:i}", "status",
	    "ok", "schema", store_schema_version(s)));
}

/*
 * /metrics tells how busy the server is and which routes fail: only for
 * the addresses of [metrics] allow (loopback by default), or with the
 * token of [metrics] token_file.
 */
static bool
metrics_may_read(struct http_request *req)
{
	const char *h = http_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);

	if (metrics_address_allowed(http_request_config(req)->metrics.allow,
	    http_request_address(req)))
		return true;
	return h != NULL && strncmp(h, "Bearer ", 7) == 0 &&
	    keyring_metrics_token_ok(keyring_current(), h + 7);
}

enum MHD_Result
api_metrics(struct http_request *req)
{
	const char *const *names;
	enum MHD_Result rc;
	char *text = NULL;
	size_t len = 0, n;
	FILE *out;

	if (!metrics_may_read(req))
		return http_reply_error(req, ERR_METRICS_FORBIDDEN, "%s may not "
		    "read /metrics: add it to [metrics] allow, or send "
		    "'Authorization: Bearer' with the token of [metrics] "
		    "token_file", http_request_address(req));
	if ((out = open_memstream(&text, &len)) == NULL)
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
