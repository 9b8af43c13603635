/*
 * goevent -- event2/buffer_compat.h
 *
 * Obsolete evbuffer functions and macros kept for libevent 1.x programs.
 */
#ifndef EVENT2_BUFFER_COMPAT_H_INCLUDED_
#define EVENT2_BUFFER_COMPAT_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/buffer.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Remove one line ending in any mix of CR/LF; the caller free()s the
 * result.  NULL if no full line.  Use evbuffer_readln() instead. */
EVENT2_EXPORT_SYMBOL
char *evbuffer_readline(struct evbuffer *buffer);

/* Old-style change callback: (buffer, old length, new length, arg). */
typedef void (*evbuffer_cb)(struct evbuffer *buffer, size_t old_len, size_t new_len, void *arg);

/* Replace all callbacks of the buffer with cb (NULL: remove them).
 * 0 on success.  Use evbuffer_add_cb() instead. */
EVENT2_EXPORT_SYMBOL
int evbuffer_setcb(struct evbuffer *buffer, evbuffer_cb cb, void *cbarg);

/* Locate what[0..len) and return a pointer to it inside the (now
 * linearised) buffer, valid until the buffer changes; NULL if absent. */
EVENT2_EXPORT_SYMBOL
unsigned char *evbuffer_find(struct evbuffer *buffer, const unsigned char *what, size_t len);

/* Length of, and pointer to the (linearised) contents of, a buffer. */
#define EVBUFFER_LENGTH(x) evbuffer_get_length(x)
#define EVBUFFER_DATA(x) evbuffer_pullup((x), -1)

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFER_COMPAT_H_INCLUDED_ */
