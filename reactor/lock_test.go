package reactor_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"goevent/reactor"
	"goevent/reactor/internal/ctest"
)

func TestLayoutThread(t *testing.T) {
	var th reactor.CThread
	var c reactor.CBase
	fields := []struct {
		name string
		idx  int
		off  uintptr
	}{
		{"gev_thread.base", 4, unsafe.Offsetof(th.Base)},
		{"gev_thread.notify_fd", 5, unsafe.Offsetof(th.NotifyFd)},
		{"gev_thread.notify_pending", 6, unsafe.Offsetof(th.NotifyPending)},
		{"gev_thread.notify_ev", 7, unsafe.Offsetof(th.NotifyEv)},
		{"sizeof(struct gev_thread)", 8, unsafe.Sizeof(th)},
		{"event_base.thread", 9, unsafe.Offsetof(c.Thread)},
		{"event_base.th_owner", 10, unsafe.Offsetof(c.ThOwner)},
	}
	for _, f := range fields {
		if got := reactor.ThreadOffset(f.idx); got != int(f.off) {
			t.Errorf("%s: Go offset %d, C %d", f.name, f.off, got)
		}
	}
	for i := 0; i < 4; i++ { // the four hooks, in order, before base
		if got := reactor.ThreadOffset(i); got != i*8 {
			t.Errorf("gev_thread hook %d at %d, want %d", i, got, i*8)
		}
	}
}

// threadBase makes an adopted base with thread support (ctest's stand-in
// for capi/thread.c); everything is freed at the end of the test.
func threadBase(t *testing.T, method int32) (*reactor.Base, unsafe.Pointer) {
	c := newCBase(t, method, 1)
	th := ctest.NewThread(unsafePtr(c))
	if th == nil {
		t.Fatal("ctest.NewThread failed")
	}
	b, err := reactor.Adopt(unsafePtr(c))
	if err != nil {
		ctest.FreeThread(unsafePtr(c), th)
		t.Fatalf("Adopt: %v", err)
	}
	t.Cleanup(func() {
		b.Free()
		ctest.FreeThread(unsafePtr(c), th)
	})
	if !b.Threaded() {
		t.Fatal("base with a gev_thread does not report Threaded")
	}
	return b, th
}

// runLoop runs b's loop on its own OS thread as the C layer does (lock
// held, owner recorded) and returns a channel that yields its result.
func runLoop(b *reactor.Base, flags int) <-chan int {
	done := make(chan int, 1)
	started := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		b.Lock()
		ctest.SetOwner(b.C())
		close(started)
		r := b.Loop(flags)
		b.Unlock()
		done <- r
	}()
	<-started
	return done
}

// onThread runs f on a locked OS thread with b's lock held, as a C caller
// of event_add & co. on another thread would, and waits for it.
func onThread(b *reactor.Base, f func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		b.Lock()
		f()
		b.Unlock()
	}()
	wg.Wait()
}

func waitResult(t *testing.T, done <-chan int, within time.Duration) int {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(within):
		t.Fatalf("the loop did not wake within %v", within)
		return 0
	}
}

// A loop asleep without a timeout wakes when another thread changes the base.
func TestThreadWakeups(t *testing.T) {
	cases := []struct {
		name string
		do   func(b *reactor.Base, ev *reactor.Event)
	}{
		{"event_active", func(b *reactor.Base, ev *reactor.Event) { b.Active(ev, evTimeout, 1) }},
		{"timer add", func(b *reactor.Base, ev *reactor.Event) { b.Add(ev, tv(1000)) }},
		{"loopbreak", func(b *reactor.Base, ev *reactor.Event) { atomic.StoreInt32(&cbaseOf(b).EventBreak, 1) }},
		{"loopexit", func(b *reactor.Base, ev *reactor.Event) { b.LoopExit(nil) }},
	}
	forEachBackend(t, func(t *testing.T, m int32) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				b, _ := threadBase(t, m)
				var calls atomic.Int32
				ev := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {
					calls.Add(1)
					atomic.StoreInt32(&cbaseOf(b).EventBreak, 1)
				})
				done := runLoop(b, reactor.EVLOOP_NO_EXIT_ON_EMPTY)
				time.Sleep(20 * time.Millisecond) // asleep in the backend by now
				onThread(b, func() { tc.do(b, ev) })
				if r := waitResult(t, done, 2*time.Second); r != 0 {
					t.Errorf("loop returned %d, want 0", r)
				}
				if tc.name == "event_active" || tc.name == "timer add" {
					if n := calls.Load(); n != 1 {
						t.Errorf("callback ran %d times, want 1", n)
					}
				}
			})
		}
	})
}

