/* checkpoint.c -- the server's checkpoints: making them, keeping their history, comparing the database with them. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "passnum/timefmt.h"
#include "checkpoint.h"
#include "log.h"

/* Longest line read from a history: a checkpoint and some slack. */
#define LINE_MAX_READ	(PN_CHECKPOINT_TEXT_MAX + 64)

int
checkpoint_history_path(const char *db_path, char *out, size_t len)
{
	char copy[4096];
	int n;

	if (snprintf(copy, sizeof(copy), "%s", db_path) >= (int)sizeof(copy))
		return -1;
	n = snprintf(out, len, "%s/%s", dirname(copy),
	    CHECKPOINT_HISTORY_NAME);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
checkpoint_file_each(const char *path,
    int (*fn)(void *ctx, const char *line, unsigned lineno), void *ctx,
    struct pn_error *err)
{
	char line[LINE_MAX_READ];
	unsigned lineno = 0;
	FILE *f;
	int c;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return pn_error_set(err, PN_E_IO, "%s: %s", path,
		    strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);

		lineno++;
		if (n > 0 && line[n - 1] != '\n' && !feof(f))
			while ((c = fgetc(f)) != EOF && c != '\n')
				;	/* the rest of a long line */
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (fn(ctx, line, lineno) != 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		return pn_error_set(err, PN_E_IO, "%s: read error", path);
	}
	fclose(f);
	return 0;
}

int
checkpoint_file_last(const char *path, char *text, size_t len,
    struct pn_error *err)
{
	char tail[4 * LINE_MAX_READ + 1];
	char *end, *start;
	struct stat st;
	off_t from;
	ssize_t n;
	int fd;

	text[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		return pn_error_set(err, PN_E_IO, "%s: %s", path,
		    strerror(errno));
	}
	/* The history grows for years: read its tail only. */
	if (fstat(fd, &st) != 0) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	from = st.st_size > (off_t)(sizeof(tail) - 1) ?
	    st.st_size - (off_t)(sizeof(tail) - 1) : 0;
	if ((n = pread(fd, tail, sizeof(tail) - 1, from)) < 0) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	tail[n] = '\0';
	/* The last non-empty line: strip line ends, then look back for one. */
	end = tail + strlen(tail);
	while (end > tail && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	if (end == tail)
		return 0;
	for (start = end; start > tail && start[-1] != '\n'; start--)
		;
	(void)snprintf(text, len, "%s", start);
	return 1;
}

/* Append line and a newline to fd, then sync. 0, or -1 with errno. */
static int
append_synced(int fd, const char *line)
{
	size_t n = strlen(line), off = 0;
	char buf[PN_CHECKPOINT_TEXT_MAX + 1];
	ssize_t w;

	memcpy(buf, line, n);
	buf[n++] = '\n';
	while (off < n) {
		if ((w = write(fd, buf + off, n - off)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)w;
	}
	return fsync(fd);
}

/* Append line to the file at path (made 0600), synced. 0, or -1 with err. */
static int
append_file(const char *path, const char *line, struct pn_error *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || append_synced(fd, line) != 0) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd) == 0 ? 0 : pn_error_set(err, PN_E_IO, "%s: %s", path,
	    strerror(errno));
}

int
checkpoint_make(struct store *s, const struct pn_signing_key *key,
    const char *history, const char *copy, int64_t now, bool force,
    bool *made, char *text, struct pn_error *err)
{
	struct pn_checkpoint c, db_last, hist_last;
	char line[PN_CHECKPOINT_TEXT_MAX], quoted[PN_CHECKPOINT_TEXT_MAX + 8];
	bool changed, have_db = false, have_hist = false;
	struct pn_error e2;
	int fd, rc;

	*made = false;
	fd = open(history, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return pn_error_set(err, PN_E_IO, "%s: %s", history,
		    strerror(errno));
	if (flock(fd, LOCK_EX) != 0) {
		pn_error_set(err, PN_E_IO, "%s: lock: %s", history,
		    strerror(errno));
		close(fd);
		return -1;
	}
	/* The history's last: a line that does not parse is not followed. */
	if ((rc = checkpoint_file_last(history, line, sizeof(line), err)) < 0)
		goto fail;
	have_hist = rc == 1 && pn_checkpoint_parse(line, strlen(line),
	    &hist_last, &e2) == 0;
	if (store_checkpoint_begin(s, &c, &changed, err) != 0)
		goto fail;
	if ((rc = store_checkpoint_last(s, line, sizeof(line), err)) < 0) {
		store_checkpoint_abort(s);
		goto fail;
	}
	have_db = rc == 0 && pn_checkpoint_parse(line, strlen(line), &db_last,
	    &e2) == 0;
	if (!changed && !force) {
		store_checkpoint_abort(s);
		close(fd);	/* releases the lock */
		return 0;
	}
	c.at = now;
	if (have_hist && (!have_db || hist_last.seq >= db_last.seq)) {
		c.seq = hist_last.seq + 1;
		pn_checkpoint_digest(&hist_last, c.prev);
	} else if (have_db) {
		c.seq = db_last.seq + 1;
		pn_checkpoint_digest(&db_last, c.prev);
	} else
		c.seq = 1;
	if (pn_checkpoint_sign(&c, key, err) != 0) {
		store_checkpoint_abort(s);
		goto fail;
	}
	pn_checkpoint_to_text(&c, line);
	if (store_checkpoint_commit(s, &c, line, err) != 0)
		goto fail;
	*made = true;
	if (append_synced(fd, line) != 0) {
		pn_error_set(err, PN_E_IO, "%s: %s (checkpoint %" PRIu64
		    " is in the database only)", history, strerror(errno),
		    c.seq);
		goto fail;
	}
	close(fd);
	if (copy != NULL && copy[0] != '\0' &&
	    append_file(copy, line, &e2) != 0) {
		char q[PN_ERROR_MESSAGE_MAX + 8];

		log_line(LOG_ERROR, "msg=\"checkpoint copy not written\" "
		    "seq=%" PRIu64 " error=%s", c.seq,
		    log_quote(e2.message, q, sizeof(q)));
	}
	log_line(LOG_INFO, "msg=checkpoint seq=%" PRIu64 " checkpoint=%s",
	    c.seq, log_quote(line, quoted, sizeof(quoted)));
	if (text != NULL)
		memcpy(text, line, strlen(line) + 1);
	return 0;
fail:
	close(fd);
	return -1;
}

/* Append to out, cut at its size. */
static void
add(char *out, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(char *out, size_t len, const char *fmt, ...)
{
	size_t used = strlen(out);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(out + used, len - used, fmt, ap);
	va_end(ap);
}

void
checkpoint_findings_fr(const struct store_checkpoint_check *v, char *out,
    size_t len)
{
	const struct pn_checkpoint *c = v->c;
	char when[PN_TIME_TEXT_MAX];
	unsigned f = v->findings;
	size_t n;

	out[0] = '\0';
	if (f == 0)
		return;
	pn_time_format_paris(c->at, when);
	add(out, len, "La base de données contient moins que le point de "
	    "contrôle n° %" PRIu64 " du %s :", c->seq, when);
	/* Shown on pages: a real plural, never "encaissement(s)". */
	if (f & CPF_REDEEMED_FEWER)
		add(out, len, " %" PRIu64 " %s (%" PRIu64 " au lieu de %"
		    PRIu64 ") ;", c->redeemed - v->db_redeemed,
		    c->redeemed - v->db_redeemed > 1 ? "encaissements acceptés "
		    "manquent" : "encaissement accepté manque",
		    v->db_redeemed, c->redeemed);
	if (f & CPF_REDEEMED_CHANGED)
		add(out, len, " les encaissements acceptés ne sont plus ceux "
		    "qu'il a signés ;");
	if (f & CPF_AUDIT_CUT)
		add(out, len, " le journal d'audit s'arrête à la ligne %"
		    PRId64 " au lieu de %" PRId64 " ;", v->db_audit_last,
		    c->audit_last);
	if (f & CPF_AUDIT_CHANGED)
		add(out, len, " la ligne %" PRId64 " du journal d'audit a "
		    "changé ;", c->audit_last);
	if (f & CPF_SERIAL_BEHIND)
		add(out, len, " le compteur de numéros de chèque est revenu à "
		    "%" PRIu64 " (il était à %" PRIu64 ") ;", v->db_next_serial,
		    c->next_serial);
	if (f & CPF_NOT_IN_DB)
		add(out, len, " la base ne connaît pas ce point de contrôle, "
		    "elle est plus ancienne que lui ;");
	if (f & CPF_DIFFERS_IN_DB)
		add(out, len, " la base garde un autre point de contrôle sous "
		    "ce numéro ;");
	/* The last " ;" becomes a full stop. */
	n = strlen(out);
	if (n >= 2 && out[n - 2] == ' ' && out[n - 1] == ';') {
		out[n - 2] = '.';
		out[n - 1] = '\0';
	}
	add(out, len, " Les postes des lieux renverront au prochain "
	    "échange les encaissements dont ils ont le reçu ; les autres "
	    "sont à reprendre depuis la dernière sauvegarde.");
}

void
checkpoint_findings_en(const struct store_checkpoint_check *v, char *out,
    size_t len)
{
	const struct pn_checkpoint *c = v->c;
	char when[PN_TIME_TEXT_MAX];
	unsigned f = v->findings;

	out[0] = '\0';
	if (f == 0)
		return;
	pn_time_format(c->at, when);
	add(out, len, "checkpoint %" PRIu64 " (%s):", c->seq, when);
	if (f & CPF_REDEEMED_FEWER)
		add(out, len, " %" PRIu64 " accepted redemption(s) missing "
		    "(%" PRIu64 " of %" PRIu64 " up to row %" PRId64 ");",
		    c->redeemed - v->db_redeemed, v->db_redeemed, c->redeemed,
		    c->redeemed_last);
	if (f & CPF_REDEEMED_CHANGED)
		add(out, len, " the accepted redemptions up to row %" PRId64
		    " are not the ones it signed (%" PRIu64 " now, %" PRIu64
		    " then);", c->redeemed_last, v->db_redeemed, c->redeemed);
	if (f & CPF_AUDIT_CUT)
		add(out, len, " the audit log was cut: it ends at row %" PRId64
		    ", the checkpoint saw row %" PRId64 ";", v->db_audit_last,
		    c->audit_last);
	if (f & CPF_AUDIT_CHANGED)
		add(out, len, " audit row %" PRId64 " is not the one it saw;",
		    c->audit_last);
	if (f & CPF_SERIAL_BEHIND)
		add(out, len, " the serial counter went back to %" PRIu64
		    " (it was %" PRIu64 ");", v->db_next_serial,
		    c->next_serial);
	if (f & CPF_NOT_IN_DB)
		add(out, len, " the database never recorded it: it is older "
		    "than its checkpoints;");
	if (f & CPF_DIFFERS_IN_DB)
		add(out, len, " the database holds another checkpoint %" PRIu64
		    " (a fork);", c->seq);
	if (strlen(out) > 0 && out[strlen(out) - 1] == ';')
		out[strlen(out) - 1] = '\0';
}

int
checkpoint_at_start(struct store *s, const struct pn_signing_key *key,
    const char *history, const char *copy,
    const uint8_t *(*pk_of)(const void *ctx, uint16_t kid), const void *ctx,
    int64_t now, struct pn_error *err)
{
	char line[PN_CHECKPOINT_TEXT_MAX + 64];
	char words[STORE_ALARM_DETAIL_MAX + 1], q[STORE_ALARM_DETAIL_MAX + 8];
	struct store_checkpoint_check v;
	struct pn_checkpoint c;
	struct pn_error e2;
	bool gap = false, made;

	memset(&v, 0, sizeof(v));
	int rc;

	if ((rc = checkpoint_file_last(history, line, sizeof(line), err)) < 0)
		return -1;
	if (rc == 1 && pn_checkpoint_check(line, strlen(line), pk_of, ctx, &c,
	    &e2) != 0) {
		(void)snprintf(words, sizeof(words), "Le dernier point de "
		    "contrôle de %s est illisible ou mal signé (%s) : "
		    "l'historique a été altéré, ou la base a perdu la clé qui "
		    "l'a signé.", history, e2.message);
		gap = true;
	} else if (rc == 1) {
		memset(&v, 0, sizeof(v));
		v.c = &c;
		v.text = line;
		if (store_checkpoint_verify(s, &v, 1, err) != 0)
			return -1;
		checkpoint_findings_fr(&v, words, sizeof(words));
		gap = v.findings != 0;
	}
	if (gap) {
		log_line(LOG_ERROR, "msg=\"integrity alarm: the database holds "
		    "less than its last checkpoint\" history=%s detail=%s",
		    history, log_quote(words, q, sizeof(q)));
		if (store_alarm_add(s, now, "checkpoint_gap", words, NULL,
		    err) != 0)
			return -1;
	}
	/* Serials printed before the loss are never issued again. */
	if (rc == 1 && (v.findings & CPF_SERIAL_BEHIND) != 0 &&
	    store_serial_advance(s, c.next_serial, now, err) != 0)
		return -1;
	if (key == NULL) {
		log_line(LOG_WARN, "msg=\"no signing key: no checkpoints are "
		    "made\"");
		return 0;
	}
	return checkpoint_make(s, key, history, copy, now, gap, &made, NULL,
	    err);
}
