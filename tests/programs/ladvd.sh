#!/usr/bin/env bash
# desc: two ladvd daemons on the two ends of a veth pair (each in its own network, mount and UTS namespace): one sends LLDP, the other receives it in its libevent loop; ladvdc there lists the sender's hostname and port, and ladvdc -p posts the decoded neighbour to an HTTP sink with the evhttp client (evhttp_connection_new, evhttp_make_request, evhttp_encode_uri), whose request is checked byte for byte. On goevent the daemons run with -u root: as shipped, ladvd's unprivileged child sets RLIMIT_NPROC to 0 and the Go runtime cannot create its threads there: its first dispatch fails with a warning saying so (checked)
# packages: ladvd iproute2 util-linux netbase
# binaries: /usr/sbin/ladvd
# timeout: 60
. "$(dirname "$0")/lib.sh"

# What ladvd needs to run without hardware, and how this test gives it:
# - an Ethernet interface that is up: a veth pair. ladvd takes veth ends for tun/tap
#   interfaces, which it uses only with -t.
# - its fixed paths /run/ladvd/ladvd.pid (locked: one daemon per machine), ladvd.sock
#   (ladvdc's socket) and the chroot /run/ladvd (every component root-owned, not group/
#   world-writable): each daemon gets a private mount namespace with a fresh tmpfs (mode 755)
#   on /run, so the host's /run is not touched and two daemons can run.
# - -f keeps it in the foreground with its log on stderr; its unprivileged child sets
#   RLIMIT_FSIZE to 0, so stderr must be a pipe (a write to a file kills it with SIGXFSZ).
# - ladvdc -p takes the port from the "http" service (/etc/services, netbase), not from the
#   URL, so the sink listens on port 80 (in the receiver's private network namespace).
need_netns
need_cmd ip unshare nsenter mkfifo hostname ladvd ladvdc
build_c "$WORK/httpsink" "$PROGRAMS_DIR/tools/httpsink.c"

ip link add lv-a type veth peer name lv-b 2>"$WORK/ip.log" ||
	skip "cannot create a veth pair: $(head -n 1 "$WORK/ip.log")"

