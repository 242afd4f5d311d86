# test_venue_money.sh -- a venue's money through a whole month, as its pages
# say it: vouchers redeemed (in their contest window), one disputed (held,
# with the rest of its session), answered from the session's page with a
# file (still held until the decision), the dispute upheld (refused; the others
# validated), November drafted, approved and paid; after each step the
# state's label and amount on /lieu and the session page, checked against
# the database. The statement of the paid batch says when and under which
# bank reference it was paid, while the approved file stays as stored (the
# audit still passes). A second venue, with a dispute of its own, never
# sees the first one's sessions, payments, disputes or statements, nor
# the reverse. A month typed wrong gives the month form again, with the
# error.
#
# Dates come from faketime, as in test_settle.sh.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIRET1=21440143200015
SIRET2=35600000000001
EUR=$(printf '\302\240€')	# a no-break space before the sign
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
. "$(dirname "$0")/faketime.sh"
start() { ft_start "$CFG" "$OUT/server.log"; }
stop() { passnumd_stop; }
trap stop EXIT
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
code() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet$1.json" | sed -n "$2p" |
	    sed 's/"code":"//; s/"$//'
}
session() {
	term "$1" session open --theme 2 --duration 90
	S=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{8\}\).*/\1/p' "$OUT/stdout")
}
redeem() { term "$1" redeem "$(code "$2" "$3")" --session "$S"; }
add_venue() {
	ft "$ADMIN" venue add --config "$CFG" --name "$1" --siret "$2" \
	    --address "2 place de la Mairie" --commune "Rezé" --iban "$3" \
	    --bic AGRIFRPP --contact "accueil" --accredited-from 2026-01-01 \
	    >/dev/null
}
# The browser's side: a cookie jar per venue user, each page in $OUT/page.html.
get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
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
has() { grep -qF -- "$1" "$OUT/page.html"; }
hasnt() { ! grep -qF -- "$1" "$OUT/page.html"; }
# row LABEL N AMOUNT: the money table has the row "LABEL | N | AMOUNT".
row() { has "$1</td><td>$2</td><td>$3$EUR</td></tr>"; }
# euros CENTS: as the pages print it ("30,00").
euros() { printf '%d,%02d' $(($1 / 100)) $(($1 % 100)); }
# db_total VENUE MONTH-START MONTH-END: cents accepted at VENUE's sessions.
db_total() {
	q "SELECT coalesce(sum(r.value), 0) FROM redemption r
	    JOIN training_session t ON t.id = r.session_id
	    WHERE r.outcome = 'accepted' AND t.venue_id = $1
	    AND t.starts_at >= $2 AND t.starts_at < $3"
}
NOV_FROM=$(TZ=Europe/Paris date -d "2026-11-01 00:00" +%s)
NOV_TO=$(TZ=Europe/Paris date -d "2026-12-01 00:00" +%s)
# total_reconciles JAR: /lieu's total for November is the database's.
total_reconciles() {
	get "/lieu?mois=2026-11" "$1"
	has "Total des chèques acceptés</th><td>$2</td><td>$(euros "$(db_total "$3" "$NOV_FROM" "$NOV_TO")")$EUR</td>"
}

# --- The world: two venues, two accountants, a user for each venue ------------
at "2026-10-20 08:00:00"
ft "$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
add_venue "Médiathèque de l'Île" $SIRET1 FR7630006000011234567890189
add_venue "Espace numérique Bouguenais" $SIRET2 \
    "FR35 1005 7190 0300 0200 0300 190"
for u in alice bob; do
	password_of $u | ft "$ADMIN" user add --config "$CFG" --login $u \
	    --name "$u" --role accountant >/dev/null
done
printf 'venue-password-1\n' | ft "$ADMIN" user add --config "$CFG" \
    --login v1 --name "Claire" --role venue --venue $SIRET1 >/dev/null
printf 'venue-password-2\n' | ft "$ADMIN" user add --config "$CFG" \
    --login v2 --name "Sam" --role venue --venue $SIRET2 >/dev/null
