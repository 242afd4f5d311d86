/* http.c -- the libmicrohttpd daemon: routing, limits, and JSON and error replies.
 *
 * A response is queued on the access handler's second call at the
 * earliest (its first call only records the request): queuing on the
 * first call makes libmicrohttpd close the connection, which costs a new
 * TCP handshake per request. Errors found on the first call (URL too long,
 * too many connections, a declared body too large) are the exception:
 * closing such a connection is what we want.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "passnum/request.h"
#include "auth.h"
#include "form.h"
#include "form_multipart.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "session.h"
#include "store.h"
#include "term_auth.h"

/*
 * Client addresses, how many connections each has open and how many bytes
 * of request bodies the server holds for it.
 */
struct ip_count {
	uint8_t key[17];	/* family byte, then 4 or 16 address bytes */
	unsigned count;
	size_t bytes;
};

/*
 * A signed route's headers are checked before a body larger than this is
 * accepted (term_auth_early()): an unknown terminal cannot make the server
 * hold megabytes.
 */
#define HTTP_EARLY_CHECK_BODY 4096

struct http_server {
	struct MHD_Daemon *daemon;
	const struct config *cfg;
	char *tls_cert, *tls_key;	/* PEM text, kept while serving */
	pthread_mutex_t ip_lock;
	struct ip_count *ips;		/* live addresses, unordered */
	size_t n_ips, cap_ips;
	size_t bytes;			/* body bytes held, all addresses */
	const char **route_names;	/* for metrics; last is "other" */
	unsigned suspended;		/* suspended, not yet run again (atomic) */
};

struct http_request {
	struct http_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	struct timespec start;
	char *body;
	size_t body_len, body_cap;
	enum err_code pending;		/* a limit was breached: answer this */
	bool has_pending;
	char pending_detail[160];
	const uint8_t *ip_key;		/* the connection's address, or NULL */
	size_t held;			/* body bytes counted against it */
	char id[17];			/* random, hex: X-Request-Id and the log */
	enum err_code code;		/* the error answered, if any */
	bool has_code;
	bool replied;
	bool close_reply;		/* a limit's reply: close afterwards */
	bool page_error;		/* an HTML error page is being made */
	unsigned status;
	size_t route;			/* index into http_routes, or "other" */
	char params[HTTP_PARAMS_MAX][HTTP_PARAM_LEN];
	unsigned n_params;
	size_t max_body;		/* the route's limit on the body */
	struct store_terminal terminal;	/* a signed route's terminal */
	struct store_nonce nonce;	/* ... and its request's nonce */
	bool signed_ok;
	struct store_principal who;
	bool authenticated;
	struct store_session session;	/* when the request came with one */
	bool has_session;
	struct form form;		/* http_request_form(), parsed once */
	bool form_parsed;
	const char *form_err;		/* NULL: the form decoded */
	char form_msg[160];
	char address[SESSION_ADDRESS_MAX];
	struct {
		char name[32];
		char value[256];
	} extra[HTTP_EXTRA_HEADERS];	/* http_add_header() */
	unsigned n_extra;
	http_handler then;		/* http_suspend(): answers on resume */
	void *state;			/* http_request_keep() */
	void (*state_free)(void *state);
};

static bool path_matches(const char *pattern, const char *url,
    struct http_request *req);
static const struct http_route *route_flagged(struct http_request *req,
    unsigned flag);

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* --- Per-address connection counts -------------------------------------- */

/* Fill key from the connection's client address; 0, or -1 if unknown. */
static int
client_key(struct MHD_Connection *c, uint8_t key[17])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa;

	memset(key, 0, 17);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return -1;
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)(const void *)sa)
		    ->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		key[0] = 6;
		memcpy(key + 1, &((const struct sockaddr_in6 *)(const void *)
		    sa)->sin6_addr, 16);
	} else
		return -1;
	return 0;
}

/* The index of key in srv->ips, or srv->n_ips; ip_lock is held. */
static size_t
ip_find(const struct http_server *srv, const uint8_t key[17])
{
	size_t i;

	for (i = 0; i < srv->n_ips; i++)
		if (memcmp(srv->ips[i].key, key, 17) == 0)
			break;
	return i;
}

/* Add delta to the count of key; returns the new count. */
static unsigned
ip_add(struct http_server *srv, const uint8_t key[17], int delta)
{
	unsigned count = 0;
	size_t i;

	pthread_mutex_lock(&srv->ip_lock);
	i = ip_find(srv, key);
	if (i == srv->n_ips && delta > 0) {
		if (srv->n_ips == srv->cap_ips) {
			size_t cap = srv->cap_ips ? 2 * srv->cap_ips : 64;
			struct ip_count *grown = realloc(srv->ips,
			    cap * sizeof(*grown));

			if (grown == NULL) {
				pthread_mutex_unlock(&srv->ip_lock);
				return UINT32_MAX;	/* refuse when in doubt */
			}
			srv->ips = grown;
			srv->cap_ips = cap;
		}
		memcpy(srv->ips[i].key, key, 17);
		srv->ips[i].count = 0;
		srv->ips[i].bytes = 0;
		srv->n_ips++;
	}
	if (i < srv->n_ips) {
		if (delta > 0)
			srv->ips[i].count++;
		else if (srv->ips[i].count > 0)
			srv->ips[i].count--;
		count = srv->ips[i].count;
		if (count == 0 && srv->ips[i].bytes == 0)
			srv->ips[i] = srv->ips[--srv->n_ips];
	}
	pthread_mutex_unlock(&srv->ip_lock);
	return count;
}

