/* test_config.c -- passnumd's configuration: defaults, every key, errors, changing one value. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <cmocka.h>

#include "config.h"
#include "config_file.h"

#define NAME "test.ini"

struct fixture {
	char dir[256];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "%s/pn-config-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Write text to dir/name; the path goes to path (len bytes). */
static void
write_file(const char *dir, const char *name, const void *text, size_t n,
    char *path, size_t len)
{
	FILE *fp;

	assert_true((size_t)snprintf(path, len, "%s/%s", dir, name) < len);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* Parse text as NAME with base directory /etc/passnum; it must succeed. */
static void
parse_ok(const char *text, struct config *c)
{
	char err[1024] = "";
	int rc = config_parse_string(text, NAME, "/etc/passnum", c, err,
	    sizeof(err));

	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
}

/*
 * Parse text as NAME: it must fail with a message that starts with
 * "NAME:line: " (or "NAME: " when line is 0) and holds each of the NULL
 * terminated list of needles.
 */
static void
parse_fails(const char *text, int line, ...)
{
	struct config c;
	char err[1024] = "", prefix[64];
	const char *needle;
	va_list ap;
	int rc;

	rc = config_parse_string(text, NAME, "/etc/passnum", &c, err,
	    sizeof(err));
	if (rc != -1)
		print_error("accepted:\n%s\n", text);
	assert_int_equal(rc, -1);
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", NAME, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", NAME);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		print_error("message '%s' does not start with '%s'\n", err,
		    prefix);
	assert_int_equal(strncmp(err, prefix, strlen(prefix)), 0);
	va_start(ap, line);
	while ((needle = va_arg(ap, const char *)) != NULL) {
		if (strstr(err, needle) == NULL)
			print_error("message '%s' lacks '%s'\n", err, needle);
		assert_non_null(strstr(err, needle));
	}
	va_end(ap);
}

static void
test_defaults(void **state)
{
	struct config c;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	config_defaults(&c);
	assert_string_equal(c.server.listen, "127.0.0.1");
	assert_int_equal(c.server.port, 8080);
	assert_int_equal(c.server.threads, 4);
	assert_false(c.server.allow_remote_http);
	assert_string_equal(c.server.tls_cert, "");
	assert_string_equal(c.server.tls_key, "");
	assert_int_equal(c.server.max_body, 65536);
	assert_int_equal(c.server.max_url, 2048);
	assert_int_equal(c.server.max_connections, 512);
	assert_int_equal(c.server.max_conn_per_ip, 64);
	assert_int_equal(c.server.conn_timeout, 30);
	assert_string_equal(c.store.path, "passnum.db");
	assert_int_equal(c.store.busy_timeout_ms, 5000);
	assert_string_equal(c.keys.signing_key, "");
	assert_string_equal(c.keys.trust_bundle, "");
	assert_int_equal(c.redemption.n_themes, 3);
	assert_string_equal(c.redemption.themes[1], "démarches en ligne");
	assert_int_equal(c.redemption.offline_grace, 7 * 86400);
	assert_int_equal(c.redemption.max_batch, 10000);
	assert_int_equal(c.redemption.max_batch_body, 16u << 20);
}

/* Session themes: the first "theme" line replaces the defaults, the next ones add. */
static void
test_themes(void **state)
{
	struct config c;
	char many[4096] = "[redemption]\n";
	size_t i;

	(void)state;
	parse_ok("[redemption]\ntheme = tablette\ntheme = Démarches CAF\n"
	    "offline_grace = 3600\nmax_batch = 500\n", &c);
	assert_int_equal(c.redemption.n_themes, 2);
	assert_string_equal(c.redemption.themes[0], "tablette");
	assert_string_equal(c.redemption.themes[1], "Démarches CAF");
	assert_int_equal(c.redemption.offline_grace, 3600);
	assert_int_equal(c.redemption.max_batch, 500);
	parse_fails("[redemption]\ntheme = a\ntheme = a\n", 3,
	    "[redemption] theme", "'a' is already a theme", NULL);
	parse_fails("[redemption]\ntheme = a; b\n", 2,
	    "[redemption] theme", "without control characters or ';'", NULL);
	parse_fails("[redemption]\ntheme =\n", 2, "[redemption] theme",
	    "1 to 127 bytes", NULL);
	for (i = 0; i < 17; i++)
		(void)snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "theme = t%zu\n", i);
	parse_fails(many, 18, "at most 16 themes", "'t16'", NULL);
	parse_fails("[redemption]\nmax_batch = 0\n", 2,
	    "[redemption] max_batch", "1 to 100000", NULL);
}

