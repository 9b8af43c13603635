package reactor

import (
	"fmt"
	"testing"
	"unsafe"
)

// Test-only access to the reactor's internals.

// TimerHeap exposes the timer heap to the randomized tests. The base whose
// timeheap fields describe it is cbase: C memory when the test hands it to
// the C half of the heap (ctest).
type TimerHeap struct{ h timerHeap }

// NewTimerHeap returns a heap described by cbase's timeheap fields.
func NewTimerHeap(cbase *CBase) *TimerHeap { return &TimerHeap{timerHeap{c: cbase}} }

func (t *TimerHeap) Push(ev *Event)   { t.h.push(ev) }
func (t *TimerHeap) Remove(ev *Event) { t.h.remove(ev) }
func (t *TimerHeap) Top() *Event      { return t.h.top() }
func (t *TimerHeap) Len() int         { return t.h.len() }
func (t *TimerHeap) Check() error     { return checkHeap(&t.h) }

// MakeRoom grows the array if it is full, as the core does before the C
// layer may push (it hands a push to a full heap over to the core).
func (t *TimerHeap) MakeRoom() {
	if t.h.c.TimeheapN == t.h.c.TimeheapCap {
		t.h.grow()
	}
}

// Release frees the array.
func (t *TimerHeap) Release() { t.h.release() }

func checkHeap(h *timerHeap) error {
	a := h.slots()
	for i := 0; i < h.len(); i++ {
		ev := a[i]
		if int(ev.HeapIdx) != i {
			return fmt.Errorf("heap[%d] has HeapIdx %d", i, ev.HeapIdx)
		}
		if i > 0 && ev.Timeout.less(a[(i-1)/2].Timeout) {
			return fmt.Errorf("heap order violated at %d", i)
		}
	}
	for i := h.len(); i < len(a); i++ {
		if a[i] != nil {
			return fmt.Errorf("heap slot %d past the end is not cleared", i)
		}
	}
	return nil
}

// Counts returns the base's event and active counters.
func (b *Base) Counts() (nEvents, nActive int) { return int(b.c.NEvents), int(b.c.NActive) }

// SigWatch returns the internal signal-pipe watcher, or nil.
func (b *Base) SigWatch() *Event { return b.sigWatch }

// FdMask returns the aggregate interest registered for fd.
func (b *Base) FdMask(fd int) int16 {
	if fd < 0 || fd >= int(b.c.Nfds) {
		return 0
	}
	return b.fdTab()[fd].mask
}

// FdTableLen returns the size of the fd table.
func (b *Base) FdTableLen() int { return int(b.c.Nfds) }

// CheckInvariants verifies every list, the heap and the counters of b.
func (b *Base) CheckInvariants() error {
	if err := checkHeap(&b.heap); err != nil {
		return err
	}
	nEvents := 0
	count := func(ev *Event) {
		if ev.Flags&EVLIST_INTERNAL == 0 {
			nEvents++
		}
	}
	for i := 0; i < b.heap.len(); i++ {
		ev := b.heap.at(i)
		if ev.Flags&EVLIST_TIMEOUT == 0 {
			return fmt.Errorf("event %p in heap without EVLIST_TIMEOUT", unsafe.Pointer(ev))
		}
		count(ev)
	}
	for ci, ct := range b.commons {
		live := 0
		var last *Event
		if ct.head > len(ct.q) || (ct.head < len(ct.q) && ct.q[ct.head] == nil) {
			return fmt.Errorf("common queue %d: head %d not at a live event", ci, ct.head)
		}
		for i, ev := range ct.q {
			if ev == nil {
				continue
			}
			if i < ct.head {
				return fmt.Errorf("common queue %d: event before head", ci)
			}
			if int(ev.HeapIdx) != i || int(ev.CommonIdx) != ci+1 || ev.Flags&EVLIST_TIMEOUT == 0 {
				return fmt.Errorf("common queue %d: event at %d has HeapIdx %d CommonIdx %d flags %#x", ci, i, ev.HeapIdx, ev.CommonIdx, ev.Flags)
			}
			if last != nil && ev.Timeout.less(last.Timeout) {
				return fmt.Errorf("common queue %d: deadlines out of order at %d", ci, i)
			}
			last = ev
			live++
			count(ev)
		}
		if live != ct.n {
			return fmt.Errorf("common queue %d: %d live, counted %d", ci, ct.n, live)
		}
		if f := ct.first(); f != nil && ct.timer.Flags&(EVLIST_TIMEOUT|EVLIST_ACTIVE) == 0 {
			return fmt.Errorf("common queue %d: events queued but its timer is idle", ci)
		}
	}
	for i := 0; i < b.heap.len(); i++ {
		if ev := b.heap.at(i); ev.CommonIdx != 0 {
			return fmt.Errorf("heap event with CommonIdx %d", ev.CommonIdx)
		}
	}
	nActive := 0
	for pri := range b.queues() {
		q := &b.queues()[pri]
		var prev *Event
		for ev := q.head; ev != nil; ev = ev.ActiveNext {
			if ev.ActivePrev != prev {
				return fmt.Errorf("active queue %d: bad prev link", pri)
			}
			if ev.Flags&EVLIST_ACTIVE == 0 || int(ev.Pri) != pri {
				return fmt.Errorf("active queue %d: event flags %#x pri %d", pri, ev.Flags, ev.Pri)
			}
			nActive++
			count(ev)
			prev = ev
		}
		if q.tail != prev {
			return fmt.Errorf("active queue %d: bad tail", pri)
		}
	}
	if nActive != int(b.c.NActive) {
		return fmt.Errorf("nActive %d, counted %d", b.c.NActive, nActive)
	}
	for fd := range b.fdTab() {
		e := &b.fdTab()[fd]
		var x fdEntry
		var prev *Event
		for ev := e.head; ev != nil; ev = ev.IoNext {
			if ev.IoPrev != prev {
				return fmt.Errorf("fd %d: bad prev link", fd)
			}
			if int(ev.Fd) != fd || ev.Flags&EVLIST_INSERTED == 0 {
				return fmt.Errorf("fd %d: event with fd %d flags %#x", fd, ev.Fd, ev.Flags)
			}
			x.count(ev.Events, 1)
			count(ev)
			prev = ev
		}
		if x.want() != e.want() || e.want() != e.mask {
			return fmt.Errorf("fd %d: counted interest %#x, kept %#x, registered %#x", fd, x.want(), e.want(), e.mask)
		}
	}
	for sig, h := range b.sigs {
		var prev *Event
		for ev := h; ev != nil; ev = ev.IoNext {
			if ev.IoPrev != prev || int(ev.Fd) != sig || ev.Flags&EVLIST_INSERTED == 0 {
				return fmt.Errorf("signal %d: bad list", sig)
			}
			count(ev)
			prev = ev
		}
	}
	if nEvents != int(b.c.NEvents) {
		return fmt.Errorf("nEvents %d, counted %d", b.c.NEvents, nEvents)
	}
	return nil
}

