#!/bin/sh
# make-dev-certs.sh -- a local certificate authority and a server certificate,
# for development and tests only (make certs).
#
#   certs/make-dev-certs.sh [DIR]      (default: certs/dev)
#
# Writes DIR/ca.pem (give it to terminals and browsers as the CA to trust),
# DIR/ca.key, DIR/server.pem and DIR/server.key (the server's, mode 0600),
# valid for localhost, 127.0.0.1 and ::1. Existing files are kept.
set -eu
dir=${1:-certs/dev}
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 825 \
	    -subj "/O=passnum development/CN=passnum development CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
if [ ! -f "$dir/server.pem" ]; then
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$dir/server.key" -out "$dir/server.csr" \
	    -subj "/O=passnum development/CN=localhost" 2>/dev/null
	printf '%s\n' "basicConstraints=CA:FALSE" \
	    "keyUsage=critical,digitalSignature" \
	    "extendedKeyUsage=serverAuth" \
	    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" >"$dir/server.ext"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" \
	    -CAkey "$dir/ca.key" -CAcreateserial -out "$dir/server.pem" \
	    -days 825 -extfile "$dir/server.ext" 2>/dev/null
	rm -f "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl"
fi
chmod 644 "$dir/ca.pem" "$dir/server.pem"
echo "development CA: $dir/ca.pem; server certificate: $dir/server.pem, key: $dir/server.key"
