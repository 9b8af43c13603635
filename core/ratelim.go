package core

import (
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"
	"goevent/reactor"
)

// Rate limiting (bufferevent_ratelim.c of libevent 2.1.12): token buckets per
// bufferevent and per group, with libevent's arithmetic. This file holds the
// buckets, the refill timers, the per-bufferevent limiter (bevRateLimit) and
// the groups; the C-facing entry points and the glue to the generic
// bufferevent (its limiter hook) are in ratelim_api.go.
//
//   - A configuration (struct ev_token_bucket_cfg, C memory owned by the C
//     layer, capi/ratelim.c) gives per-direction rate (tokens added per tick)
//     and burst (the bucket's maximum), and the tick length. Ticks are
//     numbered from the clock's zero: tick = msec / msec_per_tick.
//   - A bucket starts at one tick's rate (not at the burst). Each time it is
//     looked at in a later tick it gains n_ticks*rate, capped at the burst.
//     Reading or writing n bytes takes n tokens; the bucket may go negative.
//   - At most the bucket's tokens, and at most max_single_read/write, are
//     read or written at once (libevent lets one read or write take the
//     whole bucket level: docs/DIFFERENCES.md). Reaching 0 or less suspends the
//     direction (BEV_SUSPEND_BW) and arms a one-shot refill timer of one
//     tick, re-armed until the level is positive again.
//   - A group has one bucket shared by its members, refilled by a persistent
//     timer of one tick. Each member may move at most level/n_members bytes
//     at once, but never less than min_share (64 by default, capped at the
//     group's per-tick rates). The group's level reaching 0 suspends every
//     member (BEV_SUSPEND_BW_GROUP); the refill resumes them, starting at a
//     random member, once the level is at least min_share.
//   - Totals count what members read and wrote (not the decrement calls).
//
// Differences (docs/DIFFERENCES.md): libevent aborts on
// bufferevent_decrement_*_limit without a configuration and on freeing a
// group with members, and divides by zero when the tick is shorter than a
// millisecond; we log and return -1, detach the members first, and count
// such a tick as one millisecond. Time is the loop's monotonic clock (libevent
// uses its cached wall clock): tick boundaries fall elsewhere, the rates are
// the same.

// Suspension reasons used here (bufferevent.go's bevSuspend*).
const (
	suspendBW       = bevSuspendBW
	suspendBWGroup  = bevSuspendBWGroup
	defaultMinShare = 64
)

// cTokenBucketCfg mirrors struct ev_token_bucket_cfg as capi/ratelim.c lays
// it out (the struct is opaque to programs).
type cTokenBucketCfg struct {
	readRate, readMax, writeRate, writeMax uint64
	tickSec, tickUsec                      int64
	msecPerTick                            uint32
	_                                      uint32
}

// TokenBucketCfg is a configuration's values.
type TokenBucketCfg struct {
	ReadRate, ReadMax, WriteRate, WriteMax int64
	Tick                                   reactor.Timeval
	MsecPerTick                            uint32
}

func cfgFromC(p unsafe.Pointer) TokenBucketCfg {
	c := (*cTokenBucketCfg)(p)
	return TokenBucketCfg{
		ReadRate: int64(c.readRate), ReadMax: int64(c.readMax),
		WriteRate: int64(c.writeRate), WriteMax: int64(c.writeMax),
		Tick:        reactor.Timeval{Sec: c.tickSec, Usec: c.tickUsec},
		MsecPerTick: c.msecPerTick,
	}
}

// tickAt is ev_token_bucket_get_tick_.
func (c *TokenBucketCfg) tickAt(tv reactor.Timeval) uint32 {
	msec := uint64(tv.Sec)*1000 + uint64(tv.Usec)/1000
	per := uint64(c.MsecPerTick)
	if per == 0 {
		per = 1 // libevent divides by zero here
	}
	return uint32(msec / per)
}

func (c *TokenBucketCfg) rate(write bool) int64 {
	if write {
		return c.WriteRate
	}
	return c.ReadRate
}

