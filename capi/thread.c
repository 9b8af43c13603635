/*
 * thread.c - libevent's thread support (event2/thread.h): the lock,
 * condition and id callbacks, lock debugging, and per-base locking and
 * wakeups (struct gev_thread, gev_internal.h).
 *
 * As in libevent, evthread_use_pthreads (libevent_pthreads, capi/pthreads/)
 * only installs pthread-based callbacks here; a base created afterwards
 * (without EVENT_BASE_FLAG_NOLOCK) gets a recursive lock from the callbacks,
 * a condition (event_del waits on it for a callback running in another
 * thread) and an eventfd that wakes its loop. A base created before, or
 * with NOLOCK, has base->thread == NULL and pays one load and a not-taken
 * branch per call (gev_base_lock/gev_base_unlock in capi.h).
 *
 * The callbacks of a base are copied when the base is created, so that a
 * later change (lock debugging enabled late, callbacks set to NULL) never
 * mixes two lock implementations on one lock object.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "capi.h"

#include <event2/thread.h>

/* ---- the process-wide callbacks (libevent's evthread.c) ---- */

static struct evthread_lock_callbacks lock_fns, orig_lock_fns;
static struct evthread_condition_callbacks cond_fns, orig_cond_fns;
static int lock_debugging;
unsigned long (*gev_th_id_fn)(void);

const struct evthread_lock_callbacks *gev_thread_lock_callbacks(void)
{
	return lock_fns.alloc ? &lock_fns : NULL;
}

void evthread_set_id_callback(unsigned long (*id_fn)(void))
{
	gev_th_id_fn = id_fn;
}

int evthread_set_lock_callbacks(const struct evthread_lock_callbacks *cbs)
{
	gev_debug_check_thread_setup();
	struct evthread_lock_callbacks *target = lock_debugging ? &orig_lock_fns : &lock_fns;
	if (!cbs) {
		if (target->alloc)
			gev_warnx("Trying to disable lock functions after they have been set up will probaby not work.");
		memset(target, 0, sizeof *target);
		return 0;
	}
	if (target->alloc) {
		if (target->lock_api_version == cbs->lock_api_version &&
		    target->supported_locktypes == cbs->supported_locktypes &&
		    target->alloc == cbs->alloc && target->free == cbs->free &&
		    target->lock == cbs->lock && target->unlock == cbs->unlock)
			return 0; /* the same callbacks again */
		gev_warnx("Can't change lock callbacks once they have been initialized.");
		return -1;
	}
	if (cbs->alloc && cbs->free && cbs->lock && cbs->unlock) {
		*target = *cbs;
		return 0; /* libevent sets up its global locks here; goevent has none */
	}
	return -1;
}

int evthread_set_condition_callbacks(const struct evthread_condition_callbacks *cbs)
{
	gev_debug_check_thread_setup();
	struct evthread_condition_callbacks *target = lock_debugging ? &orig_cond_fns : &cond_fns;
	if (!cbs) {
		if (target->alloc_condition)
			gev_warnx("Trying to disable condition functions after they have been set up will probaby not work.");
		memset(target, 0, sizeof *target);
		return 0;
	}
	if (target->alloc_condition) {
		if (target->condition_api_version == cbs->condition_api_version &&
		    target->alloc_condition == cbs->alloc_condition &&
		    target->free_condition == cbs->free_condition &&
		    target->signal_condition == cbs->signal_condition &&
		    target->wait_condition == cbs->wait_condition)
			return 0;
		gev_warnx("Can't change condition callbacks once they have been initialized.");
		return -1;
	}
	if (cbs->alloc_condition && cbs->free_condition && cbs->signal_condition && cbs->wait_condition)
		*target = *cbs;
	if (lock_debugging) {
		cond_fns.alloc_condition = cbs->alloc_condition;
		cond_fns.free_condition = cbs->free_condition;
		cond_fns.signal_condition = cbs->signal_condition;
	}
	return 0;
}

/* ---- lock debugging: wrappers that check every lock and unlock ---- */

#define DEBUG_LOCK_SIG 0xdeb0b10cu

struct debug_lock {
	unsigned signature;
	unsigned locktype;
	unsigned long held_by;
	int count;
	void *lock; /* the real lock, NULL when no lock callbacks are set */
};

#define DBG_ASSERT(cond) do { \
	if (__builtin_expect(!(cond), 0)) \
		gev_errx(GEV_ERR_ABORT, "%s:%d: Assertion %s failed in %s", __FILE__, __LINE__, #cond, __func__); \
} while (0)

