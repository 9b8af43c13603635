package core

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"
	"goevent/reactor"
)

// evconnlistener, with libevent 2.1.12's observable behaviour (checked against
// the real library):
//   - evconnlistener_new leaves the descriptor's flags alone (libevent
//     requires a non-blocking socket); backlog > 0 calls listen(backlog),
//     backlog < 0 listen(128), 0 assumes the socket already listens;
//   - evconnlistener_new_bind makes a non-blocking socket (close-on-exec only
//     with LEV_OPT_CLOSE_ON_EXEC), sets SO_KEEPALIVE and the options, binds;
//     it closes the socket on free only with LEV_OPT_CLOSE_ON_FREE (not
//     implied);
//   - accepted sockets are non-blocking unless LEV_OPT_LEAVE_SOCKETS_BLOCKING,
//     close-on-exec only with LEV_OPT_CLOSE_ON_EXEC;
//   - with no callback the listener does not watch its socket (connections
//     wait in the backlog); a callback set to NULL on a running listener
//     makes it accept and close connections; enabling without a callback
//     succeeds and starts accepting once one is set;
//   - EINTR, EAGAIN and ECONNABORTED from accept end the round silently;
//     other errors go to the error callback with errno set (or are logged).
//
// Differences: libevent accepts until EAGAIN; we take at most acceptBatch
// connections per wakeup (level-triggered readiness brings us back), and
// only one when the socket is blocking (a second accept would block the
// loop). After EMFILE/ENFILE/ENOBUFS/ENOMEM libevent returns to the loop,
// which wakes again at once and spins while the condition lasts; we stop
// watching the socket for acceptBackoff and then resume.
const (
	acceptBatch   = 32
	acceptBackoff = 50_000 // microseconds

	LevOptLeaveSocketsBlocking = 1 << 0
	LevOptCloseOnFree          = 1 << 1
	LevOptCloseOnExec          = 1 << 2
	LevOptReuseable            = 1 << 3
	LevOptThreadsafe           = 1 << 4
	LevOptDisabled             = 1 << 5
	LevOptDeferredAccept       = 1 << 6
	LevOptReuseablePort        = 1 << 7
	LevOptBindIPv6Only         = 1 << 8
)

// cLev mirrors struct evconnlistener (gev_internal.h).
type cLev struct {
	magic uint32
	idx   uint32
	gen   uint64
	base  unsafe.Pointer
	fd    int32
	_     int32
}

const (
	levLive = 0x6c657620
	levDead = 0xdeadc0de

	sizeofCLev = int(unsafe.Sizeof(cLev{}))
	// One cmem block per listener: the handle, the two events and the
	// sockaddr_storage accept fills (C memory: the callback gets a pointer).
	levOffEv    = 32
	levOffTimer = levOffEv + reactor.EventSize
	levOffSa    = levOffTimer + reactor.EventSize
	levSaSize   = 128
	levBlock    = levOffSa + levSaSize
)

// Listener is the Go side of one evconnlistener.
type Listener struct {
	c     *cLev
	gen   uint64
	base  *reactor.Base
	ev    *reactor.Event // readiness of the socket
	timer *reactor.Event // accept back-off
	sa    unsafe.Pointer
	flags uint32

	cb, arg, errcb unsafe.Pointer
	goAccept       func(fd int, sa unsafe.Pointer, socklen int) // Go callback instead of cb (gohooks.go)

	enabled  bool
	added    bool
	backoff  bool
	blocking bool // socket is blocking: one accept per wakeup
	freed    bool
	running  int // accept rounds in progress (free is deferred)
}

var listeners slots.Table[Listener] // Max: table.go

type levReadHandler struct{}
type levTimerHandler struct{}

func levAt(p unsafe.Pointer) *Listener {
	c := (*cLev)(p)
	l := listeners.Get(c.idx)
	if l == nil || l.c != c || l.gen != c.gen {
		return nil
	}
	return l
}

func (levReadHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("evconnlistener")
	if l := levAt(unsafe.Add(unsafe.Pointer(ev), -levOffEv)); l != nil {
		l.onReadable()
	}
}

func (levTimerHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler("evconnlistener")
	if l := levAt(unsafe.Add(unsafe.Pointer(ev), -levOffTimer)); l != nil {
		l.backoff = false
		l.sync()
	}
}

func isBlocking(fd int) bool {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	return err == nil && fl&unix.O_NONBLOCK == 0
}

