#!/bin/sh
# deps.sh -- the Debian packages passnum needs to build, test and run.
#
#   scripts/deps.sh check     exit 0 when every package is installed
#   scripts/deps.sh install   install the missing ones (apt-get, sudo if not root)
set -eu

PACKAGES="
build-essential
pkg-config
libsodium-dev
libqrencode-dev
libpng-dev
libjpeg-dev
libcmocka-dev
libmicrohttpd-dev
libjansson-dev
libsqlite3-dev
libinih-dev
libcurl4-openssl-dev
libzbar-dev
sqlite3
curl
wrk
python3-stdnum
zbar-tools
libxml2-utils
libhpdf-dev
libxml2-dev
poppler-utils
faketime
time
fonts-dejavu-core
chromium
nodejs
npm
clang
libclang-rt-14-dev
debhelper
dpkg-dev
lintian
man-db
groff-base
"

# A package counts as there when installed, or provided by an installed one
# (NodeSource's nodejs provides npm and conflicts with Debian's).
missing() {
	provided=$(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null |
	    sed -n 's/^ii *|//p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//')
	for p in $PACKAGES; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" &&
		    ! printf '%s\n' "$provided" | grep -qx "$p"; then
			echo "$p"
		fi
	done
}

case "${1:-check}" in
check)
	m=$(missing)
	if [ -n "$m" ]; then
		echo "missing Debian packages:" $m >&2
		exit 1
	fi
	;;
install)
	m=$(missing)
	[ -z "$m" ] && exit 0
	if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
	echo "installing:" $m
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $m
	;;
*)
	echo "usage: $0 check|install" >&2
	exit 2
	;;
esac
