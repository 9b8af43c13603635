#!/usr/bin/env bash
# desc: gearmand (4 I/O threads, user gearman, gear protocol + HTTP protocol module) with gearman-tools workers (rev x2, tr a-z A-Z, a background-job sink): single jobs, 6 concurrent clients x 10 jobs (one per line) each answered with its own line reversed, background jobs delivered to the sink, gearadmin --status/--workers answers, a job submitted by HTTP POST
# packages: gearman-job-server gearman-tools curl
# binaries: /usr/sbin/gearmand
# timeout: 120
. "$(dirname "$0")/lib.sh"

need_cmd gearmand gearman gearadmin curl
port=4730 hport=8080
user=gearman
getent passwd "$user" >/dev/null || user=nobody
# gearmand writes its pidfile after dropping privileges (-u)
mkdir -p "$WORK/run" && chmod 1777 "$WORK/run"

start_daemon gearmand gearmand -L 127.0.0.1 -p $port -t 4 -u "$user" -l stderr --verbose INFO \
	-P "$WORK/run/gearmand.pid" -r http --http-port $hport
gd=$DAEMON_PID
wait_port $port
wait_port $hport
check_maps "$gd" core
expect_eq "gearmand's user" "$(awk '/^Uid:/ { print $2 }' "/proc/$gd/status")" "$(id -u "$user")"

ga() { timeout 10 gearadmin -h 127.0.0.1 -p $port "$@"; }

# workers: each runs its command once per job, the job's data on stdin
: >"$WORK/sink.out"
worker() { # FUNCTION CMD...
	local f=$1; shift
	(exec gearman -h 127.0.0.1 -p $port -w -f "$f" -- "$@") </dev/null >>"$WORK/workers.log" 2>&1 &
	track_pid $!
}
worker rev rev
worker rev rev
worker up tr a-z A-Z
worker sink sh -c "cat >>'$WORK/sink.out'; echo >>'$WORK/sink.out'"
# all four registered (gearadmin --status: function, queued, running, workers)
st() { ga --status | awk -v f="$1" '$1 == f { print $4 }'; }
wait_for 15 sh -c "[ \"\$(timeout 10 gearadmin -h 127.0.0.1 -p $port --status | awk '\$1 == \"rev\" { print \$4 }')\" = 2 ]" ||
	fail "gearadmin --status: the 2 rev workers did not register: $(ga --status | tr '\n' ' ')"
wait_for 15 sh -c "timeout 10 gearadmin -h 127.0.0.1 -p $port --status | grep -q '^sink'" ||
	fail "gearadmin --status: the sink worker did not register: $(ga --status | tr '\n' ' ')"
expect_eq "workers of up" "$(st up)" 1
expect_eq "workers of sink" "$(st sink)" 1
nw=$(ga --workers | grep -cE ' : (rev|up|sink)$')
expect_eq "gearadmin --workers (registered worker connections)" "$nw" 4

# --- single jobs
note "$(date +%T.%N | cut -c1-12) single jobs"
expect_eq "job rev" "$(printf 'hello world' | timeout 20 gearman -h 127.0.0.1 -p $port -f rev)" "dlrow olleh"
expect_eq "job up" "$(printf 'hello world' | timeout 20 gearman -h 127.0.0.1 -p $port -f up)" "HELLO WORLD"

# --- 6 concurrent clients, 10 jobs each (one job per line), on the two rev workers
note "$(date +%T.%N | cut -c1-12) 6 concurrent clients, 10 jobs each (one job per line), on the two rev workers"
pids=()
for c in 1 2 3 4 5 6; do
	for j in $(seq 1 10); do echo "client$c-job$j-abc"; done >"$WORK/in$c"
	timeout 60 gearman -h 127.0.0.1 -p $port -n -f rev <"$WORK/in$c" >"$WORK/out$c" 2>"$WORK/client$c.err" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent client failed (status $?): $(cat "$WORK"/client*.err | head -n 1)"; done
for c in 1 2 3 4 5 6; do
	want=$(rev <"$WORK/in$c" | sort)
	got=$(grep . "$WORK/out$c" | sort)
	expect_eq "client $c: its 10 jobs reversed" "$got" "$want"
done

# --- background jobs: the client returns at once, the sink worker gets them
note "$(date +%T.%N | cut -c1-12) background jobs: the client returns at once, the sink worker gets them"
for j in 1 2 3 4 5; do
	printf 'background %s' "$j" | timeout 20 gearman -h 127.0.0.1 -p $port -b -f sink ||
		fail "background job $j: gearman -b failed"
done
wait_for 20 sh -c "[ \$(grep -c '^background' '$WORK/sink.out') -ge 5 ]" ||
	fail "background jobs: the sink got $(grep -c '^background' "$WORK/sink.out") of 5"
expect_eq "background jobs received" "$(sort "$WORK/sink.out" | grep . | tr '\n' ,)" \
	"background 1,background 2,background 3,background 4,background 5,"
wait_for 10 sh -c "timeout 10 gearadmin -h 127.0.0.1 -p $port --status | awk '\$1 == \"sink\" && \$2 == 0 { f = 1 } END { exit !f }'" ||
	fail "gearadmin --status: sink jobs still queued: $(ga --status | grep sink)"

# --- the HTTP protocol module: POST /FUNCTION with the workload as the body
note "$(date +%T.%N | cut -c1-12) the HTTP protocol module: POST /FUNCTION with the workload as the body"
out=$(curl -s --max-time 20 -D "$WORK/http.hdr" -d "via http" "http://127.0.0.1:$hport/up")
expect_eq "HTTP POST /up" "$out" "VIA HTTP"
grep -qi '^X-Gearman-Command: WORK_COMPLETE' "$WORK/http.hdr" ||
	fail "HTTP POST /up: no X-Gearman-Command: WORK_COMPLETE header: $(tr '\r\n' '  ' <"$WORK/http.hdr")"

expect_eq "gearadmin --getpid" "$(ga --getpid | tr -dc 0-9)" "$gd"
check_maps "$gd" core
stop_pid "$gd" 10 || fail "gearmand did not exit on SIGTERM within 10 s"
pass
