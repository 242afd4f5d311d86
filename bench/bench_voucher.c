/* bench_voucher.c -- vouchers signed, checked and drawn per second, beside raw Ed25519.
 *
 * Each figure is measured in interleaved slices with the raw libsodium
 * figure it builds on, and printed as a ratio to it:
 *   voucher sign + text     / crypto_sign_detached of 44 bytes   >= 0.90
 *   voucher decode + verify / crypto_sign_verify_detached        >= 0.90
 *   QR PNG, QR SVG          / crypto_sign_detached (information: the QR of
 *                             each voucher issued is drawn once)
 * Verification runs against a bundle of a few certificates and a deny list
 * of 100,000 serials, as a terminal's would be. Exit 1 when a target is
 * missed, 2 when the set-up fails.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "passnum/passnum.h"
#include "passnum/cert.h"
#include "passnum/denylist.h"
#include "passnum/keys.h"
#include "passnum/qr.h"
#include "passnum/reason.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"

#include "bench.h"

#define PROG		"bench_voucher"

/* 2026-01-01T00:00:00Z, 2027-01-01, 2027-07-01: a key's year of signing. */
#define T_2026		1767225600
#define T_2027		1798761600
#define T_2027_07	1814486400
#define DAY		86400
#define T_VALID		(T_2026 + 151 * DAY)	/* 2026-06-01: all valid */

#define MASTER_SEED	0x4d	/* seeds are 32 equal bytes, as in tests */
#define N_KEYS		4	/* kids 1..N_KEYS, seed byte = kid */
#define POOL		256	/* distinct vouchers verified, a power of 2 */
#define DENIED		100000	/* serials in the deny list */
#define SERIAL_BASE	1000000	/* denied: base + 2i; pool: odd, among them */
#define QR_MODULE_PX	4

/* The tag and signed bytes of a voucher: what the raw figures sign. */
#define TAG		PN_VOUCHER_TAG
#define TAG_LEN		PN_VOUCHER_TAG_LEN
#define MSG_LEN		(TAG_LEN + PN_VOUCHER_SIGNED_SIZE)

_Static_assert(MSG_LEN == 44, "a voucher signs 44 bytes");
_Static_assert((POOL & (POOL - 1)) == 0, "POOL is cycled with a mask");

/* Everything the operations need; made by setup(), freed by teardown(). */
struct fixture {
	struct pn_master_key *master;
	struct pn_signing_key *keys[N_KEYS];
	struct pn_trust *trust;
	struct pn_denylist *deny;

	/* Raw sign: one message whose serial bytes change at every call. */
	uint8_t msg[MSG_LEN];
	uint64_t msg_counter;
	/* Voucher sign: a voucher whose serial grows at every call. */
	struct pn_voucher next;
	char text_out[PN_VOUCHER_TEXT_LEN + 1];
	/* The pool: texts, and the same signed bytes for raw verify. */
	char texts[POOL][PN_VOUCHER_TEXT_LEN + 1];
	uint8_t msgs[POOL][MSG_LEN];
	uint8_t sigs[POOL][PN_SIGNATURE_SIZE];
	const uint8_t *pks[POOL];
	unsigned cursor;
	uint8_t sig_out[PN_SIGNATURE_SIZE];
};

/* The signing key kid, from a seed of 32 bytes equal to kid (as in tests). */
static struct pn_signing_key *
signing_key(uint16_t kid)
{
	uint8_t seed[32];
	struct pn_error err;
	struct pn_signing_key *k;

	memset(seed, (int)kid, sizeof(seed));
	if ((k = pn_signing_key_from_seed(kid, seed, &err)) == NULL)
		bench_fatalx(PROG, "pn_signing_key_from_seed(%u): %s", kid,
		    err.message);
	return k;
}

