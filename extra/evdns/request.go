package evdns

import (
	"math/rand/v2"
	"os"
	"strings"
	"unsafe"

	"goevent/reactor"
)

// Result codes (DNS_ERR_* of event2/dns.h).
const (
	errNone       = 0
	errFormat     = 1
	errServFail   = 2
	errNotExist   = 3
	errNotImpl    = 4
	errRefused    = 5
	errTruncated  = 65
	errUnknown    = 66
	errTimeout    = 67
	errShutdown   = 68
	errCancel     = 69
	errNoData     = 70
	typeA         = 1
	typeCNAME     = 5
	typeSOA       = 6
	typePTR       = 12
	typeAAAA      = 28
	classINET     = 1
	queryNoSearch = 1 // DNS_QUERY_NO_SEARCH

	maxAddrs = 32 // addresses of one reply passed on (MAX_V4_ADDRS, MAX_V6_ADDRS)
)

// request is one query on the wire (libevent's struct request): a search
// makes one after another for the same Handle. Its event is its timeout,
// and then (libevent's deferred_reply_callback) the callback it schedules:
// the answer's fields below are that callback's.
type request struct {
	base   *Base
	handle *Handle
	typ    uint16 // typeA, typeAAAA or typePTR
	packet []byte // the query; its question is what a reply must echo

	reissueCount int
	txCount      int // times sent
	ns           *nameserver
	transID      uint16
	transmitMe   bool
	timer        event

	// getaddrinfo asks for the first CNAME target of the first request.
	putCname *string

	cb, arg unsafe.Pointer // the program's callback (nil for ours)
	gcb     func(d *deferred)

	next, prev *request
	queue      *reqQueue
	done       bool

	// The callback scheduled (cbScheduled): result, and the answers in C
	// memory for as long as it runs.
	cbScheduled bool
	cbHandle    *Handle
	have        bool
	ttl         uint32
	err         int
	count       int
	blk         unsafe.Pointer
	blkSize     int
}

// deferred is how our own (Go) callbacks see a request whose callback runs.
type deferred = request

// reqQueue is an intrusive FIFO of requests.
type reqQueue struct {
	head, tail *request
	n          int
}

func (q *reqQueue) push(r *request) {
	r.prev, r.next = q.tail, nil
	if q.tail != nil {
		q.tail.next = r
	} else {
		q.head = r
	}
	q.tail = r
	r.queue = q
	q.n++
}

// pushFront inserts r before the head (suspended requests go before those
// already waiting).
func (q *reqQueue) pushFront(r *request) {
	r.prev, r.next = nil, q.head
	if q.head != nil {
		q.head.prev = r
	} else {
		q.tail = r
	}
	q.head = r
	r.queue = q
	q.n++
}

func (q *reqQueue) remove(r *request) {
	if r.prev != nil {
		r.prev.next = r.next
	} else {
		q.head = r.next
	}
	if r.next != nil {
		r.next.prev = r.prev
	} else {
		q.tail = r.prev
	}
	r.next, r.prev, r.queue = nil, nil, nil
	q.n--
}

// Handle is an evdns_request: what a program may cancel. It lives until
// its callback has run (or, without a callback, until its last request ends).
type Handle struct {
	c    *cHandle
	gen  uint64
	base *Base
	cur  *request

	pendingCB bool // a callback is scheduled: freed after it runs

	search      *searchState
	searchIndex int
	searchOrig  string
	searchFlags int
	freed       bool
}

var handles table[Handle]

func newHandle(b *Base) *Handle {
	p := allocHandle(sizeofHandle)
	if p == nil {
		return nil
	}
	h := &Handle{c: (*cHandle)(p), base: b}
	gen, ok := handles.put(h, p, magicReq, b.rb.C())
	if !ok {
		freeHandle(p, sizeofHandle)
		return nil
	}
	h.gen = gen
	return h
}

func (h *Handle) free() {
	if h.freed {
		return
	}
	h.freed = true
	handles.Release(h.c.idx)
	freeHandle(unsafe.Pointer(h.c), sizeofHandle)
}

// HandleFromC returns the Handle of a live evdns_request, or nil (logged).
func HandleFromC(p unsafe.Pointer, fn string) *Handle {
	return lookup(&handles, p, magicReq, "evdns_request", fn, func(h *Handle) uint64 { return h.gen })
}

// ---- creating and sending ----

// transactionID picks a random id not in flight (never 0xffff, which
// marks a request not yet given one).
func (b *Base) transactionID() uint16 {
	for {
		id := uint16(rand.Uint32())
		if id == 0xffff {
			continue
		}
		if _, busy := b.inflight[id]; !busy {
			return id
		}
	}
}