// tokenBucket is struct ev_token_bucket.
type tokenBucket struct {
	read, write int64
	last        uint32
}

func (b *tokenBucket) level(write bool) *int64 {
	if write {
		return &b.write
	}
	return &b.read
}

// init is ev_token_bucket_init_: a new bucket holds one tick's worth; a
// reconfigured one is only clipped to the new maximum.
func (b *tokenBucket) init(cfg *TokenBucketCfg, tick uint32, reinit bool) {
	if reinit {
		b.clip(cfg)
		return
	}
	b.read, b.write, b.last = cfg.ReadRate, cfg.WriteRate, tick
}

// clip lowers each level to cfg's maximum (burst).
func (b *tokenBucket) clip(cfg *TokenBucketCfg) {
	if b.read > cfg.ReadMax {
		b.read = cfg.ReadMax
	}
	if b.write > cfg.WriteMax {
		b.write = cfg.WriteMax
	}
}

func refillLevel(level *int64, max, rate int64, n uint64) {
	// libevent's overflow-safe form, in its unsigned arithmetic.
	if (uint64(max)-uint64(*level))/n < uint64(rate) {
		*level = max
	} else {
		*level += int64(n * uint64(rate))
	}
}

// update is ev_token_bucket_update_: adds the ticks elapsed since the last
// update. It reports whether time moved forward.
func (b *tokenBucket) update(cfg *TokenBucketCfg, tick uint32) bool {
	n := tick - b.last
	if n == 0 || n > 1<<31-1 {
		return false
	}
	refillLevel(&b.read, cfg.ReadMax, cfg.ReadRate, uint64(n))
	refillLevel(&b.write, cfg.WriteMax, cfg.WriteRate, uint64(n))
	b.last = tick
	return true
}

// rlNow is the clock of the buckets (replaced by tests).
var rlNow = reactor.NowMonotonic

// rlMember is what the rate limiter needs of a bufferevent: suspending and
// resuming a direction for a reason, and the current reasons.
type rlMember interface {
	rlSuspend(write bool, reason uint16)
	rlUnsuspend(write bool, reason uint16)
	rlSuspended(write bool) uint16
}

// rlTimer is a Go timer event in C memory (nil base: tests, nothing armed).
type rlTimer struct {
	base  *reactor.Base
	ev    *reactor.Event
	id    uintptr
	armed bool // last request (what tests look at)
}

func (t *rlTimer) setup(base *reactor.Base, h reactor.Handler, persist bool) bool {
	t.base = base
	if base == nil {
		return true
	}
	p := cmem.Alloc(reactor.EventSize)
	if p == nil {
		return false
	}
	t.id = reactor.RegisterHandler(h)
	if t.id == 0 {
		cmem.Free(p, reactor.EventSize)
		return false
	}
	t.ev = reactor.EventAt(p)
	var flags int16
	if persist {
		flags = reactor.EV_PERSIST
	}
	base.AssignGo(t.ev, -1, flags, t.id)
	return true
}

func (t *rlTimer) add(tv reactor.Timeval) int {
	t.armed = true
	if t.ev == nil {
		return 0
	}
	return t.base.Add(t.ev, &tv)
}

func (t *rlTimer) del() {
	t.armed = false
	if t.ev != nil {
		t.base.Del(t.ev)
	}
}

func (t *rlTimer) release() {
	t.armed = false
	if t.ev != nil {
		t.base.Del(t.ev)
		reactor.UnregisterHandler(t.id)
		cmem.Free(unsafe.Pointer(t.ev), reactor.EventSize)
		t.ev, t.id = nil, 0
	}
}

// bevRateLimit is one bufferevent's struct bufferevent_rate_limit.
type bevRateLimit struct {
	m      rlMember
	cfg    *TokenBucketCfg
	cfgC   unsafe.Pointer // the program's cfg pointer (get_token_bucket_cfg)
	limit  tokenBucket
	group  *RateLimitGroup
	refill rlTimer
	inited bool
}

func newBevRateLimit(m rlMember, base *reactor.Base) *bevRateLimit {
	rl := &bevRateLimit{m: m}
	if !rl.refill.setup(base, rl, false) {
		return nil
	}
	return rl
}

