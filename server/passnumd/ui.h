/* ui.h -- the caseworker and venue pages: French, server-rendered HTML, no script.
 *
 * One file per page (ui_<page>.c); ui_layout.c holds what every page
 * shares: the frame, the style sheet, the error page; ui_venue.c what the
 * venue pages share.
 */
#ifndef PN_UI_H
#define PN_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/money.h"
#include "errors.h"
#include "html.h"
#include "http.h"
#include "store.h"

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

/* The value of the posted form's field name, or NULL (none, or no form). */
const char *ui_field(struct http_request *req, const char *name);

/* A hidden field with the session's CSRF token, for a form. */
void ui_csrf_field(struct html *h, struct http_request *req);

/* A voucher's or booklet's status in French ("Valide", "Annulé"...). */
const char *ui_status_label(const char *status);

/*
 * A day kept as "2026-12-06" (a bank's date, a batch's execution date)
 * as pages write it, "06/12/2026", into buf; anything else is copied.
 */
void ui_day(const char *iso, char *buf, size_t len);

/* The "{}" of the route as a positive number, or 0 when it is not one. */
uint64_t ui_param_id(struct http_request *req);

struct op_ctx;

/* Where who's pages start: "/lieu" for a venue user, else "/accueil". */
const char *ui_home_path(const struct store_principal *who);

enum MHD_Result ui_stylesheet(struct http_request *req);	/* GET /static/passnum.css */
enum MHD_Result ui_root(struct http_request *req);		/* GET / */

/* ui_login.c */
enum MHD_Result ui_login_form(struct http_request *req);	/* GET /connexion */
enum MHD_Result ui_login(struct http_request *req);		/* POST /connexion */
enum MHD_Result ui_logout(struct http_request *req);		/* POST /deconnexion */

/* ui_programmes.c: the programmes a page offers to choose from. */
struct ui_programmes {
	struct html html;		/* the <option>s, once listed */
	int64_t selected;		/* the one selected; 0: none */
	int64_t latest;			/* the latest recorded; 0: none */
	unsigned n;
};

/* Count the programmes into c (n, latest). 0, or -1 with err. */
int ui_programmes_count(struct store *s, struct ui_programmes *c,
    struct pn_error *err);

/* Their <option>s into c->html, c->selected selected (html_free() it). 0, or -1. */
int ui_programmes_options(struct store *s, struct ui_programmes *c,
    struct pn_error *err);

/* ui_reauth.c: the logged-in person's password typed again. */
enum ui_reauth {
	UI_REAUTH_OK,
	UI_REAUTH_MISSING,	/* nothing typed */
	UI_REAUTH_WRONG,	/* counted as a failed login */
	UI_REAUTH_THROTTLED,	/* Retry-After added; *wait seconds */
	UI_REAUTH_FAILED	/* the store: err set */
};

/*
 * Check password as a login of cx->who from the request's address
 * (session_password_check(): counted, throttled); on success the
 * account's failures from this address are cleared.
 */
enum ui_reauth ui_reauth(struct http_request *req, struct store *s,
    const struct op_ctx *cx, const char *password, unsigned *wait,
    struct pn_error *err);

/*
 * The French sentence of a refused re-authentication r (after *wait
 * seconds when throttled) into buf, and its status: 400, 401, 429; 200
 * and "" when r is not a refusal.
 */
unsigned ui_reauth_message(enum ui_reauth r, unsigned wait, char *buf,
    size_t len);

/*
 * The field "motdepasse" where the logged-in person types their
 * password again, of control id, with hint, and error when not NULL/"".
 */
void ui_reauth_field(struct html *h, const char *id, const char *hint,
    const char *error);

/* The administration's agencies (ui_admin_agencies.c). */
enum MHD_Result ui_admin_agencies(struct http_request *req);	/* GET /admin/agences */
enum MHD_Result ui_admin_agency_add(struct http_request *req);	/* POST /admin/agences */
enum MHD_Result ui_admin_agency(struct http_request *req);	/* GET /admin/agences/{id} */
enum MHD_Result ui_admin_agency_edit(struct http_request *req);	/* POST .../{id}/modifier */

/* The administration's programmes (ui_admin_programmes.c). */
enum MHD_Result ui_admin_programmes(struct http_request *req);	/* GET /admin/programmes */
enum MHD_Result ui_admin_programme_add(struct http_request *req);	/* POST /admin/programmes */
enum MHD_Result ui_admin_programme(struct http_request *req);	/* GET /admin/programmes/{id} */
enum MHD_Result ui_admin_programme_edit(struct http_request *req);	/* POST .../{id}/modifier */

