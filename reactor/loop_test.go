package reactor_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"goevent/reactor"
	"goevent/reactor/internal/ctest"

	"golang.org/x/sys/unix"
)

const (
	evTimeout = reactor.EV_TIMEOUT
	evRead    = reactor.EV_READ
	evWrite   = reactor.EV_WRITE
	evSignal  = reactor.EV_SIGNAL
	evPersist = reactor.EV_PERSIST
	evET      = reactor.EV_ET
	evClosed  = reactor.EV_CLOSED
)

// Timers fire in deadline order whatever the insertion order, then the loop
// finds nothing left and returns 1.
func TestTimersOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		var fired []reactor.Timeval
		perm := rand.New(rand.NewSource(2)).Perm(40)
		for _, i := range perm {
			ev := goEvent(t, b, -1, 0, func(ev *reactor.Event, res int16) {
				if res != evTimeout {
					t.Errorf("timer res %#x", res)
				}
				fired = append(fired, ev.Timeout)
			})
			if b.Add(ev, tv(int64(1000+i*500))) != 0 {
				t.Fatal("add failed")
			}
		}
		check(t, b)
		if r := b.Loop(0); r != 1 {
			t.Fatalf("Loop returned %d, want 1", r)
		}
		if len(fired) != 40 {
			t.Fatalf("%d timers fired", len(fired))
		}
		for i := 1; i < len(fired); i++ {
			if fired[i].Less(fired[i-1]) {
				t.Fatalf("timer %d (deadline %v) fired after one due at %v", i, fired[i], fired[i-1])
			}
		}
		check(t, b)
	})
}

// A persistent timer keeps its cadence: each deadline is the previous one
// plus the interval, not "callback time plus interval" — unless that is
// already in the past (a late loop), when it restarts from now.
func TestPersistCadence(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		const interval = 20_000 // usec
		type step struct{ deadline, ranAt int64 }
		var steps []step
		usec := func(tv reactor.Timeval) int64 { return tv.Sec*1e6 + tv.Usec }
		ev := goEvent(t, b, -1, evPersist, func(ev *reactor.Event, res int16) {
			// ev_timeout is already the next deadline.
			steps = append(steps, step{usec(ev.Timeout), usec(reactor.NowMonotonic())})
			time.Sleep(2 * time.Millisecond) // slow callbacks must not make it drift
			if len(steps) == 6 {
				b.Del(ev)
			}
		})
		b.Add(ev, tv(interval))
		prev := usec(ev.Timeout)
		if r := b.Loop(0); r != 1 {
			t.Fatalf("Loop returned %d", r)
		}
		exact := 0
		for i, s := range steps {
			switch want := prev + interval; {
			case s.deadline == want:
				exact++
			case s.deadline > want && want < s.ranAt:
				// the loop was late: restarted from now
			default:
				t.Fatalf("deadline %d is %d, want %d (callback ran at %d)", i, s.deadline, want, s.ranAt)
			}
			prev = s.deadline
		}
		if exact < 3 {
			t.Fatalf("only %d of %d deadlines kept the cadence", exact, len(steps))
		}
		if ev.RelTimeout != interval {
			t.Fatalf("RelTimeout %d", ev.RelTimeout)
		}
	})
}

// A persistent event with a timeout that fires for I/O re-arms its timeout
// from now; when it fires by timeout it is re-inserted in the fd map.
func TestPersistRearmFromNow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		a, c := socketpair(t)
		var results []int16
		var ev *reactor.Event
		ev = goEvent(t, b, a, evRead|evPersist, func(e *reactor.Event, res int16) {
			results = append(results, res)
			var buf [16]byte
			unix.Read(a, buf[:])
			now := reactor.NowMonotonic()
			left := (e.Timeout.Sec-now.Sec)*1e6 + e.Timeout.Usec - now.Usec
			if res&evRead != 0 && (left < 900_000 || left > 1_000_000) {
				t.Errorf("after a read the timeout is %d usec away, want ~1s", left)
			}
			if e.Flags&reactor.EVLIST_INSERTED == 0 || e.Flags&reactor.EVLIST_TIMEOUT == 0 {
				t.Errorf("persistent event not pending in its callback: flags %#x", e.Flags)
			}
			if len(results) == 2 {
				b.Del(e)
			}
		})
		b.Add(ev, tv(1_000_000))
		mustWrite(t, c, "x")
		b.Loop(reactor.EVLOOP_ONCE)
		// Now let it time out: shorten the timeout.
		b.Add(ev, tv(1000))
		b.Loop(0)
		if !reflect.DeepEqual(results, []int16{evRead, evTimeout}) {
			t.Fatalf("results %#x", results)
		}
		check(t, b)
	})
}

