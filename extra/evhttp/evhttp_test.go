package evhttp

import (
	"bytes"
	"testing"
	"unsafe"
)

func TestLayout(t *testing.T) {
	var r cRequest
	var kv cKeyval
	var c cConn
	var b cBound
	var u cURI
	got := map[string]uintptr{
		"req.size": uintptr(reqPublic), "req.evcon": unsafe.Offsetof(r.evcon), "req.flags": unsafe.Offsetof(r.flags),
		"req.inHeaders": unsafe.Offsetof(r.inHeaders), "req.remotePort": unsafe.Offsetof(r.remotePort),
		"req.kind": unsafe.Offsetof(r.kind), "req.headersSize": unsafe.Offsetof(r.headersSize),
		"req.uriElems": unsafe.Offsetof(r.uriElems), "req.major": unsafe.Offsetof(r.major),
		"req.responseCode": unsafe.Offsetof(r.responseCode), "req.ntoread": unsafe.Offsetof(r.ntoread),
		"req.outputBuffer": unsafe.Offsetof(r.outputBuffer), "req.cb": unsafe.Offsetof(r.cb),
		"req.onCompleteA": unsafe.Offsetof(r.onCompleteA),
		"kv.size":         unsafe.Sizeof(kv), "kv.key": unsafe.Offsetof(kv.key),
		"conn.bev": unsafe.Offsetof(c.bev), "conn.address": unsafe.Offsetof(c.address),
		"conn.port": unsafe.Offsetof(c.port), "conn.addr": unsafe.Offsetof(c.addr),
		"bound.listener": unsafe.Offsetof(b.listener),
		"uri.size":       unsafe.Sizeof(u), "uri.host": unsafe.Offsetof(u.host), "uri.port": unsafe.Offsetof(u.port),
		"uri.fragment": unsafe.Offsetof(u.fragment),
	}
	for k, want := range cLayout {
		if got[k] != want {
			t.Errorf("%s: Go %d, C %d", k, got[k], want)
		}
	}
	if unsafe.Offsetof(r.magic) != uintptr(reqPublic) || sizeofRequest != reqPublic+sizeofReqPriv {
		t.Errorf("request trailer at %d, size %d; C: public %d + trailer %d", unsafe.Offsetof(r.magic), sizeofRequest, reqPublic, sizeofReqPriv)
	}
	if sizeofCConn != sizeofConnHandle || sizeofCBound != sizeofBound || int(unsafe.Sizeof(cUriParts{})) != sizeofUriParts {
		t.Errorf("sizes: conn %d/%d bound %d/%d parts %d/%d", sizeofCConn, sizeofConnHandle, sizeofCBound, sizeofBound,
			unsafe.Sizeof(cUriParts{}), sizeofUriParts)
	}
	if cReqBits != bitChunked|bitUserdone<<8 {
		t.Errorf("bit-fields: C chunked/userdone bits %#x, Go %#x", cReqBits, bitChunked|bitUserdone<<8)
	}
}

func TestStrtolMatchesLibc(t *testing.T) {
	inputs := []string{"", "0", "12", "-12", "+7", "  42", "\t\n 9x", "0x1f", "0X1F", "0x", "0xg", "ff", "FF", "-0",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"99999999999999999999999", "-99999999999999999999", "7fffffffffffffff", "8000000000000000",
		"ffffffffffffffffffff", "-ffffffffffffffff", "1 2", "+", "-", " ", "\v1", "\f2", "00012", "0x0x1"}
	for _, s := range inputs {
		for _, base := range []int{10, 16} {
			v, end, ok := strtol([]byte(s), base)
			lv, lend := libcStrtoll([]byte(s), base)
			if !ok {
				end = 0
			}
			if v != lv || end != lend {
				t.Errorf("strtol(%q, %d) = %d end %d; libc %d end %d", s, base, v, end, lv, lend)
			}
		}
		if a, la := atoi([]byte(s)), libcAtoi([]byte(s)); a != la {
			t.Errorf("atoi(%q) = %d; libc %d", s, a, la)
		}
	}
}

func TestParseVersionMatchesSscanf(t *testing.T) {
	inputs := []string{"HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.1x", "HTTP/1.", "HTTP/1", "HTTP/",
		"HTTP/ 1. 1", "HTTP/+1.-1", "HTTP/-5.3", "HTTP/1.1 ", "http/1.1", "HTTPS/1.1", "HTTP/1.4294967297",
		"HTTP/9999999999.1", "HTTP/1.99999999999999999999", "HTTP/01.01", "HTTP/1..1", "HTTP/\t1.1", "HTTP/1.1\t"}
	for _, s := range inputs {
		ma, mi, ok := parseVersion([]byte(s))
		n, lma, lmi := libcScanVersion([]byte(s))
		lok := n == 2 && lma <= 1
		if ok != lok || (ok && (ma != lma || mi != lmi)) {
			t.Errorf("parseVersion(%q) = %d.%d %v; sscanf n=%d %d.%d", s, ma, mi, ok, n, lma, lmi)
		}
	}
}

