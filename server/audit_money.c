/* audit_money.c -- the audit's signature pass: keys certified by the master key, every voucher verified again.
 *
 * One thread reads the vouchers (one statement, one pass) into chunks of
 * AUDIT_CHUNK_ROWS; worker threads verify them. The chunks are made once,
 * 2 per worker and 2 more: the reader waits for a free one, so that memory
 * stays bounded whatever the number of vouchers. Ed25519 verification
 * (crypto_sign_verify_detached, tens of microseconds) is the whole cost;
 * the reader is idle most of the time.
 */
#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include <jansson.h>

#include "passnum/cert.h"
#include "passnum/controlkey.h"
#include "passnum/keys.h"
#include "passnum/receipt.h"
#include "passnum/redemption.h"
#include "passnum/timefmt.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"
#include "audit_money.h"

/* --- The master key ------------------------------------------------------- */

int
audit_master_key(const char *master_path, const char *bundle_path,
    struct audit_master *m, struct pn_error *err)
{
	struct pn_trust *t;

	memset(m, 0, sizeof(*m));
	if (master_path != NULL) {
		if (pn_master_public_load(master_path, m->pk, err) != 0)
			return -1;
		m->have = true;
		/* A long path is cut in the message only. */
		(void)snprintf(m->source, sizeof(m->source), "the master key "
		    "given by --master %s", master_path);
		return 0;
	}
	if (bundle_path != NULL && bundle_path[0] != '\0') {
		/* No key pinned: the bundle names its key and must verify. */
		if ((t = pn_trust_load(bundle_path, NULL, 0, err)) == NULL)
			return -1;
		memcpy(m->pk, t->master_pk, sizeof(m->pk));
		pn_trust_free(t);
		m->have = true;
		(void)snprintf(m->source, sizeof(m->source), "the master key "
		    "named by the trust bundle %s, which it signed (not "
		    "pinned: --master PUB pins it)", bundle_path);
		return 0;
	}
	(void)snprintf(m->source, sizeof(m->source), "no master key: neither "
	    "--master FILE nor [keys] trust_bundle in the configuration");
	return 0;
}

/* --- The signing keys ----------------------------------------------------- */

struct audit_key {
	uint8_t pk[32];			/* signing_key.public_key */
	bool has_cert;			/* cert decoded, for the key and kid */
	struct pn_cert cert;
};

struct audit_keys {
	struct audit_key *by_kid[UINT16_MAX + 1];	/* NULL: not recorded */
};

struct key_load {
	struct audit_keys *keys;
	const struct audit_master *master;
	int (*fn)(void *ctx, const char *problem);
	void *ctx;
	int64_t problems;
	size_t n;
	bool stop;			/* fn asked to stop listing */
	bool nomem;
};

static void
key_problem(struct key_load *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
key_problem(struct key_load *l, const char *fmt, ...)
{
	char text[AUDIT_PROBLEM_MAX];
	va_list ap;

	l->problems++;
	if (l->stop)
		return;
	va_start(ap, fmt);
	/* A long message is cut: its start names the key. */
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	l->stop = l->fn(l->ctx, text) != 0;
}

static int
key_row(void *ctx, const struct store_key_record *r)
{
	struct key_load *l = ctx;
	struct audit_key *k;
	struct pn_error err;
	size_t used;

	l->n++;
	if (r->kid < 1 || r->kid > UINT16_MAX) {
		key_problem(l, "key %lld: not a kid (1 to 65535)",
		    (long long)r->kid);
		return 0;
	}
	if (r->public_key == NULL || r->pk_len != 32) {
		key_problem(l, "key %lld: a public key of %zu bytes, not 32",
		    (long long)r->kid, r->pk_len);
		return 0;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		l->nomem = true;
		return 1;
	}
	memcpy(k->pk, r->public_key, 32);
	l->keys->by_kid[r->kid] = k;
	if (r->cert == NULL || pn_cert_decode(r->cert, r->cert_len, &used,
	    &k->cert, &err) != 0)
		key_problem(l, "key %lld: its certificate does not decode (%s)",
		    (long long)r->kid, r->cert == NULL ? "none stored" :
		    err.message);
	else if (used != r->cert_len)
		key_problem(l, "key %lld: %zu bytes follow its certificate",
		    (long long)r->kid, r->cert_len - used);
	else if (k->cert.kid != r->kid)
		key_problem(l, "key %lld: its certificate is key %u's",
		    (long long)r->kid, k->cert.kid);
	else if (sodium_memcmp(k->cert.pk, k->pk, 32) != 0)
		key_problem(l, "key %lld: its certificate certifies another "
		    "public key than the one recorded", (long long)r->kid);
	else {
		k->has_cert = true;
		if (l->master->have && !pn_cert_verify(&k->cert,
		    l->master->pk))
			key_problem(l, "key %lld: its certificate is not "
			    "signed by the master key", (long long)r->kid);
	}
	return 0;
}

struct audit_keys *
audit_keys_load(struct store *s, const struct audit_master *m,
    int (*fn)(void *ctx, const char *problem), void *ctx, int64_t *problems,
    size_t *n_keys, struct pn_error *err)
{
	struct key_load l;

	memset(&l, 0, sizeof(l));
	l.master = m;
	l.fn = fn;
	l.ctx = ctx;
	if ((l.keys = calloc(1, sizeof(*l.keys))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "signing keys: out of memory");
		return NULL;
	}
	if (store_money_keys(s, key_row, &l, err) != 0 || l.nomem) {
		if (l.nomem)
			pn_error_set(err, PN_E_NOMEM, "signing keys: out of "
			    "memory");
		audit_keys_free(l.keys);
		return NULL;
	}
	*problems = l.problems;
	*n_keys = l.n;
	return l.keys;
}

void
audit_keys_free(struct audit_keys *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i <= UINT16_MAX; i++)
		free(k->by_kid[i]);
	free(k);
}

