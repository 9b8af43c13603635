package evdns

import (
	"math/rand/v2"
	"os"
	"strings"
	"unsafe"

	"goevent/internal/cmem"
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
// makes one after another for the same Handle. It lives in C memory, one
// block with its event and its query packet, and holds no Go pointer: a
// request in flight costs no garbage-collected memory (the nameserver,
// base and Go callbacks are found by index). Its event is its timeout,
// then (libevent's deferred_reply_callback) the callback it schedules; the
// answer's fields are that callback's.
type request struct {
	ev         reactor.Event // first: the base's request handler gets the request from its event
	next, prev *request      // its queue (in flight or waiting)
	hnd        *Handle       // the evdns_request it works for (C memory), nil for none
	cb, arg    unsafe.Pointer
	blk        unsafe.Pointer // the answers (C memory) while the callback runs
	ttl        uint32
	baseIdx    uint32 // the Base's slot in bases
	nsIdx      int32  // the nameserver's slot in Base.nsTab, -1 for none
	ext        int32  // the slot of its reqExt in Base.exts, -1 for none
	typ        uint16 // typeA, typeAAAA or typePTR
	transID    uint16
	txCount    uint16 // times sent
	plen       uint16 // the query packet's length (it follows the struct)
	bsize      uint16 // the block's size
	reissue    uint8
	err        uint8 // the callback's result when !have
	state      uint8
	count      uint8 // addresses in blk; for PTR the name's length
	transmitMe bool
	cbSched    bool // the callback is scheduled
	have       bool // the callback gets an answer
}

// request states
const (
	reqNew = iota
	reqWaiting
	reqInflight
	reqDone
)

const sizeofRequest = int(unsafe.Sizeof(request{}))

// reqExt is what only our own (Go) callbacks' requests have: the callback
// and getaddrinfo's CNAME sink.
type reqExt struct {
	gcb      func(d *deferred)
	putCname *string
}

// deferred is how our own (Go) callbacks see a request whose callback runs.
type deferred = request

func (r *request) base() *Base { return bases.Get(r.baseIdx) }

func (r *request) packet() []byte {
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(r), sizeofRequest)), int(r.plen))
}

func (r *request) ns(b *Base) *nameserver {
	if r.nsIdx < 0 || int(r.nsIdx) >= len(b.nsTab) {
		return nil
	}
	return b.nsTab[r.nsIdx]
}

func (r *request) setNS(ns *nameserver) {
	if ns == nil {
		r.nsIdx = -1
	} else {
		r.nsIdx = ns.idx
	}
}

func (r *request) extOf(b *Base) *reqExt {
	if r.ext < 0 || int(r.ext) >= len(b.exts) {
		return nil
	}
	return b.exts[r.ext]
}

// putCname is getaddrinfo's CNAME sink of r (nil for none).
func (r *request) putCname(b *Base) *string {
	if x := r.extOf(b); x != nil {
		return x.putCname
	}
	return nil
}

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
	r.next, r.prev = nil, nil
	q.n--
}

// Handle is an evdns_request (C memory, which the program holds): what it
// may cancel. It lives until its callback has run (or, without a callback,
// until its last request ends). Its header (magic, and base) is what the C
// layer checks; idx and gen name its Base.
type Handle struct {
	c     cHandle
	cur   *request // the request on the wire for it, nil once answered
	srch  int32    // its search's slot in Base.searches, -1 for none
	flags uint32
}

const (
	hPendingCB = 1 << iota // a callback is scheduled: freed after it runs
	hFreed
)

const sizeofHctl = int(unsafe.Sizeof(Handle{}))

// searchInfo is a search in progress (libevent keeps it in the handle).
type searchInfo struct {
	st    *searchState
	index int
	orig  string
	flags int
}

func newHandle(b *Base) *Handle {
	p := allocHandle(sizeofHctl)
	if p == nil {
		return nil
	}
	h := (*Handle)(p)
	h.srch = -1
	h.c.idx, h.c.gen, h.c.base = b.c.idx, b.gen, b.rb.C()
	h.c.magic = magicReq
	b.nHandles++
	return h
}

