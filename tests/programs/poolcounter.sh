#!/usr/bin/env bash
# desc: poolcounterd (MediaWiki's lock server, run as user poolcounter like its unit) driven over several simultaneous TCP connections: ACQ4ME locks, a waiter woken with LOCKED when the holder RELEASEs, ACQ4ANY waiters woken with DONE, QUEUE_FULL, a TIMEOUT after its 1 s timer, a lock freed by closing the holder's connection, 30 connections locking 30 keys at once, STATS counters, ERROR BAD_COMMAND
# packages: poolcounter
# binaries: /usr/bin/poolcounterd
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd poolcounterd setpriv
user=poolcounter
getent passwd "$user" >/dev/null || user=nobody
port=7531
start_daemon poolcounterd setpriv --reuid="$user" --regid="$user" --init-groups -- poolcounterd -l 127.0.0.1
pc=$DAEMON_PID
wait_port $port
check_maps "$pc" core
expect_eq "poolcounterd's user" "$(awk '/^Uid:/ { print $2 }' "/proc/$pc/status")" "$(id -u "$user")"

# Clients are bash /dev/tcp connections on fds 10..; open N, say N LINE, answer N [T]
open() { eval "exec $((10 + $1))<>/dev/tcp/127.0.0.1/$port" || fail "cannot connect client $1"; }
close() { eval "exec $((10 + $1))>&-"; }
say() { printf '%s\n' "$2" >&$((10 + $1)) || fail "client $1 could not send '$2'"; }
answer() { # N [TIMEOUT]: the next line from client N, empty if none in time
	local l=""
	read -r -t "${2:-10}" l <&$((10 + $1)) || l=""
	printf '%s' "$l"
}
expect_answer() { expect_eq "$1" "$(answer "$2" "${3:-10}")" "$4"; }
silent() { # N WHAT: client N gets no answer within 0.5 s
	local l
	l=$(answer "$1" 0.5)
	[ -z "$l" ] || fail "$2: got '$l' instead of waiting"
}

# --- ACQ4ME: one worker slot; the second client waits until the first releases
open 1; open 2
say 1 "ACQ4ME page1 1 2 10"
expect_answer "client 1 ACQ4ME page1" 1 10 LOCKED
say 2 "ACQ4ME page1 1 2 10"
silent 2 "client 2 ACQ4ME page1 while client 1 holds it"
say 1 RELEASE
expect_answer "client 1 RELEASE" 1 10 RELEASED
expect_answer "client 2, woken by the release" 2 10 LOCKED

# --- QUEUE_FULL: 1 worker + a queue of 2 (the holder counts): a third client is refused
open 3
say 3 "ACQ4ME page1 1 2 10"
silent 3 "client 3 queued behind client 2"
open 4
say 4 "ACQ4ME page1 1 2 10"
expect_answer "client 4 with the queue full" 4 10 QUEUE_FULL
# --- a TIMEOUT: the waiting client 3 gives up after 1 s (poolcounterd's timer)
close 3
open 5
t0=$(date +%s%N)
say 5 "ACQ4ME page1 1 2 1"
expect_answer "client 5 waiting 1 s for page1" 5 10 TIMEOUT
ms=$((($(date +%s%N) - t0) / 1000000))
note "TIMEOUT after $ms ms"
[ $ms -ge 700 ] && [ $ms -le 6000 ] || fail "the 1 s timeout fired after $ms ms"
# --- closing the holder's connection releases its lock
close 2
say 5 "ACQ4ME page1 1 2 10"
expect_answer "client 5 after the holder disconnected" 5 10 LOCKED
say 5 RELEASE
expect_answer "client 5 RELEASE" 5 10 RELEASED

# --- ACQ4ANY: the waiters are told DONE when the holder finishes (someone did the work)
open 6; open 7
say 1 "ACQ4ANY render 1 5 10"
expect_answer "client 1 ACQ4ANY render" 1 10 LOCKED
say 6 "ACQ4ANY render 1 5 10"
say 7 "ACQ4ANY render 1 5 10"
silent 6 "client 6 ACQ4ANY while client 1 renders"
say 1 RELEASE
expect_answer "client 1 RELEASE render" 1 10 RELEASED
expect_answer "client 6, woken by the release" 6 10 DONE
expect_answer "client 7, woken by the release" 7 10 DONE

# --- 30 connections lock 30 keys at once, then all release
for i in $(seq 20 49); do open $i; done
for i in $(seq 20 49); do say $i "ACQ4ME key$i 1 1 10"; done
for i in $(seq 20 49); do expect_answer "client $i ACQ4ME key$i" $i 10 LOCKED; done
for i in $(seq 20 49); do say $i RELEASE; done
for i in $(seq 20 49); do expect_answer "client $i RELEASE" $i 10 RELEASED; done
for i in $(seq 20 49); do close $i; done

# --- errors and statistics
say 1 BOGUS
expect_answer "an unknown command" 1 10 "ERROR BAD_COMMAND"
say 1 "RELEASE"
expect_answer "RELEASE without a lock" 1 10 "NOT_LOCKED"
say 1 "STATS FULL"
stats=""
while l=$(answer 1 2) && [ -n "$l" ]; do stats="$stats$l"$'\n'; done
note "stats: $(echo "$stats" | tr '\n' ';')"
stat() { echo "$stats" | awk -F': ' -v k="$1" '$1 == k { print $2; exit }'; }
# LOCKED answers: 2 + 1 + 1 (ACQ4ANY) + 30; RELEASED ones: the same less the one freed by a disconnect
expect_eq "STATS total_acquired" "$(stat total_acquired)" 34
expect_eq "STATS total_releases" "$(stat total_releases)" 33
expect_eq "STATS release_mismatch" "$(stat release_mismatch)" 1
expect_eq "STATS full_queues" "$(stat full_queues)" 1
expect_eq "STATS processing_workers" "$(stat processing_workers)" 0
expect_eq "STATS waiting_workers" "$(stat waiting_workers)" 0
expect_eq "STATS hashtable_entries" "$(stat hashtable_entries)" 0

for i in 1 4 5 6 7; do close $i; done
alive "$pc" || fail "poolcounterd exited"
check_maps "$pc" core
stop_pid "$pc" 10 || fail "poolcounterd did not exit on SIGTERM within 10 s"
pass
