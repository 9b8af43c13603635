package reactor

import (
	"sync/atomic"
	"time"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/svc"
)

// The volatile fields of struct event_base are read and written atomically:
// another thread (event_base_loopbreak) or a callback may change them.
func loadInt32(p *int32) int32     { return atomic.LoadInt32(p) }
func storeInt32(p *int32, v int32) { atomic.StoreInt32(p, v) }

// Loop is event_base_loop. It returns 0 after loopexit/loopbreak or when an
// EVLOOP_ONCE/EVLOOP_NONBLOCK pass is complete, 1 when no events are pending
// or active (unless EVLOOP_NO_EXIT_ON_EMPTY), and -1 on a reentrant call or a
// backend failure.
//
// On an epoll base the loop runs in C (run.c's gev_loop_c, which the C
// layer enters directly) for as long as everything it meets is C work, and
// this side takes over where it stops (LoopResume).
func (b *Base) Loop(flags int) int {
	flags &^= loopCont
	if !b.dead && b.c.Epfd >= 0 {
		r := b.loopC(flags)
		for r == loopResumeRC {
			if r = b.LoopResume(flags); r == loopBackRC {
				r = b.loopC(flags | loopCont)
			}
		}
		return r
	}
	return b.loop(flags, resumeStart)
}

// LoopResume takes over an event_base_loop that run.c's loop began and
// handed over (it returned GEV_LOOP_RESUME): struct event_base's resume says
// where it stopped. A loop left here for a wait (resumeTop) is handed back
// (loopBackRC) before that wait, or when it has more to do here at the top of
// a later iteration: run.c's loop goes on with it when called with loopCont.
func (b *Base) LoopResume(flags int) int {
	if b.dead {
		svc.Warnf("event_base_loop: the event_base was freed")
		return -1
	}
	return b.loop(flags, int(b.c.Resume.Where))
}

// Where run.c's loop stopped (GEV_RESUME_* in gev_internal.h).
const (
	resumeStart    = 0 // nothing done
	resumeWaited   = 1 // after a wait: pairs left in EpOut; grow the buffer if Resume.Grow
	resumeTimeouts = 2 // after the time cache's update: due timers, then the pass
	resumeQueue    = 3 // in the pass: queue Resume.Pri's head needs this side
	resumeTop      = 4 // the top of an iteration that would block (SetWaitInGoAfter)
)

// loop runs event_base_loop from the point at (resumeStart: from the top).
func (b *Base) loop(flags int, at int) int {
	c := b.c
	if at == resumeStart {
		if b.dead {
			svc.Warnf("event_base_loop: the event_base was freed")
			return -1
		}
		if loadInt32(&c.Running) != 0 {
			svc.Warnf("event_base_loop: reentrant invocation; only one event_base_loop can run on an event_base at a time")
			return -1
		}
		storeInt32(&c.Running, 1)
		c.TvCache = Timeval{}
		storeInt32(&c.EventGotterm, 0)
		storeInt32(&c.EventBreak, 0)
	}
	// A loop left here for a wait goes back to run.c's at the top of the
	// next iteration (the base still running), unless it has more to do here.
	fromTop, handBack, back := at == resumeTop, false, false
	defer func() {
		if !back {
			b.loopDone()
		}
	}()
	for {
		if at == resumeTop { // an iteration from its top, the loop begun
			at = resumeStart
		}
		if at == resumeStart {
			c.Cont = 0
			if b.dead { // event_base_free from a callback: c may be gone
				return -1
			}
			if handBack && !b.stayInGo() && c.Epfd >= 0 && c.Activeq != nil && c.EpEvents != nil {
				back = true
				return loopBackRC
			}
			if loadInt32(&c.EventGotterm) != 0 || loadInt32(&c.EventBreak) != 0 {
				return 0
			}
			timeout := int64(0)
			if c.NActive == 0 && flags&EVLOOP_NONBLOCK == 0 {
				timeout = b.timeoutNext()
			}
			if flags&EVLOOP_NO_EXIT_ON_EMPTY == 0 && c.NEvents == 0 && c.NActive == 0 {
				return 1
			}
			if fromTop && !handBack && timeout != 0 && !b.idleArmed && b.st == nil {
				// run.c's loop left this wait here for idle.go's check
				// (SetWaitInGoAfter). Unless the check arms a trim, the
				// wait goes back to run.c at once, with no yield and no
				// more calls out of Go: sysmon, woken from its deep
				// sleep by this call into Go, polls every 20 us until
				// it takes the thread's P back, which it does at its
				// first look if the P's tick is stale, and which a
				// yield or a wait here would put off by up to 10 ms.
				// The check's time is the one run.c compared (the time
				// cache, else the clock), so that it moves the next
				// check's time past it: a loop's first wait has no
				// cache, and the previous loop's time (idleWait's) may
				// be older than that and would bring the wait back.
				now := c.TvCache
				if now.Sec == 0 {
					now = NowMonotonic()
				}
				if b.idleCheck(now); !b.stayInGo() && c.Epfd >= 0 && c.Activeq != nil && c.EpEvents != nil {
					back = true
					return loopBackRC
				}
			}
			if timeout != 0 { // may block
				b.yieldIfDue(yieldBeforeWaitNS)
			} else {
				b.yieldIfDue(yieldEveryNS)
			}
			var err error // idleWait clears c.TvCache
			if st := b.st; st != nil {
				st.Loops++
				t0 := time.Now()
				err = b.idleWait(timeout)
				st.BlockedNs += int64(time.Since(t0))
			} else {
				err = b.idleWait(timeout)
			}
			if err != nil {
				svc.Warnf("event_base_loop: %v", err)
				return -1
			}
			b.yieldIfDue(yieldEveryNS)
		}
		if at == resumeWaited {
			b.be.(*epollBackend).afterWait(c.Resume.Grow != 0)
		}
		if at <= resumeWaited {
			b.updateCache()
		}
		n, ran := 0, false
		if at == resumeQueue {
			r := &c.Resume
			n, ran = b.processActiveFrom(int(r.Pri), int(r.Count), Timeval{r.EndSec, r.EndUsec}, r.HasEnd != 0), true
		} else {
			b.timeoutProcess()
			if c.NActive > 0 {
				n, ran = b.processActive(), true
			} else if flags&EVLOOP_NONBLOCK != 0 {
				return 0
			}
		}
		if ran {
			if b.dead { // c may be gone
				return -1
			}
			if flags&EVLOOP_ONCE != 0 && c.NActive == 0 && n != 0 {
				return 0
			}
		}
		at = resumeStart
		handBack = fromTop
	}
}

