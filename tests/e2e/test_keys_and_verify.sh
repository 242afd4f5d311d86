# test_keys_and_verify.sh -- the operator makes keys and a bundle; a venue
# terminal verifies vouchers offline; support inspects them.
. "$(dirname "$0")/lib.sh"

K="$OUT/keys"
V1=2026-01-01 S1=2027-01-01 U1=2027-07-01
ISSUED=2026-03-01T09:00:00Z
EXPIRES=2027-01-31T23:59:59Z
AT=2026-06-15T10:00:00Z

# --- Keys -----------------------------------------------------------------
expect 0 "master public key:" "keygen master writes a key pair" -- \
    "$ADMIN" keygen master --out "$K/master"
check "master.key is 0600" test "$(stat -c %a "$K/master/master.key")" = 600
check "master.pub is 0644" test "$(stat -c %a "$K/master/master.pub")" = 644
expect 1 "refusing to overwrite" "keygen master never overwrites a key" -- \
    "$ADMIN" keygen master --out "$K/master"
expect 0 "signing key 1 written" "keygen signing: kid 1, all programmes" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 1 --valid-from $V1 \
    --sign-until $S1 --verify-until $U1 --out "$K/signing"
check "signing key file is 0600" \
    test "$(stat -c %a "$K/signing/signing-00001.key")" = 600
expect 0 "signing key 2 written" "keygen signing: kid 2, programmes 3 and 9" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 2 --valid-from $V1 \
    --sign-until $S1 --verify-until $U1 --programmes 9,3 --out "$K/signing"
expect 0 "signing key 3 written" "keygen signing: kid 3, kept out of the bundle" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 3 --valid-from $V1 \
    --sign-until $S1 --verify-until $U1 --out "$K/other"
expect 1 "kid 1 already exists" "keygen signing never reuses a kid" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 1 --valid-from $V1 \
    --sign-until $S1 --verify-until $U1 --out "$K/signing"
expect 2 "--sign-until: '2027-02-30' is not a date" "an impossible date is named" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 4 --valid-from $V1 \
    --sign-until 2027-02-30 --verify-until $U1 --out "$K/signing"
expect 2 "verify_until must not come before sign_until" "inconsistent windows are refused" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 4 --valid-from $V1 \
    --sign-until $U1 --verify-until $S1 --out "$K/signing"
expect 2 "--kid: '0' is not a key id" "kid 0 is refused" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 0 --valid-from $V1 \
    --sign-until $S1 --verify-until $U1 --out "$K/signing"
chmod 644 "$K/master/master.key"
expect 1 "accessible to others (mode 0644)" "a readable master key is refused" -- \
    "$ADMIN" keygen signing --master "$K/master" --kid 5 --valid-from $V1 \
    --sign-until $S1 --verify-until $U1 --out "$K/signing"
chmod 600 "$K/master/master.key"
check "nothing was written for the refused kid 5" \
    test ! -e "$K/signing/signing-00005.key"

# A second, unrelated master, whose key 1 forges kid 1.
"$ADMIN" keygen master --out "$K/rogue-master" >/dev/null
"$ADMIN" keygen signing --master "$K/rogue-master" --kid 1 --valid-from $V1 \
    --sign-until $S1 --verify-until $U1 --out "$K/rogue" >/dev/null

# --- Bundle ---------------------------------------------------------------
B="$OUT/trust.bundle"
expect 0 "trust bundle number 1 written" "bundle signs the certified keys" -- \
    "$ADMIN" bundle --master "$K/master" --certs "$K/signing" --seq 1 \
    --out "$B" --at $AT
check "the bundle holds kids 1 and 2" grep -qF "(kid 1, 2)" "$OUT/stdout"
expect 1 "terminals accept only a higher number" "bundle refuses to reuse a number" -- \
    "$ADMIN" bundle --master "$K/master" --certs "$K/signing" --seq 1 \
    --out "$B" --at $AT
expect 1 "not signed by this master key" "bundle refuses a foreign certificate" -- \
    "$ADMIN" bundle --master "$K/master" --certs "$K/rogue" --seq 7 \
    --out "$OUT/mixed.bundle" --at $AT
check "nothing was written for the refused bundle" test ! -e "$OUT/mixed.bundle"
RB="$OUT/revoked.bundle"
expect 0 "1 revoked" "bundle with kid 1 revoked" -- \
    "$ADMIN" bundle --master "$K/master" --certs "$K/signing" --seq 2 \
    --revoke 1 --out "$RB" --at $AT

# --- Vouchers ---------------------------------------------------------------
mint() { # KEYFILE PROGRAMME SERIAL
	"$MINT" --key "$1" --programme "$2" --serial "$3" --value 1000 \
	    --issued $ISSUED --expires $EXPIRES
}
GOOD=$(mint "$K/signing/signing-00001.key" 7 123456)
SCOPED_OK=$(mint "$K/signing/signing-00002.key" 9 200)
SCOPED_BAD=$(mint "$K/signing/signing-00002.key" 5 201)
FORGED=$(mint "$K/rogue/signing-00001.key" 7 300)
UNKNOWN=$(mint "$K/other/signing-00003.key" 7 400)

NBSP=$(printf '\302\240')	# French typography: "10,00 €" with a no-break space
expect 0 "VALIDE — 10,00${NBSP}€ — chèque 0000 0012 3456 6" "verify: a valid voucher" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --at $AT
expect 0 "valable jusqu'au" "verify: the line gives the expiry date" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --at $AT
expect 0 "VALIDE" "verify: the code can come on standard input" -- \
    sh -c "printf '%s\r\n' '$GOOD' | '$TERMINAL' verify - --bundle '$B' --at $AT"
