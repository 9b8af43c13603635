package evdns

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/extra/internal/cevent"
	"goevent/reactor"
)

// nameserver is one configured server: a non-blocking UDP socket of its
// own (replies are accepted from its address, any port, as libevent does),
// whether it is up, and the probe that brings a failed one back.
type nameserver struct {
	base *Base
	fd   int
	addr []byte // raw sockaddr, as given

	up           bool // libevent's state
	failedTimes  int  // probes failed (sets the next probe's delay)
	timedout     int  // requests timed out in a row
	choked       bool // EAGAIN on send: wait for EV_WRITE
	writeWait    bool
	reqsInflight int

	io         cevent.Event // EV_READ|EV_PERSIST (+EV_WRITE while choked)
	probeTimer cevent.Event
	probe      *Handle // the probe lookup in flight, if any

	next, prev *nameserver
	idx        int32 // its slot in Base.nsTab: requests name it so
	freed      bool
}

// send results of nameserver.send.
const (
	sendOK     = iota
	sendAgain  // EAGAIN or short write: try again when writable
	sendFailed // other error: the nameserver is marked failed
)

// AddNameserver is evdns_base_nameserver_sockaddr_add (and _add, _ip_add):
// 0, 3 when already configured, 2 when the address is too long or the
// socket cannot be bound or watched, 1 when no socket could be made.
func (b *Base) AddNameserver(sa []byte) int {
	if ns := b.serverHead; ns != nil {
		for {
			if sockaddrEqual(ns.addr, sa, true) {
				return 3
			}
			ns = ns.next
			if ns == b.serverHead {
				break
			}
		}
	}
	if len(sa) > 128 {
		if debugOn() {
			logf(logDebug, "Addrlen %d too long.", len(sa))
		}
		return 2
	}
	if len(sa) < 2 {
		return 2
	}
	family := int(binary.NativeEndian.Uint16(sa))
	ns := &nameserver{base: b, addr: append([]byte(nil), sa...), fd: -1}
	if !ns.probeTimer.Init(b.rb, -1, 0, handlerFunc(ns.onProbeTimer)) {
		return -1
	}
	fail := func(err int) int {
		if ns.fd >= 0 {
			unix.Close(ns.fd)
		}
		ns.probeTimer.Free()
		ns.io.Free()
		logf(logWarn, "Unable to add nameserver %s: error %d", formatSockaddr(sa), err)
		return err
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fail(1)
	}
	ns.fd = fd
	if b.soRcvbuf != 0 {
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, b.soRcvbuf) != nil {
			logf(logWarn, "Couldn't set SO_RCVBUF to %d", b.soRcvbuf)
			return fail(-unix.SO_RCVBUF)
		}
	}
	if b.soSndbuf != 0 {
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, b.soSndbuf) != nil {
			logf(logWarn, "Couldn't set SO_SNDBUF to %d", b.soSndbuf)
			return fail(-unix.SO_SNDBUF)
		}
	}
	if len(b.outgoing) > 0 && !sockaddrIsLoopback(sa) {
		if rawBind(fd, b.outgoing) != nil {
			logf(logWarn, "Couldn't bind to outgoing address")
			return fail(2)
		}
	}
	ns.up = true
	if !ns.io.Init(b.rb, fd, reactor.EV_READ|reactor.EV_PERSIST, handlerFunc(ns.onReady)) {
		return fail(2)
	}
	if !b.disableWhenInactive && ns.io.Add(nil) < 0 {
		return fail(2)
	}
	if debugOn() {
		logf(logDebug, "Added nameserver %s as %p", formatSockaddr(sa), ns)
	}
	if b.serverHead == nil {
		ns.next, ns.prev = ns, ns
		b.serverHead = ns
	} else {
		h := b.serverHead
		ns.next, ns.prev = h.next, h
		h.next = ns
		ns.next.prev = ns
	}
	b.good++
	ns.idx = int32(len(b.nsTab))
	b.nsTab = append(b.nsTab, ns)
	return 0
}

// CountNameservers is evdns_base_count_nameservers.
func (b *Base) CountNameservers() int {
	n := 0
	if ns := b.serverHead; ns != nil {
		for {
			n++
			ns = ns.next
			if ns == b.serverHead {
				break
			}
		}
	}
	return n
}

