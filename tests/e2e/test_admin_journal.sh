# test_admin_journal.sh -- /admin/taches (the nightly jobs' last runs, the
# audit run from the page) and /admin/journal (filters, paging, the chain
# checked: a row changed in the database shows as « Chaîne rompue »).
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

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
# Enough rows for two pages of the journal: 60 venues, SIRETs with their
# Luhn key.
for siret in $(python3 -c '
def luhn(t):
    s = 0
    for k, d in enumerate(map(int, t)):
        if k % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        s += d
    return s
for i in range(10, 70):
    b = "732829320" + "00" + "%02d" % i
    for c in range(10):
        t = b[:13] + str(c)
        s = luhn(t)
        if s % 10 == 0:
            print(t); break'); do
	venue_add "$CFG" "$siret" "Lieu $siret"
done
check "passnumd starts" passnumd_start "$CFG"
login "$OUT/adm" admin "$(password_of admin)"
login "$OUT/cw" caseworker "$(password_of caseworker)"

# --- /admin/taches ------------------------------------------------------------
get /admin/taches "$OUT/adm"
check "the jobs' page: 200" test "$code" = 200
check "no run yet: said" grep -q "Aucun passage enregistré" "$OUT/file"
"$ADMIN" expire --config "$CFG" >/dev/null
"$ADMIN" audit --config "$CFG" >/dev/null
get /admin/taches "$OUT/adm"
check "the expire run is shown" grep -q "Expiration des chèques" "$OUT/file"
check "the audit run, by the command, passed" sh -c "grep -q 'par la commande' '$OUT/file' && grep -q 'Réussi.' '$OUT/file'"
check "no run missing any more" sh -c "! grep -q 'Aucun passage' '$OUT/file'"
T=$(csrf_of)
code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' \
    "$URL/admin/taches/audit" --data "x=1")
check "the audit now without CSRF: 403" test "$code" = 403
code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' \
    --data-urlencode "csrf=$T" "$URL/admin/taches/audit")
check "the audit now: 200" test "$code" = 200
check "everything holds" grep -q "Tout est correct" "$OUT/file"
check "its run recorded as the page's" test \
    "$(db "SELECT via || ' ' || ok FROM job_run WHERE job = 'audit' ORDER BY id DESC LIMIT 1")" = "web 1"
get /admin/taches "$OUT/cw"
check "a caseworker on /admin/taches: 403" test "$code" = 403
code=$(curl -s -b "$OUT/cw" -o /dev/null -w '%{http_code}' --data "x=1" "$URL/admin/taches/audit")
check "a caseworker running the audit: 403" test "$code" = 403
get /admin/taches "$OUT/nobody"
check "anonymous on /admin/taches: to the login" sh -c "test '$code' = 303 || test '$code' = 302"

# --- /admin/journal -------------------------------------------------------------
get /admin/journal "$OUT/cw"
check "a caseworker on the journal: 403" test "$code" = 403
get /admin/journal "$OUT/nobody"
check "anonymous on the journal: to the login" sh -c "test '$code' = 303 || test '$code' = 302"
get /admin/journal "$OUT/adm"
check "the journal: 200" test "$code" = 200
check "the chain verified" grep -q "Chaîne vérifiée" "$OUT/file"
check "a page of 50 rows" test "$(grep -o '<tr><td>' "$OUT/file" | wc -l)" = 50
check "and a link to the older ones" grep -q 'Lignes plus anciennes' "$OUT/file"
next=$(sed -n 's/.*href="\(\/admin\/journal?avant=[^"]*\)".*/\1/p' "$OUT/file" | sed 's/&amp;/\&/g')
get "$next" "$OUT/adm"
check "the next page: 200" test "$code" = 200
total=$(db "SELECT count(*) FROM audit_log")
check "holds the rest" test "$(grep -o '<tr><td>' "$OUT/file" | wc -l)" = $((total - 50))
get "/admin/journal?action=venue.add&objet=venue:3" "$OUT/adm"
check "filtered by action and object: one row" test "$(grep -o '<tr><td>' "$OUT/file" | wc -l)" = 1
check "the right one" grep -q "Lieu $(db "SELECT siret FROM venue WHERE id = 3")" "$OUT/file"
get "/admin/journal?acteur=nobody-at-all" "$OUT/adm"
check "an actor with no row: said" grep -q "Aucune ligne" "$OUT/file"
get "/admin/journal?du=2000-01-01&au=2000-01-31" "$OUT/adm"
check "a past date range: no row" test "$(grep -c '<tr><td>' "$OUT/file")" = 0
get "/admin/journal?du=demain" "$OUT/adm"
check "a bad date: 400, at its field" sh -c "test '$code' = 400 && grep -q 'id=\"du-error\"' '$OUT/file'"

# An insider edits a row of the log in the database.
db "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 5"
get /admin/journal "$OUT/adm"
check "a changed row: the chain is said broken" grep -q "Chaîne rompue à la ligne n° 5" "$OUT/file"
code=$(curl -s -b "$OUT/adm" -o "$OUT/file" -w '%{http_code}' \
    --data-urlencode "csrf=$T" "$URL/admin/taches/audit")
check "and the audit now fails" grep -q "L’audit a trouvé des problèmes" "$OUT/file"

done_testing
