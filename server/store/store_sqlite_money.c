/* store_sqlite_money.c -- the money audit's reads: conservation, redemptions, settlement, signatures.
 *
 * passnum-admin audit (admin_audit.c) runs each check of the table below
 * and prints its rows; docs/server.md lists them. Every query is read-only
 * and runs once per audit: each is prepared when it runs rather than kept
 * on every connection. Where a unique index is the rule being checked
 * (a serial redeemed once, a redemption settled once), the query counts
 * with NOT INDEXED, so that a damaged or dropped index cannot hide a
 * duplicate from it.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "passnum/money.h"
#include "store_sqlite.h"

/* One row of a problem, in words: a serial, a status, amounts, a reference. */
#define PROBLEM_MAX 512

int
store_money_begin(struct store *s, struct pn_error *err)
{
	assert(s != NULL);
	/* The snapshot is taken by the first read, and held until the end. */
	return sq_step_done(s, sq_stmt(s, &q_read_begin), "BEGIN (money audit)",
	    err);
}

void
store_money_end(struct store *s)
{
	if (s != NULL && !sqlite3_get_autocommit(s->db))
		(void)sq_step_done(s, sq_stmt(s, &q_commit),
		    "COMMIT (money audit)", NULL);
}

/* Prepare sql for one audit read; 0, or -1 with err. */
static int
prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    struct pn_error *err)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return sq_error(s, rc, "preparing a money audit query", err);
	}
	return 0;
}

/* Column col as text, never NULL. */
static const char *
text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

/* Column col, cents, formatted into buf ("12,00 €"). */
static const char *
money(sqlite3_stmt *st, int col, char buf[PN_MONEY_TEXT_MAX])
{
	pn_money_format(sqlite3_column_int64(st, col), buf);
	return buf;
}

#define I64(col) ((long long)sqlite3_column_int64(st, (col)))

/* Append to buf; a long problem is cut, its start names the row. */
static void
vappend(char *buf, size_t len, const char *sep, const char *fmt, va_list ap)
{
	size_t used = strlen(buf), n = strlen(sep);

	if (used + n + 1 >= len)
		return;
	memcpy(buf + used, sep, n + 1);
	used += n;
	(void)vsnprintf(buf + used, len - used, fmt, ap);
}

/* The start of a problem: the row it is about, ending with ':' or not. */
static void
add(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(buf, len, "", fmt, ap);
	va_end(ap);
}

/* One of several things wrong with the row: after ':' or after "; ". */
static void
part(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
part(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vappend(buf, len, used > 0 && buf[used - 1] == ':' ? " " : "; ", fmt,
	    ap);
	va_end(ap);
}

/* --- The checks: what holds, the rows where it does not, in words --------- */

static const char sql_vouchers[] =
	"SELECT v.serial, v.status, v.programme_id, coalesce(b.id, 0),"
	" coalesce(b.programme_id, 0), coalesce(b.status, ''), v.booklet_id"
	" FROM voucher v LEFT JOIN booklet b ON b.id = v.booklet_id"
	" WHERE v.status NOT IN"
	"  ('issued', 'redeemed', 'settled', 'cancelled', 'expired')"
	" OR b.id IS NULL OR b.programme_id <> v.programme_id"
	" OR (b.status = 'cancelled' AND v.status = 'issued')"
	" ORDER BY v.serial";

static void
say_vouchers(sqlite3_stmt *st, char *buf, size_t len)
{
	const char *status = text(st, 1);

	if (strcmp(status, "issued") != 0 &&
	    strcmp(status, "redeemed") != 0 &&
	    strcmp(status, "settled") != 0 &&
	    strcmp(status, "cancelled") != 0 &&
	    strcmp(status, "expired") != 0)
		add(buf, len, "voucher %lld: status '%.32s' is none of issued, "
		    "redeemed, settled, cancelled, expired", I64(0), status);
	else if (I64(3) == 0)
		add(buf, len, "voucher %lld: its booklet %lld does not exist",
		    I64(0), I64(6));
	else if (I64(2) != I64(4))
		add(buf, len, "voucher %lld: programme %lld, but its booklet "
		    "%lld is of programme %lld", I64(0), I64(2), I64(3),
		    I64(4));
	else
		add(buf, len, "voucher %lld: still issued, but its booklet "
		    "%lld is cancelled", I64(0), I64(3));
}

/* The count of accepted redemptions goes by redemption_once: see "twice". */
static const char sql_redeemed_once[] =
	"SELECT v.serial, v.status, (SELECT count(*) FROM redemption r"
	"  WHERE r.serial = v.serial AND r.outcome = 'accepted') AS n"
	" FROM voucher v WHERE v.status IN ('redeemed', 'settled') AND n <> 1"
	" ORDER BY v.serial";

static void
say_redeemed_once(sqlite3_stmt *st, char *buf, size_t len)
{
	if (I64(2) == 0)
		add(buf, len, "voucher %lld: status %s but no accepted "
		    "redemption", I64(0), text(st, 1));
	else
		add(buf, len, "voucher %lld: status %s but %lld accepted "
		    "redemptions", I64(0), text(st, 1), I64(2));
}

static const char sql_accepted_status[] =
	"SELECT r.id, r.serial, coalesce(v.status, '')"
	" FROM redemption r LEFT JOIN voucher v ON v.serial = r.serial"
	" WHERE r.outcome = 'accepted'"
	" AND (v.serial IS NULL OR v.status NOT IN ('redeemed', 'settled'))"
	" ORDER BY r.id";

static void
say_accepted_status(sqlite3_stmt *st, char *buf, size_t len)
{
	if (text(st, 2)[0] == '\0')
		add(buf, len, "redemption %lld: accepted, but voucher %lld "
		    "does not exist", I64(0), I64(1));
	else
		add(buf, len, "redemption %lld of voucher %lld: accepted, but "
		    "the voucher's status is %.32s", I64(0), I64(1),
		    text(st, 2));
}

static const char sql_redemption_value[] =
	"SELECT r.id, r.serial, r.value, v.value"
	" FROM redemption r JOIN voucher v ON v.serial = r.serial"
	" WHERE r.outcome = 'accepted' AND r.value <> v.value ORDER BY r.id";

static void
say_redemption_value(sqlite3_stmt *st, char *buf, size_t len)
{
	char a[PN_MONEY_TEXT_MAX], b[PN_MONEY_TEXT_MAX];

	add(buf, len, "redemption %lld of voucher %lld: value %s, the "
	    "voucher's %s", I64(0), I64(1), money(st, 2, a), money(st, 3, b));
}

/* NOT INDEXED: the partial unique index redemption_once is what is checked. */
static const char sql_twice[] =
	"SELECT serial, count(*), group_concat(id, ', ')"
	" FROM redemption NOT INDEXED WHERE outcome = 'accepted'"
	" GROUP BY serial HAVING count(*) > 1 ORDER BY serial";

static void
say_twice(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "voucher %lld: redeemed %lld times (accepted "
	    "redemptions %s)", I64(0), I64(1), text(st, 2));
}

