package core

import (
	"sync"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"
	"goevent/reactor"
)

// The generic bufferevent: libevent 2.1.12's bufferevent.c. Everything that
// does not depend on what moves the bytes lives here:
//
//   - the C object (struct bufferevent, 392 public bytes, our private trailer,
//     then the Go-only C memory of cBevBlock: the deferred-callback event);
//   - the two buffers, the callbacks (stored in C by bufferevent_setcb and read
//     from there at each call), the enabled flags, the watermarks, the
//     timeouts (the C fields timeout_read/timeout_write);
//   - suspension: a direction is suspended for a set of reasons (bevSuspend*);
//     the backend's enable/disable are called when the set becomes non-empty
//     or empty, exactly as bufferevent_suspend_read_/unsuspend_read_ do;
//   - the reference count (bufferevent_incref/decref; every callback the core
//     runs holds a reference, so a bufferevent freed inside its own callback
//     lives until the callback returns); at zero the events are deleted, the
//     backend's unlink runs, and a finalizer queued on the loop closes the
//     descriptor (backend free) and releases the memory;
//   - the callback runners (runReadcb/runWritecb/runEventcb) honouring
//     BEV_OPT_DEFER_CALLBACKS and the per-call BEV_TRIG_DEFER_CALLBACKS: a
//     deferred callback is queued on the base's active queue (the deferred
//     event's priority, npriorities/2 by default or bufferevent_priority_set's)
//     and runs from the loop after the current callback, connected first, then
//     read, write and the other events, as bufferevent_run_deferred_callbacks_
//     does;
//   - trigger (watermark checks) and the input high-watermark hook.
//
// A backend (bevBackend) supplies the transport: the socket backend is
// bev_socket.go; pairs and filters (bevx) implement the same interface.
//
// Hooks for backends (package-level, all expect a live *Bufferevent):
//
//	newBufferevent(base, be, options) the common constructor (refcount 1,
//	                                  EV_WRITE enabled, default max single
//	                                  read/write, generic timeout timers in
//	                                  c.evRead/c.evWrite); the caller sets
//	                                  be (if nil) and c.beOps
//	bv.incref() / bv.decref()         references (decref may finalize)
//	bv.runReadcb(opts) / runWritecb(opts) / runEventcb(what, opts, errno)
//	bv.trigger(iotype, opts)          bufferevent_trigger_nolock_: read cb when
//	                                  input >= low watermark, write cb when
//	                                  output <= low, or always with
//	                                  BEV_TRIG_IGNORE_WATERMARKS
//	bv.suspendRead(r) / unsuspendRead(r) / suspendWrite(r) / unsuspendWrite(r)
//	bv.readSuspended / writeSuspended the current reason sets
//	bv.readMax() / writeMax()         max single read/write capped by the limiter
//	bv.genericAdjTimeouts()           bufferevent_generic_adj_timeouts_ for
//	                                  backends whose ev_read/ev_write are plain
//	                                  timers (see initGenericTimeouts)

// BEV_EVENT_* and BEV_OPT_* of event2/bufferevent.h.
const (
	BevEventReading   = 0x01
	BevEventWriting   = 0x02
	BevEventEOF       = 0x10
	BevEventError     = 0x20
	BevEventTimeout   = 0x40
	BevEventConnected = 0x80

	BevOptCloseOnFree    = 1 << 0
	BevOptThreadsafe     = 1 << 1
	BevOptDeferCallbacks = 1 << 2
	BevOptUnlockCallback = 1 << 3

	// BEV_TRIG_* of bufferevent_trigger/trigger_event.
	BevTrigIgnoreWatermarks = 1 << 16
	BevTrigDeferCallbacks   = BevOptDeferCallbacks
	bevTrigAllOpts          = BevTrigIgnoreWatermarks | BevTrigDeferCallbacks

	// BEV_NORMAL, BEV_FLUSH, BEV_FINISHED (enum bufferevent_flush_mode).
	BevNormal   = 0
	BevFlush    = 1
	BevFinished = 2
)

// Suspension reasons (libevent's bufferevent_suspend_flags).
const (
	bevSuspendWM       = 0x01 // read: input at the high watermark
	bevSuspendBW       = 0x02 // rate limit of this bufferevent exhausted
	bevSuspendBWGroup  = 0x04 // rate limit of its group exhausted
	bevSuspendLookup   = 0x08 // connect_hostname lookup in progress
	bevSuspendFiltRead = 0x10 // filter: underlying input not drained
)

// Defaults of max_single_read/write (MAX_SINGLE_READ_DEFAULT etc.).
const (
	maxSingleReadDefault  = 16384
	maxSingleWriteDefault = 16384
	evSsizeMax            = int64(^uint64(0) >> 1)
)

// bevBackend is what moves the bytes of one kind of bufferevent (libevent's
// struct bufferevent_ops).
type bevBackend interface {
	// enable/disable start/stop the I/O of the directions in what (EV_READ,
	// EV_WRITE); the generic code has already updated c.enabled and masked
	// suspended directions out of enable. 0 or -1.
	enable(bv *Bufferevent, what int16) int
	disable(bv *Bufferevent, what int16) int
	// flush is bufferevent_flush (mode BevNormal/BevFlush/BevFinished):
	// -1 on failure, 0 if nothing was flushed, 1 if something was.
	flush(bv *Bufferevent, iotype int16, mode int) int
	// free is the destructor: runs from the finalizer once the last
	// reference is gone (closes the descriptor with BEV_OPT_CLOSE_ON_FREE).
	free(bv *Bufferevent)
	// fd is bufferevent_getfd (-1 if none); setfd is bufferevent_setfd.
	fd() int
	setfd(bv *Bufferevent, fd int) int
	// underlying is bufferevent_get_underlying (nil if none).
	underlying() *Bufferevent
}

