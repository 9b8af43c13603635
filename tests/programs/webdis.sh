#!/usr/bin/env bash
# desc: webdis (2 worker threads) in front of a redis-server on 127.0.0.1: SET/GET/INCR/LPUSH/LRANGE by HTTP GET, POST and PUT with their JSON answers checked, a 1 MiB binary value PUT and read back byte for byte, values crossing between webdis and redis-cli, an ACL-disabled command refused with 403, 8 concurrent clients x 100 INCR on keep-alive connections (every value 1..800 answered exactly once), a SUBSCRIBE stream receiving redis-cli PUBLISH messages
# packages: webdis redis-server redis-tools curl
# binaries: /usr/bin/webdis
# timeout: 90
. "$(dirname "$0")/lib.sh"

need_cmd webdis redis-server redis-cli curl
rport=6379 port=7379
url=http://127.0.0.1:$port

# redis itself does not use libevent: it is only the backend.
start_daemon redis redis-server --port $rport --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK"
redis=$DAEMON_PID
wait_port $rport

cat >"$WORK/webdis.json" <<EOF
{
	"redis_host": "127.0.0.1", "redis_port": $rport, "redis_auth": null,
	"http_host": "127.0.0.1", "http_port": $port,
	"threads": 2, "pool_size": 4,
	"daemonize": false, "database": 0,
	"acl": [ { "disabled": ["DEBUG", "FLUSHALL"] } ],
	"verbosity": 4, "logfile": "$WORK/webdis-own.log"
}
EOF
start_daemon webdis webdis "$WORK/webdis.json"
wd=$DAEMON_PID
wait_port $port
check_maps "$wd" core

get() { curl -s --max-time 10 "$url/$1"; }
rcli() { redis-cli -p $rport "$@"; }

# --- commands by GET, POST, PUT; JSON answers
expect_eq "GET /SET/hello/world" "$(get SET/hello/world)" '{"SET":[true,"OK"]}'
expect_eq "GET /GET/hello" "$(get GET/hello)" '{"GET":"world"}'
expect_eq "redis-cli GET hello (set through webdis)" "$(rcli GET hello)" world
rcli SET fromcli "set by redis-cli" >/dev/null
expect_eq "GET /GET/fromcli" "$(get GET/fromcli)" '{"GET":"set by redis-cli"}'
expect_eq "GET /GET/fromcli.txt" "$(get GET/fromcli.txt)" 'set by redis-cli'
expect_eq "GET /INCR/n" "$(get INCR/n)" '{"INCR":1}'
expect_eq "GET /INCRBY/n/41" "$(get INCRBY/n/41)" '{"INCRBY":42}'
expect_eq "POST / LPUSH/l/a" "$(curl -s --max-time 10 -d LPUSH/l/a "$url/")" '{"LPUSH":1}'
expect_eq "POST / RPUSH/l/b" "$(curl -s --max-time 10 -d RPUSH/l/b "$url/")" '{"RPUSH":2}'
expect_eq "GET /LRANGE/l/0/-1" "$(get LRANGE/l/0/-1)" '{"LRANGE":["a","b"]}'
expect_eq "GET /GET/missing" "$(get GET/missing)" '{"GET":null}'
expect_eq "GET /TYPE/l.raw" "$(get TYPE/l.raw | tr -d '\r')" '+list'
expect_eq "PUT /SET/p (text body)" "$(curl -s --max-time 10 -X PUT --data-binary 'a b/c?d' "$url/SET/p")" '{"SET":[true,"OK"]}'
expect_eq "redis-cli GET p (PUT through webdis)" "$(rcli GET p)" 'a b/c?d'

# ACL: disabled commands are refused, the data is untouched
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$url/FLUSHALL")
expect_eq "HTTP status of the ACL-disabled FLUSHALL" "$code" 403
expect_eq "redis-cli GET hello after the refused FLUSHALL" "$(rcli GET hello)" world

# --- 1 MiB of binary data up by PUT, back through GET with a raw content type
head -c 1048576 /dev/urandom >"$WORK/big.bin"
expect_eq "PUT /SET/big (1 MiB)" "$(curl -s --max-time 20 -X PUT --data-binary @"$WORK/big.bin" "$url/SET/big")" '{"SET":[true,"OK"]}'
expect_eq "redis-cli STRLEN big" "$(rcli STRLEN big)" 1048576
curl -s --max-time 20 -o "$WORK/big.got" "$url/GET/big?type=application/octet-stream" ||
	fail "GET /GET/big: curl failed"
cmp -s "$WORK/big.bin" "$WORK/big.got" || fail "GET /GET/big: the 1 MiB value came back different ($(stat -c %s "$WORK/big.got") bytes)"

# --- 8 concurrent clients, each 100 INCRs on one keep-alive connection (curl's URL range)
pids=()
for i in 1 2 3 4 5 6 7 8; do
	curl -s --max-time 60 "$url/INCR/ctr?i=[1-100]" >"$WORK/incr$i.out" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent INCR client failed (curl status $?)"; done
expect_eq "redis-cli GET ctr after 8x100 INCR" "$(rcli GET ctr)" 800
# every value from 1 to 800 was answered to exactly one request
got=$(cat "$WORK"/incr*.out | grep -o '{"INCR":[0-9]*}' | grep -o '[0-9]*' | sort -n | uniq | wc -l)
all=$(cat "$WORK"/incr*.out | grep -o '{"INCR":[0-9]*}' | wc -l)
expect_eq "INCR answers" "$all" 800
expect_eq "distinct INCR values" "$got" 800
expect_eq "largest INCR value" "$(cat "$WORK"/incr*.out | grep -o '{"INCR":[0-9]*}' | grep -o '[0-9]*' | sort -n | tail -n 1)" 800

# --- a SUBSCRIBE stream (a long-lived chunked answer) receiving PUBLISHed messages
curl -s -N --max-time 20 "$url/SUBSCRIBE/chan" >"$WORK/sub.out" &
sub=$!
track_pid "$sub"
wait_for 10 grep -q '"subscribe","chan",1' "$WORK/sub.out" || fail "SUBSCRIBE/chan: no subscribe confirmation: $(head -c 200 "$WORK/sub.out")"
expect_eq "PUBLISH chan (receivers)" "$(rcli PUBLISH chan hello1)" 1
rcli PUBLISH chan "two words" >/dev/null
wait_for 10 grep -q '"two words"' "$WORK/sub.out" || fail "SUBSCRIBE/chan: the messages did not arrive: $(head -c 300 "$WORK/sub.out")"
expect_eq "SUBSCRIBE/chan stream" "$(cat "$WORK/sub.out")" \
	'{"SUBSCRIBE":["subscribe","chan",1]}{"SUBSCRIBE":["message","chan","hello1"]}{"SUBSCRIBE":["message","chan","two words"]}'
stop_pid "$sub" 2

alive "$redis" || fail "redis-server exited"
check_maps "$wd" core
stop_pid "$wd" 10 || fail "webdis did not exit on SIGTERM within 10 s"
pass
