/*
 * gev_fork.h - a fork() inside a program's callback, seen from the Go core.
 *
 * A program may fork inside a callback the loop called (bitlbee's forking
 * daemon, prefork servers) and keep using libevent in the child. The Go
 * runtime the callback was called from did not survive the fork (its other
 * threads are gone), so in the child the callback must not return into it.
 * Every trampoline through which the core calls a program's callback counts
 * the callbacks running on its thread (gev_cb_enter/gev_cb_leave); the
 * core's loop entry (capi/gocore/attach.c) records that depth and a jmp_buf.
 * When a callback returns in a child forked since the runtime started
 * (gev_forked, set by capi/gocore/lazystart), and the loop's Go frames are
 * the next ones up, gev_cb_leave jumps back to the loop entry instead, which
 * returns GEV_LOOP_FORKED (gev_internal.h) to the C layer. A callback called from a nested
 * call (a callback that called evbuffer_add, whose callback forked) returns
 * normally, and the escape happens when the outer callback returns.
 * The child then starts a fresh runtime when it first needs the core.
 *
 * Definitions in internal/svc/fork.c. Per callback this costs an
 * increment, a decrement and a load.
 */
#ifndef GEV_FORK_H
#define GEV_FORK_H

#include <setjmp.h>

/* An active loop entry on this thread (innermost first). */
struct gev_escape {
	jmp_buf jb;               /* _setjmp in the loop entry */
	int depth;                /* gev_cb_depth when the loop was entered */
	struct gev_escape *prev;  /* the enclosing loop entry, if any */
};

#define GEV_TLS __thread __attribute__((tls_model("initial-exec")))

extern GEV_TLS int gev_cb_depth;                 /* program callbacks running on this thread */
extern GEV_TLS struct gev_escape *gev_escape_top; /* innermost loop entry on this thread */
extern volatile int gev_forked;                  /* this process forked since the runtime started */

/* Jumps to the innermost loop entry if a callback at depth `depth` was
 * called directly by its loop; returns otherwise. */
void gev_cb_escape(int depth);

static inline void gev_cb_enter(void)
{
	gev_cb_depth++;
}

static inline void gev_cb_leave(void)
{
	int depth = --gev_cb_depth;
	if (__builtin_expect(gev_forked, 0))
		gev_cb_escape(depth);
}

#endif /* GEV_FORK_H */
