/*
 * gev_internal.h - layouts and contracts shared by goevent's C layer (the .c files here)
 * and its Go core (capi/gocore, reactor/, core/). Not installed; not public.
 *
 * The C layer owns every structure a program can see or keep (bases, the
 * caller's struct event, struct bufferevent, evbuffer handles) and is the only
 * code that runs before the Go core is loaded or in a child forked after it
 * was.  The Go core reads and writes these C structures in place (no copies,
 * no crossings): Go mirrors each layout field for field, and a Go test checks
 * the offsets against this header.
 */
#ifndef GEV_INTERNAL_H
#define GEV_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct event;
struct event_base;
struct evbuffer;
struct bufferevent;
struct evconnlistener;
struct gev_once;
struct gev_thread;
struct gev_evq;
struct gev_fdent;
struct sockaddr;

/* ---- struct event (caller memory, 128 bytes, layout of event2/event_struct.h)
 *
 * How goevent uses the public fields (offset: public name: our use):
 *   0  ev_evcallback.evcb_active_next  tqe_next/tqe_prev: link in the base's
 *                                      active queue, or in the base's preload
 *                                      list while the core is not loaded.
 *  16  ev_flags (evcb_flags)           EVLIST_* bits, exactly libevent's.
 *  18  ev_pri                          priority.
 *  19  ev_closure                      GEV_CLOSURE_* below.
 *  24  ev_callback                     C callback (void (*)(evutil_socket_t, short, void *)).
 *  32  ev_arg                          callback argument; for GEV_CLOSURE_GO the handler id.
 *  40  ev_timeout_pos.min_heap_idx     int32 index in the timer heap, -1 if none.
 *  44  (union padding)                 int32: common-timeout queue index + 1
 *                                      (event_base_init_common_timeout), 0 = heap.
 *  48  (union padding)                 int64 relative timeout in microseconds
 *                                      for EV_PERSIST re-arming; -1 when none.
 *  56  ev_fd                           fd, or signal number for EV_SIGNAL.
 *  64  ev_base                         owning struct event_base.
 *  72  ev_io_next / ev_signal_next     le_next/le_prev: link in the per-fd or
 *                                      per-signal list of the base.
 *  88  ev_ncalls (short)               pending call count of a signal event.
 *  96  ev_pncalls                      reserved.
 * 104  ev_events                       EV_* interest.
 * 106  ev_res                          result flags of the current activation.
 * 112  ev_timeout                      absolute deadline, CLOCK_MONOTONIC, when
 *                                      EVLIST_TIMEOUT is set.
 *
 * Signal handlers: the C layer installs our handler (gev_services.sig_install
 * semantics) when a signal event is first added, before forwarding the add.
 * Once the core owns the base, the core calls sig_release(base, sig) whenever
 * a signal event leaves its signal map (event_del, a non-persistent signal
 * event firing, base free); before that (preload) or for a stale base in a forked child the
 * C layer releases it itself.
 */
#define GEV_EV_OFF_HEAPIDX   40
#define GEV_EV_OFF_RELTIMEO  48

/* evcb_closure values (ours; libevent's numbering for the first ones). */
#define GEV_CLOSURE_EVENT          0  /* plain C callback, called once */
#define GEV_CLOSURE_EVENT_SIGNAL   1  /* C callback, called ev_ncalls times */
#define GEV_CLOSURE_EVENT_PERSIST  2  /* C callback, timeout re-armed */
#define GEV_CLOSURE_GO            16  /* Go handler; ev_arg holds its id */
#define GEV_CLOSURE_EVENT_FINALIZE      5 /* event_finalize: ev_callback is an event_finalize_callback_fn */
#define GEV_CLOSURE_EVENT_FINALIZE_FREE 6 /* event_free_finalize: the same, then the event is freed */
#define GEV_EV_OFF_COMMON    44
/* Those two fields of an event. */
#define GEV_EV_COMMON(ev)  (*(int32_t *)((char *)(ev) + GEV_EV_OFF_COMMON))
#define GEV_EV_RELTIMEO(ev) (*(int64_t *)((char *)(ev) + GEV_EV_OFF_RELTIMEO))

