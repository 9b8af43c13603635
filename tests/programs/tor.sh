#!/usr/bin/env bash
# desc: tor (0.4.9) as an exit relay with a DNSPort, on loopback only: evdns's server port answers dig's A and AAAA queries for .onion names (automapped virtual addresses, stable per name, distinct between names, 40 names at once) and for a MapAddress name; tor's evdns resolver is set up from a resolv.conf of ours (nameserver logged as added through evdns_set_log_fn), set up again on SIGHUP after the file changed; the DNSPort still answers after the reload; clean exit on SIGTERM
# packages: tor bind9-dnsutils gcc libc6-dev
# binaries: /usr/sbin/tor
# timeout: 120
. "$(dirname "$0")/lib.sh"

need_cmd tor dig
build_c "$WORK/dnsstub" "$PROGRAMS_DIR/tools/dnsstub.c"

dnsport=5399
mkdir -p "$WORK/data" && chmod 700 "$WORK/data"
# tor's resolver (it is a relay) asks our stub server
start_daemon dnsstub "$WORK/dnsstub" 5398 "$WORK/queries.log" tortest.test=127.0.0.1
echo "nameserver 127.0.0.1:5398" >"$WORK/resolv.conf"
cat >"$WORK/torrc" <<EOF
DataDirectory $WORK/data
SocksPort 0
DNSPort 127.0.0.1:$dnsport
AutomapHostsOnResolve 1
AutomapHostsSuffixes .onion,.exit
VirtualAddrNetworkIPv4 10.192.0.0/10
VirtualAddrNetworkIPv6 [FC00::]/7
MapAddress www.mapped.test 10.1.2.3
ORPort 127.0.0.1:9991
AssumeReachable 1
PublishServerDescriptor 0
ExitRelay 1
ExitPolicy accept *:*
ServerDNSResolvConfFile $WORK/resolv.conf
Nickname goeventtest
ContactInfo nobody
Log info file $WORK/tor-info.log
EOF
start_daemon tor tor -f "$WORK/torrc"
tor=$DAEMON_PID
wait_udp_port $dnsport 30
check_maps "$tor" core

dq() { dig @127.0.0.1 -p $dnsport +time=3 +tries=2 +short "$@" 2>&1; }
in_v4() { [[ "$1" =~ ^10\.([0-9]+)\.[0-9]+\.[0-9]+$ ]] && [ "${BASH_REMATCH[1]}" -ge 192 ] && [ "${BASH_REMATCH[1]}" -le 255 ]; }
in_v6() { [[ "$1" =~ ^f[cd][0-9a-f]*: ]]; }

onion=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion
a=$(dq $onion A)
in_v4 "$a" || fail "$onion A: got '$a', want an address of 10.192.0.0/10"
aaaa=$(dq $onion AAAA)
in_v6 "$aaaa" || fail "$onion AAAA: got '$aaaa', want an address of fc00::/7"
expect_eq "$onion A again" "$(dq $onion A)" "$a"
b=$(dq other.onion A)
in_v4 "$b" && [ "$b" != "$a" ] || fail "other.onion A: got '$b', want another address of 10.192.0.0/10 than $a"
expect_eq "MapAddress www.mapped.test" "$(dq www.mapped.test A)" "10.1.2.3"
# many at once: one dig process, 40 names
for i in $(seq 1 40); do echo "n$i.onion A"; done >"$WORK/batch.in"
dig @127.0.0.1 -p $dnsport +time=5 +tries=2 +noall +answer -f "$WORK/batch.in" >"$WORK/batch.out" 2>&1
n=$(awk '$4 == "A" && $5 ~ /^10\./ { print $5 }' "$WORK/batch.out" | sort -u | wc -l)
expect_eq "distinct answers for 40 .onion names" "$n" 40

# tor's own resolver: set up through evdns (its messages reach tor's log)
wait_for 10 grep -q 'eventdns: Added nameserver 127.0.0.1:5398' "$WORK/tor-info.log" ||
	fail "tor's log does not show evdns adding 127.0.0.1:5398"
# a changed resolv.conf is read again on SIGHUP
sleep 1.1
echo "nameserver 127.0.0.1:5397" >"$WORK/resolv.conf"
kill -HUP "$tor"
wait_for 15 grep -q 'eventdns: Added nameserver 127.0.0.1:5397' "$WORK/tor-info.log" ||
	fail "after SIGHUP tor's log does not show evdns adding 127.0.0.1:5397"
expect_eq "after the reload: $onion A" "$(dq $onion A)" "$a"
alive "$tor" || fail "tor exited"
check_maps "$tor" core
grep -E '\[(err|warn)\]' "$WORK/tor-info.log" | grep -v 'running Tor as root' | grep -qi 'dns' &&
	fail "tor warned about DNS: $(grep -E '\[(err|warn)\]' "$WORK/tor-info.log" | grep -i dns | head -n 1)"
stop_pid "$tor" 15 || fail "tor did not exit within 15 s of SIGTERM"
pass
