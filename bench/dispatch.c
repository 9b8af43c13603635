/*
 * dispatch.c - event-loop and API-call micro-benchmarks (plain libevent 2.1 API).
 *
 *   dispatch chain NAME PIPES ACTIVE WRITES
 *       libevent's classic test/bench.c pattern: PIPES socketpairs, each with a
 *       persistent read event; ACTIVE bytes are injected (spread evenly over
 *       the pairs) and every read callback reads its byte and writes one byte
 *       to the next pair, WRITES times in total.  The loop is driven with
 *       event_base_loop(EVLOOP_ONCE|EVLOOP_NONBLOCK) as bench.c does.  One
 *       untimed warm-up round, then one timed round.
 *       RESULT name=NAME events_per_sec=... ns_per_event=... events=...
 *
 *   dispatch timers NAME OPS TIMERS [main|callback]
 *       timer churn: TIMERS timer events; OPS times pick one at random and
 *       either event_add() it with a random timeout (1..60 s, so none fires;
 *       re-adding a pending timer reschedules it) or event_del() it.  The
 *       pseudo-random sequence is fixed, so both libraries do the same work.
 *       The base runs its loop once (EVLOOP_NONBLOCK) first, as a program's
 *       bases have (goevent keeps events added before a base's first use on
 *       a list in C, which would not measure the loop's timer heap).
 *       "main" (the default) churns from main, between loop runs: every add
 *       reads the clock. "callback" churns from inside a callback, where
 *       programs add most timers: the loop's cached time is used.
 *       RESULT name=NAME ops_per_sec=... ns_per_op=...
 *
 *   dispatch evbuffer NAME OPS
 *       evbuffer_add() of 64 bytes followed by evbuffer_drain() of 64 bytes,
 *       OPS times (an op is the pair).
 *       RESULT name=NAME ops_per_sec=... ns_per_op=...
 *
 *   dispatch active NAME ROUNDS EVENTS
 *       EVENTS events (event_new with fd -1); each round event_active()s all
 *       of them, then one event_base_loop(EVLOOP_ONCE|EVLOOP_NONBLOCK) pass
 *       runs their callbacks.  Time per callback (the event_active call
 *       included).
 *       RESULT name=NAME value=ns_per_callback unit=ns/callback ...
 *
 *   dispatch classic NAME RUNS PIPES
 *       the shape of libevent's classic test/bench.c (our own code): PIPES
 *       socketpairs with persistent EV_READ events.  Before each run (not
 *       timed) every event is deleted, assigned and added again and the loop
 *       runs once; then one byte is sent into the first pair and each
 *       callback reads its byte and writes one to the next pair, PIPES writes
 *       in all, the loop driven with EVLOOP_ONCE|EVLOOP_NONBLOCK until every
 *       byte has been read.  Mean time per run over RUNS runs (after RUNS/10
 *       untimed warm-up runs).
 *       RESULT name=NAME value=us_per_run unit=us/run ...
 *
 *   dispatch cascade NAME RUNS PIPES
 *       the shape of libevent's test/bench_cascade.c (our own code): PIPES
 *       socketpairs; each timed run assigns and adds a one-shot EV_READ event
 *       with a 60 s timeout on every pair, sends one byte into the first, and
 *       runs event_base_dispatch until no event is left; each callback reads
 *       its byte and writes one to the next pair (one loop pass per hop).
 *       Event setup is timed, as in bench_cascade.
 *       RESULT name=NAME value=us_per_run unit=us/run ...
 *
 * timers, evbuffer and active make no system calls in the measured loop: they
 * measure the cost of a call into the library (for goevent, the C->Go
 * transition).  No timed loop here ever blocks, so every time reported is
 * the process's CPU time (all threads, the Go runtime's included), which on
 * an idle machine equals wall time and on a shared one is not inflated by
 * other processes taking the CPU.
 * Every loop is bounded by a wall-clock limit (LIMIT seconds).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/buffer.h>

#define LIMIT 60.0  /* seconds */

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the process (all threads), ns resolution: the timed parts
 * use it, so other processes on a shared machine do not inflate them; the
 * loops here never block, so on an idle machine it equals wall time. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *msg)
{
	fprintf(stderr, "dispatch: %s\n", msg);
	exit(1);
}

