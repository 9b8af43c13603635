package reactor

import (
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/svc"
)

// fdEntry is one slot of the fd table (struct gev_fdent): the fd's events
// (an intrusive list through IoNext/IoPrev, newest first as in libevent) and
// how many of them want each condition. The counts are 16-bit, as libevent's
// (evmap_io), which refuses a 65 536th reader, writer or closer on one fd:
// 24 bytes a slot. The table is C-visible memory described by struct
// event_base's fds/nfds, because on an epoll base the C layer adds and
// deletes I/O events too, and the loop's C code (run.c) activates and
// deletes them (capi/iomap.h, the same rules). Only this side allocates it.
type fdEntry struct {
	head                *Event
	nread, nwrite, ncls uint16
	net                 uint16 // events with EV_ET
	mask                int16  // aggregate interest the backend was last told
	_                   int16
	_                   int32
}

// full reports whether one more event ev on the fd would pass a count's
// limit (libevent: "Too many events reading or writing on fd").
func (e *fdEntry) full(events int16) bool {
	const max = 0xffff
	return events&EV_READ != 0 && e.nread == max || events&EV_WRITE != 0 && e.nwrite == max ||
		events&EV_CLOSED != 0 && e.ncls == max || events&EV_ET != 0 && e.net == max
}

const fdEntrySize = int(unsafe.Sizeof(fdEntry{}))

// fdTab views the fd table (nil before the first I/O event).
func (b *Base) fdTab() []fdEntry {
	if b.c.Fds == nil {
		return nil
	}
	return unsafe.Slice(b.c.Fds, b.c.Nfds)
}

// want is the aggregate interest of the fd's events.
func (e *fdEntry) want() int16 {
	var m int16
	if e.nread > 0 {
		m |= EV_READ
	}
	if e.nwrite > 0 {
		m |= EV_WRITE
	}
	if e.ncls > 0 {
		m |= EV_CLOSED
	}
	if m != 0 && e.net > 0 {
		m |= EV_ET
	}
	return m
}

func (e *fdEntry) count(events int16, n int) {
	d := uint16(n) // -1 wraps to a decrement
	if events&EV_READ != 0 {
		e.nread += d
	}
	if events&EV_WRITE != 0 {
		e.nwrite += d
	}
	if events&EV_CLOSED != 0 {
		e.ncls += d
	}
	if events&EV_ET != 0 {
		e.net += d
	}
}

// apply tells the backend that fd's interest goes from old to mask.
func (b *Base) apply(fd int, old, mask int16) error {
	switch {
	case old == mask:
		return nil
	case old == 0:
		return b.be.add(fd, mask)
	case mask == 0:
		return b.be.del(fd, old)
	default:
		return b.be.mod(fd, old, mask)
	}
}

// ioAdd puts an I/O event in its fd's list, registering the fd's new
// interest with the backend when it changed. A negative fd is accepted and
// watches nothing, as in libevent.
func (b *Base) ioAdd(ev *Event) int {
	fd := int(ev.Fd)
	if fd < 0 {
		return 0
	}
	if fd >= int(b.c.Nfds) {
		return b.ioAddBeyond(ev, fd)
	}
	e := &b.fdTab()[fd]
	if b.debugMode && e.head != nil && (e.head.Events^ev.Events)&EV_ET != 0 {
		svc.Warnf("event_add: tried to mix edge-triggered and non-edge-triggered events on fd %d", fd)
		return -1
	}
	if e.full(ev.Events) {
		svc.Warnf("event_add: too many events reading or writing on fd %d", fd)
		return -1
	}
	e.count(ev.Events, 1)
	want := e.want()
	if want != e.mask {
		if err := b.apply(fd, e.mask, want); err != nil {
			e.count(ev.Events, -1)
			svc.Warnf("event_add: %s: %v", b.be.name(), err)
			return -1
		}
		e.mask = want
	}
	ev.IoPrev = nil
	ev.IoNext = e.head
	if e.head != nil {
		e.head.IoPrev = ev
	}
	e.head = ev
	return 0
}

