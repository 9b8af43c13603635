package reactor_test

import (
	"math/rand"
	"sort"
	"testing"

	"goevent/reactor"
)

// The timer heap against a sorted-slice model: 10k random pushes, removals
// of arbitrary members and pops of the minimum.
func TestHeapRandomAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const nev = 512
	evs := make([]*reactor.Event, nev)
	for i := range evs {
		evs[i] = newEvent(t)
		evs[i].HeapIdx = -1
	}
	h := reactor.NewTimerHeap(newCBase(t, reactor.MethodEpoll, 1))
	defer h.Release()
	in := map[*reactor.Event]bool{}
	var model []*reactor.Event // sorted by (Timeout, address) is not needed: compare deadlines only
	less := func(a, b *reactor.Event) bool {
		return a.Timeout.Sec < b.Timeout.Sec || (a.Timeout.Sec == b.Timeout.Sec && a.Timeout.Usec < b.Timeout.Usec)
	}
	resort := func() { sort.Slice(model, func(i, j int) bool { return less(model[i], model[j]) }) }
	drop := func(ev *reactor.Event) {
		for i, x := range model {
			if x == ev {
				model = append(model[:i], model[i+1:]...)
				return
			}
		}
		t.Fatal("model lost an event")
	}
	for op := 0; op < 10000; op++ {
		switch r := rng.Intn(10); {
		case r < 5: // push a free event
			ev := evs[rng.Intn(nev)]
			if in[ev] {
				continue
			}
			ev.Timeout = reactor.Timeval{Sec: int64(rng.Intn(50)), Usec: int64(rng.Intn(1e6))}
			h.Push(ev)
			in[ev] = true
			model = append(model, ev)
			resort()
		case r < 8: // remove an arbitrary member
			if len(model) == 0 {
				continue
			}
			ev := model[rng.Intn(len(model))]
			h.Remove(ev)
			if ev.HeapIdx != -1 {
				t.Fatalf("removed event keeps HeapIdx %d", ev.HeapIdx)
			}
			delete(in, ev)
			drop(ev)
		default: // pop the minimum
			top := h.Top()
			if len(model) == 0 {
				if top != nil {
					t.Fatal("empty model, non-empty heap")
				}
				continue
			}
			if top.Timeout != model[0].Timeout {
				t.Fatalf("op %d: heap top %v, model min %v", op, top.Timeout, model[0].Timeout)
			}
			h.Remove(top)
			delete(in, top)
			drop(top)
		}
		if h.Len() != len(model) {
			t.Fatalf("op %d: heap has %d, model %d", op, h.Len(), len(model))
		}
		if err := h.Check(); err != nil {
			t.Fatalf("op %d: %v", op, err)
		}
	}
	// Removing an event that is not in the heap is a no-op.
	for _, ev := range evs {
		if !in[ev] {
			h.Remove(ev)
		}
	}
	if err := h.Check(); err != nil || h.Len() != len(model) {
		t.Fatalf("no-op removals changed the heap: %v", err)
	}
}
