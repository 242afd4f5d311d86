/* store_sqlite_group.c -- the committer: writes queued from any thread share one transaction and one fsync.
 *
 * One durable commit (an fsync) costs more than issuing a booklet or
 * redeeming a voucher, so such writes share a transaction. Each database
 * has one committer thread and one queue: a write is queued as a job (from
 * any thread, which need not wait), the committer takes every queued job,
 * runs each inside its own savepoint (a refused job is undone alone),
 * commits once, and then tells each job its result: a waiting thread is
 * woken, an HTTP request is resumed (sq_job.done). No job is told before
 * the commit that holds it, and a failed commit fails exactly the jobs it
 * held. While one group commits, the next one queues: the number of jobs
 * in a group depends on what arrives, not on how many threads wait.
 *
 * The committer runs on a connection of its own, which made all the
 * recent writes and so finds the pages they touched in its cache; another
 * connection would start each transaction with an empty one.
 */
#define _GNU_SOURCE		/* pthread_setname_np */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store_sqlite.h"

/*
 * At most this many jobs in one transaction: enough for every terminal of
 * a large Département sending at once, few enough that the first of them
 * does not wait on the last.
 */
#define GROUP_MAX 128

/* The queue, committer and connection of one database (by path). */
struct group_queue {
	char *path;
	unsigned busy_timeout_ms;
	struct store *conn;		/* the committer's, opened by it */
	dev_t dev;			/* ... on this file */
	ino_t ino;
	struct sq_job *head, *tail;
	pthread_cond_t work;		/* a job queued, or stop */
	pthread_t thread;
	bool started;
	bool stop;			/* finish the queue, then end */
	/* The checkpointer (below): its thread, and a WAL to copy back. */
	pthread_t checkpointer;
	bool checkpointer_started;
	bool wal_full;
	pthread_cond_t wal_cond;
	struct group_queue *next;
};

/* Guards every queue, its jobs' links and the waiters' flags. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct group_queue *queues;

/* Groups run and the jobs they held, since the process started. */
static uint64_t groups_run, jobs_run;

/*
 * The committer's busy handler: another process (passnum-admin approving
 * a month, say) holds the write lock. SQLite's own handler sleeps longer
 * and longer (up to 100 ms a try), so every redemption queued meanwhile
 * would wait up to 100 ms more once the lock is free; polling every
 * millisecond takes the lock back at once, for as long as the busy
 * timeout allows.
 */
static int
poll_busy(void *arg, int tries)
{
	const struct group_queue *q = arg;

	if ((unsigned)tries >= q->busy_timeout_ms)
		return 0;
	(void)nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	return 1;
}

/*
 * WAL frames after which the checkpointer copies the WAL back into the
 * database: SQLite's own default for its automatic checkpoint.
 */
#define WAL_CHECKPOINT_FRAMES 1000

/*
 * The checkpointer copies the WAL back into the database on a thread and
 * connection of its own. SQLite would otherwise do it itself at the end of
 * the commit that crossed the threshold, on the committer, which would
 * hold every queued write for the time of copying 4 MB and syncing the
 * database file: the slowest commits of a busy server. A passive
 * checkpoint takes no lock that writers need.
 */
