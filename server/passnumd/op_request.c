/* op_request.c -- the context of an operation for an HTTP request. */
#include <string.h>
#include <time.h>

#include "keyring.h"
#include "op_request.h"
#include "worker.h"

void
op_request_ctx_on(const struct http_request *req, struct store *s,
    struct op_ctx *cx)
{
	memset(cx, 0, sizeof(*cx));
	cx->s = s;
	cx->cfg = http_request_config(req);
	cx->keys = keyring_current();
	cx->who = http_request_principal(req);
	cx->now = (int64_t)time(NULL);
}

int
op_request_ctx(struct http_request *req, struct op_ctx *cx,
    struct pn_error *err)
{
	struct store *s;

	if ((s = worker_store(err)) == NULL)
		return -1;
	op_request_ctx_on(req, s, cx);
	return 0;
}
