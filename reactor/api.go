package reactor

import (
	"unsafe"

	"goevent/internal/svc"
)

// Entry points of event.h beyond add/del/active/loop: priorities, counts,
// iteration, activation by fd or signal, timers, finalizers.

// PriorityInit is event_base_priority_init: refused (-1) while any callback
// is active or when n is outside [1, EVENT_MAX_PRIORITIES).
func (b *Base) PriorityInit(n int) int {
	if b.dead || b.c.NActive > 0 || n < 1 || n >= EVENT_MAX_PRIORITIES {
		return -1
	}
	if n != int(b.c.ActiveqN) && !b.allocQueues(n) {
		return -1
	}
	b.c.NPriorities = int32(n)
	return 0
}

// LoopContinue is event_base_loopcontinue: after the running callback the
// loop rescans the queues from the most urgent priority.
func (b *Base) LoopContinue() int {
	b.c.Cont = 1
	return 0
}

// RunningEvent is event_base_get_running_event: the event whose callback is
// running, or nil (outside callbacks, and in finalizers).
func (b *Base) RunningEvent() *Event { return b.c.Current }

// NumEvents is event_base_get_num_events; with max, event_base_get_max_events
// (clear resets the high-water marks it reports).
func (b *Base) NumEvents(typ uint, max, clear bool) int {
	r := 0
	if typ&EVENT_BASE_COUNT_ACTIVE != 0 {
		r += countOrPeak(b.c.NActive, &b.c.MaxActive, max, clear)
	}
	// EVENT_BASE_COUNT_VIRTUAL: goevent has no virtual events.
	if typ&EVENT_BASE_COUNT_ADDED != 0 {
		r += countOrPeak(b.c.NEvents, &b.c.MaxEvents, max, clear)
	}
	return r
}

// countOrPeak is one counter of NumEvents: the current count, or with max the
// high-water mark (reset to 0 with clear).
func countOrPeak[T int | int32](cur T, peak *T, max, clear bool) int {
	if !max {
		return int(cur)
	}
	r := *peak
	if clear {
		*peak = 0
	}
	return int(r)
}

// Foreach is event_base_foreach_event: fn (a C callback) sees every event of
// the base once, in libevent's order: the fd map by fd, the signal map by
// signal, then timeouts not seen yet (heap, common-timeout queues), then
// active events not seen yet, by priority. A non-zero return stops the walk
// and is returned. fn must not add, delete or activate events.
func (b *Base) Foreach(fn unsafe.Pointer, arg uintptr) int {
	if b.dead {
		return -1
	}
	base := unsafe.Pointer(b.c)
	for fd := 0; fd < int(b.c.Nfds); fd++ { // fn may (wrongly) change the table: re-read it
		for ev := b.fdTab()[fd].head; ev != nil; ev = ev.IoNext {
			if r := callForeach(fn, base, ev, arg); r != 0 {
				return r
			}
		}
	}
	for s := range b.sigs {
		for ev := b.sigs[s]; ev != nil; ev = ev.IoNext {
			if r := callForeach(fn, base, ev, arg); r != 0 {
				return r
			}
		}
	}
	for i := 0; i < b.heap.len(); i++ { // fn may (wrongly) change the heap: re-read it
		ev := b.heap.at(i)
		if ev == nil || ev.Flags&EVLIST_INSERTED != 0 {
			continue
		}
		if r := callForeach(fn, base, ev, arg); r != 0 {
			return r
		}
	}
	for _, ct := range b.commons {
		for i := ct.head; i < len(ct.q); i++ {
			ev := ct.q[i]
			if ev == nil || ev.Flags&EVLIST_INSERTED != 0 {
				continue
			}
			if r := callForeach(fn, base, ev, arg); r != 0 {
				return r
			}
		}
	}
	for pri := 0; pri < int(b.c.ActiveqN); pri++ { // fn may (wrongly) change the queues: re-read them
		for ev := b.queues()[pri].head; ev != nil; ev = ev.ActiveNext {
			if ev.Flags&(EVLIST_INIT|EVLIST_INSERTED|EVLIST_TIMEOUT) != EVLIST_INIT {
				continue
			}
			if r := callForeach(fn, base, ev, arg); r != 0 {
				return r
			}
		}
	}
	return 0
}

// ActiveByFd is event_base_active_by_fd: without EV_TIMEOUT in events, the
// fd's events that wait for one of events become active with it; with
// EV_TIMEOUT, every event with a timeout on fd becomes active with
// EV_TIMEOUT.
func (b *Base) ActiveByFd(fd int, events int16) {
	if b.dead {
		return
	}
	if events&EV_TIMEOUT == 0 {
		b.ioReady(fd, events&(EV_READ|EV_WRITE|EV_CLOSED))
		return
	}
	for i := 0; i < b.heap.len(); i++ {
		if ev := b.heap.at(i); int(ev.Fd) == fd {
			b.activate(ev, EV_TIMEOUT, 1)
		}
	}
	for _, ct := range b.commons {
		for i := ct.head; i < len(ct.q); i++ {
			if ev := ct.q[i]; ev != nil && int(ev.Fd) == fd {
				b.activate(ev, EV_TIMEOUT, 1)
			}
		}
	}
}

// ActiveBySignal is event_base_active_by_signal: sig's events become active
// as if it had been caught once.
func (b *Base) ActiveBySignal(sig int) {
	if b.dead || sig <= 0 || sig >= nsig {
		return
	}
	for ev := b.sigs[sig]; ev != nil; ev = ev.IoNext {
		b.activate(ev, EV_SIGNAL, 1)
	}
}

// RemoveTimer is event_remove_timer: ev loses its timeout (and a persistent
// event its re-arming interval) and keeps its I/O or signal interest.
func (b *Base) RemoveTimer(ev *Event) int {
	if ev.Flags&EVLIST_TIMEOUT != 0 {
		b.removeTimeout(ev)
		ev.RelTimeout = -1
	}
	return 0
}

// memFree is the C layer's free function, for event_free_finalize.
var memFree unsafe.Pointer

// Finalize is event_finalize (event_free_finalize with free): ev is deleted
// at once and its finalizer cb (void (*)(struct event *, void *)) runs from
// the loop, or from event_base_free; with free, freefn (the C layer's free)
// releases ev afterwards. A finalizing event cannot be added, deleted or
// activated again.
func (b *Base) Finalize(ev *Event, cb unsafe.Pointer, free bool, freefn unsafe.Pointer) int {
	if b.dead {
		return -1
	}
	if free {
		memFree = freefn
	}
	b.del(ev)
	if free {
		ev.Closure = ClosureFinalizeFree
	} else {
		ev.Closure = ClosureFinalize
	}
	ev.Callback = cb
	b.activate(ev, EV_FINALIZE, 1)
	ev.Flags |= EVLIST_FINALIZING
	return 0
}

// runFinalizer calls ev's finalizer (ev is off every queue) and frees ev for
// event_free_finalize.
func (b *Base) runFinalizer(ev *Event) {
	closure := ev.Closure
	if ev.Callback != nil {
		callFinalize(ev.Callback, ev, ev.Arg)
	}
	if closure == ClosureFinalizeFree {
		if memFree != nil {
			callFree(memFree, unsafe.Pointer(ev))
		} else {
			svc.Warnf("event_free_finalize: no free function; event %p leaked", unsafe.Pointer(ev))
		}
	}
}
