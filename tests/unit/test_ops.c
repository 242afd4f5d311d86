/* test_ops.c -- the runner of operations (server/ops/op.h) and the operations themselves, through their contract.
 *
 * The runner first: a step's writes, made through the store's ordinary
 * functions on the committer's connection, land together or not at all;
 * a refusal undoes them; a store function that queues its own write
 * (store_tx() inside a step) joins the step instead of waiting for
 * itself; the audit rows say where the change came from.
 *
 * Then the operations of caseworkers and terminals, tried as the people
 * they pay or serve might abuse them: a caseworker cancelling another
 * agency's vouchers, an idempotency key replayed with another request, a
 * terminal backdating a session or replaying a request, an enrolment
 * code used twice or guessed. Each refusal must leave nothing written.
 * A venue user's browser terminal: one per user, its key the same each
 * time, for venue users only, refused once revoked or suspended, and a
 * session it declares never backdated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store_world.h"
#include "booklet_issue.h"
#include "op.h"
#include "session_declare.h"
#include "theme_setup.h"
#include "terminal_enrol.h"
#include "voucher_cancel.h"
#include "web_terminal.h"

#define NOW 1775865600		/* 11 April 2026, inside the fixed key's window */

struct fixture {
	struct store_world w;
	struct op_ctx cx;
	struct config cfg;
	struct keyring keys;
	uint8_t ref_secret[32];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pn_master_key *master;
	struct pn_error err;
	unsigned themes, skipped;

	assert_non_null(f);
	store_world_open(&f->w, "ops", NOW, NOW - 3600, 120);
	config_defaults(&f->cfg);
	/* The configuration's themes, recorded as passnumd does at start. */
	assert_int_equal(store_themes_seed(f->w.s, f->cfg.redemption.themes,
	    f->cfg.redemption.n_themes, THEMES_OFFERED_MAX, NOW - 7200,
	    "passnumd", &themes, &skipped, &err), 0);
	assert_int_equal(themes, f->cfg.redemption.n_themes);
	master = fx_master_with(FX_MASTER_SEED);
	assert_int_equal(fx_cert(&f->keys.cert, master, f->w.key, 0, NULL,
	    &err), 0);
	pn_master_key_free(master);
	f->keys.signing = f->w.key;
	memset(f->ref_secret, 7, sizeof(f->ref_secret));
	f->keys.ref_secret = f->ref_secret;
	f->cx.s = f->w.s;
	f->cx.cfg = &f->cfg;
	f->cx.keys = &f->keys;
	f->cx.who = &f->w.who;
	f->cx.now = NOW;
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

/* A step adding the agencies named in arg (NULL-terminated), then refusing if asked. */
struct agencies {
	const char *names[4];
	enum err_code then;
	bool nested_tx;		/* the second through store_tx() */
};

static int
add_one(struct store *tx, void *arg, struct pn_error *err)
{
	int64_t id;

	return store_agency_add(tx, arg, "eds", "Nantes", NOW, "test", &id,
	    err);
}

static enum err_code
add_agencies(struct store *tx, void *arg, struct op_refusal *why)
{
	struct agencies *a = arg;
	struct pn_error err;
	int64_t id;
	int rc;
	size_t i;

	for (i = 0; a->names[i] != NULL; i++) {
		if (a->nested_tx && i == 1)
			rc = store_tx(tx, add_one, (void *)a->names[i], &err);
		else
			rc = store_agency_add(tx, a->names[i], "eds", "Nantes",
			    NOW, "test", &id, &err);
		if (rc != 0)
			return op_failed(why, ERR_INTERNAL, &err);
	}
	if (store_audit_append(tx, NOW, "test", "test.step", "agency", "",
	    &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (a->then != ERR_NONE)
		return op_refuse(why, a->then, "name", "refused after %zu", i);
	return ERR_NONE;
}

static long long
agencies(const struct fixture *f)
{
	return store_world_int(f->w.db, "SELECT count(*) FROM agency");
}

static void
test_step_kept_whole(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", "CCAS Rezé", NULL }, ERR_NONE,
	    false };
	struct op_refusal why;
	struct pn_error err;
	uint64_t rows;
	int64_t bad;

	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(agencies(f), 2);
	assert_int_equal(store_world_audit_rows(&f->w, "agency.add"), 2);
	assert_int_equal(store_audit_verify(f->w.s, &rows, &bad, &err), 0);
}

static void
test_refusal_undoes_everything(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", "CCAS Rezé", NULL },
	    ERR_INVALID_FIELD, false };
	struct op_refusal why;

	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_INVALID_FIELD);
	assert_int_equal(why.code, ERR_INVALID_FIELD);
	assert_string_equal(why.field, "name");
	assert_string_equal(why.detail, "refused after 2");
	assert_int_equal(agencies(f), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "agency.add"), 0);
}

