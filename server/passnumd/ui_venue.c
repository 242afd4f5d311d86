/* ui_venue.c -- what the venue pages share: whose venue, its banner, links, French durations and months.
 *
 * A venue user sees their own venue and nothing else: the venue comes
 * from their account, never from the request. An admin names a venue
 * with "?lieu=ID", and every link of the page carries it on.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "ui.h"

/* The admin's list of venues, to pick one. */
struct venue_rows {
	struct html html;
	unsigned n;
};

static int
venue_row(void *ctx, const struct store_venue *v)
{
	struct venue_rows *r = ctx;
	char href[64];

	(void)snprintf(href, sizeof(href), "/lieu?lieu=%lld",
	    (long long)v->id);
	html_put(&r->html, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td>"
	    "<td>%s</td><td>%s</td></tr>", href, v->name, v->siret,
	    v->commune, strcmp(v->status, "active") == 0 ? "Actif" :
	    "Suspendu");
	r->n++;
	return 0;
}

static enum MHD_Result
venue_list(struct http_request *req, struct store *s)
{
	struct venue_rows rows = { .n = 0 };
	struct pn_error err;
	struct html h;

	html_init(&rows.html);
	if (store_venue_each(s, venue_row, &rows, &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Lieux partenaires");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun lieu partenaire n’est enregistré "
		    "(passnum-admin venue add).</p>");
	else
		html_put(&h, "<p>Choisissez le lieu dont vous voulez voir les "
		    "séances, les remboursements et les conflits, tels que le "
		    "lieu les voit.</p><div class=\"scroll\"><table><caption>"
		    "%u lieux partenaires</caption><thead><tr>"
		    "<th scope=\"col\">Lieu</th><th scope=\"col\">SIRET</th>"
		    "<th scope=\"col\">Commune</th><th scope=\"col\">État</th>"
		    "</tr></thead><tbody>%R</tbody></table></div>", rows.n,
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, 200);
}

int
ui_venue_resolve(struct http_request *req, struct store *s, bool list_if_none,
    struct ui_venue *uv, enum MHD_Result *rc)
{
	const struct store_principal *who = http_request_principal(req);
	struct pn_error err;
	uint64_t id = 0;
	int res;

	memset(uv, 0, sizeof(*uv));
	if (who->role == ROLE_VENUE) {
		if (who->venue_id <= 0) {
			*rc = ui_error_page(req, ERR_NO_VENUE, "no venue");
			return -1;
		}
		id = (uint64_t)who->venue_id;
	} else {
		/* The routes let only admins in besides; a new role is not. */
		if (who->role != ROLE_ADMIN) {
			*rc = ui_error_page(req, ERR_FORBIDDEN, "role");
			return -1;
		}
		if (pn_parse_u64(http_request_query(req, "lieu"), INT64_MAX,
		    &id) != 0 || id == 0) {
			*rc = list_if_none ? venue_list(req, s) :
			    http_redirect(req, "/lieu");
			return -1;
		}
		(void)snprintf(uv->param, sizeof(uv->param), "lieu=%llu",
		    (unsigned long long)id);
	}
	if ((res = store_venue_get(s, (int64_t)id, &uv->v, &err)) != 0) {
		*rc = res < 0 ? ui_error_page(req, ERR_STORE_UNAVAILABLE,
		    err.message) : ui_error_page(req, who->role == ROLE_VENUE ?
		    ERR_NO_VENUE : ERR_VENUE_NOT_FOUND, "no such venue");
		return -1;
	}
	return 0;
}

void
ui_venue_href(const struct ui_venue *uv, const char *path, const char *query,
    char *buf, size_t len)
{
	bool q = query != NULL && query[0] != '\0';
	bool p = uv->param[0] != '\0';

	(void)snprintf(buf, len, "%s%s%s%s%s", path, q || p ? "?" : "",
	    q ? query : "", q && p ? "&" : "", uv->param);
}

void
ui_venue_banner(struct html *h, const struct ui_venue *uv)
{
	const struct store_venue *v = &uv->v;
	bool suspended = strcmp(v->status, "active") != 0;
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];

	/*
	 * A suspended venue still sees its pages: it needs to know why its
	 * terminals are refused, and what it is still owed.
	 */
	if (suspended)
		html_put(h, "<div class=\"alert\" role=\"alert\"><p><strong>Ce "
		    "lieu est suspendu</strong> : ses terminaux ne peuvent plus "
		    "accepter de chèques. Motif : %s</p><p>Les chèques acceptés "
		    "avant la suspension restent dus. Pour toute question, "
		    "contactez le Département.</p></div>",
		    v->status_reason[0] != '\0' ? v->status_reason :
		    "non précisé");
	pn_time_format_paris_date(v->accredited_from, from);
	html_put(h, "<dl class=\"panel\"><dt>Lieu</dt><dd>%s</dd>"
	    "<dt>SIRET</dt><dd>%s</dd><dt>Commune</dt><dd>%s</dd>"
	    "<dt>État</dt><dd>%s</dd><dt>Agréé</dt><dd>depuis le %s",
	    v->name, v->siret, v->commune, suspended ? "Suspendu" : "Actif",
	    from);
	if (v->accredited_until != 0) {
		pn_time_format_paris_date(v->accredited_until, until);
		html_put(h, ", jusqu’au %s", until);
	}
	html_put(h, "</dd></dl>");
}

void
ui_duration(unsigned minutes, char *buf, size_t len)
{
	if (minutes < 60)
		(void)snprintf(buf, len, "%u min", minutes);
	else if (minutes % 60 == 0)
		(void)snprintf(buf, len, "%u h", minutes / 60);
	else
		(void)snprintf(buf, len, "%u h %02u", minutes / 60,
		    minutes % 60);
}

void
ui_month_name(int year, int month, char *buf, size_t len)
{
	static const char *const names[] = {
		"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre",
		"décembre",
	};

	if (month < 1 || month > 12)
		(void)snprintf(buf, len, "%04d-%02d", year, month);
	else
		(void)snprintf(buf, len, "%s %d", names[month - 1], year);
}
