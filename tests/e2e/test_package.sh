# test_package.sh -- "make install" and "make deb": the Debian package
# builds, holds the three programs, their man pages, the systemd units and
# the default configuration, owned by root and not writable by others; its
# maintainer scripts create the user and the 0700 data directory and
# enable the units; lintian finds no error or warning; the units pass
# "systemd-analyze verify"; the packaged configuration, once
# "passnum-admin init" has run, starts the packaged passnumd.
#
# The package is built from the sources (release binaries), not from
# $BUILD: under the ASan build the script skips, once is enough. It is
# built in $OUT (scripts/deb.sh copies the sources there), never
# installed.
. "$(dirname "$0")/lib.sh"

case $(basename "$BUILD") in
asan)
	echo "1..0 # SKIP the package is built once, from the release build's run"
	exit 0
	;;
esac
TOP=$(cd "$(dirname "$0")/../.." && pwd)
trap 'passnumd_stop' EXIT

# --- make install -------------------------------------------------------------
make -s -C "$TOP" BUILD="$BUILD" DESTDIR="$OUT/inst" PREFIX=/usr install \
    >"$OUT/install.log" 2>&1
check "make install succeeds" test $? -eq 0
for f in usr/bin/passnumd usr/bin/passnum-admin usr/bin/passnum-terminal \
    usr/share/man/man8/passnumd.8.gz usr/share/man/man8/passnum-admin.8.gz \
    usr/share/man/man1/passnum-terminal.1.gz \
    usr/lib/systemd/system/passnumd.service \
    usr/lib/systemd/system/passnum-expire.timer \
    usr/lib/systemd/system/passnum-audit.timer; do
	check "make install installs /$f" test -f "$OUT/inst/$f"
done
check "the units name the programs where PREFIX put them" \
    grep -qx "ExecStart=/usr/bin/passnumd --config /etc/passnum/passnumd.ini" \
    "$OUT/inst/usr/lib/systemd/system/passnumd.service"
