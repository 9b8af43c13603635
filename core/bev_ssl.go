package core

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
	"goevent/internal/svc"
	"goevent/reactor"
)

// TLS bufferevents (libevent 2.1.12's bufferevent_openssl.c), a backend of
// the generic bufferevent that speaks TLS through the program's OpenSSL.
// The core does not link OpenSSL: every OpenSSL call is a step of
// libevent_openssl (capi/ssl/bufferevent_openssl.c) called through the table
// it passes when it makes the bufferevent (capi/gev_ssl.h), with the bytes
// in the bufferevent's own buffers (C memory). A step is one Go->C crossing:
// one round of SSL_read into up to two reserved vectors, of SSL_write from
// up to eight segments of the output, or one SSL_do_handshake.
//
// Two variants, as in libevent:
//   - on a socket (bufferevent_openssl_socket_new): OpenSSL's socket BIO
//     reads and writes the descriptor itself; ev_read and ev_write watch it
//     (with timeout_read/timeout_write: a timeout reports
//     BEV_EVENT_TIMEOUT|READING or |WRITING and the events stay, persistent);
//   - over another bufferevent (bufferevent_openssl_filter_new): libevent_
//     openssl's BIO reads the underlying's input and writes its output; the
//     underlying's callbacks are C trampolines back into this file, its
//     reading is suspended (BEV_SUSPEND_FILT_READ) while we do not want
//     records, and ev_read/ev_write are the generic timeout timers.
//
// The state machine is libevent's, checked against Debian's
// libevent_openssl-2.1.so.7 (tests/c/cases/ssl_*): the handshake states
// (BUFFEREVENT_SSL_CONNECTING/ACCEPTING, then OPEN and BEV_EVENT_CONNECTED,
// again after bufferevent_ssl_renegotiate), read-blocked-on-write and
// write-blocked-on-read, the clean, dirty and failed shutdowns of
// conn_closed (with allow_dirty_shutdown), the errors queued for
// bufferevent_get_openssl_error (libevent_openssl fills them: they must be
// read off OpenSSL right after the failing call), bufferevent_setfd
// restarting the handshake from the state the bufferevent was made in,
// rate limits charged with the bytes the BIOs moved, a deferred write
// callback after each write round, and libevent's quirks kept where a
// program could see them (stop_writing over an underlying bufferevent
// resumes its reading; a filter starts its handshake only from the
// underlying's callbacks).
//
// One difference, as for socket bufferevents (docs/DIFFERENCES.md): data
// added to the output of an open socket bufferevent is written from the loop
// in the same pass (ev_write is activated, not added for EPOLLOUT); ev_write
// is added for real only when a write round leaves it pending, i.e. when
// OpenSSL could not write everything.

// enum bufferevent_ssl_state.
const (
	sslOpen       = 0
	sslConnecting = 1
	sslAccepting  = 2
)

// SSL_get_error codes the state machine tells apart.
const (
	sslErrWantRead  = 2
	sslErrWantWrite = 3
)

// libevent's OP_* results of do_read/do_write and its read/write sizes.
const (
	opMadeProgress = 1
	opBlocked      = 2
	opErr          = 4

	sslWriteFrame  = 15000
	sslReadDefault = 4096
	sslMaxIov      = 8
)

// bevOpsSSL is the be_ops tag of TLS bufferevents (bufferevent.go's
// bevOps*): the C layer asks the core for their descriptor.
const bevOpsSSL = 4

// cSSLIov, cSSLOp and cSSLFuncs mirror struct gev_ssl_iov, gev_ssl_op and
// gev_ssl_funcs (capi/gev_ssl.h; checked in bev_ssl_cgo.go).
type cSSLIov struct {
	base unsafe.Pointer
	len  uintptr
}

type cSSLOp struct {
	ssl      unsafe.Pointer
	under    unsafe.Pointer
	iov      [sslMaxIov]cSSLIov
	niov     int32
	nused    int32
	len      [sslMaxIov]int32
	ret      int32
	err      int32
	event    int32
	dirty    int32
	pending  int32
	sysErrno int32
	nread    uint64
	nwritten uint64
	errors   [3]uint32
	nerrors  int32
}

type cSSLFuncs struct {
	abi         uint32
	_           uint32
	read        uintptr
	write       uintptr
	handshake   uintptr
	counts      uintptr
	renegotiate uintptr
	setBio      uintptr
	restart     uintptr
	destruct    uintptr
}

var sizeofSSLOp = int(unsafe.Sizeof(cSSLOp{}))

// The C trampolines a filter's underlying bufferevent calls (set by the C
// layer with each new TLS bufferevent).
var sslTrampolines struct{ read, write, event unsafe.Pointer }

