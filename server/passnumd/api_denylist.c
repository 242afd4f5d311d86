/* api_denylist.c -- GET /api/v1/denylist?since=SEQ: signed increments for terminals. */
#include <stdlib.h>
#include <time.h>

#include "passnum/denylist.h"
#include "passnum/parse.h"
#include "api.h"
#include "keyring.h"
#include "worker.h"

static int
add_entry(void *ctx, uint64_t serial, int64_t expires, unsigned reason)
{
	return pn_denylist_add(ctx, serial, (uint32_t)expires,
	    (enum pn_deny_reason)reason, NULL);
}

enum MHD_Result
api_denylist(struct http_request *req)
{
	const struct keyring *k = keyring_current();
	const char *arg = http_request_query(req, "since");
	struct pn_denylist *d;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	uint64_t since = 0, to_seq;
	uint8_t *buf;
	size_t len;

	if (arg != NULL && pn_parse_u64(arg, INT64_MAX, &since) != 0)
		return http_reply_error(req, ERR_BAD_SEQUENCE, "since: a "
		    "sequence number (0 for the full list), got '%s'", arg);
	if (k == NULL || k->signing == NULL)
		return http_reply_error(req, ERR_NO_SIGNING_KEY, "[keys] "
		    "signing_key must be configured to sign the deny list");
	if ((d = pn_denylist_new()) == NULL)
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	if ((s = worker_store(&err)) == NULL ||
	    store_denylist_since(s, since, add_entry, d, &to_seq, &err) != 0) {
		pn_denylist_free(d);
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	}
	if (to_seq < since) {
		pn_denylist_free(d);
		return http_reply_error(req, ERR_BAD_SEQUENCE, "the latest "
		    "number is %llu; ask for since=0 to start again",
		    (unsigned long long)to_seq);
	}
	if (pn_denylist_sign(d, k->signing, since, to_seq, (int64_t)time(NULL),
	    &err) != 0 || pn_denylist_encode(d, &buf, &len, &err) != 0) {
		pn_denylist_free(d);
		return http_reply_error(req, ERR_INTERNAL, "%s", err.message);
	}
	rc = http_reply_text(req, 200, "application/octet-stream",
	    (const char *)buf, len);
	free(buf);
	pn_denylist_free(d);
	return rc;
}
