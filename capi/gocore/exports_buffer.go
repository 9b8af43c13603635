package main

// Exports of GEV_OPS_BUFFER (capi/ops_buffer.h): evbuffer_*. Each one
// converts its arguments, calls one function of goevent/core and returns
// libevent's failure value on a bad handle; a panic is logged (guard, in
// main.go) and turned into that failure value by the named result, which
// holds it until the call succeeds.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/core"
)

//export goevent_evbuffer_new
func goevent_evbuffer_new() (r *C.struct_evbuffer) {
	defer guard("evbuffer_new")
	return (*C.struct_evbuffer)(core.EvbufferNew())
}

//export goevent_evbuffer_free
func goevent_evbuffer_free(buf *C.struct_evbuffer, pool C.int) (r C.int) {
	defer guard("evbuffer_free")
	return C.int(core.EvbufferFree(unsafe.Pointer(buf), pool != 0))
}

//export goevent_evbuffer_add
func goevent_evbuffer_add(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_add")
	return C.int(core.EvbufferAdd(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_add_str
func goevent_evbuffer_add_str(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_add_printf")
	return C.int(core.EvbufferAddStr(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_add_buffer
func goevent_evbuffer_add_buffer(dst, src *C.struct_evbuffer) (r C.int) {
	r = -1
	defer guard("evbuffer_add_buffer")
	return C.int(core.EvbufferAddBuffer(unsafe.Pointer(dst), unsafe.Pointer(src)))
}

//export goevent_evbuffer_drain
func goevent_evbuffer_drain(buf *C.struct_evbuffer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_drain")
	return C.int(core.EvbufferDrain(unsafe.Pointer(buf), uint64(n)))
}

//export goevent_evbuffer_remove
func goevent_evbuffer_remove(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_remove")
	return C.int(core.EvbufferRemove(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_copyout
func goevent_evbuffer_copyout(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.ptrdiff_t) {
	r = -1
	defer guard("evbuffer_copyout")
	return C.ptrdiff_t(core.EvbufferCopyout(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_pullup
func goevent_evbuffer_pullup(buf *C.struct_evbuffer, size C.ptrdiff_t) (r *C.uchar) {
	defer guard("evbuffer_pullup")
	return (*C.uchar)(core.EvbufferPullup(unsafe.Pointer(buf), int64(size)))
}

//export goevent_evbuffer_prepend
func goevent_evbuffer_prepend(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_prepend")
	return C.int(core.EvbufferPrepend(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_prepend_buffer
func goevent_evbuffer_prepend_buffer(dst, src *C.struct_evbuffer) (r C.int) {
	r = -1
	defer guard("evbuffer_prepend_buffer")
	return C.int(core.EvbufferPrependBuffer(unsafe.Pointer(dst), unsafe.Pointer(src)))
}

//export goevent_evbuffer_remove_buffer
func goevent_evbuffer_remove_buffer(src, dst *C.struct_evbuffer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_remove_buffer")
	return C.int(core.EvbufferRemoveBuffer(unsafe.Pointer(src), unsafe.Pointer(dst), uint64(n)))
}

//export goevent_evbuffer_add_reference
func goevent_evbuffer_add_reference(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t, cleanup, arg unsafe.Pointer) (r C.int) {
	r = -1
	defer guard("evbuffer_add_reference")
	return C.int(core.EvbufferAddReference(unsafe.Pointer(buf), data, uint64(n), cleanup, arg))
}

//export goevent_evbuffer_add_buffer_reference
func goevent_evbuffer_add_buffer_reference(out, in *C.struct_evbuffer) (r C.int) {
	r = -1
	defer guard("evbuffer_add_buffer_reference")
	return C.int(core.EvbufferAddBufferReference(unsafe.Pointer(out), unsafe.Pointer(in)))
}

//export goevent_evbuffer_expand
func goevent_evbuffer_expand(buf *C.struct_evbuffer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_expand")
	return C.int(core.EvbufferExpand(unsafe.Pointer(buf), uint64(n)))
}

//export goevent_evbuffer_reserve_space
func goevent_evbuffer_reserve_space(buf *C.struct_evbuffer, size C.ptrdiff_t, vec unsafe.Pointer, n C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_reserve_space")
	return C.int(core.EvbufferReserveSpace(unsafe.Pointer(buf), int64(size), vec, int(n)))
}

//export goevent_evbuffer_commit_space
func goevent_evbuffer_commit_space(buf *C.struct_evbuffer, vec unsafe.Pointer, n C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_commit_space")
	return C.int(core.EvbufferCommitSpace(unsafe.Pointer(buf), vec, int(n)))
}

//export goevent_evbuffer_add_iovec
func goevent_evbuffer_add_iovec(buf *C.struct_evbuffer, vec unsafe.Pointer, n C.int) (r C.size_t) {
	defer guard("evbuffer_add_iovec")
	return C.size_t(core.EvbufferAddIovec(unsafe.Pointer(buf), vec, int(n)))
}

//export goevent_evbuffer_copyout_from
func goevent_evbuffer_copyout_from(buf *C.struct_evbuffer, pos, data unsafe.Pointer, n C.size_t) (r C.ptrdiff_t) {
	r = -1
	defer guard("evbuffer_copyout_from")
	return C.ptrdiff_t(core.EvbufferCopyoutFrom(unsafe.Pointer(buf), pos, data, uint64(n)))
}

//export goevent_evbuffer_get_contiguous_space
func goevent_evbuffer_get_contiguous_space(buf *C.struct_evbuffer) (r C.size_t) {
	defer guard("evbuffer_get_contiguous_space")
	return C.size_t(core.EvbufferGetContiguousSpace(unsafe.Pointer(buf)))
}

//export goevent_evbuffer_search_range
func goevent_evbuffer_search_range(buf *C.struct_evbuffer, what unsafe.Pointer, n C.size_t, start, end, out unsafe.Pointer) {
	defer guard("evbuffer_search_range")
	core.EvbufferSearchRange(unsafe.Pointer(buf), what, uint64(n), start, end, out)
}

//export goevent_evbuffer_search_eol
func goevent_evbuffer_search_eol(buf *C.struct_evbuffer, start unsafe.Pointer, eolLen *C.size_t, style C.int, out unsafe.Pointer) {
	defer guard("evbuffer_search_eol")
	core.EvbufferSearchEol(unsafe.Pointer(buf), start, unsafe.Pointer(eolLen), int(style), out)
}

//export goevent_evbuffer_readln
func goevent_evbuffer_readln(buf *C.struct_evbuffer, style C.int, scratch unsafe.Pointer, cp C.size_t, eolLen *C.size_t) (r C.ptrdiff_t) {
	r = -1
	defer guard("evbuffer_readln")
	return C.ptrdiff_t(core.EvbufferReadln(unsafe.Pointer(buf), int(style), scratch, uint64(cp), unsafe.Pointer(eolLen)))
}

//export goevent_evbuffer_ptr_set
func goevent_evbuffer_ptr_set(buf *C.struct_evbuffer, ptr unsafe.Pointer, pos C.size_t, how C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_ptr_set")
	return C.int(core.EvbufferPtrSet(unsafe.Pointer(buf), ptr, uint64(pos), int(how)))
}

//export goevent_evbuffer_peek
func goevent_evbuffer_peek(buf *C.struct_evbuffer, n C.ptrdiff_t, start, vec unsafe.Pointer, nvec C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_peek")
	return C.int(core.EvbufferPeek(unsafe.Pointer(buf), int64(n), start, vec, int(nvec)))
}

//export goevent_evbuffer_find
func goevent_evbuffer_find(buf *C.struct_evbuffer, what unsafe.Pointer, n C.size_t) (r *C.uchar) {
	defer guard("evbuffer_find")
	return (*C.uchar)(core.EvbufferFind(unsafe.Pointer(buf), what, uint64(n)))
}

//export goevent_evbuffer_add_cb
func goevent_evbuffer_add_cb(buf *C.struct_evbuffer, cb, arg unsafe.Pointer) (r unsafe.Pointer) {
	defer guard("evbuffer_add_cb")
	return core.EvbufferAddCb(unsafe.Pointer(buf), cb, arg)
}

//export goevent_evbuffer_remove_cb_entry
func goevent_evbuffer_remove_cb_entry(buf *C.struct_evbuffer, ent unsafe.Pointer) (r C.int) {
	r = -1
	defer guard("evbuffer_remove_cb_entry")
	return C.int(core.EvbufferRemoveCbEntry(unsafe.Pointer(buf), ent))
}

//export goevent_evbuffer_remove_cb
func goevent_evbuffer_remove_cb(buf *C.struct_evbuffer, cb, arg unsafe.Pointer) (r C.int) {
	r = -1
	defer guard("evbuffer_remove_cb")
	return C.int(core.EvbufferRemoveCb(unsafe.Pointer(buf), cb, arg))
}

//export goevent_evbuffer_cb_flags
func goevent_evbuffer_cb_flags(buf *C.struct_evbuffer, ent unsafe.Pointer, flags C.uint32_t, set C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_cb_set_flags")
	return C.int(core.EvbufferCbFlags(unsafe.Pointer(buf), ent, uint32(flags), set != 0))
}

//export goevent_evbuffer_setcb
func goevent_evbuffer_setcb(buf *C.struct_evbuffer, cb, arg unsafe.Pointer) {
	defer guard("evbuffer_setcb")
	core.EvbufferSetcb(unsafe.Pointer(buf), cb, arg)
}

//export goevent_evbuffer_defer_callbacks
func goevent_evbuffer_defer_callbacks(buf *C.struct_evbuffer, base *C.struct_event_base) (r C.int) {
	r = -1
	defer guard("evbuffer_defer_callbacks")
	return C.int(core.EvbufferDeferCallbacks(unsafe.Pointer(buf), unsafe.Pointer(base)))
}

//export goevent_evbuffer_freeze
func goevent_evbuffer_freeze(buf *C.struct_evbuffer, atFront, freeze C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_freeze")
	return C.int(core.EvbufferFreeze(unsafe.Pointer(buf), int(atFront), freeze != 0))
}

//export goevent_evbuffer_flags
func goevent_evbuffer_flags(buf *C.struct_evbuffer, flags C.uint64_t, set C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_set_flags")
	return C.int(core.EvbufferFlags(unsafe.Pointer(buf), uint64(flags), set != 0))
}

//export goevent_evbuffer_read
func goevent_evbuffer_read(buf *C.struct_evbuffer, fd C.int, howmuch C.int, errp *C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_read")
	var e int32
	r = C.int(core.EvbufferRead(unsafe.Pointer(buf), int(fd), int(howmuch), &e))
	*errp = C.int(e)
	return r
}

//export goevent_evbuffer_write_atmost
func goevent_evbuffer_write_atmost(buf *C.struct_evbuffer, fd C.int, howmuch C.ptrdiff_t, errp *C.int) (r C.int) {
	r = -1
	defer guard("evbuffer_write_atmost")
	var e int32
	r = C.int(core.EvbufferWrite(unsafe.Pointer(buf), int(fd), int64(howmuch), &e))
	*errp = C.int(e)
	return r
}

//export goevent_evbuffer_add_file
func goevent_evbuffer_add_file(buf *C.struct_evbuffer, fd C.int, offset, length C.int64_t) (r C.int) {
	r = -1
	defer guard("evbuffer_add_file")
	return C.int(core.EvbufferAddFile(unsafe.Pointer(buf), int(fd), int64(offset), int64(length)))
}

//export goevent_evbuffer_file_segment_new
func goevent_evbuffer_file_segment_new(fd C.int, offset, length C.int64_t, flags C.unsigned) (r unsafe.Pointer) {
	defer guard("evbuffer_file_segment_new")
	return core.EvbufferFileSegmentNew(int(fd), int64(offset), int64(length), int(flags))
}

//export goevent_evbuffer_file_segment_free
func goevent_evbuffer_file_segment_free(seg unsafe.Pointer) {
	defer guard("evbuffer_file_segment_free")
	core.EvbufferFileSegmentFree(seg)
}

//export goevent_evbuffer_file_segment_add_cleanup_cb
func goevent_evbuffer_file_segment_add_cleanup_cb(seg, cb, arg unsafe.Pointer) {
	defer guard("evbuffer_file_segment_add_cleanup_cb")
	core.EvbufferFileSegmentAddCleanupCb(seg, cb, arg)
}

//export goevent_evbuffer_add_file_segment
func goevent_evbuffer_add_file_segment(buf *C.struct_evbuffer, seg unsafe.Pointer, offset, length C.int64_t) (r C.int) {
	r = -1
	defer guard("evbuffer_add_file_segment")
	return C.int(core.EvbufferAddFileSegment(unsafe.Pointer(buf), seg, int64(offset), int64(length)))
}
