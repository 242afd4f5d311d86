/* ui_admin_venues.c -- the admins' « Lieux partenaires » pages: list and search, add, edit, suspend, change of bank details.
 *
 *   GET  /admin/lieux			the list (?q= name, SIRET or commune),
 *					and the form "Ajouter un lieu"
 *   POST /admin/lieux			add a venue
 *   GET  /admin/lieux/{id}		one venue: its record and its forms
 *   POST /admin/lieux/{id}/modifier	contact details, accreditation dates
 *   POST /admin/lieux/{id}/etat	suspend (with a reason) or resume
 *   POST /admin/lieux/{id}/rib		ask for a new IBAN and BIC
 *   POST /admin/lieux/{id}/rib/approuver  approve it (a second admin,
 *					their password typed again)
 *
 * Each change is an operation of venue_register.h, with its audit row;
 * the pages only ask them. A change of bank details sends public money
 * elsewhere, so it takes two admins: the one who asks cannot approve, and
 * the one who approves types their password again, checked by the
 * login's own session_password_check() (the same throttle, the same
 * failures), so a session left open on another's desk is not enough.
 * Until the approval, settlement pays the old account (docs/settlement.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/bankid.h"
#include "passnum/timefmt.h"
#include "form.h"
#include "op_request.h"
#include "session.h"
#include "ui.h"
#include "venue_register.h"
#include "worker.h"

/* The fields of the forms, as typed, and their errors. */
struct venue_form {
	const char *name, *siret, *address, *commune, *iban, *bic, *contact;
	const char *from, *until;
	struct ui_form form;
};

/* An identifier through its parser, its message at its field. */
static void
check_id(struct venue_form *f, const char *field, const char *what,
    enum pn_id_status st)
{
	char msg[200];

	if (st != PN_ID_OK)
		ui_form_error(&f->form, field, "%s.", pn_id_status_message(st,
		    what, msg, sizeof(msg)));
}

/* A date typed as the browser sends it (2026-01-31); "" is none (0). */
static int
parse_day(const char *text, int64_t *out)
{
	*out = 0;
	if (text[0] == '\0')
		return 0;
	if (strlen(text) != 10 || pn_time_parse(text, out) != 0)
		return -1;
	return 0;
}

/* The dates' fields, checked into *from and *until. */
static void
check_dates(struct venue_form *f, int64_t *from, int64_t *until)
{
	if (f->from[0] == '\0' || parse_day(f->from, from) != 0)
		ui_form_error(&f->form, "debut", "%s", "Début d’agrément : "
		    "donnez une date (jour, mois, année).");
	if (parse_day(f->until, until) != 0)
		ui_form_error(&f->form, "fin", "%s", "Fin d’agrément : cette "
		    "date n’existe pas ; laissez vide s’il n’y a pas de fin.");
	else if (*until != 0 && *until <= *from)
		ui_form_error(&f->form, "fin", "%s", "Fin d’agrément : elle "
		    "doit venir après le début.");
}

/* The date of t for a date control's value (not shown as text). */
static void
day_value(int64_t t, char buf[PN_TIME_TEXT_MAX])
{
	buf[0] = '\0';
	if (t == 0)
		return;
	pn_time_format(t, buf);
	buf[10] = '\0';
}

/* --- The list ------------------------------------------------------------ */

struct list {
	struct html rows;
	const char *q;			/* what is searched, "" for all */
	unsigned n, shown;
};

/* Whether needle is in hay, ASCII letters in any case, spaces ignored in
 * hay when needle is digits (a SIRET typed with spaces or without). */
