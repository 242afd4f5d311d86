# test_cheat.sh -- a venue paid per voucher tries to be paid for vouchers it
# never held: typed serials with guessed control keys, backdated sessions and
# records, a booklet spent in one session, a late sync past the contest
# window. Each attempt is made as the attacker would, with the real server.
#
# pn-termsign plays the terminals' device keys; libfaketime moves the clock
# of every program (as in test_settle.sh): 25 and 26 November 2026, then 1, 2
# and 4 December.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
SIRET_A=21440143200015		# Médiathèque de Rezé, honest
SIRET_B=35600000000001		# a venue that cheats
PW_ALICE="alice-mot-de-passe-2026"
PW_BOB="bob-mot-de-passe-2026"

q() { sqlite3 "$DB" "$1"; }
. "$(dirname "$0")/faketime.sh"
# The time programs see now, in Unix seconds.
now() { echo $(( $(date +%s) + FT_OFF )); }
start() { ft_start "$CFG" "$OUT/server.log"; }
stop() { passnumd_stop; }
trap stop EXIT
admin() { run ft "$ADMIN" "$@" --config "$CFG"; }
# as LOGIN PASSWORD ARGS...: passnum-admin ARGS --as LOGIN, the password on
# standard input.
as() {
	login=$1 pw=$2
	shift 2
	printf '%s\n' "$pw" | ft "$ADMIN" "$@" --config "$CFG" --as "$login" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	status=$?
}

# send METHOD PATH [BODYFILE]: a request with the headers of $OUT/h.
send() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' -X "$1" \
	    -H @"$OUT/h" ${3:+--data-binary @"$3"} "$URL$2")
}
# tcall KEY TERMINAL METHOD PATH [BODYFILE]: signed by that terminal.
tcall() {
	ft "$SIGN" headers "$1" "$2" "$3" "$4" ${5:+"$5"} >"$OUT/h"
	send "$3" "$4" "${5:-}"
}
# answered DESCRIPTION STATUS CODE: the last answer's status and error code.
answered() {
	if [ "$code" = "$2" ] && grep -qF "\"code\":$3" "$OUT/body"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# wanted $2 with code $3; got $code: $(head -c 400 "$OUT/body")"
	fi
}
hex16() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# enrol SIRET KEYFILE: a terminal of that venue; its number in $T.
enrol() {
	c=$(ft "$ADMIN" terminal code --config "$CFG" --siret "$1" 2>/dev/null)
	pk=$(ft "$SIGN" keygen "$2")
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' --data-binary \
	    "{\"code\":\"$c\",\"public_key\":\"$pk\",\"label\":\"poste\"}" \
	    "$URL/api/v1/terminals/enrol")
	T=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body")
}
# session KEY TERMINAL UID STARTS [MINUTES]: declare a session.
session() {
	printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":%s}' \
	    "$3" "$4" "${5:-120}" >"$OUT/session.json"
	tcall "$1" "$2" POST /api/v1/sessions "$OUT/session.json"
}
# voucher SERIAL: its text; key SERIAL: its control key, as printed.
voucher() { awk -F'\t' -v s="$1" '$1 == s { print $2 }' "$OUT/codes"; }
key() {
	"$ADMIN" inspect "$(voucher "$1")" | sed -n 's/^control key *//p'
}
# typed SERIAL KEY: the record text of a voucher typed by hand.
typed() { printf 'PNK1:%s:%s' "$1" "$(printf '%s' "$2" | tr -d '-')"; }
# record KEY TERMINAL SESSION TEXT [OPTIONS...]: a signed record, to stdout.
record() {
	k=$1 t=$2 s=$3 v=$4
	shift 4
	ft "$SIGN" record "$k" "$t" "$s" "$v" "$@"
}
# redeem KEY TERMINAL SESSION TEXT [OPTIONS...]: that record, online.
redeem() {
	record "$@" >"$OUT/record.json"
	tcall "$1" "$2" POST /api/v1/redemptions "$OUT/record.json"
}
# batch KEY TERMINAL FILE: POST the records of FILE (one a line) as a batch.
batch() {
	{ printf '{"records":['; grep . "$3" | paste -sd, -; printf ']}'; } \
	    >"$OUT/batch.json"
	tcall "$1" "$2" POST /api/v1/redemptions/batch "$OUT/batch.json"
	sed 's/^{"results":\[//; s/\]}$//; s/},{"/}\n{"/g' "$OUT/body" \
	    >"$OUT/results"
}
# issue N: N booklets of 10, their vouchers appended to $OUT/codes.
issue() {
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		curl -s -H "Authorization: Bearer $TOKEN" --data-binary \
		    '{"programme": 1, "beneficiary": {"ref": "R-'"$i"'", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
		    "$URL/api/v1/booklets"
		echo
	done | grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"PN1:[^"]*"' |
	    sed 's/"serial":\([0-9]*\),"printed":"[^"]*","code":"\([^"]*\)"/\1\t\2/' \
	    >>"$OUT/codes"
}
redeemed() { q "SELECT count(*) FROM voucher WHERE status = 'redeemed'"; }

