package reactor_test

import (
	"reflect"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
	"goevent/reactor/internal/ctest"

	"golang.org/x/sys/unix"
)

const sigusr1 = int(unix.SIGUSR1)

// addCSignal does what the C layer's event_add does for a C signal event:
// install the handler (which makes the pipe) and forward the add.
func addCSignal(t *testing.T, b *reactor.Base, ev *reactor.Event) {
	t.Helper()
	if svc.SigInstall(b.C(), int(ev.Fd)) != 0 {
		t.Fatal("sig_install failed")
	}
	if b.Add(ev, nil) != 0 {
		t.Fatal("add of signal event failed")
	}
}

// A C signal event: the callback runs once per caught signal (ncalls), with
// the signal number as fd and EV_SIGNAL as res; deleting it releases the
// handler reference.
func TestSignalC(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		ctest.Calls()
		ev := newEvent(t)
		assignC(b, ev, sigusr1, evSignal|evPersist, ctest.RecordCB(), 7)
		addCSignal(t, b, ev)
		if b.SigWatch() == nil || b.SigWatch().Fd != cbaseOf(b).SigRfd {
			t.Fatal("signal pipe not watched after the first signal event")
		}
		for i := 0; i < 3; i++ {
			ctest.Raise(sigusr1)
		}
		if r := b.Loop(reactor.EVLOOP_ONCE); r != 0 {
			t.Fatalf("Loop returned %d", r)
		}
		c7 := ctest.Call{Fd: sigusr1, What: evSignal, Arg: 7}
		want := []ctest.Call{c7, c7, c7}
		if got := ctest.Calls(); !reflect.DeepEqual(got, want) {
			t.Fatalf("calls %+v", got)
		}
		if ev.Flags&reactor.EVLIST_INSERTED == 0 {
			t.Fatal("persistent signal event no longer inserted")
		}
		check(t, b)
		if ctest.Refs(sigusr1) != 1 {
			t.Fatalf("refs %d", ctest.Refs(sigusr1))
		}
		b.Del(ev)
		if ctest.Refs(sigusr1) != 0 {
			t.Fatalf("refs %d after del", ctest.Refs(sigusr1))
		}
		// Only the internal watcher is left: the loop exits.
		if r := b.Loop(0); r != 1 {
			t.Fatalf("Loop returned %d", r)
		}
	})
}

// A non-persistent signal event fires once (with its count) and leaves the
// signal map, releasing its handler reference.
func TestSignalNonPersistent(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	ctest.Calls()
	ev := newEvent(t)
	assignC(b, ev, sigusr1, evSignal, ctest.RecordCB(), 0)
	addCSignal(t, b, ev)
	ctest.Raise(sigusr1)
	ctest.Raise(sigusr1)
	if r := b.Loop(0); r != 1 {
		t.Fatalf("Loop returned %d", r)
	}
	if got := ctest.Calls(); len(got) != 2 {
		t.Fatalf("calls %+v", got)
	}
	if ev.Flags != reactor.EVLIST_INIT || ctest.Refs(sigusr1) != 0 {
		t.Fatalf("flags %#x refs %d", ev.Flags, ctest.Refs(sigusr1))
	}
}

// Deleting a signal event from its callback stops the remaining calls
// (oracle: ncalls 4 → calls with ev_ncalls 3, 2, 1, then the delete at 1
// stops the fourth).
func TestSignalDelInCallback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		ctest.Calls()
		ev := newEvent(t)
		assignC(b, ev, sigusr1, evSignal|evPersist, ctest.RecordDelCB(), uintptr(unsafe.Pointer(ev)))
		addCSignal(t, b, ev)
		ctest.SetDelAt(1)
		defer ctest.SetDelAt(-1)
		b.Active(ev, evSignal, 4)
		b.Loop(reactor.EVLOOP_NONBLOCK)
		if got := ctest.Calls(); len(got) != 3 {
			t.Fatalf("%d calls, want 3", len(got))
		}
		if ev.Flags != reactor.EVLIST_INIT || ev.Ncalls != 0 {
			t.Fatalf("flags %#x ncalls %d", ev.Flags, ev.Ncalls)
		}
		check(t, b)
	})
}

// A loopbreak inside a signal callback stops the remaining calls too.
func TestSignalBreak(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	n := 0
	ev := goEvent(t, b, sigusr1, evSignal|evPersist, func(e *reactor.Event, res int16) {
		n++
		if res != evSignal {
			t.Errorf("res %#x", res)
		}
		if n == 2 {
			cbaseOf(b).EventBreak = 1
		}
	})
	if b.Add(ev, nil) != 0 {
		t.Fatal("add failed")
	}
	b.Active(ev, evSignal, 5)
	if r := b.Loop(0); r != 0 || n != 2 {
		t.Fatalf("Loop %d, %d calls", r, n)
	}
	b.Del(ev)
}

