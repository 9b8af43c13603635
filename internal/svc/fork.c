/* fork.c - the state behind capi/gev_fork.h (a fork inside a callback). */
#include "gev_fork.h"

GEV_TLS int gev_cb_depth;
GEV_TLS struct gev_escape *gev_escape_top;
volatile int gev_forked;

void gev_cb_escape(int depth)
{
	struct gev_escape *e = gev_escape_top;
	if (e && e->depth == depth)
		_longjmp(e->jb, 1);
}
