# test_commit_pipeline.sh -- online redemptions wait for the committer, not
# on a thread: with one server thread, many terminals' redemptions share
# each commit; no answer leaves before its commit, even when passnumd is
# stopped in the middle; a client that hangs up while its redemption waits
# loses nothing and stops nothing.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
trap 'passnumd_stop' EXIT

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
P=$("$ADMIN" programme add --config "$CFG" --name pipeline \
    --face-value 1000 --per-booklet 50 --validity year-end+31 \
    --territory pipeline --budget 100000000 |
    sed -n 's/^programme \([0-9]*\):.*/\1/p')
"$ADMIN" programme rules --config "$CFG" --id "$P" --max-per-session 50 \
    >/dev/null
venue_add "$CFG" 21440143200015 "Médiathèque de Rezé"
# One thread serves every connection: under the old group commit, where a
# thread waited for the commit holding its write, each commit held one.
sed -i 's/^threads = .*/threads = 1/' "$CFG"
check "passnumd starts with threads = 1" passnumd_start "$CFG"

api_enrol 21440143200015 "$OUT/device.key"
check "a terminal is enrolled" test -n "$TERM_ID"
SESSION=00112233445566778899aabbccddeeff
api_session "$OUT/device.key" "$TERM_ID" "$SESSION"
check "a session is declared (201)" test "$code" = 201

mkdir -p "$OUT/booklets"
for b in $(seq 1 20); do
	call POST /api/v1/booklets "$TOKEN" '{"programme": '"$P"', "beneficiary": {"ref": "PIPE-'"$b"'", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
	cp "$OUT/body" "$OUT/booklets/$b.json"
done
cat "$OUT"/booklets/*.json | grep -o '"code":"PN1:[^"]*"' |
    sed 's/"code":"//; s/"$//' >"$OUT/codes"
check "1000 vouchers are issued" test "$(wc -l <"$OUT/codes")" = 1000
head -n 300 "$OUT/codes" >"$OUT/first"
sed -n '301,500p' "$OUT/codes" >"$OUT/second"
sed -n '501,1000p' "$OUT/codes" >"$OUT/third"

metric() {
	curl -s "$URL/metrics" | sed -n "s/^$1 //p"
}
load() {
	"$BUILD/tools/pn-redeemload" --url "$URL" --key "$OUT/device.key" \
	    --terminal "$TERM_ID" --session "$SESSION" --codes "$1" \
	    --connections 32 --out "$2"
}

# --- Many redemptions share a commit, whatever the thread count -----------
commits0=$(metric passnum_commits_total)
writes0=$(metric passnum_commit_writes_total)
load "$OUT/first" "$OUT/first.out" >"$OUT/first.summary"
commits=$(( $(metric passnum_commits_total) - commits0 ))
writes=$(( $(metric passnum_commit_writes_total) - writes0 ))
check "300 redemptions from 32 connections are all accepted (200)" \
    grep -q "status_200 300 " "$OUT/first.summary"
check "... 300 writes reached the committer" test "$writes" = 300
echo "# $writes writes in $commits commits, on one server thread"
check "... in at most 240 commits: one thread does not make one commit a write" \
    test "$commits" -le 240
check "... and the database holds the 300" test "$(sqlite3 "$DB" \
    "SELECT count(*) FROM redemption WHERE outcome = 'accepted'")" = 300

# --- A client that hangs up while its redemption waits -----------------
# 32 connections whose clients go away at once: each write is still made
# (or refused) whole, and the server goes on answering.
sh -c 'timeout -s KILL 0.08 "$@" >/dev/null 2>&1' hangup \
    "$BUILD/tools/pn-redeemload" --url "$URL" --key "$OUT/device.key" \
    --terminal "$TERM_ID" --session "$SESSION" --codes "$OUT/second" \
    --connections 32 2>/dev/null
check "passnumd survives clients hanging up while they wait" kill -0 "$PID"
call GET /healthz ""
check "... and answers the next request (200)" test "$code" = 200
check "... the database is sound" \
    test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok
gone=$(( $(sqlite3 "$DB" "SELECT count(*) FROM redemption") - 300 ))
echo "# $gone of 200 redemptions written for clients that hung up"

# --- SIGTERM while redemptions wait: no answer before its commit --------
load "$OUT/third" "$OUT/third.out" >"$OUT/third.summary" 2>&1 &
LOAD=$!
sleep 0.2
passnumd_stop
wait "$LOAD"
check "SIGTERM during the load stops the server with status 0" \
    test "$status" = 0
awk '$2 == 200 { print $3 }' "$OUT/third.out" >"$OUT/third.accepted"
answered=$(wc -l <"$OUT/third.accepted")
echo "# $answered of 500 redemptions answered 200 before the stop"
check "some redemptions were answered 200 before the stop" \
    test "$answered" -gt 0
missing=0
for id in $(cat "$OUT/third.accepted"); do
	n=$(sqlite3 "$DB" "SELECT count(*) FROM redemption WHERE \
	    lower(hex(redemption_id)) = '$id' AND outcome = 'accepted'")
	[ "$n" = 1 ] || missing=$((missing + 1))
done
check "every redemption answered 200 is in the database ($answered)" \
    test "$missing" = 0
check "the database is sound after the stop" \
    test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok
check "the log says the database was checkpointed" \
    grep -q "msg=checkpointed" "$OUT/server.log"

done_testing
