#!/usr/bin/env bash
# desc: BitlBee in forking mode (-F: the listener forks a child per client from inside its event-loop callback; the child leaves the inherited loop with event_base_loopexit and runs a new base from event_init) with a 1 s ping interval: two clients welcomed by two child processes (each mapping the library under test), one answering the pings and still served, the other dropped with "Ping Timeout" and its child exiting. (on goevent the child starts a Go core of its own: docs/ARCHITECTURE.md, "Fork")
# packages: bitlbee
# binaries: /usr/sbin/bitlbee
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$PROGRAMS_DIR/bitlbee/irc.inc"

# The forked children are stopped by pid too (they are not in any pidfile).
track_children() { local p; for p in $(ps -o pid= --ppid "$1"); do track_pid "$p"; done; }
# expect_line N ERE [TIMEOUT]: irc_wait, tracking the children forked meanwhile
expect_line() {
	track_children "$bf"
	irc_wait "$1" "$2" "${3:-10}"
}

# Ping every second, drop a client after 2 s without an answer.
conf ForkDaemon 1 2
start_daemon bitlbee-fork bitlbee -F -n -c "$WORK/bitlbee-ForkDaemon.conf"
bf=$DAEMON_PID
wait_port $port
check_maps "$bf" core

irc_open 3 carol
expect_line 3 '^:localhost 001 carol :Welcome'
kid=$(ps -o pid= --ppid "$bf" | tr -d ' ' | head -n 1)
[ -n "$kid" ] || fail "no child process for the client"
track_pid "$kid"
check_maps "$kid" core
expect_eq "the child's user" "$(awk '/^Uid:/ { print $2 }' "/proc/$kid/status")" "$(id -u "$user")"
irc_open 4 dave
expect_line 4 '^:localhost 001 dave :Welcome'
track_children "$bf"
expect_eq "child processes for 2 clients" "$(ps -o pid= --ppid "$bf" | wc -l)" 2
# dave answers the pings; carol answers nothing and is dropped
t0=$(date +%s)
for r in 1 2 3; do
	expect_line 4 '^PING :'
	irc_say 4 "PONG :localhost"
done
expect_line 3 '^ERROR :Closing link: Ping Timeout' 15
note "carol dropped after $(($(date +%s) - t0)) s"
irc_close 3
wait_exit "$kid" 10 || fail "carol's child process did not exit after the ping timeout"
irc_say 4 "PING :still-here"
expect_line 4 '^:localhost PONG localhost :still-here$'
irc_say 4 "QUIT"
expect_line 4 '^ERROR :Closing link: '
irc_close 4

alive "$bf" || fail "bitlbee (forking mode) exited"
stop_pid "$bf" 10 || fail "bitlbee (forking mode) did not exit on SIGTERM within 10 s"
pass