// A persistent event added with a zero timeout fires once by timeout and is
// then no longer pending (libevent 2.1.12 does not re-arm a zero interval).
func TestPersistZeroTimeout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		n := 0
		ev := goEvent(t, b, -1, evPersist, func(*reactor.Event, int16) { n++ })
		b.Add(ev, tv(0))
		if r := b.Loop(reactor.EVLOOP_NONBLOCK); r != 1 || n != 1 {
			t.Fatalf("Loop %d, %d calls", r, n)
		}
		if ev.Flags&(reactor.EVLIST_TIMEOUT|reactor.EVLIST_INSERTED|reactor.EVLIST_ACTIVE) != 0 {
			t.Fatalf("flags %#x", ev.Flags)
		}
	})
}

// Deleting an event from its own callback, and deleting another active
// event before it runs.
func TestDelInCallback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		a, c := socketpair(t)
		var order []string
		var second *reactor.Event
		self := goEvent(t, b, a, evRead|evPersist, func(ev *reactor.Event, res int16) {
			order = append(order, "self")
			if b.Del(ev) != 0 {
				t.Error("del of self failed")
			}
			if b.Del(second) != 0 {
				t.Error("del of other failed")
			}
		})
		// Same fd: the newest event is activated first.
		second = goEvent(t, b, a, evWrite|evPersist, func(*reactor.Event, int16) { order = append(order, "second") })
		b.Add(second, nil)
		b.Add(self, nil)
		mustWrite(t, c, "x")
		// Both are ready in the same wait; the first activated one deletes
		// the other before it runs.
		if r := b.Loop(0); r != 1 {
			t.Fatalf("Loop returned %d", r)
		}
		if len(order) != 1 {
			t.Fatalf("ran %v", order)
		}
		check(t, b)
		n, _ := b.Counts()
		if n != 0 || second.Flags != reactor.EVLIST_INIT || self.Flags != reactor.EVLIST_INIT {
			t.Fatalf("left events %d flags %#x %#x", n, self.Flags, second.Flags)
		}
	})
}

// Non-persistent events are deleted before their callback; persistent ones
// only leave the active queue.
func TestNonPersistDeletedBeforeCallback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		a, _ := socketpair(t)
		var fl1, fl2 int16
		e1 := goEvent(t, b, a, evWrite, func(ev *reactor.Event, _ int16) { fl1 = ev.Flags })
		e2 := goEvent(t, b, a, evWrite|evPersist, func(ev *reactor.Event, _ int16) {
			fl2 = ev.Flags
			b.Del(ev)
		})
		b.Add(e1, tv(1e6))
		b.Add(e2, tv(1e6))
		b.Loop(reactor.EVLOOP_ONCE)
		if fl1 != reactor.EVLIST_INIT {
			t.Errorf("non-persistent flags in callback %#x", fl1)
		}
		if fl2 != reactor.EVLIST_INIT|reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT {
			t.Errorf("persistent flags in callback %#x", fl2)
		}
		check(t, b)
	})
}

// Return values of event_base_loop, as observed on libevent 2.1.12.
func TestLoopReturnValues(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		if r := b.Loop(0); r != 1 {
			t.Errorf("empty loop: %d, want 1", r)
		}
		if r := b.Loop(reactor.EVLOOP_NONBLOCK); r != 1 {
			t.Errorf("empty nonblock: %d, want 1", r)
		}
		if r := b.Loop(reactor.EVLOOP_ONCE); r != 1 {
			t.Errorf("empty once: %d, want 1", r)
		}
		n := 0
		timer := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { n++ })
		b.Add(timer, tv(10_000_000))
		if r := b.Loop(reactor.EVLOOP_NONBLOCK); r != 0 || n != 0 {
			t.Errorf("nonblock with a pending timer: %d (%d calls), want 0", r, n)
		}
		b.Add(timer, tv(1000))
		if r := b.Loop(reactor.EVLOOP_ONCE); r != 0 || n != 1 {
			t.Errorf("once with a timer: %d (%d calls), want 0 after one call", r, n)
		}
		b.Active(timer, evTimeout, 1)
		if r := b.Loop(reactor.EVLOOP_NONBLOCK); r != 1 || n != 2 {
			// runs the active event, then finds nothing left
			t.Errorf("nonblock with an active event: %d (%d calls), want 1", r, n)
		}
		// EVLOOP_NO_EXIT_ON_EMPTY|NONBLOCK: one pass, 0.
		if r := b.Loop(reactor.EVLOOP_NO_EXIT_ON_EMPTY | reactor.EVLOOP_NONBLOCK); r != 0 {
			t.Errorf("no-exit-on-empty nonblock: %d, want 0", r)
		}
		if r := cbaseOf(b).Running; r != 0 {
			t.Errorf("running flag left at %d", r)
		}
	})
}

