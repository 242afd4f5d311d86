/* settle_approve.c -- approving a draft: its files made off the write lock, staged, then published with the approval.
 *
 * The store keeps the money and its invariants (four-eyes as a CHECK
 * too); this file makes the payment file, the mandate list and the
 * statements from a snapshot of the batch, and hands them to the store.
 */
#define _GNU_SOURCE		/* gettid */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "anomalies.h"
#include "business_day.h"
#include "settle_approve.h"
#include "settle_rules.h"
#include "statement_batch.h"

/* The store's -1 as an err_code; its refusals as they are. */
static enum err_code
from_store(int rc)
{
	return rc < 0 ? ERR_INTERNAL : (enum err_code)rc;
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
	settle_paris_day(now, &y, &m, &d);
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
approve_now(const struct op_ctx *cx, const char *reference,
    unsigned sepa_version, int64_t acknowledged, struct store_batch *out,
    struct pn_error *err)
{
	struct store *s = cx->s;
	const struct config *cfg = cx->cfg;
	const struct store_principal *who = cx->who;
	int64_t now = cx->now;
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
	const struct op_ctx *cx;
	const char *reference;
	unsigned sepa_version;
	int64_t acknowledged;
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
	a->rc = approve_now(a->cx, a->reference, a->sepa_version,
	    a->acknowledged, a->out, a->err);
	return NULL;
}

enum err_code
settle_approve(const struct op_ctx *cx, const char *reference,
    unsigned sepa_version, int64_t acknowledged, struct store_batch *out,
    struct op_refusal *why)
{
	struct pn_error err;
	struct approval a = { cx, reference, sepa_version, acknowledged, out,
	    &err, ERR_INTERNAL };
	pthread_t th;

	pn_error_clear(&err);
	/* cx->s is used by one thread at a time: this one waits. */
	if (pthread_create(&th, NULL, approval_thread, &a) != 0)
		a.rc = approve_now(cx, reference, sepa_version, acknowledged,
		    out, &err);
	else
		(void)pthread_join(th, NULL);
	return op_answer(why, (int)a.rc, &err);
}
