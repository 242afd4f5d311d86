/* worker.h -- what each HTTP worker thread owns: its database connection. */
#ifndef PN_WORKER_H
#define PN_WORKER_H

#include "config.h"
#include "passnum/error.h"
#include "store.h"

/* Call once before the server starts. Returns 0, or -1 with err. */
int worker_init(const struct config *cfg, struct pn_error *err);

/*
 * This thread's store, opened on first use and closed when the thread
 * ends. NULL with err when the database cannot be opened.
 */
struct store *worker_store(struct pn_error *err);

#endif