/* ------------------------------------------------------------------ chain */

static int num_pipes, num_active;
static long writes, fired, count, failures;
static evutil_socket_t *pipes;
static struct event **events;

static void read_cb(evutil_socket_t fd, short which, void *arg)
{
	(void)which;
	intptr_t idx = (intptr_t)arg, widx = idx + 1;
	unsigned char ch;
	ssize_t n = recv(fd, &ch, 1, 0);
	if (n >= 0)
		count += n;
	else
		failures++;
	if (writes) {
		if (widx >= num_pipes)
			widx -= num_pipes;
		n = send(pipes[2 * widx + 1], "e", 1, 0);
		if (n != 1)
			failures++;
		writes--;
		fired++;
	}
}

/* One round; returns elapsed seconds of the dispatch part, < 0 on failure. */
static double chain_round(struct event_base *base, long nwrites)
{
	long space = (num_pipes / num_active) * 2;
	fired = 0;
	for (long i = 0; i < num_active; i++, fired++)
		if (send(pipes[i * space + 1], "e", 1, 0) != 1)
			fail("initial send failed");
	count = 0;
	writes = nwrites;
	long iterations = 0;
	double t0 = now_sec(), c0 = cpu_now();
	do {
		if (event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK) < 0)
			fail("event_base_loop failed");
		if ((++iterations & 1023) == 0 && now_sec() - t0 > LIMIT) {
			fprintf(stderr, "dispatch: chain round exceeded %.0fs (count %ld of %ld)\n",
			    LIMIT, count, fired);
			return -1;
		}
	} while (count != fired);
	double el = cpu_now() - c0;
	if (failures) {
		fprintf(stderr, "dispatch: %ld send/recv failures\n", failures);
		return -1;
	}
	return el;
}

static int chain_main(const char *name, int npipes, int nactive, long nwrites)
{
	num_pipes = npipes;
	num_active = nactive;
	if (nactive < 1 || nactive > npipes)
		fail("ACTIVE must be 1..PIPES");
	pipes = calloc((size_t)npipes * 2, sizeof *pipes);
	events = calloc((size_t)npipes, sizeof *events);
	if (!pipes || !events)
		fail("out of memory");
	for (int i = 0; i < npipes; i++) {
		if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, &pipes[2 * i]) < 0) {
			fprintf(stderr, "dispatch: socketpair: %s (raise ulimit -n?)\n", strerror(errno));
			return 1;
		}
		evutil_make_socket_nonblocking(pipes[2 * i]);
		evutil_make_socket_nonblocking(pipes[2 * i + 1]);
	}
	struct event_base *base = event_base_new();
	if (!base)
		fail("event_base_new failed");
	for (int i = 0; i < npipes; i++) {
		events[i] = event_new(base, pipes[2 * i], EV_READ | EV_PERSIST, read_cb,
		    (void *)(intptr_t)i);
		if (!events[i] || event_add(events[i], NULL) < 0)
			fail("event_new/event_add failed");
	}
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	if (chain_round(base, nwrites / 10 + 1) < 0)   /* warm-up */
		return 1;
	double el = chain_round(base, nwrites);
	if (el < 0)
		return 1;
	printf("RESULT name=%s events_per_sec=%.0f ns_per_event=%.1f pipes=%d active=%d events=%ld cpu_secs=%.6f method=%s\n",
	    name, count / el, el * 1e9 / count, npipes, nactive, count, el,
	    event_base_get_method(base));
	for (int i = 0; i < npipes; i++) {
		event_free(events[i]);
		close(pipes[2 * i]);
		close(pipes[2 * i + 1]);
	}
	event_base_free(base);
	return 0;
}

/* ------------------------------------------------------------------ timers */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void never_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	fail("a churn timer fired (timeouts are 1..60 s)");
}

struct churn {
	struct event **ev;
	int ntimers;
	long ops, adds, dels;
	double secs;     /* the timed part; < 0 when it exceeded LIMIT */
};

