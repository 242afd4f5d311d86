# test_session.sh -- logins and browser sessions, as a browser and a program
# would use them: POST /api/v1/login and its cookie, the CSRF token on every
# state change, wrong and unknown logins answered alike, throttling per
# account and per address, logout, idle and absolute expiry, disabled users,
# the login form of /connexion with its own token, /deconnexion, the pages'
# security headers, and every route with each role logged in by session.
#
# idle_timeout and max_age cannot be set below 60 s and 300 s, too long to
# sleep through: the test moves a session's times into the past in the
# database instead, as if that long had passed. Failed logins of different
# checks come from different loopback addresses (127.0.0.X), so that each
# check starts from no failure of its own address.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"

stop() { passnumd_stop; }
trap stop EXIT

# req METHOD PATH [CURL-ARGS...]: status in $code, body in $OUT/body,
# headers in $OUT/headers.
req() {
	m=$1 p=$2
	shift 2
	code=$(curl -s -D "$OUT/headers" -o "$OUT/body" -w '%{http_code}' \
	    -X "$m" "$@" "$URL$p")
}
# header NAME: the value of the answer's header NAME (the first one).
header() {
	sed -n "s/^$1: *//Ip" "$OUT/headers" | tr -d '\r' | head -n 1
}
# set_cookie NAME: the answer's Set-Cookie line for cookie NAME, or nothing.
set_cookie() {
	sed -n "s/^Set-Cookie: *\($1=\)/\1/Ip" "$OUT/headers" | tr -d '\r'
}
cookie_value() { set_cookie "$1" | sed 's/^[^=]*=\([^;]*\).*/\1/'; }
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$OUT/body"; }
# has TEXT STRING: STRING holds TEXT.
has() { case $2 in *"$1"*) return 0 ;; *) return 1 ;; esac; }
# body_has TEXT: the answer's body holds TEXT.
body_has() { grep -qF -- "$1" "$OUT/body"; }
# is DESCRIPTION GOT WANTED
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# got '$2', wanted '$3'; the last answer:"
		awk 'NR <= 5 { print "#   " $0 }' "$OUT/body"
	fi
}
sql() { sqlite3 -cmd '.timeout 5000' "$D/passnum.db" "$@"; }
person() { # REF
	printf '{"programme": 1, "beneficiary": {"ref": "%s", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' "$1"
}

# Successful logins and failed ones (401), to compare with the audit log.
n_login=0 n_fail=0
count_login() {
	case $code in
	200 | 303) n_login=$((n_login + 1)) ;;
	401) n_fail=$((n_fail + 1)) ;;
	esac
}
# login LOGIN PASSWORD [ADDRESS]: POST /api/v1/login from ADDRESS (default
# 127.0.0.1); the cookie in $SID, the CSRF token in $CSRF, the new
# session's row id in $SROW.
login() {
	req POST /api/v1/login --interface "${3:-127.0.0.1}" \
	    -H 'Content-Type: application/json' \
	    --data-binary "{\"login\": \"$1\", \"password\": \"$2\"}"
	count_login
	SID=$(cookie_value pn_session)
	CSRF=$(json_field csrf_token)
	SROW=$(sql 'SELECT max(id) FROM web_session')
}
# age ROW SECONDS: session ROW as if SECONDS had passed since its last
# request (and since its login).
age() {
	sql "UPDATE web_session SET last_seen = last_seen - $2,
	    created_at = created_at - $2 WHERE id = $1"
}
session_get() { req GET "$1" -b "pn_session=$SID"; } # PATH, with $SID

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
CONF="$D/passnumd.ini"
PW_CW=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
PW_AD=$(sed -n 's/^admin password: //p' "$D/demo-credentials.txt")
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
check "the demo data holds the passwords and the token" \
    test -n "$PW_CW" -a -n "$PW_AD" -a -n "$TOKEN"
# add_user LOGIN ROLE PASSWORD
add_user() {
	printf '%s\n' "$3" | "$ADMIN" user add --config "$CONF" --login "$1" \
	    --name "Compte $1" --role "$2" ${4:+--agency "$4"} \
	    ${5:+--venue "$5"} >/dev/null
}
venue_add "$CONF" 21440143200015 "Médiathèque"
add_user venue1 venue venue-password-1 "" 21440143200015
add_user acc1 accountant accountant-pass-1
add_user cw2 caseworker caseworker2-pass 1
add_user throttle1 caseworker throttle-pass-1 1
add_user clear1 caseworker clearing-pass-1 1
check "five more users are added" \
    test "$(sql 'SELECT count(*) FROM user')" = 7

