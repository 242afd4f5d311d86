/* test_ops_dispute_answer.c -- a venue's answer to a dispute (dispute_answer(), dispute.h), as its adversaries would try it.
 *
 * The disputed venue, paid per voucher, sends what it can to get paid: no
 * text, too long a text, a program or a page named as a PDF, too large a
 * file, an answer after the deadline or after the decision, a sixth
 * answer. Another venue answers it; an accountant answers in its place.
 * Each refusal writes nothing (the answers and the audit rows counted);
 * an answer writes one row, its file's type found from its bytes, and one
 * audit row "dispute.answer" holding the file's SHA-256, size and type,
 * not its bytes. The magic-byte check is tested alone first.
 *
 * The world is store_world.h's: vouchers 0-1 redeemed at venue 1, 2 at
 * venue 2, on 11 April 2026; voucher 0 is disputed the next day.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "errors.h"
#include "store_world.h"
#include "config.h"
#include "dispute.h"
#include "op.h"

#define NOW	(T_2026 + 100 * DAY)	/* 11 April 2026, 00:00 UTC */
#define OPEN_AT	(NOW + DAY)		/* the dispute's opening */
#define DUE	(OPEN_AT + 15 * DAY)	/* the default answer days */
#define LIMIT	4096			/* the attachment's, in this test */

struct fixture {
	struct store_world w;
	struct config cfg;
	struct store_principal alice;	/* an accountant */
	struct store_principal v1, v2;	/* users of venues 1 and 2 */
	int64_t dispute;		/* on voucher 0, venue 1's */
};

static void
principal(struct store_principal *p, int64_t id, unsigned role,
    int64_t venue_id, const char *login)
{
	memset(p, 0, sizeof(*p));
	p->user_id = id;
	p->role = role;
	p->venue_id = venue_id;
	snprintf(p->login, sizeof(p->login), "%s", login);
}

static struct op_ctx
ctx(struct fixture *f, const struct store_principal *who, int64_t now)
{
	struct op_ctx cx = { f->w.s, &f->cfg, NULL, who, now, NULL };

	return cx;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_programme prog;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	int64_t id;

	assert_non_null(f);
	assert_true(sodium_init() >= 0);
	store_world_open(&f->w, "ops-answer", NOW, NOW - 600, 120);
	assert_int_equal(store_programme_set_rules(f->w.s, f->w.b.programme_id,
	    -1, NULL, 10, NOW, "test", &prog, &err), 0);
	config_defaults(&f->cfg);
	snprintf(f->cfg.source, sizeof(f->cfg.source), "test.ini");
	f->cfg.settlement.dispute_attachment_max = LIMIT;
	principal(&f->alice, store_world_user(&f->w, "alice", ROLE_ACCOUNTANT,
	    NOW), ROLE_ACCOUNTANT, 0, "alice");
	if (store_user_add(f->w.s, "lieu1", "Claire", ROLE_VENUE, 0, 1, "x",
	    NOW, "test", &id, &err) != 0)
		fail_msg("venue user: %s", err.message);
	principal(&f->v1, id, ROLE_VENUE, 1, "lieu1");
	if (store_user_add(f->w.s, "lieu2", "Sam", ROLE_VENUE, 0, 2, "x",
	    NOW, "test", &id, &err) != 0)
		fail_msg("venue user: %s", err.message);
	principal(&f->v2, id, ROLE_VENUE, 2, "lieu2");
	store_world_take(&f->w, &f->w.t1, 0, 0x51, NOW);
	store_world_take(&f->w, &f->w.t1, 1, 0x51, NOW + 60);
	store_world_take(&f->w, &f->w.t2, 2, 0x52, NOW);
	cx = ctx(f, &f->alice, OPEN_AT);
	assert_int_equal(dispute_open(&cx, f->w.b.vouchers[0].serial,
	    "bénéficiaire absent", &f->dispute, &why), ERR_NONE);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_world_close(&f->w);
	free(f);
	return 0;
}

static long long
count(const struct fixture *f, const char *sql)
{
	return store_world_int(f->w.db, sql);
}

/* The answers and audit rows: what a refusal must leave as it was. */
static long long
written(const struct fixture *f)
{
	return count(f, "SELECT (SELECT count(*) FROM dispute_answer) * 100000"
	    " + (SELECT count(*) FROM audit_log)");
}

static const unsigned char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J' };
static const unsigned char png[] = {
	0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13
};