// newRequest is libevent's request_new: the query packet for name, and a
// nameserver when it can go out at once. nil when the name cannot be
// encoded (a label over 63 bytes, a name over 255).
func (b *Base) newRequest(h *Handle, typ uint16, name string, cb, arg unsafe.Pointer, gcb func(*deferred)) *request {
	issuingNow := b.inflightQ.n < b.maxInflight
	if len(name) >= 256 {
		return nil
	}
	id := uint16(0xffff)
	if issuingNow {
		id = b.transactionID()
	}
	pkt := buildQuery(id, name, typ)
	if pkt == nil {
		return nil
	}
	if b.randomizeCase {
		randomizeCase(pkt[12 : len(pkt)-4])
	}
	r := &request{
		base:    b,
		handle:  h,
		typ:     typ,
		packet:  pkt,
		transID: id,
		cb:      cb,
		arg:     arg,
		gcb:     gcb,
	}
	if !r.timer.init(b.rb, -1, 0, r) {
		return nil
	}
	if issuingNow {
		r.ns = b.pick()
	}
	if h != nil {
		h.cur = r
		h.base = b
	}
	return r
}

// randomizeCase flips the case of each letter of the encoded name at
// random (the 0x20 hack); the length bytes of labels are never letters
// that matter (they are below 64).
func randomizeCase(wire []byte) {
	var bits uint64
	for i, c := range wire {
		if i%64 == 0 {
			bits = rand.Uint64()
		}
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			if bits&(1<<(i%64)) != 0 {
				wire[i] = c | 0x20
			} else {
				wire[i] = c &^ 0x20
			}
		}
	}
}

// HandleEvent runs r's timeout, or once scheduled its callback.
func (r *request) HandleEvent(_ *reactor.Event, res int16) {
	defer recoverHandler()
	if r.cbScheduled {
		r.runCallback()
		return
	}
	r.onTimeout(res)
}

func (r *request) setTransID(id uint16) {
	r.transID = id
	r.packet[0], r.packet[1] = byte(id>>8), byte(id)
}

// submit is request_submit: in flight when it has a nameserver (sent at
// once), else waiting.
func (r *request) submit() {
	b := r.base
	if r.ns != nil {
		b.inflight[r.transID] = r
		b.inflightQ.push(r)
		r.ns.reqsInflight++
		r.transmit()
	} else {
		b.waiting.push(r)
	}
}

// transmit is evdns_request_transmit: send to r.ns and arm the timeout.
// It returns false when the packet did not go out (it stays marked for
// evdns_transmit).
func (r *request) transmit() bool {
	r.transmitMe = true
	ns := r.ns
	if ns == nil || ns.choked {
		return false
	}
	ok := true
	switch ns.send(r) {
	case sendAgain:
		ns.choked = true
		ns.writeWaiting(true)
		return false
	case sendFailed:
		ok = false // the timeout will retransmit
	}
	if debugOn() {
		logf(logDebug, "Setting timeout for request %p, sent to nameserver %p", r, r.ns)
	}
	to := tv(r.base.timeout)
	if r.timer.add(&to) < 0 {
		logf(logWarn, "Error from libevent when adding timer for request %p", r)
	}
	r.txCount++
	r.transmitMe = false
	return ok
}

// transmitAll is evdns_transmit: send every request in flight still marked;
// whether it tried any.
func (b *Base) transmitAll() bool {
	tried := false
	for r := b.inflightQ.head; r != nil; {
		next := r.next
		if r.transmitMe {
			tried = true
			r.transmit()
		}
		r = next
	}
	return tried
}

// pumpWaiting moves waiting requests in flight while there is room and a
// nameserver.
func (b *Base) pumpWaiting() {
	for b.inflightQ.n < b.maxInflight && b.waiting.n > 0 {
		r := b.waiting.head
		ns := b.pick()
		if ns == nil {
			return
		}
		r.ns = ns
		ns.reqsInflight++
		b.waiting.remove(r)
		r.setTransID(b.transactionID())
		b.inflight[r.transID] = r
		b.inflightQ.push(r)
		r.transmit()
		b.transmitAll()
	}
}

// finished is request_finished: r leaves its queue and is freed; with
// freeHandle its handle ends too (now, or after the callback scheduled
// for it).
func (r *request) finished(freeHandle bool) {
	b := r.base
	if r.done {
		return
	}
	r.done = true
	wasInflight := r.queue == &b.inflightQ
	if r.queue != nil {
		if wasInflight {
			if b.inflight[r.transID] == r {
				delete(b.inflight, r.transID)
			}
		}
		r.queue.remove(r)
	}
	if !r.cbScheduled {
		r.timer.free()
	}
	if wasInflight && r.ns != nil {
		r.ns.reqsInflight--
	}
	if r.ns != nil && r.ns.reqsInflight == 0 && b.disableWhenInactive {
		r.ns.io.del()
		r.ns.probeTimer.del()
	}
	if h := r.handle; h != nil {
		if freeHandle {
			h.searchFinished()
			h.cur = nil
			if !h.pendingCB {
				h.free()
			}
		} else {
			h.cur = nil
		}
		r.handle = nil
	}
	b.pumpWaiting()
}

