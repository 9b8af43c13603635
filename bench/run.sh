#!/usr/bin/env bash
# goevent benchmarks: builds bench/*.c twice - against our library (build/lib)
# and against Debian's libevent 2.1.12 - runs both, alternating, and prints
# one table row per shape (real, ours, unit, ratio, the target of issue 11)
# and the geometric mean of the ratios; also writes it to build/bench/results.md.
# See bench/README.md.
#
# usage: bench/run.sh
#   REPS=n             repetitions per row (default 3; the median is shown)
#   BENCH=a,b,c*       run only the rows with these names (shell patterns)
#   BENCH_OURS_LIB=dir another build of our library (to test this script)
#   BENCH_SELF=1       "ours" is a copy of Debian's libevent: every ratio should
#                      be 1.00, the spread is the machine's noise
#   BENCH_QUIET=1      on a shared machine: before each repetition of a row, wait
#                      (up to 5 min) until the CPUs are at least 90 % idle over 3 s
#
# Benchmarks report; no number fails the run.  Exit status 1 only when a
# program could not be built or run (its row says FAILED and why).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT="$ROOT/build/bench"
LOGS="$OUT/logs"
RESULTS="$OUT/results.md"
OURS_LIB=${BENCH_OURS_LIB:-"$ROOT/build/lib"}
if [ -n "${BENCH_SELF:-}" ]; then
	# noise floor: "ours" is a copy of Debian's libevent, so every ratio
	# should be 1.00; the spread shows how noisy the machine is right now
	OURS_LIB="$ROOT/build/bench/selflib"
	mkdir -p "$OURS_LIB/pkgconfig" || exit 1
	sysdir=$(env -u PKG_CONFIG_PATH pkg-config --variable=libdir libevent 2>/dev/null)
	for f in libevent-2.1.so.7 libevent_core-2.1.so.7 libevent_pthreads-2.1.so.7; do
		cp -L "$sysdir/$f" "$OURS_LIB/" 2>/dev/null
	done
	ln -sf libevent-2.1.so.7 "$OURS_LIB/libevent.so"
	env -u PKG_CONFIG_PATH pkg-config --print-variables libevent >/dev/null 2>&1 &&
		sed "s|^libdir=.*|libdir=$OURS_LIB|" "$(env -u PKG_CONFIG_PATH pkg-config --variable=pcfiledir libevent)/libevent.pc" \
		>"$OURS_LIB/pkgconfig/libevent.pc"
fi
OURS_PC="$OURS_LIB/pkgconfig"
CC=${CC:-cc}
CFLAGS="-O2 -g -Wall -Wextra"
REPS=${REPS:-3}
FILTER=${BENCH:-}
RUN_TIMEOUT=30       # seconds, one run of one row (a row may set its own)
SLOW_RUN=10          # a run slower than this is not repeated
PROGS=(echo dispatch buffers conns lifecycle dns http tag tls)   # built per implementation (tls: with libevent_openssl)
IMPLS=(real ours)

