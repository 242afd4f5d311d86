/* test_settle_approve.c -- approval's two transactions, raced by another connection between them.
 *
 * Approval reads a snapshot (store_batch_approve_begin), makes its files
 * with no write lock, stages them in short transactions
 * (store_batch_files_stage), then checks again and writes
 * (store_batch_approve_write), where the staged files become the batch's
 * (store_batch_files_publish). Each test puts a second store connection's
 * action between them, as a second accountant would: a hold, a
 * rejection, another approval, other files staged. The batch is made with raw SQL on its own
 * connection (a draft of two paid lines with one item each), as the
 * tables hold it after store_settle_draft().
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "errors.h"
#include "passnum/passnum.h"
#include "store.h"

#define BUSY_MS 10000
#define NOW 1796000000

/* The users: 1 drafted the batch, 2 and 3 are accountants. */
enum { ALICE = 1, BOB = 2, CHLOE = 3 };

struct fixture {
	char dir[256];
	char db[300];
	struct store *a, *b;		/* two connections, two approvers */
	int64_t batch;
};

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, BUSY_MS), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg != NULL ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
}

/* The integer the one-row, one-column query sql gives. */
static int64_t
raw_count(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct pn_error err;

	assert_non_null(f);
	assert_int_equal(pn_init(), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/pn-approve-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/passnum.db", f->dir);
	f->a = store_open(f->db, BUSY_MS, &err);
	assert_non_null(f->a);
	f->b = store_open(f->db, BUSY_MS, &err);
	assert_non_null(f->b);
	raw_exec(f->db,
	    "INSERT INTO user (id, login, display_name, role, password_hash,"
	    " created_at) VALUES"
	    " (1, 'alice', 'Alice', 'accountant', 'x', 1),"
	    " (2, 'bob', 'Bob', 'accountant', 'x', 1),"
	    " (3, 'chloe', 'Chloé', 'accountant', 'x', 1);"
	    "INSERT INTO venue (id, name, siret, address, commune, iban, bic,"
	    " contact, accredited_from, created_at) VALUES"
	    " (1, 'Médiathèque', '21440143200015', '1 rue', 'Rezé',"
	    "  'FR7630006000011234567890189', 'AGRIFRPP', 'c', 1, 1),"
	    " (2, 'Tiers-lieu', '44234567400018', '2 rue', 'Nantes',"
	    "  'FR7630006000011234567890189', 'AGRIFRPP', 'c', 1, 1);"
	    "INSERT INTO settlement_batch (id, reference, period, period_start,"
	    " period_end, drafted_by, drafted_at, n_lines, n_vouchers,"
	    " total_cents) VALUES (1, 'PN-2026-11-01', '2026-11', 1, 2, 1, 1,"
	    " 2, 2, 2000);"
	    "INSERT INTO settlement_line (id, batch_id, venue_id, name, siret,"
	    " iban, bic, sessions, vouchers, gross_cents, commission_cents,"
	    " amount_cents) VALUES"
	    " (1, 1, 1, 'Médiathèque', '21440143200015',"
	    "  'FR7630006000011234567890189', 'AGRIFRPP', 1, 1, 1000, 0, 1000),"
	    " (2, 1, 2, 'Tiers-lieu', '44234567400018',"
	    "  'FR7630006000011234567890189', 'AGRIFRPP', 1, 1, 1000, 0, 1000);"
	    "INSERT INTO settlement_item (line_id, redemption_id, serial,"
	    " session_id, programme_id, value, commission, commission_bp)"
	    " VALUES (1, 1, 1, 1, 1, 1000, 0, 0), (2, 2, 2, 2, 1, 1000, 0, 0);");
	f->batch = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	store_close(f->a);
	store_close(f->b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* The batch's two files, as settle_approve.c makes them. */
static void
make_files(struct store_file_in fs[2])
{
	memset(fs, 0, 2 * sizeof(*fs));
	fs[0].kind = "sepa";
	snprintf(fs[0].name, sizeof(fs[0].name),
	    "PN-2026-11-01-pain.001.001.09.xml");
	fs[0].media_type = "application/xml";
	fs[0].data = (unsigned char *)"<x/>";
	fs[0].len = 4;
	fs[1].kind = "mandates";
	snprintf(fs[1].name, sizeof(fs[1].name), "PN-2026-11-01-mandats.csv");
	fs[1].media_type = "text/csv; charset=utf-8";
	fs[1].data = (unsigned char *)"a;b\r\n";
	fs[1].len = 5;
}

/*
 * What settle_approve() does between begin and publish: stage the files
 * on s (fs), then open the write. The result of whichever refused.
 */
static int
stage_and_write(struct store *s, struct store_file_in fs[2], int64_t batch,
    int64_t by, const struct store_batch_stamp *stamp, struct pn_error *err)
{
	int rc;

	make_files(fs);
	if ((rc = store_batch_files_stage(s, batch, by, fs, 2, NOW, err)) != 0)
		return rc;
	return store_batch_approve_write(s, batch, by, stamp, err);
}

/* Publish the staged files and approve, in the write transaction. */
static void
publish_and_commit(struct store *s, const struct store_file_in fs[2],
    int64_t batch, int64_t by, const char *actor)
{
	struct pn_error err;

	assert_int_equal(store_batch_files_publish(s, batch, fs, 2, NOW, actor,
	    &err), 0);
	assert_int_equal(store_batch_approve_commit(s, batch, by,
	    "PN-2026-11-01-20261210091500", "2026-12-14", 9, 0, NOW, actor,
	    &err), 0);
}

/* The audit chain of the database holds. */
static void
assert_chain(struct store *s)
{
	struct pn_error err;
	uint64_t rows = 0;
	int64_t bad = 0;

	assert_int_equal(store_audit_verify(s, &rows, &bad, &err), 0);
	assert_true(rows > 0);
}

/* What the database holds of approvals: files, their rows, approvals. */
static void
assert_written(const struct fixture *f, int64_t files, int64_t approvals)
{
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM settlement_file"
	    " f JOIN settlement_batch b ON b.id = f.batch_id"
	    " WHERE b.status = 'approved'"), files);
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'settle.file'"), files);
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'settle.approve'"), approvals);
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM"
	    " settlement_batch WHERE status = 'approved'"), approvals);
}

