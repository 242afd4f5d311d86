/* admin_audit.c -- passnum-admin audit and backup: the database's soundness and copies.
 *
 *   audit --config FILE [--master PUB]
 *   backup --config FILE --out FILE
 *
 * Checks, and reports in plain words, one line "ok   ..." or "FAIL ..." per
 * check, a failure followed by the rows that break it (AUDIT_SHOWN at
 * most): SQLite's integrity check, the audit log's hash chain, every
 * booklet whole, each programme's vouchers conserved in count and in cents
 * (issued = outstanding + redeemed + cancelled + expired, settled among
 * the redeemed) and equal to its committed amount, the money checks of
 * store_sqlite_money.c (redemptions, deny list, settlement), the signing
 * keys' certificates, and every voucher's signature (audit_money.c),
 * the last on its own connection and threads while the others run.
 * docs/store.md lists the checks. Exit 0 only when everything holds.
 * Read-only, the money checks on one snapshot: safe while passnumd runs.
 * Each draft batch's alerts (anomalies.h) follow the money checks, in
 * French, as "note" lines: signals for its approver, not failures; so do
 * the terminals suspended pending review.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/money.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "anomalies.h"
#include "audit_integrity.h"
#include "audit_money.h"
#include "checkpoint.h"
#include "config.h"
#include "store.h"

#define CMD "audit"

/* The first rows of a failing check, kept until its count is known. */
struct rows {
	size_t n;
	char text[AUDIT_SHOWN][AUDIT_PROBLEM_MAX];
};

static int
keep_row(void *ctx, const char *problem)
{
	struct rows *r = ctx;

	if (r->n == AUDIT_SHOWN)
		return 1;	/* enough to show; the store keeps counting */
	/* A longer row is cut: its start names what is wrong. */
	(void)snprintf(r->text[r->n++], AUDIT_PROBLEM_MAX, "%s", problem);
	return 0;
}

/* The rows under a FAIL line, then how many more there were. */
static void
print_rows(const struct rows *r, int64_t problems)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		printf("     %s\n", r->text[i]);
	if (problems > (int64_t)r->n)
		printf("     ... and %lld more\n",
		    (long long)(problems - (int64_t)r->n));
}

/* "ok   name" or "FAIL name -- broken by N rows:" and the rows. 1 on FAIL. */
static int
report(const char *name, const struct rows *r, int64_t problems)
{
	if (problems == 0) {
		printf("ok   %s\n", name);
		return 0;
	}
	printf("FAIL %s -- broken by %lld %s:\n", name, (long long)problems,
	    problems == 1 ? "row" : "rows");
	print_rows(r, problems);
	return 1;
}

/* One programme's conservation, in count and in cents. */
static int
programme_line(void *ctx, const struct store_money_programme *p)
{
	char all[PN_MONEY_TEXT_MAX], sum[PN_MONEY_TEXT_MAX];
	char m[STORE_MONEY_STATUSES][PN_MONEY_TEXT_MAX], red[PN_MONEY_TEXT_MAX];
	char committed[PN_MONEY_TEXT_MAX];
	int *failed = ctx;
	int64_t n = 0, c = 0;
	int i;
	bool ok;

	for (i = 0; i < STORE_MONEY_STATUSES; i++) {
		n += p->n[i];
		c += p->c[i];
		pn_money_format(p->c[i], m[i]);
	}
	ok = n == p->count && c == p->cents && p->cents == p->committed;
	pn_money_format(p->cents, all);
	pn_money_format(c, sum);
	pn_money_format(p->c[STORE_MONEY_REDEEMED] + p->c[STORE_MONEY_SETTLED],
	    red);
	pn_money_format(p->committed, committed);
	printf("%s programme %lld '%s': %lld vouchers issued for %s %s "
	    "%lld outstanding (%s) + %lld redeemed (%s; of them %lld settled, "
	    "%s) + %lld cancelled (%s) + %lld expired (%s)", ok ? "ok  " :
	    "FAIL", (long long)p->id, p->name, (long long)p->count, all,
	    n == p->count && c == p->cents ? "=" : "but",
	    (long long)p->n[STORE_MONEY_ISSUED], m[STORE_MONEY_ISSUED],
	    (long long)(p->n[STORE_MONEY_REDEEMED] + p->n[STORE_MONEY_SETTLED]),
	    red, (long long)p->n[STORE_MONEY_SETTLED], m[STORE_MONEY_SETTLED],
	    (long long)p->n[STORE_MONEY_CANCELLED], m[STORE_MONEY_CANCELLED],
	    (long long)p->n[STORE_MONEY_EXPIRED], m[STORE_MONEY_EXPIRED]);
	if (n != p->count || c != p->cents)
		printf(", %lld vouchers for %s in all (see the vouchers' "
		    "statuses below)", (long long)n, sum);
	printf("; committed %s%s\n", committed, p->cents == p->committed ? "" :
	    ", not the vouchers' face value");
	if (!ok)
		*failed = 1;
	return 0;
}

