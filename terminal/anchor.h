/* anchor.h -- the server's signed checkpoints kept, and this terminal's receipts sent back until a checkpoint anchors them.
 *
 * A server that loses part of its database (a damaged WAL, a restore from
 * an older backup) forgets redemptions it had accepted: their vouchers are
 * "issued" again, and could be paid twice. This terminal holds the
 * server's signed receipt of each of them. At each sync it:
 *
 * 1. fetches the server's latest checkpoint (GET /api/v1/checkpoint),
 *    verifies it against the trust bundle and keeps it when it is new; a
 *    checkpoint that shows the server holding less than the one kept (an
 *    older number, another text under the same number, or fewer audit
 *    rows, redemptions or serials under a newer one) means the server lost
 *    data: said in French, and every receipt is sent again;
 * 2. sends every accepted record not anchored yet, with its receipt and
 *    session, to POST /api/v1/terminal/receipts (ANCHOR_CHUNK at a
 *    time); the server answers known or restored (then the record is
 *    confirmed at the answer's server_time), conflict or unrestorable (the
 *    voucher was taken again since, or cannot be put back: the Département
 *    is warned by an integrity alarm), or refused.
 *
 * A record is anchored once a checkpoint held is dated after one
 * confirmation and before the next, which said it known: the record was in
 * the server's database throughout (only this terminal can put it back,
 * and it would have been told "restored"), so that checkpoint includes it.
 * Kept outside the server's database (its history file, its copy, the
 * log, and the terminals), that checkpoint makes a later loss of it seen
 * by the server itself at start. Anchored records are not sent again,
 * unless a later checkpoint shows a loss. A checkpoint merely dated after
 * a confirmation is not enough: one made after a loss is, and does not
 * hold what was lost.
 */
#ifndef PN_TERM_ANCHOR_H
#define PN_TERM_ANCHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/checkpoint.h"
#include "passnum/error.h"

struct term;

/*
 * How many receipts one request sends, at most. The server takes 200;
 * fewer keep the terminal's memory small, as SYNC_CHUNK_MAX (sync.h): a
 * scan that starts with 200 receipts to send peaks at 1.9 MB of heap with
 * 200 a request, 0.8 MB with 50 (valgrind --tool=massif).
 */
#define ANCHOR_CHUNK 50

/* What a sync's receipts step did, for the sync's summary. */
struct anchor_stats {
	bool checkpoint;		/* the server's checkpoint verified */
	uint64_t seq;			/* ... its number */
	bool server_lost;		/* it shows the server lost data */
	char lost[400];			/* that, in French */
	bool unsupported;		/* a server without these routes */
	size_t sent;			/* receipts sent */
	size_t confirmed;		/* known or restored */
	size_t restored;		/* lost by the server, put back */
	size_t conflicts;		/* lost, and taken again since */
	size_t unrestorable;		/* lost, and cannot be put back */
	size_t closed;			/* one of those two, which the
					   Département has dealt with */
	size_t refused;			/* refused by the server */
	size_t anchored;		/* records anchored by this sync */
};

/*
 * Compare the checkpoint served now (now, its text now_text) with the
 * one this terminal holds (held, held_text), both verified: 0 when now is
 * newer and holds at least what held holds, 1 when it is the same, 2 when
 * it shows the server lost data (why, in French, says how; len bytes).
 */
int anchor_compare(const struct pn_checkpoint *held, const char *held_text,
    const struct pn_checkpoint *now, const char *now_text, char *why,
    size_t len);

/*
 * The receipts step of a sync (the steps above). Per-receipt messages of
 * a conflict, a loss that cannot be repaired or a refusal are printed on
 * standard output as they come, in French. Returns 0 when done (st says
 * what happened), 1 when the server cannot be reached, 2 when it says
 * this terminal is suspended, 3 when it refused the request's time (the
 * clocks disagree: t->clock_refused), -1 with err (a checkpoint or an
 * answer that does not hold, the journal).
 */
int anchor_run(struct term *t, struct anchor_stats *st, struct pn_error *err);

#endif
