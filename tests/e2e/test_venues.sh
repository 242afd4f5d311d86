# test_venues.sh -- passnum-admin venue: partner venues recorded with checked
# SIRET, IBAN and BIC, listed, suspended and resumed; every typing mistake
# refused with a message naming the identifier, and nothing written.
. "$(dirname "$0")/lib.sh"

D="$OUT/data"
CFG="$D/passnumd.ini"
DB="$D/passnum.db"

venues() { sqlite3 "$DB" 'SELECT count(*) FROM venue'; }
audit_rows() { sqlite3 "$DB" "SELECT count(*) FROM audit_log WHERE action = '$1'"; }
# add SIRET IBAN BIC [OPTIONS...]: venue add with the other fields filled.
add() {
	siret=$1 iban=$2 bic=$3
	shift 3
	run "$ADMIN" venue add --config "$CFG" --name "Médiathèque Diderot" \
	    --siret "$siret" --address "1 rue de la République" \
	    --commune "Rezé" --iban "$iban" --bic "$bic" \
	    --contact "Claire Moreau, 02 40 00 00 00" \
	    --accredited-from 2026-01-01 "$@"
}
# refused DESCRIPTION STATUS TEXT: the last run exited STATUS with TEXT on
# stderr, and the venue table did not change.
refused() {
	if [ "$status" -eq "$2" ] && grep -qF -- "$3" "$OUT/stderr" &&
	    [ "$(venues)" = "$before" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# status $status, venues $(venues) (was $before); stderr:"
		sed 's/^/#   /' "$OUT/stderr"
	fi
}

"$ADMIN" init --data "$D" --port 0 >/dev/null

# A SIRET and an IBAN as people type them: spaces, lower case.
add "214 401 432 00015" "fr76 3000 6000 0112 3456 7890 189" "agri fr pp"
check "venue add with spaced, lower-case identifiers: exit 0" test "$status" -eq 0
check "it prints the venue's number and canonical identifiers" grep -qF \
    "venue 1: Médiathèque Diderot, SIRET 21440143200015, IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP" \
    "$OUT/stdout"
check "the database holds them canonical" test \
    "$(sqlite3 "$DB" 'SELECT siret || iban || bic FROM venue')" = \
    "21440143200015FR7630006000011234567890189AGRIFRPP"
check "an audit row records the venue with its IBAN" test \
    "$(sqlite3 "$DB" "SELECT count(*) FROM audit_log WHERE action = 'venue.add' AND detail LIKE '%IBAN FR7630006000011234567890189%'")" = 1

before=$(venues)
add 21440143200018 FR7630006000011234567890189 AGRIFRPP
refused "a SIRET with one digit wrong is refused" 2 "SIRET"
add 2144014320001 FR7630006000011234567890189 AGRIFRPP
refused "a SIRET of 13 digits is refused" 2 "SIRET"
add 2144014320001A FR7630006000011234567890189 AGRIFRPP
refused "a SIRET with a letter is refused" 2 "SIRET"
add 35600000000001 FR7630006000011234567890188 AGRIFRPP
refused "an IBAN with one digit wrong is refused" 2 "IBAN"
add 35600000000001 FR7630006000011234567809189 AGRIFRPP
refused "an IBAN with two digits swapped is refused" 2 "IBAN"
add 35600000000001 FR763000600001123456789018 AGRIFRPP
refused "a French IBAN of 26 characters is refused" 2 "IBAN"
add 35600000000001 US64SVBKUS6S3300958879 AGRIFRPP
refused "an IBAN outside the SEPA zone is refused" 2 "IBAN"
add 35600000000001 FR7630006000011234567890189 AGRI
refused "a BIC of 4 characters is refused" 2 "BIC"
add 35600000000001 FR7630006000011234567890189 AGRIFRPP \
    --accredited-until 2025-12-31
refused "an accreditation that ends before it starts is refused" 2 \
    "--accredited-until must come after"
run "$ADMIN" venue add --config "$CFG" --name "" --siret 35600000000001 \
    --address x --commune y --iban FR7630006000011234567890189 \
    --bic AGRIFRPP --contact z --accredited-from 2026-01-01
refused "an empty name is refused" 2 "--name"
run "$ADMIN" venue add --config "$CFG" --siret 35600000000001
refused "missing options are named in the usage" 2 "usage: venue add"
add 21440143200015 FR7630006000011234567890189 AGRIFRPP
refused "the same SIRET twice is refused" 1 "already exists"

# La Poste's establishments follow their own check rule.
add 35600000000001 "FR35 1005 7190 0300 0200 0300 190" CMCIFRPP \
    --accredited-until 2026-12-31
check "a La Poste SIRET is accepted" test "$status" -eq 0
check "two venues now" test "$(venues)" = 2

run "$ADMIN" venue list --config "$CFG"
check "venue list shows both, IBAN grouped, dates in French" sh -c "
    grep -qF '21440143200015	Médiathèque Diderot	Rezé	FR76 3000 6000 0112 3456 7890 189	AGRIFRPP	01/01/2026..-	active' '$OUT/stdout' &&
    grep -qF '35600000000001' '$OUT/stdout' &&
    grep -qF '01/01/2026..31/12/2026	active' '$OUT/stdout'"

run "$ADMIN" venue suspend --config "$CFG" --siret "214 401 432 00015" \
    --reason "convention non renouvelée"
check "venue suspend: exit 0 and says what it means" sh -c \
    "[ $status -eq 0 ] && grep -qF 'cannot redeem vouchers' '$OUT/stdout'"
run "$ADMIN" venue list --config "$CFG"
check "the list shows it suspended, with the reason" grep -qF \
    "suspended: convention non renouvelée" "$OUT/stdout"
check "an audit row records the suspension and its reason" test \
    "$(sqlite3 "$DB" "SELECT count(*) FROM audit_log WHERE action = 'venue.suspend' AND detail = 'SIRET 21440143200015: convention non renouvelée'")" = 1
run "$ADMIN" venue suspend --config "$CFG" --siret 21440143200015 --reason x
check "suspending it again: exit 1, already suspended, nothing written" sh -c \
    "[ $status -eq 1 ] && grep -qF 'already suspended' '$OUT/stderr' &&
     [ $(audit_rows venue.suspend) -eq 1 ]"
run "$ADMIN" venue suspend --config "$CFG" --siret 21440143200015
check "suspend without a reason: usage error" test "$status" -eq 2
run "$ADMIN" venue suspend --config "$CFG" --siret 73282932000074 --reason x
check "an unknown SIRET: exit 1, named" sh -c \
    "[ $status -eq 1 ] && grep -qF 'no venue with SIRET 73282932000074' '$OUT/stderr'"
run "$ADMIN" venue resume --config "$CFG" --siret 21440143200015
check "venue resume: exit 0" test "$status" -eq 0
check "active again, the reason gone" test \
    "$(sqlite3 "$DB" "SELECT status || coalesce(status_reason, '') FROM venue WHERE id = 1")" = active
check "an audit row records the resumption" test "$(audit_rows venue.resume)" = 1
run "$ADMIN" venue resume --config "$CFG" --siret 21440143200015
check "resuming an active venue: exit 1" sh -c \
    "[ $status -eq 1 ] && grep -qF 'already active' '$OUT/stderr'"
run "$ADMIN" venue frobnicate --config "$CFG"
check "an unknown subcommand: exit 2" test "$status" -eq 2

run "$ADMIN" audit --config "$CFG"
check "passnum-admin audit finds the chain whole" test "$status" -eq 0
done_testing
