/* thread_signals: two threads, each with its own base, add and delete
 * signal events concurrently many times: a signal of their own (SIGUSR1,
 * SIGUSR2) and one they share (SIGHUP), with evsignal_new/event_free now and
 * then and nonblocking loops of their base. The process-wide signal
 * bookkeeping must survive it: afterwards, with every event deleted, the
 * program's own handlers of SIGUSR1/SIGUSR2 are back in place, and signal
 * events added again (on one base, then the other: the base that added a
 * signal event last receives signals) are delivered once per raise(). */
/* libs: libevent libevent_pthreads */
/* timeout: 40 */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

#define ITERS 5000

static volatile sig_atomic_t own_caught[NSIG];

static void own_handler(int sig)
{
	own_caught[sig]++;
}

struct side {
	const char *name;
	int own_sig;
	struct event_base *base;
	struct event *ev_own, *ev_hup;
	int calls_own, calls_hup;
	int failures;
};

static struct side sides[2];
static pthread_barrier_t barrier;

static void sig_cb(evutil_socket_t sig, short what, void *arg)
{
	struct side *s = arg;
	(void)what;
	if (sig == SIGHUP)
		s->calls_hup++;
	else
		s->calls_own++;
}

static void *churn(void *arg)
{
	struct side *s = arg;
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < ITERS; i++) {
		if (event_add(s->ev_own, NULL) != 0)
			s->failures++;
		if (event_add(s->ev_hup, NULL) != 0)
			s->failures++;
		if (i % 3 == 0 && event_del(s->ev_own) != 0)
			s->failures++;
		if (event_del(s->ev_hup) != 0)
			s->failures++;
		if (i % 3 != 0 && event_del(s->ev_own) != 0)
			s->failures++;
		if (i % 100 == 50) {
			struct event *tmp = evsignal_new(s->base, i % 200 == 50 ? SIGHUP : s->own_sig, sig_cb, s);
			if (!tmp || event_add(tmp, NULL) != 0)
				s->failures++;
			if (tmp)
				event_free(tmp);
		}
		if (i % 50 == 0 && event_base_loop(s->base, EVLOOP_NONBLOCK) < 0)
			s->failures++;
	}
	return NULL;
}

static void run_base(struct event_base *base)
{
	for (int i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

int main(void)
{
	pthread_t t[2];
	struct sigaction sa;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_signals", 30);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = own_handler;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	if (evthread_use_pthreads() != 0) {
		printf("evthread_use_pthreads failed\n");
		return 1;
	}
	sides[0] = (struct side){ .name = "A", .own_sig = SIGUSR1 };
	sides[1] = (struct side){ .name = "B", .own_sig = SIGUSR2 };
	for (int i = 0; i < 2; i++) {
		struct side *s = &sides[i];
		s->base = event_base_new();
		s->ev_own = evsignal_new(s->base, s->own_sig, sig_cb, s);
		s->ev_hup = evsignal_new(s->base, SIGHUP, sig_cb, s);
		if (!s->base || !s->ev_own || !s->ev_hup) {
			printf("setup failed\n");
			return 1;
		}
	}
	pthread_barrier_init(&barrier, NULL, 2);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, churn, &sides[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++)
		printf("%s: add/del failures: %d\n", sides[i].name, sides[i].failures);
	for (int i = 0; i < 2; i++)
		printf("%s: pending after the churn: %d %d\n", sides[i].name,
		    event_pending(sides[i].ev_own, EV_SIGNAL, NULL) != 0,
		    event_pending(sides[i].ev_hup, EV_SIGNAL, NULL) != 0);

	/* Every event is deleted: the program's handlers are back. */
	raise(SIGUSR1);
	raise(SIGUSR2);
	printf("own handlers restored: SIGUSR1 %s, SIGUSR2 %s\n",
	    own_caught[SIGUSR1] == 1 ? "yes" : "no", own_caught[SIGUSR2] == 1 ? "yes" : "no");
	run_base(sides[0].base);
	run_base(sides[1].base);
	printf("callbacks so far: %d %d %d %d\n", sides[0].calls_own, sides[0].calls_hup,
	    sides[1].calls_own, sides[1].calls_hup);

	/* Delivery: each base in turn is the one that added signals last. */
	for (int i = 0; i < 2; i++) {
		struct side *s = &sides[i];
		int r1 = event_add(s->ev_own, NULL), r2 = event_add(s->ev_hup, NULL);
		raise(s->own_sig);
		raise(SIGHUP);
		raise(s->own_sig);
		run_base(s->base);
		printf("%s: add %d %d, own signal calls %d, SIGHUP calls %d\n", s->name, r1, r2, s->calls_own, s->calls_hup);
		event_del(s->ev_own);
		event_del(s->ev_hup);
	}
	raise(SIGUSR1);
	raise(SIGUSR2);
	printf("own handlers restored again: SIGUSR1 %s, SIGUSR2 %s\n",
	    own_caught[SIGUSR1] == 2 ? "yes" : "no", own_caught[SIGUSR2] == 2 ? "yes" : "no");

	for (int i = 0; i < 2; i++) {
		event_free(sides[i].ev_own);
		event_free(sides[i].ev_hup);
		event_base_free(sides[i].base);
	}
	pthread_barrier_destroy(&barrier);
	printf("done\n");
	return 0;
}
