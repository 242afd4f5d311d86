# test_casework.sh -- the caseworkers' follow-up, against another agency
# first: searching a file reference, listing, filtering, paging and the
# vouchers about to expire never show agency B's booklets to agency A's
# caseworker (the same answer as none), an admin sees all; hostile
# parameters give the form again with the error (400) and no booklet;
# every booklet once across the pages, even with equal issue times; a used
# voucher's « Utilisé le … à … — thème » as the database holds it, and
# « Épuisé »; an exhausted programme disabled and refused at « Vérifier »,
# the per-person limit there too, every field error summed up at once.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
DB="$D/passnum.db"
mkdir -p "$OUT"

stop() { passnumd_stop; }
trap stop EXIT

# page PATH TOKEN: GET a page as TOKEN's user; status in $code, body in
# $OUT/page.html.
page() {
	code=$(curl -s -o "$OUT/page.html" -w '%{http_code}' \
	    -H "Authorization: Bearer $2" "$URL$1")
}
# form TOKEN FIELD=VALUE...: post « Nouveau carnet » (a token needs no
# CSRF field); status in $code, body in $OUT/page.html.
form() {
	t=$1
	shift
	args=()
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	code=$(curl -s -o "$OUT/page.html" -w '%{http_code}' \
	    -H "Authorization: Bearer $t" "${args[@]}" "$URL/carnets/nouveau")
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
# ids: the booklets linked from the last page's table, one a line.
ids() { grep -o '<tr><td><a href="/carnets/[0-9]*"' "$OUT/page.html" |
    sed 's/[^0-9]//g'; }
# results: the last page from its results on, what a search answers.
results() { sed -n 's/.*<h2 id="resultats">//p' "$OUT/page.html"; }
# issue TOKEN REF [PROGRAMME]: a booklet through the API; its id in $BID.
issue() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
	    --data-binary "{\"programme\": ${3:-1}, \"beneficiary\": {\"ref\": \"$2\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"${COMMUNE:-Rezé}\"}}" \
	    "$URL/api/v1/booklets")
	BID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$OUT/body")
}
sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TA=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
"$ADMIN" agency add --config "$D/passnumd.ini" --name "EDS Saint-Nazaire" \
    >"$OUT/agency"
AGENCY_B=$(sed -n 's/^agency \([0-9]*\):.*/\1/p' "$OUT/agency")
printf 'other-caseworker-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login cwb --name "Dominique Leroy" --role caseworker \
    --agency "$AGENCY_B" >/dev/null
TB=$("$ADMIN" token create --config "$D/passnumd.ini" --login cwb)
TADMIN=$("$ADMIN" token create --config "$D/passnumd.ini" --login admin)
venue_add "$D/passnumd.ini" 35600000000048 "Médiathèque Jacques Demy" \
    >/dev/null
check "passnumd starts" passnumd_start "$D/passnumd.ini"

# 30 booklets for agency A (two pages of 25), 3 for agency B, of which one
# for a reference A also uses for someone else.
for i in $(seq 1 30); do issue "$TA" "A-$i"; done
check "agency A issued 30 booklets" test "$(sql "SELECT count(*) FROM booklet
    WHERE agency_id = 1")" = 30
COMMUNE=Pornic issue "$TB" "B-SECRET-1"
B1=$BID
COMMUNE=Pornic issue "$TB" "B-2"
issue "$TB" "B-3"
check "agency B issued 3" test "$(sql "SELECT count(*) FROM booklet
    WHERE agency_id = $AGENCY_B")" = 3
# Equal issue times: the order must still be one and stable.
sql "UPDATE booklet SET issued_at = 1796000000"

# --- Searching a file reference -----------------------------------------
page "/carnets?dossier=a-1" "$TA"
check "A finds its person by reference (case and dash aside): 200" \
    test "$code" = 200
check "one booklet, A-1's" test "$(ids | wc -l)" = 1
check "it is A-1's booklet" test "$(ids)" = "$(sql "SELECT b.id FROM booklet b
    WHERE b.agency_id = 1 ORDER BY b.id LIMIT 1")"