// Optional backend interfaces.
type (
	// bevUnlinker: called when the last reference goes, before the
	// finalizer is queued (libevent's be_ops->unlink: a filter frees its
	// underlying bufferevent there).
	bevUnlinker interface{ unlink(bv *Bufferevent) }
	// bevTimeoutAdjuster: bufferevent_set_timeouts calls it after storing
	// the new timeouts (be_ops->adj_timeouts); without it the generic
	// genericAdjTimeouts runs.
	bevTimeoutAdjuster interface{ adjTimeouts(bv *Bufferevent) int }
	// bevBufWatcher: told of every change of the bufferevent's input and
	// output (after the generic high-watermark check of the input).
	bevBufWatcher interface {
		bufChanged(bv *Bufferevent, b *Buffer, added, drained int)
	}
	// bevCanceler: bufferevent_free's cancel step (BEV_CTRL_CANCEL_ALL).
	bevCanceler interface{ cancelAll(bv *Bufferevent) }
)

// rateLimiter is consulted by the I/O paths (core/ratelim.go implements it).
// readMax/writeMax return how many bytes may move now; readDone/writeDone
// report the bytes that moved. When readMax (writeMax) returns 0 the socket
// path suspends the direction with bevSuspendBW itself (so that a
// level-triggered socket does not spin); the limiter must then call
// bv.unsuspendRead(bevSuspendBW) (unsuspendWrite) when budget comes back,
// as well as lift any reason it set itself (bevSuspendBWGroup).
type rateLimiter interface {
	readMax(bv *Bufferevent) int
	writeMax(bv *Bufferevent) int
	readDone(bv *Bufferevent, n int)
	writeDone(bv *Bufferevent, n int)
}

type cTimeval struct{ sec, usec int64 }

type cWatermark struct{ low, high uintptr }

// cBev mirrors struct bufferevent (event2/bufferevent_struct.h, 392 bytes)
// and struct gev_bev_private after it. The C layer reads input, output,
// enabled, ev_read.ev_fd and the callbacks directly; bufferevent_setcb stores
// the callbacks in C, so they are read from here at each call.
type cBev struct {
	evBase       unsafe.Pointer // 0
	beOps        uintptr        // 8: bevOps* tag (C answers getfd for sockets)
	evRead       reactor.Event  // 16
	evWrite      reactor.Event  // 144
	input        *cBuf          // 272
	output       *cBuf          // 280
	wmRead       cWatermark     // 288
	wmWrite      cWatermark     // 304
	readcb       unsafe.Pointer // 320
	writecb      unsafe.Pointer // 328
	errorcb      unsafe.Pointer // 336
	cbarg        unsafe.Pointer // 344
	timeoutRead  cTimeval       // 352
	timeoutWrite cTimeval       // 368
	enabled      int16          // 384
	_            [6]byte
	priv         cBevPriv // 392 (GEV_BEV_PRIV_OFF)
}

type cBevPriv struct {
	magic uint32
	idx   uint32
	gen   uint64
	// State both halves read and write (struct gev_bev_private): the
	// C layer answers bufferevent_free inside the bufferevent's own callback
	// and bufferevent_enable(EV_READ) of a socket bufferevent from these.
	cbDepth uint16 // callbacks of this bufferevent the core is running directly (each holds a reference)
	sflags  uint8  // bevSF*
	_       [5]byte
}

// cBevPriv.sflags bits (GEV_BEV_SF_* in capi/gev_internal.h).
const (
	bevSFFreed       = 0x01 // bufferevent_free was called
	bevSFFreePending = 0x02 // ... by the C layer inside a callback: the core drops the caller's reference when the callback returns
	bevSFReadAdded   = 0x04 // socket: ev_read is pending in the reactor
	bevSFReadSusp    = 0x08 // reading is suspended (readSuspended != 0)
)

// cBevBlock is the whole C allocation: the public struct, the trailer, and
// the short handles of the input and output buffers (evbuffer.go): one block
// per bufferevent, 576 bytes, instead of three.
type cBevBlock struct {
	cBev
	bufs [2][sizeofCBufShort / 8]uint64
}

// cDefer is the event that runs a bufferevent's deferred callbacks, then its
// finalizer, in a block of its own (events must not live in the Go heap),
// made when first needed (scheduleDeferred, release): most bufferevents
// never defer a callback, and an idle connection should not carry 128 bytes
// for it (issue 11).
type cDefer struct {
	ev  reactor.Event
	bev *cBev
}

const sizeofCDefer = int(unsafe.Sizeof(cDefer{}))

// be_ops tags (C's bufferevent_getfd reads ev_read.ev_fd itself when the tag
// is bevOpsSocket; other kinds ask the core).
const (
	bevOpsNone   = 0
	bevOpsSocket = 1
	bevOpsPair   = 2
	bevOpsFilter = 3
)

