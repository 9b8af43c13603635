/*
 * buffer.c - evbuffer entry points. The buffer lives in the Go core; its C
 * handle mirrors the length so evbuffer_get_length costs no crossing, and
 * carries the buffer's lock (evbuffer_enable_locking) so that evbuffer_lock
 * and evbuffer_unlock cost none either. Every entry point that reaches the
 * core holds the lock (recursive, as libevent's) across the call, callbacks
 * included, as libevent does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/thread.h>

#include "capi.h"

static int buf_check(const struct evbuffer *buf, const char *fn)
{
	if (!buf) {
		gev_warnx("%s: NULL evbuffer", fn);
		return 0;
	}
	if (buf->magic != GEV_EVBUFFER_LIVE) {
		gev_warnx("%s: %p is not a live evbuffer (freed?)", fn, (const void *)buf);
		return 0;
	}
	return 1;
}

/* A usable buffer with the core loaded: 1, else logged and 0. */
static inline int buf_ok(const struct evbuffer *buf, const char *fn)
{
	return buf_check(buf, fn) && gev_core_ready(fn) == 0;
}

static inline void buf_lock(struct evbuffer *buf)
{
	if (__builtin_expect(buf->lock != NULL, 0) && buf->lock_fn)
		buf->lock_fn(0, buf->lock);
}

static inline void buf_unlock(struct evbuffer *buf)
{
	if (__builtin_expect(buf->lock != NULL, 0) && buf->unlock_fn)
		buf->unlock_fn(0, buf->lock);
}

/* Two buffers: in address order, once if they share a lock. */
static void buf_lock2(struct evbuffer *a, struct evbuffer *b)
{
	if (a->lock == b->lock) {
		buf_lock(a);
	} else if (a < b) {
		buf_lock(a);
		buf_lock(b);
	} else {
		buf_lock(b);
		buf_lock(a);
	}
}

static void buf_unlock2(struct evbuffer *a, struct evbuffer *b)
{
	buf_unlock(a);
	if (a->lock != b->lock)
		buf_unlock(b);
}

/* ---- fast path: the windows the core published (gev_internal.h); the
 * core's copy of this logic, for its tests, is in core/evbuffer_fast.go.
 * Every change of the bytes clears resv, as the core's does. */

/* n bytes were written at add_ptr: they become data. */
static inline void fast_grow(struct evbuffer *buf, size_t n)
{
	buf->add_ptr += n;
	buf->add_avail -= n;
	if (buf->single)
		buf->drain_avail += n;
	buf->total_len += n;
	buf->dirty = 1;
	if (n)
		buf->resv = 0;
}

static inline int fast_add(struct evbuffer *buf, const void *data, size_t n)
{
	if (!buf->fast || n > buf->add_avail)
		return 0;
	memcpy(buf->add_ptr, data, n);
	fast_grow(buf, n);
	return 1;
}

static inline int fast_drain(struct evbuffer *buf, size_t n)
{
	if (!buf->fast)
		return 0;
	if (n < buf->drain_avail) {
		buf->drain_ptr += n;
		buf->drain_avail -= n;
		buf->total_len -= n;
		buf->dirty = 1;
		if (n)
			buf->resv = 0;
		return 1;
	}
	if (buf->single == 2 && n >= buf->total_len) {
		if (buf->total_len)
			buf->resv = 0;
		buf->drain_ptr = buf->add_ptr = buf->blk_base;
		buf->add_avail = buf->blk_cap;
		buf->drain_avail = 0;
		buf->total_len = 0;
		buf->dirty = 1;
		return 1;
	}
	return 0;
}

/* Copies up to n bytes from the front if the first segment has them (all
 * of them when it is the only one): the count, or -1 to ask the core. */
static inline ptrdiff_t fast_copyout(struct evbuffer *buf, void *out, size_t n)
{
	if (!buf->fast)
		return -1;
	if (n > buf->drain_avail) {
		if (!buf->single)
			return -1;
		n = buf->drain_avail;
	}
	if (n > INT32_MAX)
		return -1;
	if (n)
		memcpy(out, buf->drain_ptr, n);
	return (ptrdiff_t)n;
}

#define LOCKED(buf, expr) ({ __typeof__(expr) r_; buf_lock(buf); r_ = (expr); buf_unlock(buf); r_; })
#define LOCKED2(a, b, expr) ({ __typeof__(expr) r_; buf_lock2(a, b); r_ = (expr); buf_unlock2(a, b); r_; })

