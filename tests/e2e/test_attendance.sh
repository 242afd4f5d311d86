# test_attendance.sh -- a session's attendance sheet (feuille d'émargement):
# terminals of two venues declare sessions and redeem vouchers through the
# API, then each venue downloads its session's sheet as PDF and CSV from
# the venue pages: the vouchers accepted there by printed serial, their
# total, nothing of the records that lost and nothing of the beneficiary;
# another venue's session is 404 and says nothing of it, caseworkers and
# accountants are refused, an admin names the venue, a session number
# that is not one is 404.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
SIRET_A=21440143200015
SIRET_B=21440143200023

stop() { passnumd_stop; }
trap stop EXIT

q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
hex16() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# tcall KEY TERMINAL METHOD PATH BODYFILE: a request signed by a terminal.
tcall() {
	"$SIGN" headers "$1" "$2" "$3" "$4" "$5" >"$OUT/h"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' -X "$3" \
	    -H @"$OUT/h" --data-binary @"$5" "$URL$4")
}
# enrol SIRET KEYFILE LABEL: a terminal of that venue; its id in $TERM.
enrol() {
	c=$("$ADMIN" terminal code --config "$CFG" --siret "$1" 2>/dev/null)
	pk=$("$SIGN" keygen "$2")
	printf '{"code":"%s","public_key":"%s","label":"%s"}' "$c" "$pk" "$3" \
	    >"$OUT/enrol.json"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    --data-binary @"$OUT/enrol.json" "$URL/api/v1/terminals/enrol")
	TERM=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body")
}
# session KEY TERMINAL UID THEME: a session declared now; its id in $SID.
session() {
	printf '{"session":"%s","theme":"%s","starts_at":%s,"duration_minutes":90}' \
	    "$3" "$4" "$(date +%s)" >"$OUT/session.json"
	tcall "$1" "$2" POST /api/v1/sessions "$OUT/session.json"
	SID=$(sed -n 's/.*"id":\([0-9]*\),"venue".*/\1/p' "$OUT/body")
}
# redeem KEY TERMINAL SESSION-UID N: participant N's voucher, redeemed.
redeem() {
	v=$(awk -F'\t' -v n="$4" 'NR == n { print $2 }' "$OUT/codes")
	"$SIGN" record "$1" "$2" "$3" "$v" >"$OUT/record.json"
	tcall "$1" "$2" POST /api/v1/redemptions "$OUT/record.json"
}
# printed N: participant N's voucher's printed serial.
printed() { awk -F'\t' -v n="$1" 'NR == n { print $3 }' "$OUT/codes"; }

# The pages, as a browser: get PATH JAR (status in $code, the file in
# $OUT/file, its headers in $OUT/headers).
get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/file" \
	    -w '%{http_code}' "$URL$1")
}
header() { sed -n "s/^$1: *//Ip" "$OUT/headers" | tr -d '\r' | head -n 1; }
login() { # JAR LOGIN PASSWORD
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/file")
	code=$(curl -s -b "$1" -c "$1" -o /dev/null -w '%{http_code}' \
	    --data-urlencode "login_csrf=$lc" --data-urlencode "login=$2" \
	    --data-urlencode "password=$3" "$URL/connexion")
}
adduser() { # LOGIN ROLE PASSWORD [SIRET]
	printf '%s\n' "$3" | "$ADMIN" user add --config "$CFG" --login "$1" \
	    --name "$1" --role "$2" ${4:+--venue "$4"} >/dev/null
}
# text_of: what pdftotext reads in $OUT/file, no-break spaces plain.
text_of() {
	pdftotext -q -layout -enc UTF-8 "$OUT/file" - | sed 's/\xc2\xa0/ /g'
}
# leaks: the last file holds nothing of venue A's session.
leaks() {
	grep -caF -e "$P1" -e "$P2" -e "$P3" -e "$THEME_A" -e "Accueil" \
	    "$OUT/file"
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
PW_CW=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
PW_AD=$(sed -n 's/^admin password: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET_A "Médiathèque de Rezé"
venue_add "$CFG" $SIRET_B "Tiers-lieu Ada"
adduser lieu1 venue venue-password-1 $SIRET_A
adduser lieu2 venue venue-password-2 $SIRET_B
adduser compta1 accountant compta-password-1
check "passnumd starts" passnumd_start "$CFG"

# Four participants, a booklet each (one voucher of a booklet a session):
# their vouchers' serial, text and printed serial in $OUT/codes.
: >"$OUT/codes"
for i in 1 2 3 4; do
	curl -s -H "Authorization: Bearer $TOKEN" --data-binary '{"programme": 1,
	    "beneficiary": {"ref": "EMARG-REF-'$i'", "pathway": "rsa",
	    "age_band": "26-44", "commune": "Rezé"}}' "$URL/api/v1/booklets" |
	    grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"PN1:[^"]*"' |
	    sed 's/"serial":\([0-9]*\),"printed":"\([^"]*\)","code":"\([^"]*\)"/\1\t\3\t\2/' |
	    head -n 1 >>"$OUT/codes"
