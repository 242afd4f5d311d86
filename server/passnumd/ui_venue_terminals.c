/* ui_venue_terminals.c -- the venue's « Postes » page: its terminals, a new one's enrolment code, revoking a lost one.
 *
 *   GET  /lieu/postes			the list, and the form "Ajouter un poste"
 *   POST /lieu/postes			a code, shown once (the password again)
 *   POST /lieu/postes/{id}/revoquer	revoke, after a confirmation page
 *
 * A terminal takes the venue's money path, so a code is given only to
 * whoever types the account's password again: a session stolen from an
 * unlocked browser is not enough. A wrong password is counted by the
 * login's own throttle (session_password_check(), the same failures,
 * the same address), so this form is no way round it to guess one.
 * Who may act on which venue's terminals is the operations' rule
 * (terminal_enrol.h); the page only asks them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/parse.h"
#include "passnum/request.h"
#include "passnum/timefmt.h"
#include "booklet_issue.h"
#include "form.h"
#include "op_request.h"
#include "session.h"
#include "terminal_enrol.h"
#include "ui.h"
#include "worker.h"

/* Why the page is shown again, and where its message goes. */
enum notice {
	NOTICE_NONE,
	NOTICE_LABEL,		/* the label: too long or control characters */
	NOTICE_PASSWORD_MISSING,
	NOTICE_PASSWORD_WRONG,
	NOTICE_THROTTLED,
	NOTICE_SUSPENDED	/* the venue: no code (ERR_VENUE_SUSPENDED_NO_ENROL) */
};

struct rows {
	struct html html;
	const struct ui_venue *uv;
	struct http_request *req;
	unsigned n;
};

static int
terminal_row(void *ctx, const struct store_terminal *t)
{
	struct rows *r = ctx;
	struct html *h = &r->html;
	char enrolled[PN_TIME_TEXT_MAX], seen[PN_TIME_TEXT_MAX];
	char when[PN_TIME_TEXT_MAX], path[64], href[96];

	pn_time_format_paris_date(t->enrolled_at, enrolled);
	html_put(h, "<tr><td>%L</td><td>%s</td><td>%s</td><td>", t->id,
	    t->label, enrolled);
	if (t->seen_at != 0) {
		pn_time_format_paris(t->seen_at, seen);
		html_put(h, "%s", seen);
	} else
		html_put(h, "Aucun pour l’instant");
	html_put(h, "</td><td>");
	if (t->revoked_at != 0) {
		pn_time_format_paris_date(t->revoked_at, when);
		html_put(h, "Révoqué le %s : %s", when, t->revoke_reason);
	} else if (t->suspended_at != 0)
		html_put(h, "Suspendu — en attente de vérification : %s",
		    t->suspend_reason);
	else
		html_put(h, "Actif");
	html_put(h, "</td><td>");
	if (t->revoked_at != 0) {
		html_put(h, "—</td></tr>");
		r->n++;
		return 0;
	}
	if (t->web_user_id != 0) {
		/* Its user's account acting: it ends with the account. */
		html_put(h, "Accès par le navigateur : il suit le compte ; pour "
		    "le couper, faites désactiver le compte par le Département."
		    "</td></tr>");
		r->n++;
		return 0;
	}
	(void)snprintf(path, sizeof(path), "/lieu/postes/%lld/revoquer",
	    (long long)t->id);
	ui_venue_href(r->uv, path, NULL, href, sizeof(href));
	/* The reason is asked on the next page, with the confirmation. */
	html_put(h, "<form method=\"post\" action=\"%s\">", href);
	ui_csrf_field(h, r->req);
	html_put(h, "<button type=\"submit\" class=\"secondary\">Révoquer"
	    "<span class=\"vh\"> le poste n° %L</span>…</button></form>"
	    "</td></tr>", t->id);
	r->n++;
	return 0;
}

