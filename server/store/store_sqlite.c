/* store_sqlite.c -- the store on SQLite: hardened connections, migrations, transactions.
 *
 * With store_sqlite_*.c, the only server files that include <sqlite3.h>.
 * docs/store.md explains the choices made here. The audit chain is in
 * store_sqlite_audit.c.
 *
 * Schema versions (PRAGMA user_version); store_migrations[i] goes from i to i+1:
 *
 *   0  empty database (a new file)
 *   1  audit_log (the hash-chained, append-only log), meta (key -> value)
 *   2  agency, programme, user, api_token, signing_key, beneficiary,
 *      booklet, voucher, serial_counter
 *   3  voucher.cancelled_at and cancel_reason; deny_event (the deny list)
 *   4  programme.instructions and venues (the booklet's cover);
 *      web_session (browser sessions), login_failure (throttling)
 *
 * The scripts are in store_sqlite_schema.c; a new feature adds its tables
 * with a new entry at the end of store_migrations[];
 * an entry that has shipped is never edited.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_sqlite.h"

/* Milliseconds between two attempts to switch a new file to WAL. */
#define JOURNAL_RETRY_MS 5

/* Rows of PRAGMA integrity_check quoted in the error message. */
#define INTEGRITY_ROWS_SHOWN 5

#define SCHEMA_LATEST store_migrations_count


