package core

/*
#cgo CFLAGS: -I${SRCDIR}/../capi
#include <stddef.h>
#include <stdint.h>
#include "gev_fork.h"
#include "gev_ssl.h"

// Calls of libevent_openssl's steps (struct gev_ssl_funcs), one Go->C
// crossing each. The function and the op travel as integers (C values).
// Steps may run the program's OpenSSL callbacks (verification, info): they
// count as callbacks for a fork inside them (gev_fork.h).

static inline void gev_ssl_step(uintptr_t fn, uintptr_t op) {
	gev_cb_enter();
	((void (*)(struct gev_ssl_op *))fn)((struct gev_ssl_op *)op);
	gev_cb_leave();
}

static inline int gev_ssl_step_int(uintptr_t fn, uintptr_t op, int arg) {
	gev_cb_enter();
	int r = ((int (*)(struct gev_ssl_op *, int))fn)((struct gev_ssl_op *)op, arg);
	gev_cb_leave();
	return r;
}

static inline int gev_ssl_step_op(uintptr_t fn, uintptr_t op) {
	gev_cb_enter();
	int r = ((int (*)(struct gev_ssl_op *))fn)((struct gev_ssl_op *)op);
	gev_cb_leave();
	return r;
}

enum {
	gev_ssl_op_size = sizeof(struct gev_ssl_op),
	gev_ssl_off_niov = offsetof(struct gev_ssl_op, niov),
	gev_ssl_off_ret = offsetof(struct gev_ssl_op, ret),
	gev_ssl_off_nread = offsetof(struct gev_ssl_op, nread),
	gev_ssl_off_errors = offsetof(struct gev_ssl_op, errors),
	gev_ssl_off_nerrors = offsetof(struct gev_ssl_op, nerrors),
	gev_ssl_funcs_size = sizeof(struct gev_ssl_funcs),
	gev_ssl_off_destruct = offsetof(struct gev_ssl_funcs, destruct),
	gev_ssl_abi = GEV_SSL_ABI,
};
*/
import "C"

import "unsafe"

// Layout checks: cSSLOp and cSSLFuncs must be struct gev_ssl_op and
// struct gev_ssl_funcs field for field (a mismatch does not compile).
const (
	_ = uint(unsafe.Sizeof(cSSLOp{}) - C.gev_ssl_op_size)
	_ = uint(C.gev_ssl_op_size - unsafe.Sizeof(cSSLOp{}))
	_ = uint(unsafe.Offsetof(cSSLOp{}.niov) - C.gev_ssl_off_niov)
	_ = uint(C.gev_ssl_off_niov - unsafe.Offsetof(cSSLOp{}.niov))
	_ = uint(unsafe.Offsetof(cSSLOp{}.ret) - C.gev_ssl_off_ret)
	_ = uint(C.gev_ssl_off_ret - unsafe.Offsetof(cSSLOp{}.ret))
	_ = uint(unsafe.Offsetof(cSSLOp{}.nread) - C.gev_ssl_off_nread)
	_ = uint(C.gev_ssl_off_nread - unsafe.Offsetof(cSSLOp{}.nread))
	_ = uint(unsafe.Offsetof(cSSLOp{}.errors) - C.gev_ssl_off_errors)
	_ = uint(C.gev_ssl_off_errors - unsafe.Offsetof(cSSLOp{}.errors))
	_ = uint(unsafe.Offsetof(cSSLOp{}.nerrors) - C.gev_ssl_off_nerrors)
	_ = uint(C.gev_ssl_off_nerrors - unsafe.Offsetof(cSSLOp{}.nerrors))
	_ = uint(unsafe.Sizeof(cSSLFuncs{}) - C.gev_ssl_funcs_size)
	_ = uint(C.gev_ssl_funcs_size - unsafe.Sizeof(cSSLFuncs{}))
	_ = uint(unsafe.Offsetof(cSSLFuncs{}.destruct) - C.gev_ssl_off_destruct)
	_ = uint(C.gev_ssl_off_destruct - unsafe.Offsetof(cSSLFuncs{}.destruct))

	sslABI = C.gev_ssl_abi
)

func sslStep(fn uintptr, op *cSSLOp) {
	C.gev_ssl_step(C.uintptr_t(fn), C.uintptr_t(uintptr(unsafe.Pointer(op))))
}

func sslStepInt(fn uintptr, op *cSSLOp, arg int) int {
	return int(C.gev_ssl_step_int(C.uintptr_t(fn), C.uintptr_t(uintptr(unsafe.Pointer(op))), C.int(arg)))
}

func sslStepOp(fn uintptr, op *cSSLOp) int {
	return int(C.gev_ssl_step_op(C.uintptr_t(fn), C.uintptr_t(uintptr(unsafe.Pointer(op)))))
}