admin programme rules --id 1 --commission-bp 250 --budget-line "65-6574" \
    --max-per-session 10
cat >>"$CFG" <<'CONF'

[settlement]
debtor_name = Département de Loire-Atlantique
debtor_iban = FR76 3000 1007 9412 3456 7890 185
debtor_bic = BDFEFRPPCCT
CONF

# --- 3 November: venue 1 takes 3 vouchers, then 1; venue 2 takes 2 -----------
at "2026-11-03 08:00:00"
check "passnumd starts on 3 November" start
sed -i "s/^port = 0$/port = ${URL##*:}/" "$CFG"
for b in 1 2; do
	curl -s -o "$OUT/booklet$b.json" -H "Authorization: Bearer $TOKEN" \
	    --data-binary "{\"programme\": 1, \"beneficiary\": {\"ref\": \"S-$b\",
	    \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}" \
	    "$URL/api/v1/booklets"
done
for i in 1 2; do
	eval "SIRET=\$SIRET$i"
	C=$(ft "$ADMIN" terminal code --config "$CFG" --siret "$SIRET" 2>/dev/null)
	term "$OUT/t$i" enrol --server "$URL" --code "$C"
done
session "$OUT/t1"
for n in 1 2 3; do redeem "$OUT/t1" 1 $n; done
said 0 "ACCEPTÉ" "venue 1 redeems vouchers 1-3 in session A"
A=$(q "SELECT max(id) FROM training_session WHERE venue_id = 1")
at "2026-11-04 08:00:00"
stop
start
session "$OUT/t1"
redeem "$OUT/t1" 1 4
said 0 "ACCEPTÉ" "the next day, voucher 4 in session B"
B=$(q "SELECT max(id) FROM training_session WHERE venue_id = 1")
session "$OUT/t2"
for n in 1 2; do redeem "$OUT/t2" 2 $n; done
said 0 "ACCEPTÉ" "venue 2 redeems vouchers 11-12 in its session"
C2=$(q "SELECT max(id) FROM training_session WHERE venue_id = 2")
J1="$OUT/jar1" J2="$OUT/jar2"
login "$J1" v1 venue-password-1
login "$J2" v2 venue-password-2

get "/lieu?mois=2026-11" "$J1"
check "redeemed: the month's vouchers are in their contest window, until 10/11 and 11/11" sh -c "
    grep -qF 'En délai de contestation (jusqu’au 10/11/2026)</td><td>3</td><td>30,00$EUR' '$OUT/page.html' &&
    grep -qF 'En délai de contestation (jusqu’au 11/11/2026)</td><td>1</td><td>10,00$EUR' '$OUT/page.html'"
check "no 'Montant dû' left" hasnt "Montant dû"
check "the total reconciles with the database (4 vouchers)" total_reconciles "$J1" 4 1
get "/lieu/sessions/$A" "$J1"
check "session A: each voucher in its window" \
    has "<td>Accepté — En délai de contestation (jusqu’au 10/11/2026)</td>"
check "session A: no dispute said" hasnt "Contestations"

# --- 5 November: alice disputes voucher 2; venue 2's own dispute ---------------
at "2026-11-05 09:00:00"
stop
start
admin dispute open --serial 2 --as alice --reason "bénéficiaire absent de la feuille"
said 0 "held out of settlement" "alice disputes voucher 2 (session A)"
admin dispute open --serial 11 --as alice --reason "motif-du-lieu-2"
said 0 "held out of settlement" "and voucher 11, at venue 2"
login "$J1" v1 venue-password-1
login "$J2" v2 venue-password-2
get "/lieu/sessions/$A" "$J1"
check "contested: the voucher says when and why" \
    has "<td>Accepté — Contesté le 05/11/2026 — motif : bénéficiaire absent de la feuille</td>"
check "the others of the session: held, not 'Accepté' alone" \
    has "<td>Accepté — En attente : un autre chèque de cette séance est contesté</td>"
