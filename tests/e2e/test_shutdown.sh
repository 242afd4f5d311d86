# test_shutdown.sh -- SIGTERM leaves the database file whole: after the
# requests in flight, passnumd checkpoints the WAL and closes every
# connection, so the database copied without its WAL holds the last booklet.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
PID=

start() { passnumd_start "$D/passnumd.ini"; }
trap 'passnumd_stop' EXIT

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
DB="$D/passnum.db"
check "passnumd starts" start

issue() {
	call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "S-'"$1"'", "pathway": "other", "age_band": "45-64", "commune": "Nantes"}}'
	sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$OUT/body"
}
issue 1 >/dev/null
last=$(issue 2)
check "a booklet is issued (201)" test "$code" = 201 -a -n "$last"
check "while the server runs, the WAL holds writes" test -s "$DB-wal"

passnumd_stop
check "SIGTERM stops the server with status 0" test "$status" = 0
check "the WAL is gone or empty after SIGTERM" \
    sh -c "test ! -s '$DB-wal'"
check "the log says the database was checkpointed" \
    grep -q "msg=checkpointed" "$OUT/server.log"
mkdir -p "$OUT/copy"
cp "$DB" "$OUT/copy/passnum.db"
check "the database alone holds the last booklet ($last)" test "$(sqlite3 \
    "$OUT/copy/passnum.db" "SELECT count(*) FROM booklet WHERE id = $last")" = 1
check "... with its 10 vouchers" test "$(sqlite3 "$OUT/copy/passnum.db" \
    "SELECT count(*) FROM voucher WHERE booklet_id = $last")" = 10
check "the copy is sound" \
    test "$(sqlite3 "$OUT/copy/passnum.db" 'PRAGMA integrity_check')" = ok

check "passnumd restarts on the same database" start
call GET "/api/v1/booklets/$last" "$TOKEN"
check "the booklet is served after the restart" test "$code" = 200
passnumd_stop

done_testing