/*
 * Count n more body bytes held for key (release them when n is negative).
 * Returns 0, or -1 without counting when the address or the server would
 * hold more than max_in_flight_per_ip or max_in_flight bytes.
 */
static int
ip_hold(struct http_server *srv, const uint8_t key[17], long long n)
{
	const struct config_server *cs = &srv->cfg->server;
	int rc = 0;
	size_t i;

	pthread_mutex_lock(&srv->ip_lock);
	if ((i = ip_find(srv, key)) == srv->n_ips)
		rc = -1;	/* the connection's entry is always there */
	else if (n >= 0) {
		if (srv->ips[i].bytes + (size_t)n > cs->max_in_flight_per_ip ||
		    srv->bytes + (size_t)n > cs->max_in_flight)
			rc = -1;
		else {
			srv->ips[i].bytes += (size_t)n;
			srv->bytes += (size_t)n;
		}
	} else {
		srv->ips[i].bytes -= (size_t)-n;
		srv->bytes -= (size_t)-n;
		if (srv->ips[i].count == 0 && srv->ips[i].bytes == 0)
			srv->ips[i] = srv->ips[--srv->n_ips];
	}
	pthread_mutex_unlock(&srv->ip_lock);
	return rc;
}

/*
 * A new connection is counted against its address, and must send a
 * request's headers within header_timeout seconds of silence (the
 * connection's idle timeout until its first request is in).
 */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;
	uint8_t *key;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		(void)MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
		    srv->cfg->server.header_timeout);
		if ((key = malloc(17)) == NULL)
			return;
		if (client_key(c, key) != 0) {
			free(key);
			return;
		}
		(void)ip_add(srv, key, +1);
		*socket_context = key;
	} else if (*socket_context != NULL) {
		key = *socket_context;
		(void)ip_add(srv, key, -1);
		free(key);
		*socket_context = NULL;
	}
}

/* Connections now open from the client of c (0 when unknown). */
static unsigned
ip_current(struct http_server *srv, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	unsigned count = 0;
	size_t i;

	if (ci == NULL || ci->socket_context == NULL)
		return 0;
	pthread_mutex_lock(&srv->ip_lock);
	if ((i = ip_find(srv, ci->socket_context)) < srv->n_ips)
		count = srv->ips[i].count;
	pthread_mutex_unlock(&srv->ip_lock);
	return count;
}

/* --- Replies ------------------------------------------------------------- */

/*
 * Add the headers every reply carries (and the page and extra headers),
 * queue resp with status and release it.
 */
static enum MHD_Result
send_response(struct http_request *req, struct MHD_Response *resp,
    unsigned status, const char *content_type, bool close)
{
	enum MHD_Result rc;
	unsigned h;

	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    content_type);
	(void)MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(resp, "X-Request-Id", req->id);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	if (req->srv->cfg->server.tls_cert[0] != '\0')
		(void)MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_STRICT_TRANSPORT_SECURITY,
		    "max-age=31536000");
	if (close)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	if (strncmp(content_type, "text/html", 9) == 0) {
		/* Pages carry no script: the policy forbids any. */
		(void)MHD_add_response_header(resp,
		    "Content-Security-Policy", "default-src 'none'; "
		    "style-src 'self'; img-src 'self' data:; "
		    "form-action 'self'; frame-ancestors 'none'; "
		    "base-uri 'none'");
		(void)MHD_add_response_header(resp, "X-Frame-Options", "DENY");
		(void)MHD_add_response_header(resp, "Referrer-Policy",
		    "no-referrer");
	}
	for (h = 0; h < req->n_extra; h++)
		(void)MHD_add_response_header(resp, req->extra[h].name,
		    req->extra[h].value);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
		char allow[128] = "";
		size_t i;

		struct http_request scratch;

		for (i = 0; i < http_routes_count; i++) {
			scratch.n_params = 0;
			if (!path_matches(http_routes[i].path, req->url,
			    &scratch))
				continue;
			if (allow[0] != '\0')
				(void)strncat(allow, ", ", sizeof(allow) -
				    strlen(allow) - 1);
			(void)strncat(allow, http_routes[i].method,
			    sizeof(allow) - strlen(allow) - 1);
		}
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	}
	rc = MHD_queue_response(req->conn, status, resp);
	MHD_destroy_response(resp);
	if (rc == MHD_YES) {
		req->replied = true;
		req->status = status;
	}
	return rc;
}

static enum MHD_Result
reply(struct http_request *req, unsigned status, const char *content_type,
    const char *data, size_t len, bool close)
{
	struct MHD_Response *resp;

	if (req->replied)
		return MHD_YES;
	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	return send_response(req, resp, status, content_type,
	    close || req->close_reply);
}

enum MHD_Result
http_reply_text(struct http_request *req, unsigned status,
    const char *content_type, const char *text, size_t len)
{
	return reply(req, status, content_type, text, len, false);
}

enum MHD_Result
http_reply_html(struct http_request *req, unsigned status, const char *html,
    size_t len)
{
	return reply(req, status, "text/html; charset=utf-8", html, len,
	    false);
}

