/* ops_ssl.h - the core's entry points for TLS bufferevents (capi/gev_ssl.h): one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_SSL_H
#define GEV_OPS_SSL_H
struct gev_ssl_funcs;
#define GEV_OPS_SSL(X) \
	X(struct bufferevent *, bev_ssl_new, (struct event_base *base, struct bufferevent *under, int fd, void *ssl, int state, int options, void *f, void *tr_read, void *tr_write, void *tr_event)) \
	X(void, bev_ssl_cb, (struct bufferevent *bev, int kind, short what, int err)) \
	X(intptr_t, bev_ssl_ctl, (struct bufferevent *bev, int op, int arg))

#endif
