// Package reactor is goevent's event loop: libevent 2.1.12's event_base
// dispatching (event_add/event_del/event_active/event_base_loop) written in
// Go over state that lives in C memory.
//
// Every event is the caller's 128-byte struct event and every base is the C
// layer's struct event_base (capi/gev_internal.h). The reactor reads and
// writes their fields in place through the mirrors below: no copies and no
// cgo crossings for field access. The timer heap (heap.go), the active
// queues (activeq.go), the fd table (event.go) and the epoll backend's
// instance and buffers are shared with the C layer, which answers
// event_add/event_del/event_active on them, and with the loop's C half
// (run.c); they are described by struct event_base. The Go side of a base
// (*Base) holds what C never looks at: the signal table, the common-timeout
// queues, the backend's object and the Go handlers.
//
// One base is used from several threads only under its lock (lock.go: the
// C layer takes it; thread support is off for bases created without
// evthread locking, as in libevent); different bases may run on different
// threads at once.
package reactor

import "unsafe"

// EV_* interest and result bits (event2/event.h).
const (
	EV_TIMEOUT  = 0x01
	EV_READ     = 0x02
	EV_WRITE    = 0x04
	EV_SIGNAL   = 0x08
	EV_PERSIST  = 0x10
	EV_ET       = 0x20
	EV_FINALIZE = 0x40
	EV_CLOSED   = 0x80
)

// EVLIST_* bits of ev_flags (event2/event_struct.h).
const (
	EVLIST_TIMEOUT      = 0x01
	EVLIST_INSERTED     = 0x02
	EVLIST_SIGNAL       = 0x04
	EVLIST_ACTIVE       = 0x08
	EVLIST_INTERNAL     = 0x10
	EVLIST_ACTIVE_LATER = 0x20
	EVLIST_FINALIZING   = 0x40
	EVLIST_INIT         = 0x80
	EVLIST_ALL          = 0xff
)

// EVLOOP_* flags of event_base_loop.
const (
	EVLOOP_ONCE             = 0x01
	EVLOOP_NONBLOCK         = 0x02
	EVLOOP_NO_EXIT_ON_EMPTY = 0x04
)

// EVENT_BASE_FLAG_* bits of struct event_base.flags that the reactor reads.
const (
	EVENT_BASE_FLAG_NO_CACHE_TIME = 0x08
	GEV_BASE_FLAG_DEBUG           = 0x40000000 // ours: debug mode was on at adoption
)

// EVENT_BASE_COUNT_* of event_base_get_num_events.
const (
	EVENT_BASE_COUNT_ACTIVE  = 1
	EVENT_BASE_COUNT_VIRTUAL = 2
	EVENT_BASE_COUNT_ADDED   = 4
)

// EVENT_MAX_PRIORITIES bounds event_base_priority_init.
const EVENT_MAX_PRIORITIES = 256

// ev_closure values (GEV_CLOSURE_* in gev_internal.h).
const (
	ClosureEvent   = 0  // C callback, called once
	ClosureSignal  = 1  // C callback, called ev_ncalls times
	ClosurePersist = 2  // C callback, persistent timeout re-armed first
	ClosureGo      = 16 // Go handler; ev_arg holds its id

	ClosureFinalize     = 5 // finalizer (event_finalize): void (*)(struct event *, void *) in ev_callback
	ClosureFinalizeFree = 6 // finalizer, then the event's memory is freed (event_free_finalize)
)

// struct event_base constants (gev_internal.h).
const (
	BaseMagic   = 0x67657662 // GEV_BASE_MAGIC
	BaseDead    = 0xdeadbeef // GEV_BASE_DEAD
	MethodEpoll = 1          // GEV_METHOD_EPOLL
	MethodPoll  = 2          // GEV_METHOD_POLL
)

// Timeval mirrors struct timeval on LP64 Linux.
type Timeval struct {
	Sec  int64 // tv_sec
	Usec int64 // tv_usec, 0..999999 when normalized
}

// less reports whether t is strictly earlier than u.
func (t Timeval) less(u Timeval) bool {
	return t.Sec < u.Sec || (t.Sec == u.Sec && t.Usec < u.Usec)
}