static void
test_store_failure_undoes_the_step(void **state)
{
	struct fixture *f = *state;
	/* The second name is taken by the first: the store refuses it. */
	struct agencies a = { { "CAF Nantes", "CAF Nantes", NULL }, ERR_NONE,
	    false };
	struct op_refusal why;

	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_INTERNAL);
	assert_non_null(strstr(why.detail, "CAF Nantes"));
	assert_int_equal(agencies(f), 0);
	/* And the runner goes on with the next operation. */
	a.names[1] = "CCAS Rezé";
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(agencies(f), 2);
}

static void
test_nested_write_joins_the_step(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", "CCAS Rezé", "Mission locale",
	    NULL }, ERR_NONE, true };
	struct op_refusal why;

	/* Without the join, this would wait for its own committer for ever. */
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(agencies(f), 3);
	a.names[0] = "A";
	a.names[1] = "B";
	a.names[2] = "C";
	a.then = ERR_NOT_CANCELLABLE;
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NOT_CANCELLABLE);
	assert_int_equal(agencies(f), 3);
}

static void
test_audit_says_where_from(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", NULL }, ERR_NONE, false };
	struct op_refusal why;

	store_audit_via(f->w.s, "cli");
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	store_audit_via(f->w.s, NULL);
	a.names[0] = "CCAS Rezé";
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM"
	    " audit_log WHERE action = 'test.step' AND"
	    " detail = '{\"via\":\"cli\"}'"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "test.step"), 2);
}

static long long
count(const struct fixture *f, const char *sql)
{
	return store_world_int(f->w.db, sql);
}

/* A caseworker of agency, logged in as login. */
static struct store_principal
caseworker(struct fixture *f, const char *login, int64_t agency)
{
	struct store_principal p;
	struct pn_error err;

	memset(&p, 0, sizeof(p));
	if (store_user_add(f->w.s, login, login, ROLE_CASEWORKER, agency, 0,
	    "x", NOW, "test", &p.user_id, &err) != 0)
		fail_msg("%s", err.message);
	p.role = ROLE_CASEWORKER;
	p.agency_id = agency;
	snprintf(p.login, sizeof(p.login), "%s", login);
	return p;
}

static int64_t
agency(struct fixture *f, const char *name)
{
	struct pn_error err;
	int64_t id;

	if (store_agency_add(f->w.s, name, "eds", "Nantes", NOW, "test", &id,
	    &err) != 0)
		fail_msg("%s", err.message);
	return id;
}

static struct booklet_issue_in
request(const char *ref)
{
	struct booklet_issue_in in = { 1, ref, "rsa", "26-44", "Rezé", NULL,
	    NULL };

	return in;
}

