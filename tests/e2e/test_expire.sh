# test_expire.sh -- passnum-admin expire: outstanding vouchers past their
# last day (tolerance included) and past the offline grace become
# "expired", once; the others are left alone; a second run writes nothing.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
q() { sqlite3 "$DB" "$1"; }
start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
trap stop EXIT

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
check "passnumd starts" start
for ref in E-1 E-2; do
	call POST /api/v1/booklets "$TOKEN" "{\"programme\": 1, \"beneficiary\": {\"ref\": \"$ref\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}"
done
check "two booklets: vouchers 1 to 20" test "$(q 'SELECT count(*) FROM voucher')" = 20
call POST /api/v1/vouchers/3/cancel "$TOKEN" '{"reason": "perdu"}'
check "voucher 3 is cancelled" test "$code" = 200

# Move the last days into the past: 1 to 5 ended 8 days ago (past the
# default offline grace of 7 days), 6 and 7 two days ago (within it), and
# 3, cancelled, long ago; 8 to 20 are still valid.
NOW=$(date +%s)
q "UPDATE voucher SET expires_at = $((NOW - 8 * 86400)) WHERE serial BETWEEN 1 AND 5;
   UPDATE voucher SET expires_at = $((NOW - 2 * 86400)) WHERE serial IN (6, 7);"
audit_rows() { q "SELECT count(*) FROM audit_log WHERE action = 'voucher.expire'"; }

expect 0 "4 voucher(s) expired (40,00" \
    "expire: the four outstanding vouchers past their day and the grace" -- \
    "$ADMIN" expire --config "$CFG"
check "1, 2, 4 and 5 are expired; 3 stays cancelled; 6 and 7 stay issued" \
    test "$(q "SELECT group_concat(serial || ':' || status, ' ') FROM
    (SELECT serial, status FROM voucher WHERE serial <= 8 ORDER BY serial)")" = \
    "1:expired 2:expired 3:cancelled 4:expired 5:expired 6:issued 7:issued 8:issued"
check "one audit row says how many and how much" test "$(q "SELECT detail
    FROM audit_log WHERE action = 'voucher.expire'" | cut -d, -f1,2)" = \
    '{"vouchers":4,"cents":4000'
expect 0 "0 voucher(s) expired" "expire again: nothing more" -- \
    "$ADMIN" expire --config "$CFG"
check "and no second audit row" test "$(audit_rows)" = 1

# What a caseworker sees of an expired voucher, and cannot do with it.
call GET /api/v1/vouchers/1 "$TOKEN"
check "the API shows voucher 1 as expired" grep -q '"status":"expired"' "$OUT/body"
call POST /api/v1/vouchers/1/cancel "$TOKEN" '{"reason": "trop tard"}'
check "an expired voucher cannot be cancelled: 409 (3009)" sh -c \
    "[ $code = 409 ] && grep -q '\"code\":3009' '$OUT/body'"
# The last days above were moved by SQL, under the vouchers' signatures:
# the audit finds those seven, and nothing else.
expect 1 "FAIL signatures: 7 of 20 vouchers do not verify" \
    "passnum-admin audit finds the seven expiry dates moved by SQL" -- \
    "$ADMIN" audit --config "$CFG"
check "and every other check holds" test "$(grep -c '^FAIL' "$OUT/stdout")" = 1

# A shorter grace, from the configuration: 6 and 7 go too.
printf '\n[redemption]\noffline_grace = 3600\n' >>"$CFG"
expect 0 "2 voucher(s) expired (20,00" \
    "with offline_grace = 3600, the two that ended two days ago expire" -- \
    "$ADMIN" expire --config "$CFG"
check "13 vouchers still outstanding (20, less 6 expired and 1 cancelled)" test "$(q "SELECT count(*) FROM voucher
    WHERE status = 'issued'")" = 13
expect 2 "usage" "expire without --config: usage error" -- "$ADMIN" expire
done_testing
