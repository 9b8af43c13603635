package core

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"
	"goevent/reactor"
)

// Socket bufferevents, with libevent 2.1.12's observable behaviour:
//   - a new bufferevent has EV_WRITE enabled only; enable(EV_READ) starts
//     reading;
//   - reading: one read per readiness into the input buffer; readcb when the
//     input holds at least the read low watermark; reading stops at the read
//     high watermark and resumes once the input drains below it;
//   - writing: data added to the output is written from the loop, never inside
//     bufferevent_write; writecb when the output drains to the write low
//     watermark; end of file and errors go to the event callback (EV_READ or
//     EV_WRITE disabled first), with errno set;
//   - bufferevent_free clears the callbacks and deletes the events at once;
//     the descriptor is closed (BEV_OPT_CLOSE_ON_FREE) and the memory released
//     by a finalizer that runs from the loop, so freeing from inside any
//     callback is safe.
//
// Where we differ, to save system calls (libevent: ioctl FIONREAD + read per
// readiness; epoll_ctl to add write interest, epoll_wait, writev, epoll_ctl to
// remove it per message): reads need no FIONREAD (see Buffer.ReadFrom), and
// data added to the output is not written after an EPOLLOUT round trip but by
// activating ev_write (no system call) so that the write happens from the
// loop's active queue in the same iteration, coalescing everything the
// program added meanwhile into one send. Write interest (EPOLLOUT) is
// registered only when the kernel refused part of the output, and kept while
// output remains. An echoed message costs a read and a send, plus a share of
// epoll_wait.

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
)

type cTimeval struct{ sec, usec int64 }

type cWatermark struct{ low, high uintptr }

// cBev mirrors struct bufferevent (event2/bufferevent_struct.h, 392 bytes)
// and struct gev_bev_private after it. The C layer reads input, output,
// enabled, ev_read.ev_fd and the callbacks directly; bufferevent_setcb stores
// the callbacks in C, so they are read from here at each call.
type cBev struct {
	evBase       unsafe.Pointer // 0
	beOps        unsafe.Pointer // 8
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
}

