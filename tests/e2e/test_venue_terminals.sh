# test_venue_terminals.sh -- a venue's « Postes » page: adding a terminal
# from the browser and revoking a lost one, tried as a venue, another
# venue and an outsider would.
#
# Venue A's user types their password again and gets a one-time code and
# the command to type; the real passnum-terminal enrols with it, opens a
# session and redeems a voucher; the code used a second time fails. A
# wrong password gives the form again, writes no code and is counted by
# the login throttle; a form without the session's CSRF token is refused;
# a suspended venue gets no code. Venue B revoking A's terminal is 404 and
# A's terminal still works; A revokes it (after a confirmation step) and
# its next signed request is refused. Caseworkers and accountants are
# refused, an anonymous visitor is sent to the login page.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIRET_A=21440143200015
SIRET_B=35600000000001

stop() { passnumd_stop; }
trap stop EXIT
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
term() {
	dir=$1
	shift
	run "$TERMINAL" "$@" --data "$dir"
}
vcode() { # N: the Nth voucher's code of the booklet
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | sed -n "$1p" |
	    sed 's/"code":"//; s/"$//'
}
# The browser's side: a cookie jar per person, each page in $OUT/page.html.
get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
}
post() { # PATH JAR FIELD=VALUE...
	p=$1 jar=$2
	shift 2
	args=()
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	code=$(curl -s -b "$jar" -c "$jar" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' "${args[@]}" "$URL$p")
}
login() { # JAR LOGIN PASSWORD
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/page.html")
	curl -s -b "$1" -c "$1" -o /dev/null --data-urlencode "login_csrf=$lc" \
	    --data-urlencode "login=$2" --data-urlencode "password=$3" \
	    "$URL/connexion"
}
# csrf JAR: the session's CSRF token, read from a page as a browser would.
csrf() {
	get /lieu/postes "$1"
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" |
	    head -n 1
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
# The code as the page shows it, and the command it says to type.
shown_code() {
	sed -n 's/.*<p class="enrol-code"><span class="vh">[^<]*<\/span>\([A-Z0-9-]*\)<\/p>.*/\1/p' \
	    "$OUT/page.html"
}
shown_command() {
	sed -n 's/.*<pre><code>\([^<]*\)<\/code><\/pre>.*/\1/p' \
	    "$OUT/page.html" | sed "s/&#39;/'/g; s/&quot;/\"/g; s/&amp;/\&/g"
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET_A "Médiathèque de Rezé"
venue_add "$CFG" $SIRET_B "Espace numérique Bouguenais"
for u in "va venue $SIRET_A" "vb venue $SIRET_B" "acc accountant"; do
	set -- $u
	password_of "$1" | "$ADMIN" user add --config "$CFG" --login "$1" \
	    --name "$1" --role "$2" ${3:+--venue "$3"} >/dev/null
done
password_of cw2 | "$ADMIN" user add --config "$CFG" --login cw2 \
    --name "cw2" --role caseworker --agency 1 >/dev/null

# The server's public address is configured: the page prints it.
check "passnumd starts" passnumd_start "$CFG"
passnumd_stop
sed -i "s/^port = 0$/port = $PORT/; s|^\[server\]$|[server]\npublic_url = $URL/|" "$CFG"
check "passnumd starts with public_url" passnumd_start "$CFG"
curl -s -o "$OUT/booklet.json" -H "Authorization: Bearer $TOKEN" \
    --data-binary '{"programme": 1, "beneficiary": {"ref": "P-1",
    "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
    "$URL/api/v1/booklets"
check "a booklet to redeem" test -n "$(vcode 3)"

# --- Who may see the page -------------------------------------------------
get /lieu/postes "$OUT/anon"
check "anonymous: sent to the login page" sh -c "[ $code = 303 ] &&
    grep -qi '^location: /connexion' '$OUT/headers'"
login "$OUT/cw" cw2 "$(password_of cw2)"
get /lieu/postes "$OUT/cw"
check "a caseworker: 403 ($code)" test "$code" = 403
login "$OUT/acc" acc "$(password_of acc)"
get /lieu/postes "$OUT/acc"
check "an accountant: 403 ($code)" test "$code" = 403
A_CSRF_ACC=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" | head -n 1)
post /lieu/postes "$OUT/acc" "csrf=$A_CSRF_ACC" "password=$(password_of acc)"
check "an accountant asking a code, with its own password: 403 ($code)" \
    test "$code" = 403

login "$OUT/a" va "$(password_of va)"
login "$OUT/b" vb "$(password_of vb)"
get /lieu/postes "$OUT/a"
check "venue A sees its Postes page" sh -c "[ $code = 200 ] &&
    grep -qF 'Aucun poste n’est inscrit pour ce lieu' '$OUT/page.html' &&
    grep -qF 'Ajouter un poste' '$OUT/page.html'"
check "the navigation links to it" has '<a href="/lieu/postes">Postes</a>'
CA=$(csrf "$OUT/a")
CB=$(csrf "$OUT/b")

# --- Adding a terminal ----------------------------------------------------
post /lieu/postes "$OUT/a" "csrf=$CA" "nom=Accueil" "password=not-the-password"
check "a wrong password: 401, the form again" sh -c "[ $code = 401 ] &&
    grep -qF 'Mot de passe incorrect' '$OUT/page.html' &&
    grep -qF 'aria-invalid=\"true\"' '$OUT/page.html'"
check "and no code is written" test "$(q 'SELECT count(*) FROM enrol_code')" = 0
check "the failure is counted by the login throttle" \
    test "$(q "SELECT count(*) FROM login_failure WHERE login = 'va'")" = 1
post /lieu/postes "$OUT/a" "nom=Accueil" "password=$(password_of va)"
check "without the CSRF token: refused ($code), no code" sh -c \
    "[ $code = 403 ] && [ \$(sqlite3 '$DB' 'SELECT count(*) FROM enrol_code') = 0 ]"
post /lieu/postes "$OUT/a" "csrf=$CB" "nom=Accueil" "password=$(password_of va)"
check "with another session's CSRF token: refused ($code)" test "$code" = 403
post /lieu/postes "$OUT/a" "csrf=$CA" "nom=Salle d'accueil" \
    "password=$(password_of va)"
C1=$(shown_code)
check "the right password: a code, shown once ($C1)" sh -c "[ $code = 200 ] &&
    echo '$C1' | grep -qE '^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$'"
check "its expiry in Paris time" grep -qE \
    'jusqu’au [0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2} \(heure de Paris\)' \
    "$OUT/page.html"
check "the page is not kept by the browser" \
    grep -qi '^cache-control: no-store' "$OUT/headers"
CMD=$(shown_command)
check "the command names the configured server and the code" sh -c \
    "echo \"\$1\" | grep -qF -- \"passnum-terminal enrol --server $URL --code $C1\"" \
    _ "$CMD"
check "it pins the master key (--master, 64 hex digits)" sh -c \
    "echo \"\$1\" | grep -qE -- '--master [0-9a-f]{64}$'" _ "$CMD"
check "the failures of va are forgotten after the right password" \
    test "$(q "SELECT count(*) FROM login_failure WHERE login = 'va'")" = 0
check "one audit row terminal.code by va" test \
    "$(q "SELECT count(*) FROM audit_log WHERE action = 'terminal.code' AND actor = 'va'")" = 1

# The command as shown, typed on the terminal (the label quoted for the shell).
eval "set -- ${CMD#passnum-terminal }"
run "$TERMINAL" "$@" --data "$OUT/ta"
said 0 "Médiathèque de Rezé" "the real passnum-terminal enrols with the page's command"
TA=$(q "SELECT max(id) FROM terminal WHERE venue_id = 1")
check "with the label typed on the page" \
    test "$(q "SELECT label FROM terminal WHERE id = $TA")" = "Salle d'accueil"
term "$OUT/ta" session open --theme 2 --duration 90
S=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{8\}\).*/\1/p' "$OUT/stdout")
check "the terminal opens a session" test -n "$S"
term "$OUT/ta" redeem "$(vcode 1)" --session "$S"
said 0 "ACCEPTÉ" "and redeems a voucher"
run "$TERMINAL" enrol --server "$URL" --code "$C1" --data "$OUT/tx"
check "the code used a second time is refused ($status)" sh -c \
    "[ $status != 0 ] && grep -qF 'inscription refusée' '$OUT/stderr'"
check "no second terminal was enrolled" \
    test "$(q 'SELECT count(*) FROM terminal')" = 1

get /lieu/postes "$OUT/a"
check "the list shows it: label, enrolled on, last exchange, Actif" sh -c \
    "grep -qF '<td>$TA</td><td>Salle d&#39;accueil</td>' '$OUT/page.html' &&
     grep -qE '<td>[0-9]{2}/[0-9]{2}/[0-9]{4}</td><td>[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}</td><td>Actif</td>' '$OUT/page.html'"
get /lieu/postes "$OUT/b"
check "venue B's page does not show A's terminal" sh -c \
    "[ $code = 200 ] && ! grep -qF 'Salle d' '$OUT/page.html'"

# --- Revoking: another venue cannot, the venue itself can -------------------
audit=$(q "SELECT count(*) FROM audit_log")
post "/lieu/postes/$TA/revoquer" "$OUT/b" "csrf=$CB" "motif=volé" "confirmer=oui"
check "venue B revoking A's terminal: 404 ($code)" test "$code" = 404
check "nothing written" sh -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM terminal WHERE id = $TA AND revoked_at IS NULL\") = 1 ] &&
    [ \$(sqlite3 '$DB' 'SELECT count(*) FROM audit_log') = $audit ]"
post "/lieu/postes/9999/revoquer" "$OUT/a" "csrf=$CA" "motif=volé" "confirmer=oui"
check "a terminal that does not exist: the same 404 ($code)" test "$code" = 404
term "$OUT/ta" session open --theme 2 --duration 90
S=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{8\}\).*/\1/p' "$OUT/stdout")
term "$OUT/ta" redeem "$(vcode 2)" --session "$S"
said 0 "ACCEPTÉ" "A's terminal still works: a new session, a voucher"
post "/lieu/postes/$TA/revoquer" "$OUT/a" "motif=volé" "confirmer=oui"
check "revoking without the CSRF token: refused ($code)" sh -c "[ $code = 403 ] &&
    [ \$(sqlite3 '$DB' \"SELECT count(*) FROM terminal WHERE revoked_at IS NOT NULL\") = 0 ]"
post "/lieu/postes/$TA/revoquer" "$OUT/a" "csrf=$CA"
check "the list's button: the confirmation page, asking the reason" sh -c \
    "[ $code = 200 ] && grep -qF 'Révoquer le poste n° $TA' '$OUT/page.html' &&
     grep -qF 'name=\"motif\"' '$OUT/page.html'"
post "/lieu/postes/$TA/revoquer" "$OUT/a" "csrf=$CA" "motif= " "confirmer=oui"
check "confirmed without a reason: asked again (400), nothing written" sh -c \
    "[ $code = 400 ] && grep -qF 'Le motif manque' '$OUT/page.html' &&
     [ \$(sqlite3 '$DB' \"SELECT count(*) FROM terminal WHERE revoked_at IS NOT NULL\") = 0 ]"
post "/lieu/postes/$TA/revoquer" "$OUT/a" "csrf=$CA" "motif=ordinateur volé"
check "with a reason: a confirmation step first, nothing written" sh -c \
    "[ $code = 200 ] && grep -qF 'Oui, révoquer ce poste' '$OUT/page.html' &&
     [ \$(sqlite3 '$DB' \"SELECT count(*) FROM terminal WHERE revoked_at IS NOT NULL\") = 0 ]"
post "/lieu/postes/$TA/revoquer" "$OUT/a" "csrf=$CA" "motif=ordinateur volé" \
    "confirmer=oui"
check "confirmed: revoked, back to the list ($code)" sh -c "[ $code = 303 ] &&
    grep -qi '^location: /lieu/postes?revoque=$TA' '$OUT/headers'"
check "one audit row terminal.revoke by va, with the reason" test "$(q "SELECT
    count(*) FROM audit_log WHERE action = 'terminal.revoke' AND actor = 'va'
    AND object = 'terminal:$TA' AND detail = 'ordinateur volé'")" = 1
term "$OUT/ta" session open --theme 2 --duration 90
said 4 "révoqué" "its next signed request is refused"
check "no session was declared by it" test \
    "$(q "SELECT count(*) FROM training_session WHERE terminal_id = $TA")" = 2
get "/lieu/postes?revoque=$TA" "$OUT/a"
check "the list says it: Révoqué le …: the reason" sh -c "grep -qF 'est révoqué' '$OUT/page.html' &&
    grep -qE 'Révoqué le [0-9]{2}/[0-9]{2}/[0-9]{4} : ordinateur volé' '$OUT/page.html'"
post "/lieu/postes/$TA/revoquer" "$OUT/a" "csrf=$CA" "motif=encore" "confirmer=oui"
check "revoking it again: 409 ($code)" test "$code" = 409

# --- A suspended venue gets no code ---------------------------------------
"$ADMIN" venue suspend --config "$CFG" --siret $SIRET_A --reason "contrôle" \
    >/dev/null
get /lieu/postes "$OUT/a"
check "suspended: the page says no new terminal, and has no form" sh -c \
    "grep -qF 'aucun nouveau poste ne peut être inscrit' '$OUT/page.html' &&
     ! grep -qF 'name=\"password\"' '$OUT/page.html'"
n=$(q 'SELECT count(*) FROM enrol_code')
post /lieu/postes "$OUT/a" "csrf=$CA" "password=$(password_of va)"
check "and a code asked anyway is refused (403), nothing written" sh -c \
    "[ $code = 403 ] && [ \$(sqlite3 '$DB' 'SELECT count(*) FROM enrol_code') = $n ]"

# --- The throttle: guessing through this form is a login attempt ----------
for i in 1 2 3 4 5; do
	post /lieu/postes "$OUT/b" "csrf=$CB" "password=guess-$i"
done
post /lieu/postes "$OUT/b" "csrf=$CB" "password=$(password_of vb)"
check "after 5 wrong passwords even the right one waits (429: $code)" sh -c \
    "[ $code = 429 ] && grep -qF 'Trop d’essais manqués' '$OUT/page.html'"
check "and no code was given to venue B" test \
    "$(q 'SELECT count(*) FROM enrol_code WHERE venue_id = 2')" = 0

stop
done_testing
