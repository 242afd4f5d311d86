# test_compta_pages.sh -- the accounting pages driven with curl and cookie
# jars, at chosen dates: vouchers redeemed by enrolled terminals in October
# 2026, what waits to be settled (payable, in the contest window, held by a
# dispute), disputes opened and decided through their page, drafting the
# October batch through the page (mistakes refused with their message and
# nothing written), the four-eyes rule (the drafter's approval refused,
# 403), approval without the Département's account refused, rejection with
# and without a reason, the approved batch's files downloaded byte for byte
# with the hashes the page shows, marking it paid (a bad date refused),
# the venues' statements (each venue its own, 404 for another's), the roles
# kept out, and the accessibility basics of every page.
#
# The server and passnum-admin run under libfaketime (Debian package
# faketime) at the dates the story needs; pn-termsign plays the terminals.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIGN="$BUILD/tools/pn-termsign"
PAGES="$OUT/pages"
mkdir -p "$PAGES"
SIRET_A=21440143200015
SIRET_B=21440143200023
NAME_B='Espace <b>numérique</b> & co'
NAME_B_ESC='Espace &lt;b&gt;numérique&lt;/b&gt; &amp; co'
EUR=$(printf '\302\240€')	# a no-break space before the sign

stop() { passnumd_stop; }
trap stop EXIT

FTLIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
if [ -z "$FTLIB" ]; then
	not_ok "libfaketime is installed (Debian package faketime)"
	done_testing
	exit 1
fi

# at 'YYYY-MM-DD HH:MM:SS': the date (UTC) the next commands run at.
WHEN=
at() { WHEN=$1; }
# ft CMD...: run CMD at $WHEN, the clock running on from there. ASan wants
# to come first among the preloaded libraries; libfaketime comes first here.
FT_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
ft() {
	FAKETIME="@$WHEN" LD_PRELOAD="$FTLIB" ASAN_OPTIONS="$FT_ASAN" "$@"
}
# start: passnumd at $WHEN, as passnumd_start does; its log in
# $OUT/server-N.log, one per start.
n_start=0
start() {
	n_start=$((n_start + 1))
	LOG="$OUT/server-$n_start.log"
	# Not through ft: $! must be passnumd itself, for passnumd_stop.
	FAKETIME="@$WHEN" LD_PRELOAD="$FTLIB" ASAN_OPTIONS="$FT_ASAN" \
	    "$BUILD/bin/passnumd" --config "$CFG" >"$LOG" 2>&1 &
	PID=$!
	i=0
	while ! grep -q "listening on" "$LOG" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $PID 2>/dev/null; then
			echo "# passnumd did not start:"
			sed 's/^/#   /' "$LOG"
			return 1
		fi
		sleep 0.1
	done
	URL=$(sed -n 's/.*listening on \(https*:[^ ]*\)\/$/\1/p' "$LOG")
}
adm() { ft "$ADMIN" "$@"; }
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }

# --- Pages: get/post with a cookie jar, every page kept -------------------
n_page=0
keep() {
	grep -qi '^Content-Type: text/html' "$OUT/headers" || return 0
	n_page=$((n_page + 1))
	cp "$OUT/page.html" "$PAGES/$(printf %03d $n_page).html"
}
get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
	keep
}
# post PATH JAR FIELD=VALUE...: a form, with the session's CSRF token
# (from the jar's last page) unless a csrf= field is given.
post() {
	p=$1 jar=$2
	shift 2
	args=()
	case " $* " in
	*" csrf="*) ;;
	*) args+=(--data-urlencode "csrf=$(cat "$jar.csrf" 2>/dev/null)") ;;
	esac
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	code=$(curl -s -b "$jar" -c "$jar" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' "${args[@]}" "$URL$p")
	keep
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
location() { sed -n 's/^Location: *//Ip' "$OUT/headers" | tr -d '\r'; }
header() { sed -n "s/^$1: *//Ip" "$OUT/headers" | tr -d '\r'; }
# login JAR LOGIN PASSWORD: through the form; the session's CSRF token, from
# the first page after it, is kept in JAR.csrf.
login() {
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/page.html")
	code=$(curl -s -b "$1" -c "$1" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' --data-urlencode "login_csrf=$lc" \
	    --data-urlencode "login=$2" --data-urlencode "password=$3" \
	    "$URL/connexion")
	landed=$(location)
	login_code=$code
	curl -s -b "$1" -c "$1" -o "$OUT/landing.html" "$URL$landed"
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/landing.html" |
	    head -n 1 >"$1.csrf"
	code=$login_code
}
# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# wanted '$3', got '$2'"
	fi
}
# page_is DESCRIPTION STATUS TEXT...: the last page had STATUS and holds
# every TEXT.
page_is() {
	desc=$1 want=$2
	shift 2
	miss=
	for t in "$@"; do has "$t" || miss="$miss [$t]"; done
	if [ "$code" = "$want" ] && [ -z "$miss" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# wanted $want, got $code; missing:$miss"
		sed -n 's/.*role="alert"><p>\([^<]*\).*/#   alert: \1/p' \
		    "$OUT/page.html" | head -n 3
	fi
}
# The rows the accounting pages may write.
snap() {
	q "SELECT (SELECT count(*) FROM settlement_batch) || '/' ||
	    (SELECT count(*) FROM settlement_batch WHERE status = 'draft') || '/' ||
	    (SELECT count(*) FROM settlement_line) || '/' ||
	    (SELECT count(*) FROM settlement_item WHERE active = 1) || '/' ||
	    (SELECT count(*) FROM settlement_file) || '/' ||
	    (SELECT count(*) FROM dispute) || '/' ||
	    (SELECT count(*) FROM dispute WHERE resolution IS NULL) || '/' ||
	    (SELECT count(*) FROM voucher WHERE status = 'settled') || '/' ||
	    (SELECT count(*) FROM audit_log)"
}
unchanged() {
	now_snap=$(snap)
	if [ "$now_snap" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# rows before $2, after $now_snap"
	fi
}

# --- Terminals (as test_redeem.sh) --------------------------------------------
hex16() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# tcall KEY TERMINAL METHOD PATH [BODYFILE]: a request signed at $WHEN.
tcall() {
	ft "$SIGN" headers "$1" "$2" "$3" "$4" ${5:+"$5"} >"$OUT/h"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' -X "$3" -H @"$OUT/h" \
	    ${5:+--data-binary @"$5"} "$URL$4")
}
# enrol SIRET KEYFILE LABEL: a code from passnum-admin, a new device key;
# the terminal's number in $T.
enrol() {
	c=$(adm terminal code --config "$CFG" --siret "$1" 2>/dev/null)
	pk=$(ft "$SIGN" keygen "$2")
	printf '{"code":"%s","public_key":"%s","label":"%s"}' "$c" "$pk" "$3" \
	    >"$OUT/enrol.json"
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    --data-binary @"$OUT/enrol.json" "$URL/api/v1/terminals/enrol")
	T=$(sed -n 's/^{"terminal":\([0-9]*\),.*/\1/p' "$OUT/body")
}
# session KEY TERMINAL UID 'YYYY-MM-DD HH:MM' MINUTES: declare a session
# starting then (UTC).
session() {
	printf '{"session":"%s","theme":"démarches en ligne","starts_at":%s,"duration_minutes":%s}' \
	    "$3" "$(date -u -d "$4" +%s)" "$5" >"$OUT/session.json"
	tcall "$1" "$2" POST /api/v1/sessions "$OUT/session.json"
}
# redeem KEY TERMINAL SESSION SERIAL: a signed record of that voucher.
voucher() { awk -F'\t' -v s="$1" '$1 == s { print $2 }' "$OUT/codes"; }
redeem() {
	ft "$SIGN" record "$1" "$2" "$3" "$(voucher "$4")" >"$OUT/record.json"
	tcall "$1" "$2" POST /api/v1/redemptions "$OUT/record.json"
	grep -q '"outcome":"accepted"' "$OUT/body"
}
# printed SERIAL: as printed on the voucher (lib/serial.c).
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

# --- Set-up, 1 October 2026 ------------------------------------------------------
at '2026-10-01 09:00:00'
adm init --data "$D" --demo --port 0 >/dev/null
# Several vouchers of one booklet are redeemed in one session below.
adm programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
PW_CW=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
PW_AD=$(sed -n 's/^admin password: //p' "$D/demo-credentials.txt")
# A venue owed less than 20 EUR waits for the next batch; the Département's
# account is configured later, to see approval refused without it.
printf '\n[settlement]\nminimum_cents = 2000\n' >>"$CFG"
for v in "$SIRET_A|Médiathèque de Rezé" "$SIRET_B|$NAME_B"; do
	adm venue add --config "$CFG" --siret "${v%%|*}" --name "${v#*|}" \
	    --address "1 rue de la République" --commune "Rezé" \
	    --iban FR7630006000011234567890189 --bic AGRIFRPP \
	    --contact "02 40 00 00 00" --accredited-from 2026-01-01 >/dev/null
done
adduser() { # LOGIN NAME ROLE PASSWORD [VENUE]
	printf '%s\n' "$4" | adm user add --config "$CFG" --login "$1" \
	    --name "$2" --role "$3" ${5:+--venue "$5"} >/dev/null
}
adduser compta1 "Alice Martin" accountant compta-password-1
adduser compta2 "Bruno Petit" accountant compta-password-2
adduser lieu1 "Claire Moreau" venue venue-password-1 $SIRET_A
adduser lieu2 "Sam Ada" venue venue-password-2 $SIRET_B
check "two accountants and two venue users" test \
    "$(q "SELECT count(*) FROM user WHERE role IN ('accountant', 'venue')")" = 4

# --- October: sessions and redemptions ---------------------------------------------
# Venue A: session A1 on 10 October (vouchers 1-3), A2 on 30 October
# (voucher 5). Venue B: B1 on 10 October (voucher 4), B2 on 30 October
# (voucher 6, to be disputed).
# Each day's sessions are declared when they start, and the vouchers taken
# during them, as a terminal online does.
at '2026-10-10 08:00:00'
check "passnumd starts on 10 October 2026" start
: >"$OUT/codes"
curl -s -H "Authorization: Bearer $TOKEN" --data-binary '{"programme": 1,
    "beneficiary": {"ref": "C-1", "pathway": "rsa", "age_band": "26-44",
    "commune": "Rezé"}}' "$URL/api/v1/booklets" |
    grep -o '"serial":[0-9]*,"printed":"[^"]*","code":"PN1:[^"]*"' |
    sed 's/"serial":\([0-9]*\),"printed":"[^"]*","code":"\([^"]*\)"/\1\t\2/' \
    >"$OUT/codes"
check "a booklet of 10 vouchers of 10,00 EUR" test "$(wc -l <"$OUT/codes")" = 10
enrol $SIRET_A "$OUT/ta.key" "Accueil"
TA=$T KA="$OUT/ta.key"
enrol $SIRET_B "$OUT/tb.key" "Poste 1"
TB=$T KB="$OUT/tb.key"
check "a terminal enrolled at each venue" test -n "$TA" -a -n "$TB"
A1=$(hex16) B1=$(hex16) A2=$(hex16) B2=$(hex16)
session "$KA" "$TA" "$A1" '2026-10-10 08:00' 60
session "$KB" "$TB" "$B1" '2026-10-10 08:30' 60
check "sessions A1 and B1 declared" test "$code" = 201
r=0
for s in 1 2 3; do redeem "$KA" "$TA" "$A1" $s || r=1; done
redeem "$KB" "$TB" "$B1" 4 || r=1
check "vouchers 1-3 accepted at venue A, 4 at venue B" test $r = 0
stop

at '2026-10-30 08:00:00'
check "passnumd starts again on 30 October" start
session "$KA" "$TA" "$A2" '2026-10-30 08:00' 60
session "$KB" "$TB" "$B2" '2026-10-30 08:00' 60
r=0
redeem "$KA" "$TA" "$A2" 5 || r=1
redeem "$KB" "$TB" "$B2" 6 || r=1
check "voucher 5 accepted at venue A, 6 at venue B" test $r = 0
stop

# --- 3 November: what waits, disputes, periods refused ------------------------------
at '2026-11-03 10:00:00'
check "passnumd starts on 3 November" start
JA="$OUT/jar-a" JB="$OUT/jar-b"
login "$JA" compta1 compta-password-1
check "an accountant logging in lands on /compta" \
    test "$code" = 303 -a "$landed" = /compta
get / "$JA"
check "/ sends an accountant to /compta" \
    test "$code" = 303 -a "$(location)" = /compta
get /compta "$JA"
page_is "GET /compta: Règlements, with the accountant's menu" 200 \
    "<h1>Règlements</h1>" '<a href="/compta">Règlements</a>' \
    "avant la fin de la période précédente, octobre 2026 :"
check "and not the caseworkers' menu" sh -c "! grep -qF 'Nouveau carnet' '$OUT/page.html'"
page_is "payable: vouchers 1-4, 40,00 EUR" 200 \
    "<dt>Chèques payables</dt><dd>4, soit 40,00$EUR</dd>"
page_is "in the contest window: vouchers 5 and 6" 200 \
    "<dt>Dans le délai de contestation</dt><dd>2</dd>"
page_is "held by a dispute: none" 200 \
    "<dt>Retenus par une contestation ouverte</dt><dd>0</dd>"
page_is "the draft form offers the previous period, labelled" 200 \
    '<label for="periode">Période' 'name="periode" type="text"' \
    'value="2026-10"' "Aucun lot n’a encore été préparé."

get /compta/contestations "$JA"
page_is "GET /compta/contestations: none open, the form to open one" 200 \
    "<h1>Contestations</h1>" "Aucune contestation n’est ouverte." \
    '<label for="cheque">Numéro du chèque' '<label for="motif">Motif</label>'
before=$(snap)
post /compta/contestations "$JA" "cheque=1234" "motif=essai"
page_is "a mistyped serial: 400, said at the field" 400 \
    'id="cheque-error"' 'aria-describedby="cheque-hint cheque-error"'
post /compta/contestations "$JA" "cheque=$(printed 6)" "motif="
page_is "no reason: 400, the message at the field" 400 \
    "Indiquez un motif (1 à 500 caractères)" 'id="motif-error"'
post /compta/contestations "$JA" "cheque=$(printed 1)" "motif=Séance non tenue"
page_is "voucher 1, its session ended 24 days ago: 409, window passed" 409 \
    "Le délai de contestation de cette séance est passé"
post /compta/contestations "$JA" "cheque=$(printed 9)" "motif=Jamais vu"
page_is "voucher 9, never redeemed: 404" 404 "Encaissement introuvable"
post /compta/contestations "$JA" "csrf=wrong" "cheque=$(printed 6)" \
    "motif=Sans jeton"
is "without the session's CSRF token: 403" "$code" 403
unchanged "those refusals wrote nothing" "$before"
post /compta/contestations "$JA" "cheque=$(printed 6)" \
    "motif=Le bénéficiaire <i>conteste</i> sa présence"
check "voucher 6 disputed: 303 to the disputes page" test "$code" = 303 -a \
    "$(location)" = "/compta/contestations?ouverte=$(q 'SELECT max(id) FROM dispute')"
DSP=$(q 'SELECT max(id) FROM dispute')
get "$(location)" "$JA"
page_is "the page says it is open, and lists it with its form" 200 \
    "La contestation n° $DSP est ouverte" "Contestation n° $DSP" \
    "$(printed 6)" "Le bénéficiaire &lt;i&gt;conteste&lt;/i&gt; sa présence" \
    "<dd>$NAME_B_ESC</dd>" \
    "<label for=\"decision-$DSP-maintenir\">Confirmer la contestation (non payé)</label>" \
    "<label for=\"decision-$DSP-lever\">Lever la contestation (payable)</label>" \
    "<label for=\"note-$DSP\">Note</label>"
before=$(snap)
post /compta/contestations "$JA" "cheque=$(printed 6)" "motif=Encore"
page_is "the same voucher again: 409" 409 \
    "Une contestation est déjà ouverte pour cet encaissement"
unchanged "and nothing written" "$before"
get /compta "$JA"
page_is "/compta: voucher 6 now held by the dispute, 5 alone in the window" 200 \
    "<dt>Dans le délai de contestation</dt><dd>1</dd>" \
    "<dt>Retenus par une contestation ouverte</dt><dd>1</dd>"

before=$(snap)
post /compta/lots "$JA" "periode=2026-13"
page_is "period 2026-13: 400, how to write one, at the field" 400 \
    "Période invalide" 'id="periode-error"' 'aria-invalid="true"' \
    'value="2026-13"'
post /compta/lots "$JA" "periode=2026-11"
page_is "November, not ended: 409" 409 \
    "Cette période n&#39;est pas encore terminée"
post /compta/lots "$JA" "periode=2026-09"
page_is "September, nothing to settle: 409" 409 \
    "Aucune séance validée à régler pour cette période"
unchanged "no batch written by those" "$before"
stop

# --- 12 November: the October batch --------------------------------------------
at '2026-11-12 10:00:00'
check "passnumd starts on 12 November" start
login "$JA" compta1 compta-password-1
login "$JB" compta2 compta-password-2
# An admin asked for venue A's IBAN to change; no second admin approved
# it yet: the batch pays the old IBAN and says a change waits.
sqlite3 -cmd '.timeout 5000' "$DB" "INSERT INTO venue_bank_change (venue_id,
    old_iban, old_bic, iban, bic, requested_by, requested_at) SELECT v.id,
    v.iban, v.bic, 'FR1420041010050500013M02606', 'BNPAFRPP', u.id, 0
    FROM venue v, user u WHERE v.siret = '$SIRET_A' AND u.login = 'admin'"
