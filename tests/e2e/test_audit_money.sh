# test_audit_money.sh -- passnum-admin audit checks the money: a small world
# made through passnumd (booklets, redemptions online, a conflict, a
# cancelled booklet, vouchers expired, settlement rows written by SQL)
# passes; then each tampering, made with sqlite3 on a copy of the
# database, makes the audit fail and name the row.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
SIRET_A=21440143200015		# Médiathèque de Rezé
SIRET_B=35600000000001		# a La Poste establishment
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null' EXIT

q() { sqlite3 "$DB" "$1"; }
# Amounts as pn_money_format() writes them: a no-break space before the euro sign.
EUR=$(printf '\302\240\342\202\254')
hex16() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# An ASan build under faketime: libfaketime is preloaded before ASan's
# runtime, which ASan would otherwise refuse.
faketime_admin() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    faketime "$@"
}

# redeem KEY TERMINAL SESSION SERIAL: redeem that voucher online.
redeem() {
	v=$(awk -F'\t' -v s="$4" '$1 == s { print $2 }' "$OUT/codes")
	"$SIGN" record "$1" "$2" "$3" "$v" >"$OUT/rec.json"
	tcall "$1" "$2" POST /api/v1/redemptions "$OUT/rec.json"
}

# issue REF: a booklet for a new person; its vouchers added to $OUT/codes.
issue() {
	curl -s -H "Authorization: Bearer $TOKEN" --data-binary \
	    '{"programme": 1, "beneficiary": {"ref": "'"$1"'", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
	    "$URL/api/v1/booklets" |
	    grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"PN1:[^"]*"' |
	    sed 's/"serial":\([0-9]*\),"printed":"[^"]*","code":"\([^"]*\)"/\1\t\2/' \
	    >>"$OUT/codes"
}

# --- The world ----------------------------------------------------------------
"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
# Whole booklets are redeemed in one session below.
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET_A "Médiathèque de Rezé"
venue_add "$CFG" $SIRET_B "Bureau de poste de Nantes"
check "passnumd starts" passnumd_start "$CFG"
: >"$OUT/codes"
for ref in M-1 M-2 M-3 M-4; do issue "$ref"; done
check "four booklets: vouchers 1 to 40" test "$(wc -l <"$OUT/codes")" = 40
api_enrol $SIRET_A "$OUT/ta.key"; TA=$TERM_ID
api_enrol $SIRET_B "$OUT/tb.key"; TB=$TERM_ID
SA=$(hex16) SB=$(hex16)
api_session "$OUT/ta.key" "$TA" "$SA"
api_session "$OUT/tb.key" "$TB" "$SB"
ok_redeemed=0
for serial in 1 2 3 4 5 6 7; do
	redeem "$OUT/ta.key" "$TA" "$SA" $serial
	[ "$code" = 200 ] && ok_redeemed=$((ok_redeemed + 1))
done
for serial in 11 12 13; do
	redeem "$OUT/tb.key" "$TB" "$SB" $serial
	[ "$code" = 200 ] && ok_redeemed=$((ok_redeemed + 1))
done
check "ten vouchers redeemed at two venues" test $ok_redeemed = 10
redeem "$OUT/tb.key" "$TB" "$SB" 1
check "voucher 1 again, at the other venue: a conflict (409)" test "$code" = 409
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" \
    --data-binary '{"reason": "carnet perdu"}' "$URL/api/v1/booklets/3/cancel"
check "booklet 3 cancelled: vouchers 21 to 30" test "$(q "SELECT count(*)
    FROM voucher WHERE status = 'cancelled'")" = 10
expect 0 "voucher(s) expired" "expire, in March 2028: the outstanding ones" -- \
    faketime_admin '2028-03-01 12:00:00' "$ADMIN" expire --config "$CFG"
check "20 vouchers expired" test "$(q "SELECT count(*) FROM voucher
    WHERE status = 'expired'")" = 20
issue M-5
check "a fifth booklet stays outstanding: vouchers 41 to 50" test \
    "$(q "SELECT count(*) FROM voucher WHERE status = 'issued'")" = 10
expect 0 "audit: everything holds" "audit passes while passnumd runs" -- \
    "$ADMIN" audit --config "$CFG"
