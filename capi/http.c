/*
 * http.c - evhttp entry points (event2/http.h, http_compat.h): servers,
 * connections, requests and replies. They live in the Go core
 * (extra/evhttp); this file checks handles and arguments, takes the lock
 * of the event_base concerned around each call into the core, and answers
 * in C what only reads C memory: the fields of struct evhttp_request, a
 * connection's bufferevent, server, peer and address, a bound socket's
 * listener. It also lends the core its C helpers (struct gev_http_cfuncs):
 * the program's allocator, header lists, URIs, and sockets made as
 * libevent's bind_socket makes them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "http_capi.h"

_Static_assert(sizeof(struct evhttp_request) == GEV_HTTP_REQ_PUBLIC, "GEV_HTTP_REQ_PUBLIC");

extern struct event_base *event_global_current_base_;

/* ---- the core's helpers ---- */

static void req_release(struct evhttp_request *req)
{
	struct gev_http_req_priv *priv = (struct gev_http_req_priv *)((char *)req + GEV_HTTP_REQ_PUBLIC);
	struct evkeyvalq *own[2] = { (struct evkeyvalq *)&priv->in_hdrs, (struct evkeyvalq *)&priv->out_hdrs };
	gev_free(req->remote_host);
	gev_free(req->uri);
	if (req->uri_elems)
		gev_http_uri_release(req->uri_elems);
	gev_free(req->response_code_line);
	gev_free(req->host_cache);
	req->remote_host = req->uri = req->response_code_line = req->host_cache = NULL;
	req->uri_elems = NULL;
	/* A list the program put in place of ours is freed as libevent frees
	 * its own (mm_free); ours are part of the request. */
	struct evkeyvalq *lists[2] = { req->input_headers, req->output_headers };
	for (int i = 0; i < 2; i++) {
		if (lists[i]) {
			evhttp_clear_headers(lists[i]);
			if (lists[i] != own[i])
				gev_free(lists[i]);
		}
		evhttp_clear_headers(own[i]);
	}
	req->input_headers = req->output_headers = NULL;
}

static struct evutil_addrinfo *make_addrinfo(const char *address, ev_uint16_t port)
{
	struct evutil_addrinfo hints, *ai = NULL;
	char strport[32];
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
	snprintf(strport, sizeof strport, "%d", port);
	int r = evutil_getaddrinfo(address, strport, &hints, &ai);
	if (r != 0) {
		if (r == EVUTIL_EAI_SYSTEM)
			gev_warnx("getaddrinfo: %s", strerror(errno));
		else
			gev_warnx("getaddrinfo: %s", evutil_gai_strerror(r));
		return NULL;
	}
	return ai;
}

/* libevent's bind_socket: a non-blocking, close-on-exec TCP socket with
 * SO_KEEPALIVE (and SO_REUSEADDR when reuse), bound to the first address
 * of address:port, or unbound when both are unset. */
static int bind_socket(const char *address, uint16_t port, int reuse)
{
	struct evutil_addrinfo *ai = NULL;
	if (address || port) {
		ai = make_addrinfo(address, port);
		if (!ai)
			return -1;
	}
	int fd = socket(ai ? ai->ai_family : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		gev_warnx("socket: %s", strerror(errno));
		evutil_freeaddrinfo(ai);
		return -1;
	}
	int on = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0 ||
	    (reuse && evutil_make_listen_socket_reuseable(fd) < 0) ||
	    (ai && bind(fd, ai->ai_addr, (socklen_t)ai->ai_addrlen) < 0)) {
		int e = errno;
		close(fd);
		errno = e;
		fd = -1;
	}
	if (ai)
		evutil_freeaddrinfo(ai);
	return fd;
}

static int connect_hostname(struct bufferevent *bev, struct evdns_base *dns, int family,
    const char *host, int port)
{
	return bufferevent_socket_connect_hostname(bev, dns, family, host, port);
}

