package reactor_test

import (
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"goevent/reactor"
	"goevent/reactor/internal/ctest"

	"golang.org/x/sys/unix"
)

// libeventHeap is a transcription of libevent 2.1.12's minheap-internal.h
// (push, erase, pop) over positions only: the reactor's heap must lay its
// array out identically, so that events with equal deadlines fire in
// libevent's order and event_base_active_by_fd / foreach walk the same order.
type libeventHeap struct{ p []*reactor.Event }

func greater(a, b *reactor.Event) bool { return b.Timeout.Less(a.Timeout) }

func (h *libeventHeap) push(e *reactor.Event) {
	h.p = append(h.p, nil)
	h.shiftUp(len(h.p)-1, e)
}

func (h *libeventHeap) shiftUp(hole int, e *reactor.Event) {
	parent := (hole - 1) / 2
	for hole > 0 && greater(h.p[parent], e) {
		h.p[hole] = h.p[parent]
		hole = parent
		parent = (hole - 1) / 2
	}
	h.p[hole] = e
}

func (h *libeventHeap) shiftDown(hole int, e *reactor.Event) {
	n := len(h.p)
	minChild := 2 * (hole + 1)
	for minChild <= n {
		if minChild == n || greater(h.p[minChild], h.p[minChild-1]) {
			minChild--
		}
		if !greater(e, h.p[minChild]) {
			break
		}
		h.p[hole] = h.p[minChild]
		hole = minChild
		minChild = 2 * (hole + 1)
	}
	h.p[hole] = e
}

func (h *libeventHeap) erase(e *reactor.Event) {
	idx := -1
	for i, x := range h.p {
		if x == e {
			idx = i
		}
	}
	last := h.p[len(h.p)-1]
	h.p = h.p[:len(h.p)-1]
	if idx == len(h.p) {
		return
	}
	parent := (idx - 1) / 2
	if idx > 0 && greater(h.p[parent], last) {
		h.shiftUp(idx, last)
	} else {
		h.shiftDown(idx, last)
	}
}

// The heap's array against libevent's min_heap, with many ties. Each push
// and removal goes at random through the Go half (heap.go) or the C half
// (capi/timeheap.h, which the C layer's event_add/event_del use): both must
// leave exactly libevent's layout, whichever side made the change.
func TestHeapLayoutMatchesLibevent(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	const nev = 300
	evs := make([]*reactor.Event, nev)
	for i := range evs {
		evs[i] = newEvent(t)
		evs[i].HeapIdx = -1
	}
	cbase := newCBase(t, reactor.MethodEpoll, 1)
	h := reactor.NewTimerHeap(cbase)
	defer h.Release()
	push := func(ev *reactor.Event) {
		if rng.Intn(2) == 0 {
			h.Push(ev)
			return
		}
		h.MakeRoom()
		ctest.HeapPushC(unsafe.Pointer(cbase), unsafe.Pointer(ev))
	}
	remove := func(ev *reactor.Event) {
		if rng.Intn(2) == 0 {
			h.Remove(ev)
		} else {
			ctest.HeapRemoveC(unsafe.Pointer(cbase), unsafe.Pointer(ev))
		}
	}
	var ref libeventHeap
	in := map[*reactor.Event]bool{}
	for op := 0; op < 20000; op++ {
		switch r := rng.Intn(10); {
		case r < 5:
			ev := evs[rng.Intn(nev)]
			if in[ev] {
				continue
			}
			// Few distinct deadlines: many ties.
			ev.Timeout = reactor.Timeval{Sec: int64(rng.Intn(4)), Usec: int64(rng.Intn(3))}
			push(ev)
			ref.push(ev)
			in[ev] = true
		case r < 8:
			if len(ref.p) == 0 {
				continue
			}
			ev := ref.p[rng.Intn(len(ref.p))]
			remove(ev)
			ref.erase(ev)
			delete(in, ev)
		default:
			if len(ref.p) == 0 {
				continue
			}
			ev := h.Top()
			if ev != ref.p[0] {
				t.Fatalf("op %d: top differs", op)
			}
			remove(ev)
			ref.erase(ev)
			delete(in, ev)
		}
		if h.Len() != len(ref.p) {
			t.Fatalf("op %d: len %d, libevent %d", op, h.Len(), len(ref.p))
		}
		for i := range ref.p {
			if h.HeapAt(i) != ref.p[i] {
				t.Fatalf("op %d: heap position %d differs from libevent's layout", op, i)
			}
		}
		if err := h.Check(); err != nil {
			t.Fatalf("op %d: %v", op, err)
		}
	}
}

