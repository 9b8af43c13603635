/*
 * goevent -- event2/http_compat.h
 *
 * The evhttp functions of libevent 1.x that work on the global event_base
 * (event_init()'s), or move a connection to another base.
 */
#ifndef EVENT2_HTTP_COMPAT_H_INCLUDED_
#define EVENT2_HTTP_COMPAT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>
#include <event2/visibility.h>

struct evhttp;
struct evhttp_connection;
struct event_base;

/* A server listening on address:port, run by the global event_base.  NULL
 * on error. */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_start(const char *address, ev_uint16_t port);

/* A client connection to address:port on the global event_base. */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_new(
	const char *address, ev_uint16_t port);

/* Move a connection that has no base to base. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_base(struct evhttp_connection *evcon,
    struct event_base *base);


/* The old name of evhttp_request_get_uri(). */
#define evhttp_request_uri evhttp_request_get_uri

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_COMPAT_H_INCLUDED_ */