# The first server: small throttling limits.
cp "$CONF" "$D/a.ini"
printf '\n[session]\nmax_failures_per_login = 3\nmax_failures_per_address = 5\nfailure_window = 600\n' \
    >>"$D/a.ini"
check "passnumd starts with max_failures_per_login 3, per_address 5" \
    passnumd_start "$D/a.ini"

req POST /api/v1/booklets -H "Authorization: Bearer $TOKEN" \
    --data-binary "$(person S-1)"
ID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$OUT/body")
is "a booklet is issued with the caseworker's token" "$code" 201

# --- API login, cookie and CSRF token ---
login caseworker "$PW_CW"
is "API login with the right password: 200" "$code" 200
check "the answer gives login, name and role" body_has \
    '"login":"caseworker","name":"Camille Martin","role":"caseworker"'
check "and a CSRF token" has s_ "$CSRF"
SC=$(set_cookie pn_session)
check "it sets the cookie pn_session" has s_ "$SID"
check "the cookie is not the CSRF token" test "$SID" != "$CSRF"
check "the cookie is HttpOnly" has "; HttpOnly" "$SC"
check "the cookie is SameSite=Strict" has "; SameSite=Strict" "$SC"
check "the cookie is for Path=/" has "; Path=/;" "$SC"
check "the cookie lasts max_age (Max-Age=36000 by default)" \
    has "; Max-Age=36000;" "$SC"
check "the cookie is not Secure on plain HTTP" eval '! has Secure "$SC"'
is "the database keeps the cookie's BLAKE2b-256 hash, not the cookie" \
    "$(sql "SELECT lower(hex(token_hash)) FROM web_session WHERE id = $SROW")" \
    "$(printf '%s' "$SID" | b2sum -l 256 | cut -d' ' -f1)"

session_get "/api/v1/booklets/$ID"
is "the cookie works for GET /api/v1/booklets/$ID" "$code" 200
req POST /api/v1/booklets -b "pn_session=$SID" -H "X-CSRF-Token: $CSRF" \
    --data-binary "$(person S-2)"
is "POST /api/v1/booklets with the cookie and X-CSRF-Token: 201" "$code" 201
booklets=$(sql 'SELECT count(*) FROM booklet')
req POST /api/v1/booklets -b "pn_session=$SID" --data-binary "$(person S-3)"
is "the same without X-CSRF-Token: 403" "$code" 403
check "with code 2005" body_has '"code":2005'
req POST /api/v1/booklets -b "pn_session=$SID" \
    -H "X-CSRF-Token: s_$(printf '%043d' 7)" --data-binary "$(person S-3)"
is "with a forged X-CSRF-Token: 403" "$code" 403
check "with code 2005 too" body_has '"code":2005'
req POST /api/v1/booklets -b "pn_session=$SID" -H "X-CSRF-Token;" \
    --data-binary "$(person S-3)"
is "with an empty X-CSRF-Token: 403" "$code" 403
SID1=$SID CSRF1=$CSRF
login caseworker "$PW_CW"
SID2=$SID CSRF2=$CSRF
check "a second login opens another session, with its own token" \
    test "$code" = 200 -a "$SID2" != "$SID1" -a "$CSRF2" != "$CSRF1"
req POST /api/v1/booklets -b "pn_session=$SID1" -H "X-CSRF-Token: $CSRF2" \
    --data-binary "$(person S-3)"
is "the CSRF token of another session is refused: 403" "$code" 403
is "the refused requests issued nothing" \
    "$(sql 'SELECT count(*) FROM booklet')" "$booklets"
# A login sent by a browser that holds a session replaces that session.
req POST /api/v1/login -b "pn_session=$SID2" \
    -H 'Content-Type: application/json' \
    --data-binary "{\"login\": \"caseworker\", \"password\": \"$PW_CW\"}"