# --- 25 November: the programme, two venues, their terminals ------------------
at "2026-11-25 09:00:00"
ft "$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
cat >>"$CFG" <<'EOF'

[redemption]
key_failures_terminal = 5
key_failures_venue = 7

[settlement]
contest_days = 2
debtor_name = Département de Loire-Atlantique
debtor_iban = FR76 3000 1007 9412 3456 7890 185
debtor_bic = BDFEFRPPCCT
EOF
ft "$ADMIN" venue add --config "$CFG" --name "Médiathèque de Rezé" \
    --siret $SIRET_A --address "1 rue de la Paix" --commune Rezé \
    --iban FR7630006000011234567890189 --bic AGRIFRPP --contact x \
    --accredited-from 2026-01-01 >/dev/null
ft "$ADMIN" venue add --config "$CFG" --name "Atelier du Coin" \
    --siret $SIRET_B --address "2 place Bretagne" --commune Nantes \
    --iban "FR35 1005 7190 0300 0200 0300 190" --bic CMCIFRPP --contact y \
    --accredited-from 2026-01-01 >/dev/null
printf '%s\n' "$PW_ALICE" | ft "$ADMIN" user add --config "$CFG" --login alice \
    --name Alice --role accountant >/dev/null
printf '%s\n' "$PW_BOB" | ft "$ADMIN" user add --config "$CFG" --login bob \
    --name Bob --role accountant >/dev/null
check "passnumd starts (25 November)" start
: >"$OUT/codes"
issue 101
check "101 booklets: vouchers 1 to 1010" test "$(wc -l <"$OUT/codes")" = 1010
enrol $SIRET_A "$OUT/ta.key"; TA=$T KA="$OUT/ta.key"
enrol $SIRET_B "$OUT/tb1.key"; TB1=$T KB1="$OUT/tb1.key"
enrol $SIRET_B "$OUT/tb2.key"; TB2=$T KB2="$OUT/tb2.key"
enrol $SIRET_A "$OUT/tc.key"; TC=$T KC="$OUT/tc.key"
check "four terminals: one honest, two of the cheating venue, one to go offline" \
    test "$TA/$TB1/$TB2/$TC" = "1/2/3/4"
SA=$(hex16) SB1=$(hex16) SB2=$(hex16)
session "$KA" $TA "$SA" "$(now)"
session "$KB1" $TB1 "$SB1" "$(now)"
session "$KB2" $TB2 "$SB2" "$(now)"
check "each declares a session starting now: 201" test "$code" = 201

# --- 1. The attack: 1,000 consecutive typed serials ---------------------------
# The look-up that handed any voucher's text to any terminal is gone.
tcall "$KB1" $TB1 GET /api/v1/terminal/vouchers/13
answered "GET /api/v1/terminal/vouchers/13: no such route" 404 1001
# With guessed control keys, one record a serial, 1 to 1000: first in one
# batch, where typed vouchers are not judged at all, then one request a
# serial, as the terminal sends a typed voucher.
awk 'BEGIN { a = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; srand(7);
    for (s = 1; s <= 1000; s++) { k = "";
	for (i = 0; i < 8; i++) k = k substr(a, int(rand() * 31) + 1, 1);
	printf "PNK1:%d:%s\n", s, k } }' >"$OUT/guesses"
