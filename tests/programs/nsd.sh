#!/usr/bin/env bash
# desc: nsd (main process, xfrd and 2 forked server processes, privileges dropped to user nsd) authoritative for a small zone on 127.0.0.1: A, CNAME, MX, SOA and NXDOMAIN answers with the aa flag checked with dig over UDP and TCP, a 60-record answer truncated over UDP and complete over TCP, an AXFR of the whole zone, 4 parallel batches of 100 queries, clean exit on SIGTERM
# packages: nsd bind9-dnsutils
# binaries: /usr/sbin/nsd
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$PROGRAMS_DIR/dns.inc"

need_cmd nsd dig
port=5354
start_nsd $port
# nsd forks: the first process becomes xfrd (its pid is in the pidfile), its child is
# the main process, whose children are the servers that answer queries.
wait_for 10 test -s "$WORK/nsd/nsd.pid" || fail "nsd wrote no pidfile"
roles() { for k in $NSD_PID $(descendants "$NSD_PID"); do cat "/proc/$k/comm" 2>/dev/null; echo; done | grep . | sort | tr '\n' ','; }
has_roles() { [ "$(roles)" = "nsd: main,nsd: server 1,nsd: server 2,nsd: xfrd," ]; }
wait_for 15 has_roles || fail "nsd's processes are '$(roles)', want xfrd, main and 2 servers"
kids=$(descendants "$NSD_PID")
# nsd_maps: every process maps our library; xfrd and the servers run event loops (the
# Go core); the main process only forks and waits (it need not reach the core).
nsd_maps() {
	local k
	for k in $NSD_PID $kids; do
		case "$(cat "/proc/$k/comm" 2>/dev/null)" in
		"nsd: main") check_maps "$k" ;;
		*) check_maps "$k" core ;;
		esac
	done
}
nsd_maps

out=$(q $port +norec www.$ZONE A)
echo "$out" | grep -q '^;; flags: qr aa' || fail "www.$ZONE: answer without the aa flag: $(echo "$out" | grep '^;; flags')"
expect_eq "www A (UDP)" "$(qshort $port www.$ZONE A +norec)" "192.0.2.20"
expect_eq "www A (TCP)" "$(qshort $port www.$ZONE A +norec +tcp)" "192.0.2.20"
expect_eq "CNAME" "$(qshort $port alias.$ZONE A +norec)" "192.0.2.20 www.$ZONE."
expect_eq "TXT" "$(qshort $port $ZONE TXT +norec)" '"served by nsd"'
expect_eq "MX" "$(qshort $port $ZONE MX +norec)" "10 mail.$ZONE."
expect_eq "SOA serial" "$(qshort $port $ZONE SOA +norec | awk '{ print $3 }')" "2024010101"
out=$(q $port +norec nope.$ZONE A)
echo "$out" | grep -q 'status: NXDOMAIN' || fail "nope.$ZONE: no NXDOMAIN: $(echo "$out" | grep status)"
echo "$out" | grep -q "^$ZONE\..*SOA" || fail "nope.$ZONE: NXDOMAIN without the SOA in the authority section"
check_big $port +norec

# AXFR (TCP): SOA first and last, every record of the zone file in between
axfr=$(q $port $ZONE AXFR | grep -v '^;' | grep .)
n=$(echo "$axfr" | wc -l)
want=$((2 + 1 + 1 + 1 + 1 + 1 + 1 + BIG_N + HOSTS_N))   # SOA x2, NS, TXT, MX, ns, www, alias, big, hosts
expect_eq "AXFR record count" "$n" "$want"
expect_eq "AXFR first record" "$(echo "$axfr" | head -n 1 | awk '{ print $4 }')" SOA
expect_eq "AXFR last record" "$(echo "$axfr" | tail -n 1 | awk '{ print $4 }')" SOA

check_batch $port 203.0.113 4 +norec

alive "$NSD_PID" || fail "nsd exited during the queries"
nsd_maps
stop_pid "$NSD_PID" 10 || fail "nsd (xfrd, the pid in the pidfile) did not exit on SIGTERM within 10 s"
for k in $kids; do wait_exit "$k" 10 || fail "nsd process $k still runs 10 s after xfrd ended"; done
grep -qi 'error\|fatal' "$WORK/nsd-log.log" && fail "nsd logged an error: $(grep -i 'error\|fatal' "$WORK/nsd-log.log" | head -n 1)"
pass
