# test_terminal_french.sh -- everything passnum-terminal prints to a venue
# is French: each command's common paths and its error paths (a bad
# option, a missing value, a missing data dir, the server unreachable, a
# wrong enrolment code, an unknown theme, a refused voucher, the help),
# stdout and stderr alike, are searched for English words that leaked
# before. Also: session open without --theme lists the themes (and asks
# for one at a keyboard), and scan ends with its summary.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
T1="$OUT/t1"
PTY="$(cd "$(dirname "$0")" && pwd)/pty_dialogue.py"
SIRET1=21440143200015
ALL="$OUT/all.txt"
: >"$ALL"

trap 'passnumd_stop' EXIT

# t ARGS...: run the terminal; its output is kept for the final search.
t() {
	run "$TERMINAL" "$@"
	{
		echo "### passnum-terminal $*"
		cat "$OUT/stdout" "$OUT/stderr"
	} >>"$ALL"
}
voucher() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | sed -n "$1p" |
	    sed 's/"code":"//; s/"$//'
}
printed() {
	grep -o '"printed":"[^"]*"' "$OUT/booklet.json" | sed -n "$1p" |
	    sed 's/"printed":"//; s/"$//'
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET1 "Médiathèque de Rezé"
check "passnumd starts" passnumd_start "$CFG"
CODE1=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET1 2>/dev/null)

# --- Help and usage, before anything is enrolled -----------------------------
t --help
said 0 "Utilisation : passnum-terminal COMMANDE" "--help: the usage, in French"
t
said 2 "Codes de sortie" "no command: the usage on stderr, exit 2"
t frobnicate
said 2 "commande inconnue : frobnicate" "an unknown command is named"
for c in enrol scan redeem verify sync status history receipts \
    "session open" "session list"; do
	# shellcheck disable=SC2086
	t $c --frobnicate --data "$OUT/nowhere"
	said 2 "option inconnue : --frobnicate" "$c: a bad option is named, in French"
done
t history --data "$OUT/nowhere" --limit
said 2 "il manque la valeur de --limit" "an option without its value"
t session
said 2 "open ou list" "session without open or list"
t redeem --data "$OUT/nowhere"
said 2 "donnez un seul CODE" "redeem without a code"
t verify "PN1:XYZ"
said 2 "aucun poste inscrit ici" "verify with neither a bundle nor a terminal"
for c in scan sync status history receipts "session list" \
    "session open --theme 1" "redeem PN1:XYZ"; do
	# shellcheck disable=SC2086
	t $c --data "$OUT/nowhere"
	said 6 "aucun poste inscrit dans" "$c without an enrolled terminal: exit 6"
done

# --- Enrolment ------------------------------------------------------------------
t enrol --server "$URL" --data "$OUT/tx"
said 2 "il faut --server et --code" "enrol without --code"
t enrol --server "http://192.0.2.1:8080" --code "$CODE1" --data "$OUT/tx"
said 2 "http:// n'est permis que vers ce poste" "enrol over plain http elsewhere"
t enrol --server "http://127.0.0.1:1" --code "$CODE1" --data "$OUT/tx"
said 5 "serveur injoignable" "enrol with the server unreachable: exit 5"
t enrol --server "$URL" --code "AAAA-BBBB-CCCC" --data "$OUT/ty"
said 4 "Le code est inconnu, déjà utilisé ou périmé" "enrol with a wrong code"
t enrol --server "$URL" --code "$CODE1" --data "$T1" --label "Accueil"
said 0 "Poste n° 1 inscrit pour Médiathèque de Rezé" "enrolled"
t enrol --server "$URL" --code "$CODE1" --data "$T1"
said 1 "ce poste est déjà inscrit" "enrol over an enrolled terminal"
t status --data "$T1"
said 0 "joignable, poste actif" "status"

# --- Sessions: the themes listed, asked for at a keyboard ---------------------
t session open --data "$T1" </dev/null
said 2 "--theme N" "session open without --theme, not at a keyboard: how to give one"
check "... with the programme's themes, by number and name" \
    grep -q '^  2\. démarches en ligne' "$OUT/stderr"