// Common-timeout queues against a model: random adds (common, heap),
// re-adds, deletions and timer removals keep every queue in order with
// correct positions and counts; then every pending event fires exactly once,
// each queue in FIFO order, not before its deadline.
func TestCommonTimeoutsRandom(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		durs := []int64{20_000, 35_000, 50_000}
		var cts []*reactor.Timeval
		for _, d := range durs {
			c := b.InitCommonTimeout(tv(d))
			if c == nil {
				t.Fatal("InitCommonTimeout failed")
			}
			if c.Usec&0xf0000000 != 0x50000000 || c.Usec&0xfffff != d%1e6 {
				t.Fatalf("magic value %#x for %d", c.Usec, d)
			}
			cts = append(cts, c)
		}
		if again := b.InitCommonTimeout(tv(durs[1])); again != cts[1] {
			t.Fatal("same duration gave another value")
		}
		rng := rand.New(rand.NewSource(3))
		const nev = 400
		type st struct {
			queue   int // -1 heap, -2 none
			seq     int
			fired   int
			firedAt reactor.Timeval
		}
		states := make([]st, nev)
		evs := make([]*reactor.Event, nev)
		var fireOrder []int
		for i := range evs {
			i := i
			evs[i] = goEvent(t, b, -1, 0, func(ev *reactor.Event, res int16) {
				if res != evTimeout {
					t.Errorf("res %#x", res)
				}
				states[i].fired++
				states[i].firedAt = reactor.NowMonotonic()
				fireOrder = append(fireOrder, i)
			})
			states[i].queue = -2
		}
		seq := 0
		for op := 0; op < 3000; op++ {
			i := rng.Intn(nev)
			ev := evs[i]
			switch r := rng.Intn(10); {
			case r < 5:
				q := rng.Intn(len(cts))
				if b.Add(ev, cts[q]) != 0 {
					t.Fatal("add failed")
				}
				seq++
				states[i].queue, states[i].seq = q, seq
			case r < 7:
				b.Add(ev, tv(int64(rng.Intn(60_000))))
				states[i].queue = -1
			case r < 9:
				b.Del(ev)
				states[i].queue = -2
			default:
				b.RemoveTimer(ev)
				states[i].queue = -2
			}
			if op%50 == 0 {
				check(t, b)
			}
		}
		check(t, b)
		// The model's queues, in add order.
		for q := range cts {
			var want []*reactor.Event
			for s := 1; s <= seq; s++ {
				for i := range states {
					if states[i].queue == q && states[i].seq == s {
						want = append(want, evs[i])
					}
				}
			}
			if got := b.CommonQueue(q); !reflect.DeepEqual(got, want) {
				t.Fatalf("queue %d: %d events, model %d (or order differs)", q, len(got), len(want))
			}
		}
		deadlines := make([]reactor.Timeval, nev)
		for i, ev := range evs {
			deadlines[i] = ev.Timeout
		}
		if r := b.Loop(0); r != 1 {
			t.Fatalf("loop returned %d", r)
		}
		pos := map[int]int{}
		for k, i := range fireOrder {
			pos[i] = k
		}
		lastSeq := make([]int, len(cts))
		for _, i := range fireOrder {
			s := states[i]
			if s.queue >= 0 {
				if s.seq < lastSeq[s.queue] {
					t.Fatalf("queue %d fired out of order", s.queue)
				}
				lastSeq[s.queue] = s.seq
			}
		}
		for i, s := range states {
			want := 0
			if s.queue != -2 {
				want = 1
			}
			if s.fired != want {
				t.Fatalf("event %d (queue %d) fired %d times", i, s.queue, s.fired)
			}
			if want == 1 && s.firedAt.Less(deadlines[i]) {
				t.Fatalf("event %d fired before its deadline", i)
			}
		}
		check(t, b)
	})
}

