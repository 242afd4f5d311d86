# faketime.sh -- run an end-to-end script's programs at the dates it chooses
# (sourced after lib.sh), through libfaketime (Debian package faketime).
#
#   at DATE          from now on, programs run as if it were DATE (UTC),
#                    the clock running on from there
#   ft CMD...        run CMD at that time
#   ft_start CONFIG LOG
#                    start passnumd at that time, its output in LOG, and
#                    wait until it listens; sets PID and URL

# ASan refuses to start when libfaketime is preloaded ahead of it unless told.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
# The library itself rather than the faketime wrapper, so that the
# process started (and stopped) is the program.
FTLIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
if [ -z "$FTLIB" ]; then
	not_ok "libfaketime is installed (Debian package faketime)"
	done_testing
	exit 1
fi
FT_OFF=0
at() { FT_OFF=$(( $(date -u -d "$1" +%s) - $(date +%s) )); }
ftoff() { if [ "$FT_OFF" -ge 0 ]; then echo "+${FT_OFF}"; else echo "${FT_OFF}"; fi; }
ft() {
	env LD_PRELOAD="$FTLIB" FAKETIME="$(ftoff)" \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 "$@"
}
# Started by env itself, not through ft (a function run in the background
# is a subshell), so that $! is passnumd.
ft_start() {
	# Emptied here, not by the background job's redirection: the wait
	# below must not read a previous run's "listening on" and its port.
	: >"$2"
	env LD_PRELOAD="$FTLIB" FAKETIME="$(ftoff)" \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    "$BUILD/bin/passnumd" --config "$1" >"$2" 2>&1 &
	PID=$!
	i=0
	while ! grep -q "listening on" "$2" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $PID 2>/dev/null; then
			sed 's/^/#   /' "$2"
			return 1
		fi
		sleep 0.1
	done
	URL=$(sed -n 's/.*listening on \(https*:[^ ]*\)\/$/\1/p' "$2")
}
