/* evutil_basic: evutil_socketpair, evutil_make_socket_nonblocking,
 * evutil_closesocket, EVUTIL_SOCKET_ERROR: return values, errno, flags. */
#include <event2/event.h>
#include <event2/util.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EBADF: return "EBADF";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EINVAL: return "EINVAL";
	case ENOTSOCK: return "ENOTSOCK";
	default: return "other";
	}
}

static int nonblocking(int fd) { int f = fcntl(fd, F_GETFL); return f != -1 && (f & O_NONBLOCK); }

int main(void)
{
	evutil_socket_t sv[2];
	int p[2], r, type;
	socklen_t tl = sizeof(type);
	char buf[16];
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_basic", 15);
	tc_log_capture();

	printf("== evutil_socketpair\n");
	r = evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	printf("AF_UNIX/SOCK_STREAM: %d fds valid: %s distinct: %s\n", r,
	    tc_yesno(tc_fd_open(sv[0]) && tc_fd_open(sv[1])), tc_yesno(sv[0] != sv[1]));
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &tl);
	printf("type is SOCK_STREAM: %s blocking by default: %s\n", tc_yesno(type == SOCK_STREAM),
	    tc_yesno(!nonblocking(sv[0]) && !nonblocking(sv[1])));
	n = send(sv[0], "ping", 4, 0);
	memset(buf, 0, sizeof(buf));
	n = recv(sv[1], buf, sizeof(buf), 0);
	printf("0->1: %d '%s'\n", (int)n, buf);
	n = send(sv[1], "pong!", 5, 0);
	memset(buf, 0, sizeof(buf));
	n = recv(sv[0], buf, sizeof(buf), 0);
	printf("1->0: %d '%s'\n", (int)n, buf);

	printf("== evutil_make_socket_nonblocking\n");
	r = evutil_make_socket_nonblocking(sv[0]);
	printf("on socket: %d nonblocking: %s other end untouched: %s\n", r, tc_yesno(nonblocking(sv[0])),
	    tc_yesno(!nonblocking(sv[1])));
	r = evutil_make_socket_nonblocking(sv[0]);
	printf("again: %d nonblocking: %s\n", r, tc_yesno(nonblocking(sv[0])));
	errno = 0;
	n = recv(sv[0], buf, sizeof(buf), 0);
	printf("recv on empty nonblocking socket: %d EAGAIN: %s\n", (int)n,
	    tc_yesno(errno == EAGAIN || errno == EWOULDBLOCK));
	if (pipe(p) != 0)
		return 1;
	r = evutil_make_socket_nonblocking(p[0]);
	printf("on a pipe: %d nonblocking: %s\n", r, tc_yesno(nonblocking(p[0])));
	printf("log calls so far: %d\n", tc_log_.n);

	printf("== evutil_closesocket\n");
	r = evutil_closesocket(sv[0]);
	printf("close: %d still open: %s\n", r, tc_yesno(tc_fd_open(sv[0])));
	n = recv(sv[1], buf, sizeof(buf), 0);
	printf("peer sees EOF: %s\n", tc_yesno(n == 0));
	errno = 0;
	r = evutil_closesocket(sv[0]);
	printf("close again: %d error: %s EVUTIL_SOCKET_ERROR: %s\n", r, errname(errno),
	    errname(EVUTIL_SOCKET_ERROR()));
	r = evutil_closesocket(p[0]);
	printf("close a pipe end: %d\n", r);
	close(p[1]);
	evutil_closesocket(sv[1]);

	printf("== other socketpair types\n");
	r = evutil_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &tl);
	printf("AF_UNIX/SOCK_DGRAM: %d type ok: %s\n", r, tc_yesno(type == SOCK_DGRAM));
	send(sv[0], "a", 1, 0);
	send(sv[0], "bc", 2, 0);
	n = recv(sv[1], buf, sizeof(buf), 0);
	printf("datagram 1: %d", (int)n);
	n = recv(sv[1], buf, sizeof(buf), 0);
	printf(" datagram 2: %d\n", (int)n);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	sv[0] = sv[1] = -7;
	errno = 0;
	r = evutil_socketpair(AF_INET, SOCK_STREAM, 0, sv);
	printf("AF_INET/SOCK_STREAM: %d error: %s\n", r, r == 0 ? "0" : errname(errno));
	if (r == 0) {
		evutil_closesocket(sv[0]);
		evutil_closesocket(sv[1]);
	}
	printf("log calls: %d\n", tc_log_.n);
	printf("done\n");
	return 0;
}