page "/carnets?dossier=B-SECRET-1" "$TA"
cp "$OUT/page.html" "$OUT/b-secret.html"
check "A searching B's person: 200, as for nobody" test "$code" = 200
check "no booklet shown" test "$(ids | wc -l)" = 0
check "B's booklet is nowhere on the page" \
    sh -c "! grep -q '/carnets/$B1\"' '$OUT/page.html'"
R1=$(results)
page "/carnets?dossier=B-SECRET-2" "$TA"
check "the answer is exactly that for a reference nobody has" \
    test "$R1" = "$(results)"
page "/carnets?dossier=B-SECRET-1" "$TB"
check "B finds its own person" test "$(ids)" = "$B1"
page "/carnets?dossier=B-SECRET-1" "$TADMIN"
check "an admin finds B's person too" test "$(ids)" = "$B1"

# --- Listing and paging -------------------------------------------------
page "/carnets" "$TA"
check "A's list: 200" test "$code" = 200
check "counts 30 booklets" has "30 carnets répondent"
check "page 1 of 2" has "Page 1 sur 2"
check "25 rows" test "$(ids | wc -l)" = 25
ids >"$OUT/p1"
page "/carnets?page=2" "$TA"
ids >"$OUT/p2"
check "page 2: the 5 others" test "$(wc -l <"$OUT/p2")" = 5
cat "$OUT/p1" "$OUT/p2" | sort -n >"$OUT/all"
sql "SELECT id FROM booklet WHERE agency_id = 1 ORDER BY id" >"$OUT/want"
check "every booklet of A exactly once across the pages" \
    cmp -s "$OUT/all" "$OUT/want"
check "newest first, by number" \
    test "$(cat "$OUT/p1" "$OUT/p2" | tr '\n' ' ')" = \
    "$(sort -rn "$OUT/want" | tr '\n' ' ')"
page "/carnets?page=1" "$TA"
check "the same page again: the same rows" test "$(ids)" = "$(cat "$OUT/p1")"
check "none of B's in A's pages" test -z "$(comm -12 <(sort "$OUT/all") \
    <(sql "SELECT id FROM booklet WHERE agency_id = $AGENCY_B ORDER BY id" |
    sort))"
page "/carnets?commune=pornic" "$TA"
check "A filtering on B's commune: none" test "$(ids | wc -l)" = 0
check "and says so" has "Aucun carnet de votre service ne répond"
page "/carnets?commune=pornic" "$TB"
check "B filtering on its commune (case aside): its two" \
    test "$(ids | wc -l)" = 2
page "/carnets" "$TADMIN"
check "an admin lists every agency's 33" has "33 carnets répondent"
page "/carnets?programme=1&du=2026-01-01&au=2027-12-31&etat=issued" "$TA"
check "filters together: 200, the 30" test "$code" = 200 -a \
    "$(ids | wc -l)" = 25
check "the page links keep the filters" \
    has 'href="/carnets?programme=1&amp;du=2026-01-01&amp;au=2027-12-31&amp;etat=issued&amp;page=2"'
page "/carnets?du=2027-01-01" "$TA"
check "issued before the start date: none" test "$(ids | wc -l)" = 0

# hostile DESCRIPTION QUERY FIELD: 400, the form with FIELD marked (or, for
# the page, the summary), no booklet listed.
hostile() {
	page "/carnets?$2" "$TA"
	check "$1: 400" test "$code" = 400
	check "$1: the error summary" has 'class="alert error-summary" role="alert"'
	check "$1: no booklet listed" test "$(ids | wc -l)" = 0
	if [ "$3" != page ]; then
		check "$1: the field marked" \
		    grep -q "id=\"$3\" name=\"$3\"[^>]*aria-invalid=\"true\"" \
		    "$OUT/page.html"
		check "$1: the summary links to it" has "<a href=\"#$3\">"
	fi
}
hostile "a negative page" "page=-1" page
hostile "a page of zero" "page=0" page
hostile "a huge page" "page=99999999999999999999" page
hostile "a page past the last" "page=3" page
hostile "a page in words" "page=deux" page
hostile "an unknown programme" "programme=99" programme
hostile "SQL for a programme" "programme=1%20OR%201%3D1" programme
hostile "an impossible date" "du=2026-02-30" du
hostile "a date in words" "au=demain" au
hostile "an end before the start" "du=2026-12-01&au=2026-11-01" au
hostile "an unknown state" "etat=%27%20OR%20%271%27%3D%271" etat
hostile "a reference of dashes only" "dossier=---" dossier
hostile "a commune of 65 bytes" "commune=$(printf '%065d' 0)" commune
page "/carnets?commune=x%27%20OR%20%271%27%3D%271" "$TA"
check "SQL-looking text as a commune: a plain criterion (200, none)" \
    test "$code" = 200 -a "$(ids | wc -l)" = 0
