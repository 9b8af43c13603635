package reactor

/*
#include "gev_internal.h"
#include "run.h"
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// What stopped run.c's gev_run_queue (run.h).
const (
	runDone   = C.GEV_RUN_DONE
	runLimit  = C.GEV_RUN_LIMIT
	runAbort  = C.GEV_RUN_ABORT
	runGo     = C.GEV_RUN_GO
	runDead   = C.GEV_RUN_DEAD
	runForked = C.GEV_RUN_FORKED // only in run.c's own loop: a Go loop's escape comes first
	runShift  = C.GEV_RUN_SHIFT

	loopResumeRC = C.GEV_LOOP_RESUME // run.c's loop handed over (LoopResume)
	loopBackRC   = C.GEV_LOOP_BACK   // LoopResume hands the loop back to run.c's
	loopCont     = C.GEV_LOOP_CONT   // run.c's loop goes on with a loop handed back
)

// SetWaitInGoAfter makes run.c's loop leave every wait that would block to
// this side once CLOCK_MONOTONIC reaches us microseconds (0: never): the loop
// then goes on here (Loop, LoopResume), for work done when a loop is about
// to block. Process-wide; any thread may call it.
// Atomic: loops on other threads read it while one thread sets it.
func SetWaitInGoAfter(us int64) {
	atomic.StoreInt64((*int64)(unsafe.Pointer(&C.gev_wait_in_go_after)), us)
}

// waitInGoAfter is SetWaitInGoAfter's time.
func waitInGoAfter() int64 {
	return atomic.LoadInt64((*int64)(unsafe.Pointer(&C.gev_wait_in_go_after)))
}

// stayInGo reports whether b's loop, left to this side for a wait
// (resumeTop), has more to do here before it hands the loop back to run.c's.
// Counted loops (stats.go) stay: run.c's would not count; so does an armed
// idle trim (idle.go), which waits here until it trims.
func (b *Base) stayInGo() bool { return b.st != nil || b.idleArmed }

func init() {
	if StatsOn {
		C.gev_loop_counted = 1 // run.c's loop hands every loop over at once
	}
}

// LoopCFunc is run.c's loop (int (*)(struct event_base *, int)), which the
// C layer's event_base_loop enters directly (capi/gocore/attach.c).
func LoopCFunc() unsafe.Pointer { return unsafe.Pointer(C.gev_loop_c) }

// loopC runs run.c's loop from Go (the C layer enters it from C): the
// loop's result, or loopResumeRC.
func (b *Base) loopC(flags int) int {
	th := b.c.Thread // b.c may be freed when this returns
	raceRelease(unsafe.Pointer(th))
	r := int(C.gev_loop_c((*C.struct_event_base)(unsafe.Pointer(b.c)), C.int(flags)))
	raceAcquire(unsafe.Pointer(th))
	return r
}

// runnableInC reports whether ev's run in the loop is all C work, which
// run.c does without crossing back (gev_run_in_c, the same test): a plain
// or persistent C callback of an event that leaves its lists through the
// active queue, the timer heap and an epoll base's fd table only (no signal
// map, no common-timeout queue, no poll backend) and, when persistent with
// a timeout, is re-armed on the heap in place or into free room.
func (b *Base) runnableInC(ev *Event) bool {
	fl := ev.Flags
	if fl&(EVLIST_FINALIZING|^EVLIST_ALL) != 0 || ev.Events&EV_SIGNAL != 0 {
		return false
	}
	switch ev.Closure {
	case ClosureEvent, ClosurePersist:
	default:
		return false
	}
	if ev.Events&EV_PERSIST == 0 && !b.delInC(ev) {
		return false
	}
	if ev.Closure == ClosurePersist && ev.RelTimeout > 0 {
		if ev.CommonIdx != 0 {
			return false
		}
		if ev.Events&(EV_READ|EV_WRITE|EV_CLOSED) != 0 && fl&EVLIST_INSERTED == 0 {
			return false
		}
		if fl&EVLIST_TIMEOUT != 0 {
			return b.inHeap(ev)
		}
		return b.c.Timeheap != nil && b.c.TimeheapN < b.c.TimeheapCap
	}
	return true
}

// delInC reports whether the C side may do b.del(ev) (gev_event_del_c_ok
// in capi/iomap.h): not a signal event, a timeout on the heap, an fd
// registration on an epoll base.
func (b *Base) delInC(ev *Event) bool {
	fl := ev.Flags
	if fl&EVLIST_FINALIZING != 0 {
		return true // a no-op
	}
	if ev.Events&EV_SIGNAL != 0 {
		return false
	}
	if fl&EVLIST_TIMEOUT != 0 && !b.inHeap(ev) {
		return false
	}
	if fl&EVLIST_INSERTED != 0 && (ev.Events&(EV_READ|EV_WRITE|EV_CLOSED) == 0 || b.c.Fds == nil || b.c.Epfd < 0) {
		return false
	}
	return true
}

// inHeap reports whether ev is in the timer heap where its HeapIdx says
// (gev_timeheap_has).
func (b *Base) inHeap(ev *Event) bool {
	i := ev.HeapIdx
	return ev.CommonIdx == 0 && b.c.Timeheap != nil && i >= 0 && i < b.c.TimeheapN && b.heap.at(int(i)) == ev
}

// runQueueC lets run.c run the events at the head of queue pri that
// runnableInC accepts; it returns why it stopped and the pass's count.
func (b *Base) runQueueC(pri, count, max int, end Timeval, hasEnd bool) (int, int) {
	th := b.c.Thread // b.c may be freed when this returns
	raceRelease(unsafe.Pointer(th))
	he := C.int(0)
	if hasEnd {
		he = 1
	}
	r := int64(C.gev_run_queue(C.uintptr_t(uintptr(unsafe.Pointer(b.c))), C.int(pri), C.int64_t(count),
		C.int64_t(max), C.int64_t(end.Sec), C.int64_t(end.Usec), he))
	raceAcquire(unsafe.Pointer(th))
	return int(r & (1<<runShift - 1)), int(r >> runShift)
}

// runInCTest exposes gev_run_in_c to the tests.
func runInCTest(b *Base, ev *Event) bool {
	return C.gev_run_in_c((*C.struct_event_base)(unsafe.Pointer(b.c)), (*C.struct_event)(unsafe.Pointer(ev))) != 0
}
