package evdns

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/net/dns/dnsmessage"
	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
	"goevent/reactor"
)

const cbaseAlloc = 4096 // >= sizeof(struct event_base)

// newRB makes a struct event_base in C memory as the C layer does and
// adopts it (freed at the end of the test).
func newRB(t testing.TB) *reactor.Base {
	p := cmem.Alloc(cbaseAlloc)
	if p == nil {
		t.Fatal("cmem.Alloc")
	}
	c := (*reactor.CBase)(p)
	c.Magic = reactor.BaseMagic
	c.Method = reactor.MethodEpoll
	c.NPriorities = 1
	c.SigRfd, c.SigWfd = -1, -1
	b, err := reactor.Adopt(p)
	if err != nil {
		t.Fatalf("Adopt: %v", err)
	}
	t.Cleanup(func() {
		b.Free()
		c.Magic = reactor.BaseDead
		cmem.Free(p, cbaseAlloc)
	})
	return b
}

func runUntil(t testing.TB, b *reactor.Base, d time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		b.Loop(reactor.EVLOOP_NONBLOCK)
		if !cond() {
			time.Sleep(100 * time.Microsecond)
		}
	}
	return true
}

// testServer is a DNS server for the Go tests: answer(q) returns the reply
// (nil: none).
type testServer struct {
	conn   *net.UDPConn
	answer func(q dnsmessage.Message) []byte
	mu     sync.Mutex
	seen   []string
	done   chan struct{}
}

func startServer(t testing.TB, answer func(q dnsmessage.Message) []byte) *testServer {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{conn: c, answer: answer, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		buf := make([]byte, 1500)
		for {
			n, from, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			var m dnsmessage.Message
			if m.Unpack(buf[:n]) != nil || len(m.Questions) == 0 {
				continue
			}
			s.mu.Lock()
			s.seen = append(s.seen, strings.ToLower(m.Questions[0].Name.String()))
			s.mu.Unlock()
			if r := s.answer(m); r != nil {
				c.WriteToUDP(r, from)
			}
		}
	}()
	t.Cleanup(func() { c.Close(); <-s.done })
	return s
}

func (s *testServer) addr() string { return s.conn.LocalAddr().String() }

// makeReply builds an answer to q with the given A/AAAA addresses or RCODE.
func makeReply(q dnsmessage.Message, rcode dnsmessage.RCode, addrs ...string) []byte {
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: q.ID, Response: true, RecursionDesired: q.RecursionDesired, RCode: rcode})
	b.StartQuestions()
	b.Question(q.Questions[0])
	b.StartAnswers()
	for _, a := range addrs {
		ip := netip.MustParseAddr(a)
		h := dnsmessage.ResourceHeader{Name: q.Questions[0].Name, Class: dnsmessage.ClassINET, TTL: 60}
		if ip.Is4() {
			b.AResource(h, dnsmessage.AResource{A: ip.As4()})
		} else {
			b.AAAAResource(h, dnsmessage.AAAAResource{AAAA: ip.As16()})
		}
	}
	out, _ := b.Finish()
	return out
}

// result is what a Go callback of a request saw.
type result struct {
	err   int
	addrs []string
	ttl   uint32
}

func collect(res *[]result) *reqExt {
	return &reqExt{gcb: func(d *deferred) {
		r := result{err: d.result(), ttl: d.ttl}
		if d.have {
			size := 4
			if d.typ == typeAAAA {
				size = 16
			}
			if d.typ == typePTR {
				r.addrs = append(r.addrs, unix.BytePtrToString((*byte)(*(*unsafe.Pointer)(d.blk))))
			} else {
				for i := 0; i < d.addrCount(); i++ {
					b := unsafe.Slice((*byte)(unsafe.Add(d.blk, i*size)), size)
					a, _ := netip.AddrFromSlice(b)
					r.addrs = append(r.addrs, a.String())
				}
			}
		}
		*res = append(*res, r)
	}}
}

func newTestBase(t testing.TB, rb *reactor.Base, servers ...string) *Base {
	b := NewBase(rb, 0)
	if b == nil {
		t.Fatal("NewBase")
	}
	t.Cleanup(func() { b.Free(false) })
	for _, s := range servers {
		if r := b.addNameserverString(s); r != 0 {
			t.Fatalf("add %s: %d", s, r)
		}
	}
	return b
}

