/* test_store_settle.c -- settlement through the store API: what a draft takes, four-eyes, payment, once only.
 *
 * The shell scenarios (test_settle.sh, test_signals.sh) drive the same
 * path through passnum-admin and the pages; these reach
 * store_settle_draft() and the store_batch_* functions themselves, on
 * redemptions accepted through store_redeem() from a booklet of real
 * vouchers (store_world.h). At the end of each test that settles, the
 * money audit's checks (store_money_check(), what passnum-admin audit
 * runs) must find nothing.
 *
 * The month settled is April 2026; its sessions start on 11 April, and
 * the drafts are made on 21 May, past every April session's contest
 * window of 7 days.
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
#include "settle_rules.h"
#include "store_world.h"

#define NOW	(T_2026 + 100 * DAY)	/* 11 April 2026, 00:00 UTC */
#define CONTEST	(7 * DAY)

struct fixture {
	struct store_world w;
	struct store *s2;		/* a second accountant's connection */
	struct settle_period april, may;
	int64_t after;			/* 21 May: April's windows are past */
	struct store_settle_rules rules;
	int64_t alice, bob;		/* accountants */
	int64_t chloe;			/* an admin, who may settle too */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_programme prog;
	struct pn_error err;

	assert_non_null(f);
	store_world_open(&f->w, "settle", NOW, NOW - 600, 120);
	f->s2 = store_open(f->w.db, STORE_WORLD_BUSY_MS, &err);
	assert_non_null(f->s2);
	assert_int_equal(settle_period_parse("2026-04", CONFIG_PERIOD_MONTH,
	    &f->april, &err), ERR_NONE);
	assert_int_equal(settle_period_parse("2026-05", CONFIG_PERIOD_MONTH,
	    &f->may, &err), ERR_NONE);
	f->after = f->may.start + 20 * DAY;
	f->rules.contest_seconds = CONTEST;
	f->rules.minimum_cents = 0;
	/* Several vouchers of the one booklet in a session. */
	assert_int_equal(store_programme_set_rules(f->w.s, f->w.b.programme_id,
	    -1, NULL, 10, NOW, "test", &prog, &err), 0);
	f->alice = store_world_user(&f->w, "alice", ROLE_ACCOUNTANT, NOW);
	f->bob = store_world_user(&f->w, "bob", ROLE_ACCOUNTANT, NOW);
	f->chloe = store_world_user(&f->w, "chloe", ROLE_ADMIN, NOW);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s2);
	store_world_close(&f->w);
	free(f);
	return 0;
}

static long long
count(const struct fixture *f, const char *sql)
{
	return store_world_int(f->w.db, sql);
}

/* Voucher i's serial. */
static unsigned long long
serial(const struct fixture *f, unsigned i)
{
	return (unsigned long long)f->w.b.vouchers[i].serial;
}

/* Active settlement items of voucher i's redemptions. */
/* Vouchers of the booklet whose status is status. */
static long long
vouchers_in(const struct fixture *f, const char *status)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM voucher WHERE"
	    " status = '%s'", status);
	return count(f, sql);
}

/* Vouchers 0-2 at venue 1 (session 1), 3-4 at venue 2 (session 2). */
static void
take_five(struct fixture *f)
{
	unsigned i;

	for (i = 0; i < 3; i++)
		store_world_take(&f->w, &f->w.t1, i, 0x51, NOW);
	for (i = 3; i < 5; i++)
		store_world_take(&f->w, &f->w.t2, i, 0x52, NOW);
}

/* Draft period p as user by (alice, bob or chloe) on s at now. */
static int
draft(struct fixture *f, struct store *s, const struct settle_period *p,
    int64_t by, int64_t now, struct store_batch *b, bool *existing)
{
	return store_world_draft(s, p->text, p->start, p->end, &f->rules, by,
	    by == f->alice ? "alice" : by == f->bob ? "bob" : "chloe", now, b,
	    existing);
}

/* The lines of a batch, in the store's order. */
struct lines {
	size_t n;
	struct store_batch_line l[8];
};

static int
line_add(void *ctx, const struct store_batch_line *l)
{
	struct lines *ls = ctx;

	assert_true(ls->n < 8);
	ls->l[ls->n++] = *l;
	return 0;
}

static struct lines
lines_of(struct fixture *f, int64_t batch)
{
	struct lines ls;
	struct pn_error err;

	memset(&ls, 0, sizeof(ls));
	assert_int_equal(store_batch_lines(f->w.s, batch, line_add, &ls, &err),
	    0);
	return ls;
}

/* Approve b on s as user by (login actor), the day after the drafts. */
static int
approve(struct fixture *f, struct store *s, const struct store_batch *b,
    int64_t by, const char *actor)
{
	return store_world_approve(s, b, by, actor, f->after + DAY);
}

/*
 * Approval's write on s, expected to be refused: its result. Should it
 * succeed, the write transaction it opened is ended before the test
 * fails, which would otherwise leave the store's write mutex held and
 * every later test of the process waiting for it.
 */