type bevSSL struct {
	bv    *Bufferevent
	under *Bufferevent // nil: on a socket
	op    *cSSLOp      // C memory; op.ssl nil once the SSL is not ours to free
	fns   *cSSLFuncs

	state, oldState int
	hsCbs           bool // the handshake callbacks are installed (set_handshake_callbacks)
	rbow, wbor      bool // read blocked on write, write blocked on read
	allowDirty      bool
	lastWrite       int    // > 0: retry SSL_write with this many bytes
	nRead, nWritten uint64 // BIO counts already charged to the rate limits

	// Socket variant: libevent's view of ev_read and ev_write (pending:
	// event_add'ed and not event_del'ed since) and, for ev_write, how it is
	// pending: inserted in the reactor, or only activated (kicked) to write
	// from the loop in this pass.
	evInit       bool // the events were assigned (event_initialized)
	pending      int  // SSL_pending() after the last read step
	rPend, wPend bool
	wIns, wKick  bool

	lookupState // bufferevent_socket_connect_hostname (never cancelled: libevent's TLS kind has no BEV_CTRL_CANCEL_ALL)
}

// sslBufferevent is a TLS bufferevent in one allocation (as
// socketBufferevent).
type sslBufferevent struct {
	Bufferevent
	ssl bevSSL
}

type sslReadHandler struct{}
type sslWriteHandler struct{}

var (
	sslHandlersOnce       sync.Once
	sslReadID, sslWriteID uintptr
)

func sslOf(bv *Bufferevent) *bevSSL {
	s, _ := bv.be.(*bevSSL)
	return s
}

// NewSSLBufferevent is bufferevent_openssl_new_impl: under nil for a socket
// (fd may be -1), else fd -1. On failure nil, and the SSL was not freed (the
// C side frees it with BEV_OPT_CLOSE_ON_FREE).
func NewSSLBufferevent(base *reactor.Base, under *Bufferevent, fd int, ssl unsafe.Pointer, state int, options int, fns *cSSLFuncs) *Bufferevent {
	fn := "bufferevent_openssl_socket_new"
	if under != nil {
		fn = "bufferevent_openssl_filter_new"
	}
	if under != nil && fd >= 0 {
		return nil
	}
	if fns == nil || fns.abi != sslABI {
		svc.Warnf("%s: libevent_openssl does not match this goevent core", fn)
		return nil
	}
	sslHandlersOnce.Do(func() {
		sslReadID = reactor.RegisterHandler(sslReadHandler{})
		sslWriteID = reactor.RegisterHandler(sslWriteHandler{})
	})
	if sslReadID == 0 || sslWriteID == 0 {
		svc.Warnf("%s: cannot register the core's event handlers", fn)
		return nil
	}
	sb := new(sslBufferevent) // the bufferevent, its buffers and backend in one object
	bv := newBufferEventIn(&sb.Bufferevent, base, nil, options&^BevOptThreadsafe, fn, true)
	if bv == nil {
		return nil
	}
	p := cmem.Alloc(sizeofSSLOp)
	if p == nil {
		svc.Warnf("%s: out of memory", fn)
		bv.Free()
		return nil
	}
	op := (*cSSLOp)(p)
	*op = cSSLOp{ssl: ssl}
	s := &sb.ssl
	*s = bevSSL{bv: bv, under: under, op: op, fns: fns, state: state, oldState: state, lastWrite: -1}
	bv.be = s
	bv.c.beOps = bevOpsSSL
	if under != nil {
		op.under = under.Handle()
		under.incref()
	}
	sslStep(fns.counts, op)
	s.nRead, s.nWritten = op.nread, op.nwritten
	if s.setFD(state, fd) != 0 {
		op.ssl = nil // the caller frees it
		bv.Free()
		return nil
	}
	if under != nil {
		under.SetWatermark(reactor.EV_READ, 0, 0)
		under.Enable(reactor.EV_READ | reactor.EV_WRITE)
		if state == sslOpen {
			under.suspendRead(bevSuspendFiltRead)
		}
	}
	return bv
}

// ---- the socket variant's events ----

func (s *bevSSL) addRead() int {
	bv := s.bv
	if bv.base.Add(&bv.c.evRead, timeoutOf(&bv.c.timeoutRead)) != 0 {
		return -1
	}
	s.rPend = true
	return 0
}

func (s *bevSSL) delRead() {
	bv := s.bv
	bv.base.Del(&bv.c.evRead)
	bv.c.evRead.RelTimeout = -1
	s.rPend = false
}

// addWrite is bufferevent_add_event_(&ev_write, &timeout_write): inserted
// for real (the caller waits for the socket to be writable).
func (s *bevSSL) addWrite() int {
	bv := s.bv
	if bv.base.Add(&bv.c.evWrite, timeoutOf(&bv.c.timeoutWrite)) != 0 {
		return -1
	}
	s.wPend, s.wIns = true, true
	return 0
}

