# test_journal_loss.sh -- an enrolled terminal whose journal is emptied or
# deleted: every command refuses (exit 9, a French message naming the
# cause and the way back) and nothing is made again, so that records
# taken offline and lost with the file cannot pass unseen ("0 envoyé ").
# The journal is made at enrolment only; a fresh enrolment still works.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
T1="$OUT/t1"
SIRET1=21440143200015
J="$T1/journal.sqlite"
LOST="journal absent ou vide alors que ce poste est inscrit"

trap 'passnumd_stop' EXIT
term() {
	dir=$1
	shift
	run "$TERMINAL" "$@" --data "$dir"
}
voucher() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | sed -n "$1p" |
	    sed 's/"code":"//; s/"$//'
}
records() { sqlite3 "$J" "SELECT count(*) FROM record WHERE state = 'pending'"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
"$ADMIN" venue add --config "$CFG" --name "Médiathèque de Rezé" \
    --siret $SIRET1 --address "1 rue de la République" --commune "Rezé" \
    --iban FR7630006000011234567890189 --bic AGRIFRPP \
    --contact "Claire Moreau" --accredited-from 2026-01-01 >/dev/null
check "passnumd starts" passnumd_start "$CFG"
sed -i "s/^port = 0$/port = $PORT/" "$CFG"

CODE1=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET1 2>/dev/null)
run "$TERMINAL" enrol --server "$URL" --code "$CODE1" --data "$T1"
said 0 "inscrit pour Médiathèque de Rezé" "enrol a terminal in an empty data dir"
check "enrolment made the journal" test -s "$J"
term "$T1" session open --theme 2 --duration 90
said 0 "Séance ouverte" "a session is open"
S1=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "J-1", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
check "a booklet is issued" test "$code" = 201
cp "$OUT/body" "$OUT/booklet.json"

passnumd_stop
n_off=0
for i in 1 2 3 4 5; do
	term "$T1" redeem "$(voucher $i)" --session "$S1"
	[ "$status" -eq 3 ] && n_off=$((n_off + 1))
done
check "five vouchers taken offline" test "$n_off" = 5
check "... five records pending in the journal" test "$(records)" = 5
cp "$J" "$OUT/journal.backup"

# every_command_refuses WHAT: each command exits 9 naming the loss, and
# leaves no journal behind.
every_command_refuses() {
	for c in "sync --retries 0" "status" "history" "session list" \
	    "session open --theme 2"; do
		# shellcheck disable=SC2086
		term "$T1" $c
		said 9 "$LOST" "$1: '${c%% -*}' refuses with exit 9"
	done
	term "$T1" redeem "$(voucher 6)" --session "$S1"
	said 9 "$LOST" "$1: 'redeem' refuses with exit 9"
	term "$T1" verify "$(voucher 6)"
	said 9 "$LOST" "$1: 'verify' refuses with exit 9"
	check "$1: the message says what to do" \
	    grep -q "ne réinscrivez pas le poste, restaurez le fichier journal" \
	    "$OUT/stderr"
}

: >"$J"
rm -f "$J-wal" "$J-shm"
every_command_refuses "an emptied journal"
check "an emptied journal: still empty, nothing made again" test ! -s "$J"

rm -f "$J"
every_command_refuses "a deleted journal"
check "a deleted journal: not made again" test ! -e "$J"

run "$TERMINAL" enrol --server "$URL" --code "$CODE1" --data "$T1"
said 1 "ce poste est déjà inscrit" \
    "enrol over the data dir is still refused"

# The way back: the journal restored, its records are there to sync.
cp "$OUT/journal.backup" "$J"
check "passnumd restarts" passnumd_start "$CFG"
term "$T1" sync
said 0 "5 acceptés" "the restored journal syncs its five records"

# A fresh enrolment in another, empty data dir still works.
CODE2=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET1 2>/dev/null)
run "$TERMINAL" enrol --server "$URL" --code "$CODE2" --data "$OUT/t2"
said 0 "inscrit pour Médiathèque de Rezé" "a fresh enrolment still works"
term "$OUT/t2" status
said 0 "enregistrements en attente : 0" "... and its journal opens"

done_testing
