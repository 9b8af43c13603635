package evhttp

import "unsafe"

// URIs and their encodings, byte for byte as libevent 2.1.12 reads and
// writes them. Every function here works on Go bytes (the C layer hands
// views of its strings and allocates the results): the parsing of what a
// peer sends is memory-safe Go, and the fuzz targets call these directly.
//
// libevent works on NUL-terminated strings: a byte 0 ends a string, and
// scans that look one or two bytes ahead of a position stop at it. Inputs
// here never contain a NUL before their end (they come from C strings);
// at(s, i) reads past the end as 0, as C would read the terminator.

func at(s []byte, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// unreserved marks RFC 3986's unreserved characters: ALPHA DIGIT - . _ ~.
var unreserved = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'], t['.'], t['_'], t['~'] = true, true, true, true
	return
}()

// subDelim marks RFC 3986's sub-delims: ! $ & ' ( ) * + , ; =.
var subDelim = func() (t [256]bool) {
	for _, c := range []byte("!$&'()*+,;=") {
		t[c] = true
	}
	return
}()

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool  { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isAlpha(c) || isDigit(c) }
func isXDigit(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	default:
		return c | 0x20 - 'a' + 10
	}
}

const hexUpper = "0123456789ABCDEF"

// encodeURI appends src to dst with every byte but the unreserved ones as
// %XX (upper case), and spaces as '+' when plus is set: evhttp_uriencode.
func encodeURI(dst, src []byte, plus bool) []byte {
	for _, c := range src {
		switch {
		case unreserved[c]:
			dst = append(dst, c)
		case c == ' ' && plus:
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
		}
	}
	return dst
}

// decodeURI appends the decoded src to dst (evhttp_decode_uri_internal):
// %XX with two hex digits is the byte XX (also 00); '+' is a space when
// mode is 1, never when 0, and after the first '?' when -1.
func decodeURI(dst, src []byte, mode int) []byte {
	plus := mode == 1
	n := len(src)
	for i := 0; i < n; i++ {
		c := src[i]
		switch {
		case c == '?':
			if mode < 0 {
				plus = true
			}
		case c == '+' && plus:
			c = ' '
		case i+2 < n && c == '%' && isXDigit(src[i+1]) && isXDigit(src[i+2]):
			c = unhex(src[i+1])<<4 | unhex(src[i+2])
			i += 2
		}
		dst = append(dst, c)
	}
	return dst
}