func (h *Handle) pendingCB() bool { return h.flags&hPendingCB != 0 }

func (h *Handle) free(b *Base) {
	if h.flags&hFreed != 0 {
		return
	}
	h.flags |= hFreed
	h.searchFinished(b)
	b.nHandles--
	freeHandle(unsafe.Pointer(h), sizeofHctl)
}

// HandleFromC returns a live evdns_request and its Base, or nil (logged).
func HandleFromC(p unsafe.Pointer, fn string) (*Handle, *Base) {
	if p == nil {
		lookupWarn(fn, "NULL evdns_request")
		return nil, nil
	}
	h := (*Handle)(p)
	switch h.c.magic {
	case magicReq:
	case magicDead:
		lookupWarn(fn, sprintf("evdns_request %p used after it was freed", p))
		return nil, nil
	default:
		lookupWarn(fn, sprintf("%p is not a live evdns_request", p))
		return nil, nil
	}
	b := bases.Get(h.c.idx)
	if b == nil || b.gen != h.c.gen || b.dead {
		lookupWarn(fn, sprintf("evdns_request %p belongs to no live evdns_base", p))
		return nil, nil
	}
	return h, b
}

func (h *Handle) search(b *Base) *searchInfo {
	if h.srch < 0 || int(h.srch) >= len(b.searches) {
		return nil
	}
	return b.searches[h.srch]
}