check "never 'Accepté' without its state" hasnt "<td>Accepté</td>"
check "a dispute section: why, opened when, the deadline to answer, the form" sh -c "
    grep -qF '<h2>Contestations</h2>' '$OUT/page.html' &&
    grep -qF '<dt>Motif</dt><dd>bénéficiaire absent de la feuille</dd><dt>Contesté le</dt><dd>05/11/2026 10:00</dd>' '$OUT/page.html' &&
    grep -qF 'à répondre avant le 20/11/2026 10:00' '$OUT/page.html' &&
    grep -qF 'enctype=\"multipart/form-data\"' '$OUT/page.html'"
check "session A's split: 1 contested (10 €), 2 held (20 €)" sh -c "
    grep -qF 'motif : bénéficiaire absent de la feuille</td><td>1</td><td>10,00$EUR' '$OUT/page.html' &&
    grep -qF 'est contesté</td><td>2</td><td>20,00$EUR' '$OUT/page.html'"
check "venue 1 never sees venue 2's dispute" hasnt "motif-du-lieu-2"
# Venue 1 answers from the page, with the signed attendance sheet.
printf '%%PDF-1.4\n%% feuille signée\n%%%%EOF\n' >"$OUT/feuille.pdf"
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" | head -1)
DSP=$(q "SELECT d.id FROM dispute d JOIN redemption r ON r.id = d.redemption_id WHERE r.serial = 2")
code=$(curl -s -b "$J1" -c "$J1" -o /dev/null -w '%{http_code}' \
    -F "csrf=$tok" -F "seance=$A" -F "reponse=La personne a bien signé." \
    -F "piece=@$OUT/feuille.pdf" "$URL/lieu/contestations/$DSP/repondre")
check "venue 1 answers the dispute from its page, with the sheet: 303" test "$code" = 303
get "/lieu/sessions/$A" "$J1"
check "the page shows the answer and its file" sh -c "
    grep -qF 'La personne a bien signé.' '$OUT/page.html' &&
    grep -qF 'feuille.pdf</a> (PDF' '$OUT/page.html'"
check "answered, the session is still held until the decision" \
    has "<td>Accepté — En attente : un autre chèque de cette séance est contesté</td>"
get "/lieu?mois=2026-11" "$J1"
check "the month: contested 10 €, held 20 €, session B still in window" sh -c "
    grep -qF 'motif : bénéficiaire absent de la feuille</td><td>1</td><td>10,00$EUR' '$OUT/page.html' &&
    grep -qF 'est contesté</td><td>2</td><td>20,00$EUR' '$OUT/page.html' &&
    grep -qF '(jusqu’au 11/11/2026)</td><td>1</td><td>10,00$EUR' '$OUT/page.html'"
check "the total reconciles" total_reconciles "$J1" 4 1
check "nothing of venue 2 on venue 1's month" hasnt "motif-du-lieu-2"
get "/lieu/sessions/$A" "$J2"
check "venue 2 asking for venue 1's session: 404" test "$code" = 404
check "and nothing of its dispute" hasnt "bénéficiaire absent"
get "/lieu/sessions/$A?lieu=1" "$J2"
check "also with ?lieu=1: 404" test "$code" = 404
get "/lieu/sessions/$C2" "$J2"
check "venue 2 sees its own dispute" has "motif : motif-du-lieu-2"
check "and nothing of venue 1's" hasnt "bénéficiaire absent"

# --- 12 November: bob upholds the dispute -------------------------------------
at "2026-11-12 09:00:00"
stop
start
DISPUTE=$(q "SELECT d.id FROM dispute d JOIN redemption r ON r.id = d.redemption_id WHERE r.serial = 2")
admin dispute resolve --id "$DISPUTE" --as bob --uphold "absence confirmée"
said 0 "upheld" "bob upholds the dispute of voucher 2"
login "$J1" v1 venue-password-1
login "$J2" v2 venue-password-2
get "/lieu/sessions/$A" "$J1"
check "upheld: the voucher is refused, with the reason and the decision" \
    has "<td>Accepté — Refusé après contestation le 12/11/2026 — motif : bénéficiaire absent de la feuille (décision : absence confirmée)</td>"
