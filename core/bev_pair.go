package core

import (
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
)

// Bufferevent pairs (libevent 2.1.12's bufferevent_pair.c), a backend of the
// generic bufferevent. Checked against the real library (tests/c/cases/pair_*):
//   - both ends always defer their callbacks (BEV_OPT_DEFER_CALLBACKS is
//     added); a new end has EV_WRITE enabled, like every bufferevent;
//   - data added to one end's output moves at once into the partner's input
//     when this end may write (EV_WRITE enabled), the partner reads
//     (EV_READ enabled) and its reading is not suspended; otherwise it waits
//     until enabling either side makes that true;
//   - with a read high watermark on the partner, only what fits below it
//     moves; draining the partner's input below it resumes the flow;
//   - after a move the partner's readcb runs when its input is at least its
//     read low watermark, and this end's writecb when its output is at most
//     its write low watermark (even when nothing moved: a flush);
//   - the output's front and the input's end are frozen (evbuffer_drain on
//     the output, evbuffer_add on the input fail), as libevent does;
//   - bufferevent_flush(BEV_FLUSH/BEV_FINISHED) moves data regardless of the
//     partner's flags (past its high watermark when already reached);
//     BEV_FINISHED then reports EOF to the partner, with READING for
//     EV_WRITE and WRITING for EV_READ; BEV_NORMAL does nothing; without a
//     partner flush fails;
//   - freeing one end unlinks both (when its last reference goes): the
//     partner gets no event and bufferevent_pair_get_partner returns NULL.
//
// Pairs have no descriptor (getfd -1) and do not consult rate limits.
type bevPair struct {
	bv      *Bufferevent
	partner *bevPair
}

func pairOf(bv *Bufferevent) *bevPair {
	p, _ := bv.be.(*bevPair)
	return p
}

func newPairElt(base *reactor.Base, options int) *Bufferevent {
	bv := newBufferEventNamed(base, nil, options, "bufferevent_pair_new")
	if bv == nil {
		return nil
	}
	bv.be = &bevPair{bv: bv}
	bv.c.beOps = bevOpsPair
	bv.initGenericTimeouts()
	return bv
}

// NewBuffereventPair is bufferevent_pair_new.
func NewBuffereventPair(base *reactor.Base, options int) (*Bufferevent, *Bufferevent) {
	options |= BevOptDeferCallbacks
	a := newPairElt(base, options)
	if a == nil {
		return nil, nil
	}
	b := newPairElt(base, options&^BevOptThreadsafe)
	if b == nil {
		a.Free()
		return nil, nil
	}
	pa, pb := pairOf(a), pairOf(b)
	pa.partner, pb.partner = pb, pa
	for _, bv := range [2]*Bufferevent{a, b} {
		bv.in.freezeEnd = true
		bv.out.freezeStart = true
	}
	return a, b
}

// moveBytes moves up to n bytes from the front of src to the end of dst
// (evbuffer_remove_buffer; the callers unfreeze the ends involved).
func moveBytes(dst, src *Buffer, n int) {
	if n > 0 {
		src.RemoveBuffer(dst, n)
	}
}

// Generic timeouts (BEV_RESET/DEL_GENERIC_*_TIMEOUT of bufferevent-internal.h).
func (bv *Bufferevent) resetReadTimeout() {
	if tv := timeoutOf(&bv.c.timeoutRead); tv != nil {
		bv.base.Add(&bv.c.evRead, tv)
	}
}

func (bv *Bufferevent) resetWriteTimeout() {
	if tv := timeoutOf(&bv.c.timeoutWrite); tv != nil {
		bv.base.Add(&bv.c.evWrite, tv)
	}
}

func (bv *Bufferevent) delReadTimeout()  { bv.base.Del(&bv.c.evRead) }
func (bv *Bufferevent) delWriteTimeout() { bv.base.Del(&bv.c.evWrite) }

// transfer is be_pair_transfer.
func pairTransfer(src, dst *Bufferevent, ignoreWM bool) {
	src.out.freezeStart = false
	dst.in.freezeEnd = false
	defer func() {
		src.out.freezeStart = true
		dst.in.freezeEnd = true
	}()
	n := 0
	if high := int(dst.c.wmRead.high); high != 0 {
		if dsz := dst.in.Len(); dsz < high {
			n = high - dsz
			moveBytes(&dst.in, &src.out, n)
		} else {
			if !ignoreWM {
				return
			}
			n = src.out.Len()
			dst.in.AddBuffer(&src.out)
		}
	} else {
		n = src.out.Len()
		dst.in.AddBuffer(&src.out)
	}
	if n != 0 && !dst.dead {
		dst.resetReadTimeout()
		if dst.out.Len() > 0 {
			dst.resetWriteTimeout()
		} else {
			dst.delWriteTimeout()
		}
	}
	if dst.in.Len() >= int(dst.c.wmRead.low) {
		runInPass(dst, dst.runReadcb)
	}
	if src.out.Len() <= int(src.c.wmWrite.low) {
		runInPass(src, src.runWritecb)
	}
}

