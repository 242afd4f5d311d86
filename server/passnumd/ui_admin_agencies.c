/* ui_admin_agencies.c -- the admins' « Agences » pages: the agencies that issue booklets, added and edited.
 *
 *   GET  /admin/agences			the list, and the form "Ajouter une
 *					agence"
 *   POST /admin/agences			add an agency
 *   GET  /admin/agences/{id}		one agency: its record, its form, the
 *					history of its changes
 *   POST /admin/agences/{id}/modifier	change its name, kind or commune
 *
 * Each change is an operation of programme_setup.h, with its audit row.
 * An agency's booklets and caseworkers stay its own through a change: a
 * new name is shown on them from then on.
 */
#include <stdio.h>
#include <string.h>

#include "op_request.h"
#include "programme_setup.h"
#include "ui.h"
#include "worker.h"

/* The agency form's values as typed, and their errors. */
struct agency_form {
	const char *name, *kind, *commune;
	struct ui_form form;
};

static const char *
kind_label(const char *kind)
{
	return strcmp(kind, "eds") == 0 ? "Espace départemental des "
	    "solidarités" : "Partenaire";
}

/* Read and check the form: every error at once. */
static void
read_form(struct http_request *req, struct agency_form *f)
{
	memset(f, 0, sizeof(*f));
	f->name = ui_form_value(req, "nom");
	f->kind = ui_form_value(req, "type");
	f->commune = ui_form_value(req, "commune");
	ui_form_line(&f->form, "nom", f->name, AGENCY_NAME_MAX,
	    "Nom de l’agence");
	if (strcmp(f->kind, "eds") != 0 && strcmp(f->kind, "partner") != 0)
		ui_form_error(&f->form, "type", "%s", "Type : choisissez « Espace "
		    "départemental des solidarités » ou « Partenaire ».");
	if (f->commune[0] != '\0')
		ui_form_line(&f->form, "commune", f->commune,
		    AGENCY_COMMUNE_MAX, "Commune");
}

/* The form's fields, to post to action with submit's words. */
static void
fields(struct html *h, struct http_request *req, const struct agency_form *f,
    const char *action, const char *submit)
{
	const struct ui_field_error *e = ui_field_error_of(f->form.e,
	    f->form.n, "type");

	ui_error_summary(h, f->form.e, f->form.n);
	html_put(h, "<form class=\"panel\" method=\"post\" action=\"%s\" "
	    "novalidate>", action);
	ui_csrf_field(h, req);
	ui_form_input(h, &f->form, "nom", "Nom de l’agence", "Tel qu’il "
	    "s’imprime sur les carnets et les bilans.", "text", f->name,
	    " maxlength=\"127\" required");
	html_put(h, "<label for=\"type\">Type</label>");
	ui_compta_field_error(h, "type", e != NULL, e != NULL ? e->message :
	    "");
	html_put(h, "<select id=\"type\" name=\"type\"");
	ui_compta_field_attrs(h, "type", NULL, e != NULL);
	html_put(h, "><option value=\"eds\"%R>Espace départemental des "
	    "solidarités</option><option value=\"partner\"%R>Partenaire"
	    "</option></select>", strcmp(f->kind, "partner") != 0 ?
	    " selected" : "", strcmp(f->kind, "partner") == 0 ? " selected" :
	    "");
	ui_form_input(h, &f->form, "commune", "Commune (facultatif)", NULL,
	    "text", f->commune, " maxlength=\"127\"");
	html_put(h, "<button type=\"submit\">%s</button></form>", submit);
}

/* --- The list ------------------------------------------------------------ */

struct rows {
	struct html html;
	unsigned n;
};

static int
row(void *ctx, const struct store_agency *a)
{
	struct rows *r = ctx;

	html_put(&r->html, "<tr><td><a href=\"/admin/agences/%L\">%s</a></td>"
	    "<td>%s</td><td>%s</td><td class=\"num\">%u</td>"
	    "<td class=\"num\">%u</td></tr>", a->id, a->name,
	    kind_label(a->kind), a->commune[0] != '\0' ? a->commune : "—",
	    a->users, a->booklets);
	r->n++;
	return 0;
}