// NameserverAddr is evdns_base_get_nameserver_addr: the address of the
// idx-th nameserver counted from the current head.
func (b *Base) NameserverAddr(idx int) ([]byte, bool) {
	ns := b.serverHead
	for i := 0; i < idx && ns != nil; i++ {
		if ns.next == b.serverHead {
			return nil, false
		}
		ns = ns.next
	}
	if ns == nil {
		return nil, false
	}
	return ns.addr, true
}

// freeNameservers frees every nameserver, from the head round the circle.
func (b *Base) freeNameservers() {
	for ns := b.serverHead; ns != nil; {
		next := ns.next
		ns.free()
		if next == b.serverHead {
			break
		}
		ns = next
	}
	b.serverHead = nil
	b.good = 0
}

// ClearNameservers is evdns_base_clear_nameservers_and_suspend: every
// nameserver goes; requests in flight wait (before those already waiting)
// for evdns_base_resume.
func (b *Base) ClearNameservers() int {
	b.freeNameservers()
	// Requests in flight go back, in order, before the waiting ones.
	var moved []*request
	for r := b.inflightQ.head; r != nil; r = r.next {
		moved = append(moved, r)
	}
	for i := len(moved) - 1; i >= 0; i-- {
		r := moved[i]
		delete(b.inflight, r.transID)
		b.inflightQ.remove(r)
		r.txCount, r.reissue = 0, 0
		r.nsIdx = -1
		b.rb.Del(&r.ev)
		r.transID = 0
		r.transmitMe = false
		b.waiting.pushFront(r)
		r.state = reqWaiting
	}
	return 0
}

// Resume is evdns_base_resume.
func (b *Base) Resume() int {
	b.pumpWaiting()
	return 0
}

// free closes ns's socket and drops its events and probe (a probe in
// flight is cancelled).
func (ns *nameserver) free() {
	if ns.freed {
		return
	}
	ns.freed = true
	if ns.fd >= 0 {
		unix.Close(ns.fd)
	}
	ns.io.Free()
	ns.probeTimer.Free()
	if ns.probe != nil {
		p := ns.probe
		ns.probe = nil
		ns.base.Cancel(p)
	}
	if int(ns.idx) < len(ns.base.nsTab) && ns.base.nsTab[ns.idx] == ns {
		ns.base.nsTab[ns.idx] = nil
	}
}

// pick is nameserver_pick: the next nameserver that is up, round robin
// from the head (which moves); any one when none is up.
func (b *Base) pick() *nameserver {
	if b.serverHead == nil {
		return nil
	}
	if b.good == 0 {
		b.serverHead = b.serverHead.next
		return b.serverHead
	}
	start := b.serverHead
	for {
		if b.serverHead.up {
			p := b.serverHead
			b.serverHead = b.serverHead.next
			return p
		}
		b.serverHead = b.serverHead.next
		if b.serverHead == start {
			p := b.serverHead
			b.serverHead = b.serverHead.next
			return p
		}
	}
}

// failed is nameserver_failed: ns is down; a probe is scheduled, and
// requests waiting to go to it are moved to others.
func (ns *nameserver) failed(msg string) {
	b := ns.base
	if !ns.up || ns.freed {
		return
	}
	logf(logMsg, "Nameserver %s has failed: %s", formatSockaddr(ns.addr), msg)
	b.good--
	if b.good == 0 {
		logf(logMsg, "All nameservers have failed")
	}
	ns.up = false
	ns.failedTimes = 1
	to := tv(b.probeInitial)
	if ns.probeTimer.Add(&to) < 0 {
		logf(logWarn, "Error from libevent when adding timer event for %s", formatSockaddr(ns.addr))
	}
	if b.good == 0 {
		return
	}
	for r := b.inflightQ.head; r != nil; r = r.next {
		if r.txCount == 0 && r.nsIdx == ns.idx {
			b.swapNS(r, b.pick())
		}
	}
}

