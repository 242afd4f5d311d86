# test_server.sh -- passnumd starts, answers /healthz and /metrics, enforces
# its limits with the proper statuses, refuses unsafe set-ups, and stops
# cleanly on SIGTERM.
. "$(dirname "$0")/lib.sh"

PASSNUMD="$BUILD/bin/passnumd"
PID=

start() { passnumd_start "$1"; }
stop() { passnumd_stop; }
trap 'stop' EXIT

cat >"$OUT/passnumd.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
threads = 2
max_body = 2048
max_url = 300
max_conn_per_ip = 3
conn_timeout = 5

[store]
path = data/passnum.db
INI
mkdir -m 700 -p "$OUT/data"

check "passnumd starts on a free loopback port" start "$OUT/passnumd.ini"
check "it migrated the database" test -f "$OUT/data/passnum.db"

# http STATUS_FILE BODY_FILE CURL_ARGS...: status and body of a request.
http() {
	curl -s -o "$OUT/body" -w '%{http_code}' "$@" >"$OUT/code" 2>/dev/null
	code=$(cat "$OUT/code")
}

http "$URL/healthz"
check "GET /healthz answers 200" test "$code" = 200
check "healthz says ok and the schema version" \
    grep -q '"status":"ok","schema":[1-9]' "$OUT/body"
http -H 'Accept: application/json' "$URL/nowhere"
check "an unknown route answers 404" test "$code" = 404
check "with error code 1001 in JSON to a client asking for JSON" \
    grep -q '"code":1001' "$OUT/body"
http "$URL/nowhere"
check "outside /api/, a client asking for anything gets the French page" \
    grep -q '<h1>Page introuvable</h1>' "$OUT/body"
http -X POST "$URL/healthz"
check "a wrong method answers 405" test "$code" = 405
curl -s -D "$OUT/headers" -o /dev/null -X DELETE "$URL/healthz"
check "405 names the allowed methods" grep -qi '^Allow: GET' "$OUT/headers"
http "$URL/healthz?$(printf 'x%.0s' $(seq 1 400))"
check "a URL over max_url answers 414" test "$code" = 414
check "414 says the limit" grep -q 'at most 300' "$OUT/body"
head -c 5000 /dev/zero | tr '\0' a >"$OUT/big"
http -X POST --data-binary @"$OUT/big" "$URL/healthz"
check "a body over max_body answers 413" test "$code" = 413
check "413 carries code 1003" grep -q '"code":1003' "$OUT/body"
http -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$OUT/big" \
    "$URL/healthz"
check "a chunked body over max_body answers 413 too" test "$code" = 413

# Hold connections open from this address, then one more is refused.
exec 5<>/dev/tcp/127.0.0.1/"$PORT" 6<>/dev/tcp/127.0.0.1/"$PORT" \
    7<>/dev/tcp/127.0.0.1/"$PORT"
sleep 0.3
http "$URL/healthz"
check "a connection over max_conn_per_ip answers 429" test "$code" = 429
exec 5>&- 6>&- 7>&-
sleep 0.3
http "$URL/healthz"
check "and the server keeps serving once they close" test "$code" = 200

# A request whose body stalls past conn_timeout is cut off.
# The client keeps the connection open; only the server can end it, and
# the read below returns when it does (or after 25 s).
start_ts=$(date +%s)
exec 8<>/dev/tcp/127.0.0.1/"$PORT"
printf 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc' >&8
timeout 25 cat <&8 >/dev/null
exec 8>&-
elapsed=$(( $(date +%s) - start_ts ))
check "a stalled body is dropped after conn_timeout" test "$elapsed" -lt 12

http "$URL/metrics"
check "GET /metrics answers 200" test "$code" = 200
check "metrics count requests by route and status" \
    grep -q 'passnum_http_requests_total{route="/healthz",status="200"} [0-9]' "$OUT/body"
check "metrics count the 413s" \
    grep -q 'status="413"} 2' "$OUT/body"
check "metrics have a latency histogram" \
    grep -q 'passnum_http_request_duration_seconds_bucket{le="+Inf"}' "$OUT/body"
check "metrics count vouchers issued" \
    grep -q '^passnum_vouchers_issued_total 0' "$OUT/body"

# A second server on the same database is refused.
expect 1 "in use by another passnumd" "a second passnumd on the same database is refused" -- \
    "$PASSNUMD" --config "$OUT/passnumd.ini"

stop
check "SIGTERM stops the server with status 0" test "$status" = 0
check "it says it stopped" grep -q "passnumd: stopped" "$OUT/server.log"

# Unsafe set-ups are refused at start.
sed 's/^listen = 127.0.0.1/listen = 0.0.0.0/' "$OUT/passnumd.ini" >"$OUT/remote.ini"
expect 1 "plain HTTP is only served on loopback" "plain HTTP off loopback is refused" -- \
    "$PASSNUMD" --config "$OUT/remote.ini"
printf '[server]\nport = http\n' >"$OUT/bad.ini"
expect 1 "bad.ini:2" "a bad value names the file and line" -- \
    "$PASSNUMD" --config "$OUT/bad.ini"
