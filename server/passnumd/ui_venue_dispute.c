/* ui_venue_dispute.c -- a venue answers a dispute from its session's page; the answers' files.
 *
 * POST /lieu/contestations/{id}/repondre takes a multipart form (the
 * route is HTTP_UPLOAD: the session and role are checked before the
 * body is read): the text "reponse", the file "piece" (optional) and
 * "seance", the session whose page shows the form again with the
 * refusal. The rules are dispute_answer()'s (dispute.h); a refusal
 * writes nothing. Another venue's dispute is "not found", as one that
 * does not exist.
 *
 * GET .../reponses/{id}/piece hands out an answer's file, to the
 * accountants and admins and to the users of the venue that sent it,
 * with the type found from its bytes at upload, as a download, and
 * under a policy that lets nothing in it run: it came from outside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "dispute.h"
#include "form.h"
#include "op_request.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

void
ui_file_size(int64_t bytes, char *buf, size_t len)
{
	if (bytes < 1024)
		(void)snprintf(buf, len, "%lld octets", (long long)bytes);
	else if (bytes < 1024 * 1024)
		(void)snprintf(buf, len, "%lld ko",
		    (long long)((bytes + 1023) / 1024));
	else if (bytes % (1024 * 1024) * 10 / (1024 * 1024) == 0)
		(void)snprintf(buf, len, "%lld Mo",
		    (long long)(bytes / (1024 * 1024)));
	else
		(void)snprintf(buf, len, "%lld,%lld Mo",
		    (long long)(bytes / (1024 * 1024)),
		    (long long)(bytes % (1024 * 1024) * 10 / (1024 * 1024)));
}

struct answers {
	struct html *h;
	const char *prefix, *query;
	int n;
};

static int
answer_item(void *ctx, const struct store_answer *a)
{
	struct answers *r = ctx;
	char when[PN_TIME_TEXT_MAX], size[32], path[96], href[128];

	pn_time_format_paris(a->answered_at, when);
	html_put(r->h, "<li><p class=\"answer\">%s</p><p>Envoyée le %s par "
	    "%s (%s).", a->text, when, a->answered_by_name,
	    a->answered_by_login);
	if (a->has_file) {
		ui_file_size(a->file_size, size, sizeof(size));
		(void)snprintf(path, sizeof(path),
		    "%s/contestations/reponses/%lld/piece", r->prefix,
		    (long long)a->id);
		if (r->query != NULL && r->query[0] != '\0')
			(void)snprintf(href, sizeof(href), "%s?%s", path,
			    r->query);
		else
			(void)snprintf(href, sizeof(href), "%s", path);
		html_put(r->h, " Pièce jointe : <a href=\"%s\" download>%s</a> "
		    "(%s, %s).", href, a->file_name,
		    strcmp(a->file_type, "application/pdf") == 0 ? "PDF" :
		    strcmp(a->file_type, "image/png") == 0 ? "image PNG" :
		    "image JPEG", size);
	}
	html_put(r->h, "</p></li>");
	r->n++;
	return 0;
}

int
ui_dispute_answers(struct html *h, struct store *s, int64_t dispute_id,
    int64_t venue_id, const char *prefix, const char *query,
    struct pn_error *err)
{
	struct html list;
	struct answers r = { &list, prefix, query, 0 };

	html_init(&list);
	if (store_dispute_answer_each(s, dispute_id, venue_id, answer_item, &r,
	    err) != 0) {
		html_free(&list);
		return -1;
	}
	if (r.n > 0)
		html_put(h, "<ol class=\"answers\">%R</ol>",
		    list.failed ? "" : list.buf);
	h->failed |= list.failed;
	html_free(&list);
	return r.n;
}

enum MHD_Result
ui_venue_dispute_answer(struct http_request *req)
{
	const struct store_principal *who = http_request_principal(req);
	const struct form *f = http_request_form(req, NULL);
	const struct form_file *file = f != NULL ?
	    form_file_get(f, "piece") : NULL;
	struct dispute_answer_in in;
	struct ui_answer_sent x;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	struct store *s;
	uint64_t id = ui_param_id(req), session;
	int64_t answer = 0;
	char where[96];

	if (id == 0)
		return ui_error_page(req, ERR_DISPUTE_NOT_FOUND,
		    "not a dispute number");
	if (who == NULL || who->role != ROLE_VENUE)
		return ui_error_page(req, ERR_NOT_VENUE_USER,
		    "only a user of the disputed venue may answer");
	if (pn_parse_u64(ui_field(req, "seance"), INT64_MAX, &session) != 0 ||
	    session == 0)
		return ui_error_page(req, ERR_INVALID_FIELD,
		    "seance: the session's number");
	memset(&x, 0, sizeof(x));
	x.dispute = (int64_t)id;
	x.text = ui_field(req, "reponse");
	x.limit = http_request_config(req)->settlement.dispute_attachment_max;
	memset(&in, 0, sizeof(in));
	in.dispute_id = (int64_t)id;
	in.text = x.text != NULL ? x.text : "";
	/* A file input left empty still sends a part: no name, no byte. */
	if (file != NULL && (file->len > 0 || file->filename[0] != '\0')) {
		in.file_name = file->filename;
		in.data = file->data;
		in.len = file->len;
		if (file->len == 0) {
			x.code = ERR_ATTACHMENT_TYPE;
			x.bad = "piece";
			return ui_venue_session_show(req, session, &x);
		}
	}
	pn_error_clear(&err);
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	x.code = dispute_answer(&cx, &in, &answer, &why);
	switch (x.code) {
	case ERR_NONE:
		(void)snprintf(where, sizeof(where), "/lieu/sessions/%llu?"
		    "repondu=%llu#contestation-%llu",
		    (unsigned long long)session, (unsigned long long)id,
		    (unsigned long long)id);
		return http_redirect(req, where);
	case ERR_ANSWER_REQUIRED:
		x.bad = "reponse";
		break;
	case ERR_ATTACHMENT_TYPE:
	case ERR_ATTACHMENT_TOO_LARGE:
		x.bad = "piece";
		break;
	case ERR_ANSWER_TOO_LATE:
	case ERR_DISPUTE_CLOSED:
	case ERR_ANSWERS_FULL:
		break;
	default:		/* not found, not a venue user, the store */
		return ui_error_page(req, x.code, why.detail);
	}
	return ui_venue_session_show(req, session, &x);
}