static const char sql_conflicts[] =
	"SELECT c.id, c.serial, coalesce(c.winner_id, 0),"
	" coalesce(w.serial, 0), coalesce(w.outcome, '')"
	" FROM redemption c LEFT JOIN redemption w ON w.id = c.winner_id"
	" WHERE c.outcome = 'conflict' AND (w.id IS NULL"
	"  OR w.outcome <> 'accepted' OR w.serial <> c.serial)"
	" ORDER BY c.id";

static void
say_conflicts(sqlite3_stmt *st, char *buf, size_t len)
{
	if (text(st, 4)[0] == '\0')
		add(buf, len, "redemption %lld of voucher %lld: a conflict "
		    "whose winner %lld does not exist", I64(0), I64(1),
		    I64(2));
	else
		add(buf, len, "redemption %lld of voucher %lld: a conflict "
		    "whose winner %lld is not the accepted redemption of that "
		    "voucher (it is %.16s, of voucher %lld)", I64(0), I64(1),
		    I64(2), text(st, 4), I64(3));
}

static const char sql_venues[] =
	"SELECT r.id, r.serial, r.venue_id, coalesce(t.venue_id, 0),"
	" coalesce(te.venue_id, 0)"
	" FROM redemption r"
	" LEFT JOIN training_session t ON t.id = r.session_id"
	" LEFT JOIN terminal te ON te.id = r.terminal_id"
	" WHERE t.venue_id IS NOT r.venue_id OR te.venue_id IS NOT r.venue_id"
	" ORDER BY r.id";

static void
say_venues(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "redemption %lld of voucher %lld: for venue %lld, but "
	    "its session is venue %lld's and its terminal venue %lld's", I64(0),
	    I64(1), I64(2), I64(3), I64(4));
}

static const char sql_denylist[] =
	"SELECT v.serial, v.status FROM voucher v"
	" WHERE (v.status = 'cancelled' AND NOT EXISTS (SELECT 1 FROM"
	"  deny_event d WHERE d.serial = v.serial AND d.reason = 1))"
	" OR (v.status IN ('redeemed', 'settled') AND NOT EXISTS (SELECT 1 FROM"
	"  deny_event d WHERE d.serial = v.serial AND d.reason = 2))"
	" ORDER BY v.serial";

static void
say_denylist(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "voucher %lld: %s, but not on the deny list as such",
	    I64(0), text(st, 1));
}

#define UPHELD \
	"EXISTS (SELECT 1 FROM dispute d" \
	" WHERE d.redemption_id = i.redemption_id AND d.resolution = 'upheld')"

/*
 * Inactive items belong to a rejected batch or to a line held out of its
 * batch: both returned their redemptions to the pool.
 */
static const char sql_items[] =
	"SELECT i.redemption_id, coalesce(r.serial, 0), i.line_id, b.reference,"
	" i.active, coalesce(r.outcome, ''), l.venue_id,"
	" coalesce(r.venue_id, 0),"
	" b.status, l.carried_over, " UPHELD ", l.held_at IS NOT NULL"
	" FROM settlement_item i JOIN settlement_line l ON l.id = i.line_id"
	" JOIN settlement_batch b ON b.id = l.batch_id"
	" LEFT JOIN redemption r ON r.id = i.redemption_id"
	" WHERE (i.active = 1 AND (r.id IS NULL OR r.outcome <> 'accepted'"
	"  OR r.venue_id <> l.venue_id OR b.status = 'rejected'"
	"  OR l.carried_over = 1 OR l.held_at IS NOT NULL OR " UPHELD "))"
	" OR (i.active = 0 AND b.status <> 'rejected' AND l.held_at IS NULL)"
	" ORDER BY i.redemption_id, i.line_id";