# One row per shape:
#   name | command | RESULT field | unit | better (lo: lower, hi: higher) | target | options
# The command's first word is a program of build/bench/<impl>/ ({impl}/prog)
# or of build/bench/tools/ ({tools}/prog), or fn:NAME for a function below.
# Options: timeout=S (per run), once (one run per implementation).
ROWS=(
	# evbuffer (one thread, no system calls)
	"evbuffer_readln_crlf|{impl}/buffers readln evbuffer_readln_crlf 3000000|value|ns/line|lo|<= 90 ns (aim <= 40)|"
	"evbuffer_add_buffer_64B|{impl}/buffers addbuf evbuffer_add_buffer_64B 3000000|value|ns/op|lo|<= 90 ns|"
	"evbuffer_reserve_commit_256|{impl}/buffers reserve evbuffer_reserve_commit_256 3000000|value|ns/op|lo|<= 70 ns (aim <= 20)|"
	"evbuffer_add_printf|{impl}/buffers printf evbuffer_add_printf 2000000|value|ns/op|lo|<= 80 ns|"
	"evbuffer_bulk_8x1MiB|{impl}/buffers bulk evbuffer_bulk_8x1MiB 200|value|GB/s|hi|ratio >= 1.0|"
	"evbuffer_bulk_8x1MiB_warm|{impl}/buffers bulkwarm evbuffer_bulk_8x1MiB_warm 200|value|GB/s|hi|ratio >= 1.0|"
	"evbuffer_pullup_16k_pieces|{impl}/buffers pullup evbuffer_pullup_16k_pieces 500|value|GB/s|hi|ratio >= 1.0|"
	"evbuffer_search_16MiB|{impl}/buffers search evbuffer_search_16MiB 200|value|GB/s|hi|ratio >= 1.0|"
	"evbuffer_add_drain_1e6|{impl}/dispatch evbuffer evbuffer_add_drain_1e6 1000000|ns_per_op|ns/op|lo|-|"
	"evbuffer_new_free|{impl}/buffers newfree evbuffer_new_free 3000000|value|ns/op|lo|<= real + 50 ns (one crossing)|"
	"evbuffer_new_add_free|{impl}/buffers newaddfree evbuffer_new_add_free 3000000|value|ns/op|lo|<= real + 50 ns (one crossing)|"
	# event loop, one process
	"event_active_1000|{impl}/dispatch active event_active_1000 5000 1000|value|ns/callback|lo|<= 30 ns|"
	"bench_classic_100|{impl}/dispatch classic bench_classic_100 1000 100|value|us/run|lo|ratio >= 1.0|"
	"bench_cascade_100|{impl}/dispatch cascade bench_cascade_100 1000 100|value|us/run|lo|ratio >= 1.0|"
	"chain_100|{impl}/dispatch chain chain_100 100 100 200000|ns_per_event|ns/event|lo|-|"
	"chain_1000|{impl}/dispatch chain chain_1000 1000 1000 200000|ns_per_event|ns/event|lo|-|"
	"timer_churn_1e6|{impl}/dispatch timers timer_churn_1e6 1000000 1000 main|ns_per_op|ns/op|lo|-|"
	"timer_churn_cb_1e6|{impl}/dispatch timers timer_churn_cb_1e6 1000000 1000 callback|ns_per_op|ns/op|lo|-|"
	# with a separate load-generator process on loopback
	"dispatch_100fds|{impl}/conns fds dispatch_100fds 100 1000|value|ns/event|lo|ratio >= 1.0|"
	"dispatch_1000fds|{impl}/conns fds dispatch_1000fds 1000 100|value|ns/event|lo|ratio >= 1.0|"
	"dispatch_10000fds|{impl}/conns fds dispatch_10000fds 10000 10|value|ns/event|lo|ratio >= 1.0|"
	"conn_setup|{impl}/conns setup conn_setup 5000|value|us CPU/conn|lo|ratio >= 1.0|"
	"idle_conn_rss_10k|{impl}/conns idle idle_conn_rss_10k 10000|value|B/conn|lo|<= real|"
	"echo_64B_1conn_1cpu|{impl}/echo bench echo_64B_1conn_1cpu 1 30000 onecpu|msgs_per_sec|msg/s|hi|-|"
	"echo_64B_50conn|{impl}/echo bench echo_64B_50conn 50 1000|msgs_per_sec|msg/s|hi|-|"
	"syscalls_64B_50conn|fn:syscalls syscalls_64B_50conn 50 100 500|value|syscalls/msg|lo|<= 2.1, no SIGURG to the loop thread|once"
	"syscalls_64B_1conn|fn:syscalls syscalls_64B_1conn 1 1000 5000|value|syscalls/msg|lo|-|once"
	# evdns (issue 12): lookups against a responder process of our own on
	# loopback, memory per request in flight, a server port under dnsperf
	"dns_lookups_1|{impl}/dns lookups dns_lookups_1 1 20000|value|lookups/s|hi|ratio >= 1.0|"
	"dns_lookups_100|{impl}/dns lookups dns_lookups_100 100 100000|value|lookups/s|hi|ratio >= 1.0|"
	"dns_lookups_1000|{impl}/dns lookups dns_lookups_1000 1000 100000|value|lookups/s|hi|ratio >= 1.0|"
	"dns_memory_per_request|{impl}/dns memory dns_memory_per_request 20000|value|B/request|lo|<= real|"
	"dns_server_qps|fn:dns_server dns_server_qps 5|value|queries/s|hi|ratio >= 1.0|"
	# evhttp (issue 13): a minimal server under wrk (1 thread) at 1, 50 and 500
	# connections, keep-alive and not; a client's requests one after another;
	# RSS per open server connection
	"http_wrk_1_keepalive|fn:http_wrk http_wrk_1_keepalive 1 ka 4|value|req/s|hi|ratio >= 1.0|"
	"http_wrk_50_keepalive|fn:http_wrk http_wrk_50_keepalive 50 ka 4|value|req/s|hi|ratio >= 1.0|"
	"http_wrk_500_keepalive|fn:http_wrk http_wrk_500_keepalive 500 ka 4|value|req/s|hi|ratio >= 1.0|"
	"http_wrk_1_close|fn:http_wrk http_wrk_1_close 1 close 4|value|req/s|hi|ratio >= 1.0|"
	"http_wrk_50_close|fn:http_wrk http_wrk_50_close 50 close 4|value|req/s|hi|ratio >= 1.0|"
	"http_wrk_500_close|fn:http_wrk http_wrk_500_close 500 close 4|value|req/s|hi|ratio >= 1.0|"
	"http_client_loop|{impl}/http client http_client_loop 20000|value|req/s|hi|ratio >= 1.0|"
	"http_memory_per_connection|{impl}/http memory http_memory_per_connection 2000|value|B/connection|lo|<= real|"
	# evtag (issue 13): a message marshalled and unmarshalled as
	# event_rpcgen.py's generated code does, and "flat" (evtag calls only)
	"evtag_marshal_struct|{impl}/tag marshal evtag_marshal_struct 1000000|value|ns/msg|lo|-|"
	"evtag_unmarshal_struct|{impl}/tag unmarshal evtag_unmarshal_struct 1000000|value|ns/msg|lo|-|"
	"evtag_marshal_flat|{impl}/tag marshal evtag_marshal_flat 1000000 flat|value|ns/msg|lo|ratio >= 1.0|"
	"evtag_unmarshal_flat|{impl}/tag unmarshal evtag_unmarshal_flat 1000000 flat|value|ns/msg|lo|ratio >= 1.0|"
	# TLS bufferevents (issue 14): an echo server of libevent_openssl socket
	# bufferevents, blocking OpenSSL clients in other processes; the crypto is
	# the same OpenSSL, the difference is the plumbing
	"tls_echo_64B_50conn|{impl}/tls echo tls_echo_64B_50conn 50 1000 64|msgs_per_sec|msg/s|hi|ratio >= 1.0|"
	"tls_echo_64B_50conn_cpu|{impl}/tls echo tls_echo_64B_50conn_cpu 50 1000 64|server_us_per_msg|us CPU/msg|lo|ratio >= 1.0|"
	"tls_echo_16KiB_50conn|{impl}/tls echo tls_echo_16KiB_50conn 50 100 16384|msgs_per_sec|msg/s|hi|ratio >= 1.0|"
	"tls_echo_16KiB_50conn_cpu|{impl}/tls echo tls_echo_16KiB_50conn_cpu 50 100 16384|server_us_per_msg|us CPU/msg|lo|ratio >= 1.0|"
	"tls_handshakes|{impl}/tls handshakes tls_handshakes 1000 4|value|handshakes/s|hi|ratio >= 1.0|"
	"tls_handshakes_cpu|{impl}/tls handshakes tls_handshakes_cpu 1000 4|server_us_per_handshake|us CPU/conn|lo|ratio >= 1.0|"
	# whole processes
	"tmux_display|fn:tmux_display tmux_display 200|value|ms|lo|<= real + 1 ms|"
	"start_first_dispatch|{tools}/spawn run start_first_dispatch 200 {impl}/lifecycle start|value|ms|lo|-|"
	"start_load_only|{tools}/spawn run start_load_only 200 {impl}/lifecycle load|value|ms|lo|-|"
	"exit_after_loop|{tools}/spawn exit exit_after_loop 50 {impl}/lifecycle exit|value|ms|lo|<= real + 0.2 ms|"
	"exit_tmux_server|fn:tmux_exit exit_tmux_server 20|value|ms|lo|<= real + 0.2 ms|"
	# reference, not goevent: a C program without and with an empty Go
	# c-shared library (one call into it): the floor under the rows above
	"go_floor_start|fn:go_floor go_floor_start run 200|value|ms|lo|- (reference)|"
	"go_floor_exit|fn:go_floor go_floor_exit exit 100|value|ms|lo|- (reference)|"
	"timers_memory_kept|{impl}/lifecycle memback timers_memory_kept 1000000 cold|value|MiB|lo|<= +30 MiB|"
	"timers_memory_kept_running|{impl}/lifecycle memback timers_memory_kept_running 1000000 running|value|MiB|lo|<= +30 MiB|"
)

