# test_pages.sh -- the caseworker pages driven with curl and a cookie jar, as a
# person with a browser would: log in through /connexion, the empty home
# page, "Nouveau carnet" with each kind of mistake (status 400, the field
# marked, the French message, nothing written), its confirmation, "Modifier"
# and "Confirmer", a second booklet for the same person (refused without a
# reason); the booklet page, whose inline SVG QR codes are rasterised here
# (awk, into PBM), scanned with zbarimg and verified offline; cancelling a
# voucher and a booklet through their forms (reason and CSRF token needed,
# the deny list gets them, another agency sees nothing); searching a printed
# serial; markup typed into every text field escaped on every page; and the
# accessibility basics of every page (lang, one h1, labels, viewport).
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
DB="$D/passnum.db"
PAGES="$OUT/pages"
mkdir -p "$PAGES"

stop() { passnumd_stop; }
trap stop EXIT

# The values a caseworker types, with markup and every character that
# HTML escapes; the escaped forms that must appear instead.
EVIL='<script>alert(1)</script>'
EVIL_ESC='&lt;script&gt;alert(1)&lt;/script&gt;'
REF="DOSSIER $EVIL \"q\" 'a' & co"
REF_ESC="DOSSIER $EVIL_ESC &quot;q&quot; &#39;a&#39; &amp; co"
COMMUNE="Rezé $EVIL\"'&"
COMMUNE_ESC="Rezé $EVIL_ESC&quot;&#39;&amp;"
REASON="Perdu $EVIL \"'& en route"
REASON_ESC="Perdu $EVIL_ESC &quot;&#39;&amp; en route"
EUR=$(printf '\302\240€')	# a no-break space before the sign, as French writes
NB=$(printf '\342\200\257')	# a narrow no-break space between thousands

# get PATH JAR: GET a page with the cookies of JAR (kept up to date); the
# status in $code, the body in $OUT/page.html, the headers in $OUT/headers.
# keep records a copy of every page in $PAGES (listed in $PAGES/index), for
# the checks over all pages at the end.
# post PATH JAR FIELD=VALUE...: the same for a form posted with those
# fields (each value URL-encoded as a browser does).
n_page=0
keep() {
	n_page=$((n_page + 1))
	cp "$OUT/page.html" "$PAGES/$(printf %03d $n_page).html"
	printf '%s %s %s\n' "$(printf %03d $n_page)" "$code" "$1" >>"$PAGES/index"
}
get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
	keep "GET $1"
}
post() {
	p=$1 jar=$2
	shift 2
	args=(--data-binary '')		# an empty form when no field is given
	[ $# -gt 0 ] && args=()
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	code=$(curl -s -b "$jar" -c "$jar" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' "${args[@]}" "$URL$p")
	keep "POST $p"
}
# has TEXT: the last page holds TEXT (fixed string).
has() { grep -qF -- "$1" "$OUT/page.html"; }
# location: the Location header of the last reply.
location() { sed -n 's/^Location: *//Ip' "$OUT/headers" | tr -d '\r'; }
# csrf_of FILE: the session's CSRF token in a page's forms.
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }
# booklets: how many booklets the database holds.
booklets() { sqlite3 "$DB" 'SELECT count(*) FROM booklet'; }
# voucher_status SERIAL: its status in the database.
voucher_status() { sqlite3 "$DB" "SELECT status FROM voucher WHERE serial = $1"; }
# tags FILE: the page's tags, one a line.
tags() { tr '\n' ' ' <"$1" | grep -o '<[^>]*>'; }
# marked FIELD: on the last page, the control of FIELD (by its id), or the
# fieldset around its radio buttons, says aria-invalid="true".
marked() {
	tags "$OUT/page.html" | awk -v f="$1" '
	    /^<fieldset/ { fs = $0 }
	    /^<\/fieldset/ { fs = "" }
	    /^<(input|select|textarea)/ && index($0, " id=\"" f "\"") {
		print; exit }
	    /^<input/ && index($0, " name=\"" f "\"") &&
	        index($0, "type=\"radio\"") && fs != "" { print fs; exit }' |
	    grep -q 'aria-invalid="true"'
}
# field_value ID VALUE: on the last page, the input ID has value="VALUE".
field_value() {
	tags "$OUT/page.html" | grep -F "<input id=\"$1\" " |
	    grep -qF " value=\"$2\">"
}
# invalid_count: how many elements of the last page say aria-invalid="true".
invalid_count() { grep -o 'aria-invalid="true"' "$OUT/page.html" | wc -l; }
# login JAR LOGIN PASSWORD: log in through the form, as a browser does.
login() {
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/page.html")
	post /connexion "$1" "login_csrf=$lc" "login=$2" "password=$3"
}
# damm DIGITS: the Damm check digit of DIGITS (lib/serial.c).
damm() {
	echo "$1" | awk '{
	    split("0317598642 7092154863 4206871359 1750983426 6123045978 " \
		"3674209581 5869720134 8945362017 9438617205 2581436790", t, " ")
	    c = 0
	    for (i = 1; i <= length($0); i++)
		c = substr(t[c + 1], substr($0, i, 1) + 1, 1) + 0
	    print c }'
}
# printed SERIAL: the serial as printed on the voucher, "0000 0000 0001 3".
printed() {
	d=$(printf %012d "$1")
	echo "${d%????????} $(echo "$d" | cut -c5-8) ${d#????????} $(damm "$d")"
}
# svg_pbm SIDE SCALE: the path "M x yhNv1h-Nz..." of a QR code's SVG (read
# from standard input, SIDE modules a side) as a plain PBM image, SCALE
# pixels a module: rsvg-convert is not needed to scan what the page shows.
svg_pbm() {
	awk -v side="$1" -v s="$2" '{
	    n = split($0, seg, "M")
	    for (k = 2; k <= n; k++) {
		split(seg[k], a, /[ hvz-]+/)
		for (x = a[1]; x < a[1] + a[3]; x++) dark[a[2], x] = 1
	    }
	    print "P1"; print side * s, side * s
	    for (y = 0; y < side; y++) {
		row = ""
		for (x = 0; x < side; x++)
		    for (j = 0; j < s; j++) row = row (dark[y, x] ? 1 : 0)
		for (j = 0; j < s; j++)
		    for (o = 1; o <= length(row); o += 64)
			print substr(row, o, 64)
	    }}'
}
# cards FILE: the voucher cards of a booklet page, one a line.
cards() {
	tr '\n' ' ' <"$1" | sed 's/<li class="voucher">/\n&/g; s/<\/ul>/\n/g' |
	    grep '^<li class="voucher">'
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
PASSWORD=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
"$ADMIN" agency add --config "$D/passnumd.ini" --name "EDS Saint-Nazaire" \
    >"$OUT/agency"
AGENCY2=$(sed -n 's/^agency \([0-9]*\):.*/\1/p' "$OUT/agency")
printf 'other-caseworker-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login cw2 --name "Dominique Leroy" --role caseworker \
    --agency "$AGENCY2" >/dev/null
OTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login cw2)
check "passnumd starts" passnumd_start "$D/passnumd.ini"
curl -s -o "$OUT/trust" "$URL/api/v1/trust"
JAR="$OUT/jar"
JAR2="$OUT/jar2"
: >"$JAR"
: >"$JAR2"

