# test_admin.sh -- the operator's commands on a running set-up: accounts
# listed, disabled, enabled and given new passwords; the signing key rotated
# while the vouchers already issued stay good.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
TAB=$(printf '\t')

start() { passnumd_start "$CFG"; }
stop() { passnumd_stop; }
restart() { stop && start; }
trap stop EXIT

# issue REF: POST /api/v1/booklets for the person REF with the demo token;
# status in $code, body in $OUT/body.
issue() {
	code=$(curl -s -o "$OUT/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOKEN" --data-binary \
	    "{\"programme\": 1, \"beneficiary\": {\"ref\": \"$1\", \"pathway\": \"rsa\", \"age_band\": \"26-44\", \"commune\": \"Nantes\"}}" \
	    "$URL/api/v1/booklets")
}
# booklet REF: issue as above; V is then the code of the booklet's first
# voucher and KID the key it names, as inspect reads it.
booklet() {
	issue "$1"
	V=$(grep -o '"code":"PN1:[^"]*"' "$OUT/body" | head -n 1 | \
	    sed 's/"code":"//; s/"$//')
	KID=$("$ADMIN" inspect "$V" | sed -n 's/^kid  *//p')
}
# seq_of FILE: a trust bundle's sequence number (8 bytes after the magic
# and the master key).
seq_of() {
	od -An -tu1 -j40 -N8 "$1" | \
	    awk '{ for (i = 1; i <= NF; i++) v = v * 256 + $i } END { print v }'
}
# verify CODE BUNDLE: passnum-terminal's verdict, pinned to the master key.
verify() {
	"$TERMINAL" verify "$1" --bundle "$2" --master "$D/keys/master" \
	    >"$OUT/verdict" 2>&1
}
hash_of() {
	sqlite3 "$D/passnum.db" "SELECT password_hash FROM user WHERE login = '$1'"
}
audit_count() {
	sqlite3 "$D/passnum.db" "SELECT count(*) FROM audit_log WHERE action = '$1'"
}

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
TOKEN=$(sed -n 's/^caseworker API token: //p' "$D/demo-credentials.txt")
check "passnumd starts" start

# --- Users ------------------------------------------------------------------
expect 0 "caseworker${TAB}Camille Martin${TAB}caseworker${TAB}agency 1 EDS Nantes Est${TAB}enabled" \
    "user list shows the demo caseworker, its agency, enabled" -- \
    "$ADMIN" user list --config "$CFG"
check "and the demo admin, without an agency" \
    grep -qF "admin${TAB}Administrateur${TAB}admin${TAB}-${TAB}enabled" "$OUT/stdout"
issue U-1
check "the caseworker's token issues a booklet: 201" test "$code" = 201

# A browser session of the caseworker, as the web pages will make them.
sqlite3 "$D/passnum.db" "INSERT INTO web_session (token_hash, csrf_token,
    user_id, created_at, last_seen, address) SELECT randomblob(32), 'x', id,
    0, 0, '127.0.0.1' FROM user WHERE login = 'caseworker'"
expect 0 "user caseworker disabled; 1 browser session(s) ended, 1 API token(s) revoked" \
    "user disable ends the caseworker's browser session" -- \
    "$ADMIN" user disable --config "$CFG" --login caseworker
check "no session of the caseworker is left" test "$(sqlite3 "$D/passnum.db" \
    "SELECT count(*) FROM web_session")" = 0
expect 0 "caseworker${TAB}Camille Martin${TAB}caseworker${TAB}agency 1 EDS Nantes Est${TAB}disabled" \
    "user list shows the caseworker disabled" -- "$ADMIN" user list --config "$CFG"
issue U-2
check "a disabled user's API token gets 401" test "$code" = 401
expect 0 "user caseworker is already disabled" "disabling twice says so" -- \
    "$ADMIN" user disable --config "$CFG" --login caseworker
check "and writes no second audit row" test "$(audit_count user.disable)" = 1
check "user disable revoked the caseworker's token" test "$(sqlite3 \
    "$D/passnum.db" "SELECT revoked FROM api_token WHERE id = 1")" = 1
expect 0 "user caseworker enabled" "user enable" -- \
    "$ADMIN" user enable --config "$CFG" --login caseworker
