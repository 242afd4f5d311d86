/* api_training.c -- POST and GET /api/v1/sessions: training sessions of a venue. */
#include <string.h>
#include <time.h>

#include "passnum/request.h"
#include "api.h"
#include "op_request.h"
#include "session_declare.h"
#include "worker.h"

#define SESSIONS_LISTED 50

static json_t *
training_json(const struct store_training *t)
{
	char uid[2 * 16 + 1];

	pn_hex_encode(t->uid, sizeof(t->uid), uid);
	return json_pack("{s:s, s:I, s:I, s:I, s:s, s:I, s:i, s:I}",
	    "session", uid, "id", (json_int_t)t->id,
	    "venue", (json_int_t)t->venue_id,
	    "terminal", (json_int_t)t->terminal_id, "theme", t->theme,
	    "starts_at", (json_int_t)t->starts_at,
	    "duration_minutes", (int)t->duration_minutes,
	    "declared_at", (json_int_t)t->declared_at);
}

/* Read the session of the body into *in; 0, or -1 once answered. */
static int
read_session(struct http_request *req, const json_t *doc,
    struct session_declare_in *in, enum MHD_Result *rc)
{
	const char *uid = json_string_value(json_object_get(doc, "session"));
	const json_t *start = json_object_get(doc, "starts_at");
	const json_t *minutes = json_object_get(doc, "duration_minutes");

	if (uid == NULL || !pn_hex_decode(uid, in->uid, sizeof(in->uid))) {
		*rc = http_reply_error(req, ERR_INVALID_FIELD, "session: 32 "
		    "lowercase hex digits expected");
		return -1;
	}
	in->theme = json_string_value(json_object_get(doc, "theme"));
	/* Not a number: 0, which the operation refuses as missing. */
	in->starts_at = json_is_integer(start) ?
	    (int64_t)json_integer_value(start) : 0;
	in->duration_minutes = json_is_integer(minutes) ?
	    (int64_t)json_integer_value(minutes) : 0;
	return 0;
}

enum MHD_Result
api_training_declare(struct http_request *req)
{
	struct session_declare_in in = { 0 };
	struct session_declare_out out;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	enum MHD_Result rc;
	json_t *doc;

	in.terminal = http_request_terminal(req, &in.nonce);
	if ((doc = api_body_object(req, &rc)) == NULL)
		return rc;
	if (read_session(req, doc, &in, &rc) != 0)
		goto done;
	if (op_request_ctx(req, &cx, &err) != 0)
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	else if (session_declare(&cx, &in, &out, &why) != ERR_NONE)
		rc = http_reply_error(req, why.code, "%s", why.detail);
	else
		rc = http_reply_json(req, out.created ? 201 : 200,
		    training_json(&out.session));
done:
	json_decref(doc);
	return rc;
}

static int
list_one(void *ctx, const struct store_training *t)
{
	return json_array_append_new(ctx, training_json(t));
}

enum MHD_Result
api_training_list(struct http_request *req)
{
	const struct store_terminal *t = http_request_terminal(req, NULL);
	json_t *list = json_array();
	struct pn_error err;
	struct store *s;

	if ((s = worker_store(&err)) == NULL ||
	    store_training_recent(s, t->venue_id, SESSIONS_LISTED, list_one,
	    list, &err) != 0) {
		json_decref(list);
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	}
	return http_reply_json(req, 200, json_pack("{s:o}", "sessions", list));
}
