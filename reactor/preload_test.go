package reactor_test

import (
	"testing"

	"goevent/reactor"
	"goevent/reactor/internal/ctest"
)

// Events added before the core was loaded sit on the base's preload list
// with their flags and absolute deadlines set by C; Adopt inserts them for
// real, keeping the deadlines, and clears the list.
func TestAdoptPreload(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		c := newCBase(t, m, 1)
		a, peer := socketpair(t)
		ctest.Calls()
		s, u := ctest.Monotonic()
		now := reactor.Timeval{Sec: s, Usec: u}
		mk := func(fd int, events int16, flags int16, deadline int64, arg uintptr) *reactor.Event {
			ev := newEvent(t)
			*ev = reactor.Event{}
			ev.Base = unsafePtr(c)
			ev.Callback = ctest.RecordCB()
			ev.Arg = arg
			ev.Fd = int32(fd)
			ev.Events = events
			ev.Flags = reactor.EVLIST_INIT | flags
			ev.HeapIdx = -1
			ev.RelTimeout = -1
			if events&reactor.EV_PERSIST != 0 {
				ev.Closure = reactor.ClosurePersist
			}
			if flags&reactor.EVLIST_TIMEOUT != 0 {
				ev.Timeout = now.AddUsec(deadline)
			}
			// link on the preload list (tqe_next)
			if c.PreloadTail != nil {
				c.PreloadTail.ActiveNext = ev
			} else {
				c.PreloadHead = ev
			}
			c.PreloadTail = ev
			c.NPreload++
			return ev
		}
		io := mk(a, evRead|evPersist, reactor.EVLIST_INSERTED, 0, 1)
		timer := mk(-1, 0, reactor.EVLIST_TIMEOUT, 2000, 2)
		both := mk(a, evWrite, reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT, 60_000_000, 3)
		active := mk(-1, 0, reactor.EVLIST_ACTIVE, 0, 4) // event_base_once, no timeout
		active.Res = evTimeout
		wantTimer, wantBoth := timer.Timeout, both.Timeout
		b, err := reactor.Adopt(unsafePtr(c))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Free()
		if c.PreloadHead != nil || c.PreloadTail != nil || c.NPreload != 0 {
			t.Fatal("preload list not cleared")
		}
		if timer.Timeout != wantTimer || both.Timeout != wantBoth {
			t.Fatal("deadlines changed")
		}
		for _, ev := range []*reactor.Event{io, timer, both, active} {
			if ev.ActiveNext != nil {
				t.Fatal("preload link left")
			}
		}
		if io.Flags != reactor.EVLIST_INIT|reactor.EVLIST_INSERTED ||
			timer.Flags != reactor.EVLIST_INIT|reactor.EVLIST_TIMEOUT ||
			both.Flags != reactor.EVLIST_INIT|reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT ||
			active.Flags != reactor.EVLIST_INIT|reactor.EVLIST_ACTIVE {
			t.Fatalf("flags %#x %#x %#x %#x", io.Flags, timer.Flags, both.Flags, active.Flags)
		}
		check(t, b)
		if n, nActive := b.Counts(); n != 5 || nActive != 1 {
			t.Fatalf("counts: %d events, %d active; want 5 and 1", n, nActive)
		}
		if b.FdMask(a) != evRead|evWrite {
			t.Fatalf("fd mask %#x", b.FdMask(a))
		}
		mustWrite(t, peer, "x")
		b.Loop(reactor.EVLOOP_ONCE) // the active one first, then io (read) and both (write)
		got := ctest.Calls()
		if len(got) != 3 || got[0].Arg != 4 || got[0].What != evTimeout {
			t.Fatalf("calls %+v", got)
		}
		b.Del(io)
		if r := b.Loop(0); r != 1 {
			t.Fatalf("Loop %d", r)
		}
		got = ctest.Calls()
		if len(got) != 1 || got[0].Arg != 2 || got[0].What != evTimeout {
			t.Fatalf("calls %+v", got)
		}
	})
}
