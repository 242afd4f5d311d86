/* metrics.h -- counters for GET /metrics, in the Prometheus text format.
 *
 * Lock-free (C11 atomics): every request adds to its counters from
 * whichever worker thread served it.
 */
#ifndef PN_METRICS_H
#define PN_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Record one request to route (an index < ROUTES_MAX) answered with status. */
void metrics_request(unsigned route, unsigned status, double seconds);

/* Count n vouchers issued. */
void metrics_vouchers_issued(uint64_t n);

/*
 * Write every metric to out. route_names[i] names route i; n_routes of
 * them are listed.
 */
void metrics_write(FILE *out, const char *const *route_names, size_t n_routes);

/*
 * Whether address (numeric, as the server sees its peer) is one of allow,
 * numeric addresses separated by commas ([metrics] allow), compared as
 * addresses (an IPv4 address also matches its IPv4-mapped IPv6 form).
 */
bool metrics_address_allowed(const char *allow, const char *address);

#define METRICS_ROUTES_MAX 64

#endif
