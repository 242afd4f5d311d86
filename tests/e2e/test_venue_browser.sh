# test_venue_browser.sh -- a venue works from its pages alone: it opens a
# session (« Séance en cours »), redeems vouchers by their printed serial
# and control key (« Encaisser un chèque »), and sees the verdicts in words;
# each record signed by the user's browser terminal and verified by the
# audit, as a terminal's would be.
#
# Tried as those who would abuse it: the same voucher twice (déjà utilisé,
# paid once), a wrong key (refused, counted, and enough of them suspend the
# browser's terminal like any other), a voucher typed into another venue's
# session, a session started hours ago, no CSRF token, an admin or a
# caseworker acting for a venue, a session that is not running.
#
# Then a photo, as a phone sends it: a page of the booklet's PDF rendered,
# cropped to one voucher, turned a little and saved as a 12 MP JPEG
# (pn-phone_photo): ACCEPTÉ, then déjà utilisé. And hostile uploads, each
# refused in French with nothing written and the server's memory bounded:
# a file above the upload limit, a photo above the decoder's, a PNG
# declaring 100000 x 100000 pixels, a text file, a truncated JPEG, a
# sheet of several vouchers at once, an upload without a session.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIRET1=21440143200015
SIRET2=35600000000001
stop() { passnumd_stop; }
trap stop EXIT
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }

get() {
	code=$(curl -s -b "$2" -c "$2" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' "$URL$1")
}
# post PATH JAR FIELD=VALUE...: the form, with the jar's CSRF token unless
# a field "csrf=" is given.
post() {
	p=$1 jar=$2
	shift 2
	args=()
	case " $* " in
	*" csrf="*) ;;
	*) args+=(--data-urlencode "csrf=$(csrf "$jar")") ;;
	esac
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	code=$(curl -s -b "$jar" -c "$jar" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' "${args[@]}" "$URL$p")
}
csrf() {
	curl -s -b "$1" -c "$1" "$URL/lieu/seance" |
	    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
hasnt() { ! grep -qF -- "$1" "$OUT/page.html"; }
location() { sed -n 's/^Location: *//Ip' "$OUT/headers" | tr -d '\r'; }
login() { # JAR LOGIN PASSWORD
	: >"$1"
	get /connexion "$1"
	lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' \
	    "$OUT/page.html")
	curl -s -b "$1" -c "$1" -o /dev/null --data-urlencode "login_csrf=$lc" \
	    --data-urlencode "login=$2" --data-urlencode "password=$3" \
	    "$URL/connexion"
}
# voucher N FIELD: the Nth voucher's printed serial or control key.
voucher() {
	python3 -c "import json,sys; print(json.load(open('$OUT/booklet.json'))['vouchers'][$1]['$2'])"
}
add_venue() {
	"$ADMIN" venue add --config "$CFG" --name "$1" --siret "$2" \
	    --address "2 place de la Mairie" --commune "Rezé" \
	    --iban FR7630006000011234567890189 --bic AGRIFRPP \
	    --contact "accueil" --accredited-from 2026-01-01 >/dev/null
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
ADMIN_PW=$(password_of admin)
CW_PW=$(password_of caseworker)
add_venue "Médiathèque de l'Île" $SIRET1
add_venue "Espace numérique Bouguenais" $SIRET2
printf 'venue-password-1\n' | "$ADMIN" user add --config "$CFG" \
    --login v1 --name "Claire" --role venue --venue $SIRET1 >/dev/null
printf 'venue-password-2\n' | "$ADMIN" user add --config "$CFG" \
    --login v2 --name "Sam" --role venue --venue $SIRET2 >/dev/null
check "passnumd starts" passnumd_start "$CFG"
curl -s -o "$OUT/booklet.json" -H "Authorization: Bearer $TOKEN" \
    --data-binary '{"programme": 1, "beneficiary": {"ref": "S-1",
    "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
    "$URL/api/v1/booklets"
J1="$OUT/jar1" J2="$OUT/jar2" JA="$OUT/jara" JC="$OUT/jarc"
login "$J1" v1 venue-password-1
login "$J2" v2 venue-password-2
login "$JA" admin "$ADMIN_PW"
login "$JC" caseworker "$CW_PW"

# --- « Séance en cours » ------------------------------------------------------
get /lieu/seance "$J1"
check "the venue's page: 200, no session yet, the form" sh -c "
    [ '$code' = 200 ] && grep -qF 'Aucune séance aujourd’hui' '$OUT/page.html' &&
    grep -qF 'Ouvrir une séance' '$OUT/page.html'"
check "the menu leads to both new pages" sh -c "
    grep -qF 'href=\"/lieu/seance\"' '$OUT/page.html' &&
    grep -qF 'href=\"/lieu/encaisser\"' '$OUT/page.html'"
get /lieu/encaisser "$J1"
check "no session running: say so, and where to open one" sh -c "
    grep -qF 'Aucune séance n’est en cours' '$OUT/page.html' &&
    ! grep -qF 'name=\"numero\"' '$OUT/page.html'"
post /lieu/seance "$J1" "theme=" debut=maintenant duree=90
check "no theme: the form again, the field named, 400" sh -c "
    [ '$code' = 400 ] && grep -qF 'id=\"theme-error\"' '$OUT/page.html' &&
    grep -qF 'Choisissez le thème' '$OUT/page.html'"
post /lieu/seance "$J1" "theme=cuisine moléculaire" debut=maintenant duree=90
check "a theme not in the list: refused" sh -c "
    [ '$code' = 400 ] && grep -qF 'pas dans la liste' '$OUT/page.html'"
EARLY=$(TZ=Europe/Paris date -d '-3 hours' +%H:%M)
post /lieu/seance "$J1" "theme=démarches en ligne" debut=heure "heure=$EARLY" duree=90
if [ "$(TZ=Europe/Paris date -d '-3 hours' +%d)" = "$(TZ=Europe/Paris date +%d)" ]; then
	check "a session started 3 hours ago: refused as backdated, 422" sh -c "
	    [ '$code' = 422 ] && grep -qF 'trop ancienne' '$OUT/page.html'"
else
	ok "a session started 3 hours ago (skipped: that was yesterday)"
fi
post /lieu/seance "$J1" "theme=démarches en ligne" debut=heure "heure=25:99" duree=90
check "an hour that does not exist: refused, in French" sh -c "
    [ '$code' = 400 ] && grep -qF 'Cette heure n’existe pas' '$OUT/page.html'"
post /lieu/seance "$J1" "csrf=wrong" "theme=démarches en ligne" debut=maintenant duree=90
check "no CSRF token: refused" test "$code" = 403
check "nothing declared by the refusals" test "$(q 'SELECT count(*) FROM training_session')" = 0
check "at most v1's own browser terminal was recorded, with nothing signed by it" \
    test "$(q "SELECT count(*) FROM terminal WHERE web_user_id IS NOT NULL
    AND web_user_id != (SELECT id FROM user WHERE login = 'v1')")" = 0
post /lieu/seance "$JA" "theme=démarches en ligne" debut=maintenant duree=90
check "an admin cannot open a session for a venue: 403" test "$code" = 403
post /lieu/seance "$J1" "theme=démarches en ligne" debut=maintenant duree=90
check "a session opened now: redirected to « Encaisser un chèque »" sh -c "
    [ '$code' = 303 ] && echo '$(location)' | grep -q '^/lieu/encaisser?seance=[0-9]*$'"
S1=$(location | sed 's/.*seance=//')
check "the session is the venue's, signed by the user's browser terminal" \
    test "$(q "SELECT v.siret || '|' || te.label || '|' || u.login
    FROM training_session t JOIN terminal te ON te.id = t.terminal_id
    JOIN venue v ON v.id = t.venue_id JOIN user u ON u.id = te.web_user_id
    WHERE t.id = $S1")" = "$SIRET1|Navigateur de v1|v1"
check "an audit row says the browser terminal was recorded" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'terminal.web'")" = 1
get /lieu/seance "$J1"
check "today's list shows it running, with the way to redeem" sh -c "
    grep -qF 'démarches en ligne' '$OUT/page.html' &&
    grep -qF 'En cours' '$OUT/page.html' &&
    grep -qF 'encaisser?seance=$S1' '$OUT/page.html'"
post /lieu/seance "$J2" "theme=démarches en ligne" debut=maintenant duree=60
S2=$(location | sed 's/.*seance=//')

# --- « Encaisser un chèque », typed -------------------------------------------
P0=$(voucher 0 printed) K0=$(voucher 0 control_key)
P1=$(voucher 1 printed) K1=$(voucher 1 control_key)
get "/lieu/encaisser?seance=$S1" "$J1"
check "the form, its session chosen" sh -c "
    grep -qF 'name=\"numero\"' '$OUT/page.html' &&
    grep -qF 'value=\"$S1\" selected' '$OUT/page.html'"
post /lieu/encaisser "$J1" "seance=$S1" "numero=$P0" "cle=$K0"
check "serial and key typed: ACCEPTÉ, in words, with the amount" sh -c "
    [ '$code' = 200 ] && grep -qF 'verdict-ok' '$OUT/page.html' &&
    grep -qF '>ACCEPTÉ</h2>' '$OUT/page.html' &&
    grep -qF 'Chèque $P0 : 10,00' '$OUT/page.html'"
check "recorded once, accepted, signed by the browser terminal" \
    test "$(q "SELECT count(*) || '|' || min(r.outcome) || '|' || min(te.web_user_id IS NOT NULL)
    FROM redemption r JOIN terminal te ON te.id = r.terminal_id")" = "1|accepted|1"
post /lieu/encaisser "$J1" "seance=$S1" "numero=$P0" "cle=$K0"
check "the same voucher again: REFUSÉ — déjà utilisé, when and where" sh -c "
    [ '$code' = 409 ] && grep -qF 'verdict-no' '$OUT/page.html' &&
    grep -qF 'REFUSÉ — déjà utilisé' '$OUT/page.html' &&
    grep -qF 'utilisé le $(TZ=Europe/Paris date +%d/%m/%Y) à ' '$OUT/page.html' &&
    grep -qF ', à Médiathèque de l&#39;Île.' '$OUT/page.html'"
check "still paid once" \
    test "$(q "SELECT count(*) FROM redemption WHERE outcome = 'accepted'")" = 1
post /lieu/encaisser "$J2" "seance=$S2" "numero=$P0" "cle=$K0"
check "at another venue: refused as already used there" sh -c "
    [ '$code' = 409 ] && grep -qF 'déjà utilisé' '$OUT/page.html'"
post /lieu/encaisser "$J2" "seance=$S1" "numero=$P1" "cle=$K1"
check "venue 2 naming venue 1's session: refused, nothing recorded" sh -c "
    [ '$code' = 400 ] && grep -qF 'id=\"seance-error\"' '$OUT/page.html' &&
    [ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM redemption WHERE serial = 2')\" = 0 ]"
post /lieu/encaisser "$J1" "seance=$S1" "numero=12345" "cle=$K1"
check "a serial mistyped: the field named, nothing sent" sh -c "
    [ '$code' = 400 ] && grep -qF 'id=\"numero-error\"' '$OUT/page.html'"
post /lieu/encaisser "$J1" "seance=$S1" "numero=$P1" "cle=AB"
check "a key too short: the field named" sh -c "
    [ '$code' = 400 ] && grep -qF 'id=\"cle-error\"' '$OUT/page.html'"
post /lieu/encaisser "$J1" "csrf=nope" "seance=$S1" "numero=$P1" "cle=$K1"
check "no CSRF token: refused, nothing recorded" sh -c "
    [ '$code' = 403 ] && [ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM redemption WHERE serial = 2')\" = 0 ]"
post /lieu/encaisser "$JA" "seance=$S1" "numero=$P1" "cle=$K1"
check "an admin cannot redeem for a venue: 403" test "$code" = 403
post /lieu/encaisser "$JC" "seance=$S1" "numero=$P1" "cle=$K1"
check "nor a caseworker: 403" test "$code" = 403
get /lieu/encaisser "$JC"
check "a caseworker does not see the page: 403" test "$code" = 403
: >"$OUT/anon"
get /lieu/encaisser "$OUT/anon"
check "anonymous: to the login page" sh -c "[ '$code' = 303 ] && echo '$(location)' | grep -q connexion"

# A key guessed: refused; enough of them suspend the browser's terminal.
WRONG=$(python3 -c "k='$K1'.replace('-',''); print(('A' if k[0] != 'A' else 'B') + k[1:])")
post /lieu/encaisser "$J1" "seance=$S1" "numero=$P1" "cle=$WRONG"
check "a wrong key: REFUSÉ, with what to do" sh -c "
    [ '$code' = 422 ] && grep -qF 'REFUSÉ' '$OUT/page.html' &&
    grep -qF 'relisez les deux sur le chèque' '$OUT/page.html'"
for i in 2 3 4 5; do
	post /lieu/encaisser "$J1" "seance=$S1" "numero=$P1" "cle=$WRONG"
done
post /lieu/encaisser "$J1" "seance=$S1" "numero=$P1" "cle=$K1"
check "after 5 wrong keys the browser's terminal is suspended: the right key is refused too" sh -c "
    [ '$code' = 403 ] && grep -qF 'suspendu' '$OUT/page.html' &&
    [ \"\$(sqlite3 '$DB' \"SELECT count(*) FROM redemption WHERE serial = 2 AND outcome = 'accepted'\")\" = 0 ]"
check "the suspension is recorded on that terminal" \
    test "$(q 'SELECT count(*) FROM terminal WHERE web_user_id IS NOT NULL AND suspended_at IS NOT NULL')" = 1
post /lieu/encaisser "$J2" "seance=$S2" "numero=$P1" "cle=$K1"
check "venue 2's own browser terminal is not affected: ACCEPTÉ" sh -c "
    [ '$code' = 200 ] && grep -qF '>ACCEPTÉ</h2>' '$OUT/page.html'"

# --- The browser's terminal among the venue's « Postes » ---------------------
WEB1=$(q "SELECT id FROM terminal WHERE web_user_id = (SELECT id FROM user WHERE login = 'v1')")
get /lieu/postes "$J1"
check "« Postes » lists the browser's terminal, with no revoke button" sh -c "
    grep -qF 'Navigateur de v1' '$OUT/page.html' &&
    grep -qF 'il suit le compte' '$OUT/page.html' &&
    ! grep -qF '/lieu/postes/$WEB1/revoquer' '$OUT/page.html'"
post "/lieu/postes/$WEB1/revoquer" "$J1" confirmer=oui "motif=essai"
check "revoking it anyway: refused (409), the account is what ends it" sh -c "
    [ '$code' = 409 ] && [ \"\$(sqlite3 '$DB' 'SELECT revoked_at IS NULL FROM terminal WHERE id = $WEB1')\" = 1 ]"

# --- « Encaisser un chèque », from a photo -------------------------------------
# upload JAR FILE [SESSION]: the photo form, as a phone's browser posts it.
upload() {
	code=$(curl -s -b "$1" -c "$1" -D "$OUT/headers" -o "$OUT/page.html" \
	    -w '%{http_code}' -F "csrf=$(csrf "$1")" -F "seance=${3:-$S3}" \
	    -F "photo=@$2;type=image/jpeg" "$URL/lieu/encaisser/photo")
}
redemptions() { q 'SELECT count(*) FROM redemption'; }
hwm() { sed -n 's/^VmHWM: *\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }
ID=$(python3 -c "import json; print(json.load(open('$OUT/booklet.json'))['id'])")
curl -s -o "$OUT/booklet.pdf" -H "Authorization: Bearer $TOKEN" \
    "$URL/api/v1/booklets/$ID.pdf"
pdftoppm -gray -r 200 -f 2 -l 2 "$OUT/booklet.pdf" "$OUT/page" 2>/dev/null
PAGE=$(ls "$OUT"/page*.pgm | head -1)
"$BUILD/tools/pn-phone_photo" --crop 0,0,0.5,0.34 --angle 4 \
    --size 3024x4032 "$PAGE" "$OUT/photo.jpg" >/dev/null
"$BUILD/tools/pn-phone_photo" --angle 3 --size 3024x4032 "$PAGE" \
    "$OUT/sheet.jpg" >/dev/null
check "a phone photo of one voucher (12 MP JPEG)" test -s "$OUT/photo.jpg"
# The programme allows one voucher of a booklet per session: a new one.
post /lieu/seance "$J2" "theme=démarches en ligne" debut=maintenant duree=60
S3=$(location | sed 's/.*seance=//')
get "/lieu/encaisser?seance=$S3" "$J2"
check "the photo form: a file input for the phone's camera, multipart" sh -c "
    grep -qF 'enctype=\"multipart/form-data\"' '$OUT/page.html' &&
    grep -qF 'capture=\"environment\"' '$OUT/page.html'"
HWM0=$(hwm)
N=$(redemptions)
upload "$J2" "$OUT/photo.jpg"
check "the photo: ACCEPTÉ, the voucher read from it" sh -c "
    [ '$code' = 200 ] && grep -qF '>ACCEPTÉ</h2>' '$OUT/page.html'"
check "one record more, signed by venue 2's browser terminal, of the scanned code" \
    test "$(q "SELECT count(*) FROM redemption r JOIN terminal te ON te.id = r.terminal_id
    WHERE te.web_user_id = (SELECT id FROM user WHERE login = 'v2')
    AND r.outcome = 'accepted'")" = 2 -a "$(redemptions)" = $((N + 1))
upload "$J2" "$OUT/photo.jpg"
check "the same photo again: REFUSÉ — déjà utilisé" sh -c "
    [ '$code' = 409 ] && grep -qF 'REFUSÉ — déjà utilisé' '$OUT/page.html'"
N=$(redemptions)
upload "$J2" "$OUT/sheet.jpg"
check "a whole sheet: one voucher at a time, said in French (422)" sh -c "
    [ '$code' = 422 ] && grep -qF 'id=\"photo-error\"' '$OUT/page.html'"
head -c $((9 * 1024 * 1024)) /dev/urandom >"$OUT/big.jpg"
printf '\377\330\377' | dd of="$OUT/big.jpg" conv=notrunc 2>/dev/null
upload "$J2" "$OUT/big.jpg"
check "9 MiB: within the upload limit, above the photo's: 413, in French" sh -c "
    [ '$code' = 413 ] && grep -qF 'trop lourde' '$OUT/page.html'"
head -c $((11 * 1024 * 1024)) /dev/zero >"$OUT/huge.jpg"
upload "$J2" "$OUT/huge.jpg"
check "11 MiB: above [server] max_upload, refused before the page (413)" \
    test "$code" = 413
python3 - "$OUT/bomb.png" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
ihdr = struct.pack('>IIBBBBB', 100000, 100000, 8, 0, 0, 0, 0)
idat = zlib.compress(b'\0' * 100001 * 64, 9)
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
    chunk(b'IDAT', idat) + chunk(b'IEND', b''))
PY
upload "$J2" "$OUT/bomb.png"
check "a PNG declaring 100000 x 100000 pixels ($(stat -c %s "$OUT/bomb.png") bytes): 413" sh -c "
    [ '$code' = 413 ] && grep -qF 'id=\"photo-error\"' '$OUT/page.html'"
printf 'Ceci n’est pas une image.\n' >"$OUT/text.jpg"
upload "$J2" "$OUT/text.jpg"
check "a text file named .jpg: not an image (422)" sh -c "
    [ '$code' = 422 ] && grep -qF 'id=\"photo-error\"' '$OUT/page.html'"
head -c $(($(stat -c %s "$OUT/photo.jpg") / 2)) "$OUT/photo.jpg" >"$OUT/half.jpg"
upload "$J2" "$OUT/half.jpg"
check "a JPEG cut in half: damaged (422)" sh -c "
    [ '$code' = 422 ] && grep -qF 'id=\"photo-error\"' '$OUT/page.html'"
check "none of the hostile uploads wrote a record" test "$(redemptions)" = "$N"
check "the server's peak memory grew by less than 200 MB ($(( ($(hwm) - HWM0) / 1024 )) MB)" \
    test $(( $(hwm) - HWM0 )) -lt 204800
: >"$OUT/anon"
code=$(curl -s -o /dev/null -D "$OUT/headers" -w '%{http_code}' \
    -F "photo=@$OUT/big.jpg" "$URL/lieu/encaisser/photo")
check "an upload without a session: to the login page" sh -c "
    [ '$code' = 303 ] && grep -qi '^location: /connexion' '$OUT/headers'"
code=$(curl -s -o /dev/null -b "$JC" -w '%{http_code}' \
    -F "photo=@$OUT/photo.jpg" "$URL/lieu/encaisser/photo")
check "a caseworker's upload: 403" test "$code" = 403
code=$(curl -s -o /dev/null -b "$J2" -w '%{http_code}' \
    -F "seance=$S3" -F "photo=@$OUT/photo.jpg" "$URL/lieu/encaisser/photo")
check "a venue's upload without its CSRF token: 403" test "$code" = 403

# The audit re-verifies every record's signature, the browsers' included.
passnumd_stop
expect 0 "" "the audit passes with the browsers' records" -- "$ADMIN" audit --config "$CFG"
tampered "a browser record's serial changed after the fact: the audit sees it" \
    "" "UPDATE redemption SET counter = counter + 1 WHERE terminal_id IN (SELECT id FROM terminal WHERE web_user_id IS NOT NULL)"
done_testing