enum MHD_Result
ui_dispute_attachment(struct http_request *req)
{
	const struct store_principal *who = http_request_principal(req);
	struct store_answer a;
	struct pn_error err;
	struct store *s;
	unsigned char *data;
	uint64_t id = ui_param_id(req);
	char disposition[96];
	const char *ext;
	int rc;

	if (id == 0)
		return ui_error_page(req, ERR_DISPUTE_NOT_FOUND,
		    "not an answer number");
	if (who != NULL && who->role == ROLE_VENUE && who->venue_id == 0)
		return ui_error_page(req, ERR_NO_VENUE, "no venue");
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	/* A venue's user, only its own venue's; the Département, any. */
	rc = store_dispute_answer_file(s, (int64_t)id,
	    who != NULL && who->role == ROLE_VENUE ? who->venue_id : 0, &a,
	    &data, &err);
	if (rc < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (rc != 0)
		return ui_error_page(req, ERR_DISPUTE_NOT_FOUND,
		    "no such answer with a file");
	ext = strcmp(a.file_type, "application/pdf") == 0 ? "pdf" :
	    strcmp(a.file_type, "image/png") == 0 ? "png" : "jpg";
	/*
	 * The name is ours, not the one sent: nothing the venue typed goes
	 * into a header. The page shows the name sent.
	 */
	(void)snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"contestation-%lld-piece-%lld.%s\"",
	    (long long)a.dispute_id, (long long)a.id, ext);
	if (http_add_header(req, "Content-Security-Policy",
	    "sandbox; default-src 'none'") != 0) {
		free(data);
		return ui_error_page(req, ERR_INTERNAL, "too many headers");
	}
	return http_reply_document(req, 200, a.file_type, disposition, data,
	    (size_t)a.file_size);
}