static void *
checkpointer(void *arg)
{
	struct group_queue *q = arg;
	sqlite3 *db = NULL;

	(void)pthread_setname_np(pthread_self(), "pn-checkpoint");
	pthread_mutex_lock(&queue_lock);
	for (;;) {
		while (!q->wal_full && !q->stop)
			pthread_cond_wait(&q->wal_cond, &queue_lock);
		if (q->stop)
			break;
		q->wal_full = false;
		pthread_mutex_unlock(&queue_lock);
		if (db == NULL && sqlite3_open_v2(q->path, &db,
		    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK) {
			sqlite3_close(db);
			db = NULL;
		}
		if (db != NULL) {
			(void)sqlite3_busy_timeout(db, (int)q->busy_timeout_ms);
			/*
			 * A connection that has read nothing does not know
			 * the file is in WAL mode yet, and its checkpoint
			 * would do nothing at all: read the schema first.
			 */
			(void)sqlite3_exec(db, "PRAGMA schema_version", NULL,
			    NULL, NULL);
			(void)sqlite3_wal_checkpoint_v2(db, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		}
		pthread_mutex_lock(&queue_lock);
	}
	pthread_mutex_unlock(&queue_lock);
	sqlite3_close(db);
	return NULL;
}

/* After each commit of the committer: wake the checkpointer when due. */
static int
wal_written(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct group_queue *q = arg;

	(void)db;
	(void)name;
	if (frames >= WAL_CHECKPOINT_FRAMES) {
		pthread_mutex_lock(&queue_lock);
		q->wal_full = true;
		pthread_cond_signal(&q->wal_cond);
		pthread_mutex_unlock(&queue_lock);
	}
	return SQLITE_OK;
}

/*
 * The connection the groups of q run on, opened anew when the database
 * file under q's path is another one (made anew) than the one it has
 * open; NULL with err when it cannot be opened.
 */
static struct store *
group_conn(struct group_queue *q, struct pn_error *err)
{
	struct stat st;

	if (q->conn != NULL && (stat(q->path, &st) != 0 ||
	    st.st_dev != q->dev || st.st_ino != q->ino)) {
		store_close(q->conn);
		q->conn = NULL;
	}
	if (q->conn == NULL &&
	    (q->conn = store_open(q->path, q->busy_timeout_ms, err)) != NULL) {
		(void)sqlite3_busy_handler(q->conn->db, poll_busy, q);
		/*
		 * A draft's pool of payable redemptions is a temporary table,
		 * kept in memory; temp_store cannot change in the group's
		 * transaction, where the draft runs (sq_settle_memory()).
		 */
		(void)sq_exec(q->conn, "PRAGMA temp_store = MEMORY;",
		    "keeping temporary tables in memory", NULL);
		/* Replaces SQLite's automatic checkpoint on this connection. */
		if (q->checkpointer_started)
			(void)sqlite3_wal_hook(q->conn->db, wal_written, q);
		if (stat(q->path, &st) == 0) {
			q->dev = st.st_dev;
			q->ino = st.st_ino;
		} else {
			pn_error_set(err, PN_E_IO, "%s: the database is gone",
			    q->path);
			store_close(q->conn);
			q->conn = NULL;
		}
	}
	return q->conn;
}

static int
savepoint(struct store *s, sqlite3_stmt *st, struct pn_error *err)
{
	return sq_step_done(s, st, "savepoint", err);
}

static void
fail_all(struct sq_job **jobs, size_t n, const struct pn_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*jobs[i]->err = *err;
		jobs[i]->result = -1;
	}
}

/* One per job of sq_group_run(). */
SQ_QUERY(q_savepoint, "SAVEPOINT job");

/* ... when it is refused. */
SQ_QUERY(q_savepoint_undo, "ROLLBACK TO job");

SQ_QUERY(q_savepoint_release, "RELEASE job");

/* Run the jobs of one group on s, in one transaction. */
static void
run_group(struct store *s, struct sq_job **jobs, size_t n)
{
	struct pn_error err;
	size_t i;

	if (sq_begin(s, &err) != 0) {
		fail_all(jobs, n, &err);
		return;
	}
	for (i = 0; i < n; i++) {
		struct sq_job *j = jobs[i];

		if (savepoint(s, sq_stmt(s, &q_savepoint), j->err) != 0) {
			j->result = -1;
			continue;
		}
		s->in_job = true;
		j->result = j->fn(s, j->arg, &j->kept, j->err);
		s->in_job = false;
		/* A step that forgot its sq_commit() or sq_rollback(). */
		while (s->nested > 0)
			sq_rollback(s);
		if (j->result < 0 || !j->kept)
			(void)savepoint(s, sq_stmt(s, &q_savepoint_undo), NULL);
		(void)savepoint(s, sq_stmt(s, &q_savepoint_release), NULL);
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
 * Tell the jobs of a group their results. A job with done is the caller's
 * again as soon as done is called (it may be freed by then); a waiting
 * thread is woken on its own condition: waking every waiter at each
 * commit would cost more than the commit.
 */
static void
tell(struct sq_job **jobs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (jobs[i]->done != NULL) {
			jobs[i]->done(jobs[i]->ctx);
			continue;
		}
		pthread_mutex_lock(&queue_lock);
		jobs[i]->finished = true;
		pthread_cond_signal(jobs[i]->wake);
		pthread_mutex_unlock(&queue_lock);
	}
}

static void *
committer(void *arg)
{
	struct group_queue *q = arg;
	struct sq_job *group[GROUP_MAX];
	struct pn_error err;
	struct store *s;
	size_t n;

	/* So that top and perf show it apart from the HTTP threads. */
	(void)pthread_setname_np(pthread_self(), "pn-committer");
	pthread_mutex_lock(&queue_lock);
	for (;;) {
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->work, &queue_lock);
		if (q->head == NULL)
			break;		/* stopped, and nothing left */
		for (n = 0; n < GROUP_MAX && q->head != NULL; n++) {
			group[n] = q->head;
			q->head = q->head->next;
		}
		if (q->head == NULL)
			q->tail = NULL;
		pthread_mutex_unlock(&queue_lock);
		if ((s = group_conn(q, &err)) != NULL)
			run_group(s, group, n);
		else
			fail_all(group, n, &err);
		__atomic_add_fetch(&groups_run, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&jobs_run, n, __ATOMIC_RELAXED);
		tell(group, n);
		pthread_mutex_lock(&queue_lock);
	}
	pthread_mutex_unlock(&queue_lock);
	return NULL;
}

/* The queue of s's database, made and its committer started on first use. */
static struct group_queue *
queue_of(const struct store *s, struct pn_error *err)
{
	struct group_queue *q;

	for (q = queues; q != NULL; q = q->next)
		if (strcmp(q->path, s->path) == 0)
			return q;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->path = strdup(s->path)) == NULL) {
		free(q);
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	q->busy_timeout_ms = s->busy_timeout_ms;
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->wal_cond, NULL);
	/* Without its own thread, SQLite checkpoints on the committer. */
	q->checkpointer_started = pthread_create(&q->checkpointer, NULL,
	    checkpointer, q) == 0;
	if (pthread_create(&q->thread, NULL, committer, q) != 0) {
		if (q->checkpointer_started) {
			q->stop = true;
			pthread_cond_signal(&q->wal_cond);
			pthread_mutex_unlock(&queue_lock);
			(void)pthread_join(q->checkpointer, NULL);
			pthread_mutex_lock(&queue_lock);
		}
		pthread_cond_destroy(&q->work);
		pthread_cond_destroy(&q->wal_cond);
		free(q->path);
		free(q);
		pn_error_set(err, PN_E_NOMEM, "cannot start the committer "
		    "thread");
		return NULL;
	}
	q->started = true;
	q->next = queues;
	queues = q;
	return q;
}

