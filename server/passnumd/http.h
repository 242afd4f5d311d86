/* http.h -- passnumd's HTTP layer: the daemon, routing, limits, JSON and error replies.
 *
 * Handlers parse and validate, call the store, and render; they reply with
 * one of the http_reply_* functions, exactly once.
 */
#ifndef PN_HTTP_H
#define PN_HTTP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "config.h"
#include "errors.h"

struct http_request;

typedef enum MHD_Result (*http_handler)(struct http_request *req);

/*
 * A route: method, path pattern, handler, and the roles allowed (a mask of
 * enum store_role bits; 0 for a public route). A pattern segment written
 * "{}" matches any one segment without a dot, which http_request_param()
 * returns; "{}" with a suffix ("{}.pdf") matches a segment ending with it,
 * and the parameter is what comes before (without a dot either). The
 * first route whose pattern matches is taken. Authentication and the role
 * check happen before the handler runs.
 */
struct http_route {
	const char *method;
	const char *path;
	http_handler handler;
	unsigned roles;
	unsigned flags;			/* HTTP_PAGE or 0 */
};

/*
 * An HTML page for people rather than a JSON route for programs: when
 * authentication fails it redirects to the login page, and other refusals
 * are answered with a French page instead of JSON.
 */
#define HTTP_PAGE 1

/*
 * A terminal's route: the request must carry a valid terminal signature
 * (term_auth.h), checked before the handler runs.
 */
#define HTTP_SIGNED 2

/* A route whose body may be as large as [redemption] max_batch_body. */
#define HTTP_LARGE_BODY 4

/*
 * A page that takes a file (multipart/form-data): its body may be as large
 * as [server] max_upload, and only a logged-in user of an allowed role
 * gets as far as sending it (auth_check_before_body()).
 */
#define HTTP_UPLOAD 8

/*
 * A route that a session whose user holds a one-time password may use:
 * « Mon compte », where it is changed, and logging out. Every other route
 * sends such a session there (a page) or refuses it (the API).
 */
#define HTTP_PASSWORD_FORM 16

#define HTTP_PARAMS_MAX 2
#define HTTP_PARAM_LEN 64

/* The routing table (routes.c) and its size. */
extern const struct http_route http_routes[];
extern const size_t http_routes_count;

/*
 * How a page route (HTTP_PAGE) answers a refusal made before its handler
 * (authentication, CSRF): with the routes, in routes.c, so that the HTTP
 * core knows nothing of the pages.
 */
extern enum MHD_Result (*const http_page_error)(struct http_request *req,
    enum err_code code, const char *detail);

/* What a handler may read of its request. */
const char *http_request_method(const struct http_request *req);
const char *http_request_url(const struct http_request *req);
const char *http_request_body(const struct http_request *req, size_t *len);
const char *http_request_header(const struct http_request *req,
    const char *name);
const char *http_request_query(const struct http_request *req,
    const char *name);

/* The i-th "{}" segment of the matched pattern, or NULL. */
const char *http_request_param(const struct http_request *req, unsigned i);

/* The value of cookie name, or NULL. */
const char *http_request_cookie(const struct http_request *req,
    const char *name);

/* The client's address as text ("127.0.0.1", "::1"; "unknown"). */
const char *http_request_address(const struct http_request *req);

/*
 * The request's id: 16 random hex digits, sent in X-Request-Id, shown on
 * error pages and written on each of its lines in the log.
 */
const char *http_request_id(const struct http_request *req);

/* The pattern of the route taken ("/api/v1/booklets/{}"), or "other". */
const char *http_request_route(const struct http_request *req);

/*
 * Note that req is answered with error code (for its line in the log).
 * For a server fault (status 500 and above) detail, the cause, is logged
 * at level error and replaced (size bytes) by a pointer to the log: the
 * database path or SQLite's text never reach the client.
 */
void http_note_error(struct http_request *req, enum err_code code,
    char *detail, size_t size);

/* The server speaks HTTPS (cookies are then marked Secure). */
bool http_request_tls(const struct http_request *req);

/* The server's configuration. */
const struct config *http_request_config(const struct http_request *req);

struct form;