static bool
matches(const char *hay, const char *needle)
{
	size_t nh = strlen(hay), nn = strlen(needle), i, j;

	if (nn == 0)
		return true;
	for (i = 0; i + nn <= nh; i++) {
		for (j = 0; j < nn; j++) {
			char a = hay[i + j], b = needle[j];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (j == nn)
			return true;
	}
	return false;
}

/* The search text without its spaces, for a SIRET typed in groups. */
static void
squeeze(const char *q, char *buf, size_t len)
{
	size_t o = 0;

	for (; *q != '\0' && o + 1 < len; q++)
		if (*q != ' ')
			buf[o++] = *q;
	buf[o] = '\0';
}

static int
list_row(void *ctx, const struct store_venue *v)
{
	struct list *l = ctx;
	char digits[64], from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];

	l->n++;
	squeeze(l->q, digits, sizeof(digits));
	if (!matches(v->name, l->q) && !matches(v->commune, l->q) &&
	    !(digits[0] != '\0' && matches(v->siret, digits)))
		return 0;
	l->shown++;
	pn_time_format_paris_date(v->accredited_from, from);
	if (v->accredited_until != 0)
		pn_time_format_paris_date(v->accredited_until, until);
	html_put(&l->rows, "<tr><td><a href=\"/admin/lieux/%L\">%s</a></td>"
	    "<td class=\"nowrap\">%s</td><td>%s</td><td>%s%s%s</td><td>%s"
	    "</td></tr>", v->id, v->name, v->siret, v->commune, from,
	    v->accredited_until != 0 ? " au " : "",
	    v->accredited_until != 0 ? until : "",
	    strcmp(v->status, "active") == 0 ? "Actif" : "Suspendu");
	return 0;
}

/* The add form, with f's values and errors. */
static void
add_form(struct html *h, struct http_request *req, const struct venue_form *f)
{
	const struct ui_form *e = &f->form;

	html_put(h, "<h2 id=\"ajouter\">Ajouter un lieu</h2>");
	ui_error_summary(h, e->e, e->n);
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/admin/lieux\" novalidate>");
	ui_csrf_field(h, req);
	ui_form_input(h, e, "name", "Nom du lieu", NULL, "text", f->name,
	    " maxlength=\"140\" required");
	ui_form_input(h, e, "siret", "SIRET", "14 chiffres, espaces permis.",
	    "text", f->siret, " inputmode=\"numeric\" autocomplete=\"off\" "
	    "required");
	ui_form_input(h, e, "address", "Adresse", NULL, "text", f->address,
	    " maxlength=\"200\" required");
	ui_form_input(h, e, "commune", "Commune", NULL, "text", f->commune,
	    " maxlength=\"64\" required");
	ui_form_input(h, e, "iban", "IBAN", "Tel qu’il figure sur le RIB, "
	    "espaces permis.", "text", f->iban, " autocomplete=\"off\" "
	    "spellcheck=\"false\" required");
	ui_form_input(h, e, "bic", "BIC", "8 ou 11 caractères.", "text",
	    f->bic, " autocomplete=\"off\" spellcheck=\"false\" required");
	ui_form_input(h, e, "contact", "Contact", "Qui appeler : nom, "
	    "téléphone ou courriel.", "text", f->contact, " maxlength=\"200\" "
	    "required");
	ui_form_input(h, e, "debut", "Début d’agrément", NULL, "date", f->from,
	    " required");
	ui_form_input(h, e, "fin", "Fin d’agrément (facultatif)", NULL, "date",
	    f->until, NULL);
	html_put(h, "<button type=\"submit\">Ajouter le lieu</button></form>");
}

