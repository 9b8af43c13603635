package core

import (
	"math/rand"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/reactor"
)

// bevModel is what libevent 2.1.12's state machine says a socket
// bufferevent's flags must be after each operation.
type bevModel struct {
	enabled   int16
	low, high int
	sent      int // bytes the peer wrote
	drained   int // bytes the program removed from the input
}

// check compares the bufferevent with the model once the loop has had the
// chance to read what is available.
func (m *bevModel) check(t *testing.T, bv *Bufferevent, step int, op string) {
	t.Helper()
	s := bevSock(bv)
	in := bv.in.Len()
	if bv.c.enabled != m.enabled {
		t.Fatalf("step %d (%s): enabled %#x, model %#x", step, op, bv.c.enabled, m.enabled)
	}
	wantSusp := m.high != 0 && in >= m.high
	if (bv.readSuspended&bevSuspendWM != 0) != wantSusp {
		t.Fatalf("step %d (%s): WM suspension %v with input %d high %d", step, op, !wantSusp, in, m.high)
	}
	wantPending := m.enabled&reactor.EV_READ != 0 && bv.readSuspended == 0
	pending := bv.c.evRead.Flags&reactor.EVLIST_INSERTED != 0
	if pending != wantPending || s.readAdded() != wantPending {
		t.Fatalf("step %d (%s): ev_read pending %v (readAdded %v), model %v", step, op, pending, s.readAdded(), wantPending)
	}
	avail := m.sent - m.drained // in the input or still in the socket
	if in > avail {
		t.Fatalf("step %d (%s): input %d but only %d bytes exist", step, op, in, avail)
	}
	if wantPending {
		// Everything available was read, up to the high watermark.
		want := avail
		if m.high != 0 && want > m.high && in <= m.high {
			want = m.high
		}
		if m.high != 0 && in > m.high {
			want = in // the watermark was lowered under existing input
		}
		if in != want {
			t.Fatalf("step %d (%s): input %d, model %d (avail %d high %d)", step, op, in, want, avail, m.high)
		}
	}
}

// TestBevStateMachineAgainstModel drives a socket bufferevent with random
// enable/disable/watermark/peer-write/drain steps and checks the enabled
// flags, the watermark suspension, whether ev_read is pending and how much
// was read after each step.
func TestBevStateMachineAgainstModel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, method int32) {
		for seed := int64(1); seed <= 6; seed++ {
			rng := rand.New(rand.NewSource(seed))
			b := newBase(t, method)
			a, p := socketpair(t)
			r := &rec{}
			bv := newBev(t, b, a, BevOptCloseOnFree, r)
			// The read callback leaves the data: draining is a step of its own.
			m := &bevModel{enabled: reactor.EV_WRITE}
			buf := make([]byte, 4096)
			for step := 0; step < 300; step++ {
				var op string
				switch k := rng.Intn(7); k {
				case 0:
					op = "enable READ"
					bv.Enable(reactor.EV_READ)
					m.enabled |= reactor.EV_READ
				case 1:
					op = "disable READ"
					bv.Disable(reactor.EV_READ)
					m.enabled &^= reactor.EV_READ
				case 2:
					op = "setwatermark"
					low, high := rng.Intn(50), 0
					if rng.Intn(3) > 0 {
						high = 1 + rng.Intn(200)
					}
					bv.SetWatermark(reactor.EV_READ, uintptr(low), uintptr(high))
					m.low, m.high = low, high
				case 3, 4:
					op = "peer write"
					n := 1 + rng.Intn(300)
					unix.Write(p, buf[:n])
					m.sent += n
				case 5:
					op = "drain"
					n := rng.Intn(bv.in.Len() + 1)
					if n > 0 {
						bv.Read(unsafe.Pointer(&buf[0]), n)
					}
					m.drained += n
				case 6:
					op = "enable WRITE / disable WRITE"
					if rng.Intn(2) == 0 {
						bv.Enable(reactor.EV_WRITE)
						m.enabled |= reactor.EV_WRITE
					} else {
						bv.Disable(reactor.EV_WRITE)
						m.enabled &^= reactor.EV_WRITE
					}
				}
				passes(b, 8)
				m.check(t, bv, step, op)
			}
			bv.Free()
			unix.Close(p)
		}
	})
}