/* --- One voucher ---------------------------------------------------------- */

/*
 * 0 when r's signature verifies under its key and it lies inside the
 * key's certificate; else 1 with the reason in text.
 */
static int
check_voucher(const struct audit_keys *keys,
    const struct store_voucher_record *r, char *text, size_t len)
{
	uint8_t raw[PN_VOUCHER_SIZE];
	uint8_t msg[PN_VOUCHER_TAG_LEN + PN_VOUCHER_SIGNED_SIZE];
	char when[PN_TIME_TEXT_MAX], from[PN_TIME_TEXT_MAX];
	char until[PN_TIME_TEXT_MAX];
	const struct audit_key *k;
	unsigned long long serial = (unsigned long long)r->v.serial;

	if (!r->fits) {
		(void)snprintf(text, len, "voucher %llu: a column does not fit "
		    "the voucher record (kid, programme, value, dates or "
		    "signature out of range)", serial);
		return 1;
	}
	if ((k = keys->by_kid[r->v.kid]) == NULL) {
		(void)snprintf(text, len, "voucher %llu: its key %u is not "
		    "recorded, or not usable", serial, r->v.kid);
		return 1;
	}
	/* The signed message: the domain tag, the record's first 28 bytes. */
	pn_voucher_pack(&r->v, raw);
	memcpy(msg, PN_VOUCHER_TAG, PN_VOUCHER_TAG_LEN);
	memcpy(msg + PN_VOUCHER_TAG_LEN, raw, PN_VOUCHER_SIGNED_SIZE);
	if (crypto_sign_verify_detached(r->v.signature, msg, sizeof(msg),
	    k->pk) != 0) {
		(void)snprintf(text, len, "voucher %llu: signature does not "
		    "verify under key %u", serial, r->v.kid);
		return 1;
	}
	if (!k->has_cert)
		return 0;
	if ((int64_t)r->v.issued_at < k->cert.valid_from ||
	    (int64_t)r->v.issued_at > k->cert.sign_until) {
		pn_time_format(r->v.issued_at, when);
		pn_time_format(k->cert.valid_from, from);
		pn_time_format(k->cert.sign_until, until);
		(void)snprintf(text, len, "voucher %llu: issued at %s, outside "
		    "key %u's signing window (%s to %s)", serial, when,
		    r->v.kid, from, until);
		return 1;
	}
	if (!pn_cert_covers(&k->cert, r->v.programme)) {
		(void)snprintf(text, len, "voucher %llu: programme %u is "
		    "outside key %u's scope", serial, r->v.programme, r->v.kid);
		return 1;
	}
	return 0;
}

/*
 * Keep f among the n (at most AUDIT_SHOWN) failures of lowest serial in
 * list, sorted by serial.
 */
static void
keep_failure(struct audit_failure *list, size_t *n,
    const struct audit_failure *f)
{
	size_t i;

	if (*n == AUDIT_SHOWN && f->serial >= list[AUDIT_SHOWN - 1].serial)
		return;
	i = *n < AUDIT_SHOWN ? (*n)++ : AUDIT_SHOWN - 1;
	for (; i > 0 && list[i - 1].serial > f->serial; i--)
		list[i] = list[i - 1];
	list[i] = *f;
}

/* --- The pass: a reader, workers, a bounded set of chunks ----------------- */

struct chunk {
	size_t n;
	struct store_voucher_record rows[AUDIT_CHUNK_ROWS];
};

