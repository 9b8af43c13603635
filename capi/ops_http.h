/* ops_http.h - the core's entry points for evhttp (extra/evhttp): one X(ret, name, params) line each,
 * and the C memory the two sides share for it.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name> (capi/gocore/exports_http.go). */
#ifndef GEV_OPS_HTTP_H
#define GEV_OPS_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct event_base;
struct evbuffer;
struct bufferevent;
struct evconnlistener;
struct evdns_base;
struct evhttp;
struct evhttp_connection;
struct evhttp_request;
struct evhttp_bound_socket;
struct evhttp_uri;
struct evkeyvalq;

/* The first bytes of struct evhttp and struct evhttp_connection (opaque to
 * programs; C memory owned by the core). The C layer checks magic and takes
 * base's lock before it calls the core. */
struct gev_http_handle {
	uint32_t magic;          /* GEV_HTTP_*_LIVE while live, GEV_HTTP_DEAD after */
	uint32_t idx;            /* index of the Go object in its table */
	uint64_t gen;            /* catches a stale handle to a reused slot */
	struct event_base *base; /* the event_base it runs on */
};
#define GEV_HTTP_SERVER_LIVE 0x68747073u /* "htps" */
#define GEV_HTTP_CONN_LIVE   0x68747063u /* "htpc" */
#define GEV_HTTP_BOUND_LIVE  0x68747062u /* "htpb" */
#define GEV_HTTP_REQ_LIVE    0x68747072u /* "htpr" */
#define GEV_HTTP_URI_LIVE    0x68747075u /* "htpu" */
#define GEV_HTTP_DEAD        0xdead4777u

/* struct evhttp_connection: what the C layer answers without the core. */
struct gev_http_conn {
	struct gev_http_handle h;    /* magic GEV_HTTP_CONN_LIVE */
	struct bufferevent *bev;     /* evhttp_connection_get_bufferevent */
	struct evhttp *server;       /* evhttp_connection_get_server (NULL: client) */
	char *address;               /* evhttp_connection_get_peer (gev_malloc'ed) */
	uint16_t port;
	uint16_t pad[3];
	/* evhttp_connection_get_addr: the address connected to (zero until then). */
	union { struct sockaddr_in6 in6; struct sockaddr_in in; } addr;
};

/* struct evhttp_bound_socket. */
struct gev_http_bound {
	uint32_t magic;              /* GEV_HTTP_BOUND_LIVE */
	uint32_t pad;
	struct evconnlistener *listener;
	struct evhttp *http;
};

/* struct evhttp_request is the 216 public bytes of event2/http_struct.h,
 * then this trailer, in one block of C memory owned by the core. */
#define GEV_HTTP_REQ_PUBLIC 216
struct gev_http_req_priv {
	uint32_t magic;              /* GEV_HTTP_REQ_LIVE */
	uint32_t pad;
	/* The lists input_headers and output_headers point to. */
	struct { void *first; void **last; } in_hdrs, out_hdrs;
};

/* struct evhttp_uri (opaque to programs; gev_calloc'ed, its strings too,
 * so that the C layer answers the getters). */
struct evhttp_uri {
	uint32_t magic;              /* GEV_HTTP_URI_LIVE */
	unsigned flags;
	char *scheme;
	char *userinfo;
	char *host;
	int port;                    /* -1: none */
	char *path;
	char *query;
	char *fragment;
};

/* The parts of a parsed URI, as offsets into its source. */
enum { GEV_URI_SCHEME, GEV_URI_USERINFO, GEV_URI_HOST, GEV_URI_PATH, GEV_URI_QUERY,
	GEV_URI_FRAGMENT, GEV_URI_NPARTS };
struct gev_http_uri_parts {
	int32_t present;             /* bit i: part i exists */
	int32_t port;                /* -1: none */
	int64_t off[GEV_URI_NPARTS];
	int64_t len[GEV_URI_NPARTS];
};

/* What the C layer lends the evhttp core (passed once by http_setup). */
struct gev_http_cfuncs {
	void *(*malloc)(size_t n);   /* event_set_mem_functions' allocator */
	void (*free)(void *p);
	/* evhttp_add_header (checked), the same without the checks, and the
	 * other header-list functions. */
	int (*add_header)(struct evkeyvalq *q, const char *key, const char *value);
	int (*add_header_raw)(struct evkeyvalq *q, const char *key, const char *value);
	int (*remove_header)(struct evkeyvalq *q, const char *key);
	void (*clear_headers)(struct evkeyvalq *q);
	/* Append n headers packed as key\0value\0... (unchecked): 0, or -1. */
	int (*add_headers_packed)(struct evkeyvalq *q, const char *packed, int n);
	/* Append s to the value of the last header, after a space: 0 or -1. */
	int (*append_last_header)(struct evkeyvalq *q, const char *s);
	/* Free what the C allocator made for a request: its strings, its
	 * parsed URI, its headers. */
	void (*req_release)(struct evhttp_request *req);
	/* A struct evhttp_uri from parsed parts of src (NULL: out of memory). */
	struct evhttp_uri *(*uri_build)(const char *src, const struct gev_http_uri_parts *p, unsigned flags);
	void (*uri_free)(struct evhttp_uri *uri);
	/* A non-blocking close-on-exec TCP socket bound to address:port as
	 * libevent's bind_socket makes one: the fd, or -1. */
	int (*bind_socket)(const char *address, uint16_t port, int reuse);
	/* bufferevent_socket_connect_hostname. */
	int (*connect_hostname)(struct bufferevent *bev, struct evdns_base *dns, int family,
	    const char *host, int port);
};