func (b *Base) loopDone() {
	if !b.dead {
		b.c.RunningPri = -1
		b.c.Current = nil
		b.idleSeen = b.c.TvCache // idle.go: the next loop's first wait needs no clock read
		if b.idleArmed {
			// The next loop begins in run.c, which knows nothing of the
			// armed trim: its first blocking wait comes back here.
			SetWaitInGoAfter(1)
		}
		b.c.TvCache = Timeval{}
		storeInt32(&b.c.Running, 0)
	}
}

// timeoutNext returns how long the backend may block, in microseconds: -1
// without timers, 0 when the earliest is due. Like libevent it measures from
// the time cache of the previous iteration.
func (b *Base) timeoutNext() int64 {
	ev := b.heap.top()
	if ev == nil {
		return -1
	}
	now := b.gettime()
	if !now.less(ev.Timeout) {
		return 0
	}
	ds := ev.Timeout.Sec - now.Sec
	if ds > 1<<31 {
		ds = 1 << 31
	}
	return ds*1e6 + ev.Timeout.Usec - now.Usec
}

// timeoutProcess activates every timer that is due, deleting it first.
func (b *Base) timeoutProcess() {
	if b.heap.len() == 0 {
		return
	}
	now := b.gettime()
	for ev := b.heap.top(); ev != nil && !now.less(ev.Timeout); ev = b.heap.top() {
		b.del(ev)
		b.activate(ev, EV_TIMEOUT, 1)
	}
}

// processActive runs the active events of the most urgent non-empty
// priority. Queues that held only internal events do not count, and the next
// priority is tried. It returns the number of non-internal events run, or -1
// after a loopbreak.
//
// event_config_set_max_dispatch_interval: in priorities from
// limit_callbacks_after_prio on, a pass stops after max_dispatch_callbacks
// callbacks or max_dispatch_usec, so that the loop checks for new events.
func (b *Base) processActive() int {
	var end Timeval
	hasEnd := false
	if b.c.MaxDispatchUsec >= 0 {
		b.updateCache()
		end = b.gettime().addUsec(b.c.MaxDispatchUsec)
		hasEnd = true
	}
	return b.processActiveFrom(-1, 0, end, hasEnd)
}

// processActiveFrom is processActive; with from >= 0, it goes on with a
// pass that run.c's loop began: queue from, whose head needs this side,
// had count callbacks run.
func (b *Base) processActiveFrom(from, count int, end Timeval, hasEnd bool) int {
	c := 0
	maxcb := int(b.c.MaxDispatchCallbacks)
	limitAfter := int(b.c.LimitCallbacksAfterPrio)
	start := 0
	if from >= 0 {
		start = from
	}
	for pri := start; pri < int(b.c.ActiveqN); pri++ {
		cnt, inGo := 0, false
		if pri == from {
			cnt, inGo = count, true
		} else if b.queues()[pri].head == nil {
			continue
		}
		b.c.RunningPri = int32(pri)
		if pri < limitAfter {
			c = b.processQueue(pri, cnt, inGo, int(^uint(0)>>1), end, false)
		} else {
			c = b.processQueue(pri, cnt, inGo, maxcb, end, hasEnd)
		}
		if c != 0 {
			break
		}
	}
	if !b.dead {
		b.c.RunningPri = -1
	}
	return c
}

