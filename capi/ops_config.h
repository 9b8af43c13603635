/* ops_config.h - the core's entry points for event_config and global settings: one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_CONFIG_H
#define GEV_OPS_CONFIG_H
#define GEV_OPS_CONFIG(X) /* none yet */

#endif