static void
test_cancel_within_the_agency_only(void **state)
{
	struct fixture *f = *state;
	struct store_principal cw1 = caseworker(f, "cw1", agency(f, "EDS 1"));
	struct store_principal cw2 = caseworker(f, "cw2", agency(f, "EDS 2"));
	struct booklet_issue_in in = request("DOSSIER-1");
	struct booklet_issue_out out;
	struct op_refusal why;
	uint64_t serial;
	unsigned n;

	f->cx.who = &cw1;
	assert_int_equal(booklet_issue(&f->cx, &in, &out, &why), ERR_NONE);
	assert_false(out.replayed);
	serial = out.booklet.vouchers[0].serial;

	/* Another agency's voucher and booklet do not exist for cw2. */
	f->cx.who = &cw2;
	assert_int_equal(voucher_cancel(&f->cx, serial, "perdu", &why),
	    ERR_VOUCHER_NOT_FOUND);
	assert_int_equal(booklet_cancel(&f->cx, (uint64_t)out.booklet.id,
	    "perdu", &n, &why), ERR_BOOKLET_NOT_FOUND);
	assert_int_equal(n, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM voucher WHERE"
	    " status = 'cancelled'"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM deny_event"), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "voucher.cancel"), 0);

	/* Its own, with a reason; once. */
	f->cx.who = &cw1;
	assert_int_equal(voucher_cancel(&f->cx, serial, "  ", &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "reason");
	assert_int_equal(voucher_cancel(&f->cx, serial, "carnet perdu", &why),
	    ERR_NONE);
	assert_int_equal(voucher_cancel(&f->cx, serial, "carnet perdu", &why),
	    ERR_NOT_CANCELLABLE);
	assert_int_equal(store_world_audit_rows(&f->w, "voucher.cancel"), 1);
	assert_int_equal(booklet_cancel(&f->cx, (uint64_t)out.booklet.id,
	    "carnet perdu", &n, &why), ERR_NONE);
	assert_int_equal(n, out.booklet.n - 1);
	assert_int_equal(count(f, "SELECT count(*) FROM deny_event"),
	    out.booklet.n);
	assert_int_equal(store_world_audit_rows(&f->w, "booklet.cancel"), 1);
}

static void
test_issue_refusals_write_nothing(void **state)
{
	struct fixture *f = *state;
	struct booklet_issue_in in = request("DOSSIER-2");
	struct booklet_issue_out out, again;
	struct op_refusal why;
	long long booklets = count(f, "SELECT count(*) FROM booklet");
	const struct keyring *keys = f->cx.keys;

	f->cx.keys = NULL;
	assert_int_equal(booklet_issue(&f->cx, &in, &out, &why),
	    ERR_NO_SIGNING_KEY);
	f->cx.keys = keys;
	in.pathway = "rmi";
	assert_int_equal(booklet_issue(&f->cx, &in, &out, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "pathway");
	assert_int_equal(count(f, "SELECT count(*) FROM booklet"), booklets);

	/* The same key and request: the same booklet, nothing issued twice. */
	in.pathway = "rsa";
	in.idem_key = "clé-1";
	assert_int_equal(booklet_issue(&f->cx, &in, &out, &why),
	    ERR_INVALID_FIELD);		/* not printable ASCII */
	assert_string_equal(why.field, "idempotency_key");
	in.idem_key = "key-1";
	assert_int_equal(booklet_issue(&f->cx, &in, &out, &why), ERR_NONE);
	assert_int_equal(booklet_issue(&f->cx, &in, &again, &why), ERR_NONE);
	assert_true(again.replayed);
	assert_int_equal(again.booklet.id, out.booklet.id);
	assert_int_equal(count(f, "SELECT count(*) FROM booklet"),
	    booklets + 1);
	/* ... with another request: refused, not another booklet. */
	in.commune = "Nantes";
	assert_int_equal(booklet_issue(&f->cx, &in, &again, &why),
	    ERR_IDEMPOTENCY_KEY_REUSED);
	assert_int_equal(count(f, "SELECT count(*) FROM booklet"),
	    booklets + 1);
}

/* A session of terminal 1 declared at NOW, with a nonce of fill. */
static struct session_declare_in
session(const struct fixture *f, struct store_nonce *nonce, uint8_t fill)
{
	struct session_declare_in in;

	memset(&in, 0, sizeof(in));
	memset(nonce, 0, sizeof(*nonce));
	nonce->at = NOW;
	memset(nonce->bytes, fill, sizeof(nonce->bytes));
	in.terminal = &f->w.t1;
	in.nonce = nonce;
	memset(in.uid, 0xa5, sizeof(in.uid));
	in.theme = f->cfg.redemption.themes[0];
	in.starts_at = NOW - 60;
	in.duration_minutes = 90;
	return in;
}

/*
 * The admins' themes: one added is offered at once; one retired is no
 * longer taken for a session starting after its retirement, but still
 * for one that started before (a terminal offline since); the
 * configuration's list recorded again at a restart does not bring it
 * back; offered again, it is taken again.
 */
static void
test_themes_retired_forward(void **state)
{
	struct fixture *f = *state;
	struct session_declare_out out;
	struct store_nonce nonce;
	struct session_declare_in in;
	struct op_refusal why;
	struct pn_error err;
	const char *first = f->cfg.redemption.themes[0];
	long long rows;
	unsigned added, skipped;
	int64_t id, first_id;
	bool changed;

	f->cx.who = NULL;
	f->cx.actor = "admin-cli";
	f->w.t1.seen_at = NOW - 60;
	f->w.t1.contact_since = NOW - 600;
	f->w.t1.seen_before = NOW - 120;
	rows = count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(theme_add(&f->cx, "", &id, &why), ERR_INVALID_FIELD);
	assert_int_equal(theme_add(&f->cx, "a\nb", &id, &why),
	    ERR_INVALID_FIELD);
	assert_int_equal(theme_add(&f->cx, first, &id, &why),
	    ERR_ALREADY_RECORDED);
	assert_int_equal(theme_set_retired(&f->cx, 999, true, &changed, &why),
	    ERR_THEME_NOT_FOUND);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), rows);
	assert_int_equal(theme_add(&f->cx, "sécurité en ligne", &id, &why),
	    ERR_NONE);
	in = session(f, &nonce, 21);
	in.theme = "sécurité en ligne";
	assert_int_equal(session_declare(&f->cx, &in, &out, &why), ERR_NONE);

	/* The configuration's first, recorded first. */
	first_id = count(f, "SELECT min(id) FROM theme");
	assert_int_equal(theme_set_retired(&f->cx, first_id, true, &changed,
	    &why), ERR_NONE);
	assert_true(changed);
	assert_int_equal(theme_set_retired(&f->cx, first_id, true, &changed,
	    &why), ERR_NONE);
	assert_false(changed);
	/* Started a minute before its retirement: taken. */
	in = session(f, &nonce, 22);
	in.uid[0] = 22;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why), ERR_NONE);
	/* Starting after it: refused, nothing written. */
	in = session(f, &nonce, 23);
	in.uid[0] = 23;
	in.starts_at = NOW + 600;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_UNKNOWN_THEME);
	assert_int_equal(store_themes_seed(f->w.s, f->cfg.redemption.themes,
	    f->cfg.redemption.n_themes, THEMES_OFFERED_MAX, NOW, "passnumd",
	    &added, &skipped, &err), 0);
	assert_int_equal(added, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM theme WHERE"
	    " retired_at IS NOT NULL"), 1);
	assert_int_equal(theme_set_retired(&f->cx, first_id, false, &changed,
	    &why), ERR_NONE);
	assert_true(changed);
	in = session(f, &nonce, 24);
	in.uid[0] = 24;
	in.starts_at = NOW + 600;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why), ERR_NONE);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action"
	    " IN ('theme.add', 'theme.retire', 'theme.restore') AND actor ="
	    " 'admin-cli'"), 3);
}

