/* settle_rules.c -- the settlement's rules: periods, who may act, approval and its files.
 *
 * The store keeps the money and its invariants (one settlement per
 * redemption, four-eyes as a CHECK too); this file checks what a person
 * typed, decides the dates and names, and makes the files at approval.
 */
#define _GNU_SOURCE		/* gettid */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "passnum/timefmt.h"
#include "passnum/bankid.h"
#include "anomalies.h"
#include "business_day.h"
#include "settle_rules.h"
#include "statement_batch.h"

static const char *const month_names[12] = {
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre",
};

/* Fill out for the months first..last (1-12) of year. */
static int
period_fill(int year, int first, int last, enum config_period kind,
    struct settle_period *out)
{
	int64_t ignored;

	if (pn_paris_month_bounds(year, first, &out->start, &ignored) != 0 ||
	    pn_paris_month_bounds(year, last, &ignored, &out->end) != 0)
		return -1;
	if (kind == CONFIG_PERIOD_MONTH) {
		(void)snprintf(out->text, sizeof(out->text), "%04u-%02u",
		    (unsigned)year % 10000u, (unsigned)first % 100u);
		(void)snprintf(out->label, sizeof(out->label), "%s %04d",
		    month_names[first - 1], year);
	} else {
		int q = (first - 1) / 3 + 1;

		(void)snprintf(out->text, sizeof(out->text), "%04u-T%u",
		    (unsigned)year % 10000u, (unsigned)q % 10u);
		(void)snprintf(out->label, sizeof(out->label), "%d%s trimestre "
		    "%04d", q, q == 1 ? "er" : "e", year);
	}
	return 0;
}

enum err_code
settle_period_parse(const char *text, enum config_period kind,
    struct settle_period *out, struct pn_error *err)
{
	int year, month, quarter;

	memset(out, 0, sizeof(*out));
	if (kind == CONFIG_PERIOD_MONTH) {
		if (text != NULL && pn_month_parse(text, &year, &month) == 0 &&
		    period_fill(year, month, month, kind, out) == 0)
			return ERR_NONE;
		pn_error_set(err, PN_E_ARG, "period '%.40s': expected a month "
		    "YYYY-MM such as 2026-11", text != NULL ? text : "");
		return ERR_BAD_PERIOD;
	}
	if (text != NULL && pn_quarter_parse(text, &year, &quarter) == 0 &&
	    period_fill(year, quarter * 3 - 2, quarter * 3, kind, out) == 0)
		return ERR_NONE;
	pn_error_set(err, PN_E_ARG, "period '%.40s': expected a quarter "
	    "YYYY-TN such as 2026-T4 (or 2026-Q4)", text != NULL ? text : "");
	return ERR_BAD_PERIOD;
}

void
settle_period_before(int64_t t, enum config_period kind,
    struct settle_period *out)
{
	int year, month;

	pn_paris_month_of(t, &year, &month);
	if (kind == CONFIG_PERIOD_QUARTER)
		month = (month - 1) / 3 * 3 + 1;	/* first month of t's quarter */
	/* The month before that (and its quarter). */
	if (--month == 0) {
		month = 12;
		year--;
	}
	if (kind == CONFIG_PERIOD_MONTH)
		(void)period_fill(year, month, month, kind, out);
	else
		(void)period_fill(year, month - 2, month, kind, out);
}

enum err_code
settle_may_act(const struct store_principal *who, struct pn_error *err)
{
	if (who != NULL && (who->role & (ROLE_ACCOUNTANT | ROLE_ADMIN)) != 0)
		return ERR_NONE;
	pn_error_set(err, PN_E_ARG, "'%s' is not an accountant or an admin",
	    who != NULL ? who->login : "");
	return ERR_NOT_ACCOUNTANT;
}

/* The store's -1 as an err_code; its refusals as they are. */
static enum err_code
from_store(int rc)
{
	return rc < 0 ? ERR_INTERNAL : (enum err_code)rc;
}

/*
 * Text a person typed as a reason or note: 1 to max bytes once trimmed of
 * spaces, no control character. ERR_NONE, or code with what named.
 */
static enum err_code
check_text(const char *text, size_t max, enum err_code code, const char *what,
    struct pn_error *err)
{
	const char *s;
	size_t n;