// loopexit: a one-shot that counts as an event; the rest of the queue still
// runs; a loopexit requested before the loop ends it after one pass.
func TestLoopExit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		var order []string
		e1 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {
			order = append(order, "e1")
			b.LoopExit(nil)
		})
		e2 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { order = append(order, "e2") })
		e3 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { order = append(order, "e3") })
		b.Active(e1, evTimeout, 1)
		b.Active(e2, evTimeout, 1)
		if r := b.Loop(0); r != 0 {
			t.Fatalf("Loop returned %d, want 0", r)
		}
		// e1 queued the loopexit one-shot after e2; e2 runs, then the
		// one-shot, then the loop stops.
		b.Add(e3, tv(1000)) // must not run: added after
		if !reflect.DeepEqual(order, []string{"e1", "e2"}) {
			t.Fatalf("order %v", order)
		}
		if cbaseOf(b).EventGotterm != 1 {
			t.Fatal("event_gotterm not set")
		}
		// loopexit with a delay keeps an otherwise empty loop alive.
		b.Del(e3)
		start := time.Now()
		b.LoopExit(tv(20_000))
		if r := b.Loop(0); r != 0 {
			t.Fatalf("Loop with a pending loopexit returned %d", r)
		}
		if d := time.Since(start); d < 20*time.Millisecond || d > 500*time.Millisecond {
			t.Fatalf("loopexit(20ms) returned after %v", d)
		}
		// loopexit before the loop: one pass, timer not yet due.
		order = nil
		b.LoopExit(nil)
		b.Add(e3, tv(1000))
		if r := b.Loop(0); r != 0 || len(order) != 0 {
			t.Fatalf("loopexit-before: %d %v", r, order)
		}
		if r := b.Loop(0); r != 1 || !reflect.DeepEqual(order, []string{"e3"}) {
			t.Fatalf("then: %d %v", r, order)
		}
		check(t, b)
	})
}

// loopbreak stops right after the current callback; the rest stays active.
func TestLoopBreak(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		ran := 0
		e1 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {
			ran++
			cbaseOf(b).EventBreak = 1 // what event_base_loopbreak does in C
		})
		e2 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { ran++ })
		b.Active(e1, evTimeout, 1)
		b.Active(e2, evTimeout, 1)
		if r := b.Loop(0); r != 0 || ran != 1 {
			t.Fatalf("Loop %d, ran %d", r, ran)
		}
		if e2.Flags&reactor.EVLIST_ACTIVE == 0 {
			t.Fatal("e2 no longer active")
		}
		// A break requested before the loop is cleared at its start.
		cbaseOf(b).EventBreak = 1
		if r := b.Loop(0); r != 1 || ran != 2 {
			t.Fatalf("second Loop %d, ran %d", r, ran)
		}
		check(t, b)
	})
}

