/* routes.c -- the routing table of passnumd: every route, its method and handler. */
#include "api.h"
#include "http.h"

const struct http_route http_routes[] = {
	{ "GET", "/healthz", api_healthz },
	{ "GET", "/metrics", api_metrics },
};

const size_t http_routes_count = sizeof(http_routes) / sizeof(http_routes[0]);
