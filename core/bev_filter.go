package core

import (
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
)

// Filtering bufferevents (libevent 2.1.12's bufferevent_filter.c), a backend
// of the generic bufferevent over any other bufferevent (the underlying one).
// Checked against the real library (tests/c/cases/filter_*):
//   - the filter takes over the underlying bufferevent's callbacks (C
//     trampolines of capi/bufferevent_filter.c that come back here), holds a
//     reference on it, enables it for EV_READ|EV_WRITE and suspends its
//     reading (BEV_SUSPEND_FILT_READ) until the filter itself reads;
//   - data added to the filter's output goes through the output filter at
//     once (BEV_NORMAL) while EV_WRITE is enabled and the underlying output
//     is below its write high watermark; the limit the filter gets is the
//     room below that watermark, or -1; writecb when the filter's output
//     drops to its write low watermark;
//   - whenever the underlying one has read, the input filter runs (BEV_NORMAL,
//     limit: room below the filter's read high watermark, or -1) for as long
//     as it answers BEV_OK, data remains and there is room; readcb if it
//     answered BEV_OK at least once and the input reached the low watermark;
//     BEV_NEED_MORE and BEV_ERROR just stop the round (libevent ignores the
//     result);
//   - enabling EV_WRITE does not push held output (libevent does not either);
//   - bufferevent_flush runs the filters in the given mode even with nothing
//     to do, then flushes the underlying bufferevent; it answers 1 when a
//     filter returned BEV_OK, else 0;
//   - the underlying one's events go to the filter's event callback;
//   - getfd/setfd are the underlying one's; get_underlying returns it;
//   - when the last reference goes: with BEV_OPT_CLOSE_ON_FREE the
//     underlying one is freed, else its callbacks are cleared (if still
//     ours) and its reading resumed; free_context(ctx) runs from the
//     finalizer, which also drops the reference on the underlying one.
// A NULL filter function moves everything it may (evbuffer_remove_buffer
// with the limit).

const (
	bevFilterOK       = 0 // BEV_OK
	bevFilterNeedMore = 1 // BEV_NEED_MORE
	bevFilterError    = 2 // BEV_ERROR
)

// The C trampolines the underlying bufferevent calls (set by the C layer).
var filterTrampolines struct{ read, write, event unsafe.Pointer }

// SetFilterTrampolines records the C functions capi/bufferevent_filter.c
// gives the underlying bufferevents as callbacks.
func SetFilterTrampolines(read, write, event unsafe.Pointer) {
	filterTrampolines.read, filterTrampolines.write, filterTrampolines.event = read, write, event
}

type bevFilter struct {
	bv           *Bufferevent
	under        *Bufferevent
	inFn, outFn  unsafe.Pointer // C filter functions; nil: pass-through
	freeCtx, ctx unsafe.Pointer
	outbufCbOff  bool // process_output is running: our output hook is off
	gotEOF       bool
	// inbufArmed is libevent's inbuf_cb being enabled: the last input
	// round left bytes in the underlying input because ours reached its
	// high watermark, so the next change of our input that leaves room
	// runs the input filter again (bufferevent_filtered_inbuf_cb).
	inbufArmed bool
}

func filterOf(bv *Bufferevent) *bevFilter {
	f, _ := bv.be.(*bevFilter)
	return f
}

// NewFilterBufferevent is bufferevent_filter_new.
func NewFilterBufferevent(under *Bufferevent, inFn, outFn unsafe.Pointer, options int, freeCtx, ctx unsafe.Pointer) *Bufferevent {
	bv := newBufferEventNamed(under.base, nil, options&^BevOptThreadsafe, "bufferevent_filter_new")
	if bv == nil {
		return nil
	}
	f := &bevFilter{bv: bv, under: under, inFn: inFn, outFn: outFn, freeCtx: freeCtx, ctx: ctx}
	bv.be = f
	bv.c.beOps = bevOpsFilter
	bv.initGenericTimeouts()
	uc := under.c
	uc.readcb, uc.writecb, uc.errorcb = filterTrampolines.read, filterTrampolines.write, filterTrampolines.event
	uc.cbarg = unsafe.Pointer(bv.c)
	under.incref()
	under.Enable(reactor.EV_READ | reactor.EV_WRITE)
	under.suspendRead(bevSuspendFiltRead)
	return bv
}

// runFilter calls a filter function (nil: the pass-through one).
func (f *bevFilter) runFilter(fn unsafe.Pointer, src, dst *Buffer, limit int64, mode int) int {
	if fn == nil {
		n := src.Len()
		if limit >= 0 && int64(n) > limit {
			n = int(limit)
		}
		if n > 0 {
			moveBytes(dst, src, n)
		}
		return bevFilterOK
	}
	return callFilter(fn, src.Handle(), dst.Handle(), limit, mode, f.ctx)
}