// Priorities, as observed on libevent 2.1.12 (oracle program): one queue per
// pass; activating a more urgent event restarts the scan after the current
// callback.
func TestPriorities(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 3)
		var order []string
		mk := func(name string, pri uint8, f func()) *reactor.Event {
			ev := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {
				order = append(order, name)
				if f != nil {
					f()
				}
			})
			ev.Pri = pri
			return ev
		}
		if ev := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {}); ev.Pri != 1 {
			t.Fatalf("default priority %d, want npriorities/2 = 1", ev.Pri)
		}
		var late *reactor.Event
		late = mk("p0-late", 0, nil)
		evs := []*reactor.Event{
			mk("p2a", 2, nil), mk("p1a", 1, nil), mk("p0a", 0, nil), mk("p1b", 1, nil),
			mk("p1c", 1, func() { b.Active(late, evRead, 1) }),
		}
		for _, ev := range evs {
			b.Active(ev, evTimeout, 1)
		}
		r1 := b.Loop(reactor.EVLOOP_ONCE)
		r2 := b.Loop(reactor.EVLOOP_ONCE)
		want := []string{"p0a", "p1a", "p1b", "p1c", "p0-late", "p2a"}
		if r1 != 0 || r2 != 1 || !reflect.DeepEqual(order, want) {
			t.Fatalf("returns %d %d, order %v, want %v", r1, r2, order, want)
		}
		// The more urgent activation interrupts the current queue.
		order = nil
		b.Active(evs[4], evTimeout, 1) // p1c
		b.Active(evs[1], evTimeout, 1) // p1a
		b.Active(evs[3], evTimeout, 1) // p1b
		b.Loop(reactor.EVLOOP_NONBLOCK)
		want = []string{"p1c", "p0-late", "p1a", "p1b"}
		if !reflect.DeepEqual(order, want) {
			t.Fatalf("order %v, want %v", order, want)
		}
		// Per pass only the first non-empty queue runs.
		order = nil
		b.Active(evs[0], evTimeout, 1) // p2a
		b.Active(evs[1], evTimeout, 1) // p1a
		passes := 0
		for len(order) < 2 && passes < 5 {
			b.Loop(reactor.EVLOOP_NONBLOCK | reactor.EVLOOP_ONCE)
			passes++
		}
		if !reflect.DeepEqual(order, []string{"p1a", "p2a"}) {
			t.Fatalf("order %v", order)
		}
		check(t, b)
	})
}

// A callback that runs the loop of its own base gets -1 and a warning.
func TestLoopReentrant(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		inner := 0
		before := logCount()
		ev := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { inner = b.Loop(0) })
		b.Active(ev, evTimeout, 1)
		if r := b.Loop(0); r != 1 || inner != -1 {
			t.Fatalf("outer %d inner %d", r, inner)
		}
		expectLog(t, before, "reentrant")
	})
}

// I/O: readiness, newest-first order on one fd, EV_ET in res on epoll,
// EV_CLOSED on epoll, res accumulation.
func TestIO(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		a, c := socketpair(t)
		type rec struct {
			name string
			res  int16
		}
		var got []rec
		mk := func(name string, fd int, events int16) *reactor.Event {
			return goEvent(t, b, fd, events, func(_ *reactor.Event, res int16) { got = append(got, rec{name, res}) })
		}
		et := mk("et", a, evRead|evET)
		lt := mk("lt", a, evRead)
		b.Add(et, nil)
		b.Add(lt, nil)
		if b.FdMask(a) != evRead|evET {
			t.Fatalf("fd mask %#x", b.FdMask(a))
		}
		mustWrite(t, c, "x")
		b.Loop(reactor.EVLOOP_NONBLOCK)
		etRes := int16(evRead)
		if m == reactor.MethodEpoll {
			etRes |= evET // libevent's epoll reports EV_ET to edge-triggered events
		}
		want := []rec{{"lt", evRead}, {"et", etRes}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		check(t, b)
		if b.FdMask(a) != 0 {
			t.Fatalf("fd mask %#x after both fired", b.FdMask(a))
		}
		// Read and write on one event: res carries both.
		got = nil
		rw := mk("rw", a, evRead|evWrite)
		b.Add(rw, nil)
		b.Loop(reactor.EVLOOP_NONBLOCK)
		if !reflect.DeepEqual(got, []rec{{"rw", evRead | evWrite}}) {
			t.Fatalf("got %v", got)
		}
		// Activation while active accumulates res.
		got = nil
		b.Active(rw, evRead, 1)
		b.Active(rw, evTimeout, 1)
		b.Loop(reactor.EVLOOP_NONBLOCK)
		if !reflect.DeepEqual(got, []rec{{"rw", evRead | evTimeout}}) {
			t.Fatalf("got %v", got)
		}
		// EV_CLOSED: epoll (EPOLLRDHUP) and poll (POLLRDHUP), as Debian's libevent.
		{
			got = nil
			cl := mk("closed", a, evClosed)
			b.Add(cl, nil)
			unix.Shutdown(c, unix.SHUT_WR)
			b.Loop(reactor.EVLOOP_ONCE)
			if len(got) != 1 || got[0].res&evClosed == 0 {
				t.Fatalf("got %v", got)
			}
		}
		check(t, b)
	})
}

