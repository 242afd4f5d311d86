# test_auth.sh -- what an outsider on the network can do to logins, tokens,
# /metrics and the beneficiaries' references, and cannot.
#
# The outsider sends its wrong passwords from other loopback addresses
# (127.0.0.X, curl --interface): passnumd counts failures per (login,
# address) and per address, so the real user, from 127.0.0.1, must still
# get in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faketime.sh"

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

# --- API tokens: expiry, revocation, password change, disable ---
# bearer TOKEN: GET a booklet that does not exist; 404 means the token was
# taken, 401 that it was refused.
bearer() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $1" "$URL/api/v1/booklets/999")
}
T1=$("$ADMIN" token create --config "$CONF" --login caseworker \
    --label script --days 30 2>"$OUT/stderr")
check "token create --days 30 says when it expires, on stderr" \
    grep -q "the token expires $(date -u -d '+30 days' +%Y-%m-%d)" "$OUT/stderr"
bearer "$T1"
is "the new token is taken" "$code" 404
T2=$("$ADMIN" token create --config "$CONF" --login caseworker 2>"$OUT/stderr")
check "without --days a token lives 365 days" \
    grep -q "expires $(date -u -d '+365 days' +%Y-%m-%d)" "$OUT/stderr"
# Made 2 days ago for 1 day: expired yesterday. Made 2 days ago for 3 days:
# still live.
at "$(date -u -d '-2 days' '+%Y-%m-%d %H:%M:%S')"
T_OLD=$(ft "$ADMIN" token create --config "$CONF" --login caseworker \
    --label old --days 1 2>/dev/null)
T_LIVE=$(ft "$ADMIN" token create --config "$CONF" --login caseworker \
    --label live --days 3 2>/dev/null)
bearer "$T_OLD"
is "a token past its expiry is refused: 401" "$code" 401
check "saying so" grep -q "expired" "$OUT/body"
bearer "$T_LIVE"
is "one before its expiry is taken" "$code" 404
expect 0 "caseworker${TAB:=	}old" "token list shows the tokens" -- \
    "$ADMIN" token list --config "$CONF" --login caseworker
check "the expired one as expired" grep -q "${TAB}old${TAB}.*${TAB}expired$" "$OUT/stdout"
check "the others as live" test "$(grep -c "${TAB}live$" "$OUT/stdout")" = 4
check "and never a token's text" eval '! grep -q "pn_" "$OUT/stdout"'
ID1=$(sqlite3 "$D/passnum.db" "SELECT id FROM api_token WHERE label = 'script'")
expect 0 "token $ID1 revoked" "token revoke --id $ID1" -- \
    "$ADMIN" token revoke --config "$CONF" --id "$ID1"
bearer "$T1"
is "the revoked token is refused at once: 401" "$code" 401
expect 0 "already revoked" "revoking it again says so" -- \
    "$ADMIN" token revoke --config "$CONF" --id "$ID1"
expect 1 "no token 999" "an unknown token is named" -- \
    "$ADMIN" token revoke --config "$CONF" --id 999
is "every create and revoke is in the audit log" \
    "$(sqlite3 "$D/passnum.db" "SELECT count(*) FROM audit_log WHERE action = 'token.create'")/$(sqlite3 "$D/passnum.db" "SELECT count(*) FROM audit_log WHERE action = 'token.revoke' AND object = 'token:$ID1'")" \
    "5/1"
check "never the token itself" eval '! sqlite3 "$D/passnum.db" .dump | grep -q -e "$T1" -e "$T2"'
printf 'un nouveau mot de passe\n' | "$ADMIN" user passwd --config "$CONF" \
    --login caseworker >"$OUT/stdout"
check "user passwd says it revoked the 4 tokens not yet revoked (demo, T2, old, live)" \
    grep -q "4 API token(s) revoked" "$OUT/stdout"
bearer "$T2"
is "after a password change the old tokens are refused: 401" "$code" 401
bearer "$T_LIVE"
is "all of them" "$code" 401
T3=$("$ADMIN" token create --config "$CONF" --login caseworker 2>/dev/null)
bearer "$T3"
is "a token made after the change is taken" "$code" 404
"$ADMIN" user disable --config "$CONF" --login caseworker >"$OUT/stdout"
"$ADMIN" user enable --config "$CONF" --login caseworker >/dev/null
bearer "$T3"
is "after user disable (and enable), the token is refused: 401" "$code" 401
check "user disable said it revoked it" grep -q "1 API token(s) revoked" "$OUT/stdout"