func (f *bevFilter) readbufFull(mode int) bool {
	c := f.bv.c
	return mode == BevNormal && c.wmRead.high != 0 && uintptr(f.bv.in.Len()) >= c.wmRead.high
}

func (f *bevFilter) underWritebufFull(mode int) bool {
	u := f.under
	return mode == BevNormal && u.c.wmWrite.high != 0 && uintptr(u.out.Len()) >= u.c.wmWrite.high
}

// processInput is be_filter_process_input.
func (f *bevFilter) processInput(mode int, processed *bool) int {
	bv := f.bv
	if mode == BevNormal && (bv.c.enabled&reactor.EV_READ == 0 || f.readbufFull(mode)) {
		return bevFilterOK
	}
	var res int
	for {
		limit := int64(-1)
		if mode == BevNormal && bv.c.wmRead.high != 0 {
			limit = int64(bv.c.wmRead.high) - int64(bv.in.Len())
		}
		res = f.runFilter(f.inFn, &f.under.in, &bv.in, limit, mode)
		if res == bevFilterOK {
			*processed = true
		}
		if bv.dead || f.under.c == nil || !(res == bevFilterOK && bv.c.enabled&reactor.EV_READ != 0 &&
			f.under.in.Len() > 0 && !f.readbufFull(mode)) {
			break
		}
	}
	if *processed && !bv.dead {
		bv.resetReadTimeout()
	}
	return res
}

// processOutput is be_filter_process_output.
func (f *bevFilter) processOutput(mode int, processed *bool) int {
	bv := f.bv
	if mode == BevNormal && (bv.c.enabled&reactor.EV_WRITE == 0 || f.underWritebufFull(mode) || bv.out.Len() == 0) {
		return bevFilterOK
	}
	res := bevFilterOK
	f.outbufCbOff = true
	for {
		again := false
		did := false
		for {
			limit := int64(-1)
			if mode == BevNormal && f.under.c.wmWrite.high != 0 {
				limit = int64(f.under.c.wmWrite.high) - int64(f.under.out.Len())
			}
			res = f.runFilter(f.outFn, &bv.out, &f.under.out, limit, mode)
			if res == bevFilterOK {
				did = true
				*processed = true
			}
			if bv.dead || f.under.c == nil || !(res == bevFilterOK && bv.c.enabled&reactor.EV_WRITE != 0 &&
				bv.out.Len() > 0 && !f.underWritebufFull(mode)) {
				break
			}
		}
		if did && !bv.dead && uintptr(bv.out.Len()) <= bv.c.wmWrite.low {
			bv.runWritecb(0)
			if res == bevFilterOK && !bv.dead && f.under.c != nil && bv.c.enabled&reactor.EV_WRITE != 0 &&
				bv.out.Len() > 0 && !f.underWritebufFull(mode) {
				again = true
			}
		}
		if !again {
			break
		}
	}
	f.outbufCbOff = false
	if *processed && !bv.dead {
		bv.resetWriteTimeout()
	}
	return res
}

// bufChanged is bufferevent_filtered_outbuf_cb for the output and
// bufferevent_filtered_inbuf_cb for the input.
func (f *bevFilter) bufChanged(bv *Bufferevent, b *Buffer, added, drained int) {
	if b == &bv.in {
		if f.inbufArmed && !f.readbufFull(f.readMode()) {
			f.inbufArmed = false
			if f.under.c != nil && !f.under.dead && f.under.in.Len() > 0 {
				bv.incref()
				f.readNoLock()
				bv.decref()
			}
		}
		return
	}
	if b != &bv.out || added == 0 || f.outbufCbOff {
		return
	}
	processed := false
	bv.incref()
	f.processOutput(BevNormal, &processed)
	bv.decref()
}

func (f *bevFilter) readMode() int {
	if f.gotEOF {
		return BevFinished
	}
	return BevNormal
}

// readNoLock is be_filter_read_nolock_: an input round, the read callback
// when it moved something, and inbufArmed when bytes stayed behind because
// our input is full (set after the callback, as libevent does).
func (f *bevFilter) readNoLock() {
	bv := f.bv
	mode := f.readMode()
	processed := false
	f.processInput(mode, &processed)
	if !processed || bv.dead {
		return
	}
	if uintptr(bv.in.Len()) >= bv.c.wmRead.low {
		runInPass(bv, bv.runReadcb)
	}
	if !bv.dead && f.under.c != nil && f.under.in.Len() > 0 && f.readbufFull(mode) {
		f.inbufArmed = true
	}
}

// The underlying bufferevent's callbacks (be_filter_readcb/writecb/eventcb).
func (f *bevFilter) underRead() {
	bv := f.bv
	bv.incref()
	f.readNoLock()
	bv.decref()
}

func (f *bevFilter) underWrite() {
	bv := f.bv
	bv.incref()
	processed := false
	f.processOutput(BevNormal, &processed)
	bv.decref()
}