/* The session themes (ui_themes.c): the admins' page... */
enum MHD_Result ui_admin_themes(struct http_request *req);	/* GET /admin/themes */
enum MHD_Result ui_admin_theme_add(struct http_request *req);	/* POST /admin/themes */
enum MHD_Result ui_admin_theme_retire(struct http_request *req);	/* POST .../{id}/retirer */
enum MHD_Result ui_admin_theme_restore(struct http_request *req);	/* POST .../{id}/retablir */

/* ...the <option>s of the themes offered, selected's chosen... */
int ui_theme_options(struct html *h, const char *selected,
    struct pn_error *err);

/* ...their checkboxes "theme-ID", ticked as in f (NULL: none)... */
struct form;
int ui_theme_boxes(struct html *h, const struct form *f,
    struct pn_error *err);

/* ...and the names of those ticked in f, one a line, into buf. 0, -1. */
int ui_themes_ticked(const struct form *f, char *buf, size_t len,
    struct pn_error *err);

/*
 * The history of an agency's or a programme's setup (object "agency:2",
 * "programme:3"), newest first, as a section of h: who changed what,
 * before and after, in French (ui_setup_history.c). 0, or -1 with err.
 */
int ui_setup_history(struct html *h, struct store *s, const char *object,
    struct pn_error *err);

/* A validity rule's text ("year-end+31", "days:90") in French. */
void ui_validity_text(const char *rule, char *buf, size_t len);

/* A commission in basis points as a French percentage ("2,5 %"). */
void ui_commission_text(unsigned bp, char *buf, size_t len);

/* ui_admin_home.c: GET /admin, the administration's sections */
enum MHD_Result ui_admin_home(struct http_request *req);

/* The administration's users (ui_admin_users.c). */
enum MHD_Result ui_admin_users(struct http_request *req);	/* GET /admin/utilisateurs */
enum MHD_Result ui_admin_user_add(struct http_request *req);	/* POST /admin/utilisateurs */
enum MHD_Result ui_admin_user(struct http_request *req);	/* GET /admin/utilisateurs/{id} */
enum MHD_Result ui_admin_user_disable(struct http_request *req);	/* POST .../{id}/desactiver */
enum MHD_Result ui_admin_user_enable(struct http_request *req);	/* POST .../{id}/activer */
enum MHD_Result ui_admin_user_reset(struct http_request *req);	/* POST .../{id}/mot-de-passe */
enum MHD_Result ui_admin_user_sessions_end(struct http_request *req);	/* POST .../{id}/sessions */
enum MHD_Result ui_admin_user_tokens_revoke(struct http_request *req);	/* POST .../{id}/jetons */

/* « Mon compte », for every logged-in role (ui_account.c). */
enum MHD_Result ui_account(struct http_request *req);		/* GET /compte */
enum MHD_Result ui_account_password(struct http_request *req);	/* POST /compte/mot-de-passe */
enum MHD_Result ui_account_session_end(struct http_request *req);	/* POST /compte/sessions/{id}/terminer */

/* The admins' venue pages (ui_admin_venues.c). */
enum MHD_Result ui_admin_venues(struct http_request *req);	/* GET /admin/lieux */
enum MHD_Result ui_admin_venue_add(struct http_request *req);	/* POST /admin/lieux */
enum MHD_Result ui_admin_venue(struct http_request *req);	/* GET /admin/lieux/{id} */
enum MHD_Result ui_admin_venue_edit(struct http_request *req);	/* POST .../modifier */
enum MHD_Result ui_admin_venue_status(struct http_request *req);	/* POST .../etat */
enum MHD_Result ui_admin_venue_bank(struct http_request *req);	/* POST .../rib */
enum MHD_Result ui_admin_venue_bank_approve(struct http_request *req); /* POST .../rib/approuver */

/* ui_admin_jobs.c: « Tâches de nuit » */
enum MHD_Result ui_admin_jobs(struct http_request *req);	/* GET /admin/taches */
enum MHD_Result ui_admin_jobs_audit(struct http_request *req);	/* POST /admin/taches/audit */

/* ui_admin_journal.c: GET /admin/journal, the audit log */
enum MHD_Result ui_admin_journal(struct http_request *req);

/* ui_apply.c: the public page « Devenir lieu partenaire » */
enum MHD_Result ui_apply_form(struct http_request *req);	/* GET /devenir-lieu-partenaire */
enum MHD_Result ui_apply(struct http_request *req);		/* POST /devenir-lieu-partenaire */

