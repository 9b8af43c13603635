package reactor

import (
	"unsafe"

	"goevent/internal/cmem"
)

// The active queues: one FIFO of events per priority, linked through
// ActiveNext/ActivePrev. Their heads (an array of evQueue), the counters
// and the pass state that activation reads (NActive, RunningPri, Cont)
// live in struct event_base, in C-visible memory, because the C layer
// inserts too: event_active is answered there without a crossing
// (capi/activeq.h, the same rules), and the loop runs plain C callbacks
// from C (run.c). Only this side allocates the array.

// evQueue mirrors struct gev_evq: the head of an intrusive doubly linked
// list through ActiveNext/ActivePrev.
type evQueue struct{ head, tail *Event }

const evQueueSize = int(unsafe.Sizeof(evQueue{}))

// queues views the active queues (nil before allocQueues and after Free).
func (b *Base) queues() []evQueue {
	if b.c.Activeq == nil {
		return nil
	}
	return unsafe.Slice(b.c.Activeq, b.c.ActiveqN)
}

// allocQueues gives the base n empty queues (n >= 1), replacing any it
// had: only while nothing is active.
func (b *Base) allocQueues(n int) bool {
	p := cmem.Alloc(n * evQueueSize)
	if p == nil {
		return false
	}
	b.freeQueues()
	b.c.Activeq = (*evQueue)(p)
	b.c.ActiveqN = int32(n)
	return true
}

func (b *Base) freeQueues() {
	if b.c.Activeq != nil {
		cmem.Free(unsafe.Pointer(b.c.Activeq), int(b.c.ActiveqN)*evQueueSize)
	}
	b.c.Activeq, b.c.ActiveqN = nil, 0
}

// growPriorities makes room for priority pri (event_base_priority_init may
// have raised npriorities after the base was adopted), keeping the queues.
func (b *Base) growPriorities(pri int) {
	n := int(b.c.NPriorities)
	if n <= pri {
		n = pri + 1
	}
	old := int(b.c.ActiveqN)
	p := cmem.Grow(unsafe.Pointer(b.c.Activeq), old*evQueueSize, n*evQueueSize)
	if p == nil {
		panic("active queues: out of memory")
	}
	b.c.Activeq = (*evQueue)(p)
	b.c.ActiveqN = int32(n) // the new queues are zero: empty
}

// insertActive appends ev to its priority's active queue.
func (b *Base) insertActive(ev *Event) {
	if ev.Flags&EVLIST_ACTIVE != 0 {
		return
	}
	pri := int(ev.Pri)
	if pri >= int(b.c.ActiveqN) {
		b.growPriorities(pri)
	}
	c := b.c
	ev.Flags |= EVLIST_ACTIVE
	b.countEvent(ev, 1)
	c.NActive++
	if c.NActive > c.MaxActive {
		c.MaxActive = c.NActive
	}
	q := &b.queues()[pri]
	ev.ActiveNext = nil
	ev.ActivePrev = q.tail
	if q.tail != nil {
		q.tail.ActiveNext = ev
	} else {
		q.head = ev
	}
	q.tail = ev
}

func (b *Base) removeActive(ev *Event) {
	if ev.Flags&EVLIST_ACTIVE == 0 {
		return
	}
	q := &b.queues()[ev.Pri]
	if ev.ActivePrev != nil {
		ev.ActivePrev.ActiveNext = ev.ActiveNext
	} else {
		q.head = ev.ActiveNext
	}
	if ev.ActiveNext != nil {
		ev.ActiveNext.ActivePrev = ev.ActivePrev
	} else {
		q.tail = ev.ActivePrev
	}
	ev.ActiveNext, ev.ActivePrev = nil, nil
	ev.Flags &^= EVLIST_ACTIVE
	b.countEvent(ev, -1)
	b.c.NActive--
}

// activate is event_active_nolock_ (gev_event_activate in capi/activeq.h).
func (b *Base) activate(ev *Event, res int16, ncalls int16) {
	if ev.Flags&EVLIST_FINALIZING != 0 {
		return
	}
	if ev.Flags&EVLIST_ACTIVE != 0 {
		ev.Res |= res
		return
	}
	ev.Res = res
	if int32(ev.Pri) < b.c.RunningPri {
		b.c.Cont = 1
	}
	if ev.Events&EV_SIGNAL != 0 {
		// A callback loop of ev in progress keeps its own remaining count;
		// this activation runs later with ncalls.
		ev.Ncalls = ncalls
		ev.Pncalls = 0
	}
	b.insertActive(ev)
}

// firstActive returns the first event of the most urgent non-empty queue.
func (b *Base) firstActive() *Event {
	for _, q := range b.queues() {
		if q.head != nil {
			return q.head
		}
	}
	return nil
}

// ActiveGo returns the events on the active queues whose Go handler is id,
// in queue order (event_base_free's callers use it to find work the loop
// would still have run; not for hot paths: it allocates).
func (b *Base) ActiveGo(id uintptr) []*Event {
	var evs []*Event
	for _, q := range b.queues() {
		for ev := q.head; ev != nil; ev = ev.ActiveNext {
			if ev.Closure == ClosureGo && ev.Arg == id {
				evs = append(evs, ev)
			}
		}
	}
	return evs
}
