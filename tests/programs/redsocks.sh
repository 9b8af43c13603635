#!/usr/bin/env bash
# desc: redsocks (privileges dropped to user redsocks) as a transparent redirector: iptables REDIRECTs connections from 127.0.0.3 to redsocks, which relays them through a SOCKS5 proxy (microsocks) and through an HTTP CONNECT proxy (a small test proxy) to a test server; 8 parallel connections x 1 MiB each way per proxy type, the server's banner and the XOR-echoed stream checked byte for byte; its dnstc answers DNS queries with the tc flag; once redsocks is stopped the redirected connections fail
# packages: redsocks microsocks iptables bind9-dnsutils gcc libc6-dev
# binaries: /usr/sbin/redsocks
# timeout: 150
. "$(dirname "$0")/lib.sh"

need_netns
need_cmd redsocks microsocks iptables dig
build_c "$WORK/tcpcheck" "$PROGRAMS_DIR/tools/tcpcheck.c"

# The destinations (on 127.0.0.2) and the two proxies (not on the library under test).
start_daemon target1 "$WORK/tcpcheck" serve 127.0.0.2 7000
start_daemon target2 "$WORK/tcpcheck" serve 127.0.0.2 7001
start_daemon microsocks microsocks -i 127.0.0.1 -p 1080
start_daemon httpproxy "$WORK/tcpcheck" connect-proxy 127.0.0.1 3128
for p in 7000 7001 1080 3128; do wait_port $p; done

user=redsocks
getent passwd "$user" >/dev/null || user=nobody
group=$(id -gn "$user")
cat >"$WORK/redsocks.conf" <<CONF
base {
	log_debug = off;
	log_info = on;
	log = stderr;
	daemon = off;
	user = $user;
	group = $group;
	redirector = iptables;
}
redsocks {
	local_ip = 127.0.0.1;
	local_port = 12345;
	ip = 127.0.0.1;
	port = 1080;
	type = socks5;
}
redsocks {
	local_ip = 127.0.0.1;
	local_port = 12346;
	ip = 127.0.0.1;
	port = 3128;
	type = http-connect;
}
dnstc {
	local_ip = 127.0.0.1;
	local_port = 5300;
}
CONF
redsocks -t -c "$WORK/redsocks.conf" >"$WORK/redsocks-t.log" 2>&1 ||
	fail "redsocks -t rejects the config: $(tail -n 1 "$WORK/redsocks-t.log")"
# (it writes the pidfile after dropping privileges)
mkdir -p "$WORK/run" && chmod 1777 "$WORK/run"
start_daemon redsocks redsocks -c "$WORK/redsocks.conf" -p "$WORK/run/redsocks.pid"
rs=$DAEMON_PID
wait_port 12345
wait_port 12346
wait_udp_port 5300
wait_file "$WORK/run/redsocks.pid"
expect_eq "redsocks's pidfile" "$(pidfile_pid "$WORK/run/redsocks.pid")" "$rs"
check_maps "$rs" core
expect_eq "redsocks's user" "$(awk '/^Uid:/ { print $2 }' "/proc/$rs/status")" "$(id -u "$user")"

# Connections from 127.0.0.3 to 127.0.0.2:7000/7001 go to redsocks (the namespace is ours).
iptables -t nat -A OUTPUT -p tcp -s 127.0.0.3 -d 127.0.0.2 --dport 7000 -j REDIRECT --to-ports 12345 ||
	fail "iptables REDIRECT rule failed"
iptables -t nat -A OUTPUT -p tcp -s 127.0.0.3 -d 127.0.0.2 --dport 7001 -j REDIRECT --to-ports 12346 ||
	fail "iptables REDIRECT rule failed"

"$WORK/tcpcheck" client 127.0.0.2 7000 4096 1 >"$WORK/client-direct.log" 2>&1 ||
	fail "the target does not answer directly: $(tail -n 1 "$WORK/client-direct.log")"
"$WORK/tcpcheck" client -b 127.0.0.3 127.0.0.2 7000 1048576 8 >"$WORK/client-socks5.log" 2>&1 ||
	fail "through redsocks + SOCKS5: $(grep -v '^FAIL' "$WORK/client-socks5.log" | head -n 1)"
"$WORK/tcpcheck" client -b 127.0.0.3 127.0.0.2 7001 1048576 8 >"$WORK/client-http-connect.log" 2>&1 ||
	fail "through redsocks + HTTP CONNECT: $(grep -v '^FAIL' "$WORK/client-http-connect.log" | head -n 1)"

# dnstc: every DNS query is answered with the tc flag (go ask over TCP)
# (a plain query: dnstc calls one with an EDNS record or the AD bit, which dig sets by default, malformed)
out=$(dig @127.0.0.1 -p 5300 +time=3 +tries=2 +notcp +ignore +noedns +noadflag www.example.org A 2>&1)
echo "$out" | grep -q '^;; flags:.* tc[ ;]' || fail "dnstc: no tc flag in the answer: $(echo "$out" | grep -m1 -E '^;; (flags|connection)')"

alive "$rs" || fail "redsocks exited during the relays"
check_maps "$rs" core
log=$(daemon_log redsocks)
n=$(grep -c 'accepted' "$log")
note "redsocks logged $n accepted connections"
[ "$n" -ge 16 ] || fail "redsocks logged $n accepted connections, want >= 16 (8 per proxy type)"
stop_pid "$rs" 10 || fail "redsocks did not exit on SIGTERM within 10 s"

# Without redsocks the redirected connections fail: the streams above went through it.
if "$WORK/tcpcheck" client -b 127.0.0.3 127.0.0.2 7000 16 1 >"$WORK/client-after.log" 2>&1; then
	fail "a redirected connection still worked after redsocks stopped"
fi
pass
