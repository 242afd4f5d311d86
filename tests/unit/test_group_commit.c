/* test_group_commit.c -- writes that share a commit, and the codes that enrol terminals.
 *
 * Through store_nonce_use(), the smallest job of the group commit: replays
 * refused, many threads at once each answered for their own write, and a
 * database made anew under the same path written to, not the old file
 * the group's connection had open. Then the committer's queue itself
 * (sq_group_submit): one thread queues many writes without waiting, each
 * is told once, only after the commit that holds it, a failing write
 * fails alone, and they share few commits. Then the enrolment codes' form.
 */
#define _GNU_SOURCE		/* pthread_timedjoin_np */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "passnum/passnum.h"
#include "enrol_code.h"
#include "store.h"
#include "store_sqlite.h"

#define BUSY_MS 5000
#define THREADS 8
#define PER_THREAD 50

struct fixture {
	char dir[256];
	char db[300];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	assert_int_equal(pn_init(), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/pn-group-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/passnum.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct store_nonce
nonce(int64_t at, unsigned n)
{
	struct store_nonce x;

	memset(&x, 0, sizeof(x));
	x.at = at;
	memcpy(x.bytes, &n, sizeof(n));
	return x;
}

/* Rows of terminal_nonce, read with a connection of its own. */
static int
nonce_rows(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT count(*) FROM terminal_nonce", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* A nonce is used once per terminal and request time. */
static void
test_replay(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	struct store *s = store_open(f->db, BUSY_MS, &err);
	struct store_nonce a = nonce(1000, 1), later = nonce(1001, 1);

	assert_non_null(s);
	assert_int_equal(store_nonce_use(s, 7, &a, 1000, &err), 0);
	assert_int_equal(store_nonce_use(s, 7, &a, 1000, &err), 1);
	assert_int_equal(store_nonce_use(s, 8, &a, 1000, &err), 0);
	assert_int_equal(store_nonce_use(s, 7, &later, 1001, &err), 0);
	assert_int_equal(nonce_rows(f->db), 3);
	store_close(s);
}

struct worker {
	const char *db;
	unsigned id;
	int fresh;			/* writes answered 0 */
	int replays;			/* the same again, answered 1 */
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pn_error err;
	struct store *s = store_open(w->db, BUSY_MS, &err);
	struct store_nonce x;
	unsigned i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < PER_THREAD; i++) {
		x = nonce(2000, w->id * 1000 + i);
		if (store_nonce_use(s, 1, &x, 2000, &err) == 0)
			w->fresh++;
		if (store_nonce_use(s, 1, &x, 2000, &err) == 1)
			w->replays++;
	}
	store_close(s);
	return NULL;
}

/* Threads writing at once: each gets its own answer, nothing is lost. */
static void
test_threads(void **state)
{
	struct fixture *f = *state;
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct pn_error err;
	struct store *s = store_open(f->db, BUSY_MS, &err);
	unsigned i;

	assert_non_null(s);	/* makes the schema before the threads */
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ f->db, i, 0, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].fresh, PER_THREAD);
		assert_int_equal(w[i].replays, PER_THREAD);
	}
	assert_int_equal(nonce_rows(f->db), THREADS * PER_THREAD);
	store_close(s);
}

/*
 * The group's connection stays open between groups; a database made anew
 * under the same path must be written to, not the deleted file.
 */
static void
test_new_file_same_path(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	struct store_nonce a = nonce(3000, 9);
	struct store *s = store_open(f->db, BUSY_MS, &err);
	char path[320];

	assert_non_null(s);
	assert_int_equal(store_nonce_use(s, 1, &a, 3000, &err), 0);
	store_close(s);
	assert_int_equal(unlink(f->db), 0);
	snprintf(path, sizeof(path), "%s-wal", f->db);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s-shm", f->db);
	(void)unlink(path);
	assert_non_null(s = store_open(f->db, BUSY_MS, &err));
	assert_int_equal(store_nonce_use(s, 1, &a, 3000, &err), 0);
	assert_int_equal(nonce_rows(f->db), 1);
	store_close(s);
}

#define QUEUED 300
#define FAILING 7		/* the job that fails */

