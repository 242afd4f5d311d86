#!/bin/sh
# run.sh -- make run: the issuing server with demo data, on loopback.
#
#   scripts/run.sh BUILD_DIR DATA_DIR [PORT]
#
# The first time, "passnum-admin init --demo" makes DATA_DIR: keys, trust
# bundle, database, an agency, the programme "Pass numérique 2026", a
# caseworker and an admin (passwords printed, and kept in
# DATA_DIR/demo-credentials.txt) and an API token; then a partner venue,
# its user "lieu", an accountant "comptable" and the Département's account
# for settlement are added. Then passnumd runs in the foreground until
# Ctrl-C.
set -eu
build=$1
data=$2
port=${3:-8080}
admin="$build/bin/passnum-admin"

venue_siret=21440143200015
if [ ! -f "$data/passnumd.ini" ]; then
	"$admin" init --data "$data" --demo --port "$port"
	"$admin" venue add --config "$data/passnumd.ini" \
	    --name "Médiathèque Jacques Demy" --siret "$venue_siret" \
	    --address "24 quai de la Fosse" --commune Nantes \
	    --iban FR7630006000011234567890189 --bic AGRIFRPP \
	    --contact "Accueil, 02 40 00 00 00" --accredited-from 2026-01-01
	# With nothing on its input, user add makes the password and prints it.
	"$admin" user add --config "$data/passnumd.ini" --login lieu \
	    --name "Médiathèque Jacques Demy" --role venue --venue "$venue_siret" \
	    </dev/null | sed -n 's/^password for lieu: /venue password: /p' \
	    >>"$data/demo-credentials.txt"
	# Settlement: the Département's account (a demonstration IBAN) and an
	# accountant; the admin is the second pair of eyes.
	cat >>"$data/passnumd.ini" <<'INI'

[settlement]
debtor_name = Département de Loire-Atlantique (démonstration)
debtor_iban = FR76 3000 1007 9412 3456 7890 185
debtor_bic = BDFEFRPPCCT
INI
	"$admin" user add --config "$data/passnumd.ini" --login comptable \
	    --name "Service comptable" --role accountant </dev/null |
	    sed -n 's/^password for comptable: /accountant password: /p' \
	    >>"$data/demo-credentials.txt"
fi
venue_password=$(sed -n 's/^venue password: //p' "$data/demo-credentials.txt")
accountant_password=$(sed -n 's/^accountant password: //p' "$data/demo-credentials.txt")
admin_password=$(sed -n 's/^admin password: //p' "$data/demo-credentials.txt")
token=$(sed -n 's/^caseworker API token: //p' "$data/demo-credentials.txt")
programme=$(sed -n 's/^programme: //p' "$data/demo-credentials.txt")
password=$(sed -n 's/^caseworker password: //p' "$data/demo-credentials.txt")
cat <<MSG

== passnum demo
Credentials: $data/demo-credentials.txt

Open http://127.0.0.1:$port/ in a browser and log in as "caseworker" with
the password $password to issue, print and cancel booklets.

Or, with the API, issue a booklet of 10 vouchers for a person (file reference DOSSIER-42):

  curl -s -H 'Authorization: Bearer $token' -H 'Content-Type: application/json' \\
    -d '{"programme": $programme, "beneficiary": {"ref": "DOSSIER-42", "pathway": "rsa", "age_band": "26-44", "commune": "Rezé"}}' \\
    http://127.0.0.1:$port/api/v1/booklets

Print it (ID from the answer; the first booklet is 1):

  curl -s -H 'Authorization: Bearer $token' -o carnet.pdf http://127.0.0.1:$port/api/v1/booklets/ID.pdf

Check a voucher offline, as a venue terminal does (CODE from the answer):

  curl -s -o /tmp/trust.bundle http://127.0.0.1:$port/api/v1/trust
  $build/bin/passnum-terminal verify 'CODE' --bundle /tmp/trust.bundle --master $data/keys/master

A partner venue: log in as "lieu" with the password $venue_password to see
its sessions, vouchers and amount due. Its terminal (in another shell):

  code=\$($admin terminal code --config $data/passnumd.ini --siret $venue_siret)
  $build/bin/passnum-terminal enrol --server http://127.0.0.1:$port --code "\$code" --data /tmp/terminal
  $build/bin/passnum-terminal session open --theme "démarches en ligne" --data /tmp/terminal
  $build/bin/passnum-terminal scan --data /tmp/terminal     # paste or scan codes, one a line

Settlement: log in as "comptable" with the password $accountant_password,
open "Règlements" and prepare last month's batch once sessions are past
their 7-day contest window; a second person ("admin", password
$admin_password) approves it, which makes the SEPA file, the mandate list
and the venues' statements (docs/settlement.md). The same from a shell
asks the password of the person --as names:

  $admin settle draft --config $data/passnumd.ini --period YYYY-MM --as comptable
  $admin settle approve --config $data/passnumd.ini --batch PN-YYYY-MM-01 --as admin

Health and metrics: http://127.0.0.1:$port/healthz  http://127.0.0.1:$port/metrics
Stop with Ctrl-C.

MSG
exec "$build/bin/passnumd" --config "$data/passnumd.ini"
