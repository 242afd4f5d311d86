/* ui_admin_users.c -- the administration's users: the list, adding one, and what an admin does to an account.
 *
 *   GET  /admin/utilisateurs			the list (?role=...), the form
 *   POST /admin/utilisateurs			add: a one-time password, shown once
 *   GET  /admin/utilisateurs/{id}			one account, its sessions, its actions
 *   POST /admin/utilisateurs/{id}/desactiver	disable (an admin's: password again)
 *   POST /admin/utilisateurs/{id}/activer		enable
 *   POST /admin/utilisateurs/{id}/mot-de-passe	reset (password again)
 *   POST /admin/utilisateurs/{id}/sessions		end its sessions
 *   POST /admin/utilisateurs/{id}/jetons		revoke its API tokens
 *
 * These are passnum-admin's "user" and "token" commands, made by the
 * same operations (account.h). The acts that hand over power -- adding
 * an admin, resetting a password (whoever reads the new one holds the
 * account), disabling an admin -- need the acting admin's password typed
 * again: a session left open is not enough. It is checked by the login's
 * own check, session_password_check(), so a wrong one is a failed login
 * of that admin from that address, throttled as one. The rules an admin
 * could break with a click (disabling themself, or the last admin) are
 * the operation's, so that the command keeps them too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "account.h"
#include "op_request.h"
#include "session.h"
#include "ui.h"
#include "worker.h"

/* The roles an account may have, as the pages name them. */
static const struct {
	unsigned role;
	const char *param;		/* the form's and the filter's value */
	const char *label;
} roles[] = {
	{ ROLE_CASEWORKER, "caseworker", "Conseiller d’agence" },
	{ ROLE_VENUE, "venue", "Lieu partenaire" },
	{ ROLE_ACCOUNTANT, "accountant", "Comptable" },
	{ ROLE_ADMIN, "admin", "Administrateur" },
	{ ROLE_FUNDER, "funder", "Financeur (lecture seule)" },
};
#define NROLES (sizeof(roles) / sizeof(roles[0]))

static const char *
role_label(unsigned role)
{
	size_t i;

	for (i = 0; i < NROLES; i++)
		if (roles[i].role == role)
			return roles[i].label;
	return "Inconnu";
}

/* The role of the form's or the filter's value; 0 for none. */
static unsigned
role_of(const char *param)
{
	size_t i;

	for (i = 0; param != NULL && i < NROLES; i++)
		if (strcmp(roles[i].param, param) == 0)
			return roles[i].role;
	return 0;
}

/* --- Re-authentication ------------------------------------------------- */

/* The acting admin's password, typed again in the field "motdepasse". */
static enum ui_reauth
reauth(struct http_request *req, struct store *s, const struct op_ctx *cx,
    unsigned *wait, struct pn_error *err)
{
	return ui_reauth(req, s, cx, ui_field(req, "motdepasse"), wait, err);
}

/* --- The list and the form --------------------------------------------- */

struct user_rows {
	struct html html;
	unsigned filter;	/* 0: every role */
	unsigned n;
};

static int
user_row(void *ctx, const struct store_user *u)
{
	struct user_rows *r = ctx;
	struct html *h = &r->html;
	char last[PN_TIME_TEXT_MAX];

	if (r->filter != 0 && u->role != r->filter)
		return 0;
	html_put(h, "<tr><td><a href=\"/admin/utilisateurs/%L\">%s</a></td>"
	    "<td>%s</td><td>%s</td><td>", u->id, u->login, u->display_name,
	    role_label(u->role));
	if (u->agency_id != 0)
		html_put(h, "%s (n° %L)", u->agency_name, u->agency_id);
	else if (u->venue_id != 0)
		html_put(h, "%s", u->venue_name);
	else
		html_put(h, "—");
	html_put(h, "</td><td>%s%s</td><td>", u->disabled ? "Désactivé" :
	    "Actif", u->must_change ? ", mot de passe provisoire" : "");
	if (u->last_login_at != 0) {
		pn_time_format_paris(u->last_login_at, last);
		html_put(h, "%s", last);
	} else
		html_put(h, "Inconnue");
	html_put(h, "</td></tr>");
	r->n++;
	return 0;
}

