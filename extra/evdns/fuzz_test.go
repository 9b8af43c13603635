package evdns

import (
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/net/dns/dnsmessage"
	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
)

// Fuzz targets for everything evdns reads from outside: replies from
// nameservers, queries to a server port, names, resolv.conf and hosts
// files. `go test` runs the seeds and the committed corpus
// (testdata/fuzz); `go test -fuzz=FuzzReply ./extra/evdns` explores.

func seedReply(q string, typ dnsmessage.Type, rcode dnsmessage.RCode, body func(b *dnsmessage.Builder, n dnsmessage.Name)) []byte {
	n := dnsmessage.MustNewName(q + ".")
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 0x1234, Response: true, RCode: rcode})
	b.EnableCompression()
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: n, Type: typ, Class: dnsmessage.ClassINET})
	b.StartAnswers()
	if body != nil {
		body(&b, n)
	}
	out, _ := b.Finish()
	return out
}

func FuzzReply(f *testing.F) {
	h := func(n dnsmessage.Name) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: n, Class: dnsmessage.ClassINET, TTL: 300}
	}
	f.Add(seedReply("www.example.com", dnsmessage.TypeA, 0, func(b *dnsmessage.Builder, n dnsmessage.Name) {
		b.CNAMEResource(h(n), dnsmessage.CNAMEResource{CNAME: dnsmessage.MustNewName("x.example.com.")})
		b.AResource(h(n), dnsmessage.AResource{A: [4]byte{10, 0, 0, 1}})
	}), uint8(0))
	f.Add(seedReply("www.example.com", dnsmessage.TypeAAAA, 0, func(b *dnsmessage.Builder, n dnsmessage.Name) {
		b.AAAAResource(h(n), dnsmessage.AAAAResource{AAAA: [16]byte{0xfd, 15: 1}})
	}), uint8(1))
	f.Add(seedReply("www.example.com", dnsmessage.TypePTR, 0, func(b *dnsmessage.Builder, n dnsmessage.Name) {
		b.PTRResource(h(n), dnsmessage.PTRResource{PTR: dnsmessage.MustNewName("host.example.")})
	}), uint8(2))
	f.Add(seedReply("www.example.com", dnsmessage.TypeA, dnsmessage.RCodeNameError, func(b *dnsmessage.Builder, n dnsmessage.Name) {
		b.StartAuthorities()
		b.SOAResource(h(dnsmessage.MustNewName("example.com.")), dnsmessage.SOAResource{
			NS: dnsmessage.MustNewName("ns.example.com."), MBox: dnsmessage.MustNewName("a.example.com."), MinTTL: 30})
	}), uint8(0))
	f.Add([]byte("\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01"), uint8(0))
	f.Fuzz(func(t *testing.T, pkt []byte, sel uint8) {
		b := &Base{inflight: map[uint16]*request{}}
		typ := [...]uint16{typeA, typeAAAA, typePTR}[sel%3]
		q := buildQuery(0, "www.example.com", typ)
		blk := cmem.Alloc(sizeofRequest + len(q))
		defer cmem.Free(blk, sizeofRequest+len(q))
		r := (*request)(blk)
		r.typ, r.plen, r.nsIdx, r.ext = typ, uint16(len(q)), -1, -1
		copy(r.packet(), q)
		var cname string
		if sel&4 != 0 {
			r.ext = b.newExt(&reqExt{putCname: &cname})
		}
		b.randomizeCase = sel&8 != 0
		if len(pkt) >= 2 {
			b.inflight[uint16(pkt[0])<<8|uint16(pkt[1])] = r
		}
		ri, ok := b.decodeReply(pkt)
		if !ok || ri.rep == nil {
			return
		}
		size := 4
		if typ == typeAAAA {
			size = 16
		}
		if len(ri.rep.addrs)%size != 0 || len(ri.rep.addrs) > maxAddrs*size {
			t.Fatalf("%d address bytes for type %d", len(ri.rep.addrs), typ)
		}
		if typ != typePTR && ri.rep.ptr != "" || len(ri.rep.ptr) > 255 || len(ri.cname) > 255 {
			t.Fatalf("ptr %q cname %q", ri.rep.ptr, ri.cname)
		}
		if ri.rep.have && typ == typePTR && len(ri.rep.addrs) != 0 {
			t.Fatal("addresses in a PTR answer")
		}
	})
}

// Names: whatever appendLabels accepts is a well-formed query dnsmessage
// parses back to the same name (up to an empty label, which ends it).
func FuzzNames(f *testing.F) {
	for _, s := range []string{"www.example.com", "a.", "", "a..b", strings.Repeat("x", 63), "\xff.\x00.a", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		pkt := buildQuery(7, name, typeA)
		if pkt == nil {
			return
		}
		back := labelsName(pkt[12:])
		if !strings.HasPrefix(strings.ToLower(name), strings.ToLower(back)) {
			t.Fatalf("%q read back as %q", name, back)
		}
		var p dnsmessage.Parser
		if _, err := p.Start(pkt); err != nil {
			t.Fatalf("%q: header: %v", name, err)
		}
		q, err := p.Question()
		if err != nil {
			return // dnsmessage refuses labels with dots or bytes it will not take; so do its replies
		}
		if got := nameString(&q.Name); got != back {
			t.Fatalf("%q: dnsmessage reads %q, we read %q", name, got, back)
		}
		if !sameName(pkt[12:], &q.Name) {
			t.Fatalf("%q: sameName refuses our own question", name)
		}
	})
}

