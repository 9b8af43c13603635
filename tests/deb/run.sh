#!/usr/bin/env bash
# run.sh DEB - installs goevent's .deb (root only: dpkg -i), runs `goevent
# run` on the hello-world built against Debian's libevent (it must load our
# library from the package's directory) and one built with the package's
# pkg-config files, `goevent check /usr/bin/tmux` (installing tmux if
# missing), then removes the package and checks that none of its files are
# left. The package's libraries must not change what other programs load.
set -euo pipefail
deb=$(readlink -f "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "test-deb: skipped (needs root to dpkg -i; run as root, as .ci/run does)"
	exit 0
fi
if dpkg -s goevent >/dev/null 2>&1; then
	echo "test-deb: the goevent package is already installed; remove it first (dpkg -r goevent)" >&2
	exit 1
fi
libdir=/usr/lib/x86_64-linux-gnu/goevent
work=$(mktemp -d)
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null || true
	dpkg -s goevent >/dev/null 2>&1 && dpkg -P goevent >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

dpkg -i "$deb" >/dev/null
echo "installed $(dpkg-query -W -f '${Package} ${Version}' goevent)"
[ "$(goevent libdir)" = "$libdir" ] || { echo "goevent libdir: $(goevent libdir)"; exit 1; }

# hello runs PROGRAM with goevent run; it must greet a client and have
# mapped our core from the package's directory.
hello() {
	local bin=$1 log=$work/log port= maps
	: > "$log"
	goevent run "$bin" 0 >"$log" 2>&1 &
	server=$!
	for _ in $(seq 100); do
		port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$log")
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || { echo "hello-world did not start:"; cat "$log"; exit 1; }
	exec 3<>/dev/tcp/127.0.0.1/"$port"
	greeting=$(timeout 5 cat <&3)
	exec 3<&-
	maps=$(cat /proc/$server/maps)
	kill -INT "$server"
	timeout 10 tail --pid="$server" -f /dev/null
	wait "$server"
	server=
	[ "$greeting" = "Hello, World!" ] || { echo "greeting: '$greeting'"; exit 1; }
	grep -q "$libdir/libgoevent_core-2.1.so.7" <<<"$maps" || { echo "$bin did not load $libdir"; exit 1; }
	echo "ok   goevent run $(basename "$bin"): greeted, loaded $libdir"
}

if pkg-config --exists libevent 2>/dev/null && [ -f /usr/include/event2/event.h ]; then
	# shellcheck disable=SC2046
	cc -o "$work/hello-debian" "$root/examples/hello-world.c" $(PKG_CONFIG_PATH= pkg-config --cflags --libs libevent)
	hello "$work/hello-debian"
	# Without goevent run, the same binary still loads Debian's libevent.
	if grep -q goevent <(LD_TRACE_LOADED_OBJECTS=1 "$work/hello-debian"); then
		echo "installing the package changed what hello-debian loads"; exit 1
	fi
	echo "ok   without goevent run, the system's libevent is loaded"
fi
# shellcheck disable=SC2046
cc -o "$work/hello-goevent" "$root/examples/hello-world.c" $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs libevent)
grep -q "$libdir/libevent-2.1.so.7" <(LD_TRACE_LOADED_OBJECTS=1 "$work/hello-goevent") ||
	{ echo "hello-goevent (package's pkg-config) does not load $libdir"; exit 1; }
echo "ok   built with the package's pkg-config files: runs on $libdir without LD_LIBRARY_PATH"
hello "$work/hello-goevent"

if command -v cmake >/dev/null; then
	timeout 120 cmake -S "$root/tests/cmake" -B "$work/cmake" -DLibevent_DIR=$libdir/cmake/libevent >"$work/cmake.log" 2>&1 &&
	    timeout 120 cmake --build "$work/cmake" >>"$work/cmake.log" 2>&1 &&
	    timeout 20 "$work/cmake/app" | grep -q 'goevent core loaded: yes' ||
	    { echo "the package's CMake files:"; cat "$work/cmake.log"; exit 1; }
	echo "ok   find_package(Libevent 2.1 COMPONENTS core pthreads) with Libevent_DIR=$libdir/cmake/libevent"
fi

if ! command -v tmux >/dev/null; then
	apt-get install -y -qq tmux >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; }
fi
goevent check /usr/bin/tmux
echo "ok   goevent check /usr/bin/tmux"

files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' | grep -v '/$')
dpkg -r goevent >/dev/null
dpkg -P goevent >/dev/null 2>&1 || true
left=0
for f in $files; do
	if [ -e "$f" ] || [ -L "$f" ]; then echo "left behind: $f"; left=1; fi
done
for d in "$libdir" /usr/include/goevent /usr/share/doc/goevent; do
	if [ -e "$d" ]; then echo "left behind: $d"; left=1; fi
done
[ $left -eq 0 ] || exit 1
echo "ok   dpkg -r removed all $(wc -w <<<"$files") files"
echo "test-deb: ok"