post /compta/lots "$JA" "periode=2026-10"
REF=$(location | sed -n 's#^/compta/lots/\([^?]*\)?prepare=1$#\1#p')
check "accountant A drafts October: 303 to the batch's page ($REF)" \
    test "$code" = 303 -a -n "$REF"
get "/compta/lots/$REF?prepare=1" "$JA"
page_is "the batch page: a draft of octobre 2026, drafted by compta1" 200 \
    "<h1>Lot $REF</h1>" "Le lot est préparé." "<dd>brouillon</dd>" \
    "<dd>octobre 2026 (2026-10)</dd>" "par compta1, le 12/11/2026"
page_is "venue A paid on its old IBAN, in groups, its pending change said" 200 \
    "<tr><th scope=\"row\">Médiathèque de Rezé</th><td>$SIRET_A</td><td><span class=\"nowrap\">FR76 3000 6000 0112 3456 7890 189</span><br><strong>Changement de RIB en attente</strong> : ce lot paie l’IBAN ci-dessus tant qu’un second administrateur ne l’a pas approuvé.</td><td>2</td><td>4</td><td>40,00$EUR</td><td>0,00$EUR</td><td>40,00$EUR</td></tr>"
page_is "venue B carried over (10,00 EUR under the minimum), in its own table" 200 \
    "<h2>Reportés à la période suivante (sous le minimum)</h2>" \
    "<tr><th scope=\"row\">$NAME_B_ESC</th><td>$SIRET_B</td>"
