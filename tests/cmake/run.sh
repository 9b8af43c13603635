#!/usr/bin/env bash
# run.sh PREFIX - builds tests/cmake against goevent installed in PREFIX
# (make install PREFIX=...): find_package(Libevent 2.1 REQUIRED COMPONENTS
# core pthreads) must find our LibeventConfig.cmake, the program must load
# our library. Also: a component goevent lacks and a version above 2.1.12
# must make find_package fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(cd "$1" && pwd)
if ! command -v cmake >/dev/null; then
	echo "test-cmake: skipped (cmake is not installed; apt-get install cmake)"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
timeout 120 cmake -S "$here" -B ok -DCMAKE_PREFIX_PATH="$prefix" >ok.log 2>&1 || { cat ok.log; exit 1; }
grep -q "Found libevent 2.1.12 (goevent) in $prefix/lib" ok.log || { echo "test-cmake: not our package:"; cat ok.log; exit 1; }
timeout 120 cmake --build ok >build.log 2>&1 || { cat build.log; exit 1; }
timeout 20 ./ok/app | tee run.log
grep -q 'goevent core loaded: yes' run.log

# What must fail: an unknown component, a newer version.
fail() {
	local name=$1 why=$2 line=$3
	mkdir -p "$name"
	printf 'cmake_minimum_required(VERSION 3.13)\nproject(p C)\n%s\n' "$line" > "$name/CMakeLists.txt"
	if timeout 120 cmake -S "$name" -B "$name/b" -DCMAKE_PREFIX_PATH="$prefix" >"$name.log" 2>&1; then
		echo "test-cmake: '$line' was accepted"; exit 1
	fi
	tr -s ' \n' ' ' < "$name.log" | grep -q "$why" || { echo "test-cmake: '$line' failed for another reason:"; cat "$name.log"; exit 1; }
}
fail nocomp "goevent has no component 'nosuch'" 'find_package(Libevent 2.1 REQUIRED COMPONENTS core nosuch)'
fail newer 'compatible with requested version "2.2"' 'find_package(Libevent 2.2 REQUIRED)'
echo "test-cmake: ok (find_package(Libevent 2.1 COMPONENTS core pthreads) built and ran on goevent; a missing component and 2.2 refused)"
