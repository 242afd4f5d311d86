/* ui_compta_batch.c -- GET /compta/lots/{ref}: one settlement batch, its lines, its alerts, its files, and what can be done to it.
 *
 * A draft shows its alerts (anomalies.h), by venue, before anything else.
 * It can be approved (by another accountant than its drafter: the
 * four-eyes rule, which settle_approve() enforces; the page only says it
 * beforehand; a batch with alerts also needs the box acknowledging them,
 * which sends how many the page showed), one venue's line can be held out
 * of it with a reason, or it can be rejected with a reason. A held line
 * stays on the page, "Retenue : motif", and is not paid. An approved
 * batch has its files
 * (payment file, mandate list, one statement per venue), downloadable
 * exactly as stored, and can be marked paid or rejected. A paid or
 * rejected batch is read-only. Every action is a POST with the session's
 * CSRF token, answered by a redirect to this page, or by this page again
 * with the refusal's French message at the form that was sent; nothing
 * is written then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/bankid.h"
#include "passnum/parse.h"
#include "passnum/request.h"
#include "passnum/timefmt.h"
#include "anomalies.h"
#include "form.h"
#include "settle_approve.h"
#include "settle_batch.h"
#include "settle_rules.h"
#include "store.h"
#include "op_request.h"
#include "ui.h"
#include "worker.h"

#define REASON_MAX 500		/* a rejection's reason, in characters */

/* Which form a refusal is shown at. */
enum action {
	ACT_NONE,
	ACT_APPROVE,
	ACT_PAID,
	ACT_REJECT,
	ACT_HOLD
};

/* What was sent with a refused action, to fill its form again. */
struct sent {
	enum action action;
	enum err_code code;
	const char *detail;
	const char *bad;		/* the field in error, or NULL */
	const char *sepa;		/* "9", "3" */
	const char *bank_reference;
	const char *paid_on;
	const char *reason;
	const char *alerts;		/* the box's value: the alerts shown */
	const char *siret;		/* the line a hold was asked for */
};

/* The sums of a table of lines. */
struct sums {
	int64_t sessions, vouchers, gross, commission, amount;
	unsigned n;
	bool overflow;
};

struct lines {
	struct html paid, carried, held, holds;
	struct sums paid_sums, carried_sums, held_sums;
	struct http_request *req;
	const struct store_batch *b;
	const struct sent *x;
	struct store *s;		/* for each venue's bank details */
	bool hold_shown;		/* x's hold refusal is at its line's form */
};

static void
add_sums(struct sums *t, const struct store_batch_line *l)
{
	t->overflow |= __builtin_add_overflow(t->sessions, l->sessions,
	    &t->sessions);
	t->overflow |= __builtin_add_overflow(t->vouchers, l->vouchers,
	    &t->vouchers);
	t->overflow |= __builtin_add_overflow(t->gross, l->gross_cents,
	    &t->gross);
	t->overflow |= __builtin_add_overflow(t->commission,
	    l->commission_cents, &t->commission);
	t->overflow |= __builtin_add_overflow(t->amount, l->amount_cents,
	    &t->amount);
	t->n++;
}

/*
 * The form holding line l out of the draft: a disclosure per line, open
 * when a hold of that line was just refused, its message at the field.
 */
static void
put_hold_form(struct lines *ls, const struct store_batch_line *l)
{
	struct html *h = &ls->holds;
	const struct sent *x = ls->x;
	bool mine = x->action == ACT_HOLD && x->siret != NULL &&
	    strcmp(x->siret, l->siret) == 0;
	bool bad = mine && x->code == ERR_REASON_REQUIRED;
	char id[32], hint[40];

	(void)snprintf(id, sizeof(id), "retenue-%lld", (long long)l->id);
	(void)snprintf(hint, sizeof(hint), "retenue-%lld-hint",
	    (long long)l->id);
	/* The form holds the disclosure: closed, the form is its summary. */
	html_put(h, "<li><form method=\"post\" "
	    "action=\"/compta/lots/%s/retenir\"><details%R><summary>Retenir "
	    "%s (SIRET %s)</summary>", ls->b->reference, mine ? " open" : "",
	    l->name, l->siret);
	if (mine) {
		ui_compta_alert(h, ls->req, x->code, x->detail);
		ls->hold_shown = true;
	}
	ui_csrf_field(h, ls->req);
	html_put(h, "<input type=\"hidden\" name=\"lieu\" value=\"%s\">"
	    "<label for=\"%s\">Motif de la retenue<span class=\"hint\" "
	    "id=\"%s\">Ce lieu ne sera pas payé par ce lot ; %s %L %s "
	    "le prochain lot préparé.</span></label>",
	    l->siret, id, hint, html_plural(l->vouchers, "son", "ses"),
	    (int64_t)l->vouchers, html_plural(l->vouchers, "chèque attendra",
	    "chèques attendront"));
	ui_compta_field_error(h, id, bad, "Indiquez le motif de la retenue "
	    "(1 à 500 caractères).");
	html_put(h, "<input id=\"%s\" name=\"motif\" type=\"text\" required "
	    "maxlength=\"%d\" autocomplete=\"off\"", id, REASON_MAX);
	ui_compta_field_attrs(h, id, hint, bad);
	html_put(h, " value=\"%s\"><button type=\"submit\" "
	    "class=\"secondary\">Retenir ce lieu hors du lot</button>"
	    "</details></form></li>", mine && x->reason != NULL ? x->reason :
	    "");
}

