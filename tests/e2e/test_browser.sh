# test_browser.sh -- the caseworker pages in headless Chromium: log in, issue a
# booklet through the form and its confirmation, see its QR codes, cancel a
# voucher, search it, fetch the PDF, log out; keyboard use, phone width, no
# console error or CSP violation, and axe-core's WCAG 2.1 AA rules on six
# pages. The checks are in tests/browser/pages.test.mjs (Node, playwright-core
# driving Debian's /usr/bin/chromium); screenshots go to $OUT/screens.
#
# The npm packages pinned in tests/browser/package-lock.json are installed
# here, with "npm ci", when node_modules is missing or older than the lock.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B="$ROOT/tests/browser"
D="$OUT/data"

stop() { passnumd_stop; }
trap stop EXIT

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	not_ok "node and npm are installed (scripts/deps.sh install puts in nodejs and npm)"
	done_testing
	exit 1
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	not_ok "Chromium is at ${CHROMIUM:-/usr/bin/chromium} (Debian package chromium)"
	done_testing
	exit 1
fi

# npm ci empties node_modules first, so two runs at once in this tree must not
# both install: the second waits on a lock of the directory, then finds it done.
if [ ! -d "$B/node_modules" ] || [ "$B/package-lock.json" -nt "$B/node_modules" ]; then
	echo "# installing the browser test's npm packages (npm ci)"
	if (cd "$B" && flock . bash -c \
	    '[ -d node_modules ] && [ ! package-lock.json -nt node_modules ] ||
	     { npm ci --no-audit --no-fund --loglevel=error && touch node_modules; }') \
	    >"$OUT/npm-ci.log" 2>&1; then
		ok "npm ci installs the pinned playwright-core and axe-core"
	else
		not_ok "npm ci installs the pinned playwright-core and axe-core"
		sed 's/^/#   /' "$OUT/npm-ci.log"
		done_testing
		exit 1
	fi
fi

"$ADMIN" init --data "$D" --demo --port 0 >/dev/null
PASSWORD=$(sed -n 's/^caseworker password: //p' "$D/demo-credentials.txt")
check "the demo data holds the caseworker's password" test -n "$PASSWORD"
check "passnumd starts" passnumd_start "$D/passnumd.ini"

# The Node script prints its own TAP lines, numbered from 1; renumber them
# after ours so that the whole log is one TAP stream.
node "$B/pages.test.mjs" "$URL" "$PASSWORD" "$OUT/screens" >"$OUT/browser.tap" 2>&1
node_status=$?
while IFS= read -r line; do
	case $line in
	"ok "[0-9]*) ok "${line#ok [0-9]* - }" ;;
	"not ok "[0-9]*) not_ok "${line#not ok [0-9]* - }" ;;
	1..*) ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$OUT/browser.tap"
if [ "$node_status" -ne 0 ] && ! grep -q '^not ok' "$OUT/browser.tap"; then
	not_ok "the browser test exited with status $node_status"
fi

stop
check "passnumd stops cleanly" test "$status" -eq 0
check "no error in the server log" sh -c "! grep -qi 'error\|sanitizer' '$OUT/server.log'"
done_testing