static int
write_refused(struct store *s, int64_t batch_id, int64_t by,
    const struct store_batch_stamp *stamp, struct pn_error *err)
{
	int rc = store_batch_approve_write(s, batch_id, by, stamp, err);

	if (rc == 0)
		store_batch_approve_abort(s);
	return rc;
}

/* The batch of reference ref as the store reads it now. */
static struct store_batch
batch(struct fixture *f, const char *ref)
{
	struct store_batch b;
	struct pn_error err;

	assert_int_equal(store_batch_get(f->w.s, ref, &b, &err), 0);
	return b;
}

static void
assert_money(struct fixture *f)
{
	store_world_money_ok(&f->w);
}

/* Keep the (one) programme's tally. */
static int
programme_keep(void *ctx, const struct store_money_programme *p)
{
	*(struct store_money_programme *)ctx = *p;
	return 0;
}

/*
 * One line per venue, with its sessions, vouchers, gross, commission
 * (125 basis points of 10,00 EUR: 0,13 EUR each, rounded half up) and
 * amount; the venue's identity frozen on the line; the batch adds them
 * up; what was pending is what was drafted.
 */
static void
test_draft_lines(void **state)
{
	struct fixture *f = *state;
	struct store_programme prog;
	struct store_settle_pending pend;
	struct store_batch b;
	struct pn_error err;
	struct lines ls;
	bool existing = true;

	assert_int_equal(store_programme_set_rules(f->w.s,
	    f->w.b.programme_id, 125, NULL, 0, NOW, "test", &prog, &err), 0);
	take_five(f);
	assert_int_equal(store_settle_pending(f->w.s, f->april.end, &f->rules,
	    f->after, &pend, &err), 0);
	assert_int_equal(pend.validated, 5);
	assert_int_equal(pend.validated_cents, 5000);
	assert_int_equal(pend.in_window, 0);
	assert_int_equal(pend.held, 0);

	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    &existing), 0);
	assert_false(existing);
	assert_string_equal(b.reference, "PN-2026-04-01");
	assert_string_equal(b.status, "draft");
	assert_int_equal(b.drafted_by, f->alice);
	assert_int_equal(b.n_lines, 2);
	assert_int_equal(b.n_carried, 0);
	assert_int_equal(b.n_vouchers, 5);
	assert_int_equal(b.total_cents, 5000 - 5 * 13);

	ls = lines_of(f, b.id);
	assert_int_equal(ls.n, 2);
	/* By venue name: Espace Nantes (venue 2), then Médiathèque. */
	assert_string_equal(ls.l[0].name, "Espace Nantes");
	assert_string_equal(ls.l[0].siret, "35600000000001");
	assert_int_equal(ls.l[0].venue_id, 2);
	assert_int_equal(ls.l[0].sessions, 1);
	assert_int_equal(ls.l[0].vouchers, 2);
	assert_int_equal(ls.l[0].gross_cents, 2000);
	assert_int_equal(ls.l[0].commission_cents, 26);
	assert_int_equal(ls.l[0].amount_cents, 1974);
	assert_string_equal(ls.l[1].siret, "21440143200015");
	assert_string_equal(ls.l[1].iban, "FR7630006000011234567890189");
	assert_int_equal(ls.l[1].venue_id, 1);
	assert_int_equal(ls.l[1].vouchers, 3);
	assert_int_equal(ls.l[1].gross_cents, 3000);
	assert_int_equal(ls.l[1].commission_cents, 39);
	assert_int_equal(ls.l[1].amount_cents, 2961);
	assert_false(ls.l[0].carried_over || ls.l[1].carried_over);
	assert_false(ls.l[0].held || ls.l[1].held);
	assert_int_equal(ls.l[0].amount_cents + ls.l[1].amount_cents,
	    b.total_cents);

	/* Each redemption once, at the rate of the draft. */
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_item"
	    " WHERE active = 1 AND commission_bp = 125 AND commission = 13"),
	    5);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_item i"
	    " JOIN settlement_line l ON l.id = i.line_id"
	    " JOIN redemption r ON r.id = i.redemption_id"
	    " WHERE r.venue_id = l.venue_id AND r.outcome = 'accepted'"), 5);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.draft"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'settle.draft' AND actor = 'alice' AND object = 'batch:1'"
	    " AND detail LIKE '%\"cents\":4935%' AND detail LIKE"
	    " '%\"vouchers\":5%'"), 1);
	/* A venue changing its name or IBAN after the draft changes no line. */
	store_world_exec(f->w.db, "UPDATE venue SET name = 'Autre nom',"
	    " iban = 'FR1420041010050500013M02606' WHERE id = 2");
	ls = lines_of(f, b.id);
	assert_string_equal(ls.l[0].name, "Espace Nantes");
	assert_string_equal(ls.l[0].iban, "FR7630006000011234567890189");
	/* Drafted: nothing is pending any more, nothing is settled yet. */
	assert_int_equal(store_settle_pending(f->w.s, f->april.end, &f->rules,
	    f->after, &pend, &err), 0);
	assert_int_equal(pend.validated, 0);
	assert_int_equal(vouchers_in(f, "redeemed"), 5);
	assert_money(f);
}

/*
 * A draft stops at its period's end: a session of May waits for May's
 * draft, though its contest window is past too.
 */
