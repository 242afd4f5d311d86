#!/bin/sh
# bench_settle_load.sh -- redemptions while a month is approved, beside the same load without an approval.
#
#   bench/bench_settle_load.sh BUILD_DIR
#
# Generates a month (bench_settle_gen: BENCH_SETTLE_VOUCHERS vouchers,
# default 1,000,000, redeemed last month at 2,000 venues), drafts it, then
# starts passnumd on it (its default 4 threads) with a
# venue, a terminal, a session and fresh vouchers of its own, and in the
# same run sends signed POST /api/v1/redemptions at a steady rate
# (pn-redeemload --rate: an open load, each request timed from when it was
# due, so that a stalled server shows in every request that came due
# meanwhile):
#   - the baseline: BENCH_LOAD_SECONDS (default 20) of that load alone;
#   - the same load again, with "settle approve" of the month by bob
#     started a second in: the latency of the requests that came due while
#     the approval ran.
# Prints p50/p99 of both; exits 1 when the p99 during the approval is over
# twice the baseline's, or when a redemption was not accepted.
# BENCH_LOAD_RATE sets the rate (default 500 a second); BENCH_KEEP_DB=DIR
# keeps or reuses the generated data as bench_settle.sh does (the month is
# drafted and approved on a copy).
set -eu
build=$1
n=${BENCH_SETTLE_VOUCHERS:-1000000}
rate=${BENCH_LOAD_RATE:-500}
seconds=${BENCH_LOAD_SECONDS:-20}
admin="$build/bin/passnum-admin"
gen="$build/bench/bench_settle_gen"
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
month=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)

if [ -n "${BENCH_KEEP_DB:-}" ] && [ -f "$BENCH_KEEP_DB/passnum.db" ]; then
	data=$BENCH_KEEP_DB
	month=$(sed -n 's/^; made by .* redeemed in \([0-9-]*\)$/\1/p' "$data/passnumd.ini")
	echo "bench_settle_load: reusing $data ($(sed -n 's/^; made by bench_settle_gen: //p' "$data/passnumd.ini"))"
else
	data=${BENCH_KEEP_DB:-$tmp/data}
	echo "bench_settle_load: generating $n vouchers, all redeemed in $month, in $data"
	"$gen" "$data" --vouchers "$n" --month "$month" >/dev/null
fi
work=$tmp/work
cp -r "$data" "$work"
chmod 700 "$work"
cfg="$work/passnumd.ini"
password_of() { sed -n "s/^$1 password: //p" "$work/bench-credentials.txt"; }

t0=$(date +%s.%N)
"$admin" settle draft --config "$cfg" --period "$month" --as alice \
    >"$tmp/draft.out" 2>&1 <<EOF || { cat "$tmp/draft.out"; exit 2; }
$(password_of alice)
EOF
ref=$(grep -o "PN-$month-[0-9]*" "$tmp/draft.out" | head -n 1)
echo "  settle draft $month: $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }") s, batch $ref"

# The redemptions' side: a programme, a venue and its terminal of its own.
programme=$("$admin" programme add --config "$cfg" --name "charge" \
    --face-value 1000 --per-booklet 50 --validity year-end+31 \
    --territory bench --budget 1000000000000 |
    sed -n 's/^programme \([0-9]*\):.*/\1/p')
"$admin" programme rules --config "$cfg" --id "$programme" \
    --max-per-session 50 >/dev/null
"$admin" venue add --config "$cfg" --name "Médiathèque de Rezé" \
    --siret 21440143200015 --address "1 rue de la République" \
    --commune Rezé --iban FR7630006000011234567890189 --bic AGRIFRPP \
    --contact bench --accredited-from 2020-01-01 >/dev/null
code=$("$admin" terminal code --config "$cfg" --siret 21440143200015 2>/dev/null)
token=$("$admin" token create --config "$cfg" --login camille 2>/dev/null)
"$build/bin/passnumd" --config "$cfg" >"$tmp/log" 2>&1 &
pid=$!
i=0
until grep -q "listening on" "$tmp/log"; do
	i=$((i + 1)); [ $i -lt 300 ] || { cat "$tmp/log"; exit 2; }; sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/$/\1/p' "$tmp/log")
pk=$("$build/tools/pn-termsign" keygen "$tmp/device.key")
terminal=$(curl -sf -d "{\"code\":\"$code\",\"public_key\":\"$pk\",\"label\":\"charge\"}" \
    "$url/api/v1/terminals/enrol" | sed -n 's/.*"terminal":\([0-9]*\).*/\1/p')
session=00112233445566778899aabbccddeeff
printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":120}' \
    "$session" "$(date +%s)" >"$tmp/session.json"
"$build/tools/pn-termsign" headers "$tmp/device.key" "$terminal" \
    POST /api/v1/sessions "$tmp/session.json" >"$tmp/h"