page_is "A, who drafted it, sees approval disabled, and why" 200 \
    'disabled aria-describedby="approve-why">Approuver le lot</button>' \
    "un autre comptable doit approuver (contrôle à quatre yeux)"
page_is "the SEPA version to choose, pain.001.001.09 by default" 200 \
    '<input type="radio" id="sepa-9" name="sepa" value="9" checked>'
before=$(snap)
get "/compta/lots/$REF" "$JB"
check "B sees approval enabled" sh -c "
    grep -qF '<button type=\"submit\">Approuver le lot</button>' '$OUT/page.html' &&
    ! grep -qF 'disabled' '$OUT/page.html'"
post "/compta/lots/$REF/approuver" "$JB" "sepa=9"
page_is "B approving without the Département's account: 409, saying which keys" 409 \
    "Le compte du Département n&#39;est pas configuré"
unchanged "nothing written" "$before"
post "/compta/lots/$REF/rejeter" "$JB" "motif="
page_is "rejecting without a reason: 400, at the field" 400 \
    "Indiquez un motif (1 à 500 caractères)" 'id="motif-error"'
unchanged "nothing written" "$before"
post "/compta/lots/$REF/rejeter" "$JB" "motif=Montants à <b>revoir</b>"
check "B rejects it with a reason: 303" test "$code" = 303 -a \
    "$(location)" = "/compta/lots/$REF?rejete=1"