const (
	bevLive = 0x62657620
	bevDead = 0xdeadbe00

	sizeofCBev  = int(unsafe.Sizeof(cBevBlock{}))
	offEvRead   = unsafe.Offsetof(cBev{}.evRead)
	offEvWrite  = unsafe.Offsetof(cBev{}.evWrite)
	bevPrivOff  = unsafe.Offsetof(cBev{}.priv)
	bevPublicSz = 392
)

// Compile-time layout checks (the test compares with the C headers too).
var (
	_ [bevPrivOff - bevPublicSz]byte
	_ [bevPublicSz - bevPrivOff]byte
	_ [unsafe.Offsetof(cBev{}.input) - 272]byte
	_ [272 - unsafe.Offsetof(cBev{}.input)]byte
	_ [unsafe.Offsetof(cBev{}.enabled) - 384]byte
	_ [384 - unsafe.Offsetof(cBev{}.enabled)]byte
)

// Bufferevent is the Go side of one bufferevent of any kind: one Go object
// with its two buffers (and, for a socket, its backend: socketBufferevent),
// what is rarely needed in x. An idle connection's Go memory is this object
// (issue 11: no per-connection Go objects beyond what is needed).
type Bufferevent struct {
	c    *cBev
	base *reactor.Base
	dfr  *cDefer // nil until needed (newDefer)
	be   bevBackend
	x    *bevExtra // nil until a rate limit or a max_single_* needs it

	options        int32
	refcnt         int32
	readSuspended  uint16 // bevSuspend* reasons
	writeSuspended uint16
	dead           bool // no references left: finalizer queued (bufferevent_free: bevSFFreed in c)

	// Deferred callbacks waiting on dfr.
	deferQueued, inDeferred   bool
	readPending, writePending bool
	eventPending              int16
	errnoPending              int32

	in, out Buffer // the input and output (their handles are in c's block)
}

// bevExtra holds what few bufferevents need.
type bevExtra struct {
	limiter                       rateLimiter // nil: unlimited
	maxSingleRead, maxSingleWrite int64
	dnsCancel                     func()     // cancels the evdns lookup of connect_hostname in progress
	goh                           BevHandler // Go callbacks (gohooks.go), when the C struct holds their markers
}

// ext returns bv.x, made first if needed.
func (bv *Bufferevent) ext() *bevExtra {
	if bv.x == nil {
		bv.x = &bevExtra{maxSingleRead: maxSingleReadDefault, maxSingleWrite: maxSingleWriteDefault}
	}
	return bv.x
}

// lim is bv's rate limiter, nil when unlimited.
func (bv *Bufferevent) lim() rateLimiter {
	if x := bv.x; x != nil {
		return x.limiter
	}
	return nil
}

func (bv *Bufferevent) maxSingle(write bool) int64 {
	x := bv.x
	switch {
	case x == nil && write:
		return maxSingleWriteDefault
	case x == nil:
		return maxSingleReadDefault
	case write:
		return x.maxSingleWrite
	}
	return x.maxSingleRead
}

// socketBufferevent is a socket bufferevent in one allocation.
type socketBufferevent struct {
	Bufferevent
	sock bevSocket
}

// blk is the bufferevent's C block.
func (bv *Bufferevent) blk() *cBevBlock { return (*cBevBlock)(unsafe.Pointer(bv.c)) }

var bevs slots.Table[Bufferevent] // Max: table.go

type bevDeferHandler struct{}
type bevFinHandler struct{}
type bevTimerHandler struct{ write bool }

var (
	handlersOnce          sync.Once
	bevReadID, bevWriteID uintptr
	bevDeferID, bevFinID  uintptr
	bevTimerRID           uintptr
	bevTimerWID           uintptr
	levReadID, levTimerID uintptr
	handlersOK            bool
)

func registerHandlers() bool {
	handlersOnce.Do(func() {
		bevReadID = reactor.RegisterHandler(bevReadHandler{})
		bevWriteID = reactor.RegisterHandler(bevWriteHandler{})
		bevDeferID = reactor.RegisterHandler(bevDeferHandler{})
		bevFinID = reactor.RegisterHandler(bevFinHandler{})
		bevTimerRID = reactor.RegisterHandler(bevTimerHandler{})
		bevTimerWID = reactor.RegisterHandler(bevTimerHandler{write: true})
		levReadID = reactor.RegisterHandler(levReadHandler{})
		levTimerID = reactor.RegisterHandler(levTimerHandler{})
		handlersOK = bevReadID != 0 && bevWriteID != 0 && bevDeferID != 0 && bevFinID != 0 &&
			bevTimerRID != 0 && bevTimerWID != 0 && levReadID != 0 && levTimerID != 0
	})
	return handlersOK
}

// newBufferevent is bufferevent_init_common_: the C block, the buffers, the
// table slot; enabled = EV_WRITE, refcount 1. be may be nil here and set
// right after (backends usually need bv). c.evRead and c.evWrite start as
// the generic timeout timers (initGenericTimeouts); the socket backend
// reassigns them as I/O events. c.beOps is bevOpsNone: set it to the kind's
// tag. nil (logged) on failure.
func newBufferevent(base *reactor.Base, be bevBackend, options int) *Bufferevent {
	return newBufferEventNamed(base, be, options, "bufferevent_new")
}

