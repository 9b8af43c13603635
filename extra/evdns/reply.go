package evdns

import (
	"golang.org/x/net/dns/dnsmessage"
)

// reply is what a request gets from a parsed answer (libevent's struct
// reply): the addresses (4 or 16 bytes each, network order, at most
// maxAddrs) or the PTR name.
type reply struct {
	have  bool
	addrs []byte // a view of buf
	ptr   string
	buf   [maxAddrs * 16]byte
}

const (
	flagQR = 0x8000
	flagTC = 0x0200
)

// replyInfo is the outcome of parsing a datagram for a request in flight.
type replyInfo struct {
	req   *request
	flags uint16
	ttl   uint32
	rep   *reply // nil: the reply was bad (error from flags, else DNS_ERR_UNKNOWN)
	cname string
}

// The Base's reply (b.scratch) is filled by decodeReply and copied into C
// memory by the callback's scheduling before the next datagram is read:
// no allocation per reply.

// parseReply is reply_parse: a datagram from a nameserver. Datagrams that
// answer no request in flight (unknown id, not a response, shorter than a
// header) are ignored.
func (b *Base) parseReply(pkt []byte) {
	ri, ok := b.decodeReply(pkt)
	if !ok {
		return
	}
	r := ri.req
	if sink := r.putCname(b); ri.cname != "" && sink != nil && *sink == "" {
		*sink = ri.cname
	}
	b.handleReply(r, ri.flags, ri.ttl, ri.rep)
}

// decodeReply parses pkt with dnsmessage, reading what libevent reads: the
// header, every question (one must be the request's name), the answers of
// the request's type (and a CNAME target for getaddrinfo), and when there
// is no answer the SOA of the authority section for the TTL. The
// additional section is never looked at.
func (b *Base) decodeReply(pkt []byte) (ri replyInfo, ok bool) {
	var p dnsmessage.Parser
	hdr, err := p.Start(pkt)
	if err != nil {
		return ri, false
	}
	id := hdr.ID
	r := b.inflight[id]
	if r == nil {
		return ri, false
	}
	flags := rawFlags(pkt)
	if flags&flagQR == 0 {
		return ri, false
	}
	ri.req, ri.flags = r, flags
	if flags&0x020f != 0 && flags&0x020f != errNotExist {
		return ri, true // an error other than NXDOMAIN
	}
	// libevent compares each question with its own query's name read at
	// the same offset: in effect only the first question can match.
	matched := false
	for first := true; ; first = false {
		q, err := p.Question()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return ri, true
		}
		if !first {
			continue
		}
		// Case-insensitive even with randomize-case on, as libevent
		// 2.1.12 compares (servers that do not keep the case still work).
		matched = sameName(r.packet()[12:], &q.Name)
	}
	if !matched {
		return ri, true
	}
	rep := &b.scratch
	rep.have, rep.addrs, rep.ptr = false, rep.buf[:0], ""
	ttl := uint32(0xffffffff)
	sink := r.putCname(b)
	wantCname := sink != nil && *sink == ""
answers:
	for {
		h, err := p.AnswerHeader()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return ri, true
		}
		typ, class := uint16(h.Type), uint16(h.Class)
		switch {
		case (typ == typeA || typ == typeAAAA) && class == classINET:
			if r.typ != typ {
				if p.SkipAnswer() != nil {
					return ri, true
				}
				continue
			}
			size := 4
			if typ == typeAAAA {
				size = 16
			}
			if int(h.Length)%size != 0 {
				return ri, true // not a whole number of addresses
			}
			if !answerData(&p, rep, typ, h.Length) {
				return ri, true
			}
			ttl = min(ttl, h.TTL)
			rep.have = true
			if len(rep.addrs)/size == maxAddrs {
				break answers
			}
		case typ == typePTR && class == classINET:
			if r.typ != typePTR {
				if p.SkipAnswer() != nil {
					return ri, true
				}
				continue
			}
			ptr, err := p.PTRResource()
			if err != nil {
				return ri, true
			}
			rep.ptr = nameString(&ptr.PTR)
			ttl = min(ttl, h.TTL)
			rep.have = true
			break answers
		case typ == typeCNAME:
			if !wantCname {
				if p.SkipAnswer() != nil {
					return ri, true
				}
				continue
			}
			cn, err := p.CNAMEResource()
			if err != nil {
				return ri, true
			}
			ri.cname = nameString(&cn.CNAME)
			wantCname = false
		default:
			if p.SkipAnswer() != nil {
				return ri, true
			}
		}
	}
	if !rep.have {
		if err := p.SkipAllAnswers(); err != nil {
			return ri, true
		}
		for {
			h, err := p.AuthorityHeader()
			if err == dnsmessage.ErrSectionDone {
				break
			}
			if err != nil {
				return ri, true
			}
			if uint16(h.Type) == typeSOA && uint16(h.Class) == classINET {
				soa, err := p.SOAResource()
				if err != nil {
					return ri, true
				}
				ttl = min(ttl, h.TTL, soa.MinTTL)
			} else if p.SkipAuthority() != nil {
				return ri, true
			}
		}
	}
	if ttl == 0xffffffff {
		ttl = 0
	}
	ri.ttl, ri.rep = ttl, rep
	return ri, true
}

