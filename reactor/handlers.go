package reactor

import (
	"sync"
	"sync/atomic"
)

// Handler is the Go side of a ClosureGo event: the core's own events
// (bufferevents, listeners, the signal pipe, loopexit timers) run a Handler
// instead of a C callback. res is the event's ev_res (EV_* bits that fired).
// The handler may add, delete or free ev, including from inside the call;
// after freeing it must not touch ev again, and neither does the loop.
type Handler interface {
	HandleEvent(ev *Event, res int16)
}

// The handler table maps the id stored in ev_arg to its Handler. Lookups on
// the dispatch path are two atomic loads and two slice indexings, without
// locks; registration takes a mutex (it happens when an object is created,
// not per event). The table is a fixed array of lazily allocated chunks so it
// never moves under a concurrent reader.
const (
	hChunkBits = 10
	hChunkLen  = 1 << hChunkBits
	hChunks    = 1 << 14 // up to 16M live handlers
)

type hEntry struct{ h Handler }

type hChunk [hChunkLen]atomic.Pointer[hEntry]

var handlers struct {
	mu     sync.Mutex
	chunks [hChunks]atomic.Pointer[hChunk]
	free   []uintptr // ids released by UnregisterHandler
	next   uintptr   // next never-used id
}

// RegisterHandler stores h and returns its id (>= 1), to be put in ev_arg
// (see AssignGo). It returns 0 if the table is full.
func RegisterHandler(h Handler) uintptr {
	if h == nil {
		return 0
	}
	e := &hEntry{h: h}
	handlers.mu.Lock()
	defer handlers.mu.Unlock()
	var id uintptr
	if n := len(handlers.free); n > 0 {
		id = handlers.free[n-1]
		handlers.free = handlers.free[:n-1]
	} else {
		if handlers.next == 0 {
			handlers.next = 1
		}
		id = handlers.next
		if id >= hChunkLen*hChunks {
			return 0
		}
		handlers.next++
	}
	ci := id >> hChunkBits
	ch := handlers.chunks[ci].Load()
	if ch == nil {
		ch = new(hChunk)
		handlers.chunks[ci].Store(ch)
	}
	ch[id&(hChunkLen-1)].Store(e)
	return id
}

// UnregisterHandler releases id; the id may be handed out again later, so
// every event that carried it must already be deleted.
func UnregisterHandler(id uintptr) {
	if id == 0 || id >= hChunkLen*hChunks {
		return
	}
	handlers.mu.Lock()
	defer handlers.mu.Unlock()
	ch := handlers.chunks[id>>hChunkBits].Load()
	if ch == nil || ch[id&(hChunkLen-1)].Load() == nil {
		return
	}
	ch[id&(hChunkLen-1)].Store(nil)
	handlers.free = append(handlers.free, id)
}

// handlerOf returns the Handler registered under id, or nil.
func handlerOf(id uintptr) Handler {
	if id == 0 || id >= hChunkLen*hChunks {
		return nil
	}
	ch := handlers.chunks[id>>hChunkBits].Load()
	if ch == nil {
		return nil
	}
	e := ch[id&(hChunkLen-1)].Load()
	if e == nil {
		return nil
	}
	return e.h
}
