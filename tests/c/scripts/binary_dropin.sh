#!/usr/bin/env bash
# Scenario: binary drop-in. Compile the seed against Debian's libevent (system
# headers, -levent), then run that very binary with LD_LIBRARY_PATH pointing
# at our build: /proc/PID/maps must show our libevent-2.1.so.7 (and no system
# libevent), and it must serve clients and shut down on SIGINT as usual.
# Exit: 0 pass, 77 skip, other fail.
set -u
. "$(dirname "$0")/lib.sh"

[ "$IMPL" = ours ] || skip "only meaningful with IMPL=ours"
[ -f "$SEED" ] || skip "seed program not found at $SEED"
have_system_libevent_dev || skip "real libevent development files (libevent-dev) not installed"
[ -e "$ROOT/build/lib/libevent-2.1.so.7" ] || fail "our library is not built ($ROOT/build/lib/libevent-2.1.so.7 missing)"

enter_netns "$@"

BIN="$BUILD/seed_linked_to_system"
compile_seed "$BIN" pc_system
say "compiled the seed against the system libevent"
ldd "$BIN" | grep -q 'libevent-2\.1\.so\.7' || fail "binary does not depend on libevent-2.1.so.7"

run_seed_scenario "$BIN" 60 10 1
