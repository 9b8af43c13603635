/*
 * goevent -- event2/tag.h
 *
 * Tagged data over evbuffers ("evtag"): a stream of records, each a tag, a
 * length and that many bytes of payload, in libevent's wire format:
 *
 *   tag      7 bits per byte, least significant group first; a set high
 *            bit means another byte follows (at most 5 bytes, 32 bits)
 *   integer  (lengths and integer payloads) the first byte's high nibble
 *            is the count of value nibbles - 1; the value's nibbles
 *            follow, least significant first, from the first byte's low
 *            nibble on, padded with a 0 nibble to a whole byte
 *
 * The generated code of event_rpcgen.py marshals its structures with these
 * functions.
 */
#ifndef EVENT2_TAG_H_INCLUDED_
#define EVENT2_TAG_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>

struct evbuffer;

/* Kept for old programs; there is nothing to initialize. */
EVENT2_EXPORT_SYMBOL
void evtag_init(void);

/* Removes a record's tag and length from evbuf: the payload's length, or
 * -1 if the header is malformed or the payload is not all in evbuf. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_header(struct evbuffer *evbuf, ev_uint32_t *ptag);

/* Appends a record: tag, len, then len bytes of data. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal(struct evbuffer *evbuf, ev_uint32_t tag, const void *data,
    ev_uint32_t len);
/* Appends a record whose payload is all of data (which is emptied). */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_buffer(struct evbuffer *evbuf, ev_uint32_t tag,
    struct evbuffer *data);

/* Appends number in the integer encoding (1 to 5 bytes; 9 for 64 bits). */
EVENT2_EXPORT_SYMBOL
void evtag_encode_int(struct evbuffer *evbuf, ev_uint32_t number);
EVENT2_EXPORT_SYMBOL
void evtag_encode_int64(struct evbuffer *evbuf, ev_uint64_t number);

/* Appends a record whose payload is the integer's encoding. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_int(struct evbuffer *evbuf, ev_uint32_t tag,
    ev_uint32_t integer);
EVENT2_EXPORT_SYMBOL
void evtag_marshal_int64(struct evbuffer *evbuf, ev_uint32_t tag,
    ev_uint64_t integer);

/* Appends a record whose payload is the string without its NUL. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_string(struct evbuffer *buf, ev_uint32_t tag,
    const char *string);

/* Appends a record whose payload is the encodings of tv_sec and tv_usec
 * (each as a 32-bit integer). */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_timeval(struct evbuffer *evbuf, ev_uint32_t tag,
    struct timeval *tv);

/* Moves the next record's payload from src to dst: its length, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal(struct evbuffer *src, ev_uint32_t *ptag,
    struct evbuffer *dst);
/* The next record's tag, without removing anything: the tag's encoded
 * size in bytes, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_peek(struct evbuffer *evbuf, ev_uint32_t *ptag);
/* The next record's whole size (header and payload): 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_peek_length(struct evbuffer *evbuf, ev_uint32_t *plength);
/* The next record's payload size: 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_payload_length(struct evbuffer *evbuf, ev_uint32_t *plength);
/* Removes the next record: 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_consume(struct evbuffer *evbuf);

/* Removes a record that must carry need_tag and an integer: -1 on a
 * mismatch or malformed input. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_int(struct evbuffer *evbuf, ev_uint32_t need_tag,
    ev_uint32_t *pinteger);
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_int64(struct evbuffer *evbuf, ev_uint32_t need_tag,
    ev_uint64_t *pinteger);

/* Removes a record that must carry need_tag and exactly len bytes, copied
 * to data: 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_fixed(struct evbuffer *src, ev_uint32_t need_tag,
    void *data, size_t len);

/* Removes a record that must carry need_tag; *pstring gets its payload as
 * a NUL-terminated string (allocated with event_set_mem_functions'
 * allocator): 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_string(struct evbuffer *evbuf, ev_uint32_t need_tag,
    char **pstring);

/* Removes a record that must carry need_tag and a timeval: 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_timeval(struct evbuffer *evbuf, ev_uint32_t need_tag,
    struct timeval *ptv);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_TAG_H_INCLUDED_ */
