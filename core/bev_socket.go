package core

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/svc"
	"goevent/reactor"
)

// Socket bufferevents (libevent 2.1.12's bufferevent_sock.c), the backend
// bevSocket of the generic bufferevent (bufferevent.go):
//   - a new bufferevent has EV_WRITE enabled only; enable(EV_READ) starts
//     reading (ev_read added with timeout_read, re-armed by each read);
//   - reading: at most min(high watermark - input, max_single_read, rate
//     limit) bytes per readiness; readcb when the input holds at least the
//     read low watermark; reading is suspended (BEV_SUSPEND_WM) while the
//     input is at or above the high watermark;
//   - writing: at most max_single_write bytes per pass; writecb when the
//     output is at or below the write low watermark, including after
//     enable(EV_WRITE) with an empty output (libevent's writecb does that);
//   - EOF, errors and timeouts disable their direction, then go to the event
//     callback with errno set; a connect that fails gives BEV_EVENT_ERROR
//     with the connect's errno (ECONNREFUSED) and deletes both events
//     without changing the enabled flags;
//   - free: see bufferevent.go (references, finalizer from the loop).
//
// Where we differ, to save system calls (libevent: ioctl FIONREAD + read per
// readiness; epoll_ctl to add write interest, epoll_wait, writev, epoll_ctl to
// remove it per message): reads need no FIONREAD (see Buffer.ReadFrom), and
// data added to the output is not written after an EPOLLOUT round trip but by
// activating ev_write (no system call) so that the write happens from the
// loop's active queue in the same iteration, coalescing everything the
// program added meanwhile into one send. Write interest (EPOLLOUT, with
// timeout_write) is registered only when the kernel refused part of the
// output, and kept while output remains. An echoed message costs a read and
// a send, plus a share of epoll_wait.
type bevSocket struct {
	bv   *Bufferevent
	kind fdKind

	writeAdded  bool // ev_write is pending: waiting for EPOLLOUT (or a connect)
	flushQueued bool // ev_write was activated to write from the loop
	connecting  bool
	connRefused bool // a read saw ECONNREFUSED while connecting
	lookupState
}

// lookupState is bufferevent_socket_connect_hostname's state, in the kinds
// that can connect (socket and TLS bufferevents: sockConnector). The cancel
// function of an evdns lookup in progress is in bv.x (bevExtra.dnsCancel):
// connections seldom need it.
type lookupState struct {
	dnsErr int32 // bufferevent_socket_get_dns_error
}

func (l *lookupState) lookup() *lookupState { return l }

// sockConnector is a kind bufferevent_socket_connect{,_hostname} work on.
type sockConnector interface {
	connect(sa unsafe.Pointer, socklen int) int
	lookup() *lookupState
}

func connectorOf(bv *Bufferevent) sockConnector {
	c, _ := bv.be.(sockConnector)
	return c
}

type bevReadHandler struct{}
type bevWriteHandler struct{}

// NewSocketBufferevent is bufferevent_socket_new. fd may be -1 (no events are
// registered until it has one).
func NewSocketBufferevent(base *reactor.Base, fd int, options int) *Bufferevent {
	sb := new(socketBufferevent) // the bufferevent, its buffers and backend in one object
	bv := newBufferEventIn(&sb.Bufferevent, base, nil, options, "bufferevent_socket_new", false)
	if bv == nil {
		return nil
	}
	s := &sb.sock
	s.bv = bv
	bv.be = s
	// As libevent: the program cannot add to the input nor drain the output.
	bv.in.freezeEnd = true
	bv.out.freezeStart = true
	bv.c.beOps = bevOpsSocket
	base.AssignGo(&bv.c.evRead, fd, reactor.EV_READ|reactor.EV_PERSIST|reactor.EV_FINALIZE, bevReadID)
	base.AssignGo(&bv.c.evWrite, fd, reactor.EV_WRITE|reactor.EV_PERSIST|reactor.EV_FINALIZE, bevWriteID)
	return bv
}

func (bv *Bufferevent) fd() int { return bv.be.fd() }

