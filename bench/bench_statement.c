/* bench_statement.c -- venues' statements rendered to PDF per second, small and large.
 *
 * Approval renders the statement of every venue of a settlement (2,000
 * venues in a large Département) inside its transaction, so a statement
 * must take milliseconds. Two figures, measured in interleaved slices:
 *   statement of 5      2 sessions, 5 vouchers: a typical small venue
 *   statement of 500    13 sessions of up to 40 vouchers, 11 pages
 * each the whole document, drawn, compressed and saved in memory. No
 * target: the figures are for information. Exit 2 when an operation
 * fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fixtures_statement.h"
#include "settlement.h"

#include "bench.h"

#define PROG		"bench_statement"

struct fixture {
	struct statement *st;
	size_t pdf_len;		/* of the last render, for the report */
};

/* The statement as PDF, in memory. */
static int
op_render(void *ctx)
{
	struct fixture *f = ctx;
	struct pn_error err;
	unsigned char *pdf;

	if (statement_pdf_render(f->st, &pdf, &f->pdf_len, &err) != 0) {
		fprintf(stderr, PROG ": statement_pdf_render: %s\n",
		    err.message);
		return -1;
	}
	free(pdf);
	return 0;
}

/* "  statement of 5   3 521 /s   0.28 ms, 2 185 bytes". */
static void
print(const struct bench_rate *r, const struct fixture *f)
{
	char rate[40];

	bench_format_rate(r->best, rate, sizeof(rate));
	printf("  %-*s %11s /s   %6.2f ms each, %zu bytes\n",
	    BENCH_LABEL_WIDTH, r->label, rate,
	    r->best > 0 ? 1000.0 / r->best : 0.0, f->pdf_len);
}

int
main(void)
{
	double seconds = bench_seconds_per_round();
	struct fixture small = { fx_statement(5, 3), 0 };
	struct fixture large = { fx_statement(500, 40), 0 };
	struct bench_verdict verdict = { 0, "" };
	struct bench_rate r_small = { "statement of 5 vouchers", op_render,
	    &small, 0 };
	struct bench_rate r_large = { "statement of 500 vouchers", op_render,
	    &large, 0 };
	struct bench_rate *rates[] = { &r_small, &r_large };

	if (small.st == NULL || large.st == NULL)
		bench_fatalx(PROG, "out of memory");
	bench_print_header(PROG, seconds);
	printf("venues' statements as PDF (informational)\n");
	fflush(stdout);
	if (bench_interleave(rates, 2, seconds) != 0)
		bench_fatalx(PROG, "an operation failed");
	print(&r_small, &small);
	print(&r_large, &large);
	printf("  a settlement of 2,000 venues of 5 vouchers: %.1f s of "
	    "rendering\n", r_small.best > 0 ? 2000 / r_small.best : 0.0);
	fx_statement_free(small.st);
	fx_statement_free(large.st);
	return bench_finish(PROG, &verdict);
}
