package reactor_test

import (
	"testing"
	"time"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/reactor"
	"goevent/reactor/internal/ctest"
)

// An idle loop gives back freed cmem spans within about idleAfter (100 ms);
// one whose waits keep ending with I/O does not trim until it idles.
func TestIdleLoopGivesBackMemory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, method int32) {
		b := newBase(t, method, 1)
		var blocks []unsafe.Pointer
		for i := 0; i < 64; i++ { // 4 MiB in 64 KiB blocks
			blocks = append(blocks, cmem.Alloc(64<<10))
		}
		for _, p := range blocks {
			cmem.Free(p, 64<<10)
		}
		if cmem.Releasable() < 4<<20 {
			t.Fatalf("releasable %d after freeing 4 MiB", cmem.Releasable())
		}
		// Busy: for 300 ms every wait ends with I/O, a descriptor that
		// stays readable (its byte is never read). Not a writer paced by
		// sleeps: under load it was late by 100 ms at times, which is quiet.
		a, p := socketpair(t)
		mustWrite(t, p, "x")
		reads := 0
		ev := goEvent(t, b, a, reactor.EV_READ|reactor.EV_PERSIST, func(ev *reactor.Event, res int16) {
			reads++
		})
		b.Add(ev, nil)
		timer := goEvent(t, b, -1, 0, func(*reactor.Event, int16) {})
		b.Add(timer, tv(300_000))
		start := time.Now()
		for time.Since(start) < 300*time.Millisecond {
			b.Loop(reactor.EVLOOP_ONCE)
		}
		if got := cmem.Releasable(); got < 4<<20 {
			t.Fatalf("a busy loop trimmed: releasable %d", got)
		}
		b.Del(ev)
		// Idle: a 400 ms timer.
		b.Add(timer, tv(400_000))
		b.Loop(0)
		if got := cmem.Releasable(); got != 0 {
			t.Fatalf("after 400 ms of idling %d bytes are still releasable", got)
		}
		if reads == 0 {
			t.Fatal("the descriptor was never read")
		}
	})
}

// On an epoll base the loop runs in C (run.c), which leaves a blocking wait
// to the Go side once a check is due; an armed trim then waits there and the
// loop idles its memory back, with only C callbacks in the base. A loop that
// ends armed (its timers ran out within idleAfter) leaves the next loop's
// first blocking wait to the Go side too, whatever the next check's time.
func TestIdleTrimFromLoopC(t *testing.T) {
	for _, tc := range []struct {
		name  string
		loops []int64 // a loop per C timer (µs)
	}{
		{"one loop", []int64{400_000}},
		{"armed by the loop before", []int64{30_000, 400_000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBase(t, reactor.MethodEpoll, 1)
			ctest.Calls()
			var blocks []unsafe.Pointer
			for i := 0; i < 64; i++ { // 4 MiB in 64 KiB blocks
				blocks = append(blocks, cmem.Alloc(64<<10))
			}
			for _, p := range blocks {
				cmem.Free(p, 64<<10)
			}
			reactor.SetWaitInGoAfter(1) // a check is due
			for i, us := range tc.loops {
				ev := newEvent(t)
				assignC(b, ev, -1, 0, ctest.RecordCB(), uintptr(i))
				b.Add(ev, tv(us))
				if r := b.Loop(0); r != 1 {
					t.Fatalf("loop %d returned %d, want 1", i, r)
				}
				wantCalls(t, uintptr(i))
			}
			if got := cmem.Releasable(); got != 0 {
				t.Fatalf("after 400 ms of idling %d bytes are still releasable", got)
			}
		})
	}
}
