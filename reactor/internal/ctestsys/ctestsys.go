// Package ctestsys reports the layout of struct event in the real
// libevent 2.1.12 headers installed on the system (the oracle), or -1 when
// they are not installed. It must not see goevent's own include directory.
package ctestsys

/*
#include <stddef.h>
#if defined(__has_include)
#if __has_include(<event2/event_struct.h>)
#include <event2/event_struct.h>
#define HAVE_SYS_LIBEVENT 1
#endif
#endif

static long sys_ev_off(int i) {
#ifdef HAVE_SYS_LIBEVENT
#define OFF(f) (long)offsetof(struct event, f)
	switch (i) {
	case 0: return OFF(ev_evcallback.evcb_active_next.tqe_next);
	case 1: return OFF(ev_evcallback.evcb_active_next.tqe_prev);
	case 2: return OFF(ev_evcallback.evcb_flags);
	case 3: return OFF(ev_evcallback.evcb_pri);
	case 4: return OFF(ev_evcallback.evcb_closure);
	case 5: return OFF(ev_evcallback.evcb_cb_union.evcb_callback);
	case 6: return OFF(ev_evcallback.evcb_arg);
	case 7: return OFF(ev_timeout_pos.min_heap_idx);
	case 8: return 48;
	case 9: return OFF(ev_fd);
	case 10: return OFF(ev_base);
	case 11: return OFF(ev_.ev_io.ev_io_next.le_next);
	case 12: return OFF(ev_.ev_io.ev_io_next.le_prev);
	case 13: return OFF(ev_.ev_signal.ev_ncalls);
	case 14: return OFF(ev_.ev_signal.ev_pncalls);
	case 15: return OFF(ev_events);
	case 16: return OFF(ev_res);
	case 17: return OFF(ev_timeout);
	case 18: return (long)sizeof(struct event);
	case 19: return 40;
	case 20: return OFF(ev_.ev_signal.ev_signal_next.le_next);
	case 21: return OFF(ev_timeout.tv_usec);
	}
#endif
	(void)i;
	return -1;
}
*/
import "C"

// EventOffset is ctest.EventOffset measured on the system's libevent
// headers; -1 when they are not installed.
func EventOffset(i int) int { return int(C.sys_ev_off(C.int(i))) }