/* A line held out: what it was drafted with, and why it was held. */
static void
put_held_row(struct lines *ls, const struct store_batch_line *l)
{
	char amount[PN_MONEY_TEXT_MAX], when[PN_TIME_TEXT_MAX];

	pn_money_format(l->amount_cents, amount);
	pn_time_format_paris(l->held_at, when);
	html_put(&ls->held, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%L"
	    "</td><td>%L</td><td>%s</td><td>Retenue : %s (par %s, le %s)</td>"
	    "</tr>", l->name, l->siret, l->sessions, l->vouchers, amount,
	    l->hold_reason, l->held_by_login, when);
	add_sums(&ls->held_sums, l);
}

/*
 * What the accountant must know of l's account, as markup (fixed French
 * text only) into note: a change of bank details waiting for its second
 * admin (this batch pays the account it shows, the old one), and an IBAN
 * other than the one of the venue's last payment (a change approved
 * since: docs/settlement.md). "" when neither; a store failure is said
 * too, rather than hidden.
 */
static void
bank_note(const struct lines *ls, const struct store_batch_line *l,
    char *note, size_t len)
{
	struct store_bank_change c;
	struct pn_error err;
	char last[40];
	int pending, paid;

	pending = store_venue_bank_pending(ls->s, l->venue_id, &c, &err);
	paid = store_venue_last_paid_iban(ls->s, l->venue_id, ls->b->id, last,
	    &err);
	(void)snprintf(note, len, "%s%s",
	    pending == 0 && strcmp(ls->b->status, "draft") == 0 ?
	    "<br><strong>Changement de RIB en attente</strong> : ce lot paie "
	    "l’IBAN ci-dessus tant qu’un second administrateur ne l’a pas "
	    "approuvé." : "",
	    paid == 0 && strcmp(last, l->iban) != 0 ?
	    "<br><strong>IBAN changé depuis le dernier paiement</strong>." :
	    pending < 0 || paid < 0 ? "<br>Coordonnées bancaires illisibles "
	    "pour l’instant." : "");
}

static int
line_row(void *ctx, const struct store_batch_line *l)
{
	struct lines *ls = ctx;
	char note[400];
	char iban[PN_IBAN_TEXT_MAX], gross[PN_MONEY_TEXT_MAX];
	char commission[PN_MONEY_TEXT_MAX], amount[PN_MONEY_TEXT_MAX];

	if (l->held) {
		put_held_row(ls, l);
		return 0;
	}
	if (!l->carried_over && strcmp(ls->b->status, "draft") == 0)
		put_hold_form(ls, l);
	pn_iban_format(l->iban, iban);
	pn_money_format(l->gross_cents, gross);
	pn_money_format(l->commission_cents, commission);
	pn_money_format(l->amount_cents, amount);
	bank_note(ls, l, note, sizeof(note));
	html_put(l->carried_over ? &ls->carried : &ls->paid,
	    "<tr><th scope=\"row\">%s</th><td>%s</td><td><span "
	    "class=\"nowrap\">%s</span>%R</td><td>%L</td>"
	    "<td>%L</td><td>%s</td><td>%s</td><td>%s</td></tr>", l->name,
	    l->siret, iban, note, l->sessions, l->vouchers, gross, commission,
	    amount);
	add_sums(l->carried_over ? &ls->carried_sums : &ls->paid_sums, l);
	return 0;
}