static const struct gev_http_cfuncs cfuncs = {
	.malloc = gev_malloc,
	.free = gev_free,
	.add_header = evhttp_add_header,
	.add_header_raw = gev_http_add_header_raw,
	.remove_header = evhttp_remove_header,
	.clear_headers = evhttp_clear_headers,
	.add_headers_packed = gev_http_add_headers_packed,
	.append_last_header = gev_http_append_last_header,
	.req_release = req_release,
	.uri_build = gev_http_uri_build,
	.uri_free = gev_http_uri_release,
	.bind_socket = bind_socket,
	.connect_hostname = connect_hostname,
};

static int http_setup(void)
{
	return gev_ops.http_setup((struct gev_http_cfuncs *)&cfuncs);
}

static struct gev_setup_once setup_once = GEV_SETUP_ONCE_INIT;

int gev_http_ready(const char *fn)
{
	return gev_extra_ready(fn, &setup_once, http_setup);
}

/* ---- handle checks and locking ---- */

static int handle_ok(const void *p, uint32_t live, const char *what, const char *fn)
{
	return gev_handle_check(p, live, GEV_HTTP_DEAD, what, fn);
}

static int http_ok(struct evhttp *http, const char *fn)
{
	return handle_ok(http, GEV_HTTP_SERVER_LIVE, "evhttp", fn) && gev_http_ready(fn) == 0;
}

static struct gev_thread *base_lock(struct event_base *base)
{
	if (!base || base->magic != GEV_BASE_MAGIC)
		return NULL;
	return gev_base_lock(base);
}

#define HTTP_LOCKED(http, expr) ({ \
	struct gev_thread *th_ = base_lock(((struct gev_http_handle *)(http))->base); \
	__typeof__(expr) r_ = (expr); \
	gev_base_unlock(th_); \
	r_; })
#define HTTP_LOCKED_VOID(http, stmt) do { \
	struct gev_thread *th_ = base_lock(((struct gev_http_handle *)(http))->base); \
	stmt; \
	gev_base_unlock(th_); \
} while (0)

static struct gev_http_conn *conn_of(struct evhttp_connection *evcon)
{
	return (struct gev_http_conn *)evcon;
}

static int conn_ok(struct evhttp_connection *evcon, const char *fn)
{
	return handle_ok(evcon, GEV_HTTP_CONN_LIVE, "evhttp_connection", fn) && gev_http_ready(fn) == 0;
}

/* A connection's lock is that of its bufferevent's base (a connection made
 * without a base runs on the current base). */
static struct gev_thread *conn_lock(struct evhttp_connection *evcon)
{
	struct bufferevent *bev = conn_of(evcon)->bev;
	return bev ? gev_bev_lock(bev) : NULL;
}

#define CONN_LOCKED(evcon, expr) ({ \
	struct gev_thread *th_ = conn_lock(evcon); \
	__typeof__(expr) r_ = (expr); \
	gev_base_unlock(th_); \
	r_; })

static struct gev_http_req_priv *req_priv(const struct evhttp_request *req)
{
	return (struct gev_http_req_priv *)((char *)req + GEV_HTTP_REQ_PUBLIC);
}

static int req_ok(const struct evhttp_request *req, const char *fn)
{
	if (!req) {
		gev_warnx("%s: NULL evhttp_request", fn);
		return 0;
	}
	uint32_t m = req_priv(req)->magic;
	if (m == GEV_HTTP_REQ_LIVE)
		return 1;
	if (m == GEV_HTTP_DEAD)
		gev_warnx("%s: evhttp_request %p used after it was freed", fn, (const void *)req);
	else
		gev_warnx("%s: %p is not a live evhttp_request", fn, (const void *)req);
	return 0;
}

/* A request's lock: its connection's, if it has one. */
static struct gev_thread *req_lock(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = req->evcon;
	if (evcon && ((struct gev_http_handle *)evcon)->magic == GEV_HTTP_CONN_LIVE)
		return conn_lock(evcon);
	return NULL;
}

#define REQ_LOCKED_VOID(req, stmt) do { \
	struct gev_thread *th_ = req_lock(req); \
	stmt; \
	gev_base_unlock(th_); \
} while (0)

/* ---- servers ---- */