// TestBevTimeoutsTable: which direction a timeout disables and when timeouts
// count (libevent: while the direction's event is pending).
func TestBevTimeoutsTable(t *testing.T) {
	tv := &cTimeval{usec: 30000}
	tests := []struct {
		name      string
		setup     func(bv *Bufferevent, peer int)
		rd, wr    *cTimeval
		wantWhat  int16 // 0: no event expected
		wantAfter int16 // enabled flags after
	}{
		{"read enabled, idle", func(bv *Bufferevent, _ int) { bv.Enable(reactor.EV_READ) }, tv, nil,
			BevEventReading | BevEventTimeout, reactor.EV_WRITE},
		{"read disabled", func(bv *Bufferevent, _ int) {}, tv, nil, 0, reactor.EV_WRITE},
		{"read suspended at the high watermark", func(bv *Bufferevent, peer int) {
			bv.SetWatermark(reactor.EV_READ, 0, 2)
			unix.Write(peer, []byte("xyz"))
			bv.Enable(reactor.EV_READ)
		}, tv, nil, 0, reactor.EV_READ | reactor.EV_WRITE},
		{"write enabled, empty output", func(bv *Bufferevent, _ int) { bv.Enable(reactor.EV_WRITE) }, nil, tv,
			0, reactor.EV_WRITE},
		{"write stuck: peer not reading", func(bv *Bufferevent, _ int) {
			big := make([]byte, 8<<20)
			bv.Write(unsafe.Pointer(&big[0]), len(big))
		}, nil, tv, BevEventWriting | BevEventTimeout, 0},
		{"write stuck but writing disabled", func(bv *Bufferevent, _ int) {
			bv.Disable(reactor.EV_WRITE)
			big := make([]byte, 8<<20)
			bv.Write(unsafe.Pointer(&big[0]), len(big))
		}, nil, tv, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBase(t, reactor.MethodEpoll)
			r := &rec{}
			bv, p := sockBev(t, b, r)
			bv.SetTimeouts(tc.rd, tc.wr)
			tc.setup(bv, p)
			deadline := time.Now().Add(300 * time.Millisecond)
			for time.Now().Before(deadline) && r.events == 0 {
				b.Loop(reactor.EVLOOP_ONCE | reactor.EVLOOP_NONBLOCK)
				time.Sleep(time.Millisecond)
			}
			if tc.wantWhat == 0 {
				if r.events != 0 {
					t.Fatalf("unexpected event %#x", r.lastWhat)
				}
			} else if r.events != 1 || r.lastWhat != tc.wantWhat {
				t.Fatalf("events %d last %#x, want %#x", r.events, r.lastWhat, tc.wantWhat)
			}
			if bv.c.enabled != tc.wantAfter {
				t.Fatalf("enabled %#x, want %#x", bv.c.enabled, tc.wantAfter)
			}
		})
	}
}

// stubLimiter is a rate limiter with a fixed budget per direction.
type stubLimiter struct{ rd, wr int }

func (l *stubLimiter) readMax(*Bufferevent) int        { return l.rd }
func (l *stubLimiter) writeMax(*Bufferevent) int       { return l.wr }
func (l *stubLimiter) readDone(_ *Bufferevent, n int)  { l.rd -= n }
func (l *stubLimiter) writeDone(_ *Bufferevent, n int) { l.wr -= n }

// TestBevLimiterHooks: the socket paths move at most what the limiter
// allows, suspend with bevSuspendBW at zero and resume when the limiter
// unsuspends.
func TestBevLimiterHooks(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	r := &rec{}
	bv, p := sockBev(t, b, r)
	lim := &stubLimiter{rd: 10, wr: 7}
	bv.ext().limiter = lim
	bv.Enable(reactor.EV_READ)
	unix.Write(p, make([]byte, 100))
	passes(b, 10)
	if bv.in.Len() != 10 || bv.readSuspended != bevSuspendBW || lim.rd != 0 {
		t.Fatalf("read: input %d suspended %#x budget %d", bv.in.Len(), bv.readSuspended, lim.rd)
	}
	if got := BevGetMax(bv.Handle(), 2); got != 0 {
		t.Fatalf("max_to_read %d", got)
	}
	lim.rd = 50
	bv.unsuspendRead(bevSuspendBW)
	passes(b, 10)
	if bv.in.Len() != 60 || bv.readSuspended != bevSuspendBW {
		t.Fatalf("after refill: input %d suspended %#x", bv.in.Len(), bv.readSuspended)
	}
	d, n := cstr("0123456789abcdef")
	bv.Write(d, n)
	passes(b, 10)
	if got := len(peerRead(p)); got != 7 || bv.writeSuspended != bevSuspendBW {
		t.Fatalf("write: peer got %d suspended %#x", got, bv.writeSuspended)
	}
	lim.wr = 100
	bv.unsuspendWrite(bevSuspendBW)
	passes(b, 10)
	if got := len(peerRead(p)); got != 9 || bv.writeSuspended != 0 || bv.out.Len() != 0 {
		t.Fatalf("after refill: peer got %d suspended %#x output %d", got, bv.writeSuspended, bv.out.Len())
	}
}