// C callbacks through the cgo trampoline: fd, res and any arg value (small
// integers included) reach C unchanged; each closure kind behaves.
func TestCCallbacks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		ctest.Calls()
		a, _ := socketpair(t)
		e1 := newEvent(t)
		assignC(b, e1, a, evWrite, ctest.RecordCB(), 1)
		e2 := newEvent(t)
		assignC(b, e2, -1, evPersist, ctest.RecordCB(), 0xdeadbeef)
		b.Add(e1, nil)
		b.Add(e2, tv(1000))
		b.Loop(reactor.EVLOOP_ONCE)
		b.Del(e2)
		got := ctest.Calls()
		want := []ctest.Call{{Fd: a, What: evWrite, Arg: 1}}
		if len(got) == 1 {
			// the timer may not be due in the same pass
			b.Add(e2, tv(0))
			b.Loop(reactor.EVLOOP_ONCE)
			b.Del(e2)
			got = append(got, ctest.Calls()...)
		}
		want = append(want, ctest.Call{Fd: -1, What: evTimeout, Arg: 0xdeadbeef})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("calls %+v, want %+v", got, want)
		}
	})
}

// event_add rules.
func TestAddRules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		a, _ := socketpair(t)
		n := 0
		ev := goEvent(t, b, a, evRead, func(*reactor.Event, int16) { n++ })
		b.Add(ev, tv(5_000_000))
		dl := ev.Timeout
		// Re-adding without a timeout keeps the existing one.
		b.Add(ev, nil)
		if ev.Timeout != dl || ev.Flags&reactor.EVLIST_TIMEOUT == 0 {
			t.Fatal("add(NULL) dropped the timeout")
		}
		// A new timeout replaces it.
		b.Add(ev, tv(10_000_000))
		if !dl.Less(ev.Timeout) {
			t.Fatal("timeout not replaced")
		}
		check(t, b)
		// A new timeout cancels a pending timeout activation.
		b.Add(ev, tv(0))
		cbaseOf(b).EventBreak = 0
		// activate it by timeout without running callbacks: a NONBLOCK pass
		// would run it, so emulate timeout_process through Active.
		b.Del(ev)
		b.Add(ev, nil)
		b.Active(ev, evTimeout, 1)
		b.Add(ev, tv(5_000_000))
		if ev.Flags&reactor.EVLIST_ACTIVE != 0 {
			t.Fatal("pending timeout activation survived a new timeout")
		}
		// ... but not an I/O activation.
		b.Active(ev, evRead, 1)
		b.Add(ev, tv(5_000_000))
		if ev.Flags&reactor.EVLIST_ACTIVE == 0 {
			t.Fatal("I/O activation cancelled by a new timeout")
		}
		b.Del(ev)
		check(t, b)

		// An event made active without being added is not inserted by add.
		ev2 := goEvent(t, b, a, evRead, func(*reactor.Event, int16) {})
		b.Active(ev2, evWrite, 1)
		b.Add(ev2, nil)
		if ev2.Flags != reactor.EVLIST_INIT|reactor.EVLIST_ACTIVE {
			t.Fatalf("flags after active+add %#x, want 0x88", ev2.Flags)
		}
		b.Del(ev2)

		// Refusals, each with a warning.
		before := logCount()
		bad := goEvent(t, b, 2, evSignal|evRead, func(*reactor.Event, int16) {})
		if b.Add(bad, nil) != -1 {
			t.Fatal("EV_SIGNAL|EV_READ accepted")
		}
		expectLog(t, before, "EV_SIGNAL is not compatible")
		before = logCount()
		nob := goEvent(t, b, a, evRead, func(*reactor.Event, int16) {})
		nob.Base = nil
		if reactor.EventAdd(nob, nil) != -1 {
			t.Fatal("event without base accepted")
		}
		expectLog(t, before, "event_add: event has no event_base set")
		before = logCount()
		if reactor.EventDel(nob) != -1 {
			t.Fatal("del of event without base accepted")
		}
		expectLog(t, before, "event_del: event has no event_base set")
		before = logCount()
		inv := goEvent(t, b, a, evRead, func(*reactor.Event, int16) {})
		inv.Flags |= 0x100
		if b.Add(inv, nil) != -1 {
			t.Fatal("invalid flags accepted")
		}
		expectLog(t, before, "invalid flags")
		// Deleting an event that is not pending is fine.
		if b.Del(ev) != 0 {
			t.Fatal("del of idle event failed")
		}
		// A negative fd is accepted and watches nothing (libevent).
		neg := goEvent(t, b, -1, evRead, func(*reactor.Event, int16) {})
		if b.Add(neg, nil) != 0 || neg.Flags&reactor.EVLIST_INSERTED == 0 {
			t.Fatal("fd -1 refused")
		}
		b.Del(neg)
		// A regular file cannot be watched by epoll: event_add fails.
		if m == reactor.MethodEpoll {
			f, err := unix.Open("/proc/self/status", unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(f)
			fe := goEvent(t, b, f, evRead, func(*reactor.Event, int16) {})
			before = logCount()
			if b.Add(fe, nil) != -1 || fe.Flags&reactor.EVLIST_INSERTED != 0 {
				t.Fatal("epoll accepted a regular file")
			}
			expectLog(t, before, "epoll_ctl")
		}
		check(t, b)
		if n != 0 {
			t.Fatalf("callback ran %d times", n)
		}
	})
}