count_login
SID3=$(cookie_value pn_session)
is "a login sent with a session cookie: 200" "$code" 200
req GET "/api/v1/booklets/$ID" -b "pn_session=$SID2"
is "the session it came with has ended: 401" "$code" 401
req GET "/api/v1/booklets/$ID" -b "pn_session=$SID3"
is "the new one works: 200" "$code" 200
req GET "/api/v1/booklets/$ID" -b "pn_session=$SID1"
is "another browser's session lives on: 200" "$code" 200
req POST /api/v1/booklets -H "Authorization: Bearer $TOKEN" \
    --data-binary "$(person S-4)"
is "a Bearer token POST needs no CSRF token: 201" "$code" 201
req GET "/api/v1/booklets/$ID" -b "pn_session=s_$(printf '%043d' 9)"
is "a made-up session cookie: 401" "$code" 401
check "with code 2001" body_has '"code":2001'

# --- bad login requests (no password hashing, no failure counted) ---
req POST /api/v1/login -H 'Content-Type: application/json' \
    --data-binary '{"login": "caseworker", "password": '
is "login with malformed JSON: 400" "$code" 400
check "with code 1007" body_has '"code":1007'
req POST /api/v1/login -H 'Content-Type: application/json' \
    --data-binary '{"login": "caseworker"}'
check "login without a password: 400 code 3001" \
    test "$code" = 400 -a -n "$(grep '"code":3001' "$OUT/body")"
req POST /api/v1/login -H 'Content-Type: application/json' \
    --data-binary "{\"login\": \"\", \"password\": \"$PW_CW\"}"
check "login with an empty login: 400 code 3001" \
    test "$code" = 400 -a -n "$(grep '"code":3001' "$OUT/body")"
req POST /api/v1/login -H 'Content-Type: text/plain' \
    --data-binary "{\"login\": \"caseworker\", \"password\": \"$PW_CW\"}"
check "a login posted as text/plain (another site's form) is refused: 400" \
    test "$code" = 400 -a -z "$(set_cookie pn_session)"

# same_but_request_id A B: two JSON answers identical but for their
# request ids (random, one per request).
same_but_request_id() {
	test "$(sed 's/"request_id":"[0-9a-f]*"//' "$1")" = \
	    "$(sed 's/"request_id":"[0-9a-f]*"//' "$2")"
}

# --- wrong password, unknown login ---
login caseworker wrong-password-1
is "a wrong password: 401" "$code" 401
check "with code 2003" body_has '"code":2003'
check "and no cookie" test -z "$(set_cookie pn_session)"
cp "$OUT/body" "$OUT/wrong.json"
login nobody-at-all wrong-password-1
is "an unknown login: 401" "$code" 401
check "with the very same body as a wrong password" \
    same_but_request_id "$OUT/body" "$OUT/wrong.json"

# --- throttling per account (limit 3), from 127.0.0.2 ---
codes=
for i in 1 2 3; do
	login throttle1 "wrong-password-$i" 127.0.0.2
	codes="$codes $code"
done
is "three wrong passwords for one account: 401 each" "$codes" " 401 401 401"
login throttle1 throttle-pass-1 127.0.0.2
is "then the right password: 429" "$code" 429
check "with code 2004" body_has '"code":2004'
RA=$(header Retry-After)
check "and Retry-After in 1..600 s ($RA)" \
    test -n "$RA" -a "$RA" -ge 1 -a "$RA" -le 600
check "and no cookie" test -z "$(set_cookie pn_session)"
check "and Retry-After is the first delay, 60 s or just under ($RA)" \
    test "$RA" -ge 58 -a "$RA" -le 60
check "and no cookie" test -z "$(set_cookie pn_session)"
login throttle1 wrong-password-4 127.0.0.2
is "a wrong password while held back gets the same 429" "$code" 429
# Failures count per (login, address): the account's owner, elsewhere,
# is not held back by someone else's wrong passwords.
login throttle1 throttle-pass-1 127.0.0.3
is "the right password from another address, with no failures: 200" \
    "$code" 200
is "attempts while held back are not counted as failures" \
    "$(sql "SELECT count(*) FROM login_failure WHERE login = 'throttle1'")" 3
sql "UPDATE login_failure SET at = at - 601 WHERE login = 'throttle1'"
login throttle1 throttle-pass-1 127.0.0.2
is "once failure_window has passed, the right password: 200" "$code" 200

