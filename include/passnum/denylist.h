/* denylist.h -- serials that must be refused: cancelled or already redeemed.
 *
 * The server publishes a deny list as signed documents, each covering the
 * changes from one sequence number to another (from 0: a full list). A
 * holder merges them in order and looks serials up by binary search.
 * Entries carry the voucher's expiry so that they can be dropped once the
 * voucher would be refused as expired anyway. Encoding: docs/keys.md.
 */
#ifndef PASSNUM_DENYLIST_H
#define PASSNUM_DENYLIST_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

#define PN_DENYLIST_MAX_FILE	(256u << 20)

struct pn_trust;
struct pn_signing_key;

enum pn_deny_reason {
	PN_DENY_CANCELLED = 1,
	PN_DENY_REDEEMED = 2
};

struct pn_deny_entry {
	uint64_t serial;
	uint32_t expires_at;
	uint8_t reason;		/* enum pn_deny_reason */
};

struct pn_denylist {
	uint16_t signer_kid;	/* signing key that signed the document */
	uint64_t from_seq;	/* changes after this sequence number ... */
	uint64_t to_seq;	/* ... up to and including this one */
	int64_t issued_at;
	size_t n;
	size_t cap;
	struct pn_deny_entry *entries;	/* sorted by serial, unique */
	uint8_t signature[64];
};

/* An empty list (to_seq 0): the state of a holder that has nothing yet. */
struct pn_denylist *pn_denylist_new(void);

void pn_denylist_free(struct pn_denylist *d);

/*
 * Add an entry while building a document. Entries may come in any order;
 * adding a serial already present keeps one entry (the later reason wins).
 */
int pn_denylist_add(struct pn_denylist *d, uint64_t serial,
    uint32_t expires_at, enum pn_deny_reason reason, struct pn_error *err);

/* Set the header and sign the document with a certified signing key. */
int pn_denylist_sign(struct pn_denylist *d, const struct pn_signing_key *key,
    uint64_t from_seq, uint64_t to_seq, int64_t issued_at,
    struct pn_error *err);

/* Encode, signature included, into a malloc'd buffer the caller frees. */
int pn_denylist_encode(const struct pn_denylist *d, uint8_t **out,
    size_t *len, struct pn_error *err);

/* Parse structure only, no signature check (inspection, fuzzing). */
struct pn_denylist *pn_denylist_parse(const uint8_t *in, size_t len,
    struct pn_error *err);

/*
 * Parse and verify: the signer must be a key of trust, not revoked, and the
 * document must have been issued inside the key's signing window.
 */
struct pn_denylist *pn_denylist_decode(const uint8_t *in, size_t len,
    const struct pn_trust *trust, struct pn_error *err);

struct pn_denylist *pn_denylist_load(const char *path,
    const struct pn_trust *trust, struct pn_error *err);

/*
 * Load deny-list documents from n files, in order (a full list, then its
 * increments), each verified against trust, and merge them into a new held
 * list. With n == 0 the result is an empty list.
 */
struct pn_denylist *pn_denylist_load_chain(const char *const *paths, size_t n,
    const struct pn_trust *trust, int64_t prune_before, struct pn_error *err);

/* Write a signed document to path, replacing it atomically. */
int pn_denylist_save(const struct pn_denylist *d, const char *path,
    struct pn_error *err);

/*
 * Merge a verified document into what a holder has. The document must
 * start at or before the holder's sequence number (else PN_E_GAP) and end
 * after it (else PN_E_STALE). Entries whose expiry is before prune_before
 * are dropped. On error held is unchanged.
 */
int pn_denylist_merge(struct pn_denylist *held, const struct pn_denylist *doc,
    int64_t prune_before, struct pn_error *err);

/* The entry for serial, or NULL. d may be NULL. */
const struct pn_deny_entry *pn_denylist_find(const struct pn_denylist *d,
    uint64_t serial);

#endif
