/* bev_churn_fds: a process's descriptor count stays put across connection
 * churn. A bufferevent echo server (evconnlistener on 127.0.0.1:0,
 * BEV_OPT_CLOSE_ON_FREE, freed on error, or on EOF once its echo is
 * flushed) serves 3500 connections from a plain-socket client on another
 * thread, in batches: echo, close without reading the echo, half-close
 * (shutdown SHUT_WR) and read the echo to EOF, reset (SO_LINGER {1,0})
 * before or after sending (usually before the server has accepted), a
 * half-close with nothing sent, and a reset after reading the echo. Then 20
 * bursts of 5000 bufferevents without a socket are made and freed. The
 * descriptors are counted (/proc/self/fd) once the server is set up, after
 * the churn and after the bursts; only whether the counts are equal is
 * printed.
 *
 * Issue 9, item 14: goevent had two descriptors more after such churn (the
 * Go runtime's poller, an epoll instance and an eventfd, which the runtime
 * opens when its scavenger first returns freed heap to the system, some GC
 * cycles into the program's life). The bursts grow and shrink the core's
 * heap, so that this happens within the case on a core that does not open
 * the poller when it loads; the real libevent has nothing of the kind. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>

#include "testcase.h"

#define NKINDS 7
#define PER_KIND 500
#define NCONN (NKINDS * PER_KIND)
#define NTHREADS 2
#define BATCH 50       /* connections a client thread holds open at once */
#define BURSTS 20
#define BURST_BEVS 5000

static const char *kind_names[NKINDS] = {
	"echo", "close-unread", "half-close", "reset-before-send",
	"reset-after-send", "half-close-silent", "echo-then-reset",
};

static struct event_base *base;
static struct sockaddr_in sin;

/* server side: loop thread only */
static int accepted, freed, live, accept_errors;

/* client side: under mu */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int done_by_kind[NKINDS], whole_by_kind[NKINDS], clients_done;
static int connect_failures;

/* Open descriptors of this process (the directory's own excluded). */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

static void srv_free(struct bufferevent *bev)
{
	freed++;
	live--;
	bufferevent_free(bev);
}

static void srv_read(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

/* After EOF with an echo still queued: free once it is flushed. */
static void srv_write(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (!(bufferevent_get_enabled(bev) & EV_READ) &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		srv_free(bev);
}

static void srv_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
		bufferevent_disable(bev, EV_READ);
		return;
	}
	srv_free(bev);
}

static void accept_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
    int socklen, void *arg)
{
	struct bufferevent *bev;
	(void)lev; (void)sa; (void)socklen; (void)arg;
	accepted++;
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		evutil_closesocket(fd);
		return;
	}
	live++;
	bufferevent_setcb(bev, srv_read, srv_write, srv_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void accept_error_cb(struct evconnlistener *lev, void *arg)
{
	(void)lev; (void)arg;
	accept_errors++;
}

/* ---- the client (no libevent on this thread) ---- */

static void reset_on_close(int fd)
{
	struct linger lg = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/* Reads until want bytes have come (until_eof: and then EOF); 1 if they did.
 * Every wait is bounded (5 s). */
static int read_echo(int fd, size_t want, int until_eof)
{
	char buf[2048];
	size_t got = 0;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;
		if (!until_eof && got >= want)
			return 1;
		if (poll(&p, 1, 5000) <= 0)
			return 0;
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			return 0;
		if (n == 0)
			return got == want;
		got += (size_t)n;
	}
}

static void *client(void *arg)
{
	int id = (int)(long)arg, first, j;
	static const char msg[1500] = {'x'};
	for (first = id * BATCH; first < NCONN; first += NTHREADS * BATCH) {
		int fds[BATCH], kinds[BATCH], whole[BATCH], nb = 0;
		size_t lens[BATCH];
		for (j = first; j < first + BATCH && j < NCONN; j++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);
			if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
				if (fd >= 0)
					close(fd);
				pthread_mutex_lock(&mu);
				connect_failures++;
				pthread_mutex_unlock(&mu);
				continue;
			}
			fds[nb] = fd;
			kinds[nb] = j % NKINDS;
			lens[nb] = 1 + (size_t)(j * 37) % sizeof(msg);
			whole[nb] = 0;
			nb++;
		}
		/* first step of every connection of the batch */
		for (j = 0; j < nb; j++) {
			int fd = fds[j], k = kinds[j];
			if (k != 3 && k != 5 && write(fd, msg, lens[j]) != (ssize_t)lens[j])
				continue;
			if (k == 2 || k == 5)
				shutdown(fd, SHUT_WR);
			if (k == 3 || k == 4) {
				reset_on_close(fd);
				close(fd);
				fds[j] = -1;
			}
		}
		/* then the rest: read the echo or EOF, close */
		for (j = 0; j < nb; j++) {
			int fd = fds[j], k = kinds[j];
			if (k == 0 || k == 6)
				whole[j] = read_echo(fd, lens[j], 0);
			else if (k == 2)
				whole[j] = read_echo(fd, lens[j], 1);
			else if (k == 5)
				whole[j] = read_echo(fd, 0, 1);
			if (k == 6)
				reset_on_close(fd);
			if (fd >= 0)
				close(fd);
			pthread_mutex_lock(&mu);
			done_by_kind[k]++;
			whole_by_kind[k] += whole[j];
			pthread_mutex_unlock(&mu);
		}
	}
	pthread_mutex_lock(&mu);
	clients_done++;
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* Ends the loop once the clients are done and the server has freed every
 * connection (seen on 5 ticks in a row), or at the deadline. */