/* A table of lines, captioned caption (its id: id), and its totals. */
static void
put_lines(struct html *h, const char *id, const char *caption,
    const struct html *rows, const struct sums *t)
{
	char gross[PN_MONEY_TEXT_MAX], commission[PN_MONEY_TEXT_MAX];
	char amount[PN_MONEY_TEXT_MAX];

	pn_money_format(t->gross, gross);
	pn_money_format(t->commission, commission);
	pn_money_format(t->amount, amount);
	html_put(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
	    "aria-labelledby=\"%s\"><table><caption id=\"%s\">%s</caption>"
	    "<thead>"
	    "<tr><th scope=\"col\">Lieu</th><th scope=\"col\">SIRET</th>"
	    "<th scope=\"col\">IBAN</th><th scope=\"col\">Séances</th>"
	    "<th scope=\"col\">Chèques</th><th scope=\"col\">Valeur des "
	    "chèques</th><th scope=\"col\">Commission</th>"
	    "<th scope=\"col\">Montant</th></tr></thead><tbody>%R</tbody>",
	    id, id, caption, rows->failed ? "" : rows->buf);
	if (t->overflow)
		html_put(h, "</table></div><p class=\"error\">Les totaux "
		    "dépassent ce que le serveur sait additionner.</p>");
	else
		html_put(h, "<tfoot><tr><th scope=\"row\">Total (%u lieu%s)"
		    "</th><td></td><td></td><td>%L</td><td>%L</td><td>%s</td>"
		    "<td>%s</td><td>%s</td></tr></tfoot></table></div>", t->n,
		    t->n > 1 ? "x" : "", t->sessions, t->vouchers, gross,
		    commission, amount);
}

/* What a file is, in French. */
static const char *
kind_label(const char *kind)
{
	if (strcmp(kind, "sepa") == 0)
		return "Virements SEPA (pain.001)";
	if (strcmp(kind, "mandates") == 0)
		return "Liste des mandats (CSV)";
	if (strcmp(kind, "statement") == 0)
		return "Relevé d’un lieu (PDF)";
	return kind;
}

struct files {
	struct html html;
	const char *reference;
	unsigned n;
};

static int
file_row(void *ctx, const struct store_batch_file *f)
{
	struct files *fs = ctx;
	char hash[2 * sizeof(f->hash) + 1];

	pn_hex_encode(f->hash, sizeof(f->hash), hash);
	html_put(&fs->html, "<tr><th scope=\"row\"><a href=\"/compta/lots/%s/"
	    "fichiers/%L\" download>%s</a></th><td>%s</td><td>%L octets</td>"
	    "<td><code class=\"hash\">%s</code></td></tr>", fs->reference,
	    f->id, f->name, kind_label(f->kind), f->size, hash);
	fs->n++;
	return 0;
}

/* Who did something, and when, in Paris time. */
static void
put_by(struct html *h, const char *term, const char *login, int64_t at)
{
	char when[PN_TIME_TEXT_MAX];

	pn_time_format_paris(at, when);
	html_put(h, "<dt>%s</dt><dd>par %s, le %s</dd>", term, login, when);
}

static void
put_header(struct html *h, struct http_request *req,
    const struct store_batch *b)
{
	char label[SETTLE_LABEL_MAX], total[PN_MONEY_TEXT_MAX], day[32];

	ui_compta_period_label(req, b->period, label, sizeof(label));
	pn_money_format(b->total_cents, total);
	html_put(h, "<dl class=\"panel\"><dt>État</dt><dd>%s</dd>"
	    "<dt>Période</dt><dd>%s (%s)</dd><dt>À payer</dt><dd>%s à %L "
	    "%s, pour %L %s</dd>", settle_status_label(b->status),
	    label, b->period, total, b->n_lines,
	    html_plural(b->n_lines, "lieu", "lieux"), b->n_vouchers,
	    html_plural(b->n_vouchers, "chèque", "chèques"));
	if (b->n_carried > 0)
		html_put(h, "<dt>Reportés</dt><dd>%L %s sous le minimum"
		    "</dd>", b->n_carried, html_plural(b->n_carried, "lieu",
		    "lieux"));
	if (b->n_held > 0)
		html_put(h, "<dt>Retenus</dt><dd>%L %s hors du lot</dd>",
		    b->n_held, html_plural(b->n_held, "lieu retenu",
		    "lieux retenus"));
	put_by(h, "Préparé", b->drafted_by_login, b->drafted_at);
	if (b->approved_by != 0) {
		put_by(h, "Approuvé", b->approved_by_login, b->approved_at);
		if (b->alerts_acknowledged > 0)
			html_put(h, "<dt>Alertes reconnues</dt><dd>%L, par "
			    "l’approbateur, à l’approbation</dd>",
			    b->alerts_acknowledged);
		ui_day(b->execution_date, day, sizeof(day));
		html_put(h, "<dt>Date d’exécution demandée</dt><dd>%s</dd>"
		    "<dt>Identifiant du message (MsgId)</dt><dd>%s</dd>"
		    "<dt>Format du virement</dt><dd>pain.001.001.%R</dd>",
		    day, b->msg_id, b->sepa_version == 3 ? "03" :
		    "09");
	}
	if (b->paid_reference[0] != '\0') {
		ui_day(b->paid_on, day, sizeof(day));
		html_put(h, "<dt>Payé le</dt><dd>%s</dd><dt>Référence "
		    "bancaire</dt><dd>%s</dd>", day, b->paid_reference);
	}
	if (strcmp(b->status, "rejected") == 0) {
		put_by(h, "Rejeté", b->rejected_by_login, b->rejected_at);
		html_put(h, "<dt>Motif du rejet</dt><dd>%s</dd>",
		    b->reject_reason);
	}
	html_put(h, "</dl>");
}

