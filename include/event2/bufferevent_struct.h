/*
 * goevent -- event2/bufferevent_struct.h
 *
 * The layout of struct bufferevent, for programs that read its fields
 * directly (bev->input, bev->output, ...).  Binary-compatible with
 * libevent 2.1.12 (392 bytes on x86_64).  Prefer the accessor functions of
 * event2/bufferevent.h; fields must not be written by programs.
 */
#ifndef EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>
#include <event2/event_struct.h>
/* For bufferevent_data_cb / bufferevent_event_cb. */
#include <event2/bufferevent.h>

/* A low/high watermark pair, in bytes (high 0: unlimited). */
struct event_watermark {
	size_t low;
	size_t high;
};

struct bufferevent_ops;

struct bufferevent {
	struct event_base *ev_base;		/* loop it runs on */
	const struct bufferevent_ops *be_ops;	/* implementation vtable */

	struct event ev_read;			/* read-side event */
	struct event ev_write;			/* write-side event */

	struct evbuffer *input;			/* data received */
	struct evbuffer *output;		/* data waiting to be sent */

	struct event_watermark wm_read;
	struct event_watermark wm_write;

	bufferevent_data_cb readcb;
	bufferevent_data_cb writecb;
	bufferevent_event_cb errorcb;		/* the "event" callback */
	void *cbarg;

	struct timeval timeout_read;
	struct timeval timeout_write;

	short enabled;				/* EV_READ / EV_WRITE */
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_ */