// Internal events (the signal-pipe watcher) do not keep the loop alive.
func TestInternalEventsDoNotKeepLoopAlive(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		c := newCBase(t, m, 1)
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		c.SigRfd, c.SigWfd = int32(p[0]), int32(p[1])
		b, err := reactor.Adopt(unsafePtr(c))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Free()
		if w := b.SigWatch(); w == nil || w.Flags&reactor.EVLIST_INTERNAL == 0 || w.Fd != int32(p[0]) {
			t.Fatal("no internal watcher on the signal pipe")
		}
		if r := b.Loop(0); r != 1 {
			t.Fatalf("Loop returned %d, want 1", r)
		}
		check(t, b)
	})
}

// Loop over an fd that a C program closed and reopened without event_del:
// epoll's ENOENT on modify is retried as an add; del after close is fine.
func TestEpollFdReuse(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	r := p[0]
	stale := goEvent(t, b, r, evRead, func(*reactor.Event, int16) {})
	b.Add(stale, nil)
	unix.Close(p[0])
	unix.Close(p[1])
	// Reopen: socketpair takes the lowest free numbers.
	a, c := socketpair(t)
	if a != r && c != r {
		t.Skipf("fd %d not reused (got %d,%d)", r, a, c)
	}
	fd := a
	peer := c
	if c == r {
		fd, peer = c, a
	}
	fired := 0
	ev := goEvent(t, b, fd, evWrite, func(*reactor.Event, int16) { fired++ })
	if b.Add(ev, nil) != 0 { // READ -> READ|WRITE: MOD fails with ENOENT, retried as ADD
		t.Fatal("add on reused fd failed")
	}
	b.Loop(reactor.EVLOOP_NONBLOCK)
	if fired != 1 {
		t.Fatalf("write event on reused fd fired %d times", fired)
	}
	_ = peer
	if b.Del(stale) != 0 {
		t.Fatal("del of stale event failed")
	}
	check(t, b)
}

// 100 000 timers are added and removed quickly (O(log n) each).
func TestManyTimers(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	const n = 100_000
	evs := make([]*reactor.Event, n)
	id := register(t, func(*reactor.Event, int16) {})
	rng := rand.New(rand.NewSource(3))
	for i := range evs {
		evs[i] = newEvent(t)
		b.AssignGo(evs[i], -1, 0, id)
	}
	start := time.Now()
	for _, ev := range evs {
		b.Add(ev, tv(int64(1e6+rng.Intn(1e8))))
	}
	check(t, b)
	for _, i := range rng.Perm(n) {
		b.Del(evs[i])
	}
	d := time.Since(start)
	check(t, b)
	if ne, _ := b.Counts(); ne != 0 {
		t.Fatalf("%d events left", ne)
	}
	t.Logf("100k timers added and removed in %v", d)
	if d > 2*time.Second {
		t.Fatalf("too slow: %v", d)
	}
}

