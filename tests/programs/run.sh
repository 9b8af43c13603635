#!/usr/bin/env bash
# Real programs on goevent: runs Debian's own binaries of libevent programs on our
# library (build/lib), or with --impl real on Debian's libevent (the oracle: it proves
# each script's checks pass there, so a failure on ours is ours).
#
# usage: tests/programs/run.sh [--impl ours|real] [--keep] [NAME...]
#
# Each tests/programs/NAME.sh (all of them when no NAME is given) runs as its own
# process under timeout (120 s, or its "# timeout: N" line), inside a private network
# namespace with only lo up, with IMPL, ROOT, WORK (fresh: build/programs/NAME) and
# GOEVENT_LIB set. The packages of its "# packages:" line are installed first (outside
# the namespace, which has no route to the mirror). One line per program:
# "ok NAME" / "FAIL NAME: reason" / "skip NAME: reason"; on FAIL the tails of
# build/programs/NAME/*.log follow. Ends with "N ok, N failed, N skipped"; exit status 1
# if any FAIL. Results also go to build/programs/results.txt (for docs/PROGRAMS.md).
# --keep keeps each program's whole scratch dir (default: only its logs are kept).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$ROOT/build/programs"
DEFAULT_TIMEOUT=120

usage() {
	echo "usage: $0 [--impl ours|real] [--keep] [NAME...]" >&2
	exit 2
}

impl=ours
keep=""
names=()
while [ $# -gt 0 ]; do
	case "$1" in
	--impl) [ $# -ge 2 ] || usage; impl=$2; shift 2 ;;
	--impl=*) impl=${1#--impl=}; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) usage ;;
	--) shift; names+=("$@"); break ;;
	-*) echo "unknown option: $1" >&2; usage ;;
	*) names+=("${1%.sh}"); shift ;;
	esac
done
case "$impl" in ours | real) ;; *) echo "--impl must be ours or real" >&2; usage ;; esac

if [ ${#names[@]} -eq 0 ]; then
	for f in "$HERE"/*.sh; do
		n=$(basename "$f" .sh)
		case "$n" in lib | run | doc) continue ;; esac
		names+=("$n")
	done
fi

mkdir -p "$OUT" || exit 2
# (GOEVENT_LIB from the environment runs the scripts on another build of ours)
GOEVENT_LIB=$(cd "${GOEVENT_LIB:-$ROOT/build/lib}" 2>/dev/null && pwd) || GOEVENT_LIB="$ROOT/build/lib"

# Helpers (need_packages, alive) without the test-script machinery.
# shellcheck source=lib.sh
GOEVENT_PROGRAMS_LIBONLY=1 NAME=run WORK="$OUT" . "$HERE/lib.sh"

impl_problem=""
if [ "$impl" = ours ]; then
	for l in libevent-2.1.so.7 libevent_core-2.1.so.7 libevent_pthreads-2.1.so.7 libgoevent_core-2.1.so.7; do
		[ -e "$GOEVENT_LIB/$l" ] || impl_problem="our library is not built ($GOEVENT_LIB/$l missing: run make)"
	done
fi

# header FILE KEY: the value of a "# KEY: value" line in the script's leading comments.
header() {
	awk -v k="# $2:" 'index($0, k) == 1 { sub(/^# [a-z]+:[ \t]*/, ""); print; exit } !/^#/ && NF { exit }' "$1"
}

# The private network namespace: only lo, up. Needs root (or user namespaces) and iproute2.
netns=""
if [ "$(id -u)" = 0 ] && ! command -v ip >/dev/null 2>&1; then
	(need_packages iproute2) >/dev/null 2>&1
fi
if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
	unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
	netns=1
else
	echo "note: no private network namespace (unshare -n or ip not available): programs use the host's loopback"
fi

# leftovers NSID: pids of processes still in network namespace NSID.
leftovers() {
	local d p
	[ -n "$1" ] || return 0
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$(readlink "$d/ns/net" 2>/dev/null)" = "$1" ] && alive "$p" && echo "$p"
	done
}

# record NAME STATUS REASON: update build/programs/results.txt (NAME IMPL STATUS DATE REASON, tab-separated).
record() {
	local f="$OUT/results.txt" tmp
	tmp=$(mktemp "$OUT/.results.XXXXXX")
	[ -f "$f" ] && awk -F'\t' -v n="$1" -v i="$impl" '!($1 == n && $2 == i)' "$f" >"$tmp"
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$impl" "$2" "$(date -u +%Y-%m-%d)" "$3" >>"$tmp"
	sort -o "$tmp" "$tmp"
	mv "$tmp" "$f"
}