// Active queues against a model: random activations (with ORed results),
// deletions and priority changes; one loop pass order is priority, then
// FIFO.
func TestActiveQueuesRandom(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 4)
	rng := rand.New(rand.NewSource(5))
	const nev = 64
	evs := make([]*reactor.Event, nev)
	var ran []int
	var ranRes []int16
	for i := range evs {
		i := i
		evs[i] = goEvent(t, b, -1, 0, func(ev *reactor.Event, res int16) {
			ran = append(ran, i)
			ranRes = append(ranRes, res)
		})
	}
	for round := 0; round < 200; round++ {
		model := make([][]int, 4)
		res := make([]int16, nev)
		active := make([]bool, nev)
		ran, ranRes = nil, nil
		for op := 0; op < 100; op++ {
			i := rng.Intn(nev)
			ev := evs[i]
			switch r := rng.Intn(10); {
			case r < 6:
				what := int16(1) << uint(rng.Intn(4))
				b.Active(ev, what, 1)
				if active[i] {
					res[i] |= what
				} else {
					active[i] = true
					res[i] = what
					model[ev.Pri] = append(model[ev.Pri], i)
				}
			case r < 8:
				b.Del(ev)
				if active[i] {
					active[i] = false
					q := model[ev.Pri]
					for k, x := range q {
						if x == i {
							model[ev.Pri] = append(q[:k:k], q[k+1:]...)
							break
						}
					}
				}
			default:
				if !active[i] {
					ev.Pri = uint8(rng.Intn(4))
				}
			}
		}
		check(t, b)
		var want []int
		var wantRes []int16
		for _, q := range model {
			for _, i := range q {
				want = append(want, i)
				wantRes = append(wantRes, res[i])
			}
		}
		b.Loop(reactor.EVLOOP_NONBLOCK)
		if !reflect.DeepEqual(ran, want) && !(len(ran) == 0 && len(want) == 0) {
			t.Fatalf("round %d: ran %v, model %v", round, ran, want)
		}
		if !reflect.DeepEqual(ranRes, wantRes) && len(want) > 0 {
			t.Fatalf("round %d: results %v, model %v", round, ranRes, wantRes)
		}
		if n, a := b.Counts(); n != 0 || a != 0 {
			t.Fatalf("counts after the pass: %d %d", n, a)
		}
	}
}

// The fd map against a model: random adds and deletes of events on a few
// fds keep each fd's registered interest equal to the union of its events.
func TestFdMapRandom(t *testing.T) {
	for _, side := range []string{"Go", "C and Go"} {
		t.Run(side, func(t *testing.T) { fdMapRandom(t, side == "C and Go") })
	}
}

// With withC, a random half of the adds and deletes go through the C
// layer's side of the fd table (capi/iomap.h; on poll it leaves them to the
// core); the kernel's registrations (epoll) are checked too.
func fdMapRandom(t *testing.T, withC bool) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		var fds []int
		for i := 0; i < 3; i++ {
			a, _ := socketpair(t)
			fds = append(fds, a)
		}
		rng := rand.New(rand.NewSource(11))
		kinds := []int16{evRead, evWrite, evRead | evWrite, evClosed, evRead | evClosed, evWrite | evRead | evPersist}
		type me struct {
			ev    *reactor.Event
			fd    int
			added bool
		}
		var all []*me
		for i := 0; i < 40; i++ {
			fd := fds[rng.Intn(len(fds))]
			all = append(all, &me{ev: goEvent(t, b, fd, kinds[rng.Intn(len(kinds))], func(*reactor.Event, int16) {}), fd: fd})
		}
		inC := 0
		for op := 0; op < 2000; op++ {
			x := all[rng.Intn(len(all))]
			c := withC && rng.Intn(2) == 0
			if rng.Intn(2) == 0 {
				if !c || !ctest.AddIOC(b.C(), unsafe.Pointer(x.ev)) {
					b.Add(x.ev, nil)
				} else if !x.added {
					inC++ // registered by C
				}
				x.added = true
			} else {
				if !c || !ctest.DelC(b.C(), unsafe.Pointer(x.ev)) {
					b.Del(x.ev)
				}
				x.added = false
			}
			for _, fd := range fds {
				var want int16
				for _, y := range all {
					if y.added && y.fd == fd {
						want |= y.ev.Events & (evRead | evWrite | evClosed)
					}
				}
				if got := b.FdMask(fd); got != want {
					t.Fatalf("op %d: fd %d mask %#x, model %#x", op, fd, got, want)
				}
				if m == reactor.MethodEpoll {
					if got := epollInterest(t, b.EpollFd(), fd); got != want {
						t.Fatalf("op %d: fd %d registered in the kernel as %#x, model %#x", op, fd, got, want)
					}
				}
			}
			if op%100 == 0 {
				check(t, b)
			}
		}
		n, _ := b.Counts()
		want := 0
		for _, y := range all {
			if y.added {
				want++
			}
		}
		if n != want || b.NumEvents(reactor.EVENT_BASE_COUNT_ADDED, false, false) != want {
			t.Fatalf("nEvents %d, model %d", n, want)
		}
		if withC && (m == reactor.MethodEpoll) != (inC > 0) {
			t.Fatalf("%d registrations done in C", inC)
		}
	})
}

