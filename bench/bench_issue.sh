#!/bin/sh
# bench_issue.sh -- booklet issuance through HTTP, beside its baselines.
#
#   bench/bench_issue.sh BUILD_DIR
#
# In one run, on loopback: the bare server answering GET /healthz (wrk),
# POST /api/v1/booklets of 10 vouchers with durable commits at 32
# connections (wrk, a new person per request), and the raw rate of the
# store's sign-and-insert without HTTP. Prints booklets/s, vouchers/s,
# p50/p99 and the ratios; exits 1 when a target is missed.
set -eu
build=$1
seconds=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-32}
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$build/bin/passnum-admin" init --data "$dir/data" --demo --port 0 >/dev/null
token=$(sed -n 's/^caseworker API token: //p' "$dir/data/demo-credentials.txt")
programme=$("$build/bin/passnum-admin" programme add \
    --config "$dir/data/passnumd.ini" --name bench --face-value 1000 \
    --per-booklet 10 --validity year-end+31 --territory bench \
    --budget 1000000000000 | sed -n 's/^programme \([0-9]*\):.*/\1/p')
"$build/bin/passnumd" --config "$dir/data/passnumd.ini" >"$dir/log" 2>&1 &
pid=$!
i=0
until grep -q "listening on" "$dir/log"; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$dir/log"; exit 2; }; sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/$/\1/p' "$dir/log")

echo "bench_issue: $(nproc) CPUs, $conns connections, ${seconds}s per figure"
wrk -t2 -c"$conns" -d"$seconds"s --latency "$url/healthz" >"$dir/healthz"
healthz=$(awk '/^Requests\/sec/ {print $2}' "$dir/healthz")
TOKEN=$token PROGRAMME=$programme wrk -t2 -c"$conns" -d"$seconds"s \
    -s "$(dirname "$0")/issue.lua" "$url" >"$dir/issue"
booklets=$(awk '/^Requests\/sec/ {print $2}' "$dir/issue")
p50=$(awk '/^wrk-latency-us/ {print $3}' "$dir/issue")
p99=$(awk '/^wrk-latency-us/ {print $5}' "$dir/issue")
errors=$(sed -n 's/^wrk: [0-9]* requests, \([0-9]*\) errors.*/\1/p' "$dir/issue")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
raw=$("$build/bench/bench_issue_store" "$dir" "$seconds" | awk '{print $2}')

awk -v h="$healthz" -v b="$booklets" -v p50="$p50" -v p99="$p99" \
    -v raw="$raw" -v e="$errors" 'BEGIN {
	printf "  bare server GET /healthz      %9.0f req/s\n", h
	printf "  raw store sign+insert        %9.0f booklets/s  %9.0f vouchers/s\n", raw, raw * 10
	printf "  HTTP POST /api/v1/booklets   %9.0f booklets/s  %9.0f vouchers/s\n", b, b * 10
	printf "    latency p50 %.2f ms, p99 %.2f ms; errors %d\n", p50 / 1000, p99 / 1000, e
	printf "    ratio to raw store %.2f (target >= 0.50); to bare server %.3f\n", b / raw, b / h
	miss = ""
	if (b * 10 < 10000) miss = miss " vouchers/s < 10000;"
	if (p99 / 1000 >= 20) miss = miss " p99 >= 20 ms;"
	if (b / raw < 0.5) miss = miss " ratio to raw < 0.50;"
	if (e > 0) miss = miss " errors;"
	if (miss == "") { print "bench_issue: all targets met"; exit 0 }
	print "bench_issue: TARGET MISSED:" miss; exit 1
}'
