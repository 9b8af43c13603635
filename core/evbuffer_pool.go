package core

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The pool of freed evbuffers (struct gev_buf_pool in capi/gev_internal.h).
// Generated evtag code makes and frees a temporary buffer per nested message;
// evbuffer_new + evbuffer_free cost two crossings, a Go object, a C handle,
// a table slot and a segment each time. Instead evbuffer_free (one crossing)
// resets a buffer that evbuffer_new made and that nothing else refers to
// (no callbacks, not a bufferevent's or evhttp's), keeping one small block
// with its windows published, and the C layer pushes it on its pool;
// evbuffer_new takes it back in C with no crossing, and its first adds go
// through the C fast path. The pool belongs to the C layer (it pushes and
// pops under the pool's spin lock); the core reads it only to empty it when
// the loop idles (flushBufPool). Where the whole reset is to empty the one
// block the buffer keeps, the core says so when it publishes the windows
// (cBuf.poolEpoch) and evbuffer_free does it in C, with no crossing at all. A pooled buffer is a freed buffer to every check
// (magic bufDead): its Go object and slot stay, so evbuffer_new needs
// neither.
const bufPoolMax = 64 // GEV_BUF_POOL_MAX

// flagAPI (in Buffer.flags, above evbuffer_set_flags' bits) marks a buffer
// that evbuffer_new made: the only ones evbuffer_free may pool, since the
// core frees the others itself (evhttp's request buffers) and a program
// freeing one of those by mistake must not leave it in the pool.
const flagAPI uint8 = 0x80

type cBufPool struct {
	lock uint32
	n    uint32
	item [2 * bufPoolMax]*cBuf
}

var (
	bufPool   *cBufPool
	coreEpoch uint32 // the C layer's gev_core_epoch for this runtime (0: none)
)

// SetBufPool records the C layer's pool (nil: no pooling) and the core's
// epoch, which marks the buffers the C layer may pool without a crossing.
func SetBufPool(p unsafe.Pointer, epoch uint32) {
	bufPool, coreEpoch = (*cBufPool)(p), epoch
}

// cPoolable says whether a published buffer whose windows are one kept block
// (single == 2) may be pooled by the C layer alone: emptying that block is
// all a reset needs then (stale readHint and growHint only size later
// segments).
func (b *Buffer) cPoolable() bool {
	return b.flags == flagAPI && b.x == nil && b.empty == nil && b.tail.flags == segOwned && bufPool != nil
}

func (b *Buffer) poolable() bool {
	return b.flags&flagAPI != 0 && b.cbs == nil && b.x == nil && b.hook == nil && !b.inBev && !b.owned
}

// resetForPool makes b what NewBuffer makes, except that it keeps one small
// plain block (its own lone one, emptied, or a new one of minSeg), published,
// and marks it freed.
func (b *Buffer) resetForPool() {
	var keep *seg
	if hd := b.head; hd != nil && hd == b.tail && hd.flags == segOwned && hd.ext == nil && hd.base != nil &&
		hd.cap >= minSeg && hd.cap <= keepMax {
		keep = hd
	} else {
		for s := b.head; s != nil; {
			next := s.next
			putSeg(s)
			s = next
		}
	}
	b.freeEmpties()
	if keep != nil {
		keep.off, keep.n = 0, 0
	} else {
		// A block from the segment cache, so that the buffer is published:
		// its next free (and its first adds) need no crossing.
		keep = newSeg(minSeg)
	}
	b.head, b.tail = keep, keep
	b.flags = flagAPI
	b.readHint, b.growHint = readMin>>10, 0
	b.freezeStart, b.freezeEnd = false, false
	h := b.h
	h.totalLen, h.resv, h.fast, h.dirty = 0, 0, 0, 0
	b.publish()
	h.magic = bufDead
}

func poolLock(p *cBufPool) {
	for !atomic.CompareAndSwapUint32(&p.lock, 0, 1) {
		runtime.Gosched()
	}
}

// flushBufPool frees the pooled buffers (the loop idles: cmem.Trim, before
// the segment cache is emptied, which then takes their blocks too).
func flushBufPool() {
	p := bufPool
	if p == nil || atomic.LoadUint32(&p.n) == 0 {
		return
	}
	poolLock(p)
	n := p.n
	var items [2 * bufPoolMax]*cBuf
	copy(items[:n], p.item[:n])
	clear(p.item[:n])
	p.n = 0
	atomic.StoreUint32(&p.lock, 0)
	for _, h := range items[:n] {
		if b := bufByIdx(h.idx); b != nil && b.h == h {
			b.Free()
		}
	}
}