// kickWrite is the same for data just added to the output: with a
// descriptor, ev_write is activated so that the write round runs from the
// loop in this pass; the event is inserted only if the round leaves it
// pending (onWriteEvent).
func (s *bevSSL) kickWrite() int {
	bv := s.bv
	if s.wIns || bv.c.evWrite.Fd < 0 {
		return s.addWrite()
	}
	if !s.wKick {
		s.wKick = true
		bv.base.Active(&bv.c.evWrite, reactor.EV_WRITE, 1)
	}
	s.wPend = true
	return 0
}

func (s *bevSSL) delWrite() {
	bv := s.bv
	if s.wIns || s.wKick || bv.c.evWrite.Flags&(reactor.EVLIST_ACTIVE|reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT) != 0 {
		bv.base.Del(&bv.c.evWrite)
	}
	bv.c.evWrite.RelTimeout = -1
	s.wPend, s.wIns, s.wKick = false, false, false
}

// assign is event_assign of both events on fd (set_open_callbacks and
// set_handshake_callbacks); the handlers look at hsCbs.
func (s *bevSSL) assign(fd int) {
	bv := s.bv
	bv.base.AssignGo(&bv.c.evRead, fd, reactor.EV_READ|reactor.EV_PERSIST|reactor.EV_FINALIZE, sslReadID)
	bv.base.AssignGo(&bv.c.evWrite, fd, reactor.EV_WRITE|reactor.EV_PERSIST|reactor.EV_FINALIZE, sslWriteID)
	s.evInit = true
	s.rPend, s.wPend, s.wIns, s.wKick = false, false, false, false
}

// ---- start/stop (libevent's start_reading etc.) ----

func (s *bevSSL) startReading() int {
	if s.under != nil {
		s.under.unsuspendRead(bevSuspendFiltRead)
		return 0
	}
	if s.addRead() != 0 {
		return -1
	}
	if s.rbow {
		return s.addWrite()
	}
	return 0
}

func (s *bevSSL) startWriting() int {
	if s.under != nil {
		if s.wbor {
			s.under.unsuspendRead(bevSuspendFiltRead)
		}
		return 0
	}
	if s.addWrite() != 0 {
		return -1
	}
	if s.wbor {
		return s.addRead()
	}
	return 0
}

func (s *bevSSL) stopReading() {
	if s.wbor {
		return
	}
	if s.under != nil {
		s.under.suspendRead(bevSuspendFiltRead)
	} else {
		s.delRead()
	}
}

// stopWriting: over an underlying bufferevent libevent 2.1.12 resumes its
// reading here (it does not suspend writing there); kept, as a program sees it.
func (s *bevSSL) stopWriting() {
	if s.rbow {
		return
	}
	if s.under != nil {
		s.under.unsuspendRead(bevSuspendFiltRead)
	} else {
		s.delWrite()
	}
}

func (s *bevSSL) setRbow() int {
	if s.under == nil {
		s.stopReading()
	}
	s.rbow = true
	return s.startWriting()
}

func (s *bevSSL) setWbor() int {
	if s.under == nil {
		s.stopWriting()
	}
	s.wbor = true
	return s.startReading()
}

func (s *bevSSL) clearRbow() int {
	en := s.bv.c.enabled
	s.rbow = false
	if en&reactor.EV_WRITE == 0 {
		s.stopWriting()
	}
	if en&reactor.EV_READ != 0 {
		return s.startReading()
	}
	return 0
}

func (s *bevSSL) clearWbor() int {
	en := s.bv.c.enabled
	s.wbor = false
	if en&reactor.EV_READ == 0 {
		s.stopReading()
	}
	if en&reactor.EV_WRITE != 0 {
		return s.startWriting()
	}
	return 0
}

// connClosed is the rest of libevent's conn_closed once the step gave its
// verdict: allow_dirty_shutdown, both directions stopped, the event callback.
func (s *bevSSL) connClosed(when int16) {
	op := s.op
	event := int16(op.event)
	if op.dirty != 0 && s.allowDirty {
		event = BevEventEOF
	}
	s.stopReading()
	s.stopWriting()
	s.bv.runEventcb(when|event, 0, int(op.sysErrno))
}

// decrementBuckets charges the rate limits with what the BIOs moved since
// the last time (libevent's decrement_buckets).
func (s *bevSSL) decrementBuckets() {
	bv, op := s.bv, s.op
	w, r := op.nwritten-s.nWritten, op.nread-s.nRead
	s.nWritten, s.nRead = op.nwritten, op.nread
	l := bv.lim()
	if l == nil {
		return
	}
	if w != 0 {
		l.writeDone(bv, int(w))
	}
	if r != 0 {
		l.readDone(bv, int(r))
	}
}

