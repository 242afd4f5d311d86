/* cmd_scan.c -- passnum-terminal scan: the venue's desk, one verdict per voucher.
 *
 *   scan [--session ID] [--image FILE] [--camera /dev/videoN] [--kiosk]
 *        [--data DIR]
 *
 * Codes come one per line on standard input (a USB scanner is a keyboard
 * that types the code and Enter), from the QR codes of a PNG image, or
 * from a camera through libzbar. A printed serial may be typed instead,
 * with the control key printed beside it on the same line, or on the next
 * one when asked ("Clé de contrôle : "). Pending records are sent when
 * the server answers again: after a code, and while idle, with a delay
 * that doubles after each failure. When the server says this terminal is
 * suspended, the desk closes (TERM_EXIT_SUSPENDED). It ends with a
 * summary: accepted, refused, the total accepted, what waits for sync.
 * With --kiosk, each verdict fills the screen (kiosk.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kiosk.h"
#include "linereader.h"
#include "passnum/codeinput.h"
#include "passnum/money.h"
#include "passnum/timefmt.h"
#include "qrdecode.h"
#include "redeem.h"
#include "sessions.h"
#include "sync.h"
#include "terminal.h"
#include "typed.h"

#define BACKOFF_MIN 5		/* seconds before the first retry */
#define BACKOFF_MAX 300		/* at most this long between retries */

struct desk {
	struct term *t;
	struct journal_session session;
	struct linereader in;
	bool colour;
	bool prompt;		/* standard input is a person at a terminal */
	int64_t next_sync;	/* when to try the server again */
	int64_t backoff;
	size_t accepted;	/* by the server or offline (both counted) */
	size_t offline;
	size_t refused;
	size_t undecided;	/* no verdict reached (VERDICT_ERROR) */
	int64_t cents;		/* the value of the accepted ones */
	int last_exit;
	bool suspended;		/* the server suspended this terminal: stop */
	bool clock_said;	/* the clocks' disagreement was said since the last sync that went through */
	bool kiosk;		/* --kiosk: verdicts fill the screen */
	struct kiosk_view view;
};

/* One verdict, as a line or band, or filling the screen. */
static void
show(struct desk *d, const struct verdict *v)
{
	if (!d->kiosk) {
		verdict_print(stdout, v, d->colour);
		return;
	}
	d->view.accepted = d->accepted;
	d->view.offline = d->offline;
	d->view.refused = d->refused + d->undecided;
	d->view.cents = d->cents;
	kiosk_show(stdout, &d->view, v);
}

/* A prompt, shown only to a person typing (not to a pipe). */
static void
say(struct desk *d, const char *text)
{
	if (d->prompt) {
		fputs(text, stdout);
		fflush(stdout);
	}
}

/* Send what is pending if it is time; say what the server decided. */
static void
auto_sync(struct desk *d, bool force)
{
	struct sync_stats st;
	struct pn_error err;
	enum sync_outcome out;
	int64_t now = (int64_t)time(NULL), pending;

	pending = journal_pending_count(d->t->journal, &err);
	if (pending <= 0 || (!force && now < d->next_sync))
		return;
	out = sync_run(d->t, &st, &err);
	if (out == SYNC_DONE) {
		d->backoff = BACKOFF_MIN;
		d->next_sync = 0;
		d->t->offline_until = 0;
		d->clock_said = false;
	} else {
		d->next_sync = now + d->backoff;
		d->backoff = d->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
		    d->backoff * 2;
	}
	if (st.sent > 0)
		printf("Synchronisation : %zu %s, %zu déjà %s ailleurs, %zu "
		    "%s, %zu en attente.\n", st.accepted,
		    term_pl((long long)st.accepted, "confirmé", "confirmés"),
		    st.conflicts, term_pl((long long)st.conflicts, "utilisé",
		    "utilisés"), st.refused, term_pl((long long)st.refused,
		    "refusé", "refusés"), st.pending);
	if (st.conflicts > 0 || st.refused > 0)
		printf("\a  → voir passnum-terminal history pour le détail\n");
	if (out == SYNC_FAILED)
		fprintf(stderr, "passnum-terminal : synchronisation : %s\n",
		    err.message);
	if (st.sessions_refused > 0)
		printf("\a  → SÉANCE REFUSÉE — %s\n", st.session_refusal);
	/* Once, not at every retry: each voucher's verdict says it too. */
	if (out == SYNC_CLOCK && !d->clock_said) {
		printf("HORLOGES EN DÉSACCORD — %s. %zu %s sur le poste, "
		    "envoyés quand les horloges s'accorderont.\n",
		    err.message, st.pending, term_pl((long long)st.pending,
		    "chèque gardé", "chèques gardés"));
		d->clock_said = true;
	}
	if (out == SYNC_SUSPENDED) {
		printf("POSTE SUSPENDU — %s\a\n", verdict_suspended_text);
		d->suspended = true;
	}
	fflush(stdout);
}