// addUsec returns t advanced by d microseconds, normalized.
func (t Timeval) addUsec(d int64) Timeval {
	sec := t.Sec + d/1e6
	usec := t.Usec + d%1e6
	for usec >= 1e6 {
		sec++
		usec -= 1e6
	}
	for usec < 0 {
		sec--
		usec += 1e6
	}
	return Timeval{sec, usec}
}

// maxTvSec bounds the seconds of a relative timeout (about 35 000 years)
// so that deadline arithmetic never overflows.
const maxTvSec = 1 << 40

// usec returns t as a count of microseconds, with the seconds clamped to
// ±maxTvSec.
func (t Timeval) usec() int64 {
	s := t.Sec
	if s > maxTvSec {
		s = maxTvSec
	} else if s < -maxTvSec {
		s = -maxTvSec
	}
	return s*1e6 + t.Usec
}

// Event mirrors struct event (128 bytes). Field comments give the offset and
// the public name in event2/event_struct.h; see gev_internal.h for the
// contract on each field.
//
// Links: ActiveNext/ActivePrev (the TAILQ_ENTRY at offset 0) and
// IoNext/IoPrev (the LIST_ENTRY at offset 72) hold plain pointers to the
// neighbouring events, nil at the ends; the list heads live in C memory too
// (the active queues, the fd table) or in the Go-side Base (the signal
// lists), so no pointer into Go memory is ever stored in C memory.
type Event struct {
	ActiveNext *Event         //   0 ev_evcallback.evcb_active_next.tqe_next (also the preload-list link)
	ActivePrev *Event         //   8 ev_evcallback.evcb_active_next.tqe_prev
	Flags      int16          //  16 ev_evcallback.evcb_flags: EVLIST_*
	Pri        uint8          //  18 ev_evcallback.evcb_pri
	Closure    uint8          //  19 ev_evcallback.evcb_closure: Closure*
	_          [4]byte        //  20 padding
	Callback   unsafe.Pointer //  24 ev_evcallback.evcb_cb_union.evcb_callback (C function)
	Arg        uintptr        //  32 ev_evcallback.evcb_arg (Go handler id for ClosureGo)
	HeapIdx    int32          //  40 ev_timeout_pos.min_heap_idx, -1 when not in the heap
	CommonIdx  int32          //  44 ev_timeout_pos padding: common-timeout queue index + 1, 0 = heap
	RelTimeout int64          //  48 ev_timeout_pos padding: persist relative timeout, usec, -1 none
	Fd         int32          //  56 ev_fd (fd, or signal number)
	_          [4]byte        //  60 padding
	Base       unsafe.Pointer //  64 ev_base (struct event_base *)
	IoNext     *Event         //  72 ev_.ev_io.ev_io_next.le_next / ev_signal_next.le_next
	IoPrev     *Event         //  80 ev_.ev_io.ev_io_next.le_prev / ev_signal_next.le_prev
	Ncalls     int16          //  88 ev_.ev_signal.ev_ncalls
	_          [6]byte        //  90 padding
	Pncalls    uintptr        //  96 ev_.ev_signal.ev_pncalls, reserved (kept 0)
	Events     int16          // 104 ev_events: EV_*
	Res        int16          // 106 ev_res
	_          [4]byte        // 108 padding
	Timeout    Timeval        // 112 ev_timeout: absolute CLOCK_MONOTONIC deadline
}

// EventSize is sizeof(struct event).
const EventSize = 128

// EventAt views C memory at p as an Event.
func EventAt(p unsafe.Pointer) *Event { return (*Event)(p) }

// Ptr returns ev as a C pointer (struct event *).
func (ev *Event) Ptr() unsafe.Pointer { return unsafe.Pointer(ev) }

// HandlerID returns ev_arg as a Go handler id (meaningful for ClosureGo).
func (ev *Event) HandlerID() uintptr { return ev.Arg }

