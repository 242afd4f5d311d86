/* statement_batch.h -- a batch's statements rendered on every CPU, kept in order. */
#ifndef PN_STATEMENT_BATCH_H
#define PN_STATEMENT_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "passnum/error.h"
#include "settlement.h"

#define STATEMENT_BATCH_MAX_THREADS 16

/*
 * What the caller does, on its own thread: read statement i (0..n-1),
 * keep its PDF (in order of i; the PDF is freed after), release what
 * read allocated. read and keep return 0, or -1 with err set.
 */
struct statement_batch_io {
	int (*read)(void *ctx, size_t i, struct statement *st,
	    struct pn_error *err);
	int (*keep)(void *ctx, size_t i, const struct statement *st,
	    const unsigned char *pdf, size_t len, struct pn_error *err);
	void (*release)(struct statement *st);
	void *ctx;
};

/*
 * Render n statements with statement_pdf_render() on one worker thread
 * per CPU, reading a few ahead. 0, or -1 with the first error (a
 * refused statement, or the caller's), after which nothing more is kept.
 */
int statement_batch_render(size_t n, const struct statement_batch_io *io,
    struct pn_error *err);

#endif