done
check "four booklets are issued" test "$(wc -l <"$OUT/codes")" = 4
P1=$(printed 1) P2=$(printed 2) P3=$(printed 3) P4=$(printed 4)

# --- Sessions and redemptions through the terminals' API ----------------------
enrol $SIRET_A "$OUT/ta.key" "Accueil"
TA=$TERM KA="$OUT/ta.key"
enrol $SIRET_B "$OUT/tb.key" "Poste 2"
TB=$TERM KB="$OUT/tb.key"
check "a terminal at each venue" test -n "$TA" -a -n "$TB"
THEME_A="démarches en ligne" UA=$(hex16) UB=$(hex16)
session "$KA" "$TA" "$UA" "$THEME_A"
SA=$SID
session "$KB" "$TB" "$UB" "e-mail et identité numérique"
SB=$SID
check "a session at each venue" test -n "$SA" -a -n "$SB" -a "$SA" != "$SB"
redeem "$KB" "$TB" "$UB" 4
check "voucher 4 is taken first at venue B: 200" test "$code" = 200
for n in 1 2 3; do
	redeem "$KA" "$TA" "$UA" $n
	check "voucher $n is taken at venue A's session: 200" test "$code" = 200
done
redeem "$KA" "$TA" "$UA" 4
check "voucher 4 again at venue A: a conflict (409)" test "$code" = 409
check "venue A's session holds 3 accepted records and 1 conflict" test \
    "$(q "SELECT sum(outcome = 'accepted') || '/' || sum(outcome = 'conflict')
    FROM redemption WHERE session_id = $SA")" = 3/1

# --- Venue A downloads its sheet --------------------------------------------
JA="$OUT/ja"
login "$JA" lieu1 venue-password-1
check "venue A's user logs in" test "$code" = 303
get "/lieu/sessions/$SA" "$JA"
check "the session page links to the sheet as PDF and CSV" sh -c "
    grep -qF 'href=\"/lieu/sessions/$SA/emargement.pdf\"' '$OUT/file' &&
    grep -qF 'href=\"/lieu/sessions/$SA/emargement.csv\"' '$OUT/file'"

get "/lieu/sessions/$SA/emargement.csv" "$JA"
check "GET .../emargement.csv: 200, CSV in UTF-8" test "$code" = 200 -a \
    "$(header Content-Type)" = "text/csv; charset=utf-8"
check "downloaded as emargement-seance-$SA.csv" test \
    "$(header Content-Disposition)" = \
    "attachment; filename=\"emargement-seance-$SA.csv\""
cp "$OUT/file" "$OUT/a.csv"
check "a header row, then one row per voucher accepted and the total" test \
    "$(wc -l <"$OUT/a.csv")" = 5
for n in 1 2 3; do
	p=$(printed $n)
	check "voucher $n's row: its printed serial, 10,00, the session" \
	    grep -qF "$n;$p;10,00;" "$OUT/a.csv"
done
check "the total: 3 vouchers, 30,00" grep -qF "Total;3 chèques;30,00;;" \
    "$OUT/a.csv"
check "every row names the venue, the session and its theme" test \
    "$(grep -cF ";Médiathèque de Rezé;$SA;$THEME_A;" "$OUT/a.csv")" = 4
check "the record that lost is not on the sheet" \
    test "$(grep -cF "$P4" "$OUT/a.csv")" = 0
check "nothing of the beneficiary" \
    test "$(grep -ciaF -e EMARG-REF -e rsa -e 26-44 "$OUT/a.csv")" = 0

get "/lieu/sessions/$SA/emargement.pdf" "$JA"
check "GET .../emargement.pdf: 200, a PDF" sh -c "[ $code = 200 ] &&
    [ '$(header Content-Type)' = application/pdf ] &&
    head -c 5 '$OUT/file' | grep -qF '%PDF-'"