// ioDel takes an I/O event out of its fd's list and updates the backend.
func (b *Base) ioDel(ev *Event) int {
	fd := int(ev.Fd)
	if fd < 0 || fd >= int(b.c.Nfds) {
		return 0
	}
	e := b.ioUnlink(ev)
	want := e.want()
	if want != e.mask {
		old := e.mask
		e.mask = want
		if err := b.apply(fd, old, want); err != nil {
			svc.Warnf("event_del: %s: %v", b.be.name(), err)
			return -1
		}
	}
	return 0
}

// ioUnlink takes ev out of its fd's list and counts without telling the
// backend, and returns the fd's entry.
func (b *Base) ioUnlink(ev *Event) *fdEntry {
	e := &b.fdTab()[ev.Fd]
	if ev.IoPrev != nil {
		ev.IoPrev.IoNext = ev.IoNext
	} else if e.head == ev {
		e.head = ev.IoNext
	}
	if ev.IoNext != nil {
		ev.IoNext.IoPrev = ev.IoPrev
	}
	ev.IoNext, ev.IoPrev = nil, nil
	e.count(ev.Events, -1)
	if e.head == nil && e.mask == 0 {
		*e = fdEntry{}
	}
	return e
}

// ioAddBeyond is ioAdd for an fd past the table: the backend is asked
// first, so that an fd epoll refuses (closed, never open) fails as in
// libevent without growing the table for it.
func (b *Base) ioAddBeyond(ev *Event, fd int) int {
	if fd >= b.maxFd {
		svc.Warnf("event_add: fd %d can never be open (the limit is %d)", fd, b.maxFd)
		return -1
	}
	var probe fdEntry
	probe.count(ev.Events, 1)
	want := probe.want()
	if err := b.be.add(fd, want); err != nil {
		svc.Warnf("event_add: %s: %v", b.be.name(), err)
		return -1
	}
	b.growFds(fd)
	b.fdTab()[fd].mask = want
	return b.ioAdd(ev) // counts and links; the interest is registered already
}

// growFds extends the fd table to hold fd (< b.maxFd): it doubles up to
// 4096 entries, then grows by an eighth (rounded to 256 entries), so that a
// server's table is at most ~1/8 larger than its highest fd: with 10 000
// connections, 11 520 entries (270 KiB) instead of 16 384. Descriptors come
// in order, so the copies stay amortised O(1) per fd.
func (b *Base) growFds(fd int) {
	old := int(b.c.Nfds)
	n := old
	for n <= fd {
		switch {
		case n < 64:
			n = 64
		case n < 4096:
			n *= 2
		default:
			n = (n + n/8 + 255) &^ 255
		}
	}
	if n > b.maxFd {
		n = b.maxFd
	}
	p := cmem.Grow(unsafe.Pointer(b.c.Fds), old*fdEntrySize, n*fdEntrySize)
	if p == nil {
		panic("fd table: out of memory")
	}
	b.c.Fds = (*fdEntry)(p)
	b.c.Nfds = int32(n) // the new entries are zero: no events
}

// freeFds releases the fd table (every event is out of it).
func (b *Base) freeFds() {
	if b.c.Fds != nil {
		cmem.Free(unsafe.Pointer(b.c.Fds), int(b.c.Nfds)*fdEntrySize)
	}
	b.c.Fds, b.c.Nfds = nil, 0
}

// ioReady activates the events of fd that wait for a condition in what
// (called by the backend during wait).
func (b *Base) ioReady(fd int, what int16) {
	if fd < 0 || fd >= int(b.c.Nfds) {
		return
	}
	for ev := b.fdTab()[fd].head; ev != nil; ev = ev.IoNext {
		if ev.Events&(what&^EV_ET) != 0 {
			b.activate(ev, ev.Events&what, 1)
		}
	}
}