func (h *Handle) searchFinished(b *Base) {
	if h.srch >= 0 {
		b.searches[h.srch] = nil
		b.searchFree = append(b.searchFree, h.srch)
		h.srch = -1
	}
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
func (b *Base) newRequest(h *Handle, typ uint16, name string, cb, arg unsafe.Pointer, ext int32) *request {
	issuingNow := b.inflightQ.n < b.maxInflight
	if len(name) >= 256 {
		return nil
	}
	var pkt [12 + 257 + 4]byte
	id := uint16(0xffff)
	if issuingNow {
		id = b.transactionID()
	}
	n, ok := encodeQuery(pkt[:], id, name, typ)
	if !ok {
		return nil
	}
	size := sizeofRequest + n
	p := cmem.Alloc(size)
	if p == nil {
		return nil
	}
	r := (*request)(p)
	r.baseIdx, r.nsIdx, r.ext = b.c.idx, -1, ext
	r.typ, r.transID, r.plen, r.bsize = typ, id, uint16(n), uint16(size)
	r.hnd, r.cb, r.arg = h, cb, arg
	q := r.packet()
	copy(q, pkt[:n])
	if b.randomizeCase {
		randomizeCase(q[12 : n-4])
	}
	b.rb.AssignGo(&r.ev, -1, 0, b.reqID)
	b.nRequests++
	if issuingNow {
		r.setNS(b.pick())
	}
	if h != nil {
		h.cur = r
	}
	return r
}

// freeRequest returns r's block.
func (b *Base) freeRequest(r *request) {
	if r.ev.Flags&(reactor.EVLIST_INSERTED|reactor.EVLIST_TIMEOUT|reactor.EVLIST_ACTIVE) != 0 {
		b.rb.Del(&r.ev)
	}
	if r.blk != nil {
		cmemFree(r.blk, r.blkSize())
		r.blk = nil
	}
	b.nRequests--
	cmem.Free(unsafe.Pointer(r), int(r.bsize))
	b.maybeRelease()
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

// reqHandler is the handler of every request event of a Base: the timeout
// of a request, or once scheduled its callback.
type reqHandler struct{ b *Base }

func (h reqHandler) HandleEvent(ev *reactor.Event, res int16) {
	defer recoverHandler()
	r := (*request)(unsafe.Pointer(ev))
	if r.cbSched {
		h.b.runCallback(r)
		return
	}
	h.b.onTimeout(r)
}

func (r *request) setTransID(id uint16) {
	r.transID = id
	q := r.packet()
	q[0], q[1] = byte(id>>8), byte(id)
}

// submit is request_submit: in flight when it has a nameserver (sent at
// once), else waiting.
func (b *Base) submit(r *request) {
	if ns := r.ns(b); ns != nil {
		b.inflight[r.transID] = r
		b.inflightQ.push(r)
		r.state = reqInflight
		ns.reqsInflight++
		b.transmit(r)
	} else {
		b.waiting.push(r)
		r.state = reqWaiting
	}
}

// transmit is evdns_request_transmit: send to its nameserver and arm the
// timeout. It returns false when the packet did not go out (it stays
// marked for evdns_transmit).
func (b *Base) transmit(r *request) bool {
	r.transmitMe = true
	ns := r.ns(b)
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
		logf(logDebug, "Setting timeout for request %p, sent to nameserver %p", r, ns)
	}
	to := tv(b.timeout)
	if b.rb.Add(&r.ev, &to) < 0 {
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
			b.transmit(r)
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
		r.setNS(ns)
		ns.reqsInflight++
		b.waiting.remove(r)
		r.setTransID(b.transactionID())
		b.inflight[r.transID] = r
		b.inflightQ.push(r)
		r.state = reqInflight
		b.transmit(r)
		b.transmitAll()
	}
}

// finished is request_finished: r leaves its queue and is freed (after its
// callback, when one is scheduled); with freeHandle its handle ends too
// (now, or after the callback scheduled for it). r must not be used after.
func (b *Base) finished(r *request, freeHandle bool) {
	if r.state == reqDone {
		return
	}
	wasInflight := r.state == reqInflight
	switch r.state {
	case reqInflight:
		if b.inflight[r.transID] == r {
			delete(b.inflight, r.transID)
		}
		b.inflightQ.remove(r)
	case reqWaiting:
		b.waiting.remove(r)
	}
	r.state = reqDone
	ns := r.ns(b)
	if wasInflight && ns != nil {
		ns.reqsInflight--
	}
	if ns != nil && ns.reqsInflight == 0 && b.disableWhenInactive {
		ns.io.Del()
		ns.probeTimer.Del()
	}
	if h := r.hnd; h != nil {
		h.cur = nil
		if freeHandle {
			h.searchFinished(b)
			if !h.pendingCB() {
				h.free(b)
			}
		}
		if !r.cbSched {
			r.hnd = nil
		}
	}
	if !r.cbSched {
		if r.ext >= 0 && !r.cbSched {
			b.releaseExt(r.ext)
			r.ext = -1
		}
		b.freeRequest(r)
	}
	b.pumpWaiting()
}

// reissue sends r to another nameserver after NOTIMPL/REFUSED (marked for
// the next evdns_transmit); false when the pick gave the same one.
func (b *Base) reissueReq(r *request) bool {
	last := r.nsIdx
	b.swapNS(r, b.pick())
	if r.nsIdx == last {
		return false
	}
	r.reissue++
	r.txCount = 0
	r.transmitMe = true
	return true
}

func (b *Base) swapNS(r *request, ns *nameserver) {
	if ns != nil && r.nsIdx != ns.idx {
		if old := r.ns(b); old != nil {
			old.reqsInflight--
		}
		ns.reqsInflight++
		r.setNS(ns)
	}
}

// onTimeout is evdns_request_timeout_callback (also run for SERVFAIL):
// retransmit, or give up with DNS_ERR_TIMEOUT after maxRetransmits sends.
func (b *Base) onTimeout(r *request) {
	if r.state == reqDone {
		return
	}
	if debugOn() {
		logf(logDebug, "Request %p timed out", r)
	}
	if int(r.txCount) >= b.maxRetransmits {
		ns := r.ns(b)
		if debugOn() {
			logf(logDebug, "Giving up on request %p; tx_count==%d", r, r.txCount)
		}
		b.scheduleCallback(r, 0, errTimeout, nil)
		b.finished(r, true)
		if ns != nil {
			ns.failed("request timed out.")
		}
		return
	}
	if debugOn() {
		logf(logDebug, "Retransmitting request %p; tx_count==%d", r, r.txCount)
	}
	b.rb.Del(&r.ev)
	b.swapNS(r, b.pick())
	b.transmit(r)
	if ns := r.ns(b); ns != nil {
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
	return b.resolve(typ, name, flags, cb, arg, nil)
}

// resolve starts a lookup; x (nil for the program's) is a Go callback and
// getaddrinfo's CNAME sink.
func (b *Base) resolve(typ uint16, name string, flags int, cb, arg unsafe.Pointer, x *reqExt) *Handle {
	h := newHandle(b)
	if h == nil {
		return nil
	}
	ext := int32(-1)
	if x != nil {
		ext = b.newExt(x)
	}
	if typ == typePTR || flags&queryNoSearch != 0 {
		if r := b.newRequest(h, typ, name, cb, arg, ext); r != nil {
			b.submit(r)
		}
	} else {
		b.searchRequest(h, typ, name, flags, cb, arg, ext)
	}
	if h.cur == nil && !h.pendingCB() {
		if ext >= 0 {
			b.releaseExt(ext)
		}
		h.free(b)
		return nil
	}
	return h
}

// searchRequest is search_request_new: with search domains the first
// name tried is the name itself (ndots or more dots) or the name in the
// first domain.
func (b *Base) searchRequest(h *Handle, typ uint16, name string, flags int, cb, arg unsafe.Pointer, ext int32) {
	st := b.search
	if flags&queryNoSearch == 0 && st != nil && len(st.domains) > 0 {
		var r *request
		index := 0
		if numDots(name) >= st.ndots {
			r = b.newRequest(h, typ, name, cb, arg, ext)
			index = -1
		} else {
			r = b.newRequest(h, typ, searchName(st, 0, name), cb, arg, ext)
		}
		if r == nil {
			return
		}
		// name may be a view of C memory: the search keeps a copy
		h.srch = b.newSearch(&searchInfo{st: st, index: index, orig: strings.Clone(name), flags: flags})
		b.submit(r)
		return
	}
	if r := b.newRequest(h, typ, name, cb, arg, ext); r != nil {
		b.submit(r)
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
// true when a new request went out for the handle (r is then finished).
func (b *Base) searchNext(h *Handle, r *request) bool {
	s := h.search(b)
	if s == nil {
		return false
	}
	s.index++
	var nr *request
	if s.index >= len(s.st.domains) {
		if numDots(s.orig) >= s.st.ndots {
			return false
		}
		nr = b.newRequest(nil, r.typ, s.orig, r.cb, r.arg, r.ext)
		if debugOn() {
			logf(logDebug, "Search: trying raw query %s", s.orig)
		}
		if nr == nil {
			return false
		}
		h.searchFinished(b)
	} else {
		nn := searchName(s.st, s.index, s.orig)
		if debugOn() {
			logf(logDebug, "Search: now trying %s (%d)", nn, s.index)
		}
		nr = b.newRequest(nil, r.typ, nn, r.cb, r.arg, r.ext)
		if nr == nil {
			return false
		}
	}
	r.ext = -1 // the new request has it now
	b.finished(r, false)
	h.cur = nr
	nr.hnd = h
	b.submit(nr)
	return true
}

// Cancel is evdns_cancel_request: the callback runs later with
// DNS_ERR_CANCEL; nothing happens once an answer is being delivered.
func (b *Base) Cancel(h *Handle) {
	r := h.cur
	if r == nil || h.pendingCB() {
		return
	}
	b.scheduleCallback(r, 0, errCancel, nil)
	b.finished(r, true)
}

// hostname is gethostname(2), for the default search domain.
var hostname = os.Hostname

// ---- tables of the Go things requests refer to by index ----

func (b *Base) newExt(x *reqExt) int32 {
	if n := len(b.extFree); n > 0 {
		i := b.extFree[n-1]
		b.extFree = b.extFree[:n-1]
		b.exts[i] = x
		return i
	}
	b.exts = append(b.exts, x)
	return int32(len(b.exts) - 1)
}

func (b *Base) releaseExt(i int32) {
	if i >= 0 && int(i) < len(b.exts) && b.exts[i] != nil {
		b.exts[i] = nil
		b.extFree = append(b.extFree, i)
	}
}

func (b *Base) newSearch(s *searchInfo) int32 {
	if n := len(b.searchFree); n > 0 {
		i := b.searchFree[n-1]
		b.searchFree = b.searchFree[:n-1]
		b.searches[i] = s
		return i
	}
	b.searches = append(b.searches, s)
	return int32(len(b.searches) - 1)
}

// ---- deferred callbacks ----

// scheduleCallback is reply_schedule_callback: the callback of r's handle
// runs from the loop at the default priority with (err, reply), on r's
// own event (its timeout is done with).
func (b *Base) scheduleCallback(r *request, ttl uint32, err int, rep *reply) {
	if r.cbSched {
		return
	}
	r.cbSched = true
	r.ttl, r.err = ttl, uint8(err)
	if rep != nil {
		r.have = true
		r.fill(rep)
	}
	if r.hnd != nil {
		r.hnd.flags |= hPendingCB
	}
	b.pendingCBs++
	b.rb.Del(&r.ev)
	b.rb.Active(&r.ev, reactor.EV_TIMEOUT, 1)
}

// fill copies the answers into C memory in the form the callback gets.
func (r *request) fill(rep *reply) {
	switch r.typ {
	case typeA, typeAAAA:
		size := 4
		if r.typ == typeAAAA {
			size = 16
		}
		r.count = uint8(len(rep.addrs) / size)
		r.blk = cmemAlloc(r.blkSize())
		copy(unsafe.Slice((*byte)(r.blk), len(rep.addrs)), rep.addrs)
	case typePTR:
		// A char * to the NUL-terminated name, then the name.
		r.count = uint8(len(rep.ptr))
		r.blk = cmemAlloc(r.blkSize())
		name := unsafe.Add(r.blk, 8)
		copy(unsafe.Slice((*byte)(name), len(rep.ptr)), rep.ptr)
		*(*byte)(unsafe.Add(name, len(rep.ptr))) = 0
		*(*unsafe.Pointer)(r.blk) = name
	}
}

// blkSize is the size of r's answer block.
func (r *request) blkSize() int {
	n := 1
	switch r.typ {
	case typeA:
		n = 4 * int(r.count)
	case typeAAAA:
		n = 16 * int(r.count)
	case typePTR:
		n = 8 + int(r.count) + 1
	}
	if n < 1 {
		n = 1
	}
	return n
}

// addrCount is the count the callback gets.
func (r *request) addrCount() int {
	if r.typ == typePTR {
		return 1
	}
	return int(r.count)
}

// runCallback is reply_run_callback: the callback, with the event_base
// lock released as libevent runs deferred callbacks; then the handle (if
// the callback was its last act) and the request go.
func (b *Base) runCallback(r *request) {
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
		addrs, count = r.blk, r.addrCount()
	}
	defer func() {
		// The handle outlives the callback (a cancel from inside it finds
		// it answered and does nothing), then goes.
		if h := r.hnd; h != nil && h.pendingCB() {
			h.free(b)
		}
		if r.ext >= 0 {
			b.releaseExt(r.ext)
		}
		b.pendingCBs--
		b.freeRequest(r)
	}()
	if x := r.extOf(b); x != nil && x.gcb != nil {
		x.gcb(r)
		return
	}
	if r.cb == nil {
		return
	}
	rb := b.rb
	rb.Unlock()
	callReplyCB(r.cb, r.arg, r.result(), typ, count, int(int32(r.ttl)), addrs)
	rb.Lock()
}

// result is the code the callback gets.
func (r *request) result() int {
	if r.have {
		return errNone
	}
	return int(r.err)
}