static void
test_period_bounds(void **state)
{
	struct fixture *f = *state;
	int64_t may5 = f->may.start + 4 * DAY + 10 * 3600;
	struct store_batch b, m;

	take_five(f);
	store_world_session(&f->w, 3, 0x53, 1, may5, 60);
	store_world_take(&f->w, &f->w.t1, 5, 0x53, may5 + 60);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(b.n_vouchers, 5);
	assert_int_equal(store_world_active_items(&f->w, 5), 0);
	assert_int_equal(draft(f, f->w.s, &f->may, f->alice, f->after, &m,
	    NULL), 0);
	assert_string_equal(m.reference, "PN-2026-05-01");
	assert_int_equal(m.n_lines, 1);
	assert_int_equal(m.n_vouchers, 1);
	assert_int_equal(store_world_active_items(&f->w, 5), 1);
	assert_money(f);
}

/*
 * Only what is past its contest window: a session ending on 30 April is
 * left out one second before its window closes, and taken at the second
 * it closes (the same second a dispute is refused).
 */
static void
test_contest_window(void **state)
{
	struct fixture *f = *state;
	int64_t start = f->april.end - 3 * 3600, end = start + 60 * 60;
	struct store_settle_pending pend;
	struct store_batch b, b2;
	struct pn_error err;
	int64_t id;

	take_five(f);
	store_world_session(&f->w, 3, 0x53, 1, start, 60);
	store_world_take(&f->w, &f->w.t1, 5, 0x53, start + 60);
	assert_int_equal(store_settle_pending(f->w.s, f->april.end, &f->rules,
	    end + CONTEST - 1, &pend, &err), 0);
	assert_int_equal(pend.validated, 5);
	assert_int_equal(pend.in_window, 1);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice,
	    end + CONTEST - 1, &b, NULL), 0);
	assert_int_equal(b.n_vouchers, 5);
	assert_int_equal(store_world_active_items(&f->w, 5), 0);

	assert_int_equal(store_batch_reject(f->w.s, b.id, f->bob, "trop tôt",
	    end + CONTEST, "bob", &err), 0);
	/* From that second it can no longer be disputed: no gap, no overlap. */
	assert_int_equal(store_dispute_open(f->w.s, serial(f, 5), "douteux",
	    CONTEST, f->alice, end + CONTEST, "alice", &id, &err),
	    ERR_CONTEST_WINDOW_PASSED);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, end + CONTEST,
	    &b2, NULL), 0);
	assert_string_equal(b2.reference, "PN-2026-04-02");
	assert_int_equal(b2.n_vouchers, 6);
	assert_int_equal(store_world_active_items(&f->w, 5), 1);
	assert_money(f);
}

/*
 * A record synced late: the window runs from its arrival, not from its
 * session's end, so that it stays open to disputes as long as any other.
 */
static void
test_late_sync_waits(void **state)
{
	struct fixture *f = *state;
	int64_t arrives = f->after - 3 * DAY;
	struct store_batch b;
	char sql[256];

	store_world_take(&f->w, &f->w.t1, 0, 0x51, NOW);
	/* Taken offline in session 1 on 11 April, received on 18 May. */
	assert_int_equal(store_world_redeem(&f->w, &f->w.t1, 1, 0x51, arrives,
	    NOW + 60), STORE_REDEEM_ACCEPTED);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redemption WHERE"
	    " serial = %llu AND received_at = %lld AND terminal_time = %lld",
	    serial(f, 1), (long long)arrives, (long long)(NOW + 60));
	assert_int_equal(count(f, sql), 1);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(b.n_vouchers, 1);
	assert_int_equal(store_world_active_items(&f->w, 0), 1);
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	/* May's draft, once the window from its arrival has passed, takes it. */
	assert_int_equal(draft(f, f->w.s, &f->may, f->alice,
	    arrives + CONTEST, &b, NULL), 0);
	assert_int_equal(b.n_vouchers, 1);
	assert_int_equal(store_world_active_items(&f->w, 1), 1);
	assert_money(f);
}

/*
 * A dispute holds its redemption's whole session out of the draft; the
 * venue's other sessions and the other venues are paid.
 */
static void
test_disputed_left_out(void **state)
{
	struct fixture *f = *state;
	struct store_settle_pending pend;
	struct store_batch b;
	struct pn_error err;
	struct lines ls;
	int64_t id;

	take_five(f);
	store_world_session(&f->w, 3, 0x53, 1, NOW + DAY, 60);
	store_world_take(&f->w, &f->w.t1, 5, 0x53, NOW + DAY + 60);
	assert_int_equal(store_dispute_open(f->w.s, serial(f, 0), "séance non"
	    " tenue", CONTEST, f->alice, NOW + 2 * DAY, "alice", &id, &err), 0);
	assert_int_equal(store_settle_pending(f->w.s, f->april.end, &f->rules,
	    f->after, &pend, &err), 0);
	assert_int_equal(pend.validated, 3);
	assert_int_equal(pend.held, 3);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(b.n_vouchers, 3);
	assert_int_equal(store_world_active_items(&f->w, 0), 0);
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	assert_int_equal(store_world_active_items(&f->w, 2), 0);
	assert_int_equal(store_world_active_items(&f->w, 5), 1);
	ls = lines_of(f, b.id);
	assert_int_equal(ls.n, 2);
	assert_int_equal(ls.l[1].venue_id, 1);
	assert_int_equal(ls.l[1].vouchers, 1);
	assert_int_equal(ls.l[1].sessions, 1);
	assert_money(f);
}