static struct evhttp *http_new(struct event_base *base, const char *fn)
{
	if (!base)
		base = event_global_current_base_;
	if (!base) {
		gev_warnx("%s: no event_base (none given, and event_init was not called)", fn);
		return NULL;
	}
	if (gev_base_adopt(base, fn) < 0 || gev_http_ready(fn) < 0)
		return NULL;
	struct gev_thread *th = gev_base_lock(base);
	struct evhttp *http = gev_ops.http_new(base);
	gev_base_unlock(th);
	return http;
}

struct evhttp *evhttp_new(struct event_base *base)
{
	return http_new(base, "evhttp_new");
}

void evhttp_free(struct evhttp *http)
{
	if (http && ((struct gev_http_handle *)http)->magic == GEV_HTTP_DEAD) {
		gev_warnx("evhttp_free: double free of evhttp %p", (void *)http);
		return;
	}
	if (http_ok(http, "evhttp_free"))
		HTTP_LOCKED_VOID(http, gev_ops.http_free(http));
}

struct evhttp_bound_socket *evhttp_accept_socket_with_handle(struct evhttp *http, evutil_socket_t fd)
{
	if (!http_ok(http, "evhttp_accept_socket_with_handle"))
		return NULL;
	gev_debug_assert_nonblocking(fd, "evhttp_accept_socket_with_handle");
	return HTTP_LOCKED(http, gev_ops.http_accept_socket(http, fd));
}

int evhttp_accept_socket(struct evhttp *http, evutil_socket_t fd)
{
	return evhttp_accept_socket_with_handle(http, fd) ? 0 : -1;
}

struct evhttp_bound_socket *evhttp_bind_socket_with_handle(struct evhttp *http, const char *address, ev_uint16_t port)
{
	static const char fn[] = "evhttp_bind_socket_with_handle";
	if (!http_ok(http, fn))
		return NULL;
	int fd = bind_socket(address, port, 1);
	if (fd < 0)
		return NULL;
	if (listen(fd, 128) < 0) {
		gev_warnx("%s: listen: %s", fn, strerror(errno));
		close(fd);
		return NULL;
	}
	struct evhttp_bound_socket *b = HTTP_LOCKED(http, gev_ops.http_accept_socket(http, fd));
	if (!b)
		close(fd);
	return b;
}

int evhttp_bind_socket(struct evhttp *http, const char *address, ev_uint16_t port)
{
	return evhttp_bind_socket_with_handle(http, address, port) ? 0 : -1;
}

struct evhttp_bound_socket *evhttp_bind_listener(struct evhttp *http, struct evconnlistener *listener)
{
	if (!http_ok(http, "evhttp_bind_listener"))
		return NULL;
	if (!listener) {
		gev_warnx("evhttp_bind_listener: NULL listener");
		return NULL;
	}
	return HTTP_LOCKED(http, gev_ops.http_bind_listener(http, listener));
}

static struct gev_http_bound *bound_ok(struct evhttp_bound_socket *bound, const char *fn)
{
	struct gev_http_bound *b = (struct gev_http_bound *)bound;
	if (!b) {
		gev_warnx("%s: NULL evhttp_bound_socket", fn);
		return NULL;
	}
	if (b->magic != GEV_HTTP_BOUND_LIVE) {
		gev_warnx("%s: %p is not a live evhttp_bound_socket", fn, (void *)bound);
		return NULL;
	}
	return b;
}

struct evconnlistener *evhttp_bound_socket_get_listener(struct evhttp_bound_socket *bound)
{
	struct gev_http_bound *b = bound_ok(bound, "evhttp_bound_socket_get_listener");
	return b ? b->listener : NULL;
}

evutil_socket_t evhttp_bound_socket_get_fd(struct evhttp_bound_socket *bound)
{
	struct gev_http_bound *b = bound_ok(bound, "evhttp_bound_socket_get_fd");
	return b ? evconnlistener_get_fd(b->listener) : -1;
}