func (f *bevFilter) underEvent(what int16, err int) {
	bv := f.bv
	bv.incref()
	bv.runEventcb(what, 0, err)
	bv.decref()
}

func (f *bevFilter) enable(bv *Bufferevent, what int16) int {
	if what&reactor.EV_WRITE != 0 {
		bv.resetWriteTimeout()
	}
	if what&reactor.EV_READ != 0 {
		bv.resetReadTimeout()
		if f.under.c != nil {
			f.under.unsuspendRead(bevSuspendFiltRead)
		}
	}
	return 0
}

func (f *bevFilter) disable(bv *Bufferevent, what int16) int {
	if what&reactor.EV_WRITE != 0 {
		bv.delWriteTimeout()
	}
	if what&reactor.EV_READ != 0 {
		bv.delReadTimeout()
		if f.under.c != nil && !f.under.dead {
			f.under.suspendRead(bevSuspendFiltRead)
		}
	}
	return 0
}

// flush is be_filter_flush.
func (f *bevFilter) flush(bv *Bufferevent, iotype int16, mode int) int {
	bv.incref()
	processed := false
	if iotype&reactor.EV_READ != 0 {
		f.processInput(mode, &processed)
	}
	if iotype&reactor.EV_WRITE != 0 {
		f.processOutput(mode, &processed)
	}
	if u := f.under; u.c != nil && !u.dead {
		u.be.flush(u, iotype, mode)
	}
	bv.decref()
	if processed {
		return 1
	}
	return 0
}

// unlink is be_filter_unlink.
func (f *bevFilter) unlink(bv *Bufferevent) {
	bv.unlinkUnderlying(f.under, filterTrampolines.event)
}

// unlinkUnderlying is what a filter, plain or TLS, does with its underlying
// u when bv is freed (be_filter_unlink, be_openssl_unlink): with
// BEV_OPT_CLOSE_ON_FREE u is freed too; otherwise u gets no callbacks if
// they are still the filter's (its event callback is eventcb, the filter
// kind's trampoline) and may read again.
func (bv *Bufferevent) unlinkUnderlying(u *Bufferevent, eventcb unsafe.Pointer) {
	if u.c == nil || u.dead {
		return
	}
	if bv.options&BevOptCloseOnFree != 0 {
		if u.refcnt < 2 {
			svc.Warnf("BEV_OPT_CLOSE_ON_FREE set on an bufferevent with too few references")
		} else if !u.isFreed() {
			u.Free()
		}
		return
	}
	if u.c.errorcb == eventcb {
		u.c.readcb, u.c.writecb, u.c.errorcb, u.c.cbarg = nil, nil, nil, nil
	}
	u.unsuspendRead(bevSuspendFiltRead)
}

// free is be_filter_destruct plus the finalizer's decref of the underlying.
func (f *bevFilter) free(bv *Bufferevent) {
	if f.freeCtx != nil {
		callFreeContext(f.freeCtx, f.ctx)
	}
	if u := f.under; u.c != nil && u.refcnt > 0 {
		u.decref()
	}
}

func (f *bevFilter) fd() int {
	if f.under.c == nil {
		return -1
	}
	return f.under.be.fd()
}

func (f *bevFilter) setfd(bv *Bufferevent, fd int) int {
	if f.under.c == nil || f.under.dead {
		return -1
	}
	return f.under.be.setfd(f.under, fd)
}

func (f *bevFilter) underlying() *Bufferevent { return f.under }

// ---- entry points ----

// BevFilterNew is bufferevent_filter_new.
func BevFilterNew(up, inFn, outFn unsafe.Pointer, options int, freeCtx, ctx unsafe.Pointer) unsafe.Pointer {
	if up == nil {
		return nil // libevent: silently
	}
	u := bevFromC(up, "bufferevent_filter_new")
	if u == nil {
		return nil
	}
	bv := NewFilterBufferevent(u, inFn, outFn, options, freeCtx, ctx)
	if bv == nil {
		return nil
	}
	return bv.Handle()
}

// BevFilterCallback is the way back from the C trampolines: kind 0 read,
// 1 write, 2 event (what, err). arg is the filter's struct bufferevent.
func BevFilterCallback(arg unsafe.Pointer, kind int, what int16, err int) {
	if arg == nil {
		return
	}
	bv := bevAt(arg)
	if bv == nil || bv.dead {
		return
	}
	f := filterOf(bv)
	if f == nil {
		return
	}
	switch kind {
	case 0:
		f.underRead()
	case 1:
		f.underWrite()
	default:
		f.underEvent(what, err)
	}
}

// BevGetUnderlying is bufferevent_get_underlying.
func BevGetUnderlying(p unsafe.Pointer) unsafe.Pointer {
	bv := bevFromC(p, "bufferevent_get_underlying")
	if bv == nil {
		return nil
	}
	u := bv.be.underlying()
	if u == nil || u.c == nil {
		return nil
	}
	return u.Handle()
}
