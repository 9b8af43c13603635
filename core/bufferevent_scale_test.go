package core

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"goevent/reactor"
)

// TestBevManyConnectionsLeaveNothing runs n bufferevents at once on one base
// (each echoes a message, then frees itself at EOF) and checks that the
// bufferevent and buffer tables and the descriptors are back where they
// started. (tests/c/ours/bev_10k.c does 10 000 TCP connections from C.)
func TestBevManyConnectionsLeaveNothing(t *testing.T) {
	const n = 3000
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) != nil || lim.Max < 2*n+100 {
		t.Skip("RLIMIT_NOFILE too low")
	}
	if lim.Cur < 2*n+100 {
		lim.Cur = lim.Max
		unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
	}
	b := newBase(t, reactor.MethodEpoll)
	bevs0, bufs0 := bevs.Live(), buffers.Live()
	peers := make([]int, n)
	mine := make([]int, n)
	echoed, closed := 0, 0
	for i := 0; i < n; i++ {
		a, p := socketpair(t)
		peers[i], mine[i] = p, a
		r := &rec{}
		bv := newBev(t, b, a, BevOptCloseOnFree, r)
		r.onRead = func(bv *Bufferevent) {
			echoed++
			bv.WriteBuffer(&bv.in)
		}
		r.onEvent = func(bv *Bufferevent, what int16) {
			closed++
			bv.Free()
		}
		bv.Enable(reactor.EV_READ)
		unix.Write(p, []byte("ping"))
	}
	if !runUntil(t, b, 20*time.Second, func() bool { return echoed == n }) {
		t.Fatalf("echoed %d of %d", echoed, n)
	}
	buf := make([]byte, 16)
	for _, p := range peers {
		if k, _ := unix.Read(p, buf); k != 4 {
			t.Fatalf("peer got %d bytes", k)
		}
		unix.Close(p)
	}
	if !runUntil(t, b, 20*time.Second, func() bool { return closed == n }) {
		t.Fatalf("closed %d of %d", closed, n)
	}
	spin(b, 3)
	if bevs.Live() != bevs0 || buffers.Live() != bufs0 {
		t.Fatalf("left behind: %d bufferevents, %d buffers", bevs.Live()-bevs0, buffers.Live()-bufs0)
	}
	for _, fd := range mine {
		if fdOpen(fd) {
			t.Fatalf("fd %d still open", fd)
		}
	}
}
