package core

import (
	"bytes"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/core/internal/cbtest"
	"goevent/reactor"
)

func TestLayoutAgainstC(t *testing.T) {
	var bev cBev
	var buf cBuf
	var lev cLev
	tests := []struct {
		name string
		fact int
		got  uintptr
	}{
		{"sizeof bufferevent", 0, bevPublicSz},
		{"ev_read", 1, unsafe.Offsetof(bev.evRead)},
		{"ev_write", 2, unsafe.Offsetof(bev.evWrite)},
		{"input", 3, unsafe.Offsetof(bev.input)},
		{"output", 4, unsafe.Offsetof(bev.output)},
		{"wm_read", 5, unsafe.Offsetof(bev.wmRead)},
		{"wm_write", 6, unsafe.Offsetof(bev.wmWrite)},
		{"readcb", 7, unsafe.Offsetof(bev.readcb)},
		{"writecb", 8, unsafe.Offsetof(bev.writecb)},
		{"errorcb", 9, unsafe.Offsetof(bev.errorcb)},
		{"cbarg", 10, unsafe.Offsetof(bev.cbarg)},
		{"timeout_read", 11, unsafe.Offsetof(bev.timeoutRead)},
		{"timeout_write", 12, unsafe.Offsetof(bev.timeoutWrite)},
		{"enabled", 13, unsafe.Offsetof(bev.enabled)},
		{"GEV_BEV_PRIV_OFF", 14, unsafe.Offsetof(bev.priv)},
		{"sizeof gev_bev_private", 15, unsafe.Sizeof(bev.priv)},
		{"sizeof evbuffer", 16, unsafe.Sizeof(buf)},
		{"evbuffer.total_len", 17, unsafe.Offsetof(buf.totalLen)},
		{"evbuffer.gen", 18, unsafe.Offsetof(buf.gen)},
		{"sizeof evconnlistener", 19, unsafe.Sizeof(lev)},
		{"evconnlistener.base", 20, unsafe.Offsetof(lev.base)},
		{"evconnlistener.fd", 21, unsafe.Offsetof(lev.fd)},
		{"ev_base", 22, unsafe.Offsetof(bev.evBase)},
		{"be_ops", 23, unsafe.Offsetof(bev.beOps)},
		{"sizeof event", 24, reactor.EventSize},
		{"event.ev_fd", 25, unsafe.Offsetof(bev.evRead.Fd)},
		{"gev_bev_private.cb_depth", 26, unsafe.Offsetof(bev.priv.cbDepth)},
		{"gev_bev_private.sflags", 27, unsafe.Offsetof(bev.priv.sflags)},
		{"GEV_BEV_SF_*", 28, bevSFFreed | bevSFFreePending<<8 | bevSFReadAdded<<16 | bevSFReadSusp<<24},
	}
	for _, tc := range tests {
		if want := cbtest.Layout(tc.fact); int(tc.got) != want {
			t.Errorf("%s: Go %d, C %d", tc.name, tc.got, want)
		}
	}
}

// rec records the callbacks of one bufferevent.
type rec struct {
	reads, writes, events int
	lastWhat              int16
	lastErr               int
	enabledInEvent        int16
	onRead, onWrite       func(bv *Bufferevent)
	onEvent               func(bv *Bufferevent, what int16)
}

// newBev makes a socket bufferevent on fd with the test callbacks installed
// the way bufferevent_setcb does (stored in the C struct).
func newBev(t testing.TB, b *reactor.Base, fd int, opts int, r *rec) *Bufferevent {
	bv := NewSocketBufferevent(b, fd, opts)
	if bv == nil {
		t.Fatal("NewSocketBufferevent failed")
	}
	var self *Bufferevent = bv
	arg := cbtest.Register(&cbtest.Handlers{
		Read: func(p unsafe.Pointer) {
			if p != self.Handle() {
				t.Errorf("readcb: wrong bufferevent")
			}
			r.reads++
			if r.onRead != nil {
				r.onRead(self)
			}
		},
		Write: func(p unsafe.Pointer) {
			r.writes++
			if r.onWrite != nil {
				r.onWrite(self)
			}
		},
		Event: func(p unsafe.Pointer, what int16, err int) {
			r.events++
			r.lastWhat, r.lastErr = what, err
			r.enabledInEvent = (*cBev)(p).enabled
			if r.onEvent != nil {
				r.onEvent(self, what)
			}
		},
	})
	c := bv.c
	c.readcb, c.writecb, c.errorcb, c.cbarg = cbtest.ReadCB(), cbtest.WriteCB(), cbtest.EventCB(), arg
	return bv
}