void evhttp_foreach_bound_socket(struct evhttp *http, evhttp_bound_socket_foreach_fn *function, void *argument)
{
	if (!http_ok(http, "evhttp_foreach_bound_socket"))
		return;
	if (!function) {
		gev_warnx("evhttp_foreach_bound_socket: NULL function");
		return;
	}
	HTTP_LOCKED_VOID(http, gev_ops.http_foreach_bound(http, (void *)function, argument));
}

void evhttp_del_accept_socket(struct evhttp *http, struct evhttp_bound_socket *bound_socket)
{
	if (!http_ok(http, "evhttp_del_accept_socket") || !bound_ok(bound_socket, "evhttp_del_accept_socket"))
		return;
	HTTP_LOCKED_VOID(http, gev_ops.http_del_accept_socket(http, bound_socket));
}

static int http_set(struct evhttp *http, int what, int64_t v, void *p, void *q, const char *fn)
{
	if (!http_ok(http, fn))
		return -1;
	return HTTP_LOCKED(http, gev_ops.http_set(http, what, v, p, q));
}

void evhttp_set_max_headers_size(struct evhttp *http, ev_ssize_t max_headers_size)
{
	http_set(http, GEV_HTTP_SET_MAX_HEADERS, max_headers_size, NULL, NULL, "evhttp_set_max_headers_size");
}

void evhttp_set_max_body_size(struct evhttp *http, ev_ssize_t max_body_size)
{
	http_set(http, GEV_HTTP_SET_MAX_BODY, max_body_size, NULL, NULL, "evhttp_set_max_body_size");
}

void evhttp_set_default_content_type(struct evhttp *http, const char *content_type)
{
	http_set(http, GEV_HTTP_SET_CONTENT_TYPE, 0, (void *)content_type, NULL, "evhttp_set_default_content_type");
}

void evhttp_set_allowed_methods(struct evhttp *http, ev_uint16_t methods)
{
	http_set(http, GEV_HTTP_SET_METHODS, methods, NULL, NULL, "evhttp_set_allowed_methods");
}

void evhttp_set_gencb(struct evhttp *http, void (*cb)(struct evhttp_request *, void *), void *arg)
{
	http_set(http, GEV_HTTP_SET_GENCB, 0, (void *)cb, arg, "evhttp_set_gencb");
}

void evhttp_set_bevcb(struct evhttp *http, struct bufferevent *(*cb)(struct event_base *, void *), void *arg)
{
	http_set(http, GEV_HTTP_SET_BEVCB, 0, (void *)cb, arg, "evhttp_set_bevcb");
}

void evhttp_set_timeout_tv(struct evhttp *http, const struct timeval *tv)
{
	http_set(http, GEV_HTTP_SET_TIMEOUT, 0, (void *)tv, NULL, "evhttp_set_timeout_tv");
}

void evhttp_set_timeout(struct evhttp *http, int timeout_in_secs)
{
	if (timeout_in_secs == -1) {
		evhttp_set_timeout_tv(http, NULL);
	} else {
		struct timeval tv = { timeout_in_secs, 0 };
		evhttp_set_timeout_tv(http, &tv);
	}
}

int evhttp_set_flags(struct evhttp *http, int flags)
{
	return http_set(http, GEV_HTTP_SET_FLAGS, flags, NULL, NULL, "evhttp_set_flags");
}

int evhttp_set_cb(struct evhttp *http, const char *path, void (*cb)(struct evhttp_request *, void *), void *cb_arg)
{
	if (!http_ok(http, "evhttp_set_cb"))
		return -2;
	if (!path) {
		gev_warnx("evhttp_set_cb: NULL path");
		return -2;
	}
	return HTTP_LOCKED(http, gev_ops.http_set_cb(http, (char *)path, (void *)cb, cb_arg));
}

int evhttp_del_cb(struct evhttp *http, const char *path)
{
	if (!http_ok(http, "evhttp_del_cb"))
		return -1;
	if (!path) {
		gev_warnx("evhttp_del_cb: NULL path");
		return -1;
	}
	return HTTP_LOCKED(http, gev_ops.http_del_cb(http, (char *)path));
}