/* A voucher of programme 7, 10,00 EUR, issued 2026-03-01, until 2027-01-31. */
static void
voucher_template(struct pn_voucher *v, uint64_t serial)
{
	memset(v, 0, sizeof(*v));
	v->programme = 7;
	v->serial = serial;
	v->value_cents = 1000;
	v->issued_at = T_2026 + 59 * DAY;
	v->expires_at = T_2027 + 31 * DAY - 1;
}

/* Lay out TAG || the voucher's first 28 bytes, as pn_voucher_sign() does. */
static void
voucher_message(const struct pn_voucher *v, uint8_t msg[MSG_LEN])
{
	uint8_t raw[PN_VOUCHER_SIZE];

	pn_voucher_pack(v, raw);
	memcpy(msg, TAG, TAG_LEN);
	memcpy(msg + TAG_LEN, raw, PN_VOUCHER_SIGNED_SIZE);
}

/* Master key, N_KEYS certified keys, their bundle (signed), the deny list. */
static void
setup_keys(struct fixture *f)
{
	uint8_t seed[32];
	struct pn_error err;
	struct pn_cert *c;
	uint16_t kid;
	size_t i;

	memset(seed, MASTER_SEED, sizeof(seed));
	if ((f->master = pn_master_key_from_seed(seed, &err)) == NULL)
		bench_fatalx(PROG, "pn_master_key_from_seed: %s", err.message);
	if ((f->trust = pn_trust_new(f->master->pk, 1, T_2026)) == NULL)
		bench_fatalx(PROG, "pn_trust_new: out of memory");
	/* A certificate is over a kilobyte: keep it off the stack. */
	if ((c = calloc(1, sizeof(*c))) == NULL)
		bench_fatalx(PROG, "%s: out of memory", __func__);
	for (kid = 1; kid <= N_KEYS; kid++) {
		f->keys[kid - 1] = signing_key(kid);
		memset(c, 0, sizeof(*c));
		c->kid = kid;
		memcpy(c->pk, f->keys[kid - 1]->pk, sizeof(c->pk));
		c->valid_from = T_2026;
		c->sign_until = T_2027;
		c->verify_until = T_2027_07;
		c->all_programmes = true;
		if (pn_cert_sign(c, f->master, &err) != 0 ||
		    pn_trust_add_cert(f->trust, c, &err) != 0)
			bench_fatalx(PROG, "certificate of kid %u: %s", kid,
			    err.message);
	}
	free(c);
	if (pn_trust_sign(f->trust, f->master, &err) != 0)
		bench_fatalx(PROG, "pn_trust_sign: %s", err.message);

	if ((f->deny = pn_denylist_new()) == NULL)
		bench_fatalx(PROG, "pn_denylist_new: out of memory");
	for (i = 0; i < DENIED; i++)
		if (pn_denylist_add(f->deny, SERIAL_BASE + 2 * (uint64_t)i,
		    T_2027 + 31 * DAY - 1, i % 2 == 0 ? PN_DENY_REDEEMED :
		    PN_DENY_CANCELLED, &err) != 0)
			bench_fatalx(PROG, "pn_denylist_add: %s", err.message);
	if (pn_denylist_sign(f->deny, f->keys[0], 0, 1, T_2026 + 100 * DAY,
	    &err) != 0)
		bench_fatalx(PROG, "pn_denylist_sign: %s", err.message);
}

/*
 * The pool: POOL vouchers with odd serials spread among the denied ones
 * (so each lookup runs the whole binary search), signed in turn by every
 * key. Each is checked once before timing starts, and so is a denied one.
 */
