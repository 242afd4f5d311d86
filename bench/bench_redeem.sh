#!/bin/sh
# bench_redeem.sh -- durable online redemptions and batch sync, beside their baselines.
#
#   bench/bench_redeem.sh BUILD_DIR
#
# In one run, on loopback: the bare server answering GET /healthz (wrk),
# the raw rate of one-row SQLite transactions with synchronous=FULL (what
# a durable commit costs here), the crypto ceiling (two Ed25519
# verifications and one signature per redemption on every CPU: the most
# any server could judge here), signed POST /api/v1/redemptions at 64
# connections (pn-redeemload: each request and record signed by a
# terminal's key beforehand) with the share of CPU left idle meanwhile,
# the same again with 64 server threads instead of the default 4, and one
# POST /api/v1/redemptions/batch of 10,000 records. Prints the rates,
# p50/p99 and the ratios; exits 1 when a target is missed.
#
# A redemption's request is suspended while its write waits for the
# committer (store_sqlite_group.c): the rate must not depend on [server]
# threads, so the first figure is taken at the default (4) and the second
# at BENCH_THREADS_HIGH (64), which must not be much faster.
#
# BENCH_LOG_LEVEL sets passnumd's [log] level (default info: a line per
# request); error leaves the request lines out, to measure their cost.
set -eu
build=$1
conns=${BENCH_CONNECTIONS:-64}
online=${BENCH_REDEMPTIONS:-20000}
batch=${BENCH_BATCH:-10000}
seconds=${BENCH_SECONDS:-10}
threads=${BENCH_THREADS:-4}
threads_high=${BENCH_THREADS_HIGH:-64}
online_high=$((online / 2))
log_level=${BENCH_LOG_LEVEL:-info}
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
admin="$build/bin/passnum-admin"
cfg="$dir/data/passnumd.ini"

"$admin" init --data "$dir/data" --demo --port 0 >/dev/null
token=$(sed -n 's/^caseworker API token: //p' "$dir/data/demo-credentials.txt")
programme=$("$admin" programme add --config "$cfg" --name bench \
    --face-value 1000 --per-booklet 50 --validity year-end+31 \
    --territory bench --budget 1000000000000 |
    sed -n 's/^programme \([0-9]*\):.*/\1/p')
# Booklets of 50 go whole to one session: the rule allows it.
"$admin" programme rules --config "$cfg" --id "$programme" \
    --max-per-session 50 >/dev/null
sed -i "s/^threads = .*/threads = $threads/" "$cfg"
printf '\n[log]\nlevel = %s\n' "$log_level" >>"$cfg"
"$admin" venue add --config "$cfg" --name "Médiathèque de Rezé" \
    --siret 21440143200015 --address "1 rue de la République" \
    --commune Rezé --iban FR7630006000011234567890189 --bic AGRIFRPP \
    --contact bench --accredited-from 2020-01-01 >/dev/null
code=$("$admin" terminal code --config "$cfg" --siret 21440143200015 2>/dev/null)
"$build/bin/passnumd" --config "$cfg" >"$dir/log" 2>&1 &
pid=$!
i=0
until grep -q "listening on" "$dir/log"; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$dir/log"; exit 2; }; sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/$/\1/p' "$dir/log")

# A terminal, a session, and enough vouchers for both figures.
pk=$("$build/tools/pn-termsign" keygen "$dir/device.key")
curl -sf -d "{\"code\":\"$code\",\"public_key\":\"$pk\",\"label\":\"bench\"}" \
    "$url/api/v1/terminals/enrol" >/dev/null
session=00112233445566778899aabbccddeeff
printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":120}' \
    "$session" "$(date +%s)" >"$dir/session.json"
"$build/tools/pn-termsign" headers "$dir/device.key" 1 POST /api/v1/sessions \
    "$dir/session.json" >"$dir/h"
curl -sf -H @"$dir/h" --data-binary @"$dir/session.json" \
    "$url/api/v1/sessions" >/dev/null
booklets=$(( (online + online_high + batch) / 50 ))
# Each answer to its own file: answers written to one pipe by parallel
# requests could interleave.
mkdir "$dir/booklets"
seq 1 "$booklets" | xargs -P 4 -I{} curl -s -o "$dir/booklets/{}.json" \
    -H "Authorization: Bearer $token" \
    -d "{\"programme\": $programme, \"beneficiary\": {\"ref\": \"B-{}\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}" \
    "$url/api/v1/booklets"
