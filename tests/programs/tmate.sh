#!/usr/bin/env bash
# desc: tmate (foreground, -F) in a private mount namespace whose /etc/resolv.conf names our stub DNS server on 127.0.0.1: its evdns_base (evdns_base_new reading that resolv.conf) looks the tmate server's name up with evdns_getaddrinfo (A and AAAA queries seen by the stub), connects to the answer and speaks SSH to it (the stub logs the client's SSH banner); exits on SIGTERM
# packages: tmate gcc libc6-dev
# binaries: /usr/bin/tmate
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd tmate unshare mount
build_c "$WORK/dnsstub" "$PROGRAMS_DIR/tools/dnsstub.c"

start_daemon dnsstub "$WORK/dnsstub" 5396 "$WORK/queries.log" -t 2222 tmate.test=127.0.0.1 tmate.test=::1
wait_udp_port 5396
cat >"$WORK/resolv.conf" <<EOF
nameserver 127.0.0.1:5396
options timeout:1 attempts:2
EOF
cat >"$WORK/tmate.conf" <<EOF
set -g tmate-server-host tmate.test
set -g tmate-server-port 2222
EOF
# tmate reads /etc/resolv.conf itself (evdns_base_new with
# EVDNS_BASE_INITIALIZE_NAMESERVERS): ours is bind-mounted over it in a mount
# namespace of its own, which ends with the process.
export TERM=xterm
start_daemon tmate unshare -m sh -c \
	"mount --bind '$WORK/resolv.conf' /etc/resolv.conf && exec tmate -f '$WORK/tmate.conf' -F -S '$WORK/sock'"
tmate=$DAEMON_PID
wait_for 20 grep -q '^tcp ' "$WORK/queries.log" ||
	fail "no connection to the address evdns resolved (queries: $(tr '\n' ' ' <"$WORK/queries.log"); tmate said: $(tr '\n' ' ' <"$WORK/tmate.log" | head -c 300))"
alive "$tmate" || fail "tmate exited"
check_maps "$tmate" core
grep -q '^tmate.test 1$' "$WORK/queries.log" || fail "no A query for tmate.test"
grep -q '^tmate.test 28$' "$WORK/queries.log" || fail "no AAAA query for tmate.test"
grep -q '^tcp SSH-2.0-' "$WORK/queries.log" || fail "the connection did not speak SSH: $(grep '^tcp' "$WORK/queries.log" | head -n 1)"
grep -q 'Connecting to tmate.test' "$WORK/tmate.log" || fail "tmate did not report connecting: $(head -c 300 "$WORK/tmate.log")"
stop_pid "$tmate" 10 || fail "tmate did not exit within 10 s of SIGTERM"
pass