/* One code, with its control key typed apart or NULL. */
static void
judge(struct desk *d, const char *code, size_t len, const char *key)
{
	struct verdict v;

	d->last_exit = redeem_take(d->t, code, len, key, &d->session, &v);
	if (v.kind == VERDICT_ACCEPTED || v.kind == VERDICT_OFFLINE) {
		d->accepted++;
		d->cents += v.cents;
		if (v.kind == VERDICT_OFFLINE)
			d->offline++;
	} else if (v.kind == VERDICT_ERROR)
		d->undecided++;
	else
		d->refused++;
	show(d, &v);
	if (d->last_exit == TERM_EXIT_SUSPENDED) {
		d->suspended = true;
		return;
	}
	auto_sync(d, false);
}

/* A code from an image or a camera: a typed serial's key cannot follow. */
static int
handle(const char *code, size_t len, void *arg)
{
	struct desk *d = arg;

	if (!d->suspended)
		judge(d, code, len, NULL);
	return 0;
}

/* Ask a question, read the answer; false at end of input. */
static bool
ask(struct desk *d, const char *question, char *buf, size_t cap)
{
	size_t len;
	enum line_status st;

	say(d, question);
	do
		st = line_next(&d->in, -1, buf, cap, &len);
	while (st == LINE_TOO_LONG || st == LINE_TIMEOUT);
	return st == LINE_OK;
}

struct menu {
	struct journal_session s[9];
	int n;
	int64_t now;
};

static int
menu_add(const struct journal_session *s, void *arg)
{
	struct menu *m = arg;

	/* A session the server refused takes no voucher. */
	if (m->n < 9 && s->refused_code == 0)
		m->s[m->n++] = *s;
	return 0;
}

/* Open a session with a theme chosen from the list. */
static int
open_new(struct desk *d)
{
	char line[PN_CODE_INPUT_MAX];
	const char *theme;
	struct pn_error err;
	long minutes;
	size_t i;
	char *end;
	int rc;

	for (i = 0; i < d->t->cfg.n_themes; i++)
		printf("  %zu. %s\n", i + 1, d->t->cfg.themes[i]);
	for (;;) {
		if (!ask(d, "Thème (numéro) : ", line, sizeof(line)))
			return TERM_EXIT_USAGE;
		if ((theme = sessions_theme(d->t, line)) != NULL)
			break;
		printf("Thème inconnu : tapez un numéro de 1 à %zu.\n",
		    d->t->cfg.n_themes);
		for (i = 0; i < d->t->cfg.n_themes; i++)
			printf("  %zu. %s\n", i + 1, d->t->cfg.themes[i]);
	}
	for (;;) {
		if (!ask(d, "Durée en minutes [120] : ", line, sizeof(line)))
			return TERM_EXIT_USAGE;
		minutes = line[0] == '\0' ? SESSION_DEFAULT_MINUTES :
		    strtol(line, &end, 10);
		if (line[0] == '\0' || (*end == '\0' && minutes >= 1 &&
		    minutes <= 600))
			break;
		printf("Durée inconnue : tapez de 1 à 600 minutes.\n");
	}
	rc = sessions_open(d->t, theme, (int64_t)time(NULL), (int)minutes,
	    &d->session, &err);
	if (rc < 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return TERM_EXIT_SETUP;
	}
	if (rc == 3) {
		printf("POSTE SUSPENDU — %s\a\n", verdict_suspended_text);
		d->suspended = true;
		return TERM_EXIT_SUSPENDED;
	}
	if (rc == 2)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
	if (rc == 4)
		printf("HORLOGES EN DÉSACCORD — %s. La séance sera déclarée "
		    "quand les horloges s'accorderont\n", d->t->clock_refused);
	printf("Séance ouverte : ");
	sessions_print(stdout, &d->session, 0);
	return 0;
}