check "it shows the programme's vouchers conserved" grep -qF \
    "ok   programme 1 'Pass numérique 2026': 50 vouchers issued for 500,00${EUR} = 10 outstanding (100,00${EUR}) + 10 redeemed (100,00${EUR}; of them 0 settled, 0,00${EUR}) + 10 cancelled (100,00${EUR}) + 20 expired (200,00${EUR}); committed 500,00${EUR}" \
    "$OUT/stdout"
check "and 50 vouchers verified" grep -q "^ok   signatures: 50 vouchers verified" "$OUT/stdout"
check "and the keys certified by the bundle's master key" grep -q \
    "^ok   signing keys: 1 recorded, each certificate signed by the master key named by the trust bundle" \
    "$OUT/stdout"
passnumd_stop

# --- Settlement rows, written by SQL --------------------------------------------
# A commission of 1.25 %: 12.5 cents on a 10,00 € voucher, rounded up to 13.
# Batch PN-2026-10-01 is paid: venue 1's vouchers 1 to 3 (vouchers 4 to 6
# were carried over in it); PN-2026-11-01 is a draft: venue 2's 11 and 12.
rid() { q "SELECT id FROM redemption WHERE serial = $1 AND outcome = 'accepted'"; }
R1=$(rid 1) R2=$(rid 2) R3=$(rid 3) R11=$(rid 11) R12=$(rid 12)
SESS_A=$(q "SELECT id FROM training_session WHERE venue_id = 1")
SESS_B=$(q "SELECT id FROM training_session WHERE venue_id = 2")
printf 'SEPA file of PN-2026-10-01\n' >"$OUT/sepa.xml"
HASH=$(b2sum -l 256 "$OUT/sepa.xml" | cut -d' ' -f1)
q "UPDATE programme SET commission_bp = 125;
INSERT INTO settlement_batch (id, reference, period, period_start, period_end,
  status, drafted_by, drafted_at, n_lines, n_vouchers, total_cents,
  approved_by, approved_at, paid_at)
  VALUES (1, 'PN-2026-10-01', '2026-10', 1790805600, 1793487600, 'paid', 2,
  1793500000, 1, 3, 2961, 1, 1793600000, 1793700000),
  (2, 'PN-2026-11-01', '2026-11', 1793487600, 1796079600, 'draft', 2,
  1796100000, 1, 2, 1974, NULL, NULL, NULL);
INSERT INTO settlement_line (id, batch_id, venue_id, name, siret, iban, bic,
  sessions, vouchers, gross_cents, commission_cents, amount_cents, carried_over)
  VALUES (1, 1, 1, 'Médiathèque de Rezé', '$SIRET_A', 'FR7630006000011234567890189',
  'AGRIFRPP', 1, 3, 3000, 39, 2961, 0),
  (2, 1, 2, 'Bureau de poste de Nantes', '$SIRET_B', 'FR7630006000011234567890189',
  'AGRIFRPP', 1, 3, 3000, 39, 2961, 1),
  (3, 2, 2, 'Bureau de poste de Nantes', '$SIRET_B', 'FR7630006000011234567890189',
  'AGRIFRPP', 1, 2, 2000, 26, 1974, 0);
INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 1, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $R1;
    INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 1, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $R2;
    INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 1, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $R3;
    INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 3, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $R11;
    INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 3, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $R12;
UPDATE voucher SET status = 'settled' WHERE serial IN (1, 2, 3);
INSERT INTO settlement_batch (id, reference, period, period_start, period_end,
  status, drafted_by, drafted_at, n_lines, n_vouchers, total_cents,
  reject_reason, rejected_by, rejected_at)
  VALUES (4, 'PN-2026-08-01', '2026-08', 1785535200, 1788213600, 'rejected',
  2, 1788300000, 1, 1, 987, 'mauvais mois', 1, 1788400000);
INSERT INTO settlement_line (id, batch_id, venue_id, name, siret, iban, bic,
  sessions, vouchers, gross_cents, commission_cents, amount_cents, carried_over)
  VALUES (5, 4, 1, 'Médiathèque de Rezé', '$SIRET_A', 'FR7630006000011234567890189',
  'AGRIFRPP', 1, 1, 1000, 13, 987, 0);
INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 5, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 0, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $(rid 4);
INSERT INTO settlement_file (batch_id, kind, name, media_type, content, hash,
  created_at) VALUES (1, 'sepa', 'PN-2026-10-01.xml', 'application/xml',
  readfile('$OUT/sepa.xml'), X'$HASH', 1793600000);"
