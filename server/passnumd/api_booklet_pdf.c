/* api_booklet_pdf.c -- GET /api/v1/booklets/{id}.pdf: the booklet to print and hand over.
 *
 * The same booklet, with the same visibility, as GET /api/v1/booklets/{id},
 * rendered by booklet_pdf() with the programme's cover texts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "booklet_pdf.h"
#include "store.h"

enum MHD_Result
api_booklet_pdf(struct http_request *req)
{
	struct store_booklet *b;
	struct store_programme *p = NULL;
	struct booklet_codes *codes = NULL;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	char disposition[64];
	uint8_t *pdf;
	size_t len;
	unsigned i;
	int res;

	if ((b = malloc(sizeof(*b))) == NULL)
		return http_reply_error(req, ERR_INTERNAL, "out of memory");
	if (api_booklet_load(req, b, &s, &rc) != 0)
		goto done;
	if ((p = malloc(sizeof(*p))) == NULL ||
	    (codes = calloc(STORE_BOOKLET_MAX, sizeof(*codes))) == NULL) {
		rc = http_reply_error(req, ERR_INTERNAL, "out of memory");
		goto done;
	}
	if ((res = store_programme_get(s, b->programme_id, p, &err)) < 0) {
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		goto done;
	}
	if (res == 1) {
		/* The schema's foreign key makes this a broken database. */
		rc = http_reply_error(req, ERR_INTERNAL, "booklet %lld: "
		    "programme %lld is missing", (long long)b->id,
		    (long long)b->programme_id);
		goto done;
	}
	for (i = 0; i < b->n; i++)
		booklet_codes(b, &b->vouchers[i], &codes[i]);
	if (booklet_pdf(b, p, codes, NULL, &pdf, &len, &err) != 0) {
		rc = http_reply_error(req, ERR_PRINT_FAILED, "%s", err.message);
		goto done;
	}
	(void)snprintf(disposition, sizeof(disposition),
	    "inline; filename=\"carnet-%lld.pdf\"", (long long)b->id);
	rc = http_reply_document(req, 200, "application/pdf", disposition,
	    pdf, len);
done:
	free(codes);
	free(p);
	free(b);
	return rc;
}