func (s *bevSocket) fd() int                  { return int(s.bv.c.evRead.Fd) }
func (s *bevSocket) underlying() *Bufferevent { return nil }
func (s *bevSocket) flush(*Bufferevent, int16, int) int {
	return 0
}

// free is be_socket_destruct.
func (s *bevSocket) free(bv *Bufferevent) {
	if bv.options&BevOptCloseOnFree != 0 {
		if fd := s.fd(); fd >= 0 {
			unix.Close(fd)
		}
	}
	s.cancelLookup()
}

// cancelLookup cancels an evdns lookup of bufferevent_socket_connect_hostname
// in progress (its callback then ends it with EVUTIL_EAI_CANCEL).
func (s *bevSocket) cancelLookup() {
	if x := s.bv.x; x != nil && x.dnsCancel != nil {
		f := x.dnsCancel
		x.dnsCancel = nil
		f()
	}
}

func bevSock(bv *Bufferevent) *bevSocket {
	s, _ := bv.be.(*bevSocket)
	return s
}

func (bevReadHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("bufferevent read")
	if bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvRead))); bv != nil {
		if s := bevSock(bv); s != nil && !bv.dead {
			s.onRead(res)
		}
	} else {
		svc.Warnf("bufferevent: read event %p of an unknown bufferevent", unsafe.Pointer(ev))
	}
}

func (bevWriteHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("bufferevent write")
	if bv := bevAt(unsafe.Add(unsafe.Pointer(ev), -int(offEvWrite))); bv != nil {
		if s := bevSock(bv); s != nil && !bv.dead {
			s.onWrite(res)
		}
	} else {
		svc.Warnf("bufferevent: write event %p of an unknown bufferevent", unsafe.Pointer(ev))
	}
}

// addRead adds ev_read with the read timeout. Without a descriptor (fd -1)
// it watches nothing but the timeout still runs, as in libevent, whose
// event_add accepts an I/O event on fd -1.
func (s *bevSocket) addRead() int {
	bv := s.bv
	if bv.base.Add(&bv.c.evRead, timeoutOf(&bv.c.timeoutRead)) != 0 {
		return -1
	}
	bv.c.priv.sflags |= bevSFReadAdded
	return 0
}

// readAdded: ev_read is pending in the reactor (added by addRead, or by the
// C layer's bufferevent_enable: the flag is in the C trailer for that).
func (s *bevSocket) readAdded() bool { return s.bv.c.priv.sflags&bevSFReadAdded != 0 }

func (s *bevSocket) delRead() {
	bv := s.bv
	if s.readAdded() || bv.c.evRead.Flags&(reactor.EVLIST_ACTIVE|reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT) != 0 {
		bv.base.Del(&bv.c.evRead)
		bv.c.priv.sflags &^= bevSFReadAdded
	}
	// No stale persist timeout: an activation must not re-add the event.
	bv.c.evRead.RelTimeout = -1
}

// addWrite adds ev_write with the write timeout (fd -1: the timeout only).
func (s *bevSocket) addWrite() int {
	bv := s.bv
	if bv.base.Add(&bv.c.evWrite, timeoutOf(&bv.c.timeoutWrite)) != 0 {
		return -1
	}
	s.writeAdded = true
	return 0
}

func (s *bevSocket) delWrite() {
	bv := s.bv
	if s.writeAdded || s.flushQueued || bv.c.evWrite.Flags&(reactor.EVLIST_ACTIVE|reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT) != 0 {
		bv.base.Del(&bv.c.evWrite)
		s.writeAdded, s.flushQueued = false, false
	}
	bv.c.evWrite.RelTimeout = -1
}

// kick schedules a write pass from the loop (activating ev_write) unless
// one is scheduled or the socket waits for EPOLLOUT. Without a descriptor
// there is nothing to write to: ev_write is added for its timeout, as
// libevent adds it whenever writing is enabled.
func (s *bevSocket) kick() {
	bv := s.bv
	if s.writeAdded || s.flushQueued {
		return
	}
	if s.fd() < 0 {
		s.addWrite()
		return
	}
	s.flushQueued = true
	bv.base.Active(&bv.c.evWrite, reactor.EV_WRITE, 1)
}