static enum MHD_Result
list_page(struct http_request *req, const struct venue_form *f,
    unsigned status)
{
	const char *q = http_request_query(req, "q");
	struct list l = { .q = q != NULL ? q : "" };
	struct pn_error err;
	struct store *s;
	struct html h;
	bool bad;

	/* Too long to be a name, a SIRET or a commune: said at its field. */
	bad = strlen(l.q) > 100;
	if (bad) {
		l.q = "";
		status = status == 200 ? 400 : status;
	}
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	html_init(&l.rows);
	if (store_venue_each(s, list_row, &l, &err) != 0) {
		html_free(&l.rows);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Lieux partenaires");
	html_put(&h, "<form class=\"panel\" method=\"get\" "
	    "action=\"/admin/lieux\" role=\"search\"><label for=\"q\">"
	    "Rechercher un lieu<span class=\"hint\" id=\"q-hint\">Par son nom, "
	    "son SIRET ou sa commune.</span></label>");
	ui_compta_field_error(&h, "q", bad, "Recherche trop longue : tapez "
	    "au plus 100 caractères d’un nom, d’un SIRET ou d’une commune.");
	html_put(&h, "<input id=\"q\" name=\"q\" type=\"search\" "
	    "maxlength=\"100\"");
	ui_compta_field_attrs(&h, "q", "q-hint", bad);
	html_put(&h, " value=\"%s\"><button type=\"submit\">Rechercher"
	    "</button></form>", l.q);
	if (l.shown == 0)
		html_put(&h, "<p>%s</p>", l.n == 0 ? "Aucun lieu n’est encore "
		    "enregistré." : "Aucun lieu ne correspond à cette "
		    "recherche.");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"lieux\"><table>"
		    "<caption id=\"lieux\">%u %s</caption><thead><tr>"
		    "<th scope=\"col\">Nom</th><th scope=\"col\">SIRET</th>"
		    "<th scope=\"col\">Commune</th>"
		    "<th scope=\"col\">Agrément</th>"
		    "<th scope=\"col\">État</th></tr></thead><tbody>%R</tbody>"
		    "</table></div>", l.shown, l.shown == 1 ? "lieu" : "lieux",
		    l.rows.failed ? "" : l.rows.buf);
	h.failed |= l.rows.failed;
	html_free(&l.rows);
	add_form(&h, req, f);
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_admin_venues(struct http_request *req)
{
	struct venue_form f = { .name = "" };

	f.siret = f.address = f.commune = f.iban = f.bic = f.contact = "";
	f.from = f.until = "";
	return list_page(req, &f, 200);
}

enum MHD_Result
ui_admin_venue_add(struct http_request *req)
{
	struct venue_form f = { .name = ui_form_value(req, "name") };
	char siret[PN_SIRET_LEN + 1], iban[PN_IBAN_MAX + 1];
	char bic[PN_BIC_MAX + 1], where[64];
	struct venue_add_in in;
	struct store_venue out;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum err_code code;

	f.siret = ui_form_value(req, "siret");
	f.address = ui_form_value(req, "address");
	f.commune = ui_form_value(req, "commune");
	f.iban = ui_form_value(req, "iban");
	f.bic = ui_form_value(req, "bic");
	f.contact = ui_form_value(req, "contact");
	f.from = ui_form_value(req, "debut");
	f.until = ui_form_value(req, "fin");
	memset(&in, 0, sizeof(in));
	/* Every field checked, every error shown at once. */
	ui_form_line(&f.form, "name", f.name, VENUE_NAME_MAX, "Nom du lieu");
	check_id(&f, "siret", "SIRET", pn_siret_parse(f.siret, siret));
	ui_form_line(&f.form, "address", f.address, VENUE_ADDRESS_MAX,
	    "Adresse");
	ui_form_line(&f.form, "commune", f.commune, VENUE_COMMUNE_MAX,
	    "Commune");
	check_id(&f, "iban", "IBAN", pn_iban_parse(f.iban, iban));
	check_id(&f, "bic", "BIC", pn_bic_parse(f.bic, bic));
	ui_form_line(&f.form, "contact", f.contact, VENUE_CONTACT_MAX,
	    "Contact");
	check_dates(&f, &in.accredited_from, &in.accredited_until);
	if (f.form.n > 0)
		return list_page(req, &f, 400);
	in.name = f.name;
	in.siret = f.siret;
	in.address = f.address;
	in.commune = f.commune;
	in.iban = f.iban;
	in.bic = f.bic;
	in.contact = f.contact;
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	code = venue_add(&cx, &in, &out, &why);
	if (code == ERR_ALREADY_RECORDED) {
		ui_form_error(&f.form, "siret", "%s", "SIRET : un lieu porte "
		    "déjà ce SIRET ; cherchez-le dans la liste.");
		return list_page(req, &f, 409);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(where, sizeof(where), "/admin/lieux/%lld?ajoute=1",
	    (long long)out.id);
	return http_redirect(req, where);
}

/* --- One venue ----------------------------------------------------------- */

/* What the venue page says above its forms. */
enum venue_notice {
	VN_NONE,
	VN_PASSWORD_MISSING,
	VN_PASSWORD_WRONG,
	VN_THROTTLED,
	VN_REASON			/* suspension without a reason */
};

struct venue_page {
	struct store_venue v;
	struct store_bank_change c;
	bool pending;
	struct venue_form edit;		/* the contact form's values, errors */
	struct venue_form bank;		/* the bank form's */
	enum venue_notice notice;
	unsigned retry_after;
	enum err_code refused;		/* an operation's refusal, or ERR_NONE */
	const char *reason;
};

static void
edit_form(struct html *h, struct http_request *req,
    const struct venue_page *p)
{
	const struct venue_form *f = &p->edit;
	const struct ui_form *e = &f->form;

	html_put(h, "<h2 id=\"coordonnees\">Coordonnées et agrément</h2>");
	ui_error_summary(h, e->e, e->n);
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/admin/lieux/%L/modifier\" novalidate>", p->v.id);
	ui_csrf_field(h, req);
	ui_form_input(h, e, "name", "Nom du lieu", NULL, "text", f->name,
	    " maxlength=\"140\" required");
	ui_form_input(h, e, "address", "Adresse", NULL, "text", f->address,
	    " maxlength=\"200\" required");
	ui_form_input(h, e, "commune", "Commune", NULL, "text", f->commune,
	    " maxlength=\"64\" required");
	ui_form_input(h, e, "contact", "Contact", "Qui appeler : nom, "
	    "téléphone ou courriel.", "text", f->contact, " maxlength=\"200\" "
	    "required");
	ui_form_input(h, e, "debut", "Début d’agrément", NULL, "date", f->from,
	    " required");
	ui_form_input(h, e, "fin", "Fin d’agrément (facultatif)", NULL, "date",
	    f->until, NULL);
	html_put(h, "<button type=\"submit\">Enregistrer</button></form>");
}

static void
status_form(struct html *h, struct http_request *req,
    const struct venue_page *p)
{
	bool active = strcmp(p->v.status, "active") == 0;
	bool bad = p->notice == VN_REASON;

	html_put(h, "<h2 id=\"etat\">Suspension</h2><form class=\"panel\" "
	    "method=\"post\" action=\"/admin/lieux/%L/etat\">", p->v.id);
	ui_csrf_field(h, req);
	if (!active) {
		html_put(h, "<p>Ce lieu est suspendu : %s</p>"
		    "<input type=\"hidden\" name=\"etat\" value=\"actif\">"
		    "<button type=\"submit\">Rétablir le lieu</button></form>",
		    p->v.status_reason);
		return;
	}
	html_put(h, "<p>Un lieu suspendu n’encaisse plus de chèque et "
	    "n’inscrit plus de poste, jusqu’à ce qu’il soit rétabli.</p>"
	    "<input type=\"hidden\" name=\"etat\" value=\"suspendu\">"
	    "<label for=\"motif\">Motif de la suspension<span class=\"hint\" "
	    "id=\"motif-hint\">Par exemple « convention non renouvelée ».</span>"
	    "</label>");
	ui_compta_field_error(h, "motif", bad, "Motif : écrivez en une ligne "
	    "pourquoi le lieu est suspendu.");
	html_put(h, "<input id=\"motif\" name=\"motif\" type=\"text\" "
	    "maxlength=\"%d\"", VENUE_REASON_MAX);
	ui_compta_field_attrs(h, "motif", "motif-hint", bad);
	html_put(h, " value=\"%s\"><button type=\"submit\" class=\"danger\">"
	    "Suspendre le lieu</button></form>", p->reason != NULL ?
	    p->reason : "");
}

static void
bank_section(struct html *h, struct http_request *req,
    const struct venue_page *p)
{
	const struct store_principal *who = http_request_principal(req);
	bool bad_password = p->notice == VN_PASSWORD_MISSING ||
	    p->notice == VN_PASSWORD_WRONG || p->notice == VN_THROTTLED;
	char old_iban[PN_IBAN_TEXT_MAX], new_iban[PN_IBAN_TEXT_MAX];
	char when[PN_TIME_TEXT_MAX], msg[256];

	html_put(h, "<h2 id=\"rib\">Coordonnées bancaires</h2>");
	if (!p->pending) {
		html_put(h, "<p>Un changement d’IBAN ou de BIC demandé ici "
		    "attend l’approbation d’un second administrateur ; "
		    "jusque-là, les paiements vont sur le compte actuel.</p>");
		ui_error_summary(h, p->bank.form.e, p->bank.form.n);
		html_put(h, "<form class=\"panel\" method=\"post\" "
		    "action=\"/admin/lieux/%L/rib\" novalidate>", p->v.id);
		ui_csrf_field(h, req);
		ui_form_input(h, &p->bank.form, "iban", "Nouvel IBAN", "Tel "
		    "qu’il figure sur le RIB, espaces permis.", "text",
		    p->bank.iban, " autocomplete=\"off\" spellcheck=\"false\" "
		    "required");
		ui_form_input(h, &p->bank.form, "bic", "Nouveau BIC", "8 ou 11 "
		    "caractères.", "text", p->bank.bic, " autocomplete=\"off\" "
		    "spellcheck=\"false\" required");
		html_put(h, "<button type=\"submit\">Demander le changement"
		    "</button></form>");
		return;
	}
	pn_iban_format(p->c.old_iban, old_iban);
	pn_iban_format(p->c.iban, new_iban);
	pn_time_format_paris(p->c.requested_at, when);
	html_put(h, "<div class=\"alert\" role=\"status\"><p>Changement de RIB "
	    "en attente, demandé par %s le %s : les paiements vont encore sur "
	    "l’IBAN %s (BIC %s). Après approbation, ils iront sur l’IBAN %s "
	    "(BIC %s).</p></div>", p->c.requested_login, when, old_iban,
	    p->c.old_bic, new_iban, p->c.bic);
	if (who != NULL && who->user_id == p->c.requested_by) {
		html_put(h, "<p>Vous avez demandé ce changement : un autre "
		    "administrateur doit l’approuver, après avoir vérifié le "
		    "RIB auprès du lieu.</p>");
		return;
	}
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/admin/lieux/%L/rib/approuver\"><p>Avant d’approuver, "
	    "vérifiez le nouveau RIB auprès du lieu, par un contact que vous "
	    "connaissez déjà.</p>", p->v.id);
	ui_csrf_field(h, req);
	html_put(h, "<input type=\"hidden\" name=\"changement\" value=\"%L\">"
	    "<label for=\"password\">Votre mot de passe<span class=\"hint\" "
	    "id=\"password-hint\">Par sécurité, retapez le mot de passe de "
	    "votre compte.</span></label>", p->c.id);
	msg[0] = '\0';
	if (p->notice == VN_PASSWORD_MISSING)
		(void)snprintf(msg, sizeof(msg), "Le mot de passe manque : "
		    "retapez le mot de passe de votre compte.");
	else if (p->notice == VN_PASSWORD_WRONG)
		(void)snprintf(msg, sizeof(msg), "Mot de passe incorrect : "
		    "retapez le mot de passe avec lequel vous vous connectez.");
	else if (p->notice == VN_THROTTLED) {
		unsigned m = (p->retry_after + 59) / 60;

		(void)snprintf(msg, sizeof(msg), "Trop d’essais manqués pour ce "
		    "compte ou depuis ce poste : réessayez dans %u %s.", m,
		    m == 1 ? "minute" : "minutes");
	}
	ui_compta_field_error(h, "password", bad_password, msg);
	html_put(h, "<input id=\"password\" name=\"password\" "
	    "type=\"password\" required maxlength=\"1024\" "
	    "autocomplete=\"current-password\"");
	ui_compta_field_attrs(h, "password", "password-hint", bad_password);
	html_put(h, "><button type=\"submit\">Approuver le changement de RIB"
	    "</button></form>");
}