for m in "$OUT"/inst/usr/share/man/man*/*.gz; do
	MANWIDTH=80 man --warnings -l "$m" >/dev/null 2>"$OUT/man.err"
	check "$(basename "$m" .gz) renders without a warning" \
	    test ! -s "$OUT/man.err"
	sed 's/^/#   /' "$OUT/man.err"
done

# --- make deb -----------------------------------------------------------------
start=$(date +%s)
DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" make -s -C "$TOP" \
    DEB_OUT="$OUT/deb" deb >"$OUT/deb.log" 2>&1
st=$?
echo "# make deb: $(($(date +%s) - start)) s"
check "make deb builds the package" test $st -eq 0
[ $st -eq 0 ] || tail -20 "$OUT/deb.log" | sed 's/^/#   /'
DEB=$(ls "$OUT"/deb/passnum_*_*.deb 2>/dev/null | head -1)
check "the .deb is in DEB_OUT" test -f "$DEB"
check "the working tree has no debian/ build leftovers" \
    test ! -e "$TOP/debian/passnum" -a ! -e "$TOP/debian/files"

dpkg-deb -c "$DEB" >"$OUT/contents"
# has MODE PATH: the package holds PATH (without the leading ".") with
# MODE (as "ls -l" shows it), owned by root/root.
has() {
	check "package: $2 $1 root/root" \
	    grep -qE "^$1 root/root +[0-9]+ [-0-9]+ [:0-9]+ \.$2\$" "$OUT/contents"
}
has -rwxr-xr-x /usr/bin/passnumd
has -rwxr-xr-x /usr/bin/passnum-admin
has -rwxr-xr-x /usr/bin/passnum-terminal
has -rw-r--r-- /usr/share/man/man8/passnumd.8.gz
has -rw-r--r-- /usr/share/man/man8/passnum-admin.8.gz
has -rw-r--r-- /usr/share/man/man1/passnum-terminal.1.gz
for u in passnumd.service passnum-expire.service passnum-expire.timer \
    passnum-audit.service passnum-audit.timer passnum-failed@.service; do
	has -rw-r--r-- /lib/systemd/system/$u
done
has -rwxr-xr-x /usr/libexec/passnum/report-failure
has -rw-r--r-- /etc/passnum/passnumd.ini
has -rw-r--r-- /usr/share/doc/passnum/install.md
check "every entry is owned by root/root" \
    test -z "$(awk '$2 != "root/root"' "$OUT/contents")"
check "nothing is writable by group or others" \
    test -z "$(awk 'substr($1, 6, 1) == "w" || substr($1, 9, 1) == "w"' \
    "$OUT/contents")"
check "no data directory is shipped (postinst makes it)" \
    test -z "$(grep -F ./var/ "$OUT/contents")"

dpkg-deb -I "$DEB" >"$OUT/info"
check "Depends on adduser and the booklet's fonts" \
    grep -qE '^ Depends: .*adduser, fonts-dejavu-core' "$OUT/info"
rm -rf "$OUT/ctl" "$OUT/root"
dpkg-deb -e "$DEB" "$OUT/ctl"
dpkg-deb -x "$DEB" "$OUT/root"
check "the configuration is a conffile" \
    grep -qx /etc/passnum/passnumd.ini "$OUT/ctl/conffiles"
check "postinst is valid sh" sh -n "$OUT/ctl/postinst"
check "postinst creates the system user passnum" \
    grep -qE 'adduser --system --group --home /var/lib/passnum' "$OUT/ctl/postinst"
check "postinst makes /var/lib/passnum 0700, owned by passnum" \
    grep -qF 'install -d -m 0700 -o passnum -g passnum /var/lib/passnum' \
    "$OUT/ctl/postinst"
for u in passnumd.service passnum-expire.timer passnum-audit.timer; do
	check "postinst enables $u" \
	    grep -qF "deb-systemd-helper enable '$u'" "$OUT/ctl/postinst"
done
check "the timers' services are not started at install" \
    test -z "$(grep -E "(enable|start) .*passnum-(expire|audit)\.service" \
    "$OUT/ctl/postinst")"

# postinst run as dpkg would at a first install ("configure" with no old
# version), every command that would change the machine replaced by a stub
# that logs its arguments: the user, the directory, the units.
S="$OUT/stubs"
mkdir -p "$S"
for c in adduser install deb-systemd-helper deb-systemd-invoke systemctl; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$c" "$OUT" >"$S/$c"
done
printf '#!/bin/sh\n[ -e "%s/user-exists" ]\n' "$OUT" >"$S/getent"
chmod 755 "$S"/*
: >"$OUT/calls"
PATH="$S:$PATH" sh "$OUT/ctl/postinst" configure "" >"$OUT/postinst.out" 2>&1
check "postinst configure succeeds (stubbed)" test $? -eq 0
check "a first install adds the system user passnum" \
    grep -q '^adduser --system --group --home /var/lib/passnum .* passnum$' "$OUT/calls"
if [ ! -d /var/lib/passnum ]; then
	check "and makes /var/lib/passnum 0700 for it" grep -qx \
	    'install -d -m 0700 -o passnum -g passnum /var/lib/passnum' "$OUT/calls"
fi
check "and enables passnumd and both timers" test "$(grep -c \
    '^deb-systemd-helper enable passnum\(d.service\|-expire.timer\|-audit.timer\)$' \
    "$OUT/calls")" = 3
: >"$OUT/calls"
touch "$OUT/user-exists"
PATH="$S:$PATH" sh "$OUT/ctl/postinst" configure 0.1.0 >"$OUT/postinst.out" 2>&1
check "an upgrade, the user there, adds no user" sh -c \
    "! grep -q '^adduser' '$OUT/calls'"

U="$OUT/root/lib/systemd/system"
check "passnumd waits for passnum-admin init (ConditionPathExists)" \
    grep -qx "ConditionPathExists=/var/lib/passnum/passnum.db" "$U/passnumd.service"
for o in User=passnum ProtectSystem=strict ReadWritePaths=/var/lib/passnum \
    PrivateTmp=yes NoNewPrivileges=yes ProtectHome=yes CapabilityBoundingSet= \
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
    SystemCallFilter=@system-service MemoryDenyWriteExecute=yes UMask=0077; do
	check "passnumd.service: $o" grep -qx "$o" "$U/passnumd.service"
done
for t in expire audit; do
	check "passnum-$t.service runs passnum-admin $t as passnum" sh -c \
	    "grep -qx 'ExecStart=/usr/bin/passnum-admin $t --config /etc/passnum/passnumd.ini' '$U/passnum-$t.service' &&
	     grep -qx User=passnum '$U/passnum-$t.service'"
	check "passnum-$t.service reports its failure (OnFailure=)" \
	    grep -qx "OnFailure=passnum-failed@%n.service" "$U/passnum-$t.service"
done
check "report-failure is valid sh" sh -n "$OUT/root/usr/libexec/passnum/report-failure"

# systemd-analyze verify reads the units as systemd would; it needs the
# programs they run, so the package's tree stands in for /usr.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$OUT/verify"
	for f in "$U"/*; do
		n=$(basename "$f")
		[ "$n" = passnum-failed@.service ] && n=passnum-failed@test.service
		sed "s|=/usr/|=$OUT/root/usr/|" "$f" >"$OUT/verify/$n"
	done
	(cd "$OUT/verify" && systemd-analyze verify --man=no ./*) \
	    >"$OUT/verify.log" 2>&1
	check "systemd-analyze verify: no complaint about the units" \
	    test ! -s "$OUT/verify.log"
	sed 's/^/#   /' "$OUT/verify.log"
fi

# lintian: no error and no warning (accepted tags, each with its reason:
# debian/passnum.lintian-overrides).
lintian --info "$DEB" >"$OUT/lintian.log" 2>&1
check "lintian: no error, no warning" \
    test -z "$(grep -E '^[EW]: ' "$OUT/lintian.log")"
grep -E '^[EW]: ' "$OUT/lintian.log" | sed 's/^/#   /'

for m in "$OUT"/root/usr/share/man/man*/*.gz; do
	MANWIDTH=80 man --warnings -l "$m" >/dev/null 2>"$OUT/man.err"
	check "package: $(basename "$m" .gz) renders without a warning" \
	    test ! -s "$OUT/man.err"
done

# The packaged configuration, its /var/lib/passnum moved into $OUT, with
# the packaged programs: init as the install guide says, then passnumd.
V="$OUT/var/lib/passnum"
mkdir -p "$OUT/var/lib" "$OUT/etc"
mkdir -m 700 "$V"
sed -e "s|/var/lib/passnum|$V|" -e 's/^port = 8080$/port = 0/' \
    "$OUT/root/etc/passnum/passnumd.ini" >"$OUT/etc/passnumd.ini"
"$OUT/root/usr/bin/passnum-admin" init --data "$V" >/dev/null
check "passnum-admin init fills the empty data directory postinst made" \
    test -f "$V/passnum.db"
check "which stays 0700" test "$(stat -c %a "$V")" = 700
BUILD_SAVED=$BUILD
BUILD="$OUT/root/usr"
check "the packaged passnumd starts on the packaged configuration" \
    passnumd_start "$OUT/etc/passnumd.ini"
BUILD=$BUILD_SAVED
call GET /healthz ""
check "and /healthz answers 200" test "$code" = 200
passnumd_stop

done_testing