func TestResolve(t *testing.T) {
	srv := startServer(t, func(q dnsmessage.Message) []byte {
		switch strings.ToLower(q.Questions[0].Name.String()) {
		case "a.test.":
			if q.Questions[0].Type == dnsmessage.TypeAAAA {
				return makeReply(q, 0, "fd00::1")
			}
			return makeReply(q, 0, "10.0.0.1", "10.0.0.2")
		case "nx.test.":
			return makeReply(q, dnsmessage.RCodeNameError)
		case "fail.test.":
			return makeReply(q, dnsmessage.RCodeRefused)
		}
		return nil
	})
	rb := newRB(t)
	b := newTestBase(t, rb, srv.addr())
	b.SetOption("timeout", "0.2", optionsAll)
	b.SetOption("attempts", "1", optionsAll)
	tests := []struct {
		name string
		typ  uint16
		want result
	}{
		{"a.test", typeA, result{err: errNone, addrs: []string{"10.0.0.1", "10.0.0.2"}, ttl: 60}},
		{"a.test", typeAAAA, result{err: errNone, addrs: []string{"fd00::1"}, ttl: 60}},
		{"nx.test", typeA, result{err: errNotExist}},
		{"fail.test", typeA, result{err: errRefused}},
		{"drop.test", typeA, result{err: errTimeout}},
	}
	for _, tc := range tests {
		var got []result
		if h := b.resolve(tc.typ, tc.name, queryNoSearch, nil, nil, collect(&got)); h == nil {
			t.Fatalf("%s: resolve failed", tc.name)
		}
		if !runUntil(t, rb, 3*time.Second, func() bool { return len(got) > 0 }) {
			t.Fatalf("%s: no callback", tc.name)
		}
		if g := got[0]; g.err != tc.want.err || strings.Join(g.addrs, ",") != strings.Join(tc.want.addrs, ",") ||
			(tc.want.ttl != 0 && g.ttl != tc.want.ttl) {
			t.Errorf("%s/%d: got %+v, want %+v", tc.name, tc.typ, g, tc.want)
		}
	}
	if b.nHandles != 0 || b.nRequests != 0 {
		t.Errorf("%d request handles, %d requests left", b.nHandles, b.nRequests)
	}
}

// With max-inflight 1, requests wait in line and all are answered.
func TestInflightLimit(t *testing.T) {
	srv := startServer(t, func(q dnsmessage.Message) []byte { return makeReply(q, 0, "10.1.2.3") })
	rb := newRB(t)
	b := newTestBase(t, rb, srv.addr())
	b.SetOption("max-inflight", "1", optionsAll)
	var got []result
	for i := 0; i < 20; i++ {
		b.resolve(typeA, "x"+string(rune('a'+i))+".test", queryNoSearch, nil, nil, collect(&got))
	}
	if b.inflightQ.n != 1 || b.waiting.n != 19 {
		t.Fatalf("in flight %d, waiting %d; want 1, 19", b.inflightQ.n, b.waiting.n)
	}
	if !runUntil(t, rb, 5*time.Second, func() bool { return len(got) == 20 }) {
		t.Fatalf("%d of 20 answered", len(got))
	}
	for _, g := range got {
		if g.err != errNone {
			t.Errorf("got %+v", g)
		}
	}
}

// Cancel and free: callbacks are deferred, handles are released.
func TestCancelAndFree(t *testing.T) {
	srv := startServer(t, func(q dnsmessage.Message) []byte { return nil })
	_ = srv
	rb := newRB(t)
	b := NewBase(rb, 0)
	b.addNameserverString(srv.addr())
	var got []result
	h := b.resolve(typeA, "c.test", 0, nil, nil, collect(&got))
	b.Cancel(h)
	if len(got) != 0 {
		t.Fatal("callback ran inside cancel")
	}
	b.resolve(typeA, "d.test", 0, nil, nil, collect(&got))
	b.Free(true)
	runUntil(t, rb, time.Second, func() bool { return len(got) == 2 })
	if len(got) != 2 || got[0].err != errCancel || got[1].err != errShutdown {
		t.Fatalf("got %+v", got)
	}
	if b.nHandles != 0 || b.nRequests != 0 || b.reqID != 0 {
		t.Errorf("%d request handles, %d requests left; handler %d", b.nHandles, b.nRequests, b.reqID)
	}
}

func TestSearchOrder(t *testing.T) {
	srv := startServer(t, func(q dnsmessage.Message) []byte { return makeReply(q, dnsmessage.RCodeNameError) })
	rb := newRB(t)
	b := newTestBase(t, rb, srv.addr())
	b.SearchAdd("one.test")
	b.SearchAdd(".two.test")
	var got []result
	b.resolve(typeA, "host", 0, nil, nil, collect(&got))
	runUntil(t, rb, 3*time.Second, func() bool { return len(got) == 1 })
	srv.mu.Lock()
	seen := strings.Join(srv.seen, " ")
	srv.mu.Unlock()
	if want := "host.two.test. host.one.test. host."; seen != want {
		t.Errorf("queries %q, want %q", seen, want)
	}
}