/* The venue's page p, status its reply's. */
static enum MHD_Result
venue_page(struct http_request *req, struct venue_page *p, unsigned status)
{
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	char iban[PN_IBAN_TEXT_MAX];
	struct html h;

	html_init(&h);
	ui_begin(&h, req, p->v.name);
	if (http_request_query(req, "ajoute") != NULL && status == 200)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>Le lieu "
		    "est enregistré.</p></div>");
	if (http_request_query(req, "fait") != NULL && status == 200)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>C’est "
		    "enregistré.</p></div>");
	if (p->refused != ERR_NONE)
		ui_compta_alert(&h, req, p->refused, NULL);
	pn_time_format_paris_date(p->v.accredited_from, from);
	if (p->v.accredited_until != 0)
		pn_time_format_paris_date(p->v.accredited_until, until);
	pn_iban_format(p->v.iban, iban);
	html_put(&h, "<dl class=\"panel\"><dt>SIRET</dt><dd>%s</dd>"
	    "<dt>Adresse</dt><dd>%s, %s</dd><dt>Contact</dt><dd>%s</dd>"
	    "<dt>IBAN payé</dt><dd class=\"nowrap\">%s</dd><dt>BIC</dt>"
	    "<dd>%s</dd><dt>Agrément</dt><dd>depuis le %s%s%s</dd>"
	    "<dt>État</dt><dd>%s</dd></dl>", p->v.siret, p->v.address,
	    p->v.commune, p->v.contact, iban, p->v.bic, from,
	    p->v.accredited_until != 0 ? ", jusqu’au " : "",
	    p->v.accredited_until != 0 ? until : "",
	    strcmp(p->v.status, "active") == 0 ? "Actif" : "Suspendu");
	html_put(&h, "<p><a href=\"/lieu?lieu=%L\">Les pages du lieu</a> · "
	    "<a href=\"/lieu/postes?lieu=%L\">Ses postes et leurs codes</a> · "
	    "<a href=\"/admin/lieux\">Tous les lieux</a></p>", p->v.id,
	    p->v.id);
	bank_section(&h, req, p);
	edit_form(&h, req, p);
	status_form(&h, req, p);
	return ui_end(&h, req, status);
}

