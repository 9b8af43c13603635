#!/usr/bin/env bash
# desc: two lldpd instances (each a privileged monitor and an unprivileged child chrooted to /run/lldpd) on the two ends of a veth pair in the private network namespace, 1 s transmit interval: lldpcli show neighbors on each side names the other (system name, chassis MAC, port), show chassis/interfaces/statistics answer, a system name changed through lldpcli reaches the neighbour, a veth pair added while running is picked up (netlink) and its neighbour appears, and disappears when the pair is deleted
# packages: lldpd iproute2
# binaries: /usr/sbin/lldpd
# timeout: 120
. "$(dirname "$0")/lib.sh"

need_netns
need_cmd lldpd lldpcli ip
# lldpd's child chroots into /run/lldpd (Debian's unit has it as RuntimeDirectory;
# lldpd creates it when missing, we do it first to be sure).
mkdir -p /run/lldpd

ip link add veth0 type veth peer name veth1 || fail "cannot create a veth pair"
ip link set veth0 up && ip link set veth1 up || fail "cannot bring the veth pair up"
ip addr add 192.0.2.1/24 dev veth0 && ip addr add 192.0.2.2/24 dev veth1 || fail "cannot address the veth pair"
# (not from /sys/class/net: that sysfs belongs to the namespace it was mounted in)
mac_of() { ip -o link show dev "$1" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2; }
mac0=$(mac_of veth0) mac1=$(mac_of veth1)
[ -n "$mac0" ] && [ -n "$mac1" ] || fail "no MAC addresses for the veth pair"

# instance A on veth0 (and veth2, created later), B on veth1 (and veth3)
for x in a:veth0,veth2:veth0 b:veth1,veth3:veth1; do
	IFS=: read -r n ifs chassis <<<"$x"
	printf 'configure system hostname lldp-%s\nconfigure lldp tx-interval 1\n' "$n" >"$WORK/$n.conf"
	start_daemon "lldpd-$n" lldpd -d -I "$ifs" -C "$chassis" -u "$WORK/$n.sock" -O "$WORK/$n.conf"
	eval "pid_$n=\$DAEMON_PID"
done
for n in a b; do
	wait_for 15 test -S "$WORK/$n.sock" || fail "lldpd $n did not create its control socket"
done

cli() { local n=$1; shift; timeout 10 lldpcli -u "$WORK/$n.sock" -f keyvalue "$@"; }
# kv N KEY ARGS...: the value of KEY in lldpcli's key=value output (first one)
kv() { local n=$1 k=$2; shift 2; cli "$n" "$@" 2>/dev/null | awk -F= -v k="$k" '$1 == k { sub(/^[^=]*=/, ""); print; exit }'; }
has_neighbor() { [ "$(kv "$1" "lldp.$2.chassis.name" show neighbors)" = "$3" ]; }

# --- each side sees the other
wait_for 20 has_neighbor a veth0 lldp-b || fail "A does not see B on veth0: $(cli a show neighbors | head -n 3 | tr '\n' ' ')"
wait_for 20 has_neighbor b veth1 lldp-a || fail "B does not see A on veth1: $(cli b show neighbors | head -n 3 | tr '\n' ' ')"
expect_eq "A's neighbour chassis MAC" "$(kv a lldp.veth0.chassis.mac show neighbors)" "$mac1"
expect_eq "A's neighbour port MAC" "$(kv a lldp.veth0.port.mac show neighbors)" "$mac1"
expect_eq "A's neighbour port description" "$(kv a lldp.veth0.port.descr show neighbors)" veth1
expect_eq "B's neighbour chassis MAC" "$(kv b lldp.veth1.chassis.mac show neighbors)" "$mac0"
expect_eq "B's neighbour port description" "$(kv b lldp.veth1.port.descr show neighbors)" veth0
expect_eq "A show chassis name" "$(kv a local-chassis.chassis.name show chassis)" lldp-a
expect_eq "A show chassis MAC" "$(kv a local-chassis.chassis.mac show chassis)" "$mac0"
expect_eq "B show interfaces veth1 status" "$(kv b lldp.veth1.status show interfaces)" "RX and TX"
[ -z "$(kv a lldp.veth1.status show interfaces)" ] || fail "A uses veth1, which -I does not list"

# --- the processes: monitor (parent) and chrooted child, both on the library under test
for n in a b; do
	eval "p=\$pid_$n"
	check_maps "$p" core
	kid=$(ps -o pid= --ppid "$p" | tr -d ' ' | head -n 1)
	[ -n "$kid" ] || fail "lldpd $n has no child process"
	check_maps "$kid" core
	expect_eq "root of lldpd $n's child (chroot)" "$(readlink "/proc/$kid/root")" /run/lldpd
	expect_eq "user of lldpd $n's child" "$(awk '/^Uid:/ { print $2 }' "/proc/$kid/status")" "$(id -u _lldpd 2>/dev/null || echo none)"
	eval "kid_$n=\$kid"
done

# --- the transmit timer keeps running: statistics grow
tx1=$(kv a lldp.veth0.tx.tx show statistics)
rx1=$(kv b lldp.veth1.rx.rx show statistics)
sleep 3
tx2=$(kv a lldp.veth0.tx.tx show statistics)
rx2=$(kv b lldp.veth1.rx.rx show statistics)
note "A tx $tx1 -> $tx2, B rx $rx1 -> $rx2"
[ -n "$tx1" ] && [ -n "$tx2" ] && [ "$tx2" -ge $((tx1 + 2)) ] || fail "A's transmitted frames went from '$tx1' to '$tx2' in 3 s (1 s interval)"
[ -n "$rx1" ] && [ -n "$rx2" ] && [ "$rx2" -ge $((rx1 + 2)) ] || fail "B's received frames went from '$rx1' to '$rx2' in 3 s"

# --- a change through lldpcli reaches the neighbour
cli a configure system hostname renamed-a >/dev/null || fail "lldpcli configure system hostname failed"
expect_eq "A show chassis name after configure" "$(kv a local-chassis.chassis.name show chassis)" renamed-a
wait_for 15 has_neighbor b veth1 renamed-a || fail "B still sees A as '$(kv b lldp.veth1.chassis.name show neighbors)', want renamed-a"

# --- a new veth pair while running: lldpd learns it through netlink
ip link add veth2 type veth peer name veth3 && ip link set veth2 up && ip link set veth3 up ||
	fail "cannot create the second veth pair"
mac3=$(mac_of veth3)
wait_for 20 has_neighbor a veth2 lldp-b || fail "A does not see B on the new veth2: $(cli a show neighbors | grep -c 'chassis.name')"
expect_eq "A's neighbour port MAC on veth2" "$(kv a lldp.veth2.port.mac show neighbors)" "$mac3"
has_neighbor a veth0 lldp-b || fail "A lost its neighbour on veth0"
ip link del veth2 || fail "cannot delete veth2"
gone() { [ -z "$(kv a lldp.veth2.chassis.name show neighbors)" ]; }
wait_for 15 gone || fail "A still lists a neighbour on the deleted veth2"
has_neighbor a veth0 lldp-b || fail "A lost its neighbour on veth0 after veth2 was deleted"

for n in a b; do
	eval "p=\$pid_$n kid=\$kid_$n"
	alive "$p" && alive "$kid" || fail "an lldpd $n process exited"
	check_maps "$kid" core
done
for n in a b; do
	eval "p=\$pid_$n kid=\$kid_$n"
	stop_pid "$p" 10 || fail "lldpd $n did not exit on SIGTERM within 10 s"
	wait_exit "$kid" 10 || fail "lldpd $n's child did not exit with its monitor"
done
pass