# --- throttling per address (limit 5), from 127.0.0.4 ---
codes=
for u in ghost1 ghost2 acc1 cw2 admin; do
	login "$u" wrong-password-1 127.0.0.4
	codes="$codes $code"
done
is "five failed logins of five accounts from one address: 401 each" \
    "$codes" " 401 401 401 401 401"
login caseworker "$PW_CW" 127.0.0.4
is "then a right password from that address: 429" "$code" 429
check "with code 2004 and Retry-After" \
    test -n "$(grep '"code":2004' "$OUT/body")" -a -n "$(header Retry-After)"
login caseworker "$PW_CW" 127.0.0.5
is "the same login from another address: 200" "$code" 200

# --- a successful login clears the account's failures (127.0.0.6) ---
codes=
for pw in wrong-password-1 wrong-password-2 clearing-pass-1 \
    wrong-password-3 wrong-password-4 clearing-pass-1; do
	login clear1 "$pw" 127.0.0.6
	codes="$codes $code"
	[ "$pw" = clearing-pass-1 ] && [ -z "${cleared:-}" ] &&
	    cleared=$(sql "SELECT count(*) FROM login_failure WHERE login = 'clear1'")
done
is "the failures of an account are gone after its login" "$cleared" 0
is "2 failures, login, 2 failures, login (limit 3): the last one passes" \
    "$codes" " 401 401 200 401 401 200"

# --- logout ---
req POST /api/v1/logout -b "pn_session=$SID1"
is "logout without the CSRF token: 403" "$code" 403
check "with code 2005" body_has '"code":2005'
req GET "/api/v1/booklets/$ID" -b "pn_session=$SID1"
is "and the session still works" "$code" 200
req POST /api/v1/logout -b "pn_session=$SID1" -H "X-CSRF-Token: $CSRF1"
is "logout with the cookie and the CSRF token: 200" "$code" 200
check "answers {\"status\":\"logged out\"}" body_has '"status":"logged out"'
check "and clears the cookie (Max-Age=0)" \
    has "pn_session=; Path=/; Max-Age=0;" "$(set_cookie pn_session)"
req GET "/api/v1/booklets/$ID" -b "pn_session=$SID1"
is "the session no longer works after logout: 401" "$code" 401
check "with code 2001" body_has '"code":2001'
req POST /api/v1/logout -b "pn_session=$SID1" -H "X-CSRF-Token: $CSRF1"
is "logging out again: 401" "$code" 401
req GET "/api/v1/booklets/$ID" -b "pn_session=$SID3"
is "the caseworker's other session still works" "$code" 200
req POST /api/v1/logout -H "Authorization: Bearer $TOKEN"
is "logout with a Bearer token: 400" "$code" 400
check "with code 3001" body_has '"code":3001'
req POST /api/v1/logout
is "logout without credentials: 401" "$code" 401
CW_ID=$(sql "SELECT id FROM user WHERE login = 'caseworker'")
is "the audit log has the logout, by the caseworker" \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'logout' AND actor = 'user:$CW_ID'")" 1
is "and the failed login of the unknown account, with its address" \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND object = 'unknown' AND detail = 'from 127.0.0.1'")" 1
# A password typed in the login field must not be kept.
check "what was typed as an unknown login is nowhere in the database" \
    eval '! sqlite3 "$D/passnum.db" .dump | grep -q -e nobody-at-all -e ghost1'
is "unknown logins' failures are stored without their text" \
    "$(sql "SELECT count(*) FROM login_failure WHERE login IS NULL")" 3

# --- disabling a user ---
login cw2 caseworker2-pass
session_get "/api/v1/booklets/$ID"
is "cw2 logs in and reads a booklet" "$code" 200
expect 0 "1 browser session(s) ended" \
    "passnum-admin user disable cw2 says it ended the session" -- \
    "$ADMIN" user disable --config "$CONF" --login cw2
session_get "/api/v1/booklets/$ID"
is "the disabled user's session is refused: 401" "$code" 401
is "and gone from the database" \
    "$(sql "SELECT count(*) FROM web_session WHERE id = $SROW")" 0
