/*
 * goevent -- evhttp.h
 *
 * The libevent 1.x header for evhttp: event.h, then everything in
 * event2/http.h, event2/http_struct.h and event2/http_compat.h.
 */
#ifndef EVENT1_EVHTTP_H_INCLUDED_
#define EVENT1_EVHTTP_H_INCLUDED_

#include <event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/http_compat.h>

#endif /* EVENT1_EVHTTP_H_INCLUDED_ */