// setUp is nameserver_up: ns answered; its probe (if any) is cancelled.
func (ns *nameserver) setUp() {
	if ns.up {
		return
	}
	logf(logMsg, "Nameserver %s is back up", formatSockaddr(ns.addr))
	ns.probeTimer.Del()
	if ns.probe != nil {
		p := ns.probe
		ns.probe = nil
		ns.base.Cancel(p)
	}
	ns.up = true
	ns.failedTimes = 0
	ns.timedout = 0
	ns.base.good++
}

// onProbeTimer sends a probe to a failed nameserver.
func (ns *nameserver) onProbeTimer(int16) {
	if !ns.freed {
		ns.sendProbe()
	}
}

// sendProbe is nameserver_send_probe: an A query for google.com, forced in
// flight to ns whatever the limit.
func (ns *nameserver) sendProbe() {
	b := ns.base
	if debugOn() {
		logf(logDebug, "Sending probe to %s", formatSockaddr(ns.addr))
	}
	h := newHandle(b)
	if h == nil {
		return
	}
	ext := b.newExt(&reqExt{gcb: ns.probeDone})
	r := b.newRequest(h, typeA, "google.com", nil, nil, ext)
	if r == nil {
		b.releaseExt(ext)
		h.free(b)
		return
	}
	ns.probe = h
	r.setTransID(b.transactionID())
	r.setNS(ns) // forced to ns, whatever the pick said
	b.submit(r)
}

// probeDone is nameserver_probe_callback.
func (ns *nameserver) probeDone(d *deferred) {
	res := d.result()
	if res == errCancel {
		return // cancelled because ns came back some other way
	}
	if ns.freed {
		return
	}
	ns.probe = nil
	if res == errNone || res == errNotExist {
		ns.setUp()
	} else {
		ns.probeFailed()
	}
}

// probeFailed waits longer before the next probe (times 3 per failure, at
// most an hour).
func (ns *nameserver) probeFailed() {
	ns.probeTimer.Del()
	if ns.up {
		return
	}
	t := tv(ns.base.probeInitial)
	for i := ns.failedTimes; i > 0 && t.Sec < maxProbeTimeout; i-- {
		t.Sec *= backoffFactor
		t.Usec *= backoffFactor
		if t.Usec > 1000000 {
			t.Sec += t.Usec / 1000000
			t.Usec %= 1000000
		}
	}
	if t.Sec > maxProbeTimeout {
		t.Sec, t.Usec = maxProbeTimeout, 0
	}
	ns.failedTimes++
	if ns.probeTimer.Add(&t) < 0 {
		logf(logWarn, "Error from libevent when adding timer event for %s", formatSockaddr(ns.addr))
	}
}

// send puts r's packet on ns's socket.
func (ns *nameserver) send(r *request) int {
	b := ns.base
	if ns.reqsInflight == 1 && b.disableWhenInactive && ns.io.Add(nil) < 0 {
		return sendAgain
	}
	pkt := r.packet()
	n, err := rawSendto(ns.fd, pkt, ns.addr)
	if err != nil {
		if err == unix.EAGAIN || err == unix.EINTR {
			return sendAgain
		}
		ns.failed(err.Error())
		return sendFailed
	}
	if n != len(pkt) {
		return sendAgain
	}
	return sendOK
}

// writeWaiting is nameserver_write_waiting: watch for EV_WRITE too, or not.
func (ns *nameserver) writeWaiting(w bool) {
	if ns.writeWait == w {
		return
	}
	ns.writeWait = w
	ev := int16(reactor.EV_READ | reactor.EV_PERSIST)
	if w {
		ev |= reactor.EV_WRITE
	}
	if ns.io.Reassign(ns.fd, ev) < 0 {
		logf(logWarn, "Error from libevent when adding event for %s", formatSockaddr(ns.addr))
	}
}

// onReady is nameserver_ready_callback.
func (ns *nameserver) onReady(res int16) {
	if ns.freed {
		return
	}
	if res&reactor.EV_WRITE != 0 {
		ns.choked = false
		if !ns.base.transmitAll() {
			ns.writeWaiting(false)
		}
	}
	if res&reactor.EV_READ != 0 && !ns.freed {
		ns.read()
	}
}

