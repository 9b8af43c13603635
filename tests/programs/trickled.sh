#!/usr/bin/env bash
# desc: trickled (trickle's bandwidth-shaping daemon) in the foreground on a UNIX socket: a client run under trickle (its preloaded library asks trickled for every transfer's delay) moves 2 x 20 kB each way through a test server, streams checked byte for byte; trickled must log both clients' arrival and departure, the transfer must be slowed down (> 1 s, it takes < 0.1 s unshaped), and trickled must quit on SIGTERM
# packages: trickle gcc libc6-dev
# binaries: /usr/bin/trickled
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd trickled trickle
build_c "$WORK/tcpcheck" "$PROGRAMS_DIR/tools/tcpcheck.c"
sock="$WORK/trickled.sock"

start_daemon server "$WORK/tcpcheck" serve 127.0.0.1 7000
wait_port 7000
start_daemon trickled trickled -f -v -d 400 -u 400 -n "$sock"
td=$DAEMON_PID
wait_for 10 test -S "$sock" || fail "trickled created no socket $sock: $(tail -n 1 "$WORK/trickled.log")"
check_maps "$td" core

# unshaped, for comparison
"$WORK/tcpcheck" client 127.0.0.1 7000 20000 2 >"$WORK/client-direct.log" 2>&1 ||
	fail "the test server does not answer: $(tail -n 1 "$WORK/client-direct.log")"
# shaped: trickle's library talks to trickled for each read and write
t0=$(date +%s%N)
timeout 60 trickle -n "$sock" "$WORK/tcpcheck" client 127.0.0.1 7000 20000 2 >"$WORK/client-trickle.log" 2>&1 ||
	fail "the transfer under trickle failed: $(grep -v '\[trickle\]' "$WORK/client-trickle.log" | tail -n 1)"
ms=$((($(date +%s%N) - t0) / 1000000))
note "2 x 20 kB each way under trickle + trickled: $ms ms"
grep -q '^ok: 2 connections' "$WORK/client-trickle.log" || fail "the client under trickle did not report its two streams intact"
[ "$ms" -ge 1000 ] || fail "the transfer under trickle took $ms ms: not shaped (trickled's delays not applied?)"

alive "$td" || fail "trickled exited during the transfer"
check_maps "$td" core
log="$WORK/trickled.log"
nn=$(grep -c 'New client:' "$log")
nr=$(grep -c 'Removed client:' "$log")
note "trickled: $nn new clients, $nr removed"
[ "$nn" -ge 2 ] || fail "trickled logged $nn new clients, want >= 2 (one per connection process)"
expect_eq "clients trickled removed" "$nr" "$nn"
stop_pid "$td" 10 || fail "trickled did not exit on SIGTERM within 10 s"
expect_grep "trickled's log" "$log" 'Received SIGTERM; quitting'
pass