static void churn(struct churn *c)
{
	double t0 = now_sec(), c0 = cpu_now();
	for (long op = 0; op < c->ops; op++) {
		uint64_t r = next_rand();
		struct event *e = c->ev[(r >> 8) % (uint64_t)c->ntimers];
		if ((r & 3) == 0) {         /* 1/4 deletes, 3/4 (re)adds */
			if (event_del(e) < 0)
				fail("event_del failed");
			c->dels++;
		} else {
			struct timeval tv;
			tv.tv_sec = 1 + (long)((r >> 32) % 60);
			tv.tv_usec = (long)((r >> 16) % 1000000);
			if (event_add(e, &tv) < 0)
				fail("event_add failed");
			c->adds++;
		}
		if ((op & 65535) == 65535 && now_sec() - t0 > LIMIT) {
			fprintf(stderr, "dispatch: timer churn exceeded %.0fs\n", LIMIT);
			c->secs = -1;
			return;
		}
	}
	c->secs = cpu_now() - c0;
}

static void churn_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	churn(arg);
}

static int timers_main(const char *name, long ops, int ntimers, int in_callback)
{
	struct event_base *base = event_base_new();
	if (!base)
		fail("event_base_new failed");
	struct churn c = {0};
	c.ops = ops;
	c.ntimers = ntimers;
	c.ev = calloc((size_t)ntimers, sizeof *c.ev);
	if (!c.ev)
		fail("out of memory");
	for (int i = 0; i < ntimers; i++)
		if (!(c.ev[i] = evtimer_new(base, never_cb, NULL)))
			fail("evtimer_new failed");
	if (event_base_loop(base, EVLOOP_NONBLOCK) < 0)
		fail("event_base_loop failed");
	struct event *runner = event_new(base, -1, 0, churn_cb, &c);
	if (!runner)
		fail("event_new failed");
	if (in_callback) {
		event_active(runner, EV_TIMEOUT, 0);
		if (event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK) < 0)
			fail("event_base_loop failed");
		if (c.adds + c.dels == 0)
			fail("the churn callback did not run");
	} else {
		churn(&c);
	}
	if (c.secs < 0)
		return 1;
	/* Sanity: run the loop once (nothing may fire), then count pending timers. */
	if (event_base_loop(base, EVLOOP_NONBLOCK) < 0)
		fail("event_base_loop failed");
	int pending = 0;
	for (int i = 0; i < ntimers; i++) {
		if (event_pending(c.ev[i], EV_TIMEOUT, NULL))
			pending++;
		event_free(c.ev[i]);
	}
	event_free(runner);
	printf("RESULT name=%s ops_per_sec=%.0f ns_per_op=%.1f ops=%ld timers=%d adds=%ld dels=%ld pending_at_end=%d cpu_secs=%.6f\n",
	    name, ops / c.secs, c.secs * 1e9 / ops, ops, ntimers, c.adds, c.dels, pending, c.secs);
	free(c.ev);
	event_base_free(base);
	return 0;
}

/* ------------------------------------------------------------------ evbuffer */

static int evbuffer_main(const char *name, long ops)
{
	struct evbuffer *buf = evbuffer_new();
	if (!buf)
		fail("evbuffer_new failed");
	char data[64];
	memset(data, 'x', sizeof data);
	double t0 = now_sec(), c0 = cpu_now();
	for (long op = 0; op < ops; op++) {
		if (evbuffer_add(buf, data, sizeof data) < 0)
			fail("evbuffer_add failed");
		if (evbuffer_drain(buf, sizeof data) < 0)
			fail("evbuffer_drain failed");
		if ((op & 65535) == 65535 && now_sec() - t0 > LIMIT) {
			fprintf(stderr, "dispatch: evbuffer loop exceeded %.0fs\n", LIMIT);
			return 1;
		}
	}
	double el = cpu_now() - c0;
	if (evbuffer_get_length(buf) != 0)
		fail("evbuffer not empty at the end");
	evbuffer_free(buf);
	printf("RESULT name=%s ops_per_sec=%.0f ns_per_op=%.1f ops=%ld cpu_secs=%.6f\n",
	    name, ops / el, el * 1e9 / ops, ops, el);
	return 0;
}

/* ------------------------------------------------------------------ event_active */

static long active_runs;

static void active_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	active_runs++;
}

