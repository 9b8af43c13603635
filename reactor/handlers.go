package reactor

import "goevent/internal/slots"

// Handler is the Go side of a ClosureGo event: the core's own events
// (bufferevents, listeners, the signal pipe, loopexit timers) run a Handler
// instead of a C callback. res is the event's ev_res (EV_* bits that fired).
// The handler may add, delete or free ev, including from inside the call;
// after freeing it must not touch ev again, and neither does the loop.
type Handler interface {
	HandleEvent(ev *Event, res int16)
}

// The handler table maps the id stored in ev_arg to its Handler: id = slot
// index + 1, so that 0 never names a handler. Lookups on the dispatch path
// take no lock; registration does (it happens when an object is created,
// not per event).
type hEntry struct{ h Handler }

var handlers slots.Table[hEntry] // ids 1 .. 16Mi-1 (Max set by init: see slots.Table)

func init() { handlers.Max = 1<<24 - 1 }

// RegisterHandler stores h and returns its id (>= 1), to be put in ev_arg
// (see AssignGo). It returns 0 if the table is full.
func RegisterHandler(h Handler) uintptr {
	if h == nil {
		return 0
	}
	idx, ok := handlers.Put(&hEntry{h: h})
	if !ok {
		return 0
	}
	return uintptr(idx) + 1
}

// UnregisterHandler releases id; the id may be handed out again later, so
// every event that carried it must already be deleted.
func UnregisterHandler(id uintptr) {
	if id == 0 || id > 1<<32 {
		return
	}
	handlers.Release(uint32(id - 1))
}

// handlerOf returns the Handler registered under id, or nil.
func handlerOf(id uintptr) Handler {
	if id == 0 || id > 1<<32 {
		return nil
	}
	if e := handlers.Get(uint32(id - 1)); e != nil {
		return e.h
	}
	return nil
}
