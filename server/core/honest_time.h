/* honest_time.h -- what a terminal's claimed times may be, judged from the server's own view of it.
 *
 * A terminal's clock and the dates it reports are claims (DESIGN.md,
 * "Redemption"). The server knows when the terminal talked to it: each
 * signed request updates terminal.seen_at, and requests less than
 * HONEST_CONTACT_GAP apart form one run of contact (a sync, a morning of
 * scanning), at most HONEST_CONTACT_MAX long. The run a request belongs
 * to began with the terminal coming back; what it claims to have done
 * offline cannot be dated before its previous exchange, the latest one
 * before that run. Pure functions: the store only records the times.
 */
#ifndef HONEST_TIME_H
#define HONEST_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define HONEST_CONTACT_GAP	300	/* seconds between two requests of one run */
#define HONEST_CONTACT_MAX	3600	/* seconds a run lasts at most */
#define HONEST_SESSION_MARGIN	3600	/* a voucher is taken from start - 1 h to end + 1 h */

/* True when a request of t at now begins a new run of contact. */
bool honest_new_contact(const struct store_terminal *t, int64_t now);

/*
 * The terminal's previous exchange with the server before the run that a
 * request at now belongs to; its enrolment when it never talked since.
 */
int64_t honest_previous_exchange(const struct store_terminal *t, int64_t now);

/*
 * The earliest start a session declared by t at now may have: within
 * session_tolerance of now (declared online, at its start), or, opened
 * while the terminal was offline, no earlier than its previous exchange
 * less clock_tolerance and no earlier than offline_grace before now.
 */
int64_t honest_earliest_session(const struct store_terminal *t, int64_t now,
    const struct config_redemption *c);

/*
 * The earliest terminal time an offline record sent by t at now may have:
 * its previous exchange less clock_tolerance.
 */
int64_t honest_earliest_record(const struct store_terminal *t, int64_t now,
    const struct config_redemption *c);

/* True when at is within the hours of a session (HONEST_SESSION_MARGIN). */
bool honest_in_session_hours(int64_t at, int64_t starts_at,
    unsigned duration_minutes);

#endif
