# test_redeem.sh -- the venues' terminals: enrolment with one-time codes,
# signed requests, training sessions, redemption online and in batches,
# exactly once under concurrency and across a kill -9.
#
# pn-termsign plays the terminals' device keys, so that every request is
# exactly the one meant, the wrong ones included.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
SIRET_A=21440143200015		# Médiathèque de Rezé
SIRET_B=35600000000001		# a La Poste establishment
PID=

start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null' EXIT

q() { sqlite3 "$DB" "$1"; }

# body_has TEXT: the last answer's body contains TEXT.
body_has() { grep -qF -- "$1" "$OUT/body"; }

# send METHOD PATH [BODYFILE]: a request with the headers of $OUT/h;
# status in $code, body in $OUT/body.
send() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' -X "$1" \
	    -H @"$OUT/h" ${3:+--data-binary @"$3"} "$URL$2")
}

# tcall KEY TERMINAL METHOD PATH [BODYFILE [TERMSIGN OPTIONS...]]: a request
# signed by that terminal's key.
tcall() {
	key=$1 term=$2 method=$3 path=$4 bodyfile=${5:-}
	shift 4
	[ $# -gt 0 ] && shift
	"$SIGN" headers "$key" "$term" "$method" "$path" ${bodyfile:+"$bodyfile"} \
	    "$@" >"$OUT/h"
	send "$method" "$path" "$bodyfile"
}

# redeem KEY TERMINAL RECORDFILE: POST /api/v1/redemptions, signed.
redeem() { tcall "$1" "$2" POST /api/v1/redemptions "$3"; }

# record KEY TERMINAL SESSION SERIAL|TEXT FILE [OPTIONS...]: a signed record
# of voucher SERIAL (from $OUT/codes) or of the voucher text TEXT.
record() {
	key=$1 term=$2 sess=$3 v=$4 file=$5
	shift 5
	case $v in
	*[!0-9]*) ;;
	*) v=$(voucher "$v") ;;
	esac
	"$SIGN" record "$key" "$term" "$sess" "$v" "$@" >"$file"
}

# voucher SERIAL: its text, from the booklets issued.
voucher() { awk -F'\t' -v s="$1" '$1 == s { print $2 }' "$OUT/codes"; }

# answered DESCRIPTION STATUS CODE: the last answer had that HTTP status and
# that error code.
answered() {
	if [ "$code" = "$2" ] && body_has "\"code\":$3"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# wanted $2 with code $3; got $code: $(head -c 400 "$OUT/body")"
	fi
}

# The rows a request could write. snap_all: everything, the nonces
# included; snap_rec: what a judged record could write.
snap_rec() {
	q "SELECT (SELECT count(*) FROM redemption) || '/' ||
	    (SELECT count(*) FROM audit_log) || '/' ||
	    (SELECT count(*) FROM deny_event) || '/' ||
	    (SELECT count(*) FROM voucher WHERE status = 'redeemed') || '/' ||
	    (SELECT count(*) FROM training_session) || '/' ||
	    (SELECT count(*) FROM terminal) || '/' ||
	    (SELECT count(*) FROM enrol_code WHERE used_at IS NOT NULL)"
}
snap_all() { echo "$(snap_rec)/$(q 'SELECT count(*) FROM terminal_nonce')"; }

# unchanged DESCRIPTION BEFORE SNAPFN: nothing was written since BEFORE.
unchanged() {
	now=$($3)
	if [ "$now" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# rows before $2, after $now"
	fi
}

# refused DESCRIPTION STATUS CODE SNAPFN -- CMD...: CMD is answered STATUS
# with CODE, and nothing is written (SNAPFN's rows unchanged).
refused() {
	desc=$1 st=$2 ec=$3 fn=$4
	shift 5
	before=$($fn)
	"$@"
	answered "$desc: $st, code $ec" "$st" "$ec"
	unchanged "$desc: nothing written" "$before" "$fn"
}

hex16() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
now() { date +%s; }

# Background jobs of the test: "wait" alone would wait for passnumd too.
BG=
bg_wait() {
	for p in $BG; do wait "$p"; done
	BG=
}

# enrol CODE KEYFILE LABEL: POST /api/v1/terminals/enrol with a new key.
enrol() {
	pk=$("$SIGN" keygen "$2")
	printf '{"code":"%s","public_key":"%s","label":"%s"}' "$1" "$pk" "$3" \
	    >"$OUT/enrol.json"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    --data-binary @"$OUT/enrol.json" "$URL/api/v1/terminals/enrol")
}

# session KEY TERMINAL UID [THEME [STARTS [MINUTES]]]: declare a session.
session() {
	printf '{"session":"%s","theme":"%s","starts_at":%s,"duration_minutes":%s}' \
	    "$3" "${4:-démarches en ligne}" "${5:-$(now)}" "${6:-120}" \
	    >"$OUT/session.json"
	tcall "$1" "$2" POST /api/v1/sessions "$OUT/session.json"
}

# issue N FIRSTREF: issue N booklets and add their vouchers to $OUT/codes.
issue() {
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		curl -s -H "Authorization: Bearer $TOKEN" --data-binary \
		    '{"programme": 1, "beneficiary": {"ref": "R-'"$2-$i"'", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
		    "$URL/api/v1/booklets"
		echo
	done | grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"PN1:[^"]*"' |
	    sed 's/"serial":\([0-9]*\),"printed":"[^"]*","code":"\([^"]*\)"/\1\t\2/' \
	    >>"$OUT/codes"
}

# --- Set-up ------------------------------------------------------------------
"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
# Several vouchers of one booklet in one session: the load and batch parts
# below send whole booklets to one session (the default rule, one voucher
# of a booklet per session, is tested in test_cheat.sh).
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 100 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
# A small batch limit, so that a batch over it is cheap to send.
printf '\n[redemption]\nmax_batch = 1250\n' >>"$CFG"
"$ADMIN" venue add --config "$CFG" --name "Médiathèque de Rezé" \
    --siret $SIRET_A --address "1 rue de la Paix" --commune Rezé \
    --iban FR7630006000011234567890189 --bic AGRIFRPP --contact x \
    --accredited-from 2026-01-01 >/dev/null
"$ADMIN" venue add --config "$CFG" --name "Bureau de poste de Nantes" \
    --siret $SIRET_B --address "2 place Bretagne" --commune Nantes \
    --iban "FR35 1005 7190 0300 0200 0300 190" --bic CMCIFRPP --contact y \
    --accredited-from 2026-01-01 >/dev/null
check "two venues" test "$(q 'SELECT count(*) FROM venue')" = 2
check "passnumd starts" start
: >"$OUT/codes"
issue 2 F
check "2 booklets issued: vouchers 1 to 20" test "$(wc -l <"$OUT/codes")" = 20
curl -s -o "$OUT/trust" "$URL/api/v1/trust"

# --- 1. Enrolment --------------------------------------------------------------
CODE1=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET_A 2>/dev/null)
check "terminal code prints a code" test -n "$CODE1"
enrol "$CODE1" "$OUT/t1.key" "Accueil, poste 1"
check "a code enrols a terminal: 201" test "$code" = 201
check "it is terminal 1 of venue 1, told the themes" sh -c "
    grep -qF '\"terminal\":1,' '$OUT/body' &&
    grep -qF '\"venue\":{\"id\":1,' '$OUT/body' &&
    grep -qF 'démarches en ligne' '$OUT/body'"
