#!/usr/bin/env bash
# deb.sh VERSION OUT.deb - packages the built tree (make all) as a Debian
# package with dpkg-deb, no network. The libraries go to a directory of
# their own, /usr/lib/x86_64-linux-gnu/goevent, so that installing the
# package never changes which libevent a program loads: a user asks for
# goevent with `goevent run`, LD_LIBRARY_PATH, or by building with the
# package's pkg-config/CMake files (whose flags carry an rpath there).
set -euo pipefail
version=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
libdir=/usr/lib/x86_64-linux-gnu/goevent
incdir=/usr/include/goevent
stage=build/deb/root
rm -rf build/deb
mkdir -p "$stage/DEBIAN" "$stage$libdir/pkgconfig" "$stage$incdir/event2" "$stage/usr/bin" "$stage/usr/share/doc/goevent"

install -m 644 build/lib/*-2.1.so.7 "$stage$libdir/"
chmod 755 "$stage$libdir"/*.so.7
for l in libevent libevent_core libevent_extra libevent_pthreads libevent_openssl; do
	ln -s "$l-2.1.so.7" "$stage$libdir/$l.so"
	sh tools/pkgconfig.sh "$l" /usr "$libdir" "$incdir" rpath > "$stage$libdir/pkgconfig/$l.pc"
done
sh tools/cmake.sh "$stage$libdir/cmake/libevent" "$libdir" "$incdir"
install -m 644 include/*.h "$stage$incdir/"
install -m 644 include/event2/*.h "$stage$incdir/event2/"
install -m 755 build/bin/goevent "$stage/usr/bin/goevent"
for d in README.md docs/USING.md docs/DIFFERENCES.md; do
	[ -f "$d" ] && install -m 644 "$d" "$stage/usr/share/doc/goevent/"
done
cat > "$stage/usr/share/doc/goevent/copyright" <<TXT
goevent: libevent 2.1's API and ABI implemented in Go.
Its headers declare libevent 2.1.12's interface (libevent is BSD-3-Clause).
TXT

size=$(du -sk "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CTL
Package: goevent
Version: $version
Architecture: amd64
Maintainer: goevent developers <goevent@localhost>
Section: libs
Priority: optional
Installed-Size: $size
Depends: libc6 (>= 2.34), libssl3
Homepage: file:///usr/share/doc/goevent/README.md
Description: libevent 2.1 rewritten in Go, as drop-in C libraries
 The libevent 2.1 libraries (libevent, libevent_core, libevent_extra,
 libevent_pthreads, libevent_openssl; sonames 2.1.so.7) implemented in Go,
 for programs built against libevent, unchanged. Installed in
 $libdir so that they replace the system's libevent only
 for programs run with "goevent run" (or LD_LIBRARY_PATH), or built with
 the pkg-config files in $libdir/pkgconfig or the CMake
 package in $libdir/cmake/libevent. "goevent check PROGRAM" says
 whether a program's libevent functions are all provided.
CTL
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "deb: $out"
dpkg-deb --info "$out" | sed -n 's/^ *\(Package\|Version\|Installed-Size\):/  &/p'