// htmlEscape appends src to dst with < > " ' & as entities.
func htmlEscape(dst, src []byte) []byte {
	for _, c := range src {
		switch c {
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '"':
			dst = append(dst, "&quot;"...)
		case '\'':
			dst = append(dst, "&#039;"...)
		case '&':
			dst = append(dst, "&amp;"...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// ---- URI parsing (RFC 3986, as libevent applies it) ----

const uriNonconformant = 0x01 // EVHTTP_URI_NONCONFORMANT

// The parts of a URI, in the order of struct gev_http_uri_parts.
const (
	partScheme = iota
	partUserinfo
	partHost
	partPath
	partQuery
	partFragment
	nParts
)

// uriParts locates the parts of a parsed URI in its source.
type uriParts struct {
	present  [nParts]bool
	off, len [nParts]int
	port     int // -1: none
}

func (p *uriParts) set(part, off, n int) {
	p.present[part], p.off[part], p.len[part] = true, off, n
}

func (p *uriParts) get(src []byte, part int) ([]byte, bool) {
	if !p.present[part] {
		return nil, false
	}
	return src[p.off[part] : p.off[part]+p.len[part]], true
}

// cUriParts mirrors struct gev_http_uri_parts.
type cUriParts struct {
	present int32
	port    int32
	off     [nParts]int64
	len     [nParts]int64
}

var _ [unsafe.Sizeof(cUriParts{}) - 104]byte

func (p *uriParts) toC(dst unsafe.Pointer) {
	c := (*cUriParts)(dst)
	c.present, c.port = 0, int32(p.port)
	for i := 0; i < nParts; i++ {
		if p.present[i] {
			c.present |= 1 << i
			c.off[i], c.len[i] = int64(p.off[i]), int64(p.len[i])
		}
	}
}

// schemeOK: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func schemeOK(s []byte) bool {
	if len(s) == 0 || !isAlpha(s[0]) {
		return false
	}
	for _, c := range s[1:] {
		if !isAlnum(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// userinfoOK: *( unreserved / pct-encoded / sub-delims / ":" ) over
// s[i:eos]; a '%' needs two hex digits before eos.
func userinfoOK(s []byte, i, eos int) bool {
	for i < eos {
		c := s[i]
		switch {
		case unreserved[c] || subDelim[c] || c == ':':
			i++
		case c == '%' && i+2 < eos && isXDigit(s[i+1]) && isXDigit(s[i+2]):
			i += 3
		default:
			return false
		}
	}
	return true
}

// regnameOK: *( unreserved / pct-encoded / sub-delims ) over s[i:eos]; the
// hex digits of a '%' are read wherever they are, even past eos (libevent
// looks at the two next bytes of the string).
func regnameOK(s []byte, i, eos int) bool {
	for i < eos {
		c := s[i]
		switch {
		case unreserved[c] || subDelim[c]:
			i++
		case c == '%' && isXDigit(at(s, i+1)) && isXDigit(at(s, i+2)):
			i += 3
		default:
			return false
		}
	}
	return true
}

// parsePort: the digits of s, at most 65535; -1 otherwise.
func parsePort(s []byte) int {
	n := 0
	for _, c := range s {
		if !isDigit(c) {
			return -1
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			return -1
		}
	}
	return n
}

// bracketAddrOK checks "[...]": 1 for an IPv6 address, 2 for an IPvFuture
// ("v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )), 0 for junk.
func bracketAddrOK(s []byte) int {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return 0
	}
	if s[1] == 'v' {
		i, eos := 2, len(s)-1
		if !isXDigit(s[i]) {
			return 0
		}
		for i < eos && s[i] != '.' {
			if !isXDigit(s[i]) {
				return 0
			}
			i++
		}
		if s[i] != '.' {
			return 0
		}
		i++
		for ; i < eos; i++ {
			if c := s[i]; !unreserved[c] && !subDelim[c] && c != ':' {
				return 0
			}
		}
		return 2
	}
	in := s[1 : len(s)-1]
	if len(in) >= 64 {
		return 0
	}
	if inet6OKFn(in) {
		return 1
	}
	return 0
}

// inet6OKFn is inet_pton(AF_INET6) (a variable for the unit tests).
var inet6OKFn = inet6OK

// parseAuthority reads the authority s[a:eos] into p: [userinfo "@"] host
// [":" port]. False if a part is not valid.
func parseAuthority(s []byte, a, eos int, p *uriParts) bool {
	if a == eos {
		p.set(partHost, a, 0)
		return true
	}
	cp := a
	for i := a; i < len(s); i++ { // strchr: the first '@' of the rest
		if s[i] == '@' {
			if i < eos {
				if !userinfoOK(s, a, i) {
					return false
				}
				p.set(partUserinfo, a, i-a)
				cp = i + 1
			}
			break
		}
	}
	port := eos - 1
	for port >= cp && isDigit(s[port]) {
		port--
	}
	if port >= cp && s[port] == ':' {
		if port+1 == eos {
			p.port = -1 // an empty port is allowed
		} else if p.port = parsePort(s[port+1 : eos]); p.port < 0 {
			return false
		}
		eos = port
	}
	if at(s, cp) == '[' && eos >= cp+2 && s[eos-1] == ']' {
		if bracketAddrOK(s[cp:eos]) == 0 {
			return false
		}
	} else if !regnameOK(s, cp, eos) {
		return false
	}
	p.set(partHost, cp, eos-cp)
	return true
}

// endOfAuthority: the first '?', '#' or '/' from i, or the end.
func endOfAuthority(s []byte, i int) int {
	for ; i < len(s); i++ {
		if c := s[i]; c == '?' || c == '#' || c == '/' {
			return i
		}
	}
	return i
}

// endOfPath: the end of the longest prefix of s[i:] that can be the part:
// *( pchar / "/" ), with "?" too in a query or fragment; or, with
// EVHTTP_URI_NONCONFORMANT, everything up to '?' or '#' (path), '#'
// (query), the end (fragment).
func endOfPath(s []byte, i, part int, flags uint) int {
	if flags&uriNonconformant != 0 {
		switch part {
		case partPath:
			for i < len(s) && s[i] != '#' && s[i] != '?' {
				i++
			}
		case partQuery:
			for i < len(s) && s[i] != '#' {
				i++
			}
		default:
			i = len(s)
		}
		return i
	}
	for i < len(s) {
		c := s[i]
		switch {
		case unreserved[c] || subDelim[c] || c == ':' || c == '@' || c == '/':
			i++
		case c == '%' && isXDigit(at(s, i+1)) && isXDigit(at(s, i+2)):
			i += 3
		case c == '?' && part != partPath:
			i++
		default:
			return i
		}
	}
	return i
}

// pathMatchesNoscheme: no ':' before the first '/'.
func pathMatchesNoscheme(s []byte) bool {
	for _, c := range s {
		if c == ':' {
			return false
		} else if c == '/' {
			return true
		}
	}
	return true
}

// parseURI splits s (evhttp_uri_parse_with_flags); ok false if it does not
// parse.
func parseURI(s []byte, flags uint) (p uriParts, ok bool) {
	p.port = -1
	r := 0
	for i, c := range s { // scheme: up to the first ':', if it is one
		if c == ':' {
			if schemeOK(s[:i]) {
				p.set(partScheme, 0, i)
				r = i + 1
			}
			break
		}
	}
	gotAuthority := false
	if at(s, r) == '/' && at(s, r+1) == '/' {
		r += 2
		end := endOfAuthority(s, r)
		if !parseAuthority(s, r, end, &p) {
			return p, false
		}
		r = end
		gotAuthority = true
	}
	path := r
	r = endOfPath(s, path, partPath, flags)
	pathEnd := r
	if at(s, r) == '?' {
		q := r + 1
		r = endOfPath(s, q, partQuery, flags)
		p.set(partQuery, q, r-q)
	}
	if at(s, r) == '#' {
		f := r + 1
		r = endOfPath(s, f, partFragment, flags)
		p.set(partFragment, f, r-f)
	}
	if r != len(s) {
		return p, false
	}
	ps := s[path:pathEnd]
	if !gotAuthority && at(ps, 0) == '/' && at(ps, 1) == '/' {
		return p, false
	}
	if gotAuthority && len(ps) > 0 && ps[0] != '/' {
		return p, false
	}
	if !p.present[partScheme] && !pathMatchesNoscheme(ps) {
		return p, false
	}
	p.set(partPath, path, pathEnd-path)
	return p, true
}

// checkPart is what evhttp_uri_set_<part> checks of a new value.
func checkPart(part int, s []byte, flags uint) bool {
	switch part {
	case partScheme:
		return schemeOK(s)
	case partUserinfo:
		return userinfoOK(s, 0, len(s))
	case partHost:
		if at(s, 0) == '[' {
			return bracketAddrOK(s) != 0
		}
		return regnameOK(s, 0, len(s))
	case partPath, partQuery, partFragment:
		return endOfPath(s, 0, part, flags) == len(s)
	}
	return false
}

// parseQuery splits a query "k=v&k2=v2" (whole: the query of the URI s) into
// pairs, values decoded with '+' as space: evhttp_parse_query(_str). ok
// false when libevent fails (an argument without '=' or with an empty key,
// an empty argument between two '&', a whole URI that does not parse).
func parseQuery(s []byte, whole bool) (pairs [][2][]byte, ok bool) {
	q := s
	if whole {
		p, good := parseURI(s, 0)
		if !good {
			return nil, false
		}
		var has bool
		if q, has = p.get(s, partQuery); !has {
			return nil, true
		}
	}
	for i := 0; i < len(q); {
		end := i
		for end < len(q) && q[end] != '&' {
			end++
		}
		arg := q[i:end]
		eq := -1
		for j, c := range arg {
			if c == '=' {
				eq = j
				break
			}
		}
		if eq <= 0 {
			return nil, false
		}
		pairs = append(pairs, [2][]byte{arg[:eq], decodeURI(nil, arg[eq+1:], 1)})
		if end == len(q) {
			break
		}
		i = end + 1
	}
	return pairs, true
}

// ---- C strings ----

// cview views the NUL-terminated C string at p (nil: empty) without a copy.
func cview(p unsafe.Pointer) []byte {
	if p == nil {
		return nil
	}
	n := 0
	for *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	return unsafe.Slice((*byte)(p), n)
}

// cstrEq compares the C string at p with s, ignoring ASCII case
// (evutil_ascii_strcasecmp == 0).
func cstrEqFold(p unsafe.Pointer, s string) bool {
	for i := 0; i < len(s); i++ {
		c := *(*byte)(unsafe.Add(p, i))
		if c == 0 || lower(c) != lower(s[i]) {
			return false
		}
	}
	return *(*byte)(unsafe.Add(p, len(s))) == 0
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

func equalFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