# audit_append ACTION OBJECT DETAIL AT: the row approval would have written,
# chained as store_audit_append() chains it (docs/store.md): BLAKE2b-256 of
# prev_hash || id || at (8 bytes, big-endian) || for actor, action, object
# and detail: length (4 bytes, big-endian) || bytes.
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F; }
audit_append() {
	last=$(q "SELECT id || ' ' || hex(hash) FROM audit_log ORDER BY id DESC LIMIT 1")
	id=$((${last%% *} + 1))
	h=${last#* }$(printf '%016X%016X' "$id" "$4")
	for field in admin "$1" "$2" "$3"; do
		h=$h$(printf '%08X' "$(printf '%s' "$field" | wc -c)")$(hex "$field")
	done
	chain=$(printf '%s' "$h" | basenc --base16 -d | b2sum -l 256 | cut -d' ' -f1)
	q "INSERT INTO audit_log (id, at, actor, action, object, detail, prev_hash, hash)
	  VALUES ($id, $4, 'admin', '$1', '$2', '$3', X'${last#* }', X'$chain')"
}
audit_append settle.file batch:1 \
    "{\"blake2b\":\"$HASH\",\"bytes\":$(wc -c <"$OUT/sepa.xml"),\"kind\":\"sepa\",\"name\":\"PN-2026-10-01.xml\"}" \
    1793600000
audit_append settle.approve batch:1 '{"alerts":0}' 1793600000
audit_append settle.paid batch:1 '{}' 1793700000
expect 0 "audit: everything holds" "audit passes with a paid batch, a draft and a rejected one" -- \
    "$ADMIN" audit --config "$CFG"
check "its file is the one the audit log recorded" grep -q \
    "^ok   settlement files: each is the one the audit log recorded" "$OUT/stdout"
check "three vouchers settled among the ten redeemed" grep -qF \
    "10 redeemed (100,00${EUR}; of them 3 settled, 30,00${EUR})" "$OUT/stdout"
expect 0 "given by --master" "audit --master pins the master key" -- \
    "$ADMIN" audit --config "$CFG" --master "$D/keys/master"
"$ADMIN" keygen master --out "$OUT/rogue" >/dev/null
expect 1 "key 1: its certificate is not signed by the master key" \
    "audit --master with another master key: the key is not certified" -- \
    "$ADMIN" audit --config "$CFG" --master "$OUT/rogue"
expect 2 "usage" "audit without --config: usage error" -- "$ADMIN" audit
tampered "the settle.paid row cut from the end of the audit log" \
    "batch PN-2026-10-01 is paid, but the audit log has no settle.paid row" \
    "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
       AND action = 'settle.paid'"
tampered "the approval and payment rows cut from the end of the audit log" \
    "batch PN-2026-10-01 is paid, but the audit log has no settle.approve row" \
    "DELETE FROM audit_log WHERE id >= (SELECT max(id) - 1 FROM audit_log)
       AND action IN ('settle.approve', 'settle.paid')"

# --- Tampering, each on a fresh copy ---------------------------------------------

tampered "(a) a voucher's value changed: its signature no longer verifies" \
    "voucher 41: signature does not verify under key 1" \
    "UPDATE voucher SET value = 2000 WHERE serial = 41"
check "and the programme's committed amount differs from its vouchers" \
    grep -qF "committed 500,00${EUR}, not the vouchers' face value" "$OUT/stdout"
tampered "(b) a redemption's value changed" \
    "of voucher 5: value 15,00${EUR}, the voucher's 10,00${EUR}" \
    "UPDATE redemption SET value = 1500 WHERE serial = 5 AND outcome = 'accepted'"
tampered "(c) an accepted redemption deleted" \
    "voucher 6: status redeemed but no accepted redemption" \
    "DELETE FROM redemption WHERE serial = 6"
tampered "(d) an audit row's detail edited" \
    "audit row 3: hash does not match its content" \
    "UPDATE audit_log SET detail = '{}' WHERE id = 3"
tampered "(e) a voucher's status flipped from issued to redeemed" \
    "voucher 42: status redeemed but no accepted redemption" \
    "UPDATE voucher SET status = 'redeemed' WHERE serial = 42"
check "and it is not on the deny list" grep -qF \
    "voucher 42: redeemed, but not on the deny list as such" "$OUT/stdout"
SIG=$(q "SELECT hex(signature) FROM voucher WHERE serial = 43")
FLIP=$(printf '%s' "$SIG" | cut -c1 | tr '0-9A-F' '123456789ABCDEF0')$(printf '%s' "$SIG" | cut -c2-)
tampered "(f) a byte of a voucher's signature changed" \
    "voucher 43: signature does not verify under key 1" \
    "UPDATE voucher SET signature = X'$FLIP' WHERE serial = 43"
check "saying 1 of 50 vouchers do not verify" grep -q \
    "^FAIL signatures: 1 of 50 vouchers do not verify" "$OUT/stdout"
tampered "(g) a line whose amount differs from its items" \
    "line 4 (venue 1) of batch PN-2026-09-01: 1 vouchers, but 2 items; gross 10,00${EUR}, but its items add up to 20,00${EUR}" \
    "INSERT INTO settlement_batch (id, reference, period, period_start,
      period_end, drafted_by, drafted_at, n_lines, n_vouchers, total_cents)
      VALUES (3, 'PN-2026-09-01', '2026-09', 1788213600, 1790805600, 2,
      1790900000, 1, 1, 987);
    INSERT INTO settlement_line (id, batch_id, venue_id, name, siret, iban,
      bic, sessions, vouchers, gross_cents, commission_cents, amount_cents)
      VALUES (4, 3, 1, 'Médiathèque de Rezé', '$SIRET_A',
      'FR7630006000011234567890189', 'AGRIFRPP', 1, 1, 1000, 13, 987);
    INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 4, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $(rid 4);
    INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 4, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $(rid 5);"
