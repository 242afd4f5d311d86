/* ui_admin_programmes.c -- the admins' « Programmes » pages: what booklets are issued under, added and edited, a change applying forward.
 *
 *   GET  /admin/programmes			the list, and the form "Ajouter un
 *					programme"
 *   POST /admin/programmes			add a programme
 *   GET  /admin/programmes/{id}		one programme: where its budget
 *					stands, its form, its history
 *   POST /admin/programmes/{id}/modifier	change its settings
 *
 * A programme's settings say what public money its booklets commit, so
 * adding or changing one takes the admin's password again (ui_reauth()).
 * A change applies forward: a voucher holds the amount and expiry it was
 * issued with, a drafted batch its commission; the page says so, and
 * lists each change from the audit log (ui_setup_history()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/money.h"
#include "passnum/parse.h"
#include "op_request.h"
#include "programme_setup.h"
#include "ui.h"
#include "validity.h"
#include "worker.h"

/* The form's values as typed, and their errors. */
struct programme_form {
	const char *name, *face, *per_booklet, *validity_kind, *validity_days;
	const char *territory, *budget, *max_booklets;
	const char *commission, *budget_line, *per_session;
	const char *instructions, *venues;
	struct ui_form form;
	unsigned status;		/* of the page shown again */
};

/* --- Reading the form ---------------------------------------------------- */

/* A whole number from 1 to max, or an error at field. */
static unsigned
read_count(struct programme_form *f, const char *field, const char *text,
    unsigned max, const char *label)
{
	uint64_t n;

	if (pn_parse_u64(text, max, &n) != 0 || n < 1) {
		ui_form_error(&f->form, field, "%s : un nombre entier de 1 à "
		    "%u.", label, max);
		return 0;
	}
	return (unsigned)n;
}

/* An amount of euros up to max cents, or an error at field. */
static int64_t
read_money(struct programme_form *f, const char *field, const char *text,
    int64_t max, const char *label)
{
	int64_t cents;

	if (pn_money_parse(text, max, &cents) != 0) {
		ui_form_error(&f->form, field, "%s : un montant en euros, par "
		    "exemple 1 500 ou 12,50.", label);
		return -1;
	}
	return cents;
}

/*
 * A textarea's text with the browser's CRLF as LF and no trailing line
 * end, into buf (len bytes); false when it does not fit.
 */
static bool
lines_text(const char *text, char *buf, size_t len)
{
	size_t o = 0;

	for (; *text != '\0'; text++) {
		if (*text == '\r')
			continue;
		if (o + 1 >= len)
			return false;
		buf[o++] = *text;
	}
	while (o > 0 && buf[o - 1] == '\n')
		o--;
	buf[o] = '\0';
	return true;
}

struct texts {
	char validity[32];
	char instructions[PROGRAMME_INSTRUCTIONS_MAX + 2];
	char venues[PROGRAMME_VENUES_MAX + 2];
};

static void
read_form(struct http_request *req, struct programme_form *f)
{
	memset(f, 0, sizeof(*f));
	f->name = ui_form_value(req, "nom");
	f->face = ui_form_value(req, "valeur");
	f->per_booklet = ui_form_value(req, "cheques");
	f->validity_kind = ui_form_value(req, "validite");
	f->validity_days = ui_form_value(req, "jours");
	f->territory = ui_form_value(req, "territoire");
	f->budget = ui_form_value(req, "budget");
	f->max_booklets = ui_form_value(req, "carnets");
	f->commission = ui_form_value(req, "commission");
	f->budget_line = ui_form_value(req, "ligne");
	f->per_session = ui_form_value(req, "seance");
	f->instructions = ui_form_value(req, "couverture");
	f->venues = ui_form_value(req, "lieux");
}

/*
 * Check every field of f, with_rules the commission, budget line and
 * per-session limit too, into *in (its texts in t): every error at once.
 */
static void
check_form(struct programme_form *f, bool with_rules,
    struct programme_edit_in *in, struct texts *t)
{
	uint64_t days = 0;
	int64_t bp = 0;
	char percent[32];
	size_t n;

