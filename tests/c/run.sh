#!/usr/bin/env bash
# C conformance suite for goevent: builds every tests/c/cases/NAME.c as its own
# program, runs it, and compares its stdout with tests/c/expected/NAME.out
# (transcripts recorded from the real libevent 2.1.12). Also runs the scenario
# scripts tests/c/scripts/*.sh (except lib.sh).
#
# usage: tests/c/run.sh [--impl ours|real] [--backend epoll|poll] [--debug-mode] [--record] [--check-stale] [NAME...]
#
# --backend poll runs the cases and scripts with EVENT_NOEPOLL=1.
# Their transcript is expected/NAME.out, or expected/NAME.poll.out where the
# real libevent prints something else on poll (the method name, EV_ET, ...):
# `--backend poll --record` writes NAME.poll.out only when it differs. A case
# meant for one backend says so with /* backends: epoll */.
#
# --debug-mode links every case (and ours/ program) with support/debug_mode_on.c,
# whose constructor calls event_enable_debug_mode() before main, so the same
# program runs in libevent's debug mode against either library (as libevent's
# own regression tests do with EVENT_DEBUG_MODE=1). The transcript is
# expected/NAME.debug.out (NAME.debug.poll.out on poll) where the real libevent
# prints something else in debug mode, else the usual one; `--debug-mode
# --record` writes it only when it differs. A case that cannot run in debug
# mode says why with /* debug-mode: skip: REASON */. Scripts do not run in
# debug mode (they drive unmodified programs).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CASES="$HERE/cases"
EXPECTED="$HERE/expected"
SCRIPTS="$HERE/scripts"
DEFAULT_TIMEOUT=20
SCRIPT_TIMEOUT=120

usage() {
	echo "usage: $0 [--impl ours|real] [--backend epoll|poll] [--debug-mode] [--record] [--check-stale] [NAME...]" >&2
	exit 2
}

impl=ours
backend=epoll
mode=test          # test | record | stale
debug=0            # 1: --debug-mode
names=()
while [ $# -gt 0 ]; do
	case "$1" in
	--impl) [ $# -ge 2 ] || usage; impl=$2; shift 2 ;;
	--impl=*) impl=${1#--impl=}; shift ;;
	--backend) [ $# -ge 2 ] || usage; backend=$2; shift 2 ;;
	--backend=*) backend=${1#--backend=}; shift ;;
	--debug-mode) debug=1; shift ;;
	--record) mode=record; shift ;;
	--check-stale) mode=stale; shift ;;
	-h|--help) usage ;;
	--) shift; names+=("$@"); break ;;
	-*) echo "unknown option: $1" >&2; usage ;;
	*) names+=("$1"); shift ;;
	esac
done
case "$impl" in ours|real) ;; *) echo "--impl must be ours or real" >&2; usage ;; esac
case "$backend" in epoll|poll) ;; *) echo "--backend must be epoll or poll" >&2; usage ;; esac
# Recording and the staleness check always use the real libevent.
[ "$mode" != test ] && impl=real

BUILD="$ROOT/build/tests/c/$impl"
DEBUG_OBJ=()
if [ $debug -eq 1 ]; then
	BUILD="$ROOT/build/tests/c/$impl-debug"
	DEBUG_OBJ=("$HERE/support/debug_mode_on.c")
fi
mkdir -p "$BUILD" || exit 2

# pkg-config wrapper for the selected implementation.
OURS_PC="$ROOT/build/lib/pkgconfig"
pc() {
	if [ "$impl" = ours ]; then
		PKG_CONFIG_PATH="$OURS_PC" pkg-config "$@"
	else
		env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR pkg-config "$@"
	fi
}

# Is the selected implementation available at all?
impl_problem=""
if ! command -v pkg-config >/dev/null 2>&1; then
	impl_problem="pkg-config not installed"
elif [ "$impl" = ours ]; then
	if [ ! -f "$OURS_PC/libevent.pc" ]; then
		impl_problem="our library is not built ($OURS_PC/libevent.pc missing)"
	fi
else
	if ! pc --exists libevent || [ ! -f "$(pc --variable=includedir libevent)/event2/event.h" ]; then
		impl_problem="real libevent development files not installed (apt-get install libevent-dev pkg-config)"
	fi
fi