	if (text == NULL)
		text = "";
	while (*text == ' ')
		text++;
	n = strlen(text);
	while (n > 0 && text[n - 1] == ' ')
		n--;
	for (s = text; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			break;
	if (n == 0 || n > max || *s != '\0') {
		pn_error_set(err, PN_E_ARG, "%s: expected 1 to %zu characters "
		    "without control characters, got %zu byte(s)", what, max,
		    n);
		return code;
	}
	return ERR_NONE;
}

void
settle_rules_of(const struct config *cfg, struct store_settle_rules *r)
{
	r->contest_seconds = (int64_t)cfg->settlement.contest_days * 86400;
	r->minimum_cents = (int64_t)cfg->settlement.minimum_cents;
}

enum err_code
settle_draft(struct store *s, const struct config *cfg,
    const struct store_principal *who, const char *period_text, int64_t now,
    struct store_batch *out, bool *existing, struct pn_error *err)
{
	struct store_settle_rules rules;
	struct settle_period p;
	char end[PN_TIME_TEXT_MAX];
	enum err_code rc;

	*existing = false;
	if ((rc = settle_may_act(who, err)) != ERR_NONE ||
	    (rc = settle_period_parse(period_text, cfg->settlement.period, &p,
	    err)) != ERR_NONE)
		return rc;
	if (p.end > now) {
		pn_time_format_paris(p.end, end);
		pn_error_set(err, PN_E_ARG, "period %s ends on %s (Paris); "
		    "draft it after that", p.text, end);
		return ERR_PERIOD_NOT_ENDED;
	}
	settle_rules_of(cfg, &rules);
	return from_store(store_settle_draft(s, p.text, p.start, p.end, &rules,
	    who->user_id, who->login, now, out, existing, err));
}

/* The date in Paris at t, as year, month, day. */
static void
paris_day(int64_t t, int *y, int *m, int *d)
{
	char buf[PN_TIME_TEXT_MAX];

	pn_time_format_paris_date(t, buf);	/* "31/12/2026" */
	if (sscanf(buf, "%d/%d/%d", d, m, y) != 3) {
		*y = 1970;
		*m = 1;
		*d = 1;
	}
}

/* The lines of a batch that are paid: their ids and venues. */
struct line_ref {
	int64_t id, venue_id;
};
struct line_ids {
	struct line_ref *ids;
	size_t n, cap;
};

static int
collect_line(void *ctx, const struct store_batch_line *l)
{
	struct line_ids *li = ctx;
	struct line_ref *p;

	if (l->carried_over || l->held)
		return 0;
	if (li->n == li->cap) {
		li->cap = li->cap == 0 ? 64 : li->cap * 2;
		if ((p = realloc(li->ids, li->cap * sizeof(*p))) == NULL)
			return -1;
		li->ids = p;
	}
	li->ids[li->n].id = l->id;
	li->ids[li->n++].venue_id = l->venue_id;
	return 0;
}

/*
 * The files of an approval, made from its snapshot before any is stored:
 * the payment file, the mandate list, then a statement per paid line, in
 * the order they are stored in.
 */
struct approval_files {
	struct store_file_in *f;	/* each owns its data */
	size_t n, cap;
};

static void
approval_files_free(struct approval_files *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->f[i].data);
	free(fs->f);
	fs->f = NULL;
	fs->n = fs->cap = 0;
}

/*
 * Append a file to fs, taking data over (freed on failure too). 0, or -1
 * with err.
 */
static int
approval_file_add(struct approval_files *fs, const char *kind,
    int64_t venue_id, const char *name, const char *media_type,
    unsigned char *data, size_t len, struct pn_error *err)
{
	struct store_file_in *p;

	if (fs->n == fs->cap) {
		size_t cap = fs->cap == 0 ? 64 : fs->cap * 2;

		if ((p = realloc(fs->f, cap * sizeof(*p))) == NULL) {
			free(data);
			return pn_error_set(err, PN_E_NOMEM, "out of memory");
		}
		fs->f = p;
		fs->cap = cap;
	}
	p = &fs->f[fs->n++];
	p->kind = kind;
	p->venue_id = venue_id;
	(void)snprintf(p->name, sizeof(p->name), "%s", name);
	p->media_type = media_type;
	p->data = data;
	p->len = len;
	return 0;
}