static void
test_magic_bytes(void **state)
{
	static const unsigned char html[] = "<html><script>x</script>";
	static const unsigned char elf[] = { 0x7f, 'E', 'L', 'F', 2, 1 };
	static const unsigned char mz[] = { 'M', 'Z', 0x90, 0 };
	static const unsigned char bom_pdf[] = "\xef\xbb\xbf%PDF-1.4";
	static const unsigned char lower_pdf[] = "%pdf-1.4";

	(void)state;
	assert_int_equal(dispute_file_type_of(pdf, sizeof(pdf) - 1),
	    DISPUTE_FILE_PDF);
	assert_int_equal(dispute_file_type_of(jpeg, sizeof(jpeg)),
	    DISPUTE_FILE_JPEG);
	assert_int_equal(dispute_file_type_of(png, sizeof(png)),
	    DISPUTE_FILE_PNG);
	/* Exactly the magic, and no byte less. */
	assert_int_equal(dispute_file_type_of(pdf, 5), DISPUTE_FILE_PDF);
	assert_int_equal(dispute_file_type_of(pdf, 4), DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(jpeg, 3), DISPUTE_FILE_JPEG);
	assert_int_equal(dispute_file_type_of(jpeg, 2), DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(png, 8), DISPUTE_FILE_PNG);
	assert_int_equal(dispute_file_type_of(png, 7), DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(png, 4), DISPUTE_FILE_NONE);
	/* Whatever else: a page, programs, a PDF not at byte 0, lower case. */
	assert_int_equal(dispute_file_type_of(html, sizeof(html) - 1),
	    DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(elf, sizeof(elf)),
	    DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(mz, sizeof(mz)),
	    DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(bom_pdf, sizeof(bom_pdf) - 1),
	    DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(lower_pdf,
	    sizeof(lower_pdf) - 1), DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(pdf, 0), DISPUTE_FILE_NONE);
	assert_int_equal(dispute_file_type_of(NULL, 10), DISPUTE_FILE_NONE);
	assert_string_equal(dispute_file_mime(DISPUTE_FILE_PDF),
	    "application/pdf");
	assert_string_equal(dispute_file_mime(DISPUTE_FILE_JPEG), "image/jpeg");
	assert_string_equal(dispute_file_mime(DISPUTE_FILE_PNG), "image/png");
	assert_null(dispute_file_mime(DISPUTE_FILE_NONE));
}

/* An answer with a PDF: its row, and its one audit row. */
static void
test_answer_recorded(void **state)
{
	struct fixture *f = *state;
	struct op_ctx cx = ctx(f, &f->v1, OPEN_AT + 3600);
	struct dispute_answer_in in = { f->dispute,
	    "La personne a signé.\r\nVoir la feuille.",
	    "C:\\Documents\\feuille\x01<b>.pdf", pdf, sizeof(pdf) - 1 };
	unsigned char sha[32];
	char hex[65], sql[512];
	struct op_refusal why;
	int64_t id = 0;
	long long audit = count(f, "SELECT count(*) FROM audit_log");

	assert_int_equal(dispute_answer(&cx, &in, &id, &why), ERR_NONE);
	assert_true(id > 0);
	crypto_hash_sha256(sha, pdf, sizeof(pdf) - 1);
	sodium_bin2hex(hex, sizeof(hex), sha, sizeof(sha));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM dispute_answer WHERE"
	    " id = %lld AND dispute_id = %lld AND file_type = 'application/pdf'"
	    " AND file_name = 'feuille<b>.pdf' AND length(file) = %zu AND"
	    " lower(hex(file_sha256)) = '%s' AND answered_at = %lld AND"
	    " text = 'La personne a signé.' || char(13, 10) ||"
	    " 'Voir la feuille.'", (long long)id, (long long)f->dispute,
	    sizeof(pdf) - 1, hex, (long long)(OPEN_AT + 3600));
	assert_int_equal(count(f, sql), 1);
	/* One audit row, by the venue user: the hash, size, type; no bytes. */
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit + 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE"
	    " action = 'dispute.answer' AND actor = 'lieu1' AND"
	    " object = 'dispute:%lld' AND"
	    " json_extract(detail, '$.attachment.sha256') = '%s' AND"
	    " json_extract(detail, '$.attachment.size') = %zu AND"
	    " json_extract(detail, '$.attachment.type') = 'application/pdf' AND"
	    " json_extract(detail, '$.answer') = %lld AND"
	    " instr(detail, '1 0 obj') = 0", (long long)f->dispute, hex,
	    sizeof(pdf) - 1, (long long)id);
	assert_int_equal(count(f, sql), 1);
	/* A second one is added, the first kept; text alone is enough. */
	in.text = "Et encore.";
	in.data = NULL;
	in.len = 0;
	assert_int_equal(dispute_answer(&cx, &in, &id, &why), ERR_NONE);
	assert_int_equal(count(f, "SELECT count(*) FROM dispute_answer"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM dispute_answer WHERE"
	    " file IS NULL AND file_type IS NULL AND file_sha256 IS NULL"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'dispute.answer' AND"
	    " json_extract(detail, '$.attachment') IS NULL"), 1);
}

