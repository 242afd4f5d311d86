# test_receipts.sh -- nothing lost in silence: a server whose database goes
# back to an older copy forgets redemptions it had accepted; the terminals
# hold its signed receipts, and at sync they put them back.
#
# Terminal 1 takes 5 vouchers, the database is copied, then it takes 15
# more (10 in a session opened after the copy); terminal 2, of the same
# venue, takes one too. A sync confirms every receipt, and after a
# restart (a checkpoint at stop) the next anchors them. passnumd is killed
# and the copy put back: the 16 redemptions after it are lost, their
# vouchers "issued" again, and a terminal of another venue redeems
# terminal 2's voucher anew. Then: a forged receipt, and a receipt of
# venue 1 resent by venue 2's terminal, are refused and write nothing;
# terminal 1's sync sees from the server's checkpoint that it lost data,
# sends all its receipts again, and the 15 come back (session included),
# each with its alarm, audit row and log line, money checks holding; a
# second sync puts nothing back. Terminal 2's receipt is in conflict:
# alarm once, exit 18 at each sync. passnum-terminal receipts prints the
# receipts, which passnum-admin audit --receipts checks against the
# database, before and after.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
T1="$OUT/t1"
T2="$OUT/t2"
T3="$OUT/t3"
SIGN="$BUILD/tools/pn-termsign"
SIRET1=21440143200015
SIRET2=35600000000001
RESTORED="15 encaissements perdus par le serveur ont été rétablis à partir des reçus de ce poste : le Département est prévenu"