T1=1 K1="$OUT/t1.key"
before=$(snap_all)
enrol "$CODE1" "$OUT/t1bis.key" "poste pirate"
answered "the same code again: refused" 403 4001
unchanged "the second use wrote nothing" "$before" snap_all
check "the code is marked used by terminal 1" \
    test "$(q 'SELECT terminal_id FROM enrol_code WHERE used_at IS NOT NULL')" = 1

CODE2=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET_A 2>/dev/null)
q "UPDATE enrol_code SET expires_at = strftime('%s', 'now') - 60
    WHERE id = (SELECT max(id) FROM enrol_code)"
before=$(snap_all)
enrol "$CODE2" "$OUT/tx.key" "poste 2"
answered "an expired code: refused" 403 4001
unchanged "the expired code wrote nothing" "$before" snap_all
check "and stays unused" test "$(q 'SELECT count(*) FROM enrol_code
    WHERE used_at IS NULL AND id = (SELECT max(id) FROM enrol_code)')" = 1
enrol "not a code!" "$OUT/tx.key" "poste 2"
answered "a malformed code: refused" 403 4001
enrol "AAAA-BBBB-CCCC" "$OUT/tx.key" "poste 2"
answered "a well-formed unknown code: refused" 403 4001

CODE3=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET_A 2>/dev/null)
# The public key of terminal 1, from the database: a second terminal may
# not share it, and the code is not spent on that refusal.
PK1=$(q "SELECT lower(hex(public_key)) FROM terminal WHERE id = 1")
before=$(snap_all)
code=$(curl -s -o "$OUT/body" -w '%{http_code}' --data-binary \
    '{"code":"'"$CODE3"'","public_key":"'"$PK1"'","label":"doublon"}' \
    "$URL/api/v1/terminals/enrol")
answered "a public key already enrolled: refused" 400 3001
unchanged "that refusal wrote nothing" "$before" snap_all
code=$(curl -s -o "$OUT/body" -w '%{http_code}' --data-binary \
    '{"code":"'"$CODE3"'","public_key":"zz","label":"x"}' \
    "$URL/api/v1/terminals/enrol")
answered "a malformed public key: refused" 400 3001
code=$(curl -s -o "$OUT/body" -w '%{http_code}' --data-binary '{"code":' \
    "$URL/api/v1/terminals/enrol")
answered "malformed JSON at enrolment: refused" 400 1007
# Case, spaces and dashes are ignored.
lower=$(printf '%s' "$CODE3" | tr 'A-Z' 'a-z' | tr -d '-')
enrol "$lower" "$OUT/t2.key" "Accueil, poste 2"
check "the code, lower-cased and without dashes, still enrols: 201" \
    test "$code" = 201
T2=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body") K2="$OUT/t2.key"
check "it is terminal 2" test "$T2" = 2

CODEB=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET_B 2>/dev/null)
enrol "$CODEB" "$OUT/tb.key" "Guichet 1"
check "a terminal of the second venue enrols: 201" test "$code" = 201
TB=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body") KB="$OUT/tb.key"
check "it belongs to venue 2" grep -qF '"venue":{"id":2,' "$OUT/body"

expect 0 "Accueil, poste 1" "terminal list shows the terminals" -- \
    "$ADMIN" terminal list --config "$CFG"
check "with their SIRET, venue and status" grep -q \
    "^1	$SIRET_A	Médiathèque de Rezé	Accueil, poste 1	.*	active" \
    "$OUT/stdout"
check "audit rows terminal.code: one per code made (4)" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'terminal.code'")" = 4
check "audit rows terminal.enrol: one per terminal (3)" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'terminal.enrol'")" = 3
found=0
for c in "$CODE1" "$CODE2" "$CODE3" "$CODEB"; do
	bare=$(printf '%s' "$c" | tr -d '-')
	for f in "$DB" "$DB-wal" "$OUT/server.log"; do
		[ -f "$f" ] || continue
		if grep -qaF -e "$c" -e "$bare" "$f"; then
			found=$((found + 1))
			echo "# code $c found in $f"
		fi
	done
done
check "no enrolment code is kept in clear in the database or the log" \
    test "$found" = 0

# --- Sessions ------------------------------------------------------------------
S1=$(hex16) S2=$(hex16) SB=$(hex16)
START=$(now)
session "$K1" $T1 "$S1" "démarches en ligne" "$START" 120
check "terminal 1 declares a session: 201" test "$code" = 201
check "the session is stored for venue 1" \
    grep -qF "\"session\":\"$S1\",\"id\":1,\"venue\":1,\"terminal\":1" "$OUT/body"
cp "$OUT/body" "$OUT/session1"
session "$K1" $T1 "$S1" "démarches en ligne" "$START" 120
check "the same session again: 200" test "$code" = 200
check "answered with the stored session" cmp -s "$OUT/body" "$OUT/session1"
refused "the same session id with other content" 409 4011 snap_rec -- \
    session "$K1" $T1 "$S1" "démarches en ligne" "$START" 90
refused "a theme that is not configured" 400 4010 snap_all -- \
    session "$K1" $T1 "$(hex16)" "jardinage"
refused "a session of 601 minutes" 400 3001 snap_all -- \
    session "$K1" $T1 "$(hex16)" "démarches en ligne" "$START" 601
echo '{"session":' >"$OUT/bad.json"
refused "a malformed session body" 400 1007 snap_all -- \
    tcall "$K1" $T1 POST /api/v1/sessions "$OUT/bad.json"
session "$K2" "$T2" "$S2"
check "terminal 2 declares a session: 201" test "$code" = 201
session "$KB" "$TB" "$SB" "e-mail et identité numérique"
check "the second venue's terminal declares a session: 201" test "$code" = 201
tcall "$K1" $T1 GET /api/v1/sessions
check "GET /api/v1/sessions lists the venue's sessions only" sh -c "
    [ $code = 200 ] && grep -qF '$S1' '$OUT/body' && grep -qF '$S2' '$OUT/body' &&
    ! grep -qF '$SB' '$OUT/body'"
tcall "$K1" $T1 GET /api/v1/terminal
check "GET /api/v1/terminal: 200, terminal 1, active" sh -c "
    [ $code = 200 ] && grep -qF '\"terminal\":1,' '$OUT/body' &&
    grep -qF '\"status\":\"active\"' '$OUT/body'"

# --- 2. Online redemption -----------------------------------------------------
record "$K1" $T1 "$S1" 1 "$OUT/r1.json" --counter 1
ID1=$(sed -n 's/^{"redemption_id":"\([0-9a-f]*\)".*/\1/p' "$OUT/r1.json")
before_nonces=$(q 'SELECT count(*) FROM terminal_nonce')
redeem "$K1" $T1 "$OUT/r1.json"
check "voucher 1 is redeemed online: 200" test "$code" = 200
cp "$OUT/body" "$OUT/answer1"
check "the answer: accepted, 10,00 EUR, printed serial, receipt" sh -c "
    grep -qF '\"redemption_id\":\"$ID1\",\"outcome\":\"accepted\",\"serial\":1,\"printed\":\"0000 0000 0001 3\",\"value_cents\":1000,' '$OUT/body' &&
    grep -q '\"receipt\":\"[A-Za-z0-9+/=]\{100,\}\"' '$OUT/body'"