const (
	bevLive = 0x62657620
	bevDead = 0xdeadbe00

	sizeofCBev  = int(unsafe.Sizeof(cBev{}))
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

// Bufferevent is the Go side of one socket bufferevent.
type Bufferevent struct {
	c       *cBev
	gen     uint64
	base    *reactor.Base
	in, out *Buffer
	options int
	kind    fdKind

	readAdded   bool // ev_read is pending in the reactor
	writeAdded  bool // ev_write is pending: waiting for EPOLLOUT
	flushQueued bool // ev_write was activated to write from the loop
	readSusp    bool // reading suspended by the high watermark
	freed       bool // bufferevent_free was called; finalizer queued

	finPrev, finNext *Bufferevent // list of freed, not yet finalized
}

var bevs = slots.Table[Bufferevent]{Max: maxObjects}

type bevReadHandler struct{}
type bevWriteHandler struct{}

var (
	handlersOnce          sync.Once
	bevReadID, bevWriteID uintptr
	levReadID, levTimerID uintptr
	handlersOK            bool
)

func registerHandlers() bool {
	handlersOnce.Do(func() {
		bevReadID = reactor.RegisterHandler(bevReadHandler{})
		bevWriteID = reactor.RegisterHandler(bevWriteHandler{})
		levReadID = reactor.RegisterHandler(levReadHandler{})
		levTimerID = reactor.RegisterHandler(levTimerHandler{})
		handlersOK = bevReadID != 0 && bevWriteID != 0 && levReadID != 0 && levTimerID != 0
	})
	return handlersOK
}

// NewSocketBufferevent is bufferevent_socket_new. fd may be -1 (no events are
// registered until it has one).
func NewSocketBufferevent(base *reactor.Base, fd int, options int) *Bufferevent {
	if base == nil {
		svc.Warnf("bufferevent_socket_new: event_base is not usable")
		return nil
	}
	if !registerHandlers() {
		svc.Warnf("bufferevent_socket_new: cannot register the core's event handlers")
		return nil
	}
	p := cmem.Alloc(sizeofCBev)
	if p == nil {
		svc.Warnf("bufferevent_socket_new: out of memory")
		return nil
	}
	in, out := NewBuffer(), NewBuffer()
	if in == nil || out == nil {
		if in != nil {
			in.Free()
		}
		if out != nil {
			out.Free()
		}
		cmem.Free(p, sizeofCBev)
		svc.Warnf("bufferevent_socket_new: out of memory")
		return nil
	}
	c := (*cBev)(p)
	bv := &Bufferevent{c: c, gen: nextGen(), base: base, in: in, out: out, options: options}
	idx, ok := bevs.Put(bv)
	if !ok {
		in.Free()
		out.Free()
		cmem.Free(p, sizeofCBev)
		svc.Warnf("bufferevent_socket_new: too many bufferevents")
		return nil
	}
	c.evBase = base.C()
	base.AssignGo(&c.evRead, fd, reactor.EV_READ|reactor.EV_PERSIST, bevReadID)
	base.AssignGo(&c.evWrite, fd, reactor.EV_WRITE|reactor.EV_PERSIST, bevWriteID)
	c.input, c.output = in.h, out.h
	c.enabled = reactor.EV_WRITE
	in.owned, out.owned = true, true
	in.hook, out.hook = bv, bv
	c.priv = cBevPriv{magic: bevLive, idx: idx, gen: bv.gen}
	return bv
}

// Handle is the struct bufferevent * given to C.
func (bv *Bufferevent) Handle() unsafe.Pointer { return unsafe.Pointer(bv.c) }

// Input and Output are the bufferevent's buffers.
func (bv *Bufferevent) Input() *Buffer  { return bv.in }
func (bv *Bufferevent) Output() *Buffer { return bv.out }

func (bv *Bufferevent) fd() int { return int(bv.c.evRead.Fd) }

// bevAt finds the Bufferevent of the C struct at p (live or freed but not yet
// finalized), or nil.
func bevAt(p unsafe.Pointer) *Bufferevent {
	c := (*cBev)(p)
	bv := bevs.Get(c.priv.idx)
	if bv == nil || bv.c != c || bv.gen != c.priv.gen {
		return nil
	}
	return bv
}

func (bevReadHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("bufferevent read")
	if bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvRead))); bv != nil {
		bv.onRead(res)
	} else {
		svc.Warnf("bufferevent: read event %p of an unknown bufferevent", unsafe.Pointer(ev))
	}
}

func (bevWriteHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("bufferevent write")
	if bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvWrite))); bv != nil {
		bv.onWrite(res)
	} else {
		svc.Warnf("bufferevent: write event %p of an unknown bufferevent", unsafe.Pointer(ev))
	}
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

func (bv *Bufferevent) addRead() int {
	if bv.readAdded || bv.fd() < 0 {
		return 0
	}
	if bv.base.Add(&bv.c.evRead, timeoutOf(&bv.c.timeoutRead)) != 0 {
		return -1
	}
	bv.readAdded = true
	return 0
}

func (bv *Bufferevent) delRead() {
	if bv.readAdded {
		bv.base.Del(&bv.c.evRead)
		bv.readAdded = false
	}
	// No stale persist timeout: an activation must not re-add the event.
	bv.c.evRead.RelTimeout = -1
}

func (bv *Bufferevent) addWrite() {
	if bv.writeAdded || bv.fd() < 0 {
		return
	}
	if bv.base.Add(&bv.c.evWrite, timeoutOf(&bv.c.timeoutWrite)) == 0 {
		bv.writeAdded = true
	}
}

func (bv *Bufferevent) delWrite() {
	if bv.writeAdded || bv.flushQueued {
		bv.base.Del(&bv.c.evWrite)
		bv.writeAdded, bv.flushQueued = false, false
	}
	bv.c.evWrite.RelTimeout = -1
}

// wantFlush schedules a write from the loop if one is possible and none is
// scheduled or waiting for EPOLLOUT.
func (bv *Bufferevent) wantFlush() {
	if bv.freed || bv.c.enabled&reactor.EV_WRITE == 0 || bv.writeAdded || bv.flushQueued ||
		bv.fd() < 0 || bv.out.Len() == 0 {
		return
	}
	bv.flushQueued = true
	bv.base.Active(&bv.c.evWrite, reactor.EV_WRITE, 1)
}

