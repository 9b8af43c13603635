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
// Sysmon looks at most every 10 ms (its longest sleep), and takes the loop
// for a hog when the tick it saw at one look is still the P's at a look 10 ms
// or more later: so the gap between two yields must stay under 10 ms, and
// every yield it saves counts, since one costs 4 futex calls (a yield of a
// locked goroutine hands its P to another thread, which hands it back:
// wake, sleep, wake, sleep; runtime.goyield uses the current P's run queue,
// runtime.Gosched the global one and wakes a spinning thread too: 5 or more).
// The loop checks at the top of each iteration, after each wait and after
// each event it runs (a clock read through the vDSO, ~20 ns), so that a gap
// overruns yieldEveryNS by one callback or one wait, not by a whole
// iteration (under strace, which slows every system call, an iteration of
// the 50-connection echo takes 2-5 ms). Before a wait that may block it
// yields once yieldBeforeWaitNS have passed, as the wait may last past the
// gap's end. syscalls_64B_50conn: ~108 yields a second, against ~125 with a
// 5 ms period checked at the top of each iteration only, and fewer overruns
// sending sysmon back to 20 us sleeps (those left come from the loop thread
// not getting the CPU on a loaded machine; docs/PERFORMANCE.md). Only while
// the loop keeps running.
const (
	yieldEveryNS      = 9e6
	yieldBeforeWaitNS = 8e6
)

// yieldIfDue yields if `after` ns have passed since the loop's last yield.
func (b *Base) yieldIfDue(after int64) {
	now := nanotime()
	if b.lastYield == 0 { // the first check: nothing to renew yet
		b.lastYield = now
		return
	}
	if now-b.lastYield < after {
		return
	}
	goyield()
	// The P's tick is renewed when the yield ends (the scheduler runs the
	// loop again), which under load may be a while after it began.
	b.lastYield = nanotime()
}

// goyield is runtime.Gosched with the goroutine put on the current P's run
// queue: no other thread is woken to look for it. The runtime keeps it for
// linkname users (go.dev/issue/67401).
//
//go:linkname goyield runtime.goyield
func goyield()
