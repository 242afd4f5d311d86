/* test_ops_settle.c -- the settlement's operations (server/ops/) through their contract, as an adversary would try them.
 *
 * A venue user and a caseworker try every settlement operation; the
 * drafter tries to approve their own batch; an accountant sends what the
 * operations refuse, some refused before any write, some by the store
 * inside the operation's transaction; a dispute upheld is opened again.
 * Each refusal must write nothing: no audit row, no change of a batch or
 * a dispute. Each operation that succeeds writes exactly one audit row of
 * its action, by the person acting.
 *
 * The world is store_world.h's: vouchers 0-1 redeemed at venue 1 in
 * session 1, 2-3 at venue 2 in session 2, on 11 April 2026; disputes are
 * opened the next day, inside the 7-day contest window; April is drafted
 * on 21 May, once every window has closed.
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

#include "errors.h"
#include "store_world.h"
#include "config.h"
#include "dispute.h"
#include "op.h"
#include "settle_approve.h"
#include "settle_batch.h"
#include "settle_draft.h"
#include "settle_rules.h"

#define NOW	(T_2026 + 100 * DAY)	/* 11 April 2026, 00:00 UTC */
#define OPEN_AT	(NOW + DAY)		/* inside the contest window */
#define AFTER	(T_2026 + 140 * DAY)	/* 21 May 2026: April's windows closed */
#define SIRET_1	"21440143200015"	/* venue 1, Rezé */

struct fixture {
	struct store_world w;
	struct config cfg;
	struct store_principal alice, bob;	/* accountants */
	struct store_principal venue;		/* a venue user of venue 1 */
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

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_programme prog;
	struct pn_error err;
	int64_t id;

