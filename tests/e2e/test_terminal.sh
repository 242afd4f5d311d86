# test_terminal.sh -- passnum-terminal against the real passnumd: enrolment,
# sessions, online and offline redemption, sync, conflicts between venues,
# the deny list's age limit, bad codes refused locally, vouchers typed by
# hand (serial and control key, online only), a suspended terminal and a
# lost answer (through fake_passnumd.py, a proxy that answers what the
# real server cannot be made to), a journal of the previous schema, the
# interactive scan through a pseudo-terminal, and a QR code read from a
# PNG image.
#
# The checks marked [server] need the server's side of typed vouchers
# (the record text PNK1:<serial>:<KEY> judged by POST /api/v1/redemptions,
# 4024, suspension after wrong keys); the others need only this terminal.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
T1="$OUT/t1"
T2="$OUT/t2"
PTY="$(cd "$(dirname "$0")" && pwd)/pty_dialogue.py"
FAKE="$(cd "$(dirname "$0")" && pwd)/fake_passnumd.py"
QRPNG="$BUILD/tools/pn-qrpng"
VKEY="$BUILD/tools/pn-voucherkey"
SIRET1=21440143200015
SIRET2=35600000000001

start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
FAKE_PID=
fake_stop() {
	[ -z "$FAKE_PID" ] || { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID"; }
	FAKE_PID=
}
trap 'fake_stop; stop' EXIT

# term T ARGS...: the terminal on data dir T, output kept as run() does.
term() {
	dir=$1
	shift
	run "$TERMINAL" "$@" --data "$dir"
}
# voucher N [FILE]: the code of voucher N of the booklet (of FILE, default
# the first booklet); printed: its printed serial; key: the control key
# printed beside it; serial: its serial number.
voucher() {
	grep -o '"code":"PN1:[^"]*"' "${2:-$OUT/booklet.json}" | sed -n "$1p" |
	    sed 's/"code":"//; s/"$//'
}
printed() {
	grep -o '"printed":"[^"]*"' "${2:-$OUT/booklet.json}" | sed -n "$1p" |
	    sed 's/"printed":"//; s/"$//'
}
key() { "$VKEY" "$(voucher "$1" "${2:-$OUT/booklet.json}")"; }
serial() {
	grep -o '"serial":[0-9]*' "${2:-$OUT/booklet.json}" | sed -n "$1p" |
	    cut -d: -f2
}
# The second booklet's, for vouchers typed by hand.
voucher2() { voucher "$1" "$OUT/booklet2.json"; }
printed2() { printed "$1" "$OUT/booklet2.json"; }
key2() { key "$1" "$OUT/booklet2.json"; }
serial2() { serial "$1" "$OUT/booklet2.json"; }
# served: how many requests passnumd has answered (its /metrics).
served() {
	curl -s "$URL/metrics" |
	    sed -n 's/^passnum_http_request_duration_seconds_count //p'
}
# pending T [typed]: records of terminal T pending (typed ones only).
pending() {
	sqlite3 "$1/journal.sqlite" "SELECT count(*) FROM record WHERE state = 'pending'${2:+ AND voucher LIKE 'PNK1:%'}"
}
accepted_at_server() {
	sqlite3 "$DB" "SELECT count(*) FROM redemption WHERE serial = $1 AND outcome = 'accepted'"
}
rows_at_server() { sqlite3 "$DB" "SELECT count(*) FROM redemption"; }
records() { sqlite3 "$1/journal.sqlite" "SELECT count(*) FROM record"; }
lookups() {
	sqlite3 "$DB" "SELECT count(*) FROM audit_log WHERE action = 'terminal.lookup'"
}
add_venue() {
	"$ADMIN" venue add --config "$CFG" --name "$1" --siret "$2" \
	    --address "1 rue de la République" --commune "Rezé" \
	    --iban "$3" --bic AGRIFRPP --contact "Claire Moreau" \
	    --accredited-from 2026-01-01 >/dev/null
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
# Several vouchers of one booklet are taken in one session below.
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
add_venue "Médiathèque de Rezé" $SIRET1 FR7630006000011234567890189
add_venue "Espace numérique Bouguenais" $SIRET2 \
    "FR35 1005 7190 0300 0200 0300 190"
check "passnumd starts" start
# Restarts must find the server where the terminals were told it is.
sed -i "s/^port = 0$/port = $PORT/" "$CFG"

# --- Enrolment ----------------------------------------------------------------
CODE1=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET1 2>/dev/null)
CODE2=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET2 2>/dev/null)
check "passnum-admin terminal code prints two codes" \
    test -n "$CODE1" -a -n "$CODE2"
