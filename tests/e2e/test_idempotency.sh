# test_idempotency.sh -- POST /api/v1/booklets with an Idempotency-Key: the
# same key and body again gives the same booklet (one row), another body is
# refused with nothing written, another user's key is their own, five
# copies sent at once issue one booklet, a kill -9 right after the POST
# leaves a booklet that the retry returns; and the caseworker's
# confirmation form, sent twice, issues one booklet.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
DB="$D/passnum.db"

stop() { passnumd_stop; }
trap stop EXIT

# post TOKEN KEY JSON: POST /api/v1/booklets with Idempotency-Key KEY (none
# when empty); status in $code, body in $OUT/body.
post() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $1" ${2:+-H "Idempotency-Key: $2"} \
	    -H 'Content-Type: application/json' --data-binary "$3" \
	    "$URL/api/v1/booklets")
}
person() { # REF [REASON]
	printf '{"programme": 1, "beneficiary": {"ref": "%s", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}%s}' \
	    "$1" "${2:+, \"reason\": \"$2\"}"
}
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
booklets() { q 'SELECT count(*) FROM booklet'; }
id_of() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$1"; }
codes_of() { grep -o '"code":"[^"]*"' "$1"; }

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
PASSWORD=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
# A second caseworker of the same agency (agency 1, the demo's).
printf 'other-caseworker-1\n' | "$ADMIN" user add --config "$D/passnumd.ini" \
    --login cw2 --name "Dominique Leroy" --role caseworker --agency 1 >/dev/null
OTOKEN=$("$ADMIN" token create --config "$D/passnumd.ini" --login cw2)
check "passnumd starts" passnumd_start "$D/passnumd.ini"

# --- The same key twice -----------------------------------------------------
post "$TOKEN" key-1 "$(person IDEM-1)"
check "a booklet with an Idempotency-Key: 201" test "$code" = 201
cp "$OUT/body" "$OUT/first.json"
post "$TOKEN" key-1 "$(person IDEM-1)"
check "the same key and body again: 201" test "$code" = 201
check "the same body byte for byte" cmp -s "$OUT/body" "$OUT/first.json"
check "one booklet written" test "$(booklets)" = 1
check "one key recorded, naming it" test "$(q "SELECT count(*) FROM
    booklet_idempotency WHERE key = 'key-1' AND booklet_id = $(id_of \
    "$OUT/first.json")")" = 1
check "the audit log holds one issuance" \
    test "$(q "SELECT count(*) FROM audit_log WHERE action = 'booklet.issue'")" = 1

# --- The same key, another body ---------------------------------------------
post "$TOKEN" key-1 "$(person IDEM-2)"
check "the same key with another body: 422" test "$code" = 422
check "code 3013" grep -q '"code":3013' "$OUT/body"
check "with the French message" grep -q "clé d'idempotence a déjà servi" \
    "$OUT/body"
check "nothing written" test "$(booklets)" = 1
check "no beneficiary written for the refused body" \
    test "$(q 'SELECT count(*) FROM beneficiary')" = 1
post "$TOKEN" key-1 "$(person IDEM-1 'carnet perdu')"
check "the same key, the body with a reason added: 422" test "$code" = 422

# --- Bad keys ---------------------------------------------------------------
post "$TOKEN" "$(printf 'k%.0s' $(seq 65))" "$(person IDEM-3)"
check "a key of 65 characters: 400 code 3001" sh -c \
    "[ $code = 400 ] && grep -q '\"code\":3001' '$OUT/body'"
post "$TOKEN" "$(printf 'k%.0s' $(seq 64))" "$(person IDEM-3)"
check "a key of 64 characters: 201" test "$code" = 201
code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: clé" \
    --data-binary "$(person IDEM-4)" "$URL/api/v1/booklets")
check "a key with a non-ASCII character: 400" test "$code" = 400
code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key;" \
    --data-binary "$(person IDEM-4)" "$URL/api/v1/booklets")
check "an empty key: 400" test "$code" = 400
check "nothing written by the bad keys" test "$(booklets)" = 2

# --- Another user, the same key ---------------------------------------------
# Keys belong to their user: another caseworker's key-1 is another key.
post "$OTOKEN" key-1 "$(person IDEM-5)"
check "another user's same key issues their own booklet: 201" \
    test "$code" = 201
check "another booklet" test "$(id_of "$OUT/body")" != \
    "$(id_of "$OUT/first.json")"
post "$OTOKEN" key-1 "$(person IDEM-5)"
check "and their retry returns theirs" test "$(id_of "$OUT/body")" != \
    "$(id_of "$OUT/first.json")" -a "$code" = 201
check "three booklets in all" test "$(booklets)" = 3

# --- Five at once -----------------------------------------------------------
pids=
for i in 1 2 3 4 5; do
	curl -s -o "$OUT/conc.$i" -w '%{http_code}\n' \
	    -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: five" \
	    --data-binary "$(person IDEM-6)" "$URL/api/v1/booklets" \
	    >"$OUT/conc.$i.code" &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
