# test_layout.sh -- server/'s folders keep their layers apart.
#
# server/core/ (the shared domain), server/store/ (the SQLite store) and
# server/ops/ (the operations) include no header of server/passnumd/ or
# server/admin/; core/ and store/ none of ops/ (operations sit above
# them); the two programs include none of each other's; server/ holds
# nothing but these five folders, and no header name is found twice on the include path
# (the Makefile searches the folders with -I, so a second "x.h" would
# shadow the first). Then, on $BUILD's objects: passnum-admin links no
# function of passnumd/, and passnumd none of admin/.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
SRV="$TOP/server"
DIRS="core store ops passnumd admin"

# Nothing but the five folders in server/: a file merged in from before
# the split (or added since) must be moved to the folder of its role.
stray=$(find "$SRV" -mindepth 1 -maxdepth 1 \
    ! \( -type d \( -name core -o -name store -o -name ops -o -name passnumd -o -name admin \) \) |
    sed "s|^$TOP/||")
check "server/ holds only core/, store/, ops/, passnumd/ and admin/" test -z "$stray"
[ -z "$stray" ] || echo "$stray" | sed 's/^/# move to its folder: /'

# Each header name once among server/'s folders, lib/ and include/.
dups=$(for d in $DIRS; do ls "$SRV/$d"; done; ls "$TOP/lib" "$TOP/include")
dups=$(printf '%s\n' "$dups" | grep '\.h$' | sort | uniq -d)
check "no header name is found in two folders" test -z "$dups"
[ -z "$dups" ] || echo "$dups" | sed 's/^/# found twice: /'

# includes FROM TO...: the lines of FROM's files that include a header
# of one of the folders TO, as "server/FROM/file:line: #include ...".
includes() {
	from=$1
	shift
	for f in "$SRV/$from"/*.[ch]; do
		[ -e "$f" ] || continue
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]*"' "$f" |
		while IFS= read -r line; do
			h=${line#*\"}
			h=${h%%\"*}
			for to in "$@"; do
				if [ -f "$SRV/$to/$h" ]; then
					echo "${f#$TOP/}:$line ($to/)"
				fi
			done
		done
	done
}

# layer FROM TO...: FROM's files include no header of the folders TO.
layer() {
	found=$(includes "$@")
	from=$1
	shift
	check "server/$from/ includes no header of $(echo "$@" | sed 's|\([a-z]*\)|server/\1/|g; s| | or |g')" \
	    test -z "$found"
	[ -z "$found" ] || printf '%s\n' "$found" | sed 's/^/#   /'
}

layer core ops passnumd admin
layer store ops passnumd admin
layer ops passnumd admin
layer passnumd admin
layer admin passnumd

# The same rule on the objects: the functions a folder's objects define
# are absent from the other program. (A header can be left out and a
# function declared by hand; the linker cannot be fooled so.)
# defined DIR: the global functions of $BUILD's objects of server/DIR,
# main() left out (each program has its own).
defined() {
	for o in "$BUILD/obj/server/$1"/*.o; do
		[ -e "$o" ] && nm -g --defined-only "$o"
	done | awk '$2 == "T" && $3 != "main" { print $3 }' | sort -u
}

# linked PROGRAM DIR: PROGRAM links none of server/DIR's functions.
linked() {
	prog="$BUILD/bin/$1"
	if ! command -v nm >/dev/null 2>&1 ||
	    [ ! -d "$BUILD/obj/server/$2" ] || [ ! -x "$prog" ]; then
		ok "# SKIP $1 links nothing of server/$2/ (no nm, objects or program in $BUILD)"
		return
	fi
	defined "$2" >"$OUT/$2.defined"
	nm --defined-only "$prog" | awk '{ print $3 }' | sort -u >"$OUT/$1.symbols"
	both=$(comm -12 "$OUT/$2.defined" "$OUT/$1.symbols")
	check "$1 links nothing of server/$2/ ($(wc -l <"$OUT/$2.defined") functions)" \
	    test -s "$OUT/$2.defined" -a -z "$both"
	[ -z "$both" ] || printf '%s\n' "$both" | sed 's/^/#   linked: /'
}

linked passnum-admin passnumd
linked passnumd admin

done_testing
