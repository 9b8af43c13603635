# Shared helpers for the scenario scripts (sourced, not a test).
# Environment from run.sh: IMPL=ours|real, ROOT=<repo root>, BUILD=<build dir>.
# shellcheck shell=bash

: "${IMPL:=ours}"
: "${ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
: "${BUILD:=$ROOT/build/tests/c/$IMPL}"
TESTS_C="$ROOT/tests/c"
# the unmodified seed program (override with SEED=... for experiments)
: "${SEED:=$ROOT/../shared/seed/hello-world.c}"
SEED_PORT=9995
mkdir -p "$BUILD"

say() { echo "[$(basename "$0" .sh)] $*"; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "skipped: $*"; echo "$*"; exit 77; }

# pkg-config for the implementation under test
pc_impl() {
	if [ "$IMPL" = ours ]; then
		PKG_CONFIG_PATH="$ROOT/build/lib/pkgconfig" pkg-config "$@"
	else
		env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR pkg-config "$@"
	fi
}
# pkg-config for the system's (Debian's) libevent
pc_system() {
	env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR pkg-config "$@"
}
have_system_libevent_dev() {
	command -v pkg-config >/dev/null 2>&1 && pc_system --exists libevent &&
		[ -f "$(pc_system --variable=includedir libevent)/event2/event.h" ]
}

# LD_LIBRARY_PATH to run programs with the implementation under test
impl_ld_path() {
	if [ "$IMPL" = ours ]; then echo "$ROOT/build/lib"; else echo ""; fi
}

# build the load client (plain C, no libevent)
build_client() {
	HELLO_CLIENT="$BUILD/hello_client"
	cc -Wall -Werror -O2 -o "$HELLO_CLIENT" "$TESTS_C/tools/hello_client.c" ||
		fail "could not build tools/hello_client.c"
}

# Run the rest of the calling script inside a private network namespace with
# only loopback up, so the seed's fixed port 9995 is free and nothing leaves
# the machine. Falls back to the host loopback if unshare is not permitted and
# port 9995 is free there; skips otherwise. Call as: enter_netns "$@"
enter_netns() {
	if [ "${IN_NETNS:-}" = 1 ]; then
		ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null ||
			fail "could not bring loopback up inside the namespace"
		return 0
	fi
	if command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
		IN_NETNS=1 exec unshare -n -- env IN_NETNS=1 IMPL="$IMPL" ROOT="$ROOT" BUILD="$BUILD" SEED="$SEED" \
			bash "$0" "$@"
	fi
	say "unshare --net not permitted; falling back to the host loopback"
	build_client
	if "$HELLO_CLIENT" --probe "$SEED_PORT" 2>/dev/null; then
		skip "port $SEED_PORT is in use on the host and no network namespace is available"
	fi
	if command -v ss >/dev/null 2>&1 && ss -Hltn "sport = :$SEED_PORT" 2>/dev/null | grep -q .; then
		skip "port $SEED_PORT is in use on the host and no network namespace is available"
	fi
}

# Compile the unmodified seed: compile_seed OUT PKGCONFIG_FUNC
# Fails if the compiler prints anything.
compile_seed() {
	local out=$1 pcf=$2 flags log
	flags=$($pcf --cflags --libs libevent) || fail "pkg-config --cflags --libs libevent failed"
	log="$out.cc.log"
	# shellcheck disable=SC2086
	if ! (cd "$(dirname "$SEED")" && cc -Wall "$(basename "$SEED")" -o "$out" $flags) >"$log" 2>&1; then
		cat "$log"
		fail "compiling the seed failed"
	fi
	if [ -s "$log" ]; then
		cat "$log"
		fail "the compiler printed diagnostics for the unmodified seed"
	fi
}

