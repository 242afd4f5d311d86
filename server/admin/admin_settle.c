/* admin_settle.c -- passnum-admin settle and dispute: the monthly settlement from the shell.
 *
 *   settle draft   --config FILE --period P --as LOGIN
 *   settle list    --config FILE
 *   settle show    --config FILE --batch REF
 *   settle approve --config FILE --batch REF --as LOGIN [--sepa 09|03]
 *                  [--acknowledge-alerts]
 *   settle hold    --config FILE --batch REF --venue SIRET --reason TEXT
 *                  --as LOGIN
 *   settle export  --config FILE --batch REF --out DIR
 *   settle paid    --config FILE --batch REF --as LOGIN --bank-ref R --date D
 *   settle reject  --config FILE --batch REF --as LOGIN --reason TEXT
 *   dispute open    --config FILE --serial N --as LOGIN --reason TEXT
 *   dispute resolve --config FILE --id N --as LOGIN --uphold|--dismiss TEXT
 *   dispute list    --config FILE
 *
 * --as names the accountant or admin acting, who gives their password
 * (admin_person.c), as on the accounting pages: four-eyes compares these
 * users, and the audit log names them. The date is the machine's clock;
 * no option moves it. A draft's alerts (anomalies.h) are printed in
 * French by "settle show"; approving a batch that has some needs
 * --acknowledge-alerts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/money.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "anomalies.h"
#include "settle_approve.h"
#include "settle_batch.h"
#include "settle_draft.h"

/* Declared in admin.h. */
int
admin_settle_refused(const char *cmd, int code, const char *detail)
{
	const struct err_info *e = err_lookup((enum err_code)code);

	fprintf(stderr, "passnum-admin %s: %s (%d %s): %s\n", cmd, e->en,
	    (int)e->code, e->name, detail);
	return ADMIN_EXIT_FAIL;
}

static void
print_batch(const struct store_batch *b)
{
	char money[PN_MONEY_TEXT_MAX], when[PN_TIME_TEXT_MAX];

	pn_money_format(b->total_cents, money);
	pn_time_format(b->drafted_at, when);
	printf("batch %s  period %s  %s\n", b->reference, b->period, b->status);
	printf("  %lld line(s), %lld voucher(s), %s; %lld venue(s) carried "
	    "over", (long long)b->n_lines, (long long)b->n_vouchers, money,
	    (long long)b->n_carried);
	if (b->n_held > 0)
		printf("; %lld held out", (long long)b->n_held);
	printf("\n");
	printf("  drafted by %s at %s\n", b->drafted_by_login, when);
	if (b->approved_at != 0) {
		pn_time_format(b->approved_at, when);
		printf("  approved by %s at %s; MsgId %s, execution %s, "
		    "pain.001.001.%02u\n", b->approved_by_login, when,
		    b->msg_id, b->execution_date, b->sepa_version);
	}
	if (b->alerts_acknowledged > 0)
		printf("  alertes reconnues à l’approbation : %lld\n",
		    (long long)b->alerts_acknowledged);
	if (b->paid_at != 0)
		printf("  paid on %s, bank reference %s\n", b->paid_on,
		    b->paid_reference);
	if (b->rejected_at != 0) {
		pn_time_format(b->rejected_at, when);
		printf("  rejected by %s at %s: %s\n", b->rejected_by_login,
		    when, b->reject_reason);
	}
}

static int
print_line(void *ctx, const struct store_batch_line *l)
{
	char money[PN_MONEY_TEXT_MAX];

	char when[PN_TIME_TEXT_MAX];

	(void)ctx;
	pn_money_format(l->amount_cents, money);
	printf("  %s %s\t%s\t%lld session(s)\t%lld voucher(s)\t%s\t%s",
	    l->carried_over ? "carried" : l->held ? "held   " : "line   ",
	    l->siret, l->iban, (long long)l->sessions, (long long)l->vouchers,
	    money, l->name);
	if (l->held) {
		pn_time_format_paris(l->held_at, when);
		printf("\tRetenue : %s (par %s, le %s)", l->hold_reason,
		    l->held_by_login, when);
	}
	printf("\n");
	return 0;
}

/* A draft's alerts, by venue, in French (anomalies.h). 0 or -1. */
static int
print_alerts(struct store *s, const struct store_batch *b, int64_t now,
    struct pn_error *err)
{
	struct anomaly_list l = { NULL, 0, 0 };
	size_t i;

