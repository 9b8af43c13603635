package core

import (
	"unsafe"

	"goevent/internal/svc"
)

// The rate-limiting entry points (bufferevent_set_rate_limit and friends,
// the bufferevent_rate_limit_group_* functions) and the glue between the
// token buckets (ratelim.go) and the generic bufferevent: a bufferevent with
// a limit or a group carries a *bevRateLimit as its limiter.

// rlMember, implemented by the bufferevent itself.
func (bv *Bufferevent) rlSuspend(write bool, r uint16) {
	if bv.dead {
		return
	}
	if write {
		bv.suspendWrite(r)
	} else {
		bv.suspendRead(r)
	}
}

func (bv *Bufferevent) rlUnsuspend(write bool, r uint16) {
	if bv.dead {
		return
	}
	if write {
		bv.unsuspendWrite(r)
	} else {
		bv.unsuspendRead(r)
	}
}

func (bv *Bufferevent) rlSuspended(write bool) uint16 {
	if write {
		return bv.writeSuspended
	}
	return bv.readSuspended
}

// rateLimiter, consulted by the socket backend's read and write paths.
func (rl *bevRateLimit) readMax(bv *Bufferevent) int {
	return int(rl.max(false, bv.maxSingle(false)))
}
func (rl *bevRateLimit) writeMax(bv *Bufferevent) int {
	return int(rl.max(true, bv.maxSingle(true)))
}
func (rl *bevRateLimit) readDone(bv *Bufferevent, n int)  { rl.done(false, int64(n)) }
func (rl *bevRateLimit) writeDone(bv *Bufferevent, n int) { rl.done(true, int64(n)) }

// releaseLimiter is called when the bufferevent loses its last reference
// (hook in bufferevent.go's release): it leaves its group, its refill timer
// goes.
func (bv *Bufferevent) releaseLimiter() {
	if rl, ok := bv.lim().(*bevRateLimit); ok {
		rl.release()
		bv.x.limiter = nil
	}
}

func rlOf(bv *Bufferevent) *bevRateLimit {
	rl, _ := bv.lim().(*bevRateLimit)
	return rl
}

// rlEnsure gives bv a limiter if it has none.
func rlEnsure(bv *Bufferevent) *bevRateLimit {
	if rl := rlOf(bv); rl != nil {
		return rl
	}
	rl := newBevRateLimit(bv, bv.base)
	if rl == nil {
		return nil
	}
	bv.ext().limiter = rl
	return rl
}

// BevSetRateLimit is bufferevent_set_rate_limit; cfg is the C
// struct ev_token_bucket_cfg (capi/ratelim.c) or nil.
func BevSetRateLimit(p, cfg unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_set_rate_limit")
	if bv == nil {
		return -1
	}
	if cfg == nil {
		if rl := rlOf(bv); rl != nil {
			rl.setCfg(nil, nil)
		}
		return 0
	}
	rl := rlEnsure(bv)
	if rl == nil {
		svc.Warnf("bufferevent_set_rate_limit: out of memory")
		return -1
	}
	c := cfgFromC(cfg)
	rl.setCfg(&c, cfg)
	return 0
}

// BevGetTokenBucketCfg is bufferevent_get_token_bucket_cfg.
func BevGetTokenBucketCfg(p unsafe.Pointer) unsafe.Pointer {
	bv := bevFromC(p, "bufferevent_get_token_bucket_cfg")
	if bv == nil {
		return nil
	}
	if rl := rlOf(bv); rl != nil && rl.cfg != nil {
		return rl.cfgC
	}
	return nil
}

// BevGetLimit is bufferevent_get_read_limit / bufferevent_get_write_limit.
func BevGetLimit(p unsafe.Pointer, write bool) int64 {
	fn := choose(write, "bufferevent_get_write_limit", "bufferevent_get_read_limit")
	bv := bevFromC(p, fn)
	if bv == nil {
		return -1
	}
	return rlOf(bv).limitOf(write)
}

// BevDecrementLimit is bufferevent_decrement_read_limit /
// bufferevent_decrement_write_limit. libevent asserts that a limit is set.
func BevDecrementLimit(p unsafe.Pointer, write bool, decr int64) int {
	fn := choose(write, "bufferevent_decrement_write_limit", "bufferevent_decrement_read_limit")
	bv := bevFromC(p, fn)
	if bv == nil {
		return -1
	}
	rl := rlOf(bv)
	if rl == nil || rl.cfg == nil {
		svc.Warnf("%s: the bufferevent has no rate limit (bufferevent_set_rate_limit)", fn)
		return -1
	}
	return rl.decrement(write, decr)
}

// ---- groups ----

func groupFromC(p unsafe.Pointer, fn string) *RateLimitGroup {
	if !rlgKind.isLive(p, fn) {
		return nil
	}
	c := (*cRLGroup)(p)
	g := rlGroups.Get(c.idx)
	if g == nil || g.c != c || g.gen != c.gen {
		rlgKind.stale(p, fn)
		return nil
	}
	return g
}

