/* ui_admin_home.c -- GET /admin: the Département's administration, one link per section.
 *
 * The sections are the table below: a section added to the
 * administration adds its line here, and the page, the menu's target,
 * lists it.
 */
#include "ui.h"

struct admin_section {
	const char *path;
	const char *title;
	const char *what;		/* one French sentence */
};

static const struct admin_section sections[] = {
	{ "/admin/lieux", "Gestion des lieux", "Ajouter, modifier, suspendre un lieu partenaire ; changer son RIB (approuvé par un second administrateur)." },
	{ "/lieu", "Lieux partenaires",
	  "Les pages de chaque lieu : ses séances, ce qui lui est dû, ses "
	  "postes." },
	{ "/admin/utilisateurs", "Utilisateurs",
	  "Les comptes : en ajouter, les désactiver, réinitialiser un mot de "
	  "passe, terminer des sessions." },
	{ "/admin/programmes", "Programmes",
	  "Valeur des chèques, carnets, validité, budget, commission, ligne "
	  "budgétaire, texte et lieux imprimés sur les carnets." },
	{ "/admin/themes", "Thèmes des séances",
	  "Les thèmes que les lieux choisissent pour leurs séances : en "
	  "ajouter, en retirer." },
	{ "/admin/agences", "Agences",
	  "Les agences qui délivrent les carnets : en ajouter, les renommer." },
	{ "/admin/candidatures", "Candidatures des lieux",
	  "Les lieux qui demandent à devenir partenaires : accepter, refuser." },
	{ "/admin/taches", "Tâches de nuit",
	  "Le dernier passage de l’expiration et de l’audit ; l’audit à la "
	  "demande." },
	{ "/admin/journal", "Journal d’audit",
	  "Qui a fait quoi, quand : filtrer, et vérifier la chaîne." },
	{ "/pilotage", "Pilotage",
	  "Le tableau de bord du programme et son bilan à imprimer." },
};

enum MHD_Result
ui_admin_home(struct http_request *req)
{
	struct html h;
	size_t i;

	html_init(&h);
	ui_begin(&h, req, "Administration");
	html_put(&h, "<ul class=\"sessions\">");
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		html_put(&h, "<li class=\"panel\"><p><a href=\"%s\"><strong>%s"
		    "</strong></a></p><p>%s</p></li>", sections[i].path,
		    sections[i].title, sections[i].what);
	html_put(&h, "</ul>");
	return ui_end(&h, req, 200);
}
