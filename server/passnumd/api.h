/* api.h -- the handlers of passnumd's routes, one file per resource. */
#ifndef PN_API_H
#define PN_API_H

#include "http.h"

/* api_json.c: the body as a JSON object (a new reference), or NULL once answered 400 (*rc). */
json_t *api_body_object(struct http_request *req, enum MHD_Result *rc);

/* api_health.c */
enum MHD_Result api_healthz(struct http_request *req);
enum MHD_Result api_metrics(struct http_request *req);

/* api_trust.c */
enum MHD_Result api_trust(struct http_request *req);

/* api_booklets.c */
enum MHD_Result api_booklet_issue(struct http_request *req);
enum MHD_Result api_booklet_get(struct http_request *req);

struct store;
struct store_booklet;

/*
 * Load the booklet whose number is the route's first parameter into *b,
 * as the requester may see it (a caseworker: their own agency's only),
 * and the worker's store into *s. Returns 0; or -1 once it has answered
 * (404 for a booklet that is not there or not theirs, 503), *rc holding
 * what to return.
 */
int api_booklet_load(struct http_request *req, struct store_booklet *b,
    struct store **s, enum MHD_Result *rc);

/* api_booklet_pdf.c */
enum MHD_Result api_booklet_pdf(struct http_request *req);

/* api_vouchers.c */
enum MHD_Result api_voucher_cancel(struct http_request *req);
enum MHD_Result api_booklet_cancel(struct http_request *req);
enum MHD_Result api_voucher_get(struct http_request *req);
enum MHD_Result api_voucher_find(struct http_request *req);

/* api_session.c */
enum MHD_Result api_login(struct http_request *req);
enum MHD_Result api_logout(struct http_request *req);

/* api_denylist.c */
enum MHD_Result api_denylist(struct http_request *req);

/* api_checkpoint.c */
enum MHD_Result api_checkpoint(struct http_request *req);

/* api_terminals.c */
enum MHD_Result api_terminal_enrol(struct http_request *req);
enum MHD_Result api_terminal_info(struct http_request *req);
enum MHD_Result api_themes(struct http_request *req);

/* api_training.c */
enum MHD_Result api_training_declare(struct http_request *req);
enum MHD_Result api_training_list(struct http_request *req);

/* api_redeem.c */
enum MHD_Result api_redeem(struct http_request *req);
enum MHD_Result api_redeem_batch(struct http_request *req);

/* api_receipts.c */
enum MHD_Result api_terminal_receipts(struct http_request *req);

#endif