check "the winner it names is itself, at venue 1" grep -qF \
    "\"winner\":{\"redemption_id\":\"$ID1\",\"venue\":1,\"venue_name\":\"Médiathèque de Rezé\"" \
    "$OUT/body"
check "the voucher is 'redeemed' in the database" \
    test "$(q 'SELECT status FROM voucher WHERE serial = 1')" = redeemed
check "one accepted redemption row, with the record's id, terminal, session" \
    test "$(q "SELECT count(*) FROM redemption WHERE serial = 1 AND
    outcome = 'accepted' AND lower(hex(redemption_id)) = '$ID1' AND
    terminal_id = 1 AND venue_id = 1 AND session_id = 1 AND counter = 1")" = 1
check "its nonce is kept" test "$(q 'SELECT count(*) FROM terminal_nonce')" \
    = $((before_nonces + 1))
check "a deny-list event, reason 2 (redeemed)" \
    test "$(q 'SELECT reason FROM deny_event WHERE serial = 1')" = 2
check "an audit row 'redeem' for voucher 1" test "$(q "SELECT count(*) FROM
    audit_log WHERE action = 'redeem' AND object = 'voucher:1'")" = 1
call GET "/api/v1/denylist?since=0" ""
cp "$OUT/body" "$OUT/deny"
"$TERMINAL" verify "$(voucher 1)" --bundle "$OUT/trust" --master \
    "$D/keys/master" --denylist "$OUT/deny" >"$OUT/verdict" 2>&1
check "a terminal with the deny list refuses voucher 1 (exit 15)" test $? -eq 15
check "saying it is already used" grep -q "déjà utilisé" "$OUT/verdict"
"$TERMINAL" verify "$(voucher 2)" --bundle "$OUT/trust" --master \
    "$D/keys/master" --denylist "$OUT/deny" >"$OUT/verdict" 2>&1
check "voucher 2 is still valid for it (exit 0)" test $? -eq 0