/*
 * The body decoded as an HTML form (application/x-www-form-urlencoded),
 * parsed once and kept with the request; NULL when the body is not such a
 * form or does not decode (then err, if not NULL, says why).
 */
const struct form *http_request_form(struct http_request *req,
    const char **err);

struct store_principal;
struct store_session;

/* Who the request acts for (a route with roles), or NULL (a public one). */
const struct store_principal *http_request_principal(
    const struct http_request *req);

struct store_terminal;
struct store_nonce;

/*
 * The terminal that signed the request (a route with HTTP_SIGNED), or
 * NULL; *nonce, when nonce is not NULL, gets the request's nonce.
 */
const struct store_terminal *http_request_terminal(
    const struct http_request *req, const struct store_nonce **nonce);

/* The browser session the request came with, or NULL (a token, or none). */
const struct store_session *http_request_session(
    const struct http_request *req);

/*
 * Add a header to the reply to come (Set-Cookie, Location, Retry-After...);
 * at most HTTP_EXTRA_HEADERS per request. Returns 0, or -1 when full or
 * too long.
 */
#define HTTP_EXTRA_HEADERS 4
int http_add_header(struct http_request *req, const char *name,
    const char *value);

/* Reply 303 See Other to location (a path of this server). */
enum MHD_Result http_redirect(struct http_request *req, const char *location);

/*
 * Reply with an HTML page of len bytes (copied), with the headers that
 * keep pages safe: a strict Content-Security-Policy (no script at all),
 * no framing, no referrer.
 */
enum MHD_Result http_reply_html(struct http_request *req, unsigned status,
    const char *html, size_t len);

/* Reply with a JSON document (reference stolen) and status. */
enum MHD_Result http_reply_json(struct http_request *req, unsigned status,
    json_t *body);

/* Reply {"code": N, "error": French message, "detail": printf(fmt, ...)}. */
enum MHD_Result http_reply_error(struct http_request *req, enum err_code code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * As http_reply_error(), with the members of fields (a JSON object, or
 * NULL; reference stolen) added to the body beside code, error, detail
 * and request_id, which they cannot replace.
 */
enum MHD_Result http_reply_error_with(struct http_request *req,
    enum err_code code, json_t *fields, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reply with text of len bytes (copied) and a content type. */
enum MHD_Result http_reply_text(struct http_request *req, unsigned status,
    const char *content_type, const char *text, size_t len);

/*
 * Reply with a document of len bytes, which the reply takes over (it is
 * freed once sent, or at once when the reply fails), its content type and
 * its Content-Disposition ("inline; filename=\"carnet-1.pdf\"").
 */
enum MHD_Result http_reply_document(struct http_request *req, unsigned status,
    const char *content_type, const char *disposition, void *data,
    size_t len);

/*
 * Names of the routes as metrics label them, and their number: one per
 * route, then "other" for requests that matched none.
 */
const char *const *http_route_names(const struct http_request *req, size_t *n);

/*
 * Answer req later: its connection is suspended and its thread goes on
 * with other connections until http_resume(req) is called (from any
 * thread, once); then then(req) is called on one of the pool's threads to
 * answer. Call it last in a handler, returning what it returns, and
 * before handing req to whatever will resume it.
 */
enum MHD_Result http_suspend(struct http_request *req, http_handler then);
void http_resume(struct http_request *req);

/* http_resume(req) in the shape of a completion callback (store_write_done). */
void http_resume_cb(void *req);

/*
 * Keep state with req, for the handler that answers after a suspension;
 * state_free(state) is called when the request ends, answered or not.
 */
void http_request_keep(struct http_request *req, void *state,
    void (*state_free)(void *state));
void *http_request_kept(const struct http_request *req);

struct http_server;

/*
 * Start serving with the limits and thread pool of cfg. Returns NULL with
 * a message in err when the address cannot be bound or TLS files cannot
 * be read.
 */
struct http_server *http_start(const struct config *cfg, char *err,
    size_t errlen);

/* The port actually bound (useful when the configuration said 0). */
uint16_t http_port(const struct http_server *srv);

/*
 * Stop accepting connections, let requests in flight finish for up to
 * grace_seconds, then stop. NULL is accepted.
 */
void http_stop(struct http_server *srv, unsigned grace_seconds);

#endif
