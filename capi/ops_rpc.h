/* ops_rpc.h - the core's entry points for evrpc (capi/rpc.c): what evrpc
 * reads of an evhttp connection beyond the public API (extra/evhttp/rpc.go).
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports: capi/gocore/exports_rpc.go. */
#ifndef GEV_OPS_RPC_H
#define GEV_OPS_RPC_H

struct evhttp_connection;

/* rpc_conn what: */
enum {
	GEV_RPC_CONN_STATE,     /* bit 0: requests queued, 1: a timeout set, 2: a server's */
	GEV_RPC_CONN_TIMEOUT    /* fail its first request as timed out (evhttp_connection_fail_) */
};

#define GEV_OPS_RPC(X) \
	X(int, rpc_conn, (struct evhttp_connection *evcon, int what))

#endif