/*
 * The signing keys and the signature pass. The pass runs on its own
 * connection and thread beside the other checks: they use one CPU at a
 * time, the pass every CPU, and together they keep all of them busy.
 */
struct sig_pass {
	struct store *s;		/* the pass's own connection */
	struct audit_master m;
	int master_rc;			/* of audit_master_key() */
	struct pn_error master_err;
	struct audit_keys *keys;	/* NULL: they could not be read */
	struct pn_error keys_err;
	struct rows key_rows;
	int64_t key_problems;
	size_t n_keys;
	struct audit_signature_report report;
	struct pn_error err;
	int rc;				/* of audit_signatures() */
	struct audit_redemption_report red;
	struct pn_error red_err;
	int red_rc;			/* of audit_redemptions() */
	pthread_t tid;
	bool started;			/* tid runs the pass */
};

static void *
sig_pass_run(void *arg)
{
	struct sig_pass *p = arg;

	p->rc = audit_signatures(p->s, p->keys, 0, &p->report, &p->err);
	p->red_rc = audit_redemptions(p->s, p->keys, 0, &p->red, &p->red_err);
	return NULL;
}

/* Read the keys and start the pass; sig_pass_finish() reports. */
static void
sig_pass_start(struct sig_pass *p, const struct config *cfg,
    const char *master)
{
	p->rc = -1;
	p->red_rc = -1;
	p->master_rc = audit_master_key(master, cfg->keys.trust_bundle, &p->m,
	    &p->master_err);
	if ((p->s = store_open(cfg->store.path, cfg->store.busy_timeout_ms,
	    &p->keys_err)) == NULL)
		return;
	if ((p->keys = audit_keys_load(p->s, &p->m, keep_row, &p->key_rows,
	    &p->key_problems, &p->n_keys, &p->keys_err)) == NULL)
		return;
	if (pthread_create(&p->tid, NULL, sig_pass_run, p) == 0)
		p->started = true;
	else
		(void)sig_pass_run(p);	/* no thread: here, then */
}

/* The failures shown under a FAIL line, and how many more there are. */
static void
print_failures(const struct audit_failure *shown, size_t n, uint64_t failed)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("     %s\n", shown[i].text);
	if (failed > n)
		printf("     ... and %llu more\n",
		    (unsigned long long)(failed - n));
}

/* The redemptions' line: their records and answers. 1 on FAIL. */
static int
redemptions_print(const struct sig_pass *p)
{
	const struct audit_redemption_report *r = &p->red;

	if (p->red_rc != 0) {
		printf("FAIL redemptions: %s\n", p->red_err.message);
		return 1;
	}
	if (r->failed == 0) {
		printf("ok   redemptions: %llu records verified under their "
		    "terminal's key, each stored answer's receipt under its "
		    "signing key (%u threads, %.1f s)\n",
		    (unsigned long long)r->redemptions, r->threads,
		    r->seconds);
		return 0;
	}
	printf("FAIL redemptions: %llu %s among %llu records and their "
	    "stored answers (%u threads, %.1f s):\n",
	    (unsigned long long)r->failed,
	    r->failed == 1 ? "failure" : "failures",
	    (unsigned long long)r->redemptions, r->threads, r->seconds);
	print_failures(r->shown, r->n_shown, r->failed);
	return 1;
}

/* Wait for the pass; print the keys' and the signatures' lines. 1 on FAIL. */
static int
sig_pass_finish(struct sig_pass *p)
{
	const struct audit_signature_report *r = &p->report;
	int failed = 0;

	if (p->started)
		(void)pthread_join(p->tid, NULL);
	if (p->master_rc != 0) {
		printf("FAIL signing keys: no master key to check them with: "
		    "%s\n", p->master_err.message);
		failed = 1;
	} else if (!p->m.have) {
		printf("FAIL signing keys: their certificates cannot be "
		    "checked: %s\n", p->m.source);
		failed = 1;
	}
	if (p->keys == NULL) {
		printf("FAIL signing keys: %s\n", p->keys_err.message);
		store_close(p->s);
		return 1;
	}
	if (p->m.have && p->key_problems == 0)
		printf("ok   signing keys: %zu recorded, each certificate "
		    "signed by %s\n", p->n_keys, p->m.source);
	else if (p->key_problems > 0) {
		printf("FAIL signing keys: %zu recorded, certificates checked "
		    "against %s -- broken by %lld %s:\n", p->n_keys,
		    p->m.source, (long long)p->key_problems,
		    p->key_problems == 1 ? "key" : "keys");
		print_rows(&p->key_rows, p->key_problems);
		failed = 1;
	}
	audit_keys_free(p->keys);
	store_close(p->s);
	failed |= redemptions_print(p);
	if (p->rc != 0) {
		printf("FAIL signatures: %s\n", p->err.message);
		return 1;
	}
	if (r->failed == 0) {
		printf("ok   signatures: %llu vouchers verified, each under "
		    "its key and inside its key's certificate (%u threads, "
		    "%.1f s)\n", (unsigned long long)r->vouchers, r->threads,
		    r->seconds);
		return failed;
	}
	printf("FAIL signatures: %llu of %llu vouchers do not verify under "
	    "their key or lie outside its certificate (%u threads, %.1f s):\n",
	    (unsigned long long)r->failed, (unsigned long long)r->vouchers,
	    r->threads, r->seconds);
	print_failures(r->shown, r->n_shown, r->failed);
	return 1;
}