while read -r g; do
	record "$KB1" $TB1 "$SB1" "$g"
	echo
done <"$OUT/guesses" >"$OUT/records"
batch "$KB1" $TB1 "$OUT/records"
check "the batch of 1,000 guesses is answered: 200" test "$code" = 200
check "each refused unjudged: typed vouchers go online, alone (4029)" test \
    "$(grep -c '"code":4029,.*"status":422' "$OUT/results")" = 1000
check "nothing counted yet" test "$(q "SELECT count(*) FROM control_key_failure")" = 0
: >"$OUT/answers"
while read -r g; do
	redeem "$KB1" $TB1 "$SB1" "$g"
	printf '%s %s\n' "$code" "$(grep -o '"code":[0-9]*' "$OUT/body")" \
	    >>"$OUT/answers"
done <"$OUT/guesses"
check "1,000 answers" test "$(sed -n '$=' "$OUT/answers")" = 1000
check "none accepted" test "$(grep -c '^200' "$OUT/answers")" = 0
check "the first 5: wrong serial or control key (422, 4024)" test \
    "$(head -5 "$OUT/answers" | grep -c '^422 "code":4024$')" = 5
check "the 995 after: the terminal is suspended (403, 4009)" test \
    "$(tail -n 995 "$OUT/answers" | grep -c '^403 "code":4009$')" = 995
check "in French: ce poste est suspendu" grep -qF "ce poste est suspendu" \
    "$OUT/body"
check "no voucher changed hands" test "$(redeemed)" = 0
check "5 wrong keys recorded, by terminal and venue" test "$(q "SELECT
    count(*) || ' ' || group_concat(DISTINCT terminal_id) || ' ' ||
    group_concat(DISTINCT venue_id) FROM control_key_failure")" = "5 $TB1 2"
check "the terminal is suspended pending review, saying why" test "$(q "SELECT
    suspended_at IS NOT NULL AND suspend_reason LIKE '5 clés de contrôle erronées à ce poste%'
    FROM terminal WHERE id = $TB1")" = 1
check "audit: 5 redeem.bad_key and 1 terminal.suspend, by that terminal" \
    test "$(q "SELECT group_concat(action || ':' || n, ' ') FROM (SELECT action,
    count(*) AS n FROM audit_log WHERE actor = 'terminal:$TB1' AND action IN
    ('redeem.bad_key', 'terminal.suspend') GROUP BY action ORDER BY action)")" = \
    "redeem.bad_key:5 terminal.suspend:1"
check "the typed keys are not kept" sh -c "! grep -aqF \
    '$(sed -n 1p "$OUT/guesses" | cut -d: -f3)' '$DB' '$DB-wal' '$OUT/server.log'"
tcall "$KB1" $TB1 GET /api/v1/terminal
answered "the suspended terminal is refused on every signed route" 403 4009
check "with the reason, in French" grep -qF "suspendu en attente de vérification" \
    "$OUT/body"
expect 0 "suspended " "terminal list shows the suspension and its reason" -- \
    ft "$ADMIN" terminal list --config "$CFG"
check "the other venue's terminals are not touched" test "$(q "SELECT
    count(*) FROM terminal WHERE suspended_at IS NOT NULL")" = 1

# The same venue's second terminal, one serial at a time, online: the venue
# had 5 wrong keys; 2 more reach its limit of 7.
redeem "$KB2" $TB2 "$SB2" "PNK1:20:23456789"
answered "a guessed key, online: 422, 4024" 422 4024
redeem "$KB2" $TB2 "$SB2" "PNK1:21:23456789"
answered "another one" 422 4024
check "the venue's limit suspends its second terminal too" test "$(q "SELECT
    suspended_at IS NOT NULL FROM terminal WHERE id = $TB2")" = 1