static bool
is_bad(const struct sent *x, enum action a, const char *field)
{
	return x->action == a && x->bad != NULL && strcmp(x->bad, field) == 0;
}

/*
 * The box acknowledging the n alerts shown above: its value is n, so that
 * alerts that appear meanwhile are not acknowledged unseen.
 */
static void
put_acknowledge(struct html *h, size_t n, const struct sent *x)
{
	bool bad = is_bad(x, ACT_APPROVE, "alertes-lues");

	html_put(h, "<p>Ce lot a des alertes (plus haut) : lisez-les, retenez "
	    "si besoin la ligne d’un lieu, puis confirmez.</p>");
	ui_compta_field_error(h, "alertes-lues", bad, "Cochez cette case "
	    "après avoir lu les alertes du lot (elles ont pu changer : "
	    "relisez-les).");
	html_put(h, "<div class=\"choice\"><input type=\"checkbox\" "
	    "id=\"alertes-lues\" name=\"alertes\" value=\"%u\" required",
	    (unsigned)n);
	ui_compta_field_attrs(h, "alertes-lues", NULL, bad);
	if (n == 1)
		html_put(h, "><label for=\"alertes-lues\">J’ai pris "
		    "connaissance de l’alerte de ce lot</label></div>");
	else
		html_put(h, "><label for=\"alertes-lues\">J’ai pris "
		    "connaissance des %u alertes de ce lot</label></div>",
		    (unsigned)n);
}

static void
put_approve(struct html *h, struct http_request *req,
    const struct store_batch *b, size_t alerts, const struct sent *x)
{
	const struct store_principal *who = http_request_principal(req);
	const struct config *cfg = http_request_config(req);
	bool same = who->user_id == b->drafted_by;
	const char *v = x->action == ACT_APPROVE && x->sepa != NULL ? x->sepa :
	    cfg->settlement.sepa_version == 3 ? "3" : "9";

	html_put(h, "<h2>Approuver</h2>");
	if (x->action == ACT_APPROVE)
		ui_compta_alert(h, req, x->code, x->detail);
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/compta/lots/%s/approuver\">", b->reference);
	ui_csrf_field(h, req);
	html_put(h, "<p>L’approbation fige le lot et produit ses fichiers : "
	    "le fichier de virements pour la banque, la liste des mandats "
	    "pour le logiciel financier et le relevé de chaque lieu.</p>"
	    "<fieldset><legend>Format du fichier de virements</legend>"
	    "<div class=\"choice\"><input type=\"radio\" id=\"sepa-9\" "
	    "name=\"sepa\" value=\"9\"%R><label for=\"sepa-9\">"
	    "pain.001.001.09 (recommandé)</label></div><div class=\"choice\">"
	    "<input type=\"radio\" id=\"sepa-3\" name=\"sepa\" value=\"3\"%R>"
	    "<label for=\"sepa-3\">pain.001.001.03 (anciens canaux "
	    "bancaires)</label></div></fieldset>",
	    strcmp(v, "3") != 0 ? " checked" : "",
	    strcmp(v, "3") == 0 ? " checked" : "");
	if (alerts > 0)
		put_acknowledge(h, alerts, x);
	if (same)
		html_put(h, "<p id=\"approve-why\" class=\"hint\">Vous avez "
		    "préparé ce lot : un autre comptable doit approuver "
		    "(contrôle à quatre yeux).</p><button type=\"submit\" "
		    "disabled aria-describedby=\"approve-why\">Approuver le lot"
		    "</button></form>");
	else
		html_put(h, "<button type=\"submit\">Approuver le lot</button>"
		    "</form>");
}