/* Load the venue of the route into *p, its forms filled from the record. */
static int
load(struct http_request *req, struct store *s, struct venue_page *p,
    enum MHD_Result *rc, char from[PN_TIME_TEXT_MAX],
    char until[PN_TIME_TEXT_MAX])
{
	uint64_t id = ui_param_id(req);
	struct pn_error err;
	int res;

	memset(p, 0, sizeof(*p));
	if (id == 0 || id > INT64_MAX ||
	    (res = store_venue_get(s, (int64_t)id, &p->v, &err)) ==
	    STORE_NOT_FOUND) {
		*rc = ui_error_page(req, ERR_VENUE_NOT_FOUND, "no such venue");
		return -1;
	}
	if (res < 0 || (res = store_venue_bank_pending(s, p->v.id, &p->c,
	    &err)) < 0) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	p->pending = res == 0;
	day_value(p->v.accredited_from, from);
	day_value(p->v.accredited_until, until);
	p->edit.name = p->v.name;
	p->edit.address = p->v.address;
	p->edit.commune = p->v.commune;
	p->edit.contact = p->v.contact;
	p->edit.from = from;
	p->edit.until = until;
	p->edit.siret = p->edit.iban = p->edit.bic = "";
	p->bank.name = p->bank.siret = p->bank.address = "";
	p->bank.commune = p->bank.contact = p->bank.from = p->bank.until = "";
	p->bank.iban = p->bank.bic = "";
	p->refused = ERR_NONE;
	return 0;
}

