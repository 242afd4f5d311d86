/* ui_venue_home.c -- GET /lieu: a venue's month: its sessions, the vouchers accepted, what it is owed.
 *
 * The month is that of Paris (?mois=2026-11, the current one by default);
 * a session counts in the month in which it starts, and the amount due is
 * the value of the vouchers accepted at those sessions. A terminal of the
 * venue suspended pending review is said first: why, and whom to ask.
 */
#include <stdio.h>
#include <time.h>

#include "passnum/timefmt.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

struct rows {
	struct html html;
	const struct ui_venue *uv;
	unsigned n;
};

static int
session_row(void *ctx, const struct store_venue_session *t)
{
	struct rows *r = ctx;
	char when[PN_TIME_TEXT_MAX], amount[PN_MONEY_TEXT_MAX];
	char duration[32], path[48], href[96];

	pn_time_format_paris(t->starts_at, when);
	pn_money_format(t->amount, amount);
	ui_duration(t->duration_minutes, duration, sizeof(duration));
	(void)snprintf(path, sizeof(path), "/lieu/sessions/%lld",
	    (long long)t->id);
	ui_venue_href(r->uv, path, NULL, href, sizeof(href));
	html_put(&r->html, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td>"
	    "<td>%s</td><td>%u</td><td>%s</td><td>%u</td></tr>", href, when,
	    t->theme, duration, t->accepted, amount, t->conflicts);
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
put_chooser(struct html *h, const struct ui_venue *uv, int year, int month)
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
	    "</span></label><input id=\"mois\" name=\"mois\" type=\"month\" "
	    "required pattern=\"[0-9]{4}-[0-9]{2}\" "
	    "aria-describedby=\"mois-hint\" value=\"%s\">", this_month);
	if (uv->param[0] != '\0')
		html_put(h, "<input type=\"hidden\" name=\"lieu\" value=\"%L\">",
		    uv->v.id);
	html_put(h, "<button type=\"submit\">Afficher</button>"
	    "<p><a href=\"%s\">Mois précédent</a> · <a href=\"%s\">Mois "
	    "suivant</a></p></form>", href_prev, href_next);
}

enum MHD_Result
ui_venue_home(struct http_request *req)
{
	const char *typed = http_request_query(req, "mois");
	struct store_venue_month m;
	struct rows rows = { .n = 0 };
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	struct html h;
	enum MHD_Result rc;
	char label[48], amount[PN_MONEY_TEXT_MAX], href[64];
	int64_t from, to;
	int year, month;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, true, &uv, &rc) != 0)
		return rc;
	if (typed == NULL || typed[0] == '\0')
		pn_paris_month_of((int64_t)time(NULL), &year, &month);
	else if (pn_month_parse(typed, &year, &month) != 0)
		return ui_error_page(req, ERR_BAD_MONTH, "mois");
	if (pn_paris_month_bounds(year, month, &from, &to) != 0)
		return ui_error_page(req, ERR_BAD_MONTH, "mois");
	rows.uv = &uv;
	html_init(&rows.html);
	if (store_venue_month(s, uv.v.id, from, to, &m, &err) != 0 ||
	    store_venue_sessions(s, uv.v.id, from, to, session_row, &rows,
	    &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	ui_month_name(year, month, label, sizeof(label));
	pn_money_format(m.amount, amount);
	html_init(&h);
	ui_begin(&h, req, "Séances et remboursements");
	if (store_terminals_suspended(s, uv.v.id, 0, suspended_banner, &h,
	    &err) != 0) {
		html_free(&h);
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	ui_venue_banner(&h, &uv);
	html_put(&h, "<h2>Mois de %s</h2>", label);
	put_chooser(&h, &uv, year, month);
	html_put(&h, "<dl class=\"panel\"><dt>Séances</dt><dd>%u</dd>"
	    "<dt>Chèques acceptés</dt><dd>%u</dd>"
	    "<dt>Montant dû</dt><dd>%s</dd><dt>Conflits</dt><dd>%u",
	    m.sessions, m.accepted, amount, m.conflicts);
	if (m.conflicts > 0) {
		ui_venue_href(&uv, "/lieu/conflits", NULL, href, sizeof(href));
		html_put(&h, " (<a href=\"%s\">voir les conflits</a>)", href);
	}
	html_put(&h, "</dd></dl><p class=\"hint\">Le montant dû est la valeur "
	    "des chèques acceptés aux séances qui commencent ce mois-ci ; le "
	    "Département le rembourse après validation des séances. Un "
	    "chèque en conflit n’est pas compté.</p>");
	ui_venue_href(&uv, "/lieu/releves", NULL, href, sizeof(href));
	html_put(&h, "<p><a href=\"%s\">Relevés de règlement</a> : ce que "
	    "chaque virement du Département a payé.</p>", href);
	if (rows.n == 0)
		html_put(&h, "<p>Aucune séance ce mois-ci.</p>");
	else
		html_put(&h, "<div class=\"scroll\"><table><caption>Les "
		    "séances de %s, dans l’ordre où elles commencent</caption>"
		    "<thead><tr><th scope=\"col\">Début</th>"
		    "<th scope=\"col\">Thème</th><th scope=\"col\">Durée</th>"
		    "<th scope=\"col\">Chèques acceptés</th>"
		    "<th scope=\"col\">Montant</th>"
		    "<th scope=\"col\">Conflits</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", label,
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, 200);
}
