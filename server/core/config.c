/* config.c -- passnumd's configuration: an INI file checked into struct config.
 *
 * libinih splits the text into sections, keys and values; each value is
 * checked against the table of keys below, then the whole against the rules
 * that join keys (TLS needs a certificate and a key; plain HTTP only on
 * loopback). The first error stops the parse and is the one reported.
 *
 * libinih is fed through our own line reader (config_reader) rather than
 * ini_parse_string(), for three reasons: Debian's build gives the handler no
 * line number, libinih never tells the handler about a section header (so an
 * empty unknown section would pass unnoticed), and libinih takes an indented
 * line as the continuation of the previous value, so that "  port = 8080"
 * under an indented "listen" line would become part of the address. The
 * reader counts lines, checks section names and removes leading whitespace.
 * Unlike libinih's own readers it never splits a line too long for
 * libinih's buffer into two: such a line is an error.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "passnum/bankid.h"
#include "passnum/parse.h"
#include "config.h"
#include "small_counts.h"

/* Files larger than this are not configuration files. */
#define CONFIG_FILE_MAX (1024 * 1024)

/* Room for a value quoted in a message: 60 bytes, "..." and the NUL. */
#define SHOWN_SIZE (60 + 4)

/* Room for the file name at the start of a message. */
#define NAME_SHOWN_SIZE 256

enum key_kind {
	KIND_ADDRESS,		/* numeric IPv4 or IPv6 address */
	KIND_ADDRESS_LIST,	/* numeric addresses separated by commas */
	KIND_U16,		/* decimal number into a uint16_t */
	KIND_UINT,		/* decimal number into an unsigned */
	KIND_SIZE,		/* decimal number into a size_t */
	KIND_BOOL,		/* true/false, yes/no, on/off, 1/0 */
	KIND_PATH,		/* file path, required */
	KIND_PATH_OR_NONE,	/* file path; empty: none */
	KIND_THEME,		/* a session theme; the key may repeat */
	KIND_PERIOD,		/* month or quarter */
	KIND_SEPA,		/* pain.001.001.09 or pain.001.001.03 */
	KIND_NAME,		/* printable text, 1 to size - 1 bytes */
	KIND_IBAN,		/* an IBAN, checked and kept canonical */
	KIND_BIC,		/* a BIC, checked and kept canonical */
	KIND_URL		/* http:// or https://, printable, no quotes */
};

