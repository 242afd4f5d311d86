#!/bin/sh
# bench_terminal_rss.sh -- passnum-terminal scan's peak resident memory, beside the floor of its libraries.
#
#   bench/bench_terminal_rss.sh BUILD_DIR
#
# In one run, on loopback: passnumd with demo data over https (a
# certificate of a CA made by certs/make-dev-certs.sh; BENCH_TLS=0: plain
# http), a venue, a terminal enrolled with passnum-terminal enrol --ca and
# a session opened with passnum-terminal session open; then four days of
# passnum-terminal scan,
# each taking BENCH_VOUCHERS (default 200) vouchers one a line on standard
# input, as a USB scanner types them:
#   1. online, on a new terminal;
#   2. online, starting with the first day's receipts sent back for the
#      server to confirm (POST /api/v1/terminal/receipts);
#   3. offline (passnumd stopped): every voucher taken offline;
#   4. online again, starting with the third day's records sent
#      (POST /api/v1/redemptions/batch) and their receipts.
# Each scan's input is a pipe held open until its last verdict is printed:
# then its /proc/PID/status and /proc/PID/smaps are read (what is resident,
# mapping by mapping); /usr/bin/time gives its peak (ru_maxrss, the VmHWM
# at its exit).
#
# Baselines, measured the same way in the same run: /bin/true (what any
# process costs here: the loader and libc), and bench_terminal_floor,
# linked as the terminal is, doing the least of what a scan asks of each
# library (libsodium, a SQLite database in WAL, a JSON document, one GET
# /healthz with libcurl, over https when the scans are): the floor no code
# of the terminal's own can go below.
#
# Prints each day's peak, and for the highest one its resident memory by
# kind: heap and other anonymous memory (the terminal's own), the binary,
# the journal's files, and each shared library. Exits 1 when a scan's peak
# is 8 MB (8192 kB) or more, or when a voucher was not accepted; 2 when the
# setup fails.
set -eu
build=$(cd "$1" && pwd)
n=${BENCH_VOUCHERS:-200}
tls=${BENCH_TLS:-1}
src=$(cd "$(dirname "$0")/.." && pwd)
limit_kb=8192
dir=$(mktemp -d)
pid=
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
admin="$build/bin/passnum-admin"
terminal="$build/bin/passnum-terminal"
floor="$build/bench/bench_terminal_floor"
cfg="$dir/data/passnumd.ini"
t="$dir/terminal"

if ldd "$terminal" | grep -q libasan; then
	echo "bench_terminal_rss: $terminal is built with AddressSanitizer: no figure"
	exit 2
fi
[ -x "$floor" ] || { echo "bench_terminal_rss: $floor missing (make bench builds it)"; exit 2; }

# start: passnumd in the background, its address in $url.
start() {
	: >"$dir/log"
	"$build/bin/passnumd" --config "$cfg" >"$dir/log" 2>&1 &
	pid=$!
	i=0
	until grep -q "listening on" "$dir/log"; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$dir/log"; exit 2; }; sleep 0.1
	done
	url=$(sed -n 's/.*listening on \(https*:[^ ]*\)\/$/\1/p' "$dir/log")
}
stop() { kill "$pid"; wait "$pid" || true; pid=; }