static void
say_items(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "item of redemption %lld (voucher %lld) in line %lld of "
	    "batch %.40s:", I64(0), I64(1), I64(2), text(st, 3));
	if (I64(4) == 0) {
		part(buf, len, "inactive, but the batch is %.16s, not rejected, "
		    "and the line is not held", text(st, 8));
		return;
	}
	if (text(st, 5)[0] == '\0')
		part(buf, len, "no such redemption");
	else if (strcmp(text(st, 5), "accepted") != 0)
		part(buf, len, "the redemption is a %.16s, not accepted",
		    text(st, 5));
	if (text(st, 5)[0] != '\0' && I64(6) != I64(7))
		part(buf, len, "the redemption is venue %lld's, the line venue "
		    "%lld's", I64(7), I64(6));
	if (strcmp(text(st, 8), "rejected") == 0)
		part(buf, len, "active in a rejected batch");
	if (I64(9) != 0)
		part(buf, len, "active in a line carried over");
	if (I64(11) != 0)
		part(buf, len, "active in a line held out of the batch");
	if (I64(10) != 0)
		part(buf, len, "a dispute of the redemption was upheld");
}

/* NOT INDEXED: the partial unique index settlement_item_once is checked. */
static const char sql_items_once[] =
	"SELECT redemption_id, count(*), group_concat(line_id, ', ')"
	" FROM settlement_item NOT INDEXED WHERE active = 1"
	" GROUP BY redemption_id HAVING count(*) > 1 ORDER BY redemption_id";

static void
say_items_once(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "redemption %lld: in %lld active settlement items "
	    "(lines %s)", I64(0), I64(1), text(st, 2));
}

/*
 * A line's items: the active ones, or for a rejected batch or a line held
 * out all of them (inactive since the rejection or the hold, as they were
 * drafted: a held line keeps what it was drafted with).
 */
static const char sql_lines[] =
	"SELECT l.id, l.venue_id, b.reference, l.carried_over,"
	" l.vouchers, count(i.redemption_id),"
	" l.sessions, count(DISTINCT r.session_id),"
	" l.gross_cents, coalesce(sum(i.value), 0),"
	" l.commission_cents, coalesce(sum(i.commission), 0),"
	" l.amount_cents, l.gross_cents - l.commission_cents"
	" FROM settlement_line l JOIN settlement_batch b ON b.id = l.batch_id"
	" LEFT JOIN settlement_item i ON i.line_id = l.id"
	"  AND (i.active = 1 OR b.status = 'rejected' OR l.held_at IS NOT NULL)"
	" LEFT JOIN redemption r ON r.id = i.redemption_id"
	" GROUP BY l.id"
	" HAVING l.amount_cents <> l.gross_cents - l.commission_cents"
	" OR (l.carried_over = 1 AND count(i.redemption_id) > 0)"
	" OR (l.carried_over = 0 AND (l.vouchers <> count(i.redemption_id)"
	"  OR l.sessions <> count(DISTINCT r.session_id)"
	"  OR l.gross_cents <> coalesce(sum(i.value), 0)"
	"  OR l.commission_cents <> coalesce(sum(i.commission), 0)))"
	" ORDER BY l.id";

static void
say_lines(sqlite3_stmt *st, char *buf, size_t len)
{
	char a[PN_MONEY_TEXT_MAX], b[PN_MONEY_TEXT_MAX];

	add(buf, len, "line %lld (venue %lld) of batch %.40s:", I64(0), I64(1),
	    text(st, 2));
	if (I64(3) != 0 && I64(5) > 0)
		part(buf, len, "carried over, but has %lld items", I64(5));
	if (I64(3) == 0 && I64(4) != I64(5))
		part(buf, len, "%lld vouchers, but %lld items", I64(4), I64(5));
	if (I64(3) == 0 && I64(6) != I64(7))
		part(buf, len, "%lld sessions, its items' %lld", I64(6),
		    I64(7));
	if (I64(3) == 0 && I64(8) != I64(9))
		part(buf, len, "gross %s, but its items add up to %s",
		    money(st, 8, a), money(st, 9, b));
	if (I64(3) == 0 && I64(10) != I64(11))
		part(buf, len, "commission %s, but its items add up to %s",
		    money(st, 10, a), money(st, 11, b));
	if (I64(12) != I64(13))
		part(buf, len, "amount %s, but gross less commission is %s",
		    money(st, 12, a), money(st, 13, b));
}

/* Neither carried over nor held out: what the batch pays. */
#define PAID_LINES(what) \
	"(SELECT " what " FROM settlement_line l" \
	" WHERE l.batch_id = b.id AND l.carried_over = 0 AND l.held_at IS NULL)"

static const char sql_batches[] =
	"SELECT b.reference, b.status,"
	" b.n_lines, " PAID_LINES("count(*)") " AS nl,"
	" b.n_vouchers, " PAID_LINES("coalesce(sum(l.vouchers), 0)") " AS nv,"
	" b.total_cents,"
	" " PAID_LINES("coalesce(sum(l.amount_cents), 0)") " AS tc,"
	" b.status IN ('approved', 'paid') AND (b.approved_by IS NULL"
	"  OR b.approved_by = b.drafted_by) AS one_person"
	" FROM settlement_batch b WHERE b.status <> 'rejected'"
	" AND (b.n_lines <> nl OR b.n_vouchers <> nv OR b.total_cents <> tc"
	"  OR one_person)"
	" ORDER BY b.id";

