#!/usr/bin/env bash
# desc: transmission-daemon (foreground) with its RPC server (evhttp) on 127.0.0.1: transmission-remote reads the session and its statistics, changes settings (speed limits, peer limit) and reads them back, adds a torrent made with transmission-create (from a file and as base64 metainfo), lists it, reads its details, stops, starts, verifies and removes it; a raw POST without the session id gets 409 with X-Transmission-Session-Id, the same with it gets the JSON answer; a path outside /transmission is redirected to its web client (301); with --auth, no credentials get 401 and the right ones work; 8 clients at once
# packages: transmission-daemon transmission-cli curl
# binaries: /usr/bin/transmission-daemon /usr/bin/transmission-remote
# timeout: 120
. "$(dirname "$0")/lib.sh"

need_cmd transmission-daemon transmission-remote transmission-create curl
port=19091
url=http://127.0.0.1:$port/transmission/rpc
mkdir -p "$WORK/cfg" "$WORK/dl"

# --- a torrent of a file of ours (no tracker: nothing leaves the machine)
head -c 300000 /dev/urandom >"$WORK/dl/payload.bin"
transmission-create -o "$WORK/payload.torrent" -c "goevent test" "$WORK/dl/payload.bin" >"$WORK/create.log" 2>&1 ||
	fail "transmission-create failed: $(tail -c 300 "$WORK/create.log")"

daemon() { # extra arguments
	start_daemon transmission transmission-daemon -f -g "$WORK/cfg" -p $port -a 127.0.0.1 \
		--no-portmap --no-dht --no-lpd -w "$WORK/dl" -P 51999 --log-error "$@"
	td=$DAEMON_PID
	wait_port $port
}
remote() { run_env transmission-remote 127.0.0.1:$port "$@"; }
listed() { remote -l 2>/dev/null | grep -q "$1"; }
unlisted() { ! listed "$1"; }

daemon -T
check_maps "$td" core

# --- session
si=$(remote -si 2>&1) || fail "transmission-remote -si: $si"
echo "$si" | grep -q 'Daemon version: 3' || fail "session info: $(echo "$si" | head -c 300)"
echo "$si" | grep -q "Download directory: $WORK/dl" || fail "session info: no download directory: $(echo "$si" | head -c 400)"
remote -st >"$WORK/stats.out" 2>&1 || fail "transmission-remote -st: $(cat "$WORK/stats.out")"
grep -q 'CURRENT SESSION' "$WORK/stats.out" || fail "session stats: $(head -c 300 "$WORK/stats.out")"

# --- settings, read back
remote -d 123 -u 45 -pr 77 >"$WORK/set.out" 2>&1 || fail "setting limits: $(cat "$WORK/set.out")"
si=$(remote -si 2>&1)
echo "$si" | grep -q 'Peer limit: 77' || fail "peer limit not changed: $(echo "$si" | grep -i peer)"
echo "$si" | grep -qE 'Download speed limit: *123' || fail "download limit not changed: $(echo "$si" | grep -i 'speed limit')"
echo "$si" | grep -qE 'Upload speed limit: *45' || fail "upload limit not changed: $(echo "$si" | grep -i 'speed limit')"

# --- a torrent: add, list, details, stop, start, verify, remove
add=$(remote -a "$WORK/payload.torrent" 2>&1) || fail "adding the torrent: $add"
echo "$add" | grep -q 'success' || fail "adding the torrent: $add"
list=$(remote -l 2>&1)
echo "$list" | grep -q 'payload.bin' || fail "the torrent is not listed: $list"
info=$(remote -t 1 -i 2>&1)
echo "$info" | grep -q 'Name: payload.bin' || fail "torrent details: $(echo "$info" | head -c 400)"
echo "$info" | grep -q 'Comment: goevent test' || fail "torrent comment: $(echo "$info" | grep -i comment)"
remote -t 1 -v >/dev/null 2>&1 || fail "verify request failed"
wait_for 20 listed '100%' ||
	fail "the local file was not verified complete: $(remote -l 2>&1 | tr '\n' ' ')"