failed=0
declare -A build_err   # impl -> reason the build failed ("" = ok)
declare -A libpath     # impl -> the libevent the binaries resolve to
declare -A result      # impl|row -> median value, "FAILED" or "" (not run)
declare -A reason      # impl|row -> failure reason
declare -A nruns       # impl|row -> runs made
declare -A spread      # impl|row -> (max - min) / median of its runs, in %

have() { command -v "$1" >/dev/null 2>&1; }

wanted() {   # wanted NAME : is the row selected by BENCH?
	[ -z "$FILTER" ] && return 0
	local pat
	local -a pats
	IFS=',' read -r -a pats <<<"$FILTER"
	for pat in "${pats[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $pat ]] && return 0
	done
	return 1
}

pc() {   # pc IMPL ARGS... : pkg-config for one implementation
	local impl=$1; shift
	if [ "$impl" = ours ]; then
		PKG_CONFIG_PATH="$OURS_PC" pkg-config "$@"
	else
		env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR pkg-config "$@"
	fi
}

runenv() {   # runenv IMPL CMD... : run with the implementation's libraries
	local impl=$1; shift
	if [ "$impl" = ours ]; then
		env LD_LIBRARY_PATH="$OURS_LIB" "$@"
	else
		env -u LD_LIBRARY_PATH "$@"
	fi
}

