/* bench.h -- timing helpers for the benchmarks: rates measured side by side.
 *
 * A figure is an operation (a callback that does one per call) run over
 * and over for a fixed wall time, measured with CLOCK_MONOTONIC. Figures
 * that are compared (a library call and the raw libsodium call it builds on)
 * are measured side by side in short interleaved slices, and each keeps the
 * best rate of its slices: on a small shared machine a slice can only be
 * slowed down by others, never sped up, so the best slices compare like
 * with like.
 *
 * The time of a round is BENCH_SECONDS_PER_ROUND seconds (default 0.2).
 * Unexpected states are fatal: a benchmark prints where and exits 2, so
 * that exit 1 keeps meaning "a target was missed".
 *
 * Everything here is static inline: the header is included by one program
 * at a time and the project compiles with -Wmissing-prototypes. It needs
 * the POSIX declarations (clock_gettime, sysconf) that the Makefile's
 * -D_DEFAULT_SOURCE provides.
 */
#ifndef PN_BENCH_H
#define PN_BENCH_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <sodium.h>

#include "passnum/passnum.h"

#define BENCH_ROUNDS		5	/* rounds per figure */
#define BENCH_SLICES		10	/* slices per round, taking turns */
#define BENCH_BATCH		64	/* calls between two clock readings */
#define BENCH_SECONDS_DEFAULT	0.2
#define BENCH_SECONDS_ENV	"BENCH_SECONDS_PER_ROUND"
#define BENCH_LABEL_WIDTH	26
#define BENCH_RATIO_WIDTH	22

/* One figure to measure. */
struct bench_rate {
	const char *label;	/* printed name: "voucher decode+verify" */
	int (*fn)(void *ctx);	/* one operation; 0 on success */
	void *ctx;		/* handed to fn on every call */
	double best;		/* best rate of its slices, operations/s */
};

/* Targets missed so far, for the verdict line that ends a benchmark. */
struct bench_verdict {
	unsigned missed;
	char what[512];		/* "voucher sign 0.85 < 0.90, ..." */
};

/* Print "prog: message" on stderr and exit 2. */
static inline void bench_fatalx(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static inline void
bench_fatalx(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Monotonic time in seconds. */
static inline double
bench_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		bench_fatalx("bench", "%s: clock_gettime failed", __func__);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Seconds per round: BENCH_SECONDS_PER_ROUND when set (0.001 .. 60),
 * else BENCH_SECONDS_DEFAULT. A value that is not a number is fatal.
 */
static inline double
bench_seconds_per_round(void)
{
	const char *s = getenv(BENCH_SECONDS_ENV);
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return BENCH_SECONDS_DEFAULT;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v) || v < 0.001 || v > 60)
		bench_fatalx("bench", "%s=\"%s\": expected seconds between "
		    "0.001 and 60", BENCH_SECONDS_ENV, s);
	return v;
}

/*
 * Call fn(ctx) repeatedly for about seconds of wall time and return the
 * rate in operations per second, or -1 as soon as a call fails (fn says
 * why). Batches grow from 1 to BENCH_BATCH calls so that a slow operation
 * does not overrun the slice by much; the rate divides the calls made by
 * the time they took, so an overrun does not bias it.
 */
static inline double
bench_run(int (*fn)(void *ctx), void *ctx, double seconds)
{
	double start = bench_now(), now;
	unsigned long long done = 0;
	unsigned batch = 1, i;

	do {
		for (i = 0; i < batch; i++)
			if (fn(ctx) != 0)
				return -1;
		done += batch;
		if (batch < BENCH_BATCH)
			batch *= 2;
		now = bench_now();
	} while (now - start < seconds);
	return (double)done / (now - start);
}

/*
 * Measure the n figures of rates side by side and keep in each its best
 * rate. Each of BENCH_ROUNDS rounds gives every figure seconds of time, cut
 * into BENCH_SLICES slices that take turns between the figures, the order
 * reversed at every turn (a b c, c b a, ...) so that none always runs
 * first. A shared virtual machine changes speed by a third every few tens
 * of milliseconds: slices that short let each figure's best one fall in a
 * fast period, where a longer run would average fast and slow. Each figure
 * is warmed up first. Returns 0, or -1 when an operation failed.
 */
static inline int
bench_interleave(struct bench_rate *const *rates, size_t n, double seconds)
{
	double slice = seconds / BENCH_SLICES;
	size_t i;
	int turn;

	for (i = 0; i < n; i++) {
		rates[i]->best = 0;
		if (bench_run(rates[i]->fn, rates[i]->ctx, slice) < 0)
			return -1;
	}
	for (turn = 0; turn < BENCH_ROUNDS * BENCH_SLICES; turn++) {
		for (i = 0; i < n; i++) {
			struct bench_rate *r = rates[turn % 2 == 0 ? i :
			    n - 1 - i];
			double rate = bench_run(r->fn, r->ctx, slice);

			if (rate < 0)
				return -1;
			if (rate > r->best)
				r->best = rate;
		}
	}
	return 0;
}