/* Every statement of struct store, prepared once by store_open(). */
static const struct {
	size_t offset;		/* of the sqlite3_stmt * in struct store */
	const char *sql;
} statements[] = {
	{ offsetof(struct store, begin), "BEGIN IMMEDIATE" },
	{ offsetof(struct store, commit), "COMMIT" },
	{ offsetof(struct store, rollback), "ROLLBACK" },
	{ offsetof(struct store, user_version), "PRAGMA user_version" },
	{ offsetof(struct store, health_probe),
	  "INSERT INTO meta (key, value)"
	  " VALUES ('health_probe', ?1 || ' ' || hex(zeroblob(?2)))"
	  " ON CONFLICT (key) DO UPDATE SET value = excluded.value" },
	{ offsetof(struct store, integrity), "PRAGMA integrity_check" },
	{ offsetof(struct store, audit_last),
	  "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1" },
	{ offsetof(struct store, audit_insert),
	  "INSERT INTO audit_log"
	  " (id, at, actor, action, object, detail, prev_hash, hash)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },
	{ offsetof(struct store, audit_walk),
	  "SELECT id, at, actor, action, object, detail, prev_hash, hash"
	  " FROM audit_log ORDER BY id" },

	{ offsetof(struct store, agency_insert),
	  "INSERT INTO agency (name, kind, commune) VALUES (?1, ?2, ?3)" },
	{ offsetof(struct store, programme_insert),
	  "INSERT INTO programme (name, face_value, per_booklet, validity,"
	  " territory, budget, max_booklets, created_at, instructions, venues)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)" },
	{ offsetof(struct store, programme_get),
	  "SELECT id, name, face_value, per_booklet, validity, territory,"
	  " budget, committed, max_booklets, instructions, venues,"
	  " commission_bp, budget_line, max_per_session FROM programme"
	  " WHERE id = ?1" },
	{ offsetof(struct store, programme_all),
	  "SELECT id, name, face_value, per_booklet, validity, territory,"
	  " budget, committed, max_booklets, instructions, venues,"
	  " commission_bp, budget_line, max_per_session FROM programme"
	  " ORDER BY id" },
	/* A venue_id that names no venue fails the foreign key. */
	{ offsetof(struct store, user_insert),
	  "INSERT INTO user (login, display_name, role, agency_id,"
	  " password_hash, created_at, venue_id)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
	{ offsetof(struct store, token_insert),
	  "INSERT INTO api_token (user_id, token_hash, label, created_at,"
	  " expires_at) SELECT id, ?1, ?2, ?3, ?5 FROM user WHERE login = ?4" },
	{ offsetof(struct store, token_lookup),
	  "SELECT u.id, u.role, coalesce(u.agency_id, 0),"
	  " coalesce(u.venue_id, 0), u.login, u.display_name"
	  " FROM api_token t JOIN user u ON u.id = t.user_id"
	  " WHERE t.token_hash = ?1 AND t.revoked = 0 AND u.disabled = 0"
	  " AND (t.expires_at IS NULL OR t.expires_at > ?2)" },
	{ offsetof(struct store, token_revoke),
	  "UPDATE api_token SET revoked = 1, revoked_at = ?2"
	  " WHERE id = ?1 AND revoked = 0" },
	{ offsetof(struct store, token_exists),
	  "SELECT t.id, u.login, t.label FROM api_token t"
	  " JOIN user u ON u.id = t.user_id WHERE t.id = ?1" },
	{ offsetof(struct store, token_all),
	  "SELECT t.id, u.login, t.label, t.created_at,"
	  " coalesce(t.expires_at, 0), t.revoked, coalesce(t.revoked_at, 0)"
	  " FROM api_token t JOIN user u ON u.id = t.user_id"
	  " WHERE ?1 IS NULL OR u.login = ?1 ORDER BY t.id" },
	{ offsetof(struct store, tokens_revoke_user),
	  "UPDATE api_token SET revoked = 1, revoked_at = ?2"
	  " WHERE user_id = ?1 AND revoked = 0" },
	{ offsetof(struct store, user_credentials),
	  "SELECT id, role, coalesce(agency_id, 0), coalesce(venue_id, 0),"
	  " login, display_name, password_hash, disabled"
	  " FROM user WHERE login = ?1" },
	/* ?1 is NULL for an unknown login: "IS" matches it. */
	{ offsetof(struct store, failures_count),
	  "SELECT (SELECT count(*) FROM login_failure"
	  "         WHERE login IS ?1 AND address = ?2 AND at > ?3),"
	  "       (SELECT coalesce(max(at), 0) FROM login_failure"
	  "         WHERE login IS ?1 AND address = ?2 AND at > ?3),"
	  "       (SELECT count(*) FROM login_failure"
	  "         WHERE address = ?2 AND at > ?3),"
	  "       (SELECT coalesce(min(at), 0) FROM login_failure"
	  "         WHERE address = ?2 AND at > ?3)" },
	{ offsetof(struct store, failure_insert),
	  "INSERT INTO login_failure (login, address, at) VALUES (?1, ?2, ?3)" },
	{ offsetof(struct store, failures_forget),
	  "DELETE FROM login_failure WHERE at <= ?1" },
	{ offsetof(struct store, failures_clear),
	  "DELETE FROM login_failure WHERE login = ?1 AND address = ?2" },
	{ offsetof(struct store, session_insert),
	  "INSERT INTO web_session (token_hash, csrf_token, user_id,"
	  " created_at, last_seen, address) VALUES (?1, ?2, ?3, ?4, ?4, ?5)" },
	{ offsetof(struct store, sessions_forget),
	  "DELETE FROM web_session WHERE last_seen <= ?1" },
	{ offsetof(struct store, session_lookup),
	  "SELECT s.id, s.csrf_token, s.created_at, s.last_seen, u.id, u.role,"
	  " coalesce(u.agency_id, 0), coalesce(u.venue_id, 0), u.login,"
	  " u.display_name"
	  " FROM web_session s JOIN user u ON u.id = s.user_id"
	  " WHERE s.token_hash = ?1 AND u.disabled = 0" },
	{ offsetof(struct store, session_touch),
	  "UPDATE web_session SET last_seen = ?2 WHERE id = ?1" },
	{ offsetof(struct store, session_delete),
	  "DELETE FROM web_session WHERE id = ?1" },
	{ offsetof(struct store, key_insert),
	  "INSERT INTO signing_key (kid, public_key, valid_from, sign_until,"
	  " verify_until, cert, created_at)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
	{ offsetof(struct store, key_get),
	  "SELECT public_key FROM signing_key WHERE kid = ?1" },
	{ offsetof(struct store, key_all),
	  "SELECT kid, cert FROM signing_key ORDER BY kid" },
	{ offsetof(struct store, user_all),
	  "SELECT u.id, u.login, u.display_name, u.role,"
	  " coalesce(u.agency_id, 0), coalesce(a.name, ''), u.disabled,"
	  " coalesce(u.venue_id, 0), coalesce(v.siret, ''),"
	  " coalesce(v.name, '')"
	  " FROM user u LEFT JOIN agency a ON a.id = u.agency_id"
	  " LEFT JOIN venue v ON v.id = u.venue_id"
	  " ORDER BY u.login" },
	{ offsetof(struct store, user_find),
	  "SELECT id, disabled FROM user WHERE login = ?1" },
	{ offsetof(struct store, user_set_disabled),
	  "UPDATE user SET disabled = ?2 WHERE id = ?1" },
	{ offsetof(struct store, user_set_password),
	  "UPDATE user SET password_hash = ?2 WHERE id = ?1" },
	{ offsetof(struct store, session_end_user),
	  "DELETE FROM web_session WHERE user_id = ?1" },

	{ offsetof(struct store, beneficiary_upsert),
	  "INSERT INTO beneficiary (ref_hash, pathway, age_band, commune,"
	  " created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	  " ON CONFLICT (ref_hash) DO UPDATE SET pathway = excluded.pathway,"
	  " age_band = excluded.age_band, commune = excluded.commune"
	  " RETURNING id" },
	/* A beneficiary hashed as typed (before schema 11), once. */
	{ offsetof(struct store, beneficiary_rekey),
	  "UPDATE beneficiary SET ref_hash = ?1 WHERE ref_hash = ?2"
	  " AND NOT EXISTS (SELECT 1 FROM beneficiary WHERE ref_hash = ?1)" },
	{ offsetof(struct store, booklet_count),
	  "SELECT count(*) FROM booklet WHERE beneficiary_id = ?1"
	  " AND programme_id = ?2 AND status = 'issued'" },
	/* The budget check and its update are one statement. */
	{ offsetof(struct store, programme_commit),
	  "UPDATE programme SET committed = committed + ?1"
	  " WHERE id = ?2 AND committed + ?1 <= budget" },
	{ offsetof(struct store, serial_next),
	  "SELECT next FROM serial_counter WHERE id = 1" },
	{ offsetof(struct store, serial_advance),
	  "UPDATE serial_counter SET next = next + ?1 WHERE id = 1" },
	{ offsetof(struct store, booklet_insert),
	  "INSERT INTO booklet (programme_id, beneficiary_id, agency_id,"
	  " issued_by, issued_at, override_reason)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)" },
	{ offsetof(struct store, voucher_insert),
	  "INSERT INTO voucher (serial, booklet_id, programme_id, kid, value,"
	  " issued_at, expires_at, signature)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },
	{ offsetof(struct store, idem_find),
	  "SELECT booklet_id, request_hash FROM booklet_idempotency"
	  " WHERE user_id = ?1 AND key = ?2" },
	{ offsetof(struct store, idem_insert),
	  "INSERT INTO booklet_idempotency (user_id, key, request_hash,"
	  " booklet_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)" },
	{ offsetof(struct store, booklet_get),
	  "SELECT b.id, b.programme_id, p.name, b.issued_at, b.issued_by,"
	  " coalesce(b.agency_id, 0), b.status"
	  " FROM booklet b JOIN programme p ON p.id = b.programme_id"
	  " WHERE b.id = ?1" },
	{ offsetof(struct store, booklet_vouchers),
	  "SELECT serial, kid, value, issued_at, expires_at, signature, status"
	  " FROM voucher WHERE booklet_id = ?1 ORDER BY serial" },
	{ offsetof(struct store, venue_insert),
	  "INSERT INTO venue (name, siret, address, commune, iban, bic,"
	  " contact, accredited_from, accredited_until, created_at)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)" },
	{ offsetof(struct store, venue_all),
	  "SELECT id, name, siret, address, commune, iban, bic, contact,"
	  " accredited_from, coalesce(accredited_until, 0), status,"
	  " coalesce(status_reason, '') FROM venue ORDER BY id" },
	{ offsetof(struct store, venue_find),
	  "SELECT id, status FROM venue WHERE siret = ?1" },
	{ offsetof(struct store, venue_set_status),
	  "UPDATE venue SET status = ?2, status_reason = ?3 WHERE id = ?1" },
	{ offsetof(struct store, venue_get),
	  "SELECT id, name, siret, address, commune, iban, bic, contact,"
	  " accredited_from, coalesce(accredited_until, 0), status,"
	  " coalesce(status_reason, '') FROM venue WHERE id = ?1" },
	{ offsetof(struct store, venue_by_siret),
	  "SELECT id, name, siret, address, commune, iban, bic, contact,"
	  " accredited_from, coalesce(accredited_until, 0), status,"
	  " coalesce(status_reason, '') FROM venue WHERE siret = ?1" },

	/*
	 * The venue pages. A session belongs to the venue of its row; a
	 * month is the sessions that start in [?2, ?3) (index
	 * training_session_venue), and their redemptions (redemption_session).
	 */
	{ offsetof(struct store, venue_month),
	  "SELECT count(DISTINCT t.id),"
	  " count(CASE WHEN r.outcome = 'accepted' THEN 1 END),"
	  " coalesce(sum(CASE WHEN r.outcome = 'accepted' THEN r.value END), 0),"
	  " count(CASE WHEN r.outcome = 'conflict' THEN 1 END)"
	  " FROM training_session t"
	  " LEFT JOIN redemption r ON r.session_id = t.id"
	  " WHERE t.venue_id = ?1 AND t.starts_at >= ?2 AND t.starts_at < ?3" },
	{ offsetof(struct store, venue_sessions),
	  "SELECT t.id, t.theme, t.starts_at, t.duration_minutes,"
	  " t.declared_at, t.terminal_id, te.label,"
	  " count(CASE WHEN r.outcome = 'accepted' THEN 1 END),"
	  " coalesce(sum(CASE WHEN r.outcome = 'accepted' THEN r.value END), 0),"
	  " count(CASE WHEN r.outcome = 'conflict' THEN 1 END)"
	  " FROM training_session t JOIN terminal te ON te.id = t.terminal_id"
	  " LEFT JOIN redemption r ON r.session_id = t.id"
	  " WHERE t.venue_id = ?1 AND t.starts_at >= ?2 AND t.starts_at < ?3"
	  " GROUP BY t.id ORDER BY t.starts_at, t.id" },
	{ offsetof(struct store, venue_session_get),
	  "SELECT t.id, t.theme, t.starts_at, t.duration_minutes,"
	  " t.declared_at, t.terminal_id, te.label,"
	  " count(CASE WHEN r.outcome = 'accepted' THEN 1 END),"
	  " coalesce(sum(CASE WHEN r.outcome = 'accepted' THEN r.value END), 0),"
	  " count(CASE WHEN r.outcome = 'conflict' THEN 1 END)"
	  " FROM training_session t JOIN terminal te ON te.id = t.terminal_id"
	  " LEFT JOIN redemption r ON r.session_id = t.id"
	  " WHERE t.id = ?2 AND t.venue_id = ?1 GROUP BY t.id" },
	/* The session is looked up with its venue: another's gives no row. */
	{ offsetof(struct store, venue_session_redemptions),
	  "SELECT r.id, r.serial, r.value, r.outcome = 'accepted',"
	  " r.terminal_time, r.received_at, te.label"
	  " FROM redemption r JOIN terminal te ON te.id = r.terminal_id"
	  " WHERE r.session_id = (SELECT id FROM training_session"
	  "  WHERE id = ?2 AND venue_id = ?1)"
	  " ORDER BY r.terminal_time, r.id" },
	/* The proof of a conflict: the record that won, and its venue. */
	{ offsetof(struct store, venue_conflicts),
	  "SELECT r.id, r.serial, r.value, 0, r.terminal_time, r.received_at,"
	  " te.label, t.id, t.theme, t.starts_at, wv.id, wv.name,"
	  " w.terminal_time, w.received_at"
	  " FROM redemption r JOIN terminal te ON te.id = r.terminal_id"
	  " JOIN training_session t ON t.id = r.session_id"
	  " JOIN redemption w ON w.id = r.winner_id"
	  " JOIN venue wv ON wv.id = w.venue_id"
	  " WHERE r.venue_id = ?1 AND r.outcome = 'conflict'"
	  " ORDER BY r.received_at DESC, r.id DESC LIMIT ?2" },
	{ offsetof(struct store, booklet_recent),
	  "SELECT b.id, p.name, be.commune, b.issued_at, b.status,"
	  " count(v.serial), sum(v.status = 'issued'), sum(v.value)"
	  " FROM booklet b JOIN programme p ON p.id = b.programme_id"
	  " JOIN beneficiary be ON be.id = b.beneficiary_id"
	  " JOIN voucher v ON v.booklet_id = b.id"
	  " WHERE b.id IN (SELECT id FROM booklet WHERE issued_by = ?1"
	  "  ORDER BY id DESC LIMIT ?2)"
	  " GROUP BY b.id ORDER BY b.id DESC" },
	{ offsetof(struct store, voucher_find),
	  "SELECT v.status, coalesce(b.agency_id, 0), v.booklet_id"
	  " FROM voucher v JOIN booklet b ON b.id = v.booklet_id"
	  " WHERE v.serial = ?1" },
	{ offsetof(struct store, voucher_cancel),
	  "UPDATE voucher SET status = 'cancelled', cancelled_at = ?2,"
	  " cancel_reason = ?3 WHERE serial = ?1 AND status = 'issued'" },
	{ offsetof(struct store, deny_insert),
	  "INSERT INTO deny_event (serial, reason, at) VALUES (?1, 1, ?2)" },
	{ offsetof(struct store, booklet_find),
	  "SELECT status, coalesce(agency_id, 0) FROM booklet WHERE id = ?1" },
	{ offsetof(struct store, booklet_deny_all),
	  "INSERT INTO deny_event (serial, reason, at) SELECT serial, 1, ?2"
	  " FROM voucher WHERE booklet_id = ?1 AND status = 'issued'" },
	{ offsetof(struct store, booklet_cancel_vouchers),
	  "UPDATE voucher SET status = 'cancelled', cancelled_at = ?2,"
	  " cancel_reason = ?3 WHERE booklet_id = ?1 AND status = 'issued'" },
	{ offsetof(struct store, booklet_cancel),
	  "UPDATE booklet SET status = 'cancelled', cancel_reason = ?2"
	  " WHERE id = ?1 AND status = 'issued'" },
	{ offsetof(struct store, voucher_info),
	  "SELECT v.serial, v.kid, v.value, v.issued_at, v.expires_at,"
	  " v.signature, v.status, v.booklet_id, v.programme_id,"
	  " coalesce(b.agency_id, 0), coalesce(v.cancelled_at, 0),"
	  " coalesce(v.cancel_reason, '')"
	  " FROM voucher v JOIN booklet b ON b.id = v.booklet_id"
	  " WHERE v.serial = ?1" },
	{ offsetof(struct store, read_begin), "BEGIN DEFERRED" },
	{ offsetof(struct store, deny_since),
	  "SELECT d.serial, v.expires_at, d.reason FROM deny_event d"
	  " JOIN voucher v ON v.serial = d.serial WHERE d.seq > ?1"
	  " ORDER BY d.serial" },
	{ offsetof(struct store, deny_last),
	  "SELECT coalesce(max(seq), ?1) FROM deny_event" },
#define TERMINAL_SELECT \
	"SELECT t.id, t.venue_id, v.name, v.siret, v.status," \
	" v.accredited_from, coalesce(v.accredited_until, 0), t.public_key," \
	" t.label, t.enrolled_at, coalesce(t.revoked_at, 0)," \
	" coalesce(t.revoke_reason, ''), coalesce(t.suspended_at, 0)," \
	" coalesce(t.suspend_reason, ''), coalesce(t.seen_at, 0)," \
	" coalesce(t.contact_since, 0), coalesce(t.seen_before, 0)" \
	" FROM terminal t" \
	" JOIN venue v ON v.id = t.venue_id"
	{ offsetof(struct store, enrol_code_insert),
	  "INSERT INTO enrol_code (venue_id, code_hash, created_at, expires_at)"
	  " VALUES (?1, ?2, ?3, ?4)" },
	{ offsetof(struct store, enrol_code_find),
	  "SELECT id, venue_id FROM enrol_code WHERE code_hash = ?1"
	  " AND used_at IS NULL AND expires_at > ?2" },
	{ offsetof(struct store, enrol_code_use),
	  "UPDATE enrol_code SET used_at = ?2, terminal_id = ?3"
	  " WHERE id = ?1 AND used_at IS NULL" },
	{ offsetof(struct store, terminal_insert),
	  "INSERT INTO terminal (venue_id, public_key, label, enrolled_at)"
	  " VALUES (?1, ?2, ?3, ?4)" },
	{ offsetof(struct store, terminal_get), TERMINAL_SELECT
	  " WHERE t.id = ?1" },
	{ offsetof(struct store, terminal_all), TERMINAL_SELECT
	  " ORDER BY t.id" },
	{ offsetof(struct store, terminal_revoke),
	  "UPDATE terminal SET revoked_at = ?2, revoke_reason = ?3"
	  " WHERE id = ?1 AND revoked_at IS NULL" },
	{ offsetof(struct store, nonce_insert),
	  "INSERT INTO terminal_nonce (at, terminal_id, nonce)"
	  " VALUES (?1, ?2, ?3)" },
	{ offsetof(struct store, nonce_forget),
	  "DELETE FROM terminal_nonce WHERE at < ?1" },
	/*
	 * A run of contact: a request more than ?3 s after the previous one,
	 * or ?4 s after the run began, starts a new one, and the latest
	 * exchange before it is kept (honest_time.h says the same in C).
	 */
	{ offsetof(struct store, terminal_seen),
	  "UPDATE terminal SET"
	  " seen_before = CASE WHEN seen_at IS NULL OR ?2 - seen_at > ?3"
	  "  OR ?2 - contact_since > ?4 THEN seen_at ELSE seen_before END,"
	  " contact_since = CASE WHEN seen_at IS NULL OR ?2 - seen_at > ?3"
	  "  OR ?2 - contact_since > ?4 THEN ?2 ELSE contact_since END,"
	  " seen_at = max(coalesce(seen_at, 0), ?2)"
	  " WHERE id = ?1" },
#define TRAINING_SELECT \
	"SELECT id, uid, venue_id, terminal_id, theme, starts_at," \
	" duration_minutes, declared_at FROM training_session"
	{ offsetof(struct store, training_insert),
	  "INSERT INTO training_session (uid, venue_id, terminal_id, theme,"
	  " starts_at, duration_minutes, declared_at)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
	{ offsetof(struct store, training_by_uid), TRAINING_SELECT
	  " WHERE uid = ?1" },
	{ offsetof(struct store, training_recent), TRAINING_SELECT
	  " WHERE venue_id = ?1 ORDER BY starts_at DESC, id DESC LIMIT ?2" },
	{ offsetof(struct store, redemption_by_id),
	  "SELECT serial, terminal_id, outcome, answer FROM redemption"
	  " WHERE redemption_id = ?1" },
	/* Only the very voucher issued: every signed field and the signature. */
	{ offsetof(struct store, voucher_take),
	  "UPDATE voucher SET status = 'redeemed'"
	  " WHERE serial = ?1 AND status = 'issued' AND kid = ?2"
	  " AND programme_id = ?3 AND value = ?4 AND issued_at = ?5"
	  " AND expires_at = ?6 AND signature = ?7" },
	{ offsetof(struct store, voucher_state),
	  "SELECT status, value, kid = ?2 AND programme_id = ?3 AND value = ?4"
	  " AND issued_at = ?5 AND expires_at = ?6 AND signature = ?7"
	  " FROM voucher WHERE serial = ?1" },
	{ offsetof(struct store, redemption_winner),
	  "SELECT r.id, r.redemption_id, r.venue_id, v.name, r.received_at"
	  " FROM redemption r JOIN venue v ON v.id = r.venue_id"
	  " WHERE r.serial = ?1 AND r.outcome = 'accepted'" },
	{ offsetof(struct store, redemption_insert),
	  "INSERT INTO redemption (redemption_id, serial, session_id,"
	  " terminal_id, venue_id, terminal_time, counter, record_signature,"
	  " outcome, winner_id, value, received_at, answer, flags)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	  " ?14)" },
	{ offsetof(struct store, voucher_by_serial),
	  "SELECT kid, programme_id, value, issued_at, expires_at, signature"
	  " FROM voucher WHERE serial = ?1" },
	/*
	 * Through the booklet's few vouchers (voucher_booklet) and the
	 * accepted redemption of each (redemption_once), not through the
	 * session's redemptions, which may be thousands; and not at all when
	 * the rule allows a whole booklet in a session.
	 */
	{ offsetof(struct store, booklet_in_session),
	  "SELECT p.max_per_session, CASE WHEN p.max_per_session"
	  "  < p.per_booklet THEN (SELECT count(*) FROM voucher o"
	  "  JOIN redemption r ON r.serial = o.serial AND r.outcome = 'accepted'"
	  "  WHERE o.booklet_id = v.booklet_id AND o.serial <> v.serial"
	  "  AND r.session_id = ?2) ELSE 0 END"
	  " FROM voucher v JOIN programme p ON p.id = v.programme_id"
	  " WHERE v.serial = ?1" },
	{ offsetof(struct store, key_failure_insert),
	  "INSERT INTO control_key_failure (at, terminal_id, venue_id, serial,"
	  " redemption_id) VALUES (?1, ?2, ?3, ?4, ?5)"
	  " ON CONFLICT (redemption_id) DO NOTHING" },
	{ offsetof(struct store, key_failure_count),
	  "SELECT (SELECT count(*) FROM control_key_failure"
	  "  WHERE terminal_id = ?1 AND at > ?3),"
	  " (SELECT count(*) FROM control_key_failure"
	  "  WHERE venue_id = ?2 AND at > ?3)" },
	{ offsetof(struct store, terminal_suspend),
	  "UPDATE terminal SET suspended_at = ?2, suspend_reason = ?3"
	  " WHERE id = ?1 AND suspended_at IS NULL" },
	{ offsetof(struct store, deny_redeemed),
	  "INSERT OR IGNORE INTO deny_event (serial, reason, at)"
	  " VALUES (?1, 2, ?2)" },
	{ offsetof(struct store, expire_count),
	  "SELECT count(*), coalesce(sum(value), 0) FROM voucher"
	  " WHERE status = 'issued' AND expires_at < ?1" },
	{ offsetof(struct store, expire_mark),
	  "UPDATE voucher SET status = 'expired'"
	  " WHERE status = 'issued' AND expires_at < ?1" },
	{ offsetof(struct store, savepoint), "SAVEPOINT job" },
	{ offsetof(struct store, savepoint_undo), "ROLLBACK TO job" },
	{ offsetof(struct store, savepoint_release), "RELEASE job" },

	/*
	 * The funder's report, in one pass over the vouchers: tallied first
	 * by booklet (in the order of index voucher_booklet, so no sort),
	 * then the booklets by programme, agency and commune. A sum over
	 * no row is NULL: read as 0.
	 */
	{ offsetof(struct store, report_funder),
	  "SELECT b.programme_id, p.name, coalesce(b.agency_id, 0),"
	  " coalesce(a.name, ''), be.commune,"
	  " sum(x.o), sum(x.oc), sum(x.r), sum(x.rc), sum(x.s), sum(x.sc),"
	  " sum(x.e), sum(x.ec), sum(x.c), sum(x.cc)"
	  " FROM (SELECT booklet_id,"
	  "  count(*) FILTER (WHERE status = 'issued') AS o,"
	  "  sum(value) FILTER (WHERE status = 'issued') AS oc,"
	  "  count(*) FILTER (WHERE status = 'redeemed') AS r,"
	  "  sum(value) FILTER (WHERE status = 'redeemed') AS rc,"
	  "  count(*) FILTER (WHERE status = 'settled') AS s,"
	  "  sum(value) FILTER (WHERE status = 'settled') AS sc,"
	  "  count(*) FILTER (WHERE status = 'expired') AS e,"
	  "  sum(value) FILTER (WHERE status = 'expired') AS ec,"
	  "  count(*) FILTER (WHERE status = 'cancelled') AS c,"
	  "  sum(value) FILTER (WHERE status = 'cancelled') AS cc"
	  "  FROM voucher WHERE ?1 = 0 OR programme_id = ?1"
	  "  GROUP BY booklet_id) x"
	  " JOIN booklet b ON b.id = x.booklet_id"
	  " JOIN beneficiary be ON be.id = b.beneficiary_id"
	  " JOIN programme p ON p.id = b.programme_id"
	  " LEFT JOIN agency a ON a.id = b.agency_id"
	  " GROUP BY b.programme_id, b.agency_id, be.commune"
	  " ORDER BY b.programme_id, b.agency_id, be.commune" },
};

#define N_STATEMENTS (sizeof(statements) / sizeof(statements[0]))

static sqlite3_stmt **
stmt_slot(struct store *s, size_t i)
{
	assert(i < N_STATEMENTS);
	return (sqlite3_stmt **)(void *)((char *)s + statements[i].offset);
}

/* The pn_errcode for a failed SQLite call. */
static enum pn_errcode
code_of(int rc)
{
	return (rc & 0xff) == SQLITE_NOMEM ? PN_E_NOMEM : PN_E_IO;
}

/*
 * Record "PATH: WHAT: sqlite's message" for a call on db that returned rc.
 * Call it before any other call on db, which would replace the message.
 * Returns -1.
 */
static int
db_error(sqlite3 *db, const char *path, int rc, const char *what,
    struct pn_error *err)
{
	char why[PN_ERROR_MESSAGE_MAX];

	(void)snprintf(why, sizeof(why), "%s: %s: %s", path, what,
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sq_health_failed(rc, why);
	return pn_error_set(err, code_of(rc), "%s", why);
}

/* Make st ready for its next use: on every path, after every use. */
static void
stmt_done(sqlite3_stmt *st)
{
	/* reset() repeats the error of the last step(), already reported. */
	(void)sqlite3_reset(st);
	(void)sqlite3_clear_bindings(st);
}

/* Run a statement that returns no row (BEGIN, COMMIT, ROLLBACK). */
static int
stmt_run(struct store *s, sqlite3_stmt *st, const char *what,
    struct pn_error *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		db_error(s->db, s->path, rc, what, err);
		stmt_done(st);
		return -1;
	}
	stmt_done(st);
	return 0;
}

/* Roll back a transaction that may already have been rolled back by SQLite. */
static void
rollback_if_open(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)stmt_run(s, s->rollback, "ROLLBACK", NULL);
}

int
sq_error(struct store *s, int rc, const char *what, struct pn_error *err)
{
	return db_error(s->db, s->path, rc, what, err);
}

int
sq_step_done(struct store *s, sqlite3_stmt *st, const char *what,
    struct pn_error *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		sq_error(s, rc, what, err);
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
sq_copy_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	(void)snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

void
sq_done(sqlite3_stmt *st)
{
	stmt_done(st);
}

int
sq_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    const char *what, struct pn_error *err)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return sq_error(s, rc, what, err);
	}
	return 0;
}

int
sq_exec(struct store *s, const char *sql, const char *what,
    struct pn_error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_error(s, rc, what, err);
}

/*
 * Write transactions of this process's connections queue on this mutex
 * before BEGIN IMMEDIATE. SQLite's own busy handler makes a waiting writer
 * sleep and poll (1, 2, 5 ... 100 ms), which under a burst of requests
 * turns into seconds of latency; a mutex hands the lock over at once.
 * Other processes (passnum-admin) still wait through the busy timeout.
 */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

int
sq_begin(struct store *s, struct pn_error *err)
{
	if (s->in_job) {
		if (sq_exec(s, "SAVEPOINT nested", "SAVEPOINT", err) != 0)
			return -1;
		s->nested++;
		return 0;
	}
	pthread_mutex_lock(&write_lock);
	if (stmt_run(s, s->begin, "BEGIN IMMEDIATE", err) != 0) {
		pthread_mutex_unlock(&write_lock);
		return -1;
	}
	s->holds_write_lock = true;
	s->changes_at_begin = sqlite3_total_changes64(s->db);
	return 0;
}

int
sq_commit(struct store *s, struct pn_error *err)
{
	if (s->nested > 0) {
		/* On failure the savepoint stays for the caller's sq_rollback(). */
		if (sq_exec(s, "RELEASE nested", "RELEASE", err) != 0)
			return -1;
		s->nested--;
		return 0;
	}
	/* On failure the lock stays held for the caller's sq_rollback(). */
	if (stmt_run(s, s->commit, "COMMIT", err) != 0)
		return -1;
	/* Only a transaction that wrote vouches for the disk. */
	if (sqlite3_total_changes64(s->db) != s->changes_at_begin)
		sq_health_committed();
	s->holds_write_lock = false;
	pthread_mutex_unlock(&write_lock);
	return 0;
}

void
sq_rollback(struct store *s)
{
	if (s->nested > 0) {
		(void)sq_exec(s, "ROLLBACK TO nested", "ROLLBACK TO", NULL);
		(void)sq_exec(s, "RELEASE nested", "RELEASE", NULL);
		s->nested--;
		return;
	}
	if (s->in_job)
		return;		/* the job's savepoint decides */
	rollback_if_open(s);
	if (s->holds_write_lock) {
		s->holds_write_lock = false;
		pthread_mutex_unlock(&write_lock);
	}
}


/*
 * Run one PRAGMA on a connection without prepared statements yet and copy
 * its first column of the first row into out (empty when there is no row).
 * Returns SQLITE_OK, or SQLite's code with err set.
 */
static int
pragma_text(sqlite3 *db, const char *path, const char *sql, char *out,
    size_t outlen, struct pn_error *err)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;
	int rc;

	assert(outlen > 0);
	out[0] = '\0';
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, path, rc, sql, err);
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		/* A short answer (a mode name, a number) fits; cut otherwise. */
		if (t != NULL)
			(void)snprintf(out, outlen, "%s", (const char *)t);
	} else if (rc != SQLITE_DONE) {
		db_error(db, path, rc, sql, err);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return SQLITE_OK;
}