/* ---- struct event_base (C memory, allocated by the C layer) ---- */
#define GEV_BASE_MAGIC  0x67657662u /* "gevb" */
#define GEV_BASE_DEAD   0xdeadbeefu

#define GEV_NSIG 65 /* NSIG on Linux: signals 1..64 */

#define GEV_METHOD_EPOLL 1
#define GEV_METHOD_POLL  2

/* Our bit in struct event_base.flags (beside EVENT_BASE_FLAG_*): debug mode
 * (event_enable_debug_mode) was on when the core adopted the base. Set by
 * the C layer at adoption; the core refuses to mix edge- and
 * level-triggered events on an fd then, as libevent's debug mode does. */
#define GEV_BASE_FLAG_DEBUG 0x40000000

struct event_base {
	uint32_t magic;          /* GEV_BASE_MAGIC while live, GEV_BASE_DEAD once freed */
	uint32_t core_idx;       /* 1-based index of the Go-side base; 0 = not adopted yet */
	int32_t  flags;          /* EVENT_BASE_FLAG_* from the config */
	int32_t  method;         /* GEV_METHOD_*, chosen at creation (EVENT_NO* env, config) */
	int32_t  npriorities;    /* number of priorities (default 1) */
	int32_t  sig_rfd;        /* signal self-pipe read end; -1 until the first signal event */
	int32_t  sig_wfd;        /* signal self-pipe write end (non-blocking); -1 likewise */
	int32_t  nsignals;       /* signal events currently added to this base */
	volatile int32_t event_break;   /* loopbreak requested; cleared at loop start */
	volatile int32_t event_gotterm; /* loopexit happened; cleared at loop start */
	volatile int32_t running;       /* a thread is inside event_base_loop */
	int32_t  pad0;
	struct event *preload_head;     /* events added before the core was loaded, */
	struct event *preload_tail;     /* linked through evcb_active_next.tqe_next  */
	int64_t  npreload;              /* (EVLIST_ACTIVE: an event_base_once to run at once) */
	/* event_config_set_max_dispatch_interval (set by the C layer at creation,
	 * honoured by the core's loop): */
	int32_t  max_dispatch_callbacks;     /* callbacks per pass before rechecking; INT32_MAX = no limit */
	int32_t  limit_callbacks_after_prio; /* priorities >= this one are limited */
	int64_t  max_dispatch_usec;          /* time per pass before rechecking; -1 = no limit */
	/* Thread support (capi/thread.c): NULL for a base created without
	 * locking callbacks (or with EVENT_BASE_FLAG_NOLOCK) that was never made
	 * notifiable, and then nothing on any path looks further. */
	struct gev_thread *thread;       /* was reserved[0] */
	uint64_t th_owner;       /* was reserved[1]: evthread id of the thread running the loop
	                            (libevent's th_owner_id), set when a loop starts */
	struct timeval tv_cache; /* events: the loop's time cache (CLOCK_MONOTONIC); tv_sec 0 =
	                            none. Written by the core's loop, read by C
	                            (event_base_gettimeofday_cached) without a crossing. */
	/* The timer heap (capi/timeheap.h, reactor/heap.go): event pointers
	 * ordered on ev_timeout. The core allocates and grows the array (C-visible
	 * memory, never the Go heap); both sides push and remove. */
	struct event **timeheap; /* NULL until the core adopts the base */
	int32_t  timeheap_n;     /* events in the heap */
	int32_t  timeheap_cap;   /* slots allocated */
	/* libevent's event_count: list memberships (inserted, timeout, active)
	 * of non-internal events, kept by both sides. */
	int32_t  n_events;
	int32_t  max_events;     /* its high-water mark (event_base_get_max_events) */
	/* The active queues (capi/activeq.h, reactor/activeq.go): one FIFO per
	 * priority, linked through the events' evcb_active_next. The core
	 * allocates the array (C-visible memory, activeq_n >= npriorities
	 * queues, NULL until adoption); both sides insert and remove, so that
	 * event_active is answered in C and the loop runs plain C callbacks
	 * from C (reactor/run.c), one crossing per run of them. */
	struct gev_evq *activeq;
	int32_t  activeq_n;      /* queues allocated */
	int32_t  n_active;       /* events on the active queues, internal ones included */
	int32_t  max_active;     /* its high-water mark */
	int32_t  running_pri;    /* priority whose queue a pass is running, -1 outside */
	int32_t  cont;           /* rescan the queues after this callback: a more urgent
	                            event became active, or event_base_loopcontinue */
	int32_t  pad1;
	struct event *current;   /* event whose callback runs (event_base_get_running_event) */
	volatile int32_t *run_dead; /* while reactor/run.c runs callbacks: the core sets
	                            *run_dead when one of them frees the base */
	/* The fd table (capi/iomap.h, reactor/event.go): entry fd lists fd's
	 * events and interest. The core allocates and grows it (C-visible
	 * memory, NULL until adoption); on an epoll base (epfd >= 0) both sides
	 * add, delete and activate, and tell the kernel themselves. */
	struct gev_fdent *fds;
	int32_t  nfds;           /* entries allocated */
	int32_t  epfd;           /* the epoll backend's instance; -1 for poll, or none */
	/* The epoll backend's buffers (the core's): epoll_wait's results, and
	 * the (fd, events) pairs the C side leaves to the core (reactor/cgo.go). */
	void    *ep_events;      /* ep_max struct epoll_event */
	int32_t *ep_out;         /* ep_max pairs */
	int32_t  ep_max;
	int32_t  ep_nleft;       /* pairs left in ep_out by the last wait */
	/* Where reactor/run.c's loop handed an event_base_loop over to the core. */
	struct gev_loop_resume {
		int32_t where;   /* GEV_RESUME_* (reactor/run.h) */
		int32_t pri;     /* GEV_RESUME_QUEUE: the queue being run */
		int64_t count;   /* its callbacks run so far in this pass */
		int64_t end_sec; /* the pass's time limit, if has_end */
		int64_t end_usec;
		int32_t has_end;
		int32_t grow;    /* the last wait filled ep_events: the core grows it */
	} resume;
	uint64_t reserved_tail[2]; /* more room */
	/* ---- C-only fields below: the Go mirror stops at `reserved_tail` ---- */
	int32_t  sigrefs[GEV_NSIG]; /* signal events of this base per signal number */
	struct gev_once *once_head; /* event_base_once records not yet run (freed with the base) */
	const char *method_name;    /* event_base_get_method: "epoll", "poll", "select" (run by
	                               the poll backend), "epoll (with changelist)" */
	int32_t  features;          /* event_base_get_features: EV_FEATURE_* of method_name */
	int32_t  preload_probe;     /* epoll base not adopted yet: an epoll fd + 1 (0 = none) that
	                               checks the fds of preloaded I/O events (event.c) */
	int32_t  nsignums;          /* signal numbers with events in this base (capi/signal.c) */
	uint32_t core_epoch;        /* gev_core_epoch when the core adopted the base (loader.c) */
	int32_t  forked_exit;       /* a forked child asked this stale base's loop to exit */
};

