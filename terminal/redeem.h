/* redeem.h -- taking one voucher at a session, scanned or typed: local check, journal, server, verdict. */
#ifndef PN_TERM_REDEEM_H
#define PN_TERM_REDEEM_H

#include <stddef.h>

#include "context.h"
#include "journal.h"
#include "typed.h"
#include "verdict.h"

/*
 * Take the code input (len bytes, as scanned, or a serial typed by hand,
 * with its control key or followed by it) at session; key is a control
 * key typed apart (redeem --key, the scan prompt), or NULL.
 *
 * A scanned code is checked locally first: a local refusal never reaches
 * the server. Its record is written to the journal before it is sent,
 * and taken offline when the server is away. A typed serial and key are
 * for the server to judge, online only (redeem.c says what is kept when
 * no answer comes). An undeclared session is declared first (and marked
 * so). A terminal remembered suspended takes nothing until the server
 * lifts it. out receives the verdict; its exit code is returned.
 */
int redeem_take(struct term *t, const char *input, size_t len,
    const char *key, struct journal_session *session, struct verdict *out);

/*
 * The local verdict on a typed entry that cannot be sent: no key, or a
 * serial or key mistyped. True with out set; false when te is scanned or
 * complete. Asks nothing of anyone, so that it may come first.
 */
bool redeem_typed_refused(const struct typed_entry *te, struct verdict *out);

/* The verdict for a voucher this terminal already holds a record of. */
void redeem_verdict_for_record(const struct term *t,
    const struct journal_record *rec, struct verdict *out);

#endif