static void
say_batches(sqlite3_stmt *st, char *buf, size_t len)
{
	char a[PN_MONEY_TEXT_MAX], b[PN_MONEY_TEXT_MAX];

	add(buf, len, "batch %.40s (%.16s):", text(st, 0), text(st, 1));
	if (I64(2) != I64(3))
		part(buf, len, "%lld lines, but %lld lines paid", I64(2),
		    I64(3));
	if (I64(4) != I64(5))
		part(buf, len, "%lld vouchers, but its lines paid hold %lld",
		    I64(4), I64(5));
	if (I64(6) != I64(7))
		part(buf, len, "total %s, but its lines paid add up to %s",
		    money(st, 6, a), money(st, 7, b));
	if (I64(8) != 0)
		part(buf, len, "not approved by a second person");
}

/* The batch of a redemption's active item, joined from redemption r. */
#define ITEM_BATCH \
	" FROM redemption r JOIN settlement_item i ON i.redemption_id = r.id" \
	"  AND i.active = 1" \
	" JOIN settlement_line l ON l.id = i.line_id" \
	" JOIN settlement_batch b ON b.id = l.batch_id"

static const char sql_settled[] =
	"SELECT v.serial, 1, coalesce((SELECT b.reference" ITEM_BATCH
	"  WHERE r.serial = v.serial AND r.outcome = 'accepted' LIMIT 1), ''),"
	" coalesce((SELECT b.status" ITEM_BATCH
	"  WHERE r.serial = v.serial AND r.outcome = 'accepted' LIMIT 1), ''),"
	" v.status"
	" FROM voucher v WHERE v.status = 'settled' AND NOT EXISTS (SELECT 1"
	ITEM_BATCH " WHERE r.serial = v.serial AND r.outcome = 'accepted'"
	"  AND b.status = 'paid')"
	" UNION ALL"
	" SELECT v.serial, 2, b.reference, b.status, v.status" ITEM_BATCH
	" JOIN voucher v ON v.serial = r.serial"
	" WHERE b.status = 'paid' AND v.status <> 'settled'"
	" ORDER BY 1";

static void
say_settled(sqlite3_stmt *st, char *buf, size_t len)
{
	if (I64(1) == 2)
		add(buf, len, "voucher %lld: in paid batch %.40s, but its "
		    "status is %.32s", I64(0), text(st, 2), text(st, 4));
	else if (text(st, 2)[0] == '\0')
		add(buf, len, "voucher %lld: status settled, but its "
		    "redemption is in no batch", I64(0));
	else
		add(buf, len, "voucher %lld: status settled, but batch %.40s, "
		    "which holds its redemption, is %.16s, not paid", I64(0),
		    text(st, 2), text(st, 3));
}

static const char sql_item_values[] =
	"SELECT r.serial, i.redemption_id, i.line_id, i.value, v.value"
	" FROM settlement_item i JOIN redemption r ON r.id = i.redemption_id"
	" JOIN voucher v ON v.serial = r.serial"
	" WHERE i.active = 1 AND i.value <> v.value ORDER BY r.serial";

static void
say_item_values(sqlite3_stmt *st, char *buf, size_t len)
{
	char a[PN_MONEY_TEXT_MAX], b[PN_MONEY_TEXT_MAX];

	add(buf, len, "voucher %lld (redemption %lld, line %lld): settled for "
	    "%s, but the voucher's value is %s", I64(0), I64(1), I64(2),
	    money(st, 3, a), money(st, 4, b));
}

/* The copies an item keeps so that statements need no redemption. */
static const char sql_item_copies[] =
	"SELECT r.serial, i.redemption_id, i.line_id, i.serial, i.session_id,"
	" r.session_id, i.programme_id, v.programme_id"
	" FROM settlement_item i JOIN redemption r ON r.id = i.redemption_id"
	" JOIN voucher v ON v.serial = r.serial"
	" WHERE i.serial <> r.serial OR i.session_id <> r.session_id"
	" OR i.programme_id <> v.programme_id ORDER BY r.serial";

static void
say_item_copies(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "voucher %lld (redemption %lld, line %lld): the item "
	    "says voucher %lld, session %lld, programme %lld, but the "
	    "redemption is of session %lld and the voucher of programme %lld",
	    I64(0), I64(1), I64(2), I64(3), I64(4), I64(6), I64(5), I64(7));
}

/*
 * At the rate the item was drafted at (the programme may change its rate
 * later). Round half up: value > 0 and rate >= 0, so division truncates
 * down.
 */
static const char sql_commissions[] =
	"SELECT r.serial, i.redemption_id, i.line_id, i.commission,"
	" i.commission_bp, i.value,"
	" (i.value * i.commission_bp + 5000) / 10000 AS want"
	" FROM settlement_item i JOIN redemption r ON r.id = i.redemption_id"
	" WHERE i.active = 1 AND i.commission <> want ORDER BY r.serial";

static void
say_commissions(sqlite3_stmt *st, char *buf, size_t len)
{
	char a[PN_MONEY_TEXT_MAX], b[PN_MONEY_TEXT_MAX], c[PN_MONEY_TEXT_MAX];

	add(buf, len, "voucher %lld (redemption %lld, line %lld): commission "
	    "%s, but the %lld basis points it was drafted at, of %s, rounded "
	    "half up, are %s", I64(0), I64(1), I64(2), money(st, 3, a),
	    I64(4), money(st, 5, b), money(st, 6, c));
}

static const char sql_files[] =
	"SELECT f.name, b.reference, f.content, f.hash"
	" FROM settlement_file f JOIN settlement_batch b ON b.id = f.batch_id"
	" ORDER BY f.id";