/* One entry of the fd table: the fd's events (newest first, through their
 * ev_io_next), how many want each condition (16-bit, as libevent's evmap_io,
 * which refuses the 65 536th of a kind), and the interest the backend was
 * last told (EV_READ|EV_WRITE|EV_CLOSED, and EV_ET if one is
 * edge-triggered). 24 bytes. */
struct gev_fdent {
	struct event *head;
	uint16_t nread, nwrite, nclose, net; /* net: events with EV_ET */
	int16_t mask;
	int16_t pad0;
	int32_t pad1;
};

/* One active queue: the events of one priority, oldest first. */
struct gev_evq {
	struct event *head, *tail;
};

/* ---- thread support of one base (C memory, capi/thread.c) ----
 * Allocated when a base is created while lock callbacks are set
 * (evthread_use_pthreads, evthread_set_lock_callbacks) and
 * EVENT_BASE_FLAG_NOLOCK is not given, or by evthread_make_base_notifiable.
 *
 * Locking: the C layer takes the base lock (recursive) around every call
 * that touches the base and forwards to the core, so the core runs
 * event_base_loop with it held; the core releases it around the backend's
 * blocking wait (release/lock inside the same C call) and around each C
 * callback (run_cb). Go handlers run with it held. Other Go entry points
 * (bufferevents, evbuffers) take it with reactor's Base.Lock/Unlock.
 * Waking: unlock() writes the eventfd when the loop is running on another
 * thread (libevent's EVBASE_NEED_NOTIFY) and no wakeup is pending; the core
 * watches notify_fd with an internal event (notify_ev) that drains it and
 * clears notify_pending. */
