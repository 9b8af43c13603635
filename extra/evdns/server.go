package evdns

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/net/dns/dnsmessage"
	"golang.org/x/sys/unix"

	"goevent/extra/internal/cevent"
	"goevent/reactor"
)

// Port is an evdns_server_port: queries read from a UDP socket the
// program bound, handed one by one to its callback, answered with
// evdns_server_request_respond (libevent's struct evdns_server_port). It
// lives while closed-but-unanswered requests hold it (refcnt).
type Port struct {
	c   *cHandle
	gen uint64
	rb  *reactor.Base
	fd  int

	refcnt  int
	choked  bool // a reply failed: waiting for EV_WRITE
	closing bool
	cb, arg unsafe.Pointer
	gocb    func(pub unsafe.Pointer) // the Go tests' callback, when cb is nil
	io      cevent.Event

	pendHead, pendTail *sreq // replies to send again when writable
	freed              bool

	rbuf [1500]byte
	from [128]byte
}

var ports table[Port]

// sreq is a received query: the program holds its public part (struct
// evdns_server_request, in C memory after our header) until it responds
// or drops it.
type sreq struct {
	blk  unsafe.Pointer // struct gev_dns_sreq, then the public struct, questions
	size int
	gen  uint64
	port *Port

	transID  uint16
	nq       int // questions parsed (the program may change nquestions)
	sections [3][]rr
	response []byte

	next, prev *sreq
	queued     bool
	freed      bool
}

// rr is one record of a reply being built (libevent's server_reply_item).
type rr struct {
	name   string
	typ    uint16
	class  uint16
	ttl    uint32
	isName bool
	data   []byte // or the name, with isName
}

var sreqs table[sreq]

// Offsets in the C block of a server request (see struct gev_dns_sreq).
const (
	sreqAddrlenOff = sizeofHandle     // int32 addrlen
	sreqAddrOff    = sizeofHandle + 8 // struct sockaddr_storage
	pubFlagsOff    = 0                // struct evdns_server_request: int flags
	pubNqOff       = 4                //   int nquestions
	pubQsOff       = 8                //   struct evdns_server_question **questions
	pubSize        = 16
	qNameOff       = 8 // struct evdns_server_question: int type, int class, char name[]
)

// NewPort is evdns_add_server_port_with_base.
func NewPort(rb *reactor.Base, fd int, cb, arg unsafe.Pointer) *Port {
	p := allocHandle(sizeofHandle)
	if p == nil {
		return nil
	}
	pt := &Port{c: (*cHandle)(p), rb: rb, fd: fd, refcnt: 1, cb: cb, arg: arg}
	if !pt.io.Init(rb, fd, reactor.EV_READ|reactor.EV_PERSIST, handlerFunc(pt.onReady)) {
		freeHandle(p, sizeofHandle)
		return nil
	}
	if pt.io.Add(nil) < 0 {
		pt.io.Free()
		freeHandle(p, sizeofHandle)
		return nil
	}
	gen, ok := ports.PutHandle(pt, p, magicPort, rb.C())
	if !ok {
		pt.io.Free()
		freeHandle(p, sizeofHandle)
		return nil
	}
	pt.gen = gen
	return pt
}

// PortFromC returns the Port of a live handle, or nil (logged).
func PortFromC(h unsafe.Pointer, fn string) *Port {
	return lookup(&ports, h, magicPort, "evdns_server_port", fn, func(p *Port) uint64 { return p.gen })
}

// Close is evdns_close_server_port: the port goes at once, or when its
// last request is answered or dropped (it keeps serving meanwhile, as
// libevent's does).
func (pt *Port) Close() {
	pt.refcnt--
	if pt.refcnt == 0 {
		pt.free()
	} else {
		pt.closing = true
	}
}

// free is server_port_free: the socket is closed (as libevent does).
func (pt *Port) free() {
	if pt.freed {
		return
	}
	pt.freed = true
	if pt.fd > 0 {
		unix.Close(pt.fd)
		pt.fd = -1
	}
	pt.io.Free()
	ports.Release(pt.c.idx)
	freeHandle(unsafe.Pointer(pt.c), sizeofHandle)
}

