/* api_checkpoint.c -- GET /api/v1/checkpoint: the latest signed checkpoint, for terminals and anyone who keeps a copy. */
#include <string.h>

#include "passnum/checkpoint.h"
#include "api.h"
#include "worker.h"

enum MHD_Result
api_checkpoint(struct http_request *req)
{
	char text[PN_CHECKPOINT_TEXT_MAX];
	struct pn_error err;
	struct store *s;
	int rc;

	if ((s = worker_store(&err)) == NULL ||
	    (rc = store_checkpoint_last(s, text, sizeof(text), &err)) < 0)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	if (rc == 1)
		return http_reply_error(req, ERR_NO_CHECKPOINT, "no checkpoint "
		    "has been made: [keys] signing_key is needed to sign one");
	return http_reply_json(req, 200, json_pack("{s:s}", "checkpoint",
	    text));
}