/*
 * The same redemption is never in two batches: drafting the period again
 * (another accountant, another connection) gives the same batch; a later
 * period finds nothing; only a rejection frees them, for one new batch.
 */
static void
test_never_twice(void **state)
{
	struct fixture *f = *state;
	struct store_batch a, again, b2, none;
	struct pn_error err;
	bool existing = false;
	unsigned i;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &a,
	    NULL), 0);
	assert_int_equal(draft(f, f->s2, &f->april, f->bob, f->after + 60,
	    &again, &existing), 0);
	assert_true(existing);
	assert_int_equal(again.id, a.id);
	assert_int_equal(again.drafted_by, f->alice);
	assert_int_equal(again.total_cents, a.total_cents);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_item"), 5);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.draft"), 1);

	assert_int_equal(draft(f, f->s2, &f->may, f->bob, f->after + 60, &none,
	    NULL), ERR_NOTHING_TO_SETTLE);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_batch"), 1);

	assert_int_equal(store_batch_reject(f->s2, a.id, f->bob, "IBAN faux",
	    f->after + 120, "bob", &err), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_item"
	    " WHERE active = 1"), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.reject"), 1);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after + 180,
	    &b2, NULL), 0);
	assert_string_equal(b2.reference, "PN-2026-04-02");
	assert_int_equal(b2.n_vouchers, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(store_world_active_items(&f->w, i), 1);
	/* The rejected batch keeps its items, inactive, for the record. */
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_item"), 10);
	assert_money(f);
}

/*
 * A dishonest venue scanning a voucher another venue took: its record is
 * stored as a conflict and paid to nobody; the voucher is paid once.
 */
static void
test_conflict_unpaid(void **state)
{
	struct fixture *f = *state;
	struct store_batch b;
	struct lines ls;

	store_world_take(&f->w, &f->w.t1, 0, 0x51, NOW);
	assert_int_equal(store_world_redeem(&f->w, &f->w.t2, 0, 0x52, NOW + 60,
	    0), STORE_REDEEM_CONFLICT);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(b.n_lines, 1);
	assert_int_equal(b.n_vouchers, 1);
	assert_int_equal(b.total_cents, 1000);
	ls = lines_of(f, b.id);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.l[0].venue_id, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_item i"
	    " JOIN redemption r ON r.id = i.redemption_id"
	    " WHERE r.outcome = 'conflict'"), 0);
	assert_money(f);
}

/*
 * Four-eyes: the drafter cannot approve her own batch, at begin, nor by
 * naming herself at commit after another's checks (the table's CHECK);
 * another accountant can.
 */
static void
test_four_eyes(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_batch b;
	struct pn_error err;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(approve(f, f->w.s, &b, f->alice, "alice"),
	    ERR_SAME_APPROVER);
	/* Nothing was left open: the connection writes. */
	assert_int_equal(store_audit_append(f->w.s, f->after, "test",
	    "test.write", "x", "", &err), 0);
	/* Checked again at the write, whatever begin was told. */
	assert_int_equal(store_batch_approve_begin(f->w.s, b.id, f->bob,
	    &stamp, &err), 0);
	assert_int_equal(write_refused(f->w.s, b.id, f->alice, &stamp, &err),
	    ERR_SAME_APPROVER);
	/* Begun and written by bob, committed in alice's name: refused. */
	assert_int_equal(store_batch_approve_begin(f->w.s, b.id, f->bob,
	    &stamp, &err), 0);
	assert_int_equal(store_batch_approve_write(f->w.s, b.id, f->bob,
	    &stamp, &err), 0);
	assert_int_equal(store_batch_approve_commit(f->w.s, b.id, f->alice,
	    "PN-2026-04-01-20260522000000", "2026-05-26", 9, 0, f->after,
	    "alice", &err), -1);
	b = batch(f, "PN-2026-04-01");
	assert_string_equal(b.status, "draft");
	assert_int_equal(b.approved_by, 0);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.approve"), 0);

	assert_int_equal(approve(f, f->s2, &b, f->bob, "bob"), 0);
	b = batch(f, "PN-2026-04-01");
	assert_string_equal(b.status, "approved");
	assert_int_equal(b.approved_by, f->bob);
	assert_string_equal(b.approved_by_login, "bob");
	assert_int_equal(b.sepa_version, 9);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'settle.approve' AND actor = 'bob'"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.file"), 2);
	assert_money(f);
}

/*
 * A batch is approved once: a second approver, the first again, an
 * approval of a rejected batch, all refused with nothing written.
 */