// RLGroupNew is bufferevent_rate_limit_group_new.
func RLGroupNew(cbase, cfg unsafe.Pointer) unsafe.Pointer {
	b := baseFromC(cbase, "bufferevent_rate_limit_group_new")
	if b == nil {
		return nil
	}
	if cfg == nil {
		svc.Warnf("bufferevent_rate_limit_group_new: NULL cfg")
		return nil
	}
	c := cfgFromC(cfg)
	g := newGroup(b, &c)
	if g == nil {
		svc.Warnf("bufferevent_rate_limit_group_new: out of memory")
		return nil
	}
	h := allocHandle(sizeofCRLG)
	if h == nil {
		g.free()
		svc.Warnf("bufferevent_rate_limit_group_new: out of memory")
		return nil
	}
	g.c = (*cRLGroup)(h)
	g.gen = nextGen()
	idx, ok := rlGroups.Put(g)
	if !ok {
		g.free()
		freeHandle(h, sizeofCRLG)
		svc.Warnf("bufferevent_rate_limit_group_new: too many groups")
		return nil
	}
	*g.c = cRLGroup{magic: rlgLive, idx: idx, gen: g.gen}
	return h
}

// RLGroupFree is bufferevent_rate_limit_group_free.
func RLGroupFree(p unsafe.Pointer) {
	g := groupFromC(p, "bufferevent_rate_limit_group_free")
	if g == nil {
		return
	}
	g.free()
	rlGroups.Release(g.c.idx)
	g.c.magic = rlgDead
	freeHandle(unsafe.Pointer(g.c), sizeofCRLG)
	g.c, g.gen = nil, 0
}

// RLGroupSetCfg is bufferevent_rate_limit_group_set_cfg.
func RLGroupSetCfg(p, cfg unsafe.Pointer) int {
	if p == nil || cfg == nil {
		return -1 // libevent: silently
	}
	g := groupFromC(p, "bufferevent_rate_limit_group_set_cfg")
	if g == nil {
		return -1
	}
	c := cfgFromC(cfg)
	g.setCfg(&c)
	return 0
}

// RLGroupSetMinShare is bufferevent_rate_limit_group_set_min_share.
func RLGroupSetMinShare(p unsafe.Pointer, share uint64) int {
	g := groupFromC(p, "bufferevent_rate_limit_group_set_min_share")
	if g == nil {
		return -1
	}
	return g.setMinShare(share)
}

// RLGroupGetLimit is bufferevent_rate_limit_group_get_{read,write}_limit.
func RLGroupGetLimit(p unsafe.Pointer, write bool) int64 {
	fn := choose(write, "bufferevent_rate_limit_group_get_write_limit", "bufferevent_rate_limit_group_get_read_limit")
	g := groupFromC(p, fn)
	if g == nil {
		return -1
	}
	return *g.limit.level(write)
}

// RLGroupDecrement is bufferevent_rate_limit_group_decrement_{read,write}.
func RLGroupDecrement(p unsafe.Pointer, write bool, decr int64) int {
	fn := choose(write, "bufferevent_rate_limit_group_decrement_write", "bufferevent_rate_limit_group_decrement_read")
	g := groupFromC(p, fn)
	if g == nil {
		return -1
	}
	g.decrement(write, decr)
	return 0
}

// RLGroupTotals is bufferevent_rate_limit_group_get_totals (reset: _reset_totals).
func RLGroupTotals(p unsafe.Pointer, rd, wr *uint64, reset bool) int {
	fn := choose(reset, "bufferevent_rate_limit_group_reset_totals", "bufferevent_rate_limit_group_get_totals")
	g := groupFromC(p, fn)
	if g == nil {
		return -1
	}
	if reset {
		g.totalRead, g.totalWritten = 0, 0
		return 0
	}
	if rd != nil {
		*rd = g.totalRead
	}
	if wr != nil {
		*wr = g.totalWritten
	}
	return 0
}

// BevAddToGroup is bufferevent_add_to_rate_limit_group.
func BevAddToGroup(p, gp unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_add_to_rate_limit_group")
	if bv == nil {
		return -1
	}
	g := groupFromC(gp, "bufferevent_add_to_rate_limit_group")
	if g == nil {
		return -1
	}
	rl := rlEnsure(bv)
	if rl == nil {
		svc.Warnf("bufferevent_add_to_rate_limit_group: out of memory")
		return -1
	}
	rl.joinGroup(g)
	return 0
}

// BevRemoveFromGroup is bufferevent_remove_from_rate_limit_group.
func BevRemoveFromGroup(p unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_remove_from_rate_limit_group")
	if bv == nil {
		return -1
	}
	if rl := rlOf(bv); rl != nil {
		rl.leaveGroup(true)
	} else {
		bv.unsuspendRead(suspendBWGroup)
		bv.unsuspendWrite(suspendBWGroup)
	}
	return 0
}
