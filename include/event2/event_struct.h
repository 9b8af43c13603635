/*
 * goevent -- event2/event_struct.h
 *
 * The full layout of struct event, for programs that embed events by value
 * (instead of using event_new()) and so need their size at compile time.
 * The fields are binary-compatible with libevent 2.1.12; treat them as
 * read-only and go through the event_* accessor functions where possible,
 * since the library keeps all of an event's state inside these 128 bytes.
 */
#ifndef EVENT2_EVENT_STRUCT_H_INCLUDED_
#define EVENT2_EVENT_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>
#include <event2/keyvalq_struct.h>

/* Bits of ev_flags: which internal lists an event currently belongs to. */
#define EVLIST_TIMEOUT      0x01
#define EVLIST_INSERTED     0x02
#define EVLIST_SIGNAL       0x04
#define EVLIST_ACTIVE       0x08
#define EVLIST_INTERNAL     0x10
#define EVLIST_ACTIVE_LATER 0x20
#define EVLIST_FINALIZING   0x40
#define EVLIST_INIT         0x80
#define EVLIST_ALL          0xff

/* Queue linkage: <sys/queue.h>'s macros if present, else private copies
 * with the same layout (removed again at the end of this header). */
#ifndef TAILQ_ENTRY
#define EVENT_DEFINED_TQENTRY_
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;						\
	struct type **tqe_prev;						\
}
#endif

#ifndef TAILQ_HEAD
#define EVENT_DEFINED_TQHEAD_
#define TAILQ_HEAD(name, type)						\
struct name {								\
	struct type *tqh_first;						\
	struct type **tqh_last;						\
}
#endif

#ifndef LIST_ENTRY
#define EVENT_DEFINED_LISTENTRY_
#define LIST_ENTRY(type)						\
struct {								\
	struct type *le_next;						\
	struct type **le_prev;						\
}
#endif

#ifndef LIST_HEAD
#define EVENT_DEFINED_LISTHEAD_
#define LIST_HEAD(name, type)						\
struct name {								\
	struct type *lh_first;						\
}
#endif

struct event;
struct event_base;

/* The part of an event that the loop schedules: priority, flags, the
 * function to run and its argument. */
struct event_callback {
	TAILQ_ENTRY(event_callback) evcb_active_next;
	short evcb_flags;		/* EVLIST_* bits */
	ev_uint8_t evcb_pri;		/* priority; lower runs first */
	ev_uint8_t evcb_closure;	/* how the callback is invoked */
	union {
		void (*evcb_callback)(evutil_socket_t, short, void *);
		void (*evcb_selfcb)(struct event_callback *, void *);
		void (*evcb_evfinalize)(struct event *, void *);
		void (*evcb_cbfinalize)(struct event_callback *, void *);
	} evcb_cb_union;
	void *evcb_arg;
};

/* One event: an fd or signal number, the conditions of interest and an
 * optional timeout.  sizeof(struct event) == 128 on x86_64. */
struct event {
	struct event_callback ev_evcallback;

	/* position in the timeout heap or in a common-timeout queue */
	union {
		TAILQ_ENTRY(event) ev_next_with_common_timeout;
		int min_heap_idx;
	} ev_timeout_pos;

	evutil_socket_t ev_fd;		/* fd, or signal number */
	struct event_base *ev_base;	/* owning loop */

	union {
		/* I/O events */
		struct {
			LIST_ENTRY (event) ev_io_next;
			struct timeval ev_timeout;
		} ev_io;
		/* signal events */
		struct {
			LIST_ENTRY (event) ev_signal_next;
			short ev_ncalls;
			short *ev_pncalls;
		} ev_signal;
	} ev_;

	short ev_events;		/* EV_* flags requested */
	short ev_res;			/* EV_* flags that fired */
	struct timeval ev_timeout;	/* absolute expiry time */
};

/* List heads over events. */
TAILQ_HEAD (event_list, event);

#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif
#ifdef EVENT_DEFINED_TQHEAD_
#undef TAILQ_HEAD
#endif

LIST_HEAD (event_dlist, event);

#ifdef EVENT_DEFINED_LISTENTRY_
#undef LIST_ENTRY
#endif
#ifdef EVENT_DEFINED_LISTHEAD_
#undef LIST_HEAD
#endif

/*
 * Short names for nested fields.  The distribution headers do not publish
 * these (libevent keeps them in a private header), and as macros they would
 * capture ordinary identifiers such as `ev_arg` in programs, so they are
 * only provided on request, e.g. for goevent's own C glue.
 */
#ifdef GOEVENT_EVENT_FIELD_ALIASES
#define ev_signal_next	ev_.ev_signal.ev_signal_next
#define ev_io_next	ev_.ev_io.ev_io_next
#define ev_io_timeout	ev_.ev_io.ev_timeout
#define ev_ncalls	ev_.ev_signal.ev_ncalls
#define ev_pncalls	ev_.ev_signal.ev_pncalls
#define ev_pri		ev_evcallback.evcb_pri
#define ev_flags	ev_evcallback.evcb_flags
#define ev_closure	ev_evcallback.evcb_closure
#define ev_callback	ev_evcallback.evcb_cb_union.evcb_callback
#define ev_arg		ev_evcallback.evcb_arg
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_STRUCT_H_INCLUDED_ */