// sigAdd puts a signal event in its signal's list and makes sure the
// signal pipe is watched.
//
// Handler bookkeeping (gev_internal.h): the C layer installs its sigaction
// handler for a C event (closures 0-2) before forwarding the event_add, so
// here only Go-side signal events (ClosureGo, added by core code) install it.
// Every signal event that leaves the map releases one reference (sigDel),
// whoever installed it.
func (b *Base) sigAdd(ev *Event) int {
	sig := int(ev.Fd)
	if sig <= 0 || sig >= nsig {
		svc.Warnf("event_add: signal number %d is out of range", sig)
		return -1
	}
	installed := false
	if ev.Closure == ClosureGo {
		if svc.SigInstall(b.C(), sig) != 0 {
			svc.Warnf("event_add: cannot install a handler for signal %d", sig)
			return -1
		}
		installed = true
	}
	if b.c.SigRfd < 0 {
		svc.Warnf("event_add: signal %d: the base has no signal pipe", sig)
		if installed {
			svc.SigRelease(b.C(), sig)
		}
		return -1
	}
	if b.watchSignals() != 0 {
		if installed {
			svc.SigRelease(b.C(), sig)
		}
		return -1
	}
	ev.IoPrev = nil
	ev.IoNext = b.sigs[sig]
	if ev.IoNext != nil {
		ev.IoNext.IoPrev = ev
	}
	b.sigs[sig] = ev
	return 0
}

// sigDel takes a signal event out of its signal's list and drops its
// reference to the C handler.
func (b *Base) sigDel(ev *Event) {
	sig := int(ev.Fd)
	if sig <= 0 || sig >= nsig {
		return
	}
	if ev.IoPrev != nil {
		ev.IoPrev.IoNext = ev.IoNext
	} else if b.sigs[sig] == ev {
		b.sigs[sig] = ev.IoNext
	}
	if ev.IoNext != nil {
		ev.IoNext.IoPrev = ev.IoPrev
	}
	ev.IoNext, ev.IoPrev = nil, nil
	svc.SigRelease(b.C(), sig)
}

func (b *Base) hasSignalEvents() bool {
	for _, h := range b.sigs {
		if h != nil {
			return true
		}
	}
	return false
}

// insertMapped registers an event in the fd or signal map and marks it
// EVLIST_INSERTED (event_queue_insert_inserted after evmap_*_add_).
func (b *Base) insertMapped(ev *Event) int {
	var res int
	switch {
	case ev.Events&(EV_READ|EV_WRITE|EV_CLOSED) != 0:
		res = b.ioAdd(ev)
	case ev.Events&EV_SIGNAL != 0:
		res = b.sigAdd(ev)
	default:
		return 0
	}
	if res == 0 {
		ev.Flags |= EVLIST_INSERTED
		b.countEvent(ev, 1)
	}
	return res
}

func (b *Base) countEvent(ev *Event, d int) {
	if ev.Flags&EVLIST_INTERNAL == 0 {
		c := b.c
		c.NEvents += int32(d)
		if c.NEvents > c.MaxEvents {
			c.MaxEvents = c.NEvents
		}
	}
}

// insertTimeout queues ev by its deadline: in its common-timeout queue when
// ev.CommonIdx says so, else in the heap.
func (b *Base) insertTimeout(ev *Event) {
	ev.Flags |= EVLIST_TIMEOUT
	b.countEvent(ev, 1)
	if ev.CommonIdx > 0 && int(ev.CommonIdx) <= len(b.commons) {
		b.commons[ev.CommonIdx-1].insert(ev)
		return
	}
	ev.CommonIdx = 0
	b.heap.push(ev)
}

func (b *Base) removeTimeout(ev *Event) {
	if ev.CommonIdx > 0 && int(ev.CommonIdx) <= len(b.commons) {
		b.commons[ev.CommonIdx-1].remove(ev)
	} else {
		b.heap.remove(ev)
	}
	ev.Flags &^= EVLIST_TIMEOUT
	b.countEvent(ev, -1)
}

// gettime returns the loop's cached time (kept in the C struct, where
// event_base_gettimeofday_cached reads it), or reads the clock.
func (b *Base) gettime() Timeval {
	if b.c.TvCache.Sec != 0 {
		return b.c.TvCache
	}
	return NowMonotonic()
}

// updateCache is libevent's update_time_cache: the cache holds now, or
// nothing with EVENT_BASE_FLAG_NO_CACHE_TIME.
func (b *Base) updateCache() {
	b.c.TvCache = Timeval{}
	if b.c.Flags&EVENT_BASE_FLAG_NO_CACHE_TIME == 0 {
		b.c.TvCache = NowMonotonic()
	}
}