func TestSplitRequestLine(t *testing.T) {
	tests := []struct {
		in                   string
		method, uri, version string
		ok                   bool
	}{
		{"GET / HTTP/1.1", "GET", "/", "HTTP/1.1", true},
		{"GET /a b HTTP/1.1", "GET", "/a b", "HTTP/1.1", true},
		{"GET  HTTP/1.1", "", "", "", false},
		{"GET /", "", "", "", false},
		{"GET", "", "", "", false},
		{" / HTTP/1.1", "", "/", "HTTP/1.1", true},
		{"GET / ", "GET", "/", "", true},
		{"GET   x", "GET", " ", "x", true},
	}
	for _, tt := range tests {
		m, u, v, ok := splitRequestLine([]byte(tt.in))
		if ok != tt.ok || (ok && (string(m) != tt.method || string(u) != tt.uri || string(v) != tt.version)) {
			t.Errorf("splitRequestLine(%q) = %q %q %q %v", tt.in, m, u, v, ok)
		}
	}
}

func TestChunkSizeAndContentLength(t *testing.T) {
	chunks := []struct {
		in string
		v  int64
		ok bool
	}{
		{"5", 5, true}, {"A", 10, true}, {"0x5", 5, true}, {"5 ;ext", 5, true}, {"5;ext", 0, false},
		{"-5", 0, false}, {"zz", 0, false}, {" ", 0, true}, {"", 0, false}, {"ffffffffffffffffffff", 1<<63 - 1, true},
		{" 3", 3, true},
	}
	for _, tt := range chunks {
		v, ok := chunkSize([]byte(tt.in))
		if ok != tt.ok || (ok && v != tt.v) {
			t.Errorf("chunkSize(%q) = %d %v", tt.in, v, ok)
		}
	}
	lengths := []struct {
		in string
		v  int64
		ok bool
	}{
		{"12", 12, true}, {"+2", 2, true}, {"\t2", 2, true}, {"-1", 0, false}, {"2x", 0, false}, {"", 0, false},
		{"0x2", 0, false}, {" ", 0, false},
	}
	for _, tt := range lengths {
		v, ok := contentLength([]byte(tt.in))
		if ok != tt.ok || (ok && v != tt.v) {
			t.Errorf("contentLength(%q) = %d %v", tt.in, v, ok)
		}
	}
}

func TestHeaderValid(t *testing.T) {
	tests := []struct {
		k, v string
		ok   bool
	}{
		{"K", "v", true}, {"K", "v\r\n w", true}, {"K", "v\n\tw", true}, {"K", "v\r\nw", false},
		{"K", "v\r", false}, {"K\r", "v", false}, {"", "", true}, {"K", "a\r\n\r\n\tb", true},
	}
	for _, tt := range tests {
		if got := headerValid([]byte(tt.k), []byte(tt.v)); got != tt.ok {
			t.Errorf("headerValid(%q, %q) = %v", tt.k, tt.v, got)
		}
	}
}

