// Package cevent is the reactor event the extras (evdns, evhttp) own: C
// memory (the loop links it into its lists) with a Go handler registered for
// it alone, so that the handler finds its owner without a lookup.
package cevent

import (
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/svc"
	"goevent/reactor"
)

// Event is one such event; the zero value is unassigned.
type Event struct {
	ev *reactor.Event
	id uintptr
	rb *reactor.Base
}

// Init assigns e on rb (fd -1 for a timer) with events and handler h. The
// memory and the handler id are taken once and kept across Init calls.
func (e *Event) Init(rb *reactor.Base, fd int, events int16, h reactor.Handler) bool {
	if e.ev == nil {
		p := cmem.Alloc(reactor.EventSize)
		if p == nil {
			return false
		}
		e.ev = reactor.EventAt(p)
	}
	if e.id == 0 {
		e.id = reactor.RegisterHandler(h)
		if e.id == 0 {
			cmem.Free(unsafe.Pointer(e.ev), reactor.EventSize)
			e.ev = nil
			return false
		}
	}
	e.rb = rb
	rb.AssignGo(e.ev, fd, events, e.id)
	return true
}

// Assigned reports whether e has its memory and handler (Init succeeded once).
func (e *Event) Assigned() bool { return e.ev != nil }

// Reassign changes the interest of an I/O event (deleting it first, as
// event_del + event_assign do) and adds it again.
func (e *Event) Reassign(fd int, events int16) int {
	if e.ev == nil {
		return -1
	}
	e.rb.Del(e.ev)
	e.rb.AssignGo(e.ev, fd, events, e.id)
	return e.rb.Add(e.ev, nil)
}

// Add adds e with timeout tv (nil: none); -1 if e was never assigned.
func (e *Event) Add(tv *reactor.Timeval) int {
	if e.ev == nil {
		return -1
	}
	return e.rb.Add(e.ev, tv)
}

// Del deletes e if it is pending.
func (e *Event) Del() {
	if e.Pending() {
		e.rb.Del(e.ev)
	}
}

// Pending reports whether e is added (or active).
func (e *Event) Pending() bool {
	return e.ev != nil && e.ev.Flags&(reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT|reactor.EVLIST_ACTIVE) != 0
}

// Activate makes e active now (a deferred callback).
func (e *Event) Activate() {
	e.rb.Active(e.ev, reactor.EV_TIMEOUT, 1)
}

// Free deletes e and releases its memory and handler id.
func (e *Event) Free() {
	if e.ev == nil {
		return
	}
	e.Del()
	reactor.UnregisterHandler(e.id)
	cmem.Free(unsafe.Pointer(e.ev), reactor.EventSize)
	e.ev, e.id = nil, 0
}

// Pkg names the package a Func serves, for the panic guard's log line: a
// zero-size type with a Name method.
type Pkg interface{ Name() string }

// Func adapts a function to reactor.Handler, with the panic guard every
// handler needs (a panic must not cross into the loop's C caller).
type Func[P Pkg] func(res int16)

func (f Func[P]) HandleEvent(_ *reactor.Event, res int16) {
	defer recoverIn[P]()
	f(res)
}

func recoverIn[P Pkg]() {
	if r := recover(); r != nil {
		var p P
		svc.Logf(svc.LogErr, "%s: internal error in the goevent core: %v", p.Name(), r)
	}
}
