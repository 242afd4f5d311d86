# test_ceremony.sh -- the offline key ceremony: the server prepares its next
# signing key and a request, the master key certifies it in a directory the
# server never reads, the server installs the answer and signs with the new
# key; a key revoked the same way. Tampered, foreign and stale answers are
# refused and change nothing.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
SAFE="$OUT/offline/master"	# the offline machine: the server never reads it
USB="$OUT/usb"			# what the operator carries

start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
restart() { stop && start; }
trap stop EXIT

booklet() { # REF: issue a booklet; V its first voucher, KID the key it names
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOKEN" --data-binary \
	    "{\"programme\": 1, \"beneficiary\": {\"ref\": \"$1\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Nantes\"}}" \
	    "$URL/api/v1/booklets")
	V=$(grep -o '"code":"PN1:[^"]*"' "$OUT/body" | head -n 1 | \
	    sed 's/"code":"//; s/"$//')
	KID=$("$ADMIN" inspect "$V" | sed -n 's/^kid  *//p')
}
verify() { # CODE BUNDLE: passnum-terminal's verdict, pinned to the master key
	"$TERMINAL" verify "$1" --bundle "$2" --master "$SAFE/master.pub" \
	    >"$OUT/verdict" 2>&1
}
# snapshot NAME / unchanged NAME: nothing of the server's key set-up moved.
snapshot() {
	cp "$CFG" "$OUT/$1.cfg"
	cp "$D/keys/trust.bundle" "$OUT/$1.bundle"
	ls "$D/keys" >"$OUT/$1.ls"
	sqlite3 "$D/passnum.db" "SELECT count(*) FROM signing_key" >"$OUT/$1.kids"
}
unchanged() {
	cmp -s "$CFG" "$OUT/$1.cfg" &&
	    cmp -s "$D/keys/trust.bundle" "$OUT/$1.bundle" &&
	    ls "$D/keys" | cmp -s - "$OUT/$1.ls" &&
	    sqlite3 "$D/passnum.db" "SELECT count(*) FROM signing_key" |
	    cmp -s - "$OUT/$1.kids"
}
flip() { # FILE OFFSET: change one byte of FILE
	b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

seed_hex() { tail -c 32 "$1" | od -An -tx1 -v | tr -d ' \n'; }
holds_not() { # HEX FILE...: no FILE contains the bytes HEX
	h=$1
	shift
	for f in "$@"; do
		case $(od -An -tx1 -v "$f" | tr -d ' \n') in
		*"$h"*) echo "# $f holds them"; return 1 ;;
		esac
	done
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
# The demo puts the master key beside the data: take it to the "offline
# machine", as production does from the start.
mkdir -p "$OUT/offline" "$USB"
mv "$D/keys/master" "$SAFE"
check "the server's data directory holds no master secret" \
    test -z "$(find "$D" -name master.key)"
check "its configuration names no master key" sh -c "! grep -q master '$CFG'"
check "passnumd starts" start
booklet K-1
OLD=$V
check "a booklet signed with key 1" test "$KID" = 1
cp "$D/keys/trust.bundle" "$OUT/bundle.1"

# --- 1. The server prepares ------------------------------------------------
snapshot before
expect 0 "signing key 2 made" "keys prepare makes key 2 and a request" -- \
    "$ADMIN" keys prepare --config "$CFG" --out "$USB/next.request"
PUBHEX=$(sed -n 's/^  public key //p' "$OUT/stdout")
check "the new secret key stays in the key directory, 0600" \
    test "$(stat -c %a "$D/keys/signing-00002.key")" = 600
check "no certificate yet" test ! -e "$D/keys/signing-00002.cert"
check "the configuration still names key 1" cmp -s "$CFG" "$OUT/before.cfg"
check "the request holds no secret (the key's seed is not in it)" \
    holds_not "$(seed_hex "$D/keys/signing-00002.key")" "$USB/next.request"
check "audit row key.prepare" test "$(sqlite3 "$D/passnum.db" \
    "SELECT count(*) FROM audit_log WHERE action = 'key.prepare'")" = 1
expect 1 "already waiting" "a second request while one waits is refused" -- \
    "$ADMIN" keys prepare --config "$CFG" --out "$USB/again.request"

# --- 2. Offline: certify ---------------------------------------------------
cp "$USB/next.request" "$OUT/bad.request"
flip "$OUT/bad.request" 40	# in the new public key
expect 1 "does not verify" "a request altered on the way is refused offline" -- \
    "$ADMIN" keys certify --master "$SAFE" --request "$OUT/bad.request" \
    --out "$OUT/bad.answer"
check "and nothing is written" test ! -e "$OUT/bad.answer/trust.bundle"
"$ADMIN" keygen master --out "$OUT/other-master" >/dev/null
expect 1 "not signed by the master key" "certify with another master key is refused" -- \
    "$ADMIN" keys certify --master "$OUT/other-master" \
    --request "$USB/next.request" --out "$OUT/bad.answer"
expect 0 "trust bundle number 2" "keys certify signs key 2 and bundle 2" -- \
    "$ADMIN" keys certify --master "$SAFE" --request "$USB/next.request" \
    --out "$USB/answer"
check "it shows the public key prepare showed" grep -qF "$PUBHEX" "$OUT/stdout"
check "the answer is a certificate and a bundle, no secret" \
    test "$(ls "$USB/answer" | tr '\n' ' ')" = "signing-00002.cert trust.bundle "
check "the usb stick holds no secret key" \
    test -z "$(find "$USB" -name '*.key')"

# --- 3. Answers the server refuses ------------------------------------------
snapshot prepared
mkdir "$OUT/tampered"
cp "$USB/answer/"* "$OUT/tampered/"
flip "$OUT/tampered/signing-00002.cert" 20	# in the public key
expect 1 "does not verify under the master key" "a tampered certificate is refused" -- \
    "$ADMIN" keys install --config "$CFG" --from "$OUT/tampered"
check "nothing was installed" unchanged prepared

"$ADMIN" keygen signing --master "$SAFE" --kid 9 --valid-from 2026-01-01 \
    --sign-until 2027-01-01 --verify-until 2027-03-01 \
    --out "$OUT/other-signing" >/dev/null
mkdir "$OUT/otherkey"
cp "$OUT/other-signing/signing-00009.cert" "$USB/answer/trust.bundle" \
    "$OUT/otherkey/"
expect 1 "certifies another key" "a certificate of another key, by the right master, is refused" -- \
    "$ADMIN" keys install --config "$CFG" --from "$OUT/otherkey"
check "nothing was installed" unchanged prepared

mkdir "$OUT/samebundle"
cp "$USB/answer/signing-00002.cert" "$OUT/samebundle/"
cp "$OUT/bundle.1" "$OUT/samebundle/trust.bundle"
expect 1 "not newer" "an answer with the current bundle is refused" -- \
    "$ADMIN" keys install --config "$CFG" --from "$OUT/samebundle"
check "nothing was installed" unchanged prepared

"$ADMIN" keygen signing --master "$OUT/other-master" --kid 2 \
    --valid-from 2026-01-01 --sign-until 2027-01-01 \
    --verify-until 2027-03-01 --out "$OUT/foreign" >/dev/null
"$ADMIN" bundle --master "$OUT/other-master" --certs "$OUT/foreign" --seq 7 \
    --out "$OUT/foreign/trust.bundle" >/dev/null
rm -f "$OUT/foreign/signing-00002.key"
expect 1 "another master key" "a bundle of another master key is refused" -- \
    "$ADMIN" keys install --config "$CFG" --from "$OUT/foreign"
check "nothing was installed" unchanged prepared

# --- 4. Install, restart, sign with key 2 -----------------------------------
expect 0 "restart passnumd to sign with key 2" "keys install takes the answer" -- \
    "$ADMIN" keys install --config "$CFG" --from "$USB/answer"
check "the configuration names key 2" \
    grep -qx "signing_key = keys/signing-00002.key" "$CFG"
check "the certificate is beside the key" test -f "$D/keys/signing-00002.cert"
check "the database records key 2" test "$(sqlite3 "$D/passnum.db" \
    "SELECT group_concat(kid) FROM signing_key")" = "1,2"
check "audit row key.install" test "$(sqlite3 "$D/passnum.db" \
    "SELECT detail FROM audit_log WHERE action = 'key.install'")" = \
    '{"from":1,"to":2,"bundle":2}'
check "the request is no longer pending" test ! -e "$D/keys/pending.request"
expect 1 "no request is waiting" "installing the same answer again is refused" -- \
    "$ADMIN" keys install --config "$CFG" --from "$USB/answer"
check "passnumd restarts on key 2" restart
booklet K-2
NEW=$V
check "a booklet after the restart: 201, signed with key 2" \
    test "$code/$KID" = "201/2"
curl -s -o "$OUT/served.2" "$URL/api/v1/trust"
check "passnumd serves bundle 2" cmp -s "$OUT/served.2" "$USB/answer/trust.bundle"
verify "$NEW" "$OUT/served.2"
check "the terminal accepts key 2's voucher with the new bundle" test $? -eq 0
verify "$OLD" "$OUT/served.2"
check "and key 1's voucher still" test $? -eq 0

# --- 5. Revoke key 1 the same way -------------------------------------------
expect 1 "the one passnumd signs with" "revoking the current key is refused" -- \
    "$ADMIN" keys prepare-revoke --config "$CFG" --kid 2 --out "$USB/revoke.request"
expect 0 "request to revoke key 1" "keys prepare-revoke writes a request" -- \
    "$ADMIN" keys prepare-revoke --config "$CFG" --kid 1 --out "$USB/revoke.request"
expect 0 "key 1 revoked" "keys certify signs bundle 3 without key 1" -- \
    "$ADMIN" keys certify --master "$SAFE" --request "$USB/revoke.request" \
    --out "$USB/revoked"
check "bundle 3" grep -qF "trust bundle number 3" "$OUT/stdout"
snapshot revoke
mkdir "$OUT/older"
cp "$OUT/bundle.1" "$OUT/older/trust.bundle"
expect 1 "older than the current bundle" "an older bundle is refused" -- \
    "$ADMIN" keys install --config "$CFG" --from "$OUT/older"
check "nothing was installed" unchanged revoke
expect 1 "not newer" "the first ceremony's answer is refused now" -- \
    "$ADMIN" keys install --config "$CFG" --from "$USB/answer"
check "nothing was installed" unchanged revoke
expect 0 "key 1 is revoked" "keys install takes the revocation" -- \
    "$ADMIN" keys install --config "$CFG" --from "$USB/revoked"
check "audit row key.revoke" test "$(sqlite3 "$D/passnum.db" \
    "SELECT count(*) FROM audit_log WHERE action = 'key.revoke'")" = 1
check "passnumd restarts" restart
curl -s -o "$OUT/served.3" "$URL/api/v1/trust"
verify "$OLD" "$OUT/served.3"
check "the terminal refuses key 1's voucher once revoked" test $? -ne 0
check "saying the key is revoked" grep -qF "clé de signature révoquée" \
    "$OUT/verdict"
verify "$NEW" "$OUT/served.3"
check "key 2's voucher still verifies" test $? -eq 0

# --- 6. The master secret never reached the server --------------------------
check "no master secret in the data directory" \
    test -z "$(find "$D" -name 'master.key' -o -name 'PNMSEC*')"
check "no file of the data directory holds the master seed" \
    holds_not "$(seed_hex "$SAFE/master.key")" $(find "$D" -type f)
stop
expect 0 "" "passnum-admin audit passes" -- \
    "$ADMIN" audit --config "$CFG" --master "$SAFE/master.pub"
done_testing
