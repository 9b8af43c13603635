/* evutil_sockopts: evutil_make_listen_socket_reuseable, _reuseable_port,
 * _ipv6only, evutil_make_socket_closeonexec,
 * evutil_make_tcp_listen_socket_deferred: return values, the option read
 * back with getsockopt/fcntl, errno and log calls for bad descriptors and
 * sockets of the wrong kind. */
#include <event2/event.h>
#include <event2/util.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static int nlog;
static void logcb(int severity, const char *msg)
{
	(void)msg;
	nlog++;
	printf("  [log severity %d]\n", severity);
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EBADF: return "EBADF";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

static int opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);
	if (getsockopt(fd, level, name, &v, &l) != 0)
		return -100 - errno;
	return v;
}

static int cloexec(int fd)
{
	int f = fcntl(fd, F_GETFD);
	return f < 0 ? -1 : !!(f & FD_CLOEXEC);
}

#define CALL(expr) do {                                                      \
	int r_;                                                              \
	errno = 0;                                                           \
	r_ = (expr);                                                         \
	printf("%s = %d errno %s\n", #expr, r_, r_ ? errname(errno) : "-"); \
} while (0)

int main(void)
{
	int t4, t6, u, sp[2], p[2], f, bad;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_sockopts", 15);
	event_set_log_callback(logcb);

	t4 = socket(AF_INET, SOCK_STREAM, 0);
	t6 = socket(AF_INET6, SOCK_STREAM, 0);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0 || pipe(p) != 0 || t4 < 0 || u < 0)
		return 1;
	printf("have IPv6 sockets: %s\n", tc_yesno(t6 >= 0));
	bad = 1000;
	close(bad);

	printf("== evutil_make_listen_socket_reuseable\n");
	printf("before: SO_REUSEADDR %d\n", opt(t4, SOL_SOCKET, SO_REUSEADDR));
	CALL(evutil_make_listen_socket_reuseable(t4));
	printf("after: SO_REUSEADDR %s\n", opt(t4, SOL_SOCKET, SO_REUSEADDR) ? "on" : "off");
	CALL(evutil_make_listen_socket_reuseable(t4));
	CALL(evutil_make_listen_socket_reuseable(u));
	printf("udp: SO_REUSEADDR %s\n", opt(u, SOL_SOCKET, SO_REUSEADDR) ? "on" : "off");
	CALL(evutil_make_listen_socket_reuseable(sp[0]));
	CALL(evutil_make_listen_socket_reuseable(p[0]));
	CALL(evutil_make_listen_socket_reuseable(-1));
	CALL(evutil_make_listen_socket_reuseable(bad));

	printf("== evutil_make_listen_socket_reuseable_port\n");
	printf("before: SO_REUSEPORT %d\n", opt(t4, SOL_SOCKET, SO_REUSEPORT));
	CALL(evutil_make_listen_socket_reuseable_port(t4));
	printf("after: SO_REUSEPORT %s\n", opt(t4, SOL_SOCKET, SO_REUSEPORT) ? "on" : "off");
	CALL(evutil_make_listen_socket_reuseable_port(u));
	CALL(evutil_make_listen_socket_reuseable_port(p[1]));
	CALL(evutil_make_listen_socket_reuseable_port(-1));
	{
		/* two sockets with SO_REUSEPORT can bind the same port */
		struct sockaddr_in sin;
		socklen_t sl = sizeof(sin);
		int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0), rb;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		evutil_make_listen_socket_reuseable_port(a);
		evutil_make_listen_socket_reuseable_port(b);
		if (bind(a, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		    getsockname(a, (struct sockaddr *)&sin, &sl) == 0 && listen(a, 4) == 0) {
			rb = bind(b, (struct sockaddr *)&sin, sizeof(sin));
			printf("second socket binds the same port: %s\n", tc_yesno(rb == 0));
		} else {
			printf("first bind failed\n");
		}
		close(a);
		close(b);
	}

	printf("== evutil_make_listen_socket_ipv6only\n");
	if (t6 >= 0) {
		printf("before: IPV6_V6ONLY %d\n", opt(t6, IPPROTO_IPV6, IPV6_V6ONLY));
		CALL(evutil_make_listen_socket_ipv6only(t6));
		printf("after: IPV6_V6ONLY %s\n", opt(t6, IPPROTO_IPV6, IPV6_V6ONLY) ? "on" : "off");
	}
	CALL(evutil_make_listen_socket_ipv6only(t4));
	CALL(evutil_make_listen_socket_ipv6only(sp[0]));
	CALL(evutil_make_listen_socket_ipv6only(p[0]));
	CALL(evutil_make_listen_socket_ipv6only(-1));

	printf("== evutil_make_tcp_listen_socket_deferred\n");
	printf("before: TCP_DEFER_ACCEPT %d\n", opt(t4, IPPROTO_TCP, TCP_DEFER_ACCEPT));
	CALL(evutil_make_tcp_listen_socket_deferred(t4));
	printf("after: TCP_DEFER_ACCEPT set: %s\n", tc_yesno(opt(t4, IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0));
	if (t6 >= 0) {
		CALL(evutil_make_tcp_listen_socket_deferred(t6));
		printf("inet6 after: TCP_DEFER_ACCEPT set: %s\n", tc_yesno(opt(t6, IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0));
	}
	CALL(evutil_make_tcp_listen_socket_deferred(sp[0]));
	CALL(evutil_make_tcp_listen_socket_deferred(p[0]));
	CALL(evutil_make_tcp_listen_socket_deferred(-1));
	printf("log calls so far: %d\n", nlog);

	printf("== evutil_make_socket_closeonexec\n");
	printf("before: %d\n", cloexec(t4));
	CALL(evutil_make_socket_closeonexec(t4));
	printf("after: %d\n", cloexec(t4));
	CALL(evutil_make_socket_closeonexec(t4));
	printf("again: %d\n", cloexec(t4));
	CALL(evutil_make_socket_closeonexec(p[0]));
	printf("pipe: %d other end: %d\n", cloexec(p[0]), cloexec(p[1]));
	f = fcntl(sp[0], F_GETFL);
	CALL(evutil_make_socket_closeonexec(sp[0]));
	printf("status flags untouched: %s\n", tc_yesno(fcntl(sp[0], F_GETFL) == f));
	CALL(evutil_make_socket_closeonexec(-1));
	printf("log calls after bad fd: %d\n", nlog);
	CALL(evutil_make_socket_closeonexec(bad));
	printf("log calls: %d\n", nlog);

	close(t4);
	if (t6 >= 0)
		close(t6);
	close(u);
	close(sp[0]);
	close(sp[1]);
	close(p[0]);
	close(p[1]);
	printf("done\n");
	return 0;
}