int
http_add_header(struct http_request *req, const char *name,
    const char *value)
{
	unsigned i = req->n_extra;

	if (i == HTTP_EXTRA_HEADERS ||
	    strlen(name) >= sizeof(req->extra[i].name) ||
	    strlen(value) >= sizeof(req->extra[i].value))
		return -1;
	memcpy(req->extra[i].name, name, strlen(name) + 1);
	memcpy(req->extra[i].value, value, strlen(value) + 1);
	req->n_extra++;
	return 0;
}

enum MHD_Result
http_redirect(struct http_request *req, const char *location)
{
	static const char body[] = "Voir la page suivante.\n";

	if (http_add_header(req, MHD_HTTP_HEADER_LOCATION, location) != 0)
		return http_reply_error(req, ERR_INTERNAL, "redirect target "
		    "too long");
	return reply(req, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8",
	    body, sizeof(body) - 1, false);
}

enum MHD_Result
http_reply_json(struct http_request *req, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	enum MHD_Result rc;

	json_decref(body);
	if (text == NULL)
		return reply(req, 500, "application/json",
		    "{\"code\":1000,\"error\":\"internal\"}", 32, true);
	rc = reply(req, status, "application/json", text, strlen(text), false);
	free(text);
	return rc;
}

void
http_note_error(struct http_request *req, enum err_code code, char *detail,
    size_t size)
{
	const struct err_info *e = err_lookup(code);
	char quoted[600];

	req->code = code;
	req->has_code = true;
	if (e->status < 500)
		return;
	/* The cause is for the administrator, not for the client. */
	log_line(LOG_ERROR, "req=%s route=%s code=%d msg=%s", req->id,
	    http_request_route(req), (int)e->code,
	    log_quote(detail, quoted, sizeof(quoted)));
	(void)snprintf(detail, size, "the cause is in the server log under "
	    "req=%s", req->id);
}

const char *
http_request_id(const struct http_request *req)
{
	return req->id;
}

const char *
http_request_route(const struct http_request *req)
{
	return req->route < http_routes_count ? http_routes[req->route].path :
	    "other";
}

/*
 * Whether an error for req is answered as a French HTML page rather than
 * JSON: never under /api/ (programs and terminals); else as the Accept
 * header prefers (a browser names text/html first, a program asking for
 * JSON names application/json); else a page's route, or any address that
 * is not a known route (a mistyped link followed in a browser). curl
 * accepts anything: its 404 on /nope is HTML, on /api/v1/nope JSON.
 */
static const char *
find_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static bool
wants_html(struct http_request *req)
{
	const char *accept, *html, *json;
	struct http_request scratch;
	size_t i;

	if (strncmp(req->url, "/api/", 5) == 0 || strcmp(req->url, "/api") == 0)
		return false;
	if ((accept = http_request_header(req, MHD_HTTP_HEADER_ACCEPT)) !=
	    NULL) {
		html = find_nocase(accept, "text/html");
		json = find_nocase(accept, "application/json");
		if (html != NULL && (json == NULL || html < json))
			return true;
		if (json != NULL)
			return false;
	}
	if (req->route < http_routes_count)
		return (http_routes[req->route].flags & HTTP_PAGE) != 0;
	/* A known address asked with another method: as its routes are. */
	for (i = 0; i < http_routes_count; i++) {
		scratch.n_params = 0;
		if (path_matches(http_routes[i].path, req->url, &scratch))
			return (http_routes[i].flags & HTTP_PAGE) != 0;
	}
	return true;
}

/*
 * An error reply; close asks the client to go away (limits). fields, a
 * JSON object or NULL, adds members (reference stolen).
 */
static enum MHD_Result
reply_error(struct http_request *req, enum err_code code, bool close,
    json_t *fields, const char *fmt, va_list ap)
{
	const struct err_info *e = err_lookup(code);
	char detail[512];
	char *text;
	json_t *body;
	enum MHD_Result rc;

	if (req->replied) {
		json_decref(fields);
		return MHD_YES;
	}
	if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
		detail[0] = '\0';
	/*
	 * A browser gets the French page, with the menu when the request
	 * was authenticated; a limit's page is made before any database
	 * read (no session looked up) and closes the connection. Once only:
	 * a page that fails to be made falls back to JSON here.
	 */
	if (!req->page_error && wants_html(req)) {
		json_decref(fields);
		req->page_error = true;
		req->close_reply = close;
		return http_page_error(req, code, detail);
	}
	http_note_error(req, code, detail, sizeof(detail));
	body = json_pack("{s:i, s:s, s:s, s:s}", "code", (int)e->code, "error",
	    e->fr, "detail", detail, "request_id", req->id);
	/* The members above stay as they are: fields only adds. */
	if (body != NULL && json_is_object(fields) &&
	    json_object_update_missing(body, fields) != 0) {
		json_decref(body);
		body = NULL;
	}
	json_decref(fields);
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return MHD_NO;
	rc = reply(req, e->status, "application/json", text, strlen(text),
	    close);
	free(text);
	return rc;
}