run "$TERMINAL" enrol --server "http://192.0.2.1:8080" --code "$CODE1" \
    --data "$OUT/tx"
said 2 "http:// n'est permis que vers ce poste" \
    "enrol refuses plain http to another machine"
run "$TERMINAL" enrol --server "$URL" --code "AAAA-BBBB-CCCC" --data "$OUT/ty"
said 4 "inconnu, déjà utilisé ou périmé" "enrol with an unknown code: exit 4"
run "$TERMINAL" enrol --server "$URL" --code "$CODE1" --data "$T1" \
    --label "Accueil, poste 1"
said 0 "inscrit pour Médiathèque de Rezé" "enrol terminal 1 at venue 1"
check "its device key is private (mode 600)" \
    test "$(stat -c %a "$T1/device.key")" = 600
check "its data dir is private (mode 700)" \
    test "$(stat -c %a "$T1")" = 700
check "the config pins the master key" \
    grep -q '"master_public_key": "[0-9a-f]\{64\}"' "$T1/config.json"
check "the trust bundle is kept" test -s "$T1/trust.bundle"
run "$TERMINAL" enrol --server "$URL" --code "$CODE1" --data "$OUT/tz"
said 4 "déjà utilisé" "the same code a second time: exit 4"
run "$TERMINAL" enrol --server "$URL" --code "$CODE2" --data "$T1"
said 1 "ce poste est déjà inscrit" \
    "enrolling over an enrolled data dir is refused"
run "$TERMINAL" enrol --server "$URL" --code "$CODE2" --data "$T2" \
    --label "poste mobile"
said 0 "Espace numérique Bouguenais" "enrol terminal 2 at venue 2"
# The master key printed with a code, pinned at enrolment instead of
# trusting the first bundle fetched; a wrong one refuses the bundle.
"$ADMIN" terminal code --config "$CFG" --siret $SIRET1 >"$OUT/code3" \
    2>"$OUT/code3.err"
MASTER=$(sed -n 's/.* --master \([0-9a-f]\{64\}\)$/\1/p' "$OUT/code3.err")
check "terminal code prints the master key to pin (--master HEX)" \
    test "$MASTER" = "$(grep -o '"master_public_key": "[0-9a-f]*"' \
    "$T1/config.json" | cut -d'"' -f4)"
run "$TERMINAL" enrol --server "$URL" --code "$(cat "$OUT/code3")" \
    --data "$OUT/t3" --master "$MASTER"
said 0 "inscrit pour Médiathèque de Rezé" "enrol with --master HEX pinned"
"$ADMIN" terminal code --config "$CFG" --siret $SIRET1 >"$OUT/code4" 2>/dev/null
run "$TERMINAL" enrol --server "$URL" --code "$(cat "$OUT/code4")" \
    --data "$OUT/t4" --master "$(printf '%064d' 7)"
check "enrol with another master key refuses the server's bundle" \
    test "$status" -ne 0 -a ! -s "$OUT/t4/trust.bundle"
run "$TERMINAL" status --data "$OUT/nowhere"
said 6 "aucun poste inscrit" "a data dir without a terminal: exit 6"

# --- Sessions -----------------------------------------------------------------
term "$T1" session open --theme "cuisine" --duration 90
said 2 "thème inconnu" "a theme outside the list is refused"
term "$T1" session open --theme 2 --duration 90
said 0 "démarches en ligne" "session open by theme number, declared"
S1=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
check "the server holds the session" test \
    "$(sqlite3 "$DB" "SELECT count(*) FROM training_session WHERE duration_minutes = 90")" = 1
term "$T2" session open --theme "prise en main d'un smartphone"
said 0 "déclarée" "session open at terminal 2"
S2=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
term "$T1" session list
said 0 "$S1" "session list shows it"

# --- Online -------------------------------------------------------------------
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "T-1", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
check "a booklet of 10 is issued" test "$code" = 201
cp "$OUT/body" "$OUT/booklet.json"
TODAY=$(date +%d/%m/%Y)
# pn_money_format puts a no-break space before the euro sign.
EUR=$(printf '10,00\302\240€')

term "$T1" redeem "$(voucher 1)" --session "${S1%????????????????????????}"
said 0 "ACCEPTÉ — $EUR — chèque $(printed 1)" \
    "redeem online, session named by 8 hex digits: ACCEPTÉ, exit 0"
