#!/usr/bin/env bash
# desc: tcpbench (OpenBSD's TCP/UDP benchmark; server and client both libevent programs on the library under test): 4 parallel TCP streams for 3 s with per-second reports on both sides, every connection reported by both, the server's byte count at least half the client's, the client ending on time; then a 2 s UDP run whose packets the server counts
# packages: tcpbench
# binaries: /usr/bin/tcpbench
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd tcpbench

# (-4: on "any" the server would bind :: and then 0.0.0.0, and fail with EADDRINUSE)
start_daemon server tcpbench -4 -s -r 1000 -p 12345
srv=$DAEMON_PID
wait_port 12345
check_maps "$srv" core

start_daemon client tcpbench -4 -n 4 -t 3 -r 1000 -p 12345 127.0.0.1
cli=$DAEMON_PID
sleep 1
alive "$cli" || fail "the tcpbench client ended within 1 s of a 3 s run: $(tail -n 1 "$WORK/client.log")"
check_maps "$cli" core
wait_exit "$cli" 20 || fail "the tcpbench client still runs 20 s after a 3 s run"
wait "$cli"; rc=$?
[ $rc = 0 ] || fail "the tcpbench client exited with status $rc: $(tail -n 1 "$WORK/client.log")"
sleep 1.5   # one more report interval of the server, for the bytes still in flight

# "Conn:   4 Mbps: ..." summary lines: all 4 connections, on both sides
nc=$(grep -c '^Conn: *4 ' "$WORK/client.log")
ns=$(grep -c '^Conn: *4 ' "$WORK/server.log")
note "tcpbench: client $nc and server $ns reports with 4 connections"
[ "$nc" -ge 2 ] || fail "the client printed $nc reports with 4 connections, want >= 2"
[ "$ns" -ge 2 ] || fail "the server printed $ns reports with 4 connections, want >= 2"
# per-connection lines: elapsed_ms bytes mbps bwidth
sum() { awk '$1 ~ /^[0-9]+$/ && NF == 4 { s += $2 } END { printf "%.0f\n", s }' "$1"; }
cb=$(sum "$WORK/client.log")
sb=$(sum "$WORK/server.log")
note "tcpbench: client sent $cb bytes, server counted $sb"
[ "$cb" -gt 0 ] || fail "the client reports no bytes sent"
[ "$sb" -ge $((cb / 2)) ] || fail "the server counted $sb bytes of the $cb the client sent"
alive "$srv" || fail "the tcpbench server exited"
check_maps "$srv" core
stop_pid "$srv" 10 || fail "the tcpbench server did not exit on SIGTERM within 10 s"

# UDP
start_daemon userver tcpbench -4 -s -u -r 1000 -p 12346
usrv=$DAEMON_PID
wait_udp_port 12346
check_maps "$usrv" core
start_daemon uclient tcpbench -4 -u -t 2 -r 1000 -p 12346 127.0.0.1
ucli=$DAEMON_PID
wait_exit "$ucli" 20 || fail "the UDP client still runs 20 s after a 2 s run"
wait "$ucli"; rc=$?
[ $rc = 0 ] || fail "the UDP client exited with status $rc: $(tail -n 1 "$WORK/uclient.log")"
tx=$(awk '/Tx PPS:/ { s += $NF } END { print s + 0 }' "$WORK/uclient.log")
has_rx() { [ "$(awk '/Rx PPS:/ { s += $NF } END { print s + 0 }' "$WORK/userver.log")" -gt 0 ]; }
wait_for 5 has_rx || fail "the UDP server reports no packets received (client: $tx Tx PPS summed)"
note "UDP: client Tx PPS summed $tx, server $(awk '/Rx PPS:/ { s += $NF } END { print s + 0 }' "$WORK/userver.log") Rx PPS"
stop_pid "$usrv" 10 || fail "the UDP server did not exit on SIGTERM within 10 s"
pass