get "$(location)" "$JB"
page_is "the rejected batch: read-only, its reason escaped" 200 \
    "<dd>rejeté</dd>" "Montants à &lt;b&gt;revoir&lt;/b&gt;" "par compta2, le 12/11/2026"
check "no form left on it but logging out" test \
    "$(grep -c '<form' "$OUT/page.html")" = 1
post /compta/lots "$JA" "periode=2026-10"
REF2=$(location | sed -n 's#^/compta/lots/\([^?]*\)?prepare=1$#\1#p')
check "October drafted anew: another batch ($REF2)" \
    test "$code" = 303 -a -n "$REF2" -a "$REF2" != "$REF"
stop

# The Département's account, then approval.
printf 'debtor_name = Département de Loire-Atlantique\ndebtor_iban = FR14 2004 1010 0505 0001 3M02 606\ndebtor_bic = PSSTFRPPNTE\n' >>"$CFG"
at '2026-11-12 10:30:00'
check "passnumd starts with the Département's account" start
login "$JA" compta1 compta-password-1
login "$JB" compta2 compta-password-2
before=$(snap)
post "/compta/lots/$REF2/approuver" "$JA" "sepa=9"
page_is "A, who drafted it, approving: 403, the four-eyes message" 403 \
    "Le lot doit être approuvé par une autre personne que celle qui l&#39;a préparé"
unchanged "nothing written" "$before"
post "/compta/lots/$REF2/approuver" "$JB" "sepa=9" "alertes=2"
check "B approves: 303" test "$code" = 303 -a \
    "$(location)" = "/compta/lots/$REF2?approuve=1"
get "$(location)" "$JB"
page_is "approved by compta2, its files listed" 200 \
    "Le lot est approuvé" "<dd>approuvé</dd>" "par compta2, le 12/11/2026" \
    "<dd>pain.001.001.09</dd>" ">Les 3 fichiers du lot</caption>"
check "its audit rows, written for the pages, name no command line" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action IN
    ('settle.approve', 'settle.file')")/$(q "SELECT count(*) FROM audit_log
    WHERE detail LIKE '%\"via\"%'")" = "4/0"
page_is "now to be marked paid or rejected, labelled" 200 \
    '<label for="reference">Référence bancaire' '<label for="date">Date du paiement' \
    '<label for="motif">Motif du rejet</label>'
# Each file: the link, then the hash shown; fetched, it is the stored bytes.
# Each file: its link (by number), name, size and hash, one a line.
grep -o "href=\"/compta/lots/$REF2/fichiers/[0-9]*\" download>[^<]*</a></th><td>[^<]*</td><td>[0-9]* octets</td><td><code class=\"hash\">[0-9a-f]*</code>" \
    "$OUT/page.html" | sed 's#href="\([^"]*\)" download>\([^<]*\)<.*<td>\([0-9]*\) octets.*"hash">\([0-9a-f]*\)<.*#\1 \2 \3 \4#' \
    >"$OUT/files"
check "three files, each with its size and a 64-digit hash" sh -c \
    "[ \$(wc -l <'$OUT/files') = 3 ] && [ \$(awk 'length(\$4) == 64' '$OUT/files' | wc -l) = 3 ]"
check "named for the batch: the SEPA file, the mandates, venue A's statement" \
    test "$(cut -d' ' -f2 "$OUT/files" | sort | tr '\n' ' ')" = \
    "$REF2-mandats.csv $REF2-pain.001.001.09.xml $REF2-releve-$SIRET_A.pdf "