page "/carnets?du=2026-02-30&etat=nope&programme=x" "$TA"
check "three bad criteria: three errors summed up" \
    test "$(grep -o '<li><a href="#' "$OUT/page.html" | wc -l)" = 3

# --- Vouchers about to expire unused -------------------------------------
NOW=$(date +%s)
A5=$(sed -n 5p "$OUT/want")
sql "UPDATE voucher SET expires_at = $NOW + 10 * 86400 WHERE serial =
    (SELECT min(serial) FROM voucher WHERE booklet_id = $A5);
    UPDATE voucher SET expires_at = $NOW + 10 * 86400 WHERE booklet_id = $B1"
page "/echeances" "$TA"
check "A's expiring within 30 days: 200" test "$code" = 200
check "A's booklet $A5 only" test "$(ids)" = "$A5"
check "its one voucher" has "<td>1 chèque</td>"
page "/echeances?jours=7" "$TA"
check "within 7 days: none" test "$(ids | wc -l)" = 0
page "/echeances?jours=15" "$TB"
check "B sees its own, not A's" test "$(ids)" = "$B1"
check "its 10 vouchers" has "<td>10 chèques</td>"
page "/echeances" "$TADMIN"
check "an admin sees both" test "$(ids | sort -n | tr '\n' ' ')" = \
    "$(printf '%s\n' "$A5" "$B1" | sort -n | tr '\n' ' ')"
for q in "jours=abc" "jours=-1" "jours=8" "jours=30&page=0" \
    "jours=30&page=2"; do
	page "/echeances?$q" "$TA"
	check "/echeances?$q: 400, no booklet" test "$code" = 400 -a \
	    "$(ids | wc -l)" = 0
done

# --- « Utilisé le … à … — thème », « Épuisé » ------------------------------
A1=$(sed -n 1p "$OUT/want")
VENUE=$(sql "SELECT id FROM venue WHERE siret = '35600000000048'")
sql "INSERT INTO terminal (venue_id, public_key, label, enrolled_at)
    VALUES ($VENUE, randomblob(32), 'Accueil', 0);
    INSERT INTO training_session (uid, venue_id, terminal_id, theme,
    starts_at, duration_minutes, declared_at) VALUES (randomblob(16),
    $VENUE, last_insert_rowid(), 'démarches en ligne', 1796547600, 90, 0)"
TS=$(sql 'SELECT max(id) FROM training_session')
TM=$(sql 'SELECT max(id) FROM terminal')
sql "INSERT INTO redemption (redemption_id, serial, session_id, terminal_id,
    venue_id, terminal_time, counter, record_signature, outcome, value,
    received_at, answer) SELECT randomblob(16), serial, $TS, $TM, $VENUE,
    1796547700, serial, randomblob(64), 'accepted', value, 1796547700, ''
    FROM voucher WHERE booklet_id = $A1;
    UPDATE voucher SET status = 'settled' WHERE booklet_id = $A1;
    UPDATE voucher SET status = 'redeemed' WHERE serial =
    (SELECT min(serial) FROM voucher WHERE booklet_id = $A1)"
# The line as the database holds it: venue, theme, the session's Paris date.
WANT_DATE=$(TZ=Europe/Paris date -d @"$(sql "SELECT starts_at FROM
    training_session WHERE id = $TS")" +%d/%m/%Y)
WANT="Utilisé le $WANT_DATE à $(sql "SELECT name FROM venue WHERE id =
    $VENUE") — $(sql "SELECT theme FROM training_session WHERE id = $TS")"
page "/carnets/$A1" "$TA"
check "the booklet page: 200" test "$code" = 200
check "each used voucher says '$WANT'" \
    test "$(grep -oF "$WANT" "$OUT/page.html" | wc -l)" = 10
