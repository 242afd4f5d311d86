# test_pdf.sh -- the printed booklet: GET /api/v1/booklets/{id}.pdf is rendered
# to pages at 150 dpi, every QR code on them is scanned back and verified
# offline as a venue would; the cover keeps its accents; agency scoping and
# roles hold; a cancelled voucher loses its code; a booklet of 50 spans pages.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"

start() { passnumd_start "$D/passnumd.ini"; }
stop() { passnumd_stop; }
trap stop EXIT

# issue TOKEN PROGRAMME REF: a booklet for a new person; its JSON in $OUT/body.
issue() {
	call POST /api/v1/booklets "$1" "{\"programme\": $2, \"beneficiary\": {\"ref\": \"$3\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}"
}
# codes_of JSON: the voucher texts of a booklet, one a line, sorted.
codes_of() { grep -o '"code":"PN1:[^"]*"' "$1" | sed 's/"code":"//; s/"$//' | sort; }
# scan PDF DIR: render every page at 150 dpi into DIR and decode every QR
# code on them into DIR/codes, one a line, sorted; the text in DIR/text.
# Pages are rendered without anti-aliasing, as a printer prints them: on
# anti-aliased renders zbarimg missed 4 codes of 1500 on pages of 8 (each
# of the 4 scanned alone from its card), none of 1500 on crisp ones.
scan() {
	rm -rf "$2"
	mkdir -p "$2"
	pdftoppm -q -r 150 -aa no -aaVector no -png "$1" "$2/page"
	for p in "$2"/page-*.png; do
		# zbarimg exits 4 on a page without a code (the cover may be).
		zbarimg --raw -q --nodbus -Sdisable -Sqrcode.enable "$p"
	done | sort >"$2/codes"
	pdftotext -q "$1" "$2/text"
}
# verified CODES: how many lines of CODES passnum-terminal finds valid.
verified() {
	n=0
	while IFS= read -r c; do
		"$TERMINAL" verify "$c" --bundle "$OUT/trust" \
		    --master "$D/keys/master" >/dev/null && n=$((n + 1))
	done <"$1"
	echo "$n"
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
ADTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login admin)
"$ADMIN" agency add --config "$D/passnumd.ini" --name "EDS Saint-Nazaire" \
    >"$OUT/agency"
AGENCY2=$(sed -n 's/^agency \([0-9]*\):.*/\1/p' "$OUT/agency")
printf 'other-caseworker-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login cw2 --name "Dominique Leroy" --role caseworker \
    --agency "$AGENCY2" >/dev/null
OTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login cw2)
venue_add "$D/passnumd.ini" 21440143200015 "Médiathèque"
printf 'venue-password-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login venue1 --name "Médiathèque" --role venue \
    --venue 21440143200015 >/dev/null
VTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login venue1)
check "passnumd starts" start
curl -s -o "$OUT/trust" "$URL/api/v1/trust"

issue "$TOKEN" 1 PDF-1
check "a booklet of 10 is issued" test "$code" = 201
cp "$OUT/body" "$OUT/booklet.json"
ID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$OUT/booklet.json")
codes_of "$OUT/booklet.json" >"$OUT/want"

call GET "/api/v1/booklets/$ID.pdf" "$TOKEN"
check "GET /api/v1/booklets/$ID.pdf: 200" test "$code" = 200
cp "$OUT/body" "$OUT/booklet.pdf"
check "served as application/pdf" \
    grep -qi '^Content-Type: application/pdf' "$OUT/headers"
check "inline, named carnet-$ID.pdf" grep -qi \
    "^Content-Disposition: inline; filename=\"carnet-$ID.pdf\"" "$OUT/headers"
check "the body is a PDF" test "$(head -c 5 "$OUT/booklet.pdf")" = "%PDF-"
check "on A4 pages" sh -c "pdfinfo '$OUT/booklet.pdf' | grep -q 'Page size:.*(A4)'"

scan "$OUT/booklet.pdf" "$OUT/scan10"
check "10 QR codes scan back from a 150 dpi render" \
    test "$(wc -l <"$OUT/scan10/codes")" = 10
check "10 distinct codes" test "$(sort -u "$OUT/scan10/codes" | wc -l)" = 10
check "each is the text of one of the booklet's vouchers" \
    cmp -s "$OUT/scan10/codes" "$OUT/want"
check "all 10 verify offline against the trust bundle" \
    test "$(verified "$OUT/scan10/codes")" = 10
check "the cover names the programme, accents intact" \
    grep -q "Pass numérique 2026" "$OUT/scan10/text"
check "the cover lists the partner venues" \
    grep -q "Lieux partenaires" "$OUT/scan10/text"
check "among them the Médiathèque" \
    grep -q "Médiathèque Jacques Demy" "$OUT/scan10/text"
check "the cover carries the programme's instructions" \
    grep -q "l’animateur le scanne" "$OUT/scan10/text"
printed_ok=0
for p in $(grep -o '"printed":"[^"]*"' "$OUT/booklet.json" | \
    sed 's/"printed":"//; s/"$//' | tr ' ' '_'); do
	grep -q "$(echo "$p" | tr '_' ' ')" "$OUT/scan10/text" && \
	    printed_ok=$((printed_ok + 1))
done
check "every printed serial is on the page" test "$printed_ok" = 10
# keys_of JSON: the control keys of a booklet, one a line.
keys_of() { grep -o '"control_key":"[^"]*"' "$1" | sed 's/.*:"//; s/"$//'; }
keys_ok=0
for k in $(keys_of "$OUT/booklet.json"); do
	grep -qF "$k" "$OUT/scan10/text" && keys_ok=$((keys_ok + 1))
