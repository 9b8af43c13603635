#!/usr/bin/env bash
# desc: tmux.sh's session, windows, panes, paste buffer and attached client with every tmux process running as user nobody: not root, so the client starts goevent's runtime at its first event_base and the server it forks restarts the core in the child
# packages: tmux
# binaries: /usr/bin/tmux
# timeout: 120
TMUX_USER=nobody
. "$(dirname "$0")/tmux.sh"
