/* terminal_standing.h -- whether a terminal may act now: the one rule, for signed requests and browsers alike. */
#ifndef PN_TERMINAL_STANDING_H
#define PN_TERMINAL_STANDING_H

#include <stdint.h>

#include "errors.h"
#include "store.h"

/*
 * ERR_NONE when t may act at now: not revoked, not suspended, of a venue
 * active and accredited at now. Otherwise ERR_TERMINAL_REVOKED,
 * ERR_TERMINAL_SUSPENDED or ERR_VENUE_NOT_ALLOWED, with *why the reason
 * recorded (revoked, suspended) or an English phrase.
 */
enum err_code terminal_standing(const struct store_terminal *t, int64_t now,
    const char **why);

#endif