// enable is be_socket_enable.
func (s *bevSocket) enable(bv *Bufferevent, what int16) int {
	r := 0
	if what&reactor.EV_READ != 0 && s.addRead() != 0 {
		r = -1
	}
	if what&reactor.EV_WRITE != 0 {
		if s.writeAdded || s.connecting {
			if s.addWrite() != 0 { // re-arms the write timeout, as libevent
				r = -1
			}
		} else {
			s.kick()
		}
	}
	return r
}

// disable is be_socket_disable: the write side stays while connecting.
func (s *bevSocket) disable(bv *Bufferevent, what int16) int {
	if what&reactor.EV_READ != 0 {
		s.delRead()
	}
	if what&reactor.EV_WRITE != 0 && !s.connecting {
		s.delWrite()
	}
	return 0
}

// adjTimeouts is bufferevent_generic_adj_existing_timeouts_.
func (s *bevSocket) adjTimeouts(bv *Bufferevent) int {
	r := 0
	for _, d := range [2]struct {
		added bool
		ev    *reactor.Event
		tv    *cTimeval
	}{{s.readAdded(), &bv.c.evRead, &bv.c.timeoutRead}, {s.writeAdded, &bv.c.evWrite, &bv.c.timeoutWrite}} {
		if !d.added {
			continue
		}
		tv := timeoutOf(d.tv)
		if tv == nil && d.ev.Flags&reactor.EVLIST_TIMEOUT != 0 {
			// event_remove_timer: re-add without the timeout.
			bv.base.Del(d.ev)
			d.ev.RelTimeout = -1
		}
		if bv.base.Add(d.ev, tv) != 0 {
			r = -1
		}
	}
	return r
}

// bufChanged: data added to the output starts writing
// (bufferevent_socket_outbuf_cb).
func (s *bevSocket) bufChanged(bv *Bufferevent, b *Buffer, added, drained int) {
	if b == &bv.out && added > 0 && bv.c.enabled&reactor.EV_WRITE != 0 && bv.writeSuspended == 0 {
		s.kick()
	}
}

// setfd is be_socket_setfd.
func (s *bevSocket) setfd(bv *Bufferevent, fd int) int {
	s.delRead()
	s.delWrite()
	s.kind = fdUnknown
	s.connecting, s.connRefused = false, false
	bv.base.AssignGo(&bv.c.evRead, fd, reactor.EV_READ|reactor.EV_PERSIST|reactor.EV_FINALIZE, bevReadID)
	bv.base.AssignGo(&bv.c.evWrite, fd, reactor.EV_WRITE|reactor.EV_PERSIST|reactor.EV_FINALIZE, bevWriteID)
	if fd >= 0 {
		bv.Enable(bv.c.enabled)
	}
	s.cancelLookup()
	return 0
}

// onRead is bufferevent_readcb.
func (s *bevSocket) onRead(res int16) {
	bv := s.bv
	bv.incref()
	defer bv.decref()
	what := int16(BevEventReading)
	if res == reactor.EV_TIMEOUT {
		bv.Disable(reactor.EV_READ)
		bv.runEventcb(what|BevEventTimeout, 0, int(unix.ETIMEDOUT))
		return
	}
	howmuch := -1
	if high := int(bv.c.wmRead.high); high != 0 {
		howmuch = high - bv.in.Len()
		if howmuch <= 0 {
			bv.suspendRead(bevSuspendWM)
			return
		}
	}
	readmax := bv.readMax()
	if howmuch < 0 || howmuch > readmax {
		howmuch = readmax
	}
	if bv.readSuspended != 0 {
		return
	}
	if howmuch <= 0 {
		// The rate limiter allows nothing now: stop reading until it
		// calls unsuspendRead(bevSuspendBW).
		bv.suspendRead(bevSuspendBW)
		return
	}
	bv.in.freezeEnd = false
	n, e := bv.in.readFrom(s.fd(), howmuch, true) // readable: a raw read
	bv.in.freezeEnd = true
	if n < 0 {
		if e == unix.EAGAIN || e == unix.EINTR {
			return
		}
		if e == unix.ECONNREFUSED && s.connecting {
			s.connRefused = true
			return
		}
		bv.Disable(reactor.EV_READ)
		bv.runEventcb(what|BevEventError, 0, int(e))
		return
	}
	if n == 0 {
		bv.Disable(reactor.EV_READ)
		bv.runEventcb(what|BevEventEOF, 0, 0)
		return
	}
	if l := bv.lim(); l != nil {
		l.readDone(bv, n)
	}
	if st := bv.base.Stats(); st != nil {
		st.BevRead += uint64(n)
	}
	bv.trigger(reactor.EV_READ, 0)
}

