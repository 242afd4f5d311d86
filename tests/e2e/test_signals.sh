# test_signals.sh -- the signals before money leaves, with the real binaries:
# an honest venue (H, in Rezé) and one with an anomaly of each kind (X, in
# Saint-Herblain) across October to December 2026. October is settled
# without alerts, as before. November's batch names each of X's anomalies
# in French, per venue, on its page, in "settle show" and in the audit;
# approving it without acknowledging them is refused (command line and
# page) and writes nothing; X's line is held out of it (its vouchers come
# back in December's draft, not in November's files); holding is refused
# outside a draft, twice, for the last line, without a reason, to a venue
# user, to a caseworker and without the CSRF token. December's batch is
# approved with its alerts acknowledged, on the page and on the command
# line, and the count is recorded. Suspended terminals show on /compta, an
# admin's home and the venue's own page.
#
# Rows whose producer is not merged yet are written with sqlite3, and say
# so: control key failures, a terminal's suspension and the redemption
# flags (outside the session's hours, synced late). Everything else goes
# through passnumd, passnum-terminal and passnum-admin, under libfaketime
# as in test_settle.sh.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIRET_H=21440143200015		# Médiathèque de Rezé, honest
SIRET_X=44234567400018		# Tiers-lieu Saint-Herblain, not
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
EUR=$(printf '\302\240€')

. "$(dirname "$0")/faketime.sh"
# start: passnumd at the current offset, its log in $OUT/server-N.log.
n_starts=0
start() {
	n_starts=$((n_starts + 1))
	LOG="$OUT/server-$n_starts.log"
	ft_start "$CFG" "$LOG"
}
restart() { passnumd_stop; start; }
trap passnumd_stop EXIT
# passnum-admin asks the person --as names for their password: given on
# standard input.
admin() {
	as=$(as_of "$@")
	if [ -n "$as" ]; then
		run ft "$ADMIN" "$@" --config "$CFG" <<<"$(password_of "$as")"
	else
		run ft "$ADMIN" "$@" --config "$CFG"
	fi
}
term() {
	dir=$1
	shift
	run ft "$TERMINAL" "$@" --data "$dir"
}
# says TEXT...: the last run's output holds every TEXT.
says() {
	desc=$1
	shift
	miss=
	for t in "$@"; do
		cat "$OUT/stdout" "$OUT/stderr" | grep -qF -- "$t" || miss="$miss [$t]"
	done
	if [ -z "$miss" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# missing:$miss"
		sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr"
	fi
}
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "# wanted '$3', got '$2'"; fi
}
# The rows approving or holding may write.
snapshot() {
	q "SELECT (SELECT count(*) FROM settlement_batch) || '/' ||
	    (SELECT group_concat(status || ':' || n_lines || ':' || n_vouchers
	     || ':' || total_cents || ':' || coalesce(alerts_acknowledged, '-'))
	     FROM settlement_batch) || '/' ||
	    (SELECT count(*) FROM settlement_line WHERE held_at IS NOT NULL) || '/' ||
	    (SELECT count(*) FROM settlement_item WHERE active = 1) || '/' ||
	    (SELECT count(*) FROM settlement_file) || '/' ||
	    (SELECT count(*) FROM audit_log)"
}
unchanged() {
	now_snap=$(snapshot)
	is "$1" "$now_snap" "$2"
}
# refused DESC NAME -- ARGS: passnum-admin ARGS exits 1 naming NAME, and
# writes nothing.
refused() {
	desc=$1 name=$2
	shift 3
	before=$(snapshot)
	admin "$@"
	after=$(snapshot)
	if [ "$status" -eq 1 ] && grep -qF -- "$name" "$OUT/stderr" &&
	    [ "$before" = "$after" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# status $status, wanted 1 naming $name; $before -> $after"
		sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr"
	fi
}

# --- Booklets, terminals, vouchers -----------------------------------------------
# issue NAME COMMUNE: a booklet for a new person living in COMMUNE.
issue() {
	curl -s -o "$OUT/booklet-$1.json" -H "Authorization: Bearer $TOKEN" \
	    --data-binary "{\"programme\": 1, \"beneficiary\": {\"ref\": \"$1\",
	    \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"$2\"}}" \
	    "$URL/api/v1/booklets"
}
# code NAME N, serial NAME N: voucher N (1-10) of booklet NAME.
code() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet-$1.json" | sed -n "$2p" |
	    sed 's/"code":"//; s/"$//'
}
serial() {
	grep -o '"serial":[0-9]*' "$OUT/booklet-$1.json" | sed -n "$2p" |
	    cut -d: -f2
}
# session DIR [ARGS]: open a session at the terminal of DIR; its id prefix
# in $S.
session() {
	dir=$1
	shift
	term "$dir" session open --theme 2 "$@"
	S=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{8\}\).*/\1/p' "$OUT/stdout")
}
# redeem DIR NAME N: voucher N of booklet NAME at the session $S.
redeem() { term "$1" redeem "$(code "$2" "$3")" --session "$S"; }

