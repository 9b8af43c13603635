/* C callbacks for the core's tests: they forward to Go (cbtest.go) so that
 * the tests exercise the real Go->C->Go path of the bufferevent and listener
 * callbacks, errno included. */
#include <errno.h>
#include <stddef.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include "gev_internal.h"
#include "_cgo_export.h"

int cbtest_slots[4096];

void cbtest_readcb(struct bufferevent *bev, void *arg) { cbtestData(bev, arg, 0); }
void cbtest_writecb(struct bufferevent *bev, void *arg) { cbtestData(bev, arg, 1); }
void cbtest_eventcb(struct bufferevent *bev, short what, void *arg)
{
	int e = errno;
	cbtestEvent(bev, what, arg, e);
}
void cbtest_acceptcb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa, int socklen, void *arg)
{
	cbtestAccept(lev, fd, sa, socklen, arg);
}
void cbtest_errorcb(struct evconnlistener *lev, void *arg)
{
	int e = errno;
	cbtestError(lev, arg, e);
}

long cbtest_layout(int i)
{
	switch (i) {
	case 0: return (long)sizeof(struct bufferevent);
	case 1: return (long)offsetof(struct bufferevent, ev_read);
	case 2: return (long)offsetof(struct bufferevent, ev_write);
	case 3: return (long)offsetof(struct bufferevent, input);
	case 4: return (long)offsetof(struct bufferevent, output);
	case 5: return (long)offsetof(struct bufferevent, wm_read);
	case 6: return (long)offsetof(struct bufferevent, wm_write);
	case 7: return (long)offsetof(struct bufferevent, readcb);
	case 8: return (long)offsetof(struct bufferevent, writecb);
	case 9: return (long)offsetof(struct bufferevent, errorcb);
	case 10: return (long)offsetof(struct bufferevent, cbarg);
	case 11: return (long)offsetof(struct bufferevent, timeout_read);
	case 12: return (long)offsetof(struct bufferevent, timeout_write);
	case 13: return (long)offsetof(struct bufferevent, enabled);
	case 14: return (long)GEV_BEV_PRIV_OFF;
	case 15: return (long)sizeof(struct gev_bev_private);
	case 16: return (long)sizeof(struct evbuffer);
	case 17: return (long)offsetof(struct evbuffer, total_len);
	case 18: return (long)offsetof(struct evbuffer, gen);
	case 19: return (long)sizeof(struct evconnlistener);
	case 20: return (long)offsetof(struct evconnlistener, base);
	case 21: return (long)offsetof(struct evconnlistener, fd);
	case 22: return (long)offsetof(struct bufferevent, ev_base);
	case 23: return (long)offsetof(struct bufferevent, be_ops);
	case 24: return (long)sizeof(struct event);
	case 25: return (long)offsetof(struct event, ev_fd);
	case 26: return (long)offsetof(struct gev_bev_private, cb_depth);
	case 27: return (long)offsetof(struct gev_bev_private, sflags);
	case 28: return GEV_BEV_SF_FREED | GEV_BEV_SF_FREE_PENDING << 8 | GEV_BEV_SF_READ_ADDED << 16 | (long)GEV_BEV_SF_READ_SUSP << 24;
	/* struct evbuffer beyond the handle (core/evbuffer_more_test.go) */
	case 100: return (long)offsetof(struct evbuffer, lock);
	case 101: return (long)offsetof(struct evbuffer, own_lock);
	case 102: return (long)offsetof(struct evbuffer, fast);
	case 103: return (long)offsetof(struct evbuffer, add_ptr);
	case 104: return (long)offsetof(struct evbuffer, drain_avail);
	case 105: return (long)offsetof(struct evbuffer, blk_cap);
	case 106: return (long)sizeof(struct evbuffer_ptr);
	case 107: return (long)offsetof(struct evbuffer_ptr, internal_.chain);
	case 108: return (long)sizeof(struct evbuffer_iovec);
	case 109: return (long)offsetof(struct evbuffer_iovec, iov_len);
	case 110: return (long)offsetof(struct evbuffer, resv);
	case 111: return (long)GEV_BUF_COPY_MAX;
	}
	return -1;
}