/* What the statements of a batch need while they are read and kept. */
struct statements_ctx {
	struct store *s;
	const struct store_batch *b;
	const struct settle_export *x;
	const struct line_ids *li;
	int64_t now;
	struct approval_files *files;
};

static int
statement_read(void *ctx, size_t i, struct statement *st,
    struct pn_error *err)
{
	struct statements_ctx *c = ctx;

	if (store_batch_statement(c->s, c->li->ids[i].id, st, err) != 0)
		return -1;
	(void)snprintf(st->period_label, sizeof(st->period_label), "%s",
	    c->x->period_label);
	(void)snprintf(st->status_label, sizeof(st->status_label), "%s",
	    settle_status_label("approved"));
	(void)snprintf(st->debtor_name, sizeof(st->debtor_name), "%s",
	    c->x->debtor.name);
	st->generated_at = c->now;
	return 0;
}

static int
statement_keep(void *ctx, size_t i, const struct statement *st,
    const unsigned char *pdf, size_t len, struct pn_error *err)
{
	struct statements_ctx *c = ctx;
	unsigned char *copy;
	char name[128];

	(void)snprintf(name, sizeof(name), "%s-releve-%s.pdf",
	    c->b->reference, st->venue_siret);
	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	memcpy(copy, pdf, len);
	return approval_file_add(c->files, "statement",
	    c->li->ids[i].venue_id, name, "application/pdf", copy, len, err);
}

/* Each paid line's statement, rendered on every CPU, kept in order. */
static enum err_code
make_statements(struct store *s, const struct store_batch *b,
    const struct settle_export *x, const struct line_ids *li, int64_t now,
    struct approval_files *files, struct pn_error *err)
{
	struct statements_ctx c = { s, b, x, li, now, files };
	const struct statement_batch_io io = {
		statement_read, statement_keep, store_statement_free, &c,
	};

	if (statement_batch_render(li->n, &io, err) == 0)
		return ERR_NONE;
	/* The renderer refuses bad input; the store fails otherwise. */
	return err->code == PN_E_ARG || err->code == PN_E_FORMAT ?
	    ERR_EXPORT_REFUSED : ERR_INTERNAL;
}

/* The payment file and the mandate list of x, kept. */
static enum err_code
make_payment_files(const struct store_batch *b, const struct settle_export *x,
    unsigned version, struct approval_files *files, struct pn_error *err)
{
	char name[128];
	char *data;
	size_t len;

	if (sepa_write(x, version == 3 ? SEPA_PAIN_001_001_03 :
	    SEPA_PAIN_001_001_09, &data, &len, err) != 0)
		return ERR_EXPORT_REFUSED;
	(void)snprintf(name, sizeof(name), "%s-pain.001.001.%02u.xml",
	    b->reference, version);
	if (approval_file_add(files, "sepa", 0, name, "application/xml",
	    (unsigned char *)data, len, err) != 0)
		return ERR_INTERNAL;
	if (mandate_csv_write(x, &data, &len, err) != 0)
		return ERR_EXPORT_REFUSED;
	(void)snprintf(name, sizeof(name), "%s-mandats.csv", b->reference);
	return approval_file_add(files, "mandates", 0, name,
	    "text/csv; charset=utf-8", (unsigned char *)data, len, err) != 0 ?
	    ERR_INTERNAL : ERR_NONE;
}

/* What the exports need beyond the store's lines. */
static void
export_header(const struct config *cfg, const struct store_batch *b,
    int64_t now, struct settle_export *x)
{
	struct settle_period p;
	struct pn_error ignored;
	char stamp[16];
	struct tm tm;
	time_t t = (time_t)now;
	int y, m, d, ey, em, ed;

	if (settle_period_parse(b->period, cfg->settlement.period, &p,
	    &ignored) == ERR_NONE)
		(void)snprintf(x->period_label, sizeof(x->period_label), "%s",
		    p.label);
	else	/* drafted under another period setting: its text */
		(void)snprintf(x->period_label, sizeof(x->period_label), "%s",
		    b->period);
	(void)gmtime_r(&t, &tm);
	if (strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm) == 0)
		stamp[0] = '\0';
	/* Unique per debtor: a reference is approved once, at one second. */
	(void)snprintf(x->msg_id, sizeof(x->msg_id), "%.14s-%.14s",
	    b->reference, stamp);
	x->created_at = now;
	paris_day(now, &y, &m, &d);
	business_day_after(y, m, d, cfg->settlement.execution_days, &ey, &em,
	    &ed);
	(void)snprintf(x->execution_date, sizeof(x->execution_date),
	    "%04d-%02d-%02d", ey, em, ed);
	(void)snprintf(x->debtor.name, sizeof(x->debtor.name), "%s",
	    cfg->settlement.debtor_name);
	(void)snprintf(x->debtor.iban, sizeof(x->debtor.iban), "%s",
	    cfg->settlement.debtor_iban);
	(void)snprintf(x->debtor.bic, sizeof(x->debtor.bic), "%s",
	    cfg->settlement.debtor_bic);
}

