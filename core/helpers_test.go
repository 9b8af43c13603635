package core

import (
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
	"goevent/reactor"
)

const cbaseAlloc = 4096 // >= sizeof(struct event_base)

var backends = []struct {
	name   string
	method int32
}{
	{"epoll", reactor.MethodEpoll},
	{"poll", reactor.MethodPoll},
}

func forEachBackend(t *testing.T, f func(t *testing.T, method int32)) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { f(t, be.method) })
	}
}

// newBase makes a struct event_base in C memory as the C layer does and
// adopts it; at the end of the test pending finalizers run and it is freed.
func newBase(t testing.TB, method int32) *reactor.Base {
	p := cmem.Alloc(cbaseAlloc)
	if p == nil {
		t.Fatal("cmem.Alloc")
	}
	c := (*reactor.CBase)(p)
	c.Magic = reactor.BaseMagic
	c.Method = method
	c.NPriorities = 1
	c.SigRfd, c.SigWfd = -1, -1
	b, err := reactor.Adopt(p)
	if err != nil {
		t.Fatalf("Adopt: %v", err)
	}
	t.Cleanup(func() {
		FinalizeBase(p)
		b.Free()
		c.Magic = reactor.BaseDead
		cmem.Free(p, cbaseAlloc)
	})
	return b
}

// runUntil runs non-blocking loop passes until cond holds or the time is up.
func runUntil(t testing.TB, b *reactor.Base, d time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		if b.Loop(reactor.EVLOOP_NONBLOCK) < 0 {
			t.Fatal("loop failed")
		}
		if !cond() {
			time.Sleep(50 * time.Microsecond)
		}
	}
	return true
}

// spin runs n non-blocking loop passes.
func spin(b *reactor.Base, n int) {
	for i := 0; i < n; i++ {
		b.Loop(reactor.EVLOOP_NONBLOCK)
	}
}

func socketpair(t testing.TB) (int, int) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.SetNonblock(fds[0], true)
	return fds[0], fds[1]
}

func fdOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

// peerRead reads what is available on fd without blocking.
func peerRead(fd int) []byte {
	var out []byte
	buf := make([]byte, 65536)
	for {
		n, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
		if n <= 0 || err != nil {
			return out
		}
		out = append(out, buf[:n]...)
	}
}

func cstr(s string) (unsafe.Pointer, int) {
	b := []byte(s)
	if len(b) == 0 {
		return nil, 0
	}
	return unsafe.Pointer(&b[0]), len(b)
}