# A serial typed by hand no longer fetches the voucher's text: the route is
# gone, and a typed voucher is redeemed by serial and control key
# (test_cheat.sh).
tcall "$K1" $T1 GET /api/v1/terminal/vouchers/2
answered "the look-up of a typed serial is gone" 404 1001
check "no voucher text in that answer" sh -c "! grep -q 'PN1:' '$OUT/body'"
call GET /api/v1/themes ""
check "GET /api/v1/themes is public: the three default themes" test \
    "$code $(grep -o '"[^"]*"' "$OUT/body" | tr '\n' ' ')" = \
    "200 \"themes\" \"prise en main d'un smartphone\" \"démarches en ligne\" \"e-mail et identité numérique\" "

# --- 3. The same record again, and other records of the same voucher -----------
redeem "$K1" $T1 "$OUT/r1.json"
check "the same record again (new nonce): 200" test "$code" = 200
check "the same answer, byte for byte" cmp -s "$OUT/body" "$OUT/answer1"
check "still one redemption row for voucher 1" \
    test "$(q 'SELECT count(*) FROM redemption WHERE serial = 1')" = 1
check "and one audit row" test "$(q "SELECT count(*) FROM audit_log
    WHERE object = 'voucher:1' AND action LIKE 'redeem%'")" = 1
AT1=$(q "SELECT received_at FROM redemption WHERE serial = 1")
record "$K1" $T1 "$S1" 1 "$OUT/r1b.json" --counter 2
ID1B=$(sed -n 's/^{"redemption_id":"\([0-9a-f]*\)".*/\1/p' "$OUT/r1b.json")
redeem "$K1" $T1 "$OUT/r1b.json"
answered "another record of voucher 1: conflict" 409 4020
cp "$OUT/body" "$OUT/answer1b"
check "outcome conflict, with its own id and a receipt" sh -c "
    grep -qF '\"redemption_id\":\"$ID1B\",\"outcome\":\"conflict\",\"serial\":1,' '$OUT/body' &&
    grep -q '\"receipt\":\"[A-Za-z0-9+/=]\{100,\}\"' '$OUT/body'"
check "the winner is the first redemption: its id, venue and time" grep -qF \
    "\"winner\":{\"redemption_id\":\"$ID1\",\"venue\":1,\"venue_name\":\"Médiathèque de Rezé\",\"accepted_at\":$AT1}" \
    "$OUT/body"
check "the conflict is stored, pointing at the winner" test "$(q "SELECT
    count(*) FROM redemption c JOIN redemption w ON c.winner_id = w.id
    WHERE lower(hex(c.redemption_id)) = '$ID1B' AND c.outcome = 'conflict'
    AND lower(hex(w.redemption_id)) = '$ID1'")" = 1
check "an audit row 'redeem.conflict'" test "$(q "SELECT count(*) FROM
    audit_log WHERE action = 'redeem.conflict' AND object = 'voucher:1'")" = 1
check "the voucher is still redeemed once" test "$(q "SELECT count(*) FROM
    redemption WHERE serial = 1 AND outcome = 'accepted'")" = 1
redeem "$K1" $T1 "$OUT/r1b.json"
check "the conflicting record again: the same 409 answer, byte for byte" \
    sh -c "[ $code = 409 ] && cmp -s '$OUT/body' '$OUT/answer1b'"
record "$KB" "$TB" "$SB" 1 "$OUT/r1c.json"
redeem "$KB" "$TB" "$OUT/r1c.json"
answered "the second venue's terminal redeeming voucher 1: conflict" 409 4020
check "naming the first venue and the first redemption" grep -qF \
    "\"winner\":{\"redemption_id\":\"$ID1\",\"venue\":1,\"venue_name\":\"Médiathèque de Rezé\",\"accepted_at\":$AT1}" \
    "$OUT/body"
check "stored as a conflict of venue 2" test "$(q "SELECT count(*) FROM
    redemption WHERE serial = 1 AND outcome = 'conflict' AND venue_id = 2")" = 1
record "$K1" $T1 "$S1" 2 "$OUT/reuse.json" --id "$ID1"
refused "the first record's id with another voucher" 409 4021 snap_rec -- \
    redeem "$K1" $T1 "$OUT/reuse.json"
record "$K2" "$T2" "$S2" 1 "$OUT/reuse2.json" --id "$ID1"
refused "the first record's id from another terminal" 409 4021 snap_rec -- \
    redeem "$K2" "$T2" "$OUT/reuse2.json"

# --- 4. A retry after a lost answer -------------------------------------------
ID2=$(hex16)
record "$K1" $T1 "$S1" 2 "$OUT/r2.json" --id "$ID2" --counter 3
"$SIGN" headers "$K1" $T1 POST /api/v1/redemptions "$OUT/r2.json" >"$OUT/h"
curl -s -o /dev/null -H @"$OUT/h" --data-binary @"$OUT/r2.json" \
    "$URL/api/v1/redemptions"
redeem "$K1" $T1 "$OUT/r2.json"
check "the retry of voucher 2's record, answer lost: 200" test "$code" = 200
check "accepted, under the record's id" grep -qF \
    "\"redemption_id\":\"$ID2\",\"outcome\":\"accepted\",\"serial\":2," "$OUT/body"
check "one redemption row for voucher 2" \
    test "$(q 'SELECT count(*) FROM redemption WHERE serial = 2')" = 1
q "SELECT answer FROM redemption WHERE lower(hex(redemption_id)) = '$ID2'" \
    >"$OUT/stored2"
printf '\n' >>"$OUT/body"
check "the answer sent is the one stored" cmp -s "$OUT/body" "$OUT/stored2"

# --- 5. Bad input: each its own code, nothing written --------------------------
# Vouchers that the server's own key did not make, or made otherwise.
K="$OUT/keys"
NOW=$(now)
"$ADMIN" keygen master --out "$K/rogue-master" >/dev/null
"$ADMIN" keygen signing --master "$K/rogue-master" --kid 1 \
    --valid-from 2026-01-01 --sign-until 2027-06-01 --verify-until 2027-12-31 \
    --out "$K/rogue1" >/dev/null
"$ADMIN" keygen signing --master "$K/rogue-master" --kid 7 \
    --valid-from 2026-01-01 --sign-until 2027-06-01 --verify-until 2027-12-31 \
    --out "$K/rogue7" >/dev/null
mint() { # KEYFILE SERIAL ISSUED EXPIRES
	"$MINT" --key "$1" --programme 1 --serial "$2" --value 1000 \
	    --issued "@$3" --expires "@$4"
}
FORGED=$(mint "$K/rogue1/signing-00001.key" 5 $((NOW - 3600)) $((NOW + 86400)))
UNKNOWN_KID=$(mint "$K/rogue7/signing-00007.key" 5 $((NOW - 3600)) $((NOW + 86400)))
SK="$D/keys/signing-00001.key"
# Voucher 9 as the server's key would have signed it had it expired an hour
# ago; and a well-signed voucher that this server never issued.
EXPIRED9=$(mint "$SK" 9 $((NOW - 80000)) $((NOW - 3600)))
# The server accepts only the very voucher it issued: make its record of
# voucher 9 that expired one, as if it had been issued so.
SIG9=$("$ADMIN" inspect "$EXPIRED9" | awk '/^signature/ {print $2}')
sqlite3 "$D/passnum.db" "UPDATE voucher SET issued_at = $((NOW - 80000)),
    expires_at = $((NOW - 3600)), signature = X'$SIG9' WHERE serial = 9"
NEVER=$(mint "$SK" 999999 $((NOW - 3600)) $((NOW + 86400)))
check "test vouchers minted" test -n "$FORGED" -a -n "$UNKNOWN_KID" -a \
    -n "$EXPIRED9" -a -n "$NEVER"

V5=$(voucher 5)
record "$K1" $T1 "$S1" "$FORGED" "$OUT/bad.json"
refused "a forged voucher (kid 1, another key)" 422 4017 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
# Signed by the server's own key, but not the voucher it issued as 10 (a
# later expiry): the server compares with what it issued, and refuses it.
record "$K1" $T1 "$S1" "$(mint "$SK" 10 $((NOW - 3600)) $((NOW + 400 * 86400)))" \
    "$OUT/bad.json"
refused "a well-signed voucher that differs from the one issued as 10" 422 \
    4017 snap_rec -- redeem "$K1" $T1 "$OUT/bad.json"
record "$K1" $T1 "$S1" "$UNKNOWN_KID" "$OUT/bad.json"
refused "a voucher of an unknown key (kid 7)" 422 4016 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
record "$K1" $T1 "$S1" "$(printf '%s' "$V5" | cut -c1-60)" "$OUT/bad.json"
refused "a truncated voucher" 400 4015 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
record "$K1" $T1 "$S1" "PN2:${V5#PN1:}" "$OUT/bad.json"
refused "a voucher with a wrong prefix" 400 4015 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
check "the refusal carries the verifier's reason" body_has '"reason":'
# One character changed in the signature: the first (least significant)
# of a three-character Base45 group near the end, so that the text still
# decodes.
FLIPPED=$(printf '%s\n' "$V5" | awk '{
    p = 5 + 3 * (int((length($0) - 4) / 3) - 2); c = substr($0, p, 1);
    n = (c == "A") ? "B" : "A"; print substr($0, 1, p - 1) n substr($0, p + 1) }')
record "$K1" $T1 "$S1" "$FLIPPED" "$OUT/bad.json"
redeem "$K1" $T1 "$OUT/bad.json"
answered "a voucher with one character of its signature changed" 422 4017
record "$K1" $T1 "$S1" "$EXPIRED9" "$OUT/bad.json"
refused "an expired voucher" 410 4018 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
record "$K1" $T1 "$S1" "$NEVER" "$OUT/bad.json"
refused "a well-signed voucher never issued here" 404 4023 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
call POST /api/v1/vouchers/4/cancel "$TOKEN" '{"reason": "perdu"}'
check "the caseworker cancels voucher 4" test "$code" = 200
record "$K1" $T1 "$S1" 4 "$OUT/bad.json"
refused "a cancelled voucher" 410 4019 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
check "voucher 4 is still cancelled" \
    test "$(q 'SELECT status FROM voucher WHERE serial = 4')" = cancelled

# The signature on the request.
record "$K1" $T1 "$S1" 5 "$OUT/r5.json"
refused "a request signed 10 minutes ago" 401 4005 snap_all -- \
    tcall "$K1" $T1 POST /api/v1/redemptions "$OUT/r5.json" --time $(($(now) - 600))
check "the answer gives the server's time" body_has "server time"
refused "a request dated 10 minutes ahead" 401 4005 snap_all -- \
    tcall "$K1" $T1 POST /api/v1/redemptions "$OUT/r5.json" --time $(($(now) + 600))
"$SIGN" headers "$K1" $T1 POST /api/v1/redemptions "$OUT/r5.json" >"$OUT/h5"
sed 's/"counter":0/"counter":9/' "$OUT/r5.json" >"$OUT/r5x.json"
cp "$OUT/h5" "$OUT/h"
refused "a body changed after signing" 401 4003 snap_all -- \
    send POST /api/v1/redemptions "$OUT/r5x.json"
cp "$OUT/h5" "$OUT/h"
refused "the headers of a POST used for another path" 401 4003 snap_all -- \
    send POST /api/v1/sessions "$OUT/r5.json"
: >"$OUT/h"
refused "no signature headers" 401 4007 snap_all -- \
    send POST /api/v1/redemptions "$OUT/r5.json"
grep -v Signature "$OUT/h5" >"$OUT/h"
refused "the signature header missing" 401 4007 snap_all -- \
    send POST /api/v1/redemptions "$OUT/r5.json"
sed 's/^\(X-Passnum-Nonce: \).*/\1nothex/' "$OUT/h5" >"$OUT/h"
refused "a malformed nonce header" 401 4007 snap_all -- \
    send POST /api/v1/redemptions "$OUT/r5.json"
refused "an unknown terminal number" 401 4002 snap_all -- \
    tcall "$K1" 99 POST /api/v1/redemptions "$OUT/r5.json"
refused "terminal 2 signing as terminal 1" 401 4003 snap_all -- \
    tcall "$K2" 1 POST /api/v1/redemptions "$OUT/r5.json"
cp "$OUT/h5" "$OUT/h"
send POST /api/v1/redemptions "$OUT/r5.json"
check "the untouched request is accepted: 200" test "$code" = 200
cp "$OUT/h5" "$OUT/h"
refused "the same request replayed (same nonce)" 401 4006 snap_all -- \
    send POST /api/v1/redemptions "$OUT/r5.json"
tcall "$K1" $T1 GET /api/v1/terminal
cp "$OUT/h" "$OUT/hget"
refused "a GET replayed" 401 4006 snap_all -- send GET /api/v1/terminal
# A request whose record is refused before the store still spends its nonce
# (a row is written); sent again as it was, it is a replay like any other.
# SERVER BUG (reported): the replay is judged again and answered 400 4015
# instead of 401 4006 -- api_redeem answers the record's refusal before
# looking at the store's STORE_REDEEM_NONCE_USED.
record "$K1" $T1 "$S1" "PN2:${V5#PN1:}" "$OUT/bad.json"
nonces=$(q 'SELECT count(*) FROM terminal_nonce')
redeem "$K1" $T1 "$OUT/bad.json"
check "a refused record: its nonce is spent all the same" \
    test "$(q 'SELECT count(*) FROM terminal_nonce')" = $((nonces + 1))
refused "that refused request replayed" 401 4006 snap_all -- \
    send POST /api/v1/redemptions "$OUT/bad.json"
session "$K1" $T1 "$(hex16)"
check "a session is declared: 201" test "$code" = 201
refused "a session declaration replayed" 401 4006 snap_all -- \
    send POST /api/v1/sessions "$OUT/session.json"

# The record.
record "$K1" $T1 "$S1" 6 "$OUT/r6.json"
refused "terminal 2 sending a record of terminal 1" 400 4013 snap_rec -- \
    redeem "$K2" "$T2" "$OUT/r6.json"
sed 's/"counter":0/"counter":1/' "$OUT/r6.json" >"$OUT/bad.json"
refused "a record edited after signing (counter)" 400 4014 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
sed "s/\"session\":\"$S1\"/\"session\":\"$S2\"/" "$OUT/r6.json" >"$OUT/bad.json"
refused "a record edited after signing (session)" 400 4014 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
record "$K1" $T1 "$(hex16)" 6 "$OUT/bad.json"
refused "a record of an undeclared session" 404 4012 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
record "$K1" $T1 "$SB" 6 "$OUT/bad.json"
refused "a record of another venue's session" 404 4012 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
echo '{"redemption_id": "00' >"$OUT/bad.json"
refused "malformed JSON" 400 1007 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
sed 's/"counter":0,//' "$OUT/r6.json" >"$OUT/bad.json"
refused "a record without its counter" 400 3001 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
echo '[1, 2]' >"$OUT/bad.json"
refused "a JSON array instead of a record" 400 1007 snap_rec -- \
    redeem "$K1" $T1 "$OUT/bad.json"
check "nothing was taken of voucher 6 by all these" \
    test "$(q 'SELECT status FROM voucher WHERE serial = 6')" = issued

# The batch limit ([redemption] max_batch = 1250 here).
r6=$(tr -d '\n' <"$OUT/r6.json")
{
	printf '{"records":['
	i=0
	while [ $i -lt 1251 ]; do
		[ $i -gt 0 ] && printf ','
		printf '%s' "$r6"
		i=$((i + 1))
	done
	printf ']}'
} >"$OUT/big.json"
refused "a batch of 1,251 records over a limit of 1,250" 413 4030 snap_rec -- \
    tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/big.json"
echo '{"records": {}}' >"$OUT/bad.json"
refused "a batch whose records are not a list" 400 3001 snap_rec -- \
    tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/bad.json"
echo '{"records": [' >"$OUT/bad.json"
refused "a batch of malformed JSON" 400 1007 snap_rec -- \
    tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/bad.json"

# Revoked terminals and suspended venues.
CODE4=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET_A 2>/dev/null)
enrol "$CODE4" "$OUT/t4.key" "poste volé"
T4=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body") K4="$OUT/t4.key"
record "$K4" "$T4" "$S1" 6 "$OUT/r6t4.json"
expect 0 "revoked" "passnum-admin terminal revoke" -- \
    "$ADMIN" terminal revoke --config "$CFG" --id "$T4" --reason "volé"
