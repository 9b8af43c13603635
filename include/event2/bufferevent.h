/*
 * goevent -- event2/bufferevent.h
 *
 * Buffered I/O: a bufferevent couples a socket (or a filter, or its pair)
 * with an input and an output evbuffer, reads into the input and flushes
 * the output automatically, and calls back on data, watermarks and errors.
 * Also rate limiting.  Source-compatible with libevent 2.1.12.
 */
#ifndef EVENT2_BUFFEREVENT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>

/* Bits of the `what` argument of a bufferevent_event_cb. */
#define BEV_EVENT_READING   0x01	/* happened while reading */
#define BEV_EVENT_WRITING   0x02	/* happened while writing */
#define BEV_EVENT_EOF       0x10	/* end of file */
#define BEV_EVENT_ERROR     0x20	/* error; see EVUTIL_SOCKET_ERROR() */
#define BEV_EVENT_TIMEOUT   0x40	/* a timeout expired */
#define BEV_EVENT_CONNECTED 0x80	/* a connect request finished */

/* A buffered I/O object.  Opaque here; event2/bufferevent_struct.h shows
 * its layout. */
struct bufferevent;
struct event_base;
struct evbuffer;
struct sockaddr;

/* Data callback: input reached the low watermark, or output drained to it. */
typedef void (*bufferevent_data_cb)(struct bufferevent *bev, void *ctx);

/* Event callback: `what` is a mix of BEV_EVENT_* bits. */
typedef void (*bufferevent_event_cb)(struct bufferevent *bev, short what, void *ctx);

/* Options given when creating a bufferevent. */
enum bufferevent_options {
	BEV_OPT_CLOSE_ON_FREE = (1<<0),	  /* close the fd / free the underlying bev on free */
	BEV_OPT_THREADSAFE = (1<<1),	  /* give it a lock */
	BEV_OPT_DEFER_CALLBACKS = (1<<2), /* run callbacks from the loop */
	BEV_OPT_UNLOCK_CALLBACKS = (1<<3) /* do not hold the lock in callbacks */
};

/* ==== socket bufferevents ============================================== */

/* Create a bufferevent on socket fd (-1: set it later, e.g. by
 * bufferevent_socket_connect()).  NULL on error; free with bufferevent_free(). */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_socket_new(struct event_base *base, evutil_socket_t fd, int options);

/* Start a non-blocking connect to addr (creating a socket if the bufferevent
 * has none).  BEV_EVENT_CONNECTED or an error is reported later.  0 if the
 * attempt was started. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_connect(struct bufferevent *, const struct sockaddr *, int);

struct evdns_base;

/* Resolve hostname (through dns_base, or blocking if NULL) and connect to
 * port on it, for address family AF_INET, AF_INET6 or AF_UNSPEC. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_connect_hostname(struct bufferevent *,
    struct evdns_base *, int, const char *, int);

/* The resolver error of the last failed connect_hostname, or 0. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_get_dns_error(struct bufferevent *bev);

/* ==== generic operations =============================================== */

/* Move a bufferevent to another loop.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_base_set(struct event_base *base, struct bufferevent *bufev);

/* Loop the bufferevent runs on. */
EVENT2_EXPORT_SYMBOL
struct event_base *bufferevent_get_base(struct bufferevent *bev);

/* Set the priority of the bufferevent's events.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_priority_set(struct bufferevent *bufev, int pri);

/* Priority of the bufferevent's events. */
EVENT2_EXPORT_SYMBOL
int bufferevent_get_priority(const struct bufferevent *bufev);

/* Drop the caller's reference; the object goes away once pending callbacks
 * have run.  Closes the fd if BEV_OPT_CLOSE_ON_FREE was given. */
EVENT2_EXPORT_SYMBOL
void bufferevent_free(struct bufferevent *bufev);

/* Replace the read, write and event callbacks (any may be NULL) and their argument. */
EVENT2_EXPORT_SYMBOL
void bufferevent_setcb(struct bufferevent *bufev,
    bufferevent_data_cb readcb, bufferevent_data_cb writecb,
    bufferevent_event_cb eventcb, void *cbarg);

/* Read back the current callbacks; any output pointer may be NULL. */
EVENT2_EXPORT_SYMBOL
void bufferevent_getcb(struct bufferevent *bufev,
    bufferevent_data_cb *readcb_ptr,
    bufferevent_data_cb *writecb_ptr,
    bufferevent_event_cb *eventcb_ptr,
    void **cbarg_ptr);