struct key_spec {
	const char *section;
	const char *name;
	enum key_kind kind;
	size_t offset;		/* of the field in struct config */
	size_t size;		/* of the field */
	uint64_t min, max;	/* numbers only */
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

/* Every key, in the order of docs/config.md and of the messages. */
static const struct key_spec config_keys[] = {
	{ "server", "listen", KIND_ADDRESS, FIELD(server.listen), 0, 0 },
	{ "server", "port", KIND_U16, FIELD(server.port), 0, 65535 },
	{ "server", "threads", KIND_UINT, FIELD(server.threads), 1, 64 },
	{ "server", "allow_remote_http", KIND_BOOL,
	    FIELD(server.allow_remote_http), 0, 0 },
	{ "server", "tls_cert", KIND_PATH_OR_NONE, FIELD(server.tls_cert), 0,
	    0 },
	{ "server", "tls_key", KIND_PATH_OR_NONE, FIELD(server.tls_key), 0, 0 },
	{ "server", "max_body", KIND_SIZE, FIELD(server.max_body), 1024,
	    67108864 },
	{ "server", "max_upload", KIND_SIZE, FIELD(server.max_upload), 65536,
	    67108864 },
	{ "server", "max_url", KIND_SIZE, FIELD(server.max_url), 256, 65536 },
	{ "server", "max_connections", KIND_UINT,
	    FIELD(server.max_connections), 1, 65536 },
	{ "server", "max_conn_per_ip", KIND_UINT,
	    FIELD(server.max_conn_per_ip), 1, 65536 },
	{ "server", "conn_timeout", KIND_UINT, FIELD(server.conn_timeout), 1,
	    3600 },
	{ "server", "header_timeout", KIND_UINT, FIELD(server.header_timeout),
	    1, 3600 },
	{ "server", "max_in_flight_per_ip", KIND_SIZE,
	    FIELD(server.max_in_flight_per_ip), 65536, 4294967296ull },
	{ "server", "max_in_flight", KIND_SIZE, FIELD(server.max_in_flight),
	    65536, 68719476736ull },
	{ "server", "public_url", KIND_URL, FIELD(server.public_url), 0, 0 },
	{ "store", "path", KIND_PATH, FIELD(store.path), 0, 0 },
	{ "store", "busy_timeout_ms", KIND_UINT, FIELD(store.busy_timeout_ms),
	    0, 600000 },
	{ "keys", "signing_key", KIND_PATH_OR_NONE, FIELD(keys.signing_key), 0,
	    0 },
	{ "keys", "trust_bundle", KIND_PATH_OR_NONE, FIELD(keys.trust_bundle),
	    0, 0 },
	{ "keys", "ref_secret", KIND_PATH_OR_NONE, FIELD(keys.ref_secret), 0,
	    0 },
	{ "session", "idle_timeout", KIND_UINT, FIELD(session.idle_timeout),
	    60, 86400 },
	{ "session", "max_age", KIND_UINT, FIELD(session.max_age), 300,
	    7 * 86400 },
	{ "session", "max_failures_per_login", KIND_UINT,
	    FIELD(session.max_failures_per_login), 1, 1000 },
	{ "session", "max_failures_per_address", KIND_UINT,
	    FIELD(session.max_failures_per_address), 1, 100000 },
	{ "session", "failure_window", KIND_UINT,
	    FIELD(session.failure_window), 10, 86400 },
	{ "redemption", "theme", KIND_THEME, FIELD(redemption.themes), 0, 0 },
	{ "redemption", "offline_grace", KIND_UINT,
	    FIELD(redemption.offline_grace), 0, 90 * 86400 },
	{ "redemption", "max_batch", KIND_UINT, FIELD(redemption.max_batch), 1,
	    100000 },
	{ "redemption", "max_batch_body", KIND_SIZE,
	    FIELD(redemption.max_batch_body), 65536, 268435456 },
	{ "redemption", "key_failures_terminal", KIND_UINT,
	    FIELD(redemption.key_failures_terminal), 1, 100 },
	{ "redemption", "key_failures_venue", KIND_UINT,
	    FIELD(redemption.key_failures_venue), 1, 1000 },
	{ "redemption", "key_failure_window", KIND_UINT,
	    FIELD(redemption.key_failure_window), 60, 90 * 86400 },
	{ "redemption", "session_tolerance", KIND_UINT,
	    FIELD(redemption.session_tolerance), 0, 86400 },
	{ "redemption", "clock_tolerance", KIND_UINT,
	    FIELD(redemption.clock_tolerance), 0, 3600 },
	{ "redemption", "late_sync", KIND_UINT,
	    FIELD(redemption.late_sync), 3600, 90 * 86400 },
	{ "metrics", "allow", KIND_ADDRESS_LIST, FIELD(metrics.allow), 0, 0 },
	{ "metrics", "token_file", KIND_PATH_OR_NONE, FIELD(metrics.token_file),
	    0, 0 },
	{ "settlement", "contest_days", KIND_UINT,
	    FIELD(settlement.contest_days), 0, 90 },
	{ "settlement", "dispute_answer_days", KIND_UINT,
	    FIELD(settlement.dispute_answer_days), 1, 90 },
	{ "settlement", "dispute_attachment_max", KIND_SIZE,
	    FIELD(settlement.dispute_attachment_max), 1024, 67108864 },
	{ "settlement", "period", KIND_PERIOD, FIELD(settlement.period), 0, 0 },
	{ "settlement", "minimum_cents", KIND_UINT,
	    FIELD(settlement.minimum_cents), 0, 100000000 },
	{ "settlement", "execution_days", KIND_UINT,
	    FIELD(settlement.execution_days), 0, 30 },
	{ "settlement", "sepa_version", KIND_SEPA,
	    FIELD(settlement.sepa_version), 0, 0 },
	{ "settlement", "debtor_name", KIND_NAME,
	    FIELD(settlement.debtor_name), 0, 0 },
	{ "settlement", "debtor_iban", KIND_IBAN,
	    FIELD(settlement.debtor_iban), 0, 0 },
	{ "settlement", "debtor_bic", KIND_BIC, FIELD(settlement.debtor_bic),
	    0, 0 },
	{ "log", "level", KIND_NAME, FIELD(log.level), 0, 0 },
	{ "checkpoint", "interval", KIND_UINT, FIELD(checkpoint.interval), 0,
	    86400 },
	{ "checkpoint", "copy", KIND_PATH_OR_NONE, FIELD(checkpoint.copy), 0,
	    0 },
	{ "report", "min_people", KIND_UINT, FIELD(report.min_people), 1,
	    1000 },
};

#define N_KEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static const char *const config_sections[] = {
	"server", "store", "keys", "session", "metrics", "redemption",
	"settlement", "log", "checkpoint", "report"
};

#define SECTIONS_EXPECTED \
	"[server], [store], [keys], [session], [metrics], [redemption], " \
	"[settlement], [log], [checkpoint] or [report]"

static const struct {
	const char *text;
	bool value;
} config_bools[] = {
	{ "true", true }, { "false", false }, { "yes", true }, { "no", false },
	{ "on", true }, { "off", false }, { "1", true }, { "0", false },
};

