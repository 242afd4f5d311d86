/* test_store_disputes.c -- disputes through the store API: opened in the window, holding a session out, dismissed or upheld.
 *
 * The shell scenario test_settle.sh opens and dismisses a dispute through
 * passnum-admin; these reach store_dispute_open(), _resolve() and _each()
 * themselves, with drafts (store_settle_draft()) to see what a dispute
 * keeps out, on redemptions accepted through store_redeem() from a
 * booklet of real vouchers (store_world.h). At the end of each test that
 * drafts, the money audit's checks must find nothing.
 *
 * Sessions 1 (venue 1) and 2 (venue 2) run on 11 April 2026 from 01:50
 * to 03:50 Paris time; the contest window is 7 days from a session's end
 * (or a record's arrival, when later); April is drafted on 21 May.
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
#define S1_END	(NOW - 600 + 120 * 60)	/* sessions 1 and 2 end */
#define CONTEST	(7 * DAY)
#define OPEN_AT	(NOW + DAY)		/* well inside the window */

struct fixture {
	struct store_world w;
	struct settle_period april, may;
	int64_t after;			/* 21 May: April's windows are past */
	struct store_settle_rules rules;
	int64_t alice, bob;		/* accountants */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_programme prog;
	struct pn_error err;

	assert_non_null(f);
	store_world_open(&f->w, "disputes", NOW, NOW - 600, 120);
	/* Several vouchers of the one booklet in a session. */
	assert_int_equal(store_programme_set_rules(f->w.s, f->w.b.programme_id,
	    -1, NULL, 10, NOW, "test", &prog, &err), 0);
	assert_int_equal(settle_period_parse("2026-04", CONFIG_PERIOD_MONTH,
	    &f->april, &err), ERR_NONE);
	assert_int_equal(settle_period_parse("2026-05", CONFIG_PERIOD_MONTH,
	    &f->may, &err), ERR_NONE);
	f->after = f->may.start + 20 * DAY;
	f->rules.contest_seconds = CONTEST;
	f->alice = store_world_user(&f->w, "alice", ROLE_ACCOUNTANT, NOW);
	f->bob = store_world_user(&f->w, "bob", ROLE_ACCOUNTANT, NOW);
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

static uint64_t
serial(const struct fixture *f, unsigned i)
{
	return f->w.b.vouchers[i].serial;
}

/* Active settlement items of voucher i. */
/*
 * Vouchers 0-1 at venue 1 in session 1, 2-3 at venue 2 in session 2,
 * 4 at venue 1 in session 3 (the next day).
 */
static void
take_five(struct fixture *f)
{
	store_world_take(&f->w, &f->w.t1, 0, 0x51, NOW);
	store_world_take(&f->w, &f->w.t1, 1, 0x51, NOW + 60);
	store_world_take(&f->w, &f->w.t2, 2, 0x52, NOW);
	store_world_take(&f->w, &f->w.t2, 3, 0x52, NOW + 60);
	store_world_session(&f->w, 3, 0x53, 1, NOW + DAY, 60);
	store_world_take(&f->w, &f->w.t1, 4, 0x53, NOW + DAY + 60);
}

/* Open a dispute on voucher i as alice at at, contest window contest. */
static int
open_at(struct fixture *f, unsigned i, int64_t contest, int64_t at,
    int64_t *id)
{
	struct pn_error err;
	int64_t ignored;
	int rc;

	rc = store_dispute_open(f->w.s, serial(f, i), "séance non tenue selon"
	    " le bénéficiaire", contest, f->alice, at, "alice",
	    id != NULL ? id : &ignored, &err);
	if (rc < 0)
		fail_msg("store_dispute_open: %s", err.message);
	return rc;
}

static int
resolve(struct fixture *f, int64_t id, bool uphold, int64_t at)
{
	struct pn_error err;
	int rc;

	rc = store_dispute_resolve(f->w.s, id, uphold, uphold ? "confirmée" :
	    "levée", f->bob, at, "bob", &err);
	if (rc < 0)
		fail_msg("store_dispute_resolve: %s", err.message);
	return rc;
}

/* Draft period p as alice at now. */
static int
draft(struct fixture *f, const struct settle_period *p, int64_t now,
    struct store_batch *b)
{
	return store_world_draft(f->w.s, p->text, p->start, p->end, &f->rules,
	    f->alice, "alice", now, b, NULL);
}

/* The disputes store_dispute_each() lists, in its order. */
struct disputes {
	size_t n;
	struct store_dispute d[8];
};

static int
dispute_add(void *ctx, const struct store_dispute *d)
{
	struct disputes *ds = ctx;

	assert_true(ds->n < 8);
	ds->d[ds->n++] = *d;
	return 0;
}

static struct disputes
disputes(struct fixture *f, bool open_only, unsigned limit)
{
	struct disputes ds;
	struct pn_error err;

	memset(&ds, 0, sizeof(ds));
	assert_int_equal(store_dispute_each(f->w.s, open_only, limit,
	    dispute_add, &ds, &err), 0);
	return ds;
}

/* Opened: listed open with what it is about, and an audit row. */
static void
test_open(void **state)
{
	struct fixture *f = *state;
	struct disputes ds;
	char sql[256];
	int64_t id = 0;

	take_five(f);
	assert_int_equal(open_at(f, 1, CONTEST, OPEN_AT, &id), 0);
	assert_true(id > 0);
	ds = disputes(f, true, 10);
	assert_int_equal(ds.n, 1);
	assert_int_equal(ds.d[0].id, id);
	assert_int_equal(ds.d[0].serial, serial(f, 1));
	assert_int_equal(ds.d[0].value, 1000);
	assert_string_equal(ds.d[0].venue_name, "Médiathèque de Rezé");
	assert_int_equal(ds.d[0].session_starts_at, NOW - 600);
	assert_string_equal(ds.d[0].reason,
	    "séance non tenue selon le bénéficiaire");
	assert_string_equal(ds.d[0].opened_by_login, "alice");
	assert_int_equal(ds.d[0].opened_at, OPEN_AT);
	assert_string_equal(ds.d[0].resolution, "");
	assert_int_equal(ds.d[0].resolved_at, 0);
	/* The accepted redemption of that voucher. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redemption WHERE"
	    " id = %lld AND serial = %llu AND outcome = 'accepted'",
	    (long long)ds.d[0].redemption_id, (unsigned long long)serial(f, 1));
	assert_int_equal(count(f, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE"
	    " action = 'dispute.open' AND actor = 'alice' AND object ="
	    " 'dispute:%lld' AND detail LIKE '%%\"serial\":%llu%%'"
	    " AND detail LIKE '%%non tenue%%'", (long long)id,
	    (unsigned long long)serial(f, 1));
	assert_int_equal(count(f, sql), 1);
	store_world_money_ok(&f->w);
}

/*
 * Refused, with nothing written: a voucher never redeemed, a serial
 * never issued, a second dispute on the same redemption, and from the
 * second the contest window closes (one second before, it opens).
 */
static void
test_open_refusals(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	int64_t id;
	long long audit;

	take_five(f);
	audit = count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(open_at(f, 9, CONTEST, OPEN_AT, NULL),
	    ERR_REDEMPTION_NOT_FOUND);
	assert_int_equal(store_dispute_open(f->w.s, 999999, "inconnu", CONTEST,
	    f->alice, OPEN_AT, "alice", &id, &err), ERR_REDEMPTION_NOT_FOUND);
	assert_int_equal(open_at(f, 0, CONTEST, S1_END + CONTEST, NULL),
	    ERR_CONTEST_WINDOW_PASSED);
	assert_int_equal(count(f, "SELECT count(*) FROM dispute"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit);

	assert_int_equal(open_at(f, 0, CONTEST, S1_END + CONTEST - 1, NULL), 0);
	assert_int_equal(open_at(f, 0, CONTEST, S1_END + CONTEST - 1, NULL),
	    ERR_DISPUTE_ALREADY_OPEN);
	assert_int_equal(count(f, "SELECT count(*) FROM dispute"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit + 1);
	assert_int_equal(store_world_audit_rows(&f->w, "dispute.open"), 1);
}

/*
 * An open dispute holds its redemption's whole session out of the draft
 * (the other voucher of that session too), not the venue's other
 * session nor the other venue.
 */
static void
test_holds_session(void **state)
{
	struct fixture *f = *state;
	struct store_settle_pending pend;
	struct store_batch b;
	struct pn_error err;

	take_five(f);
	assert_int_equal(open_at(f, 1, CONTEST, OPEN_AT, NULL), 0);
	assert_int_equal(store_settle_pending(f->w.s, f->april.end, &f->rules,
	    f->after, &pend, &err), 0);
	assert_int_equal(pend.held, 2);
	assert_int_equal(pend.validated, 3);
	assert_int_equal(draft(f, &f->april, f->after, &b), 0);
	assert_int_equal(b.n_vouchers, 3);
	assert_int_equal(b.n_lines, 2);
	assert_int_equal(store_world_active_items(&f->w, 0), 0);
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	assert_int_equal(store_world_active_items(&f->w, 2), 1);
	assert_int_equal(store_world_active_items(&f->w, 3), 1);
	assert_int_equal(store_world_active_items(&f->w, 4), 1);
	store_world_money_ok(&f->w);
}

/*
 * Two disputes in one session: dismissing one leaves the session held
 * while the other is open.
 */
static void
test_session_held_while_any_open(void **state)
{
	struct fixture *f = *state;
	struct store_batch b;
	int64_t a, c;

	take_five(f);
	assert_int_equal(open_at(f, 0, CONTEST, OPEN_AT, &a), 0);
	assert_int_equal(open_at(f, 1, CONTEST, OPEN_AT, &c), 0);
	assert_int_equal(resolve(f, a, false, OPEN_AT + 60), 0);
	assert_int_equal(draft(f, &f->april, f->after, &b), 0);
	assert_int_equal(b.n_vouchers, 3);
	assert_int_equal(store_world_active_items(&f->w, 0), 0);
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	store_world_money_ok(&f->w);
}

/*
 * Dismissed: closed with its note and who closed it, an audit row, and
 * its session is paid by the next draft. A dispute is closed once.
 */
static void
test_dismissed(void **state)
{
	struct fixture *f = *state;
	struct store_batch b;
	struct disputes ds;
	char sql[256];
	int64_t id;

	take_five(f);
	assert_int_equal(open_at(f, 1, CONTEST, OPEN_AT, &id), 0);
	assert_int_equal(resolve(f, id, false, OPEN_AT + 3600), 0);
	ds = disputes(f, false, 10);
	assert_int_equal(ds.n, 1);
	assert_string_equal(ds.d[0].resolution, "dismissed");
	assert_string_equal(ds.d[0].resolution_note, "levée");
	assert_string_equal(ds.d[0].resolved_by_login, "bob");
	assert_int_equal(ds.d[0].resolved_at, OPEN_AT + 3600);
	assert_int_equal(disputes(f, true, 10).n, 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE"
	    " action = 'dispute.resolve' AND actor = 'bob' AND object ="
	    " 'dispute:%lld' AND detail LIKE '%%\"dismissed\"%%'",
	    (long long)id);
	assert_int_equal(count(f, sql), 1);

	/* Closed once: neither again, nor the other way; no such dispute. */
	assert_int_equal(resolve(f, id, true, OPEN_AT + 7200),
	    ERR_DISPUTE_NOT_FOUND);
	assert_int_equal(resolve(f, id + 1, false, OPEN_AT + 7200),
	    ERR_DISPUTE_NOT_FOUND);
	assert_string_equal(disputes(f, false, 10).d[0].resolution,
	    "dismissed");
	assert_int_equal(store_world_audit_rows(&f->w, "dispute.resolve"), 1);

	assert_int_equal(draft(f, &f->april, f->after, &b), 0);
	assert_int_equal(b.n_vouchers, 5);
	assert_int_equal(store_world_active_items(&f->w, 1), 1);
	store_world_money_ok(&f->w);
}

/*
 * Upheld: that redemption is never paid, by this draft, a draft made
 * again after a rejection, nor a later period's; the rest of its session
 * is paid. Its voucher stays redeemed, and the audit finds all in order.
 */
static void
test_upheld(void **state)
{
	struct fixture *f = *state;
	struct store_settle_pending pend;
	struct store_batch b, b2, m;
	struct pn_error err;
	int64_t id;

	take_five(f);
	assert_int_equal(open_at(f, 1, CONTEST, OPEN_AT, &id), 0);
	assert_int_equal(resolve(f, id, true, OPEN_AT + 3600), 0);
	assert_string_equal(disputes(f, false, 10).d[0].resolution, "upheld");
	/*
	 * Not again: a second dispute would hold the rest of its session out
	 * once more, as often as an insider opened one.
	 */
	assert_int_equal(open_at(f, 1, CONTEST, OPEN_AT + 7200, NULL),
	    ERR_DISPUTE_UPHELD);
	assert_int_equal(store_world_audit_rows(&f->w, "dispute.open"), 1);
	assert_int_equal(store_settle_pending(f->w.s, f->april.end, &f->rules,
	    f->after, &pend, &err), 0);
	assert_int_equal(pend.validated, 4);
	assert_int_equal(pend.validated_cents, 4000);
	assert_int_equal(pend.held, 0);

	assert_int_equal(draft(f, &f->april, f->after, &b), 0);
	assert_int_equal(b.n_vouchers, 4);
	assert_int_equal(b.total_cents, 4000);
	assert_int_equal(store_world_active_items(&f->w, 0), 1);
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	assert_int_equal(store_batch_reject(f->w.s, b.id, f->bob, "à refaire",
	    f->after, "bob", &err), 0);
	assert_int_equal(draft(f, &f->april, f->after + 60, &b2), 0);
	assert_int_equal(b2.n_vouchers, 4);
	assert_int_equal(store_world_active_items(&f->w, 1), 0);
	assert_int_equal(store_world_approve(f->w.s, &b2, f->bob, "bob",
	    f->after + DAY), 0);
	assert_int_equal(store_batch_paid(f->w.s, b2.id, f->alice, "VIR1",
	    "2026-05-27", f->after + 6 * DAY, "alice", &err), 0);
	assert_int_equal(draft(f, &f->may, f->after + 40 * DAY, &m),
	    ERR_NOTHING_TO_SETTLE);
	assert_int_equal(count(f, "SELECT count(*) FROM voucher WHERE"
	    " status = 'settled'"), 4);
	assert_int_equal(count(f, "SELECT count(*) FROM voucher WHERE"
	    " status = 'redeemed'"), 1);
	store_world_money_ok(&f->w);
}

/*
 * A redemption in a batch cannot be disputed, even with a window still
 * open (a longer contest_days set since its draft): not in a draft, not
 * approved, not paid. Reject the batch first: then the window decides.
 */
static void
test_in_batch_refused(void **state)
{
	struct fixture *f = *state;
	struct store_batch b, b2;
	struct pn_error err;
	long long audit;
	int64_t later = f->after + DAY;

	take_five(f);
	assert_int_equal(draft(f, &f->april, f->after, &b), 0);
	assert_int_equal(open_at(f, 0, 100 * DAY, later, NULL),
	    ERR_REDEMPTION_IN_BATCH);
	assert_int_equal(store_world_approve(f->w.s, &b, f->bob, "bob", later),
	    0);
	assert_int_equal(open_at(f, 0, 100 * DAY, later, NULL),
	    ERR_REDEMPTION_IN_BATCH);
	assert_int_equal(store_batch_paid(f->w.s, b.id, f->alice, "VIR1",
	    "2026-05-27", later, "alice", &err), 0);
	audit = count(f, "SELECT count(*) FROM audit_log");
	/* Settled: whatever the window. */
	assert_int_equal(open_at(f, 0, 100 * DAY, later, NULL),
	    ERR_REDEMPTION_IN_BATCH);
	assert_int_equal(open_at(f, 2, CONTEST, later, NULL),
	    ERR_REDEMPTION_IN_BATCH);
	assert_int_equal(count(f, "SELECT count(*) FROM dispute"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit);

	/* Another month, drafted and rejected: the window decides. */
	store_world_session(&f->w, 4, 0x54, 2, f->may.start + DAY, 60);
	store_world_take(&f->w, &f->w.t2, 5, 0x54, f->may.start + DAY + 60);
	store_world_take(&f->w, &f->w.t2, 6, 0x54, f->may.start + DAY + 120);
	assert_int_equal(draft(f, &f->may, f->may.start + 10 * DAY, &b2), 0);
	assert_int_equal(b2.n_vouchers, 2);
	assert_int_equal(store_batch_reject(f->w.s, b2.id, f->bob, "erreur",
	    f->may.start + 10 * DAY, "bob", &err), 0);
	assert_int_equal(open_at(f, 5, CONTEST, f->may.start + 10 * DAY, NULL),
	    ERR_CONTEST_WINDOW_PASSED);
	assert_int_equal(open_at(f, 5, 30 * DAY, f->may.start + 10 * DAY, NULL),
	    0);
	assert_int_equal(draft(f, &f->may, f->may.start + 10 * DAY, &b2),
	    ERR_NOTHING_TO_SETTLE);
	store_world_money_ok(&f->w);
}

/*
 * A voucher taken at two venues: the dispute is on the accepted
 * redemption (venue 1's session held), never on the other venue's
 * conflict, whose session is paid.
 */
static void
test_targets_accepted(void **state)
{
	struct fixture *f = *state;
	struct store_batch b;
	struct disputes ds;
	char sql[256];

	store_world_take(&f->w, &f->w.t1, 0, 0x51, NOW);
	assert_int_equal(store_world_redeem(&f->w, &f->w.t2, 0, 0x52, NOW + 60,
	    0), STORE_REDEEM_CONFLICT);
	store_world_take(&f->w, &f->w.t2, 2, 0x52, NOW + 120);
	assert_int_equal(open_at(f, 0, CONTEST, OPEN_AT, NULL), 0);
	ds = disputes(f, true, 10);
	assert_int_equal(ds.n, 1);
	assert_string_equal(ds.d[0].venue_name, "Médiathèque de Rezé");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redemption WHERE"
	    " id = %lld AND outcome = 'accepted' AND venue_id = 1",
	    (long long)ds.d[0].redemption_id);
	assert_int_equal(count(f, sql), 1);
	assert_int_equal(draft(f, &f->april, f->after, &b), 0);
	assert_int_equal(b.n_lines, 1);
	assert_int_equal(b.n_vouchers, 1);
	assert_int_equal(store_world_active_items(&f->w, 2), 1);
	assert_int_equal(store_world_active_items(&f->w, 0), 0);
	store_world_money_ok(&f->w);
}

/*
 * A record synced late is disputable for a whole window from its
 * arrival, though its session ended long before.
 */
static void
test_late_sync_window(void **state)
{
	struct fixture *f = *state;
	int64_t arrives = S1_END + 20 * DAY;

	assert_int_equal(store_world_redeem(&f->w, &f->w.t1, 0, 0x51, arrives,
	    NOW + 60), STORE_REDEEM_ACCEPTED);
	assert_int_equal(open_at(f, 0, CONTEST, arrives + CONTEST, NULL),
	    ERR_CONTEST_WINDOW_PASSED);
	assert_int_equal(open_at(f, 0, CONTEST, arrives + CONTEST - 1, NULL),
	    0);
}

/*
 * A record of a drafted session synced late, then disputed: the dispute
 * holds its whole session out, so the draft, which pays the rest of that
 * session, is not approved (6022) until the venue's line is held or the
 * dispute resolved; the other venue is paid all the same.
 */
static void
test_disputed_after_draft(void **state)
{
	struct fixture *f = *state;
	struct store_batch b;
	struct pn_error err;
	int64_t id, at = f->after;

	take_five(f);
	assert_int_equal(draft(f, &f->april, at, &b), 0);
	assert_int_equal(b.n_vouchers, 5);
	/* Voucher 5, taken in session 1 on 11 April, arrives on 21 May. */
	assert_int_equal(store_world_redeem(&f->w, &f->w.t1, 5, 0x51, at + 60,
	    NOW + 120), STORE_REDEEM_ACCEPTED);
	assert_int_equal(open_at(f, 5, CONTEST, at + 120, &id), 0);
	assert_int_equal(store_world_approve(f->w.s, &b, f->bob, "bob",
	    at + 180), ERR_BATCH_SESSION_DISPUTED);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM"
	    " settlement_batch WHERE status = 'draft'"), 1);
	assert_int_equal(store_world_int(f->w.db,
	    "SELECT count(*) FROM settlement_file"), 0);
	/* Held, venue 1's line waits; venue 2's is approved. */
	assert_int_equal(store_batch_hold(f->w.s, b.id, "21440143200015",
	    f->bob, "séance contestée", at + 240, "bob", NULL, &err), 0);
	assert_int_equal(store_world_approve(f->w.s, &b, f->bob, "bob",
	    at + 300), 0);
	assert_int_equal(resolve(f, id, false, at + 360), 0);
	store_world_money_ok(&f->w);
}

/* Listed open first, then the latest closed; open only; at most limit. */
static void
test_list(void **state)
{
	struct fixture *f = *state;
	struct disputes ds;
	int64_t a, b, c;

	take_five(f);
	assert_int_equal(open_at(f, 0, CONTEST, OPEN_AT, &a), 0);
	assert_int_equal(open_at(f, 2, CONTEST, OPEN_AT + 1, &b), 0);
	assert_int_equal(open_at(f, 4, CONTEST, OPEN_AT + 2, &c), 0);
	assert_int_equal(resolve(f, b, false, OPEN_AT + 3), 0);
	assert_int_equal(resolve(f, c, true, OPEN_AT + 4), 0);
	/* The oldest, still open, first. */
	ds = disputes(f, false, 10);
	assert_int_equal(ds.n, 3);
	assert_int_equal(ds.d[0].id, a);
	assert_int_equal(ds.d[1].id, c);
	assert_int_equal(ds.d[2].id, b);
	ds = disputes(f, true, 10);
	assert_int_equal(ds.n, 1);
	assert_int_equal(ds.d[0].id, a);
	ds = disputes(f, false, 2);
	assert_int_equal(ds.n, 2);
	assert_int_equal(ds.d[1].id, c);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open),
		T(test_open_refusals),
		T(test_holds_session),
		T(test_session_held_while_any_open),
		T(test_dismissed),
		T(test_upheld),
		T(test_in_batch_refused),
		T(test_targets_accepted),
		T(test_late_sync_window),
		T(test_disputed_after_draft),
		T(test_list),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