int evhttp_add_virtual_host(struct evhttp *http, const char *pattern, struct evhttp *vhost)
{
	if (!http_ok(http, "evhttp_add_virtual_host") ||
	    !handle_ok(vhost, GEV_HTTP_SERVER_LIVE, "evhttp", "evhttp_add_virtual_host"))
		return -1;
	if (!pattern) {
		gev_warnx("evhttp_add_virtual_host: NULL pattern");
		return -1;
	}
	return HTTP_LOCKED(http, gev_ops.http_vhost(http, (char *)pattern, vhost, 1));
}

int evhttp_remove_virtual_host(struct evhttp *http, struct evhttp *vhost)
{
	if (!http_ok(http, "evhttp_remove_virtual_host") ||
	    !handle_ok(vhost, GEV_HTTP_SERVER_LIVE, "evhttp", "evhttp_remove_virtual_host"))
		return -1;
	return HTTP_LOCKED(http, gev_ops.http_vhost(http, NULL, vhost, 0));
}

static int alias(struct evhttp *http, const char *a, int add, const char *fn)
{
	if (!http_ok(http, fn))
		return -1;
	if (!a) {
		gev_warnx("%s: NULL alias", fn);
		return -1;
	}
	return HTTP_LOCKED(http, gev_ops.http_alias(http, (char *)a, add));
}

int evhttp_add_server_alias(struct evhttp *http, const char *a)
{
	return alias(http, a, 1, "evhttp_add_server_alias");
}

int evhttp_remove_server_alias(struct evhttp *http, const char *a)
{
	return alias(http, a, 0, "evhttp_remove_server_alias");
}

struct evhttp *evhttp_start(const char *address, ev_uint16_t port)
{
	struct evhttp *http = http_new(NULL, "evhttp_start");
	if (!http)
		return NULL;
	if (evhttp_bind_socket(http, address, port) < 0) {
		evhttp_free(http);
		return NULL;
	}
	return http;
}

/* ---- replies ---- */

void evhttp_send_error(struct evhttp_request *req, int error, const char *reason)
{
	if (req_ok(req, "evhttp_send_error") && gev_http_ready("evhttp_send_error") == 0)
		REQ_LOCKED_VOID(req, gev_ops.http_send_error(req, error, (char *)reason));
}

void evhttp_send_reply(struct evhttp_request *req, int code, const char *reason, struct evbuffer *databuf)
{
	if (req_ok(req, "evhttp_send_reply") && gev_http_ready("evhttp_send_reply") == 0)
		REQ_LOCKED_VOID(req, gev_ops.http_send_reply(req, code, (char *)reason, databuf));
}

void evhttp_send_reply_start(struct evhttp_request *req, int code, const char *reason)
{
	if (req_ok(req, "evhttp_send_reply_start") && gev_http_ready("evhttp_send_reply_start") == 0)
		REQ_LOCKED_VOID(req, gev_ops.http_reply_start(req, code, (char *)reason));
}

void evhttp_send_reply_chunk_with_cb(struct evhttp_request *req, struct evbuffer *databuf,
    void (*cb)(struct evhttp_connection *, void *), void *arg)
{
	if (req_ok(req, "evhttp_send_reply_chunk") && gev_http_ready("evhttp_send_reply_chunk") == 0)
		REQ_LOCKED_VOID(req, gev_ops.http_reply_chunk(req, databuf, (void *)cb, arg));
}

void evhttp_send_reply_chunk(struct evhttp_request *req, struct evbuffer *databuf)
{
	evhttp_send_reply_chunk_with_cb(req, databuf, NULL, NULL);
}

void evhttp_send_reply_end(struct evhttp_request *req)
{
	if (req_ok(req, "evhttp_send_reply_end") && gev_http_ready("evhttp_send_reply_end") == 0)
		REQ_LOCKED_VOID(req, gev_ops.http_reply_end(req));
}

/* ---- requests ---- */

struct evhttp_request *evhttp_request_new(void (*cb)(struct evhttp_request *, void *), void *arg)
{
	if (gev_http_ready("evhttp_request_new") < 0)
		return NULL;
	return gev_ops.http_req_new((void *)cb, arg);
}

