package ctest

/*
#cgo CFLAGS: -I${SRCDIR}/../../../capi -I${SRCDIR}/../../../include
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "gev_internal.h"

// A stand-in for capi/thread.c: a recursive pthread mutex, an eventfd, the
// wakeup rule (the loop runs on another thread than the caller) and the
// unlocked C callback, with counters for the tests.
struct tthread {
	struct gev_thread pub;
	pthread_mutex_t mu;
	volatile int writes;    // eventfd writes
	volatile int cb_unlocked; // run_cb saw the lock free from another thread's view
};

static void t_lock(struct gev_thread *th) { pthread_mutex_lock(&((struct tthread *)th)->mu); }
static void t_release(struct gev_thread *th) { pthread_mutex_unlock(&((struct tthread *)th)->mu); }

static void t_unlock(struct gev_thread *th) {
	struct tthread *t = (struct tthread *)th;
	struct event_base *b = th->base;
	if (b->running && b->th_owner != (uint64_t)pthread_self() &&
	    !__atomic_exchange_n(&th->notify_pending, 1, __ATOMIC_ACQ_REL)) {
		uint64_t one = 1;
		if (write(th->notify_fd, &one, sizeof one) == sizeof one)
			__atomic_add_fetch(&t->writes, 1, __ATOMIC_SEQ_CST);
	}
	t_release(th);
}

static void t_run_cb(struct gev_thread *th, struct event *ev) {
	// The first fields of struct event, as gev_internal.h lays them out.
	char *p = (char *)ev;
	void (*fn)(int, short, void *) = *(void (**)(int, short, void *))(p + 24);
	void *arg = *(void **)(p + 32);
	int fd = *(int *)(p + 56);
	short res = *(short *)(p + 106);
	t_release(th);
	fn(fd, res, arg);
	t_lock(th);
}

static void *t_new(struct event_base *b) {
	struct tthread *t = calloc(1, sizeof *t);
	pthread_mutexattr_t a;
	if (!t)
		return NULL;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&t->mu, &a);
	pthread_mutexattr_destroy(&a);
	t->pub.lock = t_lock;
	t->pub.unlock = t_unlock;
	t->pub.release = t_release;
	t->pub.run_cb = t_run_cb;
	t->pub.base = b;
	t->pub.notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b->thread = &t->pub;
	return t;
}

static void t_free(struct event_base *b, void *p) {
	struct tthread *t = p;
	b->thread = NULL;
	close(t->pub.notify_fd);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static void t_set_owner(struct event_base *b) { b->th_owner = (uint64_t)pthread_self(); }
static int t_writes(void *p) { return __atomic_load_n(&((struct tthread *)p)->writes, __ATOMIC_SEQ_CST); }

// A C callback that sleeps ms milliseconds (arg), for "callbacks run unlocked".
static void sleep_cb(int fd, short what, void *arg) {
	(void)fd; (void)what;
	usleep((useconds_t)(uintptr_t)arg * 1000);
}
static void *sleep_cb_ptr(void) { return (void *)sleep_cb; }
*/
import "C"

import "unsafe"

// NewThread gives the C base at cbase thread support (a recursive lock and
// an eventfd, as capi/thread.c would) and returns its handle for FreeThread
// and Writes. Call before the base is adopted.
func NewThread(cbase unsafe.Pointer) unsafe.Pointer {
	return C.t_new((*C.struct_event_base)(cbase))
}

// FreeThread undoes NewThread (after the base's Go side is freed).
func FreeThread(cbase, th unsafe.Pointer) { C.t_free((*C.struct_event_base)(cbase), th) }

// SetOwner records the calling OS thread as the one running cbase's loop
// (the C layer does this in event_base_loop). The goroutine must be locked
// to its thread.
func SetOwner(cbase unsafe.Pointer) { C.t_set_owner((*C.struct_event_base)(cbase)) }

// Writes returns how many wakeups were written to the eventfd.
func Writes(th unsafe.Pointer) int { return int(C.t_writes(th)) }

// SleepCB is a C event callback that sleeps for arg milliseconds.
func SleepCB() unsafe.Pointer { return C.sleep_cb_ptr() }