static double active_rounds(struct event_base *base, struct event **ev, int nev, long rounds)
{
	double t0 = now_sec(), c0 = cpu_now();
	for (long r = 0; r < rounds; r++) {
		long before = active_runs;
		for (int i = 0; i < nev; i++)
			event_active(ev[i], EV_READ, 0);
		if (event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK) < 0)
			fail("event_base_loop failed");
		if (active_runs - before != nev)
			fail("one loop pass did not run every active event");
		if ((r & 255) == 255 && now_sec() - t0 > LIMIT)
			fail("event_active rounds exceeded the time limit");
	}
	return cpu_now() - c0;
}

static int active_main(const char *name, long rounds, int nev)
{
	struct event_base *base = event_base_new();
	struct event **ev = calloc((size_t)nev, sizeof *ev);
	if (!base || !ev)
		fail("event_base_new/calloc failed");
	for (int i = 0; i < nev; i++)
		if (!(ev[i] = event_new(base, -1, 0, active_cb, NULL)))
			fail("event_new failed");
	active_rounds(base, ev, nev, rounds / 20 + 1);    /* warm-up */
	double el = active_rounds(base, ev, nev, rounds);
	double calls = (double)rounds * nev;
	printf("RESULT name=%s value=%.3f unit=ns/callback rounds=%ld events=%d cpu_secs=%.6f\n",
	    name, el * 1e9 / calls, rounds, nev, el);
	for (int i = 0; i < nev; i++)
		event_free(ev[i]);
	free(ev);
	event_base_free(base);
	return 0;
}

/* ------------------------------------------------------------------ classic bench */

static struct event *ring_ev;   /* PIPES events, stored contiguously */
static long hops_left, hops_read;

static void open_pairs(int npipes)
{
	num_pipes = npipes;
	pipes = calloc((size_t)npipes * 2, sizeof *pipes);
	ring_ev = calloc((size_t)npipes, event_get_struct_event_size());
	if (!pipes || !ring_ev)
		fail("out of memory");
	for (int i = 0; i < npipes; i++) {
		if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, &pipes[2 * i]) < 0) {
			fprintf(stderr, "dispatch: socketpair: %s (raise ulimit -n?)\n", strerror(errno));
			exit(1);
		}
		evutil_make_socket_nonblocking(pipes[2 * i]);
		evutil_make_socket_nonblocking(pipes[2 * i + 1]);
	}
}

static struct event *ring_at(int i)
{
	return (struct event *)((char *)ring_ev + (size_t)i * event_get_struct_event_size());
}

/* Reads its byte; while hops remain, writes one into the next pair. */
static void hop_cb(evutil_socket_t fd, short which, void *arg)
{
	(void)which;
	intptr_t next = (intptr_t)arg + 1;
	unsigned char ch;
	if (recv(fd, &ch, 1, 0) == 1)
		hops_read++;
	else
		failures++;
	if (hops_left > 0) {
		if (next >= num_pipes)
			next = 0;
		if (send(pipes[2 * next + 1], "e", 1, 0) != 1)
			failures++;
		hops_left--;
	}
}

static double classic_run(struct event_base *base)
{
	for (int i = 0; i < num_pipes; i++) {
		struct event *e = ring_at(i);
		if (event_initialized(e))
			event_del(e);
		if (event_assign(e, base, pipes[2 * i], EV_READ | EV_PERSIST, hop_cb, (void *)(intptr_t)i) < 0 ||
		    event_add(e, NULL) < 0)
			fail("event_assign/event_add failed");
	}
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	hops_read = 0;
	hops_left = num_pipes;          /* a chain of PIPES writes after the first */
	long want = num_pipes + 1;
	if (send(pipes[1], "e", 1, 0) != 1)
		fail("initial send failed");
	double t0 = now_sec(), c0 = cpu_now();
	long passes = 0;
	while (hops_read != want) {
		if (event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK) < 0)
			fail("event_base_loop failed");
		if ((++passes & 1023) == 0 && now_sec() - t0 > LIMIT)
			fail("a classic run exceeded the time limit");
	}
	double el = cpu_now() - c0;
	if (failures)
		fail("send/recv failures");
	return el;
}

