package reactor_test

import (
	"testing"
	"unsafe"

	"goevent/reactor"
	"goevent/reactor/internal/ctest"
	"goevent/reactor/internal/ctestsys"
)

func TestLayoutEvent(t *testing.T) {
	var ev reactor.Event
	fields := []struct {
		name string
		idx  int // index in ctest.EventOffset
		off  uintptr
	}{
		{"evcb_active_next.tqe_next", 0, unsafe.Offsetof(ev.ActiveNext)},
		{"evcb_active_next.tqe_prev", 1, unsafe.Offsetof(ev.ActivePrev)},
		{"evcb_flags", 2, unsafe.Offsetof(ev.Flags)},
		{"evcb_pri", 3, unsafe.Offsetof(ev.Pri)},
		{"evcb_closure", 4, unsafe.Offsetof(ev.Closure)},
		{"evcb_callback", 5, unsafe.Offsetof(ev.Callback)},
		{"evcb_arg", 6, unsafe.Offsetof(ev.Arg)},
		{"min_heap_idx", 7, unsafe.Offsetof(ev.HeapIdx)},
		{"GEV_EV_OFF_HEAPIDX", 19, unsafe.Offsetof(ev.HeapIdx)},
		{"GEV_EV_OFF_RELTIMEO", 8, unsafe.Offsetof(ev.RelTimeout)},
		{"ev_fd", 9, unsafe.Offsetof(ev.Fd)},
		{"ev_base", 10, unsafe.Offsetof(ev.Base)},
		{"ev_io_next.le_next", 11, unsafe.Offsetof(ev.IoNext)},
		{"ev_signal_next.le_next", 20, unsafe.Offsetof(ev.IoNext)},
		{"ev_io_next.le_prev", 12, unsafe.Offsetof(ev.IoPrev)},
		{"ev_ncalls", 13, unsafe.Offsetof(ev.Ncalls)},
		{"ev_pncalls", 14, unsafe.Offsetof(ev.Pncalls)},
		{"ev_events", 15, unsafe.Offsetof(ev.Events)},
		{"ev_res", 16, unsafe.Offsetof(ev.Res)},
		{"ev_timeout", 17, unsafe.Offsetof(ev.Timeout)},
		{"ev_timeout.tv_usec", 21, unsafe.Offsetof(ev.Timeout) + unsafe.Offsetof(ev.Timeout.Usec)},
		{"sizeof(struct event)", 18, unsafe.Sizeof(ev)},
	}
	sys := ctestsys.EventOffset(18) >= 0
	for _, f := range fields {
		if got := ctest.EventOffset(f.idx); got != int(f.off) {
			t.Errorf("%s: Go offset %d, goevent's event2/event_struct.h %d", f.name, f.off, got)
		}
		if sys {
			if got := ctestsys.EventOffset(f.idx); got != int(f.off) {
				t.Errorf("%s: Go offset %d, libevent 2.1.12's event_struct.h %d", f.name, f.off, got)
			}
		}
	}
	if !sys {
		t.Log("system libevent headers not installed: checked against goevent's headers only")
	}
	if int(unsafe.Sizeof(ev)) != reactor.EventSize {
		t.Errorf("EventSize %d, sizeof %d", reactor.EventSize, unsafe.Sizeof(ev))
	}
}

