/*
 * goevent -- event2/http_struct.h
 *
 * The layout of struct evhttp_request, for programs that read its fields
 * directly (prefer the evhttp_request_get_* accessors of event2/http.h).
 */
#ifndef EVENT2_HTTP_STRUCT_H_INCLUDED_
#define EVENT2_HTTP_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>
/* enum evhttp_request_kind, enum evhttp_cmd_type, enum evhttp_request_error */
#include <event2/http.h>

/* One HTTP request or reply, as received or to be sent. */
struct evhttp_request {
#if defined(TAILQ_ENTRY)
	TAILQ_ENTRY(evhttp_request) next;
#else
struct {
	struct evhttp_request *tqe_next;
	struct evhttp_request **tqe_prev;
}       next;
#endif

	/* The connection the request travels on (NULL once it has none). */
	struct evhttp_connection *evcon;
	int flags;
/* The request frees its connection when done (server side). */
#define EVHTTP_REQ_OWN_CONNECTION	0x0001
/* The request names a host this server does not serve (a proxy request). */
#define EVHTTP_PROXY_REQUEST		0x0002
/* evhttp_request_own() was called: the program frees the request. */
#define EVHTTP_USER_OWNED		0x0004
/* A callback is running: a free now is done when it returns. */
#define EVHTTP_REQ_DEFER_FREE		0x0008
/* A free was asked for while EVHTTP_REQ_DEFER_FREE was set. */
#define EVHTTP_REQ_NEEDS_FREE		0x0010

	struct evkeyvalq *input_headers;
	struct evkeyvalq *output_headers;

	/* The peer's address and port (server side). */
	char *remote_host;
	ev_uint16_t remote_port;

	/* What evhttp_request_get_host() returned, when it had to be built. */
	char *host_cache;

	enum evhttp_request_kind kind;
	enum evhttp_cmd_type type;

	size_t headers_size;
	size_t body_size;

	char *uri;			/* the URI of the request line */
	struct evhttp_uri *uri_elems;	/* the same, split into parts */

	char major;			/* HTTP version */
	char minor;

	int response_code;		/* status code of the reply */
	char *response_code_line;	/* its reason phrase */

	struct evbuffer *input_buffer;	/* the body received */
	ev_int64_t ntoread;		/* body bytes still expected (-1: unknown) */
	unsigned chunked:1,		/* the body is sent or read chunked */
	    userdone:1;			/* the program has sent the whole reply */

	struct evbuffer *output_buffer;	/* the body to send */

	/* Completion callback and its argument. */
	void (*cb)(struct evhttp_request *, void *);
	void *cb_arg;

	/* Called for each part of the body as it arrives (with cb_arg). */
	void (*chunk_cb)(struct evhttp_request *, void *);

	/* Called once the headers are read (with cb_arg); a negative return
	 * closes the connection. */
	int (*header_cb)(struct evhttp_request *, void *);

	/* Called when the request fails (with cb_arg). */
	void (*error_cb)(enum evhttp_request_error, void *);

	/* Called once the reply has been written (server side). */
	void (*on_complete_cb)(struct evhttp_request *, void *);
	void *on_complete_cb_arg;
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_STRUCT_H_INCLUDED_ */
