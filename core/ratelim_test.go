package core

import (
	"testing"

	"goevent/reactor"
)

// fakeMember records suspensions the way a bufferevent keeps them.
type fakeMember struct {
	susp    [2]uint16 // read, write
	resumes [2]int    // transitions to "not suspended"
}

func idx(write bool) int {
	if write {
		return 1
	}
	return 0
}

func (f *fakeMember) rlSuspend(write bool, r uint16) { f.susp[idx(write)] |= r }
func (f *fakeMember) rlUnsuspend(write bool, r uint16) {
	i := idx(write)
	was := f.susp[i]
	f.susp[i] &^= r
	if was != 0 && f.susp[i] == 0 {
		f.resumes[i]++
	}
}
func (f *fakeMember) rlSuspended(write bool) uint16 { return f.susp[idx(write)] }

// fakeClock replaces rlNow for a test.
type fakeClock struct{ ms int64 }

func (c *fakeClock) now() reactor.Timeval {
	return reactor.Timeval{Sec: c.ms / 1000, Usec: (c.ms % 1000) * 1000}
}

func withClock(t *testing.T, startMs int64) *fakeClock {
	c := &fakeClock{ms: startMs}
	old := rlNow
	rlNow = c.now
	t.Cleanup(func() { rlNow = old })
	return c
}

func cfgOf(rr, rb, wr, wb int64, tickMs int64) *TokenBucketCfg {
	return &TokenBucketCfg{ReadRate: rr, ReadMax: rb, WriteRate: wr, WriteMax: wb,
		Tick:        reactor.Timeval{Sec: tickMs / 1000, Usec: (tickMs % 1000) * 1000},
		MsecPerTick: uint32(tickMs)}
}

func TestTickAt(t *testing.T) {
	cases := []struct {
		per  uint32
		tv   reactor.Timeval
		want uint32
	}{
		{1000, reactor.Timeval{Sec: 5, Usec: 999999}, 5},
		{1000, reactor.Timeval{Sec: 6, Usec: 0}, 6},
		{250, reactor.Timeval{Sec: 1, Usec: 300000}, 5},
		{250, reactor.Timeval{Sec: 1, Usec: 249999}, 4},
		{1, reactor.Timeval{Sec: 0, Usec: 1999}, 1},
		{0, reactor.Timeval{Sec: 0, Usec: 7000}, 7},         // sub-millisecond tick counts as 1 ms
		{1000, reactor.Timeval{Sec: 1<<32 + 3, Usec: 0}, 3}, // msec/1000 = 2^32+3 wraps like unsigned
	}
	for _, c := range cases {
		cfg := TokenBucketCfg{MsecPerTick: c.per}
		if got := cfg.tickAt(c.tv); got != c.want {
			t.Errorf("tickAt(per=%d, %+v) = %d, want %d", c.per, c.tv, got, c.want)
		}
	}
}

func TestBucketUpdate(t *testing.T) {
	cases := []struct {
		name             string
		level, max, rate int64
		last, now        uint32
		want             int64
		moved            bool
	}{
		{"one tick", 0, 100, 10, 5, 6, 10, true},
		{"three ticks", 5, 100, 10, 5, 8, 35, true},
		{"capped at burst", 95, 100, 10, 5, 6, 100, true},
		{"many ticks capped", 0, 100, 10, 0, 1000, 100, true},
		{"negative refills", -25, 100, 10, 5, 7, -5, true},
		{"negative to positive", -5, 100, 10, 5, 6, 5, true},
		{"same tick", 3, 100, 10, 5, 5, 3, false},
		{"time went back", 3, 100, 10, 5, 4, 3, false},
		{"tick counter wraps", 0, 100, 10, 0xffffffff, 1, 20, true},
		{"huge burst no overflow", 0, evSsizeMax, evSsizeMax, 1, 3, evSsizeMax, true},
		{"rate equals burst", 50, 64, 64, 1, 2, 64, true},
	}
	for _, c := range cases {
		cfg := cfgOf(c.rate, c.max, c.rate, c.max, 1000)
		b := tokenBucket{read: c.level, write: c.level, last: c.last}
		moved := b.update(cfg, c.now)
		if moved != c.moved || b.read != c.want || b.write != c.want {
			t.Errorf("%s: update -> moved=%v read=%d write=%d, want moved=%v level=%d",
				c.name, moved, b.read, b.write, c.moved, c.want)
		}
		if moved && b.last != c.now {
			t.Errorf("%s: last=%d, want %d", c.name, b.last, c.now)
		}
	}
}

