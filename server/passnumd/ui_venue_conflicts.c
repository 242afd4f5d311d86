/* ui_venue_conflicts.c -- GET /lieu/conflits: the venue's vouchers that another record had already used, with the proof.
 *
 * The first record of a voucher the server commits wins; any later one is
 * kept as a conflict pointing at the winner. The venue sees, for each of
 * its records that lost, where and when the voucher had been used: what
 * it needs to take the matter up with the Département.
 */
#include <stdio.h>

#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

/* Conflicts listed, newest first: a venue with more has a problem to call about. */
#define CONFLICTS_SHOWN 200

struct rows {
	struct html html;
	const struct ui_venue *uv;
	unsigned n;
};

static int
conflict_row(void *ctx, const struct store_venue_conflict *c)
{
	struct rows *r = ctx;
	char printed[PN_SERIAL_TEXT_MAX], value[PN_MONEY_TEXT_MAX];
	char taken[PN_TIME_TEXT_MAX], session[PN_TIME_TEXT_MAX];
	char used[PN_TIME_TEXT_MAX], used_rx[PN_TIME_TEXT_MAX];
	char used_day[PN_TIME_TEXT_MAX];
	char path[48], href[96];

	pn_serial_format(c->lost.serial, printed);
	pn_money_format(c->lost.value, value);
	pn_time_format_paris(c->lost.terminal_time, taken);
	pn_time_format_paris(c->session_starts_at, session);
	pn_time_format_paris_date(c->winner_terminal_time, used_day);
	pn_time_format_paris(c->winner_terminal_time, used);
	pn_time_format_paris(c->winner_received_at, used_rx);
	(void)snprintf(path, sizeof(path), "/lieu/sessions/%lld",
	    (long long)c->session_id);
	ui_venue_href(r->uv, path, NULL, href, sizeof(href));
	html_put(&r->html, "<tr><td class=\"serial\">%s</td><td>%s</td>"
	    "<td>%s</td><td><a href=\"%s\">%s</a> — %s</td>"
	    "<td>Chèque déjà utilisé le %s à %s (pris par son terminal le %s, "
	    "reçu par le serveur le %s)</td></tr>", printed, value, taken,
	    href, session, c->session_theme, used_day, c->winner_venue_name,
	    used, used_rx);
	r->n++;
	return 0;
}

enum MHD_Result
ui_venue_conflicts(struct http_request *req)
{
	struct rows rows = { .n = 0 };
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	struct html h;
	enum MHD_Result rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, false, &uv, &rc) != 0)
		return rc;
	rows.uv = &uv;
	html_init(&rows.html);
	if (store_venue_conflicts(s, uv.v.id, CONFLICTS_SHOWN, conflict_row,
	    &rows, &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Chèques en conflit");
	ui_venue_banner(&h, &uv);
	html_put(&h, "<div class=\"panel\"><h2>Qu’est-ce qu’un conflit ?</h2>"
	    "<p>Un chèque ne peut servir qu’une fois. Quand le même chèque "
	    "est présenté deux fois, le serveur retient le premier "
	    "enregistrement qu’il reçoit ; les suivants sont gardés comme "
	    "conflits et ne sont pas remboursés. Cela arrive surtout quand un "
	    "terminal hors connexion accepte un chèque déjà utilisé ailleurs, "
	    "ou une copie d’un chèque.</p><p><strong>Que faire ?</strong> "
	    "Gardez le chèque papier qui vous a été remis, et contactez le "
	    "Département en donnant son numéro : il examinera le cas. La "
	    "preuve ci-dessous dit où et quand le chèque avait déjà été "
	    "utilisé.</p></div>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun chèque de ce lieu n’est en conflit.</p>");
	else {
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"conflits-liste\"><table>"
		    "<caption id=\"conflits-liste\">Chèques "
		    "de ce lieu en conflit (%u), du plus récent au plus ancien"
		    "</caption><thead><tr><th scope=\"col\">Numéro du "
		    "chèque</th><th scope=\"col\">Valeur</th>"
		    "<th scope=\"col\">Présenté ici le</th>"
		    "<th scope=\"col\">Séance</th><th scope=\"col\">Preuve"
		    "</th></tr></thead><tbody>%R</tbody></table></div>", rows.n,
		    rows.html.failed ? "" : rows.html.buf);
		if (rows.n == CONFLICTS_SHOWN)
			html_put(&h, "<p>Seuls les %u plus récents sont "
			    "affichés.</p>", rows.n);
	}
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, 200);
}