// newBufferEventNamed is newBufferevent with fn, the public function named
// in messages.
func newBufferEventNamed(base *reactor.Base, be bevBackend, options int, fn string) *Bufferevent {
	return newBufferEventIn(new(Bufferevent), base, be, options, fn, true)
}

// newBufferEventIn is newBufferEventNamed in bv, a zero Bufferevent (part
// of a bigger object: socketBufferevent). Without timers, c.evRead and
// c.evWrite are left for the caller to assign at once (the socket backend's
// I/O events: assigning them twice per connection is work for nothing).
func newBufferEventIn(bv *Bufferevent, base *reactor.Base, be bevBackend, options int, fn string, timers bool) *Bufferevent {
	if base == nil {
		svc.Warnf("%s: event_base is not usable", fn)
		return nil
	}
	if !registerHandlers() {
		svc.Warnf("%s: cannot register the core's event handlers", fn)
		return nil
	}
	if options&(BevOptDeferCallbacks|BevOptUnlockCallback) == BevOptUnlockCallback {
		svc.Warnf("UNLOCK_CALLBACKS requires DEFER_CALLBACKS") // libevent's words
		return nil
	}
	p := cmem.Alloc(sizeofCBev)
	if p == nil {
		svc.Warnf("%s: out of memory", fn)
		return nil
	}
	blk := (*cBevBlock)(p)
	c := &blk.cBev
	in, out := &bv.in, &bv.out
	bv.c, bv.base, bv.options, bv.be, bv.refcnt = c, base, int32(options), be, 1
	idx, ok := bevs.Put(bv)
	if !ok {
		cmem.Free(p, sizeofCBev)
		svc.Warnf("%s: too many bufferevents", fn)
		return nil
	}
	in.initBev(unsafe.Pointer(&blk.bufs[0]), idx, false)
	out.initBev(unsafe.Pointer(&blk.bufs[1]), idx, true)
	c.evBase = base.C()
	c.beOps = bevOpsNone
	if timers {
		base.AssignGo(&c.evRead, -1, reactor.EV_FINALIZE, bevTimerRID) // EV_FINALIZE: what libevent gives a bufferevent's events (event_get_events)
		base.AssignGo(&c.evWrite, -1, reactor.EV_FINALIZE, bevTimerWID)
	}
	c.input, c.output = in.h, out.h
	c.enabled = reactor.EV_WRITE
	in.owned, out.owned = true, true
	in.hook, out.hook = bv, bv
	c.priv = cBevPriv{magic: bevLive, idx: idx, gen: nextGen()}
	return bv
}

// Handle is the struct bufferevent * given to C.
func (bv *Bufferevent) Handle() unsafe.Pointer { return unsafe.Pointer(bv.c) }

// Input and Output are the bufferevent's buffers.
func (bv *Bufferevent) Input() *Buffer  { return &bv.in }
func (bv *Bufferevent) Output() *Buffer { return &bv.out }

// Enabled is bufferevent_get_enabled.
func (bv *Bufferevent) Enabled() int16 { return bv.c.enabled }

// bevAt finds the Bufferevent of the C struct at p (live, or dead but not
// yet finalized), or nil.
func bevAt(p unsafe.Pointer) *Bufferevent {
	c := (*cBev)(p)
	bv := bevs.Get(c.priv.idx)
	if bv == nil || bv.c != c { // (its block is c's only while bv.c is c)
		return nil
	}
	return bv
}

// recoverHandler keeps a bug in the core from unwinding through the loop's
// C frames: it is logged and the event is dropped.
func recoverHandler(what string) {
	if r := recover(); r != nil {
		svc.Logf(svc.LogErr, "%s: internal error in the goevent core: %v", what, r)
	}
}

func timeoutOf(tv *cTimeval) *reactor.Timeval {
	if tv.sec == 0 && tv.usec == 0 {
		return nil
	}
	return &reactor.Timeval{Sec: tv.sec, Usec: tv.usec}
}

// ---- references ----

func (bv *Bufferevent) incref() { bv.refcnt++ }

// decref drops a reference; at zero the bufferevent is taken apart (events
// deleted, backend unlink, finalizer queued). 1 if that happened.
func (bv *Bufferevent) decref() int {
	if bv.refcnt <= 0 {
		svc.Warnf("bufferevent_decref: bufferevent %p has no references left", unsafe.Pointer(bv.c))
		return -1
	}
	bv.refcnt--
	if bv.refcnt > 0 {
		return 0
	}
	bv.release()
	return 1
}

// release runs when the last reference is gone. The finalizer runs from the
// loop on ev_read, which nothing uses any more (its descriptor is kept for
// the backend's free): no memory is made for it, and event_base_free finds
// it on the active queues (FinalizeBase).
func (bv *Bufferevent) release() {
	c := bv.c
	bv.dead = true
	bv.base.Del(&c.evRead)
	bv.base.Del(&c.evWrite)
	c.evRead.RelTimeout, c.evWrite.RelTimeout = -1, -1
	bv.releaseLimiter() // bevx hook (ratelim_api.go): leave the rate-limit group, drop the refill timer
	if u, ok := bv.be.(bevUnlinker); ok {
		u.unlink(bv)
	}
	c.priv.magic = bevDead
	if d := bv.dfr; d != nil {
		bv.base.Del(&d.ev)
	}
	pri := c.evRead.Pri // the deferred callbacks' priority, as libevent finalizes there
	bv.base.AssignGo(&c.evRead, int(c.evRead.Fd), 0, bevFinID)
	c.evRead.Pri = pri
	bv.base.Active(&c.evRead, reactor.EV_TIMEOUT, 1)
	if c.evRead.Flags&reactor.EVLIST_ACTIVE == 0 {
		// The base refused (freed): nothing will run the finalizer.
		bv.finalize()
	}
}

