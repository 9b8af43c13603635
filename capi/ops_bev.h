/* ops_bev.h - the core's entry points for socket bufferevents and listeners: one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_BEV_H
#define GEV_OPS_BEV_H
#define GEV_OPS_BEV(X) \
	X(struct bufferevent *, bev_socket_new, (struct event_base *base, int fd, int options)) \
	X(void, bev_free, (struct bufferevent *bev)) \
	X(int, bev_enable, (struct bufferevent *bev, short what)) \
	X(int, bev_disable, (struct bufferevent *bev, short what)) \
	X(int, bev_write, (struct bufferevent *bev, void *data, size_t len)) \
	X(int, bev_write_buffer, (struct bufferevent *bev, struct evbuffer *buf)) \
	X(size_t, bev_read, (struct bufferevent *bev, void *data, size_t len)) \
	X(int, bev_read_buffer, (struct bufferevent *bev, struct evbuffer *buf)) \
	X(struct evconnlistener *, listener_new, (struct event_base *base, void *cb, void *ptr, unsigned flags, int backlog, int fd)) \
	X(struct evconnlistener *, listener_new_bind, (struct event_base *base, void *cb, void *ptr, unsigned flags, int backlog, struct sockaddr *sa, int socklen)) \
	X(void, listener_free, (struct evconnlistener *lev)) \
	X(int, listener_enable, (struct evconnlistener *lev)) \
	X(int, listener_disable, (struct evconnlistener *lev)) \
	X(void, listener_set_cb, (struct evconnlistener *lev, void *cb, void *ptr)) \
	X(void, listener_set_error_cb, (struct evconnlistener *lev, void *errcb))

#endif
