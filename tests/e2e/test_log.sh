# test_log.sh -- passnumd's log on stderr: one logfmt line per request with
# its id, route pattern, status and time; a store failure logged with its
# cause and not told to the client; the level; and, after a whole scenario
# (logins, a booklet issued, a terminal enrolled, a voucher redeemed typed
# with its control key), none of the secrets in the log.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
VKEY="$BUILD/tools/pn-voucherkey"
SIRET=21440143200015
IBAN=FR7630006000011234567890189
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null' EXIT
LOG="$OUT/server.log"

# A line of the log for request id $1 (from X-Request-Id).
line_of() { grep "req=$1 " "$LOG" | grep ' route=' | head -1; }
# The X-Request-Id header of the last curl -D "$OUT/headers".
rid() { sed -n 's/^X-Request-Id: \([0-9a-f]*\).*/\1/ip' "$OUT/headers" | tr -d '\r'; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
venue_add "$CFG" "$SIRET" "Médiathèque de Rezé"
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
PW_CW=$(password_of caseworker)
PW_ADMIN=$(password_of admin)
check "passnumd starts" passnumd_start "$CFG"
check "it logs its start-up in logfmt" \
    grep -q '^time=[0-9T:.-]*Z level=info msg=started ' "$LOG"

# --- One line per request -------------------------------------------------
call GET /healthz ""
R=$(rid)
check "a reply carries an X-Request-Id of 16 hex digits" \
    sh -c "echo '$R' | grep -qx '[0-9a-f]\{16\}'"
sleep 0.2
L=$(line_of "$R")
echo "# $L"
check "its line: level, method, route, status, ms, role" sh -c "echo '$L' |
    grep -q 'level=info req=$R method=GET route=/healthz status=200 ms=[0-9.]* role=- '"

# A booklet's page by id: the route pattern, not the URL.
curl -s -D "$OUT/headers" -o "$OUT/body" -H "Authorization: Bearer $TOKEN" \
    --data-binary '{"programme": 1, "beneficiary": {"ref": "DOSSIER-7731-XK", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
    "$URL/api/v1/booklets" >/dev/null
check "a booklet is issued" grep -q '"code":"PN1:' "$OUT/body"
cp "$OUT/body" "$OUT/booklet.json"
BID=$(grep -o '"id":[0-9]*' "$OUT/booklet.json" | head -1 | cut -d: -f2)
sleep 0.2
check "the issue's line names the role (caseworker)" sh -c "line_of() { grep \"req=\$1 \" '$LOG'; }; line_of '$(rid)' |
    grep -q 'method=POST route=/api/v1/booklets status=201 .*role=caseworker'"
call GET "/api/v1/booklets/$BID" "$TOKEN"
sleep 0.2
check "a booklet fetched by id is logged as /api/v1/booklets/{}" \
    sh -c "grep 'req=$(rid) ' '$LOG' | grep -q 'route=/api/v1/booklets/{} status=200'"
call GET /nowhere/12345 ""
sleep 0.2
check "an unknown URL is logged as route=other, with its error code" \
    sh -c "grep 'req=$(rid) ' '$LOG' | grep -q 'route=other status=404 .*code=1001'"
check "no line names the raw URL" sh -c "! grep -q 'nowhere' '$LOG'"
check "the error page carries the request id" \
    grep -q "<code>$(rid)</code>" "$OUT/body"
# A caseworker on a venue's page: refused with a French page.
curl -s -D "$OUT/headers" -o "$OUT/page" -H "Authorization: Bearer $TOKEN" \
    "$URL/lieu" >/dev/null
check "a French error page shows its request id" \
    grep -q "Référence de la requête.*$(rid)" "$OUT/page"

# --- A whole scenario, then no secret in the log --------------------------
# Logins: API and page.
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary \
    "{\"login\": \"caseworker\", \"password\": \"$PW_CW\"}" "$URL/api/v1/login"
curl -s -o /dev/null --data-urlencode "login=admin" \
    --data-urlencode "password=$PW_ADMIN" "$URL/connexion"
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary \
    '{"login": "caseworker", "password": "Wrong-Password-Zq81"}' \
    "$URL/api/v1/login"
# A terminal enrolled, a session, a voucher redeemed typed by hand.
ECODE=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET 2>/dev/null)
PK=$("$SIGN" keygen "$OUT/t.key")
curl -s -o "$OUT/body" --data-binary \
    "{\"code\":\"$ECODE\",\"public_key\":\"$PK\",\"label\":\"Accueil\"}" \
    "$URL/api/v1/terminals/enrol"
check "a terminal is enrolled" grep -q '"terminal":1,' "$OUT/body"
S1=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":120}' \
    "$S1" "$(date +%s)" >"$OUT/session.json"
"$SIGN" headers "$OUT/t.key" 1 POST /api/v1/sessions "$OUT/session.json" >"$OUT/h"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' -H @"$OUT/h" \
    --data-binary @"$OUT/session.json" "$URL/api/v1/sessions")