issue U-2
check "enabled again, the old token stays revoked: 401" test "$code" = 401
TOKEN=$("$ADMIN" token create --config "$CFG" --login caseworker 2>/dev/null)
issue U-2
check "a new token issues a booklet: 201" test "$code" = 201

before=$(hash_of caseworker)
expect 2 "at least 12 characters" "user passwd refuses an 11-character password" -- \
    sh -c "printf 'mot-de-pass\n' | '$ADMIN' user passwd --config '$CFG' --login caseworker"
check "and leaves the password as it was" test "$(hash_of caseworker)" = "$before"
expect 2 "at least 12 characters" "12 bytes of UTF-8 are not 12 characters" -- \
    sh -c "printf 'éééééé\n' | '$ADMIN' user passwd --config '$CFG' --login caseworker"
sqlite3 "$D/passnum.db" "INSERT INTO web_session (token_hash, csrf_token,
    user_id, created_at, last_seen, address) SELECT randomblob(32), 'x', id,
    0, 0, '127.0.0.1' FROM user WHERE login = 'caseworker'"
expect 0 "user caseworker has a new password; 1 browser session(s) ended, 1 API token(s) revoked" \
    "user passwd takes a good password from standard input" -- \
    sh -c "printf 'un mot de passe assez long\n' | '$ADMIN' user passwd --config '$CFG' --login caseworker"
check "the stored hash changed" test "$(hash_of caseworker)" != "$before"
check "it is an Argon2id hash" sh -c "test \"\$(sqlite3 '$D/passnum.db' \"SELECT
    substr(password_hash, 1, 10) FROM user WHERE login = 'caseworker'\")\" = '\$argon2id\$'"
check "the caseworker's session ended" test "$(sqlite3 "$D/passnum.db" \
    "SELECT count(*) FROM web_session")" = 0
expect 0 "password for caseworker: " "with nothing on standard input, user passwd makes one" -- \
    sh -c "'$ADMIN' user passwd --config '$CFG' --login caseworker </dev/null"
issue U-3
check "a new password revokes the API tokens made before: 401" test "$code" = 401
TOKEN=$("$ADMIN" token create --config "$CFG" --login caseworker 2>/dev/null)
issue U-3
check "a token made after it works: 201" test "$code" = 201
expect 2 "at least 12 characters" "user add takes the same rule" -- \
    sh -c "printf 'mot-de-pass\n' | '$ADMIN' user add --config '$CFG' --login v2 --name V --role venue --venue 21440143200015"
for sub in disable enable passwd; do
	expect 1 "no user 'nobody'" "user $sub of an unknown login names it" -- \
	    sh -c "'$ADMIN' user $sub --config '$CFG' --login nobody </dev/null"
done
expect 2 "usage: user disable --config FILE --login L" "user disable without --login" -- \
    "$ADMIN" user disable --config "$CFG"
expect 2 "expected add, passwd, disable, enable or list" "an unknown user subcommand" -- \
    "$ADMIN" user remove --config "$CFG"
expect 0 "hash chain unbroken" "the audit holds after the account changes" -- \
    "$ADMIN" audit --config "$CFG"
check "one audit row per change: disable, enable, 2 passwords" test \
    "$(audit_count user.disable) $(audit_count user.enable) $(audit_count user.passwd)" = "1 1 2"

# --- Key rotation -----------------------------------------------------------
booklet K-1
check "a booklet before the rotation: 201" test "$code" = 201
OLD=$V
check "its vouchers name key 1" test "$KID" = 1
curl -s -o "$OUT/old.bundle" "$URL/api/v1/trust"
check "the bundle served is the configured one" cmp -s "$OUT/old.bundle" \
    "$D/keys/trust.bundle"
cp "$CFG" "$OUT/config.before"

expect 0 "restart passnumd to sign with key 2" "keys rotate makes key 2" -- \
    "$ADMIN" keys rotate --config "$CFG" --master "$D/keys/master"
check "it says which bundle it wrote" grep -qF "trust bundle number 2" "$OUT/stdout"
check "the configuration names key 2" \
    grep -qx "signing_key = keys/signing-00002.key" "$CFG"
grep -v '^signing_key' "$OUT/config.before" >"$OUT/rest.before"
grep -v '^signing_key' "$CFG" >"$OUT/rest.after"
check "every other line of the configuration is as it was" \
    cmp -s "$OUT/rest.before" "$OUT/rest.after"