// finishedConnecting is evutil_socket_finished_connecting_: 1 connected,
// 0 still connecting, -1 failed (with the error).
func finishedConnecting(fd int) (int, unix.Errno) {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		if e, ok := err.(unix.Errno); ok {
			return -1, e
		}
		return -1, unix.EINVAL
	}
	if v != 0 {
		e := unix.Errno(v)
		if e == unix.EINTR || e == unix.EINPROGRESS {
			return 0, 0
		}
		return -1, e
	}
	return 1, 0
}

// onWrite is bufferevent_writecb, also run for the loop-sent writes.
func (s *bevSocket) onWrite(res int16) {
	bv := s.bv
	bv.incref()
	defer bv.decref()
	s.flushQueued = false
	what := int16(BevEventWriting)
	if res == reactor.EV_TIMEOUT {
		bv.Disable(reactor.EV_WRITE)
		bv.runEventcb(what|BevEventTimeout, 0, int(unix.ETIMEDOUT))
		return
	}
	connected := false
	if s.connecting {
		c, e := finishedConnecting(s.fd())
		if s.connRefused {
			s.connRefused = false
			c, e = -1, unix.ECONNREFUSED
		}
		if c == 0 {
			return
		}
		s.connecting = false
		if c < 0 {
			s.delWrite()
			s.delRead()
			bv.runEventcb(BevEventError, 0, int(e))
			return
		}
		connected = true
		bv.runEventcb(BevEventConnected, 0, 0)
		if bv.dead || bv.c.enabled&reactor.EV_WRITE == 0 || bv.writeSuspended != 0 {
			s.delWrite()
			return
		}
	}
	if bv.c.enabled&reactor.EV_WRITE == 0 {
		s.delWrite()
		return
	}
	atmost := bv.writeMax()
	if bv.writeSuspended != 0 {
		return
	}
	if atmost <= 0 && bv.out.Len() > 0 {
		// The rate limiter allows nothing now: stop writing until it
		// calls unsuspendWrite(bevSuspendBW).
		bv.suspendWrite(bevSuspendBW)
		return
	}
	n := 0
	if bv.out.Len() > 0 && atmost > 0 {
		var e unix.Errno
		bv.out.freezeStart = false
		n, e = bv.out.WriteTo(s.fd(), atmost, &s.kind)
		bv.out.freezeStart = true
		if n < 0 {
			if e == unix.EAGAIN || e == unix.EINTR {
				if !s.writeAdded {
					s.addWrite()
				}
				return
			}
			bv.Disable(reactor.EV_WRITE)
			bv.runEventcb(what|BevEventError, 0, int(e))
			return
		}
		if n == 0 {
			bv.Disable(reactor.EV_WRITE)
			bv.runEventcb(what|BevEventEOF, 0, 0)
			return
		}
		if l := bv.lim(); l != nil {
			l.writeDone(bv, n)
		}
		if st := bv.base.Stats(); st != nil {
			st.BevWritten += uint64(n)
		}
	}
	if bv.out.Len() > 0 && bv.writeSuspended == 0 { // bevx: writeDone may have suspended writing (rate limit): do not re-arm
		// The kernel took part, or max_single_write stopped us: wait for
		// EPOLLOUT (libevent writes once per readiness).
		if !s.writeAdded {
			s.addWrite()
		}
	} else {
		s.delWrite()
	}
	if n > 0 || !connected {
		bv.trigger(reactor.EV_WRITE, 0)
	}
}

