#!/bin/sh
# bench_settle.sh -- passnum-admin audit over a million vouchers, and a month's settlement, beside raw Ed25519.
#
#   bench/bench_settle.sh BUILD_DIR
#
# Generates a département's year (bench_settle_gen: BENCH_SETTLE_VOUCHERS
# vouchers, default 1,000,000, all redeemed last month at 2,000 venues),
# then times, with /usr/bin/time for the peak resident memory:
#   - passnum-admin audit, every check and every signature verified again;
#   - the baseline measured in the same run: raw crypto_sign_verify_detached
#     on one thread, and what verifying every signature the audit checks
#     (each voucher's, each redemption's record and receipt) costs at that
#     rate on all the CPUs, so that the audit's time has something to be
#     compared to;
#   - when this build has "passnum-admin settle": settle draft of last month
#     by alice, settle show (its alerts), settle approve by bob (four eyes,
#     acknowledging the alerts), then the audit again, now
#     over every settlement item; beside them, the baseline of SQLite alone
#     copying the accepted redemptions into a table (bench_settle_baseline
#     --copy).
# BENCH_KEEP_DB=DIR keeps the generated data in DIR and reuses it when DIR
# already holds it (settlement then runs on a copy, so DIR stays as made).
# Exits 1 when the audit takes more than 60 s per million vouchers and more
# than 1.25 times the time its signatures alone take on all the CPUs.
set -eu
build=$1
n=${BENCH_SETTLE_VOUCHERS:-1000000}
admin="$build/bin/passnum-admin"
gen="$build/bench/bench_settle_gen"
baseline="$build/bench/bench_settle_baseline"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
month=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)

# calc EXPR DECIMALS: EXPR computed by awk, printed with DECIMALS places.
calc() { awk "BEGIN { printf \"%.$2f\", $1 }"; }

# timed NAME CMD...: run CMD, its output in $tmp/NAME.out; sets $secs and
# $peak_mb (peak resident memory, "?" without /usr/bin/time).
timed() {
	name=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$tmp/$name.time" "$@" \
		    >"$tmp/$name.out" 2>&1 && st=0 || st=$?
		secs=$(cut -d' ' -f1 "$tmp/$name.time" | tail -n 1)
		peak_mb=$(awk '{ printf "%.0f", $2 / 1024 }' "$tmp/$name.time" | tail -n 1)
	else
		t0=$(date +%s.%N)
		"$@" >"$tmp/$name.out" 2>&1 && st=0 || st=$?
		secs=$(calc "$(date +%s.%N) - $t0" 1)
		peak_mb="?"
	fi
	return $st
}

if [ -n "${BENCH_KEEP_DB:-}" ] && [ -f "$BENCH_KEEP_DB/passnum.db" ]; then
	data=$BENCH_KEEP_DB
	echo "bench_settle: reusing $data ($(sed -n 's/^; made by bench_settle_gen: //p' "$data/passnumd.ini"))"
	month=$(sed -n 's/^; made by .* redeemed in \([0-9-]*\)$/\1/p' "$data/passnumd.ini")
else
	data=${BENCH_KEEP_DB:-$tmp/data}
	echo "bench_settle: generating $n vouchers, all redeemed in $month, in $data"
	"$gen" "$data" --vouchers "$n" --month "$month"
fi
n=$(sed -n 's/^; made by bench_settle_gen: \([0-9]*\) vouchers.*/\1/p' "$data/passnumd.ini")
cpus=$(nproc)
echo "bench_settle: $cpus CPUs, $(du -sh "$data/passnum.db" | cut -f1) database"

# The baseline: one thread's rate of raw Ed25519 verification, times the
# signatures the audit verifies: each voucher's, and for each redemption
# the terminal's record and the server's stored receipt.
rate=$("$baseline" --verify 3 | sed -n 's/^raw-verify-per-s //p')
redemptions=$(sqlite3 "$data/passnum.db" "SELECT count(*) FROM redemption")
sigs=$((n + 2 * redemptions))
base_all=$(calc "$sigs / ($rate * $cpus)" 1)
base_one=$(calc "$sigs / $rate" 1)
echo "  baseline: raw Ed25519 verify $rate /s on one thread: $sigs signatures ($n vouchers, $redemptions redemptions x 2) take $base_all s on $cpus CPUs ($base_one s on one)"

rc=0
if timed audit "$admin" audit --config "$data/passnumd.ini"; then
	verdict="everything holds"
else
	verdict="FAILED"
	rc=1
fi
sig=$(sed -n '/ signatures: /s/.*(\([0-9]*\) threads, \([0-9.]*\) s)$/\2 s on \1 threads/p' "$tmp/audit.out")
ratio=$(calc "$secs / $base_all" 2)
echo "  audit: $secs s, peak $peak_mb MB ($verdict); signatures $sig; ratio to the raw baseline on $cpus CPUs $ratio"
if [ "$verdict" = FAILED ]; then
	grep -A3 '^FAIL' "$tmp/audit.out" | head -20 | sed 's/^/    /'
