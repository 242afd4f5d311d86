# test_door.sh -- limits at the door: slow clients, big bodies from unknown
# terminals, bytes in flight and conflicting Content-Length headers, against
# the real passnumd on loopback.
#
# Each attack is bounded in time and in connections; door_attack.py sends it.
. "$(dirname "$0")/lib.sh"

ATTACK="$(dirname "$0")/door_attack.py"
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null' EXIT

mkdir -p "$OUT/data"
chmod 700 "$OUT/data"
cat >"$OUT/passnumd.ini" <<'INI'
[server]
listen = 127.0.0.1
port = 0
threads = 2
max_connections = 100
max_conn_per_ip = 8
conn_timeout = 20
header_timeout = 3
max_body = 65536
max_in_flight_per_ip = 65536
max_in_flight = 131072

[redemption]
max_batch_body = 65536

[store]
path = data/passnum.db
INI

check "passnumd starts" passnumd_start "$OUT/passnumd.ini"

# ms_from ADDRESS PATH: milliseconds to answer a GET from that source
# address; the status in $code.
ms_from() {
	out=$(curl -s -o /dev/null --max-time 10 --interface "$1" \
	    -w '%{http_code} %{time_total}' "$URL$2")
	code=${out% *}
	ms=$(echo "${out#* }" | awk '{ printf "%d", $1 * 1000 }')
}

# --- Slow clients: 150 connections (more than max_connections) from one
# address, each trickling header lines and never ending them. ---
python3 "$ATTACK" slow "$PORT" 150 8 >"$OUT/slow.out" 2>&1 &
slow_pid=$!
sleep 1.5
worst=0
all_ok=1
for i in 1 2 3 4 5; do
	ms_from 127.0.0.2 /healthz
	[ "$code" = 200 ] || all_ok=0
	[ "$ms" -gt "$worst" ] && worst=$ms
	sleep 0.5
done
echo "# slow attack: worst latency from 127.0.0.2 over 5 requests: ${worst} ms"
check "during 150 slow connections from 127.0.0.1, 127.0.0.2 is answered 200" \
    test "$all_ok" = 1
check "... within 1 s each (worst ${worst} ms)" \
    test "$all_ok" = 1 -a "$worst" -lt 1000
wait "$slow_pid"
echo "# $(cat "$OUT/slow.out")"
opened=$(sed -n 's/.*opened=\([0-9]*\).*/\1/p' "$OUT/slow.out")
at_end=$(sed -n 's/.*open_at_end=\([0-9]*\).*/\1/p' "$OUT/slow.out")
check "the server kept at most max_conn_per_ip + 1 of them open" \
    test "${at_end:-999}" -le 9

# The slow connections closed, the server lets 127.0.0.1 in again (it
# may take a moment to see them gone, longer under ASan).
i=0
while ms_from 127.0.0.1 /healthz; [ "$code" != 200 ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
check "once they are gone, 127.0.0.1 is served again" test "$code" = 200

# A connection that sends part of its headers and then nothing is closed
# after header_timeout (3 s), not conn_timeout (20 s). The write is in a
# subshell: were the connection refused, SIGPIPE would end only that.
start_ts=$(date +%s)
exec 8<>/dev/tcp/127.0.0.1/"$PORT"
(printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&8) 2>/dev/null
timeout 25 cat <&8 >/dev/null
exec 8>&-
elapsed=$(( $(date +%s) - start_ts ))
check "headers left unfinished are dropped after header_timeout (${elapsed} s)" \
    test "$elapsed" -lt 8
ms_from 127.0.0.1 /healthz
check "and the server still serves 127.0.0.1" test "$code" = 200

# --- Big bodies from a terminal that does not exist: answered from the
# headers, before the body is read. ---
# The batch route's limit is raised for this part: 16 MiB, the default.
passnumd_stop
sed -i 's/^max_batch_body = .*/max_batch_body = 16777216/; s/^max_in_flight_per_ip = .*/max_in_flight_per_ip = 33554432/; s/^max_in_flight = .*/max_in_flight = 134217728/; s/^max_conn_per_ip = .*/max_conn_per_ip = 64/' \
    "$OUT/passnumd.ini"
check "passnumd starts with 16 MiB batches" passnumd_start "$OUT/passnumd.ini"
python3 "$ATTACK" bigbody "$PORT" "$PID" 40 16 >"$OUT/big.out" 2>&1
echo "# big bodies: $(cat "$OUT/big.out")"
before=$(sed -n 's/.*rss_before_kb=\([0-9]*\).*/\1/p' "$OUT/big.out")
peak=$(sed -n 's/.*rss_peak_kb=\([0-9]*\).*/\1/p' "$OUT/big.out")
check "40 requests of 16 MiB with made-up terminal headers are all answered" \
    grep -q 'answered=40 codes=401 ' "$OUT/big.out"
check "the server's resident memory grows by less than 16 MiB (${before} -> ${peak} kB)" \
    test $(( ${peak:-999999} - ${before:-0} )) -lt 16384
check "the server's resident memory stays under 64 MiB" \
    test "${peak:-999999}" -lt 65536
grep -q 'route=/api/v1/redemptions/batch status=401 .*code=4002' \
    "$OUT/server.log"
check "the log shows them refused as an unknown terminal (4002)" test $? = 0
passnumd_stop

# --- Bytes in flight per address: with 64 KiB allowed, a body held open
# by one connection leaves no room for a second one. ---
sed -i 's/^max_batch_body = .*/max_batch_body = 65536/; s/^max_in_flight_per_ip = .*/max_in_flight_per_ip = 65536/; s/^max_in_flight = .*/max_in_flight = 131072/' \
    "$OUT/passnumd.ini"
check "passnumd starts with 64 KiB in flight per address" \
    passnumd_start "$OUT/passnumd.ini"
python3 "$ATTACK" hold "$PORT" 30000 60000 >/dev/null 2>&1 &
hold_pid=$!
sleep 0.5
head -c 40000 /dev/zero | tr '\0' a >"$OUT/40k"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' --max-time 10 \
    --data-binary @"$OUT/40k" "$URL/healthz")
check "a second body from the same address is refused 503" test "$code" = 503
check "with code 1010" grep -q '"code":1010' "$OUT/body"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' --max-time 10 \
    --interface 127.0.0.2 --data-binary @"$OUT/40k" "$URL/healthz")
check "another address still has room (405, the body was read)" \
    test "$code" = 405
kill "$hold_pid" 2>/dev/null
wait "$hold_pid" 2>/dev/null
sleep 0.3
code=$(curl -s -o "$OUT/body" -w '%{http_code}' --max-time 10 \
    --data-binary @"$OUT/40k" "$URL/healthz")
check "once the held body is gone, the address has room again" \
    test "$code" = 405

# --- Two different Content-Length headers. ---
printf 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde' |
    python3 "$ATTACK" raw "$PORT" >"$OUT/two-cl" 2>&1
check "two different Content-Length headers are refused 400" \
    grep -q '^HTTP/1.1 400' "$OUT/two-cl"
check "with code 1009" grep -q '"code":1009' "$OUT/two-cl"
ms_from 127.0.0.1 /healthz
check "the server still serves" test "$code" = 200

passnumd_stop
check "passnumd stops cleanly" test "$status" = 0
check "no sanitizer report in the server log" \
    sh -c "! grep -qi 'sanitizer' '$OUT/server.log'"
done_testing