check "comments included" grep -q '^; Every key: docs/config.md' "$CFG"
check "the new private key file is 0600" \
    test "$(stat -c %a "$D/keys/signing-00002.key")" = 600
check "its certificate is beside it" test -f "$D/keys/signing-00002.cert"
check "the old key file is still there" test -f "$D/keys/signing-00001.key"
check "the database records key 2" test "$(sqlite3 "$D/passnum.db" \
    "SELECT group_concat(kid) FROM signing_key")" = "1,2"

booklet K-2
check "until restarted, passnumd signs with key 1" test "$KID" = 1
check "passnumd restarts on key 2" restart
booklet K-3
check "a booklet after the restart: 201" test "$code" = 201
NEW=$V
check "its vouchers name key 2" test "$KID" = 2
curl -s -o "$OUT/new.bundle" "$URL/api/v1/trust"
check "the bundle served has a higher number" \
    test "$(seq_of "$OUT/new.bundle")" -gt "$(seq_of "$OUT/old.bundle")"
verify "$OLD" "$OUT/new.bundle"
check "the new bundle verifies a voucher of key 1 (exit 0)" test $? -eq 0
verify "$NEW" "$OUT/new.bundle"
check "the new bundle verifies a voucher of key 2 (exit 0)" test $? -eq 0
verify "$OLD" "$OUT/old.bundle"
check "the old bundle still verifies a voucher of key 1 (exit 0)" test $? -eq 0
verify "$NEW" "$OUT/old.bundle"
check "the old bundle does not know key 2 (exit 11)" test $? -eq 11
check "and says the key is unknown" grep -qF "clé de signature inconnue" \
    "$OUT/verdict"

# A rotation with another master key changes nothing.
"$ADMIN" keygen master --out "$OUT/other-master" >/dev/null
cp "$CFG" "$OUT/config.2"
cp "$D/keys/trust.bundle" "$OUT/bundle.2"
ls "$D/keys" >"$OUT/keys.2"
expect 1 "signed by another master key" "keys rotate with another master key is refused" -- \
    "$ADMIN" keys rotate --config "$CFG" --master "$OUT/other-master"
check "it says nothing was changed" grep -qF "nothing was changed" "$OUT/stderr"
check "the configuration is unchanged" cmp -s "$CFG" "$OUT/config.2"
check "the bundle is unchanged" cmp -s "$D/keys/trust.bundle" "$OUT/bundle.2"
check "no key file was added" sh -c "ls '$D/keys' | cmp -s - '$OUT/keys.2'"
check "the database records no new key" test "$(sqlite3 "$D/passnum.db" \
    "SELECT count(*) FROM signing_key")" = 2
expect 2 "--sign-days and --verify-days" "keys rotate refuses --sign-days 0" -- \
    "$ADMIN" keys rotate --config "$CFG" --master "$D/keys/master" --sign-days 0
expect 1 "give --verify-days" "a window too short for the programme's vouchers is refused" -- \
    "$ADMIN" keys rotate --config "$CFG" --master "$D/keys/master" --verify-days 10
check "and nothing was changed" cmp -s "$CFG" "$OUT/config.2"

expect 0 "restart passnumd to sign with key 3" "a second rotation makes key 3 (--master names master.key)" -- \
    "$ADMIN" keys rotate --config "$CFG" --master "$D/keys/master/master.key"
check "the configuration names key 3" \
    grep -qx "signing_key = keys/signing-00003.key" "$CFG"
check "trust bundle number 3" grep -qF "trust bundle number 3 " "$OUT/stdout"
check "passnumd restarts on key 3" restart
booklet K-4
NEWER=$V
check "its vouchers name key 3" test "$KID" = 3
curl -s -o "$OUT/newer.bundle" "$URL/api/v1/trust"
ok_all=0
for c in "$OLD" "$NEW" "$NEWER"; do
	verify "$c" "$OUT/newer.bundle" && ok_all=$((ok_all + 1))
done
check "bundle 3 verifies vouchers of keys 1, 2 and 3" test "$ok_all" = 3
stop

# --- A rotation stopped half-way --------------------------------------------
# Another process holds the database's write lock longer than the busy
# timeout (5 s): the rotation stops after writing the key files.
cp "$CFG" "$OUT/config.3"
cp "$D/keys/trust.bundle" "$OUT/bundle.3"
(echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('held', '1');"; sleep 8
    echo "ROLLBACK;") | sqlite3 "$D/passnum.db" &