# Collect the list of cases and scripts to run.
all_cases=()
for f in "$CASES"/*.c; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .c)
	all_cases+=("$n")
done
all_scripts=()
for f in "$SCRIPTS"/*.sh; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .sh)
	[ "$n" = lib ] && continue       # shared helpers, not a test
	all_scripts+=("$n")
done

# ours/ programs are goevent-only: they run in test mode against ours.
all_ours=()
for f in "$HERE"/ours/*.c; do
	[ -e "$f" ] && all_ours+=("$(basename "$f" .c)")
done

sel_cases=()
sel_scripts=()
sel_ours=()
if [ ${#names[@]} -eq 0 ]; then
	sel_cases=("${all_cases[@]}")
	[ "$mode" = test ] && [ $debug -eq 0 ] && sel_scripts=("${all_scripts[@]}")
	[ "$mode" = test ] && [ "$impl" = ours ] && sel_ours=("${all_ours[@]}")
else
	for n in "${names[@]}"; do
		n=$(basename "$n"); n=${n%.c}; n=${n%.sh}; n=${n%.out}
		found=0
		if [ -f "$CASES/$n.c" ]; then sel_cases+=("$n"); found=1; fi
		if [ "$mode" = test ] && [ "$n" != lib ] && [ -f "$SCRIPTS/$n.sh" ]; then
			found=1
			if [ $debug -eq 0 ]; then
				sel_scripts+=("$n")
			else
				echo "# note: script $n does not run in debug mode" >&2
			fi
		fi
		if [ -f "$HERE/ours/$n.c" ]; then
			found=1
			if [ "$mode" = test ] && [ "$impl" = ours ]; then
				sel_ours+=("$n")
			else
				echo "# note: ours/$n runs only against ours, in test mode" >&2
			fi
		fi
		if [ $found -eq 0 ]; then
			echo "no such case or script: $n" >&2
			exit 2
		fi
	done
fi

passed=0; failed=0; skipped=0
failed_names=()

note_fail() { failed=$((failed + 1)); failed_names+=("$1"); }

# tests/c/PENDING lists cases that need functions goevent does not have yet
# ("NAME<TAB>reason"; "NAME@debug<TAB>reason" for the --debug-mode run only).
# Against ours, such a case failing counts as skipped, and passing is an
# error (so the list cannot go stale).
pending_reason() {
	[ "$impl" = ours ] && [ "$mode" = test ] && [ -f "$HERE/PENDING" ] || return 0
	local key=$1
	[ $debug -eq 1 ] && key="$1@debug"
	awk -F'\t' -v n="$key" '$1 == n { print $2 }' "$HERE/PENDING"
}
case_fail() {
	local why
	why=$(pending_reason "$1")
	if [ -n "$why" ]; then
		echo "SKIP $1 (pending: $why; the failure above is expected until then)"
		skipped=$((skipped + 1))
	else
		note_fail "$1"
	fi
}
case_pass() {
	if [ -n "$(pending_reason "$1")" ]; then
		echo "FAIL $1: passes, but tests/c/PENDING still lists it: remove it from there"
		note_fail "$1"
	else
		passed=$((passed + 1))
	fi
}

show_stderr_tail() {
	if [ -s "$1" ]; then
		echo "    --- stderr (tail) ---"
		tail -n 15 "$1" | sed 's/^/    /'
	fi
}

case_timeout() {
	local t
	t=$(sed -n 's|^[[:space:]]*/\*[[:space:]]*timeout:[[:space:]]*\([0-9][0-9]*\)[[:space:]]*\*/.*|\1|p' "$1" | head -n 1)
	echo "${t:-$DEFAULT_TIMEOUT}"
}

case_backends() {
	local b
	b=$(sed -n 's|^[[:space:]]*/\*[[:space:]]*backends:[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*\*/.*|\1|p' "$1" | head -n 1)
	echo "${b:-epoll poll}"
}

# The reason a case gives for not running in debug mode (empty: it runs).
case_debug_skip() {
	sed -n 's|^[[:space:]]*/\*[[:space:]]*debug-mode:[[:space:]]*skip:[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*\*/.*|\1|p' "$1" | head -n 1
}

case_libs() {
	local l
	l=$(sed -n 's|^[[:space:]]*/\*[[:space:]]*libs:[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*\*/.*|\1|p' "$1" | head -n 1)
	echo "${l:-libevent}"
}