// checkEvent reports whether ev belongs to b, logging why not (fn names the
// public function).
func (b *Base) checkEvent(fn string, ev *Event) bool {
	if ev.Base == nil {
		svc.Warnf("%s: event has no event_base set", fn)
		return false
	}
	if ev.Base != unsafe.Pointer(b.c) {
		svc.Warnf("%s: event belongs to another event_base", fn)
		return false
	}
	return true
}

// Add is event_add: make ev pending on its fd or signal, with a timeout of
// tv from now if tv is not nil (nil keeps an existing timeout). It returns 0,
// or -1 with a logged warning.
func (b *Base) Add(ev *Event, tv *Timeval) int {
	if ev == nil {
		svc.Warnf("event_add: event is NULL")
		return -1
	}
	if !b.checkEvent("event_add", ev) {
		return -1
	}
	if b.dead {
		svc.Warnf("event_add: the event_base was freed")
		return -1
	}
	if tv == nil {
		return b.add(ev, nil, false)
	}
	t := *tv
	return b.add(ev, &t, false)
}

// add is event_add_nolock_. With abs, tv is an absolute deadline (persist
// re-arming); otherwise it is relative to now.
func (b *Base) add(ev *Event, tv *Timeval, abs bool) int {
	if ev.Flags&^EVLIST_ALL != 0 {
		svc.Warnf("event_add: event has invalid flags %#x", uint16(ev.Flags))
		return -1
	}
	if ev.Flags&EVLIST_FINALIZING != 0 {
		return -1
	}
	if ev.Events&EV_SIGNAL != 0 && ev.Events&(EV_READ|EV_WRITE|EV_CLOSED) != 0 {
		svc.Warnf("event_add: EV_SIGNAL is not compatible with EV_READ, EV_WRITE or EV_CLOSED (events %#x)", uint16(ev.Events))
		return -1
	}
	// The timeout's queue: the heap, or a common-timeout queue when tv is
	// a value event_base_init_common_timeout returned (checked before any
	// change, so that a bad one changes nothing).
	var d Timeval
	cidx := int32(0)
	if tv != nil {
		d = *tv
		if abs {
			cidx = ev.CommonIdx
		} else if tv.Usec&commonMask == commonMagic {
			ct := b.commonOf(tv)
			if ct == nil {
				svc.Warnf("event_add: timeout {%d, %#x} looks like a common timeout but is not one of this event_base's", tv.Sec, tv.Usec)
				return -1
			}
			d = ct.dur
			cidx = int32(ct.idx + 1)
		}
	}
	res := 0
	if ev.Events&(EV_READ|EV_WRITE|EV_CLOSED|EV_SIGNAL) != 0 &&
		ev.Flags&(EVLIST_INSERTED|EVLIST_ACTIVE|EVLIST_ACTIVE_LATER) == 0 {
		res = b.insertMapped(ev)
	}
	if res != 0 || tv == nil {
		return res
	}
	if !abs && persistClosure(ev) {
		ev.RelTimeout = d.usec()
	}
	if ev.Flags&EVLIST_TIMEOUT != 0 {
		b.removeTimeout(ev)
	}
	ev.CommonIdx = cidx
	// A pending activation by the old timeout is cancelled by the new one.
	if ev.Flags&EVLIST_ACTIVE != 0 && ev.Res&EV_TIMEOUT != 0 {
		if ev.Events&EV_SIGNAL != 0 && b.sigCur == ev {
			b.sigAbort = true
		}
		b.removeActive(ev)
	}
	if abs {
		ev.Timeout = d
	} else {
		ev.Timeout = b.gettime().addUsec(d.usec())
	}
	b.insertTimeout(ev)
	return 0
}

// persistClosure reports whether ev re-arms its timeout before each run
// (libevent's EV_CLOSURE_EVENT_PERSIST; for Go handlers, EV_PERSIST without
// EV_SIGNAL).
func persistClosure(ev *Event) bool {
	switch ev.Closure {
	case ClosurePersist:
		return true
	case ClosureGo:
		return ev.Events&(EV_PERSIST|EV_SIGNAL) == EV_PERSIST
	}
	return false
}

