/* listener_opts: evconnlistener_new_bind with each LEV_OPT_* flag
 * (CLOSE_ON_FREE, CLOSE_ON_EXEC, REUSEABLE, REUSEABLE_PORT, THREADSAFE,
 * DISABLED, DEFERRED_ACCEPT, LEAVE_SOCKETS_BLOCKING, BIND_IPV6ONLY), on
 * IPv4, IPv6 (::1) and unix sockets, and recovery after accept fails with
 * EMFILE with and without an error callback. */
#include <event2/event.h>
#include <event2/listener.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static int accepted, errors, errors_not_emfile, last_family, last_blocking, last_cloexec, accepted_fds[64];

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)l; (void)len; (void)arg;
	last_family = sa->sa_family;
	last_blocking = !(fcntl(fd, F_GETFL) & O_NONBLOCK);
	last_cloexec = (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
	if (accepted < 64)
		accepted_fds[accepted] = fd;
	else
		close(fd);
	accepted++;
}

static void error_cb(struct evconnlistener *l, void *arg)
{
	(void)l; (void)arg;
	/* libevent calls it on every loop pass while the condition lasts */
	errors++;
	if (errno != EMFILE)
		errors_not_emfile++;
}

static void close_accepted(void)
{
	int i;
	for (i = 0; i < accepted && i < 64; i++)
		close(accepted_fds[i]);
	accepted = 0;
}

