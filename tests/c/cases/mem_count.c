/* mem_count: event_set_mem_functions. A counting allocator installed before
 * anything else sees the library's allocations for configs, bases, events
 * and one-shot events, and every block it handed out comes back through its
 * free once the objects are freed. event_assign on caller memory allocates
 * nothing. Restoring the defaults (all NULL) stops the calls. Only booleans
 * are printed: how many blocks a library uses is its own business. With
 * thread support, the locks of a base and of an evbuffer come from the
 * allocator too. */
/* libs: libevent libevent_pthreads */
/* debug-mode: skip: it counts allocations, which debug mode's own bookkeeping changes (an entry per event in libevent, one table in goevent), and sets lock callbacks after a base (fatal there) */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

/* Each block carries a 16-byte header with a magic, so that a block freed
 * through us that we did not allocate is noticed. */
#define MAGIC 0x6d656d63u
static long nalloc, nfree, live, foreign;
struct hdr { unsigned magic; unsigned pad; size_t size; };

static void *my_malloc(size_t n)
{
	struct hdr *h = malloc(sizeof(struct hdr) + n);
	if (!h)
		return NULL;
	h->magic = MAGIC;
	h->size = n;
	nalloc++;
	live++;
	return h + 1;
}

static void my_free(void *p)
{
	struct hdr *h;
	if (!p)
		return;
	h = (struct hdr *)p - 1;
	if (h->magic != MAGIC) {
		foreign++;
		return;
	}
	h->magic = 0;
	nfree++;
	live--;
	free(h);
}

static void *my_realloc(void *p, size_t n)
{
	struct hdr *h, *nh;
	if (!p)
		return my_malloc(n);
	h = (struct hdr *)p - 1;
	if (h->magic != MAGIC) {
		foreign++;
		return NULL;
	}
	nh = realloc(h, sizeof(struct hdr) + n);
	if (!nh)
		return NULL;
	nh->size = n;
	nalloc++;
	return nh + 1;
}

static int ncb;
static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)arg;
	ncb++;
	if (what & EV_READ) {
		char buf[8];
		if (recv(fd, buf, sizeof(buf), 0) < 0)
			printf("  recv failed\n");
	}
}

