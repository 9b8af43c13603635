package reactor

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"

	"golang.org/x/sys/unix"
)

// Base is the Go side of one struct event_base.
type Base struct {
	c      *CBase
	idx    uint32 // 1-based slot in the base table (= c.CoreIdx)
	method int32
	be     backend
	// debugMode: event_enable_debug_mode was on (it cannot change later);
	// then, as in libevent, an fd's events are all edge-triggered or all not.
	debugMode bool

	maxFd int // fds at or above are refused (fdCap); the fd table is in c.Fds (event.go)
	sigs  [nsig]*Event
	heap  timerHeap // array in C memory, shared with the C layer (heap.go)
	// The active queues, their counts (c.NActive, c.MaxActive), the pass
	// state (c.RunningPri, c.Cont) and the running event (c.Current) are
	// in struct event_base too (activeq.go). libevent's event_count and
	// its high-water mark are c.NEvents and c.MaxEvents: the C layer's
	// timer and activation fast paths keep them too.

	commons []*commonTimeout // event_base_init_common_timeout queues, by index

	// Signal closure in progress: the callback loop of sigCur stops when
	// sigAbort is set (event_del of it); libevent's ev_pncalls.
	sigCur   *Event
	sigAbort bool

	sigWatch *Event    // internal persistent read watcher of c.SigRfd (C memory); nil until needed
	sigID    uintptr   // handler id of the watcher
	onceID   uintptr   // handler id of loopexit one-shots
	onces    []*Event  // pending loopexit one-shots (C memory)
	drain    [256]byte // signal pipe read buffer
	dead     bool

	// Memory given back when idle (idle.go): armed when there is some, and
	// how long the armed loop has waited with nothing arriving (µs).
	idleArmed bool
	idleQuiet int64
	idleSeen  Timeval // the time cache when the last loop returned

	lastYield int64  // nanotime of the loop's last yieldIfDue (runtime.go)
	st        *Stats // counters, nil unless StatsOn (stats.go)
}

// nsig is the size of the per-signal table (glibc's NSIG).
const nsig = 65

// The base table: slot i holds the base whose core_idx is i+1, so that 0
// means "not adopted". FromC (every exported call) looks up without a lock.
var bases slots.Table[Base]

// Adopt creates the Go side of the C base at cbase (a struct event_base*):
// it makes the backend chosen by cbase.method, records the base's index in
// cbase.core_idx, watches the signal pipe if the C layer already made one,
// and inserts every event of the preload list (events added before the core
// was loaded), keeping their absolute deadlines.
func Adopt(cbase unsafe.Pointer) (*Base, error) {
	if cbase == nil {
		return nil, errors.New("event_base is NULL")
	}
	c := (*CBase)(cbase)
	if c.Magic != BaseMagic {
		return nil, fmt.Errorf("event_base %p is not a live base (magic %#x)", cbase, c.Magic)
	}
	if c.CoreIdx != 0 {
		if b := FromC(cbase); b != nil {
			return b, nil // already adopted
		}
	}
	b := &Base{c: c, method: c.Method, debugMode: c.Flags&GEV_BASE_FLAG_DEBUG != 0}
	if b.method != MethodPoll && b.method != MethodEpoll {
		return nil, fmt.Errorf("event_base %p: unknown method %d", cbase, c.Method)
	}
	be, err := newBackend(b.method, b)
	if err != nil {
		return nil, err
	}
	b.setBackend(be)
	b.maxFd = fdCap()
	npri := int(c.NPriorities)
	if npri < 1 {
		npri = 1
	}
	c.RunningPri, c.Cont, c.Current, c.RunDead = -1, 0, nil, nil
	c.NActive, c.MaxActive = 0, 0
	if !b.allocQueues(npri) {
		b.be.close()
		return nil, errors.New("out of memory")
	}
	b.heap = timerHeap{c: c}
	b.sigID = RegisterHandler(sigHandler{b})
	b.onceID = RegisterHandler(onceHandler{b})

	slot, ok := bases.Put(b)
	if !ok {
		UnregisterHandler(b.sigID)
		UnregisterHandler(b.onceID)
		b.be.close()
		b.freeQueues()
		return nil, errors.New("too many event bases")
	}
	b.idx = slot + 1
	c.CoreIdx = b.idx
	if StatsOn {
		b.statsStart()
	}

	if c.SigRfd >= 0 {
		if b.watchSignals() != 0 {
			b.Free()
			return nil, errors.New("cannot watch the signal pipe")
		}
	}
	// Preloaded events: C set EVLIST_INSERTED and/or EVLIST_TIMEOUT and the
	// absolute deadline, or EVLIST_ACTIVE and the result (event_base_once
	// with no timeout); insert or activate them for real, in list order.
	ev := c.PreloadHead
	c.PreloadHead, c.PreloadTail, c.NPreload = nil, nil, 0
	nfail := 0
	for ev != nil {
		next := ev.ActiveNext
		ev.ActiveNext, ev.ActivePrev = nil, nil
		fl := ev.Flags
		ev.Flags &^= EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE
		ev.HeapIdx = -1
		if fl&EVLIST_INSERTED != 0 {
			if b.insertMapped(ev) != 0 {
				nfail++
			}
		}
		if fl&EVLIST_TIMEOUT != 0 {
			b.insertTimeout(ev)
		}
		if fl&EVLIST_ACTIVE != 0 {
			b.activate(ev, ev.Res, 1)
		}
		ev = next
	}
	if nfail > 0 {
		svc.Warnf("event_base: %d event(s) added before the core was loaded could not be registered", nfail)
	}
	if b.WatchNotify() != 0 { // thread support: lock.go, notify.go
		b.Free()
		return nil, errors.New("cannot watch the notification fd")
	}
	return b, nil
}