func TestPhrase(t *testing.T) {
	tests := map[int]string{200: "OK", 204: "No Content", 306: "Temporary Redirect", 307: "Redirection",
		404: "Not Found", 418: "Client Error", 505: "HTTP Version not supported", 99: "Unknown Status Class",
		600: "Unknown Status Class", 100: "Continue", -200: "Unknown Status Class", 299: "Success"}
	for code, want := range tests {
		if got := phrase(code); got != want {
			t.Errorf("phrase(%d) = %q, want %q", code, got, want)
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	tests := []struct{ in, enc, encPlus string }{
		{"a b+c", "a%20b%2Bc", "a+b%2Bc"},
		{"~-._AZaz09", "~-._AZaz09", "~-._AZaz09"},
		{"\x00\xff/?", "%00%FF%2F%3F", "%00%FF%2F%3F"},
	}
	for _, tt := range tests {
		if got := string(encodeURI(nil, []byte(tt.in), false)); got != tt.enc {
			t.Errorf("encode(%q) = %q", tt.in, got)
		}
		if got := string(encodeURI(nil, []byte(tt.in), true)); got != tt.encPlus {
			t.Errorf("encode+(%q) = %q", tt.in, got)
		}
		if got := decodeURI(nil, []byte(tt.enc), 0); !bytes.Equal(got, []byte(tt.in)) {
			t.Errorf("decode(%q) = %q", tt.enc, got)
		}
		if got := decodeURI(nil, []byte(tt.encPlus), 1); !bytes.Equal(got, []byte(tt.in)) {
			t.Errorf("decode+(%q) = %q", tt.encPlus, got)
		}
	}
	if got := string(decodeURI(nil, []byte("a+b?c+d"), -1)); got != "a+b?c d" {
		t.Errorf("decode_uri = %q", got)
	}
	if got := string(decodeURI(nil, []byte("%4"), 0)); got != "%4" {
		t.Errorf("decode(%%4) = %q", got)
	}
	if got := string(htmlEscape(nil, []byte(`<a href="x">'&'</a>`))); got != "&lt;a href=&quot;x&quot;&gt;&#039;&amp;&#039;&lt;/a&gt;" {
		t.Errorf("htmlEscape = %q", got)
	}
}

func TestParseURI(t *testing.T) {
	tests := []struct {
		in    string
		flags uint
		parts string // scheme|userinfo|host|port|path|query|fragment, "-" for absent
	}{
		{"http://u@h:8/p?q#f", 0, "http|u|h|8|/p|q|f"},
		{"/a b", 0, ""},
		{"/a b", uriNonconformant, "-|-|-|-1|/a b|-|-"},
		{"http://[::1]:80/", 0, "http|-|[::1]|80|/|-|-"},
		{"http://h:99999/", 0, ""},
		{"a:b", 0, "a|-|-|-1|b|-|-"},
		{"rel:x", 0, "rel|-|-|-1|x|-|-"},
		{"./a:b", 0, "-|-|-|-1|./a:b|-|-"},
		{"//", 0, "-|-||-1||-|-"},
	}
	for _, tt := range tests {
		p, ok := parseURI([]byte(tt.in), tt.flags)
		if !ok {
			if tt.parts != "" {
				t.Errorf("parseURI(%q) failed", tt.in)
			}
			continue
		}
		if tt.parts == "" {
			t.Errorf("parseURI(%q) succeeded", tt.in)
			continue
		}
		if got := describe([]byte(tt.in), &p); got != tt.parts {
			t.Errorf("parseURI(%q) = %s, want %s", tt.in, got, tt.parts)
		}
	}
}

func describe(s []byte, p *uriParts) string {
	part := func(i int) string {
		v, ok := p.get(s, i)
		if !ok {
			return "-"
		}
		return string(v)
	}
	return part(partScheme) + "|" + part(partUserinfo) + "|" + part(partHost) + "|" + itoa(p.port) + "|" +
		part(partPath) + "|" + part(partQuery) + "|" + part(partFragment)
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestPrefixSuffixMatch(t *testing.T) {
	tests := []struct {
		pat, name string
		ok        bool
	}{
		{"*.example.com", "www.example.com", true}, {"*.example.com", "example.com", false},
		{"*.EXAMPLE.com", "a.example.COM", true}, {"a*b*c", "aXXbYYc", true}, {"a*b*c", "aXXbYY", false},
		// As libevent's: a '*' must leave something for the rest of the
		// pattern, so a trailing '*' matches nothing.
		{"*", "", false}, {"*", "abc", false}, {"a*", "abc", false}, {"", "", true}, {"", "x", false},
		{"**", "ab", false}, {"*c", "abc", true},
	}
	for _, tt := range tests {
		if got := prefixSuffixMatch([]byte(tt.pat), []byte(tt.name), true); got != tt.ok {
			t.Errorf("match(%q, %q) = %v", tt.pat, tt.name, got)
		}
	}
}

func TestParseQuery(t *testing.T) {
	pairs, ok := parseQuery([]byte("a=1&b=x+y%21&c="), false)
	if !ok || len(pairs) != 3 || string(pairs[1][1]) != "x y!" || string(pairs[2][1]) != "" {
		t.Errorf("parseQuery = %q %v", pairs, ok)
	}
	for _, bad := range []string{"a", "=1", "a=1&&b=2", "a=1&b"} {
		if _, ok := parseQuery([]byte(bad), false); ok {
			t.Errorf("parseQuery(%q) succeeded", bad)
		}
	}
	if pairs, ok := parseQuery([]byte("http://h/p?x=1#f"), true); !ok || len(pairs) != 1 {
		t.Errorf("parseQuery(whole) = %q %v", pairs, ok)
	}
}
