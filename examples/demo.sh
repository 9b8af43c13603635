#!/usr/bin/env bash
# demo.sh - builds examples/hello-world.c against goevent (build/lib), starts
# it on a free loopback port, connects one client, shows what it received,
# then stops the server with SIGINT and shows the server's own output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/examples
mkdir -p "$out"
export PKG_CONFIG_PATH=$root/build/lib/pkgconfig
cc -Wall -o "$out/hello-world" "$root/examples/hello-world.c" $(pkg-config --cflags --libs libevent)

log=$out/hello-world.log
LD_LIBRARY_PATH=$root/build/lib "$out/hello-world" 0 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT

port=
for _ in $(seq 100); do
	port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$log")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "demo: the server did not start:"; cat "$log"; exit 1; }
echo "server (pid $server) is listening on 127.0.0.1:$port; library: $(grep -o '/[^ ]*libevent-2.1.so.7' /proc/$server/maps | head -1)"

exec 3<>/dev/tcp/127.0.0.1/"$port"
greeting=$(timeout 5 cat <&3)
exec 3<&-
echo "client received: \"$greeting\""

kill -INT $server
timeout 10 tail --pid=$server -f /dev/null
wait $server && status=0 || status=$?
trap - EXIT
echo "server exited with status $status; its output:"
sed 's/^/  | /' "$log"
[ "$greeting" = "Hello, World!" ] && [ $status -eq 0 ]