check "the others of the session are validated, to be paid" \
    has "<td>Accepté — Validé, à régler</td>"
get "/lieu?mois=2026-11" "$J1"
check "the month: 3 validated (30 €), 1 refused (10 €)" sh -c "
    grep -qF 'Validé, à régler</td><td>3</td><td>30,00$EUR' '$OUT/page.html' &&
    grep -qF '(décision : absence confirmée)</td><td>1</td><td>10,00$EUR' '$OUT/page.html'"
check "the total reconciles" total_reconciles "$J1" 4 1

# --- 2 December: November drafted, then approved -------------------------------
at "2026-12-02 09:00:00"
stop
start
admin settle draft --period 2026-11 --as alice
said 0 "batch PN-2026-11-01" "alice drafts November"
check "venue 2, its session held by its open dispute, has no line" \
    test "$(q "SELECT count(*) FROM settlement_line WHERE venue_id = 2")" = 0
login "$J1" v1 venue-password-1
login "$J2" v2 venue-password-2
get "/lieu?mois=2026-11" "$J1"
check "drafted: validated, in the batch, as many as its items" \
    row "Validé, à régler (lot PN-2026-11-01)" \
    "$(q "SELECT count(*) FROM settlement_item i JOIN settlement_line l ON l.id = i.line_id WHERE l.venue_id = 1 AND i.active = 1")" \
    "$(euros "$(q "SELECT sum(i.value) FROM settlement_item i JOIN settlement_line l ON l.id = i.line_id WHERE l.venue_id = 1 AND i.active = 1")")"
check "no statement linked for a draft" hasnt "/lieu/releves/PN-2026-11-01.pdf"
get "/lieu?mois=2026-11" "$J2"
check "venue 2 does not see venue 1's batch" hasnt "PN-2026-11-01"
admin settle approve --batch PN-2026-11-01 --as bob --acknowledge-alerts
said 0 "approved" "bob approves it"
get "/lieu?mois=2026-11" "$J1"
check "approved: validated, with the link to the venue's statement" has \
    'Validé, à régler (lot PN-2026-11-01, <a href="/lieu/releves/PN-2026-11-01.pdf">relevé du lot PN-2026-11-01</a>)</td><td>3</td>'
curl -s -b "$J1" -o "$OUT/approved.pdf" "$URL/lieu/releves/PN-2026-11-01.pdf"
pdftotext -layout "$OUT/approved.pdf" "$OUT/approved.txt"
check "its statement says approuvé" grep -q "approuvé" "$OUT/approved.txt"
get /lieu/releves/PN-2026-11-01.pdf "$J2"
check "venue 2 has no statement in that batch: 404" test "$code" = 404
check "the 404 shows nothing of venue 1" hasnt "Médiathèque"
get "/lieu/releves" "$J2"
check "venue 2's statements list is empty" has "Aucun relevé pour le moment."

# --- 10 December: paid -------------------------------------------------------
at "2026-12-10 15:00:00"
stop
start
admin settle paid --batch PN-2026-11-01 --as alice --bank-ref VIR20261210 \
    --date 2026-12-10
said 0 "paid" "alice records the payment"
login "$J1" v1 venue-password-1
login "$J2" v2 venue-password-2
get "/lieu?mois=2026-11" "$J1"
PAID_N=$(q "SELECT count(*) FROM settlement_item i JOIN settlement_line l ON l.id = i.line_id JOIN settlement_batch b ON b.id = l.batch_id WHERE l.venue_id = 1 AND i.active = 1 AND b.status = 'paid'")
PAID_C=$(q "SELECT sum(i.value) FROM settlement_item i JOIN settlement_line l ON l.id = i.line_id JOIN settlement_batch b ON b.id = l.batch_id WHERE l.venue_id = 1 AND i.active = 1 AND b.status = 'paid'")
check "paid: when, the batch, the bank's reference, the statement; as in the database ($PAID_N, $PAID_C cents)" has \
    "Payé le 10/12/2026 (lot PN-2026-11-01, référence bancaire VIR20261210) — <a href=\"/lieu/releves/PN-2026-11-01.pdf\">relevé du lot PN-2026-11-01</a></td><td>$PAID_N</td><td>$(euros "$PAID_C")$EUR</td>"