check "the server accepted it once" test "$(accepted_at_server 1)" = 1
term "$T1" redeem "$(voucher 1)" --session "$S1"
said 15 "REFUSÉ — chèque déjà utilisé le $TODAY à Médiathèque de Rezé" \
    "the same voucher again at that terminal: refused locally"
check "... without asking the server" test "$(rows_at_server)" = 1
term "$T2" redeem "$(voucher 1)" --session "$S2"
said 4 "déjà utilisé le $TODAY à Médiathèque de Rezé" \
    "at another venue: the server's conflict names the first venue"
check "the conflict is stored at the server, the voucher taken once" sh -c \
    "[ $(rows_at_server) = 2 ] && [ $(accepted_at_server 1) = 1 ]"
term "$T1" redeem "$(voucher 2)" --session "$S1"
said 0 "ACCEPTÉ — $EUR — chèque $(printed 2)" "a second voucher, online"
term "$T1" redeem "0000 0000 0002 9 $(key 2)" --session "$S1"
said 10 "numéro mal tapé" "a mistyped serial is refused (check digit)"
# A crash after the server committed and before its answer was stored:
# the record is pending again, and its retry must not turn into a conflict.
sqlite3 "$T1/journal.sqlite" "UPDATE record SET state = 'pending', receipt = '', http_status = 0 WHERE serial = 2"
term "$T1" sync
said 0 "1 accepté, 0 déjà utilisé ailleurs" \
    "a record whose answer was lost is sent again and accepted"
check "... the server holds one row for it: same redemption_id, no conflict" \
    test "$(sqlite3 "$DB" "SELECT count(*) FROM redemption WHERE serial = 2")" = 1

# --- Bad codes, refused locally -----------------------------------------------
before=$(rows_at_server)
V4=$(voucher 4)
term "$T1" redeem "$(printf '%s' "$V4" | cut -c1-100)" --session "$S1"
said 10 "REFUSÉ" "a truncated code: exit 10"
term "$T1" redeem "PN2:${V4#PN1:}" --session "$S1"
said 10 "ne commence pas par PN1" "a wrong prefix: exit 10"
# Character 101 is the first of a Base45 triple inside the signature: one
# step up changes a signature byte and keeps the text decodable.
c=$(printf '%s' "$V4" | cut -c101)
n=$(printf '%s' "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ \$%*+-./:" |
    awk -v c="$c" '{ i = index($0, c); print substr($0, i % 45 + 1, 1) }')
FORGED="$(printf '%s' "$V4" | cut -c1-100)$n$(printf '%s' "$V4" | cut -c102-)"
term "$T1" redeem "$FORGED" --session "$S1"
said 12 "chèque falsifié (signature invalide)" "a forged code: exit 12"
check "no bad code reached the server" test "$(rows_at_server)" = "$before"
check "nor the journal" test "$(records "$T1")" = 2
call POST /api/v1/vouchers/3/cancel "$TOKEN" '{"reason": "carnet volé"}'
term "$T1" sync
said 0 "0 en attente" "sync brings the new deny list"
term "$T1" redeem "$(voucher 3)" --session "$S1"
said 15 "REFUSÉ — chèque annulé" "a cancelled voucher: exit 15"

# --- Typed by hand: serial and control key ------------------------------------
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "T-2", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
check "a second booklet is issued" test "$code" = 201
cp "$OUT/body" "$OUT/booklet2.json"
check "pn-voucherkey gives a key as printed (XXXX-XXXX)" sh -c \
    "'$VKEY' '$(voucher2 1)' | grep -qx '[2-9A-HJKMNP-Z]\{4\}-[2-9A-HJKMNP-Z]\{4\}'"
before=$(records "$T1")
s0=$(served)
s1=$(served)
term "$T1" redeem "$(printed2 1)" --session "$S1"
said 10 "REFUSÉ — clé de contrôle manquante : tapez les 8 caractères imprimés à côté du numéro — chèque $(printed2 1)" \
    "a typed serial without its control key: refused, exit 10"
term "$T1" redeem "$(printed2 1) K7QO-4XRT" --session "$S1"
said 10 "clé de contrôle mal tapée « O » : caractère impossible" \
    "a key with a letter no key holds (O): refused, exit 10"
term "$T1" redeem "$(printed2 1)" --key "K7QM-4XR" --session "$S1"
said 10 "une clé de contrôle a 8 caractères" \
    "a key one character short, with --key: refused, exit 10"
term "$T1" redeem "$(printed2 1) K7QM-4XR" --session "$S1"
said 10 "une clé de contrôle a 8 caractères" \
    "... and on the same line as the serial"
