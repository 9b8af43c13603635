#!/usr/bin/env bash
# goevent benchmarks: builds bench/*.c twice - against our library (build/lib)
# and against Debian's libevent 2.1.12 - runs both, alternating, and prints a
# side-by-side table; then counts the echo server's system calls per message
# with strace (when installed).  See bench/README.md.
#
# usage: bench/run.sh            (REPS=n to change the 3 repetitions)
#
# Exit status: 0 if every benchmark ran for both implementations, 1 otherwise.
# A failing implementation/benchmark prints "ours: FAILED (reason)" and the
# run goes on.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT="$ROOT/build/bench"
LOGS="$OUT/logs"
OURS_LIB=${BENCH_OURS_LIB:-"$ROOT/build/lib"}   # override only to test this script
OURS_PC="$OURS_LIB/pkgconfig"
CC=${CC:-cc}
CFLAGS="-O2 -g -Wall -Wextra"
REPS=${REPS:-3}
RUN_TIMEOUT=15       # seconds, one benchmark run
SLOW_RUN=8           # a run slower than this is not repeated
STRACE_TIMEOUT=30    # seconds, one traced server run

IMPLS=(real ours)

# name | program and arguments | metric in the RESULT line | unit shown
BENCHES=(
	"echo_64B_1conn_1cpu|echo bench echo_64B_1conn_1cpu 1 30000 onecpu|msgs_per_sec|msg/s"
	"echo_64B_50conn|echo bench echo_64B_50conn 50 1000|msgs_per_sec|msg/s"
	"chain_100|dispatch chain chain_100 100 100 200000|events_per_sec|event/s"
	"chain_1000|dispatch chain chain_1000 1000 1000 200000|events_per_sec|event/s"
	"timer_churn_1e6|dispatch timers timer_churn_1e6 1000000 1000 main|ops_per_sec|op/s"
	"timer_churn_cb_1e6|dispatch timers timer_churn_cb_1e6 1000000 1000 callback|ops_per_sec|op/s"
	"evbuffer_add_drain_1e6|dispatch evbuffer evbuffer_add_drain_1e6 1000000|ops_per_sec|op/s"
)
# strace: round trips of the short and the long traced run (the difference
# cancels start-up and tear-down system calls)
STRACE_N1=1000
STRACE_N2=5000

failed=0
declare -A build_err   # impl -> reason the build failed ("" = ok)
declare -A result      # impl|bench -> median value, or "FAILED"
declare -A reason      # impl|bench -> failure reason

