/*
 * util.c - evutil socket helpers. They are single system calls with no
 * state, so they stay in C and never load the Go core (a program may call
 * them before it forks). The rest of event2/util.h is in evutil_*.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/util.h>

#include "capi.h"

int evutil_make_socket_nonblocking(evutil_socket_t fd)
{
	int flags = fcntl(fd, F_GETFL, NULL);
	if (flags < 0) {
		gev_warnx("fcntl(%d, F_GETFL): %s", fd, strerror(errno));
		return -1;
	}
	if (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		gev_warnx("fcntl(%d, F_SETFL): %s", fd, strerror(errno));
		return -1;
	}
	return 0;
}

int evutil_closesocket(evutil_socket_t sock)
{
	return close(sock);
}

int evutil_socketpair(int family, int type, int protocol, evutil_socket_t fd[2])
{
	return socketpair(family, type, protocol, fd);
}

/* The listen-socket helpers are one setsockopt each; like libevent they
 * return its result and log nothing (errno tells the caller why). */
static int set_int_opt(evutil_socket_t sock, int level, int name)
{
	int one = 1;
	return setsockopt(sock, level, name, &one, (socklen_t)sizeof(one));
}

int evutil_make_listen_socket_reuseable(evutil_socket_t sock)
{
	return set_int_opt(sock, SOL_SOCKET, SO_REUSEADDR);
}

int evutil_make_listen_socket_reuseable_port(evutil_socket_t sock)
{
	return set_int_opt(sock, SOL_SOCKET, SO_REUSEPORT);
}

int evutil_make_listen_socket_ipv6only(evutil_socket_t sock)
{
	return set_int_opt(sock, IPPROTO_IPV6, IPV6_V6ONLY);
}

int evutil_make_tcp_listen_socket_deferred(evutil_socket_t sock)
{
	/* the kernel waits up to this many seconds for the first data */
	return set_int_opt(sock, IPPROTO_TCP, TCP_DEFER_ACCEPT);
}

int evutil_make_socket_closeonexec(evutil_socket_t fd)
{
	int flags = fcntl(fd, F_GETFD, NULL);
	if (flags < 0) {
		int e = errno;
		gev_warnx("fcntl(%d, F_GETFD): %s", fd, strerror(e));
		errno = e;
		return -1;
	}
	if (!(flags & FD_CLOEXEC) && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
		int e = errno;
		gev_warnx("fcntl(%d, F_SETFD): %s", fd, strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}