// Queries to a server port: parsed into C memory, answered with records
// named after the questions; the reply is well formed unless cut at 512
// bytes.
func FuzzServerRequest(f *testing.F) {
	q := func(name string, typ dnsmessage.Type) []byte {
		b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 9, RecursionDesired: true})
		b.StartQuestions()
		b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: typ, Class: dnsmessage.ClassINET})
		out, _ := b.Finish()
		return out
	}
	f.Add(q("www.example.com.", dnsmessage.TypeA))
	f.Add(q("4.3.2.1.in-addr.arpa.", dnsmessage.TypePTR))
	f.Add([]byte("\x00\x09\x01\x00\x00\x02\x00\x00\x00\x00\x00\x00\x01a\x00\x00\x01\x00\x01\xc0\x0c\x00\x1c\x00\x01"))
	rb := newRB(f)
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		f.Fatal(err)
	}
	pt := NewPort(rb, fd, nil, nil)
	f.Cleanup(pt.Close)
	from := parseSockaddrPortGo("127.0.0.1:9")
	f.Fuzz(func(t *testing.T, pkt []byte) {
		var failure string
		pt.gocb = func(pub unsafe.Pointer) {
			s := SreqFromC(pub, "fuzz")
			if s == nil {
				failure = "no request"
				return
			}
			for i := 0; i < s.nq; i++ {
				qp := *(*unsafe.Pointer)(unsafe.Add(*(*unsafe.Pointer)(unsafe.Add(pub, pubQsOff)), 8*i))
				name := s.cString(unsafe.Add(qp, qNameOff))
				a := [4]byte{10, 0, 0, byte(i)}
				s.AddReply(0, name, typeA, classINET, 60, 4, false, unsafe.Pointer(&a[0]), "")
				s.AddReply(1, name, typeCNAME, classINET, 60, -1, true, nil, "alias."+name)
			}
			if s.format(0) == 0 && len(s.response) < 512 {
				var m dnsmessage.Message
				if err := m.Unpack(s.response); err != nil && !strings.Contains(err.Error(), "segment") &&
					!strings.Contains(err.Error(), "name") && !strings.Contains(err.Error(), "label") {
					failure = "our reply does not parse: " + err.Error()
				}
			}
			s.Drop()
		}
		pt.parseRequest(pkt, from)
		if failure != "" {
			t.Fatal(failure)
		}
		if n := sreqs.Live(); n != 0 {
			t.Fatalf("%d server requests left", n)
		}
	})
}

// resolv.conf lines and options: any text is taken or refused without
// harm; nameservers come only from "nameserver" lines.
func FuzzResolvConf(f *testing.F) {
	for _, s := range []string{
		"nameserver 127.0.0.1\nsearch a.test b.test\noptions ndots:2 timeout:0.5 attempts:1\n",
		"domain x.test\noptions rotate inet6 max-inflight:0 randomize-case:0 bind-to:127.0.0.1\n",
		"nameserver [::1]:53\nnameserver 300.1.1.1\n\x00nameserver 10.0.0.1",
		"options initial-probe-timeout:7200 getaddrinfo-allow-skew:nan so-rcvbuf:x max-timeouts:9999\n",
	} {
		f.Add(s)
	}
	rb := newRB(f)
	f.Fuzz(func(t *testing.T, text string) {
		b := NewBase(rb, 0)
		defer b.Free(false)
		if i := strings.IndexByte(text, 0); i >= 0 {
			text = text[:i]
		}
		lines := strings.Split(text, "\n")
		if len(lines) > 64 {
			lines = lines[:64]
		}
		want := 0
		for _, line := range lines {
			tok := fields(line)
			if len(tok) > 1 && tok[0] == "nameserver" {
				want++
			}
			b.resolvLine(line, optionsAll&^optHostsfile)
		}
		if n := b.CountNameservers(); n > want {
			t.Fatalf("%d nameservers from %d lines", n, want)
		}
		if b.maxInflight < 1 || b.maxNSTimeouts < 1 || b.maxRetransmits < 0 || b.timeout < 1000 {
			t.Fatalf("options out of range: %+v", b)
		}
	})
}

// hosts lines: entries have a name without blanks or '#', and an address
// without a port.
func FuzzHosts(f *testing.F) {
	for _, s := range []string{"127.0.0.1 localhost", "::1 a b # c", "10.0.0.1:80 x", "1.2.3.4 a#b c", "#x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, e := range parseHostsLine(line) {
			if e.name == "" || strings.ContainsAny(e.name, " \t#") {
				t.Fatalf("name %q from %q", e.name, line)
			}
			if sockaddrPort(e.addr) != 0 || (len(e.addr) != 16 && len(e.addr) != 28) {
				t.Fatalf("address %x from %q", e.addr, line)
			}
		}
	})
}