struct gev_thread {
	/* ---- the core uses these (mirrored in reactor/lock.go: CThread) ---- */
	void (*lock)(struct gev_thread *th);    /* take the lock; no-op for a notifiable-only base */
	void (*unlock)(struct gev_thread *th);  /* wake the loop if needed, then release */
	void (*release)(struct gev_thread *th); /* release only (around the backend's wait) */
	/* Run ev's C callback (ev_callback(ev_fd, ev_res, ev_arg)) with the lock
	 * released, recording ev as the current event so that event_del from
	 * another thread waits for the callback to return. */
	void (*run_cb)(struct gev_thread *th, struct event *ev);
	struct event_base *base;
	int32_t notify_fd;               /* eventfd; -1 when not notifiable */
	volatile int32_t notify_pending; /* a wakeup is written and not drained yet */
	uint64_t notify_ev[16];          /* struct event storage: the core's internal
	                                    watcher of notify_fd (Go handler) */
	/* capi/thread.c allocates this as the first member of its own record,
	 * which holds the C-only state (lock object, condition, current event). */
};

/* ---- struct evbuffer (opaque to programs; C memory owned by the core) ---- */
#define GEV_EVBUFFER_MAGIC 0x67657662u /* same family, different struct */
#define GEV_EVBUFFER_LIVE  0x62756666u /* "buff" */
#define GEV_EVBUFFER_DEAD  0xdeadb0ffu
struct evbuffer {
	uint32_t magic;          /* GEV_EVBUFFER_LIVE while live, GEV_EVBUFFER_DEAD after free */
	uint32_t idx;            /* index of the Go buffer in the core's table */
	uint64_t gen;            /* generation, to catch a stale handle to a reused slot */
	size_t   total_len;      /* bytes in the buffer: kept current by the core so that
	                            evbuffer_get_length needs no crossing */
	/* evbuffer_enable_locking: the C layer takes the lock around every call
	 * (no crossing for evbuffer_lock/unlock); the core takes it (through
	 * these pointers) when it runs deferred callbacks from the loop. */
	void    *lock;           /* NULL: no locking */
	int    (*lock_fn)(unsigned mode, void *lock);
	int    (*unlock_fn)(unsigned mode, void *lock);
	void   (*free_fn)(void *lock, unsigned locktype); /* frees an own lock */
	uint32_t own_lock;       /* lock was allocated by evbuffer_enable_locking(buf, NULL) */
	uint32_t pool_epoch;     /* while fast is 1: gev_core_epoch if evbuffer_free may
	                            pool the buffer in C (made by evbuffer_new, no callback
	                            state or flags, single == 2, no empty extents); else 0 */
	/* Fast path (buffer.c): small adds, drains, removes and copyouts done in
	 * C on windows the core publishes, with no crossing. Valid while fast is
	 * 1; the core folds them back (and clears fast) whenever it is entered.
	 * Only for buffers without callbacks, hooks or freezing. */
	uint32_t fast;           /* 1: the windows below are valid */
	uint32_t single;         /* 0: head != tail; 1: head == tail; 2: and the block
	                            may be kept empty (drain everything in C) */
	uint32_t dirty;          /* C changed something since the core published */
	uint32_t resv;           /* space reserved and the buffer unchanged since:
	                            evbuffer_commit_space allowed (set by either side,
	                            cleared by every change that adds or drains bytes) */
	/* A bufferevent's input and output have short handles, embedded in the
	 * bufferevent's block, that end here (the core's sizeofCBufShort):
	 * such buffers are never published (fast stays 0), so nothing reads the
	 * fields below unless fast is 1. */
	unsigned char *add_ptr;  /* free room after the last segment's data */
	size_t   add_avail;
	unsigned char *drain_ptr;/* first segment's data */
	size_t   drain_avail;
	unsigned char *blk_base; /* single == 2: the block, to reset when emptied */
	size_t   blk_cap;
};