func TestBevDefaultsAndEnable(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	a, p := socketpair(t)
	defer unix.Close(p)
	bv := newBev(t, b, a, BevOptCloseOnFree, &rec{})
	c := bv.c
	if c.enabled != reactor.EV_WRITE || int(c.evRead.Fd) != a || c.input == nil || c.output == nil ||
		c.input == c.output || c.evBase != b.C() {
		t.Fatalf("defaults: enabled %#x fd %d", c.enabled, c.evRead.Fd)
	}
	steps := []struct {
		enable  bool
		what    int16
		enabled int16
	}{
		{true, reactor.EV_READ, 6},
		{false, reactor.EV_READ, 4},
		{false, reactor.EV_WRITE, 0},
		{false, reactor.EV_READ | reactor.EV_WRITE, 0},
		{true, reactor.EV_READ | reactor.EV_WRITE, 6},
		{true, reactor.EV_READ, 6},
	}
	h := bv.Handle()
	for i, s := range steps {
		var r int
		if s.enable {
			r = BevEnable(h, s.what)
		} else {
			r = BevDisable(h, s.what)
		}
		if r != 0 || c.enabled != s.enabled {
			t.Errorf("step %d: r=%d enabled %#x want %#x", i, r, c.enabled, s.enabled)
		}
	}
	BevFree(h)
	if fdOpen(a) == false {
		t.Error("fd closed before the finalizer ran")
	}
	// Use after free and double free are refused.
	if BevEnable(h, reactor.EV_READ) != -1 || BevWrite(h, unsafe.Pointer(&steps), 1) != -1 {
		t.Error("use after free accepted")
	}
	BevFree(h)
	spin(b, 2)
	if fdOpen(a) {
		t.Error("BEV_OPT_CLOSE_ON_FREE: fd still open after a loop pass")
	}
}

func TestBevWriteFromLoop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, method int32) {
		b := newBase(t, method)
		r := &rec{}
		bv, p := sockBev(t, b, r)
		d, n := cstr("hello")
		if BevWrite(bv.Handle(), d, uint64(n)) != 0 || bv.out.Len() != 5 {
			t.Fatal("write")
		}
		if BevWrite(bv.Handle(), nil, 0) != 0 {
			t.Fatal("write of 0 bytes")
		}
		if got := peerRead(p); len(got) != 0 {
			t.Fatalf("peer got %q before the loop ran", got)
		}
		b.Loop(reactor.EVLOOP_ONCE)
		if got := peerRead(p); string(got) != "hello" || r.writes != 1 || bv.out.Len() != 0 {
			t.Fatalf("after loop: peer %q writes %d", got, r.writes)
		}
		if bevSock(bv).writeAdded || bevSock(bv).flushQueued {
			t.Fatal("write interest left after the output drained")
		}
		// Several writes before the loop runs go out in one send.
		for i := 0; i < 5; i++ {
			d, n := cstr("ab")
			bv.Write(d, n)
		}
		b.Loop(reactor.EVLOOP_ONCE)
		if got := peerRead(p); string(got) != "ababababab" || r.writes != 2 {
			t.Fatalf("coalesced: %q writes %d", got, r.writes)
		}
		// Disabled write queues the data; enable sends it.
		bv.Disable(reactor.EV_WRITE)
		d, n = cstr("queued")
		bv.Write(d, n)
		spin(b, 3)
		if got := peerRead(p); len(got) != 0 || bv.out.Len() != 6 || r.writes != 2 {
			t.Fatalf("disabled write: peer %q", got)
		}
		bv.Enable(reactor.EV_WRITE)
		b.Loop(reactor.EVLOOP_ONCE)
		if got := peerRead(p); string(got) != "queued" || r.writes != 3 {
			t.Fatalf("after enable: %q writes %d", got, r.writes)
		}
	})
}