// answerData appends the addresses of the current answer (RDATA of
// length n, a multiple of the address size) to rep, as many as fit in
// maxAddrs; false when the record does not parse.
func answerData(p *dnsmessage.Parser, rep *reply, typ uint16, n uint16) bool {
	size := 4
	if typ == typeAAAA {
		size = 16
	}
	room := len(rep.buf)/16*size - len(rep.addrs)
	switch {
	case typ == typeA && n == 4:
		a, err := p.AResource()
		if err != nil {
			return false
		}
		if room >= 4 {
			rep.addrs = append(rep.addrs, a.A[:]...)
		}
		return true
	case typ == typeAAAA && n == 16:
		a, err := p.AAAAResource()
		if err != nil {
			return false
		}
		if room >= 16 {
			rep.addrs = append(rep.addrs, a.AAAA[:]...)
		}
		return true
	}
	u, err := p.UnknownResource()
	if err != nil {
		return false
	}
	take := min(len(u.Data), room)
	rep.addrs = append(rep.addrs, u.Data[:take-take%size]...)
	return true
}

// rawFlags is the header's flags word.
func rawFlags(pkt []byte) uint16 { return uint16(pkt[2])<<8 | uint16(pkt[3]) }

// nameString is a parsed name as libevent writes it: labels joined by
// dots, no final dot ("" for the root).
func nameString(n *dnsmessage.Name) string {
	s := n.Data[:n.Length]
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return string(s)
}

// handleReply is reply_handle.
func (b *Base) handleReply(r *request, flags uint16, ttl uint32, rep *reply) {
	ns := r.ns(b)
	if flags&0x020f == 0 && rep != nil && rep.have {
		b.scheduleCallback(r, ttl, errNone, rep)
		if ns != nil {
			if r.hnd != nil && r.hnd == ns.probe {
				ns.probe = nil // its callback says it is up: do not cancel it
			}
			ns.setUp()
		}
		b.finished(r, true)
		return
	}
	var e int
	switch {
	case flags&flagTC != 0:
		e = errTruncated
	case flags&0x000f != 0:
		code := int(flags&0x000f) - 1
		if code > 4 {
			e = errUnknown
		} else {
			e = code + 1 // DNS_ERR_FORMAT .. DNS_ERR_REFUSED are the RCODEs
		}
	case rep != nil && !rep.have:
		e = errNoData
	default:
		e = errUnknown
	}
	switch e {
	case errNotImpl, errRefused:
		// a bad nameserver: try another one (once)
		if int(r.reissue) < b.maxReissues {
			if ns != nil {
				ns.failed(sprintf("Bad response %d (%s)", e, errString(e)))
			}
			if b.reissueReq(r) {
				return
			}
		}
	case errServFail:
		// Sometimes "broken", sometimes "confusing query": a timeout, not a failure.
		if debugOn() {
			logf(logDebug, "Got a SERVERFAILED from nameserver at %s; will allow the request to time out.",
				r.nsName(b))
		}
		b.onTimeout(r)
		return
	default:
		if ns != nil {
			if r.hnd != nil && r.hnd == ns.probe {
				ns.probe = nil
			}
			ns.setUp()
		}
	}
	if h := r.hnd; h != nil && h.srch >= 0 && r.typ != typePTR {
		if b.searchNext(h, r) {
			return
		}
	}
	b.scheduleCallback(r, ttl, e, nil)
	b.finished(r, true)
}

func (r *request) nsName(b *Base) string {
	if ns := r.ns(b); ns != nil {
		return formatSockaddr(ns.addr)
	}
	return "?"
}

// errString is evdns_err_to_string.
func errString(e int) string {
	switch e {
	case errNone:
		return "no error"
	case errFormat:
		return "misformatted query"
	case errServFail:
		return "server failed"
	case errNotExist:
		return "name does not exist"
	case errNotImpl:
		return "query not implemented"
	case errRefused:
		return "refused"
	case errTruncated:
		return "reply truncated or ill-formed"
	case errUnknown:
		return "unknown"
	case errTimeout:
		return "request timed out"
	case errShutdown:
		return "dns subsystem shut down"
	case errCancel:
		return "dns request canceled"
	case errNoData:
		return "no records in the reply"
	}
	return "[Unknown error code]"
}

// ---- the query on the wire ----

// buildQuery is evdns_request_data_build: header (id, RD, one question),
// the name, type, class IN. nil when the name cannot be encoded.
func buildQuery(id uint16, name string, typ uint16) []byte {
	var buf [12 + 257 + 4]byte
	n, ok := encodeQuery(buf[:], id, name, typ)
	if !ok {
		return nil
	}
	return append([]byte(nil), buf[:n]...)
}

// sameName reports whether n (parsed, with its final dot) is the name
// encoded at the start of wire (our own query: labels, no pointers, ending
// at the first empty label), ignoring ASCII case.
func sameName(wire []byte, n *dnsmessage.Name) bool {
	s := n.Data[:n.Length]
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	j := 0
	for i := 0; i < len(wire); {
		l := int(wire[i])
		if l == 0 || l&0xc0 != 0 || i+1+l > len(wire) {
			break
		}
		if j > 0 {
			if j >= len(s) || s[j] != '.' {
				return false
			}
			j++
		}
		if j+l > len(s) || !asciiEqualFold(string(wire[i+1:i+1+l]), string(s[j:j+l])) {
			return false
		}
		j += l
		i += 1 + l
	}
	return j == len(s)
}