/* PRAGMA user_version on a connection without prepared statements yet. */
static int
read_user_version(sqlite3 *db, const char *path, int *version,
    struct pn_error *err)
{
	char buf[32], *end;
	long v;

	if (pragma_text(db, path, "PRAGMA user_version", buf, sizeof(buf),
	    err) != SQLITE_OK)
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0' || v < INT_MIN ||
	    v > INT_MAX)
		return pn_error_set(err, PN_E_FORMAT, "%s: PRAGMA user_version "
		    "answered '%s'", path, buf);
	*version = (int)v;
	return 0;
}

/* The refusal of a schema this build does not know. */
static int
check_version_known(const char *path, int version, struct pn_error *err)
{
	if (version > SCHEMA_LATEST)
		return pn_error_set(err, PN_E_FORMAT,
		    "%s: database schema version %d is newer than this "
		    "program's %d: upgrade passnum", path, version,
		    SCHEMA_LATEST);
	if (version < 0)
		return pn_error_set(err, PN_E_FORMAT,
		    "%s: database schema version %d was not written by "
		    "passnum", path, version);
	return 0;
}

/*
 * Bring the schema up to SCHEMA_LATEST in one BEGIN IMMEDIATE transaction.
 * The version is read again inside it, so that of several processes opening
 * a new database at once, the first migrates and the others find it done.
 * On any error everything is rolled back.
 */