// connectFd is the first half of bufferevent_socket_connect, the same for
// every kind: a socket of sa's family if fd is -1, then connect(2) to sa
// (none if sa is nil). r is 0 (in progress, or no sa), 1 (connected
// already), 2 (refused already) or -1 (failed; a socket made here is
// closed again).
func connectFd(fd int, sa unsafe.Pointer, socklen int) (nfd, r int) {
	ownfd := false
	if fd < 0 {
		if sa == nil {
			return fd, -1
		}
		sfd, err := unix.Socket(int(*(*uint16)(sa)), unix.SOCK_STREAM|unix.SOCK_NONBLOCK, 0)
		if err != nil {
			return fd, -1
		}
		fd, ownfd = sfd, true
	}
	if sa == nil {
		return fd, 0
	}
	_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(sa), uintptr(socklen))
	switch e {
	case 0:
		return fd, 1
	case unix.EINTR, unix.EINPROGRESS:
		return fd, 0
	case unix.ECONNREFUSED:
		return fd, 2
	}
	if ownfd {
		unix.Close(fd)
	}
	return fd, -1
}

// connect is bufferevent_socket_connect.
func (s *bevSocket) connect(sa unsafe.Pointer, socklen int) int {
	bv := s.bv
	bv.incref()
	defer bv.decref()
	fd, r := connectFd(s.fd(), sa, socklen)
	if r < 0 {
		return -1
	}
	bv.SetFd(fd)
	switch r {
	case 0:
		s.delWrite() // wait for the connect's EPOLLOUT, not setfd's write pass
		if s.addWrite() == 0 {
			s.connecting = true
			return 0
		}
		return -1
	case 1:
		s.connecting = true
		if bv.c.enabled&reactor.EV_WRITE != 0 {
			s.delWrite()
			s.addWrite()
		}
		bv.trigger(reactor.EV_WRITE, BevOptDeferCallbacks)
	default:
		bv.runEventcb(BevEventError, BevOptDeferCallbacks, int(unix.ECONNREFUSED))
		bv.Disable(reactor.EV_WRITE | reactor.EV_READ)
	}
	return 0
}

// SetFd is bufferevent_setfd (-1 for kinds without a descriptor).
func (bv *Bufferevent) SetFd(fd int) int {
	bv.incref()
	defer bv.decref()
	return bv.be.setfd(bv, fd)
}

// Connect is bufferevent_socket_connect; -1 for other kinds.
func (bv *Bufferevent) Connect(sa unsafe.Pointer, socklen int) int {
	s := connectorOf(bv)
	if s == nil {
		svc.Warnf("bufferevent_socket_connect: not a socket bufferevent")
		return -1
	}
	return s.connect(sa, socklen)
}

// ConnectResolved finishes bufferevent_socket_connect_hostname once the C
// layer's blocking getaddrinfo returned gaiErr (0: sa/socklen is the first
// address): bufferevent_connect_getaddrinfo_cb, with the lookup's read and
// write suspension around it.
func (bv *Bufferevent) ConnectResolved(gaiErr int, sa unsafe.Pointer, socklen int) int {
	s := connectorOf(bv)
	if s == nil {
		svc.Warnf("bufferevent_socket_connect_hostname: not a socket bufferevent")
		return -1
	}
	bv.incref()
	defer bv.decref()
	s.lookup().dnsErr = 0
	bv.suspendWrite(bevSuspendLookup)
	bv.suspendRead(bevSuspendLookup)
	bv.unsuspendWrite(bevSuspendLookup)
	bv.unsuspendRead(bevSuspendLookup)
	if gaiErr != 0 {
		s.lookup().dnsErr = int32(gaiErr)
		bv.runEventcb(BevEventError, 0, 0)
		return 0
	}
	if s.connect(sa, socklen) < 0 {
		bv.runEventcb(BevEventError, 0, int(unix.ECONNREFUSED))
	}
	return 0
}