/* ---- the pool of freed buffers (gev_internal.h): evbuffer_new takes one
 * without a crossing; evbuffer_free pools a buffer the core published as
 * poolable without one, else crosses once (the core resets the buffer and
 * says whether to pool it). Generated evtag code makes and frees a temporary
 * buffer per nested message. */
struct gev_buf_pool gev_buf_pool;

static inline void pool_lock(void)
{
	while (__atomic_exchange_n(&gev_buf_pool.lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&gev_buf_pool.lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void pool_unlock(void)
{
	__atomic_store_n(&gev_buf_pool.lock, 0, __ATOMIC_RELEASE);
}

static inline struct evbuffer *pool_pop(void)
{
	struct evbuffer *buf = NULL;
	if (__atomic_load_n(&gev_buf_pool.n, __ATOMIC_RELAXED) == 0)
		return NULL;
	pool_lock();
	if (gev_buf_pool.n > 0)
		buf = gev_buf_pool.item[--gev_buf_pool.n];
	pool_unlock();
	if (buf)
		buf->magic = GEV_EVBUFFER_LIVE;
	return buf;
}

/* 1 if buf went into the pool; 0 if it is full. */
static inline int pool_push(struct evbuffer *buf)
{
	int ok = 0;
	pool_lock();
	if (gev_buf_pool.n < 2 * GEV_BUF_POOL_MAX) {
		gev_buf_pool.item[gev_buf_pool.n++] = buf;
		ok = 1;
	}
	pool_unlock();
	return ok;
}

struct evbuffer *evbuffer_new(void)
{
	struct evbuffer *buf = pool_pop();
	if (buf)
		return buf;
	if (gev_core_ready("evbuffer_new") < 0)
		return NULL;
	return gev_ops.evbuffer_new();
}

void evbuffer_free(struct evbuffer *buf)
{
	void *lock;
	int (*unlock_fn)(unsigned, void *);
	void (*free_fn)(void *, unsigned);
	uint32_t own;

	if (!buf_ok(buf, "evbuffer_free"))
		return;
	buf_lock(buf);
	lock = buf->lock;
	unlock_fn = buf->unlock_fn;
	free_fn = buf->free_fn;
	own = buf->own_lock;
	int room = __atomic_load_n(&gev_buf_pool.n, __ATOMIC_RELAXED) < GEV_BUF_POOL_MAX;
	int pooled;
	if (room && buf->fast && buf->pool_epoch == gev_core_epoch && buf->single == 2) {
		/* The core published it as poolable: empty its block as a drain
		 * of everything would (fast_drain), and pool it, in C. */
		buf->drain_ptr = buf->add_ptr = buf->blk_base;
		buf->add_avail = buf->blk_cap;
		buf->drain_avail = 0;
		buf->total_len = 0;
		buf->dirty = 1;
		buf->resv = 0;
		buf->magic = GEV_EVBUFFER_DEAD;
		pooled = 1;
	} else {
		pooled = gev_ops.evbuffer_free(buf, room);
	}
	if (buf->magic == GEV_EVBUFFER_LIVE) {
		buf_unlock(buf); /* not freed (a bufferevent's) */
		return;
	}
	if (lock && unlock_fn)
		unlock_fn(0, lock);
	if (lock && own && free_fn)
		free_fn(lock, EVTHREAD_LOCKTYPE_RECURSIVE);
	if (pooled) {
		buf->lock = NULL;
		buf->lock_fn = buf->unlock_fn = NULL;
		buf->free_fn = NULL;
		buf->own_lock = 0;
		if (!pool_push(buf)) {
			buf->magic = GEV_EVBUFFER_LIVE; /* full: free it after all */
			gev_ops.evbuffer_free(buf, 0);
		}
	}
}

size_t evbuffer_get_length(const struct evbuffer *buf)
{
	return buf_check(buf, "evbuffer_get_length") ? buf->total_len : 0;
}

int evbuffer_add(struct evbuffer *buf, const void *data, size_t datlen)
{
	int r;
	if (!buf_ok(buf, "evbuffer_add"))
		return -1;
	buf_lock(buf);
	if (data && fast_add(buf, data, datlen))
		r = 0;
	else
		r = gev_ops.evbuffer_add(buf, (void *)data, datlen);
	buf_unlock(buf);
	return r;
}

/* A few bytes move by copy: cheaper than handing over a segment (which the
 * source would then have to replace), and the core does the same
 * (core/evbuffer.go, AddBuffer). Here when the source's bytes are all in
 * one plain block it keeps (single == 2) and the destination's room holds
 * them. */
static inline int fast_add_buffer(struct evbuffer *dst, struct evbuffer *src)
{
	size_t n = src->total_len;
	if (!dst->fast || !src->fast || src->single != 2 || dst == src ||
	    n > GEV_BUF_COPY_MAX || n > dst->add_avail)
		return 0;
	if (n) {
		memcpy(dst->add_ptr, src->drain_ptr, n);
		fast_grow(dst, n);
		fast_drain(src, n);
	}
	return 1;
}

int evbuffer_add_buffer(struct evbuffer *outbuf, struct evbuffer *inbuf)
{
	int r;
	if (!buf_check(outbuf, "evbuffer_add_buffer") || !buf_ok(inbuf, "evbuffer_add_buffer"))
		return -1;
	buf_lock2(outbuf, inbuf);
	r = fast_add_buffer(outbuf, inbuf) ? 0 : gev_ops.evbuffer_add_buffer(outbuf, inbuf);
	buf_unlock2(outbuf, inbuf);
	return r;
}

int evbuffer_drain(struct evbuffer *buf, size_t len)
{
	int r;
	if (!buf_ok(buf, "evbuffer_drain"))
		return -1;
	buf_lock(buf);
	if (fast_drain(buf, len))
		r = 0;
	else
		r = gev_ops.evbuffer_drain(buf, len);
	buf_unlock(buf);
	return r;
}

int evbuffer_remove(struct evbuffer *buf, void *data, size_t datlen)
{
	ptrdiff_t k = -1;
	int r;
	if (!buf_ok(buf, "evbuffer_remove"))
		return -1;
	buf_lock(buf);
	if (data)
		k = fast_copyout(buf, data, datlen);
	if (k < 0) {
		r = gev_ops.evbuffer_remove(buf, data, datlen);
	} else {
		/* Copied: the core only drops the bytes when the window cannot
		 * (a whole segment), so no byte is copied twice. */
		if (!fast_drain(buf, (size_t)k))
			gev_ops.evbuffer_drain(buf, (size_t)k);
		r = (int)k;
	}
	buf_unlock(buf);
	return r;
}

ev_ssize_t evbuffer_copyout(struct evbuffer *buf, void *data_out, size_t datlen)
{
	ptrdiff_t r = -1;
	if (!buf_ok(buf, "evbuffer_copyout"))
		return -1;
	buf_lock(buf);
	if (data_out)
		r = fast_copyout(buf, data_out, datlen);
	if (r < 0)
		r = gev_ops.evbuffer_copyout(buf, data_out, datlen);
	buf_unlock(buf);
	return r;
}

unsigned char *evbuffer_pullup(struct evbuffer *buf, ev_ssize_t size)
{
	unsigned char *r;
	if (!buf_ok(buf, "evbuffer_pullup"))
		return NULL;
	buf_lock(buf);
	if (buf->fast && buf->drain_avail > 0 &&
	    (size < 0 ? buf->drain_avail == buf->total_len : (size > 0 && (size_t)size <= buf->drain_avail)))
		r = buf->drain_ptr; /* already contiguous */
	else
		r = gev_ops.evbuffer_pullup(buf, size);
	buf_unlock(buf);
	return r;
}

int evbuffer_prepend(struct evbuffer *buf, const void *data, size_t size)
{
	if (!buf_ok(buf, "evbuffer_prepend"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_prepend(buf, (void *)data, size));
}

int evbuffer_prepend_buffer(struct evbuffer *dst, struct evbuffer *src)
{
	if (!buf_check(dst, "evbuffer_prepend_buffer") || !buf_ok(src, "evbuffer_prepend_buffer"))
		return -1;
	return LOCKED2(dst, src, gev_ops.evbuffer_prepend_buffer(dst, src));
}

int evbuffer_remove_buffer(struct evbuffer *src, struct evbuffer *dst, size_t datlen)
{
	if (!buf_check(src, "evbuffer_remove_buffer") || !buf_ok(dst, "evbuffer_remove_buffer"))
		return -1;
	return LOCKED2(src, dst, gev_ops.evbuffer_remove_buffer(src, dst, datlen));
}

int evbuffer_add_reference(struct evbuffer *outbuf, const void *data, size_t datlen,
    evbuffer_ref_cleanup_cb cleanupfn, void *cleanupfn_arg)
{
	if (!buf_ok(outbuf, "evbuffer_add_reference"))
		return -1;
	return LOCKED(outbuf, gev_ops.evbuffer_add_reference(outbuf, (void *)data, datlen,
	    (void *)cleanupfn, cleanupfn_arg));
}

int evbuffer_add_buffer_reference(struct evbuffer *outbuf, struct evbuffer *inbuf)
{
	if (!buf_check(outbuf, "evbuffer_add_buffer_reference") ||
	    !buf_ok(inbuf, "evbuffer_add_buffer_reference"))
		return -1;
	return LOCKED2(outbuf, inbuf, gev_ops.evbuffer_add_buffer_reference(outbuf, inbuf));
}

int evbuffer_expand(struct evbuffer *buf, size_t datlen)
{
	if (!buf_ok(buf, "evbuffer_expand"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_expand(buf, datlen));
}

/* A reservation the free room of the last segment holds is that room, in
 * one vector, whatever n_vec (the core's Reserve gives the same); size 0 in
 * several vectors is none, left to the core. Committing into it, at most
 * its length, is growing the data. */
int evbuffer_reserve_space(struct evbuffer *buf, ev_ssize_t size, struct evbuffer_iovec *vec, int n_vec)
{
	int r;
	if (!buf_ok(buf, "evbuffer_reserve_space"))
		return -1;
	buf_lock(buf);
	if (buf->fast && vec && n_vec >= 1 && size >= 0 && (size > 0 || n_vec == 1) &&
	    buf->add_avail > 0 && (size_t)size <= buf->add_avail) {
		vec[0].iov_base = buf->add_ptr;
		vec[0].iov_len = buf->add_avail;
		buf->resv = 1;
		r = 1;
	} else {
		r = gev_ops.evbuffer_reserve_space(buf, size, vec, n_vec);
	}
	buf_unlock(buf);
	return r;
}

int evbuffer_commit_space(struct evbuffer *buf, struct evbuffer_iovec *vec, int n_vecs)
{
	int r;
	if (!buf_ok(buf, "evbuffer_commit_space"))
		return -1;
	buf_lock(buf);
	if (buf->fast && buf->resv && n_vecs == 1 && vec && buf->add_avail > 0 &&
	    vec[0].iov_base == (void *)buf->add_ptr && vec[0].iov_len <= buf->add_avail) {
		buf->resv = 0;
		fast_grow(buf, vec[0].iov_len);
		r = 0;
	} else {
		r = gev_ops.evbuffer_commit_space(buf, vec, n_vecs);
	}
	buf_unlock(buf);
	return r;
}

size_t evbuffer_add_iovec(struct evbuffer *buf, struct evbuffer_iovec *vec, int n_vec)
{
	if (!buf_ok(buf, "evbuffer_add_iovec"))
		return 0;
	return LOCKED(buf, gev_ops.evbuffer_add_iovec(buf, vec, n_vec));
}

ev_ssize_t evbuffer_copyout_from(struct evbuffer *buf, const struct evbuffer_ptr *pos,
    void *data_out, size_t datlen)
{
	if (!buf_ok(buf, "evbuffer_copyout_from"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_copyout_from(buf, (void *)pos, data_out, datlen));
}

size_t evbuffer_get_contiguous_space(const struct evbuffer *cbuf)
{
	struct evbuffer *buf = (struct evbuffer *)cbuf;
	size_t r;
	if (!buf_ok(buf, "evbuffer_get_contiguous_space"))
		return 0;
	buf_lock(buf);
	r = buf->fast ? buf->drain_avail : gev_ops.evbuffer_get_contiguous_space(buf);
	buf_unlock(buf);
	return r;
}

static const struct evbuffer_ptr ptr_not_found = { -1, { NULL, 0 } };

struct evbuffer_ptr evbuffer_search_range(struct evbuffer *buffer, const char *what, size_t len,
    const struct evbuffer_ptr *start, const struct evbuffer_ptr *end)
{
	struct evbuffer_ptr r = ptr_not_found;
	if (!buf_ok(buffer, "evbuffer_search_range"))
		return r;
	buf_lock(buffer);
	gev_ops.evbuffer_search_range(buffer, (void *)what, len, (void *)start, (void *)end, &r);
	buf_unlock(buffer);
	return r;
}

struct evbuffer_ptr evbuffer_search(struct evbuffer *buffer, const char *what, size_t len,
    const struct evbuffer_ptr *start)
{
	return evbuffer_search_range(buffer, what, len, start, NULL);
}

struct evbuffer_ptr evbuffer_search_eol(struct evbuffer *buffer, struct evbuffer_ptr *start,
    size_t *eol_len_out, enum evbuffer_eol_style eol_style)
{
	struct evbuffer_ptr r = ptr_not_found;
	if (start && start->internal_.chain == NULL) {
		/* libevent's trivial case: nothing at or after start. */
		if (eol_len_out)
			*eol_len_out = 0;
		return r;
	}
	if (!buf_ok(buffer, "evbuffer_search_eol")) {
		if (eol_len_out)
			*eol_len_out = 0;
		return r;
	}
	buf_lock(buffer);
	gev_ops.evbuffer_search_eol(buffer, start, eol_len_out, (int)eol_style, &r);
	buf_unlock(buffer);
	return r;
}

int evbuffer_ptr_set(struct evbuffer *buffer, struct evbuffer_ptr *ptr, size_t position,
    enum evbuffer_ptr_how how)
{
	if (!buf_ok(buffer, "evbuffer_ptr_set"))
		return -1;
	return LOCKED(buffer, gev_ops.evbuffer_ptr_set(buffer, ptr, position, (int)how));
}

int evbuffer_peek(struct evbuffer *buffer, ev_ssize_t len, struct evbuffer_ptr *start_at,
    struct evbuffer_iovec *vec_out, int n_vec)
{
	if (start_at && start_at->internal_.chain == NULL)
		return 0;
	if (!buf_ok(buffer, "evbuffer_peek"))
		return -1;
	return LOCKED(buffer, gev_ops.evbuffer_peek(buffer, len, start_at, vec_out, n_vec));
}

unsigned char *evbuffer_find(struct evbuffer *buffer, const unsigned char *what, size_t len)
{
	if (!buf_ok(buffer, "evbuffer_find"))
		return NULL;
	return LOCKED(buffer, gev_ops.evbuffer_find(buffer, (void *)what, len));
}

/* The end of line of style in the n bytes at p, found as the core's
 * SearchEOL finds it from the front (core/evbuffer_ops.go): its offset, and
 * its length in *eol_len; -1 when there is none; -2 when the answer may
 * depend on bytes after these (whole: they are all of the buffer's). */
static ptrdiff_t fast_eol(const unsigned char *p, size_t n, int whole, int style, size_t *eol_len)
{
	const unsigned char *q;
	size_t i, k;

	switch (style) {
	case EVBUFFER_EOL_LF:
	case EVBUFFER_EOL_NUL:
		q = n ? memchr(p, style == EVBUFFER_EOL_LF ? '\n' : '\0', n) : NULL;
		if (!q)
			return whole ? -1 : -2;
		*eol_len = 1;
		return q - p;
	case EVBUFFER_EOL_CRLF:
		q = n ? memchr(p, '\n', n) : NULL;
		if (!q)
			return whole ? -1 : -2;
		if (q > p && q[-1] == '\r') {
			*eol_len = 2;
			return q - 1 - p;
		}
		*eol_len = 1;
		return q - p;
	case EVBUFFER_EOL_CRLF_STRICT:
		q = n ? memmem(p, n, "\r\n", 2) : NULL;
		if (!q)
			return whole ? -1 : -2;
		*eol_len = 2;
		return q - p;
	case EVBUFFER_EOL_ANY:
		for (i = 0; i < n && p[i] != '\r' && p[i] != '\n'; i++)
			;
		if (i == n)
			return whole ? -1 : -2;
		for (k = i; k < n && (p[k] == '\r' || p[k] == '\n'); k++)
			;
		if (k == n && !whole)
			return -2; /* the run may go on in the next segment */
		*eol_len = k - i;
		return (ptrdiff_t)i;
	}
	return -2;
}

/* Lines found in the first segment are taken in C: malloc, copy, drain (a
 * crossing only to drop a segment the line ends). Otherwise one crossing:
 * the core finds the line and, when line and end of line fit in scratch,
 * copies them there and drains them, as evbuffer_remove + evbuffer_drain
 * would (the callbacks see those two changes). A longer line is removed
 * into its malloc'ed copy by two more crossings. */
#define READLN_SCRATCH 1024

char *evbuffer_readln(struct evbuffer *buffer, size_t *n_read_out, enum evbuffer_eol_style eol_style)
{
	unsigned char scratch[READLN_SCRATCH];
	char *line = NULL;
	size_t eol_len = 0;
	ptrdiff_t n = -1;

	if (!buf_ok(buffer, "evbuffer_readln")) {
		if (n_read_out)
			*n_read_out = 0;
		return NULL;
	}
	buf_lock(buffer);
	if (buffer->fast)
		n = fast_eol(buffer->drain_ptr, buffer->drain_avail, buffer->drain_avail == buffer->total_len,
		    (int)eol_style, &eol_len);
	if (n >= 0) {
		line = gev_malloc((size_t)n + 1);
		if (!line) {
			gev_warnx("evbuffer_readln: out of memory");
		} else {
			memcpy(line, buffer->drain_ptr, (size_t)n);
			line[n] = '\0';
			if (!fast_drain(buffer, (size_t)n + eol_len))
				gev_ops.evbuffer_drain(buffer, (size_t)n + eol_len);
		}
	} else if (n == -2 || !buffer->fast) {
		n = gev_ops.evbuffer_readln(buffer, (int)eol_style, scratch, sizeof scratch, &eol_len);
		if (n >= 0) {
			int taken = (size_t)n + eol_len <= sizeof scratch;
			line = gev_malloc((size_t)n + 1);
			if (!line) {
				gev_warnx("evbuffer_readln: out of memory");
				if (taken) /* put it back: nothing is lost */
					gev_ops.evbuffer_prepend(buffer, scratch, (size_t)n + eol_len);
			} else {
				if (taken)
					memcpy(line, scratch, (size_t)n);
				else if (n > 0)
					gev_ops.evbuffer_remove(buffer, line, (size_t)n);
				line[n] = '\0';
				if (!taken)
					gev_ops.evbuffer_drain(buffer, eol_len);
			}
		}
	}
	buf_unlock(buffer);
	if (n_read_out)
		*n_read_out = line ? (size_t)n : 0;
	return line;
}

char *evbuffer_readline(struct evbuffer *buffer)
{
	return evbuffer_readln(buffer, NULL, EVBUFFER_EOL_ANY);
}

/* The formats programs give evbuffer_add_printf most: text with %s, %c,
 * %d, %i, %u, %x, %X (plain, l, ll or z) and %%, without flags, width or
 * precision. fmt_simple writes exactly what vsnprintf writes, NUL included,
 * when all of it fits in the cap bytes at dst, and returns its length; for
 * anything else, or too little room, it returns -1 and the caller uses
 * vsnprintf (with its own copy of the arguments). glibc's vsnprintf sets up
 * a FILE and copies short strings a byte at a time: most of the ~100 ns a
 * header line cost. */
static int fmt_simple(char *dst, size_t cap, const char *fmt, va_list ap)
{
	char *o = dst, *end = dst + cap, num[24], *d;
	const char *f = fmt, *s;
	unsigned long long u;
	size_t n;
	int lng, neg;

	for (;;) {
		/* the text up to the next conversion: short, copied here */
		while (*f && *f != '%') {
			if (end - o <= 1)
				return -1;
			*o++ = *f++;
		}
		if (!*f)
			break;
		f++;
		lng = 0; /* 1 long, 2 long long, 3 size_t */
		if (*f == 'l') {
			f++;
			lng = 1;
			if (*f == 'l') {
				f++;
				lng = 2;
			}
		} else if (*f == 'z') {
			f++;
			lng = 3;
		}
		switch (*f++) {
		case '%':
			if (lng || end - o <= 1)
				return -1;
			*o++ = '%';
			continue;
		case 'c':
			if (lng || end - o <= 1)
				return -1;
			*o++ = (char)(unsigned char)va_arg(ap, int);
			continue;
		case 's':
			if (lng)
				return -1;
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			for (n = 0; *s && n < 16; n++) {
				if (end - o <= 1)
					return -1;
				*o++ = *s++;
			}
			if (*s) { /* a long one */
				n = strlen(s);
				if ((size_t)(end - o) <= n)
					return -1;
				memcpy(o, s, n);
				o += n;
			}
			continue;
		case 'd':
		case 'i': {
			long long v = lng == 0 ? va_arg(ap, int) : lng == 1 ? va_arg(ap, long) :
			    lng == 2 ? va_arg(ap, long long) : (long long)va_arg(ap, ssize_t);
			neg = v < 0;
			u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			d = num + sizeof num;
			do
				*--d = (char)('0' + u % 10);
			while ((u /= 10) != 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned base = f[-1] == 'u' ? 10 : 16;
			const char *digits = f[-1] == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
			u = lng == 0 ? va_arg(ap, unsigned) : lng == 1 ? va_arg(ap, unsigned long) :
			    lng == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, size_t);
			neg = 0;
			d = num + sizeof num;
			do
				*--d = digits[u % base];
			while ((u /= base) != 0);
			break;
		}
		default:
			return -1;
		}
		if (neg)
			*--d = '-';
		n = (size_t)(num + sizeof num - d);
		if ((size_t)(end - o) <= n)
			return -1;
		memcpy(o, d, n);
		o += n;
	}
	if (o - dst > INT32_MAX)
		return -1;
	*o = '\0';
	return (int)(o - dst);
}

/* As libevent, the text is formatted straight into the free room at the
 * end, so a NUL follows it (not counted) and it is in one piece: programs
 * read the last extent as a C string. When the published window holds it,
 * nothing crosses into the core; otherwise it is formatted here (again, if
 * the window was too small) and the core adds it with its NUL. */
int evbuffer_add_vprintf(struct evbuffer *buf, const char *fmt, va_list ap)
{
	char stackbuf[512], *p = stackbuf;
	va_list aq;
	int n = -1, r;

	if (!buf_ok(buf, "evbuffer_add_vprintf"))
		return -1;
	if (!fmt) {
		gev_warnx("evbuffer_add_vprintf: NULL format");
		return -1;
	}
	buf_lock(buf);
	if (buf->fast && buf->add_avail > 0) {
		va_copy(aq, ap);
		n = fmt_simple((char *)buf->add_ptr, buf->add_avail, fmt, aq);
		va_end(aq);
		if (n < 0) {
			va_copy(aq, ap);
			n = vsnprintf((char *)buf->add_ptr, buf->add_avail, fmt, aq);
			va_end(aq);
		}
		if (n >= 0 && (size_t)n < buf->add_avail) {
			if (n > 0)
				fast_grow(buf, (size_t)n);
			buf_unlock(buf);
			return n;
		}
	}
	if (n < 0 || (size_t)n < sizeof(stackbuf)) {
		va_copy(aq, ap);
		n = vsnprintf(stackbuf, sizeof(stackbuf), fmt, aq);
		va_end(aq);
	}
	if (n >= 0 && (size_t)n >= sizeof(stackbuf)) {
		p = gev_malloc((size_t)n + 1);
		if (!p) {
			buf_unlock(buf);
			gev_warnx("evbuffer_add_vprintf: out of memory");
			return -1;
		}
		va_copy(aq, ap);
		vsnprintf(p, (size_t)n + 1, fmt, aq);
		va_end(aq);
	}
	r = n < 0 ? -1 : gev_ops.evbuffer_add_str(buf, p, (size_t)n);
	buf_unlock(buf);
	if (p != stackbuf)
		gev_free(p);
	return r < 0 ? -1 : n;
}

int evbuffer_add_printf(struct evbuffer *buf, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = evbuffer_add_vprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}

struct evbuffer_cb_entry *evbuffer_add_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg)
{
	if (!buf_ok(buffer, "evbuffer_add_cb"))
		return NULL;
	return LOCKED(buffer, (struct evbuffer_cb_entry *)gev_ops.evbuffer_add_cb(buffer, (void *)cb, cbarg));
}

int evbuffer_remove_cb_entry(struct evbuffer *buffer, struct evbuffer_cb_entry *ent)
{
	if (!buf_ok(buffer, "evbuffer_remove_cb_entry"))
		return -1;
	return LOCKED(buffer, gev_ops.evbuffer_remove_cb_entry(buffer, ent));
}

int evbuffer_remove_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg)
{
	if (!buf_ok(buffer, "evbuffer_remove_cb"))
		return -1;
	return LOCKED(buffer, gev_ops.evbuffer_remove_cb(buffer, (void *)cb, cbarg));
}

int evbuffer_cb_set_flags(struct evbuffer *buffer, struct evbuffer_cb_entry *cb, ev_uint32_t flags)
{
	if (!buf_ok(buffer, "evbuffer_cb_set_flags"))
		return -1;
	return LOCKED(buffer, gev_ops.evbuffer_cb_flags(buffer, cb, flags, 1));
}

int evbuffer_cb_clear_flags(struct evbuffer *buffer, struct evbuffer_cb_entry *cb, ev_uint32_t flags)
{
	if (!buf_ok(buffer, "evbuffer_cb_clear_flags"))
		return -1;
	return LOCKED(buffer, gev_ops.evbuffer_cb_flags(buffer, cb, flags, 0));
}

int evbuffer_setcb(struct evbuffer *buffer, evbuffer_cb cb, void *cbarg)
{
	if (!buf_ok(buffer, "evbuffer_setcb"))
		return -1;
	buf_lock(buffer);
	gev_ops.evbuffer_setcb(buffer, (void *)cb, cbarg);
	buf_unlock(buffer);
	return 0;
}

int evbuffer_defer_callbacks(struct evbuffer *buffer, struct event_base *base)
{
	if (!buf_ok(buffer, "evbuffer_defer_callbacks") || !gev_base_check(base, "evbuffer_defer_callbacks") ||
	    gev_base_adopt(base, "evbuffer_defer_callbacks") < 0)
		return -1;
	return LOCKED(buffer, gev_ops.evbuffer_defer_callbacks(buffer, base));
}

int evbuffer_freeze(struct evbuffer *buf, int at_front)
{
	if (!buf_ok(buf, "evbuffer_freeze"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_freeze(buf, at_front, 1));
}

int evbuffer_unfreeze(struct evbuffer *buf, int at_front)
{
	if (!buf_ok(buf, "evbuffer_unfreeze"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_freeze(buf, at_front, 0));
}

int evbuffer_set_flags(struct evbuffer *buf, ev_uint64_t flags)
{
	if (!buf_ok(buf, "evbuffer_set_flags"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_flags(buf, flags, 1));
}

int evbuffer_clear_flags(struct evbuffer *buf, ev_uint64_t flags)
{
	if (!buf_ok(buf, "evbuffer_clear_flags"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_flags(buf, flags, 0));
}

int evbuffer_read(struct evbuffer *buffer, evutil_socket_t fd, int howmuch)
{
	int err = 0, r;
	if (!buf_ok(buffer, "evbuffer_read"))
		return -1;
	r = LOCKED(buffer, gev_ops.evbuffer_read(buffer, fd, howmuch, &err));
	if (r < 0 && err)
		errno = err;
	return r;
}

int evbuffer_write_atmost(struct evbuffer *buffer, evutil_socket_t fd, ev_ssize_t howmuch)
{
	int err = 0, r;
	if (!buf_ok(buffer, "evbuffer_write_atmost"))
		return -1;
	r = LOCKED(buffer, gev_ops.evbuffer_write_atmost(buffer, fd, howmuch, &err));
	if (r < 0 && err)
		errno = err;
	return r;
}

int evbuffer_write(struct evbuffer *buffer, evutil_socket_t fd)
{
	return evbuffer_write_atmost(buffer, fd, -1);
}

int evbuffer_add_file(struct evbuffer *buf, int fd, ev_off_t offset, ev_off_t length)
{
	if (!buf_ok(buf, "evbuffer_add_file"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_add_file(buf, fd, offset, length));
}

struct evbuffer_file_segment *evbuffer_file_segment_new(int fd, ev_off_t offset, ev_off_t length, unsigned flags)
{
	if (gev_core_ready("evbuffer_file_segment_new") < 0)
		return NULL;
	return gev_ops.evbuffer_file_segment_new(fd, offset, length, flags);
}

void evbuffer_file_segment_free(struct evbuffer_file_segment *seg)
{
	if (gev_core_ready("evbuffer_file_segment_free") == 0)
		gev_ops.evbuffer_file_segment_free(seg);
}

void evbuffer_file_segment_add_cleanup_cb(struct evbuffer_file_segment *seg,
    evbuffer_file_segment_cleanup_cb cb, void *arg)
{
	if (gev_core_ready("evbuffer_file_segment_add_cleanup_cb") == 0)
		gev_ops.evbuffer_file_segment_add_cleanup_cb(seg, (void *)cb, arg);
}

int evbuffer_add_file_segment(struct evbuffer *buf, struct evbuffer_file_segment *seg,
    ev_off_t offset, ev_off_t length)
{
	if (!buf_ok(buf, "evbuffer_add_file_segment"))
		return -1;
	return LOCKED(buf, gev_ops.evbuffer_add_file_segment(buf, seg, offset, length));
}

int evbuffer_enable_locking(struct evbuffer *buf, void *lock)
{
	const struct evthread_lock_callbacks *cbs;

	if (!buf_ok(buf, "evbuffer_enable_locking"))
		return -1;
	if (buf->lock)
		return -1;
	cbs = gev_thread_lock_callbacks();
	if (!lock) {
		if (!cbs || !cbs->alloc)
			return -1;
		lock = cbs->alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
		gev_debug_lock_made();
		if (!lock)
			return -1;
		buf->own_lock = 1;
	} else {
		buf->own_lock = 0;
	}
	buf->lock_fn = cbs ? cbs->lock : NULL;
	buf->unlock_fn = cbs ? cbs->unlock : NULL;
	buf->free_fn = cbs ? cbs->free : NULL;
	buf->lock = lock;
	return 0;
}

void evbuffer_lock(struct evbuffer *buf)
{
	if (buf_check(buf, "evbuffer_lock"))
		buf_lock(buf);
}

void evbuffer_unlock(struct evbuffer *buf)
{
	if (buf_check(buf, "evbuffer_unlock"))
		buf_unlock(buf);
}
