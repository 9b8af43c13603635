/*
 * bufferevent.c - bufferevent entry points. The state machine lives in the
 * Go core; fields a program may read itself (struct bufferevent is public)
 * are kept current there, so the accessors below read them with no crossing.
 */
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>

#include "capi.h"

_Static_assert(sizeof(struct bufferevent) == GEV_BEV_PRIV_OFF, "struct bufferevent must stay 392 bytes");

static int bev_check(const struct bufferevent *bev, const char *fn)
{
	if (!bev) {
		gev_warnx("%s: NULL bufferevent", fn);
		return 0;
	}
	const struct gev_bev_private *priv =
	    (const struct gev_bev_private *)((const char *)bev + GEV_BEV_PRIV_OFF);
	if (priv->magic != GEV_BEV_LIVE) {
		gev_warnx("%s: %p is not a live bufferevent (freed?)", fn, (const void *)bev);
		return 0;
	}
	return 1;
}

struct bufferevent *bufferevent_socket_new(struct event_base *base, evutil_socket_t fd, int options)
{
	if (gev_base_adopt(base, "bufferevent_socket_new") < 0)
		return NULL;
	return gev_ops.bev_socket_new(base, fd, options);
}

void bufferevent_free(struct bufferevent *bev)
{
	if (bev_check(bev, "bufferevent_free") && gev_core_ready("bufferevent_free") == 0)
		gev_ops.bev_free(bev);
}

void bufferevent_setcb(struct bufferevent *bev, bufferevent_data_cb readcb,
    bufferevent_data_cb writecb, bufferevent_event_cb eventcb, void *cbarg)
{
	if (!bev_check(bev, "bufferevent_setcb"))
		return;
	/* The core reads these fields each time it calls back. */
	bev->readcb = readcb;
	bev->writecb = writecb;
	bev->errorcb = eventcb;
	bev->cbarg = cbarg;
}

int bufferevent_enable(struct bufferevent *bev, short event)
{
	if (!bev_check(bev, "bufferevent_enable") || gev_core_ready("bufferevent_enable") < 0)
		return -1;
	return gev_ops.bev_enable(bev, event);
}

int bufferevent_disable(struct bufferevent *bev, short event)
{
	if (!bev_check(bev, "bufferevent_disable") || gev_core_ready("bufferevent_disable") < 0)
		return -1;
	return gev_ops.bev_disable(bev, event);
}

short bufferevent_get_enabled(struct bufferevent *bev)
{
	return bev_check(bev, "bufferevent_get_enabled") ? bev->enabled : 0;
}

struct evbuffer *bufferevent_get_input(struct bufferevent *bufev)
{
	return bev_check(bufev, "bufferevent_get_input") ? bufev->input : NULL;
}

struct evbuffer *bufferevent_get_output(struct bufferevent *bufev)
{
	return bev_check(bufev, "bufferevent_get_output") ? bufev->output : NULL;
}

struct event_base *bufferevent_get_base(struct bufferevent *bev)
{
	return bev_check(bev, "bufferevent_get_base") ? bev->ev_base : NULL;
}

evutil_socket_t bufferevent_getfd(struct bufferevent *bev)
{
	return bev_check(bev, "bufferevent_getfd") ? bev->ev_read.ev_fd : -1;
}

int bufferevent_write(struct bufferevent *bufev, const void *data, size_t size)
{
	if (!bev_check(bufev, "bufferevent_write") || gev_core_ready("bufferevent_write") < 0)
		return -1;
	return gev_ops.bev_write(bufev, (void *)data, size);
}

int bufferevent_write_buffer(struct bufferevent *bufev, struct evbuffer *buf)
{
	if (!bev_check(bufev, "bufferevent_write_buffer") || gev_core_ready("bufferevent_write_buffer") < 0)
		return -1;
	return gev_ops.bev_write_buffer(bufev, buf);
}

size_t bufferevent_read(struct bufferevent *bufev, void *data, size_t size)
{
	if (!bev_check(bufev, "bufferevent_read") || gev_core_ready("bufferevent_read") < 0)
		return 0;
	return gev_ops.bev_read(bufev, data, size);
}

int bufferevent_read_buffer(struct bufferevent *bufev, struct evbuffer *buf)
{
	if (!bev_check(bufev, "bufferevent_read_buffer") || gev_core_ready("bufferevent_read_buffer") < 0)
		return -1;
	return gev_ops.bev_read_buffer(bufev, buf);
}