# --- Logging in -------------------------------------------------------------
get /accueil "$JAR"
check "not logged in, /accueil sends to the login page" \
    test "$code" = 303 -a "$(location)" = /connexion
get /connexion "$JAR"
check "GET /connexion: 200, with a login form token in a cookie" \
    test "$code" = 200 -a -n "$(grep -i '^Set-Cookie: pn_login=' "$OUT/headers")"
lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html")
post /connexion "$OUT/no-jar" "login_csrf=$lc" login=caseworker \
    "password=$PASSWORD"
check "the login form posted without its cookie: 403" test "$code" = 403
check "saying the form expired" has "Le formulaire a expiré."
check "and no session" test "$(grep -c pn_session "$OUT/no-jar")" = 0
login "$JAR" "caseworker$EVIL" wrong-password-1
check "a wrong password: 401" test "$code" = 401
check "saying so in French" has "Identifiant ou mot de passe incorrect"
check "the typed login kept, escaped" has "value=\"caseworker$EVIL_ESC\""
login "$JAR" caseworker "$PASSWORD"
check "logging in through the form: 303 to /accueil" \
    test "$code" = 303 -a "$(location)" = /accueil
check "with a session cookie" grep -q 'pn_session' "$JAR"

# --- Home, nothing yet ------------------------------------------------------
get /accueil "$JAR"
check "GET /accueil: 200 HTML" test "$code" = 200 -a -n \
    "$(grep -i '^Content-Type: text/html; charset=utf-8' "$OUT/headers")"
check "it says no booklet was issued yet" \
    has "Vous n’avez encore remis aucun carnet."
check "and lists none" test "$(grep -c '<table' "$OUT/page.html")" = 0
CSRF=$(csrf_of "$OUT/page.html")
check "the page carries the session's CSRF token" test -n "$CSRF"

# --- Nouveau carnet: the form -----------------------------------------------
get /carnets/nouveau "$JAR"
check "GET /carnets/nouveau: 200" test "$code" = 200
check "the form lists the demo programme" \
    has "<option value=\"1\" selected>Pass numérique 2026 — 10 chèques de 10,00$EUR — reste "
check "with the CSRF field" has "name=\"csrf\" value=\"$CSRF\""
check "no field marked invalid on a fresh form" test "$(invalid_count)" = 0

# new_form FIELD=VALUE... -FIELD...: post "Nouveau carnet" with the CSRF
# token and valid values, each FIELD=VALUE given replacing its field's
# value and each -FIELD leaving the field out.
new_form() {
	set -- "csrf=$CSRF" "programme=1" "ref=DOSSIER-1" "pathway=rsa" \
	    "age_band=26-44" "commune=Rezé" "$@"
	# The last value given for a name wins; "-NAME" removes the field.
	fields=()
	for f in "$@"; do
		name=${f%%=*}
		case $f in -*) name=${f#-} ;; esac
		kept=()
		for g in "${fields[@]+"${fields[@]}"}"; do
			[ "${g%%=*}" = "$name" ] || kept+=("$g")
		done
		fields=("${kept[@]+"${kept[@]}"}")
		case $f in -*) ;; *) fields+=("$f") ;; esac
	done
	post /carnets/nouveau "$JAR" "${fields[@]}"
}

