# test_applications.sh -- « Devenir lieu partenaire »: a venue applies on the
# public page (errors at their fields, the form token, the honeypot, the
# per-address limit), and an admin accepts (the venue and its first user,
# whose one-time password logs in) or refuses (the reason kept).
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
trap passnumd_stop EXIT
db() { sqlite3 "$D/passnum.db" "$1"; }

get() { # PATH JAR
	code=$(curl -s -b "$2" -c "$2" -o "$OUT/file" -w '%{http_code}' \
	    "$URL$1")
}
login() { # JAR LOGIN PASSWORD
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/file")
	code=$(curl -s -b "$1" -c "$1" -o /dev/null -w '%{http_code}' \
	    --data-urlencode "login_csrf=$lc" --data-urlencode "login=$2" \
	    --data-urlencode "password=$3" "$URL/connexion")
}
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/file" | head -n 1; }

# apply JAR SIRET IBAN [EXTRA...]: the public form, sent with its token.
apply() {
	jar=$1 siret=$2 iban=$3
	shift 3
	get /devenir-lieu-partenaire "$jar"
	ac=$(sed -n 's/.*name="apply_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/file")
	code=$(curl -s -b "$jar" -c "$jar" -o "$OUT/file" -w '%{http_code}' \
	    --data-urlencode "apply_csrf=$ac" --data-urlencode "nom=Tiers-lieu du Port" \
	    --data-urlencode "siret=$siret" --data-urlencode "adresse=2 quai Nord" \
	    --data-urlencode "commune=Nantes" --data-urlencode "contact_nom=Alex Morel" \
	    --data-urlencode "contact_email=alex@example.fr" \
	    --data-urlencode "contact_tel=0240000000" --data-urlencode "iban=$iban" \
	    --data-urlencode "bic=CCBPFRPPNAN" --data-urlencode "theme-0=1" \
	    --data-urlencode "message=Ateliers le mardi" "$@" \
	    "$URL/devenir-lieu-partenaire")
}
IBAN=FR7630006000011234567890189
SIRET=21440143200015

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
check "passnumd starts" passnumd_start "$CFG"
ADMIN_PW=$(password_of admin)

# --- The public form ---------------------------------------------------------
get /devenir-lieu-partenaire "$OUT/anon"
check "the form is public: 200" test "$code" = 200
check "with a honeypot hidden from people" grep -q 'class="hp" aria-hidden="true"' "$OUT/file"
check "and no script" sh -c "! grep -qi '<script' '$OUT/file'"

apply "$OUT/anon" 12345678901234 FR00BAD
check "bad SIRET and IBAN: 400" test "$code" = 400
check "the summary links to the SIRET" grep -q 'href="#siret"' "$OUT/file"
check "and to the IBAN" grep -q 'href="#iban"' "$OUT/file"
check "the SIRET's French message at its field" grep -q 'id="siret-error"' "$OUT/file"
check "the typed name is kept" grep -q 'value="Tiers-lieu du Port"' "$OUT/file"
check "nothing stored" test "$(db 'SELECT count(*) FROM venue_application')" = 0

# No token: another site posting through a visitor's browser.
code=$(curl -s -o "$OUT/file" -w '%{http_code}' --data "nom=X&siret=$SIRET" \
    "$URL/devenir-lieu-partenaire")
check "without the form token: 403" test "$code" = 403
check "nothing stored" test "$(db 'SELECT count(*) FROM venue_application')" = 0

apply "$OUT/anon" $SIRET $IBAN --data-urlencode "site_web=http://spam.example"
check "the honeypot filled: a 200 that looks like success" test "$code" = 200
check "the same words as a real one" grep -q "votre candidature est envoyée" "$OUT/file"
check "and nothing stored" test "$(db 'SELECT count(*) FROM venue_application')" = 0

apply "$OUT/anon" "214 401 432 00015" "fr76 3000 6000 0112 3456 7890 189"
check "a good application: 200" test "$code" = 200
check "stored pending, identifiers canonical" test \
    "$(db "SELECT siret || ' ' || iban || ' ' || status FROM venue_application")" = \
    "$SIRET $IBAN pending"
check "with its audit row" test \
    "$(db "SELECT count(*) FROM audit_log WHERE action = 'application.receive' AND actor = 'public'")" = 1
check "no venue yet" test "$(db "SELECT count(*) FROM venue WHERE siret = '$SIRET'")" = 0
apply "$OUT/anon" 35600000000001 $IBAN
apply "$OUT/anon" 73282932000074 $IBAN
check "the third from one address: 200" test "$code" = 200
apply "$OUT/anon" 44306184100047 $IBAN
check "the fourth within a day: 429" test "$code" = 429
check "with a French page" grep -q "Réessayez demain" "$OUT/file"
check "nothing more stored" test "$(db 'SELECT count(*) FROM venue_application')" = 3

# --- Who sees the queue -------------------------------------------------------
get /admin/candidatures "$OUT/nobody"
check "anonymous on the queue: sent to the login" sh -c "test '$code' = 303 || test '$code' = 302"
login "$OUT/cw" caseworker "$(password_of caseworker)"
get /admin/candidatures "$OUT/cw"
check "a caseworker on the queue: 403" test "$code" = 403
login "$OUT/adm" admin "$ADMIN_PW"
get /admin/candidatures "$OUT/adm"
check "the admin's queue: 200" test "$code" = 200
check "lists the application" grep -q "Tiers-lieu du Port" "$OUT/file"
T=$(csrf_of)
A1=$(db "SELECT id FROM venue_application WHERE siret = '$SIRET'")
A2=$(db "SELECT id FROM venue_application WHERE siret = '35600000000001'")

code=$(curl -s -b "$OUT/cw" -o /dev/null -w '%{http_code}' --data "password=x" \
    "$URL/admin/candidatures/$A1/accepter")
check "a caseworker cannot accept: 403" test "$code" = 403
code=$(curl -s -b "$OUT/adm" -o /dev/null -w '%{http_code}' \
    --data-urlencode "password=$ADMIN_PW" "$URL/admin/candidatures/$A1/accepter")
check "accept without the CSRF token: 403" test "$code" = 403
code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' --data-urlencode "csrf=$T" \
    --data-urlencode "password=wrong-password-1" "$URL/admin/candidatures/$A1/accepter")
check "accept with a wrong password: 401" test "$code" = 401
check "no venue made" test "$(db "SELECT count(*) FROM venue WHERE siret = '$SIRET'")" = 0

code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' --data-urlencode "csrf=$T" \
    --data-urlencode "password=$ADMIN_PW" "$URL/admin/candidatures/$A1/accepter")
check "accept with the password: 200" test "$code" = 200
OTP=$(sed -n 's/.*class="enrol-code">\([^<]*\)<.*/\1/p' "$OUT/file")
check "the page shows a one-time password" test ${#OTP} = 16
check "and the login" grep -q "lieu-$SIRET" "$OUT/file"
check "the venue is made" test "$(db "SELECT iban FROM venue WHERE siret = '$SIRET'")" = $IBAN
check "its user belongs to it" test "$(db "SELECT u.role FROM user u JOIN venue v ON v.id = u.venue_id WHERE u.login = 'lieu-$SIRET'")" = venue
check "the application is accepted" test "$(db "SELECT status FROM venue_application WHERE id = $A1")" = accepted
check "audit rows: venue.add, user.add, application.accept" test \
    "$(db "SELECT count(*) FROM audit_log WHERE action IN ('venue.add', 'user.add', 'application.accept') AND actor = 'admin'")" = 3
code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' --data-urlencode "csrf=$T" \
    --data-urlencode "password=$ADMIN_PW" "$URL/admin/candidatures/$A1/accepter")
check "accepting twice: 409, nothing more" test "$code" = 409
check "still one venue" test "$(db "SELECT count(*) FROM venue WHERE siret = '$SIRET'")" = 1
login "$OUT/venue" "lieu-$SIRET" "$OTP"
check "the one-time password logs the venue in" test "$code" = 303
check "which must choose its own password first" test \
    "$(db "SELECT must_change_password FROM user WHERE login = 'lieu-$SIRET'")" = 1
code=$(curl -s -b "$OUT/venue" -o /dev/null -w '%{redirect_url}' "$URL/lieu")
check "any page leads the venue to « Mon compte » until then" \
    sh -c "echo '$code' | grep -q '/compte$'"
check "the password is not kept in clear" sh -c "! sqlite3 '$D/passnum.db' .dump | grep -qF '$OTP'"

code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' --data-urlencode "csrf=$T" \
    --data-urlencode "motif=" "$URL/admin/candidatures/$A2/refuser")
check "a refusal without a reason: 400" test "$code" = 400
code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' --data-urlencode "csrf=$T" \
    --data-urlencode "motif=Pas d'ateliers numériques" "$URL/admin/candidatures/$A2/refuser")
check "a refusal with a reason: 303" test "$code" = 303
check "the reason is recorded" test "$(db "SELECT reason FROM venue_application WHERE id = $A2")" = "Pas d'ateliers numériques"
check "with its audit row" test "$(db "SELECT detail FROM audit_log WHERE action = 'application.refuse'")" = "Pas d'ateliers numériques"
check "no venue for it" test "$(db "SELECT count(*) FROM venue WHERE siret = '35600000000001'")" = 0
code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' --data-urlencode "csrf=$T" \
    --data-urlencode "password=$ADMIN_PW" "$URL/admin/candidatures/$A2/accepter")
check "a refused one cannot be accepted: 409" test "$code" = 409
check "the audit chain holds" "$ADMIN" audit --config "$CFG"

done_testing