static void
test_approve_once(void **state)
{
	struct fixture *f = *state;
	struct store_batch b;
	struct pn_error err;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(approve(f, f->w.s, &b, f->bob, "bob"), 0);
	assert_int_equal(approve(f, f->s2, &b, f->chloe, "chloe"),
	    ERR_BATCH_WRONG_STATE);
	assert_int_equal(approve(f, f->w.s, &b, f->bob, "bob"),
	    ERR_BATCH_WRONG_STATE);
	assert_int_equal(store_batch_hold(f->w.s, b.id, "35600000000001",
	    f->chloe, "à vérifier", f->after, "chloe", NULL, &err),
	    ERR_BATCH_WRONG_STATE);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_file"), 2);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.approve"), 1);
	assert_int_equal(batch(f, b.reference).approved_by, f->bob);

	/* Rejected after approval (before payment): never approved again. */
	assert_int_equal(store_batch_reject(f->w.s, b.id, f->alice, "erreur",
	    f->after + DAY, "alice", &err), 0);
	assert_int_equal(approve(f, f->s2, &b, f->chloe, "chloe"),
	    ERR_BATCH_WRONG_STATE);
	assert_int_equal(store_batch_reject(f->w.s, b.id, f->alice, "encore",
	    f->after + DAY, "alice", &err), ERR_BATCH_WRONG_STATE);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.approve"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.reject"), 1);
	assert_money(f);
}

/*
 * Approval checks the state again at its write: the batch rejected and
 * drafted anew between the snapshot and the write is not approved from
 * the stale snapshot; the new batch is approved on its own.
 */
static void
test_approve_rechecks(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[1];
	struct store_batch b, b2;
	struct pn_error err;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(store_batch_approve_begin(f->w.s, b.id, f->bob,
	    &stamp, &err), 0);
	assert_int_equal(store_batch_reject(f->s2, b.id, f->chloe, "à refaire",
	    f->after, "chloe", &err), 0);
	assert_int_equal(draft(f, f->s2, &f->april, f->chloe, f->after, &b2,
	    NULL), 0);
	/* Neither its files staged nor its write made. */
	memset(fs, 0, sizeof(fs));
	fs[0].kind = "sepa";
	snprintf(fs[0].name, sizeof(fs[0].name), "x.xml");
	fs[0].media_type = "application/xml";
	fs[0].data = (unsigned char *)"<x/>";
	fs[0].len = 4;
	assert_int_equal(store_batch_files_stage(f->w.s, b.id, f->bob, fs, 1,
	    f->after, &err), ERR_BATCH_WRONG_STATE);
	assert_non_null(strstr(err.message, "is rejected"));
	assert_int_equal(write_refused(f->w.s, b.id, f->bob, &stamp, &err),
	    ERR_BATCH_WRONG_STATE);
	assert_non_null(strstr(err.message, "is rejected"));
	store_batch_approve_abort(f->w.s);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_file"), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.approve"), 0);
	/* Its drafter cannot approve the new one; bob can. */
	assert_int_equal(approve(f, f->s2, &b2, f->chloe, "chloe"),
	    ERR_SAME_APPROVER);
	assert_int_equal(approve(f, f->w.s, &b2, f->bob, "bob"), 0);
	assert_string_equal(batch(f, "PN-2026-04-01").status, "rejected");
	assert_string_equal(batch(f, "PN-2026-04-02").status, "approved");
	assert_money(f);
}

/* One small file to stage for batch b, named name. */
static void
one_file(struct store_file_in *fs, const char *name)
{
	memset(fs, 0, sizeof(*fs));
	fs->kind = "sepa";
	snprintf(fs->name, sizeof(fs->name), "%s", name);
	fs->media_type = "application/xml";
	fs->data = (unsigned char *)"<y/>";
	fs->len = 4;
}

static long long
files_of(const struct fixture *f, int64_t batch_id)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM settlement_file"
	    " WHERE batch_id = %lld", (long long)batch_id);
	return count(f, sql);
}

/*
 * Two approvals of one draft (two accountants, or a form sent twice):
 * the second wins and the batch is then rejected while the first still
 * makes its files. The first is refused at its staging and removes what
 * it staged, as settle_approve() does; the files of the batch approved
 * and rejected are kept for the record (docs/settlement.md), as the
 * settle.file rows of the audit log that name them require.
 */
static void
test_refused_approval_keeps_files(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[1];
	struct store_batch b;
	struct pn_error err;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(store_batch_approve_begin(f->w.s, b.id, f->bob,
	    &stamp, &err), 0);
	assert_int_equal(approve(f, f->s2, &b, f->chloe, "chloe"), 0);
	assert_int_equal(store_batch_reject(f->s2, b.id, f->alice,
	    "IBAN à corriger", f->after + DAY, "alice", &err), 0);
	assert_int_equal(files_of(f, b.id), 2);
	one_file(fs, "PN-2026-04-01-pain.001.001.09.xml");
	assert_int_equal(store_batch_files_stage(f->w.s, b.id, f->bob, fs, 1,
	    f->after + DAY, &err), ERR_BATCH_WRONG_STATE);
	store_batch_approve_abort(f->w.s);
	store_batch_files_unstage(f->w.s, b.id);
	assert_int_equal(files_of(f, b.id), 2);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.file"), 2);
	assert_money(f);
}

/*
 * Files staged for a draft that is rejected before its approval's write
 * are no one's: the refused approval removes them.
 */
