# test_voice.sh -- one clear French voice on every page: a walk of every
# page each role reaches (tests/e2e/page_walk.py: every same-site link and
# GET form with its defaults, plus the known routes no link leads to),
# failing on "(s)", "(x)", an ISO date or an English word in visible text;
# and the French HTML error pages a browser gets (404 with the menu, 403,
# 405, 413, 414, 429, 503; 500 is test_compta_pages.sh's changed file)
# while /api/ and JSON clients keep JSON.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
WALK="$(dirname "$0")/page_walk.py"
BROWSER='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

stop() { passnumd_stop; }
trap stop EXIT

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
PASSWORD=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
APASSWORD=$(sed -n 's/^admin password: //p' "$D/demo-credentials.txt")
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
# Small limits, for the limits' pages below.
sed -i 's/^\[server\]$/[server]\nmax_conn_per_ip = 3/' "$D/passnumd.ini"
if grep -q '^\[settlement\]' "$D/passnumd.ini"; then
	sed -i 's/^\[settlement\]$/[settlement]\ndebtor_name = Département de Loire-Atlantique\ndebtor_iban = FR76 3000 1007 9412 3456 7890 185\ndebtor_bic = BDFEFRPPCCT/' "$D/passnumd.ini"
else
	printf '[settlement]\ndebtor_name = Département de Loire-Atlantique\ndebtor_iban = FR76 3000 1007 9412 3456 7890 185\ndebtor_bic = BDFEFRPPCCT\n' >>"$D/passnumd.ini"
fi
venue_add "$D/passnumd.ini" 21440143200015 "Médiathèque de Rezé"
venue_add "$D/passnumd.ini" 21440143200023 "Espace numérique de Nantes"
printf 'venue-password-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login lieu1 --name "Claire Moreau" --role venue \
    --venue 21440143200015 >/dev/null
printf 'compta-password-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login compta1 --name "Alice Martin" --role accountant >/dev/null
printf 'funder-password-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login fin1 --name "Élue du Département" --role funder >/dev/null
check "passnumd starts" passnumd_start "$D/passnumd.ini"

# A world with something on every page: booklets, sessions of this month
# and of forty days ago with accepted vouchers and a conflict, a
# suspended terminal, an alarm, a dispute (as test_browser.sh writes it).
for ref in NAV-A NAV-B; do
	curl -s -o "$OUT/$ref.json" -H "Authorization: Bearer $TOKEN" \
	    --data-binary '{"programme": 1, "beneficiary": {"ref": "'$ref'",
	    "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
	    "$URL/api/v1/booklets"
done
S=$(grep -o '"serial":[0-9]*' "$OUT/NAV-A.json" | sed -n 1p | cut -d: -f2)
S2=$(grep -o '"serial":[0-9]*' "$OUT/NAV-A.json" | sed -n 2p | cut -d: -f2)
S3=$(grep -o '"serial":[0-9]*' "$OUT/NAV-B.json" | sed -n 1p | cut -d: -f2)
NOW=$(date +%s)
OLD=$((NOW - 40 * 86400))
sqlite3 -cmd '.timeout 5000' "$D/passnum.db" "INSERT INTO terminal (id,
    venue_id, public_key, label, enrolled_at) VALUES (1, 1, randomblob(32),
    'Accueil', $NOW), (2, 2, randomblob(32), 'Poste 1', $NOW);
    INSERT INTO training_session (id, uid, venue_id, terminal_id, theme,
    starts_at, duration_minutes, declared_at) VALUES
    (1, randomblob(16), 1, 1, 'démarches en ligne', $NOW, 120, $NOW),
    (2, randomblob(16), 2, 2, 'e-mail', $NOW - 60, 60, $NOW),
    (3, randomblob(16), 1, 1, 'e-mail', $OLD, 60, $OLD),
    (4, randomblob(16), 2, 2, 'e-mail', $OLD, 60, $OLD);
    INSERT INTO redemption (id, redemption_id, serial, session_id,
    terminal_id, venue_id, terminal_time, counter, record_signature,
    outcome, winner_id, value, received_at, answer) VALUES
    (1, randomblob(16), $S, 1, 1, 1, $NOW, 1, zeroblob(64), 'accepted',
     NULL, 1000, $NOW, '{}'),
    (2, randomblob(16), $S3, 2, 2, 2, $NOW, 1, zeroblob(64), 'accepted',
     NULL, 1000, $NOW, '{}'),
    (3, randomblob(16), $S3, 1, 1, 1, $NOW, 2, zeroblob(64), 'conflict', 2,
     1000, $NOW, '{}'),
    (4, randomblob(16), $S2, 3, 1, 1, $OLD, 3, zeroblob(64), 'accepted',
     NULL, 1000, $OLD, '{}');
    UPDATE voucher SET status = 'redeemed' WHERE serial IN ($S, $S2, $S3);
    UPDATE terminal SET suspended_at = $NOW,
    suspend_reason = 'trop de clés de contrôle erronées' WHERE id = 2;
    INSERT INTO dispute (redemption_id, reason, opened_by, opened_at)
    VALUES (1, 'bénéficiaire absent de la feuille d''émargement',
    (SELECT id FROM user WHERE login = 'compta1'), $NOW)"