/* bench_interleave() of a raw figure and the one derived from it. */
static inline int
bench_pair(struct bench_rate *raw, struct bench_rate *derived, double seconds)
{
	struct bench_rate *rates[2] = { raw, derived };

	return bench_interleave(rates, 2, seconds);
}

/* Write rate rounded to a whole number, in groups of three: "26 812". */
static inline void
bench_format_rate(double rate, char *buf, size_t len)
{
	char digits[32];
	unsigned long long v = rate > 0 ? (unsigned long long)(rate + 0.5) : 0;
	size_t n, i, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", v);
	for (i = 0; i < n && o + 1 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ' ';
		buf[o++] = digits[i];
	}
	if (len > 0)
		buf[o] = '\0';
}

/* Print a figure alone: "  raw Ed25519 sign    28 512 /s". */
static inline void
bench_print_rate(const struct bench_rate *r)
{
	char rate[40];

	bench_format_rate(r->best, rate, sizeof(rate));
	printf("  %-*s %11s /s\n", BENCH_LABEL_WIDTH, r->label, rate);
}

/*
 * Print r with its ratio to base, introduced by what ("ratio to raw
 * verify"). With target > 0 the ratio must reach it: the line ends with
 * "ok" or "MISSED" and a miss is recorded in *verdict. With target <= 0
 * the ratio is for information only. Returns true unless a target missed.
 */
static inline bool
bench_print_ratio(const struct bench_rate *r, const struct bench_rate *base,
    const char *what, double target, struct bench_verdict *verdict)
{
	char rate[40], miss[128];
	double ratio = base->best > 0 ? r->best / base->best : 0;
	/* Shown truncated, so that a miss never prints as "0.90 < 0.90". */
	double shown = (double)(long long)(ratio * 100) / 100;
	size_t used;

	bench_format_rate(r->best, rate, sizeof(rate));
	printf("  %-*s %11s /s   %-*s %5.2f", BENCH_LABEL_WIDTH, r->label, rate,
	    BENCH_RATIO_WIDTH, what, shown);
	if (target <= 0) {
		printf("\n");
		return true;
	}
	if (ratio >= target) {
		printf("   (target >= %.2f)  ok\n", target);
		return true;
	}
	printf("   (target >= %.2f)  MISSED\n", target);
	verdict->missed++;
	snprintf(miss, sizeof(miss), "%s%s %.2f < %.2f",
	    verdict->missed > 1 ? ", " : "", r->label, shown, target);
	used = strlen(verdict->what);
	if (used + strlen(miss) < sizeof(verdict->what))
		memcpy(verdict->what + used, miss, strlen(miss) + 1);
	return false;
}

/*
 * Print the first lines of a benchmark: the program, the library versions,
 * the machine, and how figures are measured.
 */
static inline void
bench_print_header(const char *prog, double seconds)
{
	struct utsname u;
	char line[256], model[200] = "";
	FILE *f;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/* The CPU's name, where Linux tells it; the rest works without. */
	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			char *colon = strchr(line, ':');

			if (strncmp(line, "model name", 10) != 0 ||
			    colon == NULL)
				continue;
			colon += strspn(colon + 1, " \t") + 1;
			colon[strcspn(colon, "\n")] = '\0';
			if (strlen(colon) < sizeof(model))
				memcpy(model, colon, strlen(colon) + 1);
			break;
		}
		fclose(f);
	}
	if (uname(&u) != 0)
		memcpy(u.machine, "?", 2);
	printf("%s: passnum %s, libsodium %s\n", prog, PN_VERSION,
	    sodium_version_string());
	printf("  machine: %ld CPU%s online, %s%s%s\n", cpus,
	    cpus == 1 ? "" : "s", u.machine, model[0] != '\0' ? ", " : "",
	    model);
	printf("  %d rounds of %.2f s per figure, interleaved in slices of "
	    "%.0f ms, best slice kept\n", BENCH_ROUNDS, seconds,
	    seconds / BENCH_SLICES * 1000);
}

/*
 * Print the verdict line, "prog: all targets met" or "prog: TARGET
 * MISSED: ...", and return the exit status: 0, or 1 when a target missed.
 */
static inline int
bench_finish(const char *prog, const struct bench_verdict *verdict)
{
	if (verdict->missed == 0) {
		printf("%s: all targets met\n", prog);
		return 0;
	}
	printf("%s: TARGET MISSED: %s\n", prog, verdict->what);
	return 1;
}

#endif
