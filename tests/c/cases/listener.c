/* listener: evconnlistener_new_bind/new/free/get_fd/enable/disable/set_cb/
 * set_error_cb on 127.0.0.1 port 0: socket flags, callback arguments, accept
 * order, disable/enable, NULL callback (connections are accepted and closed),
 * listener created without a callback, accept errors (EMFILE) to the error
 * callback, freeing the listener inside its callback. */
#include <event2/event.h>
#include <event2/listener.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;

#define MAXC 16
static int client_fd[MAXC];
static unsigned short client_port[MAXC];
static int nclients;
static char accepted[64];
static int accept_calls, want_accepts, accept_arg_bad;
static struct evconnlistener *expect_lev;
static int check_flags;

static int has_fl(int fd, int fl) { int f = fcntl(fd, F_GETFL); return f != -1 && (f & fl); }
static int has_cloexec(int fd) { int f = fcntl(fd, F_GETFD); return f != -1 && (f & FD_CLOEXEC); }

static unsigned short lport(struct evconnlistener *lev)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	if (getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &len) != 0)
		return 0;
	return ntohs(sin.sin_port);
}

static int connect_client(unsigned short port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		printf("connect failed: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&sin, &len);
	client_fd[nclients] = fd;
	client_port[nclients] = ntohs(sin.sin_port);
	return nclients++;
}

static void accept_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
    int socklen, void *arg)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	int i, who = -1;
	char tag[8];
	accept_calls++;
	if (arg != (void *)&base || (expect_lev && lev != expect_lev))
		accept_arg_bad++;
	for (i = 0; i < nclients; i++)
		if (client_port[i] == ntohs(sin->sin_port))
			who = i;
	snprintf(tag, sizeof(tag), "%d,", who);
	strncat(accepted, tag, sizeof(accepted) - strlen(accepted) - 1);
	if (check_flags) {
		printf("  accept_cb: socklen_ok=%s family_inet=%s addr=%s nonblocking=%s cloexec=%s\n",
		    socklen == (int)sizeof(struct sockaddr_in) ? "yes" : "no",
		    sa->sa_family == AF_INET ? "yes" : "no",
		    sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "127.0.0.1" : "other",
		    has_fl(fd, O_NONBLOCK) ? "yes" : "no", has_cloexec(fd) ? "yes" : "no");
		check_flags = 0;
	}
	evutil_closesocket(fd);
	if (want_accepts && accept_calls >= want_accepts)
		event_base_loopbreak(base);
}

static int err_calls, err_errno, accepts_after_err;
static struct rlimit saved_lim;
static void error_cb(struct evconnlistener *lev, void *arg)
{
	err_calls++;
	err_errno = EVUTIL_SOCKET_ERROR();
	if (arg != (void *)&base || lev != expect_lev)
		accept_arg_bad++;
	setrlimit(RLIMIT_NOFILE, &saved_lim);
}

static void freeing_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
    int socklen, void *arg)
{
	(void)sa; (void)socklen; (void)arg;
	accept_calls++;
	evutil_closesocket(fd);
	evconnlistener_free(lev);
	printf("  freeing_cb: freed the listener inside its callback\n");
}

static int peer_closed(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
	if (n == 0)
		return 1;                /* EOF */
	if (n < 0 && errno == ECONNRESET)
		return 1;
	return 0;
}

static void client_readable_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	event_base_loopbreak(base);
}