/* An empty file, or one of comments, gives the defaults. */
static void
test_empty_is_defaults(void **state)
{
	struct config c, d;

	(void)state;
	config_defaults(&d);
	parse_ok("", &c);
	assert_string_equal(c.source, NAME);
	assert_string_equal(c.server.listen, d.server.listen);
	assert_int_equal(c.server.port, d.server.port);
	assert_int_equal(c.server.max_body, d.server.max_body);
	/* The default database, relative, is by the file too. */
	assert_string_equal(c.store.path, "/etc/passnum/passnum.db");
	parse_ok("; comment\n# comment\n\n[server]\n[store]\n[keys]\n", &c);
	assert_int_equal(c.server.port, 8080);
	assert_int_equal(config_parse_string("", NAME, NULL, &c, NULL, 0), 0);
	assert_string_equal(c.store.path, "passnum.db");
}

static const char full[] =
    "; passnumd, every key\n"
    "[server]\n"
    "listen = 10.1.2.3\n"
    "port = 8443\n"
    "threads = 16\n"
    "allow_remote_http = no\n"
    "tls_cert = /etc/ssl/passnum.pem\n"
    "tls_key = private/passnum.key\n"
    "max_body = 1048576\n"
    "max_url = 4096\n"
    "max_connections = 2000\n"
    "max_conn_per_ip = 20\n"
    "conn_timeout = 120\n"
    "\n"
    "[store]\n"
    "path = data/vouchers.db\n"
    "busy_timeout_ms = 250\n"
    "\n"
    "[keys]\n"
    "signing_key = keys/signing-00003.key\n"
    "trust_bundle = /srv/passnum/bundle.bin\n";

static void
test_full_file(void **state)
{
	struct config c;

	(void)state;
	parse_ok(full, &c);
	assert_string_equal(c.source, NAME);
	assert_string_equal(c.server.listen, "10.1.2.3");
	assert_int_equal(c.server.port, 8443);
	assert_int_equal(c.server.threads, 16);
	assert_false(c.server.allow_remote_http);
	assert_string_equal(c.server.tls_cert, "/etc/ssl/passnum.pem");
	assert_string_equal(c.server.tls_key,
	    "/etc/passnum/private/passnum.key");
	assert_int_equal(c.server.max_body, 1048576);
	assert_int_equal(c.server.max_url, 4096);
	assert_int_equal(c.server.max_connections, 2000);
	assert_int_equal(c.server.max_conn_per_ip, 20);
	assert_int_equal(c.server.conn_timeout, 120);
	assert_string_equal(c.store.path, "/etc/passnum/data/vouchers.db");
	assert_int_equal(c.store.busy_timeout_ms, 250);
	assert_string_equal(c.keys.signing_key,
	    "/etc/passnum/keys/signing-00003.key");
	assert_string_equal(c.keys.trust_bundle, "/srv/passnum/bundle.bin");
}

