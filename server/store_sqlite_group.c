/* store_sqlite_group.c -- group commit: writes asked for at the same moment share one fsync.
 *
 * One durable commit (an fsync) costs more than issuing a booklet or
 * redeeming a voucher, so such writes share a transaction: each request
 * joins one queue; the first thread to find no group running becomes its
 * leader, takes every queued job, runs each inside its own savepoint (a
 * refused job is undone alone), commits once, and wakes the others with
 * their results. No job is answered before the commit that holds it, and
 * a failed commit fails every job it held.
 *
 * Groups run on one connection of their own per database, whichever
 * thread leads: a connection that another has written to since its last
 * transaction starts with an empty page cache, so a leader on its own
 * connection would read back every page it touches; the group's
 * connection, which made all the recent writes, finds them in its cache.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_sqlite.h"

struct group_job {
	sq_group_fn fn;
	void *arg;
	struct pn_error *err;
	int result;
	bool kept;			/* its writes are in the transaction */
	bool done;
	pthread_cond_t wake;		/* done, or to lead the next group */
	struct group_job *next;
};

#define GROUP_MAX 64

/* The queue and the connection of one database (by path). */
struct group_queue {
	char *path;
	struct store *conn;		/* opened by the first leader */
	dev_t dev;			/* ... on this file */
	ino_t ino;
	struct group_job *head, *tail;
	bool running;
	struct group_queue *next;
};

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct group_queue *queues;

/* The queue of s's database, made on first use; NULL when out of memory. */
static struct group_queue *
queue_of(const struct store *s)
{
	struct group_queue *q;

	for (q = queues; q != NULL; q = q->next)
		if (strcmp(q->path, s->path) == 0)
			return q;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->path = strdup(s->path)) == NULL) {
		free(q);
		return NULL;
	}
	q->next = queues;
	queues = q;
	return q;
}

/*
 * The connection the groups of q run on, opened by its first leader; the
 * leader's own (s) when it cannot be opened, which is correct, only
 * slower.
 */
static struct store *
group_conn(struct group_queue *q, struct store *s)
{
	struct pn_error err;
	struct stat st;

	/* A database made anew under the same path is another file. */
	if (q->conn != NULL && (stat(q->path, &st) != 0 ||
	    st.st_dev != q->dev || st.st_ino != q->ino)) {
		store_close(q->conn);
		q->conn = NULL;
	}
	if (q->conn == NULL &&
	    (q->conn = store_open(q->path, s->busy_timeout_ms, &err)) != NULL) {
		if (stat(q->path, &st) == 0) {
			q->dev = st.st_dev;
			q->ino = st.st_ino;
		} else {
			store_close(q->conn);
			q->conn = NULL;
		}
	}
	return q->conn != NULL ? q->conn : s;
}

static int
savepoint(struct store *s, sqlite3_stmt *st, struct pn_error *err)
{
	return sq_step_done(s, st, "savepoint", err);
}

/* Run the jobs of one group on s, in one transaction. */
static void
run_group(struct store *s, struct group_job **jobs, size_t n)
{
	struct pn_error err;
	size_t i;

	if (sq_begin(s, &err) != 0) {
		for (i = 0; i < n; i++) {
			*jobs[i]->err = err;
			jobs[i]->result = -1;
		}
		return;
	}
	for (i = 0; i < n; i++) {
		struct group_job *j = jobs[i];

		if (savepoint(s, s->savepoint, j->err) != 0) {
			j->result = -1;
			continue;
		}
		j->result = j->fn(s, j->arg, &j->kept, j->err);
		if (j->result < 0 || !j->kept)
			(void)savepoint(s, s->savepoint_undo, NULL);
		(void)savepoint(s, s->savepoint_release, NULL);
	}
	if (sq_commit(s, &err) != 0) {
		sq_rollback(s);
		for (i = 0; i < n; i++) {
			if (jobs[i]->result >= 0 && jobs[i]->kept) {
				*jobs[i]->err = err;
				jobs[i]->result = -1;
			}
		}
	}
}

/*
 * Each waiting thread sleeps on its own condition and is woken only when
 * its job is done, or when it heads the queue as a group ends (it leads
 * the next one): waking every waiting thread at each commit would cost
 * more than the commit.
 */
int
sq_group_run(struct store *s, sq_group_fn fn, void *arg, struct pn_error *err)
{
	struct group_job job = { fn, arg, err, -1, false, false,
	    PTHREAD_COND_INITIALIZER, NULL };
	struct group_job *group[GROUP_MAX];
	struct group_queue *q;
	size_t n;

	pthread_mutex_lock(&queue_lock);
	if ((q = queue_of(s)) == NULL) {
		pthread_mutex_unlock(&queue_lock);
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	}
	if (q->tail != NULL)
		q->tail->next = &job;
	else
		q->head = &job;
	q->tail = &job;
	while (!job.done) {
		if (q->running) {
			pthread_cond_wait(&job.wake, &queue_lock);
			continue;
		}
		/* Lead a group of everything queued, ours included. */
		q->running = true;
		for (n = 0; n < GROUP_MAX && q->head != NULL; n++) {
			group[n] = q->head;
			q->head = q->head->next;
		}
		if (q->head == NULL)
			q->tail = NULL;
		pthread_mutex_unlock(&queue_lock);
		run_group(group_conn(q, s), group, n);
		pthread_mutex_lock(&queue_lock);
		while (n > 0) {
			group[--n]->done = true;
			pthread_cond_signal(&group[n]->wake);
		}
		q->running = false;
		if (q->head != NULL)
			pthread_cond_signal(&q->head->wake);
	}
	pthread_mutex_unlock(&queue_lock);
	pthread_cond_destroy(&job.wake);
	return job.result;
}

void
sq_group_close_all(void)
{
	struct group_queue *q;

	pthread_mutex_lock(&queue_lock);
	while ((q = queues) != NULL) {
		queues = q->next;
		store_close(q->conn);
		free(q->path);
		free(q);
	}
	pthread_mutex_unlock(&queue_lock);
}
