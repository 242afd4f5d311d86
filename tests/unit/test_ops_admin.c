/* test_ops_admin.c -- the operations of passnum-admin (venues, accounts, programmes, expiry, alarms), through their contract.
 *
 * As an adversary would: what is refused names its field and writes
 * nothing, not even an audit row; what is done writes exactly one audit
 * row of its action; a disabled account keeps no live token.
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
#include "account.h"
#include "alarm_ack.h"
#include "op.h"
#include "programme_setup.h"
#include "venue_register.h"
#include "voucher_expire.h"

#define NOW 1775865600		/* 11 April 2026, inside the fixed key's window */

struct fixture {
	struct store_world w;
	struct config cfg;
	struct op_ctx cx;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	store_world_open(&f->w, "ops-admin", NOW, NOW - 3600, 120);
	f->cfg.redemption.offline_grace = 7 * 86400;
	f->cx.s = f->w.s;
	f->cx.cfg = &f->cfg;
	f->cx.now = NOW;
	f->cx.actor = "admin-cli";	/* passnum-admin without --as */
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

static long long
audit_all(const struct fixture *f)
{
	return count(f, "SELECT count(*) FROM audit_log");
}

/* A venue as an operator would type it, good in every field. */
static struct venue_add_in
good_venue(void)
{
	struct venue_add_in in = {
		.name = "Médiathèque Diderot",
		.siret = "732 829 320 00074",
		.address = "1 rue de la République",
		.commune = "Rezé",
		.iban = "fr76 3000 6000 0112 3456 7890 189",
		.bic = "agri fr pp",
		.contact = "Claire Moreau, 02 40 00 00 00",
		.accredited_from = NOW,
	};

	return in;
}

static void
test_venue_add_canonical_one_row(void **state)
{
	struct fixture *f = *state;
	struct venue_add_in in = good_venue();
	struct store_venue v;
	struct op_refusal why;
	long long rows = audit_all(f);

	assert_int_equal(venue_add(&f->cx, &in, &v, &why), ERR_NONE);
	assert_string_equal(v.siret, "73282932000074");
	assert_string_equal(v.iban, "FR7630006000011234567890189");
	assert_string_equal(v.bic, "AGRIFRPP");
	assert_true(v.id > 0);
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'venue.add' AND actor = 'admin-cli' AND detail LIKE"
	    " '%IBAN FR7630006000011234567890189%'"), 1);
	/* The same SIRET again: taken, and nothing more written. */
	in.name = "Autre nom";
	assert_int_equal(venue_add(&f->cx, &in, &v, &why),
	    ERR_ALREADY_RECORDED);
	assert_non_null(strstr(why.detail, "already exists"));
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM venue"), 3);
}

/* Each bad identifier is refused with its field named, and writes nothing. */
static void
test_venue_add_bad_identifiers(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *siret, *iban, *bic, *field;
	} bad[] = {
		/* One digit of the SIRET wrong: the Luhn check fails. */
		{ "73282932000075", "FR7630006000011234567890189", "AGRIFRPP",
		  "siret" },
		{ "7328293200007", "FR7630006000011234567890189", "AGRIFRPP",
		  "siret" },
		/* One digit of the IBAN wrong, two swapped: mod 97 fails. */
		{ "73282932000074", "FR7630006000011234567890188", "AGRIFRPP",
		  "iban" },
		{ "73282932000074", "FR7630006000011234567809189", "AGRIFRPP",
		  "iban" },
		/* The check digits themselves altered. */
		{ "73282932000074", "FR7730006000011234567890189", "AGRIFRPP",
		  "iban" },
		{ "73282932000074", "FR7630006000011234567890189", "AGRI",
		  "bic" },
	};
	struct venue_add_in in;
	struct store_venue v;
	struct op_refusal why;
	long long rows = audit_all(f);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in = good_venue();
		in.siret = bad[i].siret;
		in.iban = bad[i].iban;
		in.bic = bad[i].bic;
		assert_int_equal(venue_add(&f->cx, &in, &v, &why),
		    ERR_INVALID_FIELD);
		assert_int_equal(why.code, ERR_INVALID_FIELD);
		assert_string_equal(why.field, bad[i].field);
	}
	/* An accreditation that ends before it starts; a name of control. */
	in = good_venue();
	in.accredited_until = NOW - 86400;
	assert_int_equal(venue_add(&f->cx, &in, &v, &why), ERR_INVALID_FIELD);
	assert_string_equal(why.field, "accredited_until");
	in = good_venue();
	in.name = "Diderot\n2026-04-11 venue.add forged";
	assert_int_equal(venue_add(&f->cx, &in, &v, &why), ERR_INVALID_FIELD);
	assert_string_equal(why.field, "name");
	assert_string_equal(why.detail, "name: no control characters");
	assert_int_equal(count(f, "SELECT count(*) FROM venue"), 2);
	assert_int_equal(audit_all(f), rows);
}