/* After a change: the venue's page again, GET, with its confirmation. */
static enum MHD_Result
done(struct http_request *req, int64_t id)
{
	char where[64];

	(void)snprintf(where, sizeof(where), "/admin/lieux/%lld?fait=1",
	    (long long)id);
	return http_redirect(req, where);
}

enum MHD_Result
ui_admin_venue(struct http_request *req)
{
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	struct venue_page p;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &p, &rc, from, until) != 0)
		return rc;
	return venue_page(req, &p, 200);
}

enum MHD_Result
ui_admin_venue_edit(struct http_request *req)
{
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	struct venue_edit_in in;
	struct venue_page p;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &p, &rc, from, until) != 0)
		return rc;
	p.edit.name = ui_form_value(req, "name");
	p.edit.address = ui_form_value(req, "address");
	p.edit.commune = ui_form_value(req, "commune");
	p.edit.contact = ui_form_value(req, "contact");
	p.edit.from = ui_form_value(req, "debut");
	p.edit.until = ui_form_value(req, "fin");
	memset(&in, 0, sizeof(in));
	ui_form_line(&p.edit.form, "name", p.edit.name, VENUE_NAME_MAX,
	    "Nom du lieu");
	ui_form_line(&p.edit.form, "address", p.edit.address, VENUE_ADDRESS_MAX,
	    "Adresse");
	ui_form_line(&p.edit.form, "commune", p.edit.commune, VENUE_COMMUNE_MAX,
	    "Commune");
	ui_form_line(&p.edit.form, "contact", p.edit.contact, VENUE_CONTACT_MAX,
	    "Contact");
	check_dates(&p.edit, &in.accredited_from, &in.accredited_until);
	if (p.edit.form.n > 0)
		return venue_page(req, &p, 400);
	in.id = p.v.id;
	in.name = p.edit.name;
	in.address = p.edit.address;
	in.commune = p.edit.commune;
	in.contact = p.edit.contact;
	op_request_ctx_on(req, s, &cx);
	if ((code = venue_edit(&cx, &in, &why)) != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	return done(req, p.v.id);
}