// NewListener is evconnlistener_new.
func NewListener(base *reactor.Base, cb, arg unsafe.Pointer, flags uint32, backlog int, fd int) *Listener {
	if base == nil {
		svc.Warnf("evconnlistener_new: event_base is not usable")
		return nil
	}
	if !registerHandlers() {
		svc.Warnf("evconnlistener_new: cannot register the core's event handlers")
		return nil
	}
	if backlog > 0 {
		if unix.Listen(fd, backlog) != nil {
			return nil
		}
	} else if backlog < 0 {
		if unix.Listen(fd, 128) != nil {
			return nil
		}
	}
	p := cmem.Alloc(levBlock + handleSlack)
	if p == nil {
		svc.Warnf("evconnlistener_new: out of memory")
		return nil
	}
	p = unsafe.Add(p, handleSlack)
	l := &Listener{
		c:     (*cLev)(p),
		gen:   nextGen(),
		base:  base,
		ev:    reactor.EventAt(unsafe.Add(p, levOffEv)),
		timer: reactor.EventAt(unsafe.Add(p, levOffTimer)),
		sa:    unsafe.Add(p, levOffSa),
		flags: flags,
		cb:    cb,
		arg:   arg,
	}
	idx, ok := listeners.Put(l)
	if !ok {
		freeHandle(p, levBlock)
		svc.Warnf("evconnlistener_new: too many listeners")
		return nil
	}
	base.AssignGo(l.ev, fd, reactor.EV_READ|reactor.EV_PERSIST, levReadID)
	base.AssignGo(l.timer, -1, 0, levTimerID)
	l.c.idx, l.c.gen = idx, l.gen
	l.c.base = base.C()
	l.c.fd = int32(fd)
	l.c.magic = levLive
	l.blocking = fd >= 0 && isBlocking(fd)
	if flags&LevOptDisabled == 0 {
		l.Enable()
	}
	return l
}

// NewListenerBind is evconnlistener_new_bind; sa == nil makes an unbound
// AF_INET socket, as libevent does.
func NewListenerBind(base *reactor.Base, cb, arg unsafe.Pointer, flags uint32, backlog int, sa unsafe.Pointer, socklen int) *Listener {
	if base == nil {
		svc.Warnf("evconnlistener_new_bind: event_base is not usable")
		return nil
	}
	family := unix.AF_INET
	if sa != nil {
		family = int(*(*uint16)(sa))
	}
	typ := unix.SOCK_STREAM | unix.SOCK_NONBLOCK
	if flags&LevOptCloseOnExec != 0 {
		typ |= unix.SOCK_CLOEXEC
	}
	fd, err := unix.Socket(family, typ, 0)
	if err != nil {
		return nil
	}
	fail := func() *Listener {
		unix.Close(fd)
		return nil
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1) != nil {
		return fail()
	}
	if flags&LevOptReuseable != 0 && unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1) != nil {
		return fail()
	}
	if flags&LevOptReuseablePort != 0 && unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1) != nil {
		return fail()
	}
	if flags&LevOptDeferredAccept != 0 && unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT, 1) != nil {
		return fail()
	}
	if flags&LevOptBindIPv6Only != 0 && unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1) != nil {
		return fail()
	}
	if sa != nil {
		if _, _, e := unix.Syscall(unix.SYS_BIND, uintptr(fd), uintptr(sa), uintptr(socklen)); e != 0 {
			return fail()
		}
	}
	l := NewListener(base, cb, arg, flags, backlog, fd)
	if l == nil {
		return fail()
	}
	return l
}

// Handle is the struct evconnlistener * given to C.
func (l *Listener) Handle() unsafe.Pointer { return unsafe.Pointer(l.c) }

func (l *Listener) fd() int { return int(l.c.fd) }

// sync makes the socket's event pending exactly when the listener should
// accept: enabled, with a callback, not backing off.
func (l *Listener) sync() int {
	want := l.enabled && (l.cb != nil || l.goAccept != nil) && !l.backoff && !l.freed
	if want && !l.added {
		if l.base.Add(l.ev, nil) != 0 {
			return -1
		}
		l.added = true
	} else if !want && l.added {
		l.base.Del(l.ev)
		l.added = false
	}
	return 0
}

// Enable is evconnlistener_enable.
func (l *Listener) Enable() int {
	l.enabled = true
	if l.fd() >= 0 {
		// The program may have changed the socket's mode since.
		l.blocking = isBlocking(l.fd())
	}
	return l.sync()
}