# --- /metrics: loopback by default, else the metrics token ---
mcode() { # ADDRESS [CURL-ARGS...]
	a=$1
	shift
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' --interface "$a" "$@" \
	    "$URL/metrics")
}
mcode 127.0.0.1
is "GET /metrics from 127.0.0.1 (allowed by default): 200" "$code" 200
mcode 127.0.0.2
is "from 127.0.0.2, not in [metrics] allow: 403" "$code" 403
check "with the project's JSON error, code 2007" \
    grep -q '"code":2007' "$OUT/body"
mcode 127.0.0.2 -H "Authorization: Bearer $T3"
is "an API token is not the metrics token: 403" "$code" 403
passnumd_stop
MTOKEN=metrics-token-0123456789abcdef
(umask 077; printf '%s\n' "$MTOKEN" >"$D/metrics.token")
printf '\n[metrics]\nallow = 127.0.0.5, ::1\ntoken_file = %s\n' \
    "$D/metrics.token" >>"$CONF"
check "passnumd starts with [metrics] allow = 127.0.0.5, ::1 and a token_file" \
    passnumd_start "$CONF"
mcode 127.0.0.5
is "from 127.0.0.5, now allowed: 200" "$code" 200
mcode 127.0.0.1
is "from 127.0.0.1, no longer in the list: 403" "$code" 403
mcode 127.0.0.2 -H "Authorization: Bearer $MTOKEN"
is "from elsewhere with the metrics token: 200" "$code" 200
check "the Prometheus text" grep -q "^passnum_" "$OUT/body"
mcode 127.0.0.2 -H "Authorization: Bearer ${MTOKEN}x"
is "with a wrong token: 403" "$code" 403

# --- one person, however the file reference is typed ---
TB=$("$ADMIN" token create --config "$CONF" --login caseworker 2>/dev/null)
issue() { # REF: POST /api/v1/booklets for REF; the status in $code
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $TB" --data-binary "{\"programme\": 1,
	    \"beneficiary\": {\"ref\": \"$1\", \"pathway\": \"rsa\",
	    \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}" \
	    "$URL/api/v1/booklets")
}
# keyed_hash TEXT: the keyed BLAKE2b-256 of TEXT under the reference
# secret, in hex, as passnumd computes it.
keyed_hash() {
	python3 -c 'import hashlib, sys
key = open(sys.argv[1], "rb").read()
print(hashlib.blake2b(sys.argv[2].encode(), digest_size=32, key=key).hexdigest())' \
	    "$D/keys/ref.key" "$1"
}
issue "SAME-x"
is "a booklet for SAME-x: 201" "$code" 201
codes=
for ref in "same-x" " SAME-x" "SAME-x " "ＳＡＭＥ–х"; do
	issue "$ref"
	codes="$codes $code"
done
is "same-x, ' SAME-x', 'SAME-x ' and a fullwidth, en-dash, Cyrillic spelling: the same person (409 each)" \
    "$codes" " 409 409 409 409"
check "with code 3004" grep -q '"code":3004' "$OUT/body"
is "one beneficiary, stored under the hash of the normal form 'samex'" \
    "$(sqlite3 "$D/passnum.db" "SELECT count(*) FROM beneficiary WHERE lower(hex(ref_hash)) = '$(keyed_hash samex)'")/$(sqlite3 "$D/passnum.db" "SELECT count(*) FROM beneficiary")" \
    "1/1"
issue " - "
is "a reference without a letter or digit: 400" "$code" 400
# A beneficiary recorded before schema 11 was hashed as typed: make one so.
issue "OLD-7"
sqlite3 "$D/passnum.db" "UPDATE beneficiary SET ref_hash = x'$(keyed_hash OLD-7)'
    WHERE ref_hash = x'$(keyed_hash old7)'"
issue "OLD-7"
is "a reference hashed as typed before the upgrade, typed the same: 409" \
    "$code" 409
is "and its beneficiary is moved to the normal form" \
    "$(sqlite3 "$D/passnum.db" "SELECT count(*) FROM beneficiary WHERE ref_hash = x'$(keyed_hash old7)'")" 1
issue "old 7"
is "from then on, another spelling finds it too: 409" "$code" 409

done_testing