struct pass {
	const struct audit_keys *keys;
	pthread_mutex_t mu;
	pthread_cond_t work_cv;		/* a chunk to verify, or closed */
	pthread_cond_t free_cv;		/* a chunk to fill */
	struct chunk **work;		/* ring of n_chunks */
	size_t work_head, n_work;
	struct chunk **spare;		/* stack of n_chunks */
	size_t n_spare;
	size_t n_chunks;
	bool closed;			/* the reader is done */
	struct chunk *filling;		/* the reader's */
	struct audit_signature_report *out;	/* under mu */
};

static void *
worker(void *arg)
{
	struct pass *p = arg;
	/* A chunk's failures, before they are merged under the lock. */
	struct audit_failure mine[AUDIT_SHOWN], f;
	struct chunk *c;
	uint64_t failed;
	size_t i, n_mine;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->n_work == 0 && !p->closed)
			pthread_cond_wait(&p->work_cv, &p->mu);
		if (p->n_work == 0) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		c = p->work[p->work_head];
		p->work_head = (p->work_head + 1) % p->n_chunks;
		p->n_work--;
		pthread_mutex_unlock(&p->mu);

		failed = 0;
		n_mine = 0;
		for (i = 0; i < c->n; i++) {
			if (check_voucher(p->keys, &c->rows[i], f.text,
			    sizeof(f.text)) == 0)
				continue;
			failed++;
			f.serial = c->rows[i].v.serial;
			keep_failure(mine, &n_mine, &f);
		}

		pthread_mutex_lock(&p->mu);
		p->out->failed += failed;
		for (i = 0; i < n_mine; i++)
			keep_failure(p->out->shown, &p->out->n_shown, &mine[i]);
		c->n = 0;
		p->spare[p->n_spare++] = c;
		pthread_cond_signal(&p->free_cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* Hand the reader's chunk to the workers. */
static void
submit(struct pass *p)
{
	pthread_mutex_lock(&p->mu);
	p->work[(p->work_head + p->n_work) % p->n_chunks] = p->filling;
	p->n_work++;
	pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	p->filling = NULL;
}

/* The reader: each voucher row into the chunk being filled. */
static int
take_row(void *ctx, const struct store_voucher_record *r)
{
	struct pass *p = ctx;

	if (p->filling == NULL) {
		pthread_mutex_lock(&p->mu);
		while (p->n_spare == 0)
			pthread_cond_wait(&p->free_cv, &p->mu);
		p->filling = p->spare[--p->n_spare];
		pthread_mutex_unlock(&p->mu);
	}
	p->filling->rows[p->filling->n++] = *r;
	p->out->vouchers++;	/* the reader's alone until the join */
	if (p->filling->n == AUDIT_CHUNK_ROWS)
		submit(p);
	return 0;
}

static double
seconds_now(void)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One worker per online CPU, within 1 .. AUDIT_THREADS_MAX. */
static unsigned
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > AUDIT_THREADS_MAX ? AUDIT_THREADS_MAX : (unsigned)n;
}

int
audit_signatures(struct store *s, const struct audit_keys *k,
    unsigned threads, struct audit_signature_report *out,
    struct pn_error *err)
{
	pthread_t tid[AUDIT_THREADS_MAX];
	struct pass p;
	double start = seconds_now();
	unsigned started, i;
	int rc = -1;

	assert(s != NULL && k != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	if (threads == 0)
		threads = default_threads();
	if (threads > AUDIT_THREADS_MAX)
		threads = AUDIT_THREADS_MAX;
	memset(&p, 0, sizeof(p));
	p.keys = k;
	p.out = out;
	p.n_chunks = 2 * (size_t)threads + 2;
	p.work = calloc(p.n_chunks, sizeof(*p.work));
	p.spare = calloc(p.n_chunks, sizeof(*p.spare));
	if (p.work == NULL || p.spare == NULL) {
		pn_error_set(err, PN_E_NOMEM, "signatures: out of memory");
		goto release;
	}
	for (; p.n_spare < p.n_chunks; p.n_spare++)
		if ((p.spare[p.n_spare] = calloc(1, sizeof(struct chunk))) ==
		    NULL) {
			pn_error_set(err, PN_E_NOMEM, "signatures: out of "
			    "memory");
			goto release;
		}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work_cv, NULL);
	pthread_cond_init(&p.free_cv, NULL);
	for (started = 0; started < threads; started++)
		if (pthread_create(&tid[started], NULL, worker, &p) != 0)
			break;
	if (started == 0)
		pn_error_set(err, PN_E_NOMEM, "signatures: cannot start a "
		    "thread");
	else {
		rc = store_money_vouchers(s, take_row, &p, err);
		if (p.filling != NULL)
			submit(&p);
		pthread_mutex_lock(&p.mu);
		p.closed = true;
		pthread_cond_broadcast(&p.work_cv);
		pthread_mutex_unlock(&p.mu);
		/* Workers leave when the queue is empty: all chunks spare. */
		for (i = 0; i < started; i++)
			(void)pthread_join(tid[i], NULL);
		out->threads = started;
		out->seconds = seconds_now() - start;
	}
	pthread_cond_destroy(&p.free_cv);
	pthread_cond_destroy(&p.work_cv);
	pthread_mutex_destroy(&p.mu);
release:
	if (p.spare != NULL)
		for (i = 0; i < p.n_spare; i++)
			free(p.spare[i]);
	free(p.spare);
	free(p.work);
	return rc;
}

