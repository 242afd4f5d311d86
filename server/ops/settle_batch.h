/* settle_batch.h -- the operations on an existing batch: hold a venue's line, record its payment, reject it.
 *
 * The contract of op.h: each checks who acts (an accountant or an admin,
 * ERR_NOT_ACCOUNTANT) and what was typed (settle_rules.h), then finds the
 * batch reference (ERR_BATCH_NOT_FOUND) and changes it in one
 * transaction, with its audit row, at cx->now; or writes nothing.
 */
#ifndef PN_SETTLE_BATCH_H
#define PN_SETTLE_BATCH_H

#include "op.h"

/*
 * Hold the line of the venue of SIRET siret (spaces allowed) out of the
 * draft reference, for reason (1-500 characters): it is not paid by this
 * batch, and its vouchers wait for the next draft (store_batch_hold()),
 * audit row "settle.hold". ERR_REASON_REQUIRED, ERR_BATCH_WRONG_STATE,
 * ERR_LINE_NOT_FOUND, ERR_LAST_LINE_HELD (reject the batch instead).
 */
enum err_code settle_hold(const struct op_ctx *cx, const char *reference,
    const char *siret, const char *reason, struct op_refusal *why);

/*
 * The bank executed the transfers of the approved batch reference: its
 * bank_reference (1-35 printable ASCII characters, no space) and the date
 * paid_on (YYYY-MM-DD, not after today in Paris); its vouchers become
 * settled, audit row "settle.paid". ERR_BAD_PAYMENT (why->field
 * "bank_reference" or "paid_on"), ERR_BATCH_WRONG_STATE.
 */
enum err_code settle_mark_paid(const struct op_ctx *cx, const char *reference,
    const char *bank_reference, const char *paid_on, struct op_refusal *why);

/*
 * Reject the draft or approved batch reference for reason (1-500
 * characters): its redemptions go back to the pool, audit row
 * "settle.reject". ERR_REASON_REQUIRED, ERR_BATCH_WRONG_STATE.
 */
enum err_code settle_reject(const struct op_ctx *cx, const char *reference,
    const char *reason, struct op_refusal *why);

#endif
