# test_dashboard.sh -- the dashboard (/pilotage): a year of generated data
# (three programmes, agencies, communes, venues, themes; expiries,
# cancellations, conflicts, disputes) and each figure of the page, the CSV
# and passnum-admin report dashboard compared with an independent SQL
# computation (dashboard_world.py), for a year, a quarter, a month and
# custom days; small numbers withheld in all three, never recomputable
# from a total; the funder's role kept to the dashboard; a bad period
# shows the form again with the error at its field.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
WORLD="$(dirname "$0")/dashboard_world.py"
stop() { passnumd_stop; }
trap stop EXIT

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
check "a year of data is generated" python3 "$WORLD" gen "$DB"
printf 'funder-pass-1\n' | "$ADMIN" user add --config "$CFG" --login fin1 \
    --name "Élue du Département" --role funder >/dev/null
check "a funder is added" test "$(sqlite3 "$DB" \
    "SELECT role FROM user WHERE login = 'fin1'")" = funder
printf 'x-pass-12345\n' | "$ADMIN" user add --config "$CFG" --login fin2 \
    --name "Élu" --role funder --agency 1 >/dev/null 2>"$OUT/err"
check "a funder of an agency is refused" grep -q "no agency" "$OUT/err"
FTOKEN=$("$ADMIN" token create --config "$CFG" --login fin1)
check "passnumd starts" passnumd_start "$CFG"

# dash PROGRAMME PERIOD: the page, the CSV and the CLI's CSV of PROGRAMME
# over PERIOD ("2026", "2026-T2", "2026-03", or "FROM:TO"), compared.
dash() {
	case $2 in
	*:*) qs="du=${2%%:*}&au=${2##*:}"
	    cli="--du ${2%%:*} --au ${2##*:}" ;;
	*) qs="periode=$2" cli="--periode $2" ;;
	esac
	call GET "/pilotage?programme=$1&$qs" "$FTOKEN"
	cp "$OUT/body" "$OUT/page-$1-$2.html"
	check "programme $1, $2: the page (200)" test "$code" = 200
	call GET "/pilotage.csv?programme=$1&$qs" "$FTOKEN"
	cp "$OUT/body" "$OUT/csv-$1-$2.csv"
	check "programme $1, $2: the CSV (200)" test "$code" = 200
	# shellcheck disable=SC2086
	"$ADMIN" report dashboard --config "$CFG" --programme "$1" $cli \
	    --csv >"$OUT/cli-$1-$2.csv"
	check "programme $1, $2: passnum-admin's CSV is the page's" \
	    cmp -s "$OUT/cli-$1-$2.csv" "$OUT/csv-$1-$2.csv"
	check "programme $1, $2: every figure reconciles with SQL" \
	    python3 "$WORLD" check "$DB" "$1" "$2" "$OUT/csv-$1-$2.csv" \
	    "$OUT/page-$1-$2.html"
}
dash 1 2026
dash 2 2026
dash 3 2026
dash 1 2026-T2
dash 1 2026-03
dash 2 2026-01-10:2026-06-30

# The small numbers are there to be withheld: two communes of 1 and 2
# people, an age band of 3 alone in its table (so a second one goes).
check "'< 5' in the commune table" grep -q \
    'Par commune;Saint-Mars-la-Jaille;< 5;< 5;< 5;< 5;< 5;< 5' \
    "$OUT/csv-1-2026.csv"
check "the age band of 3 people is withheld, and a second one with it" sh -c \
    "grep -q 'Par tranche d’âge;75+;< 5' '$OUT/csv-1-2026.csv' &&
     grep -q 'Par tranche d’âge;[^;]*;secret' '$OUT/csv-1-2026.csv'"
check "the page marks them, with the legend" sh -c \
    "grep -q '<td>&lt; 5</td>' '$OUT/page-1-2026.html' &&
     grep -q '<td>secret</td>' '$OUT/page-1-2026.html' &&
     grep -q 'secret statistique' '$OUT/page-1-2026.html'"
"$ADMIN" report dashboard --config "$CFG" --programme 1 --periode 2026 \
    >"$OUT/cli.txt"
check "passnum-admin's text withholds them too" sh -c \
    "grep -q '75+ *< 5 *< 5' '$OUT/cli.txt' &&
     grep -q 'secret *secret' '$OUT/cli.txt' &&
     grep -q 'balanced: yes' '$OUT/cli.txt'"
check "a venue's name is escaped on the page" grep -qF \
    'Lieu &lt;b&gt;07&lt;/b&gt; &amp; co' "$OUT/page-1-2026.html"
check "a theme that looks like a formula is defused in the CSV" grep -qF \
    "'=SOMME(A1)" "$OUT/csv-1-2026.csv"
check "one table alone as CSV" sh -c "curl -s -H 'Authorization: Bearer \
$FTOKEN' '$URL/pilotage.csv?programme=1&periode=2026&tableau=communes' |
    tr -d '\r' | tail -n +2 | cut -d';' -f3 | sort -u | grep -qx 'Par commune'"