/* A file is a problem when the BLAKE2b-256 of its content is not its hash. */
static bool
file_changed(sqlite3_stmt *st)
{
	uint8_t h[STORE_HASH_SIZE];
	const void *content = sqlite3_column_blob(st, 2);
	int n = sqlite3_column_bytes(st, 2);
	const void *hash = sqlite3_column_blob(st, 3);

	if (hash == NULL || sqlite3_column_bytes(st, 3) != STORE_HASH_SIZE)
		return true;
	crypto_generichash(h, sizeof(h), content, (unsigned long long)n,
	    NULL, 0);
	return sodium_memcmp(h, hash, sizeof(h)) != 0;
}

static void
say_files(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "file %.128s of batch %.40s: its content no longer has "
	    "the hash stored at approval", text(st, 0), text(st, 1));
}

/*
 * Approval writes a settle.file row into the audit log for every file,
 * with its name, size and hash (store_batch_files_publish). Files of a
 * draft were staged by an approval not yet made (store_batch_files_stage)
 * and are no one's: only an approved or paid batch's are read. Their
 * content is checked against their hash all the same. The hash chain
 * keeps those rows as written, so a file edited in the database along
 * with its hash column, or a file deleted, no longer agrees with them.
 * The log is read once, not once per file.
 */
static const char sql_files_recorded[] =
	"WITH recorded AS MATERIALIZED ("
	"  SELECT a.id AS audit_id,"
	"   CAST(substr(a.object, 7) AS INTEGER) AS batch_id,"
	"   json_extract(a.detail, '$.name') AS name,"
	"   json_extract(a.detail, '$.blake2b') AS blake2b,"
	"   json_extract(a.detail, '$.bytes') AS bytes"
	"  FROM audit_log a WHERE a.action = 'settle.file'"
	"   AND a.object LIKE 'batch:%' AND json_valid(a.detail))"
	" SELECT f.name, b.reference, lower(hex(f.hash)), length(f.content),"
	"  r.audit_id, r.blake2b, r.bytes"
	" FROM settlement_file f JOIN settlement_batch b ON b.id = f.batch_id"
	" LEFT JOIN recorded r ON r.batch_id = f.batch_id AND r.name = f.name"
	" WHERE b.status IN ('approved', 'paid') AND (r.audit_id IS NULL"
	"  OR r.blake2b IS NOT lower(hex(f.hash))"
	"  OR r.bytes IS NOT length(f.content))"
	" UNION ALL"
	" SELECT r.name, coalesce(b.reference, 'id ' || r.batch_id), NULL,"
	"  NULL, r.audit_id, r.blake2b, r.bytes"
	" FROM recorded r LEFT JOIN settlement_batch b ON b.id = r.batch_id"
	" WHERE NOT EXISTS (SELECT 1 FROM settlement_file f"
	"  WHERE f.batch_id = r.batch_id AND f.name = r.name)";

static void
say_files_recorded(sqlite3_stmt *st, char *buf, size_t len)
{
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		add(buf, len, "file %.128s of batch %.40s: audit row %lld "
		    "records it at approval, but it is no longer stored",
		    text(st, 0), text(st, 1), I64(4));
	else if (sqlite3_column_type(st, 4) == SQLITE_NULL)
		add(buf, len, "file %.128s of batch %.40s: no settle.file row "
		    "of the audit log records it", text(st, 0), text(st, 1));
	else
		add(buf, len, "file %.128s of batch %.40s: stored with hash "
		    "%.64s (%lld bytes), but audit row %lld recorded %.64s "
		    "(%lld bytes) at approval", text(st, 0), text(st, 1),
		    text(st, 2), I64(3), I64(4), text(st, 5), I64(6));
}

/*
 * A hold (store_batch_hold()) happens to a draft, is made by someone for
 * a reason, and writes a settle.hold row into the audit log naming the
 * line; a held line is paid by no statement. The log, whose chain keeps
 * its rows as written, is read once: a line marked held by hand, or a
 * held line put back by hand, no longer agrees with it.
 */
static const char sql_holds[] =
	"WITH holds AS MATERIALIZED ("
	"  SELECT a.id AS audit_id,"
	"   CAST(substr(a.object, 7) AS INTEGER) AS batch_id,"
	"   json_extract(a.detail, '$.line') AS line_id"
	"  FROM audit_log a WHERE a.action = 'settle.hold'"
	"   AND a.object LIKE 'batch:%' AND json_valid(a.detail))"
	" SELECT l.id, l.venue_id, b.reference, 1 AS held,"
	"  (l.held_by IS NULL OR l.hold_reason IS NULL"
	"   OR trim(l.hold_reason) = '') AS incomplete,"
	"  l.carried_over,"
	"  (l.held_at < b.drafted_at OR (b.approved_at IS NOT NULL"
	"   AND l.held_at > b.approved_at)) AS not_draft,"
	"  EXISTS (SELECT 1 FROM settlement_file f WHERE f.batch_id = l.batch_id"
	"   AND f.kind = 'statement' AND f.venue_id = l.venue_id"
	"   AND b.status IN ('approved', 'paid')) AS stated,"
	"  (SELECT min(h.audit_id) FROM holds h WHERE h.line_id = l.id"
	"   AND h.batch_id = l.batch_id) AS audit_id"
	" FROM settlement_line l JOIN settlement_batch b ON b.id = l.batch_id"
	" WHERE l.held_at IS NOT NULL AND (incomplete OR l.carried_over = 1"
	"  OR not_draft OR stated OR audit_id IS NULL)"
	" UNION ALL"
	" SELECT h.line_id, coalesce(l.venue_id, 0),"
	"  coalesce(b.reference, 'id ' || h.batch_id), 0, 0, 0, 0, 0, h.audit_id"
	" FROM holds h LEFT JOIN settlement_line l ON l.id = h.line_id"
	"  AND l.batch_id = h.batch_id"
	" LEFT JOIN settlement_batch b ON b.id = h.batch_id"
	" WHERE l.held_at IS NULL"
	" ORDER BY 1";