// bufChanged is the buffers' hook: data added to the output is scheduled for
// writing; input drained below the high watermark resumes reading.
func (bv *Bufferevent) bufChanged(b *Buffer, added, drained int) {
	if bv.freed {
		return
	}
	if b == bv.out {
		if added > 0 {
			bv.wantFlush()
		}
		return
	}
	if drained > 0 && bv.readSusp {
		bv.maybeUnsuspend()
	}
}

func (bv *Bufferevent) maybeUnsuspend() {
	high := int(bv.c.wmRead.high)
	if high == 0 || bv.in.Len() < high {
		bv.readSusp = false
		if bv.c.enabled&reactor.EV_READ != 0 {
			bv.addRead()
		}
	}
}

func (bv *Bufferevent) suspendRead() {
	bv.readSusp = true
	bv.delRead()
}

func (bv *Bufferevent) callData(fn unsafe.Pointer) {
	if fn != nil {
		callBevData(fn, unsafe.Pointer(bv.c), bv.c.cbarg)
	}
}

// fail disables the direction that failed and reports what to the event
// callback with errno err.
func (bv *Bufferevent) fail(what int16, err unix.Errno) {
	if what&BevEventReading != 0 {
		bv.c.enabled &^= reactor.EV_READ
		bv.delRead()
	}
	if what&BevEventWriting != 0 {
		bv.c.enabled &^= reactor.EV_WRITE
		bv.delWrite()
	}
	if fn := bv.c.errorcb; fn != nil {
		callBevEvent(fn, unsafe.Pointer(bv.c), what, bv.c.cbarg, int(err))
	}
}

func (bv *Bufferevent) onRead(res int16) {
	if bv.freed {
		return
	}
	if res&(reactor.EV_TIMEOUT|reactor.EV_READ) == reactor.EV_TIMEOUT {
		bv.fail(BevEventReading|BevEventTimeout, unix.ETIMEDOUT)
		return
	}
	if bv.c.enabled&reactor.EV_READ == 0 {
		bv.delRead()
		return
	}
	max := 0
	high := int(bv.c.wmRead.high)
	if high > 0 {
		l := bv.in.Len()
		if l >= high {
			bv.suspendRead()
			return
		}
		max = high - l
	}
	n, e := bv.in.ReadFrom(bv.fd(), max)
	if n < 0 {
		if e == unix.EAGAIN || e == unix.EINTR {
			return
		}
		bv.fail(BevEventReading|BevEventError, e)
		return
	}
	if n == 0 {
		bv.fail(BevEventReading|BevEventEOF, 0)
		return
	}
	if high > 0 && bv.in.Len() >= high {
		bv.suspendRead()
	}
	if bv.in.Len() >= int(bv.c.wmRead.low) {
		bv.callData(bv.c.readcb)
	}
}

func (bv *Bufferevent) onWrite(res int16) {
	if bv.freed {
		bv.finalize()
		return
	}
	bv.flushQueued = false
	if res&(reactor.EV_TIMEOUT|reactor.EV_WRITE) == reactor.EV_TIMEOUT {
		bv.fail(BevEventWriting|BevEventTimeout, unix.ETIMEDOUT)
		return
	}
	if bv.c.enabled&reactor.EV_WRITE == 0 {
		bv.delWrite()
		return
	}
	if bv.out.Len() == 0 {
		bv.delWrite()
		return
	}
	n, e := bv.out.WriteTo(bv.fd(), 0, &bv.kind)
	if n < 0 {
		if e == unix.EAGAIN || e == unix.EINTR {
			bv.addWrite()
			return
		}
		bv.fail(BevEventWriting|BevEventError, e)
		return
	}
	if n == 0 {
		bv.fail(BevEventWriting|BevEventEOF, 0)
		return
	}
	if bv.out.Len() > 0 {
		bv.addWrite() // the kernel took part: wait for EPOLLOUT
	} else {
		bv.delWrite()
	}
	if bv.c.enabled&reactor.EV_WRITE != 0 && bv.out.Len() <= int(bv.c.wmWrite.low) {
		bv.callData(bv.c.writecb)
	}
}

// Enable is bufferevent_enable.
func (bv *Bufferevent) Enable(what int16) int {
	what &= reactor.EV_READ | reactor.EV_WRITE
	bv.c.enabled |= what
	r := 0
	if what&reactor.EV_READ != 0 {
		if bv.readSusp {
			bv.maybeUnsuspend()
		} else if bv.addRead() != 0 {
			r = -1
		}
	}
	if what&reactor.EV_WRITE != 0 {
		bv.wantFlush()
	}
	return r
}