check "downloaded as emargement-seance-$SA.pdf" test \
    "$(header Content-Disposition)" = \
    "attachment; filename=\"emargement-seance-$SA.pdf\""
text_of >"$OUT/a.txt"
check "it reads back: title, venue, theme, signature column" sh -c "
    grep -qF 'Feuille d’émargement' '$OUT/a.txt' &&
    grep -qF 'Médiathèque de Rezé' '$OUT/a.txt' &&
    grep -qF '$THEME_A' '$OUT/a.txt' &&
    grep -qF 'Signature du participant' '$OUT/a.txt'"
check "its three serials, once each" test \
    "$(grep -cF -e "$P1" -e "$P2" -e "$P3" "$OUT/a.txt")" = 3
check "not the record that lost" test "$(grep -cF "$P4" "$OUT/a.txt")" = 0
check "the total: 3 vouchers, 30,00 €" sh -c "
    grep -qE 'Nombre de chèques +3\$' '$OUT/a.txt' &&
    grep -qE 'Montant total +30,00 €' '$OUT/a.txt'"
check "nothing of the beneficiary" \
    test "$(grep -ciF -e EMARG-REF -e 26-44 "$OUT/a.txt")" = 0

# --- Venue B: its own sheet, and never venue A's ------------------------------
JB="$OUT/jb"
login "$JB" lieu2 venue-password-2
get "/lieu/sessions/$SB/emargement.csv" "$JB"
check "venue B's own sheet: voucher 4 alone, 10,00" sh -c "[ $code = 200 ] &&
    grep -qF '1;$P4;10,00;' '$OUT/file' &&
    grep -qF 'Total;1 chèque;10,00;;' '$OUT/file'"
for ext in pdf csv; do
	for q in "" "?lieu=1"; do
		get "/lieu/sessions/$SA/emargement.$ext$q" "$JB"
		check "venue B asking venue A's .$ext$q: 404" test "$code" = 404
		check "and nothing of it in the answer" test "$(leaks)" = 0
	done
done

# --- The other roles --------------------------------------------------------
JC="$OUT/jc"
login "$JC" caseworker "$PW_CW"
JK="$OUT/jk"
login "$JK" compta1 compta-password-1
for ext in pdf csv; do
	get "/lieu/sessions/$SA/emargement.$ext" "$JC"
	check "a caseworker asking the .$ext: 403, nothing of it" \
	    test "$code" = 403 -a "$(leaks)" = 0
	get "/lieu/sessions/$SA/emargement.$ext?lieu=1" "$JK"
	check "an accountant, naming the venue: 403, nothing of it" \
	    test "$code" = 403 -a "$(leaks)" = 0
	get "/lieu/sessions/$SA/emargement.$ext" ""
	check "nobody logged in: sent to /connexion" test "$code" = 303 -a \
	    "$(header Location)" = /connexion
done
JD="$OUT/jd"
login "$JD" admin "$PW_AD"
get "/lieu/sessions/$SA/emargement.csv?lieu=1" "$JD"
check "an admin naming venue A: its sheet" sh -c "[ $code = 200 ] &&
    grep -qF 'Total;3 chèques;30,00;;' '$OUT/file'"
get "/lieu/sessions/$SA/emargement.pdf?lieu=2" "$JD"
check "an admin naming venue B for venue A's session: 404, nothing of it" \
    test "$code" = 404 -a "$(leaks)" = 0
get "/lieu/sessions/$SA/emargement.pdf" "$JD"
check "an admin naming no venue: sent to the list" test "$code" = 303 -a \
    "$(header Location)" = /lieu
get "/lieu/sessions/$SA?lieu=1" "$JD"
check "the admin's links carry the venue" \
    grep -qF "href=\"/lieu/sessions/$SA/emargement.pdf?lieu=1\"" "$OUT/file"

# --- Session numbers that are not one ---------------------------------------
for bad in abc 0 -1 99999 "$SA.5" 1e3 "%20$SA" 18446744073709551617; do
	for ext in pdf csv; do
		get "/lieu/sessions/$bad/emargement.$ext" "$JA"
		check "session '$bad' .$ext: 404" test "$code" = 404
	done
done

stop
check "passnumd stops cleanly" test "$status" = 0
done_testing