/*
 * At most 16 themes offered, the configuration's limit, under the 32 a
 * terminal accepts: the seventeenth, added or offered again, is refused
 * with nothing written, and the configuration's list at a start adds no
 * more than room allows.
 */
static void
test_themes_at_most_sixteen(void **state)
{
	struct fixture *f = *state;
	const char names[2][128] = { "atelier photo", "jeux vidéo" };
	struct op_refusal why;
	struct pn_error err;
	char name[32];
	long long rows;
	unsigned i, added, skipped;
	int64_t id, first_id;
	bool changed;

	f->cx.who = NULL;
	f->cx.actor = "admin-cli";
	assert_int_equal(theme_add(&f->cx, "bureautique; tableur", &id, &why),
	    ERR_INVALID_FIELD);
	for (i = f->cfg.redemption.n_themes; i < THEMES_OFFERED_MAX; i++) {
		(void)snprintf(name, sizeof(name), "thème %u", i);
		assert_int_equal(theme_add(&f->cx, name, &id, &why), ERR_NONE);
	}
	rows = count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(theme_add(&f->cx, "un de trop", &id, &why),
	    ERR_THEMES_FULL);
	assert_int_equal(count(f, "SELECT count(*) FROM theme"),
	    THEMES_OFFERED_MAX);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), rows);
	/* At a start, the configuration's new names wait for room. */
	assert_int_equal(store_themes_seed(f->w.s, names, 2,
	    THEMES_OFFERED_MAX, NOW, "passnumd", &added, &skipped, &err), 0);
	assert_int_equal(added, 0);
	assert_int_equal(skipped, 2);
	first_id = count(f, "SELECT min(id) FROM theme");
	assert_int_equal(theme_set_retired(&f->cx, first_id, true, &changed,
	    &why), ERR_NONE);
	assert_int_equal(theme_add(&f->cx, "un de trop", &id, &why), ERR_NONE);
	rows = count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(theme_set_retired(&f->cx, first_id, false, &changed,
	    &why), ERR_THEMES_FULL);
	assert_int_equal(count(f, "SELECT count(*) FROM theme WHERE"
	    " retired_at IS NULL"), THEMES_OFFERED_MAX);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), rows);
}

