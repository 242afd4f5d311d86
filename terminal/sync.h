/* sync.h -- bringing the server up to date: sessions declared, pending records sent, answers verified. */
#ifndef PN_TERM_SYNC_H
#define PN_TERM_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "context.h"
#include "journal.h"

/* At most this many records per batch request, whatever max_batch says: memory. */
#define SYNC_CHUNK_MAX 200

enum sync_outcome {
	SYNC_DONE,		/* nothing left pending */
	SYNC_UNREACHABLE,	/* the server is away; records stay pending */
	SYNC_FAILED		/* an answer could not be used; see err */
};

struct sync_stats {
	size_t sent;
	size_t accepted;
	size_t conflicts;
	size_t refused;
	size_t pending;		/* left pending at the end */
	size_t sessions;	/* sessions declared */
};

/*
 * Apply the server's answer to one record: status and its JSON object
 * (a single answer, or one result of a batch). An acceptance or a
 * conflict needs a receipt that verifies against the trust bundle and
 * names this record; any other 4xx is a refusal, stored with its code.
 * Returns 0 when stored (rec updated), 1 when the answer cannot be used
 * and the record stays pending (err says why), -1 on a journal error.
 */
int sync_apply_answer(struct term *t, struct journal_record *rec, long status,
    const json_t *answer, struct pn_error *err);

/* Declare one session to the server: 0 declared, 1 unreachable, -1 refused (err). */
int sync_declare_session(struct term *t, const struct journal_session *s,
    struct pn_error *err);

/*
 * Refresh the trust bundle and deny list, declare undeclared sessions,
 * then send every pending record in batches. st may be NULL.
 */
enum sync_outcome sync_run(struct term *t, struct sync_stats *st,
    struct pn_error *err);

#endif