	assert_non_null(f);
	store_world_open(&f->w, "ops-settle", NOW, NOW - 600, 120);
	/* Two vouchers of the one booklet in a session. */
	assert_int_equal(store_programme_set_rules(f->w.s, f->w.b.programme_id,
	    -1, NULL, 10, NOW, "test", &prog, &err), 0);
	config_defaults(&f->cfg);
	snprintf(f->cfg.source, sizeof(f->cfg.source), "test.ini");
	f->cfg.settlement.contest_days = 7;
	snprintf(f->cfg.settlement.debtor_name,
	    sizeof(f->cfg.settlement.debtor_name), "Département");
	snprintf(f->cfg.settlement.debtor_iban,
	    sizeof(f->cfg.settlement.debtor_iban),
	    "FR7630001007941234567890185");
	snprintf(f->cfg.settlement.debtor_bic,
	    sizeof(f->cfg.settlement.debtor_bic), "BDFEFRPPCCT");
	principal(&f->alice, store_world_user(&f->w, "alice", ROLE_ACCOUNTANT,
	    NOW), ROLE_ACCOUNTANT, 0, "alice");
	principal(&f->bob, store_world_user(&f->w, "bob", ROLE_ACCOUNTANT, NOW),
	    ROLE_ACCOUNTANT, 0, "bob");
	if (store_user_add(f->w.s, "lieu", "Lieu", ROLE_VENUE, 0, 1, "x", NOW,
	    "test", &id, &err) != 0)
		fail_msg("venue user: %s", err.message);
	principal(&f->venue, id, ROLE_VENUE, 1, "lieu");
	store_world_take(&f->w, &f->w.t1, 0, 0x51, NOW);
	store_world_take(&f->w, &f->w.t1, 1, 0x51, NOW + 60);
	store_world_take(&f->w, &f->w.t2, 2, 0x52, NOW);
	store_world_take(&f->w, &f->w.t2, 3, 0x52, NOW + 60);
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

/* The context of an operation by who at now. */
static struct op_ctx
ctx(struct fixture *f, const struct store_principal *who, int64_t now)
{
	struct op_ctx cx = { f->w.s, &f->cfg, NULL, who, now, NULL };

	return cx;
}

static long long
count(const struct fixture *f, const char *sql)
{
	return store_world_int(f->w.db, sql);
}

static long long
audit_rows(const struct fixture *f)
{
	return count(f, "SELECT count(*) FROM audit_log");
}

/*
 * What a refusal must leave as it was: the audit log, the batches and
 * their lines and items, the disputes, the vouchers' states.
 */
struct snapshot {
	long long audit, batches, lines, items, disputes, settled;
	char states[256];
};

static struct snapshot
snap(const struct fixture *f)
{
	struct snapshot s;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;

	memset(&s, 0, sizeof(s));
	s.audit = audit_rows(f);
	s.batches = count(f, "SELECT count(*) FROM settlement_batch");
	s.lines = count(f, "SELECT count(*) FROM settlement_line WHERE"
	    " held_at IS NULL");
	s.items = count(f, "SELECT count(*) FROM settlement_item WHERE"
	    " active = 1");
	s.disputes = count(f, "SELECT count(*) FROM dispute WHERE"
	    " resolution IS NULL");
	s.settled = count(f, "SELECT count(*) FROM voucher WHERE"
	    " status = 'settled'");
	assert_int_equal(sqlite3_open(f->w.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT status FROM"
	    " settlement_batch ORDER BY id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n + 16 < sizeof(s.states))
		n += (size_t)snprintf(s.states + n, sizeof(s.states) - n,
		    "%s ", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return s;
}

static void
unchanged(const struct snapshot *before, const struct fixture *f,
    const char *what)
{
	struct snapshot now = snap(f);

	if (now.audit != before->audit || now.batches != before->batches ||
	    now.lines != before->lines || now.items != before->items ||
	    now.disputes != before->disputes ||
	    now.settled != before->settled ||
	    strcmp(now.states, before->states) != 0)
		fail_msg("%s wrote: audit %lld -> %lld, batches %lld -> %lld, "
		    "lines %lld -> %lld, items %lld -> %lld, open disputes "
		    "%lld -> %lld, settled %lld -> %lld, states '%s' -> '%s'",
		    what, before->audit, now.audit, before->batches,
		    now.batches, before->lines, now.lines, before->items,
		    now.items, before->disputes, now.disputes,
		    before->settled, now.settled, before->states, now.states);
}

/* Draft April as alice: the batch. */
static struct store_batch
draft_april(struct fixture *f)
{
	struct op_ctx cx = ctx(f, &f->alice, AFTER);
	struct op_refusal why;
	struct store_batch b;
	bool existing = true;

	if (settle_draft(&cx, "2026-04", &b, &existing, &why) != ERR_NONE)
		fail_msg("draft: %d %s", why.code, why.detail);
	assert_false(existing);
	assert_int_equal(b.n_lines, 2);
	return b;
}

/* The code every settlement operation gives who, with nothing written. */
static void
all_refused(struct fixture *f, const struct store_principal *who,
    const char *reference, enum err_code code)
{
	struct op_ctx cx = ctx(f, who, AFTER);
	struct op_ctx early = ctx(f, who, OPEN_AT);
	struct snapshot before = snap(f);
	struct op_refusal why;
	struct store_batch b;
	int64_t id = 0;
	bool existing;

	assert_int_equal(settle_draft(&cx, "2026-04", &b, &existing, &why),
	    code);
	assert_int_equal(why.code, code);
	assert_int_equal(settle_draft(&cx, "2026-03", &b, &existing, &why),
	    code);
	assert_int_equal(settle_approve(&cx, reference, 0, SETTLE_ACK_ANY, &b,
	    &why), code);
	assert_int_equal(settle_hold(&cx, reference, SIRET_1, "contrôle",
	    &why), code);
	assert_int_equal(settle_mark_paid(&cx, reference, "VIR-2026-05",
	    "2026-05-21", &why), code);
	assert_int_equal(settle_reject(&cx, reference, "erreur", &why), code);
	assert_int_equal(dispute_open(&early, f->w.b.vouchers[0].serial,
	    "séance non tenue", &id, &why), code);
	assert_int_equal(id, 0);
	assert_int_equal(dispute_resolve(&early, 1, true, "confirmée", &why),
	    code);
	unchanged(&before, f, who->login);
}

/* A venue user, a caseworker, nobody: not accountants, whatever they try. */
static void
test_outsiders_refused(void **state)
{
	struct fixture *f = *state;
	struct store_principal mixed = f->venue;
	struct store_batch b;
	struct op_ctx cx = ctx(f, &f->alice, OPEN_AT);
	struct op_refusal why;
	int64_t id;

	/* Something to act on: an open dispute, then a draft. */
	store_world_session(&f->w, 3, 0x53, 1, NOW + DAY, 60);
	store_world_take(&f->w, &f->w.t1, 4, 0x53, NOW + DAY + 60);
	assert_int_equal(dispute_open(&cx, f->w.b.vouchers[4].serial,
	    "séance non tenue", &id, &why), ERR_NONE);
	b = draft_april(f);
	all_refused(f, &f->venue, b.reference, ERR_NOT_ACCOUNTANT);
	all_refused(f, &f->w.who, b.reference, ERR_NOT_ACCOUNTANT);
	/* Roles other than accountant and admin, together. */
	mixed.role = ROLE_VENUE | ROLE_CASEWORKER;
	all_refused(f, &mixed, b.reference, ERR_NOT_ACCOUNTANT);
	/* And the same for a batch that does not exist. */
	all_refused(f, &f->venue, "PN-2026-04-99", ERR_NOT_ACCOUNTANT);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.draft"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "dispute.open"), 1);
}

/* Four-eyes: the drafter cannot approve; someone else can, once. */
static void
test_drafter_cannot_approve(void **state)
{
	struct fixture *f = *state;
	struct op_ctx by_alice = ctx(f, &f->alice, AFTER);
	struct op_ctx by_bob = ctx(f, &f->bob, AFTER);
	struct snapshot before;
	struct op_refusal why;
	struct store_batch b, out;

	b = draft_april(f);
	before = snap(f);
	assert_int_equal(settle_approve(&by_alice, b.reference, 0,
	    SETTLE_ACK_ANY, &out, &why), ERR_SAME_APPROVER);
	assert_int_equal(why.code, ERR_SAME_APPROVER);
	unchanged(&before, f, "approval by its drafter");
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_file"), 0);
	/* Whatever the SEPA version or alerts acknowledged. */
	assert_int_equal(settle_approve(&by_alice, b.reference, 3,
	    SETTLE_ACK_NONE, &out, &why), ERR_SAME_APPROVER);
	unchanged(&before, f, "approval by its drafter");

	assert_int_equal(settle_approve(&by_bob, b.reference, 0,
	    SETTLE_ACK_ANY, &out, &why), ERR_NONE);
	assert_string_equal(out.status, "approved");
	assert_int_equal(store_world_audit_rows(&f->w, "settle.approve"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'settle.approve' AND actor = 'bob'"), 1);
	/* Approved: neither of them approves it again. */
	before = snap(f);
	assert_int_equal(settle_approve(&by_bob, b.reference, 0,
	    SETTLE_ACK_ANY, &out, &why), ERR_BATCH_WRONG_STATE);
	assert_int_equal(settle_approve(&by_alice, b.reference, 0,
	    SETTLE_ACK_ANY, &out, &why), ERR_BATCH_WRONG_STATE);
	unchanged(&before, f, "a second approval");
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_file"), 4);
	store_world_money_ok(&f->w);
}

/*
 * An accountant's refusals, before the transaction (what was typed) and
 * inside it (the store's: the batch's state, its lines), write nothing.
 */
static void
test_refusal_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct op_ctx cx = ctx(f, &f->alice, AFTER);
	struct op_ctx early = ctx(f, &f->alice, OPEN_AT);
	struct op_ctx by_bob = ctx(f, &f->bob, AFTER);
	struct snapshot before;
	struct op_refusal why;
	struct store_batch b, out;
	char long_reason[SETTLE_TEXT_MAX + 2];
	bool existing;
	int64_t id = 0;

	/* April has not ended on 11 April; there is no month 13. */
	before = snap(f);
	assert_int_equal(settle_draft(&early, "2026-04", &out, &existing,
	    &why), ERR_PERIOD_NOT_ENDED);
	assert_int_equal(settle_draft(&cx, "2026-13", &out, &existing, &why),
	    ERR_BAD_PERIOD);
	assert_string_equal(why.field, "period");
	/* March had no redemption: refused by the store, in the step. */
	assert_int_equal(settle_draft(&cx, "2026-03", &out, &existing, &why),
	    ERR_NOTHING_TO_SETTLE);
	unchanged(&before, f, "a refused draft");

	b = draft_april(f);
	before = snap(f);
	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	assert_int_equal(settle_reject(&cx, b.reference, "   ", &why),
	    ERR_REASON_REQUIRED);
	assert_string_equal(why.field, "reason");
	assert_int_equal(settle_reject(&cx, b.reference, long_reason, &why),
	    ERR_REASON_REQUIRED);
	assert_int_equal(settle_reject(&cx, b.reference, "tab\there", &why),
	    ERR_REASON_REQUIRED);
	assert_int_equal(settle_hold(&cx, b.reference, SIRET_1, "", &why),
	    ERR_REASON_REQUIRED);
	assert_int_equal(settle_hold(&cx, b.reference, "21440143200016",
	    "contrôle", &why), ERR_LINE_NOT_FOUND);
	/* A SIRET well formed, of no line: refused in the step. */
	assert_int_equal(settle_hold(&cx, b.reference, "73282932000074",
	    "contrôle", &why), ERR_LINE_NOT_FOUND);
	assert_int_equal(settle_hold(&cx, "PN-2026-04-99", SIRET_1,
	    "contrôle", &why), ERR_BATCH_NOT_FOUND);
	/* A draft is not paid; a payment is not dated tomorrow. */
	assert_int_equal(settle_mark_paid(&cx, b.reference, "VIR-1",
	    "2026-05-21", &why), ERR_BATCH_WRONG_STATE);
	assert_int_equal(settle_mark_paid(&cx, b.reference, "VIR 1",
	    "2026-05-21", &why), ERR_BAD_PAYMENT);
	assert_string_equal(why.field, "bank_reference");
	assert_int_equal(settle_mark_paid(&cx, b.reference, "VIR-1",
	    "2026-05-22", &why), ERR_BAD_PAYMENT);
	assert_string_equal(why.field, "paid_on");
	/* A redemption in a batch, a voucher never redeemed. */
	assert_int_equal(dispute_open(&cx, f->w.b.vouchers[0].serial,
	    "séance non tenue", &id, &why), ERR_REDEMPTION_IN_BATCH);
	assert_int_equal(dispute_open(&early, f->w.b.vouchers[9].serial,
	    "séance non tenue", &id, &why), ERR_REDEMPTION_NOT_FOUND);
	assert_int_equal(dispute_resolve(&cx, 42, false, "levée", &why),
	    ERR_DISPUTE_NOT_FOUND);
	unchanged(&before, f, "a refused change of a draft");

	/* Holding one line leaves one: it is the last, and stays. */
	assert_int_equal(settle_hold(&cx, b.reference, "2144 0143 2000 15",
	    "contrôle", &why), ERR_NONE);
	before = snap(f);
	assert_int_equal(settle_hold(&cx, b.reference, "35600000000001",
	    "contrôle", &why), ERR_LAST_LINE_HELD);
	assert_int_equal(settle_hold(&cx, b.reference, SIRET_1, "contrôle",
	    &why), ERR_LINE_NOT_FOUND);
	unchanged(&before, f, "holding the last line");

	/* Rejected: nothing more is done to it. */
	assert_int_equal(settle_reject(&cx, b.reference, "erreur", &why),
	    ERR_NONE);
	before = snap(f);
	assert_int_equal(settle_reject(&cx, b.reference, "encore", &why),
	    ERR_BATCH_WRONG_STATE);
	assert_int_equal(settle_approve(&by_bob, b.reference, 0,
	    SETTLE_ACK_ANY, &out, &why), ERR_BATCH_WRONG_STATE);
	assert_int_equal(settle_mark_paid(&cx, b.reference, "VIR-1",
	    "2026-05-21", &why), ERR_BATCH_WRONG_STATE);
	unchanged(&before, f, "a change of a rejected batch");
	store_world_money_ok(&f->w);
}

/* A dispute upheld is final: opening it again is refused (6023). */
static void
test_upheld_not_reopened(void **state)
{
	struct fixture *f = *state;
	struct op_ctx by_alice = ctx(f, &f->alice, OPEN_AT);
	struct op_ctx by_bob = ctx(f, &f->bob, OPEN_AT + 3600);
	uint64_t serial = f->w.b.vouchers[1].serial;
	struct snapshot before;
	struct op_refusal why;
	int64_t id = 0, again = 0;

	assert_int_equal(dispute_open(&by_alice, serial, "séance non tenue",
	    &id, &why), ERR_NONE);
	assert_true(id > 0);
	before = snap(f);
	assert_int_equal(dispute_open(&by_alice, serial, "encore", &again,
	    &why), ERR_DISPUTE_ALREADY_OPEN);
	unchanged(&before, f, "a second dispute while open");
	assert_int_equal(dispute_resolve(&by_bob, id, true, "confirmée", &why),
	    ERR_NONE);
	before = snap(f);
	assert_int_equal(dispute_open(&by_alice, serial, "encore", &again,
	    &why), ERR_DISPUTE_UPHELD);
	assert_int_equal(why.code, 6023);
	assert_int_equal(again, 0);
	assert_int_equal(dispute_open(&by_bob, serial, "encore", &again,
	    &why), ERR_DISPUTE_UPHELD);
	/* Nor is it resolved a second time, either way. */
	assert_int_equal(dispute_resolve(&by_bob, id, false, "levée", &why),
	    ERR_DISPUTE_NOT_FOUND);
	assert_int_equal(dispute_resolve(&by_alice, id, true, "confirmée",
	    &why), ERR_DISPUTE_NOT_FOUND);
	unchanged(&before, f, "reopening an upheld dispute");
	assert_int_equal(count(f, "SELECT count(*) FROM dispute"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "dispute.open"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "dispute.resolve"), 1);
	/* Upheld: its voucher is never drafted, the other of its session is. */
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	(void)draft_april(f);
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	assert_int_equal(store_world_active_items(&f->w, 0), 1);
}

/*
 * audit row by actor of action, the only row it added since before (an
 * approval adds its files' rows too: files are not counted).
 */
static void
one_row(struct fixture *f, long long before, const char *action,
    const char *actor, long long files)
{
	char sql[256];

	assert_int_equal(audit_rows(f), before + 1 + files);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE"
	    " action = '%s' AND actor = '%s' AND id > (SELECT max(id) -"
	    " %lld FROM audit_log)", action, actor, 1 + files);
	assert_int_equal(count(f, sql), 1);
}

/* Each operation that succeeds writes exactly one audit row of its action. */
static void
test_one_audit_row_each(void **state)
{
	struct fixture *f = *state;
	struct op_ctx by_alice = ctx(f, &f->alice, OPEN_AT);
	struct op_ctx cx = ctx(f, &f->alice, AFTER);
	struct op_ctx by_bob = ctx(f, &f->bob, AFTER);
	struct op_refusal why;
	struct store_batch b, out;
	long long before, files;
	bool existing;
	int64_t id = 0;

	store_world_session(&f->w, 3, 0x53, 1, NOW + DAY, 60);
	store_world_take(&f->w, &f->w.t1, 4, 0x53, NOW + DAY + 60);
	before = audit_rows(f);
	assert_int_equal(dispute_open(&by_alice, f->w.b.vouchers[4].serial,
	    "séance non tenue", &id, &why), ERR_NONE);
	one_row(f, before, "dispute.open", "alice", 0);
	before = audit_rows(f);
	assert_int_equal(dispute_resolve(&by_alice, id, false, "levée", &why),
	    ERR_NONE);
	one_row(f, before, "dispute.resolve", "alice", 0);

	before = audit_rows(f);
	b = draft_april(f);
	one_row(f, before, "settle.draft", "alice", 0);
	/* Drafting it again returns it, and writes nothing. */
	before = audit_rows(f);
	assert_int_equal(settle_draft(&cx, "2026-04", &out, &existing, &why),
	    ERR_NONE);
	assert_true(existing);
	assert_string_equal(out.reference, b.reference);
	assert_int_equal(audit_rows(f), before);

	before = audit_rows(f);
	assert_int_equal(settle_reject(&cx, b.reference, "erreur de période",
	    &why), ERR_NONE);
	one_row(f, before, "settle.reject", "alice", 0);

	/* Drafted again once rejected: hold a line, approve, pay. */
	before = audit_rows(f);
	b = draft_april(f);
	one_row(f, before, "settle.draft", "alice", 0);
	before = audit_rows(f);
	assert_int_equal(settle_hold(&cx, b.reference, SIRET_1, "contrôle",
	    &why), ERR_NONE);
	one_row(f, before, "settle.hold", "alice", 0);
	before = audit_rows(f);
	assert_int_equal(settle_approve(&by_bob, b.reference, 9,
	    SETTLE_ACK_ANY, &out, &why), ERR_NONE);
	/* The payment file, the mandate list, the one venue's statement. */
	files = count(f, "SELECT count(*) FROM settlement_file");
	assert_int_equal(files, 3);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'settle.file'"), files);
	one_row(f, before, "settle.approve", "bob", files);
	before = audit_rows(f);
	assert_int_equal(settle_mark_paid(&cx, b.reference, "VIR-2026-05-21",
	    "2026-05-21", &why), ERR_NONE);
	one_row(f, before, "settle.paid", "alice", 0);
	assert_int_equal(count(f, "SELECT count(*) FROM voucher WHERE"
	    " status = 'settled'"), 2);
	store_world_money_ok(&f->w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outsiders_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drafter_cannot_approve,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_writes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_upheld_not_reopened, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_audit_row_each, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
