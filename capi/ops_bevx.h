/* ops_bevx.h - the core's entry points for bufferevent pairs, filters and rate limiting: one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_BEVX_H
#define GEV_OPS_BEVX_H
#define GEV_OPS_BEVX(X) /* none yet */

#endif