/* --- Redemptions: the terminals' records and the server's answers -------- */

/* The flag of redemption.flags marking a voucher typed by hand (schema 10). */
#define REDEMPTION_TYPED 4

struct redemption_pass {
	const struct audit_keys *keys;
	struct audit_redemption_report *out;
};

static const uint8_t *
recorded_pk(const void *ctx, uint16_t kid)
{
	const struct audit_keys *k = ctx;

	return k->by_kid[kid] != NULL ? k->by_kid[kid]->pk : NULL;
}

static void
redemption_failure(struct audit_redemption_report *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
redemption_failure(struct audit_redemption_report *out, const char *fmt, ...)
{
	va_list ap;

	out->failed++;
	if (out->n_shown == AUDIT_SHOWN)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(out->shown[out->n_shown].text,
	    sizeof(out->shown[0].text), fmt, ap);
	va_end(ap);
	out->n_shown++;
}

/*
 * The record the terminal signed, rebuilt from r: the voucher's text as
 * the terminal sent it (the QR code's, or "PNK1:<serial>:<KEY>" when
 * typed), verified under the terminal's enrolled key; then the receipt
 * in the stored answer, verified under the recorded signing key it names
 * and checked to be this redemption's.
 */
static int
take_redemption(void *ctx, const struct store_redemption_record *r)
{
	struct redemption_pass *p = ctx;
	struct pn_redemption rec;
	struct pn_receipt rc;
	struct pn_error err;
	char key[PN_CONTROL_KEY_SIZE];
	unsigned long long serial = (unsigned long long)r->voucher.v.serial;
	json_t *answer, *receipt;

	p->out->redemptions++;
	if (!r->fits || !r->voucher.fits) {
		redemption_failure(p->out, "redemption %lld of voucher %llu: a "
		    "column does not fit the record (ids, key, signature, "
		    "times or voucher out of range)", (long long)r->id, serial);
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.id, r->redemption_id, sizeof(rec.id));
	rec.terminal = (uint64_t)r->terminal;
	memcpy(rec.session, r->session_uid, sizeof(rec.session));
	rec.terminal_time = r->terminal_time;
	rec.counter = (uint64_t)r->counter;
	memcpy(rec.signature, r->record_signature, sizeof(rec.signature));
	if (r->flags & REDEMPTION_TYPED) {
		pn_control_key(r->voucher.v.signature, key);
		pn_typed_voucher_format(r->voucher.v.serial, key, rec.voucher);
	} else
		pn_voucher_to_text(&r->voucher.v, rec.voucher);
	if (!pn_redemption_verify(&rec, r->terminal_pk))
		redemption_failure(p->out, "redemption %lld of voucher %llu: "
		    "the terminal's signature does not verify (terminal %lld, "
		    "%s)", (long long)r->id, serial, (long long)r->terminal,
		    r->flags & REDEMPTION_TYPED ? "typed" : "scanned");

	answer = json_loads(r->answer, 0, NULL);
	receipt = json_object_get(answer, "receipt");
	if (!json_is_string(receipt))
		redemption_failure(p->out, "redemption %lld of voucher %llu: "
		    "the stored answer holds no receipt", (long long)r->id,
		    serial);
	else if (pn_receipt_check(json_string_value(receipt), recorded_pk,
	    p->keys, &rc, &err) != 0)
		redemption_failure(p->out, "redemption %lld of voucher %llu: "
		    "the stored answer's receipt does not verify (%s)",
		    (long long)r->id, serial, err.message);
	else if (sodium_memcmp(rc.redemption_id, r->redemption_id, 16) != 0 ||
	    rc.serial != r->voucher.v.serial)
		redemption_failure(p->out, "redemption %lld of voucher %llu: "
		    "the stored answer's receipt is another redemption's",
		    (long long)r->id, serial);
	json_decref(answer);
	return 0;
}

int
audit_redemptions(struct store *s, const struct audit_keys *k,
    struct audit_redemption_report *out, struct pn_error *err)
{
	struct redemption_pass p = { .keys = k, .out = out };
	double start = seconds_now();
	int rc;

	assert(s != NULL && k != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	rc = store_money_redemptions(s, take_redemption, &p, err);
	out->seconds = seconds_now() - start;
	return rc;
}
