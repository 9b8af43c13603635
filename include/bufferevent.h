/*
 * goevent -- bufferevent.h
 *
 * Convenience umbrella for goevent's core: the event loop, evbuffers,
 * bufferevents, connection listeners and the utility helpers.
 */
#ifndef GOEVENT_BUFFEREVENT_H_INCLUDED_
#define GOEVENT_BUFFEREVENT_H_INCLUDED_

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <event2/util.h>

#endif /* GOEVENT_BUFFEREVENT_H_INCLUDED_ */
