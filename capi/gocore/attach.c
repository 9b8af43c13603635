/* attach.c - fills the C layer's function table with the core's exports. */
#include "_cgo_export.h"
#include "gev_fork.h"

/* The core's loop in C (reactor/run.c's gev_loop_c), handed over by Go at
 * attach: C code of another package is reached through a pointer. */
static int (*loop_c)(struct event_base *base, int flags);

/* The loop entry: run.c's loop, then the Go side from where it handed the
 * loop over, then run.c's loop again if the Go side hands it back (only a
 * wait left to the Go side, GEV_RESUME_TOP, is handed back). run.c's loop
 * has no Go frames under its callbacks (it ends by itself in a child forked
 * in one of them); while the Go side runs the loop, a callback that returns
 * in a child forked inside it jumps back here instead of into the loop's Go
 * frames (gev_fork.h). */
static int gev_loop_entry(struct event_base *base, int flags)
{
	flags &= ~GEV_LOOP_CONT; /* the core's own bit */
	int r = loop_c(base, flags);
	while (r == GEV_LOOP_RESUME) {
		struct gev_escape e;
		e.depth = gev_cb_depth;
		e.prev = gev_escape_top;
		gev_escape_top = &e;
		if (_setjmp(e.jb) == 0)
			r = goevent_base_loop_resume(base, flags);
		else
			r = GEV_LOOP_FORKED;
		gev_escape_top = e.prev;
		if (r == GEV_LOOP_BACK)
			r = loop_c(base, flags | GEV_LOOP_CONT);
	}
	return r;
}

int gev_fill_ops(struct gev_core_ops *ops, void *loopc)
{
#define GEV_FILL(ret, name, params) ops->name = goevent_##name;
	GEV_CORE_OPS(GEV_FILL)
#undef GEV_FILL
	loop_c = (int (*)(struct event_base *, int))loopc;
	ops->base_loop = gev_loop_entry;
	return 0;
}

/* Work for the core's package init (main.go), on the runtime's own thread:
 * lazystart.c sets it before it starts the runtime. A pointer rather than a
 * call, so that this package links without lazystart.c. */
void (*gev_init_hook)(void);

void gev_run_init_hook(void)
{
	if (gev_init_hook)
		gev_init_hook();
}