static void
test_session_rules_and_replays(void **state)
{
	struct fixture *f = *state;
	struct session_declare_out out;
	struct store_nonce nonce;
	struct session_declare_in in = session(f, &nonce, 1);
	struct op_refusal why;
	long long sessions = count(f, "SELECT count(*) FROM training_session");

	f->cx.who = NULL;	/* a terminal's route: the terminal is in in */
	/* In contact for ten minutes, its previous request two minutes ago. */
	f->w.t1.seen_at = NOW - 60;
	f->w.t1.contact_since = NOW - 600;
	f->w.t1.seen_before = NOW - 120;
	in.theme = "cours de poterie";
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_UNKNOWN_THEME);
	in = session(f, &nonce, 1);
	in.duration_minutes = SESSION_DURATION_MAX + 1;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "duration_minutes");
	/* A venue paid per voucher would like yesterday's sessions. */
	in = session(f, &nonce, 1);
	in.starts_at = NOW - DAY;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_SESSION_BACKDATED);
	assert_int_equal(count(f, "SELECT count(*) FROM training_session"),
	    sessions);
	assert_int_equal(store_world_audit_rows(&f->w, "session.declare"), 0);

	in = session(f, &nonce, 1);
	assert_int_equal(session_declare(&f->cx, &in, &out, &why), ERR_NONE);
	assert_true(out.created);
	assert_int_equal(out.session.venue_id, 1);
	/* The same request again is a replay; the same session, not. */
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_REPLAYED_NONCE);
	in = session(f, &nonce, 2);
	assert_int_equal(session_declare(&f->cx, &in, &out, &why), ERR_NONE);
	assert_false(out.created);
	in = session(f, &nonce, 3);
	in.duration_minutes = 240;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_SESSION_MISMATCH);
	/* Refused, but its nonce counts: the same request is a replay. */
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_REPLAYED_NONCE);
	assert_int_equal(count(f, "SELECT count(*) FROM training_session"),
	    sessions + 1);
	assert_int_equal(store_world_audit_rows(&f->w, "session.declare"), 1);
}