// processQueue runs queue pri from its head, count callbacks into the pass;
// with inGo, its head is run here even if runnableInC accepts it (run.c
// left it).
func (b *Base) processQueue(pri int, count int, inGo bool, max int, end Timeval, hasEnd bool) int {
	for {
		if pri >= int(b.c.ActiveqN) { // event_base_priority_init from a callback
			break
		}
		ev := b.queues()[pri].head
		if ev == nil {
			break
		}
		if !inGo && b.st == nil && b.runnableInC(ev) { // counted runs are this side's (stats.go)
			// A run of plain C callbacks: one crossing for all of them.
			st, n := b.runQueueC(pri, count, max, end, hasEnd)
			count = n
			switch st {
			case runGo:
				inGo = true
				continue
			case runAbort, runDead, runForked:
				return -1
			}
			return count // runDone, runLimit
		}
		inGo = false
		if ev.Events&EV_PERSIST != 0 || ev.Flags&EVLIST_FINALIZING != 0 {
			b.removeActive(ev)
		} else {
			b.del(ev)
		}
		if ev.Flags&EVLIST_INTERNAL == 0 {
			count++
		}
		b.c.Current = ev
		if st := b.st; st != nil {
			b.runCounted(ev, st)
		} else {
			b.run(ev)
		}
		// ev may be freed by now, and the base too.
		if b.dead {
			return -1
		}
		b.c.Current = nil
		if loadInt32(&b.c.EventBreak) != 0 {
			return -1
		}
		b.yieldIfDue(yieldEveryNS)
		if count >= max {
			return count
		}
		if count != 0 && hasEnd {
			b.updateCache()
			if !b.gettime().less(end) {
				return count
			}
		}
		if b.c.Cont != 0 {
			break
		}
	}
	return count
}

// run invokes ev's callback according to its closure.
func (b *Base) run(ev *Event) {
	switch ev.Closure {
	case ClosureFinalize, ClosureFinalizeFree:
		b.c.Current = nil
		b.runFinalizer(ev)
	case ClosureSignal:
		b.runSignal(ev, nil)
	case ClosurePersist:
		b.rearm(ev)
		if ev.Callback != nil {
			b.callC(ev)
		}
	case ClosureGo:
		h := handlerOf(ev.Arg)
		if h == nil {
			svc.Warnf("event_base_loop: event %p has no Go handler (id %d)", unsafe.Pointer(ev), ev.Arg)
			return
		}
		if ev.Events&EV_SIGNAL != 0 {
			b.runSignal(ev, h)
			return
		}
		if ev.Events&EV_PERSIST != 0 {
			b.rearm(ev)
		}
		h.HandleEvent(ev, ev.Res)
	default:
		if ev.Callback != nil {
			b.callC(ev)
		}
	}
}

// runSignal calls a signal event's callback ev_ncalls times, stopping early
// on loopbreak or when the event is deleted (by its own callback or by
// another).
func (b *Base) runSignal(ev *Event, h Handler) {
	n := ev.Ncalls
	prevCur, prevAbort := b.sigCur, b.sigAbort
	b.sigCur, b.sigAbort = ev, false
	for n > 0 {
		n--
		if ev.Flags&EVLIST_ACTIVE == 0 {
			ev.Ncalls = n // a new activation keeps its own count
		}
		if h != nil {
			h.HandleEvent(ev, ev.Res)
		} else if ev.Callback != nil {
			b.callC(ev)
		}
		if b.sigAbort || b.dead || loadInt32(&b.c.EventBreak) != 0 {
			break // ev may be freed: do not touch it
		}
	}
	b.sigCur, b.sigAbort = prevCur, prevAbort
}

// rearm re-adds a persistent event's timeout before its callback runs: the
// next deadline follows the old one when it fired by timeout (keeping the
// cadence), else now; never in the past.
func (b *Base) rearm(ev *Event) {
	rel := ev.RelTimeout
	if rel <= 0 {
		return
	}
	now := b.gettime()
	from := now
	if ev.Res&EV_TIMEOUT != 0 {
		from = ev.Timeout
	}
	at := from.addUsec(rel)
	if at.less(now) {
		at = now.addUsec(rel)
	}
	b.add(ev, &at, true)
}

// LoopExit is event_base_loopexit: a one-shot timer (an event like any
// other: it keeps the loop alive) that makes the loop stop after the
// iteration in which it fires. A nil or zero tv fires at the next iteration.
func (b *Base) LoopExit(tv *Timeval) int {
	if b.dead {
		svc.Warnf("event_base_loopexit: the event_base was freed")
		return -1
	}
	p := cmem.Alloc(EventSize)
	if p == nil {
		svc.Warnf("event_base_loopexit: out of memory")
		return -1
	}
	ev := EventAt(p)
	b.AssignGo(ev, -1, EV_TIMEOUT, b.onceID)
	b.onces = append(b.onces, ev)
	if tv == nil || (tv.Sec == 0 && tv.Usec == 0) {
		b.activate(ev, EV_TIMEOUT, 1)
		return 0
	}
	t := *tv
	if b.add(ev, &t, false) != 0 {
		b.onces = b.onces[:len(b.onces)-1]
		cmem.Free(p, EventSize)
		return -1
	}
	return 0
}
