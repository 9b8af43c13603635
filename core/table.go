package core

import (
	"sync/atomic"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/svc"
)

// maxObjects bounds the live objects of one kind (4 Mi); more is refused,
// never wrapped. The tables themselves are slots.Table.
const maxObjects = 4 << 20

// The tables are zero values, their bound set here: a table with a
// non-zero initializer lands in the core's .data, whose pages the garbage
// collector reads on every cycle (its 128 KiB of chunk pointers are roots),
// so that each table's file-backed pages became resident, +376 KiB of RSS
// in a server (idle_conn_rss_10k); .bss pages that are only read stay the
// kernel's shared zero page.
func init() {
	buffers.Max, bevs.Max, listeners.Max, rlGroups.Max, fileSegs.Max = maxObjects, maxObjects, maxObjects, maxObjects, maxObjects
}

// gens hands out generations for all tables; 0 is never used, so a zeroed
// handle never matches a live object.
var gens atomic.Uint64

func nextGen() uint64 { return gens.Add(1) }

// Small C handles (struct evbuffer, struct evconnlistener) start handleSlack
// bytes into their cmem block. cmem threads its free list through the first
// word of a freed block; with the slack that word is ours, so the handle's
// magic (DEAD after free) stays readable until the block is reused, and a use
// after free or a double free is reported instead of reading a list pointer.
const handleSlack = 8

func allocHandle(size int) unsafe.Pointer {
	p := cmem.Alloc(size + handleSlack)
	if p == nil {
		return nil
	}
	return unsafe.Add(p, handleSlack)
}

func freeHandle(h unsafe.Pointer, size int) {
	cmem.Free(unsafe.Add(h, -handleSlack), size+handleSlack)
}

// handleKind describes one kind of C handle for the checks of the C-facing
// entry points: where its magic word is and how a bad handle is reported.
type handleKind struct {
	noun     string  // "evbuffer": "NULL evbuffer", "stale evbuffer handle %p"
	notOne   string  // completes "%p is not ...": "an evbuffer"
	freeFn   string  // "evbuffer_free": "used after evbuffer_free"
	magicOff uintptr // offset of the uint32 magic word in the handle
	live     uint32
	dead     uint32
	badMagic bool // show the bad magic word in the message
}

var (
	bufKind = handleKind{noun: "evbuffer", notOne: "an evbuffer", freeFn: "evbuffer_free",
		magicOff: unsafe.Offsetof(cBuf{}.magic), live: bufLive, dead: bufDead, badMagic: true}
	bevKind = handleKind{noun: "bufferevent", notOne: "a bufferevent made by goevent", freeFn: "bufferevent_free",
		magicOff: unsafe.Offsetof(cBev{}.priv) + unsafe.Offsetof(cBevPriv{}.magic),
		live:     bevLive, dead: bevDead, badMagic: true}
	levKind = handleKind{noun: "evconnlistener", notOne: "an evconnlistener", freeFn: "evconnlistener_free",
		magicOff: unsafe.Offsetof(cLev{}.magic), live: levLive, dead: levDead, badMagic: true}
	rlgKind = handleKind{noun: "rate limit group", notOne: "a rate limit group made by goevent",
		freeFn: "bufferevent_rate_limit_group_free", magicOff: unsafe.Offsetof(cRLGroup{}.magic),
		live: rlgLive, dead: rlgDead}
)

func (k *handleKind) magic(p unsafe.Pointer) uint32 {
	return *(*uint32)(unsafe.Add(p, k.magicOff))
}

// isLive reports whether p is non-NULL and carries k's live magic; if not,
// it logs why (NULL, freed, foreign) for function fn. The caller still checks
// that the table entry the handle names is the handle's own (stale).
func (k *handleKind) isLive(p unsafe.Pointer, fn string) bool {
	if p == nil {
		svc.Warnf("%s: NULL %s", fn, k.noun)
		return false
	}
	switch m := k.magic(p); {
	case m == k.live:
		return true
	case m == k.dead:
		svc.Warnf("%s: %s %p used after %s", fn, k.noun, p, k.freeFn)
	case k.badMagic:
		svc.Warnf("%s: %p is not %s (bad magic 0x%x)", fn, p, k.notOne, m)
	default:
		svc.Warnf("%s: %p is not %s", fn, p, k.notOne)
	}
	return false
}

// stale logs that p passed isLive but names no live object.
func (k *handleKind) stale(p unsafe.Pointer, fn string) {
	svc.Warnf("%s: stale %s handle %p", fn, k.noun, p)
}

// doubleFree reports (and logs) a second free of p by k's free function.
func (k *handleKind) doubleFree(p unsafe.Pointer) bool {
	if p == nil || k.magic(p) != k.dead {
		return false
	}
	svc.Warnf("%s: double free of %s %p", k.freeFn, k.noun, p)
	return true
}
