package reactor

import (
	"unsafe"

	"goevent/internal/cmem"
)

// timerHeap is a binary min-heap of events keyed by ev_timeout. Each event
// records its position in HeapIdx (offset 40 of struct event, libevent's
// min_heap_idx), so removal of an arbitrary event is O(log n).
//
// The array lives in C-visible memory and is described by struct
// event_base's timeheap fields, because the C layer pushes and removes too:
// event_add and event_del of a plain timer are answered there without a
// crossing (capi/timeheap.h, capi/event.c). Both sides run the same
// algorithm (libevent's min_heap; TestHeapLayoutMatchesLibevent drives both)
// so that the array is the same whichever side made a change. Only this side
// allocates: the C layer hands an add over to the core when the array is full.
type timerHeap struct {
	c *CBase // the base whose Timeheap* fields hold the heap
}

// minHeapCap is the first allocation: 64 timers.
const minHeapCap = 64

// heapSlot is the size of one slot of the array (a struct event pointer).
const heapSlot = int(unsafe.Sizeof((*Event)(nil)))

func (h *timerHeap) len() int { return int(h.c.TimeheapN) }

// slots views the whole allocated array.
func (h *timerHeap) slots() []*Event {
	if h.c.Timeheap == nil {
		return nil
	}
	return unsafe.Slice(h.c.Timeheap, h.c.TimeheapCap)
}

// at returns the event in slot i (0 <= i < len()).
func (h *timerHeap) at(i int) *Event { return h.slots()[i] }

// top returns the earliest event, or nil.
func (h *timerHeap) top() *Event {
	if h.c.TimeheapN == 0 {
		return nil
	}
	return *h.c.Timeheap
}

func (h *timerHeap) push(ev *Event) {
	if h.c.TimeheapN == h.c.TimeheapCap {
		h.grow()
	}
	n := int(h.c.TimeheapN)
	h.c.TimeheapN++
	h.up(h.slots(), n, ev)
}

// grow doubles the array (C-visible memory from cmem).
func (h *timerHeap) grow() {
	ncap := 2 * int(h.c.TimeheapCap)
	if ncap < minHeapCap {
		ncap = minHeapCap
	}
	p := cmem.Grow(unsafe.Pointer(h.c.Timeheap), int(h.c.TimeheapCap)*heapSlot, ncap*heapSlot)
	if p == nil {
		panic("timer heap: out of memory")
	}
	h.c.Timeheap = (**Event)(p)
	h.c.TimeheapCap = int32(ncap)
}

// release frees the array (the heap must be empty or abandoned).
func (h *timerHeap) release() {
	if h.c.Timeheap != nil {
		cmem.Free(unsafe.Pointer(h.c.Timeheap), int(h.c.TimeheapCap)*heapSlot)
	}
	h.c.Timeheap, h.c.TimeheapCap = nil, 0
}

// remove takes ev out of the heap; a no-op if it is not in it.
func (h *timerHeap) remove(ev *Event) {
	a := h.slots()
	i := int(ev.HeapIdx)
	n := int(h.c.TimeheapN) - 1
	if i < 0 || i > n || a[i] != ev {
		return
	}
	last := a[n]
	a[n] = nil
	h.c.TimeheapN = int32(n)
	ev.HeapIdx = -1
	if i == n {
		return
	}
	// Put the last element in the hole and restore the order in the one
	// direction it can be violated.
	if i > 0 && last.Timeout.less(a[(i-1)/2].Timeout) {
		h.up(a, i, last)
	} else {
		h.down(a[:n], i, last)
	}
}

// up places ev at hole i of a and moves it toward the root.
func (h *timerHeap) up(a []*Event, i int, ev *Event) {
	for i > 0 {
		p := (i - 1) / 2
		pe := a[p]
		if !ev.Timeout.less(pe.Timeout) {
			break
		}
		a[i] = pe
		pe.HeapIdx = int32(i)
		i = p
	}
	a[i] = ev
	ev.HeapIdx = int32(i)
}

// down places ev at hole i of a (the heap's events, len(a) of them) and
// moves it toward the leaves.
func (h *timerHeap) down(a []*Event, i int, ev *Event) {
	n := len(a)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		// As libevent's min_heap shift_down_: the right child unless it
		// is strictly later than the left (ties go right), so that events
		// with equal deadlines fire in libevent's order.
		if c+1 < n && !a[c].Timeout.less(a[c+1].Timeout) {
			c++
		}
		ce := a[c]
		if !ce.Timeout.less(ev.Timeout) {
			break
		}
		a[i] = ce
		ce.HeapIdx = int32(i)
		i = c
	}
	a[i] = ev
	ev.HeapIdx = int32(i)
}
