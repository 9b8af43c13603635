#!/usr/bin/env bash
# desc: dnsproxy with Debian's shipped /etc/dnsproxy.conf unchanged (listens on 127.0.0.1:53000, chroots to /var/spool/dnsproxy, runs as user dnsproxy) in front of nsd (authoritative, :53001) and unbound (recursive, :53002), all three on the library under test: recursive queries from 127.0.0.1 (internal) must get unbound's data, non-recursive ones nsd's (with aa), NXDOMAIN passed through, 4 parallel batches of 100 queries each way
# packages: dnsproxy nsd unbound bind9-dnsutils
# binaries: /usr/sbin/dnsproxy /usr/sbin/nsd /usr/sbin/unbound
# timeout: 150
. "$(dirname "$0")/lib.sh"
. "$PROGRAMS_DIR/dns.inc"

need_cmd dnsproxy nsd unbound dig
conf=/etc/dnsproxy.conf
# The point is the shipped config: it must be Debian's file, unmodified.
want_md5=$(dpkg-query -W -f='${Conffiles}\n' dnsproxy | awk -v f="$conf" '$1 == f { print $2 }')
[ -n "$want_md5" ] || fail "dpkg does not list $conf as a dnsproxy conffile"
expect_eq "md5 of $conf (Debian's shipped file)" "$(md5sum <"$conf" | cut -d' ' -f1)" "$want_md5"
cfg() { awk -v k="$1" '$1 == k { print $2; exit }' "$conf"; }
expect_eq "$conf authoritative-port" "$(cfg authoritative-port)" 53001
expect_eq "$conf recursive-port" "$(cfg recursive-port)" 53002
expect_eq "$conf port" "$(cfg port)" 53000
chroot_dir=$(cfg chroot)
[ -d "$chroot_dir" ] || fail "the chroot directory $chroot_dir of $conf does not exist"

start_nsd 53001
start_unbound 53002
start_daemon dnsproxy dnsproxy -c "$conf"
dp=$DAEMON_PID
wait_udp_port 53000 15
check_maps "$dp" core
expect_eq "dnsproxy's root (chrooted)" "$(readlink "/proc/$dp/root")" "$chroot_dir"
expect_eq "dnsproxy's user" "$(awk '/^Uid:/ { print $2 }' "/proc/$dp/status")" "$(id -u dnsproxy)"

port=53000
# recursive (RD set) from an internal address: unbound answers
expect_eq "www A, recursive" "$(qshort $port www.$ZONE A)" "192.0.2.10"
expect_eq "TXT, recursive" "$(qshort $port $ZONE TXT)" '"served by unbound"'
# non-recursive: nsd answers, authoritatively
out=$(q $port +norec www.$ZONE A)
echo "$out" | grep -q '^;; flags: qr aa' || fail "www.$ZONE +norec: answer without the aa flag: $(echo "$out" | grep '^;; flags')"
expect_eq "www A, non-recursive" "$(qshort $port www.$ZONE A +norec)" "192.0.2.20"
expect_eq "TXT, non-recursive" "$(qshort $port $ZONE TXT +norec)" '"served by nsd"'
expect_eq "CNAME, non-recursive" "$(qshort $port alias.$ZONE A +norec)" "192.0.2.20 www.$ZONE."
for f in "" +norec; do
	out=$(q $port $f nope.$ZONE A)
	echo "$out" | grep -q 'status: NXDOMAIN' || fail "nope.$ZONE $f: no NXDOMAIN: $(echo "$out" | grep status)"
done
# dnsproxy speaks UDP only
BATCH_TCP=0 check_batch $port 192.0.2 4
BATCH_TCP=0 check_batch $port 203.0.113 4 +norec

for p in "$dp" "$UNBOUND_PID" "$NSD_PID"; do
	alive "$p" || fail "$(cat "$WORK/"*.pid | grep -c .) daemons started, pid $p exited during the queries"
done
check_maps "$dp" core
check_maps "$UNBOUND_PID" core
stop_pid "$dp" 10 || fail "dnsproxy did not exit on SIGTERM within 10 s"
pass
