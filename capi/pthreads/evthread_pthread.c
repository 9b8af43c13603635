/*
 * evthread_pthread.c - libevent_pthreads-2.1.so.7: evthread_use_pthreads.
 *
 * As libevent's: installs pthread-based lock, condition and id callbacks in
 * the C layer (libevent_core, which this library links, so one copy of the
 * C layer and of the Go core serves both). Locks are recursive mutexes when
 * asked for EVTHREAD_LOCKTYPE_RECURSIVE (base locks always are).
 *
 * Fork: every mutex and condition allocated here is on a list. The
 * pthread_atfork prepare handler takes every mutex (so that what they guard,
 * the bases, is consistent in the child), with trylock and retries so that
 * it can never deadlock against a thread holding one lock and waiting for
 * another; the child handler re-initializes them all, so that the child
 * (which has only the forking thread) never blocks on a lock or condition
 * that another thread of the parent held or waited on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#include <event2/thread.h>

/* libevent_core's allocator (capi/mem.c): locks and conditions are allocated
 * through the program's event_set_mem_functions, as libevent's are. */
void *event_mm_malloc_(size_t sz);
void event_mm_free_(void *p);

struct gev_pmutex {
	pthread_mutex_t m;            /* first: the lock callbacks get its address */
	unsigned locktype;
	struct gev_pmutex *next, *prev;
};

struct gev_pcond {
	pthread_cond_t c;             /* first: the condition callbacks get its address */
	struct gev_pcond *next, *prev;
};

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static struct gev_pmutex *all_locks;
static struct gev_pcond *all_conds;
static int held_all;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static int setup_ok;

/* Linking e at the front of list head, and out of it, under registry; the
 * same for both lists (gev_pmutex and gev_pcond: next and prev fields). */
#define REGISTRY_INSERT(head, e)                        \
	do {                                            \
		(e)->prev = NULL;                       \
		pthread_mutex_lock(&registry);          \
		(e)->next = (head);                     \
		if (head)                               \
			(head)->prev = (e);             \
		(head) = (e);                           \
		pthread_mutex_unlock(&registry);        \
	} while (0)

#define REGISTRY_REMOVE(head, e)                        \
	do {                                            \
		pthread_mutex_lock(&registry);          \
		if ((e)->prev)                          \
			(e)->prev->next = (e)->next;    \
		else                                    \
			(head) = (e)->next;             \
		if ((e)->next)                          \
			(e)->next->prev = (e)->prev;    \
		pthread_mutex_unlock(&registry);        \
	} while (0)

static int init_mutex(pthread_mutex_t *m, unsigned locktype)
{
	pthread_mutexattr_t attr;
	if (pthread_mutexattr_init(&attr))
		return -1;
	if ((locktype & EVTHREAD_LOCKTYPE_RECURSIVE) &&
	    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE)) {
		pthread_mutexattr_destroy(&attr);
		return -1;
	}
	int r = pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
	return r ? -1 : 0;
}

/* Takes every lock, or none after about a second of trying (then the child
 * re-initializes them anyway). */
static void fork_prepare(void)
{
	pthread_mutex_lock(&registry);
	held_all = 0;
	for (int attempt = 0; attempt < 2000; attempt++) {
		struct gev_pmutex *l;
		for (l = all_locks; l; l = l->next)
			if (pthread_mutex_trylock(&l->m) != 0)
				break;
		if (!l) {
			held_all = 1;
			return;
		}
		for (struct gev_pmutex *u = all_locks; u != l; u = u->next)
			pthread_mutex_unlock(&u->m);
		struct timespec ts = {0, 500000};
		nanosleep(&ts, NULL);
	}
}

static void fork_parent(void)
{
	if (held_all)
		for (struct gev_pmutex *l = all_locks; l; l = l->next)
			pthread_mutex_unlock(&l->m);
	pthread_mutex_unlock(&registry);
}