term "$T1" redeem "$(voucher2 1)" --key "$(key2 1)" --session "$S1"
said 2 "--key ne va qu'avec un numéro tapé à la main" "--key with a scanned code: exit 2"
s2=$(served)
check "none of these sent a request (passnumd served nothing between)" \
    test $((s2 - s1)) -eq $((s1 - s0))
check "nor wrote to the journal" test "$(records "$T1")" = "$before"
check "no voucher was looked up (no audit row terminal.lookup)" \
    test "$(lookups)" = 0

term "$T1" redeem "$(printed2 1) $(key2 1)" --session "$S1"
said 0 "ACCEPTÉ — $EUR — chèque $(printed2 1)" \
    "[server] serial and key on one line: ACCEPTÉ with the value of the receipt"
check "[server] the server took it once" \
    test "$(accepted_at_server "$(serial2 1)")" = 1
check "[server] the journal holds the typed text, the receipt's value, no expiry" \
    test "$(sqlite3 "$T1/journal.sqlite" "SELECT voucher, value_cents, expires_at IS NULL, state FROM record WHERE serial = $(serial2 1)")" = \
    "PNK1:$(serial2 1):$(key2 1 | tr -d -)|1000|1|accepted"
term "$T1" redeem "$(printed2 2)" --key "$(key2 2 | tr A-Z a-z)" \
    --session "$S1"
said 0 "ACCEPTÉ — $EUR — chèque $(printed2 2)" \
    "[server] the serial with --key, in lower case"
term "$T1" redeem "$(printed2 3) $(key2 4)" --session "$S1"
said 4 "REFUSÉ — numéro ou clé de contrôle erronés : relisez les deux sur le chèque" \
    "[server] a wrong key: refused (4024), exit 4"
check "[server] ... saying that repeated errors suspend the terminal" \
    grep -q "suspendent le poste" "$OUT/stdout"
check "[server] ... stored as refused, with the server's code" test \
    "$(sqlite3 "$T1/journal.sqlite" "SELECT state, code FROM record WHERE serial = $(serial2 3)")" = "refused|4024"
term "$T1" redeem "$(printed2 3) $(key2 3)" --session "$S1"
said 0 "ACCEPTÉ" "[server] then the right key takes it"
term "$T1" redeem "$(printed2 1) $(key2 1)" --session "$S1"
said 15 "déjà utilisé le $TODAY à Médiathèque de Rezé" \
    "[server] a voucher typed again at this terminal: refused from the journal"
term "$T2" redeem "$(printed 2) $(key 2)" --session "$S2"
said 4 "déjà utilisé le $TODAY à Médiathèque de Rezé" \
    "[server] typed at another venue after a scan: the conflict's receipt names the first"
term "$T1" history --limit 5
said 0 "$(printed2 3) (tapé)" "history marks the typed records"

# --- Offline ------------------------------------------------------------------
stop
# Typed when the server cannot be reached: refused, and nothing kept to sync.
term "$T1" redeem "$(printed2 6) $(key2 6)" --session "$S1"
said 5 "REFUSÉ — serveur injoignable : un chèque tapé à la main ne peut être vérifié qu'en ligne" \
    "a typed voucher with the server stopped: refused, exit 5"
check "... telling to scan its QR code or try again once connected" \
    grep -q "Scannez son QR code, ou retapez-le quand le poste sera connecté" \
    "$OUT/stdout"
term "$T1" status
said 5 "enregistrements en attente : 0" "... and status shows nothing pending"
check "... its record withdrawn: refused, never answered, never to be sent" test \
    "$(sqlite3 "$T1/journal.sqlite" "SELECT state, http_status FROM record WHERE serial = $(serial2 6)")" = "refused|0"
term "$T1" redeem "$(voucher 5)" --session "$S1"
said 3 "ACCEPTÉ HORS LIGNE — $EUR — chèque $(printed 5) — sera confirmé" \
    "server stopped: ACCEPTÉ HORS LIGNE, exit 3"
term "$T1" redeem "$(voucher 5)" --session "$S1"
said 15 "déjà utilisé" "the same voucher again offline: refused locally"
term "$T2" redeem "$(voucher 5)" --session "$S2"
said 3 "ACCEPTÉ HORS LIGNE" "the same voucher offline at the other venue"
term "$T2" redeem "$(voucher 6)" --session "$S2"
said 3 "ACCEPTÉ HORS LIGNE" "another voucher offline at the other venue"
term "$T1" status
said 5 "enregistrements en attente : 1" "status offline: unreachable, 1 pending"
term "$T1" sync --retries 0
said 5 "1 en attente" "sync offline: exit 5, the record stays pending"
term "$T1" history
said 0 "EN ATTENTE (pris hors ligne)" "history shows it pending"

