/*
 * util.c - evutil socket helpers. They are single system calls with no
 * state, so they stay in C and never load the Go core (a program may call
 * them before it forks).
 */
#include <errno.h>
#include <fcntl.h>
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