# refused DESCRIPTION FIELD MESSAGE FORM-CHANGES...: the form comes back
# with 400, FIELD alone marked, MESSAGE shown, and nothing written.
refused() {
	what=$1 field=$2 msg=$3
	shift 3
	before=$(booklets)
	new_form "$@"
	check "$what: 400" test "$code" = 400
	check "$what: the form again, '$field' marked aria-invalid" marked "$field"
	check "$what: no other field marked" test "$(invalid_count)" = 1
	check "$what: says '$msg'" has "$msg"
	check "$what: nothing written" test "$(booklets)" = "$before"
}
refused "no ref" ref "Saisissez la référence du dossier" -ref
refused "an empty ref" ref "Saisissez la référence du dossier" ref=
refused "a ref of spaces alone" ref "Saisissez la référence du dossier" \
    "ref=   "
refused "a ref of 65 characters" ref "1 à 64 caractères" \
    "ref=$(printf '%065d' 7)"
refused "an unknown pathway" pathway "Choisissez le parcours de la personne." \
    pathway=bus
refused "no pathway" pathway "Choisissez le parcours de la personne." \
    -pathway
refused "an unknown age band" age_band "Choisissez la tranche d’âge." \
    age_band=12-15
refused "an empty commune" commune "Saisissez la commune (1 à 64 caractères)." \
    commune=
refused "a commune of spaces alone" commune "Saisissez la commune" \
    "commune=  "
refused "a commune of 65 bytes" commune "Saisissez la commune" \
    "commune=$(printf '%063d' 0)é"
refused "an unknown programme" programme "Ce programme n’existe pas :" \
    programme=99
refused "a programme that is no number" programme "Choisissez un programme." \
    programme=un
check "the summary above the form says what to fix, linking to the field" \
    has "<h2 id=\"error-summary-title\">Le formulaire contient une erreur</h2><ul><li><a href=\"#programme\">Choisissez un programme.</a></li></ul>"
new_form ref=DOSSIER-1 "commune=Rezé" "-csrf"
check "the form without its CSRF token: 403" test "$code" = 403
check "a French page says why" has "Formulaire expiré ou invalide"
check "nothing written" test "$(booklets)" = 0

# --- Confirmation, Modifier, Confirmer --------------------------------------
new_form "ref=$REF" "commune=$COMMUNE" pathway=revenu-jeunes age_band=16-25
check "valid values: the confirmation page (200)" test "$code" = 200
check "titled 'Vérifier le carnet'" has "<h1>Vérifier le carnet</h1>"
check "it shows the ref, escaped" has "<dd>$REF_ESC</dd>"
check "the commune, escaped" has "<dd>$COMMUNE_ESC</dd>"
check "the pathway in words" has "<dd>Revenu jeunes</dd>"
check "the age band in words" has "<dd>16 à 25 ans</dd>"
check "the programme and its vouchers" \
    has "<dd>10 chèques de 10,00$EUR, soit 100,00$EUR, valables jusqu’au 31/01/"
check "the values again in hidden fields, escaped" \
    has "<input type=\"hidden\" name=\"ref\" value=\"$REF_ESC\">"
check "with buttons to confirm and to change" \
    has 'name="action" value="confirmer"'
check "nothing written before confirming" test "$(booklets)" = 0
cp "$OUT/page.html" "$OUT/confirm.html"

new_form "ref=$REF" "commune=$COMMUNE" pathway=revenu-jeunes age_band=16-25 \
    action=modifier
check "Modifier: the form again (200)" test "$code" = 200 -a \
    "$(grep -c '<h1>Nouveau carnet</h1>' "$OUT/page.html")" = 1
check "the ref filled in, escaped" field_value ref "$REF_ESC"
check "the commune filled in, escaped" field_value commune "$COMMUNE_ESC"
check "the pathway checked" \
    has 'name="pathway" value="revenu-jeunes" required checked>'
check "the age band checked" \
    has 'name="age_band" value="16-25" required checked>'
check "no field marked" test "$(invalid_count)" = 0
check "still nothing written" test "$(booklets)" = 0

new_form "ref=$REF" "commune=$COMMUNE" pathway=revenu-jeunes age_band=16-25 \
    action=confirmer