static void fork_child(void)
{
	for (struct gev_pmutex *l = all_locks; l; l = l->next)
		init_mutex(&l->m, l->locktype);
	for (struct gev_pcond *c = all_conds; c; c = c->next)
		pthread_cond_init(&c->c, NULL);
	pthread_mutex_init(&registry, NULL);
}

static void setup(void)
{
	setup_ok = pthread_atfork(fork_prepare, fork_parent, fork_child) == 0;
}

static void *lock_alloc(unsigned locktype)
{
	struct gev_pmutex *l = event_mm_malloc_(sizeof *l);
	if (!l)
		return NULL;
	if (init_mutex(&l->m, locktype) < 0) {
		event_mm_free_(l);
		return NULL;
	}
	l->locktype = locktype;
	REGISTRY_INSERT(all_locks, l);
	return l;
}

static void lock_free(void *lock, unsigned locktype)
{
	struct gev_pmutex *l = lock;
	(void)locktype;
	REGISTRY_REMOVE(all_locks, l);
	pthread_mutex_destroy(&l->m);
	event_mm_free_(l);
}

static int lock_lock(unsigned mode, void *lock)
{
	struct gev_pmutex *l = lock;
	if (mode & EVTHREAD_TRY)
		return pthread_mutex_trylock(&l->m);
	return pthread_mutex_lock(&l->m);
}

static int lock_unlock(unsigned mode, void *lock)
{
	(void)mode;
	return pthread_mutex_unlock(&((struct gev_pmutex *)lock)->m);
}

static unsigned long get_id(void)
{
	return (unsigned long)pthread_self();
}

static void *cond_alloc(unsigned condflags)
{
	(void)condflags;
	struct gev_pcond *c = event_mm_malloc_(sizeof *c);
	if (!c)
		return NULL;
	if (pthread_cond_init(&c->c, NULL)) {
		event_mm_free_(c);
		return NULL;
	}
	REGISTRY_INSERT(all_conds, c);
	return c;
}

static void cond_free(void *cond)
{
	struct gev_pcond *c = cond;
	REGISTRY_REMOVE(all_conds, c);
	pthread_cond_destroy(&c->c);
	event_mm_free_(c);
}

static int cond_signal(void *cond, int broadcast)
{
	int r = broadcast ? pthread_cond_broadcast(cond) : pthread_cond_signal(cond);
	return r ? -1 : 0;
}

/* 0 when signalled, 1 on timeout, -1 on error (libevent's contract). */
static int cond_wait(void *cond, void *lock, const struct timeval *tv)
{
	pthread_mutex_t *m = &((struct gev_pmutex *)lock)->m;
	int r;
	if (tv) {
		struct timeval now, abs;
		struct timespec ts;
		gettimeofday(&now, NULL);
		timeradd(&now, tv, &abs);
		ts.tv_sec = abs.tv_sec;
		ts.tv_nsec = abs.tv_usec * 1000;
		r = pthread_cond_timedwait(cond, m, &ts);
		if (r == ETIMEDOUT)
			return 1;
	} else {
		r = pthread_cond_wait(cond, m);
	}
	return r ? -1 : 0;
}

int evthread_use_pthreads(void)
{
	struct evthread_lock_callbacks cbs = {
		EVTHREAD_LOCK_API_VERSION, EVTHREAD_LOCKTYPE_RECURSIVE,
		lock_alloc, lock_free, lock_lock, lock_unlock,
	};
	struct evthread_condition_callbacks cond_cbs = {
		EVTHREAD_CONDITION_API_VERSION,
		cond_alloc, cond_free, cond_signal, cond_wait,
	};
	pthread_once(&setup_once, setup);
	if (!setup_ok)
		return -1;
	/* As libevent: the results of the setters are not checked. */
	evthread_set_lock_callbacks(&cbs);
	evthread_set_condition_callbacks(&cond_cbs);
	evthread_set_id_callback(get_id);
	return 0;
}
