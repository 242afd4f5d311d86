#!/bin/sh
# run.sh -- run every test of the given builds, then the fuzz targets briefly.
#
#   tests/run.sh BUILD_DIR...
#
# Unit tests speak TAP (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP), and so do the
# end-to-end scripts; each "ok" line counts as passed and each "not ok" as
# failed. A program that dies without reporting a failure counts as one
# failure. Logs go to tests/out/. The last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-3}
passed=0
failed=0
out=tests/out
rm -rf "$out"
mkdir -p "$out"

# count LOG STATUS NAME: add the TAP results of LOG to the totals.
count() {
	p=$(grep -c '^ok ' "$1")
	f=$(grep -c '^not ok ' "$1")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $3 exited with status $2 (see $1)" >>"$1"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $3 ($p ok, $f not ok):"
		grep -B2 -A12 '^not ok' "$1" | sed 's/^/    /' | head -60
	else
		echo "ok   $3 ($p ok)"
	fi
}

for build in "$@"; do
	tag=$(basename "$build")
	mkdir -p "$out/$tag"
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		log="$out/$tag/$name.log"
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
		count "$log" $? "$tag/$name"
	done
	for s in tests/e2e/test_*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		log="$out/$tag/$name.log"
		BUILD="$build" OUT="$out/$tag/$name.d" bash "$s" >"$log" 2>&1
		count "$log" $? "$tag/$name"
	done
done

# Fuzz targets: a few seconds each on the committed seed corpus.
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	log="$out/$name.log"
	tests/fuzz/run.sh "$FUZZ_SMOKE_SECONDS" "$f" >"$log" 2>&1
	st=$?
	if [ $st -eq 0 ]; then echo "ok - $name" >>"$log"; fi
	count "$log" $st "fuzz/$name"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
