#!/usr/bin/env bash
# desc: tmux (the client forks the server, both on the library under test): a session with 3 windows and a split pane running commands whose output is read back with capture-pane, keys sent to a shell, a 384 KiB buffer through load-buffer/save-buffer and pasted into a pane (cat writes it to a file, compared byte for byte), an attached client on a pty, then kill-server
# packages: tmux
# binaries: /usr/bin/tmux
# timeout: 120
. "$(dirname "$0")/lib.sh"

need_cmd tmux script cmp
export TERM=xterm HOME="$WORK" SHELL=/bin/sh
unset TMUX TMUX_PANE
SOCK="$WORK/tmux.sock"
# TMUX_USER (tmux-user.sh): every tmux process runs as that user. A process
# not running as root starts goevent's Go runtime at its first event_base
# (root's at its first dispatch), so the client's runtime is running when it
# forks the server: the server then takes the forked-child restart.
AS=()
if [ -n "${TMUX_USER:-}" ]; then
	[ "$(id -u)" = 0 ] || skip "switching to user $TMUX_USER needs root"
	need_cmd setpriv
	chmod 777 "$WORK"
	AS=(setpriv --reuid="$TMUX_USER" --regid="$(id -g "$TMUX_USER")" --clear-groups)
fi
T() { run_env timeout 20 "${AS[@]}" tmux -S "$SOCK" -f /dev/null "$@"; }

# capture TARGET: the pane's text, history included (not -J: tmux 3.3a then drops the
# first line of a short pane, on the real libevent too).
capture() { T capture-pane -p -S - -t "$1"; }
# pane_has TARGET ERE: the pane's text has a line matching ERE.
pane_has() { capture "$1" 2>/dev/null | grep -Eq -- "$2"; }
# wait_pane TARGET ERE WHAT: wait (15 s) until pane_has, else fail with the pane's text in the log.
wait_pane() {
	if ! wait_for 15 pane_has "$1" "$2"; then
		capture "$1" >"$WORK/pane-$(echo "$1" | tr -c 'a-z0-9' _).log" 2>&1
		fail "$3: pane $1 never showed /$2/"
	fi
}

# The server: started by the client, which forks it and exits (new-session -d).
T new-session -d -s main -n shell /bin/sh >"$WORK/new-session.log" 2>&1 ||
	fail "tmux new-session failed: $(head -n 1 "$WORK/new-session.log")"
spid=$(T display-message -p '#{pid}')
[ -n "$spid" ] || fail "display-message gave no server pid"
track_pid "$spid"
note "tmux server pid $spid"
alive "$spid" || fail "the tmux server ($spid) is not running"
check_maps "$spid" core
if [ -n "${TMUX_USER:-}" ]; then
	expect_eq "the server's user id" "$(awk '/^Uid:/ { print $2 }' "/proc/$spid/status")" "$(id -u "$TMUX_USER")"
fi
T set-option -g remain-on-exit on || fail "set-option failed"

# Windows and panes running commands; their output is read back. Each command first
# waits (a tmux client inside the pane: wait-for) until the test says go: output a pane
# prints in its first instants can be lost (tmux 3.3a, on the real libevent too).
T new-window -d -t main:1 -n calc "tmux wait-for go1; seq 1 100 | awk '{ s += \$1 } END { print \"sum=\" s }'" ||
	fail "new-window 1 failed"
T new-window -d -t main:2 -n env "tmux wait-for go2; echo window2:\$((6 * 7)); printf '%s\\n' alpha beta gamma" ||
	fail "new-window 2 failed"
T split-window -d -h -t main:2 "tmux wait-for go3; i=0; while [ \$i -lt 5 ]; do echo split-line-\$i; i=\$((i + 1)); done" ||
	fail "split-window failed"
