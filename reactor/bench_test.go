package reactor_test

import (
	"testing"

	"goevent/reactor"
	"goevent/reactor/internal/ctest"
)

// The hot paths allocate nothing.
func TestNoAllocations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		timer := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
		d := tv(1_000_000)
		cases := []struct {
			name string
			f    func()
		}{
			{"timer add+del", func() { b.Add(timer, d); b.Del(timer) }},
			{"active + loop pass", func() { b.Active(timer, evTimeout, 1); b.Loop(reactor.EVLOOP_NONBLOCK) }},
		}
		a, c := socketpair(t)
		mustWrite(t, c, "x") // stays unread: a is always readable
		rd := goEvent(t, b, a, evRead|evPersist, func(*reactor.Event, int16) {})
		cev := newEvent(t)
		assignC(b, cev, -1, 0, ctest.RecordCB(), 0)
		cases = append(cases,
			struct {
				name string
				f    func()
			}{"io ready + loop pass", func() { b.Add(rd, nil); b.Loop(reactor.EVLOOP_NONBLOCK | reactor.EVLOOP_ONCE); b.Del(rd) }},
			struct {
				name string
				f    func()
			}{"C callback", func() { b.Active(cev, evTimeout, 1); b.Loop(reactor.EVLOOP_NONBLOCK); ctest.Calls() }},
		)
		sig := goEvent(t, b, sigusr1, evSignal|evPersist, func(*reactor.Event, int16) {})
		b.Add(sig, nil)
		cases = append(cases, struct {
			name string
			f    func()
		}{"signal delivery", func() { ctest.Raise(sigusr1); b.Loop(reactor.EVLOOP_NONBLOCK | reactor.EVLOOP_ONCE) }})
		for _, tc := range cases {
			tc.f() // warm up: grow tables once
			if n := testing.AllocsPerRun(200, tc.f); n != 0 {
				t.Errorf("%s: %v allocations per run", tc.name, n)
			}
		}
		b.Del(sig)
	})
}

func BenchmarkTimerAddDel(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			base := newBase(b, be.method, 1)
			ev := goEvent(b, base, -1, 0, func(*reactor.Event, int16) {})
			d := tv(1_000_000)
			b.ReportAllocs()
			for b.Loop() {
				base.Add(ev, d)
				base.Del(ev)
			}
		})
	}
}

// One loop pass with one active event (a Go handler).
func BenchmarkLoopOneActive(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			base := newBase(b, be.method, 1)
			ev := goEvent(b, base, -1, 0, func(*reactor.Event, int16) {})
			b.ReportAllocs()
			for b.Loop() {
				base.Active(ev, evTimeout, 1)
				base.Loop(reactor.EVLOOP_NONBLOCK)
			}
		})
	}
}

// One loop pass with one active event whose callback is C (one Go->C call).
func BenchmarkLoopOneActiveC(b *testing.B) {
	base := newBase(b, reactor.MethodEpoll, 1)
	ev := newEvent(b)
	assignC(base, ev, -1, 0, ctest.RecordCB(), 0)
	b.ReportAllocs()
	for b.Loop() {
		base.Active(ev, evTimeout, 1)
		base.Loop(reactor.EVLOOP_NONBLOCK)
		if ctest.NCalls() > 1000 {
			ctest.Calls()
		}
	}
}

// One pass that waits in the kernel and finds one readable fd.
func BenchmarkLoopIOReady(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			base := newBase(b, be.method, 1)
			a, c := socketpair(b)
			mustWrite(b, c, "x")
			ev := goEvent(b, base, a, evRead|evPersist, func(*reactor.Event, int16) {})
			base.Add(ev, nil)
			b.ReportAllocs()
			for b.Loop() {
				base.Loop(reactor.EVLOOP_ONCE)
			}
		})
	}
}

// 100 000 timers added, then removed.
func Benchmark100kTimers(b *testing.B) {
	base := newBase(b, reactor.MethodEpoll, 1)
	const n = 100_000
	id := register(b, func(*reactor.Event, int16) {})
	evs := make([]*reactor.Event, n)
	for i := range evs {
		evs[i] = newEvent(b)
		base.AssignGo(evs[i], -1, 0, id)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, ev := range evs {
			base.Add(ev, tv(int64(1e6+(i*7919)%n)))
		}
		for _, ev := range evs {
			base.Del(ev)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(2*n), "ns/op-per-timer")
}