check "passnumd restarts on the same port" start
term "$T1" sync
said 0 "1 accepté," "sync: the offline record is accepted"
term "$T1" history
said 0 "ACCEPTÉ (pris hors ligne, confirmé)" "history shows it confirmed"
term "$T2" sync
said 4 "1 accepté, 1 déjà utilisé ailleurs" \
    "sync at the other venue: one accepted, one conflict"
term "$T2" history
said 0 "REFUSÉ — déjà utilisé le $TODAY à Médiathèque de Rezé (code 4020)" \
    "its history names the venue that took it first"
check "the voucher taken offline at two venues is accepted exactly once" \
    test "$(accepted_at_server 5)" = 1
check "and the first venue's record is the one accepted" test \
    "$(sqlite3 "$DB" "SELECT v.siret FROM redemption r JOIN venue v ON v.id = r.venue_id WHERE r.serial = 5 AND r.outcome = 'accepted'")" = $SIRET1

# --- The deny list's age ------------------------------------------------------
stop
sqlite3 "$T1/journal.sqlite" "UPDATE meta SET value = value - 80 * 3600 WHERE key = 'deny_fresh_at'"
before=$(records "$T1")
term "$T1" redeem "$(voucher 7)" --session "$S1"
said 7 "liste des chèques annulés trop ancienne (plus de 72 h)" \
    "offline with a deny list 80 h old: refused, exit 7"
check "... and nothing written" test "$(records "$T1")" = "$before"
sed -i 's/"max_denylist_age_hours": 72/"max_denylist_age_hours": 100/' \
    "$T1/config.json"
term "$T1" redeem "$(voucher 7)" --session "$S1"
said 3 "ACCEPTÉ HORS LIGNE" "with the limit raised to 100 h: accepted offline"
sed -i 's/"max_denylist_age_hours": 100/"max_denylist_age_hours": "x"/' \
    "$T1/config.json"
term "$T1" status
said 1 "max_denylist_age_hours" "a bad config value is refused, with its key"
sed -i 's/"max_denylist_age_hours": "x"/"max_denylist_age_hours": 72/' \
    "$T1/config.json"
check "passnumd starts again" start

# --- Files --------------------------------------------------------------------
chmod 644 "$T1/device.key"
term "$T1" status
said 1 "device.key" "a device key readable by others is refused"
chmod 600 "$T1/device.key"

# --- A lost answer and a suspended terminal, through fake_passnumd.py ----------
T3="$OUT/t3"
term "$T3" session open --theme 1
said 0 "déclarée" "terminal 3 opens a session"
S3=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
python3 "$FAKE" "$URL" "$OUT/fake.mode" "$OUT/fake.log" >"$OUT/fake.out" 2>&1 &
FAKE_PID=$!
i=0
while ! grep -q "listening on" "$OUT/fake.out" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
FAKE_URL=$(sed -n 's/^listening on //p' "$OUT/fake.out")
check "fake_passnumd starts in front of passnumd" test -n "$FAKE_URL"
sed -i "s|\"server\": \"$URL\"|\"server\": \"$FAKE_URL\"|" "$T3/config.json"

echo silent >"$OUT/fake.mode"
term "$T3" redeem "$(printed2 7) $(key2 7)" --session "$S3"
said 5 "ERREUR — le serveur n'a pas répondu : le chèque tapé reste en attente" \
    "a typed voucher sent, its answer lost: exit 5"
check "... its record stays pending: the server may have taken it" \
    test "$(pending "$T3" typed)" = 1
ID=$(sed -n 's|^POST /api/v1/redemptions \([0-9a-f]*\)$|\1|p' "$OUT/fake.log" |
    tail -1)
term "$T3" sync --retries 0
said 5 "1 en attente" "sync while answers are still lost: exit 5, still pending"
check "... it sent the same redemption_id again, alone, to the online route" \
    test "$(grep -c "^POST /api/v1/redemptions $ID\$" "$OUT/fake.log")" = 2
check "... never in a batch" sh -c \
    "! grep -q '^POST /api/v1/redemptions/batch .*$ID' '$OUT/fake.log'"
term "$T3" redeem "$(voucher2 8)" --session "$S3"
said 3 "ACCEPTÉ HORS LIGNE" "a scanned voucher whose answer is lost: taken offline"
echo "refuse 4027" >"$OUT/fake.mode"
term "$T3" sync
said 4 "1 refusé" "sync: a record refused as backdated (4027): exit 4"
check "... the typed record went through the online route, and is no longer pending" \
    test "$(pending "$T3" typed)" = 0