while read -r href name size hash; do
	code=$(curl -s -b "$JB" -D "$OUT/headers" -o "$OUT/file" \
	    -w '%{http_code}' "$URL$href")
	q "SELECT writefile('$OUT/stored', content) FROM settlement_file
	    WHERE name = '$name'" >/dev/null
	type=$(q "SELECT media_type FROM settlement_file WHERE name = '$name'")
	check "$name: 200, $type, as an attachment named so" sh -c "
	    [ $code = 200 ] &&
	    grep -qiF 'Content-Type: $type' '$OUT/headers' &&
	    grep -qiF 'Content-Disposition: attachment; filename=\"$name\"' '$OUT/headers'"
	check "$name: the bytes stored, $size of them" sh -c "
	    cmp -s '$OUT/file' '$OUT/stored' && [ \$(wc -c <'$OUT/file') = $size ]"
	is "$name: the BLAKE2b-256 hash the page shows" \
	    "$(b2sum -l 256 "$OUT/file" | cut -d' ' -f1)" "$hash"
done <"$OUT/files"
get "/compta/lots/$REF2/fichiers/999" "$JB"
is "a file the batch does not have: 404" "$code" 404
get "/compta/lots/$REF/fichiers/$(head -n 1 "$OUT/files" | sed 's#.*/\([0-9]*\) .*#\1#')" "$JB"
is "a file of this batch asked for under the rejected one: 404" "$code" 404

before=$(snap)
post "/compta/lots/$REF2/payer" "$JA" "reference=VIR-2026-118" "date=2026-02-30"
page_is "paid on 2026-02-30: 400, at the date" 400 \
    "Paiement invalide" 'id="date-error"' 'value="VIR-2026-118"'
post "/compta/lots/$REF2/payer" "$JA" "reference=" "date=2026-11-12"
page_is "paid without a bank reference: 400, at the reference" 400 \
    "Paiement invalide" 'id="reference-error"'
unchanged "nothing written" "$before"
post "/compta/lots/$REF2/payer" "$JA" "reference=VIR 2026" "date=2026-11-12"
page_is "a bank reference with a space: 400, at the reference" 400 \
    'id="reference-error"' 'value="2026-11-12"'
post "/compta/lots/$REF2/payer" "$JA" "reference=VIR-2026-118" "date=2026-11-13"
page_is "paid tomorrow: 400, at the date" 400 'id="date-error"'
unchanged "nothing written" "$before"
post "/compta/lots/$REF2/payer" "$JA" "reference=VIR-2026-118" "date=2026-11-12"
check "marked paid: 303" test "$code" = 303 -a \
    "$(location)" = "/compta/lots/$REF2?paye=1"
get "$(location)" "$JA"
page_is "the paid batch: its reference and date, its files still listed" 200 \
    "<dd>payé</dd>" "<dd>VIR-2026-118</dd>" "<dd>12/11/2026</dd>" \
    ">Les 3 fichiers du lot</caption>"
check "no form left on it but logging out" test \
    "$(grep -c '<form' "$OUT/page.html")" = 1
check "its 4 vouchers are settled" test \
    "$(q "SELECT count(*) FROM voucher WHERE status = 'settled'")" = 4
post /compta/lots "$JA" "periode=2026-10"
check "drafting October again: the paid batch, said to exist" test \
    "$code" = 303 -a "$(location)" = "/compta/lots/$REF2?existant=1"
get "$(location)" "$JA"
page_is "saying so" 200 "Un lot existait déjà pour cette période"
get /compta "$JA"
page_is "the list of batches: both, newest first" 200 \
    "<a href=\"/compta/lots/$REF2\">$REF2</a></th><td>octobre 2026</td><td>payé</td><td>1 (+ 1 reporté)</td><td>4</td><td>40,00$EUR</td><td>compta1, le 12/11/2026</td><td>compta2, le 12/11/2026</td>" \
    "<a href=\"/compta/lots/$REF\">$REF</a></th><td>octobre 2026</td><td>rejeté</td>"

# --- The dispute decided ---------------------------------------------------------
before=$(snap)
post "/compta/contestations/$DSP" "$JA" "note=Sans décision"
page_is "a decision not chosen: 400, at the choice" 400 \
    "id=\"decision-$DSP-error\""
unchanged "nothing written" "$before"
post "/compta/contestations/$DSP" "$JA" "decision=lever" \
    "note=Présence attestée par la feuille d’émargement"
check "dismissed: 303" test "$code" = 303 -a \
    "$(location)" = "/compta/contestations?decidee=$DSP"
get "$(location)" "$JA"
page_is "closed, in the table below" 200 \
    "La décision sur la contestation n° $DSP est enregistrée." \
    "Aucune contestation n’est ouverte." "Levée : payable" \
    "Présence attestée par la feuille d’émargement"
