/* voucher_expire.h -- the operation "expire the outstanding vouchers past their last day" (op.h).
 *
 * A voucher's expiry already holds its programme's tolerance (validity
 * "year-end+31": the 31 days after 31 December). A voucher is marked
 * expired only once it is also older than [redemption] offline_grace: a
 * terminal may still sync a record it took offline on the voucher's last
 * day, and that record must find the voucher outstanding. Safe to run
 * again: a second run on the same day changes nothing and writes nothing.
 */
#ifndef PN_VOUCHER_EXPIRE_H
#define PN_VOUCHER_EXPIRE_H

#include <stdint.h>

#include "op.h"

struct vouchers_expire_out {
	int64_t before;		/* expired: the last day before this */
	uint64_t count;		/* vouchers this run expired */
	int64_t cents;		/* their face value */
};

/*
 * Expire, at cx->now, the outstanding vouchers whose expiry is before
 * cx->now - cx->cfg's offline grace, with one audit row "voucher.expire"
 * when there are any. ERR_NONE with *out; ERR_INTERNAL.
 */
enum err_code vouchers_expire(const struct op_ctx *cx,
    struct vouchers_expire_out *out, struct op_refusal *why);

#endif
