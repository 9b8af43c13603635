/* thread_listener: a LEV_OPT_THREADSAFE evconnlistener driven from another
 * thread while the main thread dispatches: evconnlistener_disable (no
 * connection is accepted meanwhile), evconnlistener_enable (the waiting
 * connection is accepted), evconnlistener_set_cb, evconnlistener_get_base /
 * get_fd, and event_base_loopbreak at the end. Then the thread switches the
 * callback (evconnlistener_set_cb) as fast as it can while a third one
 * connects, and finally switches it while the accept callback runs (libevent
 * runs it without the listener's or the base's lock, so that call completes
 * meanwhile). (Not evconnlistener_disable during a callback: libevent's
 * takes the listener's lock, then event_del waits for the running callback,
 * which waits for that lock: a deadlock.) Before evthread_use_pthreads
 * LEV_OPT_THREADSAFE is accepted (libevent then has no lock to allocate and
 * goes on without one). The loop runs with EVLOOP_NO_EXIT_ON_EMPTY. */
/* libs: libevent libevent_pthreads */
/* timeout: 40 */
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testcase.h"

#define ROUNDS 20
#define FLOOD 50
#define TOGGLES 2000

static struct event_base *base;
static struct evconnlistener *lev;
static struct sockaddr_in addr;
static pthread_t main_thread;
static volatile int accepted, accepted2, off_main;
static int endis_fail, accepted_while_off, waits_failed, base_ok, fd_ok, brk_ret;
static int clients[ROUNDS], flood[FLOOD], last_client = -1;
static int phase1_second;
static int hold_mode, in_cb, b_done, done_during_cb;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)l; (void)sa; (void)len;
	if (!pthread_equal(pthread_self(), main_thread))
		off_main = 1;
	close(fd);
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&mu);
	if (hold_mode && !in_cb) {
		struct timespec ts;
		in_cb = 1;
		pthread_cond_broadcast(&cv);
		tc_deadline(&ts, 3000);
		while (!b_done)
			if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT)
				break;
		done_during_cb = b_done;
	}
	pthread_mutex_unlock(&mu);
}

static void *connector(void *arg)
{
	(void)arg;
	for (int i = 0; i < FLOOD; i++) {
		flood[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(flood[i], (struct sockaddr *)&addr, sizeof addr) < 0)
			__atomic_add_fetch(&endis_fail, 1, __ATOMIC_SEQ_CST);
		usleep(300);
	}
	return NULL;
}

static int total(void)
{
	return __atomic_load_n(&accepted, __ATOMIC_SEQ_CST) + __atomic_load_n(&accepted2, __ATOMIC_SEQ_CST);
}

/* Waits up to 3 s for n accepted connections. */
static int wait_total(int n)
{
	for (int i = 0; i < 3000; i++) {
		if (total() >= n)
			return 1;
		usleep(1000);
	}
	return 0;
}

static void *driver(void *arg)
{
	(void)arg;
	base_ok = evconnlistener_get_base(lev) == base;
	fd_ok = evconnlistener_get_fd(lev) >= 0;
	for (int i = 0; i < ROUNDS; i++) {
		if (!wait_total(i))
			waits_failed++;
		if (evconnlistener_disable(lev) != 0)
			endis_fail++;
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&addr, sizeof addr) < 0)
			endis_fail++;
		clients[i] = c;
		usleep(20000);
		if (total() != i)
			accepted_while_off++;
		if (i == ROUNDS / 2)
			evconnlistener_set_cb(lev, accept_cb, (void *)&accepted2);
		if (evconnlistener_enable(lev) != 0)
			endis_fail++;
	}
	if (!wait_total(ROUNDS))
		waits_failed++;
	phase1_second = accepted2;

	/* Switching callbacks while connections arrive. */
	pthread_t tc;
	pthread_create(&tc, NULL, connector, NULL);
	for (int i = 0; i < TOGGLES; i++) {
		evconnlistener_set_cb(lev, accept_cb, (void *)&accepted);
		evconnlistener_set_cb(lev, accept_cb, (void *)&accepted2);
		if (i % 100 == 0)
			usleep(100);
	}
	pthread_join(tc, NULL);
	if (!wait_total(ROUNDS + FLOOD))
		waits_failed++;

	/* Disabling while the accept callback runs. */
	struct timespec ts;
	pthread_mutex_lock(&mu);
	hold_mode = 1;
	pthread_mutex_unlock(&mu);
	last_client = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(last_client, (struct sockaddr *)&addr, sizeof addr) < 0)
		endis_fail++;
	pthread_mutex_lock(&mu);
	tc_deadline(&ts, 5000);
	while (!in_cb)
		if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&mu);
	evconnlistener_set_cb(lev, accept_cb, (void *)&accepted);
	pthread_mutex_lock(&mu);
	b_done = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	if (!wait_total(ROUNDS + FLOOD + 1))
		waits_failed++;
	brk_ret = event_base_loopbreak(base);
	return NULL;
}

int main(void)
{
	pthread_t td;
	socklen_t alen = sizeof addr;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	tc_alarm("thread_listener", 30);
	main_thread = pthread_self();

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(0x7f000001);

	/* Without lock callbacks (debug mode refuses lock callbacks after a
	 * base, fatally). */
	if (tc_debug_mode()) {
		printf("(LEV_OPT_THREADSAFE without evthread: not in debug mode)\n");
	} else {
		base = event_base_new();
		lev = evconnlistener_new_bind(base, accept_cb, (void *)&accepted, LEV_OPT_THREADSAFE | LEV_OPT_CLOSE_ON_FREE,
		    -1, (struct sockaddr *)&addr, sizeof addr);
		printf("LEV_OPT_THREADSAFE without evthread: %s\n", lev ? "made" : "NULL");
		if (lev)
			evconnlistener_free(lev);
		event_base_free(base);
	}

	if (evthread_use_pthreads() != 0) {
		printf("evthread_use_pthreads failed\n");
		return 1;
	}
	base = event_base_new();
	lev = evconnlistener_new_bind(base, accept_cb, (void *)&accepted,
	    LEV_OPT_THREADSAFE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&addr, sizeof addr);
	printf("threadsafe listener: %s\n", lev ? "ok" : "NULL");
	if (!lev)
		return 1;
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&addr, &alen);

	pthread_create(&td, NULL, driver, NULL);
	int r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY); /* the base is empty while the listener is disabled */
	pthread_join(td, NULL);

	printf("dispatch: %d\n", r);
	printf("loopbreak from the thread: %d\n", brk_ret);
	printf("get_base/get_fd from the thread: %s %s\n", base_ok ? "yes" : "no", fd_ok ? "yes" : "no");
	printf("accepted: %d\n", total());
	printf("accepted by the second callback: %s\n", phase1_second > 0 && phase1_second < ROUNDS ? "some" : "none or all");
	printf("none accepted while disabled: %s\n", accepted_while_off ? "no" : "yes");
	printf("enable/disable/connect ok: %s\n", endis_fail ? "no" : "yes");
	printf("waits ok: %s\n", waits_failed ? "no" : "yes");
	printf("callbacks on the loop thread: %s\n", off_main ? "no" : "yes");
	printf("set_cb from the thread during the accept callback completed meanwhile: %s\n",
	    done_during_cb ? "yes" : "no");

	for (int i = 0; i < ROUNDS; i++)
		close(clients[i]);
	for (int i = 0; i < FLOOD; i++)
		close(flood[i]);
	close(last_client);
	evconnlistener_free(lev);
	event_base_free(base);
	printf("done\n");
	return 0;
}