// LookupStart begins bufferevent_socket_connect_hostname with an evdns_base:
// reading and writing wait for the lookup, which holds a reference.
func (bv *Bufferevent) LookupStart() int {
	s := connectorOf(bv)
	if s == nil {
		svc.Warnf("bufferevent_socket_connect_hostname: not a socket bufferevent")
		return -1
	}
	s.lookup().dnsErr = 0
	bv.suspendWrite(bevSuspendLookup)
	bv.suspendRead(bevSuspendLookup)
	bv.incref()
	return 0
}

// LookupCancel records how to cancel the lookup (bufferevent_setfd and the
// destructor do, as libevent's).
func (bv *Bufferevent) LookupCancel(f func()) {
	if s := connectorOf(bv); s != nil {
		bv.ext().dnsCancel = f
	}
}

// LookupDone is bufferevent_connect_getaddrinfo_cb: the lookup gave
// gaiErr (0: sa/socklen is its first address).
func (bv *Bufferevent) LookupDone(gaiErr int, sa unsafe.Pointer, socklen int) {
	s := connectorOf(bv)
	if s == nil {
		return
	}
	defer bv.decref()
	bv.unsuspendWrite(bevSuspendLookup)
	bv.unsuspendRead(bevSuspendLookup)
	if bv.x != nil {
		bv.x.dnsCancel = nil
	}
	l := s.lookup()
	if gaiErr == eaiCancel {
		l.dnsErr = int32(gaiErr)
		return
	}
	if gaiErr != 0 {
		l.dnsErr = int32(gaiErr)
		bv.runEventcb(BevEventError, 0, 0)
		return
	}
	if s.connect(sa, socklen) < 0 {
		bv.runEventcb(BevEventError, 0, int(unix.ECONNREFUSED))
	}
}

// EVUTIL_EAI_CANCEL
const eaiCancel = -90001

// DNSError is bufferevent_socket_get_dns_error.
func (bv *Bufferevent) DNSError() int {
	if s := connectorOf(bv); s != nil {
		return int(s.lookup().dnsErr)
	}
	return 0
}

// SetPriority is bufferevent_priority_set (socket and TLS bufferevents).
func (bv *Bufferevent) SetPriority(pri int) int {
	if connectorOf(bv) == nil { // libevent 2.1.12: socket and TLS bufferevents
		return -1
	}
	npri := int((*reactor.CBase)(bv.base.C()).NPriorities)
	if pri < 0 || pri >= npri {
		return -1
	}
	if bv.c.evRead.Flags&reactor.EVLIST_ACTIVE != 0 || bv.c.evWrite.Flags&reactor.EVLIST_ACTIVE != 0 {
		return -1
	}
	bv.c.evRead.Pri = uint8(pri)
	bv.c.evWrite.Pri = uint8(pri)
	if d := bv.dfr; d != nil && d.ev.Flags&reactor.EVLIST_ACTIVE == 0 {
		d.ev.Pri = uint8(pri) // (a deferred event made later takes evRead's)
	}
	return 0
}

// SetBase is bufferevent_base_set (socket bufferevents whose events are not
// pending only, as event_base_set).
func (bv *Bufferevent) SetBase(nb *reactor.Base) int {
	s := bevSock(bv)
	if s == nil {
		return -1
	}
	c := bv.c
	c.evBase = nb.C() // libevent sets it before event_base_set can refuse
	if c.evRead.Flags != reactor.EVLIST_INIT || c.evWrite.Flags != reactor.EVLIST_INIT ||
		bv.dfr != nil && bv.dfr.ev.Flags != reactor.EVLIST_INIT {
		return -1
	}
	fd := s.fd()
	bv.base = nb
	c.evBase = nb.C()
	nb.AssignGo(&c.evRead, fd, reactor.EV_READ|reactor.EV_PERSIST|reactor.EV_FINALIZE, bevReadID)
	nb.AssignGo(&c.evWrite, fd, reactor.EV_WRITE|reactor.EV_PERSIST|reactor.EV_FINALIZE, bevWriteID)
	if d := bv.dfr; d != nil {
		nb.AssignGo(&d.ev, -1, 0, bevDeferID)
		d.ev.Pri = c.evRead.Pri
	}
	return 0
}
