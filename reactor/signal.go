package reactor

import (
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/svc"

	"golang.org/x/sys/unix"
)

// Signals. The C layer installs a sigaction handler for every signal that
// has events (before forwarding the event_add to the reactor); the handler
// writes one byte, the signal number, to the receiving base's pipe
// (cbase.sig_wfd; capi/signal.c decides which base receives). The reactor
// keeps, per base, the list of events of each signal and one internal
// persistent read watcher on cbase.sig_rfd: when the pipe is readable it
// drains it and activates the events of every signal named in the pipe.

// sigHandler is the Go handler of a base's signal-pipe watcher.
type sigHandler struct{ b *Base }

func (h sigHandler) HandleEvent(ev *Event, res int16) { h.b.drainSignals(int(ev.Fd)) }

// watchSignals makes sure the internal watcher reads the current signal
// pipe (c.SigRfd). It returns 0 or -1.
func (b *Base) watchSignals() int {
	rfd := b.c.SigRfd
	if rfd < 0 {
		return 0
	}
	w := b.sigWatch
	if w != nil {
		if w.Fd == rfd && w.Flags&EVLIST_INSERTED != 0 {
			return 0
		}
		b.del(w)
	} else {
		p := cmem.Alloc(EventSize)
		if p == nil {
			svc.Warnf("event_base: out of memory for the signal watcher")
			return -1
		}
		w = EventAt(p)
		b.sigWatch = w
	}
	b.AssignGo(w, int(rfd), EV_READ|EV_PERSIST, b.sigID)
	w.Flags |= EVLIST_INTERNAL
	w.Pri = 0
	// The handler drains the pipe until it is empty; never block there.
	_ = unix.SetNonblock(int(rfd), true)
	if b.add(w, nil, false) != 0 {
		svc.Warnf("event_base: cannot watch the signal pipe (fd %d)", rfd)
		return -1
	}
	return 0
}

// drainSignals empties the signal pipe and activates the events of every
// signal named in it, as many times as it is named: the C handler writes the
// signal number as the byte. Counting the bytes of this base's own pipe (as
// libevent does) keeps signals apart when the receiving base changes while
// another base's pipe still holds some (test: signal_bases). Like libevent,
// the signals named in the pipe are consumed even when the base has no event
// for them any more, so a later event_add does not inherit stale counts. A
// byte that is not a signal number is ignored.
func (b *Base) drainSignals(fd int) {
	var counts [nsig]int
	for {
		n, err := unix.Read(fd, b.drain[:])
		if err == unix.EINTR {
			continue
		}
		for _, c := range b.drain[:max(n, 0)] {
			if c > 0 && int(c) < nsig {
				counts[c]++
			}
		}
		if err != nil || n < len(b.drain) {
			break
		}
	}
	for sig := 1; sig < nsig; sig++ {
		n := counts[sig]
		if n == 0 || b.sigs[sig] == nil {
			continue
		}
		if n > 0x7fff {
			n = 0x7fff
		}
		for ev := b.sigs[sig]; ev != nil; ev = ev.IoNext {
			b.activate(ev, EV_SIGNAL, int16(n))
		}
	}
}

// onceHandler runs the loopexit one-shots: set event_gotterm, free the event.
type onceHandler struct{ b *Base }

func (h onceHandler) HandleEvent(ev *Event, res int16) {
	b := h.b
	storeInt32(&b.c.EventGotterm, 1)
	for i, x := range b.onces {
		if x == ev {
			last := len(b.onces) - 1
			b.onces[i] = b.onces[last]
			b.onces[last] = nil
			b.onces = b.onces[:last]
			break
		}
	}
	cmem.Free(unsafe.Pointer(ev), EventSize)
}