// fdMapLimit is libevent's fd map limit: it refuses fds from 2^27 on,
// whatever the backend.
const fdMapLimit = 1 << 27

// fdCap bounds the fd table: fds at or above it can never be open (the
// kernel's fs.nr_open caps every process's fd limit, however raised) or are
// past libevent's fd map. capi/event.c (fd_cap) refuses the same fds for
// events added before the core is loaded. The process's own fd limit is no
// bound: a program may lower it below fds it has open, and poll, as
// libevent's, watches closed fds too (reporting them invalid).
var fdCap = sync.OnceValue(func() int {
	n := readSysctlInt("/proc/sys/fs/nr_open")
	if n <= 0 {
		n = 1 << 20 // the kernel's default
	}
	if n > fdMapLimit {
		n = fdMapLimit
	}
	return n
})

// readSysctlInt reads a decimal number from a /proc/sys file, or -1. Plain
// system calls rather than os.ReadFile: an os.File is set a finalizer, and the
// runtime's first one starts its finalizer goroutine (and a thread to run
// it): ~0.1 ms of every process's start for one small read.
func readSysctlInt(path string) int {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	var buf [32]byte
	m, err := unix.Read(fd, buf[:])
	unix.Close(fd)
	if err != nil || m <= 0 {
		return -1
	}
	v, digits := 0, 0
	for _, c := range buf[:m] {
		if c < '0' || c > '9' {
			break
		}
		if v > (1<<31-1)/10 {
			return -1
		}
		v = v*10 + int(c-'0')
		digits++
	}
	if digits == 0 {
		return -1
	}
	return v
}

// FromC returns the Go side of cbase, or nil if cbase is NULL, not a live
// base, or not adopted.
func FromC(cbase unsafe.Pointer) *Base {
	if cbase == nil {
		return nil
	}
	c := (*CBase)(cbase)
	if c.Magic != BaseMagic {
		return nil
	}
	if c.CoreIdx == 0 {
		return nil
	}
	b := bases.Get(c.CoreIdx - 1)
	if b == nil || b.c != c {
		return nil
	}
	return b
}

// C returns the struct event_base * of b.
func (b *Base) C() unsafe.Pointer { return unsafe.Pointer(b.c) }

// Method returns the backend's name ("epoll" or "poll").
func (b *Base) Method() string { return b.be.name() }

// Free releases the Go side of b: every event still pending or active is
// deleted (as event_base_free does), the core's own events are freed, the
// backend is closed and the table slot released. The C layer frees the
// struct itself afterwards.
func (b *Base) Free() { b.FreeFinalize(true) }

