# test_booklets.sh -- a caseworker's API client issues booklets; each voucher
# verifies offline against the bundle the server publishes; budgets, limits,
# roles and bad bodies are refused with their codes.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"

start() { passnumd_start "$D/passnumd.ini"; }
stop() { passnumd_stop; }
trap stop EXIT

# post TOKEN JSON: POST /api/v1/booklets; status in $code, body in $OUT/body.
post() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    ${1:+-H "Authorization: Bearer $1"} -H 'Content-Type: application/json' \
	    --data-binary "$2" "$URL/api/v1/booklets")
}
get() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    ${1:+-H "Authorization: Bearer $1"} "$URL$2")
}
person() { # REF [REASON]
	printf '{"programme": %s, "beneficiary": {"ref": "%s", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}%s}' \
	    "${PROG:-1}" "$1" "${2:+, \"reason\": \"$2\"}"
}

expect 0 "set-up ready" "passnum-admin init --demo makes a data directory" -- \
    "$ADMIN" init --data "$D" --demo --port 0
check "the reference secret is 0600" test "$(stat -c %a "$D/keys/ref.key")" = 600
expect 1 "refusing to overwrite a set-up" "init never overwrites a set-up" -- \
    "$ADMIN" init --data "$D"
check "and leaves no temporary directory behind" \
    test -z "$(ls -d "$D".init-* 2>/dev/null)"
check "the demo credentials are 0600" \
    test "$(stat -c %a "$D/demo-credentials.txt")" = 600
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
check "passnumd starts on the new data" start

post "" "$(person A-1)"
check "no token: 401" test "$code" = 401
check "401 carries code 2001" grep -q '"code":2001' "$OUT/body"
post "pn_notatoken" "$(person A-1)"
check "an unknown token: 401" test "$code" = 401

post "$TOKEN" "$(person DOSSIER-42)"
check "a caseworker issues a booklet: 201" test "$code" = 201
cp "$OUT/body" "$OUT/booklet.json"
n=$(grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | wc -l)
check "the booklet holds 10 vouchers" test "$n" = 10
check "the programme's name keeps its accent" \
    grep -q '"programme_name":"Pass numérique 2026"' "$OUT/booklet.json"
check "printed serials come with the vouchers" \
    grep -q '"printed":"0000 0000 0001 3"' "$OUT/booklet.json"

get "" /api/v1/trust
check "GET /api/v1/trust serves the bundle without a token" test "$code" = 200
cp "$OUT/body" "$OUT/trust.bundle"
ok_count=0
for c in $(grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | \
    sed 's/"code":"//; s/"$//' | tr ' ' '~'); do
	c=$(printf '%s' "$c" | tr '~' ' ')
	if "$TERMINAL" verify "$c" --bundle "$OUT/trust.bundle" \
	    --master "$D/keys/master" >/dev/null; then
		ok_count=$((ok_count + 1))
	fi
done
check "every voucher verifies offline against the published bundle" \
    test "$ok_count" = 10

ID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$OUT/booklet.json")
get "$TOKEN" "/api/v1/booklets/$ID"
check "GET the booklet: 200" test "$code" = 200
check "with the same vouchers" test \
    "$(grep -o '"code":"[^"]*"' "$OUT/body")" = \
    "$(grep -o '"code":"[^"]*"' "$OUT/booklet.json")"
# keys_of FILE: the control keys of a booklet's JSON, one a line.
keys_of() { grep -o '"control_key":"[^"]*"' "$1" | sed 's/.*:"//; s/"$//'; }
check "each voucher comes with a control key XXXX-XXXX of the alphabet" \
    test "$(keys_of "$OUT/booklet.json" |
    grep -cx '[2-9A-HJKMNP-Z]\{4\}-[2-9A-HJKMNP-Z]\{4\}')" = 10
check "10 different keys" \
    test "$(keys_of "$OUT/booklet.json" | sort -u | wc -l)" = 10
check "the same keys when the booklet is read again" \
    test "$(keys_of "$OUT/body")" = "$(keys_of "$OUT/booklet.json")"
