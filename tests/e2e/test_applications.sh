# test_applications.sh -- « Devenir lieu partenaire »: a venue applies on the
# public page (errors at their fields, the form token, the honeypot, the
# per-address limit), and an admin accepts (the venue and its first user,
# whose one-time password logs in) or refuses (the reason kept). The new
# venue's first day then: « Mon compte » only until it chooses its own
# password, which the one-time one no longer replaces; its first session
# opened from the browser; its first voucher typed, accepted and owed to
# the IBAN it applied with.
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
	    --data-urlencode "bic=CCBPFRPPNAN" --data-urlencode "theme-1=1" \
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
check "the theme ticked, by its name" test \
    "$(db "SELECT themes = (SELECT name || char(10) FROM theme WHERE id = 1)
    FROM venue_application")" = 1
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

# --- The venue's first day: its own password, a session, a voucher ------------
get /compte "$OUT/venue"
VC=$(csrf_of)
check "« Mon compte » opens for it, and says why" sh -c "[ $code = 200 ] &&
    grep -qF 'mot de passe est provisoire' '$OUT/file'"
code=$(curl -s -b "$OUT/venue" -c "$OUT/venue" -o "$OUT/file" \
    -w '%{http_code} %{redirect_url}' --data-urlencode "csrf=$VC" \
    --data-urlencode "actuel=$OTP" --data-urlencode "nouveau=tiers-lieu-du-port" \
    --data-urlencode "confirmation=tiers-lieu-du-port" "$URL/compte/mot-de-passe")
check "it chooses its own password: 303 to « Mon compte » ($code)" sh -c \
    "echo '$code' | grep -q '^303 .*/compte?fait=mot-de-passe$'"
check "no longer one-time" test \
    "$(db "SELECT must_change_password FROM user WHERE login = 'lieu-$SIRET'")" = 0
login "$OUT/venue2" "lieu-$SIRET" "$OTP"
get /lieu "$OUT/venue2"
check "the one-time password no longer logs in" test "$code" = 303
login "$OUT/venue2" "lieu-$SIRET" tiers-lieu-du-port
get /lieu "$OUT/venue2"
check "its own does: the venue's pages, its name on them" sh -c "[ $code = 200 ] &&
    grep -qF 'Tiers-lieu du Port' '$OUT/file'"
get /lieu/seance "$OUT/venue2"
VC=$(csrf_of)
code=$(curl -s -b "$OUT/venue2" -c "$OUT/venue2" -o "$OUT/file" \
    -w '%{http_code} %{redirect_url}' --data-urlencode "csrf=$VC" \
    --data-urlencode "theme=démarches en ligne" --data-urlencode debut=maintenant \
    --data-urlencode duree=90 "$URL/lieu/seance")
check "its first session opened from the browser: 303 to « Encaisser » ($code)" \
    sh -c "echo '$code' | grep -q '^303 .*/lieu/encaisser?seance=[0-9]*$'"
S1=$(echo "$code" | sed 's/.*seance=//')
check "the session is the new venue's" test "$(db "SELECT v.siret FROM
    training_session t JOIN venue v ON v.id = t.venue_id WHERE t.id = $S1")" = "$SIRET"
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
curl -s -o "$OUT/booklet.json" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary '{"programme": 1,
    "beneficiary": {"ref": "PORT-1", "pathway": "rsa", "age_band": "26-44",
    "commune": "Nantes"}}' "$URL/api/v1/booklets"
P0=$(python3 -c "import json; print(json.load(open('$OUT/booklet.json'))['vouchers'][0]['printed'])")
K0=$(python3 -c "import json; print(json.load(open('$OUT/booklet.json'))['vouchers'][0]['control_key'])")
get "/lieu/encaisser?seance=$S1" "$OUT/venue2"
VC=$(csrf_of)
code=$(curl -s -b "$OUT/venue2" -c "$OUT/venue2" -o "$OUT/file" \
    -w '%{http_code}' --data-urlencode "csrf=$VC" --data-urlencode "seance=$S1" \
    --data-urlencode "numero=$P0" --data-urlencode "cle=$K0" "$URL/lieu/encaisser")
check "its first voucher typed: ACCEPTÉ ($code)" sh -c "[ $code = 200 ] &&
    grep -qF '>ACCEPTÉ</h2>' '$OUT/file'"
check "recorded for the new venue, owed to its IBAN" test "$(db "SELECT
    count(*) || '|' || min(v.iban) FROM redemption r JOIN training_session t
    ON t.id = r.session_id JOIN venue v ON v.id = t.venue_id
    WHERE r.outcome = 'accepted' AND v.siret = '$SIRET'")" = "1|$IBAN"

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