for c in go1 go2 go3; do T wait-for -S $c || fail "wait-for -S $c failed"; done
wait_pane main:1.0 '^sum=5050$' "window 1"
wait_pane main:2.0 '^window2:42$' "window 2"
wait_pane main:2.0 '^gamma$' "window 2"
wait_pane main:2.1 '^split-line-4$' "the split pane"
n=$(T list-windows -t main -F '#{window_index}:#{window_name}' | tr '\n' ' ')
expect_eq "list-windows" "$n" "0:shell 1:calc 2:env "
n=$(T list-panes -t main:2 | wc -l)
expect_eq "panes in window 2" "$n" 2

# Keys typed into the shell in window 0.
T send-keys -t main:0 'echo typed-$((123 * 3))' Enter || fail "send-keys failed"
wait_pane main:0 '^typed-369$' "send-keys"

# A large buffer: load-buffer (client reads the file, sends it to the server), save-buffer back.
awk 'BEGIN { for (i = 0; i < 4096; i++) { printf "%06d ", i; for (j = 0; j < 11; j++) printf "%08x", (i * 2654435761 + j * 40503) % 4294967296; print "" } }' \
	>"$WORK/big.txt"
size=$(stat -c %s "$WORK/big.txt")
note "paste buffer: $size bytes"
T load-buffer -b big "$WORK/big.txt" || fail "load-buffer failed"
expect_eq "buffer size (list-buffers)" "$(T list-buffers -F '#{buffer_name} #{buffer_size}' | awk '$1 == "big" { print $2 }')" "$size"
T save-buffer -b big - >"$WORK/saved.txt" || fail "save-buffer failed"
cmp -s "$WORK/big.txt" "$WORK/saved.txt" || fail "save-buffer gave back other bytes than load-buffer got"

# ... pasted into a pane whose cat writes the terminal's input to a file.
T new-window -d -t main:3 -n sink "tmux wait-for go4; stty -echo; echo ready; exec cat > '$WORK/pasted.txt'" ||
	fail "new-window 3 failed"
T wait-for -S go4 || fail "wait-for -S go4 failed"
wait_pane main:3 '^ready$' "paste sink"
T paste-buffer -b big -t main:3 || fail "paste-buffer failed"
pasted() { stat -c %s "$WORK/pasted.txt" 2>/dev/null || echo 0; }
pasted_all() { [ "$(pasted)" -ge "$size" ]; }
wait_for 60 pasted_all ||
	fail "only $(pasted) of $size pasted bytes reached the pane within 60 s"
sleep 0.2
cmp -s "$WORK/big.txt" "$WORK/pasted.txt" || fail "the pasted bytes differ from the buffer"

# An attached client on a pty (script(1) gives it one, and waits for it past the
# end of its own stdin, /dev/null).
start_daemon client "${AS[@]}" script -q -e -c "tmux -S '$SOCK' -f /dev/null attach-session -t main:2" /dev/null
spt=$DAEMON_PID
# script's child is the tmux client; the server knows its pid.
has_client() { [ -n "$(T list-clients -F '#{client_pid}' 2>/dev/null)" ]; }
wait_for 15 has_client || fail "the attached client never showed in list-clients"
cpid=$(T list-clients -F '#{client_pid}' | head -n 1)
track_pid "$cpid"
note "tmux client pid $cpid"
case "$(cat "/proc/$cpid/comm" 2>/dev/null)" in tmux*) ;; *) fail "client pid $cpid is not tmux" ;; esac
check_maps "$cpid" core
expect_eq "attached client's window" "$(T list-clients -F '#{session_name}:#{window_index}')" "main:2"
check_maps "$spid" core

# kill-server: the server exits, and the attached client with it.
T kill-server || fail "kill-server failed"
wait_exit "$spid" 10 || fail "the tmux server still runs 10 s after kill-server"
wait_exit "$cpid" 10 || fail "the attached client still runs 10 s after kill-server"
wait_exit "$spt" 10 || fail "script(1) still runs 10 s after its tmux client ended"
pass
