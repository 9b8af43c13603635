/*
 * event2/bufferevent_ssl.h - goevent's libevent 2.1 compatible header:
 * bufferevents that speak TLS through the program's OpenSSL (libevent_openssl).
 *
 * The program owns the SSL_CTX, the certificates and the SSL object; the
 * bufferevent drives the handshake, reads and writes through it. Link with
 * libevent_openssl (pkg-config libevent_openssl) and OpenSSL.
 */
#ifndef EVENT2_BUFFEREVENT_SSL_H_INCLUDED_
#define EVENT2_BUFFEREVENT_SSL_H_INCLUDED_

/** @file event2/bufferevent_ssl.h

    TLS bufferevents over OpenSSL.
 */
#include <event2/visibility.h>
#include <event2/event-config.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* OpenSSL's SSL is a struct ssl_st; no OpenSSL header is needed here. */
struct ssl_st;

/** Where the SSL object is when a bufferevent is made over it. */
enum bufferevent_ssl_state {
	/** the handshake is done: data flows at once */
	BUFFEREVENT_SSL_OPEN = 0,
	/** the bufferevent runs the handshake as the client */
	BUFFEREVENT_SSL_CONNECTING = 1,
	/** the bufferevent runs the handshake as the server */
	BUFFEREVENT_SSL_ACCEPTING = 2
};

#if defined(EVENT__HAVE_OPENSSL) || defined(EVENT_IN_DOXYGEN_)
/**
   A TLS bufferevent whose records travel through another bufferevent.

   @param base the event_base; the underlying bufferevent's too
   @param underlying the bufferevent that carries the TLS records (a socket,
      a pair, another filter)
   @param ssl the program's SSL; with BEV_OPT_CLOSE_ON_FREE it is freed with
      the bufferevent (and on failure), and the underlying bufferevent is
      freed with the bufferevent
   @param state the SSL's state (enum bufferevent_ssl_state)
   @param options BEV_OPT_* flags
   @return the bufferevent, or NULL on failure
*/
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_openssl_filter_new(struct event_base *base,
    struct bufferevent *underlying,
    struct ssl_st *ssl,
    enum bufferevent_ssl_state state,
    int options);

/**
   A TLS bufferevent on a socket.

   @param base the event_base
   @param fd the socket, or -1: then the SSL's own socket if it has one, or
      none yet (bufferevent_socket_connect or bufferevent_setfd gives one)
   @param ssl the program's SSL; with BEV_OPT_CLOSE_ON_FREE it is freed with
      the bufferevent (and on failure), and the socket is closed
   @param state the SSL's state (enum bufferevent_ssl_state)
   @param options BEV_OPT_* flags
   @return the bufferevent, or NULL on failure
*/
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_openssl_socket_new(struct event_base *base,
    evutil_socket_t fd,
    struct ssl_st *ssl,
    enum bufferevent_ssl_state state,
    int options);

/** How a dirty shutdown is reported: a peer that closes the connection
    without closing the TLS session first. With 0 (the default) that is
    BEV_EVENT_ERROR, with 1 BEV_EVENT_EOF.

    @return for _get: 0 or 1, or -1 when bev is not a TLS bufferevent
*/
EVENT2_EXPORT_SYMBOL
int bufferevent_openssl_get_allow_dirty_shutdown(struct bufferevent *bev);
EVENT2_EXPORT_SYMBOL
void bufferevent_openssl_set_allow_dirty_shutdown(struct bufferevent *bev,
    int allow_dirty_shutdown);

/** The SSL of a TLS bufferevent; NULL for another kind. */
EVENT2_EXPORT_SYMBOL
struct ssl_st *
bufferevent_openssl_get_ssl(struct bufferevent *bufev);

/** Starts a renegotiation (TLS 1.2 and older): 0 or 1, -1 on failure. */
EVENT2_EXPORT_SYMBOL
int bufferevent_ssl_renegotiate(struct bufferevent *bev);

/** Takes the most recent error queued when the connection failed: an
    OpenSSL error code, or 0 when none is left. */
EVENT2_EXPORT_SYMBOL
unsigned long bufferevent_get_openssl_error(struct bufferevent *bev);

#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_SSL_H_INCLUDED_ */