func TestMatchesOption(t *testing.T) {
	tests := []struct {
		s, opt string
		want   bool
	}{
		{"ndots", "ndots:", true},
		{"ndots:", "ndots:", true},
		{"ndots:5", "ndots:", true},
		{"ndot", "ndots:", false},
		{"ndotsx", "ndots:", false},
		{"timeout", "ndots:", false},
		{"", "ndots:", false},
	}
	for _, tc := range tests {
		if got := matchesOption(tc.s, tc.opt); got != tc.want {
			t.Errorf("matchesOption(%q, %q) = %v", tc.s, tc.opt, got)
		}
	}
}

func TestStrtotimeval(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"5", 5_000_000, true},
		{"0.25", 250_000, true},
		{"0.001", 1000, true},
		{"0.0009", 0, false},
		{"-1", 0, false},
		{"x", 0, false},
		{"", 0, false},
		{"1e1", 10_000_000, true},
		{"nan", 0, false},
	}
	for _, tc := range tests {
		got, ok := strtotimeval(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("strtotimeval(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseHostsLine(t *testing.T) {
	tests := []struct {
		line  string
		names string
	}{
		{"127.0.0.1 localhost", "localhost"},
		{"10.0.0.1\ta b # c d", "a b"},
		{"10.0.0.1 a#b c", "a"},
		{"10.0.0.1 #a b", ""},
		{"# 10.0.0.1 a", ""},
		{"10.0.0.1:80 a", ""},
		{"bad a", ""},
		{"::1 six", "six"},
		{"", ""},
	}
	for _, tc := range tests {
		var names []string
		for _, e := range parseHostsLine(tc.line) {
			names = append(names, e.name)
		}
		if got := strings.Join(names, " "); got != tc.names {
			t.Errorf("parseHostsLine(%q) = %q, want %q", tc.line, got, tc.names)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		back string
	}{
		{"www.example.com", true, "www.example.com"},
		{"www.example.com.", true, "www.example.com"},
		{"", true, ""},
		{strings.Repeat("a", 63) + ".b", true, strings.Repeat("a", 63) + ".b"},
		{strings.Repeat("a", 64) + ".b", false, ""},
		{strings.Repeat("a.", 128), false, ""},
		{"a..b", true, "a"},
	}
	for _, tc := range tests {
		buf, ok := appendLabels(nil, tc.name, nil)
		if ok != tc.ok {
			t.Errorf("appendLabels(%q) ok=%v", tc.name, ok)
			continue
		}
		if ok && labelsName(buf) != tc.back {
			t.Errorf("labelsName(appendLabels(%q)) = %q, want %q", tc.name, labelsName(buf), tc.back)
		}
	}
	// Compression: the second name points at the first's suffix.
	var tab labelTable
	buf, _ := appendLabels(nil, "www.example.com", &tab)
	buf, _ = appendLabels(buf, "mail.example.com", &tab)
	if want := "\x03www\x07example\x03com\x00\x04mail\xc0\x04"; string(buf) != want {
		t.Errorf("compressed %q, want %q", buf, want)
	}
}

func TestSockaddrHelpers(t *testing.T) {
	a := parseSockaddrPortGo("127.0.0.1:53")
	b := parseSockaddrPortGo("127.0.0.1:5353")
	if !sockaddrEqual(a, b, false) || sockaddrEqual(a, b, true) {
		t.Error("sockaddrEqual")
	}
	if formatSockaddr(a) != "127.0.0.1:53" || formatSockaddr(parseSockaddrPortGo("[::1]:53")) != "[::1]:53" {
		t.Errorf("formatSockaddr %q", formatSockaddr(a))
	}
	if !sockaddrIsLoopback(a) || sockaddrIsLoopback(parseSockaddrPortGo("10.0.0.1")) ||
		!sockaddrIsLoopback(parseSockaddrPortGo("::1")) {
		t.Error("sockaddrIsLoopback")
	}
	if p := sockaddrPort(b); p != 5353 {
		t.Errorf("port %d", p)
	}
	if binary.NativeEndian.Uint16(a) != unix.AF_INET {
		t.Error("family")
	}
}

// The C structures the package fills have the layouts the C layer reads.
func TestLayout(t *testing.T) {
	if sizeofHandle != 24 || sreqPubOff != 160 || sizeofAddrinfo != 48 {
		t.Errorf("handle %d, sreq pub %d, addrinfo %d", sizeofHandle, sreqPubOff, sizeofAddrinfo)
	}
	// A request in flight: one C block of its struct (event first) and query.
	if sizeofRequest != 216 || unsafe.Offsetof(request{}.ev) != 0 {
		t.Errorf("request %d bytes, event at %d", sizeofRequest, unsafe.Offsetof(request{}.ev))
	}
	if sreqAddrOff+128 != sreqPubOff {
		t.Errorf("sockaddr_storage at %d does not end at the public part (%d)", sreqAddrOff, sreqPubOff)
	}
}