trap 'passnumd_stop' EXIT
term() {
	dir=$1
	shift
	run "$TERMINAL" "$@" --data "$dir"
}
q() { sqlite3 "$DB" "$1"; }
j1() { sqlite3 "$T1/journal.sqlite" "$1"; }
# voucher N B: the code of voucher N of booklet B.
voucher() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet$2.json" | sed -n "$1p" |
	    sed 's/"code":"//; s/"$//'
}
serial() {
	grep -o '"serial":[0-9]*' "$OUT/booklet$2.json" | sed -n "$1p" |
	    cut -d: -f2
}
booklet() {
	call POST /api/v1/booklets "$TOKEN" "{\"programme\": 1, \"beneficiary\": {\"ref\": \"RC-$1\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}"
	cp "$OUT/body" "$OUT/booklet$1.json"
	test "$code" = 201
}
# take T SESSION N B: terminal T takes voucher N of booklet B online.
n_taken=0
take() {
	term "$1" redeem "$(voucher "$3" "$4")" --session "$2"
	[ "$status" -eq 0 ] && n_taken=$((n_taken + 1))
}
opened() { sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout"; }
# item COUNTER [RECEIPT]: terminal 1's record COUNTER as an item of
# POST /api/v1/terminal/receipts, with its receipt (or RECEIPT).
item() {
	r=receipt
	[ -z "${2:-}" ] || r="'$2'"
	j1 "SELECT '{\"record\":{\"redemption_id\":\"' || lower(hex(redemption_id)) || '\",\"terminal\":' || terminal || ',\"session\":\"' || lower(hex(session)) || '\",\"terminal_time\":' || terminal_time || ',\"counter\":' || counter || ',\"voucher\":\"' || voucher || '\",\"signature\":\"' || lower(hex(signature)) || '\"},\"receipt\":\"' || $r || '\"}' FROM record WHERE counter = $1"
}
accepted() { q "SELECT count(*) FROM redemption WHERE outcome = 'accepted'"; }
alarms() { q "SELECT count(*) FROM integrity_alarm WHERE kind = '$1'"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET1 "Médiathèque de Rezé"
venue_add "$CFG" $SIRET2 "Espace numérique Bouguenais"
check "passnumd starts" passnumd_start "$CFG"
sed -i "s/^port = 0$/port = $PORT/" "$CFG"
if booklet 1 && booklet 2 && booklet 3; then ok "three booklets are issued"
else not_ok "three booklets are issued"; fi

# Every terminal is enrolled before the copy: the copy knows them.
for t in "$T1:$SIRET1" "$T2:$SIRET1" "$T3:$SIRET2"; do
	c=$("$ADMIN" terminal code --config "$CFG" --siret "${t#*:}" 2>/dev/null)
	"$TERMINAL" enrol --server "$URL" --code "$c" --data "${t%%:*}" \
	    >/dev/null 2>&1
done
api_enrol $SIRET2 "$OUT/k2.key"
K2=$TERM_ID
check "three terminals and a signing key of venue 2 enrolled" test \
    -s "$T1/journal.sqlite" -a -s "$T2/journal.sqlite" -a \
    -s "$T3/journal.sqlite" -a -n "$K2"
TID1=$(sed -n 's/^ *"terminal": \([0-9]*\),$/\1/p' "$T1/config.json")
od -An -tx1 -v "$T1/device.key" | tr -d ' \n' >"$OUT/t1.key"
chmod 600 "$OUT/t1.key"

term "$T1" session open --theme 2 --duration 120
S1=$(opened)
term "$T3" session open --theme 2 --duration 120
S3=$(opened)
check "terminals 1 and 3 open their sessions" test -n "$S1" -a -n "$S3"
for n in 1 2 3 4 5; do take "$T1" "$S1" $n 1; done
check "terminal 1 takes 5 vouchers online" test "$n_taken" = 5

# --- The copy the database will go back to -------------------------------
sqlite3 "$DB" ".backup '$D/before.db'"
check "the database is copied (5 redemptions)" test \
    "$(sqlite3 "$D/before.db" "SELECT count(*) FROM redemption")" = 5

for n in 6 7 8 9 10; do take "$T1" "$S1" $n 1; done
term "$T1" session open --theme 1 --duration 60
S1B=$(opened)
for n in 1 2 3 4 5 6 7 8 9 10; do take "$T1" "$S1B" $n 2; done
check "terminal 1 takes 15 more, 10 in a session opened after the copy" \
    test "$n_taken" = 20 -a -n "$S1B"
term "$T2" session open --theme 2 --duration 60
S2=$(opened)
n_taken=0
take "$T2" "$S2" 1 3
check "terminal 2 takes one voucher in its own session" test "$n_taken" = 1
check "the server holds 21 accepted redemptions" test "$(accepted)" = 21

term "$T1" sync
said 0 "Reçus renvoyés au serveur : 20, dont 20 confirmés" \
    "sync: the server confirms terminal 1's 20 receipts"
check "... each record confirmed, none anchored yet (no later checkpoint)" \
    test "$(j1 "SELECT count(*) FROM record WHERE confirmed_at > 0 AND anchored = 0")" = 20
check "... the server's checkpoint is kept" \
    test "$(j1 "SELECT count(*) FROM checkpoint")" -ge 1
check "nothing was restored" test "$(alarms receipt_restored)" = 0
term "$T2" sync
said 0 "Reçus renvoyés au serveur : 1, dont 1 confirmé" \
    "terminal 2's receipt is confirmed too"

# A checkpoint dated after a confirmation (one is made at each stop), and
# the next confirmation, anchor the records: the sync after sends none.
sleep 1
passnumd_stop
check "passnumd restarts" passnumd_start "$CFG"
sleep 1
term "$T1" sync
said 0 "Reçus renvoyés au serveur : 20, dont 20 confirmés" \
    "sync after a new checkpoint: the receipts confirmed again"
check "... terminal 1's 20 records are anchored" \
    test "$(j1 "SELECT count(*) FROM record WHERE anchored = 1")" = 20
term "$T1" sync
said 0 "0 envoyé " "the next sync"
check "... sends no receipt" sh -c "! grep -q 'reçus renvoyés' '$OUT/stdout'"
term "$T1" status
said 0 "reçus : 20 encaissements acceptés, 0 à faire confirmer par le serveur ; son dernier point de contrôle : n°" \
    "status says the receipts are anchored"

# --- The loss: killed, and the old copy put back ---------------------------
kill -9 "$PID"
wait "$PID" 2>/dev/null
PID=
cp "$D/before.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
check "passnumd starts on the old copy" passnumd_start "$CFG"
check "... and raises its checkpoint gap alarm" \
    test "$(q "SELECT count(*) FROM integrity_alarm WHERE kind <> 'receipt_restored'")" -ge 1
check "the 16 later redemptions are gone: 5 left" test "$(accepted)" = 5
check "... their vouchers are issued again" test "$(q "SELECT status FROM voucher WHERE serial = $(serial 10 2)")" = issued
check "... and so is the session opened after the copy" test \
    "$(q "SELECT count(*) FROM training_session WHERE uid = x'$S1B'")" = 0

# Terminal 3 (venue 2) redeems terminal 2's lost voucher again.
n_taken=0
take "$T3" "$S3" 1 3
check "another venue redeems terminal 2's lost voucher anew" \
    test "$n_taken" = 1

# A forged receipt: one character changed in terminal 1's receipt of its
# 20th record (lost).
R20=$(j1 "SELECT receipt FROM record WHERE counter = 20")
n=$(( ${#R20} - 20 ))
c=$(printf '%s' "$R20" | cut -c$n)
if [ "$c" = A ]; then r=B; else r=A; fi
BAD=$(printf '%s' "$R20" | cut -c1-$((n - 1)))$r$(printf '%s' "$R20" | cut -c$((n + 1))-)
printf '{"receipts":[%s]}' "$(item 20 "$BAD")" >"$OUT/forged.json"
tcall "$OUT/t1.key" "$TID1" POST /api/v1/terminal/receipts "$OUT/forged.json"
check "a forged receipt is refused (4037)" sh -c \
    "test '$code' = 200 && grep -q '\"status\":\"refused\"' '$OUT/body' && grep -q '\"code\":4037' '$OUT/body'"
check "... nothing is written" test "$(accepted)" = 6
check "... and it is logged at level warn" grep -q \
    'level=warn msg="receipt refused: not a receipt of this server' \
    "$OUT/server.log"

# Terminal 1's record and receipt, resent by venue 2's key: as they are
# (the record is terminal 1's), and as its own record of the same
# redemption_id and voucher (the receipt is venue 1's).
printf '{"receipts":[%s]}' "$(item 20)" >"$OUT/replay.json"
tcall "$OUT/k2.key" "$K2" POST /api/v1/terminal/receipts "$OUT/replay.json"
check "venue 2 resending terminal 1's receipt is refused (4013)" sh -c \
    "grep -q '\"status\":\"refused\"' '$OUT/body' && grep -q '\"code\":4013' '$OUT/body'"
ID20=$(j1 "SELECT lower(hex(redemption_id)) FROM record WHERE counter = 20")
V20=$(j1 "SELECT voucher FROM record WHERE counter = 20")
"$SIGN" record "$OUT/k2.key" "$K2" "$S3" "$V20" --id "$ID20" >"$OUT/rec2.json"
printf '{"receipts":[{"record":%s,"receipt":"%s"}]}' "$(cat "$OUT/rec2.json")" \
    "$R20" >"$OUT/replay2.json"
tcall "$OUT/k2.key" "$K2" POST /api/v1/terminal/receipts "$OUT/replay2.json"
check "... and as its own record of that voucher too (4040)" sh -c \
    "grep -q '\"status\":\"refused\"' '$OUT/body' && grep -q '\"code\":4040' '$OUT/body'"
check "... nothing is written" test "$(accepted)" = 6
check "... no alarm for either" test \
    "$(q "SELECT count(*) FROM integrity_alarm WHERE kind LIKE 'receipt_%'")" = 0

# What an auditor sees with terminal 1's receipts (passnum-admin audit).
term "$T1" receipts
cp "$OUT/stdout" "$OUT/receipts.txt"
run "$ADMIN" audit --config "$CFG" --receipts "$OUT/receipts.txt"
check "the audit with terminal 1's receipts finds the 15 missing" grep -q \
    "^FAIL receipts: 15 of the 20 accepted receipts in .* are missing from the database" \
    "$OUT/stdout"

# --- Terminal 1's sync puts the 15 back -------------------------------------
term "$T1" sync
said 0 "$RESTORED" "sync: the 15 lost redemptions are restored, said loudly"
check "... it saw from the checkpoint that the server lost data" grep -q \
    "ATTENTION — le serveur a perdu des données : son point de contrôle n° [0-9]* compte moins que le n° [0-9]* que ce poste a reçu" \
    "$OUT/stdout"
check "... and sent every receipt again, anchored ones included" grep -q \
    "Reçus renvoyés au serveur : 20, dont 20 confirmés" "$OUT/stdout"
check "... one line per redemption put back" \
    test "$(grep -c '^  RÉTABLI — chèque n° ' "$OUT/stdout")" = 15
check "the server holds 21 accepted redemptions again" test "$(accepted)" = 21
check "... terminal 1's 15 vouchers are redeemed again" test "$(q "SELECT count(*) FROM voucher v JOIN redemption r ON r.serial = v.serial AND r.outcome = 'accepted' WHERE v.status = 'redeemed' AND r.terminal_id = $TID1")" = 20
check "... each at its receipt's value and time" test "$(q "SELECT count(*) FROM redemption r JOIN redemption_restored x ON x.redemption_id = r.id WHERE r.value = 1000 AND r.received_at < x.restored_at")" = 15
check "... an alarm per restore" test "$(alarms receipt_restored)" = 15
check "... in French, naming the voucher, the venue and the receipt" \
    test "$(q "SELECT count(*) FROM integrity_alarm WHERE kind = 'receipt_restored' AND detail LIKE 'Encaissement du chèque n° % au lieu Médiathèque de Rezé (reçu du %) absent de la base : renvoyé par le poste $TID1 avec le reçu signé du serveur, rétabli%'")" = 15
check "... a row of redemption_restored each" \
    test "$(q "SELECT count(*) FROM redemption_restored WHERE terminal_id = $TID1")" = 15
check "... an audit row redeem.restore each" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'redeem.restore'")" = 15
check "... an error line in the log each" test "$(grep -c \
    'level=error msg="redemption lost by the database, restored from the terminal' \
    "$OUT/server.log")" = 15
check "the session lost with them is made again" test \
    "$(q "SELECT count(*) FROM training_session WHERE uid = x'$S1B' AND terminal_id = $TID1")" = 1
check "... with its audit row" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'session.restore'")" = 1
check "the restored vouchers are on the deny list again" test "$(q "SELECT count(*) FROM deny_event WHERE reason = 2 AND serial IN (SELECT serial FROM redemption r JOIN redemption_restored x ON x.redemption_id = r.id)")" = 15
check "... terminal 1's records confirmed again, none anchored" \
    test "$(j1 "SELECT count(*) FROM record WHERE confirmed_at > 0 AND anchored = 0")" = 20
run "$ADMIN" audit --config "$CFG"
check "passnum-admin audit: the 21 records and their answers verify, restored ones included" \
    grep -q "^ok   redemptions: 21 records verified under their terminal's key" \
    "$OUT/stdout"
check "... and every money check holds" sh -c \
    "! grep -q '^FAIL \\(vouchers\\|redemptions\\|deny list\\)' '$OUT/stdout'"

term "$T1" sync
said 0 "Reçus renvoyés au serveur : 20, dont 20 confirmés" \
    "a second sync: every receipt known"
check "... nothing restored again" sh -c "! grep -q 'RÉTABLI\\|rétablis' '$OUT/stdout'"
check "... no new alarm, no new row" test "$(alarms receipt_restored):$(accepted)" = "15:21"

# --- Terminal 2: its voucher was taken again after the loss -----------------
term "$T2" sync
said 18 "ATTENTION — 1 encaissement perdu par le serveur n'a pas été rétabli : le chèque a été encaissé de nouveau depuis" \
    "terminal 2's receipt is in conflict: exit 18"
check "... the server says which venue took it again" grep -q \
    "CONFLIT — chèque n° $(serial 1 3) .*le chèque a été encaissé de nouveau depuis la perte, le .* au lieu Espace numérique Bouguenais" \
    "$OUT/stdout"
check "... an alarm receipt_conflict naming both" test "$(q "SELECT count(*) FROM integrity_alarm WHERE kind = 'receipt_conflict' AND detail LIKE '%Médiathèque de Rezé%Espace numérique Bouguenais%'")" = 1
check "... nothing inserted: the voucher stays redeemed once" test \
    "$(q "SELECT count(*) FROM redemption WHERE serial = $(serial 1 3) AND outcome = 'accepted'")" = 1
check "... with an error line in the log" grep -q \
    'level=error msg="redemption lost by the database and its voucher redeemed again' \
    "$OUT/server.log"
term "$T2" sync
said 18 "n'a pas été rétabli" "a second sync says it again: exit 18"
check "... without a second alarm" test "$(alarms receipt_conflict)" = 1
# The Département deals with it: once the alarm is acknowledged, the
# terminal is told so, stops sending the receipt, and sync is clean again.
AL=$(q "SELECT id FROM integrity_alarm WHERE kind = 'receipt_conflict'")
"$ADMIN" alarm ack --config "$CFG" --id "$AL" --as admin \
    --note "payé deux fois : récupéré auprès du lieu" \
    <<<"$(password_of admin)" >/dev/null
term "$T2" sync
said 0 "déjà traité par le Département : ce poste ne les renverra plus" \
    "the conflict acknowledged: the next sync says it was dealt with, exit 0"
check "... naming the alarm" grep -q "TRAITÉ — chèque n° $(serial 1 3) .*alerte n° $AL close" \
    "$OUT/stdout"
check "... the record is anchored in terminal 2's journal" test "$(sqlite3 \
    "$T2/journal.sqlite" "SELECT count(*) FROM record WHERE state = 'accepted' AND anchored = 0")" = 0
term "$T2" sync
said 0 "" "a later sync exits 0"
check "... and sends that receipt no more" sh -c "! grep -q 'TRAITÉ\|CONFLIT' '$OUT/stdout'"
check "... still one conflict alarm, acknowledged" test "$(q "SELECT count(*) FROM
    integrity_alarm WHERE kind = 'receipt_conflict' AND acknowledged_at IS NOT NULL")" = 1

# --- passnum-terminal receipts ----------------------------------------------
term "$T1" receipts
said 0 "$(j1 "SELECT receipt FROM record WHERE counter = 1")" \
    "receipts prints terminal 1's receipts"
check "... one line each, Base64" test \
    "$(grep -c '^[A-Za-z0-9+/]*=*$' "$OUT/stdout")" = 20
check "... the very receipts the server signed" test "$(sed -n 20p "$OUT/stdout")" = "$R20"
cp "$OUT/stdout" "$OUT/receipts.txt"
run "$ADMIN" audit --config "$CFG" --receipts "$OUT/receipts.txt"
check "... which the audit finds all in the database now" grep -q \
    "^ok   receipts: the 20 accepted receipts of .* (20 read) are all in the database" \
    "$OUT/stdout"
term "$T1" receipts extra
said 2 "Utilisation : passnum-terminal receipts" "receipts takes no argument"

done_testing