before=$(snap)
post "/compta/contestations/$DSP" "$JA" "decision=maintenir" "note=Deux fois"
page_is "deciding it again: 404, already closed" 404 \
    "Contestation introuvable ou déjà close"
unchanged "nothing written" "$before"
get /compta "$JA"
page_is "/compta: vouchers 4 and 6 wait for the next batch, 20,00 EUR" 200 \
    "<dt>Chèques payables</dt><dd>2, soit 20,00$EUR</dd>" \
    "<dt>Retenus par une contestation ouverte</dt><dd>0</dd>"

# --- The venues' statements ---------------------------------------------------
J1="$OUT/jar-1" J2="$OUT/jar-2"
login "$J1" lieu1 venue-password-1
get /lieu "$J1"
page_is "the venue's home links to its statements" 200 \
    '<a href="/lieu/releves">Relevés de règlement</a>'
get /lieu/releves "$J1"
page_is "venue A: its statement of $REF2" 200 \
    "<h1>Relevés de règlement</h1>" \
    "<td>$REF2</td><td>payé</td><td>12/11/2026</td><td>12/11/2026, référence bancaire VIR-2026-118</td>" \
    "<a href=\"/lieu/releves/$REF2.pdf\" download>" \
    "<a href=\"/lieu/releves/$REF2.pdf?version=approuve\" download>"
check "and not the rejected batch" sh -c "! grep -qF '<td>$REF</td>' '$OUT/page.html'"
# The batch is paid: the statement the venue gets says so; the one
# approval stored is still there, byte for byte.
code=$(curl -s -b "$J1" -D "$OUT/headers" -o "$OUT/statement.pdf" \
    -w '%{http_code}' "$URL/lieu/releves/$REF2.pdf?version=approuve")
q "SELECT writefile('$OUT/stored', content) FROM settlement_file
    WHERE kind = 'statement' AND venue_id = 1" >/dev/null