/* Without --session: list the recent ones, and take a number or "n". */
static int
choose_session(struct desk *d)
{
	char line[PN_CODE_INPUT_MAX], *end;
	struct menu m = { .now = (int64_t)time(NULL) };
	struct pn_error err;
	long k;
	int i;

	(void)sessions_fetch(d->t, &err);
	if (journal_session_each(d->t->journal, 9, false, menu_add, &m,
	    &err) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return TERM_EXIT_SETUP;
	}
	printf("Séances du lieu :\n");
	for (i = 0; i < m.n; i++)
		sessions_print(stdout, &m.s[i], i + 1);
	if (m.n == 0)
		printf("  (aucune)\n");
	for (;;) {
		if (!ask(d, "Séance (numéro), n pour en ouvrir une, q pour "
		    "quitter : ", line, sizeof(line)))
			return TERM_EXIT_USAGE;
		if (strcmp(line, "q") == 0 || strcmp(line, "Q") == 0)
			return TERM_EXIT_USAGE;
		if (strcmp(line, "n") == 0 || strcmp(line, "N") == 0)
			return open_new(d);
		k = strtol(line, &end, 10);
		if (end != line && *end == '\0' && k >= 1 && k <= m.n) {
			d->session = m.s[k - 1];
			return 0;
		}
		printf("Choix inconnu : tapez un numéro de la liste, n ou "
		    "q.\n");
	}
}

/*
 * The end of a desk: what was taken, refused, and is still on this
 * terminal waiting for the server, with the value of what was taken.
 */
static void
summary(struct desk *d)
{
	char total[PN_MONEY_TEXT_MAX];
	struct pn_error err;
	int64_t pending;

	pn_money_format(d->cents, total);
	printf("Bilan : %zu %s", d->accepted, term_pl((long long)d->accepted,
	    "chèque accepté", "chèques acceptés"));
	if (d->offline > 0)
		printf(" (dont %zu hors ligne)", d->offline);
	printf(", %zu %s", d->refused, term_pl((long long)d->refused, "refusé",
	    "refusés"));
	if (d->undecided > 0)
		printf(", %zu sans verdict", d->undecided);
	printf(" ; total accepté : %s.\n", total);
	pending = journal_pending_count(d->t->journal, &err);
	if (pending > 0)
		printf("%lld %s sur le poste, à synchroniser : lancez "
		    "passnum-terminal sync quand le réseau revient.\n",
		    (long long)pending, term_pl(pending,
		    "enregistrement gardé", "enregistrements gardés"));
	else if (pending == 0)
		printf("Rien en attente : tout est envoyé au serveur.\n");
}

static int
scan_image(struct desk *d, const char *path)
{
	struct pn_error err;
	int n = qr_decode_png(path, handle, d, &err);

	if (n < 0) {
		fprintf(stderr, "passnum-terminal scan : %s\n", err.message);
		return TERM_EXIT_SETUP;
	}
	if (n == 0) {
		printf("AUCUN QR CODE LU dans %s\a\n", path);
		return PN_RC_UNREADABLE;
	}
	return d->last_exit;
}

static void
handle_line(struct desk *d, const char *line, size_t len, bool *quit)
{
	char key[PN_CODE_INPUT_MAX];
	struct typed_entry te;

	if (strcmp(line, "q") == 0 || strcmp(line, "Q") == 0) {
		*quit = true;
		return;
	}
	if (len == 0)
		return;
	/* A serial typed alone: its control key comes on the next line. */
	typed_entry_parse(line, len, NULL, &te);
	if (te.kind == TYPED_NO_KEY) {
		if (!ask(d, "Clé de contrôle : ", key, sizeof(key)))
			key[0] = '\0';
		judge(d, line, len, key);
	} else
		judge(d, line, len, NULL);
	if (d->suspended)
		*quit = true;
}

static int
scan_loop(struct desk *d, struct qr_camera *cam)
{
	char line[PN_CODE_INPUT_MAX], code[PN_CODE_INPUT_MAX];
	struct pn_error err;
	enum line_status st;
	bool quit = false;
	size_t len;
	int64_t now, wait;
	int got;

	while (!quit) {
		say(d, cam != NULL ? "Présentez un chèque à la caméra "
		    "(ou tapez son numéro et sa clé de contrôle ; q pour "
		    "quitter) : " : "Scannez un chèque (ou tapez son numéro "
		    "et sa clé de contrôle ; q pour quitter) : ");
		for (;;) {
			if (cam != NULL) {
				got = qr_camera_next(cam, 200, code,
				    sizeof(code), &len, &err);
				if (got < 0) {
					fprintf(stderr, "passnum-terminal : "
					    "%s\n", err.message);
					return TERM_EXIT_SETUP;
				}
				if (got == 1) {
					(void)handle(code, len, d);
					quit = d->suspended;
					break;
				}
				wait = 0;
			} else {
				/* Idle: wake up when a retry of sync is due. */
				now = (int64_t)time(NULL);
				wait = d->next_sync > now ?
				    (d->next_sync - now) * 1000 : 60000;
			}
			st = line_next(&d->in, (int)wait, line, sizeof(line),
			    &len);
			if (st == LINE_EOF) {
				quit = true;
				break;
			}
			if (st == LINE_TOO_LONG) {
				struct verdict v;

				verdict_from_reason(&v, PN_R_TOO_LONG, NULL);
				d->refused++;
				show(d, &v);
				break;
			}
			if (st == LINE_OK) {
				handle_line(d, line, len, &quit);
				break;
			}
			auto_sync(d, false);
			if (d->suspended) {
				quit = true;
				break;
			}
		}
	}
	return d->suspended ? TERM_EXIT_SUSPENDED : TERM_EXIT_OK;
}