// epollInterest returns fd's registration in the epoll instance epfd as
// EV_* bits (0: none), from /proc/self/fdinfo.
func epollInterest(t *testing.T, epfd, fd int) int16 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", epfd))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		var tfd int
		var events uint32
		if n, _ := fmt.Sscanf(line, "tfd: %d events: %x", &tfd, &events); n == 2 && tfd == fd {
			var m int16
			if events&unix.EPOLLIN != 0 {
				m |= evRead
			}
			if events&unix.EPOLLOUT != 0 {
				m |= evWrite
			}
			if events&unix.EPOLLRDHUP != 0 {
				m |= evClosed
			}
			return m
		}
	}
	return 0
}

// An I/O event on an fd past the fd table: epoll is asked before the table
// grows (a closed fd fails as libevent's epoll_ctl does, and leaves the
// table as it was); poll watches any fd the table can hold (a closed one is
// reported invalid at dispatch, as libevent's poll does); an fd that can
// never be open fails on both with a warning.
func TestAddFdPastTable(t *testing.T) {
	closed := func(t *testing.T) int {
		fd, err := unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 3000)
		if err != nil {
			t.Fatal(err)
		}
		unix.Close(fd)
		return fd
	}
	cases := []struct {
		name     string
		method   int32
		fd       func(t *testing.T) int
		want     int
		grows    bool
		warnWith string
	}{
		{"epoll closed", reactor.MethodEpoll, closed, -1, false, "epoll_ctl"},
		{"poll closed", reactor.MethodPoll, closed, 0, true, ""},
		{"epoll huge", reactor.MethodEpoll, func(*testing.T) int { return 1<<31 - 1 }, -1, false, "can never be open"},
		{"poll huge", reactor.MethodPoll, func(*testing.T) int { return 1 << 27 }, -1, false, "can never be open"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBase(t, c.method, 1)
			fd := c.fd(t)
			var fired int16
			ev := goEvent(t, b, fd, evRead, func(_ *reactor.Event, res int16) { fired = res })
			before, logs := b.FdTableLen(), logCount()
			if got := b.Add(ev, nil); got != c.want {
				t.Fatalf("Add on fd %d: %d, want %d", fd, got, c.want)
			}
			if grew := b.FdTableLen() > fd; grew != c.grows || (!grew && b.FdTableLen() != before) {
				t.Fatalf("fd table %d -> %d entries for fd %d", before, b.FdTableLen(), fd)
			}
			if c.warnWith != "" {
				expectLog(t, logs, c.warnWith)
			}
			check(t, b)
			if c.want == 0 {
				if b.FdMask(fd) != evRead {
					t.Fatalf("mask %#x", b.FdMask(fd))
				}
				if b.Loop(reactor.EVLOOP_NONBLOCK); fired&evRead == 0 {
					t.Fatalf("callback result %#x: want the invalid fd reported as readable", fired)
				}
			}
		})
	}
}

// Debug mode (GEV_BASE_FLAG_DEBUG at adoption): the events of an fd are all
// edge-triggered or all not, in either order and whatever they wait for;
// without it they mix, as in libevent.
func TestEdgeLevelMix(t *testing.T) {
	cases := []struct {
		first, second int16
		debug         bool
		want          int
	}{
		{evRead | reactor.EV_ET, evRead, true, -1},
		{evRead, evWrite | reactor.EV_ET, true, -1},
		{evClosed | reactor.EV_ET, evRead | evPersist, true, -1},
		{evRead | reactor.EV_ET, evWrite | reactor.EV_ET, true, 0},
		{evRead, evWrite, true, 0},
		{evRead | reactor.EV_ET, evRead, false, 0},
		{evRead, evWrite | reactor.EV_ET, false, 0},
	}
	for _, c := range cases {
		forEachBackend(t, func(t *testing.T, m int32) {
			cb := newCBase(t, m, 1)
			if c.debug {
				cb.Flags |= reactor.GEV_BASE_FLAG_DEBUG
			}
			b, err := reactor.Adopt(unsafePtr(cb))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(b.Free)
			fd, _ := socketpair(t)
			nop := func(*reactor.Event, int16) {}
			e1, e2 := goEvent(t, b, fd, c.first, nop), goEvent(t, b, fd, c.second, nop)
			if r := b.Add(e1, nil); r != 0 {
				t.Fatalf("first add: %d", r)
			}
			logs := logCount()
			if r := b.Add(e2, nil); r != c.want {
				t.Fatalf("%#x then %#x (debug %v): %d, want %d", c.first, c.second, c.debug, r, c.want)
			}
			if c.want < 0 {
				expectLog(t, logs, "mix edge-triggered")
				b.Del(e1)
				if r := b.Add(e2, nil); r != 0 {
					t.Fatalf("alone: %d", r)
				}
			}
			check(t, b)
		})
	}
}