/* The draft batches, newest first. */
struct drafts {
	struct store_batch *b;
	size_t n, cap;
	bool nomem;
};

static int
keep_draft(void *ctx, const struct store_batch *b)
{
	struct drafts *d = ctx;
	struct store_batch *p;

	if (strcmp(b->status, "draft") != 0)
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap == 0 ? 4 : d->cap * 2;

		if ((p = realloc(d->b, cap * sizeof(*p))) == NULL) {
			d->nomem = true;
			return 1;
		}
		d->b = p;
		d->cap = cap;
	}
	d->b[d->n++] = *b;
	return 0;
}

/*
 * Each draft's alerts, by venue: what its approver must acknowledge.
 * Not a check: they change nothing to the verdict. 1 only when they
 * cannot be read.
 */
static int
draft_alerts(struct store *s)
{
	struct drafts d = { NULL, 0, 0, false };
	struct anomaly_list l = { NULL, 0, 0 };
	struct pn_error err;
	int64_t now = (int64_t)time(NULL);
	size_t i, j;
	int failed = 0;

	/* A draft of each period at most: the latest batches hold them. */
	if (store_batch_each(s, 1000, keep_draft, &d, &err) != 0 || d.nomem) {
		printf("FAIL alerts of the draft batches: %s\n", d.nomem ?
		    "out of memory" : err.message);
		free(d.b);
		return 1;
	}
	for (i = 0; i < d.n && failed == 0; i++) {
		const struct store_batch *b = &d.b[i];

		if (anomalies_of_batch(s, b, now, &l, &err) != 0) {
			printf("FAIL alerts of batch %s: %s\n", b->reference,
			    err.message);
			failed = 1;
			break;
		}
		if (l.n == 0)
			printf("note lot %s (brouillon) : aucune alerte\n",
			    b->reference);
		else
			printf("note lot %s (brouillon) : %zu %s à lire avant "
			    "de l’approuver\n", b->reference, l.n, l.n == 1 ?
			    "alerte" : "alertes");
		for (j = 0; j < l.n; j++) {
			if (j == 0 || l.a[j].venue_id != l.a[j - 1].venue_id)
				printf("     %s (SIRET %s)\n",
				    l.a[j].venue_name, l.a[j].siret);
			printf("       - %s : %s\n",
			    anomaly_kind_title(l.a[j].kind), l.a[j].text);
		}
	}
	anomaly_list_free(&l);
	free(d.b);
	return failed;
}

static int
suspended_note(void *ctx, const struct store_suspended_terminal *t)
{
	char when[PN_TIME_TEXT_MAX];

	(void)ctx;
	pn_time_format_paris(t->suspended_at, when);
	printf("note terminal %lld de %s (SIRET %s), « %s », suspendu le %s "
	    "en attente d’examen : %s\n", (long long)t->id, t->venue_name,
	    t->siret, t->label, when, t->reason[0] != '\0' ? t->reason :
	    "motif non enregistré");
	return 0;
}

/*
 * Terminals suspended pending review, whatever batch their venue is in:
 * a signal for the Département, not a failure. 1 only when they cannot
 * be read.
 */
static int
suspended_terminals(struct store *s)
{
	struct pn_error err;

	if (store_terminals_suspended(s, 0, 0, suspended_note, NULL,
	    &err) != 0) {
		printf("FAIL suspended terminals: %s\n", err.message);
		return 1;
	}
	return 0;
}

/* The money checks, on one snapshot of the database. */
/* One line per booklet or programme that does not add up, above its FAIL. */
static void
print_booklet_problem(void *ctx, const struct store_booklet_problem *p)
{
	(void)ctx;
	printf("     %s %lld: %s %lld, %s %lld\n", p->what, (long long)p->id,
	    p->expected, (long long)p->expected_n, p->found,
	    (long long)p->found_n);
}