# The charts: one above each table, drawn from the same lines. Each
# chart's data table says what its bars say (svg_chart.h checks that
# itself); here, that it says what the CSV says, line for line, withheld
# lines withheld in both.
cat >"$OUT/charts.py" <<'PY'
import csv, re, sys
page = open(sys.argv[1], encoding='utf-8').read()
rows = list(csv.reader(open(sys.argv[2], encoding='utf-8-sig'), delimiter=';'))
head, rows = rows[0], rows[1:]
col = {h: i for i, h in enumerate(head)}
figs = re.findall(r'<figure class="chart" id="graphique-([^"]+)">(.*?)</figure>', page, re.S)
if len(figs) != 7:
    sys.exit('%d charts, 7 expected' % len(figs))
unesc = lambda t: t.replace('&lt;', '<').replace('&gt;', '>').replace('&quot;', '"').replace('&#39;', "'").replace('&amp;', '&')
checked = 0
for slug, fig in figs:
    cap = unesc(re.search(r'<caption>(.*?)</caption>', fig).group(1))
    table = cap.split(' : ')[0]
    lines = [r for r in rows if r[col['Tableau']] == table][:-1]  # its total last
    want = {r[col['Libellé']]: r for r in lines}
    got = re.findall(r'<tr><th scope="row">(.*?)</th>((?:<td>.*?</td>)+)</tr>', fig)
    if len(got) != len(want):
        sys.exit('%s: %d lines in the chart, %d in the CSV' % (table, len(got), len(want)))
    for label, cells in got:
        label = unesc(label)
        # The CSV defuses a label that a spreadsheet would compute.
        r = want.get(label) or want["'" + label]
        vals = re.findall(r'<td>(.*?)</td>', cells)
        if 'taux' in cap:
            expect = [r[col['Taux d’utilisation (%)']]]
        elif 'émis et utilisés' in cap:
            expect = [r[col['Chèques émis']], r[col['Chèques utilisés']]]
        else:
            expect = [r[col['Chèques utilisés']]]
        withheld = any(e in ('< 5', 'secret') for e in expect)
        if withheld:
            if any(v != 'masqué' for v in vals):
                sys.exit('%s, %s: withheld in the CSV, %s in the chart' % (table, label, vals))
        else:
            norm = lambda v: v.replace('\u202f', '').replace('\xa0', '').replace(' ', '')
            if [norm(v) for v in vals] != [norm(e) for e in expect]:
                sys.exit('%s, %s: chart %s, CSV %s' % (table, label, vals, expect))
        checked += 1
print('# %d chart lines match the CSV' % checked)
PY
check "each table has its chart, and each chart's numbers are the CSV's" \
    python3 "$OUT/charts.py" "$OUT/page-1-2026.html" "$OUT/csv-1-2026.csv"
check "a withheld line is « masqué » in its chart, never a number" \
    grep -q '<td>masqué</td>' "$OUT/page-1-2026.html"
# The printed bilan: one page, the period's figures, the rule of small numbers.
code=$(curl -s -o "$OUT/bilan.pdf" -w '%{http_code}' -H "Authorization: Bearer $FTOKEN" \
    "$URL/pilotage/bilan.pdf?programme=1&periode=2026")
pdftotext -layout "$OUT/bilan.pdf" "$OUT/bilan.txt" 2>/dev/null
RATE=$(sed -n 's/.*Taux d’utilisation : <strong>\([^<]*\)<.*/\1/p' "$OUT/page-1-2026.html" | sed 's/[^0-9,]//g')
check "the bilan PDF: one page, for elected officials" sh -c "
    [ '$code' = 200 ] && pdfinfo '$OUT/bilan.pdf' | grep -q '^Pages: *1$' &&
    grep -q 'Bilan du Pass numérique' '$OUT/bilan.txt' &&
    grep -q 'année 2026' '$OUT/bilan.txt' && grep -q 'Données au' '$OUT/bilan.txt'"
check "the bilan's use rate is the page's ($RATE %)" grep -q "$RATE" "$OUT/bilan.txt"
check "the bilan states the rule of small numbers" grep -q 'Secret' "$OUT/bilan.txt"
call GET "/pilotage/bilan.pdf?programme=1&periode=2026-13" "$FTOKEN"
check "a bad period for the bilan: 400" test "$code" = 400