/* The ends of every range are accepted, and so is every boolean word. */
static void
test_limits_accepted(void **state)
{
	struct config c;
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	char text[256];
	size_t i;

	(void)state;
	parse_ok("[server]\nport = 0\nthreads = 1\nmax_body = 1024\n"
	    "max_url = 256\nmax_connections = 1\nmax_conn_per_ip = 1\n"
	    "conn_timeout = 1\n[store]\nbusy_timeout_ms = 0\n", &c);
	assert_int_equal(c.server.port, 0);
	assert_int_equal(c.server.threads, 1);
	assert_int_equal(c.server.max_body, 1024);
	assert_int_equal(c.server.max_url, 256);
	assert_int_equal(c.server.max_connections, 1);
	assert_int_equal(c.server.max_conn_per_ip, 1);
	assert_int_equal(c.server.conn_timeout, 1);
	assert_int_equal(c.store.busy_timeout_ms, 0);
	parse_ok("[server]\nport = 65535\nthreads = 64\nmax_body = 67108864\n"
	    "max_url = 65536\nmax_connections = 65536\n"
	    "max_conn_per_ip = 65536\nconn_timeout = 3600\n[store]\n"
	    "busy_timeout_ms = 600000\n", &c);
	assert_int_equal(c.server.port, 65535);
	assert_int_equal(c.server.threads, 64);
	assert_int_equal(c.server.max_body, 67108864);
	assert_int_equal(c.server.max_url, 65536);
	assert_int_equal(c.server.max_connections, 65536);
	assert_int_equal(c.server.max_conn_per_ip, 65536);
	assert_int_equal(c.server.conn_timeout, 3600);
	assert_int_equal(c.store.busy_timeout_ms, 600000);
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text),
		    "[server]\nallow_remote_http = %s\n", yes[i]);
		parse_ok(text, &c);
		assert_true(c.server.allow_remote_http);
		snprintf(text, sizeof(text),
		    "[server]\nallow_remote_http = %s\n", no[i]);
		parse_ok(text, &c);
		assert_false(c.server.allow_remote_http);
	}
}

static void
test_relative_paths(void **state)
{
	struct config c;
	char err[512];

	(void)state;
	parse_ok("[store]\npath = db/p.db\n[keys]\nsigning_key = /abs/s.key\n"
	    "trust_bundle = ../b.bin\n", &c);
	assert_string_equal(c.store.path, "/etc/passnum/db/p.db");
	assert_string_equal(c.keys.signing_key, "/abs/s.key");
	assert_string_equal(c.keys.trust_bundle, "/etc/passnum/../b.bin");

	/* No base directory: relative paths stay as they are. */
	assert_int_equal(config_parse_string("[store]\npath = db/p.db\n", NAME,
	    NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.store.path, "db/p.db");
	/* A base ending in '/' gets no second one. */
	assert_int_equal(config_parse_string("[store]\npath = p.db\n", NAME,
	    "/", &c, err, sizeof(err)), 0);
	assert_string_equal(c.store.path, "/p.db");
	assert_int_equal(config_parse_string("[store]\npath = p.db\n", NAME,
	    "/var/lib/passnum/", &c, err, sizeof(err)), 0);
	assert_string_equal(c.store.path, "/var/lib/passnum/p.db");

	/* Empty means "none" for the optional files... */
	parse_ok("[server]\ntls_cert =\ntls_key =\n[keys]\nsigning_key =\n"
	    "trust_bundle = \n", &c);
	assert_string_equal(c.server.tls_cert, "");
	assert_string_equal(c.keys.signing_key, "");
	assert_string_equal(c.keys.trust_bundle, "");
	/* ...but the database must be somewhere. */
	parse_fails("[store]\npath =\n", 2, "[store] path", "expected a path",
	    "''", NULL);
	parse_fails("[store]\npath = \"/var/p.db\"\n", 2, "[store] path",
	    "without quotes", "'\"/var/p.db\"'", NULL);
}

/* Indentation, CRLF, a byte order mark and inline comments. */
static void
test_syntax_accepted(void **state)
{
	struct config c;

	(void)state;
	parse_ok("\xef\xbb\xbf[server]\r\n"
	    "    listen = ::1\r\n"
	    "    port = 9000 ; the test port\r\n"
	    "\tthreads: 2\r\n"
	    "[store] ; the database\r\n"
	    "  path = a;b.db\r\n", &c);
	assert_string_equal(c.server.listen, "::1");
	/* An indented line is a key of its own, not a continuation. */
	assert_int_equal(c.server.port, 9000);
	assert_int_equal(c.server.threads, 2);
	assert_string_equal(c.store.path, "/etc/passnum/a;b.db");
}

static void
test_load_file(void **state)
{
	struct fixture *f = *state;
	struct config c;
	char path[512], want[600], err[1024] = "";
	static const char text[] =
	    "[server]\nport = 0\n[store]\npath = p.db\n[keys]\n"
	    "signing_key = k/s.key\n";

	write_file(f->dir, "passnumd.ini", text, sizeof(text) - 1, path,
	    sizeof(path));
	if (config_load(path, &c, err, sizeof(err)) != 0)
		print_error("%s\n", err);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.source, path);
	assert_int_equal(c.server.port, 0);
	snprintf(want, sizeof(want), "%s/p.db", f->dir);
	assert_string_equal(c.store.path, want);
	snprintf(want, sizeof(want), "%s/k/s.key", f->dir);
	assert_string_equal(c.keys.signing_key, want);

	/* Errors name the file as it was given. */
	write_file(f->dir, "bad.ini", "[server]\n\nport = http\n", 22, path,
	    sizeof(path));
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: [server] port: expected a number "
	    "from 0 to 65535, got 'http'", path);
	assert_string_equal(err, want);
}

