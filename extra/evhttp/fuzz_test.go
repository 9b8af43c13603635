package evhttp

import (
	"bytes"
	"testing"
)

// Fuzz targets for what evhttp reads from peers and programs: request and
// status lines, header blocks, chunked bodies, URIs, the %-encodings and
// query strings, and the C library number rules parse.go reproduces
// (checked against glibc itself). `go test` runs the seeds and the
// committed corpus (testdata/fuzz); `go test -fuzz=FuzzRequestHead
// ./extra/evhttp` explores.

// lines splits data as evbuffer_readln(EVBUFFER_EOL_CRLF) would: at each
// LF, a CR before it dropped; the rest (no LF) is left over.
func lines(data []byte) (ls [][]byte, rest []byte) {
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return ls, data
		}
		l := data[:i]
		if i > 0 && l[i-1] == '\r' {
			l = l[:i-1]
		}
		ls = append(ls, l)
		data = data[i+1:]
	}
}

func checkParts(t *testing.T, s []byte, p *uriParts) {
	for i := 0; i < nParts; i++ {
		if p.present[i] && (p.off[i] < 0 || p.len[i] < 0 || p.off[i]+p.len[i] > len(s)) {
			t.Fatalf("part %d of %q out of range: %d+%d", i, s, p.off[i], p.len[i])
		}
	}
	if p.port < -1 || p.port > 65535 {
		t.Fatalf("port %d of %q", p.port, s)
	}
}

// FuzzRequestHead: a server's reading of a request line and headers.
func FuzzRequestHead(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"))
	f.Add([]byte("POST /a b?c=d HTTP/1.0\r\nContent-Length: 3\r\nX: a\r\n  folded\r\n\r\nabc"))
	f.Add([]byte("GET http://h:80/p?q#f HTTP/1.1\nK:v\n\n"))
	f.Add([]byte("BREW /pot HTTP/+1.-1\r\n: \r\nKe\ry: x\r\n\r\n"))
	f.Add([]byte("GET /\x00x HTTP/1.1\r\nA: b\x00c\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ls, _ := lines(data)
		if len(ls) == 0 {
			return
		}
		line := cline(ls[0])
		if m, uri, v, ok := splitRequestLine(line); ok {
			if len(m)+len(uri)+len(v)+2 != len(line) {
				t.Fatalf("split of %q lost bytes", line)
			}
			_ = methodType(m)
			parseVersion(v)
			if p, ok := parseURI(uri, uriNonconformant); ok {
				checkParts(t, uri, &p)
			} else if _, ok := parseURI(uri, 0); ok {
				t.Fatalf("%q parses strictly but not leniently", uri)
			}
		}
		for _, l := range ls[1:] {
			l = cline(l)
			if len(l) == 0 {
				break
			}
			if l[0] == ' ' || l[0] == '\t' {
				_ = trimLWS(l)
				continue
			}
			if k, v, ok := splitHeader(l); ok {
				if len(v) > 0 && (v[0] == ' ' || v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
					t.Fatalf("value %q of %q not trimmed", v, l)
				}
				headerValid(k, v)
				contentLength(v)
			}
		}
	})
}

// FuzzChunkedBody: the chunk reader's view of a body.
func FuzzChunkedBody(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte("5 ;ext\r\nhello\r\n\r\n0x3\r\nabc\r\n0\r\nT: x\r\n\r\n"))
	f.Add([]byte("ffffffffffffffffffff\r\nx"))
	f.Add([]byte("-5\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var body int64
		for len(data) > 0 {
			ls, _ := lines(data)
			if len(ls) == 0 {
				return
			}
			nl := bytes.IndexByte(data, '\n')
			l := cline(ls[0])
			data = data[nl+1:]
			if len(l) == 0 {
				continue
			}
			n, ok := chunkSize(l)
			if !ok {
				return
			}
			if n < 0 {
				t.Fatalf("negative chunk size %d from %q", n, l)
			}
			if n == 0 {
				return
			}
			if int64(len(data)) < n {
				return
			}
			body += n
			data = data[n:]
		}
	})
}

// FuzzResponseLine: a client's reading of a status line.
func FuzzResponseLine(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK"))
	f.Add([]byte("HTTP/1.0 404"))
	f.Add([]byte("HTTP/1.1 2xx Weird reason"))
	f.Fuzz(func(t *testing.T, line []byte) {
		line = cline(line)
		proto, num, reason, ok := splitResponseLine(line)
		if !ok {
			return
		}
		if len(proto)+1+len(num) > len(line) || len(reason) > len(line) {
			t.Fatalf("split of %q", line)
		}
		parseVersion(proto)
		_ = atoi(num)
	})
}

