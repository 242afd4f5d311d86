# test_settle.sh -- a full settlement cycle with the real binaries: booklets
# issued, terminals enrolled at three venues, vouchers redeemed across two
# months (some offline), a dispute, October and November drafted, approved
# by a second accountant, exported (both pain.001 versions checked against
# the ISO schemas), paid; four-eyes, drafting twice and at once, rejection,
# carry-over, and bad input, each refused with nothing written.
#
# Dates come from faketime (libfaketime): every program of one step runs
# with the same offset from the real clock, so the server, the terminals
# and passnum-admin agree on a day in October, November or December 2026.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
XSD="$(cd "$(dirname "$0")/../data/sepa" && pwd)"
SIRET1=21440143200015
SIRET2=35600000000001
SIRET3=44234567400018
q() { sqlite3 "$DB" "$1"; }
. "$(dirname "$0")/faketime.sh"
start() { ft_start "$CFG" "$OUT/server.log"; }
stop() { passnumd_stop; }
trap stop EXIT
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
# code B N: the text of voucher N (1-10) of booklet B (1-3).
code() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet$1.json" | sed -n "$2p" |
	    sed 's/"code":"//; s/"$//'
}
# session T: open a 90-minute session at terminal dir T; its id prefix in $S.
session() {
	term "$1" session open --theme 2 --duration 90
	S=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{8\}\).*/\1/p' "$OUT/stdout")
}
redeem() { term "$1" redeem "$(code "$2" "$3")" --session "$S"; }
add_venue() {
	ft "$ADMIN" venue add --config "$CFG" --name "$1" --siret "$2" \
	    --address "2 place de la Mairie" --commune "$4" --iban "$3" \
	    --bic AGRIFRPP --contact "accueil" --accredited-from 2026-01-01 \
	    >/dev/null
}
snapshot() {
	q "SELECT (SELECT count(*) FROM settlement_batch) || '/' ||
	    (SELECT count(*) FROM settlement_line) || '/' ||
	    (SELECT count(*) FROM settlement_item) || '/' ||
	    (SELECT count(*) FROM settlement_file) || '/' ||
	    (SELECT count(*) FROM dispute) || '/' ||
	    (SELECT group_concat(status) FROM settlement_batch) || '/' ||
	    (SELECT count(*) FROM voucher WHERE status = 'settled') || '/' ||
	    (SELECT count(*) FROM audit_log)"
}
# refused DESC NAME -- ARGS: passnum-admin ARGS exits 1 naming error NAME,
# and the settlement tables and audit log are as they were.
refused() {
	desc=$1 name=$2
	shift 3
	before=$(snapshot)
	admin "$@"
	after=$(snapshot)
	if [ "$status" -eq 1 ] && grep -qF "$name" "$OUT/stderr" &&
	    [ "$before" = "$after" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# status $status, wanted 1 naming $name; $before -> $after"
		sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr"
	fi
}
batch_of() { q "SELECT reference FROM settlement_batch WHERE period = '$1' AND status <> 'rejected'"; }
# cli_fails LOGIN: the failed logins of LOGIN recorded from the command line.
cli_fails() { q "SELECT count(*) FROM login_failure WHERE login = '$1' AND address = 'cli'"; }
# as_refused DESC TEXT N -- ARGS: passnum-admin ARGS, on the standard input
# this function is given, exits 1 saying TEXT; the settlement tables are as
# they were, and the audit log gained N rows, all failed logins "from cli".
as_refused() {
	desc=$1 text=$2 n=$3
	shift 4
	before=$(snapshot)
	failed=$(q "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND detail = 'from cli'")
	run ft "$ADMIN" "$@" --config "$CFG"
	after=$(snapshot)
	failed=$(( $(q "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND detail = 'from cli'") - failed ))
	if [ "$status" -eq 1 ] && grep -qF -- "$text" "$OUT/stderr" &&
	    [ "${before%/*}" = "${after%/*}" ] && [ "$failed" = "$n" ] &&
	    [ $(( ${after##*/} - ${before##*/} )) = "$n" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# status $status, wanted 1 saying '$text' and $n failed login(s); $before -> $after, $failed from cli"
		sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr"
	fi
}

# --- September: the programme, three venues, two accountants -----------------
at "2026-09-20 08:00:00"
ft "$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
add_venue "Médiathèque de l'Île" $SIRET1 FR7630006000011234567890189 "Rezé"
add_venue "Espace numérique Bouguenais" $SIRET2 \
    "FR35 1005 7190 0300 0200 0300 190" "Bouguenais"
add_venue "Tiers-lieu Saint-Herblain" $SIRET3 FR1420041010050500013M02606 \
    "Saint-Herblain"
for u in alice bob; do
	password_of $u | ft "$ADMIN" user add --config "$CFG" --login $u \
	    --name "$u" --role accountant >/dev/null
done
admin programme rules --id 1 --commission-bp 250 --budget-line "65-6574 Pass numérique" \
    --max-per-session 10
said 0 "commission 2.50 %" "programme rules: 2.5 % commission, a budget line"
cat >>"$CFG" <<'EOF'

[settlement]
debtor_name = Département de Loire-Atlantique
debtor_iban = FR76 3000 1007 9412 3456 7890 185
debtor_bic = BDFEFRPPCCT
EOF

# --- October: booklets, terminals, sessions, one venue offline ---------------
at "2026-10-05 08:00:00"
check "passnumd starts on 5 October" start
sed -i "s/^port = 0$/port = ${URL##*:}/" "$CFG"
for b in 1 2 3; do
	curl -s -o "$OUT/booklet$b.json" -H "Authorization: Bearer $TOKEN" \
	    --data-binary "{\"programme\": 1, \"beneficiary\": {\"ref\": \"S-$b\",
	    \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Rezé\"}}" \
	    "$URL/api/v1/booklets"
done
check "three booklets: vouchers 1 to 30" test "$(q 'SELECT count(*) FROM voucher')" = 30
for i in 1 2 3; do
	eval "SIRET=\$SIRET$i"
	C=$(ft "$ADMIN" terminal code --config "$CFG" --siret "$SIRET" 2>/dev/null)
	term "$OUT/t$i" enrol --server "$URL" --code "$C"
	said 0 "inscrit pour" "terminal $i enrolled at venue $i"
done
session "$OUT/t1"
for n in 1 2 3; do redeem "$OUT/t1" 1 $n; done
said 0 "ACCEPTÉ" "venue 1 redeems vouchers 1-3 online"
session "$OUT/t2"
for n in 1 2; do redeem "$OUT/t2" 2 $n; done
said 0 "ACCEPTÉ" "venue 2 redeems vouchers 11-12 online"
session "$OUT/t3"
stop
for n in 1 2; do redeem "$OUT/t3" 3 $n; done
said 3 "ACCEPTÉ HORS LIGNE" "venue 3, offline, takes vouchers 21-22"
at "2026-10-06 08:00:00"
start
term "$OUT/t3" sync
said 0 "2 acceptés" "the next day, venue 3 syncs: both accepted"
at "2026-10-20 12:00:00"
stop
start
term "$OUT/t1" sync
session "$OUT/t1"
for n in 4 5; do redeem "$OUT/t1" 1 $n; done
said 0 "ACCEPTÉ" "20 October: venue 1 redeems vouchers 4-5"
check "9 accepted redemptions in October" \
    test "$(q "SELECT count(*) FROM redemption WHERE outcome = 'accepted'")" = 9

# --- 10 November: October is settled ------------------------------------------
at "2026-11-10 09:00:00"
stop
start
refused "a period that has not ended: 2026-11 on 10 November" \
    PERIOD_NOT_ENDED -- settle draft --period 2026-11 --as alice
refused "an impossible period: 2026-13" BAD_PERIOD -- \
    settle draft --period 2026-13 --as alice
refused "a quarter when periods are months" BAD_PERIOD -- \
    settle draft --period 2026-T3 --as alice
refused "a caseworker may not draft" "not an accountant" -- \
    settle draft --period 2026-10 --as caseworker
admin settle draft --period 2026-10 --as alice
said 0 "batch PN-2026-10-01" "alice drafts October: PN-2026-10-01"
said 0 "3 line(s), 9 voucher(s), 87,75" \
    "3 lines, 9 vouchers, 87,75 € (10 € less 2.5 % each)"
admin settle draft --period 2026-10 --as bob
said 0 "has a batch already" "drafting October again returns the same batch"
check "still one batch, 9 items" test "$(q 'SELECT count(*) FROM settlement_batch')/$(q 'SELECT count(*) FROM settlement_item')" = "1/9"
refused "the drafter cannot approve (four-eyes)" SAME_APPROVER -- \
    settle approve --batch PN-2026-10-01 --as alice
refused "a draft cannot be marked paid" BATCH_WRONG_STATE -- \
    settle paid --batch PN-2026-10-01 --as alice --bank-ref VIR1 \
    --date 2026-11-10
refused "an unknown batch" BATCH_NOT_FOUND -- \
    settle approve --batch PN-2026-10-09 --as bob

# Four-eyes on the command line: naming bob is not enough to act as bob.
AUTH_FAILED="mot de passe absent ou erroné pour la personne nommée par --as"
as_refused "approving --as bob with nothing on standard input: refused (2006), counted" \
    "$AUTH_FAILED" 1 -- settle approve --batch PN-2026-10-01 --as bob </dev/null
as_refused "with an empty line: refused, counted" "$AUTH_FAILED" 1 -- \
    settle approve --batch PN-2026-10-01 --as bob <<<""
as_refused "with a wrong password: refused, counted" "CLI_AUTH_FAILED" 1 -- \
    settle approve --batch PN-2026-10-01 --as bob <<<"alice-password-1"
check "as failed logins of bob from the address cli" test "$(cli_fails bob)" = 3
printf 'claire-password-1\n' | ft "$ADMIN" user add --config "$CFG" \
    --login claire --name claire --role accountant >/dev/null
fails=0
for i in 1 2 3 4 5; do
	run ft "$ADMIN" settle approve --batch PN-2026-10-01 --as claire \
	    --config "$CFG" <<<"claire-password-$((i + 1))"
	[ "$status" = 1 ] && fails=$((fails + 1))
done
check "5 wrong passwords for claire, each refused" \
    test "$fails/$(cli_fails claire)" = "5/5"
as_refused "then her right one is refused as on the web: throttled (2004), not counted" \
    "LOGIN_THROTTLED" 0 -- settle approve --batch PN-2026-10-01 --as claire \
    <<<"claire-password-1"
check "the batch is still a draft" \
    test "$(q "SELECT status FROM settlement_batch")" = draft
# Failures are counted per (login, address): the command line's do not
# hold her back on the login page, from another address.
check "the login page lets her in from her own address: 200" test "$(curl -s -o /dev/null \
    -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
    '{"login": "claire", "password": "claire-password-1"}' \
    "$URL/api/v1/login")" = 200
ft "$ADMIN" user disable --config "$CFG" --login caseworker >/dev/null
as_refused "a disabled person's right password: refused, counted" \
    "$AUTH_FAILED" 1 -- settle draft --period 2026-10 --as caseworker \
    <<<"$(password_of caseworker)"
ft "$ADMIN" user enable --config "$CFG" --login caseworker >/dev/null
audit_rows=$(q "SELECT count(*) FROM audit_log")
admin settle approve --batch PN-2026-10-01 --as bob --sepa 03 \
    --acknowledge-alerts
said 0 "approved by bob" "bob approves October, pain.001.001.03"
check "with his password, which forgets his failures" test "$(cli_fails bob)" = 0
check "the approval's 6 audit rows say it came from the command line" \
    test "$(q "SELECT count(*) FROM audit_log WHERE id > $audit_rows AND
    actor = 'bob' AND json_extract(detail, '$.via') = 'cli'")/$(q "SELECT
    count(*) FROM audit_log WHERE id > $audit_rows")" = "6/6"
refused "approving twice" BATCH_WRONG_STATE -- \
    settle approve --batch PN-2026-10-01 --as bob
check "5 files stored: payment, mandates, 3 statements" \
    test "$(q 'SELECT count(*) FROM settlement_file')" = 5
check "one settle.file audit row per file, with its hash" test "$(q "SELECT
    count(*) FROM audit_log WHERE action = 'settle.file' AND detail LIKE
    '%\"blake2b\":\"________________________________________________________________\"%'")" = 5
# Under umask 000 the exported files are still the operator's alone.
umask 000
admin settle export --batch PN-2026-10-01 --out "$OUT/oct"
umask 022
said 0 "5 file(s) of PN-2026-10-01" "export writes the five files"
check "under umask 000, the export directory is 0700" \
    test "$(stat -c %a "$OUT/oct")" = 700
check "under umask 000, every exported file is 0600" \
    test "$(stat -c %a "$OUT"/oct/* | sort -u)" = 600
X03="$OUT/oct/PN-2026-10-01-pain.001.001.03.xml"
check "the pain.001.001.03 file validates against the ISO schema" \
    xmllint --noout --schema "$XSD/pain.001.001.03.xsd" "$X03"
check "NbOfTxs 3 and CtrlSum 87.75 in the group header" sh -c \
    "grep -q '<NbOfTxs>3</NbOfTxs>' '$X03' && grep -q '<CtrlSum>87.75</CtrlSum>' '$X03'"
check "accents transliterated: Mediatheque de l'Ile" \
    grep -q "Mediatheque de l'Ile" "$X03"
for f in "$OUT"/oct/*; do
	h=$(b2sum -l 256 "$f" | cut -d' ' -f1)
	check "$(basename "$f"): its BLAKE2b is the one in the audit log" \
	    test "$(q "SELECT count(*) FROM audit_log WHERE action =
	    'settle.file' AND detail LIKE '%$h%'")" = 1
done
refused "export refuses to overwrite" "File exists" -- \
    settle export --batch PN-2026-10-01 --out "$OUT/oct"
refused "a redemption in a batch cannot be disputed" REDEMPTION_IN_BATCH -- \
    dispute open --serial 1 --as alice --reason "séance non tenue"
refused "a payment dated tomorrow" BAD_PAYMENT -- \
    settle paid --batch PN-2026-10-01 --as alice --bank-ref VIR1 \
    --date 2026-11-11
refused "a bank reference with a space" BAD_PAYMENT -- \
    settle paid --batch PN-2026-10-01 --as alice --bank-ref "VIR 1" \
    --date 2026-11-10
admin settle paid --batch PN-2026-10-01 --as alice --bank-ref VIR20261110 \
    --date 2026-11-10
said 0 "paid on 2026-11-10" "October marked paid with the bank's reference"
check "its 9 vouchers are settled" test "$(q "SELECT group_concat(serial)
    FROM voucher WHERE status = 'settled'")" = "1,2,3,4,5,11,12,21,22"
refused "a paid batch cannot be rejected" BATCH_WRONG_STATE -- \
    settle reject --batch PN-2026-10-01 --as bob --reason "erreur"
refused "a settled redemption cannot be disputed" REDEMPTION_IN_BATCH -- \
    dispute open --serial 21 --as alice --reason "doute"

# --- November: more sessions, one offline, one dispute ------------------------
term "$OUT/t1" sync
session "$OUT/t1"
for n in 6 7; do redeem "$OUT/t1" 1 $n; done
said 0 "ACCEPTÉ" "10 November: venue 1 redeems vouchers 6-7"
term "$OUT/t2" sync
session "$OUT/t2"
redeem "$OUT/t2" 2 3
said 0 "ACCEPTÉ" "venue 2 redeems voucher 13"
term "$OUT/t3" sync
session "$OUT/t3"
stop
redeem "$OUT/t3" 3 3
said 3 "ACCEPTÉ HORS LIGNE" "venue 3 takes voucher 23 offline"
at "2026-11-16 09:00:00"
start
term "$OUT/t3" sync
said 0 "1 accepté," "16 November: venue 3 syncs voucher 23"
term "$OUT/t2" sync
session "$OUT/t2"
for n in 4 5; do redeem "$OUT/t2" 2 $n; done
said 0 "ACCEPTÉ" "venue 2 redeems vouchers 14-15"
refused "a dispute without a reason" REASON_REQUIRED -- \
    dispute open --serial 14 --as alice --reason " "
refused "a voucher never redeemed" REDEMPTION_NOT_FOUND -- \
    dispute open --serial 30 --as alice --reason "doute"
as_refused "a dispute opened --as alice with a wrong password: refused, nothing written" \
    "$AUTH_FAILED" 1 -- dispute open --serial 14 --as alice \
    --reason "le bénéficiaire dit ne pas être venu" <<<"bob-password-1"
# At a terminal the password is asked for, and not echoed; given right, the
# refusal is the operation's.
printf 'expect Mot de passe de alice :\nsend alice-password-1\n' >"$OUT/tty.script"
run ft python3 "$(dirname "$0")/pty_dialogue.py" "$OUT/tty.script" \
    "$OUT/tty.out" -- "$ADMIN" dispute open --serial 30 --as alice \
    --reason "doute" --config "$CFG"
check "at a terminal: asked for alice's password, not echoed, accepted" \
    test "$status/$(grep -c alice-password-1 "$OUT/tty.out")/$(grep -c \
    REDEMPTION_NOT_FOUND "$OUT/tty.out")" = "1/0/1"
admin dispute open --serial 14 --as alice --reason "le bénéficiaire dit ne pas être venu"
said 0 "held out of settlement" "alice disputes voucher 14 within the window"
DISPUTE=$(q "SELECT id FROM dispute")
refused "a second dispute on the same redemption" DISPUTE_ALREADY_OPEN -- \
    dispute open --serial 14 --as bob --reason "idem"

# --- 10 December: November drafted twice at once, rejected, redrafted ---------
at "2026-12-10 09:00:00"
stop
start
refused "the contest window of 10 November's session has closed" \
    CONTEST_WINDOW_PASSED -- dispute open --serial 6 --as alice --reason "tard"
ft "$ADMIN" settle draft --config "$CFG" --period 2026-11 --as alice \
    <<<"$(password_of alice)" >"$OUT/d1" 2>&1 &
p1=$!
ft "$ADMIN" settle draft --config "$CFG" --period 2026-11 --as admin \
    <<<"$(password_of admin)" >"$OUT/d2" 2>&1 &
p2=$!
wait $p1
s1=$?
wait $p2
s2=$?
check "two accountants draft November at the same time: both succeed" \
    test "$s1/$s2" = "0/0"
check "one batch for November, the same reference for both" sh -c \
    "grep -q 'batch PN-2026-11-01' '$OUT/d1' && grep -q 'batch PN-2026-11-01' '$OUT/d2'"
check "its 4 items: 6, 7, 13 and 23 (14-15 held by the dispute)" \
    test "$(q "SELECT group_concat(serial) FROM (SELECT r.serial FROM
    settlement_item i JOIN redemption r ON r.id = i.redemption_id
    JOIN settlement_line l ON l.id = i.line_id JOIN settlement_batch b
    ON b.id = l.batch_id WHERE i.active = 1 AND b.reference =
    'PN-2026-11-01' ORDER BY r.serial)")" = "6,7,13,23"
check "no redemption is in two active items" test "$(q "SELECT count(*) FROM
    (SELECT redemption_id FROM settlement_item WHERE active = 1
    GROUP BY redemption_id HAVING count(*) > 1)")" = 0
refused "a reason is needed to reject" REASON_REQUIRED -- \
    settle reject --batch PN-2026-11-01 --as bob --reason ""
admin settle reject --batch PN-2026-11-01 --as bob --reason "contestation en cours"
said 0 "rejected by bob" "bob rejects the November draft"
admin dispute resolve --id "$DISPUTE" --as bob --dismiss "présence confirmée par le lieu"
said 0 "dismissed" "the dispute is dismissed: 14 is payable again"
sed -i 's/^debtor_bic = BDFEFRPPCCT$/debtor_bic = BDFEFRPPCCT\nminimum_cents = 1000/' "$CFG"
admin settle draft --period 2026-11 --as alice
said 0 "batch PN-2026-11-02" "November drafted again: PN-2026-11-02"
said 0 "2 line(s), 5 voucher(s), 48,75" \
    "the rejected lines come back: 5 vouchers of venues 1 and 2"
said 0 "1 venue(s) carried over" "venue 3 (9,75 € under the 10 € minimum) is carried over"
check "voucher 23 stays in the pool for a later period" test "$(q "SELECT
    count(*) FROM settlement_item i JOIN redemption r ON r.id =
    i.redemption_id WHERE r.serial = 23 AND i.active = 1")" = 0

# An IBAN that fails mod-97 on a line stops the payment file: nothing approved.
GOOD=$(q "SELECT iban FROM settlement_line l JOIN settlement_batch b ON b.id =
    l.batch_id WHERE b.reference = 'PN-2026-11-02' AND l.siret = '$SIRET1'")
q "UPDATE settlement_line SET iban = 'FR7630006000011234567890188' WHERE
    siret = '$SIRET1' AND batch_id = (SELECT id FROM settlement_batch WHERE
    reference = 'PN-2026-11-02')"
refused "an invalid IBAN refuses the payment file, naming the venue" \
    "EXPORT_REFUSED" -- settle approve --batch PN-2026-11-02 --as bob \
    --acknowledge-alerts
check "and the message names the venue" grep -q "Médiathèque\|Mediatheque\|$SIRET1" "$OUT/stderr"
q "UPDATE settlement_line SET iban = '$GOOD' WHERE siret = '$SIRET1' AND
    batch_id = (SELECT id FROM settlement_batch WHERE reference = 'PN-2026-11-02')"
admin settle approve --batch PN-2026-11-02 --as bob --acknowledge-alerts
said 0 "pain.001.001.09" "bob approves November in pain.001.001.09"
admin settle export --batch PN-2026-11-02 --out "$OUT/nov"
check "under umask 022, every exported file is 0600" \
    test "$(stat -c %a "$OUT"/nov/* | sort -u)" = 600
X09="$OUT/nov/PN-2026-11-02-pain.001.001.09.xml"
check "the pain.001.001.09 file validates against the ISO schema" \
    xmllint --noout --schema "$XSD/pain.001.001.09.xsd" "$X09"
check "NbOfTxs 2 and CtrlSum 48.75" sh -c \
    "grep -q '<NbOfTxs>2</NbOfTxs>' '$X09' && grep -q '<CtrlSum>48.75</CtrlSum>' '$X09'"
check "the execution date is Friday 11 December 2026 (a business day)" \
    grep -q "<Dt>2026-12-11</Dt>" "$X09"
# Every creditor IBAN passes mod-97, computed here independently.
ibans_ok() {
	grep -q "<IBAN>" "$1" || return 1
	for iban in $(sed -n 's/.*<IBAN>\([A-Z0-9]*\)<\/IBAN>.*/\1/p' "$1"); do
		python3 -c "import sys; s=sys.argv[1]; s=s[4:]+s[:4]; \
sys.exit(int(''.join(str(int(c,36)) for c in s)) % 97 != 1)" "$iban" ||
		    return 1
	done
}
check "every IBAN in the file passes mod-97" ibans_ok "$X09"
CSV="$OUT/nov/PN-2026-11-02-mandats.csv"
check "the mandate list sums to 48,75 (decimal comma, ';')" test "$(tail -n +2 "$CSV" |
    awk -F';' '{ gsub(/\r/, ""); split($5, a, ","); c += a[1] * 100 + a[2] } END { print c }')" = 4875
check "and carries the budget line" grep -q "65-6574 Pass numérique" "$CSV"
# Each statement lists exactly its venue's vouchers of the batch.
for i in 1 2; do
	eval "SIRET=\$SIRET$i"
	pdftotext -layout "$OUT/nov/PN-2026-11-02-releve-$SIRET.pdf" "$OUT/st$i.txt"
	want=$(q "SELECT group_concat(r.serial, ' ') FROM (SELECT r.serial FROM
	    settlement_item i JOIN settlement_line l ON l.id = i.line_id
	    JOIN settlement_batch b ON b.id = l.batch_id JOIN redemption r
	    ON r.id = i.redemption_id WHERE b.reference = 'PN-2026-11-02' AND
	    l.siret = '$SIRET' ORDER BY r.serial) r")
	# Printed serials: 12 digits in groups of four, then a check digit.
	found=$(grep -oE '^ +[0-9]{4} [0-9]{4} [0-9]{4} [0-9] ' "$OUT/st$i.txt" |
	    awk '{ print ($1 $2 $3) + 0 }' | sort -n | tr '\n' ' ')
	check "statement of venue $i lists its vouchers ($want)" \
	    test -n "$want" -a "${found% }" = "$want"
	check "statement of venue $i names the batch" grep -q "PN-2026-11-02" "$OUT/st$i.txt"
done
check "venue 3, carried over, has no statement in this batch" \
    test ! -e "$OUT/nov/PN-2026-11-02-releve-$SIRET3.pdf"
admin settle paid --batch PN-2026-11-02 --as alice --bank-ref VIR20261210 \
    --date 2026-12-10
said 0 "paid on 2026-12-10" "November marked paid"
check "14 vouchers settled, 1 (voucher 23) redeemed and waiting" test \
    "$(q "SELECT count(*) FROM voucher WHERE status = 'settled'")/$(q "SELECT
    group_concat(serial) FROM voucher WHERE status = 'redeemed'")" = "14/23"
admin settle list
said 0 "PN-2026-11-01	2026-11	rejected" "settle list shows every batch"
admin audit
said 0 "everything holds" "passnum-admin audit passes after the whole cycle"
admin programme rules --id 1 --commission-bp 500 --budget-line "65-6574 Pass numérique"
said 0 "commission 5.00 %" "the programme's rate changes to 5 % for later drafts"
admin audit
said 0 "everything holds" \
    "the audit still passes: items keep the rate they were drafted at"

# A file edited in the database after approval is handed out to no one.
STMT1=PN-2026-11-02-releve-$SIRET1.pdf
q "UPDATE settlement_file SET content = CAST('relevé retouché' AS BLOB)
    WHERE name = '$STMT1'"
refused "export refuses a statement changed after approval" \
    "$STMT1: its content no longer has the BLAKE2b hash stored at approval" -- \
    settle export --batch PN-2026-11-02 --out "$OUT/nov-again"
check "and removes the files it had written before it" \
    test -z "$(ls -A "$OUT/nov-again")"
check "saying so" grep -qF "nothing exported" "$OUT/stderr"
admin audit
said 1 "file $STMT1 of batch PN-2026-11-02: its content no longer has the hash stored at approval" \
    "the audit names the statement changed"
expect 2 "expected draft, list" "settle without a subcommand: usage error" -- \
    "$ADMIN" settle
done_testing
