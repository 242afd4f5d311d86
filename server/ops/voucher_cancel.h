/* voucher_cancel.h -- the operation "cancel a voucher, or what is left of a booklet" (op.h).
 *
 * A caseworker cancels a lost or stolen booklet, or one voucher of it;
 * each voucher cancelled goes on the deny list the terminals fetch, with
 * an audit row, in one transaction. A caseworker finds only the
 * booklets of their agency (scope.h): another agency's is "not found",
 * as if it did not exist.
 */
#ifndef PN_VOUCHER_CANCEL_H
#define PN_VOUCHER_CANCEL_H

#include <stdint.h>

#include "op.h"

/*
 * Cancel the outstanding voucher of serial for cx->who, with reason
 * (1-500 characters, no control character). ERR_NONE, or
 * ERR_INVALID_FIELD (reason), ERR_VOUCHER_NOT_FOUND, ERR_NOT_CANCELLABLE
 * (nothing left to cancel), ERR_STORE_UNAVAILABLE.
 */
enum err_code voucher_cancel(const struct op_ctx *cx, uint64_t serial,
    const char *reason, struct op_refusal *why);

/*
 * Cancel every outstanding voucher of booklet id, as above (with
 * ERR_BOOKLET_NOT_FOUND); *cancelled counts them.
 */
enum err_code booklet_cancel(const struct op_ctx *cx, uint64_t id,
    const char *reason, unsigned *cancelled, struct op_refusal *why);

#endif
