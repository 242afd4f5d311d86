/* op_request.h -- the context of an operation (op.h) for an HTTP request. */
#ifndef PN_OP_REQUEST_H
#define PN_OP_REQUEST_H

#include "http.h"
#include "op.h"

/*
 * Fill *cx for req: this thread's connection, the running configuration
 * and keys, the request's principal (NULL before authentication), and
 * the time, read once here. 0, or -1 with err when the database cannot
 * be opened.
 */
int op_request_ctx(struct http_request *req, struct op_ctx *cx,
    struct pn_error *err);

/* The same, on the connection s the handler already holds. */
void op_request_ctx_on(const struct http_request *req, struct store *s,
    struct op_ctx *cx);

#endif
