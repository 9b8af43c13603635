package reactor

/*
#include <malloc.h>
#include <stddef.h>

// glibc's allocator, for what the core's start may pin (see mallocState).
static size_t gev_malloc_free(void) { return mallinfo2().fordblks; }
static size_t gev_malloc_heap(void) { return mallinfo2().arena; }
static void gev_malloc_trim(void) { malloc_trim(0); }
*/
import "C"

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"

	"goevent/internal/cmem"
)

// Memory given back when the loop idles (issue 11). libevent's memory is the
// C heap's, and glibc returns freed memory at the top of its heap to the
// kernel as soon as it is freed. Ours is also in three other places, none of
// which gives memory back by itself while a program idles:
//
//   - cmem's spans (buffers, bufferevents, handles, timer heaps): cmem.Trim
//     gives the pages of empty spans back;
//   - the Go heap: freed Go objects are only found by a garbage collection,
//     and an idle program allocates nothing, so none runs (the runtime forces
//     one every two minutes); debug.FreeOSMemory collects and returns every
//     free page;
//   - the C heap, pinned: when the core starts while the heap is large (a
//     program adds its timers before its first dispatch, the usual order), a
//     few small blocks the start allocates (the thread descriptor of the
//     runtime's first thread, glibc's) land at the top of glibc's heap, so
//     everything freed below them stays (140 MiB after a million timers);
//     malloc_trim returns it. This is checked only when the heap was at least
//     mallocBig when the core started (mallocState.big).
//
// A loop checks whether any of these has at least trimMin to give back when
// it is about to block, at most every idleCheck (process-wide). If so it is
// armed: it blocks at most idleQuantum at a time, and once it has waited
// idleAfter in all with no descriptor, signal or wakeup arriving (timers may
// fire: a program that only runs timers is idle), it trims. A busy loop does
// not trim: its waits end with I/O. The checks cost a comparison per blocking
// wait; an armed loop's waits, a subtraction. On an epoll base the loop runs
// in C (run.c), which leaves its first blocking wait after the next check's
// time to this side (SetWaitInGoAfter) and gets the loop back at once,
// before the wait, unless the check arms (then once this side has trimmed:
// Base.stayInGo).
const (
	idleCheck   = 100_000 // µs between checks for memory to give back
	idleQuantum = 100_000 // µs: longest wait of an armed loop
	idleAfter   = 100_000 // µs of quiet waiting before trimming
	trimMin     = 1 << 20 // bytes worth a trim
	mallocBig   = 8 << 20 // C heap size at the core's start that may be pinned
)

var memIdle struct {
	mu sync.Mutex // one trim at a time (bases may loop on several threads)

	goAllocs uint64 // Go heap allocations (bytes, cumulative) at the last trim
	samples  [2]metrics.Sample

	malloc mallocState
}

// mallocState follows glibc's heap when the core started on a big one.
type mallocState struct {
	big bool   // the heap was >= mallocBig when the core started
	low uint64 // least free bytes seen since the last trim
}

func init() {
	SetWaitInGoAfter(1) // the first blocking wait checks
	memIdle.samples[0].Name = "/gc/heap/allocs:bytes"
	memIdle.samples[1].Name = "/memory/classes/heap/free:bytes"
}

// NoteCoreStart records the state of the C heap when the core starts
// (capi/gocore calls it once per runtime).
func NoteCoreStart() {
	memIdle.mu.Lock()
	defer memIdle.mu.Unlock()
	if uint64(C.gev_malloc_heap()) >= mallocBig {
		memIdle.malloc.big = true
		memIdle.malloc.low = uint64(C.gev_malloc_free())
	}
}

// idleArm decides, at most every idleCheck, whether b's loop should arm;
// now is the monotonic time in µs.
func (b *Base) idleArm(now int64) {
	if now < waitInGoAfter() {
		return
	}
	// The next check's time is run.c's: its loops leave their first
	// blocking wait from then on to this side (SetWaitInGoAfter).
	SetWaitInGoAfter(now + idleCheck)
	if trimPending() {
		b.idleArmed = true
		b.idleQuiet = 0
	}
}

// trimPending reports whether there is at least trimMin to give back
// somewhere.
func trimPending() bool {
	if !memIdle.mu.TryLock() {
		return false
	}
	defer memIdle.mu.Unlock()
	if cmem.Releasable() >= trimMin {
		return true
	}
	metrics.Read(memIdle.samples[:])
	if memIdle.samples[0].Value.Uint64()-memIdle.goAllocs >= trimMin || memIdle.samples[1].Value.Uint64() >= trimMin {
		return true
	}
	if m := &memIdle.malloc; m.big {
		free := uint64(C.gev_malloc_free())
		if free < m.low {
			m.low = free
		}
		if free-m.low >= trimMin {
			return true
		}
	}
	return false
}

// idleTrim gives back what can be: cmem's empty spans, the Go heap's free
// pages (after a collection), the C heap's free pages when the core may have
// pinned them. Runs on the loop's thread, with its lock held.
func idleTrim() {
	if !memIdle.mu.TryLock() {
		return
	}
	defer memIdle.mu.Unlock()
	cmem.Trim()
	metrics.Read(memIdle.samples[:])
	if memIdle.samples[0].Value.Uint64()-memIdle.goAllocs >= trimMin || memIdle.samples[1].Value.Uint64() >= trimMin {
		debug.FreeOSMemory()
		metrics.Read(memIdle.samples[:1])
		memIdle.goAllocs = memIdle.samples[0].Value.Uint64()
	}
	if m := &memIdle.malloc; m.big {
		free := uint64(C.gev_malloc_free())
		if free < m.low {
			m.low = free
		}
		if free-m.low >= trimMin {
			C.gev_malloc_trim()
		}
		m.low = free // released pages still count as free
	}
}

// idleCheck is idleWait's check before a wait that may block, for a loop
// not armed: now is the time cache (zero: none).
func (b *Base) idleCheck(now Timeval) {
	if now.Sec == 0 {
		if now = b.idleSeen; now.Sec == 0 || b.c.Flags&EVENT_BASE_FLAG_NO_CACHE_TIME != 0 {
			now = NowMonotonic()
		}
	}
	b.idleArm(now.Sec*1e6 + now.Usec)
}

// idleWait is the loop's wait with the idle checks around it; timeout in µs
// as for the backend (-1: none). It clears the time cache, as the loop does
// before every wait. nil or the backend's error. It reads no clock: the
// time it checks is the previous pass's (or at a loop's first wait the
// previous loop's last), and an armed loop counts the timeouts of its waits
// that ended with nothing arriving.
func (b *Base) idleWait(timeout int64) error {
	now := b.c.TvCache
	b.c.TvCache = Timeval{}
	if timeout == 0 {
		return b.be.wait(0)
	}
	if !b.idleArmed {
		if b.idleCheck(now); !b.idleArmed {
			return b.be.wait(timeout)
		}
	}
	if timeout < 0 || timeout > idleQuantum {
		timeout = idleQuantum
	}
	active := b.c.NActive
	if err := b.be.wait(timeout); err != nil {
		return err
	}
	if b.c.NActive != active {
		b.idleQuiet = 0 // I/O, a signal or a wakeup: not idle
		return nil
	}
	// Nothing arrived: the wait timed out (a timer of the program's may be
	// due: still idle), or a signal interrupted it.
	if b.idleQuiet += timeout; b.idleQuiet >= idleAfter {
		b.idleArmed = false
		b.idleQuiet = 0
		idleTrim()
	}
	return nil
}