static int
migrate(sqlite3 *db, const char *path, struct pn_error *err)
{
	char sql[64], *msg = NULL;
	int version, i, rc;

	/* Most opens find the schema current: no write lock for them. */
	if (read_user_version(db, path, &version, err) != 0)
		return -1;
	if (check_version_known(path, version, err) != 0)
		return -1;
	if (version == SCHEMA_LATEST)
		return 0;

	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "cannot start the migration",
		    err);
	if (read_user_version(db, path, &version, err) != 0)
		goto fail;
	if (check_version_known(path, version, err) != 0)
		goto fail;
	for (i = version; i < SCHEMA_LATEST; i++) {
		rc = sqlite3_exec(db, store_migrations[i], NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			pn_error_set(err, code_of(rc), "%s: migration from "
			    "schema version %d to %d failed: %s", path, i,
			    i + 1, msg != NULL ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			goto fail;
		}
	}
	/*
	 * A PRAGMA takes no bound parameter; the number is this file's own
	 * constant, not input.
	 */
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    SCHEMA_LATEST);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, path, rc, "cannot set the schema version", err);
		goto fail;
	}
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, path, rc, "cannot commit the migration", err);
		goto fail;
	}
	return 0;

fail:	/* Inside the migration transaction, err set. */
	if (!sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The connection settings of docs/store.md, before any table is touched. */
static int
harden(sqlite3 *db, const char *path, unsigned busy_timeout_ms,
    struct pn_error *err)
{
	static const struct {
		int op;
		const char *name;
		int value;
	} config[] = {
		/* No writable_schema, no corrupting a file through SQL. */
		{ SQLITE_DBCONFIG_DEFENSIVE, "defensive mode", 1 },
		/* Functions in views and triggers: only the harmless ones. */
		{ SQLITE_DBCONFIG_TRUSTED_SCHEMA, "trusted_schema", 0 },
		/* "text" is an identifier, never a string literal. */
		{ SQLITE_DBCONFIG_DQS_DML, "double-quoted strings", 0 },
		{ SQLITE_DBCONFIG_DQS_DDL, "double-quoted strings", 0 },
	};
	char mode[32];
	unsigned waited;
	size_t i;
	int rc, got;

	for (i = 0; i < sizeof(config) / sizeof(config[0]); i++) {
		got = -1;
		rc = sqlite3_db_config(db, config[i].op, config[i].value, &got);
		if (rc != SQLITE_OK || got != config[i].value)
			return pn_error_set(err, PN_E_IO, "%s: cannot set %s: "
			    "%s", path, config[i].name, sqlite3_errmsg(db));
	}
	rc = sqlite3_busy_timeout(db,
	    busy_timeout_ms > INT_MAX ? INT_MAX : (int)busy_timeout_ms);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "cannot set the busy timeout",
		    err);
	/*
	 * Switching a new file to WAL needs an exclusive lock while this
	 * connection already reads it, so SQLite answers SQLITE_BUSY at once
	 * instead of calling the busy handler (which could deadlock). When
	 * several processes open a new database together, one of them
	 * switches it and the others retry here, within the busy timeout.
	 */
	for (waited = 0;; waited += JOURNAL_RETRY_MS) {
		rc = pragma_text(db, path, "PRAGMA journal_mode = WAL", mode,
		    sizeof(mode), err);
		if (rc == SQLITE_OK)
			break;
		if (((rc & 0xff) != SQLITE_BUSY &&
		    (rc & 0xff) != SQLITE_LOCKED) || waited >= busy_timeout_ms)
			return -1;
		(void)sqlite3_sleep(JOURNAL_RETRY_MS);
	}
	if (strcasecmp(mode, "wal") != 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot use write-ahead "
		    "logging: journal mode stays \"%s\"", path, mode);
	rc = sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "PRAGMA synchronous", err);
	rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, path, rc, "PRAGMA foreign_keys", err);
	return 0;
}

