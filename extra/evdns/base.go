package evdns

import (
	"unsafe"

	"goevent/reactor"
)

// Base is the Go side of one evdns_base: nameservers, requests in flight
// and waiting, search list, hosts file entries and options. Every entry
// point runs with the lock of its event_base held (the C layer takes it;
// the loop holds it while it runs our handlers), so nothing here locks.
type Base struct {
	c    *cHandle
	gen  uint64
	rb   *reactor.Base
	dead bool

	// Nameservers: a circular list whose head moves on every pick (as
	// libevent's server_head), a new one inserted right after the head.
	serverHead *nameserver
	good       int // nameservers up

	inflight    map[uint16]*request // by transaction id
	inflightQ   reqQueue            // the same requests, oldest first
	waiting     reqQueue            // not sent: too many in flight, or no nameserver
	maxInflight int

	timeout             int64  // microseconds per try
	maxReissues         int    // reissues after NOTIMPL/REFUSED
	maxRetransmits      int    // sends before DNS_ERR_TIMEOUT ("attempts")
	maxNSTimeouts       int    // timeouts in a row before a nameserver is down
	randomizeCase       bool   // 0x20 hack
	probeInitial        int64  // microseconds before the first probe of a failed nameserver
	gaiSkew             int64  // getaddrinfo: wait for the other family's answer
	outgoing            []byte // bind-to address (raw sockaddr), nil if none
	soRcvbuf            int
	soSndbuf            int
	disableWhenInactive bool

	search *searchState
	hosts  []hostEntry

	// Requests live in C memory and name these by index.
	reqID      uintptr       // the handler of all its requests' events
	nsTab      []*nameserver // every nameserver ever added (nil once gone)
	exts       []*reqExt     // our own callbacks' requests
	extFree    []int32
	searches   []*searchInfo // searches in progress
	searchFree []int32
	nRequests  int // request blocks not freed yet
	nHandles   int // evdns_request handles not freed yet
	pendingCBs int // callbacks scheduled, not run yet

	rbuf    [1500]byte // nameserver reads (libevent reads at most 1500 bytes)
	from    [128]byte  // and their source address
	scratch reply      // the reply being parsed
}

var bases table[Base]

const (
	defaultTimeout       = 5_000_000
	defaultProbeInitial  = 10_000_000
	defaultGaiSkew       = 3_000_000
	defaultMaxInflight   = 64
	defaultMaxReissues   = 1
	defaultRetransmits   = 3
	defaultMaxNSTimeouts = 3

	maxProbeTimeout = 3600 // seconds
	backoffFactor   = 3

	// Flags of evdns_base_new.
	flagInitNameservers   = 0x1
	flagDisableInactive   = 0x8000
	flagNameserversNoDflt = 0x10000
	allBaseFlags          = flagInitNameservers | flagDisableInactive | flagNameserversNoDflt

	// DNS_OPTION_* of evdns_base_resolv_conf_parse.
	optSearch            = 1
	optNameservers       = 2
	optMisc              = 4
	optHostsfile         = 8
	optionsAll           = 15
	optNameserversNoDflt = 16
)

// NewBase is evdns_base_new on rb (cbase is its struct event_base *).
func NewBase(rb *reactor.Base, flags int) *Base {
	p := allocHandle(sizeofHandle)
	if p == nil {
		return nil
	}
	b := &Base{
		c:              (*cHandle)(p),
		rb:             rb,
		inflight:       make(map[uint16]*request),
		maxInflight:    defaultMaxInflight,
		timeout:        defaultTimeout,
		maxReissues:    defaultMaxReissues,
		maxRetransmits: defaultRetransmits,
		maxNSTimeouts:  defaultMaxNSTimeouts,
		randomizeCase:  true,
		probeInitial:   defaultProbeInitial,
		gaiSkew:        defaultGaiSkew,
	}
	gen, ok := bases.PutHandle(b, p, magicBase, rb.C())
	if !ok {
		freeHandle(p, sizeofHandle)
		return nil
	}
	b.gen = gen
	if b.reqID = reactor.RegisterHandler(reqHandler{b}); b.reqID == 0 {
		bases.Release(b.c.idx)
		freeHandle(p, sizeofHandle)
		return nil
	}
	if flags&^allBaseFlags != 0 {
		flags = flagInitNameservers
		logf(logWarn, "Unrecognized flag passed to evdns_base_new(). Assuming you meant EVDNS_BASE_INITIALIZE_NAMESERVERS.")
	}
	if flags&flagInitNameservers != 0 {
		opts := optionsAll
		if flags&flagNameserversNoDflt != 0 {
			opts |= optNameserversNoDflt
		}
		if b.ResolvConfParse(opts, resolvConfPath, true) != 0 {
			b.Free(false)
			return nil
		}
	}
	if flags&flagDisableInactive != 0 {
		b.disableWhenInactive = true
	}
	return b
}

