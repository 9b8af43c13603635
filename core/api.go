package core

import (
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
)

// The C-facing bufferevent and evconnlistener functions: handle checks and
// libevent's failure values; the exports in capi/gocore call these.

// BaseFromC is the Go side of a program's event_base, or nil (logged,
// naming fn: NULL, or not a base the core can use). For the extras too.
func BaseFromC(cbase unsafe.Pointer, fn string) *reactor.Base { return baseFromC(cbase, fn) }

func baseFromC(cbase unsafe.Pointer, fn string) *reactor.Base {
	if cbase == nil {
		svc.Warnf("%s: event_base is NULL", fn)
		return nil
	}
	b := reactor.FromC(cbase)
	if b == nil {
		svc.Warnf("%s: event_base %p is not usable by the core", fn, cbase)
	}
	return b
}

func bevFromC(p unsafe.Pointer, fn string) *Bufferevent {
	if !bevKind.isLive(p, fn) {
		return nil
	}
	bv := bevAt(p)
	if bv == nil || bv.dead {
		bevKind.stale(p, fn)
		return nil
	}
	return bv
}

// BevSocketNew is bufferevent_socket_new.
func BevSocketNew(cbase unsafe.Pointer, fd int, options int) unsafe.Pointer {
	b := baseFromC(cbase, "bufferevent_socket_new")
	if b == nil {
		return nil
	}
	bv := NewSocketBufferevent(b, fd, options)
	if bv == nil {
		return nil
	}
	return bv.Handle()
}

// BevFree is bufferevent_free.
func BevFree(p unsafe.Pointer) {
	if bevKind.doubleFree(p) {
		return
	}
	if bv := bevFromC(p, "bufferevent_free"); bv != nil {
		bv.Free()
	}
}

// BevEnable is bufferevent_enable.
func BevEnable(p unsafe.Pointer, what int16) int {
	bv := bevFromC(p, "bufferevent_enable")
	if bv == nil {
		return -1
	}
	return bv.Enable(what)
}

// BevDisable is bufferevent_disable.
func BevDisable(p unsafe.Pointer, what int16) int {
	bv := bevFromC(p, "bufferevent_disable")
	if bv == nil {
		return -1
	}
	return bv.Disable(what)
}

// BevWrite is bufferevent_write.
func BevWrite(p, data unsafe.Pointer, n uint64) int {
	bv := bevFromC(p, "bufferevent_write")
	if bv == nil {
		return -1
	}
	if n == 0 {
		return 0
	}
	if data == nil {
		svc.Warnf("bufferevent_write: NULL data with length %d", n)
		return -1
	}
	return bv.Write(data, clampSize(n))
}

// BevWriteBuffer is bufferevent_write_buffer.
func BevWriteBuffer(p, buf unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_write_buffer")
	if bv == nil {
		return -1
	}
	src := bufFromC(buf, "bufferevent_write_buffer")
	if src == nil {
		return -1
	}
	return bv.WriteBuffer(src)
}

// BevRead is bufferevent_read: bytes moved to data. libevent returns
// (size_t)-1 when the input refuses; a bad handle gives 0 here (a huge count
// would send the caller past its buffer).
func BevRead(p, data unsafe.Pointer, n uint64) uint64 {
	bv := bevFromC(p, "bufferevent_read")
	if bv == nil {
		return 0
	}
	k := clampSize(n)
	if k < 0 || k > bv.in.Len() {
		k = bv.in.Len()
	}
	if k == 0 {
		return 0
	}
	if data == nil {
		svc.Warnf("bufferevent_read: NULL destination")
		return 0
	}
	r := bv.Read(data, k)
	if r < 0 {
		return ^uint64(0)
	}
	return uint64(r)
}

// BevReadBuffer is bufferevent_read_buffer.
func BevReadBuffer(p, buf unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_read_buffer")
	if bv == nil {
		return -1
	}
	dst := bufFromC(buf, "bufferevent_read_buffer")
	if dst == nil {
		return -1
	}
	return bv.ReadBuffer(dst)
}

func levFromC(p unsafe.Pointer, fn string) *Listener {
	if !levKind.isLive(p, fn) {
		return nil
	}
	l := levAt(p)
	if l == nil || l.freed {
		levKind.stale(p, fn)
		return nil
	}
	return l
}

// ListenerNew is evconnlistener_new.
func ListenerNew(cbase, cb, arg unsafe.Pointer, flags uint32, backlog int, fd int) unsafe.Pointer {
	b := baseFromC(cbase, "evconnlistener_new")
	if b == nil {
		return nil
	}
	l := NewListener(b, cb, arg, flags, backlog, fd)
	if l == nil {
		return nil
	}
	return l.Handle()
}

// ListenerNewBind is evconnlistener_new_bind.
func ListenerNewBind(cbase, cb, arg unsafe.Pointer, flags uint32, backlog int, sa unsafe.Pointer, socklen int) unsafe.Pointer {
	b := baseFromC(cbase, "evconnlistener_new_bind")
	if b == nil {
		return nil
	}
	l := NewListenerBind(b, cb, arg, flags, backlog, sa, socklen)
	if l == nil {
		return nil
	}
	return l.Handle()
}

// ListenerFree is evconnlistener_free.
func ListenerFree(p unsafe.Pointer) {
	if levKind.doubleFree(p) {
		return
	}
	if l := levFromC(p, "evconnlistener_free"); l != nil {
		l.Free()
	}
}

// ListenerEnable is evconnlistener_enable.
func ListenerEnable(p unsafe.Pointer) int {
	l := levFromC(p, "evconnlistener_enable")
	if l == nil {
		return -1
	}
	return l.Enable()
}

// ListenerDisable is evconnlistener_disable.
func ListenerDisable(p unsafe.Pointer) int {
	l := levFromC(p, "evconnlistener_disable")
	if l == nil {
		return -1
	}
	return l.Disable()
}

// ListenerSetCallback is evconnlistener_set_cb.
func ListenerSetCallback(p, cb, arg unsafe.Pointer) {
	if l := levFromC(p, "evconnlistener_set_cb"); l != nil {
		l.SetCallback(cb, arg)
	}
}

// ListenerSetErrorCallback is evconnlistener_set_error_cb.
func ListenerSetErrorCallback(p, errcb unsafe.Pointer) {
	if l := levFromC(p, "evconnlistener_set_error_cb"); l != nil {
		l.SetErrorCallback(errcb)
	}
}