static void *debug_lock_alloc(unsigned locktype)
{
	struct debug_lock *l = gev_malloc(sizeof *l);
	if (!l)
		return NULL;
	l->lock = NULL;
	if (orig_lock_fns.alloc && !(l->lock = orig_lock_fns.alloc(locktype | EVTHREAD_LOCKTYPE_RECURSIVE))) {
		gev_free(l);
		return NULL;
	}
	l->signature = DEBUG_LOCK_SIG;
	l->locktype = locktype;
	l->count = 0;
	l->held_by = 0;
	return l;
}

static void debug_lock_free(void *lock_, unsigned locktype)
{
	struct debug_lock *l = lock_;
	DBG_ASSERT(l->count == 0);
	DBG_ASSERT(locktype == l->locktype);
	DBG_ASSERT(DEBUG_LOCK_SIG == l->signature);
	if (orig_lock_fns.free)
		orig_lock_fns.free(l->lock, l->locktype | EVTHREAD_LOCKTYPE_RECURSIVE);
	l->lock = NULL;
	l->count = -100;
	l->signature = 0x12300fda;
	gev_free(l);
}

static void debug_mark_locked(struct debug_lock *l)
{
	DBG_ASSERT(DEBUG_LOCK_SIG == l->signature);
	++l->count;
	if (!(l->locktype & EVTHREAD_LOCKTYPE_RECURSIVE))
		DBG_ASSERT(l->count == 1);
	if (gev_th_id_fn) {
		unsigned long me = gev_th_id_fn();
		if (l->count > 1)
			DBG_ASSERT(l->held_by == me);
		l->held_by = me;
	}
}

static void debug_mark_unlocked(unsigned mode, struct debug_lock *l)
{
	DBG_ASSERT(DEBUG_LOCK_SIG == l->signature);
	if (l->locktype & EVTHREAD_LOCKTYPE_READWRITE)
		DBG_ASSERT(mode & (EVTHREAD_READ | EVTHREAD_WRITE));
	else
		DBG_ASSERT((mode & (EVTHREAD_READ | EVTHREAD_WRITE)) == 0);
	if (gev_th_id_fn) {
		DBG_ASSERT(l->held_by == gev_th_id_fn());
		if (l->count == 1)
			l->held_by = 0;
	}
	--l->count;
	DBG_ASSERT(l->count >= 0);
}

static int debug_lock_lock(unsigned mode, void *lock_)
{
	struct debug_lock *l = lock_;
	int res = 0;
	if (l->locktype & EVTHREAD_LOCKTYPE_READWRITE)
		DBG_ASSERT(mode & (EVTHREAD_READ | EVTHREAD_WRITE));
	else
		DBG_ASSERT((mode & (EVTHREAD_READ | EVTHREAD_WRITE)) == 0);
	if (orig_lock_fns.lock)
		res = orig_lock_fns.lock(mode, l->lock);
	if (!res)
		debug_mark_locked(l);
	return res;
}

static int debug_lock_unlock(unsigned mode, void *lock_)
{
	struct debug_lock *l = lock_;
	debug_mark_unlocked(mode, l);
	return orig_lock_fns.unlock ? orig_lock_fns.unlock(mode, l->lock) : 0;
}

static int debug_cond_wait(void *cond, void *lock_, const struct timeval *tv)
{
	struct debug_lock *l = lock_;
	DBG_ASSERT(l);
	DBG_ASSERT(DEBUG_LOCK_SIG == l->signature);
	DBG_ASSERT(l->count > 0); /* EVLOCK_ASSERT_LOCKED */
	debug_mark_unlocked(0, l);
	int r = orig_cond_fns.wait_condition(cond, l->lock, tv);
	debug_mark_locked(l);
	return r;
}

void evthread_enable_lock_debugging(void)
{
	struct evthread_lock_callbacks cbs = {
		EVTHREAD_LOCK_API_VERSION, EVTHREAD_LOCKTYPE_RECURSIVE,
		debug_lock_alloc, debug_lock_free, debug_lock_lock, debug_lock_unlock,
	};
	if (lock_debugging)
		return;
	orig_lock_fns = lock_fns;
	lock_fns = cbs;
	orig_cond_fns = cond_fns;
	cond_fns.wait_condition = debug_cond_wait;
	lock_debugging = 1;
}

/* The misspelt name libevent keeps for backward compatibility. */
void evthread_enable_lock_debuging(void)
{
	evthread_enable_lock_debugging();
}

/* ---- per-base state ---- */

struct th_priv {
	struct gev_thread pub;                 /* first: base->thread points here */
	void *lock;                            /* from lfns.alloc; NULL: notifiable only */
	struct evthread_lock_callbacks lfns;   /* the callbacks at creation */
	void *cond;                            /* current_event_cond; NULL without condition callbacks */
	struct evthread_condition_callbacks cfns;
	struct event *current;                 /* event whose C callback runs now */
	unsigned runs;                         /* C callbacks finished so far */
	int waiters;                           /* threads waiting for current to return */
};