	if (anomalies_of_batch(s, b, now, &l, err) != 0)
		return -1;
	if (l.n == 0)
		printf("aucune alerte sur ce lot\n");
	else
		printf("%zu %s sur ce lot, à lire avant de l’approuver "
		    "(settle approve ... --acknowledge-alerts) :\n", l.n,
		    l.n == 1 ? "alerte" : "alertes");
	for (i = 0; i < l.n; i++) {
		if (i == 0 || l.a[i].venue_id != l.a[i - 1].venue_id)
			printf("  %s (SIRET %s)\n", l.a[i].venue_name,
			    l.a[i].siret);
		printf("    - %s : %s\n", anomaly_kind_title(l.a[i].kind),
		    l.a[i].text);
	}
	anomaly_list_free(&l);
	return 0;
}

static int
print_file(void *ctx, const struct store_batch_file *f)
{
	char hex[65];

	(void)ctx;
	sodium_bin2hex(hex, sizeof(hex), f->hash, sizeof(f->hash));
	printf("  file %s\t%lld bytes\tblake2b %s\n", f->name,
	    (long long)f->size, hex);
	return 0;
}

static int
print_list_row(void *ctx, const struct store_batch *b)
{
	char money[PN_MONEY_TEXT_MAX];

	(void)ctx;
	pn_money_format(b->total_cents, money);
	printf("%s\t%s\t%s\t%lld line(s)\t%lld voucher(s)\t%s\n", b->reference,
	    b->period, b->status, (long long)b->n_lines,
	    (long long)b->n_vouchers, money);
	return 0;
}

