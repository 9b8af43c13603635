package core

import (
	"testing"

	"golang.org/x/sys/unix"

	"goevent/reactor"
)

func writeStr(bv *Bufferevent, s string) int {
	d, n := cstr(s)
	return bv.Write(d, n)
}

func TestPairFlow(t *testing.T) {
	cases := []struct {
		name        string
		bRead       bool // B has EV_READ enabled before the write
		aWriteOff   bool // A's EV_WRITE disabled before the write
		bHigh       uintptr
		data        string
		wantAOut    int // right after the write
		wantBIn     int
		enableAfter bool // then enable B read / A write
		wantAOutEnd int
		wantBInEnd  int
	}{
		{"B not reading", false, false, 0, "hello", 5, 0, true, 0, 5},
		{"B reading", true, false, 0, "hello", 0, 5, false, 0, 5},
		{"A write disabled", true, true, 0, "held", 4, 0, true, 0, 4},
		{"B high watermark", true, false, 4, "0123456789", 6, 4, false, 6, 4},
		{"B high watermark, enable later", false, false, 3, "abcdef", 6, 0, true, 3, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBase(t, reactor.MethodEpoll)
			a, bb := NewBuffereventPair(b, 0)
			if a == nil || bb == nil {
				t.Fatal("pair")
			}
			defer a.Free()
			defer bb.Free()
			if a.options&BevOptDeferCallbacks == 0 || a.Enabled() != reactor.EV_WRITE || a.fd() != -1 {
				t.Fatalf("defaults: options %x enabled %x fd %d", a.options, a.Enabled(), a.fd())
			}
			if c.bHigh != 0 {
				bb.SetWatermark(reactor.EV_READ, 0, c.bHigh)
			}
			if c.bRead {
				bb.Enable(reactor.EV_READ)
			}
			if c.aWriteOff {
				a.Disable(reactor.EV_WRITE)
			}
			if writeStr(a, c.data) != 0 {
				t.Fatal("write")
			}
			if a.out.Len() != c.wantAOut || bb.in.Len() != c.wantBIn {
				t.Fatalf("after write: A out %d B in %d, want %d %d", a.out.Len(), bb.in.Len(), c.wantAOut, c.wantBIn)
			}
			if c.enableAfter {
				bb.Enable(reactor.EV_READ)
				a.Enable(reactor.EV_WRITE)
			}
			spin(b, 2)
			if a.out.Len() != c.wantAOutEnd || bb.in.Len() != c.wantBInEnd {
				t.Fatalf("end: A out %d B in %d, want %d %d", a.out.Len(), bb.in.Len(), c.wantAOutEnd, c.wantBInEnd)
			}
		})
	}
}

func TestPairFreezeFlushFree(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	a, bb := NewBuffereventPair(b, 0)
	d, n := cstr("x")
	if a.in.Add(d, n) != -1 || a.out.Drain(1) != -1 {
		t.Fatal("the pair's buffers are not frozen")
	}
	writeStr(a, "abcdef")
	bb.SetWatermark(reactor.EV_READ, 0, 2)
	if r := a.be.flush(a, reactor.EV_WRITE, BevNormal); r != 0 || bb.in.Len() != 0 {
		t.Fatalf("BEV_NORMAL flush moved data (%d)", r)
	}
	if r := a.be.flush(a, reactor.EV_WRITE, BevFlush); r != 0 || bb.in.Len() != 2 || a.out.Len() != 4 {
		t.Fatalf("flush below the watermark: r %d B in %d A out %d", r, bb.in.Len(), a.out.Len())
	}
	if a.be.flush(a, reactor.EV_WRITE, BevFinished); bb.in.Len() != 6 {
		t.Fatalf("flush at the watermark moves everything: B in %d", bb.in.Len())
	}
	a.Free()
	spin(b, 2)
	if pairOf(bb).partner != nil || BevPairGetPartner(bb.Handle()) != nil {
		t.Fatal("partner survives the free")
	}
	if bb.be.flush(bb, reactor.EV_WRITE, BevFlush) != -1 {
		t.Fatal("flush without a partner")
	}
	if writeStr(bb, "zz") != 0 || bb.out.Len() != 2 {
		t.Fatal("write without a partner")
	}
	bb.Free()
}