cat "$dir"/booklets/*.json | grep -o '"code":"PN1:[^"]*"' |
    sed 's/"code":"//; s/"$//' >"$dir/codes"
head -n "$online" "$dir/codes" >"$dir/online"
sed -n "$((online + 1)),$((online + online_high))p" "$dir/codes" >"$dir/online_high"
tail -n "$batch" "$dir/codes" >"$dir/batch"
[ "$(wc -l <"$dir/codes")" -eq $((online + online_high + batch)) ] ||
    { echo "bench_redeem: could not issue the vouchers"; exit 2; }

# The share of CPU time idle (or waiting for the disk) between two
# readings of /proc/stat's first line.
cpu_ticks() { awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6; exit }' /proc/stat; }

echo "bench_redeem: $(nproc) CPUs, $conns connections, $threads then $threads_high server threads, $online + $online_high online redemptions, a batch of $batch"
wrk -t2 -c"$conns" -d"$seconds"s "$url/healthz" >"$dir/healthz"
healthz=$(awk '/^Requests\/sec/ {print $2}' "$dir/healthz")
raw=$("$build/bench/bench_sqlite_tx" "$dir" "$seconds" | awk '{print $2}')
ceiling=$("$build/bench/bench_crypto_ceiling" "$seconds" | awk '{print $2}')
before=$(cpu_ticks)
"$build/tools/pn-redeemload" --url "$url" --key "$dir/device.key" \
    --terminal 1 --session "$session" --codes "$dir/online" \
    --connections "$conns" >"$dir/online.out"
after=$(cpu_ticks)
idle=$(echo "$before $after" | awk '{ printf "%.1f", 100 * ($4 - $2) / ($3 - $1) }')
"$build/tools/pn-redeemload" --url "$url" --key "$dir/device.key" \
    --terminal 1 --session "$session" --codes "$dir/batch" --batch \
    >"$dir/batch.out"

# The same server with many threads: the rate must not depend on them.
kill "$pid"; wait "$pid" 2>/dev/null || true
sed -i "s/^threads = .*/threads = $threads_high/" "$cfg"
"$build/bin/passnumd" --config "$cfg" >"$dir/log" 2>&1 &
pid=$!
i=0
until grep -q "listening on" "$dir/log"; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$dir/log"; exit 2; }; sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/$/\1/p' "$dir/log")
"$build/tools/pn-redeemload" --url "$url" --key "$dir/device.key" \
    --terminal 1 --session "$session" --codes "$dir/online_high" \
    --connections "$conns" >"$dir/online_high.out"
accepted=$(sqlite3 "$dir/data/passnum.db" \
    "SELECT count(*) FROM redemption WHERE outcome = 'accepted'")

awk -v h="$healthz" -v raw="$raw" -v ceil="$ceiling" -v idle="$idle" \
    -v acc="$accepted" -v want=$((online + online_high + batch)) \
    -v th="$threads" -v thh="$threads_high" '
function field(line, name,   i, n, a) {
	n = split(line, a, " ")
	for (i = 1; i < n; i++) if (a[i] == name) return a[i + 1]
	return 0
}
FNR == 1 && FILENAME ~ /online.out$/ { on = $0 }
FNR == 1 && FILENAME ~ /online_high.out$/ { hi = $0 }
FNR == 1 && FILENAME ~ /batch.out$/ { ba = $0 }
END {
	rate = field(on, "rate"); p50 = field(on, "p50_ms"); p99 = field(on, "p99_ms")
	bad = field(on, "other") + field(on, "failed") + field(on, "status_409")
	hrate = field(hi, "rate"); hp99 = field(hi, "p99_ms")
	bad += field(hi, "other") + field(hi, "failed") + field(hi, "status_409")
	bsec = field(ba, "seconds"); brate = field(ba, "rate")
	printf "  bare server GET /healthz          %9.0f req/s\n", h
	printf "  raw SQLite one-row durable tx     %9.0f tx/s\n", raw
	printf "  crypto ceiling (2 verify + 1 sign on every CPU) %9.0f redemptions/s\n", ceil
	printf "  HTTP POST /api/v1/redemptions     %9.0f redemptions/s (signed, durable, %d threads)\n", rate, th
	printf "    latency p50 %.2f ms, p99 %.2f ms; not accepted %d; CPU idle %.1f %%\n", p50, p99, bad, idle
	printf "    ratio to raw durable tx %.2f (target >= 1.00); to crypto ceiling %.2f (target >= 0.50); to bare server %.3f\n", rate / raw, rate / ceil, rate / h
	printf "  the same with %d threads          %9.0f redemptions/s, p99 %.2f ms (%.2f x the rate at %d)\n", thh, hrate, hp99, hrate / rate, th
	printf "  POST /api/v1/redemptions/batch    %9.3f s for the batch, %.0f records/s (target < 1 s)\n", bsec, brate
	printf "  accepted in the database          %9d of %d\n", acc, want
	miss = ""
	if (rate < raw) miss = miss " online rate < raw durable tx;"
	if (rate < 0.5 * ceil) miss = miss " online rate < 0.5 x crypto ceiling;"
	if (p99 >= 10) miss = miss " p99 >= 10 ms;"
	if (idle >= 10) miss = miss " CPU idle >= 10 %;"
	if (hrate > 1.25 * rate) miss = miss " the rate depends on the thread count;"
	if (bsec >= 1) miss = miss " batch >= 1 s;"
	if (bad > 0 || acc != want) miss = miss " redemptions not accepted;"
	if (miss == "") { print "bench_redeem: all targets met"; exit 0 }
	print "bench_redeem: TARGET MISSED:" miss; exit 1
}' "$dir/online.out" "$dir/online_high.out" "$dir/batch.out"
