package core

/*
#cgo CFLAGS: -I${SRCDIR}/../capi
#include <stdint.h>
#include "gev_fork.h"

// Calls of the program's filter functions and free_context (C values,
// passed as integers like ccall.go's trampolines).
typedef int (*gev_filter_fn)(void *src, void *dst, long lim, int mode, void *ctx);

static inline int gev_call_filter(uintptr_t fn, uintptr_t src, uintptr_t dst, int64_t lim, int mode, uintptr_t ctx) {
	gev_cb_enter();
	int r = ((gev_filter_fn)fn)((void *)src, (void *)dst, (long)lim, mode, (void *)ctx);
	gev_cb_leave();
	return r;
}

static inline void gev_call_free_ctx(uintptr_t fn, uintptr_t ctx) {
	gev_cb_enter();
	((void (*)(void *))fn)((void *)ctx);
	gev_cb_leave();
}
*/
import "C"

import "unsafe"

func callFilter(fn, src, dst unsafe.Pointer, lim int64, mode int, ctx unsafe.Pointer) int {
	return int(C.gev_call_filter(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(src)), C.uintptr_t(uintptr(dst)),
		C.int64_t(lim), C.int(mode), C.uintptr_t(uintptr(ctx))))
}

func callFreeContext(fn, ctx unsafe.Pointer) {
	C.gev_call_free_ctx(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(ctx)))
}
