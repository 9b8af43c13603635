#!/usr/bin/env bash
# desc: coturn's turnserver with a TLS listener (its TLS connections are bufferevent_openssl_socket_new bufferevents) on 127.0.0.1, answering turnutils_uclient -S (TURN over TLS, long-term credentials): allocations, every TLS handshake succeeding (uclient picks TLS 1.0, 1.1 or 1.2 at random per connection), 40 messages relayed through a turnutils_peer and back with none lost, and the session's cipher logged. turnserver also imports evhttp's URI and header functions (issue 13)
# packages: coturn openssl
# binaries: /usr/bin/turnserver
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd turnserver turnutils_uclient turnutils_peer openssl
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
	-days 2 -subj "/CN=localhost" >"$WORK/openssl.log" 2>&1 || fail "openssl req"
chmod 644 "$WORK/key.pem"

# --db in $WORK: the default database is /var/lib/turn/turndb.
# @SECLEVEL=0 on both sides (--cipher-list, uclient -F): turnutils_uclient picks a TLS version at
# random for each connection (its SSLv23, TLSv1, TLSv1.1 and TLSv1.2 client methods); at OpenSSL 3's
# default security level TLS 1.0/1.1 handshakes fail (the server sends internal_error, the client
# refuses the SHA-1 signature), uclient reconnects, and now and then a run lost messages over it, on
# Debian's libevent as on ours (1 run in 8). With it every handshake succeeds, and the test requires it.
start_daemon turnserver turnserver -v -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port=3478 \
	--tls-listening-port=5349 --cert="$WORK/cert.pem" --pkey="$WORK/key.pem" --user=u:p --realm=test \
	--lt-cred-mech --no-cli --log-file=stdout --no-dtls --cipher-list=DEFAULT:@SECLEVEL=0 --no-udp --no-tcp-relay --allow-loopback-peers \
	--db="$WORK/turndb" --pidfile="$WORK/turnserver.pid"
srv=$DAEMON_PID
start_daemon peer turnutils_peer -L 127.0.0.1 -p 3480
wait_port 5349
check_maps "$srv" core
grep -q 'libevent_openssl' "/proc/$srv/maps" || fail "libevent_openssl is not mapped"

timeout 30 turnutils_uclient -S -t -F DEFAULT:@SECLEVEL=0 -u u -w p -p 5349 -e 127.0.0.1 -r 3480 -n 20 -m 1 -l 100 127.0.0.1 \
	>"$WORK/uclient.log" 2>&1 || fail "turnutils_uclient failed (exit $?)"
grep -q 'tot_send_msgs=40, tot_recv_msgs=40' "$WORK/uclient.log" || fail "not all 40 messages came back: $(grep tot_ "$WORK/uclient.log" | tail -1)"
grep -q 'Total lost packets 0 ' "$WORK/uclient.log" || fail "packets were lost"
! grep -q 'cannot connect' "$WORK/uclient.log" || fail "a TLS handshake failed: $(grep -m1 'error:' "$WORK/uclient.log")"
wait_for 5 grep -q 'session .*: new, .*cipher=.*method=TLSv' "$WORK/turnserver.log" ||
	fail "turnserver logged no TLS session"
alive "$srv" || fail "turnserver exited"
stop_pid "$srv" 10 || fail "turnserver did not exit within 10 s of SIGTERM"
pass