// Disable is evconnlistener_disable.
func (l *Listener) Disable() int {
	l.enabled = false
	if l.backoff {
		l.base.Del(l.timer)
		l.backoff = false
	}
	return l.sync()
}

// SetCallback is evconnlistener_set_cb. A NULL callback on a watching
// listener leaves the socket watched: connections are accepted and closed.
func (l *Listener) SetCallback(cb, arg unsafe.Pointer) {
	l.cb, l.arg = cb, arg
	l.goAccept = nil
	if cb != nil {
		l.sync()
	}
}

// SetErrorCallback is evconnlistener_set_error_cb.
func (l *Listener) SetErrorCallback(errcb unsafe.Pointer) { l.errcb = errcb }

func (l *Listener) onReadable() {
	if l.freed || !l.enabled {
		return
	}
	l.running++
	defer func() {
		l.running--
		if l.freed && l.running == 0 {
			l.release()
		}
	}()
	flags := 0
	if l.flags&LevOptLeaveSocketsBlocking == 0 {
		flags |= unix.SOCK_NONBLOCK
	}
	if l.flags&LevOptCloseOnExec != 0 {
		flags |= unix.SOCK_CLOEXEC
	}
	n := acceptBatch
	if l.blocking {
		n = 1
	}
	for i := 0; i < n; i++ {
		socklen := uint32(levSaSize)
		var r uintptr
		var e unix.Errno
		if l.blocking {
			r, _, e = unix.Syscall6(unix.SYS_ACCEPT4, uintptr(l.fd()), uintptr(l.sa),
				uintptr(unsafe.Pointer(&socklen)), uintptr(flags), 0, 0)
		} else {
			// A non-blocking socket's accept never blocks: a raw system
			// call, without the runtime's entersyscall/exitsyscall.
			r, _, e = unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(l.fd()), uintptr(l.sa),
				uintptr(unsafe.Pointer(&socklen)), uintptr(flags), 0, 0)
		}
		if e != 0 {
			l.acceptError(e)
			return
		}
		nfd := int(r)
		if socklen == 0 {
			unix.Close(nfd)
			continue
		}
		if l.goAccept != nil {
			l.goAccept(nfd, l.sa, int(socklen))
			if l.freed || !l.enabled {
				return
			}
			continue
		}
		cb := l.cb
		if cb == nil {
			unix.Close(nfd)
			return
		}
		// As libevent, the callback runs without the base lock (a no-op
		// without thread support): another thread may free or disable the
		// listener meanwhile; running keeps it, and its sa, alive.
		arg := l.arg
		l.base.Unlock()
		callAccept(cb, unsafe.Pointer(l.c), nfd, l.sa, int(socklen), arg)
		l.base.Lock()
		if l.freed || !l.enabled {
			return
		}
	}
}

func (l *Listener) acceptError(e unix.Errno) {
	switch e {
	case unix.EAGAIN, unix.EINTR, unix.ECONNABORTED:
		return
	}
	if l.errcb != nil {
		fn, arg := l.errcb, l.arg
		l.base.Unlock()
		callListenerError(fn, unsafe.Pointer(l.c), arg, int(e))
		l.base.Lock()
	} else {
		svc.Warnf("Error from accept() call: %v", e)
	}
	if l.freed || !l.enabled {
		return
	}
	switch e {
	case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
		l.backoff = true
		l.sync()
		if l.base.Add(l.timer, &reactor.Timeval{Usec: acceptBackoff}) != 0 {
			l.backoff = false
			l.sync()
		}
	}
}

// Free is evconnlistener_free: the socket is no longer watched and is closed
// now (LEV_OPT_CLOSE_ON_FREE); the memory goes once no accept round of this
// listener is running.
func (l *Listener) Free() {
	if l.freed {
		return
	}
	l.freed = true
	l.enabled = false
	l.sync()
	if l.backoff {
		l.base.Del(l.timer)
		l.backoff = false
	}
	if l.flags&LevOptCloseOnFree != 0 && l.fd() >= 0 {
		unix.Close(l.fd())
	}
	l.c.magic = levDead
	if l.running == 0 {
		l.release()
	}
}

func (l *Listener) release() {
	if l.c == nil {
		return
	}
	listeners.Release(l.c.idx)
	l.gen = 0
	freeHandle(unsafe.Pointer(l.c), levBlock)
	l.c = nil
}
