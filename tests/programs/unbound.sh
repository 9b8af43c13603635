#!/usr/bin/env bash
# desc: unbound (2 threads, privileges dropped to user unbound) serving a local zone on 127.0.0.1: A, TXT, MX and NXDOMAIN answers checked with dig over UDP and TCP, a 60-record answer truncated over UDP and complete over TCP, 4 parallel batches of 100 queries (UDP and TCP) all answered right, clean exit on SIGTERM
# packages: unbound bind9-dnsutils
# binaries: /usr/sbin/unbound
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$PROGRAMS_DIR/dns.inc"

need_cmd unbound dig
port=5353
start_unbound $port
check_maps "$UNBOUND_PID" core

expect_eq "www A (UDP)" "$(qshort $port www.$ZONE A)" "192.0.2.10"
expect_eq "www A (TCP)" "$(qshort $port www.$ZONE A +tcp)" "192.0.2.10"
expect_eq "TXT" "$(qshort $port $ZONE TXT)" '"served by unbound"'
expect_eq "MX" "$(qshort $port $ZONE MX)" "10 mail.$ZONE."
out=$(q $port nope.$ZONE A)
echo "$out" | grep -q 'status: NXDOMAIN' || fail "nope.$ZONE: no NXDOMAIN: $(echo "$out" | grep status)"
check_big $port
check_batch $port 192.0.2 4

alive "$UNBOUND_PID" || fail "unbound exited during the queries"
check_maps "$UNBOUND_PID" core
stop_pid "$UNBOUND_PID" 10 || fail "unbound did not exit on SIGTERM within 10 s"
grep -qi 'error\|fatal' "$(daemon_log unbound)" && fail "unbound logged an error: $(grep -i 'error\|fatal' "$(daemon_log unbound)" | head -n 1)"
grep -q 'service stopped' "$(daemon_log unbound)" || fail "unbound did not log 'service stopped'"
# both threads (each with its own event base) answered queries
for t in 0 1; do
	n=$(sed -n "s/.*server stats for thread $t: \([0-9]*\) queries.*/\1/p" "$(daemon_log unbound)")
	[ -n "$n" ] && [ "$n" -gt 0 ] || fail "unbound thread $t answered '$n' queries"
done
pass