static void
test_enrolment_code_once(void **state)
{
	struct fixture *f = *state;
	struct terminal_code_out code;
	struct terminal_enrol_in in;
	struct store_terminal t;
	struct op_refusal why;
	char wrong[PN_ERROR_MESSAGE_MAX];

	f->cx.who = NULL;
	f->cx.actor = "admin-cli";
	assert_int_equal(terminal_code_issue(&f->cx, "12345678200010", &code,
	    &why), ERR_VENUE_NOT_FOUND);
	assert_int_equal(terminal_code_issue(&f->cx, "21440143200015", &code,
	    &why), ERR_NONE);
	assert_string_equal(code.venue_name, "Médiathèque de Rezé");
	assert_int_equal(code.expires_at, NOW + STORE_ENROL_CODE_TTL);

	memset(&in, 0, sizeof(in));
	memset(in.public_key, 0x33, sizeof(in.public_key));
	in.label = "Accueil\n";
	in.code = code.code;
	assert_int_equal(terminal_enrol(&f->cx, &in, &t, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "label");
	/* A guess gets the answer a used code gets: nothing to learn. */
	in.label = "Accueil 2";
	in.code = "AAAA-AAAA-AAAA";
	assert_int_equal(terminal_enrol(&f->cx, &in, &t, &why),
	    ERR_ENROL_CODE);
	snprintf(wrong, sizeof(wrong), "%s", why.detail);
	in.code = code.code;
	assert_int_equal(terminal_enrol(&f->cx, &in, &t, &why), ERR_NONE);
	assert_int_equal(t.venue_id, 1);
	memset(in.public_key, 0x44, sizeof(in.public_key));
	assert_int_equal(terminal_enrol(&f->cx, &in, &t, &why),
	    ERR_ENROL_CODE);
	assert_string_equal(why.detail, wrong);
	assert_int_equal(count(f, "SELECT count(*) FROM terminal"), 3);
	assert_int_equal(store_world_audit_rows(&f->w, "terminal.enrol"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'terminal.code' AND actor = 'admin-cli'"), 1);
}

/* A venue user of venue 1, written as passnum-admin user add would. */
static struct store_principal
venue_user(struct fixture *f, int64_t id, const char *login)
{
	struct store_principal who;
	char sql[256];

	(void)snprintf(sql, sizeof(sql), "INSERT INTO user (id, login,"
	    " display_name, role, password_hash, created_at, venue_id) VALUES"
	    " (%lld, '%s', '%s', 'venue', 'x', 0, 1)", (long long)id, login,
	    login);
	store_world_exec(f->w.db, sql);
	memset(&who, 0, sizeof(who));
	who.user_id = id;
	who.role = ROLE_VENUE;
	who.venue_id = 1;
	(void)snprintf(who.login, sizeof(who.login), "%s", login);
	return who;
}

static void
test_web_terminal(void **state)
{
	struct fixture *f = *state;
	struct store_principal v1 = venue_user(f, 50, "claire");
	struct store_principal v2 = venue_user(f, 51, "sam");
	struct web_terminal wt, again, other;
	struct session_declare_out out;
	struct session_declare_in in;
	struct store_nonce nonce;
	struct pn_redemption rec;
	struct op_refusal why;
	uint8_t uid[PN_SESSION_ID_SIZE] = { 1 };
	long long terminals = count(f, "SELECT count(*) FROM terminal");

	/* Only a venue user acts through a browser terminal. */
	assert_int_equal(web_terminal_of(&f->cx, &wt, &why),
	    ERR_VENUE_USER_ONLY);
	f->cx.who = &v1;
	f->cx.keys = NULL;
	assert_int_equal(web_terminal_of(&f->cx, &wt, &why),
	    ERR_WEB_TERMINAL_UNAVAILABLE);
	assert_int_equal(count(f, "SELECT count(*) FROM terminal"), terminals);
	f->cx.keys = &f->keys;
	assert_int_equal(web_terminal_of(&f->cx, &wt, &why), ERR_NONE);
	assert_int_equal(wt.t.venue_id, 1);
	assert_string_equal(wt.t.label, "Navigateur de claire");
	/* The same terminal and key each time: one row, one audit row. */
	assert_int_equal(web_terminal_of(&f->cx, &again, &why), ERR_NONE);
	assert_int_equal(again.t.id, wt.t.id);
	assert_memory_equal(again.sk, wt.sk, sizeof(wt.sk));
	assert_int_equal(count(f, "SELECT count(*) FROM terminal"),
	    terminals + 1);
	assert_int_equal(store_world_audit_rows(&f->w, "terminal.web"), 1);
	/* Another user, another terminal and key. */
	f->cx.who = &v2;
	assert_int_equal(web_terminal_of(&f->cx, &other, &why), ERR_NONE);
	assert_true(other.t.id != wt.t.id);
	assert_memory_not_equal(other.sk, wt.sk, sizeof(wt.sk));

	/* Its records verify under the public key stored for it. */
	assert_int_equal(web_terminal_record(&f->cx, &wt, uid,
	    "PNK1:13:K7QM4XRT", &rec), 0);
	assert_int_equal((int64_t)rec.terminal, wt.t.id);
	assert_true(pn_redemption_verify(&rec, wt.t.public_key));
	assert_false(pn_redemption_verify(&rec, other.t.public_key));

	/* A browser is online: no session before session_tolerance. */
	f->cx.who = &v1;
	memset(&in, 0, sizeof(in));
	memset(&nonce, 9, sizeof(nonce));
	nonce.at = NOW;
	memset(in.uid, 0x5a, sizeof(in.uid));
	in.terminal = &wt.t;
	in.nonce = &nonce;
	in.theme = f->cfg.redemption.themes[0];
	in.duration_minutes = 60;
	in.browser = true;
	in.starts_at = NOW - (int64_t)f->cfg.redemption.session_tolerance - 60;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why),
	    ERR_SESSION_BACKDATED);
	in.starts_at = NOW - 60;
	assert_int_equal(session_declare(&f->cx, &in, &out, &why), ERR_NONE);

	/* Revoked, or recorded under another secret: refused. */
	store_world_exec(f->w.db, "UPDATE terminal SET revoked_at = 1,"
	    " revoke_reason = 'perdu' WHERE web_user_id = 50");
	assert_int_equal(web_terminal_of(&f->cx, &wt, &why),
	    ERR_TERMINAL_REVOKED);
	assert_string_equal(why.detail, "perdu");
	f->cx.who = &v2;
	f->ref_secret[0] ^= 1;
	assert_int_equal(web_terminal_of(&f->cx, &other, &why),
	    ERR_WEB_TERMINAL_UNAVAILABLE);
	web_terminal_forget(&wt);
	web_terminal_forget(&again);
	web_terminal_forget(&other);
}

/*
 * Who may give a venue's code or revoke its terminal, decided in the
 * operations themselves: a venue user only their own venue's (another's
 * is "not found" and writes nothing), an admin any, a caseworker none;
 * a suspended venue gets no code.
 */
static void
test_terminal_ops_venue_scope(void **state)
{
	struct fixture *f = *state;
	struct store_principal v1 = { .user_id = 90, .role = ROLE_VENUE,
	    .venue_id = 1, .login = "v1" };
	struct store_principal adm = { .user_id = 91, .role = ROLE_ADMIN,
	    .login = "adm" };
	struct terminal_code_out code;
	struct op_refusal why;
	long long audit = count(f, "SELECT count(*) FROM audit_log");

	/* Another venue's SIRET, a caseworker, a revoke of t2: nothing. */
	f->cx.who = &v1;
	assert_int_equal(terminal_code_issue(&f->cx, "35600000000001", &code,
	    &why), ERR_VENUE_NOT_FOUND);
	assert_int_equal(terminal_revoke(&f->cx, f->w.t2.id, "volé", &why),
	    ERR_TERMINAL_NOT_FOUND);
	assert_int_equal(terminal_revoke(&f->cx, 9999, "volé", &why),
	    ERR_TERMINAL_NOT_FOUND);
	f->cx.who = &f->w.who;
	assert_int_equal(terminal_code_issue(&f->cx, "21440143200015", &code,
	    &why), ERR_FORBIDDEN);
	assert_int_equal(terminal_revoke(&f->cx, f->w.t1.id, "volé", &why),
	    ERR_FORBIDDEN);
	f->cx.who = &v1;
	assert_int_equal(terminal_revoke(&f->cx, f->w.t1.id, "  ", &why),
	    ERR_INVALID_FIELD);
	assert_int_equal(terminal_revoke(&f->cx, f->w.t1.id, "a\nb", &why),
	    ERR_INVALID_FIELD);
	assert_int_equal(count(f, "SELECT count(*) FROM enrol_code"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM terminal WHERE"
	    " revoked_at IS NOT NULL"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit);

	/* Its own venue: a code, then its terminal revoked, once. */
	assert_int_equal(terminal_code_issue(&f->cx, "21440143200015", &code,
	    &why), ERR_NONE);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'terminal.code' AND actor = 'v1'"), 1);
	assert_int_equal(terminal_revoke(&f->cx, f->w.t1.id, "ordinateur "
	    "volé", &why), ERR_NONE);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'terminal.revoke' AND actor = 'v1' AND object ="
	    " 'terminal:1' AND detail = 'ordinateur volé'"), 1);
	assert_int_equal(terminal_revoke(&f->cx, f->w.t1.id, "encore", &why),
	    ERR_TERMINAL_ALREADY_REVOKED);
	assert_int_equal(count(f, "SELECT count(*) FROM terminal WHERE"
	    " id = 2 AND revoked_at IS NULL"), 1);

	/* An admin acts on any venue's; a suspended venue gets no code. */
	f->cx.who = &adm;
	assert_int_equal(terminal_revoke(&f->cx, f->w.t2.id, "perdu", &why),
	    ERR_NONE);
	store_world_exec(f->w.db, "UPDATE venue SET status = 'suspended'"
	    " WHERE id = 1");
	assert_int_equal(terminal_code_issue(&f->cx, "21440143200015", &code,
	    &why), ERR_VENUE_SUSPENDED_NO_ENROL);
	f->cx.who = &v1;
	assert_int_equal(terminal_code_issue(&f->cx, "21440143200015", &code,
	    &why), ERR_VENUE_SUSPENDED_NO_ENROL);
	assert_int_equal(count(f, "SELECT count(*) FROM enrol_code"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_themes_retired_forward,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_themes_at_most_sixteen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_kept_whole, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusal_undoes_everything,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_failure_undoes_the_step, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_nested_write_joins_the_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_says_where_from,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cancel_within_the_agency_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_issue_refusals_write_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_session_rules_and_replays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_web_terminal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrolment_code_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_ops_venue_scope,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