t session open --theme 99 --data "$T1"
said 2 "thème inconnu : 99" "an unknown theme number"
check "... the themes listed again" grep -q '^  1\. ' "$OUT/stderr"
printf 'expect Thème (numéro)\nsend 42\nexpect Thème inconnu\nexpect Thème (numéro)\nsend 2\nexpect Séance ouverte\neof\n' \
    >"$OUT/dialogue"
python3 "$PTY" "$OUT/dialogue" "$OUT/pty.txt" -- \
    "$TERMINAL" session open --duration 60 --data "$T1"
check "at a keyboard: asked for a number, a wrong one lists them again" \
    test $? -eq 0
cat "$OUT/pty.txt" >>"$ALL"
t session open --theme 2 --duration 120 --data "$T1"
said 0 "Séance ouverte" "session open --theme 2"
S1=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
t session list --data "$T1"
said 0 "$S1" "session list"
# A start typed in Paris time is the time shown, whatever the machine's zone.
E=$(( $(date +%s) - 300 ))
t session open --theme 1 --duration 60 --start \
    "$(TZ=Europe/Paris date -d "@$E" '+%Y-%m-%d %H:%M')" --data "$T1"
said 0 "$(TZ=Europe/Paris date -d "@$E" '+%d/%m/%Y %H:%M')" \
    "session open --start, in Paris time"
t session open --theme 1 --start "demain 9h" --data "$T1"
said 2 "--start attend une heure de Paris" "session open with a bad --start"

# --- Vouchers -------------------------------------------------------------------
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "F-1", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
cp "$OUT/body" "$OUT/booklet.json"
EUR=$(printf '\302\240€')
t redeem "$(voucher 1)" --session "$S1" --data "$T1"
said 0 "ACCEPTÉ" "a voucher taken online"
t redeem "$(voucher 1)" --session "$S1" --data "$T1"
said 15 "REFUSÉ" "the same voucher again: refused"
t redeem "$(printed 2)" --session "$S1" --data "$T1"
said 10 "clé de contrôle" "a typed serial without its key"
t redeem "$(voucher 2)" --key K7QM-4XRT --session "$S1" --data "$T1"
said 2 "--key ne va qu'avec un numéro tapé" "--key with a scanned code"
t redeem "$(voucher 2)" --session abcd --data "$T1"
said 2 "séance inconnue" "an unknown session"
t verify "$(voucher 3)" --data "$T1"
said 0 "VALIDE" "verify"
t verify "$(voucher 3)" --at 2026-02-30 --data "$T1"
said 2 "--at attend une date" "verify with a bad date"

# scan: a voucher, the same again, noise, a typed serial asked its key.
printf '%s\n%s\nBONJOUR\nq\n' "$(voucher 2)" "$(voucher 2)" >"$OUT/codes"
t scan --session "$S1" --data "$T1" <"$OUT/codes"
said 0 "Bilan : 1 chèque accepté, 2 refusés ; total accepté : 10,00${EUR}." \
    "scan ends with its summary: accepted, refused, total in euros"
check "... nothing left to sync" grep -q "Rien en attente" "$OUT/stdout"
printf 'expect Scannez\nsend %s\nexpect Clé de contrôle\nsend\nexpect REFUSÉ\nsend q\nexpect Bilan\neof\n' \
    "$(printed 4)" >"$OUT/dialogue"
python3 "$PTY" "$OUT/dialogue" "$OUT/pty.txt" -- \
    "$TERMINAL" scan --session "$S1" --data "$T1"
check "a serial typed at the desk: its control key is asked for" test $? -eq 0
check "... left empty, it is said missing, not mistyped" sh -c \
    "grep -q 'REFUSÉ — clé de contrôle manquante' '$OUT/pty.txt' &&
    ! grep -q 'mal tapée' '$OUT/pty.txt'"
cat "$OUT/pty.txt" >>"$ALL"
# The server's refusal: its French message and code, not its English
# detail.
t redeem "$(printed 9) AAAA-BBBB" --session "$S1" --data "$T1"
said 4 "numéro ou clé de contrôle erronés" \
    "a wrong control key, refused by the server: exit 4"
# --kiosk: the screen cleared for each verdict, in large letters, the
# session and the counters on top, three bells for a refusal.
printf 'expect Prêt\nsend %s\nexpect ACCEPTÉ —\nsend %s\nexpect REFUSÉ —\nsend q\nexpect Bilan\neof\n' \
    "$(voucher 8)" "$(voucher 8)" >"$OUT/dialogue"