"$ADMIN" keygen master --out "$OUT/keys/master" >/dev/null
"$ADMIN" keygen signing --master "$OUT/keys/master" --kid 1 \
    --valid-from 2026-01-01 --sign-until 2027-01-01 --verify-until 2027-03-01 \
    --out "$OUT/keys" >/dev/null
chmod 644 "$OUT/keys/signing-00001.key"
cp "$OUT/passnumd.ini" "$OUT/keyed.ini"
printf '\n[keys]\nsigning_key = keys/signing-00001.key\n' >>"$OUT/keyed.ini"
expect 1 "accessible to others" "a signing key readable by others is refused" -- \
    "$PASSNUMD" --config "$OUT/keyed.ini"
chmod 600 "$OUT/keys/signing-00001.key"
expect 1 "no [keys] trust_bundle" "a signing key without a trust bundle to check its certificate against is refused" -- \
    "$PASSNUMD" --config "$OUT/keyed.ini"
"$ADMIN" bundle --master "$OUT/keys/master" --certs "$OUT/keys" --seq 1 \
    --out "$OUT/keys/trust.bundle" --at 2026-06-01 >/dev/null 2>&1
printf 'trust_bundle = keys/trust.bundle\n' >>"$OUT/keyed.ini"
check "with mode 0600 and its bundle the server starts" start "$OUT/keyed.ini"
stop

# The certificate beside the key is checked against the bundle's master key.
CERT="$OUT/keys/signing-00001.cert"
cp "$CERT" "$OUT/good.cert"
cp "$OUT/keys/signing-00001.key" "$OUT/good.key"
# sign_until is 8 bytes (big-endian) at offset 8+2+32+8 = 50: flip a bit of
# its second lowest byte, 256 seconds, so the dates stay in order.
b=$(od -An -tu1 -j56 -N1 "$CERT" | tr -d ' ')
printf "\\$(printf %03o $((b ^ 1)))" |
    dd of="$CERT" bs=1 seek=56 conv=notrunc 2>/dev/null
check "the edited certificate differs from the signed one" \
    sh -c "! cmp -s '$CERT' '$OUT/good.cert'"
expect 1 "signing-00001.cert: certificate of kid 1 is not signed by the master key" \
    "an edited sign_until is refused, naming the certificate" -- \
    "$PASSNUMD" --config "$OUT/keyed.ini"
# A certificate of another key, renamed to kid 1's file.
"$ADMIN" keygen signing --master "$OUT/keys/master" --kid 2 \
    --valid-from 2026-01-01 --sign-until 2027-01-01 --verify-until 2027-03-01 \
    --out "$OUT/other" >/dev/null
cp "$OUT/other/signing-00002.cert" "$CERT"
expect 1 "signing-00001.cert: certificate of kid 2 does not match the signing key" \
    "the certificate of another key is refused" -- \
    "$PASSNUMD" --config "$OUT/keyed.ini"
# The same key certified by another master key.
"$ADMIN" keygen master --out "$OUT/master2" >/dev/null
mkdir -p "$OUT/req"
"$ADMIN" keygen signing --master "$OUT/master2" --kid 1 \
    --valid-from 2026-01-01 --sign-until 2027-01-01 --verify-until 2027-03-01 \
    --out "$OUT/req" >/dev/null
cp "$OUT/req/signing-00001.key" "$OUT/keys/signing-00001.key"
cp "$OUT/req/signing-00001.cert" "$CERT"
chmod 600 "$OUT/keys/signing-00001.key"
expect 1 "not signed by the master key of the trust bundle" \
    "a certificate signed by another master key is refused" -- \
    "$PASSNUMD" --config "$OUT/keyed.ini"
cp "$OUT/good.key" "$OUT/keys/signing-00001.key"
cp "$OUT/good.cert" "$CERT"
check "the untouched certificate and its key start" start "$OUT/keyed.ini"
stop

# HTTPS with the development CA of certs/.
sh "$(dirname "$0")/../../certs/make-dev-certs.sh" "$OUT/certs" >/dev/null
cp "$OUT/passnumd.ini" "$OUT/tls.ini"
sed -i 's/^listen = 127.0.0.1/listen = 127.0.0.1\ntls_cert = certs\/server.pem\ntls_key = certs\/server.key/' "$OUT/tls.ini"
check "passnumd starts with TLS" start "$OUT/tls.ini"
check "it announces https" grep -q "listening on https://" "$OUT/server.log"
http --cacert "$OUT/certs/ca.pem" "https://localhost:$PORT/healthz"
check "HTTPS /healthz answers 200 with the CA's certificate" test "$code" = 200
check "HSTS is sent under TLS" sh -c "curl -s -D - -o /dev/null --cacert '$OUT/certs/ca.pem' 'https://localhost:$PORT/healthz' | grep -qi '^Strict-Transport-Security'"
http "https://localhost:$PORT/healthz"
check "a client that does not trust the CA is refused" test "$code" = 000
stop

done_testing
