package core

import (
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/core/internal/cbtest"
	"goevent/reactor"
)

type levRec struct {
	accepts   []int // ports of accepted peers
	errs      []int
	nonblock  bool
	cloexec   bool
	socklen   int
	keep      bool // keep the accepted fd open (default: close it)
	onAccept  func(l *Listener, fd int)
	onError   func(l *Listener, err int)
	acceptFds []int
}

func loopback(port int) unix.RawSockaddrInet4 {
	sa := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: [4]byte{127, 0, 0, 1}}
	p := (*[2]byte)(unsafe.Pointer(&sa.Port))
	p[0], p[1] = byte(port>>8), byte(port)
	return sa
}

func newTestListener(t testing.TB, b *reactor.Base, flags uint32, r *levRec) *Listener {
	var self *Listener
	arg := cbtest.Register(&cbtest.Handlers{
		Accept: func(lev unsafe.Pointer, fd int, sa unsafe.Pointer, socklen int) {
			if lev != self.Handle() {
				t.Errorf("accept: wrong listener")
			}
			sin := (*unix.RawSockaddrInet4)(sa)
			port := int(sin.Port>>8 | sin.Port<<8)
			r.accepts = append(r.accepts, port)
			fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
			fdfl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
			r.nonblock, r.cloexec, r.socklen = fl&unix.O_NONBLOCK != 0, fdfl&unix.FD_CLOEXEC != 0, socklen
			if r.onAccept != nil {
				r.onAccept(self, fd)
			}
			if r.keep {
				r.acceptFds = append(r.acceptFds, fd)
			} else {
				unix.Close(fd)
			}
		},
		Error: func(lev unsafe.Pointer, err int) {
			r.errs = append(r.errs, err)
			if r.onError != nil {
				r.onError(self, err)
			}
		},
	})
	sa := loopback(0)
	self = NewListenerBind(b, cbtest.AcceptCB(), arg, flags, -1, unsafe.Pointer(&sa), int(unsafe.Sizeof(sa)))
	if self == nil {
		t.Fatal("NewListenerBind failed")
	}
	self.SetErrorCallback(cbtest.ErrorCB())
	return self
}

func listenPort(t testing.TB, fd int) int {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return sa.(*unix.SockaddrInet4).Port
}

// dial connects a client and returns its fd and local port.
func dial(t testing.TB, port int) (int, int) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd, listenPort(t, fd)
}

func TestListenerAcceptOrderAndFlags(t *testing.T) {
	forEachBackend(t, func(t *testing.T, method int32) {
		b := newBase(t, method)
		tests := []struct {
			name              string
			flags             uint32
			nonblock, cloexec bool
		}{
			{"default", LevOptCloseOnFree | LevOptReuseable, true, false},
			{"cloexec", LevOptCloseOnFree | LevOptCloseOnExec, true, true},
			{"blocking", LevOptCloseOnFree | LevOptLeaveSocketsBlocking, false, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := &levRec{}
				l := newTestListener(t, b, tc.flags, r)
				fd := l.fd()
				if fd != int(l.c.fd) || l.c.base != b.C() || l.c.magic != levLive {
					t.Fatal("handle fields")
				}
				fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
				fdfl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
				if fl&unix.O_NONBLOCK == 0 || (fdfl&unix.FD_CLOEXEC != 0) != (tc.flags&LevOptCloseOnExec != 0) {
					t.Fatalf("listening socket flags %#x %#x", fl, fdfl)
				}
				port := listenPort(t, fd)
				var want []int
				for i := 0; i < 3; i++ {
					_, p := dial(t, port)
					want = append(want, p)
				}
				if !runUntil(t, b, 3*time.Second, func() bool { return len(r.accepts) == 3 }) {
					t.Fatalf("accepted %d of 3", len(r.accepts))
				}
				for i := range want {
					if r.accepts[i] != want[i] {
						t.Fatalf("accept order %v, want %v", r.accepts, want)
					}
				}
				if r.nonblock != tc.nonblock || r.cloexec != tc.cloexec || r.socklen != 16 {
					t.Fatalf("accepted socket: nonblock %v cloexec %v socklen %d", r.nonblock, r.cloexec, r.socklen)
				}
				h := l.Handle()
				ListenerFree(h)
				if fdOpen(fd) {
					t.Fatal("LEV_OPT_CLOSE_ON_FREE: fd open after free")
				}
				ListenerFree(h) // double free: logged, ignored
				if ListenerEnable(h) != -1 {
					t.Fatal("use after free accepted")
				}
			})
		}
	})
}

func TestListenerDisableEnableAndNullCallback(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	r := &levRec{}
	l := newTestListener(t, b, LevOptCloseOnFree, r)
	defer l.Free()
	port := listenPort(t, l.fd())

	if l.Disable() != 0 || l.Disable() != 0 {
		t.Fatal("disable")
	}
	dial(t, port)
	spin(b, 20)
	if len(r.accepts) != 0 {
		t.Fatal("accepted while disabled")
	}
	if l.Enable() != 0 || l.Enable() != 0 {
		t.Fatal("enable")
	}
	if !runUntil(t, b, 3*time.Second, func() bool { return len(r.accepts) == 1 }) {
		t.Fatal("not accepted after enable")
	}

	// NULL callback on a running listener: connections accepted and closed.
	l.SetCallback(nil, nil)
	c, _ := dial(t, port)
	closed := func() bool {
		var x [1]byte
		n, _, err := unix.Recvfrom(c, x[:], unix.MSG_DONTWAIT)
		return n == 0 && err == nil || err == unix.ECONNRESET
	}
	if !runUntil(t, b, 3*time.Second, closed) {
		t.Fatal("client not closed with a NULL callback")
	}
	if len(r.accepts) != 1 {
		t.Fatal("callback ran")
	}
}