check "a session is declared: 201" test "$code" = 201
grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"PN1:[^"]*"' \
    "$OUT/booklet.json" >"$OUT/vouchers"
SERIAL=$(sed -n '1s/"serial":\([0-9]*\),.*/\1/p' "$OUT/vouchers")
CODE=$(sed -n '1s/.*"code":"\([^"]*\)"/\1/p' "$OUT/vouchers")
KEY=$("$VKEY" "$CODE")
"$SIGN" record "$OUT/t.key" 1 "$S1" "PNK1:$SERIAL:$(echo "$KEY" | tr -d -)" \
    >"$OUT/r.json"
"$SIGN" headers "$OUT/t.key" 1 POST /api/v1/redemptions "$OUT/r.json" >"$OUT/h"
code=$(curl -s -D "$OUT/headers" -o "$OUT/body" -w '%{http_code}' \
    -H @"$OUT/h" --data-binary @"$OUT/r.json" "$URL/api/v1/redemptions")
check "a voucher typed with its control key is redeemed: 200" test "$code" = 200
sleep 0.2
check "the redemption's line: route, status and role=terminal" \
    sh -c "grep 'req=$(rid) ' '$LOG' | grep -q 'method=POST route=/api/v1/redemptions status=200 .*role=terminal'"
# The same voucher scanned, by the QR text: refused, and logged.
"$SIGN" record "$OUT/t.key" 1 "$S1" "$CODE" >"$OUT/r2.json"
"$SIGN" headers "$OUT/t.key" 1 POST /api/v1/redemptions "$OUT/r2.json" >"$OUT/h"
curl -s -o /dev/null -H @"$OUT/h" --data-binary @"$OUT/r2.json" \
    "$URL/api/v1/redemptions"
sleep 0.3

found=""
for secret in "$PW_CW" "$PW_ADMIN" Wrong-Password-Zq81 "$TOKEN" "$ECODE" \
    DOSSIER-7731-XK "$KEY" "$(echo "$KEY" | tr -d -)" "$IBAN" \
    "FR76 3000" "$CODE" "${CODE#PN1:}" "$S1"; do
	[ -n "$secret" ] || continue
	grep -qF -- "$secret" "$LOG" && found="$found [$secret]"
done
while read -r v; do
	c=$(echo "$v" | sed 's/.*"code":"PN1:\([^"]*\)"/\1/')
	p=$(echo "$v" | sed 's/.*"printed":"\([^"]*\)".*/\1/')
	grep -qF -- "$c" "$LOG" && found="$found [voucher $c]"
	grep -qF -- "$p" "$LOG" && found="$found [printed $p]"
done <"$OUT/vouchers"
echo "# $(grep -c ' route=' "$LOG") request lines in the log"
check "no password, token, enrolment code, file reference, control key, IBAN or voucher code in the log${found:+:$found}" \
    test -z "$found"
check "the log has a line for each request of the scenario (12)" \
    test "$(grep -c ' route=' "$LOG")" -ge 12

# --- A store failure: logged with its cause, not told to the client --------
passnumd_stop
check "it logs its shutdown" grep -q 'level=info msg=stopped' "$LOG"
sed -i 's/^threads = .*/threads = 1/' "$CFG"
grep -q '^threads' "$CFG" || sed -i 's/^\[server\]/[server]\nthreads = 1/' "$CFG"
check "passnumd starts again (one thread)" passnumd_start "$CFG"
# The database is swapped for a file that is not one before the worker
# thread opens its connection (at its first request).
mv "$DB" "$DB.real"
rm -f "$DB-wal" "$DB-shm"
head -c 8192 /dev/urandom >"$DB"
call GET /healthz ""
R=$(rid)
sleep 0.2
check "a broken database: 503" test "$code" = 503
check "with code 1008 and the request id" \
    grep -q "\"code\":1008,.*\"request_id\":\"$R\"" "$OUT/body"
check "the client is told neither the database path nor SQLite's text" \
    sh -c "! grep -qi 'passnum.db\|sqlite\|not a database\|$D' '$OUT/body'"
check "the log has the cause at level error, with the request id" \
    sh -c "grep 'level=error req=$R ' '$LOG' | grep -q 'code=1008 msg=.*passnum.db'"
echo "# $(grep "level=error req=$R " "$LOG")"
passnumd_stop
mv "$DB.real" "$DB"

# --- The level: error keeps the request lines out --------------------------
printf '\n[log]\nlevel = error\n' >>"$CFG"
check "passnumd starts with [log] level = error" passnumd_start "$CFG"
call GET /healthz ""
sleep 0.2
check "no request line at level error" sh -c "! grep -q ' route=' '$LOG'"
passnumd_stop
sed -i 's/^level = error/level = loud/' "$CFG"
run "$BUILD/bin/passnumd" --config "$CFG"
said 1 "[log] level: expected debug, info, warn or error, got 'loud'" \
    "an unknown level is refused, naming the key"
check "no sanitizer report in the server log" \
    sh -c "! grep -qi 'sanitizer' '$LOG'"
done_testing