refused "a revoked terminal redeeming" 403 4004 snap_all -- \
    redeem "$K4" "$T4" "$OUT/r6t4.json"
refused "a revoked terminal asking who it is" 403 4004 snap_all -- \
    tcall "$K4" "$T4" GET /api/v1/terminal
expect 0 "revoked" "terminal list shows the revoked terminal" -- \
    "$ADMIN" terminal list --config "$CFG"
check "an audit row for the revocation" test "$(q "SELECT count(*) FROM
    audit_log WHERE action LIKE 'terminal.revoke%'")" = 1

"$ADMIN" venue suspend --config "$CFG" --siret $SIRET_B --reason "convention échue" \
    >/dev/null
record "$KB" "$TB" "$SB" 6 "$OUT/r6b.json"
refused "a terminal of a suspended venue redeeming" 403 4008 snap_all -- \
    redeem "$KB" "$TB" "$OUT/r6b.json"
refused "a terminal of a suspended venue declaring a session" 403 4008 \
    snap_all -- session "$KB" "$TB" "$(hex16)"
"$ADMIN" venue resume --config "$CFG" --siret $SIRET_B >/dev/null
redeem "$KB" "$TB" "$OUT/r6b.json"
check "resumed, the venue redeems voucher 6: 200" test "$code" = 200

# --- 6. Batches ------------------------------------------------------------------
# A mix: a new voucher, voucher 1 again (conflict), the cancelled voucher 4,
# a malformed record, another new voucher; then voucher 9 of an hour ago.
record "$K1" $T1 "$S1" 7 "$OUT/b1.json"
record "$K1" $T1 "$S1" 1 "$OUT/b2.json"
record "$K1" $T1 "$S1" 4 "$OUT/b3.json"
record "$K1" $T1 "$S1" 8 "$OUT/b5.json"
BID7=$(sed -n 's/^{"redemption_id":"\([0-9a-f]*\)".*/\1/p' "$OUT/b1.json")
BID8=$(sed -n 's/^{"redemption_id":"\([0-9a-f]*\)".*/\1/p' "$OUT/b5.json")
printf '{"records":[%s,%s,%s,{"redemption_id":"00"},%s]}' \
    "$(cat "$OUT/b1.json")" "$(cat "$OUT/b2.json")" "$(cat "$OUT/b3.json")" \
    "$(cat "$OUT/b5.json")" >"$OUT/batch.json"
tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/batch.json"
check "a batch of 5 records: 200" test "$code" = 200
cp "$OUT/body" "$OUT/batch1"
# One result a line, for the checks below.
sed 's/^{"results":\[//; s/\]}$//; s/},{"/}\n{"/g' \
    "$OUT/body" >"$OUT/results"