n_ok=0 n_fail=0 n_skip=0
report() { # NAME STATUS REASON
	local line
	case "$2" in
	ok) line="ok $1"; n_ok=$((n_ok + 1)) ;;
	FAIL) line="FAIL $1: $3"; n_fail=$((n_fail + 1)) ;;
	skip) line="skip $1: $3"; n_skip=$((n_skip + 1)) ;;
	esac
	echo "$line"
	record "$1" "$2" "$3"
	if [ "$2" = FAIL ] && [ -d "$OUT/$1" ]; then
		for f in "$OUT/$1"/*.log; do
			[ -s "$f" ] || continue
			echo "    --- $(basename "$f") (last lines)"
			tail -n 15 "$f" | cut -c1-300 | sed 's/^/    | /'
		done
	fi
}

for name in "${names[@]}"; do
	script="$HERE/$name.sh"
	work="$OUT/$name"
	if [ ! -f "$script" ]; then
		echo "FAIL $name: no such program script (tests/programs/$name.sh)"
		n_fail=$((n_fail + 1))
		continue
	fi
	if [ -n "$impl_problem" ]; then
		report "$name" skip "$impl_problem"
		continue
	fi
	rm -rf "$work" && mkdir -p "$work" || { report "$name" FAIL "cannot create $work"; continue; }
	chmod 755 "$work"   # daemons that drop privileges read their config from here

	t=$(header "$script" timeout)
	case "$t" in '' | *[!0-9]*) t=$DEFAULT_TIMEOUT ;; esac

	# The packages are installed here, outside the namespace.
	pkgs=$(header "$script" packages)
	if [ -n "$pkgs" ]; then
		# shellcheck disable=SC2086
		res=$(WORK="$work" NAME="$name" need_packages $pkgs 2>"$work/apt.log")
		rc=$?
		if [ $rc -ne 0 ]; then
			status=FAIL; [ $rc = 77 ] && status=skip
			report "$name" "$status" "${res#* $name: }"
			continue
		fi
		rm -f "$work/apt.log"
	fi

	envs=(env -u LD_PRELOAD)
	[ "$impl" = real ] && envs+=(-u LD_LIBRARY_PATH)
	envs+=(GOEVENT_PROGRAMS_RUN=1 IMPL="$impl" ROOT="$ROOT" WORK="$work"
		GOEVENT_LIB="$GOEVENT_LIB" NAME="$name" GOEVENT_PROGRAMS_NETNS="$netns")
	if [ -n "$netns" ]; then
		cmd=(unshare -n -- sh -c 'ip link set lo up && exec "$@"' sh "${envs[@]}" bash "$script")
	else
		cmd=("${envs[@]}" bash "$script")
	fi
	timeout -k 10 "$t" "${cmd[@]}" </dev/null >"$work/script.log" 2>&1
	rc=$?

	result=""
	[ -s "$work/result" ] && result=$(head -n 1 "$work/result")
	case "$result" in
	"ok $name") status=ok reason="" ;;
	"FAIL $name: "*) status=FAIL reason=${result#"FAIL $name: "} ;;
	"skip $name: "*) status=skip reason=${result#"skip $name: "} ;;
	*)
		status=FAIL
		case $rc in
		124 | 137) reason="timed out after $t s" ;;
		*) reason="ended (status $rc) without a result line" ;;
		esac
		;;
	esac
	[ $rc = 124 ] && status=FAIL reason="timed out after $t s"
	if [ "$status" = ok ] && [ $rc -ne 0 ]; then status=FAIL reason="said ok but exited with status $rc"; fi

	# Anything still running in the namespace is a script bug: stop it by pid, say so.
	nsid=""
	[ -n "$netns" ] && [ -s "$work/netns" ] && nsid=$(cat "$work/netns")
	left=""
	for i in $(seq 1 40); do
		left=$(leftovers "$nsid")
		[ -z "$left" ] && break
		sleep 0.05
	done
	if [ -n "$left" ]; then
		names_left=""
		for p in $left; do names_left="$names_left $(cat "/proc/$p/comm" 2>/dev/null)($p)"; done
		for p in $left; do kill -TERM "$p" 2>/dev/null; done
		sleep 1
		for p in $left; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
		echo "run.sh: processes left running after the script:$names_left" >>"$work/script.log"
		if [ "$status" != FAIL ]; then status=FAIL reason="left processes running:$names_left"; fi
	fi

	report "$name" "$status" "$reason"
	if [ -z "$keep" ] && [ "$status" != FAIL ]; then
		find "$work" -mindepth 1 -maxdepth 1 ! -name '*.log' -exec rm -rf {} + 2>/dev/null
	fi
done

echo "$n_ok ok, $n_fail failed, $n_skip skipped"
[ $n_fail -eq 0 ]