static void
put_paid(struct html *h, struct http_request *req,
    const struct store_batch *b, const struct sent *x)
{
	bool bad_ref = is_bad(x, ACT_PAID, "reference");
	bool bad_date = is_bad(x, ACT_PAID, "date");
	const char *ref = x->action == ACT_PAID && x->bank_reference != NULL ?
	    x->bank_reference : "";
	const char *date = x->action == ACT_PAID && x->paid_on != NULL ?
	    x->paid_on : "";

	html_put(h, "<h2>Marquer payé</h2>");
	if (x->action == ACT_PAID)
		ui_compta_alert(h, req, x->code, x->detail);
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/compta/lots/%s/payer\">", b->reference);
	ui_csrf_field(h, req);
	html_put(h, "<p>Quand la banque a exécuté les virements : les "
	    "chèques du lot deviennent remboursés.</p>"
	    "<label for=\"reference\">Référence bancaire<span class=\"hint\" "
	    "id=\"reference-hint\">Celle de l’avis d’exécution : 35 "
	    "caractères au plus, sans espace ni accent.</span></label>");
	ui_compta_field_error(h, "reference", bad_ref, "Saisissez la "
	    "référence bancaire (1 à 35 caractères, sans espace ni accent).");
	html_put(h, "<input id=\"reference\" name=\"reference\" type=\"text\" "
	    "required maxlength=\"%d\" autocomplete=\"off\"",
	    SETTLE_BANK_REF_MAX);
	ui_compta_field_attrs(h, "reference", "reference-hint", bad_ref);
	html_put(h, " value=\"%s\"><label for=\"date\">Date du paiement"
	    "<span class=\"hint\" id=\"date-hint\">Sous la forme AAAA-MM-JJ, "
	    "par exemple 2026-12-07.</span></label>", ref);
	ui_compta_field_error(h, "date", bad_date, "Saisissez une date "
	    "réelle, passée ou du jour, sous la forme AAAA-MM-JJ.");
	html_put(h, "<input id=\"date\" name=\"date\" type=\"date\" required");
	ui_compta_field_attrs(h, "date", "date-hint", bad_date);
	html_put(h, " value=\"%s\"><button type=\"submit\">Enregistrer le "
	    "paiement</button></form>", date);
}

static void
put_reject(struct html *h, struct http_request *req,
    const struct store_batch *b, const struct sent *x)
{
	bool bad = is_bad(x, ACT_REJECT, "motif");
	const char *reason = x->action == ACT_REJECT && x->reason != NULL ?
	    x->reason : "";

	html_put(h, "<h2>Rejeter</h2>");
	if (x->action == ACT_REJECT)
		ui_compta_alert(h, req, x->code, x->detail);
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/compta/lots/%s/rejeter\">", b->reference);
	ui_csrf_field(h, req);
	html_put(h, "<p>Le lot est abandonné : ses chèques reviennent dans "
	    "les règlements à venir, et la période peut être préparée à "
	    "nouveau.</p><label for=\"motif\">Motif du rejet</label>");
	ui_compta_field_error(h, "motif", bad, "Indiquez le motif du rejet "
	    "(1 à 500 caractères).");
	html_put(h, "<input id=\"motif\" name=\"motif\" type=\"text\" "
	    "required maxlength=\"%d\" autocomplete=\"off\"", REASON_MAX);
	ui_compta_field_attrs(h, "motif", NULL, bad);
	html_put(h, " value=\"%s\"><button type=\"submit\" class=\"danger\">"
	    "Rejeter le lot</button></form>", reason);
}

/* The notice a redirect asked for ("?approuve=1"...), or NULL. */
static const char *
notice_of(struct http_request *req)
{
	static const struct { const char *query, *text; } notices[] = {
		{ "prepare", "Le lot est préparé. Vérifiez-le : un autre "
		  "comptable doit maintenant l’approuver." },
		{ "existant", "Un lot existait déjà pour cette période : le "
		  "voici, inchangé. Pour le refaire, rejetez-le d’abord." },
		{ "approuve", "Le lot est approuvé : ses fichiers sont prêts à "
		  "télécharger." },
		{ "paye", "Le paiement est enregistré : les chèques du lot "
		  "sont remboursés." },
		{ "rejete", "Le lot est rejeté : ses chèques reviendront dans "
		  "le prochain lot." },
		{ "retenu", "La ligne du lieu est retenue hors du lot : ses "
		  "chèques reviendront dans le prochain lot préparé." },
	};
	size_t i;

	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (http_request_query(req, notices[i].query) != NULL)
			return notices[i].text;
	return NULL;
}

/*
 * Load the batch named by the route into *b: 0, or -1 after answering
 * with the page that says why not.
 */
static int
load(struct http_request *req, struct store **s, struct store_batch *b,
    enum MHD_Result *rc)
{
	const char *ref = http_request_param(req, 0);
	struct pn_error err;
	int res;

	pn_error_clear(&err);
	if ((*s = worker_store(&err)) == NULL) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	if (ref == NULL || (res = store_batch_get(*s, ref, b, &err)) ==
	    ERR_BATCH_NOT_FOUND) {
		*rc = ui_error_page(req, ERR_BATCH_NOT_FOUND, "no such batch");
		return -1;
	}
	if (res != 0) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	return 0;
}

/*
 * A draft's alerts, by venue, in the words of anomalies.c: what its
 * approver acknowledges with the box of the approval form.
 */