static int
money(struct store *s)
{
	static struct rows r;
	struct pn_error err;
	int64_t problems;
	int failed = 0, i;

	if (store_money_begin(s, &err) != 0) {
		printf("FAIL money: %s\n", err.message);
		return 1;
	}
	if (store_money_programmes(s, programme_line, &failed, &err) != 0) {
		printf("FAIL programmes: %s\n", err.message);
		failed = 1;
	}
	for (i = 0; i < store_money_checks(); i++) {
		r.n = 0;
		if (store_money_check(s, i, keep_row, &r, &problems, &err) !=
		    0) {
			printf("FAIL %s: %s\n", store_money_check_name(i),
			    err.message);
			failed = 1;
		} else
			failed |= report(store_money_check_name(i), &r,
			    problems);
	}
	failed |= draft_alerts(s);
	failed |= suspended_terminals(s);
	store_money_end(s);
	return failed;
}

int
admin_audit(int argc, char **argv)
{
	static struct config cfg;
	static struct sig_pass pass;
	const char *config = NULL, *master = NULL, *checkpoints = NULL;
	const char *receipts = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "master", &master, false },
		{ "checkpoints", &checkpoints, false },
		{ "receipts", &receipts, false },
		{ NULL, NULL, false },
	};
	char history[4200];
	struct store_job_run run;
	struct pn_error err;
	struct store *s;
	uint64_t rows;
	int64_t bad_id, problems;
	int failed = 0, rc;

	if ((rc = admin_getopt(CMD, "audit --config FILE [--master PUB] "
	    "[--checkpoints FILE] [--receipts FILE]", argc, argv, opts)) != 0)
		return rc;
	if ((s = admin_open_config(CMD, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	sig_pass_start(&pass, &cfg, master);
	if (store_integrity_check(s, &err) != 0) {
		printf("FAIL database integrity: %s\n", err.message);
		failed = 1;
	} else
		printf("ok   database integrity\n");
	rc = store_audit_verify(s, &rows, &bad_id, &err);
	if (rc == 0)
		printf("ok   audit log: %llu rows, hash chain unbroken\n",
		    (unsigned long long)rows);
	else {
		printf("FAIL audit log: %s\n", err.message);
		failed = 1;
	}
	if (store_check_booklets(s, print_booklet_problem, NULL, &problems,
	    &err) != 0) {
		printf("FAIL booklets: %s\n", err.message);
		failed = 1;
	} else if (problems > 0) {
		printf("FAIL booklets: %lld problem(s) above: booklets not "
		    "whole, or programme amounts that differ from their "
		    "vouchers\n", (long long)problems);
		failed = 1;
	} else
		printf("ok   booklets whole, programme amounts equal to their "
		    "vouchers\n");
	failed |= money(s);
	if (checkpoint_history_path(cfg.store.path, history,
	    sizeof(history)) != 0) {
		printf("FAIL checkpoints: %s: path too long\n", cfg.store.path);
		failed = 1;
	} else
		failed |= audit_checkpoints(s, history, checkpoints);
	if (receipts != NULL)
		failed |= audit_receipts(s, receipts);
	failed |= audit_alarms(s);
	failed |= sig_pass_finish(&pass);
	/* The run, for /admin/taches: a note, not a change of the data. */
	run = (struct store_job_run){ "audit", (int64_t)time(NULL), !failed,
	    "", "cli" };
	(void)snprintf(run.summary, sizeof(run.summary), "%s", failed ?
	    "FAILED, see the lines marked FAIL" : "everything holds");
	if (store_job_run_add(s, &run, &err) != 0)
		printf("note could not record the run: %s\n", err.message);
	store_close(s);
	if (failed)
		printf("audit: FAILED, see the lines marked FAIL\n");
	else
		printf("audit: everything holds\n");
	return failed ? ADMIN_EXIT_FAIL : ADMIN_EXIT_OK;
}

/* A consistent copy of the live database (safe while passnumd runs). */
int
admin_backup(int argc, char **argv)
{
	struct pn_error err;
	struct store *s;

	if (argc != 5 || strcmp(argv[1], "--config") != 0 ||
	    strcmp(argv[3], "--out") != 0)
		return admin_usage_error("backup", "usage: backup --config FILE "
		    "--out FILE");
	if ((s = admin_open_store("backup", argv[2])) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_backup(s, argv[4], &err) != 0) {
		fprintf(stderr, "passnum-admin backup: %s\n", err.message);
		store_close(s);
		return ADMIN_EXIT_FAIL;
	}
	store_close(s);
	printf("backup written to %s (integrity checked)\n", argv[4]);
	return ADMIN_EXIT_OK;
}