# --- Pages: cookie jars, as test_compta_pages.sh ------------------------------------
get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
}
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
}
location() { sed -n 's/^Location: *//Ip' "$OUT/headers" | tr -d '\r'; }
login() {
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/page.html")
	code=$(curl -s -b "$1" -c "$1" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' --data-urlencode "login_csrf=$lc" \
	    --data-urlencode "login=$2" --data-urlencode "password=$3" \
	    "$URL/connexion")
	curl -s -b "$1" -c "$1" -o "$OUT/landing.html" "$URL$(location)"
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/landing.html" |
	    head -n 1 >"$1.csrf"
}
page_is() {
	desc=$1 want=$2
	shift 2
	miss=
	for t in "$@"; do grep -qF -- "$t" "$OUT/page.html" || miss="$miss [$t]"; done
	if [ "$code" = "$want" ] && [ -z "$miss" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# wanted $want, got $code; missing:$miss"
		sed -n 's/.*role="alert"><p>\([^<]*\).*/#   alert: \1/p' \
		    "$OUT/page.html" | head -n 3
	fi
}
page_lacks() {
	if [ -n "$2" ] && ! grep -qF -- "$2" "$OUT/page.html"; then ok "$1"; else not_ok "$1"; fi
}
adduser() { # LOGIN ROLE PASSWORD [VENUE]
	printf '%s\n' "$3" | ft "$ADMIN" user add --config "$CFG" --login "$1" \
	    --name "$1" --role "$2" ${4:+--venue "$4"} >/dev/null
}

# --- September: the venues, the accountants, the Département's account ------------
at "2026-09-20 08:00:00"
ft "$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
PW_CW=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
PW_AD=$(sed -n 's/^admin password: //p' "$D/demo-credentials.txt")
for v in "$SIRET_H|Médiathèque de Rezé|Rezé" \
    "$SIRET_X|Tiers-lieu Saint-Herblain|Saint-Herblain"; do
	IFS='|' read -r siret name commune <<EOF
$v
EOF
	ft "$ADMIN" venue add --config "$CFG" --siret "$siret" --name "$name" \
	    --address "2 place de la Mairie" --commune "$commune" \
	    --iban FR7630006000011234567890189 --bic AGRIFRPP \
	    --contact accueil --accredited-from 2026-01-01 >/dev/null
done
adduser alice accountant alice-password-1
adduser bob accountant bob-password-1
adduser lieu-h venue lieu-h-password $SIRET_H
adduser lieu-x venue lieu-x-password $SIRET_X
cat >>"$CFG" <<'EOF'

[settlement]
debtor_name = Département de Loire-Atlantique
debtor_iban = FR76 3000 1007 9412 3456 7890 185
debtor_bic = BDFEFRPPCCT
EOF
check "two venues and two accountants" test \
    "$(q "SELECT count(*) FROM venue")/$(q "SELECT count(*) FROM user WHERE role = 'accountant'")" = 2/2

# --- October: both venues honest -------------------------------------------------------
at "2026-10-05 08:00:00"
check "passnumd starts on 5 October" start
sed -i "s/^port = 0$/port = ${URL##*:}/" "$CFG"
# H's beneficiaries live in Rezé, as H; X's first ones in Saint-Herblain,
# as X; twenty people of Nantes will come to X in November.
for b in H1 H2; do issue $b "Rezé"; done
for b in S1 S2 S3 S4; do issue $b "Saint-Herblain"; done
for n in $(seq 1 20); do issue N$n "Nantes"; done
check "26 booklets of 10 vouchers" test "$(q "SELECT count(*) FROM voucher")" = 260
C=$(ft "$ADMIN" terminal code --config "$CFG" --siret $SIRET_H 2>/dev/null)
term "$OUT/th" enrol --server "$URL" --code "$C" --label "Accueil"
said 0 "inscrit pour" "H's terminal enrolled"
C=$(ft "$ADMIN" terminal code --config "$CFG" --siret $SIRET_X 2>/dev/null)
term "$OUT/tx" enrol --server "$URL" --code "$C" --label "Poste du tiers-lieu"
said 0 "inscrit pour" "X's terminal enrolled"
TX=$(q "SELECT id FROM terminal WHERE venue_id = (SELECT id FROM venue WHERE siret = '$SIRET_X')")
session "$OUT/th" --duration 120
redeem "$OUT/th" H1 1; redeem "$OUT/th" H2 1
said 0 "ACCEPTÉ" "H takes one voucher of each of two booklets"
session "$OUT/tx" --duration 120
for b in S1 S2 S3 S4; do redeem "$OUT/tx" $b 1; done
said 0 "ACCEPTÉ" "X takes one voucher of each of four booklets"

# --- 10 November: October, without alerts, approves as before ---------------------
at "2026-11-10 09:00:00"
restart
admin settle draft --period 2026-10 --as alice
said 0 "2 line(s), 6 voucher(s), 60,00" "alice drafts October: 2 lines, 6 vouchers"
admin settle show --batch PN-2026-10-01
said 0 "aucune alerte sur ce lot" "settle show: October has no alert"
admin settle approve --batch PN-2026-10-01 --as bob
said 0 "approved by bob" "bob approves it without acknowledging anything"
is "no acknowledgement recorded" \
    "$(q "SELECT coalesce(alerts_acknowledged, 'NULL') FROM settlement_batch WHERE reference = 'PN-2026-10-01'")" NULL
check "the settle.approve row says 0 alerts" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'settle.approve' AND detail LIKE '{\"alerts\":0,%'")" = 1
admin settle paid --batch PN-2026-10-01 --as alice --bank-ref VIR20261110 --date 2026-11-10
said 0 "paid on 2026-11-10" "October paid"

# --- November: X's month -----------------------------------------------------------------
term "$OUT/th" sync
term "$OUT/tx" sync
session "$OUT/th" --duration 120
redeem "$OUT/th" H1 2; redeem "$OUT/th" H2 2
said 0 "ACCEPTÉ" "H takes two vouchers again"
session "$OUT/tx" --duration 120
r=0
for n in $(seq 1 20); do redeem "$OUT/tx" N$n 1 || r=1; done
check "X takes one voucher of each of twenty people of Nantes (g, h)" test $r = 0
# (f) The programme allows two vouchers of a booklet per session while X
# takes two of S2, then the rule goes back to one, as a rule changed later
# would.
admin programme rules --id 1 --max-per-session 2
session "$OUT/tx" --duration 60
redeem "$OUT/tx" S2 2; redeem "$OUT/tx" S2 3
said 0 "ACCEPTÉ" "X takes two vouchers of booklet S2 in one session (f)"
admin programme rules --id 1 --max-per-session 1
# (e) A session opened while the server is down is declared when the
# terminal syncs, after the session's end.
at "2026-11-12 09:30:00"
restart
term "$OUT/tx" sync
at "2026-11-12 10:00:00"
passnumd_stop
session "$OUT/tx" --duration 60
check "X opens a session offline on 12 November" test "$status" = 3 -a -n "$S"
redeem "$OUT/tx" S1 2
said 3 "ACCEPTÉ HORS LIGNE" "and takes voucher 2 of S1 offline"
at "2026-11-12 14:00:00"
restart
term "$OUT/tx" sync
said 0 "1 accepté," "at 14:00 X syncs: the session is declared after its end (e)"
check "its declaration is later than its end" test "$(q "SELECT count(*) FROM
    training_session WHERE declared_at > starts_at + duration_minutes * 60")" = 1
# (c), (d) Written by hand on two of X's online redemptions: the offline
# records that earn these flags are made and checked in test_cheat.sh.
q "UPDATE redemption SET flags = 1 WHERE serial = $(serial N1 1);
   UPDATE redemption SET flags = 2 WHERE serial = $(serial N2 1)"
# (a) X types voucher 5 of N3 three times, with a wrong key.
PRINTED=$(grep -o '"printed":"[^"]*"' "$OUT/booklet-N3.json" | sed -n 5p |
    cut -d'"' -f4)
for k in 23456789 3456789A 456789AB; do
	term "$OUT/tx" redeem "$PRINTED $k" --session "$S"
done
said 4 "numéro ou clé de contrôle erronés" "X types a voucher with a wrong key: refused"
check "three wrong control keys at X's terminal" test \
    "$(q "SELECT count(*) FROM control_key_failure")" = 3

# --- 10 December: November's batch and its alerts --------------------------------
at "2026-12-10 09:00:00"
restart
# (b) Written by hand, as the suspension after too many wrong keys does
# (test_cheat.sh), so that the three keys above stay the month's count.
SUSP=$(date -u -d "2026-12-09 17:30:00" +%s)
q "UPDATE terminal SET suspended_at = $SUSP,
   suspend_reason = '5 clés de contrôle erronées en 24 heures' WHERE id = $TX"
admin settle draft --period 2026-11 --as alice
said 0 "2 line(s), 25 voucher(s)" "alice drafts November: H's 2 vouchers, X's 23"
NOV=PN-2026-11-01
admin settle show --batch $NOV
says "settle show: 8 alerts, all X's, in French" \
    "8 alertes sur ce lot, à lire avant de l’approuver" \
    "  Tiers-lieu Saint-Herblain (SIRET $SIRET_X)" \
    "Clés de contrôle erronées : 3 clés de contrôle erronées saisies sur ses terminaux depuis le 01/11/2026" \
    "Terminal suspendu : 1 terminal suspendu en attente d’examen : « Poste du tiers-lieu », suspendu le 09/12/2026 18:30 (motif : 5 clés de contrôle erronées en 24 heures)" \
    "Chèques hors des horaires de la séance : 1 chèque présenté en dehors des horaires de sa séance (enregistré hors ligne)" \
    "Chèques synchronisés en retard : 1 chèque synchronisé en retard par le terminal" \
    "Séances déclarées après leur fin : 1 séance déclarée après sa fin" \
    "Trop de chèques d’un même carnet : 1 séance où un même carnet a servi plus que le programme ne le permet (jusqu’à 2 chèques d’un carnet dans une séance, pour 1 permis)" \
    "Volume inhabituel : 23 chèques dans ce lot, plus de 3 fois son règlement précédent (4 chèques)" \
    "Bénéficiaires d’une autre commune : 20 chèques sur 23 remis à des personnes d’une autre commune que celle du lieu (Saint-Herblain)"
check "and none of H's" sh -c "! grep -qF 'Médiathèque de Rezé (SIRET' '$OUT/stdout'"
admin audit
said 0 "audit: everything holds" "the audit still holds: alerts are not failures"
says "the audit names the draft's alerts" \
    "note lot $NOV (brouillon) : 8 alertes à lire avant de l’approuver" \
    "     Tiers-lieu Saint-Herblain (SIRET $SIRET_X)" \
    "       - Volume inhabituel : 23 chèques dans ce lot" \
    "       - Terminal suspendu : 1 terminal suspendu"

refused "approving it without acknowledging its alerts" ALERTS_NOT_ACKNOWLEDGED -- \
    settle approve --batch $NOV --as bob
check "saying how many" grep -qF "batch $NOV has 8 alert(s)" "$OUT/stderr"
refused "the drafter still meets four-eyes first" SAME_APPROVER -- \
    settle approve --batch $NOV --as alice --acknowledge-alerts

JA="$OUT/jar-alice" JB="$OUT/jar-bob"
login "$JB" bob bob-password-1
get /compta/lots/$NOV "$JB"
page_is "the batch page lists the 8 alerts under X" 200 \
    '<h2 id="alertes">Alertes à lire avant d’approuver (8)</h2>' \
    "<h3>Tiers-lieu Saint-Herblain <span class=\"hint\">SIRET $SIRET_X</span></h3>" \
    "<li><strong>Clés de contrôle erronées</strong> : 3 clés de contrôle erronées saisies sur ses terminaux depuis le 01/11/2026.</li>" \
    "<li><strong>Terminal suspendu</strong> : 1 terminal suspendu en attente d’examen : « Poste du tiers-lieu », suspendu le 09/12/2026 18:30 (motif : 5 clés de contrôle erronées en 24 heures).</li>" \
    "<li><strong>Chèques hors des horaires de la séance</strong> : 1 chèque présenté" \
    "<li><strong>Chèques synchronisés en retard</strong> : 1 chèque synchronisé en retard" \
    "<li><strong>Séances déclarées après leur fin</strong> : 1 séance déclarée après sa fin.</li>" \
    "<li><strong>Trop de chèques d’un même carnet</strong> : 1 séance où un même carnet" \
    "<li><strong>Volume inhabituel</strong> : 23 chèques dans ce lot, plus de 3 fois son règlement précédent (4 chèques).</li>" \
    "<li><strong>Bénéficiaires d’une autre commune</strong> : 20 chèques sur 23 remis à des personnes d’une autre commune que celle du lieu (Saint-Herblain).</li>"
page_lacks "and no heading for H" "<h3>Médiathèque de Rezé"
page_is "the approval form has the box, labelled with the count" 200 \
    '<input type="checkbox" id="alertes-lues" name="alertes" value="8" required><label for="alertes-lues">J’ai pris connaissance des 8 alertes de ce lot</label>'
page_is "a form to hold each venue's line, with a labelled reason" 200 \
    "<summary>Retenir Tiers-lieu Saint-Herblain (SIRET $SIRET_X)</summary>" \
    "<summary>Retenir Médiathèque de Rezé (SIRET $SIRET_H)</summary>" \
    "action=\"/compta/lots/$NOV/retenir\"" '>Motif de la retenue<span class="hint"'
before=$(snapshot)
post /compta/lots/$NOV/approuver "$JB" "sepa=9"
page_is "approving on the page without the box: 409, said at the box" 409 \
    "Ce lot a des alertes : lisez-les" 'id="alertes-lues-error"' \
    'aria-invalid="true" aria-describedby="alertes-lues-error"'
post /compta/lots/$NOV/approuver "$JB" "sepa=9" "alertes=7"
# The English cause ("has 8 alert(s) now, not the 7 acknowledged") is for
# admins only (« Détails techniques »): an accountant reads the French.
page_is "with the box for 7 alerts when there are 8: 409" 409 \
    "Ce lot a des alertes : lisez-les" 'id="alertes-lues-error"'
check "... without the English cause" sh -c "! grep -q 'alert(s) now' '$OUT/page.html'"
unchanged "neither wrote anything" "$before"

# --- Suspended terminals, where people look ------------------------------------------
get /compta "$JB"
page_is "/compta shows the suspended terminal" 200 \
    '<h2 id="suspendus">Terminaux suspendus (1)</h2>' \
    "<tr><th scope=\"row\">Tiers-lieu Saint-Herblain <span class=\"hint\">SIRET $SIRET_X</span></th><td>Poste du tiers-lieu</td><td>09/12/2026 18:30</td><td>5 clés de contrôle erronées en 24 heures</td></tr>"
JD="$OUT/jar-admin"
login "$JD" admin "$PW_AD"
get /accueil "$JD"
page_is "so does an admin's home" 200 '<h2 id="suspendus">Terminaux suspendus (1)</h2>' \
    "<td>Poste du tiers-lieu</td>"
JC="$OUT/jar-cw"
login "$JC" caseworker "$PW_CW"
get /accueil "$JC"
page_lacks "but not a caseworker's" "Terminaux suspendus"
JX="$OUT/jar-x" JH="$OUT/jar-h"
login "$JX" lieu-x lieu-x-password
get /lieu "$JX"
page_is "X's own page says its terminal is suspended, why, whom to ask" 200 \
    "<strong>Votre terminal « Poste du tiers-lieu » est suspendu</strong> depuis le 09/12/2026 18:30. Motif : 5 clés de contrôle erronées en 24 heures." \
    "contactez le Département"
login "$JH" lieu-h lieu-h-password
get /lieu "$JH"
page_lacks "H's page says nothing of it" "est suspendu"

# --- Holding X's line out of November -------------------------------------------------
before=$(snapshot)
for who in JC JX; do
	post /compta/lots/$NOV/retenir "${!who}" "lieu=$SIRET_X" "motif=essai"
	is "POST the hold form as $(basename "${!who}"): 403" "$code" 403
done
post /compta/lots/$NOV/retenir "$JB" "csrf=wrong" "lieu=$SIRET_X" "motif=essai"
is "without the session's CSRF token: 403" "$code" 403
post /compta/lots/$NOV/retenir "$JB" "lieu=$SIRET_X" "motif= "
page_is "without a reason: 400, at that line's form, opened" 400 \
    "Indiquez un motif (1 à 500 caractères)" "<details open><summary>Retenir Tiers-lieu"
unchanged "none of those wrote anything" "$before"
refused "holding a venue the batch does not pay" LINE_NOT_FOUND -- \
    settle hold --batch $NOV --venue 35600000000001 --reason "essai" --as bob
refused "a SIRET that is not one" LINE_NOT_FOUND -- \
    settle hold --batch $NOV --venue 1234 --reason "essai" --as bob
refused "holding a line of the paid October batch" BATCH_WRONG_STATE -- \
    settle hold --batch PN-2026-10-01 --venue $SIRET_X --reason "essai" --as bob
refused "a caseworker cannot hold" "not an accountant" -- \
    settle hold --batch $NOV --venue $SIRET_X --reason "essai" --as caseworker
H_CENTS=$(q "SELECT amount_cents FROM settlement_line l JOIN settlement_batch b
    ON b.id = l.batch_id WHERE b.reference = '$NOV' AND l.siret = '$SIRET_H'")
admin settle hold --batch $NOV --venue "$SIRET_X" --as bob \
    --reason "séances du tiers-lieu à vérifier"
said 0 "1 line(s), 2 voucher(s), 20,00" "bob holds X's line: the batch pays H alone, 20,00 EUR"
says "settle hold prints the held line, with its reason" "held" \
    "Retenue : séances du tiers-lieu à vérifier (par bob, le 10/12/2026"
is "the batch's lines, vouchers and total without X" \
    "$(q "SELECT n_lines || '/' || n_vouchers || '/' || total_cents FROM settlement_batch WHERE reference = '$NOV'")" \
    "1/2/$H_CENTS"
is "X's line is held by bob, for that reason" \
    "$(q "SELECT u.login || '|' || l.hold_reason || '|' || l.vouchers FROM settlement_line l
    JOIN user u ON u.id = l.held_by WHERE l.siret = '$SIRET_X' AND l.held_at IS NOT NULL")" \
    "bob|séances du tiers-lieu à vérifier|23"
is "its 23 items are inactive" "$(q "SELECT count(*) FROM settlement_item i
    JOIN settlement_line l ON l.id = i.line_id WHERE l.siret = '$SIRET_X'
    AND l.held_at IS NOT NULL AND i.active = 0")" 23
check "an audit row settle.hold names the line" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'settle.hold' AND detail LIKE '%\"siret\":\"$SIRET_X\"%'
    AND detail LIKE '%\"vouchers\":23%'")" = 1
refused "holding it twice" LINE_NOT_FOUND -- \
    settle hold --batch $NOV --venue $SIRET_X --reason "encore" --as bob
check "saying it is held already" grep -qF "held out of batch $NOV already" "$OUT/stderr"
refused "holding the last line to pay" LAST_LINE_HELD -- \
    settle hold --batch $NOV --venue $SIRET_H --reason "essai" --as bob
check "saying to reject the batch instead" grep -qF "reject the batch instead" "$OUT/stderr"
before=$(snapshot)
post /compta/lots/$NOV/retenir "$JB" "lieu=$SIRET_H" "motif=essai"
page_is "on the page too: 409, rejetez plutôt le lot" 409 \
    "C&#39;est la dernière ligne à payer de ce lot : rejetez plutôt le lot"
unchanged "nothing written" "$before"
get /compta/lots/$NOV "$JB"
page_is "the page: X held, \"Retenue : motif\", no alert left" 200 \
    "<h2>Retenus hors du lot</h2>" \
    "<tr><th scope=\"row\">Tiers-lieu Saint-Herblain</th><td>$SIRET_X</td><td>3</td><td>23</td><td>230,00$EUR</td><td>Retenue : séances du tiers-lieu à vérifier (par bob, le 10/12/2026" \
    "<dt>Retenus</dt><dd>1 lieu retenu hors du lot</dd>" \
    "Aucune alerte sur ce lot." "Il ne reste qu’un lieu à payer dans ce lot"
page_lacks "and no box to tick" 'id="alertes-lues"'
admin audit
said 0 "audit: everything holds" "the audit holds with the held line"
says "the held line passes its check, the draft has no alert left" \
    "ok   held lines: each held out of a draft" "note lot $NOV (brouillon) : aucune alerte"
admin settle approve --batch $NOV --as bob
said 0 "approved by bob" "with X held, bob approves November without acknowledging"
admin settle export --batch $NOV --out "$OUT/nov"
said 0 "3 file(s) of $NOV" "its files: payment, mandates, H's statement"
check "no statement for X" test ! -e "$OUT/nov/$NOV-releve-$SIRET_X.pdf"
check "the payment file pays H alone" sh -c \
    "grep -q '<NbOfTxs>1</NbOfTxs>' '$OUT/nov/$NOV-pain.001.001.09.xml' &&
     ! grep -q 'Tiers-lieu' '$OUT/nov/$NOV-pain.001.001.09.xml'"
check "the mandate list does not name X" sh -c \
    "! grep -q '$SIRET_X' '$OUT/nov/$NOV-mandats.csv'"
refused "holding a line of an approved batch" BATCH_WRONG_STATE -- \
    settle hold --batch $NOV --venue $SIRET_H --reason "essai" --as bob
admin settle paid --batch $NOV --as alice --bank-ref VIR20261210 --date 2026-12-10
said 0 "paid on 2026-12-10" "November paid"
X_NOV=$(q "SELECT group_concat(serial) FROM (SELECT r.serial FROM redemption r
    JOIN venue v ON v.id = r.venue_id WHERE v.siret = '$SIRET_X' AND r.received_at >=
    $(date -u -d 2026-11-01 +%s) ORDER BY r.serial)")
check "X's 23 November vouchers are still redeemed, not settled" test \
    "$(q "SELECT count(*) FROM voucher WHERE status = 'redeemed' AND serial IN ($X_NOV)")" = 23
term "$OUT/th" sync
session "$OUT/th" --duration 120
redeem "$OUT/th" H1 3
said 0 "ACCEPTÉ" "10 December: H takes a voucher"

# --- 11 January: December's batch brings X's vouchers back ----------------------------
at "2027-01-11 09:00:00"
restart
admin settle draft --period 2026-12 --as alice
said 0 "2 line(s), 24 voucher(s)" "alice drafts December: H's voucher and X's 23 held ones"
DEC=PN-2026-12-01
is "X's line holds exactly its November vouchers" "$(q "SELECT group_concat(serial) FROM
    (SELECT i.serial FROM settlement_item i JOIN settlement_line l ON l.id = i.line_id
    JOIN settlement_batch b ON b.id = l.batch_id WHERE b.reference = '$DEC'
    AND l.siret = '$SIRET_X' AND i.active = 1 ORDER BY i.serial)")" "$X_NOV"
admin settle show --batch $DEC
says "7 alerts now: no wrong key since 1 December" "7 alertes sur ce lot"
login "$JB" bob bob-password-1
login "$JA" alice alice-password-1
post /compta/lots/$DEC/retenir "$JB" "lieu=$SIRET_H" "motif=relevé d’émargement manquant"
is "bob holds H's line on the page: 303 to the batch" "$code/$(location)" \
    "303//compta/lots/$DEC?retenu=1"
get "$(location)" "$JB"
page_is "saying so, H in the held table" 200 \
    "La ligne du lieu est retenue hors du lot" \
    "<td>Retenue : relevé d’émargement manquant (par bob, le 11/01/2027"
before=$(snapshot)
post /compta/lots/$DEC/approuver "$JB" "sepa=9"
page_is "approving without the box: 409" 409 "Ce lot a des alertes"
unchanged "nothing written" "$before"
post /compta/lots/$DEC/approuver "$JB" "sepa=9" "alertes=7"
is "with the box for its 7 alerts: approved (303)" "$code/$(location)" \
    "303//compta/lots/$DEC?approuve=1"
is "7 acknowledged, recorded" "$(q "SELECT alerts_acknowledged FROM settlement_batch
    WHERE reference = '$DEC'")" 7
check "and in the settle.approve audit row" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'settle.approve' AND detail LIKE '{\"alerts\":7,%'")" = 1
get /compta/lots/$DEC "$JB"
page_is "the approved batch says so" 200 \
    "<dt>Alertes reconnues</dt><dd>7, par l’approbateur, à l’approbation</dd>"
check "no statement for H, held" test "$(q "SELECT count(*) FROM settlement_file f
    JOIN settlement_batch b ON b.id = f.batch_id JOIN venue v ON v.id = f.venue_id
    WHERE b.reference = '$DEC' AND v.siret = '$SIRET_H'")" = 0
before=$(snapshot)
post /compta/lots/$DEC/retenir "$JB" "lieu=$SIRET_X" "motif=trop tard"
page_is "holding on an approved batch's page: 409, said" 409 \
    "Ce lot n&#39;est pas dans l&#39;état voulu pour cette action"
unchanged "nothing written" "$before"
admin settle reject --batch $DEC --as bob --reason "refait avec le lieu H"
said 0 "rejected by bob" "bob rejects the approved December batch"
admin settle draft --period 2026-12 --as alice
said 0 "batch PN-2026-12-02" "December drafted again"
said 0 "2 line(s), 24 voucher(s)" "H's held voucher is back beside X's"
refused "the command line refuses it without the flag" ALERTS_NOT_ACKNOWLEDGED -- \
    settle approve --batch PN-2026-12-02 --as bob
admin settle approve --batch PN-2026-12-02 --as bob --acknowledge-alerts
said 0 "alertes reconnues à l’approbation : 7" "with --acknowledge-alerts: approved, 7 acknowledged"
is "recorded" "$(q "SELECT alerts_acknowledged FROM settlement_batch WHERE
    reference = 'PN-2026-12-02'")" 7
check "in its audit row too" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'settle.approve' AND object = 'batch:' || (SELECT id FROM
    settlement_batch WHERE reference = 'PN-2026-12-02') AND detail LIKE '{\"alerts\":7,%'")" = 1
admin settle paid --batch PN-2026-12-02 --as alice --bank-ref VIR20270111 --date 2027-01-11
said 0 "paid on 2027-01-11" "December paid"
check "every redeemed voucher is now settled" test \
    "$(q "SELECT count(*) FROM voucher WHERE status = 'redeemed'")" = 0
admin audit
said 0 "audit: everything holds" "the audit holds after it all"

passnumd_stop
check "passnumd stops cleanly" test "$status" = 0
check "no sanitizer report in the server log" \
    sh -c "! grep -qi 'sanitizer\|runtime error' '$OUT'/server-*.log"
done_testing
