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
 * keys' certificates, and every voucher's signature (audit_money.c).
 * docs/server.md lists the checks. Exit 0 only when everything holds.
 * Read-only, on one snapshot: safe while passnumd runs.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/money.h"
#include "admin.h"
#include "audit_money.h"
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

/* The master key, the keys' certificates, every voucher's signature. */
static int
signatures(struct store *s, const struct config *cfg, const char *master)
{
	static struct audit_signature_report sig;
	static struct audit_master m;
	static struct rows r;
	struct audit_keys *keys;
	struct pn_error err;
	int64_t problems;
	size_t n_keys, i;
	int failed = 0;

	if (audit_master_key(master, cfg->keys.trust_bundle, &m, &err) != 0) {
		printf("FAIL signing keys: no master key to check them with: "
		    "%s\n", err.message);
		failed = 1;
	} else if (!m.have) {
		printf("FAIL signing keys: their certificates cannot be "
		    "checked: %s\n", m.source);
		failed = 1;
	}
	r.n = 0;
	if ((keys = audit_keys_load(s, &m, keep_row, &r, &problems, &n_keys,
	    &err)) == NULL) {
		printf("FAIL signing keys: %s\n", err.message);
		return 1;
	}
	if (m.have && problems == 0)
		printf("ok   signing keys: %zu recorded, each certificate "
		    "signed by %s\n", n_keys, m.source);
	else if (problems > 0) {
		printf("FAIL signing keys: %zu recorded, certificates checked "
		    "against %s -- broken by %lld %s:\n", n_keys, m.source,
		    (long long)problems, problems == 1 ? "key" : "keys");
		print_rows(&r, problems);
		failed = 1;
	}

	if (audit_signatures(s, keys, 0, &sig, &err) != 0) {
		printf("FAIL signatures: %s\n", err.message);
		audit_keys_free(keys);
		return 1;
	}
	audit_keys_free(keys);
	if (sig.failed == 0) {
		printf("ok   signatures: %llu vouchers verified, each under its "
		    "key and inside its key's certificate (%u threads, %.1f "
		    "s)\n", (unsigned long long)sig.vouchers, sig.threads,
		    sig.seconds);
		return failed;
	}
	printf("FAIL signatures: %llu of %llu vouchers do not verify under "
	    "their key or lie outside its certificate (%u threads, %.1f s):\n",
	    (unsigned long long)sig.failed, (unsigned long long)sig.vouchers,
	    sig.threads, sig.seconds);
	for (i = 0; i < sig.n_shown; i++)
		printf("     %s\n", sig.shown[i].text);
	if (sig.failed > sig.n_shown)
		printf("     ... and %llu more\n",
		    (unsigned long long)(sig.failed - sig.n_shown));
	return 1;
}

/* Everything about money, on one snapshot of the database. */
static int
money(struct store *s, const struct config *cfg, const char *master)
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
	failed |= signatures(s, cfg, master);
	store_money_end(s);
	return failed;
}

int
admin_audit(int argc, char **argv)
{
	static struct config cfg;
	const char *config = NULL, *master = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "master", &master, false },
		{ NULL, NULL, false },
	};
	struct pn_error err;
	struct store *s;
	uint64_t rows;
	int64_t bad_id, problems;
	int failed = 0, rc;

	if ((rc = admin_getopt(CMD, "audit --config FILE [--master PUB]",
	    argc, argv, opts)) != 0)
		return rc;
	if ((s = admin_open_config(CMD, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
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
	if (store_check_booklets(s, &problems, &err) != 0) {
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
	failed |= money(s, &cfg, master);
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
