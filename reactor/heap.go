package reactor

// timerHeap is a binary min-heap of events keyed by ev_timeout. Each event
// records its position in HeapIdx (offset 40 of struct event, libevent's
// min_heap_idx), so removal of an arbitrary event is O(log n).
type timerHeap struct {
	a []*Event
}

func (h *timerHeap) len() int { return len(h.a) }

// top returns the earliest event, or nil.
func (h *timerHeap) top() *Event {
	if len(h.a) == 0 {
		return nil
	}
	return h.a[0]
}

func (h *timerHeap) push(ev *Event) {
	h.a = append(h.a, ev)
	h.up(len(h.a)-1, ev)
}

// remove takes ev out of the heap; a no-op if it is not in it.
func (h *timerHeap) remove(ev *Event) {
	i := int(ev.HeapIdx)
	n := len(h.a) - 1
	if i < 0 || i > n || h.a[i] != ev {
		return
	}
	last := h.a[n]
	h.a[n] = nil
	h.a = h.a[:n]
	ev.HeapIdx = -1
	if i == n {
		return
	}
	// Put the last element in the hole and restore the order in the one
	// direction it can be violated.
	if i > 0 && last.Timeout.less(h.a[(i-1)/2].Timeout) {
		h.up(i, last)
	} else {
		h.down(i, last)
	}
}

// up places ev at hole i and moves it toward the root.
func (h *timerHeap) up(i int, ev *Event) {
	for i > 0 {
		p := (i - 1) / 2
		pe := h.a[p]
		if !ev.Timeout.less(pe.Timeout) {
			break
		}
		h.a[i] = pe
		pe.HeapIdx = int32(i)
		i = p
	}
	h.a[i] = ev
	ev.HeapIdx = int32(i)
}

// down places ev at hole i and moves it toward the leaves.
func (h *timerHeap) down(i int, ev *Event) {
	n := len(h.a)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		// As libevent's min_heap shift_down_: the right child unless it
		// is strictly later than the left (ties go right), so that events
		// with equal deadlines fire in libevent's order.
		if c+1 < n && !h.a[c].Timeout.less(h.a[c+1].Timeout) {
			c++
		}
		ce := h.a[c]
		if !ce.Timeout.less(ev.Timeout) {
			break
		}
		h.a[i] = ce
		ce.HeapIdx = int32(i)
		i = c
	}
	h.a[i] = ev
	ev.HeapIdx = int32(i)
}