/* ui_admin_applications.c: the admin's queue of applications */
enum MHD_Result ui_admin_applications(struct http_request *req);	/* GET /admin/candidatures */
enum MHD_Result ui_admin_application_accept(struct http_request *req);	/* POST .../{id}/accepter */
enum MHD_Result ui_admin_application_refuse(struct http_request *req);	/* POST .../{id}/refuser */

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
enum MHD_Result ui_booklets(struct http_request *req);		/* GET /carnets */
enum MHD_Result ui_expiring(struct http_request *req);		/* GET /echeances */

/*
 * A booklet's state (store_booklet_summary.state) in the caseworker's
 * words: "En cours", "Épuisé", "Expiré", "Terminé", "Annulé".
 */
const char *ui_booklet_state_label(const char *state);

/*
 * Where voucher v stands, for a caseworker: "Utilisé le 06/12/2026 à
 * <venue> — <theme>" (the session's date in Paris) when it was used,
 * whether the venue is paid yet ("settled") or not, else the word of
 * ui_status_label().
 */
void ui_voucher_use(struct html *h, struct store *s,
    const struct store_voucher *v);

/* An error of a form's field, for ui_error_summary(). */
struct ui_field_error {
	const char *field;		/* the form's name; NULL: the whole form */
	const char *id;			/* the control to link to; NULL: no link */
	const char *message;		/* French */
};

/*
 * Above a form: the n errors e (none: nothing), each a link to its
 * field, in one box that screen readers announce (ui_error_summary.c).
 */
void ui_error_summary(struct html *h, const struct ui_field_error *e,
    size_t n);

/* The error of field among e[0..n), or NULL. */
const struct ui_field_error *ui_field_error_of(const struct ui_field_error *e,
    size_t n, const char *field);

/*
 * A form's fields as typed and their errors (ui_form.c): each error is
 * at its control (whose id is the field's name) and in the summary.
 */
#define UI_FORM_ERRORS 16
struct ui_form {
	struct ui_field_error e[UI_FORM_ERRORS];
	char msg[UI_FORM_ERRORS][256];
	size_t n;
};

