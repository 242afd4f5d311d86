/* metrics.c -- request counters and latency histogram, exported as Prometheus text. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>

#include "metrics.h"
#include "store.h"

/* The statuses passnumd answers with; anything else counts as "other". */
static const unsigned statuses[] = {
	200, 201, 204, 400, 401, 403, 404, 405, 408, 409, 413, 414, 429, 500,
	503,
};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds of the latency buckets, in seconds. */
static const double buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static atomic_uint_fast64_t requests[METRICS_ROUTES_MAX][NSTATUS + 1];
static atomic_uint_fast64_t latency[NBUCKETS + 1];	/* last: +Inf */
static atomic_uint_fast64_t latency_count;
/* Sum of latencies in microseconds: integers add atomically. */
static atomic_uint_fast64_t latency_sum_us;
static atomic_uint_fast64_t vouchers_issued;

static size_t
status_index(unsigned status)
{
	size_t i;

	for (i = 0; i < NSTATUS; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS;
}

void
metrics_request(unsigned route, unsigned status, double seconds)
{
	size_t b;

	if (route >= METRICS_ROUTES_MAX)
		route = METRICS_ROUTES_MAX - 1;
	atomic_fetch_add(&requests[route][status_index(status)], 1);
	for (b = 0; b < NBUCKETS && seconds > buckets[b]; b++)
		;
	atomic_fetch_add(&latency[b], 1);
	atomic_fetch_add(&latency_count, 1);
	atomic_fetch_add(&latency_sum_us, (uint64_t)(seconds * 1e6));
}

void
metrics_vouchers_issued(uint64_t n)
{
	atomic_fetch_add(&vouchers_issued, n);
}

void
metrics_write(FILE *out, const char *const *route_names, size_t n_routes)
{
	uint64_t cumulative = 0, groups, jobs;
	size_t r, s, b;

	fprintf(out, "# HELP passnum_http_requests_total HTTP requests "
	    "answered, by route and status.\n"
	    "# TYPE passnum_http_requests_total counter\n");
	for (r = 0; r < n_routes && r < METRICS_ROUTES_MAX; r++) {
		for (s = 0; s <= NSTATUS; s++) {
			uint64_t v = atomic_load(&requests[r][s]);

			if (v == 0)
				continue;
			if (s < NSTATUS)
				fprintf(out, "passnum_http_requests_total{route=\""
				    "%s\",status=\"%u\"} %llu\n", route_names[r],
				    statuses[s], (unsigned long long)v);
			else
				fprintf(out, "passnum_http_requests_total{route=\""
				    "%s\",status=\"other\"} %llu\n",
				    route_names[r], (unsigned long long)v);
		}
	}
	fprintf(out, "# HELP passnum_http_request_duration_seconds Time from "
	    "a request's first byte to its answer.\n"
	    "# TYPE passnum_http_request_duration_seconds histogram\n");
	for (b = 0; b <= NBUCKETS; b++) {
		cumulative += atomic_load(&latency[b]);
		if (b < NBUCKETS)
			fprintf(out, "passnum_http_request_duration_seconds_bucket"
			    "{le=\"%g\"} %llu\n", buckets[b],
			    (unsigned long long)cumulative);
		else
			fprintf(out, "passnum_http_request_duration_seconds_bucket"
			    "{le=\"+Inf\"} %llu\n",
			    (unsigned long long)cumulative);
	}
	fprintf(out, "passnum_http_request_duration_seconds_sum %.6f\n"
	    "passnum_http_request_duration_seconds_count %llu\n",
	    (double)atomic_load(&latency_sum_us) / 1e6,
	    (unsigned long long)atomic_load(&latency_count));
	fprintf(out, "# HELP passnum_vouchers_issued_total Vouchers issued "
	    "since the server started.\n"
	    "# TYPE passnum_vouchers_issued_total counter\n"
	    "passnum_vouchers_issued_total %llu\n",
	    (unsigned long long)atomic_load(&vouchers_issued));
	store_commit_counts(&groups, &jobs);
	fprintf(out, "# HELP passnum_commits_total Group commits (durable "
	    "transactions) since the server started.\n"
	    "# TYPE passnum_commits_total counter\n"
	    "passnum_commits_total %llu\n"
	    "# HELP passnum_commit_writes_total Writes (redemptions, "
	    "booklets, nonces...) those commits held.\n"
	    "# TYPE passnum_commit_writes_total counter\n"
	    "passnum_commit_writes_total %llu\n",
	    (unsigned long long)groups, (unsigned long long)jobs);
}

/* address as 16 bytes of IPv6, an IPv4 one mapped (::ffff:a.b.c.d). */
static bool
address_bytes(const char *address, uint8_t out[16])
{
	struct in_addr a4;

	if (inet_pton(AF_INET6, address, out) == 1)
		return true;
	if (inet_pton(AF_INET, address, &a4) != 1)
		return false;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &a4, 4);
	return true;
}

bool
metrics_address_allowed(const char *allow, const char *address)
{
	uint8_t peer[16], each[16];
	char item[64];
	const char *s, *e;
	size_t n;

	if (allow == NULL || address == NULL || !address_bytes(address, peer))
		return false;
	for (s = allow; *s != '\0'; s = *e == ',' ? e + 1 : e) {
		for (e = s; *e != '\0' && *e != ','; e++)
			;
		n = (size_t)(e - s);
		if (n == 0 || n >= sizeof(item))
			continue;
		memcpy(item, s, n);
		item[n] = '\0';
		if (address_bytes(item, each) && memcmp(peer, each, 16) == 0)
			return true;
	}
	return false;
}
