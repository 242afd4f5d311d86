/* ui_form.c -- a form's fields as typed and their errors: every error found at once, each shown at its field and in the summary. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui.h"

void
ui_form_error(struct ui_form *f, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (f->n >= UI_FORM_ERRORS)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(f->msg[f->n], sizeof(f->msg[f->n]), fmt, ap);
	va_end(ap);
	f->e[f->n].field = field;
	f->e[f->n].id = field;
	f->e[f->n].message = f->msg[f->n];
	f->n++;
}

const char *
ui_form_value(struct http_request *req, const char *name)
{
	const char *v = ui_field(req, name);

	return v != NULL ? v : "";
}

void
ui_form_line(struct ui_form *f, const char *field, const char *text,
    size_t max, const char *label)
{
	size_t n = strlen(text), i;

	if (n == 0) {
		ui_form_error(f, field, "%s : rien n’a été saisi.", label);
		return;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
			ui_form_error(f, field, "%s : une seule ligne, sans "
			    "caractère de contrôle.", label);
			return;
		}
	if (n > max)
		ui_form_error(f, field, "%s : trop long, raccourcissez-le.",
		    label);
}

/* The label of id, with its hint, and its error when it has one. */
static const struct ui_field_error *
label(struct html *h, const struct ui_form *f, const char *id,
    const char *text, const char *hint, char hint_id[48])
{
	const struct ui_field_error *e = ui_field_error_of(f->e, f->n, id);

	(void)snprintf(hint_id, 48, "%s-hint", id);
	html_put(h, "<label for=\"%s\">%s", id, text);
	if (hint != NULL)
		html_put(h, "<span class=\"hint\" id=\"%s\">%s</span>", hint_id,
		    hint);
	html_put(h, "</label>");
	ui_compta_field_error(h, id, e != NULL, e != NULL ? e->message : "");
	return e;
}

void
ui_form_input(struct html *h, const struct ui_form *f, const char *id,
    const char *text, const char *hint, const char *type, const char *val,
    const char *extra)
{
	const struct ui_field_error *e;
	char hint_id[48];

	e = label(h, f, id, text, hint, hint_id);
	html_put(h, "<input id=\"%s\" name=\"%s\" type=\"%s\"%R", id, id, type,
	    extra != NULL ? extra : "");
	ui_compta_field_attrs(h, id, hint != NULL ? hint_id : NULL, e != NULL);
	html_put(h, " value=\"%s\">", val != NULL ? val : "");
}

void
ui_form_textarea(struct html *h, const struct ui_form *f, const char *id,
    const char *text, const char *hint, const char *val, unsigned maxlength)
{
	const struct ui_field_error *e;
	char hint_id[48];

	e = label(h, f, id, text, hint, hint_id);
	html_put(h, "<textarea id=\"%s\" name=\"%s\" rows=\"5\" "
	    "maxlength=\"%u\"", id, id, maxlength);
	ui_compta_field_attrs(h, id, hint != NULL ? hint_id : NULL, e != NULL);
	html_put(h, ">%s</textarea>", val != NULL ? val : "");
}