enum MHD_Result
ui_admin_venue_status(struct http_request *req)
{
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	const char *state = ui_field(req, "etat");
	struct venue_status_in in;
	struct venue_page p;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &p, &rc, from, until) != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.siret = p.v.siret;
	in.suspend = state == NULL || strcmp(state, "actif") != 0;
	in.reason = in.suspend ? ui_form_value(req, "motif") : NULL;
	p.reason = in.reason;
	op_request_ctx_on(req, s, &cx);
	code = venue_set_status(&cx, &in, &why);
	if (code == ERR_INVALID_FIELD) {
		p.notice = VN_REASON;
		return venue_page(req, &p, 400);
	}
	if (code == ERR_VENUE_STATUS_UNCHANGED) {
		p.refused = code;
		return venue_page(req, &p, err_lookup(code)->status);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	return done(req, p.v.id);
}

enum MHD_Result
ui_admin_venue_bank(struct http_request *req)
{
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	char iban[PN_IBAN_MAX + 1], bic[PN_BIC_MAX + 1];
	struct venue_page p;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &p, &rc, from, until) != 0)
		return rc;
	p.bank.iban = ui_form_value(req, "iban");
	p.bank.bic = ui_form_value(req, "bic");
	check_id(&p.bank, "iban", "IBAN", pn_iban_parse(p.bank.iban, iban));
	check_id(&p.bank, "bic", "BIC", pn_bic_parse(p.bank.bic, bic));
	if (p.bank.form.n > 0)
		return venue_page(req, &p, 400);
	op_request_ctx_on(req, s, &cx);
	code = venue_bank_request(&cx, p.v.id, p.bank.iban, p.bank.bic, &why);
	if (code == ERR_BANK_CHANGE_SAME || code == ERR_BANK_CHANGE_PENDING) {
		p.refused = code;
		if (code == ERR_BANK_CHANGE_PENDING &&
		    store_venue_bank_pending(s, p.v.id, &p.c, &err) == 0)
			p.pending = true;
		return venue_page(req, &p, err_lookup(code)->status);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	return done(req, p.v.id);
}

enum MHD_Result
ui_admin_venue_bank_approve(struct http_request *req)
{
	const struct store_principal *who = http_request_principal(req);
	const char *password = ui_field(req, "password");
	const char *change = ui_field(req, "changement");
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	struct venue_page p;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;
	unsigned wait = 0;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &p, &rc, from, until) != 0)
		return rc;
	/* The change the approver read, not one put in its place since. */
	if (!p.pending || change == NULL || strtoll(change, NULL, 10) !=
	    p.c.id)
		return ui_error_page(req, ERR_BANK_CHANGE_NOT_FOUND, "no such "
		    "pending change");
	/* Refused before the password is asked: no guess to be counted. */
	if (p.c.requested_by == who->user_id)
		return ui_error_page(req, ERR_BANK_CHANGE_OWN, "own change");
	if (password == NULL || password[0] == '\0' ||
	    strlen(password) > 1024) {
		p.notice = VN_PASSWORD_MISSING;
		return venue_page(req, &p, 400);
	}
	op_request_ctx_on(req, s, &cx);
	switch (ui_reauth(req, s, &cx, password, &wait, &err)) {
	case UI_REAUTH_OK:
		break;
	case UI_REAUTH_FAILED:
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	case UI_REAUTH_THROTTLED:
		p.notice = VN_THROTTLED;
		p.retry_after = wait;
		return venue_page(req, &p, 429);
	default:
		p.notice = VN_PASSWORD_WRONG;
		return venue_page(req, &p, 401);
	}
	code = venue_bank_approve(&cx, p.v.id, p.c.id, &why);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	return done(req, p.v.id);
}