static void
put_alerts(struct html *h, const struct anomaly_list *l)
{
	size_t i;

	if (l->n == 0) {
		html_put(h, "<h2 id=\"alertes\">Alertes</h2><p>Aucune alerte "
		    "sur ce lot.</p>");
		return;
	}
	html_put(h, "<h2 id=\"alertes\">Alertes à lire avant d’approuver "
	    "(%u)</h2><p>Ces signaux ne prouvent pas une fraude : ils "
	    "disent où regarder avant que l’argent parte. Le guide du "
	    "service comptable (docs/settlement.md) dit ce que chacun veut "
	    "dire et quoi vérifier. Un lieu douteux peut être retenu hors du "
	    "lot (plus bas) : ses chèques attendront le lot suivant.</p>",
	    (unsigned)l->n);
	for (i = 0; i < l->n; i++) {
		const struct anomaly *a = &l->a[i];

		if (i == 0 || a->venue_id != l->a[i - 1].venue_id)
			html_put(h, "%R<h3>%s <span class=\"hint\">SIRET %s"
			    "</span></h3><ul>", i == 0 ? "" : "</ul>",
			    a->venue_name, a->siret);
		html_put(h, "<li><strong>%s</strong> : %s.</li>",
		    anomaly_kind_title(a->kind), a->text);
	}
	html_put(h, "</ul>");
}

/* The forms holding a line out of a draft, and a refusal not shown at one. */
static void
put_holds(struct html *h, const struct lines *ls, const struct sent *x)
{
	bool refused = x->action == ACT_HOLD && x->code != ERR_NONE;

	html_put(h, "<h2>Retenir un lieu hors du lot</h2>");
	if (refused && (!ls->hold_shown || ls->paid_sums.n <= 1))
		ui_compta_alert(h, ls->req, x->code, x->detail);
	if (ls->paid_sums.n <= 1) {
		html_put(h, "<p>Il ne reste qu’un lieu à payer dans ce lot : "
		    "pour ne pas le payer, rejetez plutôt le lot.</p>");
		return;
	}
	html_put(h, "<p>Un lieu retenu n’est pas payé par ce lot : sa ligne "
	    "reste affichée, avec le motif, et ses chèques reviennent dans "
	    "le prochain lot préparé. Le reste du lot peut être approuvé.</p>"
	    "<ul>%R</ul>", ls->holds.failed ? "" : ls->holds.buf);
}

/* The lines held out of the batch, with their reason. */
static void
put_held(struct html *h, const struct lines *ls)
{
	html_put(h, "<h2>Retenus hors du lot</h2><p>Ces lieux ne sont pas "
	    "payés par ce lot : leurs chèques reviennent dans le prochain lot "
	    "préparé.</p><div class=\"scroll\" tabindex=\"0\" "
	    "role=\"region\" aria-labelledby=\"retenus\"><table>"
	    "<caption id=\"retenus\">Les lieux retenus, dans l’ordre des "
	    "noms (%u)</caption><thead><tr><th scope=\"col\">Lieu</th>"
	    "<th scope=\"col\">SIRET</th><th scope=\"col\">Séances</th>"
	    "<th scope=\"col\">Chèques</th><th scope=\"col\">Montant</th>"
	    "<th scope=\"col\">Retenue</th></tr></thead><tbody>%R</tbody>"
	    "</table></div>", ls->held_sums.n,
	    ls->held.failed ? "" : ls->held.buf);
}

