/* debug_mode_on.c - linked into every case by `run.sh --debug-mode`: turns
 * on libevent's debug mode before main runs (before the case makes any
 * event), as libevent's own regression tests do when EVENT_DEBUG_MODE=1 is
 * set. Public API only, so it works unchanged with either library. */
#include <event2/event.h>

__attribute__((constructor)) static void tc_debug_mode_on(void)
{
	event_enable_debug_mode();
}