func TestFreeDeletesEvents(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		c := newCBase(t, m, 1)
		b, err := reactor.Adopt(unsafePtr(c))
		if err != nil {
			t.Fatal(err)
		}
		if reactor.FromC(unsafePtr(c)) != b || c.CoreIdx == 0 {
			t.Fatal("FromC does not find the adopted base")
		}
		a, _ := socketpair(t)
		e1 := goEvent(t, b, a, evRead, func(*reactor.Event, int16) {})
		e2 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
		e3 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
		b.Add(e1, tv(1e6))
		b.Add(e2, tv(1e6))
		b.Active(e3, evTimeout, 1)
		b.LoopExit(tv(1e6))
		b.Free()
		for i, ev := range []*reactor.Event{e1, e2, e3} {
			if ev.Flags != reactor.EVLIST_INIT {
				t.Errorf("event %d flags %#x after free", i, ev.Flags)
			}
		}
		if reactor.FromC(unsafePtr(c)) != nil || c.CoreIdx != 0 {
			t.Fatal("freed base still found")
		}
		before := logCount()
		if reactor.EventAdd(e1, nil) != -1 {
			t.Fatal("add on a freed base succeeded")
		}
		expectLog(t, before, "not live")
		// A dead magic is refused too.
		c2 := newCBase(t, m, 1)
		c2.Magic = reactor.BaseDead
		if _, err := reactor.Adopt(unsafePtr(c2)); err == nil {
			t.Fatal("adopted a dead base")
		}
	})
}

func TestReinit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		a, c := socketpair(t)
		n := 0
		ev := goEvent(t, b, a, evRead|evPersist, func(*reactor.Event, int16) {
			var buf [8]byte
			unix.Read(a, buf[:])
			n++
		})
		b.Add(ev, nil)
		if b.Reinit() != 0 {
			t.Fatal("reinit failed")
		}
		mustWrite(t, c, "x")
		b.Loop(reactor.EVLOOP_ONCE)
		if n != 1 {
			t.Fatalf("event after reinit ran %d times", n)
		}
		b.Del(ev)
		check(t, b)
	})
}

// Bases on different threads at once share only the base and handler tables
// (run under -race).
func TestConcurrentBases(t *testing.T) {
	const nb = 4
	done := make(chan error, nb)
	for i := 0; i < nb; i++ {
		go func(i int) {
			done <- func() error {
				st := &subT{}
				defer st.cleanup()
				b := newBase(st, backends[i%2].method, 1)
				a, c := socketpair(st)
				reads, timers := 0, 0
				rd := goEvent(st, b, a, evRead|evPersist, func(e *reactor.Event, res int16) {
					var buf [64]byte
					unix.Read(a, buf[:])
					reads++
					if reads < 50 {
						mustWrite(st, c, "x")
					} else {
						b.Del(e)
					}
				})
				tm := goEvent(st, b, -1, evPersist, func(e *reactor.Event, res int16) {
					timers++
					if timers == 5 {
						b.Del(e)
					}
				})
				b.Add(rd, nil)
				b.Add(tm, tv(500))
				mustWrite(st, c, "x")
				if r := b.Loop(0); r != 1 {
					return fmt.Errorf("base %d: Loop returned %d", i, r)
				}
				if reads != 50 || timers != 5 {
					return fmt.Errorf("base %d: %d reads %d timers", i, reads, timers)
				}
				return b.CheckInvariants()
			}()
		}(i)
	}
	for i := 0; i < nb; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// subT is a minimal testing.TB for helpers used off the test goroutine.
type subT struct {
	testing.TB
	cleanups []func()
}

func (s *subT) Helper()                        {}
func (s *subT) Cleanup(f func())               { s.cleanups = append(s.cleanups, f) }
func (s *subT) Fatal(args ...any)              { panic(fmt.Sprint(args...)) }
func (s *subT) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
func (s *subT) cleanup() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
}