// Del is event_del: ev is no longer pending nor active. It returns 0 (-1
// with a logged warning when ev has no base or the backend failed).
func (b *Base) Del(ev *Event) int {
	if ev == nil {
		svc.Warnf("event_del: event is NULL")
		return -1
	}
	if !b.checkEvent("event_del", ev) {
		return -1
	}
	if b.dead {
		return 0
	}
	return b.del(ev)
}

// del is event_del_nolock_.
func (b *Base) del(ev *Event) int {
	if ev.Flags&EVLIST_FINALIZING != 0 {
		return 0
	}
	if ev.Events&EV_SIGNAL != 0 && b.sigCur == ev {
		// Stop the callback loop of this signal in progress. (The loop
		// itself deletes a non-persistent signal event before it starts:
		// that keeps ev_ncalls.)
		b.sigAbort = true
		ev.Ncalls = 0
	}
	if ev.Flags&EVLIST_TIMEOUT != 0 {
		b.removeTimeout(ev)
	}
	if ev.Flags&EVLIST_ACTIVE != 0 {
		b.removeActive(ev)
	}
	res := 0
	if ev.Flags&EVLIST_INSERTED != 0 {
		ev.Flags &^= EVLIST_INSERTED
		b.countEvent(ev, -1)
		if ev.Events&(EV_READ|EV_WRITE|EV_CLOSED) != 0 {
			res = b.ioDel(ev)
		} else {
			b.sigDel(ev)
		}
	}
	return res
}

// Active is event_active: make ev active with result res; for a signal
// event its callback will run ncalls times.
func (b *Base) Active(ev *Event, res int16, ncalls int16) {
	if ev == nil {
		svc.Warnf("event_active: event is NULL")
		return
	}
	if !b.checkEvent("event_active", ev) || b.dead {
		return
	}
	b.activate(ev, res, ncalls)
}

// AssignGo prepares ev (C memory) like event_assign with a Go handler:
// closure GEV_CLOSURE_GO, ev_arg = id, default priority.
func (b *Base) AssignGo(ev *Event, fd int, events int16, id uintptr) {
	if events&EV_SIGNAL != 0 && events&(EV_READ|EV_WRITE|EV_CLOSED) != 0 {
		svc.Warnf("event_assign: EV_SIGNAL is not compatible with EV_READ, EV_WRITE or EV_CLOSED")
	}
	ev.ActiveNext, ev.ActivePrev = nil, nil
	ev.Flags = EVLIST_INIT
	npri := b.c.NPriorities
	if npri < 1 {
		npri = 1
	}
	ev.Pri = uint8(npri / 2)
	ev.Closure = ClosureGo
	ev.Callback = nil
	ev.Arg = id
	ev.HeapIdx = -1
	ev.RelTimeout = -1
	ev.Fd = int32(fd)
	ev.Base = unsafe.Pointer(b.c)
	ev.IoNext, ev.IoPrev = nil, nil
	ev.Ncalls = 0
	ev.Pncalls = 0
	ev.Events = events
	ev.Res = 0
	ev.Timeout = Timeval{}
}

// baseOf resolves ev's base for the package-level entry points, logging why
// it cannot (fn names the public function).
func baseOf(fn string, ev *Event) *Base {
	if ev == nil {
		svc.Warnf("%s: event is NULL", fn)
		return nil
	}
	if ev.Base == nil {
		svc.Warnf("%s: event has no event_base set", fn)
		return nil
	}
	b := FromC(ev.Base)
	if b == nil {
		svc.Warnf("%s: the event's event_base %p is not live", fn, ev.Base)
	}
	return b
}

// EventAdd is event_add on an event of any adopted base.
func EventAdd(ev *Event, tv *Timeval) int {
	b := baseOf("event_add", ev)
	if b == nil {
		return -1
	}
	return b.Add(ev, tv)
}

// EventDel is event_del on an event of any adopted base.
func EventDel(ev *Event) int {
	b := baseOf("event_del", ev)
	if b == nil {
		return -1
	}
	return b.Del(ev)
}

// EventActive is event_active on an event of any adopted base.
func EventActive(ev *Event, res int16, ncalls int16) {
	if b := baseOf("event_active", ev); b != nil {
		b.Active(ev, res, ncalls)
	}
}