func TestLayoutBase(t *testing.T) {
	var c reactor.CBase
	fields := []struct {
		name string
		off  uintptr
	}{
		{"magic", unsafe.Offsetof(c.Magic)},
		{"core_idx", unsafe.Offsetof(c.CoreIdx)},
		{"flags", unsafe.Offsetof(c.Flags)},
		{"method", unsafe.Offsetof(c.Method)},
		{"npriorities", unsafe.Offsetof(c.NPriorities)},
		{"sig_rfd", unsafe.Offsetof(c.SigRfd)},
		{"sig_wfd", unsafe.Offsetof(c.SigWfd)},
		{"nsignals", unsafe.Offsetof(c.NSignals)},
		{"event_break", unsafe.Offsetof(c.EventBreak)},
		{"event_gotterm", unsafe.Offsetof(c.EventGotterm)},
		{"running", unsafe.Offsetof(c.Running)},
		{"pad0", unsafe.Offsetof(c.Pad0)},
		{"preload_head", unsafe.Offsetof(c.PreloadHead)},
		{"preload_tail", unsafe.Offsetof(c.PreloadTail)},
		{"npreload", unsafe.Offsetof(c.NPreload)},
		{"thread", unsafe.Offsetof(c.Thread)},
		{"end of the mirror (reserved_tail)", unsafe.Sizeof(c)},
	}
	for i, f := range fields {
		if got := ctest.BaseOffset(i); got != int(f.off) {
			t.Errorf("struct event_base.%s: Go offset %d, C %d", f.name, f.off, got)
		}
	}
	for i, f := range []struct {
		name string
		off  uintptr
	}{
		{"max_dispatch_callbacks", unsafe.Offsetof(c.MaxDispatchCallbacks)},
		{"limit_callbacks_after_prio", unsafe.Offsetof(c.LimitCallbacksAfterPrio)},
		{"max_dispatch_usec", unsafe.Offsetof(c.MaxDispatchUsec)},
		{"tv_cache", unsafe.Offsetof(c.TvCache)},
		{"reserved_tail", unsafe.Offsetof(c.ReservedTail)},
		{"timeheap", unsafe.Offsetof(c.Timeheap)},
		{"timeheap_n", unsafe.Offsetof(c.TimeheapN)},
		{"timeheap_cap", unsafe.Offsetof(c.TimeheapCap)},
		{"n_events", unsafe.Offsetof(c.NEvents)},
		{"max_events", unsafe.Offsetof(c.MaxEvents)},
		{"activeq", unsafe.Offsetof(c.Activeq)},
		{"activeq_n", unsafe.Offsetof(c.ActiveqN)},
		{"n_active", unsafe.Offsetof(c.NActive)},
		{"max_active", unsafe.Offsetof(c.MaxActive)},
		{"running_pri", unsafe.Offsetof(c.RunningPri)},
		{"cont", unsafe.Offsetof(c.Cont)},
		{"current", unsafe.Offsetof(c.Current)},
		{"run_dead", unsafe.Offsetof(c.RunDead)},
		{"fds", unsafe.Offsetof(c.Fds)},
		{"nfds", unsafe.Offsetof(c.Nfds)},
		{"epfd", unsafe.Offsetof(c.Epfd)},
		{"sizeof(struct gev_fdent)", uintptr(reactor.FdEntrySize)},
		{"gev_fdent.mask", uintptr(reactor.FdEntryMaskOffset)},
		{"ep_events", unsafe.Offsetof(c.EpEvents)},
		{"ep_out", unsafe.Offsetof(c.EpOut)},
		{"ep_max", unsafe.Offsetof(c.EpMax)},
		{"ep_nleft", unsafe.Offsetof(c.EpNleft)},
		{"resume", unsafe.Offsetof(c.Resume)},
		{"resume.count", unsafe.Offsetof(c.Resume) + reactor.ResumeCountOffset},
		{"resume.grow", unsafe.Offsetof(c.Resume) + reactor.ResumeGrowOffset},
	} {
		if got := ctest.BaseOffset(18 + i); got != int(f.off) {
			t.Errorf("struct event_base.%s: Go offset %d, C %d", f.name, f.off, got)
		}
	}
	if reactor.CBaseSize != int(unsafe.Sizeof(c)) {
		t.Errorf("CBaseSize %d, mirror %d", reactor.CBaseSize, unsafe.Sizeof(c))
	}
	if full := ctest.BaseOffset(17); full < reactor.CBaseSize {
		t.Errorf("sizeof(struct event_base) %d smaller than the mirror %d", full, reactor.CBaseSize)
	}
}

func TestLayoutConstants(t *testing.T) {
	consts := []struct {
		name string
		idx  int
		val  int
	}{
		{"GEV_CLOSURE_EVENT", 0, reactor.ClosureEvent},
		{"GEV_CLOSURE_EVENT_SIGNAL", 1, reactor.ClosureSignal},
		{"GEV_CLOSURE_EVENT_PERSIST", 2, reactor.ClosurePersist},
		{"GEV_CLOSURE_GO", 3, reactor.ClosureGo},
		{"GEV_BASE_MAGIC", 4, reactor.BaseMagic},
		{"GEV_BASE_DEAD", 5, reactor.BaseDead},
		{"GEV_METHOD_EPOLL", 6, reactor.MethodEpoll},
		{"GEV_METHOD_POLL", 7, reactor.MethodPoll},
		{"GEV_NSIG", 8, 65},
		{"EVLIST_TIMEOUT", 9, reactor.EVLIST_TIMEOUT},
		{"EVLIST_INSERTED", 10, reactor.EVLIST_INSERTED},
		{"EVLIST_ACTIVE", 11, reactor.EVLIST_ACTIVE},
		{"EVLIST_INTERNAL", 12, reactor.EVLIST_INTERNAL},
		{"EVLIST_INIT", 13, reactor.EVLIST_INIT},
		{"EVLIST_ALL", 14, reactor.EVLIST_ALL},
		{"sizeof(struct timeval)", 15, int(unsafe.Sizeof(reactor.Timeval{}))},
		{"GEV_BASE_FLAG_DEBUG", 16, reactor.GEV_BASE_FLAG_DEBUG},
	}
	for _, c := range consts {
		if got := ctest.Const(c.idx); got != c.val {
			t.Errorf("%s: C %d, Go %d", c.name, got, c.val)
		}
	}
}

// The reactor's clock must be the C layer's CLOCK_MONOTONIC (preload
// deadlines are computed in C).
func TestClockAgreesWithC(t *testing.T) {
	for i := 0; i < 1000; i++ {
		s1, u1 := ctest.Monotonic()
		g := reactor.NowMonotonic()
		s2, u2 := ctest.Monotonic()
		c1, c2, gu := s1*1e6+u1, s2*1e6+u2, g.Sec*1e6+g.Usec
		if gu < c1 || gu > c2 {
			t.Fatalf("Go clock %d not within C readings [%d, %d]", gu, c1, c2)
		}
	}
}