/* Record an error of field, a French sentence; beyond the 16th, none. */
void ui_form_error(struct ui_form *f, const char *field, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* A form's value, "" when absent. */
const char *ui_form_value(struct http_request *req, const char *name);

/* A required text of one line, 1 to max bytes; label names it. */
void ui_form_line(struct ui_form *f, const char *field, const char *text,
    size_t max, const char *label);

/* A labelled input id (its hint, its error before it, its value kept). */
void ui_form_input(struct html *h, const struct ui_form *f, const char *id,
    const char *label, const char *hint, const char *type, const char *val,
    const char *extra);

/* A labelled textarea id of maxlength bytes, likewise. */
void ui_form_textarea(struct html *h, const struct ui_form *f, const char *id,
    const char *label, const char *hint, const char *val, unsigned maxlength);

/* --- The venue pages --------------------------------------------------- */

/*
 * The venue a venue page is about: a venue user's own, always (whatever
 * the query says); for an admin, the one of "?lieu=ID", which every link
 * of the page then carries on.
 */
struct ui_venue {
	struct store_venue v;
	char param[32];			/* "lieu=ID" for an admin, else "" */
};

/*
 * Find the venue of req into *uv. Returns 0, or -1 after replying with
 * *rc: an error page (a venue user without a venue, an unknown venue),
 * or, for an admin who named no venue, the list of venues to choose from
 * when list_if_none, else a redirect to /lieu.
 */
int ui_venue_resolve(struct http_request *req, struct store *s,
    bool list_if_none, struct ui_venue *uv, enum MHD_Result *rc);

/*
 * The link to path (with query, which may be NULL: "mois=2026-11") for
 * uv's pages, into buf: the admin's "lieu=ID" added. Text, to be put in
 * an attribute with "%s" (which escapes the "&").
 */
void ui_venue_href(const struct ui_venue *uv, const char *path,
    const char *query, char *buf, size_t len);

/* The venue's name, SIRET, commune, status; its suspension in an alert. */
void ui_venue_banner(struct html *h, const struct ui_venue *uv);

/* The same in one line, for the pages used on a phone during a session. */
void ui_venue_banner_short(struct html *h, const struct ui_venue *uv);

/* "novembre 2026" for month 11 (1-12) of 2026. */
void ui_month_name(int year, int month, char *buf, size_t len);

/*
 * Where a voucher's money stands, in the venue's words, with a link to
 * the statement of its batch when there is one: "Payé le 10/12/2026 (lot
 * PN-2026-11-01, référence bancaire VIR1)".
 */
void ui_money_label(struct html *h, const struct ui_venue *uv,
    const struct store_venue_money *m);

/* A group of vouchers said in the same words, and their sum. */
struct ui_money_group {
	struct store_venue_money m;	/* the first of them */
	unsigned vouchers;
	int64_t cents;
};

/* The money of a month or a session, by group; zeroed to start. */
struct ui_money {
	int64_t session_id;		/* the caller's, when per session */
	struct ui_money_group *g;
	size_t n, cap;
	unsigned vouchers;
	int64_t cents;
};

/* Count m in mo. 0, or -1 out of memory or past int64_t. */
int ui_money_add(struct ui_money *mo, const struct store_venue_money *m);

/* Free mo's groups (mo may be NULL); mo is then empty. */
void ui_money_free(struct ui_money *mo);

/* mo as a table: state, vouchers, amount, and the total (id: caption's). */
void ui_money_table(struct html *h, const struct ui_venue *uv,
    const struct ui_money *mo, const char *id, const char *caption);

/* mo as a list, for a cell of a table. */
void ui_money_list(struct html *h, const struct ui_venue *uv,
    const struct ui_money *mo);

/* ui_venue_today.c: « Séance en cours » */

/* The sessions of a venue that start today in Paris, or still run. */
#define UI_TODAY_MAX 32
struct ui_today {
	struct store_venue_session t[UI_TODAY_MAX];
	size_t n;
};

/* Today's sessions of venue_id at now, the first UI_TODAY_MAX. 0, or -1. */
int ui_venue_today(struct store *s, int64_t venue_id, int64_t now,
    struct ui_today *out, struct pn_error *err);

/* A voucher may be taken in t at now (honest_in_session_hours()). */
bool ui_session_running(const struct store_venue_session *t, int64_t now);

enum MHD_Result ui_venue_today_page(struct http_request *req);	/* GET /lieu/seance */
enum MHD_Result ui_venue_today_open(struct http_request *req);	/* POST /lieu/seance */

/* ui_venue_redeem.c: « Encaisser un chèque » */
enum MHD_Result ui_venue_redeem_page(struct http_request *req);	/* GET /lieu/encaisser */
enum MHD_Result ui_venue_redeem_typed(struct http_request *req);	/* POST /lieu/encaisser */
enum MHD_Result ui_venue_redeem_photo(struct http_request *req);	/* POST /lieu/encaisser/photo */

enum MHD_Result ui_venue_home(struct http_request *req);	/* GET /lieu */
enum MHD_Result ui_venue_session(struct http_request *req);	/* GET /lieu/sessions/{id} */
enum MHD_Result ui_venue_conflicts(struct http_request *req);	/* GET /lieu/conflits */

/* ui_venue_terminals.c: the venue's « Postes » */
enum MHD_Result ui_venue_terminals(struct http_request *req);	/* GET /lieu/postes */
enum MHD_Result ui_venue_terminal_add(struct http_request *req);	/* POST /lieu/postes */
enum MHD_Result ui_venue_terminal_revoke(struct http_request *req);	/* POST /lieu/postes/{id}/revoquer */

/* ui_venue_dispute.c: a venue's answers to a dispute, and their files */

/* A refused answer, to show again at its dispute's form. */
struct ui_answer_sent {
	int64_t dispute;
	enum err_code code;
	const char *bad;		/* "reponse", "piece", or NULL */
	const char *text;		/* as typed */
	size_t limit;			/* the attachment's, for its message */
};

/*
 * The page of session id (GET /lieu/sessions/{id}) for uv, with the
 * refused answer x at its dispute's form (NULL: none).
 */
enum MHD_Result ui_venue_session_show(struct http_request *req,
    uint64_t id, const struct ui_answer_sent *x);

/* "850 octets", "12 ko", "1,2 Mo": a file's size for people. */
void ui_file_size(int64_t bytes, char *buf, size_t len);

/*
 * The answers to dispute_id (of venue_id's disputes when not 0) as a
 * list: text, when, by whom, and the attachment's name, size and link
 * (prefix "/compta" or "/lieu", then query, e.g. the admin's "lieu=ID",
 * or NULL). The number of answers, or -1 with err.
 */
int ui_dispute_answers(struct html *h, struct store *s, int64_t dispute_id,
    int64_t venue_id, const char *prefix, const char *query,
    struct pn_error *err);

/* POST /lieu/contestations/{id}/repondre */
enum MHD_Result ui_venue_dispute_answer(struct http_request *req);
/* GET /lieu/contestations/reponses/{id}/piece, /compta/... */
enum MHD_Result ui_dispute_attachment(struct http_request *req);

/* ui_venue_attendance.c: GET /lieu/sessions/{id}/emargement.pdf, .csv */
enum MHD_Result ui_venue_attendance_pdf(struct http_request *req);
enum MHD_Result ui_venue_attendance_csv(struct http_request *req);

/* --- The funder's report (accountants and admins) ---------------------- */

enum MHD_Result ui_report(struct http_request *req);		/* GET /compta/bilan */
enum MHD_Result ui_report_csv(struct http_request *req);	/* GET /compta/bilan.csv */

/* --- The dashboard (accountants, admins, the funder) ------------------- */

enum MHD_Result ui_dashboard(struct http_request *req);		/* GET /pilotage */
enum MHD_Result ui_dashboard_csv(struct http_request *req);	/* GET /pilotage.csv */
enum MHD_Result ui_dashboard_pdf(struct http_request *req);	/* GET /pilotage/bilan.pdf */

struct dashboard;

/*
 * The dashboard d as the page shows it below its form: the figures and
 * every table (what ui_dashboard() renders, and bench_dashboard times).
 */
void ui_dashboard_body(struct html *h, const struct dashboard *d);

/* --- The accounting pages (settlement) and the venues' statements ------- */

/*
 * The alert above a form refused with code: its French message as a
 * sentence and, for an admin only, folded in « Détails techniques », the
 * detail the refusal gave in English (detail may be NULL or "").
 */
void ui_compta_alert(struct html *h, struct http_request *req,
    enum err_code code, const char *detail);

/*
 * The attributes of the control id: aria-invalid when invalid, and
 * aria-describedby naming its hint (NULL: none) and, when invalid, its
 * message "id-error" (put by ui_compta_field_error()).
 */
void ui_compta_field_attrs(struct html *h, const char *id, const char *hint,
    bool invalid);

/* The message "id-error" of the control id, when invalid. */
void ui_compta_field_error(struct html *h, const char *id, bool invalid,
    const char *message);

/* The period's French name, or its text when it no longer parses. */
void ui_compta_period_label(struct http_request *req, const char *text,
    char *buf, size_t len);

/*
 * An alert box listing the terminals suspended pending review (venue,
 * terminal, date, reason), when there are some: for accountants and
 * admins. 0, or -1 with err when the store fails.
 */
int ui_suspended_terminals(struct html *h, struct store *s,
    struct pn_error *err);

/*
 * ui_alarms.c: an alert box listing the open integrity alarms (number,
 * date, nature, detail), when there are some: for accountants and
 * admins. 0, or -1 with err when the store fails.
 */
int ui_integrity_alarms(struct html *h, struct store *s,
    struct pn_error *err);

/* ui_compta.c */
enum MHD_Result ui_compta(struct http_request *req);		/* GET /compta */
enum MHD_Result ui_compta_draft(struct http_request *req);	/* POST /compta/lots */

/* ui_compta_batch.c */
enum MHD_Result ui_compta_batch(struct http_request *req);	/* GET /compta/lots/{ref} */
enum MHD_Result ui_compta_approve(struct http_request *req);	/* POST /compta/lots/{ref}/approuver */
enum MHD_Result ui_compta_paid(struct http_request *req);	/* POST /compta/lots/{ref}/payer */
enum MHD_Result ui_compta_reject(struct http_request *req);	/* POST /compta/lots/{ref}/rejeter */
enum MHD_Result ui_compta_hold(struct http_request *req);	/* POST /compta/lots/{ref}/retenir */
enum MHD_Result ui_compta_file(struct http_request *req);	/* GET /compta/lots/{ref}/fichiers/{id} */

/* ui_compta_disputes.c */
enum MHD_Result ui_compta_disputes(struct http_request *req);	/* GET /compta/contestations */
enum MHD_Result ui_compta_dispute_open(struct http_request *req);	/* POST /compta/contestations */
enum MHD_Result ui_compta_dispute_resolve(struct http_request *req);	/* POST /compta/contestations/{id} */

/* ui_venue_statements.c */
enum MHD_Result ui_venue_statements(struct http_request *req);	/* GET /lieu/releves */
enum MHD_Result ui_venue_statement_pdf(struct http_request *req);	/* GET /lieu/releves/{ref}.pdf */

#endif
