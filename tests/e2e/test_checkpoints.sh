# test_checkpoints.sh -- the anchor outside the database: signed
# checkpoints in checkpoints.log, a copy on "another disk" and the log;
# a database lost, emptied or made anew is refused at start; a WAL lost
# after acknowledged redemptions and a cut audit log raise an integrity
# alarm at start, and passnum-admin audit names the gap from the
# history, from checkpoints kept elsewhere and from the terminal's
# receipts; an alarm is acknowledged by an authenticated administrator.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
H="$D/checkpoints.log"
COPY="$OUT/otherdisk/checkpoints.log"
T1="$OUT/t1"
J="$T1/journal.sqlite"
SIRET1=21440143200015

trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null' EXIT
term() {
	dir=$1
	shift
	run "$TERMINAL" "$@" --data "$dir"
}
voucher() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet$1.json" | sed -n "$2p" |
	    sed 's/"code":"//; s/"$//'
}
redeemed() { sqlite3 "$DB" "SELECT count(*) FROM redemption WHERE outcome = 'accepted'"; }
last_seq() { tail -n 1 "$1" | sed -n 's/^PNC1 seq=\([0-9]*\) .*/\1/p'; }
field() { tail -n 1 "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 20 >/dev/null
mkdir -p "$OUT/otherdisk"
printf '\n[checkpoint]\ninterval = 1\ncopy = %s\n' "$COPY" >>"$CFG"
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET1 "Médiathèque de Rezé"

# --- Made at start, in three places and the log; served ------------------
check "passnumd starts" passnumd_start "$CFG"
sed -i "s/^port = 0$/port = $PORT/" "$CFG"
check "a checkpoint is in the history at start" test "$(last_seq "$H")" = 1
check "... and in the copy on the other disk" cmp -s "$H" "$COPY"
check "... and in the log" grep -q "msg=checkpoint seq=1 checkpoint=\"PNC1 seq=1 " \
    "$OUT/server.log"
check "... the history is the server's alone (0600)" \
    test "$(stat -c %a "$H")" = 600
call GET /api/v1/checkpoint ""
check "GET /api/v1/checkpoint serves it" test "$code" = 200 -a \
    "$(python3 -c "import json,sys; print(json.load(sys.stdin)[\"checkpoint\"])" <"$OUT/body")" = "$(tail -n 1 "$H")"

# --- Redemptions: the interval makes new ones, chained --------------------
CODE1=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET1 2>/dev/null)
run "$TERMINAL" enrol --server "$URL" --code "$CODE1" --data "$T1"
said 0 "inscrit pour" "a terminal is enrolled"
term "$T1" session open --theme 2 --duration 90
S1=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
for b in 1 2; do
	call POST /api/v1/booklets "$TOKEN" "{\"programme\": 1, \"beneficiary\": {\"ref\": \"CP-$b\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}"
	cp "$OUT/body" "$OUT/booklet$b.json"
done
n=0
for i in 1 2 3 4 5; do
	term "$T1" redeem "$(voucher 1 $i)" --session "$S1"
	[ "$status" -eq 0 ] && n=$((n + 1))
done
check "five vouchers redeemed online" test "$n" = 5
sleep 2.5
check "the interval made a checkpoint that counts them" \
    test "$(field "$H" redeemed | cut -d: -f1)" = 5
check "... chained: its prev is the hash of the line before" test \
    "$(field "$H" prev)" = "$(tail -n 2 "$H" | head -n 1 | tr -d '\n' | b2sum -l 256 | cut -d' ' -f1)"
seq_before=$(last_seq "$H")
sleep 1.5
check "nothing changed: no new checkpoint" test "$(last_seq "$H")" = "$seq_before"
run "$ADMIN" checkpoint --config "$CFG"
said 0 "nothing changed since the last checkpoint" \
    "passnum-admin checkpoint with nothing new says so"

# The database file takes the WAL now; what follows stays in the WAL.
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for i in 6 7 8 9 10; do
	term "$T1" redeem "$(voucher 1 $i)" --session "$S1"
done
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "CP-3", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
check "a third booklet is issued (serials 21 to 30)" grep -q '"serial":30' "$OUT/body"
run "$ADMIN" checkpoint --config "$CFG"
said 0 "PNC1 seq=" "passnum-admin checkpoint makes one now"
check "... it counts ten redemptions" \
    test "$(field "$H" redeemed | cut -d: -f1)" = 10
cp "$COPY" "$OUT/saved-checkpoints.log"
sqlite3 "$J" "SELECT receipt FROM record WHERE state = 'accepted'" \
    >"$OUT/receipts.txt"
check "the terminal holds ten receipts" test "$(wc -l <"$OUT/receipts.txt")" = 10

# --- The WAL lost after acknowledged redemptions ---------------------------
kill -9 "$PID" 2>/dev/null
wait "$PID" 2>/dev/null
PID=
# The WAL truncated, or a byte of its header flipped, instead of deleted:
# on copies, audited with the history beside them.
for fault in truncated flipped; do
	c="$OUT/$fault"
	mkdir -p "$c"
	cp "$DB" "$DB-wal" "$H" "$c/"
	case $fault in
	truncated) truncate -s $(($(stat -c %s "$c/passnum.db-wal") / 2)) \
	    "$c/passnum.db-wal" ;;
	flipped) printf '\377' | dd of="$c/passnum.db-wal" bs=1 seek=17 \
	    conv=notrunc 2>/dev/null ;;
	esac
	printf '[store]\npath = passnum.db\n' >"$c/passnumd.ini"
	run "$ADMIN" audit --config "$c/passnumd.ini"
	said 1 "FAIL checkpoints: the database holds less than" \
	    "a $fault WAL: audit names the checkpoints the database lost"