void evhttp_request_free(struct evhttp_request *req)
{
	if (req && req_priv(req)->magic == GEV_HTTP_DEAD) {
		gev_warnx("evhttp_request_free: double free of evhttp_request %p", (void *)req);
		return;
	}
	if (req_ok(req, "evhttp_request_free") && gev_http_ready("evhttp_request_free") == 0)
		REQ_LOCKED_VOID(req, gev_ops.http_req_free(req));
}

void evhttp_request_own(struct evhttp_request *req)
{
	if (req_ok(req, "evhttp_request_own"))
		req->flags |= EVHTTP_USER_OWNED;
}

int evhttp_request_is_owned(struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_is_owned") ? (req->flags & EVHTTP_USER_OWNED) != 0 : 0;
}

struct evhttp_connection *evhttp_request_get_connection(struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_connection") ? req->evcon : NULL;
}

void evhttp_request_set_chunked_cb(struct evhttp_request *req, void (*cb)(struct evhttp_request *, void *))
{
	if (req_ok(req, "evhttp_request_set_chunked_cb"))
		req->chunk_cb = cb;
}

void evhttp_request_set_header_cb(struct evhttp_request *req, int (*cb)(struct evhttp_request *, void *))
{
	if (req_ok(req, "evhttp_request_set_header_cb"))
		req->header_cb = cb;
}

void evhttp_request_set_error_cb(struct evhttp_request *req, void (*cb)(enum evhttp_request_error, void *))
{
	if (req_ok(req, "evhttp_request_set_error_cb"))
		req->error_cb = cb;
}

void evhttp_request_set_on_complete_cb(struct evhttp_request *req,
    void (*cb)(struct evhttp_request *, void *), void *cb_arg)
{
	if (req_ok(req, "evhttp_request_set_on_complete_cb")) {
		req->on_complete_cb = cb;
		req->on_complete_cb_arg = cb_arg;
	}
}

const char *evhttp_request_get_uri(const struct evhttp_request *req)
{
	if (!req_ok(req, "evhttp_request_get_uri"))
		return NULL;
	if (!req->uri)
		gev_debugx("evhttp_request_get_uri: request %p has no uri", (const void *)req);
	return req->uri;
}

const struct evhttp_uri *evhttp_request_get_evhttp_uri(const struct evhttp_request *req)
{
	if (!req_ok(req, "evhttp_request_get_evhttp_uri"))
		return NULL;
	if (!req->uri_elems)
		gev_debugx("evhttp_request_get_evhttp_uri: request %p has no uri elems", (const void *)req);
	return req->uri_elems;
}

enum evhttp_cmd_type evhttp_request_get_command(const struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_command") ? req->type : 0;
}

int evhttp_request_get_response_code(const struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_response_code") ? req->response_code : 0;
}

const char *evhttp_request_get_response_code_line(const struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_response_code_line") ? req->response_code_line : NULL;
}

struct evkeyvalq *evhttp_request_get_input_headers(struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_input_headers") ? req->input_headers : NULL;
}

struct evkeyvalq *evhttp_request_get_output_headers(struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_output_headers") ? req->output_headers : NULL;
}

struct evbuffer *evhttp_request_get_input_buffer(struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_input_buffer") ? req->input_buffer : NULL;
}

struct evbuffer *evhttp_request_get_output_buffer(struct evhttp_request *req)
{
	return req_ok(req, "evhttp_request_get_output_buffer") ? req->output_buffer : NULL;
}

const char *evhttp_request_get_host(struct evhttp_request *req)
{
	if (!req_ok(req, "evhttp_request_get_host"))
		return NULL;
	if (req->host_cache)
		return req->host_cache;
	if (gev_http_ready("evhttp_request_get_host") < 0)
		return NULL;
	const char *h;
	struct gev_thread *th = req_lock(req);
	h = gev_ops.http_req_host(req);
	gev_base_unlock(th);
	return h;
}