/* The message of notice n, in the venue's words. */
static void
notice_text(enum notice n, unsigned retry_after, char *buf, size_t len)
{
	switch (n) {
	case NOTICE_LABEL:
		(void)snprintf(buf, len, "Ce nom ne convient pas : écrivez de 1 à "
		    "%d caractères, sans retour à la ligne.",
		    TERMINAL_LABEL_MAX);
		break;
	case NOTICE_PASSWORD_MISSING:
		(void)snprintf(buf, len, "Le mot de passe manque : retapez le "
		    "mot de passe de votre compte.");
		break;
	case NOTICE_PASSWORD_WRONG:
		(void)snprintf(buf, len, "Mot de passe incorrect : retapez le "
		    "mot de passe avec lequel vous vous connectez.");
		break;
	case NOTICE_THROTTLED:
		(void)snprintf(buf, len, "Trop d’essais manqués pour ce compte "
		    "ou depuis ce poste : réessayez dans %u %s.",
		    (retry_after + 59) / 60, html_plural((retry_after + 59) /
		    60, "minute", "minutes"));
		break;
	case NOTICE_SUSPENDED:
		(void)snprintf(buf, len, "Ce lieu est suspendu : aucun nouveau "
		    "poste ne peut être inscrit ; contactez le Département.");
		break;
	case NOTICE_NONE:
		buf[0] = '\0';
		break;
	}
}

/* The form "Ajouter un poste", with n's message at its field. */
static void
add_form(struct html *h, struct http_request *req, const struct ui_venue *uv,
    const char *label, enum notice n, unsigned retry_after)
{
	bool bad_label = n == NOTICE_LABEL;
	bool bad_password = n == NOTICE_PASSWORD_MISSING ||
	    n == NOTICE_PASSWORD_WRONG || n == NOTICE_THROTTLED;
	char msg[256], href[64];

	html_put(h, "<h2 id=\"ajouter\">Ajouter un poste</h2>");
	/* A suspended venue gets no code: no form to fill in vain. */
	if (n == NOTICE_SUSPENDED || strcmp(uv->v.status, "active") != 0) {
		notice_text(NOTICE_SUSPENDED, 0, msg, sizeof(msg));
		html_put(h, "<div class=\"alert\" role=\"alert\"><p>%s</p></div>",
		    msg);
		return;
	}
	/* A field's error is said at the field, where it is corrected. */
	notice_text(n, retry_after, msg, sizeof(msg));
	ui_venue_href(uv, "/lieu/postes", NULL, href, sizeof(href));
	html_put(h, "<form class=\"panel\" method=\"post\" action=\"%s\">"
	    "<p>Vous obtiendrez un code d’inscription, valable une seule fois "
	    "pendant 24 heures, et la commande à taper sur le poste.</p>",
	    href);
	ui_csrf_field(h, req);
	html_put(h, "<label for=\"nom\">Nom du poste (facultatif)<span "
	    "class=\"hint\" id=\"nom-hint\">Par exemple « Accueil, poste 1 ». "
	    "Sans nom, le poste prend celui de l’ordinateur.</span></label>");
	ui_compta_field_error(h, "nom", bad_label, msg);
	html_put(h, "<input id=\"nom\" name=\"nom\" type=\"text\" "
	    "maxlength=\"%d\" autocomplete=\"off\"", TERMINAL_LABEL_MAX);
	ui_compta_field_attrs(h, "nom", "nom-hint", bad_label);
	html_put(h, " value=\"%s\">", label != NULL ? label : "");
	html_put(h, "<label for=\"password\">Votre mot de passe<span "
	    "class=\"hint\" id=\"password-hint\">Par sécurité, retapez le mot "
	    "de passe de votre compte : un poste inscrit accepte des chèques "
	    "au nom du lieu.</span></label>");
	ui_compta_field_error(h, "password", bad_password, msg);
	html_put(h, "<input id=\"password\" name=\"password\" "
	    "type=\"password\" required maxlength=\"1024\" "
	    "autocomplete=\"current-password\"");
	ui_compta_field_attrs(h, "password", "password-hint", bad_password);
	html_put(h, "><button type=\"submit\">Obtenir un code d’inscription"
	    "</button></form>");
}