// ---- reading and writing ----

// doRead is libevent's do_read: SSL_read into the reserved space, one
// vector after the other; OP_* flags.
func (s *bevSSL) doRead(nToRead int) int {
	bv, op := s.bv, s.op
	if bv.readSuspended != 0 {
		return 0
	}
	if atmost := bv.readMax(); nToRead > atmost {
		nToRead = atmost
	}
	var vec [2]Iovec
	n := bv.in.Reserve(nToRead, vec[:])
	op.pending = 0 // nothing read yet: consider_reading's SSL_pending is this call's
	if n < 0 {
		return opErr
	}
	result, used := 0, 0
	for used < n {
		if bv.readSuspended != 0 {
			break
		}
		// One step for the remaining vectors, or one at a time when
		// something between two SSL_reads may matter: a rate limit (the
		// bucket may suspend reading) or a pending read-blocked-on-write
		// (clearing it may move data into a filter's underlying input).
		k := n - used
		if bv.lim() != nil || s.rbow {
			k = 1
		}
		for i := 0; i < k; i++ {
			op.iov[i] = cSSLIov{vec[used+i].Base, vec[used+i].Len}
		}
		op.niov = int32(k)
		sslStep(s.fns.read, op)
		s.pending = int(op.pending)
		for i := 0; i < int(op.nused); i++ {
			result |= opMadeProgress
			if s.rbow && s.clearRbow() < 0 {
				return opErr | result
			}
			vec[used].Len = uintptr(op.len[i])
			used++
		}
		s.decrementBuckets()
		if op.err != 0 {
			switch op.err {
			case sslErrWantRead:
				if s.rbow && s.clearRbow() < 0 {
					return opErr | result
				}
			case sslErrWantWrite:
				if !s.rbow && s.setRbow() < 0 {
					return opErr | result
				}
			default:
				s.connClosed(BevEventReading)
			}
			result |= opBlocked
			break
		}
	}
	if used > 0 && !bv.dead {
		bv.in.Commit(vec[:used])
		if s.under != nil {
			bv.resetReadTimeout()
		}
	}
	return result
}

// doWrite is libevent's do_write: SSL_write of up to eight segments of the
// output (as many bytes as the last blocked call, else max_single_write);
// the written bytes are drained and the write callback deferred.
func (s *bevSSL) doWrite(atmost int) int {
	bv, op := s.bv, s.op
	if s.lastWrite > 0 {
		atmost = s.lastWrite
	} else {
		atmost = bv.writeMax()
	}
	var vec [sslMaxIov]Iovec
	n := bv.out.Peek(atmost, -1, vec[:])
	if n > sslMaxIov {
		n = sslMaxIov
	}
	result, written := 0, 0
	i := 0
	for i < n {
		if bv.writeSuspended != 0 {
			break
		}
		if vec[i].Len == 0 { // SSL_write of nothing "fails"
			i++
			continue
		}
		k := 0
		for j := i; j < n && vec[j].Len != 0 && k < sslMaxIov; j++ {
			op.iov[k] = cSSLIov{vec[j].Base, vec[j].Len}
			k++
			if bv.lim() != nil || s.wbor {
				break
			}
		}
		op.niov = int32(k)
		sslStep(s.fns.write, op)
		for j := 0; j < int(op.nused); j++ {
			result |= opMadeProgress
			if s.wbor && s.clearWbor() < 0 {
				return opErr | result
			}
			written += int(op.len[j])
			s.lastWrite = -1
		}
		s.decrementBuckets()
		i += int(op.nused)
		if op.err != 0 {
			switch op.err {
			case sslErrWantWrite:
				if s.wbor && s.clearWbor() < 0 {
					return opErr | result
				}
				s.lastWrite = int(vec[i].Len)
			case sslErrWantRead:
				if !s.wbor && s.setWbor() < 0 {
					return opErr | result
				}
				s.lastWrite = int(vec[i].Len)
			default:
				s.connClosed(BevEventWriting)
				s.lastWrite = -1
			}
			result |= opBlocked
			break
		}
	}
	if written > 0 && !bv.dead {
		bv.out.Drain(written)
		if s.under != nil {
			bv.resetWriteTimeout()
		}
		bv.trigger(reactor.EV_WRITE, BevOptDeferCallbacks)
	}
	return result
}

// bytesToRead is libevent's bytes_to_read: 0 when we should not read.
func (s *bevSSL) bytesToRead() int {
	bv := s.bv
	if s.wbor || bv.c.enabled&reactor.EV_READ == 0 || bv.readSuspended != 0 {
		return 0
	}
	result := sslReadDefault
	if high := int(bv.c.wmRead.high); high != 0 {
		if bv.in.Len() >= high {
			return 0
		}
		result = high - bv.in.Len()
	}
	if limit := bv.readMax(); result > limit {
		result = limit
	}
	return result
}

