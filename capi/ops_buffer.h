/* ops_buffer.h - the core's entry points for evbuffer (core/evbuffer*.go): one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_BUFFER_H
#define GEV_OPS_BUFFER_H
#define GEV_OPS_BUFFER(X) \
	X(struct evbuffer *, evbuffer_new, (void)) \
	X(void, evbuffer_free, (struct evbuffer *buf)) \
	X(int, evbuffer_add, (struct evbuffer *buf, void *data, size_t len)) \
	X(int, evbuffer_add_buffer, (struct evbuffer *dst, struct evbuffer *src)) \
	X(int, evbuffer_drain, (struct evbuffer *buf, size_t len)) \
	X(int, evbuffer_remove, (struct evbuffer *buf, void *data, size_t len)) \
	X(ptrdiff_t, evbuffer_copyout, (struct evbuffer *buf, void *data, size_t len)) \
	X(unsigned char *, evbuffer_pullup, (struct evbuffer *buf, ptrdiff_t size))

#endif