/*
 * The alerts of b, counted in the approval's transaction, against what
 * its approver acknowledged: ERR_NONE with *alerts, or the refusal.
 */
static enum err_code
alerts_check(struct store *s, const struct store_batch *b,
    int64_t acknowledged, int64_t now, int64_t *alerts, struct pn_error *err)
{
	struct anomaly_list l = { NULL, 0, 0 };
	int64_t n;

	if (anomalies_of_batch(s, b, now, &l, err) != 0)
		return ERR_INTERNAL;
	n = (int64_t)l.n;
	anomaly_list_free(&l);
	*alerts = n;
	if (n == 0 || acknowledged == SETTLE_ACK_ANY || acknowledged == n)
		return ERR_NONE;
	if (acknowledged == SETTLE_ACK_NONE)
		pn_error_set(err, PN_E_ARG, "batch %s has %lld alert(s): read "
		    "them (settle show, or its page), then approve with "
		    "--acknowledge-alerts or the box on its page", b->reference,
		    (long long)n);
	else
		pn_error_set(err, PN_E_ARG, "batch %s has %lld alert(s) now, "
		    "not the %lld acknowledged: read them again", b->reference,
		    (long long)n, (long long)acknowledged);
	return ERR_ALERTS_NOT_ACKNOWLEDGED;
}

/*
 * Approval reads a snapshot (store_batch_approve_begin()), counts the
 * alerts and makes every file from it with no write lock held, so that
 * redemptions go on meanwhile; stores the files as staged, in short
 * transactions between which redemptions write (store_batch_files_stage());
 * then a short write transaction (store_batch_approve_write()) checks that
 * the batch is still the draft the files were made from, makes the staged
 * files the batch's and approves it.
 */
static enum err_code
approve_now(struct store *s, const struct config *cfg,
    const struct store_principal *who, const char *reference,
    unsigned sepa_version, int64_t acknowledged, int64_t now,
    struct store_batch *out, struct pn_error *err)
{
	struct approval_files files = { NULL, 0, 0 };
	struct line_ids li = { NULL, 0, 0 };
	struct store_batch_stamp stamp;
	struct settle_export x;
	struct store_batch b;
	int64_t alerts = 0;
	enum err_code rc;