// newDefer returns bv's deferred-callback event, making it first if needed;
// nil (logged) if memory is refused.
func (bv *Bufferevent) newDefer() *cDefer {
	if bv.dfr != nil {
		return bv.dfr
	}
	p := cmem.Alloc(sizeofCDefer)
	if p == nil {
		svc.Warnf("bufferevent: out of memory for a deferred callback")
		return nil
	}
	d := (*cDefer)(p)
	d.bev = bv.c
	bv.base.AssignGo(&d.ev, -1, 0, bevDeferID)
	d.ev.Pri = bv.c.evRead.Pri // bufferevent_priority_set's, or the same default
	bv.dfr = d
	return d
}

// Free is bufferevent_free: callbacks cleared, pending work cancelled, and
// the caller's reference dropped.
func (bv *Bufferevent) Free() {
	if bv.isFreed() || bv.dead {
		svc.Warnf("bufferevent_free: bufferevent %p freed twice", unsafe.Pointer(bv.c))
		return
	}
	c := bv.c
	c.priv.sflags |= bevSFFreed
	c.readcb, c.writecb, c.errorcb, c.cbarg = nil, nil, nil, nil
	bv.freeRest()
}

// freeRest is what bufferevent_free does after clearing the callbacks.
func (bv *Bufferevent) freeRest() {
	if cc, ok := bv.be.(bevCanceler); ok {
		cc.cancelAll(bv)
	}
	bv.decref()
}

// isFreed: bufferevent_free was called (or bv is finalized).
func (bv *Bufferevent) isFreed() bool { return bv.c == nil || bv.c.priv.sflags&bevSFFreed != 0 }

// cbEnter and cbLeave bracket a callback the core runs directly (not from
// the deferred-callback event): a reference is held meanwhile, and the
// C layer, seeing cbDepth, answers a bufferevent_free of a plain socket
// bufferevent there without a crossing (capi/bufferevent.c): it marks it
// freed and clears the callbacks, and cbLeave drops the caller's reference.
func (bv *Bufferevent) cbEnter() {
	bv.refcnt++
	bv.c.priv.cbDepth++
}

func (bv *Bufferevent) cbLeave() {
	p := &bv.c.priv
	p.cbDepth--
	if p.sflags&bevSFFreePending != 0 {
		p.sflags &^= bevSFFreePending
		bv.freeRest()
	}
	bv.decref()
}

// finalize releases what release left: the backend's resources (the
// descriptor with BEV_OPT_CLOSE_ON_FREE), the buffers, the table slot and
// the C memory.
func (bv *Bufferevent) finalize() {
	if bv.c == nil {
		return
	}
	c := bv.c
	evs := [3]*reactor.Event{&c.evRead, &c.evWrite}
	if bv.dfr != nil {
		evs[2] = &bv.dfr.ev
	}
	for _, ev := range evs {
		if ev != nil && ev.Flags&(reactor.EVLIST_ACTIVE|reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT) != 0 {
			bv.base.Del(ev)
		}
	}
	if bv.be != nil {
		bv.be.free(bv)
	}
	var ref *bevBlockRef
	for _, b := range [2]*Buffer{&bv.in, &bv.out} {
		b.owned = false
		b.hook = nil
		b.Free()
		if b.dying() { // its handle lives on in the block until it is freed
			if ref == nil {
				ref = &bevBlockRef{p: unsafe.Pointer(c)}
			}
			ref.n++
			b.x.blkRef = ref
			b.detachFromBev()
		}
	}
	bevs.Release(c.priv.idx)
	bv.c = nil
	if ref == nil {
		cmem.Free(unsafe.Pointer(c), sizeofCBev)
	}
	if bv.dfr != nil {
		cmem.Free(unsafe.Pointer(bv.dfr), sizeofCDefer)
		bv.dfr = nil
	}
}

// ---- enable / disable / suspension ----

// Enable is bufferevent_enable.
func (bv *Bufferevent) Enable(what int16) int {
	bv.incref()
	defer bv.decref()
	impl := what
	if bv.readSuspended != 0 {
		impl &^= reactor.EV_READ
	}
	if bv.writeSuspended != 0 {
		impl &^= reactor.EV_WRITE
	}
	bv.c.enabled |= what
	if impl&(reactor.EV_READ|reactor.EV_WRITE) != 0 && bv.be.enable(bv, impl&(reactor.EV_READ|reactor.EV_WRITE)) < 0 {
		return -1
	}
	return 0
}

// Disable is bufferevent_disable.
func (bv *Bufferevent) Disable(what int16) int {
	bv.c.enabled &^= what
	if bv.be.disable(bv, what&(reactor.EV_READ|reactor.EV_WRITE)) < 0 {
		return -1
	}
	return 0
}

func (bv *Bufferevent) suspendRead(reason uint16) {
	if bv.readSuspended == 0 {
		bv.be.disable(bv, reactor.EV_READ)
	}
	bv.readSuspended |= reason
	bv.c.priv.sflags |= bevSFReadSusp
}