func TestBevEcho(t *testing.T) {
	forEachBackend(t, func(t *testing.T, method int32) {
		b := newBase(t, method)
		r := &rec{onRead: func(bv *Bufferevent) { bv.WriteBuffer(&bv.in) }}
		bv, p := sockBev(t, b, r)
		bv.Enable(reactor.EV_READ)
		for i := 0; i < 200; i++ {
			msg := bytes.Repeat([]byte{byte(i)}, 1+i*37%3000)
			if _, err := unix.Write(p, msg); err != nil {
				t.Fatal(err)
			}
			var got []byte
			if !runUntil(t, b, 5*time.Second, func() bool {
				got = append(got, peerRead(p)...)
				return len(got) >= len(msg)
			}) {
				t.Fatalf("message %d: echo timed out (%d of %d)", i, len(got), len(msg))
			}
			if !bytes.Equal(got, msg) {
				t.Fatalf("message %d: echo differs", i)
			}
		}
		if r.events != 0 {
			t.Fatalf("unexpected event callback %#x", r.lastWhat)
		}
	})
}

func TestBevLargeTransfer(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	r := &rec{}
	bv, p := sockBev(t, b, r)
	bv.Enable(reactor.EV_READ)
	const n = 8 << 20
	big := pattern(n, 9)
	if bv.Write(unsafe.Pointer(&big[0]), n) != 0 {
		t.Fatal("write")
	}
	var got []byte
	// Peer also sends n bytes; the bufferevent reads them while writing.
	sent := 0
	if !runUntil(t, b, 20*time.Second, func() bool {
		got = append(got, peerRead(p)...)
		if sent < n {
			k, _ := unix.SendmsgN(p, big[sent:min(sent+65536, n)], nil, nil, unix.MSG_DONTWAIT)
			if k > 0 {
				sent += k
			}
		}
		return len(got) >= n && bv.in.Len() >= n
	}) {
		t.Fatalf("transfer timed out: peer got %d, input %d, sent %d", len(got), bv.in.Len(), sent)
	}
	if !bytes.Equal(got, big) {
		t.Fatal("peer data differs")
	}
	in := make([]byte, n)
	if bv.Read(unsafe.Pointer(&in[0]), n) != n || !bytes.Equal(in, big) {
		t.Fatal("input data differs")
	}
	check(t, &bv.in, []byte{})
	if bevSock(bv).writeAdded {
		t.Fatal("write interest left")
	}
}

func TestBevWatermarks(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	r := &rec{}
	bv, p := sockBev(t, b, r)
	bv.c.wmRead = cWatermark{low: 5, high: 10}
	bv.Enable(reactor.EV_READ)

	unix.Write(p, []byte("abc"))
	spin(b, 5)
	if r.reads != 0 || bv.in.Len() != 3 {
		t.Fatalf("below low watermark: reads %d input %d", r.reads, bv.in.Len())
	}
	unix.Write(p, []byte("defghijklmnopqrstuvwxyz"))
	if !passesUntil(b, 2000, func() bool { return r.reads > 0 }) {
		t.Fatal("no readcb at the low watermark")
	}
	// At the high watermark a read callback that leaves the input there is
	// called again on every pass (libevent 2.1.12's inbuf_wm_check), so an
	// EVLOOP_NONBLOCK loop would never end: use single passes.
	passes(b, 5)
	if bv.in.Len() != 10 || !(bv.readSuspended != 0) || bevSock(bv).readAdded() {
		t.Fatalf("high watermark: input %d suspended %v", bv.in.Len(), (bv.readSuspended != 0))
	}
	// Draining below the high watermark resumes reading.
	var x [4]byte
	bv.Read(unsafe.Pointer(&x[0]), 4)
	if (bv.readSuspended != 0) || !bevSock(bv).readAdded() {
		t.Fatal("not resumed below the high watermark")
	}
	if !passesUntil(b, 200, func() bool { return bv.in.Len() == 10 }) {
		t.Fatalf("input %d after resume", bv.in.Len())
	}
	// Write low watermark: writecb when the output drains to <= 3.
	bv.c.wmWrite = cWatermark{low: 3}
	d, n := cstr("xy")
	bv.Write(d, n)
	passesUntil(b, 200, func() bool { return r.writes > 0 })
	if r.writes != 1 {
		t.Fatalf("writecb with low watermark: %d", r.writes)
	}
}

