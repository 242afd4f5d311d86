/* http_client.h -- the terminal's HTTP(S) requests to passnumd, signed with the device key. */
#ifndef PN_TERM_HTTP_CLIENT_H
#define PN_TERM_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "passnum/error.h"

struct http_client;

struct http_reply {
	long status;		/* HTTP status; 0 when no answer came */
	uint8_t *body;		/* malloc'd, NUL-terminated for convenience */
	size_t len;
	json_t *json;		/* the body parsed, when it is JSON; or NULL */
	char error[320];	/* why no answer came, when status is 0 */
	/*
	 * False only when not one byte of the request was written: the
	 * server cannot have received it (no connection, a failed TLS
	 * handshake). True as soon as some of it left, answered or not.
	 */
	bool sent;
	/*
	 * The server's TLS certificate was refused (not signed by the CA this
	 * terminal trusts, or not for this address): error says so in French.
	 */
	bool cert_refused;
	/*
	 * When an answer came: the server's clock from its Date header (0
	 * when it sent none or it did not read), and this machine's wall
	 * clock and ticks (skew.h) when the answer was in.
	 */
	int64_t server_date;
	int64_t received_wall;
	int64_t received_ticks;
};

/* Called with every answer that came (status not 0), before it is returned. */
typedef void (*http_answer_cb)(void *arg, const struct http_reply *r);

/*
 * A client for the server at base_url (http:// only for a loopback host),
 * checking the server's certificate against ca_file when not NULL (else
 * the system's CAs). Timeouts in seconds. NULL with err on a bad URL.
 */
struct http_client *http_client_new(const char *base_url, const char *ca_file,
    long connect_timeout, long request_timeout, struct pn_error *err);

void http_client_free(struct http_client *c);

/* Have cb(arg, reply) called with every answer from now on (NULL: none). */
void http_client_observe(struct http_client *c, http_answer_cb cb, void *arg);

/* Sign later requests as terminal number with the device key sk (64 bytes, not copied). */
void http_client_identity(struct http_client *c, uint64_t terminal,
    const uint8_t *sk);

/*
 * Send METHOD route (a path under the base URL, query included) with an
 * optional JSON body, signed when the client has an identity and sign is
 * true. Answers larger than max_reply bytes are cut off and count as no
 * answer. Returns 0 when an HTTP answer came (any status), -1 when none
 * did (reply->error says why). reply is freed with http_reply_free().
 */
int http_request(struct http_client *c, const char *method, const char *route,
    const char *body, size_t body_len, bool sign, size_t max_reply,
    struct http_reply *reply);

void http_reply_free(struct http_reply *r);

/*
 * True when the server must be taken as away: no answer, or a 5xx (a
 * server that cannot work now, or a proxy in front of a stopped one).
 */
bool http_reply_unreachable(const struct http_reply *r);

/* The error body's "code", or 0. */
int http_reply_code(const struct http_reply *r);

/* The error body's French "error" and its code, or the status. */
void http_reply_message(const struct http_reply *r, char *buf, size_t len);

/* True when host (as in a URL) names this machine: 127.0.0.0/8, ::1, localhost. */
bool http_host_is_loopback(const char *host);

#endif