void
sq_job_init(struct sq_job *j, sq_group_fn fn, void *arg, struct pn_error *err,
    void (*done)(void *ctx), void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->fn = fn;
	j->arg = arg;
	j->err = err;
	j->result = -1;
	j->done = done;
	j->ctx = ctx;
}

/* Queue j, under queue_lock. Returns 0, or -1 with *j->err. */
static int
enqueue(struct store *s, struct sq_job *j)
{
	struct group_queue *q;

	if ((q = queue_of(s, j->err)) == NULL)
		return -1;
	if (q->stop)
		return pn_error_set(j->err, PN_E_IO, "%s: the database is "
		    "closing", s->path);
	j->next = NULL;
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	pthread_cond_signal(&q->work);
	return 0;
}

int
sq_group_submit(struct store *s, struct sq_job *j)
{
	int rc;

	pthread_mutex_lock(&queue_lock);
	rc = enqueue(s, j);
	pthread_mutex_unlock(&queue_lock);
	return rc;
}

int
sq_group_run(struct store *s, sq_group_fn fn, void *arg, struct pn_error *err)
{
	pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
	struct sq_job job;

	/*
	 * Already a job's step on the committer's own connection: queuing
	 * would wait for the committer, that is for itself. The write joins
	 * the job's transaction, in a savepoint of its own.
	 */
	if (s->in_job) {
		bool kept = false;
		int rc;

		if (sq_begin(s, err) != 0)
			return -1;
		rc = fn(s, arg, &kept, err);
		if (rc < 0 || !kept)
			sq_rollback(s);
		else if (sq_commit(s, err) != 0) {
			sq_rollback(s);
			rc = -1;
		}
		return rc;
	}
	sq_job_init(&job, fn, arg, err, NULL, NULL);
	job.wake = &wake;
	pthread_mutex_lock(&queue_lock);
	if (enqueue(s, &job) != 0) {
		pthread_mutex_unlock(&queue_lock);
		pthread_cond_destroy(&wake);
		return -1;
	}
	while (!job.finished)
		pthread_cond_wait(&wake, &queue_lock);
	pthread_mutex_unlock(&queue_lock);
	pthread_cond_destroy(&wake);
	return job.result;
}