static void
test_load_missing_file(void **state)
{
	struct fixture *f = *state;
	struct config c;
	char path[512], err[1024];

	snprintf(path, sizeof(path), "%s/absent.ini", f->dir);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot read: No such file or directory"));
	/* A directory is not a configuration file. */
	assert_int_equal(config_load(f->dir, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
}

/* A NUL byte in a file is refused, not taken as its end. */
static void
test_load_nul_byte(void **state)
{
	struct fixture *f = *state;
	struct config c;
	char path[512], err[1024];
	static const char text[] = "[server]\nport = 80\0\nthreads = 0\n";

	write_file(f->dir, "nul.ini", text, sizeof(text) - 1, path,
	    sizeof(path));
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nul.ini:2: "));
	assert_non_null(strstr(err, "NUL byte"));
}

static void
test_unknown_section(void **state)
{
	(void)state;
	parse_fails("[server]\nport = 1\n\n[sever]\nport = 2\n", 4, "[sever]",
	    "unknown section",
	    "[server], [store], [keys], [session], [metrics], [redemption], [settlement], [log], [checkpoint] or [report]", NULL);
	/* Even with nothing in it. */
	parse_fails("[server]\n[database]\n", 2, "[database]",
	    "unknown section", NULL);
	/* Case matters. */
	parse_fails("[Server]\n", 1, "[Server]", NULL);
	/* A key before any section. */
	parse_fails("port = 80\n", 1, "port", "'port = 80'",
	    "[server], [store], [keys], [session], [metrics], [redemption], [settlement], [log], [checkpoint] or [report]", NULL);
}

static void
test_unknown_key(void **state)
{
	(void)state;
	parse_fails("[server]\nlisten = 127.0.0.1\nprot = 8080\n", 3,
	    "[server] prot: unknown key", "'8080'",
	    "listen, port, threads, allow_remote_http, tls_cert, tls_key, "
	    "max_body, max_upload, max_url, max_connections, max_conn_per_ip, conn_timeout",
	    NULL);
	parse_fails("[store]\nfile = x.db\n", 2, "[store] file", "'x.db'",
	    "path, busy_timeout_ms", NULL);
	/* A key of another section. */
	parse_fails("[keys]\nport = 1\n", 2, "[keys] port", "'1'",
	    "signing_key, trust_bundle", NULL);
}

static void
test_key_twice(void **state)
{
	(void)state;
	parse_fails("[server]\nport = 8080\nthreads = 2\n\nport = 8081\n", 5,
	    "[server] port", "'8081'", "first set on line 2", NULL);
	/* In a section that opens twice, too. */
	parse_fails("[store]\npath = a.db\n[server]\n[store]\npath = b.db\n", 5,
	    "[store] path", "'b.db'", "line 2", NULL);
}

static void
test_bad_numbers(void **state)
{
	(void)state;
	parse_fails("[server]\nport = http\n", 2, "[server] port",
	    "expected a number from 0 to 65535", "got 'http'", NULL);
	parse_fails("[server]\nport = 70000\n", 2, "[server] port",
	    "'70000'", NULL);
	parse_fails("[server]\nthreads = 0\n", 2, "[server] threads",
	    "from 1 to 64", "'0'", NULL);
	parse_fails("[server]\nthreads = 65\n", 2, "[server] threads", "'65'",
	    NULL);
	parse_fails("[server]\nmax_body = 1023\n", 2, "[server] max_body",
	    "from 1024 to 67108864", "'1023'", NULL);
	parse_fails("[server]\nmax_url = 65537\n", 2, "[server] max_url",
	    "'65537'", NULL);
	parse_fails("[server]\nconn_timeout = 3601\n", 2,
	    "[server] conn_timeout", "'3601'", NULL);
	parse_fails("[store]\nbusy_timeout_ms = 600001\n", 2,
	    "[store] busy_timeout_ms", "'600001'", NULL);
	/* Strictly decimal: no sign, no hex, no spaces inside, no units. */
	parse_fails("[server]\nport = -1\n", 2, "'-1'", NULL);
	parse_fails("[server]\nport = +80\n", 2, "'+80'", NULL);
	parse_fails("[server]\nport = 0x50\n", 2, "'0x50'", NULL);
	parse_fails("[server]\nport = 80 80\n", 2, "'80 80'", NULL);
	parse_fails("[server]\nmax_body = 64k\n", 2, "'64k'", NULL);
	parse_fails("[server]\nport =\n", 2, "''", NULL);
	parse_fails("[server]\nport = 18446744073709551696\n", 2,
	    "'18446744073709551696'", NULL);
}

/* [report] min_people: 5 by default, 1 to 1000. */
static void
test_report_min_people(void **state)
{
	struct config c;

	(void)state;
	parse_ok("", &c);
	assert_int_equal(c.report.min_people, 5);
	parse_ok("[report]\nmin_people = 11\n", &c);
	assert_int_equal(c.report.min_people, 11);
	parse_fails("[report]\nmin_people = 0\n", 2, "[report] min_people",
	    "from 1 to 1000", NULL);
	parse_fails("[report]\nmin_people = 1001\n", 2, "'1001'", NULL);
}

static void
test_bad_boolean(void **state)
{
	(void)state;
	parse_fails("[server]\nallow_remote_http = maybe\n", 2,
	    "[server] allow_remote_http", "expected true or false",
	    "got 'maybe'", NULL);
	parse_fails("[server]\nallow_remote_http = True\n", 2, "'True'", NULL);
	parse_fails("[server]\nallow_remote_http =\n", 2, "''", NULL);
}

static void
test_bad_listen(void **state)
{
	(void)state;
	parse_fails("[server]\nlisten = localhost\n", 2, "[server] listen",
	    "numeric IPv4 or IPv6 address", "'localhost'", NULL);
	parse_fails("[server]\nlisten = 127.0.0.1:8080\n", 2,
	    "'127.0.0.1:8080'", NULL);
	parse_fails("[server]\nlisten = 256.0.0.1\n", 2, "'256.0.0.1'", NULL);
	parse_fails("[server]\nlisten = [::1]\n", 2, "'[::1]'", NULL);
	parse_fails("[server]\nlisten =\n", 2, "''", NULL);
}

static void
test_tls_pair(void **state)
{
	struct config c;

	(void)state;
	parse_fails("[server]\nport = 443\ntls_cert = cert.pem\n", 3,
	    "[server] tls_cert", "tls_key", "'/etc/passnum/cert.pem'", NULL);
	parse_fails("[server]\ntls_key = /k.pem\n", 2, "[server] tls_key",
	    "tls_cert", "'/k.pem'", NULL);
	parse_ok("[server]\nlisten = 0.0.0.0\ntls_cert = c.pem\n"
	    "tls_key = k.pem\n", &c);
	assert_string_equal(c.server.tls_cert, "/etc/passnum/c.pem");
	assert_string_equal(c.server.tls_key, "/etc/passnum/k.pem");
}

static void
test_loopback_rule(void **state)
{
	struct config c;

	(void)state;
	parse_fails("[server]\nport = 80\nlisten = 0.0.0.0\n", 3,
	    "[server] listen",
	    "plain HTTP is only served on loopback (127.0.0.1, ::1)",
	    "'0.0.0.0'", "allow_remote_http = true", NULL);
	parse_fails("[server]\nlisten = ::\n", 2, "[server] listen", "'::'",
	    NULL);
	parse_fails("[server]\nlisten = 192.168.1.10\n"
	    "allow_remote_http = false\n", 2, "'192.168.1.10'", NULL);
	/* v4-mapped addresses are not counted as loopback. */
	parse_fails("[server]\nlisten = ::ffff:127.0.0.1\n", 2,
	    "'::ffff:127.0.0.1'", NULL);

	parse_ok("[server]\nlisten = 0.0.0.0\nallow_remote_http = true\n", &c);
	assert_string_equal(c.server.listen, "0.0.0.0");
	assert_true(c.server.allow_remote_http);
	parse_ok("[server]\nlisten = ::1\n", &c);
	assert_string_equal(c.server.listen, "::1");
	parse_ok("[server]\nlisten = 127.1.2.3\n", &c);
	assert_string_equal(c.server.listen, "127.1.2.3");
}

/* Lines that are neither a section nor a key, and over-long lines. */
static void
test_syntax_errors(void **state)
{
	char text[512];

	(void)state;
	parse_fails("[server]\nport 8080\n", 2, "'port 8080'", NULL);
	parse_fails("[server\nport = 1\n", 1, "'[server'", NULL);
	parse_fails("[server] extra\n", 1, "'[server] extra'", NULL);
	/* The syntax error comes first even when a later line is wrong too. */
	parse_fails("[server]\njunk\nport = http\n", 2, "'junk'", NULL);
	/* A line too long for libinih is an error, never two lines. */
	memset(text, 0, sizeof(text));
	memcpy(text, "[store]\npath = /", 16);
	memset(text + 16, 'a', 300);
	memcpy(text + 316, "\n", 2);
	parse_fails(text, 2, "expected a line of at most", "...", NULL);
}

/* Values shown in messages are cut, and control characters masked. */
static void
test_message_safety(void **state)
{
	struct config c;
	char text[256], err[1024], small[16];
	size_t i;

	(void)state;
	snprintf(text, sizeof(text), "[server]\nport = ");
	for (i = strlen(text); i < 150; i++)
		text[i] = '9';
	text[i++] = '\n';
	text[i] = '\0';
	assert_int_equal(config_parse_string(text, NAME, NULL, &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "got '" "999999999999999999999999999999"
	    "999999999999999999999999999999...'"));
	assert_true(strlen(err) < 200);

	parse_fails("[server]\nlisten = 1\x01\x1b[2J\n", 2, "'1??[2J'", NULL);

	/* A small buffer is filled, never overrun, and stays terminated. */
	memset(small, 'x', sizeof(small));
	assert_int_equal(config_parse_string("[server]\nport = x\n", NAME,
	    NULL, &c, small, 10), -1);
	assert_int_equal(strlen(small), 9);
	assert_int_equal(small[10], 'x');
	assert_int_equal(config_parse_string("[server]\nport = x\n", NAME,
	    NULL, &c, NULL, 0), -1);
}

/* A file an operator wrote by hand: BOM, CRLF, comments, odd spacing. */
static const char hand_written[] =
    "\xef\xbb\xbf; passnumd, edited by hand\r\n"
    "[server]\r\n"
    "  port = 9090\r\n"
    "\r\n"
    "[keys]\r\n"
    "# the key in use\r\n"
    "\tsigning_key:keys/signing-00001.key   ; rotated yearly\r\n"
    "trust_bundle = keys/trust.bundle\r\n"
    "[store]\r\n"
    "path = data/passnum.db";

static void
test_file_set_keeps_the_rest(void **state)
{
	struct fixture *f = *state;
	struct config_file cf;
	struct pn_error err;
	struct config c;
	struct stat st;
	char path[512], value[128], msg[256], want[sizeof(hand_written)];

	write_file(f->dir, "edit.ini", hand_written, strlen(hand_written),
	    path, sizeof(path));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(config_file_read(&cf, path, &err), 0);
	assert_int_equal(config_file_get(&cf, "keys", "signing_key", value,
	    sizeof(value), &err), 0);
	assert_string_equal(value, "keys/signing-00001.key");
	assert_int_equal(config_file_get(&cf, "store", "path", value,
	    sizeof(value), &err), 0);
	assert_string_equal(value, "data/passnum.db");
	/* The same name in another section is another key. */
	assert_int_equal(config_file_get(&cf, "keys", "path", value,
	    sizeof(value), &err), 1);
	assert_int_equal(config_file_get(&cf, "keys", "signing_key", value, 5,
	    &err), -1);

	assert_int_equal(config_file_set(&cf, "keys", "signing_key",
	    "keys/signing-00002.key", &err), 0);
	assert_int_equal(config_file_write(&cf, &err), 0);
	config_file_free(&cf);
	/* The file as it was, but for one digit. */
	memcpy(want, hand_written, sizeof(want));
	strstr(want, "00001.key")[4] = '2';
	assert_int_equal(config_file_read(&cf, path, &err), 0);
	assert_string_equal(cf.text, want);
	config_file_free(&cf);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(config_load(path, &c, msg, sizeof(msg)), 0);
	assert_non_null(strstr(c.keys.signing_key, "/keys/signing-00002.key"));
	assert_int_equal(c.server.port, 9090);
}

static void
test_file_set_refusals(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "[keys]\nsigning_key =\n[server]\n"
	    "port = 80\n";
	struct config_file cf;
	struct pn_error err;
	char path[512];

	write_file(f->dir, "refuse.ini", text, strlen(text), path,
	    sizeof(path));
	assert_int_equal(config_file_read(&cf, path, &err), 0);
	/* A key with no line of its own cannot be changed in place. */
	assert_int_equal(config_file_set(&cf, "keys", "trust_bundle", "b",
	    &err), -1);
	assert_non_null(strstr(err.message, "no 'trust_bundle = ...' line"));
	/* The result must parse: nothing changes otherwise. */
	assert_int_equal(config_file_set(&cf, "server", "port", "http", &err),
	    -1);
	assert_non_null(strstr(err.message, "would not be valid"));
	assert_non_null(strstr(err.message, "port: expected a number"));
	assert_int_equal(config_file_set(&cf, "keys", "signing_key",
	    "a\nport = 1", &err), -1);
	assert_int_equal(config_file_set(&cf, "keys", "signing_key",
	    "k.key ; x", &err), -1);
	assert_string_equal(cf.text, text);
	/* An empty value gets a blank before the new one. */
	assert_int_equal(config_file_set(&cf, "keys", "signing_key", "k.key",
	    &err), 0);
	assert_string_equal(cf.text, "[keys]\nsigning_key = k.key\n"
	    "[server]\nport = 80\n");
	config_file_free(&cf);
	config_file_free(&cf);
	assert_int_equal(config_file_read(&cf, "/nonexistent/x.ini", &err), -1);
	config_file_free(&cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_is_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_report_min_people),
		cmocka_unit_test(test_limits_accepted),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_syntax_accepted),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_load_nul_byte),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_key_twice),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_bad_boolean),
		cmocka_unit_test(test_bad_listen),
		cmocka_unit_test(test_tls_pair),
		cmocka_unit_test(test_loopback_rule),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_message_safety),
		cmocka_unit_test(test_file_set_keeps_the_rest),
		cmocka_unit_test(test_file_set_refusals),
		cmocka_unit_test(test_themes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