check "five requests with one key at once: five 201" \
    test "$(cat "$OUT"/conc.*.code | grep -c '^201$')" = 5
check "one booklet issued for them" test "$(booklets)" = 4
check "each answer names it" \
    test "$(for i in 1 2 3 4 5; do id_of "$OUT/conc.$i"; done | sort -u |
    wc -l)" = 1
check "with the same vouchers" test "$(for i in 1 2 3 4 5; do
    codes_of "$OUT/conc.$i" | md5sum; done | sort -u | wc -l)" = 1

# --- kill -9 right after the POST -------------------------------------------
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" \
    -H "Idempotency-Key: crash-1" --data-binary "$(person IDEM-7)" \
    "$URL/api/v1/booklets" &
CURL=$!
# Kill as soon as the booklet is committed, before or while it is answered.
i=0
while [ "$(q "SELECT count(*) FROM booklet_idempotency WHERE key =
    'crash-1'")" != 1 ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.01; done
kill -9 "$PID"
wait "$PID" 2>/dev/null
PID=
wait "$CURL" 2>/dev/null
check "the booklet was committed before the kill" \
    test "$(q "SELECT count(*) FROM booklet_idempotency WHERE key = 'crash-1'")" = 1
check "passnumd starts again" passnumd_start "$D/passnumd.ini"
post "$TOKEN" crash-1 "$(person IDEM-7)"
check "the retry after the crash: 201, not 409" test "$code" = 201
check "it returns the booklet committed before the crash" \
    test "$(id_of "$OUT/body")" = "$(q "SELECT booklet_id FROM
    booklet_idempotency WHERE key = 'crash-1'")"
check "one booklet for the person" test "$(q "SELECT count(*) FROM booklet b
    JOIN booklet_idempotency k ON k.booklet_id = b.id
    WHERE k.key = 'crash-1'")" = 1 -a "$(booklets)" = 5
post "$TOKEN" "" "$(person IDEM-7)"
check "without the key the same person is refused by the limit: 409" \
    test "$code" = 409

# --- The form: Confirmer sent twice -----------------------------------------
JAR="$OUT/jar"
: >"$JAR"
page() { # METHOD PATH [FIELD=VALUE...]
	m=$1 p=$2
	shift 2
	args=()
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	code=$(curl -s -b "$JAR" -c "$JAR" -D "$OUT/headers" \
	    -o "$OUT/page.html" -w '%{http_code}' -X "$m" "${args[@]}" "$URL$p")
}
location() { sed -n 's/^Location: *//Ip' "$OUT/headers" | tr -d '\r'; }
page GET /connexion
lc=$(sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html")
page POST /connexion "login_csrf=$lc" login=caseworker "password=$PASSWORD"
check "the caseworker logs in" test "$code" = 303
page GET /carnets/nouveau
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/page.html" |
    head -n 1)
FIELDS=("csrf=$CSRF" programme=1 ref=IDEM-8 pathway=rsa age_band=26-44
    "commune=Rezé")
page POST /carnets/nouveau "${FIELDS[@]}"
check "the confirmation page: 200" test "$code" = 200
KEY=$(sed -n 's/.*name="idempotency_key" value="\([^"]*\)".*/\1/p' \
    "$OUT/page.html")
check "it carries a hidden idempotency key of 32 hex digits" \
    sh -c "printf '%s' '$KEY' | grep -qx '[0-9a-f]\{32\}'"
before=$(booklets)
page POST /carnets/nouveau "${FIELDS[@]}" "idempotency_key=$KEY" \
    action=confirmer
check "Confirmer: 303 to the booklet" test "$code" = 303
first=$(location)
page POST /carnets/nouveau "${FIELDS[@]}" "idempotency_key=$KEY" \
    action=confirmer
check "Confirmer again (a double click, a reload): 303" test "$code" = 303
check "to the same booklet" test "$(location)" = "$first"
check "one booklet written by the two" test "$(booklets)" = $((before + 1))
page POST /carnets/nouveau "${FIELDS[@]}" "reason=perdu"
K1=$(sed -n 's/.*name="idempotency_key" value="\([^"]*\)".*/\1/p' \
    "$OUT/page.html")
page POST /carnets/nouveau "${FIELDS[@]}" "reason=perdu"
K2=$(sed -n 's/.*name="idempotency_key" value="\([^"]*\)".*/\1/p' \
    "$OUT/page.html")
check "each confirmation page has its own key" test "$K1" != "$K2"
page POST /carnets/nouveau "${FIELDS[@]}" "reason=perdu" \
    "idempotency_key=$K1" action=confirmer
second=$(location)
page POST /carnets/nouveau "${FIELDS[@]}" "reason=perdu" \
    "idempotency_key=$K1" action=confirmer
check "with an override reason, Confirmer twice: the same booklet" \
    test "$code" = 303 -a "$(location)" = "$second" -a "$second" != "$first"
check "one more booklet, not two" test "$(booklets)" = $((before + 2))

check "the database is intact" test "$(q 'PRAGMA integrity_check')" = ok
check "passnumd stops cleanly" passnumd_stop
done_testing
