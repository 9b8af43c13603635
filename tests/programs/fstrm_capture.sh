#!/usr/bin/env bash
# desc: fstrm_capture (Frame Streams collector, as used for dnstap) on a Unix socket and on TCP 127.0.0.1, fed by fstrm_replay (libfstrm's own I/O thread, no libevent) with a file of 1000 frames of 9 to 2508 bytes made by the test: 6 concurrent senders on the Unix socket all captured whole (the frames of the capture equal the input's six times over), a sender with the wrong content type refused, SIGUSR1 rotation of the output file, the TCP instance's capture byte-identical to the input, clean shutdown on SIGTERM
# packages: fstrm-bin
# binaries: /usr/bin/fstrm_capture
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd fstrm_capture fstrm_replay fstrm_dump
ct=goevent-test
port=6000

# The input: a Frame Streams file (START with the content type, 1000 data frames,
# STOP), every integer a 32-bit big-endian word.
be32() {
	local o
	printf -v o '\\%03o\\%03o\\%03o\\%03o' $((($1 >> 24) & 255)) $((($1 >> 16) & 255)) $((($1 >> 8) & 255)) $(($1 & 255))
	printf "$o"
}
pad=$(head -c 2500 /dev/zero | tr '\0' x)
{
	be32 0; be32 $((8 + 4 + ${#ct})); be32 2; be32 1; be32 ${#ct}; printf %s "$ct"
	for i in $(seq 1 1000); do
		p="frame $i ${pad:0:$(((i * 37) % 2500))}"
		be32 ${#p}; printf %s "$p"
	done
	be32 0; be32 4; be32 3
} >"$WORK/in.fstrm"
frames() { fstrm_dump "$1" 2>/dev/null; }
want=$(frames "$WORK/in.fstrm" | sort | md5sum)
expect_eq "frames in the input" "$(frames "$WORK/in.fstrm" | wc -l)" 1000

replay() { timeout 60 fstrm_replay "$@" -r "$WORK/in.fstrm"; }

# --- the Unix socket instance
start_daemon capture-unix fstrm_capture -t "$ct" -u "$WORK/cap.sock" -w "$WORK/unix.fstrm" -d -d
cu=$DAEMON_PID
wait_for 10 test -S "$WORK/cap.sock" || fail "fstrm_capture did not create its socket"
check_maps "$cu" core

pids=()
for i in 1 2 3 4 5 6; do
	replay -t "$ct" -u "$WORK/cap.sock" >"$WORK/replay$i.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent fstrm_replay failed: $(cat "$WORK"/replay*.log | head -n 1)"; done
replay -t wrong-type -u "$WORK/cap.sock" >"$WORK/replay-wrong.log" 2>&1 &&
	fail "fstrm_replay with the wrong content type was accepted"
wait_for 10 grep -q 'no CONTENT_TYPE matching' "$WORK/capture-unix.log" ||
	fail "fstrm_capture did not log the content type mismatch"

# rotation: the output is renamed, SIGUSR1 closes it (written out in full) and opens a new one
mv "$WORK/unix.fstrm" "$WORK/unix-part1.fstrm"
kill -USR1 "$cu"
wait_for 10 grep -q 'wrote 6002 frames' "$WORK/capture-unix.log" ||
	fail "fstrm_capture did not close the rotated file with 6002 frames: $(grep 'closed output' "$WORK/capture-unix.log" | tail -n 1)"
wait_for 10 test -e "$WORK/unix.fstrm" || fail "no new output file after SIGUSR1"
expect_eq "frames captured from 6 concurrent senders" "$(frames "$WORK/unix-part1.fstrm" | wc -l)" 6000
got=$(frames "$WORK/unix-part1.fstrm" | sort | uniq -c | awk '$1 != 6 { bad++ } END { print NR, bad + 0 }')
expect_eq "distinct frames, frames not captured 6 times" "$got" "1000 0"
# after the rotation: one more sender into the new file
replay -t "$ct" -u "$WORK/cap.sock" >"$WORK/replay7.log" 2>&1 || fail "fstrm_replay after the rotation failed"
alive "$cu" || fail "fstrm_capture (unix) exited"
stop_pid "$cu" 10 || fail "fstrm_capture (unix) did not exit on SIGTERM within 10 s"
expect_grep "capture (unix) shutdown" "$WORK/capture-unix.log" 'closed output file .* \(wrote 1002 frames'
expect_eq "frames after the rotation" "$(frames "$WORK/unix.fstrm" | sort | md5sum)" "$want"

# --- the TCP instance: one sender; the capture is the input byte for byte
start_daemon capture-tcp fstrm_capture -t "$ct" -a 127.0.0.1 -p $port -w "$WORK/tcp.fstrm" -d -d
ct_pid=$DAEMON_PID
wait_port $port
check_maps "$ct_pid" core
replay -t "$ct" -a 127.0.0.1 -p $port >"$WORK/replay-tcp.log" 2>&1 || fail "fstrm_replay over TCP failed"
stop_pid "$ct_pid" 10 || fail "fstrm_capture (tcp) did not exit on SIGTERM within 10 s"
cmp -s "$WORK/in.fstrm" "$WORK/tcp.fstrm" ||
	fail "the TCP capture differs from the input ($(stat -c %s "$WORK/tcp.fstrm") vs $(stat -c %s "$WORK/in.fstrm") bytes)"
pass
