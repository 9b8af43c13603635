package evdns

import (
	"encoding/binary"
	"io"
	"net/netip"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ---- options ----

// matchesOption is libevent's str_matches_option: s names the option
// ("ndots:") with or without its colon, or is "ndots:anything".
func matchesOption(s, opt string) bool {
	switch {
	case len(s) == len(opt) || len(s) == len(opt)-1:
		return strings.HasPrefix(opt, s)
	case len(s) > len(opt):
		return strings.HasPrefix(s, opt)
	}
	return false
}

// strtotimeval is evdns_strtotimeval: a number of seconds (fractions
// allowed), in microseconds; false when malformed, negative or under 1 ms.
func strtotimeval(s string) (int64, bool) {
	d, ok := strtod(s)
	if !ok || d < 0 || d != d {
		return 0, false
	}
	if d > 2147483647 {
		d = 2147483647
	}
	sec := int64(d)
	usec := int64((d - float64(sec)) * 1000000)
	if sec == 0 && usec < 1000 {
		return 0, false
	}
	return sec*1000000 + usec, true
}

func strtointClipped(s string, lo, hi int) int {
	r := strtoint(s)
	switch {
	case r == -1:
		return -1
	case r < lo:
		return lo
	case r > hi:
		return hi
	}
	return r
}

// SetOption is evdns_base_set_option (flags: DNS_OPTIONS_ALL), and what
// resolv.conf's "options" lines do (with the flags given to the parser: a
// value is checked even when its kind is not wanted). Unknown options are
// accepted and ignored.
func (b *Base) SetOption(opt, val string, flags int) int {
	switch {
	case matchesOption(opt, "ndots:"):
		n := strtoint(val)
		if n == -1 {
			return -1
		}
		if flags&optSearch == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting ndots to %d", n)
		}
		b.SearchNdots(n)
	case matchesOption(opt, "timeout:"):
		t, ok := strtotimeval(val)
		if !ok {
			return -1
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting timeout to %s", val)
		}
		b.timeout = t
	case matchesOption(opt, "getaddrinfo-allow-skew:"):
		t, ok := strtotimeval(val)
		if !ok {
			return -1
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting getaddrinfo-allow-skew to %s", val)
		}
		b.gaiSkew = t
	case matchesOption(opt, "max-timeouts:"):
		n := strtointClipped(val, 1, 255)
		if n == -1 {
			return -1
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting maximum allowed timeouts to %d", n)
		}
		b.maxNSTimeouts = n
	case matchesOption(opt, "max-inflight:"):
		n := strtointClipped(val, 1, 65000)
		if n == -1 {
			return -1
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting maximum inflight requests to %d", n)
		}
		b.maxInflight = n
	case matchesOption(opt, "attempts:"):
		n := strtoint(val)
		if n == -1 {
			return -1
		}
		if n > 255 {
			n = 255
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting retries to %d", n)
		}
		b.maxRetransmits = n
	case matchesOption(opt, "randomize-case:"):
		n := strtoint(val)
		if n == -1 {
			return -1
		}
		if flags&optMisc == 0 {
			return 0
		}
		b.randomizeCase = n != 0
	case matchesOption(opt, "bind-to:"):
		if flags&optNameservers == 0 {
			return 0
		}
		sa := parseSockaddrPort(val)
		if sa == nil {
			return -1
		}
		b.outgoing = sa
	case matchesOption(opt, "initial-probe-timeout:"):
		t, ok := strtotimeval(val)
		if !ok {
			return -1
		}
		if t >= 3601*1000000 {
			t = 3600*1000000 + t%1000000
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting initial probe timeout to %s", val)
		}
		b.probeInitial = t
	case matchesOption(opt, "so-rcvbuf:"):
		n := strtoint(val)
		if n == -1 {
			return -1
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting SO_RCVBUF to %s", val)
		}
		b.soRcvbuf = n
	case matchesOption(opt, "so-sndbuf:"):
		n := strtoint(val)
		if n == -1 {
			return -1
		}
		if flags&optMisc == 0 {
			return 0
		}
		if debugOn() {
			logf(logDebug, "Setting SO_SNDBUF to %s", val)
		}
		b.soSndbuf = n
	}
	return 0
}

// ---- resolv.conf ----

// readFile is evutil_read_file_: the file's bytes up to the first NUL
// (libevent reads it as a C string); -1 when it cannot be opened, -2 when
// it cannot be read.
func readFile(name string) (string, int) {
	f, err := os.Open(name)
	if err != nil {
		return "", -1
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() < 0 || st.Size() > 1<<31-2 {
		return "", -2
	}
	buf := make([]byte, st.Size())
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", -2
	}
	s := string(buf[:n])
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s, 0
}

// fields is strtok_r(line, " \t") run to the end.
func fields(line string) []string {
	return strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' })
}

const hostsPath = "/etc/hosts"

// ResolvConfParse is evdns_base_resolv_conf_parse: 0; 1 when the file does
// not exist (defaults used); 2 when unreadable; 6 when it named no
// nameserver (127.0.0.1 added, unless DNS_OPTION_NAMESERVERS_NO_DEFAULT).
// hasName is false for a NULL filename (defaults, 1).
func (b *Base) ResolvConfParse(flags int, filename string, hasName bool) int {
	if debugOn() {
		logf(logDebug, "Parsing resolv.conf file %s", filename)
	}
	addDefault := flags&optNameservers != 0 && flags&optNameserversNoDflt == 0
	if flags&optHostsfile != 0 {
		b.LoadHosts(hostsPath, true)
	}
	if !hasName {
		b.resolvDefaults(flags, addDefault)
		return 1
	}
	text, e := readFile(filename)
	if e == -1 {
		b.resolvDefaults(flags, addDefault)
		return 1
	}
	if e < 0 {
		return 2
	}
	for _, line := range strings.Split(text, "\n") {
		b.resolvLine(line, flags)
	}
	err := 0
	if b.serverHead == nil && addDefault {
		b.addNameserverString("127.0.0.1")
		err = 6
	}
	if flags&optSearch != 0 && (b.search == nil || len(b.search.domains) == 0) {
		b.searchFromHostname()
	}
	return err
}