login cw2 caseworker2-pass 127.0.0.8
is "a disabled user's right password: 401" "$code" 401
check "with the very same body as a wrong password" \
    same_but_request_id "$OUT/body" "$OUT/wrong.json"
"$ADMIN" user enable --config "$CONF" --login cw2 >/dev/null
login cw2 caseworker2-pass 127.0.0.8
is "enabled again, cw2 logs in: 200" "$code" 200
stop
is "passnumd stops cleanly" "$status" 0

# --- idle and absolute expiry (idle_timeout 60 s, max_age 300 s) ---
cp "$CONF" "$D/bad.ini"
printf '\n[session]\nidle_timeout = 2\n' >>"$D/bad.ini"
expect 1 "idle_timeout: expected a number from 60 to 86400" \
    "passnumd refuses idle_timeout = 2 (60 s at least)" -- \
    "$BUILD/bin/passnumd" --config "$D/bad.ini"
cp "$CONF" "$D/b.ini"
printf '\n[session]\nidle_timeout = 60\nmax_age = 300\n' >>"$D/b.ini"
check "passnumd starts with idle_timeout 60, max_age 300" \
    passnumd_start "$D/b.ini"

login caseworker "$PW_CW"
check "the cookie lasts max_age (Max-Age=300)" \
    has "; Max-Age=300;" "$(set_cookie pn_session)"
age "$SROW" 50
session_get "/api/v1/booklets/$ID"
is "a request 50 s after the last one: the session lives" "$code" 200
age "$SROW" 50
session_get "/api/v1/booklets/$ID"
is "50 s after that request, it still lives: that request counted" \
    "$code" 200
age "$SROW" 61
session_get "/api/v1/booklets/$ID"
is "61 s without a request: 401" "$code" 401
check "with code 2001" body_has '"code":2001'
is "the idle session is gone from the database" \
    "$(sql "SELECT count(*) FROM web_session WHERE id = $SROW")" 0
login caseworker "$PW_CW"
sql "UPDATE web_session SET created_at = created_at - 290 WHERE id = $SROW"
session_get "/api/v1/booklets/$ID"
is "an active session 290 s after login lives" "$code" 200
sql "UPDATE web_session SET created_at = created_at - 11 WHERE id = $SROW"
session_get "/api/v1/booklets/$ID"
is "an active session 301 s after login (max_age 300): 401" "$code" 401
login caseworker "$PW_CW"
age "$SROW" 61
session_get /accueil
is "a page with an idle session: 303" "$code" 303
is "to /connexion" "$(header Location)" /connexion

# --- pages: the login form ---
req GET /
check "GET /: 303 to /accueil" \
    test "$code" = 303 -a "$(header Location)" = /accueil
req GET /accueil
check "GET /accueil without a cookie: 303 to /connexion" \
    test "$code" = 303 -a "$(header Location)" = /connexion
# form: GET /connexion; its pn_login cookie in $LC, its field in $LF.
form() {
	req GET "/connexion${1:-}" ${SID:+-b "pn_session=$SID"}
	LC=$(cookie_value pn_login)
	LF=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/body")
}
# form_login COOKIE FIELD LOGIN PASSWORD: POST /connexion.
form_login() {
	req POST /connexion ${1:+-b "pn_login=$1"} \
	    --data-urlencode "login_csrf=$2" --data-urlencode "login=$3" \
	    --data-urlencode "password=$4"
}
SID=
form
is "GET /connexion: 200" "$code" 200
check "the form's token is in the pn_login cookie and the field alike" \
    test -n "$LC" -a "$LC" = "$LF"
check "pn_login is HttpOnly and SameSite=Strict" \
    has "; HttpOnly; SameSite=Strict" "$(set_cookie pn_login)"
# security_headers PAGE: the policy forbids scripts, framing; French.
security_headers() {
	csp=$(header Content-Security-Policy)
	check "$1: Content-Security-Policy default-src 'none'" \
	    has "default-src 'none'" "$csp"
	check "$1: the policy allows no script" \
	    eval '! has script-src "$csp" && ! has unsafe "$csp"'
	check "$1: frame-ancestors 'none'" has "frame-ancestors 'none'" "$csp"
	is "$1: X-Frame-Options DENY" "$(header X-Frame-Options)" DENY
	check "$1: <html lang=\"fr\">" body_has '<html lang="fr">'
	check "$1: no <script> element" eval '! grep -qi "<script" "$OUT/body"'
}
security_headers /connexion

