/* routes.c -- the routing table of passnumd: every route, its handler and its roles. */
#include "api.h"
#include "http.h"
#include "store.h"
#include "ui.h"

#define STAFF (ROLE_CASEWORKER | ROLE_ADMIN)
/* A venue sees its own pages; an admin any venue's, naming it (?lieu=ID). */
#define VENUE_PAGES (ROLE_VENUE | ROLE_ADMIN)
#define ANYONE_LOGGED_IN \
	(ROLE_CASEWORKER | ROLE_VENUE | ROLE_ACCOUNTANT | ROLE_ADMIN | \
	ROLE_FUNDER)
/* The dashboard: the only pages a funder sees (docs/report.md). */
#define DASHBOARD (ROLE_ACCOUNTANT | ROLE_ADMIN | ROLE_FUNDER)
#define PAGE HTTP_PAGE
#define SIGNED HTTP_SIGNED

const struct http_route http_routes[] = {
	{ "GET",  "/healthz",			api_healthz,		0, 0 },
	{ "GET",  "/metrics",			api_metrics,		0, 0 },
	{ "GET",  "/api/v1/trust",		api_trust,		0, 0 },
	{ "GET",  "/api/v1/denylist",		api_denylist,		0, 0 },
	{ "GET",  "/api/v1/checkpoint",		api_checkpoint,		0, 0 },
	{ "POST", "/api/v1/login",		api_login,		0, 0 },
	{ "POST", "/api/v1/logout",		api_logout,	ANYONE_LOGGED_IN,
	  HTTP_PASSWORD_FORM },
	{ "POST", "/api/v1/booklets",		api_booklet_issue,	STAFF, 0 },
	{ "GET",  "/api/v1/booklets/{}.pdf",	api_booklet_pdf,	STAFF, 0 },
	{ "GET",  "/api/v1/booklets/{}",	api_booklet_get,	STAFF, 0 },
	{ "POST", "/api/v1/booklets/{}/cancel",	api_booklet_cancel,	STAFF, 0 },
	{ "GET",  "/api/v1/vouchers",		api_voucher_find,	STAFF, 0 },
	{ "GET",  "/api/v1/vouchers/{}",	api_voucher_get,	STAFF, 0 },
	{ "POST", "/api/v1/vouchers/{}/cancel",	api_voucher_cancel,	STAFF, 0 },

	/* The venues' terminals: enrolment, then signed requests. */
	{ "POST", "/api/v1/terminals/enrol",	api_terminal_enrol,	0, 0 },
	{ "GET",  "/api/v1/themes",		api_themes,		0, 0 },
	{ "GET",  "/api/v1/terminal",		api_terminal_info,	0, SIGNED },
	{ "POST", "/api/v1/sessions",		api_training_declare,	0, SIGNED },
	{ "GET",  "/api/v1/sessions",		api_training_list,	0, SIGNED },
	{ "POST", "/api/v1/redemptions",	api_redeem,		0, SIGNED },
	{ "POST", "/api/v1/redemptions/batch",	api_redeem_batch,	0,
	  SIGNED | HTTP_LARGE_BODY },
	{ "POST", "/api/v1/terminal/receipts",	api_terminal_receipts,	0,
	  SIGNED | HTTP_LARGE_BODY },

	/* The caseworker pages (French HTML). */
	{ "GET",  "/",				ui_root,		0, PAGE },
	{ "GET",  "/static/passnum.css",	ui_stylesheet,		0, 0 },
	{ "GET",  "/connexion",			ui_login_form,		0, PAGE },
	{ "POST", "/connexion",			ui_login,		0, PAGE },
	{ "POST", "/deconnexion",		ui_logout,	ANYONE_LOGGED_IN,
	  PAGE | HTTP_PASSWORD_FORM },
	{ "GET",  "/accueil",			ui_home,		STAFF, PAGE },
	{ "GET",  "/carnets",			ui_booklets,		STAFF, PAGE },
	{ "GET",  "/echeances",			ui_expiring,		STAFF, PAGE },
	{ "GET",  "/carnets/nouveau",		ui_booklet_new_form,	STAFF, PAGE },
	{ "POST", "/carnets/nouveau",		ui_booklet_new,		STAFF, PAGE },
	{ "GET",  "/carnets/{}",		ui_booklet,		STAFF, PAGE },
	{ "POST", "/carnets/{}/annuler",	ui_booklet_cancel,	STAFF, PAGE },
	{ "POST", "/cheques/{}/annuler",	ui_voucher_cancel,	STAFF, PAGE },
	{ "GET",  "/recherche",			ui_search,		STAFF, PAGE },

	/* The Département's administration (admins). */
	{ "GET",  "/admin",			ui_admin_home,	ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/utilisateurs",	ui_admin_users,	ROLE_ADMIN, PAGE },
	{ "POST", "/admin/utilisateurs",	ui_admin_user_add, ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/utilisateurs/{}",	ui_admin_user,	ROLE_ADMIN, PAGE },
	{ "POST", "/admin/utilisateurs/{}/desactiver", ui_admin_user_disable,
	  ROLE_ADMIN, PAGE },
	{ "POST", "/admin/utilisateurs/{}/activer", ui_admin_user_enable,
	  ROLE_ADMIN, PAGE },
	{ "POST", "/admin/utilisateurs/{}/mot-de-passe", ui_admin_user_reset,
	  ROLE_ADMIN, PAGE },
	{ "POST", "/admin/utilisateurs/{}/sessions", ui_admin_user_sessions_end,
	  ROLE_ADMIN, PAGE },
	{ "POST", "/admin/utilisateurs/{}/jetons", ui_admin_user_tokens_revoke,
	  ROLE_ADMIN, PAGE },

	/* « Mon compte »: the one place a one-time password leads. */
#define MY_ACCOUNT (PAGE | HTTP_PASSWORD_FORM)
	{ "GET",  "/compte",			ui_account, ANYONE_LOGGED_IN,
	  MY_ACCOUNT },
	{ "POST", "/compte/mot-de-passe",	ui_account_password,
	  ANYONE_LOGGED_IN, MY_ACCOUNT },
	{ "POST", "/compte/sessions/{}/terminer", ui_account_session_end,
	  ANYONE_LOGGED_IN, MY_ACCOUNT },

	/* Partner venues: records, suspension, bank details (four-eyes). */
	{ "GET",  "/admin/agences",		ui_admin_agencies, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/agences",		ui_admin_agency_add, ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/agences/{}",		ui_admin_agency, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/agences/{}/modifier",	ui_admin_agency_edit,
	  ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/programmes",		ui_admin_programmes, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/programmes",		ui_admin_programme_add,
	  ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/programmes/{}",	ui_admin_programme, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/programmes/{}/modifier", ui_admin_programme_edit,
	  ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/themes",		ui_admin_themes, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/themes",		ui_admin_theme_add, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/themes/{}/retirer",	ui_admin_theme_retire,
	  ROLE_ADMIN, PAGE },
	{ "POST", "/admin/themes/{}/retablir",	ui_admin_theme_restore,
	  ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/lieux",		ui_admin_venues, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/lieux",		ui_admin_venue_add, ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/lieux/{}",		ui_admin_venue,	ROLE_ADMIN, PAGE },
	{ "POST", "/admin/lieux/{}/modifier",	ui_admin_venue_edit, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/lieux/{}/etat",	ui_admin_venue_status, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/lieux/{}/rib",	ui_admin_venue_bank, ROLE_ADMIN, PAGE },
	{ "POST", "/admin/lieux/{}/rib/approuver", ui_admin_venue_bank_approve,
	  ROLE_ADMIN, PAGE },

	{ "GET",  "/admin/candidatures",	ui_admin_applications,
	  ROLE_ADMIN, PAGE },
	{ "POST", "/admin/candidatures/{}/accepter", ui_admin_application_accept,
	  ROLE_ADMIN, PAGE },
	{ "POST", "/admin/candidatures/{}/refuser", ui_admin_application_refuse,
	  ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/taches",		ui_admin_jobs,	ROLE_ADMIN, PAGE },
	{ "POST", "/admin/taches/audit",	ui_admin_jobs_audit,
	  ROLE_ADMIN, PAGE },
	{ "GET",  "/admin/journal",		ui_admin_journal, ROLE_ADMIN, PAGE },
	/* A venue applies: public, with its own form token (ui_apply.c). */
	{ "GET",  "/devenir-lieu-partenaire",	ui_apply_form,		0, PAGE },
	{ "POST", "/devenir-lieu-partenaire",	ui_apply,		0, PAGE },

	/* The venue pages. */
	{ "GET",  "/lieu",			ui_venue_home,	VENUE_PAGES, PAGE },
	{ "GET",  "/lieu/sessions/{}",		ui_venue_session, VENUE_PAGES, PAGE },
	{ "GET",  "/lieu/sessions/{}/emargement.pdf", ui_venue_attendance_pdf,
	  VENUE_PAGES, PAGE },
	{ "GET",  "/lieu/sessions/{}/emargement.csv", ui_venue_attendance_csv,
	  VENUE_PAGES, PAGE },
	{ "GET",  "/lieu/conflits",		ui_venue_conflicts, VENUE_PAGES, PAGE },
	/* What a venue does from its pages is its own act: no admin. */
	{ "GET",  "/lieu/seance",		ui_venue_today_page, VENUE_PAGES, PAGE },
	{ "POST", "/lieu/seance",		ui_venue_today_open, ROLE_VENUE, PAGE },
	{ "GET",  "/lieu/encaisser",		ui_venue_redeem_page, VENUE_PAGES, PAGE },
	{ "POST", "/lieu/encaisser",		ui_venue_redeem_typed, ROLE_VENUE, PAGE },
	{ "POST", "/lieu/encaisser/photo",	ui_venue_redeem_photo, ROLE_VENUE,
	  PAGE | HTTP_UPLOAD },
	{ "GET",  "/lieu/postes",		ui_venue_terminals, VENUE_PAGES, PAGE },
	{ "POST", "/lieu/postes",		ui_venue_terminal_add, VENUE_PAGES, PAGE },
	{ "POST", "/lieu/postes/{}/revoquer",	ui_venue_terminal_revoke,
	  VENUE_PAGES, PAGE },
	{ "POST", "/lieu/contestations/{}/repondre", ui_venue_dispute_answer,
	  VENUE_PAGES, PAGE | HTTP_UPLOAD },
	{ "GET",  "/lieu/contestations/reponses/{}/piece", ui_dispute_attachment,
	  VENUE_PAGES, PAGE },

	/* The funder's report, for accounting. */
	{ "GET",  "/compta/bilan",		ui_report,
	  ROLE_ACCOUNTANT | ROLE_ADMIN, PAGE },
	{ "GET",  "/compta/bilan.csv",		ui_report_csv,
	  ROLE_ACCOUNTANT | ROLE_ADMIN, PAGE },
	{ "GET",  "/pilotage",			ui_dashboard,	DASHBOARD, PAGE },
	{ "GET",  "/pilotage.csv",		ui_dashboard_csv, DASHBOARD, PAGE },
	{ "GET",  "/pilotage/bilan.pdf",	ui_dashboard_pdf, DASHBOARD, PAGE },
	{ "GET",  "/lieu/releves",		ui_venue_statements, VENUE_PAGES, PAGE },
	{ "GET",  "/lieu/releves/{}.pdf",	ui_venue_statement_pdf, VENUE_PAGES, PAGE },

	/* The accounting pages: settlement batches and disputes, for
	 * accountants and admins standing in for them. */
#define ACCOUNTING (ROLE_ACCOUNTANT | ROLE_ADMIN)
	{ "GET",  "/compta",			ui_compta,		ACCOUNTING, PAGE },
	{ "POST", "/compta/lots",		ui_compta_draft,	ACCOUNTING, PAGE },
	{ "GET",  "/compta/lots/{}",		ui_compta_batch,	ACCOUNTING, PAGE },
	{ "POST", "/compta/lots/{}/approuver",	ui_compta_approve,	ACCOUNTING, PAGE },
	{ "POST", "/compta/lots/{}/payer",	ui_compta_paid,		ACCOUNTING, PAGE },
	{ "POST", "/compta/lots/{}/rejeter",	ui_compta_reject,	ACCOUNTING, PAGE },
	{ "POST", "/compta/lots/{}/retenir",	ui_compta_hold,		ACCOUNTING, PAGE },
	{ "GET",  "/compta/lots/{}/fichiers/{}", ui_compta_file,	ACCOUNTING, PAGE },
	{ "GET",  "/compta/contestations",	ui_compta_disputes,	ACCOUNTING, PAGE },
	{ "POST", "/compta/contestations",	ui_compta_dispute_open,	ACCOUNTING, PAGE },
	{ "POST", "/compta/contestations/{}",	ui_compta_dispute_resolve, ACCOUNTING, PAGE },
	{ "GET",  "/compta/contestations/reponses/{}/piece", ui_dispute_attachment,
	  ACCOUNTING, PAGE },
};

const size_t http_routes_count = sizeof(http_routes) / sizeof(http_routes[0]);

enum MHD_Result (*const http_page_error)(struct http_request *req,
    enum err_code code, const char *detail) = ui_error_page;