holder=$!
sleep 1
expect 1 "recording the key in the database" \
    "a rotation that cannot write to the database stops and says where" -- \
    "$ADMIN" keys rotate --config "$CFG" --master "$D/keys/master"
wait $holder
check "it says the old key is still in force" \
    grep -qF "passnumd still signs with key 3" "$OUT/stderr"
check "and that key 4's files stay unused" \
    grep -qF "the files of key 4 stay unused" "$OUT/stderr"
check "the configuration still names key 3" cmp -s "$CFG" "$OUT/config.3"
check "the bundle is unchanged" cmp -s "$D/keys/trust.bundle" "$OUT/bundle.3"
check "passnumd still starts, on key 3" start
stop
expect 0 "restart passnumd to sign with key 5" \
    "run again, the rotation takes the next kid" -- \
    "$ADMIN" keys rotate --config "$CFG" --master "$D/keys/master"
check "the database never recorded key 4" test "$(sqlite3 "$D/passnum.db" \
    "SELECT group_concat(kid) FROM signing_key")" = "1,2,3,5"

# --- A key made by hand: passnumd records it at start -----------------------
now=$(date +%s)
"$ADMIN" keygen signing --master "$D/keys/master" --kid 6 \
    --valid-from "@$((now - 60))" --sign-until "@$((now + 366 * 86400))" \
    --verify-until "@$((now + 800 * 86400))" --out "$D/keys" >/dev/null
"$ADMIN" bundle --master "$D/keys/master" --certs "$D/keys" --seq 5 \
    --out "$D/keys/trust.bundle" >/dev/null
sed -i 's/^signing_key = .*/signing_key = keys\/signing-00006.key/' "$CFG"
check "passnumd starts on key 6, made with keygen signing" start
check "and says it recorded it" grep -qF "signing key 6 recorded in the database" \
    "$OUT/server.log"
booklet K-5
check "its booklets are issued: 201" test "$code" = 201
check "with vouchers of key 6" test "$KID" = 6
stop
check "the record is audited as passnumd's" test "$(sqlite3 "$D/passnum.db" \
    "SELECT actor FROM audit_log WHERE action = 'key.add' AND object = 'key:6'")" = passnumd
sqlite3 "$D/passnum.db" "UPDATE signing_key SET public_key = randomblob(32)
    WHERE kid = 6"
expect 1 "signing key 6 is recorded with another public key" \
    "passnumd refuses to start when the database has another key under its kid" -- \
    timeout 20 "$BUILD/bin/passnumd" --config "$CFG"

expect 1 "key 6: its certificate certifies another public key than the one recorded" \
    "the audit finds key 6's public key changed by SQL" -- \
    "$ADMIN" audit --config "$CFG"
check "and the audit log holds after the rotations" \
    grep -q "^ok   audit log: .* hash chain unbroken" "$OUT/stdout"
check "three rotations audited, not the one stopped half-way" \
    test "$(audit_count key.rotate)" = 3
check "the last from key 3 to key 5, with bundle 4" test "$(sqlite3 "$D/passnum.db" \
    "SELECT detail FROM audit_log WHERE action = 'key.rotate' ORDER BY id
    DESC LIMIT 1")" = '{"from":3,"to":5,"bundle":4}'

# Programme texts too long for the store are refused, not cut (which could
# split a letter in two), and nothing is written.
programmes=$(sqlite3 "$D/passnum.db" 'SELECT count(*) FROM programme')
long=$(printf 'é%.0s' $(seq 64))	# 128 bytes
expect 2 "--name: 1 to 127 bytes" "programme add refuses a name of 128 bytes" -- \
    "$ADMIN" programme add --config "$CFG" --name "$long" --face-value 1000 \
    --per-booklet 10 --validity days:30 --territory Nantes --budget 100000
expect 2 "--territory: 1 to 127 bytes" "and a territory of 128 bytes" -- \
    "$ADMIN" programme add --config "$CFG" --name P --face-value 1000 \
    --per-booklet 10 --validity days:30 --territory "$long" --budget 100000
check "nothing was written" test \
    "$(sqlite3 "$D/passnum.db" 'SELECT count(*) FROM programme')" = "$programmes"

done_testing
