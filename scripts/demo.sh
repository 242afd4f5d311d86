#!/bin/sh
# demo.sh -- set up a demonstration of passnum's voucher chain and show it working.
#
#   scripts/demo.sh BUILD_DIR DEMO_DIR
#
# Creates (once) in DEMO_DIR: a master key, a signing key certified for the
# demo programme, a trust bundle, a deny list, and ten specimen vouchers with
# their QR codes (PNG and SVG); then verifies them as a venue terminal would.
# Running it again reuses what exists.
set -eu
build=$1
demo=$2
admin="$build/bin/passnum-admin"
terminal="$build/bin/passnum-terminal"
mint="$build/tools/pn-mint"
denylist="$build/tools/pn-denylist"
year=$(date -u +%Y)
next=$((year + 1))

if [ ! -f "$demo/keys/master/master.key" ]; then
	echo "== Creating the demo keys in $demo/keys"
	mkdir -p "$demo/qr"
	"$admin" keygen master --out "$demo/keys/master"
	"$admin" keygen signing --master "$demo/keys/master" --kid 1 \
	    --valid-from "$year-01-01" --sign-until "$next-01-01" \
	    --verify-until "$next-03-01" --programmes 2026 \
	    --out "$demo/keys/signing"
	"$admin" bundle --master "$demo/keys/master" \
	    --certs "$demo/keys/signing" --seq 1 --out "$demo/trust.bundle"
	echo "== Minting 10 specimen vouchers of 10,00 EUR (programme 2026)"
	"$mint" --key "$demo/keys/signing/signing-00001.key" --programme 2026 \
	    --serial 1 --count 10 --value 1000 \
	    --issued "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    --expires "$next-01-31T23:59:59Z" --qr-dir "$demo/qr" \
	    >"$demo/vouchers.txt"
	# Voucher 10 is cancelled: it goes on the deny list.
	"$denylist" --key "$demo/keys/signing/signing-00001.key" --from 0 \
	    --to 1 --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    --cancelled "10:$(date -u -d "$next-01-31T23:59:59Z" +%s)" \
	    --out "$demo/deny.list"
fi

echo "== Verifying the specimen vouchers offline, as a venue terminal does"
while read -r code; do
	"$terminal" verify "$code" --bundle "$demo/trust.bundle" \
	    --master "$demo/keys/master" --denylist "$demo/deny.list" || true
done <"$demo/vouchers.txt"
echo "== A tampered voucher"
tampered=$(head -n 1 "$demo/vouchers.txt" | sed 's/.$/0/')
"$terminal" verify "$tampered" --bundle "$demo/trust.bundle" || true
echo "== Support's view of voucher 1"
"$admin" inspect "$(head -n 1 "$demo/vouchers.txt")" \
    --bundle "$demo/trust.bundle" --denylist "$demo/deny.list" || true
cat <<MSG

The demo lives in $demo/: keys/ (master and signing keys), trust.bundle,
deny.list, vouchers.txt (one voucher text per line) and qr/ (each voucher's
QR code as PNG and SVG, readable by any phone's camera app or zbarimg).
Try:  $terminal verify "\$(sed -n 3p $demo/vouchers.txt)" --bundle $demo/trust.bundle
The issuing server, with its web pages and demo accounts, is not built yet:
see README.md.
MSG
