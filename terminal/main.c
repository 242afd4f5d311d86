/* main.c -- passnum-terminal: dispatch to the venue client's subcommands. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "passnum/passnum.h"
#include "terminal.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "enrol", term_enrol,
	  "enrol --server URL --code CODE [--ca FILE] [--label TEXT] "
	  "[--master PUB]" },
	{ "scan", term_scan,
	  "scan [--session ID] [--image FILE | --camera /dev/videoN] "
	  "[--kiosk]" },
	{ "redeem", term_redeem, "redeem CODE [--key KEY] [--session ID]" },
	{ "verify", term_verify,
	  "verify CODE [--bundle FILE [--master PUB] [--denylist FILE]...] "
	  "[--at TIME]" },
	{ "sync", term_sync, "sync [--retries N]" },
	{ "status", term_status, "status" },
	{ "history", term_history, "history [--limit N]" },
	{ "receipts", term_receipts, "receipts" },
	{ "session", term_session,
	  "session open [--theme N] [--start TIME] [--duration MIN]\n"
	  "  session list" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "Utilisation : passnum-terminal COMMANDE [OPTIONS] "
	    "[--data DIR]\n\nCommandes :\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].summary);
	fprintf(out, "\nCODE est le texte scanné (entre guillemets : il peut "
	    "contenir des espaces\net $ %% *), ou le numéro imprimé tapé à "
	    "la main avec la clé de contrôle\nimprimée à côté "
	    "(\"0000 0012 3456 7 K7QM-4XRT\", ou le numéro et\n--key "
	    "K7QM-4XRT ; vérifié par le serveur, en ligne seulement), ou - "
	    "pour\nlire une ligne au clavier. --data DIR indique le dossier "
	    "des données (par\ndéfaut $XDG_DATA_HOME/passnum-terminal, "
	    "sinon ~/.local/share/passnum-terminal).\n\n"
	    "Codes de sortie :\n"
	    "  0  accepté par le serveur (verify : chèque valable ; autres "
	    "commandes : fait)\n"
	    "  1  dossier des données, clé, clés du Département, liste des "
	    "annulés ou journal\n     inutilisable\n"
	    "  2  arguments incorrects\n"
	    "  3  accepté hors ligne, à confirmer à la synchronisation "
	    "(session open : séance\n     pas encore déclarée)\n"
	    "  4  refusé par le serveur : déjà utilisé ailleurs, ou un code "
	    "de refus\n"
	    "  5  le serveur est nécessaire et injoignable (chèque tapé : "
	    "rien de gardé,\n     ou gardé en attente si sa réponse s'est "
	    "perdue)\n"
	    "  6  aucun poste inscrit dans ce dossier\n"
	    "  7  hors ligne, et la liste des annulés est trop ancienne pour "
	    "accepter\n"
	    "  8  poste suspendu (trop de clés de contrôle erronées, code "
	    "4009) : rien n'est\n     pris ni envoyé avant que le "
	    "Département le réactive\n"
	    "  9  poste inscrit mais journal absent ou vide : des "
	    "encaissements hors ligne\n     ont pu être perdus ; restaurez "
	    "journal.sqlite ou appelez le Département,\n     ne réinscrivez "
	    "jamais le poste\n"
	    "  10 code illisible, ou numéro tapé ou clé absents ou mal "
	    "tapés,\n"
	    "  11 clé inconnue ou révoquée, 12 falsifié,\n"
	    "  13 expiré ou pas encore valable, 14 autre programme,\n"
	    "  15 annulé ou déjà utilisé (liste des annulés, ou journal de "
	    "ce poste)\n"
	    "  16 l'horloge du poste et celle du serveur diffèrent de plus "
	    "de 5 minutes\n     (code 4005) : encaissements et séances "
	    "gardés ; le terminal dit laquelle\n     semble fausse\n"
	    "  17 sync : le serveur a refusé la déclaration d'une séance\n"
	    "  18 sync : des encaissements perdus par le serveur, renvoyés "
	    "depuis les reçus\n     de ce poste, ne peuvent pas être "
	    "rétablis : le Département est prévenu\n"
	    "Voir docs/terminal.md.\n");
}

void
term_bad_option(const char *cmd, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] :
	    "?";

	/* getopt's own messages are English: it is silenced in main(). */
	if (optopt != 0)
		fprintf(stderr, "passnum-terminal %s : il manque la valeur "
		    "de %s. Voir passnum-terminal --help.\n", cmd, arg);
	else
		fprintf(stderr, "passnum-terminal %s : option inconnue : %s. "
		    "Voir passnum-terminal --help.\n", cmd, arg);
}

int
main(int argc, char **argv)
{
	size_t i;

	opterr = 0;
	if (argc < 2) {
		usage(stderr);
		return TERM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("passnum-terminal %s\n", PN_VERSION);
		return 0;
	}
	if (pn_init() != 0) {
		fprintf(stderr, "passnum-terminal : démarrage impossible "
		    "(libsodium). Prévenez votre opérateur.\n");
		return TERM_EXIT_SETUP;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "passnum-terminal : commande inconnue : %s. Les "
	    "commandes :\n\n", argv[1]);
	usage(stderr);
	return TERM_EXIT_USAGE;
}
