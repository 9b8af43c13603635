#!/usr/bin/env bash
# desc: sslsplit splitting TLS in SNI mode ("https 127.0.0.1 8443 sni 8444"), in a private mount namespace whose /etc/resolv.conf names our stub DNS server: each connection's SNI name is looked up with evdns_getaddrinfo (the stub sees the query), sslsplit connects to the answer, an openssl s_server that reverses lines, and the client gets the reversed line through the split; the connect log names the SNI host. Its TLS sides are bufferevents of our libevent_openssl-2.1.so.7
# packages: sslsplit openssl gcc libc6-dev
# binaries: /usr/bin/sslsplit
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd sslsplit openssl unshare mount ip
if [ "$IMPL" = ours ] && [ ! -e "$GOEVENT_LIB/libevent_openssl-2.1.so.7" ]; then
	fail "our build has no libevent_openssl-2.1.so.7"
fi
build_c "$WORK/dnsstub" "$PROGRAMS_DIR/tools/dnsstub.c"

# glibc's getaddrinfo(AI_ADDRCONFIG), which sslsplit uses for its listen
# address, wants a non-loopback address: one on lo is enough.
ip addr add 10.99.0.1/32 dev lo 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.crt" -days 2 \
	-subj "/CN=goevent test CA" >"$WORK/openssl.log" 2>&1 || fail "openssl req (CA)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/srv.key" -out "$WORK/srv.crt" -days 2 \
	-subj "/CN=target.test" >>"$WORK/openssl.log" 2>&1 || fail "openssl req (server)"
echo "nameserver 127.0.0.1:5395" >"$WORK/resolv.conf"

start_daemon dnsstub "$WORK/dnsstub" 5395 "$WORK/queries.log" target.test=127.0.0.1
start_daemon s_server openssl s_server -quiet -accept 127.0.0.1:8444 -cert "$WORK/srv.crt" -key "$WORK/srv.key" -rev
wait_port 8444
# sslsplit reads /etc/resolv.conf itself: ours is bind-mounted over it in a
# mount namespace of its own. It runs in the foreground (-D would be debug).
start_daemon sslsplit unshare -m sh -c \
	"mount --bind '$WORK/resolv.conf' /etc/resolv.conf && exec sslsplit -l '$WORK/conn.log' -k '$WORK/ca.key' -c '$WORK/ca.crt' https 127.0.0.1 8443 sni 8444"
split=$DAEMON_PID
wait_port 8443
check_maps "$split" core

got=$( (echo "hello goevent"; sleep 2) | timeout 10 openssl s_client -quiet -connect 127.0.0.1:8443 -servername target.test 2>/dev/null | head -n 1 | tr -d '\r')
expect_eq "the line back through the split" "$got" "tneveog olleh"
grep -q '^target.test 1$' "$WORK/queries.log" || fail "no A query for the SNI name target.test: $(tr '\n' ' ' <"$WORK/queries.log")"
wait_for 5 grep -q 'sni:target.test' "$WORK/conn.log" || fail "the connect log does not name the SNI host"
alive "$split" || fail "sslsplit exited"
stop_pid "$split" 10 || fail "sslsplit did not exit within 10 s of SIGTERM"
pass
