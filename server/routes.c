/* routes.c -- the routing table of passnumd: every route, its handler and its roles. */
#include "api.h"
#include "http.h"
#include "store.h"

#define STAFF (ROLE_CASEWORKER | ROLE_ADMIN)

const struct http_route http_routes[] = {
	{ "GET",  "/healthz",			api_healthz,		0 },
	{ "GET",  "/metrics",			api_metrics,		0 },
	{ "GET",  "/api/v1/trust",		api_trust,		0 },
	{ "POST", "/api/v1/booklets",		api_booklet_issue,	STAFF },
	{ "GET",  "/api/v1/booklets/{}.pdf",	api_booklet_pdf,	STAFF },
	{ "GET",  "/api/v1/booklets/{}",	api_booklet_get,	STAFF },
	{ "POST", "/api/v1/booklets/{}/cancel",	api_booklet_cancel,	STAFF },
	{ "GET",  "/api/v1/vouchers",		api_voucher_find,	STAFF },
	{ "GET",  "/api/v1/vouchers/{}",	api_voucher_get,	STAFF },
	{ "POST", "/api/v1/vouchers/{}/cancel",	api_voucher_cancel,	STAFF },
	{ "GET",  "/api/v1/denylist",		api_denylist,		0 },
};

const size_t http_routes_count = sizeof(http_routes) / sizeof(http_routes[0]);