check "the world is written" test "$(sqlite3 "$D/passnum.db" \
    'SELECT count(*) FROM redemption')" = 4
# A batch of the previous period, drafted and approved as an accountant
# and an admin would, so that its page and the venue's statement exist.
PERIOD=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
"$ADMIN" settle draft --config "$D/passnumd.ini" --period "$PERIOD" \
    --as compta1 <<<compta-password-1 >"$OUT/draft.txt" 2>&1
BATCH=$(sqlite3 "$D/passnum.db" 'SELECT reference FROM settlement_batch LIMIT 1' 2>/dev/null)
"$ADMIN" settle approve --config "$D/passnumd.ini" --batch "$BATCH" \
    --as admin --acknowledge-alerts <<<"$APASSWORD" >>"$OUT/draft.txt" 2>&1
"$ADMIN" settle paid --config "$D/passnumd.ini" --batch "$BATCH" --as compta1 \
    --bank-ref VIR-2026-001 --date "$(date +%Y-%m-%d)" <<<compta-password-1 \
    >>"$OUT/draft.txt" 2>&1
check "a batch drafted, approved and paid ($BATCH)" test -n "$BATCH"
sed 's/^/#   /' "$OUT/draft.txt" | head -8

# --- The walk. --------------------------------------------------------------
check "the walk's checks catch « (s) », ISO dates and English, and spare the exceptions" \
    python3 "$WALK" --self-test
# Routes no link may lead to: a wrong booklet, a bad query parameter.
EXTRA_STAFF="/carnets/999999 /recherche?serie=zzz /carnets?page=abc /echeances"
EXTRA_VENUE="/lieu?mois=2026-13 /lieu/releves /lieu/sessions/999"
EXTRA_COMPTA="/compta/lots/999 /compta/bilan?periode=nope /compta/contestations"
# walk ROLE LOGIN PASSWORD [PATH...]
walk() {
	role=$1 login=$2 pass=$3
	shift 3
	python3 "$WALK" "$URL" "$role" "$login" "$pass" "$OUT" "$@" \
	    >"$OUT/walk-$role.txt" 2>&1
	st=$?
	sed 's/^/# /' "$OUT/walk-$role.txt" | head -60
	check "the walk as $role finds no « (s) », ISO date or English word" \
	    test "$st" = 0
	check "... over more than $MIN pages" test "$(sed -n \
	    's/^WALKED \([0-9]*\) .*/\1/p' "$OUT/walk-$role.txt")" -gt "$MIN"
}
MIN=5 walk caseworker caseworker "$PASSWORD" $EXTRA_STAFF
MIN=5 walk admin admin "$APASSWORD" $EXTRA_STAFF $EXTRA_COMPTA \
    "/lieu?lieu=1" "/lieu/releves?lieu=1" /admin /pilotage