/* The batch's page, with a refusal x (action ACT_NONE: none) at its form. */
static enum MHD_Result
show(struct http_request *req, const struct sent *x)
{
	struct anomaly_list alerts = { NULL, 0, 0 };
	struct lines ls;
	struct files fs;
	struct store_batch b;
	struct pn_error err;
	struct store *s;
	struct html h;
	enum MHD_Result rc;
	const char *notice;
	char title[16 + SETTLE_REF_MAX];
	bool draft;

	if (load(req, &s, &b, &rc) != 0)
		return rc;
	draft = strcmp(b.status, "draft") == 0;
	memset(&ls, 0, sizeof(ls));
	html_init(&ls.paid);
	html_init(&ls.carried);
	html_init(&ls.held);
	html_init(&ls.holds);
	ls.req = req;
	ls.b = &b;
	ls.x = x;
	ls.s = s;
	fs.reference = b.reference;
	fs.n = 0;
	html_init(&fs.html);
	if (store_batch_lines(s, b.id, line_row, &ls, &err) != 0 ||
	    store_batch_files(s, b.id, file_row, &fs, &err) != 0 ||
	    (draft && anomalies_of_batch(s, &b, (int64_t)time(NULL), &alerts,
	    &err) != 0)) {
		rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		goto done;
	}
	(void)snprintf(title, sizeof(title), "Lot %s", b.reference);
	html_init(&h);
	ui_begin(&h, req, title);
	html_put(&h, "<p><a href=\"/compta\">Retour aux règlements</a></p>");
	if (x->action == ACT_NONE && (notice = notice_of(req)) != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>%s</p>"
		    "</div>", notice);
	/* A hold refused because the batch is no longer a draft. */
	if (x->action == ACT_HOLD && !draft)
		ui_compta_alert(&h, req, x->code, x->detail);
	put_header(&h, req, &b);
	if (draft)
		put_alerts(&h, &alerts);

	html_put(&h, "<h2>Lieux payés</h2>");
	if (ls.paid_sums.n == 0)
		html_put(&h, "<p>Aucun lieu n’est payé dans ce lot.</p>");
	else
		put_lines(&h, "payes", "Un virement par lieu, dans l’ordre "
		    "des noms", &ls.paid, &ls.paid_sums);
	if (draft && ls.paid_sums.n > 0)
		put_holds(&h, &ls, x);
	if (ls.held_sums.n > 0)
		put_held(&h, &ls);
	if (ls.carried_sums.n > 0) {
		html_put(&h, "<h2>Reportés à la période suivante (sous le "
		    "minimum)</h2><p>Le Département doit à ces lieux moins "
		    "que le minimum d’un virement : ils ne sont pas payés dans "
		    "ce lot, et leurs chèques viendront dans un prochain lot."
		    "</p>");
		put_lines(&h, "reportes", "Les lieux reportés, dans l’ordre "
		    "des noms", &ls.carried, &ls.carried_sums);
	}

	/* Made at approval, kept whatever follows: paid, or even rejected. */
	if (fs.n > 0) {
		html_put(&h, "<h2>Fichiers</h2>");
		if (strcmp(b.status, "rejected") == 0)
			html_put(&h, "<p><strong>Ce lot est rejeté :</strong> "
			    "ses fichiers sont gardés pour mémoire ; ne les "
			    "transmettez pas à la banque.</p>");
		html_put(&h, "<p>Chaque fichier est téléchargé tel qu’il a été "
		    "enregistré à l’approbation ; son empreinte BLAKE2b-256 "
		    "figure aussi au journal d’audit.</p><div class=\"scroll\" "
		    "tabindex=\"0\" role=\"region\" "
		    "aria-labelledby=\"fichiers\"><table><caption "
		    "id=\"fichiers\">Les %u fichiers du lot"
		    "</caption><thead><tr><th scope=\"col\">Fichier</th>"
		    "<th scope=\"col\">Nature</th><th scope=\"col\">Taille</th>"
		    "<th scope=\"col\">Empreinte BLAKE2b-256</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", fs.n,
		    fs.html.failed ? "" : fs.html.buf);
	}
	if (draft) {
		put_approve(&h, req, &b, alerts.n, x);
		put_reject(&h, req, &b, x);
	} else if (strcmp(b.status, "approved") == 0) {
		put_paid(&h, req, &b, x);
		put_reject(&h, req, &b, x);
	} else if (x->action != ACT_NONE && x->action != ACT_HOLD) {
		/* Acted on by someone else meanwhile: say so at the top. */
		ui_compta_alert(&h, req, x->code, x->detail);
	}
	h.failed |= ls.paid.failed || ls.carried.failed || ls.held.failed ||
	    ls.holds.failed || fs.html.failed;
	rc = ui_end(&h, req, x->action == ACT_NONE ? 200 :
	    err_lookup(x->code)->status);
done:
	anomaly_list_free(&alerts);
	html_free(&ls.paid);
	html_free(&ls.carried);
	html_free(&ls.held);
	html_free(&ls.holds);
	html_free(&fs.html);
	return rc;
}

enum MHD_Result
ui_compta_batch(struct http_request *req)
{
	struct sent x = { .action = ACT_NONE };

	return show(req, &x);
}

/* After an action: the redirect on success, else the page with x. */
static enum MHD_Result
acted(struct http_request *req, struct sent *x, const char *ref,
    const char *query, const struct op_refusal *why)
{
	char where[48 + SETTLE_REF_MAX];

	if (x->code == ERR_NONE) {
		(void)snprintf(where, sizeof(where), "/compta/lots/%s?%s", ref,
		    query);
		return http_redirect(req, where);
	}
	if (x->code == ERR_INTERNAL || x->code == ERR_STORE_UNAVAILABLE ||
	    x->code == ERR_BATCH_NOT_FOUND || x->code == ERR_NOT_ACCOUNTANT)
		return ui_error_page(req, x->code, why->detail);
	x->detail = why->detail;
	return show(req, x);
}

/* The route's reference, "" when none (the store then finds no batch). */
static const char *
route_ref(struct http_request *req)
{
	const char *ref = http_request_param(req, 0);

	return ref != NULL ? ref : "";
}

