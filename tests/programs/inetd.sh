#!/usr/bin/env bash
# desc: openbsd-inetd with a config of internal services (echo, daytime, time, chargen on TCP; echo on UDP) and external commands run as nobody (tr a-z A-Z, id -un): every answer checked (daytime and time against the clock), 16 concurrent connections to the tr service each getting its own text back converted, then a SIGHUP reconfiguration (one service removed, one added) with the new set answering
# packages: openbsd-inetd netcat-openbsd
# binaries: /usr/sbin/inetd
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd inetd nc
conf="$WORK/inetd.conf"

# OpenBSD inetd's internal UDP services ignore datagrams from 127/8 (a guard against
# echo loops with spoofed sources): the UDP echo listens on a TEST-NET address added
# to lo, possible only in the private network namespace.
udp_addr=""
if [ "${GOEVENT_PROGRAMS_NETNS:-}" = 1 ] && ip addr add 192.0.2.7/32 dev lo 2>/dev/null; then
	udp_addr=192.0.2.7
fi

cat >"$conf" <<EOF
127.0.0.1:echo    stream tcp nowait root   internal
127.0.0.1:daytime stream tcp nowait root   internal
127.0.0.1:time    stream tcp nowait root   internal
127.0.0.1:chargen stream tcp nowait root   internal
127.0.0.1:2001    stream tcp nowait nobody /usr/bin/tr tr a-z A-Z
127.0.0.1:2002    stream tcp nowait nobody /usr/bin/id id -un
EOF
[ -n "$udp_addr" ] && echo "$udp_addr:echo dgram udp wait root internal" >>"$conf"

# -d: debug log on stderr (and stays in the foreground), -i: do not daemonize
start_daemon inetd inetd -d -i "$conf"
ind=$DAEMON_PID
for p in 7 13 37 19 2001 2002; do wait_port $p; done
check_maps "$ind" core

tcp() { timeout 10 nc -N 127.0.0.1 "$@"; }

# --- internal services
expect_eq "echo (tcp)" "$(printf 'hello echo\nline two\n' | tcp 7)" "$(printf 'hello echo\nline two')"
day=$(tcp 13 </dev/null)
t_day=$(date -d "$day" +%s 2>/dev/null) || fail "daytime: not a date: '$day'"
d=$((t_day - $(date +%s)))
[ ${d#-} -le 5 ] || fail "daytime: '$day' is ${d} s off the clock"
secs=$(tcp 37 </dev/null | od -An -tu1 | awk '{ for (i = 1; i <= NF; i++) v = v * 256 + $i } END { printf "%.0f\n", v }')
d=$((secs - 2208988800 - $(date +%s)))
[ -n "$secs" ] && [ ${d#-} -le 5 ] || fail "time: $secs seconds since 1900 is ${d} s off the clock"
gen=$(timeout 10 nc -d 127.0.0.1 19 </dev/null | head -n 3 | tr -d "\r")
expect_eq "chargen line 1" "$(echo "$gen" | sed -n 1p)" ' !"#$%&'"'"'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefg'
expect_eq "chargen line 3" "$(echo "$gen" | sed -n 3p)" '"#$%&'"'"'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghi'
if [ -n "$udp_addr" ]; then
	wait_udp_port 7
	got=$(printf 'datagram 1' | timeout 10 nc -u -s 192.0.2.7 -w 2 "$udp_addr" 7)
	expect_eq "echo (udp)" "$got" "datagram 1"
else
	note "no private network namespace: UDP echo not tested"
fi

# --- external commands, run as nobody
expect_eq "tr service" "$(printf 'Hello inetd\n' | tcp 2001)" "HELLO INETD"
expect_eq "id service (user of the command)" "$(tcp 2002 </dev/null)" nobody

# --- 16 concurrent connections to the tr service
pids=()
for i in $(seq 1 16); do
	(for j in $(seq 1 200); do echo "client $i line $j"; done | tcp 2001 >"$WORK/tr$i.out") &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for i in $(seq 1 16); do
	want=$(for j in $(seq 1 200); do echo "CLIENT $i LINE $j"; done)
	expect_eq "concurrent tr client $i" "$(cat "$WORK/tr$i.out")" "$want"
done
# inetd reaped the commands (SIGCHLD through the event loop)
wait_for 10 sh -c "[ \$(grep -c ' reaped, status 0' '$WORK/inetd.log') -ge 18 ]" ||
	fail "inetd reaped $(grep -c ' reaped, status 0' "$WORK/inetd.log") commands, want >= 18"
alive "$ind" || fail "inetd exited"

# --- SIGHUP: re-read the config; 2001 goes, 2003 comes
sed -i '/^127.0.0.1:2001/d' "$conf"
echo "127.0.0.1:2003 stream tcp nowait nobody /usr/bin/rev rev" >>"$conf"
kill -HUP "$ind"
wait_port 2003
not_listening() { ! _listening tcp "$1"; }
wait_for 10 not_listening 2001 || fail "after SIGHUP something still listens on port 2001"
expect_eq "rev service (added by SIGHUP)" "$(printf 'abc def\n' | tcp 2003)" "fed cba"
expect_eq "echo after SIGHUP" "$(printf 'still here\n' | tcp 7)" "still here"
tcp 2001 </dev/null >/dev/null 2>&1 && fail "port 2001 still accepts connections after SIGHUP"

check_maps "$ind" core
stop_pid "$ind" 10 || fail "inetd did not exit on SIGTERM within 10 s"
pass
