# test_modes.sh -- the data directory is 0700 and the database, its WAL and
# shared memory, and backups 0600, whatever the caller's umask; passnumd
# refuses a data directory that group or others can open. (Settlement
# exports: test_settle.sh.)
. "$(dirname "$0")/lib.sh"

trap 'passnumd_stop' EXIT

# mode FILE: its permission bits in octal, as stat prints them ("600").
mode() { stat -c %a "$1"; }

for u in 000 022; do
	D="$OUT/data-$u"
	umask $u
	"$ADMIN" init --data "$D" --port 0 >/dev/null
	check "umask $u: init makes the data directory 0700" \
	    test "$(mode "$D")" = 700
	check "umask $u: the database is 0600" test "$(mode "$D/passnum.db")" = 600
	check "umask $u: the configuration is 0600" \
	    test "$(mode "$D/passnumd.ini")" = 600
	"$ADMIN" backup --config "$D/passnumd.ini" --out "$OUT/backup-$u.db" \
	    >/dev/null
	check "umask $u: a backup is 0600" test "$(mode "$OUT/backup-$u.db")" = 600
	# The WAL and shared memory files exist while the server runs.
	check "umask $u: passnumd starts on a 0700 data directory" \
	    passnumd_start "$D/passnumd.ini"
	curl -s -o /dev/null "$URL/healthz"
	check "umask $u: the WAL is 0600" test "$(mode "$D/passnum.db-wal")" = 600
	check "umask $u: the shared memory file is 0600" \
	    test "$(mode "$D/passnum.db-shm")" = 600
	check "umask $u: the lock file is 0600" \
	    test "$(mode "$D/passnum.db.lock")" = 600
	passnumd_stop
done
umask 022

# A data directory opened to others (by hand, or by a copy made under umask
# 022) is refused, with the fix.
D="$OUT/data-022"
chmod 755 "$D"
expect 1 "chmod 700 $D" "passnumd refuses a 0755 data directory, naming the fix" -- \
    "$BUILD/bin/passnumd" --config "$D/passnumd.ini"
check "saying group or others can open it" \
    grep -qF "open to group or others (mode 0755)" "$OUT/stderr"
chmod 750 "$D"
expect 1 "mode 0750" "a 0750 data directory is refused as well" -- \
    "$BUILD/bin/passnumd" --config "$D/passnumd.ini"
chmod 700 "$D"
check "after chmod 700 it starts" passnumd_start "$D/passnumd.ini"
passnumd_stop

# A database elsewhere than the configuration: the directory checked is
# the database's.
mkdir -p "$OUT/etc" && mkdir -m 755 "$OUT/var"
printf '[server]\nport = 0\n\n[store]\npath = %s/var/passnum.db\n' "$OUT" \
    >"$OUT/etc/passnumd.ini"
expect 1 "$OUT/var: the data directory" "the directory checked is the database's" -- \
    "$BUILD/bin/passnumd" --config "$OUT/etc/passnumd.ini"
check "and nothing was created in it" test ! -e "$OUT/var/passnum.db"

done_testing