// read is nameserver_read: every datagram waiting; one from another
// address ends the round with a warning.
func (ns *nameserver) read() {
	b := ns.base
	for !ns.freed && !b.dead {
		n, fromLen, err := rawRecvfrom(ns.fd, b.rbuf[:], b.from[:])
		if err != nil {
			if err == unix.EAGAIN || err == unix.EINTR {
				return
			}
			ns.failed(err.Error())
			return
		}
		from := b.from[:fromLen]
		if !sockaddrEqual(from, ns.addr, false) {
			logf(logWarn, "Address mismatch on received DNS packet.  Apparent source was %s", formatSockaddr(from))
			return
		}
		ns.timedout = 0
		b.parseReply(b.rbuf[:n])
	}
}

// ---- sockaddrs ----

// sockaddrEqual is evutil_sockaddr_cmp(a, b, withPort) == 0 for the
// families evdns uses.
func sockaddrEqual(a, b []byte, withPort bool) bool {
	if len(a) < 2 || len(b) < 2 {
		return false
	}
	fa, fb := binary.NativeEndian.Uint16(a), binary.NativeEndian.Uint16(b)
	if fa != fb {
		return false
	}
	switch fa {
	case unix.AF_INET:
		if len(a) < 8 || len(b) < 8 {
			return false
		}
		if string(a[4:8]) != string(b[4:8]) {
			return false
		}
		return !withPort || string(a[2:4]) == string(b[2:4])
	case unix.AF_INET6:
		if len(a) < 24 || len(b) < 24 {
			return false
		}
		if string(a[8:24]) != string(b[8:24]) {
			return false
		}
		return !withPort || string(a[2:4]) == string(b[2:4])
	}
	return false
}

// sockaddrIsLoopback is evutil_sockaddr_is_loopback_: 127/8 or ::1.
func sockaddrIsLoopback(sa []byte) bool {
	if len(sa) < 2 {
		return false
	}
	switch binary.NativeEndian.Uint16(sa) {
	case unix.AF_INET:
		return len(sa) >= 8 && sa[4] == 127
	case unix.AF_INET6:
		if len(sa) < 24 {
			return false
		}
		for _, c := range sa[8:23] {
			if c != 0 {
				return false
			}
		}
		return sa[23] == 1
	}
	return false
}

// formatSockaddr is evutil_format_sockaddr_port_: "1.2.3.4:53", "[::1]:53".
func formatSockaddr(sa []byte) string {
	if len(sa) < 2 {
		return "<addr with socktype ?>"
	}
	switch binary.NativeEndian.Uint16(sa) {
	case unix.AF_INET:
		if len(sa) >= 8 {
			ip := netip.AddrFrom4([4]byte(sa[4:8]))
			return ip.String() + ":" + strconv.Itoa(int(binary.BigEndian.Uint16(sa[2:4])))
		}
	case unix.AF_INET6:
		if len(sa) >= 24 {
			ip := netip.AddrFrom16([16]byte(sa[8:24]))
			return "[" + ip.String() + "]:" + strconv.Itoa(int(binary.BigEndian.Uint16(sa[2:4])))
		}
	}
	return "<addr with socktype " + strconv.Itoa(int(binary.NativeEndian.Uint16(sa))) + ">"
}

func rawSendto(fd int, p, to []byte) (int, error) {
	n, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)),
		uintptr(unix.MSG_NOSIGNAL), uintptr(unsafe.Pointer(&to[0])), uintptr(len(to)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawRecvfrom(fd int, p, from []byte) (n, fromLen int, err error) {
	fl := uint32(len(from))
	r, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)),
		0, uintptr(unsafe.Pointer(&from[0])), uintptr(unsafe.Pointer(&fl)))
	if e != 0 {
		return 0, 0, e
	}
	if int(fl) > len(from) {
		fl = uint32(len(from))
	}
	return int(r), int(fl), nil
}

func rawBind(fd int, sa []byte) error {
	_, _, e := unix.Syscall(unix.SYS_BIND, uintptr(fd), uintptr(unsafe.Pointer(&sa[0])), uintptr(len(sa)))
	if e != 0 {
		return e
	}
	return nil
}