func TestListenerWithoutCallback(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	r := &levRec{}
	sa := loopback(0)
	arg := cbtest.Register(&cbtest.Handlers{Accept: func(lev unsafe.Pointer, fd int, sa unsafe.Pointer, socklen int) {
		r.accepts = append(r.accepts, fd)
		unix.Close(fd)
	}})
	l := NewListenerBind(b, nil, nil, LevOptCloseOnFree, 16, unsafe.Pointer(&sa), int(unsafe.Sizeof(sa)))
	if l == nil {
		t.Fatal("new_bind without callback")
	}
	defer l.Free()
	c, _ := dial(t, listenPort(t, l.fd()))
	spin(b, 20)
	var x [1]byte
	if _, _, err := unix.Recvfrom(c, x[:], unix.MSG_DONTWAIT); err != unix.EAGAIN {
		t.Fatalf("client closed without a callback: %v", err)
	}
	l.SetCallback(cbtest.AcceptCB(), arg)
	if !runUntil(t, b, 3*time.Second, func() bool { return len(r.accepts) == 1 }) {
		t.Fatal("not accepted after set_cb")
	}
}

func TestListenerFreeInsideCallback(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	r := &levRec{}
	r.onAccept = func(l *Listener, fd int) { l.Free() }
	l := newTestListener(t, b, LevOptCloseOnFree, r)
	fd := l.fd()
	port := listenPort(t, fd)
	live := listeners.Live()
	dial(t, port)
	dial(t, port)
	if !runUntil(t, b, 3*time.Second, func() bool { return len(r.accepts) > 0 }) {
		t.Fatal("no accept")
	}
	spin(b, 10)
	if len(r.accepts) != 1 || fdOpen(fd) || listeners.Live() != live-1 || l.c != nil {
		t.Fatalf("accepts %d, fd open %v", len(r.accepts), fdOpen(fd))
	}
}

func TestListenerNewOnOwnSocket(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(s, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	r := &levRec{}
	arg := cbtest.Register(&cbtest.Handlers{Accept: func(lev unsafe.Pointer, fd int, sa unsafe.Pointer, socklen int) {
		r.accepts = append(r.accepts, fd)
		unix.Close(fd)
	}})
	// backlog -1: listen(128); the socket's mode is left alone (libevent).
	l := NewListener(b, cbtest.AcceptCB(), arg, 0, -1, s)
	if l == nil {
		t.Fatal("NewListener")
	}
	if fl, _ := unix.FcntlInt(uintptr(s), unix.F_GETFL, 0); fl&unix.O_NONBLOCK != 0 {
		t.Fatal("evconnlistener_new made the socket non-blocking")
	}
	// Blocking socket: one accept per wakeup, the loop never blocks in accept.
	port := listenPort(t, s)
	dial(t, port)
	dial(t, port)
	if !runUntil(t, b, 3*time.Second, func() bool { return len(r.accepts) == 2 }) {
		t.Fatalf("accepted %d of 2 on a blocking socket", len(r.accepts))
	}
	l.Free()
	if !fdOpen(s) {
		t.Fatal("closed without LEV_OPT_CLOSE_ON_FREE")
	}
	unix.Close(s)
}

func TestListenerEMFILE(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	r := &levRec{}
	var saved unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &saved); err != nil {
		t.Fatal(err)
	}
	r.onError = func(l *Listener, err int) { unix.Setrlimit(unix.RLIMIT_NOFILE, &saved) }
	l := newTestListener(t, b, LevOptCloseOnFree, r)
	defer l.Free()
	dial(t, listenPort(t, l.fd()))
	probe, _ := unix.Dup(0)
	unix.Close(probe)
	lim := saved
	lim.Cur = uint64(probe)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &saved)
	if !runUntil(t, b, 3*time.Second, func() bool { return len(r.accepts) == 1 }) {
		t.Fatalf("errors %v accepts %d", r.errs, len(r.accepts))
	}
	if len(r.errs) != 1 || r.errs[0] != int(unix.EMFILE) {
		t.Fatalf("error callback: %v", r.errs)
	}
}

func TestListenerBindTwiceFails(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	l := newTestListener(t, b, LevOptCloseOnFree|LevOptReuseable, &levRec{})
	defer l.Free()
	sa := loopback(listenPort(t, l.fd()))
	if l2 := NewListenerBind(b, nil, nil, LevOptCloseOnFree|LevOptReuseable, -1, unsafe.Pointer(&sa), int(unsafe.Sizeof(sa))); l2 != nil {
		l2.Free()
		t.Fatal("second bind on the same port succeeded")
	}
}