// A wakeup is written only when none is pending, and only from another
// thread than the loop's while it runs; the loop drains it.
func TestThreadWakeupDedup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b, th := threadBase(t, m)
		c := cbaseOf(b)
		ev := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
		onThread(b, func() { b.Active(ev, evTimeout, 1) })
		if n := ctest.Writes(th); n != 0 {
			t.Fatalf("%d wakeups written while no loop runs", n)
		}
		// Pretend the loop runs on another thread (owner 0 is nobody).
		atomic.StoreInt32(&c.Running, 1)
		c.ThOwner = 0
		for i := 0; i < 100; i++ {
			onThread(b, func() { b.Active(ev, evTimeout, 1) })
		}
		if n := ctest.Writes(th); n != 1 {
			t.Fatalf("%d wakeups written for 100 changes with none drained, want 1", n)
		}
		atomic.StoreInt32(&c.Running, 0)
		runtime.LockOSThread()
		b.Lock()
		b.Loop(reactor.EVLOOP_NONBLOCK) // drains
		b.Unlock()
		runtime.UnlockOSThread()
		if p := atomic.LoadInt32(&c.Thread.NotifyPending); p != 0 {
			t.Fatalf("notify_pending %d after the loop drained it", p)
		}
		atomic.StoreInt32(&c.Running, 1)
		onThread(b, func() { b.Active(ev, evTimeout, 1) })
		atomic.StoreInt32(&c.Running, 0)
		if n := ctest.Writes(th); n != 2 {
			t.Fatalf("%d wakeups written after a drain and one more change, want 2", n)
		}
		b.Del(ev) // the event's memory goes before the base at cleanup
	})
}

// Several threads add timers to a running loop at once (run with -race):
// every timer fires exactly once.
func TestThreadConcurrentAdds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, m int32) {
		b, _ := threadBase(t, m)
		const nthreads, per = 4, 50
		var fired atomic.Int32
		evs := make([][]*reactor.Event, nthreads)
		for i := range evs {
			for j := 0; j < per; j++ {
				evs[i] = append(evs[i], goEvent(t, b, -1, 0, func(*reactor.Event, int16) { fired.Add(1) }))
			}
		}
		done := runLoop(b, reactor.EVLOOP_NO_EXIT_ON_EMPTY)
		var wg sync.WaitGroup
		for i := 0; i < nthreads; i++ {
			wg.Add(1)
			go func(mine []*reactor.Event) {
				defer wg.Done()
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for _, ev := range mine {
					b.Lock()
					b.Add(ev, tv(int64(len(mine))))
					b.Unlock()
				}
			}(evs[i])
		}
		wg.Wait()
		deadline := time.Now().Add(3 * time.Second)
		for fired.Load() < nthreads*per && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		onThread(b, func() { atomic.StoreInt32(&cbaseOf(b).EventBreak, 1) })
		waitResult(t, done, 2*time.Second)
		if n := fired.Load(); n != nthreads*per {
			t.Fatalf("%d timers fired, want %d", n, nthreads*per)
		}
		check(t, b)
	})
}

// A C callback runs without the base lock: another thread takes it while
// the callback sleeps.
func TestThreadCallbackUnlocked(t *testing.T) {
	b, _ := threadBase(t, reactor.MethodEpoll)
	ev := newEvent(t)
	assignC(b, ev, -1, 0, ctest.SleepCB(), 300)
	onThread(b, func() { b.Active(ev, evTimeout, 1) })
	done := runLoop(b, 0)
	time.Sleep(50 * time.Millisecond) // inside the 300 ms callback
	t0 := time.Now()
	onThread(b, func() {})
	if d := time.Since(t0); d > 150*time.Millisecond {
		t.Errorf("taking the lock took %v while a callback ran: the callback held it", d)
	}
	waitResult(t, done, 2*time.Second)
}

// A base without thread support: Lock and Unlock do nothing.
func TestThreadUnthreadedBase(t *testing.T) {
	b := newBase(t, reactor.MethodEpoll, 1)
	if b.Threaded() {
		t.Fatal("plain base reports Threaded")
	}
	b.Lock()
	b.Lock()
	b.Unlock()
	b.Unlock()
	if cbaseOf(b).Thread != nil {
		t.Fatal("plain base got thread support")
	}
}

// The cost of thread support where it is on: one pass with one active C
// event on a thread-safe base, the event activated under the lock as a
// program's event_active does (compare BenchmarkLoopOneActiveC).
func BenchmarkThreadedLoopOneActiveC(b *testing.B) {
	c := newCBase(b, reactor.MethodEpoll, 1)
	th := ctest.NewThread(unsafePtr(c))
	base, err := reactor.Adopt(unsafePtr(c))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { base.Free(); ctest.FreeThread(unsafePtr(c), th) }()
	ev := newEvent(b)
	assignC(base, ev, -1, 0, ctest.RecordCB(), 0)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	for b.Loop() {
		base.Lock()
		base.Active(ev, evTimeout, 1)
		base.Unlock()
		base.Lock()
		base.Loop(reactor.EVLOOP_NONBLOCK)
		base.Unlock()
		if ctest.NCalls() > 1000 {
			ctest.Calls()
		}
	}
}
