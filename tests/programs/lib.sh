# Helpers for the real-program tests (sourced by tests/programs/NAME.sh, not a test).
# shellcheck shell=bash
#
# Environment from run.sh: IMPL=ours|real, ROOT (repo root), WORK (this program's
# fresh scratch dir), GOEVENT_LIB (ROOT/build/lib), NAME. A script started by hand
# is handed to run.sh (which gives it its network namespace and environment).
#
# Result: exactly one of pass / fail REASON / skip REASON ends the script; it prints
# "ok NAME" / "FAIL NAME: REASON" / "skip NAME: REASON", writes it to $WORK/result for
# run.sh, and exits 0 / 1 / 77. The EXIT trap then stops every tracked process.

NAME=${NAME:-$(basename "$0" .sh)}
PROGRAMS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -z "${GOEVENT_PROGRAMS_RUN:-}" ] && [ -z "${GOEVENT_PROGRAMS_LIBONLY:-}" ]; then
	# Started by hand: run.sh sets up the namespace, scratch dir and environment.
	exec bash "$PROGRAMS_DIR/run.sh" --impl "${IMPL:-ours}" "$NAME"
fi

: "${IMPL:=ours}"
: "${ROOT:=$(cd "$PROGRAMS_DIR/../.." && pwd)}"
: "${GOEVENT_LIB:=$ROOT/build/lib}"
: "${WORK:=$ROOT/build/programs/$NAME}"
export IMPL ROOT GOEVENT_LIB WORK NAME

# The directories Debian installs libevent into (the oracle for IMPL=real).
SYSTEM_LIBDIRS="/usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib /lib"
[ -n "$(command -v dpkg-architecture 2>/dev/null)" ] &&
	SYSTEM_LIBDIRS="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null) $SYSTEM_LIBDIRS"

# ---------------------------------------------------------------- results

_result_written=""
_result() { # STATUS LINE EXIT
	if [ -z "$_result_written" ]; then
		_result_written=1
		echo "$2"
		[ -d "$WORK" ] && printf '%s\n' "$2" >"$WORK/result"
	fi
	exit "$3"
}
pass() { _result ok "ok $NAME" 0; }
fail() { _result FAIL "FAIL $NAME: $*" 1; }
skip() { _result skip "skip $NAME: $*" 77; }

# note MSG...: a line in the script's log (run.sh keeps it in $WORK/script.log).
note() { echo "[$NAME] $*" >&2; }

# ---------------------------------------------------------------- packages

# is_installed PKG: the Debian package is installed.
is_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# need_packages PKG...: install missing Debian packages (as root, non-interactive,
# services kept from starting by a policy-rc.d). run.sh already installed the
# script's "# packages:" line before entering the namespace (which has no route
# to the mirror); this catches anything else. skip if not root, fail if apt fails.
need_packages() {
	local missing=() p out
	for p in "$@"; do is_installed "$p" || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || skip "packages not installed and not root: ${missing[*]}"
	command -v apt-get >/dev/null 2>&1 || skip "packages not installed and no apt-get: ${missing[*]}"
	if ! out=$(_apt_install "${missing[@]}" 2>&1); then
		printf '%s\n' "$out" | tail -n 20 >&2
		fail "apt-get install ${missing[*]} failed: $(printf '%s\n' "$out" | grep -E '^E:' | head -n 1)"
	fi
	return 0
}