check "each right after its voucher's code" test "$(grep -o \
    '"code":"PN1:[^"]*","control_key":"[^"]*"' "$OUT/booklet.json" |
    wc -l)" = 10
get "$TOKEN" /api/v1/booklets/99999
check "an unknown booklet: 404 code 3006" grep -q '"code":3006' "$OUT/body"
get "$TOKEN" /api/v1/booklets/abc
check "a non-numeric booklet id: 404" test "$code" = 404

post "$TOKEN" "$(person DOSSIER-42)"
check "a second booklet for the same person: 409" test "$code" = 409
check "409 carries code 3004" grep -q '"code":3004' "$OUT/body"
post "$TOKEN" "$(person DOSSIER-42 'carnet perdu, déclaré le 3/11')"
check "with a reason it is issued" test "$code" = 201

post "$TOKEN" '{"programme": 1, "beneficiary": '
check "malformed JSON: 400 code 1007" grep -q '"code":1007' "$OUT/body"
post "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "X", "age_band": "26-44", "commune": "Nantes"}}'
check "a missing pathway: 400 code 3001" grep -q '"code":3001' "$OUT/body"
check "the detail names the field" grep -q 'beneficiary.pathway' "$OUT/body"
post "$TOKEN" '{"programme": 77, "beneficiary": {"ref": "X", "pathway": "rsa", "age_band": "26-44", "commune": "Nantes"}}'
check "an unknown programme: 404 code 3002" grep -q '"code":3002' "$OUT/body"
post "$TOKEN" '{"programme": "1"}'
check "a programme that is not a number: 400 code 3001" grep -q '"code":3001' "$OUT/body"
# Blank references would all hash alike, as if one person.
post "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "   ", "pathway": "rsa", "age_band": "26-44", "commune": "Nantes"}}'
check "a reference of spaces only: 400 code 3001 naming it" sh -c \
    "[ $code = 400 ] && grep -q '\"code\":3001' '$OUT/body' &&
     grep -q 'beneficiary.ref' '$OUT/body'"

# Roles: a venue's token may not issue.
venue_add "$D/passnumd.ini" 21440143200015 "Médiathèque de Rezé"
printf 'venue-password-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login venue1 --name "Médiathèque de Rezé" --role venue \
    --venue 21440143200015 >/dev/null
VTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login venue1)
post "$VTOKEN" "$(person V-1)"
check "a venue may not issue: 403 code 2002" grep -q '"code":2002' "$OUT/body"

# The route x role matrix: every route, every role, and no token.
printf 'accountant-pass-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login acc1 --name "Service financier" --role accountant >/dev/null
ATOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login acc1)
ADTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login admin)
# The funder's staff and elected officials: the dashboard only.
printf 'funder-pass-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login fin1 --name "Élue du Département" --role funder >/dev/null
FTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login fin1)
# want ROUTE-STATUS-FOR: none caseworker venue accountant admin funder
# Each route tested is written to $OUT/tested as "METHOD PATTERN", the path
# without its query and with numbers as {}, as server/passnumd/routes.c spells it.
: >"$OUT/tested"
matrix() { # METHOD PATH BODY EXPECTED...
	method=$1 path=$2 body=$3
	shift 3
	printf '%s %s\n' "$method" "$path" |
	    sed -E 's/\?.*//; s#/[0-9]+#/{}#g' >>"$OUT/tested"
	for who in none caseworker venue accountant admin funder; do
		case $who in
		none) t= ;; caseworker) t=$TOKEN ;; venue) t=$VTOKEN ;;
		accountant) t=$ATOKEN ;; admin) t=$ADTOKEN ;; funder) t=$FTOKEN ;;
		esac
		want=$1
		shift
		got=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" \
		    ${t:+-H "Authorization: Bearer $t"} \
		    ${body:+--data-binary "$(printf '%s' "$body" | \
		    sed "s/WHO/$who/")"} "$URL$path")
		check "$method $path as $who: $want" test "$got" = "$want"
	done
}
# Booklets to cancel, one per cancelling route (IDn), and the serial of
# the first voucher of a booklet (Sn).
id_of() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$1"; }
first_serial() { sed -n 's/.*"vouchers":\[{"serial":\([0-9]*\),.*/\1/p' "$1"; }
for i in 2 3 4 5; do
	post "$TOKEN" "$(person MX-$i)"
	cp "$OUT/body" "$OUT/booklet$i.json"
