# test_report.sh -- the funder's report: GET /compta/bilan, GET
# /compta/bilan.csv and passnum-admin report funder, on booklets issued by
# two agencies and an admin, one cancelled whole and a voucher alone,
# vouchers redeemed at a venue's terminal, one paid, and the rest expired
# at the end of the programme; every figure checked against the database,
# and issued = redeemed + outstanding + cancelled + expired.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
SIRET=21440143200015		# Médiathèque de Rezé
NB=$(printf '\302\240')		# U+00A0, before "€"
q() { sqlite3 "$DB" "$1"; }
start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
trap stop EXIT

# book TOKEN REF COMMUNE: issue a booklet of programme 1; its JSON in
# $OUT/REF.json.
book() {
	call POST /api/v1/booklets "$1" "{\"programme\": 1, \"beneficiary\": {\"ref\": \"$2\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"$3\"}}"
	cp "$OUT/body" "$OUT/$2.json"
	[ "$code" = 201 ]
}
# voucher SERIAL: its text, from the booklets issued.
voucher() {
	cat "$OUT"/B-*.json | grep -o "\"serial\":$1,\"printed\":\"[^\"]*\",\"code\":\"PN1:[^\"]*\"" |
	    sed 's/.*"code":"\([^"]*\)"/\1/'
}
# tcall METHOD PATH BODYFILE: a request signed by the terminal's key.
tcall() {
	"$SIGN" headers "$OUT/t.key" "$TERM" "$1" "$2" "$3" >"$OUT/h"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' -X "$1" \
	    -H @"$OUT/h" --data-binary @"$3" "$URL$2")
}
# field LINE N: the Nth ';'-separated field of a CSV line.
field() { printf '%s\n' "$1" | cut -d';' -f"$2"; }
# csv_line FILE PREFIX: the line of the CSV that starts with PREFIX, CR dropped.
csv_line() { tr -d '\r' <"$1" | grep -F -- "$2" | head -n 1; }
# figures LINE: its fields 5 to 18 (counts and amounts), space-separated.
figures() { printf '%s\n' "$1" | cut -d';' -f5-18 | tr ';' ' '; }
# balanced LINE: issued = used + outstanding + expired + cancelled, in
# number and in cents, and paid <= used.
balanced() {
	printf '%s\n' "$1" | awk -F';' '
	    function c(s) { sub(",", "", s); return s + 0 }
	    { ok = $5 == $9 + $13 + $15 + $17 &&
	      c($6) == c($10) + c($14) + c($16) + c($18) &&
	      $5 == $7 && $6 == $8 && $11 <= $9 && c($12) <= c($10);
	      exit !ok }'
}
# all_balanced FILE: every line of the CSV but its header is balanced.
all_balanced() {
	tr -d '\r' <"$1" | tail -n +2 >"$OUT/lines"
	while IFS= read -r l; do
		balanced "$l" || return 1
	done <"$OUT/lines"
}
# page_has TEXT: the last page holds TEXT.
page_has() { grep -qF -- "$1" "$OUT/body"; }

# --- Set-up: two agencies, an admin outside them, an accountant ----------------
"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
# Whole booklets are redeemed in one session below.
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
AG2=$("$ADMIN" agency add --config "$CFG" --name "Espace Rezé" --kind partner \
    --commune Rezé | sed -n 's/^agency \([0-9]*\):.*/\1/p')
check "a second agency" test -n "$AG2"
printf 'caseworker-pass-2\n' | "$ADMIN" user add --config "$CFG" --login cw2 \
    --name "Dominique Leroy" --role caseworker --agency "$AG2" >/dev/null
TOKEN2=$("$ADMIN" token create --config "$CFG" --login cw2)
ADTOKEN=$("$ADMIN" token create --config "$CFG" --login admin)
printf 'accountant-pass-1\n' | "$ADMIN" user add --config "$CFG" \
    --login acc1 --name "Service financier" --role accountant >/dev/null
