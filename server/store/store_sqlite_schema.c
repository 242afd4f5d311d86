/* store_sqlite_schema.c -- the schema of the SQLite store, as forward migrations.
 *
 * store_migrations[i] takes a database from schema version i to i + 1
 * (PRAGMA user_version); store_sqlite.c runs the missing ones at open, in
 * one transaction. An entry that has shipped is never edited: a change of
 * schema is a new entry at the end.
 */
#include "store_sqlite.h"

/*
 * The forward migrations. Each script runs inside the one BEGIN IMMEDIATE
 * transaction of migrate(), so a database is either at the old version or
 * at the new one, never in between.
 */
const char *const store_migrations[] = {
	/* 0 -> 1: the audit log and a key/value table for settings. */
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32)"
	") STRICT;"
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") STRICT;",

	/* 1 -> 2: agencies, programmes, people, keys, booklets, vouchers. */
	"CREATE TABLE agency ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('eds', 'partner')),"
	"  commune TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE programme ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  face_value INTEGER NOT NULL CHECK (face_value > 0),"
	"  per_booklet INTEGER NOT NULL CHECK (per_booklet BETWEEN 1 AND 50),"
	"  validity TEXT NOT NULL,"
	"  territory TEXT NOT NULL,"
	"  budget INTEGER NOT NULL CHECK (budget >= 0),"
	"  committed INTEGER NOT NULL DEFAULT 0"
	"    CHECK (committed >= 0 AND committed <= budget),"
	"  max_booklets INTEGER NOT NULL DEFAULT 1 CHECK (max_booklets >= 1),"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE user ("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL,"
	"  role TEXT NOT NULL"
	"    CHECK (role IN ('caseworker', 'venue', 'accountant', 'admin')),"
	"  agency_id INTEGER REFERENCES agency (id),"
	"  password_hash TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE api_token ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES user (id),"
	"  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
	"  label TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  revoked INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE TABLE signing_key ("
	"  kid INTEGER PRIMARY KEY CHECK (kid BETWEEN 1 AND 65535),"
	"  public_key BLOB NOT NULL CHECK (length(public_key) = 32),"
	"  valid_from INTEGER NOT NULL,"
	"  sign_until INTEGER NOT NULL,"
	"  verify_until INTEGER NOT NULL,"
	"  cert BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE beneficiary ("
	"  id INTEGER PRIMARY KEY,"
	"  ref_hash BLOB NOT NULL UNIQUE CHECK (length(ref_hash) = 32),"
	"  pathway TEXT NOT NULL CHECK (pathway IN ('rsa', 'revenu-jeunes', 'other')),"
	"  age_band TEXT NOT NULL,"
	"  commune TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE booklet ("
	"  id INTEGER PRIMARY KEY,"
	"  programme_id INTEGER NOT NULL REFERENCES programme (id),"
	"  beneficiary_id INTEGER NOT NULL REFERENCES beneficiary (id),"
	"  agency_id INTEGER REFERENCES agency (id),"
	"  issued_by INTEGER NOT NULL REFERENCES user (id),"
	"  issued_at INTEGER NOT NULL,"
	"  override_reason TEXT,"
	"  status TEXT NOT NULL DEFAULT 'issued'"
	"    CHECK (status IN ('issued', 'cancelled')),"
	"  cancel_reason TEXT"
	") STRICT;"
	"CREATE INDEX booklet_person ON booklet (beneficiary_id, programme_id);"
	"CREATE TABLE voucher ("
	"  serial INTEGER PRIMARY KEY CHECK (serial > 0),"
	"  booklet_id INTEGER NOT NULL REFERENCES booklet (id),"
	"  programme_id INTEGER NOT NULL REFERENCES programme (id),"
	"  kid INTEGER NOT NULL REFERENCES signing_key (kid),"
	"  value INTEGER NOT NULL CHECK (value > 0),"
	"  issued_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  signature BLOB NOT NULL CHECK (length(signature) = 64),"
	"  status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN"
	"    ('issued', 'redeemed', 'settled', 'cancelled', 'expired'))"
	") STRICT;"
	"CREATE INDEX voucher_booklet ON voucher (booklet_id);"
	/* Serials are never reused: the counter only moves forward. */
	"CREATE TABLE serial_counter ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  next INTEGER NOT NULL CHECK (next > 0)"
	") STRICT;"
	"INSERT INTO serial_counter (id, next) VALUES (1, 1);",

	/* 2 -> 3: cancellation, and the deny list's numbered events. */
	"ALTER TABLE voucher ADD COLUMN cancelled_at INTEGER;"
	"ALTER TABLE voucher ADD COLUMN cancel_reason TEXT;"
	"CREATE TABLE deny_event ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  serial INTEGER NOT NULL REFERENCES voucher (serial),"
	"  reason INTEGER NOT NULL CHECK (reason IN (1, 2)),"
	"  at INTEGER NOT NULL,"
	"  UNIQUE (serial, reason)"
	") STRICT;",

	/*
	 * 3 -> 4: what a programme prints on its booklets, browser sessions,
	 * and the failed logins that throttling counts.
	 */
	"ALTER TABLE programme ADD COLUMN instructions TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE programme ADD COLUMN venues TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE web_session ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
	"  csrf_token TEXT NOT NULL,"
	"  user_id INTEGER NOT NULL REFERENCES user (id),"
	"  created_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  address TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX web_session_user ON web_session (user_id);"
	"CREATE TABLE login_failure ("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX login_failure_login ON login_failure (login, at);"
	"CREATE INDEX login_failure_address ON login_failure (address, at);",

	/* 4 -> 5: a caseworker's recent booklets, for the home page. */
	"CREATE INDEX booklet_issuer ON booklet (issued_by, id);",

	/*
	 * 5 -> 6: partner venues, paid by transfer to their IBAN for the
	 * vouchers they redeem. SIRET, IBAN and BIC are stored canonical
	 * (digits, capitals, no space) after their checks (lib/bankid.c).
	 */
	"CREATE TABLE venue ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 140),"
	"  siret TEXT NOT NULL UNIQUE CHECK (length(siret) = 14"
	"    AND siret NOT GLOB '*[^0-9]*'),"
	"  address TEXT NOT NULL,"
	"  commune TEXT NOT NULL CHECK (length(commune) >= 1),"
	"  iban TEXT NOT NULL CHECK (length(iban) BETWEEN 15 AND 34),"
	"  bic TEXT NOT NULL CHECK (length(bic) IN (8, 11)),"
	"  contact TEXT NOT NULL,"
	"  accredited_from INTEGER NOT NULL,"
	"  accredited_until INTEGER"
	"    CHECK (accredited_until IS NULL OR accredited_until > accredited_from),"
	"  status TEXT NOT NULL DEFAULT 'active'"
	"    CHECK (status IN ('active', 'suspended')),"
	"  status_reason TEXT,"
	"  created_at INTEGER NOT NULL"
	") STRICT;",

	/*
	 * 6 -> 7: redemption. Venue users belong to a venue; terminals enrol
	 * with a one-time code (kept as a hash) and sign with their device
	 * key; the nonces of their state-changing requests are kept for the
	 * request window, so that a replay is refused also after a restart.
	 * A voucher is redeemed at most once by construction: the unique
	 * index on the accepted redemption of a serial, beside the
	 * conditional UPDATE of the voucher's status. A record that lost is
	 * kept as a conflict pointing at the one that won.
	 */
	"ALTER TABLE user ADD COLUMN venue_id INTEGER REFERENCES venue (id);"
	"CREATE TABLE terminal ("
	"  id INTEGER PRIMARY KEY,"
	"  venue_id INTEGER NOT NULL REFERENCES venue (id),"
	"  public_key BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),"
	"  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 64),"
	"  enrolled_at INTEGER NOT NULL,"
	"  revoked_at INTEGER,"
	"  revoke_reason TEXT"
	") STRICT;"
	"CREATE TABLE enrol_code ("
	"  id INTEGER PRIMARY KEY,"
	"  venue_id INTEGER NOT NULL REFERENCES venue (id),"
	"  code_hash BLOB NOT NULL UNIQUE CHECK (length(code_hash) = 32),"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER,"
	"  terminal_id INTEGER REFERENCES terminal (id)"
	") STRICT;"
	/*
	 * Keyed by the request's own (signed) time first: new nonces go to
	 * the end of the tree, and the old ones leave by a range delete.
	 */
	"CREATE TABLE terminal_nonce ("
	"  at INTEGER NOT NULL,"
	"  terminal_id INTEGER NOT NULL,"
	"  nonce BLOB NOT NULL CHECK (length(nonce) = 16),"
	"  PRIMARY KEY (at, terminal_id, nonce)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE training_session ("
	"  id INTEGER PRIMARY KEY,"
	"  uid BLOB NOT NULL UNIQUE CHECK (length(uid) = 16),"
	"  venue_id INTEGER NOT NULL REFERENCES venue (id),"
	"  terminal_id INTEGER NOT NULL REFERENCES terminal (id),"
	"  theme TEXT NOT NULL CHECK (length(theme) BETWEEN 1 AND 128),"
	"  starts_at INTEGER NOT NULL,"
	"  duration_minutes INTEGER NOT NULL"
	"    CHECK (duration_minutes BETWEEN 1 AND 600),"
	"  declared_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX training_session_venue ON training_session (venue_id, starts_at);"
	"CREATE TABLE redemption ("
	"  id INTEGER PRIMARY KEY,"
	"  redemption_id BLOB NOT NULL UNIQUE CHECK (length(redemption_id) = 16),"
	"  serial INTEGER NOT NULL REFERENCES voucher (serial),"
	"  session_id INTEGER NOT NULL REFERENCES training_session (id),"
	"  terminal_id INTEGER NOT NULL REFERENCES terminal (id),"
	"  venue_id INTEGER NOT NULL REFERENCES venue (id),"
	"  terminal_time INTEGER NOT NULL,"
	"  counter INTEGER NOT NULL,"
	"  record_signature BLOB NOT NULL CHECK (length(record_signature) = 64),"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'conflict')),"
	"  winner_id INTEGER REFERENCES redemption (id),"
	"  value INTEGER NOT NULL CHECK (value > 0),"
	"  received_at INTEGER NOT NULL,"
	"  answer TEXT NOT NULL,"
	"  CHECK ((outcome = 'accepted') = (winner_id IS NULL))"
	") STRICT;"
	"CREATE UNIQUE INDEX redemption_once ON redemption (serial)"
	"  WHERE outcome = 'accepted';"
	"CREATE INDEX redemption_session ON redemption (session_id);"
	"CREATE INDEX redemption_venue ON redemption (venue_id, received_at);",

	/*
	 * 7 -> 8: settlement. A programme may keep a commission (basis
	 * points of the face value) and names the budget line its payments
	 * are charged to. A dispute holds a redemption's session out of
	 * settlement while it is open; one upheld keeps that redemption out
	 * for good. A batch settles one period: at most one batch per period
	 * that is not rejected, and four-eyes written into the table. A
	 * redemption is in at most one live settlement item (the unique
	 * partial index); a rejected batch's items stay, inactive, for the
	 * record. A line carried over (under the minimum) has no items: its
	 * redemptions wait for the next draft. Files are made once, at
	 * approval, and kept with their hash.
	 */
	"ALTER TABLE programme ADD COLUMN commission_bp INTEGER NOT NULL"
	"  DEFAULT 0 CHECK (commission_bp BETWEEN 0 AND 10000);"
	"ALTER TABLE programme ADD COLUMN budget_line TEXT NOT NULL DEFAULT ''"
	"  CHECK (length(budget_line) <= 64);"
	"CREATE TABLE dispute ("
	"  id INTEGER PRIMARY KEY,"
	"  redemption_id INTEGER NOT NULL REFERENCES redemption (id),"
	"  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),"
	"  opened_by INTEGER NOT NULL REFERENCES user (id),"
	"  opened_at INTEGER NOT NULL,"
	"  resolution TEXT CHECK (resolution IN ('dismissed', 'upheld')),"
	"  resolution_note TEXT,"
	"  resolved_by INTEGER REFERENCES user (id),"
	"  resolved_at INTEGER,"
	"  CHECK ((resolution IS NULL) = (resolved_at IS NULL))"
	") STRICT;"
	"CREATE UNIQUE INDEX dispute_open ON dispute (redemption_id)"
	"  WHERE resolution IS NULL;"
	"CREATE INDEX dispute_redemption ON dispute (redemption_id);"
	"CREATE TABLE settlement_batch ("
	"  id INTEGER PRIMARY KEY,"
	"  reference TEXT NOT NULL UNIQUE,"
	"  period TEXT NOT NULL,"
	"  period_start INTEGER NOT NULL,"
	"  period_end INTEGER NOT NULL CHECK (period_end > period_start),"
	"  status TEXT NOT NULL DEFAULT 'draft'"
	"    CHECK (status IN ('draft', 'approved', 'paid', 'rejected')),"
	"  drafted_by INTEGER NOT NULL REFERENCES user (id),"
	"  drafted_at INTEGER NOT NULL,"
	"  n_lines INTEGER NOT NULL,"
	"  n_vouchers INTEGER NOT NULL,"
	"  total_cents INTEGER NOT NULL CHECK (total_cents >= 0),"
	"  approved_by INTEGER REFERENCES user (id),"
	"  approved_at INTEGER,"
	"  msg_id TEXT UNIQUE,"
	"  execution_date TEXT,"
	"  sepa_version INTEGER CHECK (sepa_version IN (3, 9)),"
	"  paid_reference TEXT,"
	"  paid_on TEXT,"
	"  paid_by INTEGER REFERENCES user (id),"
	"  paid_at INTEGER,"
	"  reject_reason TEXT,"
	"  rejected_by INTEGER REFERENCES user (id),"
	"  rejected_at INTEGER,"
	"  CHECK (approved_by IS NULL OR approved_by <> drafted_by)"
	") STRICT;"
	"CREATE UNIQUE INDEX settlement_batch_period ON settlement_batch (period)"
	"  WHERE status <> 'rejected';"
	"CREATE TABLE settlement_line ("
	"  id INTEGER PRIMARY KEY,"
	"  batch_id INTEGER NOT NULL REFERENCES settlement_batch (id),"
	"  venue_id INTEGER NOT NULL REFERENCES venue (id),"
	"  name TEXT NOT NULL,"
	"  siret TEXT NOT NULL,"
	"  iban TEXT NOT NULL,"
	"  bic TEXT NOT NULL,"
	"  sessions INTEGER NOT NULL CHECK (sessions >= 0),"
	"  vouchers INTEGER NOT NULL CHECK (vouchers >= 0),"
	"  gross_cents INTEGER NOT NULL CHECK (gross_cents >= 0),"
	"  commission_cents INTEGER NOT NULL CHECK (commission_cents >= 0),"
	"  amount_cents INTEGER NOT NULL"
	"    CHECK (amount_cents = gross_cents - commission_cents),"
	"  carried_over INTEGER NOT NULL DEFAULT 0 CHECK (carried_over IN (0, 1)),"
	"  UNIQUE (batch_id, venue_id)"
	") STRICT;"
	/*
	 * An item repeats its redemption's serial, session and programme,
	 * copies the audit checks, as it checks that the redemption exists
	 * (no foreign keys: a draft writes a million items, and each key is
	 * a lookup in a large table): statements and exports read a line's
	 * items in order without touching the redemptions.
	 * It keeps the commission rate it was drafted at, which the
	 * programme may change later.
	 */
	"CREATE TABLE settlement_item ("
	"  line_id INTEGER NOT NULL REFERENCES settlement_line (id),"
	"  redemption_id INTEGER NOT NULL,"
	"  serial INTEGER NOT NULL,"
	"  session_id INTEGER NOT NULL,"
	"  programme_id INTEGER NOT NULL,"
	"  value INTEGER NOT NULL CHECK (value > 0),"
	"  commission INTEGER NOT NULL CHECK (commission BETWEEN 0 AND value),"
	"  commission_bp INTEGER NOT NULL"
	"    CHECK (commission_bp BETWEEN 0 AND 10000),"
	"  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
	"  PRIMARY KEY (line_id, redemption_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE UNIQUE INDEX settlement_item_once ON settlement_item (redemption_id)"
	"  WHERE active = 1;"
	"CREATE TABLE settlement_file ("
	"  id INTEGER PRIMARY KEY,"
	"  batch_id INTEGER NOT NULL REFERENCES settlement_batch (id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('sepa', 'mandates', 'statement')),"
	"  venue_id INTEGER REFERENCES venue (id),"
	"  name TEXT NOT NULL,"
	"  media_type TEXT NOT NULL,"
	"  content BLOB NOT NULL,"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (batch_id, name)"
	") STRICT;"
	"CREATE INDEX training_session_starts ON training_session (starts_at);",

	/*
	 * 8 -> 9: the vouchers redeemed and not yet paid. A draft starts from
	 * them: without this index it read every redemption ever accepted,
	 * a month more of history at every draft.
	 */
	"CREATE INDEX voucher_redeemed ON voucher (serial)"
	"  WHERE status = 'redeemed';",

	/*
	 * 9 -> 10: closing the money path to a dishonest venue.
	 * - A voucher typed by hand comes with its control key; each wrong
	 *   key is a control_key_failure row, counted per terminal and per
	 *   venue, and past a limit the terminal is suspended pending review
	 *   (suspended_at) until an admin resumes it.
	 * - The server's own view of when a terminal talks to it: seen_at
	 *   (its latest signed exchange), contact_since (when the current
	 *   run of exchanges began) and seen_before (its latest exchange
	 *   before that run). Sessions and offline records cannot be dated
	 *   before seen_before.
	 * - A programme's rule: at most max_per_session vouchers of one
	 *   booklet in one session.
	 * - redemption.flags: what an approver should look at (bits:
	 *   1 outside its session's hours, 2 synced late, 4 typed by hand).
	 * - An approver acknowledges a batch's alerts (alerts_acknowledged:
	 *   how many there were) and may hold one venue's line out of a
	 *   draft (held_at): its items are made inactive, its redemptions
	 *   wait for the next draft.
	 */
	"ALTER TABLE terminal ADD COLUMN suspended_at INTEGER;"
	"ALTER TABLE terminal ADD COLUMN suspend_reason TEXT;"
	"ALTER TABLE terminal ADD COLUMN seen_at INTEGER;"
	"ALTER TABLE terminal ADD COLUMN contact_since INTEGER;"
	"ALTER TABLE terminal ADD COLUMN seen_before INTEGER;"
	"CREATE TABLE control_key_failure ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  terminal_id INTEGER NOT NULL REFERENCES terminal (id),"
	"  venue_id INTEGER NOT NULL REFERENCES venue (id),"
	"  serial INTEGER NOT NULL,"
	/* A record sent again after a lost answer counts once. */
	"  redemption_id BLOB NOT NULL UNIQUE CHECK (length(redemption_id) = 16)"
	") STRICT;"
	"CREATE INDEX control_key_failure_terminal"
	"  ON control_key_failure (terminal_id, at);"
	"CREATE INDEX control_key_failure_venue"
	"  ON control_key_failure (venue_id, at);"
	"ALTER TABLE programme ADD COLUMN max_per_session INTEGER NOT NULL"
	"  DEFAULT 1 CHECK (max_per_session BETWEEN 1 AND 100);"
	"ALTER TABLE redemption ADD COLUMN flags INTEGER NOT NULL DEFAULT 0"
	"  CHECK (flags BETWEEN 0 AND 7);"
	"ALTER TABLE settlement_batch ADD COLUMN alerts_acknowledged INTEGER;"
	"ALTER TABLE settlement_line ADD COLUMN held_at INTEGER;"
	"ALTER TABLE settlement_line ADD COLUMN held_by INTEGER"
	"  REFERENCES user (id);"
	"ALTER TABLE settlement_line ADD COLUMN hold_reason TEXT;",

	/*
	 * 10 -> 11: logins that cannot be turned against users, tokens that
	 * end.
	 * - login_failure is made again: failures are counted per (login,
	 *   address) and per address, and an unknown login is stored as NULL
	 *   so that a password typed in the login field never lands in the
	 *   database. The old rows (at most failure_window old, and holding
	 *   such typed text) are dropped.
	 * - api_token.expires_at (a token is refused from then on) and
	 *   revoked_at. The tokens made before get a year from the upgrade.
	 */
	"DROP TABLE login_failure;"
	"CREATE TABLE login_failure ("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT,"
	"  address TEXT NOT NULL,"
	"  at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX login_failure_pair ON login_failure (login, address, at);"
	"CREATE INDEX login_failure_address ON login_failure (address, at);"
	"ALTER TABLE api_token ADD COLUMN expires_at INTEGER;"
	"ALTER TABLE api_token ADD COLUMN revoked_at INTEGER;"
	"UPDATE api_token SET expires_at ="
	"  CAST(strftime('%s', 'now') AS INTEGER) + 365 * 86400;",

	/*
	 * 11 -> 12: booklet_idempotency, the Idempotency-Key of each
	 * booklet issued with one, per user, with the hash of the request
	 * it came with: written in the booklet's transaction, so that a
	 * request sent again after a lost answer (a crash between commit
	 * and reply, a double click) gets the same booklet, not a second
	 * one nor the per-person limit.
	 */
	"CREATE TABLE booklet_idempotency ("
	"  user_id INTEGER NOT NULL REFERENCES user (id),"
	"  key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),"
	"  request_hash BLOB NOT NULL CHECK (length(request_hash) = 32),"
	"  booklet_id INTEGER NOT NULL REFERENCES booklet (id),"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, key)"
	") STRICT, WITHOUT ROWID;",

	/*
	 * 12 -> 13: checkpoint, the signed summaries of the store's state
	 * that the server also writes outside the database
	 * (docs/checkpoints.md), so that the next one continues the chain
	 * and its running hash; integrity_alarm, what the server noticed
	 * that its database lost or that was brought back (a database
	 * younger than its checkpoints, a receipt resent by a terminal),
	 * open until an administrator acknowledges it; redemption_restored,
	 * the redemptions put back from a terminal's receipt.
	 */
	"CREATE TABLE checkpoint ("
	"  seq INTEGER PRIMARY KEY CHECK (seq > 0),"
	"  at INTEGER NOT NULL,"
	"  text TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE integrity_alarm ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),"
	"  detail TEXT NOT NULL,"
	"  acknowledged_at INTEGER,"
	"  acknowledged_by TEXT,"
	"  note TEXT"
	") STRICT;"
	"CREATE INDEX integrity_alarm_open ON integrity_alarm (acknowledged_at);"
	"CREATE TABLE redemption_restored ("
	"  redemption_id INTEGER PRIMARY KEY REFERENCES redemption (id),"
	"  alarm_id INTEGER NOT NULL REFERENCES integrity_alarm (id),"
	"  terminal_id INTEGER NOT NULL REFERENCES terminal (id),"
	"  restored_at INTEGER NOT NULL"
	") STRICT;",

	/*
	 * 13 -> 14: the approval whose files are staged for a batch
	 * (store_batch_files_stage()): a token of its own, which the
	 * approval's write finds again before it takes the files.
	 */
	"ALTER TABLE settlement_batch ADD COLUMN staging INTEGER;",

	/*
	 * 14 -> 15: a venue user's browser as a terminal. What a venue does
	 * from its pages (a session, a redemption) is signed, as from any
	 * terminal, by a terminal of its own: one per venue user, whose key
	 * the server derives (web_terminal.h), so that every record keeps
	 * one form and the audit verifies them all.
	 */
	"ALTER TABLE terminal ADD COLUMN web_user_id INTEGER "
	"  REFERENCES user (id);"
	"CREATE UNIQUE INDEX terminal_web_user ON terminal (web_user_id)"
	"  WHERE web_user_id IS NOT NULL;",

	/*
	 * 15 -> 16: the venue's answers to a dispute. Append-only: an
	 * answer, once sent, is evidence the accountant may already have
	 * read, so a later one is added beside it, never written over it
	 * (store_dispute_answer() caps how many). The attachment is kept in
	 * the database, which the backups already cover whole, with the
	 * type found from its first bytes and its SHA-256, which the audit
	 * row "dispute.answer" repeats.
	 */
	"CREATE TABLE dispute_answer ("
	"  id INTEGER PRIMARY KEY,"
	"  dispute_id INTEGER NOT NULL REFERENCES dispute (id),"
	"  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),"
	"  file BLOB CHECK (file IS NULL OR length(file) > 0),"
	"  file_name TEXT CHECK (file_name IS NULL OR"
	"    length(file_name) BETWEEN 1 AND 255),"
	"  file_type TEXT CHECK (file_type IS NULL OR file_type IN"
	"    ('application/pdf', 'image/jpeg', 'image/png')),"
	"  file_sha256 BLOB CHECK (file_sha256 IS NULL OR"
	"    length(file_sha256) = 32),"
	"  answered_by INTEGER NOT NULL REFERENCES user (id),"
	"  answered_at INTEGER NOT NULL,"
	"  CHECK ((file IS NULL) = (file_name IS NULL) AND"
	"    (file IS NULL) = (file_type IS NULL) AND"
	"    (file IS NULL) = (file_sha256 IS NULL))"
	") STRICT;"
	"CREATE INDEX dispute_answer_dispute ON dispute_answer (dispute_id);",

	/*
	 * 16 -> 17: the funder's role, and the dashboard's indexes.
	 * - user.role's CHECK gains 'funder' (the funder's staff and elected
	 *   officials: the dashboard only). SQLite cannot change a CHECK in
	 *   place: the table is made again as its documentation says
	 *   (lang_altertable.html, "Making Other Kinds Of Table Schema
	 *   Changes"): a new table, the rows copied, the old one dropped, the
	 *   new one renamed. migrate() turns foreign keys off around the
	 *   transaction (they cannot be turned off inside one) and runs
	 *   PRAGMA foreign_key_check before it commits. The columns keep
	 *   their order (venue_id last, as migration 7 added it); the table
	 *   had no index of its own but its UNIQUE login, made again with it.
	 * - The dashboard (store_sqlite_dashboard.c) reads a programme's
	 *   vouchers by booklet and status, and the redemptions accepted, from
	 *   covering indexes, without touching the tables' rows: a million
	 *   vouchers in a fraction of a second (docs/report.md).
	 */
	"CREATE TABLE user_new ("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN"
	"    ('caseworker', 'venue', 'accountant', 'admin', 'funder')),"
	"  agency_id INTEGER REFERENCES agency (id),"
	"  password_hash TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  venue_id INTEGER REFERENCES venue (id)"
	") STRICT;"
	"INSERT INTO user_new (id, login, display_name, role, agency_id,"
	"  password_hash, disabled, created_at, venue_id)"
	"  SELECT id, login, display_name, role, agency_id, password_hash,"
	"  disabled, created_at, venue_id FROM user;"
	"DROP TABLE user;"
	"ALTER TABLE user_new RENAME TO user;"
	"CREATE INDEX voucher_dashboard"
	"  ON voucher (programme_id, booklet_id, status, issued_at, value);"
	"CREATE INDEX redemption_dashboard"
	"  ON redemption (serial, session_id, venue_id, value)"
	"  WHERE outcome = 'accepted';",

	/*
	 * 17 -> 18: the administration's users page.
	 * - user.must_change_password: the account was given a one-time
	 *   password (added or reset from the pages); until its holder
	 *   chooses their own, the only page their session reaches is the
	 *   change form (http.c's authenticate()).
	 * - user.last_login_at: when the account last opened a session,
	 *   shown on the list (NULL: never since this migration).
	 */
	"ALTER TABLE user ADD COLUMN must_change_password INTEGER NOT NULL"
	"  DEFAULT 0 CHECK (must_change_password IN (0, 1));"
	"ALTER TABLE user ADD COLUMN last_login_at INTEGER;",

	/*
	 * 18 -> 19: a change of a venue's bank details, four-eyes.
	 * - venue_bank_change: an IBAN and BIC one admin asked for
	 *   (requested_by), which no payment uses until a second, different
	 *   admin approves it (approved_by; the CHECK keeps them apart even
	 *   against a store bug); then venue.iban and venue.bic take them
	 *   in the same transaction. One pending change per venue at most
	 *   (the partial unique index): a second request while one waits is
	 *   refused, so the approver approves what they read.
	 * - Settlement copies venue.iban into batch_line at draft: a batch
	 *   drafted while a change waits pays the old account.
	 */
	"CREATE TABLE venue_bank_change ("
	"  id INTEGER PRIMARY KEY,"
	"  venue_id INTEGER NOT NULL REFERENCES venue (id),"
	"  old_iban TEXT NOT NULL,"
	"  old_bic TEXT NOT NULL,"
	"  iban TEXT NOT NULL,"
	"  bic TEXT NOT NULL,"
	"  requested_by INTEGER NOT NULL REFERENCES user (id),"
	"  requested_at INTEGER NOT NULL,"
	"  approved_by INTEGER REFERENCES user (id),"
	"  approved_at INTEGER,"
	"  CHECK (approved_by IS NULL OR approved_by <> requested_by),"
	"  CHECK ((approved_by IS NULL) = (approved_at IS NULL))"
	") STRICT;"
	"CREATE UNIQUE INDEX venue_bank_change_pending"
	"  ON venue_bank_change (venue_id) WHERE approved_by IS NULL;",

	/*
	 * 19 -> 20: the venues' applications (« Devenir lieu partenaire »),
	 * and the nightly jobs' runs.
	 * - An application is what a venue typed on the public page, kept
	 *   apart from venue: nothing is paid to it until an admin accepts
	 *   it, which creates the venue and its first user (venue_id,
	 *   user_login) in the same transaction. from_address is the
	 *   sender's, for the per-address limit (its index).
	 * - job_run: the last runs of passnum-admin expire and audit, and of
	 *   the audit run from /admin/taches, with their result, so that the
	 *   page shows whether the nightly jobs run without reading cron's
	 *   mail. A row is added per run; ok is 1 or 0.
	 */
	"CREATE TABLE venue_application ("
	"  id INTEGER PRIMARY KEY,"
	"  received_at INTEGER NOT NULL,"
	"  from_address TEXT NOT NULL,"
	"  name TEXT NOT NULL, siret TEXT NOT NULL, address TEXT NOT NULL,"
	"  commune TEXT NOT NULL, contact_name TEXT NOT NULL,"
	"  contact_email TEXT NOT NULL, contact_phone TEXT NOT NULL,"
	"  iban TEXT NOT NULL, bic TEXT NOT NULL, themes TEXT NOT NULL,"
	"  message TEXT NOT NULL CHECK (length(message) <= 2000),"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN"
	"    ('pending', 'accepted', 'refused')),"
	"  decided_at INTEGER, decided_by TEXT, reason TEXT,"
	"  venue_id INTEGER REFERENCES venue (id), user_login TEXT"
	") STRICT;"
	"CREATE INDEX venue_application_from"
	"  ON venue_application (from_address, received_at);"
	"CREATE TABLE job_run ("
	"  id INTEGER PRIMARY KEY,"
	"  job TEXT NOT NULL CHECK (job IN ('expire', 'audit')),"
	"  at INTEGER NOT NULL,"
	"  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),"
	"  summary TEXT NOT NULL,"
	"  via TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX job_run_job ON job_run (job, at);",

	/*
	 * 20 -> 21: a programme's settings can change from the admins' pages,
	 * and what was issued keeps what it was issued with.
	 * - booklet.per_booklet: the vouchers a booklet was issued with, so
	 *   that the audit checks each booklet whole against its own count,
	 *   not against the programme's count of today. Every booklet before
	 *   this version was issued under its programme's one count.
	 * - setup_change: the audit rows that set up or changed an agency or
	 *   a programme, by object, so that their pages list their history
	 *   without reading the whole log. Written beside each such audit
	 *   row (sq_setup_noted()), never by the redemptions: an index or a
	 *   trigger on audit_log would cost every row appended about 2 µs.
	 *   Filled here from the rows already written.
	 */
	"ALTER TABLE booklet ADD COLUMN per_booklet INTEGER NOT NULL DEFAULT 0"
	"  CHECK (per_booklet BETWEEN 0 AND 50);"
	"UPDATE booklet SET per_booklet = (SELECT p.per_booklet FROM programme p"
	"  WHERE p.id = booklet.programme_id);"
	"CREATE TABLE setup_change ("
	"  object TEXT NOT NULL,"
	"  audit_id INTEGER NOT NULL REFERENCES audit_log (id),"
	"  PRIMARY KEY (object, audit_id)"
	") STRICT, WITHOUT ROWID;"
	"INSERT INTO setup_change (object, audit_id) SELECT object, id"
	"  FROM audit_log WHERE action IN ('programme.add', 'programme.edit',"
	"  'programme.rules', 'agency.add', 'agency.edit');",

	/*
	 * 21 -> 22: the themes of the training sessions, from the
	 * configuration's list to the database, so that the admins keep them
	 * from their pages. The server adds the configuration's themes that
	 * the table lacks at each start (store_themes_seed()): a database
	 * upgraded keeps the list it had. retired_at: no longer offered from
	 * then on; the sessions that start before it may still carry it.
	 */
	"CREATE TABLE theme ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 127),"
	"  created_at INTEGER NOT NULL,"
	"  retired_at INTEGER"
	") STRICT;",
};

const int store_migrations_count =
    (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
