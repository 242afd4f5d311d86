/* settle_rules.h -- the monthly settlement: periods, drafts, four-eyes approval, payment.
 *
 * Shared by passnum-admin (settle, dispute) and the accounting pages. The
 * rules live here, the SQL in store_sqlite_settle.c, the files in the
 * generators of settlement.h. Every call takes the time it acts at (now)
 * from its caller, which reads the clock: no configuration or argument
 * can move a settlement's date.
 *
 * Results are an err_code from errors.h: ERR_NONE (0) when done, the
 * number of a refusal (ERR_SAME_APPROVER, ERR_BATCH_WRONG_STATE...) with
 * its detail in err, or ERR_INTERNAL when the store failed.
 */
#ifndef PN_SETTLE_RULES_H
#define PN_SETTLE_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "passnum/error.h"
#include "config.h"
#include "errors.h"
#include "settlement.h"
#include "store.h"

/* A period as typed, with its bounds in Paris time: [start, end). */
struct settle_period {
	char text[SETTLE_PERIOD_MAX];		/* "2026-11", "2026-T4" */
	char label[SETTLE_LABEL_MAX];		/* "novembre 2026", "4e trimestre 2026" */
	int64_t start;
	int64_t end;
};

/*
 * Parse text as a period of the configured kind: "2026-11" for months,
 * "2026-T4" (or "2026-Q4") for quarters. ERR_NONE, or ERR_BAD_PERIOD with
 * what was expected in err.
 */
enum err_code settle_period_parse(const char *text, enum config_period kind,
    struct settle_period *out, struct pn_error *err);

/*
 * The rules of a draft, from the configuration ([settlement]
 * contest_days and minimum_cents): one place for the pages, the command
 * and the draft itself.
 */
void settle_rules_of(const struct config *cfg, struct store_settle_rules *r);

/* The period before the one holding t, of the configured kind. */
void settle_period_before(int64_t t, enum config_period kind,
    struct settle_period *out);

/*
 * Check that who may act on settlements (an accountant or an admin whose
 * account is active). ERR_NONE or ERR_NOT_ACCOUNTANT.
 */
enum err_code settle_may_act(const struct store_principal *who,
    struct pn_error *err);

/*
 * Draft the batch of period for who: the validated redemptions not yet
 * settled whose session started before the period's end (earlier ones
 * left over too). Drafting a period that has an open batch (draft,
 * approved or paid) returns that batch with *existing true, unchanged.
 */
enum err_code settle_draft(struct store *s, const struct config *cfg,
    const struct store_principal *who, const char *period_text, int64_t now,
    struct store_batch *out, bool *existing, struct pn_error *err);

/* What an approver acknowledged of a batch's alerts (anomalies.h). */
#define SETTLE_ACK_NONE	0	/* nothing: a batch with alerts is refused */
#define SETTLE_ACK_ANY	(-1)	/* all of them, however many (--acknowledge-alerts) */

/*
 * Approve the draft reference by who (never its drafter): makes the
 * payment file (sepa_version 9 or 3; 0 takes the configuration's), the
 * mandate list and every paid venue's statement (no line carried over or
 * held), stores them with their hashes in the audit log, and freezes the
 * batch, all in one transaction. A batch with alerts, counted inside that
 * transaction, needs them acknowledged: acknowledged is their number as
 * its approver saw them (a page sends what it showed), or SETTLE_ACK_ANY;
 * otherwise ERR_ALERTS_NOT_ACKNOWLEDGED and nothing is written. The batch
 * keeps the number acknowledged (out->alerts_acknowledged), and so does
 * the audit row "settle.approve".
 */
enum err_code settle_approve(struct store *s, const struct config *cfg,
    const struct store_principal *who, const char *reference,
    unsigned sepa_version, int64_t acknowledged, int64_t now,
    struct store_batch *out, struct pn_error *err);

/*
 * Hold the line of the venue of SIRET siret (spaces allowed) out of the
 * draft reference, for reason (1-500 characters): it is not paid by this
 * batch, and its vouchers wait for the next draft (store_batch_hold()).
 * ERR_REASON_REQUIRED, ERR_BATCH_WRONG_STATE, ERR_LINE_NOT_FOUND,
 * ERR_LAST_LINE_HELD (reject the batch instead).
 */
enum err_code settle_hold(struct store *s, const struct store_principal *who,
    const char *reference, const char *siret, const char *reason,
    int64_t now, struct pn_error *err);

/* The bank executed the transfers: reference (1-35) and date YYYY-MM-DD. */
enum err_code settle_mark_paid(struct store *s,
    const struct store_principal *who, const char *reference,
    const char *bank_reference, const char *paid_on, int64_t now,
    struct pn_error *err);

/* Reject a draft or an approved batch: its redemptions go back to the pool. */
enum err_code settle_reject(struct store *s, const struct store_principal *who,
    const char *reference, const char *reason, int64_t now,
    struct pn_error *err);

/* Dispute the accepted redemption of serial, within the contest window. */
enum err_code settle_dispute_open(struct store *s, const struct config *cfg,
    const struct store_principal *who, uint64_t serial, const char *reason,
    int64_t now, int64_t *dispute_id, struct pn_error *err);

/*
 * Close dispute id: uphold keeps its redemption out of settlement for
 * good; otherwise it is dismissed and the redemption is payable again.
 */
enum err_code settle_dispute_resolve(struct store *s,
    const struct store_principal *who, int64_t id, bool uphold,
    const char *note, int64_t now, struct pn_error *err);

/* The French word for a batch's status: "brouillon", "approuvé"... */
const char *settle_status_label(const char *status);

#endif