func (bv *Bufferevent) unsuspendRead(reason uint16) {
	bv.readSuspended &^= reason
	if bv.readSuspended == 0 {
		bv.c.priv.sflags &^= bevSFReadSusp
	}
	if bv.readSuspended == 0 && bv.c.enabled&reactor.EV_READ != 0 {
		bv.be.enable(bv, reactor.EV_READ)
	}
}

func (bv *Bufferevent) suspendWrite(reason uint16) {
	if bv.writeSuspended == 0 {
		bv.be.disable(bv, reactor.EV_WRITE)
	}
	bv.writeSuspended |= reason
}

func (bv *Bufferevent) unsuspendWrite(reason uint16) {
	bv.writeSuspended &^= reason
	if bv.writeSuspended == 0 && bv.c.enabled&reactor.EV_WRITE != 0 {
		bv.be.enable(bv, reactor.EV_WRITE)
	}
}

// bufChanged is the buffers' hook (libevent's evbuffer callbacks of a
// bufferevent): the input's high-watermark check (bufferevent_inbuf_wm_cb,
// active while a read high watermark is set), then the backend's watcher.
func (bv *Bufferevent) bufChanged(b *Buffer, added, drained int) {
	if bv.dead {
		return
	}
	if b == &bv.in && bv.c.wmRead.high != 0 {
		if uintptr(b.Len()) >= bv.c.wmRead.high {
			bv.suspendRead(bevSuspendWM)
		} else {
			bv.unsuspendRead(bevSuspendWM)
		}
	}
	if s, ok := bv.be.(*bevSocket); ok { // (a compare; the interface assertion costs a lookup per change)
		s.bufChanged(bv, b, added, drained)
	} else if w, ok := bv.be.(bevBufWatcher); ok {
		w.bufChanged(bv, b, added, drained)
	}
}

// SetWatermark is bufferevent_setwatermark.
func (bv *Bufferevent) SetWatermark(events int16, low, high uintptr) {
	bv.incref()
	defer bv.decref()
	if events&reactor.EV_WRITE != 0 {
		bv.c.wmWrite = cWatermark{low, high}
	}
	if events&reactor.EV_READ != 0 {
		bv.c.wmRead = cWatermark{low, high}
		if high != 0 && uintptr(bv.in.Len()) >= high {
			bv.suspendRead(bevSuspendWM)
		} else {
			bv.unsuspendRead(bevSuspendWM)
		}
	}
}

// ---- callbacks ----

func (bv *Bufferevent) deferring(options int) bool {
	return (int(bv.options)|options)&BevOptDeferCallbacks != 0
}

// scheduleDeferred queues dfr (one reference held while it is queued):
// on the active queue, so that it runs in this loop pass after the current
// callback; when the deferred callbacks reschedule themselves (the input
// high-watermark check after a read callback) it waits for the next pass,
// as libevent's event_deferred_cb_schedule_ does once it has queued
// MAX_DEFERREDS_QUEUED callbacks in a pass (no pass ever ends otherwise).
func (bv *Bufferevent) scheduleDeferred() {
	if bv.deferQueued || bv.dead {
		return
	}
	d := bv.newDefer()
	if d == nil {
		return
	}
	ev := &d.ev
	if bv.inDeferred {
		bv.base.Add(ev, &reactor.Timeval{})
	} else {
		bv.base.Active(ev, reactor.EV_TIMEOUT, 1)
	}
	if ev.Flags&(reactor.EVLIST_ACTIVE|reactor.EVLIST_TIMEOUT) != 0 {
		bv.deferQueued = true
		bv.incref()
	}
}

// runInPass runs a callback runner so that a deferred callback scheduled
// from inside the bufferevent's own deferred callbacks because data moved
// (a reader draining its input makes a pair or a filter refill it) is
// queued behind the ones already queued in this loop pass, as libevent does
// (event_deferred_cb_schedule_ activates at once below
// MAX_DEFERREDS_QUEUED), not in the next pass: scheduleDeferred defers such
// self-rescheduling only for the input-watermark re-check, which would
// otherwise never end a pass.
func runInPass(bv *Bufferevent, run func(int)) {
	if bv.inDeferred {
		bv.inDeferred = false
		run(0)
		bv.inDeferred = true
		return
	}
	run(0)
}

// inbufWmCheck is bufferevent_inbuf_wm_check, run after each read callback:
// while reading is enabled and the input is still at or above the high
// watermark, the read callback is scheduled again (deferred), so that a
// program that did not drain enough is called until it does.
func (bv *Bufferevent) inbufWmCheck() {
	high := bv.c.wmRead.high
	if high == 0 || bv.c.enabled&reactor.EV_READ == 0 || uintptr(bv.in.Len()) < high {
		return
	}
	bv.Trigger(reactor.EV_READ, BevOptDeferCallbacks)
}

// runReadcb is bufferevent_run_readcb_.
func (bv *Bufferevent) runReadcb(options int) {
	if bv.c.readcb == nil {
		return
	}
	if bv.deferring(options) {
		bv.readPending = true
		bv.scheduleDeferred()
		return
	}
	bv.cbEnter()
	callBevData(bv.c.readcb, unsafe.Pointer(bv.c), bv.c.cbarg)
	bv.cbLeave()
	bv.inbufWmCheck()
}