static void
test_staged_files_of_rejected_draft_removed(void **state)
{
	struct fixture *f = *state;
	struct store_batch_stamp stamp;
	struct store_file_in fs[1];
	struct store_batch b;
	struct pn_error err;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(store_batch_approve_begin(f->w.s, b.id, f->bob,
	    &stamp, &err), 0);
	one_file(fs, "PN-2026-04-01-pain.001.001.09.xml");
	assert_int_equal(store_batch_files_stage(f->w.s, b.id, f->bob, fs, 1,
	    f->after, &err), 0);
	assert_int_equal(files_of(f, b.id), 1);
	assert_int_equal(store_batch_reject(f->s2, b.id, f->alice, "à refaire",
	    f->after, "alice", &err), 0);
	assert_int_equal(write_refused(f->w.s, b.id, f->bob, &stamp, &err),
	    ERR_BATCH_WRONG_STATE);
	store_batch_files_unstage(f->w.s, b.id);
	assert_int_equal(files_of(f, b.id), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.file"), 0);
	assert_money(f);
}

/*
 * Paid: the vouchers of the batch become settled, for exactly what was
 * redeemed; a batch is paid once, only once approved, and never rejected
 * after; nothing is left for a later draft.
 */
static void
test_paid(void **state)
{
	struct fixture *f = *state;
	struct store_money_programme prog;
	struct store_batch b, none;
	struct pn_error err;
	int64_t id;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(store_batch_paid(f->w.s, b.id, f->alice, "VIR1",
	    "2026-05-27", f->after, "alice", &err), ERR_BATCH_WRONG_STATE);
	assert_int_equal(store_batch_paid(f->w.s, 99, f->alice, "VIR1",
	    "2026-05-27", f->after, "alice", &err), ERR_BATCH_NOT_FOUND);
	assert_int_equal(vouchers_in(f, "settled"), 0);
	assert_int_equal(approve(f, f->s2, &b, f->bob, "bob"), 0);
	assert_int_equal(vouchers_in(f, "settled"), 0);
	assert_int_equal(store_batch_paid(f->w.s, b.id, f->alice, "VIR20260527",
	    "2026-05-27", f->after + 6 * DAY, "alice", &err), 0);
	b = batch(f, "PN-2026-04-01");
	assert_string_equal(b.status, "paid");
	assert_string_equal(b.paid_reference, "VIR20260527");
	assert_string_equal(b.paid_on, "2026-05-27");
	assert_int_equal(vouchers_in(f, "settled"), 5);
	assert_int_equal(vouchers_in(f, "redeemed"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'settle.paid' AND detail LIKE '%\"vouchers\":5%'"
	    " AND detail LIKE '%\"cents\":5000%'"), 1);

	/* Settled is what was redeemed, in count and cents. */
	memset(&prog, 0, sizeof(prog));
	assert_int_equal(store_money_programmes(f->w.s, programme_keep, &prog,
	    &err), 0);
	assert_int_equal(prog.count, 10);
	assert_int_equal(prog.n[STORE_MONEY_SETTLED], 5);
	assert_int_equal(prog.c[STORE_MONEY_SETTLED], 5000);
	assert_int_equal(prog.n[STORE_MONEY_REDEEMED], 0);
	assert_int_equal(prog.n[STORE_MONEY_ISSUED], 5);
	assert_int_equal(count(f, "SELECT sum(value) FROM redemption"
	    " WHERE outcome = 'accepted'"), b.total_cents);

	/* Once. */
	assert_int_equal(store_batch_paid(f->s2, b.id, f->bob, "VIR2",
	    "2026-05-28", f->after + 7 * DAY, "bob", &err),
	    ERR_BATCH_WRONG_STATE);
	assert_int_equal(store_batch_reject(f->s2, b.id, f->bob, "trop tard",
	    f->after + 7 * DAY, "bob", &err), ERR_BATCH_WRONG_STATE);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.paid"), 1);
	assert_string_equal(batch(f, "PN-2026-04-01").paid_reference,
	    "VIR20260527");
	/* Nothing is left to settle, nor to dispute. */
	assert_int_equal(draft(f, f->w.s, &f->may, f->alice, f->after + 40 *
	    DAY, &none, NULL), ERR_NOTHING_TO_SETTLE);
	assert_int_equal(store_dispute_open(f->w.s, serial(f, 3), "trop tard",
	    100 * DAY, f->alice, f->after + 7 * DAY, "alice", &id, &err),
	    ERR_REDEMPTION_IN_BATCH);
	assert_money(f);
}

/*
 * A venue owed less than the minimum is carried over: shown, with no
 * items, its redemptions left for a later draft; when every venue is
 * under it, nothing is drafted and nothing written.
 */
static void
test_minimum_carried_over(void **state)
{
	struct fixture *f = *state;
	struct store_batch b, m;
	struct lines ls;

	take_five(f);
	f->rules.minimum_cents = 10000;
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), ERR_NOTHING_TO_SETTLE);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_batch"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM settlement_line"), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.draft"), 0);

	/* Venue 1 is owed exactly the minimum: paid; venue 2 is under it. */
	f->rules.minimum_cents = 3000;
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(b.n_lines, 1);
	assert_int_equal(b.n_carried, 1);
	assert_int_equal(b.n_vouchers, 3);
	assert_int_equal(b.total_cents, 3000);
	ls = lines_of(f, b.id);
	assert_int_equal(ls.n, 2);
	assert_int_equal(ls.l[1].venue_id, 2);	/* carried over: last */
	assert_true(ls.l[1].carried_over);
	assert_int_equal(ls.l[1].vouchers, 2);
	assert_int_equal(store_world_active_items(&f->w, 3), 0);
	assert_int_equal(store_world_active_items(&f->w, 4), 0);
	/* May's draft (no minimum) pays them. */
	f->rules.minimum_cents = 0;
	assert_int_equal(draft(f, f->w.s, &f->may, f->alice, f->after, &m,
	    NULL), 0);
	assert_int_equal(m.n_vouchers, 2);
	assert_int_equal(store_world_active_items(&f->w, 3), 1);
	assert_money(f);
}