// wantsToTalk is be_pair_wants_to_talk.
func pairWantsToTalk(src, dst *Bufferevent) bool {
	return src.c.enabled&reactor.EV_WRITE != 0 && dst.c.enabled&reactor.EV_READ != 0 &&
		dst.readSuspended == 0 && src.out.Len() > 0
}

// hold/unhold are incref_and_lock/decref_and_unlock: a reference on both ends.
func (p *bevPair) hold() *bevPair {
	p.bv.incref()
	q := p.partner
	if q != nil {
		q.bv.incref()
	}
	return q
}

func (p *bevPair) unhold(q *bevPair) {
	if q != nil {
		q.bv.decref()
	}
	p.bv.decref()
}

// bufChanged is be_pair_outbuf_cb.
func (p *bevPair) bufChanged(bv *Bufferevent, b *Buffer, added, drained int) {
	if b != &bv.out || added <= drained || p.partner == nil {
		return
	}
	q := p.hold()
	if q != nil && !q.bv.dead && pairWantsToTalk(bv, q.bv) {
		pairTransfer(bv, q.bv, false)
	}
	p.unhold(q)
}

func (p *bevPair) enable(bv *Bufferevent, what int16) int {
	q := p.hold()
	if what&reactor.EV_READ != 0 {
		bv.resetReadTimeout()
	}
	if what&reactor.EV_WRITE != 0 && bv.out.Len() > 0 {
		bv.resetWriteTimeout()
	}
	if what&reactor.EV_READ != 0 && q != nil && !q.bv.dead && pairWantsToTalk(q.bv, bv) {
		pairTransfer(q.bv, bv, false)
	}
	if what&reactor.EV_WRITE != 0 && q != nil && !q.bv.dead && pairWantsToTalk(bv, q.bv) {
		pairTransfer(bv, q.bv, false)
	}
	p.unhold(q)
	return 0
}

func (p *bevPair) disable(bv *Bufferevent, what int16) int {
	if what&reactor.EV_READ != 0 {
		bv.delReadTimeout()
	}
	if what&reactor.EV_WRITE != 0 {
		bv.delWriteTimeout()
	}
	return 0
}

// unlink is be_pair_unlink (the last reference went).
func (p *bevPair) unlink(bv *Bufferevent) {
	if p.partner != nil {
		p.partner.partner = nil
		p.partner = nil
	}
}

// flush is be_pair_flush.
func (p *bevPair) flush(bv *Bufferevent, iotype int16, mode int) int {
	if p.partner == nil {
		return -1
	}
	if mode == BevNormal {
		return 0
	}
	q := p.hold()
	partner := q.bv
	if iotype&reactor.EV_READ != 0 {
		pairTransfer(partner, bv, true)
	}
	if iotype&reactor.EV_WRITE != 0 {
		pairTransfer(bv, partner, true)
	}
	if mode == BevFinished {
		what := int16(BevEventEOF)
		if iotype&reactor.EV_READ != 0 {
			what |= BevEventWriting
		}
		if iotype&reactor.EV_WRITE != 0 {
			what |= BevEventReading
		}
		partner.runEventcb(what, 0, 0)
	}
	p.unhold(q)
	return 0
}

func (p *bevPair) free(*Bufferevent)           {}
func (p *bevPair) fd() int                     { return -1 }
func (p *bevPair) setfd(*Bufferevent, int) int { return -1 }
func (p *bevPair) underlying() *Bufferevent    { return nil }

// ---- entry points ----

// BevPairNew is bufferevent_pair_new: fills pair[0], pair[1]. 0 or -1.
func BevPairNew(cbase unsafe.Pointer, options int, pair *[2]unsafe.Pointer) int {
	b := baseFromC(cbase, "bufferevent_pair_new")
	if b == nil {
		return -1
	}
	if pair == nil {
		svc.Warnf("bufferevent_pair_new: NULL pair array")
		return -1
	}
	x, y := NewBuffereventPair(b, options)
	if x == nil {
		return -1
	}
	pair[0], pair[1] = x.Handle(), y.Handle()
	return 0
}

// BevPairGetPartner is bufferevent_pair_get_partner: NULL when bev is not
// a pair end or its partner is gone.
func BevPairGetPartner(p unsafe.Pointer) unsafe.Pointer {
	bv := bevFromC(p, "bufferevent_pair_get_partner")
	if bv == nil {
		return nil
	}
	pp := pairOf(bv)
	if pp == nil || pp.partner == nil || pp.partner.bv.c == nil {
		return nil
	}
	return pp.partner.bv.Handle()
}