func (pt *Port) onReady(res int16) {
	if pt.freed {
		return
	}
	if res&reactor.EV_WRITE != 0 {
		pt.choked = false
		pt.flush()
	}
	if res&reactor.EV_READ != 0 && !pt.freed {
		pt.read()
	}
}

// read is server_port_read: every query waiting.
func (pt *Port) read() {
	for !pt.freed {
		n, fromLen, err := rawRecvfrom(pt.fd, pt.rbuf[:], pt.from[:])
		if err != nil {
			if err == unix.EAGAIN || err == unix.EINTR {
				return
			}
			logf(logWarn, "Error %s (%d) while reading request.", err.Error(), int(err.(unix.Errno)))
			return
		}
		pt.parseRequest(pt.rbuf[:n], pt.from[:fromLen])
	}
}

// parseRequest is request_parse: a well-formed query (not a response, at
// least one question) becomes a request given to the callback.
func (pt *Port) parseRequest(pkt, from []byte) {
	var p dnsmessage.Parser
	hdr, err := p.Start(pkt)
	if err != nil {
		return
	}
	flags := rawFlags(pkt)
	if flags&flagQR != 0 {
		return
	}
	flags &= 0x0110 // only RD and CD are kept
	type question struct {
		name       string
		typ, class uint16
	}
	var qs []question
	for {
		q, err := p.Question()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return
		}
		qs = append(qs, question{nameString(&q.Name), uint16(q.Type), uint16(q.Class)})
	}
	if len(qs) == 0 {
		return // libevent's calloc of no questions fails: the query is dropped
	}
	// One C block: header, public struct, question pointers, questions.
	size := sreqPubOff + pubSize + 8*len(qs)
	qoff := make([]int, len(qs))
	for i, q := range qs {
		qoff[i] = size
		size += (qNameOff + len(q.name) + 1 + 7) &^ 7
	}
	blk := allocHandle(size)
	if blk == nil {
		return
	}
	s := &sreq{blk: blk, size: size, port: pt, transID: hdr.ID, nq: len(qs)}
	gen, ok := sreqs.PutHandle(s, blk, magicSreq, pt.rb.C())
	if !ok {
		freeHandle(blk, size)
		return
	}
	s.gen = gen
	if len(from) > 128 {
		from = from[:128]
	}
	*(*int32)(unsafe.Add(blk, sreqAddrlenOff)) = int32(len(from))
	copy(unsafe.Slice((*byte)(unsafe.Add(blk, sreqAddrOff)), len(from)), from)
	pub := unsafe.Add(blk, sreqPubOff)
	*(*int32)(unsafe.Add(pub, pubFlagsOff)) = int32(flags)
	*(*int32)(unsafe.Add(pub, pubNqOff)) = int32(len(qs))
	arr := unsafe.Add(pub, pubSize)
	*(*unsafe.Pointer)(unsafe.Add(pub, pubQsOff)) = arr
	for i, q := range qs {
		qp := unsafe.Add(blk, qoff[i])
		*(*int32)(qp) = int32(q.typ)
		*(*int32)(unsafe.Add(qp, 4)) = int32(q.class)
		copy(unsafe.Slice((*byte)(unsafe.Add(qp, qNameOff)), len(q.name)), q.name)
		*(*byte)(unsafe.Add(qp, qNameOff+len(q.name))) = 0
		*(*unsafe.Pointer)(unsafe.Add(arr, 8*i)) = qp
	}
	pt.refcnt++
	// The callback runs without the event_base lock, as libevent runs
	// event callbacks; the request keeps the port alive meanwhile.
	cb, arg := pt.cb, pt.arg
	if cb == nil {
		if pt.gocb != nil {
			pt.gocb(pub)
		}
		return
	}
	pt.rb.Unlock()
	callServerCB(cb, pub, arg)
	pt.rb.Lock()
}

// SreqFromC returns the request whose public part is pub, or nil (logged).
func SreqFromC(pub unsafe.Pointer, fn string) *sreq {
	if pub == nil {
		return lookup(&sreqs, nil, magicSreq, "evdns_server_request", fn, func(s *sreq) uint64 { return s.gen })
	}
	return lookup(&sreqs, unsafe.Add(pub, -sreqPubOff), magicSreq, "evdns_server_request", fn,
		func(s *sreq) uint64 { return s.gen })
}