done
ID2=$(id_of "$OUT/booklet2.json") S3=$(first_serial "$OUT/booklet3.json")
ID4=$(id_of "$OUT/booklet4.json") S5=$(first_serial "$OUT/booklet5.json")
check "four more booklets to cancel" test -n "$ID2" -a -n "$S3" -a -n "$ID4" -a -n "$S5"
SERIAL=$(first_serial "$OUT/booklet.json")
PRINTED=$(sed -n 's/.*"vouchers":\[{[^}]*"printed":"\([^"]*\)".*/\1/p' \
    "$OUT/booklet.json" | sed 's/ /%20/g')
matrix GET /healthz "" 200 200 200 200 200 200
matrix GET /metrics "" 200 200 200 200 200 200
matrix GET /api/v1/trust "" 200 200 200 200 200 200
matrix GET /api/v1/denylist "" 200 200 200 200 200 200
matrix GET /api/v1/checkpoint "" 200 200 200 200 200 200
# Public; "{}" lacks login and password (and is not sent as JSON): 400.
matrix POST /api/v1/login "{}" 400 400 400 400 400 400
# A token is not a session: nothing to log out.
matrix POST /api/v1/logout "" 401 400 400 400 400 400
matrix POST /api/v1/booklets "$(person M-WHO)" 401 201 403 403 201 403
matrix GET "/api/v1/booklets/$ID.pdf" "" 401 200 403 403 200 403
matrix GET "/api/v1/booklets/$ID" "" 401 200 403 403 200 403
# The caseworker cancels first; the admin then finds nothing left: 409.
matrix POST "/api/v1/booklets/$ID2/cancel" '{"reason": "matrice WHO"}' \
    401 200 403 403 409 403
matrix GET "/api/v1/vouchers?printed=$PRINTED" "" 401 200 403 403 200 403
matrix GET "/api/v1/vouchers/$SERIAL" "" 401 200 403 403 200 403
matrix POST "/api/v1/vouchers/$S3/cancel" '{"reason": "matrice WHO"}' \
    401 200 403 403 409 403
# The terminal routes: enrolment takes a code, not a token ("{}" has none:
# 400); the others need a terminal's signature, which no token replaces.
matrix GET /api/v1/themes "" 200 200 200 200 200 200
matrix POST /api/v1/terminals/enrol "{}" 400 400 400 400 400 400
matrix GET /api/v1/terminal "" 401 401 401 401 401 401
matrix POST /api/v1/sessions "{}" 401 401 401 401 401 401
matrix GET /api/v1/sessions "" 401 401 401 401 401 401
matrix POST /api/v1/redemptions "{}" 401 401 401 401 401 401
matrix POST /api/v1/redemptions/batch "{}" 401 401 401 401 401 401
matrix POST /api/v1/terminal/receipts "{}" 401 401 401 401 401 401
# The pages: tokens act there too (no CSRF token needed); without any
# credentials a page sends to /connexion (303).
matrix GET / "" 303 303 303 303 303 303
matrix GET /static/passnum.css "" 200 200 200 200 200 200
matrix GET /connexion "" 200 200 200 200 200 200
# Without the form's pn_login cookie, a login form is refused.
matrix POST /connexion "login=WHO&password=matrice-password" \
    403 403 403 403 403 403
# A token has no session to end: back to the login page.
matrix POST /deconnexion "" 303 303 303 303 303 303
matrix GET /accueil "" 303 200 403 403 200 403
matrix GET /admin "" 303 403 403 403 200 403
# The users pages: an empty form (400), and an account that does not
# exist (404), so that the matrix changes nothing.
matrix GET /admin/utilisateurs "" 303 403 403 403 200 403
matrix POST /admin/utilisateurs "" 303 403 403 403 400 403
matrix GET /admin/utilisateurs/999999 "" 303 403 403 403 404 403
for a in desactiver activer mot-de-passe sessions jetons; do
	matrix POST "/admin/utilisateurs/999999/$a" "" 303 403 403 403 404 403