/* What the add form was given, and what was wrong with it. */
struct add_form {
	const char *login, *name, *role, *agency, *siret;
	struct ui_field_error errors[6];
	size_t n;
	unsigned status;
	char reauth_msg[160];
};

static void
add_error(struct add_form *f, const char *id, const char *message,
    unsigned status)
{
	if (f->n < sizeof(f->errors) / sizeof(f->errors[0])) {
		f->errors[f->n].field = id;
		f->errors[f->n].id = id;
		f->errors[f->n].message = message;
		f->n++;
	}
	if (f->status == 200)
		f->status = status;
}

static const char *
error_of(const struct add_form *f, const char *id)
{
	const struct ui_field_error *e;

	if (f == NULL)
		return NULL;
	e = ui_field_error_of(f->errors, f->n, id);
	return e != NULL ? e->message : NULL;
}

/* A text field of the add form. */
static void
text_field(struct html *h, const char *id, const char *label,
    const char *hint, const char *value, const char *error, int maxlength,
    const char *extra)
{
	bool bad = error != NULL;
	char hint_id[48];

	(void)snprintf(hint_id, sizeof(hint_id), "%s-hint", id);
	html_put(h, "<label for=\"%s\">%s", id, label);
	if (hint != NULL)
		html_put(h, "<span class=\"hint\" id=\"%s\">%s</span>", hint_id,
		    hint);
	html_put(h, "</label>");
	ui_compta_field_error(h, id, bad, bad ? error : "");
	html_put(h, "<input id=\"%s\" name=\"%s\" type=\"text\" "
	    "maxlength=\"%d\" %R", id, id, maxlength, extra);
	ui_compta_field_attrs(h, id, hint != NULL ? hint_id : NULL, bad);
	html_put(h, " value=\"%s\">", value != NULL ? value : "");
}

static void
add_form(struct html *h, struct http_request *req, const struct add_form *f,
    const struct html *agencies)
{
	const char *role = f != NULL ? f->role : NULL;
	const char *e;
	size_t i;

	html_put(h, "<h2 id=\"ajouter\">Ajouter un utilisateur</h2>");
	if (f != NULL)
		ui_error_summary(h, f->errors, f->n);
	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/admin/utilisateurs\"><p>Le serveur crée un mot de passe "
	    "provisoire, affiché une seule fois : remettez-le à la personne, "
	    "qui choisira le sien à sa première connexion.</p>");
	ui_csrf_field(h, req);
	text_field(h, "identifiant", "Identifiant", "Ce que la personne tape "
	    "pour se connecter, par exemple « m.dupont ».", f != NULL ?
	    f->login : NULL, error_of(f, "identifiant"), ACCOUNT_LOGIN_MAX,
	    "required autocomplete=\"off\" autocapitalize=\"none\" "
	    "spellcheck=\"false\"");
	text_field(h, "nom", "Nom affiché", NULL, f != NULL ? f->name : NULL,
	    error_of(f, "nom"), ACCOUNT_NAME_MAX, "required "
	    "autocomplete=\"off\"");
	e = error_of(f, "role");
	html_put(h, "<label for=\"role\">Rôle</label>");
	ui_compta_field_error(h, "role", e != NULL, e != NULL ? e : "");
	html_put(h, "<select id=\"role\" name=\"role\" required");
	ui_compta_field_attrs(h, "role", NULL, e != NULL);
	html_put(h, ">");
	for (i = 0; i < NROLES; i++)
		html_put(h, "<option value=\"%s\"%R>%s</option>",
		    roles[i].param, role != NULL &&
		    strcmp(role, roles[i].param) == 0 ? " selected" : "",
		    roles[i].label);
	html_put(h, "</select>");
	e = error_of(f, "agence");
	html_put(h, "<label for=\"agence\">Agence (conseiller d’agence "
	    "seulement)<span class=\"hint\" id=\"agence-hint\">Le conseiller "
	    "voit et délivre les carnets de son agence.</span></label>");
	ui_compta_field_error(h, "agence", e != NULL, e != NULL ? e : "");
	html_put(h, "<select id=\"agence\" name=\"agence\"");
	ui_compta_field_attrs(h, "agence", "agence-hint", e != NULL);
	html_put(h, "><option value=\"\">Aucune</option>%R</select>",
	    agencies->failed ? "" : agencies->buf);
	text_field(h, "siret", "SIRET du lieu (lieu partenaire seulement)",
	    "14 chiffres, espaces permis.", f != NULL ? f->siret : NULL,
	    error_of(f, "siret"), 20, "inputmode=\"numeric\" "
	    "autocomplete=\"off\"");
	ui_reauth_field(h, "motdepasse", "Nécessaire pour ajouter un "
	    "administrateur.", error_of(f, "motdepasse"));
	html_put(h, "<button type=\"submit\">Ajouter l’utilisateur</button>"
	    "</form>");
}