done
rm -f "$DB-wal" "$DB-shm"
check "the lost WAL took five acknowledged redemptions" test "$(redeemed)" = 5
check "passnumd starts on the older database" passnumd_start "$CFG"
check "... its log raises an integrity alarm" \
    grep -q 'level=error msg="integrity alarm: the database holds less than its last checkpoint"' \
    "$OUT/server.log"
check "... recorded, in French, naming the five missing" test \
    "$(sqlite3 "$DB" "SELECT count(*) FROM integrity_alarm WHERE kind = 'checkpoint_gap' AND detail LIKE '%5 encaissements acceptés manquent (5 au lieu de 10)%' AND acknowledged_at IS NULL")" = 1
check "... the chain goes on from the history, not the database" \
    test "$(last_seq "$H")" -gt "$(sqlite3 "$DB" "SELECT max(seq) FROM checkpoint WHERE seq < (SELECT max(seq) FROM checkpoint)")"
check "... the serial counter is moved past the lost booklet's serials" \
    test "$(sqlite3 "$DB" "SELECT next FROM serial_counter")" = 31
check "... with an audit row" test "$(sqlite3 "$DB" "SELECT count(*) FROM
    audit_log WHERE action = 'store.serial_advance'")" = 1
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "CP-4", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
check "... a new booklet never reuses a printed serial" \
    grep -q '"serial":31,' "$OUT/body"
run "$ADMIN" alarm list --config "$CFG"
said 0 "checkpoint_gap" "alarm list shows the open alarm"
run "$ADMIN" audit --config "$CFG"
said 1 "5 accepted redemption(s) missing (5 of 10" \
    "audit names the missing redemptions from the history"
said 1 "FAIL integrity alarms: 1 open" "audit fails while the alarm is open"
run "$ADMIN" audit --config "$CFG" --checkpoints "$OUT/saved-checkpoints.log" \
    --receipts "$OUT/receipts.txt"
said 1 "are missing from the database" \
    "audit with the terminal's receipts names the vouchers missing"
check "... five of them" grep -q "FAIL receipts: 5 of the 10 accepted receipts" \
    "$OUT/stdout"
# The history lost with the disk: the copy kept elsewhere still shows it.
mv "$H" "$OUT/history.kept"
run "$ADMIN" audit --config "$CFG" --checkpoints "$OUT/saved-checkpoints.log"
said 1 "5 accepted redemption(s) missing (5 of 10" \
    "without the history, audit names the gap from the saved copy"
check "... from its lines" grep -q "(from $OUT/saved-checkpoints.log line" \
    "$OUT/stdout"
mv "$OUT/history.kept" "$H"