// runWritecb is bufferevent_run_writecb_.
func (bv *Bufferevent) runWritecb(options int) {
	if bv.c.writecb == nil {
		return
	}
	if bv.deferring(options) {
		bv.writePending = true
		bv.scheduleDeferred()
		return
	}
	bv.cbEnter()
	callBevData(bv.c.writecb, unsafe.Pointer(bv.c), bv.c.cbarg)
	bv.cbLeave()
}

// runEventcb is bufferevent_run_eventcb_; err is the errno the callback sees.
func (bv *Bufferevent) runEventcb(what int16, options int, err int) {
	if bv.c.errorcb == nil {
		return
	}
	if bv.deferring(options) {
		bv.eventPending |= what
		bv.errnoPending = int32(err)
		bv.scheduleDeferred()
		return
	}
	bv.cbEnter()
	callBevEvent(bv.c.errorcb, unsafe.Pointer(bv.c), what, bv.c.cbarg, err)
	bv.cbLeave()
}

// trigger is bufferevent_trigger_nolock_.
func (bv *Bufferevent) trigger(iotype int16, options int) {
	if iotype&reactor.EV_READ != 0 && (options&BevTrigIgnoreWatermarks != 0 || uintptr(bv.in.Len()) >= bv.c.wmRead.low) {
		bv.runReadcb(options)
	}
	if iotype&reactor.EV_WRITE != 0 && (options&BevTrigIgnoreWatermarks != 0 || uintptr(bv.out.Len()) <= bv.c.wmWrite.low) {
		bv.runWritecb(options)
	}
}

// Trigger is bufferevent_trigger; TriggerEvent is bufferevent_trigger_event.
func (bv *Bufferevent) Trigger(iotype int16, options int) {
	bv.incref()
	bv.trigger(iotype, options&bevTrigAllOpts)
	bv.decref()
}

func (bv *Bufferevent) TriggerEvent(what int16, options int) {
	bv.incref()
	bv.runEventcb(what, options&bevTrigAllOpts, 0)
	bv.decref()
}

// runDeferred is bufferevent_run_deferred_callbacks_{locked,unlocked}.
// With BEV_OPT_UNLOCK_CALLBACKS (which requires BEV_OPT_DEFER_CALLBACKS)
// the base lock is released around each callback, as libevent releases the
// bufferevent's lock (a no-op for a base without thread support). The
// callback and its argument are read before, and the state re-read after:
// another thread may change or free the bufferevent meanwhile (the
// reference the queued callbacks hold keeps it alive).
func (bv *Bufferevent) runDeferred() {
	c := bv.c
	unlocked := bv.options&BevOptUnlockCallback != 0
	bv.deferQueued = false
	bv.inDeferred = true
	defer func() { bv.inDeferred = false }()
	if bv.eventPending&BevEventConnected != 0 && c.errorcb != nil {
		bv.eventPending &^= BevEventConnected
		fn, arg := c.errorcb, c.cbarg
		bv.cbUnlock(unlocked)
		callBevEvent(fn, unsafe.Pointer(c), BevEventConnected, arg, 0)
		bv.cbRelock(unlocked)
	}
	if bv.readPending && c.readcb != nil {
		bv.readPending = false
		fn, arg := c.readcb, c.cbarg
		bv.cbUnlock(unlocked)
		callBevData(fn, unsafe.Pointer(c), arg)
		bv.cbRelock(unlocked)
		bv.inbufWmCheck()
	}
	if bv.writePending && c.writecb != nil {
		bv.writePending = false
		fn, arg := c.writecb, c.cbarg
		bv.cbUnlock(unlocked)
		callBevData(fn, unsafe.Pointer(c), arg)
		bv.cbRelock(unlocked)
	}
	if bv.eventPending != 0 && c.errorcb != nil {
		what, err := bv.eventPending, int(bv.errnoPending)
		bv.eventPending, bv.errnoPending = 0, 0
		fn, arg := c.errorcb, c.cbarg
		bv.cbUnlock(unlocked)
		callBevEvent(fn, unsafe.Pointer(c), what, arg, err)
		bv.cbRelock(unlocked)
	}
	bv.decref()
}

// cbUnlock and cbRelock release and retake the base lock around a
// callback of a BEV_OPT_UNLOCK_CALLBACKS bufferevent (unlocked true).
func (bv *Bufferevent) cbUnlock(unlocked bool) {
	if unlocked {
		bv.base.Unlock()
	}
}

func (bv *Bufferevent) cbRelock(unlocked bool) {
	if unlocked {
		bv.base.Lock()
	}
}

func (bevDeferHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("bufferevent deferred callbacks")
	bv := bevAt(unsafe.Pointer((*cDefer)(unsafe.Pointer(ev)).bev))
	if bv == nil {
		svc.Warnf("bufferevent: deferred event %p of an unknown bufferevent", unsafe.Pointer(ev))
		return
	}
	if bv.dead {
		bv.finalize()
		return
	}
	bv.runDeferred()
}

// ---- limits ----

// readMax is bufferevent_get_read_max_: max_single_read, capped by the
// limiter.
func (bv *Bufferevent) readMax() int {
	x := bv.x
	if x == nil {
		return maxSingleReadDefault
	}
	n := int(x.maxSingleRead)
	if x.limiter != nil {
		if m := x.limiter.readMax(bv); m < n {
			n = m
		}
	}
	return n
}