// epoll's EEXIST on add (the kernel still holds a registration for the fd
// number and file that the reactor believes gone) is retried as a modify.
func TestEpollEEXIST(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[1])
	r := p[0]
	dup, err := unix.Dup(r)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dup)
	old := goEvent(t, b, r, evRead, func(*reactor.Event, int16) {})
	b.Add(old, nil)
	unix.Close(r)        // the registration survives: dup keeps the file open
	if b.Del(old) != 0 { // EPOLL_CTL_DEL fails with EBADF: ignored
		t.Fatal("del after close failed")
	}
	if err := unix.Dup3(dup, r, unix.O_CLOEXEC); err != nil { // same number, same file again
		t.Fatal(err)
	}
	defer unix.Close(r)
	fired := 0
	ev := goEvent(t, b, r, evRead, func(*reactor.Event, int16) { fired++ })
	if b.Add(ev, nil) != 0 { // EPOLL_CTL_ADD: EEXIST, retried as MOD
		t.Fatal("add failed")
	}
	mustWrite(t, p[1], "x")
	b.Loop(reactor.EVLOOP_ONCE)
	if fired != 1 {
		t.Fatalf("fired %d", fired)
	}
	check(t, b)
}

// Huge timeouts neither overflow nor fire.
func TestHugeTimeout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		n := 0
		ev := goEvent(t, b, -1, evPersist, func(*reactor.Event, int16) { n++ })
		if b.Add(ev, &reactor.Timeval{Sec: 1 << 62}) != 0 {
			t.Fatal("add failed")
		}
		now := reactor.NowMonotonic()
		if !now.Less(ev.Timeout) || ev.RelTimeout <= 0 {
			t.Fatalf("deadline %v, rel %d", ev.Timeout, ev.RelTimeout)
		}
		if r := b.Loop(reactor.EVLOOP_NONBLOCK); r != 0 || n != 0 {
			t.Fatalf("Loop %d, %d calls", r, n)
		}
		b.Del(ev)
	})
}

// The time cache: adds from callbacks use the time the wait returned, unless
// EVENT_BASE_FLAG_NO_CACHE_TIME.
func TestTimeCache(t *testing.T) {
	for _, noCache := range []bool{false, true} {
		t.Run(fmt.Sprintf("nocache=%v", noCache), func(t *testing.T) {
			c := newCBase(t, reactor.MethodEpoll, 1)
			if noCache {
				c.Flags |= reactor.EVENT_BASE_FLAG_NO_CACHE_TIME
			}
			b, err := reactor.Adopt(unsafePtr(c))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Free()
			var d1, d2 reactor.Timeval
			t2 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
			t1 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {
				b.Add(t2, tv(1_000_000))
				d1 = t2.Timeout
				time.Sleep(3 * time.Millisecond)
				b.Add(t2, tv(1_000_000))
				d2 = t2.Timeout
			})
			b.Active(t1, evTimeout, 1)
			b.Loop(reactor.EVLOOP_ONCE)
			b.Del(t2)
			if cached := d1 == d2; cached == noCache {
				t.Fatalf("deadlines %v and %v (no cache: %v)", d1, d2, noCache)
			}
		})
	}
}

// event_base_free from a callback: the loop stops with -1 and never touches
// the base again.
func TestFreeInCallback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		c := newCBase(t, m, 1)
		b, err := reactor.Adopt(unsafePtr(c))
		if err != nil {
			t.Fatal(err)
		}
		ran := 0
		e1 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { ran++; b.Free() })
		e2 := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { ran++ })
		b.Active(e1, evTimeout, 1)
		b.Active(e2, evTimeout, 1)
		if r := b.Loop(0); r != -1 || ran != 1 {
			t.Fatalf("Loop %d, ran %d", r, ran)
		}
		if e2.Flags != reactor.EVLIST_INIT {
			t.Fatalf("e2 flags %#x", e2.Flags)
		}
	})
}

// Reinit makes a new epoll instance and never modifies the old one (after
// fork the old one is shared with the parent).
func TestReinitLeavesOldEpollAlone(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	a, c := socketpair(t)
	ev := goEvent(t, b, a, evRead|evPersist, func(*reactor.Event, int16) {})
	b.Add(ev, nil)
	old, err := unix.Dup(b.EpollFd()) // stands for the parent's reference
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(old)
	if b.Reinit() != 0 {
		t.Fatal("reinit failed")
	}
	b.Del(ev) // only the new instance forgets a
	mustWrite(t, c, "x")
	var evs [4]unix.EpollEvent
	n, err := unix.EpollWait(old, evs[:], 0)
	if err != nil || n != 1 || int(evs[0].Fd) != a {
		t.Fatalf("old instance: n=%d err=%v (registration of fd %d lost)", n, err, a)
	}
	if r := b.Loop(reactor.EVLOOP_NONBLOCK); r != 1 {
		t.Fatalf("Loop %d", r)
	}
}