// FuzzURI: parsing with both flags; a strict parse's parts pass the
// setters' checks, and joining and parsing again gives the same parts.
func FuzzURI(f *testing.F) {
	for _, s := range []string{"http://u:p@h:80/a/b?c=d#e", "//h", "/p%41?q", "a:b:c", "http://[::1]:8/", "http://[v1.x]/",
		"mailto:x@y", "?#", "http://h:/", "file:///x", "/a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := cline([]byte(s))
		for _, flags := range []uint{0, uriNonconformant} {
			p, ok := parseURI(b, flags)
			if !ok {
				continue
			}
			checkParts(t, b, &p)
			if flags == 0 {
				for i := 0; i < nParts; i++ {
					if v, has := p.get(b, i); has && !checkPart(i, v, 0) {
						t.Fatalf("part %d %q of %q fails the setter's check", i, v, b)
					}
				}
			}
			j := join(b, &p)
			if p2, ok := parseURI(j, flags); !ok {
				if flags == 0 {
					t.Fatalf("%q joined as %q does not parse again", b, j)
				}
			} else if describe(j, &p2) != describe(b, &p) {
				t.Fatalf("%q: %s; joined %q: %s", b, describe(b, &p), j, describe(j, &p2))
			}
		}
	})
}

// join is evhttp_uri_join of parsed parts.
func join(s []byte, p *uriParts) []byte {
	var o []byte
	if v, ok := p.get(s, partScheme); ok {
		o = append(append(o, v...), ':')
	}
	if h, ok := p.get(s, partHost); ok {
		o = append(o, "//"...)
		if u, ok := p.get(s, partUserinfo); ok {
			o = append(append(o, u...), '@')
		}
		o = append(o, h...)
		if p.port >= 0 {
			o = append(append(o, ':'), itoa(p.port)...)
		}
	}
	if v, ok := p.get(s, partPath); ok {
		o = append(o, v...)
	}
	if v, ok := p.get(s, partQuery); ok {
		o = append(append(o, '?'), v...)
	}
	if v, ok := p.get(s, partFragment); ok {
		o = append(append(o, '#'), v...)
	}
	return o
}

// FuzzEncoding: decoding undoes encoding; the escapes and query parsing
// take anything.
func FuzzEncoding(f *testing.F) {
	f.Add([]byte("a b+c%41?x=1&y=%zz"))
	f.Add([]byte("\x00\xff<>&\"'"))
	f.Fuzz(func(t *testing.T, s []byte) {
		if d := decodeURI(nil, encodeURI(nil, s, false), 0); !bytes.Equal(d, s) {
			t.Fatalf("decode(encode(%q)) = %q", s, d)
		}
		if d := decodeURI(nil, encodeURI(nil, s, true), 1); !bytes.Equal(d, s) {
			t.Fatalf("decode+(encode+(%q)) = %q", s, d)
		}
		if len(decodeURI(nil, s, -1)) > len(s) {
			t.Fatalf("decoding %q grew it", s)
		}
		if len(htmlEscape(nil, s)) > 6*len(s) {
			t.Fatalf("escaping %q", s)
		}
		c := cline(s)
		parseQuery(c, false)
		parseQuery(c, true)
	})
}

// FuzzNumbers: parse.go's strtoll, atoi and sscanf("HTTP/%d.%d%c") against
// glibc's.
func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"12", "-0x1f", " +7z", "9223372036854775808", "HTTP/1.1", "HTTP/ 1.-2", "HTTP/1.1x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := cline([]byte(s))
		for _, base := range []int{10, 16} {
			v, end, ok := strtol(b, base)
			if !ok {
				end = 0
			}
			if lv, lend := libcStrtoll(b, base); v != lv || end != lend {
				t.Fatalf("strtol(%q, %d) = %d/%d, libc %d/%d", b, base, v, end, lv, lend)
			}
		}
		if a, la := atoi(b), libcAtoi(b); a != la {
			t.Fatalf("atoi(%q) = %d, libc %d", b, a, la)
		}
		ma, mi, ok := parseVersion(b)
		n, lma, lmi := libcScanVersion(b)
		if lok := n == 2 && lma <= 1; ok != lok || (ok && (ma != lma || mi != lmi)) {
			t.Fatalf("parseVersion(%q) = %d.%d %v, sscanf %d: %d.%d", b, ma, mi, ok, n, lma, lmi)
		}
	})
}
