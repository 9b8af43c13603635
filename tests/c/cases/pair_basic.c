/* pair_basic: bufferevent_pair_new / bufferevent_pair_get_partner: data both
 * ways, the partner's enabled flags and read watermarks (high and low), the
 * write low watermark, deferred callbacks (pairs always defer), freezing of
 * the pair's buffers. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static struct bufferevent *pa, *pb;
static int consume; /* bytes readcb removes */
static int readcbs;

static const char *name(struct bufferevent *b)
{
	return b == pa ? "A" : b == pb ? "B" : "?";
}

static void readcb(struct bufferevent *b, void *arg)
{
	char buf[64];
	size_t before = evbuffer_get_length(bufferevent_get_input(b)), n = 0;
	if (consume)
		n = bufferevent_read(b, buf, (size_t)consume);
	printf("  readcb %s arg_ok=%d input=%u took=%u left=%u\n", name(b), arg == (void *)b,
	    (unsigned)before, (unsigned)n, (unsigned)evbuffer_get_length(bufferevent_get_input(b)));
	if (++readcbs > 200) {
		printf("too many readcbs\n");
		exit(1);
	}
}

static void writecb(struct bufferevent *b, void *arg)
{
	printf("  writecb %s arg_ok=%d output=%u\n", name(b), arg == (void *)b,
	    (unsigned)evbuffer_get_length(bufferevent_get_output(b)));
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	printf("  eventcb %s what=0x%x\n", name(b), what);
}

static void lens(const char *when)
{
	printf("%s: A in=%u out=%u | B in=%u out=%u\n", when,
	    (unsigned)evbuffer_get_length(bufferevent_get_input(pa)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(pa)),
	    (unsigned)evbuffer_get_length(bufferevent_get_input(pb)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(pb)));
}

static void spin(const char *when)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
	lens(when);
}

int main(void)
{
	struct bufferevent *pair[2] = { NULL, NULL };
	char buf[64];
	size_t n;

	tc_alarm("pair_basic", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();

	printf("pair_new: %d\n", bufferevent_pair_new(base, 0, pair));
	pa = pair[0];
	pb = pair[1];
	printf("both set: %d distinct: %d\n", pa != NULL && pb != NULL, pa != pb);
	printf("partner(A)==B: %d partner(B)==A: %d\n",
	    bufferevent_pair_get_partner(pa) == pb, bufferevent_pair_get_partner(pb) == pa);
	printf("base ok: %d %d\n", bufferevent_get_base(pa) == base, bufferevent_get_base(pb) == base);
	printf("enabled: A=0x%x B=0x%x\n", bufferevent_get_enabled(pa), bufferevent_get_enabled(pb));
	printf("getfd: %d %d\n", (int)bufferevent_getfd(pa), (int)bufferevent_getfd(pb));
	printf("underlying of a pair: %s\n", bufferevent_get_underlying(pa) ? "set" : "NULL");
	bufferevent_setcb(pa, readcb, writecb, eventcb, pa);
	bufferevent_setcb(pb, readcb, writecb, eventcb, pb);

	/* The buffers are frozen where the pair moves data. */
	printf("add to A's input (frozen end): %d\n", evbuffer_add(bufferevent_get_input(pa), "x", 1));
	printf("add to A's output: ok\n");

	/* B does not read yet: the data waits in A's output. */
	printf("write A 'hello': %d\n", bufferevent_write(pa, "hello", 5));
	lens("after write (B not reading)");
	printf("drain A's output (frozen start): %d\n", evbuffer_drain(bufferevent_get_output(pa), 1));
	spin("after loop");

	printf("enable B read: %d\n", bufferevent_enable(pb, EV_READ));
	lens("right after enable (before loop)");
	printf("callbacks not run yet (deferred)\n");
	spin("after loop");
	n = bufferevent_read(pb, buf, sizeof(buf) - 1);
	buf[n] = 0;
	printf("B read %u '%s'\n", (unsigned)n, buf);

	/* Now B reads: a write on A moves at once. */
	bufferevent_write(pa, "world!", 6);
	lens("write while B reads");
	spin("after loop");
	bufferevent_read(pb, buf, sizeof(buf));

	/* The other way: A is not reading. */
	bufferevent_write(pb, "back", 4);
	spin("B wrote, A not reading");
	bufferevent_enable(pa, EV_READ);
	spin("A enabled read");
	bufferevent_read(pa, buf, sizeof(buf));

	/* Disabling B's write side keeps its data. */
	bufferevent_disable(pb, EV_WRITE);
	bufferevent_write(pb, "held", 4);
	spin("B write disabled");
	bufferevent_enable(pb, EV_WRITE);
	spin("B write enabled again");
	bufferevent_read(pa, buf, sizeof(buf));

	/* B's read high watermark 10, readcb takes 4 at a time: the pair refills
	 * B up to the watermark after each read. (A reader that takes nothing
	 * with a high watermark makes libevent 2.1.12 spin: not tested.) */
	consume = 4;
	bufferevent_setwatermark(pb, EV_READ, 0, 10);
	bufferevent_write(pa, "0123456789abcdefghijklmnopqrstu", 31);
	lens("31 bytes, B high wm 10 (before loop)");
	spin("after loop");
	consume = 0;

	/* B's read low watermark 8: no readcb below it. */
	bufferevent_setwatermark(pb, EV_READ, 8, 0);
	bufferevent_write(pa, "abc", 3);
	spin("3 bytes, B low wm 8");
	bufferevent_write(pa, "defgh", 5);
	spin("8 bytes, B low wm 8");
	bufferevent_read(pb, buf, sizeof(buf));

	/* A's write low watermark 4: writecb only once A's output is that low. */
	bufferevent_setwatermark(pb, EV_READ, 0, 6);
	bufferevent_setwatermark(pa, EV_WRITE, 4, 0);
	consume = 3;
	bufferevent_write(pa, "0123456789", 10);
	lens("10 bytes, B high 6, A write low 4 (before loop)");
	spin("after loop");
	consume = 0;

	/* Disabling B's read stops the flow. */
	bufferevent_setwatermark(pb, EV_READ, 0, 0);
	bufferevent_disable(pb, EV_READ);
	bufferevent_write(pa, "zz", 2);
	spin("B read disabled");
	printf("enabled: A=0x%x B=0x%x\n", bufferevent_get_enabled(pa), bufferevent_get_enabled(pb));

	bufferevent_free(pa);
	bufferevent_free(pb);
	event_base_free(base);
	printf("done\n");
	return 0;
}
