/* context.h -- what an enrolled terminal's commands work with: config, key, journal, keys, client. */
#ifndef PN_TERM_CONTEXT_H
#define PN_TERM_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "datadir.h"
#include "http_client.h"
#include "journal.h"
#include "passnum/denylist.h"
#include "passnum/error.h"
#include "passnum/trust.h"
#include "skew.h"

/* Names of the journal's meta values. */
#define META_DENY_FRESH_AT	"deny_fresh_at"		/* deny list proved current */
#define META_TRUST_CHECKED_AT	"trust_checked_at"	/* bundle last fetched */
#define META_LAST_SYNC_AT	"last_sync_at"		/* last sync with no error */
#define META_SUSPENDED_AT	"suspended_at"		/* the server said: suspended */
/* The clocks' reference (skew.h): the latest answer when both agreed. */
#define META_CLOCK_WALL		"clock_ref_wall"	/* this machine's clock */
#define META_CLOCK_TICKS	"clock_ref_ticks"	/* its ticks since boot */
#define META_CLOCK_BOOT		"clock_ref_boot"	/* which boot */
#define META_CLOCK_SERVER	"clock_ref_server"	/* the server's Date */

struct term {
	char dir[TERM_PATH_MAX];
	struct term_config cfg;
	uint8_t *sk;			/* device key, sodium_malloc() memory */
	uint8_t pk[32];
	struct journal *journal;
	struct pn_trust *trust;		/* NULL until a bundle is held */
	struct pn_denylist *deny;	/* merged documents; never NULL once open */
	size_t deny_docs;		/* documents stored in the journal */
	int64_t deny_fresh_at;		/* signed time of the latest document */
	struct http_client *http;
	/*
	 * After a redemption could not reach the server, the next ones of
	 * this process go straight to offline until then, rather than each
	 * waiting for a connection timeout; a successful sync clears it.
	 */
	int64_t offline_until;
	/*
	 * When the server last answered that this terminal is suspended
	 * (SERVER_CODE_SUSPENDED), kept in the journal until a signed request
	 * succeeds again; 0 when not. While set, no voucher is taken, offline
	 * included.
	 */
	int64_t suspended_at;
	/*
	 * The clocks (skew.h), noted from every answer of the server: this
	 * boot's id; the reference, the latest answer where the server's
	 * clock and this one agreed, read from the journal at open and
	 * written back when it changed (clock_ref_dirty; clock_ref_saved
	 * are the ticks when it last was); and the latest answer.
	 */
	uint64_t boot;
	struct skew_sample clock_ref;
	bool clock_ref_dirty;
	int64_t clock_ref_saved;
	struct skew_sample clock_last;
	/*
	 * When the server refused a request's time (4005) in this process:
	 * which clock seems off and what to do, in French; "" otherwise.
	 */
	char clock_refused[SKEW_TEXT_MAX];
};

/* How long a failed redemption request keeps a process offline, in seconds. */
#define TERM_OFFLINE_HOLD 30

/*
 * Open the enrolled terminal in the data dir named by data_opt (see
 * term_data_dir()): config, device key, journal, trust bundle and deny
 * list, HTTP client. Returns 0, or an exit code (TERM_EXIT_NOT_ENROLLED,
 * TERM_EXIT_SETUP) with err.
 */
int term_open(struct term *t, const char *data_opt, struct pn_error *err);

/*
 * Free everything term_open() made; safe on a zeroed or half-open struct.
 * The clocks' reference is written back first when it changed.
 */
void term_close(struct term *t);

/* Load the trust bundle file, pinned to the config's master key. */
int term_load_trust(struct term *t, struct pn_error *err);

/*
 * True when an answer (status and JSON body, of a request or of one
 * result of a batch) says this terminal is suspended; then it is
 * remembered (t->suspended_at and the journal).
 */
bool term_note_suspended(struct term *t, long status, const json_t *answer);

/*
 * True when the answer is the server's refusal of the request's time
 * (SERVER_CODE_STALE): nothing was judged. Which clock seems off is
 * judged against the reference and explained in t->clock_refused.
 */
bool term_note_clock(struct term *t, const struct http_reply *r);

/*
 * True when the latest answer of the server showed its clock more than
 * SKEW_WINDOW from this one's, refused or not: the explanation in buf
 * (SKEW_TEXT_MAX bytes).
 */
bool term_clock_disagrees(const struct term *t, char *buf, size_t len);

/* Write the clocks' reference to the journal when it changed: 0, or -1. */
int term_save_clock(struct term *t, struct pn_error *err);

/* A signed request succeeded: the terminal is not suspended, or no longer. */
void term_note_active(struct term *t);

/*
 * When the terminal is remembered suspended, ask the server whether it
 * still is (GET /api/v1/terminal): 0 active (then forgotten), 1 the
 * server cannot be reached, 2 still suspended. Without a remembered
 * suspension, 0 without asking.
 */
int term_confirm_active(struct term *t);

/* Rebuild the deny list from the journal's documents. */
int term_load_deny(struct term *t, struct pn_error *err);

/* Write the config back (after a change of themes or the pinned key). */
int term_save_config(struct term *t, struct pn_error *err);

/* Seconds since the deny list was proved current (INT64_MAX if never). */
int64_t term_deny_age(const struct term *t);

/* True when the deny list is too old to accept a voucher offline. */
bool term_deny_stale(const struct term *t);

/*
 * Fetch the trust bundle; keep it when signed by the pinned master key
 * (pinning it first when none is: trust on first use over a verified
 * connection) with a sequence number not below the one held. Returns 0,
 * 1 when the server cannot be reached, -1 with err when the bundle is bad.
 */
int term_refresh_trust(struct term *t, struct pn_error *err);

/*
 * Fetch the deny-list increment after the held sequence number (or a full
 * list when none is held, or when the chain has grown long), verify,
 * merge and store it. Same returns as term_refresh_trust().
 */
int term_refresh_deny(struct term *t, struct pn_error *err);

#endif
