/* ui_venue_home.c -- GET /lieu: a venue's month: its sessions, the vouchers accepted, what it is owed.
 *
 * The month is that of Paris (?mois=2026-11, the current one by default);
 * a session counts in the month in which it starts, and the amount due is
 * the value of the vouchers accepted at those sessions. A terminal of the
 * venue suspended pending review is said first: why, and whom to ask.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/timefmt.h"
#include "settle_rules.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

struct rows {
	struct html html;
	const struct ui_venue *uv;
	const struct month_money *mm;
	unsigned n;
};

/* The month's money, and each session's. */
struct month_money {
	struct ui_money all;
	struct ui_money *sessions;
	size_t n, cap;
	bool failed;
};

static int
money_row(void *ctx, const struct store_venue_money *m)
{
	struct month_money *mm = ctx;
	struct ui_money *t;

	/* The rows come session by session. */
	if (mm->n == 0 || mm->sessions[mm->n - 1].session_id != m->session_id) {
		if (mm->n == mm->cap) {
			size_t cap = mm->cap == 0 ? 16 : mm->cap * 2;

			if ((t = reallocarray(mm->sessions, cap,
			    sizeof(*t))) == NULL) {
				mm->failed = true;
				return 1;
			}
			mm->sessions = t;
			mm->cap = cap;
		}
		t = &mm->sessions[mm->n++];
		memset(t, 0, sizeof(*t));
		t->session_id = m->session_id;
	}
	if (ui_money_add(&mm->all, m) != 0 ||
	    ui_money_add(&mm->sessions[mm->n - 1], m) != 0) {
		mm->failed = true;
		return 1;
	}
	return 0;
}

static void
month_money_free(struct month_money *mm)
{
	size_t i;

	ui_money_free(&mm->all);
	for (i = 0; i < mm->n; i++)
		ui_money_free(&mm->sessions[i]);
	free(mm->sessions);
}

static int
session_row(void *ctx, const struct store_venue_session *t)
{
	static const struct ui_money none;
	struct rows *r = ctx;
	const struct ui_money *mo = &none;
	char when[PN_TIME_TEXT_MAX], amount[PN_MONEY_TEXT_MAX];
	char duration[32], path[48], href[96];
	size_t i;

	for (i = 0; i < r->mm->n; i++)
		if (r->mm->sessions[i].session_id == t->id)
			mo = &r->mm->sessions[i];
	pn_time_format_paris(t->starts_at, when);
	pn_money_format(t->amount, amount);
	pn_duration_format(t->duration_minutes, duration, sizeof(duration));
	(void)snprintf(path, sizeof(path), "/lieu/sessions/%lld",
	    (long long)t->id);
	ui_venue_href(r->uv, path, NULL, href, sizeof(href));
	html_put(&r->html, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td>"
	    "<td>%s</td><td>%u</td><td>%s</td><td>", href, when, t->theme,
	    duration, t->accepted, amount);
	ui_money_list(&r->html, r->uv, mo);
	html_put(&r->html, "</td><td>%u</td></tr>", t->conflicts);
	r->n++;
	return 0;
}

/* A banner per suspended terminal of the venue. */
static int
suspended_banner(void *ctx, const struct store_suspended_terminal *t)
{
	struct html *h = ctx;
	char when[PN_TIME_TEXT_MAX];

	pn_time_format_paris(t->suspended_at, when);
	html_put(h, "<div class=\"alert\" role=\"alert\"><p><strong>Votre "
	    "terminal « %s » est suspendu</strong> depuis le %s. Motif : %s."
	    "</p><p>Il ne peut plus accepter de chèques tant qu’un "
	    "administrateur du Département n’a pas examiné la situation et ne "
	    "l’a pas réactivé. Les chèques acceptés avant la suspension "
	    "restent dus. Pour comprendre ce qui s’est passé et faire "
	    "réactiver le terminal, contactez le Département : le service "
	    "qui suit les lieux partenaires.</p></div>", t->label, when,
	    t->reason[0] != '\0' ? t->reason : "non précisé");
	return 0;
}

