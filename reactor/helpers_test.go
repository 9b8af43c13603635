package reactor_test

import (
	"os"
	"strings"
	"testing"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/svc"
	"goevent/reactor"
	"goevent/reactor/internal/ctest"

	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(runtimePollerEnv); mode != "" {
		os.Exit(runtimePollerChild(mode))
	}
	// Stand in for the C layer: log capture and signal bookkeeping.
	svc.Attach(ctest.Services())
	os.Exit(m.Run())
}

// backends is the table every loop test runs over.
var backends = []struct {
	name   string
	method int32
}{
	{"epoll", reactor.MethodEpoll},
	{"poll", reactor.MethodPoll},
}

// forEachBackend runs f as a subtest per backend.
func forEachBackend(t *testing.T, f func(t *testing.T, method int32)) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { f(t, be.method) })
	}
}

// cbaseSize is sizeof(struct event_base), C-only fields included.
var cbaseSize = ctest.BaseOffset(17)

// newCBase allocates and initialises a struct event_base in C memory as the
// C layer's event_base_new does, without adopting it.
func newCBase(t testing.TB, method int32, npri int) *reactor.CBase {
	p := cmem.Alloc(cbaseSize)
	if p == nil {
		t.Fatal("cmem.Alloc failed")
	}
	c := (*reactor.CBase)(p)
	c.Magic = reactor.BaseMagic
	c.Method = method
	c.NPriorities = int32(npri)
	c.SigRfd, c.SigWfd = -1, -1
	t.Cleanup(func() {
		if c.SigRfd >= 0 {
			unix.Close(int(c.SigRfd))
			unix.Close(int(c.SigWfd))
		}
		c.Magic = reactor.BaseDead
		cmem.Free(p, cbaseSize)
	})
	return c
}

// newBase makes and adopts a base; it is freed at the end of the test.
func newBase(t testing.TB, method int32, npri int) *reactor.Base {
	c := newCBase(t, method, npri)
	b, err := reactor.Adopt(unsafe.Pointer(c))
	if err != nil {
		t.Fatalf("Adopt: %v", err)
	}
	t.Cleanup(b.Free)
	return b
}

func cbaseOf(b *reactor.Base) *reactor.CBase { return (*reactor.CBase)(b.C()) }

// newEvent returns a zeroed struct event in C memory.
func newEvent(t testing.TB) *reactor.Event {
	p := cmem.Alloc(reactor.EventSize)
	if p == nil {
		t.Fatal("cmem.Alloc failed")
	}
	t.Cleanup(func() { cmem.Free(p, reactor.EventSize) })
	return reactor.EventAt(p)
}

// assignC prepares ev as the C layer's event_assign does.
func assignC(b *reactor.Base, ev *reactor.Event, fd int, events int16, cb unsafe.Pointer, arg uintptr) {
	*ev = reactor.Event{}
	ev.Base = b.C()
	ev.Callback = cb
	ev.Arg = arg
	ev.Fd = int32(fd)
	ev.Events = events
	ev.Flags = reactor.EVLIST_INIT
	switch {
	case events&reactor.EV_SIGNAL != 0:
		ev.Closure = reactor.ClosureSignal
	case events&reactor.EV_PERSIST != 0:
		ev.Closure = reactor.ClosurePersist
	default:
		ev.Closure = reactor.ClosureEvent
	}
	ev.Pri = uint8(cbaseOf(b).NPriorities / 2)
	ev.HeapIdx = -1
	ev.RelTimeout = -1
}

// funcHandler adapts a function to reactor.Handler.
type funcHandler func(ev *reactor.Event, res int16)

func (f funcHandler) HandleEvent(ev *reactor.Event, res int16) { f(ev, res) }

// register registers f for the duration of the test.
func register(t testing.TB, f func(ev *reactor.Event, res int16)) uintptr {
	id := reactor.RegisterHandler(funcHandler(f))
	if id == 0 {
		t.Fatal("RegisterHandler failed")
	}
	t.Cleanup(func() { reactor.UnregisterHandler(id) })
	return id
}

// goEvent makes a C-memory event with a Go handler.
func goEvent(t testing.TB, b *reactor.Base, fd int, events int16, f func(ev *reactor.Event, res int16)) *reactor.Event {
	ev := newEvent(t)
	b.AssignGo(ev, fd, events, register(t, f))
	return ev
}

// socketpair returns a connected non-blocking AF_UNIX stream pair.
func socketpair(t testing.TB) (int, int) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

func tv(usec int64) *reactor.Timeval {
	return &reactor.Timeval{Sec: usec / 1e6, Usec: usec % 1e6}
}

func check(t testing.TB, b *reactor.Base) {
	t.Helper()
	if err := b.CheckInvariants(); err != nil {
		t.Fatalf("invariants: %v", err)
	}
}

// expectLog asserts that the last logged message contains want and was
// logged after the count before.
func expectLog(t testing.TB, before int, want string) {
	t.Helper()
	msg, n := ctest.LastLog()
	if n == before || !strings.Contains(msg, want) {
		t.Fatalf("expected a logged warning containing %q; last log %q (%d new)", want, msg, n-before)
	}
}

func logCount() int { _, n := ctest.LastLog(); return n }

func mustWrite(t testing.TB, fd int, s string) {
	t.Helper()
	if _, err := unix.Write(fd, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

func unsafePtr(c *reactor.CBase) unsafe.Pointer { return unsafe.Pointer(c) }
