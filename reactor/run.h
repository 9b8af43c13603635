/* run.h - reactor/run.c: the core's loop in C, and its pieces loop.go uses. */
#ifndef GEV_RUN_H
#define GEV_RUN_H

#include <stdint.h>

struct event;
struct event_base;

/* What stopped gev_run_queue (the low three bits of its result; the rest is
 * the updated count of non-internal callbacks run in this pass). */
#define GEV_RUN_DONE  0 /* the queue is empty, or the pass must rescan (cont) */
#define GEV_RUN_LIMIT 1 /* max_dispatch_callbacks or max_dispatch_interval reached */
#define GEV_RUN_ABORT 2 /* loopbreak */
#define GEV_RUN_GO    3 /* the queue's head needs the Go side */
#define GEV_RUN_DEAD  4 /* a callback freed the base */
#define GEV_RUN_FORKED 5 /* a callback forked, and this is the child (run.c's loop ends) */
#define GEV_RUN_SHIFT 3

/* 1 if ev's run (its removal from the lists, re-arming, callback) is all C
 * work that gev_run_queue may do; loop.go's runnableInC is the same test. */
int gev_run_in_c(const struct event_base *base, const struct event *ev);

/* Runs the events at the head of base's queue pri while gev_run_in_c
 * accepts them, as loop.go's processQueue would; count is the pass's count
 * so far, max and end (if has_end) its limits. */
int64_t gev_run_queue(uintptr_t base, int pri, int64_t count, int64_t max, int64_t end_sec, int64_t end_usec,
    int has_end);

/* The epoll backend's wait on base (its epfd and buffers), with the base
 * lock released around it: epoll_wait for up to ms milliseconds, then the
 * ready fds' events become active (an fd that needs the Go side is left in
 * ep_out, ep_nleft pairs). Returns the number of ready fds, or -errno. */
int gev_epoll_wait_base(uintptr_t base, int ms);

/* A blocking wait that run.c's loop would start at or after this CLOCK_MONOTONIC
 * time (microseconds) is left to the Go side (GEV_RESUME_TOP), for work the
 * Go side does when a loop is about to block; 0: never. Process-wide. */
extern volatile int64_t gev_wait_in_go_after;

/* Set when the loops' statistics are kept (GOEVENT_STATS, reactor/stats.go):
 * the Go side runs every loop and every event, and counts them. */
extern int gev_loop_counted;
/* The Go side hands such a loop back at the top of a later iteration once it
 * has nothing more to do there (GEV_LOOP_BACK, GEV_LOOP_CONT). */

/* event_base_loop on an epoll base, as loop.go's Loop, for as long as
 * everything it meets is C work; then it returns GEV_LOOP_RESUME with
 * base->resume saying where the Go side takes over (Base.LoopResume). */
int gev_loop_c(struct event_base *base, int flags);

#endif