int
term_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "image", required_argument, NULL, 'i' },
		{ "camera", required_argument, NULL, 'c' },
		{ "kiosk", no_argument, NULL, 'k' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *session = NULL, *image = NULL, *camera = NULL;
	const char *data = NULL;
	struct qr_camera *cam = NULL;
	struct pn_error err;
	struct term t;
	struct desk d;
	char when[PN_TIME_TEXT_MAX];
	bool kiosk = false;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': kiosk = true; break;
		case 's': session = optarg; break;
		case 'i': image = optarg; break;
		case 'c': camera = optarg; break;
		case 'd': data = optarg; break;
		default:
			term_bad_option("scan", argc, argv);
			return TERM_EXIT_USAGE;
		}
	}
	if (optind != argc || (image != NULL && camera != NULL)) {
		fprintf(stderr, "passnum-terminal scan : %s\nUtilisation : "
		    "passnum-terminal scan [--session ID] [--image FILE | "
		    "--camera /dev/videoN] [--kiosk] [--data DIR]\n",
		    optind != argc ?
		    "argument en trop." : "--image ou --camera, pas les "
		    "deux.");
		return TERM_EXIT_USAGE;
	}
	if ((rc = term_open(&t, data, &err)) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return rc;
	}
	memset(&d, 0, sizeof(d));
	d.t = &t;
	d.colour = verdict_colour_wanted(stdout);
	d.prompt = isatty(STDIN_FILENO) == 1;
	d.backoff = BACKOFF_MIN;
	line_init(&d.in, STDIN_FILENO);
	printf("passnum-terminal — %s, poste n° %llu\n", t.cfg.venue_name,
	    (unsigned long long)t.cfg.terminal);
	/* Bring keys and pending records up to date before the first code. */
	switch (sync_run(&t, NULL, &err)) {
	case SYNC_UNREACHABLE:
		printf("HORS LIGNE — serveur injoignable : les chèques seront "
		    "confirmés à la synchronisation.\n");
		break;
	case SYNC_CLOCK:
		printf("HORLOGES EN DÉSACCORD — %s. Les chèques sont vérifiés "
		    "sur le poste et gardés : ils seront envoyés quand les "
		    "horloges s'accorderont\n", err.message);
		d.clock_said = true;
		break;
	default:
		break;
	}
	/* Said now, or remembered from before and not lifted since. */
	if (t.suspended_at != 0) {
		printf("POSTE SUSPENDU — %s\a\n", verdict_suspended_text);
		rc = TERM_EXIT_SUSPENDED;
		goto out;
	}
	if (term_deny_stale(&t))
		printf("ATTENTION — liste des chèques annulés trop ancienne : "
		    "aucun chèque ne peut être accepté hors ligne. Reconnectez "
		    "le poste.\n");
	fflush(stdout);
	rc = session != NULL ? sessions_find(&t, session, &d.session) :
	    choose_session(&d);
	if (rc != 0)
		goto out;
	printf("Séance : ");
	sessions_print(stdout, &d.session, 0);
	fflush(stdout);
	if (kiosk) {
		d.kiosk = true;
		d.view.venue = t.cfg.venue_name;
		d.view.terminal = (unsigned long long)t.cfg.terminal;
		pn_time_format_paris(d.session.starts_at, when);
		(void)snprintf(d.view.session, sizeof(d.view.session),
		    "%s, %s, %d min", d.session.theme, when,
		    d.session.duration_minutes);
		show(&d, NULL);
	}
	if (image != NULL)
		rc = scan_image(&d, image);
	else if (camera != NULL &&
	    (cam = qr_camera_open(camera, &err)) == NULL) {
		fprintf(stderr, "passnum-terminal scan : caméra inutilisable "
		    "(%s). Vérifiez qu'elle est branchée.\n", err.message);
		if (d.kiosk)
			kiosk_end(stdout);
		rc = TERM_EXIT_SETUP;
		goto out;
	} else {
		rc = scan_loop(&d, cam);
		if (!d.suspended)
			auto_sync(&d, true);
	}
	if (d.kiosk)
		kiosk_end(stdout);
	summary(&d);
	if (d.suspended)
		rc = TERM_EXIT_SUSPENDED;
out:
	qr_camera_close(cam);
	term_close(&t);
	return rc;
}
