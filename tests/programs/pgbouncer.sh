#!/usr/bin/env bash
# desc: pgbouncer (run as root with -u postgres, transaction pooling, 3 server connections) in front of a PostgreSQL cluster the test creates (initdb, as user postgres, on 127.0.0.1): psql queries, pgbench -i and then 8 concurrent pgbench clients x 50 TPC-B transactions through pgbouncer with the balances checked for consistency and at most 3 server connections used, a query canceled from psql (cancel request forwarded), query_wait_timeout firing for a client queued behind a busy 1-connection pool, the admin console (SHOW POOLS/STATS, RELOAD of a changed config)
# packages: pgbouncer postgresql postgresql-client
# binaries: /usr/sbin/pgbouncer
# timeout: 180
. "$(dirname "$0")/lib.sh"

need_cmd pgbouncer psql setpriv
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] && [ -x "$pgbin/pgbench" ] || fail "no PostgreSQL server binaries under /usr/lib/postgresql"
# PostgreSQL refuses to run as root, pgbouncer too (it switches with -u).
user=postgres
getent passwd "$user" >/dev/null || fail "no user $user (the postgresql-common package creates it)"
as_pg() { setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"; }

pgport=5432 port=6432
mkdir -p "$WORK/data" "$WORK/sock"
chown "$user": "$WORK/data" "$WORK/sock"
as_pg "$pgbin/initdb" -D "$WORK/data" -A trust -U postgres --no-sync >"$WORK/initdb.log" 2>&1 ||
	fail "initdb failed: $(tail -n 1 "$WORK/initdb.log")"
# PostgreSQL itself does not use libevent: it is only the backend.
start_daemon postgres setpriv --reuid="$user" --regid="$user" --init-groups -- \
	"$pgbin/postgres" -D "$WORK/data" -k "$WORK/sock" -h 127.0.0.1 -p $pgport -c fsync=off -c max_connections=40
pg=$DAEMON_PID
wait_port $pgport 30
wait_for 30 "$pgbin/pg_isready" -q -h 127.0.0.1 -p $pgport || fail "PostgreSQL did not become ready"
"$pgbin/createdb" -h 127.0.0.1 -p $pgport -U postgres bench || fail "createdb bench failed"

# psql_on PORT DB SQL...: unaligned, tuples only
psql_on() {
	local p=$1 db=$2; shift 2
	timeout 60 psql -X -h 127.0.0.1 -p "$p" -U postgres -d "$db" -Atq -v ON_ERROR_STOP=1 "$@"
}
direct() { psql_on $pgport bench -c "$1"; }
pooled() { psql_on $port "${2:-bench}" -c "$1"; }
admin() { psql_on $port pgbouncer -F ' ' -c "$1"; }

echo '"postgres" ""' >"$WORK/userlist.txt"
cat >"$WORK/pgbouncer.ini" <<EOF
[databases]
bench = host=127.0.0.1 port=$pgport dbname=bench
single = host=127.0.0.1 port=$pgport dbname=bench pool_size=1
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $WORK/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 3
max_client_conn = 100
query_wait_timeout = 6
logfile =
pidfile =
EOF
chmod 644 "$WORK/pgbouncer.ini" "$WORK/userlist.txt"
start_daemon pgbouncer pgbouncer -u "$user" "$WORK/pgbouncer.ini"
pb=$DAEMON_PID
wait_port $port
check_maps "$pb" core
expect_eq "pgbouncer's user (-u)" "$(awk '/^Uid:/ { print $2 }' "/proc/$pb/status")" "$(id -u "$user")"

# --- plain queries through the pooler
expect_eq "select through pgbouncer" "$(pooled "select 6*7, current_database(), current_user")" "42|bench|postgres"
expect_eq "a multi-row result" "$(pooled "select string_agg(i::text, ',') from generate_series(1, 2000) i" | md5sum)" \
	"$(seq -s, 1 2000 | md5sum)"
big=$(pooled "select repeat('x', 1000000)")
expect_eq "a 1 MB value's length" "${#big}" 1000000
admin "SHOW VERSION" | grep -q '^PgBouncer' || fail "admin console SHOW VERSION: $(admin "SHOW VERSION")"

# --- pgbench: 8 clients x 50 transactions on 3 server connections
"$pgbin/pgbench" -h 127.0.0.1 -p $port -U postgres -i -s 1 -q bench >"$WORK/pgbench-init.log" 2>&1 ||
	fail "pgbench -i through pgbouncer failed: $(tail -n 1 "$WORK/pgbench-init.log")"
timeout 120 "$pgbin/pgbench" -h 127.0.0.1 -p $port -U postgres -c 8 -j 2 -t 50 bench >"$WORK/pgbench.log" 2>&1 ||
	fail "pgbench through pgbouncer failed: $(grep -iE 'error|abort' "$WORK/pgbench.log" | head -n 1)"
expect_grep "pgbench transactions" "$WORK/pgbench.log" '^number of transactions actually processed: 400/400$'
expect_grep "pgbench failures" "$WORK/pgbench.log" '^number of failed transactions: 0 '
# TPC-B bookkeeping, read directly from PostgreSQL: every transaction's delta is in
# each of the three balances and in the history
sums=$(direct "select (select sum(abalance) from pgbench_accounts) = h.s and (select sum(bbalance) from pgbench_branches) = h.s and (select sum(tbalance) from pgbench_tellers) = h.s, h.n from (select coalesce(sum(delta), 0) s, count(*) n from pgbench_history) h")
expect_eq "balances = sum of history deltas, history rows" "$sums" "t|400"
# pooling: at most default_pool_size server connections for bench
nserv=$(direct "select count(*) from pg_stat_activity where datname = 'bench' and pid <> pg_backend_pid()")
[ "$nserv" -le 3 ] || fail "$nserv server connections to bench, want <= 3 (default_pool_size)"
xacts=$(admin "SHOW STATS" | awk '$1 == "bench" { print $2 }')
[ -n "$xacts" ] && [ "$xacts" -ge 400 ] || fail "SHOW STATS total_xact_count for bench is '$xacts', want >= 400"

# --- cancel: psql sends a cancel request on SIGINT; pgbouncer forwards it to the server
psql -X -h 127.0.0.1 -p $port -U postgres -d bench -c "select pg_sleep(60)" >"$WORK/cancel.out" 2>&1 &
cpid=$!
track_pid $cpid
wait_for 20 sh -c "[ \"\$(psql -X -h 127.0.0.1 -p $pgport -U postgres -d bench -Atc \"select count(*) from pg_stat_activity where query = 'select pg_sleep(60)' and state = 'active'\")\" = 1 ]" ||
	fail "the pg_sleep(60) query did not start"
kill -INT $cpid
wait_exit $cpid 20 || fail "psql did not end after the cancel"
expect_grep "canceled query" "$WORK/cancel.out" 'canceling statement due to user request'

# --- query_wait_timeout: a client queued behind the busy one-connection pool "single"
psql -X -h 127.0.0.1 -p $port -U postgres -d single -Atc "select pg_sleep(12), 'slept'" >"$WORK/busy.out" 2>&1 &
busy=$!
track_pid $busy
wait_for 20 sh -c "[ \"\$(psql -X -h 127.0.0.1 -p $pgport -U postgres -d bench -Atc \"select count(*) from pg_stat_activity where query like 'select pg_sleep(12)%' and state = 'active'\")\" = 1 ]" ||
	fail "the pg_sleep(12) query did not start"
t0=$(date +%s)
out=$(psql -X -h 127.0.0.1 -p $port -U postgres -d single -Atc "select 'not served'" 2>&1)
t=$(($(date +%s) - t0))
case "$out" in *query_wait_timeout*) ;; *) fail "the queued client got '$out', want the query_wait_timeout error" ;; esac
[ $t -ge 4 ] && [ $t -le 11 ] || fail "query_wait_timeout (6 s) fired after $t s"
wait_exit $busy 20 || fail "the busy client did not end"
expect_eq "the busy client's answer" "$(cat "$WORK/busy.out")" "|slept"

# --- admin console: RELOAD picks up a changed config
expect_eq "SHOW CONFIG default_pool_size" "$(admin "SHOW CONFIG" | awk '$1 == "default_pool_size" { print $2 }')" 3
sed -i 's/^default_pool_size = 3$/default_pool_size = 5/' "$WORK/pgbouncer.ini"
admin "RELOAD" >/dev/null || fail "admin RELOAD failed"
expect_eq "SHOW CONFIG default_pool_size after RELOAD" "$(admin "SHOW CONFIG" | awk '$1 == "default_pool_size" { print $2 }')" 5
pools=$(admin "SHOW POOLS" | awk '$1 == "bench" { print $NF }')
expect_eq "SHOW POOLS pool_mode of bench" "$pools" transaction
expect_eq "select after RELOAD" "$(pooled "select 'still pooling'")" "still pooling"

check_maps "$pb" core
stop_pid "$pb" 10 || fail "pgbouncer did not exit on SIGTERM within 10 s"
kill -INT "$pg"   # fast shutdown
wait_exit "$pg" 20 || fail "PostgreSQL did not shut down"
pass