term "$T3" history --limit 0
said 0 "REFUSÉ — encaissement daté d'avant le dernier échange de ce poste avec le serveur" \
    "... stored as refused with the server's French message"
check "... and its code" grep -q "(code 4027)" "$OUT/stdout"
echo silent >"$OUT/fake.mode"
term "$T3" redeem "$(voucher2 9)" --session "$S3"
said 3 "ACCEPTÉ HORS LIGNE" "another scanned voucher taken offline"
echo "refuse 4028" >"$OUT/fake.mode"
term "$T3" sync
said 4 "1 refusé" "sync: a record presented outside its session's hours (4028)"
term "$T3" history --limit 1
said 0 "chèque présenté en dehors des heures de la séance" \
    "... stored with the server's message (code 4028)"

echo silent >"$OUT/fake.mode"
term "$T3" redeem "$(voucher2 10)" --session "$S3"
said 3 "ACCEPTÉ HORS LIGNE" "a voucher taken offline before a suspension"
echo suspended >"$OUT/fake.mode"
term "$T3" redeem "$(voucher 4)" --session "$S3"
said 8 "REFUSÉ — ce poste est suspendu en attente de vérification : trop de clés de contrôle erronées" \
    "the server suspends the terminal (4009): refused, exit 8"
check "... saying the Département must reactivate it" \
    grep -q "Le Département doit le réactiver" "$OUT/stdout"
check "... the record withdrawn, never to be sent" test \
    "$(sqlite3 "$T3/journal.sqlite" "SELECT state, code FROM record WHERE serial = $(serial 4)")" = "refused|4009"
term "$T3" status
said 8 "ce poste est SUSPENDU" "status shows the suspension: exit 8"
term "$T3" sync
said 8 "POSTE SUSPENDU" "sync stops and says so: exit 8"
check "... the voucher taken offline stays pending, for after the review" \
    test "$(pending "$T3")" = 1
term "$T3" session open --theme 1
said 8 "POSTE SUSPENDU" "session open: exit 8"
run sh -c "printf 'q\n' | '$TERMINAL' scan --data '$T3' --session '$S3'"
said 8 "POSTE SUSPENDU" "scan does not open the desk: exit 8"
fake_stop
before=$(records "$T3")
term "$T3" redeem "$(voucher2 4)" --session "$S3"
said 8 "ni en ligne ni hors ligne" \
    "offline, the suspension is remembered: nothing taken offline, exit 8"
check "... and nothing written" test "$(records "$T3")" = "$before"
term "$T3" status
said 8 "POSTE SUSPENDU (constaté le $TODAY)" "status offline: the suspension remembered"
sed -i "s|\"server\": \"$FAKE_URL\"|\"server\": \"$URL\"|" "$T3/config.json"
term "$T3" status
said 0 "joignable, poste actif" "the server does not suspend it: status exit 0"
check "... and the suspension is forgotten" test \
    "$(sqlite3 "$T3/journal.sqlite" "SELECT value FROM meta WHERE key = 'suspended_at'")" = 0
term "$T3" sync
said 0 "1 accepté," "sync sends the voucher taken before the suspension"
term "$T3" redeem "$(voucher2 4)" --session "$S3"
said 0 "ACCEPTÉ" "and vouchers are taken again"

# Wrong keys suspend a terminal at the server ([redemption]
# key_failures_terminal, 5 by default); resumed here in the database.
for i in 1 2 3 4 5 6; do
	term "$T3" redeem "$(printed2 5) $(key2 6)" --session "$S3"
	[ "$status" -ne 8 ] || break
done
said 8 "REFUSÉ — ce poste est suspendu" \
    "[server] repeated wrong keys suspend the terminal: exit 8"
term "$T3" status
said 8 "ce poste est SUSPENDU" "[server] status shows it"
T3ID=$(sed -n 's/^  "terminal": \([0-9]*\),$/\1/p' "$T3/config.json")
sqlite3 "$DB" "UPDATE terminal SET suspended_at = NULL WHERE id = $T3ID"
term "$T3" status
said 0 "joignable" "[server] reactivated: status exit 0"

# --- verify with the terminal's own keys --------------------------------------
term "$T1" verify "$(voucher 8)"
said 0 "VALIDE — $EUR" "verify uses the enrolled terminal's bundle"
term "$T1" verify "$(voucher 3)"
said 15 "chèque annulé" "... and its deny list"

