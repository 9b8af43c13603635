package reactor

import (
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/svc"
)

// Common timeouts (event_base_init_common_timeout). A program that adds
// thousands of events with the same duration gets a magic timeval for it;
// events added with that value go, in order of their deadlines (which is the
// order they were added in), on one FIFO queue instead of the heap, and only
// the queue's head is in the heap, through an internal timer event that
// activates the due events when it fires (libevent's common_timeout_list).
//
// The magic value is libevent's: tv_usec carries 0x50000000 in its top bits
// and the queue index in bits 20-27, beside the duration's microseconds.
const (
	commonMask      = 0xf0000000
	commonMagic     = 0x50000000
	commonIdxMask   = 0x0ff00000
	commonIdxShift  = 20
	commonUsecMask  = 0x000fffff
	maxCommonQueues = 256
)

// commonTimeout is one queue. The queue is a slice with holes: a removed
// event leaves nil behind, head skips leading holes, and the slice is
// compacted when the holes make up most of it. Each queued event keeps its
// slice position in HeapIdx (unused while it is not in the heap).
type commonTimeout struct {
	b     *Base
	idx   int
	dur   Timeval  // duration, plain microseconds
	ctv   *Timeval // the magic value handed to the program (C memory)
	q     []*Event
	head  int
	n     int    // live events in q
	timer *Event // internal event in the heap at the head's deadline (C memory)
	id    uintptr
}

type commonHandler struct{ ct *commonTimeout }

func (h commonHandler) HandleEvent(ev *Event, res int16) { h.ct.fire() }

// commonOf returns the queue named by a magic timeval, or nil.
func (b *Base) commonOf(tv *Timeval) *commonTimeout {
	if tv.Usec&commonMask != commonMagic {
		return nil
	}
	i := int((tv.Usec & commonIdxMask) >> commonIdxShift)
	if i >= len(b.commons) {
		return nil
	}
	return b.commons[i]
}

// InitCommonTimeout is event_base_init_common_timeout: the magic timeval
// (C memory, valid until the base is freed) for duration, shared by every
// call with the same duration; nil with a logged warning on failure.
func (b *Base) InitCommonTimeout(duration *Timeval) *Timeval {
	if duration == nil {
		svc.Warnf("event_base_init_common_timeout: duration is NULL")
		return nil
	}
	if b.dead {
		svc.Warnf("event_base_init_common_timeout: the event_base was freed")
		return nil
	}
	d := *duration
	if d.Usec > 1000000 {
		if b.commonOf(&d) != nil {
			d.Usec &= commonUsecMask
		}
		d.Sec += d.Usec / 1000000
		d.Usec %= 1000000
	}
	for _, ct := range b.commons {
		if ct.dur == d {
			return ct.ctv
		}
	}
	if len(b.commons) == maxCommonQueues {
		svc.Warnf("event_base_init_common_timeout: Too many common timeouts already in use; we only support %d per event_base", maxCommonQueues)
		return nil
	}
	if d.Sec < 0 || d.Usec < 0 {
		svc.Warnf("event_base_init_common_timeout: invalid duration {%d, %d}", d.Sec, d.Usec)
		return nil
	}
	ct := &commonTimeout{b: b, idx: len(b.commons), dur: d}
	p := cmem.Alloc(int(unsafe.Sizeof(Timeval{})))
	tp := cmem.Alloc(EventSize)
	if p == nil || tp == nil {
		if p != nil {
			cmem.Free(p, int(unsafe.Sizeof(Timeval{})))
		}
		if tp != nil {
			cmem.Free(tp, EventSize)
		}
		svc.Warnf("event_base_init_common_timeout: out of memory")
		return nil
	}
	ct.ctv = (*Timeval)(p)
	*ct.ctv = Timeval{d.Sec, d.Usec | commonMagic | int64(ct.idx)<<commonIdxShift}
	ct.id = RegisterHandler(commonHandler{ct})
	ct.timer = EventAt(tp)
	b.AssignGo(ct.timer, -1, 0, ct.id)
	ct.timer.Flags |= EVLIST_INTERNAL
	ct.timer.Pri = 0
	b.commons = append(b.commons, ct)
	return ct.ctv
}