static int
settle_draft_cmd(int argc, char **argv)
{
	const char *cmd = "settle draft", *config = NULL, *period = NULL,
	    *as = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true }, { "period", &period, true },
		{ "as", &as, true }, { NULL, NULL, false },
	};
	struct store_principal who;
	struct store_batch b;
	struct config cfg;
	struct op_refusal why;
	struct op_ctx cx;
	struct store *s;
	enum err_code rc;
	bool existing;
	int r;

	if ((r = admin_getopt(cmd, "settle draft --config FILE --period P "
	    "--as LOGIN", argc, argv, opts)) != 0)
		return r;
	if ((s = admin_open_config(cmd, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	if ((r = admin_person(cmd, s, &cfg, as, &who)) != 0) {
		store_close(s);
		return r;
	}
	cx = (struct op_ctx){ s, &cfg, NULL, &who, (int64_t)time(NULL), NULL };
	rc = settle_draft(&cx, period, &b, &existing, &why);
	store_close(s);
	if (rc != ERR_NONE)
		return admin_settle_refused(cmd, rc, why.detail);
	if (existing)
		printf("period %s has a batch already (not rejected); "
		    "unchanged:\n", b.period);
	print_batch(&b);
	return ADMIN_EXIT_OK;
}

/* Open the store and find --batch: 0, or an exit status. */
static int
open_batch(const char *cmd, const char *config, const char *reference,
    struct config *cfg, struct store **s, struct store_batch *b)
{
	struct pn_error err;
	int rc;

	if ((*s = admin_open_config(cmd, config, cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	if ((rc = store_batch_get(*s, reference, b, &err)) != 0) {
		store_close(*s);
		if (rc < 0)
			return admin_store_fail(cmd, &err, NULL);
		return admin_settle_refused(cmd, rc, err.message);
	}
	return 0;
}

static int
settle_show_cmd(int argc, char **argv)
{
	const char *cmd = "settle show", *config = NULL, *ref = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true }, { "batch", &ref, true },
		{ NULL, NULL, false },
	};
	struct store_batch b;
	struct config cfg;
	struct pn_error err;
	struct store *s;
	int r;

	if ((r = admin_getopt(cmd, "settle show --config FILE --batch REF",
	    argc, argv, opts)) != 0 ||
	    (r = open_batch(cmd, config, ref, &cfg, &s, &b)) != 0)
		return r;
	print_batch(&b);
	if (store_batch_lines(s, b.id, print_line, NULL, &err) != 0 ||
	    store_batch_files(s, b.id, print_file, NULL, &err) != 0 ||
	    (strcmp(b.status, "draft") == 0 && print_alerts(s, &b,
	    (int64_t)time(NULL), &err) != 0))
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

static int
settle_list_cmd(int argc, char **argv)
{
	const char *cmd = "settle list", *config = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true }, { NULL, NULL, false },
	};
	struct pn_error err;
	struct store *s;
	int r;

	if ((r = admin_getopt(cmd, "settle list --config FILE", argc, argv,
	    opts)) != 0)
		return r;
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_batch_each(s, 1000, print_list_row, NULL, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

/*
 * The actions on one batch by one user: approve, hold, paid, reject. Each
 * has its own options; they share opening, finding the user, and
 * reporting.
 */
static int
settle_act_cmd(int argc, char **argv)
{
	const char *action = argv[0];
	const char *config = NULL, *ref = NULL, *as = NULL, *sepa = NULL,
	    *bank_ref = NULL, *date = NULL, *reason = NULL, *venue = NULL;
	/* The only option without a value, taken out before the others. */
	bool acknowledge = strcmp(action, "approve") == 0 &&
	    admin_take_flag(&argc, argv, "acknowledge-alerts");
	struct admin_opt opts[6] = {
		{ "config", &config, true }, { "batch", &ref, true },
		{ "as", &as, true },
	};
	char cmd[32], usage[160];
	struct store_principal who;
	struct store_batch b;
	struct config cfg;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	unsigned version = 0;
	enum err_code rc;
	int r;

	(void)snprintf(cmd, sizeof(cmd), "settle %s", action);
	if (strcmp(action, "approve") == 0) {
		opts[3] = (struct admin_opt){ "sepa", &sepa, false };
		(void)snprintf(usage, sizeof(usage), "settle approve --config "
		    "FILE --batch REF --as LOGIN [--sepa 09|03] "
		    "[--acknowledge-alerts]");
	} else if (strcmp(action, "hold") == 0) {
		opts[3] = (struct admin_opt){ "venue", &venue, true };
		opts[4] = (struct admin_opt){ "reason", &reason, true };
		(void)snprintf(usage, sizeof(usage), "settle hold --config "
		    "FILE --batch REF --venue SIRET --reason TEXT --as LOGIN");
	} else if (strcmp(action, "paid") == 0) {
		opts[3] = (struct admin_opt){ "bank-ref", &bank_ref, true };
		opts[4] = (struct admin_opt){ "date", &date, true };
		(void)snprintf(usage, sizeof(usage), "settle paid --config "
		    "FILE --batch REF --as LOGIN --bank-ref R --date YYYY-MM-DD");
	} else {
		opts[3] = (struct admin_opt){ "reason", &reason, true };
		(void)snprintf(usage, sizeof(usage), "settle reject --config "
		    "FILE --batch REF --as LOGIN --reason TEXT");
	}
	if ((r = admin_getopt(cmd, usage, argc, argv, opts)) != 0)
		return r;
	if (sepa != NULL) {
		if (strcmp(sepa, "09") == 0 || strcmp(sepa, "9") == 0)
			version = 9;
		else if (strcmp(sepa, "03") == 0 || strcmp(sepa, "3") == 0)
			version = 3;
		else
			return admin_usage_error(cmd, "--sepa: 09 "
			    "(pain.001.001.09) or 03 (pain.001.001.03)");
	}
	if ((s = admin_open_config(cmd, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	if ((r = admin_person(cmd, s, &cfg, as, &who)) != 0) {
		store_close(s);
		return r;
	}
	cx = (struct op_ctx){ s, &cfg, NULL, &who, (int64_t)time(NULL), NULL };
	if (strcmp(action, "approve") == 0)
		rc = settle_approve(&cx, ref, version, acknowledge ?
		    SETTLE_ACK_ANY : SETTLE_ACK_NONE, &b, &why);
	else if (strcmp(action, "hold") == 0)
		rc = settle_hold(&cx, ref, venue, reason, &why);
	else if (strcmp(action, "paid") == 0)
		rc = settle_mark_paid(&cx, ref, bank_ref, date, &why);
	else
		rc = settle_reject(&cx, ref, reason, &why);
	if (rc != ERR_NONE) {
		store_close(s);
		return admin_settle_refused(cmd, rc, why.detail);
	}
	if ((r = store_batch_get(s, ref, &b, &err)) != 0) {
		store_close(s);
		return r < 0 ? admin_store_fail(cmd, &err, NULL) :
		    admin_settle_refused(cmd, r, err.message);
	}
	print_batch(&b);
	if (strcmp(action, "hold") == 0 &&
	    store_batch_lines(s, b.id, print_line, NULL, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	if (strcmp(action, "approve") == 0 &&
	    store_batch_files(s, b.id, print_file, NULL, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

/* Write data to dir/name, created anew (0600). 0 or -1 with errno. */
static int
write_new_file(const char *dir, const char *name, const void *data,
    size_t len)
{
	char path[4096];
	ssize_t w;
	size_t off = 0;
	int fd, saved;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0)
		return -1;
	while (off < len) {
		if ((w = write(fd, (const char *)data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			(void)close(fd);
			(void)unlink(path);
			errno = saved;
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		saved = errno;
		(void)unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}

struct export_ctx {
	struct store *s;
	int64_t batch_id;
	const char *dir;
	char **written;		/* the names written so far */
	unsigned n_written;
	int failed;
};

/* Remember name as written, or say that it cannot be. 0 or -1. */
static int
export_written(struct export_ctx *e, const char *name)
{
	char **grown = realloc(e->written, (e->n_written + 1) *
	    sizeof(*e->written));

	if (grown == NULL)
		return -1;
	e->written = grown;
	if ((e->written[e->n_written] = strdup(name)) == NULL)
		return -1;
	e->n_written++;
	return 0;
}

/*
 * After a failure, remove what this export wrote: a payment file without
 * the statements that go with it, or beside a file that was refused, is
 * not to be sent anywhere.
 */
static void
export_undo(struct export_ctx *e)
{
	char path[4096];
	unsigned i;

	for (i = 0; i < e->n_written; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", e->dir,
		    e->written[i]) < sizeof(path))
			(void)unlink(path);
	}
}

static void
export_free(struct export_ctx *e)
{
	unsigned i;

	for (i = 0; i < e->n_written; i++)
		free(e->written[i]);
	free(e->written);
}

static int
export_one(void *ctx, const struct store_batch_file *f)
{
	struct export_ctx *e = ctx;
	struct store_batch_file info;
	struct pn_error err;
	void *data;
	size_t len;
	int rc = store_batch_file_get(e->s, e->batch_id, f->name, &info, &data,
	    &len, &err);

	if (rc != 0) {
		fprintf(stderr, "passnum-admin settle export: %s: %s\n",
		    f->name, rc == 1 ? "vanished" : err.message);
		e->failed = 1;
		return 1;
	}
	if (write_new_file(e->dir, f->name, data, len) != 0) {
		fprintf(stderr, "passnum-admin settle export: %s/%s: %s\n",
		    e->dir, f->name, strerror(errno));
		e->failed = 1;
		free(data);
		return 1;
	}
	free(data);
	if (export_written(e, f->name) != 0) {
		fprintf(stderr, "passnum-admin settle export: out of memory\n");
		e->failed = 1;
		return 1;
	}
	return 0;
}

/* The stored files of an approved batch, byte for byte, into --out. */
static int
settle_export_cmd(int argc, char **argv)
{
	const char *cmd = "settle export", *config = NULL, *ref = NULL,
	    *out = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true }, { "batch", &ref, true },
		{ "out", &out, true }, { NULL, NULL, false },
	};
	struct export_ctx e;
	struct store_batch b;
	struct config cfg;
	struct pn_error err;
	struct store *s;
	int r;

	if ((r = admin_getopt(cmd, "settle export --config FILE --batch REF "
	    "--out DIR", argc, argv, opts)) != 0 ||
	    (r = open_batch(cmd, config, ref, &cfg, &s, &b)) != 0)
		return r;
	if (strcmp(b.status, "approved") != 0 && strcmp(b.status, "paid") != 0) {
		store_close(s);
		fprintf(stderr, "passnum-admin %s: batch %s is %s: its files "
		    "are made when it is approved\n", cmd, b.reference,
		    b.status);
		return ADMIN_EXIT_FAIL;
	}
	if (mkdir(out, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "passnum-admin %s: %s: %s\n", cmd, out,
		    strerror(errno));
		store_close(s);
		return ADMIN_EXIT_FAIL;
	}
	memset(&e, 0, sizeof(e));
	e.s = s;
	e.batch_id = b.id;
	e.dir = out;
	if (store_batch_files(s, b.id, export_one, &e, &err) != 0) {
		export_undo(&e);
		export_free(&e);
		return admin_store_fail(cmd, &err, s);
	}
	store_close(s);
	if (e.failed) {
		export_undo(&e);
		fprintf(stderr, "passnum-admin %s: nothing exported: the %u "
		    "file(s) written before the failure were removed\n", cmd,
		    e.n_written);
		export_free(&e);
		return ADMIN_EXIT_FAIL;
	}
	printf("%u file(s) of %s written to %s\n", e.n_written, b.reference,
	    out);
	export_free(&e);
	return ADMIN_EXIT_OK;
}

int
admin_settle(int argc, char **argv)
{
	if (argc >= 2) {
		const char *sub = argv[1];

		if (strcmp(sub, "draft") == 0)
			return settle_draft_cmd(argc - 1, argv + 1);
		if (strcmp(sub, "list") == 0)
			return settle_list_cmd(argc - 1, argv + 1);
		if (strcmp(sub, "show") == 0)
			return settle_show_cmd(argc - 1, argv + 1);
		if (strcmp(sub, "approve") == 0 || strcmp(sub, "hold") == 0 ||
		    strcmp(sub, "paid") == 0 || strcmp(sub, "reject") == 0)
			return settle_act_cmd(argc - 1, argv + 1);
		if (strcmp(sub, "export") == 0)
			return settle_export_cmd(argc - 1, argv + 1);
	}
	return admin_usage_error("settle", "expected draft, list, show, "
	    "approve, hold, export, paid or reject");
}