# A forged line in a copy does not pass for a checkpoint.
sed 's/redeemed=10:/redeemed=11:/' "$OUT/saved-checkpoints.log" >"$OUT/forged.log"
run "$ADMIN" audit --config "$CFG" --checkpoints "$OUT/forged.log"
said 1 "signature does not verify" "a forged checkpoint is refused by audit"
run "$ADMIN" audit --config "$CFG" --checkpoints "$OUT/nowhere.log"
said 1 "nowhere.log: No such file" "a copy that cannot be read fails the audit"

# Acknowledging takes an authenticated administrator.
AL=$(sqlite3 "$DB" "SELECT id FROM integrity_alarm WHERE kind = 'checkpoint_gap'")
run "$ADMIN" alarm ack --config "$CFG" --id "$AL" --as caseworker \
    --note "vu" <<<"$(password_of caseworker)"
said 1 "is not an administrator" "a caseworker cannot acknowledge an alarm"
run "$ADMIN" alarm ack --config "$CFG" --id "$AL" --as admin \
    --note "WAL perdu" <<<"wrong-password"
check "a wrong password acknowledges nothing" test "$status" -ne 0 -a \
    "$(sqlite3 "$DB" "SELECT count(*) FROM integrity_alarm WHERE acknowledged_at IS NULL")" = 1
run "$ADMIN" alarm ack --config "$CFG" --id "$AL" --as admin \
    --note "WAL perdu ; reçus des postes repris" <<<"$(password_of admin)"
said 0 "acknowledged by admin" "an administrator acknowledges it"
check "... with an audit row" test "$(sqlite3 "$DB" "SELECT count(*) FROM audit_log WHERE action = 'integrity.ack'")" = 1
run "$ADMIN" audit --config "$CFG"
said 0 "audit: everything holds" \
    "once acknowledged, the known gap is a note, not a failure"
said 0 "a gap acknowledged with its alarm" "... the note names the gap"

# --- Rows cut from the end of the audit log --------------------------------
run "$ADMIN" checkpoint --config "$CFG"
passnumd_stop
sqlite3 "$DB" "DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)"
check "passnumd starts on the cut log" passnumd_start "$CFG"
check "... an alarm names the cut" test \
    "$(sqlite3 "$DB" "SELECT count(*) FROM integrity_alarm WHERE acknowledged_at IS NULL AND detail LIKE '%le journal d''audit s''arrête à la ligne%'")" = 1
run "$ADMIN" audit --config "$CFG"
said 1 "the audit log was cut: it ends at row" "audit names the cut tail"

# A tail cut on a copy, with no history beside it: the database's own
# checkpoints show it.
run "$ADMIN" checkpoint --config "$CFG"
n_before=$(sqlite3 "$DB" "SELECT max(id) FROM audit_log")
run "$ADMIN" venue suspend --config "$CFG" --siret $SIRET1 --reason "contrôle"
run "$ADMIN" checkpoint --config "$CFG"
tampered "one audit row cut from the end of a copy" \
    "the audit log was cut: it ends at row $n_before" \
    "DELETE FROM audit_log WHERE id > $n_before"

# --- The database missing, emptied or made anew ---------------------------
passnumd_stop
mv "$DB" "$OUT/kept.db"
rm -f "$DB-wal" "$DB-shm"
run "$BUILD/bin/passnumd" --config "$CFG"
said 1 "is missing, but $H holds checkpoints" \
    "a missing database: passnumd refuses to start, naming the history"
check "... and makes no database" test ! -e "$DB"
: >"$DB"
run "$BUILD/bin/passnumd" --config "$CFG"
said 1 "is empty, but $H holds checkpoints" \
    "an emptied database: passnumd refuses to start"
rm -f "$DB"
"$ADMIN" user list --config "$CFG" >/dev/null 2>&1
run "$BUILD/bin/passnumd" --config "$CFG"
said 1 "is a new, empty database, but" \
    "a database made anew by a command: passnumd refuses to start"
said 1 "passnum-admin restore" "... and says how to come back"
mv "$OUT/kept.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
check "the database put back, passnumd starts" passnumd_start "$CFG"
passnumd_stop
check "it stops cleanly" test "$status" = 0

done_testing