	ui_form_line(&f->form, "nom", f->name, PROGRAMME_NAME_MAX,
	    "Nom du programme");
	in->set.name = f->name;
	in->set.face_value = read_money(f, "valeur", f->face,
	    PROGRAMME_FACE_MAX, "Valeur d’un chèque");
	if (in->set.face_value == 0)
		ui_form_error(&f->form, "valeur", "%s", "Valeur d’un chèque : "
		    "au moins 0,01 €.");
	in->set.per_booklet = read_count(f, "cheques", f->per_booklet,
	    STORE_BOOKLET_MAX, "Chèques par carnet");
	if (strcmp(f->validity_kind, "fin-annee") != 0 &&
	    strcmp(f->validity_kind, "jours") != 0)
		ui_form_error(&f->form, "validite", "%s", "Validité : choisissez "
		    "la fin de l’année ou un nombre de jours.");
	else if (strcmp(f->validity_kind, "jours") == 0 &&
	    (pn_parse_u64(f->validity_days, 3660, &days) != 0 || days < 1))
		ui_form_error(&f->form, "jours", "%s", "Nombre de jours : de 1 "
		    "à 3660 jours après la délivrance.");
	else if (strcmp(f->validity_kind, "fin-annee") == 0 &&
	    pn_parse_u64(f->validity_days[0] != '\0' ? f->validity_days : "0",
	    366, &days) != 0)
		ui_form_error(&f->form, "jours", "%s", "Nombre de jours : de 0 "
		    "à 366 jours de tolérance après le 31 décembre.");
	else
		(void)snprintf(t->validity, sizeof(t->validity), "%s%llu",
		    strcmp(f->validity_kind, "jours") == 0 ? "days:" :
		    "year-end+", (unsigned long long)days);
	in->set.validity = t->validity;
	ui_form_line(&f->form, "territoire", f->territory,
	    PROGRAMME_TERRITORY_MAX, "Territoire");
	in->set.territory = f->territory;
	in->set.budget = read_money(f, "budget", f->budget, INT64_MAX / 2,
	    "Budget");
	in->set.max_booklets = read_count(f, "carnets", f->max_booklets,
	    PROGRAMME_MAX_BOOKLETS, "Carnets par personne");
	if (!lines_text(f->instructions, t->instructions,
	    sizeof(t->instructions)) ||
	    strlen(t->instructions) > PROGRAMME_INSTRUCTIONS_MAX)
		ui_form_error(&f->form, "couverture", "Texte de la couverture : "
		    "au plus %d caractères ; raccourcissez-le.",
		    PROGRAMME_INSTRUCTIONS_MAX);
	in->set.instructions = t->instructions;
	if (!lines_text(f->venues, t->venues, sizeof(t->venues)) ||
	    strlen(t->venues) > PROGRAMME_VENUES_MAX ||
	    strstr(t->venues, "\n\n") != NULL || t->venues[0] == '\n')
		ui_form_error(&f->form, "lieux", "Lieux partenaires : un lieu "
		    "par ligne, sans ligne vide, %d caractères en tout au plus.",
		    PROGRAMME_VENUES_MAX);
	in->set.venues = t->venues;
	if (!with_rules)
		return;
	/* "2,5", "2,5 %": hundredths of a percent are basis points. */
	n = strlen(f->commission);
	while (n > 0 && (f->commission[n - 1] == ' ' ||
	    f->commission[n - 1] == '%'))
		n--;
	(void)snprintf(percent, sizeof(percent), "%.*s", (int)n,
	    f->commission);
	if (strlen(f->commission) >= sizeof(percent) ||
	    pn_money_parse(percent, PROGRAMME_COMMISSION_MAX, &bp) != 0)
		ui_form_error(&f->form, "commission", "%s", "Commission : un "
		    "pourcentage de 0 à 100, par exemple 2,5.");
	in->commission_bp = (int)bp;
	if (strlen(f->budget_line) > PROGRAMME_BUDGET_LINE_MAX ||
	    strpbrk(f->budget_line, ";\r\n\t") != NULL)
		ui_form_error(&f->form, "ligne", "Ligne budgétaire : au plus "
		    "%d caractères, sans point-virgule.",
		    PROGRAMME_BUDGET_LINE_MAX);
	in->budget_line = f->budget_line;
	in->max_per_session = read_count(f, "seance", f->per_session,
	    PROGRAMME_PER_SESSION_MAX, "Chèques d’un carnet par séance");
}

/* The form's control of an operation's field; the name when unknown. */
static const char *
form_field(const char *op_field)
{
	static const struct { const char *op, *form; } fields[] = {
		{ "face_value", "valeur" }, { "per_booklet", "cheques" },
		{ "validity", "jours" }, { "territory", "territoire" },
		{ "budget", "budget" }, { "max_booklets", "carnets" },
		{ "instructions", "couverture" }, { "venues", "lieux" },
		{ "commission_bp", "commission" }, { "budget_line", "ligne" },
		{ "max_per_session", "seance" },
	};
	size_t i;

	for (i = 0; op_field != NULL && i < sizeof(fields) / sizeof(fields[0]);
	    i++)
		if (strcmp(op_field, fields[i].op) == 0)
			return fields[i].form;
	return "nom";
}

