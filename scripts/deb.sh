#!/bin/sh
# deb.sh -- make deb: the Debian package, built from a copy of the sources.
#
#   scripts/deb.sh OUT_DIR
#
# dpkg-buildpackage writes the .deb beside the source tree it builds, so
# the sources (the files git knows, or the whole tree without build/ and
# demo/ outside git) are copied to OUT_DIR/passnum-VERSION and built
# there: OUT_DIR receives passnum_VERSION_ARCH.deb and the build's
# .buildinfo and .changes; the working tree is left as it was. A binary
# build, unsigned; DEB_BUILD_OPTIONS is passed on (parallel=N, nocheck).
set -eu
out=${1:?usage: scripts/deb.sh OUT_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
mkdir -p "$out"
out=$(cd "$out" && pwd)
src="$out/passnum-$version"
rm -rf "$src"
mkdir -p "$src"
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked and new files alike, as they are in the working tree.
	git ls-files -z --cached --others --exclude-standard |
	    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	    tar --null -T - -cf - | tar -C "$src" -xf -
else
	tar --exclude=./build --exclude=./demo -cf - . | tar -C "$src" -xf -
fi
cd "$src"
dpkg-buildpackage -b -uc -us
ls "$out"/passnum_"$version"_*.deb