static void
setup_pool(struct fixture *f)
{
	struct pn_voucher v;
	enum pn_reason r;
	unsigned i;

	for (i = 0; i < POOL; i++) {
		const struct pn_signing_key *k = f->keys[i % N_KEYS];

		voucher_template(&v, SERIAL_BASE + 2 * (uint64_t)i *
		    (DENIED / POOL) + 1);
		if (pn_voucher_sign(&v, k) != 0)
			bench_fatalx(PROG, "pn_voucher_sign failed");
		pn_voucher_to_text(&v, f->texts[i]);
		voucher_message(&v, f->msgs[i]);
		memcpy(f->sigs[i], v.signature, PN_SIGNATURE_SIZE);
		f->pks[i] = k->pk;
		if (strlen(f->texts[i]) != PN_VOUCHER_TEXT_LEN)
			bench_fatalx(PROG, "voucher text of %zu characters, "
			    "expected %d", strlen(f->texts[i]),
			    PN_VOUCHER_TEXT_LEN);
		r = pn_voucher_check_text(f->texts[i], PN_VOUCHER_TEXT_LEN,
		    f->trust, f->deny, T_VALID, NULL);
		if (r != PN_R_OK)
			bench_fatalx(PROG, "pool voucher %u refused: %s", i,
			    pn_reason_name(r));
		if (crypto_sign_verify_detached(f->sigs[i], f->msgs[i],
		    MSG_LEN, f->pks[i]) != 0)
			bench_fatalx(PROG, "pool voucher %u: raw signature "
			    "does not verify: not the bytes the library signs",
			    i);
	}

	/* The deny list is really looked at. */
	voucher_template(&v, SERIAL_BASE + 2 * (DENIED / 2));
	if (pn_voucher_sign(&v, f->keys[0]) != 0)
		bench_fatalx(PROG, "pn_voucher_sign failed");
	r = pn_voucher_verify(&v, f->trust, f->deny, T_VALID);
	if (r != PN_R_REDEEMED && r != PN_R_CANCELLED)
		bench_fatalx(PROG, "a denied serial was not refused as such: %s",
		    pn_reason_name(r));

	voucher_template(&f->next, 1);
	voucher_message(&f->next, f->msg);
}

static struct fixture *
setup(void)
{
	struct fixture *f;

	if (pn_init() != 0)
		bench_fatalx(PROG, "pn_init: no secure random source");
	if ((f = calloc(1, sizeof(*f))) == NULL)
		bench_fatalx(PROG, "%s: out of memory", __func__);
	setup_keys(f);
	setup_pool(f);
	return f;
}

static void
teardown(struct fixture *f)
{
	size_t i;

	if (f == NULL)
		return;
	pn_denylist_free(f->deny);
	pn_trust_free(f->trust);
	for (i = 0; i < N_KEYS; i++)
		pn_signing_key_free(f->keys[i]);
	pn_master_key_free(f->master);
	free(f);
}

/* Raw: crypto_sign_detached of 44 bytes, the serial bytes changing. */
static int
op_raw_sign(void *ctx)
{
	struct fixture *f = ctx;

	f->msg_counter++;
	memcpy(f->msg + TAG_LEN + 7, &f->msg_counter, sizeof(f->msg_counter));
	if (crypto_sign_detached(f->sig_out, NULL, f->msg, MSG_LEN,
	    f->keys[0]->sk) != 0) {
		fprintf(stderr, PROG ": crypto_sign_detached failed\n");
		return -1;
	}
	return 0;
}

/* Raw: crypto_sign_verify_detached of the pool's signatures, in turn. */
static int
op_raw_verify(void *ctx)
{
	struct fixture *f = ctx;
	unsigned i = f->cursor++ & (POOL - 1);

	if (crypto_sign_verify_detached(f->sigs[i], f->msgs[i], MSG_LEN,
	    f->pks[i]) != 0) {
		fprintf(stderr, PROG ": raw verify of pool voucher %u "
		    "failed\n", i);
		return -1;
	}
	return 0;
}

/* A voucher issued: fields set, signed, written as text. */
static int
op_voucher_sign(void *ctx)
{
	struct fixture *f = ctx;

	f->next.serial++;
	if (pn_voucher_sign(&f->next, f->keys[0]) != 0) {
		fprintf(stderr, PROG ": pn_voucher_sign failed\n");
		return -1;
	}
	pn_voucher_to_text(&f->next, f->text_out);
	return 0;
}