// Disable is bufferevent_disable.
func (bv *Bufferevent) Disable(what int16) int {
	what &= reactor.EV_READ | reactor.EV_WRITE
	bv.c.enabled &^= what
	if what&reactor.EV_READ != 0 {
		bv.delRead()
	}
	if what&reactor.EV_WRITE != 0 {
		bv.delWrite()
	}
	return 0
}

// Write is bufferevent_write; WriteBuffer is bufferevent_write_buffer.
func (bv *Bufferevent) Write(p unsafe.Pointer, n int) int { return bv.out.Add(p, n) }
func (bv *Bufferevent) WriteBuffer(src *Buffer) int       { return bv.out.AddBuffer(src) }

// Read is bufferevent_read; ReadBuffer is bufferevent_read_buffer.
func (bv *Bufferevent) Read(p unsafe.Pointer, n int) int { return bv.in.Remove(p, n) }
func (bv *Bufferevent) ReadBuffer(dst *Buffer) int       { return dst.AddBuffer(bv.in) }

// Free is bufferevent_free: callbacks cleared and events deleted now, the
// descriptor closed and memory released by a finalizer run from the loop.
func (bv *Bufferevent) Free() {
	if bv.freed {
		return
	}
	c := bv.c
	c.readcb, c.writecb, c.errorcb, c.cbarg = nil, nil, nil, nil
	bv.delRead()
	bv.delWrite()
	bv.freed = true
	c.priv.magic = bevDead
	finList.push(bv)
	bv.base.Active(&c.evWrite, reactor.EV_WRITE, 1)
	if c.evWrite.Flags&reactor.EVLIST_ACTIVE == 0 {
		// The base refused (freed): nothing will run the finalizer.
		bv.finalize()
	}
}

// finalize releases what Free left: the descriptor (BEV_OPT_CLOSE_ON_FREE),
// the buffers, the table slot and the C memory.
func (bv *Bufferevent) finalize() {
	if bv.c == nil {
		return
	}
	finList.remove(bv)
	c := bv.c
	if c.evWrite.Flags&(reactor.EVLIST_ACTIVE|reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT) != 0 {
		bv.base.Del(&c.evWrite)
	}
	if bv.options&BevOptCloseOnFree != 0 {
		if fd := bv.fd(); fd >= 0 {
			unix.Close(fd)
		}
	}
	for _, b := range [2]*Buffer{bv.in, bv.out} {
		b.owned = false
		b.hook = nil
		b.Free()
	}
	bevs.Release(c.priv.idx)
	bv.gen = 0
	bv.c = nil
	cmem.Free(unsafe.Pointer(c), sizeofCBev)
}

// finList links the freed bufferevents whose finalizer has not run yet, so
// that FinalizeBase can run them when their base is freed (libevent's
// event_base_free runs pending finalizers too).
type finalizerList struct {
	mu   sync.Mutex
	head *Bufferevent
}

var finList finalizerList

func (l *finalizerList) push(bv *Bufferevent) {
	l.mu.Lock()
	bv.finPrev, bv.finNext = nil, l.head
	if l.head != nil {
		l.head.finPrev = bv
	}
	l.head = bv
	l.mu.Unlock()
}

func (l *finalizerList) remove(bv *Bufferevent) {
	l.mu.Lock()
	if bv.finPrev != nil {
		bv.finPrev.finNext = bv.finNext
	} else if l.head == bv {
		l.head = bv.finNext
	}
	if bv.finNext != nil {
		bv.finNext.finPrev = bv.finPrev
	}
	bv.finPrev, bv.finNext = nil, nil
	l.mu.Unlock()
}

// FinalizeBase runs the pending finalizers of bufferevents freed on the base
// at cbase. The C layer calls it from event_base_free before the reactor
// frees the base.
func FinalizeBase(cbase unsafe.Pointer) {
	for {
		var victim *Bufferevent
		finList.mu.Lock()
		for bv := finList.head; bv != nil; bv = bv.finNext {
			if bv.c != nil && bv.c.evBase == cbase {
				victim = bv
				break
			}
		}
		finList.mu.Unlock()
		if victim == nil {
			return
		}
		victim.finalize()
	}
}
