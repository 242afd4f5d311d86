/* fuzz_journal.c -- libFuzzer target: the terminal's journal loader.
 *
 * The journal is a file on the venue's machine, so the loader must take
 * anything without a crash and hand on only rows that pass its checks.
 * Two kinds of input:
 *
 *  - bytes starting with the SQLite header are written to a file and opened
 *    as a journal, then every loader runs over it;
 *  - anything else is read as the values of one session row and one record
 *    row (each column a type byte, then its content), stored with the
 *    schema's checks switched off, as a damaged or edited file would hold
 *    them, then read back.
 *
 * Accepted rows must keep every invariant the rest of the terminal relies
 * on (terminated strings, a known state, a receipt for an answered record,
 * a typed text that reads and names the record's serial, a value for
 * every scanned or answered record). A journal of an older schema (the
 * seeds hold some of schema 1) is migrated when opened, so the migration
 * runs over whatever such a file holds. The Makefile compiles the module
 * under test in, as for fuzz_config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../terminal/journal.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
remove_files(void)
{
	char side[80];

	(void)unlink(path);
	(void)snprintf(side, sizeof(side), "%s-wal", path);
	(void)unlink(side);
	(void)snprintf(side, sizeof(side), "%s-shm", path);
	(void)unlink(side);
	(void)snprintf(side, sizeof(side), "%s-journal", path);
	(void)unlink(side);
}

static void
check_string(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

static int
check_record(const struct journal_record *rec, void *arg)
{
	(void)arg;
	check_string(rec->r.voucher, sizeof(rec->r.voucher));
	check_string(rec->message, sizeof(rec->message));
	check_string(rec->receipt, sizeof(rec->receipt));
	check_string(rec->winner_venue, sizeof(rec->winner_venue));
	if (rec->r.voucher[0] == '\0' || rec->r.counter == 0 ||
	    rec->r.terminal == 0 || (unsigned)rec->state > JOURNAL_REFUSED)
		abort();
	if ((rec->state == JOURNAL_ACCEPTED ||
	    rec->state == JOURNAL_CONFLICT) && rec->receipt[0] == '\0')
		abort();
	if (rec->http_status < 0 || rec->http_status > 599)
		abort();
	if (rec->typed) {
		uint64_t serial;
		char key[PN_CONTROL_KEY_SIZE];

		if (pn_typed_voucher_parse(rec->r.voucher,
		    strlen(rec->r.voucher), &serial, key) != 0 ||
		    serial != rec->serial || rec->offline ||
		    rec->expires_at != 0)
			abort();
	}
	if ((!rec->typed || rec->state == JOURNAL_ACCEPTED ||
	    rec->state == JOURNAL_CONFLICT) && !rec->has_value)
		abort();
	return 0;
}

static int
check_session(const struct journal_session *s, void *arg)
{
	(void)arg;
	check_string(s->theme, sizeof(s->theme));
	if (s->theme[0] == '\0' || s->duration_minutes < 1 ||
	    s->duration_minutes > 600)
		abort();
	return 0;
}

static int
check_doc(const uint8_t *doc, size_t len, void *arg)
{
	(void)arg;
	if (doc == NULL && len > 0)
		abort();
	return 0;
}

/* Every loader of journal.h over j; errors are fine, crashes are not. */
static void
load_all(struct journal *j)
{
	struct journal_record rec;
	struct journal_session s;
	struct pn_error err;
	int64_t v;

	(void)journal_history_each(j, 0, check_record, NULL, &err);
	(void)journal_pending_each(j, JOURNAL_ANY, 0, check_record, NULL, &err);
	(void)journal_pending_each(j, JOURNAL_TYPED, 0, check_record, NULL,
	    &err);
	(void)journal_pending_each(j, JOURNAL_SCANNED, 0, check_record, NULL,
	    &err);
	(void)journal_pending_count(j, &err);
	(void)journal_session_each(j, 0, false, check_session, NULL, &err);
	(void)journal_session_each(j, 0, true, check_session, NULL, &err);
	if (journal_session_find(j, "0000", &s, &err) == 1)
		(void)check_session(&s, NULL);
	if (journal_record_by_serial(j, 1, &rec, &err) == 1)
		(void)check_record(&rec, NULL);
	(void)journal_deny_each(j, check_doc, NULL, NULL, &err);
	(void)journal_meta_get(j, "deny_fresh_at", &v, &err);
}

/* Read one typed value of the input into parameter i of st. */
static void
bind_next(sqlite3_stmt *st, int i, const uint8_t **p, const uint8_t *end)
{
	size_t n;
	uint8_t type;
	int64_t v = 0;

	if (*p >= end) {
		sqlite3_bind_null(st, i);
		return;
	}
	type = *(*p)++;
	n = *p < end ? **p : 0;
	switch (type % 4) {
	case 0:
		sqlite3_bind_null(st, i);
		break;
	case 1:
		for (n = 0; n < 8 && *p < end; n++)
			v = (int64_t)((uint64_t)v << 8 | *(*p)++);
		sqlite3_bind_int64(st, i, v);
		break;
	default:
		if (*p < end)
			(*p)++;
		if (n > (size_t)(end - *p))
			n = (size_t)(end - *p);
		if (type % 4 == 2)
			sqlite3_bind_text(st, i, (const char *)*p, (int)n,
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_blob(st, i, *p, (int)n, SQLITE_TRANSIENT);
		*p += n;
		break;
	}
}

static void
insert_rows(struct journal *j, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	sqlite3_stmt *st;
	int i;

	(void)sqlite3_exec(j->db, "PRAGMA ignore_check_constraints = ON;"
	    "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(j->db, "INSERT INTO session (" SESSION_COLUMNS
	    ", created_at) VALUES (?, ?, ?, ?, ?, ?, 0)", -1, &st,
	    NULL) == SQLITE_OK) {
		for (i = 1; i <= 6; i++)
			bind_next(st, i, &p, end);
		(void)sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(j->db, "INSERT INTO record (" RECORD_COLUMNS
	    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?)", -1, &st, NULL) == SQLITE_OK) {
		for (i = 1; i <= 20; i++)
			bind_next(st, i, &p, end);
		(void)sqlite3_step(st);
		sqlite3_finalize(st);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char header[] = "SQLite format 3";
	struct journal *j;
	struct pn_error err;
	FILE *f;

	if (path[0] == '\0')
		(void)snprintf(path, sizeof(path), "/tmp/fuzz_journal.%ld.sqlite",
		    (long)getpid());
	remove_files();
	if (size >= sizeof(header) && memcmp(data, header,
	    sizeof(header) - 1) == 0) {
		if ((f = fopen(path, "wb")) == NULL)
			return 0;
		if (fwrite(data, 1, size, f) != size) {
			fclose(f);
			return 0;
		}
		fclose(f);
		if ((j = journal_open(path, false, &err)) != NULL) {
			load_all(j);
			journal_close(j);
		} else
			check_string(err.message, sizeof(err.message));
	} else if ((j = journal_open(path, true, &err)) != NULL) {
		insert_rows(j, data, size);
		load_all(j);
		journal_close(j);
	}
	remove_files();
	return 0;
}