int evhttp_make_request(struct evhttp_connection *evcon, struct evhttp_request *req,
    enum evhttp_cmd_type type, const char *uri)
{
	static const char fn[] = "evhttp_make_request";
	if (!conn_ok(evcon, fn) || !req_ok(req, fn))
		return -1;
	if (!uri) {
		gev_warnx("%s: NULL uri", fn);
		return -1;
	}
	return CONN_LOCKED(evcon, gev_ops.http_make_request(evcon, req, (int)type, (char *)uri));
}

void evhttp_cancel_request(struct evhttp_request *req)
{
	if (req_ok(req, "evhttp_cancel_request") && gev_http_ready("evhttp_cancel_request") == 0)
		REQ_LOCKED_VOID(req, gev_ops.http_cancel_request(req));
}

/* ---- connections ---- */

struct evhttp_connection *evhttp_connection_base_bufferevent_new(struct event_base *base,
    struct evdns_base *dnsbase, struct bufferevent *bev, const char *address, ev_uint16_t port)
{
	static const char fn[] = "evhttp_connection_base_bufferevent_new";
	if (!address) {
		gev_warnx("%s: NULL address", fn);
		return NULL;
	}
	struct event_base *lockbase = base ? base : event_global_current_base_;
	if (!lockbase && bev)
		lockbase = bufferevent_get_base(bev);
	if (!lockbase) {
		gev_warnx("%s: no event_base (none given, and event_init was not called)", fn);
		return NULL;
	}
	if (gev_base_adopt(lockbase, fn) < 0 || gev_http_ready(fn) < 0)
		return NULL;
	struct gev_thread *th = gev_base_lock(lockbase);
	struct evhttp_connection *c = gev_ops.http_conn_new(base, lockbase, dnsbase, bev, (char *)address, port);
	gev_base_unlock(th);
	return c;
}

struct evhttp_connection *evhttp_connection_base_new(struct event_base *base, struct evdns_base *dnsbase,
    const char *address, ev_uint16_t port)
{
	return evhttp_connection_base_bufferevent_new(base, dnsbase, NULL, address, port);
}

struct evhttp_connection *evhttp_connection_new(const char *address, ev_uint16_t port)
{
	return evhttp_connection_base_bufferevent_new(NULL, NULL, NULL, address, port);
}

void evhttp_connection_free(struct evhttp_connection *evcon)
{
	if (evcon && ((struct gev_http_handle *)evcon)->magic == GEV_HTTP_DEAD) {
		gev_warnx("evhttp_connection_free: double free of evhttp_connection %p", (void *)evcon);
		return;
	}
	if (!conn_ok(evcon, "evhttp_connection_free"))
		return;
	struct gev_thread *th = conn_lock(evcon);
	gev_ops.http_conn_free(evcon);
	gev_base_unlock(th);
}

static int conn_set(struct evhttp_connection *evcon, int what, int64_t v, void *p, void *q, const char *fn)
{
	if (!conn_ok(evcon, fn))
		return -1;
	return CONN_LOCKED(evcon, gev_ops.http_conn_set(evcon, what, v, p, q));
}

struct bufferevent *evhttp_connection_get_bufferevent(struct evhttp_connection *evcon)
{
	return handle_ok(evcon, GEV_HTTP_CONN_LIVE, "evhttp_connection", "evhttp_connection_get_bufferevent")
	    ? conn_of(evcon)->bev : NULL;
}

struct evhttp *evhttp_connection_get_server(struct evhttp_connection *evcon)
{
	return handle_ok(evcon, GEV_HTTP_CONN_LIVE, "evhttp_connection", "evhttp_connection_get_server")
	    ? conn_of(evcon)->server : NULL;
}

struct event_base *evhttp_connection_get_base(struct evhttp_connection *evcon)
{
	return handle_ok(evcon, GEV_HTTP_CONN_LIVE, "evhttp_connection", "evhttp_connection_get_base")
	    ? conn_of(evcon)->h.base : NULL;
}

void evhttp_connection_get_peer(struct evhttp_connection *evcon, char **address, ev_uint16_t *port)
{
	if (!handle_ok(evcon, GEV_HTTP_CONN_LIVE, "evhttp_connection", "evhttp_connection_get_peer"))
		return;
	if (address)
		*address = conn_of(evcon)->address;
	if (port)
		*port = conn_of(evcon)->port;
}

