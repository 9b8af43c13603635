#!/usr/bin/env bash
# desc: BitlBee (IRC gateway, user bitlbee) in daemon mode: IRC registration (001, JOIN &bitlbee), `register` writing the user's XML file, PING/PONG, `set`, 10 simultaneous clients each welcomed under its own nick, `identify` with the right and a wrong password on new connections (forking mode: bitlbee-forking)
# packages: bitlbee
# binaries: /usr/sbin/bitlbee
# timeout: 90
. "$(dirname "$0")/lib.sh"

. "$PROGRAMS_DIR/bitlbee/irc.inc"

# ---------------------------------------------------------------- daemon mode
conf Daemon 180 300
start_daemon bitlbee-daemon bitlbee -D -n -c "$WORK/bitlbee-Daemon.conf"
bd=$DAEMON_PID
wait_port $port
check_maps "$bd" core

irc_open 1 alice
irc_wait 1 '^:localhost 001 alice :Welcome to the BitlBee gateway, alice$'
irc_wait 1 '^:alice!alice@localhost JOIN :&bitlbee$'
irc_wait 1 '^:localhost 366 alice &bitlbee '
expect_eq "bitlbee's user" "$(awk '/^Uid:/ { print $2 }' "/proc/$bd/status")" "$(id -u "$user")"
irc_say 1 "PING :token-123"
irc_wait 1 '^:localhost PONG localhost :token-123$'
irc_say 1 "PRIVMSG &bitlbee :register s3cret"
irc_wait 1 '^:root!root@localhost PRIVMSG &bitlbee :Account successfully created$'
wait_file "$WORK/users/alice.xml"
expect_grep "alice.xml" "$WORK/users/alice.xml" '^<user password="[^"]+" nick="alice"'
irc_say 1 "PRIVMSG &bitlbee :set charset"
irc_wait 1 '^:root!root@localhost PRIVMSG &bitlbee :charset = `utf-8.$'
irc_say 1 "PRIVMSG &bitlbee :account list"
irc_wait 1 'End of account list$'

# 10 clients at once, each welcomed under its own nick
for i in $(seq 20 29); do irc_open $i "user$i"; done
for i in $(seq 20 29); do irc_wait $i "^:localhost 001 user$i :Welcome"; done
for i in $(seq 20 29); do irc_say $i "PING :p$i"; done
for i in $(seq 20 29); do irc_wait $i "^:localhost PONG localhost :p$i\$"; done
for i in $(seq 20 29); do irc_say $i "QUIT :bye"; done
for i in $(seq 20 29); do irc_wait $i '^ERROR :Closing link: '; irc_close $i; done

# identify on a new connection: the saved account is loaded; a wrong password is refused
irc_say 1 "QUIT :later"
irc_wait 1 '^ERROR :Closing link: '
irc_close 1
irc_open 2 alice
irc_wait 2 '^:localhost 001 alice :Welcome'
irc_say 2 "PRIVMSG &bitlbee :identify wrong-password"
irc_wait 2 '^:root!root@localhost PRIVMSG &bitlbee :Incorrect password$'
irc_say 2 "PRIVMSG &bitlbee :identify s3cret"
irc_wait 2 '^:root!root@localhost PRIVMSG &bitlbee :Password accepted, settings and accounts loaded$'
irc_say 2 "QUIT"
irc_wait 2 '^ERROR :Closing link: '
irc_close 2

alive "$bd" || fail "bitlbee (daemon mode) exited"
check_maps "$bd" core
stop_pid "$bd" 10 || fail "bitlbee (daemon mode) did not exit on SIGTERM within 10 s"
pass
