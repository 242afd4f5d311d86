#!/bin/sh
# test_identifiers.sh -- SIRET, IBAN and BIC as passnum checks them, against
# python-stdnum (Debian's python3-stdnum), the reference implementation of
# the national registers' rules, on 12,000 generated identifiers of each
# kind, valid and mutated: no disagreement left without its documented
# reason (tests/e2e/identifiers_ref.py lists them).
set -u
: "${BUILD:?BUILD must name a build directory, such as build/release}"
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import stdnum' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "not ok 1 - python3-stdnum is installed (scripts/deps.sh install)"
	echo "1..1"
	exit 1
fi
exec "$PY" "$(dirname "$0")/identifiers_ref.py" "$BUILD/tools/pn-idcheck" \
    12000 "${SEED:-19}"
