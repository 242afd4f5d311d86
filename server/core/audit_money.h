/* audit_money.h -- passnum-admin audit: the signing keys' certificates and every voucher's signature, checked again.
 *
 * The keys come from the database (signing_key: kid, public key,
 * certificate); each certificate must be signed by the master key, taken
 * from --master or, failing that, from the trust bundle the configuration
 * names. Vouchers are read in one pass on the calling thread and verified
 * on worker threads, a bounded number of chunks in flight.
 */
#ifndef PN_AUDIT_MONEY_H
#define PN_AUDIT_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "store.h"

#define AUDIT_SHOWN		20	/* rows listed under a check, at most */
#define AUDIT_PROBLEM_MAX	256	/* one row, in words */
#define AUDIT_CHUNK_ROWS	4096	/* vouchers a worker takes at once */
#define AUDIT_THREADS_MAX	64

/* The master public key, and where it was found, in words. */
struct audit_master {
	bool have;
	uint8_t pk[32];
	char source[4200];	/* "the master key given by --master FILE" */
};

/*
 * The master key from master_path (a master.pub file or its directory)
 * when not NULL, else the key named by the trust bundle at bundle_path
 * (its own signature is verified with it; NULL or "": none). Neither:
 * 0 with m->have false and m->source saying so. -1 with err when a file
 * given cannot be read or does not verify.
 */
int audit_master_key(const char *master_path, const char *bundle_path,
    struct audit_master *m, struct pn_error *err);

struct audit_keys;

/*
 * The recorded signing keys, each checked: a public key of 32 bytes, a
 * certificate that decodes, names that kid and that public key, and is
 * signed by m's key (when m->have). Each key that fails is handed to fn in
 * words; *problems counts them, *n_keys the keys. NULL with err when the
 * store fails. Free with audit_keys_free() (NULL accepted).
 */
struct audit_keys *audit_keys_load(struct store *s,
    const struct audit_master *m,
    int (*fn)(void *ctx, const char *problem), void *ctx, int64_t *problems,
    size_t *n_keys, struct pn_error *err);
void audit_keys_free(struct audit_keys *k);

/* The recorded public key of kid (keys is a struct audit_keys); NULL: none. */
const uint8_t *audit_keys_pk(const void *keys, uint16_t kid);

/* A voucher that did not verify. */
struct audit_failure {
	uint64_t serial;
	char text[AUDIT_PROBLEM_MAX];
};

struct audit_signature_report {
	uint64_t vouchers;		/* read */
	uint64_t failed;		/* of them, did not verify */
	unsigned threads;		/* workers that verified */
	double seconds;			/* wall time of the pass */
	size_t n_shown;			/* the failures of lowest serial */
	struct audit_failure shown[AUDIT_SHOWN];
};

/*
 * Rebuild each voucher's 92-byte record from its row and verify its
 * signature under its kid's public key; when the key's certificate
 * decoded, the voucher must also have been issued inside the key's
 * signing window, for a programme in its scope. threads workers (0: one
 * per online CPU). 0 with *out filled (failures included), or -1 with err
 * when the store or a thread fails.
 */
int audit_signatures(struct store *s, const struct audit_keys *k,
    unsigned threads, struct audit_signature_report *out,
    struct pn_error *err);

/* The redemptions' pass: its failures in id order, the first AUDIT_SHOWN. */
struct audit_redemption_report {
	uint64_t redemptions;		/* read */
	uint64_t failed;		/* failures (a row may fail twice) */
	unsigned threads;		/* workers that verified */
	double seconds;
	size_t n_shown;
	struct audit_failure shown[AUDIT_SHOWN];	/* by 2 x id */
};

/*
 * Rebuild each redemption's signed record from its row (the voucher's
 * text from the voucher row: its QR text, or PNK1:<serial>:<KEY> when
 * flags mark it typed; the session's uid; the terminal's number) and
 * verify it under the terminal's enrolled key; decode the receipt of its
 * stored answer and verify it under the recorded key of its kid. Read in
 * id order by one thread, verified by threads workers (0: one per online
 * CPU) as audit_signatures() does. 0 with *out filled, or -1 with err.
 */
int audit_redemptions(struct store *s, const struct audit_keys *k,
    unsigned threads, struct audit_redemption_report *out,
    struct pn_error *err);

#endif
