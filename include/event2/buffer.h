/*
 * goevent -- event2/buffer.h
 *
 * struct evbuffer: a growable byte queue optimised for network I/O —
 * append at the end, consume from the front, search, and move data between
 * buffers without copying where possible.  Source-compatible with libevent
 * 2.1.12.
 */
#ifndef EVENT2_BUFFER_H_INCLUDED_
#define EVENT2_BUFFER_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <event2/util.h>

/* A byte buffer.  Opaque; create with evbuffer_new(). */
struct evbuffer;

struct event_base;

/* A position inside an evbuffer.  Only `pos` (offset from the start) is
 * meaningful to callers; the position is invalidated by any change to the
 * buffer other than appending. */
struct evbuffer_ptr {
	ev_ssize_t pos;

	/* private to the library */
	struct {
		void *chain;
		size_t pos_in_chain;
	} internal_;
};

/* Scatter/gather element: identical to the system's struct iovec. */
#define evbuffer_iovec iovec
/* Marks that struct evbuffer_iovec is the native struct iovec. */
#define EVBUFFER_IOVEC_IS_NATIVE_

/* ==== life cycle and locking =========================================== */

/* Allocate an empty buffer; NULL on error.  Free with evbuffer_free(). */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evbuffer_new(void);

/* Free a buffer and its contents. */
EVENT2_EXPORT_SYMBOL
void evbuffer_free(struct evbuffer *buf);

/* Protect the buffer with `lock` (NULL: a new recursive lock owned by the
 * buffer).  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evbuffer_enable_locking(struct evbuffer *buf, void *lock);

/* Acquire the buffer's lock (no-op if locking is not enabled). */
EVENT2_EXPORT_SYMBOL
void evbuffer_lock(struct evbuffer *buf);

/* Release the buffer's lock. */
EVENT2_EXPORT_SYMBOL
void evbuffer_unlock(struct evbuffer *buf);

/* Flag: the buffer will be drained to an fd (enables sendfile-friendly storage). */
#define EVBUFFER_FLAG_DRAINS_TO_FD 1

/* Set EVBUFFER_FLAG_* bits.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_set_flags(struct evbuffer *buf, ev_uint64_t flags);

/* Clear EVBUFFER_FLAG_* bits.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_clear_flags(struct evbuffer *buf, ev_uint64_t flags);

/* ==== size ============================================================== */

/* Number of bytes stored. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_get_length(const struct evbuffer *buf);

/* Number of bytes stored contiguously at the front of the buffer. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_get_contiguous_space(const struct evbuffer *buf);

/* Make room for datlen more bytes without further allocation.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_expand(struct evbuffer *buf, size_t datlen);

/* ==== zero-copy writing ================================================= */

/* Expose at least `size` bytes of free space at the end of the buffer as up
 * to n_vec extents in vec[]; returns how many extents were used, -1 on
 * error.  The space becomes data only after evbuffer_commit_space(). */
EVENT2_EXPORT_SYMBOL
int evbuffer_reserve_space(struct evbuffer *buf, ev_ssize_t size,
    struct evbuffer_iovec *vec, int n_vec);

/* Append the bytes written into extents from evbuffer_reserve_space(),
 * with iov_len set to the amount actually written.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_commit_space(struct evbuffer *buf,
    struct evbuffer_iovec *vec, int n_vecs);

/* ==== adding data ======================================================= */

/* Append a copy of data[0..datlen).  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add(struct evbuffer *buf, const void *data, size_t datlen);

/* Append all of inbuf to outbuf, leaving inbuf empty.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_buffer(struct evbuffer *outbuf, struct evbuffer *inbuf);

/* Append a read-only view of inbuf's current contents to outbuf without
 * copying; inbuf is unchanged.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_buffer_reference(struct evbuffer *outbuf,
    struct evbuffer *inbuf);

/* Called when the buffer no longer refers to memory added by reference. */
typedef void (*evbuffer_ref_cleanup_cb)(const void *data,
    size_t datalen, void *extra);