/* Buffers evbuffer_free gave back for evbuffer_new to take without a crossing
 * (capi/buffer.c, core/evbuffer_pool.go). The C layer owns it (static, lent
 * to the core in gev_services) and pushes and pops under the spin lock; the
 * core only empties it when the loop idles (cmem trim). A pooled buffer
 * looks freed to every check (magic GEV_EVBUFFER_DEAD) until evbuffer_new
 * takes it: the core reset it to a new buffer's state, keeping at most one
 * small block (published, so that the first adds need no crossing), or the C
 * layer emptied that block itself (pool_epoch: no crossing at all). A buffer
 * is pooled only when n < GEV_BUF_POOL_MAX; item[] has room for as many
 * again, for frees that raced past that check. */
#define GEV_BUF_POOL_MAX 64
struct gev_buf_pool {
	uint32_t lock;           /* 0 free, 1 held */
	uint32_t n;              /* buffers in item[] */
	struct evbuffer *item[2 * GEV_BUF_POOL_MAX];
};

/* evbuffer_add_buffer of at most this many bytes copies them instead of
 * handing over segments (both sides; the core's copyMax). */
#define GEV_BUF_COPY_MAX 1024

/* ---- struct bufferevent (392 public bytes) + our private trailer ---- */
#define GEV_BEV_LIVE 0x62657620u /* "bev " */
#define GEV_BEV_DEAD 0xdeadbe00u
struct gev_bev_private {
	uint32_t magic;          /* GEV_BEV_LIVE while live */
	uint32_t idx;            /* index of the Go bufferevent in the core's table */
	uint64_t gen;
	/* State both halves read and write (core/bufferevent.go, cBevPriv), from
	 * which bufferevent.c answers two calls without a crossing:
	 * bufferevent_free inside one of the bufferevent's own callbacks and
	 * bufferevent_enable(EV_READ) of a socket bufferevent. */
	uint16_t cb_depth;       /* callbacks of it the core runs directly, each holding a reference */
	uint8_t  sflags;         /* GEV_BEV_SF_* */
	uint8_t  pad[5];
};
#define GEV_BEV_SF_FREED        0x01 /* bufferevent_free was called */
#define GEV_BEV_SF_FREE_PENDING 0x02 /* ... by the C layer in a callback: the core drops the reference after it */
#define GEV_BEV_SF_READ_ADDED   0x04 /* socket: ev_read is pending */
#define GEV_BEV_SF_READ_SUSP    0x08 /* reading is suspended (watermark, rate limit, lookup) */
/* The core allocates sizeof(struct bufferevent) + sizeof(struct gev_bev_private),
 * followed by the short handles of the input and output (struct evbuffer up to
 * its fast path's windows, see there); the trailer starts at GEV_BEV_PRIV_OFF. */
#define GEV_BEV_PRIV_OFF 392

/* ---- struct evconnlistener (opaque to programs; C memory owned by the core) ---- */
#define GEV_LEV_LIVE 0x6c657620u /* "lev " */
#define GEV_LEV_DEAD 0xdeadc0deu
struct evconnlistener {
	uint32_t magic;          /* GEV_LEV_LIVE while live */
	uint32_t idx;            /* index of the Go listener in the core's table */
	uint64_t gen;
	struct event_base *base; /* read by evconnlistener_get_base without a crossing */
	int32_t  fd;             /* read by evconnlistener_get_fd without a crossing */
	int32_t  pad;
};

/* ---- services the C layer hands to the core at attach time ---- */
struct gev_services {
	/* Log through the program's log callback (or stderr). severity: EVENT_LOG_*. */
	void (*log)(int severity, const char *msg);
	int nsig;                /* GEV_NSIG: signal numbers are below it */
	/* Install our handler for sig on base (saving the old action). 0 or -1. */
	int (*sig_install)(struct event_base *base, int sig);
	/* Drop one of base's references to sig; restores the saved action at the last. */
	void (*sig_release)(struct event_base *base, int sig);
	struct gev_buf_pool *buf_pool; /* evbuffer_new's pool (NULL: none) */
	const uint32_t *epoch;   /* gev_core_epoch (read at attach) */
};