/* A voucher scanned: text decoded, verified against bundle and deny list. */
static int
op_voucher_check(void *ctx)
{
	struct fixture *f = ctx;
	unsigned i = f->cursor++ & (POOL - 1);
	struct pn_voucher v;
	enum pn_reason r;

	r = pn_voucher_check_text(f->texts[i], PN_VOUCHER_TEXT_LEN, f->trust,
	    f->deny, T_VALID, &v);
	if (r != PN_R_OK) {
		fprintf(stderr, PROG ": pool voucher %u refused: %s\n", i,
		    pn_reason_name(r));
		return -1;
	}
	return 0;
}

static int
op_qr_png(void *ctx)
{
	struct fixture *f = ctx;
	unsigned i = f->cursor++ & (POOL - 1);
	struct pn_error err;
	uint8_t *png = NULL;
	size_t len = 0;

	if (pn_qr_png(f->texts[i], QR_MODULE_PX, &png, &len, &err) != 0) {
		fprintf(stderr, PROG ": pn_qr_png: %s\n", err.message);
		return -1;
	}
	free(png);
	return 0;
}

static int
op_qr_svg(void *ctx)
{
	struct fixture *f = ctx;
	unsigned i = f->cursor++ & (POOL - 1);
	struct pn_error err;
	char *svg = NULL;
	size_t len = 0;

	if (pn_qr_svg(f->texts[i], QR_MODULE_PX, &svg, &len, &err) != 0) {
		fprintf(stderr, PROG ": pn_qr_svg: %s\n", err.message);
		return -1;
	}
	free(svg);
	return 0;
}

int
main(void)
{
	double seconds = bench_seconds_per_round();
	struct fixture *f = setup();
	struct bench_verdict verdict = { 0, "" };
	struct bench_rate raw_sign = { "raw Ed25519 sign (44 B)", op_raw_sign,
	    f, 0 };
	struct bench_rate raw_verify = { "raw Ed25519 verify (44 B)",
	    op_raw_verify, f, 0 };
	struct bench_rate sign = { "voucher sign+text", op_voucher_sign, f,
	    0 };
	struct bench_rate check = { "voucher decode+verify", op_voucher_check,
	    f, 0 };
	struct bench_rate png = { "QR PNG (4 px/module)", op_qr_png, f, 0 };
	struct bench_rate svg = { "QR SVG (4 px/module)", op_qr_svg, f, 0 };
	struct bench_rate *qr[3] = { &raw_sign, &png, &svg };
	char denied[40];

	bench_print_header(PROG, seconds);
	bench_format_rate(DENIED, denied, sizeof(denied));
	printf("  verified against %d certificates and %s denied serials, "
	    "%d distinct vouchers\n", N_KEYS, denied, POOL);
	fflush(stdout);

	printf("signing\n");
	if (bench_pair(&raw_sign, &sign, seconds) != 0)
		bench_fatalx(PROG, "signing: an operation failed");
	bench_print_rate(&raw_sign);
	bench_print_ratio(&sign, &raw_sign, "ratio to raw sign", 0.90,
	    &verdict);
	fflush(stdout);

	printf("verification\n");
	if (bench_pair(&raw_verify, &check, seconds) != 0)
		bench_fatalx(PROG, "verification: an operation failed");
	bench_print_rate(&raw_verify);
	bench_print_ratio(&check, &raw_verify, "ratio to raw verify", 0.90,
	    &verdict);
	fflush(stdout);

	printf("QR codes (informational: each voucher issued is drawn once)\n");
	if (bench_interleave(qr, 3, seconds) != 0)
		bench_fatalx(PROG, "QR codes: an operation failed");
	bench_print_rate(&raw_sign);
	bench_print_ratio(&png, &raw_sign, "per voucher signed", 0, &verdict);
	bench_print_ratio(&svg, &raw_sign, "per voucher signed", 0, &verdict);

	teardown(f);
	return bench_finish(PROG, &verdict);
}