redeem "$KB2" $TB2 "$SB2" "$(typed 22 "$(key 22)")"
answered "then even the right key is refused: the terminal is suspended" 403 4009
check "still no voucher changed hands" test "$(redeemed)" = 0
# What the Département sees: the accounting page, the audit.
ATOKEN=$(ft "$ADMIN" token create --config "$CFG" --login alice)
code=$(curl -s -o "$OUT/page.html" -w '%{http_code}' \
    -H "Authorization: Bearer $ATOKEN" "$URL/compta")
check "the accounting page lists the two suspended terminals" sh -c "
    [ $code = 200 ] && grep -qF 'Terminaux suspendus (2)' '$OUT/page.html' &&
    [ \$(grep -o 'Atelier du Coin' '$OUT/page.html' | wc -l) -ge 2 ]"
expect 0 "note terminal $TB1 de Atelier du Coin (SIRET $SIRET_B)" \
    "passnum-admin audit names each suspended terminal, and holds" -- \
    ft "$ADMIN" audit --config "$CFG"
check "with its reason" grep -qF "suspendu le" "$OUT/stdout"

# --- 2. The honest venue: serial and key, read on the paper --------------------
K3=$(key 3)
check "inspect prints the control key: 4 + 4 characters" sh -c \
    "printf '%s' '$K3' | grep -qx '[2-9A-HJKMNP-Z]\{4\}-[2-9A-HJKMNP-Z]\{4\}'"
redeem "$KA" $TA "$SA" "$(typed 3 "$K3")"
check "voucher 3 typed with its key: accepted" sh -c "[ $code = 200 ] &&
    grep -qF '\"outcome\":\"accepted\",\"serial\":3,' '$OUT/body' &&
    grep -qF '\"value_cents\":1000' '$OUT/body'"
check "it is redeemed, flagged as typed" test "$(q "SELECT v.status || ' ' ||
    r.flags FROM voucher v JOIN redemption r ON r.serial = v.serial
    WHERE v.serial = 3")" = "redeemed 4"
redeem "$KA" $TA "$SA" "$(typed 3 "$K3")"
answered "typed again: already used (409, 4020)" 409 4020
redeem "$KA" $TA "$SA" "$(typed 13 "$K3")"
answered "voucher 13 with voucher 3's key: 422, 4024" 422 4024
check "in French" grep -qF "numéro ou clé de contrôle erronés" "$OUT/body"
tcall "$KA" $TA POST /api/v1/redemptions "$OUT/record.json"
answered "the same record sent again (a lost answer): 422, 4024" 422 4024
check "... and counted once" test "$(q "SELECT count(*) FROM
    control_key_failure WHERE terminal_id = $TA")" = 1
