/*
 * goevent -- evrpc.h
 *
 * The libevent 1.x header for evrpc: everything in event2/rpc.h,
 * event2/rpc_struct.h and event2/rpc_compat.h, after event.h.
 */
#ifndef EVENT1_EVRPC_H_INCLUDED_
#define EVENT1_EVRPC_H_INCLUDED_

#include <event.h>
#include <event2/rpc.h>
#include <event2/rpc_struct.h>
#include <event2/rpc_compat.h>

#endif /* EVENT1_EVRPC_H_INCLUDED_ */
