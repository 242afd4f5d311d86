/* ui_admin_jobs.c -- « Tâches de nuit »: the last runs of passnum-admin expire and audit, and the audit run now.
 *
 *   GET  /admin/taches		the last run of each job, and its result
 *   POST /admin/taches/audit	« Lancer l'audit maintenant »
 *
 * The commands record each run in job_run (store.h) whatever its result,
 * so the page tells an admin whether cron runs them, without reading the
 * server's mail. The audit run from the page is the command's read-only
 * checks that need neither files nor threads: SQLite's integrity check,
 * the audit log's chain, the booklets whole, the programmes' money and
 * every money check of the store (store_money_check()), on one snapshot.
 * The command adds what this page leaves to it (docs/operations.md): the
 * checkpoints' history file, the terminals' receipts, and every voucher's
 * signature, which takes minutes and threads of its own.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/timefmt.h"
#include "op_request.h"
#include "ui.h"
#include "worker.h"

static void
run_line(struct html *h, struct store *s, const char *job, const char *title)
{
	struct store_job_run r;
	struct pn_error err;
	char when[PN_TIME_TEXT_MAX];
	int res = store_job_run_last(s, job, &r, &err);

	html_put(h, "<section class=\"panel\"><h2>%s</h2>", title);
	if (res < 0)
		html_put(h, "<p>Lecture impossible : %s</p>", err.message);
	else if (res == STORE_NOT_FOUND)
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>Aucun "
		    "passage enregistré : vérifiez que la tâche de nuit est "
		    "bien programmée (docs/operations.md).</p></div>");
	else {
		pn_time_format_paris(r.at, when);
		html_put(h, "<p>Dernier passage : %s (%s).</p><p class=\"%s\">"
		    "<strong>%s</strong></p><p>Détails techniques : %s</p>",
		    when, strcmp(r.via, "web") == 0 ? "depuis cette page" :
		    "par la commande", r.ok ? "" : "status-cancelled", r.ok ?
		    "Réussi." : "Échec : lancez la commande à la main et lisez "
		    "ses lignes FAIL.", r.summary);
	}
	html_put(h, "</section>");
}

static void
page_top(struct html *h, struct http_request *req, struct store *s)
{
	ui_begin(h, req, "Tâches de nuit");
	run_line(h, s, "expire", "Expiration des chèques (passnum-admin "
	    "expire)");
	run_line(h, s, "audit", "Audit de la base (passnum-admin audit)");
	html_put(h, "<form method=\"post\" action=\"/admin/taches/audit\">");
	ui_csrf_field(h, req);
	html_put(h, "<button type=\"submit\">Lancer l’audit maintenant"
	    "</button></form>");
}

enum MHD_Result
ui_admin_jobs(struct http_request *req)
{
	struct pn_error err;
	struct store *s;
	struct html h;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	html_init(&h);
	page_top(&h, req, s);
	return ui_end(&h, req, 200);
}

/* The problems of a check, the first few shown. */
struct problems {
	struct html *h;
	unsigned shown;
};

static int
money_problem(void *ctx, const char *problem)
{
	struct problems *p = ctx;

	if (p->shown++ < 5)
		html_put(p->h, "<li>%s</li>", problem);
	return 0;
}

static void
booklet_problem(void *ctx, const struct store_booklet_problem *bp)
{
	struct problems *p = ctx;

	if (p->shown++ < 5)
		html_put(p->h, "<li>%s %L : %s %L, %s %L</li>", bp->what, bp->id,
		    bp->expected, bp->expected_n, bp->found, bp->found_n);
}

static int
line(struct html *h, bool ok, const char *what, const char *detail)
{
	html_put(h, "<li><strong>%s</strong> %s%s%s</li>", ok ? "Correct :" :
	    "ÉCHEC :", what, detail != NULL ? " — " : "", detail != NULL ?
	    detail : "");
	return ok ? 0 : 1;
}

enum MHD_Result
ui_admin_jobs_audit(struct http_request *req)
{
	struct problems p = { NULL, 0 };
	struct store_job_run run;
	struct pn_error err;
	struct store *s;
	struct html h;
	struct op_ctx cx;
	uint64_t rows;
	int64_t bad_id, problems;
	char text[128];
	int failed = 0, i;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	html_init(&h);
	p.h = &h;
	ui_begin(&h, req, "Audit de la base");
	html_put(&h, "<ul class=\"audit\">");
	if (store_integrity_check(s, &err) != 0)
		failed |= line(&h, false, "intégrité de la base", err.message);
	else
		failed |= line(&h, true, "intégrité de la base", NULL);
	if (store_audit_verify(s, &rows, &bad_id, &err) == 0) {
		(void)snprintf(text, sizeof(text), "%llu lignes",
		    (unsigned long long)rows);
		failed |= line(&h, true, "chaîne du journal d’audit", text);
	} else
		failed |= line(&h, false, "chaîne du journal d’audit",
		    err.message);
	if (store_check_booklets(s, booklet_problem, &p, &problems, &err) !=
	    0)
		failed |= line(&h, false, "carnets", err.message);
	else
		failed |= line(&h, problems == 0, "carnets complets, montants "
		    "des programmes égaux à leurs chèques", NULL);
	if (store_money_begin(s, &err) != 0)
		failed |= line(&h, false, "comptes", err.message);
	else {
		for (i = 0; i < store_money_checks(); i++) {
			bool ok;

			p.shown = 0;
			ok = store_money_check(s, i, money_problem, &p,
			    &problems, &err) == 0 && problems == 0;
			/* The check's sentence is the command's, in English. */
			html_put(&h, "<li><strong>%s</strong> contrôle des "
			    "comptes n° %d <span lang=\"en\">(%s)</span></li>",
			    ok ? "Correct :" : "ÉCHEC :", i + 1,
			    store_money_check_name(i));
			failed |= !ok;
		}
		store_money_end(s);
	}
	html_put(&h, "</ul>");
	html_put(&h, "<div class=\"alert%s\" role=\"status\"><p>%s</p></div>",
	    failed ? "" : " ok", failed ? "L’audit a trouvé des problèmes : "
	    "lancez passnum-admin audit et transmettez son résultat." :
	    "Tout est correct.");
	html_put(&h, "<p>Cet audit ne refait pas la vérification des "
	    "signatures ni des points de contrôle : la tâche de nuit s’en "
	    "charge.</p><p><a href=\"/admin/taches\">Retour aux tâches</a></p>");
	run = (struct store_job_run){ "audit", cx.now, !failed, "", "web" };
	(void)snprintf(run.summary, sizeof(run.summary), "%s by %s", failed ?
	    "FAILED" : "everything holds", op_actor(&cx));
	if (store_job_run_add(s, &run, &err) != 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	return ui_end(&h, req, 200);
}