# --- scan through a pseudo-terminal -------------------------------------------
cat >"$OUT/dialogue" <<DIALOGUE
expect Séance (numéro)
send 1
expect Scannez un chèque
send $(voucher 8)
expect ACCEPTÉ — $EUR
expect Scannez un chèque
send $(voucher 8)
expect chèque déjà utilisé
expect Scannez un chèque
send PN1:XYZ
expect REFUSÉ
expect Scannez un chèque
rss
send q
expect Bilan : 1 chèque accepté, 2 refusés
DIALOGUE
run python3 "$PTY" "$OUT/dialogue" "$OUT/scan.out" -- "$TERMINAL" scan \
    --data "$T1"
check "scan in a pseudo-terminal: session chosen, codes judged, q quits" \
    test "$status" = 0
[ "$status" = 0 ] || sed 's/^/#   /' "$OUT/scan.out"
check "the verdicts are coloured on a terminal" grep -q "$(printf '\033')\[1;30;42m" "$OUT/scan.out"
check "a refusal rings the bell" grep -q "$(printf '\a')" "$OUT/scan.out"
# Most of the resident set is the shared libraries' pages (libcurl's OpenSSL,
# GnuTLS through LDAP and RTMP, Kerberos, libssh2; SQLite; libc): shared
# with other processes and reclaimable. What the terminal itself holds is
# the anonymous part, and that is what must stay small.
# bench/bench_terminal_rss.sh measures the peak and what makes it up.
read -r HWM ANON <"$OUT/scan.out.rss" || { HWM=999999; ANON=999999; }
echo "# scan peak RSS: $HWM kB, of which anonymous $ANON kB"
check "scan from a keyboard loads no image library (libzbar, libpng)" sh -c \
    "test -s '$OUT/scan.out.maps' && ! grep -q 'libzbar\|libpng\|libX11' '$OUT/scan.out.maps'"
if ldd "$TERMINAL" | grep -q libasan; then
	ok "scan's own memory: not measured under AddressSanitizer # SKIP"
else
	check "scan's own (anonymous) memory is under 8 MB ($ANON kB)" \
	    test "$ANON" -lt 8192
fi

printf 'expect Scannez\nsend %s\nexpect REFUSÉ\neof\nexpect Bilan :\n' \
    "$(voucher 8)" >"$OUT/dialogue2"
run env NO_COLOR=1 python3 "$PTY" "$OUT/dialogue2" "$OUT/scan2.out" -- \
    "$TERMINAL" scan --data "$T1" --session "$S1"
check "with NO_COLOR, no colour; EOF ends the scan" sh -c \
    "[ $status = 0 ] && ! grep -q '$(printf '\033')\[' '$OUT/scan2.out'"

printf '%s\n\nq\n' "$(voucher 9)" >"$OUT/codes"
run sh -c "'$TERMINAL' scan --data '$T1' --session '$S1' <'$OUT/codes'"
said 0 "ACCEPTÉ — $EUR — chèque $(printed 9)" \
    "scan reads codes from a pipe, as a wedge scanner types them"
check "plain text when not on a terminal" sh -c \
    "! grep -q '$(printf '\033')' '$OUT/stdout'"

# A serial typed alone at the desk: its key is asked for on the next line.
cat >"$OUT/dialogue3" <<DIALOGUE
expect Scannez un chèque
send $(printed2 5)
expect Clé de contrôle :
send K7QO
expect clé de contrôle mal tapée « O »
expect Scannez un chèque
send q
expect Bilan : 0 chèque accepté, 1 refusé
DIALOGUE
run python3 "$PTY" "$OUT/dialogue3" "$OUT/scan3.out" -- "$TERMINAL" scan \
    --data "$T1" --session "$S1"
check "scan asks for the key of a serial typed alone, and judges it" \
    test "$status" = 0
[ "$status" = 0 ] || sed 's/^/#   /' "$OUT/scan3.out"
printf '%s\n%s\nq\n' "$(printed2 5)" "$(key2 5)" >"$OUT/codes"
run sh -c "'$TERMINAL' scan --data '$T1' --session '$S1' <'$OUT/codes'"
said 0 "ACCEPTÉ — $EUR — chèque $(printed2 5)" \
    "[server] scan: a serial, then its key on the next line, from a pipe"

# --- scan --image -------------------------------------------------------------
"$QRPNG" "$(voucher 10)" "$OUT/v10.png"
check "zbarimg reads the test image" test \
    "$(zbarimg --raw -q --nodbus "$OUT/v10.png" 2>/dev/null)" = "$(voucher 10)"