static void
say_holds(sqlite3_stmt *st, char *buf, size_t len)
{
	if (I64(3) == 0) {
		add(buf, len, "line %lld of batch %.40s: audit row %lld records "
		    "it held out of the batch, but it is not held", I64(0),
		    text(st, 2), I64(8));
		return;
	}
	add(buf, len, "line %lld (venue %lld) of batch %.40s, held:", I64(0),
	    I64(1), text(st, 2));
	if (I64(4) != 0)
		part(buf, len, "who held it, or why, is not recorded");
	if (I64(5) != 0)
		part(buf, len, "carried over");
	if (I64(6) != 0)
		part(buf, len, "held while the batch was not a draft");
	if (I64(7) != 0)
		part(buf, len, "its venue has a statement in the batch");
	if (sqlite3_column_type(st, 8) == SQLITE_NULL)
		part(buf, len, "no settle.hold row of the audit log records it");
}

/*
 * Approving and paying a batch each append an audit row naming it
 * (settle.approve, settle.paid), in the same transaction as the change.
 * A batch approved or paid without its row had that row cut from the log
 * (the chain cannot show rows cut from its end) or its status set by
 * hand.
 */
static const char sql_batch_rows[] =
	"WITH rows AS MATERIALIZED ("
	"  SELECT a.action, CAST(substr(a.object, 7) AS INTEGER) AS batch_id"
	"  FROM audit_log a WHERE a.action IN ('settle.approve', 'settle.paid')"
	"   AND a.object LIKE 'batch:%')"
	" SELECT b.reference, b.status,"
	"  EXISTS (SELECT 1 FROM rows r WHERE r.batch_id = b.id"
	"   AND r.action = 'settle.approve') AS approved_row,"
	"  EXISTS (SELECT 1 FROM rows r WHERE r.batch_id = b.id"
	"   AND r.action = 'settle.paid') AS paid_row"
	" FROM settlement_batch b"
	" WHERE (b.status IN ('approved', 'paid') AND NOT approved_row)"
	"  OR (b.status = 'paid' AND NOT paid_row)";

static void
say_batch_rows(sqlite3_stmt *st, char *buf, size_t len)
{
	add(buf, len, "batch %.40s is %.16s, but the audit log has no %s row "
	    "for it", text(st, 0), text(st, 1), I64(2) == 0 ?
	    "settle.approve" : "settle.paid");
}

static const struct money_check {
	const char *name;		/* what holds when no row is found */
	const char *sql;		/* the rows where it does not */
	void (*say)(sqlite3_stmt *st, char *buf, size_t len);
	bool (*keep)(sqlite3_stmt *st);	/* NULL: every row is a problem */
} checks[] = {
	{ "vouchers: each is issued, redeemed, settled, cancelled or "
	  "expired, in its booklet's programme, none outstanding in a "
	  "cancelled booklet", sql_vouchers, say_vouchers, NULL },
	{ "redemptions: each redeemed or settled voucher has exactly one "
	  "accepted redemption", sql_redeemed_once, say_redeemed_once, NULL },
	{ "redemptions: each accepted redemption is of a voucher redeemed or "
	  "settled", sql_accepted_status, say_accepted_status, NULL },
	{ "redemptions: each accepted redemption has its voucher's value",
	  sql_redemption_value, say_redemption_value, NULL },
	{ "redemptions: no serial redeemed twice (counted without the "
	  "unique index)", sql_twice, say_twice, NULL },
	{ "redemptions: each conflict names the accepted redemption of its "
	  "voucher", sql_conflicts, say_conflicts, NULL },
	{ "redemptions: each is for the venue of its session and of its "
	  "terminal", sql_venues, say_venues, NULL },
	{ "deny list: every cancelled, redeemed or settled voucher is on it",
	  sql_denylist, say_denylist, NULL },
	{ "settlement items: each active one is of an accepted redemption of "
	  "its line's venue, in a line paid of a batch not rejected, with no "
	  "upheld dispute; inactive ones are in rejected batches or held "
	  "lines", sql_items, say_items, NULL },
	{ "settlement items: no redemption in two active items (counted "
	  "without the unique index)", sql_items_once, say_items_once, NULL },
	{ "settlement lines: each adds up to its items (vouchers, sessions, "
	  "gross, commission) and pays gross less commission; lines carried "
	  "over have no items", sql_lines, say_lines, NULL },
	{ "held lines: each held out of a draft, by someone, for a reason, "
	  "as a settle.hold row of the audit log records, with no statement; "
	  "each line that log holds out is still held", sql_holds, say_holds,
	  NULL },
	{ "settlement batches: each not rejected adds up to its lines paid "
	  "(lines, vouchers, total; none carried over or held), approved or "
	  "paid ones approved by a second person", sql_batches, say_batches,
	  NULL },
	{ "settled vouchers: exactly those whose redemption is in a paid "
	  "batch", sql_settled, say_settled, NULL },
	{ "settlement items: each is settled for its voucher's value",
	  sql_item_values, say_item_values, NULL },
	{ "settlement items: each names its redemption's voucher, session "
	  "and programme", sql_item_copies, say_item_copies, NULL },
	{ "settlement items: each commission is the rate it was drafted at of "
	  "the value, rounded half up", sql_commissions, say_commissions,
	  NULL },
	{ "settlement files: each still has the hash stored at approval",
	  sql_files, say_files, file_changed },
	{ "settlement files: each is the one the audit log recorded at "
	  "approval (name, size and hash), and each one it recorded is still "
	  "stored", sql_files_recorded, say_files_recorded, NULL },
	{ "settlement batches: each approved or paid one has its "
	  "settle.approve row in the audit log, each paid one its "
	  "settle.paid row", sql_batch_rows, say_batch_rows, NULL },
};