ATOKEN=$("$ADMIN" token create --config "$CFG" --login acc1)
"$ADMIN" venue add --config "$CFG" --name "Médiathèque de Rezé" \
    --siret $SIRET --address "1 rue de la Paix" --commune Rezé \
    --iban FR7630006000011234567890189 --bic AGRIFRPP --contact x \
    --accredited-from 2026-01-01 >/dev/null
check "passnumd starts" start

# Five booklets of 10 vouchers of 10,00 EUR: serials 1-10, 11-20... 41-50.
check "booklet 1: EDS Nantes Est, Nantes" book "$TOKEN" B-1 Nantes
check "booklet 2: EDS Nantes Est, Rezé" book "$TOKEN" B-2 Rezé
check "booklet 3: Espace Rezé, Rezé" book "$TOKEN2" B-3 Rezé
check "booklet 4: the admin (no agency), Saint-Herblain" \
    book "$ADTOKEN" B-4 Saint-Herblain
check "booklet 5: Espace Rezé, Nantes" book "$TOKEN2" B-5 Nantes
check "50 vouchers" test "$(q 'SELECT count(*) FROM voucher')" = 50
B2=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$OUT/B-2.json")
call POST "/api/v1/booklets/$B2/cancel" "$TOKEN" '{"reason": "carnet perdu"}'
check "booklet 2 is cancelled whole" test "$code" = 200
call POST /api/v1/vouchers/41/cancel "$TOKEN2" '{"reason": "déchiré"}'
check "voucher 41 is cancelled" test "$code" = 200

# --- Redemption at the venue's terminal: vouchers 1, 2 and 31 -----------------
CODE=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET 2>/dev/null)
PK=$("$SIGN" keygen "$OUT/t.key")
printf '{"code":"%s","public_key":"%s","label":"Accueil"}' "$CODE" "$PK" \
    >"$OUT/enrol.json"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
    --data-binary @"$OUT/enrol.json" "$URL/api/v1/terminals/enrol")
check "a terminal enrols: 201" test "$code" = 201
TERM=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body")
SESSION=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":120}' \
    "$SESSION" "$(date +%s)" >"$OUT/session.json"
tcall POST /api/v1/sessions "$OUT/session.json"
check "it declares a session: 201" test "$code" = 201
n=0
for serial in 1 2 31; do
	"$SIGN" record "$OUT/t.key" "$TERM" "$SESSION" "$(voucher $serial)" \
	    --counter $serial >"$OUT/r$serial.json"
	tcall POST /api/v1/redemptions "$OUT/r$serial.json"
	[ "$code" = 200 ] && grep -qF '"outcome":"accepted"' "$OUT/body" &&
	    n=$((n + 1))
done
check "vouchers 1, 2 and 31 are redeemed online" test "$n" = 3
# Paying a venue marks its vouchers "settled"; settlement has its own
# tests: the payment of voucher 2 is written here as it leaves the state.
q "UPDATE voucher SET status = 'settled' WHERE serial = 2"
check "the database: 36 issued, 2 redeemed, 1 settled, 11 cancelled" test \
    "$(q "SELECT group_concat(status || ':' || n, ' ') FROM (SELECT status,
    count(*) AS n FROM voucher GROUP BY status ORDER BY status)")" = \
    "cancelled:11 issued:36 redeemed:2 settled:1"

# --- The page ------------------------------------------------------------------
call GET /compta/bilan "$ATOKEN"
check "GET /compta/bilan as the accountant: 200" test "$code" = 200
cp "$OUT/body" "$OUT/page1.html"
check "the page is French, with its title" sh -c \
    "grep -qF '<html lang=\"fr\">' '$OUT/body' && grep -qF '<h1>Bilan des chèques</h1>' '$OUT/body'"
check "one programme: no programme chooser" sh -c "! grep -qF '<select' '$OUT/body'"
check "the summary: 50 vouchers issued, 500,00 €" \
    page_has "<dt>Émis et remis</dt><dd>50 chèques, 500,00${NB}€</dd>"