CONFLICT=$(q "SELECT id FROM redemption WHERE outcome = 'conflict'")
tampered "(h) an item pointing at a conflict redemption" \
    "item of redemption $CONFLICT (voucher 1) in line 3 of batch PN-2026-11-01: the redemption is a conflict, not accepted" \
    "INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 3, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $CONFLICT"
check "and the line no longer adds up to its items" grep -qF \
    "line 3 (venue 2) of batch PN-2026-11-01: 2 vouchers, but 3 items" "$OUT/stdout"
tampered "a line's amount that is not gross less commission (checks off)" \
    "line 1 (venue 1) of batch PN-2026-10-01: amount 30,00${EUR}, but gross less commission is 29,61${EUR}" \
    "PRAGMA ignore_check_constraints = 1;
    UPDATE settlement_line SET amount_cents = 3000 WHERE id = 1"
check "and batch PN-2026-10-01 no longer adds up to it" grep -qF \
    "batch PN-2026-10-01 (paid): total 29,61${EUR}, but its lines paid add up to 30,00${EUR}" \
    "$OUT/stdout"
tampered "an item of a rejected batch made active again" \
    "item of redemption $(rid 4) (voucher 4) in line 5 of batch PN-2026-08-01: active in a rejected batch" \
    "UPDATE settlement_item SET active = 1 WHERE line_id = 5"
tampered "an item whose redemption's dispute was upheld" \
    "item of redemption $R12 (voucher 12) in line 3 of batch PN-2026-11-01: a dispute of the redemption was upheld" \
    "INSERT INTO dispute (redemption_id, reason, opened_by, opened_at,
      resolution, resolved_by, resolved_at)
      VALUES ($R12, 'séance non tenue', 1, 1796000000, 'upheld', 2, 1796050000)"
tampered "a settled voucher whose redemption is in no paid batch" \
    "voucher 4: status settled, but its redemption is in no batch" \
    "UPDATE voucher SET status = 'settled' WHERE serial = 4"
tampered "a voucher in a paid batch that is not settled" \
    "voucher 2: in paid batch PN-2026-10-01, but its status is redeemed" \
    "UPDATE voucher SET status = 'redeemed' WHERE serial = 2"
tampered "a voucher settled whose batch is a draft" \
    "voucher 11: status settled, but batch PN-2026-11-01, which holds its redemption, is draft, not paid" \
    "UPDATE voucher SET status = 'settled' WHERE serial = 11"
tampered "an item's value changed" \
    "voucher 12 (redemption $R12, line 3): settled for 12,00${EUR}, but the voucher's value is 10,00${EUR}" \
    "UPDATE settlement_item SET value = 1200 WHERE redemption_id = $R12"
