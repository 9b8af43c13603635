#!/usr/bin/env bash
# Scenario: compile the UNMODIFIED seed hello-world.c against the implementation
# under test (no compiler output allowed), run it in a private network
# namespace (it listens on the fixed port 9995), drive several hundred clients
# at it (some concurrent, ~10% disconnecting early, some with RST), then SIGINT:
# every client must be accounted for in its stdout, the shutdown must take
# ~2 s, exit 0, and "done" must be the last line.
# Exit: 0 pass, 77 skip, other fail.
set -u
. "$(dirname "$0")/lib.sh"

[ -f "$SEED" ] || skip "seed program not found at $SEED"
if [ "$IMPL" = real ]; then
	have_system_libevent_dev || skip "real libevent development files not installed"
else
	[ -f "$ROOT/build/lib/pkgconfig/libevent.pc" ] || fail "our library is not built"
fi

enter_netns "$@"

BIN="$BUILD/seed_hello_world"
compile_seed "$BIN" pc_impl
say "compiled the seed against IMPL=$IMPL without diagnostics"

# when testing ours, make sure ours is what runs
check=0
[ "$IMPL" = ours ] && check=1
run_seed_scenario "$BIN" 400 40 "$check"