/* Append data[0..datlen) without copying it; the memory must stay valid and
 * unchanged until cleanupfn (if any) is called.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_reference(struct evbuffer *outbuf,
    const void *data, size_t datlen,
    evbuffer_ref_cleanup_cb cleanupfn, void *cleanupfn_arg);

/* Append `length` bytes of file fd starting at `offset` (length -1: to end of
 * file).  The buffer takes ownership of fd and closes it.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_file(struct evbuffer *outbuf, int fd, ev_off_t offset,
    ev_off_t length);

/* A region of a file that can be added to buffers several times. */
struct evbuffer_file_segment;

/* Flags for evbuffer_file_segment_new(). */
#define EVBUF_FS_CLOSE_ON_FREE    0x01
#define EVBUF_FS_DISABLE_MMAP     0x02
#define EVBUF_FS_DISABLE_SENDFILE 0x04
#define EVBUF_FS_DISABLE_LOCKING  0x08

/* Called when a file segment is finally released. */
typedef void (*evbuffer_file_segment_cleanup_cb)(
    struct evbuffer_file_segment const* seg, int flags, void* arg);

/* Describe `length` bytes of fd from `offset` (EVBUF_FS_* flags).  Returns
 * NULL on error; release with evbuffer_file_segment_free(). */
EVENT2_EXPORT_SYMBOL
struct evbuffer_file_segment *evbuffer_file_segment_new(
	int fd, ev_off_t offset, ev_off_t length, unsigned flags);

/* Drop the caller's reference; the segment lives on while buffers use it. */
EVENT2_EXPORT_SYMBOL
void evbuffer_file_segment_free(struct evbuffer_file_segment *seg);

/* Set a function to run when the segment's last reference goes away. */
EVENT2_EXPORT_SYMBOL
void evbuffer_file_segment_add_cleanup_cb(struct evbuffer_file_segment *seg,
	evbuffer_file_segment_cleanup_cb cb, void* arg);

/* Append part of a file segment (length -1: the rest).  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_file_segment(struct evbuffer *buf,
    struct evbuffer_file_segment *seg, ev_off_t offset, ev_off_t length);

/* Append printf-formatted text; returns bytes added, or -1 on error. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_printf(struct evbuffer *buf, const char *fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* va_list form of evbuffer_add_printf(). */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_vprintf(struct evbuffer *buf, const char *fmt, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 0)))
#endif
	;

/* Append copies of n_vec extents; returns the number of bytes added. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_add_iovec(struct evbuffer * buffer, struct evbuffer_iovec * vec, int n_vec);

/* Insert a copy of data[0..size) at the front.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_prepend(struct evbuffer *buf, const void *data, size_t size);

/* Move all of src to the front of dst, leaving src empty.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_prepend_buffer(struct evbuffer *dst, struct evbuffer* src);

/* ==== removing data ===================================================== */

/* Move up to datlen bytes from the front into data; returns the number
 * moved, or -1 on error. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove(struct evbuffer *buf, void *data, size_t datlen);

/* Copy up to datlen bytes from the front without consuming them; returns
 * the number copied, or -1. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t evbuffer_copyout(struct evbuffer *buf, void *data_out, size_t datlen);

/* Like evbuffer_copyout() but starting at *pos (NULL: the front). */
EVENT2_EXPORT_SYMBOL
ev_ssize_t evbuffer_copyout_from(struct evbuffer *buf, const struct evbuffer_ptr *pos, void *data_out, size_t datlen);

/* Move up to datlen bytes from the front of src to the end of dst; returns
 * the number moved, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_buffer(struct evbuffer *src, struct evbuffer *dst,
    size_t datlen);

/* Discard len bytes from the front.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_drain(struct evbuffer *buf, size_t len);

/* Line terminators recognised by evbuffer_readln() / evbuffer_search_eol(). */
enum evbuffer_eol_style {
	EVBUFFER_EOL_ANY,		/* any run of CR and LF characters */
	EVBUFFER_EOL_CRLF,		/* LF, optionally preceded by CR */
	EVBUFFER_EOL_CRLF_STRICT,	/* exactly CR LF */
	EVBUFFER_EOL_LF,		/* exactly LF */
	EVBUFFER_EOL_NUL		/* a NUL byte */
};

/* Remove one line from the front and return it NUL-terminated without its
 * terminator (length in *n_read_out if non-NULL).  The caller must free()
 * the result; NULL if no complete line is buffered. */
EVENT2_EXPORT_SYMBOL
char *evbuffer_readln(struct evbuffer *buffer, size_t *n_read_out,
    enum evbuffer_eol_style eol_style);

