/*
 * gev_ssl.h - TLS bufferevents (event2/bufferevent_ssl.h): the contract
 * between libevent_openssl (capi/ssl/bufferevent_openssl.c, the only code
 * that calls OpenSSL), the C layer (capi/bufferevent_ssl.c, part of
 * libevent_core) and the core's backend (core/bev_ssl.go). Not installed;
 * not public.
 *
 * libevent_openssl-2.1.so.7 links the system's OpenSSL; libevent_core and the
 * Go core do not, so a program that never makes a TLS bufferevent never
 * loads OpenSSL. libevent_openssl reaches the C layer through one private
 * entry point, goevent_ssl_api (exported by the C libraries and listed in
 * tools/abi/internal-exports.txt): it gets the C layer's functions
 * (struct gev_ssl_api) and hands its table of OpenSSL steps
 * (struct gev_ssl_funcs) to every bufferevent it makes. The core runs
 * libevent's state machine and calls one step per SSL_read/SSL_write round,
 * handshake step or control, with the bytes in the bufferevent's own buffers
 * (C memory): data crosses into Go never; each step is one Go->C call.
 */
#ifndef GEV_SSL_H
#define GEV_SSL_H

#include <stddef.h>
#include <stdint.h>

struct bufferevent;
struct event_base;

/* Bumped whenever a structure below changes: a libevent_openssl of another
 * goevent build is refused (goevent_ssl_api returns NULL). */
#define GEV_SSL_ABI 1

#define GEV_SSL_MAXIOV 8
#define GEV_SSL_NUM_ERRORS 3 /* libevent's NUM_ERRORS */

struct gev_ssl_iov {
	void *base;
	size_t len;
};

/* One step on one SSL. C memory the core owns (one per TLS bufferevent,
 * freed with it): the core fills the "in" fields, the step the "out" ones.
 * Mirrored in core/bev_ssl.go (cSSLOp; its cgo file checks the layout). */
struct gev_ssl_op {
	void *ssl;                 /* in: the program's SSL * */
	struct bufferevent *under; /* in: the underlying bufferevent of a filter; NULL: a socket */
	struct gev_ssl_iov iov[GEV_SSL_MAXIOV]; /* in: read into / write from these, in order */
	int32_t niov;              /* in: vectors in iov */
	int32_t nused;             /* out: vectors SSL_read/SSL_write succeeded on */
	int32_t len[GEV_SSL_MAXIOV]; /* out: bytes moved by each of those calls */
	int32_t ret;               /* out: return value of the call that stopped (handshake: its result) */
	int32_t err;               /* out: SSL_get_error() of that call; 0 when none stopped */
	int32_t event;             /* out, err fatal (not WANT_READ/WRITE): BEV_EVENT_EOF or _ERROR, as
	                              libevent's conn_closed decides before allow_dirty_shutdown */
	int32_t dirty;             /* out, err fatal: the peer closed without close_notify (a dirty shutdown) */
	int32_t pending;           /* out (read): SSL_pending() after the last SSL_read, when none stopped */
	int32_t sys_errno;         /* out: errno right after the call that stopped */
	uint64_t nread;            /* out: BIO_number_read(SSL_get_rbio()) after the step */
	uint64_t nwritten;         /* out: BIO_number_written(SSL_get_wbio()) after the step */
	/* The errors bufferevent_get_openssl_error pops, last first (libevent's
	 * errors[]/n_errors): a fatal step appends its SSL_get_error() code
	 * (SSL_ERROR_SSL, _SYSCALL, _WANT_X509_LOOKUP) and then the thread's
	 * OpenSSL error queue, which it empties, keeping at most 3. */
	uint32_t errors[GEV_SSL_NUM_ERRORS];
	int32_t nerrors;
};

/* libevent_openssl's OpenSSL steps. Each runs on the calling thread (the
 * loop's, or the program's inside an API call), so the thread-local OpenSSL
 * error queue is the program's, as with libevent. */
struct gev_ssl_funcs {
	uint32_t abi;              /* GEV_SSL_ABI */
	uint32_t pad;
	/* SSL_read into iov[0..niov) (ERR_clear_error before each), stopping at
	 * the first call that does not return > 0; then SSL_pending. */
	void (*read)(struct gev_ssl_op *op);
	/* SSL_write from iov[0..niov) likewise (no vector is empty). */
	void (*write)(struct gev_ssl_op *op);
	/* SSL_do_handshake once; ret is its result. */
	void (*handshake)(struct gev_ssl_op *op);
	/* nread/nwritten only. */
	void (*counts)(struct gev_ssl_op *op);
	/* SSL_renegotiate: its result. */
	int (*renegotiate)(struct gev_ssl_op *op);
	/* BEV_CTRL_SET_FD's OpenSSL part: a socket BIO on fd (socket), or a new
	 * BIO over the underlying bufferevent (filter), set as the SSL's BIO. 0, or -1. */
	int (*set_bio)(struct gev_ssl_op *op, int fd);
	/* Before a handshake from the start (a new bufferevent, bufferevent_setfd):
	 * SSL_clear, then the connect (state 1) or accept (2) state. 0, or -1
	 * when SSL_clear fails. */
	int (*restart)(struct gev_ssl_op *op, int state);
	/* The destructor with BEV_OPT_CLOSE_ON_FREE: close_fd: the socket BIO's
	 * descriptor is closed; then SSL_free. */
	void (*destruct)(struct gev_ssl_op *op, int close_fd);
};

/* The C layer's side (capi/bufferevent_ssl.c): each checks the handle, takes
 * the base lock and calls the core. */
struct gev_ssl_api {
	uint32_t abi;
	uint32_t pad;
	/* bufferevent_openssl_socket_new (under NULL) and _filter_new (fd -1),
	 * once libevent_openssl has set the SSL's BIO. NULL on failure: the
	 * caller then frees ssl if options has BEV_OPT_CLOSE_ON_FREE. */
	struct bufferevent *(*bev_new)(struct event_base *base, struct bufferevent *under, int fd, void *ssl,
	    int state, int options, const struct gev_ssl_funcs *f);
	/* op: GEV_SSL_CTL_*; arg for SET_DIRTY; the result as libevent returns it. */
	intptr_t (*ctl)(struct bufferevent *bev, int op, int arg, const char *fn);
	/* A message through the program's log callback (EVENT_LOG_WARN). */
	void (*warn)(const char *msg);
};

#define GEV_SSL_CTL_GET_SSL     0 /* SSL *, NULL for another kind */
#define GEV_SSL_CTL_RENEGOTIATE 1 /* bufferevent_ssl_renegotiate */
#define GEV_SSL_CTL_GET_DIRTY   2 /* 0/1, -1 for another kind */
#define GEV_SSL_CTL_SET_DIRTY   3
#define GEV_SSL_CTL_GET_ERROR   4 /* the last queued error, 0 if none */

/* The entry point (capi/bufferevent_ssl.c), exported by libevent_core,
 * libevent and libevent_extra for libevent_openssl only. NULL when abi is
 * not GEV_SSL_ABI. */
const struct gev_ssl_api *goevent_ssl_api(uint32_t abi);

#endif /* GEV_SSL_H */
