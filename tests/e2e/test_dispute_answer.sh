# test_dispute_answer.sh -- a venue answers a dispute from its session's
# page, with a text and a file; the accountant reads the answer beside the
# dispute and downloads the file, byte for byte, its SHA-256 in the audit.
#
# The adversaries: the disputed venue, paid per voucher, sends anything
# to get its vouchers paid (no text, an HTML page or a program named
# .pdf, a file past the limit, a body past max_upload, no CSRF token,
# late, after the decision); another venue meddles with it (answers it,
# downloads its file). Each refusal writes nothing: the answers and the
# audit rows are counted after each. An anonymous upload is sent to the
# login page before its body is read.
#
# Dates come from faketime, as in test_venue_money.sh.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIRET1=21440143200015
SIRET2=35600000000001
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
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" | head -1; }
# answer JAR DISPUTE SESSION CURL-ARGS...: post the answer form as a
# browser does (multipart), with the CSRF token of the session page.
answer() {
	jar=$1 dsp=$2 ses=$3
	shift 3
	get "/lieu/sessions/$ses" "$jar"
	tok=$(csrf_of)
	code=$(curl -s -b "$jar" -c "$jar" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' -F "csrf=$tok" \
	    -F "seance=$ses" "$@" "$URL/lieu/contestations/$dsp/repondre")
}
has() { grep -qF -- "$1" "$OUT/page.html"; }
hasnt() { ! grep -qF -- "$1" "$OUT/page.html"; }
location() { sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$OUT/headers"; }
# What a refusal must leave as it was: the answers and the audit rows.
written() { q "SELECT (SELECT count(*) FROM dispute_answer) || '/' || (SELECT count(*) FROM audit_log)"; }
unchanged() { test "$(written)" = "$BEFORE"; }

# --- The world: two venues, an accountant, a user for each venue ------------
at "2026-10-20 08:00:00"
ft "$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
add_venue "Médiathèque de l'Île" $SIRET1 FR7630006000011234567890189
add_venue "Espace numérique Bouguenais" $SIRET2 \
    "FR35 1005 7190 0300 0200 0300 190"
password_of alice | ft "$ADMIN" user add --config "$CFG" --login alice \
    --name "Alice Comptable" --role accountant >/dev/null
printf 'venue-password-1\n' | ft "$ADMIN" user add --config "$CFG" \
    --login v1 --name "Claire" --role venue --venue $SIRET1 >/dev/null
printf 'venue-password-2\n' | ft "$ADMIN" user add --config "$CFG" \
    --login v2 --name "Sam" --role venue --venue $SIRET2 >/dev/null
admin programme rules --id 1 --commission-bp 250 --budget-line "65-6574" \
    --max-per-session 10
# Small limits, to cross them cheaply: a file of 16 KiB at most, a body
# of 64 KiB at most.
sed -i 's/^\[server\]$/[server]\nmax_upload = 65536/' "$CFG"
cat >>"$CFG" <<'CONF'

[settlement]
dispute_attachment_max = 16384
CONF

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
for n in 1 2; do redeem "$OUT/t1" 1 $n; done
said 0 "ACCEPTÉ" "venue 1 redeems two vouchers"
A=$(q "SELECT max(id) FROM training_session WHERE venue_id = 1")
session "$OUT/t2"
redeem "$OUT/t2" 2 1
said 0 "ACCEPTÉ" "venue 2 redeems one"
B=$(q "SELECT max(id) FROM training_session WHERE venue_id = 2")

# --- 5 November: alice disputes voucher 2 (venue 1) and 11 (venue 2) -----------
at "2026-11-05 09:00:00"
stop
start
admin dispute open --serial 2 --as alice --reason "bénéficiaire absent de la feuille"
said 0 "held out of settlement" "alice disputes voucher 2"
admin dispute open --serial 11 --as alice --reason "séance non déclarée en mairie"
said 0 "held out of settlement" "and voucher 11, at venue 2"
DA=$(q "SELECT d.id FROM dispute d JOIN redemption r ON r.id = d.redemption_id WHERE r.serial = 2")
DB2=$(q "SELECT d.id FROM dispute d JOIN redemption r ON r.id = d.redemption_id WHERE r.serial = 11")
J1="$OUT/jar1" J2="$OUT/jar2" JA="$OUT/jara"
login "$J1" v1 venue-password-1
login "$J2" v2 venue-password-2
login "$JA" alice alice-password-1

get "/lieu/sessions/$A" "$J1"
check "the session page: the dispute, its reason, when, the deadline (15 days, Paris time)" sh -c "
    grep -qF 'id=\"contestation-$DA\"' '$OUT/page.html' &&
    grep -qF '<dt>Motif</dt><dd>bénéficiaire absent de la feuille</dd>' '$OUT/page.html' &&
    grep -qF '<dt>Contesté le</dt><dd>05/11/2026 10:00</dd>' '$OUT/page.html' &&
    grep -qF 'à répondre avant le 20/11/2026 10:00' '$OUT/page.html'"
check "its form: multipart, to the answer route, a textarea and a file of PDF/JPEG/PNG" sh -c "
    grep -qF 'action=\"/lieu/contestations/$DA/repondre\" enctype=\"multipart/form-data\"' '$OUT/page.html' &&
    grep -qF 'name=\"reponse\"' '$OUT/page.html' &&
    grep -qF 'type=\"file\" id=\"piece-$DA\" name=\"piece\" accept=\"application/pdf,image/jpeg,image/png\"' '$OUT/page.html' &&
    grep -qF 'name=\"csrf\"' '$OUT/page.html'"
check "the limit said: 16 ko" has "de 16 ko au plus"
get "/compta/contestations" "$JA"
check "the accountant sees the deadline and no answer yet" sh -c "
    grep -qF 'à répondre avant le 20/11/2026 10:00' '$OUT/page.html' &&
    grep -qF 'Aucune réponse du lieu.' '$OUT/page.html'"

# The files: a real PDF, a PNG; an HTML page and an ELF program named
# .pdf; a PDF past 16 KiB; a body past 64 KiB.
printf '%%PDF-1.4\n%% feuille d émargement signée\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' >"$OUT/feuille.pdf"
head -c 3000 /dev/urandom >>"$OUT/feuille.pdf"
printf '\211PNG\r\n\032\n' >"$OUT/photo.png"
head -c 500 /dev/urandom >>"$OUT/photo.png"
printf '<html><script>alert(document.cookie)</script></html>' >"$OUT/page.pdf"
printf '\177ELF\002\001\001' >"$OUT/prog.pdf"
head -c 2000 /dev/urandom >>"$OUT/prog.pdf"
printf 'MZ' >"$OUT/setup.pdf"
head -c 2000 /dev/urandom >>"$OUT/setup.pdf"
printf '%%PDF-1.4\n' >"$OUT/big.pdf"
head -c 20000 /dev/urandom >>"$OUT/big.pdf"
printf '%%PDF-1.4\n' >"$OUT/huge.pdf"
head -c 100000 /dev/urandom >>"$OUT/huge.pdf"

BEFORE=$(written)
answer "$J1" "$DA" "$A" -F "reponse=" -F "piece=@$OUT/feuille.pdf;type=application/pdf"
check "no text: refused (400), the error at the textarea, in French" sh -c "
    test '$code' = 400 &&
    grep -qF 'id=\"reponse-$DA-error\"' '$OUT/page.html' &&
    grep -qF '<p>Écrivez votre réponse (1 à 2000 caractères)' '$OUT/page.html' &&
    grep -qF 'Rien n’a été enregistré.' '$OUT/page.html'"
check "and nothing written" unchanged
answer "$J1" "$DA" "$A" -F "reponse=   " 
check "blank text: refused, nothing written" sh -c "test '$code' = 400 && test '$(written)' = '$BEFORE'"
answer "$J1" "$DA" "$A" -F "reponse=$(python3 -c "print('é' * 2001, end='')")"
check "2001 characters: refused, nothing written" sh -c "test '$code' = 400 && test '$(written)' = '$BEFORE'"
for f in page prog setup; do
	answer "$J1" "$DA" "$A" -F "reponse=voici la feuille" \
	    -F "piece=@$OUT/$f.pdf;type=application/pdf"
	check "$f.pdf declared application/pdf, not a PDF by its bytes: refused (415), in French, at the file" sh -c "
	    test '$code' = 415 &&
	    grep -qF 'id=\"piece-$DA-error\"' '$OUT/page.html' &&
	    grep -qF 'n’est ni un PDF, ni une image JPEG ou PNG' '$OUT/page.html'"
	check "$f.pdf: nothing written" unchanged
done
check "the text typed is given back after a refusal" has ">voici la feuille</textarea>"
answer "$J1" "$DA" "$A" -F "reponse=voici la feuille" \
    -F "piece=@$OUT/big.pdf;type=application/pdf"
check "a PDF past the 16 KiB limit: refused (413), the limit said, in French" sh -c "
    test '$code' = 413 &&
    grep -qF 'La pièce jointe dépasse 16 ko' '$OUT/page.html'"
check "nothing written" unchanged
answer "$J1" "$DA" "$A" -F "reponse=voici la feuille" \
    -F "piece=@$OUT/huge.pdf;type=application/pdf"
check "a body past max_upload: 413" test "$code" = 413
check "nothing written" unchanged
# Anonymous: sent to the login page (a body within max_upload; one past
# it is refused at its Content-Length, 413, as for anyone).
code=$(curl -s -D "$OUT/headers" -o /dev/null -w '%{http_code}' \
    -F "reponse=anonyme" -F "piece=@$OUT/feuille.pdf" \
    "$URL/lieu/contestations/$DA/repondre")
check "anonymous upload: 303 to /connexion (the session is checked before the body)" \
    sh -c "test '$code' = 303 && test \"\$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' '$OUT/headers')\" = /connexion"
check "nothing written" unchanged
# No CSRF token.
code=$(curl -s -b "$J1" -c "$J1" -o "$OUT/page.html" -w '%{http_code}' \
    -F "seance=$A" -F "reponse=sans jeton" "$URL/lieu/contestations/$DA/repondre")
check "no CSRF token: 403" test "$code" = 403
check "nothing written" unchanged
# Venue 2 answers venue 1's dispute, with its own session page's token.
answer "$J2" "$DA" "$B" -F "reponse=je m'en mêle" \
    -F "piece=@$OUT/photo.png;type=image/png"
check "venue 2 answering venue 1's dispute: 404" test "$code" = 404
check "nothing written" unchanged
check "and nothing of venue 1's dispute on the page" sh -c "! grep -qF 'bénéficiaire absent' '$OUT/page.html'"
# The accountant may not answer in the venue's place.
get "/compta/contestations" "$JA"
tok=$(csrf_of)
code=$(curl -s -b "$JA" -c "$JA" -o "$OUT/page.html" -w '%{http_code}' \
    -F "csrf=$tok" -F "seance=$A" -F "reponse=à la place du lieu" \
    "$URL/lieu/contestations/$DA/repondre")
check "the accountant answering: 403" test "$code" = 403
check "nothing written" unchanged

# --- The answer -----------------------------------------------------------------
answer "$J1" "$DA" "$A" -F "reponse=$(printf 'La personne a signé la feuille.\nVoir la pièce jointe.')" \
    -F "piece=@$OUT/feuille.pdf;type=application/octet-stream;filename=C:\\Mes documents\\feuille<b>.pdf"
check "venue 1 answers with a text and a PDF: 303 back to the session" sh -c "
    test '$code' = 303 && test \"\$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' '$OUT/headers')\" = '/lieu/sessions/$A?repondu=$DA#contestation-$DA'"
AN=$(q "SELECT max(id) FROM dispute_answer")
check "one answer stored, the type found from the bytes (not the octet-stream declared)" test \
    "$(q "SELECT count(*) || '|' || file_type || '|' || length(file) || '|' || file_name FROM dispute_answer")" = \
    "1|application/pdf|$(stat -c %s "$OUT/feuille.pdf")|feuille<b>.pdf"
SHA=$(sha256sum "$OUT/feuille.pdf" | cut -d' ' -f1)
check "the stored SHA-256 is the file's" test "$(q "SELECT lower(hex(file_sha256)) FROM dispute_answer")" = "$SHA"
check "an audit row dispute.answer with the SHA-256, size and type, not the bytes" test \
    "$(q "SELECT json_extract(detail, '$.attachment.sha256') || '|' || json_extract(detail, '$.attachment.size') || '|' || json_extract(detail, '$.attachment.type') || '|' || (length(detail) < 1000) FROM audit_log WHERE action = 'dispute.answer' AND object = 'dispute:$DA'")" = \
    "$SHA|$(stat -c %s "$OUT/feuille.pdf")|application/pdf|1"
get "/lieu/sessions/$A?repondu=$DA" "$J1"
check "the session page: sent, the answer, the file's name and size" sh -c "
    grep -qF 'Votre réponse est envoyée au Département' '$OUT/page.html' &&
    grep -qF 'La personne a signé la feuille.' '$OUT/page.html' &&
    grep -qF 'feuille&lt;b&gt;.pdf</a> (PDF, 4 ko)' '$OUT/page.html' &&
    grep -qF 'Envoyée le 05/11/2026 10:00 par Claire (v1)' '$OUT/page.html'"
check "the form stays, to add to the answer" has "Vous pouvez compléter votre réponse"
get "/compta/contestations" "$JA"
check "the accountant sees the answer beside the dispute: text, when, who, the file" sh -c "
    grep -qF 'La personne a signé la feuille.' '$OUT/page.html' &&
    grep -qF 'Envoyée le 05/11/2026 10:00 par Claire (v1)' '$OUT/page.html' &&
    grep -qF 'href=\"/compta/contestations/reponses/$AN/piece\"' '$OUT/page.html'"
code=$(curl -s -b "$JA" -D "$OUT/headers" -o "$OUT/got.pdf" -w '%{http_code}' \
    "$URL/compta/contestations/reponses/$AN/piece")
check "the download: 200, byte for byte" sh -c "test '$code' = 200 && cmp -s '$OUT/feuille.pdf' '$OUT/got.pdf'"
check "its SHA-256 is the audit row's" test "$(sha256sum "$OUT/got.pdf" | cut -d' ' -f1)" = "$SHA"
check "served as found (application/pdf), as an attachment, nosniff, sandboxed" sh -c "
    grep -qi '^Content-Type: application/pdf' '$OUT/headers' &&
    grep -qi '^Content-Disposition: attachment; filename=\"contestation-$DA-piece-$AN.pdf\"' '$OUT/headers' &&
    grep -qi '^X-Content-Type-Options: nosniff' '$OUT/headers' &&
    grep -qi '^Content-Security-Policy: sandbox' '$OUT/headers'"
code=$(curl -s -b "$J1" -o "$OUT/got1.pdf" -w '%{http_code}' \
    "$URL/lieu/contestations/reponses/$AN/piece")
check "venue 1 downloads its own file" sh -c "test '$code' = 200 && cmp -s '$OUT/feuille.pdf' '$OUT/got1.pdf'"
code=$(curl -s -b "$J2" -o "$OUT/page.html" -w '%{http_code}' \
    "$URL/lieu/contestations/reponses/$AN/piece")
check "venue 2 asking for venue 1's file: 404, nothing of it" sh -c "test '$code' = 404 && ! cmp -s '$OUT/feuille.pdf' '$OUT/page.html'"
code=$(curl -s -b "$J2" -o /dev/null -w '%{http_code}' \
    "$URL/compta/contestations/reponses/$AN/piece")
check "venue 2 on the accounting route: 403" test "$code" = 403

# A second answer is added beside the first, which stays.
answer "$J1" "$DA" "$A" -F "reponse=Et la photo de la feuille." \
    -F "piece=@$OUT/photo.png;type=application/pdf"
check "a second answer, a PNG declared as PDF: stored as image/png" sh -c "
    test '$code' = 303 &&
    test \"\$(sqlite3 '$DB' \"SELECT group_concat(file_type, ',') FROM (SELECT file_type FROM dispute_answer ORDER BY id)\")\" = 'application/pdf,image/png'"
get "/lieu/sessions/$A" "$J1"
check "both answers shown" sh -c "
    grep -qF 'La personne a signé la feuille.' '$OUT/page.html' &&
    grep -qF 'Et la photo de la feuille.' '$OUT/page.html'"

# --- After the decision: no more answers ------------------------------------------
admin dispute resolve --id "$DB2" --as alice --dismiss "vérifié en mairie"
said 0 "dismissed" "alice dismisses venue 2's dispute"
BEFORE=$(written)
answer "$J2" "$DB2" "$B" -F "reponse=trop tard, c'est décidé"
check "answering a closed dispute: refused (409), in French" sh -c "
    test '$code' = 409 && grep -qF '<p>Cette contestation est déjà close' '$OUT/page.html'"
check "nothing written" unchanged

# --- 20 November, 10:00 in Paris: the deadline ---------------------------------
at "2026-11-20 08:45:00"
stop
start
login "$J1" v1 venue-password-1
BEFORE=$(written)
answer "$J1" "$DA" "$A" -F "reponse=Juste à temps."
check "a quarter of an hour before the deadline: accepted" test "$code" = 303
# A few minutes after: the dispute was opened some seconds after 09:00 on
# the 5th (the fake clock runs on), and its deadline is as many after 10:00.
at "2026-11-20 09:05:00"
stop
start
login "$J1" v1 venue-password-1
login "$JA" alice alice-password-1
get "/lieu/sessions/$A" "$J1"
check "at the deadline: the page says it passed, no form" sh -c "
    grep -qF 'Le délai de réponse est passé depuis le 20/11/2026 10:0' '$OUT/page.html' &&
    ! grep -qF 'name=\"reponse\"' '$OUT/page.html'"
tok=$(csrf_of)
BEFORE=$(written)
code=$(curl -s -b "$J1" -c "$J1" -o "$OUT/page.html" -w '%{http_code}' \
    -F "csrf=$tok" -F "seance=$A" -F "reponse=Trop tard ?" \
    "$URL/lieu/contestations/$DA/repondre")
check "an answer at the deadline: refused (409), in French" sh -c "
    test '$code' = 409 && grep -qF '<p>Le délai de réponse à cette contestation est passé' '$OUT/page.html'"
check "nothing written" unchanged
get "/compta/contestations" "$JA"
tok=$(csrf_of)
code=$(curl -s -b "$JA" -c "$JA" -o /dev/null -w '%{http_code}' \
    --data-urlencode "csrf=$tok" --data-urlencode "decision=lever" \
    --data-urlencode "note=feuille signée reçue" \
    "$URL/compta/contestations/$DA")
check "the accountant still decides after the deadline" sh -c "
    test '$code' = 303 && test \"\$(sqlite3 '$DB' \"SELECT resolution FROM dispute WHERE id = $DA\")\" = dismissed"
get "/compta/contestations" "$JA"
check "the closed disputes keep their answers" sh -c "
    grep -qF 'Réponse du lieu</th>' '$OUT/page.html' &&
    grep -qF 'Juste à temps.' '$OUT/page.html'"
expect 0 "" "passnum-admin audit passes" -- ft "$ADMIN" audit --config "$CFG"

stop
done_testing
