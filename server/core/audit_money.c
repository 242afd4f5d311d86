/* audit_money.c -- the audit's signature passes: keys certified by the master key, every voucher and every redemption (its record, its receipt) verified again.
 *
 * One thread reads the vouchers, then the redemptions (one statement, one
 * pass each) into chunks of AUDIT_CHUNK_ROWS; worker threads verify them. The chunks are made once,
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

/*
 * A row's check: 0 to 2 failures written to f (each with its sort key in
 * f->serial), their number returned.
 */
typedef unsigned (*check_fn)(const struct audit_keys *keys, const void *row,
    struct audit_failure f[2]);

struct chunk {
	size_t n;
	unsigned char *rows;		/* AUDIT_CHUNK_ROWS of row_size */
};

struct pass {
	const struct audit_keys *keys;
	size_t row_size;
	check_fn check;
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
	/* Under mu: */
	uint64_t *failed;
	struct audit_failure *shown;	/* AUDIT_SHOWN */
	size_t *n_shown;
	/* The reader's alone until the join: */
	uint64_t *rows_read;
};

static void *
worker(void *arg)
{
	struct pass *p = arg;
	/* A chunk's failures, before they are merged under the lock. */
	struct audit_failure mine[AUDIT_SHOWN], f[2];
	struct chunk *c;
	uint64_t failed;
	size_t i, n_mine;
	unsigned k, nf;

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
			nf = p->check(p->keys, c->rows + i * p->row_size, f);
			failed += nf;
			for (k = 0; k < nf; k++)
				keep_failure(mine, &n_mine, &f[k]);
		}

		pthread_mutex_lock(&p->mu);
		*p->failed += failed;
		for (i = 0; i < n_mine; i++)
			keep_failure(p->shown, p->n_shown, &mine[i]);
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

/* The reader's next free slot in the chunk being filled. */
static void *
slot(struct pass *p)
{
	if (p->filling == NULL) {
		pthread_mutex_lock(&p->mu);
		while (p->n_spare == 0)
			pthread_cond_wait(&p->free_cv, &p->mu);
		p->filling = p->spare[--p->n_spare];
		pthread_mutex_unlock(&p->mu);
	}
	return p->filling->rows + p->filling->n * p->row_size;
}

/* The slot filled: counted, and the chunk handed over when full. */
static void
slot_done(struct pass *p)
{
	p->filling->n++;
	(*p->rows_read)++;
	if (p->filling->n == AUDIT_CHUNK_ROWS)
		submit(p);
}

/* The reader of vouchers: each row into the chunk being filled. */
static int
take_row(void *ctx, const struct store_voucher_record *r)
{
	struct pass *p = ctx;

	memcpy(slot(p), r, sizeof(*r));
	slot_done(p);
	return 0;
}

static unsigned
check_voucher_row(const struct audit_keys *keys, const void *row,
    struct audit_failure f[2])
{
	const struct store_voucher_record *r = row;

	if (check_voucher(keys, r, f[0].text, sizeof(f[0].text)) == 0)
		return 0;
	f[0].serial = r->v.serial;
	return 1;
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

/*
 * Run p (keys, row_size, check, failed, shown, n_shown, rows_read set):
 * read(s, p, err) feeds the rows through slot() and slot_done(), threads
 * workers check them. The number of workers started, 0 with err.
 */
static unsigned
run_pass(struct pass *p, struct store *s, unsigned threads,
    int (*read)(struct store *s, struct pass *p, struct pn_error *err),
    int *rc, struct pn_error *err)
{
	pthread_t tid[AUDIT_THREADS_MAX];
	unsigned started = 0, i;

	*rc = -1;
	if (threads == 0)
		threads = default_threads();
	if (threads > AUDIT_THREADS_MAX)
		threads = AUDIT_THREADS_MAX;
	p->n_chunks = 2 * (size_t)threads + 2;
	p->work = calloc(p->n_chunks, sizeof(*p->work));
	p->spare = calloc(p->n_chunks, sizeof(*p->spare));
	if (p->work == NULL || p->spare == NULL) {
		pn_error_set(err, PN_E_NOMEM, "signatures: out of memory");
		goto release;
	}
	for (; p->n_spare < p->n_chunks; p->n_spare++) {
		struct chunk *c = calloc(1, sizeof(*c));

		if (c != NULL && (c->rows = calloc(AUDIT_CHUNK_ROWS,
		    p->row_size)) == NULL) {
			free(c);
			c = NULL;
		}
		if ((p->spare[p->n_spare] = c) == NULL) {
			pn_error_set(err, PN_E_NOMEM, "signatures: out of "
			    "memory");
			goto release;
		}
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->free_cv, NULL);
	for (started = 0; started < threads; started++)
		if (pthread_create(&tid[started], NULL, worker, p) != 0)
			break;
	if (started == 0)
		pn_error_set(err, PN_E_NOMEM, "signatures: cannot start a "
		    "thread");
	else {
		*rc = read(s, p, err);
		if (p->filling != NULL)
			submit(p);
		pthread_mutex_lock(&p->mu);
		p->closed = true;
		pthread_cond_broadcast(&p->work_cv);
		pthread_mutex_unlock(&p->mu);
		/* Workers leave when the queue is empty: all chunks spare. */
		for (i = 0; i < started; i++)
			(void)pthread_join(tid[i], NULL);
	}
	pthread_cond_destroy(&p->free_cv);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->mu);
release:
	if (p->spare != NULL)
		for (i = 0; i < p->n_spare; i++) {
			free(p->spare[i]->rows);
			free(p->spare[i]);
		}
	free(p->spare);
	free(p->work);
	return started;
}

