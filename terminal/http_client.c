/* http_client.c -- libcurl requests to passnumd, signed as docs/api.md ("Terminal requests") says.
 *
 * TLS peer and host verification stay on, always: a terminal that would
 * talk to anyone would take a forged "accepted" as real. Plain http:// is
 * allowed only to this machine, for tests and a server on the same box.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "http_client.h"
#include "passnum/request.h"
#include "skew.h"

struct http_client {
	CURL *curl;
	char origin[512];	/* scheme://host[:port] */
	char base_path[512];	/* the URL's path, no trailing slash */
	char ca_file[4096];
	long connect_timeout;
	long request_timeout;
	uint64_t terminal;
	const uint8_t *sk;	/* not owned */
	http_answer_cb on_answer;
	void *on_answer_arg;
};

struct sink {
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t max;
	bool overflow;
};

bool
http_host_is_loopback(const char *host)
{
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return true;
	/* 127.0.0.0/8, written as a dotted quad. */
	if (strncmp(host, "127.", 4) != 0)
		return false;
	for (host += 4; *host != '\0'; host++)
		if (!((*host >= '0' && *host <= '9') || *host == '.'))
			return false;
	return true;
}

/* What went wrong with a transfer, in French, for the venue. */
static const char *
curl_french(CURLcode cc, bool overflow)
{
	if (overflow)
		return "réponse trop longue";
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "adresse du serveur introuvable, nom inconnu ou pas de "
		    "réseau";
	case CURLE_COULDNT_CONNECT:
		return "connexion impossible, serveur arrêté ou pas de réseau";
	case CURLE_OPERATION_TIMEDOUT:
		return "pas de réponse à temps";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return "connexion sécurisée impossible";
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return "connexion coupée";
	default:
		return "échange avec le serveur impossible";
	}
}

static int
split_url(struct http_client *c, const char *url, struct pn_error *err)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	CURLU *u = curl_url();
	int rc = -1, n;
	size_t len;

	if (u == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		pn_error_set(err, PN_E_ARG, "%s : adresse de serveur "
		    "incorrecte", url);
		goto out;
	}
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		pn_error_set(err, PN_E_ARG, "%s : l'adresse doit commencer "
		    "par https://", url);
		goto out;
	}
	if (strcmp(scheme, "http") == 0 && !http_host_is_loopback(host)) {
		pn_error_set(err, PN_E_ARG, "%s : http:// n'est permis que "
		    "vers ce poste (127.0.0.1, ::1) ; utilisez https://", url);
		goto out;
	}
	(void)curl_url_get(u, CURLUPART_PORT, &port, 0);
	(void)curl_url_get(u, CURLUPART_PATH, &path, 0);
	n = snprintf(c->origin, sizeof(c->origin), "%s://%s%s%s", scheme,
	    host, port != NULL ? ":" : "", port != NULL ? port : "");
	if (n < 0 || (size_t)n >= sizeof(c->origin) || path == NULL ||
	    strlen(path) >= sizeof(c->base_path)) {
		pn_error_set(err, PN_E_ARG, "%s : adresse trop longue", url);
		goto out;
	}
	memcpy(c->base_path, path, strlen(path) + 1);
	len = strlen(c->base_path);
	while (len > 0 && c->base_path[len - 1] == '/')
		c->base_path[--len] = '\0';
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

struct http_client *
http_client_new(const char *base_url, const char *ca_file,
    long connect_timeout, long request_timeout, struct pn_error *err)
{
	static bool global_done;
	struct http_client *c;

	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			pn_error_set(err, PN_E_IO, "démarrage de libcurl "
			    "impossible");
			return NULL;
		}
		global_done = true;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		return NULL;
	}
	if (split_url(c, base_url, err) != 0)
		goto fail;
	if (ca_file != NULL && ca_file[0] != '\0') {
		if (strlen(ca_file) >= sizeof(c->ca_file)) {
			pn_error_set(err, PN_E_ARG, "%s : chemin trop "
			    "long", ca_file);
			goto fail;
		}
		memcpy(c->ca_file, ca_file, strlen(ca_file) + 1);
	}
	c->connect_timeout = connect_timeout;
	c->request_timeout = request_timeout;
	/* One handle for the process: its connection is reused. */
	if ((c->curl = curl_easy_init()) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "démarrage de libcurl "
		    "impossible");
		goto fail;
	}
	return c;