MIN=3 walk venue lieu1 venue-password-1 $EXTRA_VENUE
MIN=3 walk accountant compta1 compta-password-1 $EXTRA_COMPTA \
    /pilotage
MIN=1 walk funder fin1 funder-password-1 /pilotage

# --- A query parameter it cannot read: the form again, the error in place.
# bad_param TOKEN PATH FIELD: 400, the field's message, its control marked
# invalid and described by it.
ATOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login admin)
VTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login lieu1)
bad_param() {
	code=$(curl -s -o "$OUT/page.html" -w '%{http_code}' \
	    -H "Authorization: Bearer $1" "$URL$2")
	check "$2: 400 ($code), the form again, the error at « $3 »" sh -c \
	    "[ $code = 400 ] && grep -qF 'id=\"$3-error\"' '$OUT/page.html' &&
	    grep -qF 'id=\"$3\"' '$OUT/page.html' &&
	    grep -q 'id=\"$3\"[^>]*aria-invalid=\"true\"' '$OUT/page.html'"
}
bad_param "$TOKEN" "/carnets?du=2026-02-31" du
bad_param "$TOKEN" "/echeances?jours=5" jours
bad_param "$ATOKEN" "/admin/utilisateurs?role=pirate" filtre
bad_param "$ATOKEN" "/admin/lieux?q=$(printf 'x%.0s' $(seq 1 101))" q
bad_param "$ATOKEN" "/admin/journal?du=hier" du
bad_param "$ATOKEN" "/pilotage?periode=2026-13" periode
bad_param "$ATOKEN" "/compta/bilan?programme=abc" programme
bad_param "$ATOKEN" "/compta/bilan?programme=99" programme
bad_param "$VTOKEN" "/lieu?mois=2026-13" mois

# --- Error pages. -----------------------------------------------------------
# page METHOD PATH [curl args]: as a browser; status in $code, the page in
# $OUT/page.html, the headers in $OUT/headers.
JAR="$OUT/jar"
page() {
	m=$1 p=$2
	shift 2
	code=$(curl -s -b "$JAR" -c "$JAR" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' -X "$m" \
	    -H "Accept: $BROWSER" "$@" "$URL$p")
}
french_page() {
	check "$1: HTML" grep -qi '^Content-Type: text/html' "$OUT/headers"
	check "$1: in French, titled « $2 »" sh -c "grep -q '<html lang=\"fr\">' '$OUT/page.html' &&
	    grep -q '<h1>$2</h1>' '$OUT/page.html'"
	check "$1: its message a sentence, a way on" sh -c "grep -q '<div class=\"alert\" role=\"alert\"><p>[^<a-z][^<]*\.</p>' '$OUT/page.html' &&
	    grep -q 'Retour à l’accueil' '$OUT/page.html'"
	check "$1: no English cause for a non-admin" sh -c "! grep -q 'Détails techniques' '$OUT/page.html'"
}

page GET /nulle-part
check "a browser asking an unknown URL: 404" test "$code" = 404
french_page "404, not logged in" "Page introuvable"
check "... the request id shown" grep -q "<code>[0-9a-f]\{16\}</code>" \
    "$OUT/page.html"
# Logged in: the same page with the caseworker's menu.
page GET /connexion
LC=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html")
page POST /connexion --data-urlencode "login=caseworker" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "login_csrf=$LC"
page GET /carnets/nulle-part/encore
check "logged in, an unknown URL: 404" test "$code" = 404
french_page "404, logged in" "Page introuvable"
check "... with the menu and the logout button" sh -c "grep -q 'aria-label=\"Menu principal\"' '$OUT/page.html' &&
    grep -q 'Se déconnecter' '$OUT/page.html'"
page GET /compta
check "a caseworker on the accounting pages: 403" test "$code" = 403
french_page "403" "Accès refusé"
page DELETE /connexion
check "a wrong method on a page: 405" test "$code" = 405
french_page "405" "Action impossible"
head -c 300000 /dev/zero | tr '\0' a >"$OUT/big"
page POST /connexion --data-binary @"$OUT/big"
check "a body over the limit on a page: 413" test "$code" = 413
french_page "413" "Envoi trop volumineux"
check "... and the connection closed" grep -qi '^Connection: close' \
    "$OUT/headers"
page GET "/carnets?$(printf 'x%.0s' $(seq 1 9000))"
check "a URL over the limit: 414" test "$code" = 414
french_page "414" "Adresse trop longue"
# Hold connections open from this address; one more is refused 429.
exec 5<>/dev/tcp/127.0.0.1/"$PORT" 6<>/dev/tcp/127.0.0.1/"$PORT" \
    7<>/dev/tcp/127.0.0.1/"$PORT"
sleep 0.3
page GET /accueil
check "a connection over max_conn_per_ip: 429" test "$code" = 429
french_page "429" "Trop de demandes"
check "... made without the session: no menu" sh -c "! grep -q 'Menu principal' '$OUT/page.html'"
exec 5>&- 6>&- 7>&-
sleep 0.3

# JSON clients keep JSON.
code=$(curl -s -o "$OUT/body" -D "$OUT/headers" -w '%{http_code}' \
    "$URL/api/v1/nope")
check "curl on /api/v1/nope: 404 in JSON" sh -c "test '$code' = 404 &&
    grep -q '\"code\":1001' '$OUT/body'"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' -H "Accept: $BROWSER" \
    "$URL/api/v1/nope")
check "under /api/, even a browser's Accept gets JSON" grep -q '"code":1001' \
    "$OUT/body"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
    -H 'Accept: application/json' "$URL/nulle-part")
