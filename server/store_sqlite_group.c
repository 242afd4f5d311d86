/* store_sqlite_group.c -- group commit: writes asked for at the same moment share one fsync.
 *
 * One durable commit (an fsync) costs more than issuing a booklet or
 * redeeming a voucher, so such writes share a transaction: each request
 * joins one queue; the first thread to find no group running becomes its
 * leader, takes every queued job, runs each inside its own savepoint (a
 * refused job is undone alone), commits once, and wakes the others with
 * their results. No job is answered before the commit that holds it, and
 * a failed commit fails every job it held.
 */
#include <pthread.h>
#include <stdbool.h>

#include "store_sqlite.h"

struct group_job {
	sq_group_fn fn;
	void *arg;
	struct pn_error *err;
	int result;
	bool kept;			/* its writes are in the transaction */
	bool done;
	struct group_job *next;
};

#define GROUP_MAX 64

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_done = PTHREAD_COND_INITIALIZER;
static struct group_job *queue_head, *queue_tail;
static bool group_running;

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

int
sq_group_run(struct store *s, sq_group_fn fn, void *arg, struct pn_error *err)
{
	struct group_job job = { fn, arg, err, -1, false, false, NULL };
	struct group_job *group[GROUP_MAX];
	size_t n;

	pthread_mutex_lock(&queue_lock);
	if (queue_tail != NULL)
		queue_tail->next = &job;
	else
		queue_head = &job;
	queue_tail = &job;
	while (!job.done) {
		if (group_running) {
			pthread_cond_wait(&queue_done, &queue_lock);
			continue;
		}
		/* Lead a group of everything queued, ours included. */
		group_running = true;
		for (n = 0; n < GROUP_MAX && queue_head != NULL; n++) {
			group[n] = queue_head;
			queue_head = queue_head->next;
		}
		if (queue_head == NULL)
			queue_tail = NULL;
		pthread_mutex_unlock(&queue_lock);
		run_group(s, group, n);
		pthread_mutex_lock(&queue_lock);
		while (n > 0)
			group[--n]->done = true;
		group_running = false;
		pthread_cond_broadcast(&queue_done);
	}
	pthread_mutex_unlock(&queue_lock);
	return job.result;
}
