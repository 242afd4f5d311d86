# test_restore.sh -- passnum-admin restore: a backup taken while terminals
# redeem is put back into the stopped server, which then passes its audit
# and serves. Refused while passnumd runs, and for a backup whose audit
# chain or file is damaged; nothing changes then.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
SIRET=21440143200015

start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
trap 'stop; for p in $LOADS; do kill $p 2>/dev/null; done' EXIT
q() { sqlite3 "$1" "$2"; }
hex16() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 100 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET "Médiathèque de Rezé"
check "passnumd starts" start

: >"$OUT/codes"
i=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	curl -s -H "Authorization: Bearer $TOKEN" --data-binary \
	    '{"programme": 1, "beneficiary": {"ref": "R-'"$i"'", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
	    "$URL/api/v1/booklets"
	echo
done | grep -o '"code":"PN1:[^"]*"' | sed 's/"code":"//; s/"$//' >"$OUT/codes"
check "40 booklets: 400 vouchers" test "$(wc -l <"$OUT/codes")" = 400

# Four terminals, each with a session and 100 vouchers to redeem.
enrolled=0
for k in 0 1 2 3; do
	c=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET 2>/dev/null)
	pk=$("$SIGN" keygen "$OUT/t$k.key")
	printf '{"code":"%s","public_key":"%s","label":"Poste %s"}' "$c" "$pk" $k \
	    >"$OUT/enrol.json"
	curl -s -o "$OUT/body" --data-binary @"$OUT/enrol.json" \
	    "$URL/api/v1/terminals/enrol"
	eval "T$k=\$(sed -n 's/^{\"terminal\":\([0-9]*\),.*/\1/p' \"\$OUT/body\")"
	eval "S$k=\$(hex16)"
	eval "t=\$T$k s=\$S$k"
	printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":120}' \
	    "$s" "$(date +%s)" >"$OUT/session.json"
	"$SIGN" headers "$OUT/t$k.key" "$t" POST /api/v1/sessions \
	    "$OUT/session.json" >"$OUT/h"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' -H @"$OUT/h" \
	    --data-binary @"$OUT/session.json" "$URL/api/v1/sessions")
	[ "$code" = 201 ] && enrolled=$((enrolled + 1))
	sed -n "$((k * 100 + 1)),$((k * 100 + 100))p" "$OUT/codes" >"$OUT/c$k.codes"
done
check "4 terminals, each with a session" test $enrolled = 4

# --- A backup during the load --------------------------------------------------
LOADS=
for k in 0 1 2 3; do
	eval "t=\$T$k s=\$S$k"
	"$BUILD/tools/pn-redeemload" --url "$URL" --key "$OUT/t$k.key" \
	    --terminal "$t" --session "$s" --codes "$OUT/c$k.codes" \
	    --connections 1 --out "$OUT/load$k.out" >"$OUT/load$k.summary" &
	LOADS="$LOADS $!"
done
n=0
while [ "$(q "$DB" "SELECT count(*) FROM redemption")" -lt 20 ] && [ $n -lt 200 ]; do
	n=$((n + 1))
	sleep 0.05
done
expect 0 "backup written" "a backup while four terminals redeem" -- \
    "$ADMIN" backup --config "$CFG" --out "$OUT/during.db"
running=0
for p in $LOADS; do kill -0 $p 2>/dev/null && running=$((running + 1)); done
for p in $LOADS; do wait $p; done
LOADS=
IN_BACKUP=$(q "$OUT/during.db" "SELECT count(*) FROM redemption")
echo "# backup taken with $running load(s) still running; $IN_BACKUP redemptions in it"
check "the backup was taken while redemptions went on (some in it, not all)" \
    test "$IN_BACKUP" -gt 0 -a "$IN_BACKUP" -lt 400
check "every redemption was answered 200" test "$(cat "$OUT"/load?.out |
    awk '$2 == 200' | wc -l)" = 400

# --- Refusals ------------------------------------------------------------------
expect 1 "stop passnumd before restoring" "restore refuses while passnumd holds the database" -- \
    "$ADMIN" restore --config "$CFG" --from "$OUT/during.db"
