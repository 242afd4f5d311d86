/* statement_batch.c -- a batch's statements rendered on every CPU, kept in order.
 *
 * Approving a month for 2,000 venues renders 2,000 PDFs: the caller's
 * thread, which owns the database connection, reads each statement and
 * stores each PDF, in order, while worker threads render the ones read
 * ahead, a small window of them at a time so that memory stays bounded.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statement_batch.h"

enum slot_state { SLOT_EMPTY, SLOT_READ, SLOT_RENDERING, SLOT_DONE };

struct slot {
	enum slot_state state;
	struct statement st;
	unsigned char *pdf;
	size_t len;
	int failed;
	struct pn_error err;
};

struct pipeline {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct slot *slots;
	size_t window;
	size_t next_read, next_keep;	/* statement numbers */
	bool stop;
};

static void *
worker(void *arg)
{
	struct pipeline *p = arg;
	struct slot *sl;
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		sl = NULL;
		for (i = p->next_keep; i < p->next_read; i++) {
			if (p->slots[i % p->window].state == SLOT_READ) {
				sl = &p->slots[i % p->window];
				break;
			}
		}
		if (sl == NULL) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->changed, &p->lock);
			continue;
		}
		sl->state = SLOT_RENDERING;
		pthread_mutex_unlock(&p->lock);
		sl->failed = statement_pdf_render(&sl->st, &sl->pdf, &sl->len,
		    &sl->err) != 0;
		pthread_mutex_lock(&p->lock);
		sl->state = SLOT_DONE;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Keep slot sl's PDF (on the caller's thread) and empty it. */
static int
keep_one(struct pipeline *p, struct slot *sl, size_t i,
    const struct statement_batch_io *io, struct pn_error *err)
{
	int rc;

	if (sl->failed) {
		*err = sl->err;
		rc = -1;
	} else
		rc = io->keep(io->ctx, i, &sl->st, sl->pdf, sl->len, err);
	io->release(&sl->st);
	free(sl->pdf);
	sl->pdf = NULL;
	pthread_mutex_lock(&p->lock);
	sl->state = SLOT_EMPTY;
	p->next_keep++;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* The caller's side: read ahead, keep in order. 0 or -1 with err. */
static int
drive(struct pipeline *p, size_t n, const struct statement_batch_io *io,
    struct pn_error *err)
{
	struct slot *sl;

	while (p->next_keep < n) {
		pthread_mutex_lock(&p->lock);
		sl = &p->slots[p->next_keep % p->window];
		if (p->next_keep < p->next_read && sl->state == SLOT_DONE) {
			pthread_mutex_unlock(&p->lock);
			if (keep_one(p, sl, p->next_keep, io, err) != 0)
				return -1;
			continue;
		}
		if (p->next_read < n && p->next_read - p->next_keep < p->window) {
			struct slot *r = &p->slots[p->next_read % p->window];

			pthread_mutex_unlock(&p->lock);
			memset(&r->st, 0, sizeof(r->st));
			r->failed = 0;
			if (io->read(io->ctx, p->next_read, &r->st, err) != 0)
				return -1;
			pthread_mutex_lock(&p->lock);
			r->state = SLOT_READ;
			p->next_read++;
			pthread_cond_broadcast(&p->changed);
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	return 0;
}

int
statement_batch_render(size_t n, const struct statement_batch_io *io,
    struct pn_error *err)
{
	struct pipeline p;
	pthread_t threads[STATEMENT_BATCH_MAX_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads, started = 0, i;
	int rc;

	/*
	 * libharu has zlib compress every page with a fresh stream, about
	 * 270 kB allocated and freed again; with glibc's default trim
	 * threshold (128 kB) each free gives that memory back to the kernel
	 * and the next page faults it in again, a sixth of the rendering
	 * time. Keep up to 64 MB of freed memory for reuse instead: the
	 * setting holds for the rest of the process, which costs at most
	 * that much of resident memory.
	 */
	(void)mallopt(M_TRIM_THRESHOLD, 64 << 20);
	nthreads = cpus < 1 ? 1 : (size_t)cpus;
	if (nthreads > STATEMENT_BATCH_MAX_THREADS)
		nthreads = STATEMENT_BATCH_MAX_THREADS;
	memset(&p, 0, sizeof(p));
	p.window = nthreads * 4;
	if ((p.slots = calloc(p.window, sizeof(*p.slots))) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[started], NULL, worker, &p) == 0)
			started++;
	if (started == 0) {
		rc = pn_error_set(err, PN_E_NOMEM, "cannot start a thread to "
		    "render statements");
	} else
		rc = drive(&p, n, io, err);
	pthread_mutex_lock(&p.lock);
	p.stop = true;
	pthread_cond_broadcast(&p.changed);
	pthread_mutex_unlock(&p.lock);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	/* After a failure, what was read or rendered ahead is dropped. */
	for (i = 0; i < p.window; i++) {
		if (p.slots[i].state != SLOT_EMPTY) {
			io->release(&p.slots[i].st);
			free(p.slots[i].pdf);
		}
	}
	free(p.slots);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	return rc;
}