done
# « Mon compte », every role's: an empty form (400), no such session (404).
matrix GET /compte "" 303 200 200 200 200 200
matrix POST /compte/mot-de-passe "" 303 400 400 400 400 400
matrix POST /compte/sessions/999999/terminer "" 303 404 404 404 404 404
# The admins' venue pages: bad forms (400), no pending bank change (404).
matrix GET /admin/lieux "" 303 403 403 403 200 403
matrix POST /admin/lieux "name=" 303 403 403 403 400 403
matrix GET /admin/lieux/1 "" 303 403 403 403 200 403
matrix POST /admin/lieux/1/modifier "contact=" 303 403 403 403 400 403
matrix POST /admin/lieux/1/etat "etat=suspendu&motif=" 303 403 403 403 400 403
matrix POST /admin/lieux/1/rib "iban=x&bic=y" 303 403 403 403 400 403
matrix POST /admin/lieux/1/rib/approuver "changement=1&password=matrice" \
    303 403 403 403 404 403
# The agencies and programmes: empty forms (400; a programme's without the
# password again too), no such agency or programme (404).
matrix GET /admin/agences "" 303 403 403 403 200 403
matrix POST /admin/agences "nom=" 303 403 403 403 400 403
matrix GET /admin/agences/1 "" 303 403 403 403 200 403
matrix POST /admin/agences/999999/modifier "nom=X&type=eds" \
    303 403 403 403 404 403
matrix GET /admin/programmes "" 303 403 403 403 200 403
matrix POST /admin/programmes "nom=" 303 403 403 403 400 403
matrix GET /admin/programmes/1 "" 303 403 403 403 200 403
matrix POST /admin/programmes/1/modifier "nom=" 303 403 403 403 400 403
# The session themes: an empty name (400), no such theme (404).
matrix GET /admin/themes "" 303 403 403 403 200 403
matrix POST /admin/themes "theme=" 303 403 403 403 400 403
matrix POST /admin/themes/999999/retirer "" 303 403 403 403 404 403
matrix POST /admin/themes/999999/retablir "" 303 403 403 403 404 403
# A venue applies on a public page; without its form's pn_apply cookie the
# application is refused, whoever sends it.
matrix GET /devenir-lieu-partenaire "" 200 200 200 200 200 200
matrix POST /devenir-lieu-partenaire "nom=WHO" 403 403 403 403 403 403
# The admin's queue: accepting without the password again is 400; no
# application 999: 404.
matrix GET /admin/candidatures "" 303 403 403 403 200 403
matrix POST /admin/candidatures/999/accepter "" 303 403 403 403 400 403
matrix POST /admin/candidatures/999/refuser "motif=matrice" \
    303 403 403 403 404 403
matrix GET /admin/taches "" 303 403 403 403 200 403
matrix POST /admin/taches/audit "" 303 403 403 403 200 403
matrix GET /admin/journal "" 303 403 403 403 200 403
matrix GET /carnets/nouveau "" 303 200 403 403 200 403
matrix POST /carnets/nouveau \
    "programme=1&ref=P-WHO&pathway=rsa&age_band=26-44&commune=Nantes&action=confirmer" \
    303 303 403 403 303 403
matrix GET "/carnets/$ID" "" 303 200 403 403 200 403
matrix POST "/carnets/$ID4/annuler" "reason=matrice+WHO" 303 303 403 403 409 403
matrix POST "/cheques/$S5/annuler" "reason=matrice+WHO" 303 303 403 403 409 403
matrix GET "/recherche?numero=$PRINTED" "" 303 200 403 403 200 403
matrix GET "/carnets?page=1&etat=issued" "" 303 200 403 403 200 403
matrix GET "/echeances?jours=30" "" 303 200 403 403 200 403
# The venue pages: the venue's own; an admin names the venue (?lieu=1),
# and without it gets the list of venues (/lieu) or is sent there.
sqlite3 -cmd '.timeout 5000' "$D/passnum.db" "INSERT INTO terminal
    (venue_id, public_key, label, enrolled_at) VALUES (1, randomblob(32),
    'Accueil', 0); INSERT INTO training_session (uid, venue_id,
    terminal_id, theme, starts_at, duration_minutes, declared_at) VALUES
    (randomblob(16), 1, last_insert_rowid(), 'e-mail', 1794000000, 60, 0)"