// passes runs n EVLOOP_ONCE passes; passesUntil stops early when cond holds.
func passes(b *reactor.Base, n int) { passesUntil(b, n, func() bool { return false }) }

func passesUntil(b *reactor.Base, n int, cond func() bool) bool {
	for i := 0; i < n; i++ {
		if cond() {
			return true
		}
		b.Loop(reactor.EVLOOP_ONCE | reactor.EVLOOP_NONBLOCK)
	}
	return cond()
}

func TestBevEOFAndErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, method int32) {
		b := newBase(t, method)
		a, p := socketpair(t)
		r := &rec{}
		bv := newBev(t, b, a, BevOptCloseOnFree, r)
		bv.Enable(reactor.EV_READ)
		unix.Shutdown(p, unix.SHUT_WR)
		if !runUntil(t, b, 2*time.Second, func() bool { return r.events > 0 }) {
			t.Fatal("no EOF event")
		}
		if r.lastWhat != BevEventReading|BevEventEOF || r.enabledInEvent != reactor.EV_WRITE || bv.c.enabled != reactor.EV_WRITE {
			t.Fatalf("EOF: what %#x enabled in cb %#x", r.lastWhat, r.enabledInEvent)
		}
		bv.Free()
		unix.Close(p)

		// Write to a closed peer: WRITING|ERROR with errno EPIPE, no SIGPIPE.
		a, p = socketpair(t)
		r = &rec{}
		bv = newBev(t, b, a, BevOptCloseOnFree, r)
		unix.Close(p)
		d, n := cstr("lost")
		if bv.Write(d, n) != 0 {
			t.Fatal("write")
		}
		if !runUntil(t, b, 2*time.Second, func() bool { return r.events > 0 }) {
			t.Fatal("no error event")
		}
		if r.lastWhat != BevEventWriting|BevEventError || r.lastErr != int(unix.EPIPE) || r.writes != 0 || bv.c.enabled != 0 {
			t.Fatalf("write error: what %#x errno %d writes %d enabled %#x", r.lastWhat, r.lastErr, r.writes, bv.c.enabled)
		}
		bv.Free()
		if !fdOpen(a) {
			t.Fatal("fd closed before the loop ran the finalizer")
		}
		FinalizeBase(b.C())
		if fdOpen(a) {
			t.Fatal("FinalizeBase did not close the fd")
		}
	})
}

func TestBevFreeInsideCallbacks(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	tests := []struct {
		name string
		arm  func(r *rec, p int)
	}{
		{"readcb", func(r *rec, p int) {
			r.onRead = func(bv *Bufferevent) { bv.Free() }
			unix.Write(p, []byte("x"))
		}},
		{"writecb", func(r *rec, p int) {
			r.onWrite = func(bv *Bufferevent) { bv.Free() }
		}},
		{"eventcb", func(r *rec, p int) {
			r.onEvent = func(bv *Bufferevent, what int16) { bv.Free() }
			unix.Shutdown(p, unix.SHUT_WR)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, p := socketpair(t)
			defer unix.Close(p)
			r := &rec{}
			bv := newBev(t, b, a, BevOptCloseOnFree, r)
			h := bv.Handle()
			bv.Enable(reactor.EV_READ)
			tc.arm(r, p)
			d, n := cstr("out")
			bv.Write(d, n)
			live := bevs.Live()
			if !runUntil(t, b, 2*time.Second, func() bool { return !fdOpen(a) }) {
				t.Fatal("fd not closed after free inside the callback")
			}
			if bevs.Live() != live-1 || bv.c != nil {
				t.Fatal("bufferevent not finalized")
			}
			calls := r.reads + r.writes + r.events
			unix.Write(p, []byte("more"))
			spin(b, 5)
			if r.reads+r.writes+r.events != calls {
				t.Fatal("callback after free")
			}
			if BevEnable(h, reactor.EV_READ) != -1 {
				t.Fatal("use after free accepted")
			}
		})
	}
}