static int
read_vouchers(struct store *s, struct pass *p, struct pn_error *err)
{
	return store_money_vouchers(s, take_row, p, err);
}

/* Where a pass reports: the fields of one of the two reports. */
struct pass_out {
	uint64_t *rows, *failed;
	struct audit_failure *shown;	/* AUDIT_SHOWN */
	size_t *n_shown;
	unsigned *threads;
	double *seconds;
};

/* A pass of row_size rows read by read and checked by check, timed. */
static int
pass_report(struct store *s, const struct audit_keys *k, unsigned threads,
    size_t row_size, check_fn check,
    int (*read)(struct store *s, struct pass *p, struct pn_error *err),
    const struct pass_out *o, struct pn_error *err)
{
	struct pass p;
	double start = seconds_now();
	int rc;

	memset(&p, 0, sizeof(p));
	p.keys = k;
	p.row_size = row_size;
	p.check = check;
	p.failed = o->failed;
	p.shown = o->shown;
	p.n_shown = o->n_shown;
	p.rows_read = o->rows;
	*o->threads = run_pass(&p, s, threads, read, &rc, err);
	*o->seconds = seconds_now() - start;
	return rc;
}

int
audit_signatures(struct store *s, const struct audit_keys *k,
    unsigned threads, struct audit_signature_report *out,
    struct pn_error *err)
{
	struct pass_out o;

	assert(s != NULL && k != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	o = (struct pass_out){ &out->vouchers, &out->failed, out->shown,
	    &out->n_shown, &out->threads, &out->seconds };
	return pass_report(s, k, threads, sizeof(struct store_voucher_record),
	    check_voucher_row, read_vouchers, &o, err);
}

/* --- Redemptions: the terminals' records and the server's answers -------- */

/* The flag of redemption.flags marking a voucher typed by hand (schema 10). */
#define REDEMPTION_TYPED 4

/* A redemption as the workers check it: nothing points into SQLite. */
struct red_row {
	int64_t id;
	int64_t terminal;
	uint8_t terminal_pk[32];
	uint8_t redemption_id[16];
	struct pn_redemption rec;	/* its voucher text filled by the worker */
	struct store_voucher_record voucher;
	bool typed;
	bool fits;
	int receipt;			/* 1 held, 0 none, -1 too long */
	char receipt_text[PN_RECEIPT_TEXT_MAX];
};

const uint8_t *
audit_keys_pk(const void *keys, uint16_t kid)
{
	const struct audit_keys *k = keys;

	return k->by_kid[kid] != NULL ? k->by_kid[kid]->pk : NULL;
}

/* The reader: each row made self-contained, its answer's receipt taken out. */
static int
take_redemption(void *ctx, const struct store_redemption_record *r)
{
	struct pass *p = ctx;
	struct red_row *w = slot(p);
	json_t *answer, *receipt;

	memset(w, 0, sizeof(*w));
	w->id = r->id;
	w->terminal = r->terminal;
	w->fits = r->fits && r->voucher.fits;
	w->typed = (r->flags & REDEMPTION_TYPED) != 0;
	w->voucher = r->voucher;
	memcpy(w->terminal_pk, r->terminal_pk, sizeof(w->terminal_pk));
	memcpy(w->redemption_id, r->redemption_id, sizeof(w->redemption_id));
	memcpy(w->rec.id, r->redemption_id, sizeof(w->rec.id));
	w->rec.terminal = (uint64_t)r->terminal;
	memcpy(w->rec.session, r->session_uid, sizeof(w->rec.session));
	w->rec.terminal_time = r->terminal_time;
	w->rec.counter = (uint64_t)r->counter;
	memcpy(w->rec.signature, r->record_signature,
	    sizeof(w->rec.signature));
	answer = r->answer != NULL ? json_loads(r->answer, 0, NULL) : NULL;
	receipt = json_object_get(answer, "receipt");
	if (json_is_string(receipt)) {
		if (json_string_length(receipt) < sizeof(w->receipt_text)) {
			memcpy(w->receipt_text, json_string_value(receipt),
			    json_string_length(receipt) + 1);
			w->receipt = 1;
		} else
			w->receipt = -1;
	}
	json_decref(answer);
	slot_done(p);
	return 0;
}

/*
 * The record the terminal signed, rebuilt from the row: the voucher's text
 * as the terminal sent it (the QR code's, or "PNK1:<serial>:<KEY>" when
 * typed), verified under the terminal's enrolled key; then the receipt of
 * the stored answer, verified under the recorded signing key it names and
 * checked to be this redemption's. Failures sort by id.
 */
static unsigned
check_redemption_row(const struct audit_keys *keys, const void *row,
    struct audit_failure f[2])
{
	const struct red_row *w = row;
	struct pn_redemption rec = w->rec;
	struct pn_receipt rc;
	struct pn_error err;
	char key[PN_CONTROL_KEY_SIZE];
	unsigned long long serial = (unsigned long long)w->voucher.v.serial;
	long long id = (long long)w->id;
	unsigned n = 0;