/* The month chooser: previous and next month, and a field to type one. */
static void
put_chooser(struct html *h, const struct ui_venue *uv, int year, int month,
    const char *typed)
{
	char prev[40], next[40], href_prev[96], href_next[96];
	char this_month[32];
	int py = month == 1 ? year - 1 : year, pm = month == 1 ? 12 : month - 1;
	int ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;

	(void)snprintf(prev, sizeof(prev), "mois=%04d-%02d", py, pm);
	(void)snprintf(next, sizeof(next), "mois=%04d-%02d", ny, nm);
	(void)snprintf(this_month, sizeof(this_month), "%04d-%02d", year,
	    month);
	ui_venue_href(uv, "/lieu", prev, href_prev, sizeof(href_prev));
	ui_venue_href(uv, "/lieu", next, href_next, sizeof(href_next));
	html_put(h, "<form class=\"panel\" method=\"get\" action=\"/lieu\">"
	    "<label for=\"mois\">Mois affiché<span class=\"hint\" "
	    "id=\"mois-hint\">Sous la forme AAAA-MM, par exemple 2026-11."
	    "</span></label>");
	ui_compta_field_error(h, "mois", typed != NULL, "Ce mois n’existe "
	    "pas : écrivez l’année puis le mois, de 01 à 12, par exemple "
	    "2026-11.");
	html_put(h, "<input id=\"mois\" name=\"mois\" type=\"month\" "
	    "required pattern=\"[0-9]{4}-[0-9]{2}\"");
	ui_compta_field_attrs(h, "mois", "mois-hint", typed != NULL);
	html_put(h, " value=\"%s\">", typed != NULL ? typed : this_month);
	if (uv->param[0] != '\0')
		html_put(h, "<input type=\"hidden\" name=\"lieu\" value=\"%L\">",
		    uv->v.id);
	html_put(h, "<button type=\"submit\">Afficher</button>"
	    "<p><a href=\"%s\">Mois précédent</a> · <a href=\"%s\">Mois "
	    "suivant</a></p></form>", href_prev, href_next);
}

/*
 * A month typed wrong: the month form again, with the error beside the
 * field, answered 400 (ERR_BAD_MONTH) rather than a page with no way on.
 */
