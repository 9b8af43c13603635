package evhttp

// The pieces of HTTP/1.x message parsing, as libevent 2.1.12 reads a peer's
// bytes: each line is a C string (it ends at its first NUL byte), numbers
// are read by the C library's sscanf("%d"), atoi and strtoll, whose rules
// (leading white space, signs, 0x prefixes, saturation) are reproduced
// here. Pure functions on Go bytes; the fuzz targets call them.

import "bytes"

// cline is a line as C string functions see it: up to its first NUL.
func cline(b []byte) []byte {
	if i := indexNul(b); i >= 0 {
		return b[:i]
	}
	return b
}

func isSpace(c byte) bool { // C isspace in the C locale
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// strtol reads an integer in base 10 or 16 as C's strtol/strtoll (64-bit
// long): leading white space, a sign, for base 16 an optional 0x, digits;
// saturated at the int64 limits. end is where the number stops (0, with
// ok false, when there are no digits: C's endptr is then the start).
func strtol(s []byte, base int) (v int64, end int, ok bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 16 && i+1 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' && i+2 < len(s) && isXDigit(s[i+2]) {
		i += 2
	}
	start := i
	var u uint64
	over := false
	for ; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case isDigit(c):
			d = uint64(c - '0')
		case base == 16 && isXDigit(c):
			d = uint64(c|0x20-'a') + 10
		default:
			goto done
		}
		if !over {
			if u > (1<<63)/uint64(base) || u*uint64(base)+d > 1<<63 {
				over = true
			} else {
				u = u*uint64(base) + d
			}
		}
	}
done:
	if i == start {
		return 0, 0, false
	}
	switch {
	case neg && (over || u >= 1<<63):
		if over || u > 1<<63 {
			return -1 << 63, i, true
		}
		return -1 << 63, i, true
	case neg:
		return -int64(u), i, true
	case over || u > 1<<63-1:
		return 1<<63 - 1, i, true
	}
	return int64(u), i, true
}

// atoi is glibc's atoi: (int)strtol(s, NULL, 10), 0 without digits.
func atoi(s []byte) int32 {
	v, _, _ := strtol(s, 10)
	return int32(v)
}

// scanInt is sscanf's %d at s[i:]: the int (a long from strtol, truncated
// to int) and the index after it; ok false on a matching failure.
func scanInt(s []byte, i int) (int32, int, bool) {
	v, end, ok := strtol(s[i:], 10)
	if !ok {
		return 0, i, false
	}
	return int32(v), i + end, true
}

// parseVersion is evhttp_parse_http_version: sscanf(v, "HTTP/%d.%d%c")
// must convert exactly two numbers, and the major version be at most 1.
func parseVersion(v []byte) (major, minor int32, ok bool) {
	const pre = "HTTP/"
	if len(v) < len(pre) || string(v[:len(pre)]) != pre {
		return 0, 0, false
	}
	major, i, ok := scanInt(v, len(pre))
	if !ok || i >= len(v) || v[i] != '.' {
		return 0, 0, false
	}
	minor, i, ok = scanInt(v, i+1)
	if !ok || i != len(v) || major > 1 {
		return 0, 0, false
	}
	return major, minor, true
}

// splitRequestLine splits "METHOD URI VERSION" as libevent 2.1.12 does:
// the method up to the first space, the version after the last one, the
// URI (which may hold spaces) between them and not empty.
func splitRequestLine(line []byte) (method, uri, version []byte, ok bool) {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 < 0 {
		return nil, nil, nil, false
	}
	rest := line[sp1+1:]
	last := bytes.LastIndexByte(rest, ' ')
	if last <= 0 {
		return nil, nil, nil, false
	}
	return line[:sp1], rest[:last], rest[last+1:], true
}

// methodType is the method of a request line (exact, upper case), or
// reqUnknown.
func methodType(m []byte) int32 {
	switch string(m) {
	case "GET":
		return reqGET
	case "PUT":
		return reqPUT
	case "POST":
		return reqPOST
	case "HEAD":
		return reqHEAD
	case "PATCH":
		return reqPATCH
	case "TRACE":
		return reqTRACE
	case "DELETE":
		return reqDELETE
	case "OPTIONS":
		return reqOPTIONS
	case "CONNECT":
		return reqCONNECT
	}
	return reqUnknown
}

// splitResponseLine splits "HTTP/x.y CODE REASON": the protocol up to the
// first space (required), the number up to the next (the reason is the
// rest, "" without a second space).
func splitResponseLine(line []byte) (proto, number, reason []byte, ok bool) {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 < 0 {
		return nil, nil, nil, false
	}
	rest := line[sp1+1:]
	if i := bytes.IndexByte(rest, ' '); i >= 0 {
		return line[:sp1], rest[:i], rest[i+1:], true
	}
	return line[:sp1], rest, nil, true
}

// trimLWS drops trailing spaces and tabs (evutil_rtrim_lws_).
func trimLWS(s []byte) []byte {
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// splitHeader splits a header line at its first ':' into the key and the
// value (leading spaces and trailing blanks dropped); ok false without a
// ':'.
func splitHeader(line []byte) (key, value []byte, ok bool) {
	for i, c := range line {
		if c == ':' {
			v := line[i+1:]
			for len(v) > 0 && v[0] == ' ' {
				v = v[1:]
			}
			return line[:i], trimLWS(v), true
		}
	}
	return nil, nil, false
}

// headerValid is what evhttp_add_header checks: no CR or LF in the key,
// and in the value only line breaks followed by a space or tab.
func headerValid(key, value []byte) bool {
	for _, c := range key {
		if c == '\r' || c == '\n' {
			return false
		}
	}
	for i := 0; i < len(value); {
		c := value[i]
		if c != '\r' && c != '\n' {
			i++
			continue
		}
		for i < len(value) && (value[i] == '\r' || value[i] == '\n') {
			i++
		}
		if i >= len(value) || (value[i] != ' ' && value[i] != '\t') {
			return false
		}
	}
	return true
}

// chunkSize reads a chunk-size line: strtoll base 16, then nothing but the
// end of the line or a space; ok false when libevent calls the data
// corrupted (no digits, anything else after them, a negative size).
func chunkSize(line []byte) (int64, bool) {
	if len(line) == 0 {
		return 0, false
	}
	v, end, ok := strtol(line, 16)
	if !ok {
		end = 0
	}
	if end != len(line) && line[end] != ' ' {
		return 0, false
	}
	if v < 0 {
		return 0, false
	}
	return v, true
}

// contentLength reads a Content-Length value: strtoll base 10 of the whole
// value, not negative.
func contentLength(s []byte) (int64, bool) {
	if len(s) == 0 {
		return 0, false
	}
	v, end, ok := strtol(s, 10)
	if !ok || end != len(s) || v < 0 {
		return 0, false
	}
	return v, true
}