// AddReply is evdns_server_request_add_reply: -1 once answered, for a bad
// section, or without data for a name.
func (s *sreq) AddReply(section int, name string, typ, class, ttl, datalen int, isName bool, data unsafe.Pointer, dataName string) int {
	if s.response != nil || section < 0 || section > 2 {
		return -1
	}
	it := rr{name: name, typ: uint16(typ), class: uint16(class), ttl: uint32(ttl), isName: isName}
	if data != nil {
		if isName {
			it.data = []byte(dataName)
		} else {
			if datalen < 0 {
				return -1
			}
			it.data = append([]byte(nil), unsafe.Slice((*byte)(data), datalen)...)
			it.data = it.data[:datalen&0xffff] // libevent keeps the length in 16 bits
		}
	} else if isName {
		return -1 // libevent would crash encoding it
	}
	s.sections[section] = append(s.sections[section], it)
	return 0
}

// format is evdns_server_request_format_response: the reply to send (at
// most 512 bytes: longer ones are cut there with TC set). A question name
// that cannot be encoded fails (the label or name error, negative).
func (s *sreq) format(err int) int {
	if err < 0 || err > 15 {
		return -1
	}
	pub := unsafe.Add(s.blk, sreqPubOff)
	flags := uint16(*(*int32)(unsafe.Add(pub, pubFlagsOff))) | 0x8000 | uint16(err)
	nq := int(*(*int32)(unsafe.Add(pub, pubNqOff)))
	if nq < 0 || nq > s.nq {
		nq = s.nq
	}
	const bufLen = 1500
	buf := make([]byte, 0, bufLen)
	buf = binary.BigEndian.AppendUint16(buf, s.transID)
	buf = binary.BigEndian.AppendUint16(buf, flags)
	buf = binary.BigEndian.AppendUint16(buf, uint16(nq))
	for i := 0; i < 3; i++ {
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(s.sections[i])))
	}
	var table labelTable
	overflow := false
	arr := *(*unsafe.Pointer)(unsafe.Add(pub, pubQsOff))
	for i := 0; i < nq; i++ {
		qp := *(*unsafe.Pointer)(unsafe.Add(arr, 8*i))
		typ := uint16(*(*int32)(qp))
		class := uint16(*(*int32)(unsafe.Add(qp, 4)))
		name := s.cString(unsafe.Add(qp, qNameOff))
		var ok bool
		if buf, ok = appendLabelsLimit(buf, name, &table, bufLen); !ok {
			if len(name) <= 255 && !labelsFit(name) {
				return -1
			}
			return -2
		}
		if len(buf)+4 > bufLen {
			overflow = true
			break
		}
		buf = binary.BigEndian.AppendUint16(buf, typ)
		buf = binary.BigEndian.AppendUint16(buf, class)
	}
records:
	for i := 0; i < 3 && !overflow; i++ {
		for _, it := range s.sections[i] {
			var ok bool
			if buf, ok = appendLabelsLimit(buf, it.name, &table, bufLen); !ok || len(buf)+10 > bufLen {
				overflow = true
				break records
			}
			buf = binary.BigEndian.AppendUint16(buf, it.typ)
			buf = binary.BigEndian.AppendUint16(buf, it.class)
			buf = binary.BigEndian.AppendUint32(buf, it.ttl)
			if it.isName {
				lenAt := len(buf)
				buf = append(buf, 0, 0)
				if buf, ok = appendLabelsLimit(buf, string(it.data), &table, bufLen); !ok {
					overflow = true
					break records
				}
				binary.BigEndian.PutUint16(buf[lenAt:], uint16(len(buf)-lenAt-2))
			} else {
				if len(buf)+2+len(it.data) > bufLen {
					overflow = true
					break records
				}
				buf = binary.BigEndian.AppendUint16(buf, uint16(len(it.data)))
				buf = append(buf, it.data...)
			}
		}
	}
	if overflow || len(buf) > 512 {
		// Cut at 512 bytes (zeros past what was written), TC set.
		full := make([]byte, 512)
		copy(full, buf)
		full[2] |= 0x02
		buf = full
	}
	s.response = buf
	s.sections = [3][]rr{}
	return 0
}