func TestBucketInit(t *testing.T) {
	cfg := cfgOf(10, 100, 20, 200, 1000)
	var b tokenBucket
	b.init(cfg, 7, false)
	if b.read != 10 || b.write != 20 || b.last != 7 {
		t.Fatalf("new bucket %+v, want one tick's rate at tick 7", b)
	}
	b.read, b.write = 150, 150
	b.init(cfgOf(1, 50, 1, 500, 1000), 99, true)
	if b.read != 50 || b.write != 150 || b.last != 7 {
		t.Fatalf("reinit %+v: want read clipped to 50, write kept, last kept", b)
	}
}

func TestBevRateLimitCycle(t *testing.T) {
	clk := withClock(t, 10_000)
	m := &fakeMember{}
	rl := newBevRateLimit(m, nil)
	cfg := cfgOf(100, 300, 50, 50, 1000)
	rl.setCfg(cfg, nil)
	if rl.limitOf(false) != 100 || rl.limitOf(true) != 50 || m.susp != [2]uint16{} {
		t.Fatalf("fresh: read=%d write=%d susp=%v", rl.limitOf(false), rl.limitOf(true), m.susp)
	}
	if got := rl.max(false, 16384); got != 100 {
		t.Fatalf("max read = %d, want the bucket's 100 (not max_single_read)", got)
	}
	// Spend more than there is: negative, suspended, refill armed.
	rl.done(false, 150)
	if rl.limitOf(false) != -50 || m.susp[0] != suspendBW || !rl.refill.armed {
		t.Fatalf("after overspend: level=%d susp=%v armed=%v", rl.limitOf(false), m.susp, rl.refill.armed)
	}
	if got := rl.max(false, 16384); got != 0 {
		t.Fatalf("max when negative = %d, want 0", got)
	}
	// One tick later: -50+100 = 50 > 0: resumed, not re-armed.
	clk.ms += 1000
	rl.refill.armed = false
	rl.onRefill()
	if m.susp[0] != 0 || rl.refill.armed || rl.limitOf(false) != 50 {
		t.Fatalf("after refill: susp=%v armed=%v level=%d", m.susp, rl.refill.armed, rl.limitOf(false))
	}
	// Way negative: needs three ticks.
	rl.done(false, 300)
	for i := 0; i < 2; i++ {
		clk.ms += 1000
		rl.refill.armed = false
		rl.onRefill()
		if m.susp[0] == 0 || !rl.refill.armed {
			t.Fatalf("tick %d: resumed too early (level %d)", i, rl.limitOf(false))
		}
	}
	clk.ms += 1000
	rl.onRefill()
	if m.susp[0] != 0 || rl.limitOf(false) != 50 {
		t.Fatalf("after 3 ticks: susp=%v level=%d", m.susp, rl.limitOf(false))
	}
	// Reaching the burst cap over many ticks.
	clk.ms += 100_000
	if rl.limitOf(false) != 300 || rl.limitOf(true) != 50 {
		t.Fatalf("capped: %d %d", rl.limitOf(false), rl.limitOf(true))
	}
	// Write side independent.
	rl.done(true, 50)
	if m.susp[1] != suspendBW || m.susp[0] != 0 {
		t.Fatalf("write spend: susp=%v", m.susp)
	}
	// Removing the cfg resumes and disarms.
	rl.setCfg(nil, nil)
	if m.susp != [2]uint16{} || rl.refill.armed || rl.limitOf(false) != evSsizeMax {
		t.Fatalf("no cfg: susp=%v armed=%v lim=%d", m.susp, rl.refill.armed, rl.limitOf(false))
	}
}

