# test_audit_redemptions.sh -- passnum-admin audit verifies again each
# redemption's record under its terminal's enrolled key (the voucher's
# text rebuilt from its row: the QR code's, or PNK1:<serial>:<KEY> for a
# voucher typed by hand) and the receipt of each stored answer under the
# signing key it names. Untouched data passes (scanned, typed, a
# conflict); a byte flipped in a record's signature or in an answer's
# receipt, or a typed record marked scanned, makes it fail, naming the row.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
VKEY="$BUILD/tools/pn-voucherkey"
SIRET_A=21440143200015
SIRET_B=35600000000001
trap 'passnumd_stop' EXIT

q() { sqlite3 "$DB" "$1"; }
hex16() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
code_of() { awk -F'\t' -v s="$1" '$1 == s { print $2 }' "$OUT/codes"; }
# redeem KEY TERMINAL SESSION TEXT: send a record of that voucher text.
redeem() {
	"$SIGN" record "$1" "$2" "$3" "$4" >"$OUT/rec.json"
	tcall "$1" "$2" POST /api/v1/redemptions "$OUT/rec.json"
}
typed() { printf 'PNK1:%s:%s' "$1" "$("$VKEY" "$(code_of "$1")" | tr -d '-')"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET_A "Médiathèque de Rezé"
venue_add "$CFG" $SIRET_B "Bureau de poste de Nantes"
check "passnumd starts" passnumd_start "$CFG"
curl -s -H "Authorization: Bearer $TOKEN" --data-binary \
    '{"programme": 1, "beneficiary": {"ref": "R-1", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
    "$URL/api/v1/booklets" |
    grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"PN1:[^"]*"' |
    sed 's/"serial":\([0-9]*\),"printed":"[^"]*","code":"\([^"]*\)"/\1\t\2/' \
    >"$OUT/codes"
check "a booklet: vouchers 1 to 10" test "$(wc -l <"$OUT/codes")" = 10
api_enrol $SIRET_A "$OUT/ta.key"; TA=$TERM_ID
api_enrol $SIRET_B "$OUT/tb.key"; TB=$TERM_ID
SA=$(hex16) SB=$(hex16)
api_session "$OUT/ta.key" "$TA" "$SA"
api_session "$OUT/tb.key" "$TB" "$SB"
redeem "$OUT/ta.key" "$TA" "$SA" "$(code_of 1)"
check "voucher 1 scanned and accepted" test "$code" = 200
redeem "$OUT/ta.key" "$TA" "$SA" "$(code_of 2)"
check "voucher 2 scanned and accepted" test "$code" = 200
redeem "$OUT/ta.key" "$TA" "$SA" "$(typed 3)"
check "voucher 3 typed by hand and accepted" test "$code" = 200
check "... its redemption marked typed (flags & 4)" test \
    "$(q "SELECT flags & 4 FROM redemption WHERE serial = 3")" = 4
redeem "$OUT/tb.key" "$TB" "$SB" "$(code_of 1)"
check "voucher 1 again at the other venue: a conflict (409)" test "$code" = 409
redeem "$OUT/tb.key" "$TB" "$SB" "$(typed 2)"
check "voucher 2 typed at the other venue: a conflict (409)" test "$code" = 409
passnumd_stop

expect 0 "audit: everything holds" "the untouched data passes" -- \
    "$ADMIN" audit --config "$CFG"
check "its 5 records and answers verified (scanned, typed, conflicts)" grep -q \
    "^ok   redemptions: 5 records verified under their terminal's key, each stored answer's receipt under its signing key (" \
    "$OUT/stdout"

# flip HEX: its first hex digit changed.
flip() {
	printf '%s%s' "$(printf '%s' "$1" | cut -c1 | tr '0-9A-F' '123456789ABCDEF0')" \
	    "$(printf '%s' "$1" | cut -c2-)"
}
rid() { q "SELECT id FROM redemption WHERE serial = $1 AND outcome = '$2'"; }
R2=$(rid 2 accepted) R3=$(rid 3 accepted) R1C=$(rid 1 conflict)

SIG=$(q "SELECT hex(record_signature) FROM redemption WHERE id = $R2")
tampered "a byte of a scanned record's signature flipped" \
    "redemption $R2 of voucher 2: the terminal's signature does not verify" \
    "UPDATE redemption SET record_signature = X'$(flip "$SIG")' WHERE id = $R2"
check "... one failure, the others verified" grep -q \
    "^FAIL redemptions: 1 failure among 5 records" "$OUT/stdout"
SIG=$(q "SELECT hex(record_signature) FROM redemption WHERE id = $R3")
tampered "a byte of a typed record's signature flipped" \
    "redemption $R3 of voucher 3: the terminal's signature does not verify" \
    "UPDATE redemption SET record_signature = X'$(flip "$SIG")' WHERE id = $R3"
tampered "a typed record marked scanned" \
    "redemption $R3 of voucher 3: the terminal's signature does not verify" \
    "UPDATE redemption SET flags = flags & ~4 WHERE id = $R3"
tampered "a record's counter changed" \
    "redemption $R2 of voucher 2: the terminal's signature does not verify" \
    "UPDATE redemption SET counter = counter + 1 WHERE id = $R2"

# A receipt's Base64 with one character changed in its signature's part
# (well inside: the last characters hold padding bits).
ANS=$(q "SELECT answer FROM redemption WHERE id = $R2")
REC=$(printf '%s' "$ANS" | sed -n 's/.*"receipt":"\([^"]*\)".*/\1/p')
n=$(( ${#REC} - 20 ))
c=$(printf '%s' "$REC" | cut -c$n)
if [ "$c" = A ]; then r=B; else r=A; fi
BAD=$(printf '%s' "$REC" | cut -c1-$((n - 1)))$r$(printf '%s' "$REC" | cut -c$((n + 1))-)
check "the stored answer holds a receipt" test -n "$REC"
tampered "a byte of an accepted answer's receipt changed" \
    "redemption $R2 of voucher 2: the stored answer's receipt does not verify" \
    "UPDATE redemption SET answer = replace(answer, '$REC', '$BAD') WHERE id = $R2"
ANS=$(q "SELECT answer FROM redemption WHERE id = $R1C")
REC=$(printf '%s' "$ANS" | sed -n 's/.*"receipt":"\([^"]*\)".*/\1/p')
c=$(printf '%s' "$REC" | cut -c$n)
if [ "$c" = A ]; then r=B; else r=A; fi
BAD=$(printf '%s' "$REC" | cut -c1-$((n - 1)))$r$(printf '%s' "$REC" | cut -c$((n + 1))-)
tampered "a byte of a conflict answer's receipt changed" \
    "redemption $R1C of voucher 1: the stored answer's receipt does not verify" \
    "UPDATE redemption SET answer = replace(answer, '$REC', '$BAD') WHERE id = $R1C"
tampered "an answer swapped for another redemption's" \
    "redemption $R2 of voucher 2: the stored answer's receipt is another redemption's" \
    "UPDATE redemption SET answer = (SELECT answer FROM redemption WHERE id = $R3) WHERE id = $R2"
tampered "an answer without its receipt" \
    "redemption $R2 of voucher 2: the stored answer holds no receipt" \
    "UPDATE redemption SET answer = '{}' WHERE id = $R2"

done_testing
