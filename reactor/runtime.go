package reactor

import "time"

// StartRuntimePoller makes the Go runtime open its network poller now: an
// epoll instance and an eventfd, both close-on-exec, which the runtime keeps
// until the process ends. The runtime opens them the first time a timer of
// its own is armed. The core arms none, but the background scavenger does
// (it paces itself with a timer) the first time it returns freed heap to the
// system, which in a server happens after some GC cycles: tens of thousands
// of connections into the program's life, two descriptors appeared that were
// not there before (issue 9, item 14). The C layer calls this once when it
// loads the core, so that the runtime's descriptors are all opened by the
// load (like its threads) and the count stays put afterwards. A timer that
// is armed and stopped at once is the only way to start the poller that the
// runtime offers; it costs nothing after this call.
func StartRuntimePoller() { time.AfterFunc(time.Hour, func() {}).Stop() }
