/* mem_pthreads: with a counting allocator installed first, the locks and
 * conditions that thread support allocates (evthread_use_pthreads, then a
 * base with a lock, an evbuffer with locking) go through the program's
 * allocator, and every block comes back once the objects are freed.
 * Only booleans are printed. */
/* libs: libevent libevent_pthreads */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void safety(int sig)
{
	static const char m[] = "mem_pthreads: safety alarm fired\n";
	(void)sig;
	if (write(2, m, sizeof(m) - 1) < 0) { /* nothing */ }
	_exit(3);
}

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

int main(void)
{
	struct event_base *plain, *locked;
	struct evbuffer *buf;
	long before, nplain, nlocked;
	int r;

	signal(SIGALRM, safety);
	alarm(10);
	setvbuf(stdout, NULL, _IONBF, 0);
	event_set_mem_functions(my_malloc, my_realloc, my_free);

	before = nalloc;
	plain = event_base_new();
	nplain = nalloc - before;
	event_base_free(plain);
	printf("plain base: all blocks back: %s\n", live == 0 ? "yes" : "no");

	printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());
	before = nalloc;
	locked = event_base_new();
	nlocked = nalloc - before;
	printf("base with a lock: non-NULL %s, more allocations than a plain base: %s\n",
	    locked ? "yes" : "no", nlocked > nplain ? "yes" : "no");
	buf = evbuffer_new();
	before = nalloc;
	r = evbuffer_enable_locking(buf, NULL);
	printf("evbuffer_enable_locking(NULL): %d, its lock came from the allocator: %s\n",
	    r, nalloc > before ? "yes" : "no");
	evbuffer_lock(buf);
	evbuffer_add(buf, "abc", 3);
	evbuffer_unlock(buf);
	before = nfree;
	evbuffer_free(buf);
	printf("evbuffer_free gives blocks back: %s\n", nfree > before ? "yes" : "no");
	event_base_free(locked);
	printf("foreign frees: %ld\n", foreign);
	return 0;
}
