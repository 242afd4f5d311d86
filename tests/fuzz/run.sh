#!/bin/sh
# run.sh -- run libFuzzer targets for a bounded time each.
#
#   tests/fuzz/run.sh SECONDS TARGET...
#
# Each target starts from its committed seeds, tests/fuzz/corpus/NAME/, and
# writes what it finds to a scratch corpus under build/fuzz/ (the committed
# seeds are never modified). A crash leaves its input in build/fuzz/crashes.
set -eu
cd "$(dirname "$0")/../.."
seconds=$1
shift
mkdir -p build/fuzz/crashes
for target in "$@"; do
	name=$(basename "$target")
	scratch="build/fuzz/corpus-$name"
	mkdir -p "$scratch"
	echo "== $name for ${seconds}s"
	"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=build/fuzz/crashes/"$name"- \
	    "$scratch" "tests/fuzz/corpus/$name"
done
