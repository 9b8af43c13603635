#!/usr/bin/env bash
# desc: memcaslap (libmemcached-tools' load generator, itself a libevent program: 2 threads, 16 concurrent connections) drives memcached, both on the library under test, for 4 s in the text protocol and 3 s in the binary protocol with 20% of the gets verified; it must report operations and no get, verify or expire misses
# packages: memcached libmemcached-tools
# binaries: /usr/bin/memcaslap /usr/bin/memcached
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd memcached memcaslap
user=memcache
getent passwd "$user" >/dev/null || user=nobody

port=11211
start_daemon memcached memcached -u "$user" -l 127.0.0.1 -p $port -U 0 -t 2 -m 256
mc=$DAEMON_PID
wait_port $port
check_maps "$mc" core

# field LOG NAME: memcaslap's "NAME: value" summary field.
field() { awk -v k="$2:" '$1 == k { print $2; exit }' "$1"; }

# slap TAG SECONDS [OPTIONS...]: one memcaslap run; checks its maps while it runs and its report.
slap() {
	local tag=$1 secs=$2 log pid rc gets sets; shift 2
	log="$WORK/$tag.log"
	start_daemon "$tag" memcaslap -s 127.0.0.1:$port -T 2 -c 16 -t "${secs}s" -v 0.2 "$@"
	pid=$DAEMON_PID
	sleep 1
	alive "$pid" || fail "memcaslap ($tag) ended within 1 s of a ${secs} s run"
	check_maps "$pid" core
	wait_exit "$pid" $((secs + 20)) || fail "memcaslap ($tag) still running ${secs}+20 s after it started"
	wait "$pid"; rc=$?
	[ $rc -eq 0 ] || fail "memcaslap ($tag) exited with status $rc"
	grep -q '^Run time: .* Ops: [1-9][0-9]* ' "$log" || fail "memcaslap ($tag) reported no operations"
	gets=$(field "$log" cmd_get)
	sets=$(field "$log" cmd_set)
	note "memcaslap $tag: cmd_get=$gets cmd_set=$sets $(grep '^Run time' "$log")"
	[ -n "$gets" ] && [ "$gets" -gt 0 ] || fail "memcaslap ($tag): cmd_get is '$gets'"
	[ -n "$sets" ] && [ "$sets" -gt 0 ] || fail "memcaslap ($tag): cmd_set is '$sets'"
	for k in get_misses verify_misses verify_failed expired_get unexpired_unget; do
		v=$(field "$log" $k)
		[ -z "$v" ] || [ "$v" = 0 ] || fail "memcaslap ($tag): $k is $v, want 0"
	done
	[ "$(field "$log" verify_failed)" = 0 ] || fail "memcaslap ($tag) printed no verify_failed count"
}

slap slap-text 4
slap slap-binary 3 -B
alive "$mc" || fail "memcached exited during the runs"
stop_pid "$mc" 10 || fail "memcached did not exit on SIGTERM within 10 s"
pass
