# test_admin_users.sh -- the administration's users pages and « Mon compte »,
# driven with curl and cookie jars as an admin, a caseworker and the people
# the admin adds: each role added from the page, its one-time password shown
# once and forcing a change at the first login (every other page sends to
# the form, the API refuses), disabling (sessions ended, login refused),
# resetting a password, ending sessions, revoking tokens (the token refused
# after), the admin's password asked again where it hands over power (a
# wrong one refused and counted as a failed login), a form without its
# CSRF token refused, every route closed to the other roles (403) and to
# visitors (the login page), an admin unable to disable themself or the
# last admin, and « Mon compte »: a wrong current password refused, the
# password rule, the sessions listed and ended (only one's own).
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIRET=21440143200015

stop() { passnumd_stop; }
trap stop EXIT

get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
}
# post PATH JAR FIELD=VALUE...: a form, with the session's CSRF token
# (JAR.csrf) unless a csrf= field is given ("csrf=" alone: none at all).
post() {
	p=$1 jar=$2
	shift 2
	args=()
	case " $* " in
	*" csrf= "*) ;;
	*" csrf="*) ;;
	*) args+=(--data-urlencode "csrf=$(cat "$jar.csrf" 2>/dev/null)") ;;
	esac
	for f in "$@"; do
		[ "$f" = "csrf=" ] && continue
		args+=(--data-urlencode "$f")
	done
	[ ${#args[@]} -eq 0 ] && args=(--data-binary '')
	code=$(curl -s -b "$jar" -c "$jar" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' "${args[@]}" "$URL$p")
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
location() { sed -n 's/^Location: *//Ip' "$OUT/headers" | tr -d '\r'; }
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
# login JAR LOGIN PASSWORD: through the form; the landing page's CSRF token
# in JAR.csrf, the landing path in $landed.
login() {
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/page.html")
	code=$(curl -s -b "$1" -c "$1" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' --data-urlencode "login_csrf=$lc" \
	    --data-urlencode "login=$2" --data-urlencode "password=$3" \
	    "$URL/connexion")
	login_code=$code
	landed=$(location)
	if [ -n "$landed" ]; then
		curl -s -L -b "$1" -c "$1" -o "$OUT/landing.html" \
		    "$URL$landed"
		csrf_of "$OUT/landing.html" >"$1.csrf"
	fi
	code=$login_code
}
# refresh JAR: the CSRF token of the page just fetched, into JAR.csrf.
refresh() { csrf_of "$OUT/page.html" >"$1.csrf"; }
temp_password() {
	sed -n 's/.*id="provisoire">\([^<]*\)<.*/\1/p' "$OUT/page.html"
}
uid() { q "SELECT id FROM user WHERE login = '$1'"; }
sessions_of() {
	q "SELECT count(*) FROM web_session WHERE user_id = $(uid "$1")"
}
failures_of() { q "SELECT count(*) FROM login_failure WHERE login = '$1'"; }
audits() { q "SELECT count(*) FROM audit_log WHERE action = '$1'"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
ADMIN_PW=$(sed -n 's/^admin password: //p' "$D/demo-credentials.txt")
CW_PW=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
venue_add "$CFG" "$SIRET" "Médiathèque Diderot"
check "passnumd starts" passnumd_start "$CFG"
JA="$OUT/jar-admin"
JC="$OUT/jar-caseworker"
JN="$OUT/jar-new"
JN2="$OUT/jar-new2"
ADMIN_ID=$(uid admin)
CW_ID=$(uid caseworker)

# --- Who may come -----------------------------------------------------------
ROUTES_GET="/admin/utilisateurs /admin/utilisateurs/$CW_ID"
ROUTES_POST="/admin/utilisateurs /admin/utilisateurs/$ADMIN_ID/desactiver
/admin/utilisateurs/$ADMIN_ID/activer /admin/utilisateurs/$ADMIN_ID/mot-de-passe
/admin/utilisateurs/$ADMIN_ID/sessions /admin/utilisateurs/$ADMIN_ID/jetons"
: >"$OUT/anon"
bad=
for r in $ROUTES_GET; do
	get "$r" "$OUT/anon"
	[ "$code" = 303 ] && [ "$(location)" = /connexion ] || bad="$bad GET$r:$code"
done
get /compte "$OUT/anon"
[ "$code" = 303 ] || bad="$bad GET/compte:$code"
check "a visitor is sent to the login page from every new page" test -z "$bad"
login "$JC" caseworker "$CW_PW"
check "the caseworker logs in" test "$code" = 303
bad=
for r in $ROUTES_GET; do
	get "$r" "$JC"
	[ "$code" = 403 ] || bad="$bad GET$r:$code"
done
for r in $ROUTES_POST; do
	post "$r" "$JC" login=x "motdepasse=$CW_PW"
	[ "$code" = 403 ] || bad="$bad POST$r:$code"
done
check "a caseworker gets 403 on every administration route" test -z "$bad"
check "and the admin's account is untouched" \
    test "$(q "SELECT disabled FROM user WHERE login = 'admin'")" = 0
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "$URL/admin/utilisateurs")
check "a caseworker's API token gets 403 on the users page" test "$code" = 403

# --- The list -----------------------------------------------------------------
login "$JA" admin "$ADMIN_PW"
check "the admin logs in" test "$code" = 303
get /admin "$JA"
check "GET /admin links to the users section" has 'href="/admin/utilisateurs"'
check "the menu leads to « Mon compte »" has 'href="/compte">Mon compte</a>'
get /admin/utilisateurs "$JA"
refresh "$JA"
check "GET /admin/utilisateurs: 200" test "$code" = 200
check "listing the demo's caseworker, its role in French" \
    has "<td>Conseiller d’agence</td>"
check "and its agency" has "EDS Nantes Est (n° 1)"
check "and the admin's last login" \
    sh -c "! grep -q '<td>Inconnue</td></tr>' '$OUT/page.html' || grep -q 'Actif</td><td>[0-9]' '$OUT/page.html'"
get "/admin/utilisateurs?role=admin" "$JA"
check "filtered by role: the admin, not the caseworker" \
    sh -c "grep -q '>admin</a>' '$OUT/page.html' && ! grep -q '>caseworker</a>' '$OUT/page.html'"

# --- Adding each role -----------------------------------------------------------
post /admin/utilisateurs "$JA" csrf= identifiant=cw-nocsrf nom=X role=caseworker agence=1
check "a form without its CSRF token: 403" test "$code" = 403
check "and no account made" test -z "$(uid cw-nocsrf)"
post /admin/utilisateurs "$JA" identifiant= nom= role=caseworker agence=
check "an empty form: 400" test "$code" = 400
check "every field's error at once, in the summary" \
    sh -c "grep -q 'href=\"#identifiant\"' '$OUT/page.html' && grep -q 'href=\"#nom\"' '$OUT/page.html'"
post /admin/utilisateurs "$JA" identifiant=cw-x nom=Xavier role=caseworker agence=
check "a caseworker without an agency: 400, at its field" \
    sh -c "[ $code = 400 ] && grep -q 'id=\"agence-error\"' '$OUT/page.html'"
post /admin/utilisateurs "$JA" identifiant=v-x nom=Xavier role=venue
check "a venue user without a SIRET: 400, at its field" \
    sh -c "[ $code = 400 ] && grep -q 'id=\"siret-error\"' '$OUT/page.html'"
post /admin/utilisateurs "$JA" identifiant=v-x nom=Xavier role=venue siret=21440143200023
check "a SIRET of no venue: refused at its field" has 'id="siret-error"'
post /admin/utilisateurs "$JA" identifiant=caseworker nom=Double role=caseworker agence=1
check "a login already taken: 409" test "$code" = 409
check "saying so" has "Cet identifiant est déjà pris"

post /admin/utilisateurs "$JA" identifiant=camille "nom=Camille Martin" role=caseworker agence=1
check "adding a caseworker: 200" test "$code" = 200
CAMILLE_PW=$(temp_password)
check "its one-time password shown: 16 characters" test ${#CAMILLE_PW} = 16
check "marked to be changed" \
    test "$(q "SELECT must_change_password FROM user WHERE login = 'camille'")" = 1
check "with an audit row user.add by the admin" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'user.add' AND actor = 'admin' AND detail LIKE '%camille%'")" = 1
get /admin/utilisateurs "$JA"
check "the password is not on the list" sh -c "! grep -qF '$CAMILLE_PW' '$OUT/page.html'"
get "/admin/utilisateurs/$(uid camille)" "$JA"
check "nor on the account's page" sh -c "! grep -qF '$CAMILLE_PW' '$OUT/page.html'"
check "which says it is provisional" has "mot de passe provisoire"
check "the database keeps only its hash" \
    test "$(q "SELECT count(*) FROM user WHERE password_hash LIKE '%$CAMILLE_PW%'")" = 0

post /admin/utilisateurs "$JA" identifiant=lieu1 "nom=Accueil Diderot" role=venue "siret=214 401 432 00015"
check "adding a venue user with its venue: 200" test "$code" = 200
LIEU_PW=$(temp_password)
check "in its venue" test "$(q "SELECT v.siret FROM user u JOIN venue v ON v.id = u.venue_id WHERE login = 'lieu1'")" = "$SIRET"
post /admin/utilisateurs "$JA" identifiant=compta1 "nom=Claude Comptable" role=accountant
check "adding an accountant: 200" test "$code" = 200
post /admin/utilisateurs "$JA" identifiant=fin1 "nom=Élu Financeur" role=funder
check "adding a funder: 200" test "$code" = 200
check "roles as asked" \
    test "$(q "SELECT group_concat(role, ',') FROM (SELECT role FROM user WHERE login IN ('camille','lieu1','compta1','fin1') ORDER BY login)")" = "caseworker,accountant,funder,venue"

# An admin: the acting admin's password again.
F0=$(failures_of admin)
post /admin/utilisateurs "$JA" identifiant=admin2 "nom=Alex Admin" role=admin
check "adding an admin without the password: 400" test "$code" = 400
check "asking for it at its field" has 'id="motdepasse-error"'
post /admin/utilisateurs "$JA" identifiant=admin2 "nom=Alex Admin" role=admin motdepasse=wrong-password-123
check "with a wrong password: 401" test "$code" = 401
check "no admin made" test -z "$(uid admin2)"
check "the wrong password counted as a failed login of the admin" \
    test "$(failures_of admin)" -gt "$F0"
check "with its audit row login.fail" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND object = 'admin'")" -ge 1
post /admin/utilisateurs "$JA" identifiant=admin2 "nom=Alex Admin" role=admin "motdepasse=$ADMIN_PW"
check "with the right password: 200" test "$code" = 200
ADMIN2_PW=$(temp_password)
check "the failures forgotten" test "$(failures_of admin)" = 0

# --- The first login ------------------------------------------------------------
login "$JN" camille "$CAMILLE_PW"
check "the one-time password logs in" test "$code" = 303
check "landing on « Mon compte », which says why" \
    grep -q 'Votre mot de passe est provisoire' "$OUT/landing.html"
bad=
for r in /accueil /carnets /carnets/nouveau /recherche /echeances; do
	get "$r" "$JN"
	[ "$code" = 303 ] && [ "$(location)" = /compte ] || bad="$bad $r:$code"
done
check "every other page sends to the change form" test -z "$bad"
post /carnets/nouveau "$JN" programme=1
check "a form elsewhere too" test "$code" = 303 -a "$(location)" = /compte
code=$(curl -s -b "$JN" -o "$OUT/body" -w '%{http_code}' "$URL/api/v1/vouchers?serial=1")
check "the API refuses the session (403, code 7102)" \
    sh -c "[ $code = 403 ] && grep -q 7102 '$OUT/body'"
get /compte "$JN"
refresh "$JN"
check "GET /compte: 200" test "$code" = 200
post /compte/mot-de-passe "$JN" actuel=not-the-password nouveau=camille-choisit-1 confirmation=camille-choisit-1
check "a wrong current password: 401" test "$code" = 401
check "said at its field" has 'id="actuel-error"'
check "and counted as a failed login" test "$(failures_of camille)" -ge 1
post /compte/mot-de-passe "$JN" "actuel=$CAMILLE_PW" nouveau=court confirmation=autre
check "a short new password and a mismatch: 400" test "$code" = 400
check "both said at once" \
    sh -c "grep -q 'href=\"#nouveau\"' '$OUT/page.html' && grep -q 'href=\"#confirmation\"' '$OUT/page.html'"
post /compte/mot-de-passe "$JN" csrf= "actuel=$CAMILLE_PW" nouveau=camille-choisit-1 confirmation=camille-choisit-1
check "the change without its CSRF token: 403" test "$code" = 403
post /compte/mot-de-passe "$JN" "actuel=$CAMILLE_PW" nouveau=camille-choisit-1 confirmation=camille-choisit-1
check "the change: 303 to « Mon compte »" test "$code" = 303 -a "$(location)" = "/compte?fait=mot-de-passe"
check "no longer one-time" \
    test "$(q "SELECT must_change_password FROM user WHERE login = 'camille'")" = 0
get /carnets "$JN"
check "the session goes on, and every page opens" test "$code" = 200
refresh "$JN"
login "$JN2" camille "$CAMILLE_PW"
check "the one-time password no longer works" test "$code" = 401
login "$JN2" camille camille-choisit-1
check "the chosen one does" test "$code" = 303 -a "$landed" = /accueil

# --- « Mon compte »: sessions --------------------------------------------------
get /compte "$JN"
refresh "$JN"
check "two sessions listed" test "$(grep -o '/compte/sessions/[0-9]*/terminer' "$OUT/page.html" | wc -l)" = 2
check "this browser's one said so" has "C’est la connexion de ce navigateur."
OTHER=$(q "SELECT max(id) FROM web_session WHERE user_id = $(uid camille)")
ADMIN_SESS=$(q "SELECT max(id) FROM web_session WHERE user_id = $ADMIN_ID")
post "/compte/sessions/$ADMIN_SESS/terminer" "$JN"
check "ending another user's session: 404" test "$code" = 404
check "and it lives on" test "$(sessions_of admin)" -ge 1
post "/compte/sessions/$OTHER/terminer" "$JN"
check "ending one's other session: 303" test "$code" = 303
check "with its audit row session.end" test "$(audits session.end)" = 1
get /carnets "$JN2"
check "that browser is logged out" test "$code" = 303 -a "$(location)" = /connexion
get /carnets "$JN"
check "this one is not" test "$code" = 200

# --- Disable, enable --------------------------------------------------------------
CAM=$(uid camille)
post "/admin/utilisateurs/$CAM/desactiver" "$JA" csrf=
check "disabling without the CSRF token: 403" test "$code" = 403
post "/admin/utilisateurs/$CAM/desactiver" "$JA"
check "disabling a caseworker: 303" test "$code" = 303
check "disabled" test "$(q "SELECT disabled FROM user WHERE id = $CAM")" = 1
check "its sessions ended" test "$(sessions_of camille)" = 0
get /carnets "$JN"
check "its browser logged out" test "$code" = 303 -a "$(location)" = /connexion
login "$JN2" camille camille-choisit-1
check "its login refused" test "$code" = 401
post "/admin/utilisateurs/$CAM/activer" "$JA"
check "enabling it again" test "$code" = 303 -a "$(q "SELECT disabled FROM user WHERE id = $CAM")" = 0
login "$JN2" camille camille-choisit-1
check "it logs in again" test "$code" = 303

# --- Tokens -----------------------------------------------------------------------
CTOKEN=$("$ADMIN" token create --config "$CFG" --login camille)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CTOKEN" "$URL/api/v1/vouchers?serial=1")
check "camille's token works" test "$code" != 401
get "/admin/utilisateurs/$CAM" "$JA"
check "the page counts one live token" has "<dt>Jetons d’accès valides</dt><dd>1</dd>"
post "/admin/utilisateurs/$CAM/jetons" "$JA"
check "revoking its tokens: 303" test "$code" = 303
check "with its audit row" test "$(audits user.tokens_revoke)" = 1
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CTOKEN" "$URL/api/v1/vouchers?serial=1")
check "the token is refused after (401)" test "$code" = 401

# --- End sessions -----------------------------------------------------------------
post "/admin/utilisateurs/$CAM/sessions" "$JA"
check "ending its sessions: 303" test "$code" = 303
check "none left" test "$(sessions_of camille)" = 0
check "with its audit row" test "$(audits user.sessions_end)" = 1

# --- Reset -------------------------------------------------------------------------
login "$JN" camille camille-choisit-1
"$ADMIN" token create --config "$CFG" --login camille >/dev/null
post "/admin/utilisateurs/$CAM/mot-de-passe" "$JA"
check "a reset without the admin's password: 400" test "$code" = 400
F0=$(failures_of admin)
post "/admin/utilisateurs/$CAM/mot-de-passe" "$JA" motdepasse=wrong-password-123
check "with a wrong one: 401" test "$code" = 401
check "counted" test "$(failures_of admin)" -gt "$F0"
check "and the password unchanged" test "$(q "SELECT must_change_password FROM user WHERE id = $CAM")" = 0
post "/admin/utilisateurs/$CAM/mot-de-passe" "$JA" "motdepasse=$ADMIN_PW"
check "with the right one: 200" test "$code" = 200
NEW_PW=$(temp_password)
check "a new one-time password shown" test ${#NEW_PW} = 16
check "saying one session ended and one token revoked" \
    has "1 connexion terminée, 1 jeton révoqué"
check "its sessions ended" test "$(sessions_of camille)" = 0
check "its tokens revoked" \
    test "$(q "SELECT count(*) FROM api_token WHERE user_id = $CAM AND revoked = 0")" = 0
login "$JN" camille camille-choisit-1
check "the old password refused" test "$code" = 401
login "$JN" camille "$NEW_PW"
check "the new one-time password logs in, to the change form" \
    grep -q 'Votre mot de passe est provisoire' "$OUT/landing.html"

# --- Admins ---------------------------------------------------------------------------
post "/admin/utilisateurs/$ADMIN_ID/desactiver" "$JA" "motdepasse=$ADMIN_PW"
check "an admin cannot disable themself: 409" test "$code" = 409
check "said in French" has "Vous ne pouvez pas désactiver votre propre compte"
check "still enabled" test "$(q "SELECT disabled FROM user WHERE id = $ADMIN_ID")" = 0
A2=$(uid admin2)
post "/admin/utilisateurs/$A2/desactiver" "$JA"
check "disabling an admin without the password: 400" test "$code" = 400
check "still enabled" test "$(q "SELECT disabled FROM user WHERE id = $A2")" = 0
post "/admin/utilisateurs/$A2/desactiver" "$JA" "motdepasse=$ADMIN_PW"
check "with it: 303" test "$code" = 303 -a "$(q "SELECT disabled FROM user WHERE id = $A2")" = 1
expect 1 "last enabled admin" "passnum-admin cannot disable the last admin either" \
    -- "$ADMIN" user disable --config "$CFG" --login admin
check "the last admin stays enabled" test "$(q "SELECT disabled FROM user WHERE id = $ADMIN_ID")" = 0
post "/admin/utilisateurs/$A2/activer" "$JA"
check "admin2 enabled again" test "$(q "SELECT disabled FROM user WHERE id = $A2")" = 0
login "$OUT/jar-a2" admin2 "$ADMIN2_PW"
get /admin/utilisateurs "$OUT/jar-a2"
check "a new admin's first login: the users page sends to the form" \
    test "$code" = 303 -a "$(location)" = /compte
get /compte "$OUT/jar-a2"
refresh "$OUT/jar-a2"
post /compte/mot-de-passe "$OUT/jar-a2" "actuel=$ADMIN2_PW" nouveau=admin2-choisit-1 confirmation=admin2-choisit-1
get /admin/utilisateurs "$OUT/jar-a2"
refresh "$OUT/jar-a2"
check "admin2 chose a password and reaches the list" test "$code" = 200
post "/admin/utilisateurs/$ADMIN_ID/desactiver" "$OUT/jar-a2" motdepasse=admin2-choisit-1
check "admin2 disables the first admin" test "$code" = 303
post "/admin/utilisateurs/$A2/desactiver" "$JA" "motdepasse=$ADMIN_PW"
check "whose session ended with it" test "$code" = 303 -a "$(location)" = /connexion
"$ADMIN" user enable --config "$CFG" --login admin >/dev/null

# --- Every role's « Mon compte » -----------------------------------------------------
bad=
for u in "lieu1:$LIEU_PW" ; do
	login "$OUT/jar-r" "${u%%:*}" "${u#*:}"
	get /compte "$OUT/jar-r"
	[ "$code" = 200 ] || bad="$bad ${u%%:*}:$code"
done
login "$JC" caseworker "$CW_PW"
get /compte "$JC"
[ "$code" = 200 ] || bad="$bad caseworker:$code"
check "« Mon compte » opens for a venue user and a caseworker" test -z "$bad"

# --- A name is text, never markup -----------------------------------------------------
login "$JA" admin "$ADMIN_PW"
post /admin/utilisateurs "$JA" identifiant=evil 'nom=<script>alert(1)</script>' role=accountant
get /admin/utilisateurs "$JA"
check "a name with markup is shown escaped" \
    sh -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' '$OUT/page.html' && ! grep -qF '<script>' '$OUT/page.html'"

# --- Guessing through the re-authentication: the login's throttle ----------------------
get "/admin/utilisateurs/$CAM" "$JA"
refresh "$JA"
for i in 1 2 3 4 5; do
	post "/admin/utilisateurs/$CAM/mot-de-passe" "$JA" "motdepasse=guess-$i-password"
done
post "/admin/utilisateurs/$CAM/mot-de-passe" "$JA" "motdepasse=$ADMIN_PW"
check "after 5 wrong passwords, even the right one waits: 429" test "$code" = 429
check "with Retry-After" test -n "$(sed -n 's/^Retry-After: *//Ip' "$OUT/headers")"
check "and no reset made" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'user.passwd' AND object = 'user:$CAM'")" = 2
login "$OUT/jar-x" admin "$ADMIN_PW"
check "the login form is throttled alike (429)" test "$code" = 429
login "$JC" caseworker "$CW_PW"
get /compte "$JC"
refresh "$JC"
for i in 1 2 3 4 5; do
	post /compte/mot-de-passe "$JC" "actuel=guess-$i-password" nouveau=caseworker-nouveau-1 confirmation=caseworker-nouveau-1
done
post /compte/mot-de-passe "$JC" "actuel=$CW_PW" nouveau=caseworker-nouveau-1 confirmation=caseworker-nouveau-1
check "« Mon compte » after 5 wrong current passwords: 429" test "$code" = 429
check "the password unchanged" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'user.passwd' AND object = 'user:$CW_ID'")" = 0

passnumd_stop
check "passnumd stops cleanly" test "$status" = 0
check "the audit chain verifies" "$ADMIN" audit --config "$CFG"
done_testing
