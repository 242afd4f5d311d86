/* verifier.h -- what an offline reader needs to judge a voucher, and its verdict line.
 *
 * The trust bundle, optionally pinned to a master public key, and the deny
 * list built from its documents; then a one-line verdict in French for the
 * person holding the voucher.
 */
#ifndef PASSNUM_VERIFIER_H
#define PASSNUM_VERIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "passnum/reason.h"

struct pn_trust;
struct pn_denylist;
struct pn_voucher;

struct pn_verifier {
	struct pn_trust *trust;
	struct pn_denylist *deny;	/* empty when no document was given */
};

/*
 * Load bundle_path (pinned to the master public key in master_pub when it
 * is not NULL: a master.pub file or a directory holding one), then the
 * deny-list documents in order. Returns 0, or -1 with err naming the file.
 */
int pn_verifier_open(struct pn_verifier *v, const char *bundle_path,
    const char *master_pub, const char *const *denylists, size_t n,
    struct pn_error *err);

/* Free what pn_verifier_open() loaded; safe on a zeroed struct. */
void pn_verifier_close(struct pn_verifier *v);

#define PN_VERDICT_MAX 256

/*
 * One line in French: "VALIDE — 10,00 € — chèque 0000 0012 3456 7 —
 * valable jusqu'au 31/01/2027", or "REFUSÉ — chèque expiré le 31/01/2027 —
 * chèque 0000 0012 3456 7 (motif 43)". v is the decoded voucher, or NULL
 * when there is none. Fields are shown only for decoded vouchers (reason 0
 * or 20 and above), never from a text that could not be read.
 */
void pn_verdict_format(enum pn_reason r, const struct pn_voucher *v,
    char buf[PN_VERDICT_MAX]);

#endif