# The server, a venue, a programme whose booklets of 50 may go whole to one
# session.
"$admin" init --data "$dir/data" --demo --port 0 >/dev/null
token=$(sed -n 's/^caseworker API token: //p' "$dir/data/demo-credentials.txt")
programme=$("$admin" programme add --config "$cfg" --name bench \
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
ca=
if [ "$tls" != 0 ]; then
	sh "$src/certs/make-dev-certs.sh" "$dir/ca" >/dev/null
	ca=$dir/ca/ca.pem
	sed -i "s|^\[server\]$|[server]\ntls_cert = $dir/ca/server.pem\ntls_key = $dir/ca/server.key|" "$cfg"
fi
start
# Restarted after the offline day where the terminal was told it is.
sed -i "s/^port = 0$/port = ${url##*:}/" "$cfg"

# The terminal as a venue sets it up: enrolled, a session opened.
"$terminal" enrol --server "$url" --code "$code" --data "$t" \
    --label bench ${ca:+--ca "$ca"} >/dev/null
"$terminal" session open --theme 1 --duration 600 --data "$t" \
    >"$dir/session.out"
session=$(sed -n 's/^séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$dir/session.out")
[ -n "$session" ] || { cat "$dir/session.out"; exit 2; }
mkdir "$dir/booklets"
seq 1 $(( (4 * n + 49) / 50 )) | xargs -P 2 -I{} curl -s ${ca:+--cacert "$ca"} \
    -o "$dir/booklets/{}.json" -H "Authorization: Bearer $token" \
    -d "{\"programme\": $programme, \"beneficiary\": {\"ref\": \"B-{}\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}" \
    "$url/api/v1/booklets"
cat "$dir"/booklets/*.json | grep -o '"code":"PN1:[^"]*"' |
    sed 's/"code":"//; s/"$//' | head -n $((4 * n)) >"$dir/codes"
[ "$(wc -l <"$dir/codes")" -eq $((4 * n)) ] ||
    { echo "bench_terminal_rss: could not issue the vouchers"; exit 2; }
for d in 1 2 3 4; do
	sed -n "$(( (d - 1) * n + 1 )),$((d * n))p" "$dir/codes" >"$dir/day$d.codes"
done

# peak CMD...: the peak resident memory of CMD in kB (ru_maxrss).
peak() {
	/usr/bin/time -f %M -o "$dir/peak" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$dir/peak"
}

# scan NAME: passnum-terminal scan of $dir/NAME.codes. Leaves in
# $dir/NAME.status and .smaps its /proc files at its last verdict, in
# .peak its ru_maxrss (kB), in .out its output, in .rc its exit status
# and in .secs the time its codes took.
scan() {
	rm -f "$dir/in" "$dir/$1.pid"
	mkfifo "$dir/in"
	/usr/bin/time -f %M -o "$dir/$1.peak" \
	    sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$dir/$1.pid" \
	    "$terminal" scan --data "$t" --session "$session" \
	    <"$dir/in" >"$dir/$1.out" 2>"$dir/$1.err" &
	spid=$!
	exec 3>"$dir/in"
	i=0
	until [ -s "$dir/$1.pid" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || exit 2; sleep 0.05
	done
	tpid=$(cat "$dir/$1.pid")
	# The desk is open once its session is printed.
	i=0
	until grep -q '^séance : ' "$dir/$1.out"; do
		i=$((i + 1))
		[ $i -lt 600 ] || { cat "$dir/$1.out" "$dir/$1.err"; exit 2; }
		sleep 0.05
	done
	t0=$(date +%s.%N)
	cat "$dir/$1.codes" >&3
	i=0
	until [ "$(grep -c '^ACCEPTÉ\|^REFUSÉ\|^ERREUR' "$dir/$1.out")" -ge "$n" ]; do
		i=$((i + 1))
		[ $i -lt 2400 ] || { echo "bench_terminal_rss: $1: the scan did not finish"; cat "$dir/$1.out" "$dir/$1.err"; exit 2; }
		sleep 0.05
	done
	awk "BEGIN { print $(date +%s.%N) - $t0 }" >"$dir/$1.secs"
	cp "/proc/$tpid/status" "$dir/$1.status"
	cp "/proc/$tpid/smaps" "$dir/$1.smaps"
	exec 3>&-
	rc=0
	wait "$spid" || rc=$?
	spid=
	echo "$rc" >"$dir/$1.rc"
}

echo "bench_terminal_rss: $(nproc) CPUs, passnum-terminal scan of $n vouchers a day, 4 days, ${url%%:*} on loopback"
true_kb=$(peak /bin/true)
floor_kb=$(peak "$floor" "$url/healthz" "$dir" ${ca:+"$ca"})
scan day1
scan day2
stop
scan day3
start
scan day4
accepted=$(sqlite3 "$dir/data/passnum.db" \
    "SELECT count(*) FROM redemption WHERE outcome = 'accepted'")
worst=day1
for d in day2 day3 day4; do
	[ "$(tail -n 1 "$dir/$d.peak")" -le "$(tail -n 1 "$dir/$worst.peak")" ] ||
	    worst=$d
done
for d in day1 day2 day3 day4; do
	printf '%s %s %s %s %s\n' "$d" "$(tail -n 1 "$dir/$d.peak")" \
	    "$(cat "$dir/$d.secs")" "$(cat "$dir/$d.rc")" \
	    "$(grep -c '^ACCEPTÉ' "$dir/$d.out" || true)"
done >"$dir/days"

awk -v n="$n" -v bin="$terminal" -v tk="$true_kb" -v fk="$floor_kb" \
    -v limit="$limit_kb" -v worst="$worst" -v acc="$accepted" '
BEGIN {
	what["day1"] = "online, new terminal"
	what["day2"] = "online, day 1 receipts sent back first"
	what["day3"] = "offline, passnumd stopped"
	what["day4"] = "online, day 3 records synced first"
}
FILENAME ~ /days$/ { peak[$1] = $2; secs[$1] = $3; rc[$1] = $4; took[$1] = $5; next }
FILENAME ~ /status$/ && /^(VmHWM|VmRSS|RssAnon|RssFile):/ { s[substr($1, 1, length($1) - 1)] = $2; next }
FILENAME ~ /smaps$/ && $1 ~ /^[0-9a-f]+-[0-9a-f]+$/ {
	path = NF >= 6 ? $6 : ""
	if (path == bin) kind = "binary"
	else if (path == "[heap]") kind = "heap"
	else if (path == "") kind = "anonymous"
	else if (path == "[stack]") kind = "stack"
	else if (path ~ /\.so[.0-9]*$/) { kind = "lib"; lib = path; sub(/.*\//, "", lib) }
	else if (path ~ /^\[/) kind = "kernel"
	else kind = "files"
	next
}
FILENAME ~ /smaps$/ && $1 == "Rss:" {
	k[kind] += $2
	if (kind == "lib") l[lib] += $2
	next
}
END {
	printf "  /bin/true                                     peak %6d kB\n", tk
	printf "  bench_terminal_floor (the libraries, one GET) peak %6d kB\n", fk
	for (d = 1; d <= 4; d++) {
		x = "day" d
		printf "  scan day %d, %-38s peak %6d kB (floor %+d kB), %d vouchers taken in %.1f s\n", d, what[x], peak[x], peak[x] - fk, took[x], secs[x]
	}
	printf "  day %s, at its last verdict: VmHWM %d kB, resident %d kB (anonymous %d, files %d)\n", substr(worst, 4), s["VmHWM"], s["VmRSS"], s["RssAnon"], s["RssFile"]
	printf "    heap                                %6d kB\n", k["heap"]
	printf "    other anonymous memory              %6d kB\n", k["anonymous"]
	printf "    stack                               %6d kB\n", k["stack"]
	printf "    binary (passnum-terminal)           %6d kB\n", k["binary"]
	printf "    journal files                       %6d kB\n", k["files"]
	printf "    vdso                                %6d kB\n", k["kernel"]
	printf "    shared libraries                    %6d kB\n", k["lib"]
	cmd = "sort -k2 -nr"
	for (x in l) if (l[x] > 0) printf "      %-34s%6d kB\n", x, l[x] | cmd
	close(cmd)
	printf "  accepted by the server: %d of %d\n", acc, 4 * n
	miss = ""
	top = peak[worst]
	if (top >= limit) miss = miss sprintf(" peak %d kB >= %d kB (the libraries alone: %d kB);", top, limit, fk)
	for (x in rc) if (rc[x] != 0 || took[x] != n) bad = 1
	if (bad || acc != 4 * n) miss = miss " vouchers not accepted;"
	if (miss == "") { print "bench_terminal_rss: all targets met"; exit 0 }
	print "bench_terminal_rss: TARGET MISSED:" miss; exit 1
}' "$dir/days" "$dir/$worst.status" "$dir/$worst.smaps"