done
check "so is every control key the API gives ($keys_ok)" test "$keys_ok" = 10
check "each under its label" \
    test "$(grep -c "Clé de contrôle :" "$OUT/scan10/text")" = 10
check "the cover says to type the serial and the key when a code does not scan" \
    grep -q "le numéro du chèque (N°) et sa clé de contrôle" "$OUT/scan10/text"
check "with the voucher's last day" \
    grep -q "Valable jusqu’au [0-3][0-9]/[01][0-9]/20[0-9][0-9]" "$OUT/scan10/text"
check "and the pages are numbered" grep -q "page 1 / " "$OUT/scan10/text"

call GET "/api/v1/booklets/$ID.pdf" ""
check "no token: 401" test "$code" = 401
call GET "/api/v1/booklets/$ID.pdf" "$VTOKEN"
check "a venue may not print booklets: 403" test "$code" = 403
call GET "/api/v1/booklets/$ID.pdf" "$OTOKEN"
check "another agency's caseworker: 404" test "$code" = 404
check "404 code 3006, as for a booklet that does not exist" \
    grep -q '"code":3006' "$OUT/body"
call GET "/api/v1/booklets/$ID.pdf" "$ADTOKEN"
check "an admin prints any booklet: 200" test "$code" = 200
call GET /api/v1/booklets/99999.pdf "$TOKEN"
check "an unknown booklet: 404 code 3006" grep -q '"code":3006' "$OUT/body"
call GET "/api/v1/booklets/$ID" "$TOKEN"
check "GET /api/v1/booklets/$ID is still the JSON" \
    grep -qi '^Content-Type: application/json' "$OUT/headers"
call GET "/api/v1/booklets/$ID.json" "$TOKEN"
check "$ID.json is no booklet number: 404" test "$code" = 404
call GET /api/v1/booklets/.pdf "$TOKEN"
check "an empty number before .pdf: 404" test "$code" = 404
call POST "/api/v1/booklets/$ID.pdf" "$TOKEN"
check "POST on the PDF: 405" test "$code" = 405
check "allowing GET alone" grep -qi '^Allow: GET.$' "$OUT/headers"
call GET /metrics ""
check "metrics label the route by its pattern" \
    grep -q 'route="/api/v1/booklets/{}.pdf",status="200"' "$OUT/body"

# A cancelled voucher is printed "ANNULÉ", without its code.
CODE3=$(grep -o '"serial":3,[^}]*' "$OUT/booklet.json" | \
    sed 's/.*"code":"//; s/".*//')
call POST /api/v1/vouchers/3/cancel "$TOKEN" '{"reason": "perdu"}'
check "voucher 3 is cancelled" test "$code" = 200
call GET "/api/v1/booklets/$ID.pdf" "$TOKEN"
cp "$OUT/body" "$OUT/cancelled.pdf"
scan "$OUT/cancelled.pdf" "$OUT/scan9"
check "the reprint has 9 QR codes" test "$(wc -l <"$OUT/scan9/codes")" = 9
check "none of them voucher 3's" test -n "$CODE3" -a \
    "$(grep -cxF "$CODE3" "$OUT/scan9/codes")" = 0
check "all 9 verify" test "$(verified "$OUT/scan9/codes")" = 9
check "the cancelled card says ANNULÉ" \
    test "$(grep -c "ANNULÉ" "$OUT/scan9/text")" = 1
KEY3=$(grep -o '"serial":3,[^}]*' "$OUT/booklet.json" | \
    sed 's/.*"control_key":"//; s/".*//')
check "without its control key; the 9 others keep theirs" test -n "$KEY3" -a \
    "$(grep -cF "$KEY3" "$OUT/scan9/text")" = 0 -a \
    "$(grep -c "Clé de contrôle :" "$OUT/scan9/text")" = 9

# The largest booklet: 50 vouchers over several pages.
"$ADMIN" programme add --config "$D/passnumd.ini" --name "Pass numérique 50" \
    --face-value 500 --per-booklet 50 --validity days:90 --territory Rezé \
    --budget 1000000 --instructions "Un chèque par séance d’initiation." \
    --venue "Médiathèque de Rezé, place Roger Salengro" >"$OUT/prog"
PROG50=$(sed -n 's/^programme \([0-9]*\):.*/\1/p' "$OUT/prog")
issue "$TOKEN" "$PROG50" PDF-50
check "a booklet of 50 is issued" test "$code" = 201
cp "$OUT/body" "$OUT/booklet50.json"
ID50=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$OUT/booklet50.json")
call GET "/api/v1/booklets/$ID50.pdf" "$TOKEN"
check "its PDF: 200" test "$code" = 200
cp "$OUT/body" "$OUT/booklet50.pdf"
scan "$OUT/booklet50.pdf" "$OUT/scan50"
pages=$(ls "$OUT"/scan50/page-*.png | wc -l)
check "it spans 7 or 8 pages ($pages)" test "$pages" -ge 7 -a "$pages" -le 8
check "50 distinct QR codes scan back" \
    test "$(sort -u "$OUT/scan50/codes" | wc -l)" = 50
codes_of "$OUT/booklet50.json" >"$OUT/want50"
check "exactly the booklet's 50" cmp -s "$OUT/scan50/codes" "$OUT/want50"
check "all 50 verify" test "$(verified "$OUT/scan50/codes")" = 50
check "the last page says so" grep -q "page $pages / $pages" "$OUT/scan50/text"
check "5,00 € each" grep -q "5,00.€" "$OUT/scan50/text"
stop

done_testing
