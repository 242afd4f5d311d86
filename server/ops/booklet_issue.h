/* booklet_issue.h -- the operation "issue a booklet" (op.h), for the JSON API and the caseworker pages.
 *
 * Validation, the reference's keyed hash and the store call live here
 * once; each adapter only reads its own input format and renders the
 * outcome in its own words. The vouchers are signed inside the booklet's
 * transaction, on the serials the counter gives them, so that the serials
 * of the booklets issued stay one unbroken sequence (docs/store.md).
 */
#ifndef PN_BOOKLET_ISSUE_H
#define PN_BOOKLET_ISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/voucher.h"
#include "op.h"
#include "store.h"

#define BOOKLET_REF_MAX 64
#define BOOKLET_COMMUNE_MAX 64
#define BOOKLET_REASON_MAX 500
#define BOOKLET_IDEM_KEY_MAX 64

/* What a caseworker enters: strings as received, NULL when absent. */
struct booklet_issue_in {
	int64_t programme;		/* <= 0: missing or not a number */
	const char *ref;		/* the caseworker's own file reference */
	const char *pathway;		/* "rsa", "revenu-jeunes", "other" */
	const char *age_band;		/* "16-25", "26-44", "45-64", "65+" */
	const char *commune;
	const char *reason;		/* why another booklet; NULL or "": none */
	const char *idem_key;		/* Idempotency-Key; NULL: none */
};

/* The choices of the reporting fields: value and French label. */
struct booklet_choice {
	const char *value;
	const char *label;
};
extern const struct booklet_choice booklet_pathways[];
extern const struct booklet_choice booklet_age_bands[];
extern const size_t booklet_pathways_count, booklet_age_bands_count;

/* The outcome of an issue. */
struct booklet_issue_out {
	struct store_booklet booklet;
	bool replayed;			/* in->idem_key's booklet, read back */
};

/*
 * Check in, then issue its booklet for cx->who with cx->keys at cx->now.
 * ERR_NONE with *out, or the refusal with *why (nothing was issued). With
 * in->idem_key, a key who sent before with the same input gives back the
 * booklet it issued (ERR_NONE, out->replayed, nothing written); with
 * another input, ERR_IDEMPOTENCY_KEY_REUSED. The store failing is
 * ERR_STORE_UNAVAILABLE.
 */
enum err_code booklet_issue(const struct op_ctx *cx,
    const struct booklet_issue_in *in, struct booklet_issue_out *out,
    struct op_refusal *why);

/*
 * A booklet on its way to the store without a thread waiting for it: what
 * the store reads until the booklet's commit. Opaque to callers.
 */
struct booklet_issue_call {
	struct store_booklet_request r;
	struct store_signer signer;
	int64_t now;
	int64_t programme;
	const char *idem_key;
	struct store_write *w;		/* queued; NULL once ended */
};

/*
 * As booklet_issue(), but the write is queued (store_booklet_issue_submit())
 * and this returns at once: ERR_NONE, then done(ctx) is called once the
 * booklet's commit is made, and booklet_issue_end() gives the outcome
 * into *out; or the refusal with *why, nothing queued (done is never
 * called). c, in's strings, cx->who and out must live until
 * booklet_issue_end(); cx need not.
 */
enum err_code booklet_issue_queue(struct booklet_issue_call *c,
    const struct op_ctx *cx, const struct booklet_issue_in *in,
    struct booklet_issue_out *out, store_write_done done, void *ctx,
    struct op_refusal *why);

/* The outcome of a queued booklet: ERR_NONE (*out), or with *why. */
enum err_code booklet_issue_end(struct booklet_issue_call *c,
    struct booklet_issue_out *out, struct op_refusal *why);

/*
 * Check in only, as booklet_issue() would: ERR_NONE, or the refusal with
 * *why. The pages use it before asking the caseworker to confirm.
 */
enum err_code booklet_issue_check(const struct booklet_issue_in *in,
    struct op_refusal *why);

/*
 * Every refusal the issue of in would meet, at most max into why[], and
 * their count (0: none): each field's check of booklet_issue_check(), not
 * only the first, then, read from cx->s now, the programme unknown or
 * without the budget of one more booklet (field "programme") and the
 * person at the programme's limit without a reason (ERR_ALREADY_HAS_BOOKLET,
 * field "reason"). The pages call it at "Vérifier", so that what the
 * issue's transaction would refuse is said before the confirmation; that
 * transaction still decides (two caseworkers may take the last budget).
 * A store failure is a refusal ERR_STORE_UNAVAILABLE without a field.
 */
size_t booklet_issue_verify(const struct op_ctx *cx,
    const struct booklet_issue_in *in, struct op_refusal *why, size_t max);

/*
 * The keyed hashes with k of file reference ref: of its normal form
 * (beneficiary_ref.h), as the issue records it, and as typed (how
 * references were hashed before schema 11). 0, or -1 when ref has no
 * normal form (no letter or digit) or is longer than BOOKLET_REF_MAX.
 * The one way to find a person's booklets by their reference.
 */
int booklet_ref_hashes(const struct keyring *k, const char *ref,
    uint8_t normal[STORE_HASH_SIZE], uint8_t typed[STORE_HASH_SIZE]);

/*
 * The signer of the store (store_signer) for key, within the window of
 * its certificate cert: key and cert must outlive it.
 */
void booklet_signer(struct store_signer *sg, const struct pn_signing_key *key,
    const struct pn_cert *cert);

/*
 * Whether text is 1 to max bytes without control characters, and not
 * only spaces (a reference, commune or reason of blanks says nothing).
 */
bool booklet_plain_text(const char *text, size_t max);

#endif
