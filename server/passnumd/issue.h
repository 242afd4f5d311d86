/* issue.h -- issuing a booklet, shared by the JSON API and the caseworker pages.
 *
 * Validation and the store call live here once; each front end only reads
 * its own input format and renders the outcome in its own words.
 */
#ifndef PN_ISSUE_H
#define PN_ISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/voucher.h"
#include "errors.h"
#include "store.h"

#define ISSUE_REF_MAX 64
#define ISSUE_COMMUNE_MAX 64
#define ISSUE_REASON_MAX 500
#define ISSUE_IDEM_KEY_MAX 64

/* What a caseworker enters: strings as received, NULL when absent. */
struct issue_input {
	int64_t programme;		/* <= 0: missing or not a number */
	const char *ref;		/* the caseworker's own file reference */
	const char *pathway;		/* "rsa", "revenu-jeunes", "other" */
	const char *age_band;		/* "16-25", "26-44", "45-64", "65+" */
	const char *commune;
	const char *reason;		/* why another booklet; NULL or "": none */
	const char *idem_key;		/* Idempotency-Key; NULL: none */
};

/* Why a booklet was not issued. */
struct issue_refusal {
	enum err_code code;
	const char *field;		/* for ERR_INVALID_FIELD: "ref", ... */
	char detail[200];		/* English, for the API's "detail" */
};

/* The choices of the reporting fields: value and French label. */
struct issue_choice {
	const char *value;
	const char *label;
};
extern const struct issue_choice issue_pathways[];
extern const struct issue_choice issue_age_bands[];
extern const size_t issue_pathways_count, issue_age_bands_count;

/*
 * Check in, then issue its booklet for who with the running server's keys
 * into *b. Returns 0, or -1 with *why filled (nothing was issued). With
 * in->idem_key, a key who sent before with the same input gives back the
 * booklet it issued (0, nothing written); with another input,
 * ERR_IDEMPOTENCY_KEY_REUSED.
 */
int issue_booklet(const struct issue_input *in,
    const struct store_principal *who, struct store_booklet *b,
    struct issue_refusal *why);

/*
 * A booklet on its way to the store without a thread waiting for it: what
 * the store reads until the booklet's commit. Opaque to callers.
 */
struct issue_call {
	struct store_booklet_request r;
	const struct pn_signing_key *key;
	const struct pn_cert *cert;
	int64_t now;
	int64_t programme;
	const char *idem_key;
	struct store_write *w;		/* queued; NULL once ended */
};

/*
 * As issue_booklet(), but the write is queued (store_booklet_issue_submit()) and this
 * returns at once: 0, then done(ctx) is called once the booklet's commit
 * is made, and issue_booklet_end() gives the outcome into *b; or -1 with
 * *why, nothing queued (done is never called). c, in's strings, who and b
 * must live until issue_booklet_end().
 */
int issue_booklet_queue(struct issue_call *c, const struct issue_input *in,
    const struct store_principal *who, struct store_booklet *b,
    store_write_done done, void *ctx, struct issue_refusal *why);

/* The outcome of a queued booklet: 0 (*b issued), or -1 with *why. */
int issue_booklet_end(struct issue_call *c, const struct store_booklet *b,
    struct issue_refusal *why);

/*
 * Check in only, as issue_booklet() would: 0, or -1 with *why. The pages
 * use it before asking the caseworker to confirm.
 */
int issue_check(const struct issue_input *in, struct issue_refusal *why);

/*
 * Cancel voucher id, or with booklet every outstanding voucher of booklet
 * id, for who, with reason (checked here): each goes on the deny list.
 * Returns 0 with *n the vouchers cancelled, or -1 with *why (nothing was
 * cancelled).
 */
int issue_cancel(bool booklet, uint64_t id, const char *reason,
    const struct store_principal *who, unsigned *n,
    struct issue_refusal *why);

#endif