func TestBevRateLimitDecrement(t *testing.T) {
	withClock(t, 5_000)
	cases := []struct {
		name      string
		decr      []int64
		wantLevel int64
		wantSusp  bool
		wantArmed bool
	}{
		{"small", []int64{10}, 90, false, false},
		{"to zero", []int64{100}, 0, true, true},
		{"below then back", []int64{150, -100}, 50, false, false},
		{"negative decrement adds", []int64{-20}, 120, false, false},
		{"twice down", []int64{60, 60}, -20, true, true},
	}
	for _, c := range cases {
		m := &fakeMember{}
		rl := newBevRateLimit(m, nil)
		rl.setCfg(cfgOf(100, 1000, 100, 1000, 1000), nil)
		for _, d := range c.decr {
			rl.decrement(false, d)
		}
		if rl.limitOf(false) != c.wantLevel || (m.susp[0] != 0) != c.wantSusp || rl.refill.armed != c.wantArmed {
			t.Errorf("%s: level=%d susp=%v armed=%v", c.name, rl.limitOf(false), m.susp, rl.refill.armed)
		}
		if rl.limitOf(true) != 100 {
			t.Errorf("%s: write level moved: %d", c.name, rl.limitOf(true))
		}
	}
}

func TestBevRateLimitReconfigure(t *testing.T) {
	withClock(t, 5_000)
	m := &fakeMember{}
	rl := newBevRateLimit(m, nil)
	rl.setCfg(cfgOf(500, 1000, 500, 1000, 1000), nil)
	rl.setCfg(cfgOf(10, 20, 10, 20, 1000), nil) // reinit: clipped to the new burst
	if rl.limitOf(false) != 20 || rl.limitOf(true) != 20 {
		t.Fatalf("reinit: %d %d, want 20 20", rl.limitOf(false), rl.limitOf(true))
	}
	rl.done(false, 20)
	rl.setCfg(cfgOf(10, 30, 10, 30, 1000), nil) // level 0: stays suspended, refill armed
	if m.susp[0] != suspendBW || !rl.refill.armed {
		t.Fatalf("reinit at 0: susp=%v armed=%v", m.susp, rl.refill.armed)
	}
}

func TestGroupShare(t *testing.T) {
	withClock(t, 1_000)
	cases := []struct {
		name      string
		rate      int64
		members   int
		minShare  uint64
		ownLimit  int64 // 0: no own bucket
		wantMax   int64
		wantShare int64
	}{
		{"alone", 1000, 1, 64, 0, 1000, 64},
		{"ten members", 1000, 10, 64, 0, 100, 64},
		{"min share floor", 1000, 100, 64, 0, 64, 64},
		{"min share raised", 1000, 10, 300, 0, 300, 300},
		{"min share capped at rate", 100, 10, 500, 0, 100, 100},
		{"own bucket smaller", 1000, 2, 64, 40, 40, 64},
		{"own bucket larger", 1000, 2, 64, 4000, 500, 64},
	}
	for _, c := range cases {
		g := newGroup(nil, cfgOf(c.rate, c.rate*4, c.rate, c.rate*4, 1000))
		g.setMinShare(c.minShare)
		if g.minShare != c.wantShare {
			t.Errorf("%s: min share %d, want %d", c.name, g.minShare, c.wantShare)
		}
		var first *bevRateLimit
		for i := 0; i < c.members; i++ {
			rl := newBevRateLimit(&fakeMember{}, nil)
			if c.ownLimit > 0 {
				rl.setCfg(cfgOf(c.ownLimit, c.ownLimit, c.ownLimit, c.ownLimit, 1000), nil)
			}
			rl.joinGroup(g)
			if first == nil {
				first = rl
			}
		}
		if got := first.max(false, 16384); got != c.wantMax {
			t.Errorf("%s: read max %d, want %d", c.name, got, c.wantMax)
		}
		if got := first.max(true, 16384); got != c.wantMax {
			t.Errorf("%s: write max %d, want %d", c.name, got, c.wantMax)
		}
	}
}

