/* alarm_ack.h -- the operation "acknowledge an integrity alarm" (op.h).
 *
 * An integrity alarm (the database holds less than its last checkpoint,
 * the audit log stops short...) stays open, and passnum-admin audit
 * fails, until an administrator, authenticated, says what was done about
 * it: the note and who wrote it are kept with the alarm and in the audit
 * log.
 */
#ifndef PN_ALARM_ACK_H
#define PN_ALARM_ACK_H

#include <stdint.h>

#include "op.h"

#define ALARM_NOTE_MAX	4000	/* bytes */

/*
 * ERR_NONE when note may be an acknowledgement's (1 to ALARM_NOTE_MAX
 * bytes); else ERR_INVALID_FIELD (note). Touches nothing: an adapter may
 * check it before it asks for a password.
 */
enum err_code alarm_note_check(const char *note, struct op_refusal *why);

/*
 * Acknowledge open alarm id with note (1 to ALARM_NOTE_MAX bytes), as
 * cx->who, who must be an administrator; an audit row "integrity.ack" by
 * "user:ID". ERR_NONE; ERR_FORBIDDEN (nobody, or not an administrator),
 * ERR_INVALID_FIELD (note), ERR_ALARM_NOT_OPEN (none such, or already
 * acknowledged), ERR_INTERNAL.
 */
enum err_code alarm_ack(const struct op_ctx *cx, int64_t id, const char *note,
    struct op_refusal *why);

#endif