// event_config_set_max_dispatch_interval: with max_dispatch_callbacks = 2
// from priority 1 on, the loop polls after every second callback of
// priority 1, so that a ready read event of priority 0 runs in between.
func TestDispatchLimits(t *testing.T) {
	for _, tc := range []struct {
		name       string
		maxcb      int32
		limitAfter int32
		usec       int64
		want       string
	}{
		{"unlimited", 1<<31 - 1, 1, -1, "a1 a2 a3 a4 a5 R"},
		{"2 callbacks", 2, 1, -1, "a1 a2 R a3 a4 a5"},
		{"1 callback", 1, 1, -1, "a1 R a2 a3 a4 a5"},
		{"limit from priority 2", 1, 2, -1, "a1 a2 a3 a4 a5 R"},
		{"0 usec", 1<<31 - 1, 1, 0, "a1 R a2 a3 a4 a5"},
		{"long interval", 1<<31 - 1, 1, 10_000_000, "a1 a2 a3 a4 a5 R"},
	} {
		for _, cEvents := range []bool{false, true} {
			name := tc.name
			if cEvents {
				name += ", C callbacks" // a2..a5 run in run.c
			}
			t.Run(name, func(t *testing.T) {
				forEachBackend(t, func(t *testing.T, m int32) {
					c := newCBase(t, m, 2)
					c.MaxDispatchCallbacks = tc.maxcb
					c.LimitCallbacksAfterPrio = tc.limitAfter
					c.MaxDispatchUsec = tc.usec
					b, err := reactor.Adopt(unsafePtr(c))
					if err != nil {
						t.Fatal(err)
					}
					defer b.Free()
					rd, wr := socketpair(t)
					ctest.Calls()
					R := goEvent(t, b, rd, evRead, func(*reactor.Event, int16) { ctest.Record(-1, evRead, 0) })
					R.Pri = 0
					b.Add(R, nil)
					var as []*reactor.Event
					for i := 1; i <= 5; i++ {
						i := i
						var ev *reactor.Event
						if cEvents && i > 1 {
							ev = newEvent(t)
							assignC(b, ev, -1, 0, ctest.RecordCB(), uintptr(i))
						} else {
							ev = goEvent(t, b, -1, 0, func(*reactor.Event, int16) {
								ctest.Record(-1, evTimeout, uintptr(i))
								if i == 1 {
									mustWrite(t, wr, "x")
								}
							})
						}
						ev.Pri = 1
						as = append(as, ev)
					}
					for _, ev := range as {
						b.Active(ev, evTimeout, 1)
					}
					var order []string
					for i := 0; i < 10 && len(order) < 6; i++ {
						b.Loop(reactor.EVLOOP_NONBLOCK)
						for _, call := range ctest.Calls() {
							if call.Arg == 0 {
								order = append(order, "R")
							} else {
								order = append(order, fmt.Sprintf("a%d", call.Arg))
							}
						}
					}
					if got := fmt.Sprint(order); got != fmt.Sprint(splitWords(tc.want)) {
						t.Fatalf("order %v, want %v", order, tc.want)
					}
				})
			})
		}
	}
}

func splitWords(s string) []string {
	var out []string
	w := ""
	for _, c := range s + " " {
		if c == ' ' {
			if w != "" {
				out = append(out, w)
			}
			w = ""
		} else {
			w += string(c)
		}
	}
	return out
}

