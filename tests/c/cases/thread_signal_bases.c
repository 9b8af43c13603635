/* thread_signal_bases: two threads each run a base with an event for the
 * same signal (evthread_use_pthreads). A signal sent to the process goes
 * to the base whose event_base_loop started most recently, running or
 * not: while that loop is stopped its signals wait in its pipe (the other
 * base, still running, sees nothing) and are delivered when it runs again;
 * restarting the other loop makes that base the receiver. */
/* libs: libevent libevent_pthreads */
/* timeout: 40 */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "testcase.h"

struct side {
	const char *name;
	struct event_base *base;
	struct event *sig, *start;
	pthread_t th;
	int running; /* set by the start timer: the loop has started */
	int calls;
};

static struct side A = {"A"}, B = {"B"};
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static int get(int *p)
{
	int v;
	pthread_mutex_lock(&mu);
	v = *p;
	pthread_mutex_unlock(&mu);
	return v;
}

static void sig_cb(evutil_socket_t sig, short what, void *arg)
{
	struct side *s = arg;
	(void)sig; (void)what;
	pthread_mutex_lock(&mu);
	s->calls++;
	pthread_mutex_unlock(&mu);
}

static void start_cb(evutil_socket_t fd, short what, void *arg)
{
	struct side *s = arg;
	(void)fd; (void)what;
	pthread_mutex_lock(&mu);
	s->running = 1;
	pthread_mutex_unlock(&mu);
}

static void *looper(void *arg)
{
	struct side *s = arg;
	event_base_dispatch(s->base);
	return NULL;
}

/* Starts s's loop on its thread and waits until it runs. */
static void start(struct side *s)
{
	struct timeval zero = {0, 0};
	double t = tc_mono();
	pthread_mutex_lock(&mu);
	s->running = 0;
	pthread_mutex_unlock(&mu);
	event_add(s->start, &zero);
	pthread_create(&s->th, NULL, looper, s);
	while (!get(&s->running) && tc_mono() - t < 5)
		usleep(1000);
	printf("%s's loop started: %s\n", s->name, tc_yesno(get(&s->running)));
}

static void stop(struct side *s)
{
	event_base_loopbreak(s->base);
	pthread_join(s->th, NULL);
	printf("%s's loop stopped\n", s->name);
}

/* Sends SIGUSR1 to the process; waits up to 5 s for `expect` (or, when
 * NULL, 300 ms) and then 300 ms more, and prints what each base ran. */
static void send_sig(const char *step, struct side *expect)
{
	int a0 = get(&A.calls), b0 = get(&B.calls);
	double t = tc_mono();
	kill(getpid(), SIGUSR1);
	if (expect) {
		int c0 = expect == &A ? a0 : b0;
		while (get(&expect->calls) == c0 && tc_mono() - t < 5)
			usleep(1000);
	}
	usleep(300000);
	printf("%s: A ran %d, B ran %d\n", step, get(&A.calls) - a0, get(&B.calls) - b0);
}

static void wait_calls(const char *step, struct side *s, int n)
{
	double t = tc_mono();
	while (get(&s->calls) < n && tc_mono() - t < 5)
		usleep(1000);
	usleep(300000);
	printf("%s: A ran %d, B ran %d in all\n", step, get(&A.calls), get(&B.calls));
}

static void setup(struct side *s)
{
	s->base = event_base_new();
	s->sig = evsignal_new(s->base, SIGUSR1, sig_cb, s);
	s->start = evtimer_new(s->base, start_cb, s);
	event_add(s->sig, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_signal_bases", 40);
	printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());
	setup(&A);
	setup(&B);

	start(&A);
	start(&B);
	send_sig("1 both run, B started last", &B);

	stop(&B);
	send_sig("2 B stopped", NULL);
	start(&B);
	wait_calls("3 B started again", &B, 2);

	stop(&A);
	start(&A);
	send_sig("4 A started again", &A);

	stop(&A);
	send_sig("5 A, which started last, stopped", NULL);
	event_base_loop(A.base, EVLOOP_NONBLOCK);
	printf("6 A ran one nonblocking pass: A ran %d, B ran %d in all\n", get(&A.calls), get(&B.calls));
	send_sig("7 after A's nonblocking pass (B runs)", NULL);
	event_base_loop(A.base, EVLOOP_NONBLOCK);
	printf("8 A ran another pass: A ran %d, B ran %d in all\n", get(&A.calls), get(&B.calls));

	stop(&B);
	event_free(A.sig);
	event_free(A.start);
	event_free(B.sig);
	event_free(B.start);
	event_base_free(A.base);
	event_base_free(B.base);
	printf("done\n");
	return 0;
}
