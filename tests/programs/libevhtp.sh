#!/usr/bin/env bash
# desc: a small HTTPS server built on Debian's libevhtp0 (tools/evhtp_https.c; libevhtp makes each TLS connection a bufferevent_openssl_socket_new bufferevent) answering curl over TLS 1.3 on 127.0.0.1: a GET, a 200 KB POST echoed back byte for byte, ten requests on one kept-alive connection, and an openssl s_client request
# packages: libevhtp-dev libevhtp0 curl openssl gcc libc6-dev pkg-config
# binaries: /usr/lib/x86_64-linux-gnu/libevhtp.so.0
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd curl openssl cc pkg-config
# shellcheck disable=SC2046
build_c "$WORK/evhtp_https" "$PROGRAMS_DIR/tools/evhtp_https.c" $(pkg-config --cflags --libs evhtp) -levent -levent_openssl -lssl -lcrypto
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
	-days 2 -subj "/CN=localhost" >"$WORK/openssl.log" 2>&1 || fail "openssl req"

start_daemon evhtp_https "$WORK/evhtp_https" 8443 "$WORK/cert.pem" "$WORK/key.pem"
srv=$DAEMON_PID
wait_port 8443
check_maps "$srv" core
grep -q 'libevent_openssl' "/proc/$srv/maps" || fail "libevent_openssl is not mapped"

got=$(curl -s --max-time 10 --cacert "$WORK/cert.pem" https://localhost:8443/hello)
expect_eq "GET /hello" "$got" "hello from evhtp /hello"

head -c 200000 /dev/urandom >"$WORK/body"
curl -s --max-time 20 --cacert "$WORK/cert.pem" --data-binary @"$WORK/body" https://localhost:8443/echo >"$WORK/echoed" ||
	fail "POST /echo failed"
{ printf '200000:'; cat "$WORK/body"; } | cmp -s - "$WORK/echoed" || fail "POST /echo did not come back byte for byte"

urls=()
for i in 1 2 3 4 5 6 7 8 9 10; do urls+=("https://localhost:8443/hello?n=$i"); done
n=$(curl -s --max-time 20 --cacert "$WORK/cert.pem" "${urls[@]}" | grep -c '^hello from evhtp /hello$')
expect_eq "ten requests on one connection" "$n" "10"

got=$( (printf 'GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'; sleep 1) |
	timeout 10 openssl s_client -quiet -connect 127.0.0.1:8443 -servername localhost 2>/dev/null | tail -n 1 | tr -d '\r')
expect_eq "openssl s_client GET" "$got" "hello from evhtp /hello"

alive "$srv" || fail "the server exited"
stop_pid "$srv" 10 || fail "the server did not exit on SIGTERM"
pass
