/* sessions.h -- training sessions: opened here, fetched from the server, chosen for scanning. */
#ifndef PN_TERM_SESSIONS_H
#define PN_TERM_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "journal.h"

#define SESSION_DEFAULT_MINUTES 120

/* Fetch the venue's sessions from the server into the journal: 0, 1 away, -1. */
int sessions_fetch(struct term *t, struct pn_error *err);

/*
 * Find the session named by prefix (4 to 32 hex digits of its id) in the
 * journal, or, failing that, in the server's list. 0 found, or an exit
 * code with a message on stderr (a session the server refused for good
 * is not taken: TERM_EXIT_SERVER).
 */
int sessions_find(struct term *t, const char *prefix,
    struct journal_session *out);

/*
 * Open a session here: a fresh random id, stored in the journal, then
 * declared to the server when it answers (else at the next sync).
 * theme must be one of the configured themes. Returns 0 (declared),
 * 1 (kept for later: the server is away), 2 (kept, but the server
 * refused it: err says why), 3 (kept, not declared: the terminal is
 * suspended), 4 (kept for later: the server refused the request's time,
 * t->clock_refused says which clock seems off), or -1 with err when
 * nothing was stored.
 */
int sessions_open(struct term *t, const char *theme, int64_t starts_at,
    int duration_minutes, struct journal_session *out, struct pn_error *err);

/* Resolve a theme given as its text or its number in the config's list. */
const char *sessions_theme(const struct term *t, const char *arg);

/* One line: "1a2b3c4d…  03/11/2026 14:00  120 min  theme  [état]". */
void sessions_print(FILE *out, const struct journal_session *s, int number);

/* True when now is inside the session (with an hour's margin either side). */
bool sessions_is_current(const struct journal_session *s, int64_t now);

/*
 * The session to use: the one prefix names, or without prefix the only
 * session in progress that the server did not refuse. 0, or an exit code
 * with a message on stderr.
 */
int sessions_pick(struct term *t, const char *prefix,
    struct journal_session *out);

#endif