const struct sockaddr *evhttp_connection_get_addr(struct evhttp_connection *evcon)
{
	if (!handle_ok(evcon, GEV_HTTP_CONN_LIVE, "evhttp_connection", "evhttp_connection_get_addr"))
		return NULL;
	return (const struct sockaddr *)&conn_of(evcon)->addr;
}

void evhttp_connection_set_family(struct evhttp_connection *evcon, int family)
{
	conn_set(evcon, GEV_CONN_SET_FAMILY, family, NULL, NULL, "evhttp_connection_set_family");
}

int evhttp_connection_set_flags(struct evhttp_connection *evcon, int flags)
{
	return conn_set(evcon, GEV_CONN_SET_FLAGS, flags, NULL, NULL, "evhttp_connection_set_flags");
}

void evhttp_connection_set_max_headers_size(struct evhttp_connection *evcon, ev_ssize_t n)
{
	conn_set(evcon, GEV_CONN_SET_MAX_HEADERS, n, NULL, NULL, "evhttp_connection_set_max_headers_size");
}

void evhttp_connection_set_max_body_size(struct evhttp_connection *evcon, ev_ssize_t n)
{
	conn_set(evcon, GEV_CONN_SET_MAX_BODY, n, NULL, NULL, "evhttp_connection_set_max_body_size");
}

void evhttp_connection_free_on_completion(struct evhttp_connection *evcon)
{
	conn_set(evcon, GEV_CONN_FREE_ON_COMPLETION, 0, NULL, NULL, "evhttp_connection_free_on_completion");
}

void evhttp_connection_set_local_address(struct evhttp_connection *evcon, const char *address)
{
	conn_set(evcon, GEV_CONN_SET_LOCAL_ADDRESS, 0, (void *)address, NULL, "evhttp_connection_set_local_address");
}

void evhttp_connection_set_local_port(struct evhttp_connection *evcon, ev_uint16_t port)
{
	conn_set(evcon, GEV_CONN_SET_LOCAL_PORT, port, NULL, NULL, "evhttp_connection_set_local_port");
}

void evhttp_connection_set_timeout_tv(struct evhttp_connection *evcon, const struct timeval *tv)
{
	conn_set(evcon, GEV_CONN_SET_TIMEOUT, 0, (void *)tv, NULL, "evhttp_connection_set_timeout_tv");
}

void evhttp_connection_set_timeout(struct evhttp_connection *evcon, int timeout_in_secs)
{
	if (timeout_in_secs == -1) {
		evhttp_connection_set_timeout_tv(evcon, NULL);
	} else {
		struct timeval tv = { timeout_in_secs, 0 };
		evhttp_connection_set_timeout_tv(evcon, &tv);
	}
}

void evhttp_connection_set_initial_retry_tv(struct evhttp_connection *evcon, const struct timeval *tv)
{
	conn_set(evcon, GEV_CONN_SET_RETRY_TV, 0, (void *)tv, NULL, "evhttp_connection_set_initial_retry_tv");
}

void evhttp_connection_set_retries(struct evhttp_connection *evcon, int retry_max)
{
	conn_set(evcon, GEV_CONN_SET_RETRIES, retry_max, NULL, NULL, "evhttp_connection_set_retries");
}

void evhttp_connection_set_closecb(struct evhttp_connection *evcon,
    void (*cb)(struct evhttp_connection *, void *), void *cbarg)
{
	conn_set(evcon, GEV_CONN_SET_CLOSECB, 0, (void *)cb, cbarg, "evhttp_connection_set_closecb");
}

void evhttp_connection_set_base(struct evhttp_connection *evcon, struct event_base *base)
{
	static const char fn[] = "evhttp_connection_set_base";
	if (!base) {
		gev_warnx("%s: NULL event_base", fn);
		return;
	}
	if (gev_base_adopt(base, fn) < 0)
		return;
	if (conn_set(evcon, GEV_CONN_SET_BASE, 0, base, NULL, fn) == 0)
		conn_of(evcon)->h.base = base;
}
