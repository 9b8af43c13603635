/*
 * goevent -- event2/thread.h
 *
 * Thread-safety set-up: choose the locking primitives the library uses.
 * A program that shares loops or buffers between threads calls
 * evthread_use_pthreads() (or installs its own callbacks) before creating
 * any event_base.
 */
#ifndef EVENT2_THREAD_H_INCLUDED_
#define EVENT2_THREAD_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>

/* Lock modes passed to the lock/unlock callbacks. */
#define EVTHREAD_WRITE 0x04
#define EVTHREAD_READ  0x08
#define EVTHREAD_TRY   0x10

/* Version of struct evthread_lock_callbacks. */
#define EVTHREAD_LOCK_API_VERSION 1

/* Lock types requested from the alloc callback. */
#define EVTHREAD_LOCKTYPE_RECURSIVE 1
#define EVTHREAD_LOCKTYPE_READWRITE 2

/* User-supplied lock primitives. */
struct evthread_lock_callbacks {
	int lock_api_version;		/* EVTHREAD_LOCK_API_VERSION */
	unsigned supported_locktypes;	/* EVTHREAD_LOCKTYPE_* bits */
	void *(*alloc)(unsigned locktype);
	void (*free)(void *lock, unsigned locktype);
	int (*lock)(unsigned mode, void *lock);
	int (*unlock)(unsigned mode, void *lock);
};

/* Install lock primitives (the struct is copied).  0 on success. */
EVENT2_EXPORT_SYMBOL
int evthread_set_lock_callbacks(const struct evthread_lock_callbacks *);

/* Version of struct evthread_condition_callbacks. */
#define EVTHREAD_CONDITION_API_VERSION 1

struct timeval;

/* User-supplied condition-variable primitives. */
struct evthread_condition_callbacks {
	int condition_api_version;	/* EVTHREAD_CONDITION_API_VERSION */
	void *(*alloc_condition)(unsigned condtype);
	void (*free_condition)(void *cond);
	int (*signal_condition)(void *cond, int broadcast);
	int (*wait_condition)(void *cond, void *lock,
	    const struct timeval *timeout);
};

/* Install condition-variable primitives (the struct is copied).  0 on success. */
EVENT2_EXPORT_SYMBOL
int evthread_set_condition_callbacks(
	const struct evthread_condition_callbacks *);

/* Install a function returning a unique id for the calling thread. */
EVENT2_EXPORT_SYMBOL
void evthread_set_id_callback(
    unsigned long (*id_fn)(void));

/* Use POSIX threads for locking (from libevent_pthreads).  0 on success. */
EVENT2_EXPORT_SYMBOL
int evthread_use_pthreads(void);
/* evthread_use_pthreads() is available. */
#define EVTHREAD_USE_PTHREADS_IMPLEMENTED 1

/* Wrap locks with checks for misuse; call right after choosing the lock
 * functions. */
EVENT2_EXPORT_SYMBOL
void evthread_enable_lock_debugging(void);

/* Misspelt older name of evthread_enable_lock_debugging(). */
EVENT2_EXPORT_SYMBOL
void evthread_enable_lock_debuging(void);

struct event_base;

/* Let other threads wake base's loop when they change its events.
 * 0 on success. */
EVENT2_EXPORT_SYMBOL
int evthread_make_base_notifiable(struct event_base *base);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_THREAD_H_INCLUDED_ */
