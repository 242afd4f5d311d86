/* redeemload.c -- pn-redeemload: one terminal redeeming many vouchers at once, for tests and benchmarks.
 *
 *   pn-redeemload --url http://127.0.0.1:PORT --key SKFILE --terminal N
 *       --session HEX --codes FILE [--connections C] [--out FILE] [--batch]
 *       [--rate R] [--times FILE]
 *
 * Every code of FILE (one voucher text a line) becomes a signed record,
 * sent as its own signed POST /api/v1/redemptions over C keep-alive
 * connections at once; with --batch, all of them in one POST
 * /api/v1/redemptions/batch. Requests are built and signed before the
 * clock starts, so that what is timed is the server. --out gets one line
 * per record: "INDEX STATUS REDEMPTION_ID OUTCOME_OR_CODE" (with --batch,
 * the answer's body as it came). stdout gets
 * one summary line: count, seconds, rate, p50 and p99 in ms, and the
 * count of each status. Exit 0 when every request got an answer, 1 when
 * one failed at the transport level, 2 on wrong arguments.
 *
 * With --rate, the load is open: request i is due R times a second from
 * the start (i / R s), whatever the answers to the others, and its
 * latency counts from when it was due, so that a server stalled for a
 * while is seen in every request that came due meanwhile, not only in the
 * one each connection had in flight. --times gets one line per request:
 * "DUE_MS LATENCY_MS STATUS", DUE_MS the Unix time in milliseconds it was
 * due (or sent, without --rate), for a caller that picks a time window.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/parse.h"
#include "passnum/passnum.h"
#include "passnum/redemption.h"
#include "passnum/request.h"

struct request {
	char *text;			/* the whole HTTP request */
	size_t len;
	char id[33];			/* the record's redemption_id */
	unsigned status;		/* 0: no answer */
	char what[40];			/* outcome, or error code */
	char *body;			/* the answer's body (--batch) */
	double ms;
	double sent;			/* Unix time, ms: due, or sent */
};

struct load {
	struct sockaddr_in addr;
	struct request *reqs;
	size_t n;
	atomic_size_t next;
	atomic_uint failures;
	double rate;			/* requests a second; 0: closed loop */
	double start;			/* now_ms() at the start */
	double start_unix;		/* the same instant, Unix time in ms */
};

