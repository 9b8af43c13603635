/*
 * goevent -- event2/listener.h
 *
 * evconnlistener: accepts TCP (or other stream) connections on a listening
 * socket and hands each new socket to a callback.
 */
#ifndef EVENT2_LISTENER_H_INCLUDED_
#define EVENT2_LISTENER_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event.h>

struct sockaddr;

/* A connection listener.  Opaque. */
struct evconnlistener;

/* New connection: (listener, accepted socket — now owned by the callee,
 * peer address valid only during the call, its length, user arg). */
typedef void (*evconnlistener_cb)(struct evconnlistener *, evutil_socket_t, struct sockaddr *, int socklen, void *);

/* accept() failed; EVUTIL_SOCKET_ERROR() tells why. */
typedef void (*evconnlistener_errorcb)(struct evconnlistener *, void *);

/* Flags for evconnlistener_new() / evconnlistener_new_bind(). */
#define LEV_OPT_LEAVE_SOCKETS_BLOCKING	(1u<<0) /* do not make accepted sockets non-blocking */
#define LEV_OPT_CLOSE_ON_FREE		(1u<<1) /* close the listening socket on free */
#define LEV_OPT_CLOSE_ON_EXEC		(1u<<2) /* set close-on-exec on the listening socket */
#define LEV_OPT_REUSEABLE		(1u<<3) /* SO_REUSEADDR */
#define LEV_OPT_THREADSAFE		(1u<<4) /* give the listener a lock */
#define LEV_OPT_DISABLED		(1u<<5) /* create disabled */
#define LEV_OPT_DEFERRED_ACCEPT		(1u<<6) /* wait for data before accepting */
#define LEV_OPT_REUSEABLE_PORT		(1u<<7) /* SO_REUSEPORT */
#define LEV_OPT_BIND_IPV6ONLY		(1u<<8) /* IPV6_V6ONLY */

/* Listen on an already bound socket fd (backlog < 0: leave as is, 0: a
 * default).  NULL on error; free with evconnlistener_free(). */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evconnlistener_new(struct event_base *base,
    evconnlistener_cb cb, void *ptr, unsigned flags, int backlog,
    evutil_socket_t fd);

/* Create a socket, bind it to sa and listen on it (backlog as above).
 * NULL on error; free with evconnlistener_free(). */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evconnlistener_new_bind(struct event_base *base,
    evconnlistener_cb cb, void *ptr, unsigned flags, int backlog,
    const struct sockaddr *sa, int socklen);

/* Stop listening and free the listener (closing the socket if
 * LEV_OPT_CLOSE_ON_FREE). */
EVENT2_EXPORT_SYMBOL
void evconnlistener_free(struct evconnlistener *lev);

/* Resume accepting connections.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evconnlistener_enable(struct evconnlistener *lev);

/* Pause accepting connections.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evconnlistener_disable(struct evconnlistener *lev);

/* Loop the listener runs on. */
EVENT2_EXPORT_SYMBOL
struct event_base *evconnlistener_get_base(struct evconnlistener *lev);

/* The listening socket. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t evconnlistener_get_fd(struct evconnlistener *lev);

/* Replace the connection callback and its argument (NULL cb disables). */
EVENT2_EXPORT_SYMBOL
void evconnlistener_set_cb(struct evconnlistener *lev,
    evconnlistener_cb cb, void *arg);

/* Set the callback run when accept() fails. */
EVENT2_EXPORT_SYMBOL
void evconnlistener_set_error_cb(struct evconnlistener *lev,
    evconnlistener_errorcb errorcb);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_LISTENER_H_INCLUDED_ */