int main(void)
{
	struct evconnlistener *lev, *lev2, *lev3;
	struct sockaddr_in sin;
	struct event *cev;
	int r, i, c, fd, one = 0;
	socklen_t ol = sizeof(one);
	unsigned short port;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("listener", 15);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = 0;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	printf("== evconnlistener_new_bind\n");
	lev = evconnlistener_new_bind(base, accept_cb, &base, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
	    -1, (struct sockaddr *)&sin, sizeof(sin));
	expect_lev = lev;
	printf("new_bind: %s\n", lev ? "non-NULL" : "NULL");
	if (!lev)
		return 1;
	fd = evconnlistener_get_fd(lev);
	port = lport(lev);
	getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, &ol);
	printf("get_fd valid: %s port nonzero: %s nonblocking: %s cloexec: %s reuseaddr: %s\n",
	    fd >= 0 && tc_fd_open(fd) ? "yes" : "no", port ? "yes" : "no", has_fl(fd, O_NONBLOCK) ? "yes" : "no",
	    has_cloexec(fd) ? "yes" : "no", one ? "yes" : "no");

	printf("== three clients connect before the loop runs\n");
	for (i = 0; i < 3; i++)
		connect_client(port);
	check_flags = 1;
	want_accepts = 3;
	tc_dispatch_for(base, 3000);
	printf("accepted=%d order=%s args_ok=%s\n", accept_calls, accepted, accept_arg_bad ? "no" : "yes");

	printf("== disable / enable\n");
	r = evconnlistener_disable(lev);
	printf("disable: %d\n", r);
	accept_calls = 0;
	accepted[0] = 0;
	want_accepts = 1;
	c = connect_client(port);
	tc_dispatch_for(base, 200);
	printf("while disabled: accepted=%d\n", accept_calls);
	r = evconnlistener_disable(lev);
	printf("disable again: %d\n", r);
	r = evconnlistener_enable(lev);
	printf("enable: %d\n", r);
	tc_dispatch_for(base, 3000);
	printf("after enable: accepted=%d order=%s (client %d)\n", accept_calls, accepted, c);
	r = evconnlistener_enable(lev);
	printf("enable again: %d\n", r);

	printf("== set_cb(NULL): connections are accepted and closed\n");
	evconnlistener_set_cb(lev, NULL, NULL);
	accept_calls = 0;
	c = connect_client(port);
	evutil_make_socket_nonblocking(client_fd[c]);
	cev = event_new(base, client_fd[c], EV_READ, client_readable_cb, NULL);
	event_add(cev, NULL);
	tc_dispatch_for(base, 3000);
	event_free(cev);
	printf("accept_cb calls=%d client saw close: %s\n", accept_calls, peer_closed(client_fd[c]) ? "yes" : "no");
	evconnlistener_set_cb(lev, accept_cb, &base);
	accepted[0] = 0;
	c = connect_client(port);
	tc_dispatch_for(base, 3000);
	printf("set_cb back: accepted=%d order=%s (client %d)\n", accept_calls, accepted, c);

	printf("== listener created without a callback\n");
	lev2 = evconnlistener_new_bind(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
	    16, (struct sockaddr *)&sin, sizeof(sin));
	printf("new_bind(cb=NULL): %s cloexec: %s\n", lev2 ? "non-NULL" : "NULL",
	    has_cloexec(evconnlistener_get_fd(lev2)) ? "yes" : "no");
	c = connect_client(lport(lev2));
	tc_dispatch_for(base, 200);
	printf("client not closed (left in backlog): %s\n", peer_closed(client_fd[c]) ? "no" : "yes");
	expect_lev = lev2;
	accept_calls = 0;
	accepted[0] = 0;
	evconnlistener_set_cb(lev2, accept_cb, &base);
	tc_dispatch_for(base, 3000);
	printf("after set_cb: accepted=%d order=%s (client %d)\n", accept_calls, accepted, c);
	fd = evconnlistener_get_fd(lev2);
	evconnlistener_free(lev2);
	printf("LEV_OPT_CLOSE_ON_FREE: fd open right after free: %s\n", tc_fd_open(fd) ? "yes" : "no");

	printf("== binding the same port twice fails\n");
	sin.sin_port = htons(port);
	lev2 = evconnlistener_new_bind(base, accept_cb, &base, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
	    -1, (struct sockaddr *)&sin, sizeof(sin));
	printf("second new_bind on the same port: %s\n", lev2 ? "non-NULL" : "NULL");
	if (lev2)
		evconnlistener_free(lev2);
	sin.sin_port = 0;

	printf("== error callback (accept fails with EMFILE)\n");
	expect_lev = lev;
	evconnlistener_set_error_cb(lev, error_cb);
	accept_calls = 0;
	accepted[0] = 0;
	c = connect_client(port);
	{
		/* lowest free descriptor: make every slot below it the limit */
		int probe = dup(0);
		struct rlimit lim;
		close(probe);
		getrlimit(RLIMIT_NOFILE, &saved_lim);
		lim = saved_lim;
		lim.rlim_cur = (rlim_t)probe;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	tc_dispatch_for(base, 3000);
	printf("error_cb calls=%d errno is EMFILE: %s; then accepted=%d order=%s (client %d)\n", err_calls,
	    err_errno == EMFILE ? "yes" : "no", accept_calls, accepted, c);
	setrlimit(RLIMIT_NOFILE, &saved_lim);
	(void)accepts_after_err;

	printf("== evconnlistener_new on our own socket\n");
	{
		int s = socket(AF_INET, SOCK_STREAM, 0);
		socklen_t l = sizeof(sin);
		struct sockaddr_in b;
		bind(s, (struct sockaddr *)&sin, sizeof(sin));
		listen(s, 8);
		getsockname(s, (struct sockaddr *)&b, &l);
		/* LEAVE_SOCKETS_BLOCKING: libevent leaves the listening socket
		 * alone (it must be non-blocking: libevent accepts in a loop
		 * until EAGAIN) and does not make accepted sockets non-blocking */
		evutil_make_socket_nonblocking(s);
		lev2 = evconnlistener_new(base, accept_cb, &base, LEV_OPT_LEAVE_SOCKETS_BLOCKING, 0, s);
		printf("evconnlistener_new(backlog 0, already listening): %s get_fd ok: %s\n",
		    lev2 ? "non-NULL" : "NULL", evconnlistener_get_fd(lev2) == s ? "yes" : "no");
		expect_lev = lev2;
		accept_calls = 0;
		accepted[0] = 0;
		check_flags = 1;
		c = connect_client(ntohs(b.sin_port));
		tc_dispatch_for(base, 3000);
		printf("accepted=%d order=%s (client %d)\n", accept_calls, accepted, c);
		evconnlistener_free(lev2);
		printf("without CLOSE_ON_FREE: fd open after free: %s\n", tc_fd_open(s) ? "yes" : "no");
		close(s);

		s = socket(AF_INET, SOCK_STREAM, 0);
		bind(s, (struct sockaddr *)&sin, sizeof(sin));
		l = sizeof(b);
		getsockname(s, (struct sockaddr *)&b, &l);
		if (tc_debug_mode()) /* debug mode refuses a blocking fd, fatally */
			evutil_make_socket_nonblocking(s);
		lev2 = evconnlistener_new(base, accept_cb, &base, LEV_OPT_CLOSE_ON_FREE, -1, s);
		if (tc_debug_mode())
			printf("evconnlistener_new(backlog -1, bound only): %s\n", lev2 ? "non-NULL" : "NULL");
		else
			printf("evconnlistener_new(backlog -1, bound only): %s made nonblocking: %s\n",
			    lev2 ? "non-NULL" : "NULL", has_fl(s, O_NONBLOCK) ? "yes" : "no");
		evutil_make_socket_nonblocking(s);
		accept_calls = 0;
		accepted[0] = 0;
		expect_lev = lev2;
		c = connect_client(ntohs(b.sin_port));
		tc_dispatch_for(base, 3000);
		printf("accepted=%d order=%s (client %d)\n", accept_calls, accepted, c);
		evconnlistener_free(lev2);
		printf("with CLOSE_ON_FREE: fd open after free: %s\n", tc_fd_open(s) ? "yes" : "no");
	}

	printf("== freeing the listener inside its callback\n");
	lev3 = evconnlistener_new_bind(base, freeing_cb, NULL, LEV_OPT_CLOSE_ON_FREE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	port = lport(lev3);
	fd = evconnlistener_get_fd(lev3);
	connect_client(port);
	connect_client(port);
	accept_calls = 0;
	r = tc_dispatch_for(base, 300);
	printf("accept calls=%d listener fd closed: %s\n", accept_calls, tc_fd_open(fd) ? "no" : "yes");

	evconnlistener_free(lev);
	for (i = 0; i < nclients; i++)
		close(client_fd[i]);
	event_base_free(base);
	printf("done\n");
	return 0;
}