struct queued {
	struct sq_job job;
	struct pn_error err;
	unsigned n;
	int told;			/* times done was called */
	int durable;			/* its row, seen from another connection */
	struct queue_test *t;
};

struct queue_test {
	sqlite3 *reader;		/* used only in done, on the committer */
	pthread_mutex_t mu;
	pthread_cond_t all_told;
	unsigned told;
	struct queued jobs[QUEUED];
};

static int
insert_row(struct store *s, void *arg, bool *kept, struct pn_error *err)
{
	struct queued *q = arg;
	char sql[128];

	if (q->n == FAILING)
		return pn_error_set(err, PN_E_ARG, "job %u fails", q->n);
	snprintf(sql, sizeof(sql), "INSERT INTO queued(n) VALUES (%u)", q->n);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return pn_error_set(err, PN_E_IO, "%s", sqlite3_errmsg(s->db));
	*kept = true;
	return 0;
}

/* Told: its row must already be committed, for another connection. */
static void
told(void *ctx)
{
	struct queued *q = ctx;
	sqlite3_stmt *st;

	q->told++;
	if (sqlite3_prepare_v2(q->t->reader,
	    "SELECT count(*) FROM queued WHERE n = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_int(st, 1, (int)q->n);
		if (sqlite3_step(st) == SQLITE_ROW)
			q->durable = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	pthread_mutex_lock(&q->t->mu);
	if (++q->t->told == QUEUED)
		pthread_cond_signal(&q->t->all_told);
	pthread_mutex_unlock(&q->t->mu);
}

static void
test_submit_without_waiting(void **state)
{
	struct fixture *f = *state;
	struct queue_test *t = calloc(1, sizeof(*t));
	struct pn_error err;
	struct store *s = store_open(f->db, BUSY_MS, &err);
	uint64_t groups0, jobs0, groups1, jobs1;
	unsigned i;

	assert_non_null(t);
	assert_non_null(s);
	assert_int_equal(sqlite3_exec(s->db, "CREATE TABLE queued(n INTEGER)",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_open_v2(f->db, &t->reader,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL), SQLITE_OK);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->all_told, NULL);
	store_commit_counts(&groups0, &jobs0);
	for (i = 0; i < QUEUED; i++) {
		t->jobs[i].n = i;
		t->jobs[i].t = t;
		sq_job_init(&t->jobs[i].job, insert_row, &t->jobs[i],
		    &t->jobs[i].err, told, &t->jobs[i]);
		assert_int_equal(sq_group_submit(s, &t->jobs[i].job), 0);
	}
	pthread_mutex_lock(&t->mu);
	while (t->told < QUEUED)
		pthread_cond_wait(&t->all_told, &t->mu);
	pthread_mutex_unlock(&t->mu);
	store_commit_counts(&groups1, &jobs1);
	for (i = 0; i < QUEUED; i++) {
		assert_int_equal(t->jobs[i].told, 1);
		if (i == FAILING) {
			assert_int_equal(t->jobs[i].job.result, -1);
			assert_string_equal(t->jobs[i].err.message,
			    "job 7 fails");
			assert_int_equal(t->jobs[i].durable, 0);
		} else {
			assert_int_equal(t->jobs[i].job.result, 0);
			assert_int_equal(t->jobs[i].durable, 1);
		}
	}
	/*
	 * One thread that does not wait shares commits: the old group
	 * commit, where each thread led or waited for its own write, made
	 * one commit per write here.
	 */
	assert_int_equal(jobs1 - jobs0, QUEUED);
	assert_true((groups1 - groups0) * 2 <= QUEUED);
	sqlite3_close(t->reader);
	pthread_cond_destroy(&t->all_told);
	pthread_mutex_destroy(&t->mu);
	free(t);
	store_close(s);
}

static int
insert_page(struct store *s, void *arg, bool *kept, struct pn_error *err)
{
	(void)arg;
	if (sqlite3_exec(s->db, "INSERT INTO filler(b) VALUES (randomblob(4000))",
	    NULL, NULL, NULL) != SQLITE_OK)
		return pn_error_set(err, PN_E_IO, "%s", sqlite3_errmsg(s->db));
	*kept = true;
	return 0;
}

static long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/*
 * The committer does not checkpoint the WAL itself: past 1,000 frames its
 * checkpointer thread copies them back into the database file, which
 * grows while the writes go on; without it the WAL would only grow.
 */
static void
test_wal_copied_back(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	struct store *s = store_open(f->db, BUSY_MS, &err);
	long long before;
	unsigned i;

	assert_non_null(s);
	assert_int_equal(sqlite3_exec(s->db, "CREATE TABLE filler(b BLOB)",
	    NULL, NULL, NULL), SQLITE_OK);
	before = file_size(f->db);
	for (i = 0; i < 1500; i++)
		assert_int_equal(sq_group_run(s, insert_page, NULL, &err), 0);
	for (i = 0; i < 100 && file_size(f->db) < before + 1000 * 4096; i++)
		(void)nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	assert_true(file_size(f->db) >= before + 1000 * 4096);
	store_close(s);
}

static void *
begin_and_commit(void *arg)
{
	struct store *s = arg;
	struct pn_error err;

	if (sq_begin(s, &err) == 0)
		(void)sq_commit(s, &err);
	return s;
}

/*
 * A connection closed with its write still open (a caller that failed
 * half-way) gives the process's write mutex back: the next writer goes on
 * rather than waiting for ever.
 */
static void
test_close_with_write_open(void **state)
{
	struct fixture *f = *state;
	struct timespec deadline;
	struct pn_error err;
	struct store *a = store_open(f->db, BUSY_MS, &err), *b;
	pthread_t th;
	void *done = NULL;

	assert_non_null(a);
	assert_int_equal(sq_begin(a, &err), 0);
	store_close(a);
	assert_non_null(b = store_open(f->db, BUSY_MS, &err));
	assert_int_equal(pthread_create(&th, NULL, begin_and_commit, b), 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	assert_int_equal(pthread_timedjoin_np(th, &done, &deadline), 0);
	assert_ptr_equal(done, b);
	store_close(b);
}

static bool
in_alphabet(char c)
{
	return c != '\0' && strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", c) !=
	    NULL;
}

/* Codes: twelve characters in three groups, typed back in any case. */
static void
test_enrol_codes(void **state)
{
	uint8_t h1[STORE_HASH_SIZE], h2[STORE_HASH_SIZE];
	uint8_t typed[STORE_HASH_SIZE];
	char a[ENROL_CODE_TEXT_MAX], b[ENROL_CODE_TEXT_MAX], lower[32];
	size_t i, o = 0;

	(void)state;
	assert_int_equal(enrol_code_new(a, h1), 0);
	assert_int_equal(enrol_code_new(b, h2), 0);
	assert_int_equal(strlen(a), 14);
	assert_true(a[4] == '-' && a[9] == '-');
	for (i = 0; i < 14; i++)
		if (i != 4 && i != 9)
			assert_true(in_alphabet(a[i]));
	assert_string_not_equal(a, b);
	assert_memory_not_equal(h1, h2, STORE_HASH_SIZE);
	/* As typed: small letters, spaces for dashes. */
	for (i = 0; a[i] != '\0'; i++)
		lower[o++] = a[i] == '-' ? ' ' :
		    (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
	lower[o] = '\0';
	assert_int_equal(enrol_code_hash(lower, typed), 0);
	assert_memory_equal(typed, h1, STORE_HASH_SIZE);
	/* I and L read as 1, O as 0: letters a voice or a hand confuses. */
	assert_int_equal(enrol_code_hash("0000-1111-ABCD", h1), 0);
	assert_int_equal(enrol_code_hash("oOoO iIlL abcd", h2), 0);
	assert_memory_equal(h1, h2, STORE_HASH_SIZE);
	/* Wrong lengths and characters outside the alphabet. */
	assert_int_equal(enrol_code_hash("0000-1111-ABC", h1), -1);
	assert_int_equal(enrol_code_hash("0000-1111-ABCDE", h1), -1);
	assert_int_equal(enrol_code_hash("0000-1111-ABCU", h1), -1);
	assert_int_equal(enrol_code_hash("0000-1111-AB!D", h1), -1);
	assert_int_equal(enrol_code_hash("", h1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_file_same_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_submit_without_waiting,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_with_write_open,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_copied_back, setup,
		    teardown),
		cmocka_unit_test(test_enrol_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
