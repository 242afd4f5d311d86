/* form_multipart.h -- multipart/form-data bodies (a form with a file), read with libmicrohttpd's post processor. */
#ifndef PN_FORM_MULTIPART_H
#define PN_FORM_MULTIPART_H

#include <stddef.h>

#include <microhttpd.h>

#include "form.h"

/*
 * Decode body (len bytes), the multipart/form-data body of the request on
 * conn (whose Content-Type names the boundary), into f: its text fields
 * as form_parse() gives them (UTF-8, no NUL, no repeated name, at most
 * FORM_FIELDS_MAX), and at most FORM_FILES_MAX files, each field named
 * once. A text field has at most FORM_MULTIPART_TEXT_MAX bytes. -1 with a
 * message in err naming what was wrong; 0 on success, form_free() then
 * releases *f.
 */
int form_multipart_parse(struct MHD_Connection *conn, const char *body,
    size_t len, struct form *f, char *err, size_t errlen);

#define FORM_MULTIPART_TEXT_MAX 65536

#endif
