/* fuzz_config.c -- libFuzzer target: passnumd's configuration parser.
 *
 * config_parse_string() must accept or refuse any text without a crash. A
 * refusal leaves a one-line message naming the file; an acceptance leaves
 * every number in its range, every string terminated, a numeric listen
 * address, both TLS files or neither, and plain HTTP only on loopback
 * unless allowed.
 *
 * The fuzz rule of the Makefile compiles only $(LIB_SRC), not the server's
 * modules, so the module under test is included here whole.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/core/config.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_string(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

static void
check_range(uint64_t v, uint64_t min, uint64_t max)
{
	if (v < min || v > max)
		abort();
}

static void
check_path(const char *s, size_t size, bool required, const char *base)
{
	check_string(s, size);
	if (required && s[0] == '\0')
		abort();
	/* With a base directory, every path is absolute (or none). */
	if (base != NULL && s[0] != '\0' && s[0] != '/')
		abort();
}

static void
check_accepted(const struct config *c, const char *base)
{
	const struct config_server *s = &c->server;
	struct in6_addr a6;
	struct in_addr a4;

	check_string(c->source, sizeof(c->source));
	check_string(s->listen, sizeof(s->listen));
	if (inet_pton(AF_INET, s->listen, &a4) != 1 &&
	    inet_pton(AF_INET6, s->listen, &a6) != 1)
		abort();
	check_range(s->threads, 1, 64);
	check_range(s->max_body, 1024, 67108864);
	check_range(s->max_url, 256, 65536);
	check_range(s->max_connections, 1, 65536);
	check_range(s->max_conn_per_ip, 1, 65536);
	check_range(s->conn_timeout, 1, 3600);
	check_range(c->store.busy_timeout_ms, 0, 600000);
	check_path(s->tls_cert, sizeof(s->tls_cert), false, base);
	check_path(s->tls_key, sizeof(s->tls_key), false, base);
	check_path(c->store.path, sizeof(c->store.path), true, base);
	check_path(c->keys.signing_key, sizeof(c->keys.signing_key), false,
	    base);
	check_path(c->keys.trust_bundle, sizeof(c->keys.trust_bundle), false,
	    base);
	if ((s->tls_cert[0] == '\0') != (s->tls_key[0] == '\0'))
		abort();
	if (s->tls_cert[0] == '\0' && !s->allow_remote_http &&
	    !is_loopback(s->listen))
		abort();
}

/* A refusal: one printable line that starts with the file's name. */
static void
check_refused(const char *err, size_t len)
{
	const char *p;

	check_string(err, len);
	if (strncmp(err, "fuzz.ini:", 9) != 0)
		abort();
	for (p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bases[] = { NULL, "/etc/passnum" };
	struct config *c;
	char *text, err[512];
	size_t i;

	/* The text as config_parse_string() takes it: NUL-terminated. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* Some 20 KiB: on the heap, where ASan watches its bounds. */
	if ((c = malloc(sizeof(*c))) == NULL) {
		free(text);
		return 0;
	}
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		memset(err, 'x', sizeof(err));
		if (config_parse_string(text, "fuzz.ini", bases[i], c, err,
		    sizeof(err)) == 0) {
			if (err[0] != '\0')
				abort();
			check_accepted(c, bases[i]);
		} else
			check_refused(err, sizeof(err));
	}
	free(c);
	free(text);
	return 0;
}
