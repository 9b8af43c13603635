#!/usr/bin/env bash
# Scenario: libevent_openssl, binary drop-in. The case ssl_socket_basic is
# compiled against Debian's headers and libevent_openssl/libevent, then that
# very binary runs with LD_LIBRARY_PATH pointing at our build: it must map
# our libevent_openssl-2.1.so.7 and core (no system libevent) and print the
# transcript recorded from Debian's. Also: OpenSSL stays out of programs
# that do not use TLS (our libevent, libevent_core and core do not need
# libssl/libcrypto; only libevent_openssl does).
# Exit: 0 pass, 77 skip, other fail.
set -u
. "$(dirname "$0")/lib.sh"

[ "$IMPL" = ours ] || skip "only meaningful with IMPL=ours"
have_system_libevent_dev || skip "real libevent development files (libevent-dev) not installed"
pc_system --exists libevent_openssl openssl || skip "libevent_openssl or OpenSSL development files not installed"
LIB="$ROOT/build/lib"
[ -e "$LIB/libevent_openssl-2.1.so.7" ] || fail "our libevent_openssl is not built"

for f in libevent-2.1.so.7 libevent_core-2.1.so.7 libevent_extra-2.1.so.7 libevent_pthreads-2.1.so.7 \
	libgoevent_core-2.1.so.7; do
	if readelf -d "$LIB/$f" | grep NEEDED | grep -Eq 'libssl|libcrypto'; then
		fail "$f depends on OpenSSL"
	fi
done
readelf -d "$LIB/libevent_openssl-2.1.so.7" | grep NEEDED | grep -q 'libssl' ||
	fail "libevent_openssl does not depend on libssl"
say "only libevent_openssl depends on OpenSSL"

BIN="$BUILD/ssl_linked_to_system"
# shellcheck disable=SC2046
cc -Wall -Werror -g -I"$TESTS_C/support" -o "$BIN" "$TESTS_C/cases/ssl_socket_basic.c" \
	$(pc_system --cflags --libs libevent_openssl libevent openssl) -lpthread || fail "compile"
ldd "$BIN" | grep -q 'libevent_openssl-2\.1\.so\.7' || fail "binary does not depend on libevent_openssl-2.1.so.7"
OUT="$BUILD/ssl_dropin.out"
LD_LIBRARY_PATH="$LIB" timeout 30 "$BIN" </dev/null >"$OUT" 2>"$BUILD/ssl_dropin.err" || fail "exit status $?"
diff -u "$TESTS_C/expected/ssl_socket_basic.out" "$OUT" || fail "transcript differs"
# the maps of a run: our libraries only
# (read until the TLS library shows up or the program ends: under load the
# exec and the loader may take longer than any fixed sleep)
rm -f "$BUILD/ssl_dropin.maps.tmp" "$BUILD/ssl_dropin.maps"
LD_LIBRARY_PATH="$LIB" timeout 30 sh -c '"$1" >/dev/null 2>&1 & pid=$!
	for _ in $(seq 1 200); do
		# (a process that has ended reads as empty maps: keep the last
		# non-empty read)
		cat /proc/$pid/maps >"$2.new" 2>/dev/null || break
		[ -s "$2.new" ] || break
		mv "$2.new" "$2"
		grep -q libevent_openssl "$2" && break
		sleep 0.01
	done
	wait $pid' sh "$BIN" "$BUILD/ssl_dropin.maps.tmp" 2>/dev/null
cp "$BUILD/ssl_dropin.maps.tmp" "$BUILD/ssl_dropin.maps" 2>/dev/null
grep -q "$LIB/libevent_openssl-2.1.so.7" "$BUILD/ssl_dropin.maps" || fail "our libevent_openssl is not mapped"
if grep -E 'libevent[a-z_]*-2\.1\.so' "$BUILD/ssl_dropin.maps" | grep -vq "$LIB/"; then
	fail "a system libevent library is mapped"
fi
say "Debian-linked TLS program ran on our libevent_openssl with the recorded transcript"
exit 0