check "5 results" test "$(sed -n '$=' "$OUT/results")" = 5
check "1: voucher 7 accepted" sh -c "sed -n 1p '$OUT/results' | grep -qF \
    '{\"status\":200,\"redemption_id\":\"$BID7\",\"outcome\":\"accepted\",\"serial\":7,'"
check "2: voucher 1 a conflict, naming the first redemption" \
    sh -c "sed -n 2p '$OUT/results' | grep -qF '\"status\":409,' &&
    sed -n 2p '$OUT/results' | grep -qF '\"winner\":{\"redemption_id\":\"$ID1\"' &&
    sed -n 2p '$OUT/results' | grep -qF '\"code\":4020'"
check "3: voucher 4 cancelled, 410 code 4019" sh -c "
    sed -n 3p '$OUT/results' | grep -qF '\"code\":4019' &&
    sed -n 3p '$OUT/results' | grep -qF '\"status\":410'"
check "4: the malformed record, 400 code 3001" sh -c "
    sed -n 4p '$OUT/results' | grep -qF '\"code\":3001' &&
    sed -n 4p '$OUT/results' | grep -qF '\"status\":400'"
check "5: voucher 8 accepted" sh -c "sed -n 5p '$OUT/results' | grep -qF \
    '{\"status\":200,\"redemption_id\":\"$BID8\",\"outcome\":\"accepted\",\"serial\":8,'"
check "vouchers 7 and 8 redeemed, 4 still cancelled" test "$(q "SELECT
    group_concat(status, ' ') FROM (SELECT status FROM voucher WHERE serial
    IN (4, 7, 8) ORDER BY serial)")" = "cancelled redeemed redeemed"
rows=$(snap_rec)
tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/batch.json"
check "the same batch again: 200" test "$code" = 200
check "the same results, byte for byte" cmp -s "$OUT/body" "$OUT/batch1"
unchanged "the batch sent again wrote nothing" "$rows" snap_rec
# SERVER BUG (reported): a batch sent again with the same headers (a
# replayed nonce) is answered 200 with a 401/4006 result per record,
# where every signed route answers the replay itself 401 code 4006.
rows=$(snap_all)
send POST /api/v1/redemptions/batch "$OUT/batch.json"
answered "the batch replayed with the same nonce" 401 4006
unchanged "the replayed batch wrote nothing" "$rows" snap_all

# Offline: voucher 9 expired an hour ago; the record was made two hours ago,
# by a terminal enrolled long ago whose previous exchange with the server
# was nine days ago (its times set back in the database: the server reads
# them at each request). A record cannot be dated before that exchange.
q "UPDATE terminal SET enrolled_at = $((NOW - 30 * 86400)),
    seen_at = $((NOW - 9 * 86400)),
    contact_since = $((NOW - 9 * 86400)), seen_before = NULL WHERE id = $T1"
record "$K1" $T1 "$S1" "$EXPIRED9" "$OUT/late.json" --time $((NOW - 7200))
refused "an expired voucher taken before its expiry, sent online" 410 4018 \
    snap_rec -- redeem "$K1" $T1 "$OUT/late.json"
printf '{"records":[%s]}' "$(cat "$OUT/late.json")" >"$OUT/batch.json"
tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/batch.json"
check "the same record in a batch, judged at its time: accepted" sh -c "
    [ $code = 200 ] && grep -qF '{\"results\":[{\"status\":200,' '$OUT/body' &&
    grep -qF '\"outcome\":\"accepted\",\"serial\":9,' '$OUT/body'"
record "$K1" $T1 "$S1" "$EXPIRED9" "$OUT/late.json" --time $((NOW - 3000))
printf '{"records":[%s]}' "$(cat "$OUT/late.json")" >"$OUT/batch.json"
tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/batch.json"
check "a batch record made after the expiry: 410 code 4018" sh -c "
    [ $code = 200 ] && grep -qF '\"code\":4018' '$OUT/body' &&
    grep -qF '\"status\":410' '$OUT/body'"
EXPIRED10=$(mint "$SK" 10 $((NOW - 80000)) $((NOW - 3600)))
record "$K1" $T1 "$S1" "$EXPIRED10" "$OUT/late.json" --time $((NOW - 8 * 86400))
printf '{"records":[%s]}' "$(cat "$OUT/late.json")" >"$OUT/batch.json"
tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/batch.json"
check "a record older than the offline grace: judged now, 4018" sh -c "
    [ $code = 200 ] && grep -qF '\"code\":4018' '$OUT/body'"
# The terminal's previous sync was ten minutes ago: a record dated two
# hours back, of the voucher expired an hour ago, is refused as backdated,
# not judged at its claimed time.
q "UPDATE terminal SET seen_at = $((NOW - 600)), contact_since = $((NOW - 660))
    WHERE id = $T1"
record "$K1" $T1 "$S1" "$EXPIRED10" "$OUT/late.json" --time $((NOW - 7200))
printf '{"records":[%s]}' "$(cat "$OUT/late.json")" >"$OUT/batch.json"
tcall "$K1" $T1 POST /api/v1/redemptions/batch "$OUT/batch.json"
check "a record dated before the terminal's previous exchange: 422 code 4027" \
    sh -c "[ $code = 200 ] && grep -qF '\"code\":4027' '$OUT/body' &&
    grep -qF '\"status\":422' '$OUT/body'"
check "voucher 10 was not redeemed" test "$(q "SELECT count(*) FROM redemption
    WHERE serial = 10")" = 0


# --- 7. Concurrency ---------------------------------------------------------------
# Eight terminals of two venues send overlapping sets of vouchers at once:
# voucher i goes to terminals i, i-1 and i-2 (mod 8), and every terminal
# takes its vouchers in the same order, so that the three records of a
# voucher arrive together. The requests are signed beforehand and each
# terminal's are sent by one curl on one connection. An ASan build gets a
# smaller burst: the same races, in the time the test suite can give.
if grep -q __asan_init "$BUILD/bin/passnumd" 2>/dev/null; then
	NC=240 NK=60
else
	NC=1000 NK=150
fi
n0=$(wc -l <"$OUT/codes")
issue $((NC / 10)) C
tail -n +$((n0 + 1)) "$OUT/codes" >"$OUT/conc.codes"
check "$((NC / 10)) booklets issued: $NC vouchers" \
    test "$(wc -l <"$OUT/conc.codes")" = "$NC"
CLO=$(head -n 1 "$OUT/conc.codes" | cut -f1)
CHI=$(tail -n 1 "$OUT/conc.codes" | cut -f1)
n0=$(wc -l <"$OUT/codes")
issue $((NK * 4 / 10)) K
tail -n +$((n0 + 1)) "$OUT/codes" >"$OUT/crash.codes"
check "$((NK * 4 / 10)) more booklets for the crash: $((NK * 4)) vouchers" \
    test "$(wc -l <"$OUT/crash.codes")" = $((NK * 4))
KLO=$(head -n 1 "$OUT/crash.codes" | cut -f1)
KHI=$(tail -n 1 "$OUT/crash.codes" | cut -f1)