static void
test_alone(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(stamp.n_lines, 2);
	assert_int_equal(stamp.total_cents, 2000);
	assert_int_equal(stage_and_write(f->a, fs, f->batch, BOB,
	    &stamp, &err), 0);
	publish_and_commit(f->a, fs, f->batch, BOB, "bob");
	assert_written(f, 2, 1);
	assert_chain(f->b);
}

/* The snapshot holds no write lock: the other connection writes meanwhile. */
static void
test_snapshot_leaves_writes_free(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_batch b;
	struct store_file_in fs[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(store_audit_append(f->b, NOW, "test", "test.write",
	    "x", "", &err), 0);
	/* The snapshot still reads the batch as it was. */
	assert_int_equal(store_batch_get(f->a, "PN-2026-11-01", &b, &err), 0);
	assert_string_equal(b.status, "draft");
	assert_int_equal(stage_and_write(f->a, fs, f->batch, BOB,
	    &stamp, &err), 0);
	publish_and_commit(f->a, fs, f->batch, BOB, "bob");
	assert_written(f, 2, 1);
}

/* Two approvers: the first to write wins, the other is refused clean. */
static void
test_two_approvers(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp sa, sb;
	struct store_file_in fa[2], fb[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &sa,
	    &err), 0);
	assert_int_equal(store_batch_approve_begin(f->b, f->batch, CHLOE, &sb,
	    &err), 0);
	assert_int_equal(stage_and_write(f->b, fb, f->batch, CHLOE,
	    &sb, &err), 0);
	publish_and_commit(f->b, fb, f->batch, CHLOE, "chloe");
	/* Refused before anything is staged, as at the write. */
	assert_int_equal(stage_and_write(f->a, fa, f->batch, BOB, &sa, &err),
	    ERR_BATCH_WRONG_STATE);
	assert_non_null(strstr(err.message, "is approved"));
	assert_int_equal(store_batch_approve_write(f->a, f->batch, BOB, &sa,
	    &err), ERR_BATCH_WRONG_STATE);
	store_batch_approve_abort(f->a);	/* harmless: nothing is open */
	/* The winner's two files, and none of the loser's. */
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM"
	    " settlement_file"), 2);
	/* Its clean-up leaves an approved batch's files alone. */
	store_batch_files_unstage(f->a, f->batch);
	assert_written(f, 2, 1);
	assert_int_equal(raw_count(f->db, "SELECT approved_by FROM"
	    " settlement_batch WHERE id = 1"), CHLOE);
	/* The loser's connection is free: it writes again. */
	assert_int_equal(store_audit_append(f->a, NOW, "test", "test.write",
	    "x", "", &err), 0);
	assert_chain(f->b);
}

/* A line held between the snapshot and the write: refused, nothing stored. */
static void
test_hold_meanwhile(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(store_batch_hold(f->b, f->batch, "44234567400018",
	    CHLOE, "séances à vérifier", NOW, "chloe", NULL, &err), 0);
	assert_int_equal(stage_and_write(f->a, fs, f->batch, BOB, &stamp,
	    &err), ERR_BATCH_WRONG_STATE);
	assert_non_null(strstr(err.message, "changed while its files were "
	    "made"));
	assert_written(f, 0, 0);
	/* Staged and never the batch's: settle_approve.c removes them. */
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM"
	    " settlement_file"), 2);
	store_batch_files_unstage(f->a, f->batch);
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM"
	    " settlement_file"), 0);
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM"
	    " settlement_batch WHERE status = 'draft'"), 1);
	/* Read again, the batch is approved without the held line. */
	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(stamp.n_lines, 1);
	assert_int_equal(stage_and_write(f->a, fs, f->batch, BOB,
	    &stamp, &err), 0);
	publish_and_commit(f->a, fs, f->batch, BOB, "bob");
	assert_written(f, 2, 1);
}