fi
# The target: 60 s per million vouchers, or, where the signatures alone
# take longer on this machine's CPUs, within 1.25 times that floor.
per_million=$(calc "$secs * 1000000 / $n" 1)
floor_million=$(calc "$base_all * 1000000 / $n" 1)
if [ "$(calc "$per_million <= 60 || $secs <= 1.25 * $base_all" 0)" = 1 ]; then
	echo "  audit per million vouchers: $per_million s (target <= 60, or <= 1.25 x the signatures' floor of $floor_million s)  ok"
else
	echo "  audit per million vouchers: $per_million s (target <= 60, or <= 1.25 x the signatures' floor of $floor_million s)  MISSED"
	rc=1
fi

if ! "$admin" --help 2>/dev/null | grep -q '^  settle '; then
	echo "  settle: not built yet"
	exit $rc
fi
# Settlement changes the data: a kept set is settled on a copy.
work=$data
if [ -n "${BENCH_KEEP_DB:-}" ]; then
	work=$tmp/work
	cp -r "$data" "$work"
fi
cfg="$work/passnumd.ini"
# The settlement's baseline, measured in the same run: SQLite alone reading
# the accepted redemptions and writing each once, the least a draft does.
set -- $("$baseline" --copy "$work/passnum.db" | sed -n 's/^raw-copy-s //p')
copy_secs=$1
echo "  baseline: SQLite copies the $2 accepted redemptions into a table in $copy_secs s"
# settle asks the person --as names for their password, on standard input.
password_of() { sed -n "s/^$1 password: //p" "$work/bench-credentials.txt"; }
if timed draft "$admin" settle draft --config "$cfg" --period "$month" \
    --as alice <<EOF
$(password_of alice)
EOF
then
	ref=$(grep -o "PN-$month-[0-9]*" "$tmp/draft.out" | head -n 1)
	echo "  settle draft $month (alice): $secs s, peak $peak_mb MB, batch ${ref:-?}"
	draft_secs=$secs draft_mb=$peak_mb
else
	echo "  settle draft $month failed:"
	sed 's/^/    /' "$tmp/draft.out" | head -10
	exit 1
fi
# The draft's alerts, as its page and "settle show" compute them: one pass
# over its items. The generated sessions hold 5 vouchers of one booklet, so
# that every venue has at least one alert: approval acknowledges them.
if timed show "$admin" settle show --config "$cfg" --batch "$ref"; then
	echo "  settle show $ref (lines, and the alerts of the draft): $secs s, peak $peak_mb MB, $(sed -n 's/^\([0-9]*\) alertes\{0,1\} sur ce lot.*/\1/p' "$tmp/show.out") alert(s)"
else
	echo "  settle show $ref failed:"
	sed 's/^/    /' "$tmp/show.out" | head -10
	rc=1
fi
if timed approve "$admin" settle approve --config "$cfg" --batch "$ref" \
    --as bob --acknowledge-alerts <<EOF
$(password_of bob)
EOF
then
	echo "  settle approve $ref (bob): $secs s, peak $peak_mb MB (the payment file, the mandate list and $(grep -c 'releve-' "$tmp/approve.out") statements)"
	both=$(calc "$draft_secs + $secs" 2)
	per_million=$(calc "$both * 1000000 / $n" 1)
	peak=$draft_mb
	[ "$peak_mb" != "?" ] && [ "$draft_mb" != "?" ] &&
	    [ "$peak_mb" -gt "$draft_mb" ] && peak=$peak_mb
	if [ "$(calc "$per_million <= 10" 0)" = 1 ] && [ "$peak" != "?" ] &&
	    [ "$peak" -le 200 ]; then
		verdict=ok
	else
		verdict=MISSED
		rc=1
	fi
	times="?"
	[ "$(calc "($copy_secs > 0)" 0)" = 1 ] && times=$(calc "$both / $copy_secs" 1)
	echo "  draft + approval (export) per million redemptions: $per_million s, peak $peak MB, $times times the baseline copy (targets <= 10 s, <= 200 MB)  $verdict"
else
	echo "  settle approve $ref failed:"
	sed 's/^/    /' "$tmp/approve.out" | head -10
	exit 1
fi
if timed audit2 "$admin" audit --config "$cfg"; then
	echo "  audit after approval: $secs s, peak $peak_mb MB (everything holds)"
else
	echo "  audit after approval: $secs s, peak $peak_mb MB (FAILED):"
	grep -A3 '^FAIL' "$tmp/audit2.out" | head -20 | sed 's/^/    /'
	rc=1
fi
exit $rc
