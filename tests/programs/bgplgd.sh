#!/usr/bin/env bash
# desc: bgplgd (OpenBGPD's looking glass, a FastCGI server that runs bgpctl per request, user _bgplgd) in front of two bgpd (not libevent programs) peering over 127.0.0.1/127.0.0.2, each announcing a prefix: FastCGI requests by cgi-fcgi for /summary (session Established), /rib (both prefixes, the peer's with its AS path), /rib filtered by neighbor and prefix, /neighbors (1 prefix sent and received), /memory, 404 and 400 answers, a prefix added on the peer with bgpctl appearing, 20 requests back to back
# packages: openbgpd libfcgi-bin
# binaries: /usr/sbin/bgplgd
# timeout: 120
. "$(dirname "$0")/lib.sh"

need_cmd bgpd bgpctl bgplgd cgi-fcgi
# bgpd's session engine chroots into _openbgpd's home (systemd's RuntimeDirectory).
mkdir -p /run/openbgpd

# Two bgpd: A (AS 65001, 127.0.0.1) and B (AS 65002, 127.0.0.2), eBGP between them.
for x in a:65001:127.0.0.1:127.0.0.2:65002:198.51.100.0/24:192.0.2.1 \
	b:65002:127.0.0.2:127.0.0.1:65001:203.0.113.0/24:192.0.2.2; do
	IFS=: read -r n as me peer pas net rid <<<"$x"
	cat >"$WORK/bgpd-$n.conf" <<EOF
AS $as
router-id $rid
listen on $me
fib-update no
socket "$WORK/$n.sock"
socket "$WORK/$n.rsock" restricted
network $net
neighbor $peer {
	remote-as $pas
	descr "peer-of-$n"
	local-address $me
}
allow from any
allow to any
EOF
	bgpd -n -f "$WORK/bgpd-$n.conf" >"$WORK/bgpd-n.log" 2>&1 || fail "bgpd -n ($n): $(tail -n 1 "$WORK/bgpd-n.log")"
	start_daemon "bgpd-$n" bgpd -d -f "$WORK/bgpd-$n.conf"
	wait_for 15 test -S "$WORK/$n.rsock" || fail "bgpd $n did not create its control socket"
done

# bgplgd asks A through A's restricted control socket; its own FastCGI socket is
# owned by root (-U) so that the test can connect.
start_daemon bgplgd bgplgd -d -S "$WORK/a.rsock" -s "$WORK/lg.sock" -U root
lg=$DAEMON_PID
wait_for 15 test -S "$WORK/lg.sock" || fail "bgplgd did not create its FastCGI socket"
check_maps "$lg" core
expect_eq "bgplgd's user" "$(awk '/^Uid:/ { print $2 }' "/proc/$lg/status")" "$(id -u _bgplgd 2>/dev/null || echo none)"

# fcgi PATH [QUERY]: one FastCGI request as a web server would send it (only the CGI
# variables: cgi-fcgi would pass its whole environment as parameters otherwise)
fcgi() {
	env -i REQUEST_METHOD=GET SCRIPT_NAME=/bgplgd PATH_INFO="$1" QUERY_STRING="${2:-}" \
		timeout 20 cgi-fcgi -bind -connect "$WORK/lg.sock"
}
# jq-less JSON checks: the answer with whitespace squeezed out
flat() { fcgi "$@" | tr -d ' \t\n'; }

established() { flat /summary | grep -q '"description":"peer-of-a","remote_addr":"127.0.0.2","bgpid":"192.0.2.2","state":"Established"'; }
wait_for 60 established || fail "the BGP session is not Established in /summary: $(fcgi /summary | tr -d '\n\t' | head -c 300)"
received() { flat /rib | grep -q '"prefix":"203.0.113.0/24","aspath":"65002"'; }
wait_for 30 received || fail "/rib does not show B's prefix: $(fcgi /rib | tr -d '\n\t' | head -c 300)"

# --- the answers
out=$(fcgi /summary)
case "$out" in "Content-type: application/json"*) ;; *) fail "/summary: not a JSON answer: $(echo "$out" | head -n 1)" ;; esac
rib=$(flat /rib)
echo "$rib" | grep -q '"prefix":"198.51.100.0/24","aspath":"","exit_nexthop":"0.0.0.0"' || fail "/rib lacks A's own prefix"
echo "$rib" | grep -q '"prefix":"203.0.113.0/24","aspath":"65002","exit_nexthop":"127.0.0.2"' || fail "/rib lacks B's prefix with its nexthop"
expect_eq "prefixes in /rib" "$(echo "$rib" | grep -o '"prefix":' | wc -l)" 2
r=$(flat /rib neighbor=peer-of-a)
expect_eq "/rib?neighbor=peer-of-a prefixes" "$(echo "$r" | grep -o '"prefix":"[^"]*"' | tr '\n' ' ')" '"prefix":"203.0.113.0/24" '
r=$(flat /rib prefix=198.51.100.0/24)
expect_eq "/rib?prefix=198.51.100.0/24 prefixes" "$(echo "$r" | grep -o '"prefix":"[^"]*"' | tr '\n' ' ')" '"prefix":"198.51.100.0/24" '
r=$(flat /neighbors neighbor=127.0.0.2)
echo "$r" | grep -q '"prefixes":{"sent":1,"received":1}' || fail "/neighbors: not 1 prefix sent and 1 received: $(echo "$r" | grep -o '"prefixes":{[^}]*}')"
echo "$r" | grep -q '"remote_as":"65002"' || fail "/neighbors: no remote_as 65002"
flat /memory | grep -q '"IPv4unicast":{"count":' || fail "/memory: no IPv4 unicast count"
fcgi /nope | grep -q '^Status: 404' || fail "/nope: no 404"
fcgi /rib bogus=1 | grep -q '^Status: 400' || fail "/rib?bogus=1: no 400"

# --- a change on the peer shows up through the looking glass
bgpctl -s "$WORK/b.sock" network add 192.0.2.128/25 >/dev/null || fail "bgpctl network add on B failed"
added() { flat /rib neighbor=peer-of-a | grep -q '"prefix":"192.0.2.128/25","aspath":"65002"'; }
wait_for 30 added || fail "/rib does not show the prefix added on B"

# --- 20 requests back to back. Not concurrent ones: bgplgd 7.7 closes a finished
# request's bgpctl pipes a second time when it cleans the request up, by then possibly
# another request's pipe or socket (seen with strace: a concurrent request's bgpctl
# killed by SIGPIPE, another never answered), on the real libevent as much as on ours.
for i in $(seq 1 20); do
	case $((i % 3)) in
	0) r=$(flat /rib neighbor=peer-of-a | grep -o '"prefix":"[^"]*"' | sort | tr '\n' ' ')
	   expect_eq "request $i (/rib?neighbor=peer-of-a)" "$r" '"prefix":"192.0.2.128/25" "prefix":"203.0.113.0/24" ' ;;
	1) established || fail "request $i (/summary): not Established" ;;
	2) fcgi /nope | grep -q '^Status: 404' || fail "request $i (/nope): no 404" ;;
	esac
done

alive "$lg" || fail "bgplgd exited"
check_maps "$lg" core
stop_pid "$lg" 10 || fail "bgplgd did not exit on SIGTERM within 10 s"
pass
