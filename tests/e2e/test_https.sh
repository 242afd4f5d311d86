# test_https.sh -- the terminal over HTTPS: passnumd with a certificate of
# the development CA (certs/make-dev-certs.sh, as make certs makes it);
# passnum-terminal enrols with --ca and redeems over https://127.0.0.1. A
# server certificate from another CA is refused, in French, and nothing
# reaches that server.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"
SIRET=21440143200015
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
T1="$OUT/t1"

start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
trap stop EXIT
term() { dir=$1; shift; run "$TERMINAL" "$@" --data "$dir"; }
accepted() { sqlite3 "$DB" "SELECT count(*) FROM redemption WHERE outcome = 'accepted'"; }
# use_cert DIR: passnumd's TLS pair is DIR's server certificate and key.
use_cert() {
	sed -i '/^tls_cert = /d; /^tls_key = /d' "$CFG"
	sed -i "s|^\[server\]$|[server]\ntls_cert = $1/server.pem\ntls_key = $1/server.key|" "$CFG"
}

sh "$SRC_DIR/certs/make-dev-certs.sh" "$OUT/ca" >/dev/null
sh "$SRC_DIR/certs/make-dev-certs.sh" "$OUT/other-ca" >/dev/null
check "make-dev-certs.sh makes a CA and a server certificate" \
    test -s "$OUT/ca/ca.pem" -a -s "$OUT/ca/server.pem"
check "the server key is private (0600)" \
    test "$(stat -c %a "$OUT/ca/server.key")" = 600
check "a second CA, unrelated to the first" \
    sh -c "! cmp -s '$OUT/ca/ca.pem' '$OUT/other-ca/ca.pem'"

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
"$ADMIN" programme rules --config "$CFG" --id 1 --max-per-session 10 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
venue_add "$CFG" $SIRET "Médiathèque de Rezé"
use_cert "$OUT/ca"
check "passnumd starts with tls_cert and tls_key" start
check "it listens on https" sh -c "echo '$URL' | grep -q '^https://127.0.0.1:'"
sed -i "s/^port = 0$/port = $PORT/" "$CFG"
check "curl with the development CA gets /healthz (200)" test "$(curl -s \
    --cacert "$OUT/ca/ca.pem" -o /dev/null -w '%{http_code}' "$URL/healthz")" = 200
check "plain http on the same port gets no answer" \
    sh -c "! curl -s -o /dev/null -m 5 'http://127.0.0.1:$PORT/healthz' 2>/dev/null || test \"\$(curl -s -o /dev/null -m 5 -w '%{http_code}' 'http://127.0.0.1:$PORT/healthz')\" != 200"

# --- Enrolment ---------------------------------------------------------------
CODE=$("$ADMIN" terminal code --config "$CFG" --siret $SIRET 2>/dev/null)
term "$OUT/t-other" enrol --server "$URL" --code "$CODE" --ca "$OUT/other-ca/ca.pem"
said 5 "certificat du serveur refusé" "enrol --ca of another CA: refused in French, exit 5"
check "no terminal was enrolled" test ! -e "$OUT/t-other/config.json"
check "and the code was not spent" test "$(sqlite3 "$DB" \
    "SELECT count(*) FROM enrol_code WHERE used_at IS NOT NULL")" = 0
term "$OUT/t-none" enrol --server "$URL" --code "$CODE"
said 5 "certificat du serveur refusé" "enrol without --ca: the system's CAs do not know the development CA"
term "$T1" enrol --server "$URL" --code "$CODE" --ca "$OUT/ca/ca.pem" \
    --label "Accueil"
said 0 "inscrit pour Médiathèque de Rezé" "enrol --ca with the development CA over https"
check "the terminal keeps the CA it trusts" cmp -s "$T1/ca.pem" "$OUT/ca/ca.pem"

# --- A redemption over https ---------------------------------------------------
term "$T1" session open --theme 2 --duration 90
said 0 "déclarée" "a session is declared over https"
S1=$(sed -n 's/^Séance ouverte : \([0-9a-f]\{32\}\) .*/\1/p' "$OUT/stdout")
curl -s --cacert "$OUT/ca/ca.pem" -o "$OUT/booklet.json" \
    -H "Authorization: Bearer $TOKEN" --data-binary \
    '{"programme": 1, "beneficiary": {"ref": "H-1", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \
    "$URL/api/v1/booklets"
grep -o '"code":"PN1:[^"]*"' "$OUT/booklet.json" | sed 's/"code":"//; s/"$//' \
    >"$OUT/codes"
check "a booklet issued over https" test "$(wc -l <"$OUT/codes")" = 10
term "$T1" redeem "$(sed -n 1p "$OUT/codes")" --session "$S1"
said 0 "ACCEPTÉ" "a voucher redeemed over https: ACCEPTÉ"
check "the server accepted it" test "$(accepted)" = 1

# --- The server now shows another CA's certificate -----------------------------
stop
use_cert "$OUT/other-ca"
check "passnumd restarts with another CA's certificate, same port" start
term "$T1" redeem "$(sed -n 2p "$OUT/codes")" --session "$S1"
check "the terminal says, in French, that the certificate is refused" \
    grep -qF "certificat du serveur refusé" "$OUT/stdout" "$OUT/stderr"
check "nothing reached that server" test "$(sqlite3 "$DB" \
    "SELECT count(*) FROM redemption")" = 1
# As when the server is away: the voucher verified offline, kept pending.
check "the voucher is taken offline, to be sent later (exit 3)" test "$status" = 3
stop
done_testing