	if ((rc = settle_may_act(who, err)) != ERR_NONE)
		return rc;
	if (cfg->settlement.debtor_name[0] == '\0' ||
	    cfg->settlement.debtor_iban[0] == '\0' ||
	    cfg->settlement.debtor_bic[0] == '\0') {
		pn_error_set(err, PN_E_ARG, "set debtor_name, debtor_iban and "
		    "debtor_bic in [settlement] of %s", cfg->source);
		return ERR_DEBTOR_NOT_CONFIGURED;
	}
	if (sepa_version == 0)
		sepa_version = cfg->settlement.sepa_version;
	if ((rc = from_store(store_batch_get(s, reference, &b, err))) !=
	    ERR_NONE)
		return rc;
	if ((rc = from_store(store_batch_approve_begin(s, b.id, who->user_id,
	    &stamp, err))) != ERR_NONE)
		return rc;
	if ((rc = alerts_check(s, &b, acknowledged, now, &alerts, err)) !=
	    ERR_NONE) {
		store_batch_approve_abort(s);
		return rc;
	}
	if (store_batch_export(s, b.id, &x, err) != 0) {
		store_batch_approve_abort(s);
		return ERR_INTERNAL;
	}
	export_header(cfg, &b, now, &x);
	if (store_batch_lines(s, b.id, collect_line, &li, err) != 0 ||
	    li.n != x.n_lines) {
		if (li.n != x.n_lines)
			pn_error_set(err, PN_E_NOMEM, "listing the lines of %s",
			    b.reference);
		rc = ERR_INTERNAL;
	} else if ((rc = make_payment_files(&b, &x, sepa_version, &files,
	    err)) == ERR_NONE)
		rc = make_statements(s, &b, &x, &li, now, &files, err);
	if (rc != ERR_NONE)
		store_batch_approve_abort(s);
	else if ((rc = from_store(store_batch_files_stage(s, b.id,
	    who->user_id, files.f, files.n, now, err))) != ERR_NONE)
		store_batch_approve_abort(s);
	else if ((rc = from_store(store_batch_approve_write(s, b.id,
	    who->user_id, &stamp, err))) == ERR_NONE) {
		/* The write lock is held from here to the commit. */
		if (store_batch_files_publish(s, b.id, files.f, files.n, now,
		    who->login, err) != 0) {
			rc = ERR_INTERNAL;
			store_batch_approve_abort(s);
		} else if (store_batch_approve_commit(s, b.id, who->user_id,
		    x.msg_id, x.execution_date, sepa_version, alerts, now,
		    who->login, err) != 0)
			rc = ERR_INTERNAL;
	}
	/* Refused or failed once its files were staged: none is kept. */
	if (rc != ERR_NONE && files.n > 0)
		store_batch_files_unstage(s, b.id);
	approval_files_free(&files);
	free(li.ids);
	store_settle_export_free(&x);
	if (rc == ERR_NONE && out != NULL)
		rc = from_store(store_batch_get(s, reference, out, err));
	return rc;
}

/* An approval's arguments and outcome, for the thread that makes it. */
struct approval {
	struct store *s;
	const struct config *cfg;
	const struct store_principal *who;
	const char *reference;
	unsigned sepa_version;
	int64_t acknowledged, now;
	struct store_batch *out;
	struct pn_error *err;
	enum err_code rc;
};

/*
 * Approval is background work: a month's 2,000 statements keep both CPUs
 * busy for seconds, and redemptions, which a venue's volunteer waits for,
 * must not wait behind them. The approval runs on a thread of its own at
 * the lowest priority (Linux keeps a nice value per thread, and the
 * rendering threads it starts inherit it), which ends with it: nothing
 * stays lowered, since raising a priority again needs a privilege. On an
 * idle machine it is as fast.
 */
#define APPROVAL_NICE 19

static void *
approval_thread(void *arg)
{
	struct approval *a = arg;

	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), APPROVAL_NICE);
	a->rc = approve_now(a->s, a->cfg, a->who, a->reference,
	    a->sepa_version, a->acknowledged, a->now, a->out, a->err);
	return NULL;
}

enum err_code
settle_approve(struct store *s, const struct config *cfg,
    const struct store_principal *who, const char *reference,
    unsigned sepa_version, int64_t acknowledged, int64_t now,
    struct store_batch *out, struct pn_error *err)
{
	struct approval a = { s, cfg, who, reference, sepa_version,
	    acknowledged, now, out, err, ERR_INTERNAL };
	pthread_t th;

	/* The connection s is used by one thread at a time: this one waits. */
	if (pthread_create(&th, NULL, approval_thread, &a) != 0)
		return approve_now(s, cfg, who, reference, sepa_version,
		    acknowledged, now, out, err);
	(void)pthread_join(th, NULL);
	return a.rc;
}