// CBase mirrors struct event_base (gev_internal.h) up to and including
// `reserved_tail`; the C-only fields after it (sigrefs) are not mirrored.
type CBase struct {
	Magic        uint32 //   0 GEV_BASE_MAGIC / GEV_BASE_DEAD
	CoreIdx      uint32 //   4 1-based index of the Go-side base, 0 = not adopted
	Flags        int32  //   8 EVENT_BASE_FLAG_*
	Method       int32  //  12 GEV_METHOD_*
	NPriorities  int32  //  16 number of priorities
	SigRfd       int32  //  20 signal self-pipe read end, -1 none
	SigWfd       int32  //  24 signal self-pipe write end, -1 none
	NSignals     int32  //  28 signal events added (kept by C)
	EventBreak   int32  //  32 loopbreak requested (volatile)
	EventGotterm int32  //  36 loopexit happened (volatile)
	Running      int32  //  40 a thread is inside event_base_loop (volatile)
	Pad0         int32  //  44
	PreloadHead  *Event //  48 events added before the core was loaded
	PreloadTail  *Event //  56
	NPreload     int64  //  64
	// event_config_set_max_dispatch_interval, set by C at creation:
	MaxDispatchCallbacks    int32          //  72 callbacks per pass; MaxInt32 = no limit
	LimitCallbacksAfterPrio int32          //  76 priorities >= this one are limited
	MaxDispatchUsec         int64          //  80 time per pass; -1 = no limit
	Thread                  *CThread       //  88 thread support (lock.go); nil: none, and nothing looks further
	ThOwner                 uint64         //  96 evthread id of the looping thread (kept by C)
	TvCache                 Timeval        // 104 the loop's time cache (CLOCK_MONOTONIC), Sec 0 = none
	Timeheap                **Event        // 120 the timer heap's array (heap.go), C-visible memory
	TimeheapN               int32          // 128 events in it
	TimeheapCap             int32          // 132 slots allocated
	NEvents                 int32          // 136 memberships of non-internal events (libevent's event_count)
	MaxEvents               int32          // 140 high-water mark of NEvents
	Activeq                 *evQueue       // 144 the active queues (activeq.go), C-visible memory
	ActiveqN                int32          // 152 queues allocated
	NActive                 int32          // 156 events on the active queues, internal ones included
	MaxActive               int32          // 160 high-water mark of NActive
	RunningPri              int32          // 164 priority being processed, -1 outside
	Cont                    int32          // 168 rescan the queues after this callback
	Pad1                    int32          // 172
	Current                 *Event         // 176 event whose callback is running
	RunDead                 *int32         // 184 run.c's "base freed" flag while it runs callbacks
	Fds                     *fdEntry       // 192 the fd table (event.go), C-visible memory
	Nfds                    int32          // 200 entries allocated
	Epfd                    int32          // 204 the epoll backend's instance, -1 none
	EpEvents                unsafe.Pointer // 208 epoll_wait's buffer (backend_epoll.go)
	EpOut                   *int32         // 216 (fd, events) pairs left to the core
	EpMax                   int32          // 224 entries in both
	EpNleft                 int32          // 228 pairs left by the last wait
	Resume                  loopResume     // 232 where run.c's loop handed a loop over
	ReservedTail            [2]uint64      // 272 more room
}

// loopResume mirrors struct gev_loop_resume.
type loopResume struct {
	Where   int32 // GEV_RESUME_*
	Pri     int32
	Count   int64
	EndSec  int64
	EndUsec int64
	HasEnd  int32
	Grow    int32
}

// CBaseSize is the size of the mirrored prefix of struct event_base
// (offsetof(struct event_base, reserved_tail) + sizeof reserved_tail).
const CBaseSize = 288

// compile-time size checks; the offsets are checked against the C header in
// the tests.
var (
	_ [EventSize - unsafe.Sizeof(Event{})]byte
	_ [unsafe.Sizeof(Event{}) - EventSize]byte
	_ [CBaseSize - unsafe.Sizeof(CBase{})]byte
	_ [unsafe.Sizeof(CBase{}) - CBaseSize]byte
)

// Less reports whether t is strictly earlier than u.
func (t Timeval) Less(u Timeval) bool { return t.less(u) }

// AddUsec returns t advanced by d microseconds, normalized.
func (t Timeval) AddUsec(d int64) Timeval { return t.addUsec(d) }