static void
test_venue_status_twice_refused(void **state)
{
	struct fixture *f = *state;
	struct venue_status_in in = { "214 401 432 00015", true,
	    "convention non renouvelée" };
	struct op_refusal why;
	long long rows = audit_all(f);

	assert_int_equal(venue_set_status(&f->cx, &in, &why), ERR_NONE);
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(store_world_audit_rows(&f->w, "venue.suspend"), 1);
	/* Suspended again, with another reason: refused, the first kept. */
	in.reason = "autre motif";
	assert_int_equal(venue_set_status(&f->cx, &in, &why),
	    ERR_VENUE_STATUS_UNCHANGED);
	assert_string_equal(why.detail, "venue 21440143200015 is already "
	    "suspended");
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM venue WHERE id = 1 AND"
	    " status = 'suspended' AND status_reason = 'convention non"
	    " renouvelée'"), 1);
	/* A suspension needs its reason; an unknown SIRET is named. */
	in.reason = NULL;
	in.siret = "35600000000001";
	assert_int_equal(venue_set_status(&f->cx, &in, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "reason");
	in.reason = "x";
	in.siret = "73282932000074";
	assert_int_equal(venue_set_status(&f->cx, &in, &why),
	    ERR_VENUE_NOT_FOUND);
	in.siret = "21440143200016";
	assert_int_equal(venue_set_status(&f->cx, &in, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "siret");
	assert_int_equal(audit_all(f), rows + 1);
	/* Resumed once, then refused. */
	in.siret = "21440143200015";
	in.suspend = false;
	assert_int_equal(venue_set_status(&f->cx, &in, &why), ERR_NONE);
	assert_int_equal(venue_set_status(&f->cx, &in, &why),
	    ERR_VENUE_STATUS_UNCHANGED);
	assert_int_equal(store_world_audit_rows(&f->w, "venue.resume"), 1);
	assert_int_equal(audit_all(f), rows + 2);
}

/* A user with two live tokens and a browser session. */
static void
user_with_tokens(struct fixture *f, const char *login)
{
	const struct agency_add_in agency = { "EDS Nord", "eds", "Nantes" };
	struct user_add_in in = { login, "Dominique", ROLE_CASEWORKER, 0,
	    NULL, "un mot de passe assez long" };
	struct token_add_in t = { login, "api", 30 };
	struct user_add_out out;
	struct token_add_out tok;
	struct op_refusal why;
	char sql[256];

	/* An agency that is not there fails the schema: the field is named. */
	in.agency_id = 7;
	assert_int_equal(user_add(&f->cx, &in, &out, &why), ERR_INVALID_FIELD);
	assert_string_equal(why.field, "agency_id");
	assert_int_equal(agency_add(&f->cx, &agency, &in.agency_id, &why),
	    ERR_NONE);
	assert_int_equal(user_add(&f->cx, &in, &out, &why), ERR_NONE);
	assert_int_equal(token_add(&f->cx, &t, &tok, &why), ERR_NONE);
	assert_int_equal(tok.expires_at, NOW + 30 * 86400);
	assert_int_equal(strncmp(tok.token, "pn_", 3), 0);
	assert_int_equal(token_add(&f->cx, &t, &tok, &why), ERR_NONE);
	snprintf(sql, sizeof(sql), "INSERT INTO web_session (token_hash,"
	    " csrf_token, user_id, created_at, last_seen, address) SELECT"
	    " randomblob(32), 'x', id, 0, 0, '127.0.0.1' FROM user WHERE"
	    " login = '%s'", login);
	store_world_exec(f->w.db, sql);
}

static void
test_disabled_user_tokens_revoked(void **state)
{
	struct fixture *f = *state;
	struct account_change_out out;
	struct op_refusal why;
	long long rows;

	user_with_tokens(f, "dominique");
	assert_int_equal(count(f, "SELECT count(*) FROM api_token t JOIN user"
	    " u ON u.id = t.user_id WHERE u.login = 'dominique' AND"
	    " t.revoked = 0"), 2);
	rows = audit_all(f);
	assert_int_equal(user_set_disabled(&f->cx, "dominique", true, &out,
	    &why), ERR_NONE);
	assert_true(out.changed);
	assert_int_equal(out.tokens, 2);
	assert_int_equal(out.sessions, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM api_token t JOIN user"
	    " u ON u.id = t.user_id WHERE u.login = 'dominique' AND"
	    " t.revoked = 0"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM web_session"), 0);
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(store_world_audit_rows(&f->w, "user.disable"), 1);
	/* Disabled again: nothing to do, nothing written. */
	assert_int_equal(user_set_disabled(&f->cx, "dominique", true, &out,
	    &why), ERR_NONE);
	assert_false(out.changed);
	assert_int_equal(audit_all(f), rows + 1);
	/* Enabled again: the tokens stay revoked. */
	assert_int_equal(user_set_disabled(&f->cx, "dominique", false, &out,
	    &why), ERR_NONE);
	assert_true(out.changed);
	assert_int_equal(count(f, "SELECT count(*) FROM api_token WHERE"
	    " revoked = 0"), 0);
	assert_int_equal(audit_all(f), rows + 2);
}

static void
test_password_hashed_here(void **state)
{
	struct fixture *f = *state;
	struct account_change_out out;
	struct op_refusal why;
	long long rows;

	user_with_tokens(f, "dominique");
	rows = audit_all(f);
	/* 12 bytes, 6 characters: too short, and nothing written. */
	assert_int_equal(user_set_password(&f->cx, "dominique", "éééééé",
	    &out, &why), ERR_INVALID_FIELD);
	assert_string_equal(why.field, "password");
	assert_null(strstr(why.detail, "éé"));
	assert_int_equal(audit_all(f), rows);
	assert_int_equal(user_set_password(&f->cx, "nobody", "un mot de passe "
	    "assez long", &out, &why), ERR_USER_NOT_FOUND);
	assert_int_equal(audit_all(f), rows);
	assert_int_equal(user_set_password(&f->cx, "dominique", "un autre mot "
	    "de passe", &out, &why), ERR_NONE);
	assert_int_equal(out.tokens, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM user WHERE login ="
	    " 'dominique' AND password_hash LIKE '$argon2id$%'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM user WHERE"
	    " password_hash LIKE '%autre%'"), 0);
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(store_world_audit_rows(&f->w, "user.passwd"), 1);
}

/* Refusals of every kind, each writing no audit row. */
static void
test_refusals_write_nothing(void **state)
{
	struct fixture *f = *state;
	const struct agency_add_in agency = { "EDS Nord", "eds", "Nantes" };
	struct user_add_in user = { "v2", "V", ROLE_VENUE, 0,
	    "73282932000074", "un mot de passe assez long" };
	const struct token_add_in token = { "nobody", "api", 30 };
	struct programme_rules_in rules = { 99, 250, NULL, 0 };
	struct user_add_out uout;
	struct token_add_out tout;
	struct store_programme p;
	struct op_refusal why;
	long long rows;
	bool revoked;
	int64_t id;

	assert_int_equal(agency_add(&f->cx, &agency, &id, &why), ERR_NONE);
	rows = audit_all(f);
	assert_int_equal(agency_add(&f->cx, &agency, &id, &why),
	    ERR_ALREADY_RECORDED);
	/* A venue user of a venue not recorded. */
	assert_int_equal(user_add(&f->cx, &user, &uout, &why),
	    ERR_VENUE_NOT_FOUND);
	assert_string_equal(why.field, "venue_siret");
	/* A caseworker of no agency; an admin given a venue. */
	user.role = ROLE_CASEWORKER;
	user.venue_siret = NULL;
	assert_int_equal(user_add(&f->cx, &user, &uout, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "agency_id");
	user.role = ROLE_ADMIN;
	user.venue_siret = "21440143200015";
	assert_int_equal(user_add(&f->cx, &user, &uout, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "venue_siret");
	/* The login taken already (the world's caseworker). */
	user.login = "cw";
	user.venue_siret = NULL;
	assert_int_equal(user_add(&f->cx, &user, &uout, &why),
	    ERR_ALREADY_RECORDED);
	assert_int_equal(token_add(&f->cx, &token, &tout, &why),
	    ERR_USER_NOT_FOUND);
	assert_int_equal(tout.token[0], '\0');
	assert_int_equal(token_revoke(&f->cx, 999, &revoked, &why),
	    ERR_TOKEN_NOT_FOUND);
	assert_int_equal(programme_set_rules(&f->cx, &rules, &p, &why),
	    ERR_UNKNOWN_PROGRAMME);
	rules.id = 1;
	rules.budget_line = "6574;x";
	assert_int_equal(programme_set_rules(&f->cx, &rules, &p, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "budget_line");
	assert_int_equal(user_set_disabled(&f->cx, "nobody", true,
	    &(struct account_change_out){ 0 }, &why), ERR_USER_NOT_FOUND);
	assert_int_equal(audit_all(f), rows);
	assert_int_equal(count(f, "SELECT count(*) FROM user"), 1);
}

/* Each change, done, writes one audit row of its action, and only it. */
static void
test_success_one_audit_row(void **state)
{
	struct fixture *f = *state;
	const struct agency_add_in agency = { "EDS Nord", "partner", "" };
	const struct programme_add_in prog = {
		.name = "Pass 2027", .face_value = 1500, .per_booklet = 8,
		.validity = "days:90", .territory = "Nantes", .budget = 100000,
		.max_booklets = 1, .venues = "Médiathèque, Nantes\nEspace, Rezé",
	};
	struct programme_rules_in rules = { 0, 250, "6574", 2 };
	struct user_add_in user = { "v2", "Claire", ROLE_VENUE, 0,
	    "214 401 432 00015", "un mot de passe assez long" };
	const struct token_add_in token = { "v2", "caisse", 365 };
	struct user_add_out uout;
	struct token_add_out tout;
	struct store_programme p;
	struct op_refusal why;
	long long rows = audit_all(f);
	bool revoked;
	int64_t id;

	assert_int_equal(agency_add(&f->cx, &agency, &id, &why), ERR_NONE);
	assert_int_equal(store_world_audit_rows(&f->w, "agency.add"), 1);
	assert_int_equal(programme_add(&f->cx, &prog, &id, &why), ERR_NONE);
	assert_int_equal(store_world_audit_rows(&f->w, "programme.add"), 2);
	rules.id = id;
	assert_int_equal(programme_set_rules(&f->cx, &rules, &p, &why),
	    ERR_NONE);
	assert_int_equal(p.commission_bp, 250);
	assert_string_equal(p.budget_line, "6574");
	assert_int_equal(p.max_per_session, 2);
	assert_string_equal(p.validity, "days:90");
	assert_int_equal(user_add(&f->cx, &user, &uout, &why), ERR_NONE);
	assert_int_equal(uout.venue_id, 1);
	assert_string_equal(uout.venue_name, "Médiathèque de Rezé");
	assert_int_equal(token_add(&f->cx, &token, &tout, &why), ERR_NONE);
	assert_int_equal(token_revoke(&f->cx, tout.id, &revoked, &why),
	    ERR_NONE);
	assert_true(revoked);
	/* Revoked again: said, not written. */
	assert_int_equal(token_revoke(&f->cx, tout.id, &revoked, &why),
	    ERR_NONE);
	assert_false(revoked);
	assert_int_equal(audit_all(f), rows + 6);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action IN ('programme.rules', 'user.add', 'token.create',"
	    " 'token.revoke') AND actor = 'admin-cli'"), 4);
}

static void
no_problem(void *ctx, const struct store_booklet_problem *p)
{
	(void)ctx;
	fail_msg("%s %lld: %s %lld, %s %lld", p->what, (long long)p->id,
	    p->expected, (long long)p->expected_n, p->found,
	    (long long)p->found_n);
}

/*
 * An agency renamed and a programme changed: refusals write nothing, a
 * change writes one row naming it, the same values again none; what was
 * issued keeps what it was issued with, and the audit still finds every
 * booklet whole and every amount committed.
 */
static void
test_setup_edits_apply_forward(void **state)
{
	struct fixture *f = *state;
	struct agency_edit_in agency = { 999, { "EDS Sud", "eds", "Rezé" } };
	struct programme_edit_in prog;
	struct store_programme p;
	struct op_refusal why;
	struct pn_error err;
	long long rows;
	int64_t problems, id;
	bool changed;

	assert_int_equal(agency_add(&f->cx, &(struct agency_add_in){ "EDS "
	    "Nord", "eds", "Nantes" }, &id, &why), ERR_NONE);
	rows = audit_all(f);
	assert_int_equal(agency_edit(&f->cx, &agency, &changed, &why),
	    ERR_AGENCY_NOT_FOUND);
	agency.id = id;
	agency.set.kind = "mairie";
	assert_int_equal(agency_edit(&f->cx, &agency, &changed, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "kind");
	assert_int_equal(audit_all(f), rows);
	agency.set.kind = "partner";
	assert_int_equal(agency_edit(&f->cx, &agency, &changed, &why),
	    ERR_NONE);
	assert_true(changed);
	assert_int_equal(agency_edit(&f->cx, &agency, &changed, &why),
	    ERR_NONE);
	assert_false(changed);
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action"
	    " = 'agency.edit' AND json_extract(detail, '$.changed.name[1]') ="
	    " 'EDS Sud' AND json_extract(detail, '$.changed.kind[0]') = 'eds'"),
	    1);

	assert_int_equal(store_programme_get(f->w.s, f->w.b.programme_id, &p,
	    &err), 0);
	memset(&prog, 0, sizeof(prog));
	prog.id = p.id;
	prog.set = (struct programme_add_in){ p.name, p.face_value,
	    p.per_booklet, p.validity, p.territory, p.budget, p.max_booklets,
	    p.instructions, p.venues };
	prog.commission_bp = (int)p.commission_bp;
	prog.budget_line = p.budget_line;
	prog.max_per_session = p.max_per_session;
	rows = audit_all(f);
	prog.set.budget = p.committed - 1;
	assert_int_equal(programme_edit(&f->cx, &prog, &changed, &why),
	    ERR_BUDGET_BELOW_COMMITTED);
	assert_string_equal(why.field, "budget");
	prog.set.budget = p.budget;
	prog.commission_bp = -1;
	assert_int_equal(programme_edit(&f->cx, &prog, &changed, &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "commission_bp");
	prog.commission_bp = 250;
	prog.id = 999;
	assert_int_equal(programme_edit(&f->cx, &prog, &changed, &why),
	    ERR_UNKNOWN_PROGRAMME);
	assert_int_equal(audit_all(f), rows);
	prog.id = p.id;
	prog.set.face_value = p.face_value + 500;
	prog.set.per_booklet = p.per_booklet + 1;
	prog.set.validity = "days:30";
	assert_int_equal(programme_edit(&f->cx, &prog, &changed, &why),
	    ERR_NONE);
	assert_true(changed);
	assert_int_equal(programme_edit(&f->cx, &prog, &changed, &why),
	    ERR_NONE);
	assert_false(changed);
	assert_int_equal(audit_all(f), rows + 1);
	/* Its history: the world's add and this edit, no refusal. */
	assert_int_equal(count(f, "SELECT count(*) FROM setup_change c JOIN"
	    " audit_log a ON a.id = c.audit_id WHERE c.object = 'programme:1'"
	    " AND a.action IN ('programme.add', 'programme.edit')"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM setup_change WHERE"
	    " object LIKE 'agency:%'"), 2);
	/* The booklet issued before: its vouchers as they were issued. */
	assert_int_equal(count(f, "SELECT count(*) FROM voucher WHERE value"
	    " <> (SELECT face_value FROM programme WHERE id = 1)"),
	    (long long)p.per_booklet);
	assert_int_equal(store_check_booklets(f->w.s, no_problem, NULL,
	    &problems, &err), 0);
	assert_int_equal(problems, 0);
}

static void
test_expire_once(void **state)
{
	struct fixture *f = *state;
	struct vouchers_expire_out out;
	struct op_refusal why;
	long long rows = audit_all(f);

	/* Before the last day: nothing, and no row. */
	assert_int_equal(vouchers_expire(&f->cx, &out, &why), ERR_NONE);
	assert_int_equal(out.count, 0);
	assert_int_equal(out.before, NOW - 7 * 86400);
	assert_int_equal(audit_all(f), rows);
	/* Two years on, the booklet's ten vouchers, once. */
	f->cx.now = NOW + 2 * 366 * 86400LL;
	assert_int_equal(vouchers_expire(&f->cx, &out, &why), ERR_NONE);
	assert_int_equal(out.count, 10);
	assert_int_equal(out.cents, 10 * 1000);
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(store_world_audit_rows(&f->w, "voucher.expire"), 1);
	assert_int_equal(vouchers_expire(&f->cx, &out, &why), ERR_NONE);
	assert_int_equal(out.count, 0);
	assert_int_equal(audit_all(f), rows + 1);
}

static void
test_alarm_ack_by_admin_only(void **state)
{
	struct fixture *f = *state;
	struct store_principal admin = { 0 };
	struct pn_error err;
	struct op_refusal why;
	long long rows;
	int64_t alarm;

	assert_int_equal(store_alarm_add(f->w.s, NOW, "checkpoint_gap",
	    "test", &alarm, &err), 0);
	rows = audit_all(f);
	/* The world's principal is a caseworker. */
	f->cx.who = &f->w.who;
	assert_int_equal(alarm_ack(&f->cx, alarm, "repris", &why),
	    ERR_FORBIDDEN);
	admin.user_id = store_world_user(&f->w, "root", ROLE_ADMIN, NOW);
	admin.role = ROLE_ADMIN;
	snprintf(admin.login, sizeof(admin.login), "root");
	rows = audit_all(f);
	f->cx.who = &admin;
	assert_int_equal(alarm_ack(&f->cx, alarm, "", &why),
	    ERR_INVALID_FIELD);
	assert_string_equal(why.field, "note");
	assert_int_equal(alarm_ack(&f->cx, alarm, "repris", &why), ERR_NONE);
	assert_int_equal(audit_all(f), rows + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'integrity.ack' AND actor = 'user:2'"), 1);
	assert_int_equal(alarm_ack(&f->cx, alarm, "encore", &why),
	    ERR_ALARM_NOT_OPEN);
	assert_int_equal(audit_all(f), rows + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_venue_add_canonical_one_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_venue_add_bad_identifiers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_venue_status_twice_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_disabled_user_tokens_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_hashed_here,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_write_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_one_audit_row,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_edits_apply_forward,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_alarm_ack_by_admin_only,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