// resolvConfPath is where evdns_base_new reads the system's configuration
// (a variable for the Go tests).
var resolvConfPath = "/etc/resolv.conf"

// Handle is the struct evdns_base * given to C.
func (b *Base) Handle() unsafe.Pointer { return unsafe.Pointer(b.c) }

// BaseFromC returns the live Base of a handle, or nil (logged).
func BaseFromC(h unsafe.Pointer, fn string) *Base {
	b := lookup(&bases, h, magicBase, "evdns_base", fn, func(b *Base) uint64 { return b.gen })
	if b != nil && b.dead {
		return nil
	}
	return b
}

// Free is evdns_base_free: nameservers go (their sockets closed), requests
// in flight and waiting end, with DNS_ERR_SHUTDOWN callbacks when fail.
func (b *Base) Free(fail bool) {
	if b.dead {
		return
	}
	b.freeNameservers()
	for r := b.inflightQ.head; r != nil; r = b.inflightQ.head {
		if fail {
			b.scheduleCallback(r, 0, errShutdown, nil)
		}
		b.finished(r, true)
	}
	for r := b.waiting.head; r != nil; r = b.waiting.head {
		if fail {
			b.scheduleCallback(r, 0, errShutdown, nil)
		}
		b.finished(r, true)
	}
	b.search = nil
	b.hosts = nil
	b.dead = true
	bases.Release(b.c.idx)
	freeHandle(unsafe.Pointer(b.c), sizeofHandle)
	b.maybeRelease()
}

// maybeRelease gives back the request handler of a freed Base once no
// request (a callback still to run) needs it.
func (b *Base) maybeRelease() {
	if b.dead && b.nRequests == 0 && b.reqID != 0 {
		reactor.UnregisterHandler(b.reqID)
		b.reqID = 0
	}
}

// ClearHosts is evdns_base_clear_host_addresses.
func (b *Base) ClearHosts() { b.hosts = nil }

// ---- search domains ----

// searchState is libevent's search_state: shared by the base and the
// searches in progress, changed in place by evdns_base_search_add and
// evdns_base_search_ndots_set, replaced by evdns_base_search_clear.
type searchState struct {
	ndots   int
	domains []string // the list from its head
}

func newSearchState() *searchState { return &searchState{ndots: 1} }

// SearchClear is evdns_base_search_clear.
func (b *Base) SearchClear() { b.search = newSearchState() }

// SearchAdd is evdns_base_search_add: leading dots are dropped and the
// domain goes to the head of the list (so domains added one by one are
// tried last-added first, as in libevent).
func (b *Base) SearchAdd(domain string) {
	for len(domain) > 0 && domain[0] == '.' {
		domain = domain[1:]
	}
	if b.search == nil {
		b.search = newSearchState()
	}
	d := make([]string, 0, len(b.search.domains)+1)
	d = append(d, domain)
	b.search.domains = append(d, b.search.domains...)
}

// searchReverse reverses the list (a resolv.conf "search" line is added
// one domain at a time, then put back in file order).
func (b *Base) searchReverse() {
	d := b.search.domains
	for i, j := 0, len(d)-1; i < j; i, j = i+1, j-1 {
		d[i], d[j] = d[j], d[i]
	}
}

// SearchNdots is evdns_base_search_ndots_set.
func (b *Base) SearchNdots(n int) {
	if b.search == nil {
		b.search = newSearchState()
	}
	b.search.ndots = n
}

// searchFromHostname makes the search list the domain part of this host's
// name (none when it has no dot).
func (b *Base) searchFromHostname() {
	b.SearchClear()
	h, err := hostname()
	if err != nil {
		return
	}
	for i := 0; i < len(h); i++ {
		if h[i] == '.' {
			b.SearchAdd(h[i:])
			return
		}
	}
}