form_login "$LC" "$LF" caseworker "$PW_CW"
count_login
is "POST /connexion with cookie, field and password: 303" "$code" 303
is "to /accueil" "$(header Location)" /accueil
PS=$(cookie_value pn_session)
check "with a session cookie, HttpOnly and SameSite=Strict" \
    test -n "$PS" -a -n "$(set_cookie pn_session | grep -F '; HttpOnly; SameSite=Strict')"
check "and the pn_login cookie cleared" \
    has "pn_login=; Path=/; Max-Age=0;" "$(set_cookie pn_login)"
req GET /accueil -b "pn_session=$PS"
is "GET /accueil with it: 200" "$code" 200
check "the page names the caseworker" body_has "Camille Martin"
PCSRF=$(grep -o 'name="csrf" value="[^"]*"' "$OUT/body" | head -n 1 |
    sed 's/.*value="//; s/"$//')
check "its logout form carries the session's CSRF token" has s_ "$PCSRF"
security_headers /accueil
SID=$PS
form
check "GET /connexion when logged in: 303 to /accueil" \
    test "$code" = 303 -a "$(header Location)" = /accueil
SID=

sessions=$(sql 'SELECT count(*) FROM web_session')
form
form_login "" "$LF" caseworker "$PW_CW"
is "POST /connexion without the pn_login cookie: 403" "$code" 403
check "and no session cookie" test -z "$(set_cookie pn_session)"
check "a French page says the form expired" body_has "formulaire a expiré"
form
LC1=$LC
form
form_login "$LC1" "$LF" caseworker "$PW_CW"
is "POST /connexion with a login_csrf that differs from the cookie: 403" \
    "$code" 403
check "and no session cookie" test -z "$(set_cookie pn_session)"
form_login "" "" caseworker "$PW_CW"
is "POST /connexion with neither: 403" "$code" 403
is "none of them opened a session" \
    "$(sql 'SELECT count(*) FROM web_session')" "$sessions"
form
form_login "$LC" "$LF" caseworker wrong-password-1
count_login
is "the form with a wrong password: 401" "$code" 401
check "and no session cookie" test -z "$(set_cookie pn_session)"
check "the page says why, in French" body_has "mot de passe incorrect"
# Failures from the address the form is sent from (127.0.0.1).
now=$(date +%s)
sql "INSERT INTO login_failure (login, address, at) VALUES
    ('throttle1', '127.0.0.1', $now), ('throttle1', '127.0.0.1', $now),
    ('throttle1', '127.0.0.1', $now), ('throttle1', '127.0.0.1', $now),
    ('throttle1', '127.0.0.1', $now)"
form
form_login "$LC" "$LF" throttle1 throttle-pass-1
is "the form for an account held back (5 failures): 429" "$code" 429
check "with Retry-After" test -n "$(header Retry-After)"
check "and no session cookie" test -z "$(set_cookie pn_session)"
check "the page says to wait" body_has "Trop d’essais"

# --- pages: logging out ---
req POST /deconnexion -b "pn_session=$PS"
is "POST /deconnexion without the csrf field: 403" "$code" 403
check "a French page" body_has "Formulaire expiré ou invalide"
security_headers "the 403 page"
req GET /accueil -b "pn_session=$PS"
is "and the session still works" "$code" 200
req POST /deconnexion -b "pn_session=$PS" --data-urlencode "csrf=$PCSRF"
is "POST /deconnexion with the csrf field: 303" "$code" 303
is "to /connexion?deconnecte=1" "$(header Location)" "/connexion?deconnecte=1"
check "and clears the session cookie" \
    has "pn_session=; Path=/; Max-Age=0;" "$(set_cookie pn_session)"
req GET /accueil -b "pn_session=$PS"
check "then /accueil with the old cookie: 303 to /connexion" \
    test "$code" = 303 -a "$(header Location)" = /connexion
form "?deconnecte=1"
check "/connexion?deconnecte=1 says so" body_has "Vous êtes déconnecté"