// considerReading is libevent's consider_reading: finish a write blocked on
// read, then read until OpenSSL blocks (over a socket: until it holds no
// decrypted byte; over a bufferevent: until the underlying input is empty).
func (s *bevSSL) considerReading() {
	bv := s.bv
	for s.wbor && !bv.dead {
		if r := s.doWrite(sslWriteFrame); r&(opBlocked|opErr) != 0 {
			break
		}
	}
	if s.wbor || bv.dead {
		return
	}
	all := 0
	for n := s.bytesToRead(); n != 0 && !bv.dead; {
		r := s.doRead(n)
		all |= r
		if r&(opBlocked|opErr) != 0 || bv.readSuspended != 0 {
			break
		}
		n = int(s.op.pending)
		if n == 0 && s.under != nil {
			n = s.bytesToRead()
		}
	}
	if bv.dead {
		return
	}
	if all&opMadeProgress != 0 {
		bv.trigger(reactor.EV_READ, 0)
	}
	if s.under == nil && (bv.readSuspended != 0 || bv.c.enabled&reactor.EV_READ == 0) {
		s.delRead()
	}
}

// considerWriting is libevent's consider_writing: finish a read blocked on
// write, then write while allowed (over a bufferevent: while its output is
// below its write high watermark).
func (s *bevSSL) considerWriting() {
	bv := s.bv
	for s.rbow && !bv.dead {
		r := s.doRead(1024)
		if r&opMadeProgress != 0 {
			bv.trigger(reactor.EV_READ, 0)
		}
		if r&(opErr|opBlocked) != 0 {
			break
		}
	}
	if s.rbow || bv.dead {
		return
	}
	for !bv.dead && bv.c.enabled&reactor.EV_WRITE != 0 && bv.writeSuspended == 0 && bv.out.Len() > 0 {
		n := sslWriteFrame
		if u := s.under; u != nil {
			if u.c == nil {
				break
			}
			if high := int(u.c.wmWrite.high); high != 0 {
				if u.out.Len() >= high {
					break
				}
				n = high - u.out.Len()
			}
		}
		if r := s.doWrite(n); r&(opBlocked|opErr) != 0 {
			break
		}
	}
	if s.under == nil && !bv.dead &&
		(bv.out.Len() == 0 || bv.writeSuspended != 0 || bv.c.enabled&reactor.EV_WRITE == 0) {
		s.delWrite()
	}
}

// ---- the handshake ----

// doHandshake is libevent's do_handshake: 1 done (BEV_EVENT_CONNECTED), 0
// waiting, -1 failed (the event callback was told).
func (s *bevSSL) doHandshake() int {
	bv, op := s.bv, s.op
	if s.state != sslConnecting && s.state != sslAccepting {
		svc.Warnf("bufferevent_openssl: handshake step in state %d", s.state) // libevent asserts
		return -1
	}
	sslStep(s.fns.handshake, op)
	s.decrementBuckets()
	if op.ret == 1 {
		fd := int(bv.c.evRead.Fd)
		s.state = sslOpen
		s.setOpenCallbacks(fd)
		bv.Enable(bv.c.enabled)
		bv.runEventcb(BevEventConnected, 0, 0)
		return 1
	}
	switch op.err {
	case sslErrWantWrite:
		s.stopReading()
		return s.startWriting()
	case sslErrWantRead:
		s.stopWriting()
		return s.startReading()
	}
	s.connClosed(BevEventReading)
	return -1
}

// setOpenCallbacks is libevent's set_open_callbacks.
func (s *bevSSL) setOpenCallbacks(fd int) int {
	s.hsCbs = false
	if u := s.under; u != nil {
		uc := u.c
		uc.readcb, uc.writecb, uc.errorcb = sslTrampolines.read, sslTrampolines.write, sslTrampolines.event
		uc.cbarg = unsafe.Pointer(s.bv.c)
		return 0
	}
	rp, wp := false, false
	if s.evInit {
		rp, wp = s.rPend, s.wPend
		s.delRead()
		s.delWrite()
	}
	s.assign(fd)
	r := 0
	if rp && s.addRead() < 0 {
		r = -1
	}
	if wp && s.addWrite() < 0 {
		r = -1
	}
	return r
}