check "GET its PDF as approved: 200, application/pdf, the stored statement" sh -c "
    [ $code = 200 ] && grep -qi '^Content-Type: application/pdf' '$OUT/headers' &&
    cmp -s '$OUT/statement.pdf' '$OUT/stored' &&
    [ \"\$(head -c 5 '$OUT/statement.pdf')\" = '%PDF-' ]"
check "as an attachment" grep -qiF \
    "Content-Disposition: attachment; filename=\"releve-$REF2.pdf\"" "$OUT/headers"
code=$(curl -s -b "$J1" -D "$OUT/headers" -o "$OUT/paid.pdf" \
    -w '%{http_code}' "$URL/lieu/releves/$REF2.pdf")
check "GET its PDF: the paid version, with the date and the bank's reference" sh -c "
    [ $code = 200 ] && grep -qi '^Content-Type: application/pdf' '$OUT/headers' &&
    grep -qiF 'filename=\"releve-$REF2-paye.pdf\"' '$OUT/headers' &&
    pdftotext '$OUT/paid.pdf' - | grep -q 'payé le 12/11/2026' &&
    pdftotext '$OUT/paid.pdf' - | grep -q 'VIR-2026-118'"
get "/lieu/releves/$REF.pdf" "$J1"
is "the rejected batch's statement: 404" "$code" 404
login "$J2" lieu2 venue-password-2
get /lieu/releves "$J2"
page_is "venue B, carried over: no statement yet" 200 "Aucun relevé pour le moment."
get "/lieu/releves/$REF2.pdf" "$J2"
page_is "venue A's statement, asked for by venue B: 404" 404 \
    "Lot de règlement introuvable"
check "nothing of it sent" sh -c "! grep -qF '%PDF' '$OUT/page.html'"
get "/lieu/releves/$REF2.pdf?lieu=1" "$J2"
is "not with ?lieu=1 either" "$code" 404
JD="$OUT/jar-admin"
login "$JD" admin "$PW_AD"
get "/lieu/releves?lieu=1" "$JD"
page_is "an admin sees venue A's statements with ?lieu=1" 200 \
    "<a href=\"/lieu/releves/$REF2.pdf?lieu=1\" download>"
get "/lieu/releves/$REF2.pdf?lieu=1" "$JD"
is "and fetches it" "$code" 200
get "/lieu/releves/$REF2.pdf?lieu=2" "$JD"
is "but not as venue B's" "$code" 404
# A statement that no longer has the hash stored at approval is handed
# out to no one; once it has it again, it is.
FID=$(q "SELECT f.id FROM settlement_file f JOIN settlement_batch b
    ON b.id = f.batch_id WHERE b.reference = '$REF2' AND f.venue_id = 1")
KEPT=$(q "SELECT hex(hash) FROM settlement_file WHERE id = $FID")
q "UPDATE settlement_file SET hash = zeroblob(32) WHERE id = $FID"
get "/lieu/releves/$REF2.pdf?lieu=1" "$JD"
page_is "a statement changed after approval: 500, in plain words" 500 \
    "Ce fichier a été modifié depuis l"
check "nothing of it sent" sh -c "! grep -qF '%PDF' '$OUT/page.html'"
get "/compta/lots/$REF2/fichiers/$FID" "$JD"
page_is "nor from the batch's page" 500 "Ce fichier a été modifié depuis l"
q "UPDATE settlement_file SET hash = X'$KEPT' WHERE id = $FID"
get "/lieu/releves/$REF2.pdf?lieu=1" "$JD"
is "with its hash back, it is handed out again" "$code" 200
get /compta "$JD"
page_is "an admin opens /compta, linked from the menu" 200 \
    "<h1>Règlements</h1>" '<a href="/compta">Règlements</a>'

# --- Roles ---------------------------------------------------------------------
JC="$OUT/jar-cw"
login "$JC" caseworker "$PW_CW"
before=$(snap)
for who in JC J1; do
	jar=${!who}
	for p in /compta /compta/contestations "/compta/lots/$REF2" \
	    "$(head -n 1 "$OUT/files" | cut -d' ' -f1)"; do
		get "$p" "$jar"
		is "$p as $(basename "$jar"): 403" "$code" 403
	done
	post /compta/lots "$jar" "periode=2026-10"
	is "POST /compta/lots as $(basename "$jar"): 403" "$code" 403
	post /compta/contestations "$jar" "cheque=$(printed 7)" "motif=x"
	is "POST /compta/contestations as $(basename "$jar"): 403" "$code" 403
done
get /compta "$JC"
page_is "the refusal is a French page" 403 "Votre rôle ne permet pas cette action"
get /lieu/releves "$JC"
is "a caseworker cannot open /lieu/releves: 403" "$code" 403
get /lieu/releves "$JA"
is "nor can an accountant: 403" "$code" 403
unchanged "nothing written by those" "$before"
get /compta "$OUT/no-jar"
check "without a session: to the login page" \
    test "$code" = 303 -a "$(location)" = /connexion

# --- Over every page fetched ------------------------------------------------
tags() { tr '\n' ' ' <"$1" | grep -o '<[^>]*>'; }
# a11y FILE: what it lacks (test_pages.sh's check), one line each.
a11y() {
	grep -q '<html lang="fr">' "$1" || echo "no <html lang=\"fr\">"
	grep -q 'name="viewport"' "$1" || echo "no viewport"
	[ "$(grep -o '<h1[ >]' "$1" | wc -l)" = 1 ] || echo "not one h1"
	grep -q '<th>' "$1" && echo "a <th> without scope"
	[ "$(grep -o '<table[ >]' "$1" | wc -l)" = \
	    "$(grep -o '<caption[ >]' "$1" | wc -l)" ] || echo "a table without caption"
	tags "$1" | awk '
	    /^<label / && match($0, / for="[^"]*"/) {
		label[substr($0, RSTART + 6, RLENGTH - 7)] = 1 }
	    /^<fieldset/ { fs = 1; legend = 0 }
	    /^<legend/ { if (fs) legend = 1 }
	    /^<\/fieldset/ { fs = 0 }
	    / aria-describedby="/ && match($0, / aria-describedby="[^"]*"/) {
		n = split(substr($0, RSTART + 19, RLENGTH - 20), d, " ")
		for (k = 1; k <= n; k++) described[d[k]] = 1 }
	    / id="/ && match($0, / id="[^"]*"/) {
		ids[substr($0, RSTART + 5, RLENGTH - 6)] = 1 }
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
	    END {
		for (i in want) if (!(i in label)) print "no label for " i
		for (i in described) if (!(i in ids)) print "describedby " i " names nothing"
	    }'
}
bad=0
for f in "$PAGES"/*.html; do
	grep -q '<html' "$f" || continue
	a11y "$f" >"$OUT/a11y.out"
	if [ -s "$OUT/a11y.out" ]; then
		bad=$((bad + 1))
		echo "# $(basename "$f"):"
		sed 's/^/#   /' "$OUT/a11y.out"
	fi
done
check "every page: lang, viewport, one h1, tables with caption and scoped headers, every field labelled, every description found ($(ls "$PAGES" | wc -l) pages)" \
    test $bad = 0
check "no page holds the markup typed raw" test \
    "$(cat "$PAGES"/*.html | grep -cE '<b>|<i>')" = 0
check "every page is valid UTF-8" \
    sh -c "cat '$PAGES'/*.html | iconv -f UTF-8 -t UTF-8 >/dev/null"

stop
check "passnumd stops cleanly" test "$status" = 0
check "no sanitizer report in the server logs" \
    sh -c "! grep -qi 'sanitizer\|runtime error' '$OUT'/server-*.log"
check "the audit chain holds" sh -c "'$ADMIN' audit --config '$CFG' >'$OUT/audit' 2>&1"
done_testing