curl -sf -H @"$tmp/h" --data-binary @"$tmp/session.json" \
    "$url/api/v1/sessions" >/dev/null
per_run=$(awk "BEGIN { printf \"%d\", $rate * $seconds }")
booklets=$(( (2 * per_run + 49) / 50 ))
mkdir "$tmp/booklets"
seq 1 "$booklets" | xargs -P 4 -I{} curl -s -o "$tmp/booklets/{}.json" \
    -H "Authorization: Bearer $token" \
    -d "{\"programme\": $programme, \"beneficiary\": {\"ref\": \"C-{}\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}" \
    "$url/api/v1/booklets"
cat "$tmp"/booklets/*.json | grep -o '"code":"PN1:[^"]*"' |
    sed 's/"code":"//; s/"$//' >"$tmp/codes"
[ "$(wc -l <"$tmp/codes")" -ge $((2 * per_run)) ] ||
    { echo "bench_settle_load: could not issue the vouchers"; exit 2; }
head -n "$per_run" "$tmp/codes" >"$tmp/base.codes"
sed -n "$((per_run + 1)),$((2 * per_run))p" "$tmp/codes" >"$tmp/load.codes"
echo "  $(nproc) CPUs; load: $rate redemptions/s for $seconds s at 64 connections, passnumd with 4 threads"

# load NAME: the steady load of NAME.codes; its times in NAME.times.
load() {
	"$build/tools/pn-redeemload" --url "$url" --key "$tmp/device.key" \
	    --terminal "$terminal" --session "$session" \
	    --codes "$tmp/$1.codes" --connections 64 --rate "$rate" \
	    --times "$tmp/$1.times" >"$tmp/$1.out"
}
# stats FILE FROM TO: "count p50 p99 not-accepted" of the requests of
# FILE (a --times file) due between FROM and TO (Unix ms).
stats() {
	awk -v from="$2" -v to="$3" '$1 >= from && $1 <= to {
		print $2; if ($3 != 200) bad++ } END { print "bad", bad + 0 }' \
	    "$1" | sort -n | awk '
		$1 == "bad" { bad = $2; next }
		{ v[n++] = $1 }
		END { if (n == 0) { print 0, 0, 0, bad; exit }
		    printf "%d %.2f %.2f %d\n", n, v[int(n / 2)],
		    v[int(n * 0.99)], bad }'
}
now_ms() { date +%s%3N; }

load base
set -- $(stats "$tmp/base.times" 0 99999999999999)
base_n=$1 base_p50=$2 base_p99=$3 base_bad=$4
echo "  without an approval: $base_n redemptions, p50 $base_p50 ms, p99 $base_p99 ms, not accepted $base_bad"

load load &
loader=$!
sleep 1
a0=$(now_ms)
"$admin" settle approve --config "$cfg" --batch "$ref" --as bob \
    --acknowledge-alerts >"$tmp/approve.out" 2>&1 <<EOF && ok=1 || ok=0
$(password_of bob)
EOF
a1=$(now_ms)
wait "$loader" || true
if [ "$ok" != 1 ]; then
	echo "  settle approve $ref failed:"
	sed 's/^/    /' "$tmp/approve.out" | head -10
	exit 1
fi
set -- $(stats "$tmp/load.times" "$a0" "$a1")
in_n=$1 in_p50=$2 in_p99=$3 in_bad=$4
set -- $(stats "$tmp/load.times" 0 99999999999999)
all_bad=$4
last=$(sort -n "$tmp/load.times" | tail -n 1 | cut -d' ' -f1)
echo "  during settle approve $ref ($(awk "BEGIN { printf \"%.1f\", ($a1 - $a0) / 1000 }") s, $(grep -c 'releve-' "$tmp/approve.out") statements): $in_n redemptions, p50 $in_p50 ms, p99 $in_p99 ms, not accepted $in_bad"
rc=0
[ "$(awk "BEGIN { print ($last < $a1) }")" = 1 ] &&
    echo "  (the load ended before the approval: raise BENCH_LOAD_SECONDS)"
ratio=$(awk "BEGIN { printf \"%.2f\", ($base_p99 > 0) ? ($in_p99 / $base_p99) : 0 }")
if [ "$(awk "BEGIN { print ($in_p99 <= 2 * $base_p99) }")" = 1 ]; then
	verdict=ok
else
	verdict=MISSED
	rc=1
fi
echo "  p99 during the approval / without: $ratio (target <= 2.00)  $verdict"
if [ "$base_bad" != 0 ] || [ "$all_bad" != 0 ]; then
	echo "  redemptions not accepted: $base_bad without, $all_bad with the approval  MISSED"
	rc=1
fi
exit $rc