/* Attach a different fd.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_setfd(struct bufferevent *bufev, evutil_socket_t fd);

/* The fd in use, or -1. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t bufferevent_getfd(struct bufferevent *bufev);

/* The bufferevent a filter wraps, or NULL. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_get_underlying(struct bufferevent *bufev);

/* Queue a copy of data[0..size) for writing.  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int bufferevent_write(struct bufferevent *bufev,
    const void *data, size_t size);

/* Queue all of buf for writing, leaving buf empty.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_write_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/* Take up to size bytes from the input into data; returns the number taken. */
EVENT2_EXPORT_SYMBOL
size_t bufferevent_read(struct bufferevent *bufev, void *data, size_t size);

/* Move all of the input into buf.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_read_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/* The input buffer; owned by the bufferevent and valid while it lives. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *bufferevent_get_input(struct bufferevent *bufev);

/* The output buffer; owned by the bufferevent and valid while it lives. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *bufferevent_get_output(struct bufferevent *bufev);

/* Start reading and/or writing (EV_READ | EV_WRITE).  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_enable(struct bufferevent *bufev, short event);

/* Stop reading and/or writing (EV_READ | EV_WRITE).  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_disable(struct bufferevent *bufev, short event);

/* The EV_READ / EV_WRITE bits currently enabled. */
EVENT2_EXPORT_SYMBOL
short bufferevent_get_enabled(struct bufferevent *bufev);

/* Set read and write inactivity timeouts (NULL: none); values are copied. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_timeouts(struct bufferevent *bufev,
    const struct timeval *timeout_read, const struct timeval *timeout_write);

/* Set the low/high watermarks for EV_READ and/or EV_WRITE (0: unlimited high). */
EVENT2_EXPORT_SYMBOL
void bufferevent_setwatermark(struct bufferevent *bufev, short events,
    size_t lowmark, size_t highmark);

/* Get the watermarks of exactly one of EV_READ / EV_WRITE; 0 on success,
 * -1 if `events` names both or neither. */
EVENT2_EXPORT_SYMBOL
int bufferevent_getwatermark(struct bufferevent *bufev, short events,
    size_t *lowmark, size_t *highmark);

/* Acquire the bufferevent's lock (no-op without BEV_OPT_THREADSAFE). */
EVENT2_EXPORT_SYMBOL
void bufferevent_lock(struct bufferevent *bufev);

/* Release the bufferevent's lock. */
EVENT2_EXPORT_SYMBOL
void bufferevent_unlock(struct bufferevent *bufev);

/* Take an extra reference. */
EVENT2_EXPORT_SYMBOL
void bufferevent_incref(struct bufferevent *bufev);

/* Drop a reference; returns 1 if that freed the object, 0 otherwise. */
EVENT2_EXPORT_SYMBOL
int bufferevent_decref(struct bufferevent *bufev);

/* How hard bufferevent_flush() pushes data through. */
enum bufferevent_flush_mode {
	BEV_NORMAL = 0,		/* usual processing */
	BEV_FLUSH = 1,		/* push out all data */
	BEV_FINISHED = 2	/* no more data will follow */
};

/* Force data through (mainly for filters).  Returns -1 on error, 0 if nothing
 * moved, 1 if data moved. */
EVENT2_EXPORT_SYMBOL
int bufferevent_flush(struct bufferevent *bufev,
    short iotype,
    enum bufferevent_flush_mode mode);

/* Options for bufferevent_trigger() / bufferevent_trigger_event(). */
enum bufferevent_trigger_options {
	BEV_TRIG_IGNORE_WATERMARKS = (1<<16),
	BEV_TRIG_DEFER_CALLBACKS = BEV_OPT_DEFER_CALLBACKS
};

/* Run the read and/or write callback as if data had arrived / drained. */
EVENT2_EXPORT_SYMBOL
void bufferevent_trigger(struct bufferevent *bufev, short iotype,
    int options);

/* Run the event callback with BEV_EVENT_* bits `what`. */
EVENT2_EXPORT_SYMBOL
void bufferevent_trigger_event(struct bufferevent *bufev, short what,
    int options);

/* ==== filters and pairs ================================================ */

/* Result of a filter function. */
enum bufferevent_filter_result {
	BEV_OK = 0,		/* produced some output */
	BEV_NEED_MORE = 1,	/* needs more input first */
	BEV_ERROR = 2		/* failed */
};

/* Transform data from src into dst, writing no more than dst_limit bytes
 * (-1: no limit). */
typedef enum bufferevent_filter_result (*bufferevent_filter_cb)(
    struct evbuffer *src, struct evbuffer *dst, ev_ssize_t dst_limit,
    enum bufferevent_flush_mode mode, void *ctx);

/* Wrap `underlying` with input/output filters (NULL: pass through).  ctx is
 * handed to the filters and released with free_context when the filter is
 * freed.  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_filter_new(struct bufferevent *underlying,
    bufferevent_filter_cb input_filter,
    bufferevent_filter_cb output_filter,
    int options,
    void (*free_context)(void *),
    void *ctx);

/* Create two bufferevents connected to each other in pair[0], pair[1].
 * 0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int bufferevent_pair_new(struct event_base *base, int options,
    struct bufferevent *pair[2]);

/* The other end of a pair, or NULL if bev is not (or no longer) paired. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_pair_get_partner(struct bufferevent *bev);

/* ==== rate limiting ===================================================== */