/*
 * A line held out of a draft: the batch adds up without it, approval and
 * payment leave its vouchers redeemed, and the next draft takes them.
 */
static void
test_hold(void **state)
{
	struct fixture *f = *state;
	struct store_batch b, m;
	struct pn_error err;
	int64_t line = 0;

	take_five(f);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(store_batch_hold(f->w.s, b.id, "35600000000001",
	    f->alice, "séances à vérifier", f->after, "alice", &line, &err), 0);
	assert_true(line > 0);
	assert_int_equal(store_batch_hold(f->w.s, b.id, "35600000000001",
	    f->bob, "encore", f->after, "bob", NULL, &err), ERR_LINE_NOT_FOUND);
	assert_int_equal(store_batch_hold(f->w.s, b.id, "21440143200015",
	    f->bob, "tout", f->after, "bob", NULL, &err), ERR_LAST_LINE_HELD);
	assert_int_equal(store_batch_hold(f->w.s, b.id, "44234567400018",
	    f->bob, "inconnu", f->after, "bob", NULL, &err),
	    ERR_LINE_NOT_FOUND);
	b = batch(f, "PN-2026-04-01");
	assert_int_equal(b.n_lines, 1);
	assert_int_equal(b.n_held, 1);
	assert_int_equal(b.n_vouchers, 3);
	assert_int_equal(b.total_cents, 3000);
	assert_int_equal(store_world_active_items(&f->w, 3), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "settle.hold"), 1);
	/* Holding is no approval: alice held, bob approves, alice pays. */
	assert_int_equal(approve(f, f->s2, &b, f->bob, "bob"), 0);
	assert_int_equal(store_batch_paid(f->w.s, b.id, f->alice, "VIR3",
	    "2026-05-27", f->after + 6 * DAY, "alice", &err), 0);
	assert_int_equal(vouchers_in(f, "settled"), 3);
	assert_int_equal(vouchers_in(f, "redeemed"), 2);
	assert_int_equal(draft(f, f->w.s, &f->may, f->alice, f->after + 6 * DAY,
	    &m, NULL), 0);
	assert_int_equal(m.n_vouchers, 2);
	assert_int_equal(store_world_active_items(&f->w, 3), 1);
	assert_int_equal(store_world_active_items(&f->w, 4), 1);
	assert_money(f);
}

/*
 * Each item keeps the commission rate it was drafted at: a rate changed
 * after the draft changes nothing in it, and applies to the next draft.
 */
static void
test_commission_frozen(void **state)
{
	struct fixture *f = *state;
	struct store_programme prog;
	struct store_batch b, b2;
	struct pn_error err;

	take_five(f);
	assert_int_equal(store_programme_set_rules(f->w.s,
	    f->w.b.programme_id, 250, NULL, 0, NOW, "test", &prog, &err), 0);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	assert_int_equal(b.total_cents, 5 * (1000 - 25));
	assert_int_equal(store_programme_set_rules(f->w.s,
	    f->w.b.programme_id, 1000, NULL, 0, f->after, "test", &prog, &err),
	    0);
	b = batch(f, "PN-2026-04-01");
	assert_int_equal(b.total_cents, 5 * 975);
	assert_int_equal(approve(f, f->s2, &b, f->bob, "bob"), 0);
	assert_int_equal(batch(f, "PN-2026-04-01").total_cents, 5 * 975);
	assert_int_equal(store_batch_reject(f->w.s, b.id, f->bob, "taux",
	    f->after + DAY, "bob", &err), 0);
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after + DAY,
	    &b2, NULL), 0);
	assert_int_equal(b2.total_cents, 5 * 900);
	assert_money(f);
}

/*
 * A venue's change of bank details, four-eyes: asked by one admin, it
 * changes no payment until a second approves it. April drafted while it
 * waits pays venue 1's old IBAN; the admin who asked cannot approve; once
 * another approves, May's batch pays the new one and April's line stays.
 */
