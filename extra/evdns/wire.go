package evdns

// Encoding names into DNS messages, as libevent's dnsname_to_labels does,
// byte for byte: queries and server replies are built here (parsing, where
// hostile input arrives, is golang.org/x/net/dns/dnsmessage's; see
// reply.go and server.go). Building by hand keeps our replies identical to
// libevent's, including its compression table and its truncation.

import "strings"

// firstLabel splits name's first label off: the label, and the index of
// the dot after it (-1: none, the label is all of name).
func firstLabel(name string) (label string, dot int) {
	dot = strings.IndexByte(name, '.')
	if dot < 0 {
		return name, -1
	}
	return name[:dot], dot
}

// labelTable is libevent's dnslabel_table: the offsets of names (and name
// suffixes) already written, for compression pointers; at most 128.
type labelTable struct {
	names []string
	pos   []int
}

const maxLabels = 128

func (t *labelTable) get(name string) int {
	if t == nil {
		return -1
	}
	for i, n := range t.names {
		if n == name {
			return t.pos[i]
		}
	}
	return -1
}

func (t *labelTable) add(name string, pos int) {
	if t == nil || len(t.names) == maxLabels {
		return
	}
	t.names = append(t.names, name)
	t.pos = append(t.pos, pos)
}

// appendLabels appends name as length-prefixed labels (with a compression
// pointer to an earlier copy of the rest when table has one). It fails
// (false) on a label longer than 63 bytes or a name longer than 255; an
// empty label is written as libevent writes it (a zero byte, which ends
// the name early). limit bounds the message (0: none).
func appendLabels(buf []byte, name string, table *labelTable) ([]byte, bool) {
	return appendLabelsLimit(buf, name, table, 0)
}

func appendLabelsLimit(buf []byte, name string, table *labelTable, limit int) ([]byte, bool) {
	if len(name) > 255 {
		return buf, false
	}
	fits := func(n int) bool { return limit == 0 || len(buf)+n <= limit }
	rest := name
	for {
		if ref := table.get(rest); ref >= 0 {
			if !fits(2) {
				return buf, false
			}
			return append(buf, byte(ref>>8)|0xc0, byte(ref)), true
		}
		label, dot := firstLabel(rest)
		if len(label) > 63 {
			return buf, false
		}
		if !fits(len(label) + 1) {
			return buf, false
		}
		table.add(rest, len(buf))
		buf = append(buf, byte(len(label)))
		buf = append(buf, label...)
		if dot < 0 {
			break
		}
		rest = rest[dot+1:]
	}
	// The name ends with a zero byte (already there when it ended in '.').
	if len(buf) == 0 || buf[len(buf)-1] != 0 {
		if !fits(1) {
			return buf, false
		}
		buf = append(buf, 0)
	}
	return buf, true
}

// labelsName reads back the name at the start of wire (our own encoding,
// no pointers): labels joined by dots, ending at the first empty label.
func labelsName(wire []byte) string {
	var out []byte
	for i := 0; i < len(wire); {
		n := int(wire[i])
		if n == 0 || n&0xc0 != 0 || i+1+n > len(wire) {
			break
		}
		if len(out) > 0 {
			out = append(out, '.')
		}
		out = append(out, wire[i+1:i+1+n]...)
		i += 1 + n
	}
	return string(out)
}

// encodeQuery writes the query for name into dst (which must hold 12 + 257
// + 4 bytes), as evdns_request_data_build: header (id, RD, one question),
// the name, type, class IN. Its length, or false when the name cannot be
// encoded. No allocation.
func encodeQuery(dst []byte, id uint16, name string, typ uint16) (int, bool) {
	if len(name) > 255 || len(dst) < 12+257+4 {
		return 0, false
	}
	clear(dst[:12])
	dst[0], dst[1] = byte(id>>8), byte(id)
	dst[2] = 0x01 // RD
	dst[5] = 1    // QDCOUNT
	j := 12
	rest := name
	for {
		label, dot := firstLabel(rest)
		if len(label) > 63 {
			return 0, false
		}
		dst[j] = byte(len(label))
		j += 1 + copy(dst[j+1:], label)
		if dot < 0 {
			break
		}
		rest = rest[dot+1:]
	}
	if dst[j-1] != 0 {
		dst[j] = 0
		j++
	}
	dst[j], dst[j+1], dst[j+2], dst[j+3] = byte(typ>>8), byte(typ), 0, classINET
	return j + 4, true
}