// reissue sends r to another nameserver after NOTIMPL/REFUSED (marked for
// the next evdns_transmit); false when the pick gave the same one.
func (r *request) reissue() bool {
	last := r.ns
	r.swapNS(r.base.pick())
	if r.ns == last {
		return false
	}
	r.reissueCount++
	r.txCount = 0
	r.transmitMe = true
	return true
}

func (r *request) swapNS(ns *nameserver) {
	if ns != nil && r.ns != ns {
		if r.ns != nil {
			r.ns.reqsInflight--
		}
		ns.reqsInflight++
		r.ns = ns
	}
}

// onTimeout is evdns_request_timeout_callback (also run for SERVFAIL):
// retransmit, or give up with DNS_ERR_TIMEOUT after maxRetransmits sends.
func (r *request) onTimeout(int16) {
	if r.done {
		return
	}
	b := r.base
	if debugOn() {
		logf(logDebug, "Request %p timed out", r)
	}
	if r.txCount >= b.maxRetransmits {
		ns := r.ns
		if debugOn() {
			logf(logDebug, "Giving up on request %p; tx_count==%d", r, r.txCount)
		}
		r.scheduleCallback(0, errTimeout, nil)
		r.finished(true)
		if ns != nil {
			ns.failed("request timed out.")
		}
		return
	}
	if debugOn() {
		logf(logDebug, "Retransmitting request %p; tx_count==%d", r, r.txCount)
	}
	r.timer.del()
	r.swapNS(b.pick())
	r.transmit()
	if ns := r.ns; ns != nil {
		ns.timedout++
		if ns.timedout > b.maxNSTimeouts {
			ns.timedout = 0
			ns.failed("request timed out.")
		}
	}
}

// ---- the program's entry points ----

// Resolve is evdns_base_resolve_ipv4/_ipv6/_reverse/_reverse_ipv6 (typ is
// the query type; reverse names are built by the C layer). PTR lookups
// never search. name may be a view of C memory: it is copied if kept.
func (b *Base) Resolve(typ uint16, name string, flags int, cb, arg unsafe.Pointer) *Handle {
	if debugOn() {
		logf(logDebug, "Resolve requested for %s", name)
	}
	return b.resolve(typ, name, flags, cb, arg, nil, nil)
}

func (b *Base) resolve(typ uint16, name string, flags int, cb, arg unsafe.Pointer, gcb func(*deferred), putCname *string) *Handle {
	h := newHandle(b)
	if h == nil {
		return nil
	}
	if typ == typePTR || flags&queryNoSearch != 0 {
		if r := b.newRequest(h, typ, name, cb, arg, gcb); r != nil {
			r.putCname = putCname
			r.submit()
		}
	} else {
		b.searchRequest(h, typ, name, flags, cb, arg, gcb, putCname)
	}
	if h.cur == nil && !h.pendingCB {
		h.free()
		return nil
	}
	return h
}

// searchRequest is search_request_new: with search domains the first
// name tried is the name itself (ndots or more dots) or the name in the
// first domain.
func (b *Base) searchRequest(h *Handle, typ uint16, name string, flags int, cb, arg unsafe.Pointer, gcb func(*deferred), putCname *string) {
	st := b.search
	if flags&queryNoSearch == 0 && st != nil && len(st.domains) > 0 {
		var r *request
		if numDots(name) >= st.ndots {
			r = b.newRequest(h, typ, name, cb, arg, gcb)
			if r == nil {
				return
			}
			h.searchIndex = -1
		} else {
			r = b.newRequest(h, typ, searchName(st, 0, name), cb, arg, gcb)
			if r == nil {
				return
			}
			h.searchIndex = 0
		}
		r.putCname = putCname
		h.searchOrig = strings.Clone(name) // name may be a view of C memory
		h.search = st
		h.searchFlags = flags
		r.submit()
		return
	}
	if r := b.newRequest(h, typ, name, cb, arg, gcb); r != nil {
		r.putCname = putCname
		r.submit()
	}
}

func numDots(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			n++
		}
	}
	return n
}

// searchName is name in the n-th search domain.
func searchName(st *searchState, n int, name string) string {
	if n < 0 || n >= len(st.domains) {
		return name
	}
	if len(name) > 0 && name[len(name)-1] == '.' {
		return name + st.domains[n]
	}
	return name + "." + st.domains[n]
}

