/* form_multipart.c -- multipart/form-data bodies, read with libmicrohttpd's post processor.
 *
 * The body is whole in memory (its size bounded by the route's limit)
 * before it is read: the post processor is given it in one call, and its
 * iterator gathers each part, which may come in pieces. The text fields
 * are then laid out as form_parse() lays them, so that the pages and the
 * CSRF check read a multipart form as any other.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form_multipart.h"

#define PARTS_MAX (FORM_FIELDS_MAX + FORM_FILES_MAX)

struct part {
	char *name, *filename, *type;	/* NULL: none */
	unsigned char *data;
	size_t len, cap;
	bool file;
};

struct gather {
	struct part parts[PARTS_MAX];
	size_t n;
	char err[160];
	bool failed;
};

static enum MHD_Result
gather_fail(struct gather *g, const char *why, const char *name)
{
	if (!g->failed)
		(void)snprintf(g->err, sizeof(g->err), "%s%s%s%s", why,
		    name != NULL ? " ('" : "", name != NULL ? name : "",
		    name != NULL ? "')" : "");
	g->failed = true;
	return MHD_NO;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* The post processor's iterator: one piece of one part. */
static enum MHD_Result
gather_piece(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct gather *g = cls;
	struct part *p;
	size_t cap;

	(void)kind;
	(void)transfer_encoding;
	if (key == NULL || *key == '\0')
		return gather_fail(g, "a part has no field name", NULL);
	p = g->n > 0 ? &g->parts[g->n - 1] : NULL;
	if (p == NULL || off == 0 || strcmp(p->name, key) != 0) {
		if (off != 0)
			return gather_fail(g, "a part came in disorder", key);
		if (g->n == PARTS_MAX)
			return gather_fail(g, "too many fields", NULL);
		p = &g->parts[g->n++];
		p->file = filename != NULL;
		if ((p->name = strdup(key)) == NULL ||
		    (p->file && ((p->filename = strdup(filename)) == NULL ||
		    (content_type != NULL &&
		    (p->type = dup_or_null(content_type)) == NULL))))
			return gather_fail(g, "out of memory", NULL);
	}
	if (off != p->len)
		return gather_fail(g, "a part came in disorder", key);
	if (!p->file && p->len + size > FORM_MULTIPART_TEXT_MAX)
		return gather_fail(g, "a text field is too long", key);
	if (p->len + size + 1 > p->cap) {
		cap = p->cap > 0 ? p->cap : 256;
		while (cap < p->len + size + 1)
			cap *= 2;
		if ((p->data = realloc(p->data, cap)) == NULL)
			return gather_fail(g, "out of memory", NULL);
		p->cap = cap;
	}
	memcpy(p->data + p->len, data, size);
	p->len += size;
	p->data[p->len] = '\0';
	return MHD_YES;
}

static void
gather_free(struct gather *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->parts[i].name);
		free(g->parts[i].filename);
		free(g->parts[i].type);
		free(g->parts[i].data);
	}
}

/* Copy s to *out, NUL-terminated, and move *out past it. */
static const char *
lay(char **out, const char *s, size_t len)
{
	char *at = *out;

	memcpy(at, s, len);
	at[len] = '\0';
	*out = at + len + 1;
	return at;
}

/* Lay out what g gathered as f. 0, or -1 with g->err. */
static int
gather_to_form(struct gather *g, struct form *f)
{
	struct form_file *ff;
	struct part *p;
	size_t i, need = 1;
	char *out;

	for (i = 0; i < g->n; i++) {
		p = &g->parts[i];
		need += strlen(p->name) + 1;
		need += p->file ? strlen(p->filename) + 1 +
		    (p->type != NULL ? strlen(p->type) : 0) + 1 : p->len + 1;
	}
	if ((f->buf = malloc(need)) == NULL)
		return gather_fail(g, "out of memory", NULL), -1;
	out = f->buf;
	for (i = 0; i < g->n; i++) {
		p = &g->parts[i];
		if (!form_utf8_valid(p->name, strlen(p->name)) ||
		    form_get(f, p->name) != NULL ||
		    form_file_get(f, p->name) != NULL)
			return gather_fail(g, "a field name is repeated or "
			    "not UTF-8", NULL), -1;
		if (p->file) {
			if (f->n_files == FORM_FILES_MAX)
				return gather_fail(g, "too many files", NULL),
				    -1;
			ff = &f->files[f->n_files++];
			ff->name = lay(&out, p->name, strlen(p->name));
			ff->filename = lay(&out, p->filename,
			    strlen(p->filename));
			ff->type = lay(&out, p->type != NULL ? p->type : "",
			    p->type != NULL ? strlen(p->type) : 0);
			ff->data = p->data;	/* the form owns it now */
			ff->len = p->len;
			p->data = NULL;
			continue;
		}
		if (f->n == FORM_FIELDS_MAX)
			return gather_fail(g, "too many fields", NULL), -1;
		if (p->len > 0 && (memchr(p->data, '\0', p->len) != NULL ||
		    !form_utf8_valid((const char *)p->data, p->len)))
			return gather_fail(g, "the value is not UTF-8 text",
			    p->name), -1;
		f->fields[f->n].name = lay(&out, p->name, strlen(p->name));
		f->fields[f->n++].value = lay(&out, p->data != NULL ?
		    (const char *)p->data : "", p->len);
	}
	return 0;
}

int
form_multipart_parse(struct MHD_Connection *conn, const char *body,
    size_t len, struct form *f, char *err, size_t errlen)
{
	struct MHD_PostProcessor *pp;
	struct gather g;
	enum MHD_Result rc;
	int ok;

	memset(f, 0, sizeof(*f));
	memset(&g, 0, sizeof(g));
	if ((pp = MHD_create_post_processor(conn, 16384, gather_piece,
	    &g)) == NULL) {
		(void)snprintf(err, errlen, "the body is not multipart/"
		    "form-data with a boundary");
		return -1;
	}
	rc = MHD_post_process(pp, body, len);
	/* MHD_NO here: the body ended inside a part. */
	if (MHD_destroy_post_processor(pp) != MHD_YES && !g.failed)
		(void)gather_fail(&g, "the body ends inside a part", NULL);
	if (rc != MHD_YES && !g.failed)
		(void)gather_fail(&g, "the body is not well-formed multipart",
		    NULL);
	ok = !g.failed && gather_to_form(&g, f) == 0;
	if (!ok) {
		(void)snprintf(err, errlen, "%s", g.err);
		form_free(f);
	}
	gather_free(&g);
	return ok ? 0 : -1;
}