check "a client asking for JSON elsewhere gets JSON" grep -q '"code":1001' \
    "$OUT/body"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' -X POST "$URL/healthz")
check "a program's route keeps JSON (405 on /healthz)" sh -c "test '$code' = 405 &&
    grep -q '\"code\":1002' '$OUT/body'"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' --data-binary @"$OUT/big" \
    "$URL/api/v1/login")
check "an API body over the limit: 413 in JSON" grep -q '"code":1003' \
    "$OUT/body"

# An admin gets the English cause too, folded away.
AJAR="$OUT/ajar"
JAR_SAVED=$JAR
JAR=$AJAR
page GET /connexion
LC=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html")
page POST /connexion --data-urlencode "login=admin" \
    --data-urlencode "password=$APASSWORD" --data-urlencode "login_csrf=$LC"
page GET /nulle-part
check "an admin's 404 page folds the cause in « Détails techniques »" \
    sh -c "test '$code' = 404 &&
    grep -q '<details><summary>Détails techniques</summary><p>Code 1001, statut HTTP 404 : <span lang=\"en\">no such route — /nulle-part</span>' '$OUT/page.html'"
JAR=$JAR_SAVED

# 503: the database gone bad under a logged-in browser (one thread, so
# that the worker opens its connection after the swap, as test_log.sh).
passnumd_stop
sed -i 's/^threads = .*/threads = 1/' "$D/passnumd.ini"
check "passnumd starts again (one thread)" passnumd_start "$D/passnumd.ini"
mv "$D/passnum.db" "$D/passnum.db.real"
rm -f "$D/passnum.db-wal" "$D/passnum.db-shm"
head -c 8192 /dev/urandom >"$D/passnum.db"
page GET /accueil
check "a broken database under a session: 503" test "$code" = 503
french_page "503" "Service momentanément indisponible"
check "... the cause in the log, not on the page" sh -c "! grep -q 'not a database' '$OUT/page.html' &&
    grep -q 'code=1008' '$OUT/server.log'"
rm -f "$D/passnum.db"
mv "$D/passnum.db.real" "$D/passnum.db"

stop
check "passnumd stops cleanly" test "$status" -eq 0
check "no sanitizer report in the server log" sh -c "! grep -qi 'sanitizer' '$OUT/server.log'"
done_testing