static int classic_main(const char *name, long runs, int npipes)
{
	open_pairs(npipes);
	struct event_base *base = event_base_new();
	if (!base)
		fail("event_base_new failed");
	for (long r = 0; r < runs / 10 + 1; r++)
		classic_run(base);
	double total = 0;
	for (long r = 0; r < runs; r++)
		total += classic_run(base);
	printf("RESULT name=%s value=%.2f unit=us/run runs=%ld pipes=%d hops_per_run=%d cpu_secs=%.6f method=%s\n",
	    name, total * 1e6 / runs, runs, npipes, npipes + 1, total, event_base_get_method(base));
	for (int i = 0; i < npipes; i++)
		event_del(ring_at(i));
	event_base_free(base);
	return 0;
}

/* ------------------------------------------------------------------ cascade */

static long cascade_fired;

/* One-shot: reads its byte and writes one into the next pair (the last
 * pair's callback writes nothing, so the loop then runs out of events). */
static void cascade_cb(evutil_socket_t fd, short which, void *arg)
{
	(void)which;
	intptr_t next = (intptr_t)arg + 1;
	unsigned char ch;
	if (recv(fd, &ch, 1, 0) != 1)
		failures++;
	if (next < num_pipes && send(pipes[2 * next + 1], "e", 1, 0) != 1)
		failures++;
	cascade_fired++;
}

static double cascade_run(struct event_base *base)
{
	struct timeval tv = { 60, 0 };
	cascade_fired = 0;
	double c0 = cpu_now();
	for (int i = 0; i < num_pipes; i++) {
		struct event *e = ring_at(i);
		if (event_assign(e, base, pipes[2 * i], EV_READ, cascade_cb, (void *)(intptr_t)i) < 0 ||
		    event_add(e, &tv) < 0)
			fail("event_assign/event_add failed");
	}
	if (send(pipes[1], "e", 1, 0) != 1)
		fail("initial send failed");
	if (event_base_dispatch(base) < 0)
		fail("event_base_dispatch failed");
	double el = cpu_now() - c0;
	if (cascade_fired != num_pipes || failures)
		fail("cascade: not every event fired once");
	return el;
}

static int cascade_main(const char *name, long runs, int npipes)
{
	open_pairs(npipes);
	struct event_base *base = event_base_new();
	if (!base)
		fail("event_base_new failed");
	for (long r = 0; r < runs / 10 + 1; r++)
		cascade_run(base);
	double total = 0, t0 = now_sec();
	for (long r = 0; r < runs; r++) {
		total += cascade_run(base);
		if (now_sec() - t0 > LIMIT)
			fail("cascade runs exceeded the time limit");
	}
	printf("RESULT name=%s value=%.2f unit=us/run runs=%ld pipes=%d cpu_secs=%.6f method=%s\n",
	    name, total * 1e6 / runs, runs, npipes, total, event_base_get_method(base));
	event_base_free(base);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	    "usage: dispatch chain NAME PIPES ACTIVE WRITES\n"
	    "       dispatch timers NAME OPS TIMERS [main|callback]\n"
	    "       dispatch evbuffer NAME OPS\n"
	    "       dispatch active NAME ROUNDS EVENTS\n"
	    "       dispatch classic NAME RUNS PIPES\n"
	    "       dispatch cascade NAME RUNS PIPES\n");
	exit(2);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "chain") && argc == 6)
		return chain_main(argv[2], atoi(argv[3]), atoi(argv[4]), atol(argv[5]));
	if (argc >= 2 && !strcmp(argv[1], "timers") && argc == 5)
		return timers_main(argv[2], atol(argv[3]), atoi(argv[4]), 0);
	if (argc >= 2 && !strcmp(argv[1], "timers") && argc == 6 &&
	    (!strcmp(argv[5], "main") || !strcmp(argv[5], "callback")))
		return timers_main(argv[2], atol(argv[3]), atoi(argv[4]), !strcmp(argv[5], "callback"));
	if (argc >= 2 && !strcmp(argv[1], "evbuffer") && argc == 4)
		return evbuffer_main(argv[2], atol(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "active") && atol(argv[3]) > 0 && atoi(argv[4]) > 0)
		return active_main(argv[2], atol(argv[3]), atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "classic") && atol(argv[3]) > 0 && atoi(argv[4]) > 1)
		return classic_main(argv[2], atol(argv[3]), atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "cascade") && atol(argv[3]) > 0 && atoi(argv[4]) > 1)
		return cascade_main(argv[2], atol(argv[3]), atoi(argv[4]));
	usage();
	return 2;
}
