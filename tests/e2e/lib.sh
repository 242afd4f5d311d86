# lib.sh -- TAP helpers for the end-to-end scripts (sourced, not run).
#
# The scripts run the real binaries of $BUILD (bin/ and tools/) in a scratch
# directory $OUT, and print one "ok"/"not ok" line per check.

set -u
: "${BUILD:?BUILD must name a build directory, such as build/release}"
: "${OUT:?OUT must name a scratch directory}"
BUILD=$(cd "$BUILD" && pwd)
ADMIN="$BUILD/bin/passnum-admin"
TERMINAL="$BUILD/bin/passnum-terminal"
MINT="$BUILD/tools/pn-mint"
DENY="$BUILD/tools/pn-denylist"
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
tap_n=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
not_ok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $1"; }

# run CMD...: run it, keeping its stdout in $OUT/stdout, stderr in
# $OUT/stderr, and its status in $status.
run() {
	"$@" >"$OUT/stdout" 2>"$OUT/stderr"
	status=$?
}

# expect STATUS TEXT DESCRIPTION -- CMD...: run CMD; the check passes when it
# exits with STATUS and its output (stdout and stderr) contains TEXT.
expect() {
	want=$1 text=$2 desc=$3
	shift 4
	run "$@"
	if [ "$status" -eq "$want" ] &&
	    cat "$OUT/stdout" "$OUT/stderr" | grep -qF -- "$text"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# command: $*"
		echo "# wanted status $want and text '$text'; got status $status:"
		sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr"
	fi
}

# said STATUS TEXT DESCRIPTION: the last run exited STATUS with TEXT in its
# output (stdout or stderr).
said() {
	if [ "$status" -eq "$1" ] &&
	    cat "$OUT/stdout" "$OUT/stderr" | grep -qF -- "$2"; then
		ok "$3"
	else
		not_ok "$3"
		echo "# wanted status $1 and '$2'; got status $status:"
		sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr"
	fi
}

# check DESCRIPTION CMD...: passes when CMD succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

done_testing() { echo "1..$tap_n"; }

# venue_add CONFIG SIRET NAME: record a partner venue (a valid IBAN and
# BIC, accredited since 1 January 2026) with passnum-admin.
venue_add() {
	"$ADMIN" venue add --config "$1" --siret "$2" --name "$3" \
	    --address "1 rue de la République" --commune "Rezé" \
	    --iban FR7630006000011234567890189 --bic AGRIFRPP \
	    --contact "02 40 00 00 00" --accredited-from 2026-01-01 >/dev/null
}

# passnumd_start CONFIG: start passnumd in the background on CONFIG and wait
# until it listens; sets PID, URL (scheme://127.0.0.1:PORT) and PORT.
PID=
passnumd_start() {
	# Emptied here, not by the background job's redirection: the wait
	# below must not read a previous run's "listening on" and its port.
	: >"$OUT/server.log"
	"$BUILD/bin/passnumd" --config "$1" >"$OUT/server.log" 2>&1 &
	PID=$!
	i=0
	while ! grep -q "listening on" "$OUT/server.log" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $PID 2>/dev/null; then
			echo "# passnumd did not start:"
			sed 's/^/#   /' "$OUT/server.log"
			return 1
		fi
		sleep 0.1
	done
	URL=$(sed -n 's/.*listening on \(https*:[^ ]*\)\/$/\1/p' \
	    "$OUT/server.log")
	PORT=${URL##*:}
}

# call METHOD PATH TOKEN [BODY]: a request to the server at $URL, with
# TOKEN as bearer when not empty; status in $code, body in $OUT/body,
# headers in $OUT/headers.
call() {
	code=$(curl -s -D "$OUT/headers" -o "$OUT/body" -w '%{http_code}' \
	    -X "$1" ${3:+-H "Authorization: Bearer $3"} \
	    ${4:+--data-binary "$4"} "$URL$2")
}

# tcall KEY TERMINAL METHOD PATH BODYFILE: a request signed by a terminal
# (its key made by pn-termsign keygen); status in $code, body in $OUT/body.
tcall() {
	"$BUILD/tools/pn-termsign" headers "$1" "$2" "$3" "$4" "$5" >"$OUT/h"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' -X "$3" \
	    -H @"$OUT/h" --data-binary @"$5" "$URL$4")
}

# api_enrol SIRET KEYFILE: a terminal of that venue enrolled through the
# API with a new key kept in KEYFILE; its id in $TERM_ID.
api_enrol() {
	c=$("$ADMIN" terminal code --config "$CFG" --siret "$1" 2>/dev/null)
	pk=$("$BUILD/tools/pn-termsign" keygen "$2")
	curl -s -o "$OUT/body" --data-binary \
	    "{\"code\":\"$c\",\"public_key\":\"$pk\",\"label\":\"poste\"}" \
	    "$URL/api/v1/terminals/enrol"
	TERM_ID=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body")
}

# api_session KEY TERMINAL UID: a session starting now, declared by it.
api_session() {
	printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":120}' \
	    "$3" "$(date +%s)" >"$OUT/session.json"
	tcall "$1" "$2" POST /api/v1/sessions "$OUT/session.json"
}

# tampered DESCRIPTION TEXT SQL: on a copy of the database changed by SQL,
# the audit exits 1 and its output holds TEXT. The database is $DB, the
# trust bundle $D/keys/trust.bundle; each copy in its own $OUT/tN.
n_copy=0
tampered() {
	n_copy=$((n_copy + 1))
	t="$OUT/t$n_copy"
	mkdir -p "$t"
	sqlite3 "$DB" ".backup '$t/passnum.db'"
	printf '[store]\npath = passnum.db\n\n[keys]\ntrust_bundle = %s\n' \
	    "$D/keys/trust.bundle" >"$t/passnumd.ini"
	if ! sqlite3 "$t/passnum.db" "$3" >"$OUT/sql.err" 2>&1; then
		not_ok "$1: the tampering itself failed"
		sed 's/^/#   /' "$OUT/sql.err"
		return
	fi
	expect 1 "$2" "$1" -- "$ADMIN" audit --config "$t/passnumd.ini"
}

# passnumd_stop: SIGTERM and wait; its exit status in $status.
passnumd_stop() {
	status=0
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null
		wait "$PID"
		status=$?
	fi
	PID=
}

# password_of LOGIN: the password of a user of the test: the demo's, from
# its credentials file in $D; the others' are LOGIN-password-1 by the
# tests' convention.
password_of() {
	case $1 in
	admin|caseworker)
		sed -n "s/^$1 password: //p" "$D/demo-credentials.txt" ;;
	*)	echo "$1-password-1" ;;
	esac
}

# as_of ARGS: the login that follows --as in ARGS, if any (passnum-admin
# then asks for that person's password).
as_of() {
	while [ $# -gt 1 ]; do
		[ "$1" = --as ] && echo "$2" && return
		shift
	done
}