// EVENT_BASE_FLAG_NO_CACHE_TIME: the loop leaves the C-visible time cache
// empty; otherwise callbacks see it set, and it is cleared after the loop.
func TestTimeCacheInC(t *testing.T) {
	for _, noCache := range []bool{false, true} {
		c := newCBase(t, reactor.MethodEpoll, 1)
		if noCache {
			c.Flags |= reactor.EVENT_BASE_FLAG_NO_CACHE_TIME
		}
		b, err := reactor.Adopt(unsafePtr(c))
		if err != nil {
			t.Fatal(err)
		}
		var seen reactor.Timeval
		ev := goEvent(t, b, -1, 0, func(*reactor.Event, int16) { seen = c.TvCache })
		b.Active(ev, evTimeout, 1)
		b.Loop(reactor.EVLOOP_NONBLOCK)
		if (seen.Sec == 0) != noCache {
			t.Fatalf("no cache %v: cache in callback %v", noCache, seen)
		}
		if c.TvCache.Sec != 0 {
			t.Fatalf("cache kept after the loop: %v", c.TvCache)
		}
		b.Free()
	}
}

// event_base_priority_init: range, refused with any active event (internal
// ones included), accepted with pending ones; event_base_loopcontinue;
// the running event.
func TestPriorityInitAndRunning(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	c := cbaseOf(b)
	for _, n := range []int{0, -1, 256, 1000} {
		if b.PriorityInit(n) != -1 {
			t.Fatalf("PriorityInit(%d) accepted", n)
		}
	}
	if b.PriorityInit(255) != 0 || c.NPriorities != 255 || b.PriorityInit(3) != 0 || c.NPriorities != 3 {
		t.Fatal("PriorityInit refused a valid count")
	}
	var running *reactor.Event
	var ev *reactor.Event
	ev = goEvent(t, b, -1, 0, func(*reactor.Event, int16) { running = b.RunningEvent() })
	b.Add(ev, tv(1_000_000))
	if b.PriorityInit(2) != 0 {
		t.Fatal("refused with a pending event")
	}
	b.Active(ev, evTimeout, 1)
	if b.PriorityInit(3) != -1 || c.NPriorities != 2 {
		t.Fatal("accepted with an active event")
	}
	if b.RunningEvent() != nil {
		t.Fatal("running event outside the loop")
	}
	b.Loop(reactor.EVLOOP_NONBLOCK)
	if running != ev || b.RunningEvent() != nil {
		t.Fatalf("running event %p, want %p", running, ev)
	}
	if b.NumEvents(reactor.EVENT_BASE_COUNT_ACTIVE, true, false) < 1 {
		t.Fatal("max active not recorded")
	}
}

// The heap and the common queues stay cheap with 100 000 timers.
func TestManyCommonTimers(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	ct := b.InitCommonTimeout(tv(10_000_000))
	const n = 100_000
	evs := make([]*reactor.Event, n)
	for i := range evs {
		evs[i] = goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
	}
	start := time.Now()
	for _, ev := range evs {
		b.Add(ev, ct)
	}
	// Delete from the front (the common pattern: earliest first) and
	// from the middle.
	for i := 0; i < n; i += 2 {
		b.Del(evs[i])
	}
	for i := n - 1; i >= 0; i -= 4 {
		b.Del(evs[i])
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("100 000 common-timeout adds and deletes took %v", el)
	}
	check(t, b)
	if nq := len(b.CommonQueue(0)); nq != n/4 {
		t.Fatalf("queue holds %d, want %d", nq, n/4)
	}
}

// event_base_priority_init from a callback while nothing else is active
// shrinks the queues under the running pass: the pass stops cleanly.
func TestPriorityInitFromCallback(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 3)
	var ran []string
	var ev *reactor.Event
	ev = goEvent(t, b, -1, 0, func(*reactor.Event, int16) {
		ran = append(ran, "shrink")
		if r := b.PriorityInit(1); r != 0 {
			t.Errorf("PriorityInit from a callback: %d", r)
		}
	})
	ev.Pri = 2
	b.Active(ev, evTimeout, 1)
	if r := b.Loop(reactor.EVLOOP_NONBLOCK); r != 1 {
		t.Fatalf("loop %d", r)
	}
	if len(ran) != 1 || cbaseOf(b).NPriorities != 1 {
		t.Fatalf("ran %v, npriorities %d", ran, cbaseOf(b).NPriorities)
	}
	// The event keeps priority 2: activating it again grows the queues.
	b.Active(ev, evTimeout, 1)
	b.Loop(reactor.EVLOOP_NONBLOCK)
	if len(ran) != 2 {
		t.Fatalf("ran %v", ran)
	}
	check(t, b)
}