/* The « Postes » page, with n's message in the form; status its reply's. */
static enum MHD_Result
show(struct http_request *req, struct store *s, const struct ui_venue *uv,
    const char *label, enum notice n, unsigned retry_after, unsigned status)
{
	uint64_t revoked = 0;
	struct rows rows = { .n = 0 };
	struct pn_error err;
	struct html h;

	rows.uv = uv;
	rows.req = req;
	html_init(&rows.html);
	if (store_venue_terminals(s, uv->v.id, terminal_row, &rows,
	    &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Postes");
	ui_venue_banner(&h, uv);
	/* A number only: the page repeats no text a link could carry. */
	if (pn_parse_u64(http_request_query(req, "revoque"), INT64_MAX,
	    &revoked) != 0)
		revoked = 0;
	if (revoked != 0 && n == NOTICE_NONE)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>Le poste "
		    "n° %L est révoqué : le serveur refuse ses requêtes dès "
		    "maintenant. Pour le remplacer, ajoutez un nouveau poste "
		    "ci-dessous.</p></div>", (int64_t)revoked);
	html_put(&h, "<p>Les postes (terminaux) qui acceptent les chèques au "
	    "nom de ce lieu. Un poste perdu ou volé doit être révoqué tout "
	    "de suite : ses chèques ne seront plus acceptés.</p>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun poste n’est inscrit pour ce lieu.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"postes\"><table>"
		    "<caption id=\"postes\">Les postes de ce lieu (%u)</caption>"
		    "<thead><tr><th scope=\"col\">N°</th>"
		    "<th scope=\"col\">Nom</th>"
		    "<th scope=\"col\">Inscrit le</th>"
		    "<th scope=\"col\">Dernier échange avec le serveur</th>"
		    "<th scope=\"col\">État</th><th scope=\"col\">Action</th>"
		    "</tr></thead><tbody>%R</tbody></table></div>", rows.n,
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	add_form(&h, req, uv, label, n, retry_after);
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_venue_terminals(struct http_request *req)
{
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, false, &uv, &rc) != 0)
		return rc;
	return show(req, s, &uv, NULL, NOTICE_NONE, 0, 200);
}

/* A label the terminal will accept (terminal_enrol()'s rule): "" for none. */
static bool
label_ok(const char *label)
{
	size_t n = strlen(label), i;

	if (n > TERMINAL_LABEL_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			return false;
	return true;
}

/*
 * text quoted for a POSIX shell, into buf: '...', each ' written '\''.
 * Returns 0, or -1 when buf is too small.
 */
static int
shell_quote(const char *text, char *buf, size_t len)
{
	size_t o = 0;
	const char *p;

	if (len < 3)
		return -1;
	buf[o++] = '\'';
	for (p = text; *p != '\0'; p++) {
		if (*p == '\'') {
			if (o + 4 >= len)
				return -1;
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else {
			if (o + 1 >= len)
				return -1;
			buf[o++] = *p;
		}
	}
	if (o + 2 > len)
		return -1;
	buf[o++] = '\'';
	buf[o] = '\0';
	return 0;
}

/* The page that shows a fresh code, once. */
static enum MHD_Result
code_page(struct http_request *req, const struct op_ctx *cx,
    const struct ui_venue *uv, const char *label,
    const struct terminal_code_out *out)
{
	const char *url = cx->cfg->server.public_url;
	char until[PN_TIME_TEXT_MAX], quoted[4 * TERMINAL_LABEL_MAX + 3];
	char master[2 * 32 + 1], cmd[1024], href[64];
	bool pin = cx->keys != NULL && cx->keys->trust != NULL;
	struct html h;

	pn_time_format_paris(out->expires_at, until);
	if (pin)
		pn_hex_encode(cx->keys->trust->master_pk, 32, master);
	if (label[0] != '\0' && shell_quote(label, quoted, sizeof(quoted)) != 0)
		return ui_error_page(req, ERR_INTERNAL, "label too long to quote");
	(void)snprintf(cmd, sizeof(cmd), "passnum-terminal enrol --server %s "
	    "--code %s%s%s%s%s", url[0] != '\0' ? url : "ADRESSE",
	    out->code, label[0] != '\0' ? " --label " : "",
	    label[0] != '\0' ? quoted : "", pin ? " --master " : "",
	    pin ? master : "");
	html_init(&h);
	ui_begin(&h, req, "Code d’inscription du poste");
	html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>Notez ce code "
	    "maintenant : il ne sera plus affiché. Il sert une seule fois, "
	    "pour un poste de %s, jusqu’au %s (heure de Paris).</p></div>"
	    "<p class=\"enrol-code\"><span class=\"vh\">Code d’inscription : "
	    "</span>%s</p>"
	    "<h2>Sur le poste à inscrire</h2><p>Dans un terminal, tapez cette "
	    "commande (sur une seule ligne) :</p><pre><code>%s</code></pre>",
	    out->venue_name, until, out->code, cmd);
	if (url[0] == '\0')
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>L’adresse du "
		    "serveur n’est pas réglée sur ce site : demandez-la au "
		    "Département et tapez-la à la place de ADRESSE.</p></div>");
	html_put(&h, "<h2>Ce que le poste vérifie</h2><ul>");
	if (pin)
		html_put(&h, "<li>L’option <code>--master</code> donne au poste "
		    "l’empreinte de la clé maîtresse du Département : il "
		    "refusera toute clé qu’elle n’a pas signée. Empreinte : "
		    "<code class=\"hash\">%s</code>.</li>", master);
	html_put(&h, "<li>Si le Département vous a remis un fichier de "
	    "certificat (par exemple <code>passnum-ca.pem</code>), ajoutez "
	    "<code>--ca</code> suivi du chemin de ce fichier.</li>"
	    "<li>Le poste affiche le nom du lieu pour lequel il est inscrit : "
	    "vérifiez que c’est bien « %s ».</li></ul>"
	    "<p>Si le code expire avant d’avoir servi, ajoutez de nouveau le "
	    "poste pour en obtenir un autre.</p>", out->venue_name);
	ui_venue_href(uv, "/lieu/postes", NULL, href, sizeof(href));
	html_put(&h, "<p><a href=\"%s\">Retour aux postes</a></p>", href);
	return ui_end(&h, req, 200);
}

enum MHD_Result
ui_venue_terminal_add(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const char *label = f != NULL ? form_get(f, "nom") : NULL;
	const char *password = f != NULL ? form_get(f, "password") : NULL;
	struct terminal_code_out out;
	struct op_refusal why;
	struct ui_venue uv;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;
	unsigned wait = 0;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, false, &uv, &rc) != 0)
		return rc;
	if (label == NULL)
		label = "";
	if (!label_ok(label))
		return show(req, s, &uv, label, NOTICE_LABEL, 0, 400);
	if (password == NULL || password[0] == '\0' || strlen(password) > 1024)
		return show(req, s, &uv, label, NOTICE_PASSWORD_MISSING, 0, 400);
	op_request_ctx_on(req, s, &cx);
	switch (ui_reauth(req, s, &cx, password, &wait, &err)) {
	case UI_REAUTH_OK:
		break;
	case UI_REAUTH_FAILED:
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	case UI_REAUTH_THROTTLED:
		return show(req, s, &uv, label, NOTICE_THROTTLED, wait, 429);
	default:
		return show(req, s, &uv, label, NOTICE_PASSWORD_WRONG, 0, 401);
	}
	code = terminal_code_issue(&cx, uv.v.siret, &out, &why);
	if (code == ERR_VENUE_SUSPENDED_NO_ENROL)
		return show(req, s, &uv, label, NOTICE_SUSPENDED, 0,
		    err_lookup(code)->status);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	rc = code_page(req, &cx, &uv, label, &out);
	sodium_memzero(out.code, sizeof(out.code));
	return rc;
}

