/* ui_error_summary.c -- every error of a form at once, in a box above it that links to each field. */
#include <string.h>

#include "ui.h"

void
ui_error_summary(struct html *h, const struct ui_field_error *e, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	/*
	 * The GOV.UK and DSFR pattern: role="alert" has it read at once,
	 * tabindex="-1" lets the skip link and the title reach it, and each
	 * item is a link to the field that holds it (#id).
	 */
	html_put(h, "<div class=\"alert error-summary\" role=\"alert\" "
	    "tabindex=\"-1\" aria-labelledby=\"error-summary-title\">"
	    "<h2 id=\"error-summary-title\">%R</h2><ul>", n == 1 ?
	    "Le formulaire contient une erreur" :
	    "Le formulaire contient des erreurs");
	for (i = 0; i < n; i++) {
		if (e[i].id != NULL)
			html_put(h, "<li><a href=\"#%s\">%F</a></li>", e[i].id,
			    e[i].message);
		else
			html_put(h, "<li>%F</li>", e[i].message);
	}
	html_put(h, "</ul></div>");
}

const struct ui_field_error *
ui_field_error_of(const struct ui_field_error *e, size_t n, const char *field)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (e[i].field != NULL && strcmp(e[i].field, field) == 0)
			return &e[i];
	return NULL;
}
