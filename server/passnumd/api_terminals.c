/* api_terminals.c -- enrolment, what a terminal is told of itself, themes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/request.h"
#include "api.h"
#include "enrol_code.h"
#include "worker.h"

#define LABEL_MAX 64

static json_t *
themes_json(const struct config *cfg)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < cfg->redemption.n_themes; i++)
		json_array_append_new(a,
		    json_string(cfg->redemption.themes[i]));
	return a;
}

static json_t *
venue_json(const struct store_terminal *t)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t->venue_id,
	    "name", t->venue_name, "siret", t->venue_siret);
}

/* What a terminal is told at enrolment and on GET /api/v1/terminal. */
static json_t *
terminal_json(struct http_request *req, const struct store_terminal *t)
{
	const struct config *cfg = http_request_config(req);

	return json_pack("{s:I, s:s, s:o, s:s, s:o, s:I, s:I}",
	    "terminal", (json_int_t)t->id, "label", t->label,
	    "venue", venue_json(t),
	    "status", t->revoked_at != 0 ? "revoked" : t->venue_status,
	    "themes", themes_json(cfg),
	    "max_batch", (json_int_t)cfg->redemption.max_batch,
	    "server_time", (json_int_t)time(NULL));
}

/* A label for the operator's list: 1 to 64 bytes of printable text. */
static bool
label_ok(const char *label)
{
	size_t n = label != NULL ? strlen(label) : 0;
	size_t i;

	if (n == 0 || n > LABEL_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			return false;
	return true;
}

enum MHD_Result
api_terminal_enrol(struct http_request *req)
{
	uint8_t hash[STORE_HASH_SIZE], pk[32];
	const char *code, *key, *label;
	struct store_terminal t;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	json_t *doc;
	int res;

	if ((doc = api_body_object(req, &rc)) == NULL)
		return rc;
	code = json_string_value(json_object_get(doc, "code"));
	key = json_string_value(json_object_get(doc, "public_key"));
	label = json_string_value(json_object_get(doc, "label"));
	if (code == NULL) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "code: missing");
		goto done;
	}
	if (key == NULL || !pn_hex_decode(key, pk, sizeof(pk))) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "public_key: 64 "
		    "lowercase hex digits expected");
		goto done;
	}
	if (!label_ok(label)) {
		rc = http_reply_error(req, ERR_INVALID_FIELD, "label: 1 to %d "
		    "bytes without control characters", LABEL_MAX);
		goto done;
	}
	if (enrol_code_hash(code, hash) != 0) {
		/* The same answer as for a wrong code: no hint either way. */
		rc = http_reply_error(req, ERR_ENROL_CODE, "the code is not "
		    "one that can be used");
		goto done;
	}
	if ((s = worker_store(&err)) == NULL ||
	    (res = store_terminal_enrol(s, hash, pk, label, (int64_t)time(NULL),
	    &t, &err)) < 0) {
		rc = err.code == PN_E_EXISTS ?
		    http_reply_error(req, ERR_INVALID_FIELD, "public_key: %s",
		    err.message) :
		    http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		goto done;
	}
	if (res == 1)
		rc = http_reply_error(req, ERR_ENROL_CODE, "the code is not "
		    "one that can be used");
	else
		rc = http_reply_json(req, 201, terminal_json(req, &t));
done:
	json_decref(doc);
	return rc;
}

enum MHD_Result
api_terminal_info(struct http_request *req)
{
	return http_reply_json(req, 200,
	    terminal_json(req, http_request_terminal(req, NULL)));
}

enum MHD_Result
api_themes(struct http_request *req)
{
	return http_reply_json(req, 200, json_pack("{s:o}", "themes",
	    themes_json(http_request_config(req))));
}
