# test_admin_venues.sh -- the admins' venue pages (/admin/lieux), tried as
# a careless admin, a dishonest one, a venue and an outsider would.
#
# A venue added with a SIRET whose SIREN fails its key, a mistyped IBAN and
# a BIC of no country gets the form again with each error at its field and
# in the summary, and nothing written; then added right. The list is
# searched by name, SIRET (with spaces) and commune. Contact details are
# edited; the venue is suspended (a reason required) and resumed. A change
# of IBAN asked by one admin waits: the venue's IBAN, which settlement
# copies into a batch at draft, is unchanged (test_store_settle checks the
# batch itself); the admin who asked cannot approve; a second admin with a
# wrong password is refused and counted by the login throttle; with the
# right one the venue is paid on its new account. Every form without the
# session's CSRF token is refused; caseworkers, venues, accountants and
# funders get 403, an anonymous visitor the login page.
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
	get /admin/lieux "$1"
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" |
	    head -n 1
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
located() { grep -qi "^location: $1" "$OUT/headers"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
venue_add "$CFG" 35600000000001 "Espace numérique Bouguenais"
for u in "admin2 admin" "acc accountant" "fund funder" \
    "vb venue 35600000000001"; do
	set -- $u
	password_of "$1" | "$ADMIN" user add --config "$CFG" --login "$1" \
	    --name "$1" --role "$2" ${3:+--venue "$3"} >/dev/null
done
check "passnumd starts" passnumd_start "$CFG"
OLD_IBAN=FR7630006000011234567890189
NEW_IBAN=FR1420041010050500013M02606

# --- Who may see the pages --------------------------------------------------
get /admin/lieux "$OUT/anon"
check "anonymous: sent to the login page" sh -c "[ $code = 303 ]" &&
    located /connexion
for who in caseworker acc fund vb; do
	login "$OUT/$who" "$who" "$(password_of $who)"
	get /admin/lieux "$OUT/$who"
	check "$who: GET /admin/lieux is 403 ($code)" test "$code" = 403
	get /admin/lieux/1 "$OUT/$who"
	check "$who: GET /admin/lieux/1 is 403 ($code)" test "$code" = 403
done

login "$OUT/a1" admin "$(password_of admin)"
login "$OUT/a2" admin2 "$(password_of admin2)"
get /admin "$OUT/a1"
check "the administration links the section" has 'href="/admin/lieux"'
C1=$(csrf "$OUT/a1")
C2=$(csrf "$OUT/a2")
check "the list: 200, one venue" sh -c "[ $code = 200 ] &&
    grep -qF 'Espace numérique Bouguenais' '$OUT/page.html'"

# --- Adding, every mistake at its field -------------------------------------
before=$(q 'SELECT count(*) FROM venue')
# 21440143800012: 14 digits passing Luhn, SIREN 214401438 failing its own.
post /admin/lieux "$OUT/a1" "csrf=$C1" "name=Médiathèque de Rezé" \
    "siret=214 401 438 00012" "address=1 rue de la République" \
    "commune=Rezé" "iban=FR76 3000 6000 0112 3456 7890 188" "bic=AGRIZZPP" \
    "contact=Claire Moreau, 02 40 00 00 00" "debut=2026-01-01" "fin="
check "bad SIRET, IBAN, BIC: 400, the form again ($code)" test "$code" = 400
for f in siret iban bic; do
	check "the $f's error at its field" sh -c "grep -qF 'id=\"$f-error\"' \
	    '$OUT/page.html' && grep -qF 'href=\"#$f\"' '$OUT/page.html'"
done
check "the SIRET's message says its key" has 'SIRET : la clé de contrôle ne correspond pas'
check "the BIC's says its country" has 'BIC : pays inconnu ou hors de la zone SEPA'
check "the fields typed are kept" has 'value="Médiathèque de Rezé"'
check "nothing written" test "$(q 'SELECT count(*) FROM venue')" = "$before"
post /admin/lieux "$OUT/a1" "csrf=$C1" "name=Médiathèque de Rezé" \
    "siret=214 401 432 00015" "address=1 rue de la République" \
    "commune=Rezé" "iban=fr76 3000 6000 0112 3456 7890 189" "bic=agri fr pp" \
    "contact=Claire Moreau" "debut=2026-01-01" "fin=2025-12-31"
check "an end before the start: 400, at its field" sh -c "[ $code = 400 ] &&
    grep -qF 'id=\"fin-error\"' '$OUT/page.html'"
post /admin/lieux "$OUT/a1" "name=Médiathèque de Rezé" \
    "siret=214 401 432 00015" "address=1 rue de la République" \
    "commune=Rezé" "iban=$OLD_IBAN" "bic=AGRIFRPP" "contact=Claire Moreau" \
    "debut=2026-01-01"
check "adding without the CSRF token: 403 ($code), nothing written" sh -c \
    "[ $code = 403 ] && [ \$(sqlite3 '$DB' 'SELECT count(*) FROM venue') = $before ]"
post /admin/lieux "$OUT/a1" "csrf=$C1" "name=Médiathèque de Rezé" \
    "siret=214 401 432 00015" "address=1 rue de la République" \
    "commune=Rezé" "iban=fr76 3000 6000 0112 3456 7890 189" "bic=agri fr pp" \
    "contact=Claire Moreau" "debut=2026-01-01" "fin="
V=$(q "SELECT id FROM venue WHERE siret = '21440143200015'")
check "added: 303 to its page ($code, venue $V)" sh -c "[ $code = 303 ] &&
    [ -n '$V' ]" && located "/admin/lieux/$V"
check "recorded canonical, with its audit row" test "$(q "SELECT iban || bic
    FROM venue WHERE id = $V")" = "${OLD_IBAN}AGRIFRPP"
check "venue.add audited as admin" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'venue.add' AND actor = 'admin'")" = 1
post /admin/lieux "$OUT/a1" "csrf=$C1" "name=Autre" \
    "siret=21440143200015" "address=a" "commune=Rezé" "iban=$OLD_IBAN" \
    "bic=AGRIFRPP" "contact=c" "debut=2026-01-01"
check "the same SIRET again: 409 at the SIRET" sh -c "[ $code = 409 ] &&
    grep -qF 'id=\"siret-error\"' '$OUT/page.html'"

# --- Search -----------------------------------------------------------------
get "/admin/lieux?q=rez%C3%A9" "$OUT/a1"
# venue_add records Bouguenais's venue in Rezé too: both found.
check "search by commune" sh -c "grep -qF 'Médiathèque de Rezé' '$OUT/page.html' &&
    grep -qF 'Espace numérique Bouguenais' '$OUT/page.html' &&
    grep -qF '2 lieux' '$OUT/page.html'"
get "/admin/lieux?q=214+401+432" "$OUT/a1"
check "search by SIRET typed with spaces" has "href=\"/admin/lieux/$V\""
get "/admin/lieux?q=BOUGUENAIS" "$OUT/a1"
check "search by name, any case" sh -c "grep -qF 'Espace numérique' '$OUT/page.html'"
get "/admin/lieux?q=%3Cscript%3E" "$OUT/a1"
check "nothing found, the search escaped" sh -c "grep -qF 'Aucun lieu ne correspond' '$OUT/page.html' &&
    ! grep -qF '<script>' '$OUT/page.html'"

# --- The venue's page, editing, suspending ----------------------------------
get "/admin/lieux/$V" "$OUT/a1"
check "its page links its terminals and venue pages" sh -c "[ $code = 200 ] &&
    grep -qF 'href=\"/lieu/postes?lieu=$V\"' '$OUT/page.html' &&
    grep -qF 'href=\"/lieu?lieu=$V\"' '$OUT/page.html'"
check "its accreditation date in French" has 'depuis le 01/01/2026'
get /admin/lieux/999 "$OUT/a1"
check "an unknown venue: 404 ($code)" test "$code" = 404
post "/admin/lieux/$V/modifier" "$OUT/a1" "csrf=$C1" \
    "name=Médiathèque de Rezé" "address=2 rue Neuve" "commune=Rezé" \
    "contact=" "debut=2026-01-01" "fin=2027-06-30"
check "edit with no contact: 400 at its field" sh -c "[ $code = 400 ] &&
    grep -qF 'id=\"contact-error\"' '$OUT/page.html'"
post "/admin/lieux/$V/modifier" "$OUT/a1" "csrf=$C1" \
    "name=Médiathèque de Rezé" "address=2 rue Neuve" "commune=Rezé" \
    "contact=Paul Durand, 02 40 11 11 11" "debut=2026-01-01" "fin=2027-06-30"
check "edited: 303, recorded, audited" sh -c "[ $code = 303 ] &&
    [ \"\$(sqlite3 '$DB' \"SELECT address || '|' || contact FROM venue WHERE id = $V\")\" = '2 rue Neuve|Paul Durand, 02 40 11 11 11' ] &&
    [ \$(sqlite3 '$DB' \"SELECT count(*) FROM audit_log WHERE action = 'venue.edit'\") = 1 ]"
get "/admin/lieux/$V" "$OUT/a1"
check "the end of accreditation shown" has 'jusqu’au 30/06/2027'
post "/admin/lieux/$V/modifier" "$OUT/a1" "name=X" "address=a" "commune=b" \
    "contact=c" "debut=2026-01-01"
check "editing without the CSRF token: 403" test "$code" = 403
post "/admin/lieux/$V/etat" "$OUT/a1" "csrf=$C1" "etat=suspendu" "motif="
check "suspending without a reason: 400 at its field" sh -c "[ $code = 400 ] &&
    grep -qF 'id=\"motif-error\"' '$OUT/page.html'"
post "/admin/lieux/$V/etat" "$OUT/a1" "csrf=$C1" "etat=suspendu" \
    "motif=convention non renouvelée"
check "suspended with its reason" sh -c "[ $code = 303 ] &&
    [ \"\$(sqlite3 '$DB' \"SELECT status || '|' || status_reason FROM venue WHERE id = $V\")\" = 'suspended|convention non renouvelée' ]"
post "/admin/lieux/$V/etat" "$OUT/a1" "csrf=$C1" "etat=actif"
check "resumed" test "$(q "SELECT status FROM venue WHERE id = $V")" = active
post "/admin/lieux/$V/etat" "$OUT/a1" "csrf=$C1" "etat=actif"
check "resumed twice: 409, said on the page" sh -c "[ $code = 409 ] &&
    grep -qF 'déjà dans cet état' '$OUT/page.html'"

# --- The change of bank details, four-eyes ----------------------------------
post "/admin/lieux/$V/rib" "$OUT/a1" "csrf=$C1" "iban=ES91 2100 0418 4602 0005 1332" "bic=XXXX"
check "a Spanish IBAN whose national key is wrong, a short BIC: 400 at each" \
    sh -c "[ $code = 400 ] && grep -qF 'id=\"iban-error\"' '$OUT/page.html' &&
    grep -qF 'id=\"bic-error\"' '$OUT/page.html'"
post "/admin/lieux/$V/rib" "$OUT/a1" "iban=$NEW_IBAN" "bic=BNPAFRPP"
check "asking without the CSRF token: 403, nothing pending" sh -c "[ $code = 403 ] &&
    [ \$(sqlite3 '$DB' 'SELECT count(*) FROM venue_bank_change') = 0 ]"
post "/admin/lieux/$V/rib" "$OUT/a1" "csrf=$C1" "iban=$NEW_IBAN" "bic=BNPAFRPP"
check "asked: 303, pending" sh -c "[ $code = 303 ] &&
    [ \$(sqlite3 '$DB' 'SELECT count(*) FROM venue_bank_change WHERE approved_by IS NULL') = 1 ]"
check "the venue is still paid on its old IBAN" \
    test "$(q "SELECT iban FROM venue WHERE id = $V")" = "$OLD_IBAN"
check "the request audited with both accounts" test "$(q "SELECT count(*)
    FROM audit_log WHERE action = 'venue.bank.request' AND actor = 'admin'
    AND detail LIKE '%$OLD_IBAN%$NEW_IBAN%'")" = 1
get "/admin/lieux/$V" "$OUT/a1"
check "the page says it waits, and the asker gets no approval form" sh -c "
    grep -qF 'Changement de RIB en attente' '$OUT/page.html' &&
    ! grep -qF 'rib/approuver' '$OUT/page.html'"
CH=$(q "SELECT id FROM venue_bank_change")
post "/admin/lieux/$V/rib" "$OUT/a2" "csrf=$C2" "iban=FR7630004000031234567890143" "bic=BNPAFRPP"
check "a second change while one waits: 409" sh -c "[ $code = 409 ] &&
    [ \$(sqlite3 '$DB' 'SELECT count(*) FROM venue_bank_change') = 1 ]"
post "/admin/lieux/$V/rib/approuver" "$OUT/a1" "csrf=$C1" "changement=$CH" \
    "password=$(password_of admin)"
check "the admin who asked cannot approve: 403 ($code)" sh -c "[ $code = 403 ] &&
    [ \"\$(sqlite3 '$DB' \"SELECT iban FROM venue WHERE id = $V\")\" = '$OLD_IBAN' ]"
get "/admin/lieux/$V" "$OUT/a2"
check "the second admin sees the approval form" has 'rib/approuver'
fails=$(q "SELECT count(*) FROM login_failure WHERE login = 'admin2'")
post "/admin/lieux/$V/rib/approuver" "$OUT/a2" "csrf=$C2" "changement=$CH" \
    "password=not-the-password"
check "a wrong password: 401, the form again, nothing changed" sh -c "[ $code = 401 ] &&
    grep -qF 'Mot de passe incorrect' '$OUT/page.html' &&
    [ \"\$(sqlite3 '$DB' \"SELECT iban FROM venue WHERE id = $V\")\" = '$OLD_IBAN' ]"
check "counted by the login throttle" test "$(q "SELECT count(*) FROM
    login_failure WHERE login = 'admin2'")" -gt "$fails"
post "/admin/lieux/$V/rib/approuver" "$OUT/a2" "changement=$CH" \
    "password=$(password_of admin2)"
check "approving without the CSRF token: 403" test "$code" = 403
post "/admin/lieux/$V/rib/approuver" "$OUT/a2" "csrf=$C2" "changement=$((CH + 1))" \
    "password=$(password_of admin2)"
check "approving another change than the one pending: 404" test "$code" = 404
post "/admin/lieux/$V/rib/approuver" "$OUT/a2" "csrf=$C2" "changement=$CH" \
    "password=$(password_of admin2)"
check "approved by the second admin: 303, the new IBAN paid" sh -c "[ $code = 303 ] &&
    [ \"\$(sqlite3 '$DB' \"SELECT iban || bic FROM venue WHERE id = $V\")\" = '${NEW_IBAN}BNPAFRPP' ]"
check "the approval audited, naming who asked" test "$(q "SELECT count(*)
    FROM audit_log WHERE action = 'venue.bank.approve' AND actor = 'admin2'
    AND detail LIKE '%asked by admin'")" = 1
post "/admin/lieux/$V/rib/approuver" "$OUT/a2" "csrf=$C2" "changement=$CH" \
    "password=$(password_of admin2)"
check "approved twice: 404" test "$code" = 404
check "the audit chain holds" sh -c "'$ADMIN' audit --config '$CFG' >/dev/null"
done_testing