// setHandshakeCallbacks is libevent's set_handshake_callbacks: over a
// bufferevent the handshake runs from its callbacks (it starts here only
// for a descriptor given to bufferevent_setfd); on a socket both events run
// it, and enabling starts it.
func (s *bevSSL) setHandshakeCallbacks(fd int) int {
	s.hsCbs = true
	if u := s.under; u != nil {
		uc := u.c
		uc.readcb, uc.writecb, uc.errorcb = sslTrampolines.read, sslTrampolines.write, sslTrampolines.event
		uc.cbarg = unsafe.Pointer(s.bv.c)
		if fd < 0 {
			return 0
		}
		if u.SetFd(fd) != 0 {
			return 1
		}
		return s.doHandshake()
	}
	if s.evInit {
		s.delRead()
		s.delWrite()
	}
	s.assign(fd)
	if fd >= 0 {
		s.bv.Enable(s.bv.c.enabled)
	}
	return 0
}

// setFD is libevent's be_openssl_set_fd: the state, and for a handshake
// state the SSL started afresh.
func (s *bevSSL) setFD(state int, fd int) int {
	s.state = state
	switch state {
	case sslConnecting, sslAccepting:
		if sslStepInt(s.fns.restart, s.op, state) != 0 {
			return -1
		}
		if s.setHandshakeCallbacks(fd) < 0 {
			return -1
		}
	case sslOpen:
		if s.setOpenCallbacks(fd) < 0 {
			return -1
		}
	default:
		return -1
	}
	return 0
}

// ---- callbacks ----

func (sslReadHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("TLS bufferevent read")
	bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvRead)))
	if bv == nil {
		svc.Warnf("bufferevent: read event %p of an unknown bufferevent", unsafe.Pointer(ev))
		return
	}
	if s := sslOf(bv); s != nil && !bv.dead {
		s.onEvent(res, false)
	}
}

func (sslWriteHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("TLS bufferevent write")
	bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvWrite)))
	if bv == nil {
		svc.Warnf("bufferevent: write event %p of an unknown bufferevent", unsafe.Pointer(ev))
		return
	}
	if s := sslOf(bv); s != nil && !bv.dead {
		s.onEvent(res, true)
	}
}

// onEvent is be_openssl_{read,write}eventcb, and be_openssl_handshakeeventcb
// while handshaking.
func (s *bevSSL) onEvent(res int16, write bool) {
	bv := s.bv
	kicked := write && s.wKick
	if write {
		s.wKick = false
	}
	bv.incref()
	switch {
	case s.hsCbs:
		if res&reactor.EV_TIMEOUT != 0 {
			bv.runEventcb(BevEventTimeout, 0, 0)
		} else {
			s.doHandshake()
		}
	case res == reactor.EV_TIMEOUT:
		if write {
			bv.runEventcb(BevEventTimeout|BevEventWriting, 0, 0)
		} else {
			bv.runEventcb(BevEventTimeout|BevEventReading, 0, 0)
		}
	case write:
		s.considerWriting()
	default:
		s.considerReading()
	}
	if kicked && !bv.dead && s.wPend && !s.wIns && !s.wKick {
		// Still pending after a write from the loop: now wait for the
		// socket (libevent's ev_write was inserted all along).
		s.addWrite()
	}
	bv.decref()
}

// underCallback is be_openssl_readcb/writecb/eventcb (and
// be_openssl_handshakecb while handshaking): the underlying bufferevent's
// callbacks. kind 0 read, 1 write, 2 event.
func (s *bevSSL) underCallback(kind int, what int16, err int) {
	bv := s.bv
	bv.incref()
	defer bv.decref()
	switch {
	case kind == 2:
		var event int16
		switch {
		case what&BevEventEOF != 0:
			event = BevEventError
			if s.allowDirty {
				event = BevEventEOF
			}
		case what&(BevEventTimeout|BevEventError) != 0:
			event = what
		}
		if event != 0 {
			bv.runEventcb(event, 0, err)
		}
	case s.hsCbs:
		s.doHandshake()
	case kind == 0:
		s.considerReading()
	default:
		s.considerWriting()
	}
}

// ---- the backend interface ----

func (s *bevSSL) enable(bv *Bufferevent, what int16) int {
	r := 0
	if what&reactor.EV_READ != 0 && s.startReading() < 0 {
		r = -1
	}
	if what&reactor.EV_READ != 0 && s.under == nil && !s.hsCbs && s.pending > 0 && s.rPend {
		// Reading resumes (a watermark or a rate limit stopped it) while
		// OpenSSL holds decrypted bytes: read them from the loop, as the
		// socket may stay quiet (libevent 2.1.12 waits for it; docs/DIFFERENCES.md).
		bv.base.Active(&bv.c.evRead, reactor.EV_READ, 1)
	}
	if what&reactor.EV_WRITE != 0 && s.startWriting() < 0 {
		r = -1
	}
	if s.under != nil {
		if what&reactor.EV_READ != 0 {
			bv.resetReadTimeout()
		}
		if what&reactor.EV_WRITE != 0 {
			bv.resetWriteTimeout()
		}
		bv.incref()
		if what&reactor.EV_READ != 0 {
			s.considerReading()
		}
		if what&reactor.EV_WRITE != 0 && !bv.dead {
			s.considerWriting()
		}
		bv.decref()
	}
	return r
}

