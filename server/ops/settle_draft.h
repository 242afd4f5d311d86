/* settle_draft.h -- the operation that drafts a period's settlement batch.
 *
 * The contract of op.h; the rules it checks are settle_rules.h's.
 */
#ifndef PN_SETTLE_DRAFT_H
#define PN_SETTLE_DRAFT_H

#include <stdbool.h>

#include "op.h"

/*
 * Draft the batch of the period typed as period_text, by cx->who (an
 * accountant or an admin), at cx->now, with cx->cfg's rules
 * ([settlement] period, contest_days, minimum_cents): the validated
 * redemptions not yet settled whose session started before the period's
 * end (earlier ones left over too), in one transaction. A period that has
 * an open batch (draft, approved or paid) gets that batch in *out, with
 * *existing true, and nothing is written. ERR_NONE with *out; or
 * ERR_NOT_ACCOUNTANT, ERR_BAD_PERIOD, ERR_PERIOD_NOT_ENDED,
 * ERR_NOTHING_TO_SETTLE, ERR_INTERNAL with *why.
 */
enum err_code settle_draft(const struct op_ctx *cx, const char *period_text,
    struct store_batch *out, bool *existing, struct op_refusal *why);

#endif
