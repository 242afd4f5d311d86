/* settle_approve.h -- the operation that approves a draft: four-eyes, its files, its freezing.
 *
 * It takes the contract of op.h but, by design, not its one transaction:
 * a month's payment file and 2,000 statements are made for seconds, and
 * redemptions must not wait behind them. So the approval runs in phases
 * on cx->s itself, on a thread of its own at nice 19: it reads a snapshot
 * of the draft (store_batch_approve_begin()) and makes every file from it
 * with no write lock held; stores them as staged, in short transactions
 * of 256 KiB between which redemptions write (store_batch_files_stage());
 * then one short write transaction checks that the batch is still the
 * draft the files were made from and publishes the files with the
 * approval (store_batch_approve_write(), _files_publish(), _commit()). A
 * refusal or a failure at any phase leaves nothing of it: the staged files
 * are removed and the batch stays a draft.
 */
#ifndef PN_SETTLE_APPROVE_H
#define PN_SETTLE_APPROVE_H

#include <stdint.h>

#include "op.h"

/* What an approver acknowledged of a batch's alerts (anomalies.h). */
#define SETTLE_ACK_NONE	0	/* nothing: a batch with alerts is refused */
#define SETTLE_ACK_ANY	(-1)	/* all of them, however many (--acknowledge-alerts) */

/*
 * Approve the draft reference by cx->who (never its drafter): makes the
 * payment file (sepa_version 9 or 3; 0 takes cx->cfg's), the mandate list
 * and every paid venue's statement (no line carried over or held), stores
 * them with their hashes in the audit log, and freezes the batch. A batch
 * with alerts, counted in the approval's snapshot, needs them
 * acknowledged: acknowledged is their number as its approver saw them (a
 * page sends what it showed), or SETTLE_ACK_ANY; otherwise
 * ERR_ALERTS_NOT_ACKNOWLEDGED and nothing is written. The batch keeps the
 * number acknowledged (out->alerts_acknowledged), and so does the audit
 * row "settle.approve". ERR_NONE with *out (when not NULL) the approved
 * batch; or ERR_NOT_ACCOUNTANT, ERR_DEBTOR_NOT_CONFIGURED,
 * ERR_BATCH_NOT_FOUND, ERR_SAME_APPROVER, ERR_BATCH_WRONG_STATE,
 * ERR_EXPORT_REFUSED, ERR_INTERNAL... with *why.
 */
enum err_code settle_approve(const struct op_ctx *cx, const char *reference,
    unsigned sepa_version, int64_t acknowledged, struct store_batch *out,
    struct op_refusal *why);

#endif
