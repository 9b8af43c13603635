package main

// Exports of GEV_OPS_BEVX (capi/ops_bevx.h): bufferevent pairs, filters and
// rate limiting. Same conventions as exports_buffer.go.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/core"
)

//export goevent_bev_pair_new
func goevent_bev_pair_new(base *C.struct_event_base, options C.int, pair **C.struct_bufferevent) (r C.int) {
	r = -1
	defer guard("bufferevent_pair_new")
	return C.int(core.BevPairNew(unsafe.Pointer(base), int(options), (*[2]unsafe.Pointer)(unsafe.Pointer(pair))))
}

//export goevent_bev_pair_get_partner
func goevent_bev_pair_get_partner(bev *C.struct_bufferevent) (r *C.struct_bufferevent) {
	defer guard("bufferevent_pair_get_partner")
	return (*C.struct_bufferevent)(core.BevPairGetPartner(unsafe.Pointer(bev)))
}

//export goevent_bev_filter_new
func goevent_bev_filter_new(u *C.struct_bufferevent, in, out unsafe.Pointer, options C.int, freeCtx, ctx, trRead, trWrite, trEvent unsafe.Pointer) (r *C.struct_bufferevent) {
	defer guard("bufferevent_filter_new")
	core.SetFilterTrampolines(trRead, trWrite, trEvent)
	return (*C.struct_bufferevent)(core.BevFilterNew(unsafe.Pointer(u), in, out, int(options), freeCtx, ctx))
}

//export goevent_bev_filter_cb
func goevent_bev_filter_cb(filter *C.struct_bufferevent, kind C.int, what C.short, err C.int) {
	defer guard("bufferevent filter callback")
	core.BevFilterCallback(unsafe.Pointer(filter), int(kind), int16(what), int(err))
}

//export goevent_bev_get_underlying
func goevent_bev_get_underlying(bev *C.struct_bufferevent) (r *C.struct_bufferevent) {
	defer guard("bufferevent_get_underlying")
	return (*C.struct_bufferevent)(core.BevGetUnderlying(unsafe.Pointer(bev)))
}

//export goevent_bev_set_rate_limit
func goevent_bev_set_rate_limit(bev *C.struct_bufferevent, cfg *C.struct_ev_token_bucket_cfg) (r C.int) {
	r = -1
	defer guard("bufferevent_set_rate_limit")
	return C.int(core.BevSetRateLimit(unsafe.Pointer(bev), unsafe.Pointer(cfg)))
}

//export goevent_bev_get_token_bucket_cfg
func goevent_bev_get_token_bucket_cfg(bev *C.struct_bufferevent) (r *C.struct_ev_token_bucket_cfg) {
	defer guard("bufferevent_get_token_bucket_cfg")
	return (*C.struct_ev_token_bucket_cfg)(core.BevGetTokenBucketCfg(unsafe.Pointer(bev)))
}

//export goevent_bev_get_limit
func goevent_bev_get_limit(bev *C.struct_bufferevent, write C.int) (r C.int64_t) {
	r = -1
	defer guard("bufferevent_get_read/write_limit")
	return C.int64_t(core.BevGetLimit(unsafe.Pointer(bev), write != 0))
}

//export goevent_bev_decrement_limit
func goevent_bev_decrement_limit(bev *C.struct_bufferevent, write C.int, decr C.int64_t) (r C.int) {
	r = -1
	defer guard("bufferevent_decrement_read/write_limit")
	return C.int(core.BevDecrementLimit(unsafe.Pointer(bev), write != 0, int64(decr)))
}

//export goevent_rlgroup_new
func goevent_rlgroup_new(base *C.struct_event_base, cfg *C.struct_ev_token_bucket_cfg) (r *C.struct_bufferevent_rate_limit_group) {
	defer guard("bufferevent_rate_limit_group_new")
	return (*C.struct_bufferevent_rate_limit_group)(core.RLGroupNew(unsafe.Pointer(base), unsafe.Pointer(cfg)))
}

//export goevent_rlgroup_free
func goevent_rlgroup_free(g *C.struct_bufferevent_rate_limit_group) {
	defer guard("bufferevent_rate_limit_group_free")
	core.RLGroupFree(unsafe.Pointer(g))
}

//export goevent_rlgroup_set_cfg
func goevent_rlgroup_set_cfg(g *C.struct_bufferevent_rate_limit_group, cfg *C.struct_ev_token_bucket_cfg) (r C.int) {
	r = -1
	defer guard("bufferevent_rate_limit_group_set_cfg")
	return C.int(core.RLGroupSetCfg(unsafe.Pointer(g), unsafe.Pointer(cfg)))
}

//export goevent_rlgroup_set_min_share
func goevent_rlgroup_set_min_share(g *C.struct_bufferevent_rate_limit_group, share C.size_t) (r C.int) {
	r = -1
	defer guard("bufferevent_rate_limit_group_set_min_share")
	return C.int(core.RLGroupSetMinShare(unsafe.Pointer(g), uint64(share)))
}

//export goevent_rlgroup_get_limit
func goevent_rlgroup_get_limit(g *C.struct_bufferevent_rate_limit_group, write C.int) (r C.int64_t) {
	r = -1
	defer guard("bufferevent_rate_limit_group_get_read/write_limit")
	return C.int64_t(core.RLGroupGetLimit(unsafe.Pointer(g), write != 0))
}

//export goevent_rlgroup_decrement
func goevent_rlgroup_decrement(g *C.struct_bufferevent_rate_limit_group, write C.int, decr C.int64_t) (r C.int) {
	r = -1
	defer guard("bufferevent_rate_limit_group_decrement_read/write")
	return C.int(core.RLGroupDecrement(unsafe.Pointer(g), write != 0, int64(decr)))
}

//export goevent_rlgroup_totals
func goevent_rlgroup_totals(g *C.struct_bufferevent_rate_limit_group, rd, wr *C.uint64_t, reset C.int) (r C.int) {
	r = -1
	defer guard("bufferevent_rate_limit_group_get_totals")
	return C.int(core.RLGroupTotals(unsafe.Pointer(g), (*uint64)(unsafe.Pointer(rd)), (*uint64)(unsafe.Pointer(wr)), reset != 0))
}

//export goevent_bev_add_to_rlgroup
func goevent_bev_add_to_rlgroup(bev *C.struct_bufferevent, g *C.struct_bufferevent_rate_limit_group) (r C.int) {
	r = -1
	defer guard("bufferevent_add_to_rate_limit_group")
	return C.int(core.BevAddToGroup(unsafe.Pointer(bev), unsafe.Pointer(g)))
}

//export goevent_bev_remove_from_rlgroup
func goevent_bev_remove_from_rlgroup(bev *C.struct_bufferevent) (r C.int) {
	r = -1
	defer guard("bufferevent_remove_from_rate_limit_group")
	return C.int(core.BevRemoveFromGroup(unsafe.Pointer(bev)))
}