/* store_tx()'s job: the caller's function, its argument and its via. */
struct tx_job {
	store_tx_fn fn;
	void *arg;
	const char *via;
};

static int
tx_job_run(struct store *tx, void *arg, bool *kept, struct pn_error *err)
{
	struct tx_job *j = arg;
	const char *via = tx->audit_via;
	int rc;

	tx->audit_via = j->via;
	rc = j->fn(tx, j->arg, err);
	tx->audit_via = via;
	*kept = rc == 0;
	return rc;
}

int
store_tx(struct store *s, store_tx_fn fn, void *arg, struct pn_error *err)
{
	struct tx_job job = { fn, arg, s->audit_via };

	return sq_group_run(s, tx_job_run, &job, err);
}

void
sq_group_close_all(void)
{
	struct group_queue *q;

	/* Each committer finishes what is queued, then ends. */
	pthread_mutex_lock(&queue_lock);
	for (q = queues; q != NULL; q = q->next) {
		q->stop = true;
		pthread_cond_signal(&q->work);
		pthread_cond_signal(&q->wal_cond);
	}
	pthread_mutex_unlock(&queue_lock);
	for (q = queues; q != NULL; q = q->next) {
		if (q->started)
			(void)pthread_join(q->thread, NULL);
		if (q->checkpointer_started)
			(void)pthread_join(q->checkpointer, NULL);
	}
	pthread_mutex_lock(&queue_lock);
	while ((q = queues) != NULL) {
		queues = q->next;
		store_close(q->conn);
		pthread_cond_destroy(&q->work);
		pthread_cond_destroy(&q->wal_cond);
		free(q->path);
		free(q);
	}
	pthread_mutex_unlock(&queue_lock);
}

struct store_write *
sq_write_new(size_t arg_size, sq_group_fn fn,
    void (*end)(void *arg, int result), store_write_done done, void *ctx,
    struct pn_error *err)
{
	struct store_write *w = calloc(1, sizeof(*w) + arg_size);

	if (w == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	sq_job_init(&w->job, fn, w->arg, &w->err, done, ctx);
	w->end = end;
	return w;
}

int
sq_write_submit(struct store *s, struct store_write *w, struct pn_error *err)
{
	if (sq_group_submit(s, &w->job) != 0) {
		*err = w->err;
		free(w);
		return -1;
	}
	return 0;
}

int
store_write_end(struct store_write *w, struct pn_error *err)
{
	int result = w->job.result;

	if (result < 0 && err != NULL)
		*err = w->err;
	if (w->end != NULL)
		w->end(w->arg, result);
	free(w);
	return result;
}

void
store_commit_counts(uint64_t *groups, uint64_t *jobs)
{
	*groups = __atomic_load_n(&groups_run, __ATOMIC_RELAXED);
	*jobs = __atomic_load_n(&jobs_run, __ATOMIC_RELAXED);
}
