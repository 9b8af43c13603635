#!/usr/bin/env bash
# desc: memcached (4 worker threads, each with its own event base): 8 concurrent clients x 400 random set/get/multi-get/append/delete/incr with binary values up to 96 KiB, every answer checked against a model, a shared counter checked for lost increments, memcstat's counters checked; then again daemonized (-d, pidfile), stopped through its pidfile
# packages: memcached libmemcached-tools gcc libc6-dev
# binaries: /usr/bin/memcached
# timeout: 150
. "$(dirname "$0")/lib.sh"

need_cmd memcached memcstat
build_c "$WORK/mcload" "$PROGRAMS_DIR/tools/mcload.c"

# memcached refuses to run as root without -u; the package creates "memcache".
user=memcache
getent passwd "$user" >/dev/null || user=nobody
# A directory the unprivileged daemon can write its pidfile into.
mkdir -p "$WORK/run" && chmod 1777 "$WORK/run"

# stat NAME: one counter from memcstat's report (empty if missing).
mstat() {
	memcstat --servers="127.0.0.1:$port" 2>/dev/null | awk -v k="$1" '$1 == k":" { print $2; exit }'
}

# --- 1: in the foreground, 4 threads
port=11211
start_daemon memcached memcached -u "$user" -l 127.0.0.1 -p $port -U 0 -t 4 -m 256 -c 256
mc=$DAEMON_PID
wait_port $port
check_maps "$mc" core

"$WORK/mcload" $port 8 400 1 >"$WORK/mcload.log" 2>&1 ||
	fail "workload (8 clients): $(grep -v '^ok' "$WORK/mcload.log" | head -n 1)"
alive "$mc" || fail "memcached exited during the workload"

# memcached's own counters (read through another libevent-free client, libmemcached)
threads=$(mstat threads)
conns=$(mstat total_connections)
sets=$(mstat cmd_set)
note "memcstat: threads=$threads total_connections=$conns cmd_set=$sets"
expect_eq "memcstat threads" "$threads" 4
[ -n "$conns" ] && [ "$conns" -ge 10 ] || fail "memcstat total_connections is '$conns', want >= 10 (8 clients + 2)"
[ -n "$sets" ] && [ "$sets" -ge 8 ] || fail "memcstat cmd_set is '$sets', want >= 8"
check_maps "$mc" core

stop_pid "$mc" 10 || fail "memcached did not exit on SIGTERM within 10 s"

# --- 2: daemonized with a pidfile
port=11212
pidfile="$WORK/run/memcached.pid"
track_pidfile "$pidfile"
run_env memcached -d -P "$pidfile" -u "$user" -l 127.0.0.1 -p $port -U 0 -t 2 -m 128 \
	</dev/null >"$WORK/memcached-d.log" 2>&1 || fail "memcached -d exited with status $?"
wait_file "$pidfile"
dpid=$(pidfile_pid "$pidfile")
alive "$dpid" || fail "the pid in the pidfile ($dpid) is not running"
wait_port $port
check_maps "$dpid" core
[ "$(awk '/^PPid:/ { print $2 }' "/proc/$dpid/status")" != "$$" ] ||
	fail "memcached -d did not detach (its parent is the test script)"

"$WORK/mcload" $port 4 300 2 >"$WORK/mcload-d.log" 2>&1 ||
	fail "workload on the daemon: $(grep -v '^ok' "$WORK/mcload-d.log" | head -n 1)"
expect_eq "memcstat threads (daemon)" "$(mstat threads)" 2

kill -TERM "$dpid"
wait_exit "$dpid" 10 || fail "memcached -d did not exit on SIGTERM within 10 s"
pass