/* The form's field of an operation's refusal, and its French sentence. */
static void
refusal_error(struct programme_form *f, const struct op_refusal *why,
    enum err_code code)
{
	if (code == ERR_ALREADY_RECORDED)
		ui_form_error(&f->form, "nom", "%s", "Nom du programme : un "
		    "autre programme porte déjà ce nom ; choisissez-en un "
		    "autre.");
	else if (code == ERR_BUDGET_BELOW_COMMITTED)
		ui_form_error(&f->form, "budget", "%s", "Budget : il ne peut pas "
		    "descendre sous ce que les carnets déjà délivrés engagent.");
	else
		/* The page checked each field first: the operation's own
		 * rules are the backstop, said at the field they name. */
		ui_form_error(&f->form, form_field(why->field), "%s",
		    "Ce réglage n’est pas accepté : corrigez-le ; seuls les "
		    "caractères imprimables sont permis.");
}

/* --- The form ------------------------------------------------------------ */

static void
validity_fields(struct html *h, const struct programme_form *f)
{
	bool year_end = strcmp(f->validity_kind, "jours") != 0;
	const struct ui_field_error *e = ui_field_error_of(f->form.e,
	    f->form.n, "validite");

	html_put(h, "<fieldset id=\"validite\"><legend>Validité des chèques"
	    "</legend>");
	ui_compta_field_error(h, "validite", e != NULL, e != NULL ?
	    e->message : "");
	html_put(h, "<div class=\"choice\"><input type=\"radio\" "
	    "id=\"validite-fin\" name=\"validite\" value=\"fin-annee\"%R>"
	    "<label for=\"validite-fin\">Jusqu’au 31 décembre de l’année de "
	    "délivrance, plus une tolérance en jours</label></div>"
	    "<div class=\"choice\"><input type=\"radio\" id=\"validite-jours\" "
	    "name=\"validite\" value=\"jours\"%R><label for=\"validite-jours\">"
	    "Un nombre de jours après la délivrance</label></div></fieldset>",
	    year_end ? " checked" : "", year_end ? "" : " checked");
	ui_form_input(h, &f->form, "jours", "Nombre de jours", "La tolérance "
	    "(0 à 366) ou la durée (1 à 3660), selon le choix ci-dessus.",
	    "text", f->validity_days, " inputmode=\"numeric\" maxlength=\"4\"");
}

static void
fields(struct html *h, struct http_request *req, const struct programme_form *f,
    const char *action, bool with_rules, const char *submit)
{
	const struct ui_form *e = &f->form;
	const struct ui_field_error *pw = ui_field_error_of(e->e, e->n,
	    "motdepasse");

	ui_error_summary(h, e->e, e->n);
	html_put(h, "<form class=\"panel\" method=\"post\" action=\"%s\" "
	    "novalidate>", action);
	ui_csrf_field(h, req);
	ui_form_input(h, e, "nom", "Nom du programme", "Imprimé sur les "
	    "carnets, par exemple « Pass numérique 2027 ».", "text", f->name,
	    " maxlength=\"127\" required");
	ui_form_input(h, e, "valeur", "Valeur d’un chèque (euros)", NULL,
	    "text", f->face, " inputmode=\"decimal\" maxlength=\"20\" "
	    "required");
	ui_form_input(h, e, "cheques", "Chèques par carnet", "De 1 à 50.",
	    "text", f->per_booklet, " inputmode=\"numeric\" maxlength=\"2\" "
	    "required");
	validity_fields(h, f);
	ui_form_input(h, e, "territoire", "Territoire", "Où les chèques "
	    "s’utilisent, par exemple « Loire-Atlantique ».", "text",
	    f->territory, " maxlength=\"127\" required");
	ui_form_input(h, e, "budget", "Budget voté (euros)", "Les carnets ne "
	    "sont plus délivrés quand il est engagé.", "text", f->budget,
	    " inputmode=\"decimal\" maxlength=\"24\" required");
	ui_form_input(h, e, "carnets", "Carnets par personne", "Au-delà, le "
	    "conseiller doit donner un motif.", "text", f->max_booklets,
	    " inputmode=\"numeric\" maxlength=\"3\" required");
	if (with_rules) {
		ui_form_input(h, e, "commission", "Commission retenue (%)",
		    "Part de la valeur gardée au paiement des lieux, par "
		    "exemple 2,5 ; 0 si aucune.", "text", f->commission,
		    " inputmode=\"decimal\" maxlength=\"8\" required");
		ui_form_input(h, e, "ligne", "Ligne budgétaire (facultatif)",
		    "Reportée sur la liste des mandats.", "text",
		    f->budget_line, " maxlength=\"64\"");
		ui_form_input(h, e, "seance", "Chèques d’un même carnet par "
		    "séance", "De 1 à 100.", "text", f->per_session,
		    " inputmode=\"numeric\" maxlength=\"3\" required");
	}
	ui_form_textarea(h, e, "couverture", "Texte de la couverture "
	    "(facultatif)", "Ce que la personne lit sur son carnet : comment "
	    "utiliser les chèques, qui appeler.", f->instructions,
	    PROGRAMME_INSTRUCTIONS_MAX);
	ui_form_textarea(h, e, "lieux", "Lieux partenaires imprimés "
	    "(facultatif)", "Un lieu par ligne, tel qu’il s’imprime sur le "
	    "carnet.", f->venues, PROGRAMME_VENUES_MAX);
	ui_reauth_field(h, "motdepasse", "Ces réglages engagent de l’argent "
	    "public : retapez le mot de passe de votre compte.", pw != NULL ?
	    pw->message : NULL);
	html_put(h, "<button type=\"submit\">%s</button></form>", submit);
}