static enum MHD_Result
bad_month(struct http_request *req, struct store *s,
    const struct ui_venue *uv, const char *typed)
{
	struct pn_error err;
	struct html h;
	int year, month;

	pn_paris_month_of((int64_t)time(NULL), &year, &month);
	html_init(&h);
	ui_begin(&h, req, "Séances et remboursements");
	if (store_terminals_suspended(s, uv->v.id, 0, suspended_banner, &h,
	    &err) != 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	ui_venue_banner(&h, uv);
	html_put(&h, "<h2>Choisir un mois</h2>");
	ui_compta_alert(&h, req, ERR_BAD_MONTH, NULL);
	put_chooser(&h, uv, year, month, typed);
	return ui_end(&h, req, err_lookup(ERR_BAD_MONTH)->status);
}

enum MHD_Result
ui_venue_home(struct http_request *req)
{
	const char *typed = http_request_query(req, "mois");
	struct store_settle_rules rules;
	struct store_venue_month m;
	struct month_money mm;
	struct rows rows = { .n = 0 };
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	struct html h;
	enum MHD_Result rc;
	char label[48], amount[PN_MONEY_TEXT_MAX], href[64], caption[160];
	int64_t from, to, now = (int64_t)time(NULL);
	int year, month;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, true, &uv, &rc) != 0)
		return rc;
	if (typed == NULL || typed[0] == '\0')
		pn_paris_month_of(now, &year, &month);
	else if (pn_month_parse(typed, &year, &month) != 0)
		return bad_month(req, s, &uv, typed);
	if (pn_paris_month_bounds(year, month, &from, &to) != 0)
		return bad_month(req, s, &uv, typed);
	settle_rules_of(http_request_config(req), &rules);
	memset(&mm, 0, sizeof(mm));
	rows.uv = &uv;
	rows.mm = &mm;
	html_init(&rows.html);
	if (store_venue_month(s, uv.v.id, from, to, &m, &err) != 0 ||
	    store_venue_money(s, uv.v.id, from, to, 0, rules.contest_seconds,
	    now, money_row, &mm, &err) != 0 || mm.failed ||
	    store_venue_sessions(s, uv.v.id, from, to, session_row, &rows,
	    &err) != 0) {
		html_free(&rows.html);
		month_money_free(&mm);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, mm.failed ?
		    "out of memory summing the month" : err.message);
	}
	ui_month_name(year, month, label, sizeof(label));
	pn_money_format(m.amount, amount);
	html_init(&h);
	ui_begin(&h, req, "Séances et remboursements");
	if (store_terminals_suspended(s, uv.v.id, 0, suspended_banner, &h,
	    &err) != 0) {
		html_free(&h);
		html_free(&rows.html);
		month_money_free(&mm);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	ui_venue_banner(&h, &uv);
	html_put(&h, "<h2>Mois de %s</h2>", label);
	put_chooser(&h, &uv, year, month, NULL);
	html_put(&h, "<dl class=\"panel\"><dt>Séances</dt><dd>%u</dd>"
	    "<dt>Chèques acceptés</dt><dd>%u</dd>"
	    "<dt>Valeur des chèques acceptés</dt><dd>%s</dd>"
	    "<dt>Conflits</dt><dd>%u", m.sessions, m.accepted, amount,
	    m.conflicts);
	if (m.conflicts > 0) {
		ui_venue_href(&uv, "/lieu/conflits", NULL, href, sizeof(href));
		html_put(&h, " (<a href=\"%s\">voir les conflits</a>)", href);
	}
	html_put(&h, "</dd></dl>");
	html_put(&h, "<h2>Où en est le paiement</h2><p class=\"hint\">Un "
	    "chèque accepté reste %u %s en délai de contestation après "
	    "la fin de sa séance (ou après sa réception, si le terminal l’a "
	    "transmis plus tard) ; le Département peut alors le contester. "
	    "Passé ce délai, il est validé et réglé avec le mois de sa séance, "
	    "par virement. Les montants sont la valeur des chèques ; une "
	    "éventuelle commission figure sur le relevé du lot. Un chèque en "
	    "conflit n’est pas compté.</p>",
	    http_request_config(req)->settlement.contest_days,
	    html_plural(http_request_config(req)->settlement.contest_days,
	    "jour", "jours"));
	(void)snprintf(caption, sizeof(caption), "Les chèques acceptés en %s, "
	    "selon où en est leur paiement", label);
	ui_money_table(&h, &uv, &mm.all, "paiement", caption);
	ui_venue_href(&uv, "/lieu/releves", NULL, href, sizeof(href));
	html_put(&h, "<p><a href=\"%s\">Relevés de règlement</a> : ce que "
	    "chaque virement du Département a payé.</p>", href);
	ui_venue_href(&uv, "/lieu/postes", NULL, href, sizeof(href));
	html_put(&h, "<p><a href=\"%s\">Postes</a> : les terminaux du lieu ; "
	    "en ajouter un, en révoquer un perdu.</p>", href);
	if (rows.n == 0)
		html_put(&h, "<p>Aucune séance ce mois-ci.</p>");
	else
		html_put(&h, "<h2>Les séances</h2><div class=\"scroll\" "
		    "tabindex=\"0\" role=\"region\" aria-labelledby=\"seances\">"
		    "<table><caption id=\"seances\">Les "
		    "séances de %s, dans l’ordre où elles commencent</caption>"
		    "<thead><tr><th scope=\"col\">Début</th>"
		    "<th scope=\"col\">Thème</th><th scope=\"col\">Durée</th>"
		    "<th scope=\"col\">Chèques acceptés</th>"
		    "<th scope=\"col\">Montant</th>"
		    "<th scope=\"col\">Paiement</th>"
		    "<th scope=\"col\">Conflits</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", label,
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	month_money_free(&mm);
	return ui_end(&h, req, 200);
}