check "3 used, 30,00 €" page_has "<dt>Utilisés</dt><dd>3 chèques, 30,00${NB}€</dd>"
check "of which 1 paid, 10,00 €" \
    page_has "<dt>dont réglés aux lieux</dt><dd>1 chèque, 10,00${NB}€</dd>"
check "36 outstanding" page_has "<dt>En circulation</dt><dd>36 chèques, 360,00${NB}€</dd>"
check "11 cancelled" page_has "<dt>Annulés</dt><dd>11 chèques, 110,00${NB}€</dd>"
check "the invariant holds, and the page says so" page_has "Vérifié."
check "two tables with captions" test "$(grep -o '<caption>' "$OUT/body" | wc -l)" = 2
check "headers are scoped: columns, groups, rows" sh -c "
    grep -qF '<th scope=\"colgroup\" colspan=\"2\">Émis</th>' '$OUT/body' &&
    grep -qF '<th scope=\"col\">Montant</th>' '$OUT/body' &&
    grep -qF '<th scope=\"row\">EDS Nantes Est</th>' '$OUT/body'"
check "by agency: EDS Nantes Est, Espace Rezé, (sans agence)" sh -c "
    grep -qF '<th scope=\"row\">Espace Rezé</th>' '$OUT/body' &&
    grep -qF '<th scope=\"row\">(sans agence)</th>' '$OUT/body'"
check "EDS Nantes Est: 20 issued, 2 used, 1 paid, 8 outstanding, 10 cancelled" page_has \
    "<th scope=\"row\">EDS Nantes Est</th><td>20</td><td>200,00${NB}€</td><td>20</td><td>200,00${NB}€</td><td>2</td><td>20,00${NB}€</td><td>1</td><td>10,00${NB}€</td><td>8</td><td>80,00${NB}€</td><td>0</td><td>0,00${NB}€</td><td>10</td><td>100,00${NB}€</td></tr>"
check "by commune: Nantes 20 issued, 17 outstanding, 1 cancelled" page_has \
    "<th scope=\"row\">Nantes</th><td>20</td><td>200,00${NB}€</td><td>20</td><td>200,00${NB}€</td><td>2</td><td>20,00${NB}€</td><td>1</td><td>10,00${NB}€</td><td>17</td><td>170,00${NB}€</td><td>0</td><td>0,00${NB}€</td><td>1</td><td>10,00${NB}€</td></tr>"
check "the tables' totals" test "$(grep -o "<tfoot><tr><th scope=\"row\">Total</th><td>50</td>" "$OUT/body" | wc -l)" = 2
check "a link to the CSV" page_has 'href="/compta/bilan.csv?programme=1">Télécharger en CSV</a>'

# --- The CSV -------------------------------------------------------------------
call GET "/compta/bilan.csv?programme=1" "$ATOKEN"
check "GET /compta/bilan.csv: 200" test "$code" = 200
cp "$OUT/body" "$OUT/bilan.csv"
check "as an attachment, text/csv in UTF-8" sh -c "
    grep -qi '^Content-Disposition: attachment; filename=\"bilan-programme-1.csv\"' '$OUT/headers' &&
    grep -qi '^Content-Type: text/csv; charset=utf-8' '$OUT/headers'"
check "a byte order mark, then the header row" test \
    "$(head -c 16 "$OUT/bilan.csv" | od -An -c | tr -s ' ')" = \
    "$(printf '\357\273\277N\302\260 programme' | od -An -c | tr -s ' ')"
check "every line ends with CRLF" test \
    "$(grep -c "$(printf '\r')\$" "$OUT/bilan.csv")" = "$(wc -l <"$OUT/bilan.csv")"
check "the header names the columns" test "$(head -n 1 "$OUT/bilan.csv" | tr -d '\r' | cut -d';' -f2-)" = \
    "Programme;Ventilation;Libellé;Chèques émis;Montant émis;Chèques remis;Montant remis;Chèques utilisés;Montant utilisé;dont réglés;Montant réglé;Chèques en circulation;Montant en circulation;Chèques expirés;Montant expiré;Chèques annulés;Montant annulé"
