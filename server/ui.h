/* ui.h -- the caseworker pages: French, server-rendered HTML, no script.
 *
 * One file per page (ui_<page>.c); ui_layout.c holds what every page
 * shares: the frame, the style sheet, the error page.
 */
#ifndef PN_UI_H
#define PN_UI_H

#include <stdint.h>

#include "passnum/money.h"
#include "errors.h"
#include "html.h"
#include "http.h"

/* ui_layout.c */

/*
 * Open a page titled title: the document head, the banner with the
 * logged-in person and the logout button (with its CSRF token), and the
 * start of <main>.
 */
void ui_begin(struct html *h, struct http_request *req, const char *title);

/* Close the page and reply with it. */
enum MHD_Result ui_end(struct html *h, struct http_request *req,
    unsigned status);

/* A page that says, in French, why the request was refused. */
enum MHD_Result ui_error_page(struct http_request *req, enum err_code code,
    const char *detail);

/* A hidden field with the session's CSRF token, for a form. */
void ui_csrf_field(struct html *h, struct http_request *req);

/* A voucher's or booklet's status in French ("Valide", "Annulé"...). */
const char *ui_status_label(const char *status);

/* The "{}" of the route as a positive number, or 0 when it is not one. */
uint64_t ui_param_id(struct http_request *req);

enum MHD_Result ui_stylesheet(struct http_request *req);	/* GET /static/passnum.css */
enum MHD_Result ui_root(struct http_request *req);		/* GET / */

/* ui_login.c */
enum MHD_Result ui_login_form(struct http_request *req);	/* GET /connexion */
enum MHD_Result ui_login(struct http_request *req);		/* POST /connexion */
enum MHD_Result ui_logout(struct http_request *req);		/* POST /deconnexion */

/* ui_home.c */
enum MHD_Result ui_home(struct http_request *req);		/* GET /accueil */

/* ui_booklet_new.c */
enum MHD_Result ui_booklet_new_form(struct http_request *req);	/* GET /carnets/nouveau */
enum MHD_Result ui_booklet_new(struct http_request *req);	/* POST /carnets/nouveau */

/* ui_booklet.c */
enum MHD_Result ui_booklet(struct http_request *req);		/* GET /carnets/{id} */
enum MHD_Result ui_booklet_cancel(struct http_request *req);	/* POST /carnets/{id}/annuler */
enum MHD_Result ui_voucher_cancel(struct http_request *req);	/* POST /cheques/{serial}/annuler */

/* ui_search.c */
enum MHD_Result ui_search(struct http_request *req);		/* GET /recherche */

#endif