/* Make the first `size` bytes (-1: all) contiguous and return a pointer to
 * them, valid until the buffer is next modified.  NULL if fewer are stored. */
EVENT2_EXPORT_SYMBOL
unsigned char *evbuffer_pullup(struct evbuffer *buf, ev_ssize_t size);

/* ==== fd I/O ============================================================ */

/* Write as much as possible to fd and drain what was written; returns the
 * number of bytes written, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_write(struct evbuffer *buffer, evutil_socket_t fd);

/* Like evbuffer_write() but writes no more than howmuch bytes (-1: no limit). */
EVENT2_EXPORT_SYMBOL
int evbuffer_write_atmost(struct evbuffer *buffer, evutil_socket_t fd,
    ev_ssize_t howmuch);

/* Read up to howmuch bytes (-1: a sensible amount) from fd and append them;
 * returns bytes read, 0 on EOF, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evbuffer_read(struct evbuffer *buffer, evutil_socket_t fd, int howmuch);

/* ==== searching ========================================================= */

/* How evbuffer_ptr_set() interprets its position. */
enum evbuffer_ptr_how {
	EVBUFFER_PTR_SET,	/* absolute offset */
	EVBUFFER_PTR_ADD	/* advance by offset */
};

/* Set or advance *ptr; 0 on success, -1 if the position is out of range. */
EVENT2_EXPORT_SYMBOL
int evbuffer_ptr_set(struct evbuffer *buffer, struct evbuffer_ptr *ptr,
    size_t position, enum evbuffer_ptr_how how);

/* Find what[0..len) at or after *start (NULL: the front); result pos is -1
 * if not found. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start);

/* Like evbuffer_search() but the match must end before *end (NULL: no limit). */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search_range(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start, const struct evbuffer_ptr *end);

/* Find the next line terminator at or after *start; stores its length in
 * *eol_len_out.  Result pos is -1 if none. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search_eol(struct evbuffer *buffer,
    struct evbuffer_ptr *start, size_t *eol_len_out,
    enum evbuffer_eol_style eol_style);

/* Describe up to len bytes (-1: all) from *start_at (NULL: the front) as
 * extents pointing into the buffer, filling at most n_vec of vec_out.
 * Returns the number of extents needed.  Pointers stay valid until the
 * buffer is modified. */
EVENT2_EXPORT_SYMBOL
int evbuffer_peek(struct evbuffer *buffer, ev_ssize_t len,
    struct evbuffer_ptr *start_at,
    struct evbuffer_iovec *vec_out, int n_vec);

/* ==== callbacks ========================================================= */

/* What changed, as reported to an evbuffer_cb_func. */
struct evbuffer_cb_info {
	size_t orig_size;	/* length before the change */
	size_t n_added;		/* bytes added */
	size_t n_deleted;	/* bytes removed */
};

/* Called after the buffer's length changes. */
typedef void (*evbuffer_cb_func)(struct evbuffer *buffer, const struct evbuffer_cb_info *info, void *arg);

/* Handle naming one registered callback. */
struct evbuffer_cb_entry;

/* Register a callback; returns a handle owned by the buffer (valid until
 * removed or the buffer is freed), or NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_cb_entry *evbuffer_add_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/* Unregister the callback named by ent.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_cb_entry(struct evbuffer *buffer,
    struct evbuffer_cb_entry *ent);

/* Unregister the first callback matching cb and cbarg.  0 on success, -1 if none. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/* Callback flag: the callback is enabled (set on new callbacks). */
#define EVBUFFER_CB_ENABLED 1

/* Set flags on a registered callback.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_cb_set_flags(struct evbuffer *buffer,
    struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/* Clear flags on a registered callback.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_cb_clear_flags(struct evbuffer *buffer,
    struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/* Run the buffer's callbacks from base's loop instead of immediately. */
EVENT2_EXPORT_SYMBOL
int evbuffer_defer_callbacks(struct evbuffer *buffer, struct event_base *base);

/* ==== freezing ========================================================== */

/* Forbid changes at the front (at_front != 0) or the end.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_freeze(struct evbuffer *buf, int at_front);

/* Allow changes at the front or end again.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evbuffer_unfreeze(struct evbuffer *buf, int at_front);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFER_H_INCLUDED_ */