static double deadline;
static int settled, timed_out;
static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	int done;
	(void)fd; (void)what; (void)arg;
	pthread_mutex_lock(&mu);
	done = clients_done == NTHREADS;
	pthread_mutex_unlock(&mu);
	if (done && live == 0 && accepted + connect_failures >= NCONN) {
		if (++settled == 5)
			event_base_loopbreak(base);
	} else {
		settled = 0;
	}
	if (tc_mono() > deadline) {
		timed_out = 1;
		event_base_loopbreak(base);
	}
}

int main(void)
{
	struct evconnlistener *lev;
	struct event *tick;
	struct timeval ten_ms = {0, 10000};
	pthread_t th[NTHREADS];
	socklen_t slen = sizeof(sin);
	int before, after_churn, after_bursts, i, k;
	static struct bufferevent *bevs[BURST_BEVS];

	tc_alarm("bev_churn_fds", 60);
	base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	lev = evconnlistener_new_bind(base, accept_cb, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, 256, (struct sockaddr *)&sin, sizeof(sin));
	printf("listener: %s\n", tc_yesno(lev != NULL));
	if (!lev)
		return 1;
	evconnlistener_set_error_cb(lev, accept_error_cb);
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &slen);
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick, &ten_ms);
	event_base_loop(base, EVLOOP_NONBLOCK);
	before = count_fds();

	deadline = tc_mono() + 40;
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, client, (void *)(long)i);
	event_base_dispatch(base);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	after_churn = count_fds();

	printf("churn: %d connections, %d of each kind, in batches of %d on %d threads\n",
	    NCONN, PER_KIND, BATCH, NTHREADS);
	printf("server settled (clients done, every connection freed): %s\n", tc_yesno(!timed_out));
	printf("connect failures: %d, accept errors: %d\n", connect_failures, accept_errors);
	printf("server: accepted %d, freed %d, live %d\n", accepted, freed, live);
	for (k = 0; k < NKINDS; k++) {
		printf("kind %-18s done %d", kind_names[k], done_by_kind[k]);
		if (k == 0 || k == 6)
			printf(", whole echo %d", whole_by_kind[k]);
		else if (k == 2)
			printf(", whole echo then EOF %d", whole_by_kind[k]);
		else if (k == 5)
			printf(", EOF %d", whole_by_kind[k]);
		printf("\n");
	}
	printf("fd count after churn equals before: %s\n", tc_yesno(after_churn == before));

	for (k = 0; k < BURSTS; k++) {
		for (i = 0; i < BURST_BEVS; i++)
			bevs[i] = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
		for (i = 0; i < BURST_BEVS; i++)
			if (bevs[i])
				bufferevent_free(bevs[i]);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	after_bursts = count_fds();
	printf("bursts: %d x %d bufferevents made and freed\n", BURSTS, BURST_BEVS);
	printf("fd count after bursts equals before: %s\n", tc_yesno(after_bursts == before));

	event_free(tick);
	evconnlistener_free(lev);
	event_base_free(base);
	printf("done\n");
	return 0;
}