#define PRIV(th) ((struct th_priv *)(void *)(th))

/* A stale base in a forked child (capi.h): a lock another thread of the
 * parent held would never be released, and the base's loop is the
 * parent's: the C layer runs unlocked there. (libevent_pthreads also re-initializes its
 * mutexes in every child; custom callbacks are the program's business.) */
static void th_lock(struct gev_thread *th)
{
	struct th_priv *p = PRIV(th);
	if (p->lock && !gev_base_stale(th->base))
		p->lfns.lock(0, p->lock);
}

static void th_release(struct gev_thread *th)
{
	struct th_priv *p = PRIV(th);
	if (p->lock && !gev_base_stale(th->base))
		p->lfns.unlock(0, p->lock);
}

/* libevent's EVBASE_NEED_NOTIFY: the loop runs, on another thread. */
static int need_notify(const struct event_base *base)
{
	return base->running && gev_th_id_fn && base->th_owner != (uint64_t)gev_th_id_fn();
}

/* evthread_notify_base: write the eventfd unless a wakeup is pending. */
static int th_notify(struct gev_thread *th)
{
	if (th->notify_fd < 0)
		return -1;
	if (__atomic_exchange_n(&th->notify_pending, 1, __ATOMIC_ACQ_REL))
		return 0;
	uint64_t one = 1;
	ssize_t r = write(th->notify_fd, &one, sizeof one);
	return (r < 0 && errno != EAGAIN) ? -1 : 0;
}

int gev_th_wake_if_needed(struct event_base *base)
{
	if (!need_notify(base) || gev_base_stale(base)) /* the parent's loop is not ours to wake */
		return 0;
	return base->thread ? th_notify(base->thread) : -1;
}

static void th_unlock(struct gev_thread *th)
{
	if (need_notify(th->base) && !gev_base_stale(th->base))
		th_notify(th);
	th_release(th);
}

static void th_run_cb(struct gev_thread *th, struct event *ev)
{
	struct th_priv *p = PRIV(th);
	event_callback_fn fn = ev->ev_callback;
	evutil_socket_t fd = ev->ev_fd;
	short res = ev->ev_res;
	void *arg = ev->ev_arg;
	p->current = ev;
	th_release(th);
	fn(fd, res, arg);
	th_lock(th);
	p->current = NULL;
	p->runs++;
	if (p->waiters) {
		p->waiters = 0;
		if (p->cond)
			p->cfns.signal_condition(p->cond, 1);
	}
}

void gev_th_lock_slow(struct gev_thread *th) { th_lock(th); }
void gev_th_unlock_slow(struct gev_thread *th) { th_unlock(th); }
void gev_th_release_slow(struct gev_thread *th) { th_release(th); }

/* event_del from another thread than the loop's, while the loop runs ev's
 * callback: wait (the base lock held once) until that run of the callback
 * returned, so that the caller may free the callback's argument (libevent
 * 2.1's event_del_nolock_). The caller has deleted ev already, so the loop
 * cannot start another run; a persistent event's next run, started before
 * this thread got the lock back (ev re-added by its own callback), must not
 * keep it waiting: it waits for the run count to move, not for current to
 * change (test: thread_del_persist). */
void gev_th_del_wait(struct event_base *base, struct event *ev, int blocking)
{
	struct th_priv *p = PRIV(base->thread);
	if (!p || !p->cond || !p->lock || gev_base_stale(base) || blocking == GEV_DEL_NOBLOCK)
		return;
	if (!gev_th_id_fn || base->th_owner == (uint64_t)gev_th_id_fn())
		return; /* the loop's own thread: never wait for ourselves */
	if (blocking == GEV_DEL_AUTOBLOCK && (ev->ev_events & EV_FINALIZE))
		return;
	unsigned run = p->runs;
	while (p->current == ev && p->runs == run) {
		p->waiters++;
		if (p->cfns.wait_condition(p->cond, p->lock, NULL) < 0)
			return;
	}
}

/* Creates base's eventfd (libevent prefers eventfd on Linux) and, when the
 * base already has its Go side, the core's watcher. Base lock held. */
static int make_notifiable(struct event_base *base)
{
	struct gev_thread *th = base->thread;
	if (th->notify_fd >= 0)
		return 0;
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0) {
		gev_warnx("evthread_make_base_notifiable: eventfd: %s", strerror(errno));
		return -1;
	}
	th->notify_fd = fd;
	th->notify_pending = 0;
	if (base->core_idx && gev_core_usable && gev_ops.base_notify_watch(base) < 0) {
		close(fd);
		th->notify_fd = -1;
		return -1;
	}
	return 0;
}

