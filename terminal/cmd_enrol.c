/* cmd_enrol.c -- passnum-terminal enrol: a device key, registered with a one-time code.
 *
 *   enrol --server URL --code CODE [--ca FILE] [--label TEXT] [--master PUB]
 *         [--data DIR]
 *
 * Makes the device key (mode 0600), sends its public half with the code,
 * writes the config, then fetches the trust bundle (pinning its master key,
 * or the one given with --master) and the deny list.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "devkey.h"
#include "passnum/codes.h"
#include "passnum/fileio.h"
#include "passnum/keys.h"
#include "passnum/request.h"
#include "terminal.h"

#define ENROL_USAGE "Utilisation : passnum-terminal enrol --server URL " \
	"--code CODE [--ca FILE] [--label TEXT] [--master PUB] [--data DIR]\n"

static int
usage_error(const char *what)
{
	fprintf(stderr, "passnum-terminal enrol : %s\n" ENROL_USAGE, what);
	return TERM_EXIT_USAGE;
}

static int
setup_error(const struct pn_error *err)
{
	fprintf(stderr, "passnum-terminal enrol : %s\n", err->message);
	return TERM_EXIT_SETUP;
}

/* Copy the CA file into the data dir, so the terminal keeps working if the original moves. */
static int
copy_ca(const char *from, const char *dir, struct pn_error *err)
{
	char path[TERM_PATH_MAX];
	uint8_t *buf;
	size_t len;
	int rc;

	if (term_path(path, sizeof(path), dir, TERM_CA_FILE, err) != 0 ||
	    pn_file_read(from, 1u << 20, &buf, &len, err) != 0)
		return -1;
	rc = pn_file_write(path, buf, len, 0644, true, err);
	free(buf);
	return rc;
}

/* Read the enrolment answer into the config. */
static int
read_answer(const json_t *j, struct term_config *c, struct pn_error *err)
{
	json_t *venue = json_object_get(j, "venue"), *themes, *v;
	json_t *term = json_object_get(j, "terminal");
	json_t *vid = json_object_get(venue, "id");
	json_t *batch = json_object_get(j, "max_batch");
	const char *name = json_string_value(json_object_get(venue, "name"));
	const char *siret = json_string_value(json_object_get(venue, "siret"));
	size_t i;

	if (!json_is_integer(term) || json_integer_value(term) < 1 ||
	    !json_is_integer(vid) || json_integer_value(vid) < 1 ||
	    name == NULL || name[0] == '\0' ||
	    strlen(name) >= sizeof(c->venue_name))
		return pn_error_set(err, PN_E_FORMAT, "réponse d'inscription "
		    "incomplète (poste ou lieu). Prévenez le Département");
	c->terminal = (uint64_t)json_integer_value(term);
	c->venue_id = (uint64_t)json_integer_value(vid);
	memcpy(c->venue_name, name, strlen(name) + 1);
	if (siret != NULL && strlen(siret) < sizeof(c->venue_siret))
		memcpy(c->venue_siret, siret, strlen(siret) + 1);
	if (json_is_integer(batch) && json_integer_value(batch) >= 1 &&
	    json_integer_value(batch) <= 1000000)
		c->max_batch = (uint32_t)json_integer_value(batch);
	themes = json_object_get(j, "themes");
	c->n_themes = 0;
	json_array_foreach(themes, i, v) {
		const char *s = json_string_value(v);

		if (c->n_themes == TERM_THEMES_MAX || s == NULL ||
		    s[0] == '\0' || strlen(s) > TERM_THEME_MAX)
			return pn_error_set(err, PN_E_FORMAT, "réponse "
			    "d'inscription incomplète (thèmes). Prévenez le "
			    "Département");
		memcpy(c->themes[c->n_themes++], s, strlen(s) + 1);
	}
	return 0;
}