TS=$(sqlite3 "$D/passnum.db" 'SELECT max(id) FROM training_session')
matrix GET /lieu "" 303 403 200 403 200 403
matrix GET "/lieu/sessions/$TS?lieu=1" "" 303 403 200 403 200 403
matrix GET "/lieu/sessions/$TS/emargement.pdf?lieu=1" "" 303 403 200 403 200 403
matrix GET "/lieu/sessions/$TS/emargement.csv?lieu=1" "" 303 403 200 403 200 403
matrix GET "/lieu/conflits?lieu=1" "" 303 403 200 403 200 403
# Opening a session and redeeming are the venue's own acts: an admin only
# looks. A form without its theme, or a serial mistyped, is 400.
matrix GET "/lieu/seance?lieu=1" "" 303 403 200 403 200 403
matrix POST /lieu/seance "theme=&debut=maintenant&duree=60" 303 403 400 403 403 403
matrix GET "/lieu/encaisser?lieu=1" "" 303 403 200 403 200 403
matrix POST /lieu/encaisser "seance=1&numero=12&cle=AB" 303 403 400 403 403 403
# An upload route: a form that is not multipart has no photo (400).
matrix POST /lieu/encaisser/photo "seance=1" 303 403 400 403 403 403
# The venue's terminals: a wrong password gives no code (401); a revoke
# without "confirmer=oui" only asks for the confirmation.
TM=$(sqlite3 "$D/passnum.db" 'SELECT max(id) FROM terminal')
matrix GET "/lieu/postes?lieu=1" "" 303 403 200 403 200 403
matrix POST "/lieu/postes?lieu=1" "password=matrice-wrong" 303 403 401 403 401 403
matrix POST "/lieu/postes/$TM/revoquer?lieu=1" "motif=matrice+WHO" \
    303 403 200 403 200 403
# The funder's report: accounting's and the admin's.
matrix GET /compta/bilan "" 303 403 403 200 200 403
matrix GET /compta/bilan.csv "" 303 403 403 200 200 403
# The dashboard: accounting's, the admin's and the funder's, the only
# pages a funder sees; a period it cannot read shows the form again (400).
matrix GET /pilotage "" 303 403 403 200 200 200
matrix GET "/pilotage?periode=2026-13" "" 303 403 403 400 400 400
matrix GET /pilotage.csv "" 303 403 403 200 200 200
matrix GET /pilotage/bilan.pdf "" 303 403 403 200 200 200
# The settlement pages: a venue's statements, and the accountants' pages
# (admins too). No batch exists here: its pages and actions are 404, a
# malformed period or serial 400.
matrix GET /lieu/releves "" 303 403 200 403 200 403
matrix GET "/lieu/releves/1.pdf?lieu=1" "" 303 403 404 403 404 403
matrix GET /compta "" 303 403 403 200 200 403
matrix POST /compta/lots "periode=2026-13" 303 403 403 400 400 403
matrix GET /compta/lots/1 "" 303 403 403 404 404 403
matrix POST /compta/lots/1/approuver "sepa=9" 303 403 403 404 404 403
matrix POST /compta/lots/1/payer "reference=VIR-1&date=2026-01-05" \
    303 403 403 404 404 403
matrix POST /compta/lots/1/rejeter "motif=matrice+WHO" 303 403 403 404 404 403
matrix POST /compta/lots/1/retenir "lieu=21440143200015&motif=matrice+WHO" \
    303 403 403 404 404 403
matrix GET /compta/lots/1/fichiers/2 "" 303 403 403 404 404 403
matrix GET /compta/contestations "" 303 403 403 200 200 403
matrix POST /compta/contestations "cheque=1&motif=matrice" \
    303 403 403 400 400 403