check "it says nothing was changed" grep -qF "nothing was changed" "$OUT/stderr"
check "passnumd still serves" sh -c "curl -s -o /dev/null -w '%{http_code}' '$URL/healthz' | grep -qx 200"
stop
SUM=$(sqlite3 "$DB" "SELECT count(*) FROM redemption")
check "the live database holds all 400 redemptions" test "$SUM" = 400

cp "$OUT/during.db" "$OUT/forged.db"
q "$OUT/forged.db" "UPDATE audit_log SET detail = '{}' WHERE id = 2"
expect 1 "hash chain" "a backup whose audit log was altered is refused" -- \
    "$ADMIN" restore --config "$CFG" --from "$OUT/forged.db"
check "the database is unchanged" test "$(q "$DB" "SELECT count(*) FROM redemption")" = 400
check "nothing is left beside it" test -z "$(ls "$D" | grep -e restoring -e before-restore)"
head -c 8192 "$OUT/during.db" >"$OUT/cut.db"
expect 1 "refused" "a truncated backup is refused" -- \
    "$ADMIN" restore --config "$CFG" --from "$OUT/cut.db"
check "the database is unchanged" test "$(q "$DB" "SELECT count(*) FROM redemption")" = 400

# --- The restore ---------------------------------------------------------------
cp "$OUT/during.db" "$OUT/during.copy"
expect 0 "restored into" "restore puts the backup in place" -- \
    "$ADMIN" restore --config "$CFG" --from "$OUT/during.db"
check "the backup file itself is untouched" cmp -s "$OUT/during.db" "$OUT/during.copy"
check "the database has the backup's redemptions" \
    test "$(q "$DB" "SELECT count(*) FROM redemption")" = "$IN_BACKUP"
ASIDE=$(ls "$D" | grep 'passnum.db.before-restore-[0-9]*$')
check "the old database is kept aside" test -n "$ASIDE"
check "with its 400 redemptions" \
    test "$(q "$D/$ASIDE" "SELECT count(*) FROM redemption")" = 400
check "audit row store.restore" test "$(q "$DB" \
    "SELECT count(*) FROM audit_log WHERE action = 'store.restore'")" = 1
check "restore says the backup is older than the last checkpoint" grep -q \
    "the backup is older than the last checkpoint of $D/checkpoints.log" \
    "$OUT/stdout"
expect 1 "accepted redemption(s) missing" \
    "passnum-admin audit names what the backup lacks" -- \
    "$ADMIN" audit --config "$CFG"
check "passnumd starts on it" start
check "... raising an integrity alarm" test "$(q "$DB" "SELECT count(*)
    FROM integrity_alarm WHERE kind = 'checkpoint_gap'")" = 1
"$ADMIN" alarm ack --config "$CFG" --id 1 --as admin \
    --note "sauvegarde remise en place" <<<"$(password_of admin)" >/dev/null
expect 0 "" "once the alarm is acknowledged, the audit passes" -- \
    "$ADMIN" audit --config "$CFG"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    --data-binary '{"programme": 1, "beneficiary": {"ref": "R-after", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
    "$URL/api/v1/booklets")
check "and serves: a booklet is issued (201)" test "$code" = 201
# A voucher whose redemption came after the backup is redeemed again:
# the first of terminal 3's whose redemption_id the backup does not hold.
AGAIN=
while read -r idx st id what; do
	if [ "$(q "$DB" "SELECT count(*) FROM redemption
	    WHERE lower(hex(redemption_id)) = '$id'")" = 0 ]; then
		AGAIN=$((idx + 1))
		break
	fi
done <"$OUT/load3.out"
check "terminal 3 has a redemption the backup lacks" test -n "$AGAIN"
sed -n "${AGAIN:-1}p" "$OUT/c3.codes" >"$OUT/again.codes"
"$BUILD/tools/pn-redeemload" --url "$URL" --key "$OUT/t3.key" --terminal "$T3" \
    --session "$S3" --codes "$OUT/again.codes" --out "$OUT/again.out" >/dev/null
check "a terminal redeems on the restored server (200)" \
    test "$(awk '{ print $2 }' "$OUT/again.out")" = 200
stop
done_testing
