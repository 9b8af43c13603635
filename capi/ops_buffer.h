/* ops_buffer.h - the core's entry points for evbuffer (core/evbuffer*.go): one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>.
 * struct evbuffer_ptr and struct evbuffer_iovec travel as void *: the core
 * mirrors their layouts. */
#ifndef GEV_OPS_BUFFER_H
#define GEV_OPS_BUFFER_H
#define GEV_OPS_BUFFER(X) \
	X(struct evbuffer *, evbuffer_new, (void)) \
	X(int, evbuffer_free, (struct evbuffer *buf, int pool)) \
	X(int, evbuffer_add, (struct evbuffer *buf, void *data, size_t len)) \
	X(int, evbuffer_add_str, (struct evbuffer *buf, void *data, size_t len)) \
	X(int, evbuffer_add_buffer, (struct evbuffer *dst, struct evbuffer *src)) \
	X(int, evbuffer_drain, (struct evbuffer *buf, size_t len)) \
	X(int, evbuffer_remove, (struct evbuffer *buf, void *data, size_t len)) \
	X(ptrdiff_t, evbuffer_copyout, (struct evbuffer *buf, void *data, size_t len)) \
	X(unsigned char *, evbuffer_pullup, (struct evbuffer *buf, ptrdiff_t size)) \
	X(int, evbuffer_prepend, (struct evbuffer *buf, void *data, size_t len)) \
	X(int, evbuffer_prepend_buffer, (struct evbuffer *dst, struct evbuffer *src)) \
	X(int, evbuffer_remove_buffer, (struct evbuffer *src, struct evbuffer *dst, size_t len)) \
	X(int, evbuffer_add_reference, (struct evbuffer *buf, void *data, size_t len, void *cleanup, void *arg)) \
	X(int, evbuffer_add_buffer_reference, (struct evbuffer *out, struct evbuffer *in)) \
	X(int, evbuffer_expand, (struct evbuffer *buf, size_t len)) \
	X(int, evbuffer_reserve_space, (struct evbuffer *buf, ptrdiff_t size, void *vec, int n)) \
	X(int, evbuffer_commit_space, (struct evbuffer *buf, void *vec, int n)) \
	X(size_t, evbuffer_add_iovec, (struct evbuffer *buf, void *vec, int n)) \
	X(ptrdiff_t, evbuffer_copyout_from, (struct evbuffer *buf, void *pos, void *data, size_t len)) \
	X(size_t, evbuffer_get_contiguous_space, (struct evbuffer *buf)) \
	X(void, evbuffer_search_range, (struct evbuffer *buf, void *what, size_t len, void *start, void *end, void *out)) \
	X(void, evbuffer_search_eol, (struct evbuffer *buf, void *start, size_t *eol_len, int style, void *out)) \
	X(ptrdiff_t, evbuffer_readln, (struct evbuffer *buf, int style, void *scratch, size_t cap, size_t *eol_len)) \
	X(int, evbuffer_ptr_set, (struct evbuffer *buf, void *ptr, size_t position, int how)) \
	X(int, evbuffer_peek, (struct evbuffer *buf, ptrdiff_t len, void *start, void *vec, int n)) \
	X(unsigned char *, evbuffer_find, (struct evbuffer *buf, void *what, size_t len)) \
	X(void *, evbuffer_add_cb, (struct evbuffer *buf, void *cb, void *arg)) \
	X(int, evbuffer_remove_cb_entry, (struct evbuffer *buf, void *ent)) \
	X(int, evbuffer_remove_cb, (struct evbuffer *buf, void *cb, void *arg)) \
	X(int, evbuffer_cb_flags, (struct evbuffer *buf, void *ent, uint32_t flags, int set)) \
	X(void, evbuffer_setcb, (struct evbuffer *buf, void *cb, void *arg)) \
	X(int, evbuffer_defer_callbacks, (struct evbuffer *buf, struct event_base *base)) \
	X(int, evbuffer_freeze, (struct evbuffer *buf, int at_front, int freeze)) \
	X(int, evbuffer_flags, (struct evbuffer *buf, uint64_t flags, int set)) \
	X(int, evbuffer_read, (struct evbuffer *buf, int fd, int howmuch, int *err)) \
	X(int, evbuffer_write_atmost, (struct evbuffer *buf, int fd, ptrdiff_t howmuch, int *err)) \
	X(int, evbuffer_add_file, (struct evbuffer *buf, int fd, int64_t offset, int64_t length)) \
	X(void *, evbuffer_file_segment_new, (int fd, int64_t offset, int64_t length, unsigned flags)) \
	X(void, evbuffer_file_segment_free, (void *seg)) \
	X(void, evbuffer_file_segment_add_cleanup_cb, (void *seg, void *cb, void *arg)) \
	X(int, evbuffer_add_file_segment, (struct evbuffer *buf, void *seg, int64_t offset, int64_t length))

#endif
