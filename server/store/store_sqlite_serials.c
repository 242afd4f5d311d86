/* store_sqlite_serials.c -- serials reserved in memory, so that vouchers are signed before their booklet's transaction.
 *
 * The serial counter (serial_counter.next) moves only when a booklet is
 * committed: to next + n when the store takes serials itself, to
 * max(next, last + 1) when the booklet brings vouchers signed on serials
 * reserved here. A reservation is made in memory, above both the counter
 * and every serial reserved before; a refused booklet gives its serials
 * back and the next reservation takes them again, so refusals one after
 * another leave no gap. A serial is never reserved below the counter as
 * committed: after a restore, the counter is moved past the last
 * checkpoint's (checkpoint.c), and a serial printed since cannot be
 * printed again. Nothing here is trusted for uniqueness: the voucher's
 * serial is the table's primary key, and the issuing transaction checks
 * that the reserved serials are still free (another process,
 * passnum-admin, takes serials from the counter) before it uses them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

/* Serials given back and not reserved again; more are forgotten (a gap). */
#define FREE_MAX 64

struct serial_range {
	uint64_t first;
	unsigned n;
};

/* The reservations of one database (by path). */
struct serial_pool {
	char *path;
	uint64_t next;			/* above every serial reserved */
	struct serial_range free[FREE_MAX];
	size_t n_free;
	struct serial_pool *next_pool;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct serial_pool *pools;

static struct serial_pool *
pool_of(const char *path)
{
	struct serial_pool *p;

	for (p = pools; p != NULL; p = p->next_pool)
		if (strcmp(p->path, path) == 0)
			return p;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->path = strdup(path)) == NULL) {
		free(p);
		return NULL;
	}
	p->next_pool = pools;
	pools = p;
	return p;
}

/* The counter as committed, read on s (outside any transaction of s). */
static int
counter(struct store *s, uint64_t *next, struct pn_error *err)
{
	int rc;

	if ((rc = sqlite3_step(s->serial_next)) == SQLITE_ROW)
		*next = (uint64_t)sqlite3_column_int64(s->serial_next, 0);
	else
		sq_error(s, rc, "reading the serial counter", err);
	sq_done(s->serial_next);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_serials_reserve(struct store *s, unsigned n, uint64_t *first,
    struct pn_error *err)
{
	struct serial_pool *p;
	uint64_t committed;
	size_t i, kept;

	if (n == 0)
		return pn_error_set(err, PN_E_ARG, "no serial to reserve");
	if (counter(s, &committed, err) != 0)
		return -1;
	pthread_mutex_lock(&pool_lock);
	if ((p = pool_of(s->path)) == NULL) {
		pthread_mutex_unlock(&pool_lock);
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	}
	/*
	 * Serials below the counter may have been taken since they were
	 * given back (by passnum-admin, from the counter): forget them.
	 */
	if (p->next < committed)
		p->next = committed;
	for (i = kept = 0; i < p->n_free; i++)
		if (p->free[i].first >= committed)
			p->free[kept++] = p->free[i];
	p->n_free = kept;
	/* The lowest range given back that is large enough, else new ones. */
	for (i = 0, kept = p->n_free; i < p->n_free; i++)
		if (p->free[i].n >= n && (kept == p->n_free ||
		    p->free[i].first < p->free[kept].first))
			kept = i;
	if (kept < p->n_free) {
		*first = p->free[kept].first;
		p->free[kept].first += n;
		p->free[kept].n -= n;
		if (p->free[kept].n == 0)
			p->free[kept] = p->free[--p->n_free];
	} else {
		*first = p->next;
		p->next += n;
	}
	pthread_mutex_unlock(&pool_lock);
	return 0;
}

void
sq_serials_release(const struct store *s, uint64_t first, unsigned n)
{
	struct serial_pool *p;

	pthread_mutex_lock(&pool_lock);
	if ((p = pool_of(s->path)) != NULL && p->n_free < FREE_MAX) {
		p->free[p->n_free].first = first;
		p->free[p->n_free].n = n;
		p->n_free++;
	}
	pthread_mutex_unlock(&pool_lock);
}

void
store_serials_release(struct store *s, uint64_t first, unsigned n)
{
	sq_serials_release(s, first, n);
}
