package reactor

import (
	"time"
	_ "unsafe" // for go:linkname
)

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

// Prepare does what the first base would otherwise do on the program's
// thread at its first dispatch: it reads the fd cap (fs.nr_open). The core's
// package init calls it, on the runtime's own thread, which starts when the
// program makes its first base and runs while the program goes on setting up
// (capi/loader.c). The runtime's poller is not started here: its two
// descriptors would appear at some moment while the program sets up (which
// may close or dup2 descriptors then); they open in the program's own first
// call into the core instead (goevent_core_attach_go), as before.
func Prepare() {
	_ = fdCap()
}

// The loop's goroutine and the runtime's sysmon thread. A loop runs on the
// goroutine of a C thread's call into Go (event_base_dispatch), which the
// scheduler never switches: it is locked to that thread and only makes C
// calls (the wait, callbacks) and returns. Sysmon takes a goroutine that has
// run on its P for 10 ms without passing through the scheduler (the P's
// schedtick unchanged) for a CPU hog: while it runs Go code it is preempted
// (a SIGURG to the loop thread), and while it is in a C call -- where a busy
// loop spends most of its time -- sysmon takes its P away at every look,
// which resets sysmon to its shortest period: a 20 us nanosleep loop for as
// long as the loop stays busy (0.55 nanosleep per echoed message in
// syscalls_64B_50conn, and every retaken P won back through the scheduler's
// lock). A yield through the scheduler renews the tick, so that sysmon sees
// a well-behaved goroutine: it backs off to 10 ms sleeps and neither
// preempts the loop nor takes its P.
//
// Sysmon looks at most every 10 ms, so a yield at least that often is
// enough; yieldEveryNS leaves 5 ms for the iteration in progress when one
// falls due (under strace, which slows every system call, an iteration of
// the 50-connection echo takes 2 ms; with 7 ms some runs overran and sysmon
// went back to 20 us sleeps). A yield of a locked goroutine hands its P to
// another thread, which hands it back: runtime.goyield (the current P's run
// queue) costs 3 futex calls, runtime.Gosched (the global queue, and a
// spinning thread woken for it) 5. At most 200 a second, and only while the
// loop keeps running.
const yieldEveryNS = 5e6

// yieldIfDue runs at the top of each loop iteration, before the wait.
func (b *Base) yieldIfDue() {
	// The previous pass's cached time (the same clock) when there is one, as
	// idleWait reads it: a clock read less per iteration.
	var now int64
	if tv := b.c.TvCache; tv.Sec != 0 {
		now = tv.Sec*1e9 + tv.Usec*1e3
	} else {
		now = nanotime()
	}
	if b.lastYield == 0 { // the first iteration: nothing to renew yet
		b.lastYield = now
		return
	}
	if now-b.lastYield < yieldEveryNS {
		return
	}
	b.lastYield = now
	goyield()
}

// goyield is runtime.Gosched with the goroutine put on the current P's run
// queue: no other thread is woken to look for it. The runtime keeps it for
// linkname users (go.dev/issue/67401).
//
//go:linkname goyield runtime.goyield
func goyield()
