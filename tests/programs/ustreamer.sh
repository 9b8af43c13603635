#!/usr/bin/env bash
# desc: ustreamer (evhttp server) without a camera (a missing V4L2 device: it serves its "no signal" picture): /state JSON, /snapshot (a JPEG, with its X-UStreamer headers), the embedded index page, /stream (multipart MJPEG on the bufferevent ustreamer takes over: several frames read), two streams at once seen in /state, a query-string option, an unknown path (404), a POST (not allowed: 501), CORS header from --allow-origin; with --user/--passwd: 401 without credentials, 200 with them; over a UNIX socket (--unix, evhttp_accept_socket)
# packages: ustreamer curl
# binaries: /usr/bin/ustreamer
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd ustreamer curl
port=18080
url=http://127.0.0.1:$port

start_daemon ustreamer ustreamer --host 127.0.0.1 --port $port --device /dev/video-goevent-none \
	--allow-origin '*' --server-timeout 5
us=$DAEMON_PID
wait_port $port
check_maps "$us" core

state=$(curl -s --max-time 10 "$url/state")
echo "$state" | grep -q '"ok": true' || fail "/state: $(echo "$state" | head -c 300)"
echo "$state" | grep -q '"online": false' || fail "/state says a source is online: $(echo "$state" | head -c 300)"

curl -s --max-time 10 -D "$WORK/snap.hdr" -o "$WORK/snap.jpg" "$url/snapshot" || fail "/snapshot: curl failed"
grep -q '^HTTP/1.1 200' "$WORK/snap.hdr" || fail "/snapshot: $(head -n1 "$WORK/snap.hdr")"
grep -qi '^Content-Type: image/jpeg' "$WORK/snap.hdr" || fail "/snapshot: no image/jpeg: $(tr '\r\n' '  ' <"$WORK/snap.hdr")"
grep -qi '^X-UStreamer-Online: false' "$WORK/snap.hdr" || fail "/snapshot: no X-UStreamer-Online header"
grep -qi "^Access-Control-Allow-Origin: \*" "$WORK/snap.hdr" || fail "/snapshot: no CORS header"
len=$(tr -d '\r' <"$WORK/snap.hdr" | sed -n 's/^Content-Length: //Ip')
expect_eq "/snapshot body length = Content-Length" "$(stat -c %s "$WORK/snap.jpg")" "$len"
expect_eq "/snapshot JPEG magic" "$(head -c 2 "$WORK/snap.jpg" | od -An -tx1 | tr -d ' ')" ffd8

code=$(curl -s --max-time 10 -o "$WORK/index.html" -w '%{http_code} %{content_type}' "$url/")
expect_eq "/ (index page)" "$code" "200 text/html"
grep -qi 'ustreamer' "$WORK/index.html" || fail "the index page does not name ustreamer"
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$url/no/such/thing")
expect_eq "an unknown path" "$code" 404
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -d x=1 "$url/state")
expect_eq "POST /state (method not allowed)" "$code" 501
code=$(curl -s --max-time 10 -o "$WORK/snap2.jpg" -w '%{http_code}' "$url/snapshot?dummy=1&x=%20y")
expect_eq "/snapshot with a query" "$code" 200

# --- streams: multipart JPEG frames, two clients at once
curl -s -N --max-time 6 "$url/stream?key=one" -o "$WORK/stream1.bin" &
s1=$!
curl -s -N --max-time 6 "$url/stream?key=two&extra_headers=1" -o "$WORK/stream2.bin" &
s2=$!
track_pid "$s1" "$s2"
sleep 2
state=$(curl -s --max-time 10 "$url/state")
echo "$state" | grep -q '"clients": 2' || fail "/state during two streams: $(echo "$state" | head -c 400)"
wait "$s1"; wait "$s2"
for f in stream1 stream2; do
	n=$(grep -ac 'Content-Type: image/jpeg' "$WORK/$f.bin")
	[ "$n" -ge 2 ] || fail "$f: $n frames in 6 s ($(stat -c %s "$WORK/$f.bin") bytes)"
	head -c 200 "$WORK/$f.bin" | grep -aq -- '--boundarydonotcross' || fail "$f: no multipart boundary"
done
grep -aq 'X-UStreamer-Online' "$WORK/stream2.bin" || fail "stream with extra_headers=1: no X-UStreamer headers"
wait_for 10 sh -c "curl -s --max-time 5 '$url/state' | grep -q '\"clients\": 0'" || fail "the stream clients were not dropped"
alive "$us" || fail "ustreamer exited"
check_maps "$us" core
stop_pid "$us" 10 || fail "ustreamer did not exit on SIGTERM"

# --- basic authentication
start_daemon ustreamer-auth ustreamer --host 127.0.0.1 --port $port --device /dev/video-goevent-none \
	--user ustr --passwd secret
us=$DAEMON_PID
wait_port $port
code=$(curl -s --max-time 10 -o /dev/null -D "$WORK/auth.hdr" -w '%{http_code}' "$url/state")
expect_eq "/state without credentials" "$code" 401
grep -qi '^WWW-Authenticate: Basic' "$WORK/auth.hdr" || fail "401 without WWW-Authenticate"
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -u ustr:wrong "$url/state")
expect_eq "/state with a wrong password" "$code" 401
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -u ustr:secret "$url/state")
expect_eq "/state with the password" "$code" 200
stop_pid "$us" 10 || fail "ustreamer did not exit on SIGTERM"

# --- a UNIX socket (evhttp_accept_socket)
start_daemon ustreamer-unix ustreamer --unix "$WORK/us.sock" --unix-rm --device /dev/video-goevent-none
us=$DAEMON_PID
wait_for 10 test -S "$WORK/us.sock" || fail "the UNIX socket did not appear"
state=$(curl -s --max-time 10 --unix-socket "$WORK/us.sock" http://localhost/state)
echo "$state" | grep -q '"ok": true' || fail "/state over the UNIX socket: $(echo "$state" | head -c 300)"
code=$(curl -s --max-time 10 --unix-socket "$WORK/us.sock" -o "$WORK/snap3.jpg" -w '%{http_code}' http://localhost/snapshot)
expect_eq "/snapshot over the UNIX socket" "$code" 200
check_maps "$us" core
stop_pid "$us" 10 || fail "ustreamer did not exit on SIGTERM"
pass