int
term_enrol(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "code", required_argument, NULL, 'c' },
		{ "ca", required_argument, NULL, 'a' },
		{ "label", required_argument, NULL, 'l' },
		{ "master", required_argument, NULL, 'm' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *code = NULL, *ca = NULL, *label = NULL;
	const char *master = NULL, *data = NULL;
	char dir[TERM_PATH_MAX], path[TERM_PATH_MAX], capath[TERM_PATH_MAX];
	char pkhex[65], host[65], msg[400], *body;
	struct term_config cfg;
	struct http_client *http;
	struct http_reply rep;
	struct pn_error err;
	struct term t;
	struct journal *jl;
	struct stat sb;
	uint8_t pk[32], *sk;
	json_t *j;
	int c, rc;
	int64_t skew;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 'c': code = optarg; break;
		case 'a': ca = optarg; break;
		case 'l': label = optarg; break;
		case 'm': master = optarg; break;
		case 'd': data = optarg; break;
		default:
			term_bad_option("enrol", argc, argv);
			return TERM_EXIT_USAGE;
		}
	}
	if (server == NULL || code == NULL)
		return usage_error("il faut --server et --code, donnés par "
		    "le Département.");
	if (optind != argc)
		return usage_error("argument en trop.");
	if (label == NULL) {
		/* The machine's name tells terminals apart in the operator's list. */
		if (gethostname(host, sizeof(host)) != 0)
			(void)snprintf(host, sizeof(host), "terminal");
		host[sizeof(host) - 1] = '\0';
		label = host;
	}
	if (strlen(label) < 1 || strlen(label) > 64)
		return usage_error("--label : de 1 à 64 octets.");
	term_config_init(&cfg);
	if (strlen(server) >= sizeof(cfg.server))
		return usage_error("--server : adresse trop longue.");
	memcpy(cfg.server, server, strlen(server) + 1);
	while (strlen(cfg.server) > 0 && cfg.server[strlen(cfg.server) - 1] == '/')
		cfg.server[strlen(cfg.server) - 1] = '\0';
	memcpy(cfg.label, label, strlen(label) + 1);
	if (master != NULL) {
		/*
		 * The key itself (64 hex digits, as passnum-admin terminal
		 * code prints it), or a master.pub file or its directory.
		 */
		if (!pn_hex_decode(master, cfg.master_pk, 32) &&
		    pn_master_public_load(master, cfg.master_pk, &err) != 0)
			return setup_error(&err);
		cfg.has_master = true;
	}
	if (term_data_dir(data, dir, sizeof(dir), &err) != 0 ||
	    term_data_dir_create(dir, &err) != 0 ||
	    term_path(path, sizeof(path), dir, TERM_CONFIG_FILE, &err) != 0)
		return setup_error(&err);
	if (stat(path, &sb) == 0) {
		fprintf(stderr, "passnum-terminal enrol : %s : ce poste est "
		    "déjà inscrit. Ne l'inscrivez pas de nouveau ; en cas de "
		    "doute, appelez le Département.\n", dir);
		return TERM_EXIT_SETUP;
	}
	capath[0] = '\0';
	if (ca != NULL) {
		if (copy_ca(ca, dir, &err) != 0 ||
		    term_path(capath, sizeof(capath), dir, TERM_CA_FILE,
		    &err) != 0)
			return setup_error(&err);
		memcpy(cfg.ca_file, TERM_CA_FILE, sizeof(TERM_CA_FILE));
	}
	if ((http = http_client_new(cfg.server, capath, cfg.connect_timeout,
	    cfg.request_timeout, &err)) == NULL) {
		fprintf(stderr, "passnum-terminal enrol : %s\n", err.message);
		return TERM_EXIT_USAGE;
	}
	/* A key left by an enrolment that failed is used again. */
	if (term_path(path, sizeof(path), dir, TERM_KEY_FILE, &err) != 0)
		goto setup;
	if (stat(path, &sb) == 0) {
		if ((sk = term_devkey_load(path, pk, &err)) == NULL)
			goto setup;
		pn_secret_free(sk);
	} else if (errno != ENOENT || term_devkey_create(path, pk, &err) != 0)
		goto setup;
	pn_hex_encode(pk, sizeof(pk), pkhex);
	j = json_pack("{s:s, s:s, s:s}", "code", code, "public_key", pkhex,
	    "label", label);
	body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (body == NULL) {
		pn_error_set(&err, PN_E_NOMEM, "mémoire insuffisante");
		goto setup;
	}
	rc = http_request(http, "POST", "/api/v1/terminals/enrol", body,
	    strlen(body), false, 1u << 16, &rep);
	free(body);
	http_client_free(http);
	if (rc != 0 || http_reply_unreachable(&rep)) {
		http_reply_message(&rep, msg, sizeof(msg));
		fprintf(stderr, "passnum-terminal enrol : serveur injoignable "
		    "(%s). Vérifiez l'adresse et le réseau, puis "
		    "recommencez.\n", msg);
		http_reply_free(&rep);
		return TERM_EXIT_NETWORK;
	}
	if (rep.status != 201) {
		http_reply_message(&rep, msg, sizeof(msg));
		/* The server's detail is for operators, not always French. */
		if (http_reply_code(&rep) == PN_SERVER_ENROL_CODE)
			fprintf(stderr, "passnum-terminal enrol : inscription "
			    "refusée. Le code est inconnu, déjà utilisé ou "
			    "périmé : demandez-en un nouveau au "
			    "Département.\n");
		else
			fprintf(stderr, "passnum-terminal enrol : inscription "
			    "refusée : %s.\n", msg);
		http_reply_free(&rep);
		return TERM_EXIT_SERVER;
	}
	rc = read_answer(rep.json, &cfg, &err);
	skew = json_integer_value(json_object_get(rep.json, "server_time")) -
	    (int64_t)time(NULL);
	http_reply_free(&rep);
	if (rc != 0)
		return setup_error(&err);
	if (skew > PN_REQUEST_WINDOW / 2 || skew < -PN_REQUEST_WINDOW / 2)
		fprintf(stderr, "passnum-terminal enrol : attention, "
		    "l'horloge de ce poste a %lld s d'écart avec celle du "
		    "serveur. Mettez-la à l'heure, sinon le serveur refusera "
		    "ce poste.\n", (long long)skew);
	cfg.enrolled_at = (int64_t)time(NULL);
	/*
	 * The journal is made here and only here, before the config that
	 * marks the terminal enrolled: from then on, every command refuses
	 * a missing or empty journal rather than making it again.
	 */
	if (term_path(path, sizeof(path), dir, TERM_JOURNAL_FILE, &err) != 0 ||
	    (jl = journal_open(path, true, &err)) == NULL)
		return setup_error(&err);
	journal_close(jl);
	if (term_path(path, sizeof(path), dir, TERM_CONFIG_FILE, &err) != 0 ||
	    term_config_save(path, &cfg, &err) != 0)
		return setup_error(&err);
	printf("Poste n° %llu inscrit pour %s (SIRET %s). Vérifiez que "
	    "c'est bien votre lieu. Données dans %s\n",
	    (unsigned long long)cfg.terminal, cfg.venue_name, cfg.venue_siret,
	    dir);
	if ((rc = term_open(&t, dir, &err)) != 0)
		return setup_error(&err);
	if ((rc = term_refresh_trust(&t, &err)) == 0)
		rc = term_refresh_deny(&t, &err);
	if (rc == 0)
		printf("Clés du Département reçues (n° %llu, clé maîtresse "
		    "%s), liste des annulés n° %llu. Le poste est prêt.\n",
		    (unsigned long long)t.trust->seq,
		    master != NULL ? "donnée par --master" : "retenue à la "
		    "première réception", (unsigned long long)t.deny->to_seq);
	else
		fprintf(stderr, "passnum-terminal enrol : clés du Département "
		    "pas encore reçues (%s). Lancez passnum-terminal sync.\n",
		    err.message);
	term_close(&t);
	return rc == 0 ? TERM_EXIT_OK : rc == 1 ? TERM_EXIT_NETWORK :
	    TERM_EXIT_SETUP;
setup:
	http_client_free(http);
	return setup_error(&err);
}
