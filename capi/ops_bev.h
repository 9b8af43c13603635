/* ops_bev.h - the core's entry points for bufferevents (generic and socket) and listeners: one X(ret, name, params) line each.
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
	X(void, bev_incref, (struct bufferevent *bev)) \
	X(int, bev_decref, (struct bufferevent *bev)) \
	X(int, bev_flush, (struct bufferevent *bev, short iotype, int mode)) \
	X(long, bev_get_max, (struct bufferevent *bev, int which)) \
	X(int, bev_set_max_single, (struct bufferevent *bev, int which, size_t size)) \
	X(int, bev_priority_set, (struct bufferevent *bev, int pri)) \
	X(int, bev_base_set, (struct event_base *base, struct bufferevent *bev)) \
	X(void, bev_setwatermark, (struct bufferevent *bev, short events, size_t low, size_t high)) \
	X(int, bev_set_timeouts, (struct bufferevent *bev, struct timeval *rd, struct timeval *wr)) \
	X(int, bev_setfd, (struct bufferevent *bev, int fd)) \
	X(int, bev_getfd, (struct bufferevent *bev)) \
	X(int, bev_connect, (struct bufferevent *bev, struct sockaddr *sa, int socklen)) \
	X(int, bev_connect_resolved, (struct bufferevent *bev, int gai_err, struct sockaddr *sa, int socklen)) \
	X(int, bev_get_dns_error, (struct bufferevent *bev)) \
	X(void, bev_trigger, (struct bufferevent *bev, short iotype, int options)) \
	X(void, bev_trigger_event, (struct bufferevent *bev, short what, int options)) \
	X(struct evconnlistener *, listener_new, (struct event_base *base, void *cb, void *ptr, unsigned flags, int backlog, int fd)) \
	X(struct evconnlistener *, listener_new_bind, (struct event_base *base, void *cb, void *ptr, unsigned flags, int backlog, struct sockaddr *sa, int socklen)) \
	X(void, listener_free, (struct evconnlistener *lev)) \
	X(int, listener_enable, (struct evconnlistener *lev)) \
	X(int, listener_disable, (struct evconnlistener *lev)) \
	X(void, listener_set_cb, (struct evconnlistener *lev, void *cb, void *ptr)) \
	X(void, listener_set_error_cb, (struct evconnlistener *lev, void *errcb))

#endif