// writeMax is bufferevent_get_write_max_.
func (bv *Bufferevent) writeMax() int {
	x := bv.x
	if x == nil {
		return maxSingleWriteDefault
	}
	n := int(x.maxSingleWrite)
	if x.limiter != nil {
		if m := x.limiter.writeMax(bv); m < n {
			n = m
		}
	}
	return n
}

// SetMaxSingleRead is bufferevent_set_max_single_read (0 or too large:
// the default).
func (bv *Bufferevent) SetMaxSingleRead(n uint64) {
	if n == 0 || n > uint64(evSsizeMax) {
		bv.ext().maxSingleRead = maxSingleReadDefault
	} else {
		bv.ext().maxSingleRead = int64(n)
	}
}

func (bv *Bufferevent) SetMaxSingleWrite(n uint64) {
	if n == 0 || n > uint64(evSsizeMax) {
		bv.ext().maxSingleWrite = maxSingleWriteDefault
	} else {
		bv.ext().maxSingleWrite = int64(n)
	}
}

// ---- timeouts ----

// SetTimeouts is bufferevent_set_timeouts (nil: no timeout).
func (bv *Bufferevent) SetTimeouts(rd, wr *cTimeval) int {
	bv.incref()
	defer bv.decref()
	if rd != nil {
		bv.c.timeoutRead = *rd
	} else {
		bv.c.timeoutRead = cTimeval{}
	}
	if wr != nil {
		bv.c.timeoutWrite = *wr
	} else {
		bv.c.timeoutWrite = cTimeval{}
	}
	if a, ok := bv.be.(bevTimeoutAdjuster); ok {
		return a.adjTimeouts(bv)
	}
	return bv.genericAdjTimeouts()
}

// initGenericTimeouts makes c.evRead and c.evWrite plain timers whose expiry
// disables the direction and reports BEV_EVENT_{READING,WRITING}|TIMEOUT
// (bufferevent_init_generic_timeout_cbs_). newBufferevent already does this.
func (bv *Bufferevent) initGenericTimeouts() {
	bv.base.AssignGo(&bv.c.evRead, -1, reactor.EV_FINALIZE, bevTimerRID)
	bv.base.AssignGo(&bv.c.evWrite, -1, reactor.EV_FINALIZE, bevTimerWID)
}

// genericAdjTimeouts is bufferevent_generic_adj_timeouts_ (for backends
// using initGenericTimeouts): a read timer while reading is enabled and not
// suspended, a write timer while output waits.
func (bv *Bufferevent) genericAdjTimeouts() int {
	c := bv.c
	r := 0
	if c.enabled&reactor.EV_READ != 0 && bv.readSuspended == 0 && timeoutOf(&c.timeoutRead) != nil {
		r |= bv.base.Add(&c.evRead, timeoutOf(&c.timeoutRead))
	} else {
		bv.base.Del(&c.evRead)
	}
	if c.enabled&reactor.EV_WRITE != 0 && bv.writeSuspended == 0 && timeoutOf(&c.timeoutWrite) != nil && bv.out.Len() > 0 {
		r |= bv.base.Add(&c.evWrite, timeoutOf(&c.timeoutWrite))
	} else {
		bv.base.Del(&c.evWrite)
	}
	if r != 0 {
		return -1
	}
	return 0
}

func (h bevTimerHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("bufferevent timeout")
	off := offEvRead
	if h.write {
		off = offEvWrite
	}
	bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(off)))
	if bv == nil || bv.dead {
		return
	}
	bv.incref()
	if h.write {
		bv.Disable(reactor.EV_WRITE)
		bv.runEventcb(BevEventTimeout|BevEventWriting, 0, 0)
	} else {
		bv.Disable(reactor.EV_READ)
		bv.runEventcb(BevEventTimeout|BevEventReading, 0, 0)
	}
	bv.decref()
}

// ---- data ----

// Write is bufferevent_write; WriteBuffer is bufferevent_write_buffer.
func (bv *Bufferevent) Write(p unsafe.Pointer, n int) int { return bv.out.Add(p, n) }
func (bv *Bufferevent) WriteBuffer(src *Buffer) int       { return bv.out.AddBuffer(src) }

// Read is bufferevent_read; ReadBuffer is bufferevent_read_buffer.
func (bv *Bufferevent) Read(p unsafe.Pointer, n int) int { return bv.in.Remove(p, n) }
func (bv *Bufferevent) ReadBuffer(dst *Buffer) int       { return dst.AddBuffer(&bv.in) }

// ---- finalizers ----

// bevFinHandler runs the finalizer release queued on ev_read.
func (bevFinHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("bufferevent finalizer")
	if bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvRead))); bv != nil && bv.dead {
		bv.finalize()
	}
}

// FinalizeBase runs the pending finalizers of bufferevents freed on the base
// at cbase (libevent's event_base_free runs pending finalizers too): they
// wait on its active queues. The C layer calls it from event_base_free
// before the reactor frees the base.
func FinalizeBase(cbase unsafe.Pointer) {
	b := reactor.FromC(cbase)
	if b == nil || bevFinID == 0 {
		return
	}
	for _, ev := range b.ActiveGo(bevFinID) {
		if ev.Flags&reactor.EVLIST_ACTIVE == 0 { // finalized by an earlier one
			continue
		}
		if bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvRead))); bv != nil && bv.dead {
			bv.finalize()
		}
	}
}