// searchNext is search_try_next: after a failed answer, the next domain (or
// at the end the bare name, when it had fewer than ndots dots). It returns
// true when a new request went out for the handle.
func (h *Handle) searchNext() bool {
	r := h.cur
	b := r.base
	if h.search == nil {
		return false
	}
	h.searchIndex++
	var nr *request
	if h.searchIndex >= len(h.search.domains) {
		if numDots(h.searchOrig) >= h.search.ndots {
			return false
		}
		nr = b.newRequest(nil, r.typ, h.searchOrig, r.cb, r.arg, r.gcb)
		if debugOn() {
			logf(logDebug, "Search: trying raw query %s", h.searchOrig)
		}
		if nr == nil {
			return false
		}
		h.searchFinished()
	} else {
		nn := searchName(h.search, h.searchIndex, h.searchOrig)
		if debugOn() {
			logf(logDebug, "Search: now trying %s (%d)", nn, h.searchIndex)
		}
		nr = b.newRequest(nil, r.typ, nn, r.cb, r.arg, r.gcb)
		if nr == nil {
			return false
		}
	}
	r.finished(false)
	h.cur = nr
	nr.handle = h
	nr.submit()
	return true
}

func (h *Handle) searchFinished() {
	h.search = nil
	h.searchOrig = ""
}

// Cancel is evdns_cancel_request: the callback runs later with
// DNS_ERR_CANCEL; nothing happens once an answer is being delivered.
func (h *Handle) Cancel() {
	r := h.cur
	if r == nil || h.pendingCB {
		return
	}
	r.scheduleCallback(0, errCancel, nil)
	r.finished(true)
}

// hostname is gethostname(2), for the default search domain.
var hostname = os.Hostname

// ---- deferred callbacks ----

// scheduleCallback is reply_schedule_callback: the callback of r's handle
// runs from the loop at the default priority with (err, reply), on r's
// own event (its timeout is done with).
func (r *request) scheduleCallback(ttl uint32, err int, rep *reply) {
	if r.cbScheduled {
		return
	}
	r.cbScheduled = true
	r.cbHandle = r.handle
	r.ttl, r.err = ttl, err
	if rep != nil {
		r.have = true
		r.fill(rep)
	}
	if r.handle != nil {
		r.handle.pendingCB = true
	}
	r.timer.del()
	r.timer.activate()
}

// fill copies the answers into C memory in the form the callback gets.
func (r *request) fill(rep *reply) {
	switch r.typ {
	case typeA:
		r.count = len(rep.addrs) / 4
		r.alloc(len(rep.addrs))
		copy(unsafe.Slice((*byte)(r.blk), len(rep.addrs)), rep.addrs)
	case typeAAAA:
		r.count = len(rep.addrs) / 16
		r.alloc(len(rep.addrs))
		copy(unsafe.Slice((*byte)(r.blk), len(rep.addrs)), rep.addrs)
	case typePTR:
		// A char * to the NUL-terminated name, then the name.
		r.count = 1
		r.alloc(8 + len(rep.ptr) + 1)
		name := unsafe.Add(r.blk, 8)
		copy(unsafe.Slice((*byte)(name), len(rep.ptr)), rep.ptr)
		*(*byte)(unsafe.Add(name, len(rep.ptr))) = 0
		*(*unsafe.Pointer)(r.blk) = name
	}
}

func (r *request) alloc(n int) {
	if n <= 0 {
		n = 1
	}
	r.blk = cmemAlloc(n)
	r.blkSize = n
}

// runCallback is reply_run_callback: the callback, with the event_base
// lock released as libevent runs deferred callbacks; then the handle (if
// the callback was its last act) and the memory go.
func (r *request) runCallback() {
	defer r.release()
	var typ byte
	var addrs unsafe.Pointer
	count := 0
	if r.have {
		switch r.typ {
		case typeA:
			typ = 1 // DNS_IPv4_A
		case typePTR:
			typ = 2 // DNS_PTR
		case typeAAAA:
			typ = 3 // DNS_IPv6_AAAA
		}
		addrs, count = r.blk, r.count
	}
	// The handle outlives the callback (a cancel from inside it finds it
	// answered and does nothing), then goes.
	defer func() {
		if h := r.cbHandle; h != nil && h.pendingCB {
			h.free()
		}
	}()
	if r.gcb != nil {
		r.gcb(r)
		return
	}
	if r.cb == nil {
		return
	}
	rb := r.base.rb
	rb.Unlock()
	callReplyCB(r.cb, r.arg, r.result(), typ, count, int(int32(r.ttl)), addrs)
	rb.Lock()
}

func (r *request) release() {
	r.timer.free()
	if r.blk != nil {
		cmemFree(r.blk, r.blkSize)
		r.blk = nil
	}
}

// result is the code the callback gets.
func (r *request) result() int {
	if r.have {
		return errNone
	}
	return r.err
}