/*
 * SQLite counts the memory it allocates under one process-wide mutex,
 * which every connection of every worker thread would then queue for:
 * passnumd does not read those counts, so they are turned off, before
 * SQLite is first used (later, sqlite3_config() refuses, harmlessly).
 */
int
sq_create_private(const char *path, struct pn_error *err)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 && errno != EEXIST)
		return pn_error_set(err, PN_E_IO, "%s: cannot create: %s", path,
		    strerror(errno));
	if (fd >= 0 && close(fd) != 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot create: %s", path,
		    strerror(errno));
	return 0;
}

static void
sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_initialize();
}

struct store *
store_open(const char *path, unsigned busy_timeout_ms, struct pn_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	struct store *s;
	int flags, rc;
	size_t i;

	assert(path != NULL);
	(void)pthread_once(&once, sqlite_setup);
	s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->busy_timeout_ms = busy_timeout_ms;
	if (s == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		pn_error_set(err, PN_E_NOMEM, "%s: out of memory", path);
		return NULL;
	}
	/* One connection per thread: SQLite's own mutexes are not needed. */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_EXRESCODE
	flags |= SQLITE_OPEN_EXRESCODE;
#endif
	/*
	 * A new database is created here, 0600 whatever the umask: SQLite
	 * would make it 0644 less the umask, and gives its WAL and shared
	 * memory files the database's mode.
	 */
	if (strcmp(path, ":memory:") != 0 && sq_create_private(path, err) != 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		db_error(s->db, path, rc, "cannot open the database", err);
		goto fail;
	}
	(void)sqlite3_extended_result_codes(s->db, 1);
	if (harden(s->db, path, busy_timeout_ms, err) != 0)
		goto fail;
	if (migrate(s->db, path, err) != 0)
		goto fail;
	for (i = 0; i < N_STATEMENTS; i++) {
		rc = sqlite3_prepare_v3(s->db, statements[i].sql, -1,
		    SQLITE_PREPARE_PERSISTENT, stmt_slot(s, i), NULL);
		if (rc != SQLITE_OK) {
			pn_error_set(err, code_of(rc), "%s: cannot prepare "
			    "\"%s\": %s", path, statements[i].sql,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	return s;

fail:	/* err set; s holds whatever was opened and prepared. */
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	/*
	 * A write left open (a caller that failed half-way) is undone, and
	 * the process's write mutex given back: every later writer of the
	 * process would otherwise wait for it for ever.
	 */
	if (s->holds_write_lock)
		sq_rollback(s);
	for (i = 0; i < N_STATEMENTS; i++)
		sqlite3_finalize(*stmt_slot(s, i));
	/* Every statement is finalized, so close cannot be busy. */
	(void)sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int
store_shutdown(const char *path, unsigned busy_timeout_ms,
    struct pn_error *err)
{
	struct store *s;
	int rc, wal_frames = 0, copied = 0;

	sq_group_close_all();
	if ((s = store_open(path, busy_timeout_ms, err)) == NULL)
		return -1;
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    &wal_frames, &copied);
	if (rc != SQLITE_OK) {
		pn_error_set(err, PN_E_IO, "%s: checkpoint of the WAL at "
		    "shutdown: %s (%d of %d frames copied)", path,
		    sqlite3_errmsg(s->db), copied, wal_frames);
		store_close(s);
		return -1;
	}
	/* The last connection closed: SQLite deletes the empty WAL. */
	store_close(s);
	return 0;
}

int
store_schema_version(struct store *s)
{
	int rc, version = -1;

	assert(s != NULL);
	rc = sqlite3_step(s->user_version);
	if (rc == SQLITE_ROW)
		version = sqlite3_column_int(s->user_version, 0);
	stmt_done(s->user_version);
	return version;
}

int
store_schema_latest(void)
{
	return SCHEMA_LATEST;
}

int
store_lock_instance(const char *path, struct pn_error *err)
{
	char *lock;
	size_t n;
	int fd;

	assert(path != NULL);
	n = strlen(path) + sizeof(".lock");
	if ((lock = malloc(n)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "%s: out of memory", path);
	/* n is exactly the length needed: no truncation. */
	(void)snprintf(lock, n, "%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		pn_error_set(err, PN_E_IO, "%s: cannot open the lock file: %s",
		    lock, strerror(errno));
		free(lock);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			pn_error_set(err, PN_E_IO, "%s: the database is in use "
			    "by another passnumd (lock held on %s)", path,
			    lock);
		else
			pn_error_set(err, PN_E_IO, "%s: cannot lock: %s", lock,
			    strerror(errno));
		close(fd);
		free(lock);
		return -1;
	}
	free(lock);
	return fd;
}

void
store_unlock_instance(int fd)
{
	/* Closing the only descriptor of the open file releases the lock. */
	if (fd >= 0)
		(void)close(fd);
}

int
store_integrity_check(struct store *s, struct pn_error *err)
{
	char found[sizeof(err->message)];
	const unsigned char *t;
	size_t used = 0;
	int rc, rows = 0, w;
	bool ok = false;

	assert(s != NULL);
	found[0] = '\0';
	while ((rc = sqlite3_step(s->integrity)) == SQLITE_ROW) {
		t = sqlite3_column_text(s->integrity, 0);
		if (t == NULL)
			t = (const unsigned char *)"";
		rows++;
		ok = rows == 1 && strcmp((const char *)t, "ok") == 0;
		if (rows > INTEGRITY_ROWS_SHOWN || used >= sizeof(found) - 1)
			continue;
		/* Truncation of a long list is accepted: the start is shown. */
		w = snprintf(found + used, sizeof(found) - used, "%s%s",
		    rows > 1 ? "; " : "", (const char *)t);
		if (w > 0)
			used += (size_t)w < sizeof(found) - used ?
			    (size_t)w : sizeof(found) - used - 1;
	}
	if (rc != SQLITE_DONE) {
		db_error(s->db, s->path, rc, "PRAGMA integrity_check", err);
		stmt_done(s->integrity);
		return -1;
	}
	stmt_done(s->integrity);
	if (ok && rows == 1)
		return 0;
	return pn_error_set(err, PN_E_FORMAT, "%s: integrity check failed "
	    "(%d %s): %s%s", s->path, rows, rows == 1 ? "problem" : "problems",
	    found, rows > INTEGRITY_ROWS_SHOWN ? "; ..." : "");
}
