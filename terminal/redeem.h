/* redeem.h -- taking one voucher at a session: local check, journal, server, verdict. */
#ifndef PN_TERM_REDEEM_H
#define PN_TERM_REDEEM_H

#include <stddef.h>

#include "context.h"
#include "journal.h"
#include "verdict.h"

/*
 * Take the code input (len bytes as scanned, or a printed serial typed by
 * hand) at session. The voucher is checked locally first: a local refusal
 * never reaches the server. A record is written to the journal before it
 * is sent; an undeclared session is declared first (and marked so).
 * out receives the verdict; its exit code is returned.
 */
int redeem_take(struct term *t, const char *input, size_t len,
    struct journal_session *session, struct verdict *out);

/* The verdict for a voucher this terminal already holds a record of. */
void redeem_verdict_for_record(const struct term *t,
    const struct journal_record *rec, struct verdict *out);

#endif
