# test_admin_setup.sh -- the admins' agencies and programmes pages
# (/admin/agences, /admin/programmes), tried as a careless admin, a
# dishonest one, the other roles and an outsider would.
#
# An agency is added (every mistake at its field, nothing written), renamed
# (its booklets and caseworkers stay its own) and its history read. A
# programme is added and edited only with the admin's password typed again
# (a wrong one counted as a failed login); its values are read as people
# type them ("12,50", "2,5 %", CRLF lines). A change applies forward: the
# vouchers issued before keep their amount and expiry, the booklets issued
# after take the new ones, and the history says before and after. A budget
# under what is already committed is refused in the transaction. Every
# form without the CSRF token is refused; the other roles get 403, an
# anonymous visitor the login page; the caseworkers' agency is chosen from
# the agencies' list on the users page. The session themes are added,
# retired (no longer offered to terminals or pages, a session with one
# refused, a restart not bringing it back) and offered again.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"

stop() { passnumd_stop; }
trap stop EXIT
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
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
csrf() {
	get /admin/agences "$1"
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" |
	    head -n 1
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
at_field() { grep -qF "id=\"$1-error\"" "$OUT/page.html" &&
    grep -qF "href=\"#$1\"" "$OUT/page.html"; }
located() { grep -qi "^location: $1" "$OUT/headers"; }
# issue REF: a booklet of programme $P through the caseworker's API token.
issue() {
	curl -s -o "$OUT/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary "{\"programme\": $P, \"beneficiary\": {\"ref\": \"$1\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}" \
	    "$URL/api/v1/booklets"
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" 35600000000001 "Espace numérique Bouguenais"
for u in "acc accountant" "fund funder" "vb venue 35600000000001"; do
	set -- $u
	password_of "$1" | "$ADMIN" user add --config "$CFG" --login "$1" \
	    --name "$1" --role "$2" ${3:+--venue "$3"} >/dev/null
done
check "passnumd starts" passnumd_start "$CFG"
PW=$(password_of admin)

# --- Who may see the pages --------------------------------------------------
ROUTES="/admin/agences /admin/agences/1 /admin/programmes /admin/programmes/1"
for r in $ROUTES; do
	get "$r" "$OUT/anon"
	check "anonymous: GET $r sends to the login page ($code)" sh -c \
	    "[ $code = 303 ]" && located /connexion
done
for who in caseworker acc fund vb; do
	login "$OUT/$who" "$who" "$(password_of $who)"
	for r in $ROUTES; do
		get "$r" "$OUT/$who"
		check "$who: GET $r is 403 ($code)" test "$code" = 403
	done
done
login "$OUT/a" admin "$PW"
get /admin "$OUT/a"
check "the administration links both sections" sh -c "grep -qF \
    'href=\"/admin/agences\"' '$OUT/page.html' && grep -qF \
    'href=\"/admin/programmes\"' '$OUT/page.html'"
C=$(csrf "$OUT/a")
check "the agencies' list: the demo's agency, its caseworker counted" sh -c \
    "[ $code = 200 ] && grep -qF 'EDS Nantes Est' '$OUT/page.html'"

# --- Agencies -----------------------------------------------------------------
n=$(q 'SELECT count(*) FROM agency')
post /admin/agences "$OUT/a" "csrf=$C" "nom=" "type=mairie" "commune=Rezé"
check "no name, an unknown type: 400, each at its field ($code)" sh -c \
    "[ $code = 400 ]" && at_field nom && at_field type
check "the commune typed is kept" has 'value="Rezé"'
check "nothing written" test "$(q 'SELECT count(*) FROM agency')" = "$n"
post /admin/agences "$OUT/a" "nom=EDS Rezé" "type=eds" "commune=Rezé"
check "adding without the CSRF token: 403, nothing written" sh -c \
    "[ $code = 403 ] && [ \$(sqlite3 '$DB' 'SELECT count(*) FROM agency') = $n ]"
post /admin/agences "$OUT/a" "csrf=$C" "nom=EDS Rezé <b>" "type=eds" \
    "commune=Rezé"
A=$(q "SELECT id FROM agency WHERE name = 'EDS Rezé <b>'")
check "added: 303 to its page ($code, agency $A)" sh -c "[ $code = 303 ] &&
    [ -n '$A' ]" && located "/admin/agences/$A"
check "agency.add audited as admin" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'agency.add' AND actor = 'admin'
    AND object = 'agency:$A'")" = 1
post /admin/agences "$OUT/a" "csrf=$C" "nom=EDS Nantes Est" "type=eds"
check "a name taken: 409 at the name" sh -c "[ $code = 409 ]" && at_field nom
get "/admin/agences/$A" "$OUT/a"
check "its page: the name escaped, its creation in the history" sh -c \
    "[ $code = 200 ] && grep -qF 'EDS Rezé &lt;b&gt;' '$OUT/page.html' &&
    ! grep -qF 'Rezé <b>' '$OUT/page.html' && grep -qF 'Création' \
    '$OUT/page.html'"
post "/admin/agences/$A/modifier" "$OUT/a" "csrf=$C" "nom=EDS Rezé" \
    "type=partner" "commune=Rezé"
check "renamed: 303, recorded" sh -c "[ $code = 303 ] && [ \"\$(sqlite3 '$DB' \
    \"SELECT name || '|' || kind FROM agency WHERE id = $A\")\" = 'EDS Rezé|partner' ]"
check "agency.edit says before and after" test "$(q "SELECT count(*) FROM
    audit_log WHERE action = 'agency.edit' AND object = 'agency:$A' AND
    json_extract(detail, '$.changed.name[0]') = 'EDS Rezé <b>' AND
    json_extract(detail, '$.changed.name[1]') = 'EDS Rezé' AND
    json_extract(detail, '$.changed.commune') IS NULL")" = 1
get "/admin/agences/$A" "$OUT/a"
check "the history says it in French" sh -c "grep -qF \
    'Nom : EDS Rezé &lt;b&gt; → EDS Rezé' '$OUT/page.html' && grep -qF \
    'Type : Espace départemental des solidarités → Partenaire' '$OUT/page.html'"
rows=$(q "SELECT count(*) FROM audit_log")
post "/admin/agences/$A/modifier" "$OUT/a" "csrf=$C" "nom=EDS Rezé" \
    "type=partner" "commune=Rezé"
check "the same values again: nothing written, said so" sh -c "[ $code = 303 ] &&
    [ \$(sqlite3 '$DB' 'SELECT count(*) FROM audit_log') = $rows ]" &&
    located "/admin/agences/$A?inchange=1"
post "/admin/agences/$A/modifier" "$OUT/a" "csrf=$C" "nom=EDS Nantes Est" \
    "type=eds"
check "renamed to another's name: 409 at the name" sh -c "[ $code = 409 ]" &&
    at_field nom
post "/admin/agences/$A/modifier" "$OUT/a" "nom=X" "type=eds"
check "editing without the CSRF token: 403" test "$code" = 403
get /admin/agences/999 "$OUT/a"
check "an unknown agency: 404, a page saying so ($code)" sh -c \
    "[ $code = 404 ] && grep -qiF 'agence introuvable' '$OUT/page.html'"
get /admin/utilisateurs "$OUT/a"
check "the users' form chooses the agency by its name" sh -c "grep -qF \
    '<option value=\"$A\">EDS Rezé</option>' '$OUT/page.html'"

# --- Programmes ---------------------------------------------------------------
P=1
get /admin/programmes "$OUT/a"
check "the programmes' list: the demo's, its value and validity in French" \
    sh -c "[ $code = 200 ] && grep -qF 'Pass numérique 2026' '$OUT/page.html' &&
    grep -qF 'jusqu’au 31 décembre de l’année de délivrance, plus 31 jours' \
    '$OUT/page.html'"
check "the session themes are listed" has 'Thèmes des séances'
n=$(q 'SELECT count(*) FROM programme')
post /admin/programmes "$OUT/a" "csrf=$C" "nom=" "valeur=douze" \
    "cheques=0" "validite=jours" "jours=0" "territoire=" "budget=-5" \
    "carnets=500" "couverture=" "lieux=$(printf 'A\r\n\r\nB')" \
    "motdepasse=$PW"
check "eight mistakes: 400 ($code)" test "$code" = 400
for f in nom valeur cheques jours territoire budget carnets lieux; do
	check "the error of $f at its field" at_field "$f"
done
check "nothing written" test "$(q 'SELECT count(*) FROM programme')" = "$n"
VALID=("csrf=$C" "nom=Pass numérique 2027" "valeur=12,50" "cheques=8"
    "validite=jours" "jours=400" "territoire=Loire-Atlantique"
    "budget=150 000" "carnets=2" "couverture=$(printf 'Ligne 1\r\nLigne 2')"
    "lieux=$(printf 'Médiathèque A\r\nMédiathèque B\r\n')")
post /admin/programmes "$OUT/a" "${VALID[@]}"
check "no password: 400 at its field, nothing written" sh -c "[ $code = 400 ] &&
    [ \$(sqlite3 '$DB' 'SELECT count(*) FROM programme') = $n ]" &&
    at_field motdepasse
fails=$(q "SELECT count(*) FROM audit_log WHERE action = 'login.fail'")
post /admin/programmes "$OUT/a" "${VALID[@]}" "motdepasse=wrong-one"
check "a wrong password: 401, counted as a failed login, nothing written" \
    sh -c "[ $code = 401 ] && [ \$(sqlite3 '$DB' 'SELECT count(*) FROM programme') = $n ] &&
    [ \$(sqlite3 '$DB' \"SELECT count(*) FROM audit_log WHERE action = 'login.fail'\") -gt $fails ]"
post /admin/programmes "$OUT/a" "${VALID[@]:1}" "motdepasse=$PW"
check "adding without the CSRF token: 403" test "$code" = 403
post /admin/programmes "$OUT/a" "${VALID[@]}" "motdepasse=$PW"
P2=$(q "SELECT id FROM programme WHERE name = 'Pass numérique 2027'")
check "added: 303 to its page ($code, programme $P2)" sh -c "[ $code = 303 ] &&
    [ -n '$P2' ]" && located "/admin/programmes/$P2"
check "recorded as typed: cents, canonical validity, LF lines" test \
    "$(q "SELECT face_value || '|' || per_booklet || '|' || validity || '|' ||
    budget || '|' || max_booklets || '|' || hex(instructions) || '|' ||
    hex(venues) FROM programme WHERE id = $P2")" = \
    "1250|8|days:400|15000000|2|$(printf 'Ligne 1\nLigne 2' | xxd -p -u |
    tr -d '\n')|$(printf 'Médiathèque A\nMédiathèque B' | xxd -p -u |
    tr -d '\n')"
check "programme.add audited as admin" test "$(q "SELECT count(*) FROM
    audit_log WHERE action = 'programme.add' AND actor = 'admin' AND
    object = 'programme:$P2'")" = 1

# --- A change applies forward -------------------------------------------------
check "a booklet issued before the change" test "$(issue before-1)" = 201
get "/admin/programmes/$P" "$OUT/a"
check "its page: the form filled, what is committed" sh -c "[ $code = 200 ] &&
    grep -qF 'value=\"10,00' '$OUT/page.html' && grep -qF \
    'Engagé par les carnets délivrés' '$OUT/page.html' && grep -qF \
    '100,00' '$OUT/page.html'"
expiry_before=$(q "SELECT DISTINCT expires_at FROM voucher v JOIN booklet b
    ON b.id = v.booklet_id WHERE b.programme_id = $P")
EDIT=("csrf=$C" "nom=Pass numérique 2026" "valeur=15" "cheques=3"
    "validite=jours" "jours=90" "territoire=Loire-Atlantique"
    "budget=100 000,00 €" "carnets=1" "commission=2,5 %" "ligne=6568-58"
    "seance=2" "couverture=Nouveau texte" "lieux=Médiathèque Jacques Demy")
# edit_with FIELD=VALUE...: EDIT with those fields replaced, into $FORM.
edit_with() {
	FORM=()
	for e in "${EDIT[@]}"; do
		for r in "$@"; do
			[ "${e%%=*}" = "${r%%=*}" ] && e=$r
		done
		FORM+=("$e")
	done
}
edit_with "commission=101"
post "/admin/programmes/$P/modifier" "$OUT/a" "${FORM[@]}" "motdepasse=$PW"
check "a commission over 100 %: 400 at its field" sh -c "[ $code = 400 ]" &&
    at_field commission
edit_with "ligne=$(printf '6568\00158')"
post "/admin/programmes/$P/modifier" "$OUT/a" "${FORM[@]}" "motdepasse=$PW"
check "a control character in the budget line: 400 at its field, in French" \
    sh -c "[ $code = 400 ] && grep -qF 'Ce réglage n’est pas accepté' \
    '$OUT/page.html'" && at_field ligne
edit_with "budget=50"
post "/admin/programmes/$P/modifier" "$OUT/a" "${FORM[@]}" "motdepasse=$PW"
check "a budget under what is committed: 409 at the budget" sh -c \
    "[ $code = 409 ] && [ \$(sqlite3 '$DB' 'SELECT budget FROM programme WHERE id = $P') = 10000000 ]" &&
    at_field budget
edit_with "nom=Pass numérique 2027"
post "/admin/programmes/$P/modifier" "$OUT/a" "${FORM[@]}" "motdepasse=$PW"
check "another programme's name: 409 at the name" sh -c "[ $code = 409 ]" &&
    at_field nom
post "/admin/programmes/$P/modifier" "$OUT/a" "${EDIT[@]}"
check "editing without the password: 400, nothing changed" sh -c \
    "[ $code = 400 ] && [ \$(sqlite3 '$DB' 'SELECT face_value FROM programme WHERE id = $P') = 1000 ]"
post "/admin/programmes/$P/modifier" "$OUT/a" "${EDIT[@]}" "motdepasse=$PW"
check "edited: 303" sh -c "[ $code = 303 ]" &&
    located "/admin/programmes/$P?fait=1"
check "recorded: value, count, validity, commission, line, per session" test \
    "$(q "SELECT face_value || '|' || per_booklet || '|' || validity || '|' ||
    commission_bp || '|' || budget_line || '|' || max_per_session FROM
    programme WHERE id = $P")" = "1500|3|days:90|250|6568-58|2"
check "programme.edit names each change, before and after" test "$(q "SELECT
    json_extract(detail, '$.changed.face_value') || json_extract(detail,
    '$.changed.commission_bp') || json_extract(detail, '$.changed.instructions')
    FROM audit_log WHERE action = 'programme.edit' AND object = 'programme:$P'")" \
    = '[1000,1500][0,250]1'
check "the vouchers issued before keep their amount and expiry" test \
    "$(q "SELECT count(*) || '|' || min(value) || '|' || max(value) || '|' ||
    max(expires_at) FROM voucher v JOIN booklet b ON b.id = v.booklet_id
    WHERE b.programme_id = $P")" = "10|1000|1000|$expiry_before"
check "a booklet issued after the change" test "$(issue after-1)" = 201
check "takes the new value, count and validity" test "$(q "SELECT count(*) ||
    '|' || min(value) || '|' || (max(expires_at) - max(b.issued_at) < 91 * 86400)
    FROM voucher v JOIN booklet b ON b.id = v.booklet_id WHERE
    b.programme_id = $P AND v.value = 1500")" = "3|1500|1"
get "/admin/programmes/$P?fait=1" "$OUT/a"
check "the page says it applies from now on" has 'les carnets délivrés à partir de maintenant'
check "the history: each change before and after, in French" sh -c "grep -qF \
    'Valeur d’un chèque : 10,00' '$OUT/page.html' && grep -qF \
    'Commission : 0 % → 2,5 %' '$OUT/page.html' && grep -qF \
    'Texte de la couverture : modifié' '$OUT/page.html' && grep -qF \
    'Chèques par carnet : 10 → 3' '$OUT/page.html'"
check "the form shows the commission as typed back" has 'value="2,5 %"'
rows=$(q "SELECT count(*) FROM audit_log")
post "/admin/programmes/$P/modifier" "$OUT/a" "${EDIT[@]}" "motdepasse=$PW"
check "the same values again: nothing written" sh -c "[ $code = 303 ] &&
    [ \$(sqlite3 '$DB' \"SELECT count(*) FROM audit_log WHERE action = 'programme.edit'\") = 1 ]" &&
    located "/admin/programmes/$P?inchange=1"
get /admin/programmes/999 "$OUT/a"
check "an unknown programme: 404 ($code)" test "$code" = 404
get /admin/programmes/abc "$OUT/a"
check "a programme id that is no number: 404 ($code)" test "$code" = 404

# --- The session themes ------------------------------------------------------
check "the configuration's themes recorded at start, as passnumd" test \
    "$(q "SELECT count(*) FROM theme t JOIN audit_log a ON a.object =
    'theme:' || t.id AND a.action = 'theme.add' AND a.actor = 'passnumd'")" = 3
for who in caseworker acc fund vb; do
	get /admin/themes "$OUT/$who"
	check "$who: GET /admin/themes is 403 ($code)" test "$code" = 403
done
get /admin/themes "$OUT/a"
check "the themes' page lists the configuration's" sh -c "[ $code = 200 ] &&
    grep -qF '3 thèmes proposés' '$OUT/page.html' &&
    grep -qF 'démarches en ligne' '$OUT/page.html'"
post /admin/themes "$OUT/a" "csrf=$C" "theme="
check "an empty theme: 400 at its field" sh -c "[ $code = 400 ]" &&
    at_field theme
post /admin/themes "$OUT/a" "csrf=$C" "theme=démarches en ligne"
check "a theme that exists: 409 at its field" sh -c "[ $code = 409 ]" &&
    at_field theme
post /admin/themes "$OUT/a" "csrf=$C" "theme=bureautique; tableur"
check "a theme with ';': 400 at its field" sh -c "[ $code = 400 ]" &&
    at_field theme
post /admin/themes "$OUT/a" "theme=sécurité en ligne"
check "adding without the CSRF token: 403" test "$code" = 403
post /admin/themes "$OUT/a" "csrf=$C" "theme=sécurité en ligne"
check "added: 303, audited" sh -c "[ $code = 303 ] && [ \$(sqlite3 '$DB' \
    \"SELECT count(*) FROM audit_log WHERE action = 'theme.add' AND actor = 'admin'\") = 1 ]"
curl -s -o "$OUT/themes.json" "$URL/api/v1/themes"
check "the terminals' list offers it" grep -qF 'sécurité en ligne' \
    "$OUT/themes.json"
get /lieu/seance "$OUT/vb"
check "the venue's session form offers it" has '<option>sécurité en ligne</option>'
T1=$(q "SELECT id FROM theme WHERE name = 'démarches en ligne'")
post "/admin/themes/$T1/retirer" "$OUT/a" "motif=sans jeton"
check "retiring without the CSRF token: 403" test "$code" = 403
post "/admin/themes/$T1/retirer" "$OUT/a" "csrf=$C"
check "retired: 303, audited" sh -c "[ $code = 303 ] && [ \$(sqlite3 '$DB' \
    \"SELECT count(*) FROM audit_log WHERE action = 'theme.retire' AND object = 'theme:$T1'\") = 1 ]"
curl -s -o "$OUT/themes.json" "$URL/api/v1/themes"
check "no longer offered to the terminals" sh -c "! grep -qF 'démarches en \
    ligne' '$OUT/themes.json' && grep -qF 'sécurité en ligne' '$OUT/themes.json'"
get /lieu/seance "$OUT/vb"
VC=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" | head -n 1)
check "nor in the venue's form" sh -c "! grep -qF '<option>démarches en \
    ligne</option>' '$OUT/page.html'"
post /lieu/seance "$OUT/vb" "csrf=$VC" "theme=démarches en ligne" \
    debut=maintenant duree=60
check "a session opened now with it: refused at the theme, nothing written" \
    sh -c "[ $code = 400 ] && [ \$(sqlite3 '$DB' 'SELECT count(*) FROM training_session') = 0 ]" &&
    at_field theme
get /admin/themes "$OUT/a"
check "the page lists it among the retired" has '1 thème retiré'
passnumd_stop
check "passnumd restarts" passnumd_start "$CFG"
check "a restart does not bring the retired theme back" test "$(q "SELECT
    count(*) FROM theme WHERE name = 'démarches en ligne' AND retired_at IS
    NOT NULL")" = 1
login "$OUT/a" admin "$PW"
C=$(csrf "$OUT/a")
post "/admin/themes/$T1/retablir" "$OUT/a" "csrf=$C"
check "offered again: 303" test "$code" = 303
login "$OUT/vb" vb "$(password_of vb)"
get /lieu/seance "$OUT/vb"
VC=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" | head -n 1)
post /lieu/seance "$OUT/vb" "csrf=$VC" "theme=démarches en ligne" \
    debut=maintenant duree=60
check "and taken again for a session: 303" test "$code" = 303
post /admin/themes/999/retirer "$OUT/a" "csrf=$C"
check "an unknown theme: 404" test "$code" = 404

"$ADMIN" audit --config "$CFG" >"$OUT/audit" 2>&1
check "the audit chain holds after it all" test $? = 0

done_testing
