package main

// Exports of GEV_OPS_BEV (capi/ops_bev.h): bufferevents (bev_*: the generic
// calls, for every backend, and the socket backend's) and listeners
// (listener_*). Pairs, filters and rate limiting are in exports_bevx.go. Same
// conventions as exports_buffer.go.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/core"
)

//export goevent_bev_socket_new
func goevent_bev_socket_new(base *C.struct_event_base, fd C.int, options C.int) (r *C.struct_bufferevent) {
	defer guard("bufferevent_socket_new")
	return (*C.struct_bufferevent)(core.BevSocketNew(unsafe.Pointer(base), int(fd), int(options)))
}

//export goevent_bev_free
func goevent_bev_free(bev *C.struct_bufferevent) {
	defer guard("bufferevent_free")
	core.BevFree(unsafe.Pointer(bev))
}

//export goevent_bev_enable
func goevent_bev_enable(bev *C.struct_bufferevent, what C.short) (r C.int) {
	r = -1
	defer guard("bufferevent_enable")
	return C.int(core.BevEnable(unsafe.Pointer(bev), int16(what)))
}

//export goevent_bev_disable
func goevent_bev_disable(bev *C.struct_bufferevent, what C.short) (r C.int) {
	r = -1
	defer guard("bufferevent_disable")
	return C.int(core.BevDisable(unsafe.Pointer(bev), int16(what)))
}

//export goevent_bev_write
func goevent_bev_write(bev *C.struct_bufferevent, data unsafe.Pointer, n C.size_t) (r C.int) {
	r = -1
	defer guard("bufferevent_write")
	return C.int(core.BevWrite(unsafe.Pointer(bev), data, uint64(n)))
}

//export goevent_bev_write_buffer
func goevent_bev_write_buffer(bev *C.struct_bufferevent, buf *C.struct_evbuffer) (r C.int) {
	r = -1
	defer guard("bufferevent_write_buffer")
	return C.int(core.BevWriteBuffer(unsafe.Pointer(bev), unsafe.Pointer(buf)))
}

//export goevent_bev_read
func goevent_bev_read(bev *C.struct_bufferevent, data unsafe.Pointer, n C.size_t) (r C.size_t) {
	defer guard("bufferevent_read")
	return C.size_t(core.BevRead(unsafe.Pointer(bev), data, uint64(n)))
}

//export goevent_bev_read_buffer
func goevent_bev_read_buffer(bev *C.struct_bufferevent, buf *C.struct_evbuffer) (r C.int) {
	r = -1
	defer guard("bufferevent_read_buffer")
	return C.int(core.BevReadBuffer(unsafe.Pointer(bev), unsafe.Pointer(buf)))
}

//export goevent_listener_new
func goevent_listener_new(base *C.struct_event_base, cb unsafe.Pointer, ptr unsafe.Pointer, flags C.uint, backlog C.int, fd C.int) (r *C.struct_evconnlistener) {
	defer guard("evconnlistener_new")
	return (*C.struct_evconnlistener)(core.ListenerNew(unsafe.Pointer(base), cb, ptr, uint32(flags), int(backlog), int(fd)))
}

//export goevent_listener_new_bind
func goevent_listener_new_bind(base *C.struct_event_base, cb unsafe.Pointer, ptr unsafe.Pointer, flags C.uint, backlog C.int, sa *C.struct_sockaddr, socklen C.int) (r *C.struct_evconnlistener) {
	defer guard("evconnlistener_new_bind")
	return (*C.struct_evconnlistener)(core.ListenerNewBind(unsafe.Pointer(base), cb, ptr, uint32(flags), int(backlog), unsafe.Pointer(sa), int(socklen)))
}

//export goevent_listener_free
func goevent_listener_free(lev *C.struct_evconnlistener) {
	defer guard("evconnlistener_free")
	core.ListenerFree(unsafe.Pointer(lev))
}

//export goevent_listener_enable
func goevent_listener_enable(lev *C.struct_evconnlistener) (r C.int) {
	r = -1
	defer guard("evconnlistener_enable")
	return C.int(core.ListenerEnable(unsafe.Pointer(lev)))
}

//export goevent_listener_disable
func goevent_listener_disable(lev *C.struct_evconnlistener) (r C.int) {
	r = -1
	defer guard("evconnlistener_disable")
	return C.int(core.ListenerDisable(unsafe.Pointer(lev)))
}

//export goevent_listener_set_cb
func goevent_listener_set_cb(lev *C.struct_evconnlistener, cb unsafe.Pointer, ptr unsafe.Pointer) {
	defer guard("evconnlistener_set_cb")
	core.ListenerSetCallback(unsafe.Pointer(lev), cb, ptr)
}

//export goevent_listener_set_error_cb
func goevent_listener_set_error_cb(lev *C.struct_evconnlistener, errcb unsafe.Pointer) {
	defer guard("evconnlistener_set_error_cb")
	core.ListenerSetErrorCallback(unsafe.Pointer(lev), errcb)
}

