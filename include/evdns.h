/*
 * goevent -- evdns.h
 *
 * The libevent 1.x header for evdns: everything in event2/dns.h,
 * event2/dns_compat.h and event2/dns_struct.h, after event.h.
 */
#ifndef EVENT1_EVDNS_H_INCLUDED_
#define EVENT1_EVDNS_H_INCLUDED_

#include <event.h>
#include <event2/dns.h>
#include <event2/dns_compat.h>
#include <event2/dns_struct.h>

#endif /* EVENT1_EVDNS_H_INCLUDED_ */
