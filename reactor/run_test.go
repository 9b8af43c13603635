package reactor_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"goevent/reactor"
	"goevent/reactor/internal/ctest"
)

// The active queues are changed from both sides (capi/activeq.h in C,
// activeq.go in Go): a random mix of activations and removals, each done by
// a random side, keeps every queue in FIFO order with the counts, results
// and rescan flag a single-sided model predicts.
func TestActiveQueueMatchesC(t *testing.T) {
	const npri, nev = 3, 48
	b := newBase(t, reactor.MethodEpoll, npri)
	cb := b.C()
	rng := rand.New(rand.NewSource(11))
	evs := make([]*reactor.Event, nev)
	for i := range evs {
		evs[i] = newEvent(t)
		assignC(b, evs[i], -1, 0, ctest.RecordCB(), uintptr(i))
		evs[i].Pri = uint8(i % npri)
	}
	model := make([][]int, npri)
	res := make([]int16, nev)
	active := make([]bool, nev)
	drop := func(i int) {
		q := model[evs[i].Pri]
		for k, x := range q {
			if x == i {
				model[evs[i].Pri] = append(q[:k:k], q[k+1:]...)
				return
			}
		}
		t.Fatal("model lost an event")
	}
	for op := 0; op < 20000; op++ {
		i := rng.Intn(nev)
		ev := evs[i]
		inC := rng.Intn(2) == 0
		switch r := rng.Intn(10); {
		case r < 6:
			what := int16(1) << uint(rng.Intn(4))
			running := int32(rng.Intn(npri+1)) - 1
			b.SetRunningPri(running)
			cont := b.Cont()
			if inC {
				if ctest.ActivateC(cb, unsafe.Pointer(ev), what, 1) != 0 {
					t.Fatalf("op %d: C refused priority %d of %d", op, ev.Pri, npri)
				}
			} else {
				b.Activate(ev, what, 1)
			}
			if active[i] {
				res[i] |= what
			} else {
				active[i] = true
				res[i] = what
				model[ev.Pri] = append(model[ev.Pri], i)
				cont = cont || int32(ev.Pri) < running
			}
			if b.Cont() != cont {
				t.Fatalf("op %d: rescan flag %v, want %v", op, b.Cont(), cont)
			}
			b.SetRunningPri(-1)
		default:
			if inC {
				ctest.RemoveActiveC(cb, unsafe.Pointer(ev))
			} else {
				b.RemoveActive(ev)
			}
			if active[i] {
				active[i] = false
				drop(i)
			}
		}
		if op%97 == 0 {
			check(t, b)
			for pri := 0; pri < npri; pri++ {
				var got []int
				for _, ev := range b.Queue(pri) {
					got = append(got, int(ev.Arg))
					if ev.Res != res[ev.Arg] {
						t.Fatalf("op %d: event %d has res %#x, want %#x", op, ev.Arg, ev.Res, res[ev.Arg])
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(model[pri]) {
					t.Fatalf("op %d: queue %d is %v, model %v", op, pri, got, model[pri])
				}
			}
		}
	}
	for _, ev := range evs { // they are freed before the base
		b.RemoveActive(ev)
	}
	check(t, b)
}

// An event whose priority has no queue yet is left to the core.
func TestActivateCBeyondQueues(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	ev := newEvent(t)
	assignC(b, ev, -1, 0, ctest.RecordCB(), 0)
	ev.Pri = 3
	if r := ctest.ActivateC(b.C(), unsafe.Pointer(ev), evTimeout, 1); r != -1 || ev.Flags != reactor.EVLIST_INIT {
		t.Fatalf("C activation: %d, flags %#x", r, ev.Flags)
	}
	b.Activate(ev, evTimeout, 1) // grows the queues
	check(t, b)
	b.Loop(reactor.EVLOOP_NONBLOCK)
	if got := ctest.Calls(); len(got) != 1 {
		t.Fatalf("calls %+v", got)
	}
}

// run.c and loop.go agree on which events run.c takes (gev_run_in_c and
// runnableInC), over every combination of the fields they look at.
func TestRunnableInCAgrees(t *testing.T) {
	for _, tc := range []struct {
		name    string
		method  int32
		fdTable bool
	}{
		{"epoll", reactor.MethodEpoll, true},
		{"epoll without an fd table", reactor.MethodEpoll, false},
		{"poll", reactor.MethodPoll, true},
	} {
		t.Run(tc.name, func(t *testing.T) { runnableInCAgrees(t, tc.method, tc.fdTable) })
	}
}

func runnableInCAgrees(t *testing.T, method int32, fdTable bool) {
	b := newBase(t, method, 1)
	c := cbaseOf(b)
	if fdTable {
		rd, _ := socketpair(t)
		io := goEvent(t, b, rd, evRead, func(*reactor.Event, int16) {})
		b.Add(io, nil)
		defer b.Del(io)
	}
	other := newEvent(t) // keeps the heap non-empty and allocated
	assignC(b, other, -1, 0, ctest.RecordCB(), 0)
	b.Add(other, tv(60e6))
	ev := newEvent(t)
	n, yes := 0, 0
	for _, closure := range []uint8{reactor.ClosureEvent, reactor.ClosurePersist, reactor.ClosureSignal, reactor.ClosureGo, reactor.ClosureFinalize} {
		for _, events := range []int16{0, evRead, evRead | evPersist, evPersist, evSignal | evPersist, evWrite | evClosed} {
			for _, flags := range []int16{reactor.EVLIST_INIT, reactor.EVLIST_INIT | reactor.EVLIST_INSERTED,
				reactor.EVLIST_INIT | reactor.EVLIST_TIMEOUT, reactor.EVLIST_INIT | reactor.EVLIST_INSERTED | reactor.EVLIST_TIMEOUT,
				reactor.EVLIST_INIT | reactor.EVLIST_INTERNAL, reactor.EVLIST_INIT | reactor.EVLIST_FINALIZING, 0x100 | reactor.EVLIST_INIT} {
				for _, rel := range []int64{-1, 0, 5000} {
					for _, common := range []int32{0, 1} {
						for _, heap := range []string{"none", "in", "stale", "full"} {
							*ev = reactor.Event{Closure: closure, Events: events, Flags: flags | reactor.EVLIST_ACTIVE,
								RelTimeout: rel, CommonIdx: common, HeapIdx: -1, Base: b.C(), Fd: -1}
							cap := c.TimeheapCap
							switch heap {
							case "in":
								if c.TimeheapN == c.TimeheapCap {
									t.Fatal("heap full")
								}
								reactor.NewTimerHeap(c).Push(ev)
							case "stale":
								ev.HeapIdx = 0 // not ours: `other` is there
							case "full":
								c.TimeheapCap = c.TimeheapN
							}
							g, cs := b.RunnableInC(ev)
							if g != cs {
								t.Fatalf("closure %d events %#x flags %#x rel %d common %d heap %s: Go %v, C %v",
									closure, events, flags, rel, common, heap, g, cs)
							}
							if heap == "in" {
								reactor.NewTimerHeap(c).Remove(ev)
							}
							c.TimeheapCap = cap
							n++
							if g {
								yes++
							}
						}
					}
				}
			}
		}
	}
	if yes == 0 || yes == n {
		t.Fatalf("%d of %d combinations run in C: the table tests nothing", yes, n)
	}
	b.Del(other)
}

// The loop's pass over a queue: runs of C callbacks go to run.c, Go
// handlers and the events run.c leaves run in Go, in one FIFO order, with
// loopbreak, base free, rescans and dispatch limits honoured from C.
func TestRunQueueInC(t *testing.T) {
	type spec struct {
		kind string // "c": RecordCB; "go": a Go handler; "break", "free", "act": C callbacks; "io": one-shot fd event (Go path)
		pri  uint8
	}
	for _, tc := range []struct {
		name    string
		npri    int
		maxcb   int32
		evs     []spec
		act     int // "act" activates this one
		want    string
		loopRet int
		left    int // active events left after the first Loop
	}{
		{name: "plain", npri: 1, evs: []spec{{"c", 0}, {"c", 0}, {"c", 0}}, want: "0 1 2", loopRet: 1},
		{name: "mixed", npri: 1, evs: []spec{{"c", 0}, {"go", 0}, {"c", 0}, {"c", 0}, {"io", 0}, {"go", 0}, {"c", 0}}, want: "0 1 2 3 4 5 6", loopRet: 1},
		{name: "break", npri: 1, evs: []spec{{"c", 0}, {"break", 0}, {"c", 0}, {"go", 0}}, want: "0 1", left: 2},
		{name: "free", npri: 1, evs: []spec{{"c", 0}, {"free", 0}, {"c", 0}}, want: "0 1", loopRet: -1},
		{name: "rescan", npri: 2, evs: []spec{{"act", 1}, {"c", 1}, {"c", 0}}, act: 2, want: "0 2 1", loopRet: 1},
		{name: "limit", npri: 1, maxcb: 2, evs: []spec{{"c", 0}, {"c", 0}, {"go", 0}, {"c", 0}, {"c", 0}}, want: "0 1 2 3 4", loopRet: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCBase(t, reactor.MethodEpoll, tc.npri)
			c.MaxDispatchCallbacks, c.LimitCallbacksAfterPrio, c.MaxDispatchUsec = 1<<31-1, 0, -1 // no limits
			if tc.maxcb > 0 {
				c.MaxDispatchCallbacks = tc.maxcb
			}
			b, err := reactor.Adopt(unsafePtr(c))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Free()
			ctest.Calls()
			evs := make([]*reactor.Event, len(tc.evs))
			for i, s := range tc.evs {
				ev := newEvent(t)
				i := i
				switch s.kind {
				case "c":
					assignC(b, ev, -1, 0, ctest.RecordCB(), uintptr(i))
				case "go":
					b.AssignGo(ev, -1, 0, register(t, func(*reactor.Event, int16) { ctest.Record(-1, evTimeout, uintptr(i)) }))
				case "io":
					rd, wr := socketpair(t)
					mustWrite(t, wr, "x")
					assignC(b, ev, rd, evRead, ctest.RecordCB(), uintptr(i))
					b.Add(ev, nil)
				case "break":
					assignC(b, ev, -1, 0, ctest.BreakCB(), uintptr(b.C()))
				case "free":
					assignC(b, ev, -1, 0, ctest.FreeBaseCB(), uintptr(b.C()))
				case "act":
					assignC(b, ev, -1, 0, ctest.ActivateCB(), 0) // Arg set below
				}
				ev.Pri = s.pri
				evs[i] = ev
			}
			whose := map[uintptr]int{} // recorded arg -> the event whose callback records it
			for i, s := range tc.evs {
				switch s.kind {
				case "act":
					evs[i].Arg = uintptr(unsafe.Pointer(evs[tc.act]))
					whose[evs[i].Arg] = i
				case "break", "free":
					whose[uintptr(b.C())] = i
				default:
					whose[uintptr(i)] = i
				}
			}
			for i, ev := range evs {
				if tc.act == 0 || i != tc.act { // "io" events are readable as well
					b.Active(ev, evTimeout, 1)
				}
			}
			r := b.Loop(reactor.EVLOOP_NONBLOCK)
			if r != tc.loopRet {
				t.Fatalf("Loop returned %d, want %d", r, tc.loopRet)
			}
			var order []string
			for _, call := range ctest.Calls() {
				order = append(order, fmt.Sprint(whose[call.Arg]))
			}
			if want := splitWords(tc.want); !reflect.DeepEqual(order, want) {
				t.Fatalf("order %v, want %v", order, want)
			}
			if tc.loopRet == -1 {
				return
			}
			if _, a := b.Counts(); a != tc.left {
				t.Fatalf("%d active left, want %d", a, tc.left)
			}
			check(t, b)
			if cur := b.RunningEvent(); cur != nil {
				t.Fatal("running event set after the loop")
			}
			b.Loop(reactor.EVLOOP_NONBLOCK) // the events are freed before the base
			ctest.Calls()
		})
	}
}

// A persistent C timer is re-armed by run.c on the heap, keeping its
// cadence, and a one-shot C timer leaves the heap before its callback.
func TestRunQueueInCTimers(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	ctest.Calls()
	const interval = 3000
	per := newEvent(t)
	assignC(b, per, -1, evPersist, ctest.RecordCB(), 1)
	one := newEvent(t)
	assignC(b, one, -1, 0, ctest.RecordCB(), 2)
	b.Add(per, tv(interval))
	b.Add(one, tv(interval))
	if g, cs := b.RunnableInC(per); !g || !cs {
		t.Fatalf("persistent timer not run in C (%v %v)", g, cs)
	}
	prev := per.Timeout
	n := 0
	for n < 4 {
		b.Loop(reactor.EVLOOP_ONCE)
		n += len(ctest.Calls())
		check(t, b)
		if per.Flags&reactor.EVLIST_TIMEOUT == 0 || per.HeapIdx < 0 {
			t.Fatalf("persistent timer not re-armed: flags %#x heap %d", per.Flags, per.HeapIdx)
		}
		if want := prev.AddUsec(interval); per.Timeout != want && !per.Timeout.Less(want) {
			if d := (per.Timeout.Sec-want.Sec)*1e6 + per.Timeout.Usec - want.Usec; d < 0 {
				t.Fatalf("deadline went back: %v after %v", per.Timeout, prev)
			}
		}
		prev = per.Timeout
		if one.Flags != reactor.EVLIST_INIT {
			if n > 1 {
				t.Fatalf("one-shot timer flags %#x after it ran", one.Flags)
			}
		}
	}
	b.Del(per)
	if nEv, a := b.Counts(); nEv != 0 || a != 0 {
		t.Fatalf("counts %d %d", nEv, a)
	}
}

// An fd whose event has a priority without a queue (the array is grown by
// the core only) is left by the wait's C activation to the core, which
// activates it.
func TestWaitLeavesFdToCore(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	ctest.Calls()
	rd, wr := socketpair(t)
	ev := newEvent(t)
	assignC(b, ev, rd, evRead|evPersist, ctest.RecordCB(), 7)
	b.Add(ev, nil)
	ev.Pri = 2 // as if npriorities had been raised
	mustWrite(t, wr, "x")
	b.Loop(reactor.EVLOOP_ONCE | reactor.EVLOOP_NONBLOCK)
	if got := ctest.Calls(); len(got) != 1 || got[0].Arg != 7 || got[0].What != evRead {
		t.Fatalf("calls %+v", got)
	}
	check(t, b)
	b.Del(ev)
}

// run.c's loop hands an event_base_loop over to the Go side at each of its
// resume points, and the Go side finishes it as its own loop would.
func TestLoopCResumePoints(t *testing.T) {
	const none = -1 // run.c finished the loop itself
	reactor.NoIdleHook(t)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, b *reactor.Base) func(t *testing.T) // returns the check after the loop
		flags int
		where int
		rc    int
	}{
		{"all C", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			ev := newEvent(t)
			assignC(b, ev, -1, 0, ctest.RecordCB(), 1)
			b.Add(ev, tv(0))
			return func(t *testing.T) { wantCalls(t, 1) }
		}, reactor.EVLOOP_ONCE, none, 0},
		{"empty", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			return func(t *testing.T) { wantCalls(t) }
		}, 0, none, 1},
		{"reentrant", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			cbaseOf(b).Running = 1
			return func(t *testing.T) { cbaseOf(b).Running = 0 }
		}, 0, 0, -1},
		{"fd left to the core", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			rd, wr := socketpair(t)
			ev := newEvent(t)
			assignC(b, ev, rd, evRead, ctest.RecordCB(), 2)
			b.Add(ev, nil)
			ev.Pri = 3 // no queue yet
			mustWrite(t, wr, "x")
			return func(t *testing.T) { wantCalls(t, 2) }
		}, reactor.EVLOOP_ONCE, 1, 0},
		{"epoll buffer full", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			var args []uintptr
			for i := 0; i < 40; i++ {
				rd, wr := socketpair(t)
				ev := newEvent(t)
				assignC(b, ev, rd, evRead, ctest.RecordCB(), uintptr(10+i))
				b.Add(ev, nil)
				mustWrite(t, wr, "x")
				args = append(args, uintptr(10+i))
			}
			max := b.EpollMax()
			return func(t *testing.T) {
				if b.EpollMax() != 2*max {
					t.Fatalf("epoll buffer %d, was %d", b.EpollMax(), max)
				}
				for b.Loop(reactor.EVLOOP_NONBLOCK) == 0 && ctest.NCalls() < len(args) {
				}
				if got := ctest.Calls(); len(got) != len(args) {
					t.Fatalf("%d calls", len(got))
				}
			}
		}, reactor.EVLOOP_ONCE, 1, 0},
		{"signal event due by its timeout", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			ev := newEvent(t)
			assignC(b, ev, sigusr1, evSignal, ctest.RecordCB(), 3)
			addCSignal(t, b, ev)
			b.Del(ev)
			addCSignal(t, b, ev)
			b.Add(ev, tv(0))
			return func(t *testing.T) { wantCalls(t, 3) }
		}, reactor.EVLOOP_ONCE, 2, 0},
		{"a wait left to Go", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			ev := newEvent(t)
			assignC(b, ev, -1, 0, ctest.RecordCB(), 7)
			b.Add(ev, tv(50000)) // not due when the loop starts: it blocks
			reactor.SetWaitInGoAfter(1)
			return func(t *testing.T) {
				reactor.SetWaitInGoAfter(0)
				wantCalls(t, 7)
			}
		}, reactor.EVLOOP_ONCE, 4, 0},
		{"Go handler", func(t *testing.T, b *reactor.Base) func(*testing.T) {
			c1 := newEvent(t)
			assignC(b, c1, -1, 0, ctest.RecordCB(), 4)
			g := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { ctest.Record(-1, evTimeout, 5) })
			c2 := newEvent(t)
			assignC(b, c2, -1, 0, ctest.RecordCB(), 6)
			b.Active(c1, evTimeout, 1)
			b.Active(g, evTimeout, 1)
			b.Active(c2, evTimeout, 1)
			return func(t *testing.T) { wantCalls(t, 4, 5, 6) }
		}, reactor.EVLOOP_ONCE, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBase(t, reactor.MethodEpoll, 1)
			ctest.Calls()
			after := tc.setup(t, b)
			time.Sleep(time.Millisecond) // the zero timeouts are due
			r, where := b.LoopCOnly(tc.flags)
			if r == reactor.LoopResumeRC {
				if where != tc.where {
					t.Fatalf("handed over at %d, want %d", where, tc.where)
				}
				if r = b.LoopResume(tc.flags); r == reactor.LoopBackRC {
					r, _ = b.LoopCCont(tc.flags) // handed back before a wait
				}
			} else if tc.where != none {
				t.Fatalf("run.c's loop returned %d, want a hand-over at %d", r, tc.where)
			}
			if r != tc.rc {
				t.Fatalf("loop returned %d, want %d", r, tc.rc)
			}
			after(t)
			check(t, b)
		})
	}
}