check "nothing said 'à régler' any more" hasnt "Validé, à régler"
check "the refused voucher still said" has "(décision : absence confirmée)</td><td>1</td><td>10,00$EUR"
check "the total reconciles" total_reconciles "$J1" 4 1
get "/lieu/sessions/$B" "$J1"
check "session B's voucher: paid" has \
    "<td>Accepté — Payé le 10/12/2026 (lot PN-2026-11-01, référence bancaire VIR20261210)"
get "/lieu?mois=2026-11" "$J2"
check "venue 2 sees nothing of venue 1's payment" sh -c "
    ! grep -qF VIR20261210 '$OUT/page.html' && ! grep -qF PN-2026-11-01 '$OUT/page.html'"
check "venue 2's vouchers: one contested, one held" sh -c "
    grep -qF 'motif : motif-du-lieu-2</td><td>1</td><td>10,00$EUR' '$OUT/page.html' &&
    grep -qF 'est contesté</td><td>1</td><td>10,00$EUR' '$OUT/page.html'"
curl -s -b "$J1" -D "$OUT/pdf.h" -o "$OUT/paid.pdf" "$URL/lieu/releves/PN-2026-11-01.pdf"
pdftotext -layout "$OUT/paid.pdf" "$OUT/paid.txt"
check "the statement now says paid, when and the bank's reference" sh -c "
    grep -q 'payé le 10/12/2026' '$OUT/paid.txt' &&
    grep -q 'VIR20261210' '$OUT/paid.txt' && grep -q 'PN-2026-11-01' '$OUT/paid.txt'"
check "named as the paid version" grep -qi 'filename="releve-PN-2026-11-01-paye.pdf"' "$OUT/pdf.h"
curl -s -b "$J1" -o "$OUT/paid2.pdf" "$URL/lieu/releves/PN-2026-11-01.pdf"
check "the same bytes at every download" cmp -s "$OUT/paid.pdf" "$OUT/paid2.pdf"
curl -s -b "$J1" -o "$OUT/approved2.pdf" "$URL/lieu/releves/PN-2026-11-01.pdf?version=approuve"
q "SELECT writefile('$OUT/stored.pdf', content) FROM settlement_file WHERE kind = 'statement' AND venue_id = 1" >/dev/null
check "the approved version is the stored file, byte for byte" cmp -s "$OUT/approved2.pdf" "$OUT/stored.pdf"
check "still one statement stored for venue 1" \
    test "$(q "SELECT count(*) FROM settlement_file WHERE venue_id = 1")" = 1
get "/lieu/releves" "$J1"
check "the statements page: paid, with both versions" sh -c "
    grep -qF '10/12/2026, référence bancaire VIR20261210' '$OUT/page.html' &&
    grep -qF 'href=\"/lieu/releves/PN-2026-11-01.pdf?version=approuve\"' '$OUT/page.html'"
get "/lieu/releves/PN-2026-11-01.pdf?version=approuve" "$J2"
check "venue 2 asking for venue 1's approved statement: 404" test "$code" = 404
expect 0 "" "passnum-admin audit passes after the payment" -- \
    ft "$ADMIN" audit --config "$CFG"

# --- A month typed wrong: the form again, with the error -------------------------
for bad in 2026-13 novembre; do
	get "/lieu?mois=$bad" "$J1"
	check "?mois=$bad: 400 and the month form, the error beside the field" sh -c "
	    test '$code' = 400 &&
	    grep -qF 'id=\"mois-error\"' '$OUT/page.html' &&
	    grep -qF 'aria-invalid=\"true\"' '$OUT/page.html' &&
	    grep -qF '<form class=\"panel\" method=\"get\" action=\"/lieu\">' '$OUT/page.html'"
done

stop
done_testing