enum MHD_Result
http_reply_error(struct http_request *req, enum err_code code,
    const char *fmt, ...)
{
	enum MHD_Result rc;
	va_list ap;

	va_start(ap, fmt);
	rc = reply_error(req, code, false, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

enum MHD_Result
http_reply_error_with(struct http_request *req, enum err_code code,
    json_t *fields, const char *fmt, ...)
{
	enum MHD_Result rc;
	va_list ap;

	va_start(ap, fmt);
	rc = reply_error(req, code, false, fields, fmt, ap);
	va_end(ap);
	return rc;
}

static enum MHD_Result
reply_limit(struct http_request *req, enum err_code code, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static enum MHD_Result
reply_limit(struct http_request *req, enum err_code code, const char *fmt, ...)
{
	enum MHD_Result rc;
	va_list ap;

	va_start(ap, fmt);
	rc = reply_error(req, code, true, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

/* --- Requests -------------------------------------------------------------- */

const char *http_request_method(const struct http_request *r) { return r->method; }
const char *http_request_url(const struct http_request *r) { return r->url; }

const char *
http_request_param(const struct http_request *req, unsigned i)
{
	return i < req->n_params ? req->params[i] : NULL;
}

const struct store_principal *
http_request_principal(const struct http_request *req)
{
	return req->authenticated ? &req->who : NULL;
}

const struct store_session *
http_request_session(const struct http_request *req)
{
	return req->has_session ? &req->session : NULL;
}

const struct store_terminal *
http_request_terminal(const struct http_request *req,
    const struct store_nonce **nonce)
{
	if (!req->signed_ok)
		return NULL;
	if (nonce != NULL)
		*nonce = &req->nonce;
	return &req->terminal;
}

const char *
http_request_cookie(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

bool
http_request_tls(const struct http_request *req)
{
	return req->srv->cfg->server.tls_cert[0] != '\0';
}

const struct config *
http_request_config(const struct http_request *req)
{
	return req->srv->cfg;
}

const char *
http_request_address(const struct http_request *r)
{
	struct http_request *req = (struct http_request *)(uintptr_t)r;
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	const void *a = NULL;

	if (req->address[0] != '\0')
		return req->address;
	ci = MHD_get_connection_info(req->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		if (sa->sa_family == AF_INET)
			a = &((const struct sockaddr_in *)(const void *)sa)
			    ->sin_addr;
		else if (sa->sa_family == AF_INET6)
			a = &((const struct sockaddr_in6 *)(const void *)sa)
			    ->sin6_addr;
	}
	if (a == NULL || inet_ntop(sa->sa_family, a, req->address,
	    sizeof(req->address)) == NULL)
		(void)snprintf(req->address, sizeof(req->address), "unknown");
	return req->address;
}

const struct form *
http_request_form(struct http_request *req, const char **err)
{
	const char *type = http_request_header(req,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	if (!req->form_parsed) {
		req->form_parsed = true;
		if (type != NULL && strncasecmp(type, "multipart/form-data",
		    19) == 0 && route_flagged(req, HTTP_UPLOAD) != NULL) {
			if (form_multipart_parse(req->conn, req->body != NULL ?
			    req->body : "", req->body_len, &req->form,
			    req->form_msg, sizeof(req->form_msg)) != 0)
				req->form_err = req->form_msg;
		} else if (type == NULL || strncmp(type,
		    "application/x-www-form-urlencoded", 33) != 0 ||
		    (type[33] != '\0' && type[33] != ';'))
			req->form_err = "the body is not an HTML form "
			    "(application/x-www-form-urlencoded)";
		else if (form_parse(req->body != NULL ? req->body : "",
		    req->body_len, &req->form, req->form_msg,
		    sizeof(req->form_msg)) != 0)
			req->form_err = req->form_msg;
	}
	if (req->form_err != NULL) {
		if (err != NULL)
			*err = req->form_err;
		return NULL;
	}
	return &req->form;
}

const char *
http_request_body(const struct http_request *req, size_t *len)
{
	*len = req->body_len;
	return req->body != NULL ? req->body : "";
}

const char *
http_request_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_request_query(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn,
	    MHD_GET_ARGUMENT_KIND, name);
}

/* Adds the length of one query argument, as sent, to *(size_t *)cls. */
static enum MHD_Result
add_arg_len(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	size_t *len = cls;

	(void)kind;
	*len += strlen(key) + 2 + (value != NULL ? strlen(value) : 0);
	return MHD_YES;
}

/* Length of the URL as requested: path, then "?" and the arguments. */
static size_t
url_length(const struct http_request *req)
{
	size_t len = strlen(req->url);

	(void)MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND,
	    add_arg_len, &len);
	return len;
}

/* Checks made when the headers are in, before any body is read. */
static bool path_matches(const char *pattern, const char *url,
    struct http_request *req);

/* The route of req among those flagged flag, found before the body, or NULL. */
static const struct http_route *
route_flagged(struct http_request *req, unsigned flag)
{
	struct http_request scratch;
	size_t i;

	for (i = 0; i < http_routes_count; i++) {
		scratch.n_params = 0;
		if ((http_routes[i].flags & flag) &&
		    strcmp(http_routes[i].method, req->method) == 0 &&
		    path_matches(http_routes[i].path, req->url, &scratch))
			return &http_routes[i];
	}
	return NULL;
}

/*
 * The limit on the body of req: the server's, the batch limit for a route
 * that takes large bodies (HTTP_LARGE_BODY), or the upload limit for a
 * page that takes a file (HTTP_UPLOAD).
 */
static size_t
route_max_body(struct http_request *req)
{
	const struct config *cfg = req->srv->cfg;

	if (route_flagged(req, HTTP_LARGE_BODY) != NULL)
		return cfg->redemption.max_batch_body;
	if (route_flagged(req, HTTP_UPLOAD) != NULL)
		return cfg->server.max_upload;
	return cfg->server.max_body;
}

/* Counts the Content-Length headers of a request, noting if they differ. */
struct length_count {
	const char *first;
	unsigned n;
	bool differ;
};

static enum MHD_Result
count_length(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct length_count *lc = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return MHD_YES;
	if (lc->n++ == 0)
		lc->first = value;
	else if (value == NULL || lc->first == NULL ||
	    strcmp(value, lc->first) != 0)
		lc->differ = true;
	return MHD_YES;
}

/*
 * The signed route that req asks for, when its body may be larger than
 * HTTP_EARLY_CHECK_BODY (declared so, or of unknown length), or NULL.
 */
static const struct http_route *
signed_route_large_body(struct http_request *req, const char *cl)
{
	struct http_request scratch;
	size_t i;

	if (cl != NULL && strtoull(cl, NULL, 10) <= HTTP_EARLY_CHECK_BODY)
		return NULL;
	if (cl == NULL && http_request_header(req,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) == NULL)
		return NULL;
	for (i = 0; i < http_routes_count; i++) {
		scratch.n_params = 0;
		if ((http_routes[i].flags & HTTP_SIGNED) &&
		    strcmp(http_routes[i].method, req->method) == 0 &&
		    path_matches(http_routes[i].path, req->url, &scratch)) {
			req->route = i;
			return &http_routes[i];
		}
	}
	return NULL;
}

/*
 * A page that takes a file, before its body: only a logged-in user whose
 * role may use it gets to send megabytes. 0, or -1 after answering.
 */
static int
upload_early_auth(struct http_request *req, enum MHD_Result *rc)
{
	const struct http_route *route = route_flagged(req, HTTP_UPLOAD);
	char detail[256];

	if (route == NULL)
		return 0;
	switch (auth_check_before_body(req, route->roles, detail,
	    sizeof(detail))) {
	case AUTH_OK:
		return 0;
	case AUTH_NONE:
		*rc = http_redirect(req, "/connexion");
		return -1;
	case AUTH_FORBIDDEN:
		*rc = http_page_error(req, ERR_FORBIDDEN, detail);
		return -1;
	default:
		*rc = http_page_error(req, ERR_STORE_UNAVAILABLE, detail);
		return -1;
	}
}

static enum MHD_Result
on_headers(struct http_request *req)
{
	const struct config_server *cs = &req->srv->cfg->server;
	const union MHD_ConnectionInfo *ci;
	struct length_count lc = { NULL, 0, false };
	const char *cl;
	unsigned open;
	char *end;
	unsigned long long declared;
	enum MHD_Result rc;
	size_t n;

	/* Headers in: the idle timeout is the ordinary one again. */
	(void)MHD_set_connection_option(req->conn,
	    MHD_CONNECTION_OPTION_TIMEOUT, cs->conn_timeout);
	ci = MHD_get_connection_info(req->conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL)
		req->ip_key = ci->socket_context;
	(void)MHD_get_connection_values(req->conn, MHD_HEADER_KIND,
	    count_length, &lc);
	if (lc.differ)
		return reply_limit(req, ERR_CONFLICTING_CONTENT_LENGTH, "%u "
		    "Content-Length headers with different values", lc.n);

	req->max_body = route_max_body(req);
	if ((n = url_length(req)) > cs->max_url)
		return reply_limit(req, ERR_URL_TOO_LONG, "the URL has about "
		    "%zu bytes; at most %zu are accepted", n, cs->max_url);
	if ((open = ip_current(req->srv, req->conn)) > cs->max_conn_per_ip)
		return reply_limit(req, ERR_TOO_MANY_CONNECTIONS, "%u "
		    "connections open from this address; at most %u",
		    open, cs->max_conn_per_ip);
	cl = http_request_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		declared = strtoull(cl, &end, 10);
		if (errno == 0 && *end == '\0' && declared > req->max_body)
			return reply_limit(req, ERR_BODY_TOO_LARGE, "the body "
			    "has %llu bytes; at most %zu are accepted",
			    declared, req->max_body);
	}
	if (signed_route_large_body(req, cl) != NULL &&
	    term_auth_early(req, &rc) != 0)
		return rc;
	if (upload_early_auth(req, &rc) != 0)
		return rc;
	return MHD_YES;
}

/* Take a chunk of the body, or note why it is refused. */
static enum MHD_Result
on_upload(struct http_request *req, const char *data, size_t size)
{
	const struct config_server *cs = &req->srv->cfg->server;
	double elapsed = seconds_since(&req->start);

	if (req->replied || req->has_pending) {
		/* Discard, but do not read forever. */
		if (req->body_len > 4 * req->max_body ||
		    elapsed > 2.0 * cs->conn_timeout)
			return MHD_NO;
		req->body_len += size;
		return MHD_YES;
	}
	if (elapsed > cs->conn_timeout) {
		req->has_pending = true;
		req->pending = ERR_REQUEST_TIMEOUT;
		(void)snprintf(req->pending_detail, sizeof(req->pending_detail),
		    "the request took more than %u s to arrive",
		    cs->conn_timeout);
		return MHD_YES;
	}
	if (size > req->max_body - req->body_len) {
		req->has_pending = true;
		req->pending = ERR_BODY_TOO_LARGE;
		(void)snprintf(req->pending_detail, sizeof(req->pending_detail),
		    "the body has more than %zu bytes", req->max_body);
		req->body_len += size;
		return MHD_YES;
	}
	if (req->body_len + size + 1 > req->body_cap) {
		size_t cap = req->body_cap ? req->body_cap : 1024;
		char *grown;

		while (cap < req->body_len + size + 1)
			cap *= 2;
		/* Never more than the largest body allowed, and its NUL. */
		if (cap > req->max_body + 1)
			cap = req->max_body + 1;
		/*
		 * Held bytes (the buffer less its NUL) are bounded per
		 * address and in all.
		 */
		if (req->ip_key == NULL || ip_hold(req->srv, req->ip_key,
		    (long long)(cap - 1) - (long long)req->held) != 0) {
			req->has_pending = true;
			req->pending = ERR_SERVER_BUSY;
			(void)snprintf(req->pending_detail,
			    sizeof(req->pending_detail), "the server holds "
			    "too many request bytes from this address (at "
			    "most %zu) or in all (at most %zu)",
			    cs->max_in_flight_per_ip, cs->max_in_flight);
			req->body_len += size;
			return MHD_YES;
		}
		req->held = cap - 1;
		if ((grown = realloc(req->body, cap)) == NULL)
			return MHD_NO;
		req->body = grown;
		req->body_cap = cap;
	}
	memcpy(req->body + req->body_len, data, size);
	req->body_len += size;
	req->body[req->body_len] = '\0';
	return MHD_YES;
}

/*
 * Match url against pattern, segment by segment; "{}" takes any one
 * non-empty segment without a dot into req's parameters. A "{}" followed
 * by a literal suffix up to the end of its segment ("{}.pdf") takes the
 * segment less the suffix, which must end the segment and leave something
 * without a dot before it. So "12.pdf" is never an id of ".../{}": each
 * URL matches one pattern of a path, whatever the order of the table.
 * True on a match.
 */
static bool
path_matches(const char *pattern, const char *url, struct http_request *req)
{
	const char *p = pattern, *u = url;
	size_t n, suffix;

	req->n_params = 0;
	while (*p != '\0' && *u != '\0') {
		if (strncmp(p, "{}", 2) == 0) {
			n = strcspn(u, "/");
			suffix = strcspn(p + 2, "/");
			if (n <= suffix || strncmp(u + n - suffix, p + 2,
			    suffix) != 0)
				return false;
			n -= suffix;
			if (memchr(u, '.', n) != NULL || n >= HTTP_PARAM_LEN ||
			    req->n_params == HTTP_PARAMS_MAX)
				return false;
			memcpy(req->params[req->n_params], u, n);
			req->params[req->n_params++][n] = '\0';
			/* The suffix is then matched as any literal. */
			p += 2;
			u += n;
		} else if (*p++ != *u++)
			return false;
	}
	return *p == '\0' && *u == '\0';
}

/*
 * Authenticate req for route. Returns 0, or -1 after answering: JSON for
 * the API; for a page, a redirect to the login page when the visitor is
 * not logged in and a French page for other refusals.
 */
static int
authenticate(struct http_request *req, const struct http_route *route,
    enum MHD_Result *rc)
{
	char detail[256];
	enum auth_outcome out;
	enum err_code code;

	out = auth_check(req, route->roles, &req->who, &req->session,
	    &req->has_session, detail, sizeof(detail));
	switch (out) {
	case AUTH_OK:
		/* A one-time password opens the change form and nothing else. */
		if (!req->has_session || !req->session.must_change ||
		    (route->flags & HTTP_PASSWORD_FORM) != 0)
			return 0;
		if (route->flags & HTTP_PAGE) {
			*rc = http_redirect(req, "/compte");
			return -1;
		}
		*rc = http_reply_error(req, ERR_PASSWORD_CHANGE_REQUIRED, "%s",
		    "change the one-time password first (GET /compte)");
		return -1;
	case AUTH_NONE:
		code = ERR_UNAUTHENTICATED;
		if (route->flags & HTTP_PAGE) {
			*rc = http_redirect(req, "/connexion");
			return -1;
		}
		break;
	case AUTH_FORBIDDEN:
		code = ERR_FORBIDDEN;
		break;
	case AUTH_BAD_CSRF:
		code = ERR_BAD_CSRF_TOKEN;
		break;
	default:
		code = ERR_STORE_UNAVAILABLE;
		break;
	}
	*rc = (route->flags & HTTP_PAGE) ? http_page_error(req, code, detail) :
	    http_reply_error(req, code, "%s", detail);
	return -1;
}

static enum MHD_Result
dispatch(struct http_request *req)
{
	const struct http_route *route;
	enum MHD_Result rc;
	bool path_known = false;
	size_t i;

	if (req->has_pending)
		return reply_limit(req, req->pending, "%s",
		    req->pending_detail);
	for (i = 0; i < http_routes_count; i++) {
		route = &http_routes[i];
		if (!path_matches(route->path, req->url, req))
			continue;
		path_known = true;
		if (strcmp(route->method, req->method) != 0)
			continue;
		req->route = i;
		if (route->flags & HTTP_SIGNED) {
			if (term_auth(req, &req->terminal, &req->nonce,
			    &rc) != 0)
				return rc;
			req->signed_ok = true;
		}
		if (route->roles != 0) {
			if (authenticate(req, route, &rc) != 0)
				return rc;
			req->authenticated = true;
		}
		return route->handler(req);
	}
	/*
	 * A browser lost on a wrong address still sees its menu: the
	 * session is looked up for a GET (no state change, no CSRF).
	 */
	if ((strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0) && wants_html(req)) {
		char detail[128];

		if (auth_check(req, ROLE_CASEWORKER | ROLE_VENUE |
		    ROLE_ACCOUNTANT | ROLE_ADMIN | ROLE_FUNDER, &req->who,
		    &req->session, &req->has_session, detail,
		    sizeof(detail)) == AUTH_OK)
			req->authenticated = true;
	}
	if (path_known)
		return http_reply_error(req, ERR_METHOD_NOT_ALLOWED, "%s is "
		    "not allowed on %s", req->method, req->url);
	return http_reply_error(req, ERR_NOT_FOUND, "%s", req->url);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_request *req = *con_cls;
	enum MHD_Result rc;

	(void)version;
	if (req == NULL) {
		if ((req = calloc(1, sizeof(*req))) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &req->start);
		req->srv = cls;
		req->conn = c;
		req->url = url;
		req->method = method;
		req->route = http_routes_count;	/* "other" until routed */
		{
			char nonce[PN_NONCE_HEX];

			pn_nonce_new(nonce);
			memcpy(req->id, nonce, sizeof(req->id) - 1);
		}
		*con_cls = req;
		return on_headers(req);
	}
	if (*upload_data_size > 0) {
		rc = on_upload(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return rc;
	}
	if (req->then != NULL) {
		/* Resumed: the write it waited for is decided. */
		http_handler then = req->then;

		req->then = NULL;
		__atomic_sub_fetch(&req->srv->suspended, 1, __ATOMIC_SEQ_CST);
		return then(req);
	}
	if (req->replied)
		return MHD_YES;
	return dispatch(req);
}

/* --- Requests waiting for a write ------------------------------------------ */

/*
 * The connection is suspended before the write is queued, so that the
 * committer cannot resume it first; libmicrohttpd then leaves it aside
 * (no timeout, no call) until it is resumed, and calls the access handler
 * again on one of the pool's threads, which calls then.
 */
enum MHD_Result
http_suspend(struct http_request *req, http_handler then)
{
	req->then = then;
	__atomic_add_fetch(&req->srv->suspended, 1, __ATOMIC_SEQ_CST);
	MHD_suspend_connection(req->conn);
	return MHD_YES;
}

/*
 * The request stays counted until it runs again (or ends), not until
 * resumed: the daemon must outlive a connection resumed and not yet back
 * in its hands.
 */
void
http_resume(struct http_request *req)
{
	MHD_resume_connection(req->conn);
}

void
http_resume_cb(void *req)
{
	http_resume(req);
}

void
http_request_keep(struct http_request *req, void *state,
    void (*state_free)(void *state))
{
	req->state = state;
	req->state_free = state_free;
}

void *
http_request_kept(const struct http_request *req)
{
	return req->state;
}

/* The request's line in the log: never its URL, body or credentials. */
static void
log_request(const struct http_request *req, enum MHD_RequestTerminationCode toe)
{
	const char *role = "-";
	char code[24] = "", method[40];

	if (!log_enabled(LOG_INFO))
		return;
	if (req->signed_ok)
		role = "terminal";
	else if (req->authenticated)
		role = store_role_name(req->who.role);
	if (req->has_code)
		(void)snprintf(code, sizeof(code), " code=%d",
		    (int)err_lookup(req->code)->code);
	log_line(LOG_INFO, "req=%s method=%s route=%s status=%u ms=%.1f "
	    "role=%s addr=%s%s%s", req->id,
	    /* A method is a token, but the client chose it. */
	    log_quote(req->method, method, sizeof(method)),
	    http_request_route(req), req->status,
	    seconds_since(&req->start) * 1000.0, role,
	    http_request_address(req), code,
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
	    " end=aborted");
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_request *req = *con_cls;

	(void)cls;
	if (req == NULL)
		return;
	/* A request dropped before any answer counts as a timeout. */
	if (!req->replied && toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		req->status = 408;
	if (req->replied || req->status != 0)
		metrics_request((unsigned)req->route, req->status,
		    seconds_since(&req->start));
	log_request(req, toe);
	if (req->held > 0 && req->ip_key != NULL)
		(void)ip_hold(req->srv, req->ip_key, -(long long)req->held);
	/* The next request on this connection has header_timeout again. */
	(void)MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
	    req->srv->cfg->server.header_timeout);
	if (req->then != NULL)	/* ended while waiting: never ran again */
		__atomic_sub_fetch(&req->srv->suspended, 1, __ATOMIC_SEQ_CST);
	if (req->state_free != NULL)
		req->state_free(req->state);
	form_free(&req->form);
	free(req->body);
	free(req);
	*con_cls = NULL;
}

/* --- The daemon ------------------------------------------------------------ */

/* Read a PEM file into a NUL-terminated malloc'd string. */
static char *
read_pem(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (f == NULL) {
		(void)snprintf(err, errlen, "%s: cannot read: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 1 << 20 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) ==
	    NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		(void)snprintf(err, errlen, "%s: cannot read the PEM file",
		    path);
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* libmicrohttpd's own messages, as lines of the log at level warn. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char text[512], quoted[600];
	size_t n;

	(void)cls;
	if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
		return;
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	log_line(LOG_WARN, "src=libmicrohttpd msg=%s",
	    log_quote(text, quoted, sizeof(quoted)));
}

static void
free_server(struct http_server *srv)
{
	if (srv == NULL)
		return;
	free(srv->tls_cert);
	free(srv->tls_key);
	free(srv->ips);
	free(srv->route_names);
	pthread_mutex_destroy(&srv->ip_lock);
	free(srv);
}

struct http_server *
http_start(const struct config *cfg, char *err, size_t errlen)
{
	const struct config_server *cs = &cfg->server;
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	socklen_t sslen;
	/* ITC: MHD_quiesce_daemon() needs it with internal threads. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	size_t i;

	if (srv == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->cfg = cfg;
	pthread_mutex_init(&srv->ip_lock, NULL);
	srv->route_names = calloc(http_routes_count + 1, sizeof(char *));
	if (srv->route_names == NULL)
		goto nomem;
	for (i = 0; i < http_routes_count; i++)
		srv->route_names[i] = http_routes[i].path;
	srv->route_names[http_routes_count] = "other";

	memset(&ss, 0, sizeof(ss));
	if (strchr(cs->listen, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(cs->port);
		(void)inet_pton(AF_INET6, cs->listen, &s6->sin6_addr);
		sslen = sizeof(*s6);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(cs->port);
		(void)inet_pton(AF_INET, cs->listen, &s4->sin_addr);
		sslen = sizeof(*s4);
	}
	(void)sslen;
	if (cs->tls_cert[0] != '\0') {
		if ((srv->tls_cert = read_pem(cs->tls_cert, err, errlen)) ==
		    NULL || (srv->tls_key = read_pem(cs->tls_key, err, errlen))
		    == NULL) {
			free_server(srv);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	srv->daemon = MHD_start_daemon(flags, cs->port, NULL, NULL,
	    on_request, srv,
	    /* First, so that every message of libmicrohttpd goes there. */
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cs->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cs->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cs->conn_timeout,
	    /*
	     * Counted when accepted, before a byte is read: the connection
	     * after max_conn_per_ip is still answered 429 (on_headers), so
	     * that its client knows why; any further one is closed at once.
	     */
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)cs->max_conn_per_ip + 1,
	    /* Headers and URL fit in it; bodies are copied out (on_upload). */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, cs->max_url + (size_t)32768,
	    /* Refuse what RFC 9112 says a server must not accept. */
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    /* Without TLS the list ends here and the key option is unread. */
	    srv->tls_cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    srv->tls_cert,
	    MHD_OPTION_HTTPS_MEM_KEY, srv->tls_key,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		(void)snprintf(err, errlen, "cannot listen on %s port %u "
		    "(address in use, or not an address of this machine?)",
		    cs->listen, (unsigned)cs->port);
		free_server(srv);
		return NULL;
	}
	return srv;
nomem:
	(void)snprintf(err, errlen, "out of memory");
	free_server(srv);
	return NULL;
}

uint16_t
http_port(const struct http_server *srv)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon,
	    MHD_DAEMON_INFO_BIND_PORT);

	return di != NULL ? di->port : 0;
}

const char *const *
http_route_names(const struct http_request *req, size_t *n)
{
	*n = http_routes_count + 1;
	return req->srv->route_names;
}

void
http_stop(struct http_server *srv, unsigned grace_seconds)
{
	const union MHD_DaemonInfo *di;
	unsigned waited;
	int fd;

	if (srv == NULL)
		return;
	/* Stop accepting; let the requests in flight finish. */
	fd = MHD_quiesce_daemon(srv->daemon);
	for (waited = 0; waited < grace_seconds * 10; waited++) {
		di = MHD_get_daemon_info(srv->daemon,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (di == NULL || di->num_connections == 0)
			break;
		(void)nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	/*
	 * A request waiting for its commit is resumed by the committer, which
	 * always answers (the commit is bounded by the busy timeout): the
	 * daemon must still be there then.
	 */
	while (__atomic_load_n(&srv->suspended, __ATOMIC_SEQ_CST) > 0)
		(void)nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	MHD_stop_daemon(srv->daemon);
	if (fd >= 0)
		close(fd);
	free_server(srv);
}

/* --- Documents ------------------------------------------------------------ */

enum MHD_Result
http_reply_document(struct http_request *req, unsigned status,
    const char *content_type, const char *disposition, void *data,
    size_t len)
{
	struct MHD_Response *resp;

	if (req->replied) {
		free(data);
		return MHD_YES;
	}
	/* Taken over, not copied: a printed booklet is a few hundred kB. */
	resp = MHD_create_response_from_buffer(len, data,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		return MHD_NO;
	}
	(void)MHD_add_response_header(resp,
	    MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
	return send_response(req, resp, status, content_type, false);
}
