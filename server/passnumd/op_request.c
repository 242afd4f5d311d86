/* op_request.c -- the context of an operation for an HTTP request. */
#include <string.h>
#include <time.h>

#include "keyring.h"
#include "op_request.h"
#include "worker.h"

int
op_request_ctx(struct http_request *req, struct op_ctx *cx,
    struct pn_error *err)
{
	memset(cx, 0, sizeof(*cx));
	if ((cx->s = worker_store(err)) == NULL)
		return -1;
	cx->cfg = http_request_config(req);
	cx->keys = keyring_current();
	cx->who = http_request_principal(req);
	cx->now = (int64_t)time(NULL);
	return 0;
}
