/*
 * timer-signal.c - timers and signals on one loop.
 *
 * A persistent timer ticks every 100 ms; a one-shot timer says when the
 * first half second has passed; SIGUSR1 prints how many ticks so far;
 * SIGINT or SIGTERM stops the loop at once; after 10 s the program stops
 * by itself (event_base_loopexit with a timeout). Signal callbacks run from
 * the loop like any other, so they may call anything (no async-signal-safe
 * restrictions as in a signal handler).
 *
 *   cc timer-signal.c $(pkg-config --cflags --libs libevent)
 *   ./a.out
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <event2/event.h>

static int ticks;

static void on_tick(evutil_socket_t fd, short what, void *ctx)
{
	(void)fd; (void)what; (void)ctx;
	printf("tick %d\n", ++ticks);
	fflush(stdout);
}

static void on_half_second(evutil_socket_t fd, short what, void *ctx)
{
	(void)fd; (void)what; (void)ctx;
	printf("half a second passed\n");
	fflush(stdout);
}

static void on_signal(evutil_socket_t sig, short what, void *ctx)
{
	struct event_base *base = ctx;
	(void)what;
	if (sig == SIGUSR1) {
		printf("SIGUSR1: %d ticks so far\n", ticks);
	} else {
		printf("%s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
		event_base_loopbreak(base);
	}
	fflush(stdout);
}

int main(void)
{
	struct timeval period = {0, 100000}, half = {0, 500000}, limit = {10, 0};
	struct event_base *base = event_base_new();
	struct event *tick, *usr1, *sigint, *sigterm;
	if (!base)
		return 1;

	tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	event_add(tick, &period);
	/* A one-shot timer the library frees after it runs. */
	event_base_once(base, -1, EV_TIMEOUT, on_half_second, NULL, &half);

	usr1 = evsignal_new(base, SIGUSR1, on_signal, base);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	event_add(usr1, NULL);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);

	event_base_loopexit(base, &limit);
	printf("running (pid %ld)\n", (long)getpid());
	fflush(stdout);
	event_base_dispatch(base);

	printf("bye after %d ticks\n", ticks);
	event_free(tick);
	event_free(usr1);
	event_free(sigint);
	event_free(sigterm);
	event_base_free(base);
	return 0;
}