enum MHD_Result
ui_compta_approve(struct http_request *req)
{
	struct sent x = { .action = ACT_APPROVE };
	const char *ref = route_ref(req);
	struct store_batch b;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	unsigned version = 0;
	uint64_t ack;

	x.sepa = ui_field(req, "sepa");
	x.alerts = ui_field(req, "alertes");
	/* Not ticked, or not a count: no alert acknowledged. */
	if (x.alerts == NULL || pn_parse_u64(x.alerts, INT32_MAX, &ack) != 0)
		ack = SETTLE_ACK_NONE;
	if (x.sepa != NULL && strcmp(x.sepa, "9") == 0)
		version = SEPA_PAIN_001_001_09;
	else if (x.sepa != NULL && strcmp(x.sepa, "3") == 0)
		version = SEPA_PAIN_001_001_03;
	else if (x.sepa != NULL && x.sepa[0] != '\0') {
		x.code = op_refuse(&why, ERR_INVALID_FIELD, "sepa",
		    "sepa: 9 or 3");
		return acted(req, &x, ref, NULL, &why);
	}
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	x.code = settle_approve(&cx, ref, version, (int64_t)ack, &b, &why);
	if (x.code == ERR_ALERTS_NOT_ACKNOWLEDGED)
		x.bad = "alertes-lues";
	return acted(req, &x, ref, "approuve=1", &why);
}

enum MHD_Result
ui_compta_hold(struct http_request *req)
{
	struct sent x = { .action = ACT_HOLD };
	const char *ref = route_ref(req);
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;

	x.siret = ui_field(req, "lieu");
	x.reason = ui_field(req, "motif");
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	x.code = settle_hold(&cx, ref, x.siret != NULL ? x.siret : "",
	    x.reason != NULL ? x.reason : "", &why);
	return acted(req, &x, ref, "retenu=1", &why);
}

enum MHD_Result
ui_compta_paid(struct http_request *req)
{
	struct sent x = { .action = ACT_PAID };
	const char *ref = route_ref(req);
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;

	x.bank_reference = ui_field(req, "reference");
	x.paid_on = ui_field(req, "date");
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	x.code = settle_mark_paid(&cx, ref,
	    x.bank_reference != NULL ? x.bank_reference : "",
	    x.paid_on != NULL ? x.paid_on : "", &why);
	/* The operation names the input it refused: its field here. */
	if (x.code == ERR_BAD_PAYMENT)
		x.bad = why.field != NULL && strcmp(why.field, "paid_on") == 0 ?
		    "date" : "reference";
	return acted(req, &x, ref, "paye=1", &why);
}

enum MHD_Result
ui_compta_reject(struct http_request *req)
{
	struct sent x = { .action = ACT_REJECT };
	const char *ref = route_ref(req);
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;

	x.reason = ui_field(req, "motif");
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	x.code = settle_reject(&cx, ref, x.reason != NULL ? x.reason : "",
	    &why);
	if (x.code == ERR_REASON_REQUIRED)
		x.bad = "motif";
	return acted(req, &x, ref, "rejete=1", &why);
}

/* A file name that can go in a Content-Disposition header as it is. */
static bool
plain_name(const char *name)
{
	const char *p;

	if (name[0] == '\0' || name[0] == '.')
		return false;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return false;
	return true;
}

/* Finds the name of the file of a batch whose id is wanted. */
struct file_find {
	int64_t wanted;
	char name[sizeof(((struct store_batch_file *)0)->name)];
};

static int
file_match(void *ctx, const struct store_batch_file *f)
{
	struct file_find *ff = ctx;

	if (f->id != ff->wanted)
		return 0;
	(void)snprintf(ff->name, sizeof(ff->name), "%s", f->name);
	return 1;
}

/*
 * The file is named in the URL by its number, not its name: a name such
 * as "PN-2026-11-01-pain.001.001.09.xml" holds dots, which a route's "{}"
 * never takes (http.c), so that "12.pdf" can never pass for an id.
 */
enum MHD_Result
ui_compta_file(struct http_request *req)
{
	struct file_find ff = { .name = "" };
	struct store_batch_file info;
	struct store_batch b;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	char disposition[64 + sizeof(info.name)];
	uint64_t id;
	void *data = NULL;
	size_t len = 0;
	int res;

	if (load(req, &s, &b, &rc) != 0)
		return rc;
	if (pn_parse_u64(http_request_param(req, 1), INT64_MAX, &id) != 0)
		return ui_error_page(req, ERR_NOT_FOUND, "not a file number");
	ff.wanted = (int64_t)id;
	if (store_batch_files(s, b.id, file_match, &ff, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ff.name[0] == '\0' || (res = store_batch_file_get(s, b.id,
	    ff.name, &info, &data, &len, &err)) == 1)
		return ui_error_page(req, ERR_NOT_FOUND, "no such file");
	if (res == ERR_FILE_ALTERED)
		return ui_error_page(req, ERR_FILE_ALTERED, err.message);
	if (res != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (!plain_name(info.name)) {
		free(data);
		return ui_error_page(req, ERR_INTERNAL, "file name");
	}
	(void)snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"%s\"", info.name);
	return http_reply_document(req, 200, info.media_type, disposition,
	    data, len);
}