func TestFilterPassThroughOverPair(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll)
	a, bb := NewBuffereventPair(b, 0)
	f := NewFilterBufferevent(a, nil, nil, BevOptCloseOnFree, nil, nil)
	if f == nil || f.be.underlying() != a || a.refcnt != 2 {
		t.Fatal("filter_new")
	}
	if a.Enabled() != reactor.EV_READ|reactor.EV_WRITE || a.readSuspended&bevSuspendFiltRead == 0 {
		t.Fatalf("underlying: enabled %x suspended %x", a.Enabled(), a.readSuspended)
	}
	bb.Enable(reactor.EV_READ)
	writeStr(f, "down")
	spin(b, 2)
	if bb.in.Len() != 4 || f.out.Len() != 0 {
		t.Fatalf("down: B in %d filter out %d", bb.in.Len(), f.out.Len())
	}
	// Limit: the underlying's write high watermark bounds the pass-through.
	a.SetWatermark(reactor.EV_WRITE, 0, 3)
	bb.Disable(reactor.EV_READ)
	writeStr(f, "0123456789")
	if a.out.Len() != 3 || f.out.Len() != 7 {
		t.Fatalf("limited: A out %d filter out %d", a.out.Len(), f.out.Len())
	}
	f.Enable(reactor.EV_READ)
	if a.readSuspended != 0 {
		t.Fatal("enabling the filter's read did not resume the underlying")
	}
	f.Free()
	spin(b, 3)
	if a.c != nil || BevPairGetPartner(bb.Handle()) != nil {
		t.Fatal("BEV_OPT_CLOSE_ON_FREE did not free the underlying pair end")
	}
	bb.Free()
}

func TestRateLimitedSocketWrite(t *testing.T) {
	clk := withClock(t, 1_000_000)
	b := newBase(t, reactor.MethodEpoll)
	fa, p := socketpair(t)
	defer unix.Close(p)
	bv := NewSocketBufferevent(b, fa, BevOptCloseOnFree)
	defer bv.Free()
	rl := rlEnsure(bv)
	rl.setCfg(cfgOf(1000, 1000, 1000, 1000, 3_600_000), nil)
	data := make([]byte, 5000)
	bv.out.AddBytes(data)
	spin(b, 5)
	if got := len(peerRead(p)); got != 1000 || bv.writeSuspended&bevSuspendBW == 0 {
		t.Fatalf("first tick: peer got %d, suspended %x", got, bv.writeSuspended)
	}
	for i := 1; i <= 4; i++ {
		clk.ms += 3_600_000
		rl.onRefill()
		spin(b, 5)
		if got := len(peerRead(p)); got != 1000 {
			t.Fatalf("tick %d: peer got %d", i, got)
		}
	}
	if bv.out.Len() != 0 {
		t.Fatalf("left %d", bv.out.Len())
	}
	// A group of one with a smaller budget wins.
	g := newGroup(b, cfgOf(300, 300, 300, 300, 3_600_000))
	defer g.free()
	rl.setCfg(nil, nil)
	rl.joinGroup(g)
	bv.out.AddBytes(data)
	spin(b, 5)
	if got := len(peerRead(p)); got != 300 || g.totalWritten != 300 || bv.writeSuspended&bevSuspendBWGroup == 0 {
		t.Fatalf("group: peer got %d, totals %d, suspended %x", got, g.totalWritten, bv.writeSuspended)
	}
	clk.ms += 3_600_000
	g.onRefill(rlNow())
	spin(b, 5)
	if got := len(peerRead(p)); got != 300 {
		t.Fatalf("group refill: peer got %d", got)
	}
	rl.leaveGroup(true)
}