enrolled=0
for k in 0 1 2 3 4 5 6 7; do
	[ $k -lt 4 ] && siret=$SIRET_A || siret=$SIRET_B
	c=$("$ADMIN" terminal code --config "$CFG" --siret $siret 2>/dev/null)
	enrol "$c" "$OUT/c$k.key" "Poste $k"
	[ "$code" = 201 ] || continue
	eval "CT$k=\$(sed -n 's/^{\"terminal\":\([0-9]*\),.*/\1/p' \"\$OUT/body\")"
	eval "CS$k=\$(hex16)"
	eval "session \"\$OUT/c$k.key\" \"\$CT$k\" \"\$CS$k\""
	[ "$code" = 201 ] && enrolled=$((enrolled + 1))
done
check "8 terminals enrolled, each with a session" test $enrolled = 8

# sign_requests K DIR LIST: for terminal K, sign a record of each voucher of
# LIST (serial TAB text) and the headers of its POST; DIR/curl.cfg sends
# them all, writing "status serial redemption_id" a line.
sign_requests() {
	k=$1 dir=$2
	eval "t=\$CT$k s=\$CS$k"
	mkdir -p "$dir"
	: >"$dir/curl.cfg"
	while IFS='	' read -r serial text; do
		"$SIGN" record "$OUT/c$k.key" "$t" "$s" "$text" >"$dir/$serial.r"
		sign_headers "$k" "$dir" "$serial"
	done <"$3"
}
# sign_headers K DIR SERIAL: (re)sign the POST of DIR/SERIAL.r, add it to
# DIR/curl.cfg.
sign_headers() {
	eval "t=\$CT$1"
	"$SIGN" headers "$OUT/c$1.key" "$t" POST /api/v1/redemptions "$2/$3.r" \
	    >"$2/$3.h"
	read -r line <"$2/$3.r"
	id=${line#*'"redemption_id":"'}
	id=${id%%'"'*}
	[ -s "$2/curl.cfg" ] && echo next >>"$2/curl.cfg"
	printf 'url = "%s/api/v1/redemptions"\nheader = "@%s"\ndata-binary = "@%s"\noutput = "%s"\nwrite-out = "%%{http_code} %s %s\\n"\n' \
	    "$URL" "$2/$3.h" "$2/$3.r" "$2/$3.out" "$3" "$id" >>"$2/curl.cfg"
}

for k in 0 1 2 3 4 5 6 7; do
	awk -v k=$k 'BEGIN { FS = "\t" } (NR - 1 + 8 - k) % 8 < 3' \
	    "$OUT/conc.codes" >"$OUT/conc.$k"
	sign_requests $k "$OUT/conc/$k" "$OUT/conc.$k" &
	BG="$BG $!"
done
bg_wait
for k in 0 1 2 3 4 5 6 7; do
	curl -s -K "$OUT/conc/$k/curl.cfg" >"$OUT/conc/$k/status" 2>&1 &
	BG="$BG $!"
done
bg_wait
cat "$OUT"/conc/*/status >"$OUT/conc.status"
sent=$(awk '$1 ~ /^[0-9]+$/' "$OUT/conc.status" | wc -l)
n200=$(awk '$1 == 200' "$OUT/conc.status" | wc -l)
n409=$(awk '$1 == 409' "$OUT/conc.status" | wc -l)
check "all $((NC * 3)) requests answered ($sent)" test "$sent" = $((NC * 3))
check "no 5xx" test "$(awk '$1 >= 500 || $1 == 0' "$OUT/conc.status" | wc -l)" = 0
check "every answer a 200 or a 409 ($n200 + $n409)" \
    test $((n200 + n409)) = $((NC * 3))
check "exactly one 200 per voucher" sh -c "
    [ $n200 = $NC ] &&
    [ \$(awk '\$1 == 200 { print \$2 }' '$OUT/conc.status' | sort -u | wc -l) = $NC ]"
for k in 0 1 2 3 4 5 6 7; do
	awk -v d="$OUT/conc/$k" '$1 == 409 { print d "/" $2 ".out" }' \
	    "$OUT/conc/$k/status"
done >"$OUT/conc.409"
check "every 409 is a conflict (code 4020)" test "$(xargs grep -L \
    '"outcome":"conflict",.*"code":4020' <"$OUT/conc.409" | wc -l)" = 0
check "every voucher sent has exactly one accepted redemption" test "$(q "
    SELECT count(*) FROM voucher v WHERE serial BETWEEN $CLO AND $CHI AND
    (SELECT count(*) FROM redemption r WHERE r.serial = v.serial AND
     outcome = 'accepted') != 1")" = 0
check "accepted + conflict rows = the 200 and 409 answers" test "$(q "
    SELECT count(*) FROM redemption WHERE serial BETWEEN $CLO AND $CHI")" \
    = $((n200 + n409))
check "conflict rows = the 409 answers" test "$(q "SELECT count(*) FROM
    redemption WHERE serial BETWEEN $CLO AND $CHI AND outcome = 'conflict'")" \
    = "$n409"
check "no serial accepted twice, anywhere" test -z "$(q "SELECT serial FROM
    redemption WHERE outcome = 'accepted' GROUP BY serial HAVING count(*) > 1")"
check "every conflict points at the accepted redemption of its serial" \
    test "$(q "SELECT count(*) FROM redemption c LEFT JOIN redemption w ON
    c.winner_id = w.id WHERE c.outcome = 'conflict' AND (w.id IS NULL OR
    w.serial != c.serial OR w.outcome != 'accepted')")" = 0
check "every 200 answer is the stored accepted one" test "$(
    for k in 0 1 2 3 4 5 6 7; do
	awk -v k=$k '$1 == 200 { print $3 }' "$OUT/conc/$k/status"
    done | sort)" = "$(q "SELECT lower(hex(redemption_id)) FROM redemption
    WHERE serial BETWEEN $CLO AND $CHI AND outcome = 'accepted'" | sort)"
check "all $NC vouchers are redeemed" test "$(q "SELECT count(*) FROM voucher
    WHERE serial BETWEEN $CLO AND $CHI AND status = 'redeemed'")" = "$NC"
check "both venues won vouchers (the terminals did race)" test "$(q "SELECT
    count(DISTINCT venue_id) FROM redemption WHERE serial BETWEEN $CLO AND
    $CHI AND outcome = 'accepted'")" = 2
check "one deny-list event per voucher" test "$(q "SELECT count(*) FROM
    deny_event WHERE serial BETWEEN $CLO AND $CHI AND reason = 2")" = "$NC"

# --- 7b. A batch in several parts -------------------------------------------------
# The server stores a large batch part by part (1,000 records a part),
# judging the next part while it writes this one. About 1,200 records:
# fresh vouchers, then the NC just raced for (each a conflict), then fresh
# ones again; one result per record, in order.
FRESH=$((1200 - NC))
n0=$(wc -l <"$OUT/codes")
issue $((FRESH / 10)) G
tail -n +$((n0 + 1)) "$OUT/codes" >"$OUT/fresh.codes"
check "$((FRESH / 10)) booklets for the batch: $FRESH fresh vouchers" \
    test "$(wc -l <"$OUT/fresh.codes")" = "$FRESH"
{
	head -n $((FRESH / 2)) "$OUT/fresh.codes"
	cat "$OUT/conc.codes"
	tail -n +$((FRESH / 2 + 1)) "$OUT/fresh.codes"
} | cut -f2 >"$OUT/big.codes"
"$BUILD/tools/pn-redeemload" --url "$URL" --key "$OUT/c0.key" --terminal "$CT0" \
    --session "$CS0" --codes "$OUT/big.codes" --batch --out "$OUT/big.json" \
    >"$OUT/big.summary"
check "a batch of $((FRESH + NC)) records: 200" grep -q "status_200 1 " "$OUT/big.summary"
grep -o '"status":[0-9]*' "$OUT/big.json" | cut -d: -f2 >"$OUT/big.got"
{
	i=0; while [ $i -lt $((FRESH / 2)) ]; do echo 200; i=$((i + 1)); done
	i=0; while [ $i -lt "$NC" ]; do echo 409; i=$((i + 1)); done
	i=0; while [ $i -lt $((FRESH - FRESH / 2)) ]; do echo 200; i=$((i + 1)); done
} >"$OUT/big.want"
check "one result per record, in order, across the parts" \
    cmp -s "$OUT/big.got" "$OUT/big.want"
FLO=$(head -n 1 "$OUT/fresh.codes" | cut -f1)
FHI=$(tail -n 1 "$OUT/fresh.codes" | cut -f1)
check "every fresh voucher of the batch accepted once" test "$(q "SELECT
    count(*) FROM redemption WHERE serial BETWEEN $FLO AND $FHI AND
    outcome = 'accepted'")" = "$FRESH"
check "each raced voucher got one more conflict row" test "$(q "SELECT
    count(*) FROM redemption WHERE serial BETWEEN $CLO AND $CHI AND
    outcome = 'conflict'")" = $((n409 + NC))

# --- 8. A crash in the middle of a burst --------------------------------------------
# Terminals 0 to 3 each send their own NK vouchers; passnumd is killed
# (kill -9) once a third of them are in. Acknowledged = answered 200 or 409.
for k in 0 1 2 3; do
	sed -n "$((k * NK + 1)),$(((k + 1) * NK))p" "$OUT/crash.codes" \
	    >"$OUT/crash.$k"
	sign_requests $k "$OUT/crash/$k" "$OUT/crash.$k" &
	BG="$BG $!"
done
bg_wait
for k in 0 1 2 3; do
	curl -s -K "$OUT/crash/$k/curl.cfg" >"$OUT/crash/$k/status" 2>&1 &
	BG="$BG $!"
done
i=0
while [ "$(q "SELECT count(*) FROM redemption WHERE serial BETWEEN $KLO AND
    $KHI")" -lt $((NK * 4 / 3)) ] && [ $i -lt 600 ]; do
	i=$((i + 1))
	sleep 0.02
done
kill -9 "$PID"
wait "$PID" 2>/dev/null
PID=
bg_wait
cat "$OUT"/crash/*/status >"$OUT/crash.status"
awk '$1 == 200 || $1 == 409 { print $3 }' "$OUT/crash.status" | sort \
    >"$OUT/acked"
acked=$(wc -l <"$OUT/acked")
check "requests were acknowledged before the kill ($acked)" test "$acked" -gt 0
check "and some were not: the kill came mid-burst" \
    test "$acked" -lt $((NK * 4))
check "every acknowledged one was accepted (200)" \
    test "$(awk '$1 == 200' "$OUT/crash.status" | wc -l)" = "$acked"
check "the database is sound after the kill" \
    test "$(q 'PRAGMA integrity_check')" = ok
check "passnumd restarts on it" start
q "SELECT lower(hex(redemption_id)) FROM redemption WHERE serial BETWEEN
    $KLO AND $KHI" | sort >"$OUT/stored"
check "every acknowledged redemption is stored" \
    test -z "$(comm -23 "$OUT/acked" "$OUT/stored")"
echo "# $(comm -13 "$OUT/acked" "$OUT/stored" | wc -l) committed before the kill, their answer lost"
check "exactly once" test -z "$(q "SELECT redemption_id FROM redemption
    GROUP BY redemption_id HAVING count(*) > 1")"
check "as accepted, each of its own voucher" test "$(q "SELECT count(*) FROM
    redemption WHERE serial BETWEEN $KLO AND $KHI AND outcome = 'accepted'")" \
    = "$(wc -l <"$OUT/stored")"
# A request acknowledged before the kill, sent again as it was: its nonce
# is still known.
first=$(awk '$1 == 200 { print $2; exit }' "$OUT/crash/0/status")
cp "$OUT/crash/0/$first.h" "$OUT/h"
send POST /api/v1/redemptions "$OUT/crash/0/$first.r"
answered "an acknowledged request replayed after the restart: refused" 401 4006
# Its record with a new signature on the request: the stored answer.
tcall "$OUT/c0.key" "$CT0" POST /api/v1/redemptions "$OUT/crash/0/$first.r"
check "its record sent again: 200, the answer given before the kill" sh -c "
    [ $code = 200 ] && cmp -s '$OUT/body' '$OUT/crash/0/$first.out'"
expect 0 "hash chain unbroken" "passnum-admin audit passes after the crash" -- \
    "$ADMIN" audit --config "$CFG"
# The unacknowledged records, sent again (new nonces): each is accepted,
# for the first time or as the answer stored before the kill.
for k in 0 1 2 3; do
	awk '$1 != 200 && $1 != 409 { print $2 }' "$OUT/crash/$k/status" \
	    >"$OUT/crash/$k/lost"
	(
		: >"$OUT/crash/$k/curl.cfg"
		while read -r serial; do
			sign_headers $k "$OUT/crash/$k" "$serial"
		done <"$OUT/crash/$k/lost"
		if [ -s "$OUT/crash/$k/curl.cfg" ]; then
			curl -s -K "$OUT/crash/$k/curl.cfg"
		fi >"$OUT/crash/$k/status2" 2>&1
	) &
	BG="$BG $!"
done
bg_wait
cat "$OUT"/crash/*/lost >"$OUT/lost"
cat "$OUT"/crash/*/status2 >"$OUT/resent.status"
check "the $(wc -l <"$OUT/lost") unacknowledged records sent again: all 200" \
    sh -c "[ \$(awk '\$1 == 200' '$OUT/resent.status' | wc -l) = \
    \$(wc -l <'$OUT/lost') ] && [ -s '$OUT/lost' ]"
check "now every voucher of the burst has exactly one accepted redemption" \
    test "$(q "SELECT count(*) FROM voucher v WHERE serial BETWEEN $KLO AND
    $KHI AND status = 'redeemed' AND (SELECT count(*) FROM redemption r
    WHERE r.serial = v.serial AND outcome = 'accepted') = 1")" = $((NK * 4))
check "and no other row" test "$(q "SELECT count(*) FROM redemption WHERE
    serial BETWEEN $KLO AND $KHI")" = $((NK * 4))

stop
check "passnumd stops cleanly" test "$status" = 0
expect 0 "hash chain unbroken" "passnum-admin audit: the database is sound" -- \
    "$ADMIN" audit --config "$CFG"
check "integrity, chain, booklets and every money check hold" sh -c \
    "grep -q '^ok   booklets whole' '$OUT/stdout' && ! grep -q '^FAIL' '$OUT/stdout'"

done_testing
