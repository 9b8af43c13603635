package evhttp

import "unsafe"

// What evrpc (capi/rpc.c) needs of a connection beyond the public evhttp
// API, as libevent's evrpc reads them from struct evhttp_connection:
// whether requests are queued on it (a pool sends on an idle connection),
// whether a timeout was set on it (a pool leaves such a one alone), and
// evhttp_connection_fail_ with EVREQ_HTTP_TIMEOUT (a pool's timer).
const (
	RPCConnState   = iota // bit 0: requests queued; bit 1: timeout set; bit 2: a server's
	RPCConnTimeout        // fail the connection's first request as timed out
)

// APIRPCConn answers evrpc's questions about a connection (RPCConn*).
func APIRPCConn(h unsafe.Pointer, what int) int {
	c := connFromC(h, "evrpc")
	if c == nil {
		return -1
	}
	switch what {
	case RPCConnState:
		r := 0
		if len(c.requests) > 0 {
			r |= 1
		}
		if c.timeoutSet {
			r |= 2
		}
		if c.flags&conIncoming != 0 {
			r |= 4
		}
		return r
	case RPCConnTimeout:
		c.fail(errTimeout)
		return 0
	}
	return -1
}