//export goevent_bev_incref
func goevent_bev_incref(bev *C.struct_bufferevent) {
	defer guard("bufferevent_incref")
	core.BevIncref(unsafe.Pointer(bev))
}

//export goevent_bev_decref
func goevent_bev_decref(bev *C.struct_bufferevent) (r C.int) {
	r = -1
	defer guard("bufferevent_decref")
	return C.int(core.BevDecref(unsafe.Pointer(bev)))
}

//export goevent_bev_flush
func goevent_bev_flush(bev *C.struct_bufferevent, iotype C.short, mode C.int) (r C.int) {
	r = -1
	defer guard("bufferevent_flush")
	return C.int(core.BevDoFlush(unsafe.Pointer(bev), int16(iotype), int(mode)))
}

//export goevent_bev_get_max
func goevent_bev_get_max(bev *C.struct_bufferevent, which C.int) (r C.long) {
	r = -1
	defer guard("bufferevent_get_max")
	return C.long(core.BevGetMax(unsafe.Pointer(bev), int(which)))
}

//export goevent_bev_set_max_single
func goevent_bev_set_max_single(bev *C.struct_bufferevent, which C.int, size C.size_t) (r C.int) {
	r = -1
	defer guard("bufferevent_set_max_single")
	return C.int(core.BevSetMaxSingle(unsafe.Pointer(bev), int(which), uint64(size)))
}

//export goevent_bev_priority_set
func goevent_bev_priority_set(bev *C.struct_bufferevent, pri C.int) (r C.int) {
	r = -1
	defer guard("bufferevent_priority_set")
	return C.int(core.BevPrioritySet(unsafe.Pointer(bev), int(pri)))
}

//export goevent_bev_base_set
func goevent_bev_base_set(base *C.struct_event_base, bev *C.struct_bufferevent) (r C.int) {
	r = -1
	defer guard("bufferevent_base_set")
	return C.int(core.BevBaseSet(unsafe.Pointer(base), unsafe.Pointer(bev)))
}

//export goevent_bev_setwatermark
func goevent_bev_setwatermark(bev *C.struct_bufferevent, events C.short, low, high C.size_t) {
	defer guard("bufferevent_setwatermark")
	core.BevSetWatermark(unsafe.Pointer(bev), int16(events), uintptr(low), uintptr(high))
}

//export goevent_bev_set_timeouts
func goevent_bev_set_timeouts(bev *C.struct_bufferevent, rd, wr *C.struct_timeval) (r C.int) {
	r = -1
	defer guard("bufferevent_set_timeouts")
	return C.int(core.BevSetTimeouts(unsafe.Pointer(bev), unsafe.Pointer(rd), unsafe.Pointer(wr)))
}

//export goevent_bev_setfd
func goevent_bev_setfd(bev *C.struct_bufferevent, fd C.int) (r C.int) {
	r = -1
	defer guard("bufferevent_setfd")
	return C.int(core.BevSetFd(unsafe.Pointer(bev), int(fd)))
}

//export goevent_bev_getfd
func goevent_bev_getfd(bev *C.struct_bufferevent) (r C.int) {
	r = -1
	defer guard("bufferevent_getfd")
	return C.int(core.BevGetFd(unsafe.Pointer(bev)))
}

//export goevent_bev_connect
func goevent_bev_connect(bev *C.struct_bufferevent, sa *C.struct_sockaddr, socklen C.int) (r C.int) {
	r = -1
	defer guard("bufferevent_socket_connect")
	return C.int(core.BevConnect(unsafe.Pointer(bev), unsafe.Pointer(sa), int(socklen)))
}

//export goevent_bev_connect_resolved
func goevent_bev_connect_resolved(bev *C.struct_bufferevent, gaiErr C.int, sa *C.struct_sockaddr, socklen C.int) (r C.int) {
	r = -1
	defer guard("bufferevent_socket_connect_hostname")
	return C.int(core.BevConnectResolved(unsafe.Pointer(bev), int(gaiErr), unsafe.Pointer(sa), int(socklen)))
}

//export goevent_bev_get_dns_error
func goevent_bev_get_dns_error(bev *C.struct_bufferevent) (r C.int) {
	defer guard("bufferevent_socket_get_dns_error")
	return C.int(core.BevGetDNSError(unsafe.Pointer(bev)))
}

//export goevent_bev_trigger
func goevent_bev_trigger(bev *C.struct_bufferevent, iotype C.short, options C.int) {
	defer guard("bufferevent_trigger")
	core.BevTrigger(unsafe.Pointer(bev), int16(iotype), int(options))
}

//export goevent_bev_trigger_event
func goevent_bev_trigger_event(bev *C.struct_bufferevent, what C.short, options C.int) {
	defer guard("bufferevent_trigger_event")
	core.BevTriggerEvent(unsafe.Pointer(bev), int16(what), int(options))
}