# children PID: the pids whose parent is PID.
children() { cat "/proc/$1/task/$1/children" 2>/dev/null; }
# other_netns PID: PID is in a network namespace other than ours.
other_netns() { [ -e "/proc/$1/ns/net" ] && [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }

# goevent: ladvd's privilege-separated child (user ladvd, chrooted) sets RLIMIT_NPROC to 0
# before its first libevent call, so no thread can be created in it, and the Go core's
# runtime cannot start there (libevent needs no thread; see docs/DIFFERENCES.md). Its first
# event_dispatch returns -1 with a warning that says so (tests/c/ours/core_no_threads.c;
# before, runtime/cgo aborted it) and ladvd exits. This checks that it still fails that way,
# then runs the daemons with -u root (the child keeps root, to which the kernel does not
# apply RLIMIT_NPROC). Debian's libevent: as shipped.
user_opt=""
if [ "$IMPL" = ours ]; then
	mkfifo "$WORK/ladvd-nproc.fifo"
	start_daemon ladvd-nproc-log cat "$WORK/ladvd-nproc.fifo"
	ip link set lv-a up || fail "cannot set lv-a up"
	start_daemon ladvd-nproc unshare -m -u sh -c '
		mount -t tmpfs -o mode=755 tmpfs /run && mkdir /run/ladvd || exit 1
		exec ladvd -f -t -L -vv lv-a 2>"$1"' sh "$WORK/ladvd-nproc.fifo"
	wait_exit "$DAEMON_PID" 10 ||
		fail "ladvd as shipped (unprivileged child, RLIMIT_NPROC 0) runs on goevent now: update docs/DIFFERENCES.md and this test"
	wait_for 5 grep -q 'Go runtime needs threads' "$WORK/ladvd-nproc-log.log" ||
		fail "ladvd as shipped exited on goevent, but not for want of threads: $(tail -n 2 "$WORK/ladvd-nproc-log.log" | tr '\n' ' ')"
	note "ladvd as shipped: its child cannot start the Go runtime (RLIMIT_NPROC 0), as expected; now with -u root"
	user_opt="-u root"
fi

mkfifo "$WORK/ladvd-a.fifo" "$WORK/ladvd-b.fifo"
start_daemon ladvd-a-log cat "$WORK/ladvd-a.fifo"
start_daemon ladvd-b-log cat "$WORK/ladvd-b.fifo"

# The receiver: its own network namespace (lv-b is moved there), waits for lv-b, then
# receives (-a: auto-enable the protocols it hears, receive mode on).
start_daemon ladvd-b unshare -n -m -u sh -c '
	mount -t tmpfs -o mode=755 tmpfs /run && mkdir /run/ladvd && hostname receiver-b && ip link set lo up || exit 1
	i=0; while ! ip link show lv-b >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
	ip link set lv-b up && exec ladvd -f -t $2 -a -vv lv-b 2>"$1"' sh "$WORK/ladvd-b.fifo" "$user_opt"
bpid=$DAEMON_PID
wait_for 5 other_netns "$bpid" || fail "the receiver's network namespace was not created"
ip link set lv-b netns "$bpid" || fail "cannot move lv-b into the receiver's namespace"
ip link set lv-a up || fail "cannot set lv-a up"

in_b() { nsenter -t "$bpid" -n -m -u "$@"; }
# b_listens: the receiver's privileged parent has its packet socket bound to lv-b (ladvd
# sends once at start, then every 30 s: the sender starts only once the receiver hears).
b_listens() {
	local idx
	idx=$(in_b ip -o link show lv-b 2>/dev/null | cut -d: -f1)
	[ -n "$idx" ] && in_b cat /proc/net/packet | awk -v i="$idx" 'NR > 1 && $5 == i { f = 1 } END { exit !f }'
}
wait_for 10 b_listens || fail "the receiving ladvd opened no packet socket on lv-b: $(in_b cat /proc/net/packet | tr '\n' ' ')"

# The sender: LLDP on lv-a; its hostname needs URI-encoding in ladvdc -p's request.
start_daemon ladvd-a unshare -m -u sh -c '
	mount -t tmpfs -o mode=755 tmpfs /run && mkdir /run/ladvd && printf %s "sender a&b" >/proc/sys/kernel/hostname || exit 1
	exec ladvd -f -t $2 -L -vv lv-a 2>"$1"' sh "$WORK/ladvd-a.fifo" "$user_opt"
apid=$DAEMON_PID

heard() {
	in_b timeout 5 "${run_env_cmd[@]}" ladvdc -b >"$WORK/ladvdc-b.out" 2>"$WORK/ladvdc-b.err" &&
		grep -qx "HOSTNAME_0='sender a&b'" "$WORK/ladvdc-b.out"
}
run_env_cmd=(env)
[ "$IMPL" = ours ] && run_env_cmd=(env "LD_LIBRARY_PATH=$GOEVENT_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
wait_for 15 heard || fail "the receiver's ladvdc -b does not list the sender: $(tr '\n' ' ' <"$WORK/ladvdc-b.out" | head -c 300) $(head -n 2 "$WORK/ladvdc-b.err")"
alive "$apid" || fail "the sending ladvd exited"
alive "$bpid" || fail "the receiving ladvd exited"
for want in "INTERFACE_0='lv-b'" "PORTNAME_0='lv-a'" "PROTOCOL_0='LLDP'" "TTL_0='180'"; do
	grep -qx "$want" "$WORK/ladvdc-b.out" || fail "ladvdc -b: no line $want: $(tr '\n' ' ' <"$WORK/ladvdc-b.out" | head -c 300)"
done
expect_grep "ladvdc -b's 802 address" "$WORK/ladvdc-b.out" "^ADDR_802_0='([0-9a-f]{2}:){5}[0-9a-f]{2}'$"
grep -q '^ADDR_802_1=' "$WORK/ladvdc-b.out" && fail "ladvdc -b lists more than one neighbour"
expect_grep "the receiver's log" "$WORK/ladvd-b-log.log" 'new peer sender a&b \(LLDP\) on interface lv-b'
expect_grep "the sender's log" "$WORK/ladvd-a-log.log" 'sending LLDP packet \([0-9]+ bytes\) on lv-a'

# The loops run in the privilege-separated children (user ladvd, chrooted to /run/ladvd).
for p in "$apid" "$bpid"; do
	check_maps "$p"
	c=$(children "$p")
	[ -n "$c" ] || fail "ladvd pid $p has no child"
	for q in $c; do check_maps "$q" core; done
done

# ladvdc -p: one POST per neighbour through the evhttp client, then event_dispatch()
# returns once the connection (Connection: close) is done.
start_daemon httpsink nsenter -t "$bpid" -n "$WORK/httpsink" 127.0.0.1 80 "$WORK/post.log"
sinkpid=$DAEMON_PID
wait_for 5 in_b sh -c 'grep -q " 0100007F:0050 00000000:0000 0A " /proc/net/tcp' || fail "httpsink is not listening"
in_b timeout 10 "${run_env_cmd[@]}" ladvdc -p http://127.0.0.1/lldp >"$WORK/ladvdc-p.out" 2>&1 ||
	fail "ladvdc -p failed (exit $?): $(head -n 3 "$WORK/ladvdc-p.out")"
wait_for 5 grep -qx END "$WORK/post.log" || fail "the sink got no complete request"
cat >"$WORK/post.want" <<EOF
CONNECTION
POST /lldp HTTP/1.1\\r\\n
Host: 127.0.0.1\\r\\n
User-Agent: ladvdc/1.1.2\\r\\n
Content-Type: application/x-www-form-urlencoded\\r\\n
Connection: close\\r\\n
Content-Length: 150\\r\\n
BODY 150: hostname=receiver-b&interface=lv-b&peer_hostname=sender%20a%26b&peer_portname=lv-a&protocol=LLDP&capabilities=&ttl=180&holdtime=HOLD\\r\\n\\r\\n
END
EOF
sed -E 's/holdtime=[0-9]+/holdtime=HOLD/' "$WORK/post.log" >"$WORK/post.got"
sed -i -E 's/^(BODY )[0-9]+(: .*holdtime=HOLD)/\1N\2/; s/^(Content-Length: )[0-9]+/\1N/' "$WORK/post.got"
sed -i -E 's/^(BODY )[0-9]+(: .*holdtime=HOLD)/\1N\2/; s/^(Content-Length: )[0-9]+/\1N/' "$WORK/post.want"
diff "$WORK/post.want" "$WORK/post.got" >"$WORK/post.diff" ||
	fail "ladvdc -p's request differs from the expected one: $(head -n 6 "$WORK/post.diff" | tr '\n' ' ')"
alive "$sinkpid" || fail "httpsink exited"
stop_pid "$apid" 5 || fail "the sending ladvd did not exit within 5 s of SIGTERM"
stop_pid "$bpid" 5 || fail "the receiving ladvd did not exit within 5 s of SIGTERM"
pass