# A day with few people: everything but the budget withheld.
DAY=$(sqlite3 "$DB" "SELECT date(min(issued_at), 'unixepoch', '+1 hour')
    FROM booklet WHERE programme_id = 3")
FEW=$(sqlite3 "$DB" "SELECT count(DISTINCT beneficiary_id) FROM booklet
    WHERE programme_id = 3 AND date(issued_at, 'unixepoch', '+1 hour') = '$DAY'")
check "programme 3's first day has 1 to 4 people ($FEW)" test "$FEW" -ge 1 -a "$FEW" -le 4
call GET "/pilotage?programme=3&du=$DAY&au=$DAY" "$FTOKEN"
check "a period of few people withholds its figures" sh -c \
    "[ $code = 200 ] && grep -q 'Moins de 5 personnes' '$OUT/body' &&
     ! grep -q '<td>[1-4]</td>' '$OUT/body'"
code=$(curl -s -o "$OUT/few.pdf" -w '%{http_code}' -H "Authorization: Bearer $FTOKEN" \
    "$URL/pilotage/bilan.pdf?programme=3&du=$DAY&au=$DAY")
pdftotext -layout "$OUT/few.pdf" "$OUT/few.txt" 2>/dev/null
check "and so does its printed bilan: the budget, no voucher nor person" sh -c "
    [ '$code' = 200 ] && grep -q 'Budget voté' '$OUT/few.txt' &&
    ! grep -q 'Chèques émis' '$OUT/few.txt' &&
    ! grep -q 'Personnes' '$OUT/few.txt'"

# Mistakes: the form again, the error at its field, 400.
call GET "/pilotage?periode=2026-13" "$FTOKEN"
check "a bad period: 400 and the form with the error at its field" sh -c \
    "[ $code = 400 ] && grep -q 'id=\"periode-error\"' '$OUT/body' &&
     grep -q 'aria-invalid=\"true\"' '$OUT/body' &&
     grep -q 'href=\"#periode\"' '$OUT/body'"
call GET "/pilotage?du=2026-02-30&au=2026-03-01" "$FTOKEN"
check "a day that does not exist: at its field" sh -c \
    "[ $code = 400 ] && grep -q 'id=\"du-error\"' '$OUT/body'"
call GET "/pilotage?du=2026-06-01&au=2026-01-01" "$FTOKEN"
check "au before du: at au" sh -c \
    "[ $code = 400 ] && grep -q 'id=\"au-error\"' '$OUT/body'"
call GET "/pilotage?programme=99" "$FTOKEN"
check "an unknown programme: at its field" sh -c \
    "[ $code = 400 ] && grep -q 'id=\"programme-error\"' '$OUT/body'"
call GET "/pilotage?periode=%3Cscript%3E" "$FTOKEN"
check "what was typed comes back escaped" sh -c \
    "[ $code = 400 ] && grep -q 'value=\"&lt;script&gt;\"' '$OUT/body'"
call GET "/pilotage.csv?tableau=nope" "$FTOKEN"
check "an unknown table: 400" test "$code" = 400

# The funder sees the dashboard and nothing else: no booklet, voucher,
# venue, accounting page nor API, whatever the id.
SERIAL=$(sqlite3 "$DB" 'SELECT min(serial) FROM voucher')
BOOKLET=$(sqlite3 "$DB" 'SELECT min(id) FROM booklet')
for path in "/accueil" "/carnets/$BOOKLET" "/carnets/nouveau" \
    "/recherche?numero=1" "/lieu" "/lieu?lieu=101" "/lieu/releves" \
    "/compta" "/compta/bilan" "/compta/bilan.csv" "/compta/contestations" \
    "/api/v1/vouchers/$SERIAL" "/api/v1/booklets/$BOOKLET" \
    "/api/v1/booklets/$BOOKLET.pdf"; do
	call GET "$path" "$FTOKEN"
	check "the funder: GET $path is 403" test "$code" = 403
done
call POST "/api/v1/vouchers/$SERIAL/cancel" "$FTOKEN" '{"reason": "x"}'
check "the funder cannot cancel a voucher: 403" test "$code" = 403
call GET /pilotage "$FTOKEN"
check "the funder's menu has the dashboard and no booklet link" sh -c \
    "grep -q 'href=\"/pilotage\"' '$OUT/body' &&
     ! grep -q 'carnets/nouveau' '$OUT/body' &&
     ! grep -q 'href=\"/compta' '$OUT/body'"
# A browser session: logging in lands on the dashboard.
curl -s -c "$OUT/jar" -o "$OUT/form.html" "$URL/connexion"
LC=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' "$OUT/form.html")
curl -s -b "$OUT/jar" -c "$OUT/jar" -o /dev/null -D "$OUT/h" \
    --data-urlencode "login_csrf=$LC" --data "login=fin1&password=funder-pass-1" \
    "$URL/connexion"
check "the funder lands on /pilotage after login" grep -qi \
    '^location: /pilotage' "$OUT/h"

# The page in a real browser (Chromium, axe-core) at 375 and 1280 px.
B="$(cd "$(dirname "$0")/../browser" && pwd)"
if [ -d "$B/node_modules" ] && command -v node >/dev/null 2>&1 &&
    [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	node "$B/dashboard.test.mjs" "$URL" fin1 funder-pass-1 \
	    "$OUT/screens" >"$OUT/browser.tap" 2>&1
	node_status=$?
	while IFS= read -r line; do
		case $line in
		"ok "[0-9]*) ok "${line#ok [0-9]* - }" ;;
		"not ok "[0-9]*) not_ok "${line#not ok [0-9]* - }" ;;
		1..*) ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done <"$OUT/browser.tap"
	if [ "$node_status" -ne 0 ] && ! grep -q '^not ok' "$OUT/browser.tap"; then
		not_ok "the browser test exited with status $node_status"
	fi
else
	# test_browser.sh installs the packages (npm ci) and says so if it cannot.
	echo "# no browser here: tests/browser/node_modules or Chromium missing"
fi

done_testing
