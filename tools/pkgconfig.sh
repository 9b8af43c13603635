#!/bin/sh
# pkgconfig.sh NAME PREFIX LIBDIR INCLUDEDIR [rpath] - prints NAME.pc for goevent.
# With "rpath" (the .deb, whose LIBDIR is not on the loader's path), programs
# linked with these flags also find the libraries there at run time.
name=$1 prefix=$2 libdir=$3 includedir=$4
rpath=
[ "${5:-}" = rpath ] && rpath=" -Wl,-rpath,\${libdir}"
private="-ldl -lpthread"
case $name in
libevent)          lib=event;          desc="goevent: libevent 2.1 core in Go (drop-in)"; requires="" ;;
libevent_core)     lib=event_core;     desc="goevent: libevent 2.1 core in Go (drop-in)"; requires="" ;;
libevent_extra)    lib=event_extra;    desc="goevent: libevent 2.1 extra (evdns) in Go (drop-in)"; requires="" ;;
libevent_pthreads) lib=event_pthreads; desc="goevent: pthreads support for libevent 2.1"; requires="libevent_core" ;;
libevent_openssl)  lib=event_openssl;  desc="goevent: OpenSSL bufferevents for libevent 2.1"; requires="libevent"; private="-lssl -lcrypto -lpthread" ;;
*) echo "pkgconfig.sh: unknown package $name" >&2; exit 1 ;;
esac
cat <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=$libdir
includedir=$includedir

Name: $name
Description: $desc
Version: 2.1.12-stable
Requires: $requires
Libs: -L\${libdir}$rpath -l$lib
Libs.private: $private
Cflags: -I\${includedir}
PC