int main(void)
{
	struct event_config *cfg;
	struct event_base *base;
	struct event *ev, stackev;
	long a0, l0, l1;
	int sv[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("mem_count", 15);
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	unsetenv("EVENT_NOSELECT");
	unsetenv("EVENT_SHOW_METHOD");
	event_set_mem_functions(my_malloc, my_realloc, my_free);

	l0 = live;
	a0 = nalloc;
	cfg = event_config_new();
	printf("event_config_new uses the allocator: %s\n", tc_yesno(nalloc > a0));
	a0 = nalloc;
	event_config_avoid_method(cfg, "poll");
	event_config_avoid_method(cfg, "select");
	printf("event_config_avoid_method uses the allocator: %s\n", tc_yesno(nalloc > a0));
	a0 = nalloc;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
	event_config_require_features(cfg, EV_FEATURE_O1);
	printf("set_flag/require_features allocate: %s\n", tc_yesno(nalloc > a0));
	a0 = nalloc;
	base = event_base_new_with_config(cfg);
	printf("event_base_new_with_config: %s, uses the allocator: %s\n",
	    base ? event_base_get_method(base) : "NULL", tc_yesno(nalloc > a0));
	l1 = live;
	event_config_free(cfg);
	printf("event_config_free returns blocks: %s\n", tc_yesno(live < l1));
	event_base_free(base);
	printf("after event_base_free, all blocks back: %s\n", tc_yesno(live == l0));

	a0 = nalloc;
	base = event_base_new();
	printf("event_base_new uses the allocator: %s\n", tc_yesno(nalloc > a0));
	l1 = live;
	a0 = nalloc;
	ev = event_new(base, -1, 0, cb, NULL);
	printf("event_new uses the allocator: %s\n", tc_yesno(nalloc > a0));
	event_free(ev);
	printf("event_free returns its block: %s\n", tc_yesno(live == l1));
	a0 = nalloc;
	event_assign(&stackev, base, -1, 0, cb, NULL);
	printf("event_assign allocates: %s\n", tc_yesno(nalloc > a0));

	/* A run with a timer, I/O and a one-shot event. */
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	{
		struct timeval tv = {0, 2000};
		struct event *io = event_new(base, sv[0], EV_READ | EV_PERSIST, cb, NULL);
		struct event *t = evtimer_new(base, cb, NULL);
		long before_once;
		event_add(io, NULL);
		evtimer_add(t, &tv);
		before_once = live;
		a0 = nalloc;
		event_base_once(base, -1, EV_TIMEOUT, cb, NULL, &tv);
		printf("event_base_once uses the allocator: %s\n", tc_yesno(nalloc > a0));
		if (send(sv[1], "x", 1, 0) != 1)
			printf("send failed\n");
		ncb = 0;
		while (ncb < 3)
			event_base_loop(base, EVLOOP_ONCE);
		printf("callbacks ran: %d\n", ncb);
		printf("one-shot record freed after it ran: %s\n", tc_yesno(live <= before_once));
		event_free(io);
		event_free(t);
	}
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	printf("after the run, all blocks back: %s\n", tc_yesno(live == l0));

	/* A pending one-shot event is freed with its base. */
	base = event_base_new();
	{
		struct timeval tv = {10, 0};
		event_base_once(base, -1, EV_TIMEOUT, cb, NULL, &tv);
	}
	event_base_free(base);
	printf("pending event_base_once freed with the base: %s\n", tc_yesno(live == l0));

	/* event_get_supported_methods allocates its array; a second call
	 * replaces it. */
	{
		const char **m;
		long l2;
		a0 = nalloc;
		m = event_get_supported_methods();
		printf("event_get_supported_methods uses the allocator: %s, first %s\n",
		    tc_yesno(nalloc > a0), m && m[0] ? m[0] : "(none)");
		l2 = live;
		m = event_get_supported_methods();
		printf("second call keeps one array: %s\n", tc_yesno(live == l2));
	}

	/* Thread support: the locks and conditions it allocates (a base's, an
	 * evbuffer's) go through the program's allocator too, and come back. */
	{
		struct evbuffer *buf;
		long nplain, nlocked;
		int r;
		a0 = nalloc;
		base = event_base_new();
		nplain = nalloc - a0;
		event_base_free(base);
		printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());
		a0 = nalloc;
		base = event_base_new();
		nlocked = nalloc - a0;
		printf("base with a lock: non-NULL %s, more allocations than a plain base: %s\n",
		    tc_yesno(base != NULL), tc_yesno(nlocked > nplain));
		buf = evbuffer_new();
		a0 = nalloc;
		r = evbuffer_enable_locking(buf, NULL);
		printf("evbuffer_enable_locking(NULL): %d, its lock came from the allocator: %s\n",
		    r, tc_yesno(nalloc > a0));
		evbuffer_lock(buf);
		evbuffer_add(buf, "abc", 3);
		evbuffer_unlock(buf);
		a0 = nfree;
		evbuffer_free(buf);
		printf("evbuffer_free gives blocks back: %s\n", tc_yesno(nfree > a0));
		event_base_free(base);
	}

	/* Back to the defaults. */
	event_set_mem_functions(NULL, NULL, NULL);
	a0 = nalloc;
	l1 = live;
	base = event_base_new();
	ev = event_new(base, -1, 0, cb, NULL);
	event_free(ev);
	event_base_free(base);
	printf("after restoring defaults, allocator called: %s\n", tc_yesno(nalloc != a0 || live != l1));
	printf("foreign blocks freed through us: %ld\n", foreign);
	printf("done\n");
	return 0;
}