#define N_CHECKS ((int)(sizeof(checks) / sizeof(checks[0])))

int
store_money_checks(void)
{
	return N_CHECKS;
}

const char *
store_money_check_name(int check)
{
	assert(check >= 0 && check < N_CHECKS);
	return checks[check].name;
}

int
store_money_check(struct store *s, int check,
    int (*fn)(void *ctx, const char *problem), void *ctx, int64_t *problems,
    struct pn_error *err)
{
	const struct money_check *c;
	char line[PROBLEM_MAX];
	sqlite3_stmt *st;
	int rc, stop = 0;

	assert(s != NULL);
	assert(check >= 0 && check < N_CHECKS);
	c = &checks[check];
	*problems = 0;
	if (prepare(s, c->sql, &st, err) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->keep != NULL && !c->keep(st))
			continue;
		(*problems)++;
		if (stop != 0)
			continue;	/* counted, not described */
		line[0] = '\0';
		c->say(st, line, sizeof(line));
		stop = fn(ctx, line);
	}
	if (rc != SQLITE_DONE) {
		sq_error(s, rc, "running a money audit query", err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

#undef I64

/* --- Conservation: each programme's vouchers, all and by status -------- */

static const char sql_programmes[] =
	"SELECT p.id, p.name, p.committed, coalesce(a.n, 0), coalesce(a.c, 0),"
	" coalesce(a.n0, 0), coalesce(a.c0, 0), coalesce(a.n1, 0),"
	" coalesce(a.c1, 0), coalesce(a.n2, 0), coalesce(a.c2, 0),"
	" coalesce(a.n3, 0), coalesce(a.c3, 0), coalesce(a.n4, 0),"
	" coalesce(a.c4, 0)"
	" FROM programme p LEFT JOIN (SELECT programme_id, count(*) AS n,"
	"  sum(value) AS c,"
	"  sum(status = 'issued') AS n0,"
	"  sum(CASE WHEN status = 'issued' THEN value ELSE 0 END) AS c0,"
	"  sum(status = 'redeemed') AS n1,"
	"  sum(CASE WHEN status = 'redeemed' THEN value ELSE 0 END) AS c1,"
	"  sum(status = 'settled') AS n2,"
	"  sum(CASE WHEN status = 'settled' THEN value ELSE 0 END) AS c2,"
	"  sum(status = 'cancelled') AS n3,"
	"  sum(CASE WHEN status = 'cancelled' THEN value ELSE 0 END) AS c3,"
	"  sum(status = 'expired') AS n4,"
	"  sum(CASE WHEN status = 'expired' THEN value ELSE 0 END) AS c4"
	"  FROM voucher GROUP BY programme_id) a ON a.programme_id = p.id"
	" ORDER BY p.id";

int
store_money_programmes(struct store *s,
    int (*fn)(void *ctx, const struct store_money_programme *p), void *ctx,
    struct pn_error *err)
{
	struct store_money_programme p;
	sqlite3_stmt *st;
	int i, rc, stop = 0;

	assert(s != NULL);
	if (prepare(s, sql_programmes, &st, err) != 0)
		return -1;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.id = sqlite3_column_int64(st, 0);
		sq_copy_text(p.name, sizeof(p.name), st, 1);
		p.committed = sqlite3_column_int64(st, 2);
		p.count = sqlite3_column_int64(st, 3);
		p.cents = sqlite3_column_int64(st, 4);
		for (i = 0; i < STORE_MONEY_STATUSES; i++) {
			p.n[i] = sqlite3_column_int64(st, 5 + 2 * i);
			p.c[i] = sqlite3_column_int64(st, 6 + 2 * i);
		}
		stop = fn(ctx, &p);
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		sq_error(s, rc, "counting each programme's vouchers", err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* --- Vouchers and keys, for their signatures --------------------------- */

/* Column col is an integer from lo to hi. */
static bool
in_range(sqlite3_stmt *st, int col, int64_t lo, int64_t hi)
{
	int64_t v = sqlite3_column_int64(st, col);

	return sqlite3_column_type(st, col) == SQLITE_INTEGER && v >= lo &&
	    v <= hi;
}

int
store_money_vouchers(struct store *s,
    int (*fn)(void *ctx, const struct store_voucher_record *r), void *ctx,
    struct pn_error *err)
{
	struct store_voucher_record r;
	const void *sig;
	sqlite3_stmt *st;
	int rc, stop = 0;

	assert(s != NULL);
	if (prepare(s, "SELECT serial, programme_id, kid, value, issued_at,"
	    " expires_at, signature FROM voucher ORDER BY serial", &st,
	    err) != 0)
		return -1;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.v.format = PN_VOUCHER_FORMAT;
		r.v.serial = (uint64_t)sqlite3_column_int64(st, 0);
		r.v.programme = (uint32_t)sqlite3_column_int64(st, 1);
		r.v.kid = (uint16_t)sqlite3_column_int64(st, 2);
		r.v.value_cents = (uint32_t)sqlite3_column_int64(st, 3);
		r.v.issued_at = (uint32_t)sqlite3_column_int64(st, 4);
		r.v.expires_at = (uint32_t)sqlite3_column_int64(st, 5);
		sig = sqlite3_column_blob(st, 6);
		r.fits = in_range(st, 0, 1, INT64_MAX) &&
		    in_range(st, 1, 0, UINT32_MAX) &&
		    in_range(st, 2, 1, UINT16_MAX) &&
		    in_range(st, 3, 1, UINT32_MAX) &&
		    in_range(st, 4, 0, UINT32_MAX) &&
		    in_range(st, 5, 0, UINT32_MAX) && sig != NULL &&
		    sqlite3_column_bytes(st, 6) == PN_SIGNATURE_SIZE;
		if (sig != NULL && sqlite3_column_bytes(st, 6) ==
		    PN_SIGNATURE_SIZE)
			memcpy(r.v.signature, sig, PN_SIGNATURE_SIZE);
		stop = fn(ctx, &r);
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		sq_error(s, rc, "reading the vouchers", err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Column col is a blob of exactly n bytes: copied to out. */
static bool
blob_of(sqlite3_stmt *st, int col, void *out, size_t n)
{
	const void *b = sqlite3_column_blob(st, col);

	if (b == NULL || (size_t)sqlite3_column_bytes(st, col) != n)
		return false;
	memcpy(out, b, n);
	return true;
}

int
store_money_redemptions(struct store *s,
    int (*fn)(void *ctx, const struct store_redemption_record *r), void *ctx,
    struct pn_error *err)
{
	struct store_redemption_record r;
	struct pn_voucher *v;
	sqlite3_stmt *st;
	int rc, stop = 0;

	assert(s != NULL);
	if (prepare(s, "SELECT r.id, r.redemption_id, r.terminal_id,"
	    " t.public_key, ts.uid, r.terminal_time, r.counter,"
	    " r.record_signature, r.flags, r.answer, v.serial, v.programme_id,"
	    " v.kid, v.value, v.issued_at, v.expires_at, v.signature"
	    " FROM redemption r JOIN terminal t ON t.id = r.terminal_id"
	    " JOIN training_session ts ON ts.id = r.session_id"
	    " JOIN voucher v ON v.serial = r.serial ORDER BY r.id", &st,
	    err) != 0)
		return -1;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.terminal = sqlite3_column_int64(st, 2);
		r.terminal_time = sqlite3_column_int64(st, 5);
		r.counter = sqlite3_column_int64(st, 6);
		r.flags = sqlite3_column_int64(st, 8);
		r.answer = (const char *)sqlite3_column_text(st, 9);
		v = &r.voucher.v;
		v->format = PN_VOUCHER_FORMAT;
		v->serial = (uint64_t)sqlite3_column_int64(st, 10);
		v->programme = (uint32_t)sqlite3_column_int64(st, 11);
		v->kid = (uint16_t)sqlite3_column_int64(st, 12);
		v->value_cents = (uint32_t)sqlite3_column_int64(st, 13);
		v->issued_at = (uint32_t)sqlite3_column_int64(st, 14);
		v->expires_at = (uint32_t)sqlite3_column_int64(st, 15);
		r.voucher.fits = in_range(st, 10, 1, INT64_MAX) &&
		    in_range(st, 11, 0, UINT32_MAX) &&
		    in_range(st, 12, 1, UINT16_MAX) &&
		    in_range(st, 13, 1, UINT32_MAX) &&
		    in_range(st, 14, 0, UINT32_MAX) &&
		    in_range(st, 15, 0, UINT32_MAX) &&
		    blob_of(st, 16, v->signature, PN_SIGNATURE_SIZE);
		r.fits = blob_of(st, 1, r.redemption_id, 16) &&
		    blob_of(st, 3, r.terminal_pk, 32) &&
		    blob_of(st, 4, r.session_uid, 16) &&
		    blob_of(st, 7, r.record_signature, 64) &&
		    in_range(st, 2, 1, INT64_MAX) &&
		    in_range(st, 5, 0, INT64_MAX) &&
		    in_range(st, 6, 0, INT64_MAX) && r.answer != NULL;
		stop = fn(ctx, &r);
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		sq_error(s, rc, "reading the redemptions", err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
store_money_keys(struct store *s,
    int (*fn)(void *ctx, const struct store_key_record *k), void *ctx,
    struct pn_error *err)
{
	struct store_key_record k;
	sqlite3_stmt *st;
	int rc, stop = 0;

	assert(s != NULL);
	if (prepare(s, "SELECT kid, public_key, cert FROM signing_key"
	    " ORDER BY kid", &st, err) != 0)
		return -1;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&k, 0, sizeof(k));
		k.kid = sqlite3_column_int64(st, 0);
		/* blob() before bytes(), as SQLite asks. */
		k.public_key = sqlite3_column_blob(st, 1);
		k.pk_len = (size_t)sqlite3_column_bytes(st, 1);
		k.cert = sqlite3_column_blob(st, 2);
		k.cert_len = (size_t)sqlite3_column_bytes(st, 2);
		stop = fn(ctx, &k);
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		sq_error(s, rc, "reading the signing keys", err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}