where=$(location)
ID=${where#/carnets/}
ID=${ID%%\?*}
check "Confirmer: 303 to /carnets/N?cree=1 ($where)" \
    test "$code" = 303 -a "$where" = "/carnets/$ID?cree=1"
check "one booklet written" test "$(booklets)" = 1
check "with the typed commune" test "$(sqlite3 "$DB" \
    "SELECT commune FROM beneficiary b JOIN booklet k
     ON k.beneficiary_id = b.id WHERE k.id = $ID")" = "$COMMUNE"

get "/carnets/$ID?cree=1" "$JAR"
check "the booklet's page says it is created" has "Le carnet est créé."

# The same person again: refused without a reason, issued with one.
new_form "ref=$REF" "commune=$COMMUNE" pathway=revenu-jeunes age_band=16-25 \
    action=confirmer
check "the same person again without a reason: 409" test "$code" = 409
check "the form again, the reason field marked" marked reason
check "saying a reason is needed" \
    has "Cette personne a déjà reçu un carnet de ce programme."
check "the typed values kept, escaped" field_value ref "$REF_ESC"
check "no second booklet" test "$(booklets)" = 1
new_form "ref=$REF" "commune=$COMMUNE" pathway=revenu-jeunes age_band=16-25 \
    "reason=Carnet perdu $EVIL"
check "with a reason: its confirmation shows it, escaped" \
    has "<dd>Carnet perdu $EVIL_ESC</dd>"
new_form "ref=$REF" "commune=$COMMUNE" pathway=revenu-jeunes age_band=16-25 \
    "reason=Carnet perdu $EVIL" action=confirmer
where=$(location)
ID2=${where#/carnets/}
ID2=${ID2%%\?*}
check "then confirmed: 303 to the second booklet" \
    test "$code" = 303 -a "$where" = "/carnets/$ID2?cree=1" -a "$ID2" != "$ID"
check "two booklets written" test "$(booklets)" = 2

# --- Home, with booklets ----------------------------------------------------
get /accueil "$JAR"
check "the home page lists both booklets" \
    test "$(grep -o '<tr><td><a href="/carnets/[0-9]*">' "$OUT/page.html" | wc -l)" = 2
check "the newest first" test "$(grep -o '<tr><td><a href="/carnets/[0-9]*"' \
    "$OUT/page.html" | head -n 1)" = "<tr><td><a href=\"/carnets/$ID2\""
check "with a link to booklet $ID" \
    has "<a href=\"/carnets/$ID\">Carnet n° $ID</a>"
check "its date" grep -qE "<td>[0-3][0-9]/[01][0-9]/20[0-9]{2}</td>" \
    "$OUT/page.html"
check "its commune, escaped" has "<td>$COMMUNE_ESC</td>"
check "its state" has "<td>En cours</td>"
check "10 vouchers of 10, 100 €" has "<td>10 sur 10</td><td>100,00$EUR</td>"
check "no longer says there is none" \
    test "$(grep -c 'aucun carnet' "$OUT/page.html")" = 0

# --- The booklet page and its QR codes ---------------------------------------
get "/carnets/$ID" "$JAR"
cp "$OUT/page.html" "$OUT/booklet.html"
check "GET /carnets/$ID: 200" test "$code" = 200
check "titled with its number" has "<h1>Carnet n° $ID</h1>"
check "10 voucher cards" test "$(cards "$OUT/booklet.html" | wc -l)" = 10
check "10 inline SVG QR codes" \
    test "$(grep -o '<svg ' "$OUT/booklet.html" | wc -l)" = 10
check "each with a text alternative" test "$(grep -o \
    'role="img" aria-label="Code QR du chèque [0-9 ]*"><svg ' \
    "$OUT/booklet.html" | wc -l)" = 10
check "a link to print the booklet as PDF" \
    has "<a class=\"button\" href=\"/api/v1/booklets/$ID.pdf\">Imprimer le carnet (PDF)</a>"
code=$(curl -s -b "$JAR" -o "$OUT/booklet.pdf" -w '%{http_code}' \
    "$URL/api/v1/booklets/$ID.pdf")
check "which the session opens: a PDF" \
    test "$code" = 200 -a "$(head -c 5 "$OUT/booklet.pdf")" = "%PDF-"

call GET "/api/v1/booklets/$ID" "$TOKEN"
cp "$OUT/body" "$OUT/booklet.json"
# The voucher texts by printed serial: "PRINTED<TAB>CODE" lines.
grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"[^"]*"' "$OUT/booklet.json" |
    sed 's/^"serial":[0-9]*,"printed":"\([^"]*\)","code":"\([^"]*\)"$/\1	\2/' \
    >"$OUT/want"
check "the API lists the same 10 vouchers" test "$(wc -l <"$OUT/want")" = 10

mkdir -p "$OUT/qr"
i=0 decoded=0 matched=0 verified=0 wellformed=0
cards "$OUT/booklet.html" >"$OUT/cards"
while IFS= read -r card; do
	i=$((i + 1))
	pr=$(echo "$card" | sed -n 's/.*<p class="serial">\([^<]*\)<.*/\1/p')
	side=$(echo "$card" | sed -n 's/.*viewBox="0 0 \([0-9]*\) [0-9]*".*/\1/p')
	echo "$card" | sed -n 's/.*\(<svg .*<\/svg>\).*/\1/p' >"$OUT/qr/$i.svg"
	xmllint --noout "$OUT/qr/$i.svg" 2>/dev/null && wellformed=$((wellformed + 1))
	echo "$card" | sed -n 's/.* d="\(M[^"]*\)".*/\1/p' |
	    svg_pbm "$side" 4 >"$OUT/qr/$i.pbm"
	got=$(zbarimg --raw -q --nodbus -Sdisable -Sqrcode.enable \
	    "$OUT/qr/$i.pbm" 2>/dev/null)
	[ -n "$got" ] && decoded=$((decoded + 1))
	want=$(awk -F '\t' -v p="$pr" '$1 == p { print $2 }' "$OUT/want")
	[ -n "$got" ] && [ "$got" = "$want" ] && matched=$((matched + 1))
	"$TERMINAL" verify "$got" --bundle "$OUT/trust" \
	    --master "$D/keys/master" >/dev/null 2>&1 && verified=$((verified + 1))
done <"$OUT/cards"
check "each inline SVG is well-formed XML ($wellformed)" test "$wellformed" = 10
check "each QR code as shown scans back ($decoded)" test "$decoded" = 10
check "each is the code of the voucher printed on its card ($matched)" \
    test "$matched" = 10
check "all 10 verify offline against the trust bundle ($verified)" \
    test "$verified" = 10

# The control key beside each serial is the one the API gives that voucher
# (tests/unit/test_booklet_pdf.c ties the API's key to the signature).
grep -o '"printed":"[^"]*","code":"[^"]*","control_key":"[^"]*"' \
    "$OUT/booklet.json" |
    sed 's/^"printed":"\([^"]*\)",.*"control_key":"\([^"]*\)"$/\1	\2/' \
    >"$OUT/keys"
check "the API gives 10 control keys" test "$(wc -l <"$OUT/keys")" = 10
keyed=0
while IFS= read -r card; do
	pr=$(echo "$card" | sed -n 's/.*<p class="serial">\([^<]*\)<.*/\1/p')
	key=$(echo "$card" | sed -n \
	    's/.*<\/p><p>Clé de contrôle : <strong>\([^<]*\)<.*/\1/p')
	want=$(awk -F '\t' -v p="$pr" '$1 == p { print $2 }' "$OUT/keys")
	[ -n "$key" ] && [ "$key" = "$want" ] && keyed=$((keyed + 1))
done <"$OUT/cards"
check "each card shows, under its serial, the API's control key ($keyed)" \
    test "$keyed" = 10

# --- Cancelling a voucher -----------------------------------------------------
S1=$(grep -o '"serial":[0-9]*' "$OUT/booklet.json" | sed -n '3s/.*://p')
P1=$(printed "$S1")
CODE1=$(awk -F '\t' -v p="$P1" '$1 == p { print $2 }' "$OUT/want")
check "voucher $S1 ($P1) has a cancel form" \
    grep -q "<form method=\"post\" action=\"/cheques/$S1/annuler\">" "$OUT/booklet.html"
check "asking for the reason, labelled" \
    grep -q "<label for=\"reason-$S1\">Motif de l’annulation</label><textarea id=\"reason-$S1\" name=\"reason\"" \
    "$OUT/booklet.html"

post "/cheques/$S1/annuler" "$JAR" "csrf=$CSRF"
check "cancelling without a reason: 400" test "$code" = 400
check "the booklet's page says the reason is needed" \
    has "Indiquez le motif de l’annulation"
check "nothing cancelled" test "$(voucher_status "$S1")" = issued
post "/cheques/$S1/annuler" "$JAR" "csrf=$CSRF" "reason=   "
check "a reason of spaces alone: 400" test "$code" = 400
check "nothing cancelled" test "$(voucher_status "$S1")" = issued
post "/cheques/$S1/annuler" "$JAR" "reason=$REASON"
check "cancelling without the CSRF token: 403" test "$code" = 403
check "nothing cancelled" test "$(voucher_status "$S1")" = issued

# Another agency's caseworker sees nothing and cancels nothing.
login "$JAR2" cw2 other-caseworker-1
check "another agency's caseworker logs in" test "$code" = 303
get /accueil "$JAR2"
CSRF2=$(csrf_of "$OUT/page.html")
get "/carnets/$ID" "$JAR2"
check "another agency's caseworker: /carnets/$ID is a 404 page" \
    test "$code" = 404
check "saying, in French, that the booklet is not found" has "Carnet introuvable"
check "with none of its serials" test "$(grep -c "$P1" "$OUT/page.html")" = 0
post "/cheques/$S1/annuler" "$JAR2" "csrf=$CSRF2" "reason=essai"
check "nor can they cancel one of its vouchers: 404" test "$code" = 404
post "/carnets/$ID/annuler" "$JAR2" "csrf=$CSRF2" "reason=essai"
check "nor the booklet: 404" test "$code" = 404
check "nothing cancelled" test "$(sqlite3 "$DB" \
    "SELECT count(*) FROM voucher WHERE status <> 'issued'")" = 0
get "/recherche?numero=$(echo "$P1" | tr ' ' '+')" "$JAR2"
check "nor find it by its printed serial: 404" test "$code" = 404

post "/cheques/$S1/annuler" "$JAR" "csrf=$CSRF" "reason=$REASON"
check "cancelling voucher $S1 with a reason: 303 to the booklet" \
    test "$code" = 303 -a "$(location)" = "/carnets/$ID?annule=1"
check "it is cancelled" test "$(voucher_status "$S1")" = cancelled
get "/carnets/$ID?annule=1" "$JAR"
check "the page says the cancellation is recorded" \
    has "L’annulation est enregistrée"
cards "$OUT/page.html" >"$OUT/cards"
card=$(grep -F "<p class=\"serial\">$P1</p>" "$OUT/cards")
check "its card says Annulé" test -n "$(echo "$card" | \
    grep -F '<dd class="status-cancelled">Annulé</dd>')"
check "without its QR code" test -n "$card" -a \
    "$(echo "$card" | grep -c '<svg')" = 0
check "nor its cancel form" test -n "$card" -a \
    "$(echo "$card" | grep -c '<form')" = 0
check "9 QR codes left" test "$(grep -o '<svg ' "$OUT/page.html" | wc -l)" = 9
check "the booklet counts 9 still valid" has "9 encore valables"
curl -s -o "$OUT/deny.list" "$URL/api/v1/denylist?since=0"
run "$TERMINAL" verify "$CODE1" --bundle "$OUT/trust" \
    --master "$D/keys/master" --denylist "$OUT/deny.list"
check "the deny list has it: verify says cancelled (15)" test "$status" = 15
CODE_OK=$(awk -F '\t' -v p="$(printed $((S1 + 1)))" '$1 == p { print $2 }' \
    "$OUT/want")
run "$TERMINAL" verify "$CODE_OK" --bundle "$OUT/trust" \
    --master "$D/keys/master" --denylist "$OUT/deny.list"
check "and not its neighbour" test "$status" = 0
post "/cheques/$S1/annuler" "$JAR" "csrf=$CSRF" "reason=encore"
check "cancelling it again: 409" test "$code" = 409
check "saying it cannot be" has "Déjà annulé, ou déjà utilisé"

# --- Searching ----------------------------------------------------------------
get /recherche "$JAR"
check "GET /recherche: the form (200)" test "$code" = 200
get "/recherche?numero=$(echo "$P1" | tr ' ' '+')" "$JAR"
check "the printed serial of voucher $S1: 200" test "$code" = 200
check "its details" has "<h2>Chèque $P1</h2>"
KEY1=$(awk -F '\t' -v p="$P1" '$1 == p { print $2 }' "$OUT/keys")
check "its control key, as the API gives it ($KEY1)" test -n "$KEY1" -a -n \
    "$(grep -F "<dt>Clé de contrôle</dt><dd><strong>$KEY1</strong></dd>" \
    "$OUT/page.html")"
check "cancelled" has '<dd class="status-cancelled">Annulé</dd>'
check "with the reason, escaped" has "<dt>Motif</dt><dd>$REASON_ESC</dd>"
check "and a link to its booklet" has "<a href=\"/carnets/$ID\">Carnet n° $ID</a>"
get "/recherche?numero=$(echo "$P1" | tr -d ' ')" "$JAR"
check "typed without spaces: found too" test "$code" = 200 -a -n \
    "$(grep -F "<h2>Chèque $P1</h2>" "$OUT/page.html")"
digits=$(echo "$P1" | tr -d ' ')
last=${digits%?}
last=${last#???????????}
wrong=$(echo "$digits" | cut -c1-11)$(((last + 1) % 10))${digits#????????????}
get "/recherche?numero=$wrong" "$JAR"
check "one digit wrong ($wrong): 400" test "$code" = 400
check "the French check-digit message" \
    has "le chiffre de contrôle ne correspond pas"
check "the field marked, the typed text kept" \
    has "aria-invalid=\"true\" value=\"$wrong\">"
get "/recherche?numero=$(printed 987654 | tr ' ' '+')" "$JAR"
check "a valid serial no voucher has: 404" test "$code" = 404
check "saying none has this number" \
    has "Aucun chèque de votre service ne porte ce numéro."
get "/recherche?numero=12ab" "$JAR"
check "letters: 400, named" test "$code" = 400 -a -n \
    "$(grep -F "ne contient que des chiffres" "$OUT/page.html")"
get "/recherche?numero=123" "$JAR"
check "too short: 400, named" test "$code" = 400 -a -n \
    "$(grep -F "nombre de chiffres incorrect" "$OUT/page.html")"
get "/recherche?numero=%3Cscript%3Ealert(1)%3C%2Fscript%3E" "$JAR"
check "markup searched for: 400, shown escaped" test "$code" = 400 -a -n \
    "$(grep -F "value=\"$EVIL_ESC\"" "$OUT/page.html")"
# A voucher of the other agency is not found by this one.
call POST /api/v1/booklets "$OTOKEN" '{"programme": 1, "beneficiary": {"ref": "AUTRE-1", "pathway": "rsa", "age_band": "26-44", "commune": "Saint-Nazaire"}}'
OS=$(grep -o '"serial":[0-9]*' "$OUT/body" | head -n 1 | sed 's/.*://')
get "/recherche?numero=$(printed "$OS" | tr ' ' '+')" "$JAR"
check "another agency's voucher: 404" test -n "$OS" -a "$code" = 404

# --- Cancelling the booklet ---------------------------------------------------
post "/carnets/$ID/annuler" "$JAR" "csrf=$CSRF"
check "cancelling the booklet without a reason: 400" test "$code" = 400
check "nothing more cancelled" test "$(sqlite3 "$DB" \
    "SELECT count(*) FROM voucher WHERE booklet_id = $ID AND status = 'cancelled'")" = 1
post "/carnets/$ID/annuler" "$JAR" "csrf=$CSRF" "reason=Carnet volé $EVIL"
check "with a reason: 303 to the booklet" \
    test "$code" = 303 -a "$(location)" = "/carnets/$ID?annule=1"
check "all 10 vouchers cancelled" test "$(sqlite3 "$DB" \
    "SELECT count(*) FROM voucher WHERE booklet_id = $ID AND status = 'cancelled'")" = 10
get "/carnets/$ID" "$JAR"
check "the page shows 10 cancelled vouchers" test "$(grep -o \
    '<dd class="status-cancelled">Annulé</dd>' "$OUT/page.html" | wc -l)" = 10
check "no QR code left" test "$(grep -c '<svg' "$OUT/page.html")" = 0
check "no PDF link, no cancel form" test "$(grep -c \
    'Imprimer le carnet\|<form method="post" action="/c' "$OUT/page.html")" = 0
check "the booklet of the second person is untouched" test "$(sqlite3 "$DB" \
    "SELECT count(*) FROM voucher WHERE booklet_id = $ID2 AND status = 'issued'")" = 10
curl -s -o "$OUT/deny.list" "$URL/api/v1/denylist?since=0"
denied=0
while IFS="	" read -r pr c; do
	"$TERMINAL" verify "$c" --bundle "$OUT/trust" --master "$D/keys/master" \
	    --denylist "$OUT/deny.list" >/dev/null 2>&1
	[ $? = 15 ] && denied=$((denied + 1))
done <"$OUT/want"
check "the deny list refuses all 10 ($denied)" test "$denied" = 10
post "/carnets/$ID/annuler" "$JAR" "csrf=$CSRF" "reason=encore"
check "cancelling it again: 409" test "$code" = 409
get /carnets/99999 "$JAR"
check "an unknown booklet: 404 page" test "$code" = 404 -a -n \
    "$(grep -F "Carnet introuvable" "$OUT/page.html")"
post /cheques/99999/annuler "$JAR" "csrf=$CSRF" "reason=essai"
check "cancelling an unknown voucher: 404 page" test "$code" = 404 -a -n \
    "$(grep -F "Chèque introuvable" "$OUT/page.html")"

# --- Escaping, over every page fetched -------------------------------------------
get /accueil "$JAR"
check "the home page shows the commune escaped" has "<td>$COMMUNE_ESC</td>"

# A programme whose name has markup, shown in the form, its confirmation,
# the booklet and the home page.
"$ADMIN" programme add --config "$D/passnumd.ini" \
    --name "Pass <b>\"spécial\"</b> & 'co'" --face-value 500 --per-booklet 2 \
    --validity days:30 --territory Rezé --budget 100000 >"$OUT/prog"
PROG=$(sed -n 's/^programme \([0-9]*\):.*/\1/p' "$OUT/prog")
PNAME_ESC="Pass &lt;b&gt;&quot;spécial&quot;&lt;/b&gt; &amp; &#39;co&#39;"
get /carnets/nouveau "$JAR"
# The newest programme comes first, chosen.
check "a programme's name with markup is escaped in the form" \
    has "<option value=\"$PROG\" selected>$PNAME_ESC — 2 chèques de 5,00$EUR — reste 1${NB}000,00$EUR, soit 100 carnets</option>"
new_form "programme=$PROG" ref=P2
check "on the confirmation page" has "<dd>$PNAME_ESC</dd>"
new_form "programme=$PROG" ref=P2 action=confirmer
where=$(location)
ID3=${where#/carnets/}
ID3=${ID3%%\?*}
get "/carnets/$ID3" "$JAR"
check "on the booklet page" has "<dd>$PNAME_ESC</dd>"
get /accueil "$JAR"
check "on the home page" has "<td>$PNAME_ESC</td>"
check "no <b> of it anywhere" test "$(cat "$PAGES"/[0-9]*.html | grep -cF '<b>')" = 0

# --- Accessibility basics, on a page of each kind ---------------------------------
# a11y FILE: what it lacks, one line each (nothing when all is there).
a11y() {
	grep -q '<html lang="fr">' "$1" || echo "no <html lang=\"fr\">"
	grep -q '<meta name="viewport" content="width=device-width, initial-scale=1">' \
	    "$1" || echo "no viewport"
	[ "$(grep -o '<h1[ >]' "$1" | wc -l)" = 1 ] || echo "not one h1"
	grep -q '<title>[^<]' "$1" || echo "no title"
	tags "$1" | awk '
	    /^<label / && match($0, / for="[^"]*"/) {
		label[substr($0, RSTART + 6, RLENGTH - 7)] = 1 }
	    /^<fieldset/ { fs = 1; legend = 0 }
	    /^<legend/ { if (fs) legend = 1 }
	    /^<\/fieldset/ { fs = 0 }
	    /^<(input|select|textarea)[ >]/ {
		if (index($0, "type=\"hidden\"")) next
		id = ""
		if (match($0, / id="[^"]*"/))
		    id = substr($0, RSTART + 5, RLENGTH - 6)
		if (id != "" && (seen[id]++)) print "duplicate id " id
		if (index($0, "type=\"radio\"") && fs && legend && id != "") {
		    next }
		if (id == "") print "no id: " $0
		else want[id] = 1
	    }
	    END { for (i in want) if (!(i in label)) print "no label for " i }'
}
bad=0
for name in home:/accueil new:/carnets/nouveau \
    booklet:/carnets/$ID2 search:/recherche \
    search-found:"/recherche?numero=$(echo "$P1" | tr ' ' '+')" \
    notfound:/carnets/99999; do
	get "${name#*:}" "$JAR"
	cp "$OUT/page.html" "$OUT/a11y-${name%%:*}.html"
done
cp "$OUT/confirm.html" "$OUT/a11y-confirm.html"
new_form -ref
cp "$OUT/page.html" "$OUT/a11y-new-error.html"
get "/recherche?numero=$wrong" "$JAR"
cp "$OUT/page.html" "$OUT/a11y-search-error.html"
: >"$OUT/empty-jar"
get /connexion "$OUT/empty-jar"
cp "$OUT/page.html" "$OUT/a11y-login.html"
for f in "$OUT"/a11y-*.html; do
	name=$(basename "$f" .html)
	name=${name#a11y-}
	a11y "$f" >"$OUT/a11y.out"
	if [ -s "$OUT/a11y.out" ]; then
		not_ok "page '$name': lang, viewport, title, one h1, every field labelled"
		sed 's/^/#   /' "$OUT/a11y.out"
	else
		ok "page '$name': lang, viewport, title, one h1, every field labelled"
	fi
done
check "the booklet page's fields are labelled (cancel reasons)" test \
    "$(grep -o '<label for="reason-[0-9a-z]*">' "$OUT/a11y-booklet.html" | wc -l)" = 11
check "the error messages of the form are tied to their field" \
    grep -q 'aria-describedby="ref-hint ref-error"' "$OUT/a11y-new-error.html"
code=$(curl -s -D "$OUT/headers" -o "$OUT/css" -w '%{http_code}' \
    "$URL/static/passnum.css")
check "the style sheet: 200 text/css" test "$code" = 200 -a -n \
    "$(grep -i '^Content-Type: text/css' "$OUT/headers")"
check "with a visible focus style" grep -q ':focus-visible' "$OUT/css"

# --- An API token on the pages; logging out ----------------------------------
code=$(curl -s -o "$OUT/page.html" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" "$URL/accueil")
keep "GET /accueil (token)"
check "an API token opens the pages too" test "$code" = 200
check "whose forms carry no CSRF field" \
    test "$(grep -c 'name="csrf"' "$OUT/page.html")" = 0
before=$(booklets)
code=$(curl -s -o "$OUT/page.html" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" --data-urlencode programme=1 \
    --data-urlencode ref=JETON-1 --data-urlencode pathway=other \
    --data-urlencode age_band=65+ --data-urlencode commune=Nantes \
    --data-urlencode action=confirmer "$URL/carnets/nouveau")
keep "POST /carnets/nouveau (token)"
check "and post them without one: 303, a booklet issued" \
    test "$code" = 303 -a "$(booklets)" = $((before + 1))

cp "$JAR" "$OUT/jar-before-logout"
post /deconnexion "$JAR"
check "logging out without the CSRF token: 403" test "$code" = 403
post /deconnexion "$JAR" "csrf=$CSRF"
check "logging out: 303 to /connexion?deconnecte=1" \
    test "$code" = 303 -a "$(location)" = "/connexion?deconnecte=1"
get "/connexion?deconnecte=1" "$JAR"
check "the login page says so" has "Vous êtes déconnecté."
get /accueil "$JAR"
check "then /accueil sends to the login page" \
    test "$code" = 303 -a "$(location)" = /connexion
get /accueil "$OUT/jar-before-logout"
check "and so does the old session cookie, replayed" \
    test "$code" = 303 -a "$(location)" = /connexion

# Markup was typed into the login, the ref, the commune, the reasons and the
# search field: no page of the whole session may hold it raw.
raw=0
for f in "$PAGES"/[0-9]*.html; do
	grep -qiF '<script' "$f" && raw=$((raw + 1))
done
check "no page fetched holds '<script' ($(ls "$PAGES" | grep -c html) pages, $raw do)" \
    test "$raw" = 0
check "nor the raw quote run \"'& typed into the commune and reasons" test \
    "$(cat "$PAGES"/[0-9]*.html | grep -cF "\"'&")" = 0
check "every page is valid UTF-8" \
    sh -c "cat '$PAGES'/[0-9]*.html | iconv -f UTF-8 -t UTF-8 >/dev/null"

stop
check "passnumd stops cleanly" test "$status" = 0
done_testing