term "$T1" scan --session "$S1" --image "$OUT/v10.png"
said 0 "ACCEPTÉ — $EUR — chèque $(printed 10)" \
    "scan --image reads the QR code of a PNG and takes the voucher"
"$QRPNG" "HELLO" "$OUT/hello.png"
term "$T1" scan --session "$S1" --image "$OUT/hello.png"
said 10 "ne commence pas par PN1" "a QR code that is not a voucher is refused"
printf 'not a PNG\n' >"$OUT/text.png"
term "$T1" scan --session "$S1" --image "$OUT/text.png"
said 1 "$OUT/text.png" "an image libpng cannot read: exit 1, naming it"

term "$T1" history --limit 3
check "history --limit 3 shows 3 records" test "$(wc -l <"$OUT/stdout")" = 3
term "$T1" status
said 0 "joignable" "status online: exit 0"

# --- A journal of the previous schema (1), opened by this binary --------------
# The copy of terminal 1 shares its key and its records: only local
# commands are run on it.
T5="$OUT/t5"
mkdir -m 700 "$T5"
cp "$T1/config.json" "$T1/device.key" "$T1/trust.bundle" "$T5/"
sqlite3 "$T5/journal.sqlite" <<SQL
CREATE TABLE session (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  theme TEXT NOT NULL CHECK (length(theme) BETWEEN 1 AND 200),
  starts_at INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
  declared INTEGER NOT NULL CHECK (declared IN (0, 1)),
  here INTEGER NOT NULL CHECK (here IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE record (
  counter INTEGER PRIMARY KEY CHECK (counter >= 1),
  redemption_id BLOB NOT NULL UNIQUE CHECK (length(redemption_id) = 16),
  session BLOB NOT NULL REFERENCES session (id),
  terminal INTEGER NOT NULL CHECK (terminal >= 1),
  terminal_time INTEGER NOT NULL,
  voucher TEXT NOT NULL CHECK (length(voucher) BETWEEN 1 AND 512),
  signature BLOB NOT NULL CHECK (length(signature) = 64),
  serial INTEGER NOT NULL CHECK (serial >= 0),
  value_cents INTEGER NOT NULL CHECK (value_cents >= 0),
  expires_at INTEGER NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('pending', 'accepted', 'conflict', 'refused')),
  offline INTEGER NOT NULL CHECK (offline IN (0, 1)),
  http_status INTEGER NOT NULL DEFAULT 0,
  code INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  receipt TEXT NOT NULL DEFAULT '',
  decided_at INTEGER NOT NULL DEFAULT 0,
  winner_venue TEXT NOT NULL DEFAULT '',
  winner_at INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX record_one_per_serial ON record (serial)
  WHERE state <> 'refused';
CREATE INDEX record_pending ON record (counter) WHERE state = 'pending';
CREATE TABLE deny_doc (n INTEGER PRIMARY KEY, doc BLOB NOT NULL) STRICT;
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
ATTACH '$T1/journal.sqlite' AS t1;
INSERT INTO session SELECT * FROM t1.session;
INSERT INTO record SELECT counter, redemption_id, session, terminal,
  terminal_time, voucher, signature, serial, value_cents, expires_at, state,
  offline, http_status, code, message, receipt, decided_at, winner_venue,
  winner_at, updated_at FROM t1.record WHERE voucher NOT LIKE 'PNK1:%';
INSERT INTO deny_doc SELECT * FROM t1.deny_doc;
INSERT INTO meta SELECT * FROM t1.meta;
PRAGMA user_version = 1;
SQL
OLD=$(records "$T5")
check "an old-format journal is made, with terminal 1's scanned records" \
    test "$OLD" -gt 5
term "$T5" history --limit 0
said 0 "$EUR  ACCEPTÉ" "this binary opens it: history"
check "... every record still there" test "$(wc -l <"$OUT/stdout")" = "$OLD"
check "... migrated to schema 3, value and expiry now nullable, receipts to confirm" test \
    "$(sqlite3 "$T5/journal.sqlite" "PRAGMA user_version; SELECT count(*) FROM pragma_table_info('record') WHERE name IN ('value_cents', 'expires_at') AND \"notnull\" = 0; SELECT count(*) FROM record WHERE confirmed_at = 0 AND anchored = 0")" = "3
2
$OLD"
term "$T5" redeem "$(voucher 1)" --session "$S1"
said 15 "chèque déjà utilisé le $TODAY à Médiathèque de Rezé" \
    "... and its guard on serials still holds"
check "no voucher was ever looked up (no audit row terminal.lookup)" \
    test "$(lookups)" = 0

done_testing