func TestBevFdMinusOne(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	bv := newBev(t, b, -1, 0, &rec{})
	if int(bv.c.evRead.Fd) != -1 || bv.c.enabled != reactor.EV_WRITE {
		t.Fatal("fd -1 defaults")
	}
	if bv.Enable(reactor.EV_READ) != 0 {
		t.Fatal("enable with fd -1")
	}
	d, n := cstr("data")
	if bv.Write(d, n) != 0 {
		t.Fatal("write with fd -1")
	}
	spin(b, 2)
	if bv.out.Len() != 4 {
		t.Fatal("data written to fd -1?")
	}
	bv.Free()
	spin(b, 2)
}

func TestBevNotSocket(t *testing.T) {
	// A pipe: the first send gets ENOTSOCK, the buffer falls back to write.
	b := newBase(t, reactor.MethodEpoll)
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	r := &rec{}
	bv := newBev(t, b, fds[1], BevOptCloseOnFree, r)
	defer bv.Free()
	for _, s := range []string{"one", "two"} {
		d, n := cstr(s)
		bv.Write(d, n)
		b.Loop(reactor.EVLOOP_ONCE)
	}
	var buf [16]byte
	n, _ := unix.Read(fds[0], buf[:])
	if string(buf[:n]) != "onetwo" || bevSock(bv).kind != fdOther || r.events != 0 {
		t.Fatalf("pipe got %q kind %d", buf[:n], bevSock(bv).kind)
	}
}

// sockBev makes a socket bufferevent (BEV_OPT_CLOSE_ON_FREE) on one end of a
// new socketpair, with r's callbacks, and returns it and the other end. Both
// are released when the test ends: the bufferevent first, then the peer.
func sockBev(tb testing.TB, b *reactor.Base, r *rec) (*Bufferevent, int) {
	a, p := socketpair(tb)
	tb.Cleanup(func() { unix.Close(p) })
	bv := newBev(tb, b, a, BevOptCloseOnFree, r)
	tb.Cleanup(bv.Free)
	return bv, p
}

// echoRound sets up a socket bufferevent on b that echoes what it reads, and
// returns one round trip: the peer sends 64 bytes and loops b until they are
// back (fatal after 1e6 loop passes or on a short echo).
func echoRound(tb testing.TB, b *reactor.Base) func() {
	bv, p := sockBev(tb, b, &rec{onRead: func(bv *Bufferevent) { bv.WriteBuffer(&bv.in) }})
	bv.Enable(reactor.EV_READ)
	msg := pattern(64, 1)
	got := make([]byte, 128)
	unix.SetNonblock(p, true)
	return func() {
		unix.Write(p, msg)
		for i := 0; ; i++ {
			b.Loop(reactor.EVLOOP_NONBLOCK)
			n, _ := unix.Read(p, got)
			if n == 64 {
				return
			}
			if n > 0 || i > 1e6 {
				tb.Fatalf("echo: %d bytes after %d passes", n, i)
			}
		}
	}
}

// TestBevEchoNoAllocs checks the steady state of an echo allocates nothing on
// the Go heap.
func TestBevEchoNoAllocs(t *testing.T) {
	round := echoRound(t, newBase(t, reactor.MethodEpoll))
	for i := 0; i < 10; i++ {
		round()
	}
	if a := testing.AllocsPerRun(200, round); a > 0 {
		t.Errorf("%.1f allocations per echoed message", a)
	}
}

func BenchmarkBevEcho64(b *testing.B) {
	round := echoRound(b, newBase(b, reactor.MethodEpoll))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		round()
	}
}

// BEV_OPT_UNLOCK_CALLBACKS needs BEV_OPT_DEFER_CALLBACKS (libevent's
// bufferevent_init_common_ refuses it alone).
func TestBufferEventUnlockCallbacksNeedsDefer(t *testing.T) {
	cases := []struct {
		opts int
		ok   bool
	}{
		{0, true},
		{BevOptUnlockCallback, false},
		{BevOptUnlockCallback | BevOptCloseOnFree, false},
		{BevOptUnlockCallback | BevOptDeferCallbacks, true},
		{BevOptDeferCallbacks, true},
	}
	b := newBase(t, reactor.MethodEpoll)
	for _, c := range cases {
		bv := NewSocketBufferevent(b, -1, c.opts)
		if (bv != nil) != c.ok {
			t.Errorf("options %#x: made %v, want %v", c.opts, bv != nil, c.ok)
		}
		if bv != nil {
			bv.Free()
		}
	}
}