tampered "an item's commission not rounded half up" \
    "voucher 3 (redemption $R3, line 1): commission 0,12${EUR}, but the 125 basis points it was drafted at, of 10,00${EUR}, rounded half up, are 0,13${EUR}" \
    "UPDATE settlement_item SET commission = 12 WHERE redemption_id = $R3"
tampered "a payment file changed after approval" \
    "file PN-2026-10-01.xml of batch PN-2026-10-01: its content no longer has the hash stored at approval" \
    "UPDATE settlement_file SET content = CAST('SEPA file, other IBAN' AS BLOB)"
NEW_HASH=$(printf 'SEPA file, other IBAN' | b2sum -l 256 | cut -d' ' -f1)
tampered "a payment file changed after approval, its hash column too" \
    "file PN-2026-10-01.xml of batch PN-2026-10-01: stored with hash $NEW_HASH (21 bytes), but audit row" \
    "UPDATE settlement_file SET content = CAST('SEPA file, other IBAN' AS BLOB),
      hash = X'$NEW_HASH'"
tampered "a payment file deleted after approval" \
    "file PN-2026-10-01.xml of batch PN-2026-10-01: audit row" \
    "DELETE FROM settlement_file"
check "saying it is no longer stored" grep -qF "records it at approval, but it is no longer stored" \
    "$OUT/stdout"
tampered "a file slipped into a batch after approval" \
    "file extra.xml of batch PN-2026-10-01: no settle.file row of the audit log records it" \
    "INSERT INTO settlement_file (batch_id, kind, name, media_type, content,
      hash, created_at) SELECT batch_id, 'mandates', 'extra.xml', media_type,
      content, hash, created_at FROM settlement_file"
tampered "a batch approved by its drafter (checks off)" \
    "batch PN-2026-10-01 (paid): not approved by a second person" \
    "PRAGMA ignore_check_constraints = 1;
    UPDATE settlement_batch SET approved_by = 2 WHERE id = 1"
tampered "an item naming another voucher than its redemption's" \
    "the item says voucher 2, session" \
    "UPDATE settlement_item SET serial = 2 WHERE redemption_id = $R1"
tampered "a redemption settled twice, the unique index dropped" \
    "redemption $R11: in 2 active settlement items (lines 1, 3)" \
    "DROP INDEX settlement_item_once;
    INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 1, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 1, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial WHERE r.id = $R11"
tampered "a serial redeemed twice, the unique index dropped" \
    "voucher 7: redeemed 2 times (accepted redemptions" \
    "DROP INDEX redemption_once;
    INSERT INTO redemption (redemption_id, serial, session_id, terminal_id,
      venue_id, terminal_time, counter, record_signature, outcome, value,
      received_at, answer)
      SELECT randomblob(16), serial, session_id, terminal_id, venue_id,
      terminal_time, counter + 1, record_signature, outcome, value,
      received_at, answer FROM redemption WHERE serial = 7"
tampered "a redemption moved to another venue" \
    "of voucher 13: for venue 1, but its session is venue 2's and its terminal venue 2's" \
    "UPDATE redemption SET venue_id = 1 WHERE serial = 13"
tampered "a status none of the five (checks off)" \
    "voucher 44: status 'lost' is none of issued, redeemed, settled, cancelled, expired" \
    "PRAGMA ignore_check_constraints = 1;
    UPDATE voucher SET status = 'lost' WHERE serial = 44"
check "and the programme's vouchers no longer add up" grep -qF \
    "FAIL programme 1 'Pass numérique 2026': 50 vouchers issued for 500,00${EUR} but 9 outstanding" \
    "$OUT/stdout"
tampered "a cancelled voucher taken off the deny list" \
    "voucher 25: cancelled, but not on the deny list as such" \
    "DELETE FROM deny_event WHERE serial = 25"
tampered "many vouchers changed: 20 named, then how many more" \
    "... and 5 more" \
    "UPDATE voucher SET value = 999 WHERE status IN ('expired', 'issued')
      AND serial < 46"
check "the first 20 are named in serial order" sh -c \
    "grep -A1 '^FAIL signatures: 25 of 50' '$OUT/stdout' | grep -q 'voucher 8: signature'"
"$ADMIN" keygen signing --master "$OUT/rogue" --kid 1 --valid-from 2026-01-01 \
    --sign-until 2027-06-01 --verify-until 2027-12-31 --out "$OUT/rogue1" >/dev/null