func wantCalls(t *testing.T, args ...uintptr) {
	t.Helper()
	var got []uintptr
	for _, c := range ctest.Calls() {
		got = append(got, c.Arg)
	}
	if fmt.Sprint(got) != fmt.Sprint(args) {
		t.Fatalf("calls %v, want %v", got, args)
	}
}

// A loop's first wait has no time cache: the Go side's check, which hands
// the wait back to run.c, must move the next check's time past the clock
// run.c compared, not past the previous loop's time (which the idle check
// of a Go-side wait uses), or run.c hands the same wait over again, for ever
// (listener's EMFILE case hung so).
func TestLoopHandBackFirstWait(t *testing.T) {
	reactor.NoIdleHook(t) // no idle trim arms: the Go side hands back
	b := newBase(t, reactor.MethodEpoll, 1)
	ctest.Calls()
	first := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { ctest.Record(-1, evTimeout, 1) })
	b.Add(first, tv(5000))
	if r := b.Loop(0); r != 1 { // the previous loop, ended on the Go side: its last time is kept
		t.Fatalf("first loop returned %d, want 1", r)
	}
	now := reactor.NowMonotonic()
	time.Sleep(20 * time.Millisecond)
	reactor.SetWaitInGoAfter(now.Sec*1e6 + now.Usec + 1000) // passed, but after the previous loop's time
	ev := newEvent(t)
	assignC(b, ev, -1, 0, ctest.RecordCB(), 2)
	b.Add(ev, tv(30000))
	r, where := b.LoopCOnly(0)
	if r != reactor.LoopResumeRC || where != 4 {
		t.Fatalf("run.c's loop returned %d at %d, want a hand-over at 4", r, where)
	}
	if r = b.LoopResume(0); r != reactor.LoopBackRC {
		t.Fatalf("the Go side returned %d, want the loop handed back", r)
	}
	if r, where = b.LoopCCont(0); r != 1 {
		t.Fatalf("run.c's loop went on and returned %d (at %d), want 1: the wait handed over again", r, where)
	}
	wantCalls(t, 1, 2)
	check(t, b)
}