fail:
	http_client_free(c);
	return NULL;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	free(c);
}

void
http_client_observe(struct http_client *c, http_answer_cb cb, void *arg)
{
	c->on_answer = cb;
	c->on_answer_arg = arg;
}

void
http_client_identity(struct http_client *c, uint64_t terminal,
    const uint8_t *sk)
{
	c->terminal = terminal;
	c->sk = sk;
}

static size_t
sink_write(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, cap;
	uint8_t *p;

	if (len > s->max - s->len) {
		s->overflow = true;
		return 0;	/* makes libcurl stop with a write error */
	}
	if (s->len + len + 1 > s->cap) {
		cap = s->cap == 0 ? 4096 : s->cap;
		while (cap < s->len + len + 1)
			cap *= 2;
		if ((p = realloc(s->buf, cap)) == NULL)
			return 0;
		s->buf = p;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return len;
}

/*
 * libcurl's header callback: keep the server's clock from "Date:" (RFC
 * 9110's IMF-fixdate, which curl_getdate() reads). Other headers pass.
 */
static size_t
header_seen(char *data, size_t size, size_t n, void *arg)
{
	struct http_reply *reply = arg;
	size_t len = size * n;
	char value[128];
	time_t at;

	if (len > 5 && len < sizeof(value) + 5 &&
	    strncasecmp(data, "Date:", 5) == 0) {
		memcpy(value, data + 5, len - 5);
		value[len - 5] = '\0';
		value[strcspn(value, "\r\n")] = '\0';
		at = curl_getdate(value, NULL);
		reply->server_date = at > 0 ? (int64_t)at : 0;
	}
	return len;
}

/* Append one "Name: value" header; false when out of memory. */
static bool
add_header(struct curl_slist **h, const char *name, const char *value)
{
	char line[512];
	struct curl_slist *n;

	if (snprintf(line, sizeof(line), "%s: %s", name, value) >=
	    (int)sizeof(line))
		return false;
	if ((n = curl_slist_append(*h, line)) == NULL)
		return false;
	*h = n;
	return true;
}

static bool
sign_headers(struct http_client *c, struct curl_slist **h, const char *method,
    const char *path, const char *body, size_t body_len)
{
	char nonce[PN_NONCE_HEX], sighex[PN_SIG_HEX], num[24], when[24];
	uint8_t sig[64];
	int64_t now = (int64_t)time(NULL);

	pn_nonce_new(nonce);
	if (pn_request_sign(sig, c->sk, method, path, now, nonce,
	    body != NULL ? body : "", body != NULL ? body_len : 0) != 0)
		return false;
	pn_hex_encode(sig, sizeof(sig), sighex);
	(void)snprintf(num, sizeof(num), "%llu", (unsigned long long)c->terminal);
	(void)snprintf(when, sizeof(when), "%lld", (long long)now);
	return add_header(h, PN_HDR_TERMINAL, num) &&
	    add_header(h, PN_HDR_TIME, when) &&
	    add_header(h, PN_HDR_NONCE, nonce) &&
	    add_header(h, PN_HDR_SIGNATURE, sighex);
}

int
http_request(struct http_client *c, const char *method, const char *route,
    const char *body, size_t body_len, bool sign, size_t max_reply,
    struct http_reply *reply)
{
	char path[2048], signed_path[2048], url[2600], ctype[128] = "";
	struct curl_slist *h = NULL;
	struct sink s = { .max = max_reply };
	char *ct = NULL;
	CURLcode cc;
	CURL *e = c->curl;
	json_error_t jerr;
	curl_off_t pretransfer = 0;
	long request_size = 0;

	memset(reply, 0, sizeof(*reply));
	/* The path as sent: the base URL's path, then the route. */
	if (snprintf(path, sizeof(path), "%s%s", c->base_path, route) >=
	    (int)sizeof(path) || snprintf(url, sizeof(url), "%s%s", c->origin,
	    path) >= (int)sizeof(url)) {
		(void)snprintf(reply->error, sizeof(reply->error), "adresse "
		    "trop longue");
		return -1;
	}
	memcpy(signed_path, path, strlen(path) + 1);
	curl_easy_reset(e);
	/* Signed: the path without its query (docs/api.md; no signed route takes one). */
	if (strchr(path, '?') != NULL)
		signed_path[strcspn(path, "?")] = '\0';
	if ((body != NULL && !add_header(&h, "Content-Type",
	    "application/json")) || !add_header(&h, "Accept",
	    "application/json, application/octet-stream") ||
	    (sign && c->sk != NULL &&
	    !sign_headers(c, &h, method, signed_path, body, body_len))) {
		curl_slist_free_all(h);
		(void)snprintf(reply->error, sizeof(reply->error), "requête "
		    "impossible à préparer");
		return -1;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file[0] != '\0')
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, c->connect_timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, c->request_timeout);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "passnum-terminal");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_seen);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, reply);
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	else {
		/*
		 * On a reused connection that died before any answer,
		 * libcurl sends the request again by itself, on a new one,
		 * with the same signed headers: the server would refuse that
		 * nonce as replayed (4006) after taking the first, and a
		 * record it accepted would come back refused. A new
		 * connection for each request that changes state is never
		 * retried so; the terminal retries itself, signed afresh.
		 */
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body != NULL ? body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(body != NULL ? body_len : 0));
	}
	cc = curl_easy_perform(e);
	reply->received_wall = (int64_t)time(NULL);
	reply->received_ticks = skew_ticks();
	curl_slist_free_all(h);
	/*
	 * libcurl counts the request bytes it wrote (headers and body), and
	 * times the moment just before it starts writing them; both are
	 * reset for each transfer. Either one set: the request may be there.
	 */
	if (curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &request_size) !=
	    CURLE_OK || curl_easy_getinfo(e, CURLINFO_PRETRANSFER_TIME_T,
	    &pretransfer) != CURLE_OK || request_size != 0 || pretransfer != 0)
		reply->sent = true;
	if (cc == CURLE_PEER_FAILED_VERIFICATION) {
		/* Read by venues: in French, and saying what to do. */
		(void)snprintf(reply->error, sizeof(reply->error), "%.100s : "
		    "certificat du serveur refusé (autorité non reconnue par "
		    "ce terminal) : rien n'a été envoyé, prévenez le "
		    "Département", c->origin);
		reply->cert_refused = true;
		free(s.buf);
		return -1;
	}
	if (cc != CURLE_OK) {
		/* libcurl's own words are English: the venue reads these. */
		(void)snprintf(reply->error, sizeof(reply->error), "%.200s : "
		    "%s (curl %d)", c->origin, curl_french(cc, s.overflow),
		    (int)cc);
		free(s.buf);
		return -1;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &reply->status);
	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		(void)snprintf(ctype, sizeof(ctype), "%s", ct);
	reply->body = s.buf;
	reply->len = s.len;
	if (strncasecmp(ctype, "application/json", 16) == 0 && s.len > 0)
		reply->json = json_loadb((const char *)s.buf, s.len, 0, &jerr);
	if (c->on_answer != NULL && reply->status != 0)
		c->on_answer(c->on_answer_arg, reply);
	return 0;
}

void
http_reply_free(struct http_reply *r)
{
	if (r == NULL)
		return;
	free(r->body);
	json_decref(r->json);
	r->body = NULL;
	r->json = NULL;
}

bool
http_reply_unreachable(const struct http_reply *r)
{
	return r->status == 0 || r->status >= 500;
}

int
http_reply_code(const struct http_reply *r)
{
	json_t *v = json_object_get(r->json, "code");

	return json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) < 100000 ? (int)json_integer_value(v) : 0;
}

void
http_reply_message(const struct http_reply *r, char *buf, size_t len)
{
	const char *e = json_string_value(json_object_get(r->json, "error"));
	int code = http_reply_code(r);

	/*
	 * The venue reads this: the server's French message and its code,
	 * not its "detail", which is English, for operators.
	 */
	if (r->status == 0)
		(void)snprintf(buf, len, "%s", r->error);
	else if (e != NULL && code != 0)
		(void)snprintf(buf, len, "%s (code %d)", e, code);
	else if (e != NULL)
		(void)snprintf(buf, len, "%s", e);
	else
		(void)snprintf(buf, len, "HTTP %ld", r->status);
}