/* The batch rejected between the snapshot and the write. */
static void
test_rejected_meanwhile(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(store_batch_reject(f->b, f->batch, CHLOE,
	    "IBAN à corriger", NOW, "chloe", &err), 0);
	assert_int_equal(stage_and_write(f->a, fs, f->batch, BOB, &stamp,
	    &err), ERR_BATCH_WRONG_STATE);
	assert_non_null(strstr(err.message, "is rejected"));
	assert_written(f, 0, 0);
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM"
	    " settlement_file"), 0);
}

/* The checks of begin stay: four-eyes, state, a batch that exists. */
static void
test_begin_refusals(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, ALICE,
	    &stamp, &err), ERR_SAME_APPROVER);
	assert_int_equal(store_batch_approve_begin(f->a, 99, BOB, &stamp,
	    &err), ERR_BATCH_NOT_FOUND);
	/* Nothing was left open: the connection writes. */
	assert_int_equal(store_audit_append(f->a, NOW, "test", "test.write",
	    "x", "", &err), 0);
	/* Four-eyes is checked again at the write. */
	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(stage_and_write(f->a, fs, f->batch, ALICE, &stamp,
	    &err), ERR_SAME_APPROVER);
	assert_int_equal(store_batch_approve_write(f->a, f->batch, ALICE,
	    &stamp, &err), ERR_SAME_APPROVER);
	assert_written(f, 0, 0);
}

/* Abort after the write began: nothing stays, the lock is given back. */
static void
test_abort_after_write(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(stage_and_write(f->a, fs, f->batch, BOB, &stamp,
	    &err), 0);
	assert_int_equal(store_batch_files_publish(f->a, f->batch, fs, 2, NOW,
	    "bob", &err), 0);
	store_batch_approve_abort(f->a);
	assert_written(f, 0, 0);
	assert_int_equal(store_audit_append(f->b, NOW, "test", "test.write",
	    "x", "", &err), 0);
	store_batch_files_unstage(f->a, f->batch);
	assert_int_equal(raw_count(f->db, "SELECT count(*) FROM"
	    " settlement_file"), 0);
}

static int
count_file(void *ctx, const struct store_batch_file *file)
{
	(void)file;
	(*(int *)ctx)++;
	return 0;
}

/*
 * Staged files are no batch's: not listed, not served, and the lock is
 * free while they wait for the write (another connection writes).
 */
static void
test_staged_are_invisible(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[2];
	struct store_batch_file info;
	struct pn_error err;
	void *data;
	size_t len;
	int listed = 0;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &stamp,
	    &err), 0);
	make_files(fs);
	assert_int_equal(store_batch_files_stage(f->a, f->batch, BOB, fs, 2,
	    NOW, &err), 0);
	assert_int_equal(store_audit_append(f->b, NOW, "test", "test.write",
	    "x", "", &err), 0);
	assert_int_equal(store_batch_files(f->b, f->batch, count_file, &listed,
	    &err), 0);
	assert_int_equal(listed, 0);
	assert_int_equal(store_batch_file_get(f->b, f->batch,
	    "PN-2026-11-01-mandats.csv", &info, &data, &len, &err), 1);
	free(data);
	assert_int_equal(store_batch_approve_write(f->a, f->batch, BOB,
	    &stamp, &err), 0);
	publish_and_commit(f->a, fs, f->batch, BOB, "bob");
	assert_int_equal(store_batch_files(f->b, f->batch, count_file, &listed,
	    &err), 0);
	assert_int_equal(listed, 2);
	assert_written(f, 2, 1);
	assert_chain(f->b);
}

/*
 * Another attempt at the batch staged other files after this one: this
 * one publishes nothing rather than record, in its audit rows, hashes
 * that are not those of the files stored.
 */
static void
test_staged_replaced_meanwhile(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp sa, sb;
	struct store_file_in fa[2], fb[2];
	struct pn_error err;

	assert_int_equal(store_batch_approve_begin(f->a, f->batch, BOB, &sa,
	    &err), 0);
	make_files(fa);
	assert_int_equal(store_batch_files_stage(f->a, f->batch, BOB, fa, 2,
	    NOW, &err), 0);
	assert_int_equal(store_batch_approve_begin(f->b, f->batch, CHLOE, &sb,
	    &err), 0);
	make_files(fb);
	fb[0].data = (unsigned char *)"<y/>";
	assert_int_equal(store_batch_files_stage(f->b, f->batch, CHLOE, fb, 2,
	    NOW, &err), 0);
	assert_int_equal(store_batch_approve_write(f->a, f->batch, BOB, &sa,
	    &err), 0);
	assert_int_equal(store_batch_files_publish(f->a, f->batch, fa, 2, NOW,
	    "bob", &err), -1);
	assert_non_null(strstr(err.message, "are not the 2 this approval made"));
	store_batch_approve_abort(f->a);
	assert_written(f, 0, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_leaves_writes_free,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_approvers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hold_meanwhile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rejected_meanwhile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_begin_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_abort_after_write, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_staged_are_invisible, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_staged_replaced_meanwhile,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