/* ---- goevent run --stats: what the loops did (GOEVENT_STATS; capi/stats.c) ---- */
struct gev_stats {
	uint64_t bases, loops, callbacks;
	uint64_t read, write, timeout, signal, other; /* events run, by ev_res */
	uint64_t finalizers;
	uint64_t bev_read, bev_written;               /* socket bufferevents' bytes */
	int64_t max_cb_ns, blocked_ns;
};

/* ---- functions the core provides: the C layer calls them through this table.
 * X(return type, name, parameter list). Go exports each as goevent_<name>.
 * One header per module (ops_*.h), so that modules grow without touching each other.
 * Every function returns libevent's failure value (-1 / NULL) on bad input and
 * logs why; none lets a Go panic cross into C.  */
#include "ops_event.h"
#include "ops_thread.h"
#include "ops_config.h"
#include "ops_buffer.h"
#include "ops_bev.h"
#include "ops_bevx.h"
#include "ops_dns.h"
#include "ops_ssl.h"
#include "ops_http.h"
#include "ops_rpc.h"
#define GEV_CORE_OPS(X) \
	GEV_OPS_EVENT(X) GEV_OPS_THREAD(X) GEV_OPS_CONFIG(X) \
	GEV_OPS_BUFFER(X) GEV_OPS_BEV(X) GEV_OPS_BEVX(X) \
	GEV_OPS_DNS(X) GEV_OPS_SSL(X) GEV_OPS_HTTP(X) GEV_OPS_RPC(X)

#define GEV_DECLARE_OP_FIELD(ret, name, params) ret (*name) params;
struct gev_core_ops {
	GEV_CORE_OPS(GEV_DECLARE_OP_FIELD)
};
#undef GEV_DECLARE_OP_FIELD

/* The Go core's two exports. goevent_core_attach starts its Go runtime if
 * that has not happened in this process (also in a child forked after it
 * ran in the parent: capi/gocore/lazystart), waits for it, fills ops, keeps
 * svc. 0 on success, -1, GEV_ATTACH_IN_CALLBACK: a forked child still
 * inside a callback that the parent's runtime called; it may attach once
 * that callback returned; or GEV_ATTACH_NO_THREADS: this process may not
 * create threads (a non-root user at RLIMIT_NPROC 0), which the runtime
 * needs. goevent_core_prestart only starts the runtime, which then
 * initialises on a thread of its own while the caller goes on (or, without
 * threads, leaves that for goevent_core_attach to report). */
int goevent_core_attach(struct gev_core_ops *ops, const struct gev_services *svc);
void goevent_core_prestart(void);
#define GEV_ATTACH_IN_CALLBACK (-2)
#define GEV_ATTACH_NO_THREADS (-3)

/* What the core's base_loop returns in a child forked inside one of the
 * loop's callbacks, once that callback returned (capi/gev_fork.h). */
#define GEV_LOOP_FORKED (-2)

/* What the core's C loop (reactor/run.c) returns when it hands the rest of
 * an event_base_loop to the core's Go side; struct event_base's resume says
 * where it stopped. */
#define GEV_LOOP_RESUME (-3)
#define GEV_RESUME_START    0 /* nothing done: the Go side runs the whole loop */
#define GEV_RESUME_WAITED   1 /* after a wait: pairs in ep_out, the time cache, timers, the pass */
#define GEV_RESUME_TIMEOUTS 2 /* after the time cache's update: due timers, the pass */
#define GEV_RESUME_QUEUE    3 /* in the pass: queue resume.pri's head needs the Go side */
#define GEV_RESUME_TOP      4 /* the top of an iteration that will block: the Go side waits
                                 (reactor/run.c's gev_wait_in_go_after) */

/* What the core's Go side returns when it hands a loop that run.c's loop
 * left to it at GEV_RESUME_TOP back at the top of a later iteration; run.c's
 * loop goes on with it when called with GEV_LOOP_CONT among the flags (a bit
 * no EVLOOP_* flag uses; the loop entry clears it in the program's flags). */
#define GEV_LOOP_BACK (-4)
#define GEV_LOOP_CONT 0x40000000

#endif /* GEV_INTERNAL_H */
