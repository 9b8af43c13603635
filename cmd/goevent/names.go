package main

import (
	_ "embed"
	"strings"
)

// libevent-names.tsv: every function libevent 2.1.12's libraries export
// that a program may call, with its group (name TAB group). Derived from
// tools/abi by TestNamesCurrent, which also rewrites it (-update).
//
//go:embed libevent-names.tsv
var namesTSV string

// groups, in the order reports list them.
var groups = []string{"core", "pthreads", "evdns", "evhttp", "evrpc", "evtag", "openssl", "other"}

// libeventNames maps each name to its group.
var libeventNames = func() map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(namesTSV, "\n") {
		if name, g, ok := strings.Cut(l, "\t"); ok {
			m[name] = g
		}
	}
	return m
}()

// groupOfHeader is the group of a function declared in header (tools/abi's
// second column).
func groupOfHeader(name, header string) string {
	h := strings.TrimPrefix(header, "event2/")
	switch {
	case name == "evthread_use_pthreads":
		return "pthreads"
	case strings.HasPrefix(h, "dns"):
		return "evdns"
	case strings.HasPrefix(h, "http"):
		return "evhttp"
	case strings.HasPrefix(h, "rpc"):
		return "evrpc"
	case strings.HasPrefix(h, "tag"):
		return "evtag"
	case strings.HasPrefix(h, "bufferevent_ssl"):
		return "openssl"
	}
	return "core"
}

// groupOfLib is the group of a name found only in one of Debian's
// libraries (an internal export outside the lists).
func groupOfLib(soname string) string {
	switch {
	case strings.HasPrefix(soname, "libevent_pthreads"):
		return "pthreads"
	case strings.HasPrefix(soname, "libevent_openssl"):
		return "openssl"
	case strings.HasPrefix(soname, "libevent_core"):
		return "core"
	}
	return "other"
}
