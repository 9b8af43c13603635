/* attach.c - fills the C layer's function table with the core's exports. */
#include "_cgo_export.h"
#include "gev_fork.h"

/* The loop entry: a callback that returns in a child forked inside it jumps
 * back here instead of into the loop's Go frames (gev_fork.h). */
static int gev_loop_entry(struct event_base *base, int flags)
{
	struct gev_escape e;
	int r;
	e.depth = gev_cb_depth;
	e.prev = gev_escape_top;
	gev_escape_top = &e;
	if (_setjmp(e.jb) == 0)
		r = goevent_base_loop(base, flags);
	else
		r = GEV_LOOP_FORKED;
	gev_escape_top = e.prev;
	return r;
}

int gev_fill_ops(struct gev_core_ops *ops)
{
#define GEV_FILL(ret, name, params) ops->name = goevent_##name;
	GEV_CORE_OPS(GEV_FILL)
#undef GEV_FILL
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
