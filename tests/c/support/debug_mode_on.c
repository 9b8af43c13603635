/* debug_mode_on.c - linked into every case by `run.sh --debug-mode`: turns
 * on libevent's debug mode before main runs (before the case makes any
 * event), as libevent's own regression tests do when EVENT_DEBUG_MODE=1 is
 * set. Public API only, so it works unchanged with either library. */
#include <event2/event.h>

/* tc_debug_mode() in testcase.h finds it. */
extern const int tc_debug_mode_on_;
const int tc_debug_mode_on_ = 1;

__attribute__((constructor)) static void tc_debug_mode_on(void)
{
	event_enable_debug_mode();
}