func (rl *bevRateLimit) updateBuckets() {
	tick := rl.cfg.tickAt(rlNow())
	if tick != rl.limit.last {
		rl.limit.update(rl.cfg, tick)
	}
}

// setCfg is bufferevent_set_rate_limit (cfg nil removes the limit).
func (rl *bevRateLimit) setCfg(cfg *TokenBucketCfg, cfgC unsafe.Pointer) {
	if cfg == nil {
		rl.cfg, rl.cfgC = nil, nil
		rl.m.rlUnsuspend(false, suspendBW)
		rl.m.rlUnsuspend(true, suspendBW)
		rl.refill.del()
		return
	}
	if rl.cfg != nil && rl.cfgC == cfgC && cfgC != nil {
		return
	}
	reinit := rl.cfg != nil
	c := *cfg
	rl.cfg, rl.cfgC = &c, cfgC
	rl.limit.init(rl.cfg, rl.cfg.tickAt(rlNow()), reinit)
	if reinit {
		rl.refill.del()
	}
	suspended := false
	for _, w := range [2]bool{false, true} {
		if *rl.limit.level(w) > 0 {
			rl.m.rlUnsuspend(w, suspendBW)
		} else {
			rl.m.rlSuspend(w, suspendBW)
			suspended = true
		}
	}
	if suspended {
		rl.refill.add(rl.cfg.Tick)
	}
}

// max is bufferevent_get_rlim_max_: how much may move now, given the
// bufferevent's own bound (max_single_read/write).
func (rl *bevRateLimit) max(write bool, maxSoFar int64) int64 {
	if rl.cfg != nil {
		rl.updateBuckets()
		maxSoFar = *rl.limit.level(write)
	}
	if g := rl.group; g != nil {
		var share int64
		if g.suspended(write) {
			rl.m.rlSuspend(write, suspendBWGroup)
		} else {
			share = *g.limit.level(write) / int64(len(g.members))
			if share < g.minShare {
				share = g.minShare
			}
		}
		if maxSoFar > share {
			maxSoFar = share
		}
	}
	if maxSoFar < 0 {
		maxSoFar = 0
	}
	return maxSoFar
}

// done is bufferevent_decrement_{read,write}_buckets_: n bytes moved.
func (rl *bevRateLimit) done(write bool, n int64) int {
	r := 0
	if rl.cfg != nil {
		l := rl.limit.level(write)
		*l -= n
		if *l <= 0 {
			rl.m.rlSuspend(write, suspendBW)
			if rl.refill.add(rl.cfg.Tick) < 0 {
				r = -1
			}
		} else if rl.m.rlSuspended(write)&suspendBW != 0 {
			if rl.m.rlSuspended(!write)&suspendBW == 0 {
				rl.refill.del()
			}
			rl.m.rlUnsuspend(write, suspendBW)
		}
	}
	if g := rl.group; g != nil {
		l := g.limit.level(write)
		*l -= n
		if write {
			g.totalWritten += uint64(n)
		} else {
			g.totalRead += uint64(n)
		}
		if *l <= 0 {
			g.suspendAll(write)
		} else if g.suspended(write) {
			g.unsuspendAll(write)
		}
	}
	return r
}

// HandleEvent is the refill timer (bev_refill_callback_).
func (rl *bevRateLimit) HandleEvent(*reactor.Event, int16) {
	defer recoverHandler("bufferevent rate limit")
	rl.refill.armed = false
	rl.onRefill()
}

func (rl *bevRateLimit) onRefill() {
	if rl.cfg == nil {
		return
	}
	rl.limit.update(rl.cfg, rl.cfg.tickAt(rlNow()))
	again := false
	for _, w := range [2]bool{false, true} {
		if rl.m.rlSuspended(w)&suspendBW != 0 {
			if *rl.limit.level(w) > 0 {
				rl.m.rlUnsuspend(w, suspendBW)
			} else {
				again = true
			}
		}
	}
	if again {
		rl.refill.add(rl.cfg.Tick)
	}
}