expect 0 "VALIDE" "verify: pinned to the right master key" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --master "$K/master" --at $AT
expect 1 "pinned" "verify: a bundle from another master is refused when pinned" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --master "$K/rogue-master/master.pub" --at $AT
expect 0 "VALIDE" "verify: a scoped key inside its scope" -- \
    "$TERMINAL" verify "$SCOPED_OK" --bundle "$B" --at $AT
expect 14 "programme non couvert" "verify: wrong programme exits 14" -- \
    "$TERMINAL" verify "$SCOPED_BAD" --bundle "$B" --at $AT
expect 12 "falsifié (signature invalide)" "verify: forged voucher exits 12" -- \
    "$TERMINAL" verify "$FORGED" --bundle "$B" --at $AT
expect 11 "clé de signature inconnue" "verify: unknown key exits 11" -- \
    "$TERMINAL" verify "$UNKNOWN" --bundle "$B" --at $AT
expect 11 "révoquée" "verify: revoked key exits 11" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$RB" --at $AT
expect 13 "chèque expiré le 31/01/2027" "verify: expired voucher exits 13 with its date" -- \
    env TZ=UTC "$TERMINAL" verify "$GOOD" --bundle "$B" --at 2027-02-01
expect 13 "pas encore valide" "verify: not yet valid exits 13" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --at 2026-02-01
expect 10 "PN1:" "verify: not a voucher exits 10" -- \
    "$TERMINAL" verify "https://example.org" --bundle "$B" --at $AT
LOWER=$(printf '%s' "$GOOD" | tr 'A-Z' 'a-z')
expect 10 "Verr. Maj" "verify: lower-case code names Caps Lock" -- \
    "$TERMINAL" verify "$LOWER" --bundle "$B" --at $AT
expect 10 "tronqué" "verify: a truncated code exits 10" -- \
    "$TERMINAL" verify "$(printf '%s' "$GOOD" | cut -c1-140)" --bundle "$B" --at $AT

# --- Deny list ---------------------------------------------------------------
"$DENY" --key "$K/signing/signing-00001.key" --from 0 --to 3 --at $AT \
    --cancelled 123456:1801439999 --out "$OUT/deny-full"
"$DENY" --key "$K/signing/signing-00002.key" --from 3 --to 5 --at $AT \
    --redeemed 200:1801439999 --out "$OUT/deny-inc"
expect 15 "chèque annulé" "verify: cancelled voucher exits 15" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --denylist "$OUT/deny-full" --at $AT
expect 15 "déjà utilisé" "verify: increments merge; a used voucher exits 15" -- \
    "$TERMINAL" verify "$SCOPED_OK" --bundle "$B" --denylist "$OUT/deny-full" \
    --denylist "$OUT/deny-inc" --at $AT
expect 1 "a full list is needed" "verify: an increment without its base is refused" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --denylist "$OUT/deny-inc" --at $AT
"$DENY" --key "$K/rogue/signing-00001.key" --from 0 --to 9 --at $AT \
    --out "$OUT/deny-rogue"
expect 1 "signature does not verify" "verify: a forged deny list is refused" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --denylist "$OUT/deny-rogue" --at $AT

# --- Usage ------------------------------------------------------------------
expect 2 "donnez les clés du Département avec --bundle FILE" "verify without a bundle is a usage error" -- \
    "$TERMINAL" verify "$GOOD"
expect 2 "--at attend une date" "verify names a bad --at" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$B" --at yesterday
expect 1 "cannot open" "verify names a missing bundle file" -- \
    "$TERMINAL" verify "$GOOD" --bundle "$OUT/nowhere" --at $AT

# --- Inspect ------------------------------------------------------------------
expect 0 "serial            123456 (printed: 0000 0012 3456 6)" "inspect prints the serial" -- \
    "$ADMIN" inspect "$GOOD"
for field in "format            1" "kid               1" "programme         7" \
    "value             1000 cents" "issued at         2026-03-01T09:00:00Z" \
    "expires at        2027-01-31T23:59:59Z" "signature" "not checked"; do
	check "inspect prints '$field'" grep -qF "$field" "$OUT/stdout"
done
expect 0 "verdict           VALID (reason 0 ok" "inspect --bundle gives the verdict" -- \
    "$ADMIN" inspect "$GOOD" --bundle "$B" --at $AT
expect 12 "REFUSED (reason 30 signature" "inspect of a forged voucher gives reason 30" -- \
    "$ADMIN" inspect "$FORGED" --bundle "$B" --at $AT
expect 10 "reason 3 lowercase" "inspect of an unreadable code names the reason" -- \
    "$ADMIN" inspect "$LOWER"

# --- QR codes read back by a real decoder ---------------------------------------
mkdir -p "$OUT/qr"
"$MINT" --key "$K/signing/signing-00001.key" --programme 7 --serial 5000 \
    --count 5 --value 1000 --issued $ISSUED --expires $EXPIRES \
    --qr-dir "$OUT/qr" >"$OUT/minted"
i=0
while read -r code; do
	serial=$((5000 + i))
	i=$((i + 1))
	scanned=$(zbarimg --nodbus --raw -q "$OUT/qr/$serial.png" | tr -d '\n')
	check "QR of voucher $serial scans back to its text" test "$scanned" = "$code"
	expect 0 "VALIDE" "the scanned voucher $serial verifies" -- \
	    "$TERMINAL" verify "$scanned" --bundle "$B" --at $AT
done <"$OUT/minted"

done_testing