# --- every route, each role logged in by session ---
req GET "/api/v1/booklets/$ID" -H "Authorization: Bearer $TOKEN"
SERIAL=$(sed -n 's/.*"vouchers":\[{"serial":\([0-9]*\),.*/\1/p' "$OUT/body")
PRINTED=$(sed -n 's/.*"vouchers":\[{[^}]*"printed":"\([^"]*\)".*/\1/p' \
    "$OUT/body")
check "the booklet's first voucher is $SERIAL ($PRINTED)" \
    test -n "$SERIAL" -a -n "$PRINTED"
PRINTED_Q=${PRINTED// /%20}	# for a query string
for who in caseworker venue1 acc1 admin; do
	case $who in
	caseworker) pw=$PW_CW page=200 json=200 post=201 bad=400 lieu=403 ;;
	admin) pw=$PW_AD page=200 json=200 post=201 bad=400 lieu=200 ;;
	venue1) pw=venue-password-1 page=403 json=403 post=403 bad=403 lieu=200 ;;
	acc1) pw=accountant-pass-1 page=403 json=403 post=403 bad=403 lieu=403 ;;
	esac
	login "$who" "$pw"
	is "$who logs in" "$code" 200
	c="pn_session=$SID"
	# r WANT METHOD PATH [CURL-ARGS...]
	r() {
		want=$1
		shift
		req "$@" -b "$c"
		is "$1 $2 as $who by session: $want" "$code" "$want"
	}
	# Logged in, staff and venues go on to their pages; other roles, whom
	# the pages would refuse, see the login form.
	if [ "$page" = 200 ] || [ "$lieu" = 200 ]; then
		r 303 GET /connexion
	else
		r 200 GET /connexion
	fi
	r "$lieu" GET /lieu
	r "$page" GET /accueil
	if [ "$page" = 403 ]; then
		check "the refusal is a French page" \
		    body_has "Votre rôle ne permet pas cette action"
	fi
	r "$page" GET /carnets/nouveau
	r "$page" POST /carnets/nouveau --data-urlencode "csrf=$CSRF" \
	    -d programme=1 -d "ref=R-$who" -d pathway=rsa -d age_band=26-44 \
	    --data-urlencode "commune=Rezé"
	r "$page" GET "/carnets/$ID"
	r "$bad" POST "/carnets/$ID/annuler" --data-urlencode "csrf=$CSRF"
	r "$bad" POST "/cheques/$SERIAL/annuler" --data-urlencode "csrf=$CSRF"
	r "$page" GET "/recherche?numero=$PRINTED_Q"
	r 200 GET /static/passnum.css
	r "$json" GET "/api/v1/booklets/$ID"
	if [ "$json" = 403 ]; then
		check "the refusal has code 2002" body_has '"code":2002'
	fi
	r "$json" GET "/api/v1/booklets/$ID.pdf"
	r "$post" POST /api/v1/booklets -H "X-CSRF-Token: $CSRF" \
	    --data-binary "$(person "J-$who")"
	r "$bad" POST "/api/v1/booklets/$ID/cancel" -H "X-CSRF-Token: $CSRF" \
	    --data-binary '{}'
	r "$json" GET "/api/v1/vouchers/$SERIAL"
	r "$json" GET "/api/v1/vouchers?printed=$PRINTED_Q"
	r "$bad" POST "/api/v1/vouchers/$SERIAL/cancel" \
	    -H "X-CSRF-Token: $CSRF" --data-binary '{}'
	r 200 GET /api/v1/trust
	r 200 GET /api/v1/denylist
	r 303 POST /deconnexion --data-urlencode "csrf=$CSRF"
	r 303 GET /accueil
done
is "no voucher or booklet was cancelled by the role checks" \
    "$(sql "SELECT (SELECT count(*) FROM voucher WHERE status != 'issued') +
    (SELECT count(*) FROM booklet WHERE status != 'issued')")" 0
stop
is "passnumd stops cleanly" "$status" 0

# --- the audit log ---
is "the audit log has every successful login ($n_login)" \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'login'")" "$n_login"
is "and every failed one ($n_fail), none of those held back" \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'login.fail'")" "$n_fail"
is "and every logout (1 API, 1 + 4 pages)" \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'logout'")" 6
expect 0 "hash chain unbroken" "passnum-admin audit finds the chain whole" -- \
    "$ADMIN" audit --config "$CONF"

done_testing