func (s *bevSSL) disable(bv *Bufferevent, what int16) int {
	if what&reactor.EV_READ != 0 {
		s.stopReading()
	}
	if what&reactor.EV_WRITE != 0 {
		s.stopWriting()
	}
	if s.under != nil {
		if what&reactor.EV_READ != 0 {
			bv.delReadTimeout()
		}
		if what&reactor.EV_WRITE != 0 {
			bv.delWriteTimeout()
		}
	}
	return 0
}

// bufChanged is be_openssl_outbuf_cb: data added to the output of an open
// bufferevent starts writing (a filter writes at once).
func (s *bevSSL) bufChanged(bv *Bufferevent, b *Buffer, added, drained int) {
	if b != &bv.out || added == 0 || s.state != sslOpen {
		return
	}
	if b.Len()-added+drained == 0 {
		if s.under == nil {
			s.kickWrite()
		} else {
			s.addWrite() // the generic write timer (bufferevent_add_event_ on it)
		}
	}
	if s.under != nil {
		bv.incref()
		s.considerWriting()
		bv.decref()
	}
}

// adjTimeouts: a filter's timers are the generic ones; a socket's events
// get the new timeouts if pending (bufferevent_generic_adj_existing_timeouts_).
func (s *bevSSL) adjTimeouts(bv *Bufferevent) int {
	if s.under != nil {
		return bv.genericAdjTimeouts()
	}
	r := 0
	if s.rPend {
		if tv := timeoutOf(&bv.c.timeoutRead); tv != nil {
			r |= bv.base.Add(&bv.c.evRead, tv)
		} else if bv.c.evRead.Flags&reactor.EVLIST_TIMEOUT != 0 {
			bv.base.Del(&bv.c.evRead)
			bv.c.evRead.RelTimeout = -1
			r |= bv.base.Add(&bv.c.evRead, nil)
		}
	}
	if s.wPend && s.wIns {
		if tv := timeoutOf(&bv.c.timeoutWrite); tv != nil {
			r |= bv.base.Add(&bv.c.evWrite, tv)
		} else if bv.c.evWrite.Flags&reactor.EVLIST_TIMEOUT != 0 {
			bv.base.Del(&bv.c.evWrite)
			bv.c.evWrite.RelTimeout = -1
			r |= bv.base.Add(&bv.c.evWrite, nil)
		}
	}
	if r != 0 {
		return -1
	}
	return 0
}

func (s *bevSSL) flush(*Bufferevent, int16, int) int { return 0 }

// fd is BEV_CTRL_GET_FD: ev_read's descriptor, the underlying's for a filter.
func (s *bevSSL) fd() int {
	if u := s.under; u != nil {
		if u.c == nil {
			return -1
		}
		return int(u.c.evRead.Fd)
	}
	return int(s.bv.c.evRead.Fd)
}

// setfd is BEV_CTRL_SET_FD: a new BIO, then the handshake again from the
// state the bufferevent was made in (or open callbacks for an open one).
func (s *bevSSL) setfd(bv *Bufferevent, fd int) int {
	if s.op.ssl == nil {
		return -1
	}
	if sslStepInt(s.fns.setBio, s.op, fd) != 0 {
		return -1
	}
	return s.setFD(s.oldState, fd)
}

func (s *bevSSL) underlying() *Bufferevent { return s.under }

// unlink is be_openssl_unlink.
func (s *bevSSL) unlink(bv *Bufferevent) {
	if s.under != nil {
		bv.unlinkUnderlying(s.under, sslTrampolines.event)
	}
}

// free is be_openssl_destruct (BEV_OPT_CLOSE_ON_FREE: the socket closed and
// the SSL freed), then the reference on the underlying bufferevent dropped.
func (s *bevSSL) free(bv *Bufferevent) {
	op := s.op
	if op != nil && op.ssl != nil && bv.options&BevOptCloseOnFree != 0 {
		closeFd := 0
		if s.under == nil {
			closeFd = 1
		}
		sslStepInt(s.fns.destruct, op, closeFd)
	}
	if u := s.under; u != nil && u.c != nil && u.refcnt > 0 {
		u.decref()
	}
	if op != nil {
		s.op = nil
		cmem.Free(unsafe.Pointer(op), sizeofSSLOp)
	}
}

// renegotiate is bufferevent_ssl_renegotiate.
func (s *bevSSL) renegotiate() int {
	if s.op.ssl == nil || sslStepOp(s.fns.renegotiate, s.op) < 0 {
		return -1
	}
	s.state = sslConnecting
	if s.under != nil {
		if s.setHandshakeCallbacks(-1) < 0 {
			return -1
		}
		return 0
	}
	fd := -1
	if s.evInit {
		fd = int(s.bv.c.evRead.Fd)
	}
	if s.setHandshakeCallbacks(fd) < 0 {
		return -1
	}
	return s.doHandshake()
}