// limitOf is bufferevent_get_{read,write}_limit.
func (rl *bevRateLimit) limitOf(write bool) int64 {
	if rl == nil || rl.cfg == nil {
		return evSsizeMax
	}
	rl.updateBuckets()
	return *rl.limit.level(write)
}

// decrement is bufferevent_decrement_{read,write}_limit.
func (rl *bevRateLimit) decrement(write bool, decr int64) int {
	r := 0
	l := rl.limit.level(write)
	old := *l
	*l -= decr
	if old > 0 && *l <= 0 {
		rl.m.rlSuspend(write, suspendBW)
		if rl.refill.add(rl.cfg.Tick) < 0 {
			r = -1
		}
	} else if old <= 0 && *l > 0 {
		if rl.m.rlSuspended(!write)&suspendBW == 0 {
			rl.refill.del()
		}
		rl.m.rlUnsuspend(write, suspendBW)
	}
	return r
}

// joinGroup is bufferevent_add_to_rate_limit_group.
func (rl *bevRateLimit) joinGroup(g *RateLimitGroup) {
	if rl.group == g {
		return
	}
	if rl.group != nil {
		rl.leaveGroup(true)
	}
	rl.group = g
	g.members = append([]*bevRateLimit{rl}, g.members...) // LIST_INSERT_HEAD
	if g.readSusp {
		rl.m.rlSuspend(false, suspendBWGroup)
	}
	if g.writeSusp {
		rl.m.rlSuspend(true, suspendBWGroup)
	}
}

// leaveGroup is bufferevent_remove_from_rate_limit_group(_internal_).
func (rl *bevRateLimit) leaveGroup(unsuspend bool) {
	if g := rl.group; g != nil {
		rl.group = nil
		for i, m := range g.members {
			if m == rl {
				g.members = append(g.members[:i], g.members[i+1:]...)
				break
			}
		}
	}
	if unsuspend {
		rl.m.rlUnsuspend(false, suspendBWGroup)
		rl.m.rlUnsuspend(true, suspendBWGroup)
		rl.liftBW(false)
		rl.liftBW(true)
	}
}

// liftBW lifts a BEV_SUSPEND_BW that the bufferevent's I/O path set itself
// (it does when the limiter allows nothing, e.g. a group share of 0) while
// the bufferevent's own bucket, if any, is not exhausted.
func (rl *bevRateLimit) liftBW(write bool) {
	if rl.m.rlSuspended(write)&suspendBW == 0 {
		return
	}
	if rl.cfg == nil || *rl.limit.level(write) > 0 {
		rl.m.rlUnsuspend(write, suspendBW)
	}
}

// release runs when the bufferevent is freed.
func (rl *bevRateLimit) release() {
	rl.leaveGroup(false)
	rl.refill.release()
	rl.cfg = nil
}

// ---- groups ----

// cRLGroup is the C handle of a struct bufferevent_rate_limit_group
// (opaque to programs), laid out as capi/ratelim.c expects.
type cRLGroup struct {
	magic uint32
	idx   uint32
	gen   uint64
}

const (
	rlgLive    = 0x726c6720 // "rlg "
	rlgDead    = 0xdead7169
	sizeofCRLG = int(unsafe.Sizeof(cRLGroup{}))
)

// RateLimitGroup is struct bufferevent_rate_limit_group.
type RateLimitGroup struct {
	c                       *cRLGroup
	gen                     uint64
	cfg                     TokenBucketCfg
	limit                   tokenBucket
	members                 []*bevRateLimit // newest first, as libevent's list
	minShare, confShare     int64
	readSusp, writeSusp     bool
	totalRead, totalWritten uint64
	refill                  rlTimer
	seed                    uint32
}

var rlGroups slots.Table[RateLimitGroup] // Max: table.go

