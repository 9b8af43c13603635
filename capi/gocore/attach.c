/* attach.c - fills the C layer's function table with the core's exports. */
#include "_cgo_export.h"

int gev_fill_ops(struct gev_core_ops *ops)
{
#define GEV_FILL(ret, name, params) ops->name = goevent_##name;
	GEV_CORE_OPS(GEV_FILL)
#undef GEV_FILL
	return 0;
}
