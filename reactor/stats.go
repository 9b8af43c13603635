package reactor

import (
	"os"
	"sync"
	"time"
)

// Stats counts what a base's loop did. Kept only when the process started
// with GOEVENT_STATS set (`goevent run --stats`): a base then has a Stats of
// its own, which only its loop thread writes (plain increments, no atomics),
// and the hot paths test one pointer for nil when it is off. The C layer
// prints the sum over every base at exit (capi/stats.c).
type Stats struct {
	Bases     uint64 // bases that had a Go side
	Loops     uint64 // loop iterations (backend waits)
	Callbacks uint64 // events run, the core's internal ones not counted
	// Events run, by what fired (ev_res): one event may count under two.
	Read, Write, Timeout, Signal, Other uint64

	Finalizers uint64 // event_finalize callbacks run
	BevRead    uint64 // bytes socket bufferevents read
	BevWritten uint64 // bytes socket bufferevents wrote
	MaxCbNs    int64  // longest event run, nanoseconds
	BlockedNs  int64  // time in the backend's wait
}

// StatsOn: GOEVENT_STATS was set when the core started.
var StatsOn = os.Getenv("GOEVENT_STATS") != ""

var (
	statsMu   sync.Mutex
	statsDone Stats              // folded in from freed bases
	statsLive = map[*Base]bool{} // bases with counters, not yet freed
)

// Stats returns b's counters, nil when statistics are off.
func (b *Base) Stats() *Stats { return b.st }

func (b *Base) statsStart() {
	b.st = &Stats{Bases: 1}
	statsMu.Lock()
	statsLive[b] = true
	statsMu.Unlock()
}

func (b *Base) statsEnd() {
	statsMu.Lock()
	statsDone.add(b.st)
	delete(statsLive, b)
	statsMu.Unlock()
}

func (s *Stats) add(o *Stats) {
	s.Bases += o.Bases
	s.Loops += o.Loops
	s.Callbacks += o.Callbacks
	s.Read += o.Read
	s.Write += o.Write
	s.Timeout += o.Timeout
	s.Signal += o.Signal
	s.Other += o.Other
	s.Finalizers += o.Finalizers
	s.BevRead += o.BevRead
	s.BevWritten += o.BevWritten
	if o.MaxCbNs > s.MaxCbNs {
		s.MaxCbNs = o.MaxCbNs
	}
	s.BlockedNs += o.BlockedNs
}

// StatsTotal sums the counters of every base, freed or alive. The live
// bases' counters are read while their loops may run (at exit, from the
// exiting thread): a count may be one behind.
func StatsTotal() Stats {
	statsMu.Lock()
	defer statsMu.Unlock()
	t := statsDone
	for b := range statsLive {
		t.add(b.st)
	}
	return t
}

// runCounted is run with the counters kept: what fired, and how long.
func (b *Base) runCounted(ev *Event, st *Stats) {
	res, flags, closure := ev.Res, ev.Flags, ev.Closure // ev may be freed by its callback
	t0 := time.Now()
	b.run(ev)
	d := int64(time.Since(t0))
	if d > st.MaxCbNs {
		st.MaxCbNs = d
	}
	if flags&EVLIST_INTERNAL != 0 {
		return
	}
	if closure == ClosureFinalize || closure == ClosureFinalizeFree {
		st.Finalizers++
		return
	}
	st.Callbacks++
	if res&EV_READ != 0 {
		st.Read++
	}
	if res&EV_WRITE != 0 {
		st.Write++
	}
	if res&EV_TIMEOUT != 0 {
		st.Timeout++
	}
	if res&EV_SIGNAL != 0 {
		st.Signal++
	}
	if res&(EV_READ|EV_WRITE|EV_TIMEOUT|EV_SIGNAL) == 0 {
		st.Other++
	}
}