static enum MHD_Result
list_page(struct http_request *req, const struct agency_form *f,
    unsigned status)
{
	struct rows r = { .n = 0 };
	struct pn_error err;
	struct store *s;
	struct html h;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	html_init(&r.html);
	if (store_agency_each(s, row, &r, &err) != 0) {
		html_free(&r.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Agences");
	html_put(&h, "<p>Les agences délivrent les carnets : chaque conseiller "
	    "appartient à une agence et ne voit que ses carnets.</p>");
	if (r.n == 0)
		html_put(&h, "<p>Aucune agence n’est encore enregistrée.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"agences\"><table>"
		    "<caption id=\"agences\">%u %s</caption><thead><tr>"
		    "<th scope=\"col\">Nom</th><th scope=\"col\">Type</th>"
		    "<th scope=\"col\">Commune</th>"
		    "<th scope=\"col\" class=\"num\">Conseillers actifs</th>"
		    "<th scope=\"col\" class=\"num\">Carnets délivrés</th>"
		    "</tr></thead><tbody>%R</tbody></table></div>", r.n,
		    r.n == 1 ? "agence" : "agences",
		    r.html.failed ? "" : r.html.buf);
	h.failed |= r.html.failed;
	html_free(&r.html);
	html_put(&h, "<h2 id=\"ajouter\">Ajouter une agence</h2>");
	fields(&h, req, f, "/admin/agences", "Ajouter l’agence");
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_admin_agencies(struct http_request *req)
{
	struct agency_form f;

	memset(&f, 0, sizeof(f));
	f.name = f.kind = f.commune = "";
	return list_page(req, &f, 200);
}

enum MHD_Result
ui_admin_agency_add(struct http_request *req)
{
	struct agency_add_in in;
	struct agency_form f;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum err_code code;
	char where[64];
	int64_t id;

	read_form(req, &f);
	if (f.form.n > 0)
		return list_page(req, &f, 400);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	in.name = f.name;
	in.kind = f.kind;
	in.commune = f.commune;
	op_request_ctx_on(req, s, &cx);
	code = agency_add(&cx, &in, &id, &why);
	if (code == ERR_ALREADY_RECORDED) {
		ui_form_error(&f.form, "nom", "%s", "Nom de l’agence : une "
		    "agence porte déjà ce nom ; choisissez-en un autre.");
		return list_page(req, &f, 409);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(where, sizeof(where), "/admin/agences/%lld?ajoute=1",
	    (long long)id);
	return http_redirect(req, where);
}

/* --- One agency ---------------------------------------------------------- */

static enum MHD_Result
agency_page(struct http_request *req, struct store *s,
    const struct store_agency *a, const struct agency_form *f,
    unsigned status)
{
	char action[64], object[40];
	struct pn_error err;
	struct html h;

	html_init(&h);
	ui_begin(&h, req, a->name);
	if (status == 200 && http_request_query(req, "ajoute") != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>"
		    "L’agence est enregistrée. Ajoutez ses conseillers depuis "
		    "la page <a href=\"/admin/utilisateurs\">Utilisateurs</a>."
		    "</p></div>");
	else if (status == 200 && http_request_query(req, "fait") != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>"
		    "C’est enregistré.</p></div>");
	else if (status == 200 && http_request_query(req, "inchange") != NULL)
		html_put(&h, "<div class=\"alert\" role=\"status\"><p>Rien "
		    "n’a changé : les valeurs saisies sont celles de l’agence."
		    "</p></div>");
	html_put(&h, "<dl class=\"panel\"><dt>Type</dt><dd>%s</dd>"
	    "<dt>Commune</dt><dd>%s</dd><dt>Conseillers actifs</dt><dd>%u</dd>"
	    "<dt>Carnets délivrés</dt><dd>%u</dd></dl>", kind_label(a->kind),
	    a->commune[0] != '\0' ? a->commune : "—", a->users, a->booklets);
	html_put(&h, "<p><a href=\"/admin/agences\">Toutes les agences</a></p>"
	    "<h2 id=\"modifier\">Modifier l’agence</h2><p>Ses carnets et ses "
	    "conseillers restent les siens ; le nouveau nom s’affiche partout "
	    "dès l’enregistrement.</p>");
	(void)snprintf(action, sizeof(action), "/admin/agences/%lld/modifier",
	    (long long)a->id);
	fields(&h, req, f, action, "Enregistrer");
	(void)snprintf(object, sizeof(object), "agency:%lld",
	    (long long)a->id);
	if (ui_setup_history(&h, s, object, &err) != 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	return ui_end(&h, req, status);
}

/* The agency of the route into *a: 0, or -1 with *rc the error page. */
static int
load(struct http_request *req, struct store *s, struct store_agency *a,
    enum MHD_Result *rc)
{
	uint64_t id = ui_param_id(req);
	struct pn_error err;
	int res;

	if (id == 0 || id > INT64_MAX ||
	    (res = store_agency_get(s, (int64_t)id, a, &err)) ==
	    STORE_NOT_FOUND) {
		*rc = ui_error_page(req, ERR_AGENCY_NOT_FOUND, "no such agency");
		return -1;
	}
	if (res < 0) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	return 0;
}

enum MHD_Result
ui_admin_agency(struct http_request *req)
{
	struct store_agency a;
	struct agency_form f;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &a, &rc) != 0)
		return rc;
	memset(&f, 0, sizeof(f));
	f.name = a.name;
	f.kind = a.kind;
	f.commune = a.commune;
	return agency_page(req, s, &a, &f, 200);
}

enum MHD_Result
ui_admin_agency_edit(struct http_request *req)
{
	struct agency_edit_in in;
	struct store_agency a;
	struct agency_form f;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;
	char where[64];
	bool changed;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load(req, s, &a, &rc) != 0)
		return rc;
	read_form(req, &f);
	if (f.form.n > 0)
		return agency_page(req, s, &a, &f, 400);
	in.id = a.id;
	in.set.name = f.name;
	in.set.kind = f.kind;
	in.set.commune = f.commune;
	op_request_ctx_on(req, s, &cx);
	code = agency_edit(&cx, &in, &changed, &why);
	if (code == ERR_ALREADY_RECORDED) {
		ui_form_error(&f.form, "nom", "%s", "Nom de l’agence : une autre "
		    "agence porte déjà ce nom ; choisissez-en un autre.");
		return agency_page(req, s, &a, &f, 409);
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(where, sizeof(where), "/admin/agences/%lld?%s",
	    (long long)a.id, changed ? "fait=1" : "inchange=1");
	return http_redirect(req, where);
}
