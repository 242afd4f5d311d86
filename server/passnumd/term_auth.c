/* term_auth.c -- the terminal signature on a request: headers, clock, key, nonce. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "passnum/parse.h"
#include "term_auth.h"
#include "terminal_standing.h"
#include "worker.h"

static int
refuse(struct http_request *req, enum MHD_Result *rc, enum err_code code,
    const char *detail)
{
	*rc = http_reply_error(req, code, "%s", detail);
	return -1;
}

/*
 * The request's time is outside the window. The server knows its own
 * clock and the terminal's claim, not which of the two is wrong: the
 * answer says so neutrally, with both times (server_time, request_time)
 * for the terminal to judge against the answers it saw before
 * (docs/terminal.md, "Clocks"). Logged at warn: a server whose clock
 * jumped shows here first, as every terminal at once. The terminal's
 * number is as claimed, not yet verified. Returns -1 after answering.
 */
static int
refuse_time(struct http_request *req, uint64_t terminal, int64_t at,
    int64_t now, enum MHD_Result *rc)
{
	log_line(LOG_WARN, "req=%s msg=clock_skew terminal=%llu "
	    "request_time=%lld server_time=%lld skew_s=%lld",
	    http_request_id(req), (unsigned long long)terminal, (long long)at,
	    (long long)now, (long long)(at - now));
	*rc = http_reply_error_with(req, ERR_STALE_REQUEST,
	    json_pack("{s:I, s:I}", "server_time", (json_int_t)now,
	    "request_time", (json_int_t)at), "request time %lld, server time "
	    "%lld: more than %d s apart", (long long)at, (long long)now,
	    PN_REQUEST_WINDOW);
	return -1;
}

/*
 * The checks that need no body: the headers well formed, the time within
 * the window, the terminal known. Fills *t, *nonce, sig and *at. Returns
 * 0, or -1 after answering.
 */
static int
check_headers(struct http_request *req, struct store_terminal *t,
    struct store_nonce *nonce, uint8_t sig[64], enum MHD_Result *rc)
{
	const char *id_text = http_request_header(req, PN_HDR_TERMINAL);
	const char *time_text = http_request_header(req, PN_HDR_TIME);
	const char *nonce_text = http_request_header(req, PN_HDR_NONCE);
	const char *sig_text = http_request_header(req, PN_HDR_SIGNATURE);
	uint64_t id, at;
	int64_t now = (int64_t)time(NULL);
	struct pn_error err;
	struct store *s;
	int found;

	if (id_text == NULL || time_text == NULL || nonce_text == NULL ||
	    sig_text == NULL)
		return refuse(req, rc, ERR_BAD_SIGNED_HEADERS, "this route "
		    "needs the headers " PN_HDR_TERMINAL ", " PN_HDR_TIME ", "
		    PN_HDR_NONCE " and " PN_HDR_SIGNATURE);
	if (pn_parse_u64(id_text, INT64_MAX, &id) != 0 || id == 0 ||
	    pn_parse_u64(time_text, INT64_MAX, &at) != 0 ||
	    !pn_hex_decode(nonce_text, nonce->bytes, PN_NONCE_SIZE) ||
	    !pn_hex_decode(sig_text, sig, 64))
		return refuse(req, rc, ERR_BAD_SIGNED_HEADERS, "terminal "
		    "number and time in decimal, nonce 32 and signature 128 "
		    "lowercase hex digits expected");
	nonce->at = (int64_t)at;
	if ((int64_t)at < now - PN_REQUEST_WINDOW ||
	    (int64_t)at > now + PN_REQUEST_WINDOW)
		return refuse_time(req, id, (int64_t)at, now, rc);
	if ((s = worker_store(&err)) == NULL ||
	    (found = store_terminal_get(s, (int64_t)id, t, &err)) < 0) {
		*rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		return -1;
	}
	if (found == 1)
		return refuse(req, rc, ERR_UNKNOWN_TERMINAL, "no terminal of "
		    "that number is enrolled");
	return 0;
}

/*
 * The terminal may act now: not revoked or suspended, of a venue active
 * and accredited today. reasons: the reasons recorded are given (the
 * request is signed by the terminal); otherwise only the refusal.
 */
static int
check_standing(struct http_request *req, const struct store_terminal *t,
    bool reasons, enum MHD_Result *rc)
{
	const char *why;
	enum err_code code = terminal_standing(t, (int64_t)time(NULL), &why);

	if (code == ERR_VENUE_NOT_ALLOWED || (code != ERR_NONE && reasons))
		return refuse(req, rc, code, why);
	if (code != ERR_NONE)
		return refuse(req, rc, code, code == ERR_TERMINAL_REVOKED ?
		    "the terminal is revoked" : "the terminal is suspended");
	return 0;
}

int
term_auth_early(struct http_request *req, enum MHD_Result *rc)
{
	struct store_terminal t;
	struct store_nonce nonce;
	uint8_t sig[64];

	if (check_headers(req, &t, &nonce, sig, rc) != 0)
		return -1;
	return check_standing(req, &t, false, rc);
}

int
term_auth(struct http_request *req, struct store_terminal *t,
    struct store_nonce *nonce, enum MHD_Result *rc)
{
	const char *nonce_text = http_request_header(req, PN_HDR_NONCE);
	const char *body;
	uint8_t sig[64];
	int64_t now = (int64_t)time(NULL);
	struct pn_error err;
	struct store *s;
	size_t len;
	int found;

	if (check_headers(req, t, nonce, sig, rc) != 0)
		return -1;
	body = http_request_body(req, &len);
	if (!pn_request_verify(sig, t->public_key, http_request_method(req),
	    http_request_url(req), nonce->at, nonce_text, body, len))
		return refuse(req, rc, ERR_BAD_REQUEST_SIGNATURE, "the "
		    "signature does not verify under the terminal's key for "
		    "this method, path, time, nonce and body");
	if (check_standing(req, t, true, rc) != 0)
		return -1;
	if (strcmp(http_request_method(req), "GET") == 0) {
		if ((s = worker_store(&err)) == NULL)
			found = -1;
		else
			found = store_nonce_use(s, t->id, nonce, now, &err);
		if (found < 0) {
			*rc = http_reply_error(req, ERR_STORE_UNAVAILABLE,
			    "%s", err.message);
			return -1;
		}
		if (found == 1)
			return refuse(req, rc, ERR_REPLAYED_NONCE, "this "
			    "nonce was used before; nothing was done");
	}
	return 0;
}