// newGroup is bufferevent_rate_limit_group_new without the C handle.
func newGroup(base *reactor.Base, cfg *TokenBucketCfg) *RateLimitGroup {
	g := &RateLimitGroup{cfg: *cfg}
	now := rlNow()
	g.limit.init(&g.cfg, g.cfg.tickAt(now), false)
	if !g.refill.setup(base, g, true) {
		return nil
	}
	g.refill.add(g.cfg.Tick)
	g.setMinShare(defaultMinShare)
	g.seed = uint32(now.Sec+now.Usec) ^ uint32(uintptr(unsafe.Pointer(g)))
	return g
}

func (g *RateLimitGroup) suspended(write bool) bool {
	if write {
		return g.writeSusp
	}
	return g.readSusp
}

func (g *RateLimitGroup) setSuspended(write, v bool) {
	if write {
		g.writeSusp = v
	} else {
		g.readSusp = v
	}
}

func (g *RateLimitGroup) suspendAll(write bool) {
	g.setSuspended(write, true)
	for _, m := range g.members {
		m.m.rlSuspend(write, suspendBWGroup)
	}
}

// weakRand is libevent's evutil_weakrand_range_ generator (a linear
// congruential one); only fairness depends on it.
func (g *RateLimitGroup) weakRand(n int) int {
	g.seed = (g.seed*1103515245 + 12345) & 0x7fffffff
	return int(g.seed % uint32(n))
}

// unsuspendAll resumes every member, starting at a random one.
func (g *RateLimitGroup) unsuspendAll(write bool) {
	g.setSuspended(write, false)
	n := len(g.members)
	if n == 0 {
		return
	}
	// A member's callback may change the list: walk a copy.
	ms := append([]*bevRateLimit(nil), g.members...)
	first := g.weakRand(n)
	for i := 0; i < n; i++ {
		m := ms[(first+i)%n]
		if m.group == g {
			m.m.rlUnsuspend(write, suspendBWGroup)
			m.liftBW(write)
		}
	}
}

// HandleEvent is the group's refill timer (bev_group_refill_callback_).
func (g *RateLimitGroup) HandleEvent(*reactor.Event, int16) {
	defer recoverHandler("bufferevent rate limit group")
	g.onRefill(rlNow())
}

func (g *RateLimitGroup) onRefill(now reactor.Timeval) {
	g.limit.update(&g.cfg, g.cfg.tickAt(now))
	if g.readSusp && g.limit.read >= g.minShare {
		g.unsuspendAll(false)
	}
	if g.writeSusp && g.limit.write >= g.minShare {
		g.unsuspendAll(true)
	}
}

// setCfg is bufferevent_rate_limit_group_set_cfg.
func (g *RateLimitGroup) setCfg(cfg *TokenBucketCfg) {
	sameTick := g.cfg.Tick == cfg.Tick
	g.cfg = *cfg
	g.limit.clip(cfg)
	if !sameTick {
		g.refill.add(g.cfg.Tick)
	}
	g.setMinShare(uint64(g.confShare))
}

// setMinShare is bufferevent_rate_limit_group_set_min_share.
func (g *RateLimitGroup) setMinShare(share uint64) int {
	if share > uint64(evSsizeMax) {
		return -1
	}
	s := int64(share)
	g.confShare = s
	if s > g.cfg.ReadRate {
		s = g.cfg.ReadRate
	}
	if s > g.cfg.WriteRate {
		s = g.cfg.WriteRate
	}
	g.minShare = s
	return 0
}

// decrement is bufferevent_rate_limit_group_decrement_{read,write}.
func (g *RateLimitGroup) decrement(write bool, decr int64) {
	l := g.limit.level(write)
	old := *l
	*l -= decr
	if old > 0 && *l <= 0 {
		g.suspendAll(write)
	} else if old <= 0 && *l > 0 {
		g.unsuspendAll(write)
	}
}

// free is bufferevent_rate_limit_group_free. libevent asserts that the group
// is empty; we detach the members (resuming them) instead.
func (g *RateLimitGroup) free() {
	if n := len(g.members); n > 0 {
		svc.Warnf("bufferevent_rate_limit_group_free: the group still has %d member(s); removing them", n)
		for len(g.members) > 0 {
			g.members[0].leaveGroup(true)
		}
	}
	g.refill.release()
}