python3 "$PTY" "$OUT/dialogue" "$OUT/kiosk.txt" -- \
    "$TERMINAL" scan --kiosk --session "$S1" --data "$T1"
check "scan --kiosk: a verdict each, then the summary" test $? -eq 0
cat "$OUT/kiosk.txt" >>"$ALL"
check "... the screen is cleared for each" \
    test "$(grep -o $'\033\\[2J' "$OUT/kiosk.txt" | wc -l)" -ge 3
check "... the verdict in large letters" grep -q '█████' "$OUT/kiosk.txt"
check "... the session and the counters on top" sh -c \
    "grep -q 'Séance : démarches en ligne' '$OUT/kiosk.txt' &&
    grep -q '1 accepté · 1 refusé · total accepté : 10,00' '$OUT/kiosk.txt'"
check "... three bells for the refusal" \
    test "$(tr -cd '\a' <"$OUT/kiosk.txt" | wc -c)" -ge 3
t scan --kiosk extra --data "$T1"
said 2 "argument en trop" "scan --kiosk with an extra argument"
t history --data "$T1"
said 0 "ACCEPTÉ" "history"
t receipts --data "$T1"
said 0 "" "receipts"
t sync --data "$T1"
said 0 "0 envoyé :" "sync"
t sync extra --data "$T1"
said 2 "argument en trop" "sync with an extra argument"

# --- Offline ----------------------------------------------------------------------
passnumd_stop
t status --data "$T1"
said 5 "injoignable" "status, the server unreachable: exit 5"
t sync --retries 0 --data "$T1"
said 5 "serveur injoignable" "sync, the server unreachable: exit 5"
t session list --data "$T1"
said 0 "seules les séances de ce poste" "session list offline"
printf '%s\n%s\nq\n' "$(voucher 5)" "$(voucher 6)" >"$OUT/codes"
t scan --session "$S1" --data "$T1" <"$OUT/codes"
said 0 "Bilan : 2 chèques acceptés (dont 2 hors ligne), 0 refusé ; total accepté : 20,00${EUR}." \
    "scan offline: the summary counts the vouchers kept"
check "... and says 2 records wait for the server" \
    grep -q "^2 enregistrements gardés sur le poste, à synchroniser" "$OUT/stdout"
t redeem "$(printed 7) $("$BUILD/tools/pn-voucherkey" "$(voucher 7)")" \
    --session "$S1" --data "$T1"
said 5 "serveur injoignable" "a typed voucher offline: refused"

# --- No English word ------------------------------------------------------------
# Taken out first: option names (--session), paths, addresses, the
# commands named (passnum-terminal session open, the usage's list), and
# the "### passnum-terminal ..." lines this script wrote.
WORDS='enrolled|enrol(ment)?|required|not a theme|errors?|failed|invalid|usage|sessions?|vouchers?|accepted|refused|offline|online|server|unreachable|unknown|expected|missing|cannot|warning|the|not|no such|too (long|large|many)|bad|is|are|of|run|please|pending|receipts?|trust bundle|deny list|record'
sed -e '/^### /d' \
    -e 's/--[a-z][a-z-]*//g' \
    -e 's#[a-z]*://[^ ]*##g' \
    -e 's#[~$A-Za-z0-9_.-]*/[^ ,;:)]*##g' \
    -e 's/passnum-terminal \(enrol\|scan\|redeem\|verify\|sync\|status\|history\|receipts\|session open\|session list\|session\)//g' \
    -e 's/^ *\(enrol\|scan\|redeem\|verify\|sync\|status\|history\|receipts\|session open\|session list\|session\)\( .*\)\{0,1\}$//' \
    -e 's/\(session open\|session list\)//g' \
    "$ALL" >"$OUT/filtered.txt"
if grep -niwE "$WORDS" "$OUT/filtered.txt" >"$OUT/english.txt"; then
	not_ok "no English word in what the terminal prints"
	sed 's/^/#   /' "$OUT/english.txt" | head -40
else
	ok "no English word in what the terminal prints ($(wc -l <"$ALL") lines)"
fi
check "... and the search would see one" sh -c \
    "echo 'terminal 1 enrolled for X' | grep -qiwE '$WORDS'"

done_testing