/* The confirmation asked before revoking t, its reason field checked. */
static enum MHD_Result
confirm_page(struct http_request *req, const struct ui_venue *uv,
    const struct store_terminal *t, const char *reason, bool bad)
{
	char path[64], href[96], back[64];
	struct html h;

	(void)snprintf(path, sizeof(path), "/lieu/postes/%lld/revoquer",
	    (long long)t->id);
	ui_venue_href(uv, path, NULL, href, sizeof(href));
	ui_venue_href(uv, "/lieu/postes", NULL, back, sizeof(back));
	html_init(&h);
	ui_begin(&h, req, "Révoquer un poste");
	ui_venue_banner(&h, uv);
	if (bad)
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>Le motif "
		    "manque ou ne convient pas : écrivez en une ligne pourquoi "
		    "le poste est révoqué.</p></div>");
	html_put(&h, "<form class=\"panel\" method=\"post\" action=\"%s\">"
	    "<p>Révoquer le poste n° %L « %s » ? Le serveur refusera toutes "
	    "ses requêtes dès maintenant, y compris les chèques qu’il "
	    "enverrait ensuite. Cela ne peut pas être annulé : pour le "
	    "remettre en service, il faudra l’inscrire de nouveau.</p>", href,
	    t->id, t->label);
	ui_csrf_field(&h, req);
	html_put(&h, "<input type=\"hidden\" name=\"confirmer\" value=\"oui\">"
	    "<label for=\"motif\">Motif<span class=\"hint\" id=\"motif-hint\">"
	    "Par exemple « ordinateur volé ».</span></label>");
	ui_compta_field_error(&h, "motif", bad, "Écrivez le motif.");
	html_put(&h, "<input id=\"motif\" name=\"motif\" type=\"text\" "
	    "required maxlength=\"%d\"", TERMINAL_REASON_MAX);
	ui_compta_field_attrs(&h, "motif", "motif-hint", bad);
	html_put(&h, " value=\"%s\"><button type=\"submit\" class=\"danger\">"
	    "Oui, révoquer ce poste</button><a class=\"button secondary\" "
	    "href=\"%s\">Non, revenir aux postes</a></form>",
	    reason != NULL ? reason : "", back);
	return ui_end(&h, req, bad ? 400 : 200);
}