/* Token-bucket parameters.  Opaque. */
struct ev_token_bucket_cfg;
/* A set of bufferevents sharing one rate limit.  Opaque. */
struct bufferevent_rate_limit_group;

/* Largest rate or burst value accepted. */
#define EV_RATE_LIMIT_MAX EV_SSIZE_MAX

/* Create token-bucket settings (tick_len NULL: one second).  NULL on error;
 * free with ev_token_bucket_cfg_free() once no bufferevent or group uses it. */
EVENT2_EXPORT_SYMBOL
struct ev_token_bucket_cfg *ev_token_bucket_cfg_new(
	size_t read_rate, size_t read_burst,
	size_t write_rate, size_t write_burst,
	const struct timeval *tick_len);

/* Free token-bucket settings. */
EVENT2_EXPORT_SYMBOL
void ev_token_bucket_cfg_free(struct ev_token_bucket_cfg *cfg);

/* Rate-limit a bufferevent with cfg (NULL: remove the limit).  The cfg is
 * referenced, not copied.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_rate_limit(struct bufferevent *bev,
    struct ev_token_bucket_cfg *cfg);

/* Create a rate-limit group (cfg is copied).  NULL on error; free with
 * bufferevent_rate_limit_group_free(). */
EVENT2_EXPORT_SYMBOL
struct bufferevent_rate_limit_group *bufferevent_rate_limit_group_new(
	struct event_base *base,
	const struct ev_token_bucket_cfg *cfg);

/* Change a group's limits (cfg is copied).  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_set_cfg(
	struct bufferevent_rate_limit_group *,
	const struct ev_token_bucket_cfg *);

/* Smallest share of the group's budget given to one member per tick. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_set_min_share(
	struct bufferevent_rate_limit_group *, size_t);

/* Free a group, removing its members first. */
EVENT2_EXPORT_SYMBOL
void bufferevent_rate_limit_group_free(struct bufferevent_rate_limit_group *);

/* Put bev in group g (leaving any previous group).  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_add_to_rate_limit_group(struct bufferevent *bev,
    struct bufferevent_rate_limit_group *g);

/* Take bev out of its group.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_remove_from_rate_limit_group(struct bufferevent *bev);

/* Cap bytes read in one go (0: default).  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_max_single_read(struct bufferevent *bev, size_t size);

/* Cap bytes written in one go (0: default).  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_max_single_write(struct bufferevent *bev, size_t size);

/* Current single-read cap. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_single_read(struct bufferevent *bev);

/* Current single-write cap. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_single_write(struct bufferevent *bev);

/* Tokens left in the bufferevent's own read bucket. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_read_limit(struct bufferevent *bev);

/* Tokens left in the bufferevent's own write bucket. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_write_limit(struct bufferevent *bev);

/* Bytes the bufferevent may read now, all limits considered. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_to_read(struct bufferevent *bev);

/* Bytes the bufferevent may write now, all limits considered. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_to_write(struct bufferevent *bev);

/* The bufferevent's token-bucket settings, or NULL; owned by the caller who set them. */
EVENT2_EXPORT_SYMBOL
const struct ev_token_bucket_cfg *bufferevent_get_token_bucket_cfg(const struct bufferevent * bev);

/* Tokens left in the group's read bucket. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_rate_limit_group_get_read_limit(
	struct bufferevent_rate_limit_group *);

/* Tokens left in the group's write bucket. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_rate_limit_group_get_write_limit(
	struct bufferevent_rate_limit_group *);

/* Remove decr tokens (may be negative) from the read bucket.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_decrement_read_limit(struct bufferevent *bev, ev_ssize_t decr);

/* Remove decr tokens (may be negative) from the write bucket.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_decrement_write_limit(struct bufferevent *bev, ev_ssize_t decr);

/* Remove tokens from the group's read bucket.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_decrement_read(
	struct bufferevent_rate_limit_group *, ev_ssize_t);

/* Remove tokens from the group's write bucket.  0 on success. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_decrement_write(
	struct bufferevent_rate_limit_group *, ev_ssize_t);

/* Total bytes read and written through the group since the last reset. */
EVENT2_EXPORT_SYMBOL
void bufferevent_rate_limit_group_get_totals(
    struct bufferevent_rate_limit_group *grp,
    ev_uint64_t *total_read_out, ev_uint64_t *total_written_out);

/* Zero the group's totals. */
EVENT2_EXPORT_SYMBOL
void bufferevent_rate_limit_group_reset_totals(
	struct bufferevent_rate_limit_group *grp);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_H_INCLUDED_ */