static int
usage(const char *why)
{
	fprintf(stderr, "pn-redeemload: %s\nusage: pn-redeemload --url "
	    "http://127.0.0.1:PORT --key SKFILE --terminal N --session HEX "
	    "--codes FILE [--connections C] [--out FILE] [--batch] [--rate R] "
	    "[--times FILE]\n", why);
	return 2;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
unix_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sleep until now_ms() reaches t. */
static void
sleep_until(double t)
{
	double wait = t - now_ms();
	struct timespec ts;

	if (wait <= 0)
		return;
	ts.tv_sec = (time_t)(wait / 1e3);
	ts.tv_nsec = (long)((wait - (double)ts.tv_sec * 1e3) * 1e6);
	(void)nanosleep(&ts, NULL);
}

/* Build a signed request of body (taken over) to path. */
static int
build(struct request *r, const uint8_t sk[64], uint64_t terminal,
    const char *path, char *body)
{
	char nonce[PN_NONCE_HEX], sig_hex[PN_SIG_HEX];
	uint8_t sig[64];
	int64_t at = (int64_t)time(NULL);
	size_t len = strlen(body);
	FILE *f;

	pn_nonce_new(nonce);
	if (pn_request_sign(sig, sk, "POST", path, at, nonce, body, len) != 0)
		return -1;
	pn_hex_encode(sig, 64, sig_hex);
	if ((f = open_memstream(&r->text, &r->len)) == NULL)
		return -1;
	fprintf(f, "POST %s HTTP/1.1\r\nHost: passnum\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n" PN_HDR_TERMINAL
	    ": %llu\r\n" PN_HDR_TIME ": %lld\r\n" PN_HDR_NONCE ": %s\r\n"
	    PN_HDR_SIGNATURE ": %s\r\n\r\n%s", path, len,
	    (unsigned long long)terminal, (long long)at, nonce, sig_hex, body);
	free(body);
	return fclose(f);
}

static json_t *
record_json(const uint8_t sk[64], uint64_t terminal, const uint8_t session[16],
    const char *code, uint64_t counter, char id_hex[33])
{
	struct pn_redemption r;

	memset(&r, 0, sizeof(r));
	randombytes_buf(r.id, sizeof(r.id));
	r.terminal = terminal;
	memcpy(r.session, session, 16);
	r.terminal_time = (int64_t)time(NULL);
	r.counter = counter;
	if (strlen(code) > PN_REDEMPTION_TEXT_MAX)
		return NULL;
	memcpy(r.voucher, code, strlen(code) + 1);
	if (pn_redemption_sign(&r, sk) != 0)
		return NULL;
	pn_hex_encode(r.id, 16, id_hex);
	return pn_redemption_to_json(&r);
}

static int
connect_to(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Send r on fd and read its answer: status, and the outcome or code of
 * its body. A growing buffer holds the answer (a batch's is large).
 * 0, or -1 when the connection failed.
 */
static int
exchange(int fd, struct request *r, char **buf, size_t *cap)
{
	size_t off = 0, sent = 0, want = 0;
	const char *hdr_end, *cl, *p;
	ssize_t k;

	while (sent < r->len) {
		if ((k = write(fd, r->text + sent, r->len - sent)) <= 0)
			return -1;
		sent += (size_t)k;
	}
	for (;;) {
		if (off + 1 >= *cap) {
			char *grown = realloc(*buf, *cap * 2);

			if (grown == NULL)
				return -1;
			*buf = grown;
			*cap *= 2;
		}
		if ((k = read(fd, *buf + off, *cap - off - 1)) <= 0)
			return -1;
		off += (size_t)k;
		(*buf)[off] = '\0';
		if ((hdr_end = strstr(*buf, "\r\n\r\n")) == NULL)
			continue;
		if (want == 0) {
			/* passnumd's (libmicrohttpd's) spelling. */
			cl = strstr(*buf, "\r\nContent-Length:");
			if (cl == NULL || cl > hdr_end)
				return -1;
			want = (size_t)(hdr_end + 4 - *buf) +
			    strtoul(cl + 17, NULL, 10);
		}
		if (off >= want)
			break;
	}
	r->status = (unsigned)strtoul(*buf + 9, NULL, 10);
	free(r->body);
	r->body = strdup(hdr_end + 4);
	if ((p = strstr(hdr_end, "\"outcome\":\"")) != NULL)
		(void)sscanf(p + 11, "%39[a-z]", r->what);
	else if ((p = strstr(hdr_end, "\"code\":")) != NULL)
		(void)sscanf(p + 7, "%39[0-9]", r->what);
	return 0;
}

static void *
worker(void *arg)
{
	struct load *l = arg;
	size_t cap = 65536, i;
	char *buf = malloc(cap);
	int fd = -1;
	double t0;

	while (buf != NULL && (i = atomic_fetch_add(&l->next, 1)) < l->n) {
		struct request *r = &l->reqs[i];

		if (fd < 0 && (fd = connect_to(&l->addr)) < 0) {
			atomic_fetch_add(&l->failures, 1);
			continue;
		}
		if (l->rate > 0) {
			/* Due at its time, late or not: the wait counts. */
			t0 = l->start + (double)i * 1e3 / l->rate;
			sleep_until(t0);
		} else
			t0 = now_ms();
		r->sent = l->start_unix + (t0 - l->start);
		if (exchange(fd, r, &buf, &cap) != 0) {
			atomic_fetch_add(&l->failures, 1);
			close(fd);
			fd = -1;
			continue;
		}
		r->ms = now_ms() - t0;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int
by_ms(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	const char *url = NULL, *key = NULL, *session_hex = NULL, *codes = NULL;
	const char *out = NULL, *times = NULL;
	unsigned conns = 1, n_200 = 0, n_409 = 0, n_other = 0;
	uint64_t terminal = 0, port;
	uint8_t sk[64], session[16];
	char line[1024], sk_hex[129], host[64];
	struct load l;
	pthread_t *th;
	double t0, secs, *ms;
	size_t i, n_ms = 0, cap = 1024;
	bool batch = false;
	FILE *f;

	memset(&l, 0, sizeof(l));
	for (i = 1; i < (size_t)argc; i++) {
		const char *v = i + 1 < (size_t)argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--batch") == 0) {
			batch = true;
			continue;
		}
		if (v == NULL)
			return usage("an option lacks its value");
		if (strcmp(argv[i], "--url") == 0)
			url = v;
		else if (strcmp(argv[i], "--key") == 0)
			key = v;
		else if (strcmp(argv[i], "--terminal") == 0)
			terminal = strtoull(v, NULL, 10);
		else if (strcmp(argv[i], "--session") == 0)
			session_hex = v;
		else if (strcmp(argv[i], "--codes") == 0)
			codes = v;
		else if (strcmp(argv[i], "--connections") == 0)
			conns = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(argv[i], "--out") == 0)
			out = v;
		else if (strcmp(argv[i], "--times") == 0)
			times = v;
		else if (strcmp(argv[i], "--rate") == 0)
			l.rate = strtod(v, NULL);
		else
			return usage(argv[i]);
		i++;
	}
	if (url == NULL || key == NULL || terminal == 0 || session_hex == NULL ||
	    codes == NULL || conns == 0 || conns > 1024 || l.rate < 0 ||
	    pn_init() != 0)
		return usage("missing or wrong options");
	if (sscanf(url, "http://%63[0-9.]:%llu", host,
	    (unsigned long long *)&port) != 2 || port > 65535)
		return usage("--url: http://127.0.0.1:PORT expected");
	l.addr.sin_family = AF_INET;
	l.addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &l.addr.sin_addr) != 1)
		return usage("--url: a numeric IPv4 address expected");
	if (!pn_hex_decode(session_hex, session, 16))
		return usage("--session: 32 hex digits expected");
	if ((f = fopen(key, "r")) == NULL || fscanf(f, "%128s", sk_hex) != 1 ||
	    !pn_hex_decode(sk_hex, sk, 64))
		return usage("--key: a file written by pn-termsign keygen");
	fclose(f);
	if ((f = fopen(codes, "r")) == NULL)
		return usage("--codes: cannot read the file");
	l.reqs = calloc(cap, sizeof(*l.reqs));
	{
		json_t *all = json_array();
		char *body;

		while (l.reqs != NULL && fgets(line, sizeof(line), f) != NULL) {
			json_t *rec;

			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] == '\0')
				continue;
			if (l.n == cap) {
				struct request *grown = realloc(l.reqs,
				    2 * cap * sizeof(*l.reqs));

				if (grown == NULL)
					return 1;
				memset(grown + cap, 0, cap * sizeof(*l.reqs));
				l.reqs = grown;
				cap *= 2;
			}
			rec = record_json(sk, terminal, session, line, l.n + 1,
			    l.reqs[l.n].id);
			if (rec == NULL)
				return 1;
			if (batch) {
				json_array_append_new(all, rec);
			} else {
				body = json_dumps(rec, JSON_COMPACT);
				json_decref(rec);
				if (body == NULL || build(&l.reqs[l.n], sk,
				    terminal, "/api/v1/redemptions", body) != 0)
					return 1;
			}
			l.n++;
		}
		fclose(f);
		if (batch) {
			json_t *doc = json_pack("{s:o}", "records", all);

			body = doc != NULL ? json_dumps(doc, JSON_COMPACT) :
			    NULL;
			json_decref(doc);
			if (body == NULL || build(&l.reqs[0], sk, terminal,
			    "/api/v1/redemptions/batch", body) != 0)
				return 1;
		} else
			json_decref(all);
	}
	if (l.reqs == NULL || l.n == 0)
		return usage("--codes: no code in the file");
	{
		size_t records = l.n;

		if (batch) {
			l.n = 1;
			conns = 1;
		}
		if ((th = calloc(conns, sizeof(*th))) == NULL)
			return 1;
		t0 = now_ms();
		l.start = t0;
		l.start_unix = unix_ms();
		for (i = 0; i < conns; i++)
			if (pthread_create(&th[i], NULL, worker, &l) != 0)
				return 1;
		for (i = 0; i < conns; i++)
			pthread_join(th[i], NULL);
		secs = (now_ms() - t0) / 1e3;
		if ((ms = calloc(l.n, sizeof(*ms))) == NULL)
			return 1;
		for (i = 0; i < l.n; i++) {
			if (l.reqs[i].status == 200)
				n_200++;
			else if (l.reqs[i].status == 409)
				n_409++;
			else
				n_other++;
			if (l.reqs[i].status != 0)
				ms[n_ms++] = l.reqs[i].ms;
		}
		qsort(ms, n_ms, sizeof(*ms), by_ms);
		if (out != NULL && batch && (f = fopen(out, "w")) != NULL) {
			fputs(l.reqs[0].body != NULL ? l.reqs[0].body : "", f);
			fclose(f);
		} else if (out != NULL && (f = fopen(out, "w")) != NULL) {
			for (i = 0; i < l.n; i++)
				fprintf(f, "%zu %u %s %s\n", i,
				    l.reqs[i].status, l.reqs[i].id,
				    l.reqs[i].what[0] ? l.reqs[i].what : "-");
			fclose(f);
		}
		if (times != NULL && (f = fopen(times, "w")) != NULL) {
			for (i = 0; i < l.n; i++)
				fprintf(f, "%.3f %.3f %u\n", l.reqs[i].sent,
				    l.reqs[i].ms, l.reqs[i].status);
			fclose(f);
		}
		printf("requests %zu records %zu seconds %.3f rate %.1f "
		    "p50_ms %.2f p99_ms %.2f status_200 %u status_409 %u "
		    "other %u failed %u\n", l.n, records, secs,
		    (double)(batch ? records : l.n) / secs,
		    n_ms ? ms[n_ms / 2] : 0.0,
		    n_ms ? ms[(size_t)((double)n_ms * 0.99)] : 0.0,
		    n_200, n_409, n_other, atomic_load(&l.failures));
		free(ms);
		free(th);
	}
	for (i = 0; i < cap && l.reqs != NULL; i++) {
		free(l.reqs[i].text);
		free(l.reqs[i].body);
	}
	free(l.reqs);
	return atomic_load(&l.failures) ? 1 : 0;
}
