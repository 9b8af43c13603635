package core

import (
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
)

// C-facing entry points of the rest of bufferevent.h (handle checks and
// libevent's failure values; api.go has the first ones).

// BevIncref is bufferevent_incref.
func BevIncref(p unsafe.Pointer) {
	if bv := bevFromC(p, "bufferevent_incref"); bv != nil {
		bv.incref()
	}
}

// BevDecref is bufferevent_decref: 1 if the bufferevent went away, 0 if
// references remain, -1 on a bad handle.
func BevDecref(p unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_decref")
	if bv == nil {
		return -1
	}
	return bv.decref()
}

// BevDoFlush is bufferevent_flush.
func BevDoFlush(p unsafe.Pointer, iotype int16, mode int) int {
	bv := bevFromC(p, "bufferevent_flush")
	if bv == nil {
		return -1
	}
	bv.incref()
	defer bv.decref()
	return bv.be.flush(bv, iotype, mode)
}

// BevGetMax answers bufferevent_get_max_single_read (which 0),
// _single_write (1), _max_to_read (2), _max_to_write (3).
func BevGetMax(p unsafe.Pointer, which int) int64 {
	bv := bevFromC(p, "bufferevent_get_max")
	if bv == nil {
		return -1
	}
	switch which {
	case 0:
		return bv.maxSingle(false)
	case 1:
		return bv.maxSingle(true)
	case 2:
		return int64(bv.readMax())
	case 3:
		return int64(bv.writeMax())
	}
	return -1
}

// BevSetMaxSingle is bufferevent_set_max_single_read (which 0) and _write (1).
func BevSetMaxSingle(p unsafe.Pointer, which int, size uint64) int {
	bv := bevFromC(p, "bufferevent_set_max_single")
	if bv == nil {
		return -1
	}
	if which == 0 {
		bv.SetMaxSingleRead(size)
	} else {
		bv.SetMaxSingleWrite(size)
	}
	return 0
}

// BevPrioritySet is bufferevent_priority_set.
func BevPrioritySet(p unsafe.Pointer, pri int) int {
	bv := bevFromC(p, "bufferevent_priority_set")
	if bv == nil {
		return -1
	}
	return bv.SetPriority(pri)
}

// BevBaseSet is bufferevent_base_set.
func BevBaseSet(cbase, p unsafe.Pointer) int {
	b := baseFromC(cbase, "bufferevent_base_set")
	if b == nil {
		return -1
	}
	bv := bevFromC(p, "bufferevent_base_set")
	if bv == nil {
		return -1
	}
	return bv.SetBase(b)
}

// BevSetWatermark is bufferevent_setwatermark.
func BevSetWatermark(p unsafe.Pointer, events int16, low, high uintptr) {
	if bv := bevFromC(p, "bufferevent_setwatermark"); bv != nil {
		bv.SetWatermark(events, low, high)
	}
}

// BevSetTimeouts is bufferevent_set_timeouts (rd, wr: struct timeval * or NULL).
func BevSetTimeouts(p, rd, wr unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_set_timeouts")
	if bv == nil {
		return -1
	}
	return bv.SetTimeouts((*cTimeval)(rd), (*cTimeval)(wr))
}

// BevSetFd is bufferevent_setfd.
func BevSetFd(p unsafe.Pointer, fd int) int {
	bv := bevFromC(p, "bufferevent_setfd")
	if bv == nil {
		return -1
	}
	return bv.SetFd(fd)
}

// BevGetFd is bufferevent_getfd for kinds the C layer does not answer.
func BevGetFd(p unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_getfd")
	if bv == nil {
		return -1
	}
	return bv.be.fd()
}

// BevConnect is bufferevent_socket_connect.
func BevConnect(p, sa unsafe.Pointer, socklen int) int {
	bv := bevFromC(p, "bufferevent_socket_connect")
	if bv == nil {
		return -1
	}
	if sa != nil && socklen < 2 {
		svc.Warnf("bufferevent_socket_connect: address length %d is too short", socklen)
		return -1
	}
	return bv.Connect(sa, socklen)
}

// BevConnectResolved finishes bufferevent_socket_connect_hostname.
func BevConnectResolved(p unsafe.Pointer, gaiErr int, sa unsafe.Pointer, socklen int) int {
	bv := bevFromC(p, "bufferevent_socket_connect_hostname")
	if bv == nil {
		return -1
	}
	return bv.ConnectResolved(gaiErr, sa, socklen)
}

// BevLookupStart, BevLookupCancel and BevLookupDone are the two halves of
// bufferevent_socket_connect_hostname with an evdns_base (and the cancel
// the bufferevent keeps meanwhile).
func BevLookupStart(p unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_socket_connect_hostname")
	if bv == nil {
		return -1
	}
	return bv.LookupStart()
}

func BevLookupCancel(p unsafe.Pointer, f func()) {
	if bv := bevFromC(p, "bufferevent_socket_connect_hostname"); bv != nil {
		bv.LookupCancel(f)
	}
}

func BevLookupDone(p unsafe.Pointer, gaiErr int, sa unsafe.Pointer, socklen int) {
	if bv := bevFromC(p, "bufferevent_socket_connect_hostname"); bv != nil {
		bv.LookupDone(gaiErr, sa, socklen)
	}
}

// BevGetDNSError is bufferevent_socket_get_dns_error.
func BevGetDNSError(p unsafe.Pointer) int {
	bv := bevFromC(p, "bufferevent_socket_get_dns_error")
	if bv == nil {
		return 0
	}
	return bv.DNSError()
}

// BevTrigger is bufferevent_trigger.
func BevTrigger(p unsafe.Pointer, iotype int16, options int) {
	if bv := bevFromC(p, "bufferevent_trigger"); bv != nil {
		bv.Trigger(iotype&(reactor.EV_READ|reactor.EV_WRITE), options)
	}
}

// BevTriggerEvent is bufferevent_trigger_event.
func BevTriggerEvent(p unsafe.Pointer, what int16, options int) {
	if bv := bevFromC(p, "bufferevent_trigger_event"); bv != nil {
		bv.TriggerEvent(what, options)
	}
}
