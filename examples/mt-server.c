/*
 * mt-server.c - a multi-threaded line server: one event base per thread.
 *
 * The main thread's base runs the listener. Each accepted socket is handed
 * to a worker thread, round-robin: the main thread queues the fd under the
 * worker's mutex and calls event_active() on the worker's "wake" event.
 * That is safe from another thread because evthread_use_pthreads() was
 * called before any base was made (every base then has a lock, and
 * event_active wakes a loop that is waiting in the kernel). The worker makes
 * the connection's bufferevent on its own base, so all of a connection's
 * callbacks run on one thread and need no locking. Each line a client sends
 * is answered with "worker N: line". SIGINT or SIGTERM stops everything.
 *
 *   cc mt-server.c $(pkg-config --cflags --libs libevent libevent_pthreads) -lpthread
 *   ./a.out [port [threads]]   (port 0, the default, picks a free one; printed)
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#define MAX_WORKERS 16
#define QUEUE_LEN 128

struct conn {
	struct bufferevent *bev;
	struct worker *w;
	struct conn *prev, *next;
};

struct worker {
	int id;
	pthread_t thread;
	struct event_base *base;
	struct event *wake;        /* activated by the main thread */
	pthread_mutex_t mu;        /* guards queue, nq */
	evutil_socket_t queue[QUEUE_LEN];
	int nq;
	struct conn *conns;        /* this worker's connections; its thread only */
};

static struct worker workers[MAX_WORKERS];
static int nworkers = 3, next_worker;

static void conn_free(struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		c->w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	bufferevent_free(c->bev);
	free(c);
}

static void on_read(struct bufferevent *bev, void *ctx)
{
	struct conn *c = ctx;
	char *line;
	size_t n;
	while ((line = evbuffer_readln(bufferevent_get_input(bev), &n, EVBUFFER_EOL_CRLF))) {
		evbuffer_add_printf(bufferevent_get_output(bev), "worker %d: %s\n", c->w->id, line);
		free(line);
	}
}

static void on_event(struct bufferevent *bev, short what, void *ctx)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(ctx);
}

/* Runs on the worker's thread: take the queued sockets and serve them. */
static void on_wake(evutil_socket_t fd, short what, void *ctx)
{
	struct worker *w = ctx;
	evutil_socket_t fds[QUEUE_LEN];
	int i, n;
	(void)fd; (void)what;

	pthread_mutex_lock(&w->mu);
	n = w->nq;
	memcpy(fds, w->queue, n * sizeof fds[0]);
	w->nq = 0;
	pthread_mutex_unlock(&w->mu);

	for (i = 0; i < n; i++) {
		struct conn *c = calloc(1, sizeof *c);
		if (!c || !(c->bev = bufferevent_socket_new(w->base, fds[i], BEV_OPT_CLOSE_ON_FREE))) {
			free(c);
			evutil_closesocket(fds[i]);
			continue;
		}
		c->w = w;
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
		bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	/* Run until told to exit, even while there is nothing to wait for. */
	event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
	while (w->conns)
		conn_free(w->conns);
	return NULL;
}

/* Main thread: hand the new socket to the next worker. */
static void on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *ctx)
{
	struct worker *w = &workers[next_worker++ % nworkers];
	int queued = 0;
	(void)lev; (void)peer; (void)peerlen; (void)ctx;

	pthread_mutex_lock(&w->mu);
	if (w->nq < QUEUE_LEN) {
		w->queue[w->nq++] = fd;
		queued = 1;
	}
	pthread_mutex_unlock(&w->mu);
	if (queued)
		event_active(w->wake, EV_READ, 0); /* wakes the worker's loop */
	else
		evutil_closesocket(fd); /* the worker is far behind: refuse */
}

static void on_signal(evutil_socket_t sig, short what, void *ctx)
{
	(void)sig; (void)what;
	event_base_loopexit(ctx, NULL);
}

int main(int argc, char **argv)
{
	struct event_base *base;
	struct evconnlistener *lev;
	struct event *sigint, *sigterm;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int i;

	/* Before any base exists: bases made afterwards get locks. */
	if (evthread_use_pthreads() < 0) {
		fprintf(stderr, "no thread support in this libevent\n");
		return 1;
	}
	if (argc > 2)
		nworkers = atoi(argv[2]);
	if (nworkers < 1 || nworkers > MAX_WORKERS)
		nworkers = 3;

	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		w->id = i + 1;
		pthread_mutex_init(&w->mu, NULL);
		w->base = event_base_new();
		w->wake = w->base ? event_new(w->base, -1, 0, on_wake, w) : NULL;
		if (!w->wake || pthread_create(&w->thread, NULL, worker_main, w)) {
			fprintf(stderr, "cannot start worker %d\n", w->id);
			return 1;
		}
	}

	base = event_base_new();
	if (!base)
		return 1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(argc > 1 ? atoi(argv[1]) : 0);
	lev = evconnlistener_new_bind(base, on_accept, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sin, sizeof sin);
	if (!lev) {
		perror("evconnlistener_new_bind");
		return 1;
	}
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &len);
	printf("listening on 127.0.0.1:%d with %d workers\n", ntohs(sin.sin_port), nworkers);
	fflush(stdout);

	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	event_base_dispatch(base);

	evconnlistener_free(lev);
	/* event_base_loopexit is safe from another thread (locked bases). */
	for (i = 0; i < nworkers; i++) {
		event_base_loopexit(workers[i].base, NULL);
		pthread_join(workers[i].thread, NULL);
		event_free(workers[i].wake);
		event_base_free(workers[i].base);
		pthread_mutex_destroy(&workers[i].mu);
	}
	event_free(sigint);
	event_free(sigterm);
	event_base_free(base);
	printf("done\n");
	return 0;
}