/* Each refusal, and that it wrote nothing. */
static void
test_refusals_write_nothing(void **state)
{
	struct fixture *f = *state;
	struct op_ctx cx = ctx(f, &f->v1, OPEN_AT + 60);
	struct op_ctx other = ctx(f, &f->v2, OPEN_AT + 60);
	struct op_ctx acc = ctx(f, &f->alice, OPEN_AT + 60);
	struct op_ctx late = ctx(f, &f->v1, DUE);
	struct op_ctx in_time = ctx(f, &f->v1, DUE - 1);
	struct dispute_answer_in in = { f->dispute, "ma réponse", "f.pdf",
	    NULL, 0 };
	static const unsigned char html[] = "<html><script>x</script>";
	static char long_text[2001 * 2 + 1], full_text[2000 * 2 + 1];
	unsigned char *big;
	struct op_refusal why;
	long long before = written(f);
	int64_t id = 0;
	int i;

	assert_int_equal(dispute_answer(&acc, &in, &id, &why),
	    ERR_NOT_VENUE_USER);
	assert_int_equal(dispute_answer(&other, &in, &id, &why),
	    ERR_DISPUTE_NOT_FOUND);
	in.dispute_id = 999;
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_DISPUTE_NOT_FOUND);
	in.dispute_id = f->dispute;
	in.text = "";
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_ANSWER_REQUIRED);
	in.text = " \r\n\t ";
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_ANSWER_REQUIRED);
	in.text = "un\x01 caractère de contrôle";
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_ANSWER_REQUIRED);
	for (i = 0; i < 2001; i++)
		memcpy(long_text + 2 * i, "é", 2);
	in.text = long_text;
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_ANSWER_REQUIRED);
	in.text = "ma réponse";
	in.data = html;
	in.len = sizeof(html) - 1;
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_ATTACHMENT_TYPE);
	assert_string_equal(why.field, "file");
	big = calloc(1, LIMIT + 1);
	assert_non_null(big);
	memcpy(big, "%PDF-", 5);
	in.data = big;
	in.len = LIMIT + 1;
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_ATTACHMENT_TOO_LARGE);
	in.data = NULL;
	in.len = 0;
	assert_int_equal(dispute_answer(&late, &in, &id, &why),
	    ERR_ANSWER_TOO_LATE);
	assert_int_equal(written(f), before);
	assert_int_equal(id, 0);

	/* At the limits: 2000 characters of two bytes, a file of LIMIT. */
	for (i = 0; i < 2000; i++)
		memcpy(full_text + 2 * i, "é", 2);
	in.text = full_text;
	in.data = big;
	in.len = LIMIT;
	assert_int_equal(dispute_answer(&in_time, &in, &id, &why), ERR_NONE);
	free(big);
	in.text = "encore";
	in.data = NULL;
	in.len = 0;
	for (i = 1; i < STORE_ANSWERS_MAX; i++)
		assert_int_equal(dispute_answer(&cx, &in, &id, &why),
		    ERR_NONE);
	before = written(f);
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_ANSWERS_FULL);
	assert_int_equal(written(f), before);
}

/* After the decision, whatever the deadline: closed. */
static void
test_closed(void **state)
{
	struct fixture *f = *state;
	struct op_ctx acc = ctx(f, &f->alice, OPEN_AT + 60);
	struct op_ctx cx = ctx(f, &f->v1, OPEN_AT + 120);
	struct dispute_answer_in in = { f->dispute, "trop tard", NULL, pdf,
	    sizeof(pdf) - 1 };
	struct op_refusal why;
	long long before;
	int64_t id = 0;

	assert_int_equal(dispute_resolve(&acc, f->dispute, true, "confirmée",
	    &why), ERR_NONE);
	before = written(f);
	assert_int_equal(dispute_answer(&cx, &in, &id, &why),
	    ERR_DISPUTE_CLOSED);
	assert_int_equal(written(f), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magic_bytes),
		cmocka_unit_test_setup_teardown(test_answer_recorded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals_write_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
