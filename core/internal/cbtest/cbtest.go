// Package cbtest provides C callbacks for the tests of goevent/core: each
// forwards to a Go function registered by the test, so the tests run the real
// C trampolines (and see errno as a C callback would).
package cbtest

/*
#cgo CFLAGS: -I${SRCDIR}/../../../capi -I${SRCDIR}/../../../include
#include <stddef.h>
struct bufferevent;
struct evconnlistener;
struct sockaddr;
extern int cbtest_slots[4096];
void cbtest_readcb(struct bufferevent *bev, void *arg);
void cbtest_writecb(struct bufferevent *bev, void *arg);
void cbtest_eventcb(struct bufferevent *bev, short what, void *arg);
void cbtest_acceptcb(struct evconnlistener *lev, int fd, struct sockaddr *sa, int socklen, void *arg);
void cbtest_errorcb(struct evconnlistener *lev, void *arg);
long cbtest_layout(int i);
*/
import "C"

import (
	"sync"
	"unsafe"
)

// Handlers are the Go functions behind one callback argument.
type Handlers struct {
	Read   func(bev unsafe.Pointer)
	Write  func(bev unsafe.Pointer)
	Event  func(bev unsafe.Pointer, what int16, errno int)
	Accept func(lev unsafe.Pointer, fd int, sa unsafe.Pointer, socklen int)
	Error  func(lev unsafe.Pointer, errno int)
}

var (
	mu   sync.Mutex
	regs []*Handlers
)

// Register returns the callback argument (a pointer into C memory) that
// routes the C callbacks to h.
func Register(h *Handlers) unsafe.Pointer {
	mu.Lock()
	defer mu.Unlock()
	regs = append(regs, h)
	i := len(regs) - 1
	return unsafe.Pointer(&C.cbtest_slots[i%4096])
}

func lookup(arg unsafe.Pointer) *Handlers {
	i := (uintptr(arg) - uintptr(unsafe.Pointer(&C.cbtest_slots[0]))) / unsafe.Sizeof(C.int(0))
	mu.Lock()
	defer mu.Unlock()
	if int(i) >= len(regs) {
		return nil
	}
	return regs[i]
}

// C function pointers of the callbacks.
func ReadCB() unsafe.Pointer   { return unsafe.Pointer(C.cbtest_readcb) }
func WriteCB() unsafe.Pointer  { return unsafe.Pointer(C.cbtest_writecb) }
func EventCB() unsafe.Pointer  { return unsafe.Pointer(C.cbtest_eventcb) }
func AcceptCB() unsafe.Pointer { return unsafe.Pointer(C.cbtest_acceptcb) }
func ErrorCB() unsafe.Pointer  { return unsafe.Pointer(C.cbtest_errorcb) }

// Layout returns the C layout fact number i (see cbtest.c), -1 if unknown.
func Layout(i int) int { return int(C.cbtest_layout(C.int(i))) }

//export cbtestData
func cbtestData(bev unsafe.Pointer, arg unsafe.Pointer, which C.int) {
	h := lookup(arg)
	if h == nil {
		return
	}
	if which == 0 && h.Read != nil {
		h.Read(bev)
	} else if which == 1 && h.Write != nil {
		h.Write(bev)
	}
}

//export cbtestEvent
func cbtestEvent(bev unsafe.Pointer, what C.short, arg unsafe.Pointer, cerr C.int) {
	if h := lookup(arg); h != nil && h.Event != nil {
		h.Event(bev, int16(what), int(cerr))
	}
}

//export cbtestAccept
func cbtestAccept(lev unsafe.Pointer, fd C.int, sa unsafe.Pointer, socklen C.int, arg unsafe.Pointer) {
	if h := lookup(arg); h != nil && h.Accept != nil {
		h.Accept(lev, int(fd), sa, int(socklen))
	}
}

//export cbtestError
func cbtestError(lev unsafe.Pointer, arg unsafe.Pointer, cerr C.int) {
	if h := lookup(arg); h != nil && h.Error != nil {
		h.Error(lev, int(cerr))
	}
}