// FreeFinalize is Free; with run, the finalizers of events still waiting on
// the active queues (event_finalize) run first, as event_base_free does;
// without, they are dropped (event_base_free_nofinalize).
func (b *Base) FreeFinalize(run bool) {
	if b.dead {
		return
	}
	// Delete everything still in a list, user events included.
	for fd := range b.fdTab() {
		for ev := b.fdTab()[fd].head; ev != nil; ev = b.fdTab()[fd].head {
			b.del(ev)
		}
	}
	for s := range b.sigs {
		for ev := b.sigs[s]; ev != nil; ev = b.sigs[s] {
			b.del(ev)
		}
	}
	for ev := b.heap.top(); ev != nil; ev = b.heap.top() {
		if ev.Flags&EVLIST_FINALIZING != 0 { // cannot happen: finalizing events are deleted first
			b.removeTimeout(ev)
			continue
		}
		b.del(ev)
	}
	for _, ct := range b.commons {
		for ev := ct.first(); ev != nil; ev = ct.first() {
			b.del(ev)
		}
	}
	// Active queues, finalizers included; a finalizer may finalize more.
	for {
		ev := b.firstActive()
		if ev == nil {
			break
		}
		if ev.Flags&EVLIST_FINALIZING == 0 {
			b.del(ev)
			continue
		}
		b.removeActive(ev)
		if run {
			b.runFinalizer(ev)
		}
	}
	b.freeCommons()
	b.heap.release() // empty by now
	b.freeQueues()   // empty by now
	b.freeFds()      // empty by now
	for _, ev := range b.onces {
		cmem.Free(unsafe.Pointer(ev), EventSize)
	}
	b.onces = nil
	if b.sigWatch != nil {
		cmem.Free(unsafe.Pointer(b.sigWatch), EventSize)
		b.sigWatch = nil
	}
	UnregisterHandler(b.sigID)
	UnregisterHandler(b.onceID)
	b.be.close()
	b.c.Epfd = -1
	b.dead = true
	c := b.c
	if c.RunDead != nil { // freed from a callback that run.c called
		*c.RunDead = 1
		c.RunDead = nil
	}
	c.Current = nil
	if b.st != nil {
		b.statsEnd()
	}

	if bases.Get(b.idx-1) == b {
		bases.Release(b.idx - 1)
	}
	if b.c.CoreIdx == b.idx {
		b.c.CoreIdx = 0
	}
}

// Reinit gives b a new backend instance (after fork: the parent's kernel
// object is never touched) with every fd that has events registered again,
// and re-watches the signal pipe, which the C layer recreated before calling.
// It returns 0, or -1 with a logged warning.
func (b *Base) Reinit() int {
	if b.dead {
		return -1
	}
	// The watcher's fd is the old pipe, already closed by C: take it out of
	// the fd table without telling any backend.
	hadWatch := b.sigWatch != nil && b.sigWatch.Flags&EVLIST_INSERTED != 0
	if hadWatch {
		w := b.sigWatch
		b.ioUnlink(w)
		w.Flags &^= EVLIST_INSERTED
		if w.Flags&EVLIST_ACTIVE != 0 {
			b.removeActive(w)
		}
	}
	b.be.close()
	be, err := newBackend(b.method, b)
	if err != nil {
		svc.Warnf("event_reinit: cannot make a new %s backend: %v", b.be.name(), err)
		b.setBackend(deadBackend{b.be.name()})
		return -1
	}
	b.setBackend(be)
	rc := 0
	for fd := range b.fdTab() {
		e := &b.fdTab()[fd]
		e.mask = e.want()
		if e.mask == 0 {
			continue
		}
		if err := be.add(fd, e.mask); err != nil {
			svc.Warnf("event_reinit: %v", err)
			rc = -1
		}
	}
	if b.c.SigRfd >= 0 && (hadWatch || b.hasSignalEvents()) {
		if b.watchSignals() != 0 {
			rc = -1
		}
	}
	return rc
}

// deadBackend stands in after a failed reinit: every operation fails.
type deadBackend struct{ n string }

func (d deadBackend) name() string                { return d.n }
func (d deadBackend) add(int, int16) error        { return errors.New("no backend") }
func (d deadBackend) mod(int, int16, int16) error { return errors.New("no backend") }
func (d deadBackend) del(int, int16) error        { return nil }
func (d deadBackend) wait(int64) error            { return errors.New("no backend") }
func (d deadBackend) close()                      {}
func (d deadBackend) epollFd() int                { return -1 }

// setBackend makes be the base's backend and publishes its epoll instance
// to the C side (struct event_base's epfd).
func (b *Base) setBackend(be backend) {
	b.be = be
	b.c.Epfd = int32(be.epollFd())
}