now_s() { date +%s.%N; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
fin() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# Check that process PID mapped our libevent and not the system's.
check_maps_ours() {
	local pid=$1 ours mapped sys
	ours=$(readlink -f "$ROOT/build/lib/libevent-2.1.so.7") ||
		fail "$ROOT/build/lib/libevent-2.1.so.7 does not exist"
	mapped=$(awk '{ print $6 }' "/proc/$pid/maps" 2>/dev/null | grep -E '/libevent' | sort -u)
	say "libevent objects mapped by the server:"
	echo "$mapped" | sed 's/^/    /'
	echo "$mapped" | grep -qxF "$ours" ||
		fail "the server did not map our library ($ours)"
	sys=$(echo "$mapped" | grep -E '^/(usr/)?lib' || true)
	[ -z "$sys" ] || fail "the server mapped the system's libevent: $sys"
}

# run_seed_scenario BIN TOTAL CONCURRENCY CHECK_MAPS(0|1)
# Starts the seed server binary, drives TOTAL clients at it, sends SIGINT and
# checks the transcript and the shutdown timing.
run_seed_scenario() {
	local bin=$1 total=$2 conc=$3 check_maps=$4
	local out="$BUILD/$(basename "$bin").server.out" err="$BUILD/$(basename "$bin").server.err"
	local ldp pid i t_int t_end el rc client_out normal ok early
	local n_flushed n_closed n_error n_caught last other

	build_client
	ldp=$(impl_ld_path)
	if [ -n "$ldp" ]; then
		LD_LIBRARY_PATH="$ldp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bin" </dev/null >"$out" 2>"$err" &
	else
		"$bin" </dev/null >"$out" 2>"$err" &
	fi
	pid=$!
	SERVER_PID=$pid
	trap 'kill -9 "$SERVER_PID" 2>/dev/null' EXIT
	# wait (bounded) until it listens
	for i in $(seq 1 100); do
		if "$HELLO_CLIENT" --probe "$SEED_PORT" 2>/dev/null; then break; fi
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"; rc=$?
			cat "$err"
			fail "server exited early with status $rc"
		fi
		sleep 0.05
	done
	if [ "$i" = 100 ]; then
		kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		fail "server did not listen on port $SEED_PORT within 5 s"
	fi
	# the probe itself is one more connection the server answers
	total_conns=$((total + 1))

	if [ "$check_maps" = 1 ]; then
		check_maps_ours "$pid"
	fi

	client_out=$("$HELLO_CLIENT" "$SEED_PORT" "$total" "$conc" 10 2>"$BUILD/client.err")
	rc=$?
	say "client: $client_out"
	if [ $rc -ne 0 ]; then
		head -n 20 "$BUILD/client.err"
		kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		fail "client reported failures"
	fi
	normal=$(echo "$client_out" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
	early=$(echo "$client_out" | sed -n 's/.* early=\([0-9]*\).*/\1/p')

	# (the server's stdout is block-buffered: its lines appear at exit; the
	# 2 s shutdown delay leaves it time to answer the last early clients)
	sleep 0.2

	t_int=$(now_s)
	kill -INT "$pid" 2>/dev/null || fail "could not signal the server"
	# bounded wait for the exit (max 10 s)
	for i in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	t_end=$(now_s)
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		fail "server still running 10 s after SIGINT"
	fi
	wait "$pid"; rc=$?
	el=$(fsub "$t_end" "$t_int")
	say "server exit status $rc, $el s after SIGINT"

	n_flushed=$(grep -cx 'flushed answer' "$out" || true)
	n_closed=$(grep -cx 'Connection closed\.' "$out" || true)
	n_error=$(grep -c '^Got an error on the connection: ' "$out" || true)
	n_caught=$(grep -cxF 'Caught an interrupt signal; exiting cleanly in two seconds.' "$out" || true)
	last=$(tail -n 1 "$out")
	other=$(grep -vxE 'flushed answer|Connection closed\.|Got an error on the connection: .*|Caught an interrupt signal; exiting cleanly in two seconds\.|done' "$out" || true)
	say "server lines: flushed=$n_flushed closed=$n_closed error=$n_error caught=$n_caught last='$last'"

	[ $rc -eq 0 ] || fail "server exit status $rc (expected 0)"
	fin "$el" 1.5 3.5 || fail "server exited $el s after SIGINT (expected 1.5-3.5 s)"
	[ "$n_caught" = 1 ] || fail "expected exactly one 'Caught an interrupt signal' line, got $n_caught"
	[ "$last" = done ] || fail "last line is '$last', expected 'done'"
	[ -z "$other" ] || fail "unexpected server output: $(echo "$other" | head -n 3)"
	[ "$n_flushed" -ge $((normal + 1)) ] ||
		fail "only $n_flushed 'flushed answer' lines for $normal completed clients (+1 probe)"
	[ $((n_flushed + n_closed + n_error)) -eq "$total_conns" ] ||
		fail "server lines account for $((n_flushed + n_closed + n_error)) connections, expected $total_conns ($total clients, $early early, + 1 probe)"
	if [ -s "$err" ]; then
		head -n 10 "$err"
		fail "server wrote to stderr"
	fi
	say "ok: $total clients ($early early disconnects) + probe accounted for; clean shutdown in $el s"
}