func TestGroupSuspendRefillTotals(t *testing.T) {
	clk := withClock(t, 1_000)
	g := newGroup(nil, cfgOf(1000, 1000, 1000, 1000, 1000))
	if !g.refill.armed {
		t.Fatal("group refill timer not armed")
	}
	ms := make([]*fakeMember, 4)
	rls := make([]*bevRateLimit, 4)
	for i := range ms {
		ms[i] = &fakeMember{}
		rls[i] = newBevRateLimit(ms[i], nil)
		rls[i].joinGroup(g)
	}
	// Members' I/O drains the shared bucket and counts in the totals.
	rls[0].done(false, 600)
	rls[1].done(true, 250)
	if g.totalRead != 600 || g.totalWritten != 250 || g.limit.read != 400 || g.limit.write != 750 {
		t.Fatalf("totals %d/%d levels %d/%d", g.totalRead, g.totalWritten, g.limit.read, g.limit.write)
	}
	rls[2].done(false, 500) // -100: everyone stops reading
	for i, m := range ms {
		if m.susp[0] != suspendBWGroup || m.susp[1] != 0 {
			t.Fatalf("member %d susp=%v after the group ran dry", i, m.susp)
		}
	}
	if got := rls[3].max(false, 16384); got != 0 {
		t.Fatalf("max while group suspended = %d", got)
	}
	// A member joining a suspended group is suspended too.
	late := &fakeMember{}
	lrl := newBevRateLimit(late, nil)
	lrl.joinGroup(g)
	if late.susp[0] != suspendBWGroup {
		t.Fatalf("late member not suspended: %v", late.susp)
	}
	lrl.leaveGroup(true)
	if late.susp[0] != 0 || len(g.members) != 4 {
		t.Fatalf("leave: susp=%v members=%d", late.susp, len(g.members))
	}
	// Refill: -100 + 1000 = 900 >= min share: everyone resumes exactly once.
	clk.ms += 1000
	g.onRefill(rlNow())
	for i, m := range ms {
		if m.susp[0] != 0 || m.resumes[0] != 1 {
			t.Fatalf("member %d after refill: susp=%v resumes=%d", i, m.susp, m.resumes[0])
		}
	}
	// Below min share after a refill: stay suspended.
	g.setMinShare(200)
	g.decrement(false, 900+950) // -950
	clk.ms += 1000              // +1000 = 50 < 200
	g.onRefill(rlNow())
	if g.limit.read != 50 || !g.readSusp || ms[0].susp[0] == 0 {
		t.Fatalf("below min share: level=%d susp=%v", g.limit.read, g.readSusp)
	}
	clk.ms += 1000
	g.onRefill(rlNow())
	if g.limit.read != 1000 || g.readSusp || ms[0].susp[0] != 0 {
		t.Fatalf("capped refill: level=%d susp=%v", g.limit.read, g.readSusp)
	}
	// decrement crossing back up resumes; totals unaffected by decrement.
	g.decrement(true, 2000)
	if !g.writeSusp || ms[3].susp[1] != suspendBWGroup {
		t.Fatal("write decrement did not suspend")
	}
	g.decrement(true, -1500)
	if g.writeSusp || ms[3].susp[1] != 0 {
		t.Fatal("negative decrement did not resume")
	}
	if g.totalRead != 1100 || g.totalWritten != 250 {
		t.Fatalf("totals moved by decrement: %d/%d", g.totalRead, g.totalWritten)
	}
	// set_cfg clips and recomputes the min share.
	g.setCfg(cfgOf(100, 150, 100, 150, 1000))
	if g.limit.read != 150 || g.minShare != 100 || g.confShare != 200 {
		t.Fatalf("set_cfg: level=%d min=%d conf=%d", g.limit.read, g.minShare, g.confShare)
	}
	if g.setMinShare(uint64(evSsizeMax)+1) != -1 {
		t.Fatal("huge min share accepted")
	}
	// Freeing with members detaches them.
	rls[0].setCfg(cfgOf(10, 10, 10, 10, 1000), nil)
	g.decrement(false, 10_000)
	g.free()
	if len(g.members) != 0 || rls[0].group != nil || ms[0].susp[0] != 0 {
		t.Fatalf("free: members=%d susp=%v", len(g.members), ms[0].susp)
	}
}

func TestGroupJoinOrderAndMove(t *testing.T) {
	withClock(t, 1_000)
	g1 := newGroup(nil, cfgOf(1000, 1000, 1000, 1000, 1000))
	g2 := newGroup(nil, cfgOf(1000, 1000, 1000, 1000, 1000))
	a := newBevRateLimit(&fakeMember{}, nil)
	b := newBevRateLimit(&fakeMember{}, nil)
	a.joinGroup(g1)
	b.joinGroup(g1)
	if len(g1.members) != 2 || g1.members[0] != b {
		t.Fatal("members are not newest-first")
	}
	a.joinGroup(g1) // no-op
	a.joinGroup(g2)
	if len(g1.members) != 1 || len(g2.members) != 1 || a.group != g2 {
		t.Fatalf("move: %d %d", len(g1.members), len(g2.members))
	}
	a.release()
	if len(g2.members) != 0 {
		t.Fatal("release did not leave the group")
	}
}