static struct th_priv *th_new(struct event_base *base)
{
	struct th_priv *p = gev_calloc(1, sizeof *p);
	if (!p) {
		gev_warnx("event_base: out of memory for thread support");
		return NULL;
	}
	p->pub.lock = th_lock;
	p->pub.unlock = th_unlock;
	p->pub.release = th_release;
	p->pub.run_cb = th_run_cb;
	p->pub.base = base;
	p->pub.notify_fd = -1;
	return p;
}

static void th_destroy(struct th_priv *p)
{
	if (p->pub.notify_fd >= 0)
		close(p->pub.notify_fd);
	/* In a forked child a parent's thread may have held a stale base's
	 * lock or waited on its condition: destroying them could block. Leave
	 * them. */
	if (gev_base_stale(p->pub.base)) {
		gev_free(p);
		return;
	}
	if (p->cond)
		p->cfns.free_condition(p->cond);
	if (p->lock)
		p->lfns.free(p->lock, EVTHREAD_LOCKTYPE_RECURSIVE);
	gev_free(p);
}

int gev_th_base_init(struct event_base *base)
{
	if (!lock_fns.lock || (base->flags & EVENT_BASE_FLAG_NOLOCK))
		return 0; /* libevent's EVTHREAD_LOCKING_ENABLED() */
	struct th_priv *p = th_new(base);
	if (!p)
		return -1;
	p->lfns = lock_fns;
	p->lock = lock_fns.alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	if (!p->lock) {
		gev_warnx("event_base_new: cannot allocate the base lock");
		gev_free(p);
		return -1;
	}
	if (cond_fns.alloc_condition && cond_fns.wait_condition) {
		p->cfns = cond_fns;
		p->cond = cond_fns.alloc_condition(0);
	}
	base->thread = &p->pub;
	if (make_notifiable(base) < 0) {
		gev_warnx("event_base_new_with_config: Unable to make base notifiable.");
		base->thread = NULL;
		th_destroy(p);
		return -1;
	}
	return 0;
}

void gev_th_base_free(struct event_base *base)
{
	if (!base->thread)
		return;
	struct th_priv *p = PRIV(base->thread);
	base->thread = NULL;
	th_destroy(p);
}

/* event_reinit in a child: a fresh eventfd under the same number (the
 * parent's would wake both loops), so the core's watcher needs no change. */
int gev_th_base_reinit(struct event_base *base)
{
	struct gev_thread *th = base->thread;
	if (!th || th->notify_fd < 0)
		return 0;
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0 || dup3(fd, th->notify_fd, O_CLOEXEC) < 0) {
		gev_warnx("event_reinit: cannot renew the notification fd: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	th->notify_pending = 0;
	return 0;
}

int evthread_make_base_notifiable(struct event_base *base)
{
	if (!base)
		return -1;
	if (!gev_base_check(base, "evthread_make_base_notifiable"))
		return -1;
	struct gev_thread *th = gev_base_lock(base);
	if (!base->thread) {
		struct th_priv *p = th_new(base);
		if (!p)
			return -1;
		base->thread = &p->pub;
	}
	int r = make_notifiable(base);
	gev_base_release(th);
	return r;
}

/* ---- BEV_OPT_THREADSAFE: a bufferevent's buffers share its base's lock ----
 *
 * libevent gives a thread-safe bufferevent a lock of its own and locks its
 * buffers with it; ours is the base's (docs/DIFFERENCES.md). The buffers'
 * lock object is the base's struct gev_thread and their lock functions go
 * through th_lock/th_unlock, so that releasing it from another thread wakes
 * the loop (an evbuffer_add to a bufferevent's output from another thread
 * enables the write event, which a sleeping poll would not see). */

static int th_buf_lock(unsigned mode, void *th)
{
	(void)mode;
	th_lock(th);
	return 0;
}

static int th_buf_unlock(unsigned mode, void *th)
{
	(void)mode;
	th_unlock(th);
	return 0;
}

void *gev_base_lock_object(struct event_base *base)
{
	struct gev_thread *th = base ? base->thread : NULL;
	return th && PRIV(th)->lock ? (void *)th : NULL;
}

int gev_buf_use_base_lock(struct evbuffer *buf, struct event_base *base)
{
	void *lock = gev_base_lock_object(base);
	if (!lock || !buf)
		return -1;
	buf->lock_fn = th_buf_lock;
	buf->unlock_fn = th_buf_unlock;
	buf->free_fn = NULL;
	buf->own_lock = 0;
	buf->lock = lock;
	return 0;
}
