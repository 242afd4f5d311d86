# test_healthz_disk.sh -- /healthz tells a database that cannot be written:
# on a small tmpfs filled to the last byte, a failed write makes it 503
# (code 1008) at once and for 30 seconds unless a write succeeds; with no
# write for 30 seconds, its own write probe finds the disk full; once space
# is freed it is 200 again. Needs root (mount).
. "$(dirname "$0")/lib.sh"

MNT="$OUT/mnt"
D="$MNT/data"
PID=
mkdir -p "$MNT"
cleanup() {
	passnumd_stop
	mountpoint -q "$MNT" && umount "$MNT"
}
trap cleanup EXIT

if ! mount -t tmpfs -o size=16m,mode=700 tmpfs "$MNT" 2>/dev/null; then
	echo "ok 1 # SKIP cannot mount a tmpfs (needs root)"
	echo "1..1"
	exit 0
fi
"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
check "passnumd starts on a 16 MiB tmpfs" passnumd_start "$D/passnumd.ini"

n=0
issue() {
	n=$((n + 1))
	call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "H-'"$n"'", "pathway": "other", "age_band": "45-64", "commune": "Nantes"}}'
}
fill() { dd if=/dev/zero of="$MNT/fill" bs=64k 2>/dev/null; sync; }
healthz() { call GET /healthz ""; }

healthz
check "/healthz is 200 at start" test "$code" = 200
issue
check "a booklet is issued (201)" test "$code" = 201

fill
issue
check "with the disk full, issuing fails with 503 ($code)" test "$code" = 503
healthz
check "/healthz is 503 at once after a failed write" test "$code" = 503
check "... with the JSON error of code 1008" grep -q '"code":1008' "$OUT/body"
check "... and the cause in the log" grep -q "route=/healthz code=1008.*database or disk is full" "$OUT/server.log"

rm -f "$MNT/fill"
healthz
check "/healthz stays 503 within 30 s of the failure, space freed or not" test "$code" = 503
issue
check "issuing works again once space is freed (201)" test "$code" = 201
healthz
check "/healthz is 200 at once after that write" test "$code" = 200

# No failed write this time: only the probe, after 30 s without a write,
# finds the disk full.
fill
sleep 31
healthz
check "after 30 s without a write, the probe finds the disk full (503)" test "$code" = 503
# The probe's own failure, not the one remembered ("... s ago").
check "... naming the cause in the log" sh -c "grep level=error '$OUT/server.log' |
    tail -n 1 | grep -q 'route=/healthz code=1008 .*cannot be written: .*database or disk is full\"\$'"
rm -f "$MNT/fill"
sleep 31
healthz
check "30 s after the failure, with space freed, the probe makes it 200" test "$code" = 200
healthz
check "... and it stays 200 (answered from the probe's commit)" test "$code" = 200

passnumd_stop
check "SIGTERM stops the server with status 0" test "$status" = 0
done_testing