// EpollFd returns the epoll instance's fd, or -1 for another backend.
func (b *Base) EpollFd() int {
	if e, ok := b.be.(*epollBackend); ok {
		return e.epfd
	}
	return -1
}

// HeapAt returns the event at position i of the heap's array.
func (t *TimerHeap) HeapAt(i int) *Event { return t.h.at(i) }

// CommonQueue returns the live events of common-timeout queue i in order.
func (b *Base) CommonQueue(i int) []*Event {
	var out []*Event
	for _, ev := range b.commons[i].q {
		if ev != nil {
			out = append(out, ev)
		}
	}
	return out
}

// RunCommon fires common-timeout queue i's timer callback now.
func (b *Base) RunCommon(i int) { b.commons[i].fire() }

// Activate and RemoveActive are the core's half of the active queues.
func (b *Base) Activate(ev *Event, res, ncalls int16) { b.activate(ev, res, ncalls) }
func (b *Base) RemoveActive(ev *Event)                { b.removeActive(ev) }

// Queue returns the events of priority pri's active queue, in order.
func (b *Base) Queue(pri int) []*Event {
	var r []*Event
	for ev := b.queues()[pri].head; ev != nil; ev = ev.ActiveNext {
		r = append(r, ev)
	}
	return r
}

// RunnableInC reports the core's and run.c's verdicts on ev.
func (b *Base) RunnableInC(ev *Event) (goSide, cSide bool) {
	return b.runnableInC(ev), runInCTest(b, ev)
}

// SetRunningPri sets the priority a pass is running (activation reads it)
// and returns the base's rescan flag.
func (b *Base) SetRunningPri(pri int32) { b.c.RunningPri = pri }
func (b *Base) Cont() bool              { return b.c.Cont != 0 }

// The fd table entry's layout, for the layout test.
const FdEntrySize = fdEntrySize

var FdEntryMaskOffset = int(unsafe.Offsetof(fdEntry{}.mask))

// Offsets in loopResume, for the layout test.
var (
	ResumeCountOffset = unsafe.Offsetof(loopResume{}.Count)
	ResumeGrowOffset  = unsafe.Offsetof(loopResume{}.Grow)
)

// LoopCOnly runs run.c's loop alone: its result, and where it handed the
// loop over (meaningful when the result is LoopResumeRC).
func (b *Base) LoopCOnly(flags int) (int, int) {
	r := b.loopC(flags)
	return r, int(b.c.Resume.Where)
}

const LoopResumeRC = loopResumeRC
const LoopBackRC = loopBackRC

// Running reports whether a loop runs on b (struct event_base's running).
func (b *Base) Running() bool { return b.c.Running != 0 }

// NoIdleHook makes run.c's loops keep their waits (SetWaitInGoAfter(0)) and
// the idle trim find nothing to do (its lock held) until the test ends.
func NoIdleHook(t testing.TB) {
	saved := waitInGoAfter()
	SetWaitInGoAfter(0)
	memIdle.mu.Lock()
	t.Cleanup(func() {
		memIdle.mu.Unlock()
		SetWaitInGoAfter(saved)
	})
}

// LoopCCont runs run.c's loop on with a loop LoopResume handed back.
func (b *Base) LoopCCont(flags int) (int, int) {
	r := b.loopC(flags | loopCont)
	return r, int(b.c.Resume.Where)
}

// EpollMax is the number of events the epoll backend's buffer holds.
func (b *Base) EpollMax() int { return int(b.c.EpMax) }

// ReadSysctlInt is readSysctlInt (the fd cap's reader).
func ReadSysctlInt(path string) int { return readSysctlInt(path) }