static void run_ms(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static int opt(int fd, int level, int name)
{
	int v = 0;
	socklen_t l = sizeof(v);
	if (getsockopt(fd, level, name, &v, &l) != 0)
		return -1;
	return v != 0;
}

static const char *yesno(int v)
{
	return v < 0 ? "error" : v ? "yes" : "no";
}

static int connect_to(const struct sockaddr *sa, socklen_t len)
{
	int fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (connect(fd, sa, len) != 0) {
		printf("  connect failed: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static struct evconnlistener *bind4(unsigned flags, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	struct evconnlistener *l;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x7f000001);
	l = evconnlistener_new_bind(base, accept_cb, NULL, flags, -1, (struct sockaddr *)sin, sizeof(*sin));
	if (l)
		getsockname(evconnlistener_get_fd(l), (struct sockaddr *)sin, &len);
	return l;
}

int main(void)
{
	struct sockaddr_in sin, sin2;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	struct evconnlistener *l, *l2;
	socklen_t len;
	int fd, c, c2, i, lfd;
	char path[64];
	struct rlimit rl, saved;
	int fill[64], nfill;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("listener_opts", 20);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();

	printf("== no flags\n");
	l = bind4(0, &sin);
	lfd = evconnlistener_get_fd(l);
	printf("cloexec: %s reuseaddr: %s reuseport: %s keepalive: %s defer_accept: %s\n",
	    yesno((fcntl(lfd, F_GETFD) & FD_CLOEXEC) != 0), yesno(opt(lfd, SOL_SOCKET, SO_REUSEADDR)),
	    yesno(opt(lfd, SOL_SOCKET, SO_REUSEPORT)), yesno(opt(lfd, SOL_SOCKET, SO_KEEPALIVE)),
	    yesno(opt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT)));
	c = connect_to((struct sockaddr *)&sin, sizeof(sin));
	run_ms(100);
	printf("accepted=%d family inet: %s blocking: %s cloexec: %s\n", accepted, yesno(last_family == AF_INET),
	    yesno(last_blocking), yesno(last_cloexec));
	close_accepted();
	close(c);
	evconnlistener_free(l);
	printf("without CLOSE_ON_FREE the socket stays open: %s\n", yesno(fcntl(lfd, F_GETFD) != -1));
	close(lfd);

	printf("== LEV_OPT_CLOSE_ON_EXEC|LEV_OPT_CLOSE_ON_FREE\n");
	l = bind4(LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_CLOSE_ON_FREE, &sin);
	lfd = evconnlistener_get_fd(l);
	printf("listener cloexec: %s\n", yesno((fcntl(lfd, F_GETFD) & FD_CLOEXEC) != 0));
	c = connect_to((struct sockaddr *)&sin, sizeof(sin));
	run_ms(100);
	printf("accepted=%d cloexec: %s blocking: %s\n", accepted, yesno(last_cloexec), yesno(last_blocking));
	close_accepted();
	close(c);
	evconnlistener_free(l);
	printf("closed on free: %s\n", yesno(fcntl(lfd, F_GETFD) == -1));

	printf("== LEV_OPT_LEAVE_SOCKETS_BLOCKING\n");
	l = bind4(LEV_OPT_LEAVE_SOCKETS_BLOCKING | LEV_OPT_CLOSE_ON_FREE, &sin);
	c = connect_to((struct sockaddr *)&sin, sizeof(sin));
	run_ms(100);
	printf("accepted=%d blocking: %s\n", accepted, yesno(last_blocking));
	close_accepted();
	close(c);
	evconnlistener_free(l);

	printf("== LEV_OPT_REUSEABLE and LEV_OPT_REUSEABLE_PORT\n");
	l = bind4(LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, &sin);
	lfd = evconnlistener_get_fd(l);
	printf("reuseaddr: %s reuseport: %s\n", yesno(opt(lfd, SOL_SOCKET, SO_REUSEADDR)),
	    yesno(opt(lfd, SOL_SOCKET, SO_REUSEPORT)));
	sin2 = sin;
	l2 = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, -1,
	    (struct sockaddr *)&sin2, sizeof(sin2));
	printf("second listener on the same port with REUSEABLE only: %s\n", l2 ? "non-NULL" : "NULL");
	if (l2)
		evconnlistener_free(l2);
	evconnlistener_free(l);
	l = bind4(LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_FREE, &sin);
	lfd = evconnlistener_get_fd(l);
	printf("reuseport: %s\n", yesno(opt(lfd, SOL_SOCKET, SO_REUSEPORT)));
	sin2 = sin;
	l2 = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_FREE, -1,
	    (struct sockaddr *)&sin2, sizeof(sin2));
	printf("second listener on the same port with REUSEABLE_PORT: %s\n", l2 ? "non-NULL" : "NULL");
	for (i = 0; i < 4; i++) {
		c = connect_to((struct sockaddr *)&sin, sizeof(sin));
		run_ms(30);
		close(c);
	}
	printf("accepted across both: %d\n", accepted);
	close_accepted();
	if (l2)
		evconnlistener_free(l2);
	evconnlistener_free(l);

	printf("== LEV_OPT_THREADSAFE\n");
	l = bind4(LEV_OPT_THREADSAFE | LEV_OPT_CLOSE_ON_FREE, &sin);
	printf("new_bind: %s\n", l ? "non-NULL" : "NULL");
	c = connect_to((struct sockaddr *)&sin, sizeof(sin));
	run_ms(100);
	printf("accepted=%d\n", accepted);
	close_accepted();
	close(c);
	evconnlistener_free(l);

	printf("== LEV_OPT_DISABLED\n");
	l = bind4(LEV_OPT_DISABLED | LEV_OPT_CLOSE_ON_FREE, &sin);
	c = connect_to((struct sockaddr *)&sin, sizeof(sin));
	run_ms(100);
	printf("while disabled: accepted=%d\n", accepted);
	printf("enable: %d\n", evconnlistener_enable(l));
	run_ms(100);
	printf("after enable: accepted=%d\n", accepted);
	close_accepted();
	close(c);
	evconnlistener_free(l);

	printf("== LEV_OPT_DEFERRED_ACCEPT\n");
	l = bind4(LEV_OPT_DEFERRED_ACCEPT | LEV_OPT_CLOSE_ON_FREE, &sin);
	lfd = evconnlistener_get_fd(l);
	printf("TCP_DEFER_ACCEPT set: %s\n", yesno(opt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT)));
	c = connect_to((struct sockaddr *)&sin, sizeof(sin));
	run_ms(150);
	printf("connected, no data yet: accepted=%d\n", accepted);
	if (send(c, "hi", 2, 0) != 2)
		return 1;
	run_ms(150);
	printf("after data: accepted=%d\n", accepted);
	close_accepted();
	close(c);
	evconnlistener_free(l);

	printf("== IPv6 ::1, with and without LEV_OPT_BIND_IPV6ONLY\n");
	for (i = 0; i < 2; i++) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_addr = in6addr_loopback;
		l = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE | (i ? LEV_OPT_BIND_IPV6ONLY : 0),
		    -1, (struct sockaddr *)&sin6, sizeof(sin6));
		printf("new_bind(::1%s): %s\n", i ? ", IPV6ONLY" : "", l ? "non-NULL" : "NULL");
		if (!l)
			continue;
		lfd = evconnlistener_get_fd(l);
		len = sizeof(sin6);
		getsockname(lfd, (struct sockaddr *)&sin6, &len);
		if (i) /* without the flag it follows net.ipv6.bindv6only */
			printf("IPV6_V6ONLY: %s\n", yesno(opt(lfd, IPPROTO_IPV6, IPV6_V6ONLY)));
		c = connect_to((struct sockaddr *)&sin6, sizeof(sin6));
		run_ms(100);
		printf("accepted=%d family inet6: %s\n", accepted, yesno(last_family == AF_INET6));
		close_accepted();
		close(c);
		evconnlistener_free(l);
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_any;
	l = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_BIND_IPV6ONLY, -1,
	    (struct sockaddr *)&sin6, sizeof(sin6));
	if (l) {
		len = sizeof(sin6);
		getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&sin6, &len);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(0x7f000001);
		sin.sin_port = sin6.sin6_port;
		fd = socket(AF_INET, SOCK_STREAM, 0);
		printf("[::] with IPV6ONLY refuses IPv4 clients: %s\n",
		    yesno(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno == ECONNREFUSED));
		close(fd);
		evconnlistener_free(l);
	}

	printf("== unix socket\n");
	snprintf(path, sizeof(path), "/tmp/listener_opts.%d.sock", (int)getpid());
	unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	l = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sun,
	    sizeof(sun));
	printf("new_bind(unix): %s\n", l ? "non-NULL" : "NULL");
	c = connect_to((struct sockaddr *)&sun, sizeof(sun));
	c2 = connect_to((struct sockaddr *)&sun, sizeof(sun));
	run_ms(100);
	printf("accepted=%d family unix: %s\n", accepted, yesno(last_family == AF_UNIX));
	close_accepted();
	close(c);
	close(c2);
	evconnlistener_free(l);
	unlink(path);

	printf("== EMFILE, then descriptors free up\n");
	for (i = 0; i < 2; i++) {
		l = bind4(LEV_OPT_CLOSE_ON_FREE, &sin);
		if (i == 0)
			evconnlistener_set_error_cb(l, error_cb);
		c = socket(AF_INET, SOCK_STREAM, 0);
		getrlimit(RLIMIT_NOFILE, &saved);
		/* use up every descriptor below the limit */
		nfill = 0;
		rl = saved;
		rl.rlim_cur = (rlim_t)c + 4;
		setrlimit(RLIMIT_NOFILE, &rl);
		while (nfill < 64 && (fd = dup(0)) >= 0)
			fill[nfill++] = fd;
		errors = 0;
		if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) != 0)
			printf("  connect failed\n");
		run_ms(150);
		printf("%s: accepted=%d error_cb called: %s, always with EMFILE: %s\n",
		    i == 0 ? "with an error callback" : "without one", accepted, yesno(errors > 0),
		    yesno(errors_not_emfile == 0));
		while (nfill > 0)
			close(fill[--nfill]);
		setrlimit(RLIMIT_NOFILE, &saved);
		run_ms(300);
		printf("after freeing descriptors: accepted=%d\n", accepted);
		close_accepted();
		close(c);
		evconnlistener_free(l);
	}

	event_base_free(base);
	printf("done\n");
	return 0;
}