check "paid or not, never « Remboursé »" sh -c "! grep -q Remboursé '$OUT/page.html'"
check "the booklet: « Épuisé »" has "<dt>État</dt><dd>Épuisé</dd>"
check "the date is 06/12/2026 (Paris) for this session" \
    test "$WANT_DATE" = 06/12/2026
SERIAL=$(sql "SELECT min(serial) FROM voucher WHERE booklet_id = $A1")
PRINTED=$(sql "SELECT printf('%012d', $SERIAL)")
DAMM=$(echo "$PRINTED" | awk '{
    split("0317598642 7092154863 4206871359 1750983426 6123045978 " \
	"3674209581 5869720134 8945362017 9438617205 2581436790", t, " ")
    c = 0
    for (i = 1; i <= length($0); i++)
	c = substr(t[c + 1], substr($0, i, 1) + 1, 1) + 0
    print c }')
page "/recherche?numero=$PRINTED$DAMM" "$TA"
check "the voucher found by its serial says it too" has "$WANT"
page "/recherche?numero=$PRINTED$DAMM" "$TB"
check "not for agency B" test "$code" = 404
page "/carnets?etat=used" "$TA"
check "« Épuisé » as a filter: that booklet" test "$(ids)" = "$A1"
page "/carnets?etat=used" "$TB"
check "B has none" test "$(ids | wc -l)" = 0

# --- « Nouveau carnet »: budget and per-person at « Vérifier » -----------
"$ADMIN" programme add --config "$D/passnumd.ini" --name "Pass court" \
    --face-value 1000 --per-booklet 2 --validity year-end+0 \
    --territory Rezé --budget 2000 >"$OUT/prog"
PROG=$(sed -n 's/^programme \([0-9]*\):.*/\1/p' "$OUT/prog")
page /carnets/nouveau "$TA"
check "the form shows the budget left" has "— reste 20,00"
check "the new programme: 1 booklet left" has "soit 1 carnet</option>"
issue "$TA" "C-1" "$PROG"
check "its one booklet issued" test "$code" = 201
page /carnets/nouveau "$TA"
check "exhausted: the option disabled" \
    has "<option value=\"$PROG\" disabled>Pass court — 2 chèques de 10,00"
check "and says so" has "budget épuisé</option>"
before=$(sql 'SELECT count(*) FROM booklet')
form "$TA" "programme=$PROG" ref=C-2 pathway=rsa age_band=26-44 commune=Rezé
check "« Vérifier » with the exhausted programme: 409" test "$code" = 409
check "the form again, not the confirmation" has "<h1>Nouveau carnet</h1>"
check "the error at the programme" \
    grep -q 'id="programme" name="programme" required[^>]*aria-invalid="true"' \
    "$OUT/page.html"
check "the summary links to it" has '<a href="#programme">Le budget de ce programme'
form "$TA" programme=1 ref=a1 pathway=rsa age_band=26-44 commune=Rezé
check "« Vérifier » for a person with a booklet already: 409" \
    test "$code" = 409
check "the error at the reason" has '<a href="#reason">Cette personne a déjà reçu'
form "$TA" programme=1 ref=a1 pathway=rsa age_band=26-44 commune=Rezé \
    "reason=Carnet perdu"
check "with a reason: the confirmation" has "<h1>Vérifier le carnet</h1>"
check "which says until when" has ", valables jusqu’au 31/01/"
form "$TA" "programme=$PROG" ref= commune= age_band=12
check "four errors at once: 400" test "$code" = 400
for f in programme ref pathway-0 age_band-0 commune; do
	case $f in
	programme) check "the summary links to #$f" has "<a href=\"#$f\">" ;;
	*) check "the summary links to #$f" has "<a href=\"#$f\">"
	   check "and #$f exists" has "id=\"$f\"" ;;
	esac
done
check "nothing written by « Vérifier »" \
    test "$(sql 'SELECT count(*) FROM booklet')" = "$before"
page /carnets/nouveau "$TB"
check "B's form: the same budget (one Département)" \
    has "<option value=\"$PROG\" disabled>"

done_testing