static void
test_bank_change_pending(void **state)
{
	struct fixture *f = *state;
	const char *new_iban = "FR1420041010050500013M02606";
	int64_t may5 = f->may.start + 4 * DAY + 10 * 3600;
	struct store_bank_change c;
	struct store_batch b, m;
	struct store_venue v;
	struct pn_error err;
	struct statement stm;
	struct lines ls;
	sqlite3 *db = NULL;

	take_five(f);
	store_world_session(&f->w, 3, 0x53, 1, may5, 60);
	store_world_take(&f->w, &f->w.t1, 5, 0x53, may5 + 60);
	assert_int_equal(store_venue_bank_pending(f->w.s, 1, &c, &err),
	    STORE_NOT_FOUND);
	/* The same account is no change; another is pending. */
	assert_int_equal(store_venue_bank_request(f->w.s, 1,
	    "FR7630006000011234567890189", "AGRIFRPP", f->chloe, NOW, "chloe",
	    &err), STORE_UNCHANGED);
	assert_int_equal(store_venue_bank_request(f->w.s, 1, new_iban,
	    "BNPAFRPP", f->chloe, NOW, "chloe", &err), 0);
	assert_int_equal(store_venue_bank_request(f->w.s, 1, new_iban,
	    "BNPAFRPP", f->bob, NOW, "bob", &err), STORE_BANK_PENDING);
	assert_int_equal(store_venue_bank_pending(f->w.s, 1, &c, &err), 0);
	assert_string_equal(c.old_iban, "FR7630006000011234567890189");
	assert_string_equal(c.iban, new_iban);
	assert_string_equal(c.requested_login, "chloe");

	/* Drafted while it waits: the old account. */
	assert_int_equal(draft(f, f->w.s, &f->april, f->alice, f->after, &b,
	    NULL), 0);
	ls = lines_of(f, b.id);
	assert_string_equal(ls.l[1].siret, "21440143200015");
	assert_string_equal(ls.l[1].iban, "FR7630006000011234567890189");
	/* April approved and paid on the old account. */
	assert_int_equal(approve(f, f->s2, &b, f->bob, "bob"), 0);
	assert_int_equal(store_batch_paid(f->w.s, b.id, f->alice, "VIR20260527",
	    "2026-05-27", f->after + 6 * DAY, "alice", &err), 0);

	/* Not by who asked, nor a change other than the one read. */
	assert_int_equal(store_venue_bank_approve(f->w.s, 1, c.id, f->chloe,
	    NOW, "chloe", &err), STORE_BANK_OWN);
	assert_int_equal(store_venue_bank_approve(f->w.s, 1, c.id + 1, f->bob,
	    NOW, "bob", &err), STORE_NOT_FOUND);
	assert_int_equal(store_venue_get(f->w.s, 1, &v, &err), 0);
	assert_string_equal(v.iban, "FR7630006000011234567890189");
	/* Even written around the store, one admin cannot approve alone. */
	assert_int_equal(sqlite3_open(f->w.db, &db), SQLITE_OK);
	(void)sqlite3_busy_timeout(db, STORE_WORLD_BUSY_MS);
	assert_int_equal(sqlite3_exec(db, "UPDATE venue_bank_change SET"
	    " approved_by = requested_by, approved_at = 1", NULL, NULL, NULL),
	    SQLITE_CONSTRAINT);
	sqlite3_close(db);
	assert_int_equal(store_venue_bank_approve(f->w.s, 1, c.id, f->bob,
	    NOW, "bob", &err), 0);
	assert_int_equal(store_venue_get(f->w.s, 1, &v, &err), 0);
	assert_string_equal(v.iban, new_iban);
	assert_string_equal(v.bic, "BNPAFRPP");
	assert_int_equal(store_venue_bank_approve(f->w.s, 1, c.id, f->bob,
	    NOW, "bob", &err), STORE_NOT_FOUND);

	/* The next batch pays the new account; April's line is kept. */
	assert_int_equal(draft(f, f->w.s, &f->may, f->alice, f->after, &m,
	    NULL), 0);
	ls = lines_of(f, m.id);
	assert_int_equal(ls.n, 1);
	assert_string_equal(ls.l[0].iban, new_iban);
	/* Its statement says the IBAN changed since the last payment. */
	assert_int_equal(store_batch_statement(f->w.s, ls.l[0].id, &stm, &err),
	    0);
	assert_true(stm.iban_changed);
	store_statement_free(&stm);
	ls = lines_of(f, b.id);
	assert_string_equal(ls.l[1].iban, "FR7630006000011234567890189");
	assert_int_equal(store_batch_statement(f->w.s, ls.l[1].id, &stm, &err),
	    0);
	assert_false(stm.iban_changed);
	store_statement_free(&stm);
	assert_int_equal(store_world_audit_rows(&f->w, "venue.bank.request"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "venue.bank.approve"), 1);
	assert_money(f);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_draft_lines),
		T(test_period_bounds),
		T(test_bank_change_pending),
		T(test_contest_window),
		T(test_late_sync_waits),
		T(test_disputed_left_out),
		T(test_never_twice),
		T(test_conflict_unpaid),
		T(test_four_eyes),
		T(test_approve_once),
		T(test_approve_rechecks),
		T(test_refused_approval_keeps_files),
		T(test_staged_files_of_rejected_draft_removed),
		T(test_paid),
		T(test_minimum_carried_over),
		T(test_hold),
		T(test_commission_frozen),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
