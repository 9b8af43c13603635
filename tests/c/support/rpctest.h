/* rpctest.h — helpers shared by the evrpc cases (tests/c/cases/rpc_*, and
 * tests/c/ours/rpc_misuse): the evhttp server they register their RPCs on,
 * a guard timer's callback, and the names of struct evrpc_status's errors.
 *
 * Same rules as testcase.h: `static inline`, only public APIs (libevent's
 * and libc), names start with tc_. Include it after testcase.h. */
#ifndef GOEVENT_TESTS_C_RPCTEST_H
#define GOEVENT_TESTS_C_RPCTEST_H

#include <event2/event.h>
#include <event2/http.h>
#include <event2/rpc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

/* An evhttp on base, bound to 127.0.0.1 with a kernel-chosen port, whose
 * address *sin becomes. NULL (after printing "cannot bind") if it cannot
 * bind. */
static inline struct evhttp *tc_rpc_http(struct event_base *base, struct sockaddr_in *sin)
{
	struct evhttp *http = evhttp_new(base);
	struct evhttp_bound_socket *sock = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	socklen_t len = sizeof *sin;
	if (!sock || getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)sin, &len) != 0) {
		printf("cannot bind\n");
		return NULL;
	}
	return http;
}

/* A guard timer's callback; arg is the base it stops. */
static inline void tc_rpc_guard_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	printf("guard timer: giving up\n");
	event_base_loopbreak((struct event_base *)arg);
}

/* EVRPC_STATUS_ERR_* without the prefix: "NONE", "TIMEOUT", ... */
static inline const char *tc_rpc_status_name(int e)
{
	switch (e) {
	case EVRPC_STATUS_ERR_NONE: return "NONE";
	case EVRPC_STATUS_ERR_TIMEOUT: return "TIMEOUT";
	case EVRPC_STATUS_ERR_BADPAYLOAD: return "BADPAYLOAD";
	case EVRPC_STATUS_ERR_UNSTARTED: return "UNSTARTED";
	case EVRPC_STATUS_ERR_HOOKABORTED: return "HOOKABORTED";
	default: return "?";
	}
}

#endif /* GOEVENT_TESTS_C_RPCTEST_H */