enum MHD_Result
ui_venue_terminal_revoke(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const char *reason = f != NULL ? form_get(f, "motif") : NULL;
	const char *yes = f != NULL ? form_get(f, "confirmer") : NULL;
	uint64_t id = ui_param_id(req);
	struct store_terminal t;
	struct op_refusal why;
	struct ui_venue uv;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;
	char query[48], where[96];
	int res;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, false, &uv, &rc) != 0)
		return rc;
	/* Another venue's terminal is not one: the same 404 as none. */
	if (id == 0 || (res = store_terminal_get(s, (int64_t)id, &t, &err)) ==
	    STORE_NOT_FOUND || (res == 0 && t.venue_id != uv.v.id))
		return ui_error_page(req, ERR_TERMINAL_NOT_FOUND, "no such "
		    "terminal at this venue");
	if (res < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (t.revoked_at != 0)
		return ui_error_page(req, ERR_TERMINAL_ALREADY_REVOKED,
		    "already revoked");
	/* Asked from the list: the reason and the confirmation, in one form. */
	if (yes == NULL || strcmp(yes, "oui") != 0)
		return confirm_page(req, &uv, &t, reason, false);
	if (reason == NULL || !booklet_plain_text(reason, TERMINAL_REASON_MAX))
		return confirm_page(req, &uv, &t, reason, true);
	op_request_ctx_on(req, s, &cx);
	code = terminal_revoke(&cx, (int64_t)id, reason, &why);
	if (code == ERR_INVALID_FIELD)
		return confirm_page(req, &uv, &t, reason, true);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	(void)snprintf(query, sizeof(query), "revoque=%llu",
	    (unsigned long long)id);
	ui_venue_href(&uv, "/lieu/postes", query, where, sizeof(where));
	return http_redirect(req, where);
}
