/* sign.c -- Ed25519 over a purpose tag and a message, with libsodium. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sign.h"

/* Vouchers, certificates and short documents are signed without malloc. */
#define SMALL_MESSAGE 512

/*
 * Lay out tag || msg in buf (when it fits) or in fresh memory. Returns the
 * buffer to use, or NULL when out of memory; *heap tells whether to free it.
 */
static uint8_t *
tagged_message(uint8_t *buf, const char *tag, const uint8_t *msg, size_t len,
    bool *heap)
{
	uint8_t *m = buf;

	*heap = false;
	if (len > SMALL_MESSAGE) {
		if ((m = malloc(PN_TAG_LEN + len)) == NULL)
			return NULL;
		*heap = true;
	}
	memcpy(m, tag, PN_TAG_LEN);
	if (len > 0)
		memcpy(m + PN_TAG_LEN, msg, len);
	return m;
}

int
pn_sign_tagged(uint8_t sig[64], const uint8_t *sk, const char *tag,
    const uint8_t *msg, size_t len)
{
	uint8_t buf[PN_TAG_LEN + SMALL_MESSAGE];
	bool heap;
	uint8_t *m = tagged_message(buf, tag, msg, len, &heap);
	int rc;

	if (m == NULL)
		return -1;
	rc = crypto_sign_detached(sig, NULL, m, PN_TAG_LEN + len, sk);
	if (heap)
		free(m);
	return rc == 0 ? 0 : -1;
}

bool
pn_verify_tagged(const uint8_t sig[64], const uint8_t pk[32], const char *tag,
    const uint8_t *msg, size_t len)
{
	uint8_t buf[PN_TAG_LEN + SMALL_MESSAGE];
	bool heap;
	uint8_t *m = tagged_message(buf, tag, msg, len, &heap);
	int rc;

	if (m == NULL)
		return false;
	rc = crypto_sign_verify_detached(sig, m, PN_TAG_LEN + len, pk);
	if (heap)
		free(m);
	return rc == 0;
}