// A Go-side signal event: the reactor installs the handler itself (the C
// layer never saw the add) and releases it on delete.
func TestSignalGo(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		var ncalls []int16
		ev := goEvent(t, b, sigusr1, evSignal|evPersist, func(e *reactor.Event, res int16) {
			ncalls = append(ncalls, e.Ncalls)
		})
		inst, _ := ctest.SigStats()
		if b.Add(ev, nil) != 0 {
			t.Fatal("add failed")
		}
		if i, _ := ctest.SigStats(); i != inst+1 || ctest.Refs(sigusr1) != 1 {
			t.Fatalf("handler not installed (installs %d→%d)", inst, i)
		}
		ctest.Raise(sigusr1)
		ctest.Raise(sigusr1)
		b.Loop(reactor.EVLOOP_ONCE)
		if !reflect.DeepEqual(ncalls, []int16{1, 0}) {
			t.Fatalf("ncalls seen %v", ncalls)
		}
		b.Del(ev)
		if ctest.Refs(sigusr1) != 0 {
			t.Fatal("handler not released")
		}
		check(t, b)
	})
}

// After reinit (the C layer made a new pipe) signals still arrive.
func TestSignalAfterReinit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b := newBase(t, m, 1)
		n := 0
		ev := goEvent(t, b, sigusr1, evSignal|evPersist, func(*reactor.Event, int16) { n++ })
		b.Add(ev, nil)
		c := cbaseOf(b)
		// What gev_sig_base_reinit does (the new pipe is made first here so
		// that it gets other fd numbers).
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		unix.Close(int(c.SigRfd))
		unix.Close(int(c.SigWfd))
		c.SigRfd, c.SigWfd = int32(p[0]), int32(p[1])
		ctest.SetSignalPipe(p[1])
		if b.Reinit() != 0 {
			t.Fatal("reinit failed")
		}
		if b.SigWatch().Fd != int32(p[0]) {
			t.Fatal("watcher not moved to the new pipe")
		}
		ctest.Raise(sigusr1)
		b.Loop(reactor.EVLOOP_ONCE)
		if n != 1 {
			t.Fatalf("%d calls", n)
		}
		b.Del(ev)
		check(t, b)
	})
}

// A signal interrupting the blocked wait (EINTR) is not a loop error: with
// the handler's pipe write disabled, the loop just waits again.
func TestWaitEINTR(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		b := newBase(t, m, 1)
		n := 0
		sev := goEvent(t, b, sigusr1, evSignal|evPersist, func(*reactor.Event, int16) { n++ })
		b.Add(sev, nil) // installs the counting handler
		timer := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
		start := time.Now() // before the deadline is set: starting the killer thread may take a while
		b.Add(timer, tv(60_000))
		ctest.SetSignalPipe(-1) // the handler only counts: the wait sees EINTR
		defer ctest.SetSignalPipe(int(cbaseOf(b).SigWfd))
		before := logCount()
		if ctest.KillMeAfter(10, sigusr1) != 0 {
			t.Fatal("cannot start the killer thread")
		}
		if r := b.Loop(reactor.EVLOOP_ONCE); r != 0 {
			t.Fatalf("Loop returned %d", r)
		}
		if d := time.Since(start); d < 55*time.Millisecond {
			t.Fatalf("loop returned after %v, before its timer", d)
		}
		if _, after := ctest.LastLog(); after != before {
			t.Fatal("EINTR logged as an error")
		}
		if n != 0 {
			t.Fatal("signal delivered without a pipe byte")
		}
		b.Del(sev)
	})
}

// Counts of a signal named in the pipe are consumed even when the base no
// longer has an event for it (libevent drops them): a later event does not
// inherit them.
func TestSignalStaleCountDropped(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	var seen []int16
	ev := goEvent(t, b, sigusr1, evSignal|evPersist, func(e *reactor.Event, res int16) {
		seen = append(seen, e.Ncalls)
		b.Del(e)
	})
	b.Add(ev, nil)
	for i := 0; i < 3; i++ {
		ctest.Raise(sigusr1)
	}
	b.Active(ev, evSignal, 2) // runs first and deletes itself; the watcher then finds no event
	b.Loop(reactor.EVLOOP_NONBLOCK)
	b.Add(ev, nil)
	ctest.Raise(sigusr1)
	b.Loop(reactor.EVLOOP_ONCE)
	if !reflect.DeepEqual(seen, []int16{1, 0}) {
		t.Fatalf("ncalls seen %v, want [1 0] (2 then 1 call)", seen)
	}
}
