# test_venue_pages.sh -- the venue pages driven with curl and a cookie jar:
# venue users attached to their venue by passnum-admin (and every mistake in
# doing so refused), logging in through /connexion to /lieu, the month's
# totals and sessions, one session's vouchers, the conflicts with their
# proof, each venue kept to its own records (another venue's session is
# 404), the admin looking at any venue, caseworkers and venues kept out of
# each other's pages, a suspended venue still seeing its pages, and a venue
# name with markup escaped everywhere.
#
# There are no terminal routes yet: terminals, sessions and redemptions are
# written into the database with sqlite3, as those routes will write them,
# for vouchers issued through the API.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
PAGES="$OUT/pages"
mkdir -p "$PAGES"

stop() { passnumd_stop; }
trap stop EXIT

EUR=$(printf '\302\240€')	# a no-break space before the sign
NAME2='Tiers-lieu <b>&"Ada"</b>'
NAME2_ESC='Tiers-lieu &lt;b&gt;&amp;&quot;Ada&quot;&lt;/b&gt;'

# The helpers of test_pages.sh: get/post keep every page in $PAGES.
n_page=0
keep() {
	n_page=$((n_page + 1))
	cp "$OUT/page.html" "$PAGES/$(printf %03d $n_page).html"
}
get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
	keep
}
post() {
	p=$1 jar=$2
	shift 2
	args=()
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	code=$(curl -s -b "$jar" -c "$jar" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' "${args[@]}" "$URL$p")
	keep
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
location() { sed -n 's/^Location: *//Ip' "$OUT/headers" | tr -d '\r'; }
login() { # JAR LOGIN PASSWORD
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/page.html")
	post /connexion "$1" "login_csrf=$lc" "login=$2" "password=$3"
}
sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
users() { sql 'SELECT count(*) FROM user'; }
# printed SERIAL: the serial as the pages print it (lib/serial.c).
printed() {
	d=$(printf %012d "$1")
	c=$(echo "$d" | awk '{
	    split("0317598642 7092154863 4206871359 1750983426 6123045978 " \
		"3674209581 5869720134 8945362017 9438617205 2581436790", t, " ")
	    c = 0
	    for (i = 1; i <= length($0); i++)
		c = substr(t[c + 1], substr($0, i, 1) + 1, 1) + 0
	    print c }')
	echo "${d%????????} $(echo "$d" | cut -c5-8) ${d#????????} $c"
}
# serials_shown: the printed serials of the last page, one a line, sorted.
serials_shown() {
	grep -o '<td class="serial">[^<]*</td>' "$OUT/page.html" |
	    sed 's/<[^>]*>//g' | sort
}
# utc PARIS-TIME: Unix seconds of a time in Paris ("2026-11-03 14:00").
utc() { TZ=Europe/Paris date -d "$1" +%s; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
PW_CW=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
PW_AD=$(sed -n 's/^admin password: //p' "$D/demo-credentials.txt")

# --- Venue users: passnum-admin user add --role venue --venue SIRET ---------
venue_add "$CFG" 21440143200015 "Médiathèque de Rezé"
venue_add "$CFG" 21440143200023 "$NAME2"
before=$(users)
expect 2 "a venue user belongs to a venue: give --venue SIRET" \
    "user add --role venue without --venue is refused" -- \
    sh -c "printf 'venue-password-1\n' | '$ADMIN' user add --config '$CFG' \
    --login v0 --name V --role venue"
expect 2 "--venue is only for role venue" \
    "user add --role caseworker --venue is refused" -- \
    sh -c "printf 'caseworker-pass-1\n' | '$ADMIN' user add --config '$CFG' \
    --login c0 --name C --role caseworker --agency 1 --venue 21440143200015"
expect 2 "SIRET" "a mistyped SIRET is refused, named" -- \
    sh -c "printf 'venue-password-1\n' | '$ADMIN' user add --config '$CFG' \
    --login v0 --name V --role venue --venue 21440143200016"
expect 1 "no venue with SIRET 44306184100047" \
    "an unknown SIRET is refused, named" -- \
    sh -c "printf 'venue-password-1\n' | '$ADMIN' user add --config '$CFG' \
    --login v0 --name V --role venue --venue 44306184100047"
check "and no user was added" test "$(users)" = "$before"
expect 0 "user v1 (venue of venue 1, Médiathèque de Rezé) added" \
    "user add --role venue --venue SIRET (typed with spaces)" -- \
    sh -c "printf 'venue-password-1\n' | '$ADMIN' user add --config '$CFG' \
    --login v1 --name 'Claire Moreau' --role venue --venue '214 401 432 00015'"
expect 0 "user v2 (venue" "a user of the second venue" -- \
    sh -c "printf 'venue-password-2\n' | '$ADMIN' user add --config '$CFG' \
    --login v2 --name 'Sam Ada' --role venue --venue 21440143200023"
check "the user row holds the venue" test \
    "$(sql "SELECT venue_id FROM user WHERE login = 'v1'")" = 1
expect 0 "venue 21440143200015 Médiathèque de Rezé" \
    "user list shows the venue of a venue user" -- \
    "$ADMIN" user list --config "$CFG"
check "and none for the caseworker" \
    grep -qP '^caseworker\tCamille Martin\tcaseworker\tagency 1 ' "$OUT/stdout"

# --- Vouchers, and what the terminals would have recorded -------------------
check "passnumd starts" passnumd_start "$CFG"
code=$(curl -s -o "$OUT/booklet.json" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" --data-binary '{"programme": 1,
    "beneficiary": {"ref": "V-1", "pathway": "rsa", "age_band": "26-44",
    "commune": "Rezé"}}' "$URL/api/v1/booklets")
check "a booklet of 10 vouchers of 10,00 € is issued" test "$code" = 201
set -- $(grep -o '"serial":[0-9]*' "$OUT/booklet.json" | cut -d: -f2)
S1=$1 S2=$2 S3=$3 S4=$4 S5=$5
check "its serials are known" test -n "$S5"

# Sessions: A and B at venue 1 in November, C at venue 1 in October,
# D at venue 2 in November. Vouchers: S1, S2 at A; S3 at B; S4 at C; S5 at
# D (venue 2) and then again at B, a conflict; S1 again at D, venue 2's
# conflict.
TA=$(utc '2026-11-03 14:00') TB=$(utc '2026-11-20 10:00')
TC=$(utc '2026-10-30 09:00') TD=$(utc '2026-11-02 10:00')
sql "INSERT INTO terminal (id, venue_id, public_key, label, enrolled_at)
     VALUES (1, 1, randomblob(32), 'Accueil', $TC),
            (2, 2, randomblob(32), 'Poste <2>', $TC);
     INSERT INTO training_session (id, uid, venue_id, terminal_id, theme,
       starts_at, duration_minutes, declared_at) VALUES
       (11, randomblob(16), 1, 1, 'démarches en ligne', $TA, 120, $TA),
       (12, randomblob(16), 1, 1, 'prise en main d''un smartphone', $TB, 90, $TB),
       (13, randomblob(16), 1, 1, 'e-mail', $TC, 60, $TC),
       (14, randomblob(16), 2, 2, 'e-mail', $TD, 45, $TD);"
# redemption ID SERIAL SESSION TERMINAL VENUE TIME WINNER: a record taken at
# TIME, received a minute later; WINNER NULL when accepted.
redemption() {
	if [ "$7" = NULL ]; then o=accepted; else o=conflict; fi
	sql "INSERT INTO redemption (id, redemption_id, serial, session_id,
	    terminal_id, venue_id, terminal_time, counter, record_signature,
	    outcome, winner_id, value, received_at, answer) VALUES ($1,
	    randomblob(16), $2, $3, $4, $5, $6, $1, zeroblob(64), '$o', $7,
	    1000, $6 + 60, '{}');
	    UPDATE voucher SET status = 'redeemed' WHERE serial = $2;"
}
redemption 1 "$S1" 11 1 1 $((TA + 600)) NULL
redemption 2 "$S2" 11 1 1 $((TA + 900)) NULL
redemption 3 "$S3" 12 1 1 $((TB + 300)) NULL
redemption 4 "$S4" 13 1 1 $((TC + 300)) NULL
redemption 5 "$S5" 14 2 2 $((TD + 1200)) NULL
redemption 6 "$S5" 12 1 1 $((TB + 600)) 5
redemption 7 "$S1" 14 2 2 $((TD + 3600 * 24 * 2)) 1
check "eight redemption rows, two of them conflicts" test \
    "$(sql "SELECT count(*) || '/' || sum(outcome = 'conflict') FROM redemption")" = 7/2

# --- A venue user logs in ----------------------------------------------------
J1="$OUT/jar1"
login "$J1" v1 venue-password-1
check "a venue user logging in goes to /lieu" \
    test "$code" = 303 -a "$(location)" = /lieu
get / "$J1"
check "/ sends a venue user to /lieu" test "$code" = 303 -a "$(location)" = /lieu
get /connexion "$J1"
check "and so does /connexion, logged in" \
    test "$code" = 303 -a "$(location)" = /lieu
get /lieu "$J1"
check "GET /lieu: 200" test "$code" = 200
check "with the strict Content-Security-Policy" \
    grep -qi "^Content-Security-Policy: default-src 'none'" "$OUT/headers"
check "naming the venue and its status" \
    sh -c "grep -qF '<dt>Lieu</dt><dd>Médiathèque de Rezé</dd>' '$OUT/page.html' &&
    grep -qF '<dt>État</dt><dd>Actif</dd>' '$OUT/page.html'"
check "showing the current month of Paris by default" \
    has "value=\"$(TZ=Europe/Paris date +%Y-%m)\""
check "with the venue's menu, not the caseworker's" \
    sh -c "grep -qF 'href=\"/lieu/conflits\"' '$OUT/page.html' &&
    ! grep -qF 'Nouveau carnet' '$OUT/page.html'"

get "/lieu?mois=2026-11" "$J1"
check "November 2026: titled so" has "<h2>Mois de novembre 2026</h2>"
check "2 sessions" has "<dt>Séances</dt><dd>2</dd>"
check "3 vouchers accepted" has "<dt>Chèques acceptés</dt><dd>3</dd>"
check "30,00 € due" has "<dt>Valeur des chèques acceptés</dt><dd>30,00$EUR</dd>"
check "1 conflict, linked" \
    has '<dt>Conflits</dt><dd>1 (<a href="/lieu/conflits">voir les conflits</a>)'
check "the sessions listed link to their pages, A then B" test \
    "$(grep -o 'href="/lieu/sessions/[0-9]*"' "$OUT/page.html" | tr '\n' ' ')" = \
    'href="/lieu/sessions/11" href="/lieu/sessions/12" '
check "session A: its start in Paris, theme, duration, vouchers, amount" \
    has '<a href="/lieu/sessions/11">03/11/2026 14:00</a></td><td>démarches en ligne</td><td>2 h</td><td>2</td><td>20,00'"$EUR"'</td><td><ul class="money"><li>Validé, à régler : 2 chèques, 20,00'"$EUR"'</li></ul></td><td>0</td>'
check "session B: 1 h 30, one voucher, one conflict" \
    has "<td>prise en main d&#39;un smartphone</td><td>1 h 30</td><td>1</td><td>10,00$EUR</td><td><ul class=\"money\"><li>Validé, à régler : 1 chèque, 10,00$EUR</li></ul></td><td>1</td>"
check "previous and next month links" sh -c \
    "grep -qF 'href=\"/lieu?mois=2026-10\"' '$OUT/page.html' &&
    grep -qF 'href=\"/lieu?mois=2026-12\"' '$OUT/page.html'"
get "/lieu?mois=2026-10" "$J1"
check "October 2026: session C alone, 10,00 €, no conflict" sh -c \
    "grep -qF '<dt>Séances</dt><dd>1</dd>' '$OUT/page.html' &&
    grep -qF '<dt>Valeur des chèques acceptés</dt><dd>10,00$EUR</dd>' '$OUT/page.html' &&
    grep -qF '<dt>Conflits</dt><dd>0</dd>' '$OUT/page.html' &&
    grep -qF 'href=\"/lieu/sessions/13\"' '$OUT/page.html'"
get "/lieu?mois=2026-12" "$J1"
check "December 2026: no session, 0,00 €" sh -c \
    "grep -qF 'Aucune séance ce mois-ci.' '$OUT/page.html' &&
    grep -qF '<dt>Valeur des chèques acceptés</dt><dd>0,00$EUR</dd>' '$OUT/page.html'"
for bad in 2026-13 2026-1 novembre "2026-11'"; do
	get "/lieu?mois=$bad" "$J1"
	check "?mois=$bad: 400, saying how to write a month" \
	    test "$code" = 400 -a -n "$(grep -F 'Mois invalide' "$OUT/page.html")"
done
get "/lieu?lieu=2&mois=2026-11" "$J1"
check "?lieu=2 does not show a venue user another venue" sh -c \
    "grep -qF '<dd>Médiathèque de Rezé</dd>' '$OUT/page.html' &&
    grep -qF '<dt>Valeur des chèques acceptés</dt><dd>30,00$EUR</dd>' '$OUT/page.html'"

# --- One session ------------------------------------------------------------
get /lieu/sessions/11 "$J1"
check "GET /lieu/sessions/11: 200" test "$code" = 200
check "titled with its start in Paris" has "<h1>Séance du 03/11/2026 14:00</h1>"
check "its theme, duration and terminal" sh -c \
    "grep -qF '<dt>Thème</dt><dd>démarches en ligne</dd>' '$OUT/page.html' &&
    grep -qF '<dt>Durée</dt><dd>2 h</dd>' '$OUT/page.html' &&
    grep -qF '<dt>Terminal</dt><dd>Accueil</dd>' '$OUT/page.html'"
check "it lists exactly its two serials, printed" test \
    "$(serials_shown | tr '\n' ';')" = \
    "$(printf '%s\n%s\n' "$(printed "$S1")" "$(printed "$S2")" | sort | tr '\n' ';')"
check "each accepted, 10,00 €, with the terminal's time" \
    has "<td class=\"serial\">$(printed "$S1")</td><td>10,00$EUR</td><td>Accepté — Validé, à régler</td><td>03/11/2026 14:10</td><td>03/11/2026 14:11</td>"
check "and their total" has "Total accepté</th><td>20,00$EUR</td><td colspan=\"3\">2 chèques acceptés, 0 en conflit"
check "a link back to its month" has 'href="/lieu?mois=2026-11"'
get /lieu/sessions/12 "$J1"
check "session B lists its voucher and its conflict" test \
    "$(serials_shown | tr '\n' ';')" = \
    "$(printf '%s\n%s\n' "$(printed "$S3")" "$(printed "$S5")" | sort | tr '\n' ';')"
check "the conflict marked, linked to its proof" \
    has "<td class=\"serial\">$(printed "$S5")</td><td>10,00$EUR</td><td class=\"status-cancelled\">Conflit : déjà utilisé (<a href=\"/lieu/conflits\">voir la preuve</a>)</td>"
get /lieu/sessions/14 "$J1"
check "another venue's session: 404" test "$code" = 404
check "saying the session is not found, nothing of it shown" sh -c \
    "grep -qF 'Séance introuvable pour ce lieu' '$OUT/page.html' &&
    ! grep -qF 'Poste &lt;2' '$OUT/page.html'"
get "/lieu/sessions/14?lieu=2" "$J1"
check "also with ?lieu=2" test "$code" = 404
get /lieu/sessions/99999 "$J1"
check "an unknown session: 404" test "$code" = 404
get /lieu/sessions/abc "$J1"
check "a session number that is not one: 404" test "$code" = 404

# --- Conflicts --------------------------------------------------------------
get /lieu/conflits "$J1"
check "GET /lieu/conflits: 200" test "$code" = 200
check "explaining what a conflict is and what to do" sh -c \
    "grep -qF 'Un chèque ne peut servir qu’une fois.' '$OUT/page.html' &&
    grep -qF 'Gardez le chèque papier' '$OUT/page.html' &&
    grep -qF 'contactez le Département' '$OUT/page.html'"
check "listing the one voucher venue 1 lost" test \
    "$(serials_shown | tr '\n' ';')" = "$(printed "$S5");"
check "with the proof: used on 02/11/2026 at the other venue (escaped)" \
    has "Chèque déjà utilisé le 02/11/2026 à $NAME2_ESC (pris par son terminal le 02/11/2026 10:20, reçu par le serveur le 02/11/2026 10:21)"
check "when this venue took it, and at which session" \
    has "<td>20/11/2026 10:10</td><td><a href=\"/lieu/sessions/12\">20/11/2026 10:00</a> — prise en main d&#39;un smartphone</td>"

# --- Each to their own pages ------------------------------------------------
get /accueil "$J1"
check "a venue user cannot open /accueil: 403" test "$code" = 403
check "whose page leads back to /lieu" has '<a href="/lieu">Retour à l’accueil</a>'
get /carnets/nouveau "$J1"
check "nor /carnets/nouveau: 403" test "$code" = 403
get "/recherche?numero=1" "$J1"
check "nor /recherche: 403" test "$code" = 403

J2="$OUT/jar2"
login "$J2" v2 venue-password-2
check "the second venue's user logs in to /lieu" \
    test "$code" = 303 -a "$(location)" = /lieu
get "/lieu?mois=2026-11" "$J2"
check "their venue's name, with markup, is escaped" \
    has "<dt>Lieu</dt><dd>$NAME2_ESC</dd>"
check "their month: 1 session, 10,00 €, 1 conflict" sh -c \
    "grep -qF '<dt>Valeur des chèques acceptés</dt><dd>10,00$EUR</dd>' '$OUT/page.html' &&
    grep -qF '<dt>Conflits</dt><dd>1 (' '$OUT/page.html'"
get /lieu/sessions/11 "$J2"
check "venue 1's session is 404 to venue 2" test "$code" = 404
get /lieu/sessions/14 "$J2"
check "their own session: 200, its terminal's label escaped" \
    test "$code" = 200 -a -n "$(grep -F '<dd>Poste &lt;2&gt;</dd>' "$OUT/page.html")"
get /lieu/conflits "$J2"
check "their conflict: S1, used first at Médiathèque de Rezé on 03/11/2026" \
    has "Chèque déjà utilisé le 03/11/2026 à Médiathèque de Rezé"
check "and only theirs" test "$(serials_shown | tr '\n' ';')" = "$(printed "$S1");"

JC="$OUT/jarc"
login "$JC" caseworker "$PW_CW"
check "a caseworker still logs in to /accueil" \
    test "$code" = 303 -a "$(location)" = /accueil
get / "$JC"
check "and / still sends them to /accueil" \
    test "$code" = 303 -a "$(location)" = /accueil
get /lieu "$JC"
check "a caseworker cannot open /lieu: 403" test "$code" = 403
get /lieu/sessions/11 "$JC"
check "nor a session: 403" test "$code" = 403
get /lieu/conflits "$JC"
check "nor the conflicts: 403" test "$code" = 403

# --- An admin looks at any venue ----------------------------------------------
JA="$OUT/jara"
login "$JA" admin "$PW_AD"
check "the admin logs in to /accueil" \
    test "$code" = 303 -a "$(location)" = /accueil
get /lieu "$JA"
check "GET /lieu as admin: the list of venues" \
    test "$code" = 200 -a -n "$(grep -F '<h1>Lieux partenaires</h1>' "$OUT/page.html")"
check "linking to each, the name escaped" sh -c \
    "grep -qF '<a href=\"/lieu?lieu=1\">Médiathèque de Rezé</a>' '$OUT/page.html' &&
    grep -qF '<a href=\"/lieu?lieu=2\">$NAME2_ESC</a>' '$OUT/page.html'"
get "/lieu?lieu=1&mois=2026-11" "$JA"
check "?lieu=1: venue 1's month, 30,00 €" \
    has "<dt>Valeur des chèques acceptés</dt><dd>30,00$EUR</dd>"
check "its links carry the venue (escaped &)" sh -c \
    "grep -qF 'href=\"/lieu/sessions/11?lieu=1\"' '$OUT/page.html' &&
    grep -qF 'href=\"/lieu?mois=2026-12&amp;lieu=1\"' '$OUT/page.html' &&
    grep -qF '<input type=\"hidden\" name=\"lieu\" value=\"1\">' '$OUT/page.html'"
get "/lieu/sessions/11?lieu=1" "$JA"
check "a session of venue 1 with ?lieu=1: 200" test "$code" = 200
get "/lieu/sessions/11?lieu=2" "$JA"
check "the same session with ?lieu=2: 404" test "$code" = 404
get /lieu/sessions/11 "$JA"
check "without ?lieu: back to the list" \
    test "$code" = 303 -a "$(location)" = /lieu
get "/lieu?lieu=999" "$JA"
check "an unknown venue: 404" test "$code" = 404 -a -n \
    "$(grep -F 'Lieu introuvable' "$OUT/page.html")"
get "/lieu/conflits?lieu=2" "$JA"
check "venue 2's conflicts" has "Chèque déjà utilisé le 03/11/2026 à Médiathèque de Rezé"

# --- A suspended venue still sees its pages, and why --------------------------
"$ADMIN" venue suspend --config "$CFG" --siret 21440143200015 \
    --reason 'contrôle <i>en cours</i>' >/dev/null
get "/lieu?mois=2026-11" "$J1"
check "suspended: the venue's session goes on, 200" test "$code" = 200
check "the page says the venue is suspended, and why (escaped)" sh -c \
    "grep -qF 'Ce lieu est suspendu</strong>' '$OUT/page.html' &&
    grep -qF 'Motif : contrôle &lt;i&gt;en cours&lt;/i&gt;' '$OUT/page.html' &&
    grep -qF '<dt>État</dt><dd>Suspendu</dd>' '$OUT/page.html'"
check "what it is owed still shown" has "<dt>Valeur des chèques acceptés</dt><dd>30,00$EUR</dd>"
login "$J1" v1 venue-password-1
check "a user of a suspended venue can still log in" \
    test "$code" = 303 -a "$(location)" = /lieu
get /lieu/conflits "$J1"
check "and sees the suspension on every venue page" \
    has "Ce lieu est suspendu</strong>"

# --- Over every page fetched ------------------------------------------------
# Markup was put in a venue's name, a terminal's label and a reason.
check "no page holds the markup raw ($(ls "$PAGES" | wc -l) pages)" test \
    "$(cat "$PAGES"/*.html | grep -cE '<b>|<i>|<2>')" = 0
check "every page is valid UTF-8" \
    sh -c "cat '$PAGES'/*.html | iconv -f UTF-8 -t UTF-8 >/dev/null"
for p in "/lieu?mois=2026-11" /lieu/sessions/12 /lieu/conflits; do
	get "$p" "$J1"
	check "$p: lang, viewport, one h1, skip link, the field labelled" sh -c \
	    "grep -qF '<html lang=\"fr\">' '$OUT/page.html' &&
	    grep -qF 'name=\"viewport\"' '$OUT/page.html' &&
	    [ \$(grep -o '<h1[ >]' '$OUT/page.html' | wc -l) = 1 ] &&
	    grep -qF '<a class=\"skip\" href=\"#contenu\">' '$OUT/page.html' &&
	    ! grep -q '<th>' '$OUT/page.html' &&
	    { ! grep -qF 'id=\"mois\"' '$OUT/page.html' ||
	      grep -qF '<label for=\"mois\">' '$OUT/page.html'; }"
done

stop
check "passnumd stops cleanly" test "$status" = 0
done_testing