// labelsFit reports whether every label of name has at most 63 bytes.
func labelsFit(name string) bool {
	n := 0
	for i := 0; i < len(name); i++ {
		if name[i] == '.' {
			n = 0
			continue
		}
		if n++; n > 63 {
			return false
		}
	}
	return true
}

// cString reads a NUL-terminated string at p inside s's block.
func (s *sreq) cString(p unsafe.Pointer) string {
	start := uintptr(p) - uintptr(s.blk)
	if uintptr(p) < uintptr(s.blk) || int(start) >= s.size {
		return ""
	}
	b := unsafe.Slice((*byte)(p), s.size-int(start))
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func (s *sreq) addr() []byte {
	n := int(*(*int32)(unsafe.Add(s.blk, sreqAddrlenOff)))
	if n < 0 || n > 128 {
		n = 0
	}
	return unsafe.Slice((*byte)(unsafe.Add(s.blk, sreqAddrOff)), n)
}

// Respond is evdns_server_request_respond: 0 when sent (or queued after
// EAGAIN's cousins: 1), -1 on error. As libevent, EAGAIN itself leaves the
// request unanswered (-1): the program may respond again.
func (s *sreq) Respond(err int) int {
	pt := s.port
	if s.response == nil {
		if r := s.format(err); r < 0 {
			return r
		}
	}
	_, e := rawSendto(pt.fd, s.response, s.addr())
	if e != nil {
		if e == unix.EAGAIN || e == unix.EINTR {
			return -1
		}
		pt.queue(s)
		return 1
	}
	if s.free() {
		return 0
	}
	if pt.pendHead != nil {
		pt.flush()
	}
	return 0
}

// queue puts s among the replies to send when the socket is writable.
func (pt *Port) queue(s *sreq) {
	if s.queued {
		return
	}
	s.queued = true
	s.prev, s.next = pt.pendTail, nil
	if pt.pendTail != nil {
		pt.pendTail.next = s
	} else {
		pt.pendHead = s
		pt.choked = true
		ev := int16(reactor.EV_WRITE | reactor.EV_PERSIST)
		if !pt.closing {
			ev |= reactor.EV_READ
		}
		if pt.io.Reassign(pt.fd, ev) < 0 {
			logf(logWarn, "Error from libevent when adding event for DNS server")
		}
	}
	pt.pendTail = s
}

func (pt *Port) unqueue(s *sreq) {
	if !s.queued {
		return
	}
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		pt.pendHead = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else {
		pt.pendTail = s.prev
	}
	s.next, s.prev, s.queued = nil, nil, false
}

// flush is server_port_flush: send what waits (a failing reply is
// dropped), then watch for queries only.
func (pt *Port) flush() {
	for s := pt.pendHead; s != nil; s = pt.pendHead {
		_, e := rawSendto(pt.fd, s.response, s.addr())
		if e != nil {
			if e == unix.EAGAIN || e == unix.EINTR {
				return
			}
			logf(logWarn, "Error %s (%d) while writing response to port; dropping", e.Error(), int(e.(unix.Errno)))
		}
		if s.free() {
			return
		}
	}
	if pt.io.Reassign(pt.fd, reactor.EV_READ|reactor.EV_PERSIST) < 0 {
		logf(logWarn, "Error from libevent when adding event for DNS server.")
	}
}

// Drop is evdns_server_request_drop.
func (s *sreq) Drop() int {
	s.free()
	return 0
}

// free is server_request_free; true when it freed the port too.
func (s *sreq) free() bool {
	if s.freed {
		return false
	}
	s.freed = true
	pt := s.port
	pt.unqueue(s)
	pt.refcnt--
	sreqs.Release((*cHandle)(s.blk).idx)
	freeHandle(s.blk, s.size)
	if pt.refcnt == 0 {
		pt.free()
		return true
	}
	return false
}
