# test_cancel.sh -- a caseworker cancels a voucher, then a whole booklet; the
# signed deny list carries them to terminals, which then refuse them.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"

start() { passnumd_start "$D/passnumd.ini"; }
stop() { passnumd_stop; }
trap stop EXIT

# verdict N FILES...: terminal verify of voucher N of the booklet.
verdict() {
	n=$1
	shift
	code_n=$(grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | \
	    sed -n "${n}p" | sed 's/"code":"//; s/"$//')
	"$TERMINAL" verify "$code_n" --bundle "$OUT/trust" --master \
	    "$D/keys/master" "$@" >"$OUT/verdict"
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$D/passnumd.ini" 21440143200015 "Médiathèque"
printf 'venue-password-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login venue1 --name "Médiathèque" --role venue \
    --venue 21440143200015 >/dev/null
VTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login venue1)
check "passnumd starts" start
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "C-1", "pathway": "rsa", "age_band": "16-25", "commune": "Nantes"}}'
check "a booklet is issued" test "$code" = 201
cp "$OUT/body" "$OUT/booklet.json"
curl -s -o "$OUT/trust" "$URL/api/v1/trust"

call GET "/api/v1/denylist?since=0" ""
check "the deny list is public and answers 200" test "$code" = 200
cp "$OUT/body" "$OUT/deny0"
verdict 3 --denylist "$OUT/deny0"
check "before any cancellation voucher 3 is valid" test $? -eq 0

call POST /api/v1/vouchers/3/cancel "" '{"reason": "perdu"}'
check "cancelling without a token: 401" test "$code" = 401
call POST /api/v1/vouchers/3/cancel "$VTOKEN" '{"reason": "perdu"}'
check "a venue may not cancel: 403" test "$code" = 403
call POST /api/v1/vouchers/3/cancel "$TOKEN" '{}'
check "a cancellation needs a reason: 400 code 3001" \
    grep -q '"code":3001' "$OUT/body"
call POST /api/v1/vouchers/3/cancel "$TOKEN" '{"reason": "chèque perdu, déclaré par la personne"}'
check "the caseworker cancels voucher 3: 200" test "$code" = 200
call POST /api/v1/vouchers/3/cancel "$TOKEN" '{"reason": "encore"}'
check "cancelling it again: 409 code 3009" grep -q '"code":3009' "$OUT/body"
call POST /api/v1/vouchers/99999/cancel "$TOKEN" '{"reason": "x"}'
check "an unknown voucher: 404 code 3008" grep -q '"code":3008' "$OUT/body"
call GET /api/v1/vouchers/3 "$TOKEN"
check "GET /api/v1/vouchers/3: 200" test "$code" = 200
check "it is cancelled, with its reason" \
    grep -q '"cancel_reason":"chèque perdu, déclaré par la personne"' "$OUT/body"
check "and its printed serial" grep -q '"printed":"0000 0000 0003 7"' "$OUT/body"
call GET /api/v1/vouchers/4 "$TOKEN"
check "voucher 4 is still issued" grep -q '"status":"issued"' "$OUT/body"
call GET "/api/v1/vouchers?printed=0000-0000-0003-7" "$TOKEN"
check "found by its printed serial, dashes and all" \
    grep -q '"serial":3,' "$OUT/body"
call GET "/api/v1/vouchers?printed=0000%200000%200003%201" "$TOKEN"
check "a mistyped check digit: 400 code 3011" grep -q '"code":3011' "$OUT/body"
check "with the French reason" grep -q 'chiffre de contr' "$OUT/body"
call GET "/api/v1/vouchers?printed=0000%200000%20003%207" "$TOKEN"
check "a dropped digit: 400" test "$code" = 400
call GET /api/v1/vouchers/4 "$VTOKEN"
check "a venue may not look vouchers up here: 403" test "$code" = 403
call GET /api/v1/vouchers/424242 "$TOKEN"
check "an unknown serial: 404 code 3008" grep -q '"code":3008' "$OUT/body"
call GET /api/v1/booklets/1 "$TOKEN"
check "the booklet shows voucher 3 cancelled" \
    grep -q '"serial":3,[^}]*"status":"cancelled"' "$OUT/body"

call GET "/api/v1/denylist?since=0" ""
cp "$OUT/body" "$OUT/deny1"
verdict 3 --denylist "$OUT/deny1"
check "a terminal with the new deny list refuses voucher 3 (exit 15)" \
    test $? -eq 15
check "saying it is cancelled" grep -q "chèque annulé" "$OUT/verdict"
verdict 4 --denylist "$OUT/deny1"
check "voucher 4 is still valid" test $? -eq 0

call POST /api/v1/booklets/1/cancel "$TOKEN" '{"reason": "carnet perdu"}'
check "the caseworker cancels the whole booklet: 200" test "$code" = 200
check "the 9 vouchers still outstanding are cancelled" \
    grep -q '"vouchers_cancelled":9' "$OUT/body"
call POST /api/v1/booklets/1/cancel "$TOKEN" '{"reason": "encore"}'
check "cancelling the booklet again: 409" test "$code" = 409

call GET "/api/v1/denylist?since=1" ""
check "an increment since number 1 answers 200" test "$code" = 200
cp "$OUT/body" "$OUT/deny2"
refused=0
for n in 1 2 3 4 5 6 7 8 9 10; do
	verdict $n --denylist "$OUT/deny1" --denylist "$OUT/deny2"
	[ $? -eq 15 ] && refused=$((refused + 1))
done
check "full list then increment: all 10 vouchers refused" test "$refused" = 10
verdict 5 --denylist "$OUT/deny2"
check "an increment alone is refused by the terminal (exit 1)" test $? -eq 1
call GET "/api/v1/denylist?since=abc" ""
check "a bad since: 400 code 3010" grep -q '"code":3010' "$OUT/body"
call GET "/api/v1/denylist?since=500" ""
check "a since beyond the latest number: 400" test "$code" = 400
stop

expect 0 "hash chain unbroken" "the audit still holds after cancellations" -- \
    "$ADMIN" audit --config "$D/passnumd.ini"
check "the audit log records both cancellations" test "$(sqlite3 \
    "$D/passnum.db" "SELECT count(*) FROM audit_log WHERE action IN
    ('voucher.cancel', 'booklet.cancel')")" = 2

done_testing
