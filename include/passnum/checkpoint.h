/* checkpoint.h -- the server's signed summary of its state, kept outside its database.
 *
 * At intervals the server signs a checkpoint: how long its audit log is
 * and the hash at its head, the next serial it will issue, and how many
 * redemptions it has accepted with a running hash over them. Copies kept
 * elsewhere (the history file beside the database, another disk, syslog,
 * the terminals) let anyone notice a database that lost what it had
 * acknowledged: a younger database, a cut audit log, missing redemptions.
 *
 * A checkpoint is one line of ASCII text, its fields always in this order:
 *
 *   PNC1 seq=12 at=1765100000 kid=3 prev=<64 hex> audit=1234:<64 hex>
 *       next_serial=5601 redeemed=200:987:<64 hex> sig=<128 hex>
 *
 * (one line, single spaces, lowercase hex, decimals without sign or
 * leading zero). seq counts checkpoints from 1; at is the server's clock
 * (Unix seconds); kid names the signing key; prev is BLAKE2b-256 of the
 * previous checkpoint's text (zeros for the first); audit is the id of the
 * audit log's last row and that row's hash (0 and zeros when empty);
 * next_serial is the serial counter; redeemed is the number of accepted
 * redemptions, the largest redemption row id among them (0 when none) and
 * the running hash (pn_checkpoint_fold()). sig is Ed25519 over
 * "PASSNUM-CHECKPT1" || the text before " sig=". docs/checkpoints.md gives
 * the same, for auditors with other tools.
 */
#ifndef PASSNUM_CHECKPOINT_H
#define PASSNUM_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "passnum/redemption.h"

#define PN_CHECKPOINT_TAG	"PASSNUM-CHECKPT1"
#define PN_CHECKPOINT_HASH	32
/* The longest text: every number at its widest, with its NUL. */
#define PN_CHECKPOINT_TEXT_MAX	512

struct pn_checkpoint {
	uint64_t seq;
	int64_t at;
	uint16_t kid;
	uint8_t prev[PN_CHECKPOINT_HASH];
	int64_t audit_last;			/* id of the last audit row */
	uint8_t audit_head[PN_CHECKPOINT_HASH];	/* its hash */
	uint64_t next_serial;
	uint64_t redeemed;			/* accepted redemptions */
	int64_t redeemed_last;			/* largest row id among them */
	uint8_t redeemed_hash[PN_CHECKPOINT_HASH];
	uint8_t signature[64];
};

/* One accepted redemption as the running hash reads it. */
struct pn_checkpoint_redemption {
	uint8_t redemption_id[PN_REDEMPTION_ID_SIZE];
	uint64_t serial;
	int64_t terminal_id;
	int64_t value_cents;
	int64_t received_at;
	uint8_t record_signature[64];
};

struct pn_signing_key;
struct pn_trust;

/*
 * Fold one accepted redemption into the running hash h (32 zero bytes
 * before the first): h = BLAKE2b-256(h || redemption_id (16) ||
 * serial (8) || terminal_id (8) || value (8) || received_at (8) ||
 * record_signature (64)), integers big-endian. Redemptions are folded in
 * the order of their row ids.
 */
void pn_checkpoint_fold(uint8_t h[PN_CHECKPOINT_HASH],
    const struct pn_checkpoint_redemption *r);

/* Sign c with key (sets kid and signature). 0, or -1 with err. */
int pn_checkpoint_sign(struct pn_checkpoint *c,
    const struct pn_signing_key *key, struct pn_error *err);

/* The checkpoint's text, NUL-terminated, without a newline. */
void pn_checkpoint_to_text(const struct pn_checkpoint *c,
    char out[PN_CHECKPOINT_TEXT_MAX]);

/* BLAKE2b-256 of the checkpoint's text: what the next one's prev holds. */
void pn_checkpoint_digest(const struct pn_checkpoint *c,
    uint8_t out[PN_CHECKPOINT_HASH]);

/*
 * Parse the text of one checkpoint (len bytes; a trailing "\n" or "\r\n"
 * is allowed) without checking its signature. 0, or -1 with err naming
 * the field that is wrong.
 */
int pn_checkpoint_parse(const char *text, size_t len, struct pn_checkpoint *c,
    struct pn_error *err);

/*
 * Parse and verify against a trust bundle: the signer a key of trust that
 * is not revoked, at inside its validity, and the signature. 0, or -1.
 */
int pn_checkpoint_from_text(const char *text, size_t len,
    const struct pn_trust *trust, struct pn_checkpoint *c,
    struct pn_error *err);

/*
 * Parse and verify under the public key pk_of(ctx, kid) gives (NULL: no
 * such key), with no trust bundle: the server and passnum-admin audit
 * check checkpoints against the keys the database recorded. 0, or -1.
 */
int pn_checkpoint_check(const char *text, size_t len,
    const uint8_t *(*pk_of)(const void *ctx, uint16_t kid), const void *ctx,
    struct pn_checkpoint *c, struct pn_error *err);

#endif
