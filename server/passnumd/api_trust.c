/* api_trust.c -- GET /api/v1/trust: the signed trust bundle, for terminals. */
#include "api.h"
#include "keyring.h"

enum MHD_Result
api_trust(struct http_request *req)
{
	const struct keyring *k = keyring_current();

	if (k == NULL || k->bundle == NULL)
		return http_reply_error(req, ERR_TRUST_UNAVAILABLE, "[keys] "
		    "trust_bundle is not configured");
	return http_reply_text(req, 200, "application/octet-stream",
	    (const char *)k->bundle, k->bundle_len);
}
