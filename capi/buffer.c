/*
 * buffer.c - evbuffer entry points. The buffer lives in the Go core; its C
 * handle mirrors the length so evbuffer_get_length costs no crossing.
 */
#include <event2/buffer.h>

#include "capi.h"

static int buf_check(const struct evbuffer *buf, const char *fn)
{
	if (!buf) {
		gev_warnx("%s: NULL evbuffer", fn);
		return 0;
	}
	if (buf->magic != GEV_EVBUFFER_LIVE) {
		gev_warnx("%s: %p is not a live evbuffer (freed?)", fn, (const void *)buf);
		return 0;
	}
	return 1;
}

struct evbuffer *evbuffer_new(void)
{
	if (gev_core_ready("evbuffer_new") < 0)
		return NULL;
	return gev_ops.evbuffer_new();
}

void evbuffer_free(struct evbuffer *buf)
{
	if (buf_check(buf, "evbuffer_free") && gev_core_ready("evbuffer_free") == 0)
		gev_ops.evbuffer_free(buf);
}

size_t evbuffer_get_length(const struct evbuffer *buf)
{
	return buf_check(buf, "evbuffer_get_length") ? buf->total_len : 0;
}

int evbuffer_add(struct evbuffer *buf, const void *data, size_t datlen)
{
	if (!buf_check(buf, "evbuffer_add") || gev_core_ready("evbuffer_add") < 0)
		return -1;
	return gev_ops.evbuffer_add(buf, (void *)data, datlen);
}

int evbuffer_add_buffer(struct evbuffer *outbuf, struct evbuffer *inbuf)
{
	if (!buf_check(outbuf, "evbuffer_add_buffer") || !buf_check(inbuf, "evbuffer_add_buffer") ||
	    gev_core_ready("evbuffer_add_buffer") < 0)
		return -1;
	return gev_ops.evbuffer_add_buffer(outbuf, inbuf);
}

int evbuffer_drain(struct evbuffer *buf, size_t len)
{
	if (!buf_check(buf, "evbuffer_drain") || gev_core_ready("evbuffer_drain") < 0)
		return -1;
	return gev_ops.evbuffer_drain(buf, len);
}

int evbuffer_remove(struct evbuffer *buf, void *data, size_t datlen)
{
	if (!buf_check(buf, "evbuffer_remove") || gev_core_ready("evbuffer_remove") < 0)
		return -1;
	return gev_ops.evbuffer_remove(buf, data, datlen);
}

ev_ssize_t evbuffer_copyout(struct evbuffer *buf, void *data_out, size_t datlen)
{
	if (!buf_check(buf, "evbuffer_copyout") || gev_core_ready("evbuffer_copyout") < 0)
		return -1;
	return gev_ops.evbuffer_copyout(buf, data_out, datlen);
}

unsigned char *evbuffer_pullup(struct evbuffer *buf, ev_ssize_t size)
{
	if (!buf_check(buf, "evbuffer_pullup") || gev_core_ready("evbuffer_pullup") < 0)
		return NULL;
	return gev_ops.evbuffer_pullup(buf, size);
}
