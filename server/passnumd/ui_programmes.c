/* ui_programmes.c -- the programmes a page offers to choose from: how many, the latest, and their <option>s. */
#include "ui.h"

static int
count_one(void *ctx, const struct store_programme *p)
{
	struct ui_programmes *c = ctx;

	c->latest = p->id;
	c->n++;
	return 0;
}

int
ui_programmes_count(struct store *s, struct ui_programmes *c,
    struct pn_error *err)
{
	c->latest = 0;
	c->n = 0;
	return store_programme_each(s, count_one, c, err);
}

static int
option(void *ctx, const struct store_programme *p)
{
	struct ui_programmes *c = ctx;

	html_put(&c->html, "<option value=\"%L\"%R>%s</option>", p->id,
	    p->id == c->selected ? " selected" : "", p->name);
	return 0;
}

int
ui_programmes_options(struct store *s, struct ui_programmes *c,
    struct pn_error *err)
{
	html_init(&c->html);
	if (store_programme_each(s, option, c, err) != 0) {
		html_free(&c->html);
		return -1;
	}
	return 0;
}