/* http_set / http_conn_set: what. */
enum {
	GEV_HTTP_SET_MAX_HEADERS = 1, GEV_HTTP_SET_MAX_BODY, GEV_HTTP_SET_CONTENT_TYPE,
	GEV_HTTP_SET_METHODS, GEV_HTTP_SET_GENCB, GEV_HTTP_SET_BEVCB, GEV_HTTP_SET_TIMEOUT,
	GEV_HTTP_SET_FLAGS,
	GEV_CONN_SET_MAX_HEADERS = 32, GEV_CONN_SET_MAX_BODY, GEV_CONN_SET_FAMILY,
	GEV_CONN_SET_FLAGS, GEV_CONN_SET_BASE, GEV_CONN_SET_TIMEOUT, GEV_CONN_SET_RETRY_TV,
	GEV_CONN_SET_RETRIES, GEV_CONN_SET_CLOSECB, GEV_CONN_SET_LOCAL_ADDRESS,
	GEV_CONN_SET_LOCAL_PORT, GEV_CONN_FREE_ON_COMPLETION
};

/* (No const in the parameter lists: cgo's exports have none.) */
#define GEV_OPS_HTTP(X) \
	X(int, http_setup, (struct gev_http_cfuncs *cf)) \
	X(size_t, http_encode, (char *src, size_t n, int plus, char *out)) \
	X(size_t, http_decode, (char *src, size_t n, int mode, char *out)) \
	X(size_t, http_htmlescape, (char *src, size_t n, char *out)) \
	X(int, http_uri_parse, (char *src, size_t n, unsigned flags, struct gev_http_uri_parts *out)) \
	X(int, http_uri_check, (int part, char *s, size_t n, unsigned flags)) \
	X(int64_t, http_parse_query, (char *s, size_t n, int whole, char *out)) \
	X(struct evhttp *, http_new, (struct event_base *base)) \
	X(void, http_free, (struct evhttp *http)) \
	X(struct evhttp_bound_socket *, http_accept_socket, (struct evhttp *http, int fd)) \
	X(struct evhttp_bound_socket *, http_bind_listener, (struct evhttp *http, struct evconnlistener *lev)) \
	X(void, http_del_accept_socket, (struct evhttp *http, struct evhttp_bound_socket *bound)) \
	X(void, http_foreach_bound, (struct evhttp *http, void *fn, void *arg)) \
	X(int, http_set, (struct evhttp *http, int what, int64_t v, void *p, void *q)) \
	X(int, http_set_cb, (struct evhttp *http, char *path, void *cb, void *arg)) \
	X(int, http_del_cb, (struct evhttp *http, char *path)) \
	X(int, http_vhost, (struct evhttp *http, char *pattern, struct evhttp *vhost, int add)) \
	X(int, http_alias, (struct evhttp *http, char *alias, int add)) \
	X(struct evhttp_request *, http_req_new, (void *cb, void *arg)) \
	X(void, http_req_free, (struct evhttp_request *req)) \
	X(void, http_send_error, (struct evhttp_request *req, int code, char *reason)) \
	X(void, http_send_reply, (struct evhttp_request *req, int code, char *reason, struct evbuffer *buf)) \
	X(void, http_reply_start, (struct evhttp_request *req, int code, char *reason)) \
	X(void, http_reply_chunk, (struct evhttp_request *req, struct evbuffer *buf, void *cb, void *arg)) \
	X(void, http_reply_end, (struct evhttp_request *req)) \
	X(char *, http_req_host, (struct evhttp_request *req)) \
	X(int, http_make_request, (struct evhttp_connection *evcon, struct evhttp_request *req, int type, char *uri)) \
	X(void, http_cancel_request, (struct evhttp_request *req)) \
	X(struct evhttp_connection *, http_conn_new, (struct event_base *base, struct event_base *fallback, struct evdns_base *dns, struct bufferevent *bev, char *address, int port)) \
	X(void, http_conn_free, (struct evhttp_connection *evcon)) \
	X(int, http_conn_set, (struct evhttp_connection *evcon, int what, int64_t v, void *p, void *q))

#endif
