/* dispute.h -- the operations on disputes: open one on a redemption, resolve it.
 *
 * The contract of op.h: each checks who acts (an accountant or an admin,
 * ERR_NOT_ACCOUNTANT) and the text typed (1-500 characters,
 * ERR_REASON_REQUIRED), then writes in one transaction, with its audit
 * row, at cx->now; or writes nothing. While a dispute is open, its
 * redemption's whole session waits out of settlement (settle_draft.h).
 */
#ifndef PN_DISPUTE_H
#define PN_DISPUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "op.h"

/*
 * Dispute the accepted redemption of serial for reason, within the
 * contest window of cx->cfg ([settlement] contest_days) after its
 * session (store_dispute_open()), audit row "dispute.open". ERR_NONE with
 * *dispute_id; or ERR_REDEMPTION_NOT_FOUND, ERR_DISPUTE_NOT_ACCEPTED,
 * ERR_CONTEST_WINDOW_PASSED, ERR_REDEMPTION_IN_BATCH,
 * ERR_DISPUTE_ALREADY_OPEN, ERR_DISPUTE_UPHELD...
 */
enum err_code dispute_open(const struct op_ctx *cx, uint64_t serial,
    const char *reason, int64_t *dispute_id, struct op_refusal *why);

/*
 * Close dispute id with note: uphold keeps its redemption out of
 * settlement for good; otherwise it is dismissed and the redemption is
 * payable again. Audit row "dispute.resolve". ERR_DISPUTE_NOT_FOUND when
 * there is no such dispute open.
 */
enum err_code dispute_resolve(const struct op_ctx *cx, int64_t id,
    bool uphold, const char *note, struct op_refusal *why);

#endif
