/* termsign.c -- pn-termsign: act as a venue terminal's signing key, for tests and benchmarks.
 *
 *   pn-termsign keygen SKFILE          write a device key (hex, 0600), print its public key
 *   pn-termsign headers SKFILE TERMINAL METHOD PATH [BODYFILE] [--time T] [--nonce HEX]
 *                                      print the four signature headers, one a line
 *   pn-termsign record SKFILE TERMINAL SESSION VOUCHER [--id HEX] [--time T] [--counter N]
 *                                      print a signed redemption record (JSON)
 *
 * passnum-terminal does all of this for venues; these pieces let the
 * server's tests send exactly the request they mean, wrong ones included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "passnum/parse.h"
#include "passnum/passnum.h"
#include "passnum/redemption.h"
#include "passnum/request.h"
#include "passnum/fileio.h"

/* A request body to sign: a batch of 10,000 records fits. */
#define BODY_MAX (64u << 20)

static int
usage(void)
{
	fprintf(stderr, "usage: pn-termsign keygen SKFILE\n"
	    "       pn-termsign headers SKFILE TERMINAL METHOD PATH [BODYFILE] "
	    "[--time T] [--nonce HEX]\n"
	    "       pn-termsign record SKFILE TERMINAL SESSION VOUCHER "
	    "[--id HEX] [--time T] [--counter N]\n");
	return 2;
}

static int
read_key(const char *path, uint8_t sk[64])
{
	char hex[129];
	FILE *f = fopen(path, "r");
	int ok;

	if (f == NULL)
		return -1;
	ok = fscanf(f, "%128s", hex) == 1 && pn_hex_decode(hex, sk, 64);
	fclose(f);
	return ok ? 0 : -1;
}

/* The value of --name in argv[from..], or NULL. */
static const char *
option(int argc, char **argv, int from, const char *name)
{
	int i;

	for (i = from; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static int
keygen(const char *path)
{
	uint8_t pk[32], sk[64];
	char hex[129];
	FILE *f;

	crypto_sign_keypair(pk, sk);
	pn_hex_encode(sk, 64, hex);
	umask(077);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "%s\n", hex);
	fclose(f);
	pn_hex_encode(pk, 32, hex);
	printf("%s\n", hex);
	return 0;
}

static int
headers(int argc, char **argv, const uint8_t sk[64], uint64_t terminal)
{
	const char *t = option(argc, argv, 6, "--time");
	const char *given = option(argc, argv, 6, "--nonce");
	char nonce[PN_NONCE_HEX], sig_hex[PN_SIG_HEX];
	uint8_t sig[64];
	uint64_t at = (uint64_t)time(NULL);
	struct pn_error err;
	uint8_t *body = NULL;
	size_t len = 0;

	if (argc > 6 && strncmp(argv[6], "--", 2) != 0 &&
	    pn_file_read(argv[6], BODY_MAX, &body, &len, &err) != 0) {
		fprintf(stderr, "pn-termsign: %s\n", err.message);
		return 1;
	}
	if (t != NULL && pn_parse_u64(t, INT64_MAX, &at) != 0)
		return usage();
	if (given != NULL)
		(void)snprintf(nonce, sizeof(nonce), "%s", given);
	else
		pn_nonce_new(nonce);
	if (pn_request_sign(sig, sk, argv[4], argv[5], (int64_t)at, nonce,
	    body, len) != 0)
		return 1;
	pn_hex_encode(sig, 64, sig_hex);
	printf(PN_HDR_TERMINAL ": %llu\n" PN_HDR_TIME ": %llu\n"
	    PN_HDR_NONCE ": %s\n" PN_HDR_SIGNATURE ": %s\n",
	    (unsigned long long)terminal, (unsigned long long)at, nonce,
	    sig_hex);
	free(body);
	return 0;
}

static int
record(int argc, char **argv, const uint8_t sk[64], uint64_t terminal)
{
	const char *id = option(argc, argv, 6, "--id");
	const char *t = option(argc, argv, 6, "--time");
	const char *counter = option(argc, argv, 6, "--counter");
	struct pn_redemption r;
	uint64_t v;
	json_t *doc;
	char *text;

	memset(&r, 0, sizeof(r));
	r.terminal = terminal;
	r.terminal_time = (int64_t)time(NULL);
	if (!pn_hex_decode(argv[4], r.session, sizeof(r.session)) ||
	    strlen(argv[5]) > PN_REDEMPTION_TEXT_MAX)
		return usage();
	memcpy(r.voucher, argv[5], strlen(argv[5]));
	if (id != NULL) {
		if (!pn_hex_decode(id, r.id, sizeof(r.id)))
			return usage();
	} else
		randombytes_buf(r.id, sizeof(r.id));
	if (t != NULL) {
		if (pn_parse_u64(t, INT64_MAX, &v) != 0)
			return usage();
		r.terminal_time = (int64_t)v;
	}
	if (counter != NULL) {
		if (pn_parse_u64(counter, INT64_MAX, &v) != 0)
			return usage();
		r.counter = v;
	}
	if (pn_redemption_sign(&r, sk) != 0 ||
	    (doc = pn_redemption_to_json(&r)) == NULL ||
	    (text = json_dumps(doc, JSON_COMPACT)) == NULL)
		return 1;
	printf("%s\n", text);
	free(text);
	json_decref(doc);
	return 0;
}

int
main(int argc, char **argv)
{
	uint8_t sk[64];
	uint64_t terminal;

	if (pn_init() != 0 || argc < 3)
		return usage();
	if (strcmp(argv[1], "keygen") == 0)
		return keygen(argv[2]);
	if (argc < 6 || read_key(argv[2], sk) != 0 ||
	    pn_parse_u64(argv[3], INT64_MAX, &terminal) != 0)
		return usage();
	if (strcmp(argv[1], "headers") == 0)
		return headers(argc, argv, sk, terminal);
	if (strcmp(argv[1], "record") == 0)
		return record(argc, argv, sk, terminal);
	return usage();
}