# build NAME -> 0 on success; compiler output in $BUILD/NAME.build.log
build_case() {
	local n=$1 src="$CASES/$1.c" libs flags
	libs=$(case_libs "$src")
	# shellcheck disable=SC2086
	if ! flags=$(pc --cflags --libs $libs 2>&1); then
		echo "pkg-config --cflags --libs $libs failed: $flags" >"$BUILD/$n.build.log"
		return 1
	fi
	rm -f "$BUILD/$n"
	# shellcheck disable=SC2086
	cc -Wall -Werror -g -I"$HERE/support" -o "$BUILD/$n" "$src" "${DEBUG_OBJ[@]}" $flags -lpthread >"$BUILD/$n.build.log" 2>&1
}

run_case() {
	local n=$1 src="$CASES/$1.c" exp="$EXPECTED/$1.out" out="$BUILD/$1.stdout" err="$BUILD/$1.stderr"
	# The transcripts this run may compare with, most specific first: the
	# first that exists is expected; a recording writes the first and only
	# when it differs from the next existing one.
	local chain=("$EXPECTED/$1.out")
	[ "$backend" = poll ] && chain=("$EXPECTED/$1.poll.out" "${chain[@]}")
	[ $debug -eq 1 ] && chain=("$EXPECTED/$1.debug.out" "${chain[@]}")
	[ $debug -eq 1 ] && [ "$backend" = poll ] && chain=("$EXPECTED/$1.debug.poll.out" "${chain[@]}")
	local c base_exp=""
	if [ "$mode" = record ]; then
		exp=${chain[0]}
		for c in "${chain[@]:1}"; do
			if [ -f "$c" ]; then base_exp=$c; break; fi
		done
	else
		for c in "${chain[@]}"; do
			if [ -f "$c" ]; then exp=$c; break; fi
		done
	fi
	local t rc

	if [ -n "$impl_problem" ]; then
		if [ "$impl" = ours ]; then
			echo "FAIL $n: $impl_problem"
			note_fail "$n"
		else
			echo "SKIP $n ($impl_problem)"
			skipped=$((skipped + 1))
		fi
		return
	fi
	case " $(case_backends "$src") " in
	*" $backend "*) ;;
	*)
		echo "SKIP $n (not run on the $backend backend: /* backends: */)"
		skipped=$((skipped + 1))
		return
		;;
	esac
	if [ $debug -eq 1 ]; then
		local why
		why=$(case_debug_skip "$src")
		if [ -n "$why" ]; then
			echo "SKIP $n (not run in debug mode: $why)"
			skipped=$((skipped + 1))
			return
		fi
	fi
	if [ "$mode" != record ] && [ ! -f "$exp" ]; then
		echo "FAIL $n: no expected/$n.out (record it with: $0 --record $n)"
		case_fail "$n"
		return
	fi
	if ! build_case "$n"; then
		echo "FAIL $n: build failed"
		head -n 30 "$BUILD/$n.build.log" | sed 's/^/    /'
		case_fail "$n"
		return
	fi
	t=$(case_timeout "$src")
	local start end
	start=$(date +%s.%N)
	(
		cd "$BUILD" || exit 1
		if [ "$impl" = ours ]; then
			export LD_LIBRARY_PATH="$ROOT/build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
		fi
		[ "$backend" = poll ] && export EVENT_NOEPOLL=1
		exec timeout -k 5 "$t" "./$n" </dev/null >"$out" 2>"$err"
	)
	rc=$?
	end=$(date +%s.%N)
	local secs
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

	if [ $rc -eq 77 ]; then
		# the case cannot run here (e.g. it needs root); its last line says why
		echo "SKIP $n ($(tail -n 1 "$out"))"
		skipped=$((skipped + 1))
		return
	fi
	if [ $rc -ne 0 ]; then
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			echo "FAIL $n: timed out after ${t}s"
		elif [ $rc -gt 128 ]; then
			echo "FAIL $n: killed by signal $((rc - 128)) (exit $rc)"
		else
			echo "FAIL $n: exit status $rc"
		fi
		if [ -f "$exp" ]; then
			diff -u --label "expected/$(basename "$exp")" --label "actual" "$exp" "$out" | head -n 40 | sed 's/^/    /'
		else
			head -n 40 "$out" | sed 's/^/    /'
		fi
		show_stderr_tail "$err"
		case_fail "$n"
		return
	fi

	case "$mode" in
	record)
		mkdir -p "$EXPECTED"
		if [ -n "$base_exp" ] && cmp -s "$base_exp" "$out"; then
			rm -f "$exp"
			echo "ok   $n (prints the same as expected/$(basename "$base_exp"), ${secs}s)"
		elif [ -f "$exp" ] && cmp -s "$exp" "$out"; then
			echo "ok   $n (unchanged, ${secs}s)"
		else
			cp "$out" "$exp"
			echo "REC  $n (written, ${secs}s)"
		fi
		passed=$((passed + 1))
		;;
	*)
		if cmp -s "$exp" "$out"; then
			echo "ok   $n (${secs}s)"
			case_pass "$n"
		else
			if [ "$mode" = stale ]; then
				echo "FAIL $n: recorded transcript is stale (real libevent now prints something else)"
			else
				echo "FAIL $n: output differs"
			fi
			diff -u --label "expected/$(basename "$exp")" --label "actual" "$exp" "$out" | head -n 40 | sed 's/^/    /'
			show_stderr_tail "$err"
			case_fail "$n"
		fi
		;;
	esac
}