oneline() {   # most telling line of a log file (bash's own job reports left out)
	local lines
	lines=$(grep -v -e '^[[:space:]]*$' -e 'run\.sh: line [0-9]*: ' "$1" 2>/dev/null)
	printf '%s\n' "$lines" | grep -m1 -iE 'error|undefined|fatal|cannot|panic|failed|gave up|nothing within' \
		|| printf '%s\n' "$lines" | head -n1
}
short() { local s=$1; [ ${#s} -gt 110 ] && s="${s:0:107}..."; printf '%s' "$s"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null; }
idle_pct() {   # idle_pct SECONDS: share of CPU time idle over the interval, in %
	local a b
	a=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat)
	sleep "$1"
	b=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
		d = y[2] - x[2]; printf "%.0f\n", (d > 0) ? 100 * (y[1] - x[1]) / d : 100 }'
}
quiet_waits=0 quiet_timeouts=0
wait_quiet() {   # with BENCH_QUIET: waits until the machine is idle (bounded)
	[ -n "${BENCH_QUIET:-}" ] || return 0
	local t0=$SECONDS waited=0
	while [ "$(idle_pct 3)" -lt 90 ]; do
		waited=1
		if [ $((SECONDS - t0)) -ge 300 ]; then
			quiet_timeouts=$((quiet_timeouts + 1))
			echo "  (machine still busy after 5 min; running anyway)"
			return 0
		fi
		sleep 7
	done
	quiet_waits=$((quiet_waits + waited))
}

selected=()
for r in "${ROWS[@]}"; do
	name=${r%%|*}
	wanted "$name" && selected+=("$r")
done
if [ ${#selected[@]} -eq 0 ]; then
	echo "bench: BENCH=$FILTER selects no row; rows are:" >&2
	for r in "${ROWS[@]}"; do echo "  ${r%%|*}" >&2; done
	exit 2
fi

mkdir -p "$OUT/real" "$OUT/ours" "$OUT/tools" "$LOGS" || exit 1
rm -f "$LOGS"/*
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 4096 2>/dev/null

# ------------------------------------------------------------------ build
build_impl() {
	local impl=$1 dir="$OUT/$1" log="$LOGS/build-$1.log"
	: > "$log"
	if ! have pkg-config; then
		build_err[$impl]="pkg-config not installed"; return
	fi
	if [ "$impl" = ours ]; then
		if [ ! -f "$OURS_PC/libevent.pc" ]; then
			build_err[$impl]="library not built ($OURS_PC/libevent.pc missing; run make)"; return
		fi
	elif ! pc real --exists libevent; then
		build_err[$impl]="Debian libevent not installed (apt-get install libevent-dev)"; return
	fi
	local cflags libs
	cflags=$(pc "$impl" --cflags libevent) && libs=$(pc "$impl" --libs libevent) || {
		build_err[$impl]="pkg-config --cflags/--libs libevent failed"; return; }
	local p pcf pl
	for p in "${PROGS[@]}"; do
		rm -f "$dir/$p"
		pcf=$cflags pl=$libs
		if [ "$p" = tls ]; then   # libevent_openssl and OpenSSL too
			pcf=$(pc "$impl" --cflags libevent_openssl libevent openssl) &&
				pl=$(pc "$impl" --libs libevent_openssl libevent openssl) || {
				build_err[$impl]="pkg-config libevent_openssl/openssl failed"; return; }
		fi
		# shellcheck disable=SC2086
		if ! $CC $CFLAGS -I"$HERE" $pcf "$HERE/$p.c" -o "$dir/$p" $pl >>"$log" 2>&1; then
			build_err[$impl]="building $p.c: $(short "$(oneline "$log")")"; return
		fi
	done
	# The binaries must resolve libevent to the intended implementation.
	local got
	got=$(runenv "$impl" ldd "$dir/echo" 2>/dev/null | awk '/libevent/ {print $3; exit}')
	if [ -z "$got" ] || [ "$got" = "not" ]; then
		build_err[$impl]="ldd: libevent not found for $dir/echo"; return
	fi
	got=$(readlink -f "$got")
	if [ "$impl" = ours ] && [ "${got#"$(readlink -f "$OURS_LIB")"/}" = "$got" ]; then
		build_err[$impl]="binary resolves libevent to $got, not $OURS_LIB"; return
	fi
	if [ "$impl" = real ] && [ "${got#"$(readlink -f "$OURS_LIB")"/}" != "$got" ]; then
		build_err[$impl]="real binary resolves libevent to our $got"; return
	fi
	libpath[$impl]=$got
	build_err[$impl]=""
}

for impl in "${IMPLS[@]}"; do
	build_impl "$impl"
done
# libevent-free tools: the traced echo server's client and the process timer
tools_err=""
if ! $CC $CFLAGS -DECHO_CLIENT_ONLY "$HERE/echo.c" -o "$OUT/tools/echo-client" >"$LOGS/build-tools.log" 2>&1 ||
   ! $CC $CFLAGS -I"$HERE" "$HERE/spawn.c" -o "$OUT/tools/spawn" >>"$LOGS/build-tools.log" 2>&1; then
	tools_err="building the tools: $(short "$(oneline "$LOGS/build-tools.log")")"
fi
# the go_floor rows' programs: plain, and calling an empty Go c-shared library
gofloor_err=""
if ! $CC $CFLAGS "$HERE/gofloor.c" -o "$OUT/tools/gofloor-c" >"$LOGS/build-gofloor.log" 2>&1 ||
   ! (cd "$ROOT" && go build -buildmode=c-shared -o "$OUT/tools/libgofloor.so" ./bench/gofloor) >>"$LOGS/build-gofloor.log" 2>&1 ||
   ! $CC $CFLAGS -DGOFLOOR "$HERE/gofloor.c" -o "$OUT/tools/gofloor-go" -L"$OUT/tools" -l:libgofloor.so \
	-Wl,-rpath,"$OUT/tools" >>"$LOGS/build-gofloor.log" 2>&1; then
	gofloor_err="building the go_floor programs: $(short "$(oneline "$LOGS/build-gofloor.log")")"
fi

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
header="goevent benchmarks: $(nproc 2>/dev/null || echo '?') CPUs (${cpu:-unknown CPU}), $(uname -sr), REPS=$REPS (median)"
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || commit="$commit+changes"
load_start=$(loadavg)
[ -n "${BENCH_SELF:-}" ] && header="$header; BENCH_SELF: ours = a copy of Debian's libevent (noise floor)"
echo "$header"
echo "commit $commit, $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start: $load_start"
for impl in "${IMPLS[@]}"; do
	if [ -n "${build_err[$impl]}" ]; then
		echo "  $impl: FAILED (${build_err[$impl]})"
		failed=1
	else
		echo "  $impl: ${libpath[$impl]}"
	fi
done
[ -n "$tools_err" ] && echo "  tools: FAILED ($tools_err)" && failed=1
echo

# ------------------------------------------------------------------ function rows
# A function row prints a RESULT line on stdout, or explains on stderr and
# returns non-zero.  Arguments: IMPL REP then the row's own.

# strace_server IMPL CONNS ROUNDS OUT STRACE-OPTIONS... : traces the echo
# server over CONNS connections x ROUNDS round trips; sets st_err, st_pid.
strace_server() {
	local impl=$1 conns=$2 n=$3 st=$4; shift 4
	local base="$LOGS/strace-$impl-$conns-$n-$RANDOM"
	local portfile="$base.port" spid port rc i
	st_err="" st_pid=""
	rm -f "$portfile" "$st"
	runenv "$impl" timeout -k 3 60 strace "$@" -o "$st" \
		"$OUT/$impl/echo" serve "$conns" "$portfile" >"$base.server.out" 2>"$base.server.err" </dev/null &
	spid=$!
	for ((i = 0; i < 200; i++)); do   # up to 20 s for the port
		[ -s "$portfile" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	port=$(cat "$portfile" 2>/dev/null)
	if [ -z "$port" ]; then
		kill "$spid" 2>/dev/null
		wait "$spid"
		st_err="server did not start: $(short "$(oneline "$base.server.err")")"
		return 1
	fi
	timeout -k 3 60 "$OUT/tools/echo-client" client "$port" "$conns" "$n" \
		>"$base.client.out" 2>"$base.client.err" </dev/null
	rc=$?
	if [ $rc -ne 0 ]; then
		kill "$spid" 2>/dev/null
		wait "$spid"
		st_err="client exit $rc: $(short "$(oneline "$base.client.err")")"
		return 1
	fi
	wait "$spid"
	rc=$?
	if [ $rc -ne 0 ] || [ ! -e "$st" ]; then
		st_err="traced server exit $rc: $(short "$(oneline "$base.server.err")")"
		return 1
	fi
	st_pid=$(sed -n 's/.* pid=\([0-9]*\).*/\1/p' "$base.server.out")
}

# strace -c table -> "syscall calls" lines
st_counts() {
	awk '/^-----/ || /% time/ || / total$/ { next }
	     NF == 6 { print $6, $4 } NF == 5 { print $5, $4 }' "$1"
}

# syscalls IMPL REP NAME CONNS N1 N2: system calls per echoed 64-byte
# message, all threads (strace -f -c), from the difference of an N2-round and
# an N1-round run (start-up and tear-down cancel out); then a run traced only
# for tgkill/SIGURG to see whether runtime signals reach the loop thread.
syscalls() {
	local impl=$1 name=$3 conns=$4 n1=$5 n2=$6
	if ! have strace; then echo "strace not installed (apt-get install strace)" >&2; return 1; fi
	[ -n "$tools_err" ] && { echo "$tools_err" >&2; return 1; }
	local s1="$LOGS/strace-$name-$impl-$n1.txt" s2="$LOGS/strace-$name-$impl-$n2.txt"
	local sig="$LOGS/strace-$name-$impl-signals.txt" per="$LOGS/$name-$impl.per-msg"
	strace_server "$impl" "$conns" "$n1" "$s1" -f -c || { echo "$st_err" >&2; return 1; }
	strace_server "$impl" "$conns" "$n2" "$s2" -f -c || { echo "$st_err" >&2; return 1; }
	local msgs=$(((n2 - n1) * conns))
	join -a1 -a2 -e 0 -o 0,1.2,2.2 <(st_counts "$s1" | sort) <(st_counts "$s2" | sort) |
	awk -v d="$msgs" '
		{ per = ($3 - $2) / d; tot += per; if (per > 0.005 || per < -0.005) printf "%s %.3f\n", $1, per }
		END { printf "TOTAL %.3f\n", tot }' | sort -k2,2gr >"$per"
	local total top
	total=$(awk '$1 == "TOTAL" { print $2 }' "$per")
	top=$(awk '$1 != "TOTAL" { printf "%s%s %s", sep, $1, $2; sep = ", " }' "$per")
	# signals: trace only tgkill/tkill (seccomp filter: the rest runs untraced)
	local opts=(-f -qq -e trace=tgkill,tkill -e signal=SIGURG)
	if strace --seccomp-bpf -f -e trace=none true >/dev/null 2>&1; then
		opts=(--seccomp-bpf "${opts[@]}")
	fi
	local sigline="signals: not measured"
	if strace_server "$impl" "$conns" "$n2" "$sig" "${opts[@]}" && [ -n "$st_pid" ]; then
		sigline=$(awk -v main="$st_pid" -v msgs=$((n2 * conns)) '
			/tgkill\(.*SIGURG/ { sent++ }
			/--- SIGURG/ { if ($1 == main) loop++; else other++ }
			END { printf "SIGURG in a %d-message run: %d sent (tgkill), %d delivered to the loop thread, %d to other threads",
			      msgs, sent, loop, other }' "$sig")
	fi
	printf '%s\n%s\n' "syscalls/msg by call: ${top:-none}" "$sigline" >"$LOGS/$name-$impl.detail"
	echo "RESULT name=$name value=$total unit=syscalls/msg"
}

# dns_server IMPL REP NAME SECONDS: queries per second an evdns server port
# (bench/dns.c serve) answers under dnsperf (one client, 100 in flight) for
# SECONDS seconds, on loopback.
dns_server() {
	local impl=$1 name=$3 secs=$4
	if ! have dnsperf; then echo "dnsperf not installed (apt-get install dnsperf)" >&2; return 1; fi
	local pf="$LOGS/$name-$impl.port" q="$LOGS/$name.queries" pid port rc out
	rm -f "$pf"
	[ -s "$q" ] || for i in $(seq 1 1000); do echo "host$i.bench.test A"; done >"$q"
	runenv "$impl" timeout -k 2 $((secs + 30)) "$OUT/$impl/dns" serve "$pf" </dev/null >"$LOGS/$name-$impl.server.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do [ -s "$pf" ] && break; sleep 0.05; done
	port=$(cat "$pf" 2>/dev/null)
	if [ -z "$port" ]; then echo "the server did not start" >&2; kill "$pid" 2>/dev/null; wait "$pid"; return 1; fi
	out=$(timeout $((secs + 20)) dnsperf -s 127.0.0.1 -p "$port" -d "$q" -l "$secs" -c 1 -T 1 -q 100 -t 2 2>&1)
	rc=$?
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	printf '%s\n' "$out" >"$LOGS/$name-$impl.dnsperf"
	local qps lost
	qps=$(printf '%s\n' "$out" | awk '/Queries per second:/ { print $4 }')
	lost=$(printf '%s\n' "$out" | awk '/Queries lost:/ { print $3 }')
	if [ $rc -ne 0 ] || [ -z "$qps" ]; then echo "dnsperf failed: $(printf '%s\n' "$out" | tail -n 1)" >&2; return 1; fi
	echo "RESULT name=$name value=$qps unit=queries/s lost=$lost"
}

# http_wrk IMPL REP NAME CONNS ka|close SECS: bench/http's server on IMPL's
# library under wrk (one thread, CONNS connections; "close": every request
# with Connection: close, a new connection each).
http_wrk() {
	local impl=$1 name=$3 conns=$4 mode=$5 secs=$6
	if ! have wrk; then echo "wrk not installed (apt-get install wrk)" >&2; return 1; fi
	local pf="$LOGS/$name-$impl.port" pid port rc out
	rm -f "$pf"
	runenv "$impl" timeout -k 2 $((secs + 30)) "$OUT/$impl/http" serve "$pf" </dev/null >"$LOGS/$name-$impl.server.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do [ -s "$pf" ] && break; sleep 0.05; done
	port=$(cat "$pf" 2>/dev/null)
	if [ -z "$port" ]; then echo "the server did not start" >&2; kill "$pid" 2>/dev/null; wait "$pid"; return 1; fi
	local hdr=()
	[ "$mode" = close ] && hdr=(-H "Connection: close")
	out=$( (ulimit -n 4096 2>/dev/null; timeout $((secs + 20)) wrk -t 1 -c "$conns" -d "${secs}s" "${hdr[@]}" "http://127.0.0.1:$port/") 2>&1)
	rc=$?
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	printf '%s\n' "$out" >"$LOGS/$name-$impl.wrk"
	local rps errs
	rps=$(printf '%s\n' "$out" | awk '/Requests\/sec:/ { print $2 }')
	errs=$(printf '%s\n' "$out" | awk '/Socket errors:|Non-2xx/ { $1 = $1; print }' | tr '\n' ' ')
	if [ $rc -ne 0 ] || [ -z "$rps" ]; then echo "wrk failed: $(printf '%s\n' "$out" | tail -n 1)" >&2; return 1; fi
	echo "RESULT name=$name value=$rps unit=req/s errors=${errs:-none}"
}

# tmux_usable IMPL: Debian's tmux is installed and, for ours, loads our library.
tmux_usable() {
	local impl=$1 lib
	if ! have tmux; then echo "tmux not installed (apt-get install tmux)" >&2; return 1; fi
	[ -n "$tools_err" ] && { echo "$tools_err" >&2; return 1; }
	lib=$(runenv "$impl" ldd "$(command -v tmux)" 2>/dev/null | awk '/libevent/ {print $3; exit}')
	lib=$(readlink -f "$lib" 2>/dev/null)
	if [ "$impl" = ours ] && [ "${lib#"$(readlink -f "$OURS_LIB")"/}" = "$lib" ]; then
		echo "tmux resolves libevent to '$lib', not to $OURS_LIB" >&2; return 1
	fi
}

# alive PID: the process exists and is not a zombie (its parent, often init, reaps it)
alive() {
	local st
	st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

# gone PID...: waits up to 5 s for each process to end; kills a leftover
# tmux server or its pane's sleep (only those).
gone() {
	local p i
	for p in "$@"; do
		[ -n "$p" ] || continue
		for ((i = 0; i < 50; i++)); do
			alive "$p" || break
			sleep 0.1
		done
		if alive "$p"; then
			case $(cat "/proc/$p/comm" 2>/dev/null) in
			tmux*|sleep) kill -9 "$p" 2>/dev/null ;;
			esac
		fi
	done
}

# tmux_display IMPL REP NAME N: Debian's tmux, on its own socket in a
# temporary directory, server and clients on IMPL's library; N clients
# `tmux display -p x` one after another (spawn run: mean).
tmux_display() {
	local impl=$1 name=$3 n=$4
	tmux_usable "$impl" || return 1
	local dir rc spid ppid
	dir=$(mktemp -d "${TMPDIR:-/tmp}/goevent-bench-tmux.XXXXXX") || return 1
	local tm=(env -u TMUX TERM=xterm tmux -S "$dir/s" -f /dev/null)
	if ! runenv "$impl" timeout -k 2 10 "${tm[@]}" new-session -d -s bench "sleep 600" </dev/null; then
		echo "tmux server did not start" >&2; rm -rf "$dir"; return 1
	fi
	spid=$(runenv "$impl" timeout -k 2 5 "${tm[@]}" display -p '#{pid}' </dev/null)
	ppid=$(runenv "$impl" timeout -k 2 5 "${tm[@]}" display -p '#{pane_pid}' </dev/null)
	runenv "$impl" timeout -k 3 60 env -u TMUX TERM=xterm "$OUT/tools/spawn" run "$name" "$n" \
		tmux -S "$dir/s" display -p x </dev/null
	rc=$?
	runenv "$impl" timeout -k 2 5 "${tm[@]}" kill-server </dev/null >/dev/null 2>&1
	gone "$spid" "$ppid"
	rm -rf "$dir"
	return $rc
}

# go_floor IMPL REP NAME MODE N: spawn MODE (run: start to exit; exit: from
# the program's stamp to reaped) over N processes of the reference program:
# "real" is gofloor.c alone, "ours" the same calling an empty Go c-shared
# library. Not goevent: the difference is the least any Go core adds.
go_floor() {
	local impl=$1 name=$3 mode=$4 n=$5 prog=$OUT/tools/gofloor-c
	[ -n "$gofloor_err" ] && { echo "$gofloor_err" >&2; return 1; }
	[ "$impl" = ours ] && prog=$OUT/tools/gofloor-go
	timeout -k 3 60 "$OUT/tools/spawn" "$mode" "$name" "$n" "$prog" </dev/null
}

# tmux_exit IMPL REP NAME N: N tmux servers (on IMPL's library), each sent
# SIGTERM as `tmux kill-server` does; time until the process has exited.
tmux_exit() {
	local impl=$1 name=$3 n=$4
	tmux_usable "$impl" || return 1
	local dir rc spid
	dir=$(mktemp -d "${TMPDIR:-/tmp}/goevent-bench-tmux.XXXXXX") || return 1
	runenv "$impl" timeout -k 3 60 env -u TMUX TERM=xterm "$OUT/tools/spawn" tmuxexit "$name" "$n" \
		tmux "$dir/s" </dev/null
	rc=$?
	local sock
	for sock in "$dir"/s.*; do   # a server left by a failed run
		[ -S "$sock" ] || continue
		spid=$(runenv "$impl" timeout -k 2 5 tmux -S "$sock" display -p '#{pid}' </dev/null 2>/dev/null)
		[ -n "$spid" ] || continue
		runenv "$impl" timeout -k 2 5 tmux -S "$sock" kill-server </dev/null >/dev/null 2>&1
		gone "$spid"
	done
	rm -rf "$dir"
	return $rc
}

# ------------------------------------------------------------------ run
# run_one IMPL ROW REP : sets run_val (number) or run_err (reason); run_secs
run_one() {
	local impl=$1 name=$2 rep=$3 spec=$4 metric=$5 tmo=$6
	local base="$LOGS/$impl-$name-$rep" rc t0 t1
	local -a cmd
	spec=${spec//\{impl\}/$OUT/$impl}
	spec=${spec//\{tools\}/$OUT/tools}
	read -r -a cmd <<<"$spec"
	run_val="" run_err=""
	t0=$(date +%s.%N)
	if [ "${cmd[0]#fn:}" != "${cmd[0]}" ]; then
		"${cmd[0]#fn:}" "$impl" "$rep" "${cmd[@]:1}" >"$base.out" 2>"$base.err" </dev/null
	else
		runenv "$impl" timeout -k 3 "$tmo" "${cmd[@]}" >"$base.out" 2>"$base.err" </dev/null
	fi
	rc=$?
	t1=$(date +%s.%N)
	run_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	local line
	line=$(grep -m1 "^RESULT name=$name " "$base.out")
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		run_err="timed out after ${tmo}s"
	elif [ $rc -gt 128 ]; then
		run_err="killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo '?'))"
	elif [ $rc -ne 0 ]; then
		run_err="exit $rc"
	elif [ -z "$line" ]; then
		run_err="no RESULT line"
	else
		run_val=$(printf '%s\n' "$line" | tr ' ' '\n' | awk -F= -v m="$metric" '$1 == m { print $2 }')
		[ -n "$run_val" ] || run_err="RESULT line has no $metric"
	fi
	if [ -n "$run_err" ]; then
		local msg
		msg=$(oneline "$base.err")
		[ -n "$msg" ] && run_err="$run_err: $(short "$msg")"
		run_err="$run_err; log $base.err"
	fi
}

spread_pct() { sort -g | awk '{ v[NR] = $1 } END {
	if (NR < 2) exit
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	if (m != 0) printf "%.0f\n", 100 * (v[NR] - v[1]) / (m < 0 ? -m : m) }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

fmt_val() {   # fmt_val VALUE UNIT
	awk -v v="$1" -v u="$2" 'BEGIN {
		if (u ~ /\/s$/ && u != "GB/s") {
			if (v >= 1e6) printf "%.2fM", v / 1e6; else if (v >= 1e3) printf "%.1fk", v / 1e3; else printf "%.0f", v
		} else if (u == "B/conn") printf "%.0f", v
		else if (u == "GB/s" || u == "ms" || u == "syscalls/msg") printf "%.2f", v
		else printf "%.1f", v }'
}

for r in "${selected[@]}"; do
	IFS='|' read -r name spec metric unit better target opts <<<"$r"
	tmo=$RUN_TIMEOUT reps=$REPS
	for o in ${opts//,/ }; do
		case $o in
		timeout=*) tmo=${o#timeout=} ;;
		once) reps=1 ;;
		esac
	done
	declare -A vals=() done_impl=()
	for impl in "${IMPLS[@]}"; do
		vals[$impl]=""
		if [ -n "${build_err[$impl]}" ]; then
			reason[$impl|$name]="build: ${build_err[$impl]}"
			done_impl[$impl]=1
		elif [ "${spec#\{tools\}}" != "$spec" ] && [ -n "$tools_err" ]; then
			reason[$impl|$name]=$tools_err
			done_impl[$impl]=1
		fi
	done
	for ((rep = 1; rep <= reps; rep++)); do
		wait_quiet
		# alternate which implementation goes first
		if ((rep % 2)); then order=(real ours); else order=(ours real); fi
		for impl in "${order[@]}"; do
			[ -n "${done_impl[$impl]:-}" ] && continue
			run_one "$impl" "$name" "$rep" "$spec" "$metric" "$tmo"
			if [ -n "$run_err" ]; then
				reason[$impl|$name]=$run_err
				done_impl[$impl]=1
				continue
			fi
			vals[$impl]+="$run_val"$'\n'
			# a very slow implementation is not repeated (keeps the total bounded)
			if awk -v s="$run_secs" -v l="$SLOW_RUN" 'BEGIN { exit !(s > l) }'; then
				done_impl[$impl]=1
			fi
		done
	done
	line=$(printf '%-28s' "$name")
	for impl in "${IMPLS[@]}"; do
		if [ -n "${reason[$impl|$name]:-}" ]; then
			result[$impl|$name]=FAILED
			failed=1
		else
			result[$impl|$name]=$(printf '%s' "${vals[$impl]}" | median)
			nruns[$impl|$name]=$(printf '%s' "${vals[$impl]}" | grep -c .)
			spread[$impl|$name]=$(printf '%s' "${vals[$impl]}" | spread_pct)
		fi
		line+=$(printf '  %s: %s' "$impl" "${result[$impl|$name]}")
	done
	echo "$line"
	for impl in "${IMPLS[@]}"; do
		if [ "${result[$impl|$name]}" = FAILED ]; then
			echo "    $impl: FAILED (${reason[$impl|$name]})"
		fi
	done
	unset vals done_impl
done
load_end=$(loadavg)

# ------------------------------------------------------------------ table
table() {
	local name spec metric unit better target opts
	echo "$header"
	echo "commit $commit, $(date -u '+%Y-%m-%d %H:%M UTC'); load average at start $load_start, at end $load_end"
	[ -n "${BENCH_QUIET:-}" ] && echo "BENCH_QUIET: each repetition started once the CPUs were >= 90 % idle over 3 s ($quiet_waits waited, $quiet_timeouts gave up after 5 min)"
	echo
	echo "ratio = libevent time / goevent time (for GB/s and msg/s rows: goevent / libevent): > 1 means goevent is better."
	echo
	printf '| %-27s | %10s | %10s | %-12s | %6s | %-36s | %6s |\n' benchmark real ours unit ratio "target (issue 11)" spread
	printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..29})" "$(printf -- '-%.0s' {1..12})" \
		"$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..8})" \
		"$(printf -- '-%.0s' {1..38})" "$(printf -- '-%.0s' {1..8})"
	local sumlog=0 nratio=0 short_runs=0
	for r in "${selected[@]}"; do
		IFS='|' read -r name spec metric unit better target opts <<<"$r"
		local rv=${result[real|$name]} ov=${result[ours|$name]} rs os ratio="-"
		rs=$rv os=$ov
		[ "$rv" != FAILED ] && rs=$(fmt_val "$rv" "$unit")
		[ "$ov" != FAILED ] && os=$(fmt_val "$ov" "$unit")
		local want=$REPS
		[ "${opts#*once}" != "$opts" ] && want=1
		local impl
		for impl in real ours; do
			if [ "${result[$impl|$name]}" != FAILED ] && [ "${nruns[$impl|$name]:-0}" -lt "$want" ]; then
				short_runs=1
				if [ $impl = real ]; then rs="$rs*"; else os="$os*"; fi
			fi
		done
		if [ "$rv" != FAILED ] && [ "$ov" != FAILED ]; then
			ratio=$(awk -v r="$rv" -v o="$ov" -v b="$better" 'BEGIN {
				if (r <= 0 || o <= 0) { print "-"; exit }
				printf "%.2f", (b == "hi") ? o / r : r / o }')
			# reference rows (not goevent) stay out of the geomean
			if [ "$ratio" != "-" ] && [ "${target%(reference)}" = "$target" ]; then
				sumlog=$(awk -v s="$sumlog" -v r="$rv" -v o="$ov" -v b="$better" 'BEGIN {
					printf "%.12f", s + log((b == "hi") ? o / r : r / o) }')
				nratio=$((nratio + 1))
			fi
		fi
		local sp="-" a=${spread[real|$name]:-} b=${spread[ours|$name]:-}
		if [ -n "$a$b" ]; then
			sp=$(( ${a:-0} > ${b:-0} ? ${a:-0} : ${b:-0} ))%
		fi
		printf '| %-27s | %10s | %10s | %-12s | %6s | %-36s | %6s |\n' "$name" "$rs" "$os" "$unit" "$ratio" "$target" "$sp"
	done
	echo
	if [ $nratio -gt 0 ]; then
		awk -v s="$sumlog" -v n="$nratio" 'BEGIN { printf "geomean of the %d ratios: %.2f (> 1: goevent better overall)\n", n, exp(s / n) }'
	else
		echo "geomean: no row has both implementations"
	fi
	echo "spread: (slowest - fastest run) / median, the larger of the two implementations' (noise; - = one run)"
	[ $short_runs -ne 0 ] && echo "(* = fewer runs than asked, because a run took over ${SLOW_RUN}s)"
	local any=0 f
	for r in "${selected[@]}"; do
		name=${r%%|*}
		for impl in real ours; do
			f="$LOGS/$name-$impl.detail"
			[ -f "$f" ] || continue
			[ $any -eq 0 ] && echo && echo "System calls per echoed 64-byte message (server only, all threads, strace -f -c; difference of two runs):" && any=1
			sed "s/^/  $name $impl: /" "$f"
		done
	done
	for r in "${selected[@]}"; do
		name=${r%%|*}
		for impl in real ours; do
			if [ "${result[$impl|$name]}" = FAILED ]; then
				echo "FAILED $name $impl: ${reason[$impl|$name]}"
			fi
		done
	done
}

echo
table | tee "$RESULTS"
echo "(also written to ${RESULTS#"$ROOT"/}; raw logs in ${LOGS#"$ROOT"/}/)"

echo
if [ $failed -ne 0 ]; then
	echo "bench: some benchmarks FAILED (see above); exit 1"
	exit 1
fi
echo "bench: all benchmarks ran for both implementations"
exit 0
