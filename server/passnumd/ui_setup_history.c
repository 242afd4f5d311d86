/* ui_setup_history.c -- what was changed in an agency's or a programme's setup, when and by whom, said in French from the audit log. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "passnum/money.h"
#include "passnum/timefmt.h"
#include "ui.h"
#include "validity.h"

void
ui_validity_text(const char *rule, char *buf, size_t len)
{
	struct validity_rule r;

	if (validity_parse(rule, &r) != 0)
		(void)snprintf(buf, len, "%s", rule);
	else if (r.kind == VALIDITY_DAYS)
		(void)snprintf(buf, len, "%u %s après la délivrance", r.days,
		    r.days == 1 ? "jour" : "jours");
	else if (r.days == 0)
		(void)snprintf(buf, len, "jusqu’au 31 décembre de l’année de "
		    "délivrance");
	else
		(void)snprintf(buf, len, "jusqu’au 31 décembre de l’année de "
		    "délivrance, plus %u %s", r.days, r.days == 1 ? "jour" :
		    "jours");
}

void
ui_commission_text(unsigned bp, char *buf, size_t len)
{
	if (bp % 100 == 0)
		(void)snprintf(buf, len, "%u %%", bp / 100);
	else if (bp % 10 == 0)
		(void)snprintf(buf, len, "%u,%u %%", bp / 100, bp % 100 / 10);
	else
		(void)snprintf(buf, len, "%u,%02u %%", bp / 100, bp % 100);
}

/* The settings as the audit rows name them, and how the pages say them. */
enum kind { TEXT, MONEY, COUNT, VALIDITY, PERCENT, AGENCY_KIND, LONG };

static const struct setting {
	const char *key;
	const char *label;
	enum kind kind;
} settings[] = {
	{ "name", "Nom", TEXT },
	{ "kind", "Type", AGENCY_KIND },
	{ "commune", "Commune", TEXT },
	{ "face_value", "Valeur d’un chèque", MONEY },
	{ "per_booklet", "Chèques par carnet", COUNT },
	{ "validity", "Validité", VALIDITY },
	{ "territory", "Territoire", TEXT },
	{ "budget", "Budget", MONEY },
	{ "max_booklets", "Carnets par personne", COUNT },
	{ "commission_bp", "Commission", PERCENT },
	{ "budget_line", "Ligne budgétaire", TEXT },
	{ "max_per_session", "Chèques d’un carnet par séance", COUNT },
	{ "instructions", "Texte de la couverture", LONG },
	{ "venues", "Lieux partenaires imprimés", LONG },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

/* The value v of setting t, as its page shows it. */
static void
value_text(const struct setting *t, const json_t *v, char *buf, size_t len)
{
	char money[PN_MONEY_TEXT_MAX];
	const char *text = json_string_value(v);
	json_int_t n = json_integer_value(v);

	switch (t->kind) {
	case MONEY:
		pn_money_format((int64_t)n, money);
		(void)snprintf(buf, len, "%s", money);
		return;
	case COUNT:
		(void)snprintf(buf, len, "%lld", (long long)n);
		return;
	case PERCENT:
		ui_commission_text(n >= 0 && n <= 10000 ? (unsigned)n : 0, buf,
		    len);
		return;
	case VALIDITY:
		ui_validity_text(text != NULL ? text : "", buf, len);
		return;
	case AGENCY_KIND:
		(void)snprintf(buf, len, "%s", text != NULL &&
		    strcmp(text, "eds") == 0 ? "Espace départemental des "
		    "solidarités" : "Partenaire");
		return;
	default:
		(void)snprintf(buf, len, "%s", text != NULL && text[0] != '\0' ?
		    text : "(vide)");
		return;
	}
}

/* One line per setting of changes ({key: [before, after] or true}). */
static void
changes_list(struct html *h, const json_t *changes)
{
	char before[300], after[300];
	const json_t *v;
	size_t i;

	html_put(h, "<ul>");
	for (i = 0; i < NSETTINGS; i++) {
		if ((v = json_object_get(changes, settings[i].key)) == NULL)
			continue;
		if (settings[i].kind == LONG || !json_is_array(v)) {
			html_put(h, "<li>%s : modifié</li>", settings[i].label);
			continue;
		}
		value_text(&settings[i], json_array_get(v, 0), before,
		    sizeof(before));
		value_text(&settings[i], json_array_get(v, 1), after,
		    sizeof(after));
		html_put(h, "<li>%s : %s → %s</li>", settings[i].label, before,
		    after);
	}
	html_put(h, "</ul>");
}

/* The rules as programme.rules recorded them: each setting's new value. */
static void
rules_list(struct html *h, const json_t *rules)
{
	char text[300];
	const json_t *v;
	size_t i;

	html_put(h, "<ul>");
	for (i = 0; i < NSETTINGS; i++) {
		if ((v = json_object_get(rules, settings[i].key)) == NULL)
			continue;
		value_text(&settings[i], v, text, sizeof(text));
		html_put(h, "<li>%s : %s</li>", settings[i].label, text);
	}
	html_put(h, "</ul>");
}

struct history {
	struct html rows;
	unsigned n;
};

static int
history_row(void *ctx, int64_t at, const char *who, const char *action,
    const char *detail)
{
	struct history *hi = ctx;
	char when[PN_TIME_TEXT_MAX];
	json_t *d = NULL;

	pn_time_format_paris(at, when);
	/* Who: a login, or "passnumd", "admin-cli": an identifier. */
	html_put(&hi->rows, "<tr><td class=\"nowrap\">%s</td><td><code>%s"
	    "</code></td><td>", when, who);
	if (strcmp(action, "programme.add") == 0 ||
	    strcmp(action, "agency.add") == 0)
		html_put(&hi->rows, "Création");
	else if ((d = json_loads(detail, 0, NULL)) == NULL)
		html_put(&hi->rows, "Modification (voir le journal d’audit)");
	else if (strcmp(action, "programme.rules") == 0) {
		html_put(&hi->rows, "Règles de paiement");
		rules_list(&hi->rows, d);
	} else {
		html_put(&hi->rows, "Modification");
		changes_list(&hi->rows, json_object_get(d, "changed"));
	}
	json_decref(d);
	html_put(&hi->rows, "</td></tr>");
	hi->n++;
	return 0;
}

int
ui_setup_history(struct html *h, struct store *s, const char *object,
    struct pn_error *err)
{
	struct history hi = { .n = 0 };

	html_init(&hi.rows);
	if (store_setup_history(s, object, history_row, &hi, err) != 0) {
		html_free(&hi.rows);
		return -1;
	}
	html_put(h, "<h2 id=\"historique\">Historique des modifications</h2>");
	if (hi.n == 0)
		html_put(h, "<p>Aucune modification enregistrée.</p>");
	else
		html_put(h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"historique-titre\">"
		    "<table><caption id=\"historique-titre\">Les plus récentes "
		    "d’abord</caption><thead><tr><th scope=\"col\">Date</th>"
		    "<th scope=\"col\">Par</th><th scope=\"col\">Ce qui a "
		    "changé</th></tr></thead><tbody>%R</tbody></table></div>",
		    hi.rows.failed ? "" : hi.rows.buf);
	h->failed |= hi.rows.failed;
	html_free(&hi.rows);
	return 0;
}