// connect is bufferevent_socket_connect on a TLS bufferevent (libevent's
// generic code): a socket if it has none, connect(2), bufferevent_setfd
// (which restarts the handshake), and ev_write added for the connection.
func (s *bevSSL) connect(sa unsafe.Pointer, socklen int) int {
	bv := s.bv
	bv.incref()
	defer bv.decref()
	fd, r := connectFd(bv.be.fd(), sa, socklen)
	if r < 0 {
		return -1
	}
	bv.SetFd(fd)
	switch r {
	case 0:
		// be_socket_enable(EV_WRITE): ev_write, whatever it runs now
		if s.under == nil && s.addWrite() != 0 {
			return -1
		}
		if s.under != nil {
			bv.resetWriteTimeout()
		}
	case 1:
		bv.trigger(reactor.EV_WRITE, BevOptDeferCallbacks)
	default:
		bv.runEventcb(BevEventError, BevOptDeferCallbacks, int(unix.ECONNREFUSED))
		bv.Disable(reactor.EV_WRITE | reactor.EV_READ)
	}
	return 0
}

// ---- entry points ----

// BevSSLNew is bufferevent_openssl_socket_new (under nil) and _filter_new.
func BevSSLNew(cbase, under unsafe.Pointer, fd int, ssl unsafe.Pointer, state int, options int, fns unsafe.Pointer) unsafe.Pointer {
	fn := "bufferevent_openssl_socket_new"
	if under != nil {
		fn = "bufferevent_openssl_filter_new"
	}
	b := baseFromC(cbase, fn)
	if b == nil {
		return nil
	}
	var u *Bufferevent
	if under != nil {
		if u = bevFromC(under, fn); u == nil {
			return nil
		}
	}
	bv := NewSSLBufferevent(b, u, fd, ssl, state, options, (*cSSLFuncs)(fns))
	if bv == nil {
		return nil
	}
	return bv.Handle()
}

// SetSSLTrampolines records the C functions capi/bufferevent_ssl.c gives
// the underlying bufferevents of filters as callbacks.
func SetSSLTrampolines(read, write, event unsafe.Pointer) {
	sslTrampolines.read, sslTrampolines.write, sslTrampolines.event = read, write, event
}

// BevSSLCallback is the way back from those trampolines (kind 0 read,
// 1 write, 2 event). p is the TLS bufferevent.
func BevSSLCallback(p unsafe.Pointer, kind int, what int16, err int) {
	if p == nil {
		return
	}
	bv := bevAt(p)
	if bv == nil || bv.dead {
		return
	}
	if s := sslOf(bv); s != nil {
		s.underCallback(kind, what, err)
	}
}

// The ctl operations of capi/gev_ssl.h (GEV_SSL_CTL_*).
const (
	sslCtlGetSSL = iota
	sslCtlRenegotiate
	sslCtlGetDirty
	sslCtlSetDirty
	sslCtlGetError
)

// BevSSLCtl answers bufferevent_openssl_get_ssl, bufferevent_ssl_renegotiate,
// the allow_dirty_shutdown pair and bufferevent_get_openssl_error, with
// libevent's values for a bufferevent of another kind (NULL, -1, -1,
// nothing, 0).
func BevSSLCtl(p unsafe.Pointer, op int, arg int) uintptr {
	names := [...]string{"bufferevent_openssl_get_ssl", "bufferevent_ssl_renegotiate",
		"bufferevent_openssl_get_allow_dirty_shutdown", "bufferevent_openssl_set_allow_dirty_shutdown",
		"bufferevent_get_openssl_error"}
	fail := uintptr(0)
	if op == sslCtlRenegotiate || op == sslCtlGetDirty {
		fail = ^uintptr(0)
	}
	if op < 0 || op >= len(names) {
		return fail
	}
	bv := bevFromC(p, names[op])
	if bv == nil {
		return fail
	}
	s := sslOf(bv)
	if s == nil {
		return fail
	}
	switch op {
	case sslCtlGetSSL:
		if s.op == nil {
			return 0
		}
		return uintptr(s.op.ssl)
	case sslCtlRenegotiate:
		bv.incref()
		defer bv.decref()
		return uintptr(s.renegotiate())
	case sslCtlGetDirty:
		if s.allowDirty {
			return 1
		}
		return 0
	case sslCtlSetDirty:
		s.allowDirty = arg != 0
		return 0
	default:
		op := s.op
		if op == nil || op.nerrors <= 0 {
			return 0
		}
		op.nerrors--
		return uintptr(op.errors[op.nerrors])
	}
}
