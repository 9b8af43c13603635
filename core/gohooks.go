package core

/*
extern void goeventBevGoCB(void *bev, int which, short what);
*/
import "C"

import (
	"unsafe"

	"goevent/reactor"
)

// Go callbacks for the core's own users of bufferevents and listeners
// (extra/evhttp): they run without a C crossing. A bufferevent's callbacks
// stay in its C struct, where bufferevent_setcb/getcb see them: a Go
// callback is stored there as the address of one of three C functions of
// ccall.go (gev_bev_go_read/_write/_event), which the callback runners
// recognize. A program that replaces them with bufferevent_setcb gets its
// own callbacks called, as with libevent; one that calls them gets the Go
// callback run.

// BevHandler receives the callbacks of bufferevents given to
// SetGoCallbacks. They run with the base lock held, as the C callbacks of
// bufferevents do (deferred ones: see runDeferred).
type BevHandler interface {
	BevRead(bv *Bufferevent)
	BevWrite(bv *Bufferevent)
	BevEvent(bv *Bufferevent, what int16, err int)
}

// SetGoCallbacks is bufferevent_setcb with Go callbacks: h's BevRead,
// BevWrite, BevEvent for the directions set, none for the others; arg is
// the cbarg C sees.
func (bv *Bufferevent) SetGoCallbacks(h BevHandler, read, write, event bool, arg unsafe.Pointer) {
	c := bv.c
	if h != nil || bv.x != nil {
		bv.ext().goh = h // in bevExtra: only the core's own users (evhttp) have one
	}
	c.readcb, c.writecb, c.errorcb = nil, nil, nil
	if read {
		c.readcb = goCBAddr(0)
	}
	if write {
		c.writecb = goCBAddr(1)
	}
	if event {
		c.errorcb = goCBAddr(2)
	}
	c.cbarg = arg
}

// gohandler is bv's Go callbacks, nil if none.
func (bv *Bufferevent) gohandler() BevHandler {
	if x := bv.x; x != nil {
		return x.goh
	}
	return nil
}

// goBevData runs a Go data callback if fn is one of the markers; false if
// fn is a C function.
func goBevData(fn, bev unsafe.Pointer) bool {
	switch uintptr(fn) {
	case uintptr(goCBAddr(0)):
		if bv := bevAt(bev); bv != nil {
			if h := bv.gohandler(); h != nil {
				h.BevRead(bv)
			}
		}
		return true
	case uintptr(goCBAddr(1)):
		if bv := bevAt(bev); bv != nil {
			if h := bv.gohandler(); h != nil {
				h.BevWrite(bv)
			}
		}
		return true
	}
	return false
}

func goBevEvent(fn, bev unsafe.Pointer, what int16, err int) bool {
	if uintptr(fn) != uintptr(goCBAddr(2)) {
		return false
	}
	if bv := bevAt(bev); bv != nil {
		if h := bv.gohandler(); h != nil {
			h.BevEvent(bv, what, err)
		}
	}
	return true
}

//export goeventBevGoCB
func goeventBevGoCB(p unsafe.Pointer, which C.int, what C.short) {
	defer recoverHandler("bufferevent callback")
	if !bevKind.isLive(p, "bufferevent callback") {
		return
	}
	if which == 2 {
		goBevEvent(goCBAddr(2), p, int16(what), 0)
	} else {
		goBevData(goCBAddr(int(which)), p)
	}
}

// BevFromHandle is the live bufferevent of a C handle, or nil (logged,
// naming fn).
func BevFromHandle(p unsafe.Pointer, fn string) *Bufferevent { return bevFromC(p, fn) }

// BufferFromHandle is the live evbuffer of a C handle, or nil (logged).
func BufferFromHandle(p unsafe.Pointer, fn string) *Buffer { return bufFromC(p, fn) }

// ListenerFromHandle is the live listener of a C handle, or nil (logged).
func ListenerFromHandle(p unsafe.Pointer, fn string) *Listener { return levFromC(p, fn) }

// Base is the reactor base the bufferevent runs on.
func (bv *Bufferevent) Base() *reactor.Base { return bv.base }

// Fd is bufferevent_getfd.
func (bv *Bufferevent) Fd() int { return bv.be.fd() }

// Options are the BEV_OPT_* the bufferevent was made with.
func (bv *Bufferevent) Options() int { return int(bv.options) }

// Live reports whether bufferevent_free has not been called on bv.
func (bv *Bufferevent) Live() bool { return bv.c != nil && !bv.isFreed() && !bv.dead }

// SetTimeoutsTV is bufferevent_set_timeouts with Go values (nil: none).
func (bv *Bufferevent) SetTimeoutsTV(rd, wr *reactor.Timeval) int {
	var r, w *cTimeval
	if rd != nil {
		r = &cTimeval{rd.Sec, rd.Usec}
	}
	if wr != nil {
		w = &cTimeval{wr.Sec, wr.Usec}
	}
	return bv.SetTimeouts(r, w)
}

// DrainAll empties both buffers, whatever their freezing (libevent's
// evhttp resets a connection this way).
func (bv *Bufferevent) DrainAll() {
	for _, b := range [2]*Buffer{&bv.in, &bv.out} {
		fs := b.freezeStart
		b.freezeStart = false
		b.Drain(b.Len())
		b.freezeStart = fs
	}
}

// SetGoAccept makes fn the listener's callback (evconnlistener_set_cb with a
// Go function): it runs with the base lock held. evconnlistener_set_cb
// replaces it.
func (l *Listener) SetGoAccept(fn func(fd int, sa unsafe.Pointer, socklen int)) {
	l.goAccept = fn
	l.cb, l.arg = nil, nil
	if fn != nil {
		l.sync()
	}
}

// Fd is the listener's socket.
func (l *Listener) Fd() int { return l.fd() }

// FreeListener is evconnlistener_free for a listener the core's users own.
func (l *Listener) FreeListener() { l.Free() }
