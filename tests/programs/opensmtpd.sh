#!/usr/bin/env bash
# desc: OpenSMTPD (smtpd -d: a root parent and six privilege-separated processes, five of them chrooted) listening on 127.0.0.1 with virtual users delivered to maildirs as nobody: mails sent by swaks and by OpenSMTPD's own smtp client delivered with their bodies intact, a multi-recipient mail, an unknown recipient refused (5xx), a 300 KB message, 12 concurrent senders; smtpctl show stats/queue; every process maps the library under test
# packages: opensmtpd swaks
# binaries: /usr/sbin/smtpd /usr/sbin/smtpctl /usr/bin/smtp
# timeout: 150
. "$(dirname "$0")/lib.sh"

need_cmd smtpd smtpctl smtp swaks
port=2525
mail="$WORK/mail"
mkdir -p "$mail"
chown nobody "$mail" # the maildirs are written by the delivery agent, as nobody

# No STARTTLS: Debian 12's OpenSMTPD 6.8.0p2 cannot do TLS with OpenSSL 3 (the
# privilege-separated key signing fails: "missing private key", on the real libevent
# too; upstream OpenSMTPD issues #1171 and #1239).
printf '%s nobody\n' alice@example.test bob@example.test >"$WORK/virtual"
for i in $(seq 1 12); do echo "user$i@example.test nobody"; done >>"$WORK/virtual"
cat >"$WORK/smtpd.conf" <<EOF
table vusers file:$WORK/virtual
listen on 127.0.0.1 port $port hostname mx.example.test
action "deliver" maildir "$mail/%{rcpt.user}" virtual <vusers>
match from local for domain "example.test" action "deliver"
EOF
smtpd -n -f "$WORK/smtpd.conf" >"$WORK/smtpd-n.log" 2>&1 || fail "smtpd -n: $(tail -n 1 "$WORK/smtpd-n.log")"

start_daemon smtpd smtpd -d -v -f "$WORK/smtpd.conf"
sd=$DAEMON_PID
wait_port $port 20
# the parent and its six processes (ca, control, lka, pony, queue, scheduler)
children() { ps -o pid= --ppid "$sd" 2>/dev/null | tr -d ' '; }
wait_for 10 sh -c "[ \$(ps -o pid= --ppid $sd | wc -l) -ge 6 ]" || fail "smtpd has $(children | wc -l) child processes, want 6"
kids=$(children)
check_maps "$sd" core
chroots=0
for p in $kids; do
	check_maps "$p" core
	r=$(readlink "/proc/$p/root")
	u=$(awk '/^Uid:/ { print $2 }' "/proc/$p/status")
	note "smtpd child $p: root $r, uid $u"
	[ "$u" != 0 ] || fail "smtpd child $p runs as root"
	[ "$r" != / ] && chroots=$((chroots + 1))
done
[ $chroots -ge 5 ] || fail "$chroots smtpd processes chrooted, want 5"

# delivered USER: the messages in USER's maildir, one file a line
delivered() { ls "$mail/$1/new" 2>/dev/null | wc -l; }
# body_of USER PATTERN: the first delivered message of USER containing PATTERN
body_of() { grep -l -- "$2" "$mail/$1/new/"* 2>/dev/null | head -n 1; }
wait_mail() { # USER COUNT
	wait_for 20 sh -c "[ \$(ls '$mail/$1/new' 2>/dev/null | wc -l) -ge $2 ]" ||
		fail "$1 got $(delivered "$1") messages, want $2"
}
sw() { timeout 30 swaks --server 127.0.0.1:$port --from sender@example.org "$@"; }

# --- swaks: one recipient, then two
sw --to alice@example.test --header "Subject: one" --body "hello alice, token-A1" >"$WORK/swaks1.log" 2>&1 ||
	fail "swaks to alice: $(grep -E '^<~? *[45]' "$WORK/swaks1.log" | head -n 1)"
wait_mail alice 1
f=$(body_of alice token-A1)
[ -n "$f" ] || fail "alice's message lost its body"
expect_grep "alice's message subject" "$f" '^Subject: one$'
expect_grep "alice's message Received header" "$f" 'by mx.example.test'
sw --to alice@example.test,bob@example.test --body "for both, token-AB" >"$WORK/swaks2.log" 2>&1 ||
	fail "swaks to alice and bob: $(grep -E '^<~? *[45]' "$WORK/swaks2.log" | head -n 1)"
wait_mail alice 2
wait_mail bob 1
[ -n "$(body_of bob token-AB)" ] || fail "bob's copy of the two-recipient message is missing"

# --- an unknown recipient is refused during the dialogue (virtual table miss: 524 5.2.4)
sw --to carol@example.test --body "nobody reads this" >"$WORK/swaks3.log" 2>&1 &&
	fail "swaks to an unknown recipient succeeded"
expect_grep "RCPT TO an unknown user" "$WORK/swaks3.log" '^<\*\* +5[0-9][0-9] .*carol@example.test'

# --- OpenSMTPD's own client (libevent too): a 300 KB message
{
	printf 'From: sender@example.org\nTo: bob@example.test\nSubject: big\n\n'
	for i in $(seq 1 5000); do printf 'line %05d of the big message, token-BIG\n' "$i"; done
} >"$WORK/big.eml"
run_env timeout 30 smtp -F sender@example.org -s smtp+notls://127.0.0.1:$port bob@example.test <"$WORK/big.eml" >"$WORK/smtp1.log" 2>&1 ||
	fail "smtp client (plain): $(tail -n 1 "$WORK/smtp1.log")"
wait_mail bob 2
f=$(body_of bob 'Subject: big')
[ -n "$f" ] || fail "the big message was not delivered"
expect_eq "the big message's body" "$(sed '1,/^$/d' "$f" | md5sum)" "$(sed '1,/^$/d' "$WORK/big.eml" | md5sum)"
# --- 12 concurrent senders
pids=()
for i in $(seq 1 12); do
	sw --to "user$i@example.test" --body "concurrent message $i, token-C$i" >"$WORK/swaks-c$i.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent sender failed"; done
for i in $(seq 1 12); do
	wait_mail "user$i" 1
	[ -n "$(body_of "user$i" "token-C$i\$")" ] || fail "user$i's message does not carry its own body"
done

# --- smtpctl (control socket, libevent too)
run_env timeout 10 smtpctl show stats >"$WORK/stats.out" 2>&1 || fail "smtpctl show stats: $(tail -n 1 "$WORK/stats.out")"
n=$(awk -F= '$1 == "scheduler.delivery.ok" { print $2 }' "$WORK/stats.out")
[ -n "$n" ] && [ "$n" -ge 16 ] || fail "smtpctl show stats: scheduler.delivery.ok is '$n', want >= 16"
queue_empty() { [ -z "$(run_env timeout 10 smtpctl show queue 2>&1)" ]; }
wait_for 10 queue_empty || fail "the queue is not empty after delivery: $(run_env smtpctl show queue 2>&1 | head -n 2)"

alive "$sd" || fail "smtpd exited"
for p in $kids; do alive "$p" || fail "smtpd child $p exited"; done
check_maps "$sd" core
stop_pid "$sd" 10 || fail "smtpd did not exit on SIGTERM within 10 s"
for p in $kids; do wait_exit "$p" 10 || fail "smtpd child $p did not exit with its parent"; done
pass