// first returns the queue's earliest event, or nil.
func (ct *commonTimeout) first() *Event {
	if ct.head < len(ct.q) {
		return ct.q[ct.head]
	}
	return nil
}

// insert queues ev by its deadline, searching from the tail as libevent does
// (deadlines normally grow, so this appends), and schedules the queue's
// timer when ev became the head.
func (ct *commonTimeout) insert(ev *Event) {
	i := len(ct.q)
	for i > ct.head && (ct.q[i-1] == nil || ev.Timeout.less(ct.q[i-1].Timeout)) {
		i--
	}
	// Skip back over holes just before i, so that no hole ends up at the
	// head in front of ev.
	for i > ct.head && ct.q[i-1] == nil {
		i--
	}
	if i > 0 && i == ct.head && ct.head > 0 {
		// Room before the head: take it.
		ct.head--
		i = ct.head
		ct.q[i] = ev
		ev.HeapIdx = int32(i)
	} else {
		ct.q = append(ct.q, nil)
		copy(ct.q[i+1:], ct.q[i:])
		ct.q[i] = ev
		for j := i; j < len(ct.q); j++ {
			if e := ct.q[j]; e != nil {
				e.HeapIdx = int32(j)
			}
		}
	}
	ct.n++
	if ct.q[ct.head] == ev {
		ct.schedule(ev)
	}
}

// remove takes ev out of the queue (the timer stays as it is: when it fires
// early it reschedules itself for the new head, as in libevent).
func (ct *commonTimeout) remove(ev *Event) {
	i := int(ev.HeapIdx)
	if i < ct.head || i >= len(ct.q) || ct.q[i] != ev {
		return
	}
	ct.q[i] = nil
	ev.HeapIdx = -1
	ct.n--
	if ct.n == 0 {
		for j := ct.head; j < len(ct.q); j++ {
			ct.q[j] = nil
		}
		ct.q = ct.q[:0]
		ct.head = 0
		return
	}
	for ct.head < len(ct.q) && ct.q[ct.head] == nil {
		ct.head++
	}
	// Compact when holes dominate.
	if len(ct.q) >= 64 && ct.n*2 < len(ct.q) {
		k := 0
		for j := ct.head; j < len(ct.q); j++ {
			if e := ct.q[j]; e != nil {
				ct.q[k] = e
				e.HeapIdx = int32(k)
				k++
			}
		}
		for j := k; j < len(ct.q); j++ {
			ct.q[j] = nil
		}
		ct.q = ct.q[:k]
		ct.head = 0
	}
}

// schedule puts the queue's timer in the heap at head's deadline.
func (ct *commonTimeout) schedule(head *Event) {
	at := head.Timeout
	ct.b.add(ct.timer, &at, true)
}

// fire is the timer's callback: every due event of the queue becomes active
// with EV_TIMEOUT, and the timer follows the new head.
func (ct *commonTimeout) fire() {
	b := ct.b
	now := b.gettime()
	var ev *Event
	for {
		ev = ct.first()
		if ev == nil || now.less(ev.Timeout) {
			break
		}
		b.del(ev)
		b.activate(ev, EV_TIMEOUT, 1)
	}
	if ev != nil {
		ct.schedule(ev)
	}
}

// freeCommons releases the queues (their events were deleted before).
func (b *Base) freeCommons() {
	for _, ct := range b.commons {
		if ct.timer.Flags&(EVLIST_TIMEOUT|EVLIST_ACTIVE) != 0 {
			b.del(ct.timer)
		}
		UnregisterHandler(ct.id)
		cmem.Free(unsafe.Pointer(ct.timer), EventSize)
		cmem.Free(unsafe.Pointer(ct.ctv), int(unsafe.Sizeof(Timeval{})))
	}
	b.commons = nil
}
