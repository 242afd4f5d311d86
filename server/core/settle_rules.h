/* settle_rules.h -- the monthly settlement's rules: periods, who may settle, what a person types, labels.
 *
 * Pure functions, shared by the settlement's operations (server/ops/:
 * settle_draft.h, settle_approve.h, settle_batch.h, dispute.h), the
 * accounting pages and passnum-admin, so that each rule is decided in one
 * place. The state changes are those operations; the SQL is in
 * store_sqlite_settle.c, the files are made by the generators of
 * settlement.h. Nothing here reads the clock: a check that needs the
 * date takes it from its caller (now), so that no configuration or
 * argument can move a settlement's date.
 *
 * Checks return an err_code from errors.h: ERR_NONE (0), or the refusal
 * (ERR_BAD_PERIOD, ERR_NOT_ACCOUNTANT...) with its detail in err, in
 * English.
 */
#ifndef PN_SETTLE_RULES_H
#define PN_SETTLE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "config.h"
#include "errors.h"
#include "settlement.h"
#include "store.h"

/* A reason or a note a person types (hold, reject, dispute), in bytes. */
#define SETTLE_TEXT_MAX		500
/* A bank's reference of a payment: ISO 20022 Max35Text. */
#define SETTLE_BANK_REF_MAX	35

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
 * Text a person typed as a reason or a note, named what in err: 1 to max
 * bytes once trimmed of spaces, no control character. ERR_NONE, or code
 * (ERR_REASON_REQUIRED).
 */
enum err_code settle_text_check(const char *text, size_t max,
    enum err_code code, const char *what, struct pn_error *err);

/*
 * A bank's reference of the transfers: 1 to SETTLE_BANK_REF_MAX printable
 * ASCII characters, no space. ERR_NONE or ERR_BAD_PAYMENT.
 */
enum err_code settle_bank_reference_check(const char *bank_reference,
    struct pn_error *err);

/*
 * The day the transfers were executed, YYYY-MM-DD, not after the day of
 * now in Paris. ERR_NONE or ERR_BAD_PAYMENT.
 */
enum err_code settle_paid_on_check(const char *paid_on, int64_t now,
    struct pn_error *err);

/* The date in Paris at t, as year, month, day. */
void settle_paris_day(int64_t t, int *y, int *m, int *d);

/* The French word for a batch's status: "brouillon", "approuvé"... */
const char *settle_status_label(const char *status);

#endif