# tests/c/ours/NAME.c: goevent-only checks (misuse that crashes the real
# libevent, so there is no transcript): the program checks itself, exit 0 = pass.
run_ours() {
	local n=$1 src="$HERE/ours/$1.c" out="$BUILD/ours-$1.stdout" err="$BUILD/ours-$1.stderr" flags rc why
	if [ $debug -eq 1 ] && why=$(case_debug_skip "$src") && [ -n "$why" ]; then
		echo "SKIP $n (not run in debug mode: $why)"
		skipped=$((skipped + 1))
		return
	fi
	# shellcheck disable=SC2046
	if ! flags=$(pc --cflags --libs $(case_libs "$src") 2>&1) ||
	    ! cc -Wall -Werror -g -I"$HERE/support" -o "$BUILD/ours-$n" "$src" "${DEBUG_OBJ[@]}" $flags -lpthread >"$BUILD/ours-$n.build.log" 2>&1; then
		echo "FAIL $n: build failed"
		head -n 30 "$BUILD/ours-$n.build.log" | sed 's/^/    /'
		note_fail "$n"
		return
	fi
	local envs=(LD_LIBRARY_PATH="$ROOT/build/lib")
	[ "$backend" = poll ] && envs+=(EVENT_NOEPOLL=1)
	env "${envs[@]}" timeout -k 5 "$(case_timeout "$src")" "$BUILD/ours-$n" </dev/null >"$out" 2>"$err"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok   $n (goevent-only)"
		passed=$((passed + 1))
	else
		echo "FAIL $n: exit status $rc"
		grep -v '^ok ' "$out" | head -n 40 | sed 's/^/    /'
		show_stderr_tail "$err"
		note_fail "$n"
	fi
}

run_script() {
	local n=$1 log="$BUILD/script-$1.log" rc
	if [ "$impl" = ours ] && [ -n "$impl_problem" ]; then
		echo "FAIL $n: $impl_problem"
		note_fail "$n"
		return
	fi
	local envs=(IMPL="$impl" ROOT="$ROOT" BUILD="$BUILD")
	[ "$backend" = poll ] && envs+=(EVENT_NOEPOLL=1)
	env "${envs[@]}" timeout -k 5 "$SCRIPT_TIMEOUT" bash "$SCRIPTS/$n.sh" </dev/null >"$log" 2>&1
	rc=$?
	case $rc in
	0)
		echo "ok   $n (script)"
		passed=$((passed + 1))
		;;
	77)
		echo "SKIP $n ($(tail -n 1 "$log"))"
		skipped=$((skipped + 1))
		;;
	*)
		if [ $rc -eq 124 ]; then
			echo "FAIL $n: script timed out after ${SCRIPT_TIMEOUT}s"
		else
			echo "FAIL $n: script exit status $rc"
		fi
		tail -n 25 "$log" | sed 's/^/    /'
		note_fail "$n"
		;;
	esac
}

echo "# impl=$impl backend=$backend mode=$mode debug-mode=$debug build=$BUILD"
[ -n "$impl_problem" ] && echo "# note: $impl_problem"
if [ "$impl" = ours ] && [ -z "$impl_problem" ]; then
	# make sure we compile against our headers and link our libraries
	case " $(pc --cflags --libs libevent 2>/dev/null) " in
	*"$ROOT"*) ;;
	*) echo "# WARNING: pkg-config flags for ours do not mention $ROOT: $(pc --cflags --libs libevent 2>&1)" ;;
	esac
fi

for n in "${sel_cases[@]}"; do
	run_case "$n"
done
for n in "${sel_scripts[@]}"; do
	run_script "$n"
done
if [ -z "$impl_problem" ]; then
	for n in "${sel_ours[@]}"; do
		run_ours "$n"
	done
fi

if [ $failed -gt 0 ]; then
	echo "# failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