/* The state of one parse, shared by the reader and the handler. */
struct parse {
	const char *text;	/* the whole text; may hold NUL bytes */
	size_t len;
	size_t pos;		/* where the next line starts */
	int lineno;		/* line last handed to libinih, from 1 */
	const char *name;	/* the file, for messages */
	const char *base_dir;	/* NULL: relative paths stay relative */
	struct config *c;
	int line_of[N_KEYS];	/* line where each key was set; 0: not set */
	bool themes_read;	/* a "theme" line replaced the defaults */
	bool failed;
	int fail_line;		/* line of the error; 0: the whole file */
	char *err;		/* the caller's buffer; may be NULL */
	size_t errlen;
};

/*
 * Copy n bytes of s into out (size bytes, at least 4) for a message:
 * control characters become '?', and a text that does not fit is cut
 * (never inside a UTF-8 sequence) and ends with "...".
 */
static void
shown_n(char *out, size_t size, const char *s, size_t n)
{
	size_t i, cut = n;

	assert(size >= 4);
	if (n >= size) {
		cut = size - 4;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	for (i = 0; i < cut; i++) {
		unsigned char ch = (unsigned char)s[i];

		out[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	if (cut < n) {
		memcpy(out + cut, "...", 3);
		cut += 3;
	}
	out[cut] = '\0';
}

/* shown_n() of a whole string into a SHOWN_SIZE buffer. */
static void
shown(char out[SHOWN_SIZE], const char *s)
{
	shown_n(out, SHOWN_SIZE, s, strlen(s));
}

/*
 * Record an error: "NAME:LINE: " (or "NAME: " when line is 0), then the
 * formatted text. A later call replaces the message: the parse stops at the
 * first error, and only a syntax error found on an earlier line overrides
 * it. A message longer than the caller's buffer is cut short, which is
 * deliberately accepted: its start names the file, line and key.
 */
static void fail_at(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail_at(struct parse *p, int line, const char *fmt, ...)
{
	char name[NAME_SHOWN_SIZE];
	va_list ap;
	int n;

	p->failed = true;
	p->fail_line = line;
	if (p->err == NULL || p->errlen == 0)
		return;
	shown_n(name, sizeof(name), p->name, strlen(p->name));
	if (line > 0)
		n = snprintf(p->err, p->errlen, "%s:%d: ", name, line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", name);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool
section_known(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(config_sections) / sizeof(config_sections[0]);
	    i++)
		if (strlen(config_sections[i]) == n &&
		    memcmp(config_sections[i], s, n) == 0)
			return true;
	return false;
}

/*
 * The line reader given to libinih, in the manner of fgets(): copy the next
 * line of p->text into buf (num bytes), without its newline or leading
 * whitespace. Returns buf, or NULL at the end of the text or on an error
 * (recorded in p), which ends the parse.
 */
static char *
config_reader(char *buf, int num, void *stream)
{
	struct parse *p = stream;
	const char *line, *end, *nl;
	char what[SHOWN_SIZE];
	size_t n;

	if (p->failed || p->pos >= p->len)
		return NULL;
	line = p->text + p->pos;
	nl = memchr(line, '\n', p->len - p->pos);
	end = nl != NULL ? nl : p->text + p->len;
	p->pos = (size_t)(end - p->text) + (nl != NULL ? 1 : 0);
	p->lineno++;

	/* A UTF-8 byte order mark is allowed before the first line. */
	if (p->lineno == 1 && end - line >= 3 &&
	    memcmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	while (line < end && isspace((unsigned char)*line))
		line++;
	n = (size_t)(end - line);
	if (memchr(line, '\0', n) != NULL) {
		fail_at(p, p->lineno, "expected text, got a NUL byte");
		return NULL;
	}
	if (num < 1 || n >= (size_t)num) {
		shown_n(what, sizeof(what), line, n);
		fail_at(p, p->lineno, "expected a line of at most %d "
		    "characters, got '%s'", num - 1, what);
		return NULL;
	}
	/*
	 * A section header: checked here, as libinih would not tell. Without
	 * a ']' it is libinih's syntax error to report.
	 */
	if (n > 0 && line[0] == '[') {
		const char *close = memchr(line, ']', n), *rest;

		if (close != NULL && !section_known(line + 1,
		    (size_t)(close - line - 1))) {
			shown_n(what, sizeof(what), line + 1,
			    (size_t)(close - line - 1));
			fail_at(p, p->lineno, "[%s]: unknown section; expected "
			    SECTIONS_EXPECTED, what);
			return NULL;
		}
		/* libinih would ignore what follows the ']': refuse it. */
		for (rest = close != NULL ? close + 1 : end; rest < end &&
		    isspace((unsigned char)*rest); rest++)
			;
		if (rest < end && *rest != ';') {
			shown_n(what, sizeof(what), line, n);
			fail_at(p, p->lineno, "expected nothing after a "
			    "section header but a '; comment', got '%s'", what);
			return NULL;
		}
	}
	memcpy(buf, line, n);
	buf[n] = '\0';
	return buf;
}

/* Write the names of the keys of section, separated by ", ", into buf. */
static void
key_list(const char *section, char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < N_KEYS; i++) {
		if (strcmp(config_keys[i].section, section) != 0)
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? ", " : "", config_keys[i].name);
		if (n < 0 || (size_t)n >= len - used)
			return;	/* cut short: len is ample for the table */
		used += (size_t)n;
	}
}

static const struct key_spec *
key_find(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* Is s a numeric IPv4 or IPv6 address? */
static bool
is_address(const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, s, &a4) == 1 ||
	    inet_pton(AF_INET6, s, &a6) == 1;
}

/* Is s a loopback address: 127.0.0.0/8 or ::1? */
static bool
is_loopback(const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, s, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/*
 * Write dir and path joined into out (size bytes): path as it is when it is
 * absolute or dir is NULL or empty. Returns 0, or -1 when it does not fit.
 */
static int
path_join(char *out, size_t size, const char *dir, const char *path)
{
	const char *sep;
	int n;

	if (path[0] == '/' || dir == NULL || dir[0] == '\0')
		n = snprintf(out, size, "%s", path);
	else {
		sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
		n = snprintf(out, size, "%s%s%s", dir, sep, path);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Check a path value and store it, joined to the base directory. */
static int
path_set(struct parse *p, const struct key_spec *k, const char *value,
    char *field)
{
	char what[SHOWN_SIZE];
	const char *s;

	shown(what, value);
	if (value[0] == '\0') {
		if (k->kind == KIND_PATH_OR_NONE) {
			field[0] = '\0';
			return 0;
		}
		fail_at(p, p->lineno, "[%s] %s: expected a path, got ''",
		    k->section, k->name);
		return -1;
	}
	if (value[0] == '"' || value[0] == '\'') {
		fail_at(p, p->lineno, "[%s] %s: expected a path without quotes "
		    "(write it as it is), got '%s'", k->section, k->name, what);
		return -1;
	}
	for (s = value; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			fail_at(p, p->lineno, "[%s] %s: expected a path "
			    "without control characters, got '%s'", k->section,
			    k->name, what);
			return -1;
		}
	}
	if (path_join(field, k->size, p->base_dir, value) != 0) {
		fail_at(p, p->lineno, "[%s] %s: expected a path shorter "
		    "than %zu bytes%s, got '%s'", k->section, k->name, k->size,
		    value[0] != '/' && p->base_dir != NULL &&
		    p->base_dir[0] != '\0' ? " once joined to the directory "
		    "of the configuration" : "", what);
		return -1;
	}
	return 0;
}

/*
 * Add a session theme. The first "theme" line of a file replaces the
 * default list; the next ones add to it. A theme is shown to venue staff
 * and stored with each session: printable UTF-8 text, no ';' (kept free
 * for lists), not twice.
 */
static int
theme_add(struct parse *p, const struct key_spec *k, const char *value)
{
	struct config_redemption *r = &p->c->redemption;
	char what[SHOWN_SIZE];
	const char *s;
	unsigned i;

	shown(what, value);
	if (!p->themes_read) {
		r->n_themes = 0;	/* the first line: forget the defaults */
		p->themes_read = true;
	}
	if (value[0] == '\0' || strlen(value) >= CONFIG_THEME_LEN) {
		fail_at(p, p->lineno, "[%s] %s: expected a theme of 1 to %d "
		    "bytes, got '%s'", k->section, k->name,
		    CONFIG_THEME_LEN - 1, what);
		return -1;
	}
	for (s = value; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == ';') {
			fail_at(p, p->lineno, "[%s] %s: expected text without "
			    "control characters or ';', got '%s'", k->section,
			    k->name, what);
			return -1;
		}
	}
	for (i = 0; i < r->n_themes; i++) {
		if (strcmp(r->themes[i], value) == 0) {
			fail_at(p, p->lineno, "[%s] %s: '%s' is already a "
			    "theme", k->section, k->name, what);
			return -1;
		}
	}
	if (r->n_themes == CONFIG_THEMES_MAX) {
		fail_at(p, p->lineno, "[%s] %s: expected at most %d themes, "
		    "got '%s' as one more", k->section, k->name,
		    CONFIG_THEMES_MAX, what);
		return -1;
	}
	memcpy(r->themes[r->n_themes++], value, strlen(value) + 1);
	return 0;
}

/* A name printed on payments: printable text that fits the field. */
static int
name_set(struct parse *p, const struct key_spec *k, const char *value,
    char *field)
{
	char what[SHOWN_SIZE];
	const char *s;

	shown(what, value);
	if (value[0] == '\0' || strlen(value) >= k->size) {
		fail_at(p, p->lineno, "[%s] %s: expected a name of 1 to %zu "
		    "bytes, got '%s'", k->section, k->name, k->size - 1, what);
		return -1;
	}
	for (s = value; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			fail_at(p, p->lineno, "[%s] %s: expected text without "
			    "control characters, got '%s'", k->section, k->name,
			    what);
			return -1;
		}
	}
	memcpy(field, value, strlen(value) + 1);
	return 0;
}

/*
 * The server's public address, shown to venues in a command they type:
 * http:// or https:// and a host, without spaces, quotes or anything a
 * shell would read; a trailing "/" is dropped.
 */
static int
url_set(struct parse *p, const struct key_spec *k, const char *value,
    char *field)
{
	char what[SHOWN_SIZE];
	size_t n = strlen(value), skip, i;

	shown(what, value);
	skip = strncmp(value, "https://", 8) == 0 ? 8 :
	    strncmp(value, "http://", 7) == 0 ? 7 : 0;
	while (n > skip && value[n - 1] == '/')
		n--;
	if (skip == 0 || n == skip || n >= k->size) {
		fail_at(p, p->lineno, "[%s] %s: expected the address terminals "
		    "reach the server at, https://host[:port] (at most %zu "
		    "bytes), got '%s'", k->section, k->name, k->size - 1, what);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c <= 0x20 || c >= 0x7f || strchr("\"'`$\\<>&;|(){}*?!#", c)
		    != NULL) {
			fail_at(p, p->lineno, "[%s] %s: expected an address "
			    "without spaces, quotes or shell characters, got "
			    "'%s'", k->section, k->name, what);
			return -1;
		}
	}
	memcpy(field, value, n);
	field[n] = '\0';
	return 0;
}

/* An IBAN or a BIC, with lib/bankid.c's checks, kept canonical. */
static int
bank_id_set(struct parse *p, const struct key_spec *k, const char *value,
    char *field)
{
	char what[SHOWN_SIZE], why[160];
	char iban[PN_IBAN_MAX + 1], bic[PN_BIC_MAX + 1];
	enum pn_id_status st;

	shown(what, value);
	if (k->kind == KIND_IBAN)
		st = pn_iban_parse(value, iban);
	else
		st = pn_bic_parse(value, bic);
	if (st != PN_ID_OK) {
		/* English for the operator; the checks are the same. */
		static const char *const reasons[] = {
			[PN_ID_OK] = "",
			[PN_ID_EMPTY] = "it is empty",
			[PN_ID_BAD_CHAR] = "a character it cannot hold",
			[PN_ID_LENGTH] = "the wrong number of characters",
			[PN_ID_CHECK] = "its check digits do not match",
			[PN_ID_COUNTRY] = "not a SEPA country code",
		};
		(void)snprintf(why, sizeof(why), "%s", reasons[st]);
		fail_at(p, p->lineno, "[%s] %s: expected a valid %s, got '%s' "
		    "(%s)", k->section, k->name,
		    k->kind == KIND_IBAN ? "IBAN" : "BIC", what, why);
		return -1;
	}
	(void)snprintf(field, k->size, "%s", k->kind == KIND_IBAN ? iban : bic);
	return 0;
}

/*
 * Check a list of numeric addresses separated by commas (spaces around
 * them allowed; empty: none) and store it as "a,b,c". Returns 0 or -1.
 */
static int
address_list_set(struct parse *p, const struct key_spec *k, const char *value,
    char *field)
{
	char item[64], what[SHOWN_SIZE];
	const char *s = value, *e;
	size_t used = 0, n;

	shown(what, value);
	field[0] = '\0';
	while (*s != '\0') {
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e != '\0' && *e != ',' && *e != ' ' &&
		    *e != '\t'; e++)
			;
		n = (size_t)(e - s);
		if (n == 0 || n >= sizeof(item))
			goto bad;
		memcpy(item, s, n);
		item[n] = '\0';
		if (!is_address(item) || used + n + 2 > k->size)
			goto bad;
		if (used > 0)
			field[used++] = ',';
		memcpy(field + used, item, n + 1);
		used += n;
		s = e;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			goto bad;
	}
	return 0;
bad:
	fail_at(p, p->lineno, "[%s] %s: expected numeric IPv4 or IPv6 "
	    "addresses separated by commas, such as 127.0.0.1, ::1, got '%s'",
	    k->section, k->name, what);
	return -1;
}

/* Check value against k and store it in p->c. Returns 0 or -1. */
static int
key_set(struct parse *p, const struct key_spec *k, const char *value)
{
	char *field = (char *)p->c + k->offset;
	char what[SHOWN_SIZE];
	uint64_t v;
	size_t i;

	shown(what, value);
	switch (k->kind) {
	case KIND_ADDRESS:
		if (strlen(value) >= k->size || !is_address(value)) {
			fail_at(p, p->lineno, "[%s] %s: expected a numeric "
			    "IPv4 or IPv6 address such as 127.0.0.1 or ::1, "
			    "got '%s'",
			    k->section, k->name, what);
			return -1;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case KIND_ADDRESS_LIST:
		return address_list_set(p, k, value, field);
	case KIND_U16:
	case KIND_UINT:
	case KIND_SIZE:
		if (pn_parse_u64(value, k->max, &v) != 0 || v < k->min) {
			fail_at(p, p->lineno, "[%s] %s: expected a number from "
			    "%llu to %llu, got '%s'", k->section, k->name,
			    (unsigned long long)k->min,
			    (unsigned long long)k->max, what);
			return -1;
		}
		if (k->kind == KIND_U16)
			*(uint16_t *)(void *)field = (uint16_t)v;
		else if (k->kind == KIND_UINT)
			*(unsigned *)(void *)field = (unsigned)v;
		else
			*(size_t *)(void *)field = (size_t)v;
		return 0;
	case KIND_BOOL:
		for (i = 0; i < sizeof(config_bools) / sizeof(config_bools[0]);
		    i++) {
			if (strcmp(value, config_bools[i].text) == 0) {
				*(bool *)(void *)field = config_bools[i].value;
				return 0;
			}
		}
		fail_at(p, p->lineno, "[%s] %s: expected true or false (or "
		    "yes/no, on/off, 1/0), got '%s'", k->section, k->name,
		    what);
		return -1;
	case KIND_PATH:
	case KIND_PATH_OR_NONE:
		return path_set(p, k, value, field);
	case KIND_THEME:
		return theme_add(p, k, value);
	case KIND_PERIOD:
		if (strcmp(value, "month") == 0)
			*(enum config_period *)(void *)field = CONFIG_PERIOD_MONTH;
		else if (strcmp(value, "quarter") == 0)
			*(enum config_period *)(void *)field =
			    CONFIG_PERIOD_QUARTER;
		else {
			fail_at(p, p->lineno, "[%s] %s: expected month or "
			    "quarter, got '%s'", k->section, k->name, what);
			return -1;
		}
		return 0;
	case KIND_SEPA:
		if (strcmp(value, "pain.001.001.09") == 0)
			*(unsigned *)(void *)field = 9;
		else if (strcmp(value, "pain.001.001.03") == 0)
			*(unsigned *)(void *)field = 3;
		else {
			fail_at(p, p->lineno, "[%s] %s: expected "
			    "pain.001.001.09 or pain.001.001.03, got '%s'",
			    k->section, k->name, what);
			return -1;
		}
		return 0;
	case KIND_NAME:
		return name_set(p, k, value, field);
	case KIND_IBAN:
	case KIND_BIC:
		return bank_id_set(p, k, value, field);
	case KIND_URL:
		return url_set(p, k, value, field);
	}
	fail_at(p, p->lineno, "[%s] %s: no rule for this key (a bug)",
	    k->section, k->name);
	return -1;
}

/*
 * The libinih handler: one "name = value" line of section. Returns nonzero
 * to go on, zero on an error (recorded in p; the reader then ends the
 * parse).
 */
static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct parse *p = user;
	const struct key_spec *k;
	char sect[SHOWN_SIZE], key[SHOWN_SIZE], what[SHOWN_SIZE];
	char list[256];
	size_t i;

	if (p->failed)
		return 0;
	shown(sect, section);
	shown(key, name);
	shown(what, value);
	if (section[0] == '\0') {
		fail_at(p, p->lineno, "%s: expected a section header ("
		    SECTIONS_EXPECTED ") before the first key, got '%s = %s'",
		    key, key, what);
		return 0;
	}
	if (!section_known(section, strlen(section))) {
		/* The reader refuses these; kept for safety. */
		fail_at(p, p->lineno, "[%s]: unknown section; expected "
		    SECTIONS_EXPECTED, sect);
		return 0;
	}
	if ((k = key_find(section, name)) == NULL) {
		key_list(section, list, sizeof(list));
		fail_at(p, p->lineno, "[%s] %s: unknown key (value '%s'); "
		    "[%s] takes %s", sect, key, what, sect, list);
		return 0;
	}
	i = (size_t)(k - config_keys);
	if (p->line_of[i] != 0 && k->kind != KIND_THEME) {
		fail_at(p, p->lineno, "[%s] %s: set a second time, got '%s' "
		    "(first set on line %d)", k->section, k->name, what,
		    p->line_of[i]);
		return 0;
	}
	p->line_of[i] = p->lineno;
	return key_set(p, k, value) == 0;
}

static int
line_of_key(const struct parse *p, const char *section, const char *name)
{
	const struct key_spec *k = key_find(section, name);

	assert(k != NULL);
	return p->line_of[k - config_keys];
}

/* The rules that join keys, once every line is read. Returns 0 or -1. */
static int
check_whole(struct parse *p)
{
	struct config *c = p->c;
	char what[SHOWN_SIZE];
	bool tls;

	/* The default database, like any relative path, is by the file. */
	if (line_of_key(p, "store", "path") == 0 &&
	    path_join(c->store.path, sizeof(c->store.path), p->base_dir,
	    "passnum.db") != 0) {
		fail_at(p, 0, "[store] path: expected the default, "
		    "passnum.db, joined to the directory of the configuration "
		    "to be shorter than %zu bytes; set path",
		    sizeof(c->store.path));
		return -1;
	}
	if ((c->server.tls_cert[0] == '\0') != (c->server.tls_key[0] == '\0')) {
		const char *set = c->server.tls_cert[0] != '\0' ? "tls_cert" :
		    "tls_key";
		const char *unset = c->server.tls_cert[0] != '\0' ? "tls_key" :
		    "tls_cert";

		shown(what, c->server.tls_cert[0] != '\0' ? c->server.tls_cert :
		    c->server.tls_key);
		fail_at(p, line_of_key(p, "server", set), "[server] %s: "
		    "expected %s to be set as well (TLS needs both), got '%s' "
		    "and no %s", set, unset, what, unset);
		return -1;
	}
	if (strcmp(c->log.level, "debug") != 0 &&
	    strcmp(c->log.level, "info") != 0 &&
	    strcmp(c->log.level, "warn") != 0 &&
	    strcmp(c->log.level, "error") != 0) {
		shown(what, c->log.level);
		fail_at(p, line_of_key(p, "log", "level"), "[log] level: "
		    "expected debug, info, warn or error, got '%s'", what);
		return -1;
	}
	if (c->server.max_in_flight_per_ip < c->redemption.max_batch_body ||
	    c->server.max_in_flight < c->server.max_in_flight_per_ip) {
		fail_at(p, line_of_key(p, "server", c->server.max_in_flight <
		    c->server.max_in_flight_per_ip ? "max_in_flight" :
		    "max_in_flight_per_ip"), "[server] max_in_flight_per_ip: "
		    "expected at least [redemption] max_batch_body (%zu) and "
		    "at most max_in_flight (%zu), got %zu",
		    c->redemption.max_batch_body, c->server.max_in_flight,
		    c->server.max_in_flight_per_ip);
		return -1;
	}
	tls = c->server.tls_cert[0] != '\0';
	if (!tls && !c->server.allow_remote_http &&
	    !is_loopback(c->server.listen)) {
		shown(what, c->server.listen);
		fail_at(p, line_of_key(p, "server", "listen"),
		    "[server] listen: plain HTTP is only served on loopback "
		    "(127.0.0.1, ::1), got '%s'; configure tls_cert and "
		    "tls_key, or set allow_remote_http = true", what);
		return -1;
	}
	return 0;
}

/* Show line number line of p->text (a syntax error) in a message. */
static void
fail_syntax(struct parse *p, int line)
{
	const char *s = p->text, *end = p->text + p->len, *nl;
	char what[SHOWN_SIZE];
	size_t n;
	int i;

	for (i = 1; i < line && s < end; i++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		s = nl != NULL ? nl + 1 : end;
	}
	nl = memchr(s, '\n', (size_t)(end - s));
	n = (size_t)((nl != NULL ? nl : end) - s);
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	shown_n(what, sizeof(what), s, n);
	fail_at(p, line, "expected '[section]' or 'key = value', got '%s'",
	    what);
}

/* Parse len bytes of text over the defaults already in c. */
static int
parse_text(const char *text, size_t len, const char *name,
    const char *base_dir, struct config *c, char *err, size_t errlen)
{
	struct parse p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.text = text;
	p.len = len;
	p.name = name;
	p.base_dir = base_dir;
	p.c = c;
	p.err = err;
	p.errlen = errlen;

	rc = ini_parse_stream(config_reader, &p, config_handler, &p);
	if (rc > 0 && (!p.failed || rc < p.fail_line)) {
		/* libinih's own error: a line that is neither kind. */
		fail_syntax(&p, rc);
		return -1;
	}
	if (p.failed)
		return -1;
	if (rc != 0) {
		fail_at(&p, 0, "libinih failed (%d)", rc);
		return -1;
	}
	return check_whole(&p);
}

/* The three themes of the historical Pass numérique workshops. */
static void
config_default_themes(struct config_redemption *r)
{
	static const char *const themes[] = {
		"prise en main d'un smartphone",
		"démarches en ligne",
		"e-mail et identité numérique",
	};
	unsigned i;

	for (i = 0; i < sizeof(themes) / sizeof(themes[0]); i++)
		(void)snprintf(r->themes[i], sizeof(r->themes[i]), "%s",
		    themes[i]);
	r->n_themes = i;
}

void
config_defaults(struct config *c)
{
	assert(c != NULL);
	memset(c, 0, sizeof(*c));
	/* Each string fits its field: snprintf cannot cut them. */
	(void)snprintf(c->server.listen, sizeof(c->server.listen), "%s",
	    "127.0.0.1");
	c->server.port = 8080;
	c->server.threads = 4;
	c->server.allow_remote_http = false;
	c->server.max_body = 65536;
	c->server.max_upload = 10485760;
	c->server.max_url = 2048;
	c->server.max_connections = 512;
	c->server.max_conn_per_ip = 64;
	c->server.conn_timeout = 30;
	c->server.header_timeout = 10;
	c->server.max_in_flight_per_ip = 32u << 20;
	c->server.max_in_flight = 128u << 20;
	(void)snprintf(c->log.level, sizeof(c->log.level), "info");
	c->checkpoint.interval = 900;
	(void)snprintf(c->store.path, sizeof(c->store.path), "%s",
	    "passnum.db");
	c->store.busy_timeout_ms = 5000;
	c->session.idle_timeout = 1800;
	c->session.max_age = 36000;
	c->session.max_failures_per_login = 5;
	c->session.max_failures_per_address = 30;
	c->session.failure_window = 900;
	(void)snprintf(c->metrics.allow, sizeof(c->metrics.allow),
	    "127.0.0.1,::1");
	config_default_themes(&c->redemption);
	c->redemption.offline_grace = 7 * 86400;
	c->redemption.max_batch = 10000;
	c->redemption.max_batch_body = 16u << 20;
	c->redemption.key_failures_terminal = 5;
	c->redemption.key_failures_venue = 10;
	c->redemption.key_failure_window = 86400;
	c->redemption.session_tolerance = 900;
	c->redemption.clock_tolerance = 300;
	c->redemption.late_sync = 86400;
	c->settlement.contest_days = 7;
	c->settlement.dispute_answer_days = 15;
	c->settlement.dispute_attachment_max = 5u << 20;
	c->settlement.period = CONFIG_PERIOD_MONTH;
	c->settlement.minimum_cents = 0;
	c->settlement.execution_days = 1;
	c->settlement.sepa_version = 9;
	c->report.min_people = SMALL_COUNTS_DEFAULT;
}

/* Record name in c->source; a name too long is cut, as it only names. */
static void
set_source(struct config *c, const char *name)
{
	(void)snprintf(c->source, sizeof(c->source), "%s", name);
}

int
config_parse_string(const char *text, const char *name, const char *base_dir,
    struct config *c, char *err, size_t errlen)
{
	assert(text != NULL);
	assert(c != NULL);
	if (name == NULL)
		name = "(configuration)";
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	config_defaults(c);
	set_source(c, name);
	return parse_text(text, strlen(text), name, base_dir, c, err, errlen);
}

/*
 * Read the file at path into a malloc'd buffer (*out, freed by the caller).
 * Returns 0, or -1 with errno set (EFBIG for a file over CONFIG_FILE_MAX).
 */
static int
read_whole(const char *path, char **out, size_t *len)
{
	FILE *fp;
	char *buf = NULL, *grown;
	size_t size = 0, used = 0, n;
	int saved;

	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	for (;;) {
		if (used == size) {
			if (size >= CONFIG_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			size = size == 0 ? 4096 : size * 2;
			if ((grown = realloc(buf, size + 1)) == NULL)
				goto fail;
			buf = grown;
		}
		n = fread(buf + used, 1, size - used, fp);
		used += n;
		if (n == 0) {
			if (ferror(fp)) {
				if (errno == 0)
					errno = EIO;
				goto fail;
			}
			break;
		}
	}
	if (used > CONFIG_FILE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	(void)fclose(fp);
	*out = buf;
	*len = used;
	return 0;

fail:	/* errno tells why */
	saved = errno;
	(void)fclose(fp);
	free(buf);
	errno = saved;
	return -1;
}

int
config_load(const char *path, struct config *c, char *err, size_t errlen)
{
	struct parse p;
	char *text = NULL, *copy = NULL;
	size_t len;
	int rc = -1;

	assert(path != NULL);
	assert(c != NULL);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	config_defaults(c);
	set_source(c, path);
	/* For the messages below, which come before any line is read. */
	memset(&p, 0, sizeof(p));
	p.name = path;
	p.err = err;
	p.errlen = errlen;

	errno = 0;
	if (read_whole(path, &text, &len) != 0) {
		if (errno == EFBIG)
			fail_at(&p, 0, "cannot read: larger than %d bytes, "
			    "which no configuration is", CONFIG_FILE_MAX);
		else
			fail_at(&p, 0, "cannot read: %s", strerror(errno));
		goto done;
	}
	/* dirname() may modify its argument: give it a copy. */
	if ((copy = strdup(path)) == NULL) {
		fail_at(&p, 0, "cannot read: %s", strerror(errno));
		goto done;
	}
	rc = parse_text(text, len, path, dirname(copy), c, err, errlen);

done:	/* text and copy are NULL or ours to free */
	free(copy);
	free(text);
	return rc;
}
