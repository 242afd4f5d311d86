# test_auth.sh -- what an outsider on the network can do to logins, tokens,
# /metrics and the beneficiaries' references, and cannot.
#
# The outsider sends its wrong passwords from other loopback addresses
# (127.0.0.X, curl --interface): passnumd counts failures per (login,
# address) and per address, so the real user, from 127.0.0.1, must still
# get in.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"

stop() { passnumd_stop; }
trap stop EXIT

sql() { sqlite3 -cmd '.timeout 5000' "$D/passnum.db" "$@"; }
# login LOGIN PASSWORD [ADDRESS]: POST /api/v1/login; the status in $code.
login() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    --interface "${3:-127.0.0.1}" -H 'Content-Type: application/json' \
	    --data-binary "{\"login\": \"$1\", \"password\": \"$2\"}" \
	    "$URL/api/v1/login")
}
# is DESCRIPTION GOT WANTED
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# got '$2', wanted '$3'"
	fi
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
CONF="$D/passnumd.ini"
PW_CW=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
check "passnumd starts with the default limits (5 per login and address, 30 per address)" \
    passnumd_start "$CONF"

# --- an outsider's 1,000 wrong passwords ---
# One curl for all of them (one process, one connection): a config file
# of 1,000 requests separated by "next".
for i in $(seq 1000); do
	[ "$i" -gt 1 ] && echo next
	printf 'silent\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n'
	printf 'interface = 127.0.0.2\nheader = "Content-Type: application/json"\n'
	printf 'data-binary = "{\\"login\\": \\"caseworker\\", \\"password\\": \\"guess-%s\\"}"\n' "$i"
	printf 'url = "%s/api/v1/login"\n' "$URL"
done >"$OUT/outsider.curl"
curl -K "$OUT/outsider.curl" >"$OUT/codes"
is "1,000 wrong passwords from 127.0.0.2: 5 refused as wrong, then held back (429)" \
    "$(sort "$OUT/codes" | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" \
    "401:5 429:995 "
is "only 5 failures recorded (the held-back attempts cost nothing)" \
    "$(sql "SELECT count(*) FROM login_failure WHERE login = 'caseworker'")" 5
login caseworker "$PW_CW" 127.0.0.2
is "the right password from the outsider's address is held back too: 429" \
    "$code" 429
login caseworker "$PW_CW"
is "the caseworker, from her own address, logs in: 200" "$code" 200
for a in 10 11 12 13; do
	for i in 1 2 3 4 5; do
		login caseworker "spread-$a-$i" "127.0.0.$a"
	done
done
is "20 more wrong passwords spread over 4 addresses are recorded" \
    "$(sql "SELECT count(*) FROM login_failure WHERE login = 'caseworker'")" 25
login caseworker "$PW_CW"
is "and she still logs in: 200" "$code" 200
is "her login forgets only her own address's failures" \
    "$(sql "SELECT count(*) FROM login_failure WHERE login = 'caseworker'")" 25

# --- parallel wrong passwords never get past the limit ---
for i in $(seq 12); do
	curl -s -o /dev/null -w '%{http_code}\n' --interface 127.0.0.3 \
	    -H 'Content-Type: application/json' --data-binary \
	    "{\"login\": \"admin\", \"password\": \"parallel-$i\"}" \
	    "$URL/api/v1/login" >"$OUT/par$i" &
	pids="${pids:-} $!"
done
# shellcheck disable=SC2086 # one pid a word
wait $pids	# not passnumd's
is "12 wrong passwords at once: exactly 5 checked (401), 7 held back (429)" \
    "$(cat "$OUT"/par* | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" \
    "401:5 429:7 "
is "and exactly 5 failures recorded" \
    "$(sql "SELECT count(*) FROM login_failure WHERE login = 'admin' AND address = '127.0.0.3'")" 5

# --- a password typed in the login field is not kept ---
login 'Mon-Mot-De-Passe-2026!' wrong 127.0.0.4
is "a login that names nobody: 401" "$code" 401
check "its text is nowhere in the database" \
    eval '! sqlite3 "$D/passnum.db" .dump | grep -q "Mon-Mot-De-Passe"'
is "the failure is counted, login NULL" \
    "$(sql "SELECT count(*) FROM login_failure WHERE login IS NULL AND address = '127.0.0.4'")" 1
is "the audit log says an unknown login failed" \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND object = 'unknown' AND detail = 'from 127.0.0.4'")" 1

done_testing