matrix POST /compta/contestations/1 "decision=lever&note=matrice" \
    303 403 403 404 404 403
# A venue answers a dispute of its own (none here: 404); the Département
# may not answer in its place. The answers' files: the venue's own and
# accounting's.
matrix POST /lieu/contestations/1/repondre "seance=1&reponse=matrice" \
    303 403 404 403 403 403
matrix GET /lieu/contestations/reponses/1/piece "" 303 403 404 403 404 403
matrix GET /compta/contestations/reponses/1/piece "" 303 403 403 404 404 403
check "the cancelling routes cancelled what they were given" test \
    "$(sqlite3 "$D/passnum.db" "SELECT
    (SELECT count(*) FROM booklet WHERE id IN ($ID2, $ID4) AND status = 'cancelled') +
    (SELECT count(*) FROM voucher WHERE serial IN ($S3, $S5) AND status = 'cancelled')")" = 4
# Every route of server/passnumd/routes.c has its line above: a new route without
# one fails here.
ROUTES="$(dirname "$0")/../../server/passnumd/routes.c"
sed -n -E 's/^[[:space:]]*\{ *"([A-Z]+)", *"([^"]+)".*/\1 \2/p' "$ROUTES" |
    sort -u >"$OUT/routes"
sort -u "$OUT/tested" >"$OUT/tested.sorted"
check "server/passnumd/routes.c is read: one route a table line ($(wc -l <"$OUT/routes"))" \
    test "$(wc -l <"$OUT/routes")" -gt 0 -a "$(wc -l <"$OUT/routes")" = \
    "$(grep -c -E '^[[:space:]]*\{ *"' "$ROUTES")"
missing=$(comm -23 "$OUT/routes" "$OUT/tested.sorted")
check "the matrix tests every route of server/passnumd/routes.c" test -z "$missing"
[ -z "$missing" ] || echo "$missing" | sed 's/^/# no matrix line for: /'
stale=$(comm -13 "$OUT/routes" "$OUT/tested.sorted")
check "and only routes of server/passnumd/routes.c" test -z "$stale"
[ -z "$stale" ] || echo "$stale" | sed 's/^/# not in routes.c: /'

# Budget: room for exactly 5 booklets, 8 clients at once.
"$ADMIN" programme add --config "$D/passnumd.ini" --name "Petit budget" \
    --face-value 1000 --per-booklet 10 --validity days:90 \
    --territory Rezé --budget 50000 >"$OUT/prog"
PROG=$(sed -n 's/^programme \([0-9]*\):.*/\1/p' "$OUT/prog")
for i in 1 2 3 4 5 6 7 8; do
	(curl -s -o /dev/null -w '%{http_code}\n' \
	    -H "Authorization: Bearer $TOKEN" --data-binary "$(person B-$i)" \
	    "$URL/api/v1/booklets" >"$OUT/conc.$i") &
done
wait_n=0
while [ "$(cat "$OUT"/conc.* 2>/dev/null | wc -l)" -lt 8 ] && [ $wait_n -lt 300 ]; do
	sleep 0.1; wait_n=$((wait_n + 1))
done
check "8 concurrent issues on a budget of 5: five 201" \
    test "$(cat "$OUT"/conc.* | grep -c 201)" = 5
check "and three 409" test "$(cat "$OUT"/conc.* | grep -c 409)" = 3
"$ADMIN" programme list --config "$D/passnumd.ini" >"$OUT/list"
check "the programme's issued amount equals its budget" \
    grep -q 'Petit budget.*budget 500,00.€, issued 500,00.€' "$OUT/list"
PROG=

get "" /metrics
issued=$(sqlite3 "$D/passnum.db" 'SELECT count(*) FROM voucher')
check "metrics count the vouchers issued ($issued)" \
    grep -q "^passnum_vouchers_issued_total $issued\$" "$OUT/body"
stop
check "the database is consistent after the run" \
    test "$(sqlite3 "$D/passnum.db" 'PRAGMA integrity_check')" = ok
check "serials are unique and sequential" \
    test "$(sqlite3 "$D/passnum.db" 'SELECT count(*) = max(serial) FROM voucher')" = 1

done_testing
