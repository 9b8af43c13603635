package main

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite libevent-names.tsv from tools/abi")

// deriveNames is libevent-names.tsv as tools/abi's lists give it.
func deriveNames(t *testing.T) string {
	abi := filepath.Join("..", "..", "tools", "abi")
	m := map[string]string{}
	for _, f := range []string{"libevent-2.1.12-abi.tsv", "libevent-2.1.12-extra-abi.tsv", "libevent-2.1.12-openssl-abi.tsv"} {
		b, err := os.ReadFile(filepath.Join(abi, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if name, hdr, ok := strings.Cut(l, "\t"); ok {
				m[name] = groupOfHeader(name, hdr)
			}
		}
	}
	// Debian's libraries' exports outside the headers that we export too.
	b, err := os.ReadFile(filepath.Join(abi, "internal-exports.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "goevent_"):
		case strings.HasPrefix(l, "evtag_"):
			m[l] = "evtag"
		default:
			m[l] = "core"
		}
	}
	var lines []string
	for n, g := range m {
		lines = append(lines, n+"\t"+g)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

func TestNamesCurrent(t *testing.T) {
	want := deriveNames(t)
	if *update {
		if err := os.WriteFile("libevent-names.tsv", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if namesTSV != want {
		t.Fatal("libevent-names.tsv is stale: run go test ./cmd/goevent -run TestNamesCurrent -update")
	}
}

func TestGroupOfHeader(t *testing.T) {
	for _, c := range []struct{ name, hdr, want string }{
		{"event_base_new", "event2/event.h", "core"},
		{"evbuffer_add", "event2/buffer.h", "core"},
		{"evthread_use_pthreads", "event2/thread.h", "pthreads"},
		{"evthread_set_lock_callbacks", "event2/thread.h", "core"},
		{"evdns_base_new", "event2/dns.h", "evdns"},
		{"evdns_resolve_ipv4", "event2/dns_compat.h", "evdns"},
		{"evhttp_new", "event2/http.h", "evhttp"},
		{"evrpc_init", "event2/rpc.h", "evrpc"},
		{"evtag_init", "event2/tag.h", "evtag"},
		{"bufferevent_openssl_socket_new", "event2/bufferevent_ssl.h", "openssl"},
	} {
		if g := groupOfHeader(c.name, c.hdr); g != c.want {
			t.Errorf("groupOfHeader(%s, %s) = %s, want %s", c.name, c.hdr, g, c.want)
		}
	}
}
