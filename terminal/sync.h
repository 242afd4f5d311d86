/* sync.h -- bringing the server up to date: sessions declared, pending records sent, answers verified. */
#ifndef PN_TERM_SYNC_H
#define PN_TERM_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "anchor.h"
#include "context.h"
#include "journal.h"

/*
 * At most this many records per batch request, whatever max_batch says:
 * memory. A record costs about 5 KiB while its request is built and
 * answered (its struct journal_record, its JSON, the body): a scan that
 * starts with 200 records pending (then their receipts, anchor.h) peaks
 * at 1.9 MB of heap with 200 a request here and in ANCHOR_CHUNK, 0.8 MB
 * with 50 (valgrind --tool=massif).
 */
#define SYNC_CHUNK_MAX 50

enum sync_outcome {
	SYNC_DONE,		/* nothing left pending */
	SYNC_UNREACHABLE,	/* the server is away; records stay pending */
	SYNC_FAILED,		/* an answer could not be used; see err */
	SYNC_SUSPENDED,		/* the server suspended this terminal; records stay pending */
	SYNC_CLOCK		/* the clocks disagree (t->clock_refused, or the
				   answers' Date): nothing judged, records stay pending */
};

/* What became of one record posted alone (sync_post_record()). */
enum sync_post {
	SYNC_POST_ANSWERED,	/* the answer is stored: rec->state says which */
	SYNC_POST_NOT_SENT,	/* not one byte left: the server cannot have it */
	SYNC_POST_NO_ANSWER,	/* it may have arrived; no answer, or a 5xx */
	SYNC_POST_UNUSABLE,	/* an answer that cannot be used (err); still pending */
	SYNC_POST_SUSPENDED,	/* the terminal is suspended: nothing was judged */
	SYNC_POST_CLOCK,	/* the server refused the request's time: nothing
				   was judged, still pending (t->clock_refused) */
	SYNC_POST_ERROR		/* journal or memory (err) */
};

struct sync_stats {
	size_t sent;
	size_t accepted;
	size_t conflicts;
	size_t refused;
	size_t pending;		/* left pending at the end */
	size_t sessions;	/* sessions declared */
	size_t sessions_refused;	/* sessions the server refused */
	char session_refusal[PN_ERROR_MESSAGE_MAX];	/* the first, in French */
	struct anchor_stats receipts;	/* receipts sent back (anchor.h) */
};

/*
 * Apply the server's answer to one record: status and its JSON object
 * (a single answer, or one result of a batch). An acceptance or a
 * conflict needs a receipt that verifies against the trust bundle and
 * names this record; its value fills a typed record's. A suspended
 * terminal's answer is remembered and not stored, and so is a refusal of
 * the request's time (4005), which judged nothing: the record stays
 * pending, to be sent again once the clocks agree. Any other 4xx is a
 * refusal, stored with its code and the server's French message. The
 * refusals that depend on the server's view of time but judge the record
 * (4027 dated before the terminal's previous exchange, 4028 outside the
 * session's hours) are refusals like the others: the record's signed
 * time will not change, so sending it again cannot help.
 * Returns 0 when stored (rec updated), 1 when the answer cannot be used
 * and the record stays pending (err says why), 2 when the terminal is
 * suspended (the record as it was), 3 when the server refused the time
 * (the record as it was), -1 on a journal error.
 */
int sync_apply_answer(struct term *t, struct journal_record *rec, long status,
    const json_t *answer, struct pn_error *err);

/*
 * POST one record to /api/v1/redemptions and apply the answer. A typed
 * record is only ever sent so, never in a batch. err says why for every
 * outcome but SYNC_POST_ANSWERED and SYNC_POST_SUSPENDED.
 */
enum sync_post sync_post_record(struct term *t, struct journal_record *rec,
    struct pn_error *err);

/*
 * Declare one session to the server: 0 declared, 1 unreachable, 2 the
 * terminal is suspended, 3 the server refused the request's time (the
 * session stays to declare; t->clock_refused says which clock seems
 * off), -1 refused (err, in French with the server's message). A refusal
 * of the session itself (server_codes.h: a start too far back, 4026, an
 * unknown theme...) is for good: the journal marks the session refused
 * and sync stops declaring it. Anti-backdating (4026) is such a
 * refusal, never a clock disagreement: it only comes once the request's
 * time passed the window, the clocks within 5 minutes, and it judges the
 * session's start, which is fixed: declaring it again would only keep
 * it waiting forever, and let a backdated session linger unrefused.
 */
int sync_declare_session(struct term *t, const struct journal_session *s,
    struct pn_error *err);

/*
 * Refresh the trust bundle and deny list, declare undeclared sessions,
 * then send every pending record: typed ones one by one, scanned ones in
 * batches; then keep the server's checkpoint and send back the receipts
 * it has not confirmed (anchor_run()). A terminal remembered suspended
 * asks first whether it still is. st may be NULL.
 */
enum sync_outcome sync_run(struct term *t, struct sync_stats *st,
    struct pn_error *err);

#endif