ROGUE=$(od -An -tx1 -v "$OUT/rogue1/signing-00001.cert" | tr -d ' \n')
tampered "key 1 replaced by a key another master certified" \
    "key 1: its certificate is not signed by the master key" \
    "UPDATE signing_key SET cert = X'$ROGUE',
      public_key = substr(X'$ROGUE', 11, 32) WHERE kid = 1"
check "and every voucher then fails under the other public key" grep -q \
    "^FAIL signatures: 50 of 50 vouchers do not verify" "$OUT/stdout"

# --- A line held out of the draft, then tampered with ---------------------------------
# Venue 1's vouchers 4 and 5 in line 6 of the draft PN-2026-11-01, held out
# of it as store_batch_hold() holds a line: its items inactive, the batch's
# totals without it, and the settle.hold row of the audit log.
R4=$(rid 4) R5=$(rid 5)
q "INSERT INTO settlement_line (id, batch_id, venue_id, name, siret, iban, bic,
  sessions, vouchers, gross_cents, commission_cents, amount_cents, carried_over,
  held_at, held_by, hold_reason)
  VALUES (6, 2, 1, 'Médiathèque de Rezé', '$SIRET_A', 'FR7630006000011234567890189',
  'AGRIFRPP', 1, 2, 2000, 26, 1974, 0, 1796150000, 1, 'séance à vérifier');
INSERT INTO settlement_item (line_id, redemption_id, serial,
      session_id, programme_id, value, commission, active, commission_bp)
      SELECT 6, r.id, r.serial, r.session_id, v.programme_id, 1000, 13, 0, 125
      FROM redemption r JOIN voucher v ON v.serial = r.serial
      WHERE r.id IN ($R4, $R5);"
audit_append settle.hold batch:2 \
    "{\"cents\":1974,\"line\":6,\"reason\":\"séance à vérifier\",\"reference\":\"PN-2026-11-01\",\"siret\":\"$SIRET_A\",\"venue\":1,\"vouchers\":2}" \
    1796150000
expect 0 "audit: everything holds" "audit passes with a line held out of the draft" -- \
    "$ADMIN" audit --config "$CFG"
check "its check says so" grep -q "^ok   held lines: each held out of a draft" "$OUT/stdout"
tampered "a held line's items made active again" \
    "item of redemption $R4 (voucher 4) in line 6 of batch PN-2026-11-01: active in a line held out of the batch" \
    "UPDATE settlement_item SET active = 1 WHERE line_id = 6"
tampered "a line marked held by hand, the batch's totals made to agree" \
    "line 3 (venue 2) of batch PN-2026-11-01, held: no settle.hold row of the audit log records it" \
    "UPDATE settlement_line SET held_at = 1796160000, held_by = 1,
      hold_reason = 'pas payé' WHERE id = 3;
    UPDATE settlement_item SET active = 0 WHERE line_id = 3;
    UPDATE settlement_batch SET n_lines = 0, n_vouchers = 0, total_cents = 0
      WHERE id = 2"
tampered "a held line put back by hand, its items and the totals with it" \
    "line 6 of batch PN-2026-11-01: audit row" \
    "UPDATE settlement_line SET held_at = NULL, held_by = NULL,
      hold_reason = NULL WHERE id = 6;
    UPDATE settlement_item SET active = 1 WHERE line_id = 6;
    UPDATE settlement_batch SET n_lines = 2, n_vouchers = 4, total_cents = 3948
      WHERE id = 2"
check "saying the log holds it out, but it is not held" grep -qF \
    "records it held out of the batch, but it is not held" "$OUT/stdout"
tampered "a line of the paid batch held after its approval" \
    "line 1 (venue 1) of batch PN-2026-10-01, held: held while the batch was not a draft; no settle.hold row of the audit log records it" \
    "UPDATE settlement_line SET held_at = 1793650000, held_by = 1,
      hold_reason = 'après coup' WHERE id = 1;
    UPDATE settlement_item SET active = 0 WHERE line_id = 1;
    UPDATE settlement_batch SET n_lines = 0, n_vouchers = 0, total_cents = 0
      WHERE id = 1"
tampered "a held line whose reason was erased" \
    "line 6 (venue 1) of batch PN-2026-11-01, held: who held it, or why, is not recorded" \
    "UPDATE settlement_line SET hold_reason = NULL WHERE id = 6"
done_testing
