/* ui_alarms.c -- the integrity alarms box: what the database lost, or got back from a terminal's receipt.
 *
 * Shown first on an admin's home page and on /compta while an alarm is
 * open: money may be missing from the database (a lost WAL, an older
 * backup put back) or back in it from a terminal's proof, and a batch
 * drafted meanwhile would pay from incomplete records. An administrator
 * acknowledges each with passnum-admin alarm ack, saying what was done.
 */
#include <string.h>

#include "passnum/timefmt.h"
#include "html.h"
#include "store.h"
#include "ui.h"

struct alarm_rows {
	struct html html;
	unsigned n;
};

static const char *
kind_label(const char *kind)
{
	if (strcmp(kind, "checkpoint_gap") == 0)
		return "Base plus ancienne que ses points de contrôle";
	if (strcmp(kind, "receipt_restored") == 0)
		return "Encaissement rétabli depuis le reçu d’un poste";
	if (strcmp(kind, "receipt_conflict") == 0)
		return "Reçu d’un poste en conflit avec un autre encaissement";
	if (strcmp(kind, "receipt_unrestorable") == 0)
		return "Reçu d’un poste impossible à rétablir";
	return kind;
}

static int
alarm_row(void *ctx, const struct store_alarm *a)
{
	struct alarm_rows *r = ctx;
	char when[PN_TIME_TEXT_MAX];

	pn_time_format_paris(a->at, when);
	html_put(&r->html, "<tr><th scope=\"row\">%L</th><td>%s</td>"
	    "<td>%s</td><td>%s</td></tr>", a->id, when,
	    kind_label(a->kind), a->detail);
	r->n++;
	return 0;
}

int
ui_integrity_alarms(struct html *h, struct store *s, struct pn_error *err)
{
	struct alarm_rows r = { .n = 0 };
	int rc;

	html_init(&r.html);
	if ((rc = store_alarm_each(s, true, 50, alarm_row, &r, err)) == 0 &&
	    r.n > 0) {
		html_put(h, "<section class=\"alert\" "
		    "aria-labelledby=\"alarmes\"><h2 id=\"alarmes\">"
		    "Alertes d’intégrité (%u)</h2><p>La base de données a "
		    "perdu des opérations qu’elle avait confirmées, ou en a "
		    "reçu de nouveau des postes des lieux. Vérifiez les "
		    "encaissements concernés avant de préparer un lot de "
		    "paiement. Un administrateur clôt chaque alerte avec la "
		    "commande <code>passnum-admin alarm ack</code> en disant ce "
		    "qui a été fait.</p><div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"alarmes-liste\">"
		    "<table><caption id=\"alarmes-liste\">Les alertes "
		    "ouvertes, de la plus récente à la plus ancienne</caption>"
		    "<thead><tr><th scope=\"col\">N°</th>"
		    "<th scope=\"col\">Le</th><th scope=\"col\">Nature</th>"
		    "<th scope=\"col\">Détail</th></tr></thead>"
		    "<tbody>%R</tbody></table></div></section>", r.n,
		    r.html.failed ? "" : r.html.buf);
		h->failed |= r.html.failed;
	}
	html_free(&r.html);
	return rc;
}