check "3 agencies, 3 communes, 1 total: 8 lines" test "$(wc -l <"$OUT/bilan.csv")" = 8
L=$(csv_line "$OUT/bilan.csv" ";Agence;EDS Nantes Est;")
check "EDS Nantes Est: 20, 2 used, 1 paid, 8 outstanding, 10 cancelled" test "$(figures "$L")" = \
    "20 200,00 20 200,00 2 20,00 1 10,00 8 80,00 0 0,00 10 100,00"
L=$(csv_line "$OUT/bilan.csv" ";Agence;Espace Rezé;")
check "Espace Rezé: 20, 19 outstanding, 1 cancelled" test "$(figures "$L")" = \
    "20 200,00 20 200,00 0 0,00 0 0,00 19 190,00 0 0,00 1 10,00"
L=$(csv_line "$OUT/bilan.csv" ";Agence;(sans agence);")
check "(sans agence): 10, 1 used, 9 outstanding" test "$(figures "$L")" = \
    "10 100,00 10 100,00 1 10,00 0 0,00 9 90,00 0 0,00 0 0,00"
L=$(csv_line "$OUT/bilan.csv" ";Commune;Nantes;")
check "Nantes: 20, 2 used, 1 paid, 17 outstanding, 1 cancelled" test "$(figures "$L")" = \
    "20 200,00 20 200,00 2 20,00 1 10,00 17 170,00 0 0,00 1 10,00"
L=$(csv_line "$OUT/bilan.csv" ";Commune;Rezé;")
check "Rezé: 20, 10 outstanding, 10 cancelled" test "$(figures "$L")" = \
    "20 200,00 20 200,00 0 0,00 0 0,00 10 100,00 0 0,00 10 100,00"
L=$(csv_line "$OUT/bilan.csv" ";Commune;Saint-Herblain;")
check "Saint-Herblain: 10, 1 used, 9 outstanding" test "$(figures "$L")" = \
    "10 100,00 10 100,00 1 10,00 0 0,00 9 90,00 0 0,00 0 0,00"
L=$(csv_line "$OUT/bilan.csv" ";Total;Total du programme;")
check "the total: 50, 3 used, 1 paid, 36 outstanding, 11 cancelled" test "$(figures "$L")" = \
    "50 500,00 50 500,00 3 30,00 1 10,00 36 360,00 0 0,00 11 110,00"
check "issued = redeemed + outstanding + cancelled + expired, every line" \
    all_balanced "$OUT/bilan.csv"
check "the total agrees with the database, status by status" test \
    "$(q "SELECT count(*) || ' ' || (SELECT count(*) FROM voucher WHERE status IN ('redeemed', 'settled'))
    || ' ' || (SELECT count(*) FROM voucher WHERE status = 'issued')
    || ' ' || (SELECT count(*) FROM voucher WHERE status = 'cancelled') FROM voucher")" = \
    "$(field "$L" 5) $(field "$L" 9) $(field "$L" 13) $(field "$L" 17)"
call GET /compta/bilan.csv "$ADTOKEN"
check "the admin gets every programme's CSV" sh -c "
    [ $code = 200 ] && grep -qi 'filename=\"bilan-programmes.csv\"' '$OUT/headers'"

# --- passnum-admin report funder -------------------------------------------------
expect 0 "Total du programme" "report funder writes the CSV on standard output" -- \
    "$ADMIN" report funder --config "$CFG" --programme 1
check "the same bytes as the page's CSV" cmp -s "$OUT/stdout" "$OUT/bilan.csv"
check "report funder --out writes a file" \
    "$ADMIN" report funder --config "$CFG" --out "$OUT/cli.csv"
check "of every programme, the same as GET /compta/bilan.csv" cmp -s "$OUT/cli.csv" "$OUT/body"
expect 1 "exists" "an existing file is left alone" -- \
    "$ADMIN" report funder --config "$CFG" --out "$OUT/cli.csv"
expect 1 "no programme 99" "an unknown programme: refused" -- \
    "$ADMIN" report funder --config "$CFG" --programme 99
