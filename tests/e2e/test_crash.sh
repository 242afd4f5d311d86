# test_crash.sh -- kill -9 passnumd during a burst of issuance, restart:
# every booklet it acknowledged is there whole, none is half-written, the
# database is sound and the audit chain holds; then tampering is caught.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
PID=

start() { passnumd_start "$D/passnumd.ini"; }
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null' EXIT

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
check "passnumd starts" start

# Eight clients issue booklets as fast as they can, keeping the ids the
# server acknowledged (201); the server is killed under them.
for c in 1 2 3 4 5 6 7 8; do
	(
		i=0
		while [ $i -lt 400 ]; do
			i=$((i + 1))
			body='{"programme": 1, "beneficiary": {"ref": "K-'$c-$i'", "pathway": "other", "age_band": "45-64", "commune": "Nantes"}}'
			out=$(curl -s -m 5 -w ' %{http_code}' -H "Authorization: Bearer $TOKEN" \
			    --data-binary "$body" "$URL/api/v1/booklets" 2>/dev/null) || break
			case $out in
			*' 201') printf '%s\n' "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p' \
			    >>"$OUT/acked.$c" ;;
			esac
		done
	) &
done
sleep 1
expect 0 "backup written" "passnum-admin backup copies the database during the burst" -- \
    "$ADMIN" backup --config "$D/passnumd.ini" --out "$OUT/backup.db"
check "the copy is sound" \
    test "$(sqlite3 "$OUT/backup.db" 'PRAGMA integrity_check')" = ok
check "the copy holds only whole booklets" test "$(sqlite3 "$OUT/backup.db" \
    "SELECT count(*) FROM booklet b WHERE (SELECT count(*) FROM voucher v
     WHERE v.booklet_id = b.id) != 10")" = 0
expect 1 "refusing to overwrite" "backup never overwrites a file" -- \
    "$ADMIN" backup --config "$D/passnumd.ini" --out "$OUT/backup.db"
sleep 1
kill -9 $PID
wait $PID 2>/dev/null
PID=
wait
acked=$(cat "$OUT"/acked.* 2>/dev/null | sort -n | uniq | wc -l)
check "booklets were acknowledged before the crash ($acked)" test "$acked" -gt 10

check "passnumd restarts on the same database" start
missing=0
for id in $(cat "$OUT"/acked.*); do
	n=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/booklets/$id" |
	    grep -o '"code":"PN1:' | wc -l)
	[ "$n" = 10 ] || missing=$((missing + 1))
done
check "every acknowledged booklet is there with its 10 vouchers" test "$missing" = 0
kill $PID; wait $PID 2>/dev/null; PID=

expect 0 "hash chain unbroken" "passnum-admin audit finds the database sound" -- \
    "$ADMIN" audit --config "$D/passnumd.ini"
check "integrity, chain, booklets and every money check hold" sh -c \
    "grep -q '^ok   booklets whole' '$OUT/stdout' && ! grep -q '^FAIL' '$OUT/stdout'"
check "no booklet is half-written" test "$(sqlite3 "$D/passnum.db" \
    "SELECT count(*) FROM booklet b WHERE (SELECT count(*) FROM voucher v
     WHERE v.booklet_id = b.id) != 10")" = 0

# Tampering is named.
sqlite3 "$D/passnum.db" "UPDATE audit_log SET detail = 'edited' WHERE id = 3"
expect 1 "audit row 3" "an edited audit row is found and named" -- \
    "$ADMIN" audit --config "$D/passnumd.ini"
sqlite3 "$D/passnum.db" "DELETE FROM voucher WHERE serial = 5"
expect 1 "vouchers expected 10, found 9" "a deleted voucher is found" -- \
    "$ADMIN" audit --config "$D/passnumd.ini"
check "and the booklet it belonged to is named" grep -q "booklet 1:" "$OUT/stdout"

done_testing