# (a stop asked while the verification ends can be lost: ask again until it shows)
stop_it() { remote -t 1 -S >/dev/null 2>&1 && listed Stopped; }
wait_for 10 stop_it ||
	fail "the torrent did not stop: $(remote -l 2>&1 | tr '\n' ' ')"
remote -t 1 -s >/dev/null 2>&1 || fail "start failed"
wait_for 10 unlisted Stopped || fail "the torrent did not start"
rm_out=$(remote -t 1 -r 2>&1)
echo "$rm_out" | grep -q success || fail "remove: $rm_out"
wait_for 10 unlisted payload.bin || fail "the torrent is still listed"

# --- the same torrent as base64 metainfo in a raw RPC call
sid=$(curl -s --max-time 10 -o /dev/null -D - -d '{"method":"session-get"}' "$url" | tr -d '\r' |
	sed -n 's/^X-Transmission-Session-Id: //p')
[ -n "$sid" ] || fail "no X-Transmission-Session-Id in the 409 answer"
code=$(curl -s --max-time 10 -o "$WORK/409.out" -w '%{http_code}' -d '{"method":"session-get"}' "$url")
expect_eq "RPC without the session id" "$code" 409
meta=$(base64 -w0 "$WORK/payload.torrent")
curl -s --max-time 10 -H "X-Transmission-Session-Id: $sid" \
	-d "{\"method\":\"torrent-add\",\"arguments\":{\"metainfo\":\"$meta\",\"paused\":true},\"tag\":7}" "$url" >"$WORK/add.json"
grep -q '"result":"success"' "$WORK/add.json" || fail "torrent-add by metainfo: $(head -c 300 "$WORK/add.json")"
grep -q '"tag":7' "$WORK/add.json" || fail "torrent-add: tag not echoed: $(head -c 300 "$WORK/add.json")"
curl -s --max-time 10 -H "X-Transmission-Session-Id: $sid" \
	-d '{"method":"torrent-get","arguments":{"fields":["name","totalSize","isPrivate"]}}' "$url" >"$WORK/get.json"
grep -q '"name":"payload.bin"' "$WORK/get.json" && grep -q '"totalSize":300000' "$WORK/get.json" ||
	fail "torrent-get: $(head -c 300 "$WORK/get.json")"
code=$(curl -s --max-time 10 -o /dev/null -D "$WORK/redirect.hdr" -w '%{http_code}' "http://127.0.0.1:$port/nothing/here")
expect_eq "a path outside /transmission" "$code" 301
grep -qi '^Location: /transmission/web/' "$WORK/redirect.hdr" || fail "redirect: $(tr '\r\n' '  ' <"$WORK/redirect.hdr")"

# --- 8 clients at once
pids=()
for i in 1 2 3 4 5 6 7 8; do
	( for j in 1 2 3 4 5; do remote -si >/dev/null 2>&1 || exit 1; done ) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent transmission-remote failed"; done

check_maps "$td" core
stop_pid "$td" 15 || fail "transmission-daemon did not exit on SIGTERM"

# --- authentication
daemon -t -u tuser -v tpass
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -d '{"method":"session-get"}' "$url")
expect_eq "RPC without credentials" "$code" 401
code=$(curl -s --max-time 10 -u tuser:wrong -o /dev/null -w '%{http_code}' -d '{"method":"session-get"}' "$url")
expect_eq "RPC with a wrong password" "$code" 401
si=$(remote -n tuser:tpass -si 2>&1)
echo "$si" | grep -q 'Daemon version: 3' || fail "authenticated session info: $(echo "$si" | head -c 300)"
check_maps "$td" core
stop_pid "$td" 15 || fail "transmission-daemon did not exit on SIGTERM"
pass