mkdir -p "$OUT/real" "$OUT/ours" "$LOGS" || exit 1
rm -f "$LOGS"/*
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null

have() { command -v "$1" >/dev/null 2>&1; }

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
	printf '%s\n' "$lines" | grep -m1 -iE 'error|undefined|fatal|cannot|panic|failed' \
		|| printf '%s\n' "$lines" | head -n1
}
short() { local s=$1; [ ${#s} -gt 110 ] && s="${s:0:107}..."; printf '%s' "$s"; }

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
	local p
	for p in echo dispatch; do
		rm -f "$dir/$p"
		# shellcheck disable=SC2086
		if ! $CC $CFLAGS $cflags "$HERE/$p.c" -o "$dir/$p" $libs >>"$log" 2>&1; then
			build_err[$impl]="building $p.c: $(short "$(oneline "$log")")"; return
		fi
	done
	# The binary must resolve libevent to the intended implementation.
	local want got
	if [ "$impl" = ours ]; then want="$OURS_LIB/"; else want=""; fi
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

declare -A libpath
for impl in "${IMPLS[@]}"; do
	build_impl "$impl"
done
# libevent-free client for the traced echo server
client_err=""
if ! $CC $CFLAGS -DECHO_CLIENT_ONLY "$HERE/echo.c" -o "$OUT/echo-client" >"$LOGS/build-client.log" 2>&1; then
	client_err="building echo client: $(short "$(oneline "$LOGS/build-client.log")")"
fi

echo "goevent benchmarks - $(nproc 2>/dev/null || echo '?') CPUs, $(uname -sr), reps=$REPS (median)"
for impl in "${IMPLS[@]}"; do
	if [ -n "${build_err[$impl]}" ]; then
		echo "  $impl: FAILED (${build_err[$impl]})"
		failed=1
	else
		echo "  $impl: ${libpath[$impl]}"
	fi
done
echo

# ------------------------------------------------------------------ run
# run_one IMPL BENCH REP : sets run_val (number) or run_err (reason); run_secs
run_one() {
	local impl=$1 name=$2 rep=$3 spec=$4 metric=$5
	local base="$LOGS/$impl-$name-$rep" rc t0 t1
	local -a cmd
	read -r -a cmd <<<"$spec"
	cmd[0]="$OUT/$impl/${cmd[0]}"
	run_val="" run_err=""
	t0=$(date +%s.%N)
	runenv "$impl" timeout -k 3 "$RUN_TIMEOUT" "${cmd[@]}" >"$base.out" 2>"$base.err" </dev/null
	rc=$?
	t1=$(date +%s.%N)
	run_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	local line
	line=$(grep -m1 "^RESULT name=$name " "$base.out")
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		run_err="timed out after ${RUN_TIMEOUT}s"
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

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for b in "${BENCHES[@]}"; do
	IFS='|' read -r name spec metric unit <<<"$b"
	declare -A vals=() done_impl=()
	for impl in "${IMPLS[@]}"; do
		vals[$impl]=""
		if [ -n "${build_err[$impl]}" ]; then
			reason[$impl|$name]="build: ${build_err[$impl]}"
			done_impl[$impl]=1
		fi
	done
	for ((rep = 1; rep <= REPS; rep++)); do
		# alternate which implementation goes first
		if ((rep % 2)); then order=(real ours); else order=(ours real); fi
		for impl in "${order[@]}"; do
			[ -n "${done_impl[$impl]:-}" ] && continue
			run_one "$impl" "$name" "$rep" "$spec" "$metric"
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
	line=$(printf '%-24s' "$name")
	for impl in "${IMPLS[@]}"; do
		if [ -n "${reason[$impl|$name]:-}" ]; then
			result[$impl|$name]=FAILED
			failed=1
		else
			result[$impl|$name]=$(printf '%s' "${vals[$impl]}" | median)
			n=$(printf '%s' "${vals[$impl]}" | grep -c .)
			[ "$n" -lt "$REPS" ] && reason[$impl|$name]="only $n run(s): slower than ${SLOW_RUN}s" && result[$impl|$name]+="*"
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

# ------------------------------------------------------------------ table
fmt_num() { awk -v v="$1" 'BEGIN { if (v >= 1e6) printf "%.2fM", v / 1e6; else if (v >= 1e3) printf "%.1fk", v / 1e3; else printf "%.0f", v }'; }
echo
echo "Throughput, median of $REPS runs; every metric is higher-is-better."
echo "ours/real > 1.00 means OUR library is faster; < 1.00 means it is slower."
echo "ns/op = 1e9 / throughput (lower is better)."
echo
printf '%-24s %-8s %10s %10s %9s %12s %12s\n' benchmark unit real ours ours/real "real ns/op" "ours ns/op"
printf '%-24s %-8s %10s %10s %9s %12s %12s\n' ------------------------ -------- ---------- ---------- --------- ------------ ------------
for b in "${BENCHES[@]}"; do
	IFS='|' read -r name spec metric unit <<<"$b"
	r=${result[real|$name]} o=${result[ours|$name]}
	rv=${r%\*} ov=${o%\*}
	rs=$r os=$o ratio="-" rns="-" ons="-"
	[ "$rv" != FAILED ] && rs="$(fmt_num "$rv")${r:${#rv}}" && rns=$(awk -v v="$rv" 'BEGIN { printf "%.1f", 1e9 / v }')
	[ "$ov" != FAILED ] && os="$(fmt_num "$ov")${o:${#ov}}" && ons=$(awk -v v="$ov" 'BEGIN { printf "%.1f", 1e9 / v }')
	if [ "$rv" != FAILED ] && [ "$ov" != FAILED ]; then
		ratio=$(awk -v a="$ov" -v b="$rv" 'BEGIN { printf "%.2f", a / b }')
	fi
	printf '%-24s %-8s %10s %10s %9s %12s %12s\n' "$name" "$unit" "$rs" "$os" "$ratio" "$rns" "$ons"
done
for k in "${!result[@]}"; do
	if [ "${result[$k]%\*}" != "${result[$k]}" ]; then
		echo "(* = fewer runs than $REPS because a run took over ${SLOW_RUN}s)"
		break
	fi
done

# ------------------------------------------------------------------ strace
# strace_run IMPL N OUTFILE : traces the echo server over N round trips on one
# connection; sets st_err on failure.
strace_run() {
	local impl=$1 n=$2 st=$3 base="$LOGS/strace-$1-$2"
	local portfile="$base.port" spid port rc i
	st_err=""
	rm -f "$portfile" "$st"
	runenv "$impl" timeout -k 3 "$STRACE_TIMEOUT" strace -f -c -o "$st" \
		"$OUT/$impl/echo" serve 1 "$portfile" >"$base.server.out" 2>"$base.server.err" </dev/null &
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
		return
	fi
	timeout -k 3 "$STRACE_TIMEOUT" "$OUT/echo-client" client "$port" 1 "$n" >"$base.client.out" 2>"$base.client.err" </dev/null
	rc=$?
	if [ $rc -ne 0 ]; then
		kill "$spid" 2>/dev/null
		wait "$spid"
		st_err="client exit $rc: $(short "$(oneline "$base.client.err")")"
		return
	fi
	wait "$spid"
	rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$st" ]; then
		st_err="traced server exit $rc: $(short "$(oneline "$base.server.err")")"
	fi
}

# strace -c table -> "syscall calls" lines
st_counts() {
	awk '/^-----/ || /% time/ || / total$/ { next }
	     NF == 6 { print $6, $4 } NF == 5 { print $5, $4 }' "$1"
}

echo
if ! have strace; then
	echo "System calls per echoed message: skipped (strace not installed)"
elif [ -n "$client_err" ]; then
	echo "System calls per echoed message: FAILED ($client_err)"
	failed=1
else
	echo "System calls per echoed 64-byte message (echo server only, 1 connection,"
	echo "strace -f -c; counts of a ${STRACE_N2}-round-trip run minus a ${STRACE_N1}-round-trip run,"
	echo "divided by $((STRACE_N2 - STRACE_N1)); lower is better):"
	for impl in "${IMPLS[@]}"; do
		if [ -n "${build_err[$impl]}" ]; then
			echo "  $impl: FAILED (build: ${build_err[$impl]})"
			continue
		fi
		if [ "${result[$impl|echo_64B_1conn_1cpu]}" = FAILED ]; then
			echo "  $impl: FAILED (skipped: echo_64B_1conn_1cpu failed above)"
			failed=1
			continue
		fi
		s1="$LOGS/strace-$impl-$STRACE_N1.txt" s2="$LOGS/strace-$impl-$STRACE_N2.txt"
		strace_run "$impl" "$STRACE_N1" "$s1"
		[ -z "$st_err" ] && strace_run "$impl" "$STRACE_N2" "$s2"
		if [ -n "$st_err" ]; then
			echo "  $impl: FAILED ($st_err)"
			failed=1
			continue
		fi
		join -a1 -a2 -e 0 -o 0,1.2,2.2 <(st_counts "$s1" | sort) <(st_counts "$s2" | sort) |
		awk -v d=$((STRACE_N2 - STRACE_N1)) -v impl="$impl" '
			{ per = ($3 - $2) / d; tot += per; if (per > 0.005) printf "%s %.3f\n", $1, per }
			END { printf "TOTAL %.3f\n", tot }' | sort -k2,2gr >"$LOGS/strace-$impl.per-msg"
		total=$(awk '$1 == "TOTAL" { print $2 }' "$LOGS/strace-$impl.per-msg")
		top=$(awk '$1 != "TOTAL" { printf "%s%s %s", sep, $1, $2; sep = ", " }' "$LOGS/strace-$impl.per-msg" | cut -c1-160)
		printf '  %-5s %6s syscalls/message   top: %s\n' "$impl" "$total" "${top:-none}"
	done
	echo "  (raw strace -c tables: $LOGS/strace-*.txt)"
fi

echo
if [ $failed -ne 0 ]; then
	echo "bench: some benchmarks FAILED (see above); exit 1"
	exit 1
fi
echo "bench: all benchmarks ran for both implementations"
exit 0