# _apt_install PKG...: apt-get install, serialized by a lock (other installs may run
# at the same time), with a policy-rc.d that says "do not start" (exit 101) while it
# runs, removed afterwards if we put it there. Runs apt-get update when the install
# fails for want of package lists, and retries once.
_apt_install() {
	local lock=/run/lock/goevent-programs-apt.lock rc policy=/usr/sbin/policy-rc.d
	mkdir -p /run/lock
	(
		flock -w 600 9 || { echo "E: could not take $lock"; exit 1; }
		ours_policy=""
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\n# goevent tests/programs: no service starts during the install\nexit 101\n' >"$policy"
			chmod 755 "$policy"
			ours_policy=1
		fi
		export DEBIAN_FRONTEND=noninteractive
		opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
			-o DPkg::Lock::Timeout=600 --no-install-recommends)
		apt-get install "${opts[@]}" "$@" </dev/null
		rc=$?
		if [ $rc -ne 0 ]; then
			apt-get update -q -o DPkg::Lock::Timeout=600 </dev/null &&
				apt-get install "${opts[@]}" "$@" </dev/null
			rc=$?
		fi
		[ -n "$ours_policy" ] && rm -f "$policy"
		exit $rc
	) 9>"$lock"
}

# ---------------------------------------------------------------- processes

# run_env CMD...: run CMD on the implementation under test
# (ours: LD_LIBRARY_PATH=$GOEVENT_LIB first; real: the environment unchanged).
run_env() {
	if [ "$IMPL" = ours ]; then
		LD_LIBRARY_PATH="$GOEVENT_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"
	else
		"$@"
	fi
}

_tracked=()
_pidfiles=()

# track_pid PID...: cleanup stops these too.
track_pid() { _tracked+=("$@"); }
# track_pidfile FILE: cleanup stops the pid written in FILE (read at cleanup time,
# so a daemon that forks and writes its pidfile later is caught).
track_pidfile() { _pidfiles+=("$1"); }

# start_daemon NAME CMD...: start CMD in the background under run_env, stdin from
# /dev/null, stdout+stderr to $WORK/NAME.log; its pid is in $WORK/NAME.pid and in
# the variable DAEMON_PID; cleanup stops it.
start_daemon() {
	local name=$1; shift
	# exec: the recorded pid is the program's own, not a subshell's
	(
		[ "$IMPL" = ours ] && export LD_LIBRARY_PATH="$GOEVENT_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
		exec "$@"
	) </dev/null >"$WORK/$name.log" 2>&1 &
	DAEMON_PID=$!
	echo "$DAEMON_PID" >"$WORK/$name.pid"
	track_pid "$DAEMON_PID"
	note "started $name (pid $DAEMON_PID): $*"
}

# pidfile_pid FILE: the pid in FILE (empty if none yet).
pidfile_pid() { [ -s "$1" ] && tr -dc '0-9' <"$1" | head -c 10; }

