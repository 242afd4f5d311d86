/* ui_home.c -- GET /accueil: the caseworker's recent booklets and what to do next; for an admin, open integrity alarms and suspended terminals first. */
#include "passnum/timefmt.h"
#include "scope.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

#define RECENT_BOOKLETS 20

struct rows {
	struct html html;
	unsigned n;
};

static int
booklet_row(void *ctx, const struct store_booklet_summary *b)
{
	struct rows *r = ctx;
	char date[PN_TIME_TEXT_MAX], value[PN_MONEY_TEXT_MAX];

	pn_time_format_paris_date(b->issued_at, date);
	pn_money_format(b->value, value);
	html_put(&r->html, "<tr><td><a href=\"/carnets/%L\">Carnet n° %L</a>"
	    "</td><td>%s</td><td>%s</td><td>%s</td><td>%u sur %u</td>"
	    "<td>%s</td><td>%s</td></tr>", b->id, b->id, date,
	    b->programme_name, b->commune, b->outstanding, b->vouchers, value,
	    ui_booklet_state_label(b->state));
	r->n++;
	return 0;
}

enum MHD_Result
ui_home(struct http_request *req)
{
	const struct store_principal *who = http_request_principal(req);
	struct rows rows = { .n = 0 };
	struct store_booklet_filter f = {
		.agency = scope_agency(who), .issued_by = who->user_id
	};
	struct pn_error err;
	int64_t total;
	struct store *s;
	struct html h;

	html_init(&rows.html);
	if ((s = worker_store(&err)) == NULL || store_booklet_list(s, &f, 0,
	    RECENT_BOOKLETS, booklet_row, &rows, &total, &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Accueil");
	/* An admin sees the open alarms and suspended terminals first. */
	if ((who->role & ROLE_ADMIN) != 0 &&
	    (ui_integrity_alarms(&h, s, &err) != 0 ||
	    ui_suspended_terminals(&h, s, &err) != 0)) {
		html_free(&h);
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_put(&h, "<p><a class=\"button\" href=\"/carnets/nouveau\">Nouveau "
	    "carnet</a><a class=\"button secondary\" href=\"/recherche\">"
	    "Rechercher un chèque</a></p><ul><li><a href=\"/carnets\">"
	    "Tous les carnets de votre service</a> : par référence du "
	    "dossier, programme, commune, date ou état</li><li><a "
	    "href=\"/echeances\">Chèques bientôt expirés sans avoir "
	    "servi</a></li></ul><h2>Vos derniers carnets</h2>");
	if (rows.n == 0)
		html_put(&h, "<p>Vous n’avez encore remis aucun carnet.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"derniers\"><table>"
		    "<caption id=\"derniers\">Les %u "
		    "derniers carnets que vous avez remis, du plus récent au "
		    "plus ancien</caption><thead><tr><th scope=\"col\">Carnet"
		    "</th><th scope=\"col\">Remis le</th><th scope=\"col\">"
		    "Programme</th><th scope=\"col\">Commune</th>"
		    "<th scope=\"col\">Chèques valides</th><th scope=\"col\">"
		    "Valeur</th><th scope=\"col\">État</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", rows.n,
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, 200);
}