/* The agencies, as the <option>s of the add form's choice. */
struct agency_options {
	struct html html;
	int64_t selected;
};

static int
agency_option(void *ctx, const struct store_agency *a)
{
	struct agency_options *o = ctx;

	html_put(&o->html, "<option value=\"%L\"%R>%s</option>", a->id,
	    a->id == o->selected ? " selected" : "", a->name);
	return 0;
}

static enum MHD_Result
list_page(struct http_request *req, struct store *s, const struct add_form *f)
{
	struct agency_options agencies;
	const char *filter = http_request_query(req, "role");
	struct user_rows rows = { .n = 0 };
	struct pn_error err;
	struct html h;
	bool bad;
	size_t i;

	rows.filter = role_of(filter);
	/* A role it does not know: every account, the filter's error. */
	bad = filter != NULL && filter[0] != '\0' && rows.filter == 0;
	html_init(&rows.html);
	if (store_user_each(s, user_row, &rows, &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Utilisateurs");
	html_put(&h, "<form class=\"panel\" method=\"get\" "
	    "action=\"/admin/utilisateurs\"><label for=\"filtre\">Afficher "
	    "les comptes de rôle</label>");
	ui_compta_field_error(&h, "filtre", bad, "Ce rôle n’existe pas : "
	    "choisissez-en un dans la liste.");
	html_put(&h, "<select id=\"filtre\" name=\"role\"");
	ui_compta_field_attrs(&h, "filtre", NULL, bad);
	html_put(&h, "><option value=\"\">Tous les rôles</option>");
	for (i = 0; i < NROLES; i++)
		html_put(&h, "<option value=\"%s\"%R>%s</option>",
		    roles[i].param, rows.filter == roles[i].role ?
		    " selected" : "", roles[i].label);
	html_put(&h, "</select><button type=\"submit\">Filtrer</button>"
	    "</form>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun utilisateur.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"utilisateurs\"><table>"
		    "<caption id=\"utilisateurs\">%u %s</caption><thead><tr>"
		    "<th scope=\"col\">Identifiant</th>"
		    "<th scope=\"col\">Nom</th><th scope=\"col\">Rôle</th>"
		    "<th scope=\"col\">Agence ou lieu</th>"
		    "<th scope=\"col\">État</th>"
		    "<th scope=\"col\">Dernière connexion</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", rows.n, rows.n == 1 ?
		    "utilisateur" : "utilisateurs",
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	agencies.selected = f != NULL && f->agency != NULL ?
	    strtoll(f->agency, NULL, 10) : 0;
	html_init(&agencies.html);
	if (store_agency_each(s, agency_option, &agencies, &err) != 0) {
		html_free(&agencies.html);
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	add_form(&h, req, f, &agencies.html);
	h.failed |= agencies.html.failed;
	html_free(&agencies.html);
	return ui_end(&h, req, f != NULL ? f->status : bad ? 400 : 200);
}

enum MHD_Result
ui_admin_users(struct http_request *req)
{
	struct pn_error err;
	struct store *s;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	return list_page(req, s, NULL);
}

/* The page that shows a one-time password, once. */
static enum MHD_Result
password_page(struct http_request *req, const char *title, const char *login,
    const char *password, int64_t id, const char *what)
{
	struct html h;

	html_init(&h);
	ui_begin(&h, req, title);
	html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>%s</p></div>"
	    "<p>Identifiant : <strong>%s</strong></p>"
	    "<p>Mot de passe provisoire :</p>"
	    "<p class=\"enrol-code\" id=\"provisoire\">%s</p>"
	    "<p>Notez-le maintenant : il ne sera plus affiché. Remettez-le à "
	    "la personne en main propre ou par téléphone, jamais par écrit "
	    "avec l’identifiant. À sa première connexion, elle devra choisir "
	    "son propre mot de passe.</p>"
	    "<p><a href=\"/admin/utilisateurs/%L\">Voir le compte</a> · "
	    "<a href=\"/admin/utilisateurs\">Retour aux utilisateurs</a></p>",
	    what, login, password, id);
	return ui_end(&h, req, 200);
}

/* The refusal of user_add_check() at its form field. */
static const char *
add_field_id(const char *field)
{
	if (field == NULL)
		return "identifiant";
	if (strcmp(field, "name") == 0)
		return "nom";
	if (strcmp(field, "role") == 0)
		return "role";
	if (strcmp(field, "agency_id") == 0)
		return "agence";
	if (strcmp(field, "venue_siret") == 0)
		return "siret";
	return "identifiant";
}

static const char *
add_field_message(const char *id, enum err_code code)
{
	if (code == ERR_ALREADY_RECORDED)
		return "Cet identifiant est déjà pris : choisissez-en un autre.";
	if (code == ERR_VENUE_NOT_FOUND)
		return "Aucun lieu n’a ce SIRET : vérifiez-le, ou inscrivez "
		    "d’abord le lieu.";
	if (strcmp(id, "nom") == 0)
		return "Le nom manque ou ne convient pas : écrivez de 1 à 127 "
		    "caractères, sans retour à la ligne.";
	if (strcmp(id, "role") == 0)
		return "Choisissez un rôle dans la liste.";
	if (strcmp(id, "agence") == 0)
		return "Un conseiller d’agence a besoin d’une agence, choisie "
		    "dans la liste, et les autres rôles d’aucune : corrigez ce "
		    "champ.";
	if (strcmp(id, "siret") == 0)
		return "Un lieu partenaire a besoin du SIRET de son lieu (14 "
		    "chiffres), et les autres rôles d’aucun : corrigez ce champ.";
	return "L’identifiant manque ou ne convient pas : écrivez de 1 à 63 "
	    "caractères, sans espace au début ni à la fin.";
}

enum MHD_Result
ui_admin_user_add(struct http_request *req)
{
	struct add_form f = { .n = 0, .status = 200 };
	struct user_add_in in = { .login = NULL };
	struct user_add_out out;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	char password[ACCOUNT_TEMP_PASSWORD_LEN + 1], what[320];
	const char *id;
	uint64_t agency = 0;
	enum err_code code;
	enum ui_reauth r;
	unsigned wait;
	enum MHD_Result rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	f.login = ui_field(req, "identifiant");
	f.name = ui_field(req, "nom");
	f.role = ui_field(req, "role");
	f.agency = ui_field(req, "agence");
	f.siret = ui_field(req, "siret");
	in.login = f.login != NULL ? f.login : "";
	in.name = f.name != NULL ? f.name : "";
	in.role = role_of(f.role);
	if (f.agency != NULL && f.agency[0] != '\0' &&
	    pn_parse_u64(f.agency, INT64_MAX, &agency) != 0)
		add_error(&f, "agence", "Agence : choisissez-la dans la "
		    "liste.", 400);
	in.agency_id = (int64_t)agency;
	in.venue_siret = f.siret != NULL && f.siret[0] != '\0' ? f.siret :
	    NULL;
	in.password = NULL;
	/*
	 * Every field at once: the operation's check names one, so the
	 * empty ones are said here and stood in for there.
	 */
	if (in.login[0] == '\0') {
		add_error(&f, "identifiant", add_field_message("identifiant",
		    ERR_INVALID_FIELD), 400);
		in.login = "x";
	}
	if (in.name[0] == '\0') {
		add_error(&f, "nom", add_field_message("nom",
		    ERR_INVALID_FIELD), 400);
		in.name = "x";
	}
	if (user_add_check(&in, &why) != ERR_NONE) {
		id = add_field_id(why.field);
		if (ui_field_error_of(f.errors, f.n, id) == NULL)
			add_error(&f, id, add_field_message(id, why.code), 400);
	}
	op_request_ctx_on(req, s, &cx);
	if (in.role == ROLE_ADMIN) {
		r = reauth(req, s, &cx, &wait, &err);
		if (r == UI_REAUTH_FAILED)
			return ui_error_page(req, ERR_STORE_UNAVAILABLE,
			    err.message);
		if (r != UI_REAUTH_OK)
			add_error(&f, "motdepasse", f.reauth_msg,
			    ui_reauth_message(r, wait, f.reauth_msg,
			    sizeof(f.reauth_msg)));
	}
	if (f.n != 0)
		return list_page(req, s, &f);
	code = user_add_temporary(&cx, &in, &out, password, &why);
	if (code == ERR_INVALID_FIELD || code == ERR_ALREADY_RECORDED ||
	    code == ERR_VENUE_NOT_FOUND) {
		id = code == ERR_ALREADY_RECORDED ? "identifiant" :
		    code == ERR_VENUE_NOT_FOUND ? "siret" :
		    add_field_id(why.field);
		add_error(&f, id, add_field_message(id, code),
		    err_lookup(code)->status);
		return list_page(req, s, &f);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(what, sizeof(what), "Le compte de %s (%s) est créé.",
	    in.name, role_label(in.role));
	rc = password_page(req, "Utilisateur ajouté", in.login, password,
	    out.id, what);
	sodium_memzero(password, sizeof(password));
	return rc;
}

/* --- One account ------------------------------------------------------- */

struct sess_rows {
	struct html html;
	unsigned n;
};

static int
sess_row(void *ctx, const struct store_session_row *r)
{
	struct sess_rows *sr = ctx;
	char created[PN_TIME_TEXT_MAX], seen[PN_TIME_TEXT_MAX];

	pn_time_format_paris(r->created_at, created);
	pn_time_format_paris(r->last_seen, seen);
	html_put(&sr->html, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>",
	    created, seen, r->address);
	sr->n++;
	return 0;
}

struct token_count {
	unsigned live;
	int64_t now;
};

static int
token_row(void *ctx, const struct store_token *t)
{
	struct token_count *c = ctx;

	if (!t->revoked && (t->expires_at == 0 || t->expires_at > c->now))
		c->live++;
	return 0;
}

/* Where the page's message goes: which form, or the top. */
enum spot { AT_TOP, AT_DISABLE, AT_RESET };

static enum MHD_Result
user_page(struct http_request *req, struct store *s, int64_t id,
    const char *notice, enum spot where, const char *error, unsigned status)
{
	const struct store_principal *me = http_request_principal(req);
	struct sess_rows rows = { .n = 0 };
	struct token_count tokens = { 0, (int64_t)time(NULL) };
	struct store_user u;
	struct pn_error err;
	struct html h;
	char last[PN_TIME_TEXT_MAX];
	int res;

	if ((res = store_user_get(s, id, &u, &err)) < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (res == 1)
		return ui_error_page(req, ERR_USER_NOT_FOUND, "no such user");
	html_init(&rows.html);
	if (store_user_sessions(s, id, sess_row, &rows, &err) != 0 ||
	    store_token_each(s, u.login, token_row, &tokens, &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, u.display_name);
	if (notice != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>%s</p>"
		    "</div>", notice);
	if (where == AT_TOP && error != NULL)
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>%s</p>"
		    "</div>", error);
	html_put(&h, "<dl class=\"panel\"><dt>Identifiant</dt><dd>%s</dd>"
	    "<dt>Rôle</dt><dd>%s</dd>", u.login, role_label(u.role));
	if (u.agency_id != 0)
		html_put(&h, "<dt>Agence</dt><dd>%s (n° %L)</dd>", u.agency_name,
		    u.agency_id);
	if (u.venue_id != 0)
		html_put(&h, "<dt>Lieu</dt><dd>%s (SIRET %s)</dd>", u.venue_name,
		    u.venue_siret);
	html_put(&h, "<dt>État</dt><dd>%s%s</dd><dt>Dernière connexion</dt>"
	    "<dd>", u.disabled ? "Désactivé" : "Actif", u.must_change ?
	    " ; mot de passe provisoire, pas encore changé" : "");
	if (u.last_login_at != 0) {
		pn_time_format_paris(u.last_login_at, last);
		html_put(&h, "%s", last);
	} else
		html_put(&h, "Inconnue");
	html_put(&h, "</dd><dt>Jetons d’accès valides</dt><dd>%u</dd></dl>",
	    tokens.live);

	html_put(&h, "<h2 id=\"sessions\">Connexions ouvertes</h2>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucune connexion ouverte.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"sessions-caption\">"
		    "<table><caption id=\"sessions-caption\">%u %s</caption>"
		    "<thead><tr><th scope=\"col\">Ouverte le</th>"
		    "<th scope=\"col\">Dernière activité</th>"
		    "<th scope=\"col\">Adresse</th></tr></thead>"
		    "<tbody>%R</tbody></table></div>", rows.n, rows.n == 1 ?
		    "connexion" : "connexions",
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	if (rows.n != 0) {
		html_put(&h, "<form method=\"post\" "
		    "action=\"/admin/utilisateurs/%L/sessions\">", id);
		ui_csrf_field(&h, req);
		html_put(&h, "<button type=\"submit\" class=\"secondary\">"
		    "Terminer ses connexions</button></form>");
	}
	if (tokens.live != 0) {
		html_put(&h, "<h2>Jetons d’accès</h2><form method=\"post\" "
		    "action=\"/admin/utilisateurs/%L/jetons\">", id);
		ui_csrf_field(&h, req);
		html_put(&h, "<button type=\"submit\" class=\"secondary\">"
		    "Révoquer ses jetons d’accès</button></form>");
	}

	html_put(&h, "<h2>Réinitialiser le mot de passe</h2><form "
	    "class=\"panel\" method=\"post\" "
	    "action=\"/admin/utilisateurs/%L/mot-de-passe\"><p>Un nouveau mot "
	    "de passe provisoire sera affiché une seule fois ; ses connexions "
	    "seront terminées et ses jetons révoqués.</p>", id);
	ui_csrf_field(&h, req);
	ui_reauth_field(&h, "motdepasse-reinit", "Par sécurité : qui lit le "
	    "nouveau mot de passe tient le compte.", where == AT_RESET ?
	    error : NULL);
	html_put(&h, "<button type=\"submit\">Réinitialiser</button></form>");

	if (me->user_id == u.id)
		html_put(&h, "<p>Pour votre propre compte, passez par <a "
		    "href=\"/compte\">Mon compte</a>.</p>");
	else if (u.disabled) {
		html_put(&h, "<h2>Réactiver le compte</h2><form method=\"post\" "
		    "action=\"/admin/utilisateurs/%L/activer\">", id);
		ui_csrf_field(&h, req);
		html_put(&h, "<button type=\"submit\">Réactiver</button></form>");
	} else {
		html_put(&h, "<h2>Désactiver le compte</h2><form "
		    "class=\"panel\" method=\"post\" "
		    "action=\"/admin/utilisateurs/%L/desactiver\"><p>Ses "
		    "connexions seront terminées et ses jetons révoqués ; il ne "
		    "pourra plus se connecter.</p>", id);
		ui_csrf_field(&h, req);
		if (u.role == ROLE_ADMIN)
			ui_reauth_field(&h, "motdepasse-desact", "Nécessaire "
			    "pour désactiver un administrateur.",
			    where == AT_DISABLE ? error : NULL);
		html_put(&h, "<button type=\"submit\">Désactiver</button>"
		    "</form>");
	}
	html_put(&h, "<p><a href=\"/admin/utilisateurs\">Retour aux "
	    "utilisateurs</a></p>");
	return ui_end(&h, req, status);
}

/* The account of the route's {id}: 0 and *u, or -1 after replying. */
static int
target(struct http_request *req, struct store *s, struct store_user *u,
    enum MHD_Result *rc)
{
	uint64_t id = ui_param_id(req);
	struct pn_error err;
	int res;

	if (id == 0 || id > INT64_MAX) {
		*rc = ui_error_page(req, ERR_USER_NOT_FOUND, "no such user");
		return -1;
	}
	if ((res = store_user_get(s, (int64_t)id, u, &err)) != 0) {
		*rc = res < 0 ? ui_error_page(req, ERR_STORE_UNAVAILABLE,
		    err.message) : ui_error_page(req, ERR_USER_NOT_FOUND,
		    "no such user");
		return -1;
	}
	return 0;
}

enum MHD_Result
ui_admin_user(struct http_request *req)
{
	const char *done = http_request_query(req, "fait");
	const char *notice = NULL;
	struct store_user u;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (target(req, s, &u, &rc) != 0)
		return rc;
	/* A fixed sentence per value: the page repeats no text of a link. */
	if (done == NULL)
		notice = NULL;
	else if (strcmp(done, "desactive") == 0)
		notice = "Le compte est désactivé : ses connexions sont terminées "
		    "et ses jetons révoqués.";
	else if (strcmp(done, "active") == 0)
		notice = "Le compte est réactivé. Ses anciens jetons restent "
		    "révoqués.";
	else if (strcmp(done, "sessions") == 0)
		notice = "Ses connexions sont terminées.";
	else if (strcmp(done, "jetons") == 0)
		notice = "Ses jetons d’accès sont révoqués.";
	return user_page(req, s, u.id, notice, AT_TOP, NULL, 200);
}

/* After an operation on u refused with code: the page, the message on top. */
static enum MHD_Result
refused(struct http_request *req, struct store *s, const struct store_user *u,
    enum err_code code, const char *detail)
{
	const char *msg;

	switch (code) {
	case ERR_SELF_DISABLE:
		msg = "Vous ne pouvez pas désactiver votre propre compte : "
		    "demandez-le à un autre administrateur.";
		break;
	case ERR_LAST_ADMIN:
		msg = "C’est le dernier administrateur actif : ajoutez-en un "
		    "autre avant de désactiver celui-ci.";
		break;
	default:
		return ui_error_page(req, code, detail);
	}
	return user_page(req, s, u->id, NULL, AT_TOP, msg,
	    err_lookup(code)->status);
}

static enum MHD_Result
set_disabled(struct http_request *req, bool disabled)
{
	struct account_change_out out;
	struct store_user u;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	char msg[160], loc[80];
	enum MHD_Result rc;
	enum err_code code;
	enum ui_reauth r;
	unsigned wait, status;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (target(req, s, &u, &rc) != 0)
		return rc;
	op_request_ctx_on(req, s, &cx);
	/* Disabling an admin takes power away: the password again. */
	if (disabled && u.role == ROLE_ADMIN && !u.disabled &&
	    cx.who->user_id != u.id) {
		r = reauth(req, s, &cx, &wait, &err);
		if (r == UI_REAUTH_FAILED)
			return ui_error_page(req, ERR_STORE_UNAVAILABLE,
			    err.message);
		if (r != UI_REAUTH_OK) {
			status = ui_reauth_message(r, wait, msg, sizeof(msg));
			return user_page(req, s, u.id, NULL, AT_DISABLE, msg,
			    status);
		}
	}
	code = user_set_disabled(&cx, u.login, disabled, &out, &why);
	if (code != ERR_NONE)
		return refused(req, s, &u, code, why.detail);
	(void)snprintf(loc, sizeof(loc), "/admin/utilisateurs/%lld?fait=%s",
	    (long long)u.id, disabled ? "desactive" : "active");
	return http_redirect(req, loc);
}

enum MHD_Result
ui_admin_user_disable(struct http_request *req)
{
	return set_disabled(req, true);
}

enum MHD_Result
ui_admin_user_enable(struct http_request *req)
{
	return set_disabled(req, false);
}

enum MHD_Result
ui_admin_user_reset(struct http_request *req)
{
	struct account_change_out out;
	struct store_user u;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	char password[ACCOUNT_TEMP_PASSWORD_LEN + 1], msg[320];
	enum MHD_Result rc;
	enum err_code code;
	enum ui_reauth r;
	unsigned wait, status;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (target(req, s, &u, &rc) != 0)
		return rc;
	op_request_ctx_on(req, s, &cx);
	r = reauth(req, s, &cx, &wait, &err);
	if (r == UI_REAUTH_FAILED)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (r != UI_REAUTH_OK) {
		status = ui_reauth_message(r, wait, msg, sizeof(msg));
		return user_page(req, s, u.id, NULL, AT_RESET, msg, status);
	}
	code = user_password_reset(&cx, u.login, password, &out, &why);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(msg, sizeof(msg), "Le mot de passe de %s est "
	    "réinitialisé : %u %s, %u %s.", u.display_name, out.sessions,
	    out.sessions == 1 ? "connexion terminée" : "connexions terminées",
	    out.tokens, out.tokens == 1 ? "jeton révoqué" : "jetons révoqués");
	rc = password_page(req, "Mot de passe réinitialisé", u.login,
	    password, u.id, msg);
	sodium_memzero(password, sizeof(password));
	return rc;
}

enum MHD_Result
ui_admin_user_sessions_end(struct http_request *req)
{
	struct store_user u;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	char loc[80];
	enum MHD_Result rc;
	enum err_code code;
	unsigned n;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (target(req, s, &u, &rc) != 0)
		return rc;
	op_request_ctx_on(req, s, &cx);
	if ((code = user_sessions_end(&cx, u.id, &n, &why)) != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(loc, sizeof(loc),
	    "/admin/utilisateurs/%lld?fait=sessions", (long long)u.id);
	return http_redirect(req, loc);
}

enum MHD_Result
ui_admin_user_tokens_revoke(struct http_request *req)
{
	struct store_user u;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	char loc[80];
	enum MHD_Result rc;
	enum err_code code;
	unsigned n;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (target(req, s, &u, &rc) != 0)
		return rc;
	op_request_ctx_on(req, s, &cx);
	if ((code = user_tokens_revoke(&cx, u.id, &n, &why)) != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(loc, sizeof(loc), "/admin/utilisateurs/%lld?fait=jetons",
	    (long long)u.id);
	return http_redirect(req, loc);
}
