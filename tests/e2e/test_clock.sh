# test_clock.sh -- clocks that disagree, with the real passnumd and
# passnum-terminal on loopback, under libfaketime (faketime.sh).
#
# The server's clock jumps back 1 h 33 (passnumd restarted under
# libfaketime): the server refuses the terminal's requests (4005) with a
# neutral message, both times in the body and a warn line in its log;
# the terminal says the server's clock looks off, not its own; a scanned
# voucher is kept pending (not stored as refused), a session opened then
# stays to declare, a typed one is refused with nothing kept; sync exits
# 16 saying so. The server's clock put right, sync sends both and exits 0.
# The terminal's own clock jumps ahead: it blames itself. After a reboot
# (another boot id in its journal) it cannot tell, and says so. A session
# declaration refused (4026, backdated) makes sync exit 17 with the
# server's message, once: the session is not declared again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faketime.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
T1="$OUT/t1"
SIRET1=21440143200015
J="$T1/journal.sqlite"
SERVER_OFF="l'horloge du serveur semble décalée"
TERMINAL_OFF="l'horloge de ce poste est décalée"
CANNOT_TELL="impossible de dire laquelle est fausse"
JUMP=5580			# 1 h 33

n_starts=0
# start: passnumd at the current offset ($FT_OFF), its log in $LOG.
start() {
	n_starts=$((n_starts + 1))
	LOG="$OUT/server-$n_starts.log"
	ft_start "$CFG" "$LOG"
}
restart() { passnumd_stop; start; }
trap passnumd_stop EXIT
# term DIR ARGS: the terminal at the current offset.
term() {
	dir=$1
	shift
	run ft "$TERMINAL" "$@" --data "$dir"
}
# scan_one DIR SESSION CODE: one code through the desk, then q.
scan_one() {
	run sh -c "printf '%s\nq\n' '$3' | env LD_PRELOAD='$FTLIB' \
	    FAKETIME='$(ftoff)' FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    '$TERMINAL' scan --data '$1' --session '$2'"
}
voucher() {
	grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | sed -n "$1p" |
	    sed 's/"code":"//; s/"$//'
}
serial() {
	grep -o '"serial":[0-9]*' "$OUT/booklet.json" | sed -n "$1p" |
	    cut -d: -f2
}
printed() {
	grep -o '"printed":"[^"]*"' "$OUT/booklet.json" | sed -n "$1p" |
	    sed 's/"printed":"//; s/"$//'
}
state_of() {
	sqlite3 "$J" "SELECT state || '|' || code FROM record WHERE serial = $(serial "$1")"
}
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "# wanted '$3', got '$2'"; fi
}
# lacks TEXT DESCRIPTION: the last run's output does not hold TEXT.
lacks() {
	if cat "$OUT/stdout" "$OUT/stderr" | grep -qF -- "$1"; then
		not_ok "$2"
		sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr"
	else
		ok "$2"
	fi
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET1 "Médiathèque de Rezé"
check "passnumd starts" start
PORT=${URL##*:}
sed -i "s/^port = 0$/port = $PORT/" "$CFG"

CODE1=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET1 2>/dev/null)
term "$T1" enrol --server "$URL" --code "$CODE1"
said 0 "inscrit pour Médiathèque de Rezé" "a terminal is enrolled"
term "$T1" session open --theme 2
said 0 "déclarée" "a session is opened and declared, the clocks agreeing"
S1=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
check "... the terminal keeps the clocks' reference in its journal" test \
    "$(sqlite3 "$J" "SELECT count(*) FROM meta WHERE key LIKE 'clock_ref_%' AND value > 0")" = 4
term "$T1" status
said 0 "horloge : ce poste" "status shows both clocks when they agree: exit 0"
call POST /api/v1/booklets "$TOKEN" '{"programme": 1, "beneficiary": {"ref": "C-1", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}'
check "a booklet is issued" test "$code" = 201
cp "$OUT/body" "$OUT/booklet.json"

# --- The server's answer: neutral, both times, a warn line -----------------------
KEYF="$OUT/api.key"
api_enrol $SIRET1 "$KEYF"
printf '' >"$OUT/empty"
"$BUILD/tools/pn-termsign" headers "$KEYF" "$TERM_ID" GET /api/v1/terminal \
    "$OUT/empty" --time $(( $(date +%s) - 600 )) >"$OUT/h"
code=$(curl -s -o "$OUT/body" -w '%{http_code}' -H @"$OUT/h" \
    "$URL/api/v1/terminal")
check "a request dated 10 minutes back: 401, code 4005" sh -c \
    "[ '$code' = 401 ] && grep -qF '\"code\":4005' '$OUT/body'"
check "... with a message that blames neither clock" grep -qF \
    "l'heure du poste et celle du serveur diffèrent de plus de 5 minutes" \
    "$OUT/body"
check "... not the terminal's alone, as before" sh -c \
    "! grep -qF \"l'horloge du terminal\" '$OUT/body'"
check "... and both times in its body" sh -c \
    "grep -q '\"server_time\":[0-9]' '$OUT/body' &&
     grep -q '\"request_time\":[0-9]' '$OUT/body'"
check "the server logs it at warn with both times and the skew" sh -c \
    "grep 'level=warn' '$LOG' | grep 'msg=clock_skew' | grep \"terminal=$TERM_ID\" |
     grep -q 'skew_s=-60[0-9]$'"

# --- The server's clock jumps back 1 h 33 -------------------------------------------
FT_OFF=-$JUMP
check "passnumd restarts 1 h 33 in the past" restart
FT_OFF=0
scan_one "$T1" "$S1" "$(voucher 1)"
said 0 "$SERVER_OFF" "scan: the server's clock looks off"
lacks "$TERMINAL_OFF" "... not this terminal's"
lacks "l'horloge du terminal" "... nor the terminal's, as the server said before"
check "... the voucher is kept: accepted offline, to be sent" grep -qF \
    "ACCEPTÉ HORS LIGNE" "$OUT/stdout"
check "... once the clocks agree" grep -qF \
    "il sera envoyé quand les horloges s'accorderont" "$OUT/stdout"
check "... with both times and what to do" grep -q \
    "il annonce [0-9/ ]*[0-9][0-9]:[0-9][0-9], ce poste [0-9/ ]*[0-9][0-9]:[0-9][0-9]).*prévenez le Département" \
    "$OUT/stdout"
is "... its record stays pending, not refused" "$(state_of 1)" "pending|0"
check "the server logged the refusals at warn, 1 h 33 apart" sh -c \
    "grep 'msg=clock_skew' '$LOG' | grep -q 'skew_s=55[0-9][0-9]$'"

term "$T1" sync --retries 0
said 16 "HORLOGES EN DÉSACCORD — $SERVER_OFF" \
    "sync: exit 16, the server's clock looks off"
check "... saying the record is kept, not refused" grep -qF \
    "1 enregistrement gardé en attente : rien n'a été refusé" \
    "$OUT/stdout"
is "... still pending" "$(state_of 1)" "pending|0"

term "$T1" session open --theme 1
said 16 "Séance gardée sur le poste, non déclarée" \
    "session open: kept, not declared, exit 16"
check "... saying the server's clock looks off" grep -qF "$SERVER_OFF" \
    "$OUT/stdout"
S2=$(sed -n 's/^Séance gardée sur le poste, non déclarée : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
is "... it stays to declare" \
    "$(sqlite3 "$J" "SELECT declared FROM session WHERE lower(hex(id)) = '$S2'")" 0

term "$T1" redeem "$(printed 2) $("$BUILD/tools/pn-voucherkey" "$(voucher 2)")" \
    --session "$S1"
said 16 "REFUSÉ — $SERVER_OFF" "a typed voucher: refused, exit 16"
check "... nothing kept, as it is checked online only" grep -qF \
    "rien n'a été gardé" "$OUT/stdout"
is "... its record withdrawn, never to be sent" "$(state_of 2)" "refused|4005"

term "$T1" status
said 16 "HORLOGES EN DÉSACCORD — $SERVER_OFF" "status: exit 16, saying so"

# --- The server's clock put right -----------------------------------------------
FT_OFF=0
check "passnumd restarts on time" restart
term "$T1" sync
said 0 "1 accepté," "sync: the kept record is sent and accepted, exit 0"
check "... and the session kept is declared" grep -qF \
    "1 séance déclarée" "$OUT/stdout"
is "... the record is accepted" "$(state_of 1)" "accepted|0"
is "... the session declared" \
    "$(sqlite3 "$J" "SELECT declared FROM session WHERE lower(hex(id)) = '$S2'")" 1
is "the server holds the redemption" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM redemption WHERE serial = $(serial 1) AND outcome = 'accepted'")" 1
term "$T1" redeem "$(voucher 3)" --session "$S1"
said 0 "ACCEPTÉ —" "a voucher is taken online again"

# --- The terminal's clock jumps ahead 1 h 33 ----------------------------------------
FT_OFF=$JUMP
term "$T1" redeem "$(voucher 4)" --session "$S1"
said 3 "$TERMINAL_OFF de 1 h 33 en avance" \
    "redeem: this terminal's clock is off by 1 h 33, ahead; kept (exit 3)"
lacks "$SERVER_OFF" "... not the server's"
check "... and says to set it right" grep -qF "mettez-la à l'heure" \
    "$OUT/stdout"
is "... its record stays pending" "$(state_of 4)" "pending|0"
term "$T1" sync --retries 0
said 16 "HORLOGES EN DÉSACCORD — $TERMINAL_OFF" \
    "sync: exit 16, this terminal's clock is off"
term "$T1" status
said 16 "$TERMINAL_OFF" "status: exit 16, blaming this terminal"

# After a reboot the ticks start over: nothing to compare with.
sqlite3 "$J" "UPDATE meta SET value = 12345 WHERE key = 'clock_ref_boot'"
term "$T1" sync --retries 0
said 16 "$CANNOT_TELL" "after a reboot: exit 16, it cannot tell which"
check "... and says why" grep -qF "le poste a redémarré depuis le dernier échange réussi" \
    "$OUT/stdout"
lacks "$SERVER_OFF" "... blaming neither the server"
lacks "$TERMINAL_OFF" "... nor itself"

FT_OFF=0
term "$T1" sync
said 0 "0 en attente" "the terminal's clock put right: sync sends the record, exit 0"
check "... which the server judged" sh -c \
    "[ \"\$(sqlite3 '$J' \"SELECT state FROM record WHERE serial = $(serial 4)\")\" != pending ]"
check "... and the reference is this boot's again" test \
    "$(sqlite3 "$J" "SELECT value FROM meta WHERE key = 'clock_ref_boot'")" != 12345

# --- A session declaration refused ----------------------------------------------
passnumd_stop
term "$T1" session open --theme 2 --start "@$(( $(date +%s) - 2 * 86400 ))"
said 3 "Séance ouverte" "offline, a session dated two days back is kept to declare"
S3=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
check "passnumd starts again" start
term "$T1" sync
said 17 "SÉANCE REFUSÉE" "sync: the server refuses the declaration: exit 17"
check "... with its French message" grep -qF \
    "séance datée trop loin dans le passé" "$OUT/stdout"
check "... naming the session" grep -qF "séance ${S3:0:8}" "$OUT/stdout"
is "... marked refused for good in the journal" \
    "$(sqlite3 "$J" "SELECT value FROM meta WHERE key = 'session_refused:$S3'")" 4026
term "$T1" sync
said 0 "0 en attente" "the next sync does not declare it again: exit 0"
is "... the server was asked once" \
    "$(grep -c 'method=POST route=/api/v1/sessions status=422' "$LOG")" 1
term "$T1" session list
said 0 "refusée par le serveur" "session list shows it refused"
term "$T1" redeem "$(voucher 5)" --session "$S3"
said 4 "séance refusée par le serveur (code 4026)" \
    "a voucher for the refused session is not taken: exit 4"
check "... and nothing is written" test \
    "$(sqlite3 "$J" "SELECT count(*) FROM record WHERE serial = $(serial 5)")" = 0

done_testing