// A wait left to the Go side (SetWaitInGoAfter): the Go side makes its idle
// check and, with no trim armed, hands the loop back to run.c's before the
// wait; run.c's loop goes on with the running base and waits itself.
func TestLoopHandBack(t *testing.T) {
	timers := func(t *testing.T, b *reactor.Base) {
		for i, us := range []int64{20000, 40000} {
			ev := newEvent(t)
			assignC(b, ev, -1, 0, ctest.RecordCB(), uintptr(8+i))
			b.Add(ev, tv(us))
		}
	}
	t.Run("steps", func(t *testing.T) {
		reactor.NoIdleHook(t) // no idle trim arms: the Go side hands back
		b := newBase(t, reactor.MethodEpoll, 1)
		ctest.Calls()
		timers(t, b)
		reactor.SetWaitInGoAfter(1)
		r, where := b.LoopCOnly(0)
		if r != reactor.LoopResumeRC || where != 4 {
			t.Fatalf("run.c's loop returned %d at %d, want a hand-over at 4", r, where)
		}
		if r = b.LoopResume(0); r != reactor.LoopBackRC {
			t.Fatalf("the Go side returned %d, want the loop handed back", r)
		}
		wantCalls(t) // handed back before the wait
		if !b.Running() {
			t.Fatal("the base stopped running when the loop was handed back")
		}
		reactor.SetWaitInGoAfter(0)
		if r, where = b.LoopCCont(0); r != 1 {
			t.Fatalf("run.c's loop went on and returned %d (at %d), want 1", r, where)
		}
		wantCalls(t, 8, 9)
		if b.Running() {
			t.Fatal("the base still running after the loop")
		}
		check(t, b)
	})
	t.Run("Loop", func(t *testing.T) {
		b := newBase(t, reactor.MethodEpoll, 1)
		ctest.Calls()
		timers(t, b)
		reactor.NoIdleHook(t)
		reactor.SetWaitInGoAfter(1) // the first blocking wait goes to Go, which hands the loop back
		if r := b.Loop(0); r != 1 {
			t.Fatalf("loop returned %d, want 1", r)
		}
		wantCalls(t, 8, 9)
		check(t, b)
	})
}