expect 2 "not a programme number" "a programme that is not a number: usage" -- \
    "$ADMIN" report funder --config "$CFG" --programme x1
expect 2 "usage" "report funder without --config: usage" -- "$ADMIN" report funder
expect 2 "expected funder" "report without a report's name: usage" -- "$ADMIN" report

# --- End of the programme: everything outstanding expires ----------------------
# 2028-03-01 is past the vouchers' last day (31 January 2027) and the
# offline grace; libfaketime and ASan both want to come first.
expect 0 "36 voucher(s) expired (360,00" \
    "passnum-admin expire in March 2028: the 36 outstanding vouchers" -- \
    env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    faketime '2028-03-01 12:00:00' "$ADMIN" expire --config "$CFG"
expect 0 "Total du programme" "the report after expiry" -- \
    "$ADMIN" report funder --config "$CFG" --programme 1
L=$(csv_line "$OUT/stdout" ";Total;Total du programme;")
check "the total: 36 expired, none outstanding, 3 used, 11 cancelled" test "$(figures "$L")" = \
    "50 500,00 50 500,00 3 30,00 1 10,00 0 0,00 36 360,00 11 110,00"
check "and it still balances" balanced "$L"
L=$(csv_line "$OUT/stdout" ";Agence;Espace Rezé;")
check "Espace Rezé: 19 expired, 1 cancelled" test "$(figures "$L")" = \
    "20 200,00 20 200,00 0 0,00 0 0,00 0 0,00 19 190,00 1 10,00"
call GET /compta/bilan "$ATOKEN"
check "the page: 36 expired, 360,00 €" \
    page_has "<dt>Expirés</dt><dd>36 chèques, 360,00${NB}€</dd>"

# --- Several programmes, and refusals -------------------------------------------
"$ADMIN" programme add --config "$CFG" --name "Pass seniors 2027" \
    --face-value 2000 --per-booklet 5 --validity days:90 --territory Rezé \
    --budget 100000 >/dev/null
call GET /compta/bilan "$ATOKEN"
check "two programmes: a chooser, the latest shown (nothing issued)" sh -c "
    grep -qF '<select id=\"programme\" name=\"programme\">' '$OUT/body' &&
    grep -qF '<option value=\"2\" selected>Pass seniors 2027</option>' '$OUT/body' &&
    grep -qF 'Aucun chèque n’a encore été émis' '$OUT/body'"
call GET "/compta/bilan?programme=1" "$ATOKEN"
check "?programme=1 shows the first one" sh -c "
    [ $code = 200 ] && grep -qF '<option value=\"1\" selected>' '$OUT/body' &&
    grep -qF '<h2>Pass numérique 2026</h2>' '$OUT/body'"
call GET "/compta/bilan?programme=99" "$ATOKEN"
check "an unknown programme: 400, the form again with its error" sh -c "
    [ $code = 400 ] && grep -qF 'id=\"programme-error\"' '$OUT/body' &&
    grep -qF 'Ce programme n’existe pas' '$OUT/body'"
call GET "/compta/bilan?programme=abc" "$ATOKEN"
check "a programme that is not a number: 400, the same" sh -c "
    [ $code = 400 ] && grep -qF 'id=\"programme-error\"' '$OUT/body'"
call GET "/compta/bilan.csv?programme=99" "$ATOKEN"
check "the CSV of an unknown programme: 404" test "$code" = 404
call GET /compta/bilan.csv "$ATOKEN"
check "every programme's CSV: a grand total" grep -qF \
    ";Tous les programmes;Total;Total général;50;500,00;" "$OUT/body"
call GET /compta/bilan "$TOKEN"
check "a caseworker may not see the report: 403" test "$code" = 403
call GET /compta/bilan.csv "$TOKEN"
check "nor its CSV: 403" test "$code" = 403
call GET /compta/bilan ""
check "without credentials: to the login page (303)" test "$code" = 303
stop
check "the database is consistent after the run" \
    test "$(q 'PRAGMA integrity_check')" = ok
done_testing