func (b *Base) resolvDefaults(flags int, addDefault bool) {
	if flags&optSearch != 0 {
		b.searchFromHostname()
	}
	if addDefault {
		b.addNameserverString("127.0.0.1")
	}
}

func (b *Base) resolvLine(line string, flags int) {
	tok := fields(line)
	if len(tok) == 0 {
		return
	}
	switch {
	case tok[0] == "nameserver" && flags&optNameservers != 0:
		if len(tok) > 1 {
			b.addNameserverString(tok[1])
		}
	case tok[0] == "domain" && flags&optSearch != 0:
		if len(tok) > 1 {
			b.SearchClear()
			b.SearchAdd(tok[1])
		}
	case tok[0] == "search" && flags&optSearch != 0:
		b.SearchClear()
		for _, d := range tok[1:] {
			b.SearchAdd(d)
		}
		b.searchReverse()
	case tok[0] == "options":
		for _, o := range tok[1:] {
			val := ""
			if i := strings.IndexByte(o, ':'); i >= 0 {
				val = o[i+1:]
			}
			b.SetOption(o, val, flags)
		}
	}
}

// addNameserverString is evdns_base_nameserver_ip_add: 4 when the address
// does not parse (logged), else as AddNameserver.
func (b *Base) addNameserverString(s string) int {
	sa := parseSockaddrPort(s)
	if sa == nil {
		logf(logWarn, "Unable to parse nameserver address %s", s)
		return 4
	}
	if sockaddrPort(sa) == 0 {
		setSockaddrPort(sa, 53)
	}
	return b.AddNameserver(sa)
}

func sockaddrPort(sa []byte) int {
	if len(sa) < 4 {
		return 0
	}
	switch binary.NativeEndian.Uint16(sa) {
	case unix.AF_INET, unix.AF_INET6:
		return int(binary.BigEndian.Uint16(sa[2:4]))
	}
	return 0
}

func setSockaddrPort(sa []byte, port int) {
	if len(sa) < 4 {
		return
	}
	switch binary.NativeEndian.Uint16(sa) {
	case unix.AF_INET, unix.AF_INET6:
		binary.BigEndian.PutUint16(sa[2:4], uint16(port))
	}
}

// ---- hosts file ----

// hostEntry is one (address, name) pair of a hosts file.
type hostEntry struct {
	addr []byte // raw sockaddr, port 0
	name string
}

// LoadHosts is evdns_base_load_hosts: entries are appended in file order.
// Without a file name, or when it cannot be read, only localhost (127.0.0.1
// and ::1) is added; the latter returns -1.
func (b *Base) LoadHosts(name string, hasName bool) int {
	text, e := "", -1
	if hasName {
		text, e = readFile(name)
	}
	if e < 0 {
		b.hostsLine("127.0.0.1   localhost")
		b.hostsLine("::1   localhost")
		if !hasName {
			return 0
		}
		return -1
	}
	for _, line := range strings.Split(text, "\n") {
		b.hostsLine(line)
	}
	return 0
}

// hostsLine is evdns_base_parse_hosts_line: an address (no port) and
// names, up to a '#'.
func (b *Base) hostsLine(line string) {
	b.hosts = append(b.hosts, parseHostsLine(line)...)
}

func parseHostsLine(line string) []hostEntry {
	tok := fields(line)
	if len(tok) == 0 || tok[0][0] == '#' {
		return nil
	}
	sa := parseSockaddrPort(tok[0])
	if sa == nil || len(sa) > 28 || sockaddrPort(sa) != 0 {
		return nil
	}
	var out []hostEntry
	for _, name := range tok[1:] {
		if i := strings.IndexByte(name, '#'); i >= 0 {
			if i == 0 {
				return out
			}
			out = append(out, hostEntry{addr: sa, name: name[:i]})
			return out
		}
		out = append(out, hostEntry{addr: sa, name: name})
	}
	return out
}

// parseSockaddrPortGo is evutil_parse_sockaddr_port for the Go tests (the
// library uses the C layer's): "1.2.3.4", "1.2.3.4:53", "::1", "[::1]:53".
func parseSockaddrPortGo(s string) []byte {
	var ap netip.AddrPort
	if a, err := netip.ParseAddr(s); err == nil {
		ap = netip.AddrPortFrom(a, 0)
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		a, err := netip.ParseAddr(s[1 : len(s)-1])
		if err != nil {
			return nil
		}
		ap = netip.AddrPortFrom(a, 0)
	} else if p, err := netip.ParseAddrPort(s); err == nil {
		ap = p
	} else {
		return nil
	}
	return sockaddrOf(ap)
}

// sockaddrOf is the raw sockaddr_in / sockaddr_in6 of ap.
func sockaddrOf(ap netip.AddrPort) []byte {
	a := ap.Addr()
	if a.Is4() {
		sa := make([]byte, 16)
		binary.NativeEndian.PutUint16(sa, unix.AF_INET)
		binary.BigEndian.PutUint16(sa[2:], ap.Port())
		b := a.As4()
		copy(sa[4:], b[:])
		return sa
	}
	sa := make([]byte, 28)
	binary.NativeEndian.PutUint16(sa, unix.AF_INET6)
	binary.BigEndian.PutUint16(sa[2:], ap.Port())
	b := a.As16()
	copy(sa[8:], b[:])
	return sa
}