enum err_code
settle_mark_paid(struct store *s, const struct store_principal *who,
    const char *reference, const char *bank_reference, const char *paid_on,
    int64_t now, struct pn_error *err)
{
	struct store_batch b;
	int y, m, d, ty, tm, td;
	const char *c;
	enum err_code rc;

	if ((rc = settle_may_act(who, err)) != ERR_NONE)
		return rc;
	if (bank_reference == NULL || bank_reference[0] == '\0' ||
	    strlen(bank_reference) > 35) {
		pn_error_set(err, PN_E_ARG, "bank reference: expected 1 to 35 "
		    "characters");
		return ERR_BAD_PAYMENT;
	}
	for (c = bank_reference; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f) {
			pn_error_set(err, PN_E_ARG, "bank reference: expected "
			    "printable ASCII without spaces, got '%.35s'",
			    bank_reference);
			return ERR_BAD_PAYMENT;
		}
	paris_day(now, &ty, &tm, &td);
	if (paid_on == NULL || business_day_parse(paid_on, &y, &m, &d) != 0) {
		pn_error_set(err, PN_E_ARG, "date: expected YYYY-MM-DD, got "
		    "'%.20s'", paid_on != NULL ? paid_on : "");
		return ERR_BAD_PAYMENT;
	}
	if (y * 10000 + m * 100 + d > ty * 10000 + tm * 100 + td) {
		pn_error_set(err, PN_E_ARG, "date %s is in the future", paid_on);
		return ERR_BAD_PAYMENT;
	}
	if ((rc = from_store(store_batch_get(s, reference, &b, err))) !=
	    ERR_NONE)
		return rc;
	return from_store(store_batch_paid(s, b.id, who->user_id,
	    bank_reference, paid_on, now, who->login, err));
}

enum err_code
settle_reject(struct store *s, const struct store_principal *who,
    const char *reference, const char *reason, int64_t now,
    struct pn_error *err)
{
	struct store_batch b;
	enum err_code rc;

	if ((rc = settle_may_act(who, err)) != ERR_NONE ||
	    (rc = check_text(reason, 500, ERR_REASON_REQUIRED, "reason",
	    err)) != ERR_NONE ||
	    (rc = from_store(store_batch_get(s, reference, &b, err))) !=
	    ERR_NONE)
		return rc;
	return from_store(store_batch_reject(s, b.id, who->user_id, reason,
	    now, who->login, err));
}

enum err_code
settle_hold(struct store *s, const struct store_principal *who,
    const char *reference, const char *siret, const char *reason,
    int64_t now, struct pn_error *err)
{
	char canonical[PN_SIRET_LEN + 1];
	struct store_batch b;
	enum err_code rc;

	if ((rc = settle_may_act(who, err)) != ERR_NONE ||
	    (rc = check_text(reason, 500, ERR_REASON_REQUIRED, "reason",
	    err)) != ERR_NONE)
		return rc;
	if (siret == NULL || pn_siret_parse(siret, canonical) != PN_ID_OK) {
		pn_error_set(err, PN_E_ARG, "SIRET '%.40s': expected the 14 "
		    "digits of a venue's SIRET", siret != NULL ? siret : "");
		return ERR_LINE_NOT_FOUND;
	}
	if ((rc = from_store(store_batch_get(s, reference, &b, err))) !=
	    ERR_NONE)
		return rc;
	return from_store(store_batch_hold(s, b.id, canonical, who->user_id,
	    reason, now, who->login, NULL, err));
}

enum err_code
settle_dispute_open(struct store *s, const struct config *cfg,
    const struct store_principal *who, uint64_t serial, const char *reason,
    int64_t now, int64_t *dispute_id, struct pn_error *err)
{
	enum err_code rc;

	if ((rc = settle_may_act(who, err)) != ERR_NONE ||
	    (rc = check_text(reason, 500, ERR_REASON_REQUIRED, "reason",
	    err)) != ERR_NONE)
		return rc;
	return from_store(store_dispute_open(s, serial, reason,
	    (int64_t)cfg->settlement.contest_days * 86400, who->user_id, now,
	    who->login, dispute_id, err));
}

enum err_code
settle_dispute_resolve(struct store *s, const struct store_principal *who,
    int64_t id, bool uphold, const char *note, int64_t now,
    struct pn_error *err)
{
	enum err_code rc;

	if ((rc = settle_may_act(who, err)) != ERR_NONE ||
	    (rc = check_text(note, 500, ERR_REASON_REQUIRED, "note", err)) !=
	    ERR_NONE)
		return rc;
	return from_store(store_dispute_resolve(s, id, uphold, note,
	    who->user_id, now, who->login, err));
}

const char *
settle_status_label(const char *status)
{
	if (strcmp(status, "draft") == 0)
		return "brouillon";
	if (strcmp(status, "approved") == 0)
		return "approuvé";
	if (strcmp(status, "paid") == 0)
		return "payé";
	if (strcmp(status, "rejected") == 0)
		return "rejeté";
	return status;
}