# alive PID: the process exists and is not a zombie.
alive() {
	local st
	[ -n "$1" ] && [ -e "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stop_pid PID [TIMEOUT_S]: TERM, wait (default 5 s), then KILL; returns 0 if it
# ended on TERM. Reaps it if it is our child.
stop_pid() {
	local pid=$1 t=${2:-5} i
	alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < t * 20; i++)); do
		alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

# wait_exit PID TIMEOUT_S: wait until PID has exited; 1 if it still runs.
wait_exit() {
	local pid=$1 t=$2 i
	for ((i = 0; i < t * 20; i++)); do
		alive "$pid" || return 0
		sleep 0.05
	done
	return 1
}

# Cleanup (EXIT trap): TERM every tracked pid, wait up to 5 s for them all, KILL the rest.
_cleanup() {
	local pids=() p f i left
	for f in "${_pidfiles[@]}"; do
		p=$(pidfile_pid "$f")
		[ -n "$p" ] && pids+=("$p")
	done
	pids+=("${_tracked[@]}")
	for p in "${pids[@]}"; do alive "$p" && kill -TERM "$p" 2>/dev/null; done
	for ((i = 0; i < 100; i++)); do
		left=""
		for p in "${pids[@]}"; do alive "$p" && left=1; done
		[ -z "$left" ] && break
		sleep 0.05
	done
	for p in "${pids[@]}"; do
		if alive "$p"; then
			note "pid $p ($(cat "/proc/$p/comm" 2>/dev/null)) ignored TERM for 5 s: KILL"
			kill -KILL "$p" 2>/dev/null
		fi
	done
	# reap our own children among them (never a bare wait: an untracked child could hang it)
	for p in "${_tracked[@]}"; do alive "$p" || wait "$p" 2>/dev/null; done
	return 0
}
_on_signal() {
	trap - TERM INT HUP
	fail "terminated by SIG$1 (timeout?)"
}
if [ -z "${GOEVENT_PROGRAMS_LIBONLY:-}" ]; then
	trap _cleanup EXIT
	trap '_on_signal TERM' TERM
	trap '_on_signal INT' INT
	trap '_on_signal HUP' HUP
	# run.sh uses this to find processes left in the namespace after the script.
	[ -d "$WORK" ] && readlink /proc/self/ns/net >"$WORK/netns" 2>/dev/null
fi

# ---------------------------------------------------------------- waiting

# wait_for TIMEOUT_S CMD...: retry CMD (every 0.1 s) until it succeeds; 1 on timeout.
wait_for() {
	local t=$1 end; shift
	end=$(($(date +%s%N) / 1000000 + t * 1000))
	while :; do
		"$@" && return 0
		[ $(($(date +%s%N) / 1000000)) -ge "$end" ] && return 1
		sleep 0.1
	done
}

# _listening PROTO PORT: a socket of PROTO (tcp|udp) is bound to PORT (for tcp: in
# LISTEN state), IPv4 or IPv6, as /proc/net shows it (no connection is made).
_listening() {
	local proto=$1 hex f
	hex=$(printf '%04X' "$2")
	for f in "/proc/net/$proto" "/proc/net/${proto}6"; do
		[ -r "$f" ] || continue
		if [ "$proto" = tcp ]; then
			awk -v p=":$hex" 'NR > 1 && substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 } END { exit !f }' "$f" && return 0
		else
			awk -v p=":$hex" 'NR > 1 && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' "$f" && return 0
		fi
	done
	return 1
}

# _waiting_on: the daemon started last, if it was running when the wait began: a wait
# for its port or file ends early, with its log's last line, if it exits meanwhile.
_waiting_on=""
_wait_begin() { _waiting_on=""; alive "${DAEMON_PID:-}" && _waiting_on=$DAEMON_PID; return 0; }
_wait_cond() { # CMD...
	"$@" && return 0
	if [ -n "$_waiting_on" ] && ! alive "$_waiting_on"; then
		_died=1
		return 0
	fi
	return 1
}
_wait_result() { # WHAT
	if [ -n "${_died:-}" ]; then
		local name
		name=$(grep -lx "$_waiting_on" "$WORK"/*.pid 2>/dev/null | head -n 1)
		name=$(basename "${name:-pid$_waiting_on}" .pid)
		fail "$name exited while waiting for $1: $(tail -n 1 "$WORK/$name.log" 2>/dev/null)"
	fi
}

# wait_port PORT [TIMEOUT_S]: something listens on TCP PORT (default 10 s); fails the test otherwise.
wait_port() {
	_died=""; _wait_begin
	wait_for "${2:-10}" _wait_cond _listening tcp "$1" || fail "nothing listens on TCP port $1 after ${2:-10} s"
	_wait_result "TCP port $1"
}
# wait_udp_port PORT [TIMEOUT_S]: a UDP socket is bound to PORT; fails the test otherwise.
wait_udp_port() {
	_died=""; _wait_begin
	wait_for "${2:-10}" _wait_cond _listening udp "$1" || fail "no UDP socket on port $1 after ${2:-10} s"
	_wait_result "UDP port $1"
}
# wait_file PATH [TIMEOUT_S]: PATH exists and is not empty; fails the test otherwise.
wait_file() {
	_died=""; _wait_begin
	wait_for "${2:-10}" _wait_cond test -s "$1" || fail "$1 did not appear within ${2:-10} s"
	_wait_result "$1"
}

# ---------------------------------------------------------------- maps

# mapped_libevent PID: the libevent objects (and the Go core) PID has mapped, one path a line.
mapped_libevent() {
	awk '{ print $6 }' "/proc/$1/maps" 2>/dev/null |
		grep -E '/lib(go)?event[a-z_]*-2\.1\.so' | sort -u
}

# check_maps PID [core]: /proc/PID/maps maps our library from $GOEVENT_LIB and no other
# libevent (IMPL=ours); with "core", also our Go core (libgoevent_core-2.1.so.7 from
# $GOEVENT_LIB). For IMPL=real: the system's libevent and nothing of ours.
check_maps() {
	local pid=$1 want_core=${2:-} mapped lib="" ourdir p foreign="" ourlib="" core=""
	alive "$pid" || fail "check_maps: process $pid is not running"
	mapped=$(mapped_libevent "$pid")
	note "pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) maps: $(echo $mapped)"
	[ -n "$mapped" ] || fail "pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) maps no libevent at all"
	ourdir=$(readlink -f "$GOEVENT_LIB")
	while read -r p; do
		[ -n "$p" ] || continue
		case "$p" in
		"$ourdir"/libgoevent_core-2.1.so*) core=$p ;;
		"$ourdir"/*) ourlib=$p ;;
		*) foreign="$foreign $p" ;;
		esac
	done <<<"$mapped"
	if [ "$IMPL" = ours ]; then
		[ -n "$ourlib" ] || fail "pid $pid does not map our libevent from $ourdir (maps:$(echo " "$mapped))"
		[ -z "$foreign" ] || fail "pid $pid maps a libevent that is not ours:$foreign"
		if [ "$want_core" = core ]; then
			[ -n "$core" ] || fail "pid $pid does not map the Go core $ourdir/libgoevent_core-2.1.so.7"
		fi
	else
		[ -z "$ourlib$core" ] || fail "IMPL=real but pid $pid maps goevent: $ourlib $core"
		for p in $foreign; do
			case " $SYSTEM_LIBDIRS " in *" $(dirname "$p") "*) lib=1 ;; esac
		done
		[ -n "$lib" ] || fail "pid $pid maps no system libevent (maps:$(echo " "$mapped))"
	fi
	return 0
}

# ---------------------------------------------------------------- small tools

# need_netns: skip unless the script runs in run.sh's private network namespace (for
# tests that change the network configuration: iptables rules, addresses).
need_netns() {
	[ "${GOEVENT_PROGRAMS_NETNS:-}" = 1 ] || skip "needs a private network namespace (unshare -n), not available"
}

# need_cmd CMD...: these commands exist (else fail: the "# packages:" line misses one).
need_cmd() {
	local c
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || fail "command $c not found"; done
}

# build_c OUT SRC [CFLAGS...]: compile a small helper program (no libevent) into $WORK.
build_c() {
	local out=$1 src=$2; shift 2
	command -v cc >/dev/null 2>&1 || fail "no C compiler to build $(basename "$src")"
	cc -O2 -Wall -o "$out" "$src" "$@" >"$WORK/build-$(basename "$out").log" 2>&1 ||
		fail "could not compile $(basename "$src") (see build-$(basename "$out").log)"
}

# expect_eq WHAT GOT WANT: fail "WHAT: got 'GOT', want 'WANT'" unless equal.
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$(printf '%s' "$2" | head -c 200)', want '$(printf '%s' "$3" | head -c 200)'"
}

# expect_grep WHAT FILE ERE: FILE has a line matching ERE, else fail.
expect_grep() {
	grep -Eq -- "$3" "$2" 2>/dev/null || fail "$1: no line matching /$3/ in $(basename "$2")"
}

# daemon_log NAME: the log file start_daemon used.
daemon_log() { echo "$WORK/$1.log"; }