/* The form filled from p, as the page shows it before any change. */
struct shown {
	char face[PN_MONEY_TEXT_MAX], budget[PN_MONEY_TEXT_MAX];
	char per_booklet[8], days[8], max_booklets[8], per_session[8];
	char commission[16];
};

static void
form_of(const struct store_programme *p, struct programme_form *f,
    struct shown *v)
{
	struct validity_rule r;

	memset(f, 0, sizeof(*f));
	pn_money_format(p->face_value, v->face);
	pn_money_format(p->budget, v->budget);
	(void)snprintf(v->per_booklet, sizeof(v->per_booklet), "%u",
	    p->per_booklet);
	(void)snprintf(v->max_booklets, sizeof(v->max_booklets), "%u",
	    p->max_booklets);
	(void)snprintf(v->per_session, sizeof(v->per_session), "%u",
	    p->max_per_session);
	ui_commission_text(p->commission_bp, v->commission,
	    sizeof(v->commission));
	if (validity_parse(p->validity, &r) != 0) {
		r.kind = VALIDITY_YEAR_END;
		r.days = 0;
	}
	(void)snprintf(v->days, sizeof(v->days), "%u", r.days);
	f->name = p->name;
	f->face = v->face;
	f->per_booklet = v->per_booklet;
	f->validity_kind = r.kind == VALIDITY_DAYS ? "jours" : "fin-annee";
	f->validity_days = v->days;
	f->territory = p->territory;
	f->budget = v->budget;
	f->max_booklets = v->max_booklets;
	f->commission = v->commission;
	f->budget_line = p->budget_line;
	f->per_session = v->per_session;
	f->instructions = p->instructions;
	f->venues = p->venues;
	f->status = 200;
}

/* The admin's password typed again: ERR_NONE, or an error at its field. */
static int
reauth(struct http_request *req, struct store *s, const struct op_ctx *cx,
    struct programme_form *f, struct pn_error *err)
{
	char msg[160];
	unsigned wait = 0, status;
	enum ui_reauth r;

	r = ui_reauth(req, s, cx, ui_field(req, "motdepasse"), &wait, err);
	if (r == UI_REAUTH_FAILED)
		return -1;
	status = ui_reauth_message(r, wait, msg, sizeof(msg));
	if (status != 200) {
		ui_form_error(&f->form, "motdepasse", "%s", msg);
		f->status = status;
	}
	return 0;
}

/* --- The list ------------------------------------------------------------ */

struct rows {
	struct html html;
	unsigned n;
};

static int
row(void *ctx, const struct store_programme *p)
{
	struct rows *r = ctx;
	char face[PN_MONEY_TEXT_MAX], budget[PN_MONEY_TEXT_MAX];
	char committed[PN_MONEY_TEXT_MAX], validity[160];

	pn_money_format(p->face_value, face);
	pn_money_format(p->budget, budget);
	pn_money_format(p->committed, committed);
	ui_validity_text(p->validity, validity, sizeof(validity));
	html_put(&r->html, "<tr><td><a href=\"/admin/programmes/%L\">%s</a>"
	    "</td><td class=\"num\">%s</td><td class=\"num\">%u</td>"
	    "<td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
	    "</tr>", p->id, p->name, face, p->per_booklet, validity, budget,
	    committed);
	r->n++;
	return 0;
}

