/* api_json.c -- reading a request body as a JSON object, for every JSON route. */
#include "api.h"

json_t *
api_body_object(struct http_request *req, enum MHD_Result *rc)
{
	json_error_t jerr;
	size_t len;
	const char *body = http_request_body(req, &len);
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);

	if (doc == NULL) {
		*rc = http_reply_error(req, ERR_MALFORMED_JSON, "line %d, "
		    "column %d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		*rc = http_reply_error(req, ERR_MALFORMED_JSON, "the body must "
		    "be a JSON object");
		return NULL;
	}
	return doc;
}