	f[0].serial = f[1].serial = 2 * (uint64_t)w->id;
	f[1].serial++;
	if (!w->fits) {
		(void)snprintf(f[0].text, sizeof(f[0].text), "redemption %lld "
		    "of voucher %llu: a column does not fit the record (ids, "
		    "key, signature, times or voucher out of range)", id,
		    serial);
		return 1;
	}
	if (w->typed) {
		pn_control_key(w->voucher.v.signature, key);
		pn_typed_voucher_format(w->voucher.v.serial, key, rec.voucher);
	} else
		pn_voucher_to_text(&w->voucher.v, rec.voucher);
	if (!pn_redemption_verify(&rec, w->terminal_pk))
		(void)snprintf(f[n++].text, sizeof(f[0].text), "redemption "
		    "%lld of voucher %llu: the terminal's signature does not "
		    "verify (terminal %lld, %s)", id, serial,
		    (long long)w->terminal, w->typed ? "typed" : "scanned");
	if (w->receipt == 0)
		(void)snprintf(f[n++].text, sizeof(f[0].text), "redemption "
		    "%lld of voucher %llu: the stored answer holds no receipt",
		    id, serial);
	else if (w->receipt < 0)
		(void)snprintf(f[n++].text, sizeof(f[0].text), "redemption "
		    "%lld of voucher %llu: the stored answer's receipt is "
		    "longer than any receipt", id, serial);
	else if (pn_receipt_check(w->receipt_text, audit_keys_pk, keys, &rc,
	    &err) != 0)
		(void)snprintf(f[n++].text, sizeof(f[0].text), "redemption "
		    "%lld of voucher %llu: the stored answer's receipt does not "
		    "verify (%.120s)", id, serial, err.message);
	else if (sodium_memcmp(rc.redemption_id, w->redemption_id, 16) != 0 ||
	    rc.serial != w->voucher.v.serial)
		(void)snprintf(f[n++].text, sizeof(f[0].text), "redemption "
		    "%lld of voucher %llu: the stored answer's receipt is "
		    "another redemption's", id, serial);
	return n;
}

static int
read_redemptions(struct store *s, struct pass *p, struct pn_error *err)
{
	return store_money_redemptions(s, take_redemption, p, err);
}

int
audit_redemptions(struct store *s, const struct audit_keys *k,
    unsigned threads, struct audit_redemption_report *out,
    struct pn_error *err)
{
	struct pass_out o;

	assert(s != NULL && k != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	o = (struct pass_out){ &out->redemptions, &out->failed, out->shown,
	    &out->n_shown, &out->threads, &out->seconds };
	return pass_report(s, k, threads, sizeof(struct red_row),
	    check_redemption_row, read_redemptions, &o, err);
}