record "$KA" $TA "$SA" "$(typed 4 "$(key 4)")" >"$OUT/records"
batch "$KA" $TA "$OUT/records"
check "a typed voucher in a batch: 422, 4029, not judged" sh -c "
    grep -qF '\"code\":4029,' '$OUT/results' &&
    [ \"\$(sqlite3 '$DB' 'SELECT status FROM voucher WHERE serial = 4')\" = issued ]"
redeem "$KA" $TA "$SA" "$(typed 999999 "$K3")"
answered "a serial never issued looks the same: 422, 4024" 422 4024
redeem "$KA" $TA "$SA" "PNK1:13:K7QM"
answered "a malformed typed text: 400, 4015 (not counted)" 400 4015
check "the honest terminal has 2 wrong keys and is not suspended" test "$(q "
    SELECT (SELECT count(*) FROM control_key_failure WHERE terminal_id = $TA)
    || ' ' || (SELECT suspended_at IS NULL FROM terminal WHERE id = $TA)")" = "2 1"

# --- 3. The Département resumes a terminal ----------------------------------------
expect 0 "resumed" "terminal resume lifts the suspension" -- \
    ft "$ADMIN" terminal resume --config "$CFG" --id $TB1 --note "lieu entendu"
tcall "$KB1" $TB1 GET /api/v1/terminal
check "the resumed terminal is heard again: 200" test "$code" = 200
check "audit: terminal.resume, with why it was suspended" test "$(q "SELECT
    count(*) FROM audit_log WHERE action = 'terminal.resume' AND object =
    'terminal:$TB1' AND detail LIKE '%lieu entendu%'")" = 1
expect 1 "not suspended" "resuming it twice" -- \
    ft "$ADMIN" terminal resume --config "$CFG" --id $TB1 --note x
redeem "$KB1" $TB1 "$SB1" "PNK1:30:23456789"
check "one more wrong key within the window suspends it again" test "$(q "
    SELECT suspended_at IS NOT NULL FROM terminal WHERE id = $TB1")" = 1

# --- 4. One voucher of a booklet per session (the programme's default) ------------
redeem "$KA" $TA "$SA" "$(voucher 21)"
check "voucher 21 (booklet 3) scanned: accepted" test "$code" = 200
redeem "$KA" $TA "$SA" "$(voucher 22)"
answered "voucher 22, same booklet, same session: 409, 4025" 409 4025
check "in French" grep -qF "ce carnet a déjà donné" "$OUT/body"
check "voucher 22 is still outstanding" test "$(q "SELECT status FROM voucher
    WHERE serial = 22")" = issued
SA2=$(hex16)
session "$KA" $TA "$SA2" "$(now)"
redeem "$KA" $TA "$SA2" "$(voucher 22)"
check "voucher 22 in another session: accepted" test "$code" = 200
expect 0 "2 voucher(s) of one booklet per session" \
    "programme rules --max-per-session 2" -- \
    ft "$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 2
redeem "$KA" $TA "$SA" "$(voucher 23)"
check "then a second voucher of booklet 3 in the first session: accepted" \
    test "$code" = 200
redeem "$KA" $TA "$SA" "$(typed 24 "$(key 24)")"
answered "a third, typed: 409, 4025" 409 4025
expect 2 "1 to 100" "--max-per-session 0 is refused" -- \
    ft "$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 0

# --- 5. Sessions dated in the past ------------------------------------------------
before=$(q "SELECT count(*) FROM training_session")
session "$KA" $TA "$(hex16)" $(( $(now) - 20 * 86400 ))
answered "a session dated 20 days back, online: 422, 4026" 422 4026
session "$KA" $TA "$(hex16)" $(( $(now) - 3600 ))
answered "a session started an hour ago, the terminal online: 422, 4026" 422 4026
check "nothing written" test "$(q "SELECT count(*) FROM training_session")" = "$before"
session "$KA" $TA "$(hex16)" $(( $(now) - 600 ))
check "one started 10 minutes ago (within the tolerance): 201" test "$code" = 201
stop

# Terminal C talks to the server on 26 November, then goes offline.
at "2026-11-26 10:00:00"
check "passnumd starts (26 November)" start
tcall "$KC" $TC GET /api/v1/terminal
check "terminal C's last exchange: 26 November" test "$code" = 200
stop

# --- 1 December: terminal C comes back after three days offline -------------------
at "2026-12-01 10:00:00"
check "passnumd starts (1 December)" start
SC=$(hex16)
session "$KC" $TC "$SC" "$(date -u -d '2026-11-28 10:00' +%s)" 90
check "a session opened offline on 28 November: 201" test "$code" = 201
session "$KC" $TC "$(hex16)" "$(date -u -d '2026-11-25 14:00' +%s)" 90
answered "one dated 25 November, before its last exchange: 422, 4026" 422 4026
check "in French" grep -qF "séance datée trop loin dans le passé" "$OUT/body"
T28=$(date -u -d '2026-11-28 10:30' +%s)
{
	record "$KC" $TC "$SC" "$(voucher 41)" --time "$T28"; echo
	record "$KC" $TC "$SC" "$(voucher 51)" --time $((T28 + 8 * 3600)); echo
	record "$KC" $TC "$SC" "$(voucher 61)" \
	    --time "$(date -u -d '2026-11-25 14:30' +%s)"; echo
} >"$OUT/records"
batch "$KC" $TC "$OUT/records"
check "the offline records: 200" test "$code" = 200
check "voucher 41, taken during the session: accepted" sh -c \
    "sed -n 1p '$OUT/results' | grep -qF '\"outcome\":\"accepted\",\"serial\":41,'"
check "voucher 51, taken 8 hours after it: accepted" sh -c \
    "sed -n 2p '$OUT/results' | grep -qF '\"outcome\":\"accepted\",\"serial\":51,'"
check "voucher 61, dated before the last exchange: 422, 4027" sh -c \
    "sed -n 3p '$OUT/results' | grep -qF '\"code\":4027,' &&
    sed -n 3p '$OUT/results' | grep -qF '\"status\":422'"
check "41 is flagged synced late; 51 synced late and outside the hours" test \
    "$(q "SELECT group_concat(flags, ' ') FROM (SELECT flags FROM redemption
    WHERE serial IN (41, 51) ORDER BY serial)")" = "2 3"
cp "$OUT/records" "$OUT/records.first"
cp "$OUT/results" "$OUT/results.first"
# Ten minutes later (its contact times set back in the database), the
# terminal sends the same records again, its first answer lost: those
# stored get their answers, dated before its previous exchange or not.
q "UPDATE terminal SET seen_at = seen_at - 600, contact_since =
    contact_since - 600 WHERE id = $TC"
batch "$KC" $TC "$OUT/records.first"
check "the same records again: the stored answers, byte for byte" sh -c "
    sed -n 1,2p '$OUT/results.first' >'$OUT/a' && sed -n 1,2p '$OUT/results' >'$OUT/b' &&
    cmp -s '$OUT/a' '$OUT/b'"
check "the third is still refused (4027)" sh -c \
    "sed -n 3p '$OUT/results' | grep -qF '\"code\":4027,'"
redeem "$KC" $TC "$SC" "$(voucher 71)"
answered "online now, in the session of 28 November: 422, 4028" 422 4028
check "in French" grep -qF "en dehors des heures de la séance" "$OUT/body"
stop

# --- The contest window runs from arrival, not from the session's end -------------
# November's sessions: terminal A's ended on 25 November, more than two days
# (contest_days) ago: payable. Terminal C's ended on 28 November, but its
# records arrived on 1 December: disputable until 3 December.
as alice "$PW_ALICE" settle draft --period 2026-11
check "alice drafts November on 1 December" test "$status" = 0
REF=$(q "SELECT reference FROM settlement_batch WHERE period = '2026-11'")
check "the batch holds terminal A's vouchers, not the late ones" test "$(q "
    SELECT group_concat(serial, ' ') FROM (SELECT i.serial FROM settlement_item
    i JOIN settlement_line l ON l.id = i.line_id JOIN settlement_batch b
    ON b.id = l.batch_id WHERE b.reference = '$REF' ORDER BY i.serial)")" = \
    "3 21 22 23"
at "2026-12-02 10:00:00"
as alice "$PW_ALICE" dispute open --serial 41 --reason "Séance déclarée trois jours après"
check "on 2 December voucher 41 is still disputable" test "$status" = 0
as bob "$PW_BOB" settle reject --batch "$REF" --reason "refaire avec les séances tardives"
check "bob rejects November's first batch" test "$status" = 0
at "2026-12-04 10:00:00"
as alice "$PW_ALICE" dispute resolve --id 1 --dismiss "Séance confirmée par le lieu"
check "the dispute is dismissed" test "$status" = 0
as alice "$PW_ALICE" settle draft --period 2026-11
REF=$(q "SELECT reference FROM settlement_batch WHERE period = '2026-11'
    AND status = 'draft'")
check "on 4 December the late vouchers are payable: in the new draft" test "$(q "
    SELECT group_concat(serial, ' ') FROM (SELECT i.serial FROM settlement_item
    i JOIN settlement_line l ON l.id = i.line_id JOIN settlement_batch b
    ON b.id = l.batch_id WHERE b.reference = '$REF' ORDER BY i.serial)")" = \
    "3 21 22 23 41 51"
expect 0 "" "passnum-admin audit: everything holds" -- \
    ft "$ADMIN" audit --config "$CFG"

done_testing