static enum MHD_Result
list_page(struct http_request *req, const struct programme_form *f)
{
	struct rows r = { .n = 0 };
	struct pn_error err;
	struct store *s;
	struct html h;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	html_init(&r.html);
	if (store_programme_each(s, row, &r, &err) != 0) {
		html_free(&r.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Programmes");
	if (r.n == 0)
		html_put(&h, "<p>Aucun programme n’est encore enregistré : "
		    "ajoutez-en un pour que les conseillers délivrent des "
		    "carnets.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"programmes\"><table>"
		    "<caption id=\"programmes\">%u %s</caption><thead><tr>"
		    "<th scope=\"col\">Nom</th>"
		    "<th scope=\"col\" class=\"num\">Valeur d’un chèque</th>"
		    "<th scope=\"col\" class=\"num\">Chèques par carnet</th>"
		    "<th scope=\"col\">Validité</th>"
		    "<th scope=\"col\" class=\"num\">Budget</th>"
		    "<th scope=\"col\" class=\"num\">Engagé</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", r.n, r.n == 1 ?
		    "programme" : "programmes", r.html.failed ? "" :
		    r.html.buf);
	h.failed |= r.html.failed;
	html_free(&r.html);
	html_put(&h, "<p>Les thèmes des séances, communs à tous les "
	    "programmes, se règlent dans <a href=\"/admin/themes\">Thèmes "
	    "des séances</a>.</p>");
	html_put(&h, "<h2 id=\"ajouter\">Ajouter un programme</h2><p>La "
	    "commission, la ligne budgétaire et le nombre de chèques d’un "
	    "carnet par séance se règlent ensuite, sur la page du programme "
	    "(par défaut : aucune commission, aucune ligne, un chèque).</p>");
	fields(&h, req, f, "/admin/programmes", false, "Ajouter le programme");
	return ui_end(&h, req, f->status);
}

enum MHD_Result
ui_admin_programmes(struct http_request *req)
{
	struct programme_form f;

	memset(&f, 0, sizeof(f));
	f.name = f.face = f.per_booklet = f.validity_days = f.territory = "";
	f.budget = f.commission = f.budget_line = f.per_session = "";
	f.instructions = f.venues = "";
	f.validity_kind = "fin-annee";
	f.max_booklets = "1";
	f.status = 200;
	return list_page(req, &f);
}

enum MHD_Result
ui_admin_programme_add(struct http_request *req)
{
	struct programme_edit_in in;
	struct programme_form f;
	struct op_refusal why;
	struct pn_error err;
	struct texts t;
	struct op_ctx cx;
	struct store *s;
	enum err_code code;
	char where[64];
	int64_t id;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	memset(&in, 0, sizeof(in));
	memset(&t, 0, sizeof(t));
	read_form(req, &f);
	f.status = 400;
	check_form(&f, false, &in, &t);
	op_request_ctx_on(req, s, &cx);
	if (reauth(req, s, &cx, &f, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (f.form.n > 0)
		return list_page(req, &f);
	code = programme_add(&cx, &in.set, &id, &why);
	if (code == ERR_INVALID_FIELD || code == ERR_ALREADY_RECORDED) {
		refusal_error(&f, &why, code);
		f.status = err_lookup(code)->status;
		return list_page(req, &f);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(where, sizeof(where),
	    "/admin/programmes/%lld?ajoute=1", (long long)id);
	return http_redirect(req, where);
}

/* --- One programme ------------------------------------------------------- */

static enum MHD_Result
programme_page(struct http_request *req, struct store *s,
    const struct store_programme *p, const struct programme_form *f)
{
	char budget[PN_MONEY_TEXT_MAX], committed[PN_MONEY_TEXT_MAX];
	char left[PN_MONEY_TEXT_MAX], action[64], object[40];
	struct pn_error err;
	struct html h;

	html_init(&h);
	ui_begin(&h, req, p->name);
	if (f->status == 200 && http_request_query(req, "ajoute") != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>Le "
		    "programme est enregistré. Réglez ci-dessous sa commission, "
		    "sa ligne budgétaire et le nombre de chèques d’un carnet par "
		    "séance.</p></div>");
	else if (f->status == 200 && http_request_query(req, "fait") != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>C’est "
		    "enregistré : les carnets délivrés à partir de maintenant "
		    "suivent ces réglages.</p></div>");
	else if (f->status == 200 &&
	    http_request_query(req, "inchange") != NULL)
		html_put(&h, "<div class=\"alert\" role=\"status\"><p>Rien n’a "
		    "changé : les valeurs saisies sont celles du programme.</p>"
		    "</div>");
	pn_money_format(p->budget, budget);
	pn_money_format(p->committed, committed);
	pn_money_format(p->budget - p->committed, left);
	html_put(&h, "<dl class=\"panel\"><dt>Budget voté</dt><dd>%s</dd>"
	    "<dt>Engagé par les carnets délivrés</dt><dd>%s</dd>"
	    "<dt>Reste à engager</dt><dd>%s</dd></dl>", budget, committed,
	    left);
	html_put(&h, "<p><a href=\"/pilotage?programme=%L\">Le tableau de bord "
	    "de ce programme</a> · <a href=\"/admin/programmes\">Tous les "
	    "programmes</a></p>", p->id);
	html_put(&h, "<h2 id=\"modifier\">Modifier le programme</h2>"
	    "<p>Une modification vaut pour la suite, jamais pour le passé :</p>"
	    "<ul><li>les chèques déjà délivrés gardent leur valeur et leur "
	    "date de fin de validité, imprimées et signées ;</li>"
	    "<li>la valeur, le nombre de chèques, la validité et le plafond "
	    "par personne s’appliquent aux carnets délivrés ensuite ;</li>"
	    "<li>la commission et la ligne budgétaire s’appliquent au "
	    "prochain lot de paiement préparé ; un lot déjà préparé garde les "
	    "siennes ;</li><li>un carnet réimprimé montre le texte de "
	    "couverture et la liste des lieux du moment.</li></ul>"
	    "<p>Le budget ne peut pas descendre sous ce qui est déjà "
	    "engagé.</p>");
	(void)snprintf(action, sizeof(action),
	    "/admin/programmes/%lld/modifier", (long long)p->id);
	fields(&h, req, f, action, true, "Enregistrer");
	(void)snprintf(object, sizeof(object), "programme:%lld",
	    (long long)p->id);
	if (ui_setup_history(&h, s, object, &err) != 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	return ui_end(&h, req, f->status);
}

/* The programme of the route into *p: 0, or -1 with *rc the error page. */
static int
load(struct http_request *req, struct store *s, struct store_programme *p,
    enum MHD_Result *rc)
{
	uint64_t id = ui_param_id(req);
	struct pn_error err;
	int res;

	if (id == 0 || id > INT64_MAX ||
	    (res = store_programme_get(s, (int64_t)id, p, &err)) == 1) {
		*rc = ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "no such "
		    "programme");
		return -1;
	}
	if (res < 0) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	return 0;
}

enum MHD_Result
ui_admin_programme(struct http_request *req)
{
	struct store_programme p;
	struct programme_form f;
	struct pn_error err;
	struct shown v;
	struct store *s;
	enum MHD_Result rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &p, &rc) != 0)
		return rc;
	form_of(&p, &f, &v);
	return programme_page(req, s, &p, &f);
}

enum MHD_Result
ui_admin_programme_edit(struct http_request *req)
{
	struct programme_edit_in in;
	struct store_programme p;
	struct programme_form f;
	struct op_refusal why;
	struct pn_error err;
	struct texts t;
	struct op_ctx cx;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;
	char where[80];
	bool changed;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &p, &rc) != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	memset(&t, 0, sizeof(t));
	read_form(req, &f);
	f.status = 400;
	check_form(&f, true, &in, &t);
	in.id = p.id;
	op_request_ctx_on(req, s, &cx);
	if (reauth(req, s, &cx, &f, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (f.form.n > 0)
		return programme_page(req, s, &p, &f);
	code = programme_edit(&cx, &in, &changed, &why);
	if (code == ERR_INVALID_FIELD || code == ERR_ALREADY_RECORDED ||
	    code == ERR_BUDGET_BELOW_COMMITTED) {
		refusal_error(&f, &why, code);
		f.status = err_lookup(code)->status;
		return programme_page(req, s, &p, &f);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(where, sizeof(where), "/admin/programmes/%lld?%s",
	    (long long)p.id, changed ? "fait=1" : "inchange=1");
	return http_redirect(req, where);
}
